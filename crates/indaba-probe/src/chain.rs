//! Collects what DNSSEC validation of a name needs: the name's SOA answer,
//! and for its zone and every zone above it the DNSKEY and DS answers, all
//! with checking disabled so bogus data is seen rather than hidden.
//!
//! This is how `delv` works: the resolver fetches, we validate. The
//! validation itself is a check (`indaba_checks::dnssec`), run on what this
//! module stored.

use hickory_proto::rr::Name;
use indaba_model::observation::{DnsQuestion, QueryMode};

use crate::session::Session;

/// More zone cuts than any real name has (a name has at most 127 labels).
const MAX_ZONE_DEPTH: usize = 128;

/// Gathers the chain of trust for `name` (presentation form). Also asks the
/// resolver for its own verdict on the name's SOA, kept as a cross-check.
pub async fn collect(session: &Session, name: &str) {
    let soa_question = DnsQuestion::new(name, "SOA");
    let (raw, _validated) = tokio::join!(
        session.resolve(soa_question.clone(), QueryMode::Raw),
        session.resolve(soa_question, QueryMode::Validated),
    );
    let Some(mut zone) = raw.response().and_then(|r| r.soa_owner()) else {
        return;
    };
    // The SOA must come from the name's own zone or one above it.
    if Name::from_ascii(&raw.question.name)
        .map(|n| !zone.zone_of(&n))
        .unwrap_or(true)
    {
        return;
    }
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
            session.note_cut_short(format!("DNSSEC chain of {name} not followed to the root"));
            return;
        }
    }
}
