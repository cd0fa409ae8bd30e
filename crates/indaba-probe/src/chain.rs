//! Collects what DNSSEC validation of a name needs: the name's SOA answer,
//! and for its zone and every zone above it the DNSKEY and DS answers, all
//! with checking disabled so bogus data is seen rather than hidden.
//!
//! A name that is an alias (a CNAME, or a DNAME above it) is answered from
//! several zones, and each must be validated (RFC 4035 §5, RFC 6672): the
//! zone holding each alias record, and the zone of the name the aliases end
//! at. The SOA answer names the last; the signers of the answer's records
//! name the signed ones; and for the unsigned ones the SOA of each alias's
//! parent name (a CNAME's owner is never a zone apex) or of each DNAME's
//! owner says which zone holds it. All of those zones' chains are collected.
//!
//! This is how `delv` works: the resolver fetches, we validate. The
//! validation itself is a check (`indaba_checks::dnssec`), run on what this
//! module stored, reading the same SOA answers to find each link's zone.

use futures::future::join_all;
use hickory_proto::dnssec::rdata::DNSSECRData;
use hickory_proto::rr::{Name, RData, RecordType};
use indaba_model::observation::{DnsExchange, DnsQuestion, QueryMode};

use crate::session::Session;

/// More zone cuts than any real name has (a name has at most 127 labels).
const MAX_ZONE_DEPTH: usize = 128;
/// Most SOA questions asked to place the links of one name's aliases
/// (resolvers follow at most a dozen or so aliases).
const MAX_ALIAS_QUESTIONS: usize = 32;
/// Most zones whose chains are collected for one name.
const MAX_ZONES: usize = 16;

/// Gathers the chains of trust for `name` (presentation form) and for every
/// zone its aliases pass through. Also asks the resolver for its own verdict
/// on the name's SOA, kept as a cross-check.
pub async fn collect(session: &Session, name: &str) {
    let soa_question = DnsQuestion::new(name, "SOA");
    let (raw, _validated) = tokio::join!(
        session.resolve(soa_question.clone(), QueryMode::Raw),
        session.resolve(soa_question.clone(), QueryMode::Validated),
    );
    let mut zones: Vec<Name> = Vec::new();
    let mut asked = vec![soa_question.name];
    let mut round = vec![raw];
    while !round.is_empty() {
        let mut next: Vec<String> = Vec::new();
        for exchange in &round {
            for zone in vouching_zones(exchange) {
                if !zones.contains(&zone) && zones.len() < MAX_ZONES {
                    zones.push(zone);
                }
            }
            for place in alias_places(exchange) {
                let place = place.to_ascii();
                if !asked.contains(&place) && asked.len() < MAX_ALIAS_QUESTIONS {
                    asked.push(place.clone());
                    next.push(place);
                }
            }
        }
        if session.expired() {
            break;
        }
        round = join_all(
            next.iter()
                .map(|n| session.resolve(DnsQuestion::new(n, "SOA"), QueryMode::Raw)),
        )
        .await;
    }
    join_all(zones.into_iter().map(|zone| walk(session, name, zone))).await;
}

/// The zones whose keys the records of an SOA answer depend on: the zone its
/// SOA names (the asked name's, or the zone of its aliases' target), and the
/// signer of every signature in the answer section. Only zones above a name
/// the answer is about count, so a hostile answer cannot send us anywhere.
fn vouching_zones(exchange: &DnsExchange) -> Vec<Name> {
    let Some(response) = exchange.response() else {
        return Vec::new();
    };
    let Some(message) = response.message() else {
        return Vec::new();
    };
    let Ok(asked) = Name::from_ascii(&exchange.question.name) else {
        return Vec::new();
    };
    // The names the answer is about: the asked one, every owner, and every
    // CNAME target (the last may own no record, in a NODATA answer).
    let mut about = vec![asked];
    for record in &message.answers {
        about.push(record.name.clone());
        if let RData::CNAME(target) = &record.data {
            about.push(target.0.clone());
        }
    }
    let mut zones = Vec::new();
    if let Some(zone) = response
        .soa_owner()
        .filter(|z| about.iter().any(|n| z.zone_of(n)))
    {
        zones.push(zone);
    }
    for record in &message.answers {
        if let RData::DNSSEC(DNSSECRData::RRSIG(sig)) = &record.data {
            let signer = sig.input().signer_name.to_lowercase();
            if signer.zone_of(&record.name) && !zones.contains(&signer) {
                zones.push(signer);
            }
        }
    }
    zones
}

/// The names whose SOA answer says which zone holds each alias record of an
/// answer: a CNAME owner's parent, a DNAME's owner.
fn alias_places(exchange: &DnsExchange) -> Vec<Name> {
    let Some(message) = exchange.response().and_then(|r| r.message()) else {
        return Vec::new();
    };
    message
        .answers
        .iter()
        .filter_map(|r| match r.record_type() {
            RecordType::CNAME if !r.name.is_root() => Some(r.name.base_name()),
            RecordType::DNAME => Some(r.name.clone()),
            _ => None,
        })
        .map(|n| n.to_lowercase())
        .collect()
}

/// Collects the DNSKEY and DS answers from `zone` up to the root.
async fn walk(session: &Session, name: &str, mut zone: Name) {
    for _ in 0..MAX_ZONE_DEPTH {
        let zone_text = zone.to_ascii();
        let keys = session.resolve(DnsQuestion::new(&zone_text, "DNSKEY"), QueryMode::Raw);
        if zone.is_root() {
            keys.await;
            return;
        }
        let ds = session.resolve(DnsQuestion::new(&zone_text, "DS"), QueryMode::Raw);
        let (_keys, ds) = tokio::join!(keys, ds);
        match ds.response().and_then(|r| r.parent_zone(&zone)) {
            Some(parent) => zone = parent,
            None => return,
        }
        if session.expired() {
            session.note_cut_short(indaba_model::msg!(
                "cut-short-dnssec-chain",
                name = name.to_string()
            ));
            return;
        }
    }
}
