//! Mail out of the desk: the reporter's acknowledgement and the desk's
//! answers, abuse reports in X-ARF, case reports (PDF and JSON) for partner
//! CERTs and police, reminders and digests. Every mail:
//! - goes only where its TLP label allows ([`Tlp::may_mail`]), and carries
//!   the label in its subject and at the top and bottom of its body, as
//!   FIRST's TLP 2.0 asks;
//! - shares a reporter's words with a third party only with their recorded
//!   consent;
//! - has the case tag in its subject and `Reply-To` (the intake address plus
//!   the tag), so answers come back into the right case;
//! - is written to the delivery log, sent or failed.

use indaba_desk::{Audience, Tlp};
use indaba_store::DeskCase;
use indaba_store::desk::{Delivery, NewMessage};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, MultiPart, SinglePart};

use crate::app::AppState;

/// The `X-ARF: YES` header.
#[derive(Debug, Clone)]
struct XArf;

impl Header for XArf {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-ARF")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XArf)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "YES".to_string())
    }
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The label forbids this audience.
    #[error("{0} may not be mailed to {1:?}")]
    Tlp(Tlp, Audience),
    /// The reporter has not agreed to this share.
    #[error("the reporter has not agreed to share the case with {0}")]
    NoConsent(String),
    /// No SMTP relay is configured.
    #[error("no SMTP relay is configured (--smtp)")]
    NoMailer,
    /// The address or message is not valid, or the relay refused it.
    #[error("{0}")]
    Mail(String),
}

/// A body with the label at the top and the bottom.
pub fn labelled(tlp: Tlp, body: &str) -> String {
    format!(
        "{}\n\n{}\n\n{}\n",
        tlp.mail_notice(),
        body.trim_end(),
        tlp.mail_notice()
    )
}

/// What one outgoing mail is.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The case it belongs to (its thread gets a copy).
    pub case: &'a DeskCase,
    /// To.
    pub to: &'a str,
    /// Who that is.
    pub audience: Audience,
    /// Why (`ack`, `reply`, `forward`, `reminder`, `case-report`).
    pub purpose: &'a str,
    /// Subject, without label or tag.
    pub subject: &'a str,
    /// Body, without label.
    pub body: &'a str,
    /// The label of what it carries.
    pub tlp: Tlp,
}

fn subject_of(o: &Outgoing<'_>) -> String {
    o.tlp
        .subject(&format!("[{}] {}", o.case.reference, o.subject))
}

async fn log(state: &AppState, o: &Outgoing<'_>, format: &str, result: &Result<(), OutboxError>) {
    let (status, error) = match result {
        Ok(()) => ("sent", String::new()),
        Err(e) => ("failed", e.to_string()),
    };
    let d = Delivery {
        case_id: Some(o.case.id.clone()),
        purpose: o.purpose.into(),
        recipient: o.to.into(),
        audience: serde_json::to_value(o.audience)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        format: format.into(),
        subject: subject_of(o),
        tlp: o.tlp,
        status: status.into(),
        error,
        created_at: indaba_store::now(),
    };
    if let Err(e) = state.store.desk_log_delivery(&d).await {
        tracing::error!(error = %e, "cannot log a delivery");
    }
}

fn builder(
    state: &AppState,
    o: &Outgoing<'_>,
) -> Result<lettre::message::MessageBuilder, OutboxError> {
    let mailer = state.mailer.as_ref().ok_or(OutboxError::NoMailer)?;
    let bad = |what: &str, e: &dyn std::fmt::Display| OutboxError::Mail(format!("{what}: {e}"));
    Ok(lettre::Message::builder()
        .from(mailer.from_address().parse().map_err(|e| bad("from", &e))?)
        .reply_to(
            state
                .desk
                .tagged_address(&o.case.reference)
                .parse()
                .map_err(|e| bad("reply-to", &e))?,
        )
        .to(o.to.parse().map_err(|e| bad("to", &e))?)
        .subject(subject_of(o)))
}

async fn deliver(state: &AppState, message: lettre::Message) -> Result<(), OutboxError> {
    let mailer = state.mailer.as_ref().ok_or(OutboxError::NoMailer)?;
    mailer
        .send_message(message)
        .await
        .map_err(|e| OutboxError::Mail(e.to_string()))
}

async fn thread_copy(state: &AppState, o: &Outgoing<'_>, case_id: &str) {
    let audience = serde_json::to_value(o.audience)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let m = NewMessage {
        case_id,
        direction: "out",
        audience: &audience,
        sender: "desk",
        recipients: o.to,
        subject: &subject_of(o),
        body: o.body,
        tlp: o.tlp,
    };
    if let Err(e) = state.store.desk_add_message(&m).await {
        tracing::error!(error = %e, "cannot keep a copy of a sent mail");
    }
}

/// Sends a plain-text mail (label checked, logged, copied to the thread).
pub async fn send_text(state: &AppState, o: &Outgoing<'_>) -> Result<(), OutboxError> {
    let result = async {
        if !o.tlp.may_mail(o.audience) {
            return Err(OutboxError::Tlp(o.tlp, o.audience));
        }
        let message = builder(state, o)?
            .header(ContentType::TEXT_PLAIN)
            .body(labelled(o.tlp, o.body))
            .map_err(|e| OutboxError::Mail(e.to_string()))?;
        deliver(state, message).await
    }
    .await;
    log(state, o, "text", &result).await;
    if result.is_ok() {
        thread_copy(state, o, &o.case.id).await;
    }
    result
}

/// Tells the reporter their report arrived, with the reference and the
/// private link (only when they asked to be contacted).
pub async fn acknowledge(state: &AppState, case_id: &str, token: &str) {
    let Ok(case) = state.store.desk_case(case_id).await else {
        return;
    };
    if !case.contact_ok || case.reporter_email.is_empty() || state.mailer.is_none() {
        return;
    }
    let tr = crate::i18n::Tr::new(&state.translations, crate::i18n::DEFAULT_LANGUAGE);
    let link = format!(
        "{}/status/{token}",
        state.config.base_url.trim_end_matches('/')
    );
    let body = tr.t1("desk-mail-ack-body", "link", link);
    let subject = tr.t("desk-mail-ack-subject");
    let o = Outgoing {
        case: &case,
        to: &case.reporter_email,
        audience: Audience::Reporter,
        purpose: "ack",
        subject: &subject,
        body: &body,
        tlp: case.tlp,
    };
    if let Err(e) = send_text(state, &o).await {
        tracing::warn!(error = %e, "cannot acknowledge a report");
    }
}

/// Whether `case` holds a private person's own words (the public form, a
/// mail), so that sharing it needs their consent. Members and their systems
/// report for their organisation, which chose the label.
pub fn has_reporter(case: &DeskCase) -> bool {
    case.kind == indaba_desk::CaseKind::Report && matches!(case.door.as_str(), "public" | "mail")
}

/// The evidence that may go to `party`: the case's own text when it needs no
/// consent or has it, and the text of each linked report that has it.
pub async fn shareable_evidence(
    state: &AppState,
    case: &DeskCase,
    party: &str,
    kind: &str,
) -> Result<String, OutboxError> {
    let consented = |c: &DeskCase| {
        let c = c.clone();
        async move {
            Ok::<bool, OutboxError>(
                !has_reporter(&c)
                    || state
                        .store
                        .desk_has_consent(&c.id, party)
                        .await
                        .unwrap_or(false)
                    || state
                        .store
                        .desk_has_consent(&c.id, kind)
                        .await
                        .unwrap_or(false),
            )
        }
    };
    if !consented(case).await? {
        return Err(OutboxError::NoConsent(party.to_string()));
    }
    let mut evidence = format!("{}\n{}\n", case.title, case.description);
    for child in state
        .store
        .desk_children(&case.id)
        .await
        .unwrap_or_default()
    {
        if child.kind == indaba_desk::CaseKind::Report && consented(&child).await? {
            evidence.push_str(&format!(
                "\n--- {}\n{}\n",
                child.reference, child.description
            ));
        }
    }
    Ok(evidence)
}

/// Forwards `case` to an abuse contact as X-ARF, from investigation
/// `investigation` (whose tag the reply address carries).
pub async fn forward_xarf(
    state: &AppState,
    case: &DeskCase,
    investigation: &DeskCase,
    to: &str,
    source: &str,
    summary: &str,
) -> Result<(), OutboxError> {
    let tlp = case.tlp.and(investigation.tlp);
    let parts = indaba_desk::xarf::parts(&indaba_desk::xarf::AbuseReport {
        reference: &investigation.reference,
        reported_from: &state.desk.intake_address,
        classification: case.classification,
        source,
        date: &super::rfc3339(case.created_at),
        summary,
        tlp,
    });
    let o = Outgoing {
        case: investigation,
        to,
        audience: Audience::AbuseContact,
        purpose: "forward",
        subject: parts
            .subject
            .trim_start_matches(&format!("[{}] ", tlp.label()))
            .trim_start_matches(&format!("[{}] ", investigation.reference)),
        body: &parts.human,
        tlp,
    };
    let result = async {
        if !tlp.may_mail(Audience::AbuseContact) {
            return Err(OutboxError::Tlp(tlp, Audience::AbuseContact));
        }
        let evidence = shareable_evidence(state, case, to, "abuse-contact").await?;
        let message = builder(state, &o)?
            .header(XArf)
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(parts.human.clone()))
                    .singlepart(
                        Attachment::new("report.txt".into())
                            .body(parts.machine.clone(), ContentType::TEXT_PLAIN),
                    )
                    .singlepart(
                        Attachment::new("evidence.txt".into())
                            .body(labelled(tlp, &evidence), ContentType::TEXT_PLAIN),
                    ),
            )
            .map_err(|e| OutboxError::Mail(e.to_string()))?;
        deliver(state, message).await
    }
    .await;
    log(state, &o, "x-arf", &result).await;
    if result.is_ok() {
        thread_copy(state, &o, &investigation.id).await;
    }
    result
}

/// The case report (JSON) of `case` for a partner: what it is, its
/// observables, and the evidence that may be shared.
pub fn case_json(
    case: &DeskCase,
    evidence: &str,
    observables: &[(String, String)],
) -> serde_json::Value {
    serde_json::json!({
        "reference": case.reference,
        "tlp": case.tlp.label(),
        "kind": case.kind.as_str(),
        "state": case.state.as_str(),
        "classification": case.classification.to_string(),
        "priority": case.priority.as_str(),
        "created": super::rfc3339(case.created_at),
        "title": case.title,
        "evidence": evidence,
        "observables": observables.iter().map(|(k, v)| serde_json::json!({"kind": k, "value": v})).collect::<Vec<_>>(),
    })
}

/// Sends a case report (PDF and JSON) to a partner CERT or the police.
pub async fn send_case_report(
    state: &AppState,
    case: &DeskCase,
    investigation: &DeskCase,
    to: &str,
    party_kind: &str,
) -> Result<(), OutboxError> {
    let tlp = case.tlp.and(investigation.tlp);
    let tr = crate::i18n::Tr::new(&state.translations, crate::i18n::DEFAULT_LANGUAGE);
    let body = tr.t1(
        "desk-mail-case-report-body",
        "reference",
        case.reference.clone(),
    );
    let subject = tr.t("desk-mail-case-report-subject");
    let o = Outgoing {
        case: investigation,
        to,
        audience: Audience::Community,
        purpose: "case-report",
        subject: &subject,
        body: &body,
        tlp,
    };
    let result = async {
        if !tlp.may_mail(Audience::Community) {
            return Err(OutboxError::Tlp(tlp, Audience::Community));
        }
        let evidence = shareable_evidence(state, case, to, party_kind).await?;
        let observables: Vec<(String, String)> = state
            .store
            .desk_observables(&case.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, t, _)| t.and(tlp) == tlp)
            .map(|(o, _, _)| (o.kind().to_string(), o.value()))
            .collect();
        let json = case_json(case, &evidence, &observables);
        let text = format!(
            "{}\n{} · {}\n\n{}",
            case.reference,
            case.classification,
            super::rfc3339(case.created_at),
            evidence
        );
        let label = tlp.label();
        let pdf = indaba_desk::letter::pdf(&indaba_desk::letter::Document {
            title: &format!("{} {}", case.reference, case.title),
            label: Some(&label),
            body: &text,
        });
        let message = builder(state, &o)?
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(labelled(tlp, &body)))
                    .singlepart(Attachment::new(format!("{}.pdf", case.reference)).body(
                        pdf,
                        ContentType::parse("application/pdf").unwrap_or(ContentType::TEXT_PLAIN),
                    ))
                    .singlepart(Attachment::new(format!("{}.json", case.reference)).body(
                        json.to_string(),
                        ContentType::parse("application/json").unwrap_or(ContentType::TEXT_PLAIN),
                    )),
            )
            .map_err(|e| OutboxError::Mail(e.to_string()))?;
        deliver(state, message).await
    }
    .await;
    log(state, &o, "case-report", &result).await;
    if result.is_ok() {
        thread_copy(state, &o, &investigation.id).await;
    }
    result
}

/// Sends a constituent's daily digest of feed events (CSV attached).
pub async fn send_digest(
    state: &AppState,
    to: &str,
    day: &str,
    csv: String,
    events: usize,
) -> Result<(), OutboxError> {
    let tlp = Tlp::Amber;
    let tr = crate::i18n::Tr::new(&state.translations, crate::i18n::DEFAULT_LANGUAGE);
    let mailer = state.mailer.as_ref().ok_or(OutboxError::NoMailer)?;
    let subject = tlp.subject(&tr.t1("desk-mail-digest-subject", "day", day.to_string()));
    let body = labelled(
        tlp,
        &tr.m(&indaba_model::Message::new("desk-mail-digest-body").arg("count", events as i64)),
    );
    let result = async {
        let message = lettre::Message::builder()
            .from(
                mailer
                    .from_address()
                    .parse()
                    .map_err(|e| OutboxError::Mail(format!("from: {e}")))?,
            )
            .reply_to(
                state
                    .desk
                    .intake_address
                    .parse()
                    .map_err(|e| OutboxError::Mail(format!("reply-to: {e}")))?,
            )
            .to(to
                .parse()
                .map_err(|e| OutboxError::Mail(format!("to: {e}")))?)
            .subject(subject.clone())
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(body))
                    .singlepart(Attachment::new(format!("events-{day}.csv")).body(
                        csv,
                        ContentType::parse("text/csv").unwrap_or(ContentType::TEXT_PLAIN),
                    )),
            )
            .map_err(|e| OutboxError::Mail(e.to_string()))?;
        deliver(state, message).await
    }
    .await;
    let (status, error) = match &result {
        Ok(()) => ("sent", String::new()),
        Err(e) => ("failed", e.to_string()),
    };
    let _ = state
        .store
        .desk_log_delivery(&Delivery {
            case_id: None,
            purpose: "digest".into(),
            recipient: to.into(),
            audience: "constituent".into(),
            format: "digest".into(),
            subject,
            tlp,
            status: status.into(),
            error,
            created_at: indaba_store::now(),
        })
        .await;
    result
}
