//! Service levels: when a case must have had its first answer and when it
//! must be resolved, per class of the taxonomy and priority; and what is
//! overdue. Times are Unix seconds, calendar time (the desk's people answer
//! victims at weekends too).

use serde::{Deserialize, Serialize};

use crate::case::Priority;
use crate::taxonomy::Classification;

/// Hours to the first answer and to resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Hours until the first answer is due.
    pub respond_hours: i64,
    /// Hours until resolution is due.
    pub resolve_hours: i64,
}

/// The service levels of a desk: a default, and overrides per class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevels {
    /// Levels for classes not named below.
    pub default: Level,
    /// (class, level) overrides.
    pub classes: Vec<(String, Level)>,
}

impl Default for ServiceLevels {
    /// Victims are answered within a working day; a BGP hijack or an
    /// intrusion is urgent; a vulnerable service found by a scan can wait.
    fn default() -> Self {
        let level = |respond_hours, resolve_hours| Level {
            respond_hours,
            resolve_hours,
        };
        ServiceLevels {
            default: level(24, 24 * 14),
            classes: vec![
                ("cybercrime-victim".into(), level(8, 24 * 7)),
                ("bgp-hijack".into(), level(1, 24)),
                ("intrusions".into(), level(4, 24 * 3)),
                ("availability".into(), level(2, 48)),
                ("vulnerable".into(), level(72, 24 * 30)),
            ],
        }
    }
}

/// When things are due for one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The first answer, Unix seconds.
    pub respond_by: i64,
    /// Resolution, Unix seconds.
    pub resolve_by: i64,
}

impl ServiceLevels {
    /// The level for `class`.
    pub fn level(&self, class: Classification) -> Level {
        self.classes
            .iter()
            .find(|(c, _)| c == class.class())
            .map(|(_, l)| *l)
            .unwrap_or(self.default)
    }

    /// When a case of `class` and `priority` opened at `opened` is due:
    /// a higher priority halves the time (critical: a quarter), a low one
    /// doubles it.
    pub fn due(&self, class: Classification, priority: Priority, opened: i64) -> Due {
        let level = self.level(class);
        let scale = |hours: i64| -> i64 {
            let scaled = match priority {
                Priority::Low => hours * 2,
                Priority::Normal => hours,
                Priority::High => hours / 2,
                Priority::Critical => hours / 4,
            };
            scaled.max(1) * 3600
        };
        Due {
            respond_by: opened.saturating_add(scale(level.respond_hours)),
            resolve_by: opened.saturating_add(scale(level.resolve_hours)),
        }
    }
}

/// Whether a case due at `due` is overdue at `now` (an open case only: a
/// closed one is never overdue).
pub fn is_overdue(due: i64, now: i64, closed: bool) -> bool {
    !closed && now > due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_follow_class_and_priority() {
        let levels = ServiceLevels::default();
        let victim: Classification = "cybercrime-victim/identity-theft".parse().unwrap();
        let scan: Classification = "vulnerable/ddos-amplifier".parse().unwrap();
        let d = levels.due(victim, Priority::Normal, 1000);
        assert_eq!(d.respond_by, 1000 + 8 * 3600);
        assert_eq!(d.resolve_by, 1000 + 7 * 24 * 3600);
        let c = levels.due(victim, Priority::Critical, 1000);
        assert_eq!(c.respond_by, 1000 + 2 * 3600);
        let s = levels.due(scan, Priority::Low, 0);
        assert_eq!(s.respond_by, 144 * 3600);
        let other = levels.due(Classification::undetermined(), Priority::Normal, 0);
        assert_eq!(other.respond_by, 24 * 3600);
        assert!(is_overdue(10, 11, false));
        assert!(!is_overdue(10, 11, true));
        assert!(!is_overdue(10, 10, false));
    }
}
