//! Certificate checks on chains made in the test.

use indaba_model::Status;
use indaba_model::catalogue::ids;
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

use super::testkit::{Ca, NOW, OsslKey, cn_only, openssl_chain, self_signed};
use super::*;

const HOST: &str = "www.example.nl";

fn valid_from() -> OffsetDateTime {
    datetime!(2025-01-01 00:00 UTC)
}

fn valid_until() -> OffsetDateTime {
    datetime!(2026-01-01 00:00 UTC)
}

struct Pki {
    root: Ca,
    inter: Ca,
    store: TrustStore,
}

fn pki() -> Pki {
    let root = Ca::root("Test Root");
    let inter = root.intermediate("Test Intermediate");
    let store = TrustStore::from_der(std::slice::from_ref(&root.der), "test roots")
        .unwrap_or_else(|e| panic!("store: {e}"));
    Pki { root, inter, store }
}

fn endpoint(chain: Vec<Vec<u8>>) -> Endpoint {
    Endpoint {
        address: "192.0.2.1:443".to_string(),
        host: HOST.to_string(),
        chain: Ok(chain),
    }
}

fn judge(
    chain: Vec<Vec<u8>>,
    store: &TrustStore,
    now: OffsetDateTime,
) -> Vec<indaba_model::Finding> {
    let assessed = assess(&[endpoint(chain)], store, now);
    findings(&CertChecks::WEB, &assessed, &[], now)
        .iter()
        .map(crate::rendered)
        .collect()
}

fn status_of(findings: &[indaba_model::Finding], id: &str) -> Status {
    findings
        .iter()
        .find(|f| f.check == id)
        .map(|f| f.status)
        .unwrap_or_else(|| panic!("no finding {id}"))
}

fn evidence_of(findings: &[indaba_model::Finding], id: &str) -> String {
    findings
        .iter()
        .find(|f| f.check == id)
        .map(|f| {
            crate::rendered(f)
                .evidence
                .iter()
                .map(|e| format!("{}: {}", e.subject, e.detail))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[test]
fn a_good_chain_passes_everything() {
    let p = pki();
    let leaf = p.inter.leaf(&[HOST], valid_from(), valid_until());
    let f = judge(vec![leaf, p.inter.der.clone()], &p.store, NOW);
    for id in [
        ids::WEB_CERT_TRUST,
        ids::WEB_CERT_PUBLIC_KEY,
        ids::WEB_CERT_SIGNATURE,
        ids::WEB_CERT_NAME,
        ids::WEB_CERT_EXPIRY,
    ] {
        assert_eq!(
            status_of(&f, id),
            Status::Pass,
            "{id}: {}",
            evidence_of(&f, id)
        );
    }
    let trust = evidence_of(&f, ids::WEB_CERT_TRUST);
    assert!(trust.contains("192.0.2.1:443 (www.example.nl)"), "{trust}");
    assert!(
        trust.contains("CN=www.example.nl → CN=Test Intermediate → CN=Test Root"),
        "{trust}"
    );
    assert!(trust.contains("key EC P-256 (good)"), "{trust}");
    assert!(trust.contains("ecdsa-with-SHA256"), "{trust}");
    assert!(trust.contains("2026-01-01 00:00:00 UTC"), "{trust}");
}

#[test]
fn a_root_in_the_chain_is_not_judged() {
    let p = pki();
    let leaf = p.inter.leaf(&[HOST], valid_from(), valid_until());
    let assessed = assess(
        &[endpoint(vec![
            leaf,
            p.inter.der.clone(),
            p.root.der.clone(),
        ])],
        &p.store,
        NOW,
    );
    let Ok(report) = &assessed[0].report else {
        panic!("no report")
    };
    let roots: Vec<bool> = report
        .certificates
        .iter()
        .map(|c| c.is_store_root)
        .collect();
    assert_eq!(roots, [false, false, true]);
    let f = findings(&CertChecks::WEB, &assessed, &[], NOW);
    assert!(
        evidence_of(&f, ids::WEB_CERT_PUBLIC_KEY).contains("a root of the trust store, not judged")
    );
    assert_eq!(status_of(&f, ids::WEB_CERT_TRUST), Status::Pass);
}

#[test]
fn a_missing_intermediate_is_an_unknown_issuer() {
    let p = pki();
    let leaf = p.inter.leaf(&[HOST], valid_from(), valid_until());
    let assessed = assess(&[endpoint(vec![leaf])], &p.store, NOW);
    let Ok(report) = &assessed[0].report else {
        panic!("no report")
    };
    match &report.trust {
        Trust::Untrusted { error, reasons } => {
            assert_eq!(*error, PathError::UnknownIssuer);
            assert_eq!(
                reasons.first(),
                Some(&Distrust::UnknownIssuer {
                    issuer: "CN=Test Intermediate".to_string()
                })
            );
        }
        other => panic!("trusted? {other:?}"),
    }
    let f = findings(&CertChecks::WEB, &assessed, &[], NOW);
    assert_eq!(status_of(&f, ids::WEB_CERT_TRUST), Status::Fail);
    assert!(evidence_of(&f, ids::WEB_CERT_TRUST).contains("missing intermediate"));
}

#[test]
fn a_self_signed_certificate_is_untrusted_and_says_so() {
    let p = pki();
    let leaf = self_signed(&[HOST], valid_from(), valid_until());
    let f = judge(vec![leaf], &p.store, NOW);
    assert_eq!(status_of(&f, ids::WEB_CERT_TRUST), Status::Fail);
    assert!(evidence_of(&f, ids::WEB_CERT_TRUST).contains("self-signed"));
    // Its own signature is not relied on, so it is not judged.
    assert_eq!(status_of(&f, ids::WEB_CERT_SIGNATURE), Status::Pass);
    assert!(evidence_of(&f, ids::WEB_CERT_SIGNATURE).contains("not judged"));
    assert_eq!(status_of(&f, ids::WEB_CERT_NAME), Status::Pass);
}

#[test]
fn an_untrusted_private_root_is_named() {
    let p = pki();
    let other = Ca::root("Private Root");
    let leaf = other.leaf(&[HOST], valid_from(), valid_until());
    let assessed = assess(&[endpoint(vec![leaf, other.der.clone()])], &p.store, NOW);
    let Ok(report) = &assessed[0].report else {
        panic!("no report")
    };
    let Trust::Untrusted { reasons, .. } = &report.trust else {
        panic!("trusted")
    };
    assert_eq!(
        reasons.first(),
        Some(&Distrust::UntrustedRoot {
            subject: "CN=Private Root".to_string()
        })
    );
}

#[test]
fn expiry_fails_warns_and_passes() {
    let p = pki();
    let chain = |from, until| vec![p.inter.leaf(&[HOST], from, until), p.inter.der.clone()];

    let expired = judge(
        chain(
            datetime!(2024-01-01 00:00 UTC),
            datetime!(2025-01-01 00:00 UTC),
        ),
        &p.store,
        NOW,
    );
    assert_eq!(status_of(&expired, ids::WEB_CERT_EXPIRY), Status::Fail);
    assert!(evidence_of(&expired, ids::WEB_CERT_EXPIRY).contains("expired on 2025-01-01"));
    assert_eq!(status_of(&expired, ids::WEB_CERT_TRUST), Status::Fail);
    assert!(evidence_of(&expired, ids::WEB_CERT_TRUST).contains("expired on"));

    let future = judge(
        chain(
            datetime!(2025-07-01 00:00 UTC),
            datetime!(2026-07-01 00:00 UTC),
        ),
        &p.store,
        NOW,
    );
    assert_eq!(status_of(&future, ids::WEB_CERT_EXPIRY), Status::Fail);
    assert!(evidence_of(&future, ids::WEB_CERT_EXPIRY).contains("not valid before"));

    let soon = judge(
        chain(
            datetime!(2025-03-01 00:00 UTC),
            datetime!(2025-06-06 12:00 UTC),
        ),
        &p.store,
        NOW,
    );
    assert_eq!(status_of(&soon, ids::WEB_CERT_EXPIRY), Status::Warning);
    assert!(evidence_of(&soon, ids::WEB_CERT_EXPIRY).contains("in 5 days"));
    assert_eq!(status_of(&soon, ids::WEB_CERT_TRUST), Status::Pass);

    let later = judge(
        chain(
            datetime!(2025-03-01 00:00 UTC),
            datetime!(2025-06-16 12:00 UTC),
        ),
        &p.store,
        NOW,
    );
    assert_eq!(status_of(&later, ids::WEB_CERT_EXPIRY), Status::Pass);
}

#[test]
fn names_are_matched_by_rfc_9525() {
    let p = pki();
    let with = |names: &[&str]| {
        judge(
            vec![
                p.inter.leaf(names, valid_from(), valid_until()),
                p.inter.der.clone(),
            ],
            &p.store,
            NOW,
        )
    };

    let wrong = with(&["mail.example.nl", "example.nl"]);
    assert_eq!(status_of(&wrong, ids::WEB_CERT_NAME), Status::Fail);
    assert!(evidence_of(&wrong, ids::WEB_CERT_NAME).contains("mail.example.nl, example.nl"));
    assert_eq!(
        status_of(&wrong, ids::WEB_CERT_TRUST),
        Status::Pass,
        "the name is its own check"
    );

    assert_eq!(
        status_of(&with(&["*.example.nl"]), ids::WEB_CERT_NAME),
        Status::Pass
    );
    assert_eq!(
        status_of(&with(&["*.nl"]), ids::WEB_CERT_NAME),
        Status::Fail
    );
    assert_eq!(
        status_of(&with(&["w*.example.nl"]), ids::WEB_CERT_NAME),
        Status::Fail
    );
    assert_eq!(
        status_of(&with(&["WWW.EXAMPLE.NL"]), ids::WEB_CERT_NAME),
        Status::Pass
    );

    let cn = judge(
        vec![cn_only(&p.inter, HOST), p.inter.der.clone()],
        &p.store,
        NOW,
    );
    assert_eq!(status_of(&cn, ids::WEB_CERT_NAME), Status::Fail);
    assert!(
        evidence_of(&cn, ids::WEB_CERT_NAME).contains("common name www.example.nl does not count")
    );
}

#[test]
fn an_idn_host_matches_its_a_label() {
    let p = pki();
    let leaf = p
        .inter
        .leaf(&["xn--bcher-kva.example"], valid_from(), valid_until());
    let assessed = assess(
        &[Endpoint {
            address: "192.0.2.1:443".into(),
            host: "Bücher.example".into(),
            chain: Ok(vec![leaf, p.inter.der.clone()]),
        }],
        &p.store,
        NOW,
    );
    let f = findings(&CertChecks::WEB, &assessed, &[], NOW);
    assert_eq!(status_of(&f, ids::WEB_CERT_NAME), Status::Pass);
}

#[test]
fn an_address_that_could_not_be_tested_is_an_error_never_a_fail() {
    let p = pki();
    let leaf = p.inter.leaf(&[HOST], valid_from(), valid_until());
    let endpoints = [
        endpoint(vec![leaf, p.inter.der.clone()]),
        Endpoint {
            address: "[2001:db8::1]:443".into(),
            host: HOST.into(),
            chain: Err(NoChain::Failed(indaba_model::msg!(
                "tls-reach-timeout",
                reason = "no connection within 4000 ms"
            ))),
        },
    ];
    let assessed = assess(&endpoints, &p.store, NOW);
    let f = findings(&CertChecks::WEB, &assessed, &[], NOW);
    for finding in &f {
        assert_eq!(finding.status, Status::Error, "{}", finding.check);
        assert!(
            crate::rendered(finding)
                .evidence
                .iter()
                .any(|e| e.subject.starts_with("[2001:db8::1]:443")
                    && e.detail
                        == "Could not test: no answer in time: no connection within 4000 ms"),
            "{finding:?}"
        );
    }
    // A real failure elsewhere still shows.
    let expired = p.inter.leaf(
        &[HOST],
        datetime!(2024-01-01 00:00 UTC),
        datetime!(2025-01-01 00:00 UTC),
    );
    let endpoints = [
        endpoints[1].clone(),
        endpoint(vec![expired, p.inter.der.clone()]),
    ];
    let f = findings(
        &CertChecks::WEB,
        &assess(&endpoints, &p.store, NOW),
        &[],
        NOW,
    );
    assert_eq!(status_of(&f, ids::WEB_CERT_EXPIRY), Status::Fail);
    // No certificate at all: what the checks judge is missing.
    let empty = findings(
        &CertChecks::WEB,
        &assess(&[endpoint(vec![])], &p.store, NOW),
        &[],
        NOW,
    );
    let trust = empty
        .iter()
        .find(|f| f.check == ids::WEB_CERT_TRUST)
        .expect("trust");
    assert_eq!(trust.status, Status::NotTested);
    assert_eq!(trust.message.id, "cert-not-tested-no-certificate");
}

#[test]
fn no_https_leaves_every_certificate_check_not_tested() {
    use indaba_model::tls::TlsTransport;
    let p = pki();
    let none = Endpoint {
        address: "192.0.2.1:443".into(),
        host: HOST.into(),
        chain: Err(NoChain::NoTls {
            transport: TlsTransport::Direct,
            reason: indaba_model::msg!("tls-reach-no-listener", reason = "connection refused"),
        }),
    };
    let f = findings(
        &CertChecks::WEB,
        &assess(std::slice::from_ref(&none), &p.store, NOW),
        &[],
        NOW,
    );
    assert_eq!(f.len(), 5);
    for finding in &f {
        let finding = crate::rendered(finding);
        assert_eq!(finding.status, Status::NotTested, "{}", finding.check);
        assert_eq!(
            finding.summary,
            "Not tested: no web server answers over HTTPS."
        );
        assert_eq!(
            finding.evidence[0].detail,
            "Not tested: nothing accepts connections on this port (connection refused)"
        );
    }
    // Beside an address with a good certificate: still not tested, and the
    // summary counts the addresses without HTTPS.
    let leaf = p.inter.leaf(&[HOST], valid_from(), valid_until());
    let f = findings(
        &CertChecks::WEB,
        &assess(
            &[endpoint(vec![leaf, p.inter.der.clone()]), none],
            &p.store,
            NOW,
        ),
        &[],
        NOW,
    );
    for finding in &f {
        assert_eq!(finding.status, Status::NotTested, "{}", finding.check);
        assert_eq!(finding.message.id, "web-not-tested-some-https");
    }
}

#[test]
fn mail_trust_and_name_are_information_where_dane_authenticates() {
    let p = pki();
    let leaf = self_signed(&["other.example"], valid_from(), valid_until());
    let assessed = assess(&[endpoint(vec![leaf])], &p.store, NOW);
    let plain = findings(&CertChecks::MAIL, &assessed, &[], NOW);
    assert_eq!(plain.len(), 4, "mail has no expiry check");
    assert_eq!(status_of(&plain, ids::MAIL_CERT_TRUST), Status::Fail);
    assert_eq!(status_of(&plain, ids::MAIL_CERT_NAME), Status::Fail);
    let dane = findings(
        &CertChecks::MAIL,
        &assessed,
        &["192.0.2.1:443".to_string()],
        NOW,
    );
    assert_eq!(status_of(&dane, ids::MAIL_CERT_TRUST), Status::Info);
    assert_eq!(status_of(&dane, ids::MAIL_CERT_NAME), Status::Info);
    assert!(evidence_of(&dane, ids::MAIL_CERT_TRUST).contains("DANE authenticates"));
}

#[test]
fn ed25519_keys_are_good() {
    let p = pki();
    let leaf = p
        .inter
        .leaf_with(&[HOST], valid_from(), valid_until(), &rcgen::PKCS_ED25519);
    let assessed = assess(&[endpoint(vec![leaf, p.inter.der.clone()])], &p.store, NOW);
    let Ok(report) = &assessed[0].report else {
        panic!("no report")
    };
    assert_eq!(
        report.leaf().map(|l| l.key.clone()),
        Some(PublicKeyKind::Ed25519)
    );
    let f = findings(&CertChecks::WEB, &assessed, &[], NOW);
    assert_eq!(status_of(&f, ids::WEB_CERT_PUBLIC_KEY), Status::Pass);
    assert_eq!(status_of(&f, ids::WEB_CERT_TRUST), Status::Pass);
}

/// Judges an openssl-made leaf and CA (the CA as trust store) now.
fn openssl_case(
    label: &str,
    key: OsslKey,
    digest: &str,
) -> (Vec<indaba_model::Finding>, ChainReport) {
    let (leaf, ca) = openssl_chain(label, key, digest);
    let store = TrustStore::from_der(&[ca], "openssl CA").unwrap_or_else(|e| panic!("{e}"));
    let now = OffsetDateTime::now_utc();
    let assessed = assess(&[endpoint(vec![leaf])], &store, now);
    let report = assessed[0]
        .report
        .clone()
        .unwrap_or_else(|e| panic!("{e:?}"));
    (findings(&CertChecks::WEB, &assessed, &[], now), report)
}

#[test]
fn rsa_key_sizes_follow_the_guidelines() {
    let (f, r) = openssl_case("rsa2048", OsslKey::Rsa(2048), "sha256");
    assert_eq!(
        r.leaf().map(|l| l.key.clone()),
        Some(PublicKeyKind::Rsa { bits: 2048 })
    );
    assert_eq!(status_of(&f, ids::WEB_CERT_PUBLIC_KEY), Status::Pass);
    assert!(evidence_of(&f, ids::WEB_CERT_PUBLIC_KEY).contains("RSA 2048 bits (sufficient)"));
    assert_eq!(status_of(&f, ids::WEB_CERT_TRUST), Status::Pass);

    let (f, _) = openssl_case("rsa3072", OsslKey::Rsa(3072), "sha256");
    assert!(evidence_of(&f, ids::WEB_CERT_PUBLIC_KEY).contains("RSA 3072 bits (good)"));

    let (f, _) = openssl_case("rsa1024", OsslKey::Rsa(1024), "sha256");
    assert_eq!(status_of(&f, ids::WEB_CERT_PUBLIC_KEY), Status::Fail);
    assert!(evidence_of(&f, ids::WEB_CERT_PUBLIC_KEY).contains("RSA 1024 bits (insufficient)"));
    // The validator refuses small keys only where they sign (issuers); a
    // small server key is the key check's finding, not a broken chain.
    assert_eq!(status_of(&f, ids::WEB_CERT_TRUST), Status::Pass);
}

#[test]
fn curves_follow_the_guidelines() {
    let (f, r) = openssl_case("p224", OsslKey::Ec("secp224r1"), "sha256");
    assert_eq!(
        r.leaf().map(|l| l.key.clone()),
        Some(PublicKeyKind::Ec { curve: Curve::P224 })
    );
    assert_eq!(status_of(&f, ids::WEB_CERT_PUBLIC_KEY), Status::Warning);
    assert!(evidence_of(&f, ids::WEB_CERT_PUBLIC_KEY).contains("EC P-224 (phase out)"));

    let (f, _) = openssl_case("brainpool", OsslKey::Ec("brainpoolP256r1"), "sha256");
    assert_eq!(status_of(&f, ids::WEB_CERT_PUBLIC_KEY), Status::Pass);

    let (f, _) = openssl_case("k1", OsslKey::Ec("secp256k1"), "sha256");
    assert_eq!(status_of(&f, ids::WEB_CERT_PUBLIC_KEY), Status::Fail);
}

#[test]
fn signature_hashes_follow_the_guidelines() {
    let (f, r) = openssl_case("sha1", OsslKey::Rsa(2048), "sha1");
    assert_eq!(
        r.leaf().map(|l| l.signature.hash),
        Some(SignatureHash::Sha1)
    );
    assert_eq!(status_of(&f, ids::WEB_CERT_SIGNATURE), Status::Fail);
    assert!(
        evidence_of(&f, ids::WEB_CERT_SIGNATURE).contains("sha1WithRSAEncryption (insufficient)")
    );
    assert_eq!(status_of(&f, ids::WEB_CERT_TRUST), Status::Fail);
    assert!(
        evidence_of(&f, ids::WEB_CERT_TRUST)
            .contains("sha1WithRSAEncryption, which is no longer accepted")
    );

    let (f, _) = openssl_case("sha224", OsslKey::Rsa(2048), "sha224");
    assert_eq!(status_of(&f, ids::WEB_CERT_SIGNATURE), Status::Warning);

    let (f, _) = openssl_case("sha512", OsslKey::Rsa(2048), "sha512");
    assert_eq!(status_of(&f, ids::WEB_CERT_SIGNATURE), Status::Pass);
}

#[test]
fn pem_trust_stores() {
    let root = Ca::root("PEM Root");
    let pem = format!(
        "junk before\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        data_encoding::BASE64.encode(&root.der)
    );
    let store = TrustStore::from_pem(pem.as_bytes(), "ca.pem").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.len(), 1);
    assert_eq!(
        TrustStore::from_pem(b"nothing", "x").err(),
        Some(TrustStoreError::Empty)
    );
    assert!(TrustStore::mozilla().len() > 100);
}

proptest! {
    #[test]
    fn inspecting_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = inspect(&bytes);
    }

    #[test]
    fn judging_damaged_chains_never_panics(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8), cut in any::<usize>()) {
        let root = Ca::root("Fuzz Root");
        let inter = root.intermediate("Fuzz Inter");
        let mut leaf = inter.leaf(&[HOST], valid_from(), valid_until());
        for (at, byte) in flips {
            let i = at % leaf.len();
            if let Some(b) = leaf.get_mut(i) { *b ^= byte; }
        }
        leaf.truncate(cut % (leaf.len() + 1));
        let store = TrustStore::from_der(std::slice::from_ref(&root.der), "fuzz").unwrap_or_else(|e| panic!("{e}"));
        let assessed = assess(&[endpoint(vec![leaf, inter.der.clone()])], &store, NOW);
        let f = findings(&CertChecks::WEB, &assessed, &[], NOW);
        prop_assert_eq!(f.len(), 5);
    }
}
