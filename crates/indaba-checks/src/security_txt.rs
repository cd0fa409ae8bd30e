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

use std::fmt;

use fluent_uri::Uri as RfcUri;
use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Status};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::headers::{capped, shown};

/// Largest file accepted: 32 KiB. RFC 9116 sets no limit; a contact file
/// has no reason to be larger, and a hostile one must not cost more.
pub const MAX_BYTES: usize = 32 * 1024;

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
    #[error("{field}: {value:?} is not a URI ({reason}; RFC 3986)")]
    BadUri {
        /// The field.
        field: String,
        /// The value, shortened.
        value: String,
        /// Why.
        reason: String,
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
        "Expires: {value:?} is not an RFC 3339 date-time such as 2026-12-31T23:59:59Z ({reason})"
    )]
    BadExpires {
        /// The value, shortened.
        value: String,
        /// Why.
        reason: String,
    },
    /// A bad `Preferred-Languages` value.
    #[error("Preferred-Languages: {0}")]
    BadLanguages(String),
    /// A control character in a comment or value.
    #[error("{0} contains a control character")]
    ControlCharacter(String),
    /// A byte order mark before the first line.
    #[error("the file starts with a byte order mark (U+FEFF); save it as UTF-8 without one")]
    ByteOrderMark,
    /// A problem with the OpenPGP cleartext framing.
    #[error("{0}")]
    Signature(String),
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
    #[error("the OpenPGP signed message is malformed: {0}")]
    BadSignedMessage(String),
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
    let uri = Uri::parse(value).map_err(|reason| LineError::BadUri {
        field: field.to_string(),
        value: value.chars().take(80).collect(),
        reason,
    })?;
    match uri.scheme().as_str() {
        "http" => Err(LineError::NotHttps {
            field: field.to_string(),
            value: value.chars().take(80).collect(),
        }),
        "https" if uri.host().is_none_or(|h| h.is_empty()) => Err(LineError::BadUri {
            field: field.to_string(),
            value: value.chars().take(80).collect(),
            reason: "an https: URI needs a host".into(),
        }),
        "mailto" if field == "Contact" && !uri.path().contains('@') => Err(LineError::BadUri {
            field: field.to_string(),
            value: value.chars().take(80).collect(),
            reason: "a mailto: URI needs an e-mail address".into(),
        }),
        "tel" if field == "Contact" && uri.path().is_empty() => Err(LineError::BadUri {
            field: field.to_string(),
            value: value.chars().take(80).collect(),
            reason: "a tel: URI needs a number".into(),
        }),
        _ => Ok(uri),
    }
}

fn expires(value: &str) -> Result<OffsetDateTime, LineError> {
    let bad = |reason: String| LineError::BadExpires {
        value: value.chars().take(60).collect(),
        reason,
    };
    // The `time` crate accepts any separator; the RFC 3339 grammar that
    // RFC 9116 imports has only "T" (case-insensitive).
    if let Some(sep) = value.as_bytes().get(10)
        && !matches!(sep, b'T' | b't')
        && value.len() > 11
    {
        return Err(bad(
            "the date and the time must be separated by \"T\"".into()
        ));
    }
    OffsetDateTime::parse(value, &Rfc3339).map_err(|e| bad(e.to_string()))
}

fn languages(value: &str) -> Result<Vec<String>, LineError> {
    value
        .split(',')
        .map(|t| t.trim_matches(is_wsp))
        .map(|tag| {
            if tag.is_empty() {
                return Err(LineError::BadLanguages(
                    "an empty language tag (two commas, or a comma at an end)".into(),
                ));
            }
            oxilangtag::LanguageTag::parse(tag)
                .map(|_| tag.to_string())
                .map_err(|e| {
                    LineError::BadLanguages(format!(
                        "{:?} is not a language tag such as en or pt-BR ({e}; RFC 5646)",
                        tag.chars().take(40).collect::<String>()
                    ))
                })
        })
        .collect()
}

fn field_value(name: &str, value: &str) -> Result<FieldValue, LineError> {
    let lower = name.to_ascii_lowercase();
    if !KNOWN.contains(&lower.as_str()) {
        if has_control(value) {
            return Err(LineError::ControlCharacter(format!("the {name} field")));
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
            return Err(SecurityTxtError::BadSignedMessage(format!(
                "line {n} should be an armor header such as \"Hash: SHA256\" or the empty line \
                 before the signed text"
            )));
        }
        i += 1;
    }
    if i >= lines.len() {
        return Err(SecurityTxtError::BadSignedMessage(
            "no empty line after the BEGIN PGP SIGNED MESSAGE header".into(),
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
                    error: LineError::Signature(
                        "a line of signed text that starts with \"-\" must be dash-escaped as \
                         \"- -\" (RFC 4880 §7.1)"
                            .into(),
                    ),
                });
            }
            body.push((n, line));
        }
        i += 1;
    }
    if i >= lines.len() {
        return Err(SecurityTxtError::BadSignedMessage(format!(
            "no {BEGIN_SIGNATURE} line after the signed text"
        )));
    }
    while let Some((_, line)) = lines.get(i) {
        if trimmed(line) == END_SIGNATURE {
            break;
        }
        i += 1;
    }
    if i >= lines.len() {
        return Err(SecurityTxtError::BadSignedMessage(format!(
            "no {END_SIGNATURE} line"
        )));
    }
    for &(n, line) in lines.iter().skip(i + 1) {
        if !trimmed(line).is_empty() {
            problems.push(LineProblem {
                line: n,
                error: LineError::Signature(
                    "text after the signature is not covered by it; put every field inside the \
                     signed text"
                        .into(),
                ),
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
            return Err(SecurityTxtError::BadSignedMessage(format!(
                "the signed message starts on line {n}, not on the first line, so the text \
                 before it is not signed"
            )));
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
                            error: LineError::ControlCharacter(format!("the {name} field")),
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
                    error: LineError::ControlCharacter("the comment".into()),
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

/// One thing found about a file, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// How much it matters.
    pub severity: Severity,
    /// Where: `line 4`, `Expires`, `file`.
    pub subject: String,
    /// What, and what to do.
    pub detail: String,
}

impl Problem {
    fn new(severity: Severity, subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Problem {
            severity,
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}

fn lines_of(lines: &[usize]) -> String {
    lines
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn same_url(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Checks a parsed file as a whole, at `now`: every line valid, at least one
/// `Contact`, exactly one `Expires` in the future and at most a year ahead,
/// at most one `Preferred-Languages`, and `fetched_from` among the
/// `Canonical` URIs when there are any.
pub fn check(txt: &SecurityTxt, now: OffsetDateTime, fetched_from: Option<&str>) -> Vec<Problem> {
    let mut out: Vec<Problem> = txt
        .problems
        .iter()
        .map(|p| {
            Problem::new(
                Severity::Error,
                format!("line {}", p.line),
                p.error.to_string(),
            )
        })
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
            "Contact",
            "no Contact field; at least one is required (RFC 9116 §2.5.3), e.g. \
             Contact: mailto:security@example.org",
        ));
    }
    for uri in contacts {
        let scheme = uri.scheme();
        if !matches!(scheme.as_str(), "mailto" | "https" | "tel") {
            out.push(Problem::new(
                Severity::Note,
                "Contact",
                format!(
                    "{uri}: the {scheme}: scheme is unusual; researchers expect mailto:, \
                     https: or tel:"
                ),
            ));
        }
    }

    let expires_lines = lines_named("expires");
    match expires_lines.len() {
        0 => out.push(Problem::new(
            Severity::Error,
            "Expires",
            "no Expires field; exactly one is required (RFC 9116 §2.5.5), e.g. \
             Expires: 2026-12-31T23:59:59Z",
        )),
        1 => {}
        n => out.push(Problem::new(
            Severity::Error,
            "Expires",
            format!(
                "Expires appears {n} times (lines {}); exactly one is allowed (RFC 9116 §2.5.5)",
                lines_of(&expires_lines)
            ),
        )),
    }
    let expiry = txt.fields.iter().find_map(|f| match f.value {
        FieldValue::Expires(t) => Some(t),
        _ => None,
    });
    if let Some(t) = expiry {
        let shown = t.format(&Rfc3339).unwrap_or_else(|_| t.to_string());
        if t <= now {
            out.push(Problem::new(
                Severity::Error,
                "Expires",
                format!(
                    "the file expired on {shown} ({} days ago), so researchers must not trust \
                     it (RFC 9116 §2.5.5); update it and set a new date",
                    (now - t).whole_days()
                ),
            ));
        } else if t - now > MAX_EXPIRY_AHEAD {
            out.push(Problem::new(
                Severity::Recommendation,
                "Expires",
                format!(
                    "{shown} is {} days ahead; RFC 9116 §2.5.5 recommends less than a year, so \
                     that the file is reviewed regularly",
                    (t - now).whole_days()
                ),
            ));
        } else {
            out.push(Problem::new(
                Severity::Note,
                "Expires",
                format!("{shown}, in {} days", (t - now).whole_days()),
            ));
        }
    }

    let lang_lines = lines_named("preferred-languages");
    if lang_lines.len() > 1 {
        out.push(Problem::new(
            Severity::Error,
            "Preferred-Languages",
            format!(
                "Preferred-Languages appears {} times (lines {}); it may appear only once \
                 (RFC 9116 §2.5.8)",
                lang_lines.len(),
                lines_of(&lang_lines)
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
            "Canonical",
            format!(
                "the file was fetched from {url}, which is not among its Canonical URIs ({}); \
                 list every URI the file is served from (RFC 9116 §2.5.2)",
                canonical
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if txt.signed {
        out.push(Problem::new(
            Severity::Note,
            "signature",
            "the file is OpenPGP cleartext-signed; the signature was not verified",
        ));
        if canonical.is_empty() {
            out.push(Problem::new(
                Severity::Note,
                "Canonical",
                "a signed file should name its location with Canonical (RFC 9116 §2.3), so a \
                 copy cannot be passed off elsewhere",
            ));
        }
    }
    out
}

/// What fetching security.txt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityTxtFetch {
    /// An HTTP response (after the redirects the engine followed).
    Response {
        /// The status code.
        status: u16,
        /// The Content-Type header, if any.
        content_type: Option<String>,
        /// The body, as far as the probe read it.
        body: Vec<u8>,
        /// Whether the probe stopped reading at its limit.
        truncated: bool,
        /// The URL the body came from, after redirects.
        final_url: String,
    },
    /// No response: why.
    Failed(String),
}

/// Checks a Content-Type: `text/plain`, and a charset, if any, of utf-8.
fn content_type_problems(content_type: Option<&str>) -> Vec<Problem> {
    let subject = "Content-Type";
    let Some(ct) = content_type else {
        return vec![Problem::new(
            Severity::Error,
            subject,
            "no Content-Type; it must be text/plain; charset=utf-8 (RFC 9116 §3)",
        )];
    };
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or_default().trim();
    if !mime.eq_ignore_ascii_case("text/plain") {
        return vec![Problem::new(
            Severity::Error,
            subject,
            format!(
                "{:?}; it must be text/plain; charset=utf-8 (RFC 9116 §3)",
                ct.chars().take(80).collect::<String>()
            ),
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
            format!("charset={c}; the file must be UTF-8 (RFC 9116 §3): use charset=utf-8"),
        )],
        None => vec![Problem::new(
            Severity::Note,
            subject,
            "text/plain without a charset; add charset=utf-8 so no browser guesses",
        )],
    }
}

/// `web.security_txt`: a security.txt served over HTTPS as text/plain,
/// valid, with a Contact and an Expires that has not passed and is at most
/// a year ahead (judged at `now`).
pub fn finding(fetch: &SecurityTxtFetch, now: OffsetDateTime) -> Finding {
    let id = ids::WEB_SECURITY_TXT;
    let (status, content_type, body, truncated, final_url) = match fetch {
        SecurityTxtFetch::Failed(reason) => {
            return Finding::new(
                id,
                Status::Error,
                format!(
                    "security.txt could not be fetched: {}.",
                    reason.trim_end_matches('.')
                ),
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
            content_type.as_deref(),
            body,
            *truncated,
            final_url,
        ),
    };
    let advice = Evidence::new(
        "advice",
        "publish https://<your domain>/.well-known/security.txt as text/plain; charset=utf-8 \
         with at least Contact: and Expires: (see securitytxt.org)",
    );
    if status != 200 {
        return Finding::new(
            id,
            Status::Warning,
            format!("No security.txt: {final_url} answered HTTP {status}."),
        )
        .with(shown(final_url.as_bytes(), 200), format!("HTTP {status}"))
        .with_all([advice]);
    }
    let mut problems = Vec::new();
    let lower_url = final_url.to_ascii_lowercase();
    if !lower_url.starts_with("https://") {
        problems.push(Problem::new(
            Severity::Error,
            "URL",
            format!(
                "served from {final_url}; security.txt must be served over HTTPS (RFC 9116 §3)"
            ),
        ));
    }
    if lower_url.ends_with("/security.txt") && !lower_url.ends_with("/.well-known/security.txt") {
        problems.push(Problem::new(
            Severity::Note,
            "URL",
            "found at the legacy location /security.txt; RFC 9116 §3 places it at \
             /.well-known/security.txt",
        ));
    }
    problems.extend(content_type_problems(content_type));
    let parsed = if truncated || body.len() > MAX_BYTES {
        problems.push(Problem::new(
            Severity::Error,
            "file",
            format!(
                "the file is larger than the 32 KiB (32768 bytes) accepted{}; a contact file \
                 should be a few hundred bytes",
                if truncated {
                    " (the download was cut off)"
                } else {
                    ""
                }
            ),
        ));
        None
    } else {
        match parse(body) {
            Ok(txt) => Some(txt),
            Err(e) => {
                problems.push(Problem::new(Severity::Error, "file", e.to_string()));
                None
            }
        }
    };
    if let Some(txt) = &parsed {
        problems.extend(check(txt, now, Some(final_url)));
    }
    let mut evidence = vec![Evidence::new(
        shown(final_url.as_bytes(), 200),
        format!(
            "HTTP 200, {}, {} bytes",
            content_type.unwrap_or("no Content-Type"),
            body.len()
        ),
    )];
    problems.sort_by_key(|p| p.severity);
    let serious: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity != Severity::Note)
        .collect();
    let summary = match serious.as_slice() {
        [] => "A valid security.txt is published.".to_string(),
        [only] => format!(
            "security.txt has a problem: {}.",
            only.detail.trim_end_matches('.')
        ),
        [first, ..] => format!(
            "security.txt has {} problems; the first: {}.",
            serious.len(),
            first.detail.trim_end_matches('.')
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
                let prefix = match p.severity {
                    Severity::Error => "",
                    Severity::Recommendation => "recommendation: ",
                    Severity::Note => "note: ",
                };
                Evidence::new(&p.subject, format!("{prefix}{}", p.detail))
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
                format!("line {}", f.line),
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
            body: body.as_bytes().to_vec(),
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
        let f = finding(&fetched(GOOD), NOW);
        assert_eq!(f.status, Status::Pass, "{f:?}");
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
        assert!(!problems.iter().any(|p| p.subject == "Contact"));
        assert!(!problems.iter().any(|p| p.subject == "Expires"));
        assert_eq!(finding(&fetched(body), NOW).status, Status::Warning);
    }

    #[test]
    fn file_level_rules() {
        let check_body = |body: &str| check(&parse(body.as_bytes()).unwrap(), NOW, Some(URL));
        let has = |ps: &[Problem], s: Severity, subject: &str| {
            ps.iter().any(|p| p.severity == s && p.subject == subject)
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
        assert!(ps.iter().any(|p| p.detail.contains("expired")));
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
        assert!(f.evidence.iter().any(|e| e.detail.contains("not verified")));
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
                    content_type: ct.map(str::to_string),
                    body: body.to_vec(),
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
        assert!(f.evidence.iter().any(|e| e.detail.contains("legacy")));
        let f = finding(&SecurityTxtFetch::Failed("connection refused".into()), NOW);
        assert_eq!(f.status, Status::Error);
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
                body: bytes,
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
