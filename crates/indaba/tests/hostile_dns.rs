//! Hostile DNS: a resolver that lies, truncates, floods or stays silent must
//! give `error` findings with a reason, never a panic and never a hang.
//!
//! Each case starts a real UDP+TCP server on loopback that misbehaves in one
//! way, points `indaba check` (the real binary) at it, and reads the report.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, MessageType};
use hickory_proto::rr::rdata::{A, CNAME, NS};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// How the fake resolver misbehaves.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// Sets TC over UDP; over TCP announces more bytes than it sends.
    Truncated,
    /// Answers with a 10 kB datagram.
    Oversized,
    /// Answers with the wrong message id.
    WrongId,
    /// Answers A/AAAA queries with a CNAME loop; SOA and NS normally.
    CnameLoop,
    /// Answers NS with a name server that is the zone itself, with no address.
    SelfNamedNs,
    /// Reads and never answers.
    Silent,
    /// Sends random bytes.
    Garbage,
}

async fn serve(behaviour: Behaviour) -> SocketAddr {
    let udp = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let addr = udp.local_addr().unwrap();
    let tcp = TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((len, peer)) = udp.recv_from(&mut buf).await else {
                return;
            };
            if let Some(reply) = udp_reply(behaviour, &buf[..len]) {
                let _ = udp.send_to(&reply, peer).await;
            }
        }
    });
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = tcp.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut len = [0u8; 2];
                if stream.read_exact(&mut len).await.is_err() {
                    return;
                }
                let mut query = vec![0u8; usize::from(u16::from_be_bytes(len))];
                if stream.read_exact(&mut query).await.is_err() {
                    return;
                }
                if let Behaviour::Truncated = behaviour {
                    // Promise 512 bytes, send 20, hang up.
                    let _ = stream.write_all(&512u16.to_be_bytes()).await;
                    let _ = stream.write_all(&[0u8; 20]).await;
                }
            });
        }
    });
    addr
}

fn udp_reply(behaviour: Behaviour, query: &[u8]) -> Option<Vec<u8>> {
    let query = Message::from_vec(query).ok()?;
    let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
    reply.metadata.message_type = MessageType::Response;
    reply.add_queries(query.queries.clone());
    let q = query.queries.first()?;
    let qname = q.name().clone();
    match behaviour {
        Behaviour::Truncated => {
            reply.metadata.truncation = true;
            reply.to_vec().ok()
        }
        Behaviour::Oversized => {
            let mut wire = reply.to_vec().ok()?;
            wire.resize(10_000, 0);
            Some(wire)
        }
        Behaviour::WrongId => {
            reply.metadata.id = query.metadata.id.wrapping_add(1);
            reply.to_vec().ok()
        }
        Behaviour::CnameLoop => {
            let a = Name::from_ascii("a.loop.example.").ok()?;
            let b = Name::from_ascii("b.loop.example.").ok()?;
            match q.query_type() {
                RecordType::A | RecordType::AAAA => {
                    reply.add_answer(Record::from_rdata(
                        qname.clone(),
                        60,
                        RData::CNAME(CNAME(a.clone())),
                    ));
                    reply.add_answer(Record::from_rdata(
                        a.clone(),
                        60,
                        RData::CNAME(CNAME(b.clone())),
                    ));
                    reply.add_answer(Record::from_rdata(b, 60, RData::CNAME(CNAME(a))));
                }
                _ => {}
            }
            reply.to_vec().ok()
        }
        Behaviour::SelfNamedNs => {
            match q.query_type() {
                RecordType::NS => {
                    reply.add_answer(Record::from_rdata(
                        qname.clone(),
                        60,
                        RData::NS(NS(qname.clone())),
                    ));
                }
                RecordType::A => {
                    reply.add_answer(Record::from_rdata(
                        qname.clone(),
                        60,
                        RData::A(A::new(127, 0, 0, 1)),
                    ));
                }
                _ => {}
            }
            reply.to_vec().ok()
        }
        Behaviour::Silent => None,
        Behaviour::Garbage => Some((0..300u32).map(|i| (i * 7919 % 251) as u8).collect()),
    }
}

/// Runs the real binary against the fake resolver; fails if it hangs.
fn check(resolver: SocketAddr, domain: &str) -> serde_json::Value {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_indaba"))
        .args([
            "check",
            "--web",
            domain,
            "--resolver",
            &resolver.to_string(),
            "--allow-private-targets",
            "--json",
            "--timeout",
            "8",
            "--query-timeout",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A liveness bound, not a performance assertion: far above the 8 s limit.
    let watchdog = Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > watchdog {
            let _ = child.kill();
            panic!("indaba check hung against a hostile resolver");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "indaba check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

fn statuses(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["summary"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_all_errors_with(report: &serde_json::Value, needle: &str) {
    for (check, status, summary) in statuses(report) {
        // These tests configure no VRP source, which the routing checks
        // report before anything else: this instance does not test routes.
        let (expected, needle) = if check.contains(".rpki.") {
            ("not_applicable", "Not tested by this instance")
        } else {
            ("error", needle)
        };
        assert_eq!(
            status, expected,
            "{check} should be {expected}, got {status}: {summary}"
        );
        assert!(
            summary.contains(needle),
            "{check}: the reason should mention {needle:?}: {summary}"
        );
    }
}

/// Starts a fake resolver behaving so, and tests a domain through it.
fn report_against(behaviour: Behaviour) -> serde_json::Value {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = rt.block_on(serve(behaviour));
    rt.block_on(async {
        tokio::task::spawn_blocking(move || check(addr, "victim.example"))
            .await
            .unwrap()
    })
}

#[test]
fn truncated_answers_give_errors() {
    let report = report_against(Behaviour::Truncated);
    assert_all_errors_with(&report, "ended early");
}

#[test]
fn oversized_answers_give_errors() {
    let report = report_against(Behaviour::Oversized);
    assert_all_errors_with(&report, "10000-byte");
}

#[test]
fn wrong_ids_are_ignored_until_the_time_limit() {
    let report = report_against(Behaviour::WrongId);
    assert_all_errors_with(&report, "id");
}

#[test]
fn a_silent_resolver_gives_timeouts() {
    let report = report_against(Behaviour::Silent);
    assert_all_errors_with(&report, "no answer");
}

#[test]
fn garbage_is_ignored_until_the_time_limit() {
    let report = report_against(Behaviour::Garbage);
    assert_all_errors_with(&report, "could not be parsed");
}

#[test]
fn cname_loops_are_reported() {
    let report = report_against(Behaviour::CnameLoop);
    let findings = statuses(&report);
    let address = findings.iter().find(|f| f.0 == "web.ipv6.address").unwrap();
    assert_eq!(address.1, "error", "{address:?}");
    assert!(address.2.contains("loop"), "{address:?}");
}

#[test]
fn a_name_server_that_names_itself_is_an_error_not_a_pass() {
    let report = report_against(Behaviour::SelfNamedNs);
    for (check, status, summary) in statuses(&report) {
        assert_ne!(
            status, "pass",
            "{check} passed against a self-named NS: {summary}"
        );
        assert!(!summary.is_empty());
    }
}
