//! Monitoring's JSON API (an API key, `Authorization: Bearer ik_…`):
//! lists (analysts and admins make them; members read their
//! organisation's), scans started, watched and cancelled.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use indaba_model::name::from_user_input;
use indaba_monitor::Kinds;
use indaba_monitor::list::ListEntry;
use indaba_store::monitor::{List, NewList, Scan};
use indaba_store::{Actor, StoreError, User};
use serde::Deserialize;

use super::pages::{is_staff, may_see};
use crate::api::{api_user, english, error};
use crate::app::{AppState, Client};

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::NotFound(what) => error(StatusCode::NOT_FOUND, format!("{what} not found")),
        StoreError::Refused(m) => error(StatusCode::BAD_REQUEST, english(&m)),
        StoreError::Invalid(text) => error(StatusCode::BAD_REQUEST, text),
        other => {
            tracing::error!(error = %other, "monitor API");
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

fn list_json(l: &List) -> serde_json::Value {
    serde_json::json!({
        "id": l.id, "name": l.name, "kinds": l.kinds.as_str(), "domains": l.domains,
        "owner_org": l.owner_org, "cadence": l.cadence.map(|c| c.as_str()),
        "next_run_at": l.next_run_at,
    })
}

fn scan_json(s: &Scan) -> serde_json::Value {
    serde_json::json!({
        "id": s.id, "list_id": s.list_id, "list": s.list_name, "kinds": s.kinds.as_str(),
        "state": s.state.as_str(),
        "counts": {"queued": s.counts.queued, "running": s.counts.running, "done": s.counts.done,
                   "error": s.counts.error, "cancelled": s.counts.cancelled, "total": s.counts.total()},
        "created_at": s.created_at, "started_at": s.started_at, "finished_at": s.finished_at,
    })
}

async fn caller(
    state: &AppState,
    client: Client,
    headers: &HeaderMap,
) -> Result<(User, Actor), Response> {
    let owner = api_user(state, client, headers).await?;
    let actor = Actor::user(&owner.user.id, client.0);
    Ok((owner.user, actor))
}

fn not_staff() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "this call is for analysts and administrators",
    )
}

async fn visible(state: &AppState, user: &User, id: &str) -> Result<List, Response> {
    match state.store.list(id).await {
        Ok(l) if may_see(user, &l) => Ok(l),
        Ok(_) => Err(error(StatusCode::NOT_FOUND, "list not found")),
        Err(e) => Err(store_error(e)),
    }
}

/// `GET /api/v1/monitor/lists`.
pub async fn lists(State(state): State<AppState>, client: Client, headers: HeaderMap) -> Response {
    let (user, _) = match caller(&state, client, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match super::pages::lists_visible_to(&state.store, &user).await {
        Ok(ls) => Json(ls.iter().map(list_json).collect::<Vec<_>>()).into_response(),
        Err(e) => store_error(e),
    }
}

/// A new list.
#[derive(Debug, Deserialize)]
pub struct NewListBody {
    name: String,
    #[serde(default)]
    kinds: Option<String>,
    #[serde(default)]
    owner_org: Option<String>,
    #[serde(default)]
    domains: Vec<String>,
}

/// `POST /api/v1/monitor/lists`: `{"name", "kinds"?, "owner_org"?,
/// "domains"?: [...]}`. Domains that cannot be tested are answered with
/// their index and reason; the others are added.
pub async fn create(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Result<Json<NewListBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let (user, actor) = match caller(&state, client, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !is_staff(&user) {
        return not_staff();
    }
    let Json(body) = match body {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{\"name\": ..., \"kinds\": \"web,mail\", \"domains\": [...]}}: {}",
                    e.body_text()
                ),
            );
        }
    };
    let kinds = match body.kinds.as_deref().unwrap_or("web,mail").parse::<Kinds>() {
        Ok(k) => k,
        Err(m) => return error(StatusCode::BAD_REQUEST, english(&m)),
    };
    if body.domains.len() > indaba_monitor::list::MAX_LIST_DOMAINS {
        return error(StatusCode::BAD_REQUEST, "too many domains");
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, d) in body.domains.iter().enumerate() {
        match from_user_input(d, true) {
            Ok(name) => entries.push(ListEntry::new(name)),
            Err(e) => problems.push(serde_json::json!({
                "index": i,
                "error": english(&indaba_model::ToMessage::to_message(&e)),
            })),
        }
    }
    let list = match state
        .store
        .create_list(
            &actor,
            NewList {
                name: &body.name,
                kinds,
                owner_org: body.owner_org.as_deref(),
            },
        )
        .await
    {
        Ok(l) => l,
        Err(e) => return store_error(e),
    };
    if let Err(e) = state.store.add_entries(&actor, &list.id, &entries).await {
        return store_error(e);
    }
    let list = match state.store.list(&list.id).await {
        Ok(l) => l,
        Err(e) => return store_error(e),
    };
    (
        StatusCode::CREATED,
        Json(serde_json::json!({"list": list_json(&list), "problems": problems})),
    )
        .into_response()
}

/// `GET /api/v1/monitor/lists/{id}`.
pub async fn list(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (user, _) = match caller(&state, client, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match visible(&state, &user, &id).await {
        Ok(l) => {
            let scans = state.store.scans(Some(&id), 10).await.unwrap_or_default();
            let mut v = list_json(&l);
            v["scans"] = scans.iter().map(scan_json).collect();
            Json(v).into_response()
        }
        Err(r) => r,
    }
}

/// What scan to start.
#[derive(Debug, Default, Deserialize)]
pub struct ScanBody {
    #[serde(default)]
    kinds: Option<String>,
}

/// `POST /api/v1/monitor/lists/{id}/scans`: starts a scan, or answers the
/// one running (200 instead of 201).
pub async fn start_scan(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Option<Json<ScanBody>>,
) -> Response {
    let (user, actor) = match caller(&state, client, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !is_staff(&user) {
        return not_staff();
    }
    let kinds = match body
        .and_then(|Json(b)| b.kinds)
        .map(|k| k.parse::<Kinds>())
        .transpose()
    {
        Ok(k) => k,
        Err(m) => return error(StatusCode::BAD_REQUEST, english(&m)),
    };
    match state.store.start_scan(&actor, &id, kinds).await {
        Ok((scan, new)) => match state.store.scan(&scan).await {
            Ok(s) => (
                if new {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                },
                Json(scan_json(&s)),
            )
                .into_response(),
            Err(e) => store_error(e),
        },
        Err(e) => store_error(e),
    }
}

/// `GET /api/v1/monitor/scans/{id}`.
pub async fn scan(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (user, _) = match caller(&state, client, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let s = match state.store.scan(&id).await {
        Ok(s) => s,
        Err(e) => return store_error(e),
    };
    if let Err(r) = visible(&state, &user, &s.list_id).await {
        return r;
    }
    Json(scan_json(&s)).into_response()
}

/// `POST /api/v1/monitor/scans/{id}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (user, actor) = match caller(&state, client, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !is_staff(&user) {
        return not_staff();
    }
    match state.store.cancel_scan(&actor, &id).await {
        Ok(s) => Json(scan_json(&s)).into_response(),
        Err(StoreError::Refused(m)) => error(StatusCode::CONFLICT, english(&m)),
        Err(e) => store_error(e),
    }
}
