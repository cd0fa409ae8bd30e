//! IPv6: name servers, web server and mail servers reachable over IPv6
//! (`dns.ns.ipv6`, `web.ipv6.*`, `mail.ipv6.*`).
//!
//! Scored as internet.nl scores them: a check that cannot pass because the
//! server has no IPv6 address is not tested (no points); only an IPv6-only
//! website's "same content" is not applicable (full points). Each rule is in
//! the check's guide.

use std::net::{IpAddr, SocketAddr};

use hickory_proto::rr::Name;
use indaba_model::catalogue::ids;
use indaba_model::observation::{DnsOutcome, DnsQuestion, HttpOutcome, HttpResponse, QueryMode};
use indaba_model::{Evidence, Finding, Message, Observations, Status, ToMessage, msg};

use crate::browse::{self, End, Family};
use crate::dnssec::chain::failure_message;
use crate::lookup::{self, LookupError, socket_text};

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
pub fn ipv6_addresses(obs: &Observations, name: &str) -> Result<Vec<IpAddr>, LookupError> {
    lookup::addresses(obs, name, "AAAA").map(|a| a.into_iter().filter(real_ipv6).collect())
}

/// A lookup that failed, as words.
fn lookup_failure(reason: LookupError) -> Message {
    reason.to_message()
}

/// `dns.ns.ipv6`: at least two name servers of the zone have IPv6 addresses,
/// and each of those addresses answers a query (internet.nl's `ns_aaaa` and
/// `ns_reach` together). Exactly one name server with IPv6 fails (internet.nl:
/// "other") with partial credit when it answers: internet.nl gives a single
/// IPv6 name server at most half the points.
pub fn name_servers(obs: &Observations, zone: &Name) -> Finding {
    let id = ids::NS_IPV6;
    let zone_text = zone.to_ascii();
    let servers = match lookup::name_servers(obs, &zone_text) {
        Ok(s) if s.is_empty() => {
            return Finding::new(id, Status::Error, msg!("ipv6-ns-none", zone = zone_text));
        }
        Ok(s) => s,
        Err(reason) => return Finding::new(id, Status::Error, lookup_failure(reason)),
    };
    let question = DnsQuestion::new(&zone_text, "NS");
    let mut with_ipv6 = 0;
    let mut unresolved = 0;
    let mut answering = 0;
    let mut silent = 0;
    let mut untried = 0;
    let mut evidence = Vec::new();
    for server in &servers {
        let name = server.to_ascii();
        match ipv6_addresses(obs, &name) {
            Err(reason) => {
                unresolved += 1;
                evidence.push(Evidence::new(name, lookup_failure(reason)));
            }
            Ok(addresses) if addresses.is_empty() => {
                evidence.push(Evidence::new(name, msg!("ipv6-no-aaaa")));
            }
            Ok(addresses) => {
                with_ipv6 += 1;
                for ip in addresses {
                    let target = SocketAddr::new(ip, 53).to_string();
                    let exchange = obs
                        .dns_for(&question, QueryMode::Direct)
                        .filter(|e| e.server == target)
                        .last();
                    let address = ip.to_string();
                    let detail = match exchange.map(|e| &e.outcome) {
                        Some(DnsOutcome::Response(r)) if r.is_noerror() => {
                            answering += 1;
                            msg!("ipv6-ns-answers", address = address, count = r.answer.len())
                        }
                        Some(DnsOutcome::Response(r)) => {
                            silent += 1;
                            msg!("ipv6-ns-rcode", address = address, rcode = r.rcode.as_str())
                        }
                        Some(DnsOutcome::Failure { kind, .. }) => {
                            silent += 1;
                            msg!(
                                "ipv6-ns-silent",
                                address = address,
                                failure = failure_message(*kind)
                            )
                        }
                        None => {
                            untried += 1;
                            msg!("ipv6-ns-not-queried", address = address)
                        }
                    };
                    evidence.push(Evidence::new(name.clone(), detail));
                }
            }
        }
    }
    let total = servers.len();
    let finding = if with_ipv6 < 2 && with_ipv6 + unresolved >= 2 {
        // Whether the unresolved ones have IPv6 is unknown: untested, not failed.
        Finding::new(
            id,
            Status::Error,
            msg!("ipv6-ns-unresolved", count = unresolved, zone = zone_text),
        )
    } else if with_ipv6 == 0 {
        Finding::new(
            id,
            Status::Fail,
            msg!("ipv6-ns-no-ipv6", zone = zone_text, total = total),
        )
    } else if with_ipv6 == 1 {
        let f = Finding::new(
            id,
            Status::Fail,
            msg!("ipv6-ns-only-one", zone = zone_text, total = total),
        );
        if answering > 0 { f.partially() } else { f }
    } else if silent > 0 {
        let f = Finding::new(
            id,
            Status::Fail,
            msg!("ipv6-ns-silent-summary", count = silent, zone = zone_text),
        );
        if answering > 0 { f.partially() } else { f }
    } else if untried > 0 {
        Finding::new(
            id,
            Status::Error,
            msg!("ipv6-ns-untried", count = untried, zone = zone_text),
        )
    } else {
        Finding::new(
            id,
            Status::Pass,
            msg!("ipv6-ns-pass", count = with_ipv6, zone = zone_text),
        )
    };
    finding.with_all(evidence)
}

/// `web.ipv6.address`: the web host has an IPv6 address.
pub fn web_address(obs: &Observations, host: &str) -> Finding {
    let id = ids::WEB_IPV6_ADDRESS;
    let label = format!("{host} AAAA");
    match ipv6_addresses(obs, host) {
        Err(reason) => Finding::new(id, Status::Error, lookup_failure(reason)),
        Ok(addresses) if addresses.is_empty() => {
            Finding::new(id, Status::Fail, msg!("ipv6-web-no-address", host = host))
                .with(label, msg!("ipv6-no-records"))
        }
        Ok(addresses) => Finding::new(id, Status::Pass, msg!("ipv6-web-address", host = host))
            .with_all(
                addresses
                    .iter()
                    .map(|a| Evidence::new(label.as_str(), a.to_string())),
            ),
    }
}

/// `web.ipv6.reachable`: every IPv6 address accepts connections on 80 and
/// 443. Without an IPv6 address there is nothing that could pass: not
/// tested, no points (as internet.nl).
pub fn web_reachable(obs: &Observations, host: &str) -> Finding {
    let id = ids::WEB_IPV6_REACHABLE;
    match ipv6_addresses(obs, host) {
        Err(reason) => Finding::new(id, Status::Error, lookup_failure(reason)),
        Ok(a) if a.is_empty() => Finding::new(
            id,
            Status::NotTested,
            msg!("ipv6-web-reach-no-address", host = host),
        ),
        Ok(a) => reachable(id, obs, &a, &WEB_PORTS, Served::Web(host)),
    }
}

/// `mail.ipv6.reachable`: every IPv6 address of every mail server accepts
/// connections on port 25. When no mail server has an IPv6 address there is
/// nothing that could pass: not tested, no points (internet.nl's `mx_reach`).
pub fn mail_reachable(obs: &Observations, hosts: &[Name]) -> Finding {
    let id = ids::MAIL_IPV6_REACHABLE;
    let mut addresses = Vec::new();
    for host in hosts {
        match ipv6_addresses(obs, &host.to_ascii()) {
            Err(reason) => return Finding::new(id, Status::Error, lookup_failure(reason)),
            Ok(a) => addresses.extend(a),
        }
    }
    if addresses.is_empty() {
        return Finding::new(id, Status::NotTested, msg!("ipv6-mail-reach-no-address"));
    }
    reachable(id, obs, &addresses, &[SMTP_PORT], Served::Mail)
}

/// The SMTP port, tried over IPv6 by the mail test.
pub const SMTP_PORT: u16 = 25;

/// Whose addresses are tried.
#[derive(Debug, Clone, Copy)]
enum Served<'a> {
    /// The web server of this host, on 80 and 443.
    Web(&'a str),
    /// The mail servers, on 25.
    Mail,
}

/// Judges the recorded connection attempts to every address and port.
fn reachable(
    id: &str,
    obs: &Observations,
    addresses: &[IpAddr],
    ports: &[u16],
    served: Served<'_>,
) -> Finding {
    let mut open = 0;
    let mut closed = 0;
    let mut untested = 0;
    let mut evidence = Vec::new();
    for ip in addresses {
        for port in ports {
            let target = socket_text(*ip, *port);
            match obs.tcp.iter().rev().find(|c| c.address == target) {
                Some(c) => match &c.error {
                    None => {
                        open += 1;
                        evidence.push(Evidence::new(
                            target,
                            msg!("ipv6-connected", ms = c.elapsed_ms),
                        ));
                    }
                    Some(error) => {
                        closed += 1;
                        evidence.push(Evidence::new(
                            target,
                            msg!("ipv6-connect-failed", error = error.as_str()),
                        ));
                    }
                },
                None => {
                    untested += 1;
                    evidence.push(Evidence::new(target, msg!("ipv6-not-tried")));
                }
            }
        }
    }
    let tried = open + closed;
    let summary = |outcome: &str| match (served, outcome) {
        (Served::Web(host), "pass") => msg!("ipv6-web-reach-pass", host = host),
        (Served::Web(host), _) => msg!(
            "ipv6-web-reach-fail",
            host = host,
            failed = closed,
            tried = tried
        ),
        (Served::Mail, "pass") => msg!("ipv6-mail-reach-pass"),
        (Served::Mail, _) => msg!("ipv6-mail-reach-fail", failed = closed, tried = tried),
    };
    let finding = if closed == 0 && untested == 0 {
        Finding::new(id, Status::Pass, summary("pass"))
    } else if closed == 0 {
        Finding::new(
            id,
            Status::Error,
            msg!("ipv6-reach-untried", count = untested),
        )
    } else {
        let f = Finding::new(id, Status::Fail, summary("fail"));
        if open > 0 { f.partially() } else { f }
    };
    finding.with_all(evidence)
}

/// `web.ipv6.same_content`: the site over IPv6 is the site over IPv4.
///
/// Without an IPv6 address, or when the site does not answer over IPv6,
/// there is nothing that could pass: not tested, no points. An IPv6-only
/// site has nothing to differ from: not applicable, full points (as
/// internet.nl).
pub fn web_same_content(obs: &Observations, host: &str) -> Finding {
    let id = ids::WEB_IPV6_SAME_CONTENT;
    let (v4, v6) = match (lookup::addresses(obs, host, "A"), ipv6_addresses(obs, host)) {
        (Err(reason), _) | (_, Err(reason)) => {
            return Finding::new(id, Status::Error, lookup_failure(reason));
        }
        (Ok(v4), Ok(v6)) => (v4, v6),
    };
    if v6.is_empty() {
        return Finding::new(
            id,
            Status::NotTested,
            msg!("ipv6-same-no-ipv6", host = host),
        );
    }
    if v4.is_empty() {
        return Finding::new(
            id,
            Status::NotApplicable,
            msg!("ipv6-same-ipv6-only", host = host),
        );
    }
    // The pages people get: each family follows its own redirects to the
    // final page (internet.nl does; identical redirects say nothing about
    // the pages behind them).
    let walks = [
        ("IPv4", browse::walk(obs, host, Family::V4)),
        ("IPv6", browse::walk(obs, host, Family::V6)),
    ];
    let evidence: Vec<Evidence> = walks
        .iter()
        .flat_map(|(family, walk)| walk_evidence(family, walk))
        .collect();
    let finding = match (&walks[0].1, &walks[1].1) {
        (w4, w6) if w4.end.is_none() || w6.end.is_none() => {
            Finding::new(id, Status::Error, msg!("ipv6-same-not-fetched"))
        }
        (w4, w6) => match (w4.end.as_ref(), w6.end.as_ref()) {
            (Some(End::Page(a)), Some(End::Page(b))) => compare(a, b),
            // IPv6 gives no answer at all: reachability says so; nothing to
            // compare.
            (_, Some(End::Failed(_))) if w6.hops.len() == 1 => Finding::new(
                id,
                Status::NotTested,
                msg!("ipv6-same-no-answer-v6", host = host),
            ),
            // IPv6 starts but does not reach a page IPv4 reaches: an
            // IPv6-only visitor is stuck on the way (a redirect to a host
            // without IPv6, say).
            (Some(End::Page(_)), Some(end)) => Finding::new(
                id,
                Status::Fail,
                msg!("ipv6-same-v6-stuck", host = host, why = end_message(end)),
            ),
            (Some(end), Some(End::Page(_))) => Finding::new(
                id,
                Status::Fail,
                msg!("ipv6-same-v4-stuck", host = host, why = end_message(end)),
            ),
            (Some(a), Some(b)) => Finding::new(
                id,
                Status::Fail,
                msg!(
                    "ipv6-same-neither",
                    host = host,
                    v4 = end_message(a),
                    v6 = end_message(b)
                ),
            ),
            (None, _) | (_, None) => Finding::new(id, Status::Error, msg!("ipv6-same-not-fetched")),
        },
    };
    finding.with_all(evidence)
}

/// One line per hop of a walk: the URL and address asked, and what came
/// back.
fn walk_evidence(family: &str, walk: &browse::Walk<'_>) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = walk
        .hops
        .iter()
        .map(|(get, fetch)| {
            let detail = match &fetch.outcome {
                HttpOutcome::Response(r) => match r.header("location") {
                    Some(location) if (300..400).contains(&r.status) => {
                        msg!("ipv6-hop-redirect", status = r.status, location = location)
                    }
                    _ => msg!(
                        "ipv6-page",
                        status = r.status,
                        bytes = r.body_bytes,
                        cut = if r.body_truncated { "yes" } else { "no" }
                    ),
                },
                HttpOutcome::Failure { kind, .. } => {
                    msg!("ipv6-page-failure", kind = kind.as_str())
                }
            };
            Evidence::new(
                msg!(
                    "ipv6-label-hop",
                    family = family,
                    url = get.url(),
                    address = get.target.to_string()
                ),
                detail,
            )
        })
        .collect();
    if let Some(end) = &walk.end
        && !matches!(end, End::Page(_) | End::Failed(_))
    {
        out.push(Evidence::new(
            msg!("ipv6-label-walk-end", family = family),
            end_message(end),
        ));
    }
    out
}

/// Why a walk did not reach a page, in words.
fn end_message(end: &End<'_>) -> Message {
    match end {
        End::Page(r) => msg!("ipv6-end-page", status = r.status),
        End::Failed(HttpOutcome::Failure { kind, .. }) => {
            msg!("ipv6-page-failure", kind = kind.as_str())
        }
        End::Failed(HttpOutcome::Response(r)) => msg!("ipv6-end-page", status = r.status),
        End::NoAddress { host } => msg!("ipv6-end-no-address", host = host.as_str()),
        End::Unresolved { reason } => reason.to_message(),
        End::BadRedirect { location } => {
            msg!("ipv6-end-bad-redirect", location = location.as_str())
        }
        End::TooManyRedirects => msg!(
            "ipv6-end-too-many-redirects",
            max = indaba_model::limits::MAX_REDIRECTS
        ),
    }
}

fn compare(v4: &HttpResponse, v6: &HttpResponse) -> Finding {
    let id = ids::WEB_IPV6_SAME_CONTENT;
    if v4.status != v6.status {
        return Finding::new(
            id,
            Status::Fail,
            msg!("ipv6-same-status-differs", v4 = v4.status, v6 = v6.status),
        );
    }
    let ratio = similarity(&v4.body.lossy(), &v6.body.lossy());
    let percent = (ratio * 100.0).round() as i64;
    let required = (SAME_CONTENT_RATIO * 100.0).round() as i64;
    let similarity = Evidence::new(
        msg!("ipv6-label-similarity"),
        msg!("ipv6-similarity", percent = percent, required = required),
    );
    // internet.nl: the same error page on both is a warning that keeps its
    // points; content that differs by more than 10% is a warning without
    // them.
    if v4.status >= 400 {
        return Finding::new(
            id,
            Status::Warning,
            msg!("ipv6-same-error-page", status = v4.status),
        )
        .partially()
        .with_all([similarity]);
    }
    if ratio >= SAME_CONTENT_RATIO {
        Finding::new(id, Status::Pass, msg!("ipv6-same-pass", percent = percent))
    } else {
        Finding::new(
            id,
            Status::Warning,
            msg!("ipv6-same-differs", percent = percent),
        )
    }
    .with_all([similarity])
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
            Err(reason) => return Finding::new(id, Status::Error, lookup_failure(reason)),
            Ok(a) if a.is_empty() => {
                without += 1;
                evidence.push(Evidence::new(name, msg!("ipv6-no-aaaa")));
            }
            Ok(a) => {
                with += 1;
                let list: Vec<String> = a.iter().map(|ip| ip.to_string()).collect();
                evidence.push(Evidence::new(name, list.join(", ")));
            }
        }
    }
    let finding = if without == 0 {
        Finding::new(id, Status::Pass, msg!("ipv6-mail-address-pass"))
    } else {
        let f = Finding::new(
            id,
            Status::Fail,
            msg!(
                "ipv6-mail-address-fail",
                without = without,
                total = with + without
            ),
        );
        if with > 0 { f.partially() } else { f }
    };
    finding.with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dnssec::fixtures::{address, direct, direct_timeout, name, ns, records};
    use indaba_model::observation::{HttpFailure, HttpFetch, Octets, TcpConnect};

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

    /// A web host with these IPv4 and IPv6 addresses.
    fn web_host(v4: &[&str], v6: &[&str]) -> Observations {
        let host = "www.example.test.";
        Observations {
            dns: vec![
                records(host, "A", v4.iter().map(|ip| address(host, ip)).collect()),
                records(
                    host,
                    "AAAA",
                    v6.iter().map(|ip| address(host, ip)).collect(),
                ),
            ],
            ..Observations::default()
        }
    }

    fn page(address: &str, outcome: HttpOutcome) -> HttpFetch {
        HttpFetch {
            url: "http://www.example.test/".into(),
            address: address.into(),
            elapsed_ms: 1,
            outcome,
        }
    }

    fn ok_page(body: &str) -> HttpOutcome {
        HttpOutcome::Response(HttpResponse {
            status: 200,
            headers: vec![],
            body: Octets(body.as_bytes().to_vec()),
            body_bytes: body.len() as u64,
            body_truncated: false,
            peer_certificates: vec![],
        })
    }

    #[test]
    fn a_web_server_without_ipv6_is_not_tested_for_reachability_or_content() {
        let obs = web_host(&["192.0.2.1"], &[]);
        let f = web_reachable(&obs, "www.example.test");
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(f.message.id, "ipv6-web-reach-no-address");
        assert_eq!(
            crate::english(&f),
            "Not tested: the web server www.example.test has no IPv6 address."
        );
        let f = web_same_content(&obs, "www.example.test");
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(
            crate::english(&f),
            "Not tested: the web server www.example.test has no IPv6 address."
        );
        let f = web_address(&obs, "www.example.test");
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            crate::english_evidence(&f),
            "www.example.test AAAA: no records"
        );
    }

    #[test]
    fn an_ipv6_only_site_has_nothing_to_differ_from() {
        let obs = web_host(&[], &["2001:db8::1"]);
        let f = web_same_content(&obs, "www.example.test");
        assert_eq!(f.status, Status::NotApplicable, "{f:?}");
        assert_eq!(f.message.id, "ipv6-same-ipv6-only");
    }

    #[test]
    fn a_site_silent_over_ipv6_is_not_tested_for_content_and_unreachable() {
        let mut obs = web_host(&["192.0.2.1"], &["2001:db8::1"]);
        obs.http = vec![
            page("192.0.2.1:80", ok_page("<p>hello</p>")),
            page(
                "[2001:db8::1]:80",
                HttpOutcome::Failure {
                    kind: HttpFailure::Refused,
                    reason: "connection refused".into(),
                },
            ),
        ];
        obs.tcp = ["[2001:db8::1]:80", "[2001:db8::1]:443"]
            .iter()
            .map(|a| TcpConnect {
                address: (*a).into(),
                elapsed_ms: 1,
                error: Some("connection refused".into()),
            })
            .collect();
        let f = web_same_content(&obs, "www.example.test");
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(f.message.id, "ipv6-same-no-answer-v6");
        let text = crate::english_evidence(&f);
        assert!(
            text.contains("http://www.example.test/ via [2001:db8::1]:80: connection refused"),
            "{text}"
        );
        assert!(
            text.contains("http://www.example.test/ via 192.0.2.1:80: HTTP 200 with 12 bytes"),
            "{text}"
        );
        let f = web_reachable(&obs, "www.example.test");
        assert_eq!(f.status, Status::Fail);
        assert!(!f.partial);
        assert_eq!(
            crate::english(&f),
            "Not every IPv6 address of www.example.test accepts connections on ports 80 and 443 (2 of 2 failed)."
        );
    }

    #[test]
    fn the_same_site_over_both_families_passes() {
        let mut obs = web_host(&["192.0.2.1"], &["2001:db8::1"]);
        obs.http = vec![
            page("192.0.2.1:80", ok_page("<p>hello</p>")),
            page("[2001:db8::1]:80", ok_page("<p>hello</p>")),
        ];
        let f = web_same_content(&obs, "www.example.test");
        assert_eq!(f.status, Status::Pass);
        assert_eq!(
            crate::english(&f),
            "The website serves the same content over IPv4 and IPv6 (100% alike)."
        );
        assert!(
            crate::english_evidence(&f)
                .contains("similarity: 100% of lines alike (at least 90% required)")
        );
    }

    #[test]
    fn mail_servers_without_ipv6_are_not_tested_for_reachability() {
        let mx = "mx.example.test.";
        let obs = Observations {
            dns: vec![
                records(mx, "A", vec![address(mx, "192.0.2.25")]),
                records(mx, "AAAA", vec![]),
            ],
            ..Observations::default()
        };
        let f = mail_reachable(&obs, &[name(mx)]);
        assert_eq!(f.status, Status::NotTested);
        assert_eq!(
            crate::english(&f),
            "Not tested: no mail server has an IPv6 address."
        );
    }

    /// A zone with name servers `ns1`… each with the given IPv6 address (or
    /// none), and whether that address answers.
    fn zone_with(servers: &[Option<(&str, bool)>]) -> Observations {
        let zone = "example.test.";
        let mut dns = Vec::new();
        let mut nss = Vec::new();
        for (i, server) in servers.iter().enumerate() {
            let host = format!("ns{}.example.test.", i + 1);
            nss.push(ns(zone, &host));
            dns.push(records(&host, "A", vec![address(&host, "192.0.2.53")]));
            match server {
                None => dns.push(records(&host, "AAAA", vec![])),
                Some((ip, answers)) => {
                    dns.push(records(&host, "AAAA", vec![address(&host, ip)]));
                    let at = SocketAddr::new(ip.parse().unwrap(), 53).to_string();
                    dns.push(if *answers {
                        direct(&at, zone, "NS", vec![ns(zone, &host)])
                    } else {
                        direct_timeout(&at, zone, "NS")
                    });
                }
            }
        }
        dns.push(records(zone, "NS", nss));
        Observations {
            dns,
            ..Observations::default()
        }
    }

    #[test]
    fn name_servers_follow_internet_nl() {
        let zone = name("example.test.");
        // None with IPv6: fail, nothing earned.
        let f = name_servers(&zone_with(&[None, None]), &zone);
        assert_eq!((f.status, f.partial), (Status::Fail, false));
        assert_eq!(f.message.id, "ipv6-ns-no-ipv6");
        // Only one with IPv6 ("other"): fail, partial credit when it answers.
        let f = name_servers(&zone_with(&[Some(("2001:db8::53", true)), None]), &zone);
        assert_eq!((f.status, f.partial), (Status::Fail, true));
        assert_eq!(
            crate::english(&f),
            "Only one of the 2 name servers of example.test. has an IPv6 address; at least two are needed."
        );
        let f = name_servers(&zone_with(&[Some(("2001:db8::53", true))]), &zone);
        assert_eq!((f.status, f.partial), (Status::Fail, true));
        assert_eq!(
            crate::english(&f),
            "The only name server of example.test. has an IPv6 address, but at least two with IPv6 are needed."
        );
        let f = name_servers(&zone_with(&[Some(("2001:db8::53", false)), None]), &zone);
        assert_eq!((f.status, f.partial), (Status::Fail, false));
        // Two with IPv6, all answering: pass.
        let f = name_servers(
            &zone_with(&[Some(("2001:db8::53", true)), Some(("2001:db8::54", true))]),
            &zone,
        );
        assert_eq!(f.status, Status::Pass);
        assert!(
            crate::english_evidence(&f)
                .contains("ns1.example.test.: 2001:db8::53 answers (one record)")
        );
        // Two with IPv6, one silent: fail with partial credit.
        let f = name_servers(
            &zone_with(&[Some(("2001:db8::53", true)), Some(("2001:db8::54", false))]),
            &zone,
        );
        assert_eq!((f.status, f.partial), (Status::Fail, true));
        assert_eq!(
            crate::english(&f),
            "One IPv6 address of the name servers of example.test. does not answer DNS queries."
        );
        assert!(
            crate::english_evidence(&f)
                .contains("ns2.example.test.: 2001:db8::54 does not answer: no answer in time")
        );
    }
}
