//! The response desk on the web: the public report form and the reporter's
//! private status page with their recovery plan (`public`), the members'
//! form, the CERT's triage pages (`triage`), the JSON API (`api`), mail in
//! (`inbound`, an LMTP listener Postfix delivers the intake address to) and
//! out (`outbox`: X-ARF, case reports, reminders, digests, each logged and
//! labelled), enrichment, scheduled work (`jobs`: follow-ups, digests,
//! retention), and the public statistics (`stats`).
//!
//! The rules are `indaba-desk`'s and the tables `indaba-store`'s; handlers
//! read the request, call them, and render.

pub mod api;
pub mod enrich;
pub mod inbound;
pub mod jobs;
pub mod outbox;
pub mod public;
pub mod stats;
pub mod triage;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use indaba_desk::followup::Schedule;
use indaba_desk::retention::Retention;
use indaba_desk::sla::ServiceLevels;
use indaba_desk::{Tlp, Viewer};
use indaba_store::{Role, Sealer, User};

use crate::app::{AppState, PageContext};
use crate::pages::message;

/// The desk's settings.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// Seals attachments; its key lives outside the database.
    pub sealer: Sealer,
    /// Service levels.
    pub levels: ServiceLevels,
    /// When reminders go out.
    pub schedule: Schedule,
    /// How long closed cases are kept.
    pub retention: Retention,
    /// The intake address (`desk@cert.example`); replies come back to
    /// `desk+<case tag>@cert.example`.
    pub intake_address: String,
    /// The largest inbound mail accepted, in bytes.
    pub max_mail: usize,
}

impl DeskConfig {
    /// Settings with `sealer` and the defaults of `indaba-desk`.
    pub fn new(sealer: Sealer, intake_address: &str) -> DeskConfig {
        DeskConfig {
            sealer,
            levels: ServiceLevels::default(),
            schedule: Schedule::default(),
            retention: Retention::default(),
            intake_address: intake_address.to_string(),
            max_mail: 20 * 1024 * 1024,
        }
    }

    /// The intake address with a case's tag (`desk+ind-2026-000001@…`).
    pub fn tagged_address(&self, reference: &str) -> String {
        match self.intake_address.split_once('@') {
            Some((local, domain)) => {
                format!("{local}+{}@{domain}", reference.to_ascii_lowercase())
            }
            None => self.intake_address.clone(),
        }
    }
}

impl Default for DeskConfig {
    /// A throw-away key (attachments do not survive a restart): for tests
    /// and a first look; `indaba serve` gives a key file.
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
        DeskConfig::new(Sealer::new(key), "desk@localhost")
    }
}

/// Every route of the desk except feed uploads, which take larger bodies
/// ([`upload_routes`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report", get(public::new_form).post(public::submit_new))
        .route("/report/autosave", post(public::autosave))
        .route(
            "/report/d/{token}",
            get(public::draft_form).post(public::submit_draft),
        )
        .route("/status/{token}", get(public::status))
        .route("/status/{token}/step", post(public::tick))
        .route("/status/{token}/letter/{step}", get(public::letter))
        .route("/status/{token}/says", post(public::says))
        .route("/status/{token}/message", post(public::reporter_message))
        .route("/status/{token}/consent", post(public::consent))
        .route("/static/desk.js", get(public::script))
        .route("/desk", get(triage::list))
        .route("/desk/bulk", post(triage::bulk))
        .route("/desk/hijack", post(triage::hijack))
        .route("/desk/case/{id}", get(triage::case_page))
        .route("/desk/case/{id}/act", post(triage::act))
        .route("/desk/case/{id}/update", post(triage::update))
        .route("/desk/case/{id}/incident", post(triage::new_incident))
        .route("/desk/case/{id}/message", post(triage::write))
        .route("/desk/case/{id}/forward", post(triage::forward))
        .route("/desk/case/{id}/enrich", post(triage::enrich))
        .route("/desk/case/{id}/export/{format}", get(triage::export))
        .route("/desk/attachment/{id}", get(triage::attachment))
        .route("/desk/playbooks", get(triage::playbooks))
        .route(
            "/desk/playbooks/{id}",
            get(triage::playbook_form).post(triage::playbook_save),
        )
        .route("/desk/settings", get(triage::settings))
        .route("/desk/settings/contact", post(triage::add_contact))
        .route("/desk/settings/constituency", post(triage::declare))
        .route("/desk/person", post(triage::person))
        .route(
            "/desk/member",
            get(triage::member_page).post(triage::member_report),
        )
        .route("/statistics", get(stats::page))
        .route("/statistics.csv", get(stats::csv))
        .route("/statistics/{dimension}", get(stats::chart))
        .route("/api/v1/desk/reports", post(api::submit))
        .route("/api/v1/desk/reports/{reference}", get(api::status))
}

/// The largest feed upload accepted.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// Feed uploads: merged outside the site-wide body limit, with their own.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/desk/feeds", post(triage::feed_upload))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_UPLOAD))
}

/// Who is looking, for TLP.
pub fn viewer(ctx: &PageContext) -> Viewer {
    viewer_of(ctx.session.as_ref().map(|s| &s.user))
}

/// Who `user` is, for TLP.
pub fn viewer_of(user: Option<&User>) -> Viewer {
    match user {
        Some(u) if matches!(u.role, Role::Admin | Role::Analyst) => Viewer::Desk,
        Some(u) => Viewer::Member {
            organisation: u.organisation_id.clone(),
        },
        None => Viewer::Public,
    }
}

/// The signed-in analyst or admin, or the answer to give instead.
#[allow(clippy::result_large_err)]
pub fn require_desk(state: &AppState, ctx: &PageContext) -> Result<User, Response> {
    match &ctx.session {
        None => Err(Redirect::to("/login").into_response()),
        Some(s) if matches!(s.user.role, Role::Admin | Role::Analyst) => Ok(s.user.clone()),
        Some(_) => Err(forbidden(state, ctx)),
    }
}

/// A 403 page.
pub fn forbidden(state: &AppState, ctx: &PageContext) -> Response {
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::FORBIDDEN,
        "error-forbidden-title",
        tr.t("error-forbidden-text"),
    )
}

/// A 404 page for a case the viewer may not see or that does not exist (the
/// same answer for both: a label is no oracle).
pub fn not_found(state: &AppState, ctx: &PageContext) -> Response {
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::NOT_FOUND,
        "error-notfound-title",
        tr.t("desk-case-notfound"),
    )
}

/// A 403 for a bad CSRF token.
pub fn csrf_refused(state: &AppState, ctx: &PageContext) -> Response {
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::FORBIDDEN,
        "error-csrf-title",
        tr.t("error-csrf-text"),
    )
}

/// A 500 page, with the cause in the log.
pub fn internal(state: &AppState, ctx: &PageContext, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "desk");
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::INTERNAL_SERVER_ERROR,
        "error-internal-title",
        tr.t("error-internal-text"),
    )
}

/// A form body as (name, value) pairs, repeated names kept (checkboxes).
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// Parses an `application/x-www-form-urlencoded` body (at most 2,000
    /// fields).
    pub fn parse(body: &[u8]) -> Pairs {
        Pairs(
            form_urlencoded::parse(body)
                .take(2000)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the CSRF field matches the browser's token.
    pub fn csrf_ok(&self, ctx: &PageContext) -> bool {
        ctx.csrf_accepts(self.get("csrf"))
    }
}

/// A Unix time as `2026-12-06 10:00 UTC`.
pub fn when(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                d.year(),
                u8::from(d.month()),
                d.day(),
                d.hour(),
                d.minute()
            )
        })
        .unwrap_or_default()
}

/// A Unix time as RFC 3339.
pub fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Seeds the built-in playbooks that have no version yet.
pub async fn seed_playbooks(state: &AppState) -> Result<(), indaba_store::StoreError> {
    let have: Vec<String> = state
        .store
        .desk_playbooks()
        .await?
        .into_iter()
        .filter_map(|(_, s)| {
            indaba_desk::playbook::Playbook::parse(&s)
                .ok()
                .map(|p| p.id)
        })
        .collect();
    for source in indaba_desk::playbook::BUILT_IN {
        if let Ok(p) = indaba_desk::playbook::Playbook::parse(source)
            && !have.contains(&p.id)
        {
            state.store.desk_save_playbook(None, &p.id, source).await?;
        }
    }
    Ok(())
}

/// The TLP labels a form offers.
pub const LABELS: [Tlp; 5] = Tlp::ALL;
