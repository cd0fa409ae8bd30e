//! The rules every handler shares, as axum extractors, so that a handler
//! cannot forget them: put the extractor in the signature and the rule holds
//! before the handler's first line runs.
//!
//! - [`CsrfForm<T>`]: a form (`application/x-www-form-urlencoded`) whose
//!   `csrf` field matches the browser's token — the session's own token when
//!   signed in, else the visitor's signed double-submit token (see
//!   [`crate::protect::signed_token`]). A mismatch is answered with the
//!   "form expired" page (403) and recorded in the audit log
//!   (`csrf.failure`); a body that does not parse as `T` gets a 400 page.
//!   Every POST form of the site uses it; it must be the handler's last
//!   argument (it reads the body).
//! - [`SignedIn`]: a signed-in user; others are sent to `/login`.
//! - [`RequireRole<R>`]: a signed-in user whose role admits `R`
//!   ([`role::Admin`], [`role::Analyst`], [`role::Member`]); others are sent
//!   to `/login` when not signed in, else refused with a 403 page and a
//!   `role.refused` audit row.
//! - [`Client`](crate::client::Client): the client's address, through
//!   trusted proxies only.
//! - [`PageContext`]: language, CSRF token, session, client; made once per
//!   request and shared by all of the above.
//!
//! A handler for an admin form thus reads
//! `async fn h(State(s): State<AppState>, admin: RequireRole<role::Admin>, ctx: PageContext, CsrfForm(form): CsrfForm<MyForm>)`.
//! These names are stable: other modules build on them.

use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use indaba_store::{Session, User};
use serde::de::DeserializeOwned;

use crate::app::{AppState, PageContext};
use crate::pages::message;

/// Roles, as types for [`RequireRole`].
pub mod role {
    use indaba_store::Role;

    /// What a role requirement admits.
    pub trait RoleRule: Send + Sync + 'static {
        /// The role asked for (named in the audit row of a refusal).
        const ROLE: Role;
        /// Whether a user of `role` passes.
        fn admits(role: Role) -> bool;
    }

    /// Administrators only.
    #[derive(Debug)]
    pub struct Admin;
    /// Analysts (CERT, secretariat) and administrators.
    #[derive(Debug)]
    pub struct Analyst;
    /// Any signed-in user (members, analysts, administrators).
    #[derive(Debug)]
    pub struct Member;

    impl RoleRule for Admin {
        const ROLE: Role = Role::Admin;
        fn admits(role: Role) -> bool {
            role == Role::Admin
        }
    }
    impl RoleRule for Analyst {
        const ROLE: Role = Role::Analyst;
        fn admits(role: Role) -> bool {
            matches!(role, Role::Admin | Role::Analyst)
        }
    }
    impl RoleRule for Member {
        const ROLE: Role = Role::Member;
        fn admits(_: Role) -> bool {
            true
        }
    }
}

/// A signed-in user's session (others are redirected to `/login`).
#[derive(Debug, Clone)]
pub struct SignedIn(pub Session);

impl SignedIn {
    /// The user.
    pub fn user(&self) -> &User {
        &self.0.user
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = PageContext::from_request_parts(parts, state).await?;
        match ctx.session {
            Some(session) => Ok(SignedIn(session)),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// A signed-in user whose role admits `R` (see [the module](self)).
#[derive(Debug, Clone)]
pub struct RequireRole<R: role::RoleRule> {
    /// The user.
    pub user: User,
    role: PhantomData<fn() -> R>,
}

impl<R: role::RoleRule> FromRequestParts<AppState> for RequireRole<R> {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let SignedIn(session) = SignedIn::from_request_parts(parts, state).await?;
        if R::admits(session.user.role) {
            return Ok(RequireRole {
                user: session.user,
                role: PhantomData,
            });
        }
        let ctx = PageContext::from_request_parts(parts, state).await?;
        let detail = serde_json::json!({
            "path": parts.uri.path().chars().take(200).collect::<String>(),
            "role": session.user.role,
            "required": R::ROLE,
        });
        if let Err(e) = state
            .store
            .record(&ctx.actor(), "role.refused", &session.user.id, detail)
            .await
        {
            tracing::error!(error = %e, "cannot audit a refused role");
        }
        let tr = ctx.tr(state);
        Err(message(
            state,
            &ctx,
            StatusCode::FORBIDDEN,
            "error-forbidden-title",
            tr.t("error-forbidden-text"),
        ))
    }
}

/// A form whose CSRF token was checked (see [the module](self)).
#[derive(Debug, Clone)]
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;
    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let ctx = PageContext::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let bytes = match axum::body::to_bytes(body, crate::app::MAX_BODY).await {
            Ok(b) => b,
            Err(_) => return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
        };
        let token = serde_urlencoded::from_bytes::<TokenField>(&bytes)
            .map(|f| f.csrf)
            .unwrap_or_default();
        if !is_form || !ctx.csrf_accepts(&token) {
            let detail = serde_json::json!({
                "path": parts.uri.path().chars().take(200).collect::<String>(),
                "signed_in": ctx.session.is_some(),
            });
            let subject = ctx
                .session
                .as_ref()
                .map(|s| s.user.id.clone())
                .unwrap_or_default();
            if let Err(e) = state
                .store
                .record(&ctx.actor(), "csrf.failure", &subject, detail)
                .await
            {
                tracing::error!(error = %e, "cannot audit a CSRF failure");
            }
            let tr = ctx.tr(state);
            return Err(message(
                state,
                &ctx,
                StatusCode::FORBIDDEN,
                "error-csrf-title",
                tr.t("error-csrf-text"),
            ));
        }
        match serde_urlencoded::from_bytes::<T>(&bytes) {
            Ok(form) => Ok(CsrfForm(form)),
            Err(_) => {
                let tr = ctx.tr(state);
                Err(message(
                    state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    "platform-form-invalid-title",
                    tr.t("platform-form-invalid-text"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The extractors on a router of their own, driven with `oneshot()`: no
    //! server, a SQLite store in a temporary directory.

    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::{get, post};
    use indaba_store::Role;
    use tower::ServiceExt;

    use crate::testing::fixture;

    #[derive(serde::Deserialize)]
    struct Named {
        name: String,
    }

    fn app(state: AppState) -> Router {
        Router::new()
            .route(
                "/form",
                post(|CsrfForm(f): CsrfForm<Named>| async move { f.name }),
            )
            .route(
                "/analysts",
                get(|who: RequireRole<role::Analyst>| async move { who.user.email }),
            )
            .route(
                "/me",
                get(|who: SignedIn| async move { who.user().email.clone() }),
            )
            .with_state(state)
    }

    fn post_form(cookie: &str, body: &str) -> Request {
        axum::http::Request::post("/form")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(body.to_string()))
            .unwrap()
    }

    async fn signed_in_as(state: &AppState, role: Role) -> (String, String) {
        crate::testing::session(state, &format!("{role}@example.test"), role, None).await
    }

    #[tokio::test]
    async fn forms_need_the_visitors_signed_token_or_the_sessions_own() {
        let f = fixture().await;
        let visitor = crate::protect::signed_token(&f.state.csrf_key);
        let cookie = format!("indaba_csrf={visitor}");
        let ok = app(f.state.clone())
            .oneshot(post_form(&cookie, &format!("csrf={visitor}&name=x")))
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        // Unsigned, or not the cookie's: refused with the page, and audited.
        for (cookie, token) in [
            ("indaba_csrf=made.up".to_string(), "made.up".to_string()),
            (
                cookie.clone(),
                crate::protect::signed_token(&f.state.csrf_key),
            ),
            (String::new(), visitor.clone()),
        ] {
            let r = app(f.state.clone())
                .oneshot(post_form(&cookie, &format!("csrf={token}&name=x")))
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{cookie} / {token}");
        }
        let (session, csrf) = signed_in_as(&f.state, Role::Member).await;
        let both = format!("{session}; {cookie}");
        let stale = app(f.state.clone())
            .oneshot(post_form(&both, &format!("csrf={visitor}&name=x")))
            .await
            .unwrap();
        assert_eq!(
            stale.status(),
            StatusCode::FORBIDDEN,
            "signed in: the session's token only"
        );
        let good = app(f.state.clone())
            .oneshot(post_form(&both, &format!("csrf={csrf}&name=x")))
            .await
            .unwrap();
        assert_eq!(good.status(), StatusCode::OK);
        let bad_body = app(f.state.clone())
            .oneshot(post_form(&both, &format!("csrf={csrf}")))
            .await
            .unwrap();
        assert_eq!(
            bad_body.status(),
            StatusCode::BAD_REQUEST,
            "no name: the form page, not a panic"
        );
        let audited = f.state.store.audit_entries(100).await.unwrap();
        assert_eq!(
            audited
                .iter()
                .filter(|e| e.action == "csrf.failure")
                .count(),
            4
        );
    }

    #[tokio::test]
    async fn roles_admit_or_refuse_and_refusals_are_audited() {
        let f = fixture().await;
        let get = |cookie: &str, path: &str| {
            axum::http::Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap()
        };
        let anonymous = app(f.state.clone())
            .oneshot(get("", "/analysts"))
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
        let (member, _) = signed_in_as(&f.state, Role::Member).await;
        let (analyst, _) = signed_in_as(&f.state, Role::Analyst).await;
        let (admin, _) = signed_in_as(&f.state, Role::Admin).await;
        let r = app(f.state.clone())
            .oneshot(get(&member, "/analysts"))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        for who in [&analyst, &admin] {
            let r = app(f.state.clone())
                .oneshot(get(who, "/analysts"))
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
        }
        let r = app(f.state.clone())
            .oneshot(get(&member, "/me"))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let refused: Vec<_> = f
            .state
            .store
            .audit_entries(100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "role.refused")
            .collect();
        assert_eq!(refused.len(), 1);
        assert!(
            refused[0].detail.contains("/analysts"),
            "{}",
            refused[0].detail
        );
    }
}
