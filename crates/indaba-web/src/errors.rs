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

#[cfg(test)]
mod tests {
    //! The middleware on a router of its own, driven with `oneshot()`.

    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;
    use crate::testing::fixture;

    /// The log, kept for the test to read.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    async fn call(app: &Router, path: &str) -> (StatusCode, String, String) {
        let r = app
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = r.status();
        let kind = r
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            !r.headers().contains_key(INCIDENT_HEADER),
            "the internal header never leaves"
        );
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_server_error_is_a_page_or_json_naming_the_incident_the_log_names() {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let f = fixture().await;
        let panics = || async {
            if true {
                panic!("a bug");
            }
        };
        let app = Router::new()
            .route("/boom", get(panics))
            .route("/api/boom", get(panics))
            .route(
                "/busy",
                get(|| async { (StatusCode::TOO_MANY_REQUESTS, "slow down") }),
            )
            .layer(tower_http::catch_panic::CatchPanicLayer::new())
            .layer(axum::middleware::from_fn_with_state(
                f.state.clone(),
                people_errors,
            ))
            .with_state(f.state.clone());

        let (status, kind, page) = call(&app, "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(kind.starts_with("text/html"), "{kind}");
        let incident = page
            .split("incident number ")
            .nth(1)
            .map(|s| {
                s.chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .take(8)
                    .collect::<String>()
            })
            .expect("the page names the incident");
        assert_eq!(incident.len(), 8, "{page}");
        let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains(&format!("incident={incident}")), "{logged}");

        let (status, kind, json) = call(&app, "/api/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(kind.starts_with("application/json"), "{kind}");
        let body: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
        let text = body["error"].as_str().unwrap();
        let id = text.rsplit(' ').next().unwrap();
        let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(
            logged.contains(&format!("incident={id}")),
            "{text}: {logged}"
        );

        let (status, kind, page) = call(&app, "/busy").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(page.contains("Too many requests"), "{page}");
    }
}
