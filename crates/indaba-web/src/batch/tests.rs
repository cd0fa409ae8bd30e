//! The batch API on the whole router, driven with `oneshot()`: no server,
//! a SQLite store; the scheduler is ticked by hand and the jobs are ended
//! as a worker ends them, with made-up reports. Every answer is checked
//! against the schemas of the OpenAPI document the crate serves
//! (internet.nl's, see its header).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use indaba_model::catalogue::{CATALOGUE, Category, ids};
use indaba_model::{
    CategoryResult, CategoryVerdict, DomainName, Finding, Observations, Outcome, Report, Status,
    TestKind, Verdict, msg,
};
use indaba_store::{Actor, NewUser, Role};
use indaba_testkit::openapi::Document;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::{OPENAPI_YAML, mapping, scheduler};
use crate::AppState;
use crate::testing::{Fixture, send};

/// A fresh state that tests `.test` names, as on the test network
/// (`--allow-private-targets`).
async fn fixture() -> Fixture {
    let mut f = crate::testing::fixture().await;
    let mut engine = (*f.state.engine).clone();
    engine.probe.allow_private = true;
    f.state.engine = std::sync::Arc::new(engine);
    f
}

fn spec() -> Document {
    Document::from_yaml(OPENAPI_YAML)
}

/// A user with an API key: the Basic `Authorization` header value.
async fn account(state: &AppState, email: &str) -> (String, String) {
    let user = state
        .store
        .create_user(
            &Actor::local(),
            NewUser {
                email,
                name: "",
                role: Role::Member,
                organisation_id: None,
                password: "a long enough password",
            },
        )
        .await
        .unwrap();
    let key = state
        .store
        .create_api_key(&Actor::local(), &user.id, "batch", None)
        .await
        .unwrap();
    (basic(email, &key), key)
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

async fn call(
    state: &AppState,
    method: &str,
    path: &str,
    auth: &str,
    body: Option<String>,
) -> (StatusCode, Value) {
    let mut r = Request::builder().method(method).uri(path);
    if !auth.is_empty() {
        r = r.header(header::AUTHORIZATION, auth);
    }
    let request = match body {
        Some(b) => r
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b))
            .unwrap(),
        None => r.body(Body::empty()).unwrap(),
    };
    let (status, _, body) = send(state, request).await;
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {body:?}"))
    };
    (status, value)
}

/// A report of `domain` with every check of `kind`, the statuses in turn.
fn report(kind: TestKind, domain: &str) -> Report {
    let findings: Vec<Finding> = CATALOGUE
        .iter()
        .filter(|c| c.kinds.contains(&kind))
        .enumerate()
        .map(|(i, c)| {
            let f = Finding::new(
                c.id,
                Status::ALL[i % Status::ALL.len()],
                msg!("verdict-scored"),
            );
            match c.id {
                ids::MAIL_DMARC_RECORD => f.with("_dmarc", "v=DMARC1; p=reject"),
                ids::MAIL_SPF_RECORD => f.with(domain, "v=spf1 -all"),
                _ => f,
            }
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .filter(|c| c.kinds().contains(&kind))
        .map(|c| CategoryResult {
            category: c.id().into(),
            verdict: CategoryVerdict::Scored,
            score: Some(80),
            earned: 8,
            possible: 10,
            status: Status::worst(
                findings
                    .iter()
                    .filter(|f| {
                        CATALOGUE
                            .iter()
                            .any(|s| s.id == f.check && s.category == *c)
                    })
                    .map(|f| f.status),
            )
            .unwrap_or(Status::Pass),
        })
        .collect();
    Report {
        format: indaba_model::report::REPORT_FORMAT,
        target: DomainName::parse(domain).unwrap(),
        kind,
        engine_version: "0".into(),
        policy_version: "p".into(),
        started: "2026-12-06T10:00:00Z".into(),
        duration_ms: 5,
        score: Some(80),
        verdict: Verdict::new(Outcome::Scored, msg!("verdict-scored")),
        categories,
        findings,
        observations: Observations::default(),
    }
}

/// Ends every queued job as a worker would: a report for each, except
/// `failing`, whose test fails.
async fn run_jobs(state: &AppState, failing: &str) {
    while let Some(job) = state.store.claim_next().await.unwrap() {
        if job.domain == failing {
            state.store.fail_job(&job.id, "unreachable").await.unwrap();
            continue;
        }
        let id = state
            .store
            .save_report(&report(job.kind, &job.domain))
            .await
            .unwrap();
        state.store.finish_job(&job.id, &id).await.unwrap();
    }
}

async fn status_of(state: &AppState, auth: &str, id: &str, doc: &Document) -> String {
    let (code, body) = call(
        state,
        "GET",
        &format!("/api/batch/v2/requests/{id}"),
        auth,
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    doc.assert_valid("StatusResponse", &body);
    body["request"]["status"].as_str().unwrap().to_string()
}

async fn register(state: &AppState, auth: &str, body: Value, doc: &Document) -> String {
    let (code, reply) = call(
        state,
        "POST",
        "/api/batch/v2/requests",
        auth,
        Some(body.to_string()),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{reply}");
    doc.assert_valid("RegisterResponse", &reply);
    assert_eq!(reply["request"]["status"], "registering");
    assert_eq!(reply["api_version"], super::reply::API_VERSION);
    reply["request"]["request_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_web_request_goes_registering_running_generating_done_with_internetnl_results() {
    let f = fixture().await;
    let s = &f.state;
    let doc = spec();
    let (auth, _) = account(s, "batch@example.test").await;
    let id = register(
        s,
        &auth,
        json!({"type": "web", "name": "sector", "domains": ["signed.test", "Unsigned.test", "signed.test", "gone.test"]}),
        &doc,
    )
    .await;
    assert_eq!(status_of(s, &auth, &id, &doc).await, "registering");
    let (code, early) = call(
        s,
        "GET",
        &format!("/api/batch/v2/requests/{id}/results"),
        &auth,
        None,
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    doc.assert_valid("BadRequestResponse", &early);

    scheduler::tick(s).await.unwrap();
    assert_eq!(status_of(s, &auth, &id, &doc).await, "running");
    // Nothing ended yet: still running after another tick.
    scheduler::tick(s).await.unwrap();
    assert_eq!(status_of(s, &auth, &id, &doc).await, "running");
    let (_, progress) = call(
        s,
        "GET",
        &format!("/api/batch/v2/requests/{id}?progress=true"),
        &auth,
        None,
    )
    .await;
    doc.assert_valid("StatusResponse", &progress);
    assert_eq!(
        progress["request"]["progress"], "0/3",
        "duplicates count once"
    );
    run_jobs(s, "gone.test").await;
    scheduler::tick(s).await.unwrap();
    assert_eq!(status_of(s, &auth, &id, &doc).await, "generating");
    scheduler::tick(s).await.unwrap();
    assert_eq!(status_of(s, &auth, &id, &doc).await, "done");

    let (code, results) = call(
        s,
        "GET",
        &format!("/api/batch/v2/requests/{id}/results"),
        &auth,
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{results}");
    doc.assert_valid("ResultsResponse", &results);
    assert!(results["request"]["finished_date"].is_string());
    let domains = results["domains"].as_object().unwrap();
    assert_eq!(domains.len(), 3, "{results}");
    assert_eq!(results["domains"]["gone.test"], json!({"status": "error"}));
    let signed = &results["domains"]["signed.test"];
    assert_eq!(signed["status"], "ok");
    assert_eq!(signed["scoring"]["percentage"], 80);
    assert!(
        signed["report"]["url"]
            .as_str()
            .unwrap()
            .contains("/report/"),
        "{signed}"
    );
    let sample = report(TestKind::Web, "signed.test");
    for t in mapping::tests_of(TestKind::Web) {
        let got = &signed["results"]["tests"][t.name];
        match t.ours {
            Some(ours) => {
                let status = sample.finding(ours).unwrap().status;
                assert_eq!(got["status"], mapping::test_status(status), "{}", t.name);
                assert_eq!(got["verdict"], status.as_str(), "{}", t.name);
            }
            None => assert!(got.is_null(), "{} has no counterpart", t.name),
        }
    }
    for c in mapping::categories_of(TestKind::Web) {
        assert!(
            signed["results"]["categories"][c.name]["status"].is_string(),
            "{}",
            c.name
        );
    }
    let (code, technical) = call(
        s,
        "GET",
        &format!("/api/batch/v2/requests/{id}/results_technical"),
        &auth,
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    // internet.nl's ResultsTechnicalResponse is a oneOf of the web and mail
    // replies that a valid mail reply also matches (DomainWebTechnical's
    // properties are a subset); the reply of the request's type is checked.
    doc.assert_valid("DomainWebTechnicalReply", &technical);
    assert!(technical["domains"]["signed.test"]["domain"]["dnssec"]["status"].is_string());
}

#[tokio::test]
async fn a_mail_request_gives_mail_categories_and_technical_details() {
    let f = fixture().await;
    let s = &f.state;
    let doc = spec();
    let (auth, _) = account(s, "mail@example.test").await;
    let id = register(
        s,
        &auth,
        json!({"type": "MAIL", "domains": ["mail.test"]}),
        &doc,
    )
    .await;
    scheduler::tick(s).await.unwrap();
    run_jobs(s, "").await;
    scheduler::tick(s).await.unwrap();
    scheduler::tick(s).await.unwrap();
    let (_, results) = call(
        s,
        "GET",
        &format!("/api/batch/v2/requests/{id}/results"),
        &auth,
        None,
    )
    .await;
    doc.assert_valid("ResultsResponse", &results);
    assert_eq!(results["request"]["request_type"], "mail");
    assert_eq!(results["request"]["name"], "no-name");
    let categories = results["domains"]["mail.test"]["results"]["categories"]
        .as_object()
        .unwrap();
    let names: Vec<&str> = categories.keys().map(String::as_str).collect();
    for c in [
        "mail_ipv6",
        "mail_dnssec",
        "mail_auth",
        "mail_starttls",
        "mail_rpki",
    ] {
        assert!(names.contains(&c), "{names:?}");
    }
    let (_, technical) = call(
        s,
        "GET",
        &format!("/api/batch/v2/requests/{id}/results_technical"),
        &auth,
        None,
    )
    .await;
    doc.assert_valid("DomainMailTechnicalReply", &technical);
    let domain = &technical["domains"]["mail.test"]["domain"];
    assert_eq!(domain["dmarc"]["records"], json!(["v=DMARC1; p=reject"]));
    assert_eq!(domain["spf"]["records"], json!(["v=spf1 -all"]));
}

#[tokio::test]
async fn list_is_newest_first_and_limited_as_the_spec_says() {
    let f = fixture().await;
    let s = &f.state;
    let doc = spec();
    let (auth, _) = account(s, "list@example.test").await;
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(
            register(
                s,
                &auth,
                json!({"type": "web", "name": format!("r{n}"), "domains": ["a.test"]}),
                &doc,
            )
            .await,
        );
    }
    let list = |q: &'static str| {
        let auth = auth.clone();
        async move {
            let (code, body) =
                call(s, "GET", &format!("/api/batch/v2/requests{q}"), &auth, None).await;
            (code, body)
        }
    };
    let (code, body) = list("").await;
    assert_eq!(code, StatusCode::OK);
    doc.assert_valid("ListRequestsResponse", &body);
    let got: Vec<&str> = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["request_id"].as_str().unwrap())
        .collect();
    assert_eq!(got.len(), 10, "ten by default");
    assert_eq!(got[0], ids[11], "newest first");
    let (_, all) = list("?limit=0").await;
    assert_eq!(all["requests"].as_array().unwrap().len(), 12);
    let (_, one) = list("?limit=1&progress=true").await;
    doc.assert_valid("ListRequestsResponse", &one);
    assert_eq!(one["requests"][0]["num_domains"], 1);
    for bad in ["?limit=-1", "?limit=ten", "?limit=99999999999999999999"] {
        let (code, body) = list(bad).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{bad}");
        doc.assert_valid("BadRequestResponse", &body);
    }
    // Another user sees none of them.
    let (other, _) = account(s, "other@example.test").await;
    let (_, theirs) = call(s, "GET", "/api/batch/v2/requests", &other, None).await;
    assert_eq!(theirs["requests"], json!([]));
}

#[tokio::test]
async fn cancel_stops_a_request_and_its_queued_tests() {
    let f = fixture().await;
    let s = &f.state;
    let doc = spec();
    let (auth, _) = account(s, "cancel@example.test").await;
    let id = register(
        s,
        &auth,
        json!({"type": "web", "domains": ["a.test", "b.test"]}),
        &doc,
    )
    .await;
    scheduler::tick(s).await.unwrap();
    let path = format!("/api/batch/v2/requests/{id}");
    for body in [
        json!({}),
        json!({"status": "running"}),
        json!({"status": 3}),
    ] {
        let (code, reply) = call(s, "PATCH", &path, &auth, Some(body.to_string())).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
        doc.assert_valid("BadRequestResponse", &reply);
    }
    let (code, reply) = call(
        s,
        "PATCH",
        &path,
        &auth,
        Some(r#"{"status": "Cancelled"}"#.into()),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{reply}");
    doc.assert_valid("CancelResponse", &reply);
    assert_eq!(reply["request"]["status"], "cancelled");
    assert!(reply["request"]["finished_date"].is_string());
    assert!(
        s.store.claim_next().await.unwrap().is_none(),
        "its queued tests are gone from the queue"
    );
    scheduler::tick(s).await.unwrap();
    assert_eq!(status_of(s, &auth, &id, &doc).await, "cancelled");
    let (code, reply) = call(s, "GET", &format!("{path}/results"), &auth, None).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    doc.assert_valid("BadRequestResponse", &reply);
}

#[tokio::test]
async fn wrong_credentials_get_a_bare_401_and_unknown_requests_a_404() {
    let f = fixture().await;
    let s = &f.state;
    let doc = spec();
    let (auth, key) = account(s, "owner@example.test").await;
    let (other, other_key) = account(s, "someone@example.test").await;
    let id = register(
        s,
        &auth,
        json!({"type": "web", "domains": ["a.test"]}),
        &doc,
    )
    .await;
    let path = format!("/api/batch/v2/requests/{id}");
    for wrong in [
        String::new(),
        format!("Bearer {key}"),
        basic("owner@example.test", "ik_not-a-key"),
        basic("someone@example.test", &key),
        basic("owner@example.test", &other_key),
        "Basic !!!".to_string(),
    ] {
        for (method, p) in [
            ("GET", path.as_str()),
            ("GET", "/api/batch/v2/metadata/report"),
            ("GET", "/api/batch/v2/requests"),
        ] {
            let request = Request::builder().method(method).uri(p);
            let request = if wrong.is_empty() {
                request
            } else {
                request.header(header::AUTHORIZATION, &wrong)
            };
            let (code, headers, body) = send(s, request.body(Body::empty()).unwrap()).await;
            assert_eq!(code, StatusCode::UNAUTHORIZED, "{wrong} {p}");
            assert!(body.is_empty(), "internet.nl's 401 has no body");
            assert!(headers.contains_key(header::WWW_AUTHENTICATE));
        }
    }
    // Another account's request, an unknown one, a malformed id: unknown.
    for (who, p) in [
        (&other, path.clone()),
        (
            &auth,
            "/api/batch/v2/requests/0123456789abcdef0123456789abcdef".to_string(),
        ),
        (&auth, "/api/batch/v2/requests/..%2F..%2Fetc".to_string()),
        (&other, format!("{path}/results")),
    ] {
        let (code, body) = call(s, "GET", &p, who, None).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{p}");
        doc.assert_valid("UnknownRequestErrorResponse", &body);
        assert_eq!(body["error"]["label"], "unknown-request");
    }
    // A revoked key stops working at once.
    let keys = s.store.api_keys().await.unwrap();
    let owners = keys
        .iter()
        .find(|k| k.user_email == "owner@example.test")
        .unwrap();
    s.store
        .revoke_api_key(&Actor::local(), &owners.id)
        .await
        .unwrap();
    let (code, _) = call(s, "GET", &path, &auth, None).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    // Another version's path: invalid-url.
    let (code, body) = call(s, "GET", "/api/batch/v1/requests", &other, None).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    doc.assert_valid("BadRequestResponse", &body);
    assert_eq!(body["error"]["label"], "invalid-url");
}

#[tokio::test]
async fn hostile_registrations_are_refused_in_the_error_shape() {
    let f = fixture().await;
    let s = &f.state;
    let doc = spec();
    let (auth, _) = account(s, "hostile@example.test").await;
    let long = "a".repeat(70);
    let bodies = [
        "not json".to_string(),
        "[]".into(),
        "null".into(),
        json!({"domains": ["a.test"]}).to_string(),
        json!({"type": "web"}).to_string(),
        json!({"type": "ftp", "domains": ["a.test"]}).to_string(),
        json!({"type": 7, "domains": ["a.test"]}).to_string(),
        json!({"type": "web", "domains": "a.test"}).to_string(),
        json!({"type": "web", "domains": [1, 2]}).to_string(),
        json!({"type": "web", "domains": []}).to_string(),
        json!({"type": "web", "domains": vec!["a.test"; 1001]}).to_string(),
        json!({"type": "web", "name": "x".repeat(256), "domains": ["a.test"]}).to_string(),
        json!({"type": "web", "name": "a\u{0}b", "domains": ["a.test"]}).to_string(),
        json!({"type": "web", "domains": ["a.test", "../../etc/passwd"]}).to_string(),
        json!({"type": "web", "domains": ["a.test; rm -rf /"]}).to_string(),
        json!({"type": "web", "domains": ["<script>alert(1)</script>.test"]}).to_string(),
        json!({"type": "web", "domains": [format!("{long}.test")]}).to_string(),
        json!({"type": "web", "domains": ["x".repeat(100_000)]}).to_string(),
        json!({"type": "web", "domains": ["localhost"]}).to_string(),
        json!({"type": "web", "domains": ["192.0.2.1"]}).to_string(),
        json!({"type": "web", "domains": [""]}).to_string(),
        json!({"type": "web", "domains": ["a\u{202e}b.test"]}).to_string(),
    ];
    for body in bodies {
        let (code, reply) = call(
            s,
            "POST",
            "/api/batch/v2/requests",
            &auth,
            Some(body.clone()),
        )
        .await;
        let shown: String = body.chars().take(80).collect();
        assert_eq!(code, StatusCode::BAD_REQUEST, "{shown}: {reply}");
        doc.assert_valid("BadRequestResponse", &reply);
        assert_eq!(reply["error"]["label"], "bad-request");
        assert!(reply["error"]["msg"].as_str().unwrap().len() < 1000);
    }
    let (_, list) = call(s, "GET", "/api/batch/v2/requests", &auth, None).await;
    assert_eq!(list["requests"], json!([]), "nothing was stored");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any body, any domains: an answer in the spec's shapes, never a 5xx.
    #[test]
    fn any_registration_body_gets_a_shaped_answer(
        kind in prop_oneof![Just("web".to_string()), Just("mail".to_string()), "\\PC{0,8}"],
        domains in prop::collection::vec("\\PC{0,80}", 0..5),
        raw in "\\PC{0,200}",
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let f = fixture().await;
            let s = &f.state;
            let doc = spec();
            let (auth, _) = account(s, "prop@example.test").await;
            for body in [json!({"type": kind, "domains": domains}).to_string(), raw.clone()] {
                let (code, reply) = call(s, "POST", "/api/batch/v2/requests", &auth, Some(body)).await;
                match code {
                    StatusCode::OK => doc.assert_valid("RegisterResponse", &reply),
                    StatusCode::BAD_REQUEST => doc.assert_valid("BadRequestResponse", &reply),
                    other => panic!("{other}: {reply}"),
                }
            }
        });
    }
}

#[tokio::test]
async fn metadata_report_describes_every_mapped_test_in_the_spec_shape() {
    let f = fixture().await;
    let s = &f.state;
    let doc = spec();
    let (auth, _) = account(s, "meta@example.test").await;
    let (code, body) = call(s, "GET", "/api/batch/v2/metadata/report", &auth, None).await;
    assert_eq!(code, StatusCode::OK);
    doc.assert_valid("MetadataReportResponse", &body);
    let data = body["report"]["data"].as_object().unwrap();
    for t in mapping::TESTS {
        assert_eq!(data.contains_key(t.name), t.ours.is_some(), "{}", t.name);
    }
    for c in mapping::CATEGORIES {
        assert_eq!(data[c.name]["type"], "category");
    }
    let web: Vec<&str> = body["report"]["hierarchy"]["web"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        web,
        [
            "web_ipv6",
            "web_dnssec",
            "web_https",
            "web_appsecpriv",
            "web_rpki"
        ]
    );
    let map = &data["web_https_tls_version"]["status_verdict_map"];
    assert_eq!(map["not_tested"], json!(["not_applicable", "not_tested"]));
    assert_eq!(map["passed"], json!(["pass"]));
}

#[tokio::test]
async fn the_openapi_document_is_served_without_authentication() {
    let f = fixture().await;
    let s = &f.state;
    let (code, headers, body) = send(
        s,
        Request::get("/api/batch/openapi.yaml")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/yaml")
    );
    let text = String::from_utf8(body).unwrap();
    let served = Document::from_yaml(&text);
    assert_eq!(
        served.json["servers"][0]["url"],
        format!("{}/api/batch/v2", s.config.base_url)
    );
    assert_eq!(served.json["info"]["version"], super::reply::API_VERSION);
    for path in [
        "/requests",
        "/requests/{request_id}",
        "/requests/{request_id}/results",
        "/requests/{request_id}/results_technical",
        "/metadata/report",
    ] {
        assert!(served.json["paths"][path].is_object(), "{path}");
    }
    assert!(!text.contains("OVERRIDE"), "every placeholder is filled");
    // The API page says where it is and how to sign in.
    let (_, _, page) = send(s, Request::get("/api").body(Body::empty()).unwrap()).await;
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("href=\"/api/batch/openapi.yaml\""), "{page}");
    assert!(page.contains("/api/batch/v2/requests"), "{page}");
}

#[test]
fn the_schemas_refuse_what_the_spec_refuses() {
    // So that a valid answer above is a real check, not a schema that
    // accepts anything.
    let doc = spec();
    let request = json!({
        "request_id": "0123456789abcdef0123456789abcdef", "name": "n", "request_type": "web",
        "status": "done", "submit_date": "2026-12-06T10:00:00Z", "finished_date": null,
    });
    doc.assert_valid(
        "StatusResponse",
        &json!({"api_version": "2.7.0", "request": request}),
    );
    let mut wrong = request.clone();
    wrong["status"] = "finished".into();
    assert!(
        !doc.problems(
            "StatusResponse",
            &json!({"api_version": "2.7.0", "request": wrong})
        )
        .is_empty()
    );
    let mut wrong = request.clone();
    wrong["request_id"] = "not-hex".into();
    assert!(
        !doc.problems(
            "StatusResponse",
            &json!({"api_version": "2.7.0", "request": wrong})
        )
        .is_empty()
    );
    assert!(
        !doc.problems("StatusResponse", &json!({"request": request}))
            .is_empty()
    );
    assert!(
        !doc.problems(
            "BadRequestResponse",
            &json!({"api_version": "2.7.0", "error": {"label": "oops", "msg": "m"}})
        )
        .is_empty()
    );
    let bad_test = json!({"api_version": "2.7.0", "request": request, "domains": {"a.test": {"status": "ok",
        "results": {"categories": {}, "tests": {"web_ipv6_ws_address": {"status": "good", "verdict": "v"}}, "custom": {}}}}});
    assert!(!doc.problems("ResultsResponse", &bad_test).is_empty());
}
