//! For tests only: where the test network's servers are, scripted servers
//! on loopback, a running platform ([`platform`]) and a headless browser
//! ([`browser`]), and checks of answers against OpenAPI 3.0 documents
//! ([`openapi`]), shared by every crate's tests.
//!
//! `testbed/up` writes `testbed/run/env` (`KEY=VALUE` lines). Tests that need
//! the network read it here; when it is missing they fail with the command
//! that brings the network up, never skip.

pub mod browser;
pub mod openapi;
pub mod platform;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A server on loopback that answers every connection with a TLS
/// `handshake_failure` alert, and the number of connections it took: what
/// the tests of shared TLS scans count to see whether a scan was made again.
pub async fn counting_tls_server() -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind a loopback port");
    let address = listener.local_addr().expect("the bound address");
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let _ = stream.write_all(&[21, 3, 3, 0, 2, 2, 40]).await;
        }
    });
    (address, count)
}

/// The test network's settings.
pub fn testbed_env() -> BTreeMap<String, String> {
    let path = std::env::var_os("INDABA_TESTBED_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("testbed/run/env"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the test network is not up ({}: {e}); run the whole suite with ./run-tests, or \
             bring it up with `bash testbed/up` and run the test inside it with \
             `ip netns exec indaba cargo test`",
            path.display()
        )
    });
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        .collect()
}

/// The engine options of every command that tests on the test network:
/// its resolver and trust anchor, private targets allowed, a 2-second query
/// and 30-second test time limit.
pub fn engine_args() -> Vec<String> {
    let env = testbed_env();
    [
        "--resolver",
        &env["INDABA_TB_RESOLVER"],
        "--trust-anchor",
        &env["INDABA_TB_TRUST_ANCHOR"],
        "--allow-private-targets",
        "--query-timeout",
        "2",
        "--timeout",
        "30",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// One setting of the test network; panics with the missing key's name.
pub fn testbed(key: &str) -> String {
    testbed_env().remove(key).unwrap_or_else(|| {
        panic!("{key} is missing from the test network's env file; is testbed/up current?")
    })
}

/// Serves each connection with `handler` on a fresh port of 127.0.0.1: the
/// scripted (often hostile) servers of the probe tests. The listening task
/// ends with the test's runtime.
pub async fn serve_each<F, Fut>(handler: F) -> std::net::SocketAddr
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("a free port on 127.0.0.1");
    let address = listener.local_addr().expect("the listener's address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handler(stream));
        }
    });
    address
}

/// Reads an HTTP request head (up to the blank line), so a scripted server
/// answers after it as a real one would; returns what it read, which is
/// empty or cut short when the client closes first.
pub async fn read_request_head(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    seen
}

/// Runs `futures` each on its own task, at once, and returns their outputs
/// in order (load tests and floods of clients).
pub async fn join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("a task of join_all panicked"));
    }
    out
}
