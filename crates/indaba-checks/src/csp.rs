//! Content Security Policy (CSP Level 3): parsing the
//! `Content-Security-Policy` header and the `web.headers.csp` finding.
//!
//! Parsing follows the CSP3 algorithms exactly: a header value is a
//! serialized policy *list* (split on commas), several header fields are
//! several policies, and each policy is split on `;` with the first of a
//! duplicated directive winning ("parse a serialized CSP", §2.2.1). Every
//! policy is enforced, so a resource must be allowed by all of them: a
//! weakness in one policy is no weakness when another policy blocks the same
//! thing. The evaluation therefore judges each *aspect* (inline script, eval,
//! script URLs, plugins, `<base>`) across all policies.
//!
//! The weaknesses are those of Google's CSP Evaluator, which also supplies
//! the data: the host lists of JSONP and AngularJS endpoints that let an
//! attacker run script from an allowlisted host (`data/csp-evaluator/`,
//! Apache-2.0). No Rust crate evaluates a policy's strength (the
//! `content-security-policy` crate enforces a policy for a browser engine,
//! which is a different question), so the evaluation is ours; the parser is
//! ours too because it must keep what a browser ignores, for the evidence.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use indaba_model::catalogue::ids;
use indaba_model::{Arg, Evidence, Finding, Message, Status, ToMessage, msg};

use crate::headers::{ResponseHeaders, capped, shown};

/// One directive of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The name, lower case.
    pub name: String,
    /// The value split on ASCII white space (source expressions for the
    /// fetch directives).
    pub values: Vec<String>,
}

/// One parsed policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The directives in order, each name once.
    pub directives: Vec<Directive>,
    /// What the parser skipped, as a browser would (duplicates, non-ASCII).
    pub skipped: Vec<Message>,
}

impl Policy {
    /// The directive called `name` (lower case), if present.
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// The first present directive of a fallback chain (CSP3 §6.8.3).
    fn first_of(&self, chain: &[&str]) -> Option<&Directive> {
        chain.iter().find_map(|n| self.directive(n))
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.directives.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(&d.name)?;
            for v in &d.values {
                write!(f, " {v}")?;
            }
        }
        Ok(())
    }
}

fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// "Parse a serialized CSP" (CSP3 §2.2.1). Input bytes are read as the
/// isomorphic decoding of a header value: a token with a byte above 0x7f is
/// not ASCII and is skipped, as browsers do.
pub fn parse_policy(serialized: &[u8]) -> Policy {
    let mut policy = Policy::default();
    for token in serialized.split(|&b| b == b';') {
        let start = token.iter().position(|&b| !is_ascii_ws(b));
        let end = token.iter().rposition(|&b| !is_ascii_ws(b));
        let (Some(start), Some(end)) = (start, end) else {
            continue;
        };
        let token = &token[start..=end];
        if !token.is_ascii() {
            policy
                .skipped
                .push(msg!("csp-skipped-not-ascii", token = shown(token, 60)));
            continue;
        }
        let text = String::from_utf8_lossy(token);
        let mut parts = text.split(|c: char| c.is_ascii() && is_ascii_ws(c as u8));
        let name = parts.next().unwrap_or_default().to_ascii_lowercase();
        if policy.directive(&name).is_some() {
            policy
                .skipped
                .push(msg!("csp-skipped-duplicate", name = name.as_str()));
            continue;
        }
        let values = parts
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        policy.directives.push(Directive { name, values });
    }
    policy
}

/// Parses one header value as a serialized CSP list: policies separated by
/// commas; empty ones are dropped (CSP3 §2.2.2).
pub fn parse_policy_list(value: &[u8]) -> Vec<Policy> {
    value
        .split(|&b| b == b',')
        .map(parse_policy)
        .filter(|p| !p.directives.is_empty())
        .collect()
}

/// Whether a policy is enforced or only reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// `Content-Security-Policy`.
    Enforce,
    /// `Content-Security-Policy-Report-Only`.
    Report,
}

/// The policies a response delivers with `disposition`, in order.
pub fn policies(headers: &ResponseHeaders, disposition: Disposition) -> Vec<Policy> {
    let name = match disposition {
        Disposition::Enforce => "content-security-policy",
        Disposition::Report => "content-security-policy-report-only",
    };
    headers.values(name).flat_map(parse_policy_list).collect()
}

/// A keyword source expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// `'none'`.
    None,
    /// `'self'`.
    SelfOrigin,
    /// `'unsafe-inline'`.
    UnsafeInline,
    /// `'unsafe-eval'`.
    UnsafeEval,
    /// `'strict-dynamic'`.
    StrictDynamic,
    /// `'unsafe-hashes'`.
    UnsafeHashes,
    /// `'report-sample'`.
    ReportSample,
    /// `'unsafe-allow-redirects'`.
    UnsafeAllowRedirects,
    /// `'wasm-unsafe-eval'`.
    WasmUnsafeEval,
    /// `'inline-speculation-rules'`.
    InlineSpeculationRules,
}

const KEYWORDS: [(&str, Keyword); 10] = [
    ("'none'", Keyword::None),
    ("'self'", Keyword::SelfOrigin),
    ("'unsafe-inline'", Keyword::UnsafeInline),
    ("'unsafe-eval'", Keyword::UnsafeEval),
    ("'strict-dynamic'", Keyword::StrictDynamic),
    ("'unsafe-hashes'", Keyword::UnsafeHashes),
    ("'report-sample'", Keyword::ReportSample),
    ("'unsafe-allow-redirects'", Keyword::UnsafeAllowRedirects),
    ("'wasm-unsafe-eval'", Keyword::WasmUnsafeEval),
    (
        "'inline-speculation-rules'",
        Keyword::InlineSpeculationRules,
    ),
];

/// A host source: `[scheme://]host[:port][/path]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSource {
    /// The scheme, lower case, if given.
    pub scheme: Option<String>,
    /// The host, lower case: `*`, `*.example.com` or `example.com`.
    pub host: String,
    /// The port (digits or `*`), if given.
    pub port: Option<String>,
    /// The path, if given.
    pub path: Option<String>,
}

/// One source expression (CSP3 §2.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A keyword.
    Keyword(Keyword),
    /// `'nonce-…'`.
    Nonce(String),
    /// `'sha256-…'`, `'sha384-…'` or `'sha512-…'`.
    Hash {
        /// `sha256`, `sha384` or `sha512`.
        algorithm: String,
        /// The base64 digest.
        digest: String,
    },
    /// A scheme source such as `https:`, lower case without the colon.
    Scheme(String),
    /// A host source (`*` is a host source with host `*`).
    Host(HostSource),
    /// Not a source expression; browsers ignore it.
    Invalid(String),
}

fn is_base64_value(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    s.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

fn is_host_part(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let s = s.strip_prefix("*.").unwrap_or(s);
    let s = s.strip_suffix('.').unwrap_or(s);
    !s.is_empty()
        && s.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn is_path(s: &str) -> bool {
    let b = s.as_bytes();
    // Hex digits after "%" are letters or digits, so checking that every
    // "%" is followed by two of them is enough.
    s.starts_with('/')
        && b.iter().enumerate().all(|(i, &c)| {
            c.is_ascii_alphanumeric()
                || b"-._~!$&'()*+=:@/".contains(&c)
                || (c == b'%'
                    && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        })
}

/// Classifies one source expression after the CSP3 grammar (keywords are
/// case-insensitive).
pub fn parse_source(token: &str) -> Source {
    let lower = token.to_ascii_lowercase();
    if let Some((_, k)) = KEYWORDS.iter().find(|(w, _)| *w == lower) {
        return Source::Keyword(*k);
    }
    if let Some(inner) = lower.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        // Keep the original case of the base64 part.
        let original = &token[1..token.len() - 1];
        if inner.starts_with("nonce-") {
            let value = &original[6..];
            if is_base64_value(value) {
                return Source::Nonce(value.to_string());
            }
        }
        for algorithm in ["sha256", "sha384", "sha512"] {
            if inner.starts_with(algorithm) && inner.as_bytes().get(6) == Some(&b'-') {
                let digest = &original[7..];
                if is_base64_value(digest) {
                    return Source::Hash {
                        algorithm: algorithm.to_string(),
                        digest: digest.to_string(),
                    };
                }
            }
        }
        return Source::Invalid(token.to_string());
    }
    if let Some(scheme) = lower.strip_suffix(':')
        && is_scheme(scheme)
    {
        return Source::Scheme(scheme.to_string());
    }
    let (scheme, rest) = match lower.split_once("://") {
        Some((s, rest)) if is_scheme(s) => (Some(s.to_string()), rest),
        Some(_) => return Source::Invalid(token.to_string()),
        None => (None, lower.as_str()),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let port_ok =
        port.is_none_or(|p| p == "*" || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
    let path_ok = path.is_none_or(is_path);
    if !is_host_part(host) || !port_ok || !path_ok {
        return Source::Invalid(token.to_string());
    }
    // The path keeps its case: paths are case-sensitive.
    let path = path.map(|p| {
        let offset = token.len() - p.len();
        token[offset..].to_string()
    });
    Source::Host(HostSource {
        scheme,
        host: host.to_string(),
        port: port.map(str::to_string),
        path,
    })
}

/// A URL known to allow a bypass, from the CSP Evaluator lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BypassUrl {
    /// Host, lower case.
    pub host: String,
    /// Path (may be empty).
    pub path: String,
}

/// Hosts that serve JSONP, AngularJS or Flash endpoints which let an
/// attacker run script once the host is allowlisted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowlistBypasses {
    /// AngularJS libraries (template injection).
    pub angular: Vec<BypassUrl>,
    /// JSONP endpoints (attacker-chosen callback).
    pub jsonp: Vec<BypassUrl>,
    /// JSONP hosts whose bypass also needs `'unsafe-eval'`.
    pub jsonp_needs_eval: Vec<String>,
    /// Flash files (`object-src`).
    pub flash: Vec<BypassUrl>,
}

fn json_urls(text: &str, key: &str) -> Result<Vec<String>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let list = value
        .get(key)
        .and_then(|v| v.as_array())
        .ok_or_else(|| format!("no \"{key}\" list"))?;
    list.iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("a non-string in \"{key}\""))
        })
        .collect()
}

fn bypass_url(url: &str) -> Result<BypassUrl, String> {
    let rest = url
        .strip_prefix("//")
        .ok_or_else(|| format!("{url:?} does not start with //"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    Ok(BypassUrl {
        host: host.to_ascii_lowercase(),
        path: path.to_string(),
    })
}

impl AllowlistBypasses {
    /// Reads the CSP Evaluator JSON files (`angular.json`, `jsonp.json`,
    /// `flash.json`).
    pub fn from_json(angular: &str, jsonp: &str, flash: &str) -> Result<Self, String> {
        let urls = |text: &str, key: &str| -> Result<Vec<BypassUrl>, String> {
            json_urls(text, key)?
                .iter()
                .map(|u| bypass_url(u))
                .collect()
        };
        Ok(AllowlistBypasses {
            angular: urls(angular, "urls")?,
            jsonp: urls(jsonp, "urls")?,
            jsonp_needs_eval: json_urls(jsonp, "needsEval")?
                .into_iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            flash: urls(flash, "urls")?,
        })
    }

    /// The lists shipped with this crate (`data/csp-evaluator/`).
    pub fn builtin() -> &'static AllowlistBypasses {
        static LISTS: OnceLock<AllowlistBypasses> = OnceLock::new();
        LISTS.get_or_init(|| {
            // The files are part of the crate and tested; an unreadable
            // copy degrades to no bypass warnings rather than a panic.
            AllowlistBypasses::from_json(
                include_str!("../data/csp-evaluator/angular.json"),
                include_str!("../data/csp-evaluator/jsonp.json"),
                include_str!("../data/csp-evaluator/flash.json"),
            )
            .unwrap_or_default()
        })
    }
}

impl HostSource {
    /// Whether this source allows `url` (host and path, scheme and port
    /// aside), the way CSP Evaluator matches its lists.
    pub fn allows(&self, url: &BypassUrl) -> bool {
        let host = self.host.strip_suffix('.').unwrap_or(&self.host);
        let host_ok = match host.strip_prefix("*.") {
            _ if host == "*" => true,
            Some(parent) => url.host.ends_with(&format!(".{parent}")),
            None => url.host == host,
        };
        host_ok
            && match self.path.as_deref() {
                None | Some("/") => true,
                Some(p) if p.ends_with('/') => url.path.starts_with(p),
                Some(p) => url.path == p,
            }
    }

    fn allows_any_host(&self) -> bool {
        self.host == "*"
    }
}

/// What a weakness lets an attacker do; policies are combined per aspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aspect {
    /// Inline `<script>` and event handlers run.
    InlineScript,
    /// `eval()` and friends run.
    Eval,
    /// Scripts load from URLs an attacker can control.
    ScriptUrls,
    /// `<object>`/`<embed>` plugins load from anywhere.
    Objects,
    /// An injected `<base>` can redirect nonce- or hash-trusted scripts.
    BaseUri,
}

impl ToMessage for Aspect {
    /// What the weakness allows, for people.
    fn to_message(&self) -> Message {
        match self {
            Aspect::InlineScript => msg!("csp-aspect-inline-script"),
            Aspect::Eval => msg!("csp-aspect-eval"),
            Aspect::ScriptUrls => msg!("csp-aspect-script-urls"),
            Aspect::Objects => msg!("csp-aspect-objects"),
            Aspect::BaseUri => msg!("csp-aspect-base-uri"),
        }
    }
}

/// One weakness in one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// What it weakens.
    pub aspect: Aspect,
    /// The directive it is in (or would be in).
    pub directive: String,
    /// What was seen and what to do, for people.
    pub detail: Message,
}

/// The evaluation of one policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyEvaluation {
    /// Weaknesses.
    pub issues: Vec<Issue>,
    /// Worth knowing, not weaknesses (typos, ignored sources, advice).
    pub notes: Vec<Message>,
}

const SCRIPT_ELEM: [&str; 3] = ["script-src-elem", "script-src", "default-src"];
const SCRIPT_ATTR: [&str; 3] = ["script-src-attr", "script-src", "default-src"];
const SCRIPT_EVAL: [&str; 2] = ["script-src", "default-src"];
const OBJECT: [&str; 2] = ["object-src", "default-src"];

/// Directives of CSP Level 3 and the ones browsers still know.
const KNOWN_DIRECTIVES: [&str; 31] = [
    "base-uri",
    "block-all-mixed-content",
    "child-src",
    "connect-src",
    "default-src",
    "fenced-frame-src",
    "font-src",
    "form-action",
    "frame-ancestors",
    "frame-src",
    "img-src",
    "manifest-src",
    "media-src",
    "navigate-to",
    "object-src",
    "plugin-types",
    "prefetch-src",
    "report-to",
    "report-uri",
    "require-trusted-types-for",
    "sandbox",
    "script-src",
    "script-src-attr",
    "script-src-elem",
    "style-src",
    "style-src-attr",
    "style-src-elem",
    "trusted-types",
    "upgrade-insecure-requests",
    "webrtc",
    "worker-src",
];

/// Directives whose values are source lists.
fn is_fetch_like(name: &str) -> bool {
    name.ends_with("-src")
        || name.ends_with("-src-elem")
        || name.ends_with("-src-attr")
        || matches!(name, "base-uri" | "form-action" | "frame-ancestors")
}

fn parsed(d: &Directive) -> Vec<(String, Source)> {
    d.values
        .iter()
        .map(|v| (v.clone(), parse_source(v)))
        .collect()
}

fn has_keyword(sources: &[(String, Source)], k: Keyword) -> bool {
    sources.iter().any(|(_, s)| *s == Source::Keyword(k))
}

/// Broad sources that let an attacker host what the list allows:
/// `*`, `http:`, `https:`, `data:` and hosts over plain http.
fn broad_sources(d: &Directive, sources: &[(String, Source)], aspect: Aspect) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (text, s) in sources {
        let why = match s {
            Source::Host(h) if h.allows_any_host() => Some(msg!("csp-broad-any-host")),
            Source::Scheme(sc) if sc == "data" => Some(msg!("csp-broad-data")),
            Source::Scheme(sc) if sc == "http" || sc == "https" => {
                Some(msg!("csp-broad-scheme", scheme = sc.as_str()))
            }
            Source::Host(h) if h.scheme.as_deref() == Some("http") => {
                Some(msg!("csp-broad-plain-http"))
            }
            _ => None,
        };
        if let Some(why) = why {
            issues.push(Issue {
                aspect,
                directive: d.name.clone(),
                detail: msg!(
                    "csp-source-issue",
                    directive = d.name.as_str(),
                    source = text.as_str(),
                    why = why
                ),
            });
        }
    }
    issues
}

/// A bypass list, what its entries are, and which hosts to leave out.
type BypassList<'a> = (&'a [BypassUrl], Message, &'a dyn Fn(&str) -> bool);

fn bypass_issues(
    d: &Directive,
    sources: &[(String, Source)],
    lists: &[BypassList<'_>],
    aspect: Aspect,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (text, s) in sources {
        let Source::Host(h) = s else { continue };
        if h.allows_any_host() {
            continue;
        }
        for (list, kind, skip_host) in lists {
            if let Some(url) = list.iter().find(|u| !skip_host(&u.host) && h.allows(u)) {
                issues.push(Issue {
                    aspect,
                    directive: d.name.clone(),
                    detail: msg!(
                        "csp-bypass-host",
                        directive = d.name.as_str(),
                        source = text.as_str(),
                        kind = kind.clone(),
                        example = format!("//{}{}", url.host, url.path)
                    ),
                });
                break;
            }
        }
    }
    issues
}

/// Evaluates one policy on its own.
pub fn evaluate_policy(policy: &Policy, bypasses: &AllowlistBypasses) -> PolicyEvaluation {
    let mut out = PolicyEvaluation::default();
    let elem = policy.first_of(&SCRIPT_ELEM);
    let attr = policy.first_of(&SCRIPT_ATTR);
    let eval = policy.first_of(&SCRIPT_EVAL);
    let eval_sources = eval.map(parsed).unwrap_or_default();
    let has_unsafe_eval = has_keyword(&eval_sources, Keyword::UnsafeEval);
    let mut uses_nonce_or_hash = false;

    if elem.is_none() {
        for aspect in [Aspect::InlineScript, Aspect::Eval, Aspect::ScriptUrls] {
            out.issues.push(Issue {
                aspect,
                directive: "script-src".into(),
                detail: msg!("csp-no-script-src"),
            });
        }
    }
    if elem.is_some() {
        // Only script-src-elem (or -attr) given: the rest falls back to nothing.
        if attr.is_none() {
            out.issues.push(Issue {
                aspect: Aspect::InlineScript,
                directive: "script-src-attr".into(),
                detail: msg!("csp-no-script-src-attr"),
            });
        }
        if eval.is_none() {
            out.issues.push(Issue {
                aspect: Aspect::Eval,
                directive: "script-src".into(),
                detail: msg!("csp-no-eval-restriction"),
            });
        }
    }
    let mut script_lists: Vec<&Directive> = Vec::new();
    for d in [elem, attr, eval].into_iter().flatten() {
        if !script_lists.iter().any(|s| s.name == d.name) {
            script_lists.push(d);
        }
    }
    for d in script_lists {
        let sources = parsed(d);
        let nonce_or_hash = sources
            .iter()
            .any(|(_, s)| matches!(s, Source::Nonce(_) | Source::Hash { .. }));
        uses_nonce_or_hash |= nonce_or_hash;
        let strict_dynamic = has_keyword(&sources, Keyword::StrictDynamic);
        let is_elem = elem.is_some_and(|e| e.name == d.name);
        let is_eval = eval.is_some_and(|e| e.name == d.name);
        if has_keyword(&sources, Keyword::UnsafeInline) {
            if nonce_or_hash || strict_dynamic {
                out.notes.push(msg!(
                    "csp-note-unsafe-inline-ignored",
                    directive = d.name.as_str()
                ));
            } else {
                out.issues.push(Issue {
                    aspect: Aspect::InlineScript,
                    directive: d.name.clone(),
                    detail: msg!("csp-unsafe-inline", directive = d.name.as_str()),
                });
            }
        }
        if is_eval && has_unsafe_eval {
            out.issues.push(Issue {
                aspect: Aspect::Eval,
                directive: d.name.clone(),
                detail: msg!("csp-unsafe-eval", directive = d.name.as_str()),
            });
        }
        if !is_elem {
            continue;
        }
        if strict_dynamic {
            if !nonce_or_hash {
                out.notes.push(msg!(
                    "csp-note-strict-dynamic-alone",
                    directive = d.name.as_str()
                ));
            }
            // With 'strict-dynamic' browsers ignore host and scheme sources.
            continue;
        }
        out.issues
            .extend(broad_sources(d, &sources, Aspect::ScriptUrls));
        // Some JSONP endpoints only help an attacker who can also eval.
        let needs_eval =
            |host: &str| !has_unsafe_eval && bypasses.jsonp_needs_eval.iter().any(|h| h == host);
        out.issues.extend(bypass_issues(
            d,
            &sources,
            &[
                (&bypasses.angular, msg!("csp-bypass-angular"), &|_| false),
                (&bypasses.jsonp, msg!("csp-bypass-jsonp"), &needs_eval),
            ],
            Aspect::ScriptUrls,
        ));
    }

    match policy.first_of(&OBJECT) {
        None => out.issues.push(Issue {
            aspect: Aspect::Objects,
            directive: "object-src".into(),
            detail: msg!("csp-no-object-src"),
        }),
        Some(d) => {
            let sources = parsed(d);
            out.issues
                .extend(broad_sources(d, &sources, Aspect::Objects));
            out.issues.extend(bypass_issues(
                d,
                &sources,
                &[(&bypasses.flash, msg!("csp-bypass-flash"), &|_| false)],
                Aspect::Objects,
            ));
        }
    }

    if policy.directive("base-uri").is_none() {
        if uses_nonce_or_hash {
            out.issues.push(Issue {
                aspect: Aspect::BaseUri,
                directive: "base-uri".into(),
                detail: msg!("csp-no-base-uri-with-nonce"),
            });
        } else {
            out.notes.push(msg!("csp-note-no-base-uri"));
        }
    }
    if policy.directive("default-src").is_none() && elem.is_some() {
        out.notes.push(msg!("csp-note-no-default-src"));
    }

    for d in &policy.directives {
        if !KNOWN_DIRECTIVES.contains(&d.name.as_str()) {
            out.notes.push(msg!(
                "csp-note-unknown-directive",
                directive = d.name.as_str()
            ));
            continue;
        }
        if !is_fetch_like(&d.name) {
            continue;
        }
        let sources = parsed(d);
        for (text, s) in &sources {
            match s {
                Source::Invalid(_) => out.notes.push(msg!(
                    "csp-note-invalid-source",
                    directive = d.name.as_str(),
                    source = text.as_str()
                )),
                Source::Host(h)
                    if h.scheme.as_deref() == Some("http")
                        && !SCRIPT_ELEM.contains(&d.name.as_str())
                        && d.name != "object-src" =>
                {
                    out.notes.push(msg!(
                        "csp-note-plain-http",
                        directive = d.name.as_str(),
                        source = text.as_str()
                    ))
                }
                _ => {}
            }
        }
        if has_keyword(&sources, Keyword::None) && sources.len() > 1 {
            out.notes.push(msg!(
                "csp-note-none-with-others",
                directive = d.name.as_str()
            ));
        }
    }
    out.notes.extend(policy.skipped.iter().cloned());
    out
}

/// The evaluation of every enforced policy together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspEvaluation {
    /// Each policy with its own evaluation.
    pub policies: Vec<(Policy, PolicyEvaluation)>,
    /// Aspects weakened in every policy: what the site really allows.
    pub weakened: BTreeSet<Aspect>,
}

/// Evaluates enforced policies together: an aspect is weakened only when
/// every policy weakens it, since a resource must pass all of them.
pub fn evaluate(policies: &[Policy], bypasses: &AllowlistBypasses) -> CspEvaluation {
    let evaluated: Vec<(Policy, PolicyEvaluation)> = policies
        .iter()
        .map(|p| (p.clone(), evaluate_policy(p, bypasses)))
        .collect();
    let mut weakened = BTreeSet::new();
    if !evaluated.is_empty() {
        for aspect in [
            Aspect::InlineScript,
            Aspect::Eval,
            Aspect::ScriptUrls,
            Aspect::Objects,
            Aspect::BaseUri,
        ] {
            if evaluated
                .iter()
                .all(|(_, e)| e.issues.iter().any(|i| i.aspect == aspect))
            {
                weakened.insert(aspect);
            }
        }
    }
    CspEvaluation {
        policies: evaluated,
        weakened,
    }
}

/// How the enforced policies restrict framing, when any has
/// `frame-ancestors` (which then overrides `X-Frame-Options`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameAncestors {
    /// At least one policy limits who may frame the page.
    Restricted(String),
    /// Every `frame-ancestors` present allows any site.
    Open(String),
}

/// The `frame-ancestors` verdict of enforced policies, or `None` when no
/// policy has the directive.
pub fn frame_ancestors(policies: &[Policy]) -> Option<FrameAncestors> {
    let mut open = None;
    for p in policies {
        let Some(d) = p.directive("frame-ancestors") else {
            continue;
        };
        let text = format!("frame-ancestors {}", d.values.join(" "));
        let sources = parsed(d);
        let only_none = sources.len() == 1 && has_keyword(&sources, Keyword::None);
        let any_site = sources.iter().any(|(_, s)| match s {
            Source::Host(h) => h.allows_any_host(),
            Source::Scheme(_) => true,
            _ => false,
        });
        if only_none || !any_site {
            return Some(FrameAncestors::Restricted(text));
        }
        open.get_or_insert(text);
    }
    open.map(FrameAncestors::Open)
}

/// Most evidence lines in a CSP finding.
const MAX_EVIDENCE: usize = 60;

/// `web.headers.csp`: a `Content-Security-Policy` is enforced and not
/// weakened (inline script without nonce or hash, eval, broad or plain-http
/// script sources, known allowlist-bypass hosts, unrestricted plugins, a
/// missing `base-uri` where nonces are used).
pub fn finding(headers: &ResponseHeaders) -> Finding {
    finding_with(headers, AllowlistBypasses::builtin())
}

/// [`finding`] with other bypass lists.
pub fn finding_with(headers: &ResponseHeaders, bypasses: &AllowlistBypasses) -> Finding {
    let id = ids::WEB_HEADERS_CSP;
    let enforced = policies(headers, Disposition::Enforce);
    let report_only = policies(headers, Disposition::Report);
    let mut evidence: Vec<Evidence> = Vec::new();
    for v in headers.values("content-security-policy") {
        evidence.push(Evidence::new("Content-Security-Policy", shown(v, 600)));
    }
    for v in headers.values("content-security-policy-report-only") {
        evidence.push(Evidence::new(
            "Content-Security-Policy-Report-Only",
            msg!("csp-report-only-value", value = shown(v, 600)),
        ));
    }
    if enforced.is_empty() {
        let header_sent = headers.values("content-security-policy").next().is_some();
        let summary = if !report_only.is_empty() {
            msg!("csp-warning-report-only")
        } else if header_sent {
            msg!("csp-warning-empty")
        } else {
            msg!("csp-warning-absent")
        };
        if header_sent {
            evidence.push(Evidence::new(
                "Content-Security-Policy",
                msg!("csp-no-directives"),
            ));
        }
        evidence.push(Evidence::new(msg!("evidence-advice"), msg!("csp-advice")));
        return Finding::new(id, Status::Warning, summary).with_all(capped(evidence, MAX_EVIDENCE));
    }
    let result = evaluate(&enforced, bypasses);
    let several = result.policies.len() > 1;
    for (i, (_, e)) in result.policies.iter().enumerate() {
        let subject = if several {
            msg!("csp-policy-numbered", number = i + 1)
        } else {
            msg!("csp-policy")
        };
        for issue in &e.issues {
            let detail = if result.weakened.contains(&issue.aspect) {
                issue.detail.clone()
            } else {
                msg!("csp-issue-no-effect", detail = issue.detail.clone())
            };
            evidence.push(Evidence::new(subject.clone(), detail));
        }
        for note in &e.notes {
            evidence.push(Evidence::new(
                subject.clone(),
                msg!("csp-note", detail = note.clone()),
            ));
        }
    }
    if result.weakened.is_empty() {
        Finding::new(id, Status::Pass, msg!("csp-pass")).with_all(capped(evidence, MAX_EVIDENCE))
    } else {
        let what: Vec<Arg> = result
            .weakened
            .iter()
            .map(|a| Arg::Msg(a.to_message()))
            .collect();
        Finding::new(
            id,
            Status::Warning,
            msg!("csp-warning-weakened", what = Arg::List(what)),
        )
        .with_all(capped(evidence, MAX_EVIDENCE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(fields: &[(&str, &str)]) -> ResponseHeaders {
        ResponseHeaders::new(
            fields
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect(),
        )
    }

    fn csp(value: &str) -> Finding {
        finding(&headers(&[("Content-Security-Policy", value)]))
    }

    #[test]
    fn parses_like_a_browser() {
        let p =
            parse_policy(b"  SCRIPT-SRC 'self'  https://a.example ;; script-src *; img-src\t*  ;");
        assert_eq!(p.directives.len(), 2);
        assert_eq!(p.directives[0].name, "script-src");
        assert_eq!(p.directives[0].values, vec!["'self'", "https://a.example"]);
        assert_eq!(p.directives[1].values, vec!["*"]);
        assert_eq!(p.skipped.len(), 1);
        let p = parse_policy("default-src 'self'; img-src h\u{e9}.example".as_bytes());
        assert_eq!(p.directives.len(), 1);
        assert_eq!(
            parse_policy_list(b"default-src 'self', script-src 'none',, ").len(),
            2
        );
        assert!(parse_policy_list(b" ; ").is_empty());
    }

    #[test]
    fn sources() {
        assert_eq!(parse_source("'SELF'"), Source::Keyword(Keyword::SelfOrigin));
        assert_eq!(
            parse_source("'nonce-AbC+/=='"),
            Source::Nonce("AbC+/==".into())
        );
        assert!(matches!(parse_source("'nonce-'"), Source::Invalid(_)));
        assert!(matches!(parse_source("'sha256-AbC='"), Source::Hash { .. }));
        assert!(matches!(parse_source("'sha1-AbC='"), Source::Invalid(_)));
        assert_eq!(parse_source("HTTPS:"), Source::Scheme("https".into()));
        assert_eq!(
            parse_source("https://*.Example.com:443/Path/"),
            Source::Host(HostSource {
                scheme: Some("https".into()),
                host: "*.example.com".into(),
                port: Some("443".into()),
                path: Some("/Path/".into())
            })
        );
        assert!(matches!(parse_source("*"), Source::Host(h) if h.allows_any_host()));
        assert!(matches!(parse_source("https://*"), Source::Host(h) if h.allows_any_host()));
        assert!(matches!(
            parse_source("example.com:80a"),
            Source::Invalid(_)
        ));
        assert!(matches!(parse_source("exa_mple.com"), Source::Invalid(_)));
        assert!(matches!(parse_source("'unknown'"), Source::Invalid(_)));
        assert!(matches!(
            parse_source("https://a.example/%zz"),
            Source::Invalid(_)
        ));
        assert!(matches!(
            parse_source("https://a.example/%41b"),
            Source::Host(_)
        ));
    }

    #[test]
    fn strong_policies_pass() {
        for p in [
            "default-src 'self'; object-src 'none'; base-uri 'none'",
            "script-src 'nonce-r4nd0m' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'",
            "default-src 'none'; script-src 'sha256-abc=' ; base-uri 'self'",
        ] {
            let f = csp(p);
            assert_eq!(f.status, Status::Pass, "{p}: {f:?}");
        }
    }

    #[test]
    fn weak_policies_warn() {
        let cases: [(&str, Aspect); 11] = [
            ("default-src 'self' 'unsafe-inline'", Aspect::InlineScript),
            (
                "default-src 'self'; script-src 'self' 'unsafe-eval'",
                Aspect::Eval,
            ),
            (
                "default-src 'self'; script-src 'nonce-abc' 'unsafe-eval'; base-uri 'none'",
                Aspect::Eval,
            ),
            ("default-src 'self'; script-src *", Aspect::ScriptUrls),
            ("default-src 'self'; script-src http:", Aspect::ScriptUrls),
            ("default-src 'self'; script-src data:", Aspect::ScriptUrls),
            (
                "default-src 'self'; script-src http://cdn.example",
                Aspect::ScriptUrls,
            ),
            ("img-src 'self'", Aspect::ScriptUrls),
            ("script-src 'self'", Aspect::Objects),
            (
                "default-src 'self'; script-src 'nonce-abc'",
                Aspect::BaseUri,
            ),
            ("script-src-elem 'self'; object-src 'none'", Aspect::Eval),
        ];
        for (p, aspect) in cases {
            let f = csp(p);
            assert_eq!(f.status, Status::Warning, "{p}");
            let e = evaluate(
                &parse_policy_list(p.as_bytes()),
                AllowlistBypasses::builtin(),
            );
            assert!(e.weakened.contains(&aspect), "{p}: {:?}", e.weakened);
        }
    }

    #[test]
    fn allowlist_bypass_hosts_warn() {
        let f = crate::rendered(&csp(
            "default-src 'self'; script-src 'self' https://ajax.googleapis.com; object-src 'none'",
        ));
        assert_eq!(f.status, Status::Warning);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("allowlist bypass"))
        );
        // A path that excludes the endpoint is no bypass.
        let f = csp(
            "default-src 'self'; script-src https://ajax.googleapis.com/ajax/libs/jquery/; object-src 'none'",
        );
        assert_eq!(f.status, Status::Pass, "{f:?}");
        // JSONP on a needs-eval host only counts with 'unsafe-eval'.
        let f = csp(
            "default-src 'self'; script-src https://www.googletagmanager.com; object-src 'none'",
        );
        assert_eq!(f.status, Status::Pass, "{f:?}");
        // ...but an AngularJS library on the same host is a bypass anyway.
        let f = csp(
            "default-src 'self'; script-src https://www.googleadservices.com/pageadimg/; object-src 'none'",
        );
        assert_eq!(f.status, Status::Warning);
        // 'strict-dynamic' makes browsers ignore the allowlist.
        let f = csp(
            "script-src 'nonce-x' 'strict-dynamic' https://ajax.googleapis.com; object-src 'none'; base-uri 'none'",
        );
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn several_policies_combine() {
        // The second policy blocks inline script, so the site does too.
        let f = crate::rendered(&finding(&headers(&[
            (
                "content-security-policy",
                "script-src 'unsafe-inline' 'self'; object-src 'none'",
            ),
            ("content-security-policy", "default-src 'self'"),
        ])));
        assert_eq!(f.status, Status::Pass, "{f:?}");
        assert!(
            f.evidence
                .iter()
                .any(|e| e.detail.contains("another policy blocks"))
        );
        let f = csp("script-src 'unsafe-inline', object-src 'none'");
        assert_eq!(f.status, Status::Warning);
    }

    #[test]
    fn absent_or_report_only() {
        let f = finding(&headers(&[]));
        assert_eq!(f.status, Status::Warning);
        let f = finding(&headers(&[(
            "Content-Security-Policy-Report-Only",
            "default-src 'self'",
        )]));
        assert_eq!(f.status, Status::Warning);
        assert!(crate::english(&f).contains("report-only"));
        assert_eq!(csp(" ; ").status, Status::Warning);
    }

    #[test]
    fn notes() {
        let f = crate::rendered(&csp(
            "default-src 'self'; scirpt-src 'none'; img-src 'none' data:; object-src 'none'; base-uri 'none'; img-src *",
        ));
        assert_eq!(f.status, Status::Pass);
        let notes: Vec<&str> = f.evidence.iter().map(|e| e.detail.as_str()).collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("scirpt-src is not a CSP directive"))
        );
        assert!(notes.iter().any(|n| n.contains("'none' has no effect")));
        assert!(notes.iter().any(|n| n.contains("second img-src")));
    }

    #[test]
    fn evidence_is_bounded() {
        let policy = format!("default-src 'self'; img-src {}", "bad_source ".repeat(5000));
        let f = csp(&policy);
        assert!(f.evidence.len() <= 61, "{}", f.evidence.len());
        let many = "script-src *,".repeat(2000);
        let f = csp(&many);
        assert_eq!(f.status, Status::Warning);
        assert!(f.evidence.len() <= 61);
    }

    #[test]
    fn frame_ancestors_verdicts() {
        let fa = |s: &str| frame_ancestors(&parse_policy_list(s.as_bytes()));
        assert!(matches!(
            fa("frame-ancestors 'none'"),
            Some(FrameAncestors::Restricted(_))
        ));
        assert!(matches!(
            fa("frame-ancestors 'self' https://a.example"),
            Some(FrameAncestors::Restricted(_))
        ));
        assert!(matches!(
            fa("frame-ancestors *"),
            Some(FrameAncestors::Open(_))
        ));
        assert!(matches!(
            fa("frame-ancestors https:"),
            Some(FrameAncestors::Open(_))
        ));
        assert!(matches!(
            fa("frame-ancestors *, frame-ancestors 'self'"),
            Some(FrameAncestors::Restricted(_))
        ));
        assert_eq!(fa("default-src 'self'"), None);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let h = ResponseHeaders::new(vec![("content-security-policy".into(), bytes.clone())]);
            let _ = finding(&h);
            for p in parse_policy_list(&bytes) {
                for d in &p.directives {
                    for v in &d.values {
                        let _ = parse_source(v);
                    }
                }
            }
        }

        #[test]
        fn sources_never_panic(text in "\\PC{0,40}") {
            let _ = parse_source(&text);
            let _ = parse_source(&format!("'{text}'"));
        }

        #[test]
        fn never_panics_on_policy_like_input(s in "([a-z-]{1,12}( ('[a-z0-9-]{0,12}'|[a-z*.:/%0-9]{1,15})){0,4}[;,] ?){0,6}") {
            let h = ResponseHeaders::new(vec![("content-security-policy".into(), s.into_bytes())]);
            let _ = finding(&h);
        }

        #[test]
        fn round_trip(dirs in proptest::collection::btree_map("[a-z][a-z-]{0,10}", proptest::collection::vec("[!-:<-~]{1,10}", 0..4), 0..5)) {
            let policy = Policy {
                directives: dirs.into_iter().map(|(name, values)| Directive { name, values }).collect(),
                skipped: vec![],
            };
            prop_assert_eq!(parse_policy(policy.to_string().as_bytes()), policy);
        }
    }
}
