//! Comply or explain on the web: an owner's explanation of a finding,
//! written from the report page (`POST /monitor/explanations`), the marks
//! it leaves on the report page while in force, an analyst's rejection with
//! a reason (`POST /monitor/explanations/{id}/reject`), and a list's
//! explanations page with each check's fails counted with and without
//! explained findings (`/monitor/lists/{id}/explanations`).
//!
//! The rules are [`indaba_monitor::explain`]'s; whether an explanation is in
//! force is judged against the platform's clock (`AppState::clock`, which a
//! test server may move) every time a page is drawn.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use indaba_model::{Report, Status};
use indaba_monitor::explain::{self, Expiry, FindingKey, Reason, Standing, Text};
use indaba_store::explain::{Explanation, NewExplanation};
use serde::Deserialize;

use super::pages::{is_staff, problem, store_problem, visible_list};
use crate::app::{AppState, PageContext};
use crate::desk::when;
use crate::extract::{CsrfForm, RequireRole, role};
use crate::i18n::Tr;
use crate::pages::render;
use crate::results::report::ReportPage;
use crate::view::{self, UserView};

/// Explanations shown on a list's page at most.
const SHOWN: i64 = 1_000;

/// The form on a report page's finding.
#[derive(Debug, Deserialize)]
pub struct ExplainForm {
    report: String,
    check: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    until: String,
}

/// `POST /monitor/explanations`: a member of an owner organisation of the
/// report's domain explains one of its findings that falls short.
pub async fn create(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ExplainForm>,
) -> Response {
    let tr = ctx.tr(&state);
    let report = match state.store.report(&form.report).await {
        Ok(r) => r,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let Some(finding) = report.findings.iter().find(|f| f.check == form.check) else {
        return problem(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            tr.t("monitor-explain-no-finding"),
        );
    };
    if !explain::explainable(finding.status) {
        return problem(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            tr.t("monitor-explain-not-explainable"),
        );
    }
    let domain = report.target.as_str();
    let owners = match state.store.domain_owners(domain).await {
        Ok(o) => o,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let org = me.user.organisation_id.as_deref();
    let Some(org) = org.filter(|_| explain::may_explain(org, &owners)) else {
        let detail = serde_json::json!({"domain": domain, "check": finding.check});
        if let Err(e) = state
            .store
            .record(&ctx.actor(), "monitor.explanation.refused", domain, detail)
            .await
        {
            tracing::error!(error = %e, "cannot audit a refused explanation");
        }
        return problem(
            &state,
            &ctx,
            StatusCode::FORBIDDEN,
            tr.t("monitor-explain-not-owner"),
        );
    };
    let checked = Text::parse(&form.text)
        .and_then(|t| Ok((t, Expiry::from_date(&form.until, state.clock.now())?)));
    let (text, until) = match checked {
        Ok(v) => v,
        Err(m) => return problem(&state, &ctx, StatusCode::BAD_REQUEST, tr.m(&m)),
    };
    let key = FindingKey {
        domain: domain.to_string(),
        kind: report.kind,
        check: finding.check.clone(),
    };
    let made = state
        .store
        .create_explanation(
            &ctx.actor(),
            NewExplanation {
                key: &key,
                organisation_id: org,
                text: &text,
                until,
            },
        )
        .await;
    match made {
        Ok(_) => Redirect::to(&format!(
            "/report/{}#finding-{}",
            form.report.trim(),
            finding.check
        ))
        .into_response(),
        Err(e) => store_problem(&state, &ctx, e),
    }
}

/// The rejection form.
#[derive(Debug, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
    /// The list whose page the form was on, to go back to.
    #[serde(default)]
    list: String,
}

/// `POST /monitor/explanations/{id}/reject`: an analyst rejects an
/// explanation, with a reason (kept in the audit log).
pub async fn reject(
    State(state): State<AppState>,
    _me: RequireRole<role::Analyst>,
    ctx: PageContext,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Response {
    let reason = match Reason::parse(&form.reason) {
        Ok(r) => r,
        Err(m) => {
            return problem(&state, &ctx, StatusCode::BAD_REQUEST, ctx.tr(&state).m(&m));
        }
    };
    if let Err(e) = state
        .store
        .reject_explanation(&ctx.actor(), &id, &reason)
        .await
    {
        return store_problem(&state, &ctx, e);
    }
    // Back to the list's page only when it names a list: never a redirect
    // to an address the form made up.
    match state.store.list(form.list.trim()).await {
        Ok(l) => Redirect::to(&format!("/monitor/lists/{}/explanations", l.id)).into_response(),
        Err(_) => Redirect::to("/monitor").into_response(),
    }
}

/// An explanation as pages show it.
pub struct ExplanationView {
    /// Its id.
    pub id: String,
    /// The domain.
    pub domain: String,
    /// `web` or `mail`.
    pub kind: &'static str,
    /// The check's id.
    pub check: String,
    /// The check's title.
    pub check_title: String,
    /// The explanation (escaped when drawn).
    pub text: String,
    /// Who wrote it.
    pub who: String,
    /// The organisation it speaks for.
    pub organisation: String,
    /// Until when.
    pub until: String,
    /// `in-force`, `expired`, `rejected`.
    pub standing: &'static str,
    /// The standing in words.
    pub standing_label: String,
    /// Why it was rejected, and by whom.
    pub rejection: Option<(String, String)>,
}

impl ExplanationView {
    fn of(tr: &Tr<'_>, e: &Explanation, now: i64) -> ExplanationView {
        let standing = e.standing(now);
        ExplanationView {
            id: e.id.clone(),
            domain: e.key.domain.clone(),
            kind: super::kind_name(e.key.kind),
            check: e.key.check.clone(),
            check_title: view::check_title(tr, &e.key.check),
            text: e.text.clone(),
            who: e.created_by_email.clone().unwrap_or_default(),
            organisation: e.organisation_name.clone(),
            until: when(e.until),
            standing: standing.as_str(),
            standing_label: tr.t(&format!("monitor-explain-standing-{}", standing.as_str())),
            rejection: e
                .reject_reason
                .clone()
                .map(|r| (r, e.rejected_by_email.clone().unwrap_or_else(|| "-".into()))),
        }
    }
}

/// One check's fails in a list's latest scan.
pub struct CheckRow {
    /// The check's id.
    pub check: String,
    /// Its title.
    pub title: String,
    /// Passed.
    pub pass: u64,
    /// Fails, explained ones counted as fails.
    pub fail_without: u64,
    /// Fails once explained ones are set apart.
    pub fail_with: u64,
    /// Explained fails and warnings.
    pub explained: u64,
}

/// `/monitor/lists/{id}/explanations`.
#[derive(Template)]
#[template(path = "monitor/explanations.html")]
pub struct ExplanationsPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Whether the user may reject.
    pub staff: bool,
    /// The list's id.
    pub list_id: String,
    /// The list's name.
    pub list_name: String,
    /// The explanations, newest first.
    pub explanations: Vec<ExplanationView>,
    /// The latest finished scan, if any.
    pub scan: Option<String>,
    /// Its checks, with and without explained findings.
    pub checks: Vec<CheckRow>,
}

/// `GET /monitor/lists/{id}/explanations`.
pub async fn page(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let list = match visible_list(&state, &ctx, &me.user, &id).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let read = async {
        let explanations = state.store.explanations_of_list(&list.id, SHOWN).await?;
        let latest = state.store.latest_scan_findings(&list.id).await?;
        let in_force = state.store.explained_in_force(&list.id, now).await?;
        Ok::<_, indaba_store::StoreError>((explanations, latest, in_force))
    };
    let (explanations, latest, in_force) = match read.await {
        Ok(v) => v,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let tr = ctx.tr(&state);
    let (scan, checks) = match latest {
        None => (None, Vec::new()),
        Some((scan, findings)) => {
            let tally = explain::tally(findings.iter().map(|(k, s)| (k, *s)), &in_force);
            let rows = tally
                .into_iter()
                .map(|(check, t)| CheckRow {
                    title: view::check_title(&tr, &check),
                    check,
                    pass: t.pass,
                    fail_without: t.fail_without_explanations(),
                    fail_with: t.fail_with_explanations(),
                    explained: t.explained(),
                })
                .collect();
            (Some(scan), rows)
        }
    };
    let page = ExplanationsPage {
        explanations: explanations
            .iter()
            .map(|e| ExplanationView::of(&tr, e, now))
            .collect(),
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        staff: is_staff(&me.user),
        list_id: list.id.clone(),
        list_name: list.name.clone(),
        scan,
        checks,
    };
    ctx.finish(&state, render(page))
}

/// An explanation in force, as the report page shows it on its finding.
#[derive(Debug, Clone)]
pub struct ExplainedView {
    /// The explanation.
    pub text: String,
    /// The organisation it speaks for.
    pub organisation: String,
    /// Until when.
    pub until: String,
}

/// Marks the report page's findings that an explanation in force covers,
/// and offers the explain form on those that fall short when the visitor
/// speaks for an owner of the domain. A store failure leaves the page as
/// it is: the report itself still shows.
pub async fn annotate(
    state: &AppState,
    ctx: &PageContext,
    report: &Report,
    page: &mut ReportPage<'_>,
) {
    let domain = report.target.as_str();
    let now = state.clock.now();
    let explanations = match state
        .store
        .explanations_of_domain(domain, report.kind)
        .await
    {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "explanations of a report");
            Vec::new()
        }
    };
    let owner = match ctx.session.as_ref() {
        Some(s) => match state.store.domain_owners(domain).await {
            Ok(owners) => explain::may_explain(s.user.organisation_id.as_deref(), &owners),
            Err(e) => {
                tracing::error!(error = %e, "owners of a report's domain");
                false
            }
        },
        None => false,
    };
    page.may_explain = owner;
    for f in page
        .categories
        .iter_mut()
        .flat_map(|c| c.findings.iter_mut())
    {
        let Some(status) = Status::parse(&f.status) else {
            continue;
        };
        f.explainable = owner && explain::explainable(status);
        f.explained = explanations
            .iter()
            .find(|e| e.key.check == f.check && e.standing(now) == Standing::InForce)
            .filter(|_| explain::shows_explained(status, true))
            .map(|e| ExplainedView {
                text: e.text.clone(),
                organisation: e.organisation_name.clone(),
                until: when(e.until),
            });
    }
}

#[cfg(test)]
mod tests;
