//! DNSSEC: validation of the chain of trust from the root anchor, and the
//! `dns.dnssec.*` findings.

pub mod crypto;
