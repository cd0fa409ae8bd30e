//! SMTP TLS Reporting (RFC 8460): the `_smtp._tls.<domain>` TXT record and
//! the `mail.tls_rpt.valid` finding.
//!
//! The record shares its shape with MTA-STS's (`v=…; name=value`), so the
//! field splitter of [`crate::mta_sts`] reads it; `rua` is checked here.

use indaba_model::catalogue::ids;
use indaba_model::{DomainName, Evidence, Finding, Status};

use crate::dmarc::{TxtAnswer, UriTarget, mailto_target};
use crate::mta_sts::{begins_with, split_fields};

/// The version tag every record starts with.
pub const VERSION: &str = "v=TLSRPTv1";

/// One report destination.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReportDestination {
    /// `mailto:` an address.
    Mailto {
        /// The decoded address.
        address: String,
        /// Its domain.
        domain: DomainName,
    },
    /// An `https:` URL reports are POSTed to.
    Https(String),
}

/// A valid TLS-RPT record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRptRecord {
    /// `rua`: the destinations, in order.
    pub rua: Vec<ReportDestination>,
    /// Other fields, which senders ignore.
    pub extensions: Vec<(String, String)>,
}

impl std::fmt::Display for TlsRptRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rua: Vec<String> = self
            .rua
            .iter()
            .map(|d| match d {
                ReportDestination::Mailto { address, .. } => format!("mailto:{address}"),
                ReportDestination::Https(url) => url.clone(),
            })
            .collect();
        write!(f, "{VERSION}; rua={}", rua.join(","))?;
        for (name, value) in &self.extensions {
            write!(f, "; {name}={value}")?;
        }
        Ok(())
    }
}

/// Why a TLS-RPT record is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsRptError {
    /// Not `v=TLSRPTv1; name=value; …`.
    #[error("{0} (RFC 8460 §3)")]
    Syntax(String),
    /// No `rua=`.
    #[error("the required rua= field is missing")]
    MissingRua,
    /// `rua=` given twice.
    #[error("rua= appears more than once")]
    DuplicateRua,
    /// A destination that is not a usable mailto: or https: URI.
    #[error("rua: {uri:?} is not a usable destination: {reason}")]
    BadUri {
        /// The URI.
        uri: String,
        /// Why.
        reason: String,
    },
    /// An extension value with characters the grammar excludes.
    #[error("the value of {0} contains a character the grammar does not allow")]
    BadValue(String),
}

/// Parses a TLS-RPT record (RFC 8460 §3).
pub fn parse(text: &str) -> Result<TlsRptRecord, TlsRptError> {
    let fields = split_fields(text, VERSION).map_err(TlsRptError::Syntax)?;
    let mut rua = None;
    let mut extensions = Vec::new();
    for (name, value) in fields {
        if name == "rua" {
            if rua.is_some() {
                return Err(TlsRptError::DuplicateRua);
            }
            let destinations = value
                .split(',')
                .map(|u| destination(u.trim_matches([' ', '\t'])))
                .collect::<Result<Vec<_>, _>>()?;
            rua = Some(destinations);
        } else {
            let ok = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| (0x21..=0x7e).contains(&b) && b != b'=' && b != b';');
            if !ok {
                return Err(TlsRptError::BadValue(name.to_string()));
            }
            extensions.push((name.to_string(), value.to_string()));
        }
    }
    Ok(TlsRptRecord {
        rua: rua.ok_or(TlsRptError::MissingRua)?,
        extensions,
    })
}

fn destination(uri: &str) -> Result<ReportDestination, TlsRptError> {
    let bad = |reason: String| TlsRptError::BadUri {
        uri: uri.chars().take(80).collect(),
        reason,
    };
    let (scheme, rest) = uri
        .split_once(':')
        .ok_or_else(|| bad("no scheme (mailto: or https:)".into()))?;
    if scheme.eq_ignore_ascii_case("mailto") {
        if rest.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(bad("white space must be percent-encoded".into()));
        }
        match mailto_target(rest).map_err(bad)? {
            UriTarget::Mailto { address, domain } => {
                Ok(ReportDestination::Mailto { address, domain })
            }
            UriTarget::Other { .. } => Err(bad("not a mail address".into())),
        }
    } else if scheme.eq_ignore_ascii_case("https") {
        let url = url::Url::parse(uri).map_err(|e| bad(e.to_string()))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("the URL has no host".into()));
        }
        Ok(ReportDestination::Https(uri.to_string()))
    } else {
        Err(bad(format!(
            "the {scheme}: scheme is not supported; only mailto: and https: are (RFC 8460 §3)"
        )))
    }
}

/// `mail.tls_rpt.valid`: exactly one valid `_smtp._tls` record with at least
/// one mailto: or https: destination.
///
/// No record is a warning (TLS-RPT is recommended); several, or an invalid
/// one, fail, since senders then treat the domain as not using TLS-RPT.
pub fn finding(domain: &DomainName, txt: &TxtAnswer) -> Finding {
    let id = ids::MAIL_TLS_RPT;
    let subject = format!("_smtp._tls.{domain} TXT");
    let records = match txt.records() {
        Ok(r) => r,
        Err(reason) => {
            return Finding::new(
                id,
                Status::Error,
                "The TLS-RPT record could not be looked up.",
            )
            .with(subject, reason.to_string());
        }
    };
    let candidates: Vec<&String> = records.iter().filter(|r| begins_with(r, VERSION)).collect();
    match candidates.as_slice() {
        [] => Finding::new(
            id,
            Status::Warning,
            "No TLS-RPT record: senders cannot report failed TLS connections to this domain.",
        )
        .with(subject, txt.describe_empty()),
        [one] => match parse(one) {
            Ok(record) => {
                let destinations: Vec<Evidence> = record
                    .rua
                    .iter()
                    .map(|d| match d {
                        ReportDestination::Mailto { address, .. } => {
                            Evidence::new("report destination", format!("mailto:{address}"))
                        }
                        ReportDestination::Https(url) => {
                            Evidence::new("report destination", url.clone())
                        }
                    })
                    .collect();
                Finding::new(id, Status::Pass, "TLS reporting is configured.")
                    .with(subject, (*one).clone())
                    .with_all(destinations)
            }
            Err(e) => Finding::new(
                id,
                Status::Fail,
                "The TLS-RPT record is invalid, so senders send no reports.",
            )
            .with(subject.clone(), (*one).clone())
            .with("error", e.to_string()),
        },
        many => Finding::new(
            id,
            Status::Fail,
            "More than one TLS-RPT record: senders treat the domain as having none (RFC 8460 §3).",
        )
        .with_all(
            many.iter()
                .map(|r| Evidence::new(subject.clone(), (*r).clone())),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn records() {
        let r = parse(
            "v=TLSRPTv1; rua=mailto:reports@example.com, https://reporting.example.net/v1/tlsrpt",
        )
        .unwrap();
        assert_eq!(r.rua.len(), 2);
        assert!(matches!(&r.rua[1], ReportDestination::Https(_)));
        assert!(parse("v=TLSRPTv1;rua=mailto:a@b.example;").is_ok());
        assert_eq!(parse("v=TLSRPTv1"), Err(TlsRptError::MissingRua));
        assert_eq!(parse("v=TLSRPTv1; ext=1"), Err(TlsRptError::MissingRua));
        assert!(matches!(
            parse("v=TLSRPTv1; rua=ftp://x.example"),
            Err(TlsRptError::BadUri { .. })
        ));
        assert!(matches!(
            parse("v=TLSRPTv1; rua=mailto:nobody"),
            Err(TlsRptError::BadUri { .. })
        ));
        assert!(matches!(
            parse("v=TLSRPTv1; rua=https://"),
            Err(TlsRptError::BadUri { .. })
        ));
        assert!(matches!(
            parse("v=tlsrptv1; rua=mailto:a@b.example"),
            Err(TlsRptError::Syntax(_))
        ));
        assert!(matches!(
            parse("v=TLSRPTv1; rua = mailto:a@b.example"),
            Err(TlsRptError::Syntax(_))
        ));
        assert_eq!(
            parse("v=TLSRPTv1; rua=mailto:a@b.example; rua=mailto:c@d.example"),
            Err(TlsRptError::DuplicateRua)
        );
    }

    #[test]
    fn findings() {
        let d = DomainName::parse("example.com").unwrap();
        let txt = |r: &[&str]| TxtAnswer::Answered(r.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            finding(&d, &txt(&["v=TLSRPTv1; rua=mailto:tls@example.com"])).status,
            Status::Pass
        );
        assert_eq!(finding(&d, &txt(&[])).status, Status::Warning);
        assert_eq!(finding(&d, &TxtAnswer::NxDomain).status, Status::Warning);
        assert_eq!(
            finding(&d, &TxtAnswer::Failed("timeout".into())).status,
            Status::Error
        );
        assert_eq!(
            finding(&d, &txt(&["v=TLSRPTv1; rua=ftp://x.example"])).status,
            Status::Fail
        );
        assert_eq!(
            finding(
                &d,
                &txt(&[
                    "v=TLSRPTv1; rua=mailto:a@example.com",
                    "v=TLSRPTv1; rua=mailto:b@example.com"
                ])
            )
            .status,
            Status::Fail
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn round_trip(
            locals in proptest::collection::vec("[a-z0-9.+-]{1,10}", 1..4),
            https in proptest::option::of("[a-z]{1,10}"),
        ) {
            let mut rua: Vec<ReportDestination> = locals
                .iter()
                .map(|l| ReportDestination::Mailto {
                    address: format!("{l}@reports.example"),
                    domain: DomainName::parse("reports.example").unwrap(),
                })
                .collect();
            if let Some(path) = https {
                rua.push(ReportDestination::Https(format!("https://r.example/{path}")));
            }
            let record = TlsRptRecord { rua, extensions: vec![("x".into(), "1".into())] };
            prop_assert_eq!(parse(&record.to_string()), Ok(record));
        }
    }
}
