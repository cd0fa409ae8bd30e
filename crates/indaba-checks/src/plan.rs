//! What a test must probe, decided from what it has observed so far.
//!
//! Sans-IO, like the SPF driver: [`wanted`] is a pure function from the
//! observations to every probe the judgement of a test needs at this point.
//! The engine runs each wanted probe once, and asks again whenever a probe
//! finishes, until nothing new is wanted; then it asks [`route_addresses`]
//! for the route lookups. The planner reads the observations with the same
//! functions and the same caps ([`indaba_model::limits`]) as the checks that
//! judge them, so what is probed and what is judged cannot drift apart.
//!
//! Every list a target controls is capped here: the addresses of a name,
//! the mail servers, the name servers, the redirects. What a cap left out is
//! said in the findings (`CapNote`), never silently dropped.

use std::net::{IpAddr, SocketAddr};

use indaba_model::limits::{
    self, Capped, MAX_ADDRESSES_PER_MAIL_HOST, MAX_ADDRESSES_PER_NAME_SERVER, MAX_MAIL_HOSTS,
    MAX_NAME_SERVERS, MAX_REACHABILITY_ADDRESSES_PER_FAMILY, MAX_WEB_ADDRESSES_PER_FAMILY,
};
use indaba_model::observation::{DnsQuestion, QueryMode};
use indaba_model::{DomainName, Observations, TestKind};

use crate::browse::{self, Family, Get, Need, Scheme};
use crate::lookup::{self, MailHosts};

/// One thing to find out on the network.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Probe {
    /// Ask the recursive resolver.
    Resolve {
        /// The question.
        question: DnsQuestion,
        /// Checking disabled (raw) or validated.
        mode: QueryMode,
    },
    /// Ask an authoritative server directly.
    AskDirect {
        /// The server.
        server: SocketAddr,
        /// The question.
        question: DnsQuestion,
    },
    /// Collect what DNSSEC validation of a name needs (its SOA, then DNSKEY
    /// and DS up to the root: a sequence the probe follows by itself).
    DnssecChain {
        /// The name with the trailing dot.
        name: String,
    },
    /// Open and close a TCP connection.
    Connect {
        /// The address and port.
        target: SocketAddr,
    },
    /// An HTTP(S) GET.
    Get(Get),
    /// Enumerate TLS (directly, or after SMTP STARTTLS).
    TlsScan {
        /// The address and port.
        target: SocketAddr,
        /// The server name sent.
        server_name: String,
        /// Whether to speak SMTP STARTTLS first.
        starttls: bool,
    },
}

impl Probe {
    fn raw(name: &str, rtype: &str) -> Probe {
        Probe::Resolve {
            question: DnsQuestion::new(name, rtype),
            mode: QueryMode::Raw,
        }
    }

    /// The address this probe contacts, when it contacts a server other
    /// than the resolver.
    pub fn contacts(&self) -> Option<IpAddr> {
        match self {
            Probe::AskDirect { server, .. } => Some(server.ip()),
            Probe::Connect { target } | Probe::TlsScan { target, .. } => Some(target.ip()),
            Probe::Get(get) => Some(get.target.ip()),
            Probe::Resolve { .. } | Probe::DnssecChain { .. } => None,
        }
    }
}

/// What a test is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Web or mail.
    pub kind: TestKind,
    /// The domain.
    pub domain: &'a DomainName,
    /// DKIM selectors the user asked to check.
    pub dkim_selectors: &'a [String],
}

/// Every probe the test needs, given what has been observed.
pub fn wanted(target: Target<'_>, obs: &Observations) -> Vec<Probe> {
    let mut out = Vec::new();
    let name = target.domain.to_fqdn();
    out.push(Probe::DnssecChain { name: name.clone() });
    name_servers(obs, &name, &mut out);
    match target.kind {
        TestKind::Web => web(target.domain, obs, &mut out),
        TestKind::Mail => mail(target, obs, &mut out),
    }
    out
}

/// The addresses of the target itself (the website's, or the mail
/// servers'): the SSRF guard refuses the whole test when one of them is an
/// address this instance does not test.
pub fn target_addresses(target: Target<'_>, obs: &Observations) -> Vec<IpAddr> {
    let name = target.domain.to_fqdn();
    match target.kind {
        TestKind::Web => ["A", "AAAA"]
            .iter()
            .flat_map(|t| lookup::addresses(obs, &name, t).unwrap_or_default())
            .collect(),
        TestKind::Mail => mail_host_names(obs, &name)
            .kept
            .iter()
            .flat_map(|host| {
                ["A", "AAAA"]
                    .iter()
                    .flat_map(|t| lookup::addresses(obs, host, t).unwrap_or_default())
                    .collect::<Vec<_>>()
            })
            .collect(),
    }
}

/// The addresses whose routes are looked up once everything else is done:
/// every server the test judged, each once.
pub fn route_addresses(target: Target<'_>, obs: &Observations) -> Vec<IpAddr> {
    lookup::server_groups(target.kind, &target.domain.to_fqdn(), obs).all_addresses()
}

/// The first addresses of `name` in each family, within `per_family`.
pub fn capped_addresses(obs: &Observations, name: &str, per_family: usize) -> Capped<IpAddr> {
    let v4 = lookup::addresses(obs, name, "A").unwrap_or_default();
    let v6 = lookup::addresses(obs, name, "AAAA").unwrap_or_default();
    let total = v4.len() + v6.len();
    let mut kept: Vec<IpAddr> = v4.into_iter().take(per_family).collect();
    kept.extend(v6.into_iter().take(per_family));
    Capped { kept, total }
}

/// The web server's addresses whose HTTPS, TLS, headers and content are
/// tested: the first A and the first AAAA, as internet.nl does.
pub fn web_addresses(obs: &Observations, name: &str) -> Capped<IpAddr> {
    capped_addresses(obs, name, MAX_WEB_ADDRESSES_PER_FAMILY)
}

/// The web server's addresses tested for reachability.
pub fn reachability_addresses(obs: &Observations, name: &str) -> Capped<IpAddr> {
    capped_addresses(obs, name, MAX_REACHABILITY_ADDRESSES_PER_FAMILY)
}

/// The MX hosts tested, in preference order.
pub fn mail_host_names(obs: &Observations, name: &str) -> Capped<String> {
    match lookup::mail_hosts(obs, name) {
        Ok(MailHosts::Hosts(list)) => {
            let mut names: Vec<String> = Vec::new();
            for (_, host) in list {
                let host = host.to_ascii();
                if !names.contains(&host) {
                    names.push(host);
                }
            }
            Capped::first(names, MAX_MAIL_HOSTS)
        }
        _ => Capped::first(Vec::new(), MAX_MAIL_HOSTS),
    }
}

/// The name servers tested: those of the zone that holds `name` (for an
/// alias, its own zone, not its target's; `dnssec::path` reads it from the
/// SOA answers the chain collection gathered).
pub fn name_server_names(obs: &Observations, name: &str) -> Option<(String, Capped<String>)> {
    let zone = crate::dnssec::path(obs, name)
        .ok()?
        .holding_zone()
        .to_ascii();
    let servers = lookup::name_servers(obs, &zone)
        .unwrap_or_default()
        .iter()
        .map(|n| n.to_ascii())
        .collect::<Vec<_>>();
    Some((zone, Capped::first(servers, MAX_NAME_SERVERS)))
}

fn name_servers(obs: &Observations, name: &str, out: &mut Vec<Probe>) {
    out.push(Probe::raw(name, "SOA"));
    let Some((zone, servers)) = name_server_names(obs, name) else {
        return;
    };
    out.push(Probe::raw(&zone, "NS"));
    for ns in &servers.kept {
        out.push(Probe::raw(ns, "A"));
        out.push(Probe::raw(ns, "AAAA"));
        // Each IPv6 address is asked for the zone's NS records directly
        // (dns.ns.ipv6).
        for ip in lookup::addresses(obs, ns, "AAAA")
            .unwrap_or_default()
            .into_iter()
            .take(MAX_ADDRESSES_PER_NAME_SERVER)
        {
            out.push(Probe::AskDirect {
                server: SocketAddr::new(ip, 53),
                question: DnsQuestion::new(&zone, "NS"),
            });
        }
    }
}

fn web(domain: &DomainName, obs: &Observations, out: &mut Vec<Probe>) {
    let name = domain.to_fqdn();
    let host = domain.as_str();
    out.push(Probe::raw(&name, "A"));
    out.push(Probe::raw(&name, "AAAA"));
    out.push(Probe::raw(
        &crate::transport::tlsa_name(&name, crate::transport::HTTPS_PORT),
        "TLSA",
    ));
    // CAA at the domain and every parent: the set a CA would use is the
    // closest non-empty one, so all are asked at once.
    for n in crate::caa::search_names(domain) {
        out.push(Probe::raw(&n.to_fqdn(), "CAA"));
    }
    // No address at all: whether mail servers live there decides between
    // "does not exist" and "no web server".
    if no_addresses(obs, &name) {
        out.push(Probe::raw(&name, "MX"));
    }
    for ip in reachability_addresses(obs, &name).kept {
        for port in crate::ipv6::WEB_PORTS {
            out.push(Probe::Connect {
                target: SocketAddr::new(ip, port),
            });
        }
    }
    let web = web_addresses(obs, &name).kept;
    for ip in &web {
        // The home page over HTTPS, not following redirects (HSTS, headers).
        out.push(Probe::Get(Get {
            scheme: Scheme::Https,
            host: host.to_string(),
            path: "/".into(),
            target: SocketAddr::new(*ip, 443),
        }));
        out.push(Probe::TlsScan {
            target: SocketAddr::new(*ip, 443),
            server_name: host.to_string(),
            starttls: false,
        });
    }
    if let Some(ip) = web.first() {
        out.push(Probe::Get(Get {
            scheme: Scheme::Https,
            host: host.to_string(),
            path: crate::website::SECURITY_TXT_PATH.into(),
            target: SocketAddr::new(*ip, 443),
        }));
    }
    // From http://DOMAIN/ over each family to the final page (the redirect
    // check reads the first hop, same content the last).
    for family in [Family::V4, Family::V6] {
        match browse::walk(obs, host, family).need {
            Some(Need::Fetch(get)) => out.push(Probe::Get(get)),
            Some(Need::Addresses { host, rtype }) => out.push(Probe::raw(&host, rtype)),
            None => {}
        }
    }
}

fn mail(target: Target<'_>, obs: &Observations, out: &mut Vec<Probe>) {
    let domain = target.domain;
    let name = domain.to_fqdn();
    out.push(Probe::raw(&name, "MX"));
    // No MX: whether anything lives at the name decides between "does not
    // exist" and a domain that takes no mail.
    if matches!(lookup::mail_hosts(obs, &name), Ok(MailHosts::None)) {
        out.push(Probe::raw(&name, "A"));
        out.push(Probe::raw(&name, "AAAA"));
    }
    for host in mail_host_names(obs, &name).kept {
        out.push(Probe::DnssecChain { name: host.clone() });
        out.push(Probe::raw(&host, "A"));
        out.push(Probe::raw(&host, "AAAA"));
        out.push(Probe::raw(
            &crate::transport::tlsa_name(&host, crate::transport::SMTP_PORT),
            "TLSA",
        ));
        let server_name = host.trim_end_matches('.').to_string();
        for ip in capped_addresses(obs, &host, MAX_ADDRESSES_PER_MAIL_HOST).kept {
            let target = SocketAddr::new(ip, crate::transport::SMTP_PORT);
            out.push(Probe::TlsScan {
                target,
                server_name: server_name.clone(),
                starttls: true,
            });
            if ip.is_ipv6() {
                out.push(Probe::Connect { target });
            }
        }
    }
    // DMARC, DKIM, TLS-RPT and MTA-STS records, then the authorisation
    // records of external DMARC report destinations.
    for n in crate::mailauth::policy_queries(domain, target.dkim_selectors)
        .iter()
        .chain(crate::mailauth::destination_queries(obs, domain).iter())
    {
        out.push(Probe::raw(n, "TXT"));
    }
    // The MTA-STS policy from the first address of its host (RFC 8461 §3.3:
    // HTTPS, no redirects).
    if let Some(policy_host) = crate::mailauth::mta_sts_policy_host(obs, domain) {
        let host_name = policy_host.to_fqdn();
        out.push(Probe::raw(&host_name, "A"));
        out.push(Probe::raw(&host_name, "AAAA"));
        let first = ["A", "AAAA"]
            .iter()
            .flat_map(|t| lookup::addresses(obs, &host_name, t).unwrap_or_default())
            .next();
        if let Some(ip) = first {
            out.push(Probe::Get(Get {
                scheme: Scheme::Https,
                host: policy_host.as_str().to_string(),
                path: crate::mailauth::MTA_STS_PATH.into(),
                target: SocketAddr::new(ip, 443),
            }));
        }
    }
    // SPF: the include tree, as far as the audit can say what it needs.
    if let crate::spf::Step::NeedsLookup(questions) =
        crate::spf::audit(&crate::spf::ObservedDns::new(obs), domain.as_str())
    {
        for q in questions {
            out.push(Probe::Resolve {
                question: q.dns_question(),
                mode: QueryMode::Raw,
            });
        }
    }
}

/// Whether `name` is known to have neither an A nor an AAAA record.
fn no_addresses(obs: &Observations, name: &str) -> bool {
    ["A", "AAAA"]
        .iter()
        .all(|t| lookup::addresses(obs, name, t).is_ok_and(|a| a.is_empty()))
}

/// The caps, for the evidence of the checks (re-exported so judge and
/// planner name the same numbers).
pub use limits::CapNote;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_observation_asks_for_the_basics() {
        let domain = DomainName::parse("example.test").unwrap();
        let web = wanted(
            Target {
                kind: TestKind::Web,
                domain: &domain,
                dkim_selectors: &[],
            },
            &Observations::default(),
        );
        assert!(web.contains(&Probe::raw("example.test.", "A")));
        assert!(web.contains(&Probe::raw("example.test.", "AAAA")));
        assert!(web.contains(&Probe::raw("example.test.", "SOA")));
        assert!(web.contains(&Probe::DnssecChain {
            name: "example.test.".into()
        }));
        assert!(web.iter().all(|p| p.contacts().is_none()), "{web:?}");
        let mail = wanted(
            Target {
                kind: TestKind::Mail,
                domain: &domain,
                dkim_selectors: &["s1".to_string()],
            },
            &Observations::default(),
        );
        assert!(mail.contains(&Probe::raw("example.test.", "MX")));
        assert!(mail.contains(&Probe::raw("_dmarc.example.test.", "TXT")));
        assert!(mail.contains(&Probe::raw("s1._domainkey.example.test.", "TXT")));
        assert!(mail.contains(&Probe::raw("example.test.", "TXT")), "SPF");
    }
}
