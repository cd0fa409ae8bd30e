//! CAA, Certification Authority Authorization (RFC 8659, with the
//! `accounturi` and `validationmethods` parameters of RFC 8657): parsing the
//! records and the `web.caa` finding.
//!
//! **Input.** A CA uses the CAA record set of the closest name, climbing
//! from the domain towards (not including) the root, that has any (RFC 8659
//! §3): [`search_names`] lists the names to ask and [`relevant`] picks the
//! set. Records are given as **wire-format RDATA** (flags, tag length, tag,
//! value: RFC 8659 §4.1), because the presentation text the DNS probe keeps
//! is not faithful for CAA (hickory writes the value between quotes without
//! escaping them). [`wire_rdata`] builds RDATA from hickory's parsed
//! `CAA` parts; [`parse_presentation`] reads zone-file text for tests and
//! tools. At most [`MAX_RECORDS`] records are read.
//!
//! **Why our own parser.** hickory-proto decodes the record but reads the
//! `issue` value leniently and drops what it cannot read; a report must say
//! which byte of which record is wrong, after the RFC 8659 §4.2 grammar.

use std::fmt;

use indaba_model::catalogue::ids;
use indaba_model::{Arg, DomainName, Evidence, Finding, Message, Status, ToMessage, msg};

use crate::headers::shown;

/// Most records read from one set, as internet.nl does.
pub const MAX_RECORDS: usize = 100;

/// The Issuer Critical flag (RFC 8659 §4.1).
const CRITICAL: u8 = 0x80;

/// A parsed `issue`, `issuewild`, `issuemail` or `issuevmc` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueValue {
    /// The CA's domain; `None` (an empty value or just `;`) allows no CA.
    pub issuer: Option<String>,
    /// `name=value` parameters in order (RFC 8657: `accounturi`,
    /// `validationmethods`; CAs define others).
    pub parameters: Vec<(String, String)>,
}

impl fmt::Display for IssueValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.issuer {
            Some(i) => f.write_str(i)?,
            None if self.parameters.is_empty() => return f.write_str(";"),
            None => {}
        }
        for (k, v) in &self.parameters {
            write!(f, "; {k}={v}")?;
        }
        Ok(())
    }
}

/// What a record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    /// `issue`: who may issue certificates.
    Issue(IssueValue),
    /// `issuewild`: who may issue wildcard certificates.
    IssueWild(IssueValue),
    /// `iodef`: where CAs report refused requests.
    Iodef(String),
    /// `issuemail` (RFC 9495) or `issuevmc` (BIMI): issue-like values.
    OtherIssue(IssueValue),
    /// `contactemail` or `contactphone` (CA/Browser Forum): a contact for
    /// domain validation.
    Contact(String),
    /// A tag this check does not know.
    Unknown,
}

/// One valid CAA record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaaRecord {
    /// The flags octet (bit 0x80: Issuer Critical; the others reserved).
    pub flags: u8,
    /// The tag as written (compared case-insensitively).
    pub tag: String,
    /// The value bytes as written.
    pub value: Vec<u8>,
    /// The value, read according to the tag.
    pub property: Property,
}

impl CaaRecord {
    /// Whether the Issuer Critical flag is set.
    pub fn critical(&self) -> bool {
        self.flags & CRITICAL != 0
    }

    /// The record as wire-format RDATA.
    pub fn to_rdata(&self) -> Vec<u8> {
        wire_rdata(self.flags, self.tag.as_bytes(), &self.value)
    }

    /// What the record means, for people.
    pub fn meaning(&self) -> Message {
        let meaning = self.property_meaning();
        if self.flags & !CRITICAL != 0 {
            msg!("caa-reserved-flags", meaning = meaning)
        } else {
            meaning
        }
    }

    fn property_meaning(&self) -> Message {
        let params =
            |v: &IssueValue| Arg::list(v.parameters.iter().map(|(k, v)| format!("{k}={v}")));
        let ca = |v: &IssueValue| -> Arg {
            match &v.issuer {
                Some(ca) => Arg::from(ca.as_str()),
                None => Arg::Msg(msg!("caa-no-ca")),
            }
        };
        match &self.property {
            Property::Issue(v) => match &v.issuer {
                Some(ca) if v.parameters.is_empty() => msg!("caa-issue", ca = ca.as_str()),
                Some(ca) => msg!("caa-issue-params", ca = ca.as_str(), params = params(v)),
                None => msg!("caa-issue-none"),
            },
            Property::IssueWild(v) => match &v.issuer {
                Some(ca) if v.parameters.is_empty() => msg!("caa-issuewild", ca = ca.as_str()),
                Some(ca) => msg!("caa-issuewild-params", ca = ca.as_str(), params = params(v)),
                None => msg!("caa-issuewild-none"),
            },
            Property::Iodef(url) => msg!("caa-iodef", url = url.as_str()),
            Property::OtherIssue(v) => msg!(
                "caa-other-issue",
                ca = ca(v),
                kind = if self.tag.eq_ignore_ascii_case("issuemail") {
                    "issuemail"
                } else {
                    "issuevmc"
                }
            ),
            Property::Contact(c) => msg!("caa-contact", contact = c.as_str()),
            Property::Unknown if self.critical() => {
                msg!("caa-unknown-critical", tag = self.tag.as_str())
            }
            Property::Unknown => msg!("caa-unknown", tag = self.tag.as_str()),
        }
    }
}

/// Presentation format: `flags tag "value"`, the value escaped as a DNS
/// character-string.
impl fmt::Display for CaaRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} \"", self.flags, self.tag)?;
        for &b in &self.value {
            match b {
                b'"' | b'\\' => write!(f, "\\{}", b as char)?,
                0x20..=0x7e => write!(f, "{}", b as char)?,
                _ => write!(f, "\\{b:03}")?,
            }
        }
        f.write_str("\"")
    }
}

/// Why a CAA record is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaaError {
    /// Fewer bytes than the flags and the tag length.
    #[error("the record is truncated: {len} bytes, fewer than the flags and tag length")]
    TooShort {
        /// The RDATA's length.
        len: usize,
    },
    /// Fewer bytes than the tag length announces.
    #[error(
        "the record is truncated: the tag length is {announced} but only {available} bytes follow"
    )]
    TagCut {
        /// The tag length announced.
        announced: u8,
        /// The bytes after the length.
        available: usize,
    },
    /// Tag length 0.
    #[error("the tag is empty; RFC 8659 §4.1 requires at least one character")]
    EmptyTag,
    /// A tag with characters other than letters and digits.
    #[error("the tag {0:?} may contain only letters and digits (RFC 8659 §4.1)")]
    BadTag(String),
    /// An `issue`-like value that does not follow RFC 8659 §4.2.
    #[error("{tag} \"{value}\": {reason} (RFC 8659 §4.2)")]
    BadIssueValue {
        /// The tag.
        tag: String,
        /// The value, shown.
        value: String,
        /// Why.
        reason: IssueError,
    },
    /// An `iodef` URL that is not `mailto:` or `https:`.
    #[error("iodef \"{value}\": {reason}")]
    BadIodef {
        /// The value, shown.
        value: String,
        /// Why.
        reason: IodefError,
    },
    /// Presentation text that cannot be read.
    #[error("{0:?} is not CAA presentation text (flags tag \"value\")")]
    Presentation(String),
}

/// Why an `issue`-like value does not follow RFC 8659 §4.2 (or RFC 8657).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// Bytes outside ASCII.
    #[error("the value must be ASCII")]
    NotAscii,
    /// The issuer is not a domain name.
    #[error("{0:?} is not a domain name (letters, digits and inner hyphens, dot-separated)")]
    BadDomain(String),
    /// Something other than `;` after the issuer.
    #[error("unexpected {0:?}; the issuer domain is followed by \";\" and parameters")]
    AfterIssuer(char),
    /// Not a `name=value` parameter.
    #[error("expected a parameter name=value at {0:?}")]
    ExpectedParameter(String),
    /// A parameter without `=value`.
    #[error("the parameter {0} has no \"=value\"")]
    NoValue(String),
    /// A `;` after the last parameter.
    #[error("a \";\" after the last parameter is not allowed")]
    TrailingSemicolon,
    /// Something unexpected after a parameter.
    #[error("unexpected {found:?} after {parameter}")]
    AfterParameter {
        /// The character.
        found: char,
        /// The parameter before it, `name=value`.
        parameter: String,
    },
    /// `accounturi` is not a URI (RFC 8657 §3).
    #[error("accounturi={value} is not a URI ({detail}; RFC 8657 §3)")]
    AccountUri {
        /// The value.
        value: String,
        /// The URI parser's complaint.
        detail: String,
    },
    /// `validationmethods` is not a list of method names (RFC 8657 §4).
    #[error(
        "validationmethods={0} must be a comma-separated list of method names such as dns-01,http-01 (RFC 8657 §4)"
    )]
    ValidationMethods(String),
}

/// Why an `iodef` value is refused (RFC 8659 §4.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IodefError {
    /// Not a URL at all.
    #[error("not a URL ({0})")]
    NotUrl(String),
    /// `http:` (reports would be readable in transit).
    #[error("plain http; use https: or mailto: so reports are not readable in transit")]
    PlainHttp,
    /// Another scheme.
    #[error("the URL must be mailto: or https: (RFC 8659 §4.4)")]
    Scheme,
}

impl ToMessage for CaaError {
    fn to_message(&self) -> Message {
        match self {
            CaaError::TooShort { len } => msg!("caa-error-too-short", len = *len),
            CaaError::TagCut {
                announced,
                available,
            } => msg!(
                "caa-error-tag-cut",
                announced = *announced,
                available = *available
            ),
            CaaError::EmptyTag => msg!("caa-error-empty-tag"),
            CaaError::BadTag(tag) => msg!("caa-error-bad-tag", tag = tag.as_str()),
            CaaError::BadIssueValue { tag, value, reason } => msg!(
                "caa-error-issue-value",
                tag = tag.as_str(),
                value = value.as_str(),
                reason = reason.to_message()
            ),
            CaaError::BadIodef { value, reason } => msg!(
                "caa-error-iodef",
                value = value.as_str(),
                reason = reason.to_message()
            ),
            CaaError::Presentation(text) => msg!("caa-error-presentation", text = text.as_str()),
        }
    }
}

impl ToMessage for IssueError {
    fn to_message(&self) -> Message {
        match self {
            IssueError::NotAscii => msg!("caa-issue-not-ascii"),
            IssueError::BadDomain(d) => msg!("caa-issue-bad-domain", domain = d.as_str()),
            IssueError::AfterIssuer(c) => msg!("caa-issue-after-issuer", found = c.to_string()),
            IssueError::ExpectedParameter(at) => {
                msg!("caa-issue-expected-parameter", at = at.as_str())
            }
            IssueError::NoValue(p) => msg!("caa-issue-no-value", parameter = p.as_str()),
            IssueError::TrailingSemicolon => msg!("caa-issue-trailing-semicolon"),
            IssueError::AfterParameter { found, parameter } => msg!(
                "caa-issue-after-parameter",
                found = found.to_string(),
                parameter = parameter.as_str()
            ),
            IssueError::AccountUri { value, detail } => msg!(
                "caa-issue-account-uri",
                value = value.as_str(),
                detail = detail.as_str()
            ),
            IssueError::ValidationMethods(v) => {
                msg!("caa-issue-validation-methods", value = v.as_str())
            }
        }
    }
}

impl ToMessage for IodefError {
    fn to_message(&self) -> Message {
        match self {
            IodefError::NotUrl(detail) => msg!("caa-iodef-not-url", detail = detail.as_str()),
            IodefError::PlainHttp => msg!("caa-iodef-http"),
            IodefError::Scheme => msg!("caa-iodef-scheme"),
        }
    }
}

/// Wire-format RDATA from parts (for hickory's `CAA`: `flags()`,
/// `tag.as_bytes()`, `value`). A tag longer than 255 bytes is cut, which
/// makes it invalid anyway.
pub fn wire_rdata(flags: u8, tag: &[u8], value: &[u8]) -> Vec<u8> {
    let tag = &tag[..tag.len().min(255)];
    let mut out = Vec::with_capacity(2 + tag.len() + value.len());
    out.push(flags);
    out.push(tag.len() as u8);
    out.extend_from_slice(tag);
    out.extend_from_slice(value);
    out
}

fn is_label(s: &str) -> bool {
    // (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT) ): starts and ends with a
    // letter or digit, hyphens only inside.
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Parses an `issue` / `issuewild` value after RFC 8659 §4.2, with the
/// RFC 8657 parameters checked.
pub fn parse_issue_value(value: &[u8]) -> Result<IssueValue, IssueError> {
    if !value.is_ascii() {
        return Err(IssueError::NotAscii);
    }
    let s = String::from_utf8_lossy(value);
    let b = s.as_bytes();
    let mut i = 0;
    let skip = |mut i: usize| {
        while b.get(i).copied().is_some_and(is_wsp) {
            i += 1;
        }
        i
    };
    let run = |mut i: usize, ok: &dyn Fn(u8) -> bool| {
        let start = i;
        while b.get(i).copied().is_some_and(ok) {
            i += 1;
        }
        (start, i)
    };
    i = skip(i);
    let (start, end) = run(i, &|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.');
    let issuer = if end > start {
        let domain = &s[start..end];
        if !domain.split('.').all(is_label) {
            return Err(IssueError::BadDomain(domain.to_string()));
        }
        i = skip(end);
        Some(domain.to_ascii_lowercase())
    } else {
        None
    };
    let mut parameters = Vec::new();
    if let Some(&c) = b.get(i) {
        if c != b';' {
            return Err(IssueError::AfterIssuer(c as char));
        }
        i = skip(i + 1);
        while i < b.len() {
            let (ts, te) = run(i, &|c| c.is_ascii_alphanumeric() || c == b'-');
            let tag = &s[ts..te];
            if !is_label(tag) {
                return Err(IssueError::ExpectedParameter(
                    s[i..].chars().take(20).collect::<String>(),
                ));
            }
            i = skip(te);
            if b.get(i) != Some(&b'=') {
                return Err(IssueError::NoValue(tag.to_string()));
            }
            i = skip(i + 1);
            let (vs, ve) = run(i, &|c| (0x21..=0x7e).contains(&c) && c != b';');
            let val = &s[vs..ve];
            check_parameter(tag, val)?;
            parameters.push((tag.to_string(), val.to_string()));
            i = skip(ve);
            match b.get(i) {
                None => break,
                Some(b';') => {
                    i = skip(i + 1);
                    if i >= b.len() {
                        return Err(IssueError::TrailingSemicolon);
                    }
                }
                Some(&c) => {
                    return Err(IssueError::AfterParameter {
                        found: c as char,
                        parameter: format!("{tag}={val}"),
                    });
                }
            }
        }
    }
    Ok(IssueValue { issuer, parameters })
}

/// The RFC 8657 parameters.
fn check_parameter(tag: &str, value: &str) -> Result<(), IssueError> {
    match tag.to_ascii_lowercase().as_str() {
        "accounturi" => {
            fluent_uri::Uri::parse(value)
                .map(|_| ())
                .map_err(|e| IssueError::AccountUri {
                    value: value.to_string(),
                    detail: e.to_string(),
                })
        }
        "validationmethods" => {
            if value.split(',').all(is_label) {
                Ok(())
            } else {
                Err(IssueError::ValidationMethods(value.to_string()))
            }
        }
        _ => Ok(()),
    }
}

/// Parses a record from its parts.
pub fn from_parts(flags: u8, tag: &[u8], value: &[u8]) -> Result<CaaRecord, CaaError> {
    if tag.is_empty() {
        return Err(CaaError::EmptyTag);
    }
    if !tag.iter().all(u8::is_ascii_alphanumeric) {
        return Err(CaaError::BadTag(shown(tag, 40)));
    }
    let tag = String::from_utf8_lossy(tag).into_owned();
    let lower = tag.to_ascii_lowercase();
    let issue = |value: &[u8]| {
        parse_issue_value(value).map_err(|reason| CaaError::BadIssueValue {
            tag: tag.clone(),
            value: shown(value, 100),
            reason,
        })
    };
    let property = match lower.as_str() {
        "issue" => Property::Issue(issue(value)?),
        "issuewild" => Property::IssueWild(issue(value)?),
        "issuemail" | "issuevmc" => Property::OtherIssue(issue(value)?),
        "iodef" => {
            let text = String::from_utf8_lossy(value);
            let bad = |reason: IodefError| CaaError::BadIodef {
                value: shown(value, 100),
                reason,
            };
            let uri = fluent_uri::Uri::parse(text.as_ref())
                .map_err(|e| bad(IodefError::NotUrl(e.to_string())))?;
            match uri.scheme().as_str().to_ascii_lowercase().as_str() {
                "mailto" | "https" => Property::Iodef(text.to_string()),
                "http" => return Err(bad(IodefError::PlainHttp)),
                _ => return Err(bad(IodefError::Scheme)),
            }
        }
        "contactemail" | "contactphone" => {
            Property::Contact(String::from_utf8_lossy(value).into_owned())
        }
        _ => Property::Unknown,
    };
    Ok(CaaRecord {
        flags,
        tag,
        value: value.to_vec(),
        property,
    })
}

/// Parses wire-format RDATA (RFC 8659 §4.1).
pub fn parse_rdata(rdata: &[u8]) -> Result<CaaRecord, CaaError> {
    let (Some(&flags), Some(&len)) = (rdata.first(), rdata.get(1)) else {
        return Err(CaaError::TooShort { len: rdata.len() });
    };
    let tag_end = 2 + usize::from(len);
    let tag = rdata.get(2..tag_end).ok_or(CaaError::TagCut {
        announced: len,
        available: rdata.len() - 2,
    })?;
    from_parts(flags, tag, rdata.get(tag_end..).unwrap_or_default())
}

/// Reads presentation text: `flags tag value`, the value a quoted or
/// unquoted DNS character-string (`\X` and `\DDD` escapes).
pub fn parse_presentation(text: &str) -> Result<CaaRecord, CaaError> {
    let bad = || CaaError::Presentation(text.chars().take(80).collect());
    let text = text.trim();
    let (flags, rest) = text.split_once([' ', '\t']).ok_or_else(bad)?;
    let flags: u8 = flags.parse().map_err(|_| bad())?;
    let rest = rest.trim_start();
    let (tag, value) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    let value = value.trim_start();
    let bytes = value.as_bytes();
    let (quoted, inner) = match bytes.first() {
        Some(b'"') => (true, bytes.get(1..).unwrap_or_default()),
        _ => (false, bytes),
    };
    let mut out = Vec::new();
    let mut i = 0;
    let mut closed = !quoted;
    while let Some(&c) = inner.get(i) {
        match c {
            b'\\' => {
                let digits = inner
                    .get(i + 1..i + 4)
                    .filter(|d| d.iter().all(u8::is_ascii_digit));
                if let Some(d) = digits {
                    let n = d.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'));
                    out.push(u8::try_from(n).map_err(|_| bad())?);
                    i += 4;
                } else {
                    out.push(*inner.get(i + 1).ok_or_else(bad)?);
                    i += 2;
                }
            }
            b'"' if quoted => {
                closed = true;
                if !inner[i + 1..].iter().all(|&c| is_wsp(c)) {
                    return Err(bad());
                }
                break;
            }
            b' ' | b'\t' if !quoted => {
                if !inner[i..].iter().all(|&c| is_wsp(c)) {
                    return Err(bad());
                }
                break;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if !closed {
        return Err(bad());
    }
    from_parts(flags, tag.as_bytes(), &out)
}

/// The names whose CAA sets a CA consults for `domain`, closest first:
/// the domain and each parent up to the top-level domain (RFC 8659 §3).
pub fn search_names(domain: &DomainName) -> Vec<DomainName> {
    let mut names = vec![domain.clone()];
    while let Some(parent) = names.last().and_then(DomainName::parent) {
        names.push(parent);
    }
    names
}

/// The relevant record set: the first non-empty one of `sets`, which are
/// given in [`search_names`] order.
pub fn relevant(sets: &[(DomainName, Vec<Vec<u8>>)]) -> Option<&(DomainName, Vec<Vec<u8>>)> {
    sets.iter().find(|(_, records)| !records.is_empty())
}

/// What the CAA lookups found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaaLookup {
    /// The relevant set: the name it was found at and its RDATA.
    Found {
        /// The name holding the records (the domain or a parent).
        name: DomainName,
        /// Wire-format RDATA of each record.
        records: Vec<Vec<u8>>,
    },
    /// No name from the domain up to its top-level domain has CAA records.
    NotFound,
    /// A lookup failed (SERVFAIL, timeout…): why, as the lookup said it.
    /// A CA must then refuse.
    Failed(String),
}

/// `web.caa`: CAA records apply to the domain, are all valid, and include
/// at least one `issue` record.
pub fn finding(domain: &DomainName, lookup: &CaaLookup) -> Finding {
    let id = ids::WEB_CAA;
    let advice_label = || msg!("caa-label-advice");
    let (name, records) = match lookup {
        CaaLookup::Failed(reason) => {
            return Finding::new(
                id,
                Status::Error,
                msg!("caa-failed", reason = reason.as_str()),
            );
        }
        CaaLookup::Found { name, records } if !records.is_empty() => (name, records),
        _ => {
            return Finding::new(id, Status::Warning, msg!("caa-none", domain = domain))
                .with(
                    msg!("caa-label-searched"),
                    msg!(
                        "caa-searched",
                        names = Arg::list(search_names(domain).iter().map(DomainName::as_str))
                    ),
                )
                .with(advice_label(), msg!("caa-advice-publish", domain = domain));
        }
    };
    let mut evidence = Vec::new();
    if name != domain {
        evidence.push(Evidence::new(
            msg!("caa-label-found-at"),
            msg!("caa-found-at", name = name, domain = domain),
        ));
    }
    if records.len() > MAX_RECORDS {
        evidence.push(Evidence::new(
            msg!("caa-label-records"),
            msg!("caa-too-many", count = records.len(), max = MAX_RECORDS),
        ));
    }
    let mut errors = 0usize;
    let mut issuers: Vec<Arg> = Vec::new();
    let mut has_issue = false;
    let mut has_wild = false;
    let mut critical_unknown: Vec<String> = Vec::new();
    for rdata in records.iter().take(MAX_RECORDS) {
        match parse_rdata(rdata) {
            Ok(record) => {
                match &record.property {
                    Property::Issue(v) => {
                        has_issue = true;
                        let issuer = match &v.issuer {
                            Some(ca) => Arg::from(ca.as_str()),
                            None => Arg::Msg(msg!("caa-no-ca")),
                        };
                        if !issuers.contains(&issuer) {
                            issuers.push(issuer);
                        }
                    }
                    Property::IssueWild(_) => has_wild = true,
                    Property::Unknown if record.critical() => {
                        critical_unknown.push(record.tag.clone());
                    }
                    _ => {}
                }
                evidence.push(Evidence::new(
                    format!("{name} CAA {record}"),
                    record.meaning(),
                ));
            }
            Err(e) => {
                errors += 1;
                evidence.push(Evidence::new(
                    format!("{name} CAA {}", shown(rdata, 120)),
                    msg!("caa-invalid", why = e.to_message()),
                ));
            }
        }
    }
    let tags = || Arg::list(critical_unknown.iter().map(String::as_str));
    let (status, summary) = if errors > 0 {
        (
            Status::Warning,
            msg!("caa-invalid-records", count = errors, name = name),
        )
    } else if !critical_unknown.is_empty() {
        (
            Status::Warning,
            msg!("caa-critical-unknown", name = name, tags = tags()),
        )
    } else if !has_issue {
        if has_wild {
            evidence.push(Evidence::new(
                msg!("caa-label-issue"),
                msg!("caa-issuewild-only"),
            ));
        }
        (Status::Warning, msg!("caa-no-issue", name = name))
    } else {
        (
            Status::Pass,
            msg!("caa-pass", name = name, issuers = Arg::List(issuers)),
        )
    };
    let fix = if errors > 0 {
        Some(msg!("caa-fix-invalid"))
    } else if !critical_unknown.is_empty() {
        Some(msg!("caa-fix-critical", tags = tags()))
    } else if !has_issue {
        Some(msg!("caa-fix-add-issue", name = name))
    } else {
        None
    };
    Finding::new(id, status, summary)
        .with_all(evidence)
        .with_all(fix.map(|f| Evidence::new(advice_label(), f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    fn rec(text: &str) -> Result<CaaRecord, CaaError> {
        parse_presentation(text)
    }

    #[test]
    fn issue_values() {
        let v = parse_issue_value(b"letsencrypt.org").unwrap();
        assert_eq!(v.issuer.as_deref(), Some("letsencrypt.org"));
        let v = parse_issue_value(b" ca.example ; accounturi=https://ca.example/acct/1 ;validationmethods=dns-01,http-01 ").unwrap();
        assert_eq!(v.parameters.len(), 2);
        assert_eq!(
            parse_issue_value(b";").unwrap(),
            IssueValue {
                issuer: None,
                parameters: vec![]
            }
        );
        assert_eq!(parse_issue_value(b"").unwrap().issuer, None);
        assert!(parse_issue_value(b"; policy=ev").unwrap().issuer.is_none());
        for bad in [
            "ca..example",
            "-ca.example",
            "ca.example policy=ev",
            "ca.example; policy",
            "ca.example; policy=ev;",
            "ca.example; policy=a b",
            "ca.example; validationmethods=dns-01,,http-01",
            "ca.example; accounturi=not a uri",
            "ca.exa_mple",
            "ca.\u{e9}xample",
        ] {
            assert!(parse_issue_value(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn records() {
        let r = rec("0 issue \"letsencrypt.org\"").unwrap();
        assert!(matches!(r.property, Property::Issue(_)));
        assert!(!r.critical());
        let r = rec("128 ISSUEWILD \";\"").unwrap();
        assert!(r.critical());
        assert!(matches!(
            r.property,
            Property::IssueWild(IssueValue { issuer: None, .. })
        ));
        assert!(matches!(
            rec("0 iodef \"mailto:sec@example.com\"").unwrap().property,
            Property::Iodef(_)
        ));
        assert!(matches!(
            rec("0 iodef \"http://example.com/r\""),
            Err(CaaError::BadIodef { .. })
        ));
        assert!(matches!(
            rec("0 iodef \"ftp://example.com/r\""),
            Err(CaaError::BadIodef { .. })
        ));
        assert!(matches!(
            rec("0 tbs \"x\"").unwrap().property,
            Property::Unknown
        ));
        assert!(matches!(rec("0 is-sue \"x\""), Err(CaaError::BadTag(_))));
        assert!(matches!(
            rec("0 issue \"x y\""),
            Err(CaaError::BadIssueValue { .. })
        ));
        assert!(matches!(
            rec("0 issue letsencrypt.org").unwrap().property,
            Property::Issue(_)
        ));
        assert!(matches!(
            rec("256 issue \"x\""),
            Err(CaaError::Presentation(_))
        ));
        assert!(matches!(rec("0 issue \"x"), Err(CaaError::Presentation(_))));
        assert_eq!(
            rec("0 contactemail \"a\\\"b\\092\"").unwrap().value,
            b"a\"b\\".to_vec()
        );
        assert_eq!(parse_rdata(&[0]), Err(CaaError::TooShort { len: 1 }));
        assert_eq!(
            parse_rdata(&[0, 5, b'i']),
            Err(CaaError::TagCut {
                announced: 5,
                available: 1
            })
        );
        assert_eq!(parse_rdata(&[0, 0]), Err(CaaError::EmptyTag));
        assert_eq!(
            parse_rdata(&wire_rdata(0, b"issue", b"ca.example")).unwrap(),
            rec("0 issue ca.example").unwrap()
        );
    }

    #[test]
    fn climbing() {
        let names = search_names(&name("www.shop.example.co.uk"));
        let texts: Vec<&str> = names.iter().map(DomainName::as_str).collect();
        assert_eq!(
            texts,
            [
                "www.shop.example.co.uk",
                "shop.example.co.uk",
                "example.co.uk",
                "co.uk",
                "uk"
            ]
        );
        let sets = vec![
            (name("www.example.com"), vec![]),
            (
                name("example.com"),
                vec![wire_rdata(0, b"issue", b"ca.example")],
            ),
            (name("com"), vec![wire_rdata(0, b"issue", b";")]),
        ];
        assert_eq!(
            relevant(&sets).map(|(n, _)| n.as_str()),
            Some("example.com")
        );
    }

    fn found(at: &str, records: &[&str]) -> CaaLookup {
        CaaLookup::Found {
            name: name(at),
            records: records
                .iter()
                .map(|r| {
                    rec(r)
                        .map(|r| r.to_rdata())
                        .unwrap_or_else(|_| r.as_bytes().to_vec())
                })
                .collect(),
        }
    }

    #[test]
    fn findings() {
        let d = name("www.example.com");
        let f = finding(
            &d,
            &found(
                "example.com",
                &[
                    "0 issue \"letsencrypt.org\"",
                    "0 iodef \"mailto:s@example.com\"",
                ],
            ),
        );
        assert_eq!(f.status, Status::Pass, "{f:?}");
        assert_eq!(f.message.id, "caa-pass");
        assert_eq!(
            crate::english(&f),
            "CAA records on example.com limit who may issue certificates: letsencrypt.org."
        );
        let found_at = evidence_with(&f, "caa-found-at");
        assert_eq!(
            found_at.get("name"),
            Some(&Arg::from("example.com")),
            "{found_at:?}"
        );
        assert!(
            crate::english_evidence(&f).contains("letsencrypt.org may issue certificates"),
            "{}",
            crate::english_evidence(&f)
        );
        assert_eq!(finding(&d, &CaaLookup::NotFound).status, Status::Warning);
        assert_eq!(
            finding(&d, &found("example.com", &[])).status,
            Status::Warning
        );
        assert_eq!(
            finding(&d, &CaaLookup::Failed("SERVFAIL".into())).status,
            Status::Error
        );
        let f = finding(
            &d,
            &found("example.com", &["0 issuewild \"letsencrypt.org\""]),
        );
        assert_eq!(f.status, Status::Warning);
        assert!(crate::english(&f).contains("no issue record"));
        let f = finding(
            &d,
            &found(
                "example.com",
                &["0 issue \"letsencrypt.org\"", "128 tbs \"x\""],
            ),
        );
        assert_eq!(f.status, Status::Warning);
        assert!(crate::english(&f).contains("must not issue"));
        let f = finding(
            &d,
            &found(
                "example.com",
                &["0 issue \"letsencrypt.org\"", "0 tbs \"x\""],
            ),
        );
        assert_eq!(f.status, Status::Pass);
        let f = finding(
            &d,
            &found(
                "example.com",
                &["0 issue \"letsencrypt.org\"", "0 issue \"bad value!\""],
            ),
        );
        assert_eq!(f.status, Status::Warning);
        // More than 100 records: the rest are not read.
        let mut many = vec!["0 issue \"letsencrypt.org\""; 100];
        many.push("0 issue \"bad value!\"");
        let f = finding(&d, &found("example.com", &many));
        assert_eq!(f.status, Status::Pass);
        let cap = evidence_with(&f, "caa-too-many");
        assert_eq!(cap.get("count"), Some(&Arg::Num(101)));
        assert!(crate::english_evidence(&f).contains("101 records; only the first 100 were read"));
    }

    /// The detail message of the evidence whose detail has `id`.
    fn evidence_with<'a>(f: &'a Finding, id: &str) -> &'a Message {
        f.evidence
            .iter()
            .find_map(|e| e.detail_message.as_ref().filter(|m| m.id == id))
            .unwrap_or_else(|| panic!("no evidence {id} in {f:?}"))
    }

    #[test]
    fn invalid_records_say_why_in_words() {
        let d = name("example.com");
        let f = finding(
            &d,
            &CaaLookup::Found {
                name: name("example.com"),
                records: vec![
                    wire_rdata(0, b"issue", b"ca.example; policy"),
                    wire_rdata(0, b"iodef", b"http://x.example/"),
                ],
            },
        );
        assert_eq!(f.status, Status::Warning);
        assert_eq!(f.message.id, "caa-invalid-records");
        assert_eq!(f.message.get("count"), Some(&Arg::Num(2)));
        let text = crate::english_evidence(&f);
        assert!(
            text.contains("invalid: issue \"ca.example; policy\": the parameter policy has no \"=value\" (RFC 8659 §4.2)"),
            "{text}"
        );
        assert!(
            text.contains("iodef \"http://x.example/\": plain http"),
            "{text}"
        );
        assert!(
            text.contains("advice: fix or remove the invalid records listed above"),
            "{text}"
        );
        let e = parse_rdata(&[0, 0]).unwrap_err().to_message();
        assert_eq!(e.id, "caa-error-empty-tag");
        let not_found = finding(&d, &CaaLookup::NotFound);
        assert_eq!(
            crate::english(&not_found),
            "No CAA records for example.com or its parent domains: every CA may issue certificates for it."
        );
        assert!(crate::english_evidence(&not_found).contains("searched: example.com, com"));
        let failed = finding(
            &d,
            &CaaLookup::Failed("the resolver answered SERVFAIL".into()),
        );
        assert_eq!(failed.message.id, "caa-failed");
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300), text in "\\PC{0,80}") {
            let _ = parse_rdata(&bytes);
            let _ = parse_issue_value(&bytes);
            let _ = parse_presentation(&text);
            let d = name("example.com");
            let _ = finding(&d, &CaaLookup::Found { name: d.clone(), records: vec![bytes] });
        }

        #[test]
        fn never_panics_on_issue_like_input(s in "[ a-z0-9.;=,/:-]{0,60}") {
            let _ = parse_issue_value(s.as_bytes());
            let _ = parse_presentation(&format!("0 issue \"{s}\""));
        }

        #[test]
        fn round_trips(flags in any::<u8>(), tag in "[a-zA-Z0-9]{1,15}", value in proptest::collection::vec(any::<u8>(), 0..60)) {
            if let Ok(record) = from_parts(flags, tag.as_bytes(), &value) {
                prop_assert_eq!(parse_rdata(&record.to_rdata()), Ok(record.clone()));
                prop_assert_eq!(parse_presentation(&record.to_string()), Ok(record));
            }
        }

        #[test]
        fn issue_round_trip(issuer in proptest::option::of("[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){0,2}"),
                            params in proptest::collection::vec(("[a-z][a-z0-9]{0,8}", "[!-:<-~]{0,10}"), 0..3)) {
            let params: Vec<(String, String)> = params.into_iter()
                .filter(|(k, _)| k != "accounturi" && k != "validationmethods").collect();
            let v = IssueValue { issuer, parameters: params };
            prop_assert_eq!(parse_issue_value(v.to_string().as_bytes()), Ok(v));
        }
    }
}
