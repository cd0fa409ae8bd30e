//! RDAP without IO: the IANA bootstrap registries (RFC 9224) that say which
//! server answers for an address, an AS number or a domain; the query URLs
//! (RFC 9082); and the answers (RFC 9083), read down to their entities and
//! abuse contacts.
//!
//! Answers come from servers we do not trust, so everything is read from a
//! `serde_json::Value` (whose parser bounds nesting at 128 levels) by hand:
//! a field of the wrong type is noted as a problem of that field, an entity
//! whose jCard is malformed keeps its place with the reason, and only an
//! answer that is not a JSON object at all, or an RDAP error, fails as a
//! whole. Entity trees are walked to [`MAX_ENTITY_DEPTH`] levels and
//! [`MAX_ENTITIES`] entities.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::jcard::{self, Card, cut, kind_of};
use crate::routing::Prefix;

/// Where IANA publishes the bootstrap files.
pub const IANA_BOOTSTRAP: &str = "https://data.iana.org/rdap/";
/// Most entries read from one bootstrap file (IANA's dns.json has ~1,500).
pub const MAX_BOOTSTRAP_ENTRIES: usize = 100_000;
/// Deepest entity nesting walked.
pub const MAX_ENTITY_DEPTH: usize = 8;
/// Most entities read from one answer.
pub const MAX_ENTITIES: usize = 256;

/// One of the IANA bootstrap registries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistryKind {
    /// Top-level (and other) domains: `dns.json`.
    Dns,
    /// IPv4 prefixes: `ipv4.json`.
    Ipv4,
    /// IPv6 prefixes: `ipv6.json`.
    Ipv6,
    /// AS number ranges: `asn.json`.
    Asn,
}

impl RegistryKind {
    /// The file name IANA gives it.
    pub fn file_name(self) -> &'static str {
        match self {
            RegistryKind::Dns => "dns.json",
            RegistryKind::Ipv4 => "ipv4.json",
            RegistryKind::Ipv6 => "ipv6.json",
            RegistryKind::Asn => "asn.json",
        }
    }
}

/// Why a bootstrap file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BootstrapError {
    /// Not JSON.
    #[error("not JSON: {0}")]
    Json(String),
    /// JSON, but not in the RFC 9224 layout.
    #[error("not an RDAP bootstrap registry (RFC 9224 §3): {0}")]
    Layout(String),
    /// An entry that does not fit the registry.
    #[error("services[{service}]: {entry:?} is not {expected}")]
    Entry {
        /// Position of the service.
        service: usize,
        /// The entry as written (cut).
        entry: String,
        /// What an entry of this registry looks like.
        expected: &'static str,
    },
    /// More entries than any real registry has.
    #[error("more than {MAX_BOOTSTRAP_ENTRIES} entries")]
    TooLarge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Label(String),
    Prefix(Prefix),
    Asns(u32, u32),
}

/// A bootstrap registry: entries and the base URLs of the service for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    kind: RegistryKind,
    /// The `publication` time, as written.
    pub publication: Option<String>,
    entries: Vec<(Entry, usize)>,
    services: Vec<Vec<String>>,
}

impl Registry {
    /// Reads a bootstrap file of `kind`.
    pub fn parse(kind: RegistryKind, bytes: &[u8]) -> Result<Registry, BootstrapError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| BootstrapError::Json(e.to_string()))?;
        let Some(top) = value.as_object() else {
            return Err(BootstrapError::Layout(format!(
                "the file is {}, not an object",
                kind_of(&value)
            )));
        };
        let Some(services) = top.get("services").and_then(Value::as_array) else {
            return Err(BootstrapError::Layout("no \"services\" list".to_string()));
        };
        let mut registry = Registry {
            kind,
            publication: top
                .get("publication")
                .and_then(Value::as_str)
                .map(|s| cut(s, 64)),
            entries: Vec::new(),
            services: Vec::new(),
        };
        for (i, service) in services.iter().enumerate() {
            let layout = |what: &str| BootstrapError::Layout(format!("services[{i}] {what}"));
            let parts = service.as_array().ok_or_else(|| layout("is not a list"))?;
            // RFC 9224 services are [entries, urls]; the object-tags registry
            // (RFC 8521) puts contact information first, which is not read here.
            let (entries, urls) = match parts.as_slice() {
                [entries, urls] => (entries, urls),
                _ => return Err(layout("is not [entries, URLs]")),
            };
            let entries = entries
                .as_array()
                .ok_or_else(|| layout("has no list of entries"))?;
            let urls = urls
                .as_array()
                .ok_or_else(|| layout("has no list of URLs"))?;
            let mut bases = Vec::new();
            for url in urls {
                let Some(url) = url.as_str() else {
                    return Err(layout("has a URL that is not text"));
                };
                let lower = url.to_ascii_lowercase();
                if lower.starts_with("https://") || lower.starts_with("http://") {
                    bases.push(if url.ends_with('/') {
                        url.to_string()
                    } else {
                        format!("{url}/")
                    });
                }
            }
            let index = registry.services.len();
            registry.services.push(bases);
            for entry in entries {
                if registry.entries.len() == MAX_BOOTSTRAP_ENTRIES {
                    return Err(BootstrapError::TooLarge);
                }
                let text = entry.as_str().unwrap_or_default();
                let parsed = parse_entry(kind, text).ok_or_else(|| BootstrapError::Entry {
                    service: i,
                    entry: cut(
                        &entry
                            .as_str()
                            .map_or_else(|| entry.to_string(), str::to_string),
                        60,
                    ),
                    expected: match kind {
                        RegistryKind::Dns => "a domain label",
                        RegistryKind::Ipv4 => "an IPv4 prefix",
                        RegistryKind::Ipv6 => "an IPv6 prefix",
                        RegistryKind::Asn => "an AS number or range such as 64496-64511",
                    },
                })?;
                registry.entries.push((parsed, index));
            }
        }
        Ok(registry)
    }

    /// Which registry this is.
    pub fn kind(&self) -> RegistryKind {
        self.kind
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the registry has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The base URLs of the service for `query`: the longest matching prefix
    /// or domain suffix, or the AS range holding the number. `None` when no
    /// entry matches (or the query is for another registry).
    pub fn base_urls(&self, query: &RdapQuery) -> Option<&[String]> {
        let index = match query {
            RdapQuery::Ip(ip) => {
                let host = Prefix::host(*ip);
                self.entries
                    .iter()
                    .filter_map(|(e, s)| match e {
                        Entry::Prefix(p) if p.covers(&host) => Some((p.len(), *s)),
                        _ => None,
                    })
                    .max_by_key(|(len, _)| *len)
                    .map(|(_, s)| s)
            }
            RdapQuery::Autnum(n) => self.entries.iter().find_map(|(e, s)| match e {
                Entry::Asns(lo, hi) if lo <= n && n <= hi => Some(*s),
                _ => None,
            }),
            RdapQuery::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                let mut suffix: &str = &name;
                loop {
                    let found = self.entries.iter().find_map(|(e, s)| match e {
                        Entry::Label(l) if l == suffix => Some(*s),
                        _ => None,
                    });
                    if found.is_some() {
                        break found;
                    }
                    match suffix.split_once('.') {
                        Some((_, rest)) if !rest.is_empty() => suffix = rest,
                        _ => break None,
                    }
                }
            }
        }?;
        self.services.get(index).map(Vec::as_slice)
    }
}

fn parse_entry(kind: RegistryKind, text: &str) -> Option<Entry> {
    match kind {
        RegistryKind::Dns => {
            let label = text.trim_end_matches('.').to_ascii_lowercase();
            let ok = !label.is_empty()
                && label.len() <= 253
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            ok.then_some(Entry::Label(label))
        }
        RegistryKind::Ipv4 | RegistryKind::Ipv6 => {
            let prefix: Prefix = text.parse().ok()?;
            let v4 = prefix.addr().is_ipv4();
            (v4 == (kind == RegistryKind::Ipv4)).then_some(Entry::Prefix(prefix))
        }
        RegistryKind::Asn => {
            let (lo, hi) = text.split_once('-').unwrap_or((text, text));
            let lo: u32 = lo.trim().parse().ok()?;
            let hi: u32 = hi.trim().parse().ok()?;
            (lo <= hi).then_some(Entry::Asns(lo, hi))
        }
    }
}

/// The URL to use among a service's base URLs: HTTPS where offered
/// (RFC 9224 §3 lets a client choose; RFC 7481 §3 wants TLS).
pub fn choose_base(urls: &[String]) -> Option<&str> {
    urls.iter()
        .find(|u| u.to_ascii_lowercase().starts_with("https://"))
        .or_else(|| urls.first())
        .map(String::as_str)
}

/// What is asked of RDAP.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum RdapQuery {
    /// The network holding an address (`ip/…`).
    Ip(IpAddr),
    /// An AS number (`autnum/…`).
    Autnum(u32),
    /// A domain, in A-label form (`domain/…`).
    Domain(String),
}

impl RdapQuery {
    /// The bootstrap registry that knows the server for this query.
    pub fn registry(&self) -> RegistryKind {
        match self {
            RdapQuery::Ip(IpAddr::V4(_)) => RegistryKind::Ipv4,
            RdapQuery::Ip(IpAddr::V6(_)) => RegistryKind::Ipv6,
            RdapQuery::Autnum(_) => RegistryKind::Asn,
            RdapQuery::Domain(_) => RegistryKind::Dns,
        }
    }

    /// The path after the base URL (RFC 9082 §3.1).
    pub fn path(&self) -> String {
        match self {
            RdapQuery::Ip(ip) => format!("ip/{ip}"),
            RdapQuery::Autnum(n) => format!("autnum/{n}"),
            RdapQuery::Domain(d) => format!("domain/{}", d.trim_end_matches('.')),
        }
    }

    /// The full URL at the service `base`.
    pub fn url(&self, base: &str) -> String {
        if base.ends_with('/') {
            format!("{base}{}", self.path())
        } else {
            format!("{base}/{}", self.path())
        }
    }

    /// The `objectClassName` an answer to this query has.
    pub fn object_class(&self) -> &'static str {
        match self {
            RdapQuery::Ip(_) => "ip network",
            RdapQuery::Autnum(_) => "autnum",
            RdapQuery::Domain(_) => "domain",
        }
    }
}

impl fmt::Display for RdapQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RdapQuery::Ip(ip) => write!(f, "{ip}"),
            RdapQuery::Autnum(n) => write!(f, "AS{n}"),
            RdapQuery::Domain(d) => f.write_str(d),
        }
    }
}

/// Why an RDAP answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RdapError {
    /// Not JSON.
    #[error("the answer is not JSON: {0}")]
    Json(String),
    /// JSON, but not an object.
    #[error("the answer is {0}, not an RDAP object")]
    NotAnObject(&'static str),
    /// An RDAP error response (RFC 9083 §6).
    #[error("the server answered with RDAP error {code}{title}")]
    ErrorResponse {
        /// `errorCode`.
        code: String,
        /// ": title: description", as far as given.
        title: String,
    },
    /// An object of another class than asked for.
    #[error("the answer is a {found:?} object, not {expected:?}")]
    WrongClass {
        /// What was asked for.
        expected: &'static str,
        /// What came.
        found: String,
    },
}

/// How an entity's contact details could be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum CardOutcome {
    /// Read.
    Card {
        /// The details.
        card: Card,
    },
    /// The entity has no `vcardArray`.
    Missing,
    /// The `vcardArray` is malformed.
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
}

/// One entity of an answer, wherever it was nested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntityInfo {
    /// Where in the answer: `entities[0].entities[1]`.
    pub location: String,
    /// `handle`.
    pub handle: Option<String>,
    /// `roles`, lower case.
    pub roles: Vec<String>,
    /// The handles of the enclosing entities, outermost first ("?" for one
    /// without a handle).
    pub within: Vec<String>,
    /// The contact details.
    pub contact: CardOutcome,
}

impl EntityInfo {
    /// Whether the entity has `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.eq_ignore_ascii_case(role))
    }
}

/// What an RDAP answer says, as far as Indaba reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RdapObject {
    /// `objectClassName`.
    pub object_class: Option<String>,
    /// `handle`.
    pub handle: Option<String>,
    /// `ldhName` of a domain, `name` of a network or autnum.
    pub name: Option<String>,
    /// The range a network or autnum covers: `127.0.30.0 - 127.0.30.255`,
    /// `AS64530 - AS64530`.
    pub range: Option<String>,
    /// Every entity, depth first in document order.
    pub entities: Vec<EntityInfo>,
    /// Fields of the wrong shape, and limits reached, in words.
    pub problems: Vec<String>,
}

impl RdapObject {
    /// The entities with role `abuse` (RFC 9083 §10.2.4), nested ones included.
    pub fn abuse_contacts(&self) -> impl Iterator<Item = &EntityInfo> {
        self.entities.iter().filter(|e| e.has_role("abuse"))
    }
}

/// One RDAP lookup: what was asked, where, and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RdapLookup {
    /// What was asked: `127.0.30.1`, `AS64530`, `tls-good.test`.
    pub query: String,
    /// The URL asked first, when the bootstrap gave one.
    pub url: Option<String>,
    /// The URL that answered, after redirects.
    pub final_url: Option<String>,
    /// What came back.
    pub outcome: RdapOutcome,
}

/// What an RDAP lookup gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum RdapOutcome {
    /// An object.
    Object {
        /// What it says.
        object: RdapObject,
    },
    /// The server has no such object (HTTP 404, RFC 7480 §5.3).
    NotFound,
    /// No usable answer: why.
    Failed {
        /// The reason, in words.
        reason: String,
    },
}

/// Reads an RDAP answer to `query`.
pub fn parse_answer(query: &RdapQuery, body: &[u8]) -> Result<RdapObject, RdapError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| RdapError::Json(e.to_string()))?;
    let Some(top) = value.as_object() else {
        return Err(RdapError::NotAnObject(kind_of(&value)));
    };
    if let Some(code) = top.get("errorCode") {
        let mut title = String::new();
        if let Some(t) = top.get("title").and_then(Value::as_str) {
            title.push_str(": ");
            title.push_str(&cut(t, 120));
        }
        if let Some(lines) = top.get("description").and_then(Value::as_array) {
            for line in lines.iter().filter_map(Value::as_str).take(3) {
                title.push_str(if title.is_empty() { ": " } else { " — " });
                title.push_str(&cut(line, 200));
            }
        }
        return Err(RdapError::ErrorResponse {
            code: cut(&code.to_string(), 20),
            title,
        });
    }
    let mut problems = Vec::new();
    let object_class = string_field(top, "objectClassName", "", &mut problems);
    match &object_class {
        Some(found) if !found.eq_ignore_ascii_case(query.object_class()) => {
            return Err(RdapError::WrongClass {
                expected: query.object_class(),
                found: found.clone(),
            });
        }
        None => problems.push("no objectClassName (RFC 9083 §4.7 requires it)".into()),
        Some(_) => {}
    }
    let handle = string_field(top, "handle", "", &mut problems);
    let name = match query {
        RdapQuery::Domain(_) => string_field(top, "ldhName", "", &mut problems),
        _ => string_field(top, "name", "", &mut problems),
    };
    let range = match query {
        RdapQuery::Ip(_) => {
            let start = string_field(top, "startAddress", "", &mut problems);
            let end = string_field(top, "endAddress", "", &mut problems);
            start.zip(end).map(|(s, e)| format!("{s} - {e}"))
        }
        RdapQuery::Autnum(_) => {
            let start = top.get("startAutnum").and_then(Value::as_u64);
            let end = top.get("endAutnum").and_then(Value::as_u64);
            start.zip(end).map(|(s, e)| format!("AS{s} - AS{e}"))
        }
        RdapQuery::Domain(_) => None,
    };
    let entities = walk_entities(top, &mut problems);
    Ok(RdapObject {
        object_class,
        handle,
        name,
        range,
        entities,
        problems,
    })
}

/// A text field, or a problem when it has another type.
fn string_field(
    object: &Map<String, Value>,
    field: &str,
    location: &str,
    problems: &mut Vec<String>,
) -> Option<String> {
    match object.get(field)? {
        Value::String(s) => Some(cut(s, 256)),
        other => {
            problems.push(format!("{location}{field} is {}, not text", kind_of(other)));
            None
        }
    }
}

/// Every entity under `top`, depth first in document order, each with the
/// handles of the entities above it.
fn walk_entities(top: &Map<String, Value>, problems: &mut Vec<String>) -> Vec<EntityInfo> {
    let mut out = Vec::new();
    let mut truncated = false;
    walk(top, "", &[], 0, &mut out, problems, &mut truncated);
    if truncated {
        problems.push(format!(
            "more than {MAX_ENTITIES} entities; the rest were not read"
        ));
    }
    out
}

/// Reads the `entities` of `holder`; recursion is bounded by
/// [`MAX_ENTITY_DEPTH`], far below any stack limit.
fn walk(
    holder: &Map<String, Value>,
    location: &str,
    within: &[String],
    depth: usize,
    out: &mut Vec<EntityInfo>,
    problems: &mut Vec<String>,
    truncated: &mut bool,
) {
    let list = match holder.get("entities") {
        None => return,
        Some(Value::Array(list)) => list,
        Some(other) => {
            problems.push(format!(
                "{location}entities is {}, not a list",
                kind_of(other)
            ));
            return;
        }
    };
    if depth >= MAX_ENTITY_DEPTH {
        problems.push(format!(
            "{location}entities: nested deeper than {MAX_ENTITY_DEPTH} levels, not read"
        ));
        return;
    }
    for (i, entity) in list.iter().enumerate() {
        if out.len() >= MAX_ENTITIES {
            *truncated = true;
            return;
        }
        let here = format!("{location}entities[{i}]");
        let Some(object) = entity.as_object() else {
            problems.push(format!("{here} is {}, not an object", kind_of(entity)));
            continue;
        };
        let prefix = format!("{here}.");
        let handle = string_field(object, "handle", &prefix, problems);
        let roles = match object.get("roles") {
            None => Vec::new(),
            Some(Value::Array(roles)) => roles
                .iter()
                .filter_map(|r| match r.as_str() {
                    Some(r) => Some(cut(&r.to_ascii_lowercase(), 64)),
                    None => {
                        problems.push(format!("{prefix}roles holds {}", kind_of(r)));
                        None
                    }
                })
                .take(32)
                .collect(),
            Some(other) => {
                problems.push(format!("{prefix}roles is {}, not a list", kind_of(other)));
                Vec::new()
            }
        };
        let contact = match object.get("vcardArray") {
            None => CardOutcome::Missing,
            Some(card) => match jcard::parse(card) {
                Ok(card) => CardOutcome::Card { card },
                Err(e) => CardOutcome::Malformed {
                    reason: e.to_string(),
                },
            },
        };
        let mut inner = within.to_vec();
        inner.push(handle.clone().unwrap_or_else(|| "?".into()));
        out.push(EntityInfo {
            location: here,
            handle,
            roles,
            within: within.to_vec(),
            contact,
        });
        walk(object, &prefix, &inner, depth + 1, out, problems, truncated);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn registry(kind: RegistryKind, value: Value) -> Registry {
        Registry::parse(kind, value.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn bootstrap_picks_the_longest_match() {
        let v4 = registry(
            RegistryKind::Ipv4,
            json!({"version": "1.0", "publication": "2026-01-01T00:00:00Z", "services": [
                [["127.0.0.0/8"], ["https://rdap.test/rdap/"]],
                [["127.0.99.0/24", "10.0.0.0/8"], ["http://other.test/rdap", "https://other.test/rdap/"]]
            ]}),
        );
        assert_eq!(v4.len(), 3);
        assert_eq!(v4.publication.as_deref(), Some("2026-01-01T00:00:00Z"));
        let q = |s: &str| RdapQuery::Ip(s.parse().unwrap());
        assert_eq!(
            v4.base_urls(&q("127.0.30.1")).unwrap(),
            ["https://rdap.test/rdap/"]
        );
        let other = v4.base_urls(&q("127.0.99.7")).unwrap();
        assert_eq!(
            other,
            ["http://other.test/rdap/", "https://other.test/rdap/"]
        );
        assert_eq!(choose_base(other), Some("https://other.test/rdap/"));
        assert!(v4.base_urls(&q("192.0.2.1")).is_none());
    }

    #[test]
    fn bootstrap_domains_match_by_label() {
        let dns = registry(
            RegistryKind::Dns,
            json!({"services": [
                [["test", "example"], ["https://rdap.test/rdap/"]],
                [["co.test"], ["https://co.rdap.test/"]]
            ]}),
        );
        let d = |s: &str| RdapQuery::Domain(s.into());
        assert_eq!(
            dns.base_urls(&d("tls-good.test")).unwrap(),
            ["https://rdap.test/rdap/"]
        );
        assert_eq!(
            dns.base_urls(&d("shop.co.test.")).unwrap(),
            ["https://co.rdap.test/"]
        );
        assert!(dns.base_urls(&d("attest")).is_none());
        assert!(dns.base_urls(&d("x.org")).is_none());
    }

    #[test]
    fn bootstrap_asn_ranges() {
        let asn = registry(
            RegistryKind::Asn,
            json!({"services": [[["64496-64511", "64530"], ["https://rdap.test/rdap/"]]]}),
        );
        assert!(asn.base_urls(&RdapQuery::Autnum(64500)).is_some());
        assert!(asn.base_urls(&RdapQuery::Autnum(64530)).is_some());
        assert!(asn.base_urls(&RdapQuery::Autnum(64531)).is_none());
    }

    #[test]
    fn bootstrap_errors_are_clear() {
        let bad = |kind, text: &str| {
            Registry::parse(kind, text.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert!(bad(RegistryKind::Dns, "{").contains("not JSON"));
        assert!(bad(RegistryKind::Dns, "[]").contains("not an object"));
        assert!(bad(RegistryKind::Dns, "{}").contains("no \"services\""));
        assert!(
            bad(
                RegistryKind::Ipv4,
                r#"{"services":[[["fd00::/8"],["https://x/"]]]}"#
            )
            .contains("not an IPv4 prefix")
        );
        assert!(
            bad(
                RegistryKind::Asn,
                r#"{"services":[[["9-1"],["https://x/"]]]}"#
            )
            .contains("AS number")
        );
        assert!(bad(RegistryKind::Dns, r#"{"services":[["a"]]}"#).contains("services[0]"));
    }

    #[test]
    fn queries_make_rfc_9082_paths() {
        let base = "https://rdap.test/rdap/";
        assert_eq!(
            RdapQuery::Ip("fd00::30:10".parse().unwrap()).url(base),
            "https://rdap.test/rdap/ip/fd00::30:10"
        );
        assert_eq!(
            RdapQuery::Autnum(64530).url("https://r.test/x"),
            "https://r.test/x/autnum/64530"
        );
        assert_eq!(
            RdapQuery::Domain("tls-good.test.".into()).url(base),
            "https://rdap.test/rdap/domain/tls-good.test"
        );
    }

    fn network() -> Value {
        json!({
            "objectClassName": "ip network", "handle": "NET-127-0-30-0", "name": "TESTBED-WEB",
            "startAddress": "127.0.30.0", "endAddress": "127.0.30.255",
            "entities": [
                {"objectClassName": "entity", "handle": "ORG-HOST", "roles": ["registrant"],
                 "vcardArray": ["vcard", [["fn", {}, "text", "Testbed Hosting"]]],
                 "entities": [
                    {"handle": "ABUSE-HOST", "roles": ["Abuse"],
                     "vcardArray": ["vcard", [["fn", {}, "text", "Abuse desk"],
                                              ["email", {}, "text", "abuse@hosting.test"]]]}
                 ]},
                {"handle": "TECH", "roles": ["technical"]},
                {"handle": "BAD", "roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text"]]]}
            ]
        })
    }

    #[test]
    fn answers_are_read_down_to_nested_abuse_contacts() {
        let q = RdapQuery::Ip("127.0.30.1".parse().unwrap());
        let o = parse_answer(&q, network().to_string().as_bytes()).unwrap();
        assert_eq!(o.handle.as_deref(), Some("NET-127-0-30-0"));
        assert_eq!(o.name.as_deref(), Some("TESTBED-WEB"));
        assert_eq!(o.range.as_deref(), Some("127.0.30.0 - 127.0.30.255"));
        let handles: Vec<_> = o
            .entities
            .iter()
            .map(|e| e.handle.clone().unwrap())
            .collect();
        assert_eq!(handles, ["ORG-HOST", "ABUSE-HOST", "TECH", "BAD"]);
        let abuse: Vec<_> = o.abuse_contacts().collect();
        assert_eq!(abuse.len(), 2);
        assert_eq!(abuse[0].within, ["ORG-HOST"]);
        assert_eq!(abuse[0].location, "entities[0].entities[0]");
        match &abuse[0].contact {
            CardOutcome::Card { card } => assert_eq!(card.emails, ["abuse@hosting.test"]),
            other => panic!("{other:?}"),
        }
        match &abuse[1].contact {
            CardOutcome::Malformed { reason } => {
                assert!(
                    reason.contains("property 0 (email): it has no value"),
                    "{reason}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(o.problems.is_empty(), "{:?}", o.problems);
    }

    #[test]
    fn whole_answer_failures() {
        let q = RdapQuery::Domain("x.test".into());
        let e = |body: &str| parse_answer(&q, body.as_bytes()).unwrap_err().to_string();
        assert!(e("{\"objectClassName\": \"domain\",").contains("not JSON"));
        assert!(e("[1]").contains("is a list, not an RDAP object"));
        assert!(
            e(r#"{"errorCode": 404, "title": "Not Found", "description": ["no such domain"]}"#)
                .contains("RDAP error 404: Not Found — no such domain")
        );
        assert!(e(r#"{"objectClassName": "ip network"}"#).contains("not \"domain\""));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(e(&deep).contains("not JSON"));
    }

    #[test]
    fn fields_of_the_wrong_shape_are_problems_not_failures() {
        let q = RdapQuery::Domain("x.test".into());
        let body = json!({"ldhName": 5, "entities": [7, {"roles": "abuse", "handle": ["h"]},
                          {"roles": ["abuse", 3], "vcardArray": {"x": 1}}]});
        let o = parse_answer(&q, body.to_string().as_bytes()).unwrap();
        assert_eq!(o.entities.len(), 2);
        assert_eq!(o.abuse_contacts().count(), 1);
        let text = o.problems.join("\n");
        for expected in [
            "no objectClassName",
            "ldhName is a number",
            "entities[0] is a number",
            "entities[1].roles is text, not a list",
            "entities[1].handle is a list",
            "entities[2].roles holds a number",
        ] {
            assert!(text.contains(expected), "{expected} not in {text}");
        }
    }

    #[test]
    fn entity_walks_are_bounded() {
        let mut inner = json!({"handle": "leaf", "roles": ["abuse"]});
        for i in 0..20 {
            inner = json!({"handle": format!("h{i}"), "entities": [inner]});
        }
        let q = RdapQuery::Autnum(1);
        let body = json!({"objectClassName": "autnum", "entities": [inner]});
        let o = parse_answer(&q, body.to_string().as_bytes()).unwrap();
        assert_eq!(o.entities.len(), MAX_ENTITY_DEPTH);
        assert!(o.problems.iter().any(|p| p.contains("nested deeper")));
        let many: Vec<Value> = (0..1000)
            .map(|i| json!({"handle": i.to_string()}))
            .collect();
        let body = json!({"objectClassName": "autnum", "entities": many});
        let o = parse_answer(&q, body.to_string().as_bytes()).unwrap();
        assert_eq!(o.entities.len(), MAX_ENTITIES);
        assert!(o.problems.iter().any(|p| p.contains("more than")));
    }

    /// Arbitrary JSON, with RDAP's own keys likely so the walk goes deep.
    fn json_value() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("entities".to_string()),
            Just("roles".to_string()),
            Just("vcardArray".to_string()),
            Just("handle".to_string()),
            Just("objectClassName".to_string()),
            Just("errorCode".to_string()),
            Just("services".to_string()),
            "[a-z]{1,6}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            prop_oneof![Just(1.5f64), Just(-0.25f64), Just(1e300f64)].prop_map(Value::from),
            prop_oneof![
                Just("vcard".to_string()),
                Just("abuse".to_string()),
                Just("fn".to_string()),
                Just("adr".to_string()),
                Just("127.0.0.0/8".to_string()),
                Just("64496-64511".to_string()),
                ".{0,12}"
            ]
            .prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 96, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..8)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_is_read_without_panic(value in json_value()) {
            let body = value.to_string();
            for q in [RdapQuery::Domain("x.test".into()), RdapQuery::Autnum(1),
                      RdapQuery::Ip("::1".parse().unwrap())] {
                if let Ok(o) = parse_answer(&q, body.as_bytes()) {
                    prop_assert!(o.entities.len() <= MAX_ENTITIES);
                }
            }
            let _ = jcard::parse(&value);
            for kind in [RegistryKind::Dns, RegistryKind::Ipv4, RegistryKind::Ipv6, RegistryKind::Asn] {
                let _ = Registry::parse(kind, body.as_bytes());
            }
        }

        #[test]
        fn any_bytes_are_read_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_answer(&RdapQuery::Domain("x.test".into()), &bytes);
            let _ = Registry::parse(RegistryKind::Dns, &bytes);
        }

        #[test]
        fn a_card_wrapped_in_an_entity_gives_the_same_verdict(value in json_value()) {
            // Through text first: floats need not survive a round trip exactly.
            let value: Value = serde_json::from_str(&value.to_string()).unwrap();
            let body = json!({"objectClassName": "domain",
                              "entities": [{"roles": ["abuse"], "vcardArray": value.clone()}]});
            let o = parse_answer(&RdapQuery::Domain("x.test".into()), body.to_string().as_bytes()).unwrap();
            let direct = jcard::parse(&value);
            match (&o.entities[0].contact, direct) {
                (CardOutcome::Card { card }, Ok(c)) => prop_assert_eq!(card, &c),
                (CardOutcome::Malformed { reason }, Err(e)) => prop_assert_eq!(reason, &e.to_string()),
                (got, want) => prop_assert!(false, "{:?} vs {:?}", got, want),
            }
        }
    }
}
