//! The opt-out and subscription links on the whole router with
//! `oneshot()`: a signed token works without an account, anything else is
//! refused, and the POST needs the page's CSRF token.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use indaba_monitor::notices::sign_contact;
use tower::ServiceExt;

use crate::AppState;
use crate::testing::fixture;

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, Option<String>, String) {
    let r = crate::router(state.clone()).oneshot(request).await.unwrap();
    let status = r.status();
    let cookie = r
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or_default().to_string());
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, cookie, String::from_utf8_lossy(&body).into_owned())
}

/// The value of the page's hidden CSRF field.
fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

async fn confirm(state: &AppState, path: &str) -> StatusCode {
    let (status, cookie, page) = send(state, Request::get(path).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie.unwrap_or_default())
        .body(Body::from(format!("csrf={}", csrf_of(&page))))
        .unwrap();
    send(state, request).await.0
}

#[tokio::test]
async fn a_signed_link_opts_out_or_subscribes_without_an_account() {
    let fixture = fixture().await;
    let state = &fixture.state;
    let key = state.store.secret(super::KEY_NAME).await.unwrap();
    let token = sign_contact(&key, "owner@example.test");

    let (status, _, page) = send(
        state,
        Request::get(format!("/notices/opt-out/{token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("owner@example.test") && page.contains("<form"),
        "{page}"
    );
    assert!(
        !state
            .store
            .notice_stopped("owner@example.test")
            .await
            .unwrap(),
        "a GET changes nothing"
    );

    // Without the CSRF token, nothing happens.
    let (status, _, _) = send(
        state,
        Request::post(format!("/notices/opt-out/{token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("csrf="))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !state
            .store
            .notice_stopped("owner@example.test")
            .await
            .unwrap()
    );

    assert_eq!(
        confirm(state, &format!("/notices/opt-out/{token}")).await,
        StatusCode::OK
    );
    assert!(
        state
            .store
            .notice_stopped("owner@example.test")
            .await
            .unwrap()
    );

    assert_eq!(
        confirm(state, &format!("/notices/improvements/{token}")).await,
        StatusCode::OK
    );
    assert!(
        state
            .store
            .subscribed_to_improvements("owner@example.test")
            .await
            .unwrap()
    );

    // A token made with another key, or for another address, is refused.
    let forged = sign_contact(b"not the platform's key", "victim@example.test");
    let tag = token.split_once('.').unwrap().1;
    for bad in [
        forged,
        format!("dmljdGltQGV4YW1wbGUudGVzdA.{tag}"),
        "x".into(),
    ] {
        let (status, _, _) = send(
            state,
            Request::get(format!("/notices/opt-out/{bad}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
    assert!(
        !state
            .store
            .notice_stopped("victim@example.test")
            .await
            .unwrap()
    );
}
