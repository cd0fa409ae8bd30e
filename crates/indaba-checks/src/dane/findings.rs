//! The `web.dane.*` and `mail.dane.*` findings.

use std::collections::BTreeMap;

use indaba_model::catalogue::ids;
use indaba_model::tls::TlsTransport;
use indaba_model::{Evidence, Finding, Message, Status, Text, ToMessage, msg};

use super::tlsa::{Protocol, Tlsa, Usage, usable};
use super::{DaneAssessment, DaneOutcome, TlsaLookup};

/// The check ids and rules one test uses for its DANE findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaneChecks {
    /// TLSA records exist and are DNSSEC-signed.
    pub exists: &'static str,
    /// The records authenticate the server.
    pub valid: &'static str,
    /// A rollover scheme is published; `None` when the test has no such
    /// check (web, as in internet.nl).
    pub rollover: Option<&'static str>,
    /// Which usages count.
    pub protocol: Protocol,
    /// The status when a host publishes no TLSA records: information for
    /// the web (DANE is optional there), failure for mail.
    pub absent: Status,
    /// The status of the validity check when a host has no DNSSEC-signed
    /// records to validate: information for the web (optional there), not
    /// tested for mail, where the check is required and earns nothing
    /// without records (internet.nl leaves it untested).
    pub no_records: Status,
}

impl DaneChecks {
    /// The web test: RFC 6698/7671 with all four usages.
    pub const WEB: DaneChecks = DaneChecks {
        exists: ids::WEB_DANE_EXISTS,
        valid: ids::WEB_DANE_VALID,
        rollover: None,
        protocol: Protocol::Tls,
        absent: Status::Info,
        no_records: Status::Info,
    };
    /// The mail test: RFC 7672, PKIX usages ignored.
    pub const MAIL: DaneChecks = DaneChecks {
        exists: ids::MAIL_DANE_EXISTS,
        valid: ids::MAIL_DANE_VALID,
        rollover: Some(ids::MAIL_DANE_ROLLOVER),
        protocol: Protocol::Smtp,
        absent: Status::Fail,
        no_records: Status::NotTested,
    };
}

/// Every DANE finding of `checks`: exists, valid, and rollover when the
/// test has it. `assessed` must come from `dane::assess` with
/// `checks.protocol`.
pub fn findings(checks: &DaneChecks, assessed: &[DaneAssessment]) -> Vec<Finding> {
    let mut out = vec![
        exists(checks.exists, checks.absent, assessed),
        valid(checks.valid, checks.no_records, assessed),
    ];
    if let Some(id) = checks.rollover {
        out.push(rollover(id, assessed));
    }
    out
}

/// Sums up per-host (or per-address) statuses; a `not_tested` finding says
/// what is missing.
fn finish(
    id: &str,
    statuses: &[Status],
    evidence: Vec<Evidence>,
    summary: impl Fn(Status) -> Message,
    missing: Message,
) -> Finding {
    let Some(status) = Status::worst(statuses.iter().copied()) else {
        return Finding::new(id, Status::NotTested, msg!("dane-no-servers"));
    };
    let summary = if status == Status::NotTested {
        missing
    } else {
        summary(status)
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// What a `not_tested` DANE finding says: the servers have no TLS, or no
/// DNSSEC-signed TLSA records to judge.
fn missing_summary(assessed: &[DaneAssessment], no_records: Message) -> Message {
    let without_tls = assessed.iter().filter(|a| a.missing().is_some()).count();
    let transport = match assessed.first().map(|a| a.protocol) {
        Some(Protocol::Smtp) => TlsTransport::SmtpStarttls,
        _ => TlsTransport::Direct,
    };
    if without_tls > 0 {
        crate::tls::not_tested_summary(transport, without_tls, assessed.len())
    } else {
        no_records
    }
}

fn record_list(records: &[Tlsa]) -> String {
    records
        .iter()
        .map(Tlsa::short)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The assessments grouped by TLSA name, first address of each.
fn by_tlsa_name(assessed: &[DaneAssessment]) -> BTreeMap<&str, &DaneAssessment> {
    let mut names = BTreeMap::new();
    for a in assessed {
        names.entry(a.tlsa_name.as_str()).or_insert(a);
    }
    names
}

/// A status and what was seen ("Not tested: no STARTTLS: …"), under a
/// host or an address.
fn verdict_evidence(subject: impl Into<Text>, status: Status, detail: Message) -> Evidence {
    Evidence::new(
        subject,
        msg!(
            "dane-verdict",
            status = crate::tls::status_word(status),
            detail = detail
        ),
    )
}

fn tlsa_subject(name: &str) -> Message {
    msg!("dane-tlsa-subject", name = name)
}

/// Every host publishes TLSA records that DNSSEC proves. `absent` is the
/// status for a host without any. A host whose server has no TLS is not
/// tested.
pub fn exists(id: &str, absent: Status, assessed: &[DaneAssessment]) -> Finding {
    let mut statuses = Vec::new();
    let mut evidence = Vec::new();
    for (name, a) in by_tlsa_name(assessed) {
        let (status, detail) = match (&a.tlsa, a.missing()) {
            (_, Some(why)) => (Status::NotTested, why),
            (TlsaLookup::Secure(records), None) if !records.is_empty() => (
                Status::Pass,
                msg!(
                    "dane-records-signed",
                    count = records.len(),
                    records = record_list(records)
                ),
            ),
            (TlsaLookup::Secure(_) | TlsaLookup::NoRecords, None) => {
                (absent, msg!("dane-no-records"))
            }
            (TlsaLookup::Insecure(records), None) => (
                Status::Fail,
                msg!("dane-records-insecure", records = record_list(records)),
            ),
            (TlsaLookup::Bogus(why), None) => (
                Status::Fail,
                msg!("dane-records-bogus", reason = why.clone()),
            ),
            (TlsaLookup::Failed(why), None) => (
                Status::Error,
                msg!("dane-lookup-failed", reason = why.clone()),
            ),
        };
        statuses.push(status);
        evidence.push(verdict_evidence(tlsa_subject(name), status, detail));
    }
    finish(
        id,
        &statuses,
        evidence,
        |s| match s {
            Status::Pass => msg!("dane-exists-pass"),
            Status::Fail => msg!("dane-exists-fail"),
            Status::Info => msg!("dane-exists-info"),
            _ => msg!("dane-exists-error"),
        },
        missing_summary(assessed, msg!("dane-no-servers")),
    )
}

/// The DNSSEC-proven TLSA records authenticate every server. A server
/// without TLS is not tested: what the check judges is missing. A server
/// without such records gets `no_records` (see [`DaneChecks::no_records`]).
pub fn valid(id: &str, no_records: Status, assessed: &[DaneAssessment]) -> Finding {
    let mut statuses = Vec::new();
    let mut evidence = Vec::new();
    for a in assessed {
        let subject = a.subject();
        let verdict = match (&a.verdict, a.missing()) {
            (_, Some(why)) => {
                statuses.push(Status::NotTested);
                evidence.push(verdict_evidence(subject, Status::NotTested, why));
                continue;
            }
            (None, None) => {
                statuses.push(no_records);
                evidence.push(verdict_evidence(
                    subject,
                    no_records,
                    msg!("dane-nothing-to-validate", name = a.tlsa_name.as_str()),
                ));
                continue;
            }
            (Some(Err(why)), None) => {
                statuses.push(why.status());
                evidence.push(verdict_evidence(subject, why.status(), why.to_message()));
                continue;
            }
            (Some(Ok(v)), None) => v,
        };
        let (status, detail) = match &verdict.outcome {
            DaneOutcome::Authenticated(auth) => {
                let matched = msg!(
                    "dane-record-matches",
                    record = auth.record.short(),
                    at = auth.at.to_message()
                );
                let detail = match &auth.name {
                    Some(name) => msg!(
                        "dane-record-matches-named",
                        matched = matched,
                        name = name.to_message()
                    ),
                    None => matched,
                };
                (Status::Pass, detail)
            }
            DaneOutcome::NoUsableRecords => (Status::Fail, msg!("dane-no-usable-records")),
            DaneOutcome::Failed(failure) => (Status::Fail, failure.to_message()),
        };
        statuses.push(status);
        evidence.push(Evidence::new(subject.clone(), detail));
        if let Some(leaf) = &a.leaf {
            evidence.push(Evidence::new(subject.clone(), leaf.clone()));
        }
        for (record, why) in &verdict.ignored {
            evidence.push(Evidence::new(
                subject.clone(),
                msg!(
                    "dane-record-ignored",
                    record = record.short(),
                    reason = why.to_message()
                ),
            ));
        }
    }
    finish(
        id,
        &statuses,
        evidence,
        |s| match s {
            Status::Pass => msg!("dane-valid-pass"),
            Status::Fail => msg!("dane-valid-fail"),
            Status::Info => msg!("dane-valid-info"),
            _ => msg!("dane-valid-error"),
        },
        missing_summary(assessed, msg!("dane-valid-no-records")),
    )
}

/// A rollover scheme is published (RFC 7671 §8.1, "current + next"): two
/// or more usable DANE-EE(3) records, or DANE-EE(3) with DANE-TA(2), or two
/// or more DANE-TA(2). internet.nl accepts the first two forms; two
/// DANE-TA records (the CA's current and next issuer) survive a server key
/// change just as well, so they pass here too. A missing scheme is
/// information, as the check is optional; a host without DNSSEC-signed
/// records has no scheme to judge (not tested).
pub fn rollover(id: &str, assessed: &[DaneAssessment]) -> Finding {
    let mut statuses = Vec::new();
    let mut evidence = Vec::new();
    for (name, a) in by_tlsa_name(assessed) {
        if let Some(why) = a.missing() {
            statuses.push(Status::NotTested);
            evidence.push(verdict_evidence(tlsa_subject(name), Status::NotTested, why));
            continue;
        }
        let Some(records) = a.tlsa.secure_records() else {
            statuses.push(Status::NotTested);
            evidence.push(Evidence::new(
                tlsa_subject(name),
                msg!("dane-no-signed-records"),
            ));
            continue;
        };
        // Digest agility already folds a SHA2-256/SHA2-512 pair of one
        // object into one record, so such a pair does not count as two.
        let (kept, _) = usable(records, a.protocol);
        let ee = kept.iter().filter(|r| r.usage() == Usage::DaneEe).count();
        let ta = kept.iter().filter(|r| r.usage() == Usage::DaneTa).count();
        let (status, detail) = if ee >= 2 || (ee >= 1 && ta >= 1) || ta >= 2 {
            (Status::Pass, msg!("dane-rollover-ready", ee = ee, ta = ta))
        } else {
            (
                Status::Info,
                msg!("dane-rollover-missing", ee = ee, ta = ta),
            )
        };
        statuses.push(status);
        evidence.push(Evidence::new(tlsa_subject(name), detail));
    }
    finish(
        id,
        &statuses,
        evidence,
        |s| match s {
            Status::Pass => msg!("dane-rollover-pass"),
            Status::Info => msg!("dane-rollover-info"),
            _ => msg!("dane-rollover-error"),
        },
        missing_summary(assessed, msg!("dane-rollover-no-records")),
    )
}
