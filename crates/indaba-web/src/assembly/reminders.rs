//! Deadlines and reminders: a sweep that mails reviewers before an
//! application's review is due (and when it is overdue), voters who have
//! not answered before a poll closes, and registered people before an
//! event; and that closes polls whose date has passed. Each reminder stage
//! goes to each person once (the store records it). The sweep runs every
//! minute, and at once when a test moves the clock.

use std::time::Duration;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use indaba_assembly::application;
use indaba_assembly::event::START_REMINDERS;
use indaba_assembly::poll::CLOSING_REMINDERS;
use indaba_assembly::reminder::reached_stage;
use serde::Deserialize;

use super::members::reviewers;
use super::{csrf, forbidden, is_admin, link, send_mail, when};
use crate::app::{AppState, PageContext};
use crate::i18n::{DEFAULT_LANGUAGE, Tr};

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Swept {
    /// Reminders mailed.
    pub reminders: usize,
    /// Polls closed.
    pub closed: usize,
}

/// Indexes the guides for search and starts the minutely sweep.
pub fn start(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        super::knowledge::index_guides(&state).await;
        loop {
            sweep(&state).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}

fn mail_text(state: &AppState, key: &str, args: &[(&str, String)]) -> String {
    state.translations.get(DEFAULT_LANGUAGE, key, args)
}

/// One pass over every deadline at the clock's now.
pub async fn sweep(state: &AppState) -> Swept {
    let now = state.clock.now();
    let mut done = Swept::default();
    let tr = Tr::new(&state.translations, DEFAULT_LANGUAGE);

    let pending: Vec<_> = state
        .store
        .applications()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.state == application::ApplicationState::Pending)
        .collect();
    if !pending.is_empty() {
        let people = reviewers(state).await;
        for a in &pending {
            let Some(stage) = application::reminder_stage(a.state, a.due_at, now) else {
                continue;
            };
            let overdue = application::overdue(a.state, a.due_at, now);
            for r in &people {
                if !claimed(state, "application", &a.id, &r.id, stage, now).await {
                    continue;
                }
                let key = if overdue {
                    "assembly-mail-review-overdue"
                } else {
                    "assembly-mail-review-reminder"
                };
                let body = mail_text(
                    state,
                    key,
                    &[
                        ("organisation", a.organisation_name.clone()),
                        ("due", when(a.due_at)),
                        (
                            "link",
                            link(state, &format!("/assembly/applications/{}", a.id)),
                        ),
                    ],
                );
                let subject = tr.t1(
                    "assembly-mail-review-subject",
                    "organisation",
                    &a.organisation_name,
                );
                if send_mail(state, &r.email, &subject, body).await {
                    done.reminders += 1;
                }
            }
        }
    }

    for poll in state.store.open_polls().await.unwrap_or_default() {
        if now >= poll.rules.closes_at {
            if state.store.close_poll(None, &poll, now).await.is_ok() {
                done.closed += 1;
            }
            continue;
        }
        let Some(stage) = reached_stage(poll.rules.closes_at, now, &CLOSING_REMINDERS) else {
            continue;
        };
        let title = state
            .store
            .proposal(&poll.proposal_id)
            .await
            .map(|p| p.title)
            .unwrap_or_default();
        for (user, email, voter) in state.store.poll_voters(&poll.id).await.unwrap_or_default() {
            if voter.voted || email.is_empty() {
                continue;
            }
            if !claimed(state, "poll", &poll.id, &user, stage, now).await {
                continue;
            }
            let body = mail_text(
                state,
                "assembly-mail-poll-reminder",
                &[
                    ("title", title.clone()),
                    ("closes", when(poll.rules.closes_at)),
                    (
                        "link",
                        link(state, &format!("/assembly/proposals/{}", poll.proposal_id)),
                    ),
                ],
            );
            if send_mail(
                state,
                &email,
                &tr.t1("assembly-mail-poll-subject", "title", &title),
                body,
            )
            .await
            {
                done.reminders += 1;
            }
        }
    }

    for e in state.store.events().await.unwrap_or_default() {
        if now >= e.starts_at {
            continue;
        }
        let Some(stage) = reached_stage(e.starts_at, now, &START_REMINDERS) else {
            continue;
        };
        for a in state.store.attendees(&e.id).await.unwrap_or_default() {
            if a.state != indaba_assembly::event::Registration::Registered {
                continue;
            }
            if !claimed(state, "event", &e.id, &a.user_id, stage, now).await {
                continue;
            }
            let body = mail_text(
                state,
                "assembly-mail-event-reminder",
                &[
                    ("title", e.title.clone()),
                    ("starts", when(e.starts_at)),
                    ("location", e.location.clone()),
                    ("link", link(state, &format!("/assembly/events/{}", e.id))),
                ],
            );
            if send_mail(
                state,
                &a.email,
                &tr.t1("assembly-mail-event-subject", "title", &e.title),
                body,
            )
            .await
            {
                done.reminders += 1;
            }
        }
    }
    done
}

async fn claimed(
    state: &AppState,
    kind: &str,
    subject: &str,
    to: &str,
    stage: usize,
    now: i64,
) -> bool {
    match state
        .store
        .claim_reminder(kind, subject, to, stage, now)
        .await
    {
        Ok(fresh) => fresh,
        Err(e) => {
            tracing::warn!(error = %e, "cannot record a reminder");
            false
        }
    }
}

/// The clock form.
#[derive(Debug, Deserialize)]
pub struct ClockForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    at: String,
}

/// `POST /assembly/clock` (admins, only with `--test-clock`): sets the
/// clock to `at` (Unix seconds) and sweeps at once; answers what the sweep
/// did, as JSON.
pub async fn set_clock(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(form): Form<ClockForm>,
) -> Response {
    if let Err(r) = csrf(&state, &ctx, &form.csrf) {
        return r;
    }
    if !is_admin(&ctx) {
        return forbidden(&state, &ctx);
    }
    if !state.clock.settable() {
        return (StatusCode::NOT_FOUND, "no test clock\n").into_response();
    }
    let Ok(at) = form.at.trim().parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "at: Unix seconds\n").into_response();
    };
    state.clock.set(at);
    let swept = sweep(&state).await;
    axum::Json(swept).into_response()
}
