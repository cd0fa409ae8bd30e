//! The monitoring pages: lists (analysts and admins see and edit every
//! list; members see their own organisation's), a list's domains, settings,
//! import and export, its scans with their state and counts, cancel.

use std::io::Cursor;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use indaba_model::name::from_user_input;
use indaba_monitor::list::{Country, ListEntry, parse_tags, text_field};
use indaba_monitor::{Cadence, Kinds};
use indaba_store::monitor::{Import, List, NewList, Scan, StoredEntry};
use indaba_store::{Role, StoreError, User};
use serde::Deserialize;

use super::files::{self, Format};
use crate::app::{AppState, PageContext};
use crate::desk::when;
use crate::extract::{CsrfForm, RequireRole, role};
use crate::i18n::Tr;
use crate::pages::{message, render};
use crate::view::UserView;

/// Domains shown per page of a list.
const PAGE: i64 = 200;

/// Whether `user` may see `list`: analysts and admins every list, members
/// their organisation's.
pub fn may_see(user: &User, list: &List) -> bool {
    is_staff(user) || (list.owner_org.is_some() && list.owner_org == user.organisation_id)
}

/// The lists `user` may see: every list for analysts and admins, their
/// organisation's for members (none without an organisation).
pub(crate) async fn lists_visible_to(
    store: &indaba_store::Store,
    user: &User,
) -> Result<Vec<List>, indaba_store::StoreError> {
    if is_staff(user) {
        store.lists(None).await
    } else {
        match &user.organisation_id {
            Some(org) => store.lists(Some(org)).await,
            None => Ok(Vec::new()),
        }
    }
}

/// Whether `user` may make and edit lists and scans.
pub fn is_staff(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Analyst)
}

pub(crate) fn problem(
    state: &AppState,
    ctx: &PageContext,
    status: StatusCode,
    text: String,
) -> Response {
    message(state, ctx, status, "monitor-problem-title", text)
}

pub(crate) fn store_problem(state: &AppState, ctx: &PageContext, e: StoreError) -> Response {
    let tr = ctx.tr(state);
    match e {
        StoreError::NotFound(_) => {
            problem(state, ctx, StatusCode::NOT_FOUND, tr.t("monitor-not-found"))
        }
        StoreError::Refused(m) => problem(state, ctx, StatusCode::BAD_REQUEST, tr.m(&m)),
        StoreError::Invalid(_) => problem(
            state,
            ctx,
            StatusCode::BAD_REQUEST,
            tr.t("monitor-list-name-taken"),
        ),
        other => {
            tracing::error!(error = %other, "monitor");
            message(
                state,
                ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                tr.t("error-internal-text"),
            )
        }
    }
}

/// A list the user may see, or the page that says why not.
pub(crate) async fn visible_list(
    state: &AppState,
    ctx: &PageContext,
    user: &User,
    id: &str,
) -> Result<List, Response> {
    match state.store.list(id).await {
        Ok(l) if may_see(user, &l) => Ok(l),
        Ok(_) => Err(problem(
            state,
            ctx,
            StatusCode::NOT_FOUND,
            ctx.tr(state).t("monitor-not-found"),
        )),
        Err(e) => Err(store_problem(state, ctx, e)),
    }
}

/// A list as the pages show it.
pub struct ListView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Domains.
    pub domains: i64,
    /// `web`, `mail` or `web,mail`.
    pub kinds: String,
    /// Its schedule, if any.
    pub cadence: String,
    /// When it is next scanned by itself.
    pub next_run: String,
}

impl ListView {
    fn of(l: &List) -> ListView {
        ListView {
            id: l.id.clone(),
            name: l.name.clone(),
            domains: l.domains,
            kinds: l.kinds.as_str().to_string(),
            cadence: l.cadence.map(Cadence::as_str).unwrap_or("").to_string(),
            next_run: l.next_run_at.map(when).unwrap_or_default(),
        }
    }
}

/// A scan as the pages show it.
pub struct ScanView {
    /// Its id.
    pub id: String,
    /// The list's name.
    pub list_name: String,
    /// The list's id.
    pub list_id: String,
    /// Its state.
    pub state: String,
    /// The message id of its state.
    pub state_key: String,
    /// Whether it may still be cancelled.
    pub active: bool,
    /// Counts.
    pub queued: u64,
    /// Running.
    pub running: u64,
    /// Done.
    pub done: u64,
    /// In error.
    pub error: u64,
    /// Cancelled.
    pub cancelled: u64,
    /// All jobs.
    pub total: u64,
    /// When it was made.
    pub created: String,
}

impl ScanView {
    fn of(s: &Scan) -> ScanView {
        ScanView {
            id: s.id.clone(),
            list_name: s.list_name.clone(),
            list_id: s.list_id.clone(),
            state: s.state.as_str().to_string(),
            state_key: format!("monitor-state-{}", s.state.as_str()),
            active: s.state.active(),
            queued: s.counts.queued,
            running: s.counts.running,
            done: s.counts.done,
            error: s.counts.error,
            cancelled: s.counts.cancelled,
            total: s.counts.total(),
            created: when(s.created_at),
        }
    }
}

/// `/monitor`.
#[derive(Template)]
#[template(path = "monitor/lists.html")]
pub struct ListsPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Whether the user may make and edit lists.
    pub staff: bool,
    /// The lists.
    pub lists: Vec<ListView>,
    /// Recent scans.
    pub scans: Vec<ScanView>,
}

/// `GET /monitor`.
pub async fn index(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
) -> Response {
    let lists = match lists_visible_to(&state.store, &me.user).await {
        Ok(l) => l,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let mut scans = Vec::new();
    if is_staff(&me.user) {
        scans = state.store.scans(None, 20).await.unwrap_or_default();
    }
    let page = ListsPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        staff: is_staff(&me.user),
        lists: lists.iter().map(ListView::of).collect(),
        scans: scans.iter().map(ScanView::of).collect(),
    };
    ctx.finish(&state, render(page))
}

/// The new-list form.
#[derive(Debug, Deserialize)]
pub struct NewListForm {
    name: String,
    #[serde(default)]
    kinds: String,
    #[serde(default)]
    organisation: String,
}

/// `POST /monitor/lists`.
pub async fn create(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NewListForm>,
) -> Response {
    let kinds = match form.kinds.parse::<Kinds>() {
        Ok(k) => k,
        Err(m) => return problem(&state, &ctx, StatusCode::BAD_REQUEST, ctx.tr(&state).m(&m)),
    };
    let org = form.organisation.trim();
    let made = state
        .store
        .create_list(
            &ctx.actor(),
            NewList {
                name: &form.name,
                kinds,
                owner_org: (!org.is_empty()).then_some(org),
            },
        )
        .await;
    match made {
        Ok(l) => Redirect::to(&format!("/monitor/lists/{}", l.id)).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// A list's page.
#[derive(Template)]
#[template(path = "monitor/list.html")]
pub struct ListPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Whether the user may edit.
    pub staff: bool,
    /// The list.
    pub list: ListView,
    /// A page of its domains: domain, organisation, sector, country, tags.
    pub entries: Vec<[String; 5]>,
    /// Explanations in force per entry, in the order of `entries`.
    pub explained: Vec<usize>,
    /// The next page's start, if there is more.
    pub next: Option<String>,
    /// Its scans, newest first.
    pub scans: Vec<ScanView>,
    /// Every schedule's name.
    pub cadences: Vec<&'static str>,
}

/// Which page of a list.
#[derive(Debug, Deserialize)]
pub struct After {
    #[serde(default)]
    after: String,
}

/// `GET /monitor/lists/{id}`.
pub async fn show(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path(id): Path<String>,
    Query(q): Query<After>,
) -> Response {
    let list = match visible_list(&state, &ctx, &me.user, &id).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let entries: Vec<StoredEntry> = match state.store.entries(&id, &q.after, PAGE).await {
        Ok(e) => e,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let next = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| e.entry.domain.to_string()))
        .flatten();
    let scans = state.store.scans(Some(&id), 10).await.unwrap_or_default();
    let in_force = state
        .store
        .explained_in_force(&id, state.clock.now())
        .await
        .unwrap_or_default();
    let explained = entries
        .iter()
        .map(|e| {
            in_force
                .iter()
                .filter(|k| k.domain == e.entry.domain.as_str())
                .count()
        })
        .collect();
    let page = ListPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        staff: is_staff(&me.user),
        list: ListView::of(&list),
        entries: entries.iter().map(files::fields).collect(),
        explained,
        next,
        scans: scans.iter().map(ScanView::of).collect(),
        cadences: Cadence::ALL.iter().map(|c| c.as_str()).collect(),
    };
    ctx.finish(&state, render(page))
}

/// One domain typed into the form.
#[derive(Debug, Deserialize)]
pub struct EntryForm {
    domain: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    tags: String,
}

impl EntryForm {
    /// The entry, by the same rules as an imported row.
    fn entry(&self) -> Result<ListEntry, indaba_model::Message> {
        use indaba_model::ToMessage;
        let domain = from_user_input(&self.domain, true).map_err(|e| {
            indaba_model::msg!(
                "monitor-import-bad-domain",
                value = self.domain.trim().chars().take(80).collect::<String>(),
                reason = e.to_message()
            )
        })?;
        Ok(ListEntry {
            domain,
            organisation: text_field("organisation", &self.organisation)?,
            sector: text_field("sector", &self.sector)?,
            country: match self.country.trim() {
                "" => None,
                c => Some(Country::parse(c)?),
            },
            tags: parse_tags(&self.tags)?,
        })
    }
}

/// `POST /monitor/lists/{id}/domains`.
pub async fn add_domain(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> Response {
    let entry = match form.entry() {
        Ok(e) => e,
        Err(m) => return problem(&state, &ctx, StatusCode::BAD_REQUEST, ctx.tr(&state).m(&m)),
    };
    if let Err(e) = state.store.list(&id).await {
        return store_problem(&state, &ctx, e);
    }
    match state.store.add_entries(&ctx.actor(), &id, &[entry]).await {
        Ok(_) => Redirect::to(&format!("/monitor/lists/{id}")).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// A domain to take off a list.
#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    domain: String,
}

/// `POST /monitor/lists/{id}/remove`.
pub async fn remove_domain(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RemoveForm>,
) -> Response {
    match state
        .store
        .remove_entry(&ctx.actor(), &id, form.domain.trim())
        .await
    {
        Ok(_) => Redirect::to(&format!("/monitor/lists/{id}")).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// A list's settings.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    kinds: String,
    #[serde(default)]
    cadence: String,
    #[serde(default)]
    organisation: String,
}

/// `POST /monitor/lists/{id}/settings`.
pub async fn settings(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let kinds = match form.kinds.parse::<Kinds>() {
        Ok(k) => k,
        Err(m) => return problem(&state, &ctx, StatusCode::BAD_REQUEST, tr.m(&m)),
    };
    let cadence = match form.cadence.trim() {
        "" => None,
        c => match c.parse::<Cadence>() {
            Ok(c) => Some(c),
            Err(m) => return problem(&state, &ctx, StatusCode::BAD_REQUEST, tr.m(&m)),
        },
    };
    let org = form.organisation.trim();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match state
        .store
        .update_list(
            &ctx.actor(),
            &id,
            kinds,
            (!org.is_empty()).then_some(org),
            cadence,
            now,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/monitor/lists/{id}")).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// A form with nothing but its token.
#[derive(Debug, Deserialize)]
pub struct Empty {}

/// `POST /monitor/lists/{id}/scan`: starts a scan, or joins the running one.
pub async fn start_scan(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    match state.store.start_scan(&ctx.actor(), &id, None).await {
        Ok((scan, _)) => Redirect::to(&format!("/monitor/scans/{scan}")).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// A scan's page.
#[derive(Template)]
#[template(path = "monitor/scan.html")]
pub struct ScanPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Whether the user may cancel.
    pub staff: bool,
    /// The scan.
    pub view: ScanView,
    /// Jobs that ended in error: domain, kind, reason.
    pub errors: Vec<(String, String, String)>,
}

/// `GET /monitor/scans/{id}`.
pub async fn scan(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let scan = match state.store.scan(&id).await {
        Ok(s) => s,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    if let Err(r) = visible_list(&state, &ctx, &me.user, &scan.list_id).await {
        return r;
    }
    let tr = ctx.tr(&state);
    let errors = if scan.counts.error > 0 {
        state
            .store
            .scan_results(&id, 0, 10_000)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.state == "error")
            .take(100)
            .map(|r| {
                (
                    r.domain,
                    crate::monitor::kind_name(r.kind).to_string(),
                    r.error.map(|m| tr.m(&m)).unwrap_or_default(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = ScanPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        staff: is_staff(&me.user),
        view: ScanView::of(&scan),
        errors,
    };
    ctx.finish(&state, render(page))
}

/// `POST /monitor/scans/{id}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    match state.store.cancel_scan(&ctx.actor(), &id).await {
        Ok(_) => Redirect::to(&format!("/monitor/scans/{id}")).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// `GET /monitor/lists/{id}/export.{csv|xlsx}`.
pub async fn export(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path((id, ext)): Path<(String, String)>,
) -> Response {
    let list = match visible_list(&state, &ctx, &me.user, &id).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let format = match Format::from_file_name(&format!("x.{ext}")) {
        Some(f) => f,
        _ => {
            return problem(
                &state,
                &ctx,
                StatusCode::NOT_FOUND,
                ctx.tr(&state).t("monitor-not-found"),
            );
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = files::export(&state.store, &list.id, format, &mut bytes).await {
        tracing::error!(error = %e, "export");
        return problem(
            &state,
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            ctx.tr(&state).t("error-internal-text"),
        );
    }
    super::attachment(format.media_type(), &list.name, format.extension(), bytes)
}

/// `POST /monitor/lists/{id}/import` (multipart: `csrf` and `file`): starts
/// the import and sends the browser to its progress page.
pub async fn import(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Response {
    let tr = ctx.tr(&state);
    let mut token = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().unwrap_or_default().to_string();
                let Ok(bytes) = field.bytes().await else {
                    return problem(
                        &state,
                        &ctx,
                        StatusCode::BAD_REQUEST,
                        tr.t("monitor-import-upload-broken"),
                    );
                };
                match name.as_str() {
                    "csrf" => token = String::from_utf8_lossy(&bytes).into_owned(),
                    "file" => file = Some((file_name, bytes.to_vec())),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                return problem(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    tr.t("monitor-import-upload-broken"),
                );
            }
        }
    }
    if !ctx.csrf_accepts(&token) {
        return message(
            &state,
            &ctx,
            StatusCode::FORBIDDEN,
            "error-csrf-title",
            tr.t("error-csrf-text"),
        );
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return problem(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            tr.t("monitor-import-no-file"),
        );
    };
    let Some(format) = Format::from_file_name(&file_name) else {
        return problem(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            tr.m(&indaba_model::msg!("monitor-import-unknown-format")),
        );
    };
    if let Err(e) = state.store.list(&id).await {
        return store_problem(&state, &ctx, e);
    }
    let actor = ctx.actor();
    let import_id = match state.store.create_import(&actor, &id, &file_name).await {
        Ok(i) => i,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let store = state.store.clone();
    let (list_id, record) = (id.clone(), import_id.clone());
    tokio::spawn(async move {
        let done = files::import(
            &store,
            &actor,
            &list_id,
            &record,
            format,
            Cursor::new(bytes),
            |_| {},
        )
        .await;
        if let Err(e) = done {
            tracing::error!(error = %e, import = %record, "import failed");
            let failed = indaba_model::msg!("monitor-import-unreadable", reason = e.to_string());
            let _ = store
                .update_import(
                    &record,
                    "failed",
                    Default::default(),
                    0,
                    None,
                    Some(&failed),
                )
                .await;
        }
    });
    Redirect::to(&format!("/monitor/imports/{import_id}")).into_response()
}

/// An import's progress page.
#[derive(Template)]
#[template(path = "monitor/import.html")]
pub struct ImportPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The import.
    pub record: Import,
    /// Whether it is still running (the page refreshes itself).
    pub running: bool,
    /// The message id of its state.
    pub state_key: String,
    /// Each problem: line, text, whether the row was left out.
    pub problems: Vec<(u64, String, bool)>,
    /// Why it failed as a whole.
    pub fatal: Option<String>,
}

/// `GET /monitor/imports/{id}`.
pub async fn import_page(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let import = match state.store.import(&id).await {
        Ok(i) => i,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    if let Err(r) = visible_list(&state, &ctx, &me.user, &import.list_id).await {
        return r;
    }
    let tr = ctx.tr(&state);
    let problems = import
        .problems
        .iter()
        .map(|(line, m, dropped)| (*line, tr.m(m), *dropped))
        .collect();
    let page = ImportPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        running: matches!(import.state.as_str(), "reading" | "writing"),
        state_key: format!("monitor-import-state-{}", import.state),
        fatal: import.error.as_ref().map(|m| tr.m(m)),
        problems,
        record: import,
    };
    ctx.finish(&state, render(page))
}
