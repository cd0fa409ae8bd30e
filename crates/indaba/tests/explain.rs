//! Comply or explain end to end (issue 13): a list of a test-network domain
//! scanned by `serve`'s workers; in Chromium, a member of the owning
//! organisation explains two failing findings on the report page; the
//! public report shows them marked explained with the text; the list's
//! explanations page counts fails with and without them; a second scan's
//! statistics (the list's dashboard) show both numbers; an analyst rejects
//! one with a reason, which the audit log shows; then the server's test
//! clock passes the other's expiry: the report no longer marks it, and a
//! third scan, finished by the server's clock, counts nothing explained
//! while the second keeps its numbers.

use indaba_model::DomainName;
use indaba_monitor::Kinds;
use indaba_monitor::list::ListEntry;
use indaba_store::monitor::NewList;
use indaba_store::{Actor, NewUser, Role, Stakeholder};
use indaba_testkit::browser::{chromium, fill_and_submit, wait_for_text, wait_until};
use indaba_testkit::platform::{self, Db};

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_indaba");

const PASSWORD: &str = "a long enough password";

async fn sign_in(b: &fantoccini::Client, server: &platform::Server, email: &str) {
    b.delete_all_cookies().await.unwrap();
    b.goto(&server.url("/login")).await.unwrap();
    fill_and_submit(b, &[("email", email), ("password", PASSWORD)]).await;
    wait_until("the sign-in never finished", || async {
        let url = b
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        if url.contains("/login") {
            Err(url)
        } else {
            Ok(())
        }
    })
    .await;
}

/// Explains finding `check` (its id with dots as dashes) on the report
/// page, until `date`.
async fn explain(
    b: &fantoccini::Client,
    server: &platform::Server,
    report: &str,
    check: &str,
    text: &str,
    date: &str,
) {
    b.goto(&server.url(&format!("/report/{report}")))
        .await
        .unwrap();
    b.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![
            serde_json::json!(format!("explain-until-{check}")),
            serde_json::json!(date),
        ],
    )
    .await
    .unwrap();
    fill_and_submit(b, &[(&format!("explain-text-{check}"), text)]).await;
    wait_for_text(b, text).await;
}

/// Starts a scan of `list` from its page (as an admin) and waits until
/// `serve`'s workers and scheduler have finished it; returns its id.
async fn scan_from_the_web(
    admin: &reqwest::Client,
    server: &platform::Server,
    store: &indaba_store::Store,
    list: &str,
) -> String {
    let token = platform::csrf(admin, &server.url(&format!("/monitor/lists/{list}"))).await;
    let r = admin
        .post(server.url(&format!("/monitor/lists/{list}/scan")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    let location = platform::location(&r);
    let scan = location
        .strip_prefix("/monitor/scans/")
        .unwrap_or_else(|| panic!("no scan started: {r:?}"))
        .to_string();
    wait_until("the scan never finished", || async {
        let s = store.scan(&scan).await.map_err(|e| e.to_string())?;
        if s.state.as_str() == "done" {
            Ok(())
        } else {
            Err(s.state.as_str().to_string())
        }
    })
    .await;
    scan
}

/// The cells of the table row after `marker` with the given classes.
fn row_cells(page: &str, marker: &str, classes: [&str; 3]) -> (String, String, String) {
    let row = page
        .split(marker)
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row {marker}:\n{page}"));
    let cell = |class: &str| {
        row.split(&format!("class=\"{class}\">"))
            .nth(1)
            .and_then(|c| c.split('<').next())
            .unwrap_or_default()
            .to_string()
    };
    (cell(classes[0]), cell(classes[1]), cell(classes[2]))
}

/// The dashboard's check row of `check`: (failed, explained, failed
/// without explained findings).
fn stat_counts(page: &str, check: &str) -> (String, String, String) {
    row_cells(
        page,
        &format!("data-check=\"{check}\""),
        ["failed", "explained", "failed-unexplained"],
    )
}

async fn text_of(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The counts row of `check` on the explanations page: (fails without,
/// fails with, explained).
fn counts(page: &str, check: &str) -> (String, String, String) {
    row_cells(
        page,
        &format!("id=\"count-{check}\""),
        ["fail-without", "fail-with", "explained"],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_explains_the_report_shows_it_an_analyst_rejects_and_it_expires() {
    let server = platform::start(BIN, Db::Sqlite, &["--test-clock"]).await;
    let store = indaba_store::Store::open(&server.database).await.unwrap();
    let local = Actor::local();
    let org = store
        .create_organisation(&local, "Bank A", Stakeholder::PrivateSector)
        .await
        .unwrap();
    for (email, role, org) in [
        ("owner@bank-a.test", Role::Member, Some(org.id.as_str())),
        ("analyst@cert.test", Role::Analyst, None),
        ("admin@cert.test", Role::Admin, None),
    ] {
        store
            .create_user(
                &local,
                NewUser {
                    email,
                    name: "",
                    role,
                    organisation_id: org,
                    password: PASSWORD,
                },
            )
            .await
            .unwrap();
    }
    let list = store
        .create_list(
            &local,
            NewList {
                name: "banks",
                kinds: Kinds::Web,
                owner_org: Some(&org.id),
            },
        )
        .await
        .unwrap();
    // unsigned.test fails both DNSSEC checks (testbed/cases.toml).
    let mut entry = ListEntry::new(DomainName::parse("unsigned.test").unwrap());
    entry.organisation = Some("Bank A".into());
    store.add_entries(&local, &list.id, &[entry]).await.unwrap();
    let out = server.command(&["scan", "banks", "--watch-only"]);
    assert!(out.status.success(), "{out:?}");
    let scan = &store.scans(Some(&list.id), 1).await.unwrap()[0];
    let results = store.scan_results(&scan.id, 0, 10).await.unwrap();
    let report = results[0].report_id.clone().expect("the scan's report");

    let browser = chromium().await;
    let b = &browser.client;
    sign_in(b, &server, "owner@bank-a.test").await;
    let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1)).date();
    let in_a_month = (time::OffsetDateTime::now_utc() + time::Duration::days(30)).date();
    explain(
        b,
        &server,
        &report,
        "dns-dnssec-exists",
        "Signing goes live with the registrar move in January",
        &tomorrow.to_string(),
    )
    .await;
    explain(
        b,
        &server,
        &report,
        "dns-dnssec-valid",
        "Our provider does not offer DNSSEC",
        &in_a_month.to_string(),
    )
    .await;

    // Anyone reading the report sees both marked, with the text.
    let public = platform::client();
    let page = text_of(&public, server.url(&format!("/report/{report}"))).await;
    assert_eq!(page.matches("badge explained").count(), 2, "{page}");
    assert!(page.contains("Signing goes live with the registrar move in January"));
    assert!(page.contains("Explained by Bank A"));

    // The list's explanations page: both numbers for each check.
    let explanations = server.url(&format!("/monitor/lists/{}/explanations", list.id));
    b.goto(&explanations).await.unwrap();
    let page = b.source().await.unwrap();
    for check in ["dns.dnssec.exists", "dns.dnssec.valid"] {
        assert_eq!(
            counts(&page, check),
            ("1".into(), "0".into(), "1".into()),
            "{check}"
        );
    }
    assert_eq!(page.matches("In force").count(), 2, "{page}");

    // A second scan's statistics: both numbers for each explained check,
    // and the adoption with explained findings counted as compliant.
    let admin = server.signed_in("admin@cert.test", PASSWORD).await;
    let dashboard = server.url(&format!("/monitor/lists/{}/dashboard", list.id));
    b.goto(&dashboard).await.unwrap();
    let page = b.source().await.unwrap();
    assert_eq!(
        stat_counts(&page, "dns.dnssec.exists"),
        ("1".into(), "0".into(), "1".into()),
        "the first scan finished before any explanation"
    );
    let second = scan_from_the_web(&admin, &server, &store, &list.id).await;
    b.goto(&dashboard).await.unwrap();
    let page = wait_for_text(b, "Explained by the owner (counted as compliant)").await;
    for check in ["dns.dnssec.exists", "dns.dnssec.valid"] {
        assert_eq!(
            stat_counts(&page, check),
            ("1".into(), "1".into(), "0".into()),
            "{check}"
        );
    }
    assert!(page.contains(&format!("/monitor/scans/{second}/results.csv")));
    assert!(
        page.contains("class=\"adoption\">0.0%</td><td class=\"adoption-explained\">100.0%"),
        "{page}"
    );

    // An analyst rejects the second with a reason.
    sign_in(b, &server, "analyst@cert.test").await;
    b.goto(&explanations).await.unwrap();
    let valid = store
        .explanations_of_list(&list.id, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.key.check == "dns.dnssec.valid")
        .unwrap();
    fill_and_submit(
        b,
        &[(
            &format!("reason-{}", valid.id),
            "DNSSEC is offered by every registrar we checked",
        )],
    )
    .await;
    wait_for_text(b, "Rejected by analyst@cert.test").await;
    let page = b.source().await.unwrap();
    assert_eq!(
        counts(&page, "dns.dnssec.valid"),
        ("1".into(), "1".into(), "0".into())
    );
    assert_eq!(
        counts(&page, "dns.dnssec.exists"),
        ("1".into(), "0".into(), "1".into())
    );

    // The audit log shows the reason.
    sign_in(b, &server, "admin@cert.test").await;
    b.goto(&server.url("/admin")).await.unwrap();
    let page = wait_for_text(b, "monitor.explanation.reject").await;
    assert!(
        page.contains("DNSSEC is offered by every registrar we checked"),
        "{page}"
    );

    // Past the first one's expiry, by the server's clock: it falls away.
    let token = platform::csrf(&admin, &server.url("/admin")).await;
    let after = tomorrow.midnight().assume_utc().unix_timestamp() + 86_400 + 60;
    let r = admin
        .post(server.url("/assembly/clock"))
        .form(&[("csrf", token.as_str()), ("at", &after.to_string())])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{r:?}");
    let page = text_of(&public, server.url(&format!("/report/{report}"))).await;
    assert!(!page.contains("badge explained"), "{page}");
    assert!(!page.contains("Signing goes live"));
    b.goto(&explanations).await.unwrap();
    let page = b.source().await.unwrap();
    assert_eq!(
        counts(&page, "dns.dnssec.exists"),
        ("1".into(), "1".into(), "0".into())
    );
    assert!(page.contains("Expired"), "{page}");

    // A third scan, finished by the server's clock past the expiry: one
    // explanation expired, the other rejected, so nothing counts as
    // explained; the trend keeps the second scan's numbers.
    let third = scan_from_the_web(&admin, &server, &store, &list.id).await;
    sign_in(b, &server, "owner@bank-a.test").await;
    b.goto(&dashboard).await.unwrap();
    let page = wait_for_text(b, &format!("/monitor/scans/{third}/results.csv")).await;
    for check in ["dns.dnssec.exists", "dns.dnssec.valid"] {
        assert_eq!(
            stat_counts(&page, check),
            ("1".into(), "0".into(), "1".into()),
            "{check}"
        );
    }
    let lines: Vec<&str> = page
        .split("(explained counted as compliant)</th>")
        .skip(1)
        .filter_map(|r| r.split("</tr>").next())
        .collect();
    assert_eq!(lines.len(), 2, "{page}");
    for line in lines {
        assert!(line.ends_with("<td>100.0%</td><td>0.0%</td>"), "{line}");
    }
}
