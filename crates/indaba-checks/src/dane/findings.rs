//! The `web.dane.*` and `mail.dane.*` findings.

use std::collections::BTreeMap;

use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Status};

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
}

impl DaneChecks {
    /// The web test: RFC 6698/7671 with all four usages.
    pub const WEB: DaneChecks = DaneChecks {
        exists: ids::WEB_DANE_EXISTS,
        valid: ids::WEB_DANE_VALID,
        rollover: None,
        protocol: Protocol::Tls,
        absent: Status::Info,
    };
    /// The mail test: RFC 7672, PKIX usages ignored.
    pub const MAIL: DaneChecks = DaneChecks {
        exists: ids::MAIL_DANE_EXISTS,
        valid: ids::MAIL_DANE_VALID,
        rollover: Some(ids::MAIL_DANE_ROLLOVER),
        protocol: Protocol::Smtp,
        absent: Status::Fail,
    };
}

/// Every DANE finding of `checks`: exists, valid, and rollover when the
/// test has it. `assessed` must come from `dane::assess` with
/// `checks.protocol`.
pub fn findings(checks: &DaneChecks, assessed: &[DaneAssessment]) -> Vec<Finding> {
    let mut out = vec![
        exists(checks.exists, checks.absent, assessed),
        valid(checks.valid, assessed),
    ];
    if let Some(id) = checks.rollover {
        out.push(rollover(id, assessed));
    }
    out
}

fn worst(statuses: &[Status]) -> Status {
    Status::worst(statuses.iter().copied()).unwrap_or(Status::NotApplicable)
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

/// Every host publishes TLSA records that DNSSEC proves. `absent` is the
/// status for a host without any.
pub fn exists(id: &str, absent: Status, assessed: &[DaneAssessment]) -> Finding {
    let mut statuses = Vec::new();
    let mut evidence = Vec::new();
    for (name, a) in by_tlsa_name(assessed) {
        let (status, detail) = match &a.tlsa {
            TlsaLookup::Secure(records) if !records.is_empty() => (
                Status::Pass,
                format!(
                    "{} record(s), signed with DNSSEC: {}",
                    records.len(),
                    record_list(records)
                ),
            ),
            TlsaLookup::Secure(_) | TlsaLookup::NoRecords => {
                (absent, "no TLSA records".to_string())
            }
            TlsaLookup::Insecure(records) => (
                Status::Fail,
                format!(
                    "TLSA records exist but are not signed with DNSSEC (insecure), so clients must not use them (RFC 6698 §4.1): {}",
                    record_list(records)
                ),
            ),
            TlsaLookup::Bogus(why) => (
                Status::Fail,
                format!("DNSSEC validation of the TLSA records fails (bogus): {why}"),
            ),
            TlsaLookup::Failed(why) => (Status::Error, format!("the TLSA lookup failed: {why}")),
        };
        statuses.push(status);
        evidence.push(Evidence::new(format!("{name} TLSA"), detail));
    }
    let status = worst(&statuses);
    let summary = match status {
        Status::Pass => "DANE TLSA records are published and signed with DNSSEC.",
        Status::Fail => "Not every server has DANE TLSA records signed with DNSSEC.",
        Status::Info => "No DANE TLSA records are published.",
        Status::Error => "The TLSA records could not be looked up everywhere.",
        _ => "No server to look up TLSA records for.",
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// The DNSSEC-proven TLSA records authenticate every server.
pub fn valid(id: &str, assessed: &[DaneAssessment]) -> Finding {
    let mut statuses = Vec::new();
    let mut evidence = Vec::new();
    for a in assessed {
        let subject = a.subject();
        let verdict = match &a.verdict {
            None => {
                statuses.push(Status::NotApplicable);
                evidence.push(Evidence::new(
                    subject,
                    format!(
                        "no DNSSEC-signed TLSA records at {} to validate",
                        a.tlsa_name
                    ),
                ));
                continue;
            }
            Some(Err(why)) => {
                statuses.push(Status::Error);
                evidence.push(Evidence::new(subject, format!("not tested: {why}")));
                continue;
            }
            Some(Ok(v)) => v,
        };
        let (status, detail) = match &verdict.outcome {
            DaneOutcome::Authenticated(auth) => {
                let mut detail = format!("the record {} matches {}", auth.record.short(), auth.at);
                if let Some(name) = &auth.name {
                    detail.push_str(&format!("; {}", name.describe()));
                }
                (Status::Pass, detail)
            }
            DaneOutcome::NoUsableRecords => (
                Status::Fail,
                "none of the TLSA records can be used, so they authenticate nothing".to_string(),
            ),
            DaneOutcome::Failed(failure) => (Status::Fail, failure.to_string()),
        };
        statuses.push(status);
        evidence.push(Evidence::new(subject.clone(), detail));
        if let Some(leaf) = &a.leaf {
            evidence.push(Evidence::new(subject.clone(), leaf.clone()));
        }
        for (record, why) in &verdict.ignored {
            evidence.push(Evidence::new(
                subject.clone(),
                format!("ignored {}: {why}", record.short()),
            ));
        }
    }
    let status = worst(&statuses);
    let summary = match status {
        Status::Pass => "The DANE TLSA records authenticate every server.",
        Status::Fail => "The DANE TLSA records do not authenticate every server.",
        Status::Error => "DANE could not be tested on every server.",
        _ => "There are no DNSSEC-signed TLSA records to validate.",
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// A rollover scheme is published (RFC 7671 §8.1, "current + next"): two
/// or more usable DANE-EE(3) records, or DANE-EE(3) with DANE-TA(2), or two
/// or more DANE-TA(2). internet.nl accepts the first two forms; two
/// DANE-TA records (the CA's current and next issuer) survive a server key
/// change just as well, so they pass here too. A missing scheme is
/// information, as the check is optional.
pub fn rollover(id: &str, assessed: &[DaneAssessment]) -> Finding {
    let mut statuses = Vec::new();
    let mut evidence = Vec::new();
    for (name, a) in by_tlsa_name(assessed) {
        let Some(records) = a.tlsa.secure_records() else {
            statuses.push(Status::NotApplicable);
            evidence.push(Evidence::new(
                format!("{name} TLSA"),
                "no DNSSEC-signed TLSA records",
            ));
            continue;
        };
        // Digest agility already folds a SHA2-256/SHA2-512 pair of one
        // object into one record, so such a pair does not count as two.
        let (kept, _) = usable(records, a.protocol);
        let ee = kept.iter().filter(|r| r.usage() == Usage::DaneEe).count();
        let ta = kept.iter().filter(|r| r.usage() == Usage::DaneTa).count();
        let (status, detail) = if ee >= 2 || (ee >= 1 && ta >= 1) || ta >= 2 {
            (
                Status::Pass,
                format!(
                    "{ee} DANE-EE and {ta} DANE-TA record(s): a key change can be published ahead"
                ),
            )
        } else {
            (
                Status::Info,
                format!(
                    "{ee} DANE-EE and {ta} DANE-TA record(s): publish a record for the next key (or the issuer) before changing keys (RFC 7671 §8.1)"
                ),
            )
        };
        statuses.push(status);
        evidence.push(Evidence::new(format!("{name} TLSA"), detail));
    }
    let status = worst(&statuses);
    let summary = match status {
        Status::Pass => "Every server's TLSA records allow a key rollover.",
        Status::Info => "Not every server's TLSA records allow a key rollover.",
        _ => "There are no DNSSEC-signed TLSA records to judge.",
    };
    Finding::new(id, status, summary).with_all(evidence)
}
