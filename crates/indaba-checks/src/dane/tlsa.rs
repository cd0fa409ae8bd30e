//! The TLSA record (RFC 6698 §2): wire and presentation forms, and which
//! records a client may use (RFC 7671 §9 digest agility, RFC 7672 §3.1 for
//! SMTP).
//!
//! Parsed here rather than through hickory-proto so that a record's data is
//! kept as published (hickory folds unknown values into its own enums) and
//! so the presentation parser also takes the RFC 7218 mnemonics, record
//! lines as resolvers print them and the RFC 3597 `\#` generic form.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use indaba_model::{Message, ToMessage, msg};

/// Longest certificate association data: the most a 16-bit RDATA length
/// leaves after the three one-octet fields.
pub const MAX_DATA: usize = 65_535 - 3;

/// Certificate usage (RFC 6698 §2.1.1, names from RFC 7218).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Usage {
    /// PKIX-TA(0): a CA in the PKIX-validated chain.
    PkixTa,
    /// PKIX-EE(1): the PKIX-validated server certificate.
    PkixEe,
    /// DANE-TA(2): a trust anchor for the chain, no PKIX roots needed.
    DaneTa,
    /// DANE-EE(3): the server certificate or key itself.
    DaneEe,
    /// PrivCert(255): private use.
    Private,
    /// Any other value: unassigned.
    Unassigned(u8),
}

impl From<u8> for Usage {
    fn from(v: u8) -> Self {
        match v {
            0 => Usage::PkixTa,
            1 => Usage::PkixEe,
            2 => Usage::DaneTa,
            3 => Usage::DaneEe,
            255 => Usage::Private,
            n => Usage::Unassigned(n),
        }
    }
}

impl From<Usage> for u8 {
    fn from(u: Usage) -> u8 {
        match u {
            Usage::PkixTa => 0,
            Usage::PkixEe => 1,
            Usage::DaneTa => 2,
            Usage::DaneEe => 3,
            Usage::Private => 255,
            Usage::Unassigned(n) => n,
        }
    }
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = u8::from(*self);
        match self {
            Usage::PkixTa => write!(f, "PKIX-TA({n})"),
            Usage::PkixEe => write!(f, "PKIX-EE({n})"),
            Usage::DaneTa => write!(f, "DANE-TA({n})"),
            Usage::DaneEe => write!(f, "DANE-EE({n})"),
            Usage::Private => write!(f, "PrivCert({n})"),
            Usage::Unassigned(_) => write!(f, "unassigned usage {n}"),
        }
    }
}

/// Selector (RFC 6698 §2.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Selector {
    /// Cert(0): the whole certificate.
    Cert,
    /// SPKI(1): the SubjectPublicKeyInfo.
    Spki,
    /// PrivSel(255).
    Private,
    /// Any other value.
    Unassigned(u8),
}

impl From<u8> for Selector {
    fn from(v: u8) -> Self {
        match v {
            0 => Selector::Cert,
            1 => Selector::Spki,
            255 => Selector::Private,
            n => Selector::Unassigned(n),
        }
    }
}

impl From<Selector> for u8 {
    fn from(s: Selector) -> u8 {
        match s {
            Selector::Cert => 0,
            Selector::Spki => 1,
            Selector::Private => 255,
            Selector::Unassigned(n) => n,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = u8::from(*self);
        match self {
            Selector::Cert => write!(f, "Cert({n})"),
            Selector::Spki => write!(f, "SPKI({n})"),
            Selector::Private => write!(f, "PrivSel({n})"),
            Selector::Unassigned(_) => write!(f, "unassigned selector {n}"),
        }
    }
}

/// Matching type (RFC 6698 §2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchingType {
    /// Full(0): the selected content itself.
    Full,
    /// SHA2-256(1).
    Sha256,
    /// SHA2-512(2).
    Sha512,
    /// PrivMatch(255).
    Private,
    /// Any other value.
    Unassigned(u8),
}

impl From<u8> for MatchingType {
    fn from(v: u8) -> Self {
        match v {
            0 => MatchingType::Full,
            1 => MatchingType::Sha256,
            2 => MatchingType::Sha512,
            255 => MatchingType::Private,
            n => MatchingType::Unassigned(n),
        }
    }
}

impl From<MatchingType> for u8 {
    fn from(m: MatchingType) -> u8 {
        match m {
            MatchingType::Full => 0,
            MatchingType::Sha256 => 1,
            MatchingType::Sha512 => 2,
            MatchingType::Private => 255,
            MatchingType::Unassigned(n) => n,
        }
    }
}

impl fmt::Display for MatchingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = u8::from(*self);
        match self {
            MatchingType::Full => write!(f, "Full({n})"),
            MatchingType::Sha256 => write!(f, "SHA2-256({n})"),
            MatchingType::Sha512 => write!(f, "SHA2-512({n})"),
            MatchingType::Private => write!(f, "PrivMatch({n})"),
            MatchingType::Unassigned(_) => write!(f, "unassigned matching type {n}"),
        }
    }
}

/// One TLSA record's data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tlsa {
    usage: u8,
    selector: u8,
    matching_type: u8,
    data: Vec<u8>,
}

/// Why text or bytes are not a TLSA record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsaError {
    /// Fewer than the three one-octet fields.
    #[error("TLSA RDATA is {0} bytes; it needs at least 3 (usage, selector, matching type)")]
    TooShort(usize),
    /// More data than an RDATA can hold.
    #[error("TLSA data is {0} bytes; an RDATA holds at most {MAX_DATA}")]
    TooLong(usize),
    /// A field is missing in the text form.
    #[error("the TLSA record lacks its {0} field")]
    Missing(&'static str),
    /// A field is not a number 0–255 or a known mnemonic.
    #[error("the TLSA {field} field {value:?} is not a number from 0 to 255 or a known name")]
    BadField {
        /// Which field.
        field: &'static str,
        /// The text found.
        value: String,
    },
    /// The association data is not hexadecimal.
    #[error("the TLSA certificate association data is not hexadecimal: {0}")]
    BadHex(String),
    /// The RFC 3597 length disagrees with the data.
    #[error("the generic RDATA says {stated} bytes but holds {found}")]
    GenericLength {
        /// Length stated after `\#`.
        stated: usize,
        /// Bytes found.
        found: usize,
    },
}

impl Tlsa {
    /// A record from its four fields.
    pub fn new(
        usage: u8,
        selector: u8,
        matching_type: u8,
        data: Vec<u8>,
    ) -> Result<Self, TlsaError> {
        if data.len() > MAX_DATA {
            return Err(TlsaError::TooLong(data.len()));
        }
        Ok(Tlsa {
            usage,
            selector,
            matching_type,
            data,
        })
    }

    /// Parses wire RDATA (RFC 6698 §2.1).
    pub fn from_rdata(rdata: &[u8]) -> Result<Self, TlsaError> {
        match rdata {
            [usage, selector, matching_type, data @ ..] => {
                Tlsa::new(*usage, *selector, *matching_type, data.to_vec())
            }
            _ => Err(TlsaError::TooShort(rdata.len())),
        }
    }

    /// Wire RDATA.
    pub fn to_rdata(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 3);
        out.extend_from_slice(&[self.usage, self.selector, self.matching_type]);
        out.extend_from_slice(&self.data);
        out
    }

    /// Parses a record line as resolvers print it
    /// (`_25._tcp.mx.example. 3600 IN TLSA 3 1 1 ...`): everything after the
    /// `TLSA` type is the presentation form. Text without a `TLSA` token is
    /// parsed as the presentation form itself.
    pub fn from_record_line(line: &str) -> Result<Self, TlsaError> {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match tokens.iter().position(|t| t.eq_ignore_ascii_case("TLSA")) {
            Some(i) => tokens.get(i + 1..).unwrap_or_default().join(" ").parse(),
            None => line.parse(),
        }
    }

    /// The usage.
    pub fn usage(&self) -> Usage {
        Usage::from(self.usage)
    }

    /// The selector.
    pub fn selector(&self) -> Selector {
        Selector::from(self.selector)
    }

    /// The matching type.
    pub fn matching_type(&self) -> MatchingType {
        MatchingType::from(self.matching_type)
    }

    /// The certificate association data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// `3 1 1` — the three parameters, as owners write them.
    pub fn parameters(&self) -> String {
        format!("{} {} {}", self.usage, self.selector, self.matching_type)
    }

    /// The record for evidence: as [`fmt::Display`], but data longer than
    /// a SHA2-512 digest is cut to its first 32 bytes and its length.
    pub fn short(&self) -> String {
        if self.data.len() <= 64 {
            return self.to_string();
        }
        let head = self.data.get(..32).unwrap_or_default();
        format!(
            "{} {}... ({} bytes)",
            self.parameters(),
            data_encoding::HEXUPPER.encode(head),
            self.data.len()
        )
    }

    /// Whether the record matches a certificate (DER) whose
    /// SubjectPublicKeyInfo is `spki` (DER; `None` when it could not be
    /// read, so selector 1 cannot match).
    pub fn matches(&self, certificate: &[u8], spki: Option<&[u8]>) -> bool {
        let object = match self.selector() {
            Selector::Cert => certificate,
            Selector::Spki => match spki {
                Some(s) => s,
                None => return false,
            },
            _ => return false,
        };
        match self.matching_type() {
            MatchingType::Full => object == self.data.as_slice(),
            MatchingType::Sha256 => {
                ring::digest::digest(&ring::digest::SHA256, object).as_ref() == self.data.as_slice()
            }
            MatchingType::Sha512 => {
                ring::digest::digest(&ring::digest::SHA512, object).as_ref() == self.data.as_slice()
            }
            _ => false,
        }
    }
}

impl TryFrom<&hickory_proto::rr::rdata::TLSA> for Tlsa {
    type Error = TlsaError;

    /// A record as hickory-proto decoded it from a DNS message.
    fn try_from(r: &hickory_proto::rr::rdata::TLSA) -> Result<Self, TlsaError> {
        Tlsa::new(
            u8::from(r.cert_usage),
            u8::from(r.selector),
            u8::from(r.matching),
            r.cert_data.clone(),
        )
    }
}

impl fmt::Display for Tlsa {
    /// Presentation form: `3 1 1 ABCD...` (upper-case hex, as dig prints).
    /// A record without data has no standard form (RFC 6698 §2.2 needs
    /// hex digits), so it is written in the RFC 3597 generic form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.data.is_empty() {
            return write!(
                f,
                "\\# 3 {:02X}{:02X}{:02X}",
                self.usage, self.selector, self.matching_type
            );
        }
        write!(
            f,
            "{} {} {} {}",
            self.usage,
            self.selector,
            self.matching_type,
            data_encoding::HEXUPPER.encode(&self.data)
        )
    }
}

impl FromStr for Tlsa {
    type Err = TlsaError;

    /// Presentation form (RFC 6698 §2.2): three numbers or RFC 7218
    /// mnemonics, then hex in which white space is allowed; or the RFC 3597
    /// generic form `\# <length> <hex>`.
    fn from_str(text: &str) -> Result<Self, TlsaError> {
        if text.len() > 2 * MAX_DATA + 1024 {
            return Err(TlsaError::TooLong(text.len() / 2));
        }
        let mut tokens = text.split_whitespace();
        let first = tokens.next().ok_or(TlsaError::Missing("usage"))?;
        if first == "\\#" {
            let stated = tokens.next().ok_or(TlsaError::Missing("length"))?;
            let stated: usize = stated.parse().map_err(|_| TlsaError::BadField {
                field: "generic length",
                value: stated.to_string(),
            })?;
            let rdata = hex(tokens)?;
            if rdata.len() != stated {
                return Err(TlsaError::GenericLength {
                    stated,
                    found: rdata.len(),
                });
            }
            return Tlsa::from_rdata(&rdata);
        }
        let usage = field(
            first,
            "usage",
            &[
                ("PKIX-TA", 0),
                ("PKIX-EE", 1),
                ("DANE-TA", 2),
                ("DANE-EE", 3),
                ("PrivCert", 255),
            ],
        )?;
        let selector = field(
            tokens.next().ok_or(TlsaError::Missing("selector"))?,
            "selector",
            &[("Cert", 0), ("SPKI", 1), ("PrivSel", 255)],
        )?;
        let matching_type = field(
            tokens.next().ok_or(TlsaError::Missing("matching type"))?,
            "matching type",
            &[
                ("Full", 0),
                ("SHA2-256", 1),
                ("SHA2-512", 2),
                ("PrivMatch", 255),
            ],
        )?;
        let mut tokens = tokens.peekable();
        if tokens.peek().is_none() {
            return Err(TlsaError::Missing("certificate association data"));
        }
        Tlsa::new(usage, selector, matching_type, hex(tokens)?)
    }
}

fn field(text: &str, name: &'static str, mnemonics: &[(&str, u8)]) -> Result<u8, TlsaError> {
    if let Ok(n) = text.parse::<u8>() {
        return Ok(n);
    }
    mnemonics
        .iter()
        .find(|(m, _)| m.eq_ignore_ascii_case(text))
        .map(|(_, n)| *n)
        .ok_or_else(|| TlsaError::BadField {
            field: name,
            value: text.chars().take(40).collect(),
        })
}

fn hex<'a>(tokens: impl Iterator<Item = &'a str>) -> Result<Vec<u8>, TlsaError> {
    let joined: String = tokens.collect();
    if !joined.len().is_multiple_of(2) {
        return Err(TlsaError::BadHex("an odd number of hex digits".to_string()));
    }
    let bytes = data_encoding::HEXLOWER_PERMISSIVE
        .decode(joined.as_bytes())
        .map_err(|e| TlsaError::BadHex(e.to_string()))?;
    if bytes.len() > MAX_DATA {
        return Err(TlsaError::TooLong(bytes.len()));
    }
    Ok(bytes)
}

/// The rules that decide which TLSA usages a client may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Any TLS service (RFC 6698, RFC 7671): all four usages.
    Tls,
    /// SMTP (RFC 7672 §3.1.3): PKIX-TA(0) and PKIX-EE(1) are unusable,
    /// since MTAs share no set of trusted CAs.
    Smtp,
}

/// Why a record is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// The usage is unassigned or private.
    Usage(Usage),
    /// The selector is unassigned or private.
    Selector(Selector),
    /// The matching type is unassigned or private.
    MatchingType(MatchingType),
    /// A PKIX usage in SMTP (RFC 7672 §3.1.3).
    PkixForSmtp(Usage),
    /// The digest has the wrong length for its matching type.
    DigestLength {
        /// Length the matching type needs.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// No association data.
    Empty,
    /// A SHA2-512 record with the same usage and selector exists, so the
    /// weaker SHA2-256 one is ignored (RFC 7671 §9, digest agility).
    WeakerDigest,
    /// More records than are examined.
    TooMany,
}

impl ToMessage for Unusable {
    fn to_message(&self) -> Message {
        match self {
            Unusable::Usage(u) => msg!("dane-unusable-usage", value = u8::from(*u)),
            Unusable::Selector(s) => msg!("dane-unusable-selector", value = u8::from(*s)),
            Unusable::MatchingType(m) => {
                msg!("dane-unusable-matching-type", value = u8::from(*m))
            }
            Unusable::PkixForSmtp(u) => msg!("dane-unusable-pkix-smtp", usage = u.to_string()),
            Unusable::DigestLength { expected, found } => msg!(
                "dane-unusable-digest-length",
                found = *found,
                expected = *expected
            ),
            Unusable::Empty => msg!("dane-unusable-empty"),
            Unusable::WeakerDigest => msg!("dane-unusable-weaker-digest"),
            Unusable::TooMany => msg!("dane-unusable-too-many", count = MAX_EXAMINED),
        }
    }
}

/// Most usable records examined for one endpoint.
pub const MAX_EXAMINED: usize = 64;

/// Splits a TLSA RRset into the records a client uses and those it ignores,
/// with the reason: malformed first, then unsupported parameters, then
/// digest agility (RFC 7671 §9: per usage and selector keep Full(0) and the
/// strongest digest present) — the order RFC 7671 implies, so that an
/// unusable record never hides a usable one.
pub fn usable(records: &[Tlsa], protocol: Protocol) -> (Vec<Tlsa>, Vec<(Tlsa, Unusable)>) {
    let mut kept = Vec::new();
    let mut ignored = Vec::new();
    for r in records {
        let reason = match (r.usage(), r.selector(), r.matching_type()) {
            (_, _, MatchingType::Sha256) if r.data.len() != 32 => Some(Unusable::DigestLength {
                expected: 32,
                found: r.data.len(),
            }),
            (_, _, MatchingType::Sha512) if r.data.len() != 64 => Some(Unusable::DigestLength {
                expected: 64,
                found: r.data.len(),
            }),
            _ if r.data.is_empty() => Some(Unusable::Empty),
            (u @ (Usage::Private | Usage::Unassigned(_)), _, _) => Some(Unusable::Usage(u)),
            (_, s @ (Selector::Private | Selector::Unassigned(_)), _) => {
                Some(Unusable::Selector(s))
            }
            (_, _, m @ (MatchingType::Private | MatchingType::Unassigned(_))) => {
                Some(Unusable::MatchingType(m))
            }
            (u @ (Usage::PkixTa | Usage::PkixEe), _, _) if protocol == Protocol::Smtp => {
                Some(Unusable::PkixForSmtp(u))
            }
            _ => None,
        };
        match reason {
            Some(why) => ignored.push((r.clone(), why)),
            None => kept.push(r.clone()),
        }
    }
    let strong: BTreeSet<(u8, u8)> = kept
        .iter()
        .filter(|r| r.matching_type() == MatchingType::Sha512)
        .map(|r| (r.usage, r.selector))
        .collect();
    let mut usable = Vec::new();
    for r in kept {
        if r.matching_type() == MatchingType::Sha256 && strong.contains(&(r.usage, r.selector)) {
            ignored.push((r, Unusable::WeakerDigest));
        } else if usable.len() == MAX_EXAMINED {
            ignored.push((r, Unusable::TooMany));
        } else if !usable.contains(&r) {
            usable.push(r);
        }
    }
    (usable, ignored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Tlsa {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn presentation_forms() {
        let a = t("3 1 1 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
        assert_eq!(a.usage(), Usage::DaneEe);
        assert_eq!(a.selector(), Selector::Spki);
        assert_eq!(a.matching_type(), MatchingType::Sha256);
        assert_eq!(a.data().len(), 32);
        let b = t(
            "DANE-EE SPKI SHA2-256 01020304 05060708090A0B0C0D0E0F10 1112131415161718191a1b1c1d1e1f20",
        );
        assert_eq!(a, b);
        assert_eq!(a.to_string().parse::<Tlsa>(), Ok(a.clone()));
        let c = Tlsa::from_record_line(
            "_25._tcp.mx.example. 3600 IN TLSA 3 1 1 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
        );
        assert_eq!(c, Ok(a.clone()));
        let generic = format!("\\# 35 030101 {}", data_encoding::HEXLOWER.encode(a.data()));
        assert_eq!(generic.parse::<Tlsa>(), Ok(a.clone()));
        assert_eq!(Tlsa::from_rdata(&a.to_rdata()), Ok(a.clone()));
        use hickory_proto::rr::rdata::tlsa::{CertUsage, Matching, Selector as HSelector, TLSA};
        let h = TLSA::new(
            CertUsage::DaneEe,
            HSelector::Spki,
            Matching::Sha256,
            a.data().to_vec(),
        );
        assert_eq!(Tlsa::try_from(&h), Ok(a));
        let odd = TLSA::new(
            CertUsage::from(7),
            HSelector::from(9),
            Matching::from(200),
            vec![1],
        );
        assert_eq!(
            Tlsa::try_from(&odd).map(|t| t.parameters()),
            Ok("7 9 200".to_string())
        );
    }

    #[test]
    fn presentation_errors() {
        assert_eq!("".parse::<Tlsa>(), Err(TlsaError::Missing("usage")));
        assert_eq!(
            "3 1".parse::<Tlsa>(),
            Err(TlsaError::Missing("matching type"))
        );
        assert_eq!(
            "3 1 1".parse::<Tlsa>(),
            Err(TlsaError::Missing("certificate association data"))
        );
        assert!(matches!(
            "256 1 1 00".parse::<Tlsa>(),
            Err(TlsaError::BadField { .. })
        ));
        assert!(matches!(
            "3 1 1 0g".parse::<Tlsa>(),
            Err(TlsaError::BadHex(_))
        ));
        assert!(matches!(
            "3 1 1 abc".parse::<Tlsa>(),
            Err(TlsaError::BadHex(_))
        ));
        assert!(matches!(
            "\\# 4 030101".parse::<Tlsa>(),
            Err(TlsaError::GenericLength { .. })
        ));
        assert_eq!(Tlsa::from_rdata(&[3, 1]), Err(TlsaError::TooShort(2)));
    }

    #[test]
    fn usable_records_and_digest_agility() {
        let d32 = "00".repeat(32);
        let d64 = "11".repeat(64);
        let records = vec![
            t(&format!("3 1 1 {d32}")),
            t(&format!("3 1 2 {d64}")),
            t(&format!("3 0 1 {d32}")),
            t(&format!("3 1 0 {d32}")),
            t(&format!("1 1 1 {d32}")),
            t(&format!("4 1 1 {d32}")),
            t("3 1 1 00"),
            t(&format!("3 2 1 {d32}")),
            t(&format!("3 1 9 {d32}")),
        ];
        let (tls, _) = usable(&records, Protocol::Tls);
        let params: Vec<String> = tls.iter().map(Tlsa::parameters).collect();
        assert_eq!(params, ["3 1 2", "3 0 1", "3 1 0", "1 1 1"]);
        let (smtp, ignored) = usable(&records, Protocol::Smtp);
        assert_eq!(smtp.len(), 3);
        assert!(
            ignored
                .iter()
                .any(|(_, why)| *why == Unusable::PkixForSmtp(Usage::PkixEe))
        );
        assert!(
            ignored
                .iter()
                .any(|(_, why)| *why == Unusable::WeakerDigest)
        );
        assert!(ignored.iter().any(|(_, why)| matches!(
            why,
            Unusable::DigestLength {
                expected: 32,
                found: 1
            }
        )));
    }
}
