//! The DMARC record: grammar of RFC 7489 §6.4, tags of §6.3, and the
//! fallbacks of §6.6.3.

use std::collections::HashSet;
use std::fmt;

use indaba_model::{DomainName, Message, ToMessage, msg};

/// Records longer than this are refused before any work: TXT data in one DNS
/// message cannot be longer, so anything bigger is not from the DNS.
pub(crate) const MAX_RECORD_LEN: usize = 65_535;

/// The requested handling of mail that fails DMARC (`p`, `sp`, `np`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Policy {
    /// Monitor only: deliver as usual.
    None,
    /// Treat as suspicious (spam folder).
    Quarantine,
    /// Refuse during the SMTP transaction.
    Reject,
}

impl Policy {
    /// The tag value.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::None => "none",
            Policy::Quarantine => "quarantine",
            Policy::Reject => "reject",
        }
    }

    fn parse(value: &str) -> Option<Policy> {
        // ABNF literals are case-insensitive (RFC 5234 §2.3).
        [Policy::None, Policy::Quarantine, Policy::Reject]
            .into_iter()
            .find(|p| value.eq_ignore_ascii_case(p.as_str()))
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identifier alignment mode (`adkim`, `aspf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlignmentMode {
    /// Organisational domains must be equal (`r`, the default).
    Relaxed,
    /// Domains must be equal (`s`).
    Strict,
}

impl AlignmentMode {
    /// The tag value.
    pub fn as_str(self) -> &'static str {
        match self {
            AlignmentMode::Relaxed => "r",
            AlignmentMode::Strict => "s",
        }
    }
}

/// A percentage, 0–100 (`pct`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(u8);

impl Percent {
    /// All mail (the default).
    pub const ALL: Percent = Percent(100);

    /// `Some` for 0–100.
    pub fn new(value: u8) -> Option<Percent> {
        (value <= 100).then_some(Percent(value))
    }

    /// The value, 0–100.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// When failure reports are wanted (`fo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureOption {
    /// `0`: when every mechanism fails to give an aligned pass (the default).
    AllFail,
    /// `1`: when any mechanism fails to give an aligned pass.
    AnyFail,
    /// `d`: when a DKIM signature fails to verify.
    Dkim,
    /// `s`: when SPF fails.
    Spf,
}

impl FailureOption {
    /// The tag value.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureOption::AllFail => "0",
            FailureOption::AnyFail => "1",
            FailureOption::Dkim => "d",
            FailureOption::Spf => "s",
        }
    }

    fn parse(value: &str) -> Option<FailureOption> {
        [
            FailureOption::AllFail,
            FailureOption::AnyFail,
            FailureOption::Dkim,
            FailureOption::Spf,
        ]
        .into_iter()
        .find(|o| value.eq_ignore_ascii_case(o.as_str()))
    }
}

/// A failure-report format (`rf`). The IANA registry (§11.4) holds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// Authentication Failure Reporting Format (RFC 6591).
    Afrf,
}

/// Where a report URI points.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UriTarget {
    /// `mailto:` with the address and its domain (the host that may need to
    /// authorise external reports, §7.1).
    Mailto {
        /// The decoded address.
        address: String,
        /// Its domain.
        domain: DomainName,
    },
    /// Another scheme: syntactically a URI, but receivers need only support
    /// `mailto:` and ignore what they do not support (§6.2).
    Other {
        /// The scheme, lower case.
        scheme: String,
    },
}

/// One `rua`/`ruf` destination (`dmarc-uri` of §6.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportUri {
    /// The URI as written, without the size limit.
    pub uri: String,
    /// What it points at.
    pub target: UriTarget,
    /// The size limit in bytes (`!10m`), saturating at `u64::MAX`.
    pub max_size: Option<u64>,
    /// The size limit as written (`10m`), for display and round trips.
    pub max_size_text: Option<String>,
}

impl fmt::Display for ReportUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.uri)?;
        if let Some(size) = &self.max_size_text {
            write!(f, "!{size}")?;
        }
        Ok(())
    }
}

/// Where the policy a receiver applies came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicySource {
    /// The `p` tag.
    Tag,
    /// `p` missing or invalid, or `sp` invalid, but `rua` has a valid URI:
    /// receivers act as if `p=none` were published (§6.6.3 step 6).
    FallbackNone,
}

/// A DMARC record: the values given, with accessors for the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmarcRecord {
    /// The policy for the domain, and where it came from.
    pub policy: Policy,
    /// Whether `policy` was given or is the `p=none` fallback.
    pub policy_source: PolicySource,
    /// `sp`: the policy for subdomains, when given.
    pub subdomain_policy: Option<Policy>,
    /// `np` (RFC 9091): the policy for non-existent subdomains, when given.
    pub nonexistent_policy: Option<Policy>,
    /// `pct`, when given.
    pub percent: Option<Percent>,
    /// `adkim`, when given.
    pub adkim: Option<AlignmentMode>,
    /// `aspf`, when given.
    pub aspf: Option<AlignmentMode>,
    /// `rua`: the URIs that parsed (empty when the tag is absent).
    pub aggregate: Vec<ReportUri>,
    /// `ruf`: likewise.
    pub failure: Vec<ReportUri>,
    /// `fo`, when given.
    pub failure_options: Option<Vec<FailureOption>>,
    /// `rf`, when given.
    pub report_formats: Option<Vec<ReportFormat>>,
    /// `ri` in seconds, when given (saturating at `u32::MAX`).
    pub interval: Option<u32>,
}

impl DmarcRecord {
    /// A record with only `p`.
    pub fn with_policy(policy: Policy) -> DmarcRecord {
        DmarcRecord {
            policy,
            policy_source: PolicySource::Tag,
            subdomain_policy: None,
            nonexistent_policy: None,
            percent: None,
            adkim: None,
            aspf: None,
            aggregate: Vec::new(),
            failure: Vec::new(),
            failure_options: None,
            report_formats: None,
            interval: None,
        }
    }

    /// The policy for subdomains: `sp`, or `p` when absent.
    pub fn effective_subdomain_policy(&self) -> Policy {
        self.subdomain_policy.unwrap_or(self.policy)
    }

    /// The share of failing mail the policy applies to (default 100).
    pub fn effective_percent(&self) -> Percent {
        self.percent.unwrap_or(Percent::ALL)
    }

    /// DKIM alignment (default relaxed).
    pub fn dkim_alignment(&self) -> AlignmentMode {
        self.adkim.unwrap_or(AlignmentMode::Relaxed)
    }

    /// SPF alignment (default relaxed).
    pub fn spf_alignment(&self) -> AlignmentMode {
        self.aspf.unwrap_or(AlignmentMode::Relaxed)
    }

    /// The aggregate report interval in seconds (default one day).
    pub fn effective_interval(&self) -> u32 {
        self.interval.unwrap_or(86_400)
    }
}

impl fmt::Display for DmarcRecord {
    /// The record in canonical form: `v=DMARC1; p=…` and every given tag.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |uris: &[ReportUri]| {
            uris.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        write!(f, "v=DMARC1; p={}", self.policy)?;
        if let Some(sp) = self.subdomain_policy {
            write!(f, "; sp={sp}")?;
        }
        if let Some(np) = self.nonexistent_policy {
            write!(f, "; np={np}")?;
        }
        if let Some(pct) = self.percent {
            write!(f, "; pct={}", pct.get())?;
        }
        if let Some(a) = self.adkim {
            write!(f, "; adkim={}", a.as_str())?;
        }
        if let Some(a) = self.aspf {
            write!(f, "; aspf={}", a.as_str())?;
        }
        if !self.aggregate.is_empty() {
            write!(f, "; rua={}", join(&self.aggregate))?;
        }
        if !self.failure.is_empty() {
            write!(f, "; ruf={}", join(&self.failure))?;
        }
        if let Some(fo) = &self.failure_options {
            let fo: Vec<&str> = fo.iter().map(|o| o.as_str()).collect();
            write!(f, "; fo={}", fo.join(":"))?;
        }
        if let Some(rf) = &self.report_formats {
            let rf: Vec<&str> = rf.iter().map(|_| "afrf").collect();
            write!(f, "; rf={}", rf.join(":"))?;
        }
        if let Some(ri) = self.interval {
            write!(f, "; ri={ri}")?;
        }
        Ok(())
    }
}

/// A deviation from RFC 7489. Some make receivers ignore the whole record
/// ([`parse`] returns them as `Err`); the others make receivers ignore one
/// tag and use its default ([`ParsedRecord::errors`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmarcError {
    /// Nothing but white space.
    Empty,
    /// The record is longer than DNS data can be.
    TooLong(usize),
    /// The first tag is not `v`.
    NotDmarc(String),
    /// `v` has another value than exactly `DMARC1`.
    BadVersion(String),
    /// `p` is missing (and no valid `rua` rescues the record).
    MissingPolicy,
    /// `p` has a value other than none, quarantine or reject.
    BadPolicy(String),
    /// `sp` has a value other than none, quarantine or reject.
    BadSubdomainPolicy(String),
    /// A tag's value does not follow the grammar; receivers use the default.
    BadValue {
        /// The tag.
        tag: String,
        /// Its value.
        value: String,
        /// What values the tag takes.
        expected: Expected,
    },
    /// A report URI does not parse.
    BadUri {
        /// `rua` or `ruf`.
        tag: String,
        /// The URI as written.
        uri: String,
        /// What is wrong.
        problem: UriProblem,
    },
    /// The same tag twice; the first is used.
    DuplicateTag(String),
    /// A part between semicolons that is not `tag=value`.
    NotATag(String),
}

/// What values a tag takes, said when it has another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `np`: none, quarantine or reject.
    Policy,
    /// `pct`: 0 to 100.
    Percent,
    /// `adkim`, `aspf`: r or s.
    Alignment,
    /// `fo`: 0, 1, d and s.
    FailureOptions,
    /// `rf`: afrf.
    ReportFormat,
    /// `ri`: seconds.
    Interval,
}

/// Why a report URI is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriProblem {
    /// Nothing between commas.
    Empty,
    /// A character that must be percent-encoded.
    NeedsEncoding(char),
    /// No `scheme:`.
    NoScheme,
    /// Not a valid scheme name.
    BadScheme(String),
    /// Nothing after `scheme:`.
    NothingAfterScheme,
    /// A size limit without a number.
    SizeWithoutNumber(String),
    /// A size limit with an unknown unit.
    SizeUnit(String),
    /// A `mailto:` without a usable address.
    Mailto(MailtoProblem),
}

/// Why a `mailto:` URI names no usable address (RFC 6068).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailtoProblem {
    /// Not UTF-8 once percent-decoded.
    NotUtf8,
    /// No `@`.
    NoAt(String),
    /// An empty or malformed local part.
    NotAnAddress(String),
    /// The part after `@` is not a domain name.
    BadDomain(String),
}

impl ToMessage for DmarcError {
    fn to_message(&self) -> Message {
        match self {
            DmarcError::Empty => msg!("dmarc-error-empty"),
            DmarcError::TooLong(bytes) => msg!("dmarc-error-too-long", bytes = *bytes),
            DmarcError::NotDmarc(start) => msg!("dmarc-error-not-dmarc", start = start.as_str()),
            DmarcError::BadVersion(v) => msg!("dmarc-error-bad-version", version = v.as_str()),
            DmarcError::MissingPolicy => msg!("dmarc-error-missing-policy"),
            DmarcError::BadPolicy(v) => msg!("dmarc-error-bad-policy", value = v.as_str()),
            DmarcError::BadSubdomainPolicy(v) => {
                msg!("dmarc-error-bad-subdomain-policy", value = v.as_str())
            }
            DmarcError::BadValue {
                tag,
                value,
                expected,
            } => msg!(
                "dmarc-error-bad-value",
                tag = tag.as_str(),
                value = value.as_str(),
                expected = expected.to_message()
            ),
            DmarcError::BadUri { tag, uri, problem } => msg!(
                "dmarc-error-bad-uri",
                tag = tag.as_str(),
                uri = uri.as_str(),
                problem = problem.to_message()
            ),
            DmarcError::DuplicateTag(tag) => msg!("dmarc-error-duplicate-tag", tag = tag.as_str()),
            DmarcError::NotATag(part) => msg!("dmarc-error-not-a-tag", part = part.as_str()),
        }
    }
}

impl ToMessage for Expected {
    fn to_message(&self) -> Message {
        match self {
            Expected::Policy => msg!("dmarc-expected-policy"),
            Expected::Percent => msg!("dmarc-expected-percent"),
            Expected::Alignment => msg!("dmarc-expected-alignment"),
            Expected::FailureOptions => msg!("dmarc-expected-failure-options"),
            Expected::ReportFormat => msg!("dmarc-expected-report-format"),
            Expected::Interval => msg!("dmarc-expected-interval"),
        }
    }
}

impl ToMessage for UriProblem {
    fn to_message(&self) -> Message {
        match self {
            UriProblem::Empty => msg!("dmarc-uri-empty"),
            UriProblem::NeedsEncoding(c) => {
                msg!("dmarc-uri-needs-encoding", character = format!("{c:?}"))
            }
            UriProblem::NoScheme => msg!("dmarc-uri-no-scheme"),
            UriProblem::BadScheme(s) => msg!("dmarc-uri-bad-scheme", scheme = s.as_str()),
            UriProblem::NothingAfterScheme => msg!("dmarc-uri-nothing-after-scheme"),
            UriProblem::SizeWithoutNumber(s) => {
                msg!("dmarc-uri-size-without-number", size = s.as_str())
            }
            UriProblem::SizeUnit(s) => msg!("dmarc-uri-size-unit", size = s.as_str()),
            UriProblem::Mailto(p) => p.to_message(),
        }
    }
}

impl ToMessage for MailtoProblem {
    fn to_message(&self) -> Message {
        match self {
            MailtoProblem::NotUtf8 => msg!("mail-mailto-not-utf8"),
            MailtoProblem::NoAt(a) => msg!("mail-mailto-no-at", address = a.as_str()),
            MailtoProblem::NotAnAddress(a) => {
                msg!("mail-mailto-not-an-address", address = a.as_str())
            }
            MailtoProblem::BadDomain(a) => msg!("mail-mailto-bad-domain", address = a.as_str()),
        }
    }
}

/// Something worth saying about a valid record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmarcNote {
    /// A tag RFC 7489 does not define; receivers ignore it.
    UnknownTag(String),
    /// A report URI with a scheme other than mailto.
    UnsupportedScheme {
        /// `rua` or `ruf`.
        tag: String,
        /// The URI.
        uri: String,
        /// Its scheme.
        scheme: String,
    },
    /// `p` is not the tag right after `v`, as the grammar of §6.4 orders it.
    PolicyNotSecond,
}

impl ToMessage for DmarcNote {
    fn to_message(&self) -> Message {
        match self {
            DmarcNote::UnknownTag(tag) => msg!("dmarc-note-unknown-tag", tag = tag.as_str()),
            DmarcNote::UnsupportedScheme { tag, uri, scheme } => msg!(
                "dmarc-note-unsupported-scheme",
                tag = tag.as_str(),
                uri = uri.as_str(),
                scheme = scheme.as_str()
            ),
            DmarcNote::PolicyNotSecond => msg!("dmarc-note-policy-not-second"),
        }
    }
}

/// A record as read: the values, the tag errors receivers skip, and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRecord {
    /// The values a receiver uses.
    pub record: DmarcRecord,
    /// Syntax errors: the record is not valid, and receivers ignore these tags.
    pub errors: Vec<DmarcError>,
    /// Remarks that do not make the record invalid.
    pub notes: Vec<DmarcNote>,
}

impl ParsedRecord {
    /// Whether the record follows RFC 7489 without error.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn trim_wsp(s: &str) -> &str {
    s.trim_matches(is_wsp)
}

/// Splits `text` into its first tag (name, value) if it has the form `name *WSP = *WSP value`.
fn split_tag(part: &str) -> Option<(&str, &str)> {
    let (name, value) = part.split_once('=')?;
    Some((trim_wsp(name), trim_wsp(value)))
}

/// Whether `text` starts with the tag `v=DMARC1` (§6.6.3 step 2, §7.1 step 5).
pub(crate) fn starts_with_version(text: &str) -> bool {
    let first = text.split(';').next().unwrap_or_default();
    matches!(split_tag(trim_wsp(first)), Some((name, value)) if name.eq_ignore_ascii_case("v") && value == "DMARC1")
}

/// Parses one DMARC record (RFC 7489 §6.3, §6.4, §6.6.3).
///
/// `Err` means receivers ignore the record; `Ok` carries the values receivers
/// use and, in [`ParsedRecord::errors`], every tag they skip.
pub fn parse(text: &str) -> Result<ParsedRecord, DmarcError> {
    if text.len() > MAX_RECORD_LEN {
        return Err(DmarcError::TooLong(text.len()));
    }
    if text.trim().is_empty() {
        return Err(DmarcError::Empty);
    }
    let mut parts = text.split(';').map(trim_wsp);
    let first = parts.next().unwrap_or_default();
    match split_tag(first) {
        Some((name, value)) if name.eq_ignore_ascii_case("v") => {
            if value != "DMARC1" {
                return Err(DmarcError::BadVersion(value.to_string()));
            }
        }
        _ => return Err(DmarcError::NotDmarc(first.chars().take(40).collect())),
    }

    let mut errors = Vec::new();
    let mut notes = Vec::new();
    // A set, so that a hostile record of thousands of tags stays linear.
    let mut seen: HashSet<String> = HashSet::from(["v".to_string()]);
    let mut policy: Option<Result<Policy, String>> = None;
    let mut sp: Option<Result<Policy, String>> = None;
    let mut record = DmarcRecord::with_policy(Policy::None);
    let mut rua_valid = false;

    for (index, part) in parts.enumerate() {
        if part.is_empty() {
            // A trailing semicolon, or two in a row: nothing to read.
            continue;
        }
        let Some((name, value)) = split_tag(part) else {
            errors.push(DmarcError::NotATag(part.chars().take(40).collect()));
            continue;
        };
        let name = name.to_ascii_lowercase();
        if !seen.insert(name.clone()) {
            errors.push(DmarcError::DuplicateTag(name));
            continue;
        }
        let bad = |expected: Expected| DmarcError::BadValue {
            tag: name.clone(),
            value: value.chars().take(60).collect(),
            expected,
        };
        match name.as_str() {
            "p" => {
                if index != 0 {
                    notes.push(DmarcNote::PolicyNotSecond);
                }
                policy = Some(Policy::parse(value).ok_or_else(|| value.to_string()));
            }
            "sp" => sp = Some(Policy::parse(value).ok_or_else(|| value.to_string())),
            "np" => match Policy::parse(value) {
                Some(p) => record.nonexistent_policy = Some(p),
                None => errors.push(bad(Expected::Policy)),
            },
            "pct" => match parse_percent(value) {
                Some(p) => record.percent = Some(p),
                None => errors.push(bad(Expected::Percent)),
            },
            "adkim" | "aspf" => {
                let mode = if value.eq_ignore_ascii_case("r") {
                    Some(AlignmentMode::Relaxed)
                } else if value.eq_ignore_ascii_case("s") {
                    Some(AlignmentMode::Strict)
                } else {
                    None
                };
                match (mode, name.as_str()) {
                    (Some(m), "adkim") => record.adkim = Some(m),
                    (Some(m), _) => record.aspf = Some(m),
                    (None, _) => errors.push(bad(Expected::Alignment)),
                }
            }
            "rua" | "ruf" => {
                let (uris, uri_errors, uri_notes) = parse_uri_list(&name, value);
                if name == "rua" {
                    rua_valid = !uris.is_empty();
                    record.aggregate = uris;
                } else {
                    record.failure = uris;
                }
                errors.extend(uri_errors);
                notes.extend(uri_notes);
            }
            "fo" => match colon_list(value, FailureOption::parse) {
                Some(list) => record.failure_options = Some(list),
                None => errors.push(bad(Expected::FailureOptions)),
            },
            "rf" => match colon_list(value, |v| {
                v.eq_ignore_ascii_case("afrf").then_some(ReportFormat::Afrf)
            }) {
                Some(list) => record.report_formats = Some(list),
                None => errors.push(bad(Expected::ReportFormat)),
            },
            "ri" => match parse_interval(value) {
                Some(ri) => record.interval = Some(ri),
                None => errors.push(bad(Expected::Interval)),
            },
            _ => notes.push(DmarcNote::UnknownTag(name.chars().take(40).collect())),
        }
    }

    // §6.6.3 step 6: a missing or invalid p, or an invalid sp, leaves the
    // record usable only as p=none, and only when rua has a valid URI.
    let problem = match (&policy, &sp) {
        (None, _) => Some(DmarcError::MissingPolicy),
        (Some(Err(v)), _) => Some(DmarcError::BadPolicy(v.chars().take(60).collect())),
        (Some(Ok(_)), Some(Err(v))) => {
            Some(DmarcError::BadSubdomainPolicy(v.chars().take(60).collect()))
        }
        _ => None,
    };
    match problem {
        Some(problem) if !rua_valid => return Err(problem),
        Some(problem) => {
            errors.insert(0, problem);
            record.policy = Policy::None;
            record.policy_source = PolicySource::FallbackNone;
            record.subdomain_policy = None;
        }
        None => {
            if let Some(Ok(p)) = policy {
                record.policy = p;
            }
            if let Some(Ok(p)) = sp {
                record.subdomain_policy = Some(p);
            }
        }
    }
    Ok(ParsedRecord {
        record,
        errors,
        notes,
    })
}

fn parse_percent(value: &str) -> Option<Percent> {
    if value.is_empty() || value.len() > 3 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<u8>().ok().and_then(Percent::new)
}

fn parse_interval(value: &str) -> Option<u32> {
    if value.is_empty() || value.len() > 32 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The grammar allows 32 digits; anything past u32 is "forever" in practice.
    Some(value.parse::<u32>().unwrap_or(u32::MAX))
}

/// A colon-separated list (`fo`, `rf`) with optional white space around colons.
fn colon_list<T>(value: &str, item: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    value.split(':').map(|v| item(trim_wsp(v))).collect()
}

/// Splits a `dmarc-uri` list and parses each URI.
fn parse_uri_list(tag: &str, value: &str) -> (Vec<ReportUri>, Vec<DmarcError>, Vec<DmarcNote>) {
    let mut uris = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    for raw in value.split(',').map(trim_wsp) {
        let bad = |problem: UriProblem| DmarcError::BadUri {
            tag: tag.to_string(),
            uri: raw.chars().take(80).collect(),
            problem,
        };
        match parse_uri(raw) {
            Ok(uri) => {
                if let UriTarget::Other { scheme } = &uri.target {
                    notes.push(DmarcNote::UnsupportedScheme {
                        tag: tag.to_string(),
                        uri: uri.uri.chars().take(80).collect(),
                        scheme: scheme.clone(),
                    });
                }
                uris.push(uri);
            }
            Err(problem) => errors.push(bad(problem)),
        }
    }
    (uris, errors, notes)
}

/// One `dmarc-uri`: `URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]`.
fn parse_uri(raw: &str) -> Result<ReportUri, UriProblem> {
    if raw.is_empty() {
        return Err(UriProblem::Empty);
    }
    // "!" must be percent-encoded inside the URI, so the first one starts the size.
    let (uri, size) = match raw.split_once('!') {
        Some((uri, size)) => (uri, Some(size)),
        None => (raw, None),
    };
    let (max_size, max_size_text) = match size {
        None => (None, None),
        Some(size) => (Some(parse_size(size)?), Some(size.to_string())),
    };
    if let Some(c) = uri
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        return Err(UriProblem::NeedsEncoding(c));
    }
    let (scheme, rest) = uri.split_once(':').ok_or(UriProblem::NoScheme)?;
    let valid_scheme = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Err(UriProblem::BadScheme(scheme.chars().take(40).collect()));
    }
    let scheme = scheme.to_ascii_lowercase();
    let target = if scheme == "mailto" {
        mailto_target(rest).map_err(UriProblem::Mailto)?
    } else {
        if rest.is_empty() {
            return Err(UriProblem::NothingAfterScheme);
        }
        UriTarget::Other { scheme }
    };
    Ok(ReportUri {
        uri: uri.to_string(),
        target,
        max_size,
        max_size_text,
    })
}

fn parse_size(size: &str) -> Result<u64, UriProblem> {
    let digits_end = size
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(size.len());
    let (digits, unit) = size.split_at(digits_end);
    if digits.is_empty() {
        return Err(UriProblem::SizeWithoutNumber(
            size.chars().take(40).collect(),
        ));
    }
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return Err(UriProblem::SizeUnit(size.chars().take(40).collect())),
    };
    let number = digits.parse::<u64>().unwrap_or(u64::MAX);
    Ok(number.saturating_mul(1u64 << shift))
}

/// The address of a `mailto:` URI (RFC 6068): `addr-spec [ "?" hfields ]`.
pub(crate) fn mailto_target(rest: &str) -> Result<UriTarget, MailtoProblem> {
    let to = rest.split('?').next().unwrap_or_default();
    let address = percent_encoding::percent_decode_str(to)
        .decode_utf8()
        .map_err(|_| MailtoProblem::NotUtf8)?
        .into_owned();
    let shown = || address.chars().take(80).collect::<String>();
    let (local, domain) = address
        .rsplit_once('@')
        .ok_or_else(|| MailtoProblem::NoAt(shown()))?;
    if local.is_empty() || local.contains(|c: char| c.is_whitespace() || c == '/') {
        return Err(MailtoProblem::NotAnAddress(shown()));
    }
    let domain = DomainName::parse(domain).map_err(|_| MailtoProblem::BadDomain(shown()))?;
    Ok(UriTarget::Mailto { address, domain })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn full_record() {
        let p = parse(
            "v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=r; \
             rua=mailto:agg@example.com,mailto:x@thirdparty.example!10m; ruf=mailto:f@example.com; \
             fo=0:d; rf=afrf; ri=3600; x=y",
        )
        .unwrap();
        assert!(p.is_valid(), "{:?}", p.errors);
        let r = &p.record;
        assert_eq!(r.policy, Policy::Reject);
        assert_eq!(r.effective_subdomain_policy(), Policy::Quarantine);
        assert_eq!(r.effective_percent().get(), 50);
        assert_eq!(r.dkim_alignment(), AlignmentMode::Strict);
        assert_eq!(r.aggregate.len(), 2);
        assert_eq!(r.aggregate[1].max_size, Some(10 << 20));
        assert_eq!(
            r.failure_options,
            Some(vec![FailureOption::AllFail, FailureOption::Dkim])
        );
        assert_eq!(r.effective_interval(), 3600);
        assert_eq!(p.notes, vec![DmarcNote::UnknownTag("x".into())]);
    }

    #[test]
    fn fatal_errors() {
        assert_eq!(parse("  "), Err(DmarcError::Empty));
        assert_eq!(parse("V=BOB"), Err(DmarcError::BadVersion("BOB".into())));
        assert_eq!(
            parse("v=dmarc1; p=none"),
            Err(DmarcError::BadVersion("dmarc1".into()))
        );
        assert!(matches!(
            parse("p=none; v=DMARC1"),
            Err(DmarcError::NotDmarc(_))
        ));
        assert_eq!(parse("v=DMARC1; pct=100"), Err(DmarcError::MissingPolicy));
        assert_eq!(
            parse("v=DMARC1; p=n"),
            Err(DmarcError::BadPolicy("n".into()))
        );
        assert_eq!(
            parse("v=DMARC1; p=reject; sp=bob"),
            Err(DmarcError::BadSubdomainPolicy("bob".into()))
        );
    }

    #[test]
    fn rua_rescues_a_broken_policy_as_none() {
        let p = parse("v=DMARC1; rua=mailto:a@example.com").unwrap();
        assert_eq!(p.record.policy, Policy::None);
        assert_eq!(p.record.policy_source, PolicySource::FallbackNone);
        assert_eq!(p.errors, vec![DmarcError::MissingPolicy]);
        let p = parse("v=DMARC1; p=reject; sp=bob; rua=mailto:a@example.com").unwrap();
        assert_eq!(p.record.policy, Policy::None);
        assert!(!p.is_valid());
        // A rua with no valid URI does not rescue it.
        assert_eq!(
            parse("v=DMARC1; rua=mailto:nobody"),
            Err(DmarcError::MissingPolicy)
        );
    }

    #[test]
    fn tag_errors_are_kept_and_defaults_used() {
        let p = parse("v=DMARC1; p=quarantine; pct=500; adkim=x; ri=bob; rf=bob; fo=2; p=none")
            .unwrap();
        assert_eq!(p.record.policy, Policy::Quarantine);
        assert_eq!(p.record.effective_percent(), Percent::ALL);
        assert_eq!(p.errors.len(), 6, "{:?}", p.errors);
        assert!(p.errors.contains(&DmarcError::DuplicateTag("p".into())));
    }

    #[test]
    fn uris() {
        let p = parse("v=DMARC1; p=none; rua=ftp://abuse.com").unwrap();
        assert!(p.is_valid());
        assert!(matches!(p.notes[0], DmarcNote::UnsupportedScheme { .. }));
        let p = parse("v=DMARC1; p=none; ruf=mailto://abuse.com").unwrap();
        assert!(!p.is_valid());
        let p = parse("v=DMARC1; p=none; rua=mailto:a%40b@Example.COM!5x").unwrap();
        assert_eq!(p.errors.len(), 1);
        let p = parse("v=DMARC1; p=none; rua=mailto:a%2Bb@Example.COM!1T").unwrap();
        match &p.record.aggregate[0].target {
            UriTarget::Mailto { address, domain } => {
                assert_eq!(address, "a+b@Example.COM");
                assert_eq!(domain.as_str(), "example.com");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p.record.aggregate[0].max_size, Some(1 << 40));
        let p = parse("v=DMARC1; p=none; rua=mailto:a@b.example!99999999999999999999999t").unwrap();
        assert_eq!(p.record.aggregate[0].max_size, Some(u64::MAX));
    }

    #[test]
    fn many_tags_stay_linear() {
        let mut text = String::from("v=DMARC1; p=none");
        for i in 0..7_000 {
            text.push_str(&format!(";t{i}=x"));
        }
        text.push_str(";p=reject");
        let started = std::time::Instant::now();
        let p = parse(&text).unwrap();
        assert_eq!(p.notes.len(), 7_000);
        assert_eq!(p.errors, vec![DmarcError::DuplicateTag("p".into())]);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(parse(&"x".repeat(70_000)), Err(DmarcError::TooLong(70_000)));
    }

    #[test]
    fn version_detection() {
        assert!(starts_with_version("v=DMARC1; p=none"));
        assert!(starts_with_version(" v = DMARC1"));
        assert!(!starts_with_version("v=DMARC1 p=none"));
        assert!(!starts_with_version("v=spf1 -all"));
    }

    fn policy() -> impl Strategy<Value = Policy> {
        prop_oneof![
            Just(Policy::None),
            Just(Policy::Quarantine),
            Just(Policy::Reject)
        ]
    }

    fn mode() -> impl Strategy<Value = AlignmentMode> {
        prop_oneof![Just(AlignmentMode::Relaxed), Just(AlignmentMode::Strict)]
    }

    fn uri() -> impl Strategy<Value = ReportUri> {
        (
            "[a-z0-9.+-]{1,10}",
            "[a-z]{1,10}\\.(example|test)",
            proptest::option::of((0u64..100_000, prop_oneof!["", "k", "m", "g", "t"])),
        )
            .prop_map(|(local, domain, size)| {
                let address = format!("{local}@{domain}");
                let (max_size, max_size_text) = match size {
                    None => (None, None),
                    Some((n, unit)) => {
                        let shift = match unit.as_str() {
                            "k" => 10,
                            "m" => 20,
                            "g" => 30,
                            "t" => 40,
                            _ => 0,
                        };
                        (Some(n << shift), Some(format!("{n}{unit}")))
                    }
                };
                ReportUri {
                    uri: format!("mailto:{address}"),
                    target: UriTarget::Mailto {
                        address,
                        domain: DomainName::parse(&domain).unwrap(),
                    },
                    max_size,
                    max_size_text,
                }
            })
    }

    fn record() -> impl Strategy<Value = DmarcRecord> {
        (
            (
                policy(),
                proptest::option::of(policy()),
                proptest::option::of(policy()),
                proptest::option::of(0u8..=100),
                proptest::option::of(mode()),
                proptest::option::of(mode()),
            ),
            (
                proptest::collection::vec(uri(), 0..3),
                proptest::collection::vec(uri(), 0..3),
                proptest::option::of(proptest::collection::vec(
                    prop_oneof![
                        Just(FailureOption::AllFail),
                        Just(FailureOption::AnyFail),
                        Just(FailureOption::Dkim),
                        Just(FailureOption::Spf)
                    ],
                    1..4,
                )),
                proptest::option::of(1usize..3),
                proptest::option::of(any::<u32>()),
            ),
        )
            .prop_map(|((p, sp, np, pct, adkim, aspf), (rua, ruf, fo, rf, ri))| {
                DmarcRecord {
                    policy: p,
                    policy_source: PolicySource::Tag,
                    subdomain_policy: sp,
                    nonexistent_policy: np,
                    percent: pct.and_then(Percent::new),
                    adkim,
                    aspf,
                    aggregate: rua,
                    failure: ruf,
                    failure_options: fo,
                    report_formats: rf.map(|n| vec![ReportFormat::Afrf; n]),
                    interval: ri,
                }
            })
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text);
            let _ = starts_with_version(&text);
        }

        #[test]
        fn never_panics_on_record_like_input(
            text in "v=DMARC1(;[ \t]*(p|sp|np|pct|adkim|aspf|rua|ruf|fo|rf|ri|x)[ \t]*=[ \t]*[a-zA-Z0-9:!,@%./ -]{0,20}){0,8};?"
        ) {
            if let Ok(parsed) = parse(&text) {
                // What parses, prints, and what prints parses to the same values.
                let again = parse(&parsed.record.to_string());
                prop_assert!(again.is_ok(), "{} -> {:?}", parsed.record, again);
            }
        }

        #[test]
        fn round_trip(record in record()) {
            let text = record.to_string();
            let parsed = parse(&text);
            prop_assert!(parsed.is_ok(), "{text}: {parsed:?}");
            if let Ok(parsed) = parsed {
                prop_assert!(parsed.errors.is_empty(), "{text}: {:?}", parsed.errors);
                prop_assert_eq!(parsed.record, record);
            }
        }
    }
}
