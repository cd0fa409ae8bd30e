//! Security headers of the home page: `X-Frame-Options` (RFC 7034, with
//! CSP `frame-ancestors`), `X-Content-Type-Options` and `Referrer-Policy`,
//! and the [`ResponseHeaders`] the web checks read.
//!
//! The engine fetches `https://<domain>/` once, without following redirects,
//! and hands over the header fields as received. Each header is read the way
//! current browsers read it (the algorithms of the HTML, Fetch and Referrer
//! Policy standards), because what matters is what a browser does with it:
//! the first `X-Content-Type-Options` value counts, the *last* valid
//! `Referrer-Policy` token counts, conflicting `X-Frame-Options` values block
//! all framing, and `frame-ancestors` overrides `X-Frame-Options`. These
//! few lines of each algorithm are ours; no crate implements them.
//!
//! Header names and values in evidence are data; every word around them is
//! a message (`locales/en/findings-web.ftl`).

use indaba_model::catalogue::ids;
use indaba_model::{Arg, Evidence, Finding, Message, Status, msg};

use crate::csp::{self, Disposition, FrameAncestors};

/// Text for evidence: lossy UTF-8, control characters escaped, cut after
/// `max` characters (hostile headers can be long).
pub(crate) fn shown(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Keeps at most `max` pieces of evidence and says how many were left out:
/// a hostile file or header can hold thousands of problems, and a report
/// must stay readable and small.
pub(crate) fn capped(mut evidence: Vec<Evidence>, max: usize) -> Vec<Evidence> {
    if evidence.len() > max {
        let left = evidence.len() - max;
        evidence.truncate(max);
        evidence.push(Evidence::new(
            msg!("evidence-more"),
            msg!("evidence-more-not-shown", count = left),
        ));
    }
    evidence
}

/// The header fields of one HTTP response, in the order received. Values
/// are bytes: HTTP allows obs-text, and a hostile server sends anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseHeaders {
    fields: Vec<(String, Vec<u8>)>,
}

impl ResponseHeaders {
    /// Header fields as `(name, value)`; names compare case-insensitively.
    pub fn new(fields: Vec<(String, Vec<u8>)>) -> Self {
        ResponseHeaders {
            fields: fields
                .into_iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v))
                .collect(),
        }
    }

    /// The header fields of a response, as sent.
    pub fn from_response(response: &indaba_model::observation::HttpResponse) -> Self {
        Self::new(
            response
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.bytes().to_vec()))
                .collect(),
        )
    }

    /// From text fields.
    pub fn from_text(fields: &[(String, String)]) -> Self {
        Self::new(
            fields
                .iter()
                .map(|(n, v)| (n.clone(), v.as_bytes().to_vec()))
                .collect(),
        )
    }

    /// The values of every field called `name`, in order.
    pub fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> + 'a {
        let name = name.to_ascii_lowercase();
        self.fields
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Fetch's "get, decode, and split": every value of `name` joined by
    /// commas, split on commas outside quoted strings, each trimmed of
    /// spaces and tabs. `None` when the header is absent.
    pub fn split_values(&self, name: &str) -> Option<Vec<Vec<u8>>> {
        let mut joined: Option<Vec<u8>> = None;
        for v in self.values(name) {
            match &mut joined {
                None => joined = Some(v.to_vec()),
                Some(j) => {
                    j.extend_from_slice(b", ");
                    j.extend_from_slice(v);
                }
            }
        }
        Some(split_on_commas(&joined?))
    }
}

/// The splitting half of Fetch's "get, decode, and split".
fn split_on_commas(input: &[u8]) -> Vec<Vec<u8>> {
    let mut values = Vec::new();
    let mut current = Vec::new();
    let mut i = 0;
    loop {
        while let Some(&b) = input.get(i) {
            if b == b'"' || b == b',' {
                break;
            }
            current.push(b);
            i += 1;
        }
        if input.get(i) == Some(&b'"') {
            // A quoted string, kept with its quotes and escapes.
            current.push(b'"');
            i += 1;
            while let Some(&b) = input.get(i) {
                current.push(b);
                i += 1;
                if b == b'\\' {
                    if let Some(&next) = input.get(i) {
                        current.push(next);
                        i += 1;
                    }
                } else if b == b'"' {
                    break;
                }
            }
            if i < input.len() {
                continue;
            }
        }
        let start = current.iter().position(|&b| b != b' ' && b != b'\t');
        let end = current.iter().rposition(|&b| b != b' ' && b != b'\t');
        values.push(match (start, end) {
            (Some(s), Some(e)) => current[s..=e].to_vec(),
            _ => Vec::new(),
        });
        current.clear();
        if i >= input.len() {
            return values;
        }
        // The byte at `i` is a comma.
        i += 1;
    }
}

fn joined(values: &[Vec<u8>]) -> String {
    values
        .iter()
        .map(|v| format!("\"{}\"", shown(v, 100)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The "advice" label of evidence.
fn advice(what: Message) -> Evidence {
    Evidence::new(msg!("evidence-advice"), what)
}

/// What `X-Frame-Options` makes a browser do (HTML, "check a navigation
/// response's adherence to `X-Frame-Options`").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XFrameOptions {
    /// No header, or only empty values.
    Absent,
    /// `DENY`: never framed.
    Deny,
    /// `SAMEORIGIN`: framed only by the same origin.
    SameOrigin,
    /// Several different values including `DENY` or `SAMEORIGIN`: the
    /// browser refuses all framing.
    Conflicting(Vec<String>),
    /// `ALLOW-FROM …`: obsolete; browsers ignore it and allow framing.
    AllowFrom(String),
    /// Anything else (`ALLOWALL`, typos, several odd values): ignored.
    Invalid(String),
}

/// Reads `X-Frame-Options` the way the HTML standard does.
pub fn x_frame_options(headers: &ResponseHeaders) -> XFrameOptions {
    let Some(raw) = headers.split_values("x-frame-options") else {
        return XFrameOptions::Absent;
    };
    let mut set: Vec<String> = Vec::new();
    for v in &raw {
        let lower = String::from_utf8_lossy(v).to_ascii_lowercase();
        if !set.contains(&lower) {
            set.push(lower);
        }
    }
    if set.len() > 1 {
        if set
            .iter()
            .any(|v| matches!(v.as_str(), "deny" | "allowall" | "sameorigin"))
        {
            return XFrameOptions::Conflicting(set);
        }
        return XFrameOptions::Invalid(set.join(", "));
    }
    match set.first().map(String::as_str) {
        None | Some("") => XFrameOptions::Absent,
        Some("deny") => XFrameOptions::Deny,
        Some("sameorigin") => XFrameOptions::SameOrigin,
        Some(v) if v.starts_with("allow-from") => XFrameOptions::AllowFrom(v.to_string()),
        Some(v) => XFrameOptions::Invalid(v.to_string()),
    }
}

/// `web.headers.frame_options`: framing is limited by CSP `frame-ancestors`
/// or, without it, by `X-Frame-Options: DENY` or `SAMEORIGIN`.
pub fn frame_options(headers: &ResponseHeaders) -> Finding {
    let id = ids::WEB_HEADERS_FRAME_OPTIONS;
    let xfo = x_frame_options(headers);
    let mut evidence: Vec<Evidence> = headers
        .values("x-frame-options")
        .map(|v| Evidence::new("X-Frame-Options", shown(v, 200)))
        .collect();
    let enforced = csp::policies(headers, Disposition::Enforce);
    match csp::frame_ancestors(&enforced) {
        Some(FrameAncestors::Restricted(text)) => {
            evidence.push(Evidence::new("Content-Security-Policy", text));
            if xfo != XFrameOptions::Absent {
                evidence.push(Evidence::new(
                    "X-Frame-Options",
                    msg!("xfo-ignored-for-frame-ancestors"),
                ));
            }
            return Finding::new(id, Status::Pass, msg!("xfo-pass-frame-ancestors"))
                .with_all(evidence);
        }
        Some(FrameAncestors::Open(text)) => {
            evidence.push(Evidence::new(
                "Content-Security-Policy",
                msg!("xfo-frame-ancestors-open", directive = text),
            ));
            if matches!(xfo, XFrameOptions::Deny | XFrameOptions::SameOrigin) {
                evidence.push(Evidence::new(
                    "X-Frame-Options",
                    msg!("xfo-overridden-by-frame-ancestors"),
                ));
            }
            evidence.push(advice(msg!("xfo-advice-frame-ancestors")));
            return Finding::new(
                id,
                Status::Warning,
                msg!("xfo-warning-frame-ancestors-open"),
            )
            .with_all(evidence);
        }
        None => {}
    }
    let (status, summary) = match &xfo {
        XFrameOptions::Deny => (Status::Pass, msg!("xfo-pass-deny")),
        XFrameOptions::SameOrigin => (Status::Pass, msg!("xfo-pass-sameorigin")),
        XFrameOptions::Conflicting(values) => {
            evidence.push(Evidence::new(
                "X-Frame-Options",
                msg!(
                    "xfo-conflicting-values",
                    values = Arg::list(values.iter().map(String::as_str))
                ),
            ));
            (Status::Pass, msg!("xfo-pass-conflicting"))
        }
        XFrameOptions::AllowFrom(v) => {
            evidence.push(Evidence::new(
                "X-Frame-Options",
                msg!("xfo-allow-from-obsolete", value = v.as_str()),
            ));
            evidence.push(advice(msg!("xfo-advice")));
            (Status::Warning, msg!("xfo-warning-allow-from"))
        }
        XFrameOptions::Invalid(v) => {
            evidence.push(Evidence::new(
                "X-Frame-Options",
                msg!("xfo-invalid-value", value = v.as_str()),
            ));
            evidence.push(advice(msg!("xfo-advice")));
            (Status::Warning, msg!("xfo-warning-invalid"))
        }
        XFrameOptions::Absent => {
            evidence.push(Evidence::new("X-Frame-Options", msg!("xfo-absent")));
            evidence.push(advice(msg!("xfo-advice")));
            (Status::Warning, msg!("xfo-warning-absent"))
        }
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// `web.headers.content_type_options`: `X-Content-Type-Options: nosniff`
/// (Fetch, "determine nosniff": the first value counts).
pub fn content_type_options(headers: &ResponseHeaders) -> Finding {
    let id = ids::WEB_HEADERS_CONTENT_TYPE_OPTIONS;
    let Some(values) = headers.split_values("x-content-type-options") else {
        return Finding::new(id, Status::Warning, msg!("xcto-warning-absent"))
            .with("X-Content-Type-Options", msg!("header-absent"))
            .with_all([advice(msg!("xcto-advice"))]);
    };
    let shown_values = joined(&values);
    let first = values.first().map(Vec::as_slice).unwrap_or_default();
    if first.eq_ignore_ascii_case(b"nosniff") {
        let mut f = Finding::new(id, Status::Pass, msg!("xcto-pass"))
            .with("X-Content-Type-Options", shown_values);
        if values.len() > 1 {
            f = f.with("X-Content-Type-Options", msg!("xcto-several-values"));
        }
        f
    } else {
        Finding::new(id, Status::Warning, msg!("xcto-warning-not-nosniff"))
            .with("X-Content-Type-Options", shown_values)
            .with("X-Content-Type-Options", msg!("xcto-first-must-be-nosniff"))
            .with_all([advice(msg!("xcto-advice"))])
    }
}

/// The referrer policies of the W3C Referrer Policy specification.
pub const REFERRER_POLICIES: [&str; 8] = [
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

/// The policy a browser applies from the `Referrer-Policy` header: the last
/// token that is a referrer policy ("parse a referrer policy from a
/// `Referrer-Policy` header"; tokens match exactly, as the spec compares
/// strings). `None` when no token is valid.
pub fn referrer_policy(headers: &ResponseHeaders) -> Option<&'static str> {
    headers
        .split_values("referrer-policy")?
        .iter()
        .rev()
        .find_map(|t| {
            REFERRER_POLICIES
                .iter()
                .find(|p| p.as_bytes() == t.as_slice())
        })
        .copied()
}

/// `web.headers.referrer_policy`: a `Referrer-Policy` that does not send
/// the full URL to other sites or over plain HTTP.
pub fn referrer(headers: &ResponseHeaders) -> Finding {
    let id = ids::WEB_HEADERS_REFERRER_POLICY;
    let advice = advice(msg!("referrer-advice"));
    let Some(tokens) = headers.split_values("referrer-policy") else {
        return Finding::new(id, Status::Warning, msg!("referrer-warning-absent"))
            .with("Referrer-Policy", msg!("referrer-absent"))
            .with_all([advice]);
    };
    let mut evidence = vec![Evidence::new("Referrer-Policy", joined(&tokens))];
    for t in &tokens {
        let valid = REFERRER_POLICIES
            .iter()
            .any(|p| p.as_bytes() == t.as_slice());
        if valid || t.is_empty() {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        let detail = if REFERRER_POLICIES.iter().any(|p| p.as_bytes() == lower) {
            msg!("referrer-not-lower-case", token = shown(t, 60))
        } else {
            msg!("referrer-unknown-token", token = shown(t, 60))
        };
        evidence.push(Evidence::new("Referrer-Policy", detail));
    }
    let Some(policy) = referrer_policy(headers) else {
        evidence.push(advice);
        return Finding::new(id, Status::Warning, msg!("referrer-warning-no-valid"))
            .with_all(evidence);
    };
    if tokens.len() > 1 {
        evidence.push(Evidence::new(
            "Referrer-Policy",
            msg!("referrer-last-valid-applies", policy = policy),
        ));
    }
    let (status, summary) = match policy {
        "unsafe-url" => (Status::Warning, msg!("referrer-warning-unsafe-url")),
        "no-referrer-when-downgrade" => (Status::Warning, msg!("referrer-warning-downgrade")),
        "origin" | "origin-when-cross-origin" => (Status::Info, msg!("referrer-info-origin")),
        _ => (Status::Pass, msg!("referrer-pass")),
    };
    if status != Status::Pass {
        evidence.push(advice);
    }
    Finding::new(id, status, summary)
        .with(msg!("referrer-policy-applied"), policy)
        .with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(fields: &[(&str, &str)]) -> ResponseHeaders {
        ResponseHeaders::new(
            fields
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect(),
        )
    }

    #[test]
    fn split_values_follows_fetch() {
        let headers = h(&[("A", " x , \"y,z\" ,"), ("a", "w")]);
        assert_eq!(
            headers.split_values("a").unwrap(),
            vec![
                b"x".to_vec(),
                b"\"y,z\"".to_vec(),
                b"".to_vec(),
                b"w".to_vec()
            ]
        );
        assert_eq!(h(&[]).split_values("a"), None);
        assert_eq!(h(&[("a", "")]).split_values("a"), Some(vec![vec![]]));
        assert_eq!(
            h(&[("a", "\"unterminated,x")]).split_values("a"),
            Some(vec![b"\"unterminated,x".to_vec()])
        );
        assert_eq!(
            h(&[("a", "\"a\\\"b\",c")]).split_values("a"),
            Some(vec![b"\"a\\\"b\"".to_vec(), b"c".to_vec()])
        );
    }

    #[test]
    fn x_frame_options_like_html() {
        let x = |v: &[&str]| {
            let fields: Vec<(&str, &str)> = v.iter().map(|v| ("X-Frame-Options", *v)).collect();
            x_frame_options(&h(&fields))
        };
        assert_eq!(x(&["DENY"]), XFrameOptions::Deny);
        assert_eq!(x(&["sameorigin"]), XFrameOptions::SameOrigin);
        assert_eq!(x(&["DENY", "deny"]), XFrameOptions::Deny);
        assert!(matches!(
            x(&["DENY, SAMEORIGIN"]),
            XFrameOptions::Conflicting(_)
        ));
        assert!(matches!(
            x(&["ALLOW-FROM https://a.example"]),
            XFrameOptions::AllowFrom(_)
        ));
        assert!(matches!(x(&["allowall"]), XFrameOptions::Invalid(_)));
        assert!(matches!(x(&["foo, bar"]), XFrameOptions::Invalid(_)));
        assert_eq!(x(&[]), XFrameOptions::Absent);
        assert_eq!(x(&[""]), XFrameOptions::Absent);
    }

    #[test]
    fn frame_findings() {
        assert_eq!(
            frame_options(&h(&[("X-Frame-Options", "DENY")])).status,
            Status::Pass
        );
        assert_eq!(
            frame_options(&h(&[("X-Frame-Options", "ALLOW-FROM https://a.example")])).status,
            Status::Warning
        );
        assert_eq!(frame_options(&h(&[])).status, Status::Warning);
        assert_eq!(
            frame_options(&h(&[("Content-Security-Policy", "frame-ancestors 'self'")])).status,
            Status::Pass
        );
        // frame-ancestors overrides X-Frame-Options, for better or worse.
        let f = crate::rendered(&frame_options(&h(&[
            ("Content-Security-Policy", "frame-ancestors *"),
            ("X-Frame-Options", "DENY"),
        ])));
        assert_eq!(f.status, Status::Warning);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("ignore X-Frame-Options"))
        );
        // A report-only policy does not count.
        let f = frame_options(&h(&[(
            "Content-Security-Policy-Report-Only",
            "frame-ancestors 'none'",
        )]));
        assert_eq!(f.status, Status::Warning);
    }

    #[test]
    fn nosniff() {
        let f = |v: &str| content_type_options(&h(&[("X-Content-Type-Options", v)])).status;
        assert_eq!(f("nosniff"), Status::Pass);
        assert_eq!(f("NoSniff"), Status::Pass);
        assert_eq!(f("nosniff, foo"), Status::Pass);
        assert_eq!(f("foo, nosniff"), Status::Warning);
        assert_eq!(f(""), Status::Warning);
        assert_eq!(content_type_options(&h(&[])).status, Status::Warning);
    }

    #[test]
    fn referrer_policies() {
        let f = |v: &[&str]| {
            let fields: Vec<(&str, &str)> = v.iter().map(|v| ("Referrer-Policy", *v)).collect();
            referrer(&h(&fields))
        };
        assert_eq!(f(&["no-referrer"]).status, Status::Pass);
        assert_eq!(f(&["strict-origin-when-cross-origin"]).status, Status::Pass);
        assert_eq!(f(&["unsafe-url"]).status, Status::Warning);
        assert_eq!(f(&["no-referrer-when-downgrade"]).status, Status::Warning);
        assert_eq!(f(&["origin"]).status, Status::Info);
        // The last valid token wins; unknown ones are skipped.
        assert_eq!(f(&["unsafe-url, no-referrer"]).status, Status::Pass);
        assert_eq!(f(&["no-referrer", "unsafe-url"]).status, Status::Warning);
        assert_eq!(f(&["no-referrer, foo"]).status, Status::Pass);
        assert_eq!(f(&["foo"]).status, Status::Warning);
        let upper = crate::rendered(&f(&["No-Referrer"]));
        assert_eq!(upper.status, Status::Warning);
        assert!(
            upper
                .evidence
                .iter()
                .any(|e| e.detail.contains("lower case"))
        );
        assert_eq!(f(&[]).status, Status::Warning);
    }

    proptest! {
        #[test]
        fn never_panics(name in "(x-frame-options|x-content-type-options|referrer-policy|content-security-policy)",
                        values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..4)) {
            let headers = ResponseHeaders::new(values.into_iter().map(|v| (name.clone(), v)).collect());
            let _ = frame_options(&headers);
            let _ = content_type_options(&headers);
            let _ = referrer(&headers);
            let _ = shown(&[0xff, b'\n', b'a'], 2);
        }

        #[test]
        fn split_round_trip(tokens in proptest::collection::vec("[a-z0-9-]{1,10}", 1..6)) {
            let headers = ResponseHeaders::new(vec![("a".into(), tokens.join(" ,\t").into_bytes())]);
            let split = headers.split_values("a").unwrap_or_default();
            prop_assert_eq!(split, tokens.iter().map(|t| t.as_bytes().to_vec()).collect::<Vec<_>>());
        }
    }
}
