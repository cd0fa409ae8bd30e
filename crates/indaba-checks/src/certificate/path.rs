//! Certification path validation (RFC 5280 §6) by rustls-webpki: signature
//! checks, validity periods, basic and name constraints, the serverAuth
//! extended key usage, with path building over the certificates given.
//! webpki bounds its own work (signature checks, path-building calls, depth),
//! so a hostile chain cannot make it run long.

use std::cell::Cell;
use std::fmt;
use std::time::Duration;

use indaba_model::{Message, ToMessage, msg};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use time::OffsetDateTime;

/// A path webpki accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidPath {
    /// DER of the intermediates on the path, the leaf's issuer first.
    pub(crate) intermediates: Vec<Vec<u8>>,
    /// Index of the trust anchor in the slice given to [`validate`].
    pub(crate) anchor: usize,
}

impl ValidPath {
    /// Depth of the trust anchor: 0 is the leaf, so this is the number of
    /// intermediates plus one.
    pub(crate) fn anchor_depth(&self) -> usize {
        self.intermediates.len() + 1
    }
}

/// Why no certification path could be validated. `Display` is for logs;
/// findings use [`ToMessage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// No path leads to a trust anchor: an issuer is neither sent nor trusted.
    UnknownIssuer,
    /// A certificate on the path has expired.
    Expired,
    /// A certificate on the path is not valid yet.
    NotYetValid,
    /// A signature does not verify.
    BadSignature,
    /// A signature algorithm or key that is not accepted (SHA-1, MD5, RSA
    /// keys under 2048 bits, unknown algorithms).
    UnsupportedAlgorithm,
    /// A certificate is used for what it may not do.
    NotAllowed(Misuse),
    /// A certificate is malformed or uses an unsupported version or critical
    /// extension (webpki's name for the problem).
    Malformed(String),
    /// The key is explicitly distrusted.
    Distrusted,
    /// Path building gave up (too many candidate paths or signatures).
    TooComplex,
    /// Paths exist, but none passes through the certificate a TLSA record
    /// names (PKIX-TA).
    NotThroughRecord,
    /// Anything else webpki reports (its name for the problem).
    Other(String),
}

/// What a certificate on the path was used for but may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misuse {
    /// A CA certificate as the server certificate.
    CaAsServer,
    /// A server certificate as the issuer of another.
    ServerAsIssuer,
    /// No serverAuth extended key usage.
    NoServerAuth,
    /// The path length constraint.
    PathLength,
    /// Name constraints.
    NameConstraints,
}

impl ToMessage for PathError {
    fn to_message(&self) -> Message {
        match self {
            PathError::UnknownIssuer => msg!("cert-path-unknown-issuer"),
            PathError::Expired => msg!("cert-path-expired"),
            PathError::NotYetValid => msg!("cert-path-not-yet-valid"),
            PathError::BadSignature => msg!("cert-path-bad-signature"),
            PathError::UnsupportedAlgorithm => msg!("cert-path-unsupported-algorithm"),
            PathError::NotAllowed(misuse) => msg!(
                "cert-path-not-allowed",
                what = match misuse {
                    Misuse::CaAsServer => msg!("cert-misuse-ca-as-server"),
                    Misuse::ServerAsIssuer => msg!("cert-misuse-server-as-issuer"),
                    Misuse::NoServerAuth => msg!("cert-misuse-no-server-auth"),
                    Misuse::PathLength => msg!("cert-misuse-path-length"),
                    Misuse::NameConstraints => msg!("cert-misuse-name-constraints"),
                }
            ),
            PathError::Malformed(what) => msg!("cert-path-malformed", what = what.as_str()),
            PathError::Distrusted => msg!("cert-path-distrusted"),
            PathError::TooComplex => msg!("cert-path-too-complex"),
            PathError::NotThroughRecord => msg!("cert-path-not-through-record"),
            PathError::Other(what) => msg!("cert-path-other", what = what.as_str()),
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::UnknownIssuer => f.write_str(
                "no chain to a trusted root: an issuer certificate is neither sent by the server nor a trusted root",
            ),
            PathError::Expired => f.write_str("a certificate on the chain has expired"),
            PathError::NotYetValid => f.write_str("a certificate on the chain is not valid yet"),
            PathError::BadSignature => f.write_str("a certificate's signature does not verify"),
            PathError::UnsupportedAlgorithm => f.write_str(
                "a certificate uses a signature algorithm or key that is not accepted (such as SHA-1, MD5 or RSA under 2048 bits)",
            ),
            PathError::NotAllowed(what) => write!(f, "a certificate is used for what it may not do ({what:?})"),
            PathError::Malformed(what) => write!(f, "a certificate is malformed or unsupported ({what})"),
            PathError::Distrusted => f.write_str("a certificate's key is explicitly distrusted"),
            PathError::TooComplex => f.write_str("the chain is too complex to validate"),
            PathError::NotThroughRecord => {
                f.write_str("no valid chain passes through the certificate the TLSA record names")
            }
            PathError::Other(what) => write!(f, "validation failed ({what})"),
        }
    }
}

#[allow(deprecated)]
fn path_error(e: webpki::Error) -> PathError {
    use webpki::Error as E;
    match e {
        E::UnknownIssuer => PathError::UnknownIssuer,
        E::CertExpired { .. } => PathError::Expired,
        E::CertNotValidYet { .. } => PathError::NotYetValid,
        E::InvalidSignatureForPublicKey | E::SignatureAlgorithmMismatch => PathError::BadSignature,
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => PathError::UnsupportedAlgorithm,
        E::CaUsedAsEndEntity => PathError::NotAllowed(Misuse::CaAsServer),
        E::EndEntityUsedAsCa => PathError::NotAllowed(Misuse::ServerAsIssuer),
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            PathError::NotAllowed(Misuse::NoServerAuth)
        }
        E::PathLenConstraintViolated => PathError::NotAllowed(Misuse::PathLength),
        E::NameConstraintViolation => PathError::NotAllowed(Misuse::NameConstraints),
        E::CertDistrusted => PathError::Distrusted,
        E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumPathDepthExceeded
        | E::MaximumNameConstraintComparisonsExceeded => PathError::TooComplex,
        E::BadDer
        | E::BadDerTime
        | E::UnsupportedCertVersion
        | E::UnsupportedCriticalExtension
        | E::TrailingData(_)
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::InvalidCertValidity
        | E::InvalidSerialNumber => PathError::Malformed(format!("{e:?}")),
        other => PathError::Other(format!("{other:?}")),
    }
}

/// The validation time webpki takes; times before 1970 become 1970.
pub(crate) fn unix_time(now: OffsetDateTime) -> UnixTime {
    let secs = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

/// Validates `leaf` to one of `anchors` over `intermediates` (any order,
/// extra ones ignored) for TLS server use at `now`. `accept`, when given,
/// must approve a path before it counts; path building goes on past paths
/// it refuses.
pub(crate) fn validate(
    leaf: &[u8],
    intermediates: &[Vec<u8>],
    anchors: &[TrustAnchor<'_>],
    now: OffsetDateTime,
    accept: Option<&dyn Fn(&webpki::VerifiedPath<'_>) -> bool>,
) -> Result<ValidPath, PathError> {
    let leaf_der = CertificateDer::from(leaf);
    let ee = webpki::EndEntityCert::try_from(&leaf_der).map_err(path_error)?;
    let inter: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    let refused = Cell::new(false);
    let refused_ref = &refused;
    let filter = accept.map(|accept| {
        move |path: &webpki::VerifiedPath<'_>| {
            if accept(path) {
                Ok(())
            } else {
                refused_ref.set(true);
                Err(webpki::Error::UnknownIssuer)
            }
        }
    });
    let result = ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        anchors,
        &inter,
        unix_time(now),
        webpki::KeyUsage::server_auth(),
        None,
        filter
            .as_ref()
            .map(|f| f as &dyn Fn(&webpki::VerifiedPath<'_>) -> Result<(), webpki::Error>),
    );
    match result {
        Ok(path) => {
            let anchor = anchors
                .iter()
                .position(|a| std::ptr::eq(a, path.anchor()))
                .unwrap_or(0);
            Ok(ValidPath {
                intermediates: path
                    .intermediate_certificates()
                    .map(|c| c.der().as_ref().to_vec())
                    .collect(),
                anchor,
            })
        }
        Err(webpki::Error::UnknownIssuer) if refused.get() => Err(PathError::NotThroughRecord),
        Err(e) => Err(path_error(e)),
    }
}
