//! Issue 13's pages on the whole router, driven with `oneshot()`: a list
//! scanned twice with a change between the scans (reports put in as the
//! workers put them), its dashboard, comparisons, a domain's history, the
//! exports, and the published report with and without a passcode.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use calamine::Reader;
use indaba_model::{DomainName, Report, Status};
use indaba_monitor::Kinds;
use indaba_monitor::list::{Country, ListEntry};
use indaba_store::monitor::NewList;
use indaba_store::{Actor, Role, Stakeholder};
use tower::ServiceExt;

use crate::AppState;
use crate::testing::{fixture, session};

const HSTS: &str = "web.https.hsts";

fn report(domain: &str, score: Option<u8>, hsts: Status) -> Report {
    let outcome = if score.is_some() {
        "scored"
    } else {
        "does_not_exist"
    };
    let s = score.map(|s| s.to_string()).unwrap_or("null".into());
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"{policy}",
        "started":"2026-11-22T12:00:00Z","duration_ms":5,"score":{s},
        "verdict":{{"outcome":"{outcome}","summary":"s","message":{{"id":"verdict-scored"}}}},
        "categories":[{{"category":"https","verdict":"scored","score":{s},"earned":0,"possible":0,"status":"pass"}}],
        "findings":[{{"check":"{HSTS}","status":"{}","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"{HSTS}","points":null}}],
        "observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#,
        hsts.as_str(),
        policy = indaba_model::score::POLICY_VERSION,
    );
    serde_json::from_str(&text).expect("sample report")
}

/// A list of three domains in two sectors and countries, owned by a new
/// organisation, scanned twice: `b` fails HSTS at first, then passes.
async fn scanned_list(state: &AppState) -> (String, String, String) {
    let store = &state.store;
    let org = store
        .create_organisation(&Actor::local(), "Bank A", Stakeholder::PrivateSector)
        .await
        .unwrap();
    let list = store
        .create_list(
            &Actor::local(),
            NewList {
                name: "banks <b>",
                kinds: Kinds::Web,
                owner_org: Some(&org.id),
            },
        )
        .await
        .unwrap();
    let entries: Vec<ListEntry> = [
        ("a.example", "finance", "NL"),
        ("b.example", "finance <i>", "ZA"),
        ("c.example", "energy", "NL"),
    ]
    .iter()
    .map(|(d, sector, country)| {
        let mut e = ListEntry::new(DomainName::parse(d).unwrap());
        e.sector = Some(sector.to_string());
        e.country = Some(Country::parse(country).unwrap());
        e
    })
    .collect();
    store
        .add_entries(&Actor::local(), &list.id, &entries)
        .await
        .unwrap();
    let mut scans = Vec::new();
    for round in 0..2 {
        let (scan, _) = store
            .start_scan(&Actor::local(), &list.id, None)
            .await
            .unwrap();
        while let Some(job) = store
            .claim_scan_job("w", 60, indaba_store::now())
            .await
            .unwrap()
        {
            let r = match (job.domain.as_str(), round) {
                ("a.example", _) => report(&job.domain, Some(90), Status::Pass),
                ("b.example", 0) => report(&job.domain, Some(40), Status::Fail),
                ("b.example", _) => report(&job.domain, Some(95), Status::Pass),
                _ => report(&job.domain, None, Status::Error),
            };
            store.finish_scan_job(&job.id, &r).await.unwrap();
        }
        store.advance_scans().await.unwrap();
        scans.push(scan);
    }
    (list.id, org.id, scans.pop().unwrap())
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let r = crate::router(state.clone()).oneshot(request).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, body.to_vec())
}

async fn get(state: &AppState, cookie: &str, path: &str) -> (StatusCode, HeaderMap, String) {
    let (s, h, b) = send(
        state,
        Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    (s, h, String::from_utf8_lossy(&b).into_owned())
}

async fn post(state: &AppState, cookie: &str, path: &str, body: &str) -> (StatusCode, HeaderMap) {
    let (s, h, _) = send(
        state,
        Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await;
    (s, h)
}

/// Every `<svg>…</svg>` of a page parses as XML.
fn svgs_parse(page: &str) -> usize {
    let mut n = 0;
    for part in page.split("<svg").skip(1) {
        let end = part.find("</svg>").expect("closed svg");
        let svg = format!("<svg{}</svg>", &part[..end]);
        let mut reader = quick_xml::Reader::from_str(&svg);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("chart is not XML: {e}"),
            }
        }
        n += 1;
    }
    n
}

#[tokio::test]
async fn the_dashboard_shows_charts_with_their_tables_and_policy() {
    let f = fixture().await;
    let (list, org, scan) = scanned_list(&f.state).await;
    let (analyst, _) = session(&f.state, "an@example.test", Role::Analyst, None).await;
    let (member, _) = session(&f.state, "m@example.test", Role::Member, Some(&org)).await;
    let (outsider, _) = session(&f.state, "o@example.test", Role::Member, None).await;

    let path = format!("/monitor/lists/{list}/dashboard");
    let (status, _, page) = get(&f.state, &analyst, &path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(svgs_parse(&page) >= 3, "score, adoption and trend charts");
    assert!(page.contains(indaba_model::score::POLICY_VERSION));
    assert!(page.contains("id=\"stats-check-table\""));
    assert!(page.contains("id=\"stats-improved\""));
    assert!(page.contains("b.example"));
    assert!(!page.contains("banks <b>"), "the list's name is escaped");
    // The adoption table has HSTS at 2 of 2 judged domains.
    let row = page
        .split("data-check=\"web.https.hsts\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains("<td class=\"passed\">2</td>") && row.contains("100.0%"),
        "{row}"
    );

    // The organisation's member sees it; someone else's does not.
    assert_eq!(get(&f.state, &member, &path).await.0, StatusCode::OK);
    assert_eq!(
        get(&f.state, &outsider, &path).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&f.state, "", &path).await.0, StatusCode::SEE_OTHER);

    // Sectors, countries (with the map) and lists side by side.
    for by in ["sector", "country", "list"] {
        let (status, _, page) = get(
            &f.state,
            &member,
            &format!("/monitor/lists/{list}/compare?by={by}&kind=web&check={HSTS}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{by}: {page}");
        let charts = svgs_parse(&page);
        assert_eq!(charts, if by == "country" { 2 } else { 1 }, "{by}");
        assert!(!page.contains("finance <i>"), "escaped");
    }
    let (status, _, page) = get(
        &f.state,
        &member,
        &format!("/monitor/lists/{list}/compare?by=sector&category=https"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"stats-compare-table\""));
    let (status, _, _) = get(
        &f.state,
        &member,
        &format!("/monitor/lists/{list}/compare?check=no.such.check"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A domain's history marks the improvement.
    let (status, _, page) = get(
        &f.state,
        &member,
        &format!("/monitor/lists/{list}/domains/b.example"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("change-improved"), "{page}");
    assert_eq!(svgs_parse(&page), 1);

    // Exports of the scan's results and of the statistics open.
    let (status, headers, csv) = get(
        &f.state,
        &member,
        &format!("/monitor/scans/{scan}/results.csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let heads = reader.headers().unwrap().clone();
    let hsts = heads.iter().position(|h| h == HSTS).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][0], "b.example");
    assert_eq!(&rows[1][hsts], "pass");
    let (status, _, json) = get(
        &f.state,
        &member,
        &format!("/monitor/lists/{list}/statistics.json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json["checks"].as_array().unwrap().len() > 10);
    assert!(
        json["scores"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["category"] == "overall")
    );
    let (status, _, xlsx) = send(
        &f.state,
        Request::get(format!("/monitor/lists/{list}/statistics.xlsx"))
            .header(header::COOKIE, &member)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(book.sheet_names(), vec!["checks", "scores"]);
    let checks = book.worksheet_range("checks").unwrap();
    assert_eq!(
        checks.get_value((0, 6)),
        Some(&calamine::Data::String("check".into()))
    );
    let (status, _, xlsx) = send(
        &f.state,
        Request::get(format!("/monitor/scans/{scan}/results.xlsx"))
            .header(header::COOKIE, &member)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let results = book.worksheet_range("results").unwrap();
    assert_eq!(results.height(), 4);
    assert_eq!(
        get(
            &f.state,
            &outsider,
            &format!("/monitor/scans/{scan}/results.csv")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(
            &f.state,
            &member,
            &format!("/monitor/scans/{scan}/results.pdf")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_dashboard_without_scans_says_so() {
    let f = fixture().await;
    let list = f
        .state
        .store
        .create_list(
            &Actor::local(),
            NewList {
                name: "empty",
                kinds: Kinds::Web,
                owner_org: None,
            },
        )
        .await
        .unwrap();
    let (analyst, _) = session(&f.state, "an@example.test", Role::Analyst, None).await;
    let (status, _, page) = get(
        &f.state,
        &analyst,
        &format!("/monitor/lists/{}/dashboard", list.id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"stats-none\""));
}

#[tokio::test]
async fn a_published_report_with_and_without_passcode_and_unpublished() {
    let f = fixture().await;
    let (list, _, _) = scanned_list(&f.state).await;
    let (analyst, csrf) = session(&f.state, "an@example.test", Role::Analyst, None).await;
    let (member, member_csrf) = session(&f.state, "m@example.test", Role::Member, None).await;

    // Members cannot publish.
    let (status, _) = post(
        &f.state,
        &member,
        &format!("/monitor/lists/{list}/publish"),
        &format!("csrf={member_csrf}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Without a passcode: anyone reads it at its address.
    let (status, _h) = post(
        &f.state,
        &analyst,
        &format!("/monitor/lists/{list}/publish"),
        &format!("csrf={csrf}&passcode="),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{:?}", _h);
    let p = f.state.store.publication_of(&list).await.unwrap().unwrap();
    let address = format!("/published/{}", p.token);
    let (status, _, page) = get(&f.state, "", &address).await;
    assert_eq!(status, StatusCode::OK);
    assert!(svgs_parse(&page) >= 3);
    assert!(page.contains(indaba_model::score::POLICY_VERSION));
    assert!(
        !page.contains("/monitor/lists/"),
        "no links into the platform"
    );
    let (_, _, dash) = get(
        &f.state,
        &analyst,
        &format!("/monitor/lists/{list}/dashboard"),
    )
    .await;
    assert!(dash.contains(&address));

    // Unpublishing works at once.
    let (status, _) = post(
        &f.state,
        &analyst,
        &format!("/monitor/lists/{list}/unpublish"),
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(get(&f.state, "", &address).await.0, StatusCode::NOT_FOUND);

    // With a passcode: the form, a wrong passcode refused, the right one
    // opens it (for this browser).
    post(
        &f.state,
        &analyst,
        &format!("/monitor/lists/{list}/publish"),
        &format!("csrf={csrf}&passcode=open+sesame+please"),
    )
    .await;
    let p = f.state.store.publication_of(&list).await.unwrap().unwrap();
    assert!(p.passcode.as_deref().unwrap().starts_with("$argon2id$"));
    let address = format!("/published/{}", p.token);
    let (status, headers, page) = get(&f.state, "", &address).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"passcode\""));
    assert!(!page.contains("<svg"));
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let visitor = crate::protect::signed_token(&f.state.csrf_key);
    let cookie = format!("indaba_csrf={visitor}");
    let (status, _) = post(
        &f.state,
        &cookie,
        &address,
        &format!("csrf={visitor}&passcode=wrong"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers) = post(
        &f.state,
        &cookie,
        &address,
        &format!("csrf={visitor}&passcode=open+sesame+please"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let grant = headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, _, page) = get(&f.state, &format!("{cookie}; {grant}"), &address).await;
    assert_eq!(status, StatusCode::OK);
    assert!(svgs_parse(&page) >= 3);
    // A made-up grant opens nothing.
    let forged = format!("{}=AAAA", grant.split('=').next().unwrap());
    let (_, _, page) = get(&f.state, &forged, &address).await;
    assert!(!page.contains("<svg"));

    // Guessing is rate-limited.
    let mut limited = false;
    for _ in 0..50 {
        let (status, _) = post(
            &f.state,
            &cookie,
            &address,
            &format!("csrf={visitor}&passcode=guess"),
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "passcode guesses are rate-limited");
    assert_eq!(
        get(&f.state, "", "/published/not-a-token").await.0,
        StatusCode::NOT_FOUND
    );
}
