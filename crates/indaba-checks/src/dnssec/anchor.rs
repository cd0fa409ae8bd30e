//! Trust anchors: the root keys every DNSSEC chain starts from.
//!
//! Read from zone-file lines (`. 3600 IN DS 20326 8 2 E06D…` or `. IN DNSKEY
//! 257 3 8 AwEAA…`), the format of Unbound's `trust-anchor-file` and of IANA's
//! published DS records. The default is IANA's root anchors (KSK-2017 and
//! KSK-2024, from https://data.iana.org/root-anchors/root-anchors.xml).

use data_encoding::{BASE64, HEXUPPER_PERMISSIVE};
use hickory_proto::dnssec::rdata::{DNSKEY, DS};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKeyBuf};
use indaba_model::{Message, ToMessage, msg};

/// IANA's root zone trust anchors as DS records.
pub const IANA_ROOT_ANCHORS: &str = "\
. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
. IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16
";

/// A set of root trust anchors.
#[derive(Debug, Clone)]
pub struct TrustAnchor {
    /// DS-style anchors.
    pub ds: Vec<DS>,
    /// DNSKEY-style anchors.
    pub keys: Vec<DNSKEY>,
    /// The records as read, for the report.
    pub text: Vec<String>,
}

/// Why an anchor file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    /// A line is not a DS or DNSKEY record for the root.
    #[error("line {line}: {reason}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: LineError,
    },
    /// No record at all.
    #[error("the trust anchor holds no DS or DNSKEY record for the root zone \".\"")]
    Empty,
}

/// What is wrong with one line of an anchor file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// The owner is not the root.
    #[error("the owner is {0:?}; only anchors for the root \".\" are used")]
    Owner(String),
    /// A field is missing (`record type`, `key tag`…).
    #[error("the {0} is missing")]
    Missing(Field),
    /// A numeric field is not a number.
    #[error("the {0} is not a number")]
    NotNumber(Field),
    /// The DS digest is not hexadecimal.
    #[error("the digest is not hexadecimal")]
    NotHex,
    /// The DNSKEY public key is not base64.
    #[error("the public key is not base64")]
    NotBase64,
    /// Another record type.
    #[error("{0} records cannot be trust anchors; use DS or DNSKEY")]
    WrongType(String),
}

/// A field of an anchor record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The record type.
    RecordType,
    /// A DS key tag.
    KeyTag,
    /// The algorithm number.
    Algorithm,
    /// A DS digest type.
    DigestType,
    /// A DS digest.
    Digest,
    /// DNSKEY flags.
    Flags,
    /// DNSKEY protocol.
    Protocol,
}

impl Field {
    fn word(self) -> &'static str {
        match self {
            Field::RecordType => "record type",
            Field::KeyTag => "key tag",
            Field::Algorithm => "algorithm",
            Field::DigestType => "digest type",
            Field::Digest => "digest",
            Field::Flags => "flags",
            Field::Protocol => "protocol",
        }
    }

    fn message(self) -> Message {
        match self {
            Field::RecordType => msg!("dnssec-anchor-field-type"),
            Field::KeyTag => msg!("dnssec-anchor-field-key-tag"),
            Field::Algorithm => msg!("dnssec-anchor-field-algorithm"),
            Field::DigestType => msg!("dnssec-anchor-field-digest-type"),
            Field::Digest => msg!("dnssec-anchor-field-digest"),
            Field::Flags => msg!("dnssec-anchor-field-flags"),
            Field::Protocol => msg!("dnssec-anchor-field-protocol"),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

impl ToMessage for AnchorError {
    fn to_message(&self) -> Message {
        match self {
            AnchorError::BadLine { line, reason } => {
                msg!(
                    "dnssec-anchor-bad-line",
                    line = *line,
                    reason = reason.to_message()
                )
            }
            AnchorError::Empty => msg!("dnssec-anchor-empty"),
        }
    }
}

impl ToMessage for LineError {
    fn to_message(&self) -> Message {
        match self {
            LineError::Owner(owner) => msg!("dnssec-anchor-owner", owner = owner.as_str()),
            LineError::Missing(field) => msg!("dnssec-anchor-missing", field = field.message()),
            LineError::NotNumber(field) => {
                msg!("dnssec-anchor-not-number", field = field.message())
            }
            LineError::NotHex => msg!("dnssec-anchor-not-hex"),
            LineError::NotBase64 => msg!("dnssec-anchor-not-base64"),
            LineError::WrongType(rtype) => msg!("dnssec-anchor-wrong-type", rtype = rtype.as_str()),
        }
    }
}

impl TrustAnchor {
    /// IANA's root anchors.
    pub fn iana() -> TrustAnchor {
        // The constant is known-good; a failure here is a bug caught by tests.
        TrustAnchor::parse(IANA_ROOT_ANCHORS).unwrap_or(TrustAnchor {
            ds: Vec::new(),
            keys: Vec::new(),
            text: Vec::new(),
        })
    }

    /// Reads anchors from zone-file text. Comments (`;`) and blank lines are
    /// skipped; parentheses may spread a record over several lines.
    pub fn parse(text: &str) -> Result<TrustAnchor, AnchorError> {
        let mut anchor = TrustAnchor {
            ds: Vec::new(),
            keys: Vec::new(),
            text: Vec::new(),
        };
        for (line, record) in zone_file_records(text) {
            anchor
                .add(&record)
                .map_err(|reason| AnchorError::BadLine { line, reason })?;
        }
        if anchor.ds.is_empty() && anchor.keys.is_empty() {
            return Err(AnchorError::Empty);
        }
        Ok(anchor)
    }

    fn add(&mut self, record: &str) -> Result<(), LineError> {
        let fields: Vec<&str> = record.split_whitespace().collect();
        let owner = fields.first().copied().unwrap_or_default();
        if owner != "." {
            return Err(LineError::Owner(owner.to_string()));
        }
        let mut rest = &fields[1..];
        // Optional TTL and class, in either order.
        for _ in 0..2 {
            if let Some(first) = rest.first()
                && (first.chars().all(|c| c.is_ascii_digit()) || first.eq_ignore_ascii_case("IN"))
            {
                rest = &rest[1..];
            }
        }
        let (rtype, data) = rest
            .split_first()
            .ok_or(LineError::Missing(Field::RecordType))?;
        let number = |s: Option<&&str>, field: Field| -> Result<u16, LineError> {
            s.ok_or(LineError::Missing(field))?
                .parse::<u16>()
                .map_err(|_| LineError::NotNumber(field))
        };
        if rtype.eq_ignore_ascii_case("DS") {
            let tag = number(data.first(), Field::KeyTag)?;
            let alg = number(data.get(1), Field::Algorithm)?;
            let digest_type = number(data.get(2), Field::DigestType)?;
            let hex: String = data.get(3..).unwrap_or_default().concat();
            let digest = HEXUPPER_PERMISSIVE
                .decode(hex.to_ascii_uppercase().as_bytes())
                .map_err(|_| LineError::NotHex)?;
            if digest.is_empty() {
                return Err(LineError::Missing(Field::Digest));
            }
            self.ds.push(DS::new(
                tag,
                Algorithm::from_u8(alg as u8),
                DigestType::from(digest_type as u8),
                digest,
            ));
        } else if rtype.eq_ignore_ascii_case("DNSKEY") {
            let flags = number(data.first(), Field::Flags)?;
            let _protocol = number(data.get(1), Field::Protocol)?;
            let alg = number(data.get(2), Field::Algorithm)?;
            let b64: String = data.get(3..).unwrap_or_default().concat();
            let key = BASE64
                .decode(b64.as_bytes())
                .map_err(|_| LineError::NotBase64)?;
            self.keys.push(DNSKEY::with_flags(
                flags,
                PublicKeyBuf::new(key, Algorithm::from_u8(alg as u8)),
            ));
        } else {
            return Err(LineError::WrongType((*rtype).to_string()));
        }
        self.text.push(fields.join(" "));
        Ok(())
    }
}

/// Splits zone-file text into records: comments (`;`) removed, records in
/// parentheses joined across lines. Each comes with its first line's number.
pub fn zone_file_records(text: &str) -> Vec<(usize, String)> {
    let mut records = Vec::new();
    let mut pending = String::new();
    let mut start_line = 0;
    let mut depth = 0i32;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split(';').next().unwrap_or("");
        if pending.trim().is_empty() {
            start_line = index + 1;
        }
        depth += line.matches('(').count() as i32 - line.matches(')').count() as i32;
        pending.push(' ');
        pending.push_str(&line.replace(['(', ')'], " "));
        if depth > 0 {
            continue;
        }
        depth = 0;
        let record = std::mem::take(&mut pending);
        if !record.trim().is_empty() {
            records.push((start_line, record));
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_anchor_parses() {
        let a = TrustAnchor::iana();
        assert_eq!(a.ds.len(), 2);
        assert_eq!(a.ds[0].key_tag(), 20326);
        assert_eq!(a.ds[1].key_tag(), 38696);
    }

    #[test]
    fn reads_dnskey_and_multiline() {
        let text = ". 3600 IN DNSKEY 257 3 13 (\n  mdsswUyr3DPW132mOi8V9xESWE8jTo0d\n xCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== ) ; ksk\n";
        let a = TrustAnchor::parse(text).unwrap();
        assert_eq!(a.keys.len(), 1);
        assert_eq!(a.keys[0].flags(), 257);
    }

    #[test]
    fn refuses_bad_anchors() {
        assert!(matches!(
            TrustAnchor::parse("; nothing\n"),
            Err(AnchorError::Empty)
        ));
        assert_eq!(
            TrustAnchor::parse(". IN DS 1 8").unwrap_err(),
            AnchorError::BadLine {
                line: 1,
                reason: LineError::Missing(Field::DigestType)
            }
        );
        let m = TrustAnchor::parse(". IN A 192.0.2.1")
            .unwrap_err()
            .to_message();
        assert_eq!(m.id, "dnssec-anchor-bad-line");
        assert_eq!(
            indaba_i18n::english().render("en", &m),
            "line 1: A records cannot be trust anchors; use DS or DNSKEY"
        );
        assert!(TrustAnchor::parse("example. IN DS 1 8 2 AB").is_err());
        assert!(TrustAnchor::parse(". IN DS x 8 2 AB").is_err());
        assert!(TrustAnchor::parse(". IN DS 1 8 2 XYZ").is_err());
        assert!(TrustAnchor::parse(". IN A 192.0.2.1").is_err());
        assert!(TrustAnchor::parse(". IN DS").is_err());
    }
}
