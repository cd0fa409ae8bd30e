//! Reading DNS data back out of observations.
//!
//! The engine uses these to plan (which addresses to connect to) and the
//! checks use them to judge, so both read the stored answers the same way.

use std::net::IpAddr;

use hickory_proto::rr::{Name, RData};
use indaba_model::observation::{DnsQuestion, DnsResponse, QueryMode};
use indaba_model::{Message, Observations, Text, ToMessage, msg};

/// Why the observations hold no usable answer to a question. Its words are a
/// message (`ToMessage`); `Display` is for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// The question was never asked (the test's time ran out first, or the
    /// planner had no reason to ask).
    NotAsked {
        /// The name asked about, with the dot.
        name: String,
        /// The record type.
        rtype: String,
    },
    /// The query got no answer (a timeout, an unreachable resolver).
    Failed {
        /// The name, with the dot.
        name: String,
        /// The record type.
        rtype: String,
        /// What the probe saw, as data.
        detail: String,
    },
    /// The resolver answered an error (SERVFAIL, REFUSED…).
    Rcode {
        /// The name, with the dot.
        name: String,
        /// The record type.
        rtype: String,
        /// The response code.
        rcode: String,
        /// The Extended DNS Error, when given.
        extended: Option<String>,
    },
    /// The stored answer cannot be decoded.
    Undecodable {
        /// The name.
        name: String,
    },
    /// The aliases (CNAME) of a name form a loop.
    CnameLoop {
        /// The name.
        name: String,
        /// The chain, ending where it loops.
        path: Vec<String>,
    },
    /// A CNAME chain longer than [`MAX_CNAME_CHAIN`].
    CnameTooLong {
        /// The name.
        name: String,
    },
    /// The text is not a DNS name.
    NotAName {
        /// The text.
        name: String,
    },
}

impl ToMessage for LookupError {
    fn to_message(&self) -> Message {
        match self {
            LookupError::NotAsked { name, rtype } => {
                msg!(
                    "lookup-not-asked",
                    name = name.as_str(),
                    rtype = rtype.as_str()
                )
            }
            LookupError::Failed {
                name,
                rtype,
                detail,
            } => msg!(
                "lookup-failed",
                name = name.as_str(),
                rtype = rtype.as_str(),
                detail = detail.as_str()
            ),
            LookupError::Rcode {
                name,
                rtype,
                rcode,
                extended,
            } => match extended {
                None => msg!(
                    "lookup-rcode",
                    name = name.as_str(),
                    rtype = rtype.as_str(),
                    rcode = rcode.as_str()
                ),
                Some(extended) => msg!(
                    "lookup-rcode-extended",
                    name = name.as_str(),
                    rtype = rtype.as_str(),
                    rcode = rcode.as_str(),
                    extended = extended.as_str()
                ),
            },
            LookupError::Undecodable { name } => msg!("lookup-undecodable", name = name.as_str()),
            LookupError::CnameLoop { name, path } => msg!(
                "lookup-cname-loop",
                name = name.as_str(),
                path = path.join(" → ")
            ),
            LookupError::CnameTooLong { name } => msg!(
                "lookup-cname-too-long",
                name = name.as_str(),
                max = MAX_CNAME_CHAIN
            ),
            LookupError::NotAName { name } => msg!("lookup-not-a-name", name = name.as_str()),
        }
    }
}

impl From<LookupError> for Message {
    fn from(value: LookupError) -> Self {
        value.to_message()
    }
}

impl From<&LookupError> for Message {
    fn from(value: &LookupError) -> Self {
        value.to_message()
    }
}

impl From<LookupError> for Text {
    fn from(value: LookupError) -> Self {
        Text::Words(value.to_message())
    }
}

impl From<&LookupError> for Text {
    fn from(value: &LookupError) -> Self {
        Text::Words(value.to_message())
    }
}

impl From<LookupError> for indaba_model::Arg {
    fn from(value: LookupError) -> Self {
        indaba_model::Arg::Msg(value.to_message())
    }
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LookupError::NotAsked { name, rtype } => write!(f, "{name} {rtype} was not looked up"),
            LookupError::Failed {
                name,
                rtype,
                detail,
            } => write!(f, "the lookup of {name} {rtype} failed: {detail}"),
            LookupError::Rcode {
                name, rtype, rcode, ..
            } => write!(f, "{name} {rtype}: the resolver answered {rcode}"),
            LookupError::Undecodable { name } => {
                write!(f, "the stored answer for {name} cannot be decoded")
            }
            LookupError::CnameLoop { name, .. } => write!(f, "the aliases of {name} form a loop"),
            LookupError::CnameTooLong { name } => write!(f, "{name} has too long a CNAME chain"),
            LookupError::NotAName { name } => write!(f, "{name} is not a DNS name"),
        }
    }
}

impl std::error::Error for LookupError {}

/// The stored raw-mode (checking disabled) response for a question, or why
/// there is none.
pub fn raw<'a>(
    obs: &'a Observations,
    name: &str,
    rtype: &str,
) -> Result<&'a DnsResponse, LookupError> {
    let question = DnsQuestion::new(name, rtype);
    let exchange = obs
        .dns_for(&question, QueryMode::Raw)
        .last()
        .ok_or_else(|| LookupError::NotAsked {
            name: question.name.clone(),
            rtype: rtype.to_string(),
        })?;
    exchange.response().ok_or_else(|| LookupError::Failed {
        name: question.name.clone(),
        rtype: rtype.to_string(),
        detail: exchange.failure().unwrap_or("no answer").to_string(),
    })
}

/// A response that answers the question: NOERROR (possibly with no data) or
/// NXDOMAIN. Anything else (SERVFAIL, REFUSED…) means the name could not be
/// resolved.
pub fn resolved<'a>(
    obs: &'a Observations,
    name: &str,
    rtype: &str,
) -> Result<&'a DnsResponse, LookupError> {
    let response = raw(obs, name, rtype)?;
    if response.is_noerror() || response.rcode == "NXDOMAIN" {
        Ok(response)
    } else {
        Err(LookupError::Rcode {
            name: DnsQuestion::new(name, rtype).name,
            rtype: rtype.to_string(),
            rcode: response.rcode.clone(),
            extended: response.extended_error.clone(),
        })
    }
}

/// The addresses (`A` or `AAAA`) of `name`; empty when it has none.
pub fn addresses(obs: &Observations, name: &str, rtype: &str) -> Result<Vec<IpAddr>, LookupError> {
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
pub fn follow_cnames(response: &DnsResponse, name: &str) -> Result<Vec<Name>, LookupError> {
    let Some(message) = response.parsed() else {
        return Err(LookupError::Undecodable {
            name: name.to_string(),
        });
    };
    let Ok(mut current) = Name::from_ascii(DnsQuestion::new(name, "CNAME").name) else {
        return Err(LookupError::NotAName {
            name: name.to_string(),
        });
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
            return Err(LookupError::CnameLoop {
                name: name.to_string(),
                path: chain.iter().map(|n| n.to_string()).collect(),
            });
        }
        chain.push(next.clone());
        if chain.len() > MAX_CNAME_CHAIN {
            return Err(LookupError::CnameTooLong {
                name: name.to_string(),
            });
        }
        current = next;
    }
}

/// The name server names of `zone`.
pub fn name_servers(obs: &Observations, zone: &str) -> Result<Vec<Name>, LookupError> {
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
pub fn mail_hosts(obs: &Observations, domain: &str) -> Result<MailHosts, LookupError> {
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

/// The servers of a test, by role, each address paired with its host name,
/// within the planner's caps (so the judge reads exactly what was probed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerGroups {
    /// The web server's addresses tested for reachability and routes
    /// (capped per family); empty in a mail test.
    pub web: Vec<(String, IpAddr)>,
    /// The web server's addresses whose HTTPS, TLS, headers and content are
    /// tested: the first A and the first AAAA.
    pub web_https: Vec<(String, IpAddr)>,
    /// How many addresses the web server has in all.
    pub web_total: usize,
    /// The name servers of the zone that holds the domain (capped).
    pub name_servers: Vec<(String, IpAddr)>,
    /// The mail servers (the first MX hosts, each with its first addresses
    /// per family); empty in a web test.
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
    use crate::plan;
    let host = |name: &str, ips: Vec<IpAddr>| -> Vec<(String, IpAddr)> {
        ips.into_iter().map(|ip| (name.to_string(), ip)).collect()
    };
    let name_servers = plan::name_server_names(obs, domain)
        .map(|(_, servers)| {
            servers
                .kept
                .iter()
                .flat_map(|ns| {
                    host(
                        ns,
                        plan::capped_addresses(
                            obs,
                            ns,
                            indaba_model::limits::MAX_ADDRESSES_PER_NAME_SERVER,
                        )
                        .kept,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    match kind {
        indaba_model::TestKind::Web => {
            let reach = plan::reachability_addresses(obs, domain);
            ServerGroups {
                web: host(domain, reach.kept),
                web_https: host(domain, plan::web_addresses(obs, domain).kept),
                web_total: reach.total,
                name_servers,
                mail: Vec::new(),
            }
        }
        indaba_model::TestKind::Mail => ServerGroups {
            mail: plan::mail_host_names(obs, domain)
                .kept
                .iter()
                .flat_map(|mx| {
                    host(
                        mx,
                        plan::capped_addresses(
                            obs,
                            mx,
                            indaba_model::limits::MAX_ADDRESSES_PER_MAIL_HOST,
                        )
                        .kept,
                    )
                })
                .collect(),
            name_servers,
            ..ServerGroups::default()
        },
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
