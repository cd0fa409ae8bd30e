//! Reports, stored whole (with their observations, so they can be judged
//! again without rescanning) plus one row per finding for statistics.

use indaba_model::{Report, TestKind};
use sqlx::Row;

use crate::{Store, StoreError, new_id, now};

/// A line of a report list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    /// The report's permanent id.
    pub id: String,
    /// Web or mail.
    pub kind: TestKind,
    /// The domain tested.
    pub domain: String,
    /// When the test started (Unix seconds).
    pub started_at: i64,
    /// The overall score.
    pub score: Option<u8>,
}

pub(crate) fn kind_text(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "web",
        TestKind::Mail => "mail",
    }
}

pub(crate) fn parse_kind(text: &str) -> Result<TestKind, StoreError> {
    match text {
        "web" => Ok(TestKind::Web),
        "mail" => Ok(TestKind::Mail),
        other => Err(StoreError::Corrupt(format!("test kind {other:?}"))),
    }
}

/// One statistics row per finding of `report`.
async fn insert_findings(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    report: &Report,
) -> Result<(), StoreError> {
    for f in &report.findings {
        sqlx::query(
            "INSERT INTO findings (report_id, check_id, status, earned, possible) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&f.check)
        .bind(f.status.as_str())
        .bind(f.points.map(|p| i64::from(p.earned)))
        .bind(f.points.map(|p| i64::from(p.possible)))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Saves a report and its finding rows; returns its new id.
    pub async fn save_report(&self, report: &Report) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = insert_report(&mut tx, report, None).await?;
        tx.commit().await?;
        id.ok_or(StoreError::Corrupt(
            "a report without a job was refused".into(),
        ))
    }

    /// Up to `limit` stored reports judged under a policy other than
    /// `policy`, after the id `after` (ids in order, so a caller pages
    /// through all of them even while it replaces them): id and stored JSON.
    pub async fn reports_judged_otherwise(
        &self,
        policy: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, body FROM reports WHERE policy_version <> $1 AND id > $2 \
             ORDER BY id LIMIT $3",
        )
        .bind(policy)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("body")?)))
            .collect()
    }

    /// Replaces report `id`'s judgement (its findings, scores, verdict and
    /// policy version) with `report`'s, made from the same observations;
    /// its id, domain and time stay.
    pub async fn replace_judgement(&self, id: &str, report: &Report) -> Result<(), StoreError> {
        let body = serde_json::to_string(report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE reports SET score = $1, policy_version = $2, body = $3 WHERE id = $4",
        )
        .bind(report.score.map(i64::from))
        .bind(&report.policy_version)
        .bind(&body)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("report"));
        }
        sqlx::query("DELETE FROM findings WHERE report_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_findings(&mut tx, id, report).await?;
        // The public lists (home page, hall of fame) follow the new score.
        sqlx::query("UPDATE public_reports SET score = $1, outcome = $2 WHERE report_id = $3")
            .bind(report.score.map(i64::from))
            .bind(report.verdict.outcome.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The report `id`.
    pub async fn report(&self, id: &str) -> Result<Report, StoreError> {
        let row = sqlx::query("SELECT body FROM reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("report"))?;
        let body: String = row.try_get("body")?;
        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("report {id}: {e}")))
    }

    /// The newest report of `kind` for `domain` started within `max_age_secs`,
    /// to reuse instead of scanning again.
    pub async fn recent_report(
        &self,
        kind: TestKind,
        domain: &str,
        max_age_secs: i64,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT id FROM reports WHERE kind = $1 AND domain = $2 AND started_at >= $3 \
             ORDER BY started_at DESC LIMIT 1",
        )
        .bind(kind_text(kind))
        .bind(domain)
        .bind(now() - max_age_secs)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("id")?),
            None => None,
        })
    }

    /// The newest reports, newest first.
    pub async fn latest_reports(&self, limit: i64) -> Result<Vec<ReportSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, domain, started_at, score FROM reports \
             ORDER BY started_at DESC LIMIT $1",
        )
        .bind(limit.clamp(0, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let score: Option<i64> = r.try_get("score")?;
                Ok(ReportSummary {
                    id: r.try_get("id")?,
                    kind: parse_kind(&kind)?,
                    domain: r.try_get("domain")?,
                    started_at: r.try_get("started_at")?,
                    score: score.and_then(|s| u8::try_from(s).ok()),
                })
            })
            .collect()
    }

    /// How many findings of `check_id` have each status (statistics).
    pub async fn finding_counts(&self, check_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM findings WHERE check_id = $1 GROUP BY status ORDER BY status",
        )
        .bind(check_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }
}

/// Writes a report and its finding rows in `tx`; with a `job_id`, at most
/// once per job: `None` when that job already has its report.
pub(crate) async fn insert_report(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: &Report,
    job_id: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let id = new_id();
    let body = serde_json::to_string(report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let started = time::OffsetDateTime::parse(
        &report.started,
        &time::format_description::well_known::Rfc3339,
    )
    .map(|t| t.unix_timestamp())
    .unwrap_or_else(|_| now());
    let inserted = sqlx::query(
        "INSERT INTO reports (id, kind, domain, started_at, score, policy_version, body, job_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (job_id) DO NOTHING",
    )
    .bind(&id)
    .bind(kind_text(report.kind))
    .bind(report.target.as_str())
    .bind(started)
    .bind(report.score.map(i64::from))
    .bind(&report.policy_version)
    .bind(&body)
    .bind(job_id)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(None);
    }
    insert_findings(tx, &id, report).await?;
    Ok(Some(id))
}
