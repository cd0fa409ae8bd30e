//! Implementation of a decision, as Decidim's accountability tracks a
//! result: a status, progress from 0 to 100 %, and links to the proposals
//! and meetings it came from.

use indaba_model::msg;

use crate::{Refused, word_enum};

word_enum! {
    /// Where the implementation of a decision stands.
    ImplementationStatus {
        /// Decided, not started.
        NotStarted = "not_started",
        /// Under way.
        InProgress = "in_progress",
        /// Finished.
        Done = "done",
        /// Given up (the reason in the note).
        Abandoned = "abandoned",
    }
}

impl ImplementationStatus {
    /// The Fluent id of its name.
    pub fn label_id(self) -> String {
        format!("assembly-impl-{}", self.as_str().replace('_', "-"))
    }
}

/// Progress in whole percent, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Progress(u8);

impl Progress {
    /// Progress from a number, or why not.
    pub fn new(percent: i64) -> Result<Progress, Refused> {
        u8::try_from(percent)
            .ok()
            .filter(|p| *p <= 100)
            .map(Progress)
            .ok_or_else(|| msg!("assembly-error-progress").into())
    }

    /// Parses a form field.
    pub fn parse(text: &str) -> Result<Progress, Refused> {
        text.trim()
            .parse::<i64>()
            .map_err(|_| Refused(msg!("assembly-error-progress")))
            .and_then(Progress::new)
    }

    /// The percent.
    pub fn percent(self) -> u8 {
        self.0
    }
}

/// The status and progress together, made consistent: done is 100 %, and
/// 100 % is done.
pub fn settle(
    status: ImplementationStatus,
    progress: Progress,
) -> (ImplementationStatus, Progress) {
    match (status, progress.0) {
        (ImplementationStatus::Done, _) => (status, Progress(100)),
        (ImplementationStatus::Abandoned, _) => (status, progress),
        (_, 100) => (ImplementationStatus::Done, progress),
        (ImplementationStatus::NotStarted, p) if p > 0 => {
            (ImplementationStatus::InProgress, progress)
        }
        _ => (status, progress),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImplementationStatus::*;

    #[test]
    fn progress_is_bounded_and_consistent() {
        assert!(Progress::new(101).is_err());
        assert!(Progress::new(-1).is_err());
        assert!(Progress::parse("abc").is_err());
        assert_eq!(Progress::parse(" 40 ").unwrap().percent(), 40);
        assert_eq!(settle(Done, Progress(10)), (Done, Progress(100)));
        assert_eq!(settle(InProgress, Progress(100)), (Done, Progress(100)));
        assert_eq!(settle(NotStarted, Progress(5)), (InProgress, Progress(5)));
        assert_eq!(settle(Abandoned, Progress(30)), (Abandoned, Progress(30)));
    }
}
