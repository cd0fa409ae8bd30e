//! Reminders before a deadline: an application's review, a poll's closing,
//! an event's start. A reminder has stages (so many seconds before the
//! deadline, and 0 for "now overdue"); a sweep at time `now` sends the latest
//! stage reached that was not sent yet, so a sweep that runs late sends one
//! mail, not a burst of stale ones.

/// One day in seconds.
pub const DAY: i64 = 86_400;

/// The latest stage of `stages` (seconds before `deadline`, largest first)
/// that `now` has reached, if any.
pub fn reached_stage(deadline: i64, now: i64, stages: &[i64]) -> Option<usize> {
    stages
        .iter()
        .enumerate()
        .filter(|(_, before)| now >= deadline.saturating_sub(**before))
        .map(|(i, _)| i)
        .next_back()
}

/// Whether a reminder of `stage` is still to be sent, given the stages
/// already sent: only a stage later than every one sent.
pub fn should_send(stage: usize, sent: &[usize]) -> bool {
    sent.iter().all(|s| *s < stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_reached_in_order() {
        let stages = [3 * DAY, DAY, 0];
        let deadline = 100 * DAY;
        assert_eq!(reached_stage(deadline, 90 * DAY, &stages), None);
        assert_eq!(reached_stage(deadline, 97 * DAY, &stages), Some(0));
        assert_eq!(reached_stage(deadline, 99 * DAY + 5, &stages), Some(1));
        assert_eq!(reached_stage(deadline, 100 * DAY, &stages), Some(2));
        assert_eq!(reached_stage(deadline, 200 * DAY, &stages), Some(2));
        assert!(should_send(1, &[0]));
        assert!(!should_send(1, &[1]));
        assert!(!should_send(0, &[2]));
    }
}
