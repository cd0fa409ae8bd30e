//! A scan: one run of a list's tests, as an explicit state machine (the
//! Internet.nl dashboard's scan monitor shows its states; ours are fewer
//! because our workers test directly).
//!
//! `queued` (jobs enqueued, none claimed) → `running` (a worker took one) →
//! `finishing` (every job is done or in error; statistics are being made) →
//! `done`. A scan that is not finished can be `cancelled`: its queued jobs
//! are withdrawn, running ones finish and are kept.

use std::fmt;
use std::str::FromStr;

use indaba_model::{Message, msg};

/// Where a scan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScanState {
    /// Jobs are waiting; no worker has started one.
    Queued,
    /// Workers are testing.
    Running,
    /// Every job has ended; the results are being summed up.
    Finishing,
    /// Finished.
    Done,
    /// Stopped by someone before it finished.
    Cancelled,
}

/// What can happen to a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanEvent {
    /// A worker claimed one of its jobs.
    JobClaimed,
    /// No job is queued or running any more.
    AllJobsEnded,
    /// The summary is written.
    Summarised,
    /// Someone cancelled it.
    Cancel,
}

impl ScanState {
    /// Every state, in life order.
    pub const ALL: [ScanState; 5] = [
        ScanState::Queued,
        ScanState::Running,
        ScanState::Finishing,
        ScanState::Done,
        ScanState::Cancelled,
    ];

    /// The state after `event`, or why the event does not apply.
    pub fn next(self, event: ScanEvent) -> Result<ScanState, Message> {
        use ScanEvent as E;
        use ScanState as S;
        match (self, event) {
            (S::Queued, E::JobClaimed) | (S::Running, E::JobClaimed) => Ok(S::Running),
            // A scan whose jobs all ended before anyone saw it run (every
            // domain refused at once, or an empty list).
            (S::Queued | S::Running, E::AllJobsEnded) => Ok(S::Finishing),
            (S::Finishing, E::Summarised) => Ok(S::Done),
            (S::Queued | S::Running, E::Cancel) => Ok(S::Cancelled),
            (S::Finishing | S::Done | S::Cancelled, E::Cancel) => {
                Err(msg!("monitor-scan-cannot-cancel", state = self.as_str()))
            }
            (state, _) => Err(msg!("monitor-scan-bad-transition", state = state.as_str())),
        }
    }

    /// Whether the scan still has work that workers may take.
    pub fn active(self) -> bool {
        matches!(self, ScanState::Queued | ScanState::Running)
    }

    /// Whether nothing more will happen to it.
    pub fn ended(self) -> bool {
        matches!(self, ScanState::Done | ScanState::Cancelled)
    }

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanState::Queued => "queued",
            ScanState::Running => "running",
            ScanState::Finishing => "finishing",
            ScanState::Done => "done",
            ScanState::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for ScanState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ScanState {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ScanState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or(())
    }
}

/// How many of a scan's jobs are where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanCounts {
    /// Waiting (including those waiting out a back-off).
    pub queued: u64,
    /// Held by a worker.
    pub running: u64,
    /// Finished with a report.
    pub done: u64,
    /// Given up, with a reason.
    pub error: u64,
    /// Withdrawn by a cancel.
    pub cancelled: u64,
}

impl ScanCounts {
    /// Every job.
    pub fn total(&self) -> u64 {
        self.queued + self.running + self.done + self.error + self.cancelled
    }

    /// Jobs that have ended one way or another.
    pub fn ended(&self) -> u64 {
        self.done + self.error + self.cancelled
    }

    /// Whether no job is waiting or running.
    pub fn settled(&self) -> bool {
        self.queued == 0 && self.running == 0
    }

    /// The event these counts mean for a scan in `state`, if any: an active
    /// scan whose jobs have all ended moves on to finishing.
    pub fn event_for(&self, state: ScanState) -> Option<ScanEvent> {
        (state.active() && self.settled()).then_some(ScanEvent::AllJobsEnded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScanEvent as E;
    use ScanState as S;

    #[test]
    fn the_happy_path() {
        let s = S::Queued.next(E::JobClaimed).unwrap();
        assert_eq!(s, S::Running);
        let s = s.next(E::JobClaimed).unwrap();
        let s = s.next(E::AllJobsEnded).unwrap();
        assert_eq!(s, S::Finishing);
        assert_eq!(s.next(E::Summarised).unwrap(), S::Done);
    }

    #[test]
    fn cancel_only_while_active() {
        assert_eq!(S::Queued.next(E::Cancel).unwrap(), S::Cancelled);
        assert_eq!(S::Running.next(E::Cancel).unwrap(), S::Cancelled);
        for s in [S::Finishing, S::Done, S::Cancelled] {
            assert_eq!(
                s.next(E::Cancel).unwrap_err().id,
                "monitor-scan-cannot-cancel"
            );
        }
        assert!(S::Cancelled.next(E::JobClaimed).is_err());
        assert!(S::Done.next(E::AllJobsEnded).is_err());
    }

    #[test]
    fn states_round_trip() {
        for s in S::ALL {
            assert_eq!(s.as_str().parse::<S>(), Ok(s));
        }
        assert!("paused".parse::<S>().is_err());
    }

    #[test]
    fn counts_say_when_a_scan_has_ended() {
        let c = ScanCounts {
            done: 3,
            error: 1,
            ..ScanCounts::default()
        };
        assert_eq!(c.total(), 4);
        assert_eq!(c.event_for(S::Running), Some(E::AllJobsEnded));
        assert_eq!(c.event_for(S::Done), None);
        let busy = ScanCounts { running: 1, ..c };
        assert_eq!(busy.event_for(S::Running), None);
    }
}
