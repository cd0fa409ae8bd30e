//! The one rating scale of the NCSC-NL TLS guidelines (2025-05), used for
//! TLS versions, cipher suites, key-exchange groups, certificate keys and
//! signature hashes alike.

use serde::{Deserialize, Serialize};

use crate::report::Status;

/// A verdict in the words of the NCSC-NL TLS guidelines, best first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// "Good": the recommended setting.
    Good,
    /// "Sufficient": secure enough to keep using.
    Sufficient,
    /// "Phase out": still in use but to be replaced.
    PhaseOut,
    /// "Insufficient": not secure; replace now.
    Insufficient,
}

impl Rating {
    /// The word used in JSON and as a message argument.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::Sufficient => "sufficient",
            Rating::PhaseOut => "phase_out",
            Rating::Insufficient => "insufficient",
        }
    }

    /// The status a finding gets for this rating: good and sufficient pass,
    /// phase-out warns, insufficient fails (internet.nl's mapping).
    pub fn status(self) -> Status {
        match self {
            Rating::Good | Rating::Sufficient => Status::Pass,
            Rating::PhaseOut => Status::Warning,
            Rating::Insufficient => Status::Fail,
        }
    }

    /// The message id of the rating's word (`rating-phase-out`).
    pub fn message_id(self) -> &'static str {
        match self {
            Rating::Good => "rating-good",
            Rating::Sufficient => "rating-sufficient",
            Rating::PhaseOut => "rating-phase-out",
            Rating::Insufficient => "rating-insufficient",
        }
    }

    /// The rating's word as a message.
    pub fn to_message(self) -> crate::message::Message {
        crate::message::Message::new(self.message_id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_order_best_first_and_map_to_statuses() {
        assert!(Rating::Good < Rating::Sufficient);
        assert!(Rating::PhaseOut < Rating::Insufficient);
        assert_eq!(Rating::Sufficient.status(), Status::Pass);
        assert_eq!(Rating::PhaseOut.status(), Status::Warning);
        assert_eq!(Rating::Insufficient.status(), Status::Fail);
    }
}
