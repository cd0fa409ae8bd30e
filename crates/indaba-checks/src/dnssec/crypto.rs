//! The DNSSEC primitives: is this signature good, does this DS name this key,
//! what is this name's NSEC3 hash.
//!
//! The cryptography is hickory-proto's (ring underneath); this module adds the
//! rules around it from RFC 4035 §5.3.1 (signer, type, labels, key tag,
//! validity period) and turns every failure into a reason a person can act on.
//! The conformance harness drives these same functions with Unbound's vectors.

use hickory_proto::dnssec::rdata::{DNSKEY, DS, RRSIG};
use hickory_proto::dnssec::{Algorithm, DigestType, Nsec3HashAlgorithm, Verifier};
use hickory_proto::rr::{DNSClass, Name, Record, RecordType};
use indaba_model::{Message, ToMessage, msg};

/// Why one signature does not validate an RRset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The validity period ended before `now`.
    #[error("the signature expired at {}", crate::dnssec::crypto::timestamp(*.expiration))]
    Expired {
        /// Signature expiration (seconds since the epoch, serial arithmetic resolved).
        expiration: i64,
    },
    /// The validity period starts after `now`.
    #[error("the signature is not valid before {}", crate::dnssec::crypto::timestamp(*.inception))]
    NotYetValid {
        /// Signature inception.
        inception: i64,
    },
    /// The algorithm is not one we validate (RFC 8624 lists what a validator must support).
    #[error("algorithm {0} is not supported for validation")]
    UnsupportedAlgorithm(u8),
    /// The RRSIG does not belong to the key (tag, algorithm or signer differ) or to the RRset.
    #[error("the signature does not fit: {0}")]
    Mismatch(Mismatch),
    /// The key is not a zone key or is revoked.
    #[error("the key {0} may not sign zone data (not a zone key, or revoked)")]
    UnusableKey(u16),
    /// An RSA key too short to trust (RFC 8624 §3.1 deprecates keys below
    /// 1024 bits, which can be factored; ring refuses them).
    #[error(
        "the RSA key {tag} has only {bits} bits; keys under {MIN_RSA_BITS} bits are not trusted"
    )]
    KeyTooShort {
        /// Key tag.
        tag: u16,
        /// Modulus length.
        bits: usize,
    },
    /// The cryptographic check failed: the data or the signature was altered.
    #[error("the signature does not verify with key {0}")]
    BadSignature(u16),
}

/// How an RRSIG does not belong to the records or the key it is checked
/// against (RFC 4035 §5.3.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    /// There is nothing to verify.
    #[error("the record set is empty")]
    EmptySet,
    /// It covers another type.
    #[error("it covers {covers} instead of {rtype}")]
    Type {
        /// The type the signature covers.
        covers: RecordType,
        /// The record set's type.
        rtype: RecordType,
    },
    /// It names another signer.
    #[error("it names signer {signer} instead of {zone}")]
    Signer {
        /// The signer it names.
        signer: String,
        /// The zone expected.
        zone: String,
    },
    /// The signer is not an ancestor of the records' owner.
    #[error("signer {signer} is not an ancestor of {owner}")]
    NotAncestor {
        /// The signer.
        signer: String,
        /// The records' owner.
        owner: String,
    },
    /// The Labels field is larger than the owner's label count.
    #[error("its labels field ({labels}) exceeds the owner's label count ({owner_labels})")]
    Labels {
        /// The Labels field.
        labels: u8,
        /// The owner's label count.
        owner_labels: u8,
    },
    /// It was made by another key.
    #[error(
        "it was made by key {tag} (algorithm {algorithm}), not key {key_tag} (algorithm {key_algorithm})"
    )]
    Key {
        /// The signature's key tag.
        tag: u16,
        /// The signature's algorithm.
        algorithm: u8,
        /// The key's tag.
        key_tag: u16,
        /// The key's algorithm.
        key_algorithm: u8,
    },
}

impl ToMessage for SignatureError {
    fn to_message(&self) -> Message {
        match self {
            SignatureError::Expired { expiration } => {
                msg!("dnssec-sig-expired", time = timestamp(*expiration))
            }
            SignatureError::NotYetValid { inception } => {
                msg!("dnssec-sig-not-yet-valid", time = timestamp(*inception))
            }
            SignatureError::UnsupportedAlgorithm(algorithm) => {
                msg!("dnssec-sig-algorithm-unsupported", algorithm = *algorithm)
            }
            SignatureError::Mismatch(m) => msg!("dnssec-sig-mismatch", why = m.to_message()),
            SignatureError::UnusableKey(tag) => msg!("dnssec-sig-unusable-key", tag = *tag),
            SignatureError::KeyTooShort { tag, bits } => msg!(
                "dnssec-sig-key-too-short",
                tag = *tag,
                bits = *bits,
                min = MIN_RSA_BITS
            ),
            SignatureError::BadSignature(tag) => msg!("dnssec-sig-bad", tag = *tag),
        }
    }
}

impl ToMessage for Mismatch {
    fn to_message(&self) -> Message {
        match self {
            Mismatch::EmptySet => msg!("dnssec-mismatch-empty"),
            Mismatch::Type { covers, rtype } => msg!(
                "dnssec-mismatch-type",
                covers = covers.to_string(),
                rtype = rtype.to_string()
            ),
            Mismatch::Signer { signer, zone } => msg!(
                "dnssec-mismatch-signer",
                signer = signer.as_str(),
                zone = zone.as_str()
            ),
            Mismatch::NotAncestor { signer, owner } => msg!(
                "dnssec-mismatch-not-ancestor",
                signer = signer.as_str(),
                owner = owner.as_str()
            ),
            Mismatch::Labels {
                labels,
                owner_labels,
            } => msg!(
                "dnssec-mismatch-labels",
                labels = *labels,
                owner = *owner_labels
            ),
            Mismatch::Key {
                tag,
                algorithm,
                key_tag,
                key_algorithm,
            } => msg!(
                "dnssec-mismatch-key",
                tag = *tag,
                algorithm = *algorithm,
                key = *key_tag,
                key_algorithm = *key_algorithm
            ),
        }
    }
}

/// Shortest RSA modulus we verify with.
pub const MIN_RSA_BITS: usize = 1024;

/// The modulus length of an RSA public key in DNSKEY form (RFC 3110 §2).
pub fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let (exponent_len, rest) = match key.split_first()? {
        (0, rest) => {
            let len = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]);
            (usize::from(len), rest.get(2..)?)
        }
        (len, rest) => (usize::from(*len), rest),
    };
    let modulus = rest.get(exponent_len..)?;
    let first = modulus.iter().position(|b| *b != 0)?;
    Some((modulus.len() - first) * 8 - modulus[first].leading_zeros() as usize)
}

/// Formats seconds since the epoch as RFC 3339 (data in messages).
pub fn timestamp(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| secs.to_string())
}

/// Resolves a 32-bit RRSIG timestamp to the absolute time closest to `now`
/// (RFC 4034 §3.1.5: the fields are serial numbers, they wrap every 136 years).
pub fn resolve_serial_time(field: u32, now: i64) -> i64 {
    let now_low = now as u32;
    let delta = field.wrapping_sub(now_low) as i32;
    now + i64::from(delta)
}

/// Whether hickory (our validator) can verify signatures of `algorithm`.
pub fn algorithm_supported(algorithm: Algorithm) -> bool {
    algorithm.is_supported()
}

/// Whether a DS digest type is one we can compute.
pub fn digest_supported(digest: DigestType) -> bool {
    digest.is_supported()
}

/// The key tag of a DNSKEY (RFC 4034 Appendix B).
pub fn key_tag(key: &DNSKEY) -> u16 {
    key.calculate_key_tag().unwrap_or(0)
}

/// Verifies one RRSIG over `rrset` (records of one owner, class and type)
/// with `key` from the zone `signer`, at time `now` (seconds since the epoch).
pub fn verify_rrsig(
    rrset: &[Record],
    rrsig: &RRSIG,
    key: &DNSKEY,
    signer: &Name,
    now: i64,
) -> Result<(), SignatureError> {
    let input = rrsig.input();
    let Some(first) = rrset.first() else {
        return Err(SignatureError::Mismatch(Mismatch::EmptySet));
    };
    let owner = &first.name;
    if input.type_covered != first.record_type() {
        return Err(SignatureError::Mismatch(Mismatch::Type {
            covers: input.type_covered,
            rtype: first.record_type(),
        }));
    }
    if &input.signer_name != signer {
        return Err(SignatureError::Mismatch(Mismatch::Signer {
            signer: input.signer_name.to_string(),
            zone: signer.to_string(),
        }));
    }
    if !signer.zone_of(owner) {
        return Err(SignatureError::Mismatch(Mismatch::NotAncestor {
            signer: signer.to_string(),
            owner: owner.to_string(),
        }));
    }
    let owner_labels = owner.num_labels();
    if input.num_labels > owner_labels {
        return Err(SignatureError::Mismatch(Mismatch::Labels {
            labels: input.num_labels,
            owner_labels,
        }));
    }
    let tag = key_tag(key);
    if input.key_tag != tag || input.algorithm != key.algorithm() {
        return Err(SignatureError::Mismatch(Mismatch::Key {
            tag: input.key_tag,
            algorithm: u8::from(input.algorithm),
            key_tag: tag,
            key_algorithm: u8::from(key.algorithm()),
        }));
    }
    // A revoked key still signs the DNSKEY set that announces its revocation
    // (RFC 5011 §2.1), and nothing else.
    let revoked_misuse = key.revoke() && input.type_covered != RecordType::DNSKEY;
    if !key.zone_key() || revoked_misuse {
        return Err(SignatureError::UnusableKey(tag));
    }
    if !algorithm_supported(input.algorithm) {
        return Err(SignatureError::UnsupportedAlgorithm(u8::from(
            input.algorithm,
        )));
    }
    // RSA algorithms: 5, 7, 8 and 10 (the SHA-1 ones are deprecated, still validated).
    if matches!(u8::from(input.algorithm), 5 | 7 | 8 | 10) {
        use hickory_proto::dnssec::PublicKey as _;
        let bits = rsa_modulus_bits(key.public_key().public_bytes()).unwrap_or(0);
        if bits < MIN_RSA_BITS {
            return Err(SignatureError::KeyTooShort { tag, bits });
        }
    }
    let inception = resolve_serial_time(input.sig_inception.get(), now);
    let expiration = resolve_serial_time(input.sig_expiration.get(), now);
    if now > expiration {
        return Err(SignatureError::Expired { expiration });
    }
    if now < inception {
        return Err(SignatureError::NotYetValid { inception });
    }
    key.verify_rrsig(owner, DNSClass::IN, rrsig, rrset.iter())
        .map_err(|_| SignatureError::BadSignature(tag))
}

/// Whether `ds` (at `owner`) is a digest of `key`. `None` when the digest type
/// or the key's algorithm cannot be checked.
pub fn ds_matches(ds: &DS, owner: &Name, key: &DNSKEY) -> Option<bool> {
    if !digest_supported(ds.digest_type()) {
        return None;
    }
    if ds.algorithm() != key.algorithm() || ds.key_tag() != key_tag(key) {
        return Some(false);
    }
    ds.covers(owner, key).ok()
}

/// The NSEC3 hash of `name` (RFC 5155 §5). `None` for an unknown hash algorithm.
pub fn nsec3_hash(algorithm: u8, salt: &[u8], iterations: u16, name: &Name) -> Option<Vec<u8>> {
    if algorithm != 1 {
        return None;
    }
    Nsec3HashAlgorithm::SHA1
        .hash(salt, name, iterations)
        .ok()
        .map(|d| d.as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_time_resolves_near_now() {
        let now = 1_790_000_000; // 2026
        assert_eq!(resolve_serial_time(now as u32 + 100, now), now + 100);
        assert_eq!(resolve_serial_time(now as u32 - 100, now), now - 100);
        // After 2106 the 32-bit field has wrapped; still resolved near now.
        let later = 4_300_000_000i64;
        assert_eq!(resolve_serial_time((later + 5) as u32, later), later + 5);
    }
}
