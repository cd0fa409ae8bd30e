//! The reporter's side: the public form (no account; saved as the person
//! types, so a closed tab or a lost connection loses nothing, and the
//! private link brings them back), the status page with their reference,
//! what happened to the report, their recovery plan with steps to tick and
//! letters to download, the desk's messages, and their answers to it.
//!
//! The private link is a random token of 256 bits; only its hash is stored.
//! Anyone holding the link is the reporter: the page says so and asks them
//! to keep it private.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use indaba_desk::case::{CaseKind, Priority, reporter_state};
use indaba_desk::intake::{AGE_BANDS, Door, Draft, EDUCATION};
use indaba_desk::plan::{self, Plan, QUESTIONS};
use indaba_desk::playbook::{Playbook, When};
use indaba_desk::{Classification, Tlp};
use indaba_store::DeskCase;
use indaba_store::desk::NewCase;

use super::{Pairs, csrf_refused, internal, not_found, when};
use crate::app::{AppState, Client, PageContext, too_many};
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::UserView;

/// A question as the form shows it.
#[derive(Debug, Clone)]
pub struct QuestionView {
    /// Its id (field name).
    pub id: &'static str,
    /// Checkboxes rather than radio buttons.
    pub multiple: bool,
    /// Its text.
    pub text: String,
    /// (answer id, text, chosen).
    pub answers: Vec<(&'static str, String, bool)>,
}

/// The report form.
#[derive(Template)]
#[template(path = "desk/report_form.html")]
pub struct FormPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Where the form posts.
    pub action: String,
    /// The private link, once the draft is saved.
    pub link: Option<String>,
    /// The private link's token (empty before the first save).
    pub token: String,
    /// The questions.
    pub questions: Vec<QuestionView>,
    /// What was typed so far.
    pub draft: Draft,
    /// Age bands.
    pub age_bands: &'static [&'static str],
    /// Education levels.
    pub education: &'static [&'static str],
    /// Problems to show.
    pub problems: Vec<String>,
}

/// A plan step as the status page shows it.
#[derive(Debug, Clone)]
pub struct StepView {
    /// Its id.
    pub id: String,
    /// Right away (else next).
    pub now: bool,
    /// Title.
    pub title: String,
    /// Text, rendered from Markdown (raw HTML escaped).
    pub html: String,
    /// Who to contact.
    pub contact: Option<indaba_desk::plan::PointOfContact>,
    /// Whether a letter is on offer.
    pub letter: bool,
    /// Ticked.
    pub done: bool,
}

/// A message as the reporter sees it.
#[derive(Debug, Clone)]
pub struct ThreadView {
    /// From the desk (else from the reporter).
    pub from_desk: bool,
    /// When.
    pub when: String,
    /// Text.
    pub body: String,
}

/// The status page.
#[derive(Template)]
#[template(path = "desk/status.html")]
pub struct StatusPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The private link's token.
    pub token: &'a str,
    /// The full private link.
    pub link: String,
    /// The reference.
    pub reference: String,
    /// The state, for people.
    pub state: String,
    /// The state's word (CSS, tests).
    pub state_word: &'static str,
    /// The classification, for people.
    pub classification: String,
    /// The plan's title.
    pub plan_title: String,
    /// The plan's steps.
    pub steps: Vec<StepView>,
    /// Ticked of all.
    pub progress: (usize, usize),
    /// The thread.
    pub thread: Vec<ThreadView>,
    /// What the reporter said last (`solved`, `need-help`).
    pub victim_status: String,
    /// Parties the reporter agreed to share with.
    pub consents: Vec<String>,
    /// A notice after an action.
    pub notice: Option<String>,
}

fn questions(tr: &Tr<'_>, draft: &Draft) -> Vec<QuestionView> {
    QUESTIONS
        .iter()
        .map(|q| QuestionView {
            id: q.id,
            multiple: q.multiple,
            text: tr.t(&format!("desk-q-{}", q.id)),
            answers: q
                .answers
                .iter()
                .map(|a| {
                    (
                        *a,
                        tr.t(&format!("desk-a-{}-{a}", q.id)),
                        draft.answers_to(q.id).any(|x| x == *a),
                    )
                })
                .collect(),
        })
        .collect()
}

/// The draft a form body describes (only answers the flow offers).
pub fn draft_from(p: &Pairs) -> Draft {
    let mut answers = Vec::new();
    for q in QUESTIONS {
        for a in p.all(q.id) {
            if plan::is_answer(q.id, a) {
                answers.push((q.id.to_string(), a.to_string()));
            }
        }
    }
    Draft {
        title: p.get("title").to_string(),
        description: p.get("description").to_string(),
        answers,
        name: p.get("name").to_string(),
        contact_ok: !p.get("contact_ok").is_empty(),
        email: p.get("email").to_string(),
        country: p.get("country").to_string(),
        region: p.get("region").to_string(),
        age_band: p.get("age_band").to_string(),
        education: p.get("education").to_string(),
        stats_consent: !p.get("stats_consent").is_empty(),
        tlp: None,
    }
    .cleaned()
}

fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.base_url.trim_end_matches('/'))
}

fn form_page(
    state: &AppState,
    ctx: &PageContext,
    draft: Draft,
    token: Option<&str>,
    problems: Vec<String>,
) -> Response {
    let tr = ctx.tr(state);
    let page = FormPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        action: token
            .map(|t| format!("/report/d/{t}"))
            .unwrap_or_else(|| "/report".into()),
        link: token.map(|t| link(state, &format!("/report/d/{t}"))),
        token: token.unwrap_or_default().to_string(),
        questions: questions(&tr, &draft),
        draft,
        age_bands: AGE_BANDS,
        education: EDUCATION,
        problems,
    };
    let mut r = render(page);
    // The form holds what the person typed: never kept by shared caches.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    ctx.finish(state, r)
}

/// `GET /report`.
pub async fn new_form(State(state): State<AppState>, ctx: PageContext) -> Response {
    form_page(&state, &ctx, Draft::default(), None, Vec::new())
}

async fn create_draft(state: &AppState, d: &Draft) -> Result<(DeskCase, String), String> {
    let (case, token) = state
        .store
        .desk_create(NewCase {
            kind: CaseKind::Report,
            door: Door::Public,
            draft: d,
            is_draft: true,
            classification: Classification::undetermined(),
            priority: Priority::Normal,
            tlp: Tlp::Amber,
            organisation_id: None,
            created_by: None,
            parent_id: None,
            with_token: true,
            levels: &state.desk.levels,
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok((case, token.unwrap_or_default()))
}

/// Sends a report: classifies it, makes its plan from the current playbook,
/// and notes the observables it names. Shared by every door.
pub async fn finish_report(state: &AppState, case: &DeskCase) -> Result<DeskCase, String> {
    let d = case.as_draft();
    let class = if case.classification == Classification::undetermined() {
        plan::classify(&d)
    } else {
        case.classification
    };
    let case = state
        .store
        .desk_submit_draft(&case.id, class, &state.desk.levels)
        .await
        .map_err(|e| e.to_string())?;
    make_plan(state, &case).await?;
    let observables = indaba_desk::observables::extract(&format!("{}\n{}", d.title, d.description));
    state
        .store
        .desk_add_observables(&case.id, &observables, case.tlp)
        .await
        .map_err(|e| e.to_string())?;
    Ok(case)
}

/// Makes (or remakes) the plan of `case` from the newest playbook for its
/// classification.
pub async fn make_plan(state: &AppState, case: &DeskCase) -> Result<(), String> {
    let books: Vec<(i64, Playbook)> = state
        .store
        .desk_playbooks()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|(v, s)| Playbook::parse(&s).ok().map(|p| (v, p)))
        .collect();
    let directory: Vec<_> = state
        .store
        .desk_points_of_contact()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    if let Some((version, book)) = plan::choose(&books, case.classification) {
        let p = plan::make(&case.as_draft(), book, *version, &directory);
        let body = serde_json::to_string(&p).map_err(|e| e.to_string())?;
        state
            .store
            .desk_save_plan(&case.id, &book.id, *version, &body)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

async fn save_or_send(
    state: &AppState,
    ctx: &PageContext,
    p: &Pairs,
    existing: Option<(DeskCase, String)>,
) -> Response {
    let d = draft_from(p);
    let send = p.get("action") == "send";
    if send && let Err(problems) = d.submit() {
        let tr = ctx.tr(state);
        let token = existing.as_ref().map(|(_, t)| t.as_str());
        let mut r = form_page(
            state,
            ctx,
            d,
            token,
            problems.iter().map(|m| tr.m(m)).collect(),
        );
        *r.status_mut() = StatusCode::BAD_REQUEST;
        return r;
    }
    let (case, token) = match existing {
        Some((case, token)) => {
            if let Err(e) = state.store.desk_save_draft(&case.id, &d).await {
                return internal(state, ctx, e);
            }
            (case, token)
        }
        None => match create_draft(state, &d).await {
            Ok(x) => x,
            Err(e) => return internal(state, ctx, e),
        },
    };
    if !send {
        return Redirect::to(&format!("/report/d/{token}")).into_response();
    }
    let case = match state.store.desk_case(&case.id).await {
        Ok(c) => c,
        Err(e) => return internal(state, ctx, e),
    };
    if let Err(e) = finish_report(state, &case).await {
        return internal(state, ctx, e);
    }
    super::outbox::acknowledge(state, &case.id, &token).await;
    Redirect::to(&format!("/status/{token}")).into_response()
}

/// `POST /report`: the first save or send, without a private link yet.
pub async fn submit_new(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    body: Bytes,
) -> Response {
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    save_or_send(&state, &ctx, &p, None).await
}

async fn draft_by_token(state: &AppState, token: &str) -> Option<DeskCase> {
    state.store.desk_case_by_token(token).await.ok()
}

/// `GET /report/d/{token}`: the form again, as left.
pub async fn draft_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Response {
    match draft_by_token(&state, &token).await {
        Some(c) if c.draft => form_page(&state, &ctx, c.as_draft(), Some(&token), Vec::new()),
        Some(_) => Redirect::to(&format!("/status/{token}")).into_response(),
        None => not_found(&state, &ctx),
    }
}

/// `POST /report/d/{token}`.
pub async fn submit_draft(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    match draft_by_token(&state, &token).await {
        Some(c) if c.draft => save_or_send(&state, &ctx, &p, Some((c, token))).await,
        Some(_) => Redirect::to(&format!("/status/{token}")).into_response(),
        None => not_found(&state, &ctx),
    }
}

/// `POST /report/autosave`: what the script sends as the person types; the
/// first call makes the draft and answers with its private link.
pub async fn autosave(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    body: Bytes,
) -> Response {
    let p = Pairs::parse(&body);
    let json_error = |status: StatusCode, text: &str| {
        (status, axum::Json(serde_json::json!({"error": text}))).into_response()
    };
    if !p.csrf_ok(&ctx) {
        return json_error(StatusCode::FORBIDDEN, "csrf");
    }
    let d = draft_from(&p);
    let token = p.get("token").to_string();
    let token = if token.is_empty() {
        if let Err(wait) = state.submit_limiter.check(client.0) {
            return too_many(wait);
        }
        match create_draft(&state, &d).await {
            Ok((_, t)) => t,
            Err(e) => {
                tracing::error!(error = %e, "desk autosave");
                return json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
            }
        }
    } else {
        match draft_by_token(&state, &token).await {
            Some(c) if c.draft => {
                if let Err(e) = state.store.desk_save_draft(&c.id, &d).await {
                    tracing::error!(error = %e, "desk autosave");
                    return json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
                }
                token
            }
            _ => return json_error(StatusCode::NOT_FOUND, "no such draft"),
        }
    };
    let tr = ctx.tr(&state);
    let link = link(&state, &format!("/report/d/{token}"));
    axum::Json(serde_json::json!({
        "token": token,
        "action": format!("/report/d/{token}"),
        "link": link,
        "saved": tr.t1("desk-form-saved", "link", link.clone()),
    }))
    .into_response()
}

/// The steps of a plan as the page shows them.
pub fn step_views(plan: &Plan, ticked: &[String]) -> Vec<StepView> {
    plan.steps
        .iter()
        .map(|s| StepView {
            id: s.id.clone(),
            now: s.when == When::Now,
            title: s.title.clone(),
            html: markdown(&s.text),
            contact: s.contact.clone(),
            letter: s.letter.is_some(),
            done: ticked.contains(&s.id),
        })
        .collect()
}

/// Markdown to HTML with raw HTML escaped (playbooks are written by
/// analysts, but nothing typed is ever trusted as markup).
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let events = Parser::new(text).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

async fn status_page(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    notice: Option<String>,
) -> Response {
    let Some(case) = draft_by_token(state, token).await else {
        return not_found(state, ctx);
    };
    if case.draft {
        return Redirect::to(&format!("/report/d/{token}")).into_response();
    }
    let tr = ctx.tr(state);
    let incident_state = match &case.parent_id {
        Some(p) => state.store.desk_case(p).await.ok().map(|c| c.state),
        None => None,
    };
    let shown = reporter_state(case.state, incident_state);
    let plan: Option<Plan> = state
        .store
        .desk_plan(&case.id)
        .await
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_str(&b).ok());
    let ticked = state.store.desk_ticked(&case.id).await.unwrap_or_default();
    let steps = plan
        .as_ref()
        .map(|p| step_views(p, &ticked))
        .unwrap_or_default();
    let done = steps.iter().filter(|s| s.done).count();
    let thread = state
        .store
        .desk_messages(&case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.audience == "reporter" || (m.direction == "in" && m.audience == "desk"))
        .map(|m| ThreadView {
            from_desk: m.direction == "out",
            when: when(m.created_at),
            body: m.body,
        })
        .collect();
    let consents = state
        .store
        .desk_consents(&case.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.withdrawn_at.is_none())
        .map(|c| c.party)
        .collect();
    let page = StatusPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token,
        link: link(state, &format!("/status/{token}")),
        reference: case.reference.clone(),
        state: tr.t(shown.message_id()),
        state_word: shown.as_str(),
        classification: tr.t(&case.classification.message_id()),
        plan_title: plan.as_ref().map(|p| p.title.clone()).unwrap_or_default(),
        progress: (done, steps.len()),
        steps,
        thread,
        victim_status: case.victim_status.clone(),
        consents,
        notice,
    };
    let mut r = render(page);
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    ctx.finish(state, r)
}

/// `GET /status/{token}`.
pub async fn status(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Response {
    status_page(&state, &ctx, &token, None).await
}

/// `POST /status/{token}/step`: ticks or unticks a step.
pub async fn tick(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Some(case) = draft_by_token(&state, &token).await else {
        return not_found(&state, &ctx);
    };
    let plan: Option<Plan> = state
        .store
        .desk_plan(&case.id)
        .await
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_str(&b).ok());
    let step = p.get("step");
    if !plan.is_some_and(|pl| pl.steps.iter().any(|s| s.id == step)) {
        return not_found(&state, &ctx);
    }
    if let Err(e) = state
        .store
        .desk_tick(&case.id, step, p.get("done") == "1")
        .await
    {
        return internal(&state, &ctx, e);
    }
    Redirect::to(&format!("/status/{token}#step-{step}")).into_response()
}

/// `GET /status/{token}/letter/{step}`: the step's letter, filled in, as PDF.
pub async fn letter(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((token, step)): Path<(String, String)>,
) -> Response {
    let step = step.trim_end_matches(".pdf");
    let Some(case) = draft_by_token(&state, &token).await else {
        return not_found(&state, &ctx);
    };
    let Some(plan) = state
        .store
        .desk_plan(&case.id)
        .await
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_str::<Plan>(&b).ok())
    else {
        return not_found(&state, &ctx);
    };
    let Some(s) = plan.steps.iter().find(|s| s.id == step) else {
        return not_found(&state, &ctx);
    };
    let Some(letter_id) = &s.letter else {
        return not_found(&state, &ctx);
    };
    // The plan's own version of the playbook, not today's.
    let book = match state
        .store
        .desk_playbook(&plan.playbook, plan.version)
        .await
        .map(|src| Playbook::parse(&src))
    {
        Ok(Ok(b)) => b,
        _ => return not_found(&state, &ctx),
    };
    let date = time::OffsetDateTime::now_utc().date().to_string();
    let Some((subject, body)) = plan::letter_text(
        &book,
        letter_id,
        s,
        &case.as_draft(),
        &case.reference,
        &date,
    ) else {
        return not_found(&state, &ctx);
    };
    let pdf = indaba_desk::letter::pdf(&indaba_desk::letter::Document {
        title: &subject,
        label: None,
        body: &body,
    });
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-{step}.pdf\"", case.reference),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        pdf,
    )
        .into_response()
}

/// `POST /status/{token}/says`: "solved" or "still need help".
pub async fn says(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Some(case) = draft_by_token(&state, &token).await else {
        return not_found(&state, &ctx);
    };
    match state
        .store
        .desk_victim_says(&case.id, p.get("status"))
        .await
    {
        Ok(()) => {
            let tr = ctx.tr(&state);
            status_page(&state, &ctx, &token, Some(tr.t("desk-status-thanks"))).await
        }
        Err(_) => not_found(&state, &ctx),
    }
}

/// `POST /status/{token}/message`: the reporter writes to the desk.
pub async fn reporter_message(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Some(case) = draft_by_token(&state, &token).await else {
        return not_found(&state, &ctx);
    };
    let text =
        indaba_desk::intake::clean(p.get("body"), indaba_desk::intake::MAX_DESCRIPTION, true);
    if !text.is_empty() {
        let m = indaba_store::desk::NewMessage {
            case_id: &case.id,
            direction: "in",
            audience: "desk",
            sender: "reporter",
            recipients: "desk",
            subject: "",
            body: &text,
            tlp: case.tlp,
        };
        if let Err(e) = state.store.desk_add_message(&m).await {
            return internal(&state, &ctx, e);
        }
    }
    Redirect::to(&format!("/status/{token}#thread")).into_response()
}

/// `POST /status/{token}/consent`: the reporter agrees to a share.
pub async fn consent(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let p = Pairs::parse(&body);
    if !p.csrf_ok(&ctx) {
        return csrf_refused(&state, &ctx);
    }
    let Some(case) = draft_by_token(&state, &token).await else {
        return not_found(&state, &ctx);
    };
    let party = p.get("party");
    if !matches!(
        party,
        "abuse-contact" | "police" | "partner-cert" | "constituent"
    ) {
        return not_found(&state, &ctx);
    }
    if let Err(e) = state
        .store
        .desk_consent(&case.id, party, "share the case to resolve it")
        .await
    {
        return internal(&state, &ctx, e);
    }
    Redirect::to(&format!("/status/{token}#consent")).into_response()
}

/// `GET /static/desk.js`: saves the form as the person types (the CSP
/// allows scripts from the site itself only).
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/desk.js"),
    )
        .into_response()
}
