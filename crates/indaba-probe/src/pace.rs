//! Politeness towards name servers: at most a given number of queries per
//! second to any one authoritative server, across every test of a process.
//!
//! A scan of a sector asks the same few DNS operators for thousands of
//! zones; operators that rate-limit then answer late or not at all, and the
//! tests report errors that are ours. The pace spreads the questions out
//! instead (the generic cell-rate algorithm: a burst of up to a second's
//! worth, then one query per interval). The recursive resolver is ours and
//! is not paced.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most servers remembered; past it, the ones that are idle are forgotten.
const MAX_SERVERS: usize = 50_000;

/// The pace of queries per name server. Shared by cloning an `Arc` of it.
#[derive(Debug)]
pub struct ServerPace {
    interval: Duration,
    tolerance: Duration,
    /// Per server, when its next query is due if it were asked evenly.
    due: Mutex<HashMap<IpAddr, Instant>>,
}

impl ServerPace {
    /// At most `per_second` queries a second to one server (at least one),
    /// with bursts of up to `per_second` queries.
    pub fn new(per_second: u32) -> ServerPace {
        let per_second = per_second.max(1);
        let interval = Duration::from_secs(1) / per_second;
        ServerPace {
            interval,
            tolerance: interval * (per_second - 1),
            due: Mutex::new(HashMap::new()),
        }
    }

    /// When a query to `server` asked at `now` may go: `now` or later. The
    /// slot is reserved, so callers must then ask.
    pub fn reserve(&self, server: IpAddr, now: Instant) -> Instant {
        let mut due = match self.due.lock() {
            Ok(d) => d,
            Err(poisoned) => poisoned.into_inner(),
        };
        if due.len() >= MAX_SERVERS {
            due.retain(|_, at| *at > now);
        }
        let theoretical = due.get(&server).copied().unwrap_or(now).max(now);
        due.insert(server, theoretical + self.interval);
        theoretical
            .checked_sub(self.tolerance)
            .map_or(now, |at| at.max(now))
    }

    /// Waits until a query to `server` may go, but not past `deadline`.
    pub async fn wait(&self, server: IpAddr, deadline: Instant) {
        let at = self.reserve(server, Instant::now()).min(deadline);
        tokio::time::sleep_until(at.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_burst_goes_at_once_then_queries_are_spaced() {
        let pace = ServerPace::new(4);
        let now = Instant::now();
        let server = ip("192.0.2.1");
        let slots: Vec<Duration> = (0..8).map(|_| pace.reserve(server, now) - now).collect();
        let ms = |n| Duration::from_millis(n);
        assert_eq!(
            slots,
            [
                ms(0),
                ms(0),
                ms(0),
                ms(0),
                ms(250),
                ms(500),
                ms(750),
                ms(1000)
            ]
        );
    }

    #[test]
    fn servers_are_paced_apart() {
        let pace = ServerPace::new(1);
        let now = Instant::now();
        assert_eq!(pace.reserve(ip("192.0.2.1"), now), now);
        assert_eq!(pace.reserve(ip("192.0.2.2"), now), now);
        assert_eq!(
            pace.reserve(ip("192.0.2.1"), now),
            now + Duration::from_secs(1)
        );
    }

    #[test]
    fn an_idle_server_gets_its_burst_back() {
        let pace = ServerPace::new(2);
        let now = Instant::now();
        let server = ip("2001:db8::1");
        for _ in 0..4 {
            pace.reserve(server, now);
        }
        let later = now + Duration::from_secs(10);
        assert_eq!(pace.reserve(server, later), later);
        assert_eq!(pace.reserve(server, later), later);
        assert_eq!(
            pace.reserve(server, later),
            later + Duration::from_millis(500)
        );
    }

    #[test]
    fn no_rate_means_one_a_second() {
        let pace = ServerPace::new(0);
        let now = Instant::now();
        pace.reserve(ip("192.0.2.9"), now);
        assert_eq!(
            pace.reserve(ip("192.0.2.9"), now),
            now + Duration::from_secs(1)
        );
    }

    proptest::proptest! {
        /// However queries arrive, no server gets more than a burst plus
        /// the rate in any one second.
        #[test]
        fn never_more_than_the_rate(rate in 1u32..50, arrivals in proptest::collection::vec(0u64..3000, 1..300)) {
            let pace = ServerPace::new(rate);
            let start = Instant::now();
            let mut arrivals = arrivals;
            arrivals.sort();
            let mut sent: Vec<Instant> = arrivals
                .iter()
                .map(|ms| {
                    let t = start + Duration::from_millis(*ms);
                    let at = pace.reserve(ip("192.0.2.7"), t);
                    proptest::prop_assert!(at >= t);
                    Ok(at)
                })
                .collect::<Result<_, _>>()?;
            sent.sort();
            for (i, first) in sent.iter().enumerate() {
                let within = sent[i..].iter().take_while(|t| **t < *first + Duration::from_secs(1)).count();
                proptest::prop_assert!(within as u32 <= 2 * rate, "{within} in a second at rate {rate}");
            }
        }
    }
}
