//! TLS enumeration against tiny scripted servers on 127.0.0.1: hostile ones
//! (garbage after the ServerHello, endless records, a server that stalls)
//! must give errors in the observation in bounded time, never a panic or a
//! hang; a scripted legacy server stands in for what Debian's OpenSSL can no
//! longer do (SSL 3.0, RC4, 3DES, DEFLATE, no renegotiation_info); and an
//! SMTP front end tests STARTTLS.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use indaba_model::tls::{ConnectFailureKind, Probed, TlsScan, TlsVersion, VersionSupport};
use indaba_probe::tls::{Direct, SmtpStarttls, TlsProbeSettings, enumerate};
use indaba_testkit::serve_each;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn settings() -> TlsProbeSettings {
    TlsProbeSettings {
        server_name: Some("localhost".into()),
        step_timeout: Duration::from_millis(800),
        max_flight_bytes: 64 * 1024,
        renegotiation_attempts: 1,
        linger: Duration::from_millis(200),
        ..TlsProbeSettings::default()
    }
}

async fn scan_direct(address: SocketAddr, limit: Duration) -> (TlsScan, Duration) {
    let started = Instant::now();
    let scan = tokio::time::timeout(
        limit + Duration::from_secs(5),
        enumerate(&Direct { address }, &settings(), Instant::now() + limit),
    )
    .await
    .expect("the enumeration keeps to its deadline");
    (scan, started.elapsed())
}

/// Reads one ClientHello record (header and body) from the client.
async fn read_client_hello(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; 5];
    stream.read_exact(&mut header).await.ok()?;
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    let mut record = header.to_vec();
    record.extend(body);
    Some(record)
}

fn record(kind: u8, version: u16, payload: &[u8]) -> Vec<u8> {
    let mut r = vec![kind];
    r.extend_from_slice(&version.to_be_bytes());
    r.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    r.extend_from_slice(payload);
    r
}

fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![kind];
    m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    m.extend_from_slice(body);
    m
}

fn server_hello(version: u16, suite: u16, compression: u8) -> Vec<u8> {
    let mut b = version.to_be_bytes().to_vec();
    b.extend_from_slice(&[9; 32]);
    b.push(0);
    b.extend_from_slice(&suite.to_be_bytes());
    b.push(compression);
    if version > 0x0300 {
        b.extend_from_slice(&[0, 0]); // an empty extensions block
    }
    handshake(2, &b)
}

struct Hello {
    version: u16,
    tls13: bool,
    groups: Vec<u16>,
    suites: Vec<u16>,
    compression: Vec<u8>,
}

fn parse_hello(record: &[u8]) -> Option<Hello> {
    let (_, plain) = tls_parser::parse_tls_plaintext(record).ok()?;
    let Some(tls_parser::TlsMessage::Handshake(tls_parser::TlsMessageHandshake::ClientHello(ch))) =
        plain.msg.first()
    else {
        return None;
    };
    let exts = ch
        .ext
        .and_then(|e| tls_parser::parse_tls_client_hello_extensions(e).ok())
        .map(|(_, e)| e)
        .unwrap_or_default();
    let tls13 = exts.iter().any(|e| {
        matches!(e, tls_parser::TlsExtension::SupportedVersions(v) if v.iter().any(|v| v.0 == 0x0304))
    });
    let groups = exts
        .iter()
        .find_map(|e| match e {
            tls_parser::TlsExtension::EllipticCurves(g) => Some(g.iter().map(|g| g.0).collect()),
            _ => None,
        })
        .unwrap_or_default();
    Some(Hello {
        version: ch.version.0,
        tls13,
        groups,
        suites: ch.ciphers.iter().map(|c| c.0).collect(),
        compression: ch.comp.iter().map(|c| c.0).collect(),
    })
}

#[tokio::test]
async fn garbage_after_the_server_hello() {
    let address = serve_each(|mut stream| async move {
        if read_client_hello(&mut stream).await.is_some() {
            let mut answer = record(22, 0x0303, &server_hello(0x0303, 0xc02f, 0));
            answer.extend_from_slice(b"\x16\x03\x03\x00\x08garbage!\xff\xfe\x00\x00 and more");
            let _ = stream.write_all(&answer).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let (scan, took) = scan_direct(address, Duration::from_secs(30)).await;
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        scan.errors
            .iter()
            .any(|e| e.contains("after the ServerHello")),
        "{:?}",
        scan.errors
    );
    assert!(matches!(
        scan.key_exchange.ecdhe_groups,
        Probed::Error { .. }
    ));
    assert!(scan.connect_error.is_none());
}

#[tokio::test]
async fn a_server_that_stalls() {
    let address = serve_each(|mut stream| async move {
        let mut sink = [0u8; 1024];
        // Read the ClientHello and never answer.
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
    let (scan, took) = scan_direct(address, Duration::from_secs(30)).await;
    // Two silent handshakes of 0.8 s, then everything else is not tried.
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(
        scan.versions
            .iter()
            .all(|v| matches!(v.support, VersionSupport::Error { .. }))
    );
    assert!(
        scan.errors.iter().any(|e| e.contains("stopped answering")),
        "{:?}",
        scan.errors
    );
}

#[tokio::test]
async fn a_server_that_sends_endless_records() {
    let address = serve_each(|mut stream| async move {
        if read_client_hello(&mut stream).await.is_some() {
            // Valid records full of zero-length HelloRequests, forever.
            let chunk = record(22, 0x0303, &[0u8; 16384]);
            while stream.write_all(&chunk).await.is_ok() {}
        }
    })
    .await;
    let (scan, took) = scan_direct(address, Duration::from_secs(30)).await;
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert!(!scan.tls_succeeded());
    assert!(
        scan.errors.iter().any(|e| e.contains("exceeded")),
        "{:?}",
        scan.errors
    );
}

/// A server that speaks only SSL 3.0 and TLS 1.2 and only RC4, 3DES and
/// AES-CBC suites with RSA key exchange, in the client's order; picks DEFLATE
/// when offered; sends no extensions at all (so no renegotiation_info).
async fn legacy_server(mut stream: TcpStream) {
    const SUITES: [u16; 3] = [0x0005, 0x000a, 0x002f];
    let Some(raw) = read_client_hello(&mut stream).await else {
        return;
    };
    let Some(hello) = parse_hello(&raw) else {
        return;
    };
    let answer = if hello.tls13 || ![0x0300, 0x0303].contains(&hello.version) {
        record(21, 0x0303, &[2, 70])
    } else if let Some(suite) = hello.suites.iter().find(|s| SUITES.contains(s)) {
        let compression = u8::from(hello.compression.contains(&1));
        let mut r = record(
            22,
            hello.version,
            &server_hello(hello.version, *suite, compression),
        );
        r.extend(record(22, hello.version, &handshake(14, &[])));
        r
    } else {
        record(21, hello.version, &[2, 40])
    };
    let _ = stream.write_all(&answer).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn a_legacy_server_with_ssl3_rc4_3des_and_deflate() {
    let address = serve_each(legacy_server).await;
    let (scan, _) = scan_direct(address, Duration::from_secs(30)).await;
    let accepted: Vec<TlsVersion> = scan.accepted_versions().collect();
    assert_eq!(accepted, vec![TlsVersion::Ssl3, TlsVersion::Tls12]);
    for version in [TlsVersion::Ssl3, TlsVersion::Tls12] {
        let result = scan.version(version).expect("tried");
        let mut ids: Vec<u16> = result.cipher_suites.iter().map(|s| s.id).collect();
        ids.sort();
        assert_eq!(ids, vec![0x0005, 0x000a, 0x002f], "{version}");
    }
    let v12 = scan.version(TlsVersion::Tls12).expect("1.2");
    assert_eq!(v12.secure_renegotiation, Some(false));
    assert_eq!(v12.extended_master_secret, Some(false));
    let compression = scan.compression.seen().expect("tested");
    assert_eq!(compression.method, 1);
    assert_eq!(compression.version, TlsVersion::Tls12);
    // RSA key exchange only: nothing signed, no groups.
    assert!(matches!(scan.kex_hash_sha1, Probed::NotTested { .. }));
    assert!(matches!(
        scan.key_exchange.ecdhe_groups,
        Probed::NotTested { .. }
    ));
}

/// An SMTP server that offers STARTTLS and then relays to `tls`.
async fn smtp_front(mut stream: TcpStream, tls: Option<SocketAddr>) {
    let mut buf = Vec::new();
    let _ = stream
        .write_all(b"220-test.invalid ESMTP\r\n220 ready\r\n")
        .await;
    for answer in [
        if tls.is_some() {
            &b"250-test.invalid\r\n250-PIPELINING\r\n250 STARTTLS\r\n"[..]
        } else {
            &b"250-test.invalid\r\n250 PIPELINING\r\n"[..]
        },
        b"220 2.0.0 go ahead\r\n",
    ] {
        buf.clear();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\n") {
            if stream.read_exact(&mut byte).await.is_err() {
                return;
            }
            buf.push(byte[0]);
        }
        let _ = stream.write_all(answer).await;
    }
    if let Some(tls) = tls
        && let Ok(mut backend) = TcpStream::connect(tls).await
    {
        let _ = tokio::io::copy_bidirectional(&mut stream, &mut backend).await;
    }
}

#[tokio::test]
async fn starttls_through_an_smtp_front_end() {
    let backend = serve_each(legacy_server).await;
    let front = serve_each(move |s| smtp_front(s, Some(backend))).await;
    let connector = SmtpStarttls {
        address: front,
        ehlo_name: "indaba.test".into(),
    };
    let scan = enumerate(
        &connector,
        &settings(),
        Instant::now() + Duration::from_secs(30),
    )
    .await;
    assert!(scan.connect_error.is_none(), "{:?}", scan.connect_error);
    let accepted: Vec<TlsVersion> = scan.accepted_versions().collect();
    assert_eq!(accepted, vec![TlsVersion::Ssl3, TlsVersion::Tls12]);

    let plain = serve_each(|s| smtp_front(s, None)).await;
    let connector = SmtpStarttls {
        address: plain,
        ehlo_name: "indaba.test".into(),
    };
    let scan = enumerate(
        &connector,
        &settings(),
        Instant::now() + Duration::from_secs(30),
    )
    .await;
    let failure = scan.connect_error.expect("no STARTTLS");
    assert_eq!(failure.kind, ConnectFailureKind::NoStarttls);
}

#[tokio::test]
async fn an_smtp_server_that_never_stops_talking() {
    let address = serve_each(|mut stream| async move {
        let line = b"220-".repeat(1000);
        while stream.write_all(&line).await.is_ok() {}
    })
    .await;
    let connector = SmtpStarttls {
        address,
        ehlo_name: "indaba.test".into(),
    };
    let scan = enumerate(
        &connector,
        &settings(),
        Instant::now() + Duration::from_secs(10),
    )
    .await;
    let failure = scan.connect_error.expect("refused");
    assert_eq!(failure.kind, ConnectFailureKind::Protocol, "{failure:?}");
}

#[tokio::test]
async fn an_smtp_server_that_never_answers_ehlo() {
    let address = serve_each(|mut stream| async move {
        if stream.write_all(b"220 mx.test ESMTP\r\n").await.is_err() {
            return;
        }
        // Reads the EHLO and everything after it, and never says a word.
        let mut sink = [0u8; 512];
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                return;
            }
        }
    })
    .await;
    let connector = SmtpStarttls {
        address,
        ehlo_name: "indaba.test".into(),
    };
    let started = Instant::now();
    let scan = tokio::time::timeout(
        Duration::from_secs(20),
        enumerate(
            &connector,
            &settings(),
            Instant::now() + Duration::from_secs(10),
        ),
    )
    .await
    .expect("the enumeration keeps to its deadline");
    assert!(started.elapsed() < Duration::from_secs(20));
    let failure = scan.connect_error.expect("no answer to EHLO");
    assert_eq!(failure.kind, ConnectFailureKind::Timeout, "{failure:?}");
}

/// A TLS 1.3 server that only does X25519MLKEM768 (0x11ec): it answers every
/// TLS 1.3 ClientHello offering that group with a HelloRetryRequest naming
/// it (our ClientHellos never carry an ML-KEM key share), and refuses the rest.
async fn mlkem_server(mut stream: TcpStream) {
    const HRR_RANDOM: [u8; 32] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8,
        0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8,
        0x33, 0x9c,
    ];
    let Some(raw) = read_client_hello(&mut stream).await else {
        return;
    };
    let Some(hello) = parse_hello(&raw) else {
        return;
    };
    let answer = if !hello.tls13 {
        record(21, 0x0303, &[2, 70])
    } else if let (true, Some(suite)) = (hello.groups.contains(&0x11ec), hello.suites.first()) {
        let mut b = 0x0303u16.to_be_bytes().to_vec();
        b.extend_from_slice(&HRR_RANDOM);
        b.push(0);
        b.extend_from_slice(&suite.to_be_bytes());
        b.push(0);
        // supported_versions = TLS 1.3, key_share = X25519MLKEM768.
        b.extend_from_slice(&[0, 12, 0, 0x2b, 0, 2, 3, 4, 0, 0x33, 0, 2, 0x11, 0xec]);
        record(22, 0x0303, &handshake(2, &b))
    } else {
        record(21, 0x0303, &[2, 40])
    };
    let _ = stream.write_all(&answer).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn x25519mlkem768_from_a_hello_retry_request() {
    let address = serve_each(mlkem_server).await;
    let (scan, _) = scan_direct(address, Duration::from_secs(30)).await;
    let accepted: Vec<TlsVersion> = scan.accepted_versions().collect();
    assert_eq!(accepted, vec![TlsVersion::Tls13]);
    let groups = scan.key_exchange.tls13_groups.seen().expect("groups");
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0].id, 0x11ec);
    assert_eq!(groups[0].name, "X25519MLKEM768");
    // The fake cannot finish a handshake: no chain, said plainly.
    assert!(matches!(scan.certificates, Probed::Error { .. }));
}
