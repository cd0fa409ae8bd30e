//! What the crate's router tests share: a platform state on a fresh SQLite
//! store, no server and no network.

use indaba_store::{Actor, NewUser, Role, Store};

use crate::app::AppState;

/// A platform state on a SQLite store in a temporary directory, removed
/// on drop.
pub(crate) struct Fixture {
    /// The state handlers get.
    pub state: AppState,
    dir: std::path::PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh state with the default settings.
pub(crate) async fn fixture() -> Fixture {
    fixture_with(crate::WebConfig::default()).await
}

/// A fresh state with `config`.
pub(crate) async fn fixture_with(config: crate::WebConfig) -> Fixture {
    let dir = std::env::temp_dir().join(format!("indaba-web-{}", indaba_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&dir.join("t.db").display().to_string())
        .await
        .unwrap();
    let rdap = indaba_probe::rdap::RdapClient::new(indaba_probe::rdap::RdapSettings::new(
        indaba_probe::rdap::BootstrapSource::Dir(dir.clone()),
        Vec::new(),
    ))
    .unwrap();
    let engine = indaba_engine::EngineSettings {
        probe: indaba_probe::ProbeSettings::new("127.0.0.1:53".parse().unwrap()),
        anchor: indaba_checks::dnssec::TrustAnchor::iana(),
        roots: std::sync::Arc::new(indaba_checks::certificate::TrustStore::empty("none")),
        report_timeout: std::time::Duration::from_secs(1),
        now: None,
        dkim_selectors: Vec::new(),
        routing: Default::default(),
        shared_scans: None,
        rdap: std::sync::Arc::new(rdap),
    };
    let state = AppState::new(store, engine, None, config).await.unwrap();
    Fixture { state, dir }
}

/// `request` through the whole router: the status, headers and body.
pub(crate) async fn send(
    state: &AppState,
    request: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let r = crate::router(state.clone()).oneshot(request).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, body.to_vec())
}

/// GET `path` through the whole router with the `cookie` header: the status
/// and the page.
pub(crate) async fn page(
    state: &AppState,
    cookie: &str,
    path: &str,
) -> (axum::http::StatusCode, String) {
    let (status, _, body) = send(
        state,
        axum::http::Request::get(path)
            .header(axum::http::header::COOKIE, cookie)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// A session of a new user `email` with `role` in organisation `org`: its
/// cookie header and its CSRF token.
pub(crate) async fn session(
    state: &AppState,
    email: &str,
    role: Role,
    org: Option<&str>,
) -> (String, String) {
    let user = state
        .store
        .create_user(
            &Actor::local(),
            NewUser {
                email,
                name: "",
                role,
                organisation_id: org,
                password: "a long enough password",
            },
        )
        .await
        .unwrap();
    let token = state
        .store
        .create_session(&Actor::user(&user.id, "192.0.2.1"), 3600)
        .await
        .unwrap();
    let csrf = state.store.session(&token).await.unwrap().unwrap().csrf;
    (format!("indaba_session={token}"), csrf)
}
