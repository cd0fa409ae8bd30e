//! Reading DNS data back out of observations.
//!
//! The engine uses these to plan (which addresses to connect to) and the
//! checks use them to judge, so both read the stored answers the same way.

use std::net::IpAddr;

use hickory_proto::rr::{Name, RData};
use indaba_model::Observations;
use indaba_model::observation::{DnsQuestion, DnsResponse, QueryMode};

/// The stored raw-mode (checking disabled) response for a question, or why
/// there is none.
pub fn raw<'a>(obs: &'a Observations, name: &str, rtype: &str) -> Result<&'a DnsResponse, String> {
    let question = DnsQuestion::new(name, rtype);
    let exchange = obs
        .dns_for(&question, QueryMode::Raw)
        .last()
        .ok_or_else(|| format!("{} {rtype} was not looked up", question.name))?;
    exchange.response().ok_or_else(|| {
        format!(
            "the lookup of {} {rtype} failed: {}",
            question.name,
            exchange.failure().unwrap_or("no answer")
        )
    })
}

/// A response that answers the question: NOERROR (possibly with no data) or
/// NXDOMAIN. Anything else (SERVFAIL, REFUSED…) means the name could not be
/// resolved.
pub fn resolved<'a>(
    obs: &'a Observations,
    name: &str,
    rtype: &str,
) -> Result<&'a DnsResponse, String> {
    let response = raw(obs, name, rtype)?;
    if response.is_noerror() || response.rcode == "NXDOMAIN" {
        Ok(response)
    } else {
        let ede = response
            .extended_error
            .as_deref()
            .map(|e| format!(", extended error {e}"))
            .unwrap_or_default();
        Err(format!(
            "{name} {rtype} could not be resolved: the resolver answered {}{ede}",
            response.rcode
        ))
    }
}

/// The addresses (`A` or `AAAA`) of `name`; empty when it has none.
pub fn addresses(obs: &Observations, name: &str, rtype: &str) -> Result<Vec<IpAddr>, String> {
    let response = resolved(obs, name, rtype)?;
    follow_cnames(response, name)?;
    let record_type = if rtype == "AAAA" {
        hickory_proto::rr::RecordType::AAAA
    } else {
        hickory_proto::rr::RecordType::A
    };
    let mut found: Vec<IpAddr> = response
        .answer_data(record_type)
        .into_iter()
        .filter_map(|d| match d {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect();
    found.dedup();
    Ok(found)
}

/// Longest CNAME chain followed (RFC 1034 allows chains; loops and absurd
/// lengths are errors).
pub const MAX_CNAME_CHAIN: usize = 16;

/// Checks the CNAME chain from `name` in an answer: no loop, not too long.
pub fn follow_cnames(response: &DnsResponse, name: &str) -> Result<Vec<Name>, String> {
    let Some(message) = response.message() else {
        return Err(format!("the stored answer for {name} cannot be decoded"));
    };
    let Ok(mut current) = Name::from_ascii(DnsQuestion::new(name, "CNAME").name) else {
        return Err(format!("{name} is not a DNS name"));
    };
    let mut chain = vec![current.clone()];
    loop {
        let next = message.answers.iter().find_map(|r| match &r.data {
            RData::CNAME(target) if r.name == current => Some(target.0.clone()),
            _ => None,
        });
        let Some(next) = next else { return Ok(chain) };
        if chain.contains(&next) {
            chain.push(next);
            let path: Vec<String> = chain.iter().map(|n| n.to_string()).collect();
            return Err(format!(
                "the aliases (CNAME) of {name} form a loop: {}",
                path.join(" → ")
            ));
        }
        chain.push(next.clone());
        if chain.len() > MAX_CNAME_CHAIN {
            return Err(format!(
                "{name} is an alias (CNAME) chain longer than {MAX_CNAME_CHAIN} names"
            ));
        }
        current = next;
    }
}

/// The name server names of `zone`.
pub fn name_servers(obs: &Observations, zone: &str) -> Result<Vec<Name>, String> {
    let response = resolved(obs, zone, "NS")?;
    let mut names: Vec<Name> = response
        .answer_data(hickory_proto::rr::RecordType::NS)
        .into_iter()
        .filter_map(|d| match d {
            RData::NS(ns) => Some(ns.0.to_lowercase()),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// What a domain's MX records say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailHosts {
    /// Mail servers, by preference.
    Hosts(Vec<(u16, Name)>),
    /// A null MX (RFC 7505): the domain accepts no mail.
    Null,
    /// No MX records.
    None,
}

/// The MX records of `domain`.
pub fn mail_hosts(obs: &Observations, domain: &str) -> Result<MailHosts, String> {
    let response = resolved(obs, domain, "MX")?;
    let mut hosts: Vec<(u16, Name)> = response
        .answer_data(hickory_proto::rr::RecordType::MX)
        .into_iter()
        .filter_map(|d| match d {
            RData::MX(mx) => Some((mx.preference, mx.exchange.to_lowercase())),
            _ => None,
        })
        .collect();
    hosts.sort();
    hosts.dedup();
    Ok(match hosts.as_slice() {
        [] => MailHosts::None,
        [(_, exchange)] if exchange.is_root() => MailHosts::Null,
        _ => MailHosts::Hosts(hosts),
    })
}

/// Formats an address with a port the way the probes record it.
pub fn socket_text(ip: IpAddr, port: u16) -> String {
    std::net::SocketAddr::new(ip, port).to_string()
}

/// The IPv4 and IPv6 addresses of each of `hosts`, paired with the host
/// name; hosts whose addresses were not looked up contribute none.
pub fn host_addresses<'a>(
    obs: &Observations,
    hosts: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, IpAddr)> {
    let mut out = Vec::new();
    for host in hosts {
        for rtype in ["A", "AAAA"] {
            for ip in addresses(obs, host, rtype).unwrap_or_default() {
                if !out.iter().any(|(h, a)| h == host && *a == ip) {
                    out.push((host.to_string(), ip));
                }
            }
        }
    }
    out
}

/// The servers of a test, by role, each address paired with its host name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerGroups {
    /// The web server (the domain's own addresses); empty in a mail test.
    pub web: Vec<(String, IpAddr)>,
    /// The name servers of the domain's zone.
    pub name_servers: Vec<(String, IpAddr)>,
    /// The mail servers (MX hosts); empty in a web test.
    pub mail: Vec<(String, IpAddr)>,
}

impl ServerGroups {
    /// Every address, each once.
    pub fn all_addresses(&self) -> Vec<IpAddr> {
        let mut all: Vec<IpAddr> = Vec::new();
        for (_, ip) in self.web.iter().chain(&self.name_servers).chain(&self.mail) {
            if !all.contains(ip) {
                all.push(*ip);
            }
        }
        all
    }
}

/// The servers a `kind` test of `domain` touched, from what was observed.
pub fn server_groups(
    kind: indaba_model::TestKind,
    domain: &str,
    obs: &Observations,
) -> ServerGroups {
    let name_servers = match resolved(obs, domain, "SOA").map(|r| r.soa_owner()) {
        Ok(Some(zone)) => {
            let names: Vec<String> = name_servers(obs, &zone.to_ascii())
                .unwrap_or_default()
                .iter()
                .map(|n| n.to_ascii())
                .collect();
            host_addresses(obs, names.iter().map(String::as_str))
        }
        _ => Vec::new(),
    };
    match kind {
        indaba_model::TestKind::Web => ServerGroups {
            web: host_addresses(obs, [domain]),
            name_servers,
            mail: Vec::new(),
        },
        indaba_model::TestKind::Mail => {
            let mail = match mail_hosts(obs, domain) {
                Ok(MailHosts::Hosts(list)) => {
                    let names: Vec<String> = list.iter().map(|(_, n)| n.to_ascii()).collect();
                    host_addresses(obs, names.iter().map(String::as_str))
                }
                _ => Vec::new(),
            };
            ServerGroups {
                web: Vec::new(),
                name_servers,
                mail,
            }
        }
    }
}

/// The URL the probes record for a plain-HTTP fetch of `path` on `host`.
pub fn http_url(host: &str, path: &str) -> String {
    format!("http://{}{path}", host.trim_end_matches('.'))
}

/// The URL the probes record for an HTTPS fetch of `path` on `host`.
pub fn https_url(host: &str, path: &str) -> String {
    format!("https://{}{path}", host.trim_end_matches('.'))
}
