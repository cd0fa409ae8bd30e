//! Sign-in, sign-out, password reset by e-mail, and the admin pages for users,
//! organisations and API keys. Every change goes through the store, which
//! writes the audit log in the same transaction.

use std::time::Duration;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use indaba_store::{AuditEntry, NewUser, Organisation, Role, Stakeholder, User};
use serde::Deserialize;

use crate::app::{AppState, Client, PageContext, SESSION_COOKIE, too_many};
use crate::i18n::Tr;
use crate::pages::{message, render};
use crate::protect;
use crate::view::UserView;

/// How long a session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// How long a reset link works.
pub const RESET_TTL: Duration = Duration::from_secs(3600);

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// A problem to show.
    pub problem: Option<String>,
}

/// The "forgot password" and "new password" pages.
#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The reset token when choosing a new password; `None` when asking for a link.
    pub token: Option<&'a str>,
    /// A problem to show.
    pub problem: Option<String>,
}

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
    pub users: Vec<User>,
    /// Every organisation.
    pub organisations: Vec<Organisation>,
    /// Recent audit entries.
    pub audit: Vec<AuditEntry>,
    /// Roles to choose from.
    pub roles: &'static [Role],
    /// Stakeholder groups to choose from.
    pub stakeholders: &'static [Stakeholder],
    /// A message after an action (e.g. a new API key, shown once).
    pub notice: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `GET /login`.
pub async fn login_form(State(state): State<AppState>, ctx: PageContext) -> Response {
    let page = LoginPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        problem: None,
    };
    ctx.finish(&state, render(page))
}

fn csrf_refused(state: &AppState, ctx: &PageContext) -> Response {
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::FORBIDDEN,
        "error-csrf-title",
        tr.t("error-csrf-text"),
    )
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    Form(form): Form<LoginForm>,
) -> Response {
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    // Sign-in attempts share the submission budget: guessing is slow.
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    let tr = ctx.tr(&state);
    match state.store.authenticate(&form.email, &form.password).await {
        Ok(Some(user)) => match state
            .store
            .create_session(&user.id, SESSION_TTL.as_secs() as i64)
            .await
        {
            Ok(token) => {
                let cookie = protect::set_cookie(
                    SESSION_COOKIE,
                    &token,
                    state.config.secure_cookies,
                    Some(SESSION_TTL),
                );
                ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot create a session");
                message(
                    &state,
                    &ctx,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal-title",
                    tr.t("error-internal-text"),
                )
            }
        },
        Ok(None) => {
            let page = LoginPage {
                tr,
                csrf: &ctx.csrf,
                user: None,
                problem: Some(tr.t("login-failed")),
            };
            let mut r = render(page);
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            ctx.finish(&state, r)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot authenticate");
            message(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                tr.t("error-internal-text"),
            )
        }
    }
}

/// A form with only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    if let Some(token) = &ctx.session_token
        && let Err(e) = state.store.delete_session(token).await
    {
        tracing::warn!(error = %e, "cannot delete a session");
    }
    let cookie = protect::set_cookie(
        SESSION_COOKIE,
        "",
        state.config.secure_cookies,
        Some(Duration::ZERO),
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

/// `GET /password/forgot`.
pub async fn forgot_form(State(state): State<AppState>, ctx: PageContext) -> Response {
    let page = PasswordPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token: None,
        problem: None,
    };
    ctx.finish(&state, render(page))
}

/// The "forgot password" form.
#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// `POST /password/forgot`: mails a reset link if the address has an
/// account; the answer is the same either way.
pub async fn forgot(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    Form(form): Form<ForgotForm>,
) -> Response {
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    let tr = ctx.tr(&state);
    if let Ok(Some(user)) = state.store.user_by_email(&form.email).await
        && !user.disabled
    {
        let ttl = RESET_TTL.as_secs() as i64;
        match (
            &state.mailer,
            state.store.create_reset_token(&user.id, ttl).await,
        ) {
            (Some(mailer), Ok(token)) => {
                let link = format!(
                    "{}/password/reset/{token}",
                    state.config.base_url.trim_end_matches('/')
                );
                let (subject, body) = (
                    tr.t("reset-mail-subject"),
                    tr.t1("reset-mail-body", "link", link),
                );
                let mailer = mailer.clone();
                // Sent in the background, so the answer takes as long whether
                // or not the address has an account.
                tokio::spawn(async move {
                    if let Err(e) = mailer.send(&user.email, &subject, body).await {
                        tracing::error!(error = %e, "cannot send a reset mail");
                    }
                });
            }
            (None, _) => tracing::error!(
                "a password reset was asked for, but no SMTP server is configured (--smtp)"
            ),
            (_, Err(e)) => tracing::error!(error = %e, "cannot create a reset token"),
        }
    }
    message(
        &state,
        &ctx,
        StatusCode::OK,
        "reset-sent-title",
        tr.t("reset-sent-text"),
    )
}

/// `GET /password/reset/{token}`.
pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Response {
    let page = PasswordPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token: Some(&token),
        problem: None,
    };
    ctx.finish(&state, render(page))
}

/// The new-password form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// `POST /password/reset/{token}`.
pub async fn reset(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Response {
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    let problem = match state
        .store
        .consume_reset_token(&token, &form.password)
        .await
    {
        Ok(true) => {
            return message(
                &state,
                &ctx,
                StatusCode::OK,
                "reset-done-title",
                tr.t("reset-done-text"),
            );
        }
        Ok(false) => tr.t("reset-invalid"),
        Err(indaba_store::StoreError::Invalid(reason)) => reason,
        Err(e) => {
            tracing::error!(error = %e, "cannot reset a password");
            tr.t("error-internal-text")
        }
    };
    let page = PasswordPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token: Some(&token),
        problem: Some(problem),
    };
    let mut r = render(page);
    *r.status_mut() = StatusCode::BAD_REQUEST;
    ctx.finish(&state, r)
}

/// The signed-in admin, or the answer to give instead.
// A `Response` is the natural rejection of a handler; boxing it would only
// move the allocation.
#[allow(clippy::result_large_err)]
fn require_admin(state: &AppState, ctx: &PageContext) -> Result<User, Response> {
    match &ctx.session {
        None => Err(Redirect::to("/login").into_response()),
        Some(s) if s.user.role == Role::Admin => Ok(s.user.clone()),
        Some(_) => {
            let tr = ctx.tr(state);
            Err(message(
                state,
                ctx,
                StatusCode::FORBIDDEN,
                "error-forbidden-title",
                tr.t("error-forbidden-text"),
            ))
        }
    }
}

async fn admin_page(state: &AppState, ctx: &PageContext, notice: Option<String>) -> Response {
    let (users, organisations, audit) = (
        state.store.users().await.unwrap_or_default(),
        state.store.organisations().await.unwrap_or_default(),
        state.store.audit_entries(50).await.unwrap_or_default(),
    );
    let page = AdminPage {
        tr: ctx.tr(state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        users,
        organisations,
        audit,
        roles: Role::ALL,
        stakeholders: Stakeholder::ALL,
        notice,
    };
    ctx.finish(state, render(page))
}

/// `GET /admin` (admins only).
pub async fn admin(State(state): State<AppState>, ctx: PageContext) -> Response {
    match require_admin(&state, &ctx) {
        Ok(_) => admin_page(&state, &ctx, None).await,
        Err(r) => r,
    }
}

/// The new-user form.
#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    csrf: String,
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

fn parse_role(text: &str) -> Role {
    text.parse().unwrap_or(Role::Member)
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// `POST /admin/users`.
pub async fn admin_create_user(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<NewUserForm>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    let created = state
        .store
        .create_user(
            Some(&admin.id),
            NewUser {
                email: &form.email,
                name: &form.name,
                role: parse_role(&form.role),
                organisation_id: optional(&form.organisation),
                password: &form.password,
            },
        )
        .await;
    let notice = match created {
        Ok(user) => ctx.tr(&state).t1("admin-user-created", "email", user.email),
        Err(e) => e.to_string(),
    };
    admin_page(&state, &ctx, Some(notice)).await
}

/// The user-update form.
#[derive(Debug, Deserialize)]
pub struct UpdateUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    disabled: Option<String>,
}

/// `POST /admin/users/{id}`.
pub async fn admin_update_user(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<UpdateUserForm>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    let notice = match state
        .store
        .update_user(
            Some(&admin.id),
            &id,
            parse_role(&form.role),
            optional(&form.organisation),
            form.disabled.is_some(),
        )
        .await
    {
        Ok(()) => ctx.tr(&state).t("admin-saved"),
        Err(e) => e.to_string(),
    };
    admin_page(&state, &ctx, Some(notice)).await
}

/// The new-organisation form.
#[derive(Debug, Deserialize)]
pub struct NewOrganisationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    stakeholder: String,
}

/// `POST /admin/organisations`.
pub async fn admin_create_organisation(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<NewOrganisationForm>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    let stakeholder = form.stakeholder.parse().unwrap_or(Stakeholder::Other);
    let notice = match state
        .store
        .create_organisation(Some(&admin.id), &form.name, stakeholder)
        .await
    {
        Ok(o) => ctx.tr(&state).t1("admin-org-created", "name", o.name),
        Err(e) => e.to_string(),
    };
    admin_page(&state, &ctx, Some(notice)).await
}

/// The new-API-key form.
#[derive(Debug, Deserialize)]
pub struct ApiKeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    label: String,
}

/// `POST /admin/api-keys`: the key is shown once, on the page that answers.
pub async fn admin_create_api_key(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<ApiKeyForm>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !protect::csrf_ok_with(&ctx.csrf, ctx.set_csrf_cookie, &form.csrf) {
        return csrf_refused(&state, &ctx);
    }
    let notice = match state
        .store
        .create_api_key(Some(&admin.id), &form.user, &form.label)
        .await
    {
        Ok(key) => ctx.tr(&state).t1("admin-key-created", "key", key),
        Err(e) => e.to_string(),
    };
    admin_page(&state, &ctx, Some(notice)).await
}
