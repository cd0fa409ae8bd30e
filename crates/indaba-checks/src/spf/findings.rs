//! The `mail.spf.record` and `mail.spf.policy` findings.

use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Status};

use super::audit::{Audit, PolicyEnd, Severity, TopRecord};
use super::eval::{MAX_LOOKUPS, MAX_VOID_LOOKUPS};
use super::record::Qualifier;
use crate::dmarc::MailUse;

fn subject(audit: &Audit) -> String {
    format!("{} TXT", audit.domain)
}

/// The record, the include tree, the counts, problems and notes.
fn evidence(audit: &Audit) -> Vec<Evidence> {
    let mut e = Vec::new();
    match &audit.top {
        TopRecord::LookupFailed(reason) => e.push(Evidence::new(subject(audit), reason.clone())),
        TopRecord::Missing { nxdomain: true } => e.push(Evidence::new(
            subject(audit),
            "NXDOMAIN (the name does not exist)",
        )),
        TopRecord::Missing { nxdomain: false } => e.push(Evidence::new(
            subject(audit),
            "no record starting with v=spf1",
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
            e.push(Evidence::new("syntax error", error.to_string()));
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
                "DNS lookups",
                format!(
                    "{} of at most {MAX_LOOKUPS} (include, a, mx, ptr, exists and redirect, in every record reached)",
                    audit.lookups
                ),
            ));
            e.push(Evidence::new(
                "void lookups",
                format!(
                    "{} of at most {MAX_VOID_LOOKUPS} (lookups that find no records)",
                    audit.void_lookups
                ),
            ));
        }
    }
    e
}

/// `mail.spf.record`: exactly one `v=spf1` record at the domain, valid,
/// within the lookup limits when evaluated recursively.
pub fn record_finding(audit: &Audit) -> Finding {
    let id = ids::MAIL_SPF_RECORD;
    let finding = match &audit.top {
        TopRecord::LookupFailed(_) => Finding::new(
            id,
            Status::Error,
            format!("The SPF record of {} could not be looked up.", audit.domain),
        ),
        TopRecord::Missing { .. } => Finding::new(
            id,
            Status::Fail,
            "No SPF record: receivers cannot tell which servers may send mail for this domain.",
        ),
        TopRecord::Multiple(records) => Finding::new(
            id,
            Status::Fail,
            format!(
                "The domain has {} SPF records; receivers use none of them and return permerror (RFC 7208 §4.5).",
                records.len()
            ),
        ),
        TopRecord::Invalid { .. } => Finding::new(
            id,
            Status::Fail,
            "The SPF record has a syntax error; receivers return permerror (RFC 7208 §4.6).",
        ),
        TopRecord::Found(_) if audit.fails() => {
            let first = audit
                .problems
                .iter()
                .find(|p| p.severity == Severity::Fail)
                .map(|p| p.text.clone())
                .unwrap_or_default();
            Finding::new(
                id,
                Status::Fail,
                format!("The SPF record cannot be evaluated as published: {first}."),
            )
        }
        TopRecord::Found(_) if !audit.problems.is_empty() => Finding::new(
            id,
            Status::Error,
            "The SPF records could not all be looked up, so the lookup count is not known.",
        ),
        TopRecord::Found(_) => Finding::new(
            id,
            Status::Pass,
            format!(
                "One valid SPF record; evaluating it takes {} DNS lookup{} (at most {MAX_LOOKUPS}) and {} void lookup{} (at most {MAX_VOID_LOOKUPS}).",
                audit.lookups,
                if audit.lookups == 1 { "" } else { "s" },
                audit.void_lookups,
                if audit.void_lookups == 1 { "" } else { "s" },
            ),
        ),
    };
    finding
        .with_all(evidence(audit))
        .with_all(
            audit
                .problems
                .iter()
                .map(|p| Evidence::new("problem", p.text.clone())),
        )
        .with_all(audit.notes.iter().map(|n| Evidence::new("note", n.clone())))
}

/// `mail.spf.policy`: what mail from an unlisted server gets is `-all` or
/// `~all` (`-all` for a domain that sends no mail).
pub fn policy_finding(audit: &Audit, mail_use: MailUse) -> Finding {
    let id = ids::MAIL_SPF_POLICY;
    let mut e = Vec::new();
    if let TopRecord::Found(text) = &audit.top {
        e.push(Evidence::new(subject(audit), text.clone()));
    }
    let finding = match &audit.top {
        TopRecord::LookupFailed(reason) => {
            return Finding::new(
                id,
                Status::Error,
                format!("The SPF record of {} could not be looked up.", audit.domain),
            )
            .with(subject(audit), reason.clone());
        }
        TopRecord::Found(_) => match audit.policy() {
            PolicyEnd::All {
                qualifier,
                domain,
                via_redirect,
            } => {
                let term = format!("{}all", qualifier.as_char());
                let term = if qualifier == Qualifier::Pass {
                    "+all (or all)".to_string()
                } else {
                    term
                };
                e.push(Evidence::new(
                    "ends in",
                    if via_redirect {
                        format!("{term} in the record of {domain}, reached through redirect=")
                    } else {
                        format!("{term} in the record of {domain}")
                    },
                ));
                match (qualifier, mail_use) {
                    (Qualifier::Fail, _) => Finding::new(
                        id,
                        Status::Pass,
                        "The SPF policy ends in -all: mail from any other server fails SPF.",
                    ),
                    (Qualifier::SoftFail, MailUse::Sending) => Finding::new(
                        id,
                        Status::Pass,
                        "The SPF policy ends in ~all: mail from any other server soft-fails SPF.",
                    ),
                    (Qualifier::SoftFail, MailUse::NonSending) => Finding::new(
                        id,
                        Status::Fail,
                        "The domain sends no mail (null MX), so its SPF policy should be v=spf1 -all, not ~all.",
                    ),
                    (Qualifier::Neutral, _) => Finding::new(
                        id,
                        Status::Fail,
                        "The SPF policy ends in ?all: it makes no statement about other servers.",
                    ),
                    (Qualifier::Pass, _) => Finding::new(
                        id,
                        Status::Fail,
                        "The SPF policy ends in +all: every server on the Internet may send mail for this domain.",
                    ),
                }
            }
            PolicyEnd::Everyone { term, domain } => {
                e.push(Evidence::new(
                    "passes everyone",
                    format!("{term} in the record of {domain}"),
                ));
                Finding::new(
                    id,
                    Status::Fail,
                    "The SPF policy lets every server on the Internet pass, before its all is reached.",
                )
            }
            PolicyEnd::Default { domain } => {
                e.push(Evidence::new(
                    "ends in",
                    format!("the record of {domain} has no all and no redirect=, so the default neutral applies (RFC 7208 §4.7)"),
                ));
                Finding::new(
                    id,
                    Status::Fail,
                    "The SPF policy has no all: mail from other servers gets neutral, the same as ?all.",
                )
            }
            PolicyEnd::Unknown(reason) => {
                e.push(Evidence::new("policy", reason));
                if audit.problems.iter().all(|p| p.severity == Severity::Error)
                    && !audit.problems.is_empty()
                {
                    Finding::new(
                        id,
                        Status::Error,
                        "The end of the SPF policy could not be looked up.",
                    )
                } else {
                    Finding::new(
                        id,
                        Status::Fail,
                        "The SPF policy does not end in a usable all: its redirect= leads to no valid record.",
                    )
                }
            }
        },
        _ => Finding::new(
            id,
            Status::Fail,
            "No usable SPF record, so no SPF policy protects the domain.",
        )
        .with_all(evidence(audit)),
    };
    let finding = finding.with_all(e);
    if audit.fails() && finding.status == Status::Pass {
        finding.with(
            "note",
            "the record itself has problems (see the finding One valid SPF record): receivers may return permerror before reaching this policy",
        )
    } else {
        finding
    }
}

/// The walk of `domain`'s records from a test's observations, or the
/// question the engine did not ask.
fn observed_audit(
    obs: &indaba_model::Observations,
    domain: &indaba_model::DomainName,
) -> Result<Audit, String> {
    match super::audit(&super::ObservedDns::new(obs), domain.as_str()) {
        super::Step::Done(audit) => Ok(audit),
        super::Step::NeedsLookup(questions) => Err(format!(
            "the SPF evaluation needs {} lookup(s) the test did not make, such as {}",
            questions.len(),
            questions.first().map(|q| q.to_string()).unwrap_or_default()
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
