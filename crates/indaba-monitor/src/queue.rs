//! The job queue's rules: which scan a worker serves next (fair round-robin
//! across accounts, then across each account's scans), how long a lease
//! lasts and when it is renewed, and what happens to a job that failed or
//! whose worker vanished (retry with back-off, then `error` with the reason).
//!
//! The store carries these out in SQL (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL); the rules live here so that they are one set, tested
//! without a database. Single public tests are not in this queue: they are
//! the platform's own queue, which every worker serves before this one.

use indaba_model::{Message, msg};

/// How long a claimed job is a worker's before it goes back to the queue,
/// unless renewed.
pub const LEASE_SECS: i64 = 60;

/// How often a worker renews the leases it holds: three renewals fit in one
/// lease, so a slow database round does not lose a job.
pub const RENEW_EVERY_SECS: i64 = LEASE_SECS / 3;

/// A scan with work waiting, as the claimer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The scan.
    pub scan_id: String,
    /// Who the work is for (the list's owner organisation, else the person
    /// who made the list): fairness is first between them.
    pub account: String,
    /// The turn at which the scan was last served (0: never).
    pub last_turn: i64,
    /// When the scan was created (Unix seconds), to break ties.
    pub created_at: i64,
}

/// The order in which to try the candidates: the account served longest
/// ago first, within it the scan served longest ago; so a 100,000-domain
/// list and a 10-domain list of two accounts alternate job by job, and a
/// small list never waits for a large one to finish.
pub fn fair_order(candidates: &[Candidate]) -> Vec<usize> {
    use std::collections::HashMap;
    let mut account_turn: HashMap<&str, i64> = HashMap::new();
    for c in candidates {
        let t = account_turn
            .entry(c.account.as_str())
            .or_insert(c.last_turn);
        *t = (*t).max(c.last_turn);
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&candidates[a], &candidates[b]);
        (
            account_turn[ca.account.as_str()],
            ca.last_turn,
            ca.created_at,
            &ca.scan_id,
        )
            .cmp(&(
                account_turn[cb.account.as_str()],
                cb.last_turn,
                cb.created_at,
                &cb.scan_id,
            ))
    });
    order
}

/// Why a job did not end with a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Something that may work next time (the database went away, the
    /// report could not be stored, the worker stopped).
    Transient(String),
    /// Something that will not change by trying again (the name is refused).
    Permanent(String),
}

/// What to do with a job that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Queue it again, to be taken no earlier than `at` (Unix seconds).
    Retry {
        /// When it may be claimed again.
        at: i64,
    },
    /// Give up: the job ends in `error` with this reason.
    GiveUp {
        /// Why, for people.
        reason: Message,
    },
}

/// How often and how patiently failed jobs are tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Wait before the second attempt, in seconds; doubled each time after.
    pub base_delay_secs: i64,
    /// Longest wait between attempts, in seconds.
    pub max_delay_secs: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay_secs: 30,
            max_delay_secs: 3600,
        }
    }
}

impl RetryPolicy {
    /// The wait after attempt number `attempts` (1 for the first) failed.
    pub fn delay_after(&self, attempts: u32) -> i64 {
        let doublings = attempts.saturating_sub(1).min(30);
        self.base_delay_secs
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_secs)
            .max(0)
    }

    /// What to do after attempt number `attempts` failed at `now`.
    pub fn decide(&self, attempts: u32, failure: &Failure, now: i64) -> Decision {
        match failure {
            Failure::Permanent(reason) => Decision::GiveUp {
                reason: msg!("monitor-job-refused", reason = reason.as_str()),
            },
            Failure::Transient(reason) if attempts >= self.max_attempts => Decision::GiveUp {
                reason: msg!(
                    "monitor-job-gave-up",
                    attempts = attempts as i64,
                    reason = reason.as_str()
                ),
            },
            Failure::Transient(_) => Decision::Retry {
                at: now.saturating_add(self.delay_after(attempts)),
            },
        }
    }

    /// What to do with a job whose lease ran out after attempt number
    /// `attempts` (its worker died or lost the database): the same as a
    /// transient failure, so a job that kills every worker that takes it
    /// ends in `error` instead of killing them all.
    pub fn on_lease_expired(&self, attempts: u32, now: i64) -> Decision {
        self.decide(
            attempts,
            &Failure::Transient("the worker stopped answering (its lease ran out)".into()),
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(scan: &str, account: &str, last_turn: i64) -> Candidate {
        Candidate {
            scan_id: scan.into(),
            account: account.into(),
            last_turn,
            created_at: 0,
        }
    }

    /// Simulates claiming: each claim serves the first in fair order and
    /// gives it the next turn.
    fn serve(mut cands: Vec<Candidate>, mut left: Vec<u32>, claims: usize) -> Vec<String> {
        let mut served = Vec::new();
        let mut turn = 0;
        for _ in 0..claims {
            let order = fair_order(&cands);
            let Some(&i) = order.iter().find(|&&i| left[i] > 0) else {
                break;
            };
            turn += 1;
            cands[i].last_turn = turn;
            left[i] -= 1;
            served.push(cands[i].scan_id.clone());
        }
        served
    }

    #[test]
    fn a_small_list_is_not_starved_by_a_big_one() {
        let served = serve(
            vec![cand("big", "acme", 0), cand("small", "bank", 0)],
            vec![100_000, 10],
            20,
        );
        assert_eq!(served.iter().filter(|s| *s == "small").count(), 10);
        // Alternating: the small list is done within its first 20 claims.
        assert_eq!(&served[..4], ["big", "small", "big", "small"]);
    }

    #[test]
    fn fairness_is_between_accounts_first() {
        // acme has three scans, bank one: bank gets every other job.
        let served = serve(
            vec![
                cand("a1", "acme", 0),
                cand("a2", "acme", 0),
                cand("a3", "acme", 0),
                cand("b1", "bank", 0),
            ],
            vec![100, 100, 100, 100],
            12,
        );
        let bank = served.iter().filter(|s| *s == "b1").count();
        assert_eq!(bank, 6, "{served:?}");
        // and acme's scans share acme's turns.
        for s in ["a1", "a2", "a3"] {
            assert_eq!(served.iter().filter(|x| *x == s).count(), 2, "{served:?}");
        }
    }

    #[test]
    fn back_off_doubles_up_to_a_cap_then_gives_up() {
        let p = RetryPolicy {
            max_attempts: 4,
            base_delay_secs: 10,
            max_delay_secs: 25,
        };
        let t = Failure::Transient("db gone".into());
        assert_eq!(p.decide(1, &t, 100), Decision::Retry { at: 110 });
        assert_eq!(p.decide(2, &t, 100), Decision::Retry { at: 120 });
        assert_eq!(p.decide(3, &t, 100), Decision::Retry { at: 125 });
        match p.decide(4, &t, 100) {
            Decision::GiveUp { reason } => {
                assert_eq!(reason.id, "monitor-job-gave-up");
                assert_eq!(reason.get("reason"), Some(&"db gone".into()));
            }
            other => panic!("{other:?}"),
        }
        let refused = Failure::Permanent("special-use name".into());
        assert!(matches!(p.decide(1, &refused, 0), Decision::GiveUp { .. }));
        assert!(matches!(p.on_lease_expired(4, 0), Decision::GiveUp { .. }));
        assert_eq!(p.delay_after(200), 25);
    }
}
