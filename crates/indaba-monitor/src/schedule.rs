//! Schedules: a list is scanned again daily, weekly, every two weeks,
//! monthly or quarterly. Every list gets its own fixed offset into the
//! period (a hash of its id), so a thousand monthly lists spread over the
//! month instead of all starting at midnight on the first (the Internet.nl
//! dashboard's issue #610), and the same list always starts at the same
//! point of its period, whichever scheduler computes it.

use std::fmt;
use std::str::FromStr;

use indaba_model::{Message, msg};
use sha2::{Digest, Sha256};
use time::{Date, Month, OffsetDateTime, Time};

/// How often a list is scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cadence {
    /// Every day.
    Daily,
    /// Every week (periods start on Mondays).
    Weekly,
    /// Every two weeks.
    Biweekly,
    /// Every calendar month.
    Monthly,
    /// Every calendar quarter.
    Quarterly,
}

const DAY: i64 = 86_400;

impl Cadence {
    /// Every cadence.
    pub const ALL: [Cadence; 5] = [
        Cadence::Daily,
        Cadence::Weekly,
        Cadence::Biweekly,
        Cadence::Monthly,
        Cadence::Quarterly,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly => "weekly",
            Cadence::Biweekly => "biweekly",
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
        }
    }

    /// The period that contains `t` (Unix seconds): its start and its end.
    pub fn period(self, t: i64) -> (i64, i64) {
        match self {
            Cadence::Daily => {
                let start = t.div_euclid(DAY) * DAY;
                (start, start + DAY)
            }
            // 1970-01-05 was a Monday.
            Cadence::Weekly | Cadence::Biweekly => {
                let len = if self == Cadence::Weekly { 7 } else { 14 } * DAY;
                let monday = 4 * DAY;
                let start = (t - monday).div_euclid(len) * len + monday;
                (start, start + len)
            }
            Cadence::Monthly | Cadence::Quarterly => {
                let step = if self == Cadence::Monthly { 1 } else { 3 };
                let date = OffsetDateTime::from_unix_timestamp(t)
                    .unwrap_or(OffsetDateTime::UNIX_EPOCH)
                    .date();
                let first_month = (date.month() as u8 - 1) / step * step + 1;
                let start = month_start(date.year(), first_month);
                let (ny, nm) = if first_month + step > 12 {
                    (date.year() + 1, first_month + step - 12)
                } else {
                    (date.year(), first_month + step)
                };
                (start, month_start(ny, nm))
            }
        }
    }

    /// When a list with id `list_id` is next scanned after `after`: its
    /// fixed offset into the first period whose start plus offset is later
    /// than `after`.
    pub fn next_run(self, list_id: &str, after: i64) -> i64 {
        let fraction = jitter_fraction(list_id);
        let (mut start, mut end) = self.period(after);
        loop {
            let at = start + ((end - start) as f64 * fraction) as i64;
            if at > after {
                return at;
            }
            (start, end) = self.period(end);
        }
    }
}

fn month_start(year: i32, month: u8) -> i64 {
    let month = Month::try_from(month).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, 1)
        .map(|d| d.with_time(Time::MIDNIGHT).assume_utc().unix_timestamp())
        .unwrap_or(0)
}

/// A list's fixed place in [0, 1) of every period, from its id.
pub fn jitter_fraction(list_id: &str) -> f64 {
    let digest = Sha256::digest(list_id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Cadence {
    type Err = Message;
    fn from_str(s: &str) -> Result<Self, Message> {
        let s = s.trim().to_ascii_lowercase();
        Cadence::ALL
            .into_iter()
            .find(|c| c.as_str() == s || (s == "fortnightly" && *c == Cadence::Biweekly))
            .ok_or_else(|| msg!("monitor-cadence-unknown", value = s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN_1_2027: i64 = 1_798_761_600; // a Friday

    #[test]
    fn periods_are_calendar_periods() {
        assert_eq!(
            Cadence::Daily.period(JAN_1_2027 + 5),
            (JAN_1_2027, JAN_1_2027 + DAY)
        );
        let (s, e) = Cadence::Weekly.period(JAN_1_2027);
        assert_eq!(e - s, 7 * DAY);
        // Monday 2026-12-28.
        assert_eq!(s, JAN_1_2027 - 4 * DAY);
        let (s, e) = Cadence::Monthly.period(JAN_1_2027 + 40 * DAY); // 10 Feb
        assert_eq!(s, JAN_1_2027 + 31 * DAY);
        assert_eq!(e - s, 28 * DAY);
        let (s, e) = Cadence::Quarterly.period(JAN_1_2027 + 100 * DAY); // April
        assert_eq!(s, JAN_1_2027 + 90 * DAY);
        assert_eq!(e - s, 91 * DAY);
        let (s, e) = Cadence::Quarterly.period(JAN_1_2027 - DAY); // 31 Dec 2026
        assert_eq!(e, JAN_1_2027);
        assert_eq!(e - s, 92 * DAY);
    }

    #[test]
    fn jitter_is_deterministic_and_inside_the_period() {
        for c in Cadence::ALL {
            for id in ["a", "banks", "xyz-123"] {
                let t = c.next_run(id, JAN_1_2027);
                assert_eq!(t, c.next_run(id, JAN_1_2027), "same list, same time");
                assert!(t > JAN_1_2027);
                let next = c.next_run(id, t);
                assert!(next > t);
                let (s, e) = c.period(t);
                assert!(next >= e && next < e + (e - s) * 2, "{c}: one period later");
            }
        }
    }

    /// A thousand monthly lists spread over the month: no day gets more than
    /// three times its share, and nobody starts at midnight on the first.
    #[test]
    fn lists_do_not_all_start_at_midnight_on_the_first() {
        let mut per_day = [0u32; 31];
        for i in 0..1000 {
            let t = Cadence::Monthly.next_run(&format!("list-{i}"), JAN_1_2027 - 1);
            assert_ne!(t, JAN_1_2027);
            assert!(t < JAN_1_2027 + 31 * DAY);
            per_day[((t - JAN_1_2027) / DAY) as usize] += 1;
        }
        let share = 1000 / 31;
        assert!(per_day.iter().all(|&n| n <= 3 * share), "{per_day:?}");
        assert!(
            per_day.iter().filter(|&&n| n > 0).count() >= 28,
            "{per_day:?}"
        );
    }

    #[test]
    fn cadences_parse() {
        assert_eq!("Monthly".parse::<Cadence>().unwrap(), Cadence::Monthly);
        assert_eq!("fortnightly".parse::<Cadence>().unwrap(), Cadence::Biweekly);
        assert!("hourly".parse::<Cadence>().is_err());
    }
}
