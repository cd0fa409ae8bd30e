//! Applications to join the partnership (seed 003: applications "reviewed on
//! a timely basis"): the code of conduct the applicant accepted, the review
//! deadline, when reviewers are reminded, and the decision with its reasons.

use indaba_model::msg;

use crate::reminder::{DAY, reached_stage};
use crate::{Refused, word_enum};

word_enum! {
    /// Where an application stands.
    ApplicationState {
        /// Waiting for the membership committee.
        Pending = "pending",
        /// Admitted: the organisation is a member.
        Admitted = "admitted",
        /// Declined, with reasons.
        Declined = "declined",
    }
}

/// Reminder stages before a review deadline: three days, one day, overdue.
pub const REVIEW_REMINDERS: [i64; 3] = [3 * DAY, DAY, 0];

/// The default review period in days.
pub const DEFAULT_REVIEW_DAYS: i64 = 14;

/// When the review of an application submitted at `submitted_at` is due.
pub fn review_due(submitted_at: i64, review_days: i64) -> i64 {
    submitted_at.saturating_add(review_days.clamp(1, 365) * DAY)
}

/// Whether a pending application is overdue at `now`.
pub fn overdue(state: ApplicationState, due_at: i64, now: i64) -> bool {
    state == ApplicationState::Pending && now >= due_at
}

/// The reminder stage a pending application has reached at `now`.
pub fn reminder_stage(state: ApplicationState, due_at: i64, now: i64) -> Option<usize> {
    if state != ApplicationState::Pending {
        return None;
    }
    reached_stage(due_at, now, &REVIEW_REMINDERS)
}

/// The code of conduct the applicant accepted: it must be the current
/// version, and the box must be ticked.
pub fn accepted_code(ticked: bool, accepted: i64, current: i64) -> Result<i64, Refused> {
    if !ticked {
        return Err(msg!("assembly-error-coc-not-accepted").into());
    }
    if accepted != current {
        return Err(msg!("assembly-error-coc-outdated", current = current).into());
    }
    Ok(accepted)
}

/// A decision on a pending application: admitted or declined, with reasons
/// (required when declining).
pub fn decide(
    state: ApplicationState,
    admit: bool,
    reasons: &str,
) -> Result<ApplicationState, Refused> {
    if state != ApplicationState::Pending {
        return Err(msg!("assembly-error-already-decided").into());
    }
    if !admit && reasons.trim().is_empty() {
        return Err(msg!("assembly-error-reason-required").into());
    }
    Ok(if admit {
        ApplicationState::Admitted
    } else {
        ApplicationState::Declined
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_and_reminders() {
        let due = review_due(0, 14);
        assert_eq!(due, 14 * DAY);
        assert!(!overdue(ApplicationState::Pending, due, due - 1));
        assert!(overdue(ApplicationState::Pending, due, due));
        assert!(!overdue(ApplicationState::Admitted, due, due + DAY));
        assert_eq!(reminder_stage(ApplicationState::Pending, due, 0), None);
        assert_eq!(
            reminder_stage(ApplicationState::Pending, due, 11 * DAY),
            Some(0)
        );
        assert_eq!(
            reminder_stage(ApplicationState::Pending, due, 15 * DAY),
            Some(2)
        );
        assert_eq!(reminder_stage(ApplicationState::Declined, due, due), None);
        assert_eq!(review_due(0, 0), DAY, "at least a day");
    }

    #[test]
    fn code_of_conduct_and_decisions() {
        assert!(accepted_code(false, 2, 2).is_err());
        assert!(accepted_code(true, 1, 2).is_err());
        assert_eq!(accepted_code(true, 2, 2), Ok(2));
        assert_eq!(
            decide(ApplicationState::Pending, true, ""),
            Ok(ApplicationState::Admitted)
        );
        assert!(decide(ApplicationState::Pending, false, " ").is_err());
        assert_eq!(
            decide(ApplicationState::Pending, false, "not a stakeholder"),
            Ok(ApplicationState::Declined)
        );
        assert!(decide(ApplicationState::Admitted, true, "").is_err());
    }
}
