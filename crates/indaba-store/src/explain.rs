//! Comply or explain's table: owners' explanations of findings, their
//! rejections, and the reads the pages and statistics need (a domain's
//! explanations, a list's, the set in force for a list at a moment, and the
//! findings of a list's latest finished scan to count with them).
//!
//! Whether an explanation is in force is never stored: it is judged from
//! its expiry and rejection at read time ([`indaba_monitor::explain::Standing`]),
//! so expired explanations fall away without a job.

use std::collections::HashSet;

use indaba_model::{Status, TestKind};
use indaba_monitor::explain::{Expiry, FindingKey, Reason, Standing, Text};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::audit;
use crate::reports::{kind_text, parse_kind};
use crate::{Actor, Store, StoreError, new_id, now};

/// An explanation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// Its id.
    pub id: String,
    /// The finding explained.
    pub key: FindingKey,
    /// The owner organisation it speaks for.
    pub organisation_id: String,
    /// That organisation's name.
    pub organisation_name: String,
    /// The explanation.
    pub text: String,
    /// When it stops being in force (Unix seconds).
    pub until: i64,
    /// Who wrote it (a user id).
    pub created_by: Option<String>,
    /// That user's e-mail address.
    pub created_by_email: Option<String>,
    /// When it was written.
    pub created_at: i64,
    /// When it was rejected, if it was.
    pub rejected_at: Option<i64>,
    /// Who rejected it (e-mail address).
    pub rejected_by_email: Option<String>,
    /// Why.
    pub reject_reason: Option<String>,
}

impl Explanation {
    /// Where it stands at `now`.
    pub fn standing(&self, now: i64) -> Standing {
        Standing::of(self.until, self.rejected_at, now)
    }
}

/// A new explanation, its parts already checked by the rules.
#[derive(Debug, Clone)]
pub struct NewExplanation<'a> {
    /// The finding.
    pub key: &'a FindingKey,
    /// The owner organisation the author speaks for.
    pub organisation_id: &'a str,
    /// The text.
    pub text: &'a Text,
    /// Its expiry.
    pub until: Expiry,
}

const COLUMNS: &str = "e.id, e.domain, e.kind, e.check_id, e.organisation_id, o.name AS org_name, \
     e.body, e.until_at, e.created_by, cu.email AS created_email, e.created_at, e.rejected_at, \
     ru.email AS rejected_email, e.reject_reason";
const FROM: &str = "FROM monitor_explanations e JOIN organisations o ON o.id = e.organisation_id \
     LEFT JOIN users cu ON cu.id = e.created_by LEFT JOIN users ru ON ru.id = e.rejected_by";

/// The finding of a row with `domain`, `kind` and `check_id` columns.
fn key_from_row(r: &AnyRow) -> Result<FindingKey, StoreError> {
    let kind: String = r.try_get("kind")?;
    Ok(FindingKey {
        domain: r.try_get("domain")?,
        kind: parse_kind(&kind)?,
        check: r.try_get("check_id")?,
    })
}

fn from_row(r: &AnyRow) -> Result<Explanation, StoreError> {
    Ok(Explanation {
        id: r.try_get("id")?,
        key: key_from_row(r)?,
        organisation_id: r.try_get("organisation_id")?,
        organisation_name: r.try_get("org_name")?,
        text: r.try_get("body")?,
        until: r.try_get("until_at")?,
        created_by: r.try_get("created_by")?,
        created_by_email: r.try_get("created_email")?,
        created_at: r.try_get("created_at")?,
        rejected_at: r.try_get("rejected_at")?,
        rejected_by_email: r.try_get("rejected_email")?,
        reject_reason: r.try_get("reject_reason")?,
    })
}

impl Store {
    /// The organisations that own `domain` (A-labels) on any list.
    pub async fn domain_owners(&self, domain: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT organisation_id FROM monitor_domains \
             WHERE domain = $1 AND organisation_id IS NOT NULL ORDER BY organisation_id",
        )
        .bind(domain)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get("organisation_id")?))
            .collect()
    }

    /// Records an explanation; the caller has checked that its author may
    /// speak for the organisation and that the finding falls short.
    pub async fn create_explanation(
        &self,
        by: &Actor,
        new: NewExplanation<'_>,
    ) -> Result<Explanation, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO monitor_explanations (id, domain, kind, check_id, organisation_id, body, \
             until_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&new.key.domain)
        .bind(kind_text(new.key.kind))
        .bind(&new.key.check)
        .bind(new.organisation_id)
        .bind(new.text.as_str())
        .bind(new.until.at())
        .bind(by.user.as_deref())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.explanation.create",
            &id,
            serde_json::json!({
                "domain": new.key.domain,
                "kind": kind_text(new.key.kind),
                "check": new.key.check,
                "organisation": new.organisation_id,
                "until": new.until.at(),
                "text": new.text.as_str(),
            }),
        )
        .await?;
        tx.commit().await?;
        self.explanation(&id).await
    }

    /// The explanation `id`.
    pub async fn explanation(&self, id: &str) -> Result<Explanation, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE e.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("explanation"))?;
        from_row(&row)
    }

    /// Rejects explanation `id` with `reason` (refused when it was rejected
    /// already); the reason goes into the audit log.
    pub async fn reject_explanation(
        &self,
        by: &Actor,
        id: &str,
        reason: &Reason,
    ) -> Result<Explanation, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE monitor_explanations SET rejected_at = $1, rejected_by = $2, reject_reason = $3 \
             WHERE id = $4 AND rejected_at IS NULL",
        )
        .bind(now())
        .bind(by.user.as_deref())
        .bind(reason.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            // Either there is no such explanation, or it was rejected before.
            self.explanation(id).await?;
            return Err(StoreError::Refused(indaba_model::msg!(
                "monitor-explain-already-rejected"
            )));
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.explanation.reject",
            id,
            serde_json::json!({"reason": reason.as_str()}),
        )
        .await?;
        tx.commit().await?;
        self.explanation(id).await
    }

    /// Every explanation of a domain's findings of `kind`, newest first.
    pub async fn explanations_of_domain(
        &self,
        domain: &str,
        kind: TestKind,
    ) -> Result<Vec<Explanation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} {FROM} WHERE e.domain = $1 AND e.kind = $2 \
             ORDER BY e.created_at DESC, e.id LIMIT 1000"
        ))
        .bind(domain)
        .bind(kind_text(kind))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The explanations of the domains of list `list_id`, newest first (at
    /// most `limit`).
    pub async fn explanations_of_list(
        &self,
        list_id: &str,
        limit: i64,
    ) -> Result<Vec<Explanation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} {FROM} WHERE e.domain IN \
             (SELECT d.domain FROM monitor_domains d WHERE d.list_id = $1) \
             ORDER BY e.created_at DESC, e.id LIMIT $2"
        ))
        .bind(list_id)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The findings of list `list_id`'s domains that an explanation marks
    /// explained at `at` (Unix seconds): not expired, not rejected by then.
    pub async fn explained_in_force(
        &self,
        list_id: &str,
        at: i64,
    ) -> Result<HashSet<FindingKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT e.domain, e.kind, e.check_id FROM monitor_explanations e \
             WHERE e.domain IN (SELECT d.domain FROM monitor_domains d WHERE d.list_id = $1) \
             AND e.until_at > $2 AND (e.rejected_at IS NULL OR e.rejected_at > $2)",
        )
        .bind(list_id)
        .bind(at)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(key_from_row).collect()
    }

    /// The findings of list `list_id`'s latest finished scan, one per
    /// domain, kind and check, with that scan's id; `None` before any scan
    /// has finished.
    pub async fn latest_scan_findings(
        &self,
        list_id: &str,
    ) -> Result<Option<(String, Vec<(FindingKey, Status)>)>, StoreError> {
        let scan: Option<String> = sqlx::query(
            "SELECT id FROM monitor_scans WHERE list_id = $1 AND state = 'done' \
             ORDER BY finished_at DESC, id DESC LIMIT 1",
        )
        .bind(list_id)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
        let Some(scan) = scan else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT j.domain, j.kind, f.check_id, f.status FROM monitor_jobs j \
             JOIN findings f ON f.report_id = j.report_id WHERE j.scan_id = $1",
        )
        .bind(&scan)
        .fetch_all(&self.pool)
        .await?;
        let findings = rows
            .iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok((
                    key_from_row(r)?,
                    Status::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("finding status {status:?}")))?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some((scan, findings)))
    }
}
