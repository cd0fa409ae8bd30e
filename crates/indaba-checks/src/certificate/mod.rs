//! The server certificate: is the chain trusted, are its keys and signatures
//! strong enough, does it name the host, is it within its validity period.
//!
//! Input is what the TLS probe saw at each address — the certificates the
//! server presented (DER, leaf first) or why there were none — plus the host
//! name tested, a [`TrustStore`] and the time to judge at. [`assess`] reads
//! every chain once; the finding functions in [`findings`] turn the
//! assessments into findings for whichever check ids they are given, so the
//! same code serves the web test (`web.cert.*`) and the mail test
//! (`mail.cert.*`).
//!
//! What is judged, and on what grounds:
//! - **trust** — RFC 5280 path validation by rustls-webpki against the trust
//!   store: signatures, validity periods of every certificate on the path,
//!   basic and name constraints, serverAuth usage. webpki refuses SHA-1 and
//!   MD5 signatures and RSA keys under 2048 bits, as browsers do, so such a
//!   chain is untrusted. When validation fails, our own reading of the
//!   chain (x509-parser) says why in terms an owner can act on: self-signed,
//!   unknown issuer (missing intermediate), expired, weak signature or key.
//!   The host name is *not* part of trust: it has its own check, so one
//!   mistake is not counted twice.
//! - **public key** and **signature** — every presented certificate except
//!   roots of the trust store (whose key and signature the client takes on
//!   trust), rated in the words of the NCSC-NL TLS guidelines: good and
//!   sufficient pass, phase out warns, insufficient fails. A self-signed
//!   certificate's own signature is not judged: no client relies on it (a
//!   trust anchor is trusted by its key; a DANE-EE leaf by its TLSA record).
//!   internet.nl judges it; we do not, because a SHA-1 self-signature on a
//!   DANE-authenticated mail server's certificate weakens nothing.
//! - **name** — the leaf against the host, by RFC 9525 (see [`names`]).
//! - **expiry** — the leaf: fail when expired or not yet valid, warning when
//!   it expires within 14 days. Intermediates' dates count under trust.
//!
//! An address without a chain to judge gives `not_tested` evidence when the
//! chain is missing (no TLS on the address, no certificate presented: the
//! check earns nothing and says so) and `error` evidence when it could not
//! be read (a timeout); never a failure. Across addresses a finding takes
//! the worst status ([`Status::worst`](indaba_model::Status::worst)): a
//! known problem is reported even when another address could not be
//! tested. The findings speak in message ids (`locales/en/findings-web.ftl`).

pub(crate) mod der;
pub mod findings;
pub mod inspect;
pub mod names;
pub(crate) mod path;
pub mod store;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

use indaba_model::tls::TlsTransport;
use indaba_model::{Message, Status, ToMessage, msg};
use time::OffsetDateTime;

pub use findings::{CertChecks, findings};
pub use inspect::{
    CertificateDetails, CertificateError, Curve, PublicKeyKind, Rating, SignatureAlgorithm,
    SignatureHash, inspect,
};
pub use names::NameMatch;
pub use path::PathError;
pub use store::{TrustStore, TrustStoreError};

/// Most certificates of one chain that are examined; real chains have 2–5.
pub const MAX_CHAIN: usize = 20;

/// What the TLS probe saw at one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Where the server was reached (`192.0.2.1:443`, `[2001:db8::1]:25`).
    pub address: String,
    /// The host name tested (sent as SNI), in any form; it is converted to
    /// A-labels for matching.
    pub host: String,
    /// The certificates presented, DER, leaf first; or why there are none.
    pub chain: Result<Vec<Vec<u8>>, NoChain>,
}

/// Why an address has no certificate chain to judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoChain {
    /// The address does not answer with TLS (no HTTPS, no STARTTLS, every
    /// version refused): what the checks test is missing, so they are
    /// `not_tested` and earn nothing.
    NoTls {
        /// How TLS was to be reached (it picks the words: "no web server
        /// answers over HTTPS", "no mail server offers STARTTLS").
        transport: TlsTransport,
        /// What happened.
        reason: Message,
    },
    /// TLS works but no certificate was presented or recorded: `not_tested`.
    NoCertificate(Message),
    /// The chain could not be read (a timeout, stored data that does not
    /// decode): `error`.
    Failed(Message),
}

impl NoChain {
    /// The status of a check that has no chain for this reason.
    pub fn status(&self) -> Status {
        match self {
            NoChain::NoTls { .. } | NoChain::NoCertificate(_) => Status::NotTested,
            NoChain::Failed(_) => Status::Error,
        }
    }

    /// The transport whose TLS is missing, when that is the reason.
    pub fn missing_tls(&self) -> Option<TlsTransport> {
        match self {
            NoChain::NoTls { transport, .. } => Some(*transport),
            _ => None,
        }
    }
}

impl ToMessage for NoChain {
    fn to_message(&self) -> Message {
        match self {
            NoChain::NoTls { reason, .. }
            | NoChain::NoCertificate(reason)
            | NoChain::Failed(reason) => reason.clone(),
        }
    }
}

/// One presented certificate, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    /// Position in the chain as sent: 0 is the leaf.
    pub position: usize,
    /// What it says, or why it could not be read.
    pub details: Result<CertificateDetails, CertificateError>,
    /// True when it is a root of the trust store (same subject and key).
    pub is_store_root: bool,
}

impl Presented {
    /// Which certificate of the chain this is, with its subject.
    pub fn cert_ref(&self) -> CertRef {
        CertRef {
            position: self.position,
            subject: match &self.details {
                Ok(d) => d.subject.clone(),
                Err(_) => String::new(),
            },
        }
    }

    /// "server certificate" or "chain certificate 2".
    pub fn role(&self) -> Message {
        role(self.position)
    }

    /// "chain certificate 2 (CN=R11,O=Let's Encrypt,C=US)" for evidence.
    pub fn label(&self) -> Message {
        self.cert_ref().to_message()
    }
}

fn role(position: usize) -> Message {
    if position == 0 {
        msg!("cert-role-server")
    } else {
        msg!("cert-role-chain", position = position)
    }
}

/// One certificate of a presented chain: its position (0 is the server
/// certificate) and subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertRef {
    /// Position in the chain as sent.
    pub position: usize,
    /// The subject, empty when it could not be read.
    pub subject: String,
}

impl ToMessage for CertRef {
    fn to_message(&self) -> Message {
        if self.subject.is_empty() {
            role(self.position)
        } else {
            msg!(
                "cert-labelled",
                role = role(self.position),
                subject = self.subject.as_str()
            )
        }
    }
}

/// Why a chain is not trusted, in terms an owner can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Distrust {
    /// The server certificate is self-signed and not a trusted root.
    SelfSigned,
    /// The chain ends in a self-signed root that is not in the trust store.
    UntrustedRoot {
        /// The root's subject.
        subject: String,
    },
    /// The chain ends in a certificate whose issuer is neither sent nor
    /// trusted: most often a missing intermediate.
    UnknownIssuer {
        /// The issuer named by the top certificate.
        issuer: String,
    },
    /// A certificate has expired.
    Expired {
        /// Which certificate.
        certificate: CertRef,
        /// Its notAfter.
        not_after: OffsetDateTime,
    },
    /// A certificate is not valid yet.
    NotYetValid {
        /// Which certificate.
        certificate: CertRef,
        /// Its notBefore.
        not_before: OffsetDateTime,
    },
    /// A certificate is signed with a hash no longer accepted.
    WeakSignature {
        /// Which certificate.
        certificate: CertRef,
        /// The algorithm.
        algorithm: String,
    },
    /// An issuing certificate has an RSA key under 2048 bits.
    WeakKey {
        /// Which certificate.
        certificate: CertRef,
        /// The key.
        key: PublicKeyKind,
    },
    /// A certificate could not be read.
    Unreadable {
        /// Which certificate.
        certificate: CertRef,
        /// Why.
        error: CertificateError,
    },
}

impl ToMessage for Distrust {
    fn to_message(&self) -> Message {
        use inspect::date;
        match self {
            Distrust::SelfSigned => msg!("cert-distrust-self-signed"),
            Distrust::UntrustedRoot { subject } => {
                msg!("cert-distrust-untrusted-root", subject = subject.as_str())
            }
            Distrust::UnknownIssuer { issuer } => {
                msg!("cert-distrust-unknown-issuer", issuer = issuer.as_str())
            }
            Distrust::Expired {
                certificate,
                not_after,
            } => msg!(
                "cert-distrust-expired",
                certificate = certificate.to_message(),
                date = date(*not_after)
            ),
            Distrust::NotYetValid {
                certificate,
                not_before,
            } => msg!(
                "cert-distrust-not-yet-valid",
                certificate = certificate.to_message(),
                date = date(*not_before)
            ),
            Distrust::WeakSignature {
                certificate,
                algorithm,
            } => msg!(
                "cert-distrust-weak-signature",
                certificate = certificate.to_message(),
                algorithm = algorithm.as_str()
            ),
            Distrust::WeakKey { certificate, key } => msg!(
                "cert-distrust-weak-key",
                certificate = certificate.to_message(),
                key = key.to_message()
            ),
            Distrust::Unreadable { certificate, error } => msg!(
                "cert-distrust-unreadable",
                certificate = certificate.to_message(),
                error = error.to_message()
            ),
        }
    }
}

/// Whether the chain leads to a trusted root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// A valid path to a root of the store.
    Trusted {
        /// Subjects along the path, the server certificate first and the
        /// root last.
        path: Vec<String>,
    },
    /// No valid path.
    Untrusted {
        /// What the validator reported.
        error: PathError,
        /// Why, as read from the chain (may be empty when only `error` says).
        reasons: Vec<Distrust>,
    },
}

/// A chain, read and judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// The certificates examined, as sent.
    pub certificates: Vec<Presented>,
    /// Certificates past [`MAX_CHAIN`] that were not examined.
    pub not_examined: usize,
    /// Trust.
    pub trust: Trust,
    /// The server certificate against the host name.
    pub name: NameMatch,
}

impl ChainReport {
    /// The server certificate, when it could be read.
    pub fn leaf(&self) -> Option<&CertificateDetails> {
        self.certificates
            .first()
            .and_then(|p| p.details.as_ref().ok())
    }
}

/// One endpoint, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Where the server was reached.
    pub address: String,
    /// The host name tested.
    pub host: String,
    /// The chain's report, or why there is none to judge.
    pub report: Result<ChainReport, NoChain>,
}

impl Assessment {
    /// "192.0.2.1:443 (www.example.nl)" for evidence.
    pub fn subject(&self) -> String {
        format!("{} ({})", self.address, self.host)
    }
}

/// A chain as stored in observations (base64 DER, leaf first), decoded.
pub fn decode_chain(stored: &[String]) -> Result<Vec<Vec<u8>>, NoChain> {
    use base64::Engine;
    stored
        .iter()
        .map(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|e| {
                    NoChain::Failed(msg!("cert-stored-not-base64", reason = e.to_string()))
                })
        })
        .collect()
}

/// Reads and judges every endpoint's chain.
pub fn assess(endpoints: &[Endpoint], store: &TrustStore, now: OffsetDateTime) -> Vec<Assessment> {
    endpoints
        .iter()
        .map(|e| Assessment {
            address: e.address.clone(),
            host: e.host.clone(),
            report: match &e.chain {
                Err(why) => Err(why.clone()),
                Ok(chain) if chain.is_empty() => {
                    Err(NoChain::NoCertificate(msg!("cert-none-sent")))
                }
                Ok(chain) => Ok(report(chain, &e.host, store, now)),
            },
        })
        .collect()
}

/// Reads and judges one chain (DER, leaf first) for `host`.
pub fn report(
    chain: &[Vec<u8>],
    host: &str,
    store: &TrustStore,
    now: OffsetDateTime,
) -> ChainReport {
    let examined = chain.get(..MAX_CHAIN).unwrap_or(chain);
    let certificates: Vec<Presented> = examined
        .iter()
        .enumerate()
        .map(|(position, der)| {
            let details = inspect(der);
            let is_store_root = details
                .as_ref()
                .map(|d| store.root_for(&d.subject_der, &d.spki).is_some())
                .unwrap_or(false);
            Presented {
                position,
                details,
                is_store_root,
            }
        })
        .collect();
    let trust = trust(examined, &certificates, store, now);
    let name = match certificates.first().map(|p| &p.details) {
        Some(Ok(leaf)) => names::check(leaf, &[host.to_string()]),
        Some(Err(e)) => NameMatch::Unreadable(e.to_message()),
        None => NameMatch::Unreadable(msg!("cert-none-sent")),
    };
    ChainReport {
        certificates,
        not_examined: chain.len().saturating_sub(examined.len()),
        trust,
        name,
    }
}

fn trust(
    chain: &[Vec<u8>],
    certificates: &[Presented],
    store: &TrustStore,
    now: OffsetDateTime,
) -> Trust {
    let Some((leaf, rest)) = chain.split_first() else {
        return Trust::Untrusted {
            error: PathError::Malformed("EmptyChain".into()),
            reasons: Vec::new(),
        };
    };
    match path::validate(leaf, rest, store.anchors(), now, None) {
        Ok(valid) => {
            let mut path = vec![subject_of(leaf)];
            path.extend(valid.intermediates.iter().map(|c| subject_of(c)));
            path.push(root_subject(store, valid.anchor));
            Trust::Trusted { path }
        }
        Err(error) => Trust::Untrusted {
            error,
            reasons: explain(certificates, store, now),
        },
    }
}

/// A subject for the trusted path; "?" stands for one that cannot be read
/// (webpki accepted the path, so this does not happen in practice).
fn subject_of(der: &[u8]) -> String {
    inspect(der)
        .map(|d| d.subject)
        .unwrap_or_else(|_| "?".to_string())
}

fn root_subject(store: &TrustStore, index: usize) -> String {
    use x509_parser::prelude::FromDer;
    let Some(root) = store.roots().get(index) else {
        return "?".to_string();
    };
    let wrapped = der::wrap_sequence(root.anchor.subject.as_ref());
    match x509_parser::x509::X509Name::from_der(&wrapped) {
        Ok((_, name)) => name.to_string(),
        Err(_) => "?".to_string(),
    }
}

/// Why a chain that failed validation fails, read from the certificates.
fn explain(certificates: &[Presented], store: &TrustStore, now: OffsetDateTime) -> Vec<Distrust> {
    let mut reasons = Vec::new();
    for p in certificates {
        let d = match &p.details {
            Err(e) => {
                reasons.push(Distrust::Unreadable {
                    certificate: p.cert_ref(),
                    error: e.clone(),
                });
                continue;
            }
            Ok(d) => d,
        };
        if p.is_store_root {
            continue;
        }
        if now > d.not_after {
            reasons.push(Distrust::Expired {
                certificate: p.cert_ref(),
                not_after: d.not_after,
            });
        } else if now < d.not_before {
            reasons.push(Distrust::NotYetValid {
                certificate: p.cert_ref(),
                not_before: d.not_before,
            });
        }
        if !d.self_issued && d.signature.hash.rating() == Rating::Insufficient {
            reasons.push(Distrust::WeakSignature {
                certificate: p.cert_ref(),
                algorithm: d.signature.name.clone(),
            });
        }
        // Only an issuer's key is refused by the validator (it verifies
        // signatures made with it); a small server key is the key check's.
        if let PublicKeyKind::Rsa { bits } = d.key
            && bits < 2048
            && p.position > 0
        {
            reasons.push(Distrust::WeakKey {
                certificate: p.cert_ref(),
                key: d.key.clone(),
            });
        }
    }
    if let Some(top) = top_of_chain(certificates) {
        match &top.details {
            Ok(d) if top.is_store_root || store.has_subject(&d.issuer_der) => {}
            Ok(d) if d.self_issued && top.position == 0 => reasons.insert(0, Distrust::SelfSigned),
            Ok(d) if d.self_issued => reasons.insert(
                0,
                Distrust::UntrustedRoot {
                    subject: d.subject.clone(),
                },
            ),
            Ok(d) => reasons.insert(
                0,
                Distrust::UnknownIssuer {
                    issuer: d.issuer.clone(),
                },
            ),
            Err(_) => {}
        }
    }
    reasons
}

/// The certificate reached by following issuers from the leaf through the
/// presented certificates (each used once, so a loop ends).
fn top_of_chain(certificates: &[Presented]) -> Option<&Presented> {
    let mut current = certificates.first()?;
    let mut used = vec![false; certificates.len()];
    if let Some(u) = used.get_mut(0) {
        *u = true;
    }
    loop {
        let Ok(d) = &current.details else {
            return Some(current);
        };
        if d.self_issued {
            return Some(current);
        }
        let next = certificates.iter().find(|c| {
            !used.get(c.position).copied().unwrap_or(true)
                && c.details
                    .as_ref()
                    .is_ok_and(|cd| cd.subject_der == d.issuer_der)
        });
        match next {
            Some(n) => {
                if let Some(u) = used.get_mut(n.position) {
                    *u = true;
                }
                current = n;
            }
            None => return Some(current),
        }
    }
}
