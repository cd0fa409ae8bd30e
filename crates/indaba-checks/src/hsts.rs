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

use std::fmt;

use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Status};

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
/// such a header entirely (RFC 6797 §6.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HstsError {
    /// Bytes that do not fit the grammar.
    #[error("{reason} at byte {at} (RFC 6797 §6.1 grammar)")]
    Syntax {
        /// Offset of the offending byte.
        at: usize,
        /// What was wrong, for people.
        reason: String,
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

/// HTTP token characters (RFC 9110 §5.6.2).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn describe(b: u8) -> String {
    match b {
        b',' => "a comma (several headers combined into one? only the first counts)".into(),
        0x21..=0x7e => format!("{:?}", b as char),
        _ => format!("the byte 0x{b:02x}"),
    }
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
                reason: format!("expected a directive name, found {}", describe(b)),
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
                            reason: format!(
                                "{name}= is followed by {}, not a value",
                                value.get(i).map(|&b| describe(b)).unwrap_or_default()
                            ),
                        });
                    }
                    dir_value = Some(value[vstart..i].to_vec());
                }
                None => {
                    return Err(HstsError::Syntax {
                        at: i,
                        reason: format!("{name}= has no value"),
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
                    reason: format!("expected \";\" or the end, found {}", describe(b)),
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
                    reason: "a quoted value is not closed".into(),
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
                        reason: "a backslash in a quoted value escapes nothing".into(),
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
                    reason: format!("{} is not allowed in a quoted value", describe(c)),
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
    /// No response: why.
    Failed(String),
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

/// The verdict for one address, worst first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Missing,
    Invalid,
    Zero,
    Short,
    Good,
    Untested,
}

fn days(seconds: u64) -> String {
    let d = seconds / 86_400;
    let unit = if d == 1 { "day" } else { "days" };
    if seconds.is_multiple_of(86_400) {
        format!("{d} {unit}")
    } else {
        format!("about {d} {unit}")
    }
}

fn judge_address(fetch: &HstsFetch) -> (Verdict, Vec<String>) {
    let values = match fetch {
        HstsFetch::Failed(reason) => {
            return (
                Verdict::Untested,
                vec![format!("not tested: {}", reason.trim_end_matches('.'))],
            );
        }
        HstsFetch::Received(values) => values,
    };
    let Some(first) = values.first() else {
        return (
            Verdict::Missing,
            vec![
                "no Strict-Transport-Security header; send \
                 Strict-Transport-Security: max-age=31536000"
                    .into(),
            ],
        );
    };
    let mut notes = vec![format!("Strict-Transport-Security: {}", shown(first, 300))];
    if values.len() > 1 {
        notes.push(format!(
            "{} Strict-Transport-Security headers were received; only the first counts \
             (RFC 6797 §8.1), the others are ignored: {}; send a single header",
            values.len(),
            values
                .iter()
                .skip(1)
                .take(5)
                .map(|v| shown(v, 100))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    let verdict = match parse(first) {
        Err(e) => {
            notes.push(format!("invalid, so browsers ignore the header: {e}"));
            Verdict::Invalid
        }
        Ok(policy) => {
            let verdict = if policy.max_age == 0 {
                notes.push(
                    "max-age=0 tells browsers to forget HSTS for this host (RFC 6797 §6.1.1)"
                        .into(),
                );
                Verdict::Zero
            } else if policy.max_age < ONE_YEAR {
                notes.push(format!(
                    "max-age is {} seconds ({}), shorter than the one year (31536000) required",
                    policy.max_age,
                    days(policy.max_age)
                ));
                Verdict::Short
            } else {
                notes.push(format!(
                    "max-age is {} seconds ({}), at least one year",
                    policy.max_age,
                    days(policy.max_age)
                ));
                Verdict::Good
            };
            notes.push(format!(
                "includeSubDomains: {}; preload: {}",
                if policy.include_subdomains {
                    "yes, subdomains are covered"
                } else {
                    "no"
                },
                if policy.preload { "yes" } else { "no" }
            ));
            if !policy.ignored.is_empty() {
                notes.push(format!(
                    "directives browsers ignore: {}",
                    policy.ignored.join(", ")
                ));
            }
            verdict
        }
    };
    (verdict, notes)
}

/// `web.https.hsts`: every web server address sends a valid
/// `Strict-Transport-Security` header with a max-age of at least one year.
///
/// A shorter max-age fails with partial credit; a missing or invalid header,
/// or `max-age=0` (which switches HSTS off), fails without. Addresses that
/// could not be fetched are listed but not judged (`web.https.available`
/// judges them); when none could be fetched the result is an error.
pub fn finding(addresses: &[AddressHsts]) -> Finding {
    let id = ids::WEB_HTTPS_HSTS;
    if addresses.is_empty() {
        return Finding::new(
            id,
            Status::NotApplicable,
            "No HTTPS web server address was found to test HSTS on.",
        );
    }
    let mut evidence = Vec::new();
    let mut worst = Verdict::Untested;
    let mut tested = 0;
    for a in addresses {
        let (verdict, notes) = judge_address(&a.fetch);
        if verdict != Verdict::Untested {
            tested += 1;
        }
        worst = worst.min(verdict);
        evidence.extend(notes.into_iter().map(|n| Evidence::new(&a.address, n)));
    }
    let some = if addresses.len() > 1 {
        "At least one web server address"
    } else {
        "The web server"
    };
    let (status, summary, partial) = match worst {
        Verdict::Untested => (
            Status::Error,
            "HSTS could not be tested: no web server address answered over HTTPS.".to_string(),
            false,
        ),
        Verdict::Missing => (
            Status::Fail,
            format!("{some} sends no Strict-Transport-Security header."),
            false,
        ),
        Verdict::Invalid => (
            Status::Fail,
            format!(
                "{some} sends an invalid Strict-Transport-Security header, which browsers ignore."
            ),
            false,
        ),
        Verdict::Zero => (
            Status::Fail,
            format!("{some} switches HSTS off with max-age=0."),
            false,
        ),
        Verdict::Short => (
            Status::Fail,
            format!("{some} sends HSTS with a max-age shorter than one year (31536000 seconds)."),
            true,
        ),
        Verdict::Good => (
            Status::Pass,
            if tested < addresses.len() {
                "Every web server address that answered sends HSTS with a max-age of at least one year."
                    .to_string()
            } else {
                "Every web server address sends HSTS with a max-age of at least one year."
                    .to_string()
            },
            false,
        ),
    };
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
        let f = finding(&[addr(&["max-age=31536000; includeSubDomains"])]);
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("includeSubDomains: yes"))
        );

        let f = finding(&[addr(&["max-age=86400"])]);
        assert_eq!((f.status, f.partial), (Status::Fail, true));

        let f = finding(&[addr(&["max-age=0"])]);
        assert_eq!((f.status, f.partial), (Status::Fail, false));

        let f = finding(&[addr(&[])]);
        assert_eq!((f.status, f.partial), (Status::Fail, false));

        let f = finding(&[addr(&["max-age=31536000"]), addr(&["max-age=oops"])]);
        assert_eq!((f.status, f.partial), (Status::Fail, false));
        assert!(crate::english(&f).contains("invalid"));

        // Only the first header counts, and the finding says so.
        let f = finding(&[addr(&["max-age=100", "max-age=31536000"])]);
        assert_eq!((f.status, f.partial), (Status::Fail, true));
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("RFC 6797 §8.1"))
        );
        let f = finding(&[addr(&["max-age=31536000", "garbage"])]);
        assert_eq!(f.status, Status::Pass);

        let failed = AddressHsts {
            address: "[2001:db8::1]".into(),
            fetch: HstsFetch::Failed("connection refused".into()),
        };
        assert_eq!(finding(std::slice::from_ref(&failed)).status, Status::Error);
        let f = finding(&[failed, addr(&["max-age=63072000"])]);
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("connection refused"))
        );
        assert_eq!(finding(&[]).status, Status::NotApplicable);
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
