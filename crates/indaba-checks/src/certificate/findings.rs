//! Findings from certificate assessments, for any set of check ids.

use indaba_model::catalogue::ids;
use indaba_model::tls::TlsTransport;
use indaba_model::{Arg, Evidence, Finding, Message, Status, ToMessage, msg};
use time::OffsetDateTime;

use super::inspect::date;
use super::{Assessment, Distrust, NoChain, PathError, Presented, Trust};

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

/// The sentences of one certificate check, by status; `not_tested` says
/// what is missing.
struct Summaries {
    pass: Message,
    fail: Message,
    warning: Option<Message>,
    info: Option<Message>,
    error: Message,
}

/// Collects one status and its evidence per endpoint, then sums up.
struct Tally {
    statuses: Vec<Status>,
    evidence: Vec<Evidence>,
    /// Endpoints judged.
    endpoints: usize,
    /// Endpoints without TLS, by transport.
    no_tls: Vec<TlsTransport>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            statuses: Vec::new(),
            evidence: Vec::new(),
            endpoints: 0,
            no_tls: Vec::new(),
        }
    }

    /// The endpoint's report, or `None` after noting why there is none.
    fn report<'a>(&mut self, a: &'a Assessment) -> Option<&'a super::ChainReport> {
        self.endpoints += 1;
        match &a.report {
            Ok(r) => Some(r),
            Err(why) => {
                self.untested(a, why);
                None
            }
        }
    }

    fn untested(&mut self, a: &Assessment, why: &NoChain) {
        self.statuses.push(why.status());
        if let Some(transport) = why.missing_tls() {
            self.no_tls.push(transport);
        }
        self.evidence.push(Evidence::new(
            a.subject(),
            msg!(
                "cert-untested",
                status = crate::tls::status_word(why.status()),
                reason = why.to_message()
            ),
        ));
    }

    fn add(&mut self, a: &Assessment, status: Status, detail: Message) {
        self.statuses.push(status);
        self.evidence.push(Evidence::new(a.subject(), detail));
    }

    fn finish(self, id: &str, summaries: Summaries) -> Finding {
        let Some(status) = Status::worst(self.statuses) else {
            return Finding::new(id, Status::NotTested, msg!("cert-no-servers"));
        };
        let summary = match status {
            Status::Pass => summaries.pass,
            Status::Fail => summaries.fail,
            Status::Warning => summaries.warning.unwrap_or(summaries.error),
            Status::Info => summaries.info.unwrap_or(summaries.error),
            Status::Error => summaries.error,
            Status::NotTested => match self.no_tls.first() {
                Some(transport) => {
                    crate::tls::not_tested_summary(*transport, self.no_tls.len(), self.endpoints)
                }
                None => msg!("cert-not-tested-no-certificate"),
            },
            Status::NotApplicable => msg!("cert-no-servers"),
        };
        Finding::new(id, status, summary).with_all(self.evidence)
    }
}

/// The chain leads to a trusted root. Where the address is in
/// `dane_authenticated`, a failure is information only.
pub fn trust(id: &str, assessed: &[Assessment], dane_authenticated: &[String]) -> Finding {
    let mut t = Tally::new();
    for a in assessed {
        let Some(report) = t.report(a) else { continue };
        match &report.trust {
            Trust::Trusted { path } => t.add(
                a,
                Status::Pass,
                msg!("cert-trusted", path = path.join(" → ")),
            ),
            Trust::Untrusted { error, reasons } => {
                let dane = dane_authenticated.contains(&a.address);
                let status = if dane { Status::Info } else { Status::Fail };
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
                let why: Vec<Arg> = reasons.iter().map(|r| r.to_message().into()).collect();
                let mut detail = if why.is_empty() {
                    msg!("cert-untrusted", reasons = error.to_message())
                } else if explained {
                    msg!("cert-untrusted", reasons = Arg::List(why))
                } else {
                    msg!(
                        "cert-untrusted-validation",
                        reasons = Arg::List(why),
                        validation = error.to_message()
                    )
                };
                if dane {
                    detail = msg!("cert-untrusted-but-dane", detail = detail);
                }
                t.add(a, status, detail);
            }
        }
        if let Some(leaf) = report.certificates.first() {
            t.evidence.push(cert_evidence(a, leaf));
        }
    }
    t.finish(
        id,
        Summaries {
            pass: msg!("cert-trust-pass"),
            fail: msg!("cert-trust-fail"),
            warning: None,
            info: Some(msg!("cert-trust-info")),
            error: msg!("cert-trust-error"),
        },
    )
}

fn cert_evidence(a: &Assessment, p: &Presented) -> Evidence {
    let detail = match &p.details {
        Ok(d) => msg!("cert-details", role = p.role(), summary = d.summary()),
        Err(e) => msg!(
            "cert-unreadable",
            certificate = p.label(),
            error = e.to_message()
        ),
    };
    Evidence::new(a.subject(), detail)
}

/// Key strength of every presented certificate except trust-store roots
/// (see [`per_certificate`]).
pub fn public_key(id: &str, assessed: &[Assessment]) -> Finding {
    per_certificate(assessed, |p| {
        let d = p.details.as_ref().ok()?;
        let rating = d.key.rating();
        Some((
            rating.status(),
            msg!(
                "cert-key-rated",
                certificate = p.label(),
                key = d.key.to_message(),
                rating = rating.to_message()
            ),
        ))
    })
    .finish(
        id,
        Summaries {
            pass: msg!("cert-public-key-pass"),
            fail: msg!("cert-public-key-fail"),
            warning: Some(msg!("cert-public-key-warning")),
            info: None,
            error: msg!("cert-public-key-error"),
        },
    )
}

/// Signature hash of every presented certificate except trust-store roots
/// and self-signed certificates (whose own signature nobody relies on).
pub fn signature(id: &str, assessed: &[Assessment]) -> Finding {
    per_certificate(assessed, |p| {
        let d = p.details.as_ref().ok()?;
        if d.self_issued {
            return Some((
                Status::Pass,
                msg!(
                    "cert-self-signed-not-judged",
                    certificate = p.label(),
                    algorithm = d.signature.name.as_str()
                ),
            ));
        }
        let rating = d.signature.hash.rating();
        Some((
            rating.status(),
            msg!(
                "cert-signature-rated",
                certificate = p.label(),
                algorithm = d.signature.name.as_str(),
                rating = rating.to_message()
            ),
        ))
    })
    .finish(
        id,
        Summaries {
            pass: msg!("cert-signature-pass"),
            fail: msg!("cert-signature-fail"),
            warning: Some(msg!("cert-signature-warning")),
            info: None,
            error: msg!("cert-signature-error"),
        },
    )
}

/// Judges each presented certificate with `judge` (`None`: unreadable).
/// Roots of the trust store are not judged: the client takes their key and
/// signature on trust.
fn per_certificate(
    assessed: &[Assessment],
    judge: impl Fn(&Presented) -> Option<(Status, Message)>,
) -> Tally {
    let mut t = Tally::new();
    for a in assessed {
        let Some(report) = t.report(a) else { continue };
        for p in &report.certificates {
            if p.is_store_root {
                t.add(
                    a,
                    Status::Pass,
                    msg!("cert-store-root-not-judged", certificate = p.label()),
                );
                continue;
            }
            match (judge(p), &p.details) {
                (Some((status, detail)), _) => t.add(a, status, detail),
                (None, Err(e)) => t.add(
                    a,
                    Status::Error,
                    msg!(
                        "cert-unreadable",
                        certificate = p.label(),
                        error = e.to_message()
                    ),
                ),
                (None, Ok(_)) => {}
            }
        }
        if report.not_examined > 0 {
            t.evidence.push(Evidence::new(
                a.subject(),
                msg!("cert-not-examined", count = report.not_examined),
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
        let Some(report) = t.report(a) else { continue };
        let status = if report.name.is_match() {
            Status::Pass
        } else if dane_authenticated.contains(&a.address) {
            Status::Info
        } else {
            Status::Fail
        };
        let mut detail = report.name.to_message();
        if status == Status::Info {
            detail = msg!("cert-name-but-dane", detail = detail);
        }
        t.add(a, status, detail);
        if let Some(leaf) = report.certificates.first() {
            t.evidence.push(cert_evidence(a, leaf));
        }
    }
    t.finish(
        id,
        Summaries {
            pass: msg!("cert-name-pass"),
            fail: msg!("cert-name-fail"),
            warning: None,
            info: Some(msg!("cert-name-info")),
            error: msg!("cert-name-error"),
        },
    )
}

/// The server certificate is within its validity period at `now`, and not
/// within [`EXPIRY_WARNING_DAYS`] of its end.
pub fn expiry(id: &str, assessed: &[Assessment], now: OffsetDateTime) -> Finding {
    let mut t = Tally::new();
    for a in assessed {
        let Some(report) = t.report(a) else { continue };
        let Some(leaf) = report.leaf() else {
            t.add(a, Status::Error, msg!("cert-leaf-unreadable"));
            continue;
        };
        let left = leaf.not_after - now;
        let (status, detail) = if now > leaf.not_after {
            (
                Status::Fail,
                msg!("cert-expired-on", date = date(leaf.not_after)),
            )
        } else if now < leaf.not_before {
            (
                Status::Fail,
                msg!("cert-not-valid-before", date = date(leaf.not_before)),
            )
        } else if left < time::Duration::days(EXPIRY_WARNING_DAYS) {
            (
                Status::Warning,
                msg!(
                    "cert-expires-soon",
                    date = date(leaf.not_after),
                    days = left.whole_days()
                ),
            )
        } else {
            (
                Status::Pass,
                msg!(
                    "cert-valid-until",
                    from = date(leaf.not_before),
                    until = date(leaf.not_after),
                    days = left.whole_days()
                ),
            )
        };
        t.add(a, status, detail);
        if let Some(p) = report.certificates.first() {
            t.evidence.push(cert_evidence(a, p));
        }
    }
    t.finish(
        id,
        Summaries {
            pass: msg!("cert-expiry-pass"),
            fail: msg!("cert-expiry-fail"),
            warning: Some(msg!("cert-expiry-warning", days = EXPIRY_WARNING_DAYS)),
            info: None,
            error: msg!("cert-expiry-error"),
        },
    )
}
