//! Public results: the reports of single tests anyone ran on the site or the
//! anonymous API, which the home page, the per-domain addresses
//! (`/site/DOMAIN`, `/mail/DOMAIN`), the history and the hall of fame list.
//! Batch and API-key work is never published: its reports stay reachable
//! only by their id, which only their owner knows.
//!
//! A report is published by a row in `public_reports` beside it, with the
//! few columns the lists sort and filter on, so no list reads report bodies.
//! The same module keeps the progress of running tests (`job_progress`).

use std::collections::HashMap;

use indaba_model::progress::Progress;
use indaba_model::{Report, Status, TestKind};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, now};

/// A public report, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReport {
    /// The report's permanent id.
    pub id: String,
    /// Web or mail.
    pub kind: TestKind,
    /// The domain tested (A-labels).
    pub domain: String,
    /// When the test started (Unix seconds).
    pub started_at: i64,
    /// The overall score.
    pub score: Option<u8>,
    /// The report's outcome word (`scored`, `does_not_exist`…).
    pub outcome: String,
}

fn kind_text(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "web",
        TestKind::Mail => "mail",
    }
}

const COLUMNS: &str = "report_id, kind, domain, started_at, score, outcome";

fn from_row(row: &AnyRow) -> Result<PublicReport, StoreError> {
    let kind: String = row.try_get("kind")?;
    let score: Option<i64> = row.try_get("score")?;
    Ok(PublicReport {
        id: row.try_get("report_id")?,
        kind: match kind.as_str() {
            "web" => TestKind::Web,
            "mail" => TestKind::Mail,
            other => return Err(StoreError::Corrupt(format!("test kind {other:?}"))),
        },
        domain: row.try_get("domain")?,
        started_at: row.try_get("started_at")?,
        score: score.and_then(|s| u8::try_from(s).ok()),
        outcome: row.try_get("outcome")?,
    })
}

/// Keeps the first report of each (kind, domain): the lists ask newest
/// first, and two reports of one domain can start in the same second.
fn one_per_domain(reports: Vec<PublicReport>) -> Vec<PublicReport> {
    let mut seen = std::collections::HashSet::new();
    reports
        .into_iter()
        .filter(|r| seen.insert((r.kind, r.domain.clone())))
        .collect()
}

/// The newest public report of each (kind, domain), as a condition on the
/// row `p`.
const LATEST_OF_DOMAIN: &str = "p.started_at = (SELECT MAX(q.started_at) FROM public_reports q \
     WHERE q.kind = p.kind AND q.domain = p.domain)";

impl Store {
    /// Publishes the stored report `id`: it joins the public lists.
    pub async fn publish_report(&self, id: &str, report: &Report) -> Result<(), StoreError> {
        let started = time::OffsetDateTime::parse(
            &report.started,
            &time::format_description::well_known::Rfc3339,
        )
        .map(|t| t.unix_timestamp())
        .unwrap_or_else(|_| now());
        sqlx::query(&format!(
            "INSERT INTO public_reports ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(id)
        .bind(kind_text(report.kind))
        .bind(report.target.as_str())
        .bind(started)
        .bind(report.score.map(i64::from))
        .bind(report.verdict.outcome.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether report `id` is public.
    pub async fn is_public(&self, id: &str) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("SELECT report_id FROM public_reports WHERE report_id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// The newest public report of `kind` for `domain` started within
    /// `max_age_secs` (a public test reuses only public reports: reusing a
    /// batch's would publish it).
    pub async fn recent_public_report(
        &self,
        kind: TestKind,
        domain: &str,
        max_age_secs: i64,
    ) -> Result<Option<PublicReport>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_reports WHERE kind = $1 AND domain = $2 \
             AND started_at >= $3 ORDER BY started_at DESC, report_id LIMIT 1"
        ))
        .bind(kind_text(kind))
        .bind(domain)
        .bind(now() - max_age_secs)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The public reports of `kind` for `domain`, newest first, at most
    /// `limit`.
    pub async fn public_history(
        &self,
        kind: TestKind,
        domain: &str,
        limit: i64,
    ) -> Result<Vec<PublicReport>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_reports WHERE kind = $1 AND domain = $2 \
             ORDER BY started_at DESC, report_id LIMIT $3"
        ))
        .bind(kind_text(kind))
        .bind(domain)
        .bind(limit.clamp(0, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Recent results for the home page: the newest public report of each
    /// (kind, domain), newest first, leaving out domains whose newest test
    /// found that they do not exist.
    pub async fn recent_public_reports(&self, limit: i64) -> Result<Vec<PublicReport>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_reports p WHERE {LATEST_OF_DOMAIN} \
             ORDER BY started_at DESC, report_id LIMIT $1"
        ))
        .bind(limit.clamp(0, 1000) * 2)
        .fetch_all(&self.pool)
        .await?;
        let all = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(one_per_domain(all)
            .into_iter()
            .filter(|r| r.outcome != indaba_model::Outcome::DoesNotExist.as_str())
            .take(usize::try_from(limit).unwrap_or(0))
            .collect())
    }

    /// The hall of fame: domains whose newest public report of `kind`
    /// scores 100, by name, at most `limit`.
    pub async fn hall_of_fame(
        &self,
        kind: TestKind,
        limit: i64,
    ) -> Result<Vec<PublicReport>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_reports p WHERE p.kind = $1 AND p.score = 100 \
             AND {LATEST_OF_DOMAIN} ORDER BY domain, started_at DESC LIMIT $2"
        ))
        .bind(kind_text(kind))
        .bind(limit.clamp(0, 100_000))
        .fetch_all(&self.pool)
        .await?;
        let all = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(one_per_domain(all))
    }

    /// Each report's finding statuses by check id (the history compares
    /// them without reading report bodies).
    pub async fn finding_statuses(
        &self,
        report_ids: &[String],
    ) -> Result<HashMap<String, HashMap<String, Status>>, StoreError> {
        let mut out: HashMap<String, HashMap<String, Status>> = HashMap::new();
        // One query per report keeps the SQL the same on both databases.
        for id in report_ids {
            let rows = sqlx::query("SELECT check_id, status FROM findings WHERE report_id = $1")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
            let entry = out.entry(id.clone()).or_default();
            for row in &rows {
                let check: String = row.try_get("check_id")?;
                let status: String = row.try_get("status")?;
                let status = Status::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("finding status {status:?}")))?;
                entry.insert(check, status);
            }
        }
        Ok(out)
    }

    /// Records how far job `id` has got.
    pub async fn set_job_progress(&self, id: &str, progress: &Progress) -> Result<(), StoreError> {
        let text =
            serde_json::to_string(progress).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO job_progress (job_id, progress, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (job_id) DO UPDATE SET progress = $2, updated_at = $3",
        )
        .bind(id)
        .bind(text)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How far job `id` has got (`None` before its first probe).
    pub async fn job_progress(&self, id: &str) -> Result<Option<Progress>, StoreError> {
        let row = sqlx::query("SELECT progress FROM job_progress WHERE job_id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some(row) => {
                let text: String = row.try_get("progress")?;
                serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt(format!("progress of job {id}: {e}")))
            }
        }
    }

    /// Forgets the progress of job `id` (it has finished).
    pub async fn clear_job_progress(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM job_progress WHERE job_id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
