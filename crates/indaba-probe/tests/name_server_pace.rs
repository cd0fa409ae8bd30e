//! Direct questions to one authoritative server keep to the process's pace
//! (politeness towards DNS operators); the recursive resolver is not paced.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indaba_model::observation::{DnsQuestion, QueryMode};
use indaba_probe::pace::ServerPace;
use indaba_probe::{ProbeSettings, Session};
use tokio::net::UdpSocket;

/// A UDP server that notes when each datagram arrives and never answers.
async fn silent_server() -> (SocketAddr, Arc<Mutex<Vec<Instant>>>) {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let address = socket.local_addr().expect("address");
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let noted = arrivals.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while socket.recv_from(&mut buf).await.is_ok() {
            noted.lock().expect("lock").push(Instant::now());
        }
    });
    (address, arrivals)
}

fn session(resolver: SocketAddr, rate: u32) -> Session {
    let mut settings = ProbeSettings::new(resolver);
    settings.allow_private = true;
    settings.dns_timeout = Duration::from_millis(100);
    settings.name_server_pace = Some(Arc::new(ServerPace::new(rate)));
    Session::new(settings, Instant::now() + Duration::from_secs(30))
}

#[tokio::test]
async fn direct_questions_to_one_server_are_spaced() {
    let (server, arrivals) = silent_server().await;
    let (resolver, _) = silent_server().await;
    let session = session(resolver, 2);
    let questions = (0..6).map(|i| DnsQuestion::new(&format!("n{i}.example.test"), "A"));
    futures::future::join_all(questions.map(|q| session.ask_direct(server, q))).await;
    let arrivals = arrivals.lock().expect("lock").clone();
    // Each question may be sent twice (UDP, then a retry): the first of each
    // question is what the pace decides.
    assert!(arrivals.len() >= 6, "{arrivals:?}");
    let first = arrivals[0];
    let last = *arrivals.last().expect("arrivals");
    // Two at once, then one each half second: the sixth at 2 s.
    assert!(
        last - first >= Duration::from_millis(1900),
        "{:?}",
        last - first
    );
}

#[tokio::test]
async fn the_resolver_is_not_paced() {
    let (resolver, arrivals) = silent_server().await;
    let session = session(resolver, 1);
    let questions = (0..5).map(|i| DnsQuestion::new(&format!("n{i}.example.test"), "A"));
    futures::future::join_all(questions.map(|q| session.resolve(q, QueryMode::Raw))).await;
    let arrivals = arrivals.lock().expect("lock").clone();
    assert!(arrivals.len() >= 5);
    // Paced at one a second, the fifth would go 4 s after the first.
    assert!(
        arrivals[4] - arrivals[0] < Duration::from_secs(3),
        "{arrivals:?}"
    );
}
