//! The public pages: home, test submission, progress, report, guides.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use indaba_model::catalogue::{self, Category};
use indaba_model::{DomainName, TestKind, ToMessage};
use indaba_store::JobState;
use serde::Deserialize;

use crate::app::{AppState, Client, PageContext, too_many};
use crate::extract::CsrfForm;
use crate::view::{
    self, GuidePage, GuidesPage, HomePage, MessagePage, ProgressPage, RecentView, ReportPage,
};

/// Renders a template, or a plain 500 if it fails (it cannot with valid data).
pub fn render(template: impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}

/// A message page with `status`.
pub fn message(
    state: &AppState,
    ctx: &PageContext,
    status: StatusCode,
    heading_key: &str,
    text: String,
) -> Response {
    let tr = ctx.tr(state);
    let page = MessagePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        heading: tr.t(heading_key),
        text,
    };
    let mut response = render(page);
    *response.status_mut() = status;
    ctx.finish(state, response)
}

/// `GET /`.
pub async fn home(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    let recent = state
        .store
        .latest_reports(10)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| RecentView {
            domain: DomainName::parse(&r.domain)
                .map(|d| d.to_unicode())
                .unwrap_or(r.domain.clone()),
            kind: view::kind_label(&tr, r.kind),
            score: view::score_text(&tr, r.score),
            when: time::OffsetDateTime::from_unix_timestamp(r.started_at)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default(),
            id: r.id,
        })
        .collect();
    let page = HomePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        recent,
    };
    ctx.finish(&state, render(page))
}

/// The test form.
#[derive(Debug, Deserialize)]
pub struct TestForm {
    /// The domain (or a URL or e-mail address people paste).
    #[serde(default)]
    pub domain: String,
}

/// `POST /test/web`.
pub async fn submit_web(
    state: State<AppState>,
    client: Client,
    ctx: PageContext,
    form: CsrfForm<TestForm>,
) -> Response {
    submit(state, client, ctx, form, TestKind::Web).await
}

/// `POST /test/mail`.
pub async fn submit_mail(
    state: State<AppState>,
    client: Client,
    ctx: PageContext,
    form: CsrfForm<TestForm>,
) -> Response {
    submit(state, client, ctx, form, TestKind::Mail).await
}

/// What a submission led to.
#[derive(Debug)]
pub enum Submitted {
    /// A fresh enough report exists.
    Reused(String),
    /// A job was queued.
    Queued(String),
}

/// Why a submission was refused.
#[derive(Debug)]
pub enum SubmitError {
    /// Not a name that can be tested; the reason is for people.
    BadDomain(indaba_model::Message),
    /// Over the client's rate.
    RateLimited(std::time::Duration),
    /// The queue is full.
    Busy(i64),
    /// The store failed.
    Store(String),
}

/// Accepts a test request: validates the name, reuses a recent report or
/// queues a job (shared by the form and the API). A single test takes one
/// unit of the client's submission budget; a batch's tests are paid for by
/// the batch (one unit per domain, [`crate::api::submit_batch`]) and go to
/// the batch share of the queue.
pub async fn accept_test(
    state: &AppState,
    client: Client,
    kind: TestKind,
    input: &str,
    batch: Option<&str>,
) -> Result<Submitted, SubmitError> {
    let domain = indaba_model::name::from_user_input(input, kind == TestKind::Mail)
        .map_err(|e| SubmitError::BadDomain(e.to_message()))?;
    indaba_model::name::testable(&domain, state.engine.probe.allow_private)
        .map_err(|refusal| SubmitError::BadDomain(refusal.to_message()))?;
    if batch.is_none() {
        state
            .submit_limiter
            .check(client.0)
            .map_err(SubmitError::RateLimited)?;
    }
    let reuse = state.config.reuse_for.as_secs() as i64;
    if reuse > 0
        && batch.is_none()
        && let Ok(Some(id)) = state
            .store
            .recent_report(kind, domain.as_str(), reuse)
            .await
    {
        return Ok(Submitted::Reused(id));
    }
    match state
        .store
        .enqueue(
            kind,
            domain.as_str(),
            &client.0.to_string(),
            batch,
            if batch.is_some() {
                state.config.batch_queue_bound
            } else {
                state.config.queue_bound
            },
        )
        .await
    {
        Ok(Ok(id)) => {
            state.job_signal.notify_waiters();
            state.job_signal.notify_one();
            Ok(Submitted::Queued(id))
        }
        Ok(Err(full)) => Err(SubmitError::Busy(full.queued)),
        Err(e) => Err(SubmitError::Store(e.to_string())),
    }
}

async fn submit(
    State(state): State<AppState>,
    client: Client,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<TestForm>,
    kind: TestKind,
) -> Response {
    let tr = ctx.tr(&state);
    match accept_test(&state, client, kind, &form.domain, None).await {
        Ok(Submitted::Reused(id)) => Redirect::to(&format!("/report/{id}")).into_response(),
        Ok(Submitted::Queued(id)) => Redirect::to(&format!("/test/{id}")).into_response(),
        Err(SubmitError::BadDomain(reason)) => message(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            "error-domain-title",
            tr.t1("error-domain-text", "reason", tr.m(&reason)),
        ),
        Err(SubmitError::RateLimited(wait)) => too_many(wait),
        Err(SubmitError::Busy(_)) => {
            let mut r = message(
                &state,
                &ctx,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-busy-title",
                tr.t1("error-busy-text", "seconds", 30),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
            r
        }
        Err(SubmitError::Store(e)) => {
            tracing::error!(error = %e, "cannot queue a test");
            message(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                tr.t("error-internal-text"),
            )
        }
    }
}

/// `GET /test/{job}`: the progress page, until the report is ready.
pub async fn progress(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(job_id): Path<String>,
) -> Response {
    let tr = ctx.tr(&state);
    let job = match state.store.job(&job_id).await {
        Ok(job) => job,
        Err(_) => {
            return message(
                &state,
                &ctx,
                StatusCode::NOT_FOUND,
                "error-notfound-title",
                tr.t("error-job-notfound"),
            );
        }
    };
    match job.state {
        JobState::Done => match &job.report_id {
            Some(id) => Redirect::to(&format!("/report/{id}")).into_response(),
            None => message(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal-title",
                tr.t("error-internal-text"),
            ),
        },
        JobState::Failed => message(
            &state,
            &ctx,
            StatusCode::OK,
            "error-test-failed-title",
            tr.t1(
                "error-test-failed-text",
                "reason",
                job.error.clone().unwrap_or_default(),
            ),
        ),
        JobState::Queued | JobState::Running => {
            let page = ProgressPage {
                tr,
                csrf: &ctx.csrf,
                user: ctx.user_view(),
                job_id: &job.id,
                domain: &job.domain,
                state_text: tr.t(if job.state == JobState::Queued {
                    "progress-queued"
                } else {
                    "progress-running"
                }),
                position: job.position,
            };
            ctx.finish(&state, render(page))
        }
    }
}

/// `GET /report/{id}`.
pub async fn report(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let tr = ctx.tr(&state);
    let report = match state.store.report(&id).await {
        Ok(r) => r,
        Err(_) => {
            return message(
                &state,
                &ctx,
                StatusCode::NOT_FOUND,
                "error-notfound-title",
                tr.t("error-report-notfound"),
            );
        }
    };
    let page = ReportPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        id: &id,
        domain: report.target.to_unicode(),
        kind_label: view::kind_label(&tr, report.kind),
        started: report.started.clone(),
        score: view::score_text(&tr, report.score),
        categories: view::report_categories(&tr, &report),
    };
    ctx.finish(&state, render(page))
}

/// `GET /guides`.
pub async fn guides_index(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    let groups = Category::ALL
        .iter()
        .map(|&category| {
            let items = catalogue::CATALOGUE
                .iter()
                .filter(|c| c.category == category)
                .map(|c| {
                    let title = state
                        .guides
                        .get(&ctx.lang, c.guide)
                        .map(|g| g.title.clone())
                        .unwrap_or_else(|| view::check_title(&tr, c.id));
                    (c.guide.to_string(), title)
                })
                .collect();
            (view::category_title(&tr, category), items)
        })
        .collect();
    let page = GuidesPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        groups,
    };
    ctx.finish(&state, render(page))
}

/// `GET /guides/{id}`.
pub async fn guide(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let tr = ctx.tr(&state);
    let Some(guide) = state.guides.get(&ctx.lang, &id) else {
        return message(
            &state,
            &ctx,
            StatusCode::NOT_FOUND,
            "error-notfound-title",
            tr.t("error-guide-notfound"),
        );
    };
    let page = GuidePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        id: &guide.id,
        title: &guide.title,
        body: &guide.html,
    };
    ctx.finish(&state, render(page))
}

/// `GET /static/site.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/site.css"),
    )
        .into_response()
}

/// `GET /.well-known/security.txt` (RFC 9116): the platform's own.
pub async fn security_txt(State(state): State<AppState>) -> Response {
    let expires = time::OffsetDateTime::now_utc() + time::Duration::days(180);
    let expires = expires
        .replace_nanosecond(0)
        .unwrap_or(expires)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let base = state.config.base_url.trim_end_matches('/');
    let body = format!(
        "Contact: mailto:security@{host}\nExpires: {expires}\nPreferred-Languages: en\nCanonical: {base}/.well-known/security.txt\n",
        host = base
            .split("://")
            .nth(1)
            .unwrap_or("localhost")
            .split([':', '/'])
            .next()
            .unwrap_or("localhost"),
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Anything else.
pub async fn not_found(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    message(
        &state,
        &ctx,
        StatusCode::NOT_FOUND,
        "error-notfound-title",
        tr.t("error-page-notfound"),
    )
}

#[cfg(test)]
mod tests {
    //! Any text at the doors that take a name to test — the form, the API
    //! and batches — gets a clear error or a test of the normalised name,
    //! never a panic: the whole router, driven with `oneshot()`.

    use axum::body::Body;
    use axum::http::Request;
    use indaba_model::name::{from_user_input, testable};
    use proptest::prelude::*;
    use tower::ServiceExt;

    use super::*;
    use crate::testing::{Fixture, fixture_with};

    /// Cases; each goes through the form twice (text, raw bytes), the API
    /// and a batch of one to four names: 100,000 calls in all.
    const CASES: u32 = 25_000;

    struct Doors {
        router: axum::Router,
        fixture: Fixture,
        visitor: String,
        api_key: String,
    }

    async fn doors() -> Doors {
        let plenty = 1_000_000;
        let config = crate::WebConfig {
            reuse_for: std::time::Duration::ZERO,
            queue_bound: i64::MAX,
            batch_queue_bound: i64::MAX,
            submit_burst: plenty,
            submit_per_minute: plenty,
            requests_per_minute: plenty,
            batch_burst: plenty,
            batch_per_minute: plenty,
            workers: 0,
            ..crate::WebConfig::default()
        };
        let fixture = fixture_with(config).await;
        let local = indaba_store::Actor::local();
        let user = fixture
            .state
            .store
            .create_user(
                &local,
                indaba_store::NewUser {
                    email: "batch@example.test",
                    name: "",
                    role: indaba_store::Role::Member,
                    organisation_id: None,
                    password: "a long enough password",
                },
            )
            .await
            .unwrap();
        let api_key = fixture
            .state
            .store
            .create_api_key(&local, &user.id, "doors", None)
            .await
            .unwrap();
        let visitor = crate::protect::signed_token(&fixture.state.csrf_key);
        Doors {
            router: crate::router(fixture.state.clone()),
            fixture,
            visitor,
            api_key,
        }
    }

    /// What the doors must answer for `input`: the name to test, or the
    /// reason in English.
    fn expected(input: &str, mail: bool, allow_private: bool) -> Result<String, String> {
        let english = |m: &indaba_model::Message| indaba_i18n::english().render("en", m);
        let name = from_user_input(input, mail).map_err(|e| english(&e.to_message()))?;
        testable(&name, allow_private).map_err(|r| english(&r.to_message()))?;
        Ok(name.as_str().to_string())
    }

    async fn send(doors: &Doors, request: Request<Body>) -> (StatusCode, Vec<u8>, Option<String>) {
        let response = doors.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec();
        (status, body, location)
    }

    /// The form, with the name as raw bytes (percent-encoded, so bytes that
    /// are not UTF-8 reach the server as they are).
    async fn through_the_form(doors: &Doors, raw: &[u8]) {
        let mut body = format!("csrf={}&domain=", doors.visitor);
        for b in raw {
            body.push_str(&format!("%{b:02X}"));
        }
        let request = Request::post("/test/web")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(
                header::COOKIE,
                format!("{}={}", crate::protect::csrf_cookie(false), doors.visitor),
            )
            .body(Body::from(body))
            .unwrap();
        let (status, page, location) = send(doors, request).await;
        let page = String::from_utf8_lossy(&page);
        // Form decoding replaces bytes that are not UTF-8 with U+FFFD.
        let input = String::from_utf8_lossy(raw);
        let input = input.as_ref();
        let allow = doors.fixture.state.engine.probe.allow_private;
        match expected(input, false, allow) {
            Ok(name) => {
                assert_eq!(status, StatusCode::SEE_OTHER, "{input:?}: {page}");
                let job = location
                    .as_deref()
                    .and_then(|l| l.strip_prefix("/test/"))
                    .unwrap_or_else(|| panic!("{input:?}: {location:?}"));
                let job = doors.fixture.state.store.job(job).await.unwrap();
                assert_eq!(job.domain, name, "{input:?}");
            }
            Err(_) => assert_eq!(status, StatusCode::BAD_REQUEST, "{input:?}: {page}"),
        }
    }

    async fn through_the_api(doors: &Doors, input: &str) {
        let request = Request::post("/api/v1/tests")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"kind": "mail", "domain": input}).to_string(),
            ))
            .unwrap();
        let (status, body, _) = send(doors, request).await;
        let answer: serde_json::Value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{input:?}: {e}: {}", String::from_utf8_lossy(&body)));
        match expected(input, true, doors.fixture.state.engine.probe.allow_private) {
            Ok(name) => {
                assert!(status.is_success(), "{input:?}: {status} {answer}");
                assert_eq!(answer["domain"], name.as_str(), "{input:?}: {answer}");
            }
            Err(reason) => {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{input:?}: {answer}");
                assert_eq!(answer["error"], reason.as_str(), "{input:?}");
            }
        }
    }

    async fn through_a_batch(doors: &Doors, inputs: &[String]) {
        let request = Request::post("/api/v1/batches")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {}", doors.api_key))
            .body(Body::from(
                serde_json::json!({"kind": "web", "domains": inputs}).to_string(),
            ))
            .unwrap();
        let (status, body, _) = send(doors, request).await;
        let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(status.is_success(), "{inputs:?}: {status} {answer}");
        let tests = answer["tests"].as_array().unwrap();
        // One bad name is reported; the rest are kept.
        assert_eq!(tests.len(), inputs.len(), "{answer}");
        let allow = doors.fixture.state.engine.probe.allow_private;
        for (input, test) in inputs.iter().zip(tests) {
            match expected(input, false, allow) {
                Ok(name) => {
                    assert_eq!(test["state"], "queued", "{input:?}: {test}");
                    assert_eq!(test["domain"], name.as_str(), "{input:?}");
                }
                Err(reason) => {
                    assert_eq!(test["state"], "rejected", "{input:?}: {test}");
                    assert_eq!(test["error"], reason.as_str(), "{input:?}");
                }
            }
        }
    }

    /// Names people type: Unicode of every script, full-width forms,
    /// URLs, mail addresses, special-use names, and plain noise.
    fn typed() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "\\PC{0,40}",
            "(https?://)?[a-zа-яё日本語ＡＢＣ０-９.\\-]{0,30}(:[0-9]{1,6})?(/[^ ]{0,10})?",
            "[a-z]{0,8}@[a-zпример.рф]{0,20}",
            prop::sample::select(vec![
                "пример.рф",
                "日本語.jp",
                "ＦＵＬＬ.test",
                "localhost",
                "a.onion",
                "home.arpa",
                "x.local",
                "x.internal",
                "example.org",
                ".",
                "",
                "xn--",
                "a..b",
            ])
            .prop_map(str::to_string),
        ]
    }

    #[test]
    fn any_text_at_any_door_gets_an_answer() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let doors = runtime.block_on(doors());
        proptest!(ProptestConfig::with_cases(CASES), |(
            input in typed(),
            raw in prop::collection::vec(any::<u8>(), 0..40),
            batch in prop::collection::vec(typed(), 1..5),
        )| {
            runtime.block_on(async {
                through_the_form(&doors, input.as_bytes()).await;
                through_the_form(&doors, &raw).await;
                through_the_api(&doors, &input).await;
                through_a_batch(&doors, &batch).await;
            });
        });
    }
}
