//! HTTP fetches against tiny scripted servers on 127.0.0.1 that misbehave:
//! endless headers, a 10 MB security.txt, a redirect to itself, a server
//! that trickles one byte at a time (slow loris) and one that sends garbage.
//! Each must end in bounded time and memory with an answer the checks can
//! judge or a clear failure, never a panic or a hang.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use indaba_checks::security_txt::{SecurityTxtFetch, finding as security_txt_finding};
use indaba_model::Status;
use indaba_model::observation::HttpOutcome;
use indaba_probe::http::{self, Scheme};
use indaba_testkit::{read_request_head, serve_each};
use tokio::io::AsyncWriteExt;

/// The time limit given to every fetch here.
const LIMIT: Duration = Duration::from_secs(2);
/// The body limit given to every fetch here.
const BODY_LIMIT: usize = 64 * 1024;

/// Fetches `path` from `address`, failing the test if the fetch itself
/// overruns its limit by more than a generous margin (a hang).
async fn fetch(address: SocketAddr, path: &str) -> HttpOutcome {
    let started = Instant::now();
    let outcome = tokio::time::timeout(
        LIMIT + Duration::from_secs(5),
        http::get(
            Scheme::Http,
            "hostile.test",
            path,
            address,
            LIMIT,
            BODY_LIMIT,
        ),
    )
    .await
    .expect("the fetch keeps to its time limit");
    assert!(started.elapsed() < LIMIT + Duration::from_secs(5));
    outcome
}

fn failure(outcome: &HttpOutcome) -> &str {
    match outcome {
        HttpOutcome::Failure { reason, .. } => reason,
        HttpOutcome::Response(r) => panic!("expected a failure, got HTTP {}", r.status),
    }
}

#[tokio::test]
async fn endless_headers_are_cut_off() {
    let address = serve_each(|mut stream| async move {
        read_request_head(&mut stream).await;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n").await;
        let mut n = 0u64;
        loop {
            n += 1;
            let line = format!("X-Header-{n}: {}\r\n", "a".repeat(100));
            if stream.write_all(line.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let outcome = fetch(address, "/").await;
    let reason = failure(&outcome);
    assert!(
        reason.contains("not valid HTTP") || reason.contains("within"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_10_mb_security_txt_is_read_only_up_to_the_limit() {
    let address = serve_each(|mut stream| async move {
        read_request_head(&mut stream).await;
        let size = 10 * 1024 * 1024;
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {size}\r\n\r\n"
        );
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let line = b"Contact: mailto:security@hostile.test\n";
        let chunk: Vec<u8> = line.iter().copied().cycle().take(64 * 1024).collect();
        let mut sent = 0;
        while sent < size {
            let n = chunk.len().min(size - sent);
            if stream.write_all(&chunk[..n]).await.is_err() {
                return;
            }
            sent += n;
        }
    })
    .await;
    let outcome = fetch(address, "/.well-known/security.txt").await;
    let HttpOutcome::Response(response) = outcome else {
        panic!("expected a response, got {outcome:?}");
    };
    assert!(response.body_truncated);
    assert!(response.body.len() <= BODY_LIMIT);
    let mut finding = security_txt_finding(
        &SecurityTxtFetch::Response {
            status: response.status,
            content_type: Some("text/plain; charset=utf-8".into()),
            body: response.body.0,
            truncated: response.body_truncated,
            final_url: "https://hostile.test/.well-known/security.txt".into(),
        },
        time::OffsetDateTime::now_utc(),
    );
    assert_ne!(finding.status, Status::Pass, "{finding:?}");
    // Findings carry message ids; the words are rendered for a reader.
    indaba_i18n::english().render_finding("en", &mut finding);
    assert!(finding.summary.contains("larger"), "{}", finding.summary);
}

#[tokio::test]
async fn a_redirect_to_itself_is_one_answer_not_a_loop() {
    let address = serve_each(|mut stream| async move {
        read_request_head(&mut stream).await;
        let _ = stream
            .write_all(
                b"HTTP/1.1 301 Moved\r\nLocation: http://hostile.test/\r\nContent-Length: 0\r\n\r\n",
            )
            .await;
    })
    .await;
    let outcome = fetch(address, "/").await;
    let HttpOutcome::Response(response) = outcome else {
        panic!("expected a response, got {outcome:?}");
    };
    assert_eq!(response.status, 301);
    assert!(
        response
            .headers
            .iter()
            .any(|(n, v)| n == "location" && v.as_str() == Some("http://hostile.test/"))
    );
}

#[tokio::test]
async fn a_slow_loris_server_is_given_up_on_at_the_limit() {
    let address = serve_each(|mut stream| async move {
        read_request_head(&mut stream).await;
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: "
            .iter()
            .chain(b"z".repeat(10_000).iter())
        {
            if stream.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let outcome = fetch(address, "/").await;
    let reason = failure(&outcome);
    assert!(reason.contains("within"), "{reason}");
}

#[tokio::test]
async fn a_body_that_trickles_forever_is_given_up_on_at_the_limit() {
    let address = serve_each(|mut stream| async move {
        read_request_head(&mut stream).await;
        if stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
        loop {
            if stream.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let outcome = fetch(address, "/").await;
    let reason = failure(&outcome);
    assert!(reason.contains("within"), "{reason}");
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_clear_failure() {
    let address = serve_each(|mut stream| async move {
        read_request_head(&mut stream).await;
        let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        let _ = stream.write_all(&garbage).await;
    })
    .await;
    let outcome = fetch(address, "/").await;
    let reason = failure(&outcome);
    assert!(reason.contains("not valid HTTP"), "{reason}");
}

#[tokio::test]
async fn a_closed_port_is_a_connection_failure() {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let outcome = fetch(address, "/").await;
    let reason = failure(&outcome);
    assert!(reason.contains("connection failed"), "{reason}");
}
