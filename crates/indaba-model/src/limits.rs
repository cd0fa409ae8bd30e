//! How much one test may do, in one place: the planner reads these to decide
//! what to probe, the checks read them to say what was left out ("tested the
//! first 10 of 11 mail servers"), and the probes enforce the byte limits.
//!
//! A public scanner takes names from anyone, and a name can have a thousand
//! addresses or mail servers that serve megabytes: without caps one request
//! would make thousands of connections and a report of hundreds of
//! megabytes. The caps follow internet.nl where it has one (the first A and
//! the first AAAA for HTTPS, at most 10 MX hosts) and are small fixed numbers
//! elsewhere.

use serde::{Deserialize, Serialize};

use crate::message::{Message, ToMessage};

/// MX hosts tested, in preference order (internet.nl: 10).
pub const MAX_MAIL_HOSTS: usize = 10;
/// Name servers of a zone tested (the root has 13).
pub const MAX_NAME_SERVERS: usize = 13;
/// Addresses per address family whose HTTPS, TLS, headers and content are
/// tested (internet.nl: the first A and the first AAAA).
pub const MAX_WEB_ADDRESSES_PER_FAMILY: usize = 1;
/// Addresses per address family tested for reachability (IPv6 reachability
/// of the web server, routes for RPKI).
pub const MAX_REACHABILITY_ADDRESSES_PER_FAMILY: usize = 8;
/// Addresses per address family tested for each mail server.
pub const MAX_ADDRESSES_PER_MAIL_HOST: usize = 2;
/// Addresses per address family of each name server asked directly.
pub const MAX_ADDRESSES_PER_NAME_SERVER: usize = 2;
/// Records read from one DNS answer set where each would cost a probe
/// (TLSA records matched, CAA records read; internet.nl reads 100 CAA).
pub const MAX_RECORDS_PER_SET: usize = 100;
/// Bytes of an HTTP body kept (internet.nl compares the first 500 kB).
pub const MAX_HTTP_BODY_BYTES: usize = 512 * 1024;
/// Bytes of all HTTP bodies kept in one report together; bodies beyond it
/// are cut to nothing and marked so.
pub const MAX_HTTP_BODY_BYTES_PER_REPORT: usize = 2 * 1024 * 1024;
/// Bytes of an HTTP response head (status line and headers).
pub const MAX_HTTP_HEAD_BYTES: usize = 64 * 1024;
/// Redirects followed from one start address.
pub const MAX_REDIRECTS: usize = 8;
/// TCP and TLS connections one test may open in all; past it the probes
/// record that the limit cut them short.
pub const MAX_CONNECTIONS_PER_TEST: usize = 400;
/// DNS queries one test may send in all.
pub const MAX_DNS_QUERIES_PER_TEST: usize = 2_000;

/// Some of a list, within a cap, remembering how many there were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Capped<T> {
    /// The items kept, in the original order.
    pub kept: Vec<T>,
    /// How many there were before the cap.
    pub total: usize,
}

impl<T> Capped<T> {
    /// The first `cap` of `items`.
    pub fn first(items: impl IntoIterator<Item = T>, cap: usize) -> Capped<T> {
        let mut kept = Vec::new();
        let mut total = 0;
        for item in items {
            if kept.len() < cap {
                kept.push(item);
            }
            total += 1;
        }
        Capped { kept, total }
    }

    /// Whether the cap left some out.
    pub fn cut(&self) -> bool {
        self.total > self.kept.len()
    }

    /// How many were left out.
    pub fn left_out(&self) -> usize {
        self.total - self.kept.len()
    }
}

/// What a cap left out, said to people: "tested the first 10 of 11 mail
/// servers". `what` is the message id of the noun (`noun-mail-servers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapNote {
    /// How many were tested.
    pub tested: usize,
    /// How many there were.
    pub total: usize,
    /// The message id naming what was counted.
    pub what: &'static str,
}

impl CapNote {
    /// The note for `capped`, when the cap left something out.
    pub fn of<T>(capped: &Capped<T>, what: &'static str) -> Option<CapNote> {
        capped.cut().then_some(CapNote {
            tested: capped.kept.len(),
            total: capped.total,
            what,
        })
    }
}

impl ToMessage for CapNote {
    fn to_message(&self) -> Message {
        crate::msg!(
            "cap-tested-first",
            tested = self.tested,
            total = self.total,
            what = Message::new(self.what)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_keeps_the_first_and_counts_all() {
        let c = Capped::first(0..1000, 16);
        assert_eq!(c.kept, (0..16).collect::<Vec<_>>());
        assert_eq!(c.total, 1000);
        assert!(c.cut());
        assert_eq!(c.left_out(), 984);
        let note = CapNote::of(&c, "noun-addresses").unwrap();
        assert_eq!(note.to_message().get("total"), Some(&crate::Arg::Num(1000)));
        assert!(CapNote::of(&Capped::first(0..3, 16), "noun-addresses").is_none());
    }
}
