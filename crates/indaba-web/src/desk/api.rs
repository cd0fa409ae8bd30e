//! The desk's JSON API (an API key, `Authorization: Bearer ik_…`): submit a
//! report as a member organisation's system would, and read a case as far
//! as its label allows the key's owner.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use indaba_desk::case::{CaseKind, Priority};
use indaba_desk::intake::{Door, Draft};
use indaba_desk::{Classification, Tlp};
use indaba_store::DeskCase;
use indaba_store::desk::NewCase;
use serde::Deserialize;

use crate::api::{api_user, error};
use crate::app::AppState;
use crate::client::Client;

/// A report submitted through the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// Short title.
    #[serde(default)]
    pub title: String,
    /// What happened.
    #[serde(default)]
    pub description: String,
    /// `class/type` of the taxonomy; classified by the desk when absent.
    #[serde(default)]
    pub classification: Option<String>,
    /// The label (default AMBER).
    #[serde(default)]
    pub tlp: Option<String>,
}

/// Creates a report (not a draft) with its plan and observables: the member
/// form, the API and mail intake share it.
pub async fn create_report(
    state: &AppState,
    d: &Draft,
    door: Door,
    tlp: Tlp,
    organisation: Option<&str>,
    created_by: Option<&str>,
) -> Result<DeskCase, String> {
    create_report_with_link(state, d, door, tlp, organisation, created_by, false)
        .await
        .map(|(c, _)| c)
}

/// [`create_report`], with a private link for the reporter when asked.
pub async fn create_report_with_link(
    state: &AppState,
    d: &Draft,
    door: Door,
    tlp: Tlp,
    organisation: Option<&str>,
    created_by: Option<&str>,
    with_token: bool,
) -> Result<(DeskCase, Option<String>), String> {
    let (case, token) = state
        .store
        .desk_create(NewCase {
            kind: CaseKind::Report,
            door,
            draft: d,
            is_draft: true,
            classification: Classification::undetermined(),
            priority: Priority::Normal,
            tlp,
            organisation_id: organisation,
            created_by,
            parent_id: None,
            with_token,
            levels: &state.desk.levels,
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok((super::public::finish_report(state, &case).await?, token))
}

fn case_json(c: &DeskCase) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "reference": c.reference,
        "kind": c.kind.as_str(),
        "state": c.state.as_str(),
        "classification": c.classification.to_string(),
        "priority": c.priority.as_str(),
        "tlp": c.tlp.label(),
        "title": c.title,
        "created": super::rfc3339(c.created_at),
    })
}

/// `POST /api/v1/desk/reports`.
pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let user = match api_user(&state, client, &headers).await {
        Ok(owner) => owner.user,
        Err(r) => return r,
    };
    let request: ReportRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{\"title\", \"description\", \"classification\"?, \"tlp\"?}}: {}",
                    e.to_string().chars().take(200).collect::<String>()
                ),
            );
        }
    };
    let tlp = match request.tlp.as_deref().map(str::parse::<Tlp>) {
        None => Tlp::Amber,
        Some(Ok(t)) => t,
        Some(Err(e)) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let class = match request
        .classification
        .as_deref()
        .map(str::parse::<Classification>)
    {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let d = Draft {
        title: request.title,
        description: request.description,
        name: user.name.clone(),
        contact_ok: true,
        email: user.email.clone(),
        tlp: Some(tlp),
        ..Draft::default()
    };
    let d = match d.submit() {
        Ok(d) => d,
        Err(problems) => {
            let tr = crate::i18n::Tr::new(&state.translations, crate::i18n::DEFAULT_LANGUAGE);
            let text: Vec<String> = problems.iter().map(|m| tr.m(m)).collect();
            return error(StatusCode::BAD_REQUEST, text.join(" "));
        }
    };
    let case = match create_report(
        &state,
        &d,
        Door::Api,
        tlp,
        user.organisation_id.as_deref(),
        Some(&user.id),
    )
    .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "desk API");
            return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
    };
    if let Some(class) = class
        && let Err(e) = state
            .store
            .desk_update(
                Some(&user.id),
                &case.id,
                None,
                case.priority,
                case.tlp,
                class,
                case.organisation_id.as_deref(),
                &state.desk.levels,
            )
            .await
    {
        tracing::error!(error = %e, "desk API");
    }
    let case = state.store.desk_case(&case.id).await.unwrap_or(case);
    (
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/desk/reports/{}", case.reference),
        )],
        Json(case_json(&case)),
    )
        .into_response()
}

/// `GET /api/v1/desk/reports/{reference}`.
pub async fn status(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Response {
    let user = match api_user(&state, client, &headers).await {
        Ok(owner) => owner.user,
        Err(r) => return r,
    };
    let Ok(case) = state.store.desk_case_by_reference(&reference).await else {
        return error(StatusCode::NOT_FOUND, "case not found");
    };
    let v = super::viewer_of(Some(&user));
    match super::triage::visible_case(&state, Some(&user), &v, &case.id).await {
        Ok(Some(c)) => Json(case_json(&c)).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "case not found"),
        Err(e) => {
            tracing::error!(error = %e, "desk API");
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}
