//! DNSSEC: validation of the chain of trust from the root anchor, and the
//! `dns.dnssec.*` findings.

pub mod anchor;
pub mod chain;
pub mod crypto;
pub mod findings;

pub use anchor::TrustAnchor;
pub use chain::{Security, Validator};
