//! The `mail.dmarc.record`, `mail.dmarc.policy` and `mail.dmarc.destinations`
//! findings.

use indaba_model::catalogue::ids;
use indaba_model::{DomainName, Evidence, Finding, NameError, Status};

use super::discovery::{Discovery, Found, RecordOrigin, is_dmarc_record};
use super::record::{DmarcRecord, Policy, PolicySource, UriTarget};
use super::{MailUse, TxtAnswer};

fn subject(found: &Found) -> String {
    format!("_dmarc.{} TXT", found.policy_domain)
}

fn discovery_evidence(discovery: &Discovery) -> Vec<Evidence> {
    match discovery {
        Discovery::Found(found) => {
            let mut e = vec![Evidence::new(subject(found), found.text.clone())];
            if found.origin == RecordOrigin::OrganisationalDomain {
                e.push(Evidence::new(
                    "found at",
                    format!(
                        "the organisational domain {} (RFC 7489 §6.6.3: the domain itself has none)",
                        found.policy_domain
                    ),
                ));
            }
            e.extend(
                found
                    .discarded
                    .iter()
                    .map(|d| Evidence::new("ignored (not v=DMARC1)", d.clone())),
            );
            e
        }
        Discovery::Multiple {
            policy_domain,
            records,
        } => records
            .iter()
            .map(|r| Evidence::new(format!("_dmarc.{policy_domain} TXT"), r.clone()))
            .collect(),
        Discovery::NotFound { queried, discarded } => {
            let mut e: Vec<Evidence> = queried
                .iter()
                .map(|q| Evidence::new(format!("{q} TXT"), "no record starting with v=DMARC1"))
                .collect();
            e.extend(
                discarded
                    .iter()
                    .map(|d| Evidence::new("ignored (not v=DMARC1)", d.clone())),
            );
            e
        }
        Discovery::LookupFailed { name, reason } => {
            vec![Evidence::new(format!("{name} TXT"), reason.clone())]
        }
    }
}

/// `mail.dmarc.record`: exactly one valid DMARC record at the domain or its
/// organisational domain.
pub fn record_finding(discovery: &Discovery) -> Finding {
    let id = ids::MAIL_DMARC_RECORD;
    let evidence = discovery_evidence(discovery);
    let finding = match discovery {
        Discovery::LookupFailed { name, .. } => Finding::new(
            id,
            Status::Error,
            format!("The DMARC record could not be looked up at {name}."),
        ),
        Discovery::NotFound { .. } => Finding::new(
            id,
            Status::Fail,
            "No DMARC record: receivers cannot tell forged mail from this domain apart.",
        ),
        Discovery::Multiple { policy_domain, .. } => Finding::new(
            id,
            Status::Fail,
            format!(
                "_dmarc.{policy_domain} has more than one DMARC record, so receivers apply none \
                 (RFC 7489 §6.6.3)."
            ),
        ),
        Discovery::Found(found) => match &found.parsed {
            Err(error) => Finding::new(
                id,
                Status::Fail,
                format!("The DMARC record is not usable: {error}."),
            ),
            Ok(parsed) if !parsed.is_valid() => {
                let consequence = if parsed.record.policy_source == PolicySource::FallbackNone {
                    "receivers treat it as p=none"
                } else {
                    "receivers ignore the broken tags and use their defaults"
                };
                Finding::new(
                    id,
                    Status::Fail,
                    format!("The DMARC record has syntax errors; {consequence}."),
                )
                .with_all(
                    parsed
                        .errors
                        .iter()
                        .map(|e| Evidence::new("error", e.to_string())),
                )
                .with_all(
                    parsed
                        .notes
                        .iter()
                        .map(|n| Evidence::new("note", n.to_string())),
                )
            }
            Ok(parsed) => Finding::new(id, Status::Pass, "The domain has one valid DMARC record.")
                .with_all(
                    parsed
                        .notes
                        .iter()
                        .map(|n| Evidence::new("note", n.to_string())),
                ),
        },
    };
    // The record itself first, then what was said about it.
    let mut finding = finding;
    let said = std::mem::take(&mut finding.evidence);
    finding.with_all(evidence).with_all(said)
}

/// `mail.dmarc.policy`: the policy that applies to `domain` is quarantine or
/// reject (reject for a domain that sends no mail).
///
/// For a record found at the organisational domain, `sp` applies (RFC 7489
/// §6.6.3), else `p`. `p=none` monitors but does not protect, so it fails.
/// `quarantine` with `pct` below 100 lets the rest through untouched: a
/// warning (a fail at `pct=0`). `reject` with `pct` below 100 still
/// quarantines the rest (§6.6.4), so it passes with a note. A weaker `sp` or
/// `np` for the subdomains of a passing domain is noted in the evidence.
pub fn policy_finding(discovery: &Discovery, domain: &DomainName, mail_use: MailUse) -> Finding {
    let id = ids::MAIL_DMARC_POLICY;
    let found = match discovery {
        Discovery::LookupFailed { name, reason } => {
            return Finding::new(
                id,
                Status::Error,
                format!("The DMARC policy could not be looked up at {name}."),
            )
            .with(format!("{name} TXT"), reason.clone());
        }
        Discovery::Found(found) => found,
        _ => {
            return Finding::new(
                id,
                Status::Fail,
                "No usable DMARC record, so no DMARC policy protects the domain.",
            )
            .with_all(discovery_evidence(discovery));
        }
    };
    let record = match &found.parsed {
        Ok(parsed) => &parsed.record,
        Err(error) => {
            return Finding::new(
                id,
                Status::Fail,
                format!("The DMARC record is not usable ({error}), so no policy applies."),
            )
            .with(subject(found), found.text.clone());
        }
    };
    let mut evidence = vec![Evidence::new(subject(found), found.text.clone())];
    let (policy, which) = match found.origin {
        RecordOrigin::Domain => (record.policy, "p"),
        RecordOrigin::OrganisationalDomain => match record.subdomain_policy {
            Some(sp) => (sp, "sp"),
            None => (record.policy, "p"),
        },
    };
    evidence.push(Evidence::new(
        "policy for this domain",
        match (record.policy_source, found.origin) {
            (PolicySource::FallbackNone, _) => {
                "none: the record's p= or sp= is missing or invalid, and receivers fall back to p=none (RFC 7489 §6.6.3)".to_string()
            }
            (_, RecordOrigin::OrganisationalDomain) => format!(
                "{policy} ({which}= of the organisational domain {}'s record)",
                found.policy_domain
            ),
            (_, RecordOrigin::Domain) => format!("{policy} (p=)"),
        },
    ));
    let pct = record.effective_percent().get();
    if pct < 100 {
        evidence.push(Evidence::new(
            "pct",
            format!("the policy applies to {pct}% of failing mail"),
        ));
    }
    if found.origin == RecordOrigin::Domain {
        evidence.extend(subdomain_notes(record));
    }

    let (status, summary) = match policy {
        Policy::None => (
            Status::Fail,
            format!(
                "The DMARC policy for {domain} is none: it asks for reports but does not yet \
                 protect against forged mail."
            ),
        ),
        Policy::Quarantine if pct == 0 => (
            Status::Fail,
            "The DMARC policy is quarantine, but pct=0 applies it to no mail.".to_string(),
        ),
        Policy::Quarantine if pct < 100 => (
            Status::Warning,
            format!(
                "The DMARC policy is quarantine for only {pct}% of failing mail; the rest is \
                 delivered as usual."
            ),
        ),
        Policy::Quarantine if mail_use == MailUse::NonSending => (
            Status::Warning,
            format!(
                "{domain} sends no mail, so its DMARC policy should be reject rather than \
                 quarantine."
            ),
        ),
        Policy::Quarantine => (
            Status::Pass,
            "The DMARC policy is quarantine: forged mail is treated as suspicious.".to_string(),
        ),
        Policy::Reject => {
            if pct < 100 {
                evidence.push(Evidence::new(
                    "note",
                    "failing mail outside pct is quarantined instead of rejected (RFC 7489 §6.6.4)",
                ));
            }
            (
                Status::Pass,
                "The DMARC policy is reject: forged mail is refused.".to_string(),
            )
        }
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// Notes on `sp`/`np` weaker than `p`, for a domain whose own record passed.
fn subdomain_notes(record: &DmarcRecord) -> Vec<Evidence> {
    let mut notes = Vec::new();
    if let Some(sp) = record.subdomain_policy
        && sp < record.policy
    {
        notes.push(Evidence::new(
            "subdomains",
            format!(
                "sp={sp} is weaker than p={}: subdomains are less protected",
                record.policy
            ),
        ));
    }
    if let Some(np) = record.nonexistent_policy
        && np < record.effective_subdomain_policy()
    {
        notes.push(Evidence::new(
            "non-existent subdomains",
            format!("np={np} is weaker than the subdomain policy"),
        ));
    }
    notes
}

/// The TXT answer at `<policy domain>._report._dmarc.<destination>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationAnswer {
    /// The destination's domain (the host of the mailto URI).
    pub destination: DomainName,
    /// What the query returned.
    pub answer: TxtAnswer,
}

/// Whether a report receiver authorised reports for a policy domain (§7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorisation {
    /// At least one TXT record starting with `v=DMARC1`.
    Authorised {
        /// The record.
        record: String,
    },
    /// No such record: receivers must not send reports there.
    NotAuthorised,
    /// The query failed.
    Unknown(String),
}

/// §7.1 steps 5–7: the answer at the authorisation name decides.
pub fn authorisation(answer: &TxtAnswer) -> Authorisation {
    match answer.records() {
        Err(reason) => Authorisation::Unknown(reason.to_string()),
        Ok(records) => match records.iter().find(|r| is_dmarc_record(r)) {
            Some(r) => Authorisation::Authorised { record: r.clone() },
            None => Authorisation::NotAuthorised,
        },
    }
}

/// The name to query for `destination`'s authorisation of reports about
/// `policy_domain`: `<policy domain>._report._dmarc.<destination>` (§7.1).
/// Can fail when the two names together exceed 253 characters.
pub fn authorisation_name(
    policy_domain: &DomainName,
    destination: &DomainName,
) -> Result<DomainName, NameError> {
    destination.child(&format!("{policy_domain}._report._dmarc"))
}

/// The report destinations of `found` that need authorisation: the domains
/// of `mailto:` URIs in `rua` and `ruf` whose organisational domain differs
/// from the policy domain's (§7.1). Sorted, without duplicates.
pub fn external_destinations(found: &Found) -> Vec<DomainName> {
    let Ok(parsed) = &found.parsed else {
        return Vec::new();
    };
    let own = crate::psl::organisational_domain(&found.policy_domain)
        .unwrap_or_else(|| found.policy_domain.clone());
    let mut out: Vec<DomainName> = parsed
        .record
        .aggregate
        .iter()
        .chain(&parsed.record.failure)
        .filter_map(|uri| match &uri.target {
            UriTarget::Mailto { domain, .. } => Some(domain),
            UriTarget::Other { .. } => None,
        })
        .filter(|d| crate::psl::organisational_domain(d).as_ref() != Some(&own))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `mail.dmarc.destinations`: every external `rua`/`ruf` destination
/// publishes the authorisation record of RFC 7489 §7.1.
///
/// `answers` holds the TXT answer for each domain of
/// [`external_destinations`]; a destination without an answer is an error
/// (it was not queried).
pub fn destinations_finding(discovery: &Discovery, answers: &[DestinationAnswer]) -> Finding {
    let id = ids::MAIL_DMARC_DESTINATIONS;
    let Discovery::Found(found) = discovery else {
        return Finding::new(
            id,
            Status::NotApplicable,
            "There is no DMARC record, so no report destinations to check.",
        );
    };
    let Ok(parsed) = &found.parsed else {
        return Finding::new(
            id,
            Status::NotApplicable,
            "The DMARC record is not usable, so its report destinations do not matter.",
        );
    };
    let record = &parsed.record;
    if record.aggregate.is_empty() && record.failure.is_empty() {
        return Finding::new(
            id,
            Status::NotApplicable,
            "The DMARC record names no report destinations (rua/ruf).",
        )
        .with(subject(found), found.text.clone());
    }
    let external = external_destinations(found);
    let mut evidence = vec![Evidence::new(subject(found), found.text.clone())];
    let (mut refused, mut unknown) = (0, 0);
    for destination in &external {
        let name = authorisation_name(&found.policy_domain, destination)
            .map(|n| n.as_str().to_string())
            .unwrap_or_else(|_| format!("{}._report._dmarc.{destination}", found.policy_domain));
        let answer = answers.iter().find(|a| &a.destination == destination);
        let verdict = match answer {
            None => Authorisation::Unknown("not queried".into()),
            Some(a) => authorisation(&a.answer),
        };
        let detail = match verdict {
            Authorisation::Authorised { record } => format!("authorised: {record}"),
            Authorisation::NotAuthorised => {
                refused += 1;
                "not authorised: no v=DMARC1 record, so receivers send no reports there".to_string()
            }
            Authorisation::Unknown(reason) => {
                unknown += 1;
                format!("could not be checked: {reason}")
            }
        };
        evidence.push(Evidence::new(format!("{name} TXT"), detail));
    }
    let (status, summary) = if refused > 0 {
        (
            Status::Warning,
            format!(
                "{refused} external report destination(s) have not authorised reports for {}; \
                 receivers will not send reports there.",
                found.policy_domain
            ),
        )
    } else if unknown > 0 {
        (
            Status::Error,
            "Not every external report destination could be checked.".to_string(),
        )
    } else if external.is_empty() {
        (
            Status::Pass,
            "Every report destination is within the domain's own organisation.".to_string(),
        )
    } else {
        (
            Status::Pass,
            "Every external report destination has authorised reports.".to_string(),
        )
    };
    Finding::new(id, status, summary).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmarc::discover;

    fn name(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    fn txt(records: &[&str]) -> TxtAnswer {
        TxtAnswer::Answered(records.iter().map(|s| s.to_string()).collect())
    }

    fn at(domain: &str, record: &str) -> Discovery {
        discover(&name(domain), &txt(&[record]), None)
    }

    #[test]
    fn record_statuses() {
        assert_eq!(
            record_finding(&at("example.com", "v=DMARC1; p=reject")).status,
            Status::Pass
        );
        assert_eq!(
            record_finding(&at("example.com", "v=DMARC1; p=reject; pct=200")).status,
            Status::Fail
        );
        assert_eq!(
            record_finding(&at("example.com", "v=DMARC1; p=bogus")).status,
            Status::Fail
        );
        let none = discover(&name("example.com"), &TxtAnswer::NxDomain, None);
        assert_eq!(record_finding(&none).status, Status::Fail);
        let failed = discover(
            &name("example.com"),
            &TxtAnswer::Failed("SERVFAIL".into()),
            None,
        );
        assert_eq!(record_finding(&failed).status, Status::Error);
        let two = discover(
            &name("example.com"),
            &txt(&["v=DMARC1; p=reject", "v=DMARC1; p=reject"]),
            None,
        );
        assert_eq!(record_finding(&two).status, Status::Fail);
    }

    #[test]
    fn policy_statuses() {
        let d = name("example.com");
        let s = MailUse::Sending;
        let status =
            |rec: &str, use_: MailUse| policy_finding(&at("example.com", rec), &d, use_).status;
        assert_eq!(status("v=DMARC1; p=none", s), Status::Fail);
        assert_eq!(status("v=DMARC1; p=quarantine", s), Status::Pass);
        assert_eq!(status("v=DMARC1; p=quarantine; pct=50", s), Status::Warning);
        assert_eq!(status("v=DMARC1; p=quarantine; pct=0", s), Status::Fail);
        assert_eq!(status("v=DMARC1; p=reject; pct=10", s), Status::Pass);
        assert_eq!(
            status("v=DMARC1; p=quarantine", MailUse::NonSending),
            Status::Warning
        );
        assert_eq!(
            status("v=DMARC1; p=reject", MailUse::NonSending),
            Status::Pass
        );
        assert_eq!(
            status("v=DMARC1; rua=mailto:a@example.com", s),
            Status::Fail
        );
        let f = policy_finding(&at("example.com", "v=DMARC1; p=reject; sp=none"), &d, s);
        assert_eq!(f.status, Status::Pass);
        assert!(f.evidence.iter().any(|e| e.subject == "subdomains"));
    }

    #[test]
    fn subdomain_uses_sp_of_the_organisational_record() {
        let sub = name("mail.example.com");
        let d = discover(
            &sub,
            &TxtAnswer::NxDomain,
            Some(&txt(&["v=DMARC1; p=reject; sp=none"])),
        );
        assert_eq!(
            policy_finding(&d, &sub, MailUse::Sending).status,
            Status::Fail
        );
        let d = discover(
            &sub,
            &TxtAnswer::NxDomain,
            Some(&txt(&["v=DMARC1; p=reject"])),
        );
        assert_eq!(
            policy_finding(&d, &sub, MailUse::Sending).status,
            Status::Pass
        );
    }

    #[test]
    fn destinations() {
        let d = at(
            "example.com",
            "v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:b@reports.example.net; \
             ruf=mailto:c@mail.example.com,mailto:d@other.example.org",
        );
        let Discovery::Found(found) = &d else {
            panic!()
        };
        let ext = external_destinations(found);
        assert_eq!(
            ext.iter().map(DomainName::as_str).collect::<Vec<_>>(),
            ["other.example.org", "reports.example.net"]
        );
        assert_eq!(
            authorisation_name(&found.policy_domain, &ext[0])
                .unwrap()
                .as_str(),
            "example.com._report._dmarc.other.example.org"
        );
        let ok = |dest: &DomainName| DestinationAnswer {
            destination: dest.clone(),
            answer: txt(&["v=DMARC1"]),
        };
        let all = [ok(&ext[0]), ok(&ext[1])];
        assert_eq!(destinations_finding(&d, &all).status, Status::Pass);
        let partial = [
            ok(&ext[0]),
            DestinationAnswer {
                destination: ext[1].clone(),
                answer: TxtAnswer::NxDomain,
            },
        ];
        assert_eq!(destinations_finding(&d, &partial).status, Status::Warning);
        assert_eq!(destinations_finding(&d, &all[..1]).status, Status::Error);
        let internal = at("example.com", "v=DMARC1; p=none; rua=mailto:a@example.com");
        assert_eq!(destinations_finding(&internal, &[]).status, Status::Pass);
        let none = at("example.com", "v=DMARC1; p=none");
        assert_eq!(
            destinations_finding(&none, &[]).status,
            Status::NotApplicable
        );
    }
}
