//! The platform end to end: `indaba serve` started here on the test network,
//! with SQLite and with PostgreSQL, driven over HTTP like a browser and an
//! API client would.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use indaba_testkit::browser::{chromium, fill_and_submit, wait_for_text, wait_for_url};
use indaba_testkit::platform::{self, Db, Server, client as browser, csrf, location, mailbox};
use indaba_testkit::testbed_env;
use reqwest::StatusCode;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_indaba");

async fn start(db: Db, extra: &[&str]) -> Server {
    platform::start(BIN, db, extra).await
}

async fn start_on(db: Db, port: u16, extra: &[&str]) -> Server {
    platform::start_on(BIN, db, port, extra).await
}

fn create_user(server: &Server, email: &str, role: &str, password: &str) {
    server.create_user(email, role, password);
}

async fn signed_in(server: &Server, email: &str, password: &str) -> reqwest::Client {
    server.signed_in(email, password).await
}

/// Submits a test through the form and follows the progress page to the report.
async fn test_through_the_site(server: &Server, kind: &str, domain: &str) -> String {
    let client = browser();
    let token = csrf(&client, &server.base).await;
    let r = client
        .post(format!("{}/test/{kind}", server.base))
        .form(&[("csrf", token.as_str()), ("domain", domain)])
        .send()
        .await
        .expect("submit");
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let mut next = location(&r);
    let deadline = Instant::now() + Duration::from_secs(60);
    while next.contains("/test/") {
        assert!(Instant::now() < deadline, "the test did not finish in 60 s");
        let r = client
            .get(format!(
                "{}{}",
                server.base,
                next.trim_start_matches(&server.base)
            ))
            .send()
            .await
            .expect("progress");
        if r.status() == StatusCode::SEE_OTHER {
            next = location(&r);
        } else {
            let body = r.text().await.unwrap_or_default();
            assert!(
                body.contains("http-equiv=\"refresh\""),
                "a progress page refreshes itself: {body}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    assert!(next.contains("/report/"), "{next}");
    let page = client
        .get(format!(
            "{}{}",
            server.base,
            next.trim_start_matches(&server.base)
        ))
        .send()
        .await
        .expect("report");
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.expect("report body")
}

async fn site_flow(db: Db) {
    let server = start(db, &[]).await;
    let web = test_through_the_site(&server, "web", "signed.test").await;
    assert!(web.contains("Test result for signed.test"), "{web}");
    assert!(
        web.contains("DNSSEC signatures validate from the root"),
        "{web}"
    );
    assert!(web.contains("href=\"/guides/dns.dnssec.valid\""), "{web}");
    let mail = test_through_the_site(&server, "mail", "mail.test").await;
    assert!(
        mail.contains("Every mail server (MX) has an IPv6 address"),
        "{mail}"
    );
    let guide = reqwest::get(format!("{}/guides/dns.dnssec.valid", server.base))
        .await
        .expect("guide");
    assert_eq!(
        guide.status(),
        StatusCode::OK,
        "every finding links to a guide that exists"
    );
    // A second submission within the reuse window shows the same report.
    let again = test_through_the_site(&server, "web", "https://signed.test/").await;
    assert_eq!(report_id_of(&again), report_id_of(&web));
}

fn report_id_of(page: &str) -> String {
    let marker = "href=\"/report/";
    let start = page.find(marker).expect("a permalink") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn web_and_mail_tests_through_the_site_sqlite() {
    site_flow(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn web_and_mail_tests_through_the_site_postgres() {
    site_flow(Db::Postgres).await;
}

fn validator_for(doc: &serde_json::Value, component: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    root["$ref"] = serde_json::Value::String(format!("#/components/schemas/{component}"));
    jsonschema::validator_for(&root).expect("the OpenAPI document's schemas compile")
}

fn assert_valid(validator: &jsonschema::Validator, value: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the OpenAPI document: {errors:?}\n{value}"
    );
}

async fn api_flow(db: Db) {
    let server = start(db, &["--reuse-seconds", "0"]).await;
    let client = reqwest::Client::new();
    let doc: serde_json::Value = client
        .get(format!("{}/api/v1/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status_schema = validator_for(&doc, "TestStatus");
    let report_schema = validator_for(&doc, "Report");
    let error_schema = validator_for(&doc, "Error");
    let batch_schema = validator_for(&doc, "BatchStatus");

    let r = client
        .post(format!("{}/api/v1/tests", server.base))
        .json(&serde_json::json!({"kind": "web", "domain": "signed.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let submitted: serde_json::Value = r.json().await.unwrap();
    assert_valid(&status_schema, &submitted, "POST /api/v1/tests");
    let id = submitted["id"].as_str().expect("an id").to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    let report_id = loop {
        let status: serde_json::Value = client
            .get(format!("{}/api/v1/tests/{id}", server.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_valid(&status_schema, &status, "GET /api/v1/tests/{id}");
        if status["state"] == "done" {
            break status["report_id"].as_str().expect("report id").to_string();
        }
        assert_ne!(status["state"], "failed", "{status}");
        assert!(Instant::now() < deadline, "not done in 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let report: serde_json::Value = client
        .get(format!("{}/api/v1/reports/{report_id}", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_valid(&report_schema, &report, "GET /api/v1/reports/{id}");
    assert_eq!(report["target"], "signed.test");

    let bad = client
        .post(format!("{}/api/v1/tests", server.base))
        .json(&serde_json::json!({"kind": "web", "domain": "a".repeat(300)}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_valid(&error_schema, &bad.json().await.unwrap(), "a 400 answer");
    let missing = client
        .get(format!("{}/api/v1/reports/nope", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_valid(
        &error_schema,
        &missing.json().await.unwrap(),
        "a 404 answer",
    );

    // Batches need an API key, made by an admin on the admin page.
    let no_key = client
        .post(format!("{}/api/v1/batches", server.base))
        .json(&serde_json::json!({"kind": "web", "domains": ["signed.test"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    create_user(&server, "admin@example.test", "admin", "an admin password");
    let admin = signed_in(&server, "admin@example.test", "an admin password").await;
    let admin_page = admin
        .get(format!("{}/admin", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let user_id = admin_page
        .split("id=\"k-user\"")
        .nth(1)
        .and_then(|s| s.split("<option value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("the API key form lists users")
        .to_string();
    let key = server.new_api_key(&admin, &user_id, "batch test").await;
    let r = client.post(format!("{}/api/v1/batches", server.base)).bearer_auth(&key).json(&serde_json::json!({"kind": "web", "domains": ["signed.test", "unsigned.test", "not a domain"]})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let batch: serde_json::Value = r.json().await.unwrap();
    assert_valid(&batch_schema, &batch, "POST /api/v1/batches");
    assert_eq!(batch["tests"][2]["state"], "rejected");
    let batch_id = batch["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let b: serde_json::Value = client
            .get(format!("{}/api/v1/batches/{batch_id}", server.base))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_valid(&batch_schema, &b, "GET /api/v1/batches/{id}");
        if b["finished"] == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "batch not finished: {b}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let forged = client
        .get(format!("{}/api/v1/batches/{batch_id}", server.base))
        .bearer_auth("ik_forged")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn api_matches_its_openapi_document_sqlite() {
    api_flow(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_matches_its_openapi_document_postgres() {
    api_flow(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn roles_sign_in_and_password_reset_through_real_mail() {
    let server = start(Db::Sqlite, &[]).await;
    create_user(
        &server,
        "member@example.test",
        "member",
        "a member password",
    );
    // Anonymous visitors are sent to sign in; members are refused.
    let anonymous = browser();
    let r = anonymous
        .get(format!("{}/admin", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).ends_with("/login"));
    let member = signed_in(&server, "member@example.test", "a member password").await;
    assert_eq!(
        member
            .get(format!("{}/admin", server.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // A wrong password and SQL in the address are just wrong.
    let other = browser();
    let token = csrf(&other, &format!("{}/login", server.base)).await;
    for (email, password) in [
        ("member@example.test", "not the password"),
        ("' OR 1=1 --", "x"),
    ] {
        let r = other
            .post(format!("{}/login", server.base))
            .form(&[
                ("csrf", token.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Without the CSRF token, nothing happens.
    let r = other
        .post(format!("{}/login", server.base))
        .form(&[
            ("email", "member@example.test"),
            ("password", "a member password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Reset: the link arrives through Postfix on the test network.
    let before = mailbox();
    let token = csrf(&other, &format!("{}/password/forgot", server.base)).await;
    let r = other
        .post(format!("{}/password/forgot", server.base))
        .form(&[("csrf", token.as_str()), ("email", "member@example.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let link = reset_link(&server, "member@example.test", &before).await;
    let token = csrf(&other, &link).await;
    let r = other
        .post(&link)
        .form(&[
            ("csrf", token.as_str()),
            ("password", "a brand new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = other
        .post(&link)
        .form(&[
            ("csrf", token.as_str()),
            ("password", "yet another password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a reset link works once"
    );
    signed_in(&server, "member@example.test", "a brand new password").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_input_gets_clear_answers_and_the_queue_stays_bounded() {
    let server = start(
        Db::Sqlite,
        &[
            "--queue-bound",
            "20",
            "--workers",
            "1",
            "--submit-burst",
            "5000",
            "--submit-per-minute",
            "5000",
            "--requests-per-minute",
            "100000",
            "--reuse-seconds",
            "0",
            // A thousand clients from one address at once: the queue's bound
            // is under test here, not the per-client connection cap.
            "--max-connections-per-client",
            "2000",
        ],
    )
    .await;
    let client = browser();
    let token = csrf(&client, &server.base).await;
    let post = |domain: String| {
        let client = client.clone();
        let token = token.clone();
        let url = format!("{}/test/web", server.base);
        async move {
            client
                .post(url)
                .form(&[("csrf", token), ("domain", domain)])
                .send()
                .await
                .expect("answer")
        }
    };
    let long = post(format!("{}.test", "a".repeat(296))).await;
    assert_eq!(long.status(), StatusCode::BAD_REQUEST);
    let html = post("<script>alert(1)</script>.test".into()).await;
    assert_eq!(html.status(), StatusCode::BAD_REQUEST);
    let body = html.text().await.unwrap();
    assert!(
        !body.contains("<script>alert(1)"),
        "output is escaped: {body}"
    );
    for name in ["bücher.test", "xn--bcher-kva.test"] {
        assert_eq!(
            post(name.into()).await.status(),
            StatusCode::SEE_OTHER,
            "{name} is a valid name"
        );
    }
    // A 10 MB form: refused as soon as its length is announced, before the
    // body is read (a client still writing gets the answer, then a close).
    let status_line = {
        use std::io::{Read, Write};
        let addr = server.base.trim_start_matches("http://").to_string();
        let mut sock = std::net::TcpStream::connect(addr).expect("connect");
        sock.set_read_timeout(Some(Duration::from_secs(10))).ok();
        write!(sock, "POST /test/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n", 10 * 1024 * 1024).expect("send headers");
        sock.write_all(&[b'a'; 65536]).ok();
        let mut answer = vec![0u8; 512];
        let n = sock.read(&mut answer).unwrap_or(0);
        String::from_utf8_lossy(&answer[..n])
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(status_line.contains("413"), "{status_line:?}");

    let answers = indaba_testkit::join_all((0..1000).map(|i| {
        let client = reqwest::Client::new();
        let url = format!("{}/api/v1/tests", server.base);
        async move {
            let r = client
                .post(url)
                .json(&serde_json::json!({"kind": "web", "domain": format!("n{i}.signed.test")}))
                .send()
                .await
                .expect("an answer, not a hang");
            let status = r.status();
            let id = r
                .json::<serde_json::Value>()
                .await
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_string));
            (status, id)
        }
    }))
    .await;
    let accepted: Vec<String> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::ACCEPTED)
        .filter_map(|(_, id)| id.clone())
        .collect();
    let busy = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    let other: Vec<_> = answers
        .iter()
        .filter(|(s, _)| *s != StatusCode::ACCEPTED && *s != StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(other.is_empty(), "only 202 or 503: {other:?}");
    assert!(busy > 0, "the bound of 20 was hit");
    assert!(
        accepted.len() < 200,
        "{} accepted with a bound of 20 and one worker",
        accepted.len()
    );
    // Nothing accepted is lost.
    for id in accepted {
        let r = reqwest::get(format!("{}/api/v1/tests/{id}", server.base))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "job {id}");
    }
}

/// Waits for a new reset mail to `email` and returns its link.
async fn reset_link(server: &Server, email: &str, before: &[PathBuf]) -> String {
    let prefix = format!("{}/password/reset/", server.base);
    // Tests run side by side and may share an address: the link must be
    // this server's.
    let mail = platform::wait_for_mail(&format!("reset mail for {email}"), before, |m| {
        m.contains(&format!("To: {email}")) && m.contains(&prefix)
    })
    .await;
    // Both parts arrive: text wrapped at 78 columns, and HTML with the link.
    assert!(mail.contains("multipart/alternative"), "{mail}");
    assert!(mail.contains("Content-Type: text/plain"), "{mail}");
    assert!(mail.contains("Content-Type: text/html"), "{mail}");
    assert!(mail.contains(&format!("<a href=\"{prefix}")), "{mail}");
    let text = mail
        .split("Content-Type: text/plain")
        .nth(1)
        .and_then(|t| t.split("Content-Type: text/html").next())
        .unwrap_or_default();
    for line in text.lines().filter(|l| !l.starts_with(&prefix)) {
        assert!(line.chars().count() <= 78, "{line:?} in {mail}");
    }
    assert!(text.contains("ignore this message"), "{mail}");
    let start = mail.find(&prefix).expect("the link");
    mail[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_tests_domains_reads_guides_signs_in_and_resets_a_password() {
    use fantoccini::Locator;
    let server = start(Db::Sqlite, &[]).await;
    let browser = chromium().await;
    let b = &browser.client;

    for (field, domain, expected) in [
        (
            "web-domain",
            "signed.test",
            "DNSSEC signatures validate from the root",
        ),
        (
            "mail-domain",
            "mail.test",
            "Every mail server (MX) has an IPv6 address",
        ),
    ] {
        b.goto(&server.base).await.expect("home page");
        fill_and_submit(b, &[(field, domain)]).await;
        wait_for_url(b, "/report/").await;
        let page = wait_for_text(b, &format!("Test result for {domain}")).await;
        assert!(page.contains(expected), "{page}");
    }
    let guide = b
        .find(Locator::Css("a[href='/guides/dns.dnssec.valid']"))
        .await
        .expect("a guide link");
    let href = guide.attr("href").await.ok().flatten().expect("href");
    b.goto(&format!("{}{href}", server.base))
        .await
        .expect("guide");
    let h1 = b
        .find(Locator::Css("h1"))
        .await
        .expect("guide title")
        .text()
        .await
        .unwrap_or_default();
    assert!(
        !h1.is_empty() && !h1.contains("Not found"),
        "guide title {h1:?}"
    );

    create_user(
        &server,
        "member@example.test",
        "member",
        "a member password",
    );
    b.goto(&format!("{}/login", server.base)).await.unwrap();
    fill_and_submit(
        b,
        &[
            ("email", "member@example.test"),
            ("password", "a member password"),
        ],
    )
    .await;
    wait_for_text(b, "Sign out (member@example.test)").await;
    b.goto(&format!("{}/admin", server.base)).await.unwrap();
    assert!(
        b.source().await.unwrap().contains("Not allowed"),
        "a member may not see the admin page"
    );

    let before = mailbox();
    b.goto(&format!("{}/password/forgot", server.base))
        .await
        .unwrap();
    fill_and_submit(b, &[("email", "member@example.test")]).await;
    let link = reset_link(&server, "member@example.test", &before).await;
    b.goto(&link).await.unwrap();
    fill_and_submit(b, &[("password", "the browser's new password")]).await;
    wait_for_text(b, "Password changed").await;
    signed_in(&server, "member@example.test", "the browser's new password").await;
    // The used link says so before any form, and offers a new one.
    b.goto(&link).await.unwrap();
    wait_for_text(b, "This link was already used").await;
    assert!(
        b.find(Locator::Css("input[type=password]")).await.is_err(),
        "no password form on a used link"
    );
    b.find(Locator::Css("a[href='/password/forgot']"))
        .await
        .expect("a link to ask for a new one")
        .click()
        .await
        .unwrap();
    wait_for_url(b, "/password/forgot").await;
}

/// Indaba's own site, behind TLS on the test network (nginx at indaba.test
/// proxies to 127.0.0.1:18080), passes Indaba's own website test at 100%.
#[tokio::test(flavor = "multi_thread")]
async fn the_platform_passes_its_own_web_test() {
    let _server = start_on(
        Db::Sqlite,
        18080,
        &[
            "--base-url",
            "https://indaba.test",
            "--secure-cookies",
            "--security-contact",
            "mailto:security@indaba.test",
        ],
    )
    .await;
    let env = testbed_env();
    let out = Command::new(env!("CARGO_BIN_EXE_indaba"))
        .args([
            "check",
            "--web",
            "indaba.test",
            "--json",
            "--allow-private-targets",
            "--resolver",
            &env["INDABA_TB_RESOLVER"],
            "--trust-anchor",
            &env["INDABA_TB_TRUST_ANCHOR"],
            "--ca-file",
            &env["INDABA_TB_CA"],
            "--rtr",
            &env["INDABA_TB_RTR"],
            "--origins-zone",
            &env["INDABA_TB_ORIGINS_ZONE"],
            "--query-timeout",
            "2",
            "--timeout",
            "60",
        ])
        .output()
        .expect("indaba check");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let problems: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["points"].is_object() && f["points"]["earned"] != f["points"]["possible"])
        .map(|f| format!("{} {}: {}", f["check"], f["status"], f["summary"]))
        .collect();
    assert_eq!(
        report["score"], 100,
        "Indaba's own site scores {}: {problems:#?}",
        report["score"]
    );
}
