//! HTTP Strict Transport Security (RFC 6797): the `Strict-Transport-Security`
//! header and the `web.https.hsts` finding.
//!
//! The engine fetches `https://<domain>/` on every web server address
//! without following redirects and hands over, per address, the values of
//! the `Strict-Transport-Security` fields in the order received
//! ([`AddressHsts`]). Only the first field counts (RFC 6797 §8.1).
//!
//! The parser is our own: the HTTP crates do not parse this header, and the
//! ones that do (for clients that *enforce* HSTS) are lenient where §6.1 is
//! strict — a header with a duplicate directive, a valued
//! `includeSubDomains` or stray text must be ignored as a whole, and a
//! website owner needs to be told exactly which byte made it so. It works on
//! bytes because header values need not be UTF-8 (a quoted-string may carry
//! obs-text), runs in one pass and allocates in proportion to its input.
//!
//! The addresses combine with [`Status::worst`]: an address without HTTPS
//! makes the finding `not_tested` (what HSTS protects is missing; it earns
//! nothing), one that could not be fetched makes it `error`.

use std::fmt;

use indaba_model::catalogue::ids;
use indaba_model::tls::TlsTransport;
use indaba_model::{Arg, Evidence, Finding, Message, Status, ToMessage, msg};

use crate::headers::{ResponseHeaders, shown};

/// The least max-age that passes: one year, as internet.nl requires and the
/// HSTS preload list asks for.
pub const ONE_YEAR: u64 = 31_536_000;

/// A valid `Strict-Transport-Security` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsPolicy {
    /// Seconds the browser remembers the policy. Values too large for a
    /// `u64` are held as `u64::MAX` (every browser caps far below).
    pub max_age: u64,
    /// `includeSubDomains`: the policy covers every subdomain too.
    pub include_subdomains: bool,
    /// `preload`: the owner consents to the browsers' preload lists. Not an
    /// RFC 6797 directive; browsers ignore it, the preload list reads it.
    pub preload: bool,
    /// Directives the browser ignores (unknown names, or `preload` with a
    /// value), as written.
    pub ignored: Vec<String>,
}

impl fmt::Display for StsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "max-age={}", self.max_age)?;
        if self.include_subdomains {
            f.write_str("; includeSubDomains")?;
        }
        if self.preload {
            f.write_str("; preload")?;
        }
        Ok(())
    }
}

/// Why a `Strict-Transport-Security` header is invalid; a browser ignores
/// such a header entirely (RFC 6797 §6.1). `Display` is for logs; findings
/// use [`ToMessage`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HstsError {
    /// Bytes that do not fit the grammar.
    #[error("{reason:?} at byte {at} (RFC 6797 §6.1 grammar)")]
    Syntax {
        /// Offset of the offending byte.
        at: usize,
        /// What was wrong.
        reason: SyntaxProblem,
    },
    /// A directive given twice (names compare case-insensitively).
    #[error("the directive {0} appears more than once; RFC 6797 §6.1 allows each directive once")]
    Duplicate(String),
    /// No `max-age`.
    #[error("max-age is missing; it is required (RFC 6797 §6.1.1)")]
    MissingMaxAge,
    /// `max-age` without `=value`.
    #[error("max-age has no value; give a number of seconds, e.g. max-age=31536000")]
    MaxAgeWithoutValue,
    /// `max-age` whose value is not a number of seconds.
    #[error("max-age={0} is not a number of seconds (digits only, RFC 6797 §6.1.1)")]
    BadMaxAge(String),
    /// `includeSubDomains` with a value.
    #[error("includeSubDomains takes no value (RFC 6797 §6.1.2), but has ={0}")]
    ValueNotAllowed(String),
}

/// What does not fit the RFC 6797 §6.1 grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxProblem {
    /// A directive name was expected; this byte came.
    ExpectedName(u8),
    /// `name=` is followed by this byte, which cannot start a value.
    NotAValue {
        /// The directive.
        name: String,
        /// The byte found.
        found: u8,
    },
    /// `name=` ends the header.
    NoValue(String),
    /// `;` or the end was expected; this byte came.
    ExpectedSeparator(u8),
    /// A quoted value is not closed.
    UnclosedQuote,
    /// A backslash in a quoted value escapes nothing.
    BadEscape,
    /// This byte may not appear in a quoted value.
    InQuotedValue(u8),
}

/// A byte for people: a comma says what it probably means (several headers
/// combined into one), a printable character is shown as itself.
fn byte_message(b: u8) -> Message {
    match b {
        b',' => msg!("hsts-byte-comma"),
        0x21..=0x7e => msg!("hsts-byte-char", char = char::from(b).to_string()),
        _ => msg!("hsts-byte-hex", hex = format!("0x{b:02x}")),
    }
}

impl ToMessage for HstsError {
    fn to_message(&self) -> Message {
        match self {
            HstsError::Syntax { at, reason } => {
                let what = match reason {
                    SyntaxProblem::ExpectedName(b) => {
                        msg!("hsts-syntax-expected-name", found = byte_message(*b))
                    }
                    SyntaxProblem::NotAValue { name, found } => msg!(
                        "hsts-syntax-not-a-value",
                        name = name.as_str(),
                        found = byte_message(*found)
                    ),
                    SyntaxProblem::NoValue(name) => {
                        msg!("hsts-syntax-no-value", name = name.as_str())
                    }
                    SyntaxProblem::ExpectedSeparator(b) => {
                        msg!("hsts-syntax-expected-separator", found = byte_message(*b))
                    }
                    SyntaxProblem::UnclosedQuote => msg!("hsts-syntax-unclosed-quote"),
                    SyntaxProblem::BadEscape => msg!("hsts-syntax-bad-escape"),
                    SyntaxProblem::InQuotedValue(b) => {
                        msg!("hsts-syntax-in-quoted-value", found = byte_message(*b))
                    }
                };
                msg!("hsts-syntax", what = what, at = *at)
            }
            HstsError::Duplicate(name) => msg!("hsts-duplicate", name = name.as_str()),
            HstsError::MissingMaxAge => msg!("hsts-missing-max-age"),
            HstsError::MaxAgeWithoutValue => msg!("hsts-max-age-without-value"),
            HstsError::BadMaxAge(value) => msg!("hsts-bad-max-age", value = value.as_str()),
            HstsError::ValueNotAllowed(value) => {
                msg!("hsts-value-not-allowed", value = value.as_str())
            }
        }
    }
}

/// HTTP token characters (RFC 9110 §5.6.2).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// A directive as written: name and, if given, the value (unquoted).
struct RawDirective {
    name: String,
    value: Option<Vec<u8>>,
}

/// Splits a header value into directives after the RFC 6797 §6.1 grammar
/// (`[ directive ] *( ";" [ directive ] )`, with the implied linear white
/// space of RFC 2616).
fn directives(value: &[u8]) -> Result<Vec<RawDirective>, HstsError> {
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while value.get(i).copied().is_some_and(is_ws) {
            i += 1;
        }
        i
    };
    loop {
        i = skip_ws(i);
        let Some(&b) = value.get(i) else { break };
        if b == b';' {
            // An empty directive is allowed.
            i += 1;
            continue;
        }
        let start = i;
        while value.get(i).copied().is_some_and(is_tchar) {
            i += 1;
        }
        if i == start {
            return Err(HstsError::Syntax {
                at: i,
                reason: SyntaxProblem::ExpectedName(b),
            });
        }
        let name = String::from_utf8_lossy(&value[start..i]).into_owned();
        i = skip_ws(i);
        let mut dir_value = None;
        if value.get(i) == Some(&b'=') {
            i = skip_ws(i + 1);
            match value.get(i) {
                Some(b'"') => {
                    let (unquoted, next) = quoted_string(value, i)?;
                    dir_value = Some(unquoted);
                    i = next;
                }
                Some(_) => {
                    let vstart = i;
                    while value.get(i).copied().is_some_and(is_tchar) {
                        i += 1;
                    }
                    if i == vstart {
                        return Err(HstsError::Syntax {
                            at: i,
                            reason: SyntaxProblem::NotAValue {
                                name,
                                found: value.get(i).copied().unwrap_or_default(),
                            },
                        });
                    }
                    dir_value = Some(value[vstart..i].to_vec());
                }
                None => {
                    return Err(HstsError::Syntax {
                        at: i,
                        reason: SyntaxProblem::NoValue(name),
                    });
                }
            }
            i = skip_ws(i);
        }
        out.push(RawDirective {
            name,
            value: dir_value,
        });
        match value.get(i) {
            None => break,
            Some(b';') => i += 1,
            Some(&b) => {
                return Err(HstsError::Syntax {
                    at: i,
                    reason: SyntaxProblem::ExpectedSeparator(b),
                });
            }
        }
    }
    Ok(out)
}

/// Reads a quoted-string starting at `start` (the opening quote); returns
/// its unescaped content and the offset after the closing quote.
fn quoted_string(value: &[u8], start: usize) -> Result<(Vec<u8>, usize), HstsError> {
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        match value.get(i) {
            None => {
                return Err(HstsError::Syntax {
                    at: start,
                    reason: SyntaxProblem::UnclosedQuote,
                });
            }
            Some(b'"') => return Ok((out, i + 1)),
            Some(b'\\') => match value.get(i + 1) {
                Some(&c) if c == b'\t' || c >= 0x20 && c != 0x7f => {
                    out.push(c);
                    i += 2;
                }
                _ => {
                    return Err(HstsError::Syntax {
                        at: i,
                        reason: SyntaxProblem::BadEscape,
                    });
                }
            },
            Some(&c) if c == b'\t' || c >= 0x20 && c != 0x7f => {
                out.push(c);
                i += 1;
            }
            Some(&c) => {
                return Err(HstsError::Syntax {
                    at: i,
                    reason: SyntaxProblem::InQuotedValue(c),
                });
            }
        }
    }
}

/// Parses one `Strict-Transport-Security` header value strictly after
/// RFC 6797 §6.1.
pub fn parse(value: &[u8]) -> Result<StsPolicy, HstsError> {
    let raw = directives(value)?;
    let mut seen: Vec<String> = Vec::new();
    for d in &raw {
        let lower = d.name.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(HstsError::Duplicate(d.name.clone()));
        }
        seen.push(lower);
    }
    let mut max_age = None;
    let mut include_subdomains = false;
    let mut preload = false;
    let mut ignored = Vec::new();
    for d in raw {
        match d.name.to_ascii_lowercase().as_str() {
            "max-age" => {
                let v = d.value.ok_or(HstsError::MaxAgeWithoutValue)?;
                if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
                    return Err(HstsError::BadMaxAge(shown(&v, 40)));
                }
                // delta-seconds: any number of digits; saturate rather than
                // reject (RFC 9111 §1.2.2 caps delta-seconds the same way).
                let n = v.iter().fold(0u64, |n, &c| {
                    n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
                });
                max_age = Some(n);
            }
            "includesubdomains" => {
                if let Some(v) = d.value {
                    return Err(HstsError::ValueNotAllowed(shown(&v, 40)));
                }
                include_subdomains = true;
            }
            "preload" if d.value.is_none() => preload = true,
            _ => ignored.push(match d.value {
                Some(v) => format!("{}={}", d.name, shown(&v, 40)),
                None => d.name,
            }),
        }
    }
    Ok(StsPolicy {
        max_age: max_age.ok_or(HstsError::MissingMaxAge)?,
        include_subdomains,
        preload,
        ignored,
    })
}

/// What fetching `https://<domain>/` on one address gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HstsFetch {
    /// A response: the values of its `Strict-Transport-Security` fields in
    /// the order received (empty when there was none).
    Received(Vec<Vec<u8>>),
    /// No HTTPS on the address (refused, no TLS handshake): not tested.
    Missing(Message),
    /// No response for another reason (a timeout): an error.
    Failed(Message),
}

impl HstsFetch {
    /// The `Strict-Transport-Security` values of a response.
    pub fn from_headers(headers: &ResponseHeaders) -> Self {
        HstsFetch::Received(
            headers
                .values("strict-transport-security")
                .map(<[u8]>::to_vec)
                .collect(),
        )
    }
}

/// One web server address and what its HTTPS response said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressHsts {
    /// The address tested (`192.0.2.1`, `[2001:db8::1]:443`…).
    pub address: String,
    /// What came back.
    pub fetch: HstsFetch,
}

/// Why one address fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Missing,
    Invalid,
    Zero,
    Short,
}

/// One address's verdict and what to show for it.
struct AddressVerdict {
    status: Status,
    failure: Option<Failure>,
    notes: Vec<Message>,
}

fn judge_address(fetch: &HstsFetch) -> AddressVerdict {
    let values = match fetch {
        HstsFetch::Missing(why) | HstsFetch::Failed(why) => {
            let status = if matches!(fetch, HstsFetch::Missing(_)) {
                Status::NotTested
            } else {
                Status::Error
            };
            return AddressVerdict {
                status,
                failure: None,
                notes: vec![msg!(
                    "hsts-address-untested",
                    status = crate::tls::status_word(status),
                    reason = why.clone()
                )],
            };
        }
        HstsFetch::Received(values) => values,
    };
    let Some(first) = values.first() else {
        return AddressVerdict {
            status: Status::Fail,
            failure: Some(Failure::Missing),
            notes: vec![msg!("hsts-no-header")],
        };
    };
    let mut notes = vec![msg!("hsts-header", value = shown(first, 300))];
    if values.len() > 1 {
        notes.push(msg!(
            "hsts-several-headers",
            count = values.len(),
            others = Arg::list(values.iter().skip(1).take(5).map(|v| shown(v, 100)))
        ));
    }
    let failure = match parse(first) {
        Err(e) => {
            notes.push(msg!("hsts-invalid-ignored", error = e.to_message()));
            Some(Failure::Invalid)
        }
        Ok(policy) => {
            let failure = if policy.max_age == 0 {
                notes.push(msg!("hsts-max-age-zero"));
                Some(Failure::Zero)
            } else if policy.max_age < ONE_YEAR {
                notes.push(msg!(
                    "hsts-max-age-short",
                    seconds = policy.max_age,
                    days = days(policy.max_age)
                ));
                Some(Failure::Short)
            } else {
                notes.push(msg!(
                    "hsts-max-age-good",
                    seconds = policy.max_age,
                    days = days(policy.max_age)
                ));
                None
            };
            notes.push(msg!(
                "hsts-directives",
                subdomains = if policy.include_subdomains {
                    msg!("hsts-subdomains-covered")
                } else {
                    msg!("hsts-no")
                },
                preload = if policy.preload {
                    msg!("hsts-yes")
                } else {
                    msg!("hsts-no")
                }
            ));
            if !policy.ignored.is_empty() {
                notes.push(msg!(
                    "hsts-ignored-directives",
                    directives = Arg::list(policy.ignored.iter().map(String::as_str))
                ));
            }
            failure
        }
    };
    AddressVerdict {
        status: if failure.is_some() {
            Status::Fail
        } else {
            Status::Pass
        },
        failure,
        notes,
    }
}

/// A number of seconds in days, for people ("about 182 days").
fn days(seconds: u64) -> Message {
    let whole = seconds / 86_400;
    if seconds.is_multiple_of(86_400) {
        msg!("hsts-days", days = whole)
    } else {
        msg!("hsts-about-days", days = whole)
    }
}

/// `web.https.hsts`: every web server address sends a valid
/// `Strict-Transport-Security` header with a max-age of at least one year.
///
/// A shorter max-age fails with partial credit (when every failing address
/// fails only so); a missing or invalid header, or `max-age=0` (which
/// switches HSTS off), fails without. The addresses combine with
/// [`Status::worst`]: one without HTTPS makes the finding `not_tested`, one
/// that could not be fetched `error`, unless another fails.
pub fn finding(addresses: &[AddressHsts]) -> Finding {
    let id = ids::WEB_HTTPS_HSTS;
    let verdicts: Vec<(&AddressHsts, AddressVerdict)> = addresses
        .iter()
        .map(|a| (a, judge_address(&a.fetch)))
        .collect();
    let Some(status) = Status::worst(verdicts.iter().map(|(_, v)| v.status)) else {
        return Finding::new(id, Status::NotTested, msg!("web-no-address"));
    };
    let failures: Vec<Failure> = verdicts.iter().filter_map(|(_, v)| v.failure).collect();
    let several = addresses.len() > 1;
    let summary = match status {
        Status::Pass => msg!("hsts-pass"),
        Status::Fail => {
            let kind = match failures.first() {
                Some(Failure::Missing) | None => "missing",
                Some(Failure::Invalid) => "invalid",
                Some(Failure::Zero) => "zero",
                Some(Failure::Short) => "short",
            };
            let who = if several {
                msg!("hsts-who-some")
            } else {
                msg!("hsts-who-one")
            };
            msg!("hsts-fail", kind = kind, who = who)
        }
        Status::NotTested => crate::tls::not_tested_summary(
            TlsTransport::Direct,
            verdicts
                .iter()
                .filter(|(_, v)| v.status == Status::NotTested)
                .count(),
            addresses.len(),
        ),
        _ => msg!("hsts-error"),
    };
    let partial = status == Status::Fail && failures.iter().all(|f| *f == Failure::Short);
    let evidence = verdicts.into_iter().flat_map(|(a, v)| {
        v.notes
            .into_iter()
            .map(|n| Evidence::new(&a.address, n))
            .collect::<Vec<_>>()
    });
    let finding = Finding::new(id, status, summary).with_all(evidence);
    if partial {
        finding.partially()
    } else {
        finding
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Result<StsPolicy, HstsError> {
        parse(s.as_bytes())
    }

    #[test]
    fn parses_the_rfc_examples() {
        let policy = p("max-age=31536000").unwrap();
        assert_eq!(policy.max_age, 31_536_000);
        assert!(!policy.include_subdomains);
        let policy = p("max-age=15768000 ; includeSubDomains").unwrap();
        assert!(policy.include_subdomains);
        assert_eq!(policy.max_age, 15_768_000);
    }

    #[test]
    fn names_are_case_insensitive_and_values_may_be_quoted() {
        let policy = p("MAX-AGE=\"100\";INCLUDESUBDOMAINS;Preload").unwrap();
        assert_eq!(policy.max_age, 100);
        assert!(policy.include_subdomains && policy.preload);
        assert_eq!(p("max-age = 5").unwrap().max_age, 5);
    }

    #[test]
    fn empty_directives_and_unknown_ones_are_fine() {
        let policy = p(";; max-age=1;; foo=\"a;b\"; bar ;").unwrap();
        assert_eq!(policy.max_age, 1);
        assert_eq!(policy.ignored, vec!["foo=a;b".to_string(), "bar".into()]);
        let policy = p("max-age=1; preload=yes").unwrap();
        assert!(!policy.preload);
        assert_eq!(policy.ignored, vec!["preload=yes".to_string()]);
    }

    #[test]
    fn rejects_what_rfc_6797_rejects() {
        assert_eq!(p(""), Err(HstsError::MissingMaxAge));
        assert_eq!(p("includeSubDomains"), Err(HstsError::MissingMaxAge));
        assert_eq!(p("max-age"), Err(HstsError::MaxAgeWithoutValue));
        assert!(matches!(p("max-age="), Err(HstsError::Syntax { .. })));
        assert!(matches!(p("max-age=-1"), Err(HstsError::BadMaxAge(_))));
        assert!(matches!(p("max-age=+1"), Err(HstsError::BadMaxAge(_))));
        assert!(matches!(p("max-age=1.5"), Err(HstsError::BadMaxAge(_))));
        assert!(matches!(p("max-age=\"\""), Err(HstsError::BadMaxAge(_))));
        assert_eq!(
            p("max-age=1; MAX-AGE=2"),
            Err(HstsError::Duplicate("MAX-AGE".into()))
        );
        assert_eq!(
            p("max-age=1; preload; preload"),
            Err(HstsError::Duplicate("preload".into()))
        );
        assert!(matches!(
            p("max-age=1; includeSubDomains=yes"),
            Err(HstsError::ValueNotAllowed(_))
        ));
        assert!(matches!(
            p("max-age=1, max-age=2"),
            Err(HstsError::Syntax { .. })
        ));
        assert!(matches!(p("max-age=1 2"), Err(HstsError::Syntax { .. })));
        assert!(matches!(p("max-age=\"1"), Err(HstsError::Syntax { .. })));
    }

    #[test]
    fn huge_max_age_saturates() {
        let policy = p(&format!("max-age={}", "9".repeat(50))).unwrap();
        assert_eq!(policy.max_age, u64::MAX);
    }

    fn addr(values: &[&str]) -> AddressHsts {
        AddressHsts {
            address: "192.0.2.1".into(),
            fetch: HstsFetch::Received(values.iter().map(|v| v.as_bytes().to_vec()).collect()),
        }
    }

    #[test]
    fn findings() {
        let f = crate::rendered(&finding(&[addr(&["max-age=31536000; includeSubDomains"])]));
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("includeSubDomains: yes")),
            "{f:?}"
        );

        let f = finding(&[addr(&["max-age=86400"])]);
        assert_eq!((f.status, f.partial), (Status::Fail, true));

        let f = finding(&[addr(&["max-age=0"])]);
        assert_eq!((f.status, f.partial), (Status::Fail, false));

        let f = finding(&[addr(&[])]);
        assert_eq!((f.status, f.partial), (Status::Fail, false));

        let f = finding(&[addr(&["max-age=31536000"]), addr(&["max-age=oops"])]);
        assert_eq!((f.status, f.partial), (Status::Fail, false));
        assert_eq!(
            crate::rendered(&f).summary,
            "At least one web server address sends an invalid Strict-Transport-Security header, which browsers ignore."
        );

        // Only the first header counts, and the finding says so.
        let f = crate::rendered(&finding(&[addr(&["max-age=100", "max-age=31536000"])]));
        assert_eq!((f.status, f.partial), (Status::Fail, true));
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("RFC 6797 §8.1"))
        );
        let f = finding(&[addr(&["max-age=31536000", "garbage"])]);
        assert_eq!(f.status, Status::Pass);

        // Could not be fetched (a timeout): an error, and the worst of the
        // addresses counts.
        let failed = AddressHsts {
            address: "[2001:db8::1]".into(),
            fetch: HstsFetch::Failed(msg!("http-failure-timeout", reason = "no answer in 4 s")),
        };
        assert_eq!(finding(std::slice::from_ref(&failed)).status, Status::Error);
        let f = crate::rendered(&finding(&[failed.clone(), addr(&["max-age=63072000"])]));
        assert_eq!(f.status, Status::Error);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("no answer in 4 s"))
        );
        assert_eq!(
            finding(&[failed, addr(&["max-age=0"])]).status,
            Status::Fail
        );
        // No address: nothing to test.
        assert_eq!(finding(&[]).status, Status::NotTested);
    }

    #[test]
    fn no_https_is_not_tested() {
        let none = AddressHsts {
            address: "192.0.2.1:443".into(),
            fetch: HstsFetch::Missing(msg!("http-failure-refused", reason = "connection refused")),
        };
        let f = crate::rendered(&finding(std::slice::from_ref(&none)));
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(f.message.id, "web-not-tested-no-https");
        assert_eq!(f.summary, "Not tested: no web server answers over HTTPS.");
        let f = finding(&[none.clone(), addr(&["max-age=31536000"])]);
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(f.message.get("missing"), Some(&Arg::Num(1)));
        // A known failure elsewhere still fails.
        assert_eq!(finding(&[none, addr(&[])]).status, Status::Fail);
    }

    #[test]
    fn errors_say_which_byte() {
        let f = crate::rendered(&finding(&[addr(&["max-age=1, max-age=2"])]));
        assert!(
            f.evidence.iter().any(|e| e.detail
                == "invalid, so browsers ignore the header: expected \";\" or the end, found a comma (several headers combined into one? only the first counts) at byte 9 (RFC 6797 §6.1 grammar)"),
            "{:?}",
            f.evidence
        );
        for bad in [
            "max-age=\"1",
            "max-age=\"\\\u{1}\"",
            "max-age=\"\u{1}\"",
            "=1",
            "max-age=;",
            "max-age= ",
            "max-age=1;\u{ff}",
        ] {
            let _ = crate::rendered(&finding(&[addr(&[bad])]));
        }
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse(&bytes);
            let _ = finding(&[AddressHsts { address: "a".into(), fetch: HstsFetch::Received(vec![bytes]) }]);
        }

        #[test]
        fn never_panics_on_header_like_input(s in "([ \t;=\"\\\\,]|max-age|includeSubDomains|preload|[0-9a-z]){0,60}") {
            let _ = parse(s.as_bytes());
        }

        #[test]
        fn round_trip(max_age in any::<u64>(), sub in any::<bool>(), pre in any::<bool>()) {
            let policy = StsPolicy { max_age, include_subdomains: sub, preload: pre, ignored: vec![] };
            prop_assert_eq!(parse(policy.to_string().as_bytes()), Ok(policy));
        }
    }
}
