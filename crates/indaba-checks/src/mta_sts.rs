//! MTA-STS (RFC 8461): the `_mta-sts` TXT record, the policy file served at
//! `https://mta-sts.<domain>/.well-known/mta-sts.txt`, MX matching, and the
//! `mail.mta_sts.valid` finding.
//!
//! The engine fetches the TXT answer and the policy (HTTP 200 only, no
//! redirects, certificate checked for `mta-sts.<domain>`: §3.3) and hands
//! them over as [`TxtAnswer`] and [`PolicyFetch`]. No crate parses the policy
//! file (mail-auth reads only the TXT record), so both are parsed here, after
//! the grammars of §3.1 and §3.2.

use std::fmt;

use indaba_model::catalogue::ids;
use indaba_model::observation::HttpFailure;
use indaba_model::{Arg, DomainName, Evidence, Finding, Message, Status, ToMessage, msg};

use crate::dmarc::TxtAnswer;
use crate::spf::LookupFailure;

/// Largest policy body read: "a suggested maximum policy size is 64
/// kilobytes" (§3.3).
pub const MAX_POLICY_BYTES: usize = 64 * 1024;
/// Largest `max_age` (§3.2): one year.
pub const MAX_AGE_LIMIT: u32 = 31_557_600;
/// A `max_age` below this is worth a note: §3.2 expects "weeks or greater".
pub const SHORT_MAX_AGE: u32 = 86_400;
/// Longest TXT record read.
const MAX_RECORD_LEN: usize = 65_535;

/// Why a `v=…; name=value; …` record (RFC 8461 §3.1, RFC 8460 §3) does not
/// split into fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldsProblem {
    /// Longer than DNS data can be.
    TooLong(usize),
    /// Not starting with the version (`found` is what it starts with).
    WrongVersion {
        /// The version required.
        version: &'static str,
        /// The start of the record.
        found: String,
    },
    /// Two semicolons in a row.
    EmptyField,
    /// A part without `=`.
    NotField(String),
    /// Not a field name (or spaces around `=`).
    BadName(String),
}

impl ToMessage for FieldsProblem {
    fn to_message(&self) -> Message {
        match self {
            FieldsProblem::TooLong(bytes) => msg!("mail-fields-too-long", bytes = *bytes),
            FieldsProblem::WrongVersion { version, found } => msg!(
                "mail-fields-wrong-version",
                version = *version,
                found = found.as_str()
            ),
            FieldsProblem::EmptyField => msg!("mail-fields-empty-field"),
            FieldsProblem::NotField(part) => msg!("mail-fields-not-field", part = part.as_str()),
            FieldsProblem::BadName(name) => msg!("mail-fields-bad-name", name = name.as_str()),
        }
    }
}

/// Splits a `v=…; name=value; …` record (the shape shared by RFC 8461 §3.1
/// and RFC 8460 §3) after checking that it starts with `version`.
/// Field names follow `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`
/// and no white space is allowed around `=`.
pub(crate) fn split_fields<'a>(
    text: &'a str,
    version: &'static str,
) -> Result<Vec<(&'a str, &'a str)>, FieldsProblem> {
    if text.len() > MAX_RECORD_LEN {
        return Err(FieldsProblem::TooLong(text.len()));
    }
    let is_wsp = |c: char| c == ' ' || c == '\t';
    let mut parts = text.split(';').map(|p| p.trim_matches(is_wsp));
    let first = parts.next().unwrap_or_default();
    if first != version {
        return Err(FieldsProblem::WrongVersion {
            version,
            found: first.chars().take(30).collect(),
        });
    }
    let parts: Vec<&str> = parts.collect();
    let last = parts.len().saturating_sub(1);
    let mut fields = Vec::new();
    for (index, part) in parts.into_iter().enumerate() {
        if part.is_empty() {
            if index == last {
                // One trailing delimiter is allowed.
                continue;
            }
            return Err(FieldsProblem::EmptyField);
        }
        let Some((name, value)) = part.split_once('=') else {
            return Err(FieldsProblem::NotField(part.chars().take(30).collect()));
        };
        let name_ok = name.len() <= 32
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !name_ok {
            return Err(FieldsProblem::BadName(name.chars().take(30).collect()));
        }
        fields.push((name, value));
    }
    Ok(fields)
}

/// Whether a TXT record begins with `version` followed by `;` or its end
/// (records that do not are discarded: RFC 8461 §3.1, RFC 8460 §3).
pub(crate) fn begins_with(text: &str, version: &str) -> bool {
    text.strip_prefix(version).is_some_and(|rest| {
        let rest = rest.trim_start_matches([' ', '\t']);
        rest.is_empty() || rest.starts_with(';')
    })
}

/// A valid `_mta-sts` TXT record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsRecord {
    /// The policy id, 1–32 letters and digits.
    pub id: String,
    /// Other fields, which senders ignore.
    pub extensions: Vec<(String, String)>,
}

/// Why an `_mta-sts` record is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StsRecordError {
    /// Not `v=STSv1; field; …`.
    Syntax(FieldsProblem),
    /// No `id=`.
    MissingId,
    /// `id=` not 1–32 letters and digits.
    BadId(String),
    /// A field value with characters the grammar excludes.
    BadValue(String),
}

impl ToMessage for StsRecordError {
    fn to_message(&self) -> Message {
        match self {
            StsRecordError::Syntax(problem) => {
                msg!("mta-sts-record-syntax", problem = problem.to_message())
            }
            StsRecordError::MissingId => msg!("mta-sts-record-missing-id"),
            StsRecordError::BadId(id) => msg!("mta-sts-record-bad-id", id = id.as_str()),
            StsRecordError::BadValue(name) => {
                msg!("mail-fields-bad-value", name = name.as_str())
            }
        }
    }
}

/// Parses an `_mta-sts` TXT record (RFC 8461 §3.1).
pub fn parse_record(text: &str) -> Result<StsRecord, StsRecordError> {
    let fields = split_fields(text, "v=STSv1").map_err(StsRecordError::Syntax)?;
    let mut id = None;
    let mut extensions = Vec::new();
    for (name, value) in fields {
        if name == "id" {
            let ok =
                (1..=32).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                return Err(StsRecordError::BadId(value.chars().take(40).collect()));
            }
            // A second id is a second sts-field; the first one counts.
            id.get_or_insert_with(|| value.to_string());
        } else {
            let ok = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| (0x21..=0x7e).contains(&b) && b != b'=' && b != b';');
            if !ok {
                return Err(StsRecordError::BadValue(name.to_string()));
            }
            extensions.push((name.to_string(), value.to_string()));
        }
    }
    Ok(StsRecord {
        id: id.ok_or(StsRecordError::MissingId)?,
        extensions,
    })
}

/// The policy mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Senders refuse MX hosts that fail the policy.
    Enforce,
    /// Senders deliver anyway and report failures (RFC 8460).
    Testing,
    /// The policy is withdrawn.
    None,
}

impl Mode {
    /// The policy-file word.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Testing => "testing",
            Mode::None => "none",
        }
    }
}

/// An `mx:` pattern (§3.2, §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MxPattern {
    /// A host name.
    Exact(DomainName),
    /// `*.` and a parent: any name exactly one label below it.
    Wildcard(DomainName),
}

impl MxPattern {
    /// Whether `host` matches (§4.1: a wildcard covers exactly one label).
    pub fn matches(&self, host: &DomainName) -> bool {
        match self {
            MxPattern::Exact(name) => name == host,
            MxPattern::Wildcard(parent) => host.parent().as_ref() == Some(parent),
        }
    }
}

impl fmt::Display for MxPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MxPattern::Exact(n) => write!(f, "{n}"),
            MxPattern::Wildcard(n) => write!(f, "*.{n}"),
        }
    }
}

/// A valid MTA-STS policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsPolicy {
    /// `mode`.
    pub mode: Mode,
    /// `max_age` in seconds, at most [`MAX_AGE_LIMIT`].
    pub max_age: u32,
    /// `mx` patterns, in order.
    pub mx: Vec<MxPattern>,
}

impl StsPolicy {
    /// Whether any pattern matches `host`.
    pub fn allows(&self, host: &DomainName) -> bool {
        self.mx.iter().any(|p| p.matches(host))
    }
}

impl fmt::Display for StsPolicy {
    /// The policy file, LF line endings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "version: STSv1")?;
        writeln!(f, "mode: {}", self.mode.as_str())?;
        for mx in &self.mx {
            writeln!(f, "mx: {mx}")?;
        }
        writeln!(f, "max_age: {}", self.max_age)
    }
}

/// Why a policy file is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// Larger than senders read.
    TooLarge(usize),
    /// Not UTF-8.
    NotText,
    /// A line that is not `key: value`.
    Syntax {
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        problem: LineProblem,
    },
    /// `version` missing or not `STSv1`.
    BadVersion(Option<String>),
    /// `mode` missing or unknown.
    BadMode(Option<String>),
    /// `max_age` missing or out of range.
    BadMaxAge(Option<String>),
    /// An `mx` value that is not a host name or `*.` pattern.
    BadMx {
        /// Line number.
        line: usize,
        /// The value.
        value: String,
        /// What is wrong.
        problem: MxProblem,
    },
    /// No `mx` in a policy whose mode is not `none`.
    NoMx,
}

/// What is wrong with one line of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// An empty line before the end.
    Empty,
    /// Not `key: value`.
    NotKeyValue(String),
    /// A control character in the value.
    Control(char),
    /// Not a field name.
    BadName(String),
}

/// Why an `mx:` value is not a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxProblem {
    /// Not in A-label (ASCII) form.
    NotAscii,
    /// A `*` other than the whole leftmost label.
    Wildcard,
    /// A trailing dot.
    TrailingDot,
    /// Not a host name.
    NotAName,
}

impl ToMessage for PolicyError {
    fn to_message(&self) -> Message {
        let found = |v: &Option<String>| v.clone().unwrap_or_default();
        match self {
            PolicyError::TooLarge(bytes) => msg!(
                "mta-sts-policy-too-large",
                bytes = *bytes,
                max = MAX_POLICY_BYTES
            ),
            PolicyError::NotText => msg!("mta-sts-policy-not-text"),
            PolicyError::Syntax { line, problem } => msg!(
                "mta-sts-policy-line",
                line = *line,
                problem = problem.to_message()
            ),
            PolicyError::BadVersion(v) => msg!("mta-sts-policy-bad-version", found = found(v)),
            PolicyError::BadMode(v) => msg!("mta-sts-policy-bad-mode", found = found(v)),
            PolicyError::BadMaxAge(v) => msg!(
                "mta-sts-policy-bad-max-age",
                found = found(v),
                max = MAX_AGE_LIMIT
            ),
            PolicyError::BadMx {
                line,
                value,
                problem,
            } => msg!(
                "mta-sts-policy-bad-mx",
                line = *line,
                value = value.as_str(),
                problem = problem.to_message()
            ),
            PolicyError::NoMx => msg!("mta-sts-policy-no-mx"),
        }
    }
}

impl ToMessage for LineProblem {
    fn to_message(&self) -> Message {
        match self {
            LineProblem::Empty => msg!("mta-sts-line-empty"),
            LineProblem::NotKeyValue(text) => {
                msg!("mta-sts-line-not-key-value", text = text.as_str())
            }
            LineProblem::Control(c) => {
                msg!("mta-sts-line-control", character = format!("{c:?}"))
            }
            LineProblem::BadName(name) => msg!("mta-sts-line-bad-name", name = name.as_str()),
        }
    }
}

impl ToMessage for MxProblem {
    fn to_message(&self) -> Message {
        match self {
            MxProblem::NotAscii => msg!("mta-sts-mx-not-ascii"),
            MxProblem::Wildcard => msg!("mta-sts-mx-wildcard"),
            MxProblem::TrailingDot => msg!("mta-sts-mx-trailing-dot"),
            MxProblem::NotAName => msg!("mta-sts-mx-not-a-name"),
        }
    }
}

/// Remarks on a valid policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyNote {
    /// A field given twice: the first counts (§3.2).
    Duplicate {
        /// Line.
        line: usize,
        /// Field.
        field: String,
    },
    /// A field RFC 8461 does not define.
    UnknownField {
        /// Line.
        line: usize,
        /// Field.
        field: String,
    },
}

impl ToMessage for PolicyNote {
    fn to_message(&self) -> Message {
        match self {
            PolicyNote::Duplicate { line, field } => msg!(
                "mta-sts-note-duplicate",
                line = *line,
                field = field.as_str()
            ),
            PolicyNote::UnknownField { line, field } => msg!(
                "mta-sts-note-unknown-field",
                line = *line,
                field = field.as_str()
            ),
        }
    }
}

/// A policy as read, with notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPolicy {
    /// The policy.
    pub policy: StsPolicy,
    /// Remarks.
    pub notes: Vec<PolicyNote>,
}

/// Parses a policy body (RFC 8461 §3.2): `key: value` lines ending in LF or
/// CRLF.
pub fn parse_policy(body: &[u8]) -> Result<ParsedPolicy, PolicyError> {
    if body.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge(body.len()));
    }
    let text = std::str::from_utf8(body).map_err(|_| PolicyError::NotText)?;
    let mut version: Option<String> = None;
    let mut mode: Option<String> = None;
    let mut max_age: Option<String> = None;
    let mut mx = Vec::new();
    let mut notes = Vec::new();
    // `lines()` ends lines at LF and drops one CR before it, which is exactly
    // LF / CRLF; a trailing terminator is optional.
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.is_empty() {
            // The grammar has no blank lines, but one at the end is common
            // and harmless; elsewhere it is an error.
            if text.lines().skip(index).all(str::is_empty) {
                break;
            }
            return Err(PolicyError::Syntax {
                line: number,
                problem: LineProblem::Empty,
            });
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(PolicyError::Syntax {
                line: number,
                problem: LineProblem::NotKeyValue(line.chars().take(40).collect()),
            });
        };
        let value = value.trim_matches([' ', '\t']);
        if let Some(c) = value.chars().find(|c| c.is_control() && *c != '\t') {
            return Err(PolicyError::Syntax {
                line: number,
                problem: LineProblem::Control(c),
            });
        }
        let slot = match key {
            "version" => &mut version,
            "mode" => &mut mode,
            "max_age" => &mut max_age,
            "mx" => {
                mx.push(parse_mx(number, value)?);
                continue;
            }
            other => {
                let ok = !other.is_empty()
                    && other.len() <= 32
                    && other
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
                if !ok {
                    return Err(PolicyError::Syntax {
                        line: number,
                        problem: LineProblem::BadName(other.chars().take(40).collect()),
                    });
                }
                notes.push(PolicyNote::UnknownField {
                    line: number,
                    field: other.to_string(),
                });
                continue;
            }
        };
        if slot.is_some() {
            notes.push(PolicyNote::Duplicate {
                line: number,
                field: key.to_string(),
            });
        } else {
            *slot = Some(value.to_string());
        }
    }
    if version.as_deref() != Some("STSv1") {
        return Err(PolicyError::BadVersion(version));
    }
    let mode = match mode.as_deref() {
        Some("enforce") => Mode::Enforce,
        Some("testing") => Mode::Testing,
        Some("none") => Mode::None,
        _ => return Err(PolicyError::BadMode(mode)),
    };
    let max_age = match max_age.as_deref() {
        Some(v) if (1..=10).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) => {
            match v.parse::<u64>() {
                Ok(n) if n <= u64::from(MAX_AGE_LIMIT) => u32::try_from(n).unwrap_or(MAX_AGE_LIMIT),
                _ => return Err(PolicyError::BadMaxAge(max_age)),
            }
        }
        _ => return Err(PolicyError::BadMaxAge(max_age)),
    };
    if mx.is_empty() && mode != Mode::None {
        return Err(PolicyError::NoMx);
    }
    Ok(ParsedPolicy {
        policy: StsPolicy { mode, max_age, mx },
        notes,
    })
}

fn parse_mx(line: usize, value: &str) -> Result<MxPattern, PolicyError> {
    let bad = |problem: MxProblem| PolicyError::BadMx {
        line,
        value: value.chars().take(60).collect(),
        problem,
    };
    let (wildcard, name) = match value.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if !name.is_ascii() {
        return Err(bad(MxProblem::NotAscii));
    }
    if name.contains('*') {
        return Err(bad(MxProblem::Wildcard));
    }
    if name.ends_with('.') {
        return Err(bad(MxProblem::TrailingDot));
    }
    let domain = DomainName::parse(name).map_err(|_| bad(MxProblem::NotAName))?;
    Ok(if wildcard {
        MxPattern::Wildcard(domain)
    } else {
        MxPattern::Exact(domain)
    })
}

/// Whether the HTTPS certificate of `mta-sts.<domain>` was valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Certificate {
    /// Trusted and valid for the policy host.
    Valid,
    /// Not: why.
    Invalid(CertificateProblem),
}

/// Why the policy host's certificate is not valid for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    /// No trusted path; what the certificate check said.
    Untrusted(Vec<Message>),
    /// Trusted, but not for this host.
    WrongName(DomainName),
    /// No certificate was recorded.
    NotRecorded,
}

impl ToMessage for CertificateProblem {
    fn to_message(&self) -> Message {
        match self {
            CertificateProblem::Untrusted(reasons) => msg!(
                "mta-sts-certificate-untrusted",
                reasons = Arg::list(reasons.iter().cloned())
            ),
            CertificateProblem::WrongName(host) => {
                msg!("mta-sts-certificate-wrong-name", host = host)
            }
            CertificateProblem::NotRecorded => msg!("mta-sts-certificate-not-recorded"),
        }
    }
}

/// What fetching the policy gave. The engine fills this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyFetch {
    /// HTTP 200 with a body.
    Fetched {
        /// The Content-Type header, if any.
        content_type: Option<String>,
        /// The body (the engine may stop reading past [`MAX_POLICY_BYTES`] + 1).
        body: Vec<u8>,
        /// The certificate check.
        certificate: Certificate,
    },
    /// Another HTTP status (redirects included: they must not be followed).
    HttpStatus(u16),
    /// No answer: the kind of failure (timeout, refused, TLS…).
    Failed(HttpFailure),
    /// The policy host has no address (`None`), or its addresses could not
    /// be looked up.
    NoAddress(Option<LookupFailure>),
    /// The host has an address, but the test did not fetch the policy.
    NotFetched,
}

/// Whether a Content-Type is `text/plain`, parameters allowed.
fn is_text_plain(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"))
}

/// `mail.mta_sts.valid`: one valid `_mta-sts` record, a policy fetched over
/// valid HTTPS as text/plain, valid, in enforce mode, and matching every MX.
///
/// `fetch` is `None` when the engine did not fetch the policy (it need not
/// when there is no record). `mx_hosts` are the domain's MX host names.
/// No record at all is a warning (MTA-STS is recommended); a record that is
/// there but broken is a fail, since it can only mislead senders; testing or
/// none mode is a warning; an MX the policy does not match is a fail, since
/// in enforce mode senders refuse to deliver to it. A policy the test could
/// not fetch for reasons of its own (a lookup failure, its time budget) is
/// an error.
pub fn finding(
    domain: &DomainName,
    txt: &TxtAnswer,
    fetch: Option<&PolicyFetch>,
    mx_hosts: &[DomainName],
) -> Finding {
    let id = ids::MAIL_MTA_STS;
    let txt_subject = format!("_mta-sts.{domain} TXT");
    let url = format!("https://mta-sts.{domain}/.well-known/mta-sts.txt");
    let records = match txt.records() {
        Ok(r) => r,
        Err(failure) => {
            return Finding::new(id, Status::Error, msg!("mta-sts-lookup-failed"))
                .with(txt_subject, failure.to_message());
        }
    };
    let candidates: Vec<&String> = records
        .iter()
        .filter(|r| begins_with(r, "v=STSv1"))
        .collect();
    let record = match candidates.as_slice() {
        [] => {
            return Finding::new(id, Status::Warning, msg!("mta-sts-missing"))
                .with(txt_subject, txt.describe_empty());
        }
        [one] => (*one).clone(),
        many => {
            return Finding::new(id, Status::Fail, msg!("mta-sts-multiple")).with_all(
                many.iter()
                    .map(|r| Evidence::new(txt_subject.clone(), (*r).clone())),
            );
        }
    };
    let mut evidence = vec![Evidence::new(txt_subject.clone(), record.clone())];
    let judged = |status: Status,
                  summary: Message,
                  mut evidence: Vec<Evidence>,
                  subject: &str,
                  detail: Message| {
        evidence.push(Evidence::new(subject, detail));
        Finding::new(id, status, summary).with_all(evidence)
    };
    if let Err(e) = parse_record(&record) {
        return judged(
            Status::Fail,
            msg!("mta-sts-record-invalid"),
            evidence,
            &txt_subject,
            e.to_message(),
        );
    }
    let host = format!("mta-sts.{domain}");
    let (content_type, body) = match fetch {
        None | Some(PolicyFetch::NotFetched) => {
            return Finding::new(id, Status::Error, msg!("mta-sts-not-fetched")).with_all(evidence);
        }
        Some(PolicyFetch::HttpStatus(status)) => {
            return judged(
                Status::Fail,
                msg!("mta-sts-http-status", status = *status),
                evidence,
                &url,
                msg!("mta-sts-http-status-detail", status = *status),
            );
        }
        Some(PolicyFetch::Failed(kind)) => {
            // Not asked because of the test's own budget or guard: untested.
            let status = match kind {
                HttpFailure::Cancelled | HttpFailure::Blocked => Status::Error,
                _ => Status::Fail,
            };
            return judged(
                status,
                msg!("mta-sts-fetch-failed", host = host.as_str()),
                evidence,
                &url,
                msg!("mail-http-failure", kind = kind.as_str()),
            );
        }
        Some(PolicyFetch::NoAddress(None)) => {
            return judged(
                Status::Fail,
                msg!("mta-sts-no-address", host = host.as_str()),
                evidence,
                &url,
                msg!("mta-sts-no-address-detail", host = host.as_str()),
            );
        }
        Some(PolicyFetch::NoAddress(Some(failure))) => {
            return judged(
                Status::Error,
                msg!("mta-sts-host-lookup-failed", host = host.as_str()),
                evidence,
                &url,
                failure.to_message(),
            );
        }
        Some(PolicyFetch::Fetched {
            certificate: Certificate::Invalid(problem),
            ..
        }) => {
            return judged(
                Status::Fail,
                msg!("mta-sts-certificate-invalid"),
                evidence,
                &url,
                problem.to_message(),
            );
        }
        Some(PolicyFetch::Fetched {
            content_type, body, ..
        }) => (content_type, body),
    };
    match content_type {
        Some(ct) if is_text_plain(ct) => {}
        other => {
            evidence.push(Evidence::new(
                url.clone(),
                match other {
                    Some(ct) => msg!("mta-sts-content-type-is", content_type = ct.as_str()),
                    None => msg!("mta-sts-content-type-none"),
                },
            ));
            return Finding::new(id, Status::Fail, msg!("mta-sts-content-type")).with_all(evidence);
        }
    }
    let parsed = match parse_policy(body) {
        Ok(p) => p,
        Err(e) => {
            return judged(
                Status::Fail,
                msg!("mta-sts-policy-invalid"),
                evidence,
                &url,
                e.to_message(),
            );
        }
    };
    let policy = &parsed.policy;
    evidence.push(Evidence::new(
        url.clone(),
        policy.to_string().trim_end().replace('\n', "; "),
    ));
    evidence.extend(
        parsed
            .notes
            .iter()
            .map(|n| Evidence::new(msg!("mail-label-note"), n.to_message())),
    );
    if policy.max_age < SHORT_MAX_AGE {
        evidence.push(Evidence::new(
            "max_age",
            msg!("mta-sts-max-age-short", seconds = policy.max_age),
        ));
    }
    if policy.mode == Mode::None {
        return Finding::new(id, Status::Warning, msg!("mta-sts-mode-none")).with_all(evidence);
    }
    let unmatched: Vec<&DomainName> = mx_hosts.iter().filter(|h| !policy.allows(h)).collect();
    for host in mx_hosts {
        evidence.push(Evidence::new(
            format!("MX {host}"),
            if policy.allows(host) {
                msg!("mta-sts-mx-matched")
            } else {
                msg!("mta-sts-mx-unmatched")
            },
        ));
    }
    if mx_hosts.is_empty() {
        evidence.push(Evidence::new("MX", msg!("mta-sts-no-mx-hosts")));
    }
    if !unmatched.is_empty() {
        return Finding::new(
            id,
            Status::Fail,
            msg!(
                "mta-sts-uncovered",
                count = unmatched.len(),
                hosts = Arg::list(unmatched.iter().map(|h| h.as_str()))
            ),
        )
        .with_all(evidence);
    }
    match policy.mode {
        Mode::Testing => {
            Finding::new(id, Status::Warning, msg!("mta-sts-testing")).with_all(evidence)
        }
        _ => Finding::new(id, Status::Pass, msg!("mta-sts-enforced")).with_all(evidence),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mailauth::testing::{renders, txt_timeout};
    use proptest::prelude::*;

    fn name(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";

    #[test]
    fn records() {
        assert_eq!(
            parse_record("v=STSv1; id=20160831085700Z;").unwrap().id,
            "20160831085700Z"
        );
        assert!(parse_record("v=STSv1;id=abc; ext=1").is_ok());
        assert_eq!(parse_record("v=STSv1"), Err(StsRecordError::MissingId));
        assert!(matches!(
            parse_record("v=STSv1; id=a-b"),
            Err(StsRecordError::BadId(_))
        ));
        assert!(matches!(
            parse_record(&format!("v=STSv1; id={}", "a".repeat(33))),
            Err(StsRecordError::BadId(_))
        ));
        assert!(matches!(
            parse_record("v=stsv1; id=1"),
            Err(StsRecordError::Syntax(_))
        ));
        assert!(matches!(
            parse_record("v=STSv1; id = 1"),
            Err(StsRecordError::Syntax(_))
        ));
        assert!(begins_with("v=STSv1; id=1", "v=STSv1"));
        assert!(!begins_with("v=STSv10; id=1", "v=STSv1"));
    }

    #[test]
    fn policies() {
        let p = parse_policy(POLICY.as_bytes()).unwrap().policy;
        assert_eq!(p.mode, Mode::Enforce);
        assert_eq!(p.max_age, 604_800);
        assert!(p.allows(&name("mail.example.com")));
        assert!(p.allows(&name("mx1.example.net")));
        assert!(!p.allows(&name("example.net")));
        assert!(!p.allows(&name("a.mx1.example.net")));
        // LF works, and so does a missing final line ending.
        assert!(parse_policy(POLICY.replace("\r\n", "\n").trim_end().as_bytes()).is_ok());
        let bad = |body: &str| parse_policy(body.as_bytes()).unwrap_err();
        assert!(matches!(
            bad("version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 1\n"),
            PolicyError::BadVersion(_)
        ));
        assert!(matches!(
            bad("version: STSv1\nmode: on\nmx: a.b\nmax_age: 1\n"),
            PolicyError::BadMode(_)
        ));
        assert!(matches!(
            bad("version: STSv1\nmode: enforce\nmx: a.b\nmax_age: 31557601\n"),
            PolicyError::BadMaxAge(_)
        ));
        assert!(matches!(
            bad("version: STSv1\nmode: enforce\nmax_age: 1\n"),
            PolicyError::NoMx
        ));
        assert!(matches!(
            bad("version: STSv1\nmode: enforce\nmx: a.*.b\nmax_age: 1\n"),
            PolicyError::BadMx { .. }
        ));
        assert!(matches!(
            bad("version: STSv1\n\nmode: enforce\n"),
            PolicyError::Syntax { .. }
        ));
        assert!(matches!(
            parse_policy(&vec![b'a'; MAX_POLICY_BYTES + 1]),
            Err(PolicyError::TooLarge(_))
        ));
        let p = parse_policy(b"version: STSv1\nmode: none\nmax_age: 0\nmode: enforce\nfoo: bar\n")
            .unwrap();
        assert_eq!(p.policy.mode, Mode::None);
        assert_eq!(p.notes.len(), 2);
    }

    fn fetched(body: &str) -> PolicyFetch {
        PolicyFetch::Fetched {
            content_type: Some("text/plain; charset=utf-8".into()),
            body: body.as_bytes().to_vec(),
            certificate: Certificate::Valid,
        }
    }

    #[test]
    fn findings() {
        let d = name("example.com");
        let txt = TxtAnswer::Answered(vec!["v=STSv1; id=1".into(), "v=spf1 -all".into()]);
        let mx = [name("mail.example.com"), name("mx2.example.net")];
        let status = |txt: &TxtAnswer, fetch: Option<&PolicyFetch>, mx: &[DomainName]| {
            finding(&d, txt, fetch, mx).status
        };
        assert_eq!(status(&txt, Some(&fetched(POLICY)), &mx), Status::Pass);
        assert_eq!(
            status(
                &txt,
                Some(&fetched(&POLICY.replace("enforce", "testing"))),
                &mx
            ),
            Status::Warning
        );
        assert_eq!(
            status(&txt, Some(&fetched(POLICY)), &[name("other.example.org")]),
            Status::Fail
        );
        assert_eq!(status(&TxtAnswer::NxDomain, None, &mx), Status::Warning);
        assert_eq!(status(&txt_timeout(), None, &mx), Status::Error);
        assert_eq!(status(&txt, None, &mx), Status::Error);
        assert_eq!(
            status(&txt, Some(&PolicyFetch::HttpStatus(301)), &mx),
            Status::Fail
        );
        let html = PolicyFetch::Fetched {
            content_type: Some("text/html".into()),
            body: POLICY.as_bytes().to_vec(),
            certificate: Certificate::Valid,
        };
        assert_eq!(status(&txt, Some(&html), &mx), Status::Fail);
        let bad_cert = PolicyFetch::Fetched {
            content_type: Some("text/plain".into()),
            body: POLICY.as_bytes().to_vec(),
            certificate: Certificate::Invalid(CertificateProblem::Untrusted(vec![msg!(
                "mta-sts-certificate-not-recorded"
            )])),
        };
        assert_eq!(status(&txt, Some(&bad_cert), &mx), Status::Fail);
        let two = TxtAnswer::Answered(vec!["v=STSv1; id=1".into(), "v=STSv1; id=2".into()]);
        assert_eq!(status(&two, Some(&fetched(POLICY)), &mx), Status::Fail);
        // What the test could not fetch for its own reasons is untested.
        for (fetch, expected) in [
            (PolicyFetch::NotFetched, Status::Error),
            (PolicyFetch::Failed(HttpFailure::Cancelled), Status::Error),
            (PolicyFetch::Failed(HttpFailure::Timeout), Status::Fail),
            (PolicyFetch::Failed(HttpFailure::Tls), Status::Fail),
            (PolicyFetch::NoAddress(None), Status::Fail),
            (
                PolicyFetch::NoAddress(Some(crate::mailauth::testing::timeout(
                    "mta-sts.example.com",
                ))),
                Status::Error,
            ),
        ] {
            let f = finding(&d, &txt, Some(&fetch), &mx);
            assert_eq!(f.status, expected, "{fetch:?}");
            renders(&f);
        }
        let f = finding(
            &d,
            &txt,
            Some(&fetched(POLICY)),
            &[name("other.example.org")],
        );
        assert_eq!(f.message.id, "mta-sts-uncovered");
        assert_eq!(
            crate::english(&f),
            "The MTA-STS policy does not cover every mail server (other.example.org): senders \
             enforcing it refuse to deliver there."
        );
        for f in [
            f,
            finding(&d, &txt, Some(&bad_cert), &mx),
            finding(&d, &txt, Some(&html), &mx),
            finding(&d, &TxtAnswer::NxDomain, None, &mx),
            finding(&d, &txt, Some(&fetched(POLICY)), &mx),
            finding(
                &d,
                &txt,
                Some(&fetched(
                    "version: STSv1\nmode: none\nmax_age: 10\nfoo: bar\n",
                )),
                &[],
            ),
        ] {
            renders(&f);
        }
    }

    #[test]
    fn every_record_and_policy_problem_renders() {
        for record in [
            "v=STSv1",
            "v=STSv1; id=a-b",
            "v=stsv1; id=1",
            "v=STSv1;; id=1",
            "v=STSv1; x",
            "v=STSv1; id=1; e=a=b",
        ] {
            let e = parse_record(record).expect_err(record);
            crate::mailauth::testing::english(&e.to_message());
        }
        for body in [
            "version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 1\n",
            "version: STSv1\nmode: on\nmx: a.b\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmx: a.b\nmax_age: x\n",
            "version: STSv1\nmode: enforce\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmx: a.*.b\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmx: é.b\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmx: a.b.\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmx: -a.b\nmax_age: 1\n",
            "version: STSv1\n\nmode: enforce\n",
            "version STSv1\n",
            "version: STSv1\u{1}\n",
            "version: STSv1\nbad key: x\n",
        ] {
            let e = parse_policy(body.as_bytes()).expect_err(body);
            crate::mailauth::testing::english(&e.to_message());
        }
        crate::mailauth::testing::english(&PolicyError::TooLarge(70_000).to_message());
        crate::mailauth::testing::english(&PolicyError::NotText.to_message());
    }

    fn pattern() -> impl Strategy<Value = MxPattern> {
        (
            "[a-z][a-z0-9]{0,8}(\\.[a-z][a-z0-9]{0,8}){1,3}",
            any::<bool>(),
        )
            .prop_map(|(n, w)| {
                let n = name(&n);
                if w {
                    MxPattern::Wildcard(n)
                } else {
                    MxPattern::Exact(n)
                }
            })
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_record(&text);
            let _ = parse_policy(text.as_bytes());
            let _ = parse_policy(&bytes);
        }

        #[test]
        fn never_panics_on_policy_like_input(
            text in "((version|mode|mx|max_age|x)(:[ \t]*[a-zA-Z0-9.*-]{0,15})?[ \t]*\r?\n){0,8}"
        ) {
            let _ = parse_policy(text.as_bytes());
        }

        #[test]
        fn policy_round_trip(
            mode in prop_oneof![Just(Mode::Enforce), Just(Mode::Testing), Just(Mode::None)],
            max_age in 0..=MAX_AGE_LIMIT,
            mx in proptest::collection::vec(pattern(), 1..5),
        ) {
            let policy = StsPolicy { mode, max_age, mx };
            let text = policy.to_string();
            let parsed = parse_policy(text.as_bytes());
            prop_assert_eq!(parsed.map(|p| p.policy), Ok(policy.clone()));
            let crlf = text.replace('\n', "\r\n");
            prop_assert_eq!(parse_policy(crlf.as_bytes()).map(|p| p.policy), Ok(policy));
        }
    }
}
