//! Owner notices on the site (issue 13): the opt-out link of a digest and
//! the subscription to improvements, both working without an account (the
//! signed token in the address is the proof: `indaba_monitor::notices`),
//! a GET showing a confirmation form and a POST doing it; the sending of
//! digests ([`send`]); and the delivery log for analysts ([`log`]).

pub mod log;
pub mod send;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use indaba_monitor::notices::verify_contact;
use serde::Deserialize;

use crate::app::{AppState, PageContext};
use crate::extract::CsrfForm;
use crate::i18n::Tr;
use crate::pages::{message, render};
use crate::view::UserView;

/// The name of the store's secret that signs notice tokens.
pub const KEY_NAME: &str = "notices";

/// The notices' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices/opt-out/{token}", get(opt_out_form).post(opt_out))
        .route(
            "/notices/improvements/{token}",
            get(improvements_form).post(improvements),
        )
        .route("/monitor/notices", get(log::page))
}

/// `lang` in its own words ("Nederlands"), or the tag itself for a
/// language without a name in the catalogue.
pub fn language_name(tr: &Tr<'_>, lang: &str) -> String {
    let id = format!("notices-language-{lang}");
    if tr.catalogue().has(indaba_i18n::DEFAULT_LANGUAGE, &id) {
        tr.t(&id)
    } else {
        lang.to_string()
    }
}

/// Every language notices can be written in: (tag, its own name).
pub fn language_names(tr: &Tr<'_>) -> Vec<(String, String)> {
    tr.catalogue()
        .languages()
        .into_iter()
        .map(|l| (l.to_string(), language_name(tr, l)))
        .collect()
}

/// A confirmation page: a sentence and one button.
#[derive(Template)]
#[template(path = "notices/confirm.html")]
struct ConfirmPage<'a> {
    tr: Tr<'a>,
    csrf: &'a str,
    user: Option<UserView>,
    heading: String,
    text: String,
    action: String,
    button: String,
}

/// The confirmation form has nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct Confirm {}

/// What a token is about: the link's own action.
#[derive(Clone, Copy)]
enum Action {
    OptOut,
    Improvements,
}

impl Action {
    fn path(self) -> &'static str {
        match self {
            Action::OptOut => "opt-out",
            Action::Improvements => "improvements",
        }
    }
    fn key(self, part: &str) -> String {
        format!("notices-{}-{part}", self.path())
    }
}

/// The contact `token` was signed for, or the page saying the link is bad.
async fn contact_of(state: &AppState, ctx: &PageContext, token: &str) -> Result<String, Response> {
    let key = state.store.secret(KEY_NAME).await.map_err(|e| {
        tracing::error!(error = %e, "cannot read the notices key");
        message(
            state,
            ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-internal-title",
            ctx.tr(state).t("error-internal-text"),
        )
    })?;
    verify_contact(&key, token).ok_or_else(|| {
        message(
            state,
            ctx,
            StatusCode::NOT_FOUND,
            "notices-bad-link-title",
            ctx.tr(state).t("notices-bad-link-text"),
        )
    })
}

async fn confirm_form(
    state: AppState,
    ctx: PageContext,
    token: String,
    action: Action,
) -> Response {
    let contact = match contact_of(&state, &ctx, &token).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let tr = ctx.tr(&state);
    let page = ConfirmPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        heading: tr.t(&action.key("title")),
        text: tr.t1(&action.key("confirm"), "contact", &contact),
        action: format!("/notices/{}/{token}", action.path()),
        button: tr.t(&action.key("button")),
    };
    ctx.finish(&state, render(page))
}

async fn confirmed(state: AppState, ctx: PageContext, token: String, action: Action) -> Response {
    let contact = match contact_of(&state, &ctx, &token).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let done = match action {
        Action::OptOut => state.store.stop_notices(&contact, "link", "").await,
        Action::Improvements => state.store.subscribe_to_improvements(&contact).await,
    };
    let tr = ctx.tr(&state);
    match done {
        Ok(()) => message(
            &state,
            &ctx,
            StatusCode::OK,
            &action.key("done-title"),
            tr.t1(&action.key("done-text"), "contact", &contact),
        ),
        Err(e) => {
            tracing::error!(error = %e, "cannot record a notices choice");
            message(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                tr.t("error-internal-text"),
            )
        }
    }
}

/// `GET /notices/opt-out/{token}`: asks to confirm.
async fn opt_out_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Response {
    confirm_form(state, ctx, token, Action::OptOut).await
}

/// `POST /notices/opt-out/{token}`: no more notices to the token's contact.
async fn opt_out(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Response {
    confirmed(state, ctx, token, Action::OptOut).await
}

/// `GET /notices/improvements/{token}`: asks to confirm.
async fn improvements_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Response {
    confirm_form(state, ctx, token, Action::Improvements).await
}

/// `POST /notices/improvements/{token}`: improvements are told too.
async fn improvements(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Response {
    confirmed(state, ctx, token, Action::Improvements).await
}

#[cfg(test)]
mod tests;
