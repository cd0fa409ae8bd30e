//! IPv6: name servers, web server and mail servers reachable over IPv6
//! (`dns.ns.ipv6`, `web.ipv6.*`, `mail.ipv6.address`).

use std::net::{IpAddr, SocketAddr};

use hickory_proto::rr::Name;
use indaba_model::catalogue::ids;
use indaba_model::observation::{DnsQuestion, HttpOutcome, HttpResponse, QueryMode};
use indaba_model::{Evidence, Finding, Observations, Status};

use crate::lookup::{self, socket_text};

/// The ports a web server must answer on over IPv6.
pub const WEB_PORTS: [u16; 2] = [80, 443];
/// Bodies this similar (0–1, line-based) count as the same site: internet.nl
/// allows 10% difference.
pub const SAME_CONTENT_RATIO: f32 = 0.9;
/// How much of each body is compared.
pub const COMPARED_BYTES: usize = 256 * 1024;

/// IPv4-mapped addresses (`::ffff:a.b.c.d`) are IPv4, not IPv6 (RFC 4291 §2.5.5.2).
fn real_ipv6(ip: &IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none())
}

/// The IPv6 addresses of `name`, without IPv4-mapped ones.
pub fn ipv6_addresses(obs: &Observations, name: &str) -> Result<Vec<IpAddr>, String> {
    lookup::addresses(obs, name, "AAAA")
        .map(|a| a.into_iter().filter(real_ipv6).collect())
        .map_err(|e| e.to_string())
}

/// `dns.ns.ipv6`: at least two name servers of the zone have IPv6 addresses,
/// and each of those addresses answers a query.
pub fn name_servers(obs: &Observations, zone: &Name) -> Finding {
    let id = ids::NS_IPV6;
    let zone_text = zone.to_ascii();
    let servers = match lookup::name_servers(obs, &zone_text) {
        Ok(s) if s.is_empty() => {
            return Finding::new(id, Status::Error, format!("{zone_text} has no NS records"));
        }
        Ok(s) => s,
        Err(reason) => return Finding::new(id, Status::Error, reason),
    };
    let question = DnsQuestion::new(&zone_text, "NS");
    let mut with_ipv6 = 0;
    let mut unresolved = 0;
    let mut answering = 0;
    let mut silent = 0;
    let mut evidence = Vec::new();
    for server in &servers {
        let name = server.to_ascii();
        match ipv6_addresses(obs, &name) {
            Err(reason) => {
                unresolved += 1;
                evidence.push(Evidence::new(name, reason));
            }
            Ok(addresses) if addresses.is_empty() => {
                evidence.push(Evidence::new(name, "no IPv6 address (AAAA)"));
            }
            Ok(addresses) => {
                with_ipv6 += 1;
                for ip in addresses {
                    let target = SocketAddr::new(ip, 53).to_string();
                    let exchange = obs
                        .dns_for(&question, QueryMode::Direct)
                        .filter(|e| e.server == target)
                        .last();
                    let detail = match exchange.map(|e| (e.response(), e.failure())) {
                        Some((Some(r), _)) if r.is_noerror() => {
                            answering += 1;
                            format!("{ip} answers ({} record(s))", r.answer.len())
                        }
                        Some((Some(r), _)) => {
                            silent += 1;
                            format!("{ip} answered {}", r.rcode)
                        }
                        Some((None, why)) => {
                            silent += 1;
                            format!("{ip} does not answer: {}", why.unwrap_or("no answer"))
                        }
                        None => {
                            silent += 1;
                            format!("{ip} was not queried")
                        }
                    };
                    evidence.push(Evidence::new(name.clone(), detail));
                }
            }
        }
    }
    let finding = if with_ipv6 < 2 && with_ipv6 + unresolved >= 2 {
        // Whether the unresolved ones have IPv6 is unknown: untested, not failed.
        Finding::new(
            id,
            Status::Error,
            format!(
                "The IPv6 addresses of {unresolved} name server(s) of {zone_text} could not be looked up."
            ),
        )
    } else if with_ipv6 < 2 {
        Finding::new(
            id,
            Status::Fail,
            format!(
                "{with_ipv6} of the {} name servers of {zone_text} {} an IPv6 address; at least two are needed.",
                servers.len(),
                if with_ipv6 == 1 { "has" } else { "have" }
            ),
        )
    } else if silent > 0 {
        let f = Finding::new(
            id,
            Status::Fail,
            format!(
                "{silent} IPv6 address(es) of the name servers of {zone_text} do not answer DNS queries."
            ),
        );
        if answering > 0 { f.partially() } else { f }
    } else {
        Finding::new(
            id,
            Status::Pass,
            format!(
                "{with_ipv6} name servers of {zone_text} have IPv6 addresses, and all answer over IPv6."
            ),
        )
    };
    finding.with_all(evidence)
}

/// `web.ipv6.address`: the web host has an IPv6 address.
pub fn web_address(obs: &Observations, host: &str) -> Finding {
    let id = ids::WEB_IPV6_ADDRESS;
    match ipv6_addresses(obs, host) {
        Err(reason) => Finding::new(id, Status::Error, reason),
        Ok(addresses) if addresses.is_empty() => Finding::new(
            id,
            Status::Fail,
            format!("{host} has no IPv6 address (AAAA record)."),
        )
        .with(format!("{host} AAAA"), "no records"),
        Ok(addresses) => Finding::new(id, Status::Pass, format!("{host} has an IPv6 address."))
            .with_all(
                addresses
                    .iter()
                    .map(|a| Evidence::new(format!("{host} AAAA"), a.to_string())),
            ),
    }
}

/// `web.ipv6.reachable`: every IPv6 address accepts connections on 80 and 443.
pub fn web_reachable(obs: &Observations, host: &str) -> Finding {
    let id = ids::WEB_IPV6_REACHABLE;
    match ipv6_addresses(obs, host) {
        Err(reason) => Finding::new(id, Status::Error, reason),
        Ok(a) if a.is_empty() => Finding::new(
            id,
            Status::NotApplicable,
            format!("{host} has no IPv6 address to connect to."),
        ),
        Ok(a) => reachable(id, obs, &a, &WEB_PORTS, host, "ports 80 and 443"),
    }
}

/// `mail.ipv6.reachable`: every IPv6 address of every mail server accepts
/// connections on port 25.
pub fn mail_reachable(obs: &Observations, hosts: &[Name]) -> Finding {
    let id = ids::MAIL_IPV6_REACHABLE;
    let mut addresses = Vec::new();
    for host in hosts {
        match ipv6_addresses(obs, &host.to_ascii()) {
            Err(reason) => return Finding::new(id, Status::Error, reason),
            Ok(a) => addresses.extend(a),
        }
    }
    if addresses.is_empty() {
        return Finding::new(
            id,
            Status::NotApplicable,
            "No mail server has an IPv6 address to connect to.",
        );
    }
    reachable(
        id,
        obs,
        &addresses,
        &[SMTP_PORT],
        "the mail servers",
        "port 25",
    )
}

/// The SMTP port, tried over IPv6 by the mail test.
pub const SMTP_PORT: u16 = 25;

/// Judges the recorded connection attempts to every address and port.
fn reachable(
    id: &str,
    obs: &Observations,
    addresses: &[IpAddr],
    ports: &[u16],
    subject: &str,
    ports_text: &str,
) -> Finding {
    let mut open = 0;
    let mut closed = 0;
    let mut untested = 0;
    let mut evidence = Vec::new();
    for ip in addresses {
        for port in ports {
            let target = socket_text(*ip, *port);
            match obs.tcp.iter().rev().find(|c| c.address == target) {
                Some(c) if c.error.is_none() => {
                    open += 1;
                    evidence.push(Evidence::new(
                        target,
                        format!("connected in {} ms", c.elapsed_ms),
                    ));
                }
                Some(c) => {
                    closed += 1;
                    evidence.push(Evidence::new(target, c.error.clone().unwrap_or_default()));
                }
                None => {
                    untested += 1;
                    evidence.push(Evidence::new(target, "not tried"));
                }
            }
        }
    }
    let finding = if closed == 0 && untested == 0 {
        Finding::new(
            id,
            Status::Pass,
            format!("Every IPv6 address of {subject} accepts connections on {ports_text}."),
        )
    } else if closed == 0 {
        Finding::new(
            id,
            Status::Error,
            "Not every IPv6 address could be tried in time.",
        )
    } else {
        let f = Finding::new(
            id,
            Status::Fail,
            format!(
                "Not every IPv6 address of {subject} accepts connections on {ports_text} ({closed} of {} failed).",
                open + closed
            ),
        );
        if open > 0 { f.partially() } else { f }
    };
    finding.with_all(evidence)
}

/// `web.ipv6.same_content`: the site over IPv6 is the site over IPv4.
pub fn web_same_content(obs: &Observations, host: &str) -> Finding {
    let id = ids::WEB_IPV6_SAME_CONTENT;
    let (v4, v6) = match (
        lookup::addresses(obs, host, "A").map_err(|e| e.to_string()),
        ipv6_addresses(obs, host),
    ) {
        (Err(reason), _) | (_, Err(reason)) => return Finding::new(id, Status::Error, reason),
        (Ok(v4), Ok(v6)) => (v4, v6),
    };
    let (Some(ip4), Some(ip6)) = (v4.first(), v6.first()) else {
        return Finding::new(
            id,
            Status::NotApplicable,
            format!("{host} does not have both an IPv4 and an IPv6 address to compare."),
        );
    };
    let fetch = |ip: &IpAddr| {
        let target = socket_text(*ip, 80);
        obs.http
            .iter()
            .rev()
            .find(|f| f.address == target)
            .map(|f| (target, &f.outcome))
    };
    let (Some((t4, r4)), Some((t6, r6))) = (fetch(ip4), fetch(ip6)) else {
        return Finding::new(
            id,
            Status::Error,
            "The pages over IPv4 and IPv6 were not both fetched.",
        );
    };
    let describe = |r: &HttpOutcome| match r {
        HttpOutcome::Response(resp) => format!(
            "HTTP {} with {} bytes{}",
            resp.status,
            resp.body_bytes,
            if resp.body_truncated { " (cut)" } else { "" }
        ),
        HttpOutcome::Failure { reason, .. } => reason.clone(),
    };
    let evidence = [
        Evidence::new(format!("http://{host}/ via {t4}"), describe(r4)),
        Evidence::new(format!("http://{host}/ via {t6}"), describe(r6)),
    ];
    let finding = match (r4, r6) {
        (_, HttpOutcome::Failure { .. }) => Finding::new(
            id,
            Status::NotApplicable,
            "The website does not answer over IPv6, so there is nothing to compare (see web.ipv6.reachable).",
        ),
        (HttpOutcome::Failure { .. }, HttpOutcome::Response(_)) => Finding::new(
            id,
            Status::Fail,
            "The website answers over IPv6 but not over IPv4.",
        ),
        (HttpOutcome::Response(a), HttpOutcome::Response(b)) => compare(a, b),
    };
    finding.with_all(evidence)
}

fn compare(v4: &HttpResponse, v6: &HttpResponse) -> Finding {
    let id = ids::WEB_IPV6_SAME_CONTENT;
    if v4.status != v6.status {
        return Finding::new(
            id,
            Status::Fail,
            format!(
                "The website answers HTTP {} over IPv4 but HTTP {} over IPv6.",
                v4.status, v6.status
            ),
        );
    }
    let ratio = similarity(&v4.body.lossy(), &v6.body.lossy());
    let percent = (ratio * 100.0).round();
    if ratio >= SAME_CONTENT_RATIO {
        Finding::new(
            id,
            Status::Pass,
            format!("The website serves the same content over IPv4 and IPv6 ({percent}% alike)."),
        )
    } else {
        Finding::new(
            id,
            Status::Fail,
            format!(
                "The website serves different content over IPv4 and IPv6 (only {percent}% alike)."
            ),
        )
    }
    .with(
        "similarity",
        format!(
            "{percent}% of lines alike (at least {}% required)",
            SAME_CONTENT_RATIO * 100.0
        ),
    )
}

/// Line-based similarity of two pages, after removing what legitimately
/// differs per request (CSP nonces, ASP.NET view state).
pub fn similarity(a: &str, b: &str) -> f32 {
    let a = normalise(a);
    let b = normalise(b);
    if a == b {
        return 1.0;
    }
    // Dice coefficient over the multisets of lines: linear time whatever the
    // server sends, unlike an edit-distance diff.
    let mut counts: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    let mut total = 0usize;
    for line in a.lines() {
        *counts.entry(line.trim()).or_default() += 1;
        total += 1;
    }
    let mut common = 0usize;
    for line in b.lines() {
        total += 1;
        if let Some(n) = counts.get_mut(line.trim())
            && *n > 0
        {
            *n -= 1;
            common += 1;
        }
    }
    if total == 0 {
        return 1.0;
    }
    (2 * common) as f32 / total as f32
}

fn normalise(body: &str) -> String {
    let cut = body
        .char_indices()
        .take_while(|(i, _)| *i < COMPARED_BYTES)
        .last()
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let mut text = body[..cut].to_string();
    for marker in ["nonce=\"", "__VIEWSTATE\" value=\""] {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(pos) = rest.find(marker) {
            let after = pos + marker.len();
            out.push_str(&rest[..after]);
            rest = &rest[after..];
            let end = rest.find('"').unwrap_or(rest.len());
            rest = &rest[end..];
        }
        out.push_str(rest);
        text = out;
    }
    text
}

/// `mail.ipv6.address`: every mail server has an IPv6 address.
pub fn mail_address(obs: &Observations, hosts: &[Name]) -> Finding {
    let id = ids::MAIL_IPV6_ADDRESS;
    let mut with = 0;
    let mut without = 0;
    let mut evidence = Vec::new();
    for host in hosts {
        let name = host.to_ascii();
        match ipv6_addresses(obs, &name) {
            Err(reason) => return Finding::new(id, Status::Error, reason),
            Ok(a) if a.is_empty() => {
                without += 1;
                evidence.push(Evidence::new(name, "no IPv6 address (AAAA)"));
            }
            Ok(a) => {
                with += 1;
                let list: Vec<String> = a.iter().map(|ip| ip.to_string()).collect();
                evidence.push(Evidence::new(name, list.join(", ")));
            }
        }
    }
    let finding = if without == 0 {
        Finding::new(id, Status::Pass, "Every mail server has an IPv6 address.")
    } else {
        let f = Finding::new(
            id,
            Status::Fail,
            format!(
                "{without} of {} mail servers have no IPv6 address.",
                with + without
            ),
        );
        if with > 0 { f.partially() } else { f }
    };
    finding.with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_do_not_make_pages_differ() {
        let a = "<html>\n<script nonce=\"abc123\">x</script>\n<p>hello</p>\n</html>\n";
        let b = "<html>\n<script nonce=\"zzz999\">x</script>\n<p>hello</p>\n</html>\n";
        assert_eq!(similarity(a, b), 1.0);
        let c = "<html>\n<h1>a completely different site</h1>\n</html>\n";
        assert!(similarity(a, c) < SAME_CONTENT_RATIO);
    }

    #[test]
    fn similarity_is_bounded_on_huge_bodies() {
        let a = "line\n".repeat(200_000);
        let b = "other\n".repeat(200_000);
        assert!(similarity(&a, &b) < 0.5);
    }
}
