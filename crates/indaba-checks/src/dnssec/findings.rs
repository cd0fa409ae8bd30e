//! The `dns.dnssec.exists`, `dns.dnssec.valid` and `mail.dnssec.mx_valid`
//! findings.
//!
//! A name that is an alias (CNAME or DNAME) is answered from every zone its
//! aliases pass through, so each of those zones is judged: all must be
//! signed for `exists`, and the answer is as secure as its weakest link for
//! `valid`; the evidence shows each link and each zone.

use hickory_proto::rr::{Name, RecordType};
use indaba_model::catalogue::ids;
use indaba_model::observation::{DnsQuestion, QueryMode};
use indaba_model::{Arg, Evidence, Finding, Message, Observations, Status, ToMessage, msg};

use super::chain::{self, Checked, Path, Security, Validator};

/// `dns.dnssec.exists`: every zone the domain's answer comes from (the
/// domain's own, and each zone its aliases pass through) publishes DNSKEY
/// records.
pub fn exists(obs: &Observations, domain: &str) -> Finding {
    let id = ids::DNSSEC_EXISTS;
    let untested = |reason: Message| {
        Finding::new(
            id,
            Status::Error,
            msg!("dnssec-exists-error", reason = reason),
        )
    };
    let path = match chain::path(obs, domain) {
        Ok(p) => p,
        Err(reason) => return untested(reason),
    };
    let mut evidence = Vec::new();
    let mut unsigned: Vec<Name> = Vec::new();
    for zone in path.zones() {
        let zone_text = zone.to_string();
        let response = match chain::stored(obs, &zone_text, "DNSKEY") {
            Ok(r) => r,
            Err(reason) => return untested(reason),
        };
        if !response.is_noerror() && response.rcode != "NXDOMAIN" {
            return untested(msg!(
                "dnssec-answer-rcode",
                rcode = response.rcode.as_str(),
                name = zone_text.as_str(),
                rtype = "DNSKEY"
            ));
        }
        let label = format!("{zone_text} DNSKEY");
        let keys: Vec<&String> = response
            .answer
            .iter()
            .filter(|r| r.split_whitespace().nth(3) == Some("DNSKEY"))
            .collect();
        if keys.is_empty() {
            unsigned.push(zone);
            evidence.push(Evidence::new(label, msg!("dnssec-no-records")));
        } else {
            evidence.extend(keys.into_iter().map(|k| Evidence::new(label.as_str(), k)));
        }
    }
    let zone = path.holding_zone().to_string();
    let finding = match (unsigned.first(), path.links.is_empty()) {
        (None, true) => Finding::new(id, Status::Pass, msg!("dnssec-exists-signed", zone = zone)),
        (None, false) => Finding::new(
            id,
            Status::Pass,
            msg!(
                "dnssec-exists-signed-aliases",
                domain = domain,
                zones = zone_list(&path.zones())
            ),
        ),
        (Some(first), true) => Finding::new(
            id,
            Status::Fail,
            msg!("dnssec-exists-unsigned", zone = first.to_string()),
        ),
        (Some(_), false) => Finding::new(
            id,
            Status::Fail,
            msg!(
                "dnssec-exists-unsigned-aliases",
                domain = domain,
                count = unsigned.len(),
                zones = zone_list(&unsigned)
            ),
        ),
    };
    finding
        .with_all(link_evidence(&path, None))
        .with_all(evidence)
}

/// `dns.dnssec.valid`: the zone's SOA and the records of `rtypes` at
/// `domain` validate from the trust anchor, through every alias.
pub fn valid(
    validator: &Validator<'_>,
    obs: &Observations,
    domain: &str,
    rtypes: &[&str],
) -> Finding {
    let id = ids::DNSSEC_VALID;
    let soa = validator.check(domain, "SOA");
    let mut security = match &soa {
        Some(c) => c.security.clone(),
        None => Security::Indeterminate(msg!("dnssec-no-soa-answer", name = domain)),
    };
    let mut validated = vec![Arg::from(format!("{domain} SOA"))];
    for rtype in rtypes {
        if let Some(s) = validator.answer(domain, rtype) {
            security = security.worst(s);
            validated.push(Arg::from(format!("{domain} {rtype}")));
        }
    }
    let path = validator.path(domain).ok();
    let aliased = path.as_ref().is_some_and(|p| !p.links.is_empty());
    let (status, summary) = match &security {
        Security::Secure if aliased => (
            Status::Pass,
            msg!(
                "dnssec-valid-secure-aliases",
                domain = domain,
                zones = zone_list(&path.as_ref().map(Path::zones).unwrap_or_default())
            ),
        ),
        Security::Secure => (Status::Pass, msg!("dnssec-valid-secure", domain = domain)),
        Security::Insecure(why) => (
            Status::Fail,
            msg!(
                "dnssec-valid-insecure",
                domain = domain,
                reason = why.clone()
            ),
        ),
        Security::Bogus(why) => (
            Status::Fail,
            msg!("dnssec-valid-bogus", domain = domain, reason = why.clone()),
        ),
        Security::Indeterminate(why) => (
            Status::Error,
            msg!(
                "dnssec-valid-indeterminate",
                domain = domain,
                reason = why.clone()
            ),
        ),
    };
    let mut finding = Finding::new(id, status, summary)
        .with(
            msg!("dnssec-label-validated"),
            msg!("dnssec-list", items = Arg::List(validated)),
        )
        .with_all(
            path.as_ref()
                .map(|p| link_evidence(p, soa.as_ref()))
                .unwrap_or_default(),
        )
        .with_all(chain_evidence(validator))
        .with_all(resolver_evidence(obs, domain, &security));
    if matches!(security, Security::Insecure(_)) {
        // internet.nl gives an insecure domain part of the points, a bogus one none.
        finding = finding.partially();
    }
    finding
}

/// `mail.dnssec.mx_valid`: every mail server's name validates.
pub fn mx_valid(validator: &Validator<'_>, hosts: &[Name]) -> Finding {
    let id = ids::MAIL_DNSSEC_MX_VALID;
    let mut worst = Security::Secure;
    let mut evidence = Vec::new();
    for host in hosts {
        let name = host.to_ascii();
        let mut security = validator.answer(&name, "SOA").unwrap_or_else(|| {
            Security::Indeterminate(msg!("dnssec-no-soa-answer", name = name.as_str()))
        });
        for rtype in ["A", "AAAA"] {
            if let Some(s) = validator.answer(&name, rtype) {
                security = security.worst(s);
            }
        }
        evidence.push(Evidence::new(name, security.to_message()));
        worst = worst.worst(security);
    }
    let (status, summary) = match worst {
        Security::Secure => (Status::Pass, msg!("dnssec-mx-secure")),
        Security::Insecure(_) | Security::Bogus(_) => (Status::Fail, msg!("dnssec-mx-not-secure")),
        Security::Indeterminate(_) => (Status::Error, msg!("dnssec-mx-indeterminate")),
    };
    Finding::new(id, status, summary).with_all(evidence)
}

fn zone_list(zones: &[Name]) -> Arg {
    Arg::list(zones.iter().map(|z| z.to_string()))
}

/// One line per alias: the record, the zone holding it and, when the
/// answer was validated, its status.
fn link_evidence(path: &Path, checked: Option<&Checked>) -> Vec<Evidence> {
    path.links
        .iter()
        .map(|(link, zone)| {
            let owner = link.record_owner();
            let verdict = checked.and_then(|c| {
                c.sets
                    .iter()
                    .find(|s| {
                        &s.owner == owner
                            && matches!(s.rtype, RecordType::CNAME | RecordType::DNAME)
                    })
                    .map(|s| s.security.word_message())
            });
            let detail = match verdict {
                Some(status) => msg!(
                    "dnssec-link-checked",
                    zone = zone.to_string(),
                    status = status
                ),
                None => msg!("dnssec-link", zone = zone.to_string()),
            };
            Evidence::new(link.text(), detail)
        })
        .collect()
}

/// One line per zone validated, each after the zones above it.
fn chain_evidence(validator: &Validator<'_>) -> Vec<Evidence> {
    validator
        .steps()
        .into_iter()
        .map(|step| {
            let list = |items: &[String]| {
                if items.is_empty() {
                    Arg::Msg(msg!("dnssec-none"))
                } else {
                    Arg::list(items.iter().map(String::as_str))
                }
            };
            Evidence::new(
                msg!("dnssec-label-zone", zone = step.zone.to_string()),
                msg!(
                    "dnssec-zone-detail",
                    status = step.security.word_message(),
                    ds = list(&step.ds),
                    keys = list(&step.keys)
                ),
            )
        })
        .collect()
}

/// What the validating resolver itself said, beside our verdict.
fn resolver_evidence(obs: &Observations, domain: &str, ours: &Security) -> Vec<Evidence> {
    let question = DnsQuestion::new(domain, "SOA");
    let Some(exchange) = obs.dns_for(&question, QueryMode::Validated).last() else {
        return Vec::new();
    };
    let (said, agrees): (Message, bool) = match &exchange.outcome {
        indaba_model::observation::DnsOutcome::Failure { kind, .. } => (
            msg!(
                "dnssec-resolver-no-answer",
                failure = chain::failure_message(*kind)
            ),
            true,
        ),
        indaba_model::observation::DnsOutcome::Response(r) => {
            let word = if r.rcode == "SERVFAIL" {
                msg!("dnssec-resolver-servfail")
            } else if r.authenticated {
                msg!("dnssec-resolver-authenticated")
            } else {
                msg!("dnssec-resolver-unauthenticated")
            };
            let said = match r.extended_error.as_deref() {
                Some(ede) => msg!("dnssec-resolver-ede", said = word, ede = ede),
                None => word,
            };
            let agrees = match ours {
                Security::Secure => r.authenticated,
                Security::Bogus(_) => r.rcode == "SERVFAIL",
                Security::Insecure(_) => !r.authenticated && r.rcode != "SERVFAIL",
                Security::Indeterminate(_) => true,
            };
            (said, agrees)
        }
    };
    let mut evidence = vec![Evidence::new(
        msg!("dnssec-label-resolver", server = exchange.server.as_str()),
        said,
    )];
    if !agrees {
        evidence.push(Evidence::new(
            msg!("dnssec-label-note"),
            msg!("dnssec-resolver-disagrees"),
        ));
    }
    evidence
}
