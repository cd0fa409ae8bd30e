//! SMTP TLS Reporting (RFC 8460): the `_smtp._tls.<domain>` TXT record and
//! the `mail.tls_rpt.valid` finding.
//!
//! The record shares its shape with MTA-STS's (`v=…; name=value`), so the
//! field splitter of [`crate::mta_sts`] reads it; `rua` is checked here.

use indaba_model::catalogue::ids;
use indaba_model::{DomainName, Evidence, Finding, Message, Status, ToMessage, msg};

use crate::dmarc::{MailtoProblem, TxtAnswer, UriTarget, mailto_target};
use crate::mta_sts::{FieldsProblem, begins_with, split_fields};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsRptError {
    /// Not `v=TLSRPTv1; name=value; …`.
    Syntax(FieldsProblem),
    /// No `rua=`.
    MissingRua,
    /// `rua=` given twice.
    DuplicateRua,
    /// A destination that is not a usable mailto: or https: URI.
    BadUri {
        /// The URI.
        uri: String,
        /// Why.
        problem: DestinationProblem,
    },
    /// An extension value with characters the grammar excludes.
    BadValue(String),
}

/// Why a `rua` destination is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestinationProblem {
    /// No `scheme:`.
    NoScheme,
    /// White space not percent-encoded in a `mailto:`.
    WhiteSpace,
    /// A `mailto:` without a usable address.
    Mailto(MailtoProblem),
    /// An `https:` URL that does not parse.
    BadUrl,
    /// An `https:` URL without a host.
    NoHost,
    /// Another scheme.
    Scheme(String),
}

impl ToMessage for TlsRptError {
    fn to_message(&self) -> Message {
        match self {
            TlsRptError::Syntax(problem) => {
                msg!("tls-rpt-error-syntax", problem = problem.to_message())
            }
            TlsRptError::MissingRua => msg!("tls-rpt-error-missing-rua"),
            TlsRptError::DuplicateRua => msg!("tls-rpt-error-duplicate-rua"),
            TlsRptError::BadUri { uri, problem } => msg!(
                "tls-rpt-error-bad-uri",
                uri = uri.as_str(),
                problem = problem.to_message()
            ),
            TlsRptError::BadValue(name) => msg!("mail-fields-bad-value", name = name.as_str()),
        }
    }
}

impl ToMessage for DestinationProblem {
    fn to_message(&self) -> Message {
        match self {
            DestinationProblem::NoScheme => msg!("tls-rpt-uri-no-scheme"),
            DestinationProblem::WhiteSpace => msg!("tls-rpt-uri-white-space"),
            DestinationProblem::Mailto(p) => p.to_message(),
            DestinationProblem::BadUrl => msg!("tls-rpt-uri-bad-url"),
            DestinationProblem::NoHost => msg!("tls-rpt-uri-no-host"),
            DestinationProblem::Scheme(scheme) => {
                msg!("tls-rpt-uri-scheme", scheme = scheme.as_str())
            }
        }
    }
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
    let bad = |problem: DestinationProblem| TlsRptError::BadUri {
        uri: uri.chars().take(80).collect(),
        problem,
    };
    let (scheme, rest) = uri
        .split_once(':')
        .ok_or_else(|| bad(DestinationProblem::NoScheme))?;
    if scheme.eq_ignore_ascii_case("mailto") {
        if rest.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(bad(DestinationProblem::WhiteSpace));
        }
        match mailto_target(rest).map_err(|p| bad(DestinationProblem::Mailto(p)))? {
            UriTarget::Mailto { address, domain } => {
                Ok(ReportDestination::Mailto { address, domain })
            }
            UriTarget::Other { .. } => Err(bad(DestinationProblem::Mailto(
                MailtoProblem::NotAnAddress(rest.chars().take(80).collect()),
            ))),
        }
    } else if scheme.eq_ignore_ascii_case("https") {
        let url = url::Url::parse(uri).map_err(|_| bad(DestinationProblem::BadUrl))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad(DestinationProblem::NoHost));
        }
        Ok(ReportDestination::Https(uri.to_string()))
    } else {
        Err(bad(DestinationProblem::Scheme(
            scheme.chars().take(40).collect(),
        )))
    }
}

/// `mail.tls_rpt.valid` for a domain without mail servers: a null MX
/// (RFC 7505) or no MX at all. TLS reports are about mail delivered to the
/// domain's servers, so without servers there is nothing to report on
/// (the same rule as the other mail-server checks; its guide says so).
pub fn without_mail_servers(null_mx: bool) -> Finding {
    Finding::new(
        ids::MAIL_TLS_RPT,
        Status::NotApplicable,
        if null_mx {
            msg!("tls-rpt-null-mx")
        } else {
            msg!("tls-rpt-no-mx")
        },
    )
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
        Err(failure) => {
            return Finding::new(id, Status::Error, msg!("tls-rpt-lookup-failed"))
                .with(subject, failure.to_message());
        }
    };
    let candidates: Vec<&String> = records.iter().filter(|r| begins_with(r, VERSION)).collect();
    match candidates.as_slice() {
        [] => Finding::new(id, Status::Warning, msg!("tls-rpt-missing"))
            .with(subject, txt.describe_empty()),
        [one] => match parse(one) {
            Ok(record) => {
                let destinations: Vec<Evidence> = record
                    .rua
                    .iter()
                    .map(|d| {
                        let shown = match d {
                            ReportDestination::Mailto { address, .. } => {
                                format!("mailto:{address}")
                            }
                            ReportDestination::Https(url) => url.clone(),
                        };
                        Evidence::new(msg!("tls-rpt-label-destination"), shown)
                    })
                    .collect();
                Finding::new(id, Status::Pass, msg!("tls-rpt-valid"))
                    .with(subject, (*one).clone())
                    .with_all(destinations)
            }
            Err(e) => Finding::new(id, Status::Fail, msg!("tls-rpt-invalid"))
                .with(subject.clone(), (*one).clone())
                .with(msg!("mail-label-error"), e.to_message()),
        },
        many => Finding::new(id, Status::Fail, msg!("tls-rpt-multiple")).with_all(
            many.iter()
                .map(|r| Evidence::new(subject.clone(), (*r).clone())),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mailauth::testing::{renders, txt_timeout};
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
        assert_eq!(finding(&d, &txt_timeout()).status, Status::Error);
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
        let bad = finding(&d, &txt(&["v=TLSRPTv1; rua=ftp://x.example"]));
        assert!(bad.evidence.iter().any(|e| {
            e.detail_message.as_ref().is_some_and(|m| {
                crate::mailauth::testing::english(m)
                    == "rua: \"ftp://x.example\" is not a usable destination: the ftp: scheme is \
                        not supported; only mailto: and https: are (RFC 8460 §3)"
            })
        }));
        for f in [
            bad,
            finding(&d, &txt(&["v=TLSRPTv1; rua=mailto:tls@example.com"])),
            finding(&d, &txt(&[])),
            finding(&d, &txt_timeout()),
            without_mail_servers(true),
            without_mail_servers(false),
        ] {
            renders(&f);
        }
        for record in [
            "v=TLSRPTv1",
            "v=TLSRPTv1; rua=a,",
            "v=TLSRPTv1; rua=mailto:a b@c.example",
            "v=TLSRPTv1; rua=mailto:nobody",
            "v=TLSRPTv1; rua=mailto:%ff@x.example",
            "v=TLSRPTv1; rua=mailto:a@-x",
            "v=TLSRPTv1; rua=https://",
            "v=TLSRPTv1; rua=https://[x",
            "v=TLSRPTv1; rua=mailto:a@b.example; rua=mailto:c@d.example",
            "v=TLSRPTv1; rua=mailto:a@b.example; x=a=b",
            "v=tlsrptv1; rua=mailto:a@b.example",
        ] {
            let e = parse(record).expect_err(record);
            crate::mailauth::testing::english(&e.to_message());
        }
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
