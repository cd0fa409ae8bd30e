//! DANE matching and findings on chains made in the test.

use indaba_model::Status;
use indaba_model::catalogue::ids;
use proptest::prelude::*;
use time::macros::datetime;

use super::*;
use crate::certificate::testkit::{Ca, NOW, self_signed};
use crate::certificate::{CertChecks, Endpoint, NoChain, PathError, inspect};

const HOST: &str = "mx.example.nl";

fn digest(alg: &'static ring::digest::Algorithm, bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(ring::digest::digest(alg, bytes).as_ref())
}

/// A record `usage selector matching` for `cert`.
fn record(usage: u8, selector: u8, matching: u8, cert: &[u8]) -> Tlsa {
    let object = match selector {
        0 => cert.to_vec(),
        _ => inspect(cert).map(|d| d.spki).unwrap_or_default(),
    };
    let data = match matching {
        0 => data_encoding::HEXLOWER.encode(&object),
        1 => digest(&ring::digest::SHA256, &object),
        _ => digest(&ring::digest::SHA512, &object),
    };
    format!("{usage} {selector} {matching} {data}")
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

struct Pki {
    root: Ca,
    inter: Ca,
    leaf: Vec<u8>,
    store: TrustStore,
}

fn pki() -> Pki {
    let root = Ca::root("Dane Root");
    let inter = root.intermediate("Dane Issuer");
    let leaf = inter.leaf(
        &[HOST],
        datetime!(2025-01-01 00:00 UTC),
        datetime!(2026-01-01 00:00 UTC),
    );
    let store = TrustStore::from_der(std::slice::from_ref(&root.der), "test roots")
        .unwrap_or_else(|e| panic!("{e}"));
    Pki {
        root,
        inter,
        leaf,
        store,
    }
}

fn run(records: &[Tlsa], chain: &[Vec<u8>], store: &TrustStore, protocol: Protocol) -> DaneOutcome {
    verify(records, chain, &[HOST.to_string()], store, NOW, protocol).outcome
}

fn authenticated_at(outcome: &DaneOutcome) -> Option<MatchedAt> {
    match outcome {
        DaneOutcome::Authenticated(a) => Some(a.at),
        _ => None,
    }
}

#[test]
fn dane_ee_ignores_name_dates_and_issuer() {
    let leaf = self_signed(
        &["wrong.example"],
        datetime!(2020-01-01 00:00 UTC),
        datetime!(2021-01-01 00:00 UTC),
    );
    let empty = TrustStore::empty("none");
    for (s, m) in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)] {
        let outcome = run(
            &[record(3, s, m, &leaf)],
            std::slice::from_ref(&leaf),
            &empty,
            Protocol::Smtp,
        );
        assert_eq!(
            authenticated_at(&outcome),
            Some(MatchedAt::Depth(0)),
            "3 {s} {m}"
        );
    }
    let other = self_signed(&[HOST], NOW, NOW);
    let outcome = run(&[record(3, 1, 1, &other)], &[leaf], &empty, Protocol::Smtp);
    assert_eq!(outcome, DaneOutcome::Failed(DaneFailure::NoMatch));
}

#[test]
fn dane_ta_validates_the_chain_and_the_name() {
    let p = pki();
    let empty = TrustStore::empty("none");
    let chain = [p.leaf.clone(), p.inter.der.clone()];
    let ok = run(
        &[record(2, 1, 1, &p.inter.der)],
        &chain,
        &empty,
        Protocol::Smtp,
    );
    assert_eq!(authenticated_at(&ok), Some(MatchedAt::Depth(1)));

    let with_root = [p.leaf.clone(), p.inter.der.clone(), p.root.der.clone()];
    let at_root = run(
        &[record(2, 0, 1, &p.root.der)],
        &with_root,
        &empty,
        Protocol::Smtp,
    );
    assert_eq!(authenticated_at(&at_root), Some(MatchedAt::Depth(2)));

    // The closest trust anchor wins.
    let both = run(
        &[record(2, 0, 1, &p.root.der), record(2, 1, 2, &p.inter.der)],
        &with_root,
        &empty,
        Protocol::Smtp,
    );
    assert_eq!(authenticated_at(&both), Some(MatchedAt::Depth(1)));

    let wrong_name = p.inter.leaf(
        &["other.example.nl"],
        datetime!(2025-01-01 00:00 UTC),
        datetime!(2026-01-01 00:00 UTC),
    );
    let outcome = run(
        &[record(2, 1, 1, &p.inter.der)],
        &[wrong_name, p.inter.der.clone()],
        &empty,
        Protocol::Smtp,
    );
    assert!(
        matches!(
            outcome,
            DaneOutcome::Failed(DaneFailure::NameMismatch {
                at: MatchedAt::Depth(1),
                ..
            })
        ),
        "{outcome:?}"
    );

    let expired = p.inter.leaf(
        &[HOST],
        datetime!(2024-01-01 00:00 UTC),
        datetime!(2025-01-01 00:00 UTC),
    );
    let outcome = run(
        &[record(2, 1, 1, &p.inter.der)],
        &[expired, p.inter.der.clone()],
        &empty,
        Protocol::Smtp,
    );
    assert!(
        matches!(
            outcome,
            DaneOutcome::Failed(DaneFailure::ChainInvalid {
                error: PathError::Expired,
                ..
            })
        ),
        "{outcome:?}"
    );

    // A DANE-TA record for the server certificate itself is no trust anchor.
    let outcome = run(&[record(2, 0, 1, &p.leaf)], &chain, &empty, Protocol::Smtp);
    assert_eq!(outcome, DaneOutcome::Failed(DaneFailure::NoMatch));
}

#[test]
fn dane_ta_anchors_published_in_the_record() {
    let p = pki();
    let empty = TrustStore::empty("none");
    // The issuer's certificate in a 2 0 0 record, the server sending only its own.
    let outcome = run(
        &[record(2, 0, 0, &p.inter.der)],
        std::slice::from_ref(&p.leaf),
        &empty,
        Protocol::Tls,
    );
    assert_eq!(authenticated_at(&outcome), Some(MatchedAt::Depth(1)));
    // The root's key in a 2 1 0 record.
    let outcome = run(
        &[record(2, 1, 0, &p.root.der)],
        &[p.leaf.clone(), p.inter.der.clone()],
        &empty,
        Protocol::Tls,
    );
    assert_eq!(
        authenticated_at(&outcome),
        Some(MatchedAt::KeyInRecord { signed: 1 })
    );
    // A digest of an anchor the server does not send cannot be used.
    let outcome = run(
        &[record(2, 0, 1, &p.root.der)],
        &[p.leaf.clone(), p.inter.der.clone()],
        &empty,
        Protocol::Tls,
    );
    assert_eq!(outcome, DaneOutcome::Failed(DaneFailure::NoMatch));
}

#[test]
fn pkix_usages_need_the_trust_store_and_are_ignored_for_smtp() {
    let p = pki();
    let chain = [p.leaf.clone(), p.inter.der.clone()];
    let ee = record(1, 1, 1, &p.leaf);
    assert_eq!(
        authenticated_at(&run(
            std::slice::from_ref(&ee),
            &chain,
            &p.store,
            Protocol::Tls
        )),
        Some(MatchedAt::Depth(0))
    );
    let smtp = verify(
        std::slice::from_ref(&ee),
        &chain,
        &[HOST.to_string()],
        &p.store,
        NOW,
        Protocol::Smtp,
    );
    assert_eq!(smtp.outcome, DaneOutcome::NoUsableRecords);
    assert!(matches!(
        smtp.ignored.first(),
        Some((_, Unusable::PkixForSmtp(Usage::PkixEe)))
    ));

    let untrusted = run(
        std::slice::from_ref(&ee),
        &chain,
        &TrustStore::empty("none"),
        Protocol::Tls,
    );
    assert!(
        matches!(
            untrusted,
            DaneOutcome::Failed(DaneFailure::PkixInvalid {
                error: PathError::UnknownIssuer,
                ..
            })
        ),
        "{untrusted:?}"
    );

    // PKIX-TA naming the store root the server does not send.
    let ta = run(
        &[record(0, 1, 1, &p.root.der)],
        &chain,
        &p.store,
        Protocol::Tls,
    );
    assert_eq!(authenticated_at(&ta), Some(MatchedAt::Depth(2)));
    let ta_full = run(
        &[record(0, 0, 2, &p.root.der)],
        &chain,
        &p.store,
        Protocol::Tls,
    );
    assert_eq!(authenticated_at(&ta_full), Some(MatchedAt::Depth(2)));
    // PKIX-TA naming a CA that is not on any valid path.
    let stranger = Ca::root("Stranger");
    let outcome = run(
        &[record(0, 1, 1, &stranger.der)],
        &chain,
        &p.store,
        Protocol::Tls,
    );
    assert_eq!(outcome, DaneOutcome::Failed(DaneFailure::NoMatch));
}

#[test]
fn digest_agility_prefers_sha512() {
    let p = pki();
    let chain = [p.leaf.clone(), p.inter.der.clone()];
    let good256 = record(3, 1, 1, &p.leaf);
    let bad512: Tlsa = format!("3 1 2 {}", "ab".repeat(64))
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let v = verify(
        &[good256, bad512],
        &chain,
        &[HOST.to_string()],
        &p.store,
        NOW,
        Protocol::Smtp,
    );
    assert_eq!(v.outcome, DaneOutcome::Failed(DaneFailure::NoMatch));
    assert!(
        v.ignored
            .iter()
            .any(|(_, why)| *why == Unusable::WeakerDigest)
    );
    // Full(0) survives agility.
    let full = record(3, 1, 0, &p.leaf);
    let bad512: Tlsa = format!("3 1 2 {}", "ab".repeat(64))
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let outcome = run(&[full, bad512], &chain, &p.store, Protocol::Smtp);
    assert_eq!(authenticated_at(&outcome), Some(MatchedAt::Depth(0)));
}

fn endpoint(tlsa: TlsaLookup, chain: Result<Vec<Vec<u8>>, NoChain>) -> DaneEndpoint {
    DaneEndpoint {
        address: "192.0.2.25:25".to_string(),
        host: HOST.to_string(),
        extra_names: Vec::new(),
        tlsa_name: format!("_25._tcp.{HOST}"),
        tlsa,
        chain,
    }
}

fn status(findings: &[indaba_model::Finding], id: &str) -> Status {
    findings
        .iter()
        .find(|f| f.check == id)
        .map(|f| f.status)
        .unwrap_or_else(|| panic!("no {id}"))
}

/// The mail DANE findings, rendered in English (every message must render).
fn mail(endpoints: &[DaneEndpoint], store: &TrustStore) -> Vec<indaba_model::Finding> {
    findings(
        &DaneChecks::MAIL,
        &assess(endpoints, store, NOW, Protocol::Smtp),
    )
    .iter()
    .map(crate::rendered)
    .collect()
}

#[test]
fn findings_follow_the_dnssec_status() {
    let p = pki();
    let chain = Ok(vec![p.leaf.clone(), p.inter.der.clone()]);
    let ee = record(3, 1, 1, &p.leaf);
    let ta = record(2, 1, 1, &p.inter.der);

    let f = mail(
        &[endpoint(
            TlsaLookup::Secure(vec![ee.clone(), ta.clone()]),
            chain.clone(),
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_EXISTS), Status::Pass);
    assert_eq!(status(&f, ids::MAIL_DANE_VALID), Status::Pass);
    assert_eq!(status(&f, ids::MAIL_DANE_ROLLOVER), Status::Pass);

    let f = mail(
        &[endpoint(
            TlsaLookup::Secure(vec![ee.clone()]),
            chain.clone(),
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_ROLLOVER), Status::Info);

    let f = mail(
        &[endpoint(
            TlsaLookup::Insecure(vec![ee.clone()]),
            chain.clone(),
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_EXISTS), Status::Fail);
    // Nothing usable to validate: not tested (earns nothing), never "does
    // not apply".
    assert_eq!(status(&f, ids::MAIL_DANE_VALID), Status::NotTested);
    let exists = crate::rendered(&f[0]);
    assert!(
        exists
            .evidence
            .iter()
            .any(|e| e.detail.contains("not signed with DNSSEC"))
    );

    let f = mail(
        &[endpoint(
            TlsaLookup::Bogus(indaba_model::msg!(
                "lookup-failed",
                name = "x.",
                rtype = "TLSA",
                detail = "RRSIG expired"
            )),
            chain.clone(),
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_EXISTS), Status::Fail);

    let f = mail(&[endpoint(TlsaLookup::NoRecords, chain.clone())], &p.store);
    assert_eq!(status(&f, ids::MAIL_DANE_EXISTS), Status::Fail);
    let web = findings(
        &DaneChecks::WEB,
        &assess(
            &[endpoint(TlsaLookup::NoRecords, chain.clone())],
            &p.store,
            NOW,
            Protocol::Tls,
        ),
    );
    assert_eq!(web.len(), 2);
    assert_eq!(status(&web, ids::WEB_DANE_EXISTS), Status::Info);
    // For the web, DANE is optional: no records is information.
    assert_eq!(status(&web, ids::WEB_DANE_VALID), Status::Info);
    assert_eq!(
        crate::rendered(&web[1]).summary,
        "There are no DNSSEC-signed TLSA records to validate."
    );
    // For mail, the check is required: without records it is not tested and
    // earns nothing (internet.nl), never "does not apply" with full credit.
    let f = mail(&[endpoint(TlsaLookup::NoRecords, chain.clone())], &p.store);
    assert_eq!(status(&f, ids::MAIL_DANE_VALID), Status::NotTested);
    assert_eq!(
        f[1].summary,
        "Not tested: there are no DNSSEC-signed TLSA records to validate."
    );

    let f = mail(
        &[endpoint(
            TlsaLookup::Failed(indaba_model::msg!(
                "lookup-failed",
                name = "x.",
                rtype = "TLSA",
                detail = "timeout"
            )),
            chain.clone(),
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_EXISTS), Status::Error);

    let f = mail(
        &[endpoint(
            TlsaLookup::Secure(vec![ee.clone()]),
            Err(NoChain::Failed(indaba_model::msg!(
                "tls-reach-timeout",
                reason = "no answer"
            ))),
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_VALID), Status::Error);
    assert_eq!(status(&f, ids::MAIL_DANE_EXISTS), Status::Pass);

    // A mail server without STARTTLS: its DANE is not tested at all.
    let plain = Err(NoChain::NoTls {
        transport: indaba_model::tls::TlsTransport::SmtpStarttls,
        reason: indaba_model::msg!("tls-reach-no-starttls", reason = "no STARTTLS in EHLO"),
    });
    for lookup in [
        TlsaLookup::NoRecords,
        TlsaLookup::Secure(vec![ee.clone(), ta.clone()]),
    ] {
        for f in mail(&[endpoint(lookup.clone(), plain.clone())], &p.store) {
            let f = crate::rendered(&f);
            assert_eq!(f.status, Status::NotTested, "{lookup:?} {f:?}");
            assert_eq!(
                f.summary,
                "Not tested: no mail server offers working STARTTLS."
            );
        }
    }

    let other = self_signed(&[HOST], NOW, NOW);
    let f = mail(
        &[endpoint(
            TlsaLookup::Secure(vec![record(3, 1, 1, &other)]),
            chain.clone(),
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_VALID), Status::Fail);

    let f = mail(
        &[endpoint(
            TlsaLookup::Secure(vec![record(1, 1, 1, &p.leaf)]),
            chain,
        )],
        &p.store,
    );
    assert_eq!(status(&f, ids::MAIL_DANE_VALID), Status::Fail);
    let valid = f
        .iter()
        .find(|x| x.check == ids::MAIL_DANE_VALID)
        .map(|x| x.evidence.clone())
        .unwrap_or_default();
    let valid: Vec<String> = valid
        .iter()
        .map(|e| indaba_i18n::english().render("en", e.detail_message.as_ref().expect("words")))
        .collect();
    assert!(valid.iter().any(|e| e.contains("RFC 7672")), "{valid:?}");
}

#[test]
fn dane_authentication_makes_mail_trust_informational() {
    let leaf = self_signed(&["not-the-mx.example"], NOW, NOW);
    let store = TrustStore::empty("none");
    let dane = assess(
        &[endpoint(
            TlsaLookup::Secure(vec![record(3, 1, 1, &leaf)]),
            Ok(vec![leaf.clone()]),
        )],
        &store,
        NOW,
        Protocol::Smtp,
    );
    let addresses = authenticated(&dane);
    assert_eq!(addresses, ["192.0.2.25:25"]);
    let cert = crate::certificate::assess(
        &[Endpoint {
            address: "192.0.2.25:25".into(),
            host: HOST.into(),
            chain: Ok(vec![leaf]),
        }],
        &store,
        NOW,
    );
    let f = crate::certificate::findings(&CertChecks::MAIL, &cert, &addresses, NOW);
    assert_eq!(status(&f, ids::MAIL_CERT_TRUST), Status::Info);
    assert_eq!(status(&f, ids::MAIL_CERT_NAME), Status::Info);
}

proptest! {
    #[test]
    fn rdata_never_panics_and_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        match Tlsa::from_rdata(&bytes) {
            Ok(t) => {
                prop_assert_eq!(t.to_rdata(), bytes);
                prop_assert_eq!(t.to_string().parse::<Tlsa>(), Ok(t.clone()));
            }
            Err(_) => prop_assert!(bytes.len() < 3),
        }
    }

    #[test]
    fn text_never_panics(text in "\\PC{0,200}") {
        if let Ok(t) = text.parse::<Tlsa>() {
            prop_assert_eq!(t.to_string().parse::<Tlsa>(), Ok(t));
        }
        let _ = Tlsa::from_record_line(&text);
    }

    #[test]
    fn presentation_like_text_never_panics(
        usage in "[0-9]{1,4}|DANE-EE|PKIX-TA|x",
        sel in "[0-9]{1,3}|SPKI",
        mt in "[0-9]{1,3}|SHA2-512",
        hex in "[0-9a-fA-F ]{0,80}",
    ) {
        let _ = format!("{usage} {sel} {mt} {hex}").parse::<Tlsa>();
        let _ = format!("\\# {} {hex}", hex.len() / 2).parse::<Tlsa>();
    }

    #[test]
    fn verifying_arbitrary_records_and_chains_never_panics(
        rdata in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 3..80), 0..6),
        junk in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let records: Vec<Tlsa> = rdata.iter().filter_map(|r| Tlsa::from_rdata(r).ok()).collect();
        let store = TrustStore::empty("none");
        for protocol in [Protocol::Tls, Protocol::Smtp] {
            let _ = verify(&records, &[junk.clone(), junk.clone()], &[HOST.to_string()], &store, NOW, protocol);
            let _ = verify(&records, &[], &[HOST.to_string()], &store, NOW, protocol);
        }
    }
}
