//! Comply or explain on the whole router with `oneshot()`: only a member of
//! an owner organisation explains, only a finding that falls short, with a
//! CSRF token, a bounded text and expiry; the report page marks it
//! (escaped); analysts reject with a reason that the audit log keeps; the
//! list's page counts fails with and without explanations.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use indaba_model::{DomainName, Report};
use indaba_monitor::Kinds;
use indaba_monitor::list::ListEntry;
use indaba_store::monitor::NewList;
use indaba_store::{Actor, Role, Stakeholder};

use crate::AppState;
use crate::testing::{fixture, page as get, session};

fn report(domain: &str, https: &str) -> Report {
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"p",
        "started":"2026-11-22T12:00:00Z","duration_ms":5,"score":50,
        "verdict":{{"outcome":"scored","summary":"s","message":{{"id":"verdict-scored"}}}},"categories":[],
        "findings":[{{"check":"web.https.available","status":"{https}","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"web.https.available"}},
                    {{"check":"web.https.redirect","status":"pass","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"web.https.redirect"}}],
        "observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#
    );
    serde_json::from_str(&text).expect("sample report")
}

struct World {
    list: String,
    failing: String,
    passing: String,
    owner: (String, String),
    stranger: (String, String),
    analyst: (String, String),
}

/// Bank A owns owned.test on list "banks"; one scan of it finished, whose
/// report fails https; a report of other.test passes it.
async fn world(state: &AppState) -> World {
    let org = state
        .store
        .create_organisation(&Actor::local(), "Bank A", Stakeholder::PrivateSector)
        .await
        .unwrap();
    let other = state
        .store
        .create_organisation(&Actor::local(), "Bank B", Stakeholder::PrivateSector)
        .await
        .unwrap();
    let list = state
        .store
        .create_list(
            &Actor::local(),
            NewList {
                name: "banks",
                kinds: Kinds::Web,
                owner_org: Some(&org.id),
            },
        )
        .await
        .unwrap();
    let mut entry = ListEntry::new(DomainName::parse("owned.test").unwrap());
    entry.organisation = Some("Bank A".into());
    state
        .store
        .add_entries(&Actor::local(), &list.id, &[entry])
        .await
        .unwrap();
    state
        .store
        .start_scan(&Actor::local(), &list.id, None)
        .await
        .unwrap();
    let job = state
        .store
        .claim_scan_job("w", 60, indaba_store::now())
        .await
        .unwrap()
        .unwrap();
    let failing = match state
        .store
        .finish_scan_job(&job.id, &report("owned.test", "fail"))
        .await
        .unwrap()
    {
        indaba_store::monitor::Finished::Written(id) => id,
        other => panic!("{other:?}"),
    };
    state.store.advance_scans().await.unwrap();
    let passing = state
        .store
        .save_report(&report("owned.test", "pass"))
        .await
        .unwrap();
    World {
        list: list.id,
        failing,
        passing,
        owner: session(state, "owner@bank-a.test", Role::Member, Some(&org.id)).await,
        stranger: session(state, "other@bank-b.test", Role::Member, Some(&other.id)).await,
        analyst: session(state, "analyst@cert.test", Role::Analyst, None).await,
    }
}

async fn post(
    state: &AppState,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let body = serde_urlencoded::to_string(form).unwrap();
    let (s, h, b) = crate::testing::send(
        state,
        Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    let location = h
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (s, format!("{location}{}", String::from_utf8_lossy(&b)))
}

fn in_a_month() -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::days(30))
        .date()
        .to_string()
}

#[tokio::test]
async fn only_an_owner_explains_a_finding_that_falls_short_and_the_report_marks_it() {
    let f = fixture().await;
    let s = &f.state;
    let w = world(s).await;
    let until = in_a_month();
    let text = "Legacy portal <script>alert(1)</script> retired in March";
    let form = |report: &str, csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("report", report.to_string()),
            ("check", "web.https.available".to_string()),
            ("text", text.to_string()),
            ("until", until.clone()),
        ]
    };
    let send_form = |cookie: String, fields: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(s, &cookie, "/monitor/explanations", &pairs).await
    };

    // The owner sees the form on the failing finding; a stranger does not.
    let (_, page) = get(s, &w.owner.0, &format!("/report/{}", w.failing)).await;
    assert!(page.contains("explain-text-web-https-available"), "{page}");
    let (_, page) = get(s, &w.stranger.0, &format!("/report/{}", w.failing)).await;
    assert!(!page.contains("explain-text-web-https-available"));

    // Without a session: to the sign-in page; without the token: refused.
    let (status, _) = send_form(String::new(), form(&w.failing, "x")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = send_form(w.owner.0.clone(), form(&w.failing, "not-the-token")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another organisation's member: refused, and audited.
    let (status, _) = send_form(w.stranger.0.clone(), form(&w.failing, &w.stranger.1)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A passing finding needs no explanation.
    let (status, _) = send_form(w.owner.0.clone(), form(&w.passing, &w.owner.1)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Dates in the past or too far ahead, no text, too long a text.
    for (field, value) in [
        ("until", "2001-01-01".to_string()),
        ("until", "2999-01-01".to_string()),
        ("until", "soon".to_string()),
        ("text", "   ".to_string()),
        ("text", "x".repeat(2_001)),
    ] {
        let mut fields = form(&w.failing, &w.owner.1);
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let (status, _) = send_form(w.owner.0.clone(), fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}");
    }
    assert!(
        s.store
            .explanations_of_list(&w.list, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let (status, location) = send_form(w.owner.0.clone(), form(&w.failing, &w.owner.1)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with(&format!(
        "/report/{}#finding-web.https.available",
        w.failing
    )));

    // Anyone reading the report sees it explained, the text escaped.
    let (status, page) = get(s, "", &format!("/report/{}", w.failing)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("badge explained"), "{page}");
    assert!(page.contains("Explained by Bank A"));
    assert!(
        page.contains("Legacy portal &#60;script&#62;alert(1)&#60;/script&#62; retired"),
        "{page}"
    );
    assert!(!page.contains("<script>alert(1)"));

    let audit = s.store.audit_entries(50).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "monitor.explanation.create")
    );
    assert!(
        audit
            .iter()
            .any(|e| e.action == "monitor.explanation.refused")
    );
}

#[tokio::test]
async fn analysts_reject_with_a_reason_and_the_list_page_counts_both_ways() {
    let f = fixture().await;
    let s = &f.state;
    let w = world(s).await;
    let until = in_a_month();
    let (status, _) = post(
        s,
        &w.owner.0,
        "/monitor/explanations",
        &[
            ("csrf", &w.owner.1),
            ("report", &w.failing),
            ("check", "web.https.available"),
            ("text", "Third-party host"),
            ("until", &until),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = s.store.explanations_of_list(&w.list, 10).await.unwrap()[0]
        .id
        .clone();

    let (status, page) = get(
        s,
        &w.owner.0,
        &format!("/monitor/lists/{}/explanations", w.list),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Third-party host"));
    assert!(page.contains("In force"));
    assert!(
        page.contains(r#"<td class="fail-without">1</td><td class="fail-with">0</td><td class="explained">1</td>"#),
        "{page}"
    );
    assert!(!page.contains("/reject\""), "members get no reject form");
    let (_, domains) = get(s, &w.owner.0, &format!("/monitor/lists/{}", w.list)).await;
    assert!(
        domains.contains(r#"<td class="explained-count">1</td>"#),
        "{domains}"
    );
    // Another organisation's member does not see the list at all.
    let (status, _) = get(
        s,
        &w.stranger.0,
        &format!("/monitor/lists/{}/explanations", w.list),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let reject = format!("/monitor/explanations/{id}/reject");
    // Members may not reject; nor may anyone without the token or a reason.
    let (status, _) = post(
        s,
        &w.owner.0,
        &reject,
        &[("csrf", &w.owner.1), ("reason", "mine")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(
        s,
        &w.analyst.0,
        &reject,
        &[("csrf", "bad"), ("reason", "no")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(
        s,
        &w.analyst.0,
        &reject,
        &[("csrf", &w.analyst.1), ("reason", " ")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, location) = post(
        s,
        &w.analyst.0,
        &reject,
        &[
            ("csrf", &w.analyst.1),
            ("reason", "The host is yours to configure"),
            ("list", &w.list),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/monitor/lists/{}/explanations", w.list));
    let (status, _) = post(
        s,
        &w.analyst.0,
        &reject,
        &[
            ("csrf", &w.analyst.1),
            ("reason", "again"),
            ("list", "https://elsewhere.example/"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "rejected once only");

    let (_, page) = get(
        s,
        &w.analyst.0,
        &format!("/monitor/lists/{}/explanations", w.list),
    )
    .await;
    assert!(
        page.contains("Rejected by analyst@cert.test: The host is yours to configure"),
        "{page}"
    );
    assert!(
        page.contains(r#"<td class="fail-without">1</td><td class="fail-with">1</td><td class="explained">0</td>"#),
        "{page}"
    );
    let (_, report) = get(s, "", &format!("/report/{}", w.failing)).await;
    assert!(
        !report.contains("badge explained"),
        "a rejected explanation marks nothing"
    );

    let audit = s.store.audit_entries(50).await.unwrap();
    let row = audit
        .iter()
        .find(|e| e.action == "monitor.explanation.reject")
        .unwrap();
    assert!(row.detail.contains("The host is yours to configure"));
}

/// Runs another scan of `list` whose report of owned.test fails https.
async fn scan_again(state: &AppState, list: &str) -> String {
    let (scan, _) = state
        .store
        .start_scan(&Actor::local(), list, None)
        .await
        .unwrap();
    let job = state
        .store
        .claim_scan_job("w", 60, indaba_store::now())
        .await
        .unwrap()
        .unwrap();
    state
        .store
        .finish_scan_job(&job.id, &report("owned.test", "fail"))
        .await
        .unwrap();
    assert_eq!(
        state.store.advance_scans().await.unwrap(),
        vec![scan.clone()]
    );
    scan
}

/// The check table's row of `check` on a dashboard page.
fn dashboard_row<'p>(page: &'p str, check: &str) -> &'p str {
    page.split(&format!("<tr data-check=\"{check}\">"))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row of {check}:\n{page}"))
}

#[tokio::test]
async fn statistics_of_a_scan_after_an_explanation_show_both_numbers() {
    let f = fixture().await;
    let s = &f.state;
    let w = world(s).await;
    let check = "web.https.available";
    let dashboard = format!("/monitor/lists/{}/dashboard", w.list);
    // The first scan finished before any explanation: nothing explained.
    let (_, page) = get(s, &w.owner.0, &dashboard).await;
    let row = dashboard_row(&page, check);
    assert!(
        row.contains(r#"<td class="failed">1</td><td class="explained">0</td><td class="failed-unexplained">1</td>"#),
        "{row}"
    );
    let (status, _) = post(
        s,
        &w.owner.0,
        "/monitor/explanations",
        &[
            ("csrf", &w.owner.1),
            ("report", &w.failing),
            ("check", check),
            ("text", "Third-party host"),
            ("until", &in_a_month()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let second = scan_again(s, &w.list).await;

    // The overview of the second scan: both numbers, and both adoptions.
    let (status, page) = get(s, &w.owner.0, &dashboard).await;
    assert_eq!(status, StatusCode::OK);
    let row = dashboard_row(&page, check);
    assert!(
        row.contains(r#"<td class="failed">1</td><td class="explained">1</td><td class="failed-unexplained">0</td>"#),
        "{row}"
    );
    assert!(
        row.contains(r#"<td class="adoption">0.0%</td><td class="adoption-explained">100.0%</td>"#),
        "{row}"
    );
    // The chart draws the second number; the trend has a second line.
    assert!(page.contains("0.0% · 100.0%"), "{page}");
    assert!(page.contains("Explained by the owner (counted as compliant)"));
    assert!(
        page.contains("(explained counted as compliant)</th>"),
        "{page}"
    );
    // The published report shows the same overview.
    let (_, location) = post(
        s,
        &w.analyst.0,
        &format!("/monitor/lists/{}/publish", w.list),
        &[("csrf", &w.analyst.1), ("passcode", "")],
    )
    .await;
    let address = s
        .store
        .publication_of(&w.list)
        .await
        .unwrap()
        .map(|p| format!("/published/{}", p.token))
        .unwrap_or_else(|| panic!("not published: {location}"));
    let (_, public) = get(s, "", &address).await;
    assert!(
        dashboard_row(&public, check).contains(r#"<td class="explained">1</td>"#),
        "{public}"
    );

    // Lists side by side for the check: both adoptions.
    let (status, page) = get(
        s,
        &w.owner.0,
        &format!(
            "/monitor/lists/{}/compare?by=list&kind=web&check={check}",
            w.list
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(
            "<td>1</td><td>0</td><td>0</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0.0%</td><td>100.0%</td>"
        ),
        "{page}"
    );

    // The statistics export carries the explained counts of each scan.
    let (status, csv) = get(
        s,
        &w.owner.0,
        &format!("/monitor/lists/{}/statistics.csv", w.list),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let heads = reader.headers().unwrap().clone();
    let col = |name: &str| heads.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[col("check")] == check && &r[col("dimension")] == "all")
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let explained: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                &r[col("scan")],
                &r[col("explained_failed")],
                &r[col("adoption_explained_percent")],
            )
        })
        .collect();
    assert_eq!(explained[1], (second.as_str(), "1", "100.00"), "{csv}");
    assert_eq!(explained[0].1, "0");
}
