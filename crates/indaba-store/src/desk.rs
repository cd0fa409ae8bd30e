//! The response desk's tables: cases (reports, incidents, investigations)
//! with their messages, encrypted attachments, plans and ticked steps;
//! versioned playbooks; points of contact; constituencies; the delivery log;
//! follow-ups; consents; feed events and digests; and the aggregates that
//! statistics keep after retention removed a case.
//!
//! The rules (what an action leads to, who may see what, what is due) are
//! `indaba-desk`'s; this module keeps their results, writing the audit log
//! in the same transaction as every change. Functions that depend on the
//! time take `now`, so a test clock drives follow-ups and retention exactly
//! as the real one does.

use std::str::FromStr;

use indaba_desk::case::{self, CaseAction, CaseKind, CaseState, Priority};
use indaba_desk::constituency::Resource;
use indaba_desk::feed::Event;
use indaba_desk::intake::{Door, Draft};
use indaba_desk::observables::Observable;
use indaba_desk::plan::PointOfContact;
use indaba_desk::retention::Retention;
use indaba_desk::sla::ServiceLevels;
use indaba_desk::{Classification, Reference, Tlp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Actor, audit};
use crate::{Backend, Store, StoreError, new_id, now, token_hash};

mod seal;
pub use seal::{SealError, Sealer};

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskCase {
    /// Its id.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Report, incident or investigation.
    pub kind: CaseKind,
    /// Its state.
    pub state: CaseState,
    /// Still being typed by the reporter.
    pub draft: bool,
    /// The incident a report is linked to, or an investigation is about.
    pub parent_id: Option<String>,
    /// Its classification.
    pub classification: Classification,
    /// Its priority.
    pub priority: Priority,
    /// Its label.
    pub tlp: Tlp,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The question flow's answers.
    pub answers: Vec<(String, String)>,
    /// Where it came in.
    pub door: String,
    /// The reporter's name or pseudonym.
    pub reporter_name: String,
    /// The reporter's address (only when they agreed to be contacted).
    pub reporter_email: String,
    /// Whether the reporter agreed to be contacted.
    pub contact_ok: bool,
    /// Country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Region (only with consent).
    pub region: String,
    /// Age band (only with consent).
    pub age_band: String,
    /// Education (only with consent).
    pub education: String,
    /// Whether the reporter agreed to be counted in statistics.
    pub stats_consent: bool,
    /// The member organisation it concerns.
    pub organisation_id: Option<String>,
    /// The analyst working on it.
    pub assignee: Option<String>,
    /// What the victim last said: `solved`, `need-help` or empty.
    pub victim_status: String,
    /// Created.
    pub created_at: i64,
    /// Last changed.
    pub updated_at: i64,
    /// First answer due.
    pub respond_by: i64,
    /// Resolution due.
    pub resolve_by: i64,
    /// First answer given.
    pub responded_at: Option<i64>,
    /// Closed.
    pub closed_at: Option<i64>,
}

impl DeskCase {
    /// The reporter's words as a draft (for plans and letters).
    pub fn as_draft(&self) -> Draft {
        Draft {
            title: self.title.clone(),
            description: self.description.clone(),
            answers: self.answers.clone(),
            name: self.reporter_name.clone(),
            contact_ok: self.contact_ok,
            email: self.reporter_email.clone(),
            country: self.country.clone(),
            region: self.region.clone(),
            age_band: self.age_band.clone(),
            education: self.education.clone(),
            stats_consent: self.stats_consent,
            tlp: Some(self.tlp),
        }
    }

    /// Whether it is overdue at `now`.
    pub fn overdue(&self, now: i64) -> bool {
        indaba_desk::sla::is_overdue(self.resolve_by, now, self.state.is_closed())
    }
}

/// What a new case starts with.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    /// Report, incident or investigation.
    pub kind: CaseKind,
    /// Where it came in.
    pub door: Door,
    /// The reporter's words, cleaned.
    pub draft: &'a Draft,
    /// Still being typed.
    pub is_draft: bool,
    /// Its classification.
    pub classification: Classification,
    /// Its priority.
    pub priority: Priority,
    /// Its label.
    pub tlp: Tlp,
    /// The member organisation it concerns.
    pub organisation_id: Option<&'a str>,
    /// Who made it (a user id; none for the public or mail).
    pub created_by: Option<&'a str>,
    /// The incident it belongs to.
    pub parent_id: Option<&'a str>,
    /// Whether the reporter gets a private link.
    pub with_token: bool,
    /// Service levels, for the due dates.
    pub levels: &'a ServiceLevels,
}

/// What the triage list shows.
#[derive(Debug, Clone, Default)]
pub struct TriageFilter {
    /// Only overdue cases, as of `now`.
    pub overdue_at: Option<i64>,
    /// Only this kind.
    pub kind: Option<CaseKind>,
    /// Only open ones (not resolved or rejected).
    pub open_only: bool,
    /// Only cases assigned to this user.
    pub assignee: Option<String>,
    /// At most this many (capped at 500).
    pub limit: i64,
    /// From this position.
    pub offset: i64,
}

/// A message of a case's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskMessage {
    /// Its id.
    pub id: String,
    /// The case (or investigation) it belongs to.
    pub case_id: String,
    /// `in`, `out` or `note`.
    pub direction: String,
    /// Who it went to (`reporter`, `abuse_contact`, `desk`…).
    pub audience: String,
    /// From.
    pub sender: String,
    /// To.
    pub recipients: String,
    /// Subject.
    pub subject: String,
    /// Body (plain text; HTML mail is stored as its text).
    pub body: String,
    /// Its label.
    pub tlp: Tlp,
    /// When.
    pub created_at: i64,
}

/// A new message.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// The case.
    pub case_id: &'a str,
    /// `in`, `out` or `note`.
    pub direction: &'a str,
    /// Who it is for.
    pub audience: &'a str,
    /// From.
    pub sender: &'a str,
    /// To.
    pub recipients: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Body.
    pub body: &'a str,
    /// Its label.
    pub tlp: Tlp,
}

/// An attachment's description (its content stays sealed until asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The message it came with.
    pub message_id: Option<String>,
    /// File name as sent (cleaned).
    pub filename: String,
    /// Content type as sent.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Its label.
    pub tlp: Tlp,
}

/// One line of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The case.
    pub case_id: Option<String>,
    /// Why (`forward`, `reminder`, `digest`, `status`…).
    pub purpose: String,
    /// To.
    pub recipient: String,
    /// Audience.
    pub audience: String,
    /// `x-arf`, `case-report`, `text`, `digest`.
    pub format: String,
    /// Subject.
    pub subject: String,
    /// Label.
    pub tlp: Tlp,
    /// `sent` or `failed`.
    pub status: String,
    /// Why it failed.
    pub error: String,
    /// When.
    pub created_at: i64,
}

/// A consent the reporter gave to a share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Its id.
    pub id: String,
    /// To whom (an address, `police`, `partner-cert`).
    pub party: String,
    /// For what.
    pub purpose: String,
    /// When.
    pub given_at: i64,
    /// When withdrawn.
    pub withdrawn_at: Option<i64>,
}

/// A statistics dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// By classification.
    Classification,
    /// By month of the report.
    Month,
    /// By region (consenting reporters only).
    Region,
    /// By sector of the organisation concerned.
    Sector,
    /// By age band (consenting reporters only).
    AgeBand,
    /// By education (consenting reporters only).
    Education,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 6] = [
        Dimension::Classification,
        Dimension::Month,
        Dimension::Region,
        Dimension::Sector,
        Dimension::AgeBand,
        Dimension::Education,
    ];

    /// Its word (URLs, CSV).
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Classification => "classification",
            Dimension::Month => "month",
            Dimension::Region => "region",
            Dimension::Sector => "sector",
            Dimension::AgeBand => "age_band",
            Dimension::Education => "education",
        }
    }

    /// Whether it is about the person (counted only with their consent).
    pub fn is_personal(self) -> bool {
        matches!(
            self,
            Dimension::Region | Dimension::AgeBand | Dimension::Education
        )
    }
}

impl FromStr for Dimension {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or(())
    }
}

const CASE_COLUMNS: &str = "id, reference, kind, state, draft, parent_id, classification, priority, tlp, \
    title, description, answers, door, reporter_name, reporter_email, contact_ok, country, region, \
    age_band, education, stats_consent, organisation_id, assignee, victim_status, created_at, \
    updated_at, respond_by, resolve_by, responded_at, closed_at";

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("desk {what} {value:?}"))
}

fn case_from_row(r: &AnyRow) -> Result<DeskCase, StoreError> {
    let text = |c: &str| -> Result<String, StoreError> { Ok(r.try_get::<String, _>(c)?) };
    let flag = |c: &str| -> Result<bool, StoreError> { Ok(r.try_get::<i64, _>(c)? != 0) };
    let kind = text("kind")?;
    let state = text("state")?;
    let class = text("classification")?;
    let priority = text("priority")?;
    let tlp = text("tlp")?;
    let answers = text("answers")?;
    Ok(DeskCase {
        id: text("id")?,
        reference: text("reference")?,
        kind: kind.parse().map_err(|_| corrupt("kind", &kind))?,
        state: state.parse().map_err(|_| corrupt("state", &state))?,
        draft: flag("draft")?,
        parent_id: r.try_get("parent_id")?,
        classification: class
            .parse()
            .map_err(|_| corrupt("classification", &class))?,
        priority: priority
            .parse()
            .map_err(|_| corrupt("priority", &priority))?,
        tlp: tlp.parse().map_err(|_| corrupt("tlp", &tlp))?,
        title: text("title")?,
        description: text("description")?,
        answers: serde_json::from_str(&answers).map_err(|_| corrupt("answers", &answers))?,
        door: text("door")?,
        reporter_name: text("reporter_name")?,
        reporter_email: text("reporter_email")?,
        contact_ok: flag("contact_ok")?,
        country: text("country")?,
        region: text("region")?,
        age_band: text("age_band")?,
        education: text("education")?,
        stats_consent: flag("stats_consent")?,
        organisation_id: r.try_get("organisation_id")?,
        assignee: r.try_get("assignee")?,
        victim_status: text("victim_status")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        respond_by: r.try_get("respond_by")?,
        resolve_by: r.try_get("resolve_by")?,
        responded_at: r.try_get("responded_at")?,
        closed_at: r.try_get("closed_at")?,
    })
}

fn message_from_row(r: &AnyRow) -> Result<DeskMessage, StoreError> {
    let tlp: String = r.try_get("tlp")?;
    Ok(DeskMessage {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        direction: r.try_get("direction")?,
        audience: r.try_get("audience")?,
        sender: r.try_get("sender")?,
        recipients: r.try_get("recipients")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        tlp: tlp.parse().map_err(|_| corrupt("tlp", &tlp))?,
        created_at: r.try_get("created_at")?,
    })
}

fn year_of(t: i64) -> u16 {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| d.year().clamp(1000, 9999) as u16)
        .unwrap_or(1970)
}

fn month_of(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| format!("{:04}-{:02}", d.year(), u8::from(d.month())))
        .unwrap_or_default()
}

/// Search words for FTS5 (each quoted, so no query syntax gets through) or
/// PostgreSQL's `plainto_tsquery`.
fn search_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.' && c != '@')
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| w.chars().take(64).collect::<String>())
        .collect()
}

impl Store {
    async fn next_reference(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        year: u16,
    ) -> Result<Reference, StoreError> {
        let row = sqlx::query(
            "INSERT INTO desk_sequences (year, next) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET next = desk_sequences.next + 1 RETURNING next",
        )
        .bind(i64::from(year))
        .fetch_one(&mut **tx)
        .await?;
        let next: i64 = row.try_get("next")?;
        Ok(Reference {
            year,
            number: u32::try_from(next).map_err(|_| StoreError::Invalid("reference".into()))?,
        })
    }

    /// Creates a case; returns it and, when asked for, the reporter's
    /// private-link token (shown once: only its hash is kept).
    pub async fn desk_create(
        &self,
        new: NewCase<'_>,
    ) -> Result<(DeskCase, Option<String>), StoreError> {
        let t = now();
        let id = new_id();
        let token = new.with_token.then(|| new_id() + &new_id());
        let due = new.levels.due(new.classification, new.priority, t);
        let d = new.draft;
        let mut tx = self.begin_write().await?;
        let reference = Self::next_reference(&mut tx, year_of(t)).await?;
        sqlx::query(
            "INSERT INTO desk_cases (id, reference, kind, state, draft, parent_id, classification, priority, tlp, \
             title, description, answers, door, reporter_token_hash, reporter_name, reporter_email, contact_ok, \
             country, region, age_band, education, stats_consent, organisation_id, created_by, created_at, \
             updated_at, respond_by, resolve_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25, $26, $27)",
        )
        .bind(&id)
        .bind(reference.to_string())
        .bind(new.kind.as_str())
        .bind(if new.kind == CaseKind::Report {
            CaseState::New.as_str()
        } else {
            CaseState::Open.as_str()
        })
        .bind(i64::from(new.is_draft))
        .bind(new.parent_id)
        .bind(new.classification.to_string())
        .bind(new.priority.as_str())
        .bind(new.tlp.as_str())
        .bind(&d.title)
        .bind(&d.description)
        .bind(serde_json::to_string(&d.answers).unwrap_or_else(|_| "[]".into()))
        .bind(new.door.as_str())
        .bind(token.as_deref().map(token_hash))
        .bind(&d.name)
        .bind(&d.email)
        .bind(i64::from(d.contact_ok))
        .bind(&d.country)
        .bind(&d.region)
        .bind(&d.age_band)
        .bind(&d.education)
        .bind(i64::from(d.stats_consent))
        .bind(new.organisation_id)
        .bind(new.created_by)
        .bind(t)
        .bind(due.respond_by)
        .bind(due.resolve_by)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(new.created_by),
            "desk.case.create",
            &id,
            serde_json::json!({"reference": reference.to_string(), "kind": new.kind.as_str(),
                               "door": new.door.as_str(), "draft": new.is_draft}),
        )
        .await?;
        tx.commit().await?;
        Ok((self.desk_case(&id).await?, token))
    }

    /// The case `id`.
    pub async fn desk_case(&self, id: &str) -> Result<DeskCase, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("case"))?;
        case_from_row(&row)
    }

    /// The case with `reference`.
    pub async fn desk_case_by_reference(&self, reference: &str) -> Result<DeskCase, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases WHERE reference = $1"
        ))
        .bind(reference.trim().to_ascii_uppercase())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("case"))?;
        case_from_row(&row)
    }

    /// The case whose private link has `token`.
    pub async fn desk_case_by_token(&self, token: &str) -> Result<DeskCase, StoreError> {
        if token.len() > 128 {
            return Err(StoreError::NotFound("case"));
        }
        let row = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases WHERE reporter_token_hash = $1"
        ))
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("case"))?;
        case_from_row(&row)
    }

    /// Saves what the reporter typed so far (drafts only).
    pub async fn desk_save_draft(&self, id: &str, d: &Draft) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE desk_cases SET title = $1, description = $2, answers = $3, reporter_name = $4, \
             reporter_email = $5, contact_ok = $6, country = $7, region = $8, age_band = $9, education = $10, \
             stats_consent = $11, updated_at = $12 WHERE id = $13 AND draft = 1",
        )
        .bind(&d.title)
        .bind(&d.description)
        .bind(serde_json::to_string(&d.answers).unwrap_or_else(|_| "[]".into()))
        .bind(&d.name)
        .bind(&d.email)
        .bind(i64::from(d.contact_ok))
        .bind(&d.country)
        .bind(&d.region)
        .bind(&d.age_band)
        .bind(&d.education)
        .bind(i64::from(d.stats_consent))
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid("this report was sent already".into()));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Turns a draft into a report, with its classification and due dates.
    pub async fn desk_submit_draft(
        &self,
        id: &str,
        classification: Classification,
        levels: &ServiceLevels,
    ) -> Result<DeskCase, StoreError> {
        let t = now();
        let c = self.desk_case(id).await?;
        let due = levels.due(classification, c.priority, t);
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE desk_cases SET draft = 0, classification = $1, created_at = $2, updated_at = $2, \
             respond_by = $3, resolve_by = $4 WHERE id = $5 AND draft = 1",
        )
        .bind(classification.to_string())
        .bind(t)
        .bind(due.respond_by)
        .bind(due.resolve_by)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid("this report was sent already".into()));
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "desk.case.submit",
            id,
            serde_json::json!({"classification": classification.to_string()}),
        )
        .await?;
        tx.commit().await?;
        self.desk_case(id).await
    }

    /// The triage list: cases (not drafts) by resolution due date.
    pub async fn desk_triage(&self, f: &TriageFilter) -> Result<Vec<DeskCase>, StoreError> {
        let mut sql = format!("SELECT {CASE_COLUMNS} FROM desk_cases WHERE draft = 0");
        let mut n = 0;
        let mut param = || {
            n += 1;
            format!("${n}")
        };
        if f.open_only || f.overdue_at.is_some() {
            sql.push_str(" AND state NOT IN ('resolved', 'rejected', 'linked')");
        }
        let kind_p = f.kind.map(|_| param());
        if let Some(p) = &kind_p {
            sql.push_str(&format!(" AND kind = {p}"));
        }
        let overdue_p = f.overdue_at.map(|_| param());
        if let Some(p) = &overdue_p {
            sql.push_str(&format!(" AND resolve_by < {p}"));
        }
        let assignee_p = f.assignee.as_ref().map(|_| param());
        if let Some(p) = &assignee_p {
            sql.push_str(&format!(" AND assignee = {p}"));
        }
        let (lp, op) = (param(), param());
        sql.push_str(&format!(
            " ORDER BY resolve_by, created_at LIMIT {lp} OFFSET {op}"
        ));
        let mut q = sqlx::query(&sql);
        if let Some(k) = f.kind {
            q = q.bind(k.as_str());
        }
        if let Some(t) = f.overdue_at {
            q = q.bind(t);
        }
        if let Some(a) = &f.assignee {
            q = q.bind(a.clone());
        }
        let limit = if f.limit <= 0 { 100 } else { f.limit.min(500) };
        q = q.bind(limit).bind(f.offset.max(0));
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(case_from_row).collect()
    }

    /// Full-text search over cases (reference, title, description), newest
    /// first: FTS5 on SQLite, a tsvector on PostgreSQL.
    pub async fn desk_search(&self, query: &str, limit: i64) -> Result<Vec<DeskCase>, StoreError> {
        let terms = search_terms(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let limit = limit.clamp(1, 500);
        let rows = match self.backend {
            Backend::Sqlite => {
                let fts: Vec<String> = terms
                    .iter()
                    .map(|t| format!("\"{}\"", t.replace('"', "")))
                    .collect();
                // The matches first (FTS5's own index), then their cases:
                // a planner left to itself walks every case by date.
                let cols = CASE_COLUMNS
                    .split(", ")
                    .map(|c| format!("c.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                sqlx::query(&format!(
                    "SELECT {cols} FROM (SELECT case_id FROM desk_fts WHERE desk_fts MATCH $1 LIMIT 5000) f \
                     JOIN desk_cases c ON c.id = f.case_id WHERE c.draft = 0 ORDER BY c.created_at DESC LIMIT $2"
                ))
                .bind(fts.join(" "))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            Backend::Postgres => {
                sqlx::query(&format!(
                    "SELECT {CASE_COLUMNS} FROM desk_cases WHERE draft = 0 AND \
                     search @@ plainto_tsquery('simple', $1) ORDER BY created_at DESC LIMIT $2"
                ))
                .bind(terms.join(" "))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(case_from_row).collect()
    }

    /// The cases under `id`: reports linked to an incident, its
    /// investigations.
    pub async fn desk_children(&self, id: &str) -> Result<Vec<DeskCase>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases WHERE parent_id = $1 ORDER BY created_at"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(case_from_row).collect()
    }

    /// Does `action` to case `id` (RTIR's workflow, `indaba-desk`'s rules).
    /// `target` is the incident for `link` and `merge_into`. Returns the
    /// case's new state.
    pub async fn desk_act(
        &self,
        actor: Option<&str>,
        id: &str,
        action: CaseAction,
        target: Option<&str>,
    ) -> Result<CaseState, StoreError> {
        let c = self.desk_case(id).await?;
        let next =
            case::apply(c.kind, c.state, action).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let target_case = match (action, target) {
            (CaseAction::Link | CaseAction::MergeInto, Some(t)) => {
                let t = self.desk_case(t).await?;
                if t.kind != CaseKind::Incident || t.id == c.id || t.state.is_closed() {
                    return Err(StoreError::Invalid(
                        "link to an open incident other than itself".into(),
                    ));
                }
                Some(t)
            }
            (CaseAction::Link | CaseAction::MergeInto, None) => {
                return Err(StoreError::Invalid("which incident?".into()));
            }
            _ => None,
        };
        let t = now();
        let closed = next.is_closed().then_some(t);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE desk_cases SET state = $1, updated_at = $2, closed_at = $3 WHERE id = $4",
        )
        .bind(next.as_str())
        .bind(t)
        .bind(closed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        match action {
            CaseAction::Link => {
                sqlx::query("UPDATE desk_cases SET parent_id = $1 WHERE id = $2")
                    .bind(target_case.as_ref().map(|c| c.id.as_str()))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            CaseAction::Unlink => {
                sqlx::query("UPDATE desk_cases SET parent_id = NULL WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            CaseAction::MergeInto => {
                // Its reports and investigations move to the surviving incident.
                sqlx::query("UPDATE desk_cases SET parent_id = $1 WHERE parent_id = $2")
                    .bind(target_case.as_ref().map(|c| c.id.as_str()))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE desk_cases SET parent_id = $1 WHERE id = $2")
                    .bind(target_case.as_ref().map(|c| c.id.as_str()))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {}
        }
        // Resolving or rejecting an incident closes its linked reports' view
        // of it too: their status pages read the incident's state.
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.case.act",
            id,
            serde_json::json!({"action": action.as_str(), "state": next.as_str(),
                               "target": target_case.as_ref().map(|c| c.reference.clone())}),
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Sets the assignee, priority, label, classification and organisation
    /// of case `id`; due dates follow the new priority and classification.
    #[allow(clippy::too_many_arguments)]
    pub async fn desk_update(
        &self,
        actor: Option<&str>,
        id: &str,
        assignee: Option<&str>,
        priority: Priority,
        tlp: Tlp,
        classification: Classification,
        organisation_id: Option<&str>,
        levels: &ServiceLevels,
    ) -> Result<(), StoreError> {
        let c = self.desk_case(id).await?;
        let due = levels.due(classification, priority, c.created_at);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE desk_cases SET assignee = $1, priority = $2, tlp = $3, classification = $4, \
             organisation_id = $5, respond_by = $6, resolve_by = $7, updated_at = $8 WHERE id = $9",
        )
        .bind(assignee)
        .bind(priority.as_str())
        .bind(tlp.as_str())
        .bind(classification.to_string())
        .bind(organisation_id)
        .bind(due.respond_by)
        .bind(due.resolve_by)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.case.update",
            id,
            serde_json::json!({"assignee": assignee, "priority": priority.as_str(), "tlp": tlp.as_str(),
                               "classification": classification.to_string(), "organisation": organisation_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Applies the same action or assignment to several cases at once (bulk
    /// actions of the triage list): each case on its own, so one refusal
    /// does not undo the others. Returns (case id, error) for the refused.
    pub async fn desk_bulk(
        &self,
        actor: Option<&str>,
        ids: &[String],
        action: Option<CaseAction>,
        target: Option<&str>,
        assignee: Option<&str>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut refused = Vec::new();
        for id in ids.iter().take(500) {
            if let Some(action) = action {
                match self.desk_act(actor, id, action, target).await {
                    Ok(_) => {}
                    Err(StoreError::Invalid(why)) => refused.push((id.clone(), why)),
                    Err(StoreError::NotFound(_)) => refused.push((id.clone(), "not found".into())),
                    Err(e) => return Err(e),
                }
            }
            if let Some(who) = assignee {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE desk_cases SET assignee = $1, updated_at = $2 WHERE id = $3")
                    .bind(who)
                    .bind(now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                audit(
                    &mut tx,
                    self.backend,
                    &Actor::without_address(actor),
                    "desk.case.assign",
                    id,
                    serde_json::json!({"assignee": who}),
                )
                .await?;
                tx.commit().await?;
            }
        }
        Ok(refused)
    }

    /// What the victim says about their case (`solved` or `need-help`).
    pub async fn desk_victim_says(&self, id: &str, status: &str) -> Result<(), StoreError> {
        if !matches!(status, "solved" | "need-help") {
            return Err(StoreError::Invalid("solved or need-help".into()));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE desk_cases SET victim_status = $1, updated_at = $2 WHERE id = $3")
            .bind(status)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "desk.case.victim_status",
            id,
            serde_json::json!({"status": status}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that someone read a RED case (TLP 2.0: every read audited).
    pub async fn desk_audit_read(&self, actor: Option<&str>, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.read.red",
            id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds observables to a case (each once).
    pub async fn desk_add_observables(
        &self,
        case_id: &str,
        observables: &[Observable],
        tlp: Tlp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for o in observables {
            sqlx::query(
                "INSERT INTO desk_observables (case_id, kind, value, tlp) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (case_id, kind, value) DO NOTHING",
            )
            .bind(case_id)
            .bind(o.kind())
            .bind(o.value())
            .bind(tlp.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores what enrichment found about an observable (JSON).
    pub async fn desk_set_enrichment(
        &self,
        case_id: &str,
        o: &Observable,
        enrichment: &serde_json::Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE desk_observables SET enrichment = $1 WHERE case_id = $2 AND kind = $3 AND value = $4",
        )
        .bind(enrichment.to_string())
        .bind(case_id)
        .bind(o.kind())
        .bind(o.value())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A case's observables with their labels and enrichment (JSON or empty).
    pub async fn desk_observables(
        &self,
        case_id: &str,
    ) -> Result<Vec<(Observable, Tlp, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, value, tlp, enrichment FROM desk_observables WHERE case_id = $1 ORDER BY kind, value",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let kind: String = r.try_get("kind")?;
            let value: String = r.try_get("value")?;
            let tlp: String = r.try_get("tlp")?;
            if let Some(o) = Observable::from_parts(&kind, &value) {
                out.push((
                    o,
                    tlp.parse().map_err(|_| corrupt("tlp", &tlp))?,
                    r.try_get("enrichment")?,
                ));
            }
        }
        Ok(out)
    }

    /// Adds a message to a case's thread; an outgoing one to the reporter is
    /// the case's first answer if none was given yet.
    pub async fn desk_add_message(&self, m: &NewMessage<'_>) -> Result<String, StoreError> {
        let id = new_id();
        let t = now();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO desk_messages (id, case_id, direction, audience, sender, recipients, subject, body, tlp, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(m.case_id)
        .bind(m.direction)
        .bind(m.audience)
        .bind(m.sender.chars().take(320).collect::<String>())
        .bind(m.recipients.chars().take(2000).collect::<String>())
        .bind(m.subject.chars().take(998).collect::<String>())
        .bind(m.body)
        .bind(m.tlp.as_str())
        .bind(t)
        .execute(&mut *tx)
        .await?;
        if m.direction == "out" {
            sqlx::query(
                "UPDATE desk_cases SET responded_at = $1 WHERE id = $2 AND responded_at IS NULL",
            )
            .bind(t)
            .bind(m.case_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE desk_cases SET updated_at = $1 WHERE id = $2")
            .bind(t)
            .bind(m.case_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "desk.message.add",
            m.case_id,
            serde_json::json!({"message": id, "direction": m.direction, "audience": m.audience}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A case's messages, oldest first.
    pub async fn desk_messages(&self, case_id: &str) -> Result<Vec<DeskMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, direction, audience, sender, recipients, subject, body, tlp, created_at \
             FROM desk_messages WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    /// Stores an attachment, sealed with `sealer` (the key is not in the
    /// database).
    #[allow(clippy::too_many_arguments)]
    pub async fn desk_add_attachment(
        &self,
        sealer: &Sealer,
        case_id: &str,
        message_id: Option<&str>,
        filename: &str,
        content_type: &str,
        content: &[u8],
        tlp: Tlp,
    ) -> Result<String, StoreError> {
        use sha2::{Digest, Sha256};
        let id = new_id();
        let sealed = sealer
            .seal(content, id.as_bytes())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let sha: String = Sha256::digest(content)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let filename: String =
            indaba_desk::intake::clean(filename, 200, false).replace(['/', '\\'], "_");
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO desk_attachments (id, case_id, message_id, filename, content_type, size, sha256, tlp, sealed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(case_id)
        .bind(message_id)
        .bind(if filename.is_empty() { "attachment".to_string() } else { filename })
        .bind(indaba_desk::intake::clean(content_type, 100, false))
        .bind(content.len() as i64)
        .bind(&sha)
        .bind(tlp.as_str())
        .bind(sealed)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "desk.attachment.add",
            case_id,
            serde_json::json!({"attachment": id, "size": content.len(), "sha256": sha}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A case's attachments (without content).
    pub async fn desk_attachments(&self, case_id: &str) -> Result<Vec<AttachmentMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, message_id, filename, content_type, size, sha256, tlp FROM desk_attachments \
             WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let tlp: String = r.try_get("tlp")?;
                Ok(AttachmentMeta {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    message_id: r.try_get("message_id")?,
                    filename: r.try_get("filename")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                    sha256: r.try_get("sha256")?,
                    tlp: tlp.parse().map_err(|_| corrupt("tlp", &tlp))?,
                })
            })
            .collect()
    }

    /// An attachment's description and its content, unsealed.
    pub async fn desk_attachment(
        &self,
        sealer: &Sealer,
        id: &str,
    ) -> Result<(AttachmentMeta, Vec<u8>), StoreError> {
        let row = sqlx::query("SELECT case_id, sealed FROM desk_attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("attachment"))?;
        let case_id: String = row.try_get("case_id")?;
        let sealed: Vec<u8> = row.try_get("sealed")?;
        let content = sealer
            .open(&sealed, id.as_bytes())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let meta = self
            .desk_attachments(&case_id)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(StoreError::NotFound("attachment"))?;
        Ok((meta, content))
    }

    /// The newest version of every playbook: (version, source).
    pub async fn desk_playbooks(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.version, p.source FROM desk_playbooks p WHERE p.version = \
             (SELECT MAX(version) FROM desk_playbooks q WHERE q.id = p.id) ORDER BY p.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("version")?, r.try_get("source")?)))
            .collect()
    }

    /// Playbook `id` at `version`.
    pub async fn desk_playbook(&self, id: &str, version: i64) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT source FROM desk_playbooks WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("playbook"))?;
        Ok(row.try_get("source")?)
    }

    /// Every version of playbook `id`: (version, author, when), newest first.
    pub async fn desk_playbook_versions(
        &self,
        id: &str,
    ) -> Result<Vec<(i64, Option<String>, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, author, created_at FROM desk_playbooks WHERE id = $1 ORDER BY version DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("version")?,
                    r.try_get("author")?,
                    r.try_get("created_at")?,
                ))
            })
            .collect()
    }

    /// Saves a new version of playbook `id` (the caller checked it parses);
    /// returns the version number.
    pub async fn desk_save_playbook(
        &self,
        actor: Option<&str>,
        id: &str,
        source: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let row =
            sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM desk_playbooks WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let version: i64 = row.try_get::<i64, _>("v")? + 1;
        sqlx::query(
            "INSERT INTO desk_playbooks (id, version, source, author, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(version)
        .bind(source)
        .bind(actor)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.playbook.save",
            id,
            serde_json::json!({"version": version}),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Saves a case's plan (JSON of `indaba_desk::plan::Plan`).
    pub async fn desk_save_plan(
        &self,
        case_id: &str,
        playbook: &str,
        version: i64,
        body: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM desk_plans WHERE case_id = $1")
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO desk_plans (case_id, playbook_id, playbook_version, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case_id)
        .bind(playbook)
        .bind(version)
        .bind(body)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A case's plan (JSON), if it has one.
    pub async fn desk_plan(&self, case_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT body FROM desk_plans WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("body").map_err(StoreError::from))
            .transpose()
    }

    /// Ticks (or unticks) a step of a case's plan.
    pub async fn desk_tick(&self, case_id: &str, step: &str, done: bool) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM desk_plan_steps WHERE case_id = $1 AND step_id = $2")
            .bind(case_id)
            .bind(step)
            .execute(&mut *tx)
            .await?;
        if done {
            sqlx::query(
                "INSERT INTO desk_plan_steps (case_id, step_id, done_at) VALUES ($1, $2, $3)",
            )
            .bind(case_id)
            .bind(step.chars().take(60).collect::<String>())
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "desk.plan.tick",
            case_id,
            serde_json::json!({"step": step, "done": done}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The ticked steps of a case's plan.
    pub async fn desk_ticked(&self, case_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT step_id FROM desk_plan_steps WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get("step_id").map_err(StoreError::from))
            .collect()
    }

    /// Every point of contact, by country and kind.
    pub async fn desk_points_of_contact(
        &self,
    ) -> Result<Vec<(String, PointOfContact)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, country, kind, name, phone, email, url, what_to_say FROM desk_points_of_contact ORDER BY country, kind",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    PointOfContact {
                        country: r.try_get("country")?,
                        kind: r.try_get("kind")?,
                        name: r.try_get("name")?,
                        phone: r.try_get("phone")?,
                        email: r.try_get("email")?,
                        url: r.try_get("url")?,
                        what_to_say: r.try_get("what_to_say")?,
                    },
                ))
            })
            .collect()
    }

    /// Adds a point of contact.
    pub async fn desk_add_point_of_contact(
        &self,
        actor: Option<&str>,
        p: &PointOfContact,
    ) -> Result<String, StoreError> {
        use indaba_desk::intake::clean;
        let id = new_id();
        let country = clean(&p.country, 2, false).to_ascii_uppercase();
        if !(country == "*"
            || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase())))
            || clean(&p.kind, 40, false).is_empty()
            || clean(&p.name, 200, false).is_empty()
        {
            return Err(StoreError::Invalid(
                "a point of contact needs a country (two letters or *), a kind and a name".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO desk_points_of_contact (id, country, kind, name, phone, email, url, what_to_say) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&country)
        .bind(clean(&p.kind, 40, false).to_ascii_lowercase())
        .bind(clean(&p.name, 200, false))
        .bind(clean(&p.phone, 60, false))
        .bind(clean(&p.email, 254, false))
        .bind(clean(&p.url, 500, false))
        .bind(clean(&p.what_to_say, 2000, true))
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.contact.add",
            &id,
            serde_json::json!({"country": country, "kind": p.kind, "name": p.name}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every constituency declaration: (resource, organisation id, contact address).
    pub async fn desk_constituency(&self) -> Result<Vec<(Resource, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, value, organisation_id, contact FROM desk_constituency ORDER BY organisation_id, kind, value",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let value: String = r.try_get("value")?;
            if let Some(res) = Resource::parse(&value) {
                out.push((res, r.try_get("organisation_id")?, r.try_get("contact")?));
            }
        }
        Ok(out)
    }

    /// Declares `resource` part of `organisation`'s constituency, with the
    /// address its notices go to (a later declaration of the same resource
    /// replaces an earlier one).
    pub async fn desk_declare(
        &self,
        actor: Option<&str>,
        organisation: &str,
        resource: &Resource,
        contact: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM desk_constituency WHERE kind = $1 AND value = $2")
            .bind(resource.kind())
            .bind(resource.value())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO desk_constituency (organisation_id, kind, value, contact) VALUES ($1, $2, $3, $4)",
        )
        .bind(organisation)
        .bind(resource.kind())
        .bind(resource.value())
        .bind(indaba_desk::intake::clean(contact, 254, false))
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.constituency.declare",
            organisation,
            serde_json::json!({"resource": resource.value()}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs a delivery (sent or failed).
    pub async fn desk_log_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO desk_deliveries (id, case_id, purpose, recipient, audience, format, subject, tlp, status, error, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id())
        .bind(d.case_id.as_deref())
        .bind(&d.purpose)
        .bind(&d.recipient)
        .bind(&d.audience)
        .bind(&d.format)
        .bind(d.subject.chars().take(998).collect::<String>())
        .bind(d.tlp.as_str())
        .bind(&d.status)
        .bind(d.error.chars().take(1000).collect::<String>())
        .bind(d.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The delivery log of a case (all cases when `None`), newest first.
    pub async fn desk_deliveries(
        &self,
        case_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = match case_id {
            Some(c) => sqlx::query(
                "SELECT case_id, purpose, recipient, audience, format, subject, tlp, status, error, created_at \
                 FROM desk_deliveries WHERE case_id = $1 ORDER BY created_at DESC LIMIT $2",
            )
            .bind(c)
            .bind(limit.clamp(1, 10_000)),
            None => sqlx::query(
                "SELECT case_id, purpose, recipient, audience, format, subject, tlp, status, error, created_at \
                 FROM desk_deliveries ORDER BY created_at DESC LIMIT $1",
            )
            .bind(limit.clamp(1, 10_000)),
        }
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let tlp: String = r.try_get("tlp")?;
                Ok(Delivery {
                    case_id: r.try_get("case_id")?,
                    purpose: r.try_get("purpose")?,
                    recipient: r.try_get("recipient")?,
                    audience: r.try_get("audience")?,
                    format: r.try_get("format")?,
                    subject: r.try_get("subject")?,
                    tlp: tlp.parse().map_err(|_| corrupt("tlp", &tlp))?,
                    status: r.try_get("status")?,
                    error: r.try_get("error")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Open cases whose reporter can be reminded: contact agreed, an
    /// address, not solved by their own word, not closed.
    pub async fn desk_followup_candidates(&self) -> Result<Vec<DeskCase>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases WHERE draft = 0 AND kind = 'report' AND contact_ok = 1 \
             AND reporter_email <> '' AND victim_status <> 'solved' AND closed_at IS NULL"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(case_from_row).collect()
    }

    /// Open investigations whose last message went out and got no answer:
    /// (investigation, when it went out).
    pub async fn desk_unanswered_investigations(&self) -> Result<Vec<(DeskCase, i64)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases c WHERE kind = 'investigation' AND closed_at IS NULL"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let c = case_from_row(&r)?;
            let msgs = self.desk_messages(&c.id).await?;
            let first_out = msgs
                .iter()
                .find(|m| m.direction == "out")
                .map(|m| m.created_at);
            let answered = msgs.iter().any(|m| m.direction == "in");
            if let (Some(t), false) = (first_out, answered) {
                out.push((c, t));
            }
        }
        Ok(out)
    }

    /// The reminder days already sent for (`case_id`, `target`).
    pub async fn desk_followups_sent(
        &self,
        case_id: &str,
        target: &str,
    ) -> Result<Vec<u32>, StoreError> {
        let rows = sqlx::query("SELECT day FROM desk_followups WHERE case_id = $1 AND target = $2")
            .bind(case_id)
            .bind(target)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<i64, _>("day")?.clamp(0, 100_000) as u32))
            .collect()
    }

    /// Records that the reminder of `day` went to `target`.
    pub async fn desk_mark_followup(
        &self,
        case_id: &str,
        target: &str,
        day: u32,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO desk_followups (case_id, target, day, sent_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (case_id, target, day) DO NOTHING",
        )
        .bind(case_id)
        .bind(target)
        .bind(i64::from(day))
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the reporter's consent to share their case with `party`.
    pub async fn desk_consent(
        &self,
        case_id: &str,
        party: &str,
        purpose: &str,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let party = indaba_desk::intake::clean(party, 254, false).to_ascii_lowercase();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO desk_consents (id, case_id, party, purpose, given_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(case_id)
        .bind(&party)
        .bind(indaba_desk::intake::clean(purpose, 200, false))
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "desk.consent.give",
            case_id,
            serde_json::json!({"consent": id, "party": party}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A case's consents.
    pub async fn desk_consents(&self, case_id: &str) -> Result<Vec<Consent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, party, purpose, given_at, withdrawn_at FROM desk_consents WHERE case_id = $1 ORDER BY given_at",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Consent {
                    id: r.try_get("id")?,
                    party: r.try_get("party")?,
                    purpose: r.try_get("purpose")?,
                    given_at: r.try_get("given_at")?,
                    withdrawn_at: r.try_get("withdrawn_at")?,
                })
            })
            .collect()
    }

    /// Whether the reporter of `case_id` agreed to share it with `party`
    /// (an address, or a kind such as `abuse-contact`) and has not withdrawn.
    pub async fn desk_has_consent(&self, case_id: &str, party: &str) -> Result<bool, StoreError> {
        let party = party.trim().to_ascii_lowercase();
        Ok(self
            .desk_consents(case_id)
            .await?
            .iter()
            .any(|c| c.withdrawn_at.is_none() && (c.party == party || c.party == "*")))
    }

    /// Imports feed events in batches: each with the organisation it was
    /// matched to. Returns the import's id.
    pub async fn desk_import_feed(
        &self,
        actor: Option<&str>,
        name: &str,
        report_type: &str,
        events: &[(Event, Option<String>)],
        errors: u64,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO desk_feed_imports (id, name, report_type, events, errors, actor, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(indaba_desk::intake::clean(name, 200, false))
        .bind(report_type)
        .bind(events.len() as i64)
        .bind(errors as i64)
        .bind(actor)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        const COLUMNS: usize = 11;
        for chunk in events.chunks(400) {
            let mut sql = String::from(
                "INSERT INTO desk_feed_events (import_id, seen_at, day, ip, port, asn, hostname, report_type, \
                 identifier, classification, organisation_id) VALUES ",
            );
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 0..COLUMNS {
                    if c > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("${}", i * COLUMNS + c + 1));
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for (e, org) in chunk {
                q = q
                    .bind(&id)
                    .bind(e.time)
                    .bind(day_of(e.time))
                    .bind(e.ip.to_string())
                    .bind(e.port.map(i64::from))
                    .bind(e.asn.map(i64::from))
                    .bind(e.hostname.clone())
                    .bind(e.report_type.clone())
                    .bind(e.identifier.clone())
                    .bind(e.classification.to_string())
                    .bind(org.clone());
            }
            q.execute(&mut *tx).await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.feed.import",
            &id,
            serde_json::json!({"name": name, "type": report_type, "events": events.len(), "errors": errors}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// (organisation, day, events) of feed events matched to a constituent
    /// and not yet in a digest, for days up to and including `through_day`.
    pub async fn desk_pending_digests(
        &self,
        through_day: &str,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT organisation_id, day, COUNT(*) AS n FROM desk_feed_events \
             WHERE organisation_id IS NOT NULL AND digest_id IS NULL AND day <= $1 \
             GROUP BY organisation_id, day ORDER BY day, organisation_id",
        )
        .bind(through_day)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("organisation_id")?,
                    r.try_get("day")?,
                    r.try_get("n")?,
                ))
            })
            .collect()
    }

    /// The undigested events of `organisation` on `day`.
    pub async fn desk_digest_events(
        &self,
        organisation: &str,
        day: &str,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT seen_at, ip, port, asn, hostname, report_type, identifier, classification FROM desk_feed_events \
             WHERE organisation_id = $1 AND day = $2 AND digest_id IS NULL ORDER BY seq LIMIT 100000",
        )
        .bind(organisation)
        .bind(day)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let ip: String = r.try_get("ip")?;
                let class: String = r.try_get("classification")?;
                Ok(Event {
                    time: r.try_get("seen_at")?,
                    ip: ip.parse().map_err(|_| corrupt("ip", &ip))?,
                    port: r
                        .try_get::<Option<i64>, _>("port")?
                        .and_then(|p| u16::try_from(p).ok()),
                    asn: r
                        .try_get::<Option<i64>, _>("asn")?
                        .and_then(|a| u32::try_from(a).ok()),
                    hostname: r.try_get("hostname")?,
                    report_type: r.try_get("report_type")?,
                    identifier: r.try_get("identifier")?,
                    classification: class
                        .parse()
                        .map_err(|_| corrupt("classification", &class))?,
                })
            })
            .collect()
    }

    /// Records the digest of `organisation` for `day` sent to `recipient`;
    /// `false` when that digest exists already (one per constituent per day).
    pub async fn desk_mark_digest(
        &self,
        organisation: &str,
        day: &str,
        recipient: &str,
        events: i64,
    ) -> Result<bool, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO desk_digests (id, organisation_id, day, events, recipient, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (organisation_id, day) DO NOTHING",
        )
        .bind(&id)
        .bind(organisation)
        .bind(day)
        .bind(events)
        .bind(recipient)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE desk_feed_events SET digest_id = $1 WHERE organisation_id = $2 AND day = $3 AND digest_id IS NULL",
        )
        .bind(&id)
        .bind(organisation)
        .bind(day)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Counts of reports along `dimension`: live cases (not drafts) plus
    /// the aggregates retention left. Personal dimensions count only
    /// reporters who agreed; unknown values count as `unknown`.
    pub async fn desk_stats(&self, dimension: Dimension) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.created_at, c.classification, c.region, c.age_band, c.education, c.stats_consent, \
             o.stakeholder FROM desk_cases c LEFT JOIN organisations o ON o.id = c.organisation_id \
             WHERE c.draft = 0 AND c.kind = 'report'",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
        let unknown = || "unknown".to_string();
        for r in &rows {
            let consent: i64 = r.try_get("stats_consent")?;
            if dimension.is_personal() && consent == 0 {
                continue;
            }
            let value = |c: &str| -> Result<String, StoreError> {
                let v: String = r.try_get(c)?;
                Ok(if v.is_empty() { unknown() } else { v })
            };
            // What a person did not say is not counted about them (retention
            // keeps no "unknown" for them either).
            let personal_empty =
                |c: &str| -> Result<bool, StoreError> { Ok(r.try_get::<String, _>(c)?.is_empty()) };
            let skip = match dimension {
                Dimension::Region => personal_empty("region")?,
                Dimension::AgeBand => personal_empty("age_band")?,
                Dimension::Education => personal_empty("education")?,
                _ => false,
            };
            if skip {
                continue;
            }
            let key = match dimension {
                Dimension::Classification => value("classification")?,
                Dimension::Month => month_of(r.try_get("created_at")?),
                Dimension::Region => value("region")?,
                Dimension::AgeBand => value("age_band")?,
                Dimension::Education => value("education")?,
                Dimension::Sector => r
                    .try_get::<Option<String>, _>("stakeholder")?
                    .unwrap_or_else(unknown),
            };
            *counts.entry(key).or_default() += 1;
        }
        let column = match dimension {
            Dimension::Classification => "classification",
            Dimension::Month => "month",
            Dimension::Region => "region",
            Dimension::Sector => "sector",
            Dimension::AgeBand => "age_band",
            Dimension::Education => "education",
        };
        let personal = if dimension.is_personal() {
            format!(" WHERE {column} <> ''")
        } else {
            String::new()
        };
        let rows = sqlx::query(&format!(
            "SELECT {column} AS k, CAST(SUM(count) AS BIGINT) AS n FROM desk_aggregates{personal} GROUP BY {column}"
        ))
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let k: String = r.try_get("k")?;
            let n: i64 = r.try_get("n")?;
            *counts
                .entry(if k.is_empty() { unknown() } else { k })
                .or_default() += n.max(0) as u64;
        }
        Ok(counts.into_iter().collect())
    }

    /// Runs retention at `now`: every closed case past its period is reduced
    /// to a count in the aggregates and deleted with everything it held
    /// (messages, attachments, plan, consents, observables), and drafts left
    /// for 30 days are deleted. Returns how many closed cases went.
    pub async fn desk_retention(&self, retention: &Retention, now: i64) -> Result<u64, StoreError> {
        // Drafts nobody came back to for 30 days go without a trace: they
        // were never sent, so they count in no statistics.
        sqlx::query("DELETE FROM desk_cases WHERE draft = 1 AND updated_at < $1")
            .bind(now.saturating_sub(30 * 86_400))
            .execute(&self.pool)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases WHERE closed_at IS NOT NULL AND closed_at <= $1"
        ))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut removed = 0;
        for r in rows {
            let c = case_from_row(&r)?;
            if retention.decide(c.classification, c.closed_at, now)
                != indaba_desk::retention::Decision::Anonymise
            {
                continue;
            }
            // A report still linked under an incident goes with it, not before.
            let sector: Option<String> = match &c.organisation_id {
                Some(o) => sqlx::query("SELECT stakeholder FROM organisations WHERE id = $1")
                    .bind(o)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| r.try_get("stakeholder"))
                    .transpose()?,
                None => None,
            };
            let mut tx = self.begin_write().await?;
            if c.kind == CaseKind::Report && !c.draft {
                let personal = |v: &str| {
                    if c.stats_consent {
                        v.to_string()
                    } else {
                        String::new()
                    }
                };
                sqlx::query(
                    "INSERT INTO desk_aggregates (month, classification, region, sector, age_band, education, count) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (month, classification, region, sector, age_band, education) \
                     DO UPDATE SET count = desk_aggregates.count + 1",
                )
                .bind(month_of(c.created_at))
                .bind(c.classification.to_string())
                .bind(personal(&c.region))
                .bind(sector.unwrap_or_default())
                .bind(personal(&c.age_band))
                .bind(personal(&c.education))
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE desk_cases SET parent_id = NULL WHERE parent_id = $1")
                .bind(&c.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM desk_cases WHERE id = $1")
                .bind(&c.id)
                .execute(&mut *tx)
                .await?;
            audit(
                &mut tx,
                self.backend,
                &Actor::without_address(None),
                "desk.retention.remove",
                &c.reference,
                serde_json::json!({"classification": c.classification.to_string()}),
            )
            .await?;
            tx.commit().await?;
            removed += 1;
        }
        Ok(removed)
    }

    /// Everything the desk holds about the person with `email`: their cases,
    /// messages, plans, consents (for a subject-access request), as JSON.
    pub async fn desk_person_export(&self, email: &str) -> Result<serde_json::Value, StoreError> {
        let email = email.trim().to_ascii_lowercase();
        if email.is_empty() {
            return Err(StoreError::Invalid("an address is needed".into()));
        }
        let rows = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM desk_cases WHERE LOWER(reporter_email) = $1 ORDER BY created_at"
        ))
        .bind(&email)
        .fetch_all(&self.pool)
        .await?;
        let mut cases = Vec::new();
        for r in &rows {
            let c = case_from_row(r)?;
            let messages: Vec<serde_json::Value> = self
                .desk_messages(&c.id)
                .await?
                .into_iter()
                .map(|m| serde_json::json!({"direction": m.direction, "from": m.sender, "to": m.recipients,
                                            "subject": m.subject, "body": m.body, "at": m.created_at}))
                .collect();
            let consents: Vec<serde_json::Value> = self
                .desk_consents(&c.id)
                .await?
                .into_iter()
                .map(|k| serde_json::json!({"party": k.party, "purpose": k.purpose, "given_at": k.given_at,
                                            "withdrawn_at": k.withdrawn_at}))
                .collect();
            let plan = self
                .desk_plan(&c.id)
                .await?
                .and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok());
            cases.push(serde_json::json!({
                "reference": c.reference, "state": c.state.as_str(), "classification": c.classification.to_string(),
                "title": c.title, "description": c.description, "answers": c.answers,
                "name": c.reporter_name, "email": c.reporter_email, "country": c.country, "region": c.region,
                "age_band": c.age_band, "education": c.education, "stats_consent": c.stats_consent,
                "created_at": c.created_at, "messages": messages, "consents": consents, "plan": plan,
                "steps_done": self.desk_ticked(&c.id).await?,
            }));
        }
        Ok(serde_json::json!({"email": email, "cases": cases}))
    }

    /// Erases the person with `email`: their cases go, counted into the
    /// aggregates like retention does. The audit log records that an erasure
    /// happened and how many cases it removed, never the address or the data.
    pub async fn desk_person_erase(
        &self,
        actor: Option<&str>,
        email: &str,
    ) -> Result<u64, StoreError> {
        let email = email.trim().to_ascii_lowercase();
        if email.is_empty() {
            return Err(StoreError::Invalid("an address is needed".into()));
        }
        let rows = sqlx::query("SELECT id FROM desk_cases WHERE LOWER(reporter_email) = $1")
            .bind(&email)
            .fetch_all(&self.pool)
            .await?;
        let ids: Vec<String> = rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut tx = self.begin_write().await?;
        for id in &ids {
            sqlx::query("UPDATE desk_cases SET parent_id = NULL WHERE parent_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM desk_cases WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "desk.person.erase",
            "person",
            serde_json::json!({"cases": ids.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(ids.len() as u64)
    }
}

impl Store {
    /// Records the hijack of case `case_id` with its RPKI assessment.
    pub async fn desk_save_hijack(
        &self,
        case_id: &str,
        h: &indaba_desk::bgp::Hijack,
        a: &indaba_desk::bgp::Assessment,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM desk_hijacks WHERE case_id = $1")
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO desk_hijacks (case_id, prefix, expected_asn, observed_asn, seen_from, seen_until, \
             rpki_observed, rpki_expected, verdict) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(case_id)
        .bind(h.prefix.to_string())
        .bind(i64::from(h.expected.0))
        .bind(i64::from(h.observed.0))
        .bind(h.from)
        .bind(h.until)
        .bind(a.observed.as_str())
        .bind(a.expected.as_str())
        .bind(serde_json::to_string(&a.verdict).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "desk.hijack.save",
            case_id,
            serde_json::json!({"prefix": h.prefix.to_string(), "observed": h.observed.0, "expected": h.expected.0}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The hijack of case `case_id`, if it is a hijack case.
    pub async fn desk_hijack(
        &self,
        case_id: &str,
    ) -> Result<Option<(indaba_desk::bgp::Hijack, indaba_desk::bgp::Assessment)>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT prefix, expected_asn, observed_asn, seen_from, seen_until, rpki_observed, rpki_expected, verdict \
             FROM desk_hijacks WHERE case_id = $1",
        )
        .bind(case_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let text = |c: &str| -> Result<String, StoreError> { Ok(r.try_get::<String, _>(c)?) };
        let asn = |c: &str| -> Result<indaba_model::routing::Asn, StoreError> {
            let n: i64 = r.try_get(c)?;
            u32::try_from(n)
                .map(indaba_model::routing::Asn)
                .map_err(|_| corrupt("asn", &n.to_string()))
        };
        let word = |c: &str| -> Result<indaba_desk::bgp::RpkiState, StoreError> {
            let w = text(c)?;
            serde_json::from_value(serde_json::Value::String(w.clone()))
                .map_err(|_| corrupt("rpki", &w))
        };
        let prefix = text("prefix")?;
        let verdict = text("verdict")?;
        Ok(Some((
            indaba_desk::bgp::Hijack {
                prefix: prefix.parse().map_err(|_| corrupt("prefix", &prefix))?,
                expected: asn("expected_asn")?,
                observed: asn("observed_asn")?,
                from: r.try_get("seen_from")?,
                until: r.try_get("seen_until")?,
            },
            indaba_desk::bgp::Assessment {
                observed: word("rpki_observed")?,
                expected: word("rpki_expected")?,
                verdict: serde_json::from_str(&verdict)
                    .map_err(|_| corrupt("verdict", &verdict))?,
            },
        )))
    }
}

/// `YYYY-MM-DD` of a Unix time, UTC.
pub fn day_of(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_carry_no_syntax() {
        assert_eq!(
            search_terms("bank \"OR\" NEAR(x) fraud* IND-2026-000001"),
            vec!["bank", "OR", "NEAR", "x", "fraud", "IND-2026-000001"]
        );
        assert!(search_terms("  \"\" ").is_empty());
        assert_eq!(search_terms(&"w ".repeat(100)).len(), 12);
    }

    #[test]
    fn days_and_months() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(month_of(86_400 * 40), "1970-02");
        assert_eq!(year_of(0), 1970);
    }
}
