//! Findings from certificate assessments, for any set of check ids.

use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Status};
use time::OffsetDateTime;

use super::inspect::{Rating, date};
use super::{Assessment, Distrust, PathError, Presented, Trust};

/// Days before expiry from which the expiry check warns.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// The check ids one test uses for its certificate findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertChecks {
    /// The chain leads to a trusted root.
    pub trust: &'static str,
    /// Key strength.
    pub public_key: &'static str,
    /// Signature hash strength.
    pub signature: &'static str,
    /// The certificate names the host.
    pub name: &'static str,
    /// Validity period; `None` when the test has no such check (mail).
    pub expiry: Option<&'static str>,
}

impl CertChecks {
    /// The web test's ids.
    pub const WEB: CertChecks = CertChecks {
        trust: ids::WEB_CERT_TRUST,
        public_key: ids::WEB_CERT_PUBLIC_KEY,
        signature: ids::WEB_CERT_SIGNATURE,
        name: ids::WEB_CERT_NAME,
        expiry: Some(ids::WEB_CERT_EXPIRY),
    };
    /// The mail test's ids.
    pub const MAIL: CertChecks = CertChecks {
        trust: ids::MAIL_CERT_TRUST,
        public_key: ids::MAIL_CERT_PUBLIC_KEY,
        signature: ids::MAIL_CERT_SIGNATURE,
        name: ids::MAIL_CERT_NAME,
        expiry: None,
    };
}

/// Every certificate finding of `checks`, in the order trust, public key,
/// signature, name, expiry. `dane_authenticated` lists the addresses where
/// DANE authenticated the server (see `dane::authenticated`): there a
/// failing trust or name is only information (RFC 7672 §3.1: DANE replaces
/// PKIX trust). Pass an empty slice for the web test.
pub fn findings(
    checks: &CertChecks,
    assessed: &[Assessment],
    dane_authenticated: &[String],
    now: OffsetDateTime,
) -> Vec<Finding> {
    let mut out = vec![
        trust(checks.trust, assessed, dane_authenticated),
        public_key(checks.public_key, assessed),
        signature(checks.signature, assessed),
        name(checks.name, assessed, dane_authenticated),
    ];
    if let Some(id) = checks.expiry {
        out.push(expiry(id, assessed, now));
    }
    out
}

fn worst(statuses: impl IntoIterator<Item = Status>) -> Option<Status> {
    Status::worst(statuses)
}

/// Collects one status and its evidence per endpoint, then sums up.
struct Tally {
    statuses: Vec<Status>,
    evidence: Vec<Evidence>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            statuses: Vec::new(),
            evidence: Vec::new(),
        }
    }

    fn untested(&mut self, a: &Assessment, why: &str) {
        self.statuses.push(Status::Error);
        self.evidence
            .push(Evidence::new(a.subject(), format!("not tested: {why}")));
    }

    fn add(&mut self, a: &Assessment, status: Status, detail: String) {
        self.statuses.push(status);
        self.evidence.push(Evidence::new(a.subject(), detail));
    }

    fn finish(self, id: &str, summary: impl Fn(Status) -> String) -> Finding {
        let status = worst(self.statuses).unwrap_or(Status::NotApplicable);
        Finding::new(id, status, summary(status)).with_all(self.evidence)
    }
}

fn no_servers() -> String {
    "No server certificate to judge.".to_string()
}

/// The chain leads to a trusted root. Where the address is in
/// `dane_authenticated`, a failure is information only.
pub fn trust(id: &str, assessed: &[Assessment], dane_authenticated: &[String]) -> Finding {
    let mut t = Tally::new();
    for a in assessed {
        let report = match &a.report {
            Err(why) => {
                t.untested(a, why);
                continue;
            }
            Ok(r) => r,
        };
        match &report.trust {
            Trust::Trusted { path } => {
                t.add(a, Status::Pass, format!("trusted: {}", path.join(" → ")))
            }
            Trust::Untrusted { error, reasons } => {
                let dane = dane_authenticated.contains(&a.address);
                let status = if dane { Status::Info } else { Status::Fail };
                let mut detail = "not trusted: ".to_string();
                let said: Vec<String> = reasons.iter().map(ToString::to_string).collect();
                detail.push_str(&said.join("; "));
                // The validator's own error adds nothing when the chain's
                // top already explains a missing issuer.
                let explained = *error == PathError::UnknownIssuer
                    && reasons.iter().any(|r| {
                        matches!(
                            r,
                            Distrust::SelfSigned
                                | Distrust::UntrustedRoot { .. }
                                | Distrust::UnknownIssuer { .. }
                        )
                    });
                if said.is_empty() {
                    detail.push_str(&error.to_string());
                } else if !explained {
                    detail.push_str(&format!(" (validation: {error})"));
                }
                if dane {
                    detail
                        .push_str("; DANE authenticates this server, so PKIX trust is not needed");
                }
                t.add(a, status, detail);
            }
        }
        if let Some(leaf) = report.certificates.first() {
            t.evidence.push(cert_evidence(a, leaf));
        }
    }
    t.finish(id, |s| match s {
        Status::Pass => "The certificate chain leads to a trusted root.".to_string(),
        Status::Fail => "The certificate chain does not lead to a trusted root.".to_string(),
        Status::Info => {
            "Not every chain leads to a trusted root, but DANE authenticates those servers."
                .to_string()
        }
        Status::Error => "The certificate chain could not be tested everywhere.".to_string(),
        _ => no_servers(),
    })
}

fn cert_evidence(a: &Assessment, p: &Presented) -> Evidence {
    let detail = match &p.details {
        Ok(d) => format!("{}: {}", p.role(), d.summary()),
        Err(e) => format!("{}: could not be read: {e}", p.label()),
    };
    Evidence::new(a.subject(), detail)
}

/// Key strength of every presented certificate except trust-store roots.
pub fn public_key(id: &str, assessed: &[Assessment]) -> Finding {
    per_certificate(assessed, |p| {
        let d = p.details.as_ref().ok()?;
        if p.is_store_root {
            return Some((
                Status::Pass,
                format!("{}: a root of the trust store, not judged", p.label()),
            ));
        }
        let rating = d.key.rating();
        Some((
            Rating::status(rating),
            format!(
                "{}: key {} ({})",
                p.label(),
                d.key,
                rating.as_str().replace('_', " ")
            ),
        ))
    })
    .finish(id, |s| match s {
        Status::Pass => "Every certificate key is strong enough.".to_string(),
        Status::Warning => "A certificate key is of a kind to phase out.".to_string(),
        Status::Fail => "A certificate key is too weak.".to_string(),
        Status::Error => "The certificate keys could not be tested everywhere.".to_string(),
        _ => no_servers(),
    })
}

/// Signature hash of every presented certificate except trust-store roots
/// and self-signed certificates (whose own signature nobody relies on).
pub fn signature(id: &str, assessed: &[Assessment]) -> Finding {
    per_certificate(assessed, |p| {
        let d = p.details.as_ref().ok()?;
        if p.is_store_root {
            return Some((
                Status::Pass,
                format!("{}: a root of the trust store, not judged", p.label()),
            ));
        }
        if d.self_issued {
            return Some((
                Status::Pass,
                format!(
                    "{}: self-signed with {}; its own signature is not relied on, not judged",
                    p.label(),
                    d.signature
                ),
            ));
        }
        let rating = d.signature.hash.rating();
        Some((
            Rating::status(rating),
            format!(
                "{}: signed with {} ({})",
                p.label(),
                d.signature,
                rating.as_str().replace('_', " ")
            ),
        ))
    })
    .finish(id, |s| match s {
        Status::Pass => "Every certificate is signed with a secure hash.".to_string(),
        Status::Warning => "A certificate is signed with a hash to phase out.".to_string(),
        Status::Fail => "A certificate is signed with an insecure hash.".to_string(),
        Status::Error => "The certificate signatures could not be tested everywhere.".to_string(),
        _ => no_servers(),
    })
}

/// Judges each presented certificate with `judge` (`None`: unreadable).
fn per_certificate(
    assessed: &[Assessment],
    judge: impl Fn(&Presented) -> Option<(Status, String)>,
) -> Tally {
    let mut t = Tally::new();
    for a in assessed {
        let report = match &a.report {
            Err(why) => {
                t.untested(a, why);
                continue;
            }
            Ok(r) => r,
        };
        for p in &report.certificates {
            match (judge(p), &p.details) {
                (Some((status, detail)), _) => t.add(a, status, detail),
                (None, Err(e)) => t.add(
                    a,
                    Status::Error,
                    format!("{}: could not be read: {e}", p.label()),
                ),
                (None, Ok(_)) => {}
            }
        }
        if report.not_examined > 0 {
            t.evidence.push(Evidence::new(
                a.subject(),
                format!(
                    "{} more certificates were sent and not examined",
                    report.not_examined
                ),
            ));
        }
    }
    t
}

/// The server certificate names the host. Where the address is in
/// `dane_authenticated`, a mismatch is information only.
pub fn name(id: &str, assessed: &[Assessment], dane_authenticated: &[String]) -> Finding {
    let mut t = Tally::new();
    for a in assessed {
        let report = match &a.report {
            Err(why) => {
                t.untested(a, why);
                continue;
            }
            Ok(r) => r,
        };
        let status = if report.name.is_match() {
            Status::Pass
        } else if dane_authenticated.contains(&a.address) {
            Status::Info
        } else {
            Status::Fail
        };
        let mut detail = report.name.describe();
        if status == Status::Info {
            detail.push_str("; DANE authenticates this server");
        }
        t.add(a, status, detail);
        if let Some(leaf) = report.certificates.first() {
            t.evidence.push(cert_evidence(a, leaf));
        }
    }
    t.finish(id, |s| match s {
        Status::Pass => "The certificate matches the server name.".to_string(),
        Status::Fail => "The certificate does not match the server name.".to_string(),
        Status::Info => {
            "Not every certificate matches the server name, but DANE authenticates those servers."
                .to_string()
        }
        Status::Error => "The certificate name could not be tested everywhere.".to_string(),
        _ => no_servers(),
    })
}

/// The server certificate is within its validity period at `now`, and not
/// within [`EXPIRY_WARNING_DAYS`] of its end.
pub fn expiry(id: &str, assessed: &[Assessment], now: OffsetDateTime) -> Finding {
    let mut t = Tally::new();
    for a in assessed {
        let report = match &a.report {
            Err(why) => {
                t.untested(a, why);
                continue;
            }
            Ok(r) => r,
        };
        let Some(leaf) = report.leaf() else {
            t.add(
                a,
                Status::Error,
                "the server certificate could not be read".to_string(),
            );
            continue;
        };
        let left = leaf.not_after - now;
        let (status, detail) = if now > leaf.not_after {
            (Status::Fail, format!("expired on {}", date(leaf.not_after)))
        } else if now < leaf.not_before {
            (
                Status::Fail,
                format!("not valid before {}", date(leaf.not_before)),
            )
        } else if left < time::Duration::days(EXPIRY_WARNING_DAYS) {
            (
                Status::Warning,
                format!(
                    "expires on {}, in {} days",
                    date(leaf.not_after),
                    left.whole_days()
                ),
            )
        } else {
            (
                Status::Pass,
                format!(
                    "valid from {} until {} ({} days left)",
                    date(leaf.not_before),
                    date(leaf.not_after),
                    left.whole_days()
                ),
            )
        };
        t.add(a, status, detail);
        if let Some(p) = report.certificates.first() {
            t.evidence.push(cert_evidence(a, p));
        }
    }
    t.finish(id, |s| match s {
        Status::Pass => "The certificate is valid and not about to expire.".to_string(),
        Status::Warning => format!("A certificate expires within {EXPIRY_WARNING_DAYS} days."),
        Status::Fail => "A certificate has expired or is not valid yet.".to_string(),
        Status::Error => "The certificate validity could not be tested everywhere.".to_string(),
        _ => no_servers(),
    })
}
