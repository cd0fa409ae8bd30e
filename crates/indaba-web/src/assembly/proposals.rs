//! Proposals and decisions: a draft, its discussion (comments, amendments
//! the author accepts or rejects), a decision poll as Loomio's, the
//! published outcome (immutable; superseded, never edited), implementation
//! as Decidim's accountability, and the public record a visitor can follow
//! from draft to outcome — as pages and as JSON.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use indaba_assembly::committee::CommitteeRole;
use indaba_assembly::implementation::{ImplementationStatus, Progress};
use indaba_assembly::poll::{self, PollMethod, PollRules, ResultsShown};
use indaba_assembly::proposal::{AmendmentState, ProposalState};
use indaba_assembly::reminder::DAY;
use indaba_assembly::{Viewer, Visibility};
use indaba_store::User;
use indaba_store::assembly::{Committee, Outcome, Poll, Proposal};
use serde::Deserialize;
use serde_json::json;

use super::committees::powers;
use super::{
    done, fail, forbidden, form_time, is_admin, member, not_found, page, parse_when, refuse, see,
    show, signed_in, viewer, when,
};
use crate::app::{AppState, PageContext};
use crate::guides::markdown;

/// Whether `viewer` may see proposal `p` of committee `c`: the narrower of
/// the two visibilities, and a draft only inside its committee.
pub(crate) fn may_see(c: &Committee, p: &Proposal, viewer: Viewer) -> bool {
    p.visibility.narrowest(c.visibility).allows(viewer)
        && (p.state.shown_outside_committee()
            || matches!(viewer, Viewer::CommitteeMember | Viewer::Admin))
}

/// A line of the public record.
#[derive(Debug, Clone)]
pub struct RecordLine {
    /// Link.
    pub href: String,
    /// Title.
    pub title: String,
    /// Committee name.
    pub committee: String,
    /// State label.
    pub state: String,
    /// Verdict label of the live outcome, if decided.
    pub verdict: String,
    /// Implementation progress, if tracked.
    pub progress: String,
    /// Last change.
    pub updated: String,
}

async fn record_lines(state: &AppState, ctx: &PageContext) -> Vec<RecordLine> {
    let tr = ctx.tr(state);
    let committees = state.store.committees().await.unwrap_or_default();
    let mut out = Vec::new();
    for p in state.store.proposals().await.unwrap_or_default() {
        let Some(c) = committees.iter().find(|c| c.id == p.committee_id) else {
            continue;
        };
        if !may_see(c, &p, viewer(state, ctx, Some(&c.id)).await) {
            continue;
        }
        let outcomes = state.store.outcomes(&p.id).await.unwrap_or_default();
        let verdict = outcomes
            .iter()
            .rfind(|o| o.superseded_by.is_none())
            .map(|o| tr.t(&o.record.verdict.label_id()))
            .unwrap_or_default();
        let progress = state
            .store
            .implementation(&p.id)
            .await
            .ok()
            .flatten()
            .map(|i| format!("{} %", i.progress))
            .unwrap_or_default();
        out.push(RecordLine {
            href: format!("/assembly/proposals/{}", p.id),
            committee: c.name.clone(),
            state: tr.t(&p.state.label_id()),
            updated: when(p.updated_at),
            title: p.title,
            verdict,
            progress,
        });
    }
    out
}

page!(
    /// The assembly's front page.
    HomePage, "assembly/home.html", {
        /// Recent proposals and decisions visible to the viewer.
        record: Vec<RecordLine>,
        /// Upcoming events: (link, title, when).
        events: Vec<(String, String, String)>,
        /// Whether the viewer is an admin.
        admin: bool,
        /// Whether the viewer may review applications.
        staff: bool,
    }
);

/// `GET /assembly`.
pub async fn home(State(state): State<AppState>, ctx: PageContext) -> Response {
    let mut record = record_lines(&state, &ctx).await;
    record.truncate(10);
    let now = state.clock.now();
    let mut events = Vec::new();
    for e in state.store.events().await.unwrap_or_default() {
        if e.ends_at >= now
            && e.visibility
                .allows(viewer(&state, &ctx, e.committee_id.as_deref()).await)
        {
            events.push((
                format!("/assembly/events/{}", e.id),
                e.title,
                when(e.starts_at),
            ));
        }
    }
    events.truncate(5);
    let page = HomePage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        record,
        events,
        admin: is_admin(&ctx),
        staff: signed_in(&ctx).is_some(),
    };
    show(&state, &ctx, page)
}

page!(
    /// The public record: inputs, processes and decisions.
    RecordPage, "assembly/record.html", {
        /// Every proposal visible to the viewer.
        record: Vec<RecordLine>,
    }
);

/// `GET /assembly/record`.
pub async fn record(State(state): State<AppState>, ctx: PageContext) -> Response {
    let page = RecordPage {
        tr: ctx.tr(&state),
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        record: record_lines(&state, &ctx).await,
    };
    show(&state, &ctx, page)
}

/// The new-proposal form.
#[derive(Debug, Deserialize)]
pub struct ProposalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    visibility: String,
}

/// `POST /assembly/committees/{id}/proposals` (chairs and members).
pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<ProposalForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let Ok(c) = state.store.committee(&id).await else {
        return not_found(&state, &ctx);
    };
    let (_, role) = powers(&state, &ctx, &c).await;
    if !(is_admin(&ctx) || role.is_some_and(|r| r.proposes())) {
        return forbidden(&state, &ctx);
    }
    let visibility = form.visibility.parse().unwrap_or(Visibility::Partnership);
    match state
        .store
        .create_proposal(
            &user.id,
            &id,
            &form.title,
            &form.body,
            visibility,
            state.clock.now(),
        )
        .await
    {
        Ok(p) => see(&format!("/assembly/proposals/{}", p.id)),
        Err(e) => fail(&state, &ctx, e),
    }
}

/// What the viewer may do with a proposal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Powers {
    /// Wrote it.
    pub author: bool,
    /// Author, chair or admin: moves it along.
    pub manage: bool,
    /// Has a seat (any role) or is an admin: comments and amends.
    pub speak: bool,
}

/// A proposal with its committee, if `viewer` may see it, and the powers
/// of the signed-in user over it.
async fn load(
    state: &AppState,
    ctx: &PageContext,
    id: &str,
) -> Option<(Proposal, Committee, Viewer, Powers)> {
    let p = state.store.proposal(id).await.ok()?;
    let c = state.store.committee(&p.committee_id).await.ok()?;
    let (v, role) = powers(state, ctx, &c).await;
    if !may_see(&c, &p, v) {
        return None;
    }
    let author = signed_in(ctx).is_some_and(|u| u.id == p.author_id);
    let powers = Powers {
        author,
        manage: author || is_admin(ctx) || role == Some(CommitteeRole::Chair),
        speak: is_admin(ctx) || role.is_some(),
    };
    Some((p, c, v, powers))
}

/// The signed-in user sending a form about proposal `id` (CSRF checked),
/// if the proposal is visible to them and `allowed` by their powers.
async fn acting(
    state: &AppState,
    ctx: &PageContext,
    id: &str,
    token: &str,
    allowed: fn(&Powers) -> bool,
) -> Result<User, Response> {
    let user = member(state, ctx, token)?.clone();
    let Some((_, _, _, powers)) = load(state, ctx, id).await else {
        return Err(not_found(state, ctx));
    };
    if !allowed(&powers) {
        return Err(forbidden(state, ctx));
    }
    Ok(user)
}

/// The poll of a proposal, closed first if its date has passed (so a page
/// never shows a poll as open after its closing date, sweep or not).
async fn current_poll(state: &AppState, proposal_id: &str) -> Option<Poll> {
    let poll = state.store.poll_of(proposal_id).await.ok().flatten()?;
    let now = state.clock.now();
    if poll.closed_at.is_none() && now >= poll.rules.closes_at {
        if let Err(e) = state.store.close_poll(None, &poll, now).await {
            tracing::warn!(error = %e, "cannot close a poll");
        }
        return state.store.poll_of(proposal_id).await.ok().flatten();
    }
    Some(poll)
}

/// An amendment as shown.
#[derive(Debug, Clone)]
pub struct AmendmentView {
    /// Id.
    pub id: String,
    /// Author.
    pub author: String,
    /// When.
    pub at: String,
    /// The proposed text, HTML.
    pub body_html: String,
    /// Why.
    pub rationale: String,
    /// State label.
    pub state: String,
    /// Still pending.
    pub pending: bool,
}

/// A voter on the frozen list.
#[derive(Debug, Clone)]
pub struct VoterView {
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Group label.
    pub group: String,
    /// Voted.
    pub voted: bool,
}

/// A position as counted and shown.
#[derive(Debug, Clone)]
pub struct BallotView {
    /// Voter, or empty when anonymous.
    pub voter: String,
    /// Group label, or empty.
    pub group: String,
    /// Position code (CSS).
    pub position: String,
    /// Position label.
    pub label: String,
    /// Reason.
    pub reason: String,
}

/// The poll as shown.
#[derive(Debug, Clone)]
pub struct PollView {
    /// Method label.
    pub method: String,
    /// Quorum, percent.
    pub quorum: u8,
    /// Anonymous.
    pub anonymous: bool,
    /// When results are shown, label.
    pub results_rule: String,
    /// Closing date.
    pub closes: String,
    /// Closed.
    pub closed: bool,
    /// The frozen voter list.
    pub voters: Vec<VoterView>,
    /// How many voted.
    pub voted: usize,
    /// Quorum reached.
    pub quorum_reached: bool,
    /// Whether the viewer may see results now.
    pub results_visible: bool,
    /// (label, count).
    pub counts: Vec<(String, usize)>,
    /// Ballots (when visible).
    pub ballots: Vec<BallotView>,
    /// Verdict label (when visible).
    pub verdict: String,
    /// Whether the viewer may vote now.
    pub can_vote: bool,
    /// Whether the viewer voted.
    pub has_voted: bool,
    /// Position choices: (code, label).
    pub positions: Vec<(String, String)>,
}

/// An outcome as shown.
#[derive(Debug, Clone)]
pub struct OutcomeView {
    /// Id.
    pub id: String,
    /// The decision, HTML.
    pub statement_html: String,
    /// Method label.
    pub method: String,
    /// Verdict label.
    pub verdict: String,
    /// Published.
    pub published: String,
    /// Anonymous poll.
    pub anonymous: bool,
    /// Superseded by (id).
    pub superseded_by: String,
    /// Supersedes (id).
    pub supersedes: String,
    /// (group label, voted, eligible).
    pub turnout: Vec<(String, usize, usize)>,
    /// (label, count).
    pub counts: Vec<(String, usize)>,
    /// Every position with its reason.
    pub ballots: Vec<BallotView>,
    /// Who was eligible.
    pub eligible: Vec<VoterView>,
}

fn ballot_views(tr: &crate::i18n::Tr<'_>, ballots: &[poll::Ballot]) -> Vec<BallotView> {
    ballots
        .iter()
        .map(|b| BallotView {
            voter: b.voter.clone().unwrap_or_default(),
            group: b.group.map(|g| tr.t(&g.label_id())).unwrap_or_default(),
            position: b.position.as_str().to_string(),
            label: tr.t(&b.position.label_id()),
            reason: b.reason.clone(),
        })
        .collect()
}

fn voter_views(tr: &crate::i18n::Tr<'_>, voters: &[poll::Voter]) -> Vec<VoterView> {
    voters
        .iter()
        .map(|v| VoterView {
            name: v.name.clone(),
            organisation: v.organisation.clone(),
            group: tr.t(&v.group.label_id()),
            voted: v.voted,
        })
        .collect()
}

fn outcome_view(tr: &crate::i18n::Tr<'_>, o: &Outcome) -> OutcomeView {
    let r = &o.record;
    OutcomeView {
        id: o.id.clone(),
        statement_html: markdown(&r.statement),
        method: tr.t(&r.rules.method.label_id()),
        verdict: tr.t(&r.verdict.label_id()),
        published: when(o.published_at),
        anonymous: r.rules.anonymous,
        superseded_by: o.superseded_by.clone().unwrap_or_default(),
        supersedes: o.supersedes.clone().unwrap_or_default(),
        turnout: r
            .turnout
            .iter()
            .map(|t| (tr.t(&t.group.label_id()), t.voted, t.eligible))
            .collect(),
        counts: r
            .counts
            .iter()
            .map(|(p, n)| (tr.t(&p.label_id()), *n))
            .collect(),
        ballots: ballot_views(tr, &r.ballots),
        eligible: voter_views(tr, &r.eligible),
    }
}

page!(
    /// A proposal from draft to implementation.
    ProposalPage, "assembly/proposal.html", {
        /// Id.
        id: String,
        /// Title.
        title: String,
        /// Current text, HTML.
        body_html: String,
        /// Current text, Markdown (for the amendment form).
        body: String,
        /// State code.
        state: String,
        /// State label.
        state_label: String,
        /// Visibility label.
        visibility: String,
        /// Author.
        author: String,
        /// Committee (id, name).
        committee: (String, String),
        /// (revision, note, when, HTML).
        revisions: Vec<(i64, String, String, String)>,
        /// (author, when, text).
        comments: Vec<(String, String, String)>,
        /// Amendments.
        amendments: Vec<AmendmentView>,
        /// The poll.
        poll: Option<PollView>,
        /// Outcomes, oldest first.
        outcomes: Vec<OutcomeView>,
        /// Implementation: (status label, progress, note, updated).
        implementation: Option<(String, u8, String, String)>,
        /// Implementation links: (href, label).
        links: Vec<(String, String)>,
        /// Events that discussed it: (href, title).
        events: Vec<(String, String)>,
        /// The viewer's powers.
        powers: Powers,
        /// Method choices.
        methods: Vec<(String, String)>,
        /// Implementation status choices.
        statuses: Vec<(String, String)>,
        /// Default closing date for a new poll.
        default_close: String,
    }
);

/// `GET /assembly/proposals/{id}`.
pub async fn show_proposal(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let Some((p, c, _, powers)) = load(&state, &ctx, &id).await else {
        return not_found(&state, &ctx);
    };
    let tr = ctx.tr(&state);
    let now = state.clock.now();
    let poll = match current_poll(&state, &id).await {
        Some(poll) => Some(poll_view(&state, &ctx, &poll, now).await),
        None => None,
    };
    // The poll may have closed just now.
    let p = state.store.proposal(&id).await.unwrap_or(p);
    let mut events = Vec::new();
    for e in state.store.proposal_events(&id).await.unwrap_or_default() {
        if let Ok(ev) = state.store.event(&e).await
            && ev
                .visibility
                .allows(viewer(&state, &ctx, ev.committee_id.as_deref()).await)
        {
            events.push((format!("/assembly/events/{}", ev.id), ev.title));
        }
    }
    let links = state
        .store
        .implementation_links(&id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(kind, target)| {
            let href = if kind == "event" {
                format!("/assembly/events/{target}")
            } else {
                format!("/assembly/proposals/{target}")
            };
            (href, tr.t(&format!("assembly-link-{kind}")))
        })
        .collect();
    let page = ProposalPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        id: p.id.clone(),
        title: p.title.clone(),
        body_html: markdown(&p.body),
        body: p.body.clone(),
        state: p.state.as_str().to_string(),
        state_label: tr.t(&p.state.label_id()),
        visibility: tr.t(&p.visibility.label_id()),
        author: p.author_name.clone(),
        committee: (c.id.clone(), c.name.clone()),
        revisions: state
            .store
            .revisions(&id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                (
                    r.revision,
                    tr.t(&format!("assembly-revision-{}", r.note)),
                    when(r.at),
                    markdown(&r.body),
                )
            })
            .collect(),
        comments: state
            .store
            .comments(&id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.author_name, when(c.at), c.body))
            .collect(),
        amendments: state
            .store
            .amendments(&id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|a| AmendmentView {
                pending: a.state == AmendmentState::Pending,
                state: tr.t(&format!("assembly-amendment-{}", a.state.as_str())),
                id: a.id,
                author: a.author_name,
                at: when(a.at),
                body_html: markdown(&a.body),
                rationale: a.rationale,
            })
            .collect(),
        poll,
        outcomes: state
            .store
            .outcomes(&id)
            .await
            .unwrap_or_default()
            .iter()
            .map(|o| outcome_view(&tr, o))
            .collect(),
        implementation: state
            .store
            .implementation(&id)
            .await
            .ok()
            .flatten()
            .map(|i| {
                (
                    tr.t(&i.status.label_id()),
                    i.progress,
                    i.note,
                    when(i.updated_at),
                )
            }),
        links,
        events,
        powers,
        methods: PollMethod::ALL
            .iter()
            .map(|m| (m.as_str().to_string(), tr.t(&m.label_id())))
            .collect(),
        statuses: ImplementationStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), tr.t(&s.label_id())))
            .collect(),
        default_close: form_time(now + 7 * DAY),
    };
    show(&state, &ctx, page)
}

async fn poll_view(state: &AppState, ctx: &PageContext, poll: &Poll, now: i64) -> PollView {
    let tr = ctx.tr(state);
    let voters = state.store.poll_voters(&poll.id).await.unwrap_or_default();
    let me = signed_in(ctx).map(|u| u.id.clone());
    let mine = voters
        .iter()
        .find(|(id, _, _)| Some(id) == me.as_ref())
        .map(|(_, _, v)| v.voted);
    let closed = poll.closed(now);
    let has_voted = mine == Some(true);
    let results_visible = poll.rules.results_visible(has_voted, closed);
    let ballots = if results_visible {
        state.store.ballots(poll).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let positions: Vec<_> = ballots.iter().map(|b| b.position).collect();
    let voted = voters.iter().filter(|(_, _, v)| v.voted).count();
    let list: Vec<poll::Voter> = voters.into_iter().map(|(_, _, v)| v).collect();
    PollView {
        method: tr.t(&poll.rules.method.label_id()),
        quorum: poll.rules.quorum_percent,
        anonymous: poll.rules.anonymous,
        results_rule: tr.t(&format!(
            "assembly-results-{}",
            poll.rules.results.as_str().replace('_', "-")
        )),
        closes: when(poll.rules.closes_at),
        closed,
        quorum_reached: poll::quorum_reached(voted, list.len(), poll.rules.quorum_percent),
        voted,
        results_visible,
        counts: if results_visible {
            poll::counts(poll.rules.method, &positions)
                .into_iter()
                .map(|(p, n)| (tr.t(&p.label_id()), n))
                .collect()
        } else {
            Vec::new()
        },
        verdict: if results_visible {
            tr.t(&poll::verdict(&poll.rules, &positions, list.len()).label_id())
        } else {
            String::new()
        },
        ballots: ballot_views(&tr, &ballots),
        voters: voter_views(&tr, &list),
        can_vote: mine.is_some() && !closed && !(has_voted && poll.rules.anonymous),
        has_voted,
        positions: poll
            .rules
            .method
            .positions()
            .iter()
            .map(|p| (p.as_str().to_string(), tr.t(&p.label_id())))
            .collect(),
    }
}

/// A form with a CSRF token and one more field.
#[derive(Debug, Deserialize)]
pub struct OneField {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    value: String,
}

/// `POST /assembly/proposals/{id}/state`: the author (or chair) opens the
/// discussion of a draft, or withdraws the proposal.
pub async fn move_state(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<OneField>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |p| p.manage).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let to = match form.value.as_str() {
        "discussion" => ProposalState::Discussion,
        "withdrawn" => ProposalState::Withdrawn,
        _ => {
            return refuse(
                &state,
                &ctx,
                indaba_model::msg!("assembly-error-state").into(),
            );
        }
    };
    done(
        &state,
        &ctx,
        state
            .store
            .move_proposal(&user.id, &id, to, state.clock.now())
            .await,
        &format!("/assembly/proposals/{id}"),
    )
}

/// `POST /assembly/proposals/{id}/comments`: anyone with a seat, observers
/// included (they speak).
pub async fn comment(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<OneField>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |p| p.speak).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    done(
        &state,
        &ctx,
        state
            .store
            .comment(&user.id, &id, &form.value, state.clock.now())
            .await,
        &format!("/assembly/proposals/{id}#comments"),
    )
}

/// The amendment form.
#[derive(Debug, Deserialize)]
pub struct AmendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    rationale: String,
}

/// `POST /assembly/proposals/{id}/amendments`: anyone with a seat.
pub async fn amend(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<AmendForm>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |p| p.speak).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    done(
        &state,
        &ctx,
        state
            .store
            .propose_amendment(
                &user.id,
                &id,
                &form.body,
                &form.rationale,
                state.clock.now(),
            )
            .await,
        &format!("/assembly/proposals/{id}#amendments"),
    )
}

/// `POST /assembly/proposals/{id}/amendments/{amendment}` (the author):
/// `value=accept` or `value=reject`.
pub async fn answer_amendment(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, amendment)): Path<(String, String)>,
    Form(form): Form<OneField>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |_| true).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    done(
        &state,
        &ctx,
        state
            .store
            .answer_amendment(
                &user.id,
                &id,
                &amendment,
                form.value == "accept",
                state.clock.now(),
            )
            .await,
        &format!("/assembly/proposals/{id}#amendments"),
    )
}

/// The poll form.
#[derive(Debug, Deserialize)]
pub struct PollForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    quorum: String,
    #[serde(default)]
    closes: String,
    #[serde(default)]
    anonymous: Option<String>,
    #[serde(default)]
    results: String,
}

/// `POST /assembly/proposals/{id}/poll` (author or chair): opens the
/// decision poll and freezes its voter list.
pub async fn open_poll(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<PollForm>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |p| p.manage).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let method = form.method.parse().unwrap_or(PollMethod::Proposal);
    let results = form.results.parse().unwrap_or(ResultsShown::AfterVote);
    let closes = parse_when(&form.closes).unwrap_or(0);
    let quorum = form.quorum.trim().parse::<i64>().unwrap_or(-1);
    let rules = match PollRules::new(
        method,
        quorum,
        form.anonymous.is_some(),
        results,
        now,
        closes,
    ) {
        Ok(r) => r,
        Err(r) => return refuse(&state, &ctx, r),
    };
    done(
        &state,
        &ctx,
        state.store.open_poll(&user.id, &id, rules, now).await,
        &format!("/assembly/proposals/{id}#poll"),
    )
}

/// The ballot form.
#[derive(Debug, Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    reason: String,
}

/// `POST /assembly/proposals/{id}/vote`: only those on the frozen list
/// (never observers), with a reason for disagree, block and objection.
pub async fn vote(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<VoteForm>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |_| true).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(poll) = current_poll(&state, &id).await else {
        return not_found(&state, &ctx);
    };
    let now = state.clock.now();
    let eligible = state
        .store
        .poll_voters(&poll.id)
        .await
        .unwrap_or_default()
        .iter()
        .any(|(u, _, _)| *u == user.id);
    let choice = match poll::choose(
        &poll.rules,
        eligible,
        poll.closed(now),
        &form.position,
        &form.reason,
    ) {
        Ok(c) => c,
        Err(r) => {
            let mut resp = refuse(&state, &ctx, r);
            if !eligible {
                *resp.status_mut() = StatusCode::FORBIDDEN;
            }
            return resp;
        }
    };
    done(
        &state,
        &ctx,
        state.store.cast_ballot(&user.id, &poll, &choice, now).await,
        &format!("/assembly/proposals/{id}#poll"),
    )
}

/// `POST /assembly/proposals/{id}/close` (author or chair): closes the poll
/// before its date.
pub async fn close_poll(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<OneField>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |p| p.manage).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(poll) = current_poll(&state, &id).await else {
        return not_found(&state, &ctx);
    };
    done(
        &state,
        &ctx,
        state
            .store
            .close_poll(Some(&user.id), &poll, state.clock.now())
            .await,
        &format!("/assembly/proposals/{id}#poll"),
    )
}

/// The outcome form.
#[derive(Debug, Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    statement: String,
    #[serde(default)]
    supersedes: String,
}

/// `POST /assembly/proposals/{id}/outcome` (author or chair): publishes the
/// outcome of the closed poll — or, with `supersedes`, a new outcome that
/// replaces a published one. There is no way to edit one.
pub async fn publish(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<OutcomeForm>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |p| p.manage).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(poll) = current_poll(&state, &id).await else {
        return refuse(
            &state,
            &ctx,
            indaba_model::msg!("assembly-error-no-poll").into(),
        );
    };
    let now = state.clock.now();
    let Some(closed_at) = poll.closed_at else {
        return refuse(
            &state,
            &ctx,
            indaba_model::msg!("assembly-error-poll-open").into(),
        );
    };
    let voters = state
        .store
        .poll_voters(&poll.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(_, _, v)| v)
        .collect();
    let ballots = match state.store.ballots(&poll).await {
        Ok(b) => b,
        Err(e) => return fail(&state, &ctx, e),
    };
    let record = match poll::outcome(&form.statement, poll.rules, voters, ballots, closed_at) {
        Ok(r) => r,
        Err(r) => return refuse(&state, &ctx, r),
    };
    let supersedes = Some(form.supersedes.trim()).filter(|s| !s.is_empty());
    done(
        &state,
        &ctx,
        state
            .store
            .publish_outcome(&user.id, &id, &record, supersedes, now)
            .await,
        &format!("/assembly/proposals/{id}#outcome"),
    )
}

/// The implementation form.
#[derive(Debug, Deserialize)]
pub struct ImplementationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    link_kind: String,
    #[serde(default)]
    link_target: String,
}

/// `POST /assembly/proposals/{id}/implementation` (author or chair):
/// status, progress and links to other proposals and meetings.
pub async fn implementation(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<ImplementationForm>,
) -> Response {
    let user = match acting(&state, &ctx, &id, &form.csrf, |p| p.manage).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let status = form
        .status
        .parse()
        .unwrap_or(ImplementationStatus::InProgress);
    let progress = match Progress::parse(&form.progress) {
        Ok(p) => p,
        Err(r) => return refuse(&state, &ctx, r),
    };
    if let Err(e) = state
        .store
        .set_implementation(
            &user.id,
            &id,
            status,
            progress,
            &form.note,
            state.clock.now(),
        )
        .await
    {
        return fail(&state, &ctx, e);
    }
    let target = form.link_target.trim();
    if !target.is_empty()
        && let Err(e) = state
            .store
            .link_implementation(&user.id, &id, &form.link_kind, target)
            .await
    {
        return fail(&state, &ctx, e);
    }
    see(&format!("/assembly/proposals/{id}#implementation"))
}

/// Who asks the JSON API: the owner of an API key, else the session's user.
async fn api_caller(
    state: &AppState,
    ctx: &PageContext,
    headers: &HeaderMap,
) -> Result<Option<User>, Response> {
    if headers.contains_key(header::AUTHORIZATION) {
        return crate::api::api_user(state, crate::client::Client(ctx.client), headers)
            .await
            .map(|owner| Some(owner.user));
    }
    Ok(signed_in(ctx).cloned())
}

/// The viewer for the JSON API, relative to `committee`.
async fn api_viewer(state: &AppState, user: Option<&User>, committee: &str) -> Viewer {
    match user {
        None => Viewer::Visitor,
        Some(u) if u.role == indaba_store::Role::Admin => Viewer::Admin,
        Some(u) => match state.store.seat_role(committee, &u.id).await {
            Ok(Some(_)) => Viewer::CommitteeMember,
            _ => Viewer::Member,
        },
    }
}

fn api_not_found() -> Response {
    crate::api::error(StatusCode::NOT_FOUND, "no such proposal")
}

/// `GET /api/v1/assembly/record`: the proposals the caller may see.
pub async fn api_record(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Response {
    let user = match api_caller(&state, &ctx, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let committees = state.store.committees().await.unwrap_or_default();
    let mut out = Vec::new();
    for p in state.store.proposals().await.unwrap_or_default() {
        let Some(c) = committees.iter().find(|c| c.id == p.committee_id) else {
            continue;
        };
        if may_see(c, &p, api_viewer(&state, user.as_ref(), &c.id).await) {
            out.push(json!({
                "id": p.id, "title": p.title, "state": p.state, "committee": c.name,
                "visibility": p.visibility, "updated_at": p.updated_at,
            }));
        }
    }
    Json(json!({"proposals": out})).into_response()
}

/// `GET /api/v1/assembly/proposals/{id}`: a proposal with its revisions,
/// poll and outcomes, as the caller may see them. An anonymous poll's
/// ballots carry no voter here either.
pub async fn api_proposal(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match api_caller(&state, &ctx, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(p) = state.store.proposal(&id).await else {
        return api_not_found();
    };
    let Ok(c) = state.store.committee(&p.committee_id).await else {
        return api_not_found();
    };
    if !may_see(&c, &p, api_viewer(&state, user.as_ref(), &c.id).await) {
        return api_not_found();
    }
    let now = state.clock.now();
    let poll = match current_poll(&state, &id).await {
        Some(poll) => {
            let voters = state.store.poll_voters(&poll.id).await.unwrap_or_default();
            let voted = user
                .as_ref()
                .is_some_and(|u| voters.iter().any(|(id, _, v)| *id == u.id && v.voted));
            let visible = poll.rules.results_visible(voted, poll.closed(now));
            let ballots = if visible {
                state.store.ballots(&poll).await.unwrap_or_default()
            } else {
                Vec::new()
            };
            json!({
                "rules": poll.rules,
                "closed_at": poll.closed_at,
                "voters": voters.iter().map(|(_, _, v)| v).collect::<Vec<_>>(),
                "results_visible": visible,
                "ballots": if visible { json!(ballots) } else { json!(null) },
            })
        }
        None => json!(null),
    };
    let p = state.store.proposal(&id).await.unwrap_or(p);
    let revisions: Vec<_> = state
        .store
        .revisions(&id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| json!({"revision": r.revision, "title": r.title, "body": r.body, "note": r.note, "at": r.at}))
        .collect();
    let outcomes: Vec<_> = state
        .store
        .outcomes(&id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|o| json!({"id": o.id, "record": o.record, "published_at": o.published_at, "supersedes": o.supersedes, "superseded_by": o.superseded_by}))
        .collect();
    let implementation = state.store.implementation(&id).await.ok().flatten().map(
        |i| json!({"status": i.status, "progress": i.progress, "note": i.note, "updated_at": i.updated_at}),
    );
    Json(json!({
        "id": p.id, "title": p.title, "body": p.body, "state": p.state,
        "visibility": p.visibility, "committee": {"id": c.id, "name": c.name},
        "author": p.author_name, "revisions": revisions, "poll": poll,
        "outcomes": outcomes, "implementation": implementation,
    }))
    .into_response()
}
