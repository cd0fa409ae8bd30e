//! The route origin checks (`*.rpki.exists`, `*.rpki.valid`) for the web
//! servers, mail servers and name servers of a test: every address's covering
//! routes validated per RFC 6811 with the VRPs recorded at test time.
//!
//! Without a configured source the checks say so as `error`: a missing VRP
//! set must never read as "no ROA", which would blame the domain.

use std::net::IpAddr;

use indaba_model::observation::{RouteLookup, RoutingObservations};
use indaba_model::{Evidence, Finding, Observations, Status};

use crate::rov::{self, Validity};

/// The addresses of one group of servers, each with the host name it belongs to.
pub type Servers = [(String, IpAddr)];

/// Which of the two checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aspect {
    Exists,
    Valid,
}

/// `*.rpki.exists`: every route to every address is covered by a ROA.
pub fn exists(id: &str, what: &str, obs: &Observations, servers: &Servers) -> Finding {
    judge(id, what, obs, servers, Aspect::Exists)
}

/// `*.rpki.valid`: no route to any address is RPKI-invalid.
pub fn valid(id: &str, what: &str, obs: &Observations, servers: &Servers) -> Finding {
    judge(id, what, obs, servers, Aspect::Valid)
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
            "route origins were not looked up in this test",
        )));
    };
    if routing.vrp_source.is_none() {
        return Err(Box::new(Finding::new(
            id,
            Status::Error,
            "no VRP source configured: start Indaba with --rtr HOST:PORT or --vrps FILE",
        )));
    }
    if routing.origin_source.is_none() {
        return Err(Box::new(Finding::new(
            id,
            Status::Error,
            "no route origin source configured: start Indaba with --origins-zone NAME or --origins-file FILE",
        )));
    }
    Ok(routing)
}

#[derive(Default)]
struct Tally {
    routes: usize,
    valid: usize,
    invalid: usize,
    not_found: usize,
    unrouted: usize,
    failed: usize,
}

fn judge(id: &str, what: &str, obs: &Observations, servers: &Servers, aspect: Aspect) -> Finding {
    let routing = match configured(id, obs.routing.as_ref()) {
        Ok(r) => r,
        Err(finding) => return *finding,
    };
    if servers.is_empty() {
        return Finding::new(
            id,
            Status::NotApplicable,
            format!("There are no {what} addresses to look up."),
        );
    }
    let mut tally = Tally::default();
    let mut evidence = Vec::new();
    for (host, address) in servers {
        let subject = format!("{host} {address}");
        match routing.for_address(*address).map(|a| &a.outcome) {
            None => {
                tally.failed += 1;
                evidence.push(Evidence::new(
                    subject,
                    "not looked up (the test ran out of time?)",
                ));
            }
            Some(RouteLookup::Failed { reason }) => {
                tally.failed += 1;
                evidence.push(Evidence::new(
                    subject,
                    format!("route lookup failed: {reason}"),
                ));
            }
            Some(RouteLookup::Routes { routes }) if routes.is_empty() => {
                tally.unrouted += 1;
                evidence.push(Evidence::new(
                    subject,
                    "no announced route covers this address",
                ));
            }
            Some(RouteLookup::Routes { routes }) => {
                for r in routes {
                    tally.routes += 1;
                    let validity = rov::validate(&r.route, &r.covering);
                    match &validity {
                        Validity::Valid { .. } => tally.valid += 1,
                        Validity::Invalid { .. } => tally.invalid += 1,
                        Validity::NotFound => tally.not_found += 1,
                    }
                    evidence.push(Evidence::new(
                        subject.clone(),
                        format!(
                            "route {} from {}: {validity}{}",
                            r.route.prefix,
                            r.route.origin,
                            vrp_list(&r.covering)
                        ),
                    ));
                }
            }
        }
    }
    if let Some(source) = &routing.vrp_source {
        evidence.push(Evidence::new("VRPs", source.clone()));
    }
    if let Some(source) = &routing.origin_source {
        evidence.push(Evidence::new("route origins", source.clone()));
    }
    let (status, summary) = match aspect {
        Aspect::Exists => exists_verdict(what, &tally),
        Aspect::Valid => valid_verdict(what, &tally),
    };
    Finding::new(id, status, summary).with_all(evidence)
}

fn vrp_list(covering: &[indaba_model::routing::Vrp]) -> String {
    if covering.is_empty() {
        return String::new();
    }
    let list: Vec<String> = covering.iter().map(|v| v.to_string()).collect();
    format!("; covering VRPs: {}", list.join(", "))
}

fn exists_verdict(what: &str, t: &Tally) -> (Status, String) {
    if t.routes == 0 && t.failed > 0 {
        return (
            Status::Error,
            format!("The routes to the {what} could not be looked up."),
        );
    }
    if t.routes == 0 {
        return (
            Status::NotApplicable,
            format!(
                "No announced route covers the {what} addresses, so there is nothing a ROA could cover."
            ),
        );
    }
    if t.not_found > 0 {
        return (
            Status::Warning,
            format!(
                "{} of {} routes to the {what} are not covered by any ROA: their holders have not \
                 published Route Origin Authorisations.",
                t.not_found, t.routes
            ),
        );
    }
    if t.failed > 0 {
        return (
            Status::Error,
            format!(
                "The routes found are covered by ROAs, but {} address(es) could not be looked up.",
                t.failed
            ),
        );
    }
    (
        Status::Pass,
        format!("Every route to the {what} is covered by a ROA."),
    )
}

fn valid_verdict(what: &str, t: &Tally) -> (Status, String) {
    if t.invalid > 0 {
        return (
            Status::Fail,
            format!(
                "{} of {} routes to the {what} are RPKI-invalid: they are announced by an AS or \
                 with a prefix length their ROAs do not allow, as a hijack or a mistake would be; \
                 networks that validate routes drop them.",
                t.invalid, t.routes
            ),
        );
    }
    if t.routes == 0 && t.failed > 0 {
        return (
            Status::Error,
            format!("The routes to the {what} could not be looked up."),
        );
    }
    if t.valid == 0 {
        return (
            Status::NotApplicable,
            format!("No route to the {what} is covered by a ROA, so none can be validated."),
        );
    }
    if t.failed > 0 {
        return (
            Status::Error,
            format!(
                "The routes found are valid, but {} address(es) could not be looked up.",
                t.failed
            ),
        );
    }
    (
        Status::Pass,
        format!("Every route to the {what} covered by a ROA is valid."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use indaba_model::observation::{AddressRoutes, RouteWithVrps};
    use indaba_model::routing::{Asn, Route, Vrp};

    fn obs_with(routes: Vec<(IpAddr, RouteLookup)>) -> Observations {
        Observations {
            routing: Some(RoutingObservations {
                origin_source: Some("file origins.txt".into()),
                vrp_source: Some("file vrps.json".into()),
                addresses: routes
                    .into_iter()
                    .map(|(address, outcome)| AddressRoutes { address, outcome })
                    .collect(),
            }),
            ..Observations::default()
        }
    }

    fn routed(prefix: &str, origin: u32, vrps: &[(&str, u8, u32)]) -> RouteLookup {
        RouteLookup::Routes {
            routes: vec![RouteWithVrps {
                route: Route {
                    prefix: prefix.parse().unwrap(),
                    origin: Asn(origin),
                },
                covering: vrps
                    .iter()
                    .map(|(p, m, a)| Vrp::new(p.parse().unwrap(), *m, Asn(*a)).unwrap())
                    .collect(),
            }],
        }
    }

    fn server(ip: &str) -> Vec<(String, IpAddr)> {
        vec![("www.example.".into(), ip.parse().unwrap())]
    }

    #[test]
    fn each_validity_gives_its_verdict() {
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
            (
                routed("192.0.2.0/24", 64500, &[]),
                Status::Warning,
                Status::NotApplicable,
            ),
            (
                RouteLookup::Routes { routes: vec![] },
                Status::NotApplicable,
                Status::NotApplicable,
            ),
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
                exists("web.rpki.exists", "web server", &obs, &server("192.0.2.1")).status,
                want_exists,
                "{lookup:?}"
            );
            assert_eq!(
                valid("web.rpki.valid", "web server", &obs, &server("192.0.2.1")).status,
                want_valid,
                "{lookup:?}"
            );
        }
    }

    #[test]
    fn missing_sources_are_errors_that_say_what_to_configure() {
        let mut obs = obs_with(vec![]);
        if let Some(r) = obs.routing.as_mut() {
            r.vrp_source = None;
        }
        let f = valid("web.rpki.valid", "web server", &obs, &server("192.0.2.1"));
        assert_eq!(f.status, Status::Error);
        assert!(
            crate::english(&f).contains("no VRP source configured"),
            "{}",
            crate::english(&f)
        );
        let f = exists(
            "web.rpki.exists",
            "web server",
            &Observations::default(),
            &server("192.0.2.1"),
        );
        assert_eq!(f.status, Status::Error);
    }

    #[test]
    fn evidence_names_the_route_and_the_deciding_vrps() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let obs = obs_with(vec![(
            ip,
            routed("192.0.2.0/24", 64666, &[("192.0.2.0/24", 24, 64500)]),
        )]);
        let f = valid("web.rpki.valid", "web server", &obs, &server("192.0.2.1"));
        let text: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{} {}", e.subject, e.detail))
            .collect();
        let all = text.join("\n");
        assert!(all.contains("route 192.0.2.0/24 from AS64666"), "{all}");
        assert!(all.contains("192.0.2.0/24 max /24 AS64500"), "{all}");
    }
}
