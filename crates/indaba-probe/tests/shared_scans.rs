//! Sessions sharing a `SharedScans` enumerate an address once: the second
//! test of a scan run reuses the first one's TLS scan (and records it in its
//! own observations), while a session of its own scans again.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indaba_probe::{ProbeSettings, Session, SharedScans};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// A server that answers every connection with a TLS alert, counting them.
async fn counting_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            // handshake_failure alert
            let _ = stream.write_all(&[21, 3, 3, 0, 2, 2, 40]).await;
        }
    });
    (address, count)
}

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
    let (address, connections) = counting_server().await;
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
    let (address, connections) = counting_server().await;
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
    let (address, connections) = counting_server().await;
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
    let (address, connections) = counting_server().await;
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
