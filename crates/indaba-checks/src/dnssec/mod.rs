//! DNSSEC: validation of the chain of trust from the root anchor, alias by
//! alias, and the `dns.dnssec.*` findings.

pub mod alias;
pub mod anchor;
pub mod chain;
pub mod crypto;
pub mod findings;

pub use anchor::TrustAnchor;
pub use chain::{Path, Security, Validator, path};

#[cfg(test)]
pub(crate) mod fixtures;
