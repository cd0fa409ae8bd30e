//! internet.nl's batch API (issue 13) against a real `indaba serve` on the
//! test network, on SQLite and PostgreSQL: the OpenAPI document without
//! authentication, HTTP Basic with an account's e-mail address and API
//! key, a web request followed through registering → running → generating
//! → done, its results and technical results from real tests of the test
//! network's zones, a mail request, the list, cancelling, unknown requests
//! and hostile names. Every answer is checked against the schemas of the
//! document the server serves (internet.nl's specification, see
//! `crates/indaba-web/src/batch/openapi.yaml`).

use std::time::{Duration, Instant};

use indaba_testkit::openapi::Document;
use indaba_testkit::platform::{self, Db, Server};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_indaba");

/// A server, its OpenAPI document (fetched without credentials) and the
/// credentials of an account with an API key.
struct Batch {
    server: Server,
    doc: Document,
    email: String,
    key: String,
    http: reqwest::Client,
}

impl Batch {
    async fn start(db: Db) -> Batch {
        let server = platform::start(BIN, db, &[]).await;
        let http = reqwest::Client::new();
        let r = http
            .get(server.url("/api/batch/openapi.yaml"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "the document needs no credentials"
        );
        let doc = Document::from_yaml(&r.text().await.unwrap());
        assert_eq!(
            doc.json["servers"][0]["url"],
            format!("{}/api/batch/v2", server.base)
        );
        let email = "batch@example.test".to_string();
        server.create_user(&email, "admin", "a batch admin password");
        let admin = server.signed_in(&email, "a batch admin password").await;
        let user_id = server.user_id(&admin, &email).await;
        let key = server.new_api_key(&admin, &user_id, "batch API").await;
        Batch {
            server,
            doc,
            email,
            key,
            http,
        }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(&format!("/api/batch/v2{path}"))
    }

    /// A call with the account's credentials: the status and the JSON body.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self
            .http
            .request(method, self.url(path))
            .basic_auth(&self.email, Some(&self.key));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// Registers a request; returns its id.
    async fn register(&self, kind: &str, domains: &[&str]) -> String {
        let (status, reply) = self
            .call(
                reqwest::Method::POST,
                "/requests",
                Some(json!({"type": kind, "name": "e2e", "domains": domains})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        self.doc.assert_valid("RegisterResponse", &reply);
        assert_eq!(reply["request"]["status"], "registering");
        reply["request"]["request_id"].as_str().unwrap().to_string()
    }

    /// Polls the request until `done` (bounded); returns every status seen,
    /// in order, once each.
    async fn follow(&self, id: &str) -> Vec<String> {
        let mut seen = vec!["registering".to_string()];
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let (status, reply) = self.get(&format!("/requests/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{reply}");
            self.doc.assert_valid("StatusResponse", &reply);
            let now = reply["request"]["status"].as_str().unwrap().to_string();
            if seen.last() != Some(&now) {
                seen.push(now.clone());
            }
            if now == "done" {
                return seen;
            }
            assert!(Instant::now() < deadline, "not done in time: {seen:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn test_status<'a>(results: &'a Value, domain: &str, test: &str) -> &'a str {
    results["domains"][domain]["results"]["tests"][test]["status"]
        .as_str()
        .unwrap_or_else(|| panic!("{domain} {test}: {results}"))
}

async fn flow(db: Db) {
    let b = Batch::start(db).await;

    // Wrong credentials: internet.nl's bare 401.
    for (user, password) in [
        (b.email.as_str(), "ik_wrong"),
        ("someone@example.test", b.key.as_str()),
    ] {
        let r = b
            .http
            .get(b.url("/requests"))
            .basic_auth(user, Some(password))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.headers().contains_key("www-authenticate"));
        assert!(r.text().await.unwrap().is_empty());
    }
    let r = b.http.get(b.url("/metadata/report")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no credentials");

    let (status, meta) = b.get("/metadata/report").await;
    assert_eq!(status, StatusCode::OK);
    b.doc.assert_valid("MetadataReportResponse", &meta);
    assert!(
        meta["report"]["hierarchy"]["mail"]
            .as_array()
            .unwrap()
            .len()
            == 5
    );

    // Hostile names are refused whole, in the spec's error shape.
    for domains in [
        json!(["signed.test", "../../etc/passwd"]),
        json!(["x".repeat(300)]),
        json!(["127.0.0.1"]),
        json!([]),
        json!([null]),
    ] {
        let (status, reply) = b
            .call(
                reqwest::Method::POST,
                "/requests",
                Some(json!({"type": "web", "domains": domains})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{domains}: {reply}");
        b.doc.assert_valid("BadRequestResponse", &reply);
    }

    // A web request, followed through the whole flow.
    let id = b.register("web", &["signed.test", "unsigned.test"]).await;
    let seen = b.follow(&id).await;
    assert_eq!(seen, ["registering", "running", "generating", "done"]);
    let (status, results) = b.get(&format!("/requests/{id}/results")).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    b.doc.assert_valid("ResultsResponse", &results);
    assert_eq!(results["request"]["status"], "done");
    assert!(results["request"]["finished_date"].is_string());
    assert_eq!(
        test_status(&results, "signed.test", "web_dnssec_valid"),
        "passed"
    );
    assert_eq!(
        test_status(&results, "unsigned.test", "web_dnssec_exist"),
        "failed"
    );
    assert_eq!(
        results["domains"]["unsigned.test"]["results"]["categories"]["web_dnssec"]["status"],
        "failed"
    );
    // The report is reachable without credentials, as internet.nl's are.
    let url = results["domains"]["signed.test"]["report"]["url"]
        .as_str()
        .unwrap();
    assert!(url.starts_with(&b.server.base), "{url}");
    assert_eq!(reqwest::get(url).await.unwrap().status(), StatusCode::OK);
    let (status, technical) = b.get(&format!("/requests/{id}/results_technical")).await;
    assert_eq!(status, StatusCode::OK);
    // The spec's oneOf of web and mail replies cannot tell a mail reply
    // from a web one; the reply of the request's type is checked.
    b.doc.assert_valid("DomainWebTechnicalReply", &technical);
    assert_eq!(
        technical["domains"]["signed.test"]["domain"]["dnssec"]["status"],
        "secure"
    );
    assert_eq!(
        technical["domains"]["unsigned.test"]["domain"]["dnssec"]["status"],
        "insecure"
    );
    // Per address: reachability and the route with its origin validation.
    let signed = &technical["domains"]["signed.test"];
    let web_v4 = signed["webservers"]["ipv4"]["addresses"]
        .as_array()
        .unwrap();
    assert!(!web_v4.is_empty(), "{signed}");
    assert_eq!(web_v4[0]["reachable"], true, "{signed}");
    // The tested HTTPS server with its TLS details: the test network's
    // servers offer TLS 1.2 and 1.3 only, with a chain of our test CA.
    let web = &signed["webservers"]["ipv4"];
    assert_eq!(web["https_enabled"], true, "{signed}");
    assert_eq!(web["server_reachable"], true, "{signed}");
    assert!(
        web["tested_address"]
            .as_str()
            .is_some_and(|a| a.parse::<std::net::Ipv4Addr>().is_ok()),
        "{signed}"
    );
    assert_eq!(web["details"]["protocols_bad"], json!([]), "{signed}");
    assert!(
        !web["details"]["cert_chain"].as_array().unwrap().is_empty(),
        "{signed}"
    );
    let nameservers = signed["nameservers"].as_object().unwrap();
    assert!(!nameservers.is_empty(), "{signed}");
    assert!(
        nameservers
            .values()
            .flat_map(|ns| ns["ipv6"]["addresses"].as_array().unwrap())
            .any(|a| a["reachable"] == true),
        "signed.test's name servers answer over IPv6: {signed}"
    );
    // Batch tests are never on the home page.
    let home = reqwest::get(&b.server.base)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains(">signed.test<"), "{home}");

    // A mail request.
    let mail = b.register("mail", &["nullmx.test", "mail.test"]).await;
    b.follow(&mail).await;
    let (_, results) = b.get(&format!("/requests/{mail}/results")).await;
    b.doc.assert_valid("ResultsResponse", &results);
    assert_eq!(
        test_status(&results, "nullmx.test", "mail_auth_dmarc_exist"),
        "passed",
        "{results}"
    );
    let (_, technical) = b.get(&format!("/requests/{mail}/results_technical")).await;
    b.doc.assert_valid("DomainMailTechnicalReply", &technical);
    let records = technical["domains"]["nullmx.test"]["domain"]["spf"]["records"].clone();
    assert_eq!(records, json!(["v=spf1 -all"]), "{technical}");
    // A null MX: no receiving mail servers. mail.test's two MX hosts (mx1
    // dual-stack, mx2 IPv4 only), each with STARTTLS, a signed name and
    // DANE records.
    assert_eq!(
        technical["domains"]["nullmx.test"]["receiving_mailservers"],
        json!({}),
        "{technical}"
    );
    let receiving = technical["domains"]["mail.test"]["receiving_mailservers"]
        .as_object()
        .unwrap();
    let mut hosts: Vec<&String> = receiving.keys().collect();
    hosts.sort();
    assert_eq!(hosts, ["mx1.mail.test", "mx2.mail.test"], "{technical}");
    for (host, server) in receiving {
        assert_eq!(server["starttls_enabled"], true, "{host}: {server}");
        assert_eq!(server["server_testable"], true, "{host}: {server}");
        assert_eq!(server["dnssec"]["status"], "secure", "{host}: {server}");
        assert!(
            !server["details"]["cert_chain"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{host}: {server}"
        );
        assert!(
            !server["details"]["dane_records"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{host}: {server}"
        );
    }
    let v6 = |host: &str| {
        receiving[host]["addresses"]["ipv6"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(v6("mx1.mail.test") > 0, "{technical}");
    assert_eq!(v6("mx2.mail.test"), 0, "{technical}");

    // The list: newest first, limited.
    let (_, list) = b.get("/requests?limit=1").await;
    b.doc.assert_valid("ListRequestsResponse", &list);
    assert_eq!(list["requests"][0]["request_id"], mail);
    let (_, list) = b.get("/requests?limit=0&progress=true").await;
    b.doc.assert_valid("ListRequestsResponse", &list);
    assert_eq!(list["requests"].as_array().unwrap().len(), 2);
    assert_eq!(list["requests"][1]["progress"], "2/2");

    // Cancelling: the request ends there and its queued tests never run.
    let cancelled = b
        .register("web", &["web-v4only.test", "ns-noipv6.test", "wild.test"])
        .await;
    let (status, reply) = b
        .call(
            reqwest::Method::PATCH,
            &format!("/requests/{cancelled}"),
            Some(json!({"status": "cancelled"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    b.doc.assert_valid("CancelResponse", &reply);
    assert_eq!(reply["request"]["status"], "cancelled");
    // Two scheduler ticks later it is still cancelled.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (_, reply) = b.get(&format!("/requests/{cancelled}")).await;
    assert_eq!(reply["request"]["status"], "cancelled");
    let (status, reply) = b.get(&format!("/requests/{cancelled}/results")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    b.doc.assert_valid("BadRequestResponse", &reply);

    // Unknown requests.
    for path in [
        "/requests/0123456789abcdef0123456789abcdef".to_string(),
        "/requests/0123456789abcdef0123456789abcdef/results".to_string(),
        "/requests/nothex".to_string(),
    ] {
        let (status, reply) = b.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        b.doc.assert_valid("UnknownRequestErrorResponse", &reply);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn internetnl_batch_api_sqlite() {
    flow(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn internetnl_batch_api_postgres() {
    flow(Db::Postgres).await;
}
