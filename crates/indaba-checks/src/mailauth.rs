//! The mail test's DNS-published policies, judged from observations: DMARC,
//! DKIM, TLS-RPT and MTA-STS. Each standard's module parses and judges; this
//! one only finds the answers they need among the observations, and names the
//! queries the engine must make (so planning and judging agree on names).

use hickory_proto::rr::{RData, RecordType};
use indaba_model::observation::{HttpFailure, HttpOutcome};
use time::OffsetDateTime;

use crate::certificate::{self, Endpoint, NameMatch, Trust, TrustStore};
use crate::mta_sts::{self, PolicyFetch};
use indaba_model::{DomainName, Finding, Observations};

use crate::dkim::{self, SelectorAnswer};
use crate::dmarc::{self, DestinationAnswer, Discovery, MailUse, TxtAnswer};
use crate::lookup::{self, MailHosts};
use crate::{psl, tls_rpt};

/// The TXT answer at `name`, as the raw observation recorded it.
pub fn txt_answer(obs: &Observations, name: &str) -> TxtAnswer {
    let response = match lookup::raw(obs, name, "TXT") {
        Ok(r) => r,
        Err(reason) => return TxtAnswer::Failed(reason.to_string()),
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

/// Where the MTA-STS policy is served (RFC 8461 §3.2).
pub const MTA_STS_PATH: &str = "/.well-known/mta-sts.txt";

/// The policy host `mta-sts.<domain>` when the domain publishes an
/// `_mta-sts` record, so the engine knows to fetch the policy.
pub fn mta_sts_policy_host(obs: &Observations, domain: &DomainName) -> Option<DomainName> {
    let name = domain.child("_mta-sts").ok()?;
    let answer = txt_answer(obs, &name.to_fqdn());
    let announced = answer
        .records()
        .ok()?
        .iter()
        .any(|r| r.trim_start().starts_with("v=STSv1"));
    announced.then(|| domain.child("mta-sts").ok()).flatten()
}

/// `mail.mta_sts.valid` for `domain` with MX hosts `mx_hosts`; the policy's
/// certificate is judged against `roots` at `now`.
pub fn mta_sts(
    obs: &Observations,
    domain: &DomainName,
    mx_hosts: &[DomainName],
    roots: &TrustStore,
    now: OffsetDateTime,
) -> Finding {
    let answer = domain
        .child("_mta-sts")
        .map(|n| txt_answer(obs, &n.to_fqdn()))
        .unwrap_or_else(|e| TxtAnswer::Failed(e.to_string()));
    let fetch = mta_sts_policy_host(obs, domain).map(|host| policy_fetch(obs, &host, roots, now));
    mta_sts::finding(domain, &answer, fetch.as_ref(), mx_hosts)
}

/// The policy fetch as observed: the first address of the policy host that
/// was asked.
fn policy_fetch(
    obs: &Observations,
    host: &DomainName,
    roots: &TrustStore,
    now: OffsetDateTime,
) -> PolicyFetch {
    let url = lookup::https_url(host.as_str(), MTA_STS_PATH);
    let Some(fetch) = obs.http.iter().find(|f| f.url == url) else {
        let why = ["A", "AAAA"]
            .iter()
            .find_map(|t| {
                lookup::addresses(obs, &host.to_fqdn(), t)
                    .err()
                    .map(|e| e.to_string())
            })
            .unwrap_or_else(|| format!("{host} has no address"));
        return PolicyFetch::Unreachable(why);
    };
    match &fetch.outcome {
        HttpOutcome::Failure {
            kind: HttpFailure::Tls,
            reason,
        } => PolicyFetch::TlsError(reason.clone()),
        HttpOutcome::Failure { reason, .. } => PolicyFetch::Unreachable(reason.clone()),
        HttpOutcome::Response(r) if r.status != 200 => PolicyFetch::HttpStatus(r.status),
        HttpOutcome::Response(r) => PolicyFetch::Fetched {
            content_type: r.header("content-type").map(str::to_string),
            body: r.body.bytes().to_vec(),
            certificate: policy_certificate(&fetch.address, host, &r.peer_certificates, roots, now),
        },
    }
}

/// Whether the policy host's certificate is trusted, valid now and names
/// the host (RFC 8461 §3.3).
fn policy_certificate(
    address: &str,
    host: &DomainName,
    chain: &[String],
    roots: &TrustStore,
    now: OffsetDateTime,
) -> mta_sts::Certificate {
    let endpoint = Endpoint {
        address: address.to_string(),
        host: host.as_str().to_string(),
        chain: certificate::decode_chain(chain),
    };
    let assessed = certificate::assess(std::slice::from_ref(&endpoint), roots, now);
    match assessed.first().map(|a| &a.report) {
        Some(Ok(report)) => match (&report.trust, &report.name) {
            (Trust::Trusted { .. }, NameMatch::Matched { .. }) => mta_sts::Certificate::Valid,
            (Trust::Trusted { .. }, _) => {
                mta_sts::Certificate::Invalid(format!("the certificate does not name {host}"))
            }
            (Trust::Untrusted { error, reasons }, _) if reasons.is_empty() => {
                mta_sts::Certificate::Invalid(error.to_string())
            }
            (Trust::Untrusted { reasons, .. }, _) => mta_sts::Certificate::Invalid(
                reasons
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        },
        Some(Err(reason)) => mta_sts::Certificate::Invalid(reason.clone()),
        None => mta_sts::Certificate::Invalid("no certificate was recorded".into()),
    }
}
