//! A list's published report (issue 13): the list's overview at a stable,
//! unguessable address (`/published/<token>`), always of the newest scan
//! with statistics, optionally behind a passcode. Unpublishing deletes the
//! publication, so the address answers "not found" at once. Publishing and
//! unpublishing are audit-logged by the store.
//!
//! A passcode is kept as an argon2id hash, like passwords; attempts share
//! the sign-in rate limit per client. A right passcode sets a cookie that
//! holds an HMAC of the token and the passcode's hash under the server's
//! key, so it opens this publication only, and stops opening it when the
//! list is published again.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use indaba_store::passwords::{MIN_PASSWORD_LEN, check_password, hash_password, verify_password};
use indaba_store::stats::Publication;
use serde::Deserialize;

use super::dashboard::{KindQuery, Overview, kind_of, overview};
use super::pages::{Empty, problem, store_problem};
use crate::app::{AppState, Client, PageContext, too_many};
use crate::extract::{CsrfForm, RequireRole, role};
use crate::i18n::Tr;
use crate::pages::render;
use crate::protect;
use crate::view::UserView;

/// The longest passcode read from the form (argon2 work is bounded by it;
/// the password rules allow less).
const MAX_PASSCODE: usize = 200;

/// The publish form.
#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    passcode: String,
}

/// `POST /monitor/lists/{id}/publish`: publishes (or publishes again, under
/// a new address) the list's report.
pub async fn publish(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Response {
    let tr = ctx.tr(&state);
    if let Err(e) = state.store.list(&id).await {
        return store_problem(&state, &ctx, e);
    }
    let passcode = form.passcode.trim();
    // A passcode follows the password rules (long rather than complex).
    if !passcode.is_empty()
        && (check_password(passcode).is_err() || passcode.chars().count() > MAX_PASSCODE)
    {
        return problem(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            tr.t1("stats-passcode-rules", "min", MIN_PASSWORD_LEN),
        );
    }
    let hash = if passcode.is_empty() {
        None
    } else {
        match hash_password(passcode).await {
            Ok(h) => Some(h),
            Err(e) => return store_problem(&state, &ctx, e),
        }
    };
    match state
        .store
        .publish_list(&ctx.actor(), &id, hash.as_deref())
        .await
    {
        Ok(_) => Redirect::to(&format!("/monitor/lists/{id}/dashboard")).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// `POST /monitor/lists/{id}/unpublish`.
pub async fn unpublish(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    match state.store.unpublish_list(&ctx.actor(), &id).await {
        Ok(_) => Redirect::to(&format!("/monitor/lists/{id}/dashboard")).into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// The cookie that opens publication `token`.
fn cookie_name(token: &str) -> String {
    let short: String = token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(16)
        .collect();
    format!("indaba_published_{short}")
}

fn grant(key: &[u8], p: &Publication) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(b"indaba-published-v1:");
    mac.update(p.token.as_bytes());
    mac.update(b":");
    mac.update(p.passcode.as_deref().unwrap_or("").as_bytes());
    protect::base64_url(&mac.finalize().into_bytes())
}

fn opened(state: &AppState, headers: &HeaderMap, p: &Publication) -> bool {
    p.passcode.is_none()
        || protect::cookie(headers, &cookie_name(&p.token)).is_some_and(|v| {
            protect::constant_time_eq(v.as_bytes(), grant(&state.csrf_key, p).as_bytes())
        })
}

/// The published report.
#[derive(Template)]
#[template(path = "monitor/published.html")]
pub struct PublishedPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The address.
    pub token: String,
    /// The list's name.
    pub list_name: String,
    /// The overview, when there are statistics.
    pub overview: Option<Overview>,
}

/// The passcode form.
#[derive(Template)]
#[template(path = "monitor/passcode.html")]
pub struct PasscodePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The address.
    pub token: String,
    /// Whether the last passcode was wrong.
    pub wrong: bool,
}

fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn publication(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
) -> Result<Publication, Response> {
    let not_found = || {
        problem(
            state,
            ctx,
            StatusCode::NOT_FOUND,
            ctx.tr(state).t("monitor-not-found"),
        )
    };
    if token.len() > 100 {
        return Err(not_found());
    }
    match state.store.publication_by_token(token).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(not_found()),
        Err(e) => Err(store_problem(state, ctx, e)),
    }
}

fn passcode_page(state: &AppState, ctx: &PageContext, token: String, wrong: bool) -> Response {
    let page = PasscodePage {
        tr: ctx.tr(state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token,
        wrong,
    };
    let mut response = render(page);
    if wrong {
        *response.status_mut() = StatusCode::FORBIDDEN;
    }
    private(ctx.finish(state, response))
}

/// `GET /published/{token}`: the report of the newest scan, or the
/// passcode form.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<KindQuery>,
) -> Response {
    let p = match publication(&state, &ctx, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !opened(&state, &headers, &p) {
        return passcode_page(&state, &ctx, token, false);
    }
    let list = match state.store.list(&p.list_id).await {
        Ok(l) => l,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let tr = ctx.tr(&state);
    let overview = match overview(&state.store, &tr, &list, kind_of(&q.kind)).await {
        Ok(o) => o,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let page = PublishedPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        token,
        list_name: list.name,
        overview,
    };
    let response = ctx.finish(&state, render(page));
    if p.passcode.is_some() {
        private(response)
    } else {
        response
    }
}

/// The passcode as typed.
#[derive(Debug, Deserialize)]
pub struct PasscodeForm {
    #[serde(default)]
    passcode: String,
}

/// `POST /published/{token}`: checks the passcode (rate-limited per
/// client) and opens the report.
pub async fn enter(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<PasscodeForm>,
) -> Response {
    if let Err(wait) = state.submit_limiter.check(client.0) {
        return too_many(wait);
    }
    let p = match publication(&state, &ctx, &token).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let typed: String = form
        .passcode
        .trim()
        .chars()
        .take(MAX_PASSCODE + 1)
        .collect();
    let right = match &p.passcode {
        None => true,
        Some(_) if typed.chars().count() > MAX_PASSCODE => false,
        Some(hash) => match verify_password(&typed, Some(hash)).await {
            Ok(ok) => ok,
            Err(e) => return store_problem(&state, &ctx, e),
        },
    };
    if !right {
        return passcode_page(&state, &ctx, token, true);
    }
    let secure = state.config.secure_cookies;
    let cookie = protect::set_cookie(
        &cookie_name(&p.token),
        &grant(&state.csrf_key, &p),
        secure,
        None,
    );
    let mut response = Redirect::to(&format!("/published/{token}")).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    private(response)
}
