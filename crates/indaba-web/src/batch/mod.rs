//! internet.nl's batch API (version 2) under `/api/batch/v2/`, so that tools
//! written for internet.nl — its dashboard among them — can use an Indaba
//! instance: register a request of web or mail domains, list, follow and
//! cancel requests, fetch results and technical results in internet.nl's
//! test names, statuses and categories, and the report metadata. The
//! OpenAPI document is served without authentication at
//! `/api/batch/openapi.yaml`, where internet.nl serves its own.
//!
//! - [`auth`]: HTTP Basic with an account's e-mail address and API key;
//! - [`reply`]: internet.nl's answer and error shapes;
//! - [`mapping`]: the one table between our checks and internet.nl's tests;
//! - [`results`]: the JSON bodies;
//! - [`scheduler`]: moves requests through registering → running →
//!   generating → done on the existing job queue.

pub mod auth;
pub mod mapping;
pub mod reply;
pub mod results;
pub mod scheduler;

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use indaba_model::{TestKind, msg};
use indaba_store::Actor;
use serde::Deserialize;

use crate::app::{AppState, Client, too_many};
use auth::BatchUser;
use reply::{BatchError, ok};

/// Where the API lives.
pub const BASE: &str = "/api/batch/v2";

/// The longest request name (internet.nl's `Handle`).
pub const MAX_NAME: usize = 255;

/// The OpenAPI document as shipped (see its header for its source).
pub const OPENAPI_YAML: &str = include_str!("openapi.yaml");

/// The batch API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/batch/v2/requests",
            get(list_requests).post(register_request),
        )
        .route(
            "/api/batch/v2/requests/{id}",
            get(status_request).patch(cancel_request),
        )
        .route("/api/batch/v2/requests/{id}/results", get(results_plain))
        .route(
            "/api/batch/v2/requests/{id}/results_technical",
            get(results_technical),
        )
        .route("/api/batch/v2/metadata/report", get(metadata_report))
        .route("/api/batch/openapi.yaml", get(openapi))
        .route("/api/batch/{*rest}", axum::routing::any(invalid_url))
}

/// `GET /api/batch/openapi.yaml` (no authentication): the document, with
/// this instance's address as its server.
pub async fn openapi(State(state): State<AppState>) -> Response {
    let body = OPENAPI_YAML.replace("@@SERVER@@", state.config.base_url.trim_end_matches('/'));
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/yaml; charset=utf-8"),
    );
    r
}

/// Any other path under `/api/batch/` (an old version's, a typo).
async fn invalid_url(_user: BatchUser) -> BatchError {
    BatchError::InvalidUrl
}

/// The body of a new request. Every field is optional here so that a
/// missing one is named in the answer, as internet.nl names it.
#[derive(Debug, Deserialize)]
struct RegisterBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    domains: Option<Vec<String>>,
}

/// Who acts, for the audit log.
fn actor(user: &indaba_store::User, client: Client) -> Actor {
    Actor::user(&user.id, client.0.to_string())
}

fn bad(message: indaba_model::Message) -> BatchError {
    BatchError::BadRequest(message)
}

/// The domains of a new request, each as the single test would take it,
/// without duplicates; the first that is refused refuses the request.
fn checked_domains(
    state: &AppState,
    kind: TestKind,
    domains: &[String],
) -> Result<Vec<String>, BatchError> {
    let mut out: Vec<String> = Vec::with_capacity(domains.len());
    for input in domains {
        let domain = crate::pages::testable_domain(state, kind, input).map_err(|reason| {
            let shown: String = input.chars().take(100).collect();
            bad(msg!(
                "batchapi-bad-domain",
                domain = shown,
                reason = indaba_i18n::in_english(&reason)
            ))
        })?;
        let domain = domain.as_str().to_string();
        if !out.contains(&domain) {
            out.push(domain);
        }
    }
    Ok(out)
}

/// `POST /api/batch/v2/requests`: registers a request.
async fn register_request(
    State(state): State<AppState>,
    BatchUser(user): BatchUser,
    client: Client,
    body: Bytes,
) -> Result<Response, BatchError> {
    let body: RegisterBody =
        serde_json::from_slice(&body).map_err(|_| bad(msg!("batchapi-bad-json")))?;
    let missing: Vec<&str> = [
        ("type", body.kind.is_none()),
        ("domains", body.domains.is_none()),
    ]
    .into_iter()
    .filter_map(|(field, missing)| missing.then_some(field))
    .collect();
    if !missing.is_empty() {
        return Err(bad(msg!("batchapi-missing", fields = missing.join(", "))));
    }
    let kind = match body.kind.unwrap_or_default().to_ascii_lowercase().as_str() {
        "web" => TestKind::Web,
        "mail" => TestKind::Mail,
        _ => return Err(bad(msg!("batchapi-bad-type"))),
    };
    let domains = body.domains.unwrap_or_default();
    let most = crate::api::MAX_BATCH.min(state.config.batch_queue_bound.max(1) as usize);
    if domains.is_empty() || domains.len() > most {
        return Err(bad(msg!("batchapi-domain-count", most = most as i64)));
    }
    let name = body.name.unwrap_or_else(|| "no-name".into());
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(bad(msg!("batchapi-bad-name", most = MAX_NAME as i64)));
    }
    let domains = checked_domains(&state, kind, &domains)?;
    if let Err(wait) = state.batch_limiter.check_n(client.0, domains.len() as u32) {
        return Ok(too_many(wait));
    }
    let request = state
        .store
        .create_batch_request(&actor(&user, client), &user.id, &name, kind, &domains)
        .await?;
    Ok(ok(
        serde_json::json!({"request": results::request(&request, None)}),
    ))
}

/// `?limit=` and `?progress=` of the read calls.
fn progress_wanted(query: &HashMap<String, String>) -> bool {
    query
        .get("progress")
        .is_some_and(|p| p.eq_ignore_ascii_case("true"))
}

/// `GET /api/batch/v2/requests`: the user's requests, newest first; ten
/// unless `?limit=` says otherwise (`0`: all).
async fn list_requests(
    State(state): State<AppState>,
    BatchUser(user): BatchUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, BatchError> {
    let limit = match query.get("limit") {
        None => Some(10),
        Some(text) => match text.trim().parse::<i64>() {
            Ok(0) => None,
            Ok(n) if n > 0 => Some(n),
            _ => return Err(bad(msg!("batchapi-bad-limit"))),
        },
    };
    let progress = progress_wanted(&query);
    let mut list = Vec::new();
    for r in state.store.batch_requests_of(&user.id, limit).await? {
        let p = if progress {
            Some(state.store.batch_request_progress(&r.id).await?)
        } else {
            None
        };
        list.push(results::request(&r, p));
    }
    Ok(ok(serde_json::json!({"requests": list})))
}

/// A request id as internet.nl writes them (32 lower-case hex digits);
/// anything else is unknown without asking the store.
fn request_id(id: &str) -> Result<&str, BatchError> {
    if id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(id)
    } else {
        Err(BatchError::UnknownRequest)
    }
}

/// `GET /api/batch/v2/requests/{id}`: where the request is.
async fn status_request(
    State(state): State<AppState>,
    BatchUser(user): BatchUser,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, BatchError> {
    let r = state
        .store
        .batch_request_of(&user.id, request_id(&id)?)
        .await?;
    let p = if progress_wanted(&query) {
        Some(state.store.batch_request_progress(&r.id).await?)
    } else {
        None
    };
    Ok(ok(serde_json::json!({"request": results::request(&r, p)})))
}

#[derive(Debug, Deserialize)]
struct PatchBody {
    status: Option<String>,
}

/// `PATCH /api/batch/v2/requests/{id}` with `{"status": "cancelled"}`.
async fn cancel_request(
    State(state): State<AppState>,
    BatchUser(user): BatchUser,
    client: Client,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, BatchError> {
    let id = request_id(&id)?;
    state.store.batch_request_of(&user.id, id).await?;
    let body: PatchBody =
        serde_json::from_slice(&body).map_err(|_| bad(msg!("batchapi-bad-json")))?;
    match body.status {
        None => return Err(bad(msg!("batchapi-missing", fields = "status"))),
        Some(s) if !s.eq_ignore_ascii_case("cancelled") => {
            return Err(bad(msg!("batchapi-bad-status")));
        }
        Some(_) => {}
    }
    let r = state
        .store
        .cancel_batch_request(&actor(&user, client), &user.id, id)
        .await?;
    Ok(ok(
        serde_json::json!({"request": results::request(&r, None)}),
    ))
}

async fn results_of(
    state: &AppState,
    user: &indaba_store::User,
    id: &str,
    technical: bool,
) -> Result<Response, BatchError> {
    let r = state
        .store
        .batch_request_of(&user.id, request_id(id)?)
        .await?;
    let Some(stored) = state.store.batch_request_results(&r.id, technical).await? else {
        return Err(bad(msg!("batchapi-not-done")));
    };
    let domains: serde_json::Value =
        serde_json::from_str(&stored).map_err(|e| BatchError::server(&e))?;
    Ok(ok(
        serde_json::json!({"request": results::request(&r, None), "domains": domains}),
    ))
}

/// `GET /api/batch/v2/requests/{id}/results`.
async fn results_plain(
    State(state): State<AppState>,
    BatchUser(user): BatchUser,
    Path(id): Path<String>,
) -> Result<Response, BatchError> {
    results_of(&state, &user, &id, false).await
}

/// `GET /api/batch/v2/requests/{id}/results_technical`.
async fn results_technical(
    State(state): State<AppState>,
    BatchUser(user): BatchUser,
    Path(id): Path<String>,
) -> Result<Response, BatchError> {
    results_of(&state, &user, &id, true).await
}

/// `GET /api/batch/v2/metadata/report`.
async fn metadata_report(_user: BatchUser) -> Response {
    ok(serde_json::json!({"report": results::metadata_report()}))
}

#[cfg(test)]
mod tests;
