//! Monitoring's tables: lists and their domains, imports, scans, the scan
//! job queue, shared probes and the scheduler's lock.
//!
//! The queue is our own rather than a job-queue crate such as apalis: the
//! rules of issue 12 need claiming that is fair across accounts and lists
//! (apalis serves a queue in order), exactly one report per job written in
//! the same transaction as the job's end (apalis keeps its results apart
//! from our reports), single public tests before batch work across two
//! tables, and one schema on SQLite and PostgreSQL through sqlx's `Any`
//! driver (apalis has one storage per database, each with its own schema).
//! The rules themselves are `indaba_monitor::queue`'s; this module carries
//! them out:
//!
//! - a claim leases a job until a deadline, in one statement guarded by
//!   `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite serialises writers);
//! - the worker renews its leases while it works; the scheduler puts jobs
//!   whose lease ran out back in the queue (or ends them in `error` when
//!   they have had their attempts);
//! - a job's report goes in with the job's id under a unique key, so a late
//!   duplicate finish writes nothing;
//! - failures retry with back-off, then end in `error` with the reason.

use std::collections::HashMap;

use indaba_model::{Message, Report, TestKind};
use indaba_monitor::list::{Country, ListEntry};
use indaba_monitor::queue::{Candidate, Decision, Failure, RetryPolicy, fair_order};
use indaba_monitor::{Cadence, Kinds, ScanCounts, ScanEvent, ScanState};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::audit;
use crate::reports::{insert_report, kind_text, parse_kind};
use crate::{Actor, Backend, Store, StoreError, new_id, now, parse_column};

/// A list of domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// Its id.
    pub id: String,
    /// Its name (unique).
    pub name: String,
    /// Which tests its scans run.
    pub kinds: Kinds,
    /// The organisation it belongs to, whose members may see it.
    pub owner_org: Option<String>,
    /// Who made it.
    pub created_by: Option<String>,
    /// How often it is scanned by itself, if at all.
    pub cadence: Option<Cadence>,
    /// When the scheduler starts its next scan (Unix seconds).
    pub next_run_at: Option<i64>,
    /// When it was made.
    pub created_at: i64,
    /// How many domains it has.
    pub domains: i64,
}

/// What a new list is.
#[derive(Debug, Clone)]
pub struct NewList<'a> {
    /// Its name.
    pub name: &'a str,
    /// Which tests its scans run.
    pub kinds: Kinds,
    /// The organisation it belongs to.
    pub owner_org: Option<&'a str>,
}

/// A domain of a list, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// The entry.
    pub entry: ListEntry,
    /// The organisation it names, when that is one the platform knows.
    pub organisation_id: Option<String>,
}

/// A scan and its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Its id.
    pub id: String,
    /// The list scanned.
    pub list_id: String,
    /// The list's name.
    pub list_name: String,
    /// Which tests it runs.
    pub kinds: Kinds,
    /// Where it is.
    pub state: ScanState,
    /// Jobs by state.
    pub counts: ScanCounts,
    /// When it was made, started and finished (Unix seconds).
    pub created_at: i64,
    /// When the first job was claimed.
    pub started_at: Option<i64>,
    /// When it ended.
    pub finished_at: Option<i64>,
}

/// A job a worker holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanJob {
    /// Its id (scan, kind and domain).
    pub id: String,
    /// The scan.
    pub scan_id: String,
    /// The domain.
    pub domain: String,
    /// Web or mail.
    pub kind: TestKind,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// One job's result, for a scan's result table (issue 13 builds its
/// dashboards on these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult {
    /// The domain.
    pub domain: String,
    /// Web or mail.
    pub kind: TestKind,
    /// `queued`, `running`, `done`, `error`, `cancelled`.
    pub state: String,
    /// The report, when done.
    pub report_id: Option<String>,
    /// Why it ended in error.
    pub error: Option<Message>,
    /// Attempts made.
    pub attempts: i64,
}

/// How a finish went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// The report was written; its id.
    Written(String),
    /// The job already had its report (a late duplicate): nothing written.
    AlreadyDone,
}

/// An import's progress and result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// Its id.
    pub id: String,
    /// The list imported into.
    pub list_id: String,
    /// The file's name as uploaded.
    pub file_name: String,
    /// `reading`, `writing`, `done` or `failed`.
    pub state: String,
    /// Rows read so far.
    pub rows_read: i64,
    /// Distinct domains found.
    pub domains: i64,
    /// Rows merged into an earlier one.
    pub merged: i64,
    /// Bad rows left out.
    pub bad: i64,
    /// Domains written to the list so far.
    pub written: i64,
    /// Every problem: line and message.
    pub problems: Vec<(u64, Message, bool)>,
    /// Why the whole import failed.
    pub error: Option<Message>,
}

/// Queue depth per job state, for /metrics.
pub type Depth = Vec<(String, i64)>;

const LIST_COLUMNS: &str = "l.id, l.name, l.kinds, l.owner_org, l.created_by, l.cadence, \
     l.next_run_at, l.created_at, \
     (SELECT COUNT(*) FROM monitor_domains d WHERE d.list_id = l.id) AS domains";

fn list_from_row(row: &AnyRow) -> Result<List, StoreError> {
    let kinds: String = row.try_get("kinds")?;
    let cadence: Option<String> = row.try_get("cadence")?;
    Ok(List {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kinds: kinds
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("list kinds {kinds:?}")))?,
        owner_org: row.try_get("owner_org")?,
        created_by: row.try_get("created_by")?,
        cadence: cadence
            .map(|c| {
                c.parse()
                    .map_err(|_| StoreError::Corrupt(format!("cadence {c:?}")))
            })
            .transpose()?,
        next_run_at: row.try_get("next_run_at")?,
        created_at: row.try_get("created_at")?,
        domains: row.try_get("domains")?,
    })
}

fn message_json(m: &Message) -> String {
    serde_json::to_string(m).unwrap_or_else(|_| "{\"id\":\"monitor-job-gave-up\"}".into())
}

fn message_from(text: Option<String>) -> Option<Message> {
    text.map(|t| serde_json::from_str(&t).unwrap_or_else(|_| Message::new(t)))
}

/// Rows written per transaction by bulk operations (imports, enqueueing).
const BATCH: usize = 500;

impl Store {
    /// The connection pool, for tests and tools that check the tables
    /// directly (the fault tests count reports per job).
    pub fn pool(&self) -> &sqlx::AnyPool {
        &self.pool
    }

    // ------------------------------------------------------------ lists

    /// Makes a list.
    pub async fn create_list(&self, by: &Actor, new: NewList<'_>) -> Result<List, StoreError> {
        let name = indaba_monitor::list::list_name(new.name).map_err(StoreError::Refused)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO monitor_lists (id, name, kinds, owner_org, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&id)
        .bind(&name)
        .bind(new.kinds.as_str())
        .bind(new.owner_org)
        .bind(by.user.as_deref())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid(format!(
                "a list named {name:?} exists already"
            )));
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.list.create",
            &id,
            serde_json::json!({"name": name, "kinds": new.kinds.as_str(), "owner_org": new.owner_org}),
        )
        .await?;
        tx.commit().await?;
        self.list(&id).await
    }

    /// The list `id`.
    pub async fn list(&self, id: &str) -> Result<List, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM monitor_lists l WHERE l.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("list"))?;
        list_from_row(&row)
    }

    /// The list named `name` (or whose id is `name`).
    pub async fn list_by_name(&self, name: &str) -> Result<List, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM monitor_lists l WHERE l.name = $1 OR l.id = $1"
        ))
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("list"))?;
        list_from_row(&row)
    }

    /// Every list, or only those of organisation `org`, by name.
    pub async fn lists(&self, org: Option<&str>) -> Result<Vec<List>, StoreError> {
        let rows = match org {
            Some(org) => sqlx::query(&format!(
                "SELECT {LIST_COLUMNS} FROM monitor_lists l WHERE l.owner_org = $1 ORDER BY l.name"
            ))
            .bind(org)
            .fetch_all(&self.pool)
            .await?,
            None => {
                sqlx::query(&format!(
                    "SELECT {LIST_COLUMNS} FROM monitor_lists l ORDER BY l.name"
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(list_from_row).collect()
    }

    /// Changes a list's kinds, owner and schedule (the next run is set from
    /// the schedule's jitter, counted from `now`).
    pub async fn update_list(
        &self,
        by: &Actor,
        id: &str,
        kinds: Kinds,
        owner_org: Option<&str>,
        cadence: Option<Cadence>,
        now: i64,
    ) -> Result<List, StoreError> {
        let next = cadence.map(|c| c.next_run(id, now));
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE monitor_lists SET kinds = $1, owner_org = $2, cadence = $3, next_run_at = $4 \
             WHERE id = $5",
        )
        .bind(kinds.as_str())
        .bind(owner_org)
        .bind(cadence.map(Cadence::as_str))
        .bind(next)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("list"));
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.list.update",
            id,
            serde_json::json!({"kinds": kinds.as_str(), "owner_org": owner_org,
                               "cadence": cadence.map(Cadence::as_str)}),
        )
        .await?;
        tx.commit().await?;
        self.list(id).await
    }

    /// Deletes a list with its domains and scans (reports stay).
    pub async fn delete_list(&self, by: &Actor, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for sql in [
            "DELETE FROM monitor_jobs WHERE scan_id IN (SELECT id FROM monitor_scans WHERE list_id = $1)",
            "DELETE FROM monitor_scans WHERE list_id = $1",
            "DELETE FROM monitor_imports WHERE list_id = $1",
            "DELETE FROM monitor_domains WHERE list_id = $1",
            "DELETE FROM monitor_lists WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.list.delete",
            id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds `entries` to a list, merging each into the entry the list
    /// already has for its domain (`ListEntry::merge`); returns how many were
    /// written. Organisation names the platform knows are linked to them.
    pub async fn add_entries(
        &self,
        by: &Actor,
        list_id: &str,
        entries: &[ListEntry],
    ) -> Result<usize, StoreError> {
        let orgs: HashMap<String, String> = sqlx::query("SELECT id, name FROM organisations")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("name")?.to_lowercase(),
                    r.try_get::<String, _>("id")?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        let mut written = 0;
        for chunk in entries.chunks(BATCH) {
            let mut tx = self.begin_write().await?;
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT domain, organisation, sector, country, tags FROM monitor_domains \
                 WHERE list_id = $1 AND domain IN ({})",
                placeholders.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(list_id);
            for e in chunk {
                q = q.bind(e.domain.as_str());
            }
            let mut existing: HashMap<String, ListEntry> = HashMap::new();
            for row in q.fetch_all(&mut *tx).await? {
                let e = entry_from_row(&row)?;
                existing.insert(e.domain.to_string(), e);
            }
            let stamp = now();
            for e in chunk {
                let merged = match existing.remove(e.domain.as_str()) {
                    Some(mut old) => {
                        old.merge(e.clone());
                        old
                    }
                    None => e.clone(),
                };
                let org_id = merged
                    .organisation
                    .as_ref()
                    .and_then(|o| orgs.get(&o.to_lowercase()));
                sqlx::query(
                    "INSERT INTO monitor_domains (list_id, domain, organisation, organisation_id, \
                     sector, country, tags, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (list_id, domain) DO UPDATE SET organisation = excluded.organisation, \
                     organisation_id = excluded.organisation_id, sector = excluded.sector, \
                     country = excluded.country, tags = excluded.tags",
                )
                .bind(list_id)
                .bind(merged.domain.as_str())
                .bind(merged.organisation.as_deref())
                .bind(org_id)
                .bind(merged.sector.as_deref())
                .bind(merged.country.as_ref().map(|c| c.as_str().to_string()))
                .bind(merged.tags_text())
                .bind(stamp)
                .execute(&mut *tx)
                .await?;
                written += 1;
            }
            audit(
                &mut tx,
                self.backend,
                by,
                "monitor.list.add",
                list_id,
                serde_json::json!({"domains": chunk.len()}),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(written)
    }

    /// Removes `domain` from a list; whether it was there.
    pub async fn remove_entry(
        &self,
        by: &Actor,
        list_id: &str,
        domain: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM monitor_domains WHERE list_id = $1 AND domain = $2")
            .bind(list_id)
            .bind(domain)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.list.remove",
            list_id,
            serde_json::json!({"domain": domain}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Up to `limit` entries of a list after domain `after` (in domain
    /// order): a page, or the next piece of an export that streams.
    pub async fn entries(
        &self,
        list_id: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT domain, organisation, organisation_id, sector, country, tags FROM monitor_domains \
             WHERE list_id = $1 AND domain > $2 ORDER BY domain LIMIT $3",
        )
        .bind(list_id)
        .bind(after)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredEntry {
                    entry: entry_from_row(r)?,
                    organisation_id: r.try_get("organisation_id")?,
                })
            })
            .collect()
    }

    // ------------------------------------------------------------ imports

    /// Starts recording an import into `list_id`.
    pub async fn create_import(
        &self,
        by: &Actor,
        list_id: &str,
        file_name: &str,
    ) -> Result<String, StoreError> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO monitor_imports (id, list_id, file_name, state, created_by, created_at) \
             VALUES ($1, $2, $3, 'reading', $4, $5)",
        )
        .bind(&id)
        .bind(list_id)
        .bind(file_name.chars().take(200).collect::<String>())
        .bind(by.user.as_deref())
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// Records an import's progress (`state`: reading, writing, done,
    /// failed), its counts, its problems when it ends, its fatal error.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_import(
        &self,
        id: &str,
        state: &str,
        counts: indaba_monitor::import::Counts,
        written: i64,
        problems: Option<&[indaba_monitor::import::Problem]>,
        error: Option<&Message>,
    ) -> Result<(), StoreError> {
        let problems = problems.map(|ps| {
            serde_json::to_string(
                &ps.iter()
                    .map(|p| (p.line, &p.message, p.dropped))
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_else(|_| "[]".into())
        });
        let ended = matches!(state, "done" | "failed").then(now);
        sqlx::query(
            "UPDATE monitor_imports SET state = $1, rows_read = $2, domains = $3, merged = $4, \
             bad = $5, written = $6, problems = COALESCE($7, problems), error = $8, \
             finished_at = COALESCE($9, finished_at) WHERE id = $10",
        )
        .bind(state)
        .bind(counts.rows as i64)
        .bind(counts.domains as i64)
        .bind(counts.merged as i64)
        .bind(counts.bad as i64)
        .bind(written)
        .bind(problems)
        .bind(error.map(message_json))
        .bind(ended)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The import `id`.
    pub async fn import(&self, id: &str) -> Result<Import, StoreError> {
        let r = sqlx::query(
            "SELECT id, list_id, file_name, state, rows_read, domains, merged, bad, written, \
             problems, error FROM monitor_imports WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("import"))?;
        let problems: String = r.try_get("problems")?;
        Ok(Import {
            id: r.try_get("id")?,
            list_id: r.try_get("list_id")?,
            file_name: r.try_get("file_name")?,
            state: r.try_get("state")?,
            rows_read: r.try_get("rows_read")?,
            domains: r.try_get("domains")?,
            merged: r.try_get("merged")?,
            bad: r.try_get("bad")?,
            written: r.try_get("written")?,
            problems: serde_json::from_str(&problems)
                .map_err(|e| StoreError::Corrupt(format!("import problems: {e}")))?,
            error: message_from(r.try_get("error")?),
        })
    }

    // ------------------------------------------------------------ scans

    /// Starts a scan of a list (its kinds, or those of `kinds` it has), one
    /// job per domain and kind; or, when the list has a scan that has not
    /// finished, returns that one (a second `indaba scan` joins the first).
    /// Returns the scan's id and whether it is new.
    pub async fn start_scan(
        &self,
        by: &Actor,
        list_id: &str,
        kinds: Option<Kinds>,
    ) -> Result<(String, bool), StoreError> {
        let list = self.list(list_id).await?;
        let kinds = match kinds {
            None => list.kinds,
            Some(k) => k.intersect(list.kinds).ok_or_else(|| {
                StoreError::Refused(indaba_model::msg!(
                    "monitor-scan-kinds-not-in-list",
                    kinds = k.as_str(),
                    list = list.kinds.as_str()
                ))
            })?,
        };
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // One scan start per list at a time, so two joiners agree.
            sqlx::query("SELECT pg_advisory_xact_lock(7244, hashtext($1))")
                .bind(list_id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(row) = sqlx::query(
            "SELECT id FROM monitor_scans WHERE list_id = $1 AND state IN ('queued', 'running') \
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(list_id)
        .fetch_optional(&mut *tx)
        .await?
        {
            return Ok((row.try_get("id")?, false));
        }
        let id = new_id();
        let account = list
            .owner_org
            .clone()
            .or(list.created_by.clone())
            .unwrap_or_else(|| "local".into());
        let stamp = now();
        sqlx::query(
            "INSERT INTO monitor_scans (id, list_id, account, kinds, state, total, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6)",
        )
        .bind(&id)
        .bind(list_id)
        .bind(&account)
        .bind(kinds.as_str())
        .bind(by.user.as_deref())
        .bind(stamp)
        .execute(&mut *tx)
        .await?;
        let mut total = 0;
        for kind in kinds.kinds() {
            let k = kind_text(*kind);
            let done = sqlx::query(
                "INSERT INTO monitor_jobs (id, scan_id, domain, kind, state, available_at) \
                 SELECT $1 || ':' || $2 || ':' || domain, $1, domain, $2, 'queued', $3 \
                 FROM monitor_domains WHERE list_id = $4 ORDER BY domain",
            )
            .bind(&id)
            .bind(k)
            .bind(stamp)
            .bind(list_id)
            .execute(&mut *tx)
            .await?;
            total += done.rows_affected() as i64;
        }
        sqlx::query("UPDATE monitor_scans SET total = $1 WHERE id = $2")
            .bind(total)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.scan.start",
            &id,
            serde_json::json!({"list": list_id, "kinds": kinds.as_str(), "jobs": total}),
        )
        .await?;
        tx.commit().await?;
        Ok((id, true))
    }

    /// The scan `id` with its counts.
    pub async fn scan(&self, id: &str) -> Result<Scan, StoreError> {
        let row = sqlx::query(
            "SELECT s.id, s.list_id, l.name, s.kinds, s.state, s.created_at, s.started_at, \
             s.finished_at FROM monitor_scans s JOIN monitor_lists l ON l.id = s.list_id \
             WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("scan"))?;
        self.scan_from_row(&row).await
    }

    async fn scan_from_row(&self, row: &AnyRow) -> Result<Scan, StoreError> {
        let id: String = row.try_get("id")?;
        let kinds: String = row.try_get("kinds")?;
        let state: String = row.try_get("state")?;
        Ok(Scan {
            counts: self.scan_counts(&id).await?,
            id,
            list_id: row.try_get("list_id")?,
            list_name: row.try_get("name")?,
            kinds: kinds
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("scan kinds {kinds:?}")))?,
            state: parse_column(&state, "scan state")?,
            created_at: row.try_get("created_at")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
        })
    }

    /// The scans of a list (or of every list), newest first.
    pub async fn scans(&self, list_id: Option<&str>, limit: i64) -> Result<Vec<Scan>, StoreError> {
        let sql = "SELECT s.id, s.list_id, l.name, s.kinds, s.state, s.created_at, s.started_at, \
             s.finished_at FROM monitor_scans s JOIN monitor_lists l ON l.id = s.list_id \
             WHERE ($1 = '' OR s.list_id = $1) ORDER BY s.created_at DESC, s.id LIMIT $2";
        let rows = sqlx::query(sql)
            .bind(list_id.unwrap_or(""))
            .bind(limit.clamp(1, 1000))
            .fetch_all(&self.pool)
            .await?;
        let mut scans = Vec::with_capacity(rows.len());
        for r in &rows {
            scans.push(self.scan_from_row(r).await?);
        }
        Ok(scans)
    }

    /// How many of a scan's jobs are in each state.
    pub async fn scan_counts(&self, scan_id: &str) -> Result<ScanCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT state, COUNT(*) AS n FROM monitor_jobs WHERE scan_id = $1 GROUP BY state",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?;
        let mut c = ScanCounts::default();
        for r in rows {
            let state: String = r.try_get("state")?;
            let n = r.try_get::<i64, _>("n")?.max(0) as u64;
            match state.as_str() {
                "queued" => c.queued = n,
                "running" => c.running = n,
                "done" => c.done = n,
                "error" => c.error = n,
                "cancelled" => c.cancelled = n,
                other => return Err(StoreError::Corrupt(format!("job state {other:?}"))),
            }
        }
        Ok(c)
    }

    /// The results of a scan's jobs, by domain and kind, `limit` after
    /// `offset`.
    pub async fn scan_results(
        &self,
        scan_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<JobResult>, StoreError> {
        let rows = sqlx::query(
            "SELECT domain, kind, state, report_id, error, attempts FROM monitor_jobs \
             WHERE scan_id = $1 ORDER BY domain, kind LIMIT $2 OFFSET $3",
        )
        .bind(scan_id)
        .bind(limit.clamp(1, 10_000))
        .bind(offset.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(JobResult {
                    domain: r.try_get("domain")?,
                    kind: parse_kind(&kind)?,
                    state: r.try_get("state")?,
                    report_id: r.try_get("report_id")?,
                    error: message_from(r.try_get("error")?),
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// Cancels a scan: its queued jobs are withdrawn; running ones finish
    /// and are kept. Refused (with the rule's message) once it has ended.
    pub async fn cancel_scan(&self, by: &Actor, scan_id: &str) -> Result<Scan, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT state FROM monitor_scans WHERE id = $1")
            .bind(scan_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("scan"))?;
        let state: ScanState = parse_column(&row.try_get::<String, _>("state")?, "scan state")?;
        let next = state.next(ScanEvent::Cancel).map_err(StoreError::Refused)?;
        let stamp = now();
        sqlx::query("UPDATE monitor_scans SET state = $1, finished_at = $2 WHERE id = $3")
            .bind(next.as_str())
            .bind(stamp)
            .bind(scan_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE monitor_jobs SET state = 'cancelled', finished_at = $1 \
             WHERE scan_id = $2 AND state = 'queued'",
        )
        .bind(stamp)
        .bind(scan_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.scan.cancel",
            scan_id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.scan(scan_id).await
    }

    /// Moves active scans whose jobs have all ended to `finishing`, then,
    /// with their statistics written (`Store::summarise_scan`), to `done`;
    /// returns the scans that finished.
    pub async fn advance_scans(&self) -> Result<Vec<String>, StoreError> {
        self.advance_scans_at(now()).await
    }

    /// [`Store::advance_scans`] with the scans that finish stamped as
    /// finishing at `at` (Unix seconds): their statistics judge owners'
    /// explanations at that moment. `serve`'s scheduler passes the
    /// platform's clock, which a test server may move.
    pub async fn advance_scans_at(&self, at: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, state FROM monitor_scans WHERE state IN ('queued', 'running', 'finishing')",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut finished = Vec::new();
        for r in rows {
            let id: String = r.try_get("id")?;
            let mut state: ScanState =
                parse_column(&r.try_get::<String, _>("state")?, "scan state")?;
            if let Some(event) = self.scan_counts(&id).await?.event_for(state) {
                state = self.move_scan_at(&id, state, event, at).await?;
            }
            if state == ScanState::Finishing {
                // Statistics first: a scan is done only with its rows.
                self.summarise_scan_at(&id, at).await?;
                // Owner notices: the changes against the list's previous
                // scan are written before the scan is done (a failure
                // leaves it finishing, to be tried again next round).
                self.queue_notice_changes(&id).await?;
                self.move_scan_at(&id, state, ScanEvent::Summarised, at)
                    .await?;
                finished.push(id);
            }
        }
        Ok(finished)
    }

    /// Applies `event` to the scan in `from` (if it is still there); a
    /// scan that ends is stamped as finished at `at`.
    async fn move_scan_at(
        &self,
        id: &str,
        from: ScanState,
        event: ScanEvent,
        at: i64,
    ) -> Result<ScanState, StoreError> {
        let to = from.next(event).map_err(StoreError::Refused)?;
        let finished = to.ended().then_some(at);
        sqlx::query(
            "UPDATE monitor_scans SET state = $1, finished_at = COALESCE($2, finished_at) \
             WHERE id = $3 AND state = $4",
        )
        .bind(to.as_str())
        .bind(finished)
        .bind(id)
        .bind(from.as_str())
        .execute(&self.pool)
        .await?;
        Ok(to)
    }

    // ------------------------------------------------------------ the queue

    /// Claims the next job fairly (see `indaba_monitor::queue::fair_order`)
    /// for `worker`, leased until `now + lease_secs`.
    pub async fn claim_scan_job(
        &self,
        worker: &str,
        lease_secs: i64,
        now: i64,
    ) -> Result<Option<ScanJob>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.account, s.last_turn, s.created_at FROM monitor_scans s \
             WHERE s.state IN ('queued', 'running') AND EXISTS (SELECT 1 FROM monitor_jobs j \
             WHERE j.scan_id = s.id AND j.state = 'queued' AND j.available_at <= $1)",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let candidates: Vec<Candidate> = rows
            .iter()
            .map(|r| {
                Ok(Candidate {
                    scan_id: r.try_get("id")?,
                    account: r.try_get("account")?,
                    last_turn: r.try_get("last_turn")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        for i in fair_order(&candidates) {
            if let Some(job) = self
                .claim_from(&candidates[i].scan_id, worker, lease_secs, now)
                .await?
            {
                return Ok(Some(job));
            }
        }
        Ok(None)
    }

    async fn claim_from(
        &self,
        scan_id: &str,
        worker: &str,
        lease_secs: i64,
        now: i64,
    ) -> Result<Option<ScanJob>, StoreError> {
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        };
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "UPDATE monitor_jobs SET state = 'running', attempts = attempts + 1, \
             lease_until = $1, worker = $2 WHERE id = (SELECT id FROM monitor_jobs \
             WHERE scan_id = $3 AND state = 'queued' AND available_at <= $4 \
             ORDER BY seq LIMIT 1 {lock}) AND state = 'queued' \
             RETURNING id, scan_id, domain, kind, attempts"
        ))
        .bind(now + lease_secs)
        .bind(worker)
        .bind(scan_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        // The scan's turn (fairness), and running once a job is claimed.
        sqlx::query(
            "UPDATE monitor_scans SET last_turn = (SELECT COALESCE(MAX(last_turn), 0) + 1 FROM monitor_scans), \
             state = CASE WHEN state = 'queued' THEN 'running' ELSE state END, \
             started_at = COALESCE(started_at, $1) WHERE id = $2",
        )
        .bind(now)
        .bind(scan_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let kind: String = row.try_get("kind")?;
        Ok(Some(ScanJob {
            id: row.try_get("id")?,
            scan_id: row.try_get("scan_id")?,
            domain: row.try_get("domain")?,
            kind: parse_kind(&kind)?,
            attempts: row.try_get::<i64, _>("attempts")?.clamp(0, u32::MAX as i64) as u32,
        }))
    }

    /// Renews the leases of every job `worker` holds, until `until`;
    /// returns how many it still holds.
    pub async fn renew_leases(&self, worker: &str, until: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE monitor_jobs SET lease_until = $1 WHERE worker = $2 AND state = 'running'",
        )
        .bind(until)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Whether `worker` still holds job `id`.
    pub async fn holds(&self, worker: &str, id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM monitor_jobs WHERE id = $1 AND worker = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Ends a job with its report, written at most once per job: a late
    /// duplicate (a worker whose lease ran out finishing after another took
    /// the job over) writes nothing.
    pub async fn finish_scan_job(
        &self,
        job_id: &str,
        report: &Report,
    ) -> Result<Finished, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(report_id) = insert_report(&mut tx, report, Some(job_id)).await? else {
            return Ok(Finished::AlreadyDone);
        };
        sqlx::query(
            "UPDATE monitor_jobs SET state = 'done', report_id = $1, finished_at = $2, \
             error = NULL WHERE id = $3",
        )
        .bind(&report_id)
        .bind(now())
        .bind(job_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Finished::Written(report_id))
    }

    /// Records that attempt `job.attempts` failed: queued again after the
    /// policy's back-off, or ended in `error` with the reason. Nothing
    /// happens when `worker` no longer holds the job.
    pub async fn fail_scan_job(
        &self,
        worker: &str,
        job: &ScanJob,
        failure: &Failure,
        policy: &RetryPolicy,
        now: i64,
    ) -> Result<Decision, StoreError> {
        let decision = policy.decide(job.attempts, failure, now);
        self.apply_decision(&job.id, Some(worker), &decision, now)
            .await?;
        Ok(decision)
    }

    async fn apply_decision(
        &self,
        job_id: &str,
        worker: Option<&str>,
        decision: &Decision,
        now: i64,
    ) -> Result<bool, StoreError> {
        let guard = "state = 'running' AND ($3 = '' OR worker = $3)";
        let done =
            match decision {
                Decision::Retry { at } => sqlx::query(&format!(
                    "UPDATE monitor_jobs SET state = 'queued', available_at = $1, worker = NULL, \
                     lease_until = NULL WHERE id = $2 AND {guard}"
                ))
                .bind(*at)
                .bind(job_id)
                .bind(worker.unwrap_or(""))
                .execute(&self.pool)
                .await?,
                Decision::GiveUp { reason } => {
                    sqlx::query(&format!(
                        "UPDATE monitor_jobs SET state = 'error', error = $1, finished_at = $4, \
                     worker = NULL, lease_until = NULL WHERE id = $2 AND {guard}"
                    ))
                    .bind(message_json(reason))
                    .bind(job_id)
                    .bind(worker.unwrap_or(""))
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                }
            };
        Ok(done.rows_affected() > 0)
    }

    /// Gives back every job `worker` holds (it is stopping): queued again at
    /// once, the attempt not counted.
    pub async fn release_jobs(&self, worker: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE monitor_jobs SET state = 'queued', attempts = attempts - 1, worker = NULL, \
             lease_until = NULL, available_at = $1 WHERE worker = $2 AND state = 'running'",
        )
        .bind(now())
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Puts jobs whose lease ran out before `now` back in the queue (or ends
    /// them in `error` when they have had their attempts); returns how many.
    pub async fn reap_expired(&self, policy: &RetryPolicy, now: i64) -> Result<u64, StoreError> {
        let rows = sqlx::query(
            "SELECT id, attempts, worker FROM monitor_jobs WHERE state = 'running' AND lease_until < $1 \
             LIMIT 1000",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut n = 0;
        for r in rows {
            let id: String = r.try_get("id")?;
            let attempts: i64 = r.try_get("attempts")?;
            let worker: Option<String> = r.try_get("worker")?;
            let decision = policy.on_lease_expired(attempts.clamp(0, u32::MAX as i64) as u32, now);
            // Only if the same worker still has it and its lease is still out.
            let decision = match decision {
                Decision::Retry { .. } => Decision::Retry { at: now },
                give_up => give_up,
            };
            if self
                .apply_decision(&id, worker.as_deref(), &decision, now)
                .await?
            {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Jobs by state across every scan (queue depth, for /metrics).
    pub async fn queue_depth(&self) -> Result<Depth, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM monitor_jobs GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
            .collect()
    }

    // ------------------------------------------------------------ schedules

    /// Starts a scan of every scheduled list whose time has come, and sets
    /// its next time; returns the scans started.
    pub async fn run_due_schedules(&self, now: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, cadence FROM monitor_lists WHERE cadence IS NOT NULL AND next_run_at <= $1",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut started = Vec::new();
        for r in rows {
            let id: String = r.try_get("id")?;
            let cadence: String = r.try_get("cadence")?;
            let cadence: Cadence = cadence
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("cadence {cadence:?}")))?;
            sqlx::query("UPDATE monitor_lists SET next_run_at = $1 WHERE id = $2")
                .bind(cadence.next_run(&id, now))
                .bind(&id)
                .execute(&self.pool)
                .await?;
            let (scan, new) = self.start_scan(&Actor::scheduler(), &id, None).await?;
            if new {
                started.push(scan);
            }
        }
        Ok(started)
    }

    // ------------------------------------------------------------ the scheduler's lock

    /// Tries to become the one scheduler: on PostgreSQL a session advisory
    /// lock held on a connection of its own (released when the process or
    /// the connection dies); on SQLite a lease row renewed by the holder.
    pub async fn try_scheduler_lock(
        &self,
        holder: &str,
        lease_secs: i64,
    ) -> Result<Option<SchedulerLock>, StoreError> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = self.pool.acquire().await?.detach();
                let row = sqlx::query("SELECT pg_try_advisory_lock(7245) AS got")
                    .fetch_one(&mut conn)
                    .await?;
                let got: bool = row.try_get("got")?;
                Ok(got.then_some(SchedulerLock {
                    conn: Some(conn),
                    holder: holder.to_string(),
                }))
            }
            Backend::Sqlite => {
                let stamp = now();
                let done = sqlx::query(
                    "INSERT INTO monitor_scheduler (id, holder, until_at) VALUES (1, $1, $2) \
                     ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, until_at = excluded.until_at \
                     WHERE monitor_scheduler.holder = excluded.holder OR monitor_scheduler.until_at < $3",
                )
                .bind(holder)
                .bind(stamp + lease_secs)
                .bind(stamp)
                .execute(&self.pool)
                .await?;
                Ok((done.rows_affected() > 0).then(|| SchedulerLock {
                    conn: None,
                    holder: holder.to_string(),
                }))
            }
        }
    }

    /// Whether `lock` is still held (renewing the SQLite lease); false once
    /// the connection holding the advisory lock is gone.
    pub async fn keep_scheduler_lock(
        &self,
        lock: &mut SchedulerLock,
        lease_secs: i64,
    ) -> Result<bool, StoreError> {
        match &mut lock.conn {
            Some(conn) => Ok(sqlx::query("SELECT 1 AS one").fetch_one(conn).await.is_ok()),
            None => {
                let stamp = now();
                let done = sqlx::query(
                    "UPDATE monitor_scheduler SET until_at = $1 WHERE id = 1 AND holder = $2",
                )
                .bind(stamp + lease_secs)
                .bind(&lock.holder)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }
        }
    }

    /// Gives the scheduler role up at once (a worker stopping): another
    /// process need not wait for the lease to run out.
    pub async fn release_scheduler_lock(&self, lock: SchedulerLock) -> Result<(), StoreError> {
        match lock.conn {
            Some(mut conn) => {
                sqlx::query("SELECT pg_advisory_unlock(7245)")
                    .execute(&mut conn)
                    .await?;
            }
            None => {
                sqlx::query("DELETE FROM monitor_scheduler WHERE id = 1 AND holder = $1")
                    .bind(&lock.holder)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------ shared probes

    /// A shared probe's result made within `freshness_secs` of `now`:
    /// `Ok(Some(body))` when ready, `Ok(None)` when nobody has it fresh.
    /// `Err` only for database errors. A result being made by another
    /// worker reads as `Pending`.
    pub async fn shared_probe(
        &self,
        key: &str,
        freshness_secs: i64,
        now: i64,
    ) -> Result<SharedProbe, StoreError> {
        let row = sqlx::query("SELECT made_at, body FROM monitor_shared_probes WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            None => SharedProbe::Absent,
            Some(r) => {
                let made_at: i64 = r.try_get("made_at")?;
                let body: Option<String> = r.try_get("body")?;
                match body {
                    Some(b) if indaba_monitor::sharing::fresh(made_at, now, freshness_secs) => {
                        SharedProbe::Ready { body: b, made_at }
                    }
                    None if now - made_at < indaba_monitor::sharing::WAIT_FOR_OTHER_SECS => {
                        SharedProbe::Pending
                    }
                    _ => SharedProbe::Absent,
                }
            }
        })
    }

    /// Takes on making the shared probe `key` (no one has it fresh or is
    /// making it); false when another worker got there first.
    pub async fn begin_shared_probe(
        &self,
        key: &str,
        maker: &str,
        freshness_secs: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let stale_result = now - freshness_secs;
        let stale_pending = now - indaba_monitor::sharing::WAIT_FOR_OTHER_SECS;
        let done = sqlx::query(
            "INSERT INTO monitor_shared_probes (key, made_at, maker, body) VALUES ($1, $2, $3, NULL) \
             ON CONFLICT (key) DO UPDATE SET made_at = excluded.made_at, maker = excluded.maker, body = NULL \
             WHERE (monitor_shared_probes.body IS NOT NULL AND monitor_shared_probes.made_at <= $4) \
             OR (monitor_shared_probes.body IS NULL AND monitor_shared_probes.made_at <= $5)",
        )
        .bind(key)
        .bind(now)
        .bind(maker)
        .bind(stale_result)
        .bind(stale_pending)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores the result of the shared probe `key` that `maker` made.
    pub async fn put_shared_probe(
        &self,
        key: &str,
        maker: &str,
        body: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE monitor_shared_probes SET body = $1, made_at = $2 WHERE key = $3 AND maker = $4",
        )
        .bind(body)
        .bind(now)
        .bind(key)
        .bind(maker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets shared probes older than `older_than` (Unix seconds).
    pub async fn prune_shared_probes(&self, older_than: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM monitor_shared_probes WHERE made_at < $1")
            .bind(older_than)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

/// A shared probe's state in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedProbe {
    /// Made, fresh: its body (JSON) and when it was made.
    Ready {
        /// The result, JSON.
        body: String,
        /// When it was made (Unix seconds).
        made_at: i64,
    },
    /// Another worker is making it.
    Pending,
    /// Nobody has it.
    Absent,
}

/// The scheduler role, while held.
#[derive(Debug)]
pub struct SchedulerLock {
    conn: Option<sqlx::AnyConnection>,
    holder: String,
}

fn entry_from_row(row: &AnyRow) -> Result<ListEntry, StoreError> {
    let domain: String = row.try_get("domain")?;
    let country: Option<String> = row.try_get("country")?;
    let tags: String = row.try_get("tags")?;
    Ok(ListEntry {
        domain: indaba_model::DomainName::parse(&domain)
            .map_err(|e| StoreError::Corrupt(format!("list domain {domain:?}: {e}")))?,
        organisation: row.try_get("organisation")?,
        sector: row.try_get("sector")?,
        country: country.and_then(|c| Country::parse(&c).ok()),
        tags: tags
            .split(';')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    })
}
