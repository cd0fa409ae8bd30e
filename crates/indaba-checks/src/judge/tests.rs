//! `judge()` on hand-built observations: every check of a test gives exactly
//! one finding, and the verdicts that depend on what is missing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use base64::Engine as _;
use hickory_proto::op::{Message, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, MX, NS, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use indaba_model::observation::{
    DnsExchange, DnsOutcome, DnsQuestion, DnsResponse, QueryMode, TcpConnect,
};
use indaba_model::{Observations, Status, TestKind, catalogue};

use super::{JudgeContext, judge};
use crate::certificate::TrustStore;
use crate::dnssec::TrustAnchor;

fn name(s: &str) -> Name {
    Name::from_str(s).unwrap()
}

/// Observations built answer by answer.
#[derive(Default)]
struct Built(Observations);

impl Built {
    fn answer(mut self, qname: &str, rtype: &str, rcode: ResponseCode, data: Vec<RData>) -> Self {
        let mut msg = Message::response(1, OpCode::Query);
        msg.metadata.response_code = rcode;
        msg.add_query(Query::query(
            name(qname),
            RecordType::from_str(rtype).unwrap(),
        ));
        let records: Vec<Record> = data
            .into_iter()
            .map(|d| Record::from_rdata(name(qname), 300, d))
            .collect();
        msg.add_answers(records.clone());
        let zone = name(qname).base_name();
        let soa = Record::from_rdata(
            zone.clone(),
            300,
            RData::SOA(SOA::new(zone.clone(), zone, 1, 3600, 600, 86400, 300)),
        );
        if records.is_empty() || rtype == "SOA" {
            msg.add_authority(soa);
        }
        let wire = msg.to_vec().unwrap();
        self.0.dns.push(DnsExchange {
            server: "192.0.2.53:53".into(),
            mode: QueryMode::Raw,
            question: DnsQuestion::new(qname, rtype),
            elapsed_ms: 1,
            outcome: DnsOutcome::Response(DnsResponse {
                rcode: match rcode {
                    ResponseCode::NXDomain => "NXDOMAIN",
                    ResponseCode::ServFail => "SERVFAIL",
                    _ => "NOERROR",
                }
                .into(),
                authenticated: false,
                authoritative: false,
                tcp: false,
                answer: records.iter().map(|r| r.to_string()).collect(),
                authority: Vec::new(),
                extended_error: None,
                wire: base64::engine::general_purpose::STANDARD.encode(wire),
                parsed: Default::default(),
            }),
        });
        self
    }

    fn ok(self, qname: &str, rtype: &str, data: Vec<RData>) -> Self {
        self.answer(qname, rtype, ResponseCode::NoError, data)
    }

    fn connect(mut self, address: &str, ok: bool) -> Self {
        self.0.tcp.push(TcpConnect {
            address: address.into(),
            elapsed_ms: 1,
            error: (!ok).then(|| "connection refused".into()),
        });
        self
    }
}

fn v4(s: &str) -> RData {
    RData::A(A(Ipv4Addr::from_str(s).unwrap()))
}

fn v6(s: &str) -> RData {
    RData::AAAA(AAAA(Ipv6Addr::from_str(s).unwrap()))
}

fn run(kind: TestKind, domain: &str, obs: &Observations) -> Vec<indaba_model::Finding> {
    let anchor = TrustAnchor::iana();
    let roots = TrustStore::mozilla();
    let ctx = JudgeContext {
        anchor: &anchor,
        roots: &roots,
        now: time::OffsetDateTime::now_utc(),
    };
    judge(kind, domain, obs, &ctx)
}

fn status(findings: &[indaba_model::Finding], id: &str) -> Status {
    findings
        .iter()
        .find(|f| f.check == id)
        .unwrap_or_else(|| panic!("no finding for {id}"))
        .status
}

fn dual_stack() -> Built {
    Built::default()
        .ok("example.nl.", "SOA", vec![])
        .ok("example.nl.", "A", vec![v4("192.0.2.10")])
        .ok("example.nl.", "AAAA", vec![v6("2001:db8::10")])
        .ok(
            "nl.",
            "NS",
            vec![
                RData::NS(NS(name("ns1.example.nl."))),
                RData::NS(NS(name("ns2.example.nl."))),
            ],
        )
}

#[test]
fn every_check_gives_exactly_one_finding_in_every_test_it_belongs_to() {
    let observed = [
        Observations::default(),
        dual_stack().0,
        Built::default()
            .ok(
                "example.nl.",
                "MX",
                vec![RData::MX(MX::new(10, name("mx.example.nl.")))],
            )
            .0,
        Built::default()
            .answer("example.nl.", "A", ResponseCode::NXDomain, vec![])
            .0,
    ];
    for obs in &observed {
        for kind in [TestKind::Web, TestKind::Mail] {
            let findings = run(kind, "example.nl.", obs);
            for spec in catalogue::checks_for(kind) {
                let n = findings.iter().filter(|f| f.check == spec.id).count();
                assert_eq!(n, 1, "{kind} test: {} gave {n} findings", spec.id);
            }
            assert_eq!(findings.len(), catalogue::checks_for(kind).count());
            for f in &findings {
                assert!(!f.message.id.is_empty(), "{} has no message", f.check);
            }
        }
    }
}

#[test]
fn nothing_observed_is_an_error_never_a_pass() {
    for kind in [TestKind::Web, TestKind::Mail] {
        for f in run(kind, "example.nl.", &Observations::default()) {
            let spec = catalogue::check(&f.check).unwrap();
            if spec.scored() {
                assert!(
                    !matches!(f.status, Status::Pass | Status::Info),
                    "{kind}: {} passes on nothing: {:?}",
                    f.check,
                    f.message
                );
            }
        }
    }
}

#[test]
fn a_web_server_without_ipv6_fails_the_address_gate() {
    let obs = Built::default()
        .ok("example.nl.", "SOA", vec![])
        .ok("example.nl.", "A", vec![v4("192.0.2.10")])
        .ok("example.nl.", "AAAA", vec![])
        .connect("192.0.2.10:80", true)
        .connect("192.0.2.10:443", true)
        .0;
    let findings = run(TestKind::Web, "example.nl.", &obs);
    assert_eq!(
        status(&findings, catalogue::ids::WEB_IPV6_ADDRESS),
        Status::Fail
    );
    // Reachability and same content cannot pass without an IPv6 address.
    for id in [
        catalogue::ids::WEB_IPV6_REACHABLE,
        catalogue::ids::WEB_IPV6_SAME_CONTENT,
    ] {
        assert_eq!(status(&findings, id), Status::NotTested, "{id}");
    }
}

#[test]
fn a_null_mx_makes_the_mail_server_checks_not_applicable() {
    let obs = Built::default()
        .ok("example.nl.", "SOA", vec![])
        .ok(
            "example.nl.",
            "MX",
            vec![RData::MX(MX::new(0, Name::root()))],
        )
        .0;
    let findings = run(TestKind::Mail, "example.nl.", &obs);
    for id in [
        catalogue::ids::MAIL_STARTTLS_AVAILABLE,
        catalogue::ids::MAIL_TLS_VERSION,
        catalogue::ids::MAIL_IPV6_ADDRESS,
        catalogue::ids::MAIL_RPKI_VALID,
    ] {
        assert_eq!(status(&findings, id), Status::NotApplicable, "{id}");
    }
}

#[test]
fn a_capped_address_list_says_what_it_left_out() {
    let many: Vec<RData> = (1..=40).map(|i| v4(&format!("192.0.2.{i}"))).collect();
    let mut built = Built::default()
        .ok("example.nl.", "SOA", vec![])
        .ok("example.nl.", "A", many)
        .ok("example.nl.", "AAAA", vec![]);
    for i in 1..=8 {
        built = built
            .connect(&format!("192.0.2.{i}:80"), true)
            .connect(&format!("192.0.2.{i}:443"), true);
    }
    let findings = run(TestKind::Web, "example.nl.", &built.0);
    let reach = findings
        .iter()
        .find(|f| f.check == catalogue::ids::WEB_IPV6_REACHABLE)
        .unwrap();
    let note = reach
        .evidence
        .iter()
        .find_map(|e| {
            e.detail_message
                .as_ref()
                .filter(|m| m.id == "cap-tested-first")
        })
        .expect("a cap note");
    assert_eq!(note.get("tested"), Some(&indaba_model::Arg::Num(8)));
    assert_eq!(note.get("total"), Some(&indaba_model::Arg::Num(40)));
    let _ = IpAddr::from([0, 0, 0, 0]);
}
