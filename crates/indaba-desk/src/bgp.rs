//! BGP hijack cases: a prefix, the origin AS that should announce it, the
//! origin seen announcing it, and the time window; judged by route origin
//! validation (RFC 6811, `indaba_checks::rov`) against the VRPs of the
//! moment. An observed origin that RPKI says is invalid while the expected
//! one is valid is a hijack RPKI would have stopped where validation is
//! deployed; with no ROA at all, the case says that a ROA is the first fix.

use indaba_checks::rov::{self, Validity};
use indaba_model::Message;
use indaba_model::routing::{Asn, Prefix, Route, Vrp};
use serde::{Deserialize, Serialize};

/// A reported hijack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hijack {
    /// The prefix announced.
    pub prefix: Prefix,
    /// The origin AS that should announce it.
    pub expected: Asn,
    /// The origin AS seen announcing it.
    pub observed: Asn,
    /// When it was first seen, Unix seconds.
    pub from: i64,
    /// When it was last seen (`None`: still going on).
    pub until: Option<i64>,
}

/// An RPKI state in words that are stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RpkiState {
    /// A VRP authorises it.
    Valid,
    /// Covered by VRPs, none of which authorises it.
    Invalid,
    /// No VRP covers the prefix.
    NotFound,
}

impl RpkiState {
    fn of(v: &Validity) -> RpkiState {
        match v {
            Validity::Valid { .. } => RpkiState::Valid,
            Validity::Invalid { .. } => RpkiState::Invalid,
            Validity::NotFound => RpkiState::NotFound,
        }
    }

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            RpkiState::Valid => "valid",
            RpkiState::Invalid => "invalid",
            RpkiState::NotFound => "not-found",
        }
    }
}

/// What route origin validation says about a hijack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The observed announcement's state.
    pub observed: RpkiState,
    /// The expected announcement's state.
    pub expected: RpkiState,
    /// What it means, for people.
    pub verdict: Message,
}

/// Why a hijack report is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HijackError {
    /// The same origin as expected is not a hijack.
    #[error("the observed origin is the expected one")]
    SameOrigin,
    /// The window ends before it starts.
    #[error("the time window ends before it starts")]
    Window,
}

impl Hijack {
    /// A hijack report, checked.
    pub fn new(
        prefix: Prefix,
        expected: Asn,
        observed: Asn,
        from: i64,
        until: Option<i64>,
    ) -> Result<Hijack, HijackError> {
        if expected == observed {
            return Err(HijackError::SameOrigin);
        }
        if until.is_some_and(|u| u < from) {
            return Err(HijackError::Window);
        }
        Ok(Hijack {
            prefix,
            expected,
            observed,
            from,
            until,
        })
    }

    /// Judges both announcements against `covering`, the VRPs covering the
    /// prefix.
    pub fn assess(&self, covering: &[Vrp]) -> Assessment {
        let state = |origin: Asn| {
            RpkiState::of(&rov::validate(
                &Route {
                    prefix: self.prefix,
                    origin,
                },
                covering,
            ))
        };
        let (observed, expected) = (state(self.observed), state(self.expected));
        let args = |id: &'static str| {
            Message::new(id)
                .arg("prefix", self.prefix.to_string())
                .arg("observed", self.observed.to_string())
                .arg("expected", self.expected.to_string())
        };
        let verdict = match (observed, expected) {
            (RpkiState::Invalid, RpkiState::Valid) => args("desk-bgp-rpki-catches"),
            (RpkiState::NotFound, _) => args("desk-bgp-no-roa"),
            (RpkiState::Valid, _) => args("desk-bgp-observed-authorised"),
            (RpkiState::Invalid, _) => args("desk-bgp-roa-wrong"),
        };
        Assessment {
            observed,
            expected,
            verdict,
        }
    }

    /// The case's title.
    pub fn title(&self) -> String {
        format!(
            "BGP hijack of {} by {} (expected {})",
            self.prefix, self.observed, self.expected
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vrps() -> Vec<Vrp> {
        vec![Vrp::new("127.0.10.0/24".parse().unwrap(), 24, Asn(64500)).unwrap()]
    }

    #[test]
    fn rpki_decides_the_verdict() {
        let h = Hijack::new(
            "127.0.10.0/24".parse().unwrap(),
            Asn(64500),
            Asn(64666),
            0,
            Some(60),
        )
        .unwrap();
        let a = h.assess(&vrps());
        assert_eq!(
            (a.observed, a.expected),
            (RpkiState::Invalid, RpkiState::Valid)
        );
        assert_eq!(a.verdict.id, "desk-bgp-rpki-catches");
        let unprotected =
            Hijack::new("192.0.2.0/24".parse().unwrap(), Asn(1), Asn(2), 0, None).unwrap();
        assert_eq!(unprotected.assess(&vrps()).verdict.id, "desk-bgp-no-roa");
        let more_specific = Hijack::new(
            "127.0.10.0/25".parse().unwrap(),
            Asn(64500),
            Asn(64666),
            0,
            None,
        )
        .unwrap();
        assert_eq!(more_specific.assess(&vrps()).expected, RpkiState::Invalid);
        assert_eq!(
            Hijack::new("127.0.10.0/24".parse().unwrap(), Asn(1), Asn(1), 0, None),
            Err(HijackError::SameOrigin)
        );
        assert_eq!(
            Hijack::new(
                "127.0.10.0/24".parse().unwrap(),
                Asn(1),
                Asn(2),
                10,
                Some(5)
            ),
            Err(HijackError::Window)
        );
    }
}
