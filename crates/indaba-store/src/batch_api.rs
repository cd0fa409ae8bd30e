//! The requests of the internet.nl-compatible batch API: who made them,
//! their domains, where they are in internet.nl's status flow, and their
//! generated results.
//!
//! A request rides on the existing job queue rather than on monitoring's
//! scans: its id is also a `batches` row's, so its tests are ordinary jobs
//! of the queue's batch share (workers take public tests first, the batch
//! share has its own bound, and a batch's reports are never published, so
//! they never reach the home page). The status moves only forward, each
//! step one guarded statement, so several processes can run the scheduler
//! that drives it:
//!
//! `registering` (domains stored) → `running` (all of them queued as jobs,
//! in one transaction, when the batch share has room) → `generating` (no job
//! of it queued or running) → `done` (results stored). `cancelled` can
//! happen at any point before `done`; `error` when registering fails for
//! good.

use std::fmt;
use std::str::FromStr;

use indaba_model::TestKind;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Actor, audit};
use crate::reports::{kind_text, parse_kind};
use crate::{Backend, Store, StoreError, now, parse_column};

/// Where a request is, in internet.nl's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatus {
    /// Its domains are stored, not yet queued.
    Registering,
    /// Its tests are queued or running.
    Running,
    /// Every test ended; its results are being put together.
    Generating,
    /// Results ready.
    Done,
    /// Cancelled by its owner.
    Cancelled,
    /// Its domains could not be registered.
    Error,
}

impl BatchStatus {
    /// The word of internet.nl's API.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Registering => "registering",
            BatchStatus::Running => "running",
            BatchStatus::Generating => "generating",
            BatchStatus::Done => "done",
            BatchStatus::Cancelled => "cancelled",
            BatchStatus::Error => "error",
        }
    }
}

impl fmt::Display for BatchStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BatchStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "registering" => BatchStatus::Registering,
            "running" => BatchStatus::Running,
            "generating" => BatchStatus::Generating,
            "done" => BatchStatus::Done,
            "cancelled" => BatchStatus::Cancelled,
            "error" => BatchStatus::Error,
            _ => return Err(()),
        })
    }
}

/// A batch API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRequest {
    /// Its id: 32 lower-case hex digits (internet.nl's `request_id`).
    pub id: String,
    /// The user who made it.
    pub owner: String,
    /// The requester's free-form name for it.
    pub name: String,
    /// Web or mail.
    pub kind: TestKind,
    /// Where it is.
    pub status: BatchStatus,
    /// When it was made (Unix seconds).
    pub submitted_at: i64,
    /// When it reached `done`, `cancelled` or `error`.
    pub finished_at: Option<i64>,
}

/// What registering a request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// Its domains are queued (this many jobs); it is `running`.
    Registered(usize),
    /// The batch share of the queue has no room for all of them now.
    QueueFull,
    /// It was not `registering` (cancelled, or another process did it).
    NotRegistering,
}

const COLUMNS: &str = "id, owner, name, kind, status, submitted_at, finished_at";

fn from_row(r: &AnyRow) -> Result<BatchRequest, StoreError> {
    let status: String = r.try_get("status")?;
    let kind: String = r.try_get("kind")?;
    Ok(BatchRequest {
        id: r.try_get("id")?,
        owner: r.try_get("owner")?,
        name: r.try_get("name")?,
        kind: parse_kind(&kind)?,
        status: parse_column(&status, "batch request status")?,
        submitted_at: r.try_get("submitted_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// A new request id: 128 random bits as 32 lower-case hex digits, the form
/// internet.nl's `RequestId` schema demands.
fn new_request_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Stores a new request of `owner` for `domains` (already checked and
    /// free of duplicates), in `registering`.
    pub async fn create_batch_request(
        &self,
        by: &Actor,
        owner: &str,
        name: &str,
        kind: TestKind,
        domains: &[String],
    ) -> Result<BatchRequest, StoreError> {
        let id = new_request_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO batches (id, owner, created_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(owner)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO batch_requests (id, owner, name, kind, status, submitted_at) \
             VALUES ($1, $2, $3, $4, 'registering', $5)",
        )
        .bind(&id)
        .bind(owner)
        .bind(name)
        .bind(kind_text(kind))
        .bind(at)
        .execute(&mut *tx)
        .await?;
        for (position, domain) in domains.iter().enumerate() {
            sqlx::query(
                "INSERT INTO batch_request_domains (request_id, position, domain) VALUES ($1, $2, $3)",
            )
            .bind(&id)
            .bind(position as i64)
            .bind(domain)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "batch_request.create",
            &id,
            serde_json::json!({"kind": kind_text(kind), "domains": domains.len(), "name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok(BatchRequest {
            id,
            owner: owner.to_string(),
            name: name.to_string(),
            kind,
            status: BatchStatus::Registering,
            submitted_at: at,
            finished_at: None,
        })
    }

    /// The requests of `owner`, newest first, at most `limit` (all when
    /// `None`).
    pub async fn batch_requests_of(
        &self,
        owner: &str,
        limit: Option<i64>,
    ) -> Result<Vec<BatchRequest>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM batch_requests WHERE owner = $1 ORDER BY seq DESC LIMIT $2"
        ))
        .bind(owner)
        .bind(limit.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Request `id` if it is `owner`'s (another's is `NotFound` too).
    pub async fn batch_request_of(
        &self,
        owner: &str,
        id: &str,
    ) -> Result<BatchRequest, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM batch_requests WHERE id = $1 AND owner = $2"
        ))
        .bind(id)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("batch request"))?;
        from_row(&row)
    }

    /// Cancels `owner`'s request `id` (one that is done stays done): its
    /// queued tests end as failed, running ones finish unread.
    pub async fn cancel_batch_request(
        &self,
        by: &Actor,
        owner: &str,
        id: &str,
    ) -> Result<BatchRequest, StoreError> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE batch_requests SET status = 'cancelled', finished_at = $1 \
             WHERE id = $2 AND owner = $3 AND status NOT IN ('done', 'cancelled')",
        )
        .bind(at)
        .bind(id)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed > 0 {
            sqlx::query(
                "UPDATE jobs SET state = 'failed', finished_at = $1, error = 'cancelled' \
                 WHERE batch_id = $2 AND state = 'queued'",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                self.backend,
                by,
                "batch_request.cancel",
                id,
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        self.batch_request_of(owner, id).await
    }

    /// How many of request `id`'s domains are finished (done or failed), and
    /// how many it has.
    pub async fn batch_request_progress(&self, id: &str) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM batch_request_domains WHERE request_id = $1) AS total, \
             (SELECT COUNT(*) FROM jobs WHERE batch_id = $1 AND state IN ('done', 'failed')) AS finished",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("finished")?, row.try_get("total")?))
    }

    /// Requests in `status`, oldest first, at most `limit` (the scheduler's
    /// work list).
    pub async fn batch_requests_in(
        &self,
        status: BatchStatus,
        limit: i64,
    ) -> Result<Vec<BatchRequest>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM batch_requests WHERE status = $1 ORDER BY seq LIMIT $2"
        ))
        .bind(status.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Queues every domain of request `id` as a job of the batch share and
    /// makes it `running`, all or nothing, unless `bound` jobs of the share
    /// would be exceeded.
    pub async fn register_batch_request(
        &self,
        id: &str,
        client: &str,
        bound: i64,
    ) -> Result<Registration, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // The queue's own enqueue lock: the share's bound holds for both.
            sqlx::query("SELECT pg_advisory_xact_lock(7243)")
                .execute(&mut *tx)
                .await?;
        }
        let request =
            sqlx::query("SELECT kind FROM batch_requests WHERE id = $1 AND status = 'registering'")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(request) = request else {
            return Ok(Registration::NotRegistering);
        };
        let kind: String = request.try_get("kind")?;
        let domains: Vec<String> = sqlx::query(
            "SELECT domain FROM batch_request_domains WHERE request_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("domain"))
        .collect::<Result<_, _>>()?;
        let queued: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running') AND batch_id IS NOT NULL",
        )
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if queued + domains.len() as i64 > bound {
            return Ok(Registration::QueueFull);
        }
        let at = now();
        for domain in &domains {
            sqlx::query(
                "INSERT INTO jobs (id, kind, domain, state, client, batch_id, submitted_at) \
                 VALUES ($1, $2, $3, 'queued', $4, $5, $6)",
            )
            .bind(crate::new_id())
            .bind(&kind)
            .bind(domain)
            .bind(client)
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        let moved = sqlx::query(
            "UPDATE batch_requests SET status = 'running' WHERE id = $1 AND status = 'registering'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Ok(Registration::NotRegistering);
        }
        tx.commit().await?;
        Ok(Registration::Registered(domains.len()))
    }

    /// Ends request `id` in `error` (registering failed for good), unless it
    /// has moved on.
    pub async fn fail_batch_request(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE batch_requests SET status = 'error', finished_at = $1 \
             WHERE id = $2 AND status = 'registering'",
        )
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Moves a `running` request whose tests have all ended to
    /// `generating`; whether it moved.
    pub async fn batch_request_tested(&self, id: &str) -> Result<bool, StoreError> {
        let moved = sqlx::query(
            "UPDATE batch_requests SET status = 'generating' WHERE id = $1 AND status = 'running' \
             AND NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = $1 AND state IN ('queued', 'running'))",
        )
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved > 0)
    }

    /// Stores a `generating` request's results (JSON texts) and makes it
    /// `done`; whether it did (a cancelled request keeps none).
    pub async fn finish_batch_request(
        &self,
        id: &str,
        results: &str,
        results_technical: &str,
    ) -> Result<bool, StoreError> {
        let moved = sqlx::query(
            "UPDATE batch_requests SET status = 'done', finished_at = $1, results = $2, \
             results_technical = $3 WHERE id = $4 AND status = 'generating'",
        )
        .bind(now())
        .bind(results)
        .bind(results_technical)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved > 0)
    }

    /// The stored results of request `id` (JSON text): the technical ones
    /// when `technical`; `None` until it is done.
    pub async fn batch_request_results(
        &self,
        id: &str,
        technical: bool,
    ) -> Result<Option<String>, StoreError> {
        let column = if technical {
            "results_technical"
        } else {
            "results"
        };
        let row = sqlx::query(&format!(
            "SELECT {column} AS r FROM batch_requests WHERE id = $1 AND status = 'done'"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => r.try_get("r")?,
            None => None,
        })
    }
}
