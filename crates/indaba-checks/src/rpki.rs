//! The route origin checks (`*.rpki.exists`, `*.rpki.valid`) for the web
//! servers, mail servers and name servers of a test: every address's covering
//! routes validated per RFC 6811 with the VRPs recorded at test time.
//!
//! Scored as internet.nl scores them (`checks/tasks/rpki.py`): with no
//! address to test, or (for validity) no announced route to validate, both
//! checks give full points (not applicable); an address with no ROA earns
//! nothing. Without a configured source the checks say so as `error`: a
//! missing VRP set must never read as "no ROA", which would blame the domain.

use std::net::IpAddr;

use indaba_model::observation::{
    AddressRoutes, DnsOutcome, QueryMode, RouteLookup, RoutingObservations,
};
use indaba_model::routing::Vrp;
use indaba_model::{Arg, Evidence, Finding, Message, Observations, Status, ToMessage, msg};

use crate::rov::{self, Validity};

/// The addresses of one group of servers, each with the host name it belongs to.
pub type Servers = [(String, IpAddr)];

/// Which of the two checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aspect {
    Exists,
    Valid,
}

/// `*.rpki.exists`: a ROA covers every address (a route to it, or the
/// address itself when no route is announced). `_what` is not used: the
/// servers are named after the check id (`web.`, `mail.`, `dns.`).
pub fn exists(id: &str, _what: &str, obs: &Observations, servers: &Servers) -> Finding {
    judge(id, obs, servers, Aspect::Exists)
}

/// `*.rpki.valid`: every announced route to every address is RPKI-valid.
/// `_what` is not used, as for [`exists`].
pub fn valid(id: &str, _what: &str, obs: &Observations, servers: &Servers) -> Finding {
    judge(id, obs, servers, Aspect::Valid)
}

/// The servers a check is about, as words: "web server", "mail servers",
/// "name servers".
fn servers_word(id: &str) -> Message {
    if id.starts_with("mail.") {
        msg!("rpki-servers-mail")
    } else if id.starts_with("dns.") {
        msg!("rpki-servers-name")
    } else {
        msg!("rpki-servers-web")
    }
}

/// What the sources must have been for the check to say anything.
fn configured<'a>(
    id: &str,
    routing: Option<&'a RoutingObservations>,
) -> Result<&'a RoutingObservations, Box<Finding>> {
    let Some(routing) = routing else {
        return Err(Box::new(Finding::new(
            id,
            Status::Error,
            msg!("rpki-not-looked-up-in-test"),
        )));
    };
    // An instance set up without route data tests no domain's routes: that
    // says nothing about the domain, so the category is left out of the
    // score (not applicable) rather than making every report unscored.
    if routing.vrp_source.is_none() {
        return Err(Box::new(Finding::new(
            id,
            Status::NotApplicable,
            msg!("rpki-no-vrp-source"),
        )));
    }
    if routing.origin_source.is_none() {
        return Err(Box::new(Finding::new(
            id,
            Status::NotApplicable,
            msg!("rpki-no-origin-source"),
        )));
    }
    Ok(routing)
}

#[derive(Default)]
struct Tally {
    addresses: usize,
    /// Addresses no ROA covers (neither a route to them nor themselves).
    without_roa: usize,
    routes: usize,
    valid: usize,
    invalid: usize,
    not_found: usize,
    unrouted: usize,
    failed: usize,
}

fn vrp_list(vrps: &[Vrp]) -> Arg {
    if vrps.is_empty() {
        return Arg::Msg(msg!("rpki-none"));
    }
    Arg::list(vrps.iter().map(|v| v.to_string()))
}

/// Whether a lookup that finds servers' addresses (the name servers, mail
/// servers and their addresses) failed: a timeout or an answer other than
/// NOERROR or NXDOMAIN.
fn address_lookups_failed(obs: &Observations) -> bool {
    obs.dns.iter().any(|e| {
        e.mode == QueryMode::Raw
            && matches!(
                e.question.rtype.as_str(),
                "A" | "AAAA" | "NS" | "MX" | "SOA"
            )
            && match &e.outcome {
                DnsOutcome::Response(r) => !r.is_noerror() && r.rcode != "NXDOMAIN",
                DnsOutcome::Failure { .. } => true,
            }
    })
}

/// Counts one address and says what its routes are.
fn tally_address(tally: &mut Tally, entry: Option<&AddressRoutes>) -> Vec<Message> {
    tally.addresses += 1;
    match entry {
        None => {
            tally.failed += 1;
            vec![msg!("rpki-address-not-looked-up")]
        }
        Some(AddressRoutes {
            outcome: RouteLookup::Failed { reason },
            ..
        }) => {
            tally.failed += 1;
            vec![msg!("rpki-address-lookup-failed", reason = reason.as_str())]
        }
        Some(AddressRoutes {
            outcome: RouteLookup::Routes { routes },
            address_vrps,
            ..
        }) if routes.is_empty() => {
            tally.unrouted += 1;
            if address_vrps.is_empty() {
                tally.without_roa += 1;
            }
            vec![msg!("rpki-address-unrouted", vrps = vrp_list(address_vrps))]
        }
        Some(AddressRoutes {
            outcome: RouteLookup::Routes { routes },
            ..
        }) => {
            if routes.iter().all(|r| r.covering.is_empty()) {
                tally.without_roa += 1;
            }
            routes
                .iter()
                .map(|r| {
                    tally.routes += 1;
                    let validity = rov::validate(&r.route, &r.covering);
                    match &validity {
                        Validity::Valid { .. } => tally.valid += 1,
                        Validity::Invalid { .. } => tally.invalid += 1,
                        Validity::NotFound => tally.not_found += 1,
                    }
                    msg!(
                        "rpki-route",
                        prefix = r.route.prefix.to_string(),
                        origin = r.route.origin.to_string(),
                        validity = validity.to_message(),
                        vrps = vrp_list(&r.covering)
                    )
                })
                .collect()
        }
    }
}

fn judge(id: &str, obs: &Observations, servers: &Servers, aspect: Aspect) -> Finding {
    let routing = match configured(id, obs.routing.as_ref()) {
        Ok(r) => r,
        Err(finding) => return *finding,
    };
    let what = servers_word(id);
    if servers.is_empty() {
        // No address because a lookup failed is untested, not "none".
        if address_lookups_failed(obs) {
            return Finding::new(
                id,
                Status::Error,
                msg!("rpki-addresses-unknown", servers = what),
            );
        }
        return Finding::new(
            id,
            Status::NotApplicable,
            msg!("rpki-no-addresses", servers = what),
        );
    }
    let mut tally = Tally::default();
    let mut evidence = Vec::new();
    for (host, address) in servers {
        let subject = format!("{host} {address}");
        for detail in tally_address(&mut tally, routing.for_address(*address)) {
            evidence.push(Evidence::new(subject.as_str(), detail));
        }
    }
    if let Some(source) = &routing.vrp_source {
        evidence.push(Evidence::new(msg!("rpki-label-vrps"), source.as_str()));
    }
    if let Some(source) = &routing.origin_source {
        evidence.push(Evidence::new(msg!("rpki-label-origins"), source.as_str()));
    }
    let (status, summary) = match aspect {
        Aspect::Exists => exists_verdict(what, &tally),
        Aspect::Valid => valid_verdict(what, &tally),
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// As internet.nl: a ROA per address; none for some address earns nothing
/// (a warning, as internet.nl shows it).
fn exists_verdict(what: Message, t: &Tally) -> (Status, Message) {
    if t.without_roa > 0 {
        return (
            Status::Warning,
            msg!(
                "rpki-exists-missing",
                count = t.without_roa,
                total = t.addresses,
                servers = what
            ),
        );
    }
    if t.failed > 0 {
        return (
            Status::Error,
            msg!("rpki-lookups-failed", count = t.failed, servers = what),
        );
    }
    (Status::Pass, msg!("rpki-exists-pass", servers = what))
}

/// As internet.nl: an invalid route fails; a route no ROA covers cannot be
/// validated (no points: not tested); addresses without any announced route
/// are not applicable (full points), the others must be valid.
fn valid_verdict(what: Message, t: &Tally) -> (Status, Message) {
    if t.invalid > 0 {
        return (
            Status::Fail,
            msg!(
                "rpki-valid-invalid",
                count = t.invalid,
                total = t.routes,
                servers = what
            ),
        );
    }
    if t.failed > 0 {
        return (
            Status::Error,
            msg!("rpki-lookups-failed", count = t.failed, servers = what),
        );
    }
    if t.not_found > 0 {
        return (
            Status::NotTested,
            msg!(
                "rpki-valid-not-found",
                count = t.not_found,
                total = t.routes,
                servers = what
            ),
        );
    }
    if t.routes == 0 {
        return (
            Status::NotApplicable,
            msg!("rpki-valid-unrouted", servers = what),
        );
    }
    (Status::Pass, msg!("rpki-valid-pass", servers = what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use indaba_model::observation::RouteWithVrps;
    use indaba_model::routing::{Asn, Route};

    fn obs_with(routes: Vec<(IpAddr, RouteLookup)>) -> Observations {
        obs_with_address_vrps(routes.into_iter().map(|(a, o)| (a, o, vec![])).collect())
    }

    fn obs_with_address_vrps(routes: Vec<(IpAddr, RouteLookup, Vec<Vrp>)>) -> Observations {
        Observations {
            routing: Some(RoutingObservations {
                origin_source: Some("file origins.txt".into()),
                vrp_source: Some("file vrps.json".into()),
                addresses: routes
                    .into_iter()
                    .map(|(address, outcome, address_vrps)| AddressRoutes {
                        address,
                        outcome,
                        address_vrps,
                    })
                    .collect(),
            }),
            ..Observations::default()
        }
    }

    fn vrp(prefix: &str, max: u8, asn: u32) -> Vrp {
        Vrp::new(prefix.parse().unwrap(), max, Asn(asn)).unwrap()
    }

    fn routed(prefix: &str, origin: u32, vrps: &[(&str, u8, u32)]) -> RouteLookup {
        RouteLookup::Routes {
            routes: vec![RouteWithVrps {
                route: Route {
                    prefix: prefix.parse().unwrap(),
                    origin: Asn(origin),
                },
                covering: vrps.iter().map(|(p, m, a)| vrp(p, *m, *a)).collect(),
            }],
        }
    }

    fn unrouted() -> RouteLookup {
        RouteLookup::Routes { routes: vec![] }
    }

    fn server(ip: &str) -> Vec<(String, IpAddr)> {
        vec![("www.example.".into(), ip.parse().unwrap())]
    }

    #[test]
    fn each_validity_gives_its_verdict_as_internet_nl_scores_it() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let cases = [
            (
                routed("192.0.2.0/24", 64500, &[("192.0.2.0/24", 24, 64500)]),
                Status::Pass,
                Status::Pass,
            ),
            (
                routed("192.0.2.0/24", 64666, &[("192.0.2.0/24", 24, 64500)]),
                Status::Pass,
                Status::Fail,
            ),
            (
                routed("192.0.2.0/25", 64500, &[("192.0.2.0/24", 24, 64500)]),
                Status::Pass,
                Status::Fail,
            ),
            (
                routed("192.0.2.0/24", 64500, &[("192.0.2.0/24", 24, 0)]),
                Status::Pass,
                Status::Fail,
            ),
            // No ROA: nothing earned for either (internet.nl: a warning and
            // a failure, 0 points each); validity could not be tested.
            (
                routed("192.0.2.0/24", 64500, &[]),
                Status::Warning,
                Status::NotTested,
            ),
            // Not routed and no ROA for the address: internet.nl warns that
            // no ROA exists; with no route there is nothing to validate (full
            // points).
            (unrouted(), Status::Warning, Status::NotApplicable),
            (
                RouteLookup::Failed {
                    reason: "SERVFAIL".into(),
                },
                Status::Error,
                Status::Error,
            ),
        ];
        for (lookup, want_exists, want_valid) in cases {
            let obs = obs_with(vec![(ip, lookup.clone())]);
            assert_eq!(
                exists("web.rpki.exists", "", &obs, &server("192.0.2.1")).status,
                want_exists,
                "{lookup:?}"
            );
            assert_eq!(
                valid("web.rpki.valid", "", &obs, &server("192.0.2.1")).status,
                want_valid,
                "{lookup:?}"
            );
        }
    }

    #[test]
    fn an_unrouted_address_with_a_roa_has_one() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let obs =
            obs_with_address_vrps(vec![(ip, unrouted(), vec![vrp("192.0.2.0/24", 24, 64500)])]);
        let f = exists("dns.rpki.exists", "", &obs, &server("192.0.2.1"));
        assert_eq!(f.status, Status::Pass);
        assert_eq!(
            crate::english(&f),
            "Every address of the name servers is covered by a ROA."
        );
        let text = crate::english_evidence(&f);
        assert!(
            text.contains(
                "www.example. 192.0.2.1: no announced route covers this address; VRPs covering the address: 192.0.2.0/24 max /24 AS64500"
            ),
            "{text}"
        );
        let f = valid("dns.rpki.valid", "", &obs, &server("192.0.2.1"));
        assert_eq!(f.status, Status::NotApplicable);
        assert_eq!(f.message.id, "rpki-valid-unrouted");
    }

    #[test]
    fn no_addresses_earn_full_points_as_at_internet_nl() {
        let obs = obs_with(vec![]);
        for f in [
            exists("mail.rpki.exists", "", &obs, &[]),
            valid("mail.rpki.valid", "", &obs, &[]),
        ] {
            assert_eq!(f.status, Status::NotApplicable);
            assert_eq!(f.message.id, "rpki-no-addresses");
            assert_eq!(
                crate::english(&f),
                "There are no addresses of the mail servers to look up routes for, so there is nothing a ROA could cover."
            );
        }
    }

    #[test]
    fn no_addresses_because_a_lookup_failed_is_an_error() {
        let mut obs = obs_with(vec![]);
        obs.dns.push(crate::dnssec::fixtures::answer(
            "www.example.",
            "A",
            hickory_proto::op::ResponseCode::ServFail,
            vec![],
            vec![],
        ));
        let f = valid("web.rpki.valid", "", &obs, &[]);
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            crate::english(&f),
            "Could not be tested: the addresses of the web server could not be looked up."
        );
    }

    #[test]
    fn a_route_without_roa_is_not_tested_for_validity_and_says_so() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let obs = obs_with(vec![(ip, routed("192.0.2.0/24", 64500, &[]))]);
        let f = valid("web.rpki.valid", "", &obs, &server("192.0.2.1"));
        assert_eq!(f.message.id, "rpki-valid-not-found");
        assert_eq!(f.message.get("count"), Some(&Arg::Num(1)));
        assert_eq!(
            crate::english(&f),
            "Not tested: no ROA covers the route to the web server (RFC 6811 \"not found\"), so the origin cannot be validated (see the ROA check)."
        );
        let f = exists("web.rpki.exists", "", &obs, &server("192.0.2.1"));
        assert_eq!(
            crate::english(&f),
            "The address of the web server is not covered by any ROA: its holder has not published a Route Origin Authorisation."
        );
    }

    #[test]
    fn an_instance_without_route_data_leaves_rpki_out_and_says_so_without_its_options() {
        let mut obs = obs_with(vec![]);
        if let Some(r) = obs.routing.as_mut() {
            r.vrp_source = None;
        }
        let f = valid("web.rpki.valid", "", &obs, &server("192.0.2.1"));
        assert_eq!(f.status, Status::NotApplicable);
        assert_eq!(f.message.id, "rpki-no-vrp-source");
        let said = crate::english(&f);
        assert!(said.contains("Not tested by this instance"), "{said}");
        // Readers are not told the server's command line.
        assert!(!said.contains("--"), "{said}");
        let f = exists(
            "web.rpki.exists",
            "",
            &Observations::default(),
            &server("192.0.2.1"),
        );
        assert_eq!(f.status, Status::Error);
        assert_eq!(f.message.id, "rpki-not-looked-up-in-test");
    }

    #[test]
    fn evidence_names_the_route_and_the_deciding_vrps() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let obs = obs_with(vec![(
            ip,
            routed("192.0.2.0/24", 64666, &[("192.0.2.0/24", 24, 64500)]),
        )]);
        let f = valid("web.rpki.valid", "", &obs, &server("192.0.2.1"));
        assert_eq!(f.message.id, "rpki-valid-invalid");
        let all = crate::english_evidence(&f);
        assert!(
            all.contains(
                "www.example. 192.0.2.1: route 192.0.2.0/24 from AS64666: invalid (origin AS not authorised); covering VRPs: 192.0.2.0/24 max /24 AS64500"
            ),
            "{all}"
        );
        assert!(all.contains("VRPs: file vrps.json"), "{all}");
    }
}
