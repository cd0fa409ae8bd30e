//! The umbrella partnership's tables: organisations' directory entries, the
//! code of conduct, applications, committees with their terms of reference
//! and seats, proposals with revisions, comments and amendments, polls with
//! their frozen voter lists and ballots, immutable outcomes, implementation,
//! events, the knowledge base and its search index, awareness pages,
//! self-assessments and outreach mailings.
//!
//! The rules live in `indaba-assembly`; this module keeps what they decide,
//! each change and its audit entry in one transaction. Functions whose
//! outcome depends on the time take `now` (Unix seconds) from the caller, so
//! the platform's test clock reaches them.
//!
//! Two things are guarded below the API as well: a published outcome cannot
//! be edited or deleted (a trigger refuses it on both databases), and an
//! anonymous poll's ballots keep no voter, group or time (and in SQLite no
//! insertion order), so neither an API answer nor the audit log can tie a
//! position to a person.

use std::collections::BTreeMap;

use indaba_assembly::application::{self, ApplicationState};
use indaba_assembly::committee::CommitteeRole;
use indaba_assembly::event::{self, EventKind, Registration};
use indaba_assembly::implementation::{ImplementationStatus, Progress};
use indaba_assembly::outreach;
use indaba_assembly::poll::{Ballot, Choice, OutcomeRecord, PollRules, Voter};
use indaba_assembly::proposal::{AmendmentState, ProposalState};
use indaba_assembly::{StakeholderGroup, Visibility};
use indaba_model::msg;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::accounts::normalise_email;
use crate::audit::{Actor, audit};
use crate::passwords::hash_password;
use crate::{Backend, Store, StoreError, new_id, parse_column};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

fn refused(m: indaba_model::Message) -> StoreError {
    StoreError::Refused(m)
}

fn flag(row: &AnyRow, col: &str) -> Result<bool, StoreError> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

fn word<T: std::str::FromStr>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    let v: String = row.try_get(col)?;
    parse_column(&v, col)
}

/// An organisation as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgProfile {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its stakeholder group.
    pub group: StakeholderGroup,
    /// Its sector (free text: "banking", "hosting").
    pub sector: String,
    /// ISO 3166-1 alpha-2 code, or empty.
    pub country: String,
    /// Its website, or empty.
    pub website: String,
    /// Whether it appears in the public directory.
    pub listed: bool,
}

/// A version of the code of conduct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeOfConduct {
    /// Its version number (1, 2, …).
    pub version: i64,
    /// Markdown.
    pub body: String,
    /// When it was published.
    pub created_at: i64,
}

/// An application to join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Its id.
    pub id: String,
    /// The organisation's name.
    pub organisation_name: String,
    /// Its stakeholder group.
    pub group: StakeholderGroup,
    /// Its sector.
    pub sector: String,
    /// Its country code.
    pub country: String,
    /// Its website.
    pub website: String,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's address.
    pub contact_email: String,
    /// Why it wants to join.
    pub motivation: String,
    /// Whether it wants to be listed in the public directory.
    pub listed: bool,
    /// The code of conduct version accepted.
    pub coc_version: i64,
    /// When submitted.
    pub submitted_at: i64,
    /// When the review is due.
    pub due_at: i64,
    /// Where it stands.
    pub state: ApplicationState,
    /// When decided.
    pub decided_at: Option<i64>,
    /// The reasons given with the decision.
    pub reasons: String,
    /// The organisation created on admission.
    pub organisation_id: Option<String>,
}

/// What an applicant sends.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// The organisation's name.
    pub organisation_name: String,
    /// Its stakeholder group.
    pub group: StakeholderGroup,
    /// Its sector.
    pub sector: String,
    /// Its country code (checked).
    pub country: String,
    /// Its website.
    pub website: String,
    /// Contact name.
    pub contact_name: String,
    /// Contact address.
    pub contact_email: String,
    /// Why.
    pub motivation: String,
    /// Listed in the public directory.
    pub listed: bool,
    /// The code of conduct version accepted.
    pub coc_version: i64,
}

/// What admitting an application made: the organisation, the contact's
/// account and a link token to choose a password.
#[derive(Debug, Clone)]
pub struct Admission {
    /// The new organisation's id.
    pub organisation_id: String,
    /// The contact's new user id.
    pub user_id: String,
    /// A password-reset token for the contact's first sign-in.
    pub reset_token: String,
}

/// A committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committee {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its mandate in one paragraph.
    pub mandate: String,
    /// Who may see it (and its terms of reference history).
    pub visibility: Visibility,
}

/// One version of a committee's terms of reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// Version number.
    pub version: i64,
    /// Markdown.
    pub body: String,
    /// What changed.
    pub note: String,
    /// When.
    pub created_at: i64,
}

/// A seat on a committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// The user.
    pub user_id: String,
    /// Their name (or address when nameless).
    pub name: String,
    /// Their address.
    pub email: String,
    /// Their organisation's name, or empty.
    pub organisation: String,
    /// Their organisation's group.
    pub group: StakeholderGroup,
    /// Their role.
    pub role: CommitteeRole,
}

/// A proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Its id.
    pub id: String,
    /// Its committee.
    pub committee_id: String,
    /// Title.
    pub title: String,
    /// Current text, Markdown.
    pub body: String,
    /// Author's user id.
    pub author_id: String,
    /// Author's name.
    pub author_name: String,
    /// Where it stands.
    pub state: ProposalState,
    /// Who may see it.
    pub visibility: Visibility,
    /// Created.
    pub created_at: i64,
    /// Last changed.
    pub updated_at: i64,
}

/// A revision of a proposal's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// 1 for the draft, then one per accepted amendment.
    pub revision: i64,
    /// Title then.
    pub title: String,
    /// Text then.
    pub body: String,
    /// What made it (`draft`, `amendment`).
    pub note: String,
    /// When.
    pub at: i64,
}

/// A comment (or answer, or article version) with its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: String,
    /// Author's user id.
    pub author_id: String,
    /// Author's name.
    pub author_name: String,
    /// Text.
    pub body: String,
    /// When.
    pub at: i64,
}

/// An amendment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// Its id.
    pub id: String,
    /// Author's user id.
    pub author_id: String,
    /// Author's name.
    pub author_name: String,
    /// The whole text it proposes.
    pub body: String,
    /// Why.
    pub rationale: String,
    /// Where it stands.
    pub state: AmendmentState,
    /// When proposed.
    pub at: i64,
}

/// A poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// Its id.
    pub id: String,
    /// Its proposal.
    pub proposal_id: String,
    /// Its rules.
    pub rules: PollRules,
    /// When it was closed (early or at its date), if it was.
    pub closed_at: Option<i64>,
}

impl Poll {
    /// Whether it is closed at `now`.
    pub fn closed(&self, now: i64) -> bool {
        self.rules.closed(now, self.closed_at.is_some())
    }
}

/// A published outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Its id.
    pub id: String,
    /// Its proposal.
    pub proposal_id: String,
    /// The record.
    pub record: OutcomeRecord,
    /// When published.
    pub published_at: i64,
    /// The outcome it supersedes.
    pub supersedes: Option<String>,
    /// The outcome that superseded it.
    pub superseded_by: Option<String>,
}

/// The implementation of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implementation {
    /// Status.
    pub status: ImplementationStatus,
    /// Progress.
    pub progress: u8,
    /// Note.
    pub note: String,
    /// Last change.
    pub updated_at: i64,
}

/// An event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its id.
    pub id: String,
    /// Its committee, or none for the partnership.
    pub committee_id: Option<String>,
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// Agenda, Markdown.
    pub agenda: String,
    /// Where (a room or a link).
    pub location: String,
    /// Start.
    pub starts_at: i64,
    /// End.
    pub ends_at: i64,
    /// Seats, if capped.
    pub capacity: Option<u32>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Minutes, Markdown (empty until published).
    pub minutes: String,
    /// When the minutes were published.
    pub minutes_published_at: Option<i64>,
    /// Last change.
    pub updated_at: i64,
}

/// What is needed to create an event.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Committee, or none.
    pub committee_id: Option<String>,
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// Agenda.
    pub agenda: String,
    /// Where.
    pub location: String,
    /// Start.
    pub starts_at: i64,
    /// End.
    pub ends_at: i64,
    /// Cap.
    pub capacity: Option<u32>,
    /// Visibility.
    pub visibility: Visibility,
}

/// A registration for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// User id.
    pub user_id: String,
    /// Name.
    pub name: String,
    /// Address.
    pub email: String,
    /// Group.
    pub group: StakeholderGroup,
    /// Registered, waiting or cancelled.
    pub state: Registration,
    /// Whether they attended.
    pub attended: bool,
}

/// A knowledge-base article (its newest version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Its id.
    pub id: String,
    /// Its address part.
    pub slug: String,
    /// Topic.
    pub topic: String,
    /// Who may see it.
    pub visibility: Visibility,
    /// Newest version number.
    pub version: i64,
    /// Title.
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Last change.
    pub updated_at: i64,
}

/// A question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Its id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The question and its author.
    pub post: Post,
    /// The accepted answer's id.
    pub accepted_answer: Option<String>,
}

/// A search hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// `guide`, `article` or `question`.
    pub kind: String,
    /// The guide id, article slug or question id.
    pub reference: String,
    /// Title.
    pub title: String,
}

/// An awareness page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwarenessPage {
    /// Address part.
    pub slug: String,
    /// Language.
    pub lang: String,
    /// `tips` or `campaign`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Last change.
    pub updated_at: i64,
}

/// One self-assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Its id.
    pub id: String,
    /// `partnership` or a committee id.
    pub scope: String,
    /// When.
    pub taken_at: i64,
    /// Scores per question.
    pub answers: BTreeMap<String, u8>,
    /// Evidence links per question.
    pub evidence: BTreeMap<String, String>,
}

/// A mailing sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailing {
    /// Its id.
    pub id: String,
    /// The audience's code.
    pub audience: String,
    /// Subject.
    pub subject: String,
    /// When.
    pub sent_at: i64,
}

/// One line of a mailing's delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Address.
    pub email: String,
    /// `sent`, `failed` or `opted_out`.
    pub state: String,
    /// The server's words on failure.
    pub detail: String,
}

/// The search index's documents of one kind.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// Reference (guide id, slug, question id).
    pub reference: String,
    /// Who may find it.
    pub visibility: Visibility,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
}

const USER_NAME: &str = "CASE WHEN u.name = '' THEN u.email ELSE u.name END";

fn org_from_row(r: &AnyRow) -> Result<OrgProfile, StoreError> {
    Ok(OrgProfile {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        group: StakeholderGroup::from_code(&r.try_get::<String, _>("stakeholder")?),
        sector: r.try_get("sector")?,
        country: r.try_get("country")?,
        website: r.try_get("website")?,
        listed: flag(r, "listed")?,
    })
}

const APPLICATION_COLUMNS: &str = "id, organisation_name, stakeholder, sector, country, website, contact_name, contact_email, motivation, listed, coc_version, submitted_at, due_at, state, decided_at, reasons, organisation_id";

fn application_from_row(r: &AnyRow) -> Result<Application, StoreError> {
    Ok(Application {
        id: r.try_get("id")?,
        organisation_name: r.try_get("organisation_name")?,
        group: StakeholderGroup::from_code(&r.try_get::<String, _>("stakeholder")?),
        sector: r.try_get("sector")?,
        country: r.try_get("country")?,
        website: r.try_get("website")?,
        contact_name: r.try_get("contact_name")?,
        contact_email: r.try_get("contact_email")?,
        motivation: r.try_get("motivation")?,
        listed: flag(r, "listed")?,
        coc_version: r.try_get("coc_version")?,
        submitted_at: r.try_get("submitted_at")?,
        due_at: r.try_get("due_at")?,
        state: word(r, "state")?,
        decided_at: r.try_get("decided_at")?,
        reasons: r.try_get("reasons")?,
        organisation_id: r.try_get("organisation_id")?,
    })
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.committee_id, p.title, p.body, p.author_id, CASE WHEN u.name = '' THEN u.email ELSE u.name END AS author_name, p.state, p.visibility, p.created_at, p.updated_at FROM proposals p JOIN users u ON u.id = p.author_id";

fn proposal_from_row(r: &AnyRow) -> Result<Proposal, StoreError> {
    Ok(Proposal {
        id: r.try_get("id")?,
        committee_id: r.try_get("committee_id")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        author_id: r.try_get("author_id")?,
        author_name: r.try_get("author_name")?,
        state: word(r, "state")?,
        visibility: word(r, "visibility")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn post_from_row(r: &AnyRow) -> Result<Post, StoreError> {
    Ok(Post {
        id: r.try_get("id")?,
        author_id: r.try_get("author_id")?,
        author_name: r.try_get("author_name")?,
        body: r.try_get("body")?,
        at: r.try_get("at")?,
    })
}

const EVENT_COLUMNS: &str = "id, committee_id, kind, title, agenda, location, starts_at, ends_at, capacity, visibility, minutes, minutes_published_at, updated_at";

fn event_from_row(r: &AnyRow) -> Result<Event, StoreError> {
    let capacity: Option<i64> = r.try_get("capacity")?;
    Ok(Event {
        id: r.try_get("id")?,
        committee_id: r.try_get("committee_id")?,
        kind: word(r, "kind")?,
        title: r.try_get("title")?,
        agenda: r.try_get("agenda")?,
        location: r.try_get("location")?,
        starts_at: r.try_get("starts_at")?,
        ends_at: r.try_get("ends_at")?,
        capacity: capacity.and_then(|c| u32::try_from(c).ok()),
        visibility: word(r, "visibility")?,
        minutes: r.try_get("minutes")?,
        minutes_published_at: r.try_get("minutes_published_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn poll_from_row(r: &AnyRow) -> Result<Poll, StoreError> {
    Ok(Poll {
        id: r.try_get("id")?,
        proposal_id: r.try_get("proposal_id")?,
        rules: PollRules {
            method: word(r, "method")?,
            quorum_percent: u8::try_from(r.try_get::<i64, _>("quorum")?)
                .map_err(|_| StoreError::Corrupt("quorum".into()))?,
            anonymous: flag(r, "anonymous")?,
            results: word(r, "results")?,
            opens_at: r.try_get("opens_at")?,
            closes_at: r.try_get("closes_at")?,
        },
        closed_at: r.try_get("closed_at")?,
    })
}

fn outcome_from_row(r: &AnyRow) -> Result<Outcome, StoreError> {
    let record: String = r.try_get("record")?;
    Ok(Outcome {
        id: r.try_get("id")?,
        proposal_id: r.try_get("proposal_id")?,
        record: serde_json::from_str(&record)
            .map_err(|e| StoreError::Corrupt(format!("outcome record: {e}")))?,
        published_at: r.try_get("published_at")?,
        supersedes: r.try_get("supersedes")?,
        superseded_by: r.try_get("superseded_by")?,
    })
}

impl Store {
    /// The rows of `sql` (its `$1`, `$2`… bound to `binds`), each read by
    /// `read`.
    async fn read_all<T>(
        &self,
        sql: &str,
        binds: &[&str],
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut query = sqlx::query(sql);
        for b in binds {
            query = query.bind(*b);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(read)
            .collect()
    }

    /// The first row of [`Store::read_all`], or `NotFound(what)`.
    async fn read_one<T>(
        &self,
        sql: &str,
        binds: &[&str],
        what: &'static str,
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.read_all(sql, binds, read)
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound(what))
    }

    // ---- settings -------------------------------------------------------

    /// A setting of the assembly (`review_days`, `max_share`,
    /// `membership_committee`), if set.
    pub async fn assembly_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM assembly_settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    /// Sets a setting of the assembly.
    pub async fn set_assembly_setting(
        &self,
        actor: &str,
        key: &str,
        value: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO assembly_settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "assembly.setting",
            key,
            json!({"value": value}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- directory ------------------------------------------------------

    /// Every organisation with its directory entry, by name.
    pub async fn org_profiles(&self) -> Result<Vec<OrgProfile>, StoreError> {
        self.read_all("SELECT id, name, stakeholder, sector, country, website, listed FROM organisations ORDER BY name", &[], org_from_row).await
    }

    /// Changes an organisation's directory entry.
    pub async fn update_org_profile(
        &self,
        actor: &str,
        profile: &OrgProfile,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE organisations SET stakeholder = $1, sector = $2, country = $3, website = $4, listed = $5 WHERE id = $6",
        )
        .bind(profile.group.as_str())
        .bind(&profile.sector)
        .bind(&profile.country)
        .bind(&profile.website)
        .bind(i64::from(profile.listed))
        .bind(&profile.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("organisation"));
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "organisation.profile",
            &profile.id,
            json!({"group": profile.group, "sector": profile.sector, "country": profile.country, "listed": profile.listed}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The group of a user's organisation (`Other` without one).
    pub async fn user_group(&self, user_id: &str) -> Result<StakeholderGroup, StoreError> {
        let row = sqlx::query(
            "SELECT o.stakeholder FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => StakeholderGroup::from_code(&r.try_get::<String, _>("stakeholder")?),
            None => StakeholderGroup::Other,
        })
    }

    // ---- code of conduct ------------------------------------------------

    /// Every version of the code of conduct, newest first.
    pub async fn codes_of_conduct(&self) -> Result<Vec<CodeOfConduct>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, body, created_at FROM codes_of_conduct ORDER BY version DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CodeOfConduct {
                    version: r.try_get("version")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Publishes a new version of the code of conduct; returns its number.
    pub async fn publish_code_of_conduct(
        &self,
        actor: &str,
        body: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let body = indaba_assembly::text::body(body, indaba_assembly::text::MAX_BODY)?;
        let mut tx = self.begin_write().await?;
        let version: i64 =
            sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM codes_of_conduct")
                .fetch_one(&mut *tx)
                .await?
                .try_get("next")?;
        sqlx::query(
            "INSERT INTO codes_of_conduct (version, body, created_at, created_by) VALUES ($1, $2, $3, $4)",
        )
        .bind(version)
        .bind(&body)
        .bind(now)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "code_of_conduct.publish",
            &version.to_string(),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    // ---- applications ---------------------------------------------------

    /// Stores an application (already checked by the rules) due for review
    /// `review_days` after `now`.
    pub async fn submit_application(
        &self,
        new: &NewApplication,
        now: i64,
        review_days: i64,
    ) -> Result<Application, StoreError> {
        let email = normalise_email(&new.contact_email)
            .map_err(|_| refused(msg!("assembly-error-email")))?;
        let id = new_id();
        let due = application::review_due(now, review_days);
        let mut tx = self.begin_write().await?;
        sqlx::query(&format!(
            "INSERT INTO applications ({APPLICATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, '', NULL)"
        ))
        .bind(&id)
        .bind(&new.organisation_name)
        .bind(new.group.as_str())
        .bind(&new.sector)
        .bind(&new.country)
        .bind(&new.website)
        .bind(&new.contact_name)
        .bind(&email)
        .bind(&new.motivation)
        .bind(i64::from(new.listed))
        .bind(new.coc_version)
        .bind(now)
        .bind(due)
        .bind(ApplicationState::Pending.as_str())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "application.submit",
            &id,
            json!({"organisation": new.organisation_name, "coc_version": new.coc_version}),
        )
        .await?;
        tx.commit().await?;
        self.application(&id).await
    }

    /// The application `id`.
    pub async fn application(&self, id: &str) -> Result<Application, StoreError> {
        self.read_one(
            &format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1"),
            &[id],
            "application",
            application_from_row,
        )
        .await
    }

    /// Every application, pending first by due date, then the newest.
    pub async fn applications(&self) -> Result<Vec<Application>, StoreError> {
        self.read_all(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, due_at, submitted_at DESC"
        ), &[], application_from_row).await
    }

    /// Records the decision on an application; on admission creates the
    /// organisation and its contact's member account, all in one
    /// transaction.
    pub async fn decide_application(
        &self,
        actor: &str,
        id: &str,
        admit: bool,
        reasons: &str,
        now: i64,
    ) -> Result<(Application, Option<Admission>), StoreError> {
        let app = self.application(id).await?;
        let reasons = indaba_assembly::text::optional(reasons, indaba_assembly::text::MAX_REASON)?;
        let state = application::decide(app.state, admit, &reasons)?;
        let mut tx = self.begin_write().await?;
        let mut admission = None;
        if admit {
            let taken = sqlx::query("SELECT id FROM organisations WHERE name = $1")
                .bind(&app.organisation_name)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(refused(msg!(
                    "assembly-error-org-exists",
                    name = app.organisation_name.as_str()
                )));
            }
            let user_taken = sqlx::query("SELECT id FROM users WHERE email = $1")
                .bind(&app.contact_email)
                .fetch_optional(&mut *tx)
                .await?;
            if user_taken.is_some() {
                return Err(refused(msg!(
                    "assembly-error-user-exists",
                    email = app.contact_email.as_str()
                )));
            }
            let org = new_id();
            sqlx::query(
                "INSERT INTO organisations (id, name, stakeholder, created_at, sector, country, website, listed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&org)
            .bind(&app.organisation_name)
            .bind(app.group.as_str())
            .bind(now)
            .bind(&app.sector)
            .bind(&app.country)
            .bind(&app.website)
            .bind(i64::from(app.listed))
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                self.backend,
                &Actor::without_address(Some(actor)),
                "organisation.create",
                &org,
                json!({"name": app.organisation_name, "stakeholder": app.group, "application": id}),
            )
            .await?;
            let user = new_id();
            // A random password nobody knows: the contact chooses one
            // through the link mailed with the decision.
            let hash = hash_password(&(new_id() + &new_id())).await?;
            sqlx::query(
                "INSERT INTO users (id, email, name, role, organisation_id, password_hash, disabled, created_at) VALUES ($1, $2, $3, 'member', $4, $5, 0, $6)",
            )
            .bind(&user)
            .bind(&app.contact_email)
            .bind(&app.contact_name)
            .bind(&org)
            .bind(&hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                self.backend,
                &Actor::without_address(Some(actor)),
                "user.create",
                &user,
                json!({"email": app.contact_email, "role": "member", "application": id}),
            )
            .await?;
            let token = new_id() + &new_id();
            sqlx::query("INSERT INTO reset_tokens (token_hash, user_id, expires_at, used) VALUES ($1, $2, $3, 0)")
                .bind(crate::token_hash(&token))
                .bind(&user)
                .bind(crate::now() + 7 * 86_400)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE applications SET organisation_id = $1 WHERE id = $2")
                .bind(&org)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            admission = Some(Admission {
                organisation_id: org,
                user_id: user,
                reset_token: token,
            });
        }
        let done = sqlx::query(
            "UPDATE applications SET state = $1, decided_at = $2, decided_by = $3, reasons = $4 WHERE id = $5 AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(now)
        .bind(actor)
        .bind(&reasons)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(refused(msg!("assembly-error-already-decided")));
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "application.decide",
            id,
            json!({"state": state, "reasons": reasons}),
        )
        .await?;
        tx.commit().await?;
        Ok((self.application(id).await?, admission))
    }

    // ---- reminders ------------------------------------------------------

    /// Records that reminder `stage` of `kind` about `subject` went to
    /// `recipient`; `false` when it had been recorded already (so each is
    /// sent once, however many sweeps run).
    pub async fn claim_reminder(
        &self,
        kind: &str,
        subject: &str,
        recipient: &str,
        stage: usize,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let later = sqlx::query(
            "SELECT stage FROM reminders_sent WHERE kind = $1 AND subject = $2 AND recipient = $3 AND stage >= $4",
        )
        .bind(kind)
        .bind(subject)
        .bind(recipient)
        .bind(stage as i64)
        .fetch_optional(&mut *tx)
        .await?;
        if later.is_some() {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO reminders_sent (kind, subject, recipient, stage, sent_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(kind)
        .bind(subject)
        .bind(recipient)
        .bind(stage as i64)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(None),
            "reminder.send",
            subject,
            json!({"kind": kind, "recipient": recipient, "stage": stage}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    // ---- committees -----------------------------------------------------

    /// Creates a committee with its first terms of reference.
    pub async fn create_committee(
        &self,
        actor: &str,
        name: &str,
        mandate: &str,
        visibility: Visibility,
        terms: &str,
        now: i64,
    ) -> Result<Committee, StoreError> {
        let name = indaba_assembly::text::title(name)?;
        let mandate = indaba_assembly::text::optional(mandate, 2000)?;
        let terms = indaba_assembly::text::body(terms, indaba_assembly::text::MAX_BODY)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM committees WHERE name = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(refused(msg!(
                "assembly-error-committee-exists",
                name = name.as_str()
            )));
        }
        sqlx::query(
            "INSERT INTO committees (id, name, mandate, visibility, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(&name)
        .bind(&mandate)
        .bind(visibility.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_terms(&mut tx, &id, 1, &terms, "", actor, now).await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "committee.create",
            &id,
            json!({"name": name, "visibility": visibility}),
        )
        .await?;
        tx.commit().await?;
        Ok(Committee {
            id,
            name,
            mandate,
            visibility,
        })
    }

    /// Every committee, by name.
    pub async fn committees(&self) -> Result<Vec<Committee>, StoreError> {
        let rows =
            sqlx::query("SELECT id, name, mandate, visibility FROM committees ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(Committee {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    mandate: r.try_get("mandate")?,
                    visibility: word(r, "visibility")?,
                })
            })
            .collect()
    }

    /// The committee `id`.
    pub async fn committee(&self, id: &str) -> Result<Committee, StoreError> {
        self.committees()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(StoreError::NotFound("committee"))
    }

    /// Every version of a committee's terms of reference, newest first.
    pub async fn committee_terms(&self, id: &str) -> Result<Vec<Terms>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, body, note, created_at FROM committee_terms WHERE committee_id = $1 ORDER BY version DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Terms {
                    version: r.try_get("version")?,
                    body: r.try_get("body")?,
                    note: r.try_get("note")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Adds a version of a committee's terms of reference.
    pub async fn revise_terms(
        &self,
        actor: &str,
        committee_id: &str,
        body: &str,
        note: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let body = indaba_assembly::text::body(body, indaba_assembly::text::MAX_BODY)?;
        let note = indaba_assembly::text::optional(note, 500)?;
        let mut tx = self.begin_write().await?;
        let next: i64 = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM committee_terms WHERE committee_id = $1",
        )
        .bind(committee_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("next")?;
        if next == 1 {
            return Err(StoreError::NotFound("committee"));
        }
        insert_terms(&mut tx, committee_id, next, &body, &note, actor, now).await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "committee.terms",
            committee_id,
            json!({"version": next, "note": note}),
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// The seats of a committee, chairs first.
    pub async fn seats(&self, committee_id: &str) -> Result<Vec<Seat>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT s.user_id, {USER_NAME} AS name, u.email, COALESCE(o.name, '') AS organisation, COALESCE(o.stakeholder, 'other') AS stakeholder, s.role \
             FROM committee_seats s JOIN users u ON u.id = s.user_id LEFT JOIN organisations o ON o.id = u.organisation_id \
             WHERE s.committee_id = $1 ORDER BY CASE s.role WHEN 'chair' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, u.email"
        ))
        .bind(committee_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Seat {
                    user_id: r.try_get("user_id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    organisation: r.try_get("organisation")?,
                    group: StakeholderGroup::from_code(&r.try_get::<String, _>("stakeholder")?),
                    role: word(r, "role")?,
                })
            })
            .collect()
    }

    /// Gives `user_id` a seat with `role` (or, with `None`, takes it away).
    pub async fn set_seat(
        &self,
        actor: &str,
        committee_id: &str,
        user_id: &str,
        role: Option<CommitteeRole>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM committee_seats WHERE committee_id = $1 AND user_id = $2")
            .bind(committee_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if let Some(role) = role {
            sqlx::query(
                "INSERT INTO committee_seats (committee_id, user_id, role, since) VALUES ($1, $2, $3, $4)",
            )
            .bind(committee_id)
            .bind(user_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "committee.seat",
            committee_id,
            json!({"user": user_id, "role": role}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The role of `user_id` in a committee, if any.
    pub async fn seat_role(
        &self,
        committee_id: &str,
        user_id: &str,
    ) -> Result<Option<CommitteeRole>, StoreError> {
        let row = sqlx::query(
            "SELECT role FROM committee_seats WHERE committee_id = $1 AND user_id = $2",
        )
        .bind(committee_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| word(&r, "role")).transpose()
    }

    // ---- proposals ------------------------------------------------------

    /// Drafts a proposal in a committee.
    pub async fn create_proposal(
        &self,
        actor: &str,
        committee_id: &str,
        title: &str,
        body: &str,
        visibility: Visibility,
        now: i64,
    ) -> Result<Proposal, StoreError> {
        let title = indaba_assembly::text::title(title)?;
        let body = indaba_assembly::text::body(body, indaba_assembly::text::MAX_BODY)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO proposals (id, committee_id, title, body, author_id, state, visibility, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $7)",
        )
        .bind(&id)
        .bind(committee_id)
        .bind(&title)
        .bind(&body)
        .bind(actor)
        .bind(visibility.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        add_revision(&mut tx, &id, &title, &body, "draft", now).await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "proposal.create",
            &id,
            json!({"committee": committee_id, "title": title, "visibility": visibility}),
        )
        .await?;
        tx.commit().await?;
        self.proposal(&id).await
    }

    /// The proposal `id`.
    pub async fn proposal(&self, id: &str) -> Result<Proposal, StoreError> {
        self.read_one(
            &format!("{PROPOSAL_SELECT} WHERE p.id = $1"),
            &[id],
            "proposal",
            proposal_from_row,
        )
        .await
    }

    /// Every proposal, newest change first.
    pub async fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        self.read_all(
            &format!("{PROPOSAL_SELECT} ORDER BY p.updated_at DESC, p.id"),
            &[],
            proposal_from_row,
        )
        .await
    }

    /// Moves a proposal to `to`, if the rules allow it from where it is.
    pub async fn move_proposal(
        &self,
        actor: &str,
        id: &str,
        to: ProposalState,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        move_in(&mut tx, self.backend, actor, id, to, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every revision of a proposal, oldest first.
    pub async fn revisions(&self, id: &str) -> Result<Vec<Revision>, StoreError> {
        let rows = sqlx::query(
            "SELECT revision, title, body, note, at FROM proposal_revisions WHERE proposal_id = $1 ORDER BY revision",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Revision {
                    revision: r.try_get("revision")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    note: r.try_get("note")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// Adds a comment to a proposal in discussion.
    pub async fn comment(
        &self,
        actor: &str,
        proposal_id: &str,
        body: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let body = indaba_assembly::text::body(body, 20_000)?;
        let p = self.proposal(proposal_id).await?;
        if !p.state.open_for_discussion() {
            return Err(refused(msg!("assembly-error-not-in-discussion")));
        }
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO proposal_comments (id, proposal_id, author_id, body, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(proposal_id)
        .bind(actor)
        .bind(&body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "proposal.comment",
            proposal_id,
            json!({"comment": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The comments of a proposal, oldest first.
    pub async fn comments(&self, proposal_id: &str) -> Result<Vec<Post>, StoreError> {
        self.read_all(&format!(
            "SELECT c.id, c.author_id, {USER_NAME} AS author_name, c.body, c.at FROM proposal_comments c JOIN users u ON u.id = c.author_id WHERE c.proposal_id = $1 ORDER BY c.at, c.id"
        ), &[proposal_id], post_from_row).await
    }

    /// Proposes an amendment (a whole new text) to a proposal in discussion.
    pub async fn propose_amendment(
        &self,
        actor: &str,
        proposal_id: &str,
        body: &str,
        rationale: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let body = indaba_assembly::text::body(body, indaba_assembly::text::MAX_BODY)?;
        let rationale =
            indaba_assembly::text::optional(rationale, indaba_assembly::text::MAX_REASON)?;
        let p = self.proposal(proposal_id).await?;
        if !p.state.open_for_discussion() {
            return Err(refused(msg!("assembly-error-not-in-discussion")));
        }
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO amendments (id, proposal_id, author_id, body, rationale, state, at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
        )
        .bind(&id)
        .bind(proposal_id)
        .bind(actor)
        .bind(&body)
        .bind(&rationale)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "amendment.propose",
            proposal_id,
            json!({"amendment": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The amendments of a proposal, oldest first.
    pub async fn amendments(&self, proposal_id: &str) -> Result<Vec<Amendment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT a.id, a.author_id, {USER_NAME} AS author_name, a.body, a.rationale, a.state, a.at FROM amendments a JOIN users u ON u.id = a.author_id WHERE a.proposal_id = $1 ORDER BY a.at, a.id"
        ))
        .bind(proposal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Amendment {
                    id: r.try_get("id")?,
                    author_id: r.try_get("author_id")?,
                    author_name: r.try_get("author_name")?,
                    body: r.try_get("body")?,
                    rationale: r.try_get("rationale")?,
                    state: word(r, "state")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The proposal author's answer to an amendment: accepted, its text
    /// becomes the proposal's (a new revision); rejected, nothing changes.
    pub async fn answer_amendment(
        &self,
        actor: &str,
        proposal_id: &str,
        amendment_id: &str,
        accept: bool,
        now: i64,
    ) -> Result<(), StoreError> {
        let p = self.proposal(proposal_id).await?;
        let a = self
            .amendments(proposal_id)
            .await?
            .into_iter()
            .find(|a| a.id == amendment_id)
            .ok_or(StoreError::NotFound("amendment"))?;
        let state = indaba_assembly::proposal::answer_amendment(
            p.state,
            a.state,
            p.author_id == actor,
            accept,
        )?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE amendments SET state = $1, decided_at = $2 WHERE id = $3 AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(now)
        .bind(amendment_id)
        .execute(&mut *tx)
        .await?;
        if accept {
            sqlx::query("UPDATE proposals SET body = $1, updated_at = $2 WHERE id = $3")
                .bind(&a.body)
                .bind(now)
                .bind(proposal_id)
                .execute(&mut *tx)
                .await?;
            add_revision(&mut tx, proposal_id, &p.title, &a.body, "amendment", now).await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "amendment.answer",
            proposal_id,
            json!({"amendment": amendment_id, "state": state}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- polls ----------------------------------------------------------

    /// Opens the decision poll of a proposal in discussion and freezes its
    /// voter list: the committee's chairs and members as they are now, with
    /// their names, organisations and groups. Seats given or taken later do
    /// not change it.
    pub async fn open_poll(
        &self,
        actor: &str,
        proposal_id: &str,
        rules: PollRules,
        now: i64,
    ) -> Result<Poll, StoreError> {
        let p = self.proposal(proposal_id).await?;
        let seats = self.seats(&p.committee_id).await?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        move_in(
            &mut tx,
            self.backend,
            actor,
            proposal_id,
            ProposalState::Voting,
            now,
        )
        .await?;
        sqlx::query(
            "INSERT INTO polls (id, proposal_id, method, quorum, anonymous, results, opens_at, closes_at, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
        )
        .bind(&id)
        .bind(proposal_id)
        .bind(rules.method.as_str())
        .bind(i64::from(rules.quorum_percent))
        .bind(i64::from(rules.anonymous))
        .bind(rules.results.as_str())
        .bind(rules.opens_at)
        .bind(rules.closes_at)
        .execute(&mut *tx)
        .await?;
        let mut frozen = Vec::new();
        for s in seats.iter().filter(|s| s.role.votes()) {
            sqlx::query(
                "INSERT INTO poll_voters (poll_id, user_id, name, organisation, grp, voted) VALUES ($1, $2, $3, $4, $5, 0)",
            )
            .bind(&id)
            .bind(&s.user_id)
            .bind(&s.name)
            .bind(&s.organisation)
            .bind(s.group.as_str())
            .execute(&mut *tx)
            .await?;
            frozen.push(s.user_id.clone());
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "poll.open",
            &id,
            json!({"proposal": proposal_id, "rules": rules, "voters": frozen}),
        )
        .await?;
        tx.commit().await?;
        Ok(Poll {
            id,
            proposal_id: proposal_id.to_string(),
            rules,
            closed_at: None,
        })
    }

    /// The poll of a proposal, if one was opened.
    pub async fn poll_of(&self, proposal_id: &str) -> Result<Option<Poll>, StoreError> {
        let row = sqlx::query("SELECT * FROM polls WHERE proposal_id = $1")
            .bind(proposal_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(poll_from_row).transpose()
    }

    /// Polls still open (not closed early), for the closing sweep.
    pub async fn open_polls(&self) -> Result<Vec<Poll>, StoreError> {
        self.read_all(
            "SELECT * FROM polls WHERE closed_at IS NULL",
            &[],
            poll_from_row,
        )
        .await
    }

    /// The frozen voter list of a poll: (user id, address, voter).
    pub async fn poll_voters(
        &self,
        poll_id: &str,
    ) -> Result<Vec<(String, String, Voter)>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.user_id, COALESCE(u.email, '') AS email, v.name, v.organisation, v.grp, v.voted FROM poll_voters v LEFT JOIN users u ON u.id = v.user_id WHERE v.poll_id = $1 ORDER BY v.name, v.user_id",
        )
        .bind(poll_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("user_id")?,
                    r.try_get("email")?,
                    Voter {
                        name: r.try_get("name")?,
                        organisation: r.try_get("organisation")?,
                        group: StakeholderGroup::from_code(&r.try_get::<String, _>("grp")?),
                        voted: flag(r, "voted")?,
                    },
                ))
            })
            .collect()
    }

    /// Casts (or, in a named poll, changes) `actor`'s ballot. In an
    /// anonymous poll the ballot is stored without voter, group or time and
    /// cannot be changed, and the audit entry says only that `actor` voted.
    pub async fn cast_ballot(
        &self,
        actor: &str,
        poll: &Poll,
        choice: &Choice,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let voter =
            sqlx::query("SELECT grp, voted FROM poll_voters WHERE poll_id = $1 AND user_id = $2")
                .bind(&poll.id)
                .bind(actor)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| refused(msg!("assembly-error-not-eligible")))?;
        let closed: Option<i64> = sqlx::query("SELECT closed_at FROM polls WHERE id = $1")
            .bind(&poll.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("closed_at")?;
        if poll.rules.closed(now, closed.is_some()) {
            return Err(refused(msg!("assembly-error-poll-closed")));
        }
        let group: String = voter.try_get("grp")?;
        if poll.rules.anonymous {
            if flag(&voter, "voted")? {
                return Err(refused(msg!("assembly-error-already-voted")));
            }
            sqlx::query(
                "INSERT INTO ballots (id, poll_id, user_id, grp, position, reason, cast_at) VALUES ($1, $2, NULL, NULL, $3, $4, NULL)",
            )
            .bind(new_id())
            .bind(&poll.id)
            .bind(choice.position.as_str())
            .bind(&choice.reason)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("DELETE FROM ballots WHERE poll_id = $1 AND user_id = $2")
                .bind(&poll.id)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO ballots (id, poll_id, user_id, grp, position, reason, cast_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(&poll.id)
            .bind(actor)
            .bind(&group)
            .bind(choice.position.as_str())
            .bind(&choice.reason)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE poll_voters SET voted = 1 WHERE poll_id = $1 AND user_id = $2")
            .bind(&poll.id)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        let detail = if poll.rules.anonymous {
            json!({})
        } else {
            json!({"position": choice.position, "reason": choice.reason})
        };
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "poll.vote",
            &poll.id,
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The ballots of a poll: named (with voter name and group) unless the
    /// poll is anonymous.
    pub async fn ballots(&self, poll: &Poll) -> Result<Vec<Ballot>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.name, b.grp, b.position, b.reason FROM ballots b LEFT JOIN poll_voters v ON v.poll_id = b.poll_id AND v.user_id = b.user_id WHERE b.poll_id = $1 ORDER BY b.position, b.reason, v.name",
        )
        .bind(&poll.id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let group: Option<String> = r.try_get("grp")?;
                Ok(Ballot {
                    voter: if poll.rules.anonymous {
                        None
                    } else {
                        r.try_get("name")?
                    },
                    group: if poll.rules.anonymous {
                        None
                    } else {
                        group.map(|g| StakeholderGroup::from_code(&g))
                    },
                    position: word(r, "position")?,
                    reason: r.try_get("reason")?,
                })
            })
            .collect()
    }

    /// `user_id`'s own ballot in a named poll (none in an anonymous one).
    pub async fn own_ballot(
        &self,
        poll: &Poll,
        user_id: &str,
    ) -> Result<Option<Choice>, StoreError> {
        if poll.rules.anonymous {
            return Ok(None);
        }
        let row =
            sqlx::query("SELECT position, reason FROM ballots WHERE poll_id = $1 AND user_id = $2")
                .bind(&poll.id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| {
            Ok(Choice {
                position: word(&r, "position")?,
                reason: r.try_get("reason")?,
            })
        })
        .transpose()
    }

    /// Closes a poll (early, or at its date by the sweep) and moves its
    /// proposal to `closed`.
    pub async fn close_poll(
        &self,
        actor: Option<&str>,
        poll: &Poll,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE polls SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL")
                .bind(now.min(poll.rules.closes_at))
                .bind(&poll.id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Ok(());
        }
        sqlx::query("UPDATE proposals SET state = 'closed', updated_at = $1 WHERE id = $2 AND state = 'voting'")
            .bind(now)
            .bind(&poll.proposal_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(actor),
            "poll.close",
            &poll.id,
            json!({"proposal": poll.proposal_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- outcomes -------------------------------------------------------

    /// Publishes the outcome of a closed poll; or, with `supersedes`, a new
    /// outcome of the same proposal that replaces a published one (which
    /// stays on the record, marked superseded).
    pub async fn publish_outcome(
        &self,
        actor: &str,
        proposal_id: &str,
        record: &OutcomeRecord,
        supersedes: Option<&str>,
        now: i64,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        match supersedes {
            None => {
                move_in(
                    &mut tx,
                    self.backend,
                    actor,
                    proposal_id,
                    ProposalState::Decided,
                    now,
                )
                .await?
            }
            Some(old) => {
                let live = sqlx::query(
                    "SELECT id FROM outcomes WHERE id = $1 AND proposal_id = $2 AND superseded_by IS NULL",
                )
                .bind(old)
                .bind(proposal_id)
                .fetch_optional(&mut *tx)
                .await?;
                if live.is_none() {
                    return Err(refused(msg!("assembly-error-not-supersedable")));
                }
            }
        }
        sqlx::query(
            "INSERT INTO outcomes (id, proposal_id, statement, record, published_at, published_by, supersedes, superseded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
        )
        .bind(&id)
        .bind(proposal_id)
        .bind(&record.statement)
        .bind(serde_json::to_string(record).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(now)
        .bind(actor)
        .bind(supersedes)
        .execute(&mut *tx)
        .await?;
        if let Some(old) = supersedes {
            sqlx::query("UPDATE outcomes SET superseded_by = $1 WHERE id = $2")
                .bind(&id)
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "outcome.publish",
            &id,
            json!({"proposal": proposal_id, "verdict": record.verdict, "supersedes": supersedes}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The outcomes of a proposal, oldest first.
    pub async fn outcomes(&self, proposal_id: &str) -> Result<Vec<Outcome>, StoreError> {
        let mut left = self
            .read_all(
                "SELECT * FROM outcomes WHERE proposal_id = $1 ORDER BY published_at, id",
                &[proposal_id],
                outcome_from_row,
            )
            .await?;
        // In the order of the chain of supersession (the first outcome,
        // then whatever superseded it…): publication times can tie.
        let mut chain = Vec::with_capacity(left.len());
        let mut next = left
            .iter()
            .position(|o| o.supersedes.is_none())
            .or((!left.is_empty()).then_some(0));
        while let Some(i) = next {
            let o = left.remove(i);
            next = o
                .superseded_by
                .as_ref()
                .and_then(|s| left.iter().position(|x| &x.id == s));
            chain.push(o);
        }
        chain.extend(left);
        Ok(chain)
    }

    /// Tries to change a published outcome's statement directly. It always
    /// fails (the database refuses): the test of immutability below the API.
    #[doc(hidden)]
    pub async fn try_edit_outcome(&self, id: &str, statement: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outcomes SET statement = $1 WHERE id = $2")
            .bind(statement)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ---- implementation -------------------------------------------------

    /// The implementation of a decided proposal, if tracked.
    pub async fn implementation(
        &self,
        proposal_id: &str,
    ) -> Result<Option<Implementation>, StoreError> {
        let row = sqlx::query(
            "SELECT status, progress, note, updated_at FROM implementations WHERE proposal_id = $1",
        )
        .bind(proposal_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Implementation {
                status: word(&r, "status")?,
                progress: u8::try_from(r.try_get::<i64, _>("progress")?).unwrap_or(0),
                note: r.try_get("note")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .transpose()
    }

    /// Records the implementation status and progress of a decision.
    pub async fn set_implementation(
        &self,
        actor: &str,
        proposal_id: &str,
        status: ImplementationStatus,
        progress: Progress,
        note: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let p = self.proposal(proposal_id).await?;
        if p.state != ProposalState::Decided {
            return Err(refused(msg!("assembly-error-not-decided")));
        }
        let (status, progress) = indaba_assembly::implementation::settle(status, progress);
        let note = indaba_assembly::text::optional(note, indaba_assembly::text::MAX_REASON)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO implementations (proposal_id, status, progress, note, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (proposal_id) DO UPDATE SET status = excluded.status, progress = excluded.progress, note = excluded.note, updated_at = excluded.updated_at",
        )
        .bind(proposal_id)
        .bind(status.as_str())
        .bind(i64::from(progress.percent()))
        .bind(&note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "implementation.update",
            proposal_id,
            json!({"status": status, "progress": progress.percent(), "note": note}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links a decision's implementation to another proposal or an event.
    pub async fn link_implementation(
        &self,
        actor: &str,
        proposal_id: &str,
        kind: &str,
        target: &str,
    ) -> Result<(), StoreError> {
        let exists = match kind {
            "proposal" => self.proposal(target).await.is_ok(),
            "event" => self.event(target).await.is_ok(),
            _ => false,
        };
        if !exists || target == proposal_id {
            return Err(refused(msg!("assembly-error-link")));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO implementation_links (proposal_id, kind, target) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(proposal_id)
        .bind(kind)
        .bind(target)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "implementation.link",
            proposal_id,
            json!({"kind": kind, "target": target}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The (kind, target) links of a decision's implementation.
    pub async fn implementation_links(
        &self,
        proposal_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, target FROM implementation_links WHERE proposal_id = $1 ORDER BY kind, target",
        )
        .bind(proposal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("kind")?, r.try_get("target")?)))
            .collect()
    }

    // ---- events ---------------------------------------------------------

    /// Creates an event.
    pub async fn create_event(
        &self,
        actor: &str,
        new: &NewEvent,
        now: i64,
    ) -> Result<Event, StoreError> {
        let title = indaba_assembly::text::title(&new.title)?;
        let agenda = indaba_assembly::text::optional(&new.agenda, indaba_assembly::text::MAX_BODY)?;
        let location = indaba_assembly::text::optional(&new.location, 500)?;
        let (starts, ends) = event::schedule(new.starts_at, new.ends_at)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(&format!(
            "INSERT INTO events ({EVENT_COLUMNS}, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', NULL, $11, $12, $11)"
        ))
        .bind(&id)
        .bind(new.committee_id.as_deref())
        .bind(new.kind.as_str())
        .bind(&title)
        .bind(&agenda)
        .bind(&location)
        .bind(starts)
        .bind(ends)
        .bind(new.capacity.map(i64::from))
        .bind(new.visibility.as_str())
        .bind(now)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "event.create",
            &id,
            json!({"title": title, "kind": new.kind, "committee": new.committee_id}),
        )
        .await?;
        tx.commit().await?;
        self.event(&id).await
    }

    /// The event `id`.
    pub async fn event(&self, id: &str) -> Result<Event, StoreError> {
        self.read_one(
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1"),
            &[id],
            "event",
            event_from_row,
        )
        .await
    }

    /// Every event, by start.
    pub async fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.read_all(
            &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at, id"),
            &[],
            event_from_row,
        )
        .await
    }

    /// Registers `actor` for an event: a seat while there are seats, else
    /// the waiting list. Registering again changes nothing.
    pub async fn register(
        &self,
        actor: &str,
        event_id: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        let ev = self.event(event_id).await?;
        if now >= ev.ends_at {
            return Err(refused(msg!("assembly-error-event-over")));
        }
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query(
            "SELECT state FROM event_registrations WHERE event_id = $1 AND user_id = $2",
        )
        .bind(event_id)
        .bind(actor)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(r) = &existing {
            let state: Registration = word(r, "state")?;
            if state != Registration::Cancelled {
                return Ok(state);
            }
        }
        let taken: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM event_registrations WHERE event_id = $1 AND state = 'registered'",
        )
        .bind(event_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let seq: i64 = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM event_registrations WHERE event_id = $1",
        )
        .bind(event_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("next")?;
        let state = event::place(ev.capacity, taken as usize);
        sqlx::query("DELETE FROM event_registrations WHERE event_id = $1 AND user_id = $2")
            .bind(event_id)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO event_registrations (event_id, user_id, state, at, seq, attended) VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(event_id)
        .bind(actor)
        .bind(state.as_str())
        .bind(now)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "event.register",
            event_id,
            json!({"state": state}),
        )
        .await?;
        tx.commit().await?;
        Ok(state)
    }

    /// Cancels `actor`'s registration and moves the waiting list up.
    pub async fn cancel_registration(
        &self,
        actor: &str,
        event_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let ev = self.event(event_id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE event_registrations SET state = 'cancelled' WHERE event_id = $1 AND user_id = $2",
        )
        .bind(event_id)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        let taken: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM event_registrations WHERE event_id = $1 AND state = 'registered'",
        )
        .bind(event_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let waiting = sqlx::query(
            "SELECT user_id FROM event_registrations WHERE event_id = $1 AND state = 'waiting' ORDER BY seq",
        )
        .bind(event_id)
        .fetch_all(&mut *tx)
        .await?;
        let n = event::promotions(ev.capacity, taken as usize, waiting.len());
        let mut promoted = Vec::new();
        for row in waiting.iter().take(n) {
            let user: String = row.try_get("user_id")?;
            sqlx::query(
                "UPDATE event_registrations SET state = 'registered' WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(&user)
            .execute(&mut *tx)
            .await?;
            promoted.push(user);
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "event.cancel",
            event_id,
            json!({"promoted": promoted}),
        )
        .await?;
        tx.commit().await?;
        Ok(promoted)
    }

    /// Everyone registered (or waiting, or cancelled) for an event, in order.
    pub async fn attendees(&self, event_id: &str) -> Result<Vec<Attendee>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT r.user_id, {USER_NAME} AS name, u.email, COALESCE(o.stakeholder, 'other') AS stakeholder, r.state, r.attended \
             FROM event_registrations r JOIN users u ON u.id = r.user_id LEFT JOIN organisations o ON o.id = u.organisation_id \
             WHERE r.event_id = $1 ORDER BY r.seq"
        ))
        .bind(event_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Attendee {
                    user_id: r.try_get("user_id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    group: StakeholderGroup::from_code(&r.try_get::<String, _>("stakeholder")?),
                    state: word(r, "state")?,
                    attended: flag(r, "attended")?,
                })
            })
            .collect()
    }

    /// Marks whether a registered person attended.
    pub async fn set_attended(
        &self,
        actor: &str,
        event_id: &str,
        user_id: &str,
        attended: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE event_registrations SET attended = $1 WHERE event_id = $2 AND user_id = $3",
        )
        .bind(i64::from(attended))
        .bind(event_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "event.attendance",
            event_id,
            json!({"user": user_id, "attended": attended}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes (or corrects) an event's minutes.
    pub async fn publish_minutes(
        &self,
        actor: &str,
        event_id: &str,
        minutes: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let minutes = indaba_assembly::text::body(minutes, indaba_assembly::text::MAX_BODY)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE events SET minutes = $1, minutes_published_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(&minutes)
        .bind(now)
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("event"));
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "event.minutes",
            event_id,
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links an event to a proposal it discussed.
    pub async fn link_event_proposal(
        &self,
        actor: &str,
        event_id: &str,
        proposal_id: &str,
    ) -> Result<(), StoreError> {
        self.event(event_id).await?;
        self.proposal(proposal_id)
            .await
            .map_err(|_| refused(msg!("assembly-error-link")))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO event_proposals (event_id, proposal_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(event_id)
        .bind(proposal_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "event.link",
            event_id,
            json!({"proposal": proposal_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The proposals an event is linked to.
    pub async fn event_proposals(&self, event_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT proposal_id FROM event_proposals WHERE event_id = $1 ORDER BY proposal_id",
        )
        .bind(event_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("proposal_id")?)).collect()
    }

    /// The events linked to a proposal.
    pub async fn proposal_events(&self, proposal_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT event_id FROM event_proposals WHERE proposal_id = $1 ORDER BY event_id",
        )
        .bind(proposal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("event_id")?)).collect()
    }

    // ---- knowledge base -------------------------------------------------

    /// Writes a new version of the article `slug` (creating it if new), and
    /// puts it in the search index.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_article(
        &self,
        actor: &str,
        slug: &str,
        topic: &str,
        title: &str,
        body: &str,
        visibility: Visibility,
        now: i64,
    ) -> Result<Article, StoreError> {
        let title = indaba_assembly::text::title(title)?;
        let topic = indaba_assembly::text::title(topic)?;
        let body = indaba_assembly::text::body(body, indaba_assembly::text::MAX_BODY)?;
        let slug = indaba_assembly::text::slug(if slug.trim().is_empty() { &title } else { slug });
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query("SELECT id FROM articles WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(&mut *tx)
            .await?;
        let id = match existing {
            Some(r) => {
                let id: String = r.try_get("id")?;
                sqlx::query("UPDATE articles SET topic = $1, visibility = $2, updated_at = $3 WHERE id = $4")
                    .bind(&topic)
                    .bind(visibility.as_str())
                    .bind(now)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            None => {
                let id = new_id();
                sqlx::query("INSERT INTO articles (id, slug, topic, visibility, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
                    .bind(&id)
                    .bind(&slug)
                    .bind(&topic)
                    .bind(visibility.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        let version: i64 = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM article_versions WHERE article_id = $1",
        )
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("next")?;
        sqlx::query("INSERT INTO article_versions (article_id, version, title, body, at, author_id) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(version)
            .bind(&title)
            .bind(&body)
            .bind(now)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        index_in(&mut tx, "article", &slug, visibility, &title, &body).await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "article.save",
            &id,
            json!({"slug": slug, "version": version, "visibility": visibility}),
        )
        .await?;
        tx.commit().await?;
        self.article(&slug)
            .await?
            .ok_or(StoreError::NotFound("article"))
    }

    /// The newest version of the article `slug`.
    pub async fn article(&self, slug: &str) -> Result<Option<Article>, StoreError> {
        Ok(self.articles().await?.into_iter().find(|a| a.slug == slug))
    }

    /// Every article (newest version), by topic and title.
    pub async fn articles(&self) -> Result<Vec<Article>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.slug, a.topic, a.visibility, a.updated_at, v.version, v.title, v.body FROM articles a \
             JOIN article_versions v ON v.article_id = a.id \
             WHERE v.version = (SELECT MAX(version) FROM article_versions w WHERE w.article_id = a.id) \
             ORDER BY a.topic, v.title",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Article {
                    id: r.try_get("id")?,
                    slug: r.try_get("slug")?,
                    topic: r.try_get("topic")?,
                    visibility: word(r, "visibility")?,
                    version: r.try_get("version")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Every version of an article, newest first: (version, title, at).
    pub async fn article_versions(
        &self,
        article_id: &str,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT version, title, at FROM article_versions WHERE article_id = $1 ORDER BY version DESC")
            .bind(article_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("version")?, r.try_get("title")?, r.try_get("at")?)))
            .collect()
    }

    /// Asks a question.
    pub async fn ask(
        &self,
        actor: &str,
        title: &str,
        body: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let title = indaba_assembly::text::title(title)?;
        let body = indaba_assembly::text::body(body, 20_000)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO questions (id, title, body, author_id, at, accepted_answer) VALUES ($1, $2, $3, $4, $5, NULL)")
            .bind(&id)
            .bind(&title)
            .bind(&body)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "question.ask",
            &id,
            json!({"title": title}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every question, newest first.
    pub async fn questions(&self) -> Result<Vec<Question>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT q.id, q.title, q.author_id, {USER_NAME} AS author_name, q.body, q.at, q.accepted_answer FROM questions q JOIN users u ON u.id = q.author_id ORDER BY q.at DESC, q.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Question {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    post: post_from_row(r)?,
                    accepted_answer: r.try_get("accepted_answer")?,
                })
            })
            .collect()
    }

    /// The question `id`.
    pub async fn question(&self, id: &str) -> Result<Question, StoreError> {
        self.questions()
            .await?
            .into_iter()
            .find(|q| q.id == id)
            .ok_or(StoreError::NotFound("question"))
    }

    /// The answers to a question, oldest first.
    pub async fn answers(&self, question_id: &str) -> Result<Vec<Post>, StoreError> {
        self.read_all(&format!(
            "SELECT a.id, a.author_id, {USER_NAME} AS author_name, a.body, a.at FROM answers a JOIN users u ON u.id = a.author_id WHERE a.question_id = $1 ORDER BY a.at, a.id"
        ), &[question_id], post_from_row).await
    }

    /// Answers a question.
    pub async fn answer(
        &self,
        actor: &str,
        question_id: &str,
        body: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let body = indaba_assembly::text::body(body, 20_000)?;
        self.question(question_id).await?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO answers (id, question_id, author_id, body, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(question_id)
            .bind(actor)
            .bind(&body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "question.answer",
            question_id,
            json!({"answer": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Accepts an answer; the question and its accepted answer become
    /// searchable by the partnership.
    pub async fn accept_answer(
        &self,
        actor: &str,
        question_id: &str,
        answer_id: &str,
    ) -> Result<(), StoreError> {
        let q = self.question(question_id).await?;
        let a = self
            .answers(question_id)
            .await?
            .into_iter()
            .find(|a| a.id == answer_id)
            .ok_or(StoreError::NotFound("answer"))?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE questions SET accepted_answer = $1 WHERE id = $2")
            .bind(answer_id)
            .bind(question_id)
            .execute(&mut *tx)
            .await?;
        index_in(
            &mut tx,
            "question",
            question_id,
            Visibility::Partnership,
            &q.title,
            &format!("{}\n\n{}", q.post.body, a.body),
        )
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "question.accept",
            question_id,
            json!({"answer": answer_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- search ---------------------------------------------------------

    /// Replaces every indexed document of `kind` (the guides, at start).
    pub async fn reindex(&self, kind: &str, docs: &[SearchDoc]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM search_index WHERE kind = $1")
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        for d in docs {
            index_in(&mut tx, kind, &d.reference, d.visibility, &d.title, &d.body).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Full-text search for `query` among documents of the visibilities in
    /// `visible`, best first (SQLite FTS5 rank, PostgreSQL ts_rank). The
    /// query is taken as words that must all occur; its operators are not
    /// interpreted, so any input is a valid query.
    pub async fn search(
        &self,
        query: &str,
        visible: &[Visibility],
        limit: i64,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(12)
            .map(|w| w.chars().take(40).collect())
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let allowed: Vec<&str> = visible.iter().map(|v| v.as_str()).collect();
        let (sql, q) = match self.backend {
            Backend::Sqlite => (
                "SELECT kind, ref, title FROM search_index WHERE search_index MATCH $1 \
                 AND visibility IN ($2, $3, $4) ORDER BY rank LIMIT $5",
                words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Backend::Postgres => (
                "SELECT kind, ref, title FROM search_index, plainto_tsquery('english', $1) q \
                 WHERE doc @@ q AND visibility IN ($2, $3, $4) ORDER BY ts_rank(doc, q) DESC, ref LIMIT $5",
                words.join(" "),
            ),
        };
        let pick = |i: usize| allowed.get(i).copied().unwrap_or("");
        let rows = sqlx::query(sql)
            .bind(q)
            .bind(pick(0))
            .bind(pick(1))
            .bind(pick(2))
            .bind(limit.clamp(1, 100))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SearchHit {
                    kind: r.try_get("kind")?,
                    reference: r.try_get("ref")?,
                    title: r.try_get("title")?,
                })
            })
            .collect()
    }

    // ---- awareness ------------------------------------------------------

    /// Every awareness page of `lang`.
    pub async fn awareness_pages(&self, lang: &str) -> Result<Vec<AwarenessPage>, StoreError> {
        let rows = sqlx::query("SELECT slug, lang, kind, title, body, updated_at FROM awareness_pages WHERE lang = $1 ORDER BY kind DESC, title")
            .bind(lang)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AwarenessPage {
                    slug: r.try_get("slug")?,
                    lang: r.try_get("lang")?,
                    kind: r.try_get("kind")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Writes an awareness page.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_awareness_page(
        &self,
        actor: &str,
        slug: &str,
        lang: &str,
        kind: &str,
        title: &str,
        body: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let title = indaba_assembly::text::title(title)?;
        let body = indaba_assembly::text::body(body, indaba_assembly::text::MAX_BODY)?;
        let slug = indaba_assembly::text::slug(if slug.trim().is_empty() { &title } else { slug });
        let kind = if kind == "tips" { "tips" } else { "campaign" };
        let lang: String = lang
            .chars()
            .filter(|c| c.is_ascii_alphabetic() || *c == '-')
            .take(12)
            .collect();
        if lang.is_empty() {
            return Err(refused(msg!("assembly-error-language")));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO awareness_pages (slug, lang, kind, title, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (slug, lang) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(&slug)
        .bind(&lang)
        .bind(kind)
        .bind(&title)
        .bind(&body)
        .bind(now)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "awareness.save",
            &slug,
            json!({"lang": lang, "kind": kind}),
        )
        .await?;
        tx.commit().await?;
        Ok(slug)
    }

    // ---- self-assessment ------------------------------------------------

    /// Records a self-assessment of `scope` (`partnership` or a committee id).
    pub async fn save_assessment(
        &self,
        actor: &str,
        scope: &str,
        answers: &[(String, u8, String)],
        now: i64,
    ) -> Result<String, StoreError> {
        if answers.is_empty() {
            return Err(refused(msg!("assembly-error-no-answers")));
        }
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO assessments (id, scope, taken_at, taken_by) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(scope)
        .bind(now)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        for (q, score, evidence) in answers {
            sqlx::query("INSERT INTO assessment_answers (assessment_id, question, score, evidence) VALUES ($1, $2, $3, $4)")
                .bind(&id)
                .bind(q)
                .bind(i64::from(*score))
                .bind(evidence)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "assessment.save",
            &id,
            json!({"scope": scope, "answers": answers.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The self-assessments of `scope`, oldest first.
    pub async fn assessments(&self, scope: &str) -> Result<Vec<Assessment>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.taken_at, x.question, x.score, x.evidence FROM assessments a JOIN assessment_answers x ON x.assessment_id = a.id WHERE a.scope = $1 ORDER BY a.taken_at, a.id",
        )
        .bind(scope)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<Assessment> = Vec::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            if out.last().is_none_or(|a| a.id != id) {
                out.push(Assessment {
                    id: id.clone(),
                    scope: scope.to_string(),
                    taken_at: r.try_get("taken_at")?,
                    answers: BTreeMap::new(),
                    evidence: BTreeMap::new(),
                });
            }
            if let Some(a) = out.last_mut() {
                let q: String = r.try_get("question")?;
                a.answers.insert(
                    q.clone(),
                    u8::try_from(r.try_get::<i64, _>("score")?).unwrap_or(0),
                );
                let ev: String = r.try_get("evidence")?;
                if !ev.is_empty() {
                    a.evidence.insert(q, ev);
                }
            }
        }
        Ok(out)
    }

    // ---- outreach -------------------------------------------------------

    /// Opts `user_id` out of (or back into) outreach mail.
    pub async fn set_outreach_optout(
        &self,
        user_id: &str,
        out: bool,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM outreach_optouts WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if out {
            sqlx::query("INSERT INTO outreach_optouts (user_id, at) VALUES ($1, $2)")
                .bind(user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(user_id)),
            "outreach.optout",
            user_id,
            json!({"opted_out": out}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every enabled user as a possible outreach recipient.
    pub async fn outreach_members(&self) -> Result<Vec<outreach::Member>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, COALESCE(o.stakeholder, 'other') AS stakeholder, \
             CASE WHEN x.user_id IS NULL THEN 0 ELSE 1 END AS opted_out \
             FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id LEFT JOIN outreach_optouts x ON x.user_id = u.id \
             WHERE u.disabled = 0 ORDER BY u.email",
        )
        .fetch_all(&self.pool)
        .await?;
        let seats = sqlx::query("SELECT user_id, committee_id FROM committee_seats")
            .fetch_all(&self.pool)
            .await?;
        let mut by_user: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in &seats {
            by_user
                .entry(s.try_get("user_id")?)
                .or_default()
                .push(s.try_get("committee_id")?);
        }
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                Ok(outreach::Member {
                    committees: by_user.get(&id).cloned().unwrap_or_default(),
                    id,
                    email: r.try_get("email")?,
                    group: StakeholderGroup::from_code(&r.try_get::<String, _>("stakeholder")?),
                    opted_out: flag(r, "opted_out")?,
                })
            })
            .collect()
    }

    /// Records a mailing before it is sent.
    pub async fn record_mailing(
        &self,
        actor: &str,
        audience: &str,
        subject: &str,
        body: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO mailings (id, audience, subject, body, sent_at, sent_by) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(audience)
            .bind(subject)
            .bind(body)
            .bind(now)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            self.backend,
            &Actor::without_address(Some(actor)),
            "outreach.mailing",
            &id,
            json!({"audience": audience, "subject": subject}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records one delivery of a mailing.
    pub async fn record_delivery(
        &self,
        mailing_id: &str,
        member: &outreach::Member,
        state: &str,
        detail: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO mailing_deliveries (mailing_id, user_id, email, state, detail, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(mailing_id)
            .bind(&member.id)
            .bind(&member.email)
            .bind(state)
            .bind(detail.chars().take(500).collect::<String>())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every mailing, newest first.
    pub async fn mailings(&self) -> Result<Vec<Mailing>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, audience, subject, sent_at FROM mailings ORDER BY sent_at DESC, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Mailing {
                    id: r.try_get("id")?,
                    audience: r.try_get("audience")?,
                    subject: r.try_get("subject")?,
                    sent_at: r.try_get("sent_at")?,
                })
            })
            .collect()
    }

    /// The delivery log of a mailing.
    pub async fn deliveries(&self, mailing_id: &str) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query("SELECT email, state, detail FROM mailing_deliveries WHERE mailing_id = $1 ORDER BY email")
            .bind(mailing_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    email: r.try_get("email")?,
                    state: r.try_get("state")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }
}

async fn insert_terms(
    tx: &mut Tx,
    committee_id: &str,
    version: i64,
    body: &str,
    note: &str,
    actor: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO committee_terms (committee_id, version, body, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(committee_id)
    .bind(version)
    .bind(body)
    .bind(note)
    .bind(now)
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn add_revision(
    tx: &mut Tx,
    proposal_id: &str,
    title: &str,
    body: &str,
    note: &str,
    now: i64,
) -> Result<(), StoreError> {
    let next: i64 = sqlx::query(
        "SELECT COALESCE(MAX(revision), 0) + 1 AS next FROM proposal_revisions WHERE proposal_id = $1",
    )
    .bind(proposal_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("next")?;
    sqlx::query(
        "INSERT INTO proposal_revisions (proposal_id, revision, title, body, note, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(proposal_id)
    .bind(next)
    .bind(title)
    .bind(body)
    .bind(note)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn move_in(
    tx: &mut Tx,
    backend: Backend,
    actor: &str,
    id: &str,
    to: ProposalState,
    now: i64,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT state FROM proposals WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("proposal"))?;
    let from: ProposalState = word(&row, "state")?;
    from.become_(to)?;
    sqlx::query("UPDATE proposals SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(to.as_str())
        .bind(now)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
    audit(
        tx,
        backend,
        &Actor::without_address(Some(actor)),
        "proposal.state",
        id,
        json!({"from": from, "to": to}),
    )
    .await?;
    Ok(())
}

async fn index_in(
    tx: &mut Tx,
    kind: &str,
    reference: &str,
    visibility: Visibility,
    title: &str,
    body: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM search_index WHERE kind = $1 AND ref = $2")
        .bind(kind)
        .bind(reference)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO search_index (kind, ref, visibility, title, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(kind)
    .bind(reference)
    .bind(visibility.as_str())
    .bind(title)
    .bind(body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
