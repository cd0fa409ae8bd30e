//! The CERT's pages (analysts and admins), after RTIR: the triage list with
//! its overdue view and bulk actions, search, the case page (workflow
//! actions, assignee, priority, label, classification, constituent, the
//! thread, investigations, enrichment, forwarding, exports, attachments),
//! playbooks, points of contact and constituencies, feed uploads, and one
//! person's export and erasure. Members see the cases that concern their
//! organisation, as far as each label allows, and report through their own
//! form.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use indaba_desk::case::{CaseAction, CaseKind, Priority};
use indaba_desk::constituency::Resource;
use indaba_desk::intake::{Door, Draft};
use indaba_desk::plan::PointOfContact;
use indaba_desk::playbook::Playbook;
use indaba_desk::{Classification, Tlp, Viewer};
use indaba_store::desk::{AttachmentMeta, Delivery, DeskMessage, NewCase, TriageFilter};
use indaba_store::{DeskCase, Organisation, Role, StoreError, User};
use serde::Deserialize;

use super::{Pairs, csrf_refused, forbidden, internal, not_found, require_desk, viewer, when};
use crate::app::{AppState, PageContext};
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::UserView;

/// A case as lists show it.
#[derive(Debug, Clone)]
pub struct Row {
    /// Id.
    pub id: String,
    /// Reference.
    pub reference: String,
    /// Kind word.
    pub kind: &'static str,
    /// State, for people.
    pub state: String,
    /// Priority, for people.
    pub priority: String,
    /// Label.
    pub tlp: Tlp,
    /// Title (or the start of the description).
    pub title: String,
    /// Classification, for people.
    pub classification: String,
    /// Assignee's address.
    pub assignee: String,
    /// Resolution due, as text.
    pub due: String,
    /// Overdue now.
    pub overdue: bool,
}

fn row(tr: &Tr<'_>, c: &DeskCase, users: &[User], now: i64) -> Row {
    Row {
        id: c.id.clone(),
        reference: c.reference.clone(),
        kind: c.kind.as_str(),
        state: tr.t(c.state.message_id()),
        priority: tr.t(c.priority.message_id()),
        tlp: c.tlp,
        title: if c.title.is_empty() {
            c.description.chars().take(80).collect()
        } else {
            c.title.clone()
        },
        classification: tr.t(&c.classification.message_id()),
        assignee: c
            .assignee
            .as_ref()
            .and_then(|a| users.iter().find(|u| &u.id == a))
            .map(|u| u.email.clone())
            .unwrap_or_default(),
        due: when(c.resolve_by),
        overdue: c.overdue(now),
    }
}

/// The triage list.
#[derive(Template)]
#[template(path = "desk/triage.html")]
pub struct TriagePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Which view (`open`, `overdue`, `mine`, `all`, `search`).
    pub view: String,
    /// The search words.
    pub q: String,
    /// The cases.
    pub rows: Vec<Row>,
    /// Analysts to assign to.
    pub analysts: Vec<User>,
    /// Open incidents to link to.
    pub incidents: Vec<Row>,
    /// The view's heading.
    pub heading: String,
    /// Actions for the bulk form: (word, label).
    pub actions: Vec<(&'static str, String)>,
    /// A notice after an action.
    pub notice: Option<String>,
}

/// Query of the triage list.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    notice: String,
}

async fn analysts(state: &AppState) -> Vec<User> {
    state
        .store
        .users()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|u| matches!(u.role, Role::Admin | Role::Analyst) && !u.disabled)
        .collect()
}

async fn open_incidents(state: &AppState, tr: &Tr<'_>, users: &[User]) -> Vec<Row> {
    let now = indaba_store::now();
    state
        .store
        .desk_triage(&TriageFilter {
            kind: Some(CaseKind::Incident),
            open_only: true,
            limit: 200,
            ..TriageFilter::default()
        })
        .await
        .unwrap_or_default()
        .iter()
        .map(|c| row(tr, c, users, now))
        .collect()
}

/// `GET /desk`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<ListQuery>,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let tr = ctx.tr(&state);
    let now = indaba_store::now();
    let view = if q.q.trim().is_empty() {
        if q.view.is_empty() {
            "open".to_string()
        } else {
            q.view.clone()
        }
    } else {
        "search".to_string()
    };
    let cases = if view == "search" {
        state.store.desk_search(&q.q, 200).await
    } else {
        let filter = TriageFilter {
            overdue_at: (view == "overdue").then_some(now),
            open_only: view != "all",
            assignee: (view == "mine").then(|| me.id.clone()),
            limit: 200,
            ..TriageFilter::default()
        };
        state.store.desk_triage(&filter).await
    };
    let cases = match cases {
        Ok(c) => c,
        Err(e) => return internal(&state, &ctx, e),
    };
    let users = state.store.users().await.unwrap_or_default();
    let page = TriagePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        rows: cases.iter().map(|c| row(&tr, c, &users, now)).collect(),
        incidents: open_incidents(&state, &tr, &users).await,
        analysts: analysts(&state).await,
        actions: action_labels(&tr, &CaseAction::ALL),
        heading: if view == "search" {
            tr.t1(
                "desk-search-results",
                "q",
                q.q.chars().take(200).collect::<String>(),
            )
        } else {
            tr.t(&format!("desk-view-{view}"))
        },
        view,
        q: q.q.chars().take(200).collect(),
        notice: (!q.notice.is_empty()).then(|| q.notice.chars().take(300).collect()),
    };
    ctx.finish(&state, render(page))
}

/// `POST /desk/bulk`: one action or assignment for every ticked case.
pub async fn bulk(State(state): State<AppState>, ctx: PageContext, body: Bytes) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let ids: Vec<String> = p.all("case").map(str::to_string).collect();
    let action = p.get("action").parse::<CaseAction>().ok();
    let target = Some(p.get("target")).filter(|t| !t.is_empty());
    let assignee = Some(p.get("assignee")).filter(|t| !t.is_empty());
    match state
        .store
        .desk_bulk(Some(&me.id), &ids, action, target, assignee)
        .await
    {
        Ok(refused) => {
            let tr = ctx.tr(&state);
            let notice = tr
                .m(&indaba_model::Message::new("desk-bulk-done")
                    .arg("refused", refused.len() as i64));
            Redirect::to(&format!("/desk?notice={}", urlencode(&notice))).into_response()
        }
        Err(e) => internal(&state, &ctx, e),
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An observable with what enrichment found.
#[derive(Debug, Clone)]
pub struct ObservableView {
    /// Kind.
    pub kind: &'static str,
    /// Value.
    pub value: String,
    /// Label.
    pub tlp: Tlp,
    /// Enrichment lines.
    pub facts: Vec<String>,
    /// Abuse and security contacts found.
    pub contacts: Vec<String>,
}

/// The case page.
#[derive(Template)]
#[template(path = "desk/case.html")]
pub struct CasePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Whether the viewer is the desk (else a member, read-only).
    pub desk: bool,
    /// The case.
    pub case: DeskCase,
    /// The case as a row.
    pub head: Row,
    /// The incident it belongs to.
    pub parent: Option<Row>,
    /// Its reports and investigations.
    pub children: Vec<Row>,
    /// Its thread.
    pub messages: Vec<(DeskMessage, String)>,
    /// Its attachments.
    pub attachments: Vec<AttachmentMeta>,
    /// Its observables.
    pub observables: Vec<ObservableView>,
    /// Delivery log.
    pub deliveries: Vec<(Delivery, String)>,
    /// Consents.
    pub consents: Vec<String>,
    /// Plan progress (done, total), when it has a plan.
    pub progress: Option<(usize, usize)>,
    /// Actions possible now: (word, label).
    pub actions: Vec<(&'static str, String)>,
    /// Open incidents to link to.
    pub incidents: Vec<Row>,
    /// Analysts.
    pub analysts: Vec<User>,
    /// Organisations.
    pub organisations: Vec<Organisation>,
    /// Classifications.
    pub classifications: Vec<Classification>,
    /// Labels.
    pub labels: [Tlp; 5],
    /// Priorities.
    pub priorities: &'static [Priority],
    /// The reporter's e-mail, when the viewer may see it.
    pub reporter: String,
    /// A notice after an action.
    pub notice: Option<String>,
    /// For a BGP hijack: (prefix, observed, expected, window, RPKI line, verdict).
    pub hijack: Option<(String, String, String, String, String, String)>,
}

/// Query with a notice.
#[derive(Debug, Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: String,
}

/// The case `id` if `viewer` may see it (RED reads audited), else `None`.
pub async fn visible_case(
    state: &AppState,
    user: Option<&User>,
    viewer: &Viewer,
    id: &str,
) -> Result<Option<DeskCase>, StoreError> {
    let case = match state.store.desk_case(id).await {
        Ok(c) => c,
        Err(StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    if case.draft || !case.tlp.may_see(viewer, case.organisation_id.as_deref()) {
        return Ok(None);
    }
    if case.tlp == Tlp::Red {
        state
            .store
            .desk_audit_read(user.map(|u| u.id.as_str()), &case.id)
            .await?;
    }
    Ok(Some(case))
}

async fn case_page_with(
    state: &AppState,
    ctx: &PageContext,
    id: &str,
    notice: Option<String>,
) -> Response {
    let Some(session) = &ctx.session else {
        return Redirect::to("/login").into_response();
    };
    let v = viewer(ctx);
    let case = match visible_case(state, Some(&session.user), &v, id).await {
        Ok(Some(c)) => c,
        Ok(None) => return not_found(state, ctx),
        Err(e) => return internal(state, ctx, e),
    };
    let desk = v == Viewer::Desk;
    let tr = ctx.tr(state);
    let now = indaba_store::now();
    let users = state.store.users().await.unwrap_or_default();
    let concerns = case.organisation_id.as_deref();
    let parent = match &case.parent_id {
        Some(p) => state
            .store
            .desk_case(p)
            .await
            .ok()
            .filter(|c| c.tlp.may_see(&v, c.organisation_id.as_deref()))
            .map(|c| row(&tr, &c, &users, now)),
        None => None,
    };
    let children = state
        .store
        .desk_children(&case.id)
        .await
        .unwrap_or_default()
        .iter()
        .filter(|c| c.tlp.may_see(&v, c.organisation_id.as_deref()))
        .map(|c| row(&tr, c, &users, now))
        .collect();
    let messages = state
        .store
        .desk_messages(&case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.tlp.may_see(&v, concerns))
        .map(|m| {
            let t = when(m.created_at);
            (m, t)
        })
        .collect();
    let attachments = state
        .store
        .desk_attachments(&case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.tlp.may_see(&v, concerns))
        .collect();
    let observables = state
        .store
        .desk_observables(&case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, t, _)| t.may_see(&v, concerns))
        .map(|(o, t, e)| {
            let (facts, contacts) = super::enrich::describe(&e);
            ObservableView {
                kind: o.kind(),
                value: o.value(),
                tlp: t,
                facts,
                contacts,
            }
        })
        .collect();
    let deliveries = if desk {
        state
            .store
            .desk_deliveries(Some(&case.id), 100)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                let t = when(d.created_at);
                (d, t)
            })
            .collect()
    } else {
        Vec::new()
    };
    let consents = state
        .store
        .desk_consents(&case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.withdrawn_at.is_none())
        .map(|c| c.party)
        .collect();
    let progress = match state.store.desk_plan(&case.id).await.ok().flatten() {
        Some(body) => {
            let total = serde_json::from_str::<indaba_desk::plan::Plan>(&body)
                .map(|p| p.steps.len())
                .unwrap_or(0);
            let done = state
                .store
                .desk_ticked(&case.id)
                .await
                .unwrap_or_default()
                .len();
            Some((done, total))
        }
        None => None,
    };
    let possible: Vec<CaseAction> = CaseAction::ALL
        .into_iter()
        .filter(|a| indaba_desk::case::apply(case.kind, case.state, *a).is_ok())
        .collect();
    let actions = action_labels(&tr, &possible);
    let hijack = state
        .store
        .desk_hijack(&case.id)
        .await
        .ok()
        .flatten()
        .map(|(h, a)| {
            (
                h.prefix.to_string(),
                h.observed.to_string(),
                h.expected.to_string(),
                format!(
                    "{} – {}",
                    when(h.from),
                    h.until.map(when).unwrap_or_default()
                ),
                tr.m(&indaba_model::Message::new("desk-bgp-rpki")
                    .arg("observed", a.observed.as_str())
                    .arg("expected", a.expected.as_str())),
                tr.m(&a.verdict),
            )
        });
    let page = CasePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        hijack,
        desk,
        head: row(&tr, &case, &users, now),
        parent,
        children,
        messages,
        attachments,
        observables,
        deliveries,
        consents,
        progress,
        actions,
        incidents: if desk {
            open_incidents(state, &tr, &users).await
        } else {
            Vec::new()
        },
        analysts: if desk {
            analysts(state).await
        } else {
            Vec::new()
        },
        organisations: if desk {
            state.store.organisations().await.unwrap_or_default()
        } else {
            Vec::new()
        },
        classifications: Classification::all().collect(),
        labels: Tlp::ALL,
        priorities: Priority::ALL,
        reporter: if desk {
            case.reporter_email.clone()
        } else {
            String::new()
        },
        case,
        notice,
    };
    let mut r = render(page);
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    ctx.finish(state, r)
}

/// `GET /desk/case/{id}`.
pub async fn case_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let notice = (!q.notice.is_empty()).then(|| q.notice.chars().take(300).collect());
    case_page_with(&state, &ctx, &id, notice).await
}

fn back(id: &str, notice: &str) -> Response {
    Redirect::to(&format!("/desk/case/{id}?notice={}", urlencode(notice))).into_response()
}

/// `POST /desk/case/{id}/act`.
pub async fn act(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Ok(action) = p.get("action").parse::<CaseAction>() else {
        return not_found(&state, &ctx);
    };
    let target = Some(p.get("target")).filter(|t| !t.is_empty());
    let tr = ctx.tr(&state);
    match state
        .store
        .desk_act(Some(&me.id), &id, action, target)
        .await
    {
        Ok(s) => back(&id, &tr.t1("desk-act-done", "state", tr.t(s.message_id()))),
        Err(StoreError::Invalid(why)) => back(&id, &why),
        Err(StoreError::NotFound(_)) => not_found(&state, &ctx),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /desk/case/{id}/update`.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let (Ok(priority), Ok(tlp), Ok(class)) = (
        p.get("priority").parse::<Priority>(),
        p.get("tlp").parse::<Tlp>(),
        p.get("classification").parse::<Classification>(),
    ) else {
        return back(&id, &ctx.tr(&state).t("desk-update-invalid"));
    };
    let assignee = Some(p.get("assignee")).filter(|t| !t.is_empty());
    let org = Some(p.get("organisation")).filter(|t| !t.is_empty());
    match state
        .store
        .desk_update(
            Some(&me.id),
            &id,
            assignee,
            priority,
            tlp,
            class,
            org,
            &state.desk.levels,
        )
        .await
    {
        Ok(()) => back(&id, &ctx.tr(&state).t("desk-saved")),
        Err(StoreError::NotFound(_)) => not_found(&state, &ctx),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /desk/case/{id}/incident`: a new incident from a report, linked.
pub async fn new_incident(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let report = match state.store.desk_case(&id).await {
        Ok(c) => c,
        Err(_) => return not_found(&state, &ctx),
    };
    let title = if p.get("title").trim().is_empty() {
        report.title.clone()
    } else {
        p.get("title").to_string()
    };
    let d = Draft {
        title,
        description: String::new(),
        ..Draft::default()
    }
    .cleaned();
    let created = state
        .store
        .desk_create(NewCase {
            kind: CaseKind::Incident,
            door: Door::Member,
            draft: &d,
            is_draft: false,
            classification: report.classification,
            priority: report.priority,
            tlp: report.tlp,
            organisation_id: report.organisation_id.as_deref(),
            created_by: Some(&me.id),
            parent_id: None,
            with_token: false,
            levels: &state.desk.levels,
        })
        .await;
    let incident = match created {
        Ok((c, _)) => c,
        Err(e) => return internal(&state, &ctx, e),
    };
    if let Err(e) = state
        .store
        .desk_act(
            Some(&me.id),
            &report.id,
            CaseAction::Link,
            Some(&incident.id),
        )
        .await
    {
        return back(&id, &e.to_string());
    }
    Redirect::to(&format!("/desk/case/{}", incident.id)).into_response()
}

/// `POST /desk/case/{id}/message`: a note, or a reply to the reporter.
pub async fn write(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Ok(case) = state.store.desk_case(&id).await else {
        return not_found(&state, &ctx);
    };
    let text =
        indaba_desk::intake::clean(p.get("body"), indaba_desk::intake::MAX_DESCRIPTION, true);
    if text.is_empty() {
        return back(&id, "");
    }
    let tr = ctx.tr(&state);
    if p.get("to") == "reporter" {
        // On the status page in any case; by mail too when they agreed.
        if case.contact_ok && !case.reporter_email.is_empty() {
            let subject = tr.t("desk-mail-reply-subject");
            let o = super::outbox::Outgoing {
                case: &case,
                to: &case.reporter_email,
                audience: indaba_desk::Audience::Reporter,
                purpose: "reply",
                subject: &subject,
                body: &text,
                tlp: case.tlp,
            };
            return match super::outbox::send_text(&state, &o).await {
                Ok(()) => back(&id, &tr.t("desk-sent")),
                Err(e) => back(&id, &e.to_string()),
            };
        }
        let m = indaba_store::desk::NewMessage {
            case_id: &case.id,
            direction: "out",
            audience: "reporter",
            sender: &me.email,
            recipients: "reporter",
            subject: "",
            body: &text,
            tlp: case.tlp,
        };
        return match state.store.desk_add_message(&m).await {
            Ok(_) => back(&id, &tr.t("desk-saved")),
            Err(e) => internal(&state, &ctx, e),
        };
    }
    let tlp = p
        .get("tlp")
        .parse::<Tlp>()
        .unwrap_or(case.tlp)
        .and(case.tlp);
    let m = indaba_store::desk::NewMessage {
        case_id: &case.id,
        direction: "note",
        audience: "desk",
        sender: &me.email,
        recipients: "desk",
        subject: "",
        body: &text,
        tlp,
    };
    match state.store.desk_add_message(&m).await {
        Ok(_) => back(&id, &tr.t("desk-saved")),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /desk/case/{id}/forward`: opens an investigation and sends the
/// case to a third party: an abuse contact as X-ARF, or a partner CERT or
/// the police as a case report.
pub async fn forward(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Ok(case) = state.store.desk_case(&id).await else {
        return not_found(&state, &ctx);
    };
    let to = p.get("to").trim().to_string();
    if !indaba_desk::intake::plausible_email(&to) {
        return back(&id, &ctx.tr(&state).t("desk-forward-bad-address"));
    }
    let format = p.get("format");
    let tr = ctx.tr(&state);
    let d = Draft {
        title: tr.t1("desk-investigation-title", "to", to.clone()),
        ..Draft::default()
    }
    .cleaned();
    let investigation = match state
        .store
        .desk_create(NewCase {
            kind: CaseKind::Investigation,
            door: Door::Member,
            draft: &d,
            is_draft: false,
            classification: case.classification,
            priority: case.priority,
            tlp: case.tlp,
            organisation_id: case.organisation_id.as_deref(),
            created_by: Some(&me.id),
            parent_id: Some(&case.id),
            with_token: false,
            levels: &state.desk.levels,
        })
        .await
    {
        Ok((c, _)) => c,
        Err(e) => return internal(&state, &ctx, e),
    };
    let source = if p.get("source").trim().is_empty() {
        state
            .store
            .desk_observables(&case.id)
            .await
            .unwrap_or_default()
            .first()
            .map(|(o, _, _)| o.value())
            .unwrap_or_else(|| case.reference.clone())
    } else {
        indaba_desk::intake::clean(p.get("source"), 500, false)
    };
    let summary = if p.get("summary").trim().is_empty() {
        case.title.clone()
    } else {
        indaba_desk::intake::clean(p.get("summary"), 5000, true)
    };
    let result = match format {
        "case-report-police" => {
            super::outbox::send_case_report(&state, &case, &investigation, &to, "police").await
        }
        "case-report-cert" => {
            super::outbox::send_case_report(&state, &case, &investigation, &to, "partner-cert")
                .await
        }
        _ => {
            super::outbox::forward_xarf(&state, &case, &investigation, &to, &source, &summary).await
        }
    };
    match result {
        Ok(()) => {
            let _ = state
                .store
                .desk_act(Some(&me.id), &case.id, CaseAction::Open, None)
                .await;
            back(&investigation.id, &tr.t("desk-sent"))
        }
        Err(e) => {
            // The investigation stays, with the failure in its delivery log.
            back(&investigation.id, &e.to_string())
        }
    }
}

/// `POST /desk/case/{id}/enrich`: looks up every observable.
pub async fn enrich(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = require_desk(&state, &ctx) {
        return r;
    }
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Ok(case) = state.store.desk_case(&id).await else {
        return not_found(&state, &ctx);
    };
    match super::enrich::enrich_case(&state, &case).await {
        Ok(n) => back(&id, &ctx.tr(&state).t1("desk-enriched", "count", n as i64)),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `GET /desk/case/{id}/export/{format}`: `stix.json`, `misp.json`,
/// `case.json`, `case.pdf`, as the viewer may export, with the label.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, format)): Path<(String, String)>,
) -> Response {
    let Some(session) = &ctx.session else {
        return Redirect::to("/login").into_response();
    };
    let v = viewer(&ctx);
    let case = match visible_case(&state, Some(&session.user), &v, &id).await {
        Ok(Some(c)) => c,
        Ok(None) => return not_found(&state, &ctx),
        Err(e) => return internal(&state, &ctx, e),
    };
    if !case.tlp.may_export(&v, case.organisation_id.as_deref()) {
        return forbidden(&state, &ctx);
    }
    let observables: Vec<(indaba_desk::observables::Observable, Tlp)> = state
        .store
        .desk_observables(&case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(o, t, _)| (o, t))
        .collect();
    let created = super::rfc3339(case.created_at);
    let class = case.classification.to_string();
    let e = indaba_desk::export::CaseExport {
        reference: &case.reference,
        title: &case.title,
        tlp: case.tlp,
        classification: &class,
        created: &created,
        concerns: case.organisation_id.as_deref(),
        observables: &observables,
    };
    let label_header = |tlp: Tlp| ("x-tlp", tlp.label());
    match format.as_str() {
        "stix.json" | "misp.json" => {
            let (doc, tlp) = if format == "stix.json" {
                indaba_desk::export::stix(&e, &v)
            } else {
                indaba_desk::export::misp(&e, &v)
            };
            let (k, l) = label_header(tlp);
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}-{format}\"", case.reference),
                    ),
                ],
                [(k, l)],
                doc.to_string(),
            )
                .into_response()
        }
        "case.json" | "case.pdf" => {
            let (items, tlp) = indaba_desk::export::exportable(&e, &v);
            let obs: Vec<(String, String)> = items
                .iter()
                .map(|(o, _)| (o.kind().to_string(), o.value()))
                .collect();
            let evidence = if v == Viewer::Desk {
                case.description.clone()
            } else {
                String::new()
            };
            let json = super::outbox::case_json(&case, &evidence, &obs);
            let (k, l) = label_header(tlp);
            if format == "case.json" {
                (
                    [(header::CONTENT_TYPE, "application/json".to_string())],
                    [(k, l)],
                    json.to_string(),
                )
                    .into_response()
            } else {
                let label = tlp.label();
                let text = serde_json::to_string_pretty(&json).unwrap_or_default();
                let pdf = indaba_desk::letter::pdf(&indaba_desk::letter::Document {
                    title: &format!("{} {}", case.reference, case.title),
                    label: Some(&label),
                    body: &text,
                });
                (
                    [
                        (header::CONTENT_TYPE, "application/pdf".to_string()),
                        (
                            header::CONTENT_DISPOSITION,
                            format!("attachment; filename=\"{}.pdf\"", case.reference),
                        ),
                    ],
                    [(k, l)],
                    pdf,
                )
                    .into_response()
            }
        }
        _ => not_found(&state, &ctx),
    }
}

/// `GET /desk/attachment/{id}`: always a download, never shown inline
/// (whatever the sender called it, it is not rendered).
pub async fn attachment(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let Some(session) = &ctx.session else {
        return Redirect::to("/login").into_response();
    };
    let v = viewer(&ctx);
    let (meta, content) = match state.store.desk_attachment(&state.desk.sealer, &id).await {
        Ok(x) => x,
        Err(StoreError::NotFound(_)) => return not_found(&state, &ctx),
        Err(e) => return internal(&state, &ctx, e),
    };
    match visible_case(&state, Some(&session.user), &v, &meta.case_id).await {
        Ok(Some(c)) if meta.tlp.may_see(&v, c.organisation_id.as_deref()) => {
            // A RED attachment of a case that is not RED is read here.
            if meta.tlp == Tlp::Red && c.tlp != Tlp::Red {
                let _ = state
                    .store
                    .desk_audit_read(Some(&session.user.id), &c.id)
                    .await;
            }
        }
        Ok(_) => return not_found(&state, &ctx),
        Err(e) => return internal(&state, &ctx, e),
    }
    let name: String = meta
        .filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        content,
    )
        .into_response()
}

/// The playbooks page.
#[derive(Template)]
#[template(path = "desk/playbooks.html")]
pub struct PlaybooksPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// (id, title, version).
    pub books: Vec<(String, String, i64)>,
    /// The one being edited.
    pub editing: Option<Editing>,
}

/// A playbook in the editor.
#[derive(Debug, Clone)]
pub struct Editing {
    /// Its id.
    pub id: String,
    /// Its source.
    pub source: String,
    /// (version, when) of each version, newest first.
    pub versions: Vec<(i64, String)>,
    /// Why the last save was refused.
    pub problem: Option<String>,
}

/// `GET /desk/playbooks`.
pub async fn playbooks(State(state): State<AppState>, ctx: PageContext) -> Response {
    if let Err(r) = require_desk(&state, &ctx) {
        return r;
    }
    playbooks_page(&state, &ctx, None).await
}

async fn playbooks_page(state: &AppState, ctx: &PageContext, editing: Option<Editing>) -> Response {
    let books = state
        .store
        .desk_playbooks()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, s)| Playbook::parse(&s).ok().map(|p| (p.id, p.title, v)))
        .collect();
    let page = PlaybooksPage {
        tr: ctx.tr(state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        books,
        editing,
    };
    ctx.finish(state, render(page))
}

/// `GET /desk/playbooks/{id}`: the newest version in an editor.
pub async fn playbook_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = require_desk(&state, &ctx) {
        return r;
    }
    let versions = state
        .store
        .desk_playbook_versions(&id)
        .await
        .unwrap_or_default();
    let source = match versions.first() {
        Some((v, _, _)) => state.store.desk_playbook(&id, *v).await.unwrap_or_default(),
        None => String::new(),
    };
    let versions = versions.into_iter().map(|(v, _, t)| (v, when(t))).collect();
    playbooks_page(
        &state,
        &ctx,
        Some(Editing {
            id,
            source,
            versions,
            problem: None,
        }),
    )
    .await
}

/// `POST /desk/playbooks/{id}`: saves a new version if it parses.
pub async fn playbook_save(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let source = p.get("source").replace("\r\n", "\n");
    let problem = match Playbook::parse(&source) {
        Ok(book) if book.id == id => None,
        Ok(book) => Some(format!(
            "the front matter says id = {:?}, not {id:?}",
            book.id
        )),
        Err(e) => Some(ctx.tr(&state).m(&e.message())),
    };
    if let Some(problem) = problem {
        let versions = state
            .store
            .desk_playbook_versions(&id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(v, _, t)| (v, when(t)))
            .collect();
        let editing = Editing {
            id,
            source,
            versions,
            problem: Some(problem),
        };
        let mut r = playbooks_page(&state, &ctx, Some(editing)).await;
        *r.status_mut() = StatusCode::BAD_REQUEST;
        return r;
    }
    match state
        .store
        .desk_save_playbook(Some(&me.id), &id, &source)
        .await
    {
        Ok(_) => Redirect::to(&format!("/desk/playbooks/{id}")).into_response(),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// The settings page: points of contact, constituencies, feeds, people.
#[derive(Template)]
#[template(path = "desk/settings.html")]
pub struct SettingsPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Points of contact.
    pub contacts: Vec<PointOfContact>,
    /// (resource, organisation name, contact).
    pub constituency: Vec<(String, String, String)>,
    /// Organisations.
    pub organisations: Vec<Organisation>,
    /// Whether the viewer is an admin (erasure).
    pub admin: bool,
    /// A notice.
    pub notice: Option<String>,
}

/// `GET /desk/settings`.
pub async fn settings(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let organisations = state.store.organisations().await.unwrap_or_default();
    let constituency = state
        .store
        .desk_constituency()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(r, o, c)| {
            let name = organisations
                .iter()
                .find(|x| x.id == o)
                .map(|x| x.name.clone())
                .unwrap_or(o);
            (r.value(), name, c)
        })
        .collect();
    let page = SettingsPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        contacts: state
            .store
            .desk_points_of_contact()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
        constituency,
        organisations,
        admin: me.role == Role::Admin,
        notice: (!q.notice.is_empty()).then(|| q.notice.chars().take(300).collect()),
    };
    ctx.finish(&state, render(page))
}

fn settings_back(notice: &str) -> Response {
    Redirect::to(&format!("/desk/settings?notice={}", urlencode(notice))).into_response()
}

/// `POST /desk/settings/contact`.
pub async fn add_contact(State(state): State<AppState>, ctx: PageContext, body: Bytes) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let poc = PointOfContact {
        country: p.get("country").into(),
        kind: p.get("kind").into(),
        name: p.get("name").into(),
        phone: p.get("phone").into(),
        email: p.get("email").into(),
        url: p.get("url").into(),
        what_to_say: p.get("what_to_say").into(),
    };
    match state
        .store
        .desk_add_point_of_contact(Some(&me.id), &poc)
        .await
    {
        Ok(_) => settings_back(&ctx.tr(&state).t("desk-saved")),
        Err(StoreError::Invalid(why)) => settings_back(&why),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /desk/settings/constituency`.
pub async fn declare(State(state): State<AppState>, ctx: PageContext, body: Bytes) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Some(resource) = Resource::parse(p.get("resource")) else {
        return settings_back(&ctx.tr(&state).t("desk-resource-invalid"));
    };
    match state
        .store
        .desk_declare(
            Some(&me.id),
            p.get("organisation"),
            &resource,
            p.get("contact"),
        )
        .await
    {
        Ok(()) => settings_back(&ctx.tr(&state).t("desk-saved")),
        Err(e) => settings_back(&e.to_string()),
    }
}

/// `POST /desk/person`: export (analysts) or erase (admins) one person's
/// data, by their address.
pub async fn person(State(state): State<AppState>, ctx: PageContext, body: Bytes) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let email = p.get("email");
    if p.get("what") == "erase" {
        if me.role != Role::Admin {
            return forbidden(&state, &ctx);
        }
        return match state.store.desk_person_erase(Some(&me.id), email).await {
            Ok(n) => settings_back(&ctx.tr(&state).t1("desk-erased", "count", n as i64)),
            Err(StoreError::Invalid(why)) => settings_back(&why),
            Err(e) => internal(&state, &ctx, e),
        };
    }
    match state.store.desk_person_export(email).await {
        Ok(json) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"person.json\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            json.to_string(),
        )
            .into_response(),
        Err(StoreError::Invalid(why)) => settings_back(&why),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /desk/feeds`: a Shadowserver CSV uploaded as the request body
/// (`text/csv`), with `?type=` or `?name=` naming its report type.
pub async fn feed_upload(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    // A body that is not a form cannot carry the CSRF field: the token
    // comes in a header, as scripts and `curl` send it.
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ctx.csrf_accepts(token) {
        return csrf_refused(&state, &ctx);
    }
    let name = q.get("name").cloned().unwrap_or_default();
    let report_type = q
        .get("type")
        .cloned()
        .filter(|t| !t.is_empty())
        .or_else(|| indaba_desk::feed::report_type_of_file(&name))
        .unwrap_or_default();
    match super::jobs::import_feed(&state, Some(&me.id), &name, &report_type, &body[..]).await {
        Ok(summary) => axum::Json(summary).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"error": e})),
        )
            .into_response(),
    }
}

/// The member's page.
#[derive(Template)]
#[template(path = "desk/member.html")]
pub struct MemberPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Cases concerning their organisation they may see.
    pub rows: Vec<Row>,
    /// A notice.
    pub notice: Option<String>,
}

/// `GET /desk/member`.
pub async fn member_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let Some(session) = &ctx.session else {
        return Redirect::to("/login").into_response();
    };
    let v = viewer(&ctx);
    let tr = ctx.tr(&state);
    let now = indaba_store::now();
    let org = session.user.organisation_id.clone();
    let rows = state
        .store
        .desk_triage(&TriageFilter {
            limit: 500,
            ..TriageFilter::default()
        })
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|c| org.is_some() && c.organisation_id == org)
        .filter(|c| c.tlp.may_see(&v, c.organisation_id.as_deref()))
        .map(|c| row(&tr, &c, &[], now))
        .collect();
    let page = MemberPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        rows,
        notice: (!q.notice.is_empty()).then(|| q.notice.chars().take(300).collect()),
    };
    ctx.finish(&state, render(page))
}

/// `POST /desk/member`: a member reports for their organisation.
pub async fn member_report(
    State(state): State<AppState>,
    ctx: PageContext,
    body: Bytes,
) -> Response {
    let Some(session) = &ctx.session else {
        return Redirect::to("/login").into_response();
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let user = session.user.clone();
    let tlp = p.get("tlp").parse::<Tlp>().unwrap_or(Tlp::Amber);
    let d = Draft {
        title: p.get("title").into(),
        description: p.get("description").into(),
        name: user.name.clone(),
        contact_ok: true,
        email: user.email.clone(),
        tlp: Some(tlp),
        ..Draft::default()
    };
    let d = match d.submit() {
        Ok(d) => d,
        Err(problems) => {
            let tr = ctx.tr(&state);
            let text: Vec<String> = problems.iter().map(|m| tr.m(m)).collect();
            return Redirect::to(&format!(
                "/desk/member?notice={}",
                urlencode(&text.join(" "))
            ))
            .into_response();
        }
    };
    match super::api::create_report(
        &state,
        &d,
        Door::Member,
        tlp,
        user.organisation_id.as_deref(),
        Some(&user.id),
    )
    .await
    {
        Ok(case) => {
            let notice = ctx
                .tr(&state)
                .t1("desk-member-sent", "reference", case.reference);
            Redirect::to(&format!("/desk/member?notice={}", urlencode(&notice))).into_response()
        }
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /desk/hijack`: a BGP hijack incident, judged by route origin
/// validation against the VRPs of the moment.
pub async fn hijack(State(state): State<AppState>, ctx: PageContext, body: Bytes) -> Response {
    let me = match require_desk(&state, &ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    let time = |t: &str| {
        time::OffsetDateTime::parse(t.trim(), &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|d| d.unix_timestamp())
    };
    let until = Some(p.get("until")).filter(|t| !t.trim().is_empty());
    let parsed = (|| {
        let prefix = p.get("prefix").parse().ok()?;
        let expected = p.get("expected").parse().ok()?;
        let observed = p.get("observed").parse().ok()?;
        let from = time(p.get("from")).unwrap_or_else(indaba_store::now);
        let until = match until {
            Some(u) => Some(time(u)?),
            None => None,
        };
        indaba_desk::bgp::Hijack::new(prefix, expected, observed, from, until).ok()
    })();
    let Some(h) = parsed else {
        return Redirect::to(&format!(
            "/desk?notice={}",
            urlencode(&tr.t("desk-bgp-invalid"))
        ))
        .into_response();
    };
    let covering = state
        .engine
        .routing
        .vrps
        .as_ref()
        .map(|v| v.snapshot().set.covering(&h.prefix))
        .unwrap_or_default();
    let a = h.assess(&covering);
    let d = Draft {
        title: h.title(),
        description: tr.m(&a.verdict),
        ..Draft::default()
    }
    .cleaned();
    let tlp = p.get("tlp").parse::<Tlp>().unwrap_or(Tlp::Amber);
    let created = state
        .store
        .desk_create(NewCase {
            kind: CaseKind::Incident,
            door: Door::Member,
            draft: &d,
            is_draft: false,
            classification: Classification::new("bgp-hijack", "origin-hijack")
                .unwrap_or_else(|_| Classification::undetermined()),
            priority: Priority::High,
            tlp,
            organisation_id: None,
            created_by: Some(&me.id),
            parent_id: None,
            with_token: false,
            levels: &state.desk.levels,
        })
        .await;
    let case = match created {
        Ok((c, _)) => c,
        Err(e) => return internal(&state, &ctx, e),
    };
    let observables = [
        indaba_desk::observables::Observable::Asn(h.observed.0),
        indaba_desk::observables::Observable::Asn(h.expected.0),
    ];
    if let Err(e) = state.store.desk_save_hijack(&case.id, &h, &a).await {
        return internal(&state, &ctx, e);
    }
    if let Err(e) = state
        .store
        .desk_add_observables(&case.id, &observables, tlp)
        .await
    {
        return internal(&state, &ctx, e);
    }
    Redirect::to(&format!("/desk/case/{}", case.id)).into_response()
}

/// (word, label) of each action, for the forms.
pub fn action_labels(tr: &Tr<'_>, actions: &[CaseAction]) -> Vec<(&'static str, String)> {
    actions
        .iter()
        .map(|a| {
            (
                a.as_str(),
                tr.t(&format!("desk-action-{}", a.as_str().replace('_', "-"))),
            )
        })
        .collect()
}
