//! The JSON API under `/api/v1`: submit a test, poll it, fetch its report;
//! submit a batch of domains with an API key and fetch its results. The
//! OpenAPI document at `/api/v1/openapi.json` describes exactly these, and a
//! test checks real responses against it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
pub(crate) use indaba_i18n::in_english as english;
use indaba_model::TestKind;
use indaba_store::{ApiKeyOwner, Job, JobState, StoreError};
use serde::{Deserialize, Serialize};

use crate::app::{AppState, Client, too_many};
use crate::pages::{SubmitError, Submitted, accept_test};

/// The most domains in one batch.
pub const MAX_BATCH: usize = 1000;

/// A test request.
#[derive(Debug, Deserialize)]
pub struct TestRequest {
    /// `web` or `mail`.
    pub kind: TestKind,
    /// The domain to test.
    pub domain: String,
    /// Test anew even when a recent public result exists.
    #[serde(default)]
    pub fresh: bool,
}

/// Where a test is.
#[derive(Debug, Serialize)]
pub struct TestStatus {
    /// The test's id (`null` when a recent report was reused instead).
    pub id: Option<String>,
    /// `web` or `mail`.
    pub kind: TestKind,
    /// The domain.
    pub domain: String,
    /// `queued`, `running`, `done`, `failed` or `rejected`.
    pub state: String,
    /// Place in the queue while queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// The report, when done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    /// Why it failed or was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn status_of(job: &Job) -> TestStatus {
    TestStatus {
        id: Some(job.id.clone()),
        kind: job.kind,
        domain: job.domain.clone(),
        state: job.state.to_string(),
        position: job.position,
        report_id: job.report_id.clone(),
        error: job.error.clone(),
    }
}

/// A JSON error answer.
pub fn error(status: StatusCode, text: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": text.into() }))).into_response()
}

fn submit_error(e: SubmitError) -> Response {
    match e {
        SubmitError::BadDomain(reason) => error(StatusCode::BAD_REQUEST, english(&reason)),
        SubmitError::RateLimited(wait) => too_many(wait),
        SubmitError::Busy(n) => {
            let mut r = error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("busy: {n} tests are waiting or running; try again in 30 s"),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
            r
        }
        SubmitError::Store(e) => crate::errors::internal_json(&e),
    }
}

/// `POST /api/v1/tests`.
pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    body: Result<Json<TestRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Json(request) = match body {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{\"kind\": \"web\"|\"mail\", \"domain\": \"...\"}}: {}",
                    e.body_text()
                ),
            );
        }
    };
    match accept_test(
        &state,
        client,
        request.kind,
        &request.domain,
        None,
        !request.fresh,
    )
    .await
    {
        Ok(Submitted::Queued(id)) => match state.store.job(&id).await {
            Ok(job) => (
                StatusCode::ACCEPTED,
                [(header::LOCATION, format!("/api/v1/tests/{id}"))],
                Json(status_of(&job)),
            )
                .into_response(),
            Err(e) => store_error(e),
        },
        Ok(Submitted::Reused(report_id)) => Json(TestStatus {
            id: None,
            kind: request.kind,
            domain: request.domain.trim().to_string(),
            state: "done".into(),
            position: None,
            report_id: Some(report_id),
            error: None,
        })
        .into_response(),
        Err(e) => submit_error(e),
    }
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::NotFound(what) => error(StatusCode::NOT_FOUND, format!("{what} not found")),
        other => crate::errors::internal_json(&other),
    }
}

/// `GET /api/v1/tests/{id}`.
pub async fn test_status(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.store.job(&id).await {
        Ok(job) => Json(status_of(&job)).into_response(),
        Err(e) => store_error(e),
    }
}

/// `GET /api/v1/reports/{id}`: the whole report, observations included.
pub async fn report(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.store.report(&id).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => store_error(e),
    }
}

/// A batch request.
#[derive(Debug, Deserialize)]
pub struct BatchRequest {
    /// `web` or `mail`, for every domain.
    pub kind: TestKind,
    /// The domains.
    pub domains: Vec<String>,
}

/// A batch and its tests.
#[derive(Debug, Serialize)]
pub struct BatchStatus {
    /// The batch's id.
    pub id: String,
    /// How many tests are finished (done or failed).
    pub finished: usize,
    /// Every test, in submission order.
    pub tests: Vec<TestStatus>,
}

/// The owner of the request's API key (`Authorization: Bearer ik_…`), if the
/// key is live; its use is recorded by the store.
pub(crate) async fn api_user(
    state: &AppState,
    client: Client,
    headers: &HeaderMap,
) -> Result<ApiKeyOwner, Response> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(key) = key.filter(|k| !k.is_empty() && k.len() <= 128) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "this call needs an API key: Authorization: Bearer ik_...",
        ));
    };
    match state.store.api_key_owner(key, &client.0.to_string()).await {
        Ok(Some(owner)) => Ok(owner),
        Ok(None) => Err(error(StatusCode::UNAUTHORIZED, "the API key is not valid")),
        Err(e) => Err(store_error(e)),
    }
}

/// `POST /api/v1/batches` (API key). Each domain costs one unit of the
/// client's batch budget, all or none: a batch larger than what is left is
/// refused with 429 and the time until it would fit.
pub async fn submit_batch(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Result<Json<BatchRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let owner = match api_user(&state, client, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Json(request) = match body {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{\"kind\": \"web\"|\"mail\", \"domains\": [...]}}: {}",
                    e.body_text()
                ),
            );
        }
    };
    if request.domains.is_empty() || request.domains.len() > MAX_BATCH {
        return error(
            StatusCode::BAD_REQUEST,
            format!("a batch has 1 to {MAX_BATCH} domains"),
        );
    }
    if let Err(wait) = state
        .batch_limiter
        .check_n(client.0, request.domains.len() as u32)
    {
        return too_many(wait);
    }
    let batch = match state.store.create_batch(&owner.user.id).await {
        Ok(id) => id,
        Err(e) => return store_error(e),
    };
    let mut tests = Vec::new();
    for domain in &request.domains {
        let status =
            match accept_test(&state, client, request.kind, domain, Some(&batch), false).await {
                Ok(Submitted::Queued(id)) | Ok(Submitted::Reused(id)) => {
                    match state.store.job(&id).await {
                        Ok(job) => status_of(&job),
                        Err(e) => return store_error(e),
                    }
                }
                Err(e) => TestStatus {
                    id: None,
                    kind: request.kind,
                    domain: domain.chars().take(300).collect(),
                    state: "rejected".into(),
                    position: None,
                    report_id: None,
                    error: Some(match e {
                        SubmitError::BadDomain(reason) => english(&reason),
                        SubmitError::Busy(n) => format!(
                            "busy: {n} tests are waiting or running; submit this one again later"
                        ),
                        SubmitError::RateLimited(_) => "rate limited".into(),
                        SubmitError::Store(_) => "internal error".into(),
                    }),
                },
            };
        tests.push(status);
    }
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, format!("/api/v1/batches/{batch}"))],
        Json(BatchStatus {
            id: batch,
            finished: 0,
            tests,
        }),
    )
        .into_response()
}

/// `GET /api/v1/batches/{id}` (API key of the batch's owner).
pub async fn batch(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    Path(id): Path<String>,
) -> Response {
    let user = match api_user(&state, client, &headers).await {
        Ok(owner) => owner.user,
        Err(r) => return r,
    };
    match state.store.batch_owner(&id).await {
        Ok(owner) if owner == user.id => {}
        Ok(_) | Err(StoreError::NotFound(_)) => {
            return error(StatusCode::NOT_FOUND, "batch not found");
        }
        Err(e) => return store_error(e),
    }
    match state.store.batch_jobs(&id).await {
        Ok(jobs) => {
            let finished = jobs
                .iter()
                .filter(|j| matches!(j.state, JobState::Done | JobState::Failed))
                .count();
            Json(BatchStatus {
                id,
                finished,
                tests: jobs.iter().map(status_of).collect(),
            })
            .into_response()
        }
        Err(e) => store_error(e),
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    Json(openapi_document()).into_response()
}

/// The OpenAPI 3.1 document of this API.
pub fn openapi_document() -> serde_json::Value {
    // The report schema's own references point at its `$defs`; inside this
    // document they live under components/schemas/Report.
    let report_schema: serde_json::Value = serde_json::from_str(
        &indaba_model::report::report_schema()
            .to_string()
            .replace("\"#/$defs/", "\"#/components/schemas/Report/$defs/"),
    )
    .unwrap_or_default();
    let test_status = serde_json::json!({
        "type": "object",
        "required": ["id", "kind", "domain", "state"],
        "properties": {
            "id": {"type": ["string", "null"]},
            "kind": {"enum": ["web", "mail"]},
            "domain": {"type": "string"},
            "state": {"enum": ["queued", "running", "done", "failed", "rejected"]},
            "position": {"type": "integer", "minimum": 1},
            "report_id": {"type": "string"},
            "error": {"type": "string"}
        },
        "additionalProperties": false
    });
    let error_schema = serde_json::json!({
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "string"}}, "additionalProperties": false
    });
    let batch_status = serde_json::json!({
        "type": "object", "required": ["id", "finished", "tests"],
        "properties": {
            "id": {"type": "string"},
            "finished": {"type": "integer", "minimum": 0},
            "tests": {"type": "array", "items": {"$ref": "#/components/schemas/TestStatus"}}
        },
        "additionalProperties": false
    });
    let json = |schema: &str| serde_json::json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}});
    let err = |text: &str| serde_json::json!({"description": text, "content": json("Error")});
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "Indaba API", "version": "1.0.0", "description": "Test websites and mail domains against modern Internet standards."},
        "paths": {
            "/api/v1/tests": {"post": {
                "summary": "Submit a web or mail test",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["kind", "domain"],
                    "properties": {"kind": {"enum": ["web", "mail"]}, "domain": {"type": "string", "maxLength": 300}, "fresh": {"type": "boolean", "description": "Test anew even when a recent public result exists"}}}}}},
                "responses": {
                    "202": {"description": "Queued", "content": json("TestStatus")},
                    "200": {"description": "A recent report was reused", "content": json("TestStatus")},
                    "400": err("Not a domain name"),
                    "413": err("The body is too large"),
                    "429": err("Rate limited; see Retry-After"),
                    "500": err("Server error; the text names the incident"),
                    "503": err("Busy; see Retry-After")
                }}},
            "/api/v1/tests/{id}": {"get": {
                "summary": "Poll a test",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The test", "content": json("TestStatus")}, "404": err("No such test")}}},
            "/api/v1/reports/{id}": {"get": {
                "summary": "Fetch a report",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The report", "content": json("Report")}, "404": err("No such report")}}},
            "/api/v1/batches": {"post": {
                "summary": "Submit a batch of domains (API key)",
                "security": [{"apiKey": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["kind", "domains"],
                    "properties": {"kind": {"enum": ["web", "mail"]}, "domains": {"type": "array", "minItems": 1, "maxItems": MAX_BATCH, "items": {"type": "string"}}}}}}},
                "responses": {"202": {"description": "Accepted", "content": json("BatchStatus")}, "400": err("Bad request"), "401": err("No or bad API key"), "429": {"description": "Over the batch budget (one unit per domain); see Retry-After"}}}},
            "/api/v1/batches/{id}": {"get": {
                "summary": "Fetch a batch's results (API key of its owner)",
                "security": [{"apiKey": []}],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The batch", "content": json("BatchStatus")}, "401": err("No or bad API key"), "404": err("No such batch")}}}
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {"TestStatus": test_status, "BatchStatus": batch_status, "Error": error_schema, "Report": report_schema}
        }
    })
}
