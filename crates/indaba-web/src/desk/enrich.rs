//! Enrichment: what the desk can learn about each observable of a case
//! without asking anyone. A domain, URL or address is resolved to its
//! addresses; each address to its covering routes (prefix and origin AS)
//! and their RPKI state (the engine's route origin validation); and the
//! contacts lookup (`indaba_engine::contacts`: security.txt, then RDAP abuse
//! contacts) says who to tell. The member organisation whose declared
//! constituency covers it comes first: a member's own declaration wins over
//! what RDAP says.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use indaba_desk::constituency::Constituency;
use indaba_desk::observables::Observable;
use indaba_engine::contacts::{ContactTarget, contacts};
use indaba_model::observation::RouteLookup;
use indaba_store::DeskCase;
use serde_json::{Value, json};

use crate::app::AppState;

/// Looks up every observable of `case` (at most 20), stores what was found,
/// and sets the case's organisation when a constituency covers one and none
/// is set. Returns how many were looked up.
pub async fn enrich_case(
    state: &AppState,
    case: &DeskCase,
) -> Result<usize, indaba_store::StoreError> {
    let observables = state.store.desk_observables(&case.id).await?;
    let declared = state.store.desk_constituency().await?;
    let constituency = Constituency::new(declared.iter().map(|(r, o, _)| (r.clone(), o.clone())));
    let mut matched_org: Option<String> = None;
    let mut n = 0;
    for (o, _, _) in observables.iter().take(20) {
        let found = enrich_one(state, o, &constituency, &declared).await;
        if matched_org.is_none() {
            matched_org = found["constituent"]["organisation"]
                .as_str()
                .map(str::to_string);
        }
        state.store.desk_set_enrichment(&case.id, o, &found).await?;
        n += 1;
    }
    if case.organisation_id.is_none()
        && let Some(org) = matched_org
    {
        state
            .store
            .desk_update(
                None,
                &case.id,
                case.assignee.as_deref(),
                case.priority,
                case.tlp,
                case.classification,
                Some(&org),
                &state.desk.levels,
            )
            .await?;
    }
    Ok(n)
}

async fn enrich_one(
    state: &AppState,
    o: &Observable,
    constituency: &Constituency,
    declared: &[(indaba_desk::constituency::Resource, String, String)],
) -> Value {
    let target = match o {
        Observable::Ip(ip) => Some(ContactTarget::Address(*ip)),
        Observable::Asn(n) => Some(ContactTarget::Asn(*n)),
        other => other
            .domain()
            .and_then(|d| indaba_model::DomainName::parse(&d).ok())
            .map(ContactTarget::Domain),
    };
    let report = match &target {
        Some(t) => contacts(&state.engine, t).await.ok(),
        None => None,
    };
    let addresses: Vec<IpAddr> = report
        .as_ref()
        .map(|r| r.addresses.clone())
        .unwrap_or_default();
    let routes = routes_of(state, &addresses).await;
    let asn = match o {
        Observable::Asn(n) => Some(*n),
        _ => routes
            .first()
            .and_then(|r| r["origin"].as_u64())
            .map(|a| a as u32),
    };
    let constituent = constituency
        .find(addresses.first().copied(), asn, o.domain().as_deref())
        .map(|m| {
            let contact = declared
                .iter()
                .find(|(r, org, _)| *r == m.by && *org == m.organisation)
                .map(|(_, _, c)| c.clone())
                .unwrap_or_default();
            json!({"organisation": m.organisation, "by": m.by.value(), "contact": contact})
        });
    let (security_txt, rdap): (Vec<String>, Vec<String>) = report
        .as_ref()
        .map(|r| {
            let mut s = Vec::new();
            let mut a = Vec::new();
            for c in &r.contacts {
                for e in &c.emails {
                    match c.source {
                        indaba_engine::contacts::ContactSource::SecurityTxt => s.push(e.clone()),
                        indaba_engine::contacts::ContactSource::Rdap => a.push(e.clone()),
                    }
                }
            }
            (s, a)
        })
        .unwrap_or_default();
    json!({
        "addresses": addresses,
        "routes": routes,
        "constituent": constituent,
        "security_txt": security_txt,
        "rdap_abuse": rdap,
        "problems": report.as_ref().map(|r| r.problems.clone()).unwrap_or_default(),
    })
}

async fn routes_of(state: &AppState, addresses: &[IpAddr]) -> Vec<Value> {
    if addresses.is_empty() || state.engine.routing.is_empty() {
        return Vec::new();
    }
    let session = indaba_probe::Session::new(
        state.engine.probe.clone(),
        Instant::now() + Duration::from_secs(10),
    );
    let observed = indaba_probe::routing::observe(&session, &state.engine.routing, addresses).await;
    let mut out = Vec::new();
    for a in observed.addresses {
        if let RouteLookup::Routes { routes } = a.outcome {
            for r in routes {
                let validity = indaba_checks::rov::validate(&r.route, &r.covering);
                let rpki = match validity {
                    indaba_checks::rov::Validity::Valid { .. } => "valid",
                    indaba_checks::rov::Validity::Invalid { .. } => "invalid",
                    indaba_checks::rov::Validity::NotFound => "not-found",
                };
                out.push(
                    json!({"address": a.address, "prefix": r.route.prefix.to_string(),
                                "origin": r.route.origin.0, "rpki": rpki}),
                );
            }
        }
    }
    out
}

/// What a stored enrichment says, as lines for the case page, and the
/// contacts to offer for forwarding (constituent first, then security.txt,
/// then RDAP abuse).
pub fn describe(enrichment: &str) -> (Vec<String>, Vec<String>) {
    let Ok(v) = serde_json::from_str::<Value>(enrichment) else {
        return (Vec::new(), Vec::new());
    };
    let mut facts = Vec::new();
    if let Some(a) = v["addresses"].as_array().filter(|a| !a.is_empty()) {
        facts.push(format!(
            "addresses: {}",
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for r in v["routes"].as_array().into_iter().flatten() {
        facts.push(format!(
            "route {} from AS{} (RPKI {})",
            r["prefix"].as_str().unwrap_or(""),
            r["origin"].as_u64().unwrap_or(0),
            r["rpki"].as_str().unwrap_or("")
        ));
    }
    let mut contacts = Vec::new();
    if let Some(c) = v["constituent"].as_object() {
        facts.push(format!(
            "constituent: {} (declared {})",
            c.get("organisation").and_then(|x| x.as_str()).unwrap_or(""),
            c.get("by").and_then(|x| x.as_str()).unwrap_or("")
        ));
        if let Some(e) = c
            .get("contact")
            .and_then(|x| x.as_str())
            .filter(|e| !e.is_empty())
        {
            contacts.push(e.to_string());
        }
    }
    for key in ["security_txt", "rdap_abuse"] {
        for e in v[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str())
        {
            if !contacts.iter().any(|c| c == e) {
                contacts.push(e.to_string());
            }
        }
    }
    for p in v["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str())
        .take(5)
    {
        facts.push(p.to_string());
    }
    (facts, contacts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constituent_comes_before_rdap() {
        let e = json!({"addresses": ["127.0.10.1"], "routes": [{"prefix": "127.0.10.0/24", "origin": 64500, "rpki": "valid"}],
                       "constituent": {"organisation": "org", "by": "127.0.10.0/24", "contact": "noc@hoster.test"},
                       "security_txt": ["security@tls-good.test"], "rdap_abuse": ["abuse@hoster.test", "noc@hoster.test"]});
        let (facts, contacts) = describe(&e.to_string());
        assert_eq!(
            contacts,
            vec![
                "noc@hoster.test",
                "security@tls-good.test",
                "abuse@hoster.test"
            ]
        );
        assert!(facts.iter().any(|f| f.contains("AS64500 (RPKI valid)")));
        assert_eq!(describe("not json"), (vec![], vec![]));
    }
}
