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

use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Status};

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
            "more",
            format!("{left} more not shown; fix the ones above first"),
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
                    "ignored by current browsers because CSP frame-ancestors is set; kept for \
                     old browsers, which is fine",
                ));
            }
            return Finding::new(
                id,
                Status::Pass,
                "Framing is restricted by CSP frame-ancestors.",
            )
            .with_all(evidence);
        }
        Some(FrameAncestors::Open(text)) => {
            evidence.push(Evidence::new(
                "Content-Security-Policy",
                format!("{text}: allows any site to frame the page"),
            ));
            if matches!(xfo, XFrameOptions::Deny | XFrameOptions::SameOrigin) {
                evidence.push(Evidence::new(
                    "X-Frame-Options",
                    "current browsers ignore X-Frame-Options when frame-ancestors is set, so \
                     it does not protect here",
                ));
            }
            evidence.push(Evidence::new(
                "advice",
                "use frame-ancestors 'self' (or 'none', or the sites that may frame you)",
            ));
            return Finding::new(
                id,
                Status::Warning,
                "CSP frame-ancestors allows any site to frame the page (clickjacking).",
            )
            .with_all(evidence);
        }
        None => {}
    }
    let advice = Evidence::new(
        "advice",
        "send X-Frame-Options: DENY (or SAMEORIGIN), or CSP frame-ancestors 'self'",
    );
    let (status, summary) = match &xfo {
        XFrameOptions::Deny => (Status::Pass, "X-Frame-Options: DENY forbids framing."),
        XFrameOptions::SameOrigin => (
            Status::Pass,
            "X-Frame-Options: SAMEORIGIN allows framing by the site itself only.",
        ),
        XFrameOptions::Conflicting(values) => {
            evidence.push(Evidence::new(
                "X-Frame-Options",
                format!(
                    "conflicting values ({}); browsers following the HTML standard then refuse \
                     all framing; send one value",
                    values.join(", ")
                ),
            ));
            (
                Status::Pass,
                "X-Frame-Options has conflicting values, which browsers treat as forbidding framing.",
            )
        }
        XFrameOptions::AllowFrom(v) => {
            evidence.push(Evidence::new(
                "X-Frame-Options",
                format!(
                    "{v}: ALLOW-FROM is obsolete; current browsers ignore it and allow framing \
                     by any site; use CSP frame-ancestors with the allowed sites"
                ),
            ));
            evidence.push(advice);
            (
                Status::Warning,
                "X-Frame-Options uses the obsolete ALLOW-FROM, which browsers ignore.",
            )
        }
        XFrameOptions::Invalid(v) => {
            evidence.push(Evidence::new(
                "X-Frame-Options",
                format!("{v:?} is not DENY or SAMEORIGIN; browsers ignore it"),
            ));
            evidence.push(advice);
            (
                Status::Warning,
                "X-Frame-Options has an invalid value, so framing is not restricted.",
            )
        }
        XFrameOptions::Absent => {
            evidence.push(Evidence::new(
                "X-Frame-Options",
                "absent, and no CSP frame-ancestors",
            ));
            evidence.push(advice);
            (
                Status::Warning,
                "Neither X-Frame-Options nor CSP frame-ancestors restricts framing (clickjacking).",
            )
        }
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// `web.headers.content_type_options`: `X-Content-Type-Options: nosniff`
/// (Fetch, "determine nosniff": the first value counts).
pub fn content_type_options(headers: &ResponseHeaders) -> Finding {
    let id = ids::WEB_HEADERS_CONTENT_TYPE_OPTIONS;
    let Some(values) = headers.split_values("x-content-type-options") else {
        return Finding::new(
            id,
            Status::Warning,
            "No X-Content-Type-Options header: browsers may guess (sniff) content types.",
        )
        .with("X-Content-Type-Options", "absent")
        .with("advice", "send X-Content-Type-Options: nosniff");
    };
    let shown_values = joined(&values);
    let first = values.first().map(Vec::as_slice).unwrap_or_default();
    if first.eq_ignore_ascii_case(b"nosniff") {
        let mut f = Finding::new(
            id,
            Status::Pass,
            "X-Content-Type-Options: nosniff stops browsers from guessing content types.",
        )
        .with("X-Content-Type-Options", shown_values);
        if values.len() > 1 {
            f = f.with(
                "X-Content-Type-Options",
                "several values; only the first counts, send nosniff once",
            );
        }
        f
    } else {
        Finding::new(
            id,
            Status::Warning,
            "X-Content-Type-Options is not nosniff, so browsers may guess content types.",
        )
        .with("X-Content-Type-Options", shown_values)
        .with(
            "X-Content-Type-Options",
            "browsers read only the first value, and it must be nosniff",
        )
        .with("advice", "send X-Content-Type-Options: nosniff")
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
    let advice = Evidence::new(
        "advice",
        "send Referrer-Policy: strict-origin-when-cross-origin (or no-referrer, same-origin, \
         strict-origin)",
    );
    let Some(tokens) = headers.split_values("referrer-policy") else {
        return Finding::new(
            id,
            Status::Warning,
            "No Referrer-Policy header: what is sent depends on each browser's default.",
        )
        .with(
            "Referrer-Policy",
            "absent; current browsers default to strict-origin-when-cross-origin, older ones \
             send the full URL (no-referrer-when-downgrade)",
        )
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
            format!(
                "\"{}\" is not a valid token: policies are lower case in the specification \
                 (some browsers accept it, others ignore it); write it in lower case",
                shown(t, 60)
            )
        } else {
            format!(
                "\"{}\" is not a referrer policy; browsers skip it",
                shown(t, 60)
            )
        };
        evidence.push(Evidence::new("Referrer-Policy", detail));
    }
    let Some(policy) = referrer_policy(headers) else {
        evidence.push(advice);
        return Finding::new(
            id,
            Status::Warning,
            "Referrer-Policy has no valid policy, so browsers use their default.",
        )
        .with_all(evidence);
    };
    if tokens.len() > 1 {
        evidence.push(Evidence::new(
            "Referrer-Policy",
            format!("browsers apply the last valid token: {policy}"),
        ));
    }
    let (status, summary) = match policy {
        "unsafe-url" => (
            Status::Warning,
            "Referrer-Policy: unsafe-url sends the full URL, path and query included, to every \
             site, even over plain HTTP.",
        ),
        "no-referrer-when-downgrade" => (
            Status::Warning,
            "Referrer-Policy: no-referrer-when-downgrade sends the full URL, path and query \
             included, to every other HTTPS site.",
        ),
        "origin" | "origin-when-cross-origin" => (
            Status::Info,
            "The Referrer-Policy sends your site's origin (not the path) to other sites, also \
             over plain HTTP.",
        ),
        _ => (
            Status::Pass,
            "The Referrer-Policy does not leak the page URL to other sites.",
        ),
    };
    if status != Status::Pass {
        evidence.push(advice);
    }
    Finding::new(id, status, summary)
        .with("policy applied", policy)
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
        let f = frame_options(&h(&[
            ("Content-Security-Policy", "frame-ancestors *"),
            ("X-Frame-Options", "DENY"),
        ]));
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
        let upper = f(&["No-Referrer"]);
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
