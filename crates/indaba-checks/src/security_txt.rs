//! security.txt (RFC 9116): parsing the file, checking it, and the
//! `web.security_txt` finding.
//!
//! The engine fetches `https://<domain>/.well-known/security.txt` (falling
//! back to `/security.txt` if it wishes) and hands over what came back as a
//! [`SecurityTxtFetch`]; the finding is judged at the `now` it is given.
//!
//! The grammar is RFC 9116 §4 read strictly: field names are
//! case-insensitive, `Name: value` has exactly one space after the colon,
//! lines end in LF or CRLF with optional trailing white space, comments start
//! with `#`, and unknown fields are allowed — and, as RFC 5322 fields, may be
//! folded onto lines that start with white space. Two leniencies, because
//! every consumer has them: the last line need not end in a line break, and
//! a web URI's scheme is compared case-insensitively. OpenPGP cleartext
//! signed files (RFC 4880 §7) are unwrapped and their signed text parsed; the
//! signature itself is not verified, and the finding says so.
//!
//! The parser is ours: the Rust crate for security.txt (sectxtlib) judges
//! expiry against the system clock and stops at the first error, where a
//! report needs every problem with its line and a clock it is given. URIs
//! are checked with `fluent-uri` (RFC 3986) and language tags with
//! `oxilangtag` (RFC 5646).
//!
//! The file is judged as the server sent it: the body and the Content-Type
//! are bytes ([`Octets`]), so a file that is not UTF-8 is caught as such
//! rather than smoothed over. Every problem is a [`Message`]
//! (`locales/en/findings-web.ftl`); `Display` on the error types is for
//! logs.

use std::fmt;

use fluent_uri::Uri as RfcUri;
use indaba_model::catalogue::ids;
use indaba_model::observation::{HttpOutcome, Octets};
use indaba_model::{Arg, Evidence, Finding, Message, Status, Text, ToMessage, msg};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::headers::{capped, shown};

/// Largest file accepted: 32 KiB. RFC 9116 sets no limit; a contact file
/// has no reason to be larger, and a hostile one must not cost more.
pub const MAX_BYTES: usize = 32 * 1024;

/// The most `Preferred-Languages` tags [`SecurityTxt::preferred_languages`]
/// gives: more is no preference anyone could act on.
pub const MAX_LANGUAGES: usize = 32;

/// Most problems listed in a finding (a hostile file can have thousands).
const MAX_PROBLEMS_SHOWN: usize = 40;

/// How far ahead `Expires` may be before it is flagged: RFC 9116 §2.5.5
/// recommends less than a year; a day of slack covers leap years.
pub const MAX_EXPIRY_AHEAD: Duration = Duration::days(366);

/// A URI that matches RFC 3986 `URI` (so it has a scheme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri(String);

impl Uri {
    /// Checks `text` against RFC 3986 §3.
    pub fn parse(text: &str) -> Result<Uri, String> {
        RfcUri::parse(text).map_err(|e| e.to_string())?;
        Ok(Uri(text.to_string()))
    }

    /// The URI as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The scheme, lower case.
    pub fn scheme(&self) -> String {
        self.0
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default()
    }

    fn host(&self) -> Option<String> {
        let uri = RfcUri::parse(self.0.as_str()).ok()?;
        let authority = uri.authority()?;
        Some(authority.host().to_string())
    }

    fn path(&self) -> String {
        RfcUri::parse(self.0.as_str())
            .map(|u| u.path().as_str().to_string())
            .unwrap_or_default()
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A valid field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// `Acknowledgments`: a page thanking researchers.
    Acknowledgments(Uri),
    /// `Canonical`: where this file is meant to be found.
    Canonical(Uri),
    /// `Contact`: how to report a vulnerability.
    Contact(Uri),
    /// `CSAF`: a CSAF provider-metadata.json (CSAF 2.0 §7.1.8).
    Csaf(Uri),
    /// `Encryption`: where the key to encrypt reports is.
    Encryption(Uri),
    /// `Expires`: when the file must no longer be trusted.
    Expires(OffsetDateTime),
    /// `Hiring`: security jobs.
    Hiring(Uri),
    /// `Policy`: the disclosure policy.
    Policy(Uri),
    /// `Preferred-Languages`: language tags.
    PreferredLanguages(Vec<String>),
    /// Any other field (allowed, ignored by readers that do not know it).
    Extension {
        /// The name as written.
        name: String,
        /// The value, unfolded.
        value: String,
    },
}

impl FieldValue {
    /// The field name in its RFC 9116 spelling.
    pub fn name(&self) -> &str {
        match self {
            FieldValue::Acknowledgments(_) => "Acknowledgments",
            FieldValue::Canonical(_) => "Canonical",
            FieldValue::Contact(_) => "Contact",
            FieldValue::Csaf(_) => "CSAF",
            FieldValue::Encryption(_) => "Encryption",
            FieldValue::Expires(_) => "Expires",
            FieldValue::Hiring(_) => "Hiring",
            FieldValue::Policy(_) => "Policy",
            FieldValue::PreferredLanguages(_) => "Preferred-Languages",
            FieldValue::Extension { name, .. } => name,
        }
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.name())?;
        match self {
            FieldValue::Acknowledgments(u)
            | FieldValue::Canonical(u)
            | FieldValue::Contact(u)
            | FieldValue::Csaf(u)
            | FieldValue::Encryption(u)
            | FieldValue::Hiring(u)
            | FieldValue::Policy(u) => write!(f, "{u}"),
            FieldValue::Expires(t) => match t.format(&Rfc3339) {
                Ok(s) => f.write_str(&s),
                Err(_) => write!(f, "{t}"),
            },
            FieldValue::PreferredLanguages(tags) => f.write_str(&tags.join(", ")),
            FieldValue::Extension { value, .. } => f.write_str(value),
        }
    }
}

/// A valid field and the line it starts on (1-based, in the file as
/// served, signature lines included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Line number.
    pub line: usize,
    /// The field.
    pub value: FieldValue,
}

/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Neither a field, a comment nor an empty line.
    #[error("not a field (Name: value), a comment (#) or an empty line")]
    NotALine,
    /// Leading white space outside a folded extension field.
    #[error(
        "a line may not start with a space or tab (only an extension field may continue on such a line)"
    )]
    LeadingWhitespace,
    /// A field name with characters RFC 5322 excludes.
    #[error("{0:?} is not a field name (printable ASCII without spaces or colons)")]
    BadFieldName(String),
    /// Not exactly `Name: value`.
    #[error("{0}: the colon must be followed by exactly one space and the value")]
    Separator(String),
    /// A known field without a value.
    #[error("{0} has no value")]
    EmptyValue(String),
    /// A value that is not a URI.
    #[error("{field}: {value:?} is not a URI ({reason:?}; RFC 3986)")]
    BadUri {
        /// The field.
        field: String,
        /// The value, shortened.
        value: String,
        /// Why.
        reason: UriProblem,
    },
    /// An `http:` URI where RFC 9116 requires `https:`.
    #[error("{field}: {value} is a web URI, so it must begin with https:// (RFC 9116 §2.5)")]
    NotHttps {
        /// The field.
        field: String,
        /// The value.
        value: String,
    },
    /// A CSAF value that is not an https URL of provider-metadata.json.
    #[error(
        "CSAF: {0} must be an https:// URL ending in /provider-metadata.json (CSAF 2.0 §7.1.8)"
    )]
    BadCsaf(String),
    /// An `Expires` value that is not an RFC 3339 date-time.
    #[error(
        "Expires: {value:?} is not an RFC 3339 date-time such as 2026-12-31T23:59:59Z ({reason:?})"
    )]
    BadExpires {
        /// The value, shortened.
        value: String,
        /// Why.
        reason: ExpiresProblem,
    },
    /// A bad `Preferred-Languages` value.
    #[error("Preferred-Languages: {0:?}")]
    BadLanguages(LanguagesProblem),
    /// A control character in a comment or a field's value.
    #[error("{0:?} contains a control character")]
    ControlCharacter(Place),
    /// A byte order mark before the first line.
    #[error("the file starts with a byte order mark (U+FEFF); save it as UTF-8 without one")]
    ByteOrderMark,
    /// A problem with the OpenPGP cleartext framing.
    #[error("{0:?}")]
    Signature(SignatureProblem),
}

/// Why a value is not a URI the field can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriProblem {
    /// Not RFC 3986 syntax (the parser's words).
    Syntax(String),
    /// An `https:` URI without a host.
    NoHost,
    /// A `mailto:` URI without an e-mail address.
    NoMailAddress,
    /// A `tel:` URI without a number.
    NoNumber,
}

/// Why an `Expires` value is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiresProblem {
    /// The date and the time are not separated by "T".
    SeparatorNotT,
    /// Anything else (the parser's words).
    Parse(String),
}

/// What is wrong with a `Preferred-Languages` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LanguagesProblem {
    /// Two commas, or a comma at an end.
    EmptyTag,
    /// Not an RFC 5646 language tag.
    BadTag {
        /// The tag, shortened.
        tag: String,
        /// The parser's words.
        reason: String,
    },
}

/// Where a control character was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// In the value of the field with this name.
    Field(String),
    /// In a comment.
    Comment,
}

/// What is wrong with the OpenPGP cleartext signature framing of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureProblem {
    /// A signed line starting with "-" that is not dash-escaped.
    NotDashEscaped,
    /// Text after the signature, which it does not cover.
    TextAfterSignature,
}

impl ToMessage for LineError {
    fn to_message(&self) -> Message {
        match self {
            LineError::NotALine => msg!("sectxt-not-a-line"),
            LineError::LeadingWhitespace => msg!("sectxt-leading-whitespace"),
            LineError::BadFieldName(name) => msg!("sectxt-bad-field-name", name = name.as_str()),
            LineError::Separator(name) => msg!("sectxt-separator", name = name.as_str()),
            LineError::EmptyValue(name) => msg!("sectxt-empty-value", name = name.as_str()),
            LineError::BadUri {
                field,
                value,
                reason,
            } => msg!(
                "sectxt-bad-uri",
                field = field.as_str(),
                value = value.as_str(),
                reason = match reason {
                    UriProblem::Syntax(why) => msg!("sectxt-uri-syntax", reason = why.as_str()),
                    UriProblem::NoHost => msg!("sectxt-uri-no-host"),
                    UriProblem::NoMailAddress => msg!("sectxt-uri-no-mail-address"),
                    UriProblem::NoNumber => msg!("sectxt-uri-no-number"),
                }
            ),
            LineError::NotHttps { field, value } => msg!(
                "sectxt-not-https",
                field = field.as_str(),
                value = value.as_str()
            ),
            LineError::BadCsaf(value) => msg!("sectxt-bad-csaf", value = value.as_str()),
            LineError::BadExpires { value, reason } => msg!(
                "sectxt-bad-expires",
                value = value.as_str(),
                reason = match reason {
                    ExpiresProblem::SeparatorNotT => msg!("sectxt-expires-separator"),
                    ExpiresProblem::Parse(why) =>
                        msg!("sectxt-expires-parse", reason = why.as_str()),
                }
            ),
            LineError::BadLanguages(LanguagesProblem::EmptyTag) => msg!("sectxt-languages-empty"),
            LineError::BadLanguages(LanguagesProblem::BadTag { tag, reason }) => msg!(
                "sectxt-languages-bad-tag",
                tag = tag.as_str(),
                reason = reason.as_str()
            ),
            LineError::ControlCharacter(Place::Field(name)) => {
                msg!("sectxt-control-in-field", name = name.as_str())
            }
            LineError::ControlCharacter(Place::Comment) => msg!("sectxt-control-in-comment"),
            LineError::ByteOrderMark => msg!("sectxt-byte-order-mark"),
            LineError::Signature(SignatureProblem::NotDashEscaped) => {
                msg!("sectxt-not-dash-escaped")
            }
            LineError::Signature(SignatureProblem::TextAfterSignature) => {
                msg!("sectxt-text-after-signature")
            }
        }
    }
}

impl LineError {
    /// The known field this error is about, lower case, if any.
    fn field(&self) -> Option<String> {
        let f = match self {
            LineError::Separator(f) | LineError::EmptyValue(f) => f,
            LineError::BadUri { field, .. } | LineError::NotHttps { field, .. } => field,
            LineError::BadCsaf(_) => "csaf",
            LineError::BadExpires { .. } => "expires",
            LineError::BadLanguages(_) => "preferred-languages",
            _ => return None,
        };
        Some(f.to_ascii_lowercase())
    }
}

/// A problem on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// Line number (1-based).
    pub line: usize,
    /// What is wrong.
    pub error: LineError,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecurityTxtError {
    /// Larger than [`MAX_BYTES`].
    #[error("the file is {0} bytes, more than the 32 KiB (32768 bytes) accepted")]
    TooLarge(usize),
    /// Not UTF-8.
    #[error(
        "the file is not UTF-8 (RFC 9116 §3): an invalid byte on line {line}, at offset {offset}"
    )]
    NotUtf8 {
        /// Byte offset.
        offset: usize,
        /// Line number.
        line: usize,
    },
    /// A cleartext signed message without its parts.
    #[error("the OpenPGP signed message is malformed: {0:?}")]
    BadSignedMessage(SignedMessageProblem),
}

/// What is missing from an OpenPGP cleartext signed message (RFC 4880 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedMessageProblem {
    /// This line should be an armor header or the empty line.
    ArmorHeader(usize),
    /// No empty line after the BEGIN PGP SIGNED MESSAGE header.
    NoEmptyLine,
    /// No BEGIN PGP SIGNATURE line after the signed text.
    NoSignature,
    /// No END PGP SIGNATURE line.
    NoEnd,
    /// The signed message starts on this line, not the first.
    NotFirstLine(usize),
}

impl ToMessage for SecurityTxtError {
    fn to_message(&self) -> Message {
        match self {
            SecurityTxtError::TooLarge(bytes) => msg!("sectxt-too-large", bytes = *bytes),
            SecurityTxtError::NotUtf8 { offset, line } => {
                msg!("sectxt-not-utf8", line = *line, offset = *offset)
            }
            SecurityTxtError::BadSignedMessage(problem) => msg!(
                "sectxt-bad-signed-message",
                problem = match problem {
                    SignedMessageProblem::ArmorHeader(line) => {
                        msg!("sectxt-signed-armor-header", line = *line)
                    }
                    SignedMessageProblem::NoEmptyLine => msg!("sectxt-signed-no-empty-line"),
                    SignedMessageProblem::NoSignature => msg!("sectxt-signed-no-signature"),
                    SignedMessageProblem::NoEnd => msg!("sectxt-signed-no-end"),
                    SignedMessageProblem::NotFirstLine(line) => {
                        msg!("sectxt-signed-not-first-line", line = *line)
                    }
                }
            ),
        }
    }
}

/// A parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityTxt {
    /// Whether the file is an OpenPGP cleartext signed message (the
    /// signature is not verified).
    pub signed: bool,
    /// The valid fields, in order.
    pub fields: Vec<Field>,
    /// Lines that are invalid.
    pub problems: Vec<LineProblem>,
}

impl SecurityTxt {
    /// The `Preferred-Languages` tags (RFC 9116 §2.5.8), most preferred
    /// first: the first such field's (the RFC allows one; [`check`] reports
    /// more), at most [`MAX_LANGUAGES`] of them; empty without the field.
    pub fn preferred_languages(&self) -> &[String] {
        self.fields
            .iter()
            .find_map(|f| match &f.value {
                FieldValue::PreferredLanguages(tags) => {
                    Some(&tags[..tags.len().min(MAX_LANGUAGES)])
                }
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The fields as unsigned security.txt text.
    pub fn to_text(&self) -> String {
        self.fields
            .iter()
            .map(|f| format!("{}\n", f.value))
            .collect()
    }
}

const KNOWN: [&str; 9] = [
    "acknowledgments",
    "canonical",
    "contact",
    "csaf",
    "encryption",
    "expires",
    "hiring",
    "policy",
    "preferred-languages",
];

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| (c < ' ' && c != '\t') || c == '\x7f')
}

/// RFC 5322 `ftext`: printable ASCII except the colon.
fn is_field_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

fn uri_field(field: &str, value: &str) -> Result<Uri, LineError> {
    let bad = |reason| LineError::BadUri {
        field: field.to_string(),
        value: value.chars().take(80).collect(),
        reason,
    };
    let uri = Uri::parse(value).map_err(|why| bad(UriProblem::Syntax(why)))?;
    match uri.scheme().as_str() {
        "http" => Err(LineError::NotHttps {
            field: field.to_string(),
            value: value.chars().take(80).collect(),
        }),
        "https" if uri.host().is_none_or(|h| h.is_empty()) => Err(bad(UriProblem::NoHost)),
        "mailto" if field == "Contact" && !uri.path().contains('@') => {
            Err(bad(UriProblem::NoMailAddress))
        }
        "tel" if field == "Contact" && uri.path().is_empty() => Err(bad(UriProblem::NoNumber)),
        _ => Ok(uri),
    }
}

fn expires(value: &str) -> Result<OffsetDateTime, LineError> {
    let bad = |reason: ExpiresProblem| LineError::BadExpires {
        value: value.chars().take(60).collect(),
        reason,
    };
    // The `time` crate accepts any separator; the RFC 3339 grammar that
    // RFC 9116 imports has only "T" (case-insensitive).
    if let Some(sep) = value.as_bytes().get(10)
        && !matches!(sep, b'T' | b't')
        && value.len() > 11
    {
        return Err(bad(ExpiresProblem::SeparatorNotT));
    }
    OffsetDateTime::parse(value, &Rfc3339).map_err(|e| bad(ExpiresProblem::Parse(e.to_string())))
}

fn languages(value: &str) -> Result<Vec<String>, LineError> {
    value
        .split(',')
        .map(|t| t.trim_matches(is_wsp))
        .map(|tag| {
            if tag.is_empty() {
                return Err(LineError::BadLanguages(LanguagesProblem::EmptyTag));
            }
            oxilangtag::LanguageTag::parse(tag)
                .map(|_| tag.to_string())
                .map_err(|e| {
                    LineError::BadLanguages(LanguagesProblem::BadTag {
                        tag: tag.chars().take(40).collect(),
                        reason: e.to_string(),
                    })
                })
        })
        .collect()
}

fn field_value(name: &str, value: &str) -> Result<FieldValue, LineError> {
    let lower = name.to_ascii_lowercase();
    if !KNOWN.contains(&lower.as_str()) {
        if has_control(value) {
            return Err(LineError::ControlCharacter(Place::Field(name.to_string())));
        }
        return Ok(FieldValue::Extension {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    let canonical = match lower.as_str() {
        "acknowledgments" => "Acknowledgments",
        "canonical" => "Canonical",
        "contact" => "Contact",
        "csaf" => "CSAF",
        "encryption" => "Encryption",
        "expires" => "Expires",
        "hiring" => "Hiring",
        "policy" => "Policy",
        _ => "Preferred-Languages",
    };
    if value.is_empty() {
        return Err(LineError::EmptyValue(canonical.into()));
    }
    if value.starts_with(is_wsp) {
        return Err(LineError::Separator(canonical.into()));
    }
    Ok(match canonical {
        "Acknowledgments" => FieldValue::Acknowledgments(uri_field(canonical, value)?),
        "Canonical" => FieldValue::Canonical(uri_field(canonical, value)?),
        "Contact" => FieldValue::Contact(uri_field(canonical, value)?),
        "CSAF" => {
            let uri = uri_field(canonical, value)?;
            if uri.scheme() != "https" || !uri.path().ends_with("/provider-metadata.json") {
                return Err(LineError::BadCsaf(value.chars().take(80).collect()));
            }
            FieldValue::Csaf(uri)
        }
        "Encryption" => FieldValue::Encryption(uri_field(canonical, value)?),
        "Expires" => FieldValue::Expires(expires(value)?),
        "Hiring" => FieldValue::Hiring(uri_field(canonical, value)?),
        "Policy" => FieldValue::Policy(uri_field(canonical, value)?),
        _ => FieldValue::PreferredLanguages(languages(value)?),
    })
}

const BEGIN_SIGNED: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
const BEGIN_SIGNATURE: &str = "-----BEGIN PGP SIGNATURE-----";
const END_SIGNATURE: &str = "-----END PGP SIGNATURE-----";

/// Unwraps an OpenPGP cleartext signed message (RFC 4880 §7): returns the
/// signed lines, dash-unescaped, with their line numbers.
fn unwrap_signed<'a>(
    lines: &[(usize, &'a str)],
    problems: &mut Vec<LineProblem>,
) -> Result<Vec<(usize, &'a str)>, SecurityTxtError> {
    let trimmed = |s: &str| s.trim_end_matches(is_wsp).to_string();
    let mut i = 1;
    // Armor headers ("Hash: SHA256"), then one empty line.
    while let Some((n, line)) = lines.get(i) {
        if trimmed(line).is_empty() {
            break;
        }
        if !line.contains(": ") {
            return Err(SecurityTxtError::BadSignedMessage(
                SignedMessageProblem::ArmorHeader(*n),
            ));
        }
        i += 1;
    }
    if i >= lines.len() {
        return Err(SecurityTxtError::BadSignedMessage(
            SignedMessageProblem::NoEmptyLine,
        ));
    }
    i += 1;
    let mut body = Vec::new();
    while let Some(&(n, line)) = lines.get(i) {
        if trimmed(line) == BEGIN_SIGNATURE {
            break;
        }
        if let Some(rest) = line.strip_prefix("- ") {
            body.push((n, rest));
        } else {
            if line.starts_with('-') {
                problems.push(LineProblem {
                    line: n,
                    error: LineError::Signature(SignatureProblem::NotDashEscaped),
                });
            }
            body.push((n, line));
        }
        i += 1;
    }
    if i >= lines.len() {
        return Err(SecurityTxtError::BadSignedMessage(
            SignedMessageProblem::NoSignature,
        ));
    }
    while let Some((_, line)) = lines.get(i) {
        if trimmed(line) == END_SIGNATURE {
            break;
        }
        i += 1;
    }
    if i >= lines.len() {
        return Err(SecurityTxtError::BadSignedMessage(
            SignedMessageProblem::NoEnd,
        ));
    }
    for &(n, line) in lines.iter().skip(i + 1) {
        if !trimmed(line).is_empty() {
            problems.push(LineProblem {
                line: n,
                error: LineError::Signature(SignatureProblem::TextAfterSignature),
            });
            break;
        }
    }
    Ok(body)
}

/// Parses a security.txt body. Fatal problems (too large, not UTF-8, a
/// broken signed message) are errors; everything else is reported per line
/// in [`SecurityTxt::problems`] so that a report can list all of them.
pub fn parse(body: &[u8]) -> Result<SecurityTxt, SecurityTxtError> {
    if body.len() > MAX_BYTES {
        return Err(SecurityTxtError::TooLarge(body.len()));
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to();
        SecurityTxtError::NotUtf8 {
            offset,
            line: 1 + body.iter().take(offset).filter(|&&b| b == b'\n').count(),
        }
    })?;
    let mut txt = SecurityTxt::default();
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            txt.problems.push(LineProblem {
                line: 1,
                error: LineError::ByteOrderMark,
            });
            rest
        }
        None => text,
    };
    let mut lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    let first = lines
        .first()
        .map(|(_, l)| l.trim_end_matches(is_wsp))
        .unwrap_or_default();
    let body_lines = if first == BEGIN_SIGNED {
        txt.signed = true;
        unwrap_signed(&lines, &mut txt.problems)?
    } else {
        if let Some((n, _)) = lines.iter().find(|(_, l)| l.starts_with(BEGIN_SIGNED)) {
            return Err(SecurityTxtError::BadSignedMessage(
                SignedMessageProblem::NotFirstLine(*n),
            ));
        }
        lines
    };

    // Index in `txt.fields` of an extension field that may be folded.
    let mut foldable: Option<usize> = None;
    for (n, line) in body_lines {
        let content = line.trim_end_matches(is_wsp);
        if content.is_empty() {
            if line.is_empty() {
                foldable = None;
            }
            continue;
        }
        if line.starts_with(is_wsp) {
            match foldable.and_then(|i| txt.fields.get_mut(i)) {
                Some(Field {
                    value: FieldValue::Extension { name, value },
                    ..
                }) => {
                    if has_control(content) {
                        txt.problems.push(LineProblem {
                            line: n,
                            error: LineError::ControlCharacter(Place::Field(name.clone())),
                        });
                    } else {
                        value.push_str(content);
                    }
                }
                _ => txt.problems.push(LineProblem {
                    line: n,
                    error: LineError::LeadingWhitespace,
                }),
            }
            continue;
        }
        foldable = None;
        if content.starts_with('#') {
            if has_control(content) {
                txt.problems.push(LineProblem {
                    line: n,
                    error: LineError::ControlCharacter(Place::Comment),
                });
            }
            continue;
        }
        let Some((name, rest)) = line.split_once(':') else {
            txt.problems.push(LineProblem {
                line: n,
                error: LineError::NotALine,
            });
            continue;
        };
        if !is_field_name(name) {
            txt.problems.push(LineProblem {
                line: n,
                error: if is_field_name(name.trim_matches(is_wsp)) {
                    LineError::Separator(name.trim_matches(is_wsp).to_string())
                } else if name.contains(is_wsp) {
                    LineError::BadFieldName(name.chars().take(40).collect())
                } else {
                    LineError::NotALine
                },
            });
            continue;
        }
        let Some(value) = rest.strip_prefix(' ') else {
            txt.problems.push(LineProblem {
                line: n,
                error: LineError::Separator(name.to_string()),
            });
            continue;
        };
        match field_value(name, value.trim_end_matches(is_wsp)) {
            Ok(value) => {
                if matches!(value, FieldValue::Extension { .. }) {
                    foldable = Some(txt.fields.len());
                }
                txt.fields.push(Field { line: n, value });
            }
            Err(error) => txt.problems.push(LineProblem { line: n, error }),
        }
    }
    Ok(txt)
}

/// How much a problem matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Breaks a MUST of RFC 9116.
    Error,
    /// Goes against a recommendation the check enforces (expiry too far).
    Recommendation,
    /// Worth knowing; does not affect the verdict.
    Note,
}

/// What a problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A line of the file (1-based).
    Line(usize),
    /// A field or header, by name (`Contact`, `Expires`, `Content-Type`).
    Field(&'static str),
    /// The file as a whole.
    File,
    /// The URL it was served from.
    Url,
    /// The OpenPGP signature.
    Signature,
}

impl Subject {
    /// The subject as evidence shows it: a field name is data, the rest are
    /// words.
    fn text(&self) -> Text {
        match self {
            Subject::Line(n) => Text::Words(msg!("sectxt-line", line = *n)),
            Subject::Field(name) => Text::Data((*name).to_string()),
            Subject::File => Text::Words(msg!("sectxt-subject-file")),
            Subject::Url => Text::Words(msg!("sectxt-subject-url")),
            Subject::Signature => Text::Words(msg!("sectxt-subject-signature")),
        }
    }
}

/// One thing found about a file, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// How much it matters.
    pub severity: Severity,
    /// Where.
    pub subject: Subject,
    /// What, and what to do.
    pub detail: Message,
}

impl Problem {
    fn new(severity: Severity, subject: Subject, detail: Message) -> Self {
        Problem {
            severity,
            subject,
            detail,
        }
    }
}

fn lines_of(lines: &[usize]) -> Arg {
    Arg::list(lines.iter().copied())
}

fn same_url(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Checks a parsed file as a whole, at `now`: every line valid, at least one
/// `Contact`, exactly one `Expires` in the future and at most a year ahead,
/// at most one `Preferred-Languages`, and `fetched_from` among the
/// `Canonical` URIs when there are any.
pub fn check(txt: &SecurityTxt, now: OffsetDateTime, fetched_from: Option<&str>) -> Vec<Problem> {
    let mut out: Vec<Problem> = txt
        .problems
        .iter()
        .map(|p| Problem::new(Severity::Error, Subject::Line(p.line), p.error.to_message()))
        .collect();
    let lines_named = |name: &str| -> Vec<usize> {
        let mut lines: Vec<usize> = txt
            .fields
            .iter()
            .filter(|f| f.value.name().eq_ignore_ascii_case(name))
            .map(|f| f.line)
            .chain(
                txt.problems
                    .iter()
                    .filter(|p| p.error.field().as_deref() == Some(name))
                    .map(|p| p.line),
            )
            .collect();
        lines.sort_unstable();
        lines
    };

    let contacts: Vec<&Uri> = txt
        .fields
        .iter()
        .filter_map(|f| match &f.value {
            FieldValue::Contact(u) => Some(u),
            _ => None,
        })
        .collect();
    if lines_named("contact").is_empty() {
        out.push(Problem::new(
            Severity::Error,
            Subject::Field("Contact"),
            msg!("sectxt-no-contact"),
        ));
    }
    for uri in contacts {
        let scheme = uri.scheme();
        if !matches!(scheme.as_str(), "mailto" | "https" | "tel") {
            out.push(Problem::new(
                Severity::Note,
                Subject::Field("Contact"),
                msg!("sectxt-unusual-scheme", uri = uri.as_str(), scheme = scheme),
            ));
        }
    }

    let expires_lines = lines_named("expires");
    match expires_lines.len() {
        0 => out.push(Problem::new(
            Severity::Error,
            Subject::Field("Expires"),
            msg!("sectxt-no-expires"),
        )),
        1 => {}
        n => out.push(Problem::new(
            Severity::Error,
            Subject::Field("Expires"),
            msg!(
                "sectxt-expires-repeated",
                count = n,
                lines = lines_of(&expires_lines)
            ),
        )),
    }
    let expiry = txt.fields.iter().find_map(|f| match f.value {
        FieldValue::Expires(t) => Some(t),
        _ => None,
    });
    if let Some(t) = expiry {
        let (severity, detail) = if t <= now {
            (
                Severity::Error,
                msg!(
                    "sectxt-expired",
                    date = rfc3339(t),
                    days = (now - t).whole_days()
                ),
            )
        } else if t - now > MAX_EXPIRY_AHEAD {
            (
                Severity::Recommendation,
                msg!(
                    "sectxt-expires-far",
                    date = rfc3339(t),
                    days = (t - now).whole_days()
                ),
            )
        } else {
            (
                Severity::Note,
                msg!(
                    "sectxt-expires-in",
                    date = rfc3339(t),
                    days = (t - now).whole_days()
                ),
            )
        };
        out.push(Problem::new(severity, Subject::Field("Expires"), detail));
    }

    let lang_lines = lines_named("preferred-languages");
    if lang_lines.len() > 1 {
        out.push(Problem::new(
            Severity::Error,
            Subject::Field("Preferred-Languages"),
            msg!(
                "sectxt-languages-repeated",
                count = lang_lines.len(),
                lines = lines_of(&lang_lines)
            ),
        ));
    }

    let canonical: Vec<&Uri> = txt
        .fields
        .iter()
        .filter_map(|f| match &f.value {
            FieldValue::Canonical(u) => Some(u),
            _ => None,
        })
        .collect();
    if let Some(url) = fetched_from
        && !canonical.is_empty()
        && !canonical.iter().any(|c| same_url(c.as_str(), url))
    {
        out.push(Problem::new(
            Severity::Error,
            Subject::Field("Canonical"),
            msg!(
                "sectxt-not-canonical",
                url = url,
                canonical = Arg::list(canonical.iter().map(|c| c.as_str()))
            ),
        ));
    }
    if txt.signed {
        out.push(Problem::new(
            Severity::Note,
            Subject::Signature,
            msg!("sectxt-signature-not-verified"),
        ));
        if canonical.is_empty() {
            out.push(Problem::new(
                Severity::Note,
                Subject::Field("Canonical"),
                msg!("sectxt-signed-without-canonical"),
            ));
        }
    }
    out
}

/// What fetching security.txt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityTxtFetch {
    /// An HTTP response (after the redirects the engine followed), as the
    /// server sent it.
    Response {
        /// The status code.
        status: u16,
        /// The Content-Type header as sent, if any.
        content_type: Option<Octets>,
        /// The body as sent, as far as the probe read it.
        body: Octets,
        /// Whether the probe stopped reading at its limit.
        truncated: bool,
        /// The URL the body came from, after redirects.
        final_url: String,
    },
    /// No HTTPS on the address (refused, no TLS handshake): not tested.
    Missing(Message),
    /// No response for another reason (a timeout): an error.
    Failed(Message),
}

impl SecurityTxtFetch {
    /// What an HTTPS fetch of `final_url` gave. The failure's kind decides
    /// between "no HTTPS" and "could not be fetched", never its text.
    pub fn from_outcome(outcome: &HttpOutcome, final_url: String) -> SecurityTxtFetch {
        use indaba_model::observation::HttpFailure;
        match outcome {
            HttpOutcome::Response(r) => SecurityTxtFetch::Response {
                status: r.status,
                content_type: r.header_bytes("content-type").cloned(),
                body: r.body.clone(),
                truncated: r.body_truncated,
                final_url,
            },
            HttpOutcome::Failure { kind, reason } => {
                let why = crate::website::http_failure(*kind, reason);
                match kind {
                    HttpFailure::Refused | HttpFailure::Tls => SecurityTxtFetch::Missing(why),
                    HttpFailure::Timeout
                    | HttpFailure::TooLarge
                    | HttpFailure::Protocol
                    | HttpFailure::Cancelled
                    | HttpFailure::Blocked => SecurityTxtFetch::Failed(why),
                }
            }
        }
    }
}

/// Checks a Content-Type as sent: `text/plain`, and a charset, if any, of
/// utf-8.
fn content_type_problems(content_type: Option<&Octets>) -> Vec<Problem> {
    let subject = Subject::Field("Content-Type");
    let Some(ct) = content_type else {
        return vec![Problem::new(
            Severity::Error,
            subject,
            msg!("sectxt-no-content-type"),
        )];
    };
    let ct = ct.lossy();
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or_default().trim();
    if !mime.eq_ignore_ascii_case("text/plain") {
        return vec![Problem::new(
            Severity::Error,
            subject,
            msg!("sectxt-bad-content-type", value = shown(ct.as_bytes(), 80)),
        )];
    }
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    });
    match charset {
        Some(c) if c.eq_ignore_ascii_case("utf-8") => vec![],
        Some(c) => vec![Problem::new(
            Severity::Error,
            subject,
            msg!("sectxt-bad-charset", charset = shown(c.as_bytes(), 40)),
        )],
        None => vec![Problem::new(
            Severity::Note,
            subject,
            msg!("sectxt-no-charset"),
        )],
    }
}

/// `web.security_txt`: a security.txt served over HTTPS as text/plain,
/// valid, with a Contact and an Expires that has not passed and is at most
/// a year ahead (judged at `now`).
pub fn finding(fetch: &SecurityTxtFetch, now: OffsetDateTime) -> Finding {
    let id = ids::WEB_SECURITY_TXT;
    let (status, content_type, body, truncated, final_url) = match fetch {
        SecurityTxtFetch::Missing(why) => {
            return Finding::new(id, Status::NotTested, msg!("web-not-tested-no-https"))
                .with(msg!("sectxt-subject-fetch"), why.clone());
        }
        SecurityTxtFetch::Failed(why) => {
            return Finding::new(
                id,
                Status::Error,
                msg!("sectxt-not-fetched", reason = why.clone()),
            );
        }
        SecurityTxtFetch::Response {
            status,
            content_type,
            body,
            truncated,
            final_url,
        } => (
            *status,
            content_type.as_ref(),
            body.bytes(),
            *truncated,
            final_url,
        ),
    };
    let url = shown(final_url.as_bytes(), 200);
    let advice = Evidence::new(msg!("evidence-advice"), msg!("sectxt-advice"));
    if status != 200 {
        return Finding::new(
            id,
            Status::Warning,
            msg!("sectxt-missing", url = url.as_str(), status = status),
        )
        .with(url.as_str(), msg!("sectxt-http-status", status = status))
        .with_all([advice]);
    }
    let mut problems = Vec::new();
    let lower_url = final_url.to_ascii_lowercase();
    if !lower_url.starts_with("https://") {
        problems.push(Problem::new(
            Severity::Error,
            Subject::Url,
            msg!("sectxt-not-over-https", url = url.as_str()),
        ));
    }
    if lower_url.ends_with("/security.txt") && !lower_url.ends_with("/.well-known/security.txt") {
        problems.push(Problem::new(
            Severity::Note,
            Subject::Url,
            msg!("sectxt-legacy-location"),
        ));
    }
    problems.extend(content_type_problems(content_type));
    let parsed = if truncated || body.len() > MAX_BYTES {
        problems.push(Problem::new(
            Severity::Error,
            Subject::File,
            if truncated {
                msg!("sectxt-too-large-cut", bytes = MAX_BYTES)
            } else {
                msg!("sectxt-too-large", bytes = body.len())
            },
        ));
        None
    } else {
        match parse(body) {
            Ok(txt) => Some(txt),
            Err(e) => {
                problems.push(Problem::new(Severity::Error, Subject::File, e.to_message()));
                None
            }
        }
    };
    if let Some(txt) = &parsed {
        problems.extend(check(txt, now, Some(final_url)));
    }
    let mut evidence = vec![Evidence::new(
        url.as_str(),
        msg!(
            "sectxt-served",
            content_type = match content_type {
                Some(ct) => Arg::from(shown(ct.bytes(), 100)),
                None => Arg::Msg(msg!("sectxt-no-content-type-short")),
            },
            bytes = body.len()
        ),
    )];
    problems.sort_by_key(|p| p.severity);
    let serious: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity != Severity::Note)
        .collect();
    let summary = match serious.as_slice() {
        [] => msg!("sectxt-pass"),
        [only] => msg!("sectxt-one-problem", problem = only.detail.clone()),
        [first, ..] => msg!(
            "sectxt-problems",
            count = serious.len(),
            first = first.detail.clone()
        ),
    };
    let status = if serious.is_empty() {
        Status::Pass
    } else {
        Status::Warning
    };
    evidence.extend(capped(
        problems
            .iter()
            .map(|p| {
                let detail = match p.severity {
                    Severity::Error => p.detail.clone(),
                    Severity::Recommendation => {
                        msg!("sectxt-recommendation", detail = p.detail.clone())
                    }
                    Severity::Note => msg!("sectxt-note", detail = p.detail.clone()),
                };
                Evidence::new(p.subject.text(), detail)
            })
            .collect(),
        MAX_PROBLEMS_SHOWN,
    ));
    if let Some(txt) = &parsed {
        for f in txt.fields.iter().filter(|f| {
            matches!(
                f.value,
                FieldValue::Contact(_) | FieldValue::Policy(_) | FieldValue::Encryption(_)
            )
        }) {
            evidence.push(Evidence::new(
                msg!("sectxt-line", line = f.line),
                shown(f.value.to_string().as_bytes(), 200),
            ));
        }
    }
    if status != Status::Pass {
        evidence.push(advice);
    }
    Finding::new(id, status, summary).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
    const URL: &str = "https://example.com/.well-known/security.txt";

    fn fetched(body: &str) -> SecurityTxtFetch {
        SecurityTxtFetch::Response {
            status: 200,
            content_type: Some("text/plain; charset=utf-8".into()),
            body: body.into(),
            truncated: false,
            final_url: URL.into(),
        }
    }

    const GOOD: &str = "# Our security contacts\r\nContact: mailto:security@example.com\r\n\
        Contact: https://example.com/report\nContact: tel:+1-201-555-0123\n\
        Expires: 2026-12-31T23:59:59Z\nEncryption: https://example.com/pgp-key.txt\n\
        Preferred-Languages: en, nl ,pt-BR\nCanonical: https://example.com/.well-known/security.txt\n\
        Policy: https://example.com/policy\nHiring: https://example.com/jobs\n\
        Acknowledgments: https://example.com/thanks\n\
        CSAF: https://example.com/.well-known/csaf/provider-metadata.json\nX-Extra: anything at all\n";

    #[test]
    fn a_complete_file_passes() {
        let txt = parse(GOOD.as_bytes()).unwrap();
        assert!(txt.problems.is_empty(), "{:?}", txt.problems);
        assert_eq!(txt.fields.len(), 12);
        let f = crate::rendered(&finding(&fetched(GOOD), NOW));
        assert_eq!(f.status, Status::Pass, "{f:?}");
        assert_eq!(f.summary, "A valid security.txt is published.");
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("mailto:security@example.com"))
        );
    }

    #[test]
    fn field_errors_are_reported_per_line() {
        let body = "Contact: http://example.com/report\nContact:mailto:a@example.com\n\
            Contact:  mailto:a@example.com\nExpires: 2026-12-31 23:59:59Z\n\
            Preferred-Languages: en,,nl\nCSAF: https://example.com/csaf.json\n\
            just text\n  indented\nBad Name: x\nEncryption: not a uri\n";
        let txt = parse(body.as_bytes()).unwrap();
        let errors: Vec<(usize, &LineError)> =
            txt.problems.iter().map(|p| (p.line, &p.error)).collect();
        assert!(matches!(errors[0], (1, LineError::NotHttps { .. })));
        assert!(matches!(errors[1], (2, LineError::Separator(_))));
        assert!(matches!(errors[2], (3, LineError::Separator(_))));
        assert!(matches!(errors[3], (4, LineError::BadExpires { .. })));
        assert!(matches!(errors[4], (5, LineError::BadLanguages(_))));
        assert!(matches!(errors[5], (6, LineError::BadCsaf(_))));
        assert!(matches!(errors[6], (7, LineError::NotALine)));
        assert!(matches!(errors[7], (8, LineError::LeadingWhitespace)));
        assert!(matches!(errors[8], (9, LineError::BadFieldName(_))));
        assert!(matches!(errors[9], (10, LineError::BadUri { .. })));
        assert_eq!(errors.len(), 10);
        // Invalid fields are reported on their line and still count as
        // present: no second "missing" problem for Contact or Expires.
        let problems = check(&txt, NOW, Some(URL));
        assert!(
            !problems
                .iter()
                .any(|p| p.subject == Subject::Field("Contact"))
        );
        assert!(
            !problems
                .iter()
                .any(|p| p.subject == Subject::Field("Expires"))
        );
        assert_eq!(finding(&fetched(body), NOW).status, Status::Warning);
    }

    #[test]
    fn file_level_rules() {
        let check_body = |body: &str| check(&parse(body.as_bytes()).unwrap(), NOW, Some(URL));
        let has = |ps: &[Problem], s: Severity, subject: &'static str| {
            ps.iter()
                .any(|p| p.severity == s && p.subject == Subject::Field(subject))
        };
        let ps = check_body("Expires: 2026-12-31T23:59:59Z\n");
        assert!(has(&ps, Severity::Error, "Contact"));
        let ps = check_body("Contact: mailto:a@example.com\n");
        assert!(has(&ps, Severity::Error, "Expires"));
        let ps = check_body(
            "Contact: mailto:a@example.com\nExpires: 2026-12-31T23:59:59Z\nexpires: 2026-11-30T23:59:59Z\n",
        );
        assert!(has(&ps, Severity::Error, "Expires"));
        let ps = check_body("Contact: mailto:a@example.com\nExpires: 2026-01-31T23:59:59Z\n");
        assert!(ps.iter().any(|p| p.detail.id == "sectxt-expired"));
        let ps = check_body("Contact: mailto:a@example.com\nExpires: 2028-01-31T23:59:59+02:00\n");
        assert!(has(&ps, Severity::Recommendation, "Expires"));
        let ps = check_body(
            "Contact: mailto:a@example.com\nExpires: 2026-12-31T23:59:59Z\n\
             Preferred-Languages: en\nPreferred-Languages: nl\n",
        );
        assert!(has(&ps, Severity::Error, "Preferred-Languages"));
        let ps = check_body(
            "Contact: mailto:a@example.com\nExpires: 2026-12-31T23:59:59Z\n\
             Canonical: https://other.example/.well-known/security.txt\n",
        );
        assert!(has(&ps, Severity::Error, "Canonical"));
        let ps = check_body(
            "Contact: mailto:a@example.com\nExpires: 2026-12-31T23:59:59Z\n\
             Canonical: https://other.example/.well-known/security.txt\n\
             Canonical: HTTPS://EXAMPLE.COM/.well-known/security.txt\n",
        );
        assert!(!has(&ps, Severity::Error, "Canonical"), "{ps:?}");
        let ps = check_body("Contact: xmpp:sec@example.com\nExpires: 2026-12-31T23:59:59Z\n");
        assert!(has(&ps, Severity::Note, "Contact"));
        assert!(!ps.iter().any(|p| p.severity != Severity::Note));
    }

    #[test]
    fn folded_extension_fields() {
        let txt = parse(b"X-Note: one\r\n\t two\r\n # three\nContact: mailto:a@b.example\n  x\n")
            .unwrap();
        assert_eq!(
            txt.fields[0].value,
            FieldValue::Extension {
                name: "X-Note".into(),
                value: "one\t two # three".into()
            }
        );
        assert_eq!(txt.problems.len(), 1);
        assert_eq!(txt.problems[0].line, 5);
    }

    const SIGNED: &str = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n\
        Contact: mailto:security@example.com\n- -not a field\nExpires: 2026-12-31T23:59:59Z\n\
        -----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0=\n=KONn\n-----END PGP SIGNATURE-----\n";

    #[test]
    fn signed_files() {
        let txt = parse(SIGNED.as_bytes()).unwrap();
        assert!(txt.signed);
        assert_eq!(txt.fields.len(), 2);
        assert_eq!(txt.fields[0].line, 4);
        // "- -not a field" unescapes to "-not a field", which is not a line.
        assert_eq!(txt.problems.len(), 1);
        assert_eq!(txt.problems[0].line, 5);
        let clean = SIGNED.replace("- -not a field\n", "");
        let f = finding(&fetched(&clean), NOW);
        assert_eq!(f.status, Status::Pass, "{f:?}");
        assert!(
            crate::rendered(&f)
                .evidence
                .iter()
                .any(|e| e.detail.contains("not verified"))
        );
        assert!(matches!(
            parse(
                SIGNED
                    .replace("-----END PGP SIGNATURE-----\n", "")
                    .as_bytes()
            ),
            Err(SecurityTxtError::BadSignedMessage(_))
        ));
        assert!(matches!(
            parse(format!("# hi\n{SIGNED}").as_bytes()),
            Err(SecurityTxtError::BadSignedMessage(_))
        ));
        let trailing = parse(format!("{clean}Contact: mailto:x@example.com\n").as_bytes()).unwrap();
        assert!(matches!(
            trailing.problems[0].error,
            LineError::Signature(_)
        ));
    }

    #[test]
    fn fetch_level_rules() {
        let with = |status: u16, ct: Option<&str>, body: &[u8], truncated: bool, url: &str| {
            finding(
                &SecurityTxtFetch::Response {
                    status,
                    content_type: ct.map(Octets::from),
                    body: body.to_vec().into(),
                    truncated,
                    final_url: url.into(),
                },
                NOW,
            )
        };
        let body = b"Contact: mailto:a@example.com\nExpires: 2026-12-31T23:59:59Z\n";
        assert_eq!(
            with(200, Some("text/plain"), body, false, URL).status,
            Status::Pass
        );
        assert_eq!(
            with(404, Some("text/html"), b"", false, URL).status,
            Status::Warning
        );
        assert_eq!(
            with(200, Some("text/html"), body, false, URL).status,
            Status::Warning
        );
        assert_eq!(
            with(
                200,
                Some("text/plain; charset=iso-8859-1"),
                body,
                false,
                URL
            )
            .status,
            Status::Warning
        );
        assert_eq!(with(200, None, body, false, URL).status, Status::Warning);
        assert_eq!(
            with(
                200,
                Some("text/plain"),
                body,
                false,
                "http://example.com/.well-known/security.txt"
            )
            .status,
            Status::Warning
        );
        assert_eq!(
            with(200, Some("text/plain"), body, true, URL).status,
            Status::Warning
        );
        let big = [b"# padding\n".repeat(3300).as_slice(), body].concat();
        let f = with(200, Some("text/plain"), &big, false, URL);
        assert_eq!(f.status, Status::Warning);
        assert!(crate::english(&f).contains("32 KiB"));
        let f = with(
            200,
            Some("text/plain"),
            &[body.as_slice(), &[0xff]].concat(),
            false,
            URL,
        );
        assert!(crate::english(&f).contains("not UTF-8"));
        let f = with(
            200,
            Some("text/plain"),
            body,
            false,
            "https://example.com/security.txt",
        );
        assert_eq!(f.status, Status::Pass);
        assert!(
            crate::rendered(&f)
                .evidence
                .iter()
                .any(|e| e.detail.contains("legacy"))
        );
        let f = finding(
            &SecurityTxtFetch::Failed(msg!("http-failure-timeout", reason = "no answer")),
            NOW,
        );
        assert_eq!(f.status, Status::Error);
        let f = crate::rendered(&finding(
            &SecurityTxtFetch::Missing(msg!("http-failure-refused", reason = "refused")),
            NOW,
        ));
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(f.summary, "Not tested: no web server answers over HTTPS.");
        let junk = "junk\n".repeat(5000);
        let f = with(200, Some("text/plain"), junk.as_bytes(), false, URL);
        assert!(f.evidence.len() < 60, "{}", f.evidence.len());
        assert!(
            crate::english(&f).contains("5002 problems"),
            "{}",
            crate::english(&f)
        );
        let bom = [b"\xef\xbb\xbf".as_slice(), body].concat();
        assert_eq!(
            with(200, Some("text/plain"), &bom, false, URL).status,
            Status::Warning
        );
    }

    /// The bytes as sent are judged: a Latin-1 file is not smoothed into
    /// UTF-8, and a Content-Type that is not UTF-8 is still read.
    #[test]
    fn bytes_are_judged_as_sent() {
        let latin1 = b"# S\xe9curit\xe9\nContact: mailto:security@example.com\nExpires: 2026-12-31T23:59:59Z\n";
        let f = finding(
            &SecurityTxtFetch::Response {
                status: 200,
                content_type: Some("text/plain; charset=utf-8".into()),
                body: latin1.to_vec().into(),
                truncated: false,
                final_url: URL.into(),
            },
            NOW,
        );
        assert_eq!(f.status, Status::Warning);
        let not_utf8 = msg!("sectxt-not-utf8", line = 1usize, offset = 3usize);
        assert_eq!(f.message, msg!("sectxt-one-problem", problem = not_utf8));
        assert_eq!(
            crate::rendered(&f).summary,
            "security.txt has a problem: the file is not UTF-8 (RFC 9116 §3): an invalid byte on line 1, at offset 3."
        );
        // A Content-Type header with a byte that is not UTF-8 is judged, not
        // taken for a missing header.
        let f = crate::rendered(&finding(
            &SecurityTxtFetch::Response {
                status: 200,
                content_type: Some(Octets(b"text/plain; charset=\xff".to_vec())),
                body: GOOD.into(),
                truncated: false,
                final_url: URL.into(),
            },
            NOW,
        ));
        assert_eq!(f.status, Status::Warning);
        assert!(f.summary.contains("charset=\u{fffd}"), "{}", f.summary);
    }

    #[test]
    fn every_problem_renders() {
        let bodies: [&[u8]; 8] = [
            GOOD.as_bytes(),
            b"Contact: http://example.com/report\nContact:mailto:a@example.com\nContact:  mailto:a@example.com\nExpires: 2026-12-31 23:59:59Z\nExpires: 2026-13-31T23:59:59Z\nPreferred-Languages: en,,nl\nPreferred-Languages: x_y\nCSAF: https://example.com/csaf.json\njust text\n  indented\nBad Name: x\nEncryption: not a uri\nContact: mailto:nobody\nContact: tel:\nHiring: https:///jobs\nPolicy:\nX-Ctl: a\x01b\n# c\x02\nCanonical: https://other.example/x\nContact: xmpp:a@b\n",
            b"\xef\xbb\xbfContact: mailto:a@example.com\nExpires: 2020-01-01T00:00:00Z\n",
            b"Contact: mailto:a@example.com\nExpires: 2099-01-01T00:00:00Z\n",
            b"-----BEGIN PGP SIGNED MESSAGE-----\nnot a header\n",
            b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n",
            b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.example\n-x\n",
            b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.example\n-----BEGIN PGP SIGNATURE-----\n",
        ];
        for body in bodies {
            for (ct, url) in [
                (Some("text/plain; charset=utf-8"), URL),
                (Some("text/html"), "http://example.com/security.txt"),
                (None, URL),
                (Some("text/plain; charset=latin1"), URL),
                (Some("text/plain"), URL),
            ] {
                let _ = crate::rendered(&finding(
                    &SecurityTxtFetch::Response {
                        status: 200,
                        content_type: ct.map(Octets::from),
                        body: body.to_vec().into(),
                        truncated: false,
                        final_url: url.into(),
                    },
                    NOW,
                ));
            }
        }
        let _ = crate::rendered(&finding(&fetched(SIGNED), NOW));
        let _ = crate::rendered(&finding(&fetched(&format!("# hi\n{SIGNED}")), NOW));
        let _ = crate::rendered(&finding(
            &SecurityTxtFetch::Response {
                status: 404,
                content_type: None,
                body: Octets::default(),
                truncated: true,
                final_url: URL.into(),
            },
            NOW,
        ));
        let _ = crate::rendered(&finding(
            &SecurityTxtFetch::Response {
                status: 200,
                content_type: None,
                body: b"x".to_vec().into(),
                truncated: true,
                final_url: URL.into(),
            },
            NOW,
        ));
    }

    #[test]
    fn preferred_languages_come_from_the_first_field_in_order() {
        let txt = parse(
            b"Contact: mailto:a@b.test\nPreferred-Languages: nl, en-GB\nPreferred-Languages: fr\n",
        )
        .unwrap();
        assert_eq!(txt.preferred_languages(), ["nl", "en-GB"]);
        assert!(
            parse(b"Contact: mailto:a@b.test\n")
                .unwrap()
                .preferred_languages()
                .is_empty()
        );
        // A field with a bad tag is a problem, not a preference.
        let bad = parse(b"Preferred-Languages: nl, !!\n").unwrap();
        assert!(bad.preferred_languages().is_empty());
        let many = format!("Preferred-Languages: {}\n", vec!["nl"; 100].join(", "));
        assert_eq!(
            parse(many.as_bytes()).unwrap().preferred_languages().len(),
            MAX_LANGUAGES
        );
    }

    fn uri_strategy() -> impl Strategy<Value = Uri> {
        prop_oneof![
            "[a-z]{1,10}".prop_map(|u| Uri(format!("mailto:{u}@example.com"))),
            "[a-z0-9/]{0,20}".prop_map(|p| Uri(format!("https://example.com/{p}"))),
        ]
    }

    fn field_strategy() -> impl Strategy<Value = FieldValue> {
        prop_oneof![
            uri_strategy().prop_map(FieldValue::Contact),
            uri_strategy().prop_map(FieldValue::Policy),
            uri_strategy().prop_map(FieldValue::Encryption),
            (0i64..4_000_000_000, 0u32..1_000_000_000).prop_map(|(s, ns)| FieldValue::Expires(
                OffsetDateTime::from_unix_timestamp(s)
                    .unwrap()
                    .replace_nanosecond(ns)
                    .unwrap()
            )),
            proptest::collection::vec("[a-z]{2,3}(-[A-Z]{2})?", 1..4)
                .prop_map(FieldValue::PreferredLanguages),
            ("X-[a-z]{1,8}", "[!-~]([ !-~]{0,20}[!-~])?")
                .prop_map(|(name, value)| FieldValue::Extension { name, value }),
        ]
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse(&bytes);
            let _ = finding(&SecurityTxtFetch::Response {
                status: 200,
                content_type: Some("text/plain".into()),
                body: bytes.into(),
                truncated: false,
                final_url: URL.into(),
            }, NOW);
        }

        #[test]
        fn never_panics_on_file_like_input(s in "((-----BEGIN PGP SIGNED MESSAGE-----|-----BEGIN PGP SIGNATURE-----|-----END PGP SIGNATURE-----|- |Hash: SHA256|#|[ \t]|Contact: |Expires: |[a-zA-Z:/@.-]{1,12})[ \t]?\r?\n?){0,20}") {
            if let Ok(txt) = parse(s.as_bytes()) {
                let _ = check(&txt, NOW, Some(URL));
            }
        }

        #[test]
        fn preferred_languages_are_the_first_fields_valid_tags_and_bounded(
            lines in proptest::collection::vec(
                "(Preferred-Languages: |Contact: mailto:a@b.test|# |[a-zA-Z, -]{0,12}|,){1,40}",
                0..6,
            )
        ) {
            let text = lines.join("\n");
            if let Ok(txt) = parse(text.as_bytes()) {
                let tags = txt.preferred_languages();
                prop_assert!(tags.len() <= MAX_LANGUAGES);
                for tag in tags {
                    prop_assert!(oxilangtag::LanguageTag::parse(tag.as_str()).is_ok(), "{tag:?}");
                }
                let first = txt.fields.iter().find_map(|f| match &f.value {
                    FieldValue::PreferredLanguages(t) => Some(t.clone()),
                    _ => None,
                });
                if let Some(first) = first {
                    prop_assert_eq!(tags, &first[..first.len().min(MAX_LANGUAGES)]);
                }
            }
        }

        #[test]
        fn round_trip(values in proptest::collection::vec(field_strategy(), 0..8)) {
            let txt = SecurityTxt {
                signed: false,
                fields: values.into_iter().enumerate().map(|(i, value)| Field { line: i + 1, value }).collect(),
                problems: vec![],
            };
            prop_assert_eq!(parse(txt.to_text().as_bytes()), Ok(txt));
        }
    }
}
