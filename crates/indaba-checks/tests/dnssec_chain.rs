//! The chain validator, state by state, on synthetic zones signed here.
//!
//! Each test builds a small signed hierarchy (root, `test.`, a domain) with
//! fresh ECDSA keys, stores the answers as a probe would, breaks one thing,
//! and checks the verdict and its reason. No network.

use hickory_proto::dnssec::crypto::EcdsaSigningKey;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, NSEC, RRSIG, SigInput};
use hickory_proto::dnssec::{Algorithm, DigestType, SigningKey, TBS};
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::{A, SOA};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType, SerialNumber};
use indaba_checks::dnssec::{Security, TrustAnchor, Validator};
use indaba_model::observation::{DnsExchange, DnsQuestion};
use indaba_model::{Message, Observations};

const NOW: i64 = 1_795_000_000;

/// The English reason of a verdict that must have the status `word`.
fn reason(verdict: Security, word: &str) -> String {
    assert_eq!(verdict.word(), word, "{verdict:?}");
    english(verdict.reason().expect("a reason"))
}

/// A reason as people read it.
fn english(reason: &Message) -> String {
    indaba_i18n::english()
        .try_render("en", reason)
        .unwrap_or_else(|e| panic!("{e}"))
}
const DAY: i64 = 86_400;

struct Zone {
    name: Name,
    key: EcdsaSigningKey,
    dnskey: DNSKEY,
}

impl Zone {
    fn new(name: &str) -> Zone {
        let pkcs8 = EcdsaSigningKey::generate_pkcs8(Algorithm::ECDSAP256SHA256).unwrap();
        let key = EcdsaSigningKey::from_pkcs8(&pkcs8, Algorithm::ECDSAP256SHA256).unwrap();
        let dnskey = DNSKEY::with_flags(257, key.to_public_key().unwrap());
        Zone {
            name: Name::from_ascii(name).unwrap(),
            key,
            dnskey,
        }
    }

    /// This (root) zone's key as a trust anchor.
    fn anchor(&self) -> TrustAnchor {
        let ds = self.ds();
        TrustAnchor::parse(&format!(
            ". IN DS {} 13 2 {}",
            ds.key_tag(),
            data_encoding::HEXUPPER.encode(ds.digest())
        ))
        .unwrap()
    }

    /// The signed answer to this zone's DNSKEY question.
    fn keys_answer(&self) -> DnsExchange {
        exchange(
            &self.name.to_ascii(),
            "DNSKEY",
            ResponseCode::NoError,
            self.signed(vec![self.dnskey_record()]),
            vec![],
        )
    }

    /// `set` followed by its signature.
    fn signed(&self, set: Vec<Record>) -> Vec<Record> {
        let sig = self.sign(&set);
        [set, vec![sig]].concat()
    }

    fn tag(&self) -> u16 {
        self.dnskey.calculate_key_tag().unwrap()
    }

    fn ds(&self) -> DS {
        let digest = self
            .dnskey
            .to_digest(&self.name, DigestType::SHA256)
            .unwrap();
        DS::new(
            self.tag(),
            Algorithm::ECDSAP256SHA256,
            DigestType::SHA256,
            digest.as_ref().to_vec(),
        )
    }

    fn sign_window(&self, set: &[Record], inception: i64, expiration: i64) -> Record {
        self.sign_with(set, set[0].name.num_labels(), inception, expiration)
    }

    /// Signs `set` with the RRSIG Labels field `labels`: fewer than the
    /// owner's says the set was synthesised from a wildcard.
    fn sign_with(&self, set: &[Record], labels: u8, inception: i64, expiration: i64) -> Record {
        let first = &set[0];
        let input = SigInput {
            type_covered: first.record_type(),
            algorithm: Algorithm::ECDSAP256SHA256,
            num_labels: labels,
            original_ttl: first.ttl,
            sig_expiration: SerialNumber::new(expiration as u32),
            sig_inception: SerialNumber::new(inception as u32),
            key_tag: self.tag(),
            signer_name: self.name.clone(),
        };
        let tbs = TBS::from_input(&first.name, DNSClass::IN, &input, set.iter()).unwrap();
        let sig = self.key.sign(&tbs).unwrap();
        Record::from_rdata(
            first.name.clone(),
            first.ttl,
            RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, sig))),
        )
    }

    fn sign(&self, set: &[Record]) -> Record {
        self.sign_window(set, NOW - DAY, NOW + 30 * DAY)
    }

    /// Signs `set` as synthesised from the wildcard `*.` + the rightmost
    /// `labels` labels of its owner.
    fn sign_as_wildcard(&self, set: &[Record], labels: u8) -> Record {
        self.sign_with(set, labels, NOW - DAY, NOW + 30 * DAY)
    }

    fn dnskey_record(&self) -> Record {
        Record::from_rdata(
            self.name.clone(),
            3600,
            RData::DNSSEC(DNSSECRData::DNSKEY(self.dnskey.clone())),
        )
    }

    fn soa(&self) -> Record {
        Record::from_rdata(
            self.name.clone(),
            3600,
            RData::SOA(SOA::new(
                self.name.clone(),
                self.name.clone(),
                1,
                3600,
                600,
                86400,
                300,
            )),
        )
    }
}

/// The stored answers the unit tests build too (`answer` is what the probe
/// records for a question asked with checking disabled).
#[path = "../src/dnssec/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

use fixtures::answer as exchange;

/// Puts `with` in place of the stored answers to `name`/`rtype`.
fn replace(obs: &mut Observations, name: &str, rtype: &str, with: DnsExchange) {
    let q = DnsQuestion::new(name, rtype);
    obs.dns.retain(|e| e.question != q);
    obs.dns.push(with);
}

fn ds_record(child: &Zone) -> Record {
    Record::from_rdata(
        child.name.clone(),
        3600,
        RData::DNSSEC(DNSSECRData::DS(child.ds())),
    )
}

/// A world: root → test. → domain, each signed, all answers stored.
struct World {
    root: Zone,
    tld: Zone,
    domain: Zone,
    obs: Observations,
}

impl World {
    fn new(domain: &str) -> World {
        let root = Zone::new(".");
        let tld = Zone::new("test.");
        let dom = Zone::new(domain);
        let mut w = World {
            root,
            tld,
            domain: dom,
            obs: Observations::default(),
        };
        w.rebuild(|_| {});
        w
    }

    /// Stores every answer; `tweak` may alter the zones first.
    fn rebuild(&mut self, tweak: impl FnOnce(&mut Vec<DnsExchange>)) {
        let mut dns = Vec::new();
        for zone in [&self.root, &self.tld, &self.domain] {
            dns.push(zone.keys_answer());
        }
        let tld_ds = vec![ds_record(&self.tld)];
        dns.push(exchange(
            "test.",
            "DS",
            ResponseCode::NoError,
            self.root.signed(tld_ds),
            vec![],
        ));
        let dom_ds = vec![ds_record(&self.domain)];
        dns.push(exchange(
            &self.domain.name.to_ascii(),
            "DS",
            ResponseCode::NoError,
            self.tld.signed(dom_ds),
            vec![],
        ));
        let soa = vec![self.domain.soa()];
        dns.push(exchange(
            &self.domain.name.to_ascii(),
            "SOA",
            ResponseCode::NoError,
            self.domain.signed(soa),
            vec![],
        ));
        let a = vec![Record::from_rdata(
            self.domain.name.clone(),
            300,
            RData::A(A::new(192, 0, 2, 10)),
        )];
        dns.push(exchange(
            &self.domain.name.to_ascii(),
            "A",
            ResponseCode::NoError,
            self.domain.signed(a),
            vec![],
        ));
        tweak(&mut dns);
        self.obs.dns = dns;
    }

    fn anchor(&self) -> TrustAnchor {
        self.root.anchor()
    }

    fn verdict(&self, rtype: &str) -> Security {
        let anchor = self.anchor();
        let v = Validator::new(&self.obs, &anchor, NOW);
        v.answer(&self.domain.name.to_ascii(), rtype).unwrap()
    }

    fn replace(&mut self, name: &str, rtype: &str, with: DnsExchange) {
        replace(&mut self.obs, name, rtype, with);
    }
}

#[test]
fn a_whole_signed_chain_is_secure() {
    let w = World::new("good.test.");
    assert_eq!(w.verdict("SOA"), Security::Secure);
    assert_eq!(w.verdict("A"), Security::Secure);
}

#[test]
fn a_wrong_anchor_is_bogus_at_the_root() {
    let w = World::new("good.test.");
    let other = Zone::new(".");
    let anchor = TrustAnchor::parse(&format!(
        ". IN DS {} 13 2 {}",
        other.tag(),
        data_encoding::HEXUPPER.encode(other.ds().digest())
    ))
    .unwrap();
    let v = Validator::new(&w.obs, &anchor, NOW);
    let why = reason(v.answer("good.test.", "SOA").unwrap(), "bogus");
    assert!(why.contains("trust anchor"), "{why}");
}

#[test]
fn an_expired_signature_is_bogus_with_its_date() {
    let mut w = World::new("expired.test.");
    let soa = vec![w.domain.soa()];
    let sig = w.domain.sign_window(&soa, NOW - 40 * DAY, NOW - 10 * DAY);
    let ex = exchange(
        "expired.test.",
        "SOA",
        ResponseCode::NoError,
        [soa, vec![sig]].concat(),
        vec![],
    );
    w.replace("expired.test.", "SOA", ex);
    let why = reason(w.verdict("SOA"), "bogus");
    assert!(why.contains("expired at"), "{why}")
}

#[test]
fn a_signature_not_yet_valid_is_bogus() {
    let mut w = World::new("future.test.");
    let soa = vec![w.domain.soa()];
    let sig = w.domain.sign_window(&soa, NOW + DAY, NOW + 10 * DAY);
    let ex = exchange(
        "future.test.",
        "SOA",
        ResponseCode::NoError,
        [soa, vec![sig]].concat(),
        vec![],
    );
    w.replace("future.test.", "SOA", ex);
    let why = reason(w.verdict("SOA"), "bogus");
    assert!(why.contains("not valid before"), "{why}")
}

#[test]
fn a_ds_matching_no_key_is_bogus() {
    let mut w = World::new("dsmismatch.test.");
    let stranger = Zone::new("dsmismatch.test.");
    let ds = vec![ds_record(&stranger)];
    let sig = w.tld.sign(&ds);
    let ex = exchange(
        "dsmismatch.test.",
        "DS",
        ResponseCode::NoError,
        [ds, vec![sig]].concat(),
        vec![],
    );
    w.replace("dsmismatch.test.", "DS", ex);
    let why = reason(w.verdict("SOA"), "bogus");
    assert!(why.contains("matches its DS"), "{why}")
}

#[test]
fn a_tampered_signature_is_bogus() {
    let mut w = World::new("tampered.test.");
    let a = vec![Record::from_rdata(
        w.domain.name.clone(),
        300,
        RData::A(A::new(192, 0, 2, 10)),
    )];
    let sig = w.domain.sign(&a);
    // The attacker changes the address but keeps the signature.
    let forged = vec![Record::from_rdata(
        w.domain.name.clone(),
        300,
        RData::A(A::new(203, 0, 113, 66)),
    )];
    let ex = exchange(
        "tampered.test.",
        "A",
        ResponseCode::NoError,
        [forged, vec![sig]].concat(),
        vec![],
    );
    w.replace("tampered.test.", "A", ex);
    assert_eq!(w.verdict("SOA"), Security::Secure);
    let why = reason(w.verdict("A"), "bogus");
    assert!(why.contains("does not verify"), "{why}")
}

#[test]
fn unsigned_data_in_a_signed_zone_is_bogus() {
    let mut w = World::new("stripped.test.");
    let a = vec![Record::from_rdata(
        w.domain.name.clone(),
        300,
        RData::A(A::new(192, 0, 2, 10)),
    )];
    let ex = exchange("stripped.test.", "A", ResponseCode::NoError, a, vec![]);
    w.replace("stripped.test.", "A", ex);
    let why = reason(w.verdict("A"), "bogus");
    assert!(why.contains("no signature"), "{why}");
}

fn unsigned_world(prove: bool) -> World {
    let mut w = World::new("plain.test.");
    let name = w.domain.name.clone();
    let nsec = vec![Record::from_rdata(
        name.clone(),
        300,
        RData::DNSSEC(DNSSECRData::NSEC(NSEC::new(
            Name::from_ascii("zzz.test.").unwrap(),
            [RecordType::NS, RecordType::RRSIG, RecordType::NSEC],
        ))),
    )];
    let mut authority = w.tld.signed(vec![w.tld.soa()]);
    if prove {
        authority.extend(w.tld.signed(nsec));
    }
    w.replace(
        "plain.test.",
        "DS",
        exchange(
            "plain.test.",
            "DS",
            ResponseCode::NoError,
            vec![],
            authority,
        ),
    );
    // The zone itself is unsigned.
    w.replace(
        "plain.test.",
        "SOA",
        exchange(
            "plain.test.",
            "SOA",
            ResponseCode::NoError,
            vec![w.domain.soa()],
            vec![],
        ),
    );
    w.replace(
        "plain.test.",
        "DNSKEY",
        exchange(
            "plain.test.",
            "DNSKEY",
            ResponseCode::NoError,
            vec![],
            vec![w.domain.soa()],
        ),
    );
    w
}

#[test]
fn a_proven_unsigned_delegation_is_insecure() {
    let w = unsigned_world(true);
    let why = reason(w.verdict("SOA"), "insecure");
    assert!(why.contains("no DS record"), "{why}");
}

#[test]
fn an_unproven_missing_ds_is_bogus() {
    let w = unsigned_world(false);
    let why = reason(w.verdict("SOA"), "bogus");
    assert!(why.contains("not proven"), "{why}")
}

#[test]
fn a_missing_answer_is_indeterminate_not_bogus() {
    let mut w = World::new("gone.test.");
    w.obs
        .dns
        .retain(|e| e.question.rtype != "DS" || e.question.name != "test.");
    match w.verdict("SOA") {
        Security::Indeterminate(why) => {
            assert!(english(&why).contains("not looked up"), "{}", english(&why))
        }
        other => panic!("expected indeterminate, got {other:?}"),
    }
}

#[test]
fn nxdomain_has_nothing_to_validate() {
    let mut w = World::new("nx.test.");
    w.replace(
        "nx.test.",
        "A",
        exchange("nx.test.", "A", ResponseCode::NXDomain, vec![], vec![]),
    );
    let anchor = w.anchor();
    let v = Validator::new(&w.obs, &anchor, NOW);
    assert_eq!(v.answer("nx.test.", "A"), None);
}

/// What proves, in a wildcard answer's authority section, that the queried
/// name does not exist.
enum WildcardProof {
    None,
    /// A signed NSEC from `owner` to `next`.
    Nsec(&'static str, &'static str),
    /// The same NSEC, its signature made by a key the zone does not publish.
    ForgedNsec(&'static str, &'static str),
}

/// The verdict on `www.wild.test. A`, answered from `*.wild.test.`.
fn wildcard_answer(proof: WildcardProof) -> Security {
    let mut w = World::new("wild.test.");
    let qname = Name::from_ascii("www.wild.test.").unwrap();
    let a = vec![Record::from_rdata(
        qname.clone(),
        300,
        RData::A(A::new(192, 0, 2, 20)),
    )];
    let a_sig = w.domain.sign_as_wildcard(&a, 2);
    let nsec = |owner: &str, next: &str| {
        vec![Record::from_rdata(
            Name::from_ascii(owner).unwrap(),
            300,
            RData::DNSSEC(DNSSECRData::NSEC(NSEC::new(
                Name::from_ascii(next).unwrap(),
                [RecordType::A, RecordType::RRSIG, RecordType::NSEC],
            ))),
        )]
    };
    let authority = match proof {
        WildcardProof::None => vec![],
        WildcardProof::Nsec(owner, next) => {
            let set = nsec(owner, next);
            let sig = w.domain.sign(&set);
            [set, vec![sig]].concat()
        }
        WildcardProof::ForgedNsec(owner, next) => {
            let set = nsec(owner, next);
            let sig = Zone::new("wild.test.").sign(&set);
            [set, vec![sig]].concat()
        }
    };
    w.obs.dns.push(exchange(
        "www.wild.test.",
        "A",
        ResponseCode::NoError,
        [a, vec![a_sig]].concat(),
        authority,
    ));
    let anchor = w.anchor();
    Validator::new(&w.obs, &anchor, NOW)
        .answer("www.wild.test.", "A")
        .unwrap()
}

#[test]
fn a_wildcard_answer_with_its_nsec_proof_is_secure() {
    // *.wild.test. sorts before www.wild.test., which sorts before zzz.
    assert_eq!(
        wildcard_answer(WildcardProof::Nsec("*.wild.test.", "zzz.wild.test.")),
        Security::Secure
    );
    // The last NSEC of the zone points back to its apex.
    assert_eq!(
        wildcard_answer(WildcardProof::Nsec("*.wild.test.", "wild.test.")),
        Security::Secure
    );
}

#[test]
fn a_wildcard_answer_without_proof_is_bogus() {
    let why = reason(wildcard_answer(WildcardProof::None), "bogus");
    assert!(
        why.contains("synthesised from the wildcard *.wild.test")
            && why.contains("www.wild.test. does not exist"),
        "{}",
        why
    )
}

#[test]
fn a_wildcard_answer_with_an_nsec_for_another_gap_is_bogus() {
    // The NSEC covers names between a and b only: www exists, for all it says.
    let why = reason(
        wildcard_answer(WildcardProof::Nsec("a.wild.test.", "b.wild.test.")),
        "bogus",
    );
    assert!(why.contains("no signed NSEC"), "{why}")
}

#[test]
fn a_wildcard_answer_with_a_forged_nsec_is_bogus() {
    let why = reason(
        wildcard_answer(WildcardProof::ForgedNsec("*.wild.test.", "zzz.wild.test.")),
        "bogus",
    );
    assert!(why.contains("*.wild.test. NSEC"), "{why}")
}

// ---------------------------------------------------------------- aliases
//
// `www.alias.test.` is a CNAME (or, below `d.alias.test.`, a DNAME) into
// `target.test.`: the answer passes through two zones, each validated with
// its own keys (RFC 4035 §5, RFC 6672 §5.3.3).

/// What `target.test.` is.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Signed,
    /// Delegated without DS (proven by a signed NSEC in `test.`).
    Unsigned,
    /// Signed, but the signature over its web host's address expired.
    Expired,
}

/// How `www.alias.test.` leads into `target.test.`.
#[derive(Clone, Copy, PartialEq)]
enum Via {
    Cname,
    /// `d.alias.test. DNAME target.test.`; the name asked is
    /// `www.d.alias.test.`.
    Dname,
}

struct Aliases {
    root: Zone,
    tld: Zone,
    alias: Zone,
    target: Zone,
    obs: Observations,
}

use fixtures::{cname, dname};

impl Aliases {
    fn new(target: Target, via: Via) -> Aliases {
        let mut w = Aliases {
            root: Zone::new("."),
            tld: Zone::new("test."),
            alias: Zone::new("alias.test."),
            target: Zone::new("target.test."),
            obs: Observations::default(),
        };
        let mut dns = Vec::new();
        // Keys of every zone (the unsigned target publishes none).
        for zone in [&w.root, &w.tld, &w.alias] {
            dns.push(zone.keys_answer());
        }
        dns.push(exchange(
            "test.",
            "DS",
            ResponseCode::NoError,
            w.root.signed(vec![ds_record(&w.tld)]),
            vec![],
        ));
        dns.push(exchange(
            "alias.test.",
            "DS",
            ResponseCode::NoError,
            w.tld.signed(vec![ds_record(&w.alias)]),
            vec![],
        ));
        if target == Target::Unsigned {
            let nsec = vec![Record::from_rdata(
                w.target.name.clone(),
                300,
                RData::DNSSEC(DNSSECRData::NSEC(NSEC::new(
                    Name::from_ascii("zzz.test.").unwrap(),
                    [RecordType::NS, RecordType::RRSIG, RecordType::NSEC],
                ))),
            )];
            dns.push(exchange(
                "target.test.",
                "DS",
                ResponseCode::NoError,
                vec![],
                [w.tld.signed(vec![w.tld.soa()]), w.tld.signed(nsec)].concat(),
            ));
            dns.push(exchange(
                "target.test.",
                "DNSKEY",
                ResponseCode::NoError,
                vec![],
                vec![w.target.soa()],
            ));
        } else {
            dns.push(exchange(
                "target.test.",
                "DS",
                ResponseCode::NoError,
                w.tld.signed(vec![ds_record(&w.target)]),
                vec![],
            ));
            dns.push(exchange(
                "target.test.",
                "DNSKEY",
                ResponseCode::NoError,
                w.target.signed(vec![w.target.dnskey_record()]),
                vec![],
            ));
        }
        // Records of the target zone, signed as its kind says.
        let target_set = |set: Vec<Record>| match target {
            Target::Signed => w.target.signed(set),
            Target::Unsigned => set,
            Target::Expired => {
                let sig = w.target.sign_window(&set, NOW - 40 * DAY, NOW - 10 * DAY);
                [set, vec![sig]].concat()
            }
        };
        let web = vec![Record::from_rdata(
            Name::from_ascii("www.target.test.").unwrap(),
            300,
            RData::A(A::new(192, 0, 2, 30)),
        )];
        let target_soa = match target {
            Target::Unsigned => vec![w.target.soa()],
            _ => w.target.signed(vec![w.target.soa()]),
        };
        let (asked, links) = match via {
            Via::Cname => (
                "www.alias.test.",
                w.alias
                    .signed(vec![cname("www.alias.test.", "www.target.test.")]),
            ),
            Via::Dname => (
                "www.d.alias.test.",
                [
                    w.alias.signed(vec![dname("d.alias.test.", "target.test.")]),
                    // Synthesised by the server: never signed.
                    vec![cname("www.d.alias.test.", "www.target.test.")],
                ]
                .concat(),
            ),
        };
        dns.push(exchange(
            asked,
            "SOA",
            ResponseCode::NoError,
            links.clone(),
            target_soa,
        ));
        dns.push(exchange(
            asked,
            "A",
            ResponseCode::NoError,
            [links, target_set(web)].concat(),
            vec![],
        ));
        // Where each alias record lives: the SOA of its place.
        dns.push(exchange(
            "alias.test.",
            "SOA",
            ResponseCode::NoError,
            w.alias.signed(vec![w.alias.soa()]),
            vec![],
        ));
        dns.push(exchange(
            "d.alias.test.",
            "SOA",
            ResponseCode::NoError,
            vec![],
            w.alias.signed(vec![w.alias.soa()]),
        ));
        w.obs.dns = dns;
        w
    }

    fn anchor(&self) -> TrustAnchor {
        self.root.anchor()
    }

    fn asked(via: Via) -> &'static str {
        match via {
            Via::Cname => "www.alias.test.",
            Via::Dname => "www.d.alias.test.",
        }
    }

    fn verdict(&self, via: Via, rtype: &str) -> Security {
        let anchor = self.anchor();
        Validator::new(&self.obs, &anchor, NOW)
            .answer(Self::asked(via), rtype)
            .unwrap()
    }

    fn replace(&mut self, name: &str, rtype: &str, with: DnsExchange) {
        replace(&mut self.obs, name, rtype, with);
    }
}

#[test]
fn a_cname_between_signed_zones_is_secure_link_by_link() {
    let w = Aliases::new(Target::Signed, Via::Cname);
    assert_eq!(w.verdict(Via::Cname, "A"), Security::Secure);
    assert_eq!(w.verdict(Via::Cname, "SOA"), Security::Secure);
    let anchor = w.anchor();
    let v = Validator::new(&w.obs, &anchor, NOW);
    let checked = v.check("www.alias.test.", "A").unwrap();
    let zones: Vec<String> = checked
        .sets
        .iter()
        .map(|s| format!("{} {} {}", s.owner, s.rtype, s.zone.as_ref().unwrap()))
        .collect();
    assert_eq!(
        zones,
        [
            "www.alias.test. CNAME alias.test.",
            "www.target.test. A target.test."
        ]
    );
    // Every zone on both paths was validated, each after those above it.
    let steps: Vec<String> = v.steps().iter().map(|s| s.zone.to_string()).collect();
    assert_eq!(steps, [".", "test.", "alias.test.", "target.test."]);
}

#[test]
fn a_cname_into_an_unsigned_zone_is_insecure() {
    let w = Aliases::new(Target::Unsigned, Via::Cname);
    let verdict = w.verdict(Via::Cname, "A");
    assert_eq!(
        verdict.reason().map(|r| r.id.as_str()),
        Some("dnssec-no-ds")
    );
    let why = reason(verdict, "insecure");
    assert!(
        why.starts_with("target.test. has no DS record in test."),
        "{why}"
    );
}

#[test]
fn a_cname_into_a_bogus_zone_is_bogus() {
    let w = Aliases::new(Target::Expired, Via::Cname);
    let why = reason(w.verdict(Via::Cname, "A"), "bogus");
    assert!(
        why.starts_with("www.target.test. A: signature by key") && why.contains("expired at"),
        "{}",
        why
    )
}

#[test]
fn an_unsigned_cname_in_a_signed_zone_is_bogus_whatever_its_target() {
    // An attacker strips the CNAME's signature to point the name elsewhere.
    let mut w = Aliases::new(Target::Signed, Via::Cname);
    let forged = exchange(
        "www.alias.test.",
        "A",
        ResponseCode::NoError,
        vec![
            cname("www.alias.test.", "www.target.test."),
            Record::from_rdata(
                Name::from_ascii("www.target.test.").unwrap(),
                300,
                RData::A(A::new(192, 0, 2, 30)),
            ),
        ],
        vec![],
    );
    w.replace("www.alias.test.", "A", forged);
    assert_eq!(
        reason(w.verdict(Via::Cname, "A"), "bogus"),
        "www.alias.test. CNAME has no signature although its zone alias.test. is signed"
    );
}

#[test]
fn a_dname_is_validated_and_vouches_for_its_synthesised_cname() {
    let w = Aliases::new(Target::Signed, Via::Dname);
    assert_eq!(w.verdict(Via::Dname, "A"), Security::Secure);
    assert_eq!(w.verdict(Via::Dname, "SOA"), Security::Secure);
    let anchor = w.anchor();
    let v = Validator::new(&w.obs, &anchor, NOW);
    let path = v.path("www.d.alias.test.").unwrap();
    assert_eq!(path.holding_zone().to_string(), "alias.test.");
    assert_eq!(path.target_zone.to_string(), "target.test.");
    let w = Aliases::new(Target::Unsigned, Via::Dname);
    assert!(matches!(w.verdict(Via::Dname, "A"), Security::Insecure(_)));
}

#[test]
fn a_cname_that_its_dname_does_not_imply_is_bogus() {
    let mut w = Aliases::new(Target::Signed, Via::Dname);
    // The synthesised CNAME is replaced by one pointing elsewhere.
    let signed_dname = {
        let set = vec![dname("d.alias.test.", "target.test.")];
        let sig = w.alias.sign(&set);
        [set, vec![sig]].concat()
    };
    let forged = exchange(
        "www.d.alias.test.",
        "A",
        ResponseCode::NoError,
        [
            signed_dname,
            vec![
                cname("www.d.alias.test.", "evil.target.test."),
                Record::from_rdata(
                    Name::from_ascii("evil.target.test.").unwrap(),
                    300,
                    RData::A(A::new(203, 0, 113, 66)),
                ),
            ],
        ]
        .concat(),
        vec![],
    );
    w.replace("www.d.alias.test.", "A", forged);
    assert!(
        matches!(w.verdict(Via::Dname, "A"), Security::Bogus(_)),
        "{:?}",
        w.verdict(Via::Dname, "A")
    );
}

#[test]
fn the_findings_show_each_link_and_each_zone() {
    use indaba_checks::dnssec::findings;
    let w = Aliases::new(Target::Unsigned, Via::Cname);
    let anchor = w.anchor();
    let v = Validator::new(&w.obs, &anchor, NOW);
    let f = findings::valid(&v, &w.obs, "www.alias.test", &["A"]);
    assert_eq!(f.status, indaba_model::Status::Fail);
    assert!(f.partial, "insecure earns partial points");
    assert_eq!(f.message.id, "dnssec-valid-insecure");
    let catalogue = indaba_i18n::english();
    let lines: Vec<String> = f
        .evidence
        .iter()
        .map(|e| {
            let part = |m: &Option<Message>, data: &str| {
                m.as_ref()
                    .map(|m| catalogue.try_render("en", m).unwrap())
                    .unwrap_or_else(|| data.to_string())
            };
            format!(
                "{}: {}",
                part(&e.subject_message, &e.subject),
                part(&e.detail_message, &e.detail)
            )
        })
        .collect();
    let all = lines.join("\n");
    assert!(
        all.contains("www.alias.test. CNAME www.target.test.: in the zone alias.test.: secure"),
        "{all}"
    );
    assert!(all.contains("zone alias.test.: secure; DS "), "{all}");
    assert!(
        all.contains("zone target.test.: insecure; DS none; DNSKEY none"),
        "{all}"
    );
    let exists = findings::exists(&w.obs, "www.alias.test");
    assert_eq!(exists.status, indaba_model::Status::Fail);
    assert_eq!(exists.message.id, "dnssec-exists-unsigned-aliases");
    assert_eq!(
        catalogue.try_render("en", &exists.message).unwrap(),
        "The answer for www.alias.test comes through a zone that is not signed (target.test.): it publishes no DNSKEY records."
    );
    let w = Aliases::new(Target::Signed, Via::Cname);
    let anchor = w.anchor();
    let v = Validator::new(&w.obs, &anchor, NOW);
    let f = findings::valid(&v, &w.obs, "www.alias.test", &["A"]);
    assert_eq!(f.status, indaba_model::Status::Pass);
    assert_eq!(
        catalogue.try_render("en", &f.message).unwrap(),
        "DNSSEC validates for www.alias.test through every zone its aliases pass (alias.test., target.test.): each link's chain of trust from the root is unbroken."
    );
}

#[test]
fn a_mail_server_behind_a_bogus_alias_fails_its_check() {
    use indaba_checks::dnssec::findings;
    let w = Aliases::new(Target::Expired, Via::Cname);
    let anchor = w.anchor();
    let v = Validator::new(&w.obs, &anchor, NOW);
    let f = findings::mx_valid(&v, &[Name::from_ascii("www.alias.test.").unwrap()]);
    assert_eq!(f.status, indaba_model::Status::Fail);
    assert_eq!(f.message.id, "dnssec-mx-not-secure");
    let detail = f.evidence[0].detail_message.as_ref().unwrap();
    assert_eq!(detail.id, "dnssec-bogus");
    assert!(
        english(detail).starts_with("bogus: www.target.test. "),
        "{}",
        english(detail)
    );
}
