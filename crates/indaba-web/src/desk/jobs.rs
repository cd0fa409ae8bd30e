//! The desk's scheduled work, as of a given time: reminders to victims on
//! their schedule and to forwarded parties that have not answered, one
//! digest per constituent per day of feed events, and retention. The server
//! runs [`run_due`] every minute with the real time; `indaba desk tick
//! --now …` runs it with any time (the test clock).

use indaba_desk::Audience;
use indaba_desk::followup;
use serde::Serialize;

use super::outbox::{Outgoing, send_text};
use crate::app::AppState;

/// What one run did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Reminders sent to victims.
    pub victim_reminders: usize,
    /// Reminders sent to forwarded parties.
    pub forward_reminders: usize,
    /// Digests sent.
    pub digests: usize,
    /// Cases removed by retention.
    pub retained: u64,
    /// What failed, one line each.
    pub problems: Vec<String>,
}

/// Runs everything due at `now` (Unix seconds).
pub async fn run_due(state: &AppState, now: i64) -> Summary {
    let mut s = Summary::default();
    let tr = crate::i18n::Tr::new(&state.translations, crate::i18n::DEFAULT_LANGUAGE);
    let schedule = &state.desk.schedule;
    match state.store.desk_followup_candidates().await {
        Ok(cases) => {
            for case in cases {
                let sent = state
                    .store
                    .desk_followups_sent(&case.id, "victim")
                    .await
                    .unwrap_or_default();
                let Some(day) = followup::due(&schedule.victim_days, case.created_at, &sent, now)
                else {
                    continue;
                };
                let subject = tr.t1("desk-mail-reminder-subject", "day", i64::from(day));
                let body = tr.t1(
                    "desk-mail-reminder-body",
                    "reference",
                    case.reference.clone(),
                );
                let o = Outgoing {
                    case: &case,
                    to: &case.reporter_email,
                    audience: Audience::Reporter,
                    purpose: "reminder",
                    subject: &subject,
                    body: &body,
                    tlp: case.tlp,
                };
                match send_text(state, &o).await {
                    Ok(()) => {
                        let _ = state
                            .store
                            .desk_mark_followup(&case.id, "victim", day, now)
                            .await;
                        s.victim_reminders += 1;
                    }
                    Err(e) => s.problems.push(format!("{}: {e}", case.reference)),
                }
            }
        }
        Err(e) => s.problems.push(e.to_string()),
    }
    match state.store.desk_unanswered_investigations().await {
        Ok(list) => {
            for (inv, since) in list {
                let sent = state
                    .store
                    .desk_followups_sent(&inv.id, "party")
                    .await
                    .unwrap_or_default();
                let Some(day) = followup::due(&schedule.forward_days, since, &sent, now) else {
                    continue;
                };
                let to = state
                    .store
                    .desk_messages(&inv.id)
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .find(|m| m.direction == "out")
                    .map(|m| m.recipients)
                    .unwrap_or_default();
                if to.is_empty() {
                    continue;
                }
                let subject = tr.t1("desk-mail-forward-reminder-subject", "day", i64::from(day));
                let body = tr.t1(
                    "desk-mail-forward-reminder-body",
                    "reference",
                    inv.reference.clone(),
                );
                let audience = if inv.tlp.may_mail(Audience::AbuseContact) {
                    Audience::AbuseContact
                } else {
                    Audience::Constituent
                };
                let o = Outgoing {
                    case: &inv,
                    to: &to,
                    audience,
                    purpose: "reminder",
                    subject: &subject,
                    body: &body,
                    tlp: inv.tlp,
                };
                match send_text(state, &o).await {
                    Ok(()) => {
                        let _ = state
                            .store
                            .desk_mark_followup(&inv.id, "party", day, now)
                            .await;
                        s.forward_reminders += 1;
                    }
                    Err(e) => s.problems.push(format!("{}: {e}", inv.reference)),
                }
            }
        }
        Err(e) => s.problems.push(e.to_string()),
    }
    // Digests of days that are over.
    let yesterday = indaba_store::desk::day_of(now - followup::DAY);
    match state.store.desk_pending_digests(&yesterday).await {
        Ok(pending) => {
            let contacts = state.store.desk_constituency().await.unwrap_or_default();
            for (org, day, n) in pending {
                let Some(to) = contacts
                    .iter()
                    .find(|(_, o, c)| *o == org && !c.is_empty())
                    .map(|(_, _, c)| c.clone())
                else {
                    continue;
                };
                let events = state
                    .store
                    .desk_digest_events(&org, &day)
                    .await
                    .unwrap_or_default();
                let csv = indaba_desk::feed::digest_csv(&events);
                match super::outbox::send_digest(state, &to, &day, csv, events.len()).await {
                    Ok(()) => {
                        if let Ok(true) = state.store.desk_mark_digest(&org, &day, &to, n).await {
                            s.digests += 1;
                        }
                    }
                    Err(e) => s.problems.push(format!("digest {org} {day}: {e}")),
                }
            }
        }
        Err(e) => s.problems.push(e.to_string()),
    }
    match state.store.desk_retention(&state.desk.retention, now).await {
        Ok(n) => s.retained = n,
        Err(e) => s.problems.push(e.to_string()),
    }
    s
}

/// Starts the minute-by-minute run on the current runtime.
pub fn spawn(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            let s = run_due(&state, indaba_store::now()).await;
            for p in &s.problems {
                tracing::warn!(problem = %p, "desk scheduled work");
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    });
}

/// What a feed import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    /// The import's id.
    pub import: String,
    /// Its report type.
    pub report_type: String,
    /// The classification of its events.
    pub classification: String,
    /// Events read.
    pub events: usize,
    /// Events matched to a constituent.
    pub matched: usize,
    /// Rows that could not be read.
    pub errors: u64,
    /// The first of them, with line numbers.
    pub error_rows: Vec<indaba_desk::feed::RowError>,
}

/// Imports a Shadowserver CSV: reads it, matches each event to a
/// constituent, stores the events (digests go out at TLP:AMBER).
pub async fn import_feed(
    state: &AppState,
    actor: Option<&str>,
    name: &str,
    report_type: &str,
    input: impl std::io::Read,
) -> Result<ImportSummary, String> {
    let report_type = report_type.trim().to_ascii_lowercase();
    if report_type.is_empty()
        || report_type.len() > 60
        || !report_type
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err("name the report type (?type=scan_dns) or give the Shadowserver file name (?name=2026-12-05-scan_dns-za.csv)".into());
    }
    let declared = state
        .store
        .desk_constituency()
        .await
        .map_err(|e| e.to_string())?;
    let constituency = indaba_desk::constituency::Constituency::new(
        declared.iter().map(|(r, o, _)| (r.clone(), o.clone())),
    );
    let mut events = Vec::new();
    let mut matched = 0;
    let (error_rows, errors) = indaba_desk::feed::read(input, &report_type, |e| {
        let org = constituency
            .find(Some(e.ip), e.asn, e.hostname.as_deref())
            .map(|m| m.organisation);
        if org.is_some() {
            matched += 1;
        }
        events.push((e, org));
    })
    .map_err(|e| e.to_string())?;
    let import = state
        .store
        .desk_import_feed(actor, name, &report_type, &events, errors)
        .await
        .map_err(|e| e.to_string())?;
    Ok(ImportSummary {
        import,
        classification: indaba_desk::feed::classify(&report_type).to_string(),
        report_type,
        events: events.len(),
        matched,
        errors,
        error_rows,
    })
}
