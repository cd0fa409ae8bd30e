//! Route origin validation (RFC 6811): is this route's origin authorised by
//! the Validated ROA Payloads that cover its prefix?

use std::fmt;

use indaba_model::routing::{Asn, Route, Vrp};
use indaba_model::{Message, ToMessage, msg};

/// The validity of one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validity {
    /// A covering VRP names the origin and allows the prefix length.
    Valid {
        /// The VRPs that match.
        matched: Vec<Vrp>,
    },
    /// Covered by VRPs, none of which matches.
    Invalid {
        /// Why none matched.
        reason: InvalidReason,
        /// The covering VRPs.
        covering: Vec<Vrp>,
    },
    /// No VRP covers the prefix.
    NotFound,
}

/// Why a covered route is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidReason {
    /// The origin AS is named by a covering VRP, but the route is more
    /// specific than that VRP's maxLength allows.
    MaxLength,
    /// No covering VRP names the origin AS (or only AS0 VRPs cover it).
    Origin,
}

impl ToMessage for Validity {
    fn to_message(&self) -> Message {
        match self {
            Validity::Valid { .. } => msg!("rov-valid"),
            Validity::Invalid {
                reason: InvalidReason::MaxLength,
                ..
            } => msg!("rov-invalid-max-length"),
            Validity::Invalid {
                reason: InvalidReason::Origin,
                ..
            } => msg!("rov-invalid-origin"),
            Validity::NotFound => msg!("rov-not-found"),
        }
    }
}

/// For the `indaba rov` command's English output and logs; reports use
/// [`ToMessage`].
impl fmt::Display for Validity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Validity::Valid { .. } => f.write_str("valid"),
            Validity::Invalid {
                reason: InvalidReason::MaxLength,
                ..
            } => f.write_str("invalid (more specific than maxLength allows)"),
            Validity::Invalid {
                reason: InvalidReason::Origin,
                ..
            } => f.write_str("invalid (origin AS not authorised)"),
            Validity::NotFound => f.write_str("not found (no ROA covers it)"),
        }
    }
}

/// Validates `route` against `covering`, the VRPs whose prefix covers it
/// (extra, non-covering VRPs are ignored).
pub fn validate(route: &Route, covering: &[Vrp]) -> Validity {
    let covering: Vec<Vrp> = covering
        .iter()
        .filter(|v| v.prefix.covers(&route.prefix))
        .copied()
        .collect();
    if covering.is_empty() {
        return Validity::NotFound;
    }
    // AS0 VRPs (RFC 6483 §4) cover but never match.
    let matched: Vec<Vrp> = covering
        .iter()
        .filter(|v| v.asn == route.origin && v.asn != Asn(0) && route.prefix.len() <= v.max_length)
        .copied()
        .collect();
    if !matched.is_empty() {
        return Validity::Valid { matched };
    }
    let same_origin = covering
        .iter()
        .any(|v| v.asn == route.origin && v.asn != Asn(0));
    Validity::Invalid {
        reason: if same_origin {
            InvalidReason::MaxLength
        } else {
            InvalidReason::Origin
        },
        covering,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vrp(p: &str, max: u8, asn: u32) -> Vrp {
        Vrp::new(p.parse().unwrap(), max, Asn(asn)).unwrap()
    }
    fn route(p: &str, asn: u32) -> Route {
        Route {
            prefix: p.parse().unwrap(),
            origin: Asn(asn),
        }
    }

    #[test]
    fn every_state_of_rfc_6811() {
        let vrps = [
            vrp("192.0.2.0/24", 24, 64500),
            vrp("198.51.100.0/22", 24, 64501),
        ];
        assert!(matches!(
            validate(&route("192.0.2.0/24", 64500), &vrps),
            Validity::Valid { .. }
        ));
        assert_eq!(
            validate(&route("192.0.2.0/24", 64999), &vrps),
            Validity::Invalid {
                reason: InvalidReason::Origin,
                covering: vec![vrps[0]]
            }
        );
        assert!(matches!(
            validate(&route("192.0.2.0/25", 64500), &vrps),
            Validity::Invalid {
                reason: InvalidReason::MaxLength,
                ..
            }
        ));
        assert!(matches!(
            validate(&route("198.51.101.0/24", 64501), &vrps),
            Validity::Valid { .. }
        ));
        assert_eq!(
            validate(&route("203.0.113.0/24", 64500), &vrps),
            Validity::NotFound
        );
    }

    #[test]
    fn as0_covers_but_never_matches() {
        let vrps = [vrp("192.0.2.0/24", 32, 0)];
        assert!(matches!(
            validate(&route("192.0.2.0/24", 0), &vrps),
            Validity::Invalid {
                reason: InvalidReason::Origin,
                ..
            }
        ));
    }

    #[test]
    fn one_matching_vrp_among_several_is_enough() {
        let vrps = [
            vrp("192.0.2.0/23", 23, 64999),
            vrp("192.0.2.0/24", 24, 64500),
            vrp("192.0.0.0/16", 16, 0),
        ];
        assert!(
            matches!(validate(&route("192.0.2.0/24", 64500), &vrps), Validity::Valid { matched } if matched.len() == 1)
        );
    }
}
