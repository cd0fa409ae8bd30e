//! Policy discovery (RFC 7489 §6.6.3) and identifier alignment (§3.1).

use indaba_model::{DomainName, NameError};

use super::TxtAnswer;
use super::record::{AlignmentMode, DmarcError, ParsedRecord, parse, starts_with_version};
use crate::psl::{PublicSuffixList, Scope};
use crate::spf::{LookupFailure, Question, RrType};

/// Where the record that applies was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOrigin {
    /// At `_dmarc.<domain>` itself: `p` applies.
    Domain,
    /// At `_dmarc.<organisational domain>`: for the tested domain, a
    /// subdomain of it, `sp` applies (or `p` when there is no `sp`).
    OrganisationalDomain,
}

/// The one DMARC record discovery settled on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The domain whose `_dmarc` name holds the record (the policy domain).
    pub policy_domain: DomainName,
    /// Whether that is the tested domain or its organisational domain.
    pub origin: RecordOrigin,
    /// The record text.
    pub text: String,
    /// The record, read.
    pub parsed: Result<ParsedRecord, DmarcError>,
    /// Other TXT records at the same name, which do not start with `v=DMARC1`.
    pub discarded: Vec<String>,
}

/// The outcome of policy discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// Exactly one record starting with `v=DMARC1`.
    Found(Found),
    /// More than one: receivers apply no DMARC at all (§6.6.3 step 5).
    Multiple {
        /// The policy domain where they were found.
        policy_domain: DomainName,
        /// The records.
        records: Vec<String>,
    },
    /// No record at the domain, nor at its organisational domain.
    NotFound {
        /// The `_dmarc` names that were looked at.
        queried: Vec<DomainName>,
        /// TXT records seen there that do not start with `v=DMARC1`.
        discarded: Vec<String>,
    },
    /// A query failed, so absence cannot be concluded.
    LookupFailed {
        /// The name that could not be queried.
        name: String,
        /// Why.
        failure: LookupFailure,
    },
}

/// The name to query for `domain`'s record: `_dmarc.<domain>`.
pub fn query_name(domain: &DomainName) -> Result<DomainName, NameError> {
    domain.child("_dmarc")
}

/// Whether a TXT record is a DMARC record candidate: its first tag is exactly
/// `v=DMARC1` (§6.6.3 step 2; white space around `=` allowed by §6.4).
pub fn is_dmarc_record(text: &str) -> bool {
    starts_with_version(text)
}

/// Splits answers into DMARC candidates and the rest.
fn sort(records: &[String]) -> (Vec<String>, Vec<String>) {
    records.iter().cloned().partition(|r| is_dmarc_record(r))
}

/// Policy discovery for `domain` (§6.6.3).
///
/// `at_domain` is the answer at `_dmarc.<domain>`. `at_organisational` is the
/// answer at `_dmarc.<organisational domain>`; it is only read when the domain
/// has no candidate record and its organisational domain (by the embedded
/// list) differs from it. When it is needed but `None`, discovery reports the
/// lookup as failed rather than guessing.
pub fn discover(
    domain: &DomainName,
    at_domain: &TxtAnswer,
    at_organisational: Option<&TxtAnswer>,
) -> Discovery {
    let own_name = query_name(domain);
    let own_text = own_name
        .as_ref()
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|_| format!("_dmarc.{domain}"));
    let records = match at_domain.records() {
        Ok(r) => r,
        Err(failure) => {
            return Discovery::LookupFailed {
                name: own_text,
                failure: failure.clone(),
            };
        }
    };
    let (candidates, mut discarded) = sort(records);
    if let Some(found) = settle(domain, RecordOrigin::Domain, candidates, &discarded) {
        return found;
    }
    let mut queried: Vec<DomainName> = own_name.into_iter().collect();
    let org = crate::psl::organisational_domain(domain).filter(|o| o != domain);
    if let Some(org) = org {
        let org_name = query_name(&org);
        let org_text = org_name
            .as_ref()
            .map(|n| n.as_str().to_string())
            .unwrap_or_else(|_| format!("_dmarc.{org}"));
        let Some(answer) = at_organisational else {
            let question = Question::new(&org_text, RrType::Txt);
            return Discovery::LookupFailed {
                name: org_text,
                failure: LookupFailure::NotLookedUp(question),
            };
        };
        let records = match answer.records() {
            Ok(r) => r,
            Err(failure) => {
                return Discovery::LookupFailed {
                    name: org_text,
                    failure: failure.clone(),
                };
            }
        };
        let (candidates, org_discarded) = sort(records);
        if let Some(found) = settle(
            &org,
            RecordOrigin::OrganisationalDomain,
            candidates,
            &org_discarded,
        ) {
            return found;
        }
        discarded.extend(org_discarded);
        queried.extend(org_name);
    }
    Discovery::NotFound { queried, discarded }
}

/// One candidate → found; several → multiple; none → keep looking.
fn settle(
    policy_domain: &DomainName,
    origin: RecordOrigin,
    mut candidates: Vec<String>,
    discarded: &[String],
) -> Option<Discovery> {
    match candidates.len() {
        0 => None,
        1 => {
            let text = candidates.pop().unwrap_or_default();
            Some(Discovery::Found(Found {
                policy_domain: policy_domain.clone(),
                origin,
                parsed: parse(&text),
                text,
                discarded: discarded.to_vec(),
            }))
        }
        _ => Some(Discovery::Multiple {
            policy_domain: policy_domain.clone(),
            records: candidates,
        }),
    }
}

/// Identifier alignment (§3.1) by the embedded list: strict needs equal
/// names; relaxed needs equal organisational domains.
pub fn aligned(a: &DomainName, b: &DomainName, mode: AlignmentMode) -> bool {
    aligned_with(PublicSuffixList::embedded(), a, b, mode)
}

/// [`aligned`] with a given list.
///
/// A name that is itself a public suffix has no organisational domain; it
/// aligns only with itself, since nothing in RFC 7489 lets a public suffix
/// vouch for the names below it.
pub fn aligned_with(
    list: &PublicSuffixList,
    a: &DomainName,
    b: &DomainName,
    mode: AlignmentMode,
) -> bool {
    if a == b {
        return true;
    }
    match mode {
        AlignmentMode::Strict => false,
        AlignmentMode::Relaxed => {
            match (
                list.organisational_domain(a, Scope::All),
                list.organisational_domain(b, Scope::All),
            ) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmarc::Policy;

    fn name(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    fn txt(records: &[&str]) -> TxtAnswer {
        TxtAnswer::Answered(records.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn found_at_the_domain() {
        let d = discover(
            &name("example.nl"),
            &txt(&["v=spf1 -all", "v=DMARC1; p=reject"]),
            None,
        );
        let Discovery::Found(found) = d else {
            panic!("{d:?}")
        };
        assert_eq!(found.origin, RecordOrigin::Domain);
        assert_eq!(found.discarded, vec!["v=spf1 -all".to_string()]);
        assert_eq!(found.parsed.unwrap().record.policy, Policy::Reject);
    }

    #[test]
    fn falls_back_to_the_organisational_domain() {
        let d = discover(
            &name("mail.example.co.uk"),
            &TxtAnswer::NxDomain,
            Some(&txt(&["v=DMARC1; p=quarantine"])),
        );
        let Discovery::Found(found) = d else {
            panic!("{d:?}")
        };
        assert_eq!(found.policy_domain.as_str(), "example.co.uk");
        assert_eq!(found.origin, RecordOrigin::OrganisationalDomain);
    }

    #[test]
    fn several_records_end_discovery_without_fallback() {
        let d = discover(
            &name("a.example.com"),
            &txt(&["v=DMARC1; p=reject", "v=DMARC1; p=none"]),
            Some(&txt(&["v=DMARC1; p=reject"])),
        );
        assert!(matches!(d, Discovery::Multiple { .. }), "{d:?}");
    }

    #[test]
    fn failures_and_absence() {
        let d = discover(
            &name("example.com"),
            &crate::mailauth::testing::txt_timeout(),
            None,
        );
        assert!(matches!(d, Discovery::LookupFailed { .. }));
        // Organisational domain needed but not queried.
        let d = discover(&name("a.example.com"), &txt(&[]), None);
        assert!(matches!(d, Discovery::LookupFailed { .. }), "{d:?}");
        let d = discover(
            &name("a.example.com"),
            &txt(&["v=DMARC2; p=reject"]),
            Some(&TxtAnswer::NxDomain),
        );
        let Discovery::NotFound { queried, discarded } = d else {
            panic!("{d:?}")
        };
        assert_eq!(queried.len(), 2);
        assert_eq!(discarded.len(), 1);
        // An organisational domain has nowhere else to look.
        let d = discover(&name("example.com"), &TxtAnswer::NxDomain, None);
        assert!(matches!(d, Discovery::NotFound { .. }));
    }

    #[test]
    fn alignment() {
        let r = AlignmentMode::Relaxed;
        let s = AlignmentMode::Strict;
        assert!(aligned(&name("a.b.c.bcx.com"), &name("bcx.com"), r));
        assert!(!aligned(&name("a.b.c.bcx.com"), &name("bcx.com"), s));
        assert!(!aligned(&name("oooo.com"), &name("ooo.com"), r));
        assert!(!aligned(
            &name("a.example.co.uk"),
            &name("b.other.co.uk"),
            r
        ));
        assert!(!aligned(&name("co.uk"), &name("example.co.uk"), r));
    }
}
