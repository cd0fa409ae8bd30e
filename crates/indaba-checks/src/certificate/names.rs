//! Does a certificate name the host? RFC 9525 (which replaces RFC 6125).
//!
//! Rules, each from RFC 9525 §6.3 unless said otherwise:
//! - only subjectAltName dNSName entries count. The subject common name is
//!   never matched, not even when there is no subjectAltName: RFC 9525
//!   dropped the CN-ID fallback that RFC 6125 §6.4.4 still allowed (see its
//!   list of changes from RFC 6125), browsers stopped doing it years ago, and
//!   a certificate that relies on it is exactly what this check should flag.
//!   The CN is shown in the evidence so the owner sees why it did not count;
//! - comparison is of A-labels (IDNA 2008, RFC 5890), ASCII case-insensitive,
//!   without a trailing dot. The reference name is converted from Unicode
//!   with UTS #46 (as `DomainName` does); a presented name with non-ASCII
//!   characters never matches, since certificates must carry A-labels;
//! - a wildcard is only the whole left-most label (`*.example.com`), matches
//!   exactly one non-empty label, and never a partial label (`w*.example.com`,
//!   `*w.example.com`: allowed by RFC 6125 as a MAY, removed by RFC 9525) or
//!   a label further right (`www.*.com`);
//! - a wildcard directly over a single label (`*.com`) is not honoured:
//!   RFC 9525 leaves this to policy, CA/Browser Forum rules forbid issuing it,
//!   and every major client refuses it.
//!
//! Written here rather than taken from webpki because the name is judged on
//! its own, also for certificates webpki refuses to parse (v1, SHA-1, small
//! RSA keys), and because the evidence must list what was presented.

use indaba_model::{Arg, Message, ToMessage, msg};

use super::inspect::CertificateDetails;

/// Most names listed in one piece of evidence.
const MAX_LISTED: usize = 20;

/// The outcome of matching a certificate against the reference names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// A subjectAltName entry matches a reference name.
    Matched {
        /// The reference name (A-label form).
        reference: String,
        /// The dNSName that matched it.
        presented: String,
    },
    /// No subjectAltName entry matches.
    Mismatch {
        /// The reference names tried (A-label form).
        references: Vec<String>,
        /// The dNSNames the certificate carries.
        presented: Vec<String>,
    },
    /// The certificate has no subjectAltName dNSName at all.
    NoSubjectAltName {
        /// The subject common names, shown but not matched (RFC 9525).
        common_names: Vec<String>,
    },
    /// The subjectAltName extension (or the certificate) could not be read.
    Unreadable(Message),
}

impl NameMatch {
    /// True when a name matched.
    pub fn is_match(&self) -> bool {
        matches!(self, NameMatch::Matched { .. })
    }
}

impl ToMessage for NameMatch {
    /// One sentence for evidence.
    fn to_message(&self) -> Message {
        match self {
            NameMatch::Matched {
                reference,
                presented,
            } => {
                if reference == presented {
                    msg!("cert-name-matched", name = reference.as_str())
                } else {
                    msg!(
                        "cert-name-matched-pattern",
                        name = reference.as_str(),
                        pattern = presented.as_str()
                    )
                }
            }
            NameMatch::Mismatch {
                references,
                presented,
            } => msg!(
                "cert-name-mismatch",
                names = Arg::list(references.iter().map(String::as_str)),
                presented = list(presented)
            ),
            NameMatch::NoSubjectAltName { common_names } => {
                if common_names.is_empty() {
                    msg!("cert-name-no-san-no-cn")
                } else {
                    msg!("cert-name-no-san", common_names = list(common_names))
                }
            }
            NameMatch::Unreadable(why) => msg!("cert-name-unreadable", reason = why.clone()),
        }
    }
}

/// Lists names for evidence, cut after [`MAX_LISTED`] ("a, b and 3 more").
pub(crate) fn list(names: &[String]) -> Arg {
    if names.is_empty() {
        return Arg::Msg(msg!("cert-names-none"));
    }
    let mut items: Vec<Arg> = names
        .iter()
        .take(MAX_LISTED)
        .map(|n| Arg::from(n.as_str()))
        .collect();
    if names.len() > MAX_LISTED {
        items.push(Arg::Msg(msg!(
            "cert-names-more",
            count = names.len() - MAX_LISTED
        )));
    }
    Arg::List(items)
}

/// The form of a host name that certificates are matched against: A-labels,
/// lower case, no trailing dot. `None` when it is not a valid name.
pub fn reference_name(host: &str) -> Option<String> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    let ascii = idna::domain_to_ascii(host).ok()?;
    (!ascii.is_empty() && !ascii.split('.').any(str::is_empty)).then_some(ascii)
}

/// Whether the presented dNSName `pattern` matches the reference name
/// `reference` (already in [`reference_name`] form).
pub fn name_matches(pattern: &str, reference: &str) -> bool {
    if !pattern.is_ascii() {
        return false;
    }
    let pattern = pattern.strip_suffix('.').unwrap_or(pattern);
    let pattern = pattern.to_ascii_lowercase();
    let reference = reference.to_ascii_lowercase();
    if pattern.is_empty() || pattern.split('.').any(str::is_empty) {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(parent) => {
            if parent.contains('*') || !parent.contains('.') {
                return false;
            }
            match reference.split_once('.') {
                Some((first, rest)) => !first.is_empty() && rest == parent,
                None => false,
            }
        }
        None => !pattern.contains('*') && pattern == reference,
    }
}

/// Matches a certificate against reference names (host names in any form;
/// invalid ones are skipped).
pub fn check(cert: &CertificateDetails, hosts: &[String]) -> NameMatch {
    let references: Vec<String> = hosts.iter().filter_map(|h| reference_name(h)).collect();
    let presented = match &cert.dns_names {
        Err(why) => {
            return NameMatch::Unreadable(msg!("cert-san-unreadable", reason = why.as_str()));
        }
        Ok(names) => names,
    };
    if presented.is_empty() {
        return NameMatch::NoSubjectAltName {
            common_names: cert.common_names.clone(),
        };
    }
    for reference in &references {
        if let Some(p) = presented.iter().find(|p| name_matches(p, reference)) {
            return NameMatch::Matched {
                reference: reference.clone(),
                presented: p.clone(),
            };
        }
    }
    NameMatch::Mismatch {
        references,
        presented: presented.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_case_insensitive() {
        assert!(name_matches("www.example.com", "www.example.com"));
        assert!(name_matches("WWW.Example.COM", "www.example.com"));
        assert!(name_matches("www.example.com.", "www.example.com"));
        assert!(!name_matches("example.com", "www.example.com"));
    }

    #[test]
    fn wildcards_only_as_the_whole_left_label() {
        assert!(name_matches("*.example.com", "www.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(!name_matches("*.example.com", "a.b.example.com"));
        assert!(!name_matches("w*.example.com", "www.example.com"));
        assert!(!name_matches("*w.example.com", "www.example.com"));
        assert!(!name_matches("www.*.com", "www.example.com"));
        assert!(!name_matches("*.com", "example.com"));
        assert!(!name_matches("*", "example"));
        assert!(!name_matches("*.*.example.com", "a.b.example.com"));
    }

    #[test]
    fn idna_reference_names() {
        assert_eq!(
            reference_name("Bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert!(name_matches(
            "xn--bcher-kva.example",
            &reference_name("bücher.example").unwrap_or_default()
        ));
        assert!(!name_matches("bücher.example", "xn--bcher-kva.example"));
        assert_eq!(reference_name(""), None);
        assert_eq!(reference_name("a..b"), None);
    }
}
