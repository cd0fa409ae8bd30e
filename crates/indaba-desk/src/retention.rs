//! How long the desk keeps what it holds after a case closes, per category,
//! and what happens then: personal data (the reporter's name and address,
//! the description, messages, attachments, the plan) is deleted; the case is
//! kept as an anonymous aggregate only (its class, month, region, sector),
//! so statistics stay true. POPIA and the GDPR both ask for no longer than
//! needed; the periods are settings, the defaults below.

use serde::{Deserialize, Serialize};

use crate::followup::DAY;
use crate::taxonomy::Classification;

/// Days kept after closing, per class, and a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Days for classes not named.
    pub default_days: u32,
    /// (class, days).
    pub classes: Vec<(String, u32)>,
}

impl Default for Retention {
    /// Victims' cases 180 days after closing (long enough for a follow-up
    /// question, a police request); technical incidents two years (repeat
    /// offenders); feed events 90 days.
    fn default() -> Self {
        Retention {
            default_days: 730,
            classes: vec![("cybercrime-victim".into(), 180), ("vulnerable".into(), 90)],
        }
    }
}

/// What to do with a closed case now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    /// Keep it: its period is not over (or it is not closed).
    Keep,
    /// Remove the personal data, keep the anonymous aggregate.
    Anonymise,
}

impl Retention {
    /// The days for `class`.
    pub fn days(&self, class: Classification) -> u32 {
        self.classes
            .iter()
            .find(|(c, _)| c == class.class())
            .map(|(_, d)| *d)
            .unwrap_or(self.default_days)
    }

    /// What to do at `now` with a case of `class` closed at `closed_at`
    /// (`None`: still open).
    pub fn decide(&self, class: Classification, closed_at: Option<i64>, now: i64) -> Decision {
        match closed_at {
            Some(t) if t.saturating_add(i64::from(self.days(class)) * DAY) <= now => {
                Decision::Anonymise
            }
            _ => Decision::Keep,
        }
    }

    /// The closing time before which cases of `class` are due at `now`.
    pub fn cutoff(&self, class: Classification, now: i64) -> i64 {
        now.saturating_sub(i64::from(self.days(class)) * DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_per_class() {
        let r = Retention::default();
        let victim: Classification = "cybercrime-victim/sextortion".parse().unwrap();
        let intrusion: Classification = "intrusions/system-compromise".parse().unwrap();
        assert_eq!(r.decide(victim, None, i64::MAX), Decision::Keep);
        assert_eq!(r.decide(victim, Some(0), 179 * DAY), Decision::Keep);
        assert_eq!(r.decide(victim, Some(0), 180 * DAY), Decision::Anonymise);
        assert_eq!(r.decide(intrusion, Some(0), 180 * DAY), Decision::Keep);
        assert_eq!(r.cutoff(victim, 200 * DAY), 20 * DAY);
    }
}
