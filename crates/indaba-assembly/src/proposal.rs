//! A proposal's life (Decidim's proposals, Loomio's threads): a draft its
//! author writes, a discussion with comments and amendments the author
//! accepts or rejects, a decision poll, a published outcome, then
//! implementation. Every step is one of [`ProposalState`]'s transitions; no
//! step goes back, so the public record reads in one direction.

use indaba_model::msg;

use crate::{Refused, word_enum};

word_enum! {
    /// Where a proposal stands.
    ProposalState {
        /// Being written; only its committee sees it.
        Draft = "draft",
        /// Open for comments and amendments.
        Discussion = "discussion",
        /// A decision poll is open.
        Voting = "voting",
        /// The poll closed; the outcome is not published yet.
        Closed = "closed",
        /// The outcome is published.
        Decided = "decided",
        /// Withdrawn by its author before a decision.
        Withdrawn = "withdrawn",
    }
}

impl ProposalState {
    /// Whether the proposal may move from `self` to `to`.
    pub fn can_become(self, to: ProposalState) -> bool {
        use ProposalState::*;
        matches!(
            (self, to),
            (Draft, Discussion)
                | (Discussion, Voting)
                | (Voting, Closed)
                | (Closed, Decided)
                | (Draft | Discussion, Withdrawn)
        )
    }

    /// The move from `self` to `to`, or why not.
    pub fn become_(self, to: ProposalState) -> Result<ProposalState, Refused> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(msg!(
                "assembly-error-transition",
                from = self.as_str(),
                to = to.as_str()
            )
            .into())
        }
    }

    /// Whether comments and amendments are taken.
    pub fn open_for_discussion(self) -> bool {
        self == ProposalState::Discussion
    }

    /// Whether people outside the committee may see it at all (a draft
    /// stays with its committee whatever its visibility).
    pub fn shown_outside_committee(self) -> bool {
        self != ProposalState::Draft
    }

    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-state-{}", self.as_str())
    }
}

word_enum! {
    /// Where an amendment stands.
    AmendmentState {
        /// Waiting for the proposal's author.
        Pending = "pending",
        /// Accepted: the proposal's text became the amendment's.
        Accepted = "accepted",
        /// Rejected by the author.
        Rejected = "rejected",
    }
}

/// The author's answer to a pending amendment of a proposal in `state`.
pub fn answer_amendment(
    state: ProposalState,
    amendment: AmendmentState,
    is_author: bool,
    accept: bool,
) -> Result<AmendmentState, Refused> {
    if !is_author {
        return Err(msg!("assembly-error-not-author").into());
    }
    if !state.open_for_discussion() {
        return Err(msg!("assembly-error-not-in-discussion").into());
    }
    if amendment != AmendmentState::Pending {
        return Err(msg!("assembly-error-already-decided").into());
    }
    Ok(if accept {
        AmendmentState::Accepted
    } else {
        AmendmentState::Rejected
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProposalState::*;

    #[test]
    fn only_forward() {
        assert!(Draft.can_become(Discussion));
        assert!(Discussion.can_become(Voting));
        assert!(Voting.can_become(Closed));
        assert!(Closed.can_become(Decided));
        assert!(!Decided.can_become(Discussion));
        assert!(!Draft.can_become(Voting));
        assert!(!Voting.can_become(Withdrawn));
        assert!(Decided.become_(Draft).is_err());
        for s in ProposalState::ALL {
            assert!(!s.can_become(*s), "{s} to itself");
        }
    }

    #[test]
    fn amendments_are_the_authors_call() {
        use AmendmentState::*;
        assert_eq!(
            answer_amendment(Discussion, Pending, true, true),
            Ok(Accepted)
        );
        assert_eq!(
            answer_amendment(Discussion, Pending, true, false),
            Ok(Rejected)
        );
        assert!(answer_amendment(Discussion, Pending, false, true).is_err());
        assert!(answer_amendment(Voting, Pending, true, true).is_err());
        assert!(answer_amendment(Discussion, Accepted, true, false).is_err());
    }
}
