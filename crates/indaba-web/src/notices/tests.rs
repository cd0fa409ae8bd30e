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

#[tokio::test]
async fn the_delivery_log_is_for_analysts_and_escapes_what_it_shows() {
    use indaba_store::notices::{DigestState, NewDigest};
    let fixture = fixture().await;
    let state = &fixture.state;
    // A contact and a relay's answer are outside data: they must come out
    // as text.
    let sent = state
        .store
        .claim_digest(
            &NewDigest {
                contact: "<script>alert(1)</script>@evil.test",
                day: 1,
                source: "security_txt",
                subject: "Indaba: <b>regressions</b>",
                language: "nl",
            },
            &[],
            DigestState::Sending,
        )
        .await
        .unwrap()
        .unwrap();
    state
        .store
        .finish_digest(&sent, DigestState::Sent, "250 <i>queued</i>")
        .await
        .unwrap();
    state
        .store
        .claim_digest(
            &NewDigest {
                contact: "gone@owner.test",
                day: 1,
                source: "owner",
                subject: "s",
                language: "en",
            },
            &[],
            DigestState::OptedOut,
        )
        .await
        .unwrap();

    let (member, _) =
        crate::testing::session(state, "member@x.test", indaba_store::Role::Member, None).await;
    let (status, _) = crate::testing::page(state, &member, "/monitor/notices").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = crate::testing::page(state, "", "/monitor/notices").await;
    assert_ne!(status, StatusCode::OK, "not without signing in");

    let (analyst, _) =
        crate::testing::session(state, "cert@x.test", indaba_store::Role::Analyst, None).await;
    let (status, page) = crate::testing::page(state, &analyst, "/monitor/notices").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<b>regressions"), "{page}");
    assert!(!page.contains("<i>queued"), "{page}");
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;@evil.test"),
        "{page}"
    );
    assert!(page.contains("250 &#60;i&#62;queued"), "{page}");
    for words in [
        "Nederlands",
        "English",
        "security.txt",
        "sent",
        "not sent: the contact opted out",
        "gone@owner.test",
        "<time datetime=",
    ] {
        assert!(page.contains(words), "no {words:?} in {page}");
    }
    // Any page number is a page: the first or the last there is.
    for q in [
        "?page=0",
        "?page=-3",
        "?page=99999999999999999999",
        "?page=x",
    ] {
        let (status, page) =
            crate::testing::page(state, &analyst, &format!("/monitor/notices{q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert!(page.contains("gone@owner.test"), "{q}");
    }
    // The monitor's page links to it, for staff.
    let (_, monitor) = crate::testing::page(state, &analyst, "/monitor").await;
    assert!(monitor.contains("href=\"/monitor/notices\""), "{monitor}");
}

#[tokio::test]
async fn an_admin_sets_an_organisations_language_from_those_translated() {
    let fixture = fixture().await;
    let state = &fixture.state;
    let org = state
        .store
        .create_organisation(
            &indaba_store::Actor::local(),
            "Eigenaren",
            indaba_store::Stakeholder::ALL[0],
        )
        .await
        .unwrap();
    let (admin, csrf) =
        crate::testing::session(state, "admin@x.test", indaba_store::Role::Admin, None).await;
    let post = |language: &str| {
        Request::post(format!("/admin/organisations/{}/language", org.id))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, admin.as_str())
            .body(Body::from(format!("csrf={csrf}&language={language}")))
            .unwrap()
    };
    let language = || async {
        state.store.organisations().await.unwrap()[0]
            .language
            .clone()
    };
    let (status, _, _) = crate::testing::send(state, post("nl")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(language().await.as_deref(), Some("nl"));
    let (_, page) = crate::testing::page(state, &admin, "/admin").await;
    assert!(
        page.contains("<option value=\"nl\" lang=\"nl\" selected>Nederlands</option>"),
        "{page}"
    );
    // Not a language the platform writes, or not a tag at all: refused.
    for bad in ["fr", "%3Cb%3E", "xx-YY"] {
        let (status, _, _) = crate::testing::send(state, post(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(language().await.as_deref(), Some("nl"), "{bad}");
    }
    // Empty: not known again.
    let (status, _, _) = crate::testing::send(state, post("")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(language().await, None);
    // Members cannot.
    let (member, member_csrf) =
        crate::testing::session(state, "m@x.test", indaba_store::Role::Member, None).await;
    let (status, _, _) = crate::testing::send(
        state,
        Request::post(format!("/admin/organisations/{}/language", org.id))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, member)
            .body(Body::from(format!("csrf={member_csrf}&language=nl")))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(language().await, None);
}
