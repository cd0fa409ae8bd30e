//! Decision polls as Loomio's proposal: agree, abstain, disagree or block (a
//! reason required for disagree and block), or consent and objection; a
//! quorum; a closing date; results hidden until one has voted or until the
//! poll closes; anonymous or not. And the outcome: what was decided, by
//! which method, who was eligible, the turnout per stakeholder group, and
//! every position with its reason unless the poll was anonymous.

use std::collections::BTreeMap;

use indaba_model::msg;
use serde::{Deserialize, Serialize};

use crate::reminder::DAY;
use crate::{Refused, StakeholderGroup, word_enum};

word_enum! {
    /// How a poll asks.
    PollMethod {
        /// Agree, abstain, disagree, block.
        Proposal = "proposal",
        /// Consent or objection.
        Consent = "consent",
    }
}

word_enum! {
    /// A voter's position.
    Position {
        /// Agrees.
        Agree = "agree",
        /// Neither for nor against.
        Abstain = "abstain",
        /// Disagrees (a reason is required).
        Disagree = "disagree",
        /// Blocks: cannot live with it (a reason is required).
        Block = "block",
        /// Consents.
        Consent = "consent",
        /// Objects (a reason is required).
        Objection = "objection",
    }
}

word_enum! {
    /// When the results are shown to a voter.
    ResultsShown {
        /// Once that person has voted.
        AfterVote = "after_vote",
        /// Only when the poll has closed.
        AfterClose = "after_close",
    }
}

word_enum! {
    /// What a closed poll says.
    Verdict {
        /// Carried: agreed (no block) or consented (no objection).
        Carried = "carried",
        /// Blocked, or objected to.
        Blocked = "blocked",
        /// More disagreed than agreed.
        NotCarried = "not_carried",
        /// Too few voted.
        NoQuorum = "no_quorum",
    }
}

impl PollMethod {
    /// The positions a voter may take.
    pub fn positions(self) -> &'static [Position] {
        match self {
            PollMethod::Proposal => &[
                Position::Agree,
                Position::Abstain,
                Position::Disagree,
                Position::Block,
            ],
            PollMethod::Consent => &[Position::Consent, Position::Objection],
        }
    }

    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-method-{}", self.as_str())
    }
}

impl Position {
    /// Whether a reason must be given.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Position::Disagree | Position::Block | Position::Objection
        )
    }

    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-position-{}", self.as_str())
    }
}

impl Verdict {
    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-verdict-{}", self.as_str().replace('_', "-"))
    }
}

/// Reminder stages before a poll closes: a day, and two hours.
pub const CLOSING_REMINDERS: [i64; 2] = [DAY, 2 * 3600];

/// The rules a poll opens with; fixed once it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollRules {
    /// How it asks.
    pub method: PollMethod,
    /// The share of eligible voters who must vote, percent.
    pub quorum_percent: u8,
    /// Whether ballots are kept without names.
    pub anonymous: bool,
    /// When results are shown.
    pub results: ResultsShown,
    /// When it opened (Unix seconds).
    pub opens_at: i64,
    /// When it closes (Unix seconds).
    pub closes_at: i64,
}

impl PollRules {
    /// Rules from a form's values, or why not.
    pub fn new(
        method: PollMethod,
        quorum_percent: i64,
        anonymous: bool,
        results: ResultsShown,
        opens_at: i64,
        closes_at: i64,
    ) -> Result<PollRules, Refused> {
        let quorum_percent = u8::try_from(quorum_percent)
            .ok()
            .filter(|q| *q <= 100)
            .ok_or_else(|| Refused(msg!("assembly-error-quorum")))?;
        if closes_at <= opens_at || closes_at - opens_at > 366 * DAY {
            return Err(msg!("assembly-error-closing").into());
        }
        Ok(PollRules {
            method,
            quorum_percent,
            anonymous,
            results,
            opens_at,
            closes_at,
        })
    }

    /// Whether the poll is closed at `now` (or was closed early).
    pub fn closed(&self, now: i64, closed_early: bool) -> bool {
        closed_early || now >= self.closes_at
    }

    /// Whether a voter who has (or has not) voted may see the results.
    pub fn results_visible(&self, voted: bool, closed: bool) -> bool {
        closed || (self.results == ResultsShown::AfterVote && voted)
    }
}

/// A ballot as the voter fills it in, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The position.
    pub position: Position,
    /// The reason (may be empty for agree, abstain and consent).
    pub reason: String,
}

/// Checks a ballot: the voter is on the frozen list, the poll is open, the
/// position belongs to the method, and a reason comes with a disagreement,
/// a block or an objection.
pub fn choose(
    rules: &PollRules,
    eligible: bool,
    closed: bool,
    position: &str,
    reason: &str,
) -> Result<Choice, Refused> {
    if !eligible {
        return Err(msg!("assembly-error-not-eligible").into());
    }
    if closed {
        return Err(msg!("assembly-error-poll-closed").into());
    }
    let position = position
        .parse::<Position>()
        .ok()
        .filter(|p| rules.method.positions().contains(p))
        .ok_or_else(|| Refused(msg!("assembly-error-position")))?;
    let reason = crate::text::optional(reason, crate::text::MAX_REASON)?;
    if position.needs_reason() && reason.is_empty() {
        return Err(msg!(
            "assembly-error-reason-for",
            position = indaba_model::Message::new(position.label_id_static())
        )
        .into());
    }
    Ok(Choice { position, reason })
}

impl Position {
    // The ids are fixed, so a message built from one is checked like a literal.
    fn label_id_static(self) -> &'static str {
        match self {
            Position::Agree => "assembly-position-agree",
            Position::Abstain => "assembly-position-abstain",
            Position::Disagree => "assembly-position-disagree",
            Position::Block => "assembly-position-block",
            Position::Consent => "assembly-position-consent",
            Position::Objection => "assembly-position-objection",
        }
    }
}

/// Whether `voted` of `eligible` meets a quorum of `percent`.
pub fn quorum_reached(voted: usize, eligible: usize, percent: u8) -> bool {
    eligible > 0 && voted * 100 >= usize::from(percent) * eligible
}

/// How many took each position.
pub fn counts(method: PollMethod, positions: &[Position]) -> Vec<(Position, usize)> {
    method
        .positions()
        .iter()
        .map(|p| (*p, positions.iter().filter(|q| *q == p).count()))
        .collect()
}

/// What the poll says.
pub fn verdict(rules: &PollRules, positions: &[Position], eligible: usize) -> Verdict {
    if !quorum_reached(positions.len(), eligible, rules.quorum_percent) {
        return Verdict::NoQuorum;
    }
    let n = |p: Position| positions.iter().filter(|q| **q == p).count();
    match rules.method {
        PollMethod::Proposal if n(Position::Block) > 0 => Verdict::Blocked,
        PollMethod::Proposal if n(Position::Agree) > n(Position::Disagree) => Verdict::Carried,
        PollMethod::Proposal => Verdict::NotCarried,
        PollMethod::Consent if n(Position::Objection) > 0 => Verdict::Blocked,
        PollMethod::Consent => Verdict::Carried,
    }
}

/// Someone on a poll's frozen voter list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voter {
    /// Display name.
    pub name: String,
    /// Organisation name.
    pub organisation: String,
    /// Stakeholder group.
    pub group: StakeholderGroup,
    /// Whether they voted.
    pub voted: bool,
}

/// A ballot as counted: named, or (anonymous polls) without a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    /// Who, unless anonymous.
    pub voter: Option<String>,
    /// Their group, unless anonymous.
    pub group: Option<StakeholderGroup>,
    /// The position.
    pub position: Position,
    /// The reason.
    pub reason: String,
}

/// Turnout of one stakeholder group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turnout {
    /// The group.
    pub group: StakeholderGroup,
    /// Eligible voters of the group.
    pub eligible: usize,
    /// Of them, how many voted.
    pub voted: usize,
}

/// Turnout per group of a voter list.
pub fn turnout(voters: &[Voter]) -> Vec<Turnout> {
    let mut per: BTreeMap<StakeholderGroup, (usize, usize)> = BTreeMap::new();
    for v in voters {
        let e = per.entry(v.group).or_default();
        e.0 += 1;
        e.1 += usize::from(v.voted);
    }
    per.into_iter()
        .map(|(group, (eligible, voted))| Turnout {
            group,
            eligible,
            voted,
        })
        .collect()
}

/// A published outcome: everything the public record shows of a decision.
/// Stored once and never changed; a later outcome may supersede it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRecord {
    /// The decision, as its chair or author stated it.
    pub statement: String,
    /// The poll's rules.
    pub rules: PollRules,
    /// What the count says.
    pub verdict: Verdict,
    /// Who was eligible (the frozen list), with whether each voted.
    pub eligible: Vec<Voter>,
    /// Turnout per stakeholder group.
    pub turnout: Vec<Turnout>,
    /// How many took each position.
    pub counts: Vec<(Position, usize)>,
    /// Every position with its reason and, unless anonymous, its voter.
    /// Anonymous ballots are sorted by position and reason, so their order
    /// says nothing about when or by whom they were cast.
    pub ballots: Vec<Ballot>,
    /// When the poll closed.
    pub closed_at: i64,
}

/// The outcome of a closed poll.
pub fn outcome(
    statement: &str,
    rules: PollRules,
    eligible: Vec<Voter>,
    mut ballots: Vec<Ballot>,
    closed_at: i64,
) -> Result<OutcomeRecord, Refused> {
    let statement = crate::text::body(statement, crate::text::MAX_BODY)?;
    let positions: Vec<Position> = ballots.iter().map(|b| b.position).collect();
    if rules.anonymous {
        for b in &mut ballots {
            b.voter = None;
            b.group = None;
        }
        ballots.sort_by(|a, b| (a.position, &a.reason).cmp(&(b.position, &b.reason)));
    }
    Ok(OutcomeRecord {
        statement,
        verdict: verdict(&rules, &positions, eligible.len()),
        turnout: turnout(&eligible),
        counts: counts(rules.method, &positions),
        rules,
        eligible,
        ballots,
        closed_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use StakeholderGroup::*;

    fn rules(method: PollMethod, quorum: i64, anonymous: bool) -> PollRules {
        PollRules::new(method, quorum, anonymous, ResultsShown::AfterVote, 0, DAY).unwrap()
    }

    #[test]
    fn reasons_are_required_for_disagree_block_and_objection() {
        let r = rules(PollMethod::Proposal, 50, false);
        assert!(choose(&r, true, false, "agree", "").is_ok());
        assert!(choose(&r, true, false, "block", "").is_err());
        assert!(choose(&r, true, false, "disagree", "  ").is_err());
        let c = choose(&r, true, false, "block", "breaks the law").unwrap();
        assert_eq!(c.position, Position::Block);
        assert!(
            choose(&r, true, false, "consent", "").is_err(),
            "wrong method"
        );
        assert!(
            choose(&r, false, false, "agree", "").is_err(),
            "not eligible"
        );
        assert!(choose(&r, true, true, "agree", "").is_err(), "closed");
        let c = rules(PollMethod::Consent, 50, false);
        assert!(choose(&c, true, false, "objection", "").is_err());
        assert!(choose(&c, true, false, "consent", "").is_ok());
        assert!(choose(&c, true, false, "x\u{0}", "").is_err());
    }

    #[test]
    fn rules_are_bounded() {
        let m = PollMethod::Proposal;
        let s = ResultsShown::AfterClose;
        assert!(PollRules::new(m, 101, false, s, 0, 10).is_err());
        assert!(PollRules::new(m, -1, false, s, 0, 10).is_err());
        assert!(PollRules::new(m, 50, false, s, 10, 10).is_err());
        assert!(PollRules::new(m, 50, false, s, 0, 400 * DAY).is_err());
        let r = PollRules::new(m, 50, false, s, 0, 10).unwrap();
        assert!(!r.results_visible(true, false), "hidden until close");
        assert!(r.results_visible(false, true));
        let r = PollRules::new(m, 50, false, ResultsShown::AfterVote, 0, 10).unwrap();
        assert!(!r.results_visible(false, false));
        assert!(r.results_visible(true, false));
        assert!(r.closed(10, false) && r.closed(5, true) && !r.closed(5, false));
    }

    #[test]
    fn quorum_and_verdicts() {
        use Position::*;
        assert!(quorum_reached(2, 4, 50));
        assert!(!quorum_reached(1, 4, 50));
        assert!(!quorum_reached(0, 0, 0));
        let r = rules(PollMethod::Proposal, 50, false);
        assert_eq!(verdict(&r, &[Agree, Agree, Block], 4), Verdict::Blocked);
        assert_eq!(verdict(&r, &[Agree, Agree, Disagree], 4), Verdict::Carried);
        assert_eq!(verdict(&r, &[Agree, Disagree], 4), Verdict::NotCarried);
        assert_eq!(verdict(&r, &[Agree], 4), Verdict::NoQuorum);
        let c = rules(PollMethod::Consent, 0, false);
        assert_eq!(verdict(&c, &[Consent, Objection], 2), Verdict::Blocked);
        assert_eq!(verdict(&c, &[Consent], 2), Verdict::Carried);
    }

    fn voter(name: &str, group: StakeholderGroup, voted: bool) -> Voter {
        Voter {
            name: name.into(),
            organisation: "Org".into(),
            group,
            voted,
        }
    }

    #[test]
    fn outcomes_count_turnout_and_keep_or_drop_names() {
        let eligible = vec![
            voter("Ann", Government, true),
            voter("Bob", Government, false),
            voter("Cy", CivilSociety, true),
        ];
        let ballots = vec![
            Ballot {
                voter: Some("Cy".into()),
                group: Some(CivilSociety),
                position: Position::Block,
                reason: "privacy".into(),
            },
            Ballot {
                voter: Some("Ann".into()),
                group: Some(Government),
                position: Position::Agree,
                reason: String::new(),
            },
        ];
        let named = outcome(
            "We adopt it.",
            rules(PollMethod::Proposal, 50, false),
            eligible.clone(),
            ballots.clone(),
            DAY,
        )
        .unwrap();
        assert_eq!(named.verdict, Verdict::Blocked);
        assert_eq!(
            named.turnout,
            vec![
                Turnout {
                    group: Government,
                    eligible: 2,
                    voted: 1
                },
                Turnout {
                    group: CivilSociety,
                    eligible: 1,
                    voted: 1
                }
            ]
        );
        assert_eq!(named.ballots[0].voter.as_deref(), Some("Cy"));
        let anonymous = outcome(
            "We adopt it.",
            rules(PollMethod::Proposal, 50, true),
            eligible,
            ballots,
            DAY,
        )
        .unwrap();
        assert!(
            anonymous
                .ballots
                .iter()
                .all(|b| b.voter.is_none() && b.group.is_none())
        );
        assert_eq!(anonymous.ballots[0].position, Position::Agree, "sorted");
        assert!(outcome("", rules(PollMethod::Proposal, 0, false), vec![], vec![], 0).is_err());
    }
}
