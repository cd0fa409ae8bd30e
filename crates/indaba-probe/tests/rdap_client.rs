//! The RDAP client against a scripted HTTP server on 127.0.0.1: bootstrap
//! from a directory, an answer with a nested abuse contact, redirects (and a
//! loop), 404, malformed JSON, an announced 50 MB answer, an endless chunked
//! one, a server that never answers, the per-URL cache, and the SSRF guard.
//! (HTTPS with the test network's CA is covered by the `contacts` tests of
//! the `indaba` binary on the test network.)

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indaba_model::rdap::{CardOutcome, RdapOutcome, RdapQuery};
use indaba_probe::rdap::{BootstrapSource, RdapClient, RdapSettings};
use indaba_probe::{ProbeSettings, Session};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

const NETWORK: &str = r#"{"objectClassName": "ip network", "handle": "NET-1", "name": "TEST-NET",
  "startAddress": "127.0.30.0", "endAddress": "127.0.30.255",
  "entities": [{"handle": "ORG-1", "roles": ["registrant"], "entities": [
     {"handle": "ABUSE-1", "roles": ["abuse"], "vcardArray": ["vcard", [
        ["version", {}, "text", "4.0"], ["fn", {}, "text", "Abuse desk"],
        ["email", {}, "text", "abuse@hosting.test"]]]}]}]}"#;

/// The scripted server: answers by path, counting requests.
async fn server(hits: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            hits.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(stream));
        }
    });
    address
}

async fn answer(mut stream: TcpStream) {
    let seen = indaba_testkit::read_request_head(&mut stream).await;
    if seen.is_empty() {
        return;
    }
    let head = String::from_utf8_lossy(&seen).to_string();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let reply = |status: &str, extra: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/rdap+json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
            body.len()
        )
    };
    let text = match path.as_str() {
        "/rdap/ip/127.0.30.1" => reply("200 OK", "", NETWORK),
        "/rdap/ip/127.0.31.1" => reply("302 Found", "Location: /moved/ip/127.0.31.1\r\n", ""),
        "/moved/ip/127.0.31.1" => reply("200 OK", "", NETWORK),
        "/rdap/ip/127.0.32.1" => reply("302 Found", "Location: /rdap/ip/127.0.32.1\r\n", ""),
        "/rdap/ip/127.0.33.1" => reply("200 OK", "", "{\"objectClassName\": \"ip network\", "),
        "/rdap/ip/127.0.34.1" => {
            // Announces 50 MB and sends the start of it.
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/rdap+json\r\nContent-Length: 52428800\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let chunk = vec![b' '; 64 * 1024];
            for _ in 0..800 {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            return;
        }
        "/rdap/ip/127.0.35.1" => {
            // Chunked, without end.
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/rdap+json\r\nTransfer-Encoding: chunked\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
            for _ in 0..2000 {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
            return;
        }
        "/rdap/ip/127.0.36.1" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        "/rdap/ip/127.0.37.1" => reply(
            "429 Too Many Requests",
            "",
            r#"{"errorCode": 429, "title": "Slow down"}"#,
        ),
        _ => reply(
            "404 Not Found",
            "",
            r#"{"errorCode": 404, "title": "Not Found"}"#,
        ),
    };
    let _ = stream.write_all(text.as_bytes()).await;
}

/// A bootstrap directory naming the scripted server for 127.0.0.0/8.
fn bootstrap(address: SocketAddr) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "indaba-rdap-test-{}-{}",
        std::process::id(),
        address.port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let base = format!("http://{address}/rdap/");
    let file =
        |entries: &str| format!(r#"{{"version": "1.0", "services": [[[{entries}], ["{base}"]]]}}"#);
    std::fs::write(dir.join("ipv4.json"), file("\"127.0.0.0/8\"")).unwrap();
    std::fs::write(
        dir.join("ipv6.json"),
        "{\"services\": [[[\"::1/128\"], [\"http://127.0.0.1:9/\"]]]}",
    )
    .unwrap();
    std::fs::write(dir.join("dns.json"), "{\"services\": [").unwrap();
    dir
}

struct Fixture {
    client: RdapClient,
    session: Session,
    hits: Arc<AtomicUsize>,
}

async fn fixture(allow_private: bool) -> Fixture {
    let hits = Arc::new(AtomicUsize::new(0));
    let address = server(hits.clone()).await;
    let settings = RdapSettings::new(BootstrapSource::Dir(bootstrap(address)), Vec::new());
    let mut probe = ProbeSettings::new("127.0.0.1:9".parse().unwrap());
    probe.allow_private = allow_private;
    probe.http_timeout = Duration::from_secs(2);
    Fixture {
        client: RdapClient::new(settings).unwrap(),
        session: Session::new(probe, Instant::now() + Duration::from_secs(60)),
        hits,
    }
}

fn ip(s: &str) -> RdapQuery {
    RdapQuery::Ip(s.parse().unwrap())
}

async fn failure(f: &Fixture, q: &RdapQuery) -> String {
    let started = Instant::now();
    let lookup = tokio::time::timeout(Duration::from_secs(10), f.client.lookup(&f.session, q))
        .await
        .expect("the lookup keeps to its limits");
    assert!(started.elapsed() < Duration::from_secs(10));
    match lookup.outcome {
        RdapOutcome::Failed { reason } => reason,
        other => panic!("expected a failure for {q}, got {other:?}"),
    }
}

#[tokio::test]
async fn an_answer_is_read_down_to_its_abuse_contact_and_cached() {
    let f = fixture(true).await;
    let lookup = f.client.lookup(&f.session, &ip("127.0.30.1")).await;
    assert!(
        lookup
            .url
            .as_deref()
            .unwrap()
            .ends_with("/rdap/ip/127.0.30.1")
    );
    let RdapOutcome::Object { object } = &lookup.outcome else {
        panic!("{lookup:?}");
    };
    assert_eq!(object.handle.as_deref(), Some("NET-1"));
    let abuse: Vec<_> = object.abuse_contacts().collect();
    assert_eq!(abuse.len(), 1);
    assert_eq!(abuse[0].within, ["ORG-1"]);
    let CardOutcome::Card { card } = &abuse[0].contact else {
        panic!("{:?}", abuse[0]);
    };
    assert_eq!(card.emails, ["abuse@hosting.test"]);
    let again = f.client.lookup(&f.session, &ip("127.0.30.1")).await;
    assert_eq!(again, lookup);
    assert_eq!(
        f.hits.load(Ordering::SeqCst),
        1,
        "the second lookup is served from the cache"
    );
}

#[tokio::test]
async fn redirects_are_followed_a_bounded_number_of_times() {
    let f = fixture(true).await;
    let lookup = f.client.lookup(&f.session, &ip("127.0.31.1")).await;
    assert!(
        matches!(lookup.outcome, RdapOutcome::Object { .. }),
        "{lookup:?}"
    );
    assert!(lookup.final_url.unwrap().ends_with("/moved/ip/127.0.31.1"));
    let reason = failure(&f, &ip("127.0.32.1")).await;
    assert!(reason.contains("more than 5 redirects"), "{reason}");
}

#[tokio::test]
async fn not_found_and_error_answers() {
    let f = fixture(true).await;
    let lookup = f.client.lookup(&f.session, &ip("127.0.99.1")).await;
    assert_eq!(lookup.outcome, RdapOutcome::NotFound);
    let reason = failure(&f, &ip("127.0.37.1")).await;
    assert!(
        reason.contains("HTTP 429") && reason.contains("Slow down"),
        "{reason}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_clear_error() {
    let f = fixture(true).await;
    let reason = failure(&f, &ip("127.0.33.1")).await;
    assert!(reason.starts_with("the answer is not JSON"), "{reason}");
}

#[tokio::test]
async fn large_answers_are_refused_without_reading_them() {
    let f = fixture(true).await;
    let reason = failure(&f, &ip("127.0.34.1")).await;
    assert!(
        reason.contains("52428800 bytes, over the limit of 1048576 bytes"),
        "{reason}"
    );
    let reason = failure(&f, &ip("127.0.35.1")).await;
    assert!(
        reason.contains("over the limit of 1048576 bytes; stopped reading"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_silent_server_runs_into_the_time_limit() {
    let f = fixture(true).await;
    let reason = failure(&f, &ip("127.0.36.1")).await;
    assert!(
        reason.contains("no complete answer within 2000 ms"),
        "{reason}"
    );
}

#[tokio::test]
async fn bootstrap_problems_are_reported() {
    let f = fixture(true).await;
    let reason = failure(&f, &RdapQuery::Domain("x.test".into())).await;
    assert!(
        reason.contains("dns.json is not usable: not JSON"),
        "{reason}"
    );
    let reason = failure(&f, &RdapQuery::Autnum(64500)).await;
    assert!(
        reason.contains("cannot read the RDAP bootstrap file") && reason.contains("asn.json"),
        "{reason}"
    );
    let reason = failure(&f, &ip("192.0.2.1")).await;
    assert!(reason.contains("names no server for 192.0.2.1"), "{reason}");
}

#[tokio::test]
async fn private_servers_are_not_contacted_unless_allowed() {
    let f = fixture(false).await;
    let reason = failure(&f, &ip("127.0.30.1")).await;
    assert!(
        reason.contains("loopback") && reason.contains("--allow-private-targets"),
        "{reason}"
    );
    assert_eq!(f.hits.load(Ordering::SeqCst), 0);
}
