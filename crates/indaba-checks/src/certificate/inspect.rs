//! What one certificate says about itself: names, dates, key and signature,
//! and how the NCSC-NL TLS guidelines rate the key and the signature hash.
//!
//! Parsing is x509-parser's. Two things are read here by hand because the
//! parser gets them wrong or not at all: the RSA modulus length (x509-parser
//! 0.18 counts a leading zero byte and reports 0 for a modulus whose first
//! byte has the high bit set) and the RSA key inside an RSASSA-PSS key
//! identifier, which it does not parse.

use std::fmt;

use indaba_model::{Message, ToMessage, msg};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey;
use x509_parser::signature_algorithm::RsaSsaPssParams;

/// Most names taken from one subjectAltName; a certificate with more is
/// still judged on the first ones (CAs cap SANs far below this).
const MAX_NAMES: usize = 1000;

pub use indaba_model::Rating;

/// A named elliptic curve.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Curve {
    /// secp224r1 (NIST P-224).
    P224,
    /// secp256r1 (NIST P-256).
    P256,
    /// secp384r1 (NIST P-384).
    P384,
    /// secp521r1 (NIST P-521).
    P521,
    /// brainpoolP256r1 (RFC 5639).
    BrainpoolP256r1,
    /// brainpoolP384r1.
    BrainpoolP384r1,
    /// brainpoolP512r1.
    BrainpoolP512r1,
    /// Any other named curve, by OID.
    Other(String),
    /// Curve parameters spelled out in the key instead of a named curve.
    ExplicitParameters,
    /// No curve given (implicitly CA-defined).
    Implicit,
}

impl Curve {
    /// The curve's usual name, for a named curve this module knows.
    pub fn name(&self) -> Option<&'static str> {
        Some(match self {
            Curve::P224 => "P-224",
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::BrainpoolP256r1 => "brainpoolP256r1",
            Curve::BrainpoolP384r1 => "brainpoolP384r1",
            Curve::BrainpoolP512r1 => "brainpoolP512r1",
            Curve::Other(_) | Curve::ExplicitParameters | Curve::Implicit => return None,
        })
    }
}

impl ToMessage for Curve {
    fn to_message(&self) -> Message {
        match (self, self.name()) {
            (_, Some(name)) => msg!("cert-curve", name = name),
            (Curve::Other(oid), None) => msg!("cert-curve-oid", oid = oid.as_str()),
            (Curve::ExplicitParameters, None) => msg!("cert-curve-explicit"),
            _ => msg!("cert-curve-implicit"),
        }
    }
}

/// The kind and size of a certificate's public key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PublicKeyKind {
    /// RSA (PKCS #1 or RSASSA-PSS), with the modulus length in bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// ECDSA/ECDH on a named curve.
    Ec {
        /// The curve.
        curve: Curve,
    },
    /// Ed25519 (RFC 8410).
    Ed25519,
    /// Ed448 (RFC 8410).
    Ed448,
    /// DSA, with the length of the public value in bits.
    Dsa {
        /// Length of the public value in bits.
        bits: usize,
    },
    /// Anything else, by algorithm OID.
    Other {
        /// The algorithm OID.
        algorithm: String,
    },
}

impl PublicKeyKind {
    /// The NCSC-NL rating: RSA ≥ 3072 good, 2048–3071 sufficient, less
    /// insufficient; P-256/384/521, brainpoolP256/384/512r1, Ed25519 and Ed448
    /// good; P-224 phase out; everything else (DSA, other curves, unknown
    /// algorithms) insufficient.
    pub fn rating(&self) -> Rating {
        match self {
            PublicKeyKind::Rsa { bits } if *bits >= 3072 => Rating::Good,
            PublicKeyKind::Rsa { bits } if *bits >= 2048 => Rating::Sufficient,
            PublicKeyKind::Rsa { .. } => Rating::Insufficient,
            PublicKeyKind::Ec { curve } => match curve {
                Curve::P256
                | Curve::P384
                | Curve::P521
                | Curve::BrainpoolP256r1
                | Curve::BrainpoolP384r1
                | Curve::BrainpoolP512r1 => Rating::Good,
                Curve::P224 => Rating::PhaseOut,
                Curve::Other(_) | Curve::ExplicitParameters | Curve::Implicit => {
                    Rating::Insufficient
                }
            },
            PublicKeyKind::Ed25519 | PublicKeyKind::Ed448 => Rating::Good,
            PublicKeyKind::Dsa { .. } | PublicKeyKind::Other { .. } => Rating::Insufficient,
        }
    }
}

impl ToMessage for PublicKeyKind {
    fn to_message(&self) -> Message {
        match self {
            PublicKeyKind::Rsa { bits } => msg!("cert-key-rsa", bits = *bits),
            PublicKeyKind::Ec { curve } => msg!("cert-key-ec", curve = curve.to_message()),
            PublicKeyKind::Ed25519 => msg!("cert-key-named", name = "Ed25519"),
            PublicKeyKind::Ed448 => msg!("cert-key-named", name = "Ed448"),
            PublicKeyKind::Dsa { bits } => msg!("cert-key-dsa", bits = *bits),
            PublicKeyKind::Other { algorithm } => {
                msg!("cert-key-other", algorithm = algorithm.as_str())
            }
        }
    }
}

/// The hash function a signature uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureHash {
    /// MD2.
    Md2,
    /// MD4.
    Md4,
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// EdDSA (Ed25519, Ed448): the hash is part of the scheme.
    EdDsa,
    /// A hash or scheme this module does not know.
    Unknown,
}

impl SignatureHash {
    /// The NCSC-NL rating: SHA-256/384/512 and EdDSA good, SHA-224 phase
    /// out, SHA-1 and the MDs insufficient. An unknown hash cannot be shown
    /// to be secure, so it is insufficient too.
    pub fn rating(self) -> Rating {
        match self {
            SignatureHash::Sha256
            | SignatureHash::Sha384
            | SignatureHash::Sha512
            | SignatureHash::EdDsa => Rating::Good,
            SignatureHash::Sha224 => Rating::PhaseOut,
            SignatureHash::Md2
            | SignatureHash::Md4
            | SignatureHash::Md5
            | SignatureHash::Sha1
            | SignatureHash::Unknown => Rating::Insufficient,
        }
    }
}

/// A certificate's signature algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignatureAlgorithm {
    /// A readable name (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`, ...),
    /// or the OID when unknown.
    pub name: String,
    /// The hash it uses.
    pub hash: SignatureHash,
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Why a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// Not a DER X.509 certificate (the parser's words).
    #[error("not a valid X.509 certificate: {0}")]
    Parse(String),
    /// A validity time outside what can be represented.
    #[error("validity time {0} is out of range")]
    TimeOutOfRange(i64),
    /// Bytes after the certificate.
    #[error("{0} bytes follow the certificate's DER encoding")]
    TrailingData(usize),
}

impl ToMessage for CertificateError {
    fn to_message(&self) -> Message {
        match self {
            CertificateError::Parse(reason) => {
                msg!("cert-error-parse", reason = reason.as_str())
            }
            CertificateError::TimeOutOfRange(seconds) => {
                msg!("cert-error-time", seconds = *seconds)
            }
            CertificateError::TrailingData(n) => msg!("cert-error-trailing", count = *n),
        }
    }
}

/// What a certificate says, in the form the checks use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDetails {
    /// Subject distinguished name (RFC 4514 style).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, hex with colons.
    pub serial: String,
    /// Start of the validity period.
    pub not_before: OffsetDateTime,
    /// End of the validity period.
    pub not_after: OffsetDateTime,
    /// The public key.
    pub key: PublicKeyKind,
    /// The signature algorithm of the certificate (the issuer's signature).
    pub signature: SignatureAlgorithm,
    /// dNSName entries of the subjectAltName, or why the extension could not
    /// be read. Empty when there is no subjectAltName.
    pub dns_names: Result<Vec<String>, String>,
    /// True when the certificate has a subjectAltName extension.
    pub has_san: bool,
    /// Common names in the subject (shown as evidence, never matched).
    pub common_names: Vec<String>,
    /// basicConstraints cA is true.
    pub is_ca: bool,
    /// Subject and issuer are the same name (a self-signed or self-issued
    /// certificate).
    pub self_issued: bool,
    /// SHA-256 of the whole certificate, lower-case hex.
    pub sha256: String,
    /// DER of the whole certificate.
    pub der: Vec<u8>,
    /// DER of the SubjectPublicKeyInfo (TLSA selector 1).
    pub spki: Vec<u8>,
    /// DER of the subject Name.
    pub subject_der: Vec<u8>,
    /// DER of the issuer Name.
    pub issuer_der: Vec<u8>,
}

impl CertificateDetails {
    /// One line for evidence: subject, issuer, key, signature, dates.
    pub fn summary(&self) -> Message {
        msg!(
            "cert-summary",
            subject = name_arg(&self.subject),
            issuer = name_arg(&self.issuer),
            key = self.key.to_message(),
            key_rating = self.key.rating().to_message(),
            signature = self.signature.name.as_str(),
            signature_rating = self.signature.hash.rating().to_message(),
            not_before = date(self.not_before),
            not_after = date(self.not_after)
        )
    }

    /// Whether the certificate is within its validity period at `now`.
    pub fn valid_at(&self, now: OffsetDateTime) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// A distinguished name for a message: the name, or "(empty)".
fn name_arg(name: &str) -> indaba_model::Arg {
    if name.is_empty() {
        indaba_model::Arg::Msg(msg!("cert-empty-name"))
    } else {
        indaba_model::Arg::from(name)
    }
}

/// A date for evidence (`2025-06-01 12:00:00 UTC`).
pub fn date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Reads a DER certificate.
pub fn inspect(der: &[u8]) -> Result<CertificateDetails, CertificateError> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| CertificateError::Parse(e.to_string()))?;
    if !rest.is_empty() {
        return Err(CertificateError::TrailingData(rest.len()));
    }
    let validity = cert.validity();
    let not_before = timestamp(validity.not_before.timestamp())?;
    let not_after = timestamp(validity.not_after.timestamp())?;
    let spki = cert.public_key();
    let (dns_names, has_san) = match cert.subject_alternative_name() {
        Ok(None) => (Ok(Vec::new()), false),
        Ok(Some(san)) => (
            Ok(san
                .value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(name) => Some((*name).to_string()),
                    _ => None,
                })
                .take(MAX_NAMES)
                .collect()),
            true,
        ),
        Err(e) => (Err(e.to_string()), true),
    };
    let common_names = cert
        .subject()
        .iter_common_name()
        .map(|cn| {
            cn.as_str()
                .map(str::to_string)
                .unwrap_or_else(|_| "?".to_string())
        })
        .take(MAX_NAMES)
        .collect();
    let subject_der = cert.subject().as_raw().to_vec();
    let issuer_der = cert.issuer().as_raw().to_vec();
    Ok(CertificateDetails {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string(),
        not_before,
        not_after,
        key: public_key_kind(spki),
        signature: signature_algorithm(&cert.signature_algorithm),
        dns_names,
        has_san,
        common_names,
        is_ca: cert.is_ca(),
        self_issued: subject_der == issuer_der,
        sha256: hex_lower(ring::digest::digest(&ring::digest::SHA256, der).as_ref()),
        der: der.to_vec(),
        spki: spki.raw.to_vec(),
        subject_der,
        issuer_der,
    })
}

fn timestamp(seconds: i64) -> Result<OffsetDateTime, CertificateError> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| CertificateError::TimeOutOfRange(seconds))
}

/// Lower-case hex.
pub fn hex_lower(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_DSA: &str = "1.2.840.10040.4.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_ED448: &str = "1.3.101.113";

fn public_key_kind(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> PublicKeyKind {
    let algorithm = spki.algorithm.algorithm.to_id_string();
    match algorithm.as_str() {
        OID_RSA | OID_RSA_PSS => PublicKeyKind::Rsa {
            bits: rsa_modulus_bits(&spki.subject_public_key.data).unwrap_or(0),
        },
        OID_EC => {
            let curve = match spki.algorithm.parameters.as_ref().map(|p| p.as_oid()) {
                Some(Ok(oid)) => curve(&oid.to_id_string()),
                Some(Err(_)) => Curve::ExplicitParameters,
                None => Curve::Implicit,
            };
            PublicKeyKind::Ec { curve }
        }
        OID_ED25519 => PublicKeyKind::Ed25519,
        OID_ED448 => PublicKeyKind::Ed448,
        OID_DSA => PublicKeyKind::Dsa {
            bits: match spki.parsed() {
                Ok(PublicKey::DSA(y)) => significant_bits(y),
                _ => 0,
            },
        },
        _ => PublicKeyKind::Other { algorithm },
    }
}

fn curve(oid: &str) -> Curve {
    match oid {
        "1.3.132.0.33" => Curve::P224,
        "1.2.840.10045.3.1.7" => Curve::P256,
        "1.3.132.0.34" => Curve::P384,
        "1.3.132.0.35" => Curve::P521,
        "1.3.36.3.3.2.8.1.1.7" => Curve::BrainpoolP256r1,
        "1.3.36.3.3.2.8.1.1.11" => Curve::BrainpoolP384r1,
        "1.3.36.3.3.2.8.1.1.13" => Curve::BrainpoolP512r1,
        other => Curve::Other(other.to_string()),
    }
}

/// The bit length of the modulus in an RSAPublicKey (RFC 8017 A.1.1).
fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let (tag, body, rest) = super::der::read_tlv(key)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let (tag, modulus, _) = super::der::read_tlv(body)?;
    (tag == 0x02).then(|| significant_bits(modulus))
}

/// Bits of a big-endian unsigned integer without its leading zeros.
fn significant_bits(bytes: &[u8]) -> usize {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    match bytes.get(start..) {
        Some([first, rest @ ..]) => rest.len() * 8 + (8 - first.leading_zeros() as usize),
        _ => 0,
    }
}

fn signature_algorithm(alg: &x509_parser::x509::AlgorithmIdentifier<'_>) -> SignatureAlgorithm {
    let oid = alg.algorithm.to_id_string();
    let known = |name: &str, hash| SignatureAlgorithm {
        name: name.to_string(),
        hash,
    };
    use SignatureHash as H;
    match oid.as_str() {
        "1.2.840.113549.1.1.2" => known("md2WithRSAEncryption", H::Md2),
        "1.2.840.113549.1.1.3" => known("md4WithRSAEncryption", H::Md4),
        "1.2.840.113549.1.1.4" => known("md5WithRSAEncryption", H::Md5),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => known("sha1WithRSAEncryption", H::Sha1),
        "1.2.840.113549.1.1.14" => known("sha224WithRSAEncryption", H::Sha224),
        "1.2.840.113549.1.1.11" => known("sha256WithRSAEncryption", H::Sha256),
        "1.2.840.113549.1.1.12" => known("sha384WithRSAEncryption", H::Sha384),
        "1.2.840.113549.1.1.13" => known("sha512WithRSAEncryption", H::Sha512),
        OID_RSA_PSS => {
            // RFC 4055 §3.1: the hash defaults to SHA-1 when absent.
            let hash = match alg.parameters.as_ref().map(RsaSsaPssParams::try_from) {
                Some(Ok(params)) => hash_by_oid(&params.hash_algorithm_oid().to_id_string()),
                Some(Err(_)) => H::Unknown,
                None => H::Sha1,
            };
            SignatureAlgorithm {
                name: format!("RSASSA-PSS/{}", hash_name(hash)),
                hash,
            }
        }
        "1.2.840.10045.4.1" => known("ecdsa-with-SHA1", H::Sha1),
        "1.2.840.10045.4.3.1" => known("ecdsa-with-SHA224", H::Sha224),
        "1.2.840.10045.4.3.2" => known("ecdsa-with-SHA256", H::Sha256),
        "1.2.840.10045.4.3.3" => known("ecdsa-with-SHA384", H::Sha384),
        "1.2.840.10045.4.3.4" => known("ecdsa-with-SHA512", H::Sha512),
        "1.2.840.10040.4.3" => known("dsa-with-SHA1", H::Sha1),
        "2.16.840.1.101.3.4.3.1" => known("dsa-with-SHA224", H::Sha224),
        "2.16.840.1.101.3.4.3.2" => known("dsa-with-SHA256", H::Sha256),
        OID_ED25519 => known("Ed25519", H::EdDsa),
        OID_ED448 => known("Ed448", H::EdDsa),
        _ => SignatureAlgorithm {
            name: oid.clone(),
            hash: H::Unknown,
        },
    }
}

fn hash_by_oid(oid: &str) -> SignatureHash {
    match oid {
        "1.2.840.113549.2.5" => SignatureHash::Md5,
        "1.3.14.3.2.26" => SignatureHash::Sha1,
        "2.16.840.1.101.3.4.2.4" => SignatureHash::Sha224,
        "2.16.840.1.101.3.4.2.1" => SignatureHash::Sha256,
        "2.16.840.1.101.3.4.2.2" => SignatureHash::Sha384,
        "2.16.840.1.101.3.4.2.3" => SignatureHash::Sha512,
        _ => SignatureHash::Unknown,
    }
}

fn hash_name(hash: SignatureHash) -> &'static str {
    match hash {
        SignatureHash::Md2 => "MD2",
        SignatureHash::Md4 => "MD4",
        SignatureHash::Md5 => "MD5",
        SignatureHash::Sha1 => "SHA-1",
        SignatureHash::Sha224 => "SHA-224",
        SignatureHash::Sha256 => "SHA-256",
        SignatureHash::Sha384 => "SHA-384",
        SignatureHash::Sha512 => "SHA-512",
        SignatureHash::EdDsa => "EdDSA",
        SignatureHash::Unknown => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_bits_ignores_leading_zeros() {
        assert_eq!(significant_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(significant_bits(&[0x01, 0x00]), 9);
        assert_eq!(significant_bits(&[0x00, 0x00]), 0);
        assert_eq!(significant_bits(&[]), 0);
    }

    #[test]
    fn ratings_follow_the_guidelines() {
        assert_eq!(PublicKeyKind::Rsa { bits: 4096 }.rating(), Rating::Good);
        assert_eq!(PublicKeyKind::Rsa { bits: 3072 }.rating(), Rating::Good);
        assert_eq!(
            PublicKeyKind::Rsa { bits: 3071 }.rating(),
            Rating::Sufficient
        );
        assert_eq!(
            PublicKeyKind::Rsa { bits: 2048 }.rating(),
            Rating::Sufficient
        );
        assert_eq!(
            PublicKeyKind::Rsa { bits: 2047 }.rating(),
            Rating::Insufficient
        );
        assert_eq!(
            PublicKeyKind::Ec { curve: Curve::P224 }.rating(),
            Rating::PhaseOut
        );
        assert_eq!(
            PublicKeyKind::Ec {
                curve: Curve::Other("1.3.132.0.10".into())
            }
            .rating(),
            Rating::Insufficient
        );
        assert_eq!(SignatureHash::Sha224.rating(), Rating::PhaseOut);
        assert_eq!(SignatureHash::Sha1.rating(), Rating::Insufficient);
        assert_eq!(SignatureHash::EdDsa.rating(), Rating::Good);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(inspect(b"").is_err());
        assert!(inspect(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
    }
}
