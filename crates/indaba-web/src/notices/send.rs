//! Sending owner notices: the changes the scans queued become one digest
//! per contact per day, in the contact's language — the first of the
//! languages its source names (the owner organisation's setting, the
//! security.txt's `Preferred-Languages`; RDAP names none) that the
//! catalogue translates, else English — with each
//! finding, its evidence, its guide, the report, and the signed links to
//! opt out and to subscribe to improvements. `indaba notices send` and
//! `serve`'s background loop both call [`send_due`].
//!
//! Who the contact is: the owner organisation's address, else the
//! domain's security.txt `Contact:` mailto, else an RDAP abuse contact —
//! the last two from the contacts lookup ([`indaba_engine::contacts`]), as
//! `indaba contacts` shows them.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use indaba_engine::EngineSettings;
use indaba_engine::contacts::{ContactSource as LookupSource, ContactTarget};
use indaba_i18n::{Catalogue, Tr};
use indaba_model::{DomainName, Report, TestKind};
use indaba_monitor::notices::{
    Candidates, Contact, Direction, day_of, digests, sign_contact, wanted,
};
use indaba_store::notices::{DigestState, NewDigest, PendingChange};
use indaba_store::{Store, StoreError};

use crate::mail::{MailBody, MailError, Mailer, Paragraph};

/// Changes looked at per round, at most.
const ROUND: i64 = 10_000;

/// Evidence lines shown per finding, at most (the report has them all).
const EVIDENCE_LINES: usize = 6;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// Digests the relay took.
    pub sent: usize,
    /// Digests not sent because the contact opted out or bounced.
    pub opted_out: usize,
    /// Digests the relay did not take (now or for good).
    pub failed: usize,
    /// Changes waiting for another day (the contact had a digest today).
    pub waiting: usize,
    /// Changes of domains without any contact.
    pub no_contact: usize,
}

/// What sending needs.
#[derive(Clone, Copy)]
pub struct Notices<'a> {
    /// The store.
    pub store: &'a Store,
    /// For the contacts lookup.
    pub engine: &'a EngineSettings,
    /// The relay; `None` logs every digest as failed.
    pub mailer: Option<&'a Mailer>,
    /// The site's address, for links.
    pub base_url: &'a str,
    /// The words.
    pub catalogue: &'a Catalogue,
}

/// Sends the digests that are due at `now` (Unix seconds).
pub async fn send_due(n: Notices<'_>, now: i64) -> Result<Round, StoreError> {
    let key = n.store.secret(super::KEY_NAME).await?;
    let pending = n.store.pending_notice_changes(ROUND).await?;
    let mut round = Round::default();
    // One lookup per domain and list (the owner depends on the list).
    let mut contacts: HashMap<(String, String), Option<Contact>> = HashMap::new();
    let mut addressed = Vec::new();
    let mut orphans = Vec::new();
    for change in pending {
        let at = (change.list_id.clone(), change.domain.clone());
        if !contacts.contains_key(&at) {
            let found = contact_for(n, &change.list_id, &change.domain).await?;
            contacts.insert(at.clone(), found);
        }
        match &contacts[&at] {
            Some(c) => addressed.push((c.address.clone(), (c.clone(), change))),
            None => orphans.push(change.id),
        }
    }
    round.no_contact = orphans.len();
    n.store.set_notice_changes(&orphans, "no_contact").await?;
    let day = day_of(now);
    for (address, items) in digests(addressed) {
        // One address may be an owner's for one domain and a security.txt
        // contact for another: the most direct source speaks for it, and
        // says its language.
        let Some(contact) = items
            .iter()
            .map(|(c, _)| c)
            .min_by_key(|c| c.source)
            .cloned()
        else {
            continue;
        };
        let source = contact.source;
        let lang = n
            .catalogue
            .best_of(contact.languages.iter().map(String::as_str));
        let changes: Vec<PendingChange> = items.into_iter().map(|(_, c)| c).collect();
        let tr = Tr::new(n.catalogue, &lang);
        let subscribed = n.store.subscribed_to_improvements(&address).await?;
        let (keep, drop): (Vec<PendingChange>, Vec<PendingChange>) = changes
            .into_iter()
            .partition(|c| wanted(c.direction, subscribed));
        let dropped: Vec<String> = drop.into_iter().map(|c| c.id).collect();
        n.store
            .set_notice_changes(&dropped, "not_subscribed")
            .await?;
        if keep.is_empty() {
            continue;
        }
        let ids: Vec<String> = keep.iter().map(|c| c.id.clone()).collect();
        let subject = subject(&tr, &keep);
        // An opted-out contact's digest is logged, not sent: the delivery
        // log shows every digest that would have gone.
        let stopped = n.store.notice_stopped(&address).await?;
        let claim = if stopped {
            DigestState::OptedOut
        } else {
            DigestState::Sending
        };
        let claimed = n
            .store
            .claim_digest(
                &NewDigest {
                    contact: &address,
                    day,
                    source: source.as_str(),
                    subject: &subject,
                    language: &lang,
                },
                &ids,
                claim,
            )
            .await?;
        let digest = match (claimed, stopped) {
            (Some(_), true) => {
                round.opted_out += 1;
                continue;
            }
            (None, true) => {
                n.store.set_notice_changes(&ids, "opted_out").await?;
                round.opted_out += 1;
                continue;
            }
            (None, false) => {
                round.waiting += keep.len();
                continue;
            }
            (Some(digest), false) => digest,
        };
        let body = digest_body(n, &tr, &key, &address, source, subscribed, &subject, &keep).await;
        let (state, answer) = match n.mailer {
            None => (
                DigestState::Failed,
                "no SMTP relay is configured (--smtp)".to_string(),
            ),
            Some(mailer) => match mailer.send_body(&address, &subject, &body).await {
                Ok(answer) => (DigestState::Sent, answer),
                Err(MailError::Refused(answer)) => {
                    n.store.stop_notices(&address, "bounce", &answer).await?;
                    (DigestState::Bounced, answer)
                }
                Err(e) => (DigestState::Failed, e.to_string()),
            },
        };
        match state {
            DigestState::Sent => round.sent += 1,
            _ => round.failed += 1,
        }
        tracing::info!(digest = %digest, to = %address, state = state.as_str(), "notice digest");
        n.store.finish_digest(&digest, state, &answer).await?;
    }
    Ok(round)
}

/// The contact of `domain` in `list_id`, by preference: the owner
/// organisation, security.txt, RDAP; with the languages its source names.
async fn contact_for(
    n: Notices<'_>,
    list_id: &str,
    domain: &str,
) -> Result<Option<Contact>, StoreError> {
    let owner = n.store.owner_notice_address(list_id, domain).await?;
    if let Some(owner) = &owner
        && let Some(c) = Contact::choose(&Candidates {
            owner: Some(&owner.address),
            owner_language: owner.language.as_deref(),
            ..Candidates::default()
        })
    {
        return Ok(Some(c));
    }
    let Ok(name) = DomainName::parse(domain) else {
        return Ok(None);
    };
    let report =
        match indaba_engine::contacts::contacts(n.engine, &ContactTarget::Domain(name)).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(domain, error = %e, "no contacts lookup for a notice");
                return Ok(None);
            }
        };
    let emails = |source: LookupSource| -> Vec<String> {
        report
            .contacts
            .iter()
            .filter(|c| c.source == source)
            .flat_map(|c| c.emails.iter().cloned())
            .collect()
    };
    let security_txt_languages = report
        .security_txt
        .as_ref()
        .map(|s| s.preferred_languages.as_slice())
        .unwrap_or_default();
    Ok(Contact::choose(&Candidates {
        security_txt: &emails(LookupSource::SecurityTxt),
        security_txt_languages,
        rdap: &emails(LookupSource::Rdap),
        ..Candidates::default()
    }))
}

/// The subject: how many domains changed for the worse (or better).
fn subject(tr: &Tr<'_>, changes: &[PendingChange]) -> String {
    let domains = |d: Direction| {
        let mut names: Vec<&str> = changes
            .iter()
            .filter(|c| c.direction == d)
            .map(|c| c.domain.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    };
    let worse = domains(Direction::Regression);
    // A number argument, so that the plural forms select.
    let (id, count) = if worse > 0 {
        ("notices-subject-regressions", worse)
    } else {
        (
            "notices-subject-improvements",
            domains(Direction::Improvement),
        )
    };
    tr.m(&indaba_model::Message::new(id).arg("count", count as u64))
}

/// The digest's paragraphs: per domain and kind, what changed with the
/// evidence and guide, then the report; the links to opt out and
/// subscribe last.
#[allow(clippy::too_many_arguments)]
async fn digest_body(
    n: Notices<'_>,
    tr: &Tr<'_>,
    key: &[u8],
    address: &str,
    source: indaba_monitor::notices::ContactSource,
    subscribed: bool,
    subject: &str,
    changes: &[PendingChange],
) -> MailBody {
    let base = n.base_url.trim_end_matches('/');
    let mut paragraphs = vec![Paragraph::Text(tr.t(&format!(
        "notices-why-{}",
        source.as_str().replace('_', "-")
    )))];
    let mut by_domain: BTreeMap<(&str, &str, &str), Vec<&PendingChange>> = BTreeMap::new();
    for c in changes {
        by_domain
            .entry((c.list_name.as_str(), c.domain.as_str(), kind_key(c.kind)))
            .or_default()
            .push(c);
    }
    let mut reports: HashMap<String, Option<Report>> = HashMap::new();
    for ((list, domain, kind), items) in by_domain {
        paragraphs.push(Paragraph::Heading(tr.t1(
            "notices-domain",
            "domain",
            format!("{domain} ({}, {list})", tr.t(kind)),
        )));
        let mut lines = Vec::new();
        let mut report_id = None;
        for c in items {
            if let Some(id) = &c.report_id {
                report_id = Some(id.clone());
                if !reports.contains_key(id) {
                    reports.insert(id.clone(), n.store.report(id).await.ok());
                }
            }
            let report = c.report_id.as_ref().and_then(|id| reports[id].as_ref());
            lines.extend(change_lines(tr, base, c, report));
        }
        paragraphs.push(Paragraph::List(lines));
        if let Some(id) = report_id {
            paragraphs.push(Paragraph::Text(tr.t("notices-report")));
            paragraphs.push(Paragraph::Link(format!("{base}/report/{id}")));
        }
    }
    let token = sign_contact(key, address);
    paragraphs.push(Paragraph::Text(tr.t("notices-opt-out-lead")));
    paragraphs.push(Paragraph::Link(format!("{base}/notices/opt-out/{token}")));
    if !subscribed {
        paragraphs.push(Paragraph::Text(tr.t("notices-improvements-lead")));
        paragraphs.push(Paragraph::Link(format!(
            "{base}/notices/improvements/{token}"
        )));
    }
    MailBody::compose(tr.lang, subject, &paragraphs)
}

fn kind_key(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "kind-web",
        TestKind::Mail => "kind-mail",
    }
}

/// One change as list items: what changed and what was found, the
/// evidence, the guide.
fn change_lines(
    tr: &Tr<'_>,
    base: &str,
    c: &PendingChange,
    report: Option<&Report>,
) -> Vec<String> {
    let Some(check) = &c.check else {
        let key = match c.direction {
            Direction::Regression => "notices-unreachable",
            Direction::Improvement => "notices-reachable",
        };
        let mut line = tr.t(key);
        if let Some(r) = report {
            line = format!("{line} {}", tr.m(&r.verdict.message));
        }
        return vec![line];
    };
    let title = indaba_model::catalogue::check(check)
        .map(|spec| tr.t(&spec.title_id()))
        .unwrap_or_else(|| check.clone());
    let key = match c.direction {
        Direction::Regression => "notices-regression",
        Direction::Improvement => "notices-improvement",
    };
    let mut lines = vec![tr.t1(key, "check", title)];
    if let Some(finding) = report.and_then(|r| r.finding(check)) {
        lines.push(tr.t1("notices-found", "summary", tr.m(&finding.message)));
        for e in finding.evidence.iter().take(EVIDENCE_LINES) {
            let (subject, detail) = crate::results::report::evidence_pair(tr, e);
            lines.push(tr.t1("notices-evidence", "line", format!("{subject}: {detail}")));
        }
        if !finding.guide.is_empty() {
            lines.push(tr.t1(
                "notices-guide",
                "link",
                format!("{base}/guides/{}", finding.guide),
            ));
        }
    }
    lines
}

/// Sends due digests every `every` until the process ends (`serve`'s
/// background loop); a round that fails is logged and tried again.
pub fn spawn(state: &crate::AppState, every: Duration) {
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            let n = Notices {
                store: &state.store,
                engine: &state.engine,
                mailer: state.mailer.as_deref(),
                base_url: &state.config.base_url,
                catalogue: &state.translations,
            };
            match send_due(n, indaba_store::now()).await {
                Ok(round) if round != Round::default() => {
                    tracing::info!(?round, "notice digests")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot send notice digests"),
            }
            tokio::time::sleep(every).await;
        }
    });
}
