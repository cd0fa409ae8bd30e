//! DANE: TLSA records (RFC 6698) and whether they authenticate the server,
//! by the rules of RFC 7671 for any TLS service and RFC 7672 for SMTP.
//!
//! [`tlsa`] parses records and sorts out the usable ones, [`verify`] matches
//! them against a presented chain, [`findings`] turns per-endpoint results
//! into the `*.dane.*` findings for whichever ids it is given.
//!
//! TLSA records count only when DNSSEC proves them (RFC 6698 §4.1, RFC 7672
//! §2.2): the caller says how the lookup went with [`TlsaLookup`], and
//! records that are insecure or bogus are reported, never used. A server
//! without TLS (no HTTPS, no STARTTLS) has no DANE to test: its findings are
//! `not_tested`, as are the validity and rollover checks of a host that
//! publishes no usable records (what they test is missing; internet.nl
//! leaves them untested too).

pub mod findings;
#[cfg(test)]
mod tests;
pub mod tlsa;
pub mod verify;

use indaba_model::{Message, ToMessage, msg};
use time::OffsetDateTime;

use crate::certificate::{NoChain, TrustStore};

pub use findings::{DaneChecks, findings};
pub use tlsa::{MatchingType, Protocol, Selector, Tlsa, TlsaError, Unusable, Usage, usable};
pub use verify::{Authentication, DaneFailure, DaneOutcome, DaneVerdict, MatchedAt, verify};

/// How the TLSA lookup went, with its DNSSEC status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsaLookup {
    /// Records, and DNSSEC proves them.
    Secure(Vec<Tlsa>),
    /// Records, but in an unsigned zone: they must not be used.
    Insecure(Vec<Tlsa>),
    /// DNSSEC validation failed; the reason.
    Bogus(indaba_model::Message),
    /// No TLSA records (NXDOMAIN or NODATA).
    NoRecords,
    /// The lookup gave no answer (timeout, SERVFAIL...); the reason.
    Failed(indaba_model::Message),
}

impl TlsaLookup {
    /// The records DANE may use: those of a secure answer.
    pub fn secure_records(&self) -> Option<&[Tlsa]> {
        match self {
            TlsaLookup::Secure(records) if !records.is_empty() => Some(records),
            _ => None,
        }
    }
}

/// What the probes saw at one address: the TLSA answer for its TLSA name
/// and the chain the server presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaneEndpoint {
    /// Where the server was reached (`192.0.2.1:25`).
    pub address: String,
    /// The host name: the TLSA base domain, and the first reference
    /// identifier for name checks.
    pub host: String,
    /// Further reference identifiers (for SMTP the next-hop domain,
    /// RFC 7672 §3.2.3); usually empty.
    pub extra_names: Vec<String>,
    /// The name the TLSA records were asked for (`_25._tcp.mx.example.nl`).
    pub tlsa_name: String,
    /// The TLSA answer.
    pub tlsa: TlsaLookup,
    /// The certificates presented, DER, leaf first; or why there are none.
    pub chain: Result<Vec<Vec<u8>>, NoChain>,
}

/// One endpoint, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaneAssessment {
    /// Where the server was reached.
    pub address: String,
    /// The host name.
    pub host: String,
    /// The TLSA name.
    pub tlsa_name: String,
    /// The TLSA answer.
    pub tlsa: TlsaLookup,
    /// `None` when there are no secure records to use; otherwise the
    /// verdict, or why the server could not be tested.
    pub verdict: Option<Result<DaneVerdict, NoChain>>,
    /// The protocol rules applied.
    pub protocol: Protocol,
    /// One line on the server certificate (subject, issuer, key, signature,
    /// dates), when one was presented and could be read.
    pub leaf: Option<Message>,
    /// Why the server has no chain, when it has none (no TLS at all makes
    /// every DANE finding of the server `not_tested`).
    pub no_chain: Option<NoChain>,
}

impl DaneAssessment {
    /// "192.0.2.1:25 (mx.example.nl)" for evidence.
    pub fn subject(&self) -> String {
        format!("{} ({})", self.address, self.host)
    }

    /// Why DANE cannot be tested here at all: the server has no TLS (or no
    /// certificate), so what DANE protects is missing.
    pub fn missing(&self) -> Option<Message> {
        self.no_chain
            .as_ref()
            .filter(|why| why.status() == indaba_model::Status::NotTested)
            .map(ToMessage::to_message)
    }

    /// True when DANE authenticated the server.
    pub fn authenticated(&self) -> bool {
        matches!(
            self.verdict,
            Some(Ok(DaneVerdict {
                outcome: DaneOutcome::Authenticated(_),
                ..
            }))
        )
    }
}

/// Judges every endpoint.
pub fn assess(
    endpoints: &[DaneEndpoint],
    store: &TrustStore,
    now: OffsetDateTime,
    protocol: Protocol,
) -> Vec<DaneAssessment> {
    endpoints
        .iter()
        .map(|e| {
            let verdict = e.tlsa.secure_records().map(|records| match &e.chain {
                Err(why) => Err(why.clone()),
                Ok(chain) => {
                    let mut names = vec![e.host.clone()];
                    names.extend(e.extra_names.iter().cloned());
                    Ok(verify(records, chain, &names, store, now, protocol))
                }
            });
            let leaf = e
                .chain
                .as_ref()
                .ok()
                .and_then(|c| c.first())
                .and_then(|der| crate::certificate::inspect(der).ok())
                .map(|d| {
                    msg!(
                        "cert-details",
                        role = msg!("cert-role-server"),
                        summary = d.summary()
                    )
                });
            DaneAssessment {
                leaf,
                no_chain: e.chain.as_ref().err().cloned(),
                address: e.address.clone(),
                host: e.host.clone(),
                tlsa_name: e.tlsa_name.clone(),
                tlsa: e.tlsa.clone(),
                verdict,
                protocol,
            }
        })
        .collect()
}

/// The addresses where DANE authenticated the server: pass them to
/// `certificate::findings` so mail trust and name failures there are only
/// information.
pub fn authenticated(assessed: &[DaneAssessment]) -> Vec<String> {
    assessed
        .iter()
        .filter(|a| a.authenticated())
        .map(|a| a.address.clone())
        .collect()
}
