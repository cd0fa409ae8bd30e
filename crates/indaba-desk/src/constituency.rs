//! Whose is it? A member organisation declares the domains, prefixes and AS
//! numbers it is responsible for (its constituency); an event or a report is
//! matched to the organisation by the most specific declaration: the longest
//! covering prefix for an address, then the AS, then the longest domain
//! suffix. Declarations win over what RDAP says, as the issue asks: the
//! member told the desk itself.

use std::net::IpAddr;

use indaba_model::routing::Prefix;
use serde::{Deserialize, Serialize};

/// One declared resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Resource {
    /// A domain and every name under it.
    Domain(String),
    /// An address prefix.
    Prefix(Prefix),
    /// An AS number.
    Asn(u32),
}

impl Resource {
    /// Parses `AS64500`, `192.0.2.0/24` or a domain.
    pub fn parse(text: &str) -> Option<Resource> {
        let t = text.trim();
        if t.is_empty() || t.len() > 253 {
            return None;
        }
        if let Some(n) = t
            .strip_prefix("AS")
            .or_else(|| t.strip_prefix("as"))
            .and_then(|d| d.parse::<u32>().ok())
        {
            return Some(Resource::Asn(n));
        }
        if t.contains('/') || t.parse::<IpAddr>().is_ok() {
            return t.parse::<Prefix>().ok().map(Resource::Prefix);
        }
        indaba_model::DomainName::parse(t)
            .ok()
            .map(|d| Resource::Domain(d.as_str().to_string()))
    }

    /// The stored kind word.
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Domain(_) => "domain",
            Resource::Prefix(_) => "prefix",
            Resource::Asn(_) => "asn",
        }
    }

    /// The value as text.
    pub fn value(&self) -> String {
        match self {
            Resource::Domain(d) => d.clone(),
            Resource::Prefix(p) => p.to_string(),
            Resource::Asn(n) => format!("AS{n}"),
        }
    }
}

/// Every declaration of every organisation.
#[derive(Debug, Clone, Default)]
pub struct Constituency {
    entries: Vec<(Resource, String)>,
}

/// What was matched, and by which declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The organisation's id.
    pub organisation: String,
    /// The declaration that matched.
    pub by: Resource,
}

impl Constituency {
    /// A constituency of (resource, organisation id) declarations.
    pub fn new(entries: impl IntoIterator<Item = (Resource, String)>) -> Constituency {
        Constituency {
            entries: entries.into_iter().collect(),
        }
    }

    /// Whether nothing is declared.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The organisation responsible for an event at `ip` announced by `asn`
    /// about `domain`: the longest covering prefix, else the AS, else the
    /// longest matching domain suffix.
    pub fn find(
        &self,
        ip: Option<IpAddr>,
        asn: Option<u32>,
        domain: Option<&str>,
    ) -> Option<Match> {
        if let Some(ip) = ip {
            let host = Prefix::host(ip);
            let best = self
                .entries
                .iter()
                .filter_map(|(r, o)| match r {
                    Resource::Prefix(p) if p.covers(&host) => Some((p.len(), r, o)),
                    _ => None,
                })
                .max_by_key(|(len, _, _)| *len);
            if let Some((_, r, o)) = best {
                return Some(Match {
                    organisation: o.clone(),
                    by: r.clone(),
                });
            }
        }
        if let Some(asn) = asn
            && let Some((r, o)) = self
                .entries
                .iter()
                .find(|(r, _)| matches!(r, Resource::Asn(a) if *a == asn))
        {
            return Some(Match {
                organisation: o.clone(),
                by: r.clone(),
            });
        }
        let domain = domain?.trim_end_matches('.').to_ascii_lowercase();
        self.entries
            .iter()
            .filter_map(|(r, o)| match r {
                Resource::Domain(d) if domain == *d || domain.ends_with(&format!(".{d}")) => {
                    Some((d.len(), r, o))
                }
                _ => None,
            })
            .max_by_key(|(len, _, _)| *len)
            .map(|(_, r, o)| Match {
                organisation: o.clone(),
                by: r.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_specific_declaration_wins() {
        let c = Constituency::new([
            (Resource::parse("127.0.0.0/8").unwrap(), "big".to_string()),
            (
                Resource::parse("127.0.10.0/24").unwrap(),
                "hoster".to_string(),
            ),
            (Resource::parse("AS64500").unwrap(), "isp".to_string()),
            (Resource::parse("test").unwrap(), "registry".to_string()),
            (Resource::parse("bank.test").unwrap(), "bank".to_string()),
        ]);
        let ip = |s: &str| Some(s.parse().unwrap());
        assert_eq!(
            c.find(ip("127.0.10.9"), None, None).unwrap().organisation,
            "hoster"
        );
        assert_eq!(
            c.find(ip("127.0.99.9"), None, None).unwrap().organisation,
            "big"
        );
        assert_eq!(
            c.find(ip("10.0.0.1"), Some(64500), None)
                .unwrap()
                .organisation,
            "isp"
        );
        assert_eq!(
            c.find(None, None, Some("www.bank.test."))
                .unwrap()
                .organisation,
            "bank"
        );
        assert_eq!(
            c.find(None, None, Some("other.test")).unwrap().organisation,
            "registry"
        );
        assert_eq!(c.find(None, None, Some("notbank.example")), None);
        assert_eq!(
            c.find(None, None, Some("xbank.test")).unwrap().organisation,
            "registry"
        );
    }

    #[test]
    fn parses_resources() {
        assert_eq!(Resource::parse("as64500"), Some(Resource::Asn(64500)));
        assert_eq!(
            Resource::parse("127.0.10.1").unwrap().value(),
            "127.0.10.1/32"
        );
        assert_eq!(Resource::parse("Bank.TEST").unwrap().value(), "bank.test");
        assert_eq!(Resource::parse("not a thing"), None);
        assert_eq!(Resource::parse("300.1.1.1/8"), None);
    }
}
