//! The JSON bodies of the batch API, built from our requests and reports
//! through [`super::mapping`]: a request, one domain's results and
//! technical results, and the report metadata. Pure: no IO.

use std::net::SocketAddr;

use indaba_checks::technical::{AddressRow, ServerTable, Technical};
use indaba_model::catalogue::ids;
use indaba_model::observation::DnsOutcome;
use indaba_model::{Rating, Report, Status, TestKind};
use indaba_store::BatchRequest;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::mapping::{self, CATEGORIES, SECTIONS, TESTS};

fn date(unix: i64) -> Value {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::String)
}

fn kind_word(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "web",
        TestKind::Mail => "mail",
    }
}

/// A request as internet.nl's `Request` schema has it; with `progress`
/// (finished, total) as its `?progress=true` adds.
pub fn request(r: &BatchRequest, progress: Option<(i64, i64)>) -> Value {
    let mut v = json!({
        "request_id": r.id,
        "name": r.name,
        "request_type": kind_word(r.kind),
        "status": r.status.as_str(),
        "submit_date": date(r.submitted_at),
        // internet.nl sends null until the request ends.
        "finished_date": r.finished_at.map_or(Value::Null, date),
    });
    if let (Some((finished, total)), Some(o)) = (progress, v.as_object_mut()) {
        o.insert("progress".into(), format!("{finished}/{total}").into());
        o.insert("num_domains".into(), total.into());
    }
    v
}

/// A domain whose test could not be completed (`DomainStatus` `error`:
/// no other keys).
pub fn domain_error() -> Value {
    json!({"status": "error"})
}

/// One domain's results (`Domain`): the score, the report's address,
/// internet.nl's categories and tests that have a counterpart in the
/// report.
pub fn domain(report: &Report, report_url: &str) -> Value {
    let mut categories = Map::new();
    for c in mapping::categories_of(report.kind) {
        if let Some(ours) = report.categories.iter().find(|r| r.category == c.ours.id()) {
            categories.insert(
                c.name.into(),
                json!({"status": mapping::category_status(ours.status), "verdict": ours.status.as_str()}),
            );
        }
    }
    let mut tests = Map::new();
    for t in mapping::tests_of(report.kind) {
        if let Some(finding) = t.ours.and_then(|id| report.finding(id)) {
            tests.insert(
                t.name.into(),
                json!({"status": mapping::test_status(finding.status), "verdict": finding.status.as_str()}),
            );
        }
    }
    let mut v = json!({
        "status": "ok",
        "report": {"url": report_url},
        "results": {"categories": categories, "tests": tests, "custom": {}},
    });
    if let (Some(score), Some(o)) = (report.score, v.as_object_mut()) {
        o.insert("scoring".into(), json!({"percentage": score}));
    }
    v
}

/// internet.nl's DNSSEC status of the domain (`TechnicalDnssec`), from our
/// two DNSSEC findings.
fn dnssec(report: &Report) -> &'static str {
    let status = |id| report.finding(id).map(|f| f.status);
    match (status(ids::DNSSEC_EXISTS), status(ids::DNSSEC_VALID)) {
        (Some(Status::Error), _) | (_, Some(Status::Error)) | (None, _) => "error",
        (Some(Status::Pass), Some(Status::Pass)) => "secure",
        (Some(Status::Pass), _) => "bogus",
        _ => "insecure",
    }
}

/// The evidence of finding `check` that is a record starting with `prefix`.
fn records(report: &Report, check: &str, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = report
        .finding(check)
        .map(|f| {
            f.evidence
                .iter()
                .map(|e| e.detail.trim().trim_matches('"').to_string())
                .filter(|d| {
                    d.get(..prefix.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    out.dedup();
    out
}

/// internet.nl's `rov_state` of our route-origin validity message.
fn rov_state(validity: &indaba_model::Message) -> Option<&'static str> {
    match validity.id.as_str() {
        "rov-valid" => Some("valid"),
        "rov-not-found" => Some("not-found"),
        id if id.starts_with("rov-invalid") => Some("invalid"),
        _ => None,
    }
}

/// An address as `TechnicalIpv4`/`TechnicalIpv6` has it; `None` when its
/// route is not known (the schema requires one).
fn address(row: &AddressRow, reachable: bool) -> Option<Value> {
    let route = row.routes.as_ref().ok()?.first()?;
    Some(json!({
        "address": row.address.to_string(),
        "reachable": reachable,
        "routing": {"origin": route.origin, "route": route.prefix, "rov_state": rov_state(&route.validity)?},
    }))
}

/// Addresses by family: `{"ipv4": {"addresses": […]}, "ipv6": {…}}`.
fn by_family<'a>(rows: impl Iterator<Item = (&'a AddressRow, bool)>) -> Value {
    let (mut v4, mut v6) = (Vec::new(), Vec::new());
    for (row, reachable) in rows {
        if let Some(a) = address(row, reachable) {
            if row.address.is_ipv4() {
                v4.push(a);
            } else {
                v6.push(a);
            }
        }
    }
    json!({"ipv4": {"addresses": v4}, "ipv6": {"addresses": v6}})
}

/// The technical tables of a stored report.
fn tables_of(report: &Report) -> Technical {
    let started = crate::when::unix_of(&report.started).unwrap_or_default();
    indaba_checks::technical::tables(
        report.kind,
        report.target.as_str(),
        &report.observations,
        started,
    )
}

/// Whether a name server at `row` answered a DNS query of the test.
fn answered(report: &Report, row: &AddressRow) -> bool {
    report.observations.dns.iter().any(|x| {
        matches!(x.outcome, DnsOutcome::Response(_))
            && x.server
                .parse::<SocketAddr>()
                .is_ok_and(|s| s.ip() == row.address)
    })
}

/// Whether a connection to any port of `row` was made.
fn connected(row: &AddressRow) -> bool {
    row.ports.iter().any(|(_, ok)| *ok)
}

/// The hosts of `role` in the order the tables have them, each once.
fn hosts_of<'a>(tables: &'a Technical, role: &str) -> Vec<&'a str> {
    let mut hosts: Vec<&str> = Vec::new();
    for row in tables.addresses.iter().filter(|r| r.role.id == role) {
        if !hosts.contains(&row.host.as_str()) {
            hosts.push(&row.host);
        }
    }
    hosts
}

/// The name servers per host, each address with reachability as tested (a
/// DNS answer from it) and its first route with its origin validation.
/// Addresses whose route is not known are left out.
fn nameservers(report: &Report, tables: &Technical) -> Value {
    let mut nameservers = Map::new();
    for host in hosts_of(tables, "tech-role-name") {
        let rows = tables
            .addresses
            .iter()
            .filter(|r| r.role.id == "tech-role-name" && r.host == host)
            .map(|r| (r, answered(report, r)));
        nameservers.insert(host.to_string(), by_family(rows));
    }
    Value::Object(nameservers)
}

/// The names of what a server offers at `rating`: (versions, suites).
fn offered_at(s: &ServerTable, rating: Rating) -> (Vec<&str>, Vec<&str>) {
    let versions = s
        .versions
        .iter()
        .filter(|v| v.accepted == Some(true) && v.rating == rating)
        .map(|v| v.name)
        .collect();
    let suites = s
        .suites
        .iter()
        .filter(|x| x.rating == rating)
        .map(|x| x.name.as_str())
        .collect();
    (versions, suites)
}

/// `TechnicalSharedDetails` of one TLS server from its table: the versions
/// and suites rated insufficient ("bad") and phase-out, the certificate
/// chain's subjects and the signatures rated so, and the TLSA records
/// when DNSSEC-signed. Empty when TLS could not be tested there, as the
/// schema has it. Left out: what our tables do not rate one by one the way
/// internet.nl does (key-exchange parameters, cipher order, renegotiation,
/// compression, 0-RTT, DANE validation per server): those are findings of
/// the whole domain in `results`.
fn tls_details(s: &ServerTable) -> Value {
    if s.unreached.is_some() {
        return json!({});
    }
    let (protocols_bad, ciphers_bad) = offered_at(s, Rating::Insufficient);
    let (protocols_phase_out, ciphers_phase_out) = offered_at(s, Rating::PhaseOut);
    let mut details = json!({
        "protocols_bad": protocols_bad,
        "protocols_phase_out": protocols_phase_out,
        "ciphers_bad": ciphers_bad,
        "ciphers_phase_out": ciphers_phase_out,
    });
    if let (Ok(chain), Some(o)) = (&s.chain, details.as_object_mut()) {
        let signatures = |rating: Rating| -> Map<String, Value> {
            chain
                .iter()
                .filter(|c| c.signature_rating == rating)
                .map(|c| (c.subject.clone(), Value::String(c.signature.clone())))
                .collect()
        };
        o.insert(
            "cert_chain".into(),
            chain.iter().map(|c| c.subject.clone()).collect(),
        );
        o.insert(
            "cert_signature_bad".into(),
            Value::Object(signatures(Rating::Insufficient)),
        );
        o.insert(
            "cert_signature_phase_out".into(),
            Value::Object(signatures(Rating::PhaseOut)),
        );
    }
    if s.dane.status.id == "tech-dane-secure"
        && let Some(o) = details.as_object_mut()
    {
        o.insert("dane_records".into(), s.dane.records.clone().into());
    }
    details
}

/// The family of a server table's `address:port`.
fn is_ipv4(s: &ServerTable) -> Option<bool> {
    s.address.parse::<SocketAddr>().ok().map(|a| a.is_ipv4())
}

/// `webservers`: per address family the addresses, and the first HTTPS
/// server of that family tested with its TLS details.
fn webservers(tables: &Technical) -> Value {
    let family = |v4: bool| {
        let rows: Vec<Value> = tables
            .addresses
            .iter()
            .filter(|r| r.role.id == "tech-role-web" && r.address.is_ipv4() == v4)
            .filter_map(|r| address(r, connected(r)))
            .collect();
        let mut side = json!({"addresses": rows});
        let tested = tables.servers.iter().find(|s| is_ipv4(s) == Some(v4));
        if let (Some(s), Some(o)) = (tested, side.as_object_mut()) {
            let ip = s
                .address
                .parse::<SocketAddr>()
                .map(|a| a.ip().to_string())
                .unwrap_or_default();
            let reachable = tables.addresses.iter().any(|r| {
                r.role.id == "tech-role-web" && r.address.to_string() == ip && connected(r)
            });
            o.insert("tested_address".into(), ip.into());
            o.insert("server_reachable".into(), reachable.into());
            o.insert("https_enabled".into(), s.offered.into());
            o.insert("details".into(), tls_details(s));
        }
        side
    };
    json!({"ipv4": family(true), "ipv6": family(false)})
}

/// internet.nl's DNSSEC status word of our message for a name's security.
fn security_word(detail: Option<&indaba_model::Message>) -> &'static str {
    match detail.map(|m| m.id.as_str()) {
        Some("dnssec-secure") => "secure",
        Some("dnssec-insecure") => "insecure",
        Some("dnssec-bogus") => "bogus",
        _ => "error",
    }
}

/// `receiving_mailservers`: per MX host its addresses (reachability: a
/// connection to port 25), the DNSSEC status of its name (the evidence of
/// `mail.dnssec.mx_valid`), and for its first address tested, whether
/// STARTTLS is offered and the TLS details.
fn receiving_mailservers(report: &Report, tables: &Technical) -> Value {
    let mx_security = report.finding(ids::MAIL_DNSSEC_MX_VALID);
    let mut servers = Map::new();
    for host in hosts_of(tables, "tech-role-mail") {
        let rows: Vec<&AddressRow> = tables
            .addresses
            .iter()
            .filter(|r| r.role.id == "tech-role-mail" && r.host == host)
            .collect();
        let family = |v4: bool| -> Vec<Value> {
            rows.iter()
                .filter(|r| r.address.is_ipv4() == v4)
                .filter_map(|r| address(r, connected(r)))
                .collect()
        };
        let name = host.trim_end_matches('.');
        let dnssec = security_word(
            mx_security
                .and_then(|f| {
                    f.evidence
                        .iter()
                        .find(|e| e.subject.trim_end_matches('.').eq_ignore_ascii_case(name))
                })
                .and_then(|e| e.detail_message.as_ref()),
        );
        let mut server = json!({
            "addresses": {"ipv4": family(true), "ipv6": family(false)},
            "dnssec": {"status": dnssec},
            "server_reachable": rows.iter().any(|r| connected(r)),
        });
        let tested = tables
            .servers
            .iter()
            .find(|s| s.host.trim_end_matches('.').eq_ignore_ascii_case(name));
        if let (Some(s), Some(o)) = (tested, server.as_object_mut()) {
            o.insert("starttls_enabled".into(), s.offered.into());
            o.insert("server_testable".into(), (s.unreached.is_none()).into());
            o.insert("details".into(), tls_details(s));
        }
        servers.insert(name.to_string(), server);
    }
    Value::Object(servers)
}

/// One domain's technical results (`DomainWebTechnical` or
/// `DomainMailTechnical`): the domain-wide details, the name servers, and
/// the web servers or the receiving mail servers with their TLS details.
/// `mx_nameservers` is not given: the mail test does not ask the MX zones'
/// name servers themselves (see the README).
pub fn domain_technical(report: &Report) -> Value {
    let dnssec = json!({"status": dnssec(report)});
    let tables = tables_of(report);
    let nameservers = nameservers(report, &tables);
    match report.kind {
        TestKind::Web => json!({
            "status": "ok",
            "domain": {"dnssec": dnssec},
            "nameservers": nameservers,
            "webservers": webservers(&tables),
        }),
        TestKind::Mail => {
            let dkim = report
                .finding(ids::MAIL_DKIM_EXISTS)
                .is_some_and(|f| f.status == Status::Pass);
            json!({
                "status": "ok",
                "domain": {
                    "dnssec": dnssec,
                    "dmarc": {"records": records(report, ids::MAIL_DMARC_RECORD, "v=DMARC1")},
                    "spf": {"records": records(report, ids::MAIL_SPF_RECORD, "v=spf1")},
                    "dkim": {"discovered": dkim},
                },
                "nameservers": nameservers,
                "receiving_mailservers": receiving_mailservers(report, &tables),
            })
        }
    }
}

/// The verdicts (our status words) each of internet.nl's test statuses
/// carries.
fn status_verdict_map() -> Value {
    let mut map: Map<String, Value> = Map::new();
    for s in Status::ALL {
        let entry = map
            .entry(mapping::test_status(s))
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = entry.as_array_mut() {
            list.push(s.as_str().into());
        }
    }
    Value::Object(map)
}

/// The `report` of `metadata/report`: every category, section and test
/// that our results can carry, and their hierarchy per test kind.
pub fn metadata_report() -> Value {
    let mut data = Map::new();
    let mut hierarchy = Map::new();
    let verdicts = status_verdict_map();
    let mapped = |parent: &str| -> Vec<Value> {
        TESTS
            .iter()
            .filter(|t| t.parent == parent && t.ours.is_some())
            .map(|t| json!({"name": t.name}))
            .collect()
    };
    for kind in [TestKind::Web, TestKind::Mail] {
        let mut top = Vec::new();
        for c in mapping::categories_of(kind) {
            data.insert(
                c.name.into(),
                json!({"type": "category", "translation_key": c.translation_key}),
            );
            let mut children = mapped(c.name);
            for s in SECTIONS.iter().filter(|s| s.category == c.name) {
                let tests = mapped(s.name);
                if tests.is_empty() {
                    continue;
                }
                // A section named as its category (web_rpki) keeps the
                // category's entry, as in internet.nl's own metadata.
                data.entry(s.name).or_insert_with(
                    || json!({"type": "section", "translation_key": s.translation_key}),
                );
                children.push(json!({"name": s.name, "children": tests}));
            }
            top.push(json!({"name": c.name, "children": children}));
        }
        hierarchy.insert(kind_word(kind).into(), Value::Array(top));
    }
    for t in TESTS.iter().filter(|t| t.ours.is_some()) {
        data.insert(
            t.name.into(),
            json!({"type": "test", "translation_key": t.translation_key, "status_verdict_map": verdicts}),
        );
    }
    debug_assert!(CATEGORIES.iter().all(|c| data.contains_key(c.name)));
    json!({"data": data, "hierarchy": hierarchy})
}
