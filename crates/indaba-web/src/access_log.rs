//! The access log: one line per request through tracing (target
//! `indaba::access`), with the method, the path, the status, the time taken
//! and the client's address. Secrets in paths (password-reset tokens) are
//! never written; query strings are left out (they may carry anything).

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Paths whose last part is a secret, written with it replaced.
const SECRET_PREFIXES: &[&str] = &["/password/reset/"];

/// `path` as the log may show it.
pub fn loggable_path(path: &str) -> String {
    for prefix in SECRET_PREFIXES {
        if path.starts_with(prefix) {
            return format!("{prefix}…");
        }
    }
    path.chars().take(300).collect()
}

/// Logs one line for every request, after its answer.
pub async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = loggable_path(request.uri().path());
    let client = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let response = next.run(request).await;
    tracing::info!(
        target: "indaba::access",
        client = %client,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_tokens_never_reach_the_log() {
        assert_eq!(loggable_path("/password/reset/SECRET"), "/password/reset/…");
        assert_eq!(loggable_path("/report/abc"), "/report/abc");
    }
}
