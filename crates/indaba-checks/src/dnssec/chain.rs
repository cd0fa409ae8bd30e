//! Validation of the chain of trust (RFC 4035 §5) over stored observations.
//!
//! Starting from the trust anchor, each zone's DNSKEY set is authenticated by
//! a DS record in its parent (or shown, by a signed NSEC/NSEC3 record, to have
//! no DS: an insecure delegation), and the data is authenticated by the zone's
//! keys. Every step that breaks says where and why, which is what a domain
//! owner needs and what a resolver's bare SERVFAIL does not tell.
//!
//! A name that is an alias (CNAME, or a DNAME above it: RFC 6672) is
//! validated link by link: each alias record in the zone that holds it, the
//! final records in theirs (RFC 4035 §5). The answer is as secure as its
//! weakest link, and [`Validator::path`] says which zone each link is in.
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

use hickory_proto::dnssec::Verifier as _;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, NSEC, NSEC3, RRSIG};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use indaba_model::observation::{DnsFailure, DnsOutcome, DnsQuestion, DnsResponse, QueryMode};
use indaba_model::{Arg, Message, Observations, ToMessage, msg};

use super::alias::{self, AliasChain, Link, Via};
use super::anchor::TrustAnchor;
use super::crypto::{self, algorithm_supported, digest_supported, key_tag};

/// NSEC3 iteration count above which a validator may treat a zone as insecure
/// (RFC 9276 §3.2); it also bounds the hashing work a hostile zone can cause.
pub const NSEC3_MAX_ITERATIONS: u16 = 150;

/// The security status of data (RFC 4033 §5), with the reason for all but
/// secure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// An unbroken chain of signatures from the anchor.
    Secure,
    /// Provably not signed from some zone down.
    Insecure(Message),
    /// Should be signed but the chain is broken.
    Bogus(Message),
    /// Could not be decided (a missing or failed answer).
    Indeterminate(Message),
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

    /// The status's name (RFC 4033 §5), for logs and tests.
    pub fn word(&self) -> &'static str {
        match self {
            Security::Secure => "secure",
            Security::Insecure(_) => "insecure",
            Security::Bogus(_) => "bogus",
            Security::Indeterminate(_) => "indeterminate",
        }
    }

    /// The status's name for people.
    pub fn word_message(&self) -> Message {
        match self {
            Security::Secure => msg!("dnssec-word-secure"),
            Security::Insecure(_) => msg!("dnssec-word-insecure"),
            Security::Bogus(_) => msg!("dnssec-word-bogus"),
            Security::Indeterminate(_) => msg!("dnssec-word-indeterminate"),
        }
    }

    /// The reason, for all but secure.
    pub fn reason(&self) -> Option<&Message> {
        match self {
            Security::Secure => None,
            Security::Insecure(r) | Security::Bogus(r) | Security::Indeterminate(r) => Some(r),
        }
    }
}

impl ToMessage for Security {
    fn to_message(&self) -> Message {
        match self {
            Security::Secure => msg!("dnssec-secure"),
            Security::Insecure(r) => msg!("dnssec-insecure", reason = r.clone()),
            Security::Bogus(r) => msg!("dnssec-bogus", reason = r.clone()),
            Security::Indeterminate(r) => msg!("dnssec-indeterminate", reason = r.clone()),
        }
    }
}

/// For logs and developers: the word and the reason's message id and
/// arguments. People read [`ToMessage::to_message`], rendered.
impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason() {
            None => f.write_str(self.word()),
            Some(r) => write!(f, "{}: {}", self.word(), developer_text(r)),
        }
    }
}

/// A message as its id and arguments (`dnssec-no-dnskey(zone=a.test.)`),
/// for logs and for text that has not yet become a message of its own.
pub fn developer_text(message: &Message) -> String {
    fn arg(a: &Arg) -> String {
        match a {
            Arg::Str(s) => s.clone(),
            Arg::Num(n) => n.to_string(),
            Arg::Msg(m) => developer_text(m),
            Arg::List(items) => items.iter().map(arg).collect::<Vec<_>>().join(", "),
        }
    }
    if message.args.is_empty() {
        return message.id.clone();
    }
    let args: Vec<String> = message
        .args
        .iter()
        .map(|(k, v)| format!("{k}={}", arg(v)))
        .collect();
    format!("{}({})", message.id, args.join("; "))
}

/// What validation found for one zone.
#[derive(Debug, Clone)]
pub struct ZoneStep {
    /// The zone apex.
    pub zone: Name,
    /// Its status.
    pub security: Security,
    /// The zone's DNSKEYs as `tag/alg N` (KSKs marked).
    pub keys: Vec<String>,
    /// The DS records for it in the parent as `tag/alg N/digest N`.
    pub ds: Vec<String>,
}

/// One record set of an answer and its verdict.
#[derive(Debug, Clone)]
pub struct CheckedSet {
    /// The owner.
    pub owner: Name,
    /// The type.
    pub rtype: RecordType,
    /// The zone whose keys vouch for it (the signer, or the zone holding
    /// the owner when it is unsigned), when known.
    pub zone: Option<Name>,
    /// Its status.
    pub security: Security,
}

/// The verdict on one answer: each record set's, the aliases followed, and
/// the worst of them.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The worst status of the answer's record sets.
    pub security: Security,
    /// The aliases from the name asked for to the records' owner.
    pub aliases: Vec<Link>,
    /// Every record set validated, in answer order.
    pub sets: Vec<CheckedSet>,
}

/// Where a name's answer lives: the zone of each alias record on the way,
/// then the zone of the final name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Each alias with the zone holding its record, in order.
    pub links: Vec<(Link, Name)>,
    /// The name the aliases end at (the name asked for when there is none).
    pub target: Name,
    /// The zone holding the target.
    pub target_zone: Name,
}

impl Path {
    /// The zone that holds the name asked for: the zone of its first alias
    /// record, or of the name itself.
    pub fn holding_zone(&self) -> &Name {
        self.links
            .first()
            .map(|(_, zone)| zone)
            .unwrap_or(&self.target_zone)
    }

    /// Every zone the answer passes through, in order, without repeats.
    pub fn zones(&self) -> Vec<Name> {
        let mut zones: Vec<Name> = Vec::new();
        for zone in self
            .links
            .iter()
            .map(|(_, z)| z)
            .chain(std::iter::once(&self.target_zone))
        {
            if !zones.contains(zone) {
                zones.push(zone.clone());
            }
        }
        zones
    }
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

/// The stored raw-mode answer to a question, or why there is none, as words
/// for people.
pub fn stored<'o>(
    observations: &'o Observations,
    name: &str,
    rtype: &str,
) -> Result<&'o DnsResponse, Message> {
    let question = DnsQuestion::new(name, rtype);
    let exchange = observations
        .dns_for(&question, QueryMode::Raw)
        .last()
        .ok_or_else(|| {
            msg!(
                "dnssec-not-looked-up",
                name = question.name.as_str(),
                rtype = rtype
            )
        })?;
    match &exchange.outcome {
        DnsOutcome::Response(r) => Ok(r),
        DnsOutcome::Failure { kind, reason } => Err(msg!(
            "dnssec-lookup-failed",
            name = question.name.as_str(),
            rtype = rtype,
            failure = failure_message(*kind),
            detail = reason.as_str()
        )),
    }
}

/// Why a query got no usable response, as words.
pub fn failure_message(kind: DnsFailure) -> Message {
    match kind {
        DnsFailure::Timeout => msg!("dns-failure-timeout"),
        DnsFailure::Unreachable => msg!("dns-failure-unreachable"),
        DnsFailure::Malformed => msg!("dns-failure-malformed"),
        DnsFailure::Oversized => msg!("dns-failure-oversized"),
        DnsFailure::Cancelled => msg!("dns-failure-cancelled"),
    }
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

    /// The zones validated so far, each after the zones above it.
    pub fn steps(&self) -> Vec<ZoneStep> {
        self.steps.borrow().clone()
    }

    /// The zone that holds `name`: for an alias, the zone holding the alias
    /// record (see [`path`]).
    pub fn zone_of(&self, name: &str) -> Result<Name, Message> {
        path(self.observations, name).map(|p| p.holding_zone().clone())
    }

    /// The zones `name`'s answer passes through (see [`path`]).
    pub fn path(&self, name: &str) -> Result<Path, Message> {
        path(self.observations, name)
    }

    /// Validates the positive answer for `name`/`rtype`. `None` when there is
    /// no positive answer to validate (NODATA or NXDOMAIN).
    pub fn answer(&self, name: &str, rtype: &str) -> Option<Security> {
        self.check(name, rtype).map(|c| c.security)
    }

    /// Validates the answer for `name`/`rtype` record set by record set,
    /// alias by alias. `None` when there is nothing to validate (NODATA or
    /// NXDOMAIN without aliases).
    pub fn check(&self, name: &str, rtype: &str) -> Option<Checked> {
        let failed = |reason: Message| {
            Some(Checked {
                security: Security::Indeterminate(reason),
                aliases: Vec::new(),
                sets: Vec::new(),
            })
        };
        let qname = match parse_name(name) {
            Ok(n) => n,
            Err(reason) => return failed(reason),
        };
        let response = match self.raw(name, rtype) {
            Ok(r) => r,
            Err(reason) => return failed(reason),
        };
        let nxdomain = response.rcode == "NXDOMAIN";
        if !response.is_noerror() && !nxdomain {
            return failed(msg!(
                "dnssec-answer-rcode",
                rcode = response.rcode.as_str(),
                name = name_text(&qname),
                rtype = rtype
            ));
        }
        let Some(message) = response.message() else {
            return failed(msg!(
                "dnssec-answer-unreadable",
                name = name_text(&qname),
                rtype = rtype
            ));
        };
        let chain = match alias::follow(&message.answers, &qname) {
            Ok(c) => c,
            Err(e) => return failed(e.to_message()),
        };
        let authority = message.authorities;
        let mut records: Vec<Record> = message
            .answers
            .into_iter()
            .filter(|r| !chain.synthesised(r))
            .collect();
        // NODATA for an SOA below a zone's apex (or at the end of an alias
        // chain): the zone's SOA comes in the authority section, and stands
        // for the zone.
        let wanted = rtype.parse::<RecordType>().ok();
        if wanted == Some(RecordType::SOA) && !nxdomain {
            let has_soa = records.iter().any(|r| r.record_type() == RecordType::SOA);
            if !has_soa {
                records.extend(
                    authority
                        .iter()
                        .filter(|r| {
                            r.record_type() == RecordType::SOA
                                || covered_type(r) == Some(RecordType::SOA)
                        })
                        .cloned(),
                );
            }
        }
        if records
            .iter()
            .all(|r| r.record_type() == RecordType::RRSIG || r.record_type() == RecordType::OPT)
        {
            return None;
        }
        let mut security = Security::Secure;
        let mut sets = Vec::new();
        for (owner, set_type) in rrset_keys(&records) {
            let set = rrset(&records, &owner, set_type);
            let sigs = signatures(&records, &owner, set_type);
            let (zone, verdict) =
                self.rrset(&qname, &chain, &owner, set_type, &set, &sigs, &authority);
            security = security.worst(verdict.clone());
            sets.push(CheckedSet {
                owner,
                rtype: set_type,
                zone,
                security: verdict,
            });
        }
        Some(Checked {
            security,
            aliases: chain.links,
            sets,
        })
    }

    /// The zone that must vouch for an unsigned record set at `owner` in the
    /// answer for `qname`: the zone holding the alias record it is, or the
    /// zone of the aliases' target, or (for an SOA) the zone it is the apex of.
    fn unsigned_zone(
        &self,
        qname: &Name,
        chain: &AliasChain,
        owner: &Name,
        rtype: RecordType,
    ) -> Result<Name, Message> {
        if rtype == RecordType::SOA {
            return Ok(owner.clone());
        }
        // A name a DNAME rewrites is held by the DNAME's zone too: records
        // there other than the synthesised CNAME are not the zone's.
        if let Some(link) = chain
            .links
            .iter()
            .find(|l| l.record_owner() == owner || l.from == *owner)
        {
            return link_zone(self.observations, link);
        }
        if *owner == chain.target {
            let path = path(self.observations, &name_text(qname))?;
            if path.target == chain.target {
                return Ok(path.target_zone);
            }
            return zone_at(self.observations, owner, 0);
        }
        Err(msg!("dnssec-zone-unknown", name = name_text(owner)))
    }

    #[allow(clippy::too_many_arguments)]
    fn rrset(
        &self,
        qname: &Name,
        chain: &AliasChain,
        owner: &Name,
        rtype: RecordType,
        set: &[Record],
        sigs: &[RRSIG],
        authority: &[Record],
    ) -> (Option<Name>, Security) {
        let label = format!("{owner} {rtype}");
        let zone = match sigs.first() {
            Some(sig) => sig.input().signer_name.to_lowercase(),
            None => match self.unsigned_zone(qname, chain, owner, rtype) {
                Ok(z) => z,
                Err(reason) => return (None, Security::Indeterminate(reason)),
            },
        };
        let verdict = match self.zone(&zone) {
            (Security::Secure, keys) => {
                if sigs.is_empty() {
                    Security::Bogus(msg!(
                        "dnssec-no-signature",
                        rrset = label,
                        zone = name_text(&zone)
                    ))
                } else {
                    match verify_set(set, sigs, &keys, &zone, self.now) {
                        Ok(labels) if labels < owner.num_labels() => {
                            match prove_wildcard(owner, labels, authority, &keys, &zone, self.now) {
                                Ok(()) => Security::Secure,
                                Err(why) => Security::Bogus(msg!(
                                    "dnssec-wildcard-unproven",
                                    rrset = label,
                                    wildcard = format!("*.{}", owner.trim_to(usize::from(labels))),
                                    why = why
                                )),
                            }
                        }
                        Ok(_) => Security::Secure,
                        Err(why) => {
                            Security::Bogus(msg!("dnssec-rrset-invalid", rrset = label, why = why))
                        }
                    }
                }
            }
            (other, _) => other,
        };
        (Some(zone), verdict)
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
            let tags: Vec<Arg> = self
                .anchor
                .ds
                .iter()
                .map(|d| Arg::from(d.key_tag()))
                .chain(self.anchor.keys.iter().map(|k| Arg::from(key_tag(k))))
                .collect();
            return (
                Security::Bogus(msg!(
                    "dnssec-root-no-anchor-match",
                    anchor = Arg::List(tags),
                    keys = tag_list(&keys)
                )),
                Vec::new(),
                Vec::new(),
            );
        }
        let set = self.dnskey_records(&root);
        match verify_set(&set, &sigs, &anchored, &root, self.now) {
            Ok(_) => (Security::Secure, zone_keys(&keys), Vec::new()),
            Err(why) => (
                Security::Bogus(msg!("dnssec-root-keys-unsigned", why = why)),
                Vec::new(),
                Vec::new(),
            ),
        }
    }

    fn child(&self, zone: &Name) -> (Security, Vec<DNSKEY>, Vec<DS>) {
        let zone_text = zone.to_ascii();
        let zone_arg = || name_text(zone);
        let response = match self.raw(&zone_text, "DS") {
            Ok(r) => r,
            Err(reason) => return (Security::Indeterminate(reason), Vec::new(), Vec::new()),
        };
        if !response.is_noerror() && response.rcode != "NXDOMAIN" {
            return (
                Security::Indeterminate(msg!(
                    "dnssec-ds-lookup-failed",
                    zone = zone_arg(),
                    rcode = response.rcode.as_str()
                )),
                Vec::new(),
                Vec::new(),
            );
        }
        let Some(parent) = response.parent_zone(zone) else {
            return (
                Security::Indeterminate(msg!("dnssec-ds-no-parent", zone = zone_arg())),
                Vec::new(),
                Vec::new(),
            );
        };
        let parent_arg = name_text(&parent);
        let parent_keys = match self.zone(&parent) {
            (Security::Secure, keys) => keys,
            (other, _) => return (other, Vec::new(), Vec::new()),
        };
        let Some(message) = response.message() else {
            return (
                Security::Indeterminate(msg!(
                    "dnssec-answer-unreadable",
                    name = zone_arg(),
                    rtype = "DS"
                )),
                Vec::new(),
                Vec::new(),
            );
        };
        let ds_records = rrset(&message.answers, zone, RecordType::DS);
        if ds_records.is_empty() {
            return match prove_no_ds(zone, &parent, &message.authorities, &parent_keys, self.now) {
                Ok(how) => (
                    Security::Insecure(msg!(
                        "dnssec-no-ds",
                        zone = zone_arg(),
                        parent = parent_arg,
                        how = how
                    )),
                    Vec::new(),
                    Vec::new(),
                ),
                Err(why) => (
                    Security::Bogus(msg!(
                        "dnssec-no-ds-unproven",
                        zone = zone_arg(),
                        parent = parent_arg,
                        why = why
                    )),
                    Vec::new(),
                    Vec::new(),
                ),
            };
        }
        let ds_sigs = signatures(&message.answers, zone, RecordType::DS);
        if let Err(why) = verify_set(&ds_records, &ds_sigs, &parent_keys, &parent, self.now) {
            return (
                Security::Bogus(msg!(
                    "dnssec-ds-set-invalid",
                    zone = zone_arg(),
                    parent = parent_arg,
                    why = why
                )),
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
                Security::Insecure(msg!(
                    "dnssec-ds-unsupported",
                    zone = zone_arg(),
                    ds = Arg::list(ds.iter().map(describe_ds))
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
                let why = other
                    .reason()
                    .cloned()
                    .unwrap_or_else(|| msg!("dnssec-no-dnskey", zone = zone_arg()));
                return (
                    Security::Bogus(msg!(
                        "dnssec-ds-but",
                        zone = zone_arg(),
                        parent = parent_arg,
                        why = why
                    )),
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
                Security::Bogus(msg!(
                    "dnssec-ds-matches-no-key",
                    zone = zone_arg(),
                    parent = parent_arg,
                    ds = Arg::list(usable.iter().map(|d| d.key_tag())),
                    keys = tag_list(&keys)
                )),
                Vec::new(),
                ds,
            );
        }
        let set = self.dnskey_records(zone);
        match verify_set(&set, &sigs, &entry, zone, self.now) {
            Ok(_) => (Security::Secure, zone_keys(&keys), ds),
            Err(why) => (
                Security::Bogus(msg!(
                    "dnssec-dnskey-set-invalid",
                    zone = zone_arg(),
                    why = why
                )),
                Vec::new(),
                ds,
            ),
        }
    }

    fn raw(&self, name: &str, rtype: &str) -> Result<&'a DnsResponse, Message> {
        stored(self.observations, name, rtype)
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
            return Err(Security::Indeterminate(msg!(
                "dnssec-dnskey-lookup-failed",
                zone = name_text(zone),
                rcode = response.rcode.as_str()
            )));
        }
        let message = response.message().ok_or_else(|| {
            Security::Indeterminate(msg!(
                "dnssec-answer-unreadable",
                name = name_text(zone),
                rtype = "DNSKEY"
            ))
        })?;
        let keys: Vec<DNSKEY> = rrset(&message.answers, zone, RecordType::DNSKEY)
            .iter()
            .filter_map(as_dnskey)
            .cloned()
            .collect();
        if keys.is_empty() {
            return Err(Security::Bogus(msg!(
                "dnssec-no-dnskey",
                zone = name_text(zone)
            )));
        }
        Ok((keys, signatures(&message.answers, zone, RecordType::DNSKEY)))
    }
}

/// The zones `name`'s answer passes through, read from the stored SOA
/// answers: the one for `name` itself, and the ones for the parent of every
/// CNAME owner and for every DNAME owner on the way (which
/// `indaba_probe::chain::collect` asks).
pub fn path(observations: &Observations, name: &str) -> Result<Path, Message> {
    let qname = parse_name(name)?;
    let response = stored(observations, name, "SOA")?;
    if !response.is_noerror() && response.rcode != "NXDOMAIN" {
        return Err(msg!(
            "dnssec-answer-rcode",
            rcode = response.rcode.as_str(),
            name = name_text(&qname),
            rtype = "SOA"
        ));
    }
    let message = response.message().ok_or_else(|| {
        msg!(
            "dnssec-answer-unreadable",
            name = name_text(&qname),
            rtype = "SOA"
        )
    })?;
    let chain = alias::follow(&message.answers, &qname).map_err(|e| e.to_message())?;
    let target_zone = soa_zone(response, &chain.target, &qname)?;
    let mut links = Vec::new();
    for link in chain.links {
        let zone = link_zone(observations, &link)?;
        links.push((link, zone));
    }
    Ok(Path {
        links,
        target: chain.target,
        target_zone,
    })
}

/// The zone holding an alias record: a CNAME's owner is never a zone apex
/// (RFC 1034 §3.6.2: no other data beside it), so its zone is the one
/// holding its parent; a DNAME's owner may be an apex.
fn link_zone(observations: &Observations, link: &Link) -> Result<Name, Message> {
    match &link.via {
        Via::Cname => zone_at(observations, &link.from.base_name(), 0),
        Via::Dname { owner } => zone_at(observations, owner, 0),
    }
}

/// The zone holding `name`, from the stored SOA answer for it (going up
/// when `name` is itself an alias).
fn zone_at(observations: &Observations, name: &Name, depth: usize) -> Result<Name, Message> {
    let text = name_text(name);
    if depth > alias::MAX_LINKS {
        return Err(msg!(
            "dnssec-alias-too-long",
            name = text,
            limit = alias::MAX_LINKS
        ));
    }
    let response = stored(observations, &text, "SOA")?;
    let message = response.message().ok_or_else(|| {
        msg!(
            "dnssec-answer-unreadable",
            name = text.as_str(),
            rtype = "SOA"
        )
    })?;
    let chain = alias::follow(&message.answers, name).map_err(|e| e.to_message())?;
    match chain.links.first() {
        None => soa_zone(response, name, name),
        Some(link) => {
            let up = match &link.via {
                Via::Cname => name.base_name(),
                Via::Dname { owner } => owner.clone(),
            };
            zone_at(observations, &up, depth + 1)
        }
    }
}

/// The zone an SOA answer for `asked` names, which must hold `target` (the
/// end of the answer's aliases).
fn soa_zone(response: &DnsResponse, target: &Name, asked: &Name) -> Result<Name, Message> {
    response
        .soa_owner()
        .filter(|zone| zone.zone_of(target))
        .ok_or_else(|| msg!("dnssec-soa-no-zone", name = name_text(asked)))
}

fn parse_name(name: &str) -> Result<Name, Message> {
    let question = DnsQuestion::new(name, "SOA");
    Name::from_ascii(&question.name)
        .map(|n| n.to_lowercase())
        .map_err(|_| msg!("dnssec-not-a-name", name = name))
}

/// A name as shown: presentation form with the trailing dot.
fn name_text(name: &Name) -> String {
    name.to_string()
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
) -> Result<u8, Message> {
    if set.is_empty() {
        return Err(msg!("dnssec-no-records"));
    }
    if sigs.is_empty() {
        return Err(msg!("dnssec-no-rrsig"));
    }
    let mut reasons: Vec<Message> = Vec::new();
    let mut unknown_keys: Vec<Arg> = Vec::new();
    for sig in sigs {
        let tag = sig.input().key_tag;
        let candidates: Vec<&DNSKEY> = keys
            .iter()
            .filter(|k| key_tag(k) == tag && k.algorithm() == sig.input().algorithm)
            .collect();
        if candidates.is_empty() {
            unknown_keys.push(Arg::from(tag));
            continue;
        }
        for key in candidates {
            match crypto::verify_rrsig(set, sig, key, signer, now) {
                Ok(()) => return Ok(sig.input().num_labels),
                Err(e) => {
                    let reason = msg!("dnssec-signature-by-key", tag = tag, why = e.to_message());
                    if !reasons.contains(&reason) {
                        reasons.push(reason);
                    }
                }
            }
        }
    }
    if reasons.is_empty() {
        // Only signatures by keys outside the trusted set: that is the reason.
        return Err(msg!(
            "dnssec-no-trusted-signature",
            zone = name_text(signer),
            tags = Arg::List(unknown_keys)
        ));
    }
    Err(reasons_message(reasons))
}

/// One reason, or several as a list.
fn reasons_message(mut reasons: Vec<Message>) -> Message {
    if reasons.len() == 1 {
        return reasons.remove(0);
    }
    msg!("dnssec-reasons", reasons = Arg::list(reasons))
}

/// The NSEC and NSEC3 records of `authority` whose signatures by `keys` of
/// `zone` verify, each with its owner; and, for each set that does not
/// verify, why.
fn signed_denials(
    authority: &[Record],
    keys: &[DNSKEY],
    zone: &Name,
    now: i64,
) -> (Vec<(Name, Record)>, Vec<Message>) {
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
            Err(why) => reasons.push(msg!(
                "dnssec-rrset-invalid",
                rrset = format!("{owner} {rtype}"),
                why = why
            )),
        }
    }
    (verified, reasons)
}

/// Proves from signed NSEC or NSEC3 records of `parent` that `child` has no
/// DS, and says how.
fn prove_no_ds(
    child: &Name,
    parent: &Name,
    authority: &[Record],
    parent_keys: &[DNSKEY],
    now: i64,
) -> Result<Message, Message> {
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
        reasons.push(msg!("dnssec-no-denial"));
    }
    Err(reasons_message(reasons))
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
) -> Result<(), Message> {
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
            return Ok(());
        }
    }
    reasons.push(msg!(
        "dnssec-no-closer-proof",
        name = name_text(&next_closer)
    ));
    Err(reasons_message(reasons))
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

fn nsec_denies_ds(owner: &Name, nsec: &NSEC, child: &Name) -> Option<Message> {
    let types = nsec.type_set();
    (owner == child && !types.contains(RecordType::DS) && !types.contains(RecordType::SOA))
        .then(|| msg!("dnssec-nsec-lists-no-ds", owner = name_text(owner)))
}

/// `Ok(Some)` when proven by a matching or opt-out covering record; `Err` when
/// the zone's NSEC3 parameters exceed the iteration limit (treated as insecure).
fn nsec3_denies_ds(owner: &Name, nsec3: &NSEC3, child: &Name) -> Result<Option<Message>, Message> {
    if nsec3.iterations() > NSEC3_MAX_ITERATIONS {
        return Err(msg!(
            "dnssec-nsec3-too-many-iterations",
            iterations = nsec3.iterations(),
            limit = NSEC3_MAX_ITERATIONS
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
            return Ok(Some(msg!(
                "dnssec-nsec3-lists-no-ds",
                name = name_text(child)
            )));
        }
        return Ok(None);
    }
    if in_gap(owner_hash.as_slice(), next, hash.as_slice()) && nsec3.opt_out() {
        return Ok(Some(msg!("dnssec-nsec3-opt-out", name = name_text(child))));
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

/// The key tags of `keys`, or "none".
fn tag_list(keys: &[DNSKEY]) -> Arg {
    if keys.is_empty() {
        return Arg::Msg(msg!("dnssec-none"));
    }
    Arg::list(keys.iter().map(key_tag))
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

#[cfg(test)]
mod path_tests {
    use super::*;
    use crate::dnssec::fixtures::{address, answer, cname, name, records, soa};
    use hickory_proto::op::ResponseCode;

    /// `www.alias.test` is a CNAME to `www.target.example`; the zones
    /// answer SOA questions as a resolver would.
    fn aliased() -> Observations {
        Observations {
            dns: vec![
                answer(
                    "www.alias.test.",
                    "SOA",
                    ResponseCode::NoError,
                    vec![cname("www.alias.test.", "www.target.example.")],
                    vec![soa("target.example.")],
                ),
                records("alias.test.", "SOA", vec![soa("alias.test.")]),
                records(
                    "www.alias.test.",
                    "A",
                    vec![
                        cname("www.alias.test.", "www.target.example."),
                        address("www.target.example.", "192.0.2.1"),
                    ],
                ),
            ],
            ..Observations::default()
        }
    }

    #[test]
    fn an_alias_is_held_by_the_zone_of_its_record_not_of_its_target() {
        let obs = aliased();
        let p = path(&obs, "www.alias.test").unwrap();
        assert_eq!(p.holding_zone(), &name("alias.test."));
        assert_eq!(p.target, name("www.target.example."));
        assert_eq!(p.target_zone, name("target.example."));
        assert_eq!(
            p.zones(),
            vec![name("alias.test."), name("target.example.")]
        );
        assert_eq!(
            p.links[0].0.text(),
            "www.alias.test. CNAME www.target.example."
        );
    }

    #[test]
    fn a_name_without_alias_is_held_by_its_own_zone() {
        let obs = Observations {
            dns: vec![answer(
                "www.plain.test.",
                "SOA",
                ResponseCode::NoError,
                vec![],
                vec![soa("plain.test.")],
            )],
            ..Observations::default()
        };
        let p = path(&obs, "www.plain.test.").unwrap();
        assert!(p.links.is_empty());
        assert_eq!(p.holding_zone(), &name("plain.test."));
    }

    #[test]
    fn the_zone_of_an_alias_must_have_been_looked_up() {
        let mut obs = aliased();
        obs.dns.retain(|e| e.question.name != "alias.test.");
        let why = path(&obs, "www.alias.test.").unwrap_err();
        assert_eq!(why.id, "dnssec-not-looked-up");
        assert_eq!(why.get("name"), Some(&Arg::from("alias.test.")));
    }

    #[test]
    fn unsigned_links_are_judged_in_their_own_zones() {
        // Nothing is signed and no DS was looked up: each set is
        // indeterminate for the zone that holds it, which says which zone
        // the validator asked about.
        let obs = aliased();
        let anchor = TrustAnchor::iana();
        let v = Validator::new(&obs, &anchor, 0);
        let checked = v.check("www.alias.test.", "A").unwrap();
        let zones: Vec<Option<Name>> = checked.sets.iter().map(|s| s.zone.clone()).collect();
        assert_eq!(
            zones,
            vec![Some(name("alias.test.")), Some(name("target.example."))]
        );
        assert_eq!(checked.aliases.len(), 1);
    }
}
