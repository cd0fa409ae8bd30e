//! DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463) and the
//! `mail.dkim.exists` and `mail.dkim.keys` findings.
//!
//! The selector of a domain's keys cannot be found from the DNS, so
//! `mail.dkim.exists` only asks whether `_domainkey.<domain>` exists (an
//! empty non-terminal answers NOERROR, a missing name NXDOMAIN: RFC 8020), and
//! `mail.dkim.keys` judges the selectors the user names.
//!
//! Key records are parsed here rather than with a DKIM library: the ones we
//! know (mail-auth, cfdkim) parse keys to verify signatures and reject a bad
//! record with one opaque error, while a tester must say which tag is wrong
//! and how strong the key is (RSA modulus length, RFC 8301). The DER of RSA
//! keys is read with the RustCrypto `spki` and `pkcs1` crates.
//!
//! Signed-message verification is not done here.

use std::collections::HashSet;

use data_encoding::BASE64;
use indaba_model::catalogue::ids;
use indaba_model::{
    Arg, DomainName, Evidence, Finding, Message, NameError, Status, ToMessage, msg,
};
use spki::der::Decode;

use crate::dmarc::TxtAnswer;

/// Longest key record we read; TXT data in one DNS answer is never longer.
const MAX_RECORD_LEN: usize = 65_535;
/// RSA keys shorter than this must not be used (RFC 8301 §3.2: signers MUST use 1024 bits or more).
pub const RSA_MIN_BITS: u32 = 1024;
/// RSA keys shorter than this are weak (RFC 8301 §3.2: signers SHOULD use 2048).
pub const RSA_RECOMMENDED_BITS: u32 = 2048;
/// rsaEncryption (RFC 8017 appendix C); evaluated at compile time.
const RSA_ENCRYPTION: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// The length of an Ed25519 public key (RFC 8463 §4.2).
pub const ED25519_KEY_LEN: usize = 32;

/// The key type (`k=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// RSA (the default).
    Rsa,
    /// Ed25519 (RFC 8463).
    Ed25519,
}

/// A hash algorithm a key may be used with (`h=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-1: must not be used for signing or verifying any more (RFC 8301 §3.1).
    Sha1,
    /// SHA-256.
    Sha256,
}

/// A signature algorithm (`a=` of a signature), for [`KeyRecord::permits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    /// `rsa-sha1`.
    RsaSha1,
    /// `rsa-sha256`.
    RsaSha256,
    /// `ed25519-sha256`.
    Ed25519Sha256,
}

impl SigningAlgorithm {
    /// Reads an `a=` value.
    pub fn parse(text: &str) -> Option<SigningAlgorithm> {
        match text.trim().to_ascii_lowercase().as_str() {
            "rsa-sha1" => Some(SigningAlgorithm::RsaSha1),
            "rsa-sha256" => Some(SigningAlgorithm::RsaSha256),
            "ed25519-sha256" => Some(SigningAlgorithm::Ed25519Sha256),
            _ => None,
        }
    }

    fn parts(self) -> (KeyType, HashAlgorithm) {
        match self {
            SigningAlgorithm::RsaSha1 => (KeyType::Rsa, HashAlgorithm::Sha1),
            SigningAlgorithm::RsaSha256 => (KeyType::Rsa, HashAlgorithm::Sha256),
            SigningAlgorithm::Ed25519Sha256 => (KeyType::Ed25519, HashAlgorithm::Sha256),
        }
    }
}

/// How an RSA key is encoded in `p=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaEncoding {
    /// A DER SubjectPublicKeyInfo, as DKIM keys are published in practice.
    SubjectPublicKeyInfo,
    /// A bare DER RSAPublicKey (PKCS #1), which RFC 6376's text names but
    /// many verifiers do not read (RFC 6376 erratum 3017).
    RsaPublicKey,
}

/// The public key of `p=`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PublicKey {
    /// `p=` empty: the key was revoked.
    Revoked,
    /// An RSA key.
    Rsa {
        /// The modulus length in bits.
        bits: u32,
        /// How it was encoded.
        encoding: RsaEncoding,
    },
    /// An Ed25519 key (always 32 bytes).
    Ed25519,
}

/// A DKIM key record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// Whether `v=DKIM1` was given.
    pub version_given: bool,
    /// `k=` (default RSA).
    pub key_type: KeyType,
    /// `h=`: the known hash algorithms listed, or `None` for any.
    pub hashes: Option<Vec<HashAlgorithm>>,
    /// `s=`: whether the key is restricted to email (`s=email`) rather than
    /// any service (`*`, the default).
    pub email_only: bool,
    /// `t=y`: the domain is testing DKIM.
    pub testing: bool,
    /// `t=s`: the `i=` of a signature must be in exactly the `d=` domain.
    pub strict_identity: bool,
    /// `n=`: notes for people.
    pub notes: Option<String>,
    /// `p=`.
    pub key: PublicKey,
}

/// Why a key record cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DkimError {
    /// No tags at all.
    Empty,
    /// Longer than DNS data can be.
    TooLong(usize),
    /// Not `tag=value; …` (RFC 6376 §3.2).
    Syntax(TagListProblem),
    /// A tag appears twice, which makes the whole record invalid.
    DuplicateTag(String),
    /// `v=` other than `DKIM1`.
    BadVersion(String),
    /// `v=` not the first tag.
    VersionNotFirst,
    /// No `p=`.
    MissingKey,
    /// `k=` names a key type we do not know.
    UnknownKeyType(String),
    /// `h=` lists no hash algorithm a verifier knows.
    NoUsableHash(String),
    /// `s=` excludes email.
    NotForEmail(String),
    /// `p=` is not base64: the position of the first bad symbol.
    BadBase64(usize),
    /// `p=` is not an RSA public key.
    BadRsaKey(RsaKeyProblem),
    /// An Ed25519 key of the wrong length.
    BadEd25519Length(usize),
}

/// Why a tag list does not follow RFC 6376 §3.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagListProblem {
    /// Two semicolons in a row.
    EmptyTag,
    /// A part without `=`.
    NoEquals(String),
    /// Not a tag name.
    BadName(String),
    /// A value with a character the grammar excludes.
    BadValue {
        /// The tag.
        tag: String,
        /// The character.
        character: char,
    },
}

/// Why `p=` is not an RSA key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RsaKeyProblem {
    /// A SubjectPublicKeyInfo of another algorithm.
    NotRsa(String),
    /// The key's bit string is not whole bytes.
    PartialBytes,
    /// The SubjectPublicKeyInfo holds no valid RSAPublicKey (the DER
    /// decoder's diagnostic, kept as data).
    BadRsaPublicKey(String),
    /// Neither a SubjectPublicKeyInfo nor an RSAPublicKey (the DER
    /// decoder's diagnostic).
    NotDer(String),
    /// A modulus of zero bytes.
    ZeroModulus,
}

impl ToMessage for DkimError {
    fn to_message(&self) -> Message {
        match self {
            DkimError::Empty => msg!("dkim-error-empty"),
            DkimError::TooLong(bytes) => msg!("dkim-error-too-long", bytes = *bytes),
            DkimError::Syntax(problem) => {
                msg!("dkim-error-syntax", problem = problem.to_message())
            }
            DkimError::DuplicateTag(tag) => msg!("dkim-error-duplicate-tag", tag = tag.as_str()),
            DkimError::BadVersion(v) => msg!("dkim-error-bad-version", version = v.as_str()),
            DkimError::VersionNotFirst => msg!("dkim-error-version-not-first"),
            DkimError::MissingKey => msg!("dkim-error-missing-key"),
            DkimError::UnknownKeyType(k) => msg!("dkim-error-unknown-key-type", value = k.as_str()),
            DkimError::NoUsableHash(h) => msg!("dkim-error-no-usable-hash", value = h.as_str()),
            DkimError::NotForEmail(v) => msg!("dkim-error-not-for-email", value = v.as_str()),
            DkimError::BadBase64(position) => msg!("dkim-error-bad-base64", position = *position),
            DkimError::BadRsaKey(problem) => {
                msg!("dkim-error-bad-rsa-key", problem = problem.to_message())
            }
            DkimError::BadEd25519Length(44) => msg!("dkim-error-ed25519-spki"),
            DkimError::BadEd25519Length(bytes) => {
                msg!("dkim-error-ed25519-length", bytes = *bytes)
            }
        }
    }
}

impl ToMessage for TagListProblem {
    fn to_message(&self) -> Message {
        match self {
            TagListProblem::EmptyTag => msg!("dkim-tags-empty-tag"),
            TagListProblem::NoEquals(part) => msg!("dkim-tags-no-equals", part = part.as_str()),
            TagListProblem::BadName(name) => msg!("dkim-tags-bad-name", name = name.as_str()),
            TagListProblem::BadValue { tag, character } => msg!(
                "dkim-tags-bad-value",
                tag = tag.as_str(),
                character = format!("{character:?}")
            ),
        }
    }
}

impl ToMessage for RsaKeyProblem {
    fn to_message(&self) -> Message {
        match self {
            RsaKeyProblem::NotRsa(oid) => msg!("dkim-rsa-not-rsa", oid = oid.as_str()),
            RsaKeyProblem::PartialBytes => msg!("dkim-rsa-partial-bytes"),
            RsaKeyProblem::BadRsaPublicKey(detail) => {
                msg!("dkim-rsa-bad-public-key", detail = detail.as_str())
            }
            RsaKeyProblem::NotDer(detail) => msg!("dkim-rsa-not-der", detail = detail.as_str()),
            RsaKeyProblem::ZeroModulus => msg!("dkim-rsa-zero-modulus"),
        }
    }
}

/// Something worth saying about a usable key record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyNote {
    /// A tag RFC 6376 does not define.
    UnknownTag(String),
    /// `g=`, which RFC 6376 removed.
    ObsoleteGranularity,
    /// Unknown entries in `h=`, `s=` or `t=`, which verifiers ignore.
    UnknownValue {
        /// The tag.
        tag: String,
        /// The value.
        value: String,
    },
}

impl ToMessage for KeyNote {
    fn to_message(&self) -> Message {
        match self {
            KeyNote::UnknownTag(tag) => msg!("dkim-note-unknown-tag", tag = tag.as_str()),
            KeyNote::ObsoleteGranularity => msg!("dkim-note-granularity"),
            KeyNote::UnknownValue { tag, value } => msg!(
                "dkim-note-unknown-value",
                tag = tag.as_str(),
                value = value.as_str()
            ),
        }
    }
}

/// A key record as read, with notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedKey {
    /// The record.
    pub record: KeyRecord,
    /// Remarks that do not make it unusable.
    pub notes: Vec<KeyNote>,
}

/// Why a key cannot verify a given signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The key is revoked.
    Revoked,
    /// The signature's key type differs from `k=`.
    KeyType,
    /// `h=` does not allow the signature's hash.
    Hash,
    /// `t=s` and the identity is in a subdomain.
    StrictIdentity,
}

impl ToMessage for Refusal {
    fn to_message(&self) -> Message {
        match self {
            Refusal::Revoked => msg!("dkim-refusal-revoked"),
            Refusal::KeyType => msg!("dkim-refusal-key-type"),
            Refusal::Hash => msg!("dkim-refusal-hash"),
            Refusal::StrictIdentity => msg!("dkim-refusal-strict-identity"),
        }
    }
}

impl KeyRecord {
    /// Whether the key can verify a signature with `algorithm`, signing
    /// domain `d` and agent or user identifier `i` (RFC 6376 §3.6.1, §6.1.2).
    /// Only the key record's own constraints are checked.
    pub fn permits(
        &self,
        algorithm: SigningAlgorithm,
        d: &str,
        i: Option<&str>,
    ) -> Result<(), Refusal> {
        if self.key == PublicKey::Revoked {
            return Err(Refusal::Revoked);
        }
        let (key_type, hash) = algorithm.parts();
        if key_type != self.key_type {
            return Err(Refusal::KeyType);
        }
        if let Some(hashes) = &self.hashes
            && !hashes.contains(&hash)
        {
            return Err(Refusal::Hash);
        }
        if self.strict_identity
            && let Some(identity) = i
        {
            let domain = identity.rsplit_once('@').map_or(identity, |(_, d)| d);
            if !domain.eq_ignore_ascii_case(d) {
                return Err(Refusal::StrictIdentity);
            }
        }
        Ok(())
    }
}

fn is_fws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Splits an RFC 6376 §3.2 tag list into (name, value) pairs.
fn tag_list(text: &str) -> Result<Vec<(&str, &str)>, DkimError> {
    let mut tags = Vec::new();
    let mut seen = HashSet::new();
    let specs: Vec<&str> = text.split(';').collect();
    let last = specs.len().saturating_sub(1);
    for (index, spec) in specs.iter().enumerate() {
        let spec = spec.trim_matches(is_fws);
        if spec.is_empty() {
            if index == last && index > 0 {
                // A trailing semicolon is allowed.
                continue;
            }
            return Err(if text.trim_matches(is_fws).is_empty() {
                DkimError::Empty
            } else {
                DkimError::Syntax(TagListProblem::EmptyTag)
            });
        }
        let Some((name, value)) = spec.split_once('=') else {
            return Err(DkimError::Syntax(TagListProblem::NoEquals(
                spec.chars().take(40).collect(),
            )));
        };
        let name = name.trim_matches(is_fws);
        let value = value.trim_matches(is_fws);
        let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(DkimError::Syntax(TagListProblem::BadName(
                name.chars().take(40).collect(),
            )));
        }
        if let Some(c) = value
            .chars()
            .find(|&c| !(is_fws(c) || ('!'..='~').contains(&c)))
        {
            return Err(DkimError::Syntax(TagListProblem::BadValue {
                tag: name.to_string(),
                character: c,
            }));
        }
        if !seen.insert(name) {
            return Err(DkimError::DuplicateTag(name.to_string()));
        }
        tags.push((name, value));
    }
    if tags.is_empty() {
        return Err(DkimError::Empty);
    }
    Ok(tags)
}

/// A colon-separated list with optional white space.
fn colon_items(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(':')
        .map(|v| v.trim_matches(is_fws))
        .filter(|v| !v.is_empty())
}

/// Parses a DKIM key record (RFC 6376 §3.6.1; Ed25519 per RFC 8463).
pub fn parse_key_record(text: &str) -> Result<ParsedKey, DkimError> {
    if text.len() > MAX_RECORD_LEN {
        return Err(DkimError::TooLong(text.len()));
    }
    let tags = tag_list(text)?;
    let mut notes = Vec::new();
    let mut record = KeyRecord {
        version_given: false,
        key_type: KeyType::Rsa,
        hashes: None,
        email_only: false,
        testing: false,
        strict_identity: false,
        notes: None,
        key: PublicKey::Revoked,
    };
    let mut key_text = None;
    // Tag names are case-sensitive in DKIM (RFC 6376 §3.2).
    for (index, (name, value)) in tags.iter().enumerate() {
        match *name {
            "v" => {
                if index != 0 {
                    return Err(DkimError::VersionNotFirst);
                }
                if *value != "DKIM1" {
                    return Err(DkimError::BadVersion(value.chars().take(40).collect()));
                }
                record.version_given = true;
            }
            "k" => {
                record.key_type = match *value {
                    "rsa" => KeyType::Rsa,
                    "ed25519" => KeyType::Ed25519,
                    other => {
                        return Err(DkimError::UnknownKeyType(other.chars().take(40).collect()));
                    }
                }
            }
            "h" => {
                let mut known = Vec::new();
                for item in colon_items(value) {
                    match item {
                        "sha1" => known.push(HashAlgorithm::Sha1),
                        "sha256" => known.push(HashAlgorithm::Sha256),
                        other => notes.push(KeyNote::UnknownValue {
                            tag: "h".into(),
                            value: other.chars().take(40).collect(),
                        }),
                    }
                }
                if known.is_empty() {
                    return Err(DkimError::NoUsableHash(value.chars().take(40).collect()));
                }
                record.hashes = Some(known);
            }
            "s" => {
                let mut any = false;
                let mut email = false;
                for item in colon_items(value) {
                    match item {
                        "*" => any = true,
                        "email" => email = true,
                        other => notes.push(KeyNote::UnknownValue {
                            tag: "s".into(),
                            value: other.chars().take(40).collect(),
                        }),
                    }
                }
                if !any && !email {
                    return Err(DkimError::NotForEmail(value.chars().take(40).collect()));
                }
                record.email_only = !any;
            }
            "t" => {
                for item in colon_items(value) {
                    match item {
                        "y" => record.testing = true,
                        "s" => record.strict_identity = true,
                        other => notes.push(KeyNote::UnknownValue {
                            tag: "t".into(),
                            value: other.chars().take(40).collect(),
                        }),
                    }
                }
            }
            "n" => record.notes = Some(value.chars().take(200).collect()),
            "p" => key_text = Some(*value),
            "g" => notes.push(KeyNote::ObsoleteGranularity),
            other => notes.push(KeyNote::UnknownTag(other.chars().take(40).collect())),
        }
    }
    let key_text = key_text.ok_or(DkimError::MissingKey)?;
    record.key = decode_key(record.key_type, key_text)?;
    Ok(ParsedKey { record, notes })
}

fn decode_key(key_type: KeyType, text: &str) -> Result<PublicKey, DkimError> {
    let compact: String = text.chars().filter(|c| !is_fws(*c)).collect();
    if compact.is_empty() {
        return Ok(PublicKey::Revoked);
    }
    let der = BASE64
        .decode(compact.as_bytes())
        .map_err(|e| DkimError::BadBase64(e.position))?;
    match key_type {
        KeyType::Ed25519 => {
            if der.len() == ED25519_KEY_LEN {
                Ok(PublicKey::Ed25519)
            } else {
                Err(DkimError::BadEd25519Length(der.len()))
            }
        }
        KeyType::Rsa => rsa_key(&der),
    }
}

/// The modulus length of an RSA key in SubjectPublicKeyInfo or PKCS #1 form.
fn rsa_key(der: &[u8]) -> Result<PublicKey, DkimError> {
    let (modulus, encoding) = match spki::SubjectPublicKeyInfoRef::try_from(der) {
        Ok(info) => {
            if info.algorithm.oid != RSA_ENCRYPTION {
                return Err(DkimError::BadRsaKey(RsaKeyProblem::NotRsa(
                    info.algorithm.oid.to_string(),
                )));
            }
            let bits = info
                .subject_public_key
                .as_bytes()
                .ok_or(DkimError::BadRsaKey(RsaKeyProblem::PartialBytes))?;
            let key = pkcs1::RsaPublicKey::from_der(bits)
                .map_err(|e| DkimError::BadRsaKey(RsaKeyProblem::BadRsaPublicKey(e.to_string())))?;
            (
                key.modulus.as_bytes().to_vec(),
                RsaEncoding::SubjectPublicKeyInfo,
            )
        }
        Err(spki_error) => match pkcs1::RsaPublicKey::from_der(der) {
            Ok(key) => (key.modulus.as_bytes().to_vec(), RsaEncoding::RsaPublicKey),
            Err(_) => {
                return Err(DkimError::BadRsaKey(RsaKeyProblem::NotDer(
                    spki_error.to_string(),
                )));
            }
        },
    };
    let Some(first) = modulus.first() else {
        return Err(DkimError::BadRsaKey(RsaKeyProblem::ZeroModulus));
    };
    let bits = (modulus.len() as u64 - 1) * 8 + u64::from(8 - first.leading_zeros());
    Ok(PublicKey::Rsa {
        bits: u32::try_from(bits).unwrap_or(u32::MAX),
        encoding,
    })
}

/// The name of a selector's key record: `<selector>._domainkey.<domain>`.
pub fn key_name(selector: &str, domain: &DomainName) -> Result<DomainName, NameError> {
    domain.child(&format!("{selector}._domainkey"))
}

/// The name whose existence `mail.dkim.exists` asks about: `_domainkey.<domain>`.
pub fn domainkey_name(domain: &DomainName) -> Result<DomainName, NameError> {
    domain.child("_domainkey")
}

/// A domain's statement that it sends no mail, as internet.nl reads it: a
/// valid DMARC record whose policy for the domain is reject, and the SPF
/// record `v=spf1 -all`. Such a domain needs no DKIM keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMailDeclared {
    /// The DMARC record (and where it is).
    pub dmarc: (String, String),
    /// The SPF record (and where it is).
    pub spf: (String, String),
}

/// `mail.dkim.exists`: `_domainkey.<domain>` exists.
///
/// `answer` is any answer for that name (the engine asks for TXT): NOERROR,
/// with or without records, means keys may be published below it; NXDOMAIN
/// means nothing exists below it (RFC 8020). A domain that declares it
/// sends no mail (`declared`) and publishes no keys is not judged: it needs
/// none (internet.nl gives it full points).
pub fn exists_finding(
    domain: &DomainName,
    answer: &TxtAnswer,
    declared: Option<&NoMailDeclared>,
) -> Finding {
    let id = ids::MAIL_DKIM_EXISTS;
    let subject = format!("_domainkey.{domain}");
    let finding = match (answer, declared) {
        (TxtAnswer::Answered(_), _) => {
            return Finding::new(id, Status::Pass, msg!("dkim-exists")).with(subject, "NOERROR");
        }
        (TxtAnswer::NxDomain, None) => {
            return Finding::new(id, Status::Fail, msg!("dkim-exists-nxdomain"))
                .with(subject, "NXDOMAIN");
        }
        (TxtAnswer::Failed(failure), None) => {
            return Finding::new(id, Status::Error, msg!("dkim-exists-lookup-failed"))
                .with(subject, failure.to_message());
        }
        (TxtAnswer::NxDomain, Some(_)) => Finding::new(
            id,
            Status::NotApplicable,
            msg!("dkim-exists-non-sending", domain = domain),
        )
        .with(subject, "NXDOMAIN"),
        (TxtAnswer::Failed(failure), Some(_)) => Finding::new(
            id,
            Status::NotApplicable,
            msg!("dkim-exists-non-sending", domain = domain),
        )
        .with(subject, failure.to_message()),
    };
    match declared {
        Some(NoMailDeclared { dmarc, spf }) => finding
            .with(dmarc.0.clone(), dmarc.1.clone())
            .with(spf.0.clone(), spf.1.clone()),
        None => finding,
    }
}

/// The TXT answer at one user-given selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorAnswer {
    /// The selector.
    pub selector: String,
    /// The answer at `<selector>._domainkey.<domain>`.
    pub answer: TxtAnswer,
}

/// The verdict on one key record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVerdict {
    /// Pass, warning or fail.
    pub status: Status,
    /// Why.
    pub said: Vec<Message>,
}

impl KeyVerdict {
    fn one(status: Status, said: Message) -> KeyVerdict {
        KeyVerdict {
            status,
            said: vec![said],
        }
    }
}

impl ToMessage for KeyVerdict {
    fn to_message(&self) -> Message {
        msg!(
            "dkim-key-verdict",
            status = self.status.as_str(),
            said = Arg::list(self.said.iter().cloned())
        )
    }
}

/// Judges one key record: usable, strong enough, not testing.
pub fn judge_key(text: &str) -> KeyVerdict {
    let parsed = match parse_key_record(text) {
        Ok(p) => p,
        Err(e) => return KeyVerdict::one(Status::Fail, e.to_message()),
    };
    let record = &parsed.record;
    let mut worst = Status::Pass;
    let mut said = Vec::new();
    let mut raise = |status: Status, message: Message| {
        worst = worst.and(status);
        said.push(message);
    };
    match &record.key {
        PublicKey::Revoked => raise(Status::Warning, msg!("dkim-key-revoked")),
        PublicKey::Ed25519 => raise(Status::Pass, msg!("dkim-key-ed25519")),
        PublicKey::Rsa { bits, encoding } => {
            if *bits < RSA_MIN_BITS {
                raise(
                    Status::Fail,
                    msg!("dkim-key-rsa-too-short", bits = *bits, min = RSA_MIN_BITS),
                );
            } else if *bits < RSA_RECOMMENDED_BITS {
                raise(
                    Status::Warning,
                    msg!(
                        "dkim-key-rsa-short",
                        bits = *bits,
                        recommended = RSA_RECOMMENDED_BITS
                    ),
                );
            } else {
                raise(Status::Pass, msg!("dkim-key-rsa", bits = *bits));
            }
            if *encoding == RsaEncoding::RsaPublicKey {
                raise(Status::Warning, msg!("dkim-key-bare-rsa"));
            }
        }
    }
    if record.hashes.as_deref() == Some(&[HashAlgorithm::Sha1]) {
        raise(Status::Fail, msg!("dkim-key-sha1-only"));
    }
    if record.testing {
        raise(Status::Warning, msg!("dkim-key-testing"));
    }
    said.extend(parsed.notes.iter().map(ToMessage::to_message));
    KeyVerdict {
        status: worst,
        said,
    }
}

/// `mail.dkim.keys`: the key record of each user-given selector is valid and
/// strong. The worst selector decides. Without selectors there is nothing
/// to judge: selectors cannot be found from the DNS, and the check is
/// recommended only, so it does not apply (its guide says so).
pub fn keys_finding(domain: &DomainName, selectors: &[SelectorAnswer]) -> Finding {
    let id = ids::MAIL_DKIM_KEYS;
    if selectors.is_empty() {
        return Finding::new(id, Status::NotApplicable, msg!("dkim-keys-no-selector"));
    }
    let mut worst = Status::Pass;
    let mut evidence = Vec::new();
    for s in selectors {
        let subject: indaba_model::Text = match key_name(&s.selector, domain) {
            Ok(n) => format!("{n} TXT").into(),
            Err(_) => msg!("dkim-selector-invalid", selector = s.selector.as_str()).into(),
        };
        let verdicts: Vec<KeyVerdict> = match s.answer.records() {
            Err(failure) => vec![KeyVerdict::one(
                Status::Error,
                msg!("dkim-key-lookup-failed", reason = failure.to_message()),
            )],
            Ok([]) => vec![KeyVerdict::one(
                Status::Fail,
                msg!("dkim-key-missing", answer = s.answer.describe_empty()),
            )],
            Ok([one]) => {
                evidence.push(Evidence::new(subject.clone(), one.clone()));
                vec![judge_key(one)]
            }
            Ok(many) => {
                let mut v = vec![KeyVerdict::one(
                    Status::Warning,
                    msg!("dkim-key-multiple", count = many.len()),
                )];
                for r in many {
                    evidence.push(Evidence::new(subject.clone(), r.clone()));
                    v.push(judge_key(r));
                }
                v
            }
        };
        for v in verdicts {
            worst = worst.and(v.status);
            evidence.push(Evidence::new(subject.clone(), v.to_message()));
        }
    }
    let summary = match worst {
        Status::Pass => msg!("dkim-keys-good"),
        Status::Warning => msg!("dkim-keys-weak"),
        Status::Error => msg!("dkim-keys-lookup-failed"),
        _ => msg!("dkim-keys-unusable"),
    };
    Finding::new(id, worst, summary).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mailauth::testing::{renders, txt_timeout};
    use proptest::prelude::*;

    /// A 1024-bit SubjectPublicKeyInfo (Mail::DKIM's test key for messiah.edu).
    const RSA_1024: &str = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC848PMQXuR6V4Tbj3Wb2TN/4Qon0v8ch1WoS0v5wC4/2FXHaH5g7xNwtIwgfE7kxkSqv1LnS4tUrpHjWcXJhtCkT9wkI0FOVFzKHRc7Gy7vYSFMUCnojiVVQjxY6bnyPLIIP2l/D++0awe+XCWQsjFZ+CHW5Lo/lQ/bdrUcYEU/QIDAQAB";
    /// A 512-bit one.
    const RSA_512: &str = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALgSoqXVSEmfcIsOzw7oRuCCOwsmtX/SJnTWxYyj2leFxfS/AVJ+dYfY+hXqMsT7l+MZvvh/R1WzN4MO/kI/7XsCAwEAAQ==";
    /// The RFC 8463 example Ed25519 key.
    const ED25519: &str = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    fn name(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    #[test]
    fn rsa_sizes() {
        let k = parse_key_record(&format!("v=DKIM1; k=rsa; p={RSA_1024}")).unwrap();
        assert_eq!(
            k.record.key,
            PublicKey::Rsa {
                bits: 1024,
                encoding: RsaEncoding::SubjectPublicKeyInfo
            }
        );
        assert_eq!(judge_key(&format!("p={RSA_1024}")).status, Status::Warning);
        assert_eq!(judge_key(&format!("p={RSA_512}")).status, Status::Fail);
        // Folded base64 is fine.
        let folded = format!("p={} {}", &RSA_1024[..20], &RSA_1024[20..]);
        assert!(parse_key_record(&folded).is_ok());
    }

    #[test]
    fn ed25519() {
        let k = parse_key_record(&format!("v=DKIM1; k=ed25519; p={ED25519}")).unwrap();
        assert_eq!(k.record.key, PublicKey::Ed25519);
        assert_eq!(
            judge_key(&format!("k=ed25519; p={ED25519}")).status,
            Status::Pass
        );
        let spki = "MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/OgjVbKE=";
        assert_eq!(
            parse_key_record(&format!("k=ed25519; p={spki}")),
            Err(DkimError::BadEd25519Length(44))
        );
    }

    #[test]
    fn record_errors() {
        assert_eq!(parse_key_record(""), Err(DkimError::Empty));
        assert!(matches!(
            parse_key_record("k=rsa; t; p="),
            Err(DkimError::Syntax(_))
        ));
        assert_eq!(
            parse_key_record("v=DKIM3; p="),
            Err(DkimError::BadVersion("DKIM3".into()))
        );
        assert_eq!(
            parse_key_record("p=; v=DKIM1"),
            Err(DkimError::VersionNotFirst)
        );
        assert_eq!(
            parse_key_record("k=foobar; p="),
            Err(DkimError::UnknownKeyType("foobar".into()))
        );
        assert_eq!(
            parse_key_record("h=bad; p="),
            Err(DkimError::NoUsableHash("bad".into()))
        );
        assert_eq!(
            parse_key_record("s=chat; p="),
            Err(DkimError::NotForEmail("chat".into()))
        );
        assert_eq!(parse_key_record("v=DKIM1"), Err(DkimError::MissingKey));
        assert_eq!(
            parse_key_record("p=; p="),
            Err(DkimError::DuplicateTag("p".into()))
        );
        assert!(matches!(
            parse_key_record("p=!!!"),
            Err(DkimError::BadBase64(_))
        ));
        assert!(matches!(
            parse_key_record("p=AAAA"),
            Err(DkimError::BadRsaKey(_))
        ));
    }

    #[test]
    fn many_tags_stay_linear() {
        let mut text = String::from("v=DKIM1");
        for i in 0..7_000 {
            text.push_str(&format!(";t{i}=x"));
        }
        text.push_str(";p=");
        let started = std::time::Instant::now();
        assert_eq!(parse_key_record(&text).unwrap().notes.len(), 7_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn flags_and_permits() {
        let k = parse_key_record(&format!(
            "v=DKIM1; s=email:web; t = y:s:x; h=sha1:md5; g=*; p={RSA_1024};"
        ))
        .unwrap();
        assert!(k.record.testing && k.record.strict_identity && k.record.email_only);
        assert_eq!(k.notes.len(), 4, "{:?}", k.notes);
        let r = &k.record;
        assert_eq!(
            r.permits(SigningAlgorithm::RsaSha256, "a.example", None),
            Err(Refusal::Hash)
        );
        assert_eq!(
            r.permits(SigningAlgorithm::RsaSha1, "a.example", Some("x@a.example")),
            Ok(())
        );
        assert_eq!(
            r.permits(
                SigningAlgorithm::RsaSha1,
                "a.example",
                Some("x@sub.a.example")
            ),
            Err(Refusal::StrictIdentity)
        );
        assert_eq!(
            r.permits(SigningAlgorithm::Ed25519Sha256, "a.example", None),
            Err(Refusal::KeyType)
        );
        assert_eq!(
            judge_key(&format!("h=sha1; p={RSA_1024}")).status,
            Status::Fail
        );
        let revoked = parse_key_record("k=rsa; t=y; p=").unwrap();
        assert_eq!(
            revoked
                .record
                .permits(SigningAlgorithm::RsaSha256, "a", None),
            Err(Refusal::Revoked)
        );
    }

    #[test]
    fn findings() {
        let d = name("example.nl");
        let answered = TxtAnswer::Answered(vec![]);
        assert_eq!(exists_finding(&d, &answered, None).status, Status::Pass);
        assert_eq!(
            exists_finding(&d, &TxtAnswer::NxDomain, None).status,
            Status::Fail
        );
        assert_eq!(
            exists_finding(&d, &txt_timeout(), None).status,
            Status::Error
        );
        for f in [
            exists_finding(&d, &answered, None),
            exists_finding(&d, &TxtAnswer::NxDomain, None),
            exists_finding(&d, &txt_timeout(), None),
        ] {
            renders(&f);
        }
        let sel = |s: &str, a: TxtAnswer| SelectorAnswer {
            selector: s.into(),
            answer: a,
        };
        assert_eq!(keys_finding(&d, &[]).status, Status::NotApplicable);
        let good = sel(
            "ed",
            TxtAnswer::Answered(vec![format!("k=ed25519; p={ED25519}")]),
        );
        assert_eq!(
            keys_finding(&d, std::slice::from_ref(&good)).status,
            Status::Pass
        );
        let weak = sel("rsa", TxtAnswer::Answered(vec![format!("p={RSA_1024}")]));
        assert_eq!(
            keys_finding(&d, &[good.clone(), weak]).status,
            Status::Warning
        );
        let missing = sel("gone", TxtAnswer::NxDomain);
        let f = keys_finding(&d, &[good.clone(), missing]);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.message.id, "dkim-keys-unusable");
        assert!(f.evidence.iter().any(|e| {
            e.subject == "gone._domainkey.example.nl TXT"
                && e.detail_message.as_ref().is_some_and(|m| {
                    crate::mailauth::testing::english(m)
                        == "unusable: no key record (NXDOMAIN (the name does not exist))"
                })
        }));
        renders(&f);
        let weak = keys_finding(
            &d,
            &[sel(
                "rsa",
                TxtAnswer::Answered(vec![format!("p={RSA_1024}")]),
            )],
        );
        assert!(weak.evidence.iter().any(|e| {
            e.detail_message.as_ref().is_some_and(|m| {
                crate::mailauth::testing::english(m)
                    == "weak: RSA key of 1024 bits: at least 2048 bits are recommended (RFC 8301 §3.2)"
            })
        }));
        let failed = keys_finding(&d, &[good, sel("t", txt_timeout())]);
        assert_eq!(failed.status, Status::Error);
        renders(&failed);
    }

    /// internet.nl skips DKIM with full points for a domain that says it
    /// sends no mail (DMARC p=reject and SPF v=spf1 -all): no keys is then
    /// not applicable, and the finding shows both records.
    #[test]
    fn a_domain_that_sends_no_mail_needs_no_keys() {
        let d = name("example.nl");
        let declared = NoMailDeclared {
            dmarc: ("_dmarc.example.nl TXT".into(), "v=DMARC1; p=reject".into()),
            spf: ("example.nl TXT".into(), "v=spf1 -all".into()),
        };
        let f = exists_finding(&d, &TxtAnswer::NxDomain, Some(&declared));
        assert_eq!(f.status, Status::NotApplicable);
        assert_eq!(f.message.id, "dkim-exists-non-sending");
        assert_eq!(
            crate::english(&f),
            "example.nl says it sends no mail (DMARC p=reject and SPF v=spf1 -all), so it needs no DKIM keys."
        );
        assert!(f.evidence.iter().any(|e| e.detail == "v=spf1 -all"));
        assert!(f.evidence.iter().any(|e| e.detail == "v=DMARC1; p=reject"));
        renders(&f);
        assert_eq!(
            exists_finding(&d, &txt_timeout(), Some(&declared)).status,
            Status::NotApplicable
        );
        // Keys published anyway pass.
        assert_eq!(
            exists_finding(&d, &TxtAnswer::Answered(vec![]), Some(&declared)).status,
            Status::Pass
        );
    }

    /// Every error, note and refusal says itself in English.
    #[test]
    fn every_key_problem_renders() {
        for text in [
            "",
            "k=rsa; t; p=",
            "a=b;;c=d",
            "1x=y; p=",
            "p=\u{7}",
            "v=DKIM3; p=",
            "p=; v=DKIM1",
            "k=foobar; p=",
            "h=bad; p=",
            "s=chat; p=",
            "v=DKIM1",
            "p=; p=",
            "p=!!!",
            "p=AAAA",
            "k=ed25519; p=AAAA",
            "k=ed25519; p=MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/OgjVbKE=",
            "p=MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/OgjVbKE=",
        ] {
            let e = parse_key_record(text).expect_err(text);
            crate::mailauth::testing::english(&e.to_message());
            crate::mailauth::testing::english(&judge_key(text).to_message());
        }
        let k = parse_key_record(&format!(
            "s=email:web; t=y:x; g=*; zz=1; h=sha1; p={RSA_512}"
        ))
        .unwrap();
        for n in &k.notes {
            crate::mailauth::testing::english(&n.to_message());
        }
        for r in [
            Refusal::Revoked,
            Refusal::KeyType,
            Refusal::Hash,
            Refusal::StrictIdentity,
        ] {
            crate::mailauth::testing::english(&r.to_message());
        }
        crate::mailauth::testing::english(
            &judge_key(&format!("t=y; h=sha1; p={RSA_512}")).to_message(),
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = parse_key_record(&text);
            let _ = judge_key(&text);
        }

        #[test]
        fn never_panics_on_tag_lists(
            text in "(v=DKIM1;)?([ \t]*(k|h|s|t|n|p|g|x)[ \t]*=[ \t]*[a-zA-Z0-9+/=: *]{0,30};){0,6}"
        ) {
            let _ = parse_key_record(&text);
        }

        #[test]
        fn never_panics_on_der(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = format!("p={}", BASE64.encode(&bytes));
            let _ = parse_key_record(&text);
        }
    }
}
