//! The audit log: who did what, to what, from which address, and when —
//! every change and every security event (failed sign-ins, refused forms and
//! roles, API-key use).
//!
//! Rows are chained by hash: each row keeps the hash of the row before it and
//! its own hash over that and its fields, so a row changed or deleted in the
//! database breaks the chain at that place, which [`Store::verify_audit`]
//! finds (`indaba admin verify-audit`). Cutting rows off the end leaves a
//! shorter chain that is still whole; the head hash that verification prints
//! can be kept elsewhere and checked later with `--head` to catch that too.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Backend, Store, StoreError, now};

tokio::task_local! {
    static CLIENT: String;
}

/// Runs `work` as serving a request from `client`: audit rows written for
/// callers that name only a user carry that address. The web platform
/// wraps every request in it, so no audit row goes without its address.
pub async fn acting_from<F: std::future::Future>(client: String, work: F) -> F::Output {
    CLIENT.scope(client, work).await
}

/// Who acts: a user or nobody in particular, and from which address
/// (`local` for the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user or API-key owner, if any.
    pub user: Option<String>,
    /// The client's address as the platform sees it, or `local`.
    pub client: String,
}

impl Actor {
    /// The operator at the command line.
    pub fn local() -> Actor {
        Actor {
            user: None,
            client: "local".into(),
        }
    }

    /// The platform's own scheduler (scheduled scans).
    pub fn scheduler() -> Actor {
        Actor {
            user: None,
            client: "scheduler".into(),
        }
    }

    /// Someone not signed in, at `client`.
    pub fn anonymous(client: impl ToString) -> Actor {
        Actor {
            user: None,
            client: client.to_string(),
        }
    }

    /// The user `user_id`, at `client`.
    pub fn user(user_id: impl Into<String>, client: impl ToString) -> Actor {
        Actor {
            user: Some(user_id.into()),
            client: client.to_string(),
        }
    }

    /// `user` (or nobody) at the address of the request being served (see
    /// [`acting_from`]), else `local`: for the store's callers that name
    /// only the user (the desk's and the assembly's changes).
    pub(crate) fn without_address(user: Option<&str>) -> Actor {
        Actor {
            user: user.map(str::to_string),
            client: CLIENT
                .try_with(String::clone)
                .unwrap_or_else(|_| "local".into()),
        }
    }

    /// The same client acting as `user_id` (after signing in, say).
    pub fn as_user(&self, user_id: &str) -> Actor {
        Actor {
            user: Some(user_id.to_string()),
            client: self.client.clone(),
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its place in the log.
    pub seq: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// Who (a user id; `None` for an anonymous client or the system).
    pub actor: Option<String>,
    /// From where (an address, or `local`).
    pub client: String,
    /// What was done (`user.create`, `login.failure`…).
    pub action: String,
    /// To what.
    pub subject: String,
    /// Details, JSON.
    pub detail: String,
}

/// Where the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditBreak {
    /// The row's fields no longer give its hash: it was changed.
    Changed {
        /// The row.
        seq: i64,
    },
    /// The row does not follow the row before it: rows between were
    /// deleted, or the row before was replaced.
    Unlinked {
        /// The row.
        seq: i64,
    },
    /// The row has no hash at all, after the chain had begun.
    Unsealed {
        /// The row.
        seq: i64,
    },
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// Rows read.
    pub rows: u64,
    /// The last row's hash: keep it, and check later that it is still in
    /// the chain.
    pub head: Option<String>,
    /// Every break found, in order (at most [`MAX_BREAKS`]).
    pub breaks: Vec<AuditBreak>,
}

/// Breaks reported at most (past that the log is plainly not to be trusted).
pub const MAX_BREAKS: usize = 100;

/// The hash of a row: SHA-256 over the previous row's hash and the row's
/// fields as a JSON array (one unambiguous encoding).
fn row_hash(
    prev: &str,
    at: i64,
    actor: Option<&str>,
    client: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let fields = serde_json::json!([at, actor, client, action, subject, detail]);
    crate::token_hash(&format!("{prev}\n{fields}"))
}

/// Appends a row inside `tx`. On PostgreSQL the chain's tail is locked for
/// the transaction, so two writers never both follow the same row.
pub(crate) async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    by: &Actor,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7244)")
            .execute(&mut **tx)
            .await?;
    }
    let prev: Option<String> = sqlx::query("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get::<Option<String>, _>("hash"))
        .transpose()?
        .flatten();
    let prev = prev.unwrap_or_default();
    let at = now();
    let detail = detail.to_string();
    let client: String = by.client.chars().take(100).collect();
    let hash = row_hash(
        &prev,
        at,
        by.user.as_deref(),
        &client,
        action,
        subject,
        &detail,
    );
    sqlx::query(
        "INSERT INTO audit_log (at, actor, client, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(at)
    .bind(by.user.as_deref())
    .bind(&client)
    .bind(action)
    .bind(subject)
    .bind(&detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const AUDIT_COLUMNS: &str = "seq, at, actor, client, action, subject, detail";

fn entry_from_row(r: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        client: r.try_get("client")?,
        action: r.try_get("action")?,
        subject: r.try_get("subject")?,
        detail: r.try_get("detail")?,
    })
}

impl Store {
    /// Records a security event that changes nothing else (a refused form,
    /// a refused role, an API key used).
    pub async fn record(
        &self,
        by: &Actor,
        action: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        audit(&mut tx, self.backend, by, action, subject, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest audit entries, newest first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1"
        ))
        .bind(limit.clamp(0, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Seals rows written before the chain existed (a database from before
    /// this version), once: only while no row has a hash yet, so rows
    /// unsealed later are reported by [`Store::verify_audit`], not quietly
    /// sealed.
    pub(crate) async fn seal_audit_backlog(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let sealed = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE hash IS NOT NULL")
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("n")?;
        if sealed > 0 {
            return Ok(());
        }
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY seq"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut prev = String::new();
        for row in &rows {
            let e = entry_from_row(row)?;
            let hash = row_hash(
                &prev,
                e.at,
                e.actor.as_deref(),
                &e.client,
                &e.action,
                &e.subject,
                &e.detail,
            );
            sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                .bind(&prev)
                .bind(&hash)
                .bind(e.seq)
                .execute(&mut *tx)
                .await?;
            prev = hash;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Walks the whole chain (a page at a time) and reports where it breaks.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        const PAGE: i64 = 1000;
        let mut result = AuditVerification {
            rows: 0,
            head: None,
            breaks: Vec::new(),
        };
        let mut prev = String::new();
        let mut after = i64::MIN;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {AUDIT_COLUMNS}, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
            ))
            .bind(after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            for row in &rows {
                let e = entry_from_row(row)?;
                let stored_prev: Option<String> = row.try_get("prev_hash")?;
                let stored: Option<String> = row.try_get("hash")?;
                result.rows += 1;
                after = e.seq;
                let problem = match (&stored_prev, &stored) {
                    (_, None) => Some(AuditBreak::Unsealed { seq: e.seq }),
                    (Some(p), Some(_)) if *p != prev => Some(AuditBreak::Unlinked { seq: e.seq }),
                    (None, Some(_)) => Some(AuditBreak::Unlinked { seq: e.seq }),
                    (Some(p), Some(h)) => {
                        let expected = row_hash(
                            p,
                            e.at,
                            e.actor.as_deref(),
                            &e.client,
                            &e.action,
                            &e.subject,
                            &e.detail,
                        );
                        (expected != *h).then_some(AuditBreak::Changed { seq: e.seq })
                    }
                };
                if let Some(p) = problem
                    && result.breaks.len() < MAX_BREAKS
                {
                    result.breaks.push(p);
                }
                // Follow the stored hash, so one changed row is reported once
                // and the rows after it are judged on their own.
                prev = stored.unwrap_or_default();
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        result.head = (!prev.is_empty()).then_some(prev);
        Ok(result)
    }

    /// Whether a row with hash `head` is still in the log (a head recorded
    /// earlier: when it is gone, rows were cut off the end or rewritten).
    pub async fn audit_has_hash(&self, head: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT seq FROM audit_log WHERE hash = $1")
            .bind(head)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_the_previous_row() {
        let base = row_hash("p", 1, Some("u"), "192.0.2.1", "a", "s", "{}");
        for other in [
            row_hash("q", 1, Some("u"), "192.0.2.1", "a", "s", "{}"),
            row_hash("p", 2, Some("u"), "192.0.2.1", "a", "s", "{}"),
            row_hash("p", 1, None, "192.0.2.1", "a", "s", "{}"),
            row_hash("p", 1, Some("u"), "192.0.2.2", "a", "s", "{}"),
            row_hash("p", 1, Some("u"), "192.0.2.1", "b", "s", "{}"),
            row_hash("p", 1, Some("u"), "192.0.2.1", "a", "t", "{}"),
            row_hash("p", 1, Some("u"), "192.0.2.1", "a", "s", "{\"x\":1}"),
            // Moving text between fields changes the hash too.
            row_hash("p", 1, Some("u"), "192.0.2.1", "as", "", "{}"),
        ] {
            assert_ne!(base, other);
        }
    }
}
