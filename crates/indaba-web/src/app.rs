//! The application state, the router and the request plumbing shared by
//! every handler (client address, language, CSRF token, signed-in user).
//! The rules handlers must follow are extractors in [`crate::extract`].

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use indaba_engine::EngineSettings;
use indaba_store::{Actor, Session, Store};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use crate::client::{Client, TrustedProxies};
use crate::guides::Guides;
use crate::i18n::{Tr, Translations};
use crate::mail::Mailer;
use crate::protect::{self, RateLimiter};

/// Settings of the web platform.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A report younger than this is shown again instead of testing anew.
    pub reuse_for: Duration,
    /// At most this many public tests queued or running; more get "busy,
    /// try later".
    pub queue_bound: i64,
    /// At most this many batch tests queued or running (batch work has its
    /// own share of the queue: it never makes a public test busy).
    pub batch_queue_bound: i64,
    /// Whether cookies are Secure and `__Host-` prefixed (on by default when
    /// the base URL is https).
    pub secure_cookies: bool,
    /// The site's own address, for links in e-mails (`https://indaba.example`).
    /// HSTS is sent only when it is https.
    pub base_url: String,
    /// Test submissions allowed per client at once, and per minute after.
    pub submit_burst: u32,
    /// Sustained submissions per client per minute.
    pub submit_per_minute: u32,
    /// Requests of any kind per client per minute (pages, API reads).
    pub requests_per_minute: u32,
    /// Domains a client may submit in batches at once (each domain costs
    /// one unit).
    pub batch_burst: u32,
    /// Domains per minute in batches, sustained.
    pub batch_per_minute: u32,
    /// Clients each rate limiter remembers (the least recently seen go
    /// first when full).
    pub rate_limit_clients: usize,
    /// Password-reset mails per account per hour, at most.
    pub reset_mails_per_hour: i64,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` are believed.
    pub trusted_proxies: TrustedProxies,
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
            batch_queue_bound: 2000,
            secure_cookies: false,
            base_url: "http://127.0.0.1:8080".into(),
            submit_burst: 10,
            submit_per_minute: 20,
            requests_per_minute: 600,
            batch_burst: crate::api::MAX_BATCH as u32,
            batch_per_minute: 100,
            rate_limit_clients: protect::MAX_CLIENTS,
            reset_mails_per_hour: 3,
            trusted_proxies: TrustedProxies::default(),
            workers: 4,
            test_clock: false,
            recent_results: true,
            security_contact: None,
        }
    }
}

impl WebConfig {
    /// Whether the site is served over HTTPS (by its base URL).
    pub fn https(&self) -> bool {
        self.base_url
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
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
    /// Limits test submissions (and sign-in and reset requests) per client.
    pub submit_limiter: Arc<RateLimiter>,
    /// Limits the domains of batches per client.
    pub batch_limiter: Arc<RateLimiter>,
    /// Limits every request per client.
    pub request_limiter: Arc<RateLimiter>,
    /// Sends e-mail (password resets, notices); `None` when no SMTP server is set.
    pub mailer: Option<Arc<Mailer>>,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// Wakes the workers when a job is queued.
    pub job_signal: Arc<tokio::sync::Notify>,
    /// The response desk's settings.
    pub desk: Arc<crate::desk::DeskConfig>,
    /// The time deadlines and reminders are judged by.
    pub clock: Arc<crate::assembly::clock::Clock>,
    /// The key that signs visitors' CSRF tokens (kept in the store, shared
    /// by every process).
    pub csrf_key: Arc<Vec<u8>>,
    /// Notices waiting for the page after an admin action's redirect.
    pub flash: Arc<crate::flash::Flash>,
}

/// The largest request body accepted (forms, API batches).
pub const MAX_BODY: usize = 256 * 1024;

/// Where every response is private whoever asks: account pages and
/// anything that can show a secret (a reset token, a new API key).
pub const PRIVATE_PATHS: &[&str] = &[
    "/admin",
    "/login",
    "/logout",
    "/password/",
    "/api/v1/batches",
    "/api/batch/v2",
];

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
        .route("/admin", get(crate::admin::admin))
        .route("/admin/users", post(crate::admin::create_user))
        .route("/admin/users/{id}", post(crate::admin::update_user))
        .route(
            "/admin/organisations",
            post(crate::admin::create_organisation),
        )
        .route(
            "/admin/organisations/{id}",
            post(crate::admin::update_organisation),
        )
        .route(
            "/admin/organisations/{id}/language",
            post(crate::admin::update_organisation_language),
        )
        .route("/admin/api-keys", post(crate::admin::create_api_key))
        .route(
            "/admin/api-keys/{id}/revoke",
            post(crate::admin::revoke_api_key),
        )
        .route("/api/v1/tests", post(crate::api::submit))
        .route("/api/v1/tests/{id}", get(crate::api::test_status))
        .route("/api/v1/reports/{id}", get(crate::api::report))
        .route("/api/v1/batches", post(crate::api::submit_batch))
        .route("/api/v1/batches/{id}", get(crate::api::batch))
        .route("/api/v1/openapi.json", get(crate::api::openapi))
        .merge(crate::desk::routes())
        .merge(crate::assembly::routes())
        .merge(crate::results::routes())
        .merge(crate::monitor::routes())
        .merge(crate::notices::routes())
        .merge(crate::batch::routes())
        .fallback(crate::pages::not_found)
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request_limit,
        ))
        .layer(axum::middleware::from_fn(private_pages))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .merge(crate::desk::upload_routes())
        .merge(crate::monitor::upload_routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::errors::people_errors,
        ))
        .layer(axum::middleware::from_fn(crate::access_log::access_log));
    for (name, value) in protect::security_headers() {
        router = router.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    let (name, value) = protect::resource_policy();
    router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    if state.config.https() {
        let (name, value) = protect::hsts();
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
        // What the request changes is audited with its address.
        Ok(()) => indaba_store::acting_from(client.0.to_string(), next.run(request)).await,
        Err(wait) => too_many(wait),
    }
}

/// `Cache-Control: no-store` on every answer to a browser that sends a
/// session cookie (any page may then show the account), and on every
/// answer under [`PRIVATE_PATHS`], unless the handler chose a policy itself
/// (the stylesheet is public whoever asks).
async fn private_pages(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let signed_in = [true, false].iter().any(|&secure| {
        protect::cookie(request.headers(), protect::session_cookie(secure)).is_some()
    });
    let path = request.uri().path();
    let private = signed_in || PRIVATE_PATHS.iter().any(|p| path.starts_with(p));
    let mut response = next.run(request).await;
    if private && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
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

/// What every page needs: the language, the CSRF token, the signed-in user,
/// the client. Made once per request (kept in the request's extensions, so
/// the extractors of [`crate::extract`] and the handler share one).
#[derive(Debug, Clone)]
pub struct PageContext {
    /// The language negotiated.
    pub lang: String,
    /// The CSRF token for this page's forms: the session's own when signed
    /// in, else the visitor's signed token (also in a cookie).
    pub csrf: String,
    /// Whether the visitor's CSRF cookie must be (re)set on the response.
    pub set_csrf_cookie: bool,
    /// The signed-in session, if any.
    pub session: Option<Session>,
    /// The session cookie's token, if any.
    pub session_token: Option<String>,
    /// The client's address.
    pub client: IpAddr,
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<PageContext>() {
            return Ok(ctx.clone());
        }
        let Ok(client) = Client::from_request_parts(parts, state).await;
        let ctx = page_context(&parts.headers, client.0, state).await;
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// Builds the page context from the request's headers.
pub async fn page_context(
    headers: &axum::http::HeaderMap,
    client: IpAddr,
    state: &AppState,
) -> PageContext {
    let secure = state.config.secure_cookies;
    let lang = state.translations.negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let session_token =
        protect::cookie(headers, protect::session_cookie(secure)).map(str::to_string);
    let session = match &session_token {
        Some(token) if token.len() <= 128 => state.store.session(token).await.ok().flatten(),
        _ => None,
    };
    let visitor = protect::cookie(headers, protect::csrf_cookie(secure))
        .filter(|t| protect::signed_token_valid(&state.csrf_key, t));
    let (csrf, set_csrf_cookie) = match (&session, visitor) {
        (Some(s), _) => (s.csrf.clone(), false),
        (None, Some(token)) => (token.to_string(), false),
        (None, None) => (protect::signed_token(&state.csrf_key), true),
    };
    PageContext {
        lang,
        csrf,
        set_csrf_cookie,
        session,
        session_token,
        client,
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

    /// Who acts, for the audit log: the signed-in user (if any) at this
    /// client's address.
    pub fn actor(&self) -> Actor {
        match &self.session {
            Some(s) => Actor::user(&s.user.id, self.client),
            None => Actor::anonymous(self.client),
        }
    }

    /// Whether a form's token is this browser's: the session's token when
    /// signed in; else the visitor's signed token, which must also have come
    /// in the cookie (a page that had to make a new one has nothing to match).
    pub fn csrf_accepts(&self, form_token: &str) -> bool {
        let expected_known = self.session.is_some() || !self.set_csrf_cookie;
        expected_known
            && !self.csrf.is_empty()
            && protect::constant_time_eq(self.csrf.as_bytes(), form_token.as_bytes())
    }

    /// Sets the visitor's CSRF cookie on `response` when this browser had none.
    pub fn finish(&self, state: &AppState, mut response: Response) -> Response {
        if self.set_csrf_cookie {
            let secure = state.config.secure_cookies;
            let cookie =
                protect::set_cookie(protect::csrf_cookie(secure), &self.csrf, secure, None);
            if let Ok(value) = cookie.parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

/// Why the state could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The translations do not load.
    #[error(transparent)]
    I18n(#[from] crate::i18n::I18nError),
    /// The store failed (the CSRF signing key).
    #[error(transparent)]
    Store(#[from] indaba_store::StoreError),
}

impl AppState {
    /// The state for `store` and `engine`, with the compiled-in translations
    /// and guides, and the CSRF signing key kept in the store.
    pub async fn new(
        store: Store,
        engine: EngineSettings,
        mailer: Option<Arc<Mailer>>,
        config: WebConfig,
    ) -> Result<AppState, StateError> {
        let csrf_key = store.secret("csrf-signing-key").await?;
        Ok(AppState {
            store,
            engine: Arc::new(engine),
            translations: Arc::new(Translations::load()?),
            guides: Arc::new(Guides::load()),
            submit_limiter: Arc::new(
                RateLimiter::new(config.submit_burst, config.submit_per_minute)
                    .with_capacity(config.rate_limit_clients),
            ),
            batch_limiter: Arc::new(
                RateLimiter::new(config.batch_burst, config.batch_per_minute)
                    .with_capacity(config.rate_limit_clients),
            ),
            request_limiter: Arc::new(
                RateLimiter::new(
                    config.requests_per_minute.max(1),
                    config.requests_per_minute.max(1),
                )
                .with_capacity(config.rate_limit_clients),
            ),
            mailer,
            clock: Arc::new(crate::assembly::clock::Clock::new(config.test_clock)),
            config: Arc::new(config),
            job_signal: Arc::new(tokio::sync::Notify::new()),
            desk: Arc::new(crate::desk::DeskConfig::default()),
            csrf_key: Arc::new(csrf_key),
            flash: Arc::default(),
        })
    }
}
