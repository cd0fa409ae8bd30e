//! The result pages on the whole router, driven with `oneshot()`: no
//! server, a SQLite store with reports put in as the worker puts them
//! (public single tests published, batch reports not).

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use indaba_model::Report;

use crate::AppState;
use crate::testing::{fixture, fixture_with};

/// A stored report of `domain` scoring `score`, started `minutes_ago`.
fn report(domain: &str, score: u8, minutes_ago: i64, outcome: &str) -> Report {
    let started = (time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes_ago))
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"p",
        "started":"{started}","duration_ms":5,"score":{score},
        "verdict":{{"outcome":"{outcome}","summary":"s","message":{{"id":"verdict-scored"}}}},"categories":[],
        "findings":[{{"check":"dns.dnssec.valid","status":"pass","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"dns.dnssec.valid","points":{{"earned":10,"possible":10}}}}],
        "observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#
    );
    serde_json::from_str(&text).expect("sample report")
}

/// Stores a report as a public single test does; returns its id.
async fn public(state: &AppState, domain: &str, score: u8, minutes_ago: i64) -> String {
    let r = report(domain, score, minutes_ago, "scored");
    let id = state.store.save_report(&r).await.unwrap();
    state.store.publish_report(&id, &r).await.unwrap();
    id
}

/// Stores a report as a batch (API-key) test does: never published.
async fn batch(state: &AppState, domain: &str, score: u8) -> String {
    state
        .store
        .save_report(&report(domain, score, 1, "scored"))
        .await
        .unwrap()
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let (status, headers, body) = crate::testing::send(state, request).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get(state: &AppState, path: &str) -> (StatusCode, HeaderMap, String) {
    send(state, Request::get(path).body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn the_hall_of_fame_lists_domains_whose_latest_public_result_is_perfect() {
    let f = fixture().await;
    let s = &f.state;
    public(s, "perfect.test", 100, 5).await;
    public(s, "fell.test", 100, 10).await;
    public(s, "fell.test", 80, 5).await;
    batch(s, "batch.test", 100).await;
    let (status, _, page) = get(s, "/hall-of-fame").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/site/perfect.test"), "{page}");
    assert!(!page.contains("fell.test"), "its latest result is 80%");
    assert!(
        !page.contains("batch.test"),
        "a batch's result is not public"
    );

    let (status, headers, svg) = get(s, "/badge/web/perfect.test.svg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    assert!(svg.contains(">100%<"), "{svg}");
    assert!(svg.contains("/site/perfect.test\""), "{svg}");
    let (_, _, svg) = get(s, "/badge/web/batch.test.svg").await;
    assert!(!svg.contains("100%"), "a batch's score is not shown: {svg}");
}

#[tokio::test]
async fn recent_results_are_public_single_tests_of_existing_domains_once_each() {
    let f = fixture().await;
    let s = &f.state;
    public(s, "twice.test", 70, 9).await;
    public(s, "twice.test", 75, 2).await;
    batch(s, "batch.test", 90).await;
    let gone = report("gone.test", 0, 1, "does_not_exist");
    let id = s.store.save_report(&gone).await.unwrap();
    s.store.publish_report(&id, &gone).await.unwrap();
    let (_, _, home) = get(s, "/").await;
    let list = home
        .split("id=\"recent-results\"")
        .nth(1)
        .expect("the list")
        .split("</ul>")
        .next()
        .unwrap();
    assert_eq!(
        list.matches("twice.test").count(),
        2,
        "one link, one name: {list}"
    );
    assert!(list.contains("/site/twice.test"), "{list}");
    assert!(!list.contains("batch.test"), "{list}");
    assert!(!list.contains("gone.test"), "{list}");

    let quiet = fixture_with(crate::WebConfig {
        recent_results: false,
        ..Default::default()
    })
    .await;
    public(&quiet.state, "twice.test", 70, 1).await;
    let (_, _, home) = get(&quiet.state, "/").await;
    assert!(!home.contains("recent-results"), "{home}");
    assert!(!home.contains("twice.test"), "{home}");
}

#[tokio::test]
async fn a_domain_has_one_address_for_its_latest_result_and_a_history() {
    let f = fixture().await;
    let s = &f.state;
    let old = public(s, "site.test", 60, 30).await;
    let new = public(s, "site.test", 80, 3).await;
    batch(s, "site.test", 100).await;
    let (status, _, page) = get(s, "/site/site.test").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/report/{new}")), "{page}");
    assert!(page.contains("80%"), "{page}");
    assert!(page.contains("3 minutes ago"), "{page}");
    let (status, headers, _) = get(s, "/site/SITE.test").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(headers[header::LOCATION], "/site/site.test");
    let (status, _, _) = get(s, "/mail/site.test").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(s, "/site/batch-only.test").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, history) = get(s, "/site/site.test/history").await;
    assert_eq!(status, StatusCode::OK);
    for id in [&old, &new] {
        assert!(history.contains(&format!("/report/{id}")), "{history}");
    }
    // The report reused for a visitor says so, how old it is, and offers a
    // new test.
    let (_, _, page) = get(s, &format!("/report/{new}?reused=1")).await;
    assert!(page.contains("id=\"reuse-notice\""), "{page}");
    assert!(page.contains("name=\"fresh\""), "{page}");
    assert!(page.contains("id=\"retest\""), "{page}");
}

#[tokio::test]
async fn the_report_says_how_each_finding_counts_and_how_the_score_was_made() {
    let f = fixture().await;
    let s = &f.state;
    let id = public(s, "site.test", 80, 3).await;
    let (_, _, page) = get(s, &format!("/report/{id}")).await;
    assert!(page.contains("class=\"level\">Required<"), "{page}");
    assert!(page.contains("10 of 10 points"), "{page}");
    assert!(page.contains("id=\"how\""), "{page}");
    assert!(page.contains("href=\"#cat-dnssec\""), "{page}");
    assert!(page.contains("id=\"cat-dnssec\""), "{page}");
    // Times for people, the machine form for the script.
    assert!(page.contains("datetime=\""), "{page}");
    assert!(page.contains(" UTC</time>"), "{page}");
}

#[tokio::test]
async fn the_api_page_is_rendered_from_the_openapi_document() {
    let f = fixture().await;
    let (status, _, page) = get(&f.state, "/api").await;
    assert_eq!(status, StatusCode::OK);
    let doc = crate::api::openapi_document();
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(
            page.contains(&path.replace('{', "&#123;").replace('}', "&#125;"))
                || page.contains(path.as_str()),
            "{path} is on the page"
        );
    }
    assert!(!page.contains("<script src=\"http"), "nothing from a CDN");
}
