//! Nothing waits in silence: reminders to the victim on days 1, 3 and 7
//! after their report (configurable), until they say it is solved or the case
//! closes; and reminders to a party a case was forwarded to that has not
//! answered. [`due`] is a pure function of the schedule, what was sent and
//! the time, so a test clock drives it exactly as the real one does.

use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// When reminders go out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Days after the report on which the victim hears from the desk.
    pub victim_days: Vec<u32>,
    /// Days after forwarding without an answer on which the party is reminded.
    pub forward_days: Vec<u32>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            victim_days: vec![1, 3, 7],
            forward_days: vec![3, 7],
        }
    }
}

impl Schedule {
    /// Parses `1,3,7` into days (each 1–365, at most 20), for the settings.
    pub fn parse_days(text: &str) -> Option<Vec<u32>> {
        let mut days: Vec<u32> = text
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=365).contains(d))
            })
            .collect::<Option<_>>()?;
        days.sort_unstable();
        days.dedup();
        (days.len() <= 20 && !days.is_empty()).then_some(days)
    }
}

/// The reminder days that are due at `now` for something that started at
/// `since` and has had reminders for `sent` days already. Only the latest
/// due day is returned when several are late (one mail, not a burst after
/// the desk was down for a week); the earlier ones count as passed.
pub fn due(days: &[u32], since: i64, sent: &[u32], now: i64) -> Option<u32> {
    days.iter()
        .copied()
        .filter(|d| since.saturating_add(i64::from(*d) * DAY) <= now)
        .filter(|d| !sent.iter().any(|s| s >= d))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_on_days_one_three_seven() {
        let s = Schedule::default();
        let t0 = 1_000_000;
        assert_eq!(due(&s.victim_days, t0, &[], t0 + DAY - 1), None);
        assert_eq!(due(&s.victim_days, t0, &[], t0 + DAY), Some(1));
        assert_eq!(due(&s.victim_days, t0, &[1], t0 + 2 * DAY), None);
        assert_eq!(due(&s.victim_days, t0, &[1], t0 + 3 * DAY), Some(3));
        // Late by a week: one reminder, for day 7.
        assert_eq!(due(&s.victim_days, t0, &[], t0 + 10 * DAY), Some(7));
        assert_eq!(due(&s.victim_days, t0, &[7], t0 + 30 * DAY), None);
    }

    #[test]
    fn days_parse() {
        assert_eq!(Schedule::parse_days("7, 1,3"), Some(vec![1, 3, 7]));
        assert_eq!(Schedule::parse_days("0"), None);
        assert_eq!(Schedule::parse_days("x"), None);
        assert_eq!(Schedule::parse_days(""), None);
    }
}
