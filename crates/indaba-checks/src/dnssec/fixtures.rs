//! Stored DNS answers built by hand, for the unit tests of the DNS checks:
//! each is what the probe would have recorded, wire format included.

use std::net::IpAddr;

use base64::Engine as _;
use hickory_proto::op::{Message, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, NS, NULL, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::BinEncodable;
use indaba_model::observation::{
    DnsExchange, DnsFailure, DnsOutcome, DnsQuestion, DnsResponse, QueryMode,
};

/// A name from text.
pub fn name(text: &str) -> Name {
    Name::from_ascii(text).expect("a valid test name")
}

/// An address record (A or AAAA by the address family).
pub fn address(owner: &str, ip: &str) -> Record {
    let ip: IpAddr = ip.parse().expect("a valid test address");
    let data = match ip {
        IpAddr::V4(v4) => RData::A(A(v4)),
        IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
    };
    Record::from_rdata(name(owner), 60, data)
}

/// A CNAME record.
pub fn cname(owner: &str, target: &str) -> Record {
    Record::from_rdata(name(owner), 60, RData::CNAME(CNAME(name(target))))
}

/// A DNAME record (hickory-proto keeps DNAME as an unknown type).
pub fn dname(owner: &str, target: &str) -> Record {
    Record::from_rdata(
        name(owner),
        60,
        RData::Unknown {
            code: RecordType::DNAME,
            rdata: NULL::with(name(target).to_bytes().expect("a name encodes")),
        },
    )
}

/// An NS record.
pub fn ns(zone: &str, server: &str) -> Record {
    Record::from_rdata(name(zone), 60, RData::NS(NS(name(server))))
}

/// The SOA record of `zone`.
pub fn soa(zone: &str) -> Record {
    Record::from_rdata(
        name(zone),
        60,
        RData::SOA(SOA::new(name(zone), name(zone), 1, 3600, 600, 86400, 60)),
    )
}

/// The answer of the resolver (checking disabled) to `name`/`rtype`.
pub fn answer(
    name: &str,
    rtype: &str,
    rcode: ResponseCode,
    answers: Vec<Record>,
    authority: Vec<Record>,
) -> DnsExchange {
    exchange(
        "192.0.2.53:53",
        QueryMode::Raw,
        name,
        rtype,
        rcode,
        answers,
        authority,
    )
}

/// A NOERROR answer with these records.
pub fn records(name: &str, rtype: &str, answers: Vec<Record>) -> DnsExchange {
    answer(name, rtype, ResponseCode::NoError, answers, vec![])
}

/// The answer of `server` asked directly.
pub fn direct(server: &str, name: &str, rtype: &str, answers: Vec<Record>) -> DnsExchange {
    exchange(
        server,
        QueryMode::Direct,
        name,
        rtype,
        ResponseCode::NoError,
        answers,
        vec![],
    )
}

/// No answer from `server` asked directly.
pub fn direct_timeout(server: &str, name: &str, rtype: &str) -> DnsExchange {
    DnsExchange {
        server: server.into(),
        mode: QueryMode::Direct,
        question: DnsQuestion::new(name, rtype),
        elapsed_ms: 2000,
        outcome: DnsOutcome::Failure {
            kind: DnsFailure::Timeout,
            reason: "no answer within 2 s".into(),
        },
    }
}

fn exchange(
    server: &str,
    mode: QueryMode,
    name: &str,
    rtype: &str,
    rcode: ResponseCode,
    answers: Vec<Record>,
    authority: Vec<Record>,
) -> DnsExchange {
    let question = DnsQuestion::new(name, rtype);
    let mut msg = Message::response(7, OpCode::Query);
    msg.metadata.response_code = rcode;
    msg.add_query(Query::query(
        self::name(&question.name),
        rtype.parse::<RecordType>().expect("a known type"),
    ));
    msg.add_answers(answers.clone());
    msg.add_authorities(authority.clone());
    let wire = msg.to_vec().expect("the test message encodes");
    DnsExchange {
        server: server.into(),
        mode,
        question,
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
            answer: answers.iter().map(|r| r.to_string()).collect(),
            authority: authority.iter().map(|r| r.to_string()).collect(),
            extended_error: None,
            wire: base64::engine::general_purpose::STANDARD.encode(wire),
            parsed: Default::default(),
        }),
    }
}
