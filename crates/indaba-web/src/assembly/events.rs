//! Events: seminars, webinars and meetings with an agenda, registration
//! (a cap and a waiting list), attendance by stakeholder group, minutes,
//! linked proposals, and iCalendar feeds per committee and for the
//! partnership.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use indaba_assembly::calendar::{self, FeedEvent};
use indaba_assembly::committee::CommitteeRole;
use indaba_assembly::event::{self, EventKind, Registration};
use indaba_assembly::{StakeholderGroup, Visibility};
use indaba_store::assembly::{Event, NewEvent};
use serde::Deserialize;

use super::committees::visibility_options;
use super::{
    done, fail, forbidden, form_time, is_admin, is_staff, member, not_found, page, parse_when,
    refuse, see, show, signed_in, viewer, when,
};
use crate::app::{AppState, PageContext};
use crate::guides::markdown;

/// An event in a list.
#[derive(Debug, Clone)]
pub struct EventLine {
    /// Link.
    pub href: String,
    /// Title.
    pub title: String,
    /// Kind label.
    pub kind: String,
    /// Start.
    pub starts: String,
}

page!(
    /// The events.
    EventsPage, "assembly/events.html", {
        /// Events visible to the viewer.
        events: Vec<EventLine>,
        /// Committees the viewer may set events up in: (id, name); the
        /// partnership (empty id) first when staff.
        hosts: Vec<(String, String)>,
        /// Preselected committee.
        preselect: String,
        /// Kind choices.
        kinds: Vec<(String, String)>,
        /// Visibility choices.
        visibilities: Vec<(String, String)>,
        /// Default start for the form.
        default_start: String,
    }
);

/// Which committee the new-event form starts with.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    #[serde(default)]
    committee: String,
}

async fn visible(state: &AppState, ctx: &PageContext, e: &Event) -> bool {
    e.visibility
        .allows(viewer(state, ctx, e.committee_id.as_deref()).await)
}

/// Whether the signed-in user runs event-like things for `committee`:
/// admins; staff for the partnership; chairs and members for a committee.
async fn may_host(state: &AppState, ctx: &PageContext, committee: Option<&str>) -> bool {
    if is_admin(ctx) {
        return true;
    }
    match (committee, signed_in(ctx)) {
        (None, Some(_)) => is_staff(ctx),
        (Some(c), Some(u)) => matches!(
            state.store.seat_role(c, &u.id).await,
            Ok(Some(CommitteeRole::Chair | CommitteeRole::Member))
        ),
        _ => false,
    }
}

/// `GET /assembly/events`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<EventsQuery>,
) -> Response {
    let tr = ctx.tr(&state);
    let mut events = Vec::new();
    for e in state.store.events().await.unwrap_or_default() {
        if visible(&state, &ctx, &e).await {
            events.push(EventLine {
                href: format!("/assembly/events/{}", e.id),
                kind: tr.t(&e.kind.label_id()),
                starts: when(e.starts_at),
                title: e.title,
            });
        }
    }
    let mut hosts = Vec::new();
    if may_host(&state, &ctx, None).await {
        hosts.push((String::new(), tr.t("assembly-partnership")));
    }
    for c in state.store.committees().await.unwrap_or_default() {
        if may_host(&state, &ctx, Some(&c.id)).await {
            hosts.push((c.id, c.name));
        }
    }
    let page = EventsPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        events,
        hosts,
        preselect: q.committee,
        kinds: EventKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), tr.t(&k.label_id())))
            .collect(),
        visibilities: visibility_options(&tr),
        default_start: form_time(state.clock.now() + 7 * 86_400),
    };
    show(&state, &ctx, page)
}

/// The new-event form.
#[derive(Debug, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    committee: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    visibility: String,
}

/// `POST /assembly/events`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<EventForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let committee = Some(form.committee.trim().to_string()).filter(|c| !c.is_empty());
    if !may_host(&state, &ctx, committee.as_deref()).await {
        return forbidden(&state, &ctx);
    }
    let capacity = match event::capacity(&form.capacity) {
        Ok(c) => c,
        Err(r) => return refuse(&state, &ctx, r),
    };
    let starts_at = parse_when(&form.starts).unwrap_or(0);
    let hours = form
        .hours
        .trim()
        .parse::<f64>()
        .unwrap_or(2.0)
        .clamp(0.25, 24.0 * 14.0);
    let new = NewEvent {
        committee_id: committee,
        kind: form.kind.parse().unwrap_or(EventKind::Meeting),
        title: form.title.clone(),
        agenda: form.agenda.clone(),
        location: form.location.clone(),
        starts_at,
        ends_at: starts_at + (hours * 3600.0) as i64,
        capacity,
        visibility: form.visibility.parse().unwrap_or(Visibility::Partnership),
    };
    if starts_at == 0 {
        return refuse(
            &state,
            &ctx,
            indaba_model::msg!("assembly-error-schedule").into(),
        );
    }
    match state
        .store
        .create_event(&user.id, &new, state.clock.now())
        .await
    {
        Ok(e) => see(&format!("/assembly/events/{}", e.id)),
        Err(e) => fail(&state, &ctx, e),
    }
}

/// An attendee as shown to the organisers.
#[derive(Debug, Clone)]
pub struct AttendeeView {
    /// User id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Group label.
    pub group: String,
    /// State label.
    pub state: String,
    /// Attended.
    pub attended: bool,
    /// Has a seat.
    pub registered: bool,
}

page!(
    /// One event.
    EventPage, "assembly/event.html", {
        /// Id.
        id: String,
        /// Title.
        title: String,
        /// Kind label.
        kind: String,
        /// Start and end.
        starts: String,
        /// End.
        ends: String,
        /// Where.
        location: String,
        /// Agenda, HTML.
        agenda_html: String,
        /// Seats, if capped.
        capacity: String,
        /// Registered.
        registered: usize,
        /// Waiting.
        waiting: usize,
        /// The viewer's registration label, if any.
        mine: String,
        /// Whether the viewer holds a seat or a place on the list.
        signed_up: bool,
        /// Attendance per group: (label, count).
        attendance: Vec<(String, usize)>,
        /// Attendees (organisers only).
        attendees: Vec<AttendeeView>,
        /// Minutes, HTML.
        minutes_html: String,
        /// Minutes' Markdown (for the form).
        minutes: String,
        /// When the minutes were published.
        minutes_published: String,
        /// Linked proposals: (href, title).
        proposals: Vec<(String, String)>,
        /// Proposals that may be linked: (id, title).
        linkable: Vec<(String, String)>,
        /// Whether the viewer organises it.
        organiser: bool,
        /// Committee (id, name), if any.
        committee: Option<(String, String)>,
    }
);

/// `GET /assembly/events/{id}`.
pub async fn show_event(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Response {
    let Ok(e) = state.store.event(&id).await else {
        return not_found(&state, &ctx);
    };
    if !visible(&state, &ctx, &e).await {
        return not_found(&state, &ctx);
    }
    let tr = ctx.tr(&state);
    let organiser = may_host(&state, &ctx, e.committee_id.as_deref()).await;
    let attendees = state.store.attendees(&id).await.unwrap_or_default();
    let me = signed_in(&ctx).map(|u| u.id.clone());
    let mine = attendees
        .iter()
        .find(|a| Some(&a.user_id) == me.as_ref())
        .map(|a| a.state);
    let attended: Vec<StakeholderGroup> = attendees
        .iter()
        .filter(|a| a.attended)
        .map(|a| a.group)
        .collect();
    let mut proposals = Vec::new();
    for pid in state.store.event_proposals(&id).await.unwrap_or_default() {
        if let Ok(p) = state.store.proposal(&pid).await
            && let Ok(c) = state.store.committee(&p.committee_id).await
            && super::proposals::may_see(&c, &p, viewer(&state, &ctx, Some(&c.id)).await)
        {
            proposals.push((format!("/assembly/proposals/{}", p.id), p.title));
        }
    }
    let linkable = if organiser {
        state
            .store
            .proposals()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                e.committee_id.is_none()
                    || e.committee_id.as_deref() == Some(p.committee_id.as_str())
            })
            .map(|p| (p.id, p.title))
            .collect()
    } else {
        Vec::new()
    };
    let committee = match &e.committee_id {
        Some(c) => state.store.committee(c).await.ok().map(|c| (c.id, c.name)),
        None => None,
    };
    let page = EventPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        id: e.id.clone(),
        title: e.title.clone(),
        kind: tr.t(&e.kind.label_id()),
        starts: when(e.starts_at),
        ends: when(e.ends_at),
        location: e.location.clone(),
        agenda_html: markdown(&e.agenda),
        capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
        registered: attendees
            .iter()
            .filter(|a| a.state == Registration::Registered)
            .count(),
        waiting: attendees
            .iter()
            .filter(|a| a.state == Registration::Waiting)
            .count(),
        mine: mine
            .map(|m| tr.t(&format!("assembly-registration-{}", m.as_str())))
            .unwrap_or_default(),
        signed_up: matches!(mine, Some(Registration::Registered | Registration::Waiting)),
        attendance: event::attendance(&attended)
            .into_iter()
            .map(|(g, n)| (tr.t(&g.label_id()), n))
            .collect(),
        attendees: if organiser {
            attendees
                .iter()
                .map(|a| AttendeeView {
                    id: a.user_id.clone(),
                    name: a.name.clone(),
                    group: tr.t(&a.group.label_id()),
                    state: tr.t(&format!("assembly-registration-{}", a.state.as_str())),
                    attended: a.attended,
                    registered: a.state == Registration::Registered,
                })
                .collect()
        } else {
            Vec::new()
        },
        minutes_html: markdown(&e.minutes),
        minutes: e.minutes.clone(),
        minutes_published: e.minutes_published_at.map(when).unwrap_or_default(),
        proposals,
        linkable,
        organiser,
        committee,
    };
    show(&state, &ctx, page)
}

/// A form with only a CSRF token.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /assembly/events/{id}/register`.
pub async fn register(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    match state.store.event(&id).await {
        Ok(e) if visible(&state, &ctx, &e).await => {}
        _ => return not_found(&state, &ctx),
    }
    done(
        &state,
        &ctx,
        state.store.register(&user.id, &id, state.clock.now()).await,
        &format!("/assembly/events/{id}"),
    )
}

/// `POST /assembly/events/{id}/cancel`: frees the seat; the first on the
/// waiting list moves up.
pub async fn cancel(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    done(
        &state,
        &ctx,
        state.store.cancel_registration(&user.id, &id).await,
        &format!("/assembly/events/{id}"),
    )
}

/// The minutes form.
#[derive(Debug, Deserialize)]
pub struct MinutesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    minutes: String,
}

async fn organiser_of(state: &AppState, ctx: &PageContext, id: &str) -> Result<Event, Response> {
    let Ok(e) = state.store.event(id).await else {
        return Err(not_found(state, ctx));
    };
    if !may_host(state, ctx, e.committee_id.as_deref()).await {
        return Err(forbidden(state, ctx));
    }
    Ok(e)
}

/// `POST /assembly/events/{id}/minutes` (organisers).
pub async fn minutes(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<MinutesForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(r) = organiser_of(&state, &ctx, &id).await {
        return r;
    }
    done(
        &state,
        &ctx,
        state
            .store
            .publish_minutes(&user.id, &id, &form.minutes, state.clock.now())
            .await,
        &format!("/assembly/events/{id}#minutes"),
    )
}

/// The link form.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    proposal: String,
}

/// `POST /assembly/events/{id}/link` (organisers): links a proposal the
/// event discussed.
pub async fn link(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> Response {
    let user = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(r) = organiser_of(&state, &ctx, &id).await {
        return r;
    }
    done(
        &state,
        &ctx,
        state
            .store
            .link_event_proposal(&user.id, &id, form.proposal.trim())
            .await,
        &format!("/assembly/events/{id}"),
    )
}

/// The attendance form.
#[derive(Debug, Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    attended: Option<String>,
}

/// `POST /assembly/events/{id}/attendance` (organisers).
pub async fn attendance(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Form(form): Form<AttendanceForm>,
) -> Response {
    let actor = match member(&state, &ctx, &form.csrf) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(r) = organiser_of(&state, &ctx, &id).await {
        return r;
    }
    done(
        &state,
        &ctx,
        state
            .store
            .set_attended(&actor.id, &id, &form.user, form.attended.is_some())
            .await,
        &format!("/assembly/events/{id}"),
    )
}

async fn feed(
    state: &AppState,
    ctx: &PageContext,
    name: &str,
    committee: Option<&str>,
) -> Response {
    let host = state
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("indaba")
        .split('/')
        .next()
        .unwrap_or("indaba")
        .to_string();
    let mut items = Vec::new();
    for e in state.store.events().await.unwrap_or_default() {
        if committee.is_some() && e.committee_id.as_deref() != committee {
            continue;
        }
        if !visible(state, ctx, &e).await {
            continue;
        }
        items.push(FeedEvent {
            uid: format!("{}@{host}", e.id),
            url: super::link(state, &format!("/assembly/events/{}", e.id)),
            title: e.title,
            description: e.agenda,
            location: e.location,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            updated_at: e.updated_at,
        });
    }
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        calendar::feed(name, &items),
    )
        .into_response()
}

/// `GET /assembly/events.ics`: the partnership's calendar, as the viewer
/// may see it (a calendar program without a session gets public events).
pub async fn partnership_feed(State(state): State<AppState>, ctx: PageContext) -> Response {
    let name = ctx.tr(&state).t("assembly-partnership");
    feed(&state, &ctx, &name, None).await
}

/// `GET /assembly/committees/{id}/events.ics`.
pub async fn committee_feed(
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
    feed(&state, &ctx, &c.name, Some(&id)).await
}
