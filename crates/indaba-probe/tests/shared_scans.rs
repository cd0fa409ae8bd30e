//! Sessions sharing a `SharedScans` enumerate an address once: the second
//! test of a scan run reuses the first one's TLS scan (and records it in its
//! own observations), while a session of its own scans again.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::BoxFuture;
use indaba_model::observation::SharedSource;
use indaba_model::tls::TlsScan;
use indaba_probe::{ProbeSettings, RemoteScan, ScanExchange, ScanKey, Session, SharedScans};

fn session(shared: Option<&SharedScans>) -> Session {
    let mut settings = ProbeSettings::new("127.0.0.1:9".parse().expect("address"));
    settings.allow_private = true;
    settings.connect_timeout = Duration::from_millis(500);
    let session = Session::new(settings, Instant::now() + Duration::from_secs(20));
    match shared {
        Some(s) => session.with_shared_scans(s.clone()),
        None => session,
    }
}

#[tokio::test]
async fn a_shared_scan_is_made_once_and_recorded_by_each_session() {
    let (address, connections) = indaba_testkit::counting_tls_server().await;
    let shared = SharedScans::new(Duration::from_secs(600));

    let first = session(Some(&shared));
    let scan = first.tls_scan(address, "mx.example.test", false).await;
    let after_first = connections.load(Ordering::SeqCst);
    assert!(after_first > 0, "the first session scanned");

    let second = session(Some(&shared));
    let again = second.tls_scan(address, "mx.example.test", false).await;
    assert_eq!(again, scan);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        after_first,
        "the second session reused the scan"
    );
    assert_eq!(second.observations().tls, vec![scan.clone()]);
    assert_eq!(first.observations().tls, vec![scan]);

    // Another server name is another scan (SNI can change the answer).
    let third = session(Some(&shared));
    third.tls_scan(address, "other.example.test", false).await;
    assert!(connections.load(Ordering::SeqCst) > after_first);
    assert_eq!(shared.len(), 2);
}

#[tokio::test]
async fn without_sharing_every_session_scans() {
    let (address, connections) = indaba_testkit::counting_tls_server().await;
    session(None)
        .tls_scan(address, "mx.example.test", false)
        .await;
    let after_first = connections.load(Ordering::SeqCst);
    session(None)
        .tls_scan(address, "mx.example.test", false)
        .await;
    assert!(connections.load(Ordering::SeqCst) > after_first);
}

#[tokio::test]
async fn an_expired_entry_is_scanned_again() {
    let (address, connections) = indaba_testkit::counting_tls_server().await;
    let shared = SharedScans::new(Duration::from_millis(1));
    session(Some(&shared))
        .tls_scan(address, "mx.example.test", false)
        .await;
    let after_first = connections.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(20)).await;
    session(Some(&shared))
        .tls_scan(address, "mx.example.test", false)
        .await;
    assert!(connections.load(Ordering::SeqCst) > after_first);
}

#[tokio::test]
async fn a_refused_target_never_takes_a_shared_scan() {
    let (address, connections) = indaba_testkit::counting_tls_server().await;
    let shared = SharedScans::new(Duration::from_secs(600));
    session(Some(&shared))
        .tls_scan(address, "mx.example.test", false)
        .await;
    let after_first = connections.load(Ordering::SeqCst);
    // A session that may not reach loopback gets its own refusal.
    let settings = ProbeSettings::new("127.0.0.1:9".parse().expect("address"));
    let strict = Session::new(settings, Instant::now() + Duration::from_secs(5))
        .with_shared_scans(shared.clone());
    let scan = strict.tls_scan(address, "mx.example.test", false).await;
    assert!(scan.connect_error.is_some(), "{scan:?}");
    assert_eq!(connections.load(Ordering::SeqCst), after_first);
}

/// An exchange between "processes" kept in memory, counting claims, with
/// a switch that makes every fetch say another process is making the scan.
#[derive(Debug, Default)]
struct MemoryExchange {
    scans: std::sync::Mutex<std::collections::HashMap<ScanKey, Option<TlsScan>>>,
    claims: AtomicUsize,
}

impl ScanExchange for MemoryExchange {
    fn fetch<'a>(&'a self, key: &'a ScanKey) -> BoxFuture<'a, RemoteScan> {
        let found = match self.scans.lock().expect("lock").get(key) {
            Some(Some(scan)) => RemoteScan::Ready(Box::new(scan.clone())),
            Some(None) => RemoteScan::Pending,
            None => RemoteScan::Absent,
        };
        async move { found }.boxed()
    }

    fn claim<'a>(&'a self, key: &'a ScanKey) -> BoxFuture<'a, bool> {
        let mut scans = self.scans.lock().expect("lock");
        let won = !scans.contains_key(key);
        if won {
            scans.insert(key.clone(), None);
            self.claims.fetch_add(1, Ordering::SeqCst);
        }
        async move { won }.boxed()
    }

    fn publish<'a>(&'a self, key: &'a ScanKey, scan: &'a TlsScan) -> BoxFuture<'a, ()> {
        self.scans
            .lock()
            .expect("lock")
            .insert(key.clone(), Some(scan.clone()));
        async {}.boxed()
    }
}

/// A process's cache: its own memory, the exchange in common.
fn process(exchange: &Arc<MemoryExchange>, wait: Duration) -> SharedScans {
    SharedScans::new(Duration::from_secs(600)).with_exchange(exchange.clone(), wait)
}

#[tokio::test]
async fn processes_share_a_scan_through_the_exchange_and_say_so() {
    let (address, connections) = indaba_testkit::counting_tls_server().await;
    let exchange = Arc::new(MemoryExchange::default());
    let first_process = process(&exchange, Duration::from_secs(5));
    let second_process = process(&exchange, Duration::from_secs(5));

    let maker = session(Some(&first_process));
    let scan = maker.tls_scan(address, "MX.example.test.", true).await;
    let after_first = connections.load(Ordering::SeqCst);
    assert!(after_first > 0);
    assert!(maker.observations().shared.is_empty(), "made, not shared");

    let elsewhere = session(Some(&second_process));
    assert_eq!(
        elsewhere.tls_scan(address, "mx.example.test", true).await,
        scan
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        after_first,
        "no new connection"
    );
    let notes = elsewhere.observations().shared;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].kind, "tls");
    assert_eq!(notes[0].source, SharedSource::AnotherWorker);
    assert_eq!(
        notes[0].target,
        format!("{address} starttls mx.example.test")
    );

    // A second test in the maker's process reuses it in memory.
    let beside = session(Some(&first_process));
    beside.tls_scan(address, "mx.example.test", true).await;
    assert_eq!(
        beside.observations().shared[0].source,
        SharedSource::ThisWorker
    );
    assert_eq!(exchange.claims.load(Ordering::SeqCst), 1);
    let counts = first_process.counts();
    assert_eq!(
        (counts.made, counts.reused_here, counts.reused_remote),
        (1, 1, 0)
    );
    assert_eq!(second_process.counts().reused_remote, 1);
}

#[tokio::test]
async fn a_process_waits_for_a_scan_being_made_then_makes_its_own() {
    let (address, connections) = indaba_testkit::counting_tls_server().await;
    let exchange = Arc::new(MemoryExchange::default());
    // Another process claimed the scan and never publishes it (it died).
    let key = ScanKey::new(address, false, "web.example.test");
    assert!(exchange.claim(&key).await);

    let waiting = process(&exchange, Duration::from_millis(700));
    let started = Instant::now();
    let session = session(Some(&waiting));
    let scan = session.tls_scan(address, "web.example.test", false).await;
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "it waited first"
    );
    assert!(
        connections.load(Ordering::SeqCst) > 0,
        "then scanned itself"
    );
    assert!(session.observations().shared.is_empty());
    assert_eq!(scan.address, address.to_string());

    // Published by the one who finally made it, another process reuses it.
    let later = process(&exchange, Duration::from_millis(700));
    let before = connections.load(Ordering::SeqCst);
    let reused = self::session(Some(&later));
    reused.tls_scan(address, "web.example.test", false).await;
    assert_eq!(connections.load(Ordering::SeqCst), before);
    assert_eq!(
        reused.observations().shared[0].source,
        SharedSource::AnotherWorker
    );
}

#[tokio::test]
async fn a_scan_published_while_waiting_is_taken() {
    let (address, connections) = indaba_testkit::counting_tls_server().await;
    let exchange = Arc::new(MemoryExchange::default());
    let key = ScanKey::new(address, false, "web.example.test");
    assert!(exchange.claim(&key).await);
    // The other process publishes after a moment, made from its own session.
    let maker_exchange = exchange.clone();
    let made = session(None)
        .tls_scan(address, "web.example.test", false)
        .await;
    let before = connections.load(Ordering::SeqCst);
    let published = made.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        maker_exchange.publish(&key, &published).await;
    });
    let waiting = process(&exchange, Duration::from_secs(10));
    let session = session(Some(&waiting));
    assert_eq!(
        session.tls_scan(address, "web.example.test", false).await,
        made
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        before,
        "it waited and took it"
    );
}
