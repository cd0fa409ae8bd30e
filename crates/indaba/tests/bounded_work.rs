//! One test of a hostile name does bounded work. `many-addresses.test` has
//! 1,000 addresses (testbed/up); this test serves every one of them itself,
//! on ports 80 and 443, with 600 KB pages, and counts what the real binary
//! does: a few addresses probed, a bounded number of connections, a report
//! of bounded size, and findings that say what was left out.
//!
//! Runs inside the test network (`./run-tests`); alone it fails and says so.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indaba_model::limits;
use indaba_testkit::testbed_env;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ADDRESSES: u32 = 1_000;
const PAGE_BYTES: usize = 600 * 1024;

/// Every connection made to the hostile name's addresses.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    addresses: Mutex<BTreeSet<IpAddr>>,
}

fn address(i: u32) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, (200 + i / 250) as u8, (i % 250) as u8)
}

/// Answers every request on port 80 with a 600 KB page; closes port 443
/// after accepting (no TLS), which still costs the client a connection.
async fn serve(listener: TcpListener, seen: Arc<Seen>, page: Arc<Vec<u8>>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        seen.connections.fetch_add(1, Ordering::SeqCst);
        if let Ok(local) = stream.local_addr() {
            seen.addresses.lock().unwrap().insert(local.ip());
            if local.port() == 443 {
                continue;
            }
        }
        let page = page.clone();
        tokio::spawn(async move {
            let mut head = [0u8; 8192];
            let _ = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut head)).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                page.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.write_all(&page).await;
            let _ = stream.shutdown().await;
        });
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_with_a_thousand_addresses_gets_a_bounded_test() {
    let env = testbed_env();
    // 2,000 listeners and their connections need more than the usual 1,024
    // file descriptors.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let seen = Arc::new(Seen::default());
    let mut page = b"<html><body>".to_vec();
    page.resize(PAGE_BYTES, b'a');
    let page = Arc::new(page);
    for i in 0..ADDRESSES {
        for port in [80, 443] {
            let at = SocketAddr::from((address(i), port));
            let listener = TcpListener::bind(at).await.unwrap_or_else(|e| {
                panic!("cannot listen on {at} (is this inside the test network?): {e}")
            });
            tokio::spawn(serve(listener, seen.clone(), page.clone()));
        }
    }

    let (resolver, anchor) = (
        env["INDABA_TB_RESOLVER"].clone(),
        env["INDABA_TB_TRUST_ANCHOR"].clone(),
    );
    let (out, peak_kib) = tokio::task::spawn_blocking(move || {
        let child = Command::new(env!("CARGO_BIN_EXE_indaba"))
            .args(["check", "--web", "many-addresses.test", "--json"])
            .args(["--resolver", &resolver, "--trust-anchor", &anchor])
            .args(["--allow-private-targets", "--timeout", "60"])
            .args(["--query-timeout", "2"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run indaba");
        // The peak resident memory, for the record (never asserted).
        let status = format!("/proc/{}/status", child.id());
        let output = std::thread::spawn(move || child.wait_with_output().expect("indaba runs"));
        let mut peak_kib = 0u64;
        while !output.is_finished() {
            if let Ok(text) = std::fs::read_to_string(&status)
                && let Some(kib) = text
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        (output.join().expect("indaba runs"), peak_kib)
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let connections = seen.connections.load(Ordering::SeqCst);
    let addresses = seen.addresses.lock().unwrap().len();
    println!(
        "bounded work: {connections} connections to {addresses} of {ADDRESSES} addresses; report {} bytes; peak memory {} MiB",
        out.stdout.len(),
        peak_kib / 1024
    );
    assert!(connections > 0, "the test reached none of the addresses");
    assert!(
        addresses <= limits::MAX_REACHABILITY_ADDRESSES_PER_FAMILY,
        "{addresses} addresses contacted"
    );
    assert!(
        connections <= limits::MAX_CONNECTIONS_PER_TEST,
        "{connections} connections"
    );
    assert!(
        out.stdout.len() <= limits::MAX_HTTP_BODY_BYTES_PER_REPORT + 1024 * 1024,
        "a report of {} bytes",
        out.stdout.len()
    );
    // What was left out is said.
    let findings = report["findings"].to_string();
    assert!(
        findings.contains(&format!("of {ADDRESSES}")),
        "no finding says how many of the {ADDRESSES} addresses were tested: {findings:.2000}"
    );
}
