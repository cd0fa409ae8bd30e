//! Sign-in, sign-out and password reset by e-mail (the admin page is
//! [`crate::admin`]). Every change goes through the store, which writes the
//! audit log in the same transaction; the rules (CSRF, roles) are the
//! extractors of [`crate::extract`].
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
use indaba_store::{ResetLink, SignIn};
use serde::Deserialize;

use crate::app::{AppState, Client, PageContext, too_many};
use crate::extract::CsrfForm;
use crate::i18n::Tr;
use crate::mail::{MailBody, Paragraph};
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
    /// The link is used, expired or unknown: say so and offer a new one,
    /// without the form.
    pub dead_link: bool,
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
fn send_later(state: &AppState, to: String, subject: String, body: MailBody) {
    match &state.mailer {
        Some(mailer) => {
            let mailer = mailer.clone();
            tokio::spawn(async move {
                if let Err(e) = mailer.send_body(&to, &subject, &body).await {
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
                let subject = tr.t("platform-signin-notice-subject");
                let body = MailBody::compose(
                    tr.lang,
                    &subject,
                    &[Paragraph::Text(tr.t1(
                        "platform-signin-notice-body",
                        "email",
                        &user.email,
                    ))],
                );
                send_later(&state, user.email.clone(), subject, body);
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
        dead_link: false,
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
                let (subject, body) = reset_mail(tr, &link);
                send_later(&state, user.email.clone(), subject, body);
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

/// The reset mail with `link`: its subject and body.
fn reset_mail(tr: Tr<'_>, link: &str) -> (String, MailBody) {
    let subject = tr.t("reset-mail-subject");
    let body = MailBody::compose(
        tr.lang,
        &subject,
        &[
            Paragraph::Text(tr.t("reset-mail-asked")),
            Paragraph::Text(tr.t("reset-mail-choose")),
            Paragraph::Link(link.to_string()),
            Paragraph::Text(tr.t("reset-mail-ignore")),
        ],
    );
    (subject, body)
}

/// The page of a reset link that does not work, saying why (used,
/// expired, unknown) with a link to ask for a new one and no form: 410 for
/// a link that did exist, 404 otherwise.
fn dead_link_page(state: &AppState, ctx: &PageContext, token: &str, link: ResetLink) -> Response {
    let tr = ctx.tr(state);
    let (key, status) = match link {
        ResetLink::Used => ("reset-used", StatusCode::GONE),
        ResetLink::Expired => ("reset-expired", StatusCode::GONE),
        ResetLink::Live | ResetLink::Unknown => ("reset-invalid", StatusCode::NOT_FOUND),
    };
    let page = PasswordPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token: Some(token),
        problem: Some(tr.t(key)),
        dead_link: true,
    };
    let mut r = render(page);
    *r.status_mut() = status;
    ctx.finish(state, r)
}

/// `GET /password/reset/{token}`: the form, or at once (before any form)
/// the news that the link was used, expired or is unknown.
pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Response {
    let link = match state.store.reset_link(&token).await {
        Ok(link) => link,
        Err(e) => return internal_error(&state, &ctx, "cannot look up a reset link", e),
    };
    if link != ResetLink::Live {
        return dead_link_page(&state, &ctx, &token, link);
    }
    let page = PasswordPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token: Some(&token),
        problem: None,
        dead_link: false,
    };
    ctx.finish(&state, render(page))
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
        Ok(false) => {
            let link = state
                .store
                .reset_link(&token)
                .await
                .unwrap_or(ResetLink::Unknown);
            let mut r = dead_link_page(&state, &ctx, &token, link);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            return r;
        }
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
        dead_link: false,
    };
    let mut r = render(page);
    *r.status_mut() = StatusCode::BAD_REQUEST;
    ctx.finish(&state, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_mail_is_wrapped_at_78_columns_and_its_html_escaped() {
        let catalogue = crate::i18n::Translations::load().unwrap();
        let tr = Tr::new(&catalogue, "en");
        let base = "https://password-reset.a-rather-long-subdomain.of-a-national-partnership.example.test/indaba?x=1&y=<b>";
        let link = format!("{base}/password/reset/{}", "T".repeat(44));
        let (subject, body) = reset_mail(tr, &link);
        assert!(!subject.is_empty());
        let lines: Vec<&str> = body.text.lines().collect();
        assert!(lines.len() > 4, "{}", body.text);
        for line in &lines {
            // The link is never broken (it would not work); it stands on a
            // line of its own, and every other line fits.
            if *line == link {
                continue;
            }
            assert!(line.chars().count() <= 78, "{line:?} is too long");
        }
        assert!(
            lines.contains(&link.as_str()),
            "the link is whole on a line"
        );
        assert!(body.text.contains("ignore this message"));
        // The HTML part escapes what it is given.
        assert!(!body.html.contains("<b>"), "{}", body.html);
        assert!(body.html.contains("&#38;y=&#60;b&#62;"), "{}", body.html);
        assert!(body.html.contains("<a href="));
        // On the wire, every line fits (quoted-printable soft breaks),
        // and both parts are there.
        let wire =
            crate::mail::alternative_message("a@indaba.test", "b@indaba.test", &subject, &body)
                .unwrap()
                .formatted();
        let wire = String::from_utf8(wire).unwrap();
        assert!(wire.lines().all(|l| l.len() <= 78), "{wire}");
        assert!(wire.contains("multipart/alternative"));
        assert!(wire.contains("text/plain") && wire.contains("text/html"));
        assert!(wire.contains("Content-Language: en\r\n"), "{wire}");
    }

    #[test]
    fn a_long_word_is_not_broken_and_lists_hang() {
        let body = MailBody::compose(
            "en",
            "s",
            &[
                Paragraph::List(vec!["word ".repeat(40)]),
                Paragraph::Heading("<h1>".into()),
            ],
        );
        let lines: Vec<&str> = body.text.lines().collect();
        assert!(lines[0].starts_with("- word") && lines[1].starts_with("  word"));
        assert!(lines.iter().all(|l| l.chars().count() <= 78));
        assert!(!body.html.contains("<h1>"), "{}", body.html);
        assert!(body.html.contains("&#60;h1&#62;"), "{}", body.html);
    }

    /// GET of `path` on the whole router: status and body.
    async fn get(state: &AppState, path: &str) -> (StatusCode, String) {
        use tower::ServiceExt;
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let r = crate::router(state.clone()).oneshot(request).await.unwrap();
        let status = r.status();
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_used_or_expired_reset_link_says_so_before_any_form() {
        use indaba_store::{Actor, NewUser, Role};
        let fixture = crate::testing::fixture().await;
        let state = &fixture.state;
        let user = state
            .store
            .create_user(
                &Actor::local(),
                NewUser {
                    email: "reset@example.test",
                    name: "",
                    role: Role::Member,
                    organisation_id: None,
                    password: "a long enough password",
                },
            )
            .await
            .unwrap();
        let token = |ttl| {
            let store = state.store.clone();
            let id = user.id.clone();
            async move {
                store
                    .create_reset_token(&Actor::local(), &id, ttl, 10)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let live = token(3600).await;
        let expired = token(-1).await;
        let (status, page) = get(state, &format!("/password/reset/{live}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("name=\"password\""), "{page}");
        assert!(!page.contains("already used"));

        let (status, page) = get(state, &format!("/password/reset/{expired}")).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(page.contains("This link has expired"), "{page}");
        assert!(page.contains("href=\"/password/forgot\""), "{page}");
        assert!(!page.contains("name=\"password\""), "no form: {page}");

        assert!(
            state
                .store
                .consume_reset_token(&Actor::local(), &live, "the brand new password")
                .await
                .unwrap()
        );
        let (status, page) = get(state, &format!("/password/reset/{live}")).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(page.contains("This link was already used"), "{page}");
        assert!(page.contains("href=\"/password/forgot\""), "{page}");
        assert!(!page.contains("name=\"password\""), "no form: {page}");

        let (status, page) = get(state, "/password/reset/madeup").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!page.contains("name=\"password\""), "no form: {page}");
    }
}
