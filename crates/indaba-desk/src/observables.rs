//! The things in a report that can be looked up and shared: IP addresses,
//! AS numbers, domains, URLs and e-mail addresses, found in free text. They
//! are what enrichment resolves and what STIX and MISP exports carry.
//!
//! A hand-written tokenizer rather than a regular-expression crate: the
//! shapes are few, and each candidate is confirmed by the model's own
//! parsers (addresses, `DomainName`, `Asn`), so nothing half-valid gets in.

use std::net::IpAddr;

use indaba_model::DomainName;
use indaba_model::routing::Asn;
use serde::{Deserialize, Serialize};

/// The most observables taken from one text.
pub const MAX_OBSERVABLES: usize = 100;

/// One observable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Observable {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// An AS number.
    Asn(u32),
    /// A domain name (A-label form).
    Domain(String),
    /// A URL.
    Url(String),
    /// An e-mail address.
    Email(String),
}

impl Observable {
    /// The stored kind word.
    pub fn kind(&self) -> &'static str {
        match self {
            Observable::Ip(_) => "ip",
            Observable::Asn(_) => "asn",
            Observable::Domain(_) => "domain",
            Observable::Url(_) => "url",
            Observable::Email(_) => "email",
        }
    }

    /// The value as text.
    pub fn value(&self) -> String {
        match self {
            Observable::Ip(ip) => ip.to_string(),
            Observable::Asn(n) => format!("AS{n}"),
            Observable::Domain(d) | Observable::Url(d) | Observable::Email(d) => d.clone(),
        }
    }

    /// An observable from its stored kind and value.
    pub fn from_parts(kind: &str, value: &str) -> Option<Observable> {
        match kind {
            "ip" => value.parse().ok().map(Observable::Ip),
            "asn" => value.parse::<Asn>().ok().map(|a| Observable::Asn(a.0)),
            "domain" => Some(Observable::Domain(value.to_string())),
            "url" => Some(Observable::Url(value.to_string())),
            "email" => Some(Observable::Email(value.to_string())),
            _ => None,
        }
    }

    /// The domain an observable names, for a URL, an address or a domain.
    pub fn domain(&self) -> Option<String> {
        match self {
            Observable::Domain(d) => Some(d.clone()),
            Observable::Url(u) => host_of_url(u),
            Observable::Email(e) => e.rsplit_once('@').map(|(_, d)| d.to_string()),
            _ => None,
        }
    }
}

fn host_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = if host.starts_with('[') {
        host.trim_start_matches('[').split(']').next()?
    } else {
        host.split(':').next()?
    };
    Some(host.to_string())
}

/// Every observable in `text`, each once, at most [`MAX_OBSERVABLES`].
pub fn extract(text: &str) -> Vec<Observable> {
    let mut found: Vec<Observable> = Vec::new();
    let push = |o: Observable, found: &mut Vec<Observable>| {
        if found.len() < MAX_OBSERVABLES && !found.contains(&o) {
            found.push(o);
        }
    };
    for raw in text.split(|c: char| {
        c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ',' | ';' | '(' | ')')
    }) {
        if found.len() >= MAX_OBSERVABLES {
            break;
        }
        let token = raw.trim_end_matches(['.', ':', '!', '?']);
        if token.is_empty() || token.len() > 2048 {
            continue;
        }
        let lower = token.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            if let Some(host) = host_of_url(token) {
                push(Observable::Url(token.to_string()), &mut found);
                if let Ok(ip) = host.parse::<IpAddr>() {
                    push(Observable::Ip(ip), &mut found);
                } else if let Ok(d) = DomainName::parse(&host) {
                    push(Observable::Domain(d.as_str().to_string()), &mut found);
                }
            }
            continue;
        }
        if let Ok(ip) = token.trim_matches(['[', ']']).parse::<IpAddr>() {
            push(Observable::Ip(ip), &mut found);
            continue;
        }
        if (lower.starts_with("as")
            && lower.len() > 2
            && lower[2..].bytes().all(|b| b.is_ascii_digit()))
            && let Ok(asn) = token.parse::<Asn>()
        {
            push(Observable::Asn(asn.0), &mut found);
            continue;
        }
        let token = token.trim_start_matches("mailto:");
        if let Some((local, domain)) = token.split_once('@') {
            if !local.is_empty()
                && crate::intake::plausible_email(token)
                && let Ok(d) = DomainName::parse(domain)
            {
                push(
                    Observable::Email(format!("{local}@{}", d.as_str())),
                    &mut found,
                );
            }
            continue;
        }
        let has_letter_tld = token.rsplit_once('.').is_some_and(|(_, tld)| {
            tld.len() >= 2 && tld.chars().all(|c| c.is_alphabetic() || c == '-')
        });
        if has_letter_tld
            && token
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            && let Ok(d) = DomainName::parse(token)
        {
            push(Observable::Domain(d.as_str().to_string()), &mut found);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_each_kind_once() {
        let text = "Phishing at https://login.bank-example.test/verify?id=1 hosted on 127.0.10.1 \
                    (AS64500), mails from fraud@bank-example.test. Again 127.0.10.1, and \
                    fd00::10:1. See www.signed.test. Not 1.2 or e.g. or foo.";
        let found = extract(text);
        let values: Vec<(String, String)> = found
            .iter()
            .map(|o| (o.kind().to_string(), o.value()))
            .collect();
        assert_eq!(
            values,
            vec![
                (
                    "url".into(),
                    "https://login.bank-example.test/verify?id=1".into()
                ),
                ("domain".into(), "login.bank-example.test".into()),
                ("ip".into(), "127.0.10.1".into()),
                ("asn".into(), "AS64500".into()),
                ("email".into(), "fraud@bank-example.test".into()),
                ("ip".into(), "fd00::10:1".into()),
                ("domain".into(), "www.signed.test".into()),
            ]
        );
        assert_eq!(
            found[0].domain().as_deref(),
            Some("login.bank-example.test")
        );
    }

    #[test]
    fn bounded() {
        let text: String = (0..1000)
            .map(|i| format!("10.0.{}.{} ", i / 256, i % 256))
            .collect();
        assert_eq!(extract(&text).len(), MAX_OBSERVABLES);
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,400}") {
            let _ = extract(&text);
        }
    }
}
