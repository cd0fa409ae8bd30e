//! The platform's store: reports with their observations, per-finding rows
//! for statistics, the job queue, accounts, sessions and the audit log.
//!
//! One code path serves SQLite (the default: a file, WAL mode, nothing to set
//! up) and PostgreSQL (a `postgres://` URL), through sqlx's `Any` driver with
//! runtime-checked queries. The schema differs only where the two databases'
//! DDL does (`INTEGER PRIMARY KEY AUTOINCREMENT` against `BIGSERIAL`, integer
//! widths), so each has its own migration directory; every query is written
//! once, in the SQL both understand (`$1` parameters, Unix-second integers,
//! text ids, 0/1 for booleans). The statements that must differ are the
//! full-text search (FTS5 against tsvector, see [`assembly`]) and the
//! job claim, which PostgreSQL makes safe under concurrent workers with
//! `FOR UPDATE SKIP LOCKED` (SQLite serialises writers anyway), and the
//! scheduler's lock ([`monitor`]: an advisory lock against a lease row).

mod accounts;
mod api_keys;
pub mod assembly;
mod audit;
mod batch_api;
pub mod desk;
mod disabling;
pub mod explain;
mod jobs;
pub mod monitor;
pub mod notices;
pub mod passwords;
mod public;
mod reports;
mod signin;
pub mod stats;

use std::str::FromStr;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

pub use accounts::{NewUser, Organisation, Role, Session, Stakeholder, User};
pub use api_keys::{ApiKey, ApiKeyOwner};
pub use audit::{Actor, AuditBreak, AuditEntry, AuditVerification, acting_from};
pub use batch_api::{BatchRequest, BatchStatus, Registration};
pub use desk::{DeskCase, Sealer};
pub use jobs::{Job, JobState, QueueFull};
pub use public::PublicReport;
pub use reports::ReportSummary;
pub use signin::{ResetLink, SignIn, throttle_delay};

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or migrated.
    #[error(
        "the database at {url} could not be opened: {reason}; check the path is writable or the server is running"
    )]
    Open {
        /// The URL, without its password.
        url: String,
        /// The driver's words.
        reason: String,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// A stored value does not decode (a report written by a newer version?).
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    /// The thing asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A value given is not acceptable (e.g. an email already taken).
    #[error("{0}")]
    Invalid(String),
    /// A rule refused the change (the message says which, in the reader's
    /// language once rendered).
    #[error("refused: {}", .0.id)]
    Refused(indaba_model::Message),
    /// The change would leave no enabled administrator.
    #[error("at least one enabled administrator must remain")]
    LastAdmin,
}

impl From<indaba_assembly::Refused> for StoreError {
    fn from(r: indaba_assembly::Refused) -> Self {
        StoreError::Refused(r.0)
    }
}

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file.
    Sqlite,
    /// PostgreSQL, a server.
    Postgres,
}

/// The store. Cheap to clone (a pool handle).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens the database at `url` (`sqlite:path`, `sqlite://path`, a bare file
    /// path, or `postgres://…`), creating a SQLite file if missing, and brings
    /// its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise(url);
        let shown = redact(&url);
        let open_err = |e: sqlx::Error| StoreError::Open {
            url: shown.clone(),
            reason: e.to_string(),
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(&url).await.map_err(open_err)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.map_err(|e| StoreError::Open {
            url: shown.clone(),
            reason: format!("migrating the schema: {e}"),
        })?;
        let store = Store { pool, backend };
        store.seal_audit_backlog().await?;
        Ok(store)
    }

    /// A transaction that will write. SQLite's must take the write lock at
    /// once (`BEGIN IMMEDIATE`): a deferred one that reads first and writes
    /// later cannot wait for the lock and fails with "database is locked"
    /// under concurrent writers.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The connection pool itself, for tools and tests that must reach past
    /// the store's rules (the audit tests tamper with rows through it).
    pub fn raw_pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (tests; the server just exits).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// (backend, URL sqlx understands).
fn normalise(url: &str) -> (Backend, String) {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return (Backend::Postgres, url.to_string());
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let query = if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        query.to_string()
    };
    (Backend::Sqlite, format!("sqlite://{path}?{query}"))
}

/// The URL without a password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..])
                }
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A random, URL-safe, unguessable id (128 bits).
pub fn new_id() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a secret token, hex: what the store keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A text column parsed into an enum, or a `Corrupt` error naming it.
fn parse_column<T: FromStr>(value: &str, what: &str) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{what} {value:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalised_and_redacted() {
        assert_eq!(
            normalise("indaba.db"),
            (Backend::Sqlite, "sqlite://indaba.db?mode=rwc".into())
        );
        assert_eq!(
            normalise("sqlite:/tmp/x.db"),
            (Backend::Sqlite, "sqlite:///tmp/x.db?mode=rwc".into())
        );
        assert_eq!(normalise("postgres://u:p@h/db").0, Backend::Postgres);
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
