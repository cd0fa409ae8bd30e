//! The `mail.dmarc.record`, `mail.dmarc.policy` and `mail.dmarc.destinations`
//! findings.

use indaba_model::catalogue::ids;
use indaba_model::{DomainName, Evidence, Finding, Message, NameError, Status, ToMessage, msg};

use super::discovery::{Discovery, Found, RecordOrigin, is_dmarc_record};
use super::record::{DmarcRecord, Policy, PolicySource, UriTarget};
use super::{MailUse, TxtAnswer};
use crate::spf::{LookupFailure, Question, RrType};

fn subject(found: &Found) -> String {
    format!("_dmarc.{} TXT", found.policy_domain)
}

fn ignored(discarded: &[String]) -> impl Iterator<Item = Evidence> + '_ {
    discarded
        .iter()
        .map(|d| Evidence::new(msg!("dmarc-label-ignored"), d.clone()))
}

fn discovery_evidence(discovery: &Discovery) -> Vec<Evidence> {
    match discovery {
        Discovery::Found(found) => {
            let mut e = vec![Evidence::new(subject(found), found.text.clone())];
            if found.origin == RecordOrigin::OrganisationalDomain {
                e.push(Evidence::new(
                    msg!("dmarc-label-found-at"),
                    msg!(
                        "dmarc-found-at-organisational",
                        domain = &found.policy_domain
                    ),
                ));
            }
            e.extend(ignored(&found.discarded));
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
                .map(|q| Evidence::new(format!("{q} TXT"), msg!("dmarc-evidence-no-record")))
                .collect();
            e.extend(ignored(discarded));
            e
        }
        Discovery::LookupFailed { name, failure } => {
            vec![Evidence::new(format!("{name} TXT"), failure.to_message())]
        }
    }
}

fn notes(notes: &[super::DmarcNote]) -> impl Iterator<Item = Evidence> + '_ {
    notes
        .iter()
        .map(|n| Evidence::new(msg!("mail-label-note"), n.to_message()))
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
            msg!("dmarc-record-lookup-failed", name = name.as_str()),
        ),
        Discovery::NotFound { .. } => Finding::new(id, Status::Fail, msg!("dmarc-record-missing")),
        Discovery::Multiple { policy_domain, .. } => Finding::new(
            id,
            Status::Fail,
            msg!("dmarc-record-multiple", domain = policy_domain),
        ),
        Discovery::Found(found) => match &found.parsed {
            Err(error) => Finding::new(
                id,
                Status::Fail,
                msg!("dmarc-record-unusable", error = error.to_message()),
            ),
            Ok(parsed) if !parsed.is_valid() => Finding::new(
                id,
                Status::Fail,
                msg!(
                    "dmarc-record-syntax",
                    fallback = if parsed.record.policy_source == PolicySource::FallbackNone {
                        "none"
                    } else {
                        "defaults"
                    }
                ),
            )
            .with_all(
                parsed
                    .errors
                    .iter()
                    .map(|e| Evidence::new(msg!("mail-label-error"), e.to_message())),
            )
            .with_all(notes(&parsed.notes)),
            Ok(parsed) => Finding::new(id, Status::Pass, msg!("dmarc-record-valid"))
                .with_all(notes(&parsed.notes)),
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
/// `pct` below 100 changes what happens to the rest of the failing mail
/// (§6.6.4), and the summary says so: under `quarantine` the rest is
/// delivered as if there were no policy (a warning; a fail at `pct=0`);
/// under `reject` the rest is quarantined instead (a pass). A weaker `sp`
/// or `np` for the subdomains of a passing domain is noted in the evidence.
/// No DMARC record leaves no policy to test (`not_tested`); several records
/// or a broken one make receivers apply none (a fail).
pub fn policy_finding(discovery: &Discovery, domain: &DomainName, mail_use: MailUse) -> Finding {
    let id = ids::MAIL_DMARC_POLICY;
    let found = match discovery {
        Discovery::LookupFailed { name, .. } => {
            return Finding::new(
                id,
                Status::Error,
                msg!("dmarc-policy-lookup-failed", name = name.as_str()),
            )
            .with_all(discovery_evidence(discovery));
        }
        Discovery::Found(found) => found,
        Discovery::NotFound { .. } => {
            return Finding::new(id, Status::NotTested, msg!("dmarc-policy-no-record"))
                .with_all(discovery_evidence(discovery));
        }
        Discovery::Multiple { .. } => {
            return Finding::new(id, Status::Fail, msg!("dmarc-policy-multiple"))
                .with_all(discovery_evidence(discovery));
        }
    };
    let record = match &found.parsed {
        Ok(parsed) => &parsed.record,
        Err(error) => {
            return Finding::new(
                id,
                Status::Fail,
                msg!("dmarc-policy-unusable", error = error.to_message()),
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
        msg!("dmarc-label-policy"),
        match (record.policy_source, found.origin) {
            (PolicySource::FallbackNone, _) => msg!("dmarc-policy-fallback-none"),
            (_, RecordOrigin::OrganisationalDomain) => msg!(
                "dmarc-policy-from-organisational",
                policy = policy.as_str(),
                tag = which,
                domain = &found.policy_domain
            ),
            (_, RecordOrigin::Domain) => msg!("dmarc-policy-from-p", policy = policy.as_str()),
        },
    ));
    let pct = record.effective_percent().get();
    if pct < 100 {
        evidence.push(Evidence::new(
            "pct",
            msg!("dmarc-pct-applies", pct = pct, rest = 100 - pct),
        ));
    }
    if found.origin == RecordOrigin::Domain {
        evidence.extend(subdomain_notes(record));
    }
    let (status, summary) = policy_verdict(policy, pct, domain, mail_use);
    Finding::new(id, status, summary).with_all(evidence)
}

/// The status and summary of a policy applied to `pct`% of failing mail.
fn policy_verdict(
    policy: Policy,
    pct: u8,
    domain: &DomainName,
    mail_use: MailUse,
) -> (Status, Message) {
    let rest = 100 - pct;
    match policy {
        Policy::None => (Status::Fail, msg!("dmarc-policy-none", domain = domain)),
        Policy::Quarantine if pct == 0 => (Status::Fail, msg!("dmarc-policy-quarantine-pct-zero")),
        Policy::Quarantine if pct < 100 => (
            Status::Warning,
            msg!("dmarc-policy-quarantine-pct", pct = pct, rest = rest),
        ),
        Policy::Quarantine if mail_use == MailUse::NonSending => (
            Status::Warning,
            msg!("dmarc-policy-non-sending-quarantine", domain = domain),
        ),
        Policy::Quarantine => (Status::Pass, msg!("dmarc-policy-quarantine")),
        // What pct leaves out is quarantined, not delivered (§6.6.4): still
        // protected, but a domain that sends no mail should refuse it all.
        Policy::Reject if pct < 100 => (
            if mail_use == MailUse::NonSending {
                Status::Warning
            } else {
                Status::Pass
            },
            msg!("dmarc-policy-reject-pct", pct = pct, rest = rest),
        ),
        Policy::Reject => (Status::Pass, msg!("dmarc-policy-reject")),
    }
}

/// Notes on `sp`/`np` weaker than `p`, for a domain whose own record passed.
fn subdomain_notes(record: &DmarcRecord) -> Vec<Evidence> {
    let mut notes = Vec::new();
    if let Some(sp) = record.subdomain_policy
        && sp < record.policy
    {
        notes.push(Evidence::new(
            msg!("dmarc-label-subdomains"),
            msg!(
                "dmarc-sp-weaker",
                sp = sp.as_str(),
                p = record.policy.as_str()
            ),
        ));
    }
    if let Some(np) = record.nonexistent_policy
        && np < record.effective_subdomain_policy()
    {
        notes.push(Evidence::new(
            msg!("dmarc-label-nonexistent"),
            msg!("dmarc-np-weaker", np = np.as_str()),
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
    Unknown(LookupFailure),
}

/// §7.1 steps 5–7: the answer at the authorisation name decides.
pub fn authorisation(answer: &TxtAnswer) -> Authorisation {
    match answer.records() {
        Err(failure) => Authorisation::Unknown(failure.clone()),
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
/// (it was not queried). Without a usable DMARC record there are no
/// destinations to test (`not_tested`); a record that names none needs no
/// authorisation (`not_applicable`, as internet.nl gives its policy check
/// full credit then).
pub fn destinations_finding(discovery: &Discovery, answers: &[DestinationAnswer]) -> Finding {
    let id = ids::MAIL_DMARC_DESTINATIONS;
    let found = match discovery {
        Discovery::Found(found) => found,
        Discovery::LookupFailed { name, .. } => {
            return Finding::new(
                id,
                Status::Error,
                msg!("dmarc-record-lookup-failed", name = name.as_str()),
            )
            .with_all(discovery_evidence(discovery));
        }
        Discovery::NotFound { .. } | Discovery::Multiple { .. } => {
            return Finding::new(id, Status::NotTested, msg!("dmarc-destinations-no-record"));
        }
    };
    let Ok(parsed) = &found.parsed else {
        return Finding::new(id, Status::NotTested, msg!("dmarc-destinations-unusable"))
            .with(subject(found), found.text.clone());
    };
    let record = &parsed.record;
    if record.aggregate.is_empty() && record.failure.is_empty() {
        return Finding::new(id, Status::NotApplicable, msg!("dmarc-destinations-none"))
            .with(subject(found), found.text.clone());
    }
    let external = external_destinations(found);
    let mut evidence = vec![Evidence::new(subject(found), found.text.clone())];
    let (mut refused, mut unknown) = (0usize, 0usize);
    for destination in &external {
        let name = authorisation_name(&found.policy_domain, destination)
            .map(|n| n.as_str().to_string())
            .unwrap_or_else(|_| format!("{}._report._dmarc.{destination}", found.policy_domain));
        let answer = answers.iter().find(|a| &a.destination == destination);
        let verdict = match answer {
            None => Authorisation::Unknown(LookupFailure::NotLookedUp(Question::new(
                &name,
                RrType::Txt,
            ))),
            Some(a) => authorisation(&a.answer),
        };
        let detail = match verdict {
            Authorisation::Authorised { record } => {
                msg!("dmarc-destination-authorised", record = record)
            }
            Authorisation::NotAuthorised => {
                refused += 1;
                msg!("dmarc-destination-not-authorised")
            }
            Authorisation::Unknown(failure) => {
                unknown += 1;
                msg!("dmarc-destination-unknown", reason = failure.to_message())
            }
        };
        evidence.push(Evidence::new(format!("{name} TXT"), detail));
    }
    let (status, summary) = if refused > 0 {
        (
            Status::Warning,
            msg!(
                "dmarc-destinations-refused",
                count = refused,
                domain = &found.policy_domain
            ),
        )
    } else if unknown > 0 {
        (Status::Error, msg!("dmarc-destinations-unknown"))
    } else if external.is_empty() {
        (Status::Pass, msg!("dmarc-destinations-internal"))
    } else {
        (Status::Pass, msg!("dmarc-destinations-authorised"))
    };
    Finding::new(id, status, summary).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmarc::discover;
    use crate::mailauth::testing::{renders, txt_timeout};
    use indaba_model::Arg;

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
        let failed = discover(&name("example.com"), &txt_timeout(), None);
        assert_eq!(record_finding(&failed).status, Status::Error);
        assert_eq!(
            policy_finding(&failed, &name("example.com"), MailUse::Sending).status,
            Status::Error
        );
        assert_eq!(destinations_finding(&failed, &[]).status, Status::Error);
        for f in [
            record_finding(&failed),
            record_finding(&none),
            record_finding(&at("example.com", "v=DMARC1; p=bogus")),
        ] {
            renders(&f);
        }
        let broken = record_finding(&at("example.com", "v=DMARC1; p=reject; pct=200; x=y"));
        assert_eq!(broken.message.id, "dmarc-record-syntax");
        assert_eq!(
            crate::english(&broken),
            "The DMARC record has syntax errors; receivers ignore the broken tags and use their defaults."
        );
        renders(&broken);
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
        assert!(f.evidence.iter().any(|e| {
            e.subject_message
                .as_ref()
                .is_some_and(|m| m.id == "dmarc-label-subdomains")
        }));
        renders(&f);
    }

    /// No record: the policy is not there to test (it earns nothing, and
    /// says why); several records or a broken one fail.
    #[test]
    fn missing_policy_is_not_tested() {
        let d = name("example.com");
        let none = discover(&d, &TxtAnswer::NxDomain, None);
        let f = policy_finding(&none, &d, MailUse::Sending);
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(f.message.id, "dmarc-policy-no-record");
        assert!(crate::english(&f).starts_with("Not tested:"));
        let two = discover(&d, &txt(&["v=DMARC1; p=reject", "v=DMARC1; p=none"]), None);
        assert_eq!(
            policy_finding(&two, &d, MailUse::Sending).status,
            Status::Fail
        );
        let broken = at("example.com", "v=DMARC1; p=bogus");
        assert_eq!(
            policy_finding(&broken, &d, MailUse::Sending).status,
            Status::Fail
        );
        for f in [
            policy_finding(&two, &d, MailUse::Sending),
            policy_finding(&broken, &d, MailUse::Sending),
        ] {
            renders(&f);
        }
    }

    /// RFC 7489 §6.6.4: the summary says what happens to the failing mail
    /// that `pct` leaves out: delivered as usual under quarantine,
    /// quarantined under reject.
    #[test]
    fn summaries_say_what_pct_does() {
        let d = name("example.com");
        let f = policy_finding(
            &at("example.com", "v=DMARC1; p=quarantine; pct=30"),
            &d,
            MailUse::Sending,
        );
        assert_eq!(f.status, Status::Warning);
        assert_eq!(f.message.id, "dmarc-policy-quarantine-pct");
        assert_eq!(f.message.get("pct"), Some(&Arg::Num(30)));
        assert_eq!(f.message.get("rest"), Some(&Arg::Num(70)));
        assert_eq!(
            crate::english(&f),
            "The DMARC policy is quarantine for only 30% of failing mail; receivers handle the \
             other 70% as if there were no policy and deliver it as usual (RFC 7489 §6.6.4)."
        );
        renders(&f);

        let f = policy_finding(
            &at("example.com", "v=DMARC1; p=reject; pct=25"),
            &d,
            MailUse::Sending,
        );
        assert_eq!(f.status, Status::Pass);
        assert_eq!(f.message.id, "dmarc-policy-reject-pct");
        assert_eq!(
            crate::english(&f),
            "The DMARC policy is reject for 25% of failing mail; receivers quarantine the other \
             75% instead of refusing it (RFC 7489 §6.6.4)."
        );
        renders(&f);
        // A domain that sends no mail should refuse all of it.
        assert_eq!(
            policy_finding(
                &at("example.com", "v=DMARC1; p=reject; pct=25"),
                &d,
                MailUse::NonSending
            )
            .status,
            Status::Warning
        );

        let f = policy_finding(
            &at("example.com", "v=DMARC1; p=quarantine; pct=0"),
            &d,
            MailUse::Sending,
        );
        assert_eq!(f.status, Status::Fail);
        assert!(crate::english(&f).contains("as if there were no policy"));

        // At 100 (or without pct) the summary does not mention it.
        let f = policy_finding(
            &at("example.com", "v=DMARC1; p=reject"),
            &d,
            MailUse::Sending,
        );
        assert_eq!(
            crate::english(&f),
            "The DMARC policy is reject: forged mail is refused."
        );
        // The pct evidence says it too.
        let f = policy_finding(
            &at("example.com", "v=DMARC1; p=reject; pct=25"),
            &d,
            MailUse::Sending,
        );
        assert!(f.evidence.iter().any(|e| {
            e.subject == "pct"
                && e.detail_message
                    .as_ref()
                    .is_some_and(|m| m.id == "dmarc-pct-applies")
        }));
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
        // Without a usable record there are no destinations to test.
        let missing = discover(&name("example.com"), &TxtAnswer::NxDomain, None);
        assert_eq!(
            destinations_finding(&missing, &[]).status,
            Status::NotTested
        );
        let broken = at("example.com", "v=DMARC1; p=bogus");
        assert_eq!(destinations_finding(&broken, &[]).status, Status::NotTested);
        let refused = destinations_finding(&d, &partial);
        assert_eq!(refused.message.id, "dmarc-destinations-refused");
        assert_eq!(
            crate::english(&refused),
            "An external report destination has not authorised reports for example.com; \
             receivers will not send reports there."
        );
        for f in [
            refused,
            destinations_finding(&d, &all[..1]),
            destinations_finding(&missing, &[]),
            destinations_finding(&none, &[]),
        ] {
            renders(&f);
        }
    }
}
