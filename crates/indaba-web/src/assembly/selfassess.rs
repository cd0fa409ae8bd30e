//! The multistakeholder self-assessment: the Internet Society's four
//! attributes and their questions, answered per committee or for the
//! partnership with evidence links, repeated over time and shown as a
//! trend.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use indaba_assembly::assessment::{self, ATTRIBUTES, SCALE_MAX};
use serde::Deserialize;

use super::committees::manages;
use super::{
    done, forbidden, is_admin, member, not_found, page, refuse, show, signed_in, viewer, when,
};
use crate::app::{AppState, PageContext};

/// One attribute's questions for the form: (attribute label, [(key, text)]).
pub type AttributeView = (String, Vec<(String, String)>);

/// One assessment in the trend: (when, [(score text, trend label)],
/// overall text, overall trend label).
pub type TrendRow = (String, Vec<(String, String)>, String, String);

page!(
    /// The self-assessment of a scope.
    AssessmentPage, "assembly/assessment.html", {
        /// `partnership` or a committee id.
        scope: String,
        /// What the scope is called.
        scope_name: String,
        /// The questions by attribute.
        attributes: Vec<AttributeView>,
        /// Attribute labels (table heads).
        heads: Vec<String>,
        /// The assessments, oldest first.
        rows: Vec<TrendRow>,
        /// Evidence links of the newest assessment: (question text, link).
        evidence: Vec<(String, String)>,
        /// Scale choices.
        scale: Vec<(u8, String)>,
        /// Whether the viewer may record one.
        may_assess: bool,
    }
);

/// Which scope.
#[derive(Debug, Deserialize)]
pub struct ScopeQuery {
    #[serde(default)]
    scope: String,
}

fn scope_of(text: &str) -> String {
    if text.trim().is_empty() {
        "partnership".to_string()
    } else {
        text.trim().to_string()
    }
}

/// Whether the viewer may see the scope's assessments, and its name.
async fn scope_access(state: &AppState, ctx: &PageContext, scope: &str) -> Option<String> {
    if scope == "partnership" {
        return signed_in(ctx).map(|_| ctx.tr(state).t("assembly-partnership"));
    }
    let c = state.store.committee(scope).await.ok()?;
    c.visibility
        .allows(viewer(state, ctx, Some(scope)).await)
        .then_some(c.name)
}

fn score_text(score: Option<u8>) -> String {
    score
        .map(|s| format!("{s} %"))
        .unwrap_or_else(|| "–".into())
}

/// `GET /assembly/assessment?scope=`.
pub async fn show_assessment(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<ScopeQuery>,
) -> Response {
    let scope = scope_of(&q.scope);
    let Some(scope_name) = scope_access(&state, &ctx, &scope).await else {
        return not_found(&state, &ctx);
    };
    let tr = ctx.tr(&state);
    let history = state.store.assessments(&scope).await.unwrap_or_default();
    let mut rows = Vec::new();
    let mut before: Option<assessment::Scores> = None;
    for a in &history {
        let s = assessment::scores(&a.answers);
        let cells = s
            .attributes
            .iter()
            .enumerate()
            .map(|(i, (_, now))| {
                let prev = before.as_ref().and_then(|b| b.attributes[i].1);
                (
                    score_text(*now),
                    tr.t(assessment::trend(prev, *now).label_id()),
                )
            })
            .collect();
        let overall_trend = assessment::trend(before.as_ref().and_then(|b| b.overall), s.overall);
        rows.push((
            when(a.taken_at),
            cells,
            score_text(s.overall),
            tr.t(overall_trend.label_id()),
        ));
        before = Some(s);
    }
    let evidence = history
        .last()
        .map(|a| {
            a.evidence
                .iter()
                .map(|(q, link)| (tr.t(&assessment::question_label_id(q)), link.clone()))
                .collect()
        })
        .unwrap_or_default();
    let page = AssessmentPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        may_assess: may_assess(&state, &ctx, &scope).await,
        scope,
        scope_name,
        attributes: ATTRIBUTES
            .iter()
            .map(|a| {
                (
                    tr.t(&a.label_id()),
                    a.question_keys()
                        .map(|k| {
                            let text = tr.t(&assessment::question_label_id(&k));
                            (k, text)
                        })
                        .collect(),
                )
            })
            .collect(),
        heads: ATTRIBUTES.iter().map(|a| tr.t(&a.label_id())).collect(),
        rows,
        evidence,
        scale: (0..=SCALE_MAX)
            .map(|s| (s, tr.t(&format!("assembly-scale-{s}"))))
            .collect(),
    };
    show(&state, &ctx, page)
}

/// Admins assess anything; chairs assess their committee.
async fn may_assess(state: &AppState, ctx: &PageContext, scope: &str) -> bool {
    if scope == "partnership" {
        is_admin(ctx)
    } else {
        manages(state, ctx, scope).await
    }
}

/// `POST /assembly/assessment`: fields `scope`, and per question key
/// `score.<key>` and `evidence.<key>`; unanswered questions are left out.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let token = form.get("csrf").cloned().unwrap_or_default();
    let user = match member(&state, &ctx, &token) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let scope = scope_of(form.get("scope").map(String::as_str).unwrap_or(""));
    if !may_assess(&state, &ctx, &scope).await {
        return forbidden(&state, &ctx);
    }
    let mut answers = Vec::new();
    for key in assessment::all_questions() {
        let score = form
            .get(&format!("score.{key}"))
            .map(String::as_str)
            .unwrap_or("");
        if score.is_empty() {
            continue;
        }
        let evidence = form
            .get(&format!("evidence.{key}"))
            .map(String::as_str)
            .unwrap_or("");
        match assessment::answer(&key, score, evidence) {
            Ok(a) => answers.push(a),
            Err(r) => return refuse(&state, &ctx, r),
        }
    }
    done(
        &state,
        &ctx,
        state
            .store
            .save_assessment(&user.id, &scope, &answers, state.clock.now())
            .await,
        &format!("/assembly/assessment?scope={scope}"),
    )
}
