//! The verdict above the findings: whether there was anything to test.
//!
//! A name that does not exist (NXDOMAIN, a bare top-level domain, no
//! address and no mail server) gets one verdict with the DNS evidence
//! instead of a page of errors and a score; a domain whose servers answer
//! nothing gets "no web server" or "no mail servers" and no score.
//! Statistics count these as unreachable, not as scores.

use indaba_model::observation::DnsExchange;
use indaba_model::tls::ConnectFailureKind;
use indaba_model::{DomainName, Evidence, Message, Observations, Outcome, TestKind, Verdict, msg};

use crate::lookup::{self, MailHosts};
use crate::plan;
use crate::psl::{PublicSuffixList, Scope};

/// The verdict before anything is asked: a bare top-level domain or a
/// public suffix (`za`, `co.za`) is no one's website or mail domain.
pub fn before_probing(domain: &DomainName) -> Option<Verdict> {
    let suffix = PublicSuffixList::embedded()
        .organisational_domain(domain, Scope::Icann)
        .is_none();
    (suffix || domain.labels().count() == 1).then(|| {
        Verdict::new(
            Outcome::DoesNotExist,
            msg!("verdict-public-suffix", domain = domain.to_unicode()),
        )
    })
}

/// The verdict from what was observed, when the test found nothing to
/// judge check by check.
pub fn after_probing(kind: TestKind, domain: &DomainName, obs: &Observations) -> Option<Verdict> {
    let name = domain.to_fqdn();
    let shown = domain.to_unicode();
    let asked: Vec<&str> = match kind {
        TestKind::Web => vec!["A", "AAAA", "MX"],
        TestKind::Mail => vec!["MX", "A", "AAAA"],
    };
    let evidence: Vec<Evidence> = asked
        .iter()
        .filter_map(|rtype| last_exchange(obs, &name, rtype))
        .map(dns_evidence)
        .collect();
    let nxdomain = asked
        .iter()
        .filter_map(|t| lookup::raw(obs, &name, t).ok())
        .any(|r| r.rcode == "NXDOMAIN");
    if nxdomain {
        return Some(
            Verdict::new(
                Outcome::DoesNotExist,
                msg!("verdict-nxdomain", domain = shown.as_str()),
            )
            .with_all(evidence),
        );
    }
    let has = |rtype: &str| {
        lookup::addresses(obs, &name, rtype)
            .map(|a| !a.is_empty())
            .ok()
    };
    let addresses = match (has("A"), has("AAAA")) {
        (Some(a), Some(b)) => Some(a || b),
        _ => None,
    };
    let mail_hosts = lookup::mail_hosts(obs, &name).ok();
    // Both known to be empty: nothing lives at the name.
    if addresses == Some(false) && matches!(mail_hosts, Some(MailHosts::None)) {
        return Some(
            Verdict::new(
                Outcome::DoesNotExist,
                msg!("verdict-nothing-at-name", domain = shown.as_str()),
            )
            .with_all(evidence),
        );
    }
    match kind {
        TestKind::Web => no_web_server(obs, &name, &shown, addresses),
        TestKind::Mail => no_mail_servers(obs, &name, &shown),
    }
}

fn no_web_server(
    obs: &Observations,
    name: &str,
    shown: &str,
    addresses: Option<bool>,
) -> Option<Verdict> {
    if addresses == Some(false) {
        return Some(Verdict::new(
            Outcome::NoWebServer,
            msg!("verdict-no-web-address", domain = shown),
        ));
    }
    let tested = plan::reachability_addresses(obs, name).kept;
    if tested.is_empty() {
        return None;
    }
    let mut tried = 0;
    for ip in &tested {
        for port in crate::ipv6::WEB_PORTS {
            let address = lookup::socket_text(*ip, port);
            match obs.tcp.iter().find(|c| c.address == address) {
                Some(c) if c.error.is_none() => return None,
                Some(_) => tried += 1,
                None => {}
            }
        }
    }
    // Only when every address was tried on both ports and none answered.
    (tried == tested.len() * crate::ipv6::WEB_PORTS.len()).then(|| {
        let evidence = tested.iter().flat_map(|ip| {
            crate::ipv6::WEB_PORTS.iter().filter_map(move |port| {
                let address = lookup::socket_text(*ip, *port);
                obs.tcp
                    .iter()
                    .find(|c| c.address == address)
                    .map(|c| Evidence::new(c.address.clone(), c.error.clone().unwrap_or_default()))
            })
        });
        Verdict::new(
            Outcome::NoWebServer,
            msg!("verdict-no-web-server", domain = shown),
        )
        .with_all(evidence)
    })
}

fn no_mail_servers(obs: &Observations, name: &str, shown: &str) -> Option<Verdict> {
    let Ok(MailHosts::Hosts(_)) = lookup::mail_hosts(obs, name) else {
        return None;
    };
    let hosts = plan::mail_host_names(obs, name).kept;
    let mut evidence = Vec::new();
    for host in &hosts {
        let addresses =
            plan::capped_addresses(obs, host, indaba_model::limits::MAX_ADDRESSES_PER_MAIL_HOST)
                .kept;
        for ip in &addresses {
            let address = lookup::socket_text(*ip, crate::transport::SMTP_PORT);
            let scan = obs.tls.iter().find(|s| s.address == address)?;
            match &scan.connect_error {
                None => return None,
                // It answered, without (working) STARTTLS: a mail server
                // that the STARTTLS checks judge, not an absent one.
                Some(failure)
                    if matches!(
                        failure.kind,
                        ConnectFailureKind::NoStarttls | ConnectFailureKind::Protocol
                    ) =>
                {
                    return None;
                }
                Some(failure) => evidence.push(Evidence::new(
                    format!("{} ({address})", host.trim_end_matches('.')),
                    failure.reason.clone(),
                )),
            }
        }
        // A host whose addresses were not looked up yet: not decided.
        for rtype in ["A", "AAAA"] {
            if lookup::raw(obs, host, rtype).is_err() {
                return None;
            }
        }
    }
    Some(
        Verdict::new(
            Outcome::NoMailServers,
            msg!("verdict-no-mail-servers", domain = shown),
        )
        .with_all(evidence),
    )
}

fn last_exchange<'a>(obs: &'a Observations, name: &str, rtype: &str) -> Option<&'a DnsExchange> {
    let question = indaba_model::observation::DnsQuestion::new(name, rtype);
    obs.dns_for(&question, indaba_model::observation::QueryMode::Raw)
        .last()
}

/// An answer as evidence: the question, then the response code and the
/// authority records (the SOA that proves the name's absence).
fn dns_evidence(exchange: &DnsExchange) -> Evidence {
    let subject = format!("{} {}", exchange.question.name, exchange.question.rtype);
    match exchange.response() {
        Some(r) => {
            let mut parts = vec![r.rcode.clone()];
            parts.extend(r.answer.iter().cloned());
            parts.extend(r.authority.iter().cloned());
            Evidence::new(subject, parts.join("; "))
        }
        None => Evidence::new(subject, exchange.failure().unwrap_or_default().to_string()),
    }
}

/// The sentence for a scored or partly scored report.
pub fn scored(not_scored: &[String], categories: usize) -> Verdict {
    if not_scored.is_empty() {
        Verdict::new(Outcome::Scored, msg!("verdict-scored"))
    } else {
        let names: Vec<indaba_model::Arg> = not_scored
            .iter()
            .filter_map(|id| {
                indaba_model::Category::ALL
                    .iter()
                    .find(|c| c.id() == id)
                    .map(|c| Message::new(c.title_id()).into())
            })
            .collect();
        let mut v = Verdict::new(
            Outcome::NotScored,
            msg!(
                "verdict-not-scored",
                count = not_scored.len(),
                total = categories,
                categories = indaba_model::Arg::List(names)
            ),
        );
        v.not_scored = not_scored.to_vec();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_top_level_domains_and_public_suffixes_do_not_exist_as_targets() {
        for name in ["nl", "co.za", "com", "test"] {
            let d = DomainName::parse(name).unwrap();
            let v = before_probing(&d).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(v.outcome, Outcome::DoesNotExist);
            assert_eq!(v.message.id, "verdict-public-suffix");
        }
        for name in ["example.nl", "example.co.za", "signed.test", "github.io"] {
            let d = DomainName::parse(name).unwrap();
            assert!(before_probing(&d).is_none(), "{name}");
        }
    }

    #[test]
    fn nothing_observed_is_no_verdict() {
        let d = DomainName::parse("example.nl").unwrap();
        for kind in [TestKind::Web, TestKind::Mail] {
            assert!(after_probing(kind, &d, &Observations::default()).is_none());
        }
    }

    #[test]
    fn the_scored_verdict_names_the_unscored_categories() {
        let v = scored(&["rpki".to_string()], 4);
        assert_eq!(v.outcome, Outcome::NotScored);
        assert_eq!(v.not_scored, vec!["rpki".to_string()]);
        assert_eq!(v.message.ids(), vec!["verdict-not-scored", "category-rpki"]);
        assert_eq!(scored(&[], 4).outcome, Outcome::Scored);
    }
}
