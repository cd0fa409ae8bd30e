//! TLS enumeration against real `openssl s_server` processes on 127.0.0.1,
//! each on a free port, with certificates made by the `openssl` binary at
//! test time. Debian's OpenSSL 3.0 has no SSL 3.0, RC4, 3DES or zlib
//! compression: the test network's `legacy-tls` server (an OpenSSL built
//! with them) covers the first three in `testbed/cases.toml`; compression,
//! which no current OpenSSL can be built to offer, is covered by the
//! scripted server of `tls_hostile.rs` and crafted-byte unit tests.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use indaba_model::tls::{
    CipherPreference, ConnectFailureKind, Probed, SignatureOutcome, TlsScan, TlsVersion,
    VersionSupport,
};
use indaba_probe::tls::{Direct, TlsProbeSettings, enumerate};
use tokio::process::{Child, Command};

/// A scratch directory with a key and certificate, removed on drop.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(tag: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!(
            "indaba-tls-{tag}-{}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let status = std::process::Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
            ])
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the openssl binary runs");
        assert!(status.success(), "openssl req failed");
        Pki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// 1024-bit DH parameters (generated now: a few seconds at most).
    fn dh1024(&self) -> PathBuf {
        let out = self.path("dh1024.pem");
        let status = std::process::Command::new("openssl")
            .args(["genpkey", "-genparam", "-algorithm", "DH"])
            .args(["-pkeyopt", "dh_paramgen_prime_len:1024", "-out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl genpkey runs");
        assert!(status.success());
        out
    }
}

/// Runs the openssl binary with `args` in `dir`, expecting success.
fn openssl_in(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl {args:?} failed");
}

impl Pki {
    /// A CA, a leaf it signed (replacing key.pem and cert.pem) with an OCSP
    /// responder URL, and a signed OCSP response saying the leaf is good.
    fn with_ocsp(tag: &str) -> (Pki, Vec<u8>) {
        let pki = Pki::new(tag);
        let d = &pki.dir;
        openssl_in(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Indaba Test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ],
        );
        openssl_in(
            d,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-keyout",
                "key.pem",
                "-out",
                "leaf.csr",
            ],
        );
        std::fs::write(
            d.join("ext.cnf"),
            "authorityInfoAccess=OCSP;URI:http://127.0.0.1:1/\nsubjectAltName=DNS:localhost\n",
        )
        .expect("write");
        openssl_in(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                "0x1234",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
                "-out",
                "cert.pem",
            ],
        );
        std::fs::write(
            d.join("index.txt"),
            "V\t301231000000Z\t\t1234\tunknown\t/CN=localhost\n",
        )
        .expect("write");
        openssl_in(
            d,
            &[
                "ocsp",
                "-issuer",
                "ca.pem",
                "-cert",
                "cert.pem",
                "-reqout",
                "req.der",
                "-no_nonce",
            ],
        );
        openssl_in(
            d,
            &[
                "ocsp",
                "-index",
                "index.txt",
                "-rsigner",
                "ca.pem",
                "-rkey",
                "ca.key",
                "-CA",
                "ca.pem",
                "-reqin",
                "req.der",
                "-respout",
                "resp.der",
                "-ndays",
                "1",
            ],
        );
        let response = std::fs::read(d.join("resp.der")).expect("the OCSP response");
        (pki, response)
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// An `openssl s_server` on a free port, killed on drop.
struct Server {
    _child: Child,
    address: SocketAddr,
}

async fn s_server(pki: &Pki, args: &[&str]) -> Server {
    let port = free_port();
    let mut child = Command::new("openssl")
        .arg("s_server")
        .arg("-accept")
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(pki.path("cert.pem"))
        .arg("-key")
        .arg(pki.path("key.pem"))
        .arg("-quiet")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("openssl s_server starts");
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let started = Instant::now();
    while tokio::net::TcpStream::connect(address).await.is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("s_server {args:?} exited: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "s_server did not listen"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        _child: child,
        address,
    }
}

fn settings() -> TlsProbeSettings {
    TlsProbeSettings {
        server_name: Some("localhost".into()),
        step_timeout: Duration::from_secs(5),
        renegotiation_attempts: 2,
        zero_rtt_http: true,
        linger: Duration::from_millis(500),
        ..TlsProbeSettings::default()
    }
}

async fn scan(server: &Server) -> TlsScan {
    let started = Instant::now();
    let scan = enumerate(
        &Direct {
            address: server.address,
        },
        &settings(),
        Instant::now() + Duration::from_secs(120),
    )
    .await;
    let mut shown = scan.clone();
    shown.certificates = Probed::not_tested("(elided)");
    eprintln!(
        "scan took {} ms, {} connections:\n{}",
        started.elapsed().as_millis(),
        scan.connections,
        serde_json::to_string_pretty(&shown).unwrap_or_default()
    );
    scan
}

fn accepted(scan: &TlsScan) -> Vec<TlsVersion> {
    scan.accepted_versions().collect()
}

fn suites(scan: &TlsScan, version: TlsVersion) -> Vec<String> {
    scan.version(version)
        .map(|v| v.cipher_suites.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn tls13_only() {
    let pki = Pki::new("13");
    let server = s_server(&pki, &["-tls1_3"]).await;
    let scan = scan(&server).await;
    assert_eq!(accepted(&scan), vec![TlsVersion::Tls13]);
    let s13 = suites(&scan, TlsVersion::Tls13);
    assert_eq!(s13.len(), 3, "{s13:?}");
    assert!(s13.contains(&"TLS_AES_256_GCM_SHA384".to_string()));
    // TLS 1.3 groups from HelloRetryRequests; OpenSSL 3.0 has x25519 and the NIST curves.
    let groups: Vec<String> = scan
        .key_exchange
        .tls13_groups
        .seen()
        .expect("groups")
        .iter()
        .map(|g| g.name.clone())
        .collect();
    for g in ["x25519", "secp256r1", "secp384r1", "secp521r1", "x448"] {
        assert!(
            groups.contains(&g.to_string()),
            "{g} missing from {groups:?}"
        );
    }
    assert!(matches!(
        scan.key_exchange.ecdhe_groups,
        Probed::NotTested { .. }
    ));
    assert!(matches!(scan.compression, Probed::NotTested { .. }));
    assert!(matches!(
        scan.client_renegotiation,
        Probed::NotTested { .. }
    ));
    let chain = scan.certificates.seen().expect("a chain");
    assert_eq!(chain.version, TlsVersion::Tls13);
    assert_eq!(chain.der.len(), 1);
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
}

#[tokio::test]
async fn tls12_with_good_suites_and_server_order() {
    let pki = Pki::new("12good");
    let server = s_server(
        &pki,
        &[
            "-tls1_2",
            "-serverpref",
            "-cipher",
            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256",
        ],
    )
    .await;
    let scan = scan(&server).await;
    assert_eq!(accepted(&scan), vec![TlsVersion::Tls12]);
    // The server's own order, because it enforces it.
    assert_eq!(
        suites(&scan, TlsVersion::Tls12),
        vec![
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        ]
    );
    let v12 = scan.version(TlsVersion::Tls12).expect("1.2");
    assert_eq!(v12.preference, CipherPreference::Server);
    assert_eq!(v12.secure_renegotiation, Some(true));
    assert_eq!(v12.extended_master_secret, Some(true));
    let groups: Vec<String> = scan
        .key_exchange
        .ecdhe_groups
        .seen()
        .expect("curves")
        .iter()
        .map(|g| g.name.clone())
        .collect();
    assert!(groups.contains(&"x25519".to_string()), "{groups:?}");
    assert!(groups.contains(&"secp384r1".to_string()), "{groups:?}");
    assert!(matches!(scan.key_exchange.dhe, Probed::NotTested { .. }));
    assert_eq!(scan.compression.seen().map(|c| c.method), Some(0));
    // OpenSSL 3.0 at its default security level (1) refuses SHA-1
    // signatures but still signs with SHA-224 when that is all we offer.
    let sha1 = &scan.kex_hash_sha1.seen().expect("tested").outcome;
    assert!(matches!(sha1, SignatureOutcome::Refused { .. }), "{sha1:?}");
    let sha224 = &scan.kex_hash_sha224.seen().expect("tested").outcome;
    assert!(
        matches!(sha224, SignatureOutcome::Accepted { algorithm } if algorithm.name == "rsa_pkcs1_sha224"),
        "{sha224:?}"
    );
    #[cfg(feature = "client-renegotiation")]
    {
        let reneg = scan.client_renegotiation.seen().expect("tested");
        assert_eq!(reneg.accepted, 0, "{reneg:?}");
    }
    #[cfg(not(feature = "client-renegotiation"))]
    assert!(
        matches!(&scan.client_renegotiation, Probed::NotTested { reason } if reason.contains("client-renegotiation")),
        "a build without OpenSSL says so: {:?}",
        scan.client_renegotiation
    );
    assert!(matches!(scan.zero_rtt, Probed::NotTested { .. }));
    assert_eq!(
        scan.certificates.seen().expect("chain").version,
        TlsVersion::Tls12
    );
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
}

#[tokio::test]
async fn client_order_is_recognised() {
    let pki = Pki::new("12client");
    let server = s_server(
        &pki,
        &[
            "-tls1_2",
            "-cipher",
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
        ],
    )
    .await;
    let scan = scan(&server).await;
    let v12 = scan.version(TlsVersion::Tls12).expect("1.2");
    assert_eq!(v12.cipher_suites.len(), 2);
    assert_eq!(v12.preference, CipherPreference::Client);
}

#[tokio::test]
async fn tls10_and_tls11_at_security_level_0() {
    let pki = Pki::new("legacy");
    let server = s_server(&pki, &["-no_tls1_3", "-cipher", "DEFAULT:@SECLEVEL=0"]).await;
    let scan = scan(&server).await;
    assert_eq!(
        accepted(&scan),
        vec![TlsVersion::Tls10, TlsVersion::Tls11, TlsVersion::Tls12]
    );
    assert!(matches!(
        scan.version(TlsVersion::Ssl3).map(|v| &v.support),
        Some(VersionSupport::Refused { .. })
    ));
    // TLS 1.0 has no AEAD suites: CBC with SHA-1 only.
    let s10 = suites(&scan, TlsVersion::Tls10);
    assert!(!s10.is_empty());
    assert!(s10.iter().all(|s| s.ends_with("_SHA")), "{s10:?}");
    // At security level 0 the server signs with SHA-1 when that is all we offer.
    let sha1 = &scan.kex_hash_sha1.seen().expect("tested").outcome;
    assert!(
        matches!(sha1, SignatureOutcome::Accepted { .. }),
        "{sha1:?}"
    );
    let sha224 = &scan.kex_hash_sha224.seen().expect("tested").outcome;
    assert!(
        matches!(sha224, SignatureOutcome::Accepted { .. }),
        "{sha224:?}"
    );
}

#[tokio::test]
async fn weak_suites_and_rsa_key_exchange() {
    let pki = Pki::new("weak");
    let server = s_server(
        &pki,
        &[
            "-tls1_2",
            "-cipher",
            "ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-GCM-SHA384:NULL-SHA256:@SECLEVEL=0",
        ],
    )
    .await;
    let scan = scan(&server).await;
    let mut s12 = suites(&scan, TlsVersion::Tls12);
    s12.sort();
    assert_eq!(
        s12,
        vec![
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_RSA_WITH_NULL_SHA256",
        ]
    );
}

#[tokio::test]
async fn dhe_with_a_1024_bit_group() {
    let pki = Pki::new("dhe");
    let dh = pki.dh1024();
    let dh = dh.to_string_lossy().to_string();
    let server = s_server(
        &pki,
        &[
            "-tls1_2",
            "-cipher",
            "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
            "-dhparam",
            &dh,
        ],
    )
    .await;
    let scan = scan(&server).await;
    let dhe = scan.key_exchange.dhe.seen().expect("DHE parameters");
    assert_eq!(dhe.bits, 1024);
    assert_eq!(dhe.suite.name, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
    assert!(matches!(
        scan.key_exchange.ecdhe_groups,
        Probed::NotTested { .. }
    ));
}

#[tokio::test]
#[cfg_attr(
    not(feature = "client-renegotiation"),
    ignore = "needs OpenSSL: --features client-renegotiation (./run-tests enables it)"
)]
async fn client_initiated_renegotiation_allowed() {
    let pki = Pki::new("reneg");
    let server = s_server(&pki, &["-tls1_2", "-client_renegotiation"]).await;
    let scan = scan(&server).await;
    let reneg = scan.client_renegotiation.seen().expect("tested");
    assert_eq!(reneg.accepted, 2, "{reneg:?}");
}

#[tokio::test]
async fn zero_rtt_accepted() {
    let pki = Pki::new("0rtt");
    // (s_server cannot combine -early_data with -www, so no HTTP answer comes.)
    let server = s_server(&pki, &["-tls1_3", "-early_data"]).await;
    let scan = scan(&server).await;
    let zero = scan.zero_rtt.seen().expect("tested");
    assert!(zero.ticket_allows_early_data, "{zero:?}");
    assert!(zero.early_data_accepted, "{zero:?}");
    assert_eq!(zero.http_status, None);
}

#[tokio::test]
async fn zero_rtt_not_offered_by_default() {
    let pki = Pki::new("no0rtt");
    let server = s_server(&pki, &["-tls1_3"]).await;
    let scan = scan(&server).await;
    let zero = scan.zero_rtt.seen().expect("tested");
    assert!(!zero.ticket_allows_early_data, "{zero:?}");
    assert!(!zero.early_data_accepted, "{zero:?}");
}

#[tokio::test]
async fn ocsp_staple_over_tls13_and_over_a_clear_text_tls12_flight() {
    use base64::Engine as _;
    let (pki, response) = Pki::with_ocsp("ocsp");
    let expected = base64::engine::general_purpose::STANDARD.encode(&response);
    let status = pki.path("resp.der").to_string_lossy().to_string();
    // TLS 1.3: read through rustls.
    let server = s_server(&pki, &["-status_file", &status]).await;
    let scan13 = scan(&server).await;
    let staple = scan13.ocsp_staple.seen().expect("tested");
    assert_eq!(staple.der.as_deref(), Some(expected.as_str()));
    // TLS 1.2 with a suite rustls cannot speak: read from the clear-text flight.
    let server = s_server(
        &pki,
        &[
            "-tls1_2",
            "-cipher",
            "AES128-SHA:@SECLEVEL=0",
            "-status_file",
            &status,
        ],
    )
    .await;
    let scan12 = scan(&server).await;
    let chain = scan12.certificates.seen().expect("a chain");
    assert_eq!(chain.source, indaba_model::tls::ChainSource::ServerFlight);
    let staple = scan12.ocsp_staple.seen().expect("tested");
    assert_eq!(staple.der.as_deref(), Some(expected.as_str()));
    // Without -status_file: nothing stapled.
    let server = s_server(&pki, &[]).await;
    let plain = scan(&server).await;
    assert_eq!(plain.ocsp_staple.seen().expect("tested").der, None);
}

/// A whole enumeration with the default settings (as the engine would run
/// it) against s_server's defaults, judged by the checks: prints the time,
/// for comparison with sslyze.
#[tokio::test]
#[cfg_attr(
    not(feature = "client-renegotiation"),
    ignore = "needs OpenSSL: --features client-renegotiation (./run-tests enables it)"
)]
async fn full_enumeration_with_default_settings_judged() {
    use indaba_checks::tls::{TlsIds, findings};
    use indaba_model::Status;
    let pki = Pki::new("full");
    let server = s_server(&pki, &["-client_renegotiation"]).await;
    let settings = TlsProbeSettings {
        server_name: Some("localhost".into()),
        zero_rtt_http: true,
        ..TlsProbeSettings::default()
    };
    let started = Instant::now();
    let scan = enumerate(
        &Direct {
            address: server.address,
        },
        &settings,
        Instant::now() + Duration::from_secs(120),
    )
    .await;
    let took = started.elapsed();
    eprintln!(
        "full enumeration against openssl s_server on loopback: {} ms, {} connections",
        took.as_millis(),
        scan.connections
    );
    assert_eq!(accepted(&scan), vec![TlsVersion::Tls12, TlsVersion::Tls13]);
    eprintln!("TLS 1.2 suites: {:?}", suites(&scan, TlsVersion::Tls12));
    let judged = findings(&TlsIds::WEB, std::slice::from_ref(&scan));
    let status = |id: &str| {
        judged
            .iter()
            .find(|f| f.check == id)
            .map(|f| f.status)
            .expect("judged")
    };
    let ids = TlsIds::WEB;
    assert_eq!(status(ids.available), Status::Pass);
    assert_eq!(status(ids.version), Status::Pass);
    // OpenSSL's default list has DHE-RSA suites (phase out) and CBC-SHA1 ones (insufficient).
    assert_eq!(status(ids.ciphers), Status::Fail);
    // s_server follows the client's order by default, with phase-out suites on offer.
    assert_eq!(status(ids.cipher_order), Status::Fail);
    // It signs with SHA-224 when asked.
    assert_eq!(status(ids.kex_hash), Status::Warning);
    assert_eq!(status(ids.compression), Status::Pass);
    assert_eq!(status(ids.secure_renegotiation), Status::Pass);
    assert_eq!(status(ids.client_renegotiation), Status::Warning);
    let reneg = scan.client_renegotiation.seen().expect("tested");
    assert_eq!(reneg.accepted, 11, "{reneg:?}");
    assert_eq!(status(ids.zero_rtt.unwrap_or_default()), Status::Pass);
    // A self-signed certificate names no OCSP responder.
    assert_eq!(
        status(ids.ocsp_stapling.unwrap_or_default()),
        Status::NotApplicable
    );
    for f in &judged {
        eprintln!(
            "{} {}: {:?}",
            f.check,
            f.status,
            f.evidence.first().map(|e| &e.detail)
        );
    }
}

#[tokio::test]
async fn unreachable_address() {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
    let scan = enumerate(
        &Direct { address },
        &settings(),
        Instant::now() + Duration::from_secs(10),
    )
    .await;
    let failure = scan.connect_error.expect("unreachable");
    assert_eq!(failure.kind, ConnectFailureKind::Unreachable);
    assert!(scan.versions.is_empty());
}
