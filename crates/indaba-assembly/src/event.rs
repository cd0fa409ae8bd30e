//! Events (seed 001: seminars and webinars, two a year; Decidim's meetings):
//! the kinds, registration with a cap and a waiting list, attendance per
//! stakeholder group, and reminders before the start.

use std::collections::BTreeMap;

use indaba_model::msg;

use crate::reminder::DAY;
use crate::{Refused, StakeholderGroup, word_enum};

word_enum! {
    /// What kind of event.
    EventKind {
        /// A seminar in a room.
        Seminar = "seminar",
        /// A webinar online.
        Webinar = "webinar",
        /// A (committee) meeting.
        Meeting = "meeting",
    }
}

impl EventKind {
    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-event-kind-{}", self.as_str())
    }
}

word_enum! {
    /// A person's place at an event.
    Registration {
        /// Has a seat.
        Registered = "registered",
        /// On the waiting list.
        Waiting = "waiting",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

/// Reminder stages before an event starts: a day.
pub const START_REMINDERS: [i64; 1] = [DAY];

/// The largest capacity one can set.
pub const MAX_CAPACITY: i64 = 100_000;

/// A capacity from a form: empty is "no cap".
pub fn capacity(text: &str) -> Result<Option<u32>, Refused> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .ok()
        .filter(|c| (1..=MAX_CAPACITY).contains(c))
        .map(|c| Some(c as u32))
        .ok_or_else(|| msg!("assembly-error-capacity", max = MAX_CAPACITY).into())
}

/// When an event starts and ends, checked.
pub fn schedule(starts_at: i64, ends_at: i64) -> Result<(i64, i64), Refused> {
    if ends_at <= starts_at || ends_at - starts_at > 14 * DAY {
        return Err(msg!("assembly-error-schedule").into());
    }
    Ok((starts_at, ends_at))
}

/// Where a new registration goes, given the cap and the seats taken.
pub fn place(capacity: Option<u32>, registered: usize) -> Registration {
    match capacity {
        Some(cap) if registered >= cap as usize => Registration::Waiting,
        _ => Registration::Registered,
    }
}

/// How many of the waiting list (in order) move up, given the cap and the
/// seats taken now.
pub fn promotions(capacity: Option<u32>, registered: usize, waiting: usize) -> usize {
    match capacity {
        None => waiting,
        Some(cap) => (cap as usize).saturating_sub(registered).min(waiting),
    }
}

/// Attendance per stakeholder group: (group, attended).
pub fn attendance(groups: &[StakeholderGroup]) -> Vec<(StakeholderGroup, usize)> {
    let mut per: BTreeMap<StakeholderGroup, usize> = BTreeMap::new();
    for g in groups {
        *per.entry(*g).or_default() += 1;
    }
    per.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_waiting_lists() {
        assert_eq!(place(Some(2), 1), Registration::Registered);
        assert_eq!(place(Some(2), 2), Registration::Waiting);
        assert_eq!(place(None, 1000), Registration::Registered);
        assert_eq!(promotions(Some(2), 1, 5), 1);
        assert_eq!(promotions(Some(2), 2, 5), 0);
        assert_eq!(promotions(None, 2, 5), 5);
        assert_eq!(capacity(""), Ok(None));
        assert_eq!(capacity("30"), Ok(Some(30)));
        assert!(capacity("0").is_err() && capacity("-3").is_err() && capacity("x").is_err());
        assert!(schedule(10, 5).is_err());
        assert!(schedule(0, 3600).is_ok());
        assert_eq!(
            attendance(&[
                StakeholderGroup::Cert,
                StakeholderGroup::Government,
                StakeholderGroup::Cert
            ]),
            vec![
                (StakeholderGroup::Government, 1),
                (StakeholderGroup::Cert, 2)
            ]
        );
    }
}
