//! The time deadlines and reminders are judged by: the system's, or — when
//! the server runs with `--test-clock` — the system's moved by an offset an
//! admin sets, so a test can jump to "three days before the deadline"
//! instead of sleeping. `serve`'s scan scheduler stamps a scan's finish by
//! it too, so that a scan's statistics judge owners' explanations (and
//! their expiry) at the platform's moment. Sessions, audit entries and rate
//! limits keep the real time.

use std::sync::atomic::{AtomicI64, Ordering};

/// The platform's clock for the assembly.
#[derive(Debug)]
pub struct Clock {
    settable: bool,
    offset: AtomicI64,
}

impl Clock {
    /// The system's clock; settable when `settable`.
    pub fn new(settable: bool) -> Clock {
        Clock {
            settable,
            offset: AtomicI64::new(0),
        }
    }

    /// Now, Unix seconds.
    pub fn now(&self) -> i64 {
        indaba_store::now().saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// Whether this clock may be set.
    pub fn settable(&self) -> bool {
        self.settable
    }

    /// Moves the clock so that now is `at`; `false` (and no change) unless
    /// the clock is settable.
    pub fn set(&self, at: i64) -> bool {
        if self.settable {
            self.offset
                .store(at.saturating_sub(indaba_store::now()), Ordering::Relaxed);
        }
        self.settable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_test_clock_moves() {
        let fixed = Clock::new(false);
        assert!(!fixed.set(0));
        assert!((fixed.now() - indaba_store::now()).abs() <= 1);
        let test = Clock::new(true);
        assert!(test.set(2_000_000_000));
        assert!((test.now() - 2_000_000_000).abs() <= 1);
    }
}
