//! Owner notices' tables (issue 13): the changes a finished scan brought
//! against the list's previous finished scan, the digests sent (the
//! delivery log), opt-outs and bounces, and subscriptions to improvements.
//! The rules (what is a regression, who is the contact, one digest a day)
//! are `indaba_monitor::notices`'s; this module keeps them:
//!
//! - changes are written while a scan is `finishing`, before it is `done`,
//!   under a unique key (scan, domain, kind, check): a scan finished twice
//!   (two schedulers) queues nothing twice;
//! - a digest is claimed by inserting its row under a unique key (contact,
//!   day) before any mail goes out, and its changes are tied to it in the
//!   same transaction: two senders at once send one digest, never two;
//! - an opted-out or bounced contact's changes are logged as not sent.

use indaba_model::{Outcome, Status};
use indaba_monitor::notices::{Change, Direction, Observed, changes};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::reports::parse_kind;
use crate::{Store, StoreError, new_id, now};

/// A change waiting for its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChange {
    /// Its id.
    pub id: String,
    /// The list whose scan saw it.
    pub list_id: String,
    /// The list's name.
    pub list_name: String,
    /// The domain.
    pub domain: String,
    /// Web or mail.
    pub kind: indaba_model::TestKind,
    /// The check, or `None` for the domain as a whole.
    pub check: Option<String>,
    /// Regression or improvement.
    pub direction: Direction,
    /// The earlier state (a status word, `reached` or `unreachable`).
    pub was: String,
    /// The later state.
    pub now_is: String,
    /// The later scan's report of the domain, when it has one.
    pub report_id: Option<String>,
}

/// A digest's state in the delivery log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestState {
    /// Claimed, being sent.
    Sending,
    /// The relay took it.
    Sent,
    /// The relay did not take it for now (its changes wait for another
    /// day).
    Failed,
    /// The relay refused the address for good: a bounce, no more mail.
    Bounced,
    /// Not sent: the contact opted out (or bounced before).
    OptedOut,
}

impl DigestState {
    /// The word stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestState::Sending => "sending",
            DigestState::Sent => "sent",
            DigestState::Failed => "failed",
            DigestState::Bounced => "bounced",
            DigestState::OptedOut => "opted_out",
        }
    }
}

/// One line of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The digest's id.
    pub id: String,
    /// To whom.
    pub contact: String,
    /// Where the address came from (`owner`, `security_txt`, `rdap`).
    pub source: String,
    /// The day (UTC, from 1970) it counts for.
    pub day: i64,
    /// The subject.
    pub subject: String,
    /// How many changes it told.
    pub changes: i64,
    /// `sending`, `sent`, `failed`, `bounced`, `opted_out`.
    pub state: String,
    /// What the relay answered (or why nothing was sent).
    pub smtp_answer: String,
    /// When it was made.
    pub created_at: i64,
    /// When the relay took it.
    pub sent_at: Option<i64>,
    /// The language it was written in (`en`, `nl`…).
    pub language: String,
}

/// A delivery log line as the log page shows it: the digest and what it
/// told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryLine {
    /// The digest.
    pub delivery: Delivery,
    /// The lists its changes came from, by name.
    pub lists: Vec<String>,
    /// The domains it told about, in order (a digest whose relay failed
    /// gave its changes back, and names none).
    pub domains: Vec<String>,
}

/// The owner of a domain, as notices reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerAddress {
    /// Its oldest enabled account's address.
    pub address: String,
    /// The language the organisation prefers, when known.
    pub language: Option<String>,
}

/// A digest to claim: to whom, for which day, about what, in which
/// language.
#[derive(Debug, Clone, Copy)]
pub struct NewDigest<'a> {
    /// The contact's address.
    pub contact: &'a str,
    /// The day (UTC, from 1970) it counts for.
    pub day: i64,
    /// Where the address came from (`owner`, `security_txt`, `rdap`).
    pub source: &'a str,
    /// The subject.
    pub subject: &'a str,
    /// The language it is written in.
    pub language: &'a str,
}

/// What one scan's job left for a domain: `None` when it says nothing
/// (cancelled, or its report is gone).
async fn observed(
    store: &Store,
    state: &str,
    report_id: Option<&str>,
) -> Result<Option<Observed>, StoreError> {
    match (state, report_id) {
        ("error", _) => Ok(Some(Observed::Unreachable)),
        ("done", Some(id)) => {
            let report = match store.report(id).await {
                Ok(r) => r,
                Err(StoreError::NotFound(_)) => return Ok(None),
                Err(e) => return Err(e),
            };
            let seen = match report.verdict.outcome {
                Outcome::DoesNotExist | Outcome::NoWebServer | Outcome::NoMailServers => {
                    Observed::Unreachable
                }
                Outcome::Scored | Outcome::NotScored => Observed::Tested(
                    report
                        .findings
                        .iter()
                        .map(|f| (f.check.clone(), f.status))
                        .collect::<std::collections::BTreeMap<String, Status>>(),
                ),
            };
            Ok(Some(seen))
        }
        _ => Ok(None),
    }
}

fn pending_from_row(r: &AnyRow) -> Result<PendingChange, StoreError> {
    let check: String = r.try_get("check_id")?;
    let direction: String = r.try_get("direction")?;
    Ok(PendingChange {
        id: r.try_get("id")?,
        list_id: r.try_get("list_id")?,
        list_name: r.try_get("name")?,
        domain: r.try_get("domain")?,
        kind: parse_kind(&r.try_get::<String, _>("kind")?)?,
        check: (!check.is_empty()).then_some(check),
        direction: Direction::parse(&direction)
            .ok_or_else(|| StoreError::Corrupt(format!("notice direction {direction:?}")))?,
        was: r.try_get("was")?,
        now_is: r.try_get("now_is")?,
        report_id: r.try_get("report_id")?,
    })
}

fn delivery_from_row(r: &AnyRow) -> Result<Delivery, StoreError> {
    Ok(Delivery {
        id: r.try_get("id")?,
        contact: r.try_get("contact")?,
        source: r.try_get("source")?,
        day: r.try_get("day")?,
        subject: r.try_get("subject")?,
        changes: r.try_get("changes")?,
        state: r.try_get("state")?,
        smtp_answer: r.try_get("smtp_answer")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
        language: r.try_get("language")?,
    })
}

const DELIVERY_COLUMNS: &str =
    "id, contact, source, day, subject, changes, state, smtp_answer, created_at, sent_at, language";

const PENDING_COLUMNS: &str = "c.id, c.list_id, l.name, c.domain, c.kind, c.check_id, \
     c.direction, c.was, c.now_is, c.report_id";

impl Store {
    /// Writes the changes of the finishing scan `scan_id` against the
    /// list's previous finished scan (none for a list's first scan);
    /// returns how many were new. Safe to run twice.
    pub async fn queue_notice_changes(&self, scan_id: &str) -> Result<usize, StoreError> {
        let scan = self.scan(scan_id).await?;
        let previous = sqlx::query(
            "SELECT id FROM monitor_scans WHERE list_id = $1 AND state = 'done' AND id <> $2 \
             AND created_at <= $3 ORDER BY created_at DESC, finished_at DESC LIMIT 1",
        )
        .bind(&scan.list_id)
        .bind(scan_id)
        .bind(scan.created_at)
        .fetch_optional(&self.pool)
        .await?;
        let Some(previous) = previous else {
            return Ok(0);
        };
        let previous: String = previous.try_get("id")?;
        let pairs = sqlx::query(
            "SELECT n.domain, n.kind, n.state AS n_state, n.report_id AS n_report, \
             o.state AS o_state, o.report_id AS o_report FROM monitor_jobs n \
             JOIN monitor_jobs o ON o.scan_id = $2 AND o.domain = n.domain AND o.kind = n.kind \
             WHERE n.scan_id = $1 ORDER BY n.domain, n.kind",
        )
        .bind(scan_id)
        .bind(&previous)
        .fetch_all(&self.pool)
        .await?;
        // Every change is found first and written in one transaction: a
        // sender never sees half of a scan's changes.
        let mut found: Vec<(String, String, Change, Option<String>)> = Vec::new();
        for p in pairs {
            let domain: String = p.try_get("domain")?;
            let kind: String = p.try_get("kind")?;
            let o_report: Option<String> = p.try_get("o_report")?;
            let n_report: Option<String> = p.try_get("n_report")?;
            let Some(before) = observed(
                self,
                &p.try_get::<String, _>("o_state")?,
                o_report.as_deref(),
            )
            .await?
            else {
                continue;
            };
            let Some(after) = observed(
                self,
                &p.try_get::<String, _>("n_state")?,
                n_report.as_deref(),
            )
            .await?
            else {
                continue;
            };
            for change in changes(&before, &after) {
                found.push((domain.clone(), kind.clone(), change, n_report.clone()));
            }
        }
        let mut written = 0;
        let stamp = now();
        let mut tx = self.begin_write().await?;
        for (domain, kind, change, report_id) in found {
            let done = sqlx::query(
                "INSERT INTO notice_changes (id, scan_id, previous_scan_id, list_id, domain, kind, \
                 check_id, direction, was, now_is, report_id, state, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12) \
                 ON CONFLICT (scan_id, domain, kind, check_id) DO NOTHING",
            )
            .bind(new_id())
            .bind(scan_id)
            .bind(&previous)
            .bind(&scan.list_id)
            .bind(&domain)
            .bind(&kind)
            .bind(change.check.as_deref().unwrap_or(""))
            .bind(change.direction.as_str())
            .bind(&change.from)
            .bind(&change.to)
            .bind(report_id)
            .bind(stamp)
            .execute(&mut *tx)
            .await?;
            written += done.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(written)
    }

    /// Changes not yet in a digest, oldest first (at most `limit`).
    pub async fn pending_notice_changes(
        &self,
        limit: i64,
    ) -> Result<Vec<PendingChange>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PENDING_COLUMNS} FROM notice_changes c \
             JOIN monitor_lists l ON l.id = c.list_id \
             WHERE c.state = 'pending' ORDER BY c.created_at, c.domain, c.check_id LIMIT $1"
        ))
        .bind(limit.clamp(1, 100_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(pending_from_row).collect()
    }

    /// The address of the organisation that owns `domain` in `list_id`
    /// (the organisation the list's entry names, else the list's own):
    /// its oldest enabled account's, with the organisation's language.
    /// `None` without an owner or an account.
    pub async fn owner_notice_address(
        &self,
        list_id: &str,
        domain: &str,
    ) -> Result<Option<OwnerAddress>, StoreError> {
        let row = sqlx::query(
            "SELECT u.email, o.language FROM monitor_domains d \
             JOIN monitor_lists l ON l.id = d.list_id \
             JOIN organisations o ON o.id = COALESCE(d.organisation_id, l.owner_org) \
             JOIN users u ON u.organisation_id = o.id \
             WHERE d.list_id = $1 AND d.domain = $2 AND o.disabled = 0 AND u.disabled = 0 \
             ORDER BY u.created_at, u.email LIMIT 1",
        )
        .bind(list_id)
        .bind(domain)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(OwnerAddress {
                address: r.try_get("email")?,
                language: r.try_get("language")?,
            })
        })
        .transpose()
    }

    /// Whether `contact` opted out or bounced: no more notices.
    pub async fn notice_stopped(&self, contact: &str) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("SELECT 1 AS x FROM notice_opt_outs WHERE contact = $1")
                .bind(contact)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// Stops notices to `contact`: `via` is `link` (the opt-out link) or
    /// `bounce` (the relay refused the address), `detail` says more.
    pub async fn stop_notices(
        &self,
        contact: &str,
        via: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO notice_opt_outs (contact, via, detail, at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (contact) DO NOTHING",
        )
        .bind(contact)
        .bind(via)
        .bind(detail.chars().take(500).collect::<String>())
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Subscribes `contact` to improvements as well.
    pub async fn subscribe_to_improvements(&self, contact: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO notice_subscriptions (contact, at) VALUES ($1, $2) \
             ON CONFLICT (contact) DO NOTHING",
        )
        .bind(contact)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether `contact` wants improvements too.
    pub async fn subscribed_to_improvements(&self, contact: &str) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("SELECT 1 AS x FROM notice_subscriptions WHERE contact = $1")
                .bind(contact)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// Marks changes as never to be sent (`state`: `no_contact`,
    /// `not_subscribed`).
    pub async fn set_notice_changes(&self, ids: &[String], state: &str) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query("UPDATE notice_changes SET state = $1 WHERE id = $2 AND state = 'pending'")
                .bind(state)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Claims `digest.contact`'s digest of `digest.day` for the changes
    /// `ids`: its row in the delivery log in `state` (`sending`, or
    /// `opted_out` for one that will not go). `None` when the contact
    /// already has a digest that day (the changes stay pending for a later
    /// day).
    pub async fn claim_digest(
        &self,
        digest: &NewDigest<'_>,
        ids: &[String],
        state: DigestState,
    ) -> Result<Option<String>, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "INSERT INTO notice_digests (id, contact, day, source, subject, changes, state, \
             smtp_answer, created_at, language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (contact, day) DO NOTHING",
        )
        .bind(&id)
        .bind(digest.contact)
        .bind(digest.day)
        .bind(digest.source)
        .bind(digest.subject)
        .bind(ids.len() as i64)
        .bind(state.as_str())
        .bind(if state == DigestState::OptedOut {
            "not sent: the contact opted out"
        } else {
            ""
        })
        .bind(now())
        .bind(digest.language)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Ok(None);
        }
        let change_state = if state == DigestState::OptedOut {
            "opted_out"
        } else {
            "in_digest"
        };
        for change in ids {
            sqlx::query(
                "UPDATE notice_changes SET digest_id = $1, state = $2 \
                 WHERE id = $3 AND state = 'pending'",
            )
            .bind(&id)
            .bind(change_state)
            .bind(change)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Records how a claimed digest went, with the relay's answer. A digest
    /// that failed for now gives its changes back (they go another day).
    pub async fn finish_digest(
        &self,
        id: &str,
        state: DigestState,
        answer: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE notice_digests SET state = $1, smtp_answer = $2, \
             sent_at = CASE WHEN $1 = 'sent' THEN $3 ELSE sent_at END WHERE id = $4",
        )
        .bind(state.as_str())
        .bind(answer.chars().take(1000).collect::<String>())
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let changes = match state {
            DigestState::Failed => "pending",
            DigestState::Bounced => "bounced",
            _ => "sent",
        };
        sqlx::query(
            "UPDATE notice_changes SET state = $1, \
             digest_id = CASE WHEN $1 = 'pending' THEN NULL ELSE digest_id END \
             WHERE digest_id = $2",
        )
        .bind(changes)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The delivery log, newest first.
    pub async fn notice_deliveries(&self, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM notice_digests ORDER BY created_at DESC, id LIMIT $1"
        ))
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// How many digests the delivery log has.
    pub async fn notice_delivery_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM notice_digests")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// One page of the delivery log, newest first: `limit` lines after the
    /// first `offset`, each with the lists and domains it told about.
    pub async fn notice_delivery_page(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryLine>, StoreError> {
        let (offset, limit) = (offset.max(0), limit.clamp(1, 1_000));
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM notice_digests \
             ORDER BY created_at DESC, id LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let mut lines: Vec<DeliveryLine> = rows
            .iter()
            .map(|r| {
                Ok(DeliveryLine {
                    delivery: delivery_from_row(r)?,
                    lists: Vec::new(),
                    domains: Vec::new(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        // What the page's digests told, in one query over the same page.
        let told = sqlx::query(
            "SELECT c.digest_id, l.name, c.domain FROM notice_changes c \
             JOIN monitor_lists l ON l.id = c.list_id \
             WHERE c.digest_id IN (SELECT id FROM notice_digests \
             ORDER BY created_at DESC, id LIMIT $1 OFFSET $2) \
             GROUP BY c.digest_id, l.name, c.domain ORDER BY c.digest_id, c.domain, l.name",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let index: std::collections::HashMap<String, usize> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.delivery.id.clone(), i))
            .collect();
        for r in &told {
            let digest: String = r.try_get("digest_id")?;
            let Some(line) = index.get(&digest).and_then(|&i| lines.get_mut(i)) else {
                continue;
            };
            let list: String = r.try_get("name")?;
            let domain: String = r.try_get("domain")?;
            if !line.lists.contains(&list) {
                line.lists.push(list);
            }
            if line.domains.last() != Some(&domain) {
                line.domains.push(domain);
            }
        }
        Ok(lines)
    }

    /// The changes a digest told, in order.
    pub async fn digest_changes(&self, digest_id: &str) -> Result<Vec<PendingChange>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PENDING_COLUMNS} FROM notice_changes c \
             JOIN monitor_lists l ON l.id = c.list_id \
             WHERE c.digest_id = $1 ORDER BY c.domain, c.kind, c.check_id"
        ))
        .bind(digest_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(pending_from_row).collect()
    }
}
