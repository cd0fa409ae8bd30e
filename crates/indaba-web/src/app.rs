//! The application state, the router and the request plumbing shared by
//! every handler (client address, language, CSRF cookie, signed-in user).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use indaba_engine::EngineSettings;
use indaba_store::{Session, Store};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::guides::Guides;
use crate::i18n::{Tr, Translations};
use crate::mail::Mailer;
use crate::protect::{self, RateLimiter};

/// Settings of the web platform.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A report younger than this is shown again instead of testing anew.
    pub reuse_for: Duration,
    /// At most this many tests queued or running; more get "busy, try later".
    pub queue_bound: i64,
    /// Whether the site is served over HTTPS (Secure cookies).
    pub secure_cookies: bool,
    /// The site's own address, for links in e-mails (`https://indaba.example`).
    pub base_url: String,
    /// Test submissions allowed per client at once, and per minute after.
    pub submit_burst: u32,
    /// Sustained submissions per client per minute.
    pub submit_per_minute: u32,
    /// Requests of any kind per client per minute (pages, API reads).
    pub requests_per_minute: u32,
    /// How many tests run at once.
    pub workers: usize,
    /// Whether an admin may set the platform's clock (`POST
    /// /assembly/clock`), for tests of deadlines and reminders.
    pub test_clock: bool,
    /// Whether the home page lists recent public results (an operator may
    /// turn the list off: `--no-recent-results`).
    pub recent_results: bool,
    /// The platform's own security contact (`mailto:` or `https:` URI) for
    /// its security.txt; without one it publishes none.
    pub security_contact: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            reuse_for: Duration::from_secs(300),
            queue_bound: 200,
            secure_cookies: false,
            base_url: "http://127.0.0.1:8080".into(),
            submit_burst: 10,
            submit_per_minute: 20,
            requests_per_minute: 600,
            workers: 4,
            test_clock: false,
            recent_results: true,
            security_contact: None,
        }
    }
}

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// How tests are run.
    pub engine: Arc<EngineSettings>,
    /// The translation catalogues.
    pub translations: Arc<Translations>,
    /// The guides.
    pub guides: Arc<Guides>,
    /// Limits test submissions per client.
    pub submit_limiter: Arc<RateLimiter>,
    /// Limits every request per client.
    pub request_limiter: Arc<RateLimiter>,
    /// Sends e-mail (password resets); `None` when no SMTP server is set.
    pub mailer: Option<Arc<Mailer>>,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// Wakes the workers when a job is queued.
    pub job_signal: Arc<tokio::sync::Notify>,
    /// The time deadlines and reminders are judged by.
    pub clock: Arc<crate::assembly::clock::Clock>,
}

/// The largest request body accepted (forms, API batches).
pub const MAX_BODY: usize = 256 * 1024;

/// The whole site.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/", get(crate::pages::home))
        .route("/test/web", post(crate::pages::submit_web))
        .route("/test/mail", post(crate::pages::submit_mail))
        .route("/test/{job}", get(crate::pages::progress))
        .route("/test/{job}/progress", get(crate::pages::progress_json))
        .route("/api", get(crate::apidocs::page))
        .route("/guides", get(crate::pages::guides_index))
        .route("/guides/{id}", get(crate::pages::guide))
        .route("/static/site.css", get(crate::pages::stylesheet))
        .route("/static/site.js", get(crate::pages::script))
        .route("/.well-known/security.txt", get(crate::pages::security_txt))
        .route(
            "/login",
            get(crate::accounts::login_form).post(crate::accounts::login),
        )
        .route("/logout", post(crate::accounts::logout))
        .route(
            "/password/forgot",
            get(crate::accounts::forgot_form).post(crate::accounts::forgot),
        )
        .route(
            "/password/reset/{token}",
            get(crate::accounts::reset_form).post(crate::accounts::reset),
        )
        .route("/admin", get(crate::accounts::admin))
        .route("/admin/users", post(crate::accounts::admin_create_user))
        .route(
            "/admin/users/{id}",
            post(crate::accounts::admin_update_user),
        )
        .route(
            "/admin/organisations",
            post(crate::accounts::admin_create_organisation),
        )
        .route(
            "/admin/api-keys",
            post(crate::accounts::admin_create_api_key),
        )
        .route("/api/v1/tests", post(crate::api::submit))
        .route("/api/v1/tests/{id}", get(crate::api::test_status))
        .route("/api/v1/reports/{id}", get(crate::api::report))
        .route("/api/v1/batches", post(crate::api::submit_batch))
        .route("/api/v1/batches/{id}", get(crate::api::batch))
        .route("/api/v1/openapi.json", get(crate::api::openapi))
        .merge(crate::assembly::routes())
        .merge(crate::results::routes())
        .fallback(crate::pages::not_found)
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request_limit,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::errors::people_errors,
        ))
        .layer(axum::middleware::from_fn(crate::access_log::access_log));
    for (name, value) in protect::security_headers() {
        router = router.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    router.with_state(state)
}

/// Refuses clients over the general request rate with 429 and Retry-After.
async fn request_limit(
    axum::extract::State(state): axum::extract::State<AppState>,
    client: Client,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match state.request_limiter.check(client.0) {
        Ok(()) => next.run(request).await,
        Err(wait) => too_many(wait),
    }
}

/// A 429 answer saying when to come back.
pub fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs().max(1);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, secs.to_string())],
        format!("Too many requests from your address; try again in {secs} s.\n"),
    )
        .into_response()
}

/// The client's address (the TCP peer; a proxy in front must be trusted to
/// set it, which this server does not assume).
#[derive(Debug, Clone, Copy)]
pub struct Client(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(Client(ip))
    }
}

/// What every page needs: the language, the CSRF token, the signed-in user.
#[derive(Debug, Clone)]
pub struct PageContext {
    /// The language negotiated.
    pub lang: String,
    /// The CSRF token for this browser (cookie + form field).
    pub csrf: String,
    /// Whether the CSRF cookie must be (re)set on the response.
    pub set_csrf_cookie: bool,
    /// The signed-in session, if any.
    pub session: Option<Session>,
    /// The session cookie's token, if any.
    pub session_token: Option<String>,
}

/// The cookie holding the session token.
pub const SESSION_COOKIE: &str = "indaba_session";

impl FromRequestParts<AppState> for PageContext {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(page_context(&parts.headers, state).await)
    }
}

/// Builds the page context from the request's headers.
pub async fn page_context(headers: &HeaderMap, state: &AppState) -> PageContext {
    let lang = state.translations.negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let session_token = protect::cookie(headers, SESSION_COOKIE).map(str::to_string);
    let session = match &session_token {
        Some(token) if token.len() <= 128 => state.store.session(token).await.ok().flatten(),
        _ => None,
    };
    let (csrf, set_csrf_cookie) = match protect::cookie(headers, protect::CSRF_COOKIE) {
        Some(existing)
            if existing.len() >= 16
                && existing.len() <= 64
                && existing
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            (existing.to_string(), false)
        }
        _ => (protect::random_token(), true),
    };
    PageContext {
        lang,
        csrf,
        set_csrf_cookie,
        session,
        session_token,
    }
}

impl PageContext {
    /// A translator for this page.
    pub fn tr<'a>(&'a self, state: &'a AppState) -> Tr<'a> {
        Tr::new(&state.translations, &self.lang)
    }

    /// The signed-in user as templates show it.
    pub fn user_view(&self) -> Option<crate::view::UserView> {
        self.session.as_ref().map(|s| crate::view::UserView {
            email: s.user.email.clone(),
            is_admin: s.user.role == indaba_store::Role::Admin,
        })
    }

    /// Sets the CSRF cookie on `response` when this browser had none.
    pub fn finish(&self, state: &AppState, mut response: Response) -> Response {
        if self.set_csrf_cookie {
            let cookie = protect::set_cookie(
                protect::CSRF_COOKIE,
                &self.csrf,
                state.config.secure_cookies,
                None,
            );
            if let Ok(value) = cookie.parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

impl AppState {
    /// The state for `store` and `engine`, with the compiled-in translations
    /// and guides.
    pub fn new(
        store: Store,
        engine: EngineSettings,
        mailer: Option<Arc<Mailer>>,
        config: WebConfig,
    ) -> Result<AppState, crate::i18n::I18nError> {
        Ok(AppState {
            store,
            engine: Arc::new(engine),
            translations: Arc::new(Translations::load()?),
            guides: Arc::new(Guides::load()),
            submit_limiter: Arc::new(RateLimiter::new(
                config.submit_burst,
                config.submit_per_minute,
            )),
            request_limiter: Arc::new(RateLimiter::new(
                config.requests_per_minute.max(1),
                config.requests_per_minute.max(1),
            )),
            mailer,
            clock: Arc::new(crate::assembly::clock::Clock::new(config.test_clock)),
            config: Arc::new(config),
            job_signal: Arc::new(tokio::sync::Notify::new()),
        })
    }
}
