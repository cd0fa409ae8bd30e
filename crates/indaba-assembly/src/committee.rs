//! Committees (seed 003: each "with a defined role and set of
//! responsibilities", "equal representation of a diverse set of
//! stakeholders"): seats with roles, who may vote, and the balance of voting
//! seats per stakeholder group with a warning when one group holds more
//! than the configured share.

use std::collections::BTreeMap;

use crate::{StakeholderGroup, word_enum};

word_enum! {
    /// A person's role in a committee.
    CommitteeRole {
        /// Chairs: runs the committee, opens polls, publishes outcomes.
        Chair = "chair",
        /// A voting member.
        Member = "member",
        /// Speaks (comments, amendments) but never votes.
        Observer = "observer",
    }
}

impl CommitteeRole {
    /// Whether this role votes.
    pub fn votes(self) -> bool {
        self != CommitteeRole::Observer
    }

    /// Whether this role may draft proposals and set up events.
    pub fn proposes(self) -> bool {
        self != CommitteeRole::Observer
    }

    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-role-{}", self.as_str())
    }
}

/// The default largest share of voting seats one group may hold, percent.
pub const DEFAULT_MAX_SHARE: u8 = 40;

/// One group's seats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSeats {
    /// The group.
    pub group: StakeholderGroup,
    /// Voting seats (chairs and members).
    pub voting: usize,
    /// Observers.
    pub observers: usize,
    /// Share of all voting seats, whole percent (rounded down).
    pub share: u8,
    /// Whether the share is over the limit.
    pub over: bool,
}

/// The balance of a committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// Per group, in group order; groups without seats left out.
    pub groups: Vec<GroupSeats>,
    /// All voting seats.
    pub voting: usize,
    /// The limit applied, percent.
    pub max_share: u8,
}

impl Balance {
    /// The groups over the limit.
    pub fn warnings(&self) -> Vec<StakeholderGroup> {
        self.groups
            .iter()
            .filter(|g| g.over)
            .map(|g| g.group)
            .collect()
    }
}

/// The balance of `seats` (each seat's group and role) against `max_share`
/// percent of the voting seats.
pub fn balance(seats: &[(StakeholderGroup, CommitteeRole)], max_share: u8) -> Balance {
    let max_share = max_share.clamp(1, 100);
    let mut per: BTreeMap<StakeholderGroup, (usize, usize)> = BTreeMap::new();
    for (group, role) in seats {
        let entry = per.entry(*group).or_default();
        if role.votes() {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    let voting: usize = per.values().map(|(v, _)| v).sum();
    let groups = per
        .into_iter()
        .map(|(group, (v, o))| GroupSeats {
            group,
            voting: v,
            observers: o,
            share: (v * 100).checked_div(voting).unwrap_or(0) as u8,
            // Compared in whole seats, so 2 of 5 at 40 % is not over.
            over: voting > 0 && v * 100 > usize::from(max_share) * voting,
        })
        .collect();
    Balance {
        groups,
        voting,
        max_share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommitteeRole::*;
    use StakeholderGroup::*;

    #[test]
    fn observers_never_count_and_the_limit_warns() {
        let seats = [
            (Government, Chair),
            (Government, Member),
            (Government, Member),
            (PrivateSector, Member),
            (CivilSociety, Observer),
        ];
        let b = balance(&seats, 40);
        assert_eq!(b.voting, 4);
        assert_eq!(b.warnings(), vec![Government]);
        let gov = &b.groups[0];
        assert_eq!((gov.voting, gov.share), (3, 75));
        let cs = b.groups.iter().find(|g| g.group == CivilSociety).unwrap();
        assert_eq!((cs.voting, cs.observers, cs.over), (0, 1, false));
        assert!(!Observer.votes() && Chair.votes() && Member.votes());
    }

    #[test]
    fn exactly_at_the_limit_is_fine() {
        let seats = [
            (Government, Member),
            (Government, Member),
            (Academia, Member),
            (Cert, Member),
            (PrivateSector, Member),
        ];
        assert!(balance(&seats, 40).warnings().is_empty());
        assert_eq!(balance(&seats, 39).warnings(), vec![Government]);
        assert!(balance(&[], 40).warnings().is_empty());
    }
}
