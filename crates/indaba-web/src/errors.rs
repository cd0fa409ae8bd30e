//! Errors as people meet them: a page on the site and JSON of the one API
//! error shape (`{"error": "…"}`) under `/api/`, for every 413, 429 and 5xx,
//! whoever made it (a handler, the body limit, the rate limiter, a panic).
//! A server error logs an incident id, and the page and the JSON show it,
//! so a person can quote it and an operator can find the log line.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::{AppState, PageContext};
use crate::pages::message;

/// A short random id for one server error (8 characters, easy to read out).
pub fn incident_id() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..8)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The header that carries a server error's incident id from the handler
/// that logged it to [`people_errors`] (removed before the answer leaves).
const INCIDENT_HEADER: &str = "x-indaba-incident";

/// Logs `error` under a new incident id and answers with the "something
/// went wrong" page that shows the id.
pub fn internal(state: &AppState, ctx: &PageContext, error: &dyn std::fmt::Display) -> Response {
    let id = incident_id();
    tracing::error!(incident = %id, error = %error, "server error");
    internal_page(state, ctx, &id)
}

fn internal_page(state: &AppState, ctx: &PageContext, id: &str) -> Response {
    let tr = ctx.tr(state);
    let mut r = message(
        state,
        ctx,
        StatusCode::INTERNAL_SERVER_ERROR,
        "error-internal-title",
        tr.t1("error-internal-incident", "incident", id),
    );
    if let Ok(v) = HeaderValue::from_str(id) {
        r.headers_mut().insert(INCIDENT_HEADER, v);
    }
    r
}

/// The API's answer to a server error: logged under a new incident id,
/// which the JSON names.
pub fn internal_json(error: &dyn std::fmt::Display) -> Response {
    let id = incident_id();
    tracing::error!(incident = %id, error = %error, "server error");
    let mut r = crate::api::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("internal error; incident {id}"),
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        r.headers_mut().insert(INCIDENT_HEADER, v);
    }
    r
}

/// Whether a response already speaks to people (an HTML page or JSON).
fn is_finished(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
}

/// Turns every bare 413, 429 and 5xx into a page (or JSON under `/api/`),
/// keeping `Retry-After`; a 5xx nobody logged gets its incident id here.
pub async fn people_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let headers = request.headers().clone();
    let (mut parts, body) = request.into_parts();
    let Ok(client) =
        <crate::client::Client as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, &state,
        )
        .await;
    let request = Request::from_parts(parts, body);
    let mut response = next.run(request).await;
    let status = response.status();
    let handled = matches!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::TOO_MANY_REQUESTS
    ) || status.is_server_error();
    let incident = response
        .headers_mut()
        .remove(INCIDENT_HEADER)
        .and_then(|v| v.to_str().ok().map(str::to_string));
    if !handled || is_finished(&response) {
        return response;
    }
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let incident = if status.is_server_error() {
        Some(incident.unwrap_or_else(|| {
            let id = incident_id();
            tracing::error!(incident = %id, status = %status, "server error");
            id
        }))
    } else {
        None
    };
    let ctx = if api {
        None
    } else {
        Some(crate::app::page_context(&headers, client.0, &state).await)
    };
    let mut out = match (api, &ctx) {
        (true, _) | (false, None) => {
            let text = match (status, &incident) {
                (StatusCode::PAYLOAD_TOO_LARGE, _) => format!(
                    "the request body is larger than {} bytes",
                    crate::app::MAX_BODY
                ),
                (StatusCode::TOO_MANY_REQUESTS, _) => {
                    "too many requests from your address; see Retry-After".to_string()
                }
                (_, Some(id)) => format!("internal error; incident {id}"),
                _ => "internal error".to_string(),
            };
            crate::api::error(status, text)
        }
        (false, Some(ctx)) => {
            let tr = ctx.tr(&state);
            match (status, &incident) {
                (StatusCode::PAYLOAD_TOO_LARGE, _) => message(
                    &state,
                    ctx,
                    status,
                    "error-too-large-title",
                    tr.t1("error-too-large-text", "kib", crate::app::MAX_BODY / 1024),
                ),
                (StatusCode::TOO_MANY_REQUESTS, _) => {
                    let secs = retry_after
                        .as_ref()
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(60);
                    message(
                        &state,
                        ctx,
                        status,
                        "error-too-many-title",
                        tr.t1("error-too-many-text", "seconds", secs),
                    )
                }
                (_, Some(id)) => {
                    let mut r = internal_page(&state, ctx, id);
                    *r.status_mut() = status;
                    r.headers_mut().remove(INCIDENT_HEADER);
                    r
                }
                _ => response.into_response(),
            }
        }
    };
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    out
}
