//! The job queue: tests waiting to run, running, done or failed. Bounded, so
//! a flood of submissions gets a clear "busy" answer instead of a backlog
//! nobody will wait for.
//!
//! The queue has two shares, told apart by whether a job belongs to a batch:
//! public single tests and batch work. Each share has its own bound (the
//! caller gives the bound of the job's share), so a batch of a thousand
//! domains never makes a public test "busy"; and workers take public tests
//! first, so a public test never waits behind a batch either. (Whoever
//! rewrites the queue: keep both rules; `tests/store.rs` checks them.)

use std::fmt;
use std::str::FromStr;

use indaba_model::TestKind;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Backend, Store, StoreError, new_id, now, parse_column};

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// A worker is testing.
    Running,
    /// Finished; the report is stored.
    Done,
    /// Could not be tested; the reason is kept.
    Failed,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            _ => return Err(()),
        })
    }
}

/// One test to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its id (also the progress page's address).
    pub id: String,
    /// Web or mail.
    pub kind: TestKind,
    /// The domain.
    pub domain: String,
    /// Where it is.
    pub state: JobState,
    /// The batch it belongs to, if any.
    pub batch_id: Option<String>,
    /// When it was submitted (Unix seconds).
    pub submitted_at: i64,
    /// The report, when done.
    pub report_id: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Jobs ahead of it in the queue, while queued.
    pub position: Option<i64>,
}

/// The queue is full; try again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the test queue is full ({queued} tests waiting or running); try again in a minute")]
pub struct QueueFull {
    /// Jobs queued or running.
    pub queued: i64,
}

fn kind_text(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "web",
        TestKind::Mail => "mail",
    }
}

const JOB_COLUMNS: &str = "seq, id, kind, domain, state, batch_id, submitted_at, report_id, error";

fn job_from_row(row: &AnyRow) -> Result<Job, StoreError> {
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    Ok(Job {
        id: row.try_get("id")?,
        kind: match kind.as_str() {
            "web" => TestKind::Web,
            "mail" => TestKind::Mail,
            other => return Err(StoreError::Corrupt(format!("job kind {other:?}"))),
        },
        domain: row.try_get("domain")?,
        state: parse_column(&state, "job state")?,
        batch_id: row.try_get("batch_id")?,
        submitted_at: row.try_get("submitted_at")?,
        report_id: row.try_get("report_id")?,
        error: row.try_get("error")?,
        position: None,
    })
}

impl Store {
    /// Queues a test, unless `bound` jobs of its share (public tests when
    /// `batch_id` is `None`, batch work otherwise) are already queued or
    /// running.
    pub async fn enqueue(
        &self,
        kind: TestKind,
        domain: &str,
        client: &str,
        batch_id: Option<&str>,
        bound: i64,
    ) -> Result<Result<String, QueueFull>, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // One enqueuer at a time, so the bound holds under concurrency.
            sqlx::query("SELECT pg_advisory_xact_lock(7243)")
                .execute(&mut *tx)
                .await?;
        }
        let share = if batch_id.is_some() {
            "batch_id IS NOT NULL"
        } else {
            "batch_id IS NULL"
        };
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running') AND {share}"
        ))
        .fetch_one(&mut *tx)
        .await?;
        let queued: i64 = row.try_get("n")?;
        if queued >= bound {
            return Ok(Err(QueueFull { queued }));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO jobs (id, kind, domain, state, client, batch_id, submitted_at) \
             VALUES ($1, $2, $3, 'queued', $4, $5, $6)",
        )
        .bind(&id)
        .bind(kind_text(kind))
        .bind(domain)
        .bind(client)
        .bind(batch_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// The job `id`, with its queue position while queued (in the order
    /// workers take jobs: public tests first).
    pub async fn job(&self, id: &str) -> Result<Job, StoreError> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("test"))?;
        let mut job = job_from_row(&row)?;
        if job.state == JobState::Queued {
            let seq: i64 = row.try_get("seq")?;
            let ahead_sql = if job.batch_id.is_some() {
                "SELECT COUNT(*) AS n FROM jobs WHERE state = 'queued' AND (batch_id IS NULL OR seq < $1)"
            } else {
                "SELECT COUNT(*) AS n FROM jobs WHERE state = 'queued' AND batch_id IS NULL AND seq < $1"
            };
            let ahead = sqlx::query(ahead_sql)
                .bind(seq)
                .fetch_one(&self.pool)
                .await?;
            job.position = Some(ahead.try_get::<i64, _>("n")? + 1);
        }
        Ok(job)
    }

    /// Takes the oldest queued public test for a worker, else the oldest
    /// queued batch job, atomically: two workers never get the same job.
    pub async fn claim_next(&self) -> Result<Option<Job>, StoreError> {
        const ORDER: &str = "ORDER BY (CASE WHEN batch_id IS NULL THEN 0 ELSE 1 END), seq LIMIT 1";
        let pick = match self.backend {
            Backend::Sqlite => format!("SELECT id FROM jobs WHERE state = 'queued' {ORDER}"),
            Backend::Postgres => {
                format!("SELECT id FROM jobs WHERE state = 'queued' {ORDER} FOR UPDATE SKIP LOCKED")
            }
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', started_at = $1 WHERE id = ({pick}) \
             AND state = 'queued' RETURNING {JOB_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(now())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// Marks a job done with its report.
    pub async fn finish_job(&self, id: &str, report_id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = 'done', finished_at = $1, report_id = $2 WHERE id = $3",
        )
        .bind(now())
        .bind(report_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a job failed with the reason people will read.
    pub async fn fail_job(&self, id: &str, reason: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE jobs SET state = 'failed', finished_at = $1, error = $2 WHERE id = $3")
            .bind(now())
            .bind(reason)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Puts jobs that have been running longer than `stale_secs` (a worker
    /// died) back in the queue; returns how many.
    pub async fn requeue_stale(&self, stale_secs: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("UPDATE jobs SET state = 'queued', started_at = NULL WHERE state = 'running' AND started_at < $1")
            .bind(now() - stale_secs)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Creates a batch owned by `owner`.
    pub async fn create_batch(&self, owner: &str) -> Result<String, StoreError> {
        let id = new_id();
        sqlx::query("INSERT INTO batches (id, owner, created_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(owner)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    /// The owner of batch `id`.
    pub async fn batch_owner(&self, id: &str) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT owner FROM batches WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("batch"))?;
        Ok(row.try_get("owner")?)
    }

    /// The jobs of batch `id`, in submission order.
    pub async fn batch_jobs(&self, id: &str) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE batch_id = $1 ORDER BY seq"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_from_row).collect()
    }
}
