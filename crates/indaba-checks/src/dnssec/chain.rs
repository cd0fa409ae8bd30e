//! Validation of the chain of trust (RFC 4035 §5) over stored observations.
//!
//! Starting from the trust anchor, each zone's DNSKEY set is authenticated by
//! a DS record in its parent (or shown, by a signed NSEC/NSEC3 record, to have
//! no DS: an insecure delegation), and the data is authenticated by the zone's
//! keys. Every step that breaks says where and why, which is what a domain
//! owner needs and what a resolver's bare SERVFAIL does not tell.
//!
//! Why our own walk rather than hickory's validating resolver: the verdict must
//! be a pure function of stored answers (so reports can be judged again), and
//! the reason the chain broke must be precise. The cryptography is hickory's.
//!
//! An answer synthesised from a wildcard is secure only with the signed NSEC
//! or NSEC3 proof that no closer name exists. Known limit: for an opt-out
//! NSEC3 delegation the covering record is accepted without the full
//! closest-encloser proof.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, NSEC, NSEC3, RRSIG};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use indaba_model::Observations;
use indaba_model::observation::DnsResponse;

use hickory_proto::dnssec::Verifier as _;

use super::anchor::TrustAnchor;
use super::crypto::{self, algorithm_supported, digest_supported, key_tag};

/// NSEC3 iteration count above which a validator may treat a zone as insecure
/// (RFC 9276 §3.2); it also bounds the hashing work a hostile zone can cause.
pub const NSEC3_MAX_ITERATIONS: u16 = 150;

/// The security status of data (RFC 4033 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// An unbroken chain of signatures from the anchor.
    Secure,
    /// Provably not signed from some zone down.
    Insecure(String),
    /// Should be signed but the chain is broken.
    Bogus(String),
    /// Could not be decided (a missing or failed answer).
    Indeterminate(String),
}

impl Security {
    fn rank(&self) -> u8 {
        match self {
            Security::Secure => 0,
            Security::Insecure(_) => 1,
            Security::Indeterminate(_) => 2,
            Security::Bogus(_) => 3,
        }
    }

    /// The worse of two statuses.
    pub fn worst(self, other: Security) -> Security {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    /// The word for the status.
    pub fn word(&self) -> &'static str {
        match self {
            Security::Secure => "secure",
            Security::Insecure(_) => "insecure",
            Security::Bogus(_) => "bogus",
            Security::Indeterminate(_) => "indeterminate",
        }
    }

    /// The reason, for all but secure.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Security::Secure => None,
            Security::Insecure(r) | Security::Bogus(r) | Security::Indeterminate(r) => Some(r),
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason() {
            None => f.write_str(self.word()),
            Some(r) => write!(f, "{}: {r}", self.word()),
        }
    }
}

/// What validation found for one zone.
#[derive(Debug, Clone)]
pub struct ZoneStep {
    /// The zone apex.
    pub zone: Name,
    /// Its status, with the keys when secure.
    pub security: Security,
    /// The zone's DNSKEYs as `tag/algorithm` (KSKs marked).
    pub keys: Vec<String>,
    /// The DS records for it in the parent as `tag/algorithm/digest type`.
    pub ds: Vec<String>,
}

/// Validates names against stored observations. One per report: it memoises
/// each zone's status.
pub struct Validator<'a> {
    observations: &'a Observations,
    anchor: &'a TrustAnchor,
    now: i64,
    zones: RefCell<HashMap<Name, (Security, Vec<DNSKEY>)>>,
    steps: RefCell<Vec<ZoneStep>>,
}

impl<'a> Validator<'a> {
    /// A validator judging at `now` (seconds since the epoch).
    pub fn new(observations: &'a Observations, anchor: &'a TrustAnchor, now: i64) -> Self {
        Validator {
            observations,
            anchor,
            now,
            zones: RefCell::default(),
            steps: RefCell::default(),
        }
    }

    /// The zones validated so far, root first.
    pub fn steps(&self) -> Vec<ZoneStep> {
        let mut steps = self.steps.borrow().clone();
        steps.sort_by_key(|s| s.zone.num_labels());
        steps
    }

    /// The zone apex of `name`, from the stored SOA answer for it.
    pub fn zone_of(&self, name: &str) -> Result<Name, String> {
        let response = self.raw(name, "SOA")?;
        response
            .soa_owner()
            .ok_or_else(|| format!("the SOA answer for {name} names no zone"))
    }

    /// Validates the positive answer for `name`/`rtype`. `None` when there is
    /// no positive answer to validate (NODATA or NXDOMAIN).
    pub fn answer(&self, name: &str, rtype: &str) -> Option<Security> {
        let response = match self.raw(name, rtype) {
            Ok(r) => r,
            Err(reason) => return Some(Security::Indeterminate(reason)),
        };
        if !response.is_noerror() {
            if response.rcode == "NXDOMAIN" {
                return None;
            }
            return Some(Security::Indeterminate(format!(
                "the resolver answered {} for {name} {rtype} even with checking disabled: \
                 the name could not be resolved",
                response.rcode
            )));
        }
        let Some(message) = response.message() else {
            return Some(Security::Indeterminate(format!(
                "the stored answer for {name} {rtype} cannot be decoded"
            )));
        };
        let authority = message.authorities;
        let mut records = message.answers;
        if records.iter().all(|r| r.record_type() == RecordType::RRSIG) {
            // For a name below its zone's apex, the SOA comes in the authority section.
            if rtype != "SOA" {
                return None;
            }
            records = authority
                .iter()
                .filter(|r| {
                    r.record_type() == RecordType::SOA || covered_type(r) == Some(RecordType::SOA)
                })
                .cloned()
                .collect();
            if records.is_empty() {
                return None;
            }
        }
        let mut verdict = Security::Secure;
        for (owner, rrtype) in rrset_keys(&records) {
            let set = rrset(&records, &owner, rrtype);
            let sigs = signatures(&records, &owner, rrtype);
            verdict = verdict.worst(self.rrset(name, &owner, rrtype, &set, &sigs, &authority));
        }
        Some(verdict)
    }

    fn rrset(
        &self,
        queried: &str,
        owner: &Name,
        rtype: RecordType,
        set: &[Record],
        sigs: &[RRSIG],
        authority: &[Record],
    ) -> Security {
        let label = format!("{owner} {rtype}");
        let zone = match sigs.first() {
            Some(sig) => sig.input().signer_name.to_lowercase(),
            None => match self.zone_of(queried) {
                Ok(z) => z,
                Err(reason) => return Security::Indeterminate(reason),
            },
        };
        match self.zone(&zone) {
            (Security::Secure, keys) => {
                if sigs.is_empty() {
                    return Security::Bogus(format!(
                        "{label} has no signature although its zone {zone} is signed"
                    ));
                }
                match verify_set(set, sigs, &keys, &zone, self.now) {
                    Ok(labels) if labels < owner.num_labels() => {
                        match prove_wildcard(owner, labels, authority, &keys, &zone, self.now) {
                            Ok(_) => Security::Secure,
                            Err(why) => Security::Bogus(format!(
                                "{label} was synthesised from the wildcard *.{}, but {why}",
                                owner.trim_to(usize::from(labels))
                            )),
                        }
                    }
                    Ok(_) => Security::Secure,
                    Err(why) => Security::Bogus(format!("{label}: {why}")),
                }
            }
            (other, _) => other,
        }
    }

    /// The status of a zone and, when secure, its keys.
    fn zone(&self, zone: &Name) -> (Security, Vec<DNSKEY>) {
        if let Some(known) = self.zones.borrow().get(zone) {
            return known.clone();
        }
        let (security, keys, ds) = if zone.is_root() {
            self.root()
        } else {
            self.child(zone)
        };
        let key_texts = self
            .dnskeys(zone)
            .map(|ks| ks.iter().map(describe_key).collect())
            .unwrap_or_default();
        self.steps.borrow_mut().push(ZoneStep {
            zone: zone.clone(),
            security: security.clone(),
            keys: key_texts,
            ds: ds.iter().map(describe_ds).collect(),
        });
        self.zones
            .borrow_mut()
            .insert(zone.clone(), (security.clone(), keys.clone()));
        (security, keys)
    }

    fn root(&self) -> (Security, Vec<DNSKEY>, Vec<DS>) {
        let root = Name::root();
        let (keys, sigs) = match self.dnskey_set(&root) {
            Ok(v) => v,
            Err(s) => return (s, Vec::new(), Vec::new()),
        };
        let anchored: Vec<DNSKEY> =
            keys.iter()
                .filter(|k| {
                    self.anchor
                        .ds
                        .iter()
                        .any(|ds| crypto::ds_matches(ds, &root, k) == Some(true))
                        || self.anchor.keys.iter().any(|a| {
                            a.public_key() == k.public_key() && a.algorithm() == k.algorithm()
                        })
                })
                .cloned()
                .collect();
        if anchored.is_empty() {
            let tags: Vec<String> = self
                .anchor
                .ds
                .iter()
                .map(|d| d.key_tag().to_string())
                .chain(self.anchor.keys.iter().map(|k| key_tag(k).to_string()))
                .collect();
            return (
                Security::Bogus(format!(
                    "no root DNSKEY matches the trust anchor (anchor key tags {}; root key tags {})",
                    tags.join(", "),
                    tag_list(&keys)
                )),
                Vec::new(),
                Vec::new(),
            );
        }
        let set = self.dnskey_records(&root);
        match verify_set(&set, &sigs, &anchored, &root, self.now) {
            Ok(_) => (Security::Secure, zone_keys(&keys), Vec::new()),
            Err(why) => (
                Security::Bogus(format!(
                    "the root DNSKEY set is not signed by the anchored key: {why}"
                )),
                Vec::new(),
                Vec::new(),
            ),
        }
    }

    fn child(&self, zone: &Name) -> (Security, Vec<DNSKEY>, Vec<DS>) {
        let zone_text = zone.to_ascii();
        let response = match self.raw(&zone_text, "DS") {
            Ok(r) => r,
            Err(reason) => return (Security::Indeterminate(reason), Vec::new(), Vec::new()),
        };
        if !response.is_noerror() && response.rcode != "NXDOMAIN" {
            return (
                Security::Indeterminate(format!(
                    "the DS lookup for {zone} failed ({})",
                    response.rcode
                )),
                Vec::new(),
                Vec::new(),
            );
        }
        let Some(parent) = response.parent_zone(zone) else {
            return (
                Security::Indeterminate(format!(
                    "the DS answer for {zone} does not show which zone is above it"
                )),
                Vec::new(),
                Vec::new(),
            );
        };
        let parent_keys = match self.zone(&parent) {
            (Security::Secure, keys) => keys,
            (other, _) => return (other, Vec::new(), Vec::new()),
        };
        let Some(message) = response.message() else {
            return (
                Security::Indeterminate(format!("the stored DS answer for {zone} is unreadable")),
                Vec::new(),
                Vec::new(),
            );
        };
        let ds_records = rrset(&message.answers, zone, RecordType::DS);
        if ds_records.is_empty() {
            let all: Vec<Record> = message.authorities.clone();
            return match prove_no_ds(zone, &parent, &all, &parent_keys, self.now) {
                Ok(how) => (
                    Security::Insecure(format!(
                        "{zone} has no DS record in {parent} ({how}), so it is not signed \
                         or its key is not published in the parent"
                    )),
                    Vec::new(),
                    Vec::new(),
                ),
                Err(why) => (
                    Security::Bogus(format!(
                        "the answer that {zone} has no DS record is not proven by {parent}: {why}"
                    )),
                    Vec::new(),
                    Vec::new(),
                ),
            };
        }
        let ds_sigs = signatures(&message.answers, zone, RecordType::DS);
        if let Err(why) = verify_set(&ds_records, &ds_sigs, &parent_keys, &parent, self.now) {
            return (
                Security::Bogus(format!("the DS set of {zone} in {parent}: {why}")),
                Vec::new(),
                Vec::new(),
            );
        }
        let ds: Vec<DS> = ds_records.iter().filter_map(as_ds).cloned().collect();
        let usable: Vec<&DS> = ds
            .iter()
            .filter(|d| digest_supported(d.digest_type()) && algorithm_supported(d.algorithm()))
            .collect();
        if usable.is_empty() {
            return (
                Security::Insecure(format!(
                    "the DS records of {zone} ({}) use only algorithms or digest types this \
                     validator does not support, so it treats the zone as unsigned (RFC 4035 §5.2)",
                    ds.iter().map(describe_ds).collect::<Vec<_>>().join(", ")
                )),
                Vec::new(),
                ds,
            );
        }
        let (keys, sigs) = match self.dnskey_set(zone) {
            Ok(v) => v,
            Err(Security::Indeterminate(r)) => {
                return (Security::Indeterminate(r), Vec::new(), ds);
            }
            Err(other) => {
                let reason = other.reason().unwrap_or_default().to_string();
                return (
                    Security::Bogus(format!("{zone} has DS records in {parent} but {reason}")),
                    Vec::new(),
                    ds,
                );
            }
        };
        let entry: Vec<DNSKEY> = keys
            .iter()
            .filter(|k| {
                usable
                    .iter()
                    .any(|d| crypto::ds_matches(d, zone, k) == Some(true))
            })
            .cloned()
            .collect();
        if entry.is_empty() {
            return (
                Security::Bogus(format!(
                    "no DNSKEY of {zone} matches its DS records in {parent} \
                     (DS key tags {}; DNSKEY key tags {})",
                    usable
                        .iter()
                        .map(|d| d.key_tag().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    tag_list(&keys)
                )),
                Vec::new(),
                ds,
            );
        }
        let set = self.dnskey_records(zone);
        match verify_set(&set, &sigs, &entry, zone, self.now) {
            Ok(_) => (Security::Secure, zone_keys(&keys), ds),
            Err(why) => (
                Security::Bogus(format!(
                    "the DNSKEY set of {zone} is not validly signed by the key its DS names: {why}"
                )),
                Vec::new(),
                ds,
            ),
        }
    }

    fn raw(&self, name: &str, rtype: &str) -> Result<&'a DnsResponse, String> {
        crate::lookup::raw(self.observations, name, rtype).map_err(|e| e.to_string())
    }

    fn dnskey_records(&self, zone: &Name) -> Vec<Record> {
        self.raw(&zone.to_ascii(), "DNSKEY")
            .ok()
            .and_then(|r| r.message())
            .map(|m| rrset(&m.answers, zone, RecordType::DNSKEY))
            .unwrap_or_default()
    }

    fn dnskeys(&self, zone: &Name) -> Option<Vec<DNSKEY>> {
        let records = self.dnskey_records(zone);
        (!records.is_empty()).then(|| records.iter().filter_map(as_dnskey).cloned().collect())
    }

    fn dnskey_set(&self, zone: &Name) -> Result<(Vec<DNSKEY>, Vec<RRSIG>), Security> {
        let response = self
            .raw(&zone.to_ascii(), "DNSKEY")
            .map_err(Security::Indeterminate)?;
        if !response.is_noerror() {
            return Err(Security::Indeterminate(format!(
                "the DNSKEY lookup for {zone} failed ({})",
                response.rcode
            )));
        }
        let message = response.message().ok_or_else(|| {
            Security::Indeterminate(format!("the stored DNSKEY answer for {zone} is unreadable"))
        })?;
        let keys: Vec<DNSKEY> = rrset(&message.answers, zone, RecordType::DNSKEY)
            .iter()
            .filter_map(as_dnskey)
            .cloned()
            .collect();
        if keys.is_empty() {
            return Err(Security::Bogus(format!(
                "{zone} publishes no DNSKEY records"
            )));
        }
        Ok((keys, signatures(&message.answers, zone, RecordType::DNSKEY)))
    }
}

/// Verifies that at least one signature over `set` by one of `keys` of zone
/// `signer` is valid, and returns that signature's Labels field (fewer labels
/// than the owner's means the set was synthesised from a wildcard); otherwise
/// says why each failed.
fn verify_set(
    set: &[Record],
    sigs: &[RRSIG],
    keys: &[DNSKEY],
    signer: &Name,
    now: i64,
) -> Result<u8, String> {
    if set.is_empty() {
        return Err("there are no records to verify".into());
    }
    if sigs.is_empty() {
        return Err("there is no signature (RRSIG)".into());
    }
    let mut reasons: Vec<String> = Vec::new();
    let mut unknown_keys: Vec<String> = Vec::new();
    for sig in sigs {
        let tag = sig.input().key_tag;
        let candidates: Vec<&DNSKEY> = keys
            .iter()
            .filter(|k| key_tag(k) == tag && k.algorithm() == sig.input().algorithm)
            .collect();
        if candidates.is_empty() {
            unknown_keys.push(tag.to_string());
            continue;
        }
        for key in candidates {
            match crypto::verify_rrsig(set, sig, key, signer, now) {
                Ok(()) => return Ok(sig.input().num_labels),
                Err(e) => reasons.push(format!("signature by key {tag}: {e}")),
            }
        }
    }
    if reasons.is_empty() {
        // Only signatures by keys outside the trusted set: that is the reason.
        reasons.push(format!(
            "no signature is by a trusted key of {signer} (signatures by key {})",
            unknown_keys.join(", ")
        ));
    }
    reasons.dedup();
    Err(reasons.join("; "))
}

/// The NSEC and NSEC3 records of `authority` whose signatures by `keys` of
/// `zone` verify, each with its owner; and, for each set that does not
/// verify, why.
fn signed_denials(
    authority: &[Record],
    keys: &[DNSKEY],
    zone: &Name,
    now: i64,
) -> (Vec<(Name, Record)>, Vec<String>) {
    let mut verified = Vec::new();
    let mut reasons = Vec::new();
    for (owner, rtype) in rrset_keys(authority) {
        if rtype != RecordType::NSEC && rtype != RecordType::NSEC3 {
            continue;
        }
        let set = rrset(authority, &owner, rtype);
        let sigs = signatures(authority, &owner, rtype);
        match verify_set(&set, &sigs, keys, zone, now) {
            Ok(_) => verified.extend(set.into_iter().map(|r| (owner.clone(), r))),
            Err(why) => reasons.push(format!("{owner} {rtype}: {why}")),
        }
    }
    (verified, reasons)
}

/// Proves from signed NSEC or NSEC3 records of `parent` that `child` has no DS.
fn prove_no_ds(
    child: &Name,
    parent: &Name,
    authority: &[Record],
    parent_keys: &[DNSKEY],
    now: i64,
) -> Result<String, String> {
    let (denials, mut reasons) = signed_denials(authority, parent_keys, parent, now);
    for (owner, record) in &denials {
        match &record.data {
            RData::DNSSEC(DNSSECRData::NSEC(nsec)) => {
                if let Some(how) = nsec_denies_ds(owner, nsec, child) {
                    return Ok(how);
                }
            }
            RData::DNSSEC(DNSSECRData::NSEC3(nsec3)) => {
                match nsec3_denies_ds(owner, nsec3, child) {
                    Ok(Some(how)) => return Ok(how),
                    Ok(None) => {}
                    Err(why) => return Ok(why),
                }
            }
            _ => {}
        }
    }
    if reasons.is_empty() {
        reasons.push("no signed NSEC or NSEC3 record denies the DS".into());
    }
    Err(reasons.join("; "))
}

/// Proves, from signed NSEC or NSEC3 records of `zone`, that no name closer
/// than the wildcard exists for `owner`, whose signature has `labels` labels
/// (RFC 4035 §5.3.4, RFC 5155 §8.8): without it, a wildcard answer could be
/// replayed in place of a name that does exist.
fn prove_wildcard(
    owner: &Name,
    labels: u8,
    authority: &[Record],
    keys: &[DNSKEY],
    zone: &Name,
    now: i64,
) -> Result<String, String> {
    let next_closer = owner.trim_to(usize::from(labels) + 1);
    let (denials, mut reasons) = signed_denials(authority, keys, zone, now);
    for (nsec_owner, record) in &denials {
        let covered = match &record.data {
            RData::DNSSEC(DNSSECRData::NSEC(nsec)) => {
                in_gap(nsec_owner, nsec.next_domain_name(), &next_closer)
            }
            RData::DNSSEC(DNSSECRData::NSEC3(nsec3)) => {
                nsec3_covers(nsec_owner, nsec3, &next_closer)
            }
            _ => false,
        };
        if covered {
            return Ok(format!(
                "{nsec_owner} {} proves {next_closer} does not exist",
                record.record_type()
            ));
        }
    }
    reasons.push(format!(
        "no signed NSEC or NSEC3 record proves that {next_closer} does not exist"
    ));
    Err(reasons.join("; "))
}

/// Whether `x` lies strictly inside the gap from `owner` to `next` of a
/// denial chain: NSEC names in canonical order (RFC 4034 §6.1) or NSEC3
/// hashes; the last record of a chain points back to the first.
fn in_gap<T: Ord + ?Sized>(owner: &T, next: &T, x: &T) -> bool {
    if owner < next {
        owner < x && x < next
    } else {
        x > owner || x < next
    }
}

/// Whether an NSEC3 record covers the hash of `name` (RFC 5155 §8.3).
/// Records over the iteration limit prove nothing.
fn nsec3_covers(owner: &Name, nsec3: &NSEC3, name: &Name) -> bool {
    if nsec3.iterations() > NSEC3_MAX_ITERATIONS {
        return false;
    }
    let Some(hash) = crypto::nsec3_hash(
        u8::from(nsec3.hash_algorithm()),
        nsec3.salt(),
        nsec3.iterations(),
        name,
    ) else {
        return false;
    };
    nsec3_owner_hash(owner).is_some_and(|owner_hash| {
        in_gap(
            owner_hash.as_slice(),
            nsec3.next_hashed_owner_name(),
            hash.as_slice(),
        )
    })
}

/// The hash an NSEC3 record's owner name carries in its first label.
fn nsec3_owner_hash(owner: &Name) -> Option<Vec<u8>> {
    owner.iter().next().and_then(|label| {
        data_encoding::BASE32_DNSSEC
            .decode(&label.to_ascii_lowercase())
            .ok()
    })
}

fn nsec_denies_ds(owner: &Name, nsec: &NSEC, child: &Name) -> Option<String> {
    let types = nsec.type_set();
    (owner == child && !types.contains(RecordType::DS) && !types.contains(RecordType::SOA))
        .then(|| format!("NSEC at {owner} lists no DS"))
}

/// `Ok(Some)` when proven by a matching or opt-out covering record; `Err` when
/// the zone's NSEC3 parameters exceed the iteration limit (treated as insecure).
fn nsec3_denies_ds(owner: &Name, nsec3: &NSEC3, child: &Name) -> Result<Option<String>, String> {
    if nsec3.iterations() > NSEC3_MAX_ITERATIONS {
        return Err(format!(
            "NSEC3 with {} iterations, above the limit of {NSEC3_MAX_ITERATIONS} (RFC 9276); \
             treated as unsigned",
            nsec3.iterations()
        ));
    }
    let Some(hash) = crypto::nsec3_hash(
        u8::from(nsec3.hash_algorithm()),
        nsec3.salt(),
        nsec3.iterations(),
        child,
    ) else {
        return Ok(None);
    };
    let Some(owner_hash) = nsec3_owner_hash(owner) else {
        return Ok(None);
    };
    let next = nsec3.next_hashed_owner_name();
    if owner_hash == hash {
        let types = nsec3.type_set();
        if !types.contains(RecordType::DS) && !types.contains(RecordType::SOA) {
            return Ok(Some(format!("NSEC3 for {child} lists no DS")));
        }
        return Ok(None);
    }
    if in_gap(owner_hash.as_slice(), next, hash.as_slice()) && nsec3.opt_out() {
        return Ok(Some(format!(
            "an opt-out NSEC3 record covers {child} (unsigned delegations are not listed)"
        )));
    }
    Ok(None)
}

fn covered_type(record: &Record) -> Option<RecordType> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::RRSIG(sig)) => Some(sig.input().type_covered),
        _ => None,
    }
}

/// The distinct (owner, type) pairs of the non-signature records, in order.
fn rrset_keys(records: &[Record]) -> Vec<(Name, RecordType)> {
    let mut keys: Vec<(Name, RecordType)> = Vec::new();
    for r in records {
        if r.record_type() == RecordType::RRSIG || r.record_type() == RecordType::OPT {
            continue;
        }
        let key = (r.name.to_lowercase(), r.record_type());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

fn rrset(records: &[Record], owner: &Name, rtype: RecordType) -> Vec<Record> {
    records
        .iter()
        .filter(|r| r.record_type() == rtype && &r.name == owner)
        .cloned()
        .collect()
}

fn signatures(records: &[Record], owner: &Name, rtype: RecordType) -> Vec<RRSIG> {
    records
        .iter()
        .filter(|r| &r.name == owner)
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::RRSIG(sig)) if sig.input().type_covered == rtype => {
                Some(sig.clone())
            }
            _ => None,
        })
        .collect()
}

fn as_dnskey(record: &Record) -> Option<&DNSKEY> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k),
        _ => None,
    }
}

fn as_ds(record: &Record) -> Option<&DS> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::DS(d)) => Some(d),
        _ => None,
    }
}

fn zone_keys(keys: &[DNSKEY]) -> Vec<DNSKEY> {
    keys.iter()
        .filter(|k| k.zone_key() && !k.revoke())
        .cloned()
        .collect()
}

fn tag_list(keys: &[DNSKEY]) -> String {
    let tags: Vec<String> = keys.iter().map(|k| key_tag(k).to_string()).collect();
    if tags.is_empty() {
        "none".into()
    } else {
        tags.join(", ")
    }
}

fn describe_key(key: &DNSKEY) -> String {
    format!(
        "{}/alg {}{}",
        key_tag(key),
        u8::from(key.algorithm()),
        if key.secure_entry_point() {
            " (KSK)"
        } else {
            ""
        }
    )
}

fn describe_ds(ds: &DS) -> String {
    format!(
        "{}/alg {}/digest {}",
        ds.key_tag(),
        u8::from(ds.algorithm()),
        u8::from(ds.digest_type())
    )
}

#[cfg(test)]
mod tests {
    use super::in_gap;
    use hickory_proto::rr::Name;

    fn name(text: &str) -> Name {
        Name::from_ascii(text).expect("a valid test name")
    }

    #[test]
    fn a_gap_holds_only_what_lies_strictly_inside_it() {
        let (a, m, z) = (
            name("a.wild.test."),
            name("m.wild.test."),
            name("z.wild.test."),
        );
        assert!(in_gap(&a, &z, &m));
        assert!(!in_gap(&a, &z, &a), "the owner itself is not in its gap");
        assert!(!in_gap(&a, &z, &z), "nor is the next name");
        assert!(!in_gap(&a, &m, &z));
        // Canonical order: a parent sorts before its children.
        assert!(in_gap(&a, &z, &name("b.a.wild.test.")));
        // Hashes compare as bytes.
        assert!(in_gap(&[1u8][..], &[9u8][..], &[5u8][..]));
        assert!(!in_gap(&[1u8][..], &[9u8][..], &[9u8][..]));
    }

    #[test]
    fn the_last_gap_of_a_chain_wraps_to_its_first_name() {
        let (apex, last) = (name("wild.test."), name("ns2.wild.test."));
        assert!(in_gap(&last, &apex, &name("www.wild.test.")));
        assert!(!in_gap(&last, &apex, &name("a.wild.test.")));
        assert!(in_gap(&[9u8][..], &[1u8][..], &[0u8][..]));
        assert!(in_gap(&[9u8][..], &[1u8][..], &[10u8][..]));
        assert!(!in_gap(&[9u8][..], &[1u8][..], &[5u8][..]));
    }
}
