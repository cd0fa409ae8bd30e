//! The umbrella partnership on the web (issue 15): the member directory and
//! applications to join, committees with terms of reference and balance,
//! proposals from draft to outcome and implementation, the public record,
//! events with registration, minutes and iCalendar feeds, the knowledge
//! base with questions and search, awareness pages, the self-assessment
//! and outreach mailings.
//!
//! Handlers are thin: they work out who is asking ([`viewer`]), let the
//! rules of `indaba-assembly` and the store decide, and render a template
//! or redirect. Every page checks the object's [`Visibility`] against the
//! viewer, so what is hidden from a visitor is hidden everywhere (pages,
//! feeds, search, the JSON API).

pub mod clock;
mod committees;
mod events;
mod knowledge;
mod members;
mod outreach;
mod proposals;
pub mod reminders;
mod selfassess;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use indaba_assembly::{Viewer, Visibility};
use indaba_store::{Role, StoreError, User};

use crate::app::{AppState, PageContext};
use crate::pages::{message, render};

/// Declares a page of this module: its template, the chrome every page has
/// (translator, CSRF token, signed-in user) and its own fields.
macro_rules! page {
    ($(#[$doc:meta])* $name:ident, $path:literal, { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(askama::Template)]
        #[template(path = $path)]
        pub struct $name<'a> {
            /// Translator.
            pub tr: crate::i18n::Tr<'a>,
            /// CSRF token.
            pub csrf: &'a str,
            /// Signed-in user.
            pub user: Option<crate::view::UserView>,
            $($(#[$fdoc])* pub $field: $ty),*
        }
    };
}
pub(crate) use page;

/// Every route of the assembly.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assembly", get(proposals::home))
        .route("/assembly/record", get(proposals::record))
        .route("/assembly/members", get(members::directory))
        .route("/assembly/members/{id}", post(members::update_profile))
        .route(
            "/assembly/apply",
            get(members::apply_form).post(members::apply),
        )
        .route("/assembly/code-of-conduct", get(members::code_of_conduct))
        .route("/assembly/applications", get(members::applications))
        .route(
            "/assembly/applications/{id}",
            get(members::application).post(members::decide),
        )
        .route(
            "/assembly/settings",
            get(members::settings).post(members::save_settings),
        )
        .route(
            "/assembly/settings/code-of-conduct",
            post(members::publish_code),
        )
        .route("/assembly/clock", post(reminders::set_clock))
        .route(
            "/assembly/committees",
            get(committees::list).post(committees::create),
        )
        .route("/assembly/committees/{id}", get(committees::committee))
        .route(
            "/assembly/committees/{id}/terms",
            get(committees::terms).post(committees::revise_terms),
        )
        .route("/assembly/committees/{id}/seats", post(committees::seat))
        .route(
            "/assembly/committees/{id}/proposals",
            post(proposals::create),
        )
        .route(
            "/assembly/committees/{id}/events.ics",
            get(events::committee_feed),
        )
        .route("/assembly/proposals/{id}", get(proposals::show_proposal))
        .route(
            "/assembly/proposals/{id}/state",
            post(proposals::move_state),
        )
        .route(
            "/assembly/proposals/{id}/comments",
            post(proposals::comment),
        )
        .route(
            "/assembly/proposals/{id}/amendments",
            post(proposals::amend),
        )
        .route(
            "/assembly/proposals/{id}/amendments/{amendment}",
            post(proposals::answer_amendment),
        )
        .route("/assembly/proposals/{id}/poll", post(proposals::open_poll))
        .route("/assembly/proposals/{id}/vote", post(proposals::vote))
        .route(
            "/assembly/proposals/{id}/close",
            post(proposals::close_poll),
        )
        .route("/assembly/proposals/{id}/outcome", post(proposals::publish))
        .route(
            "/assembly/proposals/{id}/implementation",
            post(proposals::implementation),
        )
        .route("/api/v1/assembly/record", get(proposals::api_record))
        .route(
            "/api/v1/assembly/proposals/{id}",
            get(proposals::api_proposal),
        )
        .route("/assembly/events", get(events::list).post(events::create))
        .route("/assembly/events.ics", get(events::partnership_feed))
        .route("/assembly/events/{id}", get(events::show_event))
        .route("/assembly/events/{id}/register", post(events::register))
        .route("/assembly/events/{id}/cancel", post(events::cancel))
        .route("/assembly/events/{id}/minutes", post(events::minutes))
        .route("/assembly/events/{id}/link", post(events::link))
        .route("/assembly/events/{id}/attendance", post(events::attendance))
        .route(
            "/assembly/knowledge",
            get(knowledge::index).post(knowledge::save_article),
        )
        .route("/assembly/knowledge/{slug}", get(knowledge::article))
        .route("/assembly/questions", post(knowledge::ask))
        .route("/assembly/questions/{id}", get(knowledge::question))
        .route("/assembly/questions/{id}/answers", post(knowledge::answer))
        .route("/assembly/questions/{id}/accept", post(knowledge::accept))
        .route("/assembly/search", get(knowledge::search))
        .route(
            "/assembly/awareness",
            get(knowledge::awareness).post(knowledge::save_awareness),
        )
        .route("/assembly/awareness/{slug}", get(knowledge::awareness_page))
        .route(
            "/assembly/assessment",
            get(selfassess::show_assessment).post(selfassess::save),
        )
        .route(
            "/assembly/outreach",
            get(outreach::show_outreach).post(outreach::send),
        )
        .route("/assembly/outreach/{id}", get(outreach::deliveries))
        .route("/assembly/opt-out", post(outreach::opt_out))
}

/// The signed-in user, if any.
pub(crate) fn signed_in(ctx: &PageContext) -> Option<&User> {
    ctx.session.as_ref().map(|s| &s.user)
}

/// Whether the signed-in user is an admin.
pub(crate) fn is_admin(ctx: &PageContext) -> bool {
    signed_in(ctx).is_some_and(|u| u.role == Role::Admin)
}

/// Whether the signed-in user is staff (admin or analyst: the secretariat,
/// the CERT's experts).
pub(crate) fn is_staff(ctx: &PageContext) -> bool {
    signed_in(ctx).is_some_and(|u| matches!(u.role, Role::Admin | Role::Analyst))
}

/// Who is looking, relative to `committee` (none: the partnership).
pub(crate) async fn viewer(state: &AppState, ctx: &PageContext, committee: Option<&str>) -> Viewer {
    let Some(user) = signed_in(ctx) else {
        return Viewer::Visitor;
    };
    if user.role == Role::Admin {
        return Viewer::Admin;
    }
    if let Some(c) = committee
        && let Ok(Some(_)) = state.store.seat_role(c, &user.id).await
    {
        return Viewer::CommitteeMember;
    }
    Viewer::Member
}

/// The visibilities `viewer` may see, for queries that filter by them.
pub(crate) fn visible_levels(viewer: Viewer) -> Vec<Visibility> {
    Visibility::ALL
        .iter()
        .copied()
        .filter(|v| v.allows(viewer))
        .collect()
}

/// A time as people read it (UTC).
pub(crate) fn when(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// A time from a form (`2026-12-06T14:30` from a datetime-local field, or
/// with seconds), taken as UTC.
pub(crate) fn parse_when(text: &str) -> Option<i64> {
    let t = text.trim();
    let formats = [
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]"),
    ];
    formats.iter().find_map(|f| {
        time::PrimitiveDateTime::parse(t, f)
            .ok()
            .map(|p| p.assume_utc().unix_timestamp())
    })
}

/// The value for a datetime-local field.
pub(crate) fn form_time(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// Renders `page` and sets the CSRF cookie if needed.
pub(crate) fn show(state: &AppState, ctx: &PageContext, page: impl Template) -> Response {
    ctx.finish(state, render(page))
}

/// A 303 to `path` (after a form).
pub(crate) fn see(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// The answer to a store error: a rule's refusal (400, in the reader's
/// language), a missing object (404), anything else (500, logged).
pub(crate) fn fail(state: &AppState, ctx: &PageContext, e: StoreError) -> Response {
    let tr = ctx.tr(state);
    match e {
        StoreError::Refused(m) => message(
            state,
            ctx,
            StatusCode::BAD_REQUEST,
            "assembly-refused-title",
            tr.m(&m),
        ),
        StoreError::Invalid(text) => message(
            state,
            ctx,
            StatusCode::BAD_REQUEST,
            "assembly-refused-title",
            text,
        ),
        StoreError::NotFound(_) => not_found(state, ctx),
        other => {
            tracing::error!(error = %other, "assembly store error");
            message(
                state,
                ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                tr.t("error-internal-text"),
            )
        }
    }
}

/// After a form: a 303 to `to` when the store did it, else [`fail`]'s answer.
pub(crate) fn done<T>(
    state: &AppState,
    ctx: &PageContext,
    result: Result<T, StoreError>,
    to: &str,
) -> Response {
    match result {
        Ok(_) => see(to),
        Err(e) => fail(state, ctx, e),
    }
}

/// A refusal of the rules, shown like [`fail`]'s.
pub(crate) fn refuse(state: &AppState, ctx: &PageContext, r: indaba_assembly::Refused) -> Response {
    fail(state, ctx, StoreError::Refused(r.0))
}

/// 404: also what a hidden object answers, so its existence is not told.
pub(crate) fn not_found(state: &AppState, ctx: &PageContext) -> Response {
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::NOT_FOUND,
        "error-notfound-title",
        tr.t("error-page-notfound"),
    )
}

/// 403, or the sign-in page for a visitor.
pub(crate) fn forbidden(state: &AppState, ctx: &PageContext) -> Response {
    if ctx.session.is_none() {
        return see("/login");
    }
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::FORBIDDEN,
        "error-forbidden-title",
        tr.t("error-forbidden-text"),
    )
}

/// Checks a form's CSRF token.
// A `Response` is the natural rejection of a handler.
#[allow(clippy::result_large_err)]
pub(crate) fn csrf(state: &AppState, ctx: &PageContext, token: &str) -> Result<(), Response> {
    if ctx.csrf_accepts(token) {
        Ok(())
    } else {
        let tr = ctx.tr(state);
        Err(message(
            state,
            ctx,
            StatusCode::FORBIDDEN,
            "error-csrf-title",
            tr.t("error-csrf-text"),
        ))
    }
}

/// The signed-in user of a form that needs one, after its CSRF check.
#[allow(clippy::result_large_err)]
pub(crate) fn member<'a>(
    state: &AppState,
    ctx: &'a PageContext,
    token: &str,
) -> Result<&'a User, Response> {
    let user = signed_in(ctx).ok_or_else(|| see("/login"))?;
    csrf(state, ctx, token)?;
    Ok(user)
}

/// Sends a mail if a relay is configured; failures are logged and returned
/// (the change it reports is stored either way).
pub(crate) async fn try_mail(
    state: &AppState,
    to: &str,
    subject: &str,
    body: String,
) -> Result<(), String> {
    let result = match &state.mailer {
        Some(mailer) => mailer
            .send(to, subject, body)
            .await
            .map_err(|e| e.to_string()),
        None => Err("no SMTP relay is configured (--smtp)".to_string()),
    };
    if let Err(e) = &result {
        tracing::warn!(error = %e, to, "cannot send an assembly mail");
    }
    result
}

/// [`try_mail`], answering only whether it went.
pub(crate) async fn send_mail(state: &AppState, to: &str, subject: &str, body: String) -> bool {
    try_mail(state, to, subject, body).await.is_ok()
}

/// An absolute link to `path` on this site, for mails.
pub(crate) fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_through_forms() {
        let t = parse_when("2027-01-15T08:00").unwrap();
        assert_eq!(t, 1_800_000_000);
        assert_eq!(form_time(t), "2027-01-15T08:00");
        assert_eq!(when(t), "2027-01-15 08:00 UTC");
        assert_eq!(parse_when("2027-01-15 08:00"), Some(t));
        assert!(parse_when("yesterday").is_none());
        assert!(parse_when("").is_none());
    }
}

#[cfg(test)]
mod label_tests {
    use indaba_assembly::application::ApplicationState;
    use indaba_assembly::assessment::{self, ATTRIBUTES, SCALE_MAX};
    use indaba_assembly::committee::CommitteeRole;
    use indaba_assembly::event::{EventKind, Registration};
    use indaba_assembly::implementation::ImplementationStatus;
    use indaba_assembly::poll::{PollMethod, Position, ResultsShown, Verdict};
    use indaba_assembly::proposal::{AmendmentState, ProposalState};
    use indaba_assembly::{StakeholderGroup, Visibility};

    /// The ids built from the rules' values (`label_id`, `format!`) are not
    /// literals the catalogue test can find; this lists them all.
    #[test]
    fn every_label_built_from_a_value_exists_in_english() {
        let tr = crate::i18n::Translations::load().unwrap();
        let mut ids: Vec<String> = Vec::new();
        ids.extend(StakeholderGroup::ALL.iter().map(|v| v.label_id()));
        ids.extend(Visibility::ALL.iter().map(|v| v.label_id()));
        ids.extend(CommitteeRole::ALL.iter().map(|v| v.label_id()));
        ids.extend(ProposalState::ALL.iter().map(|v| v.label_id()));
        ids.extend(PollMethod::ALL.iter().map(|v| v.label_id()));
        ids.extend(Position::ALL.iter().map(|v| v.label_id()));
        ids.extend(Verdict::ALL.iter().map(|v| v.label_id()));
        ids.extend(EventKind::ALL.iter().map(|v| v.label_id()));
        ids.extend(ImplementationStatus::ALL.iter().map(|v| v.label_id()));
        ids.extend(ATTRIBUTES.iter().map(|a| a.label_id()));
        ids.extend(
            assessment::all_questions()
                .iter()
                .map(|q| assessment::question_label_id(q)),
        );
        ids.extend((0..=SCALE_MAX).map(|s| format!("assembly-scale-{s}")));
        ids.extend(
            AmendmentState::ALL
                .iter()
                .map(|s| format!("assembly-amendment-{}", s.as_str())),
        );
        ids.extend(
            ApplicationState::ALL
                .iter()
                .map(|s| format!("assembly-application-{}", s.as_str())),
        );
        ids.extend(
            Registration::ALL
                .iter()
                .map(|s| format!("assembly-registration-{}", s.as_str())),
        );
        ids.extend(
            ResultsShown::ALL
                .iter()
                .map(|r| format!("assembly-results-{}", r.as_str().replace('_', "-"))),
        );
        for word in [
            "revision-draft",
            "revision-amendment",
            "hit-guide",
            "hit-article",
            "hit-question",
            "link-proposal",
            "link-event",
            "awareness-tips",
            "awareness-campaign",
            "delivery-sent",
            "delivery-failed",
            "delivery-opted-out",
            "trend-up",
            "trend-down",
            "trend-level",
            "trend-new",
        ] {
            ids.push(format!("assembly-{word}"));
        }
        let missing: Vec<&String> = ids.iter().filter(|k| !tr.has("en", k)).collect();
        assert!(missing.is_empty(), "missing from locales/en: {missing:?}");
    }
}
