//! Matching TLSA records against the chain a server presented (RFC 6698
//! §2.1, RFC 7671 §5, RFC 7672 §3).
//!
//! - **DANE-EE(3)** matches the server certificate (or its key). Nothing
//!   else is checked: not the name, not the dates, not the issuer
//!   (RFC 7671 §5.1). A match authenticates.
//! - **DANE-TA(2)** matches a certificate the server sent above its own (or,
//!   with matching type Full(0), supplies the trust anchor certificate or
//!   key in the record itself, RFC 7671 §5.2). The chain must then
//!   validate from that anchor down to the server certificate — signatures,
//!   the dates of the server and intermediate certificates, constraints —
//!   and the server certificate must carry one of the reference names
//!   (RFC 7671 §5.2, RFC 7672 §3.2.3). The anchor's own dates are not
//!   checked: a trust anchor is trusted by its key.
//! - **PKIX-EE(1)** and **PKIX-TA(0)** need all that against the trust
//!   store's roots as well, with the matched certificate on the validated
//!   path (RFC 6698 §2.1.1). Full(0) certificates published as PKIX-TA or
//!   DANE-TA records may complete the path, as a client would use them.
//!
//! One usable record that authenticates is enough. The records are tried
//! in the order DANE-EE, DANE-TA (closest to the server certificate
//! first), PKIX-EE, PKIX-TA, and the first that authenticates is reported;
//! when none does, the first failure of a record that did match is
//! reported, as it says the most (a matching record with a wrong name beats
//! "no match").
//!
//! A DANE-TA record that matches only the server certificate itself is not
//! a trust anchor for it and does not count.

use indaba_model::{Message, ToMessage, msg};
use rustls_pki_types::{CertificateDer, TrustAnchor};
use time::OffsetDateTime;

use super::tlsa::{MatchingType, Protocol, Selector, Tlsa, Unusable, Usage, usable};
use crate::certificate::der::{sequence_contents, wrap_sequence};
use crate::certificate::names::{self, NameMatch};
use crate::certificate::path::{self, PathError};
use crate::certificate::{CertificateDetails, MAX_CHAIN, TrustStore, inspect};

/// Where a record matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchedAt {
    /// The certificate at this depth of the (validated) chain: 0 is the
    /// server certificate. A trust anchor taken from a Full(0) record sits
    /// above the highest certificate it signed.
    Depth(usize),
    /// The record holds the trust anchor's public key itself (DANE-TA,
    /// SPKI, Full); it signed the certificate at this depth.
    KeyInRecord {
        /// Depth of the certificate the key signed.
        signed: usize,
    },
}

impl ToMessage for MatchedAt {
    fn to_message(&self) -> Message {
        match self {
            MatchedAt::Depth(0) => msg!("dane-at-server-certificate"),
            MatchedAt::Depth(d) => msg!("dane-at-depth", depth = *d),
            MatchedAt::KeyInRecord { signed } => msg!("dane-at-key-in-record", depth = *signed),
        }
    }
}

/// A successful DANE authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authentication {
    /// The record that authenticated the server.
    pub record: Tlsa,
    /// Where it matched.
    pub at: MatchedAt,
    /// The name check, for usages that make one (all but DANE-EE).
    pub name: Option<NameMatch>,
}

/// Why the usable records do not authenticate the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaneFailure {
    /// No usable record matches any certificate.
    NoMatch,
    /// A DANE-TA record matched, but the chain does not validate from it.
    ChainInvalid {
        /// The record.
        record: Tlsa,
        /// Where it matched.
        at: MatchedAt,
        /// Why the chain fails.
        error: PathError,
    },
    /// A PKIX record matched, but PKIX validation fails.
    PkixInvalid {
        /// The record.
        record: Tlsa,
        /// Where it matched.
        at: MatchedAt,
        /// Why validation fails.
        error: PathError,
    },
    /// A record matched and the chain is valid, but the server certificate
    /// does not carry a reference name.
    NameMismatch {
        /// The record.
        record: Tlsa,
        /// Where it matched.
        at: MatchedAt,
        /// The name check.
        name: NameMatch,
    },
    /// The server sent no certificate.
    NoCertificate,
}

impl ToMessage for DaneFailure {
    fn to_message(&self) -> Message {
        match self {
            DaneFailure::NoMatch => msg!("dane-failure-no-match"),
            DaneFailure::ChainInvalid { record, at, error } => msg!(
                "dane-failure-chain-invalid",
                record = record.parameters(),
                at = at.to_message(),
                error = error.to_message()
            ),
            DaneFailure::PkixInvalid { record, at, error } => msg!(
                "dane-failure-pkix-invalid",
                record = record.parameters(),
                at = at.to_message(),
                error = error.to_message()
            ),
            DaneFailure::NameMismatch { record, at, name } => msg!(
                "dane-failure-name-mismatch",
                record = record.parameters(),
                at = at.to_message(),
                name = name.to_message()
            ),
            DaneFailure::NoCertificate => msg!("dane-failure-no-certificate"),
        }
    }
}

/// The result of DANE authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaneOutcome {
    /// A record authenticates the server.
    Authenticated(Authentication),
    /// No record in the RRset can be used.
    NoUsableRecords,
    /// Usable records, none of which authenticates the server.
    Failed(DaneFailure),
}

/// DANE authentication of one chain, with the records it used and ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaneVerdict {
    /// The result.
    pub outcome: DaneOutcome,
    /// The records that were used.
    pub usable: Vec<Tlsa>,
    /// The records that were not, and why.
    pub ignored: Vec<(Tlsa, Unusable)>,
}

/// One chain certificate, read for matching.
struct ChainCert<'a> {
    der: &'a [u8],
    details: Option<CertificateDetails>,
}

impl ChainCert<'_> {
    fn spki(&self) -> Option<&[u8]> {
        self.details.as_ref().map(|d| d.spki.as_slice())
    }

    fn matches(&self, record: &Tlsa) -> bool {
        record.matches(self.der, self.spki())
    }
}

/// The TLSA-supplied trust anchor a DANE-TA record names.
enum TaCandidate {
    /// A certificate of the chain at this position.
    Chain(usize),
    /// The whole certificate in a Full(0) record.
    CertInRecord,
    /// The public key in a Full(0) record.
    KeyInRecord,
}

/// Authenticates `chain` (DER, leaf first) with `records` per `protocol`.
/// `names` are the reference identifiers for the name check of DANE-TA and
/// PKIX usages: the TLSA base domain first, for SMTP the next-hop domain
/// may follow (RFC 7672 §3.2.3). `store` serves PKIX-TA/PKIX-EE only.
pub fn verify(
    records: &[Tlsa],
    chain: &[Vec<u8>],
    names: &[String],
    store: &TrustStore,
    now: OffsetDateTime,
    protocol: Protocol,
) -> DaneVerdict {
    let (usable, ignored) = usable(records, protocol);
    let outcome = if usable.is_empty() {
        DaneOutcome::NoUsableRecords
    } else {
        authenticate(&usable, chain, names, store, now)
    };
    DaneVerdict {
        outcome,
        usable,
        ignored,
    }
}

fn authenticate(
    usable: &[Tlsa],
    chain: &[Vec<u8>],
    names: &[String],
    store: &TrustStore,
    now: OffsetDateTime,
) -> DaneOutcome {
    let examined = chain.get(..MAX_CHAIN).unwrap_or(chain);
    let certs: Vec<ChainCert<'_>> = examined
        .iter()
        .map(|der| ChainCert {
            der,
            details: inspect(der).ok(),
        })
        .collect();
    let Some(leaf) = certs.first() else {
        return DaneOutcome::Failed(DaneFailure::NoCertificate);
    };
    let with_usage = |u: Usage| usable.iter().filter(move |r| r.usage() == u);
    let mut failure: Option<DaneFailure> = None;
    let mut note = |f: DaneFailure| {
        if failure.is_none() {
            failure = Some(f);
        }
    };

    if let Some(record) = with_usage(Usage::DaneEe).find(|r| leaf.matches(r)) {
        return DaneOutcome::Authenticated(Authentication {
            record: record.clone(),
            at: MatchedAt::Depth(0),
            name: None,
        });
    }

    // Certificates published in Full(0) TA records may complete a chain.
    let record_certs: Vec<Vec<u8>> = usable
        .iter()
        .filter(|r| {
            matches!(r.usage(), Usage::DaneTa | Usage::PkixTa)
                && r.selector() == Selector::Cert
                && r.matching_type() == MatchingType::Full
        })
        .map(|r| r.data().to_vec())
        .collect();
    let mut intermediates: Vec<Vec<u8>> = examined.iter().skip(1).cloned().collect();
    intermediates.extend(record_certs.iter().cloned());

    let mut found: Option<Authentication> = None;
    for record in with_usage(Usage::DaneTa) {
        let mut candidates: Vec<TaCandidate> = certs
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, c)| c.matches(record))
            .map(|(i, _)| TaCandidate::Chain(i))
            .collect();
        if candidates.is_empty() && record.matching_type() == MatchingType::Full {
            candidates.push(match record.selector() {
                Selector::Spki => TaCandidate::KeyInRecord,
                _ => TaCandidate::CertInRecord,
            });
        }
        for candidate in candidates {
            match dane_ta(record, &candidate, &certs, &intermediates, now) {
                Err((at, error)) => note(DaneFailure::ChainInvalid {
                    record: record.clone(),
                    at,
                    error,
                }),
                Ok(at) => match name_check(leaf, names) {
                    Ok(name) => {
                        let closer = found.as_ref().is_none_or(|f| depth(at) < depth(f.at));
                        if closer {
                            found = Some(Authentication {
                                record: record.clone(),
                                at,
                                name: Some(name),
                            });
                        }
                    }
                    Err(name) => note(DaneFailure::NameMismatch {
                        record: record.clone(),
                        at,
                        name,
                    }),
                },
            }
        }
    }
    if let Some(auth) = found {
        return DaneOutcome::Authenticated(auth);
    }

    for record in with_usage(Usage::PkixEe).filter(|r| leaf.matches(r)) {
        let at = MatchedAt::Depth(0);
        match path::validate(leaf.der, &intermediates, store.anchors(), now, None) {
            Err(error) => note(DaneFailure::PkixInvalid {
                record: record.clone(),
                at,
                error,
            }),
            Ok(_) => match name_check(leaf, names) {
                Ok(name) => {
                    return DaneOutcome::Authenticated(Authentication {
                        record: record.clone(),
                        at,
                        name: Some(name),
                    });
                }
                Err(name) => note(DaneFailure::NameMismatch {
                    record: record.clone(),
                    at,
                    name,
                }),
            },
        }
    }

    for record in with_usage(Usage::PkixTa) {
        let Some(seen_at) = pkix_ta_match(record, &certs, &record_certs, store) else {
            continue;
        };
        let on_path = |p: &webpki::VerifiedPath<'_>| {
            p.intermediate_certificates().any(|c| {
                record.matches(c.der().as_ref(), Some(c.subject_public_key_info().as_ref()))
            }) || anchor_matches(record, store, p.anchor())
        };
        match path::validate(
            leaf.der,
            &intermediates,
            store.anchors(),
            now,
            Some(&on_path),
        ) {
            Err(error) => note(DaneFailure::PkixInvalid {
                record: record.clone(),
                at: seen_at,
                error,
            }),
            Ok(valid) => {
                let at = pkix_ta_depth(record, &valid);
                match name_check(leaf, names) {
                    Ok(name) => {
                        return DaneOutcome::Authenticated(Authentication {
                            record: record.clone(),
                            at,
                            name: Some(name),
                        });
                    }
                    Err(name) => note(DaneFailure::NameMismatch {
                        record: record.clone(),
                        at,
                        name,
                    }),
                }
            }
        }
    }
    DaneOutcome::Failed(failure.unwrap_or(DaneFailure::NoMatch))
}

fn depth(at: MatchedAt) -> usize {
    match at {
        MatchedAt::Depth(d) => d,
        MatchedAt::KeyInRecord { signed } => signed + 1,
    }
}

fn name_check(leaf: &ChainCert<'_>, names: &[String]) -> Result<NameMatch, NameMatch> {
    let result = match &leaf.details {
        Some(d) => names::check(d, names),
        None => NameMatch::Unreadable(msg!("cert-leaf-unreadable")),
    };
    if result.is_match() {
        Ok(result)
    } else {
        Err(result)
    }
}

/// Validates the chain from the trust anchor a DANE-TA record names.
fn dane_ta(
    record: &Tlsa,
    candidate: &TaCandidate,
    certs: &[ChainCert<'_>],
    intermediates: &[Vec<u8>],
    now: OffsetDateTime,
) -> Result<MatchedAt, (MatchedAt, PathError)> {
    let leaf = certs.first().map(|c| c.der).unwrap_or_default();
    let top = certs.len().saturating_sub(1);
    match candidate {
        TaCandidate::Chain(i) => {
            let fail_at = MatchedAt::Depth(*i);
            let der = certs.get(*i).map(|c| c.der).unwrap_or_default();
            let cert = CertificateDer::from(der);
            let anchor = webpki::anchor_from_trusted_cert(&cert)
                .map_err(|e| (fail_at, PathError::Malformed(format!("{e:?}"))))?;
            path::validate(leaf, intermediates, &[anchor], now, None)
                .map(|p| MatchedAt::Depth(p.anchor_depth()))
                .map_err(|e| (fail_at, e))
        }
        TaCandidate::CertInRecord => {
            let fail_at = MatchedAt::Depth(top + 1);
            let cert = CertificateDer::from(record.data());
            let anchor = webpki::anchor_from_trusted_cert(&cert)
                .map_err(|e| (fail_at, PathError::Malformed(format!("{e:?}"))))?;
            path::validate(leaf, intermediates, &[anchor], now, None)
                .map(|p| MatchedAt::Depth(p.anchor_depth()))
                .map_err(|e| (fail_at, e))
        }
        TaCandidate::KeyInRecord => {
            let fail_at = MatchedAt::KeyInRecord { signed: top };
            let spki = sequence_contents(record.data()).ok_or((
                fail_at,
                PathError::Malformed("NotSubjectPublicKeyInfo".into()),
            ))?;
            // The key has no name of its own: it may have issued any
            // certificate of the chain, so it stands in under each issuer
            // name the chain uses, and webpki finds the one that verifies.
            let mut subjects: Vec<&[u8]> = Vec::new();
            for c in certs {
                if let Some(subject) = c
                    .details
                    .as_ref()
                    .and_then(|d| sequence_contents(&d.issuer_der))
                    && !subjects.contains(&subject)
                {
                    subjects.push(subject);
                }
            }
            let anchors: Vec<TrustAnchor<'_>> = subjects
                .into_iter()
                .map(|subject| TrustAnchor {
                    subject: subject.into(),
                    subject_public_key_info: spki.into(),
                    name_constraints: None,
                })
                .collect();
            path::validate(leaf, intermediates, &anchors, now, None)
                .map(|p| MatchedAt::KeyInRecord {
                    signed: p.intermediates.len(),
                })
                .map_err(|e| (fail_at, e))
        }
    }
}

/// Where a PKIX-TA record matches before validation: a chain certificate
/// above the leaf, a certificate it publishes itself, or a store root.
fn pkix_ta_match(
    record: &Tlsa,
    certs: &[ChainCert<'_>],
    record_certs: &[Vec<u8>],
    store: &TrustStore,
) -> Option<MatchedAt> {
    if let Some(i) = certs.iter().skip(1).position(|c| c.matches(record)) {
        return Some(MatchedAt::Depth(i + 1));
    }
    let above = MatchedAt::Depth(certs.len());
    let in_record = record_certs.iter().any(|der| {
        let spki = inspect(der).ok().map(|d| d.spki);
        record.matches(der, spki.as_deref())
    });
    if in_record {
        return Some(above);
    }
    store
        .anchors()
        .iter()
        .any(|a| anchor_matches(record, store, a))
        .then_some(above)
}

/// Whether a record matches a store root: by key always, by certificate
/// only when the store has the whole certificate (not `webpki-roots`).
fn anchor_matches(record: &Tlsa, store: &TrustStore, anchor: &TrustAnchor<'_>) -> bool {
    let spki = wrap_sequence(anchor.subject_public_key_info.as_ref());
    match record.selector() {
        Selector::Spki => record.matches(&[], Some(&spki)),
        _ => store.roots().iter().any(|root| {
            root.anchor.subject_public_key_info.as_ref() == anchor.subject_public_key_info.as_ref()
                && root.anchor.subject.as_ref() == anchor.subject.as_ref()
                && root
                    .certificate
                    .as_deref()
                    .is_some_and(|der| record.matches(der, Some(&spki)))
        }),
    }
}

/// Depth of the first certificate on a validated path that a PKIX-TA record
/// matches (the anchor when no intermediate does).
fn pkix_ta_depth(record: &Tlsa, valid: &path::ValidPath) -> MatchedAt {
    for (i, der) in valid.intermediates.iter().enumerate() {
        let spki = inspect(der).ok().map(|d| d.spki);
        if record.matches(der, spki.as_deref()) {
            return MatchedAt::Depth(i + 1);
        }
    }
    MatchedAt::Depth(valid.anchor_depth())
}
