//! Who to tell about a problem with a domain, an address or an AS: the
//! security.txt contacts the domain publishes (RFC 9116), then the RDAP abuse
//! contacts (RFC 9083 §10.2.4) of the network of each of its addresses, of
//! the AS announcing it (when route origin data is configured), and of the
//! domain's registration, in that order, each with where it came from.
//!
//! The CLI's `indaba contacts` prints this; notices and incident handling
//! call [`contacts`] the same way. Like a test, it runs under the settings'
//! time limit, and a source that fails or runs out of time is reported as a
//! problem beside what the other sources gave.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::Instant;

use futures::future::join_all;
use indaba_checks::lookup;
use indaba_checks::security_txt::{self, FieldValue, SecurityTxtFetch};
use indaba_checks::website::SECURITY_TXT_PATH;
use indaba_model::observation::{DnsQuestion, QueryMode, RouteLookup};
use indaba_model::rdap::{CardOutcome, RdapLookup, RdapOutcome, RdapQuery};
use indaba_model::{DomainName, Status};
use indaba_probe::{Session, chain, routing};
use serde::Serialize;
use tokio::time::Instant as TokioInstant;

use crate::{EngineError, EngineSettings, guard};

/// What contacts are looked up for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactTarget {
    /// A domain: its security.txt, its addresses' networks, its registration.
    Domain(DomainName),
    /// An address: its network.
    Address(IpAddr),
    /// An AS number.
    Asn(u32),
}

/// Why text names no target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a domain, an IP address or an AS number (AS64500): {1}")]
pub struct TargetError(String, String);

impl FromStr for ContactTarget {
    type Err = TargetError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let t = text.trim();
        if let Ok(ip) = t.trim_matches(['[', ']']).parse::<IpAddr>() {
            return Ok(ContactTarget::Address(ip));
        }
        if let Some(digits) = t.strip_prefix("AS").or_else(|| t.strip_prefix("as"))
            && let Ok(n) = digits.parse::<u32>()
        {
            return Ok(ContactTarget::Asn(n));
        }
        DomainName::parse(t)
            .map(ContactTarget::Domain)
            .map_err(|e| TargetError(t.chars().take(80).collect(), e.to_string()))
    }
}

impl std::fmt::Display for ContactTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContactTarget::Domain(d) => f.write_str(d.as_str()),
            ContactTarget::Address(ip) => write!(f, "{ip}"),
            ContactTarget::Asn(n) => write!(f, "AS{n}"),
        }
    }
}

/// Where a contact came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactSource {
    /// A `Contact:` field of the domain's security.txt.
    SecurityTxt,
    /// An RDAP entity with role `abuse`.
    Rdap,
}

/// One way to reach someone, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Where it came from.
    pub source: ContactSource,
    /// What it is a contact for: the domain, an address, `AS64530`.
    pub about: String,
    /// The URL it was read from.
    pub url: String,
    /// The RDAP role (`abuse`); none for security.txt.
    pub role: Option<String>,
    /// The RDAP entity's handle.
    pub entity: Option<String>,
    /// The handles of the entities the RDAP entity is nested in.
    pub within: Vec<String>,
    /// A name for it (jCard `fn`, or `org`).
    pub name: Option<String>,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Phone numbers (tel: URIs or text).
    pub phones: Vec<String>,
    /// Web addresses (security.txt `Contact: https://…`).
    pub web: Vec<String>,
    /// Postal addresses.
    pub postal: Vec<String>,
}

/// What the domain's security.txt gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityTxtSummary {
    /// Where it was asked for.
    pub url: String,
    /// The `web.security_txt` verdict on it (`pass`, `warning`, `error`…).
    pub status: String,
    /// The verdict in a sentence.
    pub summary: String,
    /// The `Contact:` values, in the file's order (its order of preference).
    pub contacts: Vec<String>,
    /// The `Preferred-Languages:` tags, most preferred first (empty when the
    /// file names none).
    pub preferred_languages: Vec<String>,
}

/// Everything `contacts` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactReport {
    /// What was asked about.
    pub target: String,
    /// The addresses looked up (the domain's A and AAAA, or the address).
    pub addresses: Vec<IpAddr>,
    /// DNSSEC status of the domain's addresses, when it has any.
    pub addresses_dnssec: Option<String>,
    /// The domain's security.txt, for a domain with an address.
    pub security_txt: Option<SecurityTxtSummary>,
    /// Every RDAP lookup made, in the order of [`ContactReport::contacts`].
    pub rdap: Vec<RdapLookup>,
    /// Who to tell, in order: security.txt first, then RDAP abuse contacts.
    pub contacts: Vec<Contact>,
    /// What went wrong or is missing, one sentence each.
    pub problems: Vec<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// Finds the contacts for `target`.
pub async fn contacts(
    settings: &EngineSettings,
    target: &ContactTarget,
) -> Result<ContactReport, EngineError> {
    let started = Instant::now();
    let deadline = started + settings.report_timeout;
    let session = Session::new(settings.probe.clone(), deadline);
    let mut report = ContactReport {
        target: target.to_string(),
        addresses: Vec::new(),
        addresses_dnssec: None,
        security_txt: None,
        rdap: Vec::new(),
        contacts: Vec::new(),
        problems: Vec::new(),
        duration_ms: 0,
    };
    let out_of_time = || {
        format!(
            "the time limit of {} s ran out before an answer",
            settings.report_timeout.as_secs()
        )
    };
    let until = TokioInstant::from_std(deadline);
    match target {
        ContactTarget::Domain(domain) => {
            let name = domain.to_fqdn();
            let resolved = tokio::time::timeout_at(until, async {
                tokio::join!(
                    chain::collect(&session, &name),
                    session.resolve(DnsQuestion::new(&name, "A"), QueryMode::Raw),
                    session.resolve(DnsQuestion::new(&name, "AAAA"), QueryMode::Raw),
                )
            })
            .await;
            if resolved.is_err() {
                report
                    .problems
                    .push(format!("the addresses of {domain}: {}", out_of_time()));
            }
            let obs = session.observations();
            for rtype in ["A", "AAAA"] {
                match lookup::addresses(&obs, &name, rtype) {
                    Ok(list) => report.addresses.extend(list),
                    Err(reason) if resolved.is_ok() => {
                        report.problems.push(format!("{domain} {rtype}: {reason}"))
                    }
                    Err(_) => {}
                }
            }
            if report.addresses.is_empty() && resolved.is_ok() {
                report.problems.push(format!(
                    "{domain} has no address (A or AAAA): no network to look up, no security.txt \
                     to fetch"
                ));
            }
            if !report.addresses.is_empty() {
                let now = settings
                    .now
                    .unwrap_or_else(time::OffsetDateTime::now_utc)
                    .unix_timestamp();
                let validator = indaba_checks::dnssec::Validator::new(&obs, &settings.anchor, now);
                let security = ["A", "AAAA"]
                    .iter()
                    .filter_map(|t| validator.answer(&name, t))
                    .reduce(|a, b| a.worst(b));
                report.addresses_dnssec = security.map(|s| s.to_string());
            }
        }
        ContactTarget::Address(ip) => report.addresses.push(*ip),
        ContactTarget::Asn(_) => {}
    }
    if let ContactTarget::Domain(domain) = target {
        guard(&session, domain, report.addresses.iter())?;
    }

    let security_txt = async {
        let ContactTarget::Domain(domain) = target else {
            return None;
        };
        let ip = *report.addresses.first()?;
        let fetched = tokio::time::timeout_at(
            until,
            session.https_get(domain.as_str(), SECURITY_TXT_PATH, SocketAddr::new(ip, 443)),
        )
        .await;
        let url = lookup::https_url(domain.as_str(), SECURITY_TXT_PATH);
        let fetch = match fetched {
            Err(_) => SecurityTxtFetch::Failed(indaba_model::msg!(
                "http-failure-timeout",
                reason = out_of_time()
            )),
            Ok(f) => SecurityTxtFetch::from_outcome(&f.outcome, url.clone()),
        };
        Some(read_security_txt(&fetch, url, settings))
    };

    // The queries, in the order their contacts are listed.
    let rdap = async {
        let mut queries: Vec<RdapQuery> = report
            .addresses
            .iter()
            .map(|ip| RdapQuery::Ip(*ip))
            .collect();
        if !report.addresses.is_empty() && settings.routing.origins.is_some() {
            let routes = tokio::time::timeout_at(
                until,
                routing::observe(&session, &settings.routing, &report.addresses),
            )
            .await;
            if let Ok(routes) = routes {
                for entry in &routes.addresses {
                    if let RouteLookup::Routes { routes } = &entry.outcome {
                        for r in routes {
                            let q = RdapQuery::Autnum(r.route.origin.0);
                            if r.route.origin.0 != 0 && !queries.contains(&q) {
                                queries.push(q);
                            }
                        }
                    }
                }
            }
        }
        match target {
            ContactTarget::Domain(d) => queries.push(RdapQuery::Domain(d.as_str().to_string())),
            ContactTarget::Asn(n) => queries.push(RdapQuery::Autnum(*n)),
            ContactTarget::Address(_) => {}
        }
        join_all(queries.iter().map(|q| async {
            match tokio::time::timeout_at(until, settings.rdap.lookup(&session, q)).await {
                Ok(lookup) => lookup,
                Err(_) => RdapLookup {
                    query: q.to_string(),
                    url: None,
                    final_url: None,
                    outcome: RdapOutcome::Failed {
                        reason: out_of_time(),
                    },
                },
            }
        }))
        .await
    };

    let (security_txt, lookups) = tokio::join!(security_txt, rdap);
    if let Some((summary, contacts, problem)) = security_txt {
        report.contacts.extend(contacts);
        report.problems.extend(problem);
        report.security_txt = Some(summary);
    }
    for lookup in &lookups {
        rdap_contacts(lookup, &mut report.contacts, &mut report.problems);
    }
    report.rdap = lookups;
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// The security.txt summary, its contacts, and a problem when it is not
/// valid (its contacts are still listed: a stale address beats none).
fn read_security_txt(
    fetch: &SecurityTxtFetch,
    url: String,
    settings: &EngineSettings,
) -> (SecurityTxtSummary, Vec<Contact>, Option<String>) {
    let now = settings.now.unwrap_or_else(time::OffsetDateTime::now_utc);
    let mut finding = security_txt::finding(fetch, now);
    indaba_i18n::english().render_finding(indaba_i18n::DEFAULT_LANGUAGE, &mut finding);
    let mut values = Vec::new();
    let mut preferred_languages = Vec::new();
    if let SecurityTxtFetch::Response {
        status: 200, body, ..
    } = fetch
        && let Ok(parsed) = security_txt::parse(body.bytes())
    {
        preferred_languages = parsed.preferred_languages().to_vec();
        for field in parsed.fields {
            if let FieldValue::Contact(uri) = field.value {
                values.push(uri.as_str().to_string());
            }
        }
    }
    let about = url
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let contacts = values
        .iter()
        .map(|v| {
            let mut c = Contact {
                source: ContactSource::SecurityTxt,
                about: about.clone(),
                url: url.clone(),
                role: None,
                entity: None,
                within: Vec::new(),
                name: None,
                emails: Vec::new(),
                phones: Vec::new(),
                web: Vec::new(),
                postal: Vec::new(),
            };
            let lower = v.to_ascii_lowercase();
            if let Some(address) = lower.strip_prefix("mailto:").map(|_| &v[7..]) {
                c.emails.push(address.to_string());
            } else if lower.starts_with("tel:") {
                c.phones.push(v.clone());
            } else {
                c.web.push(v.clone());
            }
            c
        })
        .collect();
    let problem = (finding.status != Status::Pass)
        .then(|| format!("security.txt ({url}): {}", finding.summary));
    (
        SecurityTxtSummary {
            url,
            status: finding.status.as_str().to_string(),
            summary: finding.summary,
            contacts: values,
            preferred_languages,
        },
        contacts,
        problem,
    )
}

/// The abuse contacts of one lookup, and its problems.
fn rdap_contacts(lookup: &RdapLookup, contacts: &mut Vec<Contact>, problems: &mut Vec<String>) {
    let url = lookup
        .final_url
        .clone()
        .or_else(|| lookup.url.clone())
        .unwrap_or_default();
    let at = if url.is_empty() {
        format!("RDAP {}", lookup.query)
    } else {
        format!("RDAP {} ({url})", lookup.query)
    };
    let object = match &lookup.outcome {
        RdapOutcome::Object { object } => object,
        RdapOutcome::NotFound => {
            problems.push(format!("{at}: the server has no object for it (HTTP 404)"));
            return;
        }
        RdapOutcome::Failed { reason } => {
            problems.push(format!("{at}: {reason}"));
            return;
        }
    };
    let mut found = false;
    for entity in object.abuse_contacts() {
        found = true;
        let label = match &entity.handle {
            Some(h) => format!("entity {h}"),
            None => format!("the entity at {}", entity.location),
        };
        match &entity.contact {
            CardOutcome::Card { card } => {
                if !card.is_reachable() {
                    problems.push(format!(
                        "{at}: abuse {label} gives no e-mail, phone or postal address"
                    ));
                }
                contacts.push(Contact {
                    source: ContactSource::Rdap,
                    about: lookup.query.clone(),
                    url: url.clone(),
                    role: Some("abuse".into()),
                    entity: entity.handle.clone(),
                    within: entity.within.clone(),
                    name: card.name.clone().or_else(|| card.organisation.clone()),
                    emails: card.emails.clone(),
                    phones: card.phones.clone(),
                    web: Vec::new(),
                    postal: card.addresses.clone(),
                });
            }
            CardOutcome::Missing => problems.push(format!(
                "{at}: abuse {label} has no contact card (vcardArray)"
            )),
            CardOutcome::Malformed { reason } => problems.push(format!(
                "{at}: abuse {label} has a malformed jCard: {reason}"
            )),
        }
    }
    if !found {
        problems.push(format!("{at}: no entity with role abuse"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            "127.0.30.1".parse::<ContactTarget>().unwrap(),
            ContactTarget::Address("127.0.30.1".parse().unwrap())
        );
        assert_eq!(
            "[fd00::30:10]".parse::<ContactTarget>().unwrap(),
            ContactTarget::Address("fd00::30:10".parse().unwrap())
        );
        assert_eq!(
            "AS64530".parse::<ContactTarget>().unwrap(),
            ContactTarget::Asn(64530)
        );
        assert_eq!(
            "Tls-Good.test."
                .parse::<ContactTarget>()
                .unwrap()
                .to_string(),
            "tls-good.test"
        );
        assert!("a..b".parse::<ContactTarget>().is_err());
    }

    #[test]
    fn lookups_become_contacts_and_problems() {
        let query = RdapQuery::Domain("x.test".into());
        let body = serde_json::json!({"objectClassName": "domain", "entities": [
            {"handle": "REG", "roles": ["registrar"], "entities": [
                {"handle": "A1", "roles": ["abuse"], "vcardArray": ["vcard", [
                    ["fn", {}, "text", "Abuse"], ["email", {}, "text", "abuse@reg.test"]]]},
                {"handle": "A2", "roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text", 1]]]},
                {"handle": "A3", "roles": ["abuse"]}]}]});
        let object = indaba_model::rdap::parse_answer(&query, body.to_string().as_bytes()).unwrap();
        let lookup = RdapLookup {
            query: "x.test".into(),
            url: Some("https://rdap.test/rdap/domain/x.test".into()),
            final_url: Some("https://rdap.test/rdap/domain/x.test".into()),
            outcome: RdapOutcome::Object { object },
        };
        let (mut contacts, mut problems) = (Vec::new(), Vec::new());
        rdap_contacts(&lookup, &mut contacts, &mut problems);
        assert_eq!(contacts.len(), 1);
        assert_eq!(contacts[0].emails, ["abuse@reg.test"]);
        assert_eq!(contacts[0].within, ["REG"]);
        assert_eq!(contacts[0].entity.as_deref(), Some("A1"));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("entity A2 has a malformed jCard: property 0 (email)"));
        assert!(problems[1].contains("entity A3 has no contact card"));
        let empty = RdapLookup {
            outcome: RdapOutcome::NotFound,
            ..lookup
        };
        rdap_contacts(&empty, &mut contacts, &mut problems);
        assert!(problems[2].contains("no object for it"));
    }
}
