//! The RTR feed against a real RTR server (stayrtr on the test network) and
//! against hostile ones started here.

use indaba_testkit::testbed_env;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use indaba_model::routing::{Asn, Route};
use indaba_probe::rtr::{RtrError, RtrFeed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn validity(feed: &RtrFeed, route: &Route) -> String {
    let snapshot = feed.snapshot();
    rfc6811(route, &snapshot.set.covering(&route.prefix))
}

/// RFC 6811 in three lines, so this crate's test does not depend on the
/// checks crate: valid when a covering VRP names the origin and allows the length.
fn rfc6811(route: &Route, covering: &[indaba_model::routing::Vrp]) -> String {
    if covering.is_empty() {
        "not-found".into()
    } else if covering
        .iter()
        .any(|v| v.asn == route.origin && v.asn != Asn(0) && route.prefix.len() <= v.max_length)
    {
        "valid".into()
    } else {
        "invalid".into()
    }
}

/// Restores the live VRP file when the test ends, pass or fail.
struct Restore {
    live: PathBuf,
    original: Vec<u8>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.live, &self.original);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serial_update_changes_the_verdict_without_a_restart() {
    let env = testbed_env();
    let server: SocketAddr = env["INDABA_TB_RTR"].parse().expect("INDABA_TB_RTR");
    let live = PathBuf::from(&env["INDABA_TB_VRPS_LIVE"]);
    let updated = std::fs::read(&env["INDABA_TB_VRPS_UPDATED"]).expect("updated VRP file");
    let _restore = Restore {
        original: std::fs::read(&live).expect("live VRP file"),
        live: live.clone(),
    };
    let feed = RtrFeed::connect(server, Duration::from_secs(20))
        .await
        .expect("stayrtr answers");
    let route = Route {
        prefix: "127.0.16.0/24".parse().unwrap(),
        origin: Asn(64516),
    };
    assert_eq!(validity(&feed, &route), "invalid", "before the update");
    let before = feed.snapshot();
    assert!(before.set.len() >= 12, "{}", before.description);

    // stayrtr re-reads the file every second and notifies its clients.
    std::fs::write(&live, &updated).expect("write the live VRP file");
    let deadline = Instant::now() + Duration::from_secs(30);
    while validity(&feed, &route) != "valid" {
        assert!(
            Instant::now() < deadline,
            "no update within 30 s; feed says {}",
            feed.snapshot().description
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after = feed.snapshot();
    assert!(after.updates > before.updates, "{}", after.description);
    assert_ne!(
        after.serial, before.serial,
        "a serial update, not the first load"
    );
    assert!(
        after.description.contains("serial"),
        "{}",
        after.description
    );
}

/// A one-connection server that answers whatever comes with `reply` and then
/// either closes or stalls.
async fn hostile(reply: Vec<u8>, close_after: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 64];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(&reply).await;
                if close_after {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn malformed_pdus_are_protocol_errors() {
    // Version 9, type 200, an absurd length: nothing an RTR client can use.
    let garbage = vec![9u8, 200, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3];
    let server = hostile(garbage, true).await;
    let started = Instant::now();
    let err = RtrFeed::connect(server, Duration::from_secs(5))
        .await
        .expect_err("garbage must not give a feed");
    assert!(matches!(err, RtrError::Protocol { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_error_report_is_a_protocol_error_with_its_text() {
    // Error Report PDU (RFC 8210 §5.11), version 1, code 2 "No Data Available".
    let text = b"no data yet";
    let mut pdu = vec![1u8, 10, 0, 2];
    let len = 8 + 4 + 4 + text.len();
    pdu.extend_from_slice(&(len as u32).to_be_bytes());
    pdu.extend_from_slice(&0u32.to_be_bytes());
    pdu.extend_from_slice(&(text.len() as u32).to_be_bytes());
    pdu.extend_from_slice(text);
    let server = hostile(pdu, false).await;
    let err = RtrFeed::connect(server, Duration::from_secs(5))
        .await
        .expect_err("an error report is not data");
    assert!(matches!(err, RtrError::Protocol { .. }), "{err}");
}

#[tokio::test]
async fn a_stalling_server_times_out_within_the_limit() {
    let server = hostile(Vec::new(), false).await;
    let started = Instant::now();
    let err = RtrFeed::connect(server, Duration::from_secs(1))
        .await
        .expect_err("silence must not give a feed");
    assert!(matches!(err, RtrError::Timeout { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_refused_connection_says_which_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = RtrFeed::connect(addr, Duration::from_secs(2))
        .await
        .expect_err("nobody listens");
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}
