//! The public pages: home, test submission, progress, report, guides.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use indaba_model::catalogue::{self, Category};
use indaba_model::{DomainName, Message, TestKind, ToMessage};
use indaba_store::JobState;
use serde::Deserialize;

use crate::app::{AppState, Client, PageContext, too_many};
use crate::extract::CsrfForm;
use crate::view::{
    self, FormField, GuidePage, GuidesPage, HomePage, MessagePage, ProgressPage, RecentView,
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

/// How many recent results the home page lists.
pub const RECENT_RESULTS: i64 = 10;

/// `GET /`.
pub async fn home(State(state): State<AppState>, ctx: PageContext) -> Response {
    home_page(&state, &ctx, FormField::default(), FormField::default()).await
}

/// The home page with the two forms as given (inline errors keep what was
/// typed).
async fn home_page(
    state: &AppState,
    ctx: &PageContext,
    web: FormField,
    mail: FormField,
) -> Response {
    let tr = ctx.tr(state);
    let recent = if state.config.recent_results {
        state
            .store
            .recent_public_reports(RECENT_RESULTS)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot list recent results");
                Vec::new()
            })
    } else {
        Vec::new()
    };
    let recent = recent
        .into_iter()
        .map(|r| RecentView {
            domain: DomainName::parse(&r.domain)
                .map(|d| d.to_unicode())
                .unwrap_or(r.domain.clone()),
            kind: view::kind_label(&tr, r.kind),
            score: view::score_text(&tr, r.score),
            when: crate::when::at(&tr, r.started_at),
            path: crate::results::report::domain_path(r.kind, &r.domain),
            id: r.id,
        })
        .collect();
    let page = HomePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        recent,
        web,
        mail,
    };
    ctx.finish(state, render(page))
}

/// The test form.
#[derive(Debug, Deserialize)]
pub struct TestForm {
    /// The domain (or a URL or e-mail address people paste).
    #[serde(default)]
    pub domain: String,
    /// Set by "test again" and "test now": run a new test even when a
    /// recent result exists.
    #[serde(default)]
    pub fresh: Option<String>,
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
    /// A fresh enough public report exists (its id).
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

/// The domain a person (or a batch) typed, if it can be tested here; else
/// why not.
pub fn testable_domain(
    state: &AppState,
    kind: TestKind,
    input: &str,
) -> Result<indaba_model::DomainName, Message> {
    let domain = indaba_model::name::from_user_input(input, kind == TestKind::Mail)
        .map_err(|e| e.to_message())?;
    indaba_model::name::testable(&domain, state.engine.probe.allow_private)
        .map_err(|refusal| refusal.to_message())?;
    Ok(domain)
}

/// Accepts a test request: validates the name, reuses a recent public
/// report (unless `reuse` is false: "test now") or queues a job (shared by
/// the form and the API). Tests outside a batch are public. A single test
/// takes one unit of the client's submission budget; a batch's tests are
/// paid for by the batch (one unit per domain, [`crate::api::submit_batch`])
/// and go to the batch share of the queue.
pub async fn accept_test(
    state: &AppState,
    client: Client,
    kind: TestKind,
    input: &str,
    batch: Option<&str>,
    reuse: bool,
) -> Result<Submitted, SubmitError> {
    let domain = testable_domain(state, kind, input).map_err(SubmitError::BadDomain)?;
    if batch.is_none() {
        state
            .submit_limiter
            .check(client.0)
            .map_err(SubmitError::RateLimited)?;
    }
    let reuse_for = state.config.reuse_for.as_secs() as i64;
    if reuse
        && reuse_for > 0
        && batch.is_none()
        && let Ok(Some(recent)) = state
            .store
            .recent_public_report(kind, domain.as_str(), reuse_for)
            .await
    {
        return Ok(Submitted::Reused(recent.id));
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
    let reuse = form.fresh.is_none();
    match accept_test(&state, client, kind, &form.domain, None, reuse).await {
        Ok(Submitted::Reused(id)) => {
            Redirect::to(&format!("/report/{id}?reused=1")).into_response()
        }
        Ok(Submitted::Queued(id)) => Redirect::to(&format!("/test/{id}")).into_response(),
        Err(SubmitError::BadDomain(reason)) => {
            // The form again, with the problem beside the field and what
            // was typed still in it.
            let typed = FormField {
                value: form.domain.chars().take(300).collect(),
                error: Some(tr.t1("error-domain-text", "reason", tr.m(&reason))),
            };
            let (web, mail) = match kind {
                TestKind::Web => (typed, FormField::default()),
                TestKind::Mail => (FormField::default(), typed),
            };
            let mut r = home_page(&state, &ctx, web, mail).await;
            *r.status_mut() = StatusCode::BAD_REQUEST;
            r
        }
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
        Err(SubmitError::Store(e)) => crate::errors::internal(&state, &ctx, &e),
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
            let progress = state.store.job_progress(&job.id).await.unwrap_or(None);
            let page = ProgressPage {
                tr,
                csrf: &ctx.csrf,
                user: ctx.user_view(),
                job_id: &job.id,
                domain: &job.domain,
                state_text: state_text(&tr, &job),
                position: job.position,
                parts: parts(&tr, progress.as_ref()),
            };
            ctx.finish(&state, render(page))
        }
    }
}

/// Where a job is, in words.
fn state_text(tr: &crate::i18n::Tr<'_>, job: &indaba_store::Job) -> String {
    match (job.state, job.position) {
        (JobState::Queued, Some(p)) => tr.t1("progress-queued-at", "position", p),
        (JobState::Queued, None) => tr.t("progress-queued"),
        _ => tr.t("progress-running"),
    }
}

/// Each part of a test with its state in words.
fn parts(
    tr: &crate::i18n::Tr<'_>,
    progress: Option<&indaba_model::progress::Progress>,
) -> Vec<(String, String, bool, &'static str)> {
    use indaba_model::progress::Part;
    Part::ALL
        .iter()
        .map(|&part| {
            let p = progress.map(|p| p.of(part));
            let (state, done) = match p {
                Some(p) if p.done() => (tr.t("progress-part-done"), true),
                Some(p) if p.started > 0 => (
                    tr.catalogue().render(
                        tr.lang,
                        &indaba_model::Message::new("progress-part-running")
                            .arg("finished", i64::from(p.finished))
                            .arg("started", i64::from(p.started)),
                    ),
                    false,
                ),
                _ => (tr.t("progress-part-waiting"), false),
            };
            (
                tr.t(&format!("progress-part-{}", part.as_str())),
                state,
                done,
                part.as_str(),
            )
        })
        .collect()
}

/// What the progress page's script reads every second.
#[derive(Debug, serde::Serialize)]
pub struct ProgressJson {
    /// Where the job is, in words.
    pub state: String,
    /// Where to go now that the test has ended (report or failure page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Each part: its id, name and state in words, and whether it is done.
    pub parts: Vec<ProgressPartJson>,
}

/// One part in [`ProgressJson`].
#[derive(Debug, serde::Serialize)]
pub struct ProgressPartJson {
    /// `dns`, `tls`…
    pub part: &'static str,
    /// Its name.
    pub label: String,
    /// Its state in words.
    pub state: String,
    /// Whether it is done.
    pub done: bool,
}

/// `GET /test/{job}/progress`: the progress page's data, in the page's
/// language.
pub async fn progress_json(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(job_id): Path<String>,
) -> Response {
    let tr = ctx.tr(&state);
    let job = match state.store.job(&job_id).await {
        Ok(job) => job,
        Err(indaba_store::StoreError::NotFound(_)) => {
            return crate::api::error(StatusCode::NOT_FOUND, "test not found");
        }
        Err(e) => return crate::errors::internal_json(&e),
    };
    let progress = state.store.job_progress(&job.id).await.unwrap_or(None);
    let next =
        matches!(job.state, JobState::Done | JobState::Failed).then(|| format!("/test/{}", job.id));
    let parts = parts(&tr, progress.as_ref())
        .into_iter()
        .map(|(label, state, done, part)| ProgressPartJson {
            part,
            label,
            state,
            done,
        })
        .collect();
    let mut response = axum::Json(ProgressJson {
        state: if next.is_some() {
            tr.t("progress-finished")
        } else {
            state_text(&tr, &job)
        },
        next,
        parts,
    })
    .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
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

/// `GET /static/site.js`: the site's only script (local times, the
/// progress page's updates); every page works without it.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/site.js"),
    )
        .into_response()
}

/// `GET /.well-known/security.txt` (RFC 9116): the platform's own, with
/// the contact the operator gave (`--security-contact`); none without one
/// (a made-up address would send reports nowhere).
pub async fn security_txt(State(state): State<AppState>, ctx: PageContext) -> Response {
    let Some(contact) = &state.config.security_contact else {
        return not_found(State(state), ctx).await;
    };
    let expires = time::OffsetDateTime::now_utc() + time::Duration::days(180);
    let expires = expires
        .replace_nanosecond(0)
        .unwrap_or(expires)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let base = state.config.base_url.trim_end_matches('/');
    let languages = state.translations.complete_languages().join(", ");
    let body = format!(
        "Contact: {contact}\nExpires: {expires}\nPreferred-Languages: {languages}\nCanonical: {base}/.well-known/security.txt\n"
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
        let english = indaba_i18n::in_english;
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
