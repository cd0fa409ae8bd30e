//! The admin page: users, organisations, API keys and the audit log, made
//! safe to use. Every form that succeeds answers with 303 See Other back to
//! the page (a reload never submits twice) and its notice waits in
//! [`crate::flash`]; a form that fails answers with the page, its problem and
//! a 4xx (repeating it changes nothing). New users are members unless the
//! admin picks otherwise; roles and stakeholder groups are shown in words;
//! people and organisations are disabled, never deleted, so the audit log
//! (times in words, people by their address) stays whole.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use indaba_store::{ApiKey, NewUser, Organisation, Role, Stakeholder, User};
use serde::Deserialize;

use crate::app::{AppState, PageContext};
use crate::extract::{CsrfForm, RequireRole, role};
use crate::flash::Notice;
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::UserView;
use crate::when::{self, When};

/// The admin page.
#[derive(Template)]
#[template(path = "admin.html")]
pub struct AdminPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Every user.
    pub users: Vec<UserRow>,
    /// Every organisation.
    pub organisations: Vec<OrganisationRow>,
    /// Recent audit entries.
    pub audit: Vec<AuditRow>,
    /// Every API key (never the key itself).
    pub keys: Vec<KeyRow>,
    /// Roles to choose from: (value, words), `member` first (the default).
    pub roles: Vec<(&'static str, String)>,
    /// Stakeholder groups to choose from: (value, words).
    pub groups: Vec<(&'static str, String)>,
    /// The languages notices can be written in: (tag, its own name).
    pub languages: Vec<(String, String)>,
    /// What the last action said.
    pub notice: Option<Notice>,
}

/// A user as the admin page lists them.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// The account.
    pub user: User,
    /// Their role in words.
    pub role: String,
}

/// An organisation as the admin page lists it.
#[derive(Debug, Clone)]
pub struct OrganisationRow {
    /// The organisation.
    pub organisation: Organisation,
    /// Its stakeholder group in words.
    pub group: String,
}

/// An API key as the admin page lists it.
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// The key (never the secret).
    pub key: ApiKey,
    /// Made.
    pub created: When,
    /// Last used, if ever.
    pub last_used: Option<When>,
    /// Stops working, if ever.
    pub expires: Option<When>,
    /// Whether it works now.
    pub live: bool,
}

/// An audit entry as the admin page lists it.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// When.
    pub at: When,
    /// Who: their address, or "-" for anonymous clients and the system.
    pub who: String,
    /// From where.
    pub client: String,
    /// What.
    pub action: String,
    /// To what.
    pub subject: String,
    /// Details (JSON).
    pub detail: String,
}

/// The words of a role.
pub fn role_words(tr: &Tr<'_>, role: Role) -> String {
    tr.t(&format!("admin-role-{}", role.as_str()))
}

/// The words of a stakeholder group.
pub fn group_words(tr: &Tr<'_>, group: Stakeholder) -> String {
    tr.t(&format!("admin-group-{}", group.as_str().replace('_', "-")))
}

async fn admin_page(state: &AppState, ctx: &PageContext, notice: Option<Notice>) -> Response {
    let tr = ctx.tr(state);
    let (users, organisations, audit, keys) = (
        state.store.users().await.unwrap_or_default(),
        state.store.organisations().await.unwrap_or_default(),
        state.store.audit_entries(50).await.unwrap_or_default(),
        state.store.api_keys().await.unwrap_or_default(),
    );
    let now = indaba_store::now();
    let emails: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.id.as_str(), u.email.as_str()))
        .collect();
    let audit = audit
        .into_iter()
        .map(|a| AuditRow {
            at: when::at(&tr, a.at),
            who: a
                .actor
                .as_deref()
                .map(|id| emails.get(id).copied().unwrap_or(id).to_string())
                .unwrap_or_else(|| "-".to_string()),
            client: a.client,
            action: a.action,
            subject: emails
                .get(a.subject.as_str())
                .map(|e| e.to_string())
                .unwrap_or(a.subject),
            detail: a.detail,
        })
        .collect();
    let keys = keys
        .into_iter()
        .map(|k| KeyRow {
            created: when::at(&tr, k.created_at),
            last_used: k.last_used_at.map(|t| when::at(&tr, t)),
            expires: k.expires_at.map(|t| when::at(&tr, t)),
            live: k.is_live(now),
            key: k,
        })
        .collect();
    let mut roles: Vec<Role> = Role::ALL.to_vec();
    roles.sort_by_key(|r| *r != Role::Member);
    let page = AdminPage {
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        users: users
            .into_iter()
            .map(|u| UserRow {
                role: role_words(&tr, u.role),
                user: u,
            })
            .collect(),
        organisations: organisations
            .into_iter()
            .map(|o| OrganisationRow {
                group: group_words(&tr, o.stakeholder),
                organisation: o,
            })
            .collect(),
        audit,
        keys,
        roles: roles
            .into_iter()
            .map(|r| (r.as_str(), role_words(&tr, r)))
            .collect(),
        groups: Stakeholder::ALL
            .iter()
            .map(|g| (g.as_str(), group_words(&tr, *g)))
            .collect(),
        languages: crate::notices::language_names(&tr),
        notice,
        tr,
    };
    ctx.finish(state, render(page))
}

/// After an action that worked: back to the admin page (303), where
/// `notice` waits for this session.
fn done(state: &AppState, ctx: &PageContext, notice: String, anchor: &str) -> Response {
    if let Some(session) = &ctx.session_token {
        state.flash.put(
            session,
            Notice {
                text: notice,
                problem: false,
            },
        );
    }
    Redirect::to(&format!("/admin#{anchor}")).into_response()
}

/// After an action that failed: the page with the problem, and `status`.
async fn failed(
    state: &AppState,
    ctx: &PageContext,
    status: StatusCode,
    problem: String,
) -> Response {
    let mut r = admin_page(
        state,
        ctx,
        Some(Notice {
            text: problem,
            problem: true,
        }),
    )
    .await;
    *r.status_mut() = status;
    r
}

/// A store error as the admin reads it, and its status.
fn store_problem(tr: &Tr<'_>, e: indaba_store::StoreError) -> (StatusCode, String) {
    match e {
        indaba_store::StoreError::LastAdmin => (StatusCode::CONFLICT, tr.t("platform-last-admin")),
        indaba_store::StoreError::NotFound(_) => {
            (StatusCode::NOT_FOUND, tr.t("error-page-notfound"))
        }
        indaba_store::StoreError::Invalid(reason) => (StatusCode::BAD_REQUEST, reason),
        other => {
            let id = crate::errors::incident_id();
            tracing::error!(incident = %id, error = %other, "admin action failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                tr.t1("error-internal-incident", "incident", id),
            )
        }
    }
}

/// `GET /admin` (admins only).
pub async fn admin(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
) -> Response {
    let notice = ctx
        .session_token
        .as_deref()
        .and_then(|s| state.flash.take(s));
    admin_page(&state, &ctx, notice).await
}

/// The new-user form.
#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    password: String,
}

/// A role from a form: `member` unless another is named.
fn parse_role(text: &str) -> Role {
    text.parse().unwrap_or(Role::Member)
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// `POST /admin/users`.
pub async fn create_user(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Response {
    let created = state
        .store
        .create_user(
            &ctx.actor(),
            NewUser {
                email: &form.email,
                name: &form.name,
                role: parse_role(&form.role),
                organisation_id: optional(&form.organisation),
                password: &form.password,
            },
        )
        .await;
    let tr = ctx.tr(&state);
    match created {
        Ok(user) => done(
            &state,
            &ctx,
            tr.t1("admin-user-created", "email", user.email),
            "users",
        ),
        Err(e) => {
            let (status, problem) = store_problem(&tr, e);
            failed(&state, &ctx, status, problem).await
        }
    }
}

/// The user-update form.
#[derive(Debug, Deserialize)]
pub struct UpdateUserForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    disabled: Option<String>,
}

/// `POST /admin/users/{id}`: the last enabled admin can be neither demoted
/// nor disabled.
pub async fn update_user(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<UpdateUserForm>,
) -> Response {
    let tr = ctx.tr(&state);
    match state
        .store
        .update_user(
            &ctx.actor(),
            &id,
            parse_role(&form.role),
            optional(&form.organisation),
            form.disabled.is_some(),
        )
        .await
    {
        Ok(()) => done(&state, &ctx, tr.t("admin-saved"), "users"),
        Err(e) => {
            let (status, problem) = store_problem(&tr, e);
            failed(&state, &ctx, status, problem).await
        }
    }
}

/// The new-organisation form.
#[derive(Debug, Deserialize)]
pub struct NewOrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    stakeholder: String,
}

/// `POST /admin/organisations`.
pub async fn create_organisation(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NewOrganisationForm>,
) -> Response {
    let stakeholder = form.stakeholder.parse().unwrap_or(Stakeholder::Other);
    let tr = ctx.tr(&state);
    match state
        .store
        .create_organisation(&ctx.actor(), &form.name, stakeholder)
        .await
    {
        Ok(o) => done(
            &state,
            &ctx,
            tr.t1("admin-org-created", "name", o.name),
            "orgs",
        ),
        Err(e) => {
            let (status, problem) = store_problem(&tr, e);
            failed(&state, &ctx, status, problem).await
        }
    }
}

/// The organisation form: disabled or not.
#[derive(Debug, Deserialize)]
pub struct OrganisationStateForm {
    #[serde(default)]
    disabled: Option<String>,
}

/// `POST /admin/organisations/{id}`: disables an organisation (and its
/// people's accounts) or enables it again.
pub async fn update_organisation(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<OrganisationStateForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let disabled = form.disabled.is_some();
    match state
        .store
        .set_organisation_disabled(&ctx.actor(), &id, disabled)
        .await
    {
        Ok(people) => done(
            &state,
            &ctx,
            if disabled {
                tr.m(&indaba_model::Message::new("admin-org-disabled").arg("count", people as i64))
            } else {
                tr.t("admin-org-enabled")
            },
            "orgs",
        ),
        Err(e) => {
            let (status, problem) = store_problem(&tr, e);
            failed(&state, &ctx, status, problem).await
        }
    }
}

/// The organisation's language form.
#[derive(Debug, Deserialize)]
pub struct OrganisationLanguageForm {
    /// A language the catalogue has, or empty for "not known".
    #[serde(default)]
    language: String,
}

/// `POST /admin/organisations/{id}/language`: the language the
/// organisation's notices are written in; only a language the platform
/// translates.
pub async fn update_organisation_language(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<OrganisationLanguageForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let language = optional(&form.language);
    if let Some(l) = language
        && !state.translations.languages().contains(&l)
    {
        let problem = tr.t("notices-org-language-bad");
        return failed(&state, &ctx, StatusCode::BAD_REQUEST, problem).await;
    }
    match state
        .store
        .set_organisation_language(&ctx.actor(), &id, language)
        .await
    {
        Ok(()) => {
            let name = state
                .store
                .organisations()
                .await
                .unwrap_or_default()
                .into_iter()
                .find(|o| o.id == id)
                .map(|o| o.name)
                .unwrap_or(id);
            let words = match language {
                Some(l) => crate::notices::language_name(&tr, l),
                None => tr.t("notices-org-language-unknown"),
            };
            let notice = tr.m(&indaba_model::Message::new("notices-org-language-saved")
                .arg("name", name.as_str())
                .arg("language", words.as_str()));
            done(&state, &ctx, notice, "orgs")
        }
        Err(e) => {
            let (status, problem) = store_problem(&tr, e);
            failed(&state, &ctx, status, problem).await
        }
    }
}

/// The new-API-key form.
#[derive(Debug, Deserialize)]
pub struct ApiKeyForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    label: String,
    /// Days until the key stops working; empty or 0 for never.
    #[serde(default)]
    expires_days: String,
}

/// The longest expiry an admin can give a key, in days.
pub const MAX_KEY_DAYS: i64 = 3650;

/// `POST /admin/api-keys`: the key is shown once, on the page the redirect
/// leads to.
pub async fn create_api_key(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ApiKeyForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let days = match form.expires_days.trim() {
        "" => Some(0),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=MAX_KEY_DAYS).contains(d)),
    };
    let Some(days) = days else {
        return failed(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            tr.t1("platform-key-bad-expiry", "max", MAX_KEY_DAYS),
        )
        .await;
    };
    let expires = (days > 0).then(|| indaba_store::now() + days * 86_400);
    match state
        .store
        .create_api_key(&ctx.actor(), &form.user, &form.label, expires)
        .await
    {
        Ok(key) => done(&state, &ctx, tr.t1("admin-key-created", "key", key), "keys"),
        Err(e) => {
            let (status, problem) = store_problem(&tr, e);
            failed(&state, &ctx, status, problem).await
        }
    }
}

/// `POST /admin/api-keys/{id}/revoke`: for good.
pub async fn revoke_api_key(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::accounts::EmptyForm>,
) -> Response {
    let tr = ctx.tr(&state);
    match state.store.revoke_api_key(&ctx.actor(), &id).await {
        Ok(()) => done(&state, &ctx, tr.t("platform-key-revoked"), "keys"),
        Err(e) => {
            let (status, problem) = store_problem(&tr, e);
            failed(&state, &ctx, status, problem).await
        }
    }
}
