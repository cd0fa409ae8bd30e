//! The public pages: home, test submission, progress, report, guides.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use indaba_model::catalogue::{self, Category};
use indaba_model::{DomainName, TestKind};
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
    /// Not a domain name; the reason is for people.
    BadDomain(String),
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
    let name = extract_domain(input, kind);
    let domain = DomainName::parse(&name).map_err(|e| SubmitError::BadDomain(e.to_string()))?;
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

/// People paste URLs and addresses; the test wants the host.
fn extract_domain(input: &str, kind: TestKind) -> String {
    let mut s = input.trim();
    for scheme in ["https://", "http://"] {
        if s.len() >= scheme.len() && s[..scheme.len()].eq_ignore_ascii_case(scheme) {
            s = &s[scheme.len()..];
        }
    }
    let s = s.split(['/', '?', '#']).next().unwrap_or("");
    let s = if kind == TestKind::Mail {
        s.rsplit('@').next().unwrap_or(s)
    } else {
        s
    };
    // A port is not part of the name.
    let s = match s.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) && !host.contains(':') => {
            host
        }
        _ => s,
    };
    s.to_string()
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
            tr.t1("error-domain-text", "reason", reason),
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
    use super::*;

    #[test]
    fn pasted_urls_and_addresses_become_domains() {
        assert_eq!(
            extract_domain(" https://Example.NL/path?q=1 ", TestKind::Web),
            "Example.NL"
        );
        assert_eq!(
            extract_domain("example.nl:8443", TestKind::Web),
            "example.nl"
        );
        assert_eq!(
            extract_domain("someone@example.nl", TestKind::Mail),
            "example.nl"
        );
        assert_eq!(extract_domain("", TestKind::Web), "");
    }
}
