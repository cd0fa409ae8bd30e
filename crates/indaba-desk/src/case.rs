//! A case and how it moves, after RTIR: an **incident report** is what came in
//! (a form, a mail, a feed, the API); an **incident** is what the desk works
//! on, and many reports link to one; an **investigation** is outreach to a
//! third party about an incident (an abuse contact, a partner CERT, the
//! police), each with its own thread.
//!
//! [`apply`] is the whole state machine: it says what state an action leads
//! to, or why the action is not possible in the current state. The store
//! calls it before writing, so no stored case is ever in a state the machine
//! does not know.

use std::fmt;
use std::str::FromStr;

use indaba_model::{Message, msg};
use serde::{Deserialize, Serialize};

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vdoc])* #[serde(rename = $text)] $variant),+ }
        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored word.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }
    };
}

word_enum! {
    /// What a case is.
    CaseKind {
        /// What came in.
        Report = "report",
        /// What the desk works on.
        Incident = "incident",
        /// Outreach to a third party about an incident.
        Investigation = "investigation",
    }
}

word_enum! {
    /// Where a case is.
    CaseState {
        /// Not looked at yet.
        New = "new",
        /// Being worked on.
        Open = "open",
        /// Waiting for someone outside the desk.
        Stalled = "stalled",
        /// A report that is part of an incident now.
        Linked = "linked",
        /// Done: the problem is solved or nothing more can be done.
        Resolved = "resolved",
        /// Not an incident (spam to the desk, a mistake, out of scope).
        Rejected = "rejected",
    }
}

impl CaseState {
    /// Whether the case is finished (its retention clock runs).
    pub fn is_closed(self) -> bool {
        matches!(self, CaseState::Resolved | CaseState::Rejected)
    }

    /// The Fluent id of the state's name (`desk-state-open`).
    pub fn message_id(self) -> &'static str {
        match self {
            CaseState::New => "desk-state-new",
            CaseState::Open => "desk-state-open",
            CaseState::Stalled => "desk-state-stalled",
            CaseState::Linked => "desk-state-linked",
            CaseState::Resolved => "desk-state-resolved",
            CaseState::Rejected => "desk-state-rejected",
        }
    }
}

word_enum! {
    /// How urgent a case is.
    Priority {
        /// Can wait.
        Low = "low",
        /// The usual.
        Normal = "normal",
        /// Soon.
        High = "high",
        /// Now: harm is happening.
        Critical = "critical",
    }
}

impl Priority {
    /// The Fluent id of the priority's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Priority::Low => "desk-priority-low",
            Priority::Normal => "desk-priority-normal",
            Priority::High => "desk-priority-high",
            Priority::Critical => "desk-priority-critical",
        }
    }
}

/// What an analyst (or the reporter) does to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// Start working on it.
    Open,
    /// Wait for someone outside.
    Stall,
    /// A report becomes part of an incident.
    Link,
    /// A report leaves its incident again (split).
    Unlink,
    /// An incident is merged into another: it ends, its reports move.
    MergeInto,
    /// Not an incident.
    Reject,
    /// Done.
    Resolve,
    /// Back to work.
    Reopen,
}

impl CaseAction {
    /// Every action.
    pub const ALL: [CaseAction; 8] = [
        CaseAction::Open,
        CaseAction::Stall,
        CaseAction::Link,
        CaseAction::Unlink,
        CaseAction::MergeInto,
        CaseAction::Reject,
        CaseAction::Resolve,
        CaseAction::Reopen,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Open => "open",
            CaseAction::Stall => "stall",
            CaseAction::Link => "link",
            CaseAction::Unlink => "unlink",
            CaseAction::MergeInto => "merge_into",
            CaseAction::Reject => "reject",
            CaseAction::Resolve => "resolve",
            CaseAction::Reopen => "reopen",
        }
    }
}

impl FromStr for CaseAction {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        CaseAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or(())
    }
}

/// Why an action cannot be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not possible on a {kind} in state {state}")]
pub struct NotAllowed {
    /// The case's kind.
    pub kind: CaseKind,
    /// Its state.
    pub state: CaseState,
    /// What was tried.
    pub action: CaseAction,
}

impl NotAllowed {
    /// The refusal for people.
    pub fn message(&self) -> Message {
        msg!(
            "desk-action-not-allowed",
            action = self.action.as_str(),
            state = Message::new(self.state.message_id())
        )
    }
}

/// The state `action` leads to from `state`, for a case of `kind`.
pub fn apply(
    kind: CaseKind,
    state: CaseState,
    action: CaseAction,
) -> Result<CaseState, NotAllowed> {
    use CaseAction as A;
    use CaseKind as K;
    use CaseState as S;
    let next = match (kind, state, action) {
        (_, S::New | S::Stalled, A::Open) => Some(S::Open),
        (K::Incident | K::Investigation, S::New | S::Open, A::Stall) => Some(S::Stalled),
        (K::Report, S::New | S::Open, A::Link) => Some(S::Linked),
        (K::Report, S::Linked, A::Unlink) => Some(S::Open),
        (K::Incident, S::New | S::Open | S::Stalled, A::MergeInto) => Some(S::Resolved),
        (K::Report | K::Incident, S::New | S::Open | S::Stalled, A::Reject) => Some(S::Rejected),
        (_, S::New | S::Open | S::Stalled | S::Linked, A::Resolve) => Some(S::Resolved),
        (_, S::Resolved | S::Rejected, A::Reopen) => Some(S::Open),
        _ => None,
    };
    next.ok_or(NotAllowed {
        kind,
        state,
        action,
    })
}

/// The state the reporter's status page shows: what happened to their report,
/// in the words of its incident when it has one (a linked report is as far as
/// its incident is).
pub fn reporter_state(report: CaseState, incident: Option<CaseState>) -> CaseState {
    match (report, incident) {
        (CaseState::Linked, Some(i)) => match i {
            CaseState::New => CaseState::Open,
            other => other,
        },
        (s, _) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rtir_workflow() {
        use CaseAction as A;
        use CaseKind as K;
        use CaseState as S;
        assert_eq!(apply(K::Report, S::New, A::Link), Ok(S::Linked));
        assert_eq!(apply(K::Report, S::Linked, A::Unlink), Ok(S::Open));
        assert_eq!(apply(K::Incident, S::Open, A::MergeInto), Ok(S::Resolved));
        assert_eq!(apply(K::Incident, S::Open, A::Resolve), Ok(S::Resolved));
        assert_eq!(apply(K::Incident, S::Resolved, A::Reopen), Ok(S::Open));
        assert_eq!(apply(K::Report, S::New, A::Reject), Ok(S::Rejected));
        assert!(apply(K::Incident, S::Open, A::Link).is_err());
        assert!(apply(K::Report, S::Resolved, A::Link).is_err());
        assert!(apply(K::Investigation, S::Open, A::Reject).is_err());
        assert!(apply(K::Report, S::Rejected, A::Resolve).is_err());
    }

    /// No state is a trap: every state has a way out, and every reachable
    /// state is a known one.
    #[test]
    fn every_state_has_an_action() {
        for kind in CaseKind::ALL {
            for state in CaseState::ALL {
                let ways = CaseAction::ALL
                    .iter()
                    .filter(|a| apply(*kind, *state, **a).is_ok())
                    .count();
                if *kind != CaseKind::Report && *state == CaseState::Linked {
                    continue; // only reports link
                }
                assert!(ways > 0, "{kind} {state} is a trap");
            }
        }
    }

    #[test]
    fn the_reporter_sees_the_incident() {
        assert_eq!(
            reporter_state(CaseState::Linked, Some(CaseState::Resolved)),
            CaseState::Resolved
        );
        assert_eq!(
            reporter_state(CaseState::Linked, Some(CaseState::New)),
            CaseState::Open
        );
        assert_eq!(reporter_state(CaseState::New, None), CaseState::New);
    }

    #[test]
    fn words_round_trip() {
        for s in CaseState::ALL {
            assert_eq!(s.as_str().parse::<CaseState>(), Ok(*s));
        }
        for a in CaseAction::ALL {
            assert_eq!(a.as_str().parse::<CaseAction>(), Ok(a));
        }
    }
}
