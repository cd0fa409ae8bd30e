//! The `mail.spf.record` and `mail.spf.policy` findings.

use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Message, Status, ToMessage, msg};

use super::audit::{Audit, PolicyEnd, Severity, TopRecord};
use super::eval::{MAX_LOOKUPS, MAX_VOID_LOOKUPS};
use super::record::Qualifier;
use crate::dmarc::MailUse;

fn subject(audit: &Audit) -> String {
    format!("{} TXT", audit.domain)
}

/// The record, the include tree, the counts.
fn evidence(audit: &Audit) -> Vec<Evidence> {
    let mut e = Vec::new();
    match &audit.top {
        TopRecord::LookupFailed(failure) => {
            e.push(Evidence::new(subject(audit), failure.to_message()))
        }
        TopRecord::Missing { nxdomain: true } => e.push(Evidence::new(
            subject(audit),
            msg!("mail-evidence-nxdomain"),
        )),
        TopRecord::Missing { nxdomain: false } => e.push(Evidence::new(
            subject(audit),
            msg!("spf-evidence-no-record"),
        )),
        TopRecord::Multiple(records) => {
            e.extend(
                records
                    .iter()
                    .map(|r| Evidence::new(subject(audit), r.clone())),
            );
        }
        TopRecord::Invalid { text, error } => {
            e.push(Evidence::new(subject(audit), text.clone()));
            e.push(Evidence::new(
                msg!("spf-label-syntax-error"),
                error.to_message(),
            ));
        }
        TopRecord::Found(text) => {
            e.push(Evidence::new(subject(audit), text.clone()));
            let lines = audit.tree_lines();
            if lines.len() > 1 {
                e.extend(lines.into_iter().skip(1).map(|(depth, how, what)| {
                    Evidence::new(format!("{}{how}", "› ".repeat(depth)), what)
                }));
            }
            e.push(Evidence::new(
                msg!("spf-label-lookups"),
                msg!(
                    "spf-lookups-count",
                    count = audit.lookups,
                    max = MAX_LOOKUPS
                ),
            ));
            e.push(Evidence::new(
                msg!("spf-label-voids"),
                msg!(
                    "spf-voids-count",
                    count = audit.void_lookups,
                    max = MAX_VOID_LOOKUPS
                ),
            ));
        }
    }
    e
}

/// The problems and notes of the walk.
fn remarks(audit: &Audit) -> Vec<Evidence> {
    audit
        .problems
        .iter()
        .map(|p| Evidence::new(msg!("mail-label-problem"), p.to_message()))
        .chain(
            audit
                .notes
                .iter()
                .map(|n| Evidence::new(msg!("mail-label-note"), n.to_message())),
        )
        .collect()
}

/// `mail.spf.record`: exactly one `v=spf1` record at the domain, valid,
/// within the lookup limits when evaluated recursively.
pub fn record_finding(audit: &Audit) -> Finding {
    let id = ids::MAIL_SPF_RECORD;
    let (status, message) = match &audit.top {
        TopRecord::LookupFailed(_) => (
            Status::Error,
            msg!("spf-record-lookup-failed", domain = audit.domain.as_str()),
        ),
        TopRecord::Missing { .. } => (Status::Fail, msg!("spf-record-missing")),
        TopRecord::Multiple(records) => (
            Status::Fail,
            msg!("spf-record-multiple", count = records.len()),
        ),
        TopRecord::Invalid { .. } => (Status::Fail, msg!("spf-record-invalid")),
        TopRecord::Found(_) => match audit.first_failure() {
            Some(problem) => (
                Status::Fail,
                msg!("spf-record-permerror", problem = problem.to_message()),
            ),
            None if !audit.problems.is_empty() => (Status::Error, msg!("spf-record-incomplete")),
            None => (
                Status::Pass,
                msg!(
                    "spf-record-valid",
                    lookups = audit.lookups,
                    max = MAX_LOOKUPS,
                    voids = audit.void_lookups,
                    max_voids = MAX_VOID_LOOKUPS
                ),
            ),
        },
    };
    Finding::new(id, status, message)
        .with_all(evidence(audit))
        .with_all(remarks(audit))
}

/// The words for the `all` that ends the policy.
fn qualifier_word(q: Qualifier) -> &'static str {
    match q {
        Qualifier::Pass => "pass",
        Qualifier::Fail => "fail",
        Qualifier::SoftFail => "softfail",
        Qualifier::Neutral => "neutral",
    }
}

/// `mail.spf.policy`: what mail from an unlisted server gets is `-all` or
/// `~all` (`-all` for a domain that sends no mail).
///
/// A policy only counts when receivers reach it: records that end in
/// permerror for such mail (too many lookups, a broken include, a loop)
/// have no effective policy (RFC 7208 §4.6.4, §2.6.7), so the policy fails
/// too, as in internet.nl. No SPF record at all leaves nothing to test.
pub fn policy_finding(audit: &Audit, mail_use: MailUse) -> Finding {
    let id = ids::MAIL_SPF_POLICY;
    let text = match &audit.top {
        TopRecord::LookupFailed(failure) => {
            return Finding::new(
                id,
                Status::Error,
                msg!("spf-policy-lookup-failed", domain = audit.domain.as_str()),
            )
            .with(subject(audit), failure.to_message());
        }
        TopRecord::Missing { .. } => {
            return Finding::new(id, Status::NotTested, msg!("spf-policy-no-record"))
                .with_all(evidence(audit));
        }
        TopRecord::Multiple(_) | TopRecord::Invalid { .. } => {
            return Finding::new(id, Status::Fail, msg!("spf-policy-unusable"))
                .with_all(evidence(audit));
        }
        TopRecord::Found(text) => text,
    };
    let mut e = vec![Evidence::new(subject(audit), text.clone())];
    let end = audit.policy();
    let (status, message) = match &end {
        PolicyEnd::All {
            qualifier,
            domain,
            via_redirect,
        } => {
            e.push(Evidence::new(
                msg!("spf-label-ends-in"),
                msg!(
                    "spf-ends-in-all",
                    qualifier = qualifier_word(*qualifier),
                    domain = domain.as_str(),
                    redirect = if *via_redirect { "yes" } else { "no" }
                ),
            ));
            match (qualifier, mail_use) {
                (Qualifier::Fail, _) => (Status::Pass, msg!("spf-policy-fail-all")),
                (Qualifier::SoftFail, MailUse::Sending) => {
                    (Status::Pass, msg!("spf-policy-softfail-all"))
                }
                (Qualifier::SoftFail, MailUse::NonSending) => {
                    (Status::Fail, msg!("spf-policy-non-sending-softfail"))
                }
                (Qualifier::Neutral, _) => (Status::Fail, msg!("spf-policy-neutral-all")),
                (Qualifier::Pass, _) => (Status::Fail, msg!("spf-policy-pass-all")),
            }
        }
        PolicyEnd::Everyone {
            term,
            domain,
            through,
        } => {
            e.push(Evidence::new(
                msg!("spf-label-passes-everyone"),
                match through {
                    None => msg!(
                        "spf-passes-everyone",
                        term = term.as_str(),
                        domain = domain.as_str()
                    ),
                    Some(included) => msg!(
                        "spf-passes-everyone-through",
                        term = term.as_str(),
                        domain = domain.as_str(),
                        included = included.as_str()
                    ),
                },
            ));
            (Status::Fail, msg!("spf-policy-everyone"))
        }
        PolicyEnd::Default { domain } => {
            e.push(Evidence::new(
                msg!("spf-label-ends-in"),
                msg!("spf-ends-default", domain = domain.as_str()),
            ));
            (Status::Fail, msg!("spf-policy-default"))
        }
        PolicyEnd::Unknown(why) => {
            e.push(Evidence::new(msg!("spf-label-policy"), why.to_message()));
            if !audit.problems.is_empty()
                && audit
                    .problems
                    .iter()
                    .all(|p| p.severity() == Severity::Error)
            {
                (Status::Error, msg!("spf-policy-end-lookup-failed"))
            } else {
                (Status::Fail, msg!("spf-policy-end-unusable"))
            }
        }
    };
    let (status, message) = if audit.fails() {
        // The policy as written is shown, but receivers never get to it:
        // their result is permerror, which is no policy at all. The
        // problems follow in the evidence.
        (Status::Fail, msg!("spf-policy-permerror"))
    } else {
        (status, message)
    };
    Finding::new(id, status, message)
        .with_all(e)
        .with_all(remarks(audit))
}

/// The walk of `domain`'s records from a test's observations, or the
/// question the engine did not ask.
fn observed_audit(
    obs: &indaba_model::Observations,
    domain: &indaba_model::DomainName,
) -> Result<Audit, Message> {
    match super::audit(&super::ObservedDns::new(obs), domain.as_str()) {
        super::Step::Done(audit) => Ok(audit),
        super::Step::NeedsLookup(questions) => Err(msg!(
            "spf-not-looked-up",
            count = questions.len(),
            name = questions
                .first()
                .map(|q| q.name.clone())
                .unwrap_or_default(),
            rtype = questions
                .first()
                .map(|q| q.rtype.as_str())
                .unwrap_or_default()
        )),
    }
}

/// `mail.spf.record`, judged from a test's observations.
pub fn observed_record_finding(
    obs: &indaba_model::Observations,
    domain: &indaba_model::DomainName,
) -> Finding {
    match observed_audit(obs, domain) {
        Ok(audit) => record_finding(&audit),
        Err(reason) => Finding::new(ids::MAIL_SPF_RECORD, Status::Error, reason),
    }
}

/// `mail.spf.policy`, judged from a test's observations.
pub fn observed_policy_finding(
    obs: &indaba_model::Observations,
    domain: &indaba_model::DomainName,
) -> Finding {
    match observed_audit(obs, domain) {
        Ok(audit) => policy_finding(&audit, crate::mailauth::mail_use(obs, domain)),
        Err(reason) => Finding::new(ids::MAIL_SPF_POLICY, Status::Error, reason),
    }
}
