//! Unit tests of the TLS checks on hand-made observations.

use indaba_model::tls::{
    CertificateChain, ChainSource, CipherPreference, CipherSuite, ClientRenegotiation, Compression,
    ConnectFailure, ConnectFailureKind, DhParams, NamedGroup, OcspStaple, Probed,
    SignatureAlgorithm, SignatureOutcome, SignatureProbe, TlsScan, TlsTransport, TlsVersion,
    VersionResult, VersionSupport, ZeroRtt,
};
use indaba_model::{Arg, Finding, Status};

use super::*;

/// A leaf (CN=localhost, RSA 2048) naming an OCSP responder, made with `openssl x509 -req`.
const LEAF_WITH_OCSP: &str = concat!(
    "MIIDLDCCAhSgAwIBAgICEjQwDQYJKoZIhvcNAQELBQAwETEPMA0GA1UEAwwGVGVzdENBMB4XDTI2MTEy",
    "MjE5MDAyN1oXDTI2MTEyNDE5MDAyN1owFDESMBAGA1UEAwwJbG9jYWxob3N0MIIBIjANBgkqhkiG9w0B",
    "AQEFAAOCAQ8AMIIBCgKCAQEAogZOx9YR1SSycBIJf1zamDZErpEYz66NhfRf1MTYrlZT5GnwKx0dmaur",
    "aI3IOiDp6u6rcpftI6mQX6dn439wTiQtHGG9JwOceEibx0mmURVdzK9JEhHiQkdjhyx98eacObqjYk/M",
    "EB/xY3kV1BMUFPcGW7v5eG4dzM++gq1jW5hQxGmUfgYf5CY7xiGw3Xnn0ZLvbQ5ArZAb3LoLjocxRvY1",
    "LD0zPxP8MYVAvipFg8GJKbmUnTMPWeVwcbifuaxhWamBotgO8nowI2mMqz99KFHgHWKDmLv1bHuy1u2S",
    "J6Zk7GDwo07m3A6nKutl0H9VIuB0frJzThgSn5oN0Zf2AQIDAQABo4GKMIGHMC8GCCsGAQUFBwEBBCMw",
    "ITAfBggrBgEFBQcwAYYTaHR0cDovLzEyNy4wLjAuMToxLzAUBgNVHREEDTALgglsb2NhbGhvc3QwHQYD",
    "VR0OBBYEFEf8YgH05MCXr1PGMEBpQidfcasYMB8GA1UdIwQYMBaAFDNlQY1ohHQtMooyxNzJxoDnjQ6e",
    "MA0GCSqGSIb3DQEBCwUAA4IBAQA9YKgJrtaE1os7alLaPB0K1YZV5TELLW++dl2wFgzsqIJj4UDgjfm6",
    "VVgQqPyuzywBVB3goHE2aSKJUJeewtZFAtJ3hAuwOnUo/pDmiLGmwXqPclaEpRqt+WkPq3iLT2Uw+2Xg",
    "ddRduLTiXqs4fw7T7tNonxDNAoRmLg7iYiRLYjmrc9I/5g/mgea3qeKaSAwMCz3hv8RixZPlVn/PqSMs",
    "IbADNoUSB1cckGaF0k7XsmKpujEnzcTQ8m3bsbkvhuOM9D4/gWwspvSjzlgYccJKZbK6hTb0urhbrDeb",
    "g2qqEtuf7b8KyH8Nwlzvh23/u37FLMzHC5U3zTnnIKvV7RTY",
);

/// A self-signed P-256 certificate without Authority Information Access.
const LEAF_WITHOUT_OCSP: &str = concat!(
    "MIIBdjCCARugAwIBAgIUaRbhMh6+BpAarLtfSS8EeOLxOswwCgYIKoZIzj0EAwIwEDEOMAwGA1UEAwwF",
    "cGxhaW4wHhcNMjYxMTIyMTkwMzQ2WhcNMjYxMTI0MTkwMzQ2WjAQMQ4wDAYDVQQDDAVwbGFpbjBZMBMG",
    "ByqGSM49AgEGCCqGSM49AwEHA0IABLJOSC/wnE1Hp3g4u1BK5DoLKL6t8yVv/DwlXt0OsTueb+PQUD1a",
    "gKI6Cf4BVOeo1jjl9AAg1rKI9SpTPCWQGD6jUzBRMB0GA1UdDgQWBBQf0IxVYYxfIpEDHwZr5ruf7nks",
    "NTAfBgNVHSMEGDAWgBQf0IxVYYxfIpEDHwZr5ruf7nksNTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49",
    "BAMCA0kAMEYCIQCGB+0ba+e2Omv83cnq/5ZjsiQLvO5meX2g+3HlYaD/TAIhAOesI+cnXgDGqcglj6lr",
    "rB4GvXWJfuFn3emIZ5ISXlA8",
);

/// A successful OCSP response for LEAF_WITH_OCSP, made with `openssl ocsp -index`.
const OCSP_GOOD: &str = concat!(
    "MIIE0QoBAKCCBMowggTGBgkrBgEFBQcwAQEEggS3MIIEszCBjaETMBExDzANBgNVBAMMBlRlc3RDQRgP",
    "MjAyNjExMjIxOTAwMjdaMGUwYzA7MAkGBSsOAwIaBQAEFNCM6droYZh94Eg+iHlVEGFl9vfUBBQzZUGN",
    "aIR0LTKKMsTcycaA540OngICEjSAABgPMjAyNjExMjIxOTAwMjdaoBEYDzIwMjYxMTIzMTkwMDI3WjAN",
    "BgkqhkiG9w0BAQsFAAOCAQEASGrphJDSoxCynnsRE4OzTUxiprcMmu+M5cZpJn4zBDcB7hwhSro/asZw",
    "t2iphu12xL6/fH5ZLcPjGYcm7/qgsvHbctTVHVPQxG67kZyfKVw7mbmRZlBx1aLwix5y3aZEYnvBjvNV",
    "zPJEeGZK2G4bqUtPCVqAcW/p5QvLSUG96naQ17+rU8FaWEIrFIyjq4X0eu8gc5G7RhFO+qnB8Lz93AKE",
    "3M9qrPa7/hbnlCxl/WnBTZoMKjU0y7rOWddQybhQMaph5fkzZbtJhPPdxTWc27hvEsKM6zeyGwoKIF+V",
    "n9AlOQ2v8KXtshuIEFdXS87Fq4Y+C3Ak6Ar0VetMAlwX46CCAwswggMHMIIDAzCCAeugAwIBAgIUOnP9",
    "hxFwzBPYDE6Dl2+7NYgOiBQwDQYJKoZIhvcNAQELBQAwETEPMA0GA1UEAwwGVGVzdENBMB4XDTI2MTEy",
    "MjE5MDAyN1oXDTI2MTEyNDE5MDAyN1owETEPMA0GA1UEAwwGVGVzdENBMIIBIjANBgkqhkiG9w0BAQEF",
    "AAOCAQ8AMIIBCgKCAQEAy6EkuHN3rlJXZveSA+QVGAHAXqU01KVSR9VEBvD8bUYl8EsOOlI/0jSLwBFE",
    "uBNj4lSXmB6PLIVqKLakqb358ciVDnm2BT1S13rtwVsASFWr+svyvLuXWEWJsr4VwCvdkYvaflDsbMUG",
    "DhGj/z8gWT5AN+qmP52k3HN6mCkpz3nnlmi2yNj5N6jNK8DdFOJqgo+TEIE+UrbE8XF7X8G9qmQUOHh5",
    "BFL/stenrPypr9dDHYdOJPIoACoVNHy278nOZIFKz23KSaFjZ8Gi0yQzeWFHJlCXl3qZX11mX+Zx0/yZ",
    "kvbAsQSfGvRt2bBQNIwXXMbEmAgLAcFx/K5x6g7tOQIDAQABo1MwUTAdBgNVHQ4EFgQUM2VBjWiEdC0y",
    "ijLE3MnGgOeNDp4wHwYDVR0jBBgwFoAUM2VBjWiEdC0yijLE3MnGgOeNDp4wDwYDVR0TAQH/BAUwAwEB",
    "/zANBgkqhkiG9w0BAQsFAAOCAQEABvHKeDXyIttUMbgg469dwkNy/ccKucFgsk5IrgIVs/Nr0cz+3kqj",
    "A48vRHlud/OZ3JdiA5MmpjNcQLpWXZwJX+NkOLQSKHCMaVZv9bHJUhkFWc37bidmv07K1Idby6Xd9SWb",
    "KuM9Potg8WBffMUOKlPCifFfWwfykeNaAOsHX+smRVrLzwXicIg90dna5+ehsRjaF0rd7J7Xkl9EkOKU",
    "x0rlUmVSPrndKu50EM90vNOlNvXbyG1tk9zmpCgfQOwCysXjmXxpIEJKMm+DQCCIXIS/lHkFAO/rbuin",
    "gKOu18/tOgxjzaUOjhyFVsg01Czq8j6UvawFkGq3ac7D3ixLxw==",
);

/// A reached server that accepted nothing yet.
fn scan(address: &str) -> TlsScan {
    let mut s = TlsScan::unreachable(
        address.into(),
        Some("example.nl".into()),
        TlsTransport::Direct,
        ConnectFailure {
            kind: ConnectFailureKind::Unreachable,
            reason: String::new(),
        },
    );
    s.connect_error = None;
    for v in TlsVersion::ALL {
        s.versions.push(VersionResult {
            version: v,
            support: VersionSupport::Refused {
                detail: "protocol_version".into(),
            },
            cipher_suites: Vec::new(),
            preference: CipherPreference::Undetermined,
            secure_renegotiation: None,
            extended_master_secret: None,
            incomplete: None,
        });
    }
    s
}

fn unreachable(address: &str) -> TlsScan {
    TlsScan::unreachable(
        address.into(),
        None,
        TlsTransport::Direct,
        ConnectFailure {
            kind: ConnectFailureKind::Timeout,
            reason: "no connection within 4000 ms".into(),
        },
    )
}

fn suite(id: u16) -> CipherSuite {
    CipherSuite {
        id,
        name: tls_parser::TlsCipherSuite::from_id(id)
            .map(|s| s.name.to_string())
            .unwrap_or_else(|| format!("0x{id:04x}")),
    }
}

fn accept(
    mut s: TlsScan,
    version: TlsVersion,
    suites: &[u16],
    preference: CipherPreference,
) -> TlsScan {
    if let Some(v) = s.versions.iter_mut().find(|v| v.version == version) {
        v.support = VersionSupport::Accepted;
        v.cipher_suites = suites.iter().map(|id| suite(*id)).collect();
        v.preference = preference;
        if version != TlsVersion::Tls13 {
            v.secure_renegotiation = Some(true);
            v.extended_master_secret = Some(true);
        }
    }
    s
}

/// A modern server: TLS 1.3 and 1.2 with ECDHE AEAD suites in server order.
fn modern(address: &str) -> TlsScan {
    let s = accept(
        scan(address),
        TlsVersion::Tls13,
        &[0x1302, 0x1303, 0x1301],
        CipherPreference::Client,
    );
    let mut s = accept(
        s,
        TlsVersion::Tls12,
        &[0xc030, 0xc02f, 0xcca8],
        CipherPreference::Server,
    );
    s.key_exchange.ecdhe_groups = Probed::Seen {
        value: vec![group(0x1d), group(0x17), group(0x18)],
    };
    s.key_exchange.tls13_groups = Probed::Seen {
        value: vec![group(0x1d), group(0x17)],
    };
    s.kex_hash_sha1 = refused_signature();
    s.kex_hash_sha224 = refused_signature();
    s.compression = Probed::Seen {
        value: Compression {
            version: TlsVersion::Tls12,
            method: 0,
        },
    };
    s.client_renegotiation = Probed::Seen {
        value: ClientRenegotiation {
            version: TlsVersion::Tls12,
            attempts: 1,
            accepted: 0,
            detail: "refused".into(),
        },
    };
    s.zero_rtt = Probed::Seen {
        value: ZeroRtt {
            ticket_allows_early_data: false,
            early_data_accepted: false,
            http_status: None,
            detail: "no early data".into(),
        },
    };
    s
}

fn group(id: u16) -> NamedGroup {
    NamedGroup {
        id,
        name: format!("group {id}"),
    }
}

fn refused_signature() -> Probed<SignatureProbe> {
    Probed::Seen {
        value: SignatureProbe {
            offered: Vec::new(),
            outcome: SignatureOutcome::Refused {
                detail: "handshake_failure".into(),
            },
        },
    }
}

fn accepted_signature(id: u16) -> Probed<SignatureProbe> {
    Probed::Seen {
        value: SignatureProbe {
            offered: Vec::new(),
            outcome: SignatureOutcome::Accepted {
                algorithm: SignatureAlgorithm {
                    id,
                    name: format!("0x{id:04x}"),
                },
            },
        },
    }
}

fn status(f: &Finding) -> Status {
    f.status
}

#[test]
fn a_modern_server_passes_everything() {
    let scans = [modern("192.0.2.1:443"), modern("[2001:db8::1]:443")];
    for f in findings(&TlsIds::WEB, &scans) {
        if f.check == TlsIds::WEB.ocsp_stapling.unwrap_or_default() {
            // No certificate in this made-up scan: nothing to staple for.
            assert_eq!(f.status, Status::NotTested, "{f:?}");
            continue;
        }
        assert_eq!(f.status, Status::Pass, "{f:?}");
        assert_eq!(f.evidence.len(), 2, "{f:?}");
    }
}

#[test]
fn web_and_mail_ids_are_in_the_catalogue() {
    let web = findings(&TlsIds::WEB, &[modern("192.0.2.1:443")]);
    let mail = findings(&TlsIds::MAIL, &[modern("192.0.2.1:25")]);
    assert_eq!(web.len(), 11);
    assert_eq!(mail.len(), 9);
    for f in web {
        let spec = indaba_model::catalogue::check(&f.check).expect("in the catalogue");
        assert!(
            spec.kinds.contains(&indaba_model::TestKind::Web),
            "{}",
            f.check
        );
    }
    for f in mail {
        let spec = indaba_model::catalogue::check(&f.check).expect("in the catalogue");
        assert!(
            spec.kinds.contains(&indaba_model::TestKind::Mail),
            "{}",
            f.check
        );
    }
}

#[test]
fn versions() {
    let id = TlsIds::WEB.version;
    assert_eq!(status(&version(id, &[modern("a")])), Status::Pass);
    let old = accept(
        modern("a"),
        TlsVersion::Tls10,
        &[0xc013],
        CipherPreference::Server,
    );
    let f = version(id, std::slice::from_ref(&old));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.message.id, "tls-version-fail");
    let detail = f.evidence[0].detail_message.as_ref().expect("words");
    let insufficient = detail.get("detail").and_then(|d| match d {
        Arg::Msg(m) => m.get("bad").cloned(),
        _ => None,
    });
    assert_eq!(insufficient, Some(Arg::list(["TLS 1.0"])));
    assert_eq!(
        crate::rendered(&f).evidence[0].detail,
        "Fail: insufficient: TLS 1.0; offered: TLS 1.0 (insufficient), TLS 1.2 (sufficient), TLS 1.3 (good)"
    );
    let mut unknown = modern("a");
    unknown.versions[1].support = VersionSupport::Error {
        reason: "timeout".into(),
    };
    assert_eq!(status(&version(id, &[unknown])), Status::Error);
    // An unreachable address is an error, never a fail; a fail elsewhere still fails.
    assert_eq!(
        status(&version(id, &[modern("a"), unreachable("b")])),
        Status::Error
    );
    assert_eq!(status(&version(id, &[old, unreachable("b")])), Status::Fail);
    // No address: nothing was tested, so nothing is earned.
    assert_eq!(status(&version(id, &[])), Status::NotTested);
    let ssl3 = accept(
        scan("a"),
        TlsVersion::Ssl3,
        &[0x0005],
        CipherPreference::Undetermined,
    );
    assert_eq!(status(&version(id, &[ssl3])), Status::Fail);
}

#[test]
fn cipher_suites() {
    let id = TlsIds::MAIL.ciphers;
    let phase_out = accept(
        modern("a"),
        TlsVersion::Tls12,
        &[0xc030, 0x009e],
        CipherPreference::Server,
    );
    assert_eq!(status(&ciphers(id, &[phase_out])), Status::Warning);
    for weak in [
        0x000a, /* 3DES */
        0x0005, /* RC4 */
        0xc013, /* CBC-SHA1 */
        0x009c, /* RSA kx */
    ] {
        let s = accept(
            modern("a"),
            TlsVersion::Tls12,
            &[0xc030, weak],
            CipherPreference::Server,
        );
        assert_eq!(status(&ciphers(id, &[s])), Status::Fail, "0x{weak:04x}");
    }
    let mut incomplete = modern("a");
    incomplete.versions[3].incomplete = Some("timeout".into());
    assert_eq!(status(&ciphers(id, &[incomplete])), Status::Error);
}

#[test]
fn cipher_order_only_matters_with_phase_out_suites() {
    let id = TlsIds::WEB.cipher_order;
    // Client order, but nothing to phase out.
    let s = accept(
        modern("a"),
        TlsVersion::Tls12,
        &[0xc02f, 0xc030],
        CipherPreference::Client,
    );
    assert_eq!(status(&cipher_order(id, &[s])), Status::Pass);
    // Server order, secure first.
    let s = accept(
        modern("a"),
        TlsVersion::Tls12,
        &[0xc02f, 0xcca8, 0x009e, 0xc027],
        CipherPreference::Server,
    );
    assert_eq!(status(&cipher_order(id, &[s])), Status::Pass);
    // Server order, a phase-out suite before a secure one.
    let s = accept(
        modern("a"),
        TlsVersion::Tls12,
        &[0xc02f, 0x009e, 0xcca8],
        CipherPreference::Server,
    );
    let f = cipher_order(id, &[s]);
    assert_eq!(f.status, Status::Fail);
    assert!(
        crate::rendered(&f).evidence[0]
            .detail
            .contains("prefers TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 to TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
        "{f:?}"
    );
    // Client order with phase-out suites.
    let s = accept(
        modern("a"),
        TlsVersion::Tls12,
        &[0xc02f, 0x009e],
        CipherPreference::Client,
    );
    assert_eq!(status(&cipher_order(id, &[s])), Status::Fail);
    let s = accept(
        modern("a"),
        TlsVersion::Tls12,
        &[0xc02f, 0x009e],
        CipherPreference::Undetermined,
    );
    assert_eq!(status(&cipher_order(id, &[s])), Status::Error);
    // TLS 1.3 only: no order to judge, full credit as in internet.nl.
    let s = accept(
        scan("a"),
        TlsVersion::Tls13,
        &[0x1302, 0x1301],
        CipherPreference::Client,
    );
    let f = cipher_order(id, std::slice::from_ref(&s));
    assert_eq!(f.status, Status::NotApplicable);
    assert_eq!(f.message.id, "tls-cipher-order-not-applicable");
    // With another server that passes, the finding still passes.
    assert_eq!(status(&cipher_order(id, &[s, modern("b")])), Status::Pass);
}

fn dhe(prime: String, bits: u32) -> Probed<DhParams> {
    Probed::Seen {
        value: DhParams {
            version: TlsVersion::Tls12,
            suite: suite(0x009e),
            bits,
            prime,
            generator: "02".into(),
        },
    }
}

#[test]
fn key_exchange_parameters() {
    let id = TlsIds::WEB.key_exchange;
    assert_eq!(status(&key_exchange(id, &[modern("a")])), Status::Pass);
    let mut s = modern("a");
    s.key_exchange.ecdhe_groups = Probed::Seen {
        value: vec![group(0x1d), group(0x15)],
    };
    assert_eq!(
        status(&key_exchange(id, &[s])),
        Status::Warning,
        "secp224r1"
    );
    let mut s = modern("a");
    s.key_exchange.ecdhe_groups = Probed::Seen {
        value: vec![group(0x1d), group(0x13)],
    };
    assert_eq!(status(&key_exchange(id, &[s])), Status::Fail, "secp192r1");
    let mut s = modern("a");
    s.key_exchange.dhe = dhe(super::ffdhe::FFDHE_PRIMES[1].1.to_string(), 3072);
    assert_eq!(
        status(&key_exchange(id, &[s])),
        Status::Warning,
        "ffdhe3072"
    );
    let mut s = modern("a");
    s.key_exchange.dhe = dhe(super::ffdhe::FFDHE_PRIMES[0].1.to_string(), 2048);
    assert_eq!(status(&key_exchange(id, &[s])), Status::Fail, "ffdhe2048");
    let mut s = modern("a");
    s.key_exchange.dhe = dhe("f".repeat(256), 1024);
    let f = key_exchange(id, &[s]);
    assert_eq!(f.status, Status::Fail);
    assert!(
        crate::rendered(&f).evidence[0]
            .detail
            .contains("DHE 1024-bit custom group"),
        "{f:?}"
    );
    let s = accept(
        modern("a"),
        TlsVersion::Tls12,
        &[0xc030, 0x009c],
        CipherPreference::Server,
    );
    let f = key_exchange(id, &[s]);
    assert_eq!(f.status, Status::Fail);
    assert!(
        crate::rendered(&f).evidence[0]
            .detail
            .contains("RSA key exchange (TLS_RSA_WITH_AES_128_GCM_SHA256)"),
        "{f:?}"
    );
    let mut s = modern("a");
    s.key_exchange.tls13_groups = Probed::Seen {
        value: vec![group(0x11ec), group(0x1d)],
    };
    assert_eq!(
        status(&key_exchange(id, &[s])),
        Status::Pass,
        "X25519MLKEM768"
    );
    let mut s = modern("a");
    s.key_exchange.tls13_groups = Probed::error("timeout");
    assert_eq!(status(&key_exchange(id, &[s])), Status::Error);
}

#[test]
fn key_exchange_hash() {
    let id = TlsIds::MAIL.kex_hash;
    let mut s = modern("a");
    s.kex_hash_sha1 = accepted_signature(0x0201);
    assert_eq!(status(&kex_hash(id, &[s])), Status::Fail);
    let mut s = modern("a");
    s.kex_hash_sha224 = accepted_signature(0x0301);
    assert_eq!(status(&kex_hash(id, &[s])), Status::Warning);
    let mut s = modern("a");
    s.kex_hash_sha1 = Probed::not_tested("TLS 1.2 is not accepted");
    s.kex_hash_sha224 = Probed::not_tested("TLS 1.2 is not accepted");
    assert_eq!(status(&kex_hash(id, &[s])), Status::Pass);
    let mut s = modern("a");
    s.kex_hash_sha1 = Probed::error("timeout");
    assert_eq!(status(&kex_hash(id, &[s])), Status::Error);
}

#[test]
fn compression_and_renegotiation() {
    let mut s = modern("a");
    s.compression = Probed::Seen {
        value: Compression {
            version: TlsVersion::Tls12,
            method: 1,
        },
    };
    assert_eq!(
        status(&compression(TlsIds::WEB.compression, &[s])),
        Status::Fail
    );

    let mut s = modern("a");
    s.versions[3].secure_renegotiation = Some(false);
    assert_eq!(
        status(&secure_renegotiation(
            TlsIds::WEB.secure_renegotiation,
            &[s]
        )),
        Status::Fail
    );
    let only13 = accept(
        scan("a"),
        TlsVersion::Tls13,
        &[0x1302],
        CipherPreference::Client,
    );
    assert_eq!(
        status(&secure_renegotiation(
            TlsIds::WEB.secure_renegotiation,
            &[only13]
        )),
        Status::Pass
    );

    let mut s = modern("a");
    s.client_renegotiation = Probed::Seen {
        value: ClientRenegotiation {
            version: TlsVersion::Tls12,
            attempts: 2,
            accepted: 2,
            detail: String::new(),
        },
    };
    assert_eq!(
        status(&client_renegotiation(
            TlsIds::MAIL.client_renegotiation,
            &[s]
        )),
        Status::Warning
    );

    let mut s = modern("a");
    s.versions[3].extended_master_secret = Some(false);
    assert_eq!(
        status(&extended_master_secret("web.tls.ems", &[s])),
        Status::Fail
    );
    assert_eq!(
        status(&extended_master_secret("web.tls.ems", &[modern("a")])),
        Status::Pass
    );
}

#[test]
fn zero_rtt_needs_425() {
    let id = TlsIds::WEB.zero_rtt.unwrap_or_default();
    let with = |accepted: bool, http_status: Option<u16>| {
        let mut s = modern("a");
        s.zero_rtt = Probed::Seen {
            value: ZeroRtt {
                ticket_allows_early_data: true,
                early_data_accepted: accepted,
                http_status,
                detail: String::new(),
            },
        };
        status(&zero_rtt(id, &[s]))
    };
    assert_eq!(with(true, Some(200)), Status::Fail);
    assert_eq!(with(true, None), Status::Fail);
    assert_eq!(with(true, Some(425)), Status::Pass);
    assert_eq!(with(false, None), Status::Pass);
}

fn with_chain(leaf: &str, staple: Option<&str>) -> TlsScan {
    let mut s = modern("a");
    s.certificates = Probed::Seen {
        value: CertificateChain {
            source: ChainSource::Handshake,
            version: TlsVersion::Tls13,
            der: vec![leaf.to_string()],
        },
    };
    s.ocsp_staple = Probed::Seen {
        value: OcspStaple {
            der: staple.map(str::to_string),
        },
    };
    s
}

#[test]
fn ocsp_stapling_statuses() {
    let id = TlsIds::WEB.ocsp_stapling.unwrap_or_default();
    assert_eq!(
        status(&ocsp_stapling(
            id,
            &[with_chain(LEAF_WITH_OCSP, Some(OCSP_GOOD))]
        )),
        Status::Pass
    );
    assert_eq!(
        status(&ocsp_stapling(id, &[with_chain(LEAF_WITH_OCSP, None)])),
        Status::Info
    );
    // tryLater (3): SEQUENCE { ENUMERATED 3 }.
    use base64::Engine as _;
    let try_later =
        base64::engine::general_purpose::STANDARD.encode([0x30, 0x03, 0x0a, 0x01, 0x03]);
    assert_eq!(
        status(&ocsp_stapling(
            id,
            &[with_chain(LEAF_WITH_OCSP, Some(&try_later))]
        )),
        Status::Warning
    );
    assert_eq!(
        status(&ocsp_stapling(id, &[with_chain(LEAF_WITHOUT_OCSP, None)])),
        Status::NotApplicable
    );
}

#[test]
fn availability() {
    let id = TlsIds::MAIL.available;
    assert_eq!(status(&available(id, &[modern("a")])), Status::Pass);
    let mut no_starttls = unreachable("a");
    if let Some(e) = no_starttls.connect_error.as_mut() {
        e.kind = ConnectFailureKind::NoStarttls;
    }
    assert_eq!(status(&available(id, &[no_starttls])), Status::Fail);
    assert_eq!(status(&available(id, &[unreachable("a")])), Status::Error);
    assert_eq!(
        status(&available(id, &[scan("a")])),
        Status::Fail,
        "every version refused"
    );
    // The other checks do not judge an address without TLS: what they test
    // is missing, so they are not tested (and earn nothing).
    assert_eq!(
        status(&version(TlsIds::MAIL.version, &[scan("a")])),
        Status::NotTested
    );
}

fn refused(address: &str, transport: TlsTransport, kind: ConnectFailureKind) -> TlsScan {
    TlsScan::unreachable(
        address.into(),
        None,
        transport,
        ConnectFailure {
            kind,
            reason: "connection refused".into(),
        },
    )
}

#[test]
fn no_https_leaves_every_tls_check_not_tested() {
    let none = refused(
        "192.0.2.1:443",
        TlsTransport::Direct,
        ConnectFailureKind::Unreachable,
    );
    let judged = findings(&TlsIds::WEB, std::slice::from_ref(&none));
    for f in &judged {
        let f = crate::rendered(f);
        if f.check == TlsIds::WEB.available {
            assert_eq!(f.status, Status::Fail, "{f:?}");
            assert_eq!(
                f.evidence[0].detail,
                "Fail: nothing accepts connections on this port (connection refused)"
            );
            continue;
        }
        assert_eq!(f.status, Status::NotTested, "{f:?}");
        assert_eq!(f.message.id, "web-not-tested-no-https", "{}", f.check);
        assert_eq!(f.summary, "Not tested: no web server answers over HTTPS.");
    }
    // One address without HTTPS among two: the worst counts, and the summary
    // says how many.
    let f = version(
        TlsIds::WEB.version,
        &[modern("192.0.2.2:443"), none.clone()],
    );
    assert_eq!(f.status, Status::NotTested);
    assert_eq!(f.message.id, "web-not-tested-some-https");
    assert_eq!(f.message.get("missing"), Some(&Arg::Num(1)));
    assert_eq!(f.message.get("total"), Some(&Arg::Num(2)));
    // A known failure elsewhere still fails.
    let old = accept(
        modern("a"),
        TlsVersion::Tls10,
        &[0xc013],
        CipherPreference::Server,
    );
    assert_eq!(
        status(&version(TlsIds::WEB.version, &[old, none])),
        Status::Fail
    );
    // A timeout is a fault, not a missing server: error.
    let slow = refused(
        "192.0.2.1:443",
        TlsTransport::Direct,
        ConnectFailureKind::Timeout,
    );
    assert_eq!(
        status(&version(TlsIds::WEB.version, std::slice::from_ref(&slow))),
        Status::Error
    );
    assert_eq!(
        status(&available(TlsIds::WEB.available, &[slow])),
        Status::Error
    );
}

#[test]
fn a_mail_server_without_starttls_is_not_tested() {
    let plain = refused(
        "192.0.2.25:25",
        TlsTransport::SmtpStarttls,
        ConnectFailureKind::NoStarttls,
    );
    for f in findings(&TlsIds::MAIL, std::slice::from_ref(&plain)) {
        let f = crate::rendered(&f);
        if f.check == TlsIds::MAIL.available {
            assert_eq!(f.status, Status::Fail);
            continue;
        }
        assert_eq!(f.status, Status::NotTested, "{f:?}");
        assert_eq!(
            f.summary,
            "Not tested: no mail server offers working STARTTLS."
        );
    }
    // A mail server that refuses port 25 is broken, not without STARTTLS.
    let down = refused(
        "192.0.2.25:25",
        TlsTransport::SmtpStarttls,
        ConnectFailureKind::Unreachable,
    );
    assert_eq!(
        status(&available(
            TlsIds::MAIL.available,
            std::slice::from_ref(&down)
        )),
        Status::Error
    );
    assert_eq!(
        status(&version(TlsIds::MAIL.version, &[down])),
        Status::Error
    );
}

/// Every finding of many made-up servers renders in English: each message
/// id exists and has its arguments.
#[test]
fn every_verdict_renders() {
    let mut servers = vec![
        modern("a"),
        scan("a"),
        unreachable("a"),
        refused("a", TlsTransport::Direct, ConnectFailureKind::Unreachable),
        refused(
            "a",
            TlsTransport::SmtpStarttls,
            ConnectFailureKind::NoStarttls,
        ),
        refused(
            "a",
            TlsTransport::SmtpStarttls,
            ConnectFailureKind::Protocol,
        ),
        accept(
            modern("a"),
            TlsVersion::Tls10,
            &[0xc013, 0x009c, 0x000a],
            CipherPreference::Client,
        ),
        accept(
            modern("a"),
            TlsVersion::Tls12,
            &[0xc02f, 0x009e, 0xcca8],
            CipherPreference::Server,
        ),
        accept(
            modern("a"),
            TlsVersion::Tls12,
            &[0xc02f, 0x009e],
            CipherPreference::Undetermined,
        ),
        accept(
            scan("a"),
            TlsVersion::Tls13,
            &[0x1302],
            CipherPreference::Client,
        ),
        with_chain(LEAF_WITH_OCSP, Some(OCSP_GOOD)),
        with_chain(LEAF_WITH_OCSP, None),
        with_chain(LEAF_WITH_OCSP, Some("AAAA")),
        with_chain(LEAF_WITHOUT_OCSP, None),
        with_chain("not base64!", None),
    ];
    let mut s = modern("a");
    s.versions[1].support = VersionSupport::Error {
        reason: "timeout".into(),
    };
    s.versions[3].incomplete = Some("limit".into());
    s.key_exchange.ecdhe_groups = Probed::Seen {
        value: vec![group(0x15)],
    };
    s.key_exchange.tls13_groups = Probed::error("timeout");
    s.key_exchange.dhe = dhe(super::ffdhe::FFDHE_PRIMES[1].1.to_string(), 3072);
    s.kex_hash_sha224 = accepted_signature(0x0301);
    s.compression = Probed::not_tested("TLS 1.3 only");
    s.client_renegotiation = Probed::error("reset");
    s.zero_rtt = Probed::Seen {
        value: ZeroRtt {
            ticket_allows_early_data: true,
            early_data_accepted: true,
            http_status: Some(200),
            detail: "answered 200".into(),
        },
    };
    servers.push(s);
    let mut s = modern("a");
    s.kex_hash_sha1 = accepted_signature(0x0201);
    s.key_exchange.dhe = dhe("ffffffffffffffffc90fdaa22168c234".repeat(8), 1024);
    s.key_exchange.ecdhe_groups = Probed::Seen { value: vec![] };
    s.key_exchange.tls13_groups = Probed::Seen { value: vec![] };
    s.compression = Probed::Seen {
        value: Compression {
            version: TlsVersion::Tls12,
            method: 1,
        },
    };
    s.versions[3].secure_renegotiation = Some(false);
    servers.push(s);
    for server in &servers {
        for ids in [TlsIds::WEB, TlsIds::MAIL] {
            for f in findings(&ids, std::slice::from_ref(server)) {
                let _ = crate::rendered(&f);
            }
        }
        let _ = crate::rendered(&extended_master_secret(
            "web.tls.ems",
            std::slice::from_ref(server),
        ));
    }
    for f in findings(&TlsIds::WEB, &servers) {
        let _ = crate::rendered(&f);
    }
    let _ = crate::rendered(&extended_master_secret("web.tls.ems", &[]));
}

proptest::proptest! {
    #[test]
    fn arbitrary_certificates_and_staples_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let _ = ocsp_responder(&bytes);
        let _ = ocsp_response_status(&bytes);
    }

    #[test]
    fn arbitrary_dh_parameters_never_panic(p in "[0-9a-fA-F]{0,600}", g in "[0-9a-z]{0,4}") {
        let _ = dh_rating(&p, &g);
    }
}

#[test]
fn reach_says_what_happened() {
    use indaba_model::ToMessage;
    let english = |m: &indaba_model::Message| indaba_i18n::english().try_render("en", m).unwrap();
    assert_eq!(reach(&modern("a")), Reach::Tls);
    assert_eq!(
        english(&reach(&modern("a")).to_message()),
        "a TLS handshake succeeded"
    );
    let none = refused("a", TlsTransport::Direct, ConnectFailureKind::Unreachable);
    assert_eq!(reach(&none).untested_status(), Some(Status::NotTested));
    assert_eq!(
        english(&reach(&none).to_message()),
        "nothing accepts connections on this port (connection refused)"
    );
    assert_eq!(reach(&scan("a")).untested_status(), Some(Status::NotTested));
    assert_eq!(
        reach(&unreachable("a")).untested_status(),
        Some(Status::Error)
    );
}
