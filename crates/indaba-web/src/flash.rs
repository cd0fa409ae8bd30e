//! What an admin action says on the page after its redirect: every admin
//! form answers a POST with 303 See Other (a reload never submits twice), so
//! the notice ("user created", the new API key shown once) waits here for
//! the next page of the same session and is taken when shown.
//!
//! It lives in memory, not in the store, because a notice can carry a new
//! API key, which must never be written anywhere; the POST and the GET that
//! follows it reach the same process behind any sticky load balancer, and a
//! lost notice costs only a message (the action itself is stored and
//! audited).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a notice waits for its page.
const KEEP: Duration = Duration::from_secs(600);

/// How many notices wait at most (one per admin session in practice).
const MAX_WAITING: usize = 10_000;

/// A notice for a session's next page, and whether it reports a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text, in the reader's language.
    pub text: String,
    /// Whether the action failed.
    pub problem: bool,
}

/// Notices waiting for their session's next page.
#[derive(Debug, Default)]
pub struct Flash {
    waiting: Mutex<HashMap<String, (Notice, Instant)>>,
}

impl Flash {
    /// Keeps `notice` for the next page of session `session`.
    pub fn put(&self, session: &str, notice: Notice) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.retain(|_, (_, at)| at.elapsed() < KEEP);
        if waiting.len() >= MAX_WAITING && !waiting.contains_key(session) {
            return;
        }
        waiting.insert(session.to_string(), (notice, Instant::now()));
    }

    /// Takes the notice waiting for session `session`, if any.
    pub fn take(&self, session: &str) -> Option<Notice> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting
            .remove(session)
            .filter(|(_, at)| at.elapsed() < KEEP)
            .map(|(n, _)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_shown_once_and_only_to_its_session() {
        let flash = Flash::default();
        let n = Notice {
            text: "ik_secret".into(),
            problem: false,
        };
        flash.put("a", n.clone());
        assert_eq!(flash.take("b"), None);
        assert_eq!(flash.take("a"), Some(n));
        assert_eq!(flash.take("a"), None);
    }
}
