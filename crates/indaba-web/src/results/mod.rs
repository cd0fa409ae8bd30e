//! Result pages: the report (`/report/ID`, permanent), the latest public
//! result of a domain (`/site/DOMAIN`, `/mail/DOMAIN`) and its history, the
//! hall of fame and its badges.
//!
//! Only public reports (single tests anyone ran, see
//! [`indaba_store::PublicReport`]) have a per-domain address, a history or a
//! place in the hall of fame; a batch's reports are reachable by their id
//! alone.

pub mod badge;
pub mod fame;
pub mod history;
pub mod report;
pub mod technical;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use indaba_model::{DomainName, TestKind};
use serde::Deserialize;

use crate::app::{AppState, PageContext};
use crate::pages::{message, render};

/// The routes of the result pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report/{id}", get(report_page))
        .route("/site/{domain}", get(latest_web))
        .route("/mail/{domain}", get(latest_mail))
        .route("/site/{domain}/history", get(history::web))
        .route("/mail/{domain}/history", get(history::mail))
        .route("/hall-of-fame", get(fame::page))
        .route("/badge/{kind}/{file}", get(badge::svg))
}

/// What the report address may be asked with.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    /// Set when the visitor's test was answered with this recent report.
    #[serde(default)]
    pub reused: Option<String>,
}

/// Unix seconds now.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// `GET /report/{id}`.
pub async fn report_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let tr = ctx.tr(&state);
    let report = match state.store.report(&id).await {
        Ok(r) => r,
        Err(indaba_store::StoreError::NotFound(_)) => {
            return message(
                &state,
                &ctx,
                StatusCode::NOT_FOUND,
                "error-notfound-title",
                tr.t("error-report-notfound"),
            );
        }
        Err(e) => return crate::errors::internal(&state, &ctx, &e),
    };
    let public = state.store.is_public(&id).await.unwrap_or(false);
    let mut page = report::page(
        tr,
        &ctx.csrf,
        ctx.user_view(),
        &id,
        &report,
        report::Framing {
            reused: query.reused.is_some(),
            latest: false,
            public,
        },
        now(),
    );
    crate::monitor::explain::annotate(&state, &ctx, &report, &mut page).await;
    ctx.finish(&state, render(page))
}

/// `GET /site/{domain}`.
pub async fn latest_web(
    state: State<AppState>,
    ctx: PageContext,
    Path(domain): Path<String>,
) -> Response {
    latest(state, ctx, domain, TestKind::Web).await
}

/// `GET /mail/{domain}`.
pub async fn latest_mail(
    state: State<AppState>,
    ctx: PageContext,
    Path(domain): Path<String>,
) -> Response {
    latest(state, ctx, domain, TestKind::Mail).await
}

/// The domain of a per-domain address, or the answer to give instead: a
/// redirect to the canonical address (A-labels, lower case), or "not a
/// domain name".
// A `Response` is the natural rejection of a handler.
#[allow(clippy::result_large_err)]
pub fn canonical_domain(
    state: &AppState,
    ctx: &PageContext,
    kind: TestKind,
    text: &str,
    suffix: &str,
) -> Result<DomainName, Response> {
    let tr = ctx.tr(state);
    match DomainName::parse(text) {
        Ok(d) if d.as_str() == text => Ok(d),
        Ok(d) => Err(Redirect::permanent(&format!(
            "{}{suffix}",
            report::domain_path(kind, d.as_str())
        ))
        .into_response()),
        Err(_) => Err(message(
            state,
            ctx,
            StatusCode::NOT_FOUND,
            "error-notfound-title",
            tr.t("error-page-notfound"),
        )),
    }
}

async fn latest(
    State(state): State<AppState>,
    ctx: PageContext,
    domain: String,
    kind: TestKind,
) -> Response {
    let domain = match canonical_domain(&state, &ctx, kind, &domain, "") {
        Ok(d) => d,
        Err(r) => return r,
    };
    let tr = ctx.tr(&state);
    let newest = match state.store.public_history(kind, domain.as_str(), 1).await {
        Ok(list) => list.into_iter().next(),
        Err(e) => return crate::errors::internal(&state, &ctx, &e),
    };
    let Some(newest) = newest else {
        return message(
            &state,
            &ctx,
            StatusCode::NOT_FOUND,
            "error-notfound-title",
            tr.t1("report-latest-none", "domain", domain.to_unicode()),
        );
    };
    let report = match state.store.report(&newest.id).await {
        Ok(r) => r,
        Err(e) => return crate::errors::internal(&state, &ctx, &e),
    };
    let mut page = report::page(
        tr,
        &ctx.csrf,
        ctx.user_view(),
        &newest.id,
        &report,
        report::Framing {
            reused: false,
            latest: true,
            public: true,
        },
        now(),
    );
    crate::monitor::explain::annotate(&state, &ctx, &report, &mut page).await;
    ctx.finish(&state, render(page))
}

#[cfg(test)]
mod tests;
