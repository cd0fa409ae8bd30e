//! Committees: their terms of reference (versioned, the history public when
//! the committee is), seats with roles, and the balance of voting seats per
//! stakeholder group with a warning over the configured share.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use indaba_assembly::committee::{self, CommitteeRole};
use indaba_assembly::{Viewer, Visibility};
use indaba_store::assembly::Committee;
use serde::Deserialize;

use super::members::max_share;
use super::{
    done, fail, forbidden, is_admin, member, not_found, page, see, show, signed_in, viewer, when,
};
use crate::app::{AppState, PageContext};
use crate::guides::markdown;

/// A committee in a list.
#[derive(Debug, Clone)]
pub struct CommitteeView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Mandate.
    pub mandate: String,
    /// Visibility label.
    pub visibility: String,
}

fn committee_view(tr: &crate::i18n::Tr<'_>, c: &Committee) -> CommitteeView {
    CommitteeView {
        id: c.id.clone(),
        name: c.name.clone(),
        mandate: c.mandate.clone(),
        visibility: tr.t(&c.visibility.label_id()),
    }
}

/// Visibility choices for a form: (code, label).
pub(crate) fn visibility_options(tr: &crate::i18n::Tr<'_>) -> Vec<(String, String)> {
    Visibility::ALL
        .iter()
        .map(|v| (v.as_str().to_string(), tr.t(&v.label_id())))
        .collect()
}

page!(
    /// The committees.
    CommitteesPage, "assembly/committees.html", {
        /// Committees the viewer may see.
        committees: Vec<CommitteeView>,
        /// Whether the viewer may create one.
        can_create: bool,
        /// Visibility choices.
        visibilities: Vec<(String, String)>,
    }
);

/// `GET /assembly/committees`.
pub async fn list(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    let mut committees = Vec::new();
    for c in state.store.committees().await.unwrap_or_default() {
        if c.visibility.allows(viewer(&state, &ctx, Some(&c.id)).await) {
            committees.push(committee_view(&tr, &c));
        }
    }
    let page = CommitteesPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        committees,
        can_create: is_admin(&ctx),
        visibilities: visibility_options(&tr),
    };
    show(&state, &ctx, page)
}

/// The new-committee form.
#[derive(Debug, Deserialize)]
pub struct CommitteeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    mandate: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    terms: String,
}

/// `POST /assembly/committees` (admins).
pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<CommitteeForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !is_admin(&ctx) {
        return forbidden(&state, &ctx);
    }
    let visibility = form.visibility.parse().unwrap_or(Visibility::Partnership);
    match state
        .store
        .create_committee(
            &user.id,
            &form.name,
            &form.mandate,
            visibility,
            &form.terms,
            state.clock.now(),
        )
        .await
    {
        Ok(c) => see(&format!("/assembly/committees/{}", c.id)),
        Err(e) => fail(&state, &ctx, e),
    }
}

/// A seat as the committee page shows it.
#[derive(Debug, Clone)]
pub struct SeatView {
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Group label.
    pub group: String,
    /// Role label.
    pub role: String,
}

/// One group's line of the balance.
#[derive(Debug, Clone)]
pub struct BalanceView {
    /// Group label.
    pub group: String,
    /// Voting seats.
    pub voting: usize,
    /// Observers.
    pub observers: usize,
    /// Share, percent.
    pub share: u8,
    /// Over the limit.
    pub over: bool,
}

/// A proposal or event line on the committee page: (link, title, state).
pub type ItemView = (String, String, String);

page!(
    /// A committee.
    CommitteePage, "assembly/committee.html", {
        /// Id.
        id: String,
        /// Name.
        name: String,
        /// Mandate.
        mandate: String,
        /// Visibility label.
        visibility: String,
        /// Current terms of reference, HTML.
        terms_html: String,
        /// Their version.
        terms_version: i64,
        /// Seats.
        seats: Vec<SeatView>,
        /// Balance.
        balance: Vec<BalanceView>,
        /// Voting seats in all.
        voting: usize,
        /// The limit, percent.
        max_share: u8,
        /// Groups over the limit (labels).
        warnings: Vec<String>,
        /// Proposals visible to the viewer.
        proposals: Vec<ItemView>,
        /// Events visible to the viewer.
        events: Vec<ItemView>,
        /// Whether the viewer chairs it (or is an admin).
        can_manage: bool,
        /// Whether the viewer may draft proposals and set up events.
        can_propose: bool,
        /// (user id, address) for the seat form.
        users: Vec<(String, String)>,
        /// Role choices (code, label).
        roles: Vec<(String, String)>,
        /// Visibility choices.
        visibilities: Vec<(String, String)>,
        /// The current terms' Markdown (for the revision form).
        terms_markdown: String,
    }
);

/// What the viewer may do in a committee: (sees it, manages it, proposes).
pub(crate) async fn powers(
    state: &AppState,
    ctx: &PageContext,
    c: &Committee,
) -> (Viewer, Option<CommitteeRole>) {
    let v = viewer(state, ctx, Some(&c.id)).await;
    let role = match signed_in(ctx) {
        Some(u) => state.store.seat_role(&c.id, &u.id).await.ok().flatten(),
        None => None,
    };
    (v, role)
}

/// The committee page of `id`.
async fn show_committee(state: &AppState, ctx: &PageContext, id: &str) -> Response {
    let tr = ctx.tr(state);
    let Ok(c) = state.store.committee(id).await else {
        return not_found(state, ctx);
    };
    let (v, role) = powers(state, ctx, &c).await;
    if !c.visibility.allows(v) {
        return not_found(state, ctx);
    }
    let terms = state.store.committee_terms(id).await.unwrap_or_default();
    let seats = state.store.seats(id).await.unwrap_or_default();
    let share = max_share(state).await;
    let b = committee::balance(
        &seats.iter().map(|s| (s.group, s.role)).collect::<Vec<_>>(),
        share,
    );
    let mut proposals = Vec::new();
    for p in state.store.proposals().await.unwrap_or_default() {
        if p.committee_id == c.id && super::proposals::may_see(&c, &p, v) {
            proposals.push((
                format!("/assembly/proposals/{}", p.id),
                p.title,
                tr.t(&p.state.label_id()),
            ));
        }
    }
    let events = state
        .store
        .events()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.committee_id.as_deref() == Some(id) && e.visibility.allows(v))
        .map(|e| {
            (
                format!("/assembly/events/{}", e.id),
                e.title,
                when(e.starts_at),
            )
        })
        .collect();
    let can_manage = is_admin(ctx) || role == Some(CommitteeRole::Chair);
    let page = CommitteePage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        id: c.id.clone(),
        name: c.name.clone(),
        mandate: c.mandate.clone(),
        visibility: tr.t(&c.visibility.label_id()),
        terms_html: terms.first().map(|t| markdown(&t.body)).unwrap_or_default(),
        terms_version: terms.first().map(|t| t.version).unwrap_or(0),
        terms_markdown: terms.first().map(|t| t.body.clone()).unwrap_or_default(),
        seats: seats
            .iter()
            .map(|s| SeatView {
                name: s.name.clone(),
                organisation: s.organisation.clone(),
                group: tr.t(&s.group.label_id()),
                role: tr.t(&s.role.label_id()),
            })
            .collect(),
        warnings: b.warnings().iter().map(|g| tr.t(&g.label_id())).collect(),
        balance: b
            .groups
            .iter()
            .map(|g| BalanceView {
                group: tr.t(&g.group.label_id()),
                voting: g.voting,
                observers: g.observers,
                share: g.share,
                over: g.over,
            })
            .collect(),
        voting: b.voting,
        max_share: b.max_share,
        proposals,
        events,
        can_manage,
        can_propose: is_admin(ctx) || role.is_some_and(|r| r.proposes()),
        users: if can_manage {
            state
                .store
                .users()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|u| (u.id, u.email))
                .collect()
        } else {
            Vec::new()
        },
        roles: CommitteeRole::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), tr.t(&r.label_id())))
            .collect(),
        visibilities: visibility_options(&tr),
    };
    show(state, ctx, page)
}

/// `GET /assembly/committees/{id}`.
pub async fn committee(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    show_committee(&state, &ctx, &id).await
}

page!(
    /// Every version of a committee's terms of reference.
    TermsPage, "assembly/terms.html", {
        /// Committee id.
        id: String,
        /// Committee name.
        name: String,
        /// (version, when, note, HTML), newest first.
        versions: Vec<(i64, String, String, String)>,
    }
);

/// `GET /assembly/committees/{id}/terms`: the history, visible to whoever
/// may see the committee (everyone, for a public committee).
pub async fn terms(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let Ok(c) = state.store.committee(&id).await else {
        return not_found(&state, &ctx);
    };
    if !c.visibility.allows(viewer(&state, &ctx, Some(&id)).await) {
        return not_found(&state, &ctx);
    }
    let versions = state
        .store
        .committee_terms(&id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.version, when(t.created_at), t.note, markdown(&t.body)))
        .collect();
    let page = TermsPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        id: c.id,
        name: c.name,
        versions,
    };
    show(&state, &ctx, page)
}

/// The terms-of-reference form.
#[derive(Debug, Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    note: String,
}

/// `POST /assembly/committees/{id}/terms` (chair or admin): a new version.
pub async fn revise_terms(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<TermsForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if !manages(&state, &ctx, &id).await {
        return forbidden(&state, &ctx);
    }
    done(
        &state,
        &ctx,
        state
            .store
            .revise_terms(&user.id, &id, &form.body, &form.note, state.clock.now())
            .await,
        &format!("/assembly/committees/{id}/terms"),
    )
}

/// Whether the signed-in user chairs committee `id` or is an admin.
pub(crate) async fn manages(state: &AppState, ctx: &PageContext, id: &str) -> bool {
    if is_admin(ctx) {
        return state.store.committee(id).await.is_ok();
    }
    match signed_in(ctx) {
        Some(u) => matches!(
            state.store.seat_role(id, &u.id).await,
            Ok(Some(CommitteeRole::Chair))
        ),
        None => false,
    }
}

/// The seat form.
#[derive(Debug, Deserialize)]
pub struct SeatForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    role: String,
}

/// `POST /assembly/committees/{id}/seats` (chair or admin): gives a seat a
/// role, or (`role=none`) takes it away.
pub async fn seat(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<SeatForm>,
) -> Response {
    let actor = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if !manages(&state, &ctx, &id).await {
        return forbidden(&state, &ctx);
    }
    if state.store.user(&form.user).await.is_err() {
        return not_found(&state, &ctx);
    }
    let role = form.role.parse::<CommitteeRole>().ok();
    done(
        &state,
        &ctx,
        state
            .store
            .set_seat(&actor.id, &id, &form.user, role, state.clock.now())
            .await,
        &format!("/assembly/committees/{id}"),
    )
}
