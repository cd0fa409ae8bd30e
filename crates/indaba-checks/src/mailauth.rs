//! The mail test's DNS-published policies, judged from observations: DMARC,
//! DKIM, TLS-RPT and MTA-STS. Each standard's module parses and judges; this
//! one only finds the answers they need among the observations, and names the
//! queries the engine must make (so planning and judging agree on names).

use hickory_proto::rr::{RData, RecordType};
use indaba_model::{DomainName, Finding, Observations};

use crate::dkim::{self, SelectorAnswer};
use crate::dmarc::{self, DestinationAnswer, Discovery, MailUse, TxtAnswer};
use crate::lookup::{self, MailHosts};
use crate::{psl, tls_rpt};

/// The TXT answer at `name`, as the raw observation recorded it.
pub fn txt_answer(obs: &Observations, name: &str) -> TxtAnswer {
    let response = match lookup::raw(obs, name, "TXT") {
        Ok(r) => r,
        Err(reason) => return TxtAnswer::Failed(reason),
    };
    match response.rcode.as_str() {
        "NXDOMAIN" => TxtAnswer::NxDomain,
        "NOERROR" => TxtAnswer::Answered(
            response
                .answer_data(RecordType::TXT)
                .into_iter()
                .filter_map(|data| match data {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .map(|part| String::from_utf8_lossy(part))
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect(),
        ),
        other => TxtAnswer::Failed(format!("the lookup of {name} TXT answered {other}")),
    }
}

/// Whether the domain sends mail: a null MX (RFC 7505) says it sends none.
pub fn mail_use(obs: &Observations, domain: &DomainName) -> MailUse {
    match lookup::mail_hosts(obs, &domain.to_fqdn()) {
        Ok(MailHosts::Null) => MailUse::NonSending,
        _ => MailUse::Sending,
    }
}

/// The TXT names the first round of mail-policy probes asks for.
pub fn policy_queries(domain: &DomainName, dkim_selectors: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(n) = dmarc::query_name(domain) {
        names.push(n.to_fqdn());
    }
    if let Some(org) = psl::organisational_domain(domain)
        && org != *domain
        && let Ok(n) = dmarc::query_name(&org)
    {
        names.push(n.to_fqdn());
    }
    if let Ok(n) = dkim::domainkey_name(domain) {
        names.push(n.to_fqdn());
    }
    for selector in dkim_selectors {
        if let Ok(n) = dkim::key_name(selector, domain) {
            names.push(n.to_fqdn());
        }
    }
    for prefix in ["_smtp._tls", "_mta-sts"] {
        if let Ok(n) = domain.child(prefix) {
            names.push(n.to_fqdn());
        }
    }
    names
}

/// The DMARC record as discovered from the observations.
pub fn dmarc_discovery(obs: &Observations, domain: &DomainName) -> Discovery {
    let own = dmarc::query_name(domain)
        .map(|n| txt_answer(obs, &n.to_fqdn()))
        .unwrap_or_else(|e| TxtAnswer::Failed(e.to_string()));
    let org = psl::organisational_domain(domain)
        .filter(|org| org != domain)
        .and_then(|org| dmarc::query_name(&org).ok())
        .map(|n| txt_answer(obs, &n.to_fqdn()));
    dmarc::discover(domain, &own, org.as_ref())
}

/// The second round: the report destinations' authorisation names (§7.1).
pub fn destination_queries(obs: &Observations, domain: &DomainName) -> Vec<String> {
    match dmarc_discovery(obs, domain) {
        Discovery::Found(found) => dmarc::external_destinations(&found)
            .iter()
            .filter_map(|dest| dmarc::authorisation_name(&found.policy_domain, dest).ok())
            .map(|n| n.to_fqdn())
            .collect(),
        _ => Vec::new(),
    }
}

/// `mail.dmarc.record`.
pub fn dmarc_record(obs: &Observations, domain: &DomainName) -> Finding {
    dmarc::record_finding(&dmarc_discovery(obs, domain))
}

/// `mail.dmarc.policy`.
pub fn dmarc_policy(obs: &Observations, domain: &DomainName) -> Finding {
    dmarc::policy_finding(&dmarc_discovery(obs, domain), domain, mail_use(obs, domain))
}

/// `mail.dmarc.destinations`.
pub fn dmarc_destinations(obs: &Observations, domain: &DomainName) -> Finding {
    let discovery = dmarc_discovery(obs, domain);
    let answers: Vec<DestinationAnswer> = match &discovery {
        Discovery::Found(found) => dmarc::external_destinations(found)
            .into_iter()
            .map(|destination| {
                let answer = dmarc::authorisation_name(&found.policy_domain, &destination)
                    .map(|n| txt_answer(obs, &n.to_fqdn()))
                    .unwrap_or_else(|e| TxtAnswer::Failed(e.to_string()));
                DestinationAnswer {
                    destination,
                    answer,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    dmarc::destinations_finding(&discovery, &answers)
}

/// `mail.dkim.exists`.
pub fn dkim_exists(obs: &Observations, domain: &DomainName) -> Finding {
    let answer = dkim::domainkey_name(domain)
        .map(|n| txt_answer(obs, &n.to_fqdn()))
        .unwrap_or_else(|e| TxtAnswer::Failed(e.to_string()));
    dkim::exists_finding(domain, &answer, mail_use(obs, domain))
}

/// `mail.dkim.keys`, for the selectors the user named.
pub fn dkim_keys(obs: &Observations, domain: &DomainName, selectors: &[String]) -> Finding {
    let answers: Vec<SelectorAnswer> = selectors
        .iter()
        .map(|selector| SelectorAnswer {
            selector: selector.clone(),
            answer: dkim::key_name(selector, domain)
                .map(|n| txt_answer(obs, &n.to_fqdn()))
                .unwrap_or_else(|e| TxtAnswer::Failed(e.to_string())),
        })
        .collect();
    dkim::keys_finding(domain, &answers)
}

/// `mail.tls_rpt.valid`.
pub fn tls_rpt(obs: &Observations, domain: &DomainName) -> Finding {
    let answer = domain
        .child("_smtp._tls")
        .map(|n| txt_answer(obs, &n.to_fqdn()))
        .unwrap_or_else(|e| TxtAnswer::Failed(e.to_string()));
    tls_rpt::finding(domain, &answer)
}
