//! Sign-in, sign-out, password reset by e-mail, and the admin pages for users,
//! organisations and API keys. Every change goes through the store, which
//! writes the audit log in the same transaction; the rules (CSRF, roles) are
//! the extractors of [`crate::extract`].
//!
//! Sign-in is throttled per client address (the submission budget) and per
//! account (growing delays, in the store); after repeated failures the
//! account's owner gets a notice by mail. Reset mails are capped per account
//! and hour, and the reset token is checked before anything else.

use std::time::Duration;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use indaba_store::{ApiKey, AuditEntry, NewUser, Organisation, Role, SignIn, Stakeholder, User};
use serde::Deserialize;

use crate::app::{AppState, Client, PageContext, too_many};
use crate::extract::{CsrfForm, RequireRole, role};
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
    /// Every API key (never the key itself).
    pub keys: Vec<ApiKey>,
    /// Now (Unix seconds), to tell live keys from dead ones.
    pub now: i64,
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

fn internal_error(
    state: &AppState,
    ctx: &PageContext,
    what: &str,
    e: impl std::fmt::Display,
) -> Response {
    tracing::error!(error = %e, "{what}");
    let tr = ctx.tr(state);
    message(
        state,
        ctx,
        StatusCode::INTERNAL_SERVER_ERROR,
        "error-internal-title",
        tr.t("error-internal-text"),
    )
}

/// Sends `subject`/`body` to `to` in the background (the answer must not
/// take longer, or say more, because a mail was sent).
fn send_later(state: &AppState, to: String, subject: String, body: String) {
    match &state.mailer {
        Some(mailer) => {
            let mailer = mailer.clone();
            tokio::spawn(async move {
                if let Err(e) = mailer.send(&to, &subject, body).await {
                    tracing::error!(error = %e, "cannot send a mail");
                }
            });
        }
        None => tracing::error!("a mail should go out, but no SMTP server is configured (--smtp)"),
    }
}

/// `POST /login`: a fresh session (with its own CSRF token) on success; the
/// session the browser had before, if any, ends.
pub async fn login(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Response {
    // Sign-in attempts share the submission budget: guessing is slow.
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    let tr = ctx.tr(&state);
    let actor = ctx.actor();
    match state
        .store
        .authenticate(&actor, &form.email, &form.password)
        .await
    {
        Ok(SignIn::Success(user)) => {
            if let Some(old) = &ctx.session_token
                && let Err(e) = state.store.delete_session(&actor, old).await
            {
                tracing::warn!(error = %e, "cannot end the previous session");
            }
            match state
                .store
                .create_session(&actor.as_user(&user.id), SESSION_TTL.as_secs() as i64)
                .await
            {
                Ok(token) => {
                    let secure = state.config.secure_cookies;
                    let cookie = protect::set_cookie(
                        protect::session_cookie(secure),
                        &token,
                        secure,
                        Some(SESSION_TTL),
                    );
                    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
                }
                Err(e) => internal_error(&state, &ctx, "cannot create a session", e),
            }
        }
        Ok(SignIn::Failed { notice }) => {
            if let Some(user) = notice {
                send_later(
                    &state,
                    user.email.clone(),
                    tr.t("platform-signin-notice-subject"),
                    tr.t1("platform-signin-notice-body", "email", &user.email),
                );
            }
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
        Ok(SignIn::Throttled(wait)) => {
            let page = LoginPage {
                tr,
                csrf: &ctx.csrf,
                user: None,
                problem: Some(tr.t1(
                    "platform-signin-throttled",
                    "seconds",
                    wait.as_secs().max(1),
                )),
            };
            let mut r = render(page);
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(wait.as_secs().max(1)),
            );
            ctx.finish(&state, r)
        }
        Err(e) => internal_error(&state, &ctx, "cannot authenticate", e),
    }
}

/// A form with only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct EmptyForm {}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Response {
    if let Some(token) = &ctx.session_token
        && let Err(e) = state.store.delete_session(&ctx.actor(), token).await
    {
        tracing::warn!(error = %e, "cannot delete a session");
    }
    let secure = state.config.secure_cookies;
    let cookie = protect::set_cookie(
        protect::session_cookie(secure),
        "",
        secure,
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
    email: String,
}

/// `POST /password/forgot`: mails a reset link if the address has an
/// account (at most [`WebConfig::reset_mails_per_hour`](crate::WebConfig)
/// an hour); the answer is the same either way.
pub async fn forgot(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Response {
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    let tr = ctx.tr(&state);
    if let Ok(Some(user)) = state.store.user_by_email(&form.email).await
        && !user.disabled
    {
        let ttl = RESET_TTL.as_secs() as i64;
        match state
            .store
            .create_reset_token(
                &ctx.actor(),
                &user.id,
                ttl,
                state.config.reset_mails_per_hour,
            )
            .await
        {
            Ok(Some(token)) => {
                let link = format!(
                    "{}/password/reset/{token}",
                    state.config.base_url.trim_end_matches('/')
                );
                send_later(
                    &state,
                    user.email.clone(),
                    tr.t("reset-mail-subject"),
                    tr.t1("reset-mail-body", "link", link),
                );
            }
            Ok(None) => tracing::warn!(user = %user.id, "reset mails capped for this hour"),
            Err(e) => tracing::error!(error = %e, "cannot create a reset token"),
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

/// `GET /password/reset/{token}`: the form, or at once the news that the
/// link is no good.
pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Response {
    let valid = state.store.reset_token_valid(&token).await.unwrap_or(false);
    let tr = ctx.tr(&state);
    let page = PasswordPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token: Some(&token),
        problem: (!valid).then(|| tr.t("reset-invalid")),
    };
    let mut r = render(page);
    if !valid {
        *r.status_mut() = StatusCode::NOT_FOUND;
    }
    ctx.finish(&state, r)
}

/// The new-password form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// `POST /password/reset/{token}`: the token is checked first (the store
/// neither judges nor hashes a password for a bad token); rate-limited like
/// sign-in, since a token is a password of sorts.
pub async fn reset(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Response {
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    let tr = ctx.tr(&state);
    let problem = match state
        .store
        .consume_reset_token(&ctx.actor(), &token, &form.password)
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

async fn admin_page(state: &AppState, ctx: &PageContext, notice: Option<String>) -> Response {
    let (users, organisations, audit, keys) = (
        state.store.users().await.unwrap_or_default(),
        state.store.organisations().await.unwrap_or_default(),
        state.store.audit_entries(50).await.unwrap_or_default(),
        state.store.api_keys().await.unwrap_or_default(),
    );
    let page = AdminPage {
        tr: ctx.tr(state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        users,
        organisations,
        audit,
        keys,
        now: indaba_store::now(),
        roles: Role::ALL,
        stakeholders: Stakeholder::ALL,
        notice,
    };
    ctx.finish(state, render(page))
}

/// A store error as the admin reads it.
fn store_problem(tr: &Tr<'_>, e: indaba_store::StoreError) -> String {
    match e {
        indaba_store::StoreError::LastAdmin => tr.t("platform-last-admin"),
        other => other.to_string(),
    }
}

/// `GET /admin` (admins only).
pub async fn admin(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
) -> Response {
    admin_page(&state, &ctx, None).await
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

fn parse_role(text: &str) -> Role {
    text.parse().unwrap_or(Role::Member)
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// `POST /admin/users`.
pub async fn admin_create_user(
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
    let notice = match created {
        Ok(user) => tr.t1("admin-user-created", "email", user.email),
        Err(e) => store_problem(&tr, e),
    };
    admin_page(&state, &ctx, Some(notice)).await
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
pub async fn admin_update_user(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<UpdateUserForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let (status, notice) = match state
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
        Ok(()) => (StatusCode::OK, tr.t("admin-saved")),
        Err(e @ indaba_store::StoreError::LastAdmin) => {
            (StatusCode::CONFLICT, store_problem(&tr, e))
        }
        Err(e) => (StatusCode::BAD_REQUEST, store_problem(&tr, e)),
    };
    let mut r = admin_page(&state, &ctx, Some(notice)).await;
    *r.status_mut() = status;
    r
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
pub async fn admin_create_organisation(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NewOrganisationForm>,
) -> Response {
    let stakeholder = form.stakeholder.parse().unwrap_or(Stakeholder::Other);
    let tr = ctx.tr(&state);
    let notice = match state
        .store
        .create_organisation(&ctx.actor(), &form.name, stakeholder)
        .await
    {
        Ok(o) => tr.t1("admin-org-created", "name", o.name),
        Err(e) => store_problem(&tr, e),
    };
    admin_page(&state, &ctx, Some(notice)).await
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

/// `POST /admin/api-keys`: the key is shown once, on the page that answers.
pub async fn admin_create_api_key(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ApiKeyForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let days = match form.expires_days.trim() {
        "" => Ok(0),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=MAX_KEY_DAYS).contains(d))
            .ok_or(()),
    };
    let notice = match days {
        Err(()) => tr.t1("platform-key-bad-expiry", "max", MAX_KEY_DAYS),
        Ok(days) => {
            let expires = (days > 0).then(|| indaba_store::now() + days * 86_400);
            match state
                .store
                .create_api_key(&ctx.actor(), &form.user, &form.label, expires)
                .await
            {
                Ok(key) => tr.t1("admin-key-created", "key", key),
                Err(e) => store_problem(&tr, e),
            }
        }
    };
    admin_page(&state, &ctx, Some(notice)).await
}

/// `POST /admin/api-keys/{id}/revoke`: for good.
pub async fn admin_revoke_api_key(
    State(state): State<AppState>,
    _admin: RequireRole<role::Admin>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let notice = match state.store.revoke_api_key(&ctx.actor(), &id).await {
        Ok(()) => tr.t("platform-key-revoked"),
        Err(e) => store_problem(&tr, e),
    };
    admin_page(&state, &ctx, Some(notice)).await
}
