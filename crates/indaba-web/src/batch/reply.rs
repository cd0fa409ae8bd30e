//! Answers in internet.nl's batch API shapes: every JSON body carries
//! `api_version`; errors are `{"error": {"label", "msg"}}` with its labels
//! (`bad-request`, `invalid-url`, `unknown-request`, `server-error`); a
//! refused authentication is a bare 401, as internet.nl's is.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use indaba_i18n::in_english;
use indaba_model::{Message, msg};

/// The version of internet.nl's batch API this one speaks.
pub const API_VERSION: &str = "2.7.0";

/// A successful answer: `body` (an object) with `api_version` added.
pub fn ok(mut body: serde_json::Value) -> Response {
    if let Some(object) = body.as_object_mut() {
        object.insert("api_version".into(), API_VERSION.into());
    }
    Json(body).into_response()
}

/// Why a batch API call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// No, or wrong, HTTP Basic credentials.
    #[error("unauthorised")]
    Unauthorised,
    /// The call is malformed; the message says how.
    #[error("bad request")]
    BadRequest(Message),
    /// No such request for this user.
    #[error("unknown request")]
    UnknownRequest,
    /// A path under `/api/batch/` that is not one of this version's.
    #[error("invalid url")]
    InvalidUrl,
    /// Something failed on our side; logged under this incident id.
    #[error("server error, incident {0}")]
    Server(String),
}

impl BatchError {
    /// A server error: logs `error` under a new incident id.
    pub fn server(error: &dyn std::fmt::Display) -> BatchError {
        let id = crate::errors::incident_id();
        tracing::error!(incident = %id, error = %error, "batch API server error");
        BatchError::Server(id)
    }
}

impl From<indaba_store::StoreError> for BatchError {
    fn from(e: indaba_store::StoreError) -> Self {
        match e {
            indaba_store::StoreError::NotFound(_) => BatchError::UnknownRequest,
            other => BatchError::server(&other),
        }
    }
}

impl IntoResponse for BatchError {
    fn into_response(self) -> Response {
        let (status, label, message) = match self {
            BatchError::Unauthorised => {
                let mut r = StatusCode::UNAUTHORIZED.into_response();
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"Indaba batch API\""),
                );
                return r;
            }
            BatchError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad-request", m),
            BatchError::UnknownRequest => (
                StatusCode::NOT_FOUND,
                "unknown-request",
                msg!("batchapi-unknown-request"),
            ),
            BatchError::InvalidUrl => (
                StatusCode::BAD_REQUEST,
                "invalid-url",
                msg!("batchapi-invalid-url", version = "2"),
            ),
            BatchError::Server(id) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "server-error",
                msg!("batchapi-server-error", incident = id),
            ),
        };
        let body = serde_json::json!({
            "api_version": API_VERSION,
            "error": {"label": label, "msg": in_english(&message)},
        });
        (status, Json(body)).into_response()
    }
}
