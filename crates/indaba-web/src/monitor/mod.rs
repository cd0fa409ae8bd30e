//! Monitoring at scale (issue 12) on the web and in workers: list files
//! (`files`), the scan workers (`worker`), the pages of lists, imports and
//! scans (`pages`), their JSON API (`api`) and `/metrics` (`metrics`);
//! issue 13's dashboards over the statistics rows (`dashboard`, drawn by
//! `charts` with the countries' `map`), exports (`exports`), published
//! reports (`published`) and owners' explanations of findings (`explain`).

pub mod api;
pub mod charts;
pub mod dashboard;
pub mod explain;
pub mod exports;
pub mod files;
pub mod map;
pub mod metrics;
pub mod pages;
pub mod published;
pub mod sharing;
pub mod worker;

use axum::Router;
use axum::routing::{get, post};
use indaba_model::TestKind;

use crate::app::AppState;

/// The largest list file uploaded through the site, in bytes (the command
/// line takes up to [`files::MAX_FILE_BYTES`]).
pub const MAX_UPLOAD: usize = 16 * 1024 * 1024;

/// The monitoring pages and API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/metrics", get(metrics::page))
        .route("/monitor", get(pages::index))
        .route("/monitor/lists", post(pages::create))
        .route("/monitor/lists/{id}", get(pages::show))
        .route("/monitor/lists/{id}/domains", post(pages::add_domain))
        .route("/monitor/lists/{id}/remove", post(pages::remove_domain))
        .route("/monitor/lists/{id}/settings", post(pages::settings))
        .route("/monitor/lists/{id}/scan", post(pages::start_scan))
        .route("/monitor/lists/{id}/export.{ext}", get(pages::export))
        .route("/monitor/lists/{id}/explanations", get(explain::page))
        .route("/monitor/explanations", post(explain::create))
        .route("/monitor/explanations/{id}/reject", post(explain::reject))
        .route("/monitor/imports/{id}", get(pages::import_page))
        .route("/monitor/scans/{id}", get(pages::scan))
        .route("/monitor/scans/{id}/cancel", post(pages::cancel))
        .route("/monitor/lists/{id}/dashboard", get(dashboard::dashboard))
        .route("/monitor/lists/{id}/compare", get(dashboard::compare))
        .route(
            "/monitor/lists/{id}/domains/{domain}",
            get(dashboard::history),
        )
        .route(
            "/monitor/lists/{id}/statistics.{ext}",
            get(dashboard::statistics_export),
        )
        .route(
            "/monitor/scans/{id}/results.{ext}",
            get(dashboard::scan_export),
        )
        .route("/monitor/lists/{id}/publish", post(published::publish))
        .route("/monitor/lists/{id}/unpublish", post(published::unpublish))
        .route(
            "/published/{token}",
            get(published::show).post(published::enter),
        )
        .route("/api/v1/monitor/lists", get(api::lists).post(api::create))
        .route("/api/v1/monitor/lists/{id}", get(api::list))
        .route("/api/v1/monitor/lists/{id}/scans", post(api::start_scan))
        .route("/api/v1/monitor/scans/{id}", get(api::scan))
        .route("/api/v1/monitor/scans/{id}/cancel", post(api::cancel))
}

/// The routes whose bodies are list files, larger than the site's forms.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/monitor/lists/{id}/import", post(pages::import))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_UPLOAD))
}

/// A file to download: its media type, and a name made of `name`'s
/// letters, digits and dashes (anything else becomes `_`) and `extension`.
pub fn attachment(
    media_type: &str,
    name: &str,
    extension: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{extension}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A test kind's word in pages.
pub fn kind_name(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "web",
        TestKind::Mail => "mail",
    }
}

#[cfg(test)]
mod tests;
