//! The `dns.dnssec.exists`, `dns.dnssec.valid` and `mail.dnssec.mx_valid`
//! findings.

use hickory_proto::rr::Name;
use indaba_model::catalogue::ids;
use indaba_model::observation::{DnsQuestion, QueryMode};
use indaba_model::{Evidence, Finding, Observations, Status};

use super::chain::{Security, Validator};
use crate::lookup;

/// `dns.dnssec.exists`: the zone of `domain` publishes DNSKEY records.
pub fn exists(obs: &Observations, domain: &str) -> Finding {
    let id = ids::DNSSEC_EXISTS;
    let zone = match lookup::resolved(obs, domain, "SOA")
        .map_err(|e| e.to_string())
        .and_then(|r| {
            r.soa_owner()
                .ok_or_else(|| format!("the answer for {domain} SOA names no zone"))
        }) {
        Ok(z) => z,
        Err(reason) => return Finding::new(id, Status::Error, reason),
    };
    let zone_text = zone.to_ascii();
    match lookup::resolved(obs, &zone_text, "DNSKEY") {
        Err(reason) => Finding::new(id, Status::Error, reason),
        Ok(response) => {
            let keys: Vec<&String> = response
                .answer
                .iter()
                .filter(|r| r.contains(" DNSKEY "))
                .collect();
            if keys.is_empty() {
                Finding::new(
                    id,
                    Status::Fail,
                    format!("The zone {zone_text} is not signed: it publishes no DNSKEY records."),
                )
                .with(format!("{zone_text} DNSKEY"), "no records")
            } else {
                Finding::new(
                    id,
                    Status::Pass,
                    format!("The zone {zone_text} is signed with DNSSEC."),
                )
                .with_all(
                    keys.into_iter()
                        .map(|k| Evidence::new(format!("{zone_text} DNSKEY"), k.clone())),
                )
            }
        }
    }
}

/// `dns.dnssec.valid`: the zone's SOA and the records of `rtypes` at `domain`
/// validate from the trust anchor.
pub fn valid(
    validator: &Validator<'_>,
    obs: &Observations,
    domain: &str,
    rtypes: &[&str],
) -> Finding {
    let id = ids::DNSSEC_VALID;
    let mut security = match validator.answer(domain, "SOA") {
        Some(s) => s,
        None => Security::Indeterminate(format!("{domain} has no SOA answer to validate")),
    };
    let mut validated = vec![format!("{domain} SOA")];
    for rtype in rtypes {
        if let Some(s) = validator.answer(domain, rtype) {
            security = security.worst(s);
            validated.push(format!("{domain} {rtype}"));
        }
    }
    let (status, summary) = match &security {
        Security::Secure => (
            Status::Pass,
            format!("DNSSEC validates for {domain}: the chain of trust from the root is unbroken."),
        ),
        Security::Insecure(why) => (
            Status::Fail,
            format!(
                "{domain} is not protected by DNSSEC (insecure): {}.",
                why.trim_end_matches('.')
            ),
        ),
        Security::Bogus(why) => (
            Status::Fail,
            format!(
                "DNSSEC validation fails for {domain} (bogus): {}.",
                why.trim_end_matches('.')
            ),
        ),
        Security::Indeterminate(why) => (
            Status::Error,
            format!(
                "DNSSEC could not be tested for {domain}: {}.",
                why.trim_end_matches('.')
            ),
        ),
    };
    let mut finding = Finding::new(id, status, summary)
        .with("validated", validated.join(", "))
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
        let mut security = validator
            .answer(&name, "SOA")
            .unwrap_or_else(|| Security::Indeterminate(format!("{name} has no SOA answer")));
        for rtype in ["A", "AAAA"] {
            if let Some(s) = validator.answer(&name, rtype) {
                security = security.worst(s);
            }
        }
        evidence.push(Evidence::new(name, security.to_string()));
        worst = worst.worst(security);
    }
    let status = match worst {
        Security::Secure => Status::Pass,
        Security::Insecure(_) | Security::Bogus(_) => Status::Fail,
        Security::Indeterminate(_) => Status::Error,
    };
    let summary = match status {
        Status::Pass => "Every mail server's domain is signed and validates.".to_string(),
        Status::Fail => "Not every mail server's domain validates with DNSSEC.".to_string(),
        _ => "DNSSEC could not be tested for every mail server.".to_string(),
    };
    Finding::new(id, status, summary).with_all(evidence)
}

fn chain_evidence(validator: &Validator<'_>) -> Vec<Evidence> {
    validator
        .steps()
        .into_iter()
        .map(|step| {
            let mut detail = step.security.word().to_string();
            if !step.ds.is_empty() {
                detail.push_str(&format!("; DS {}", step.ds.join(", ")));
            }
            if !step.keys.is_empty() {
                detail.push_str(&format!("; DNSKEY {}", step.keys.join(", ")));
            }
            Evidence::new(format!("zone {}", step.zone), detail)
        })
        .collect()
}

/// What the validating resolver itself said, beside our verdict.
fn resolver_evidence(obs: &Observations, domain: &str, ours: &Security) -> Vec<Evidence> {
    let question = DnsQuestion::new(domain, "SOA");
    let Some(exchange) = obs.dns_for(&question, QueryMode::Validated).last() else {
        return Vec::new();
    };
    let (said, agrees) = match exchange.response() {
        None => (
            format!("no answer: {}", exchange.failure().unwrap_or("unknown")),
            true,
        ),
        Some(r) => {
            let ede = r
                .extended_error
                .as_deref()
                .map(|e| format!(", extended error {e}"))
                .unwrap_or_default();
            let word = if r.rcode == "SERVFAIL" {
                "SERVFAIL (bogus or unresolvable)"
            } else if r.authenticated {
                "authenticated (AD flag set)"
            } else {
                "not authenticated (no AD flag)"
            };
            let agrees = match ours {
                Security::Secure => r.authenticated,
                Security::Bogus(_) => r.rcode == "SERVFAIL",
                Security::Insecure(_) => !r.authenticated && r.rcode != "SERVFAIL",
                Security::Indeterminate(_) => true,
            };
            (format!("{}{ede}", word), agrees)
        }
    };
    let mut evidence = vec![Evidence::new(
        format!("resolver {} (validating)", exchange.server),
        said,
    )];
    if !agrees {
        evidence.push(Evidence::new(
            "note",
            "the resolver's own validation disagrees with Indaba's verdict",
        ));
    }
    evidence
}
