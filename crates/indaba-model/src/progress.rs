//! How far a running test has got, part by part, for the progress page.
//!
//! The engine counts the probes it starts and finishes per [`Part`]; the
//! worker keeps the latest [`Progress`] with the job, and the progress page
//! shows (and announces to screen readers) only what changed. A part is
//! done when every probe of it that was started has finished; the planner
//! may start more of a part later (TLS scans wait for the addresses), so
//! "done" means "nothing of it running now", and the whole test is done
//! only when the report is stored.

use serde::{Deserialize, Serialize};

/// A part of a test, in the order a test usually goes through them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// DNS lookups (addresses, mail servers, policies).
    Dns,
    /// The DNSSEC chain from the root.
    Dnssec,
    /// TCP connections (reachability over IPv4 and IPv6).
    Connections,
    /// TLS: versions, suites, key exchange, certificates.
    Tls,
    /// Web pages: redirects, headers, security.txt.
    Http,
    /// Route origins and VRPs (RPKI).
    Routing,
}

impl Part {
    /// Every part, in order.
    pub const ALL: [Part; 6] = [
        Part::Dns,
        Part::Dnssec,
        Part::Connections,
        Part::Tls,
        Part::Http,
        Part::Routing,
    ];

    /// The word used in JSON and message ids (`progress-part-dns`).
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Dns => "dns",
            Part::Dnssec => "dnssec",
            Part::Connections => "connections",
            Part::Tls => "tls",
            Part::Http => "http",
            Part::Routing => "routing",
        }
    }
}

/// One part's count of probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartProgress {
    /// Which part.
    pub part: Part,
    /// Probes started.
    pub started: u32,
    /// Probes finished.
    pub finished: u32,
}

impl PartProgress {
    /// Whether something of this part ran and nothing of it runs now.
    pub fn done(&self) -> bool {
        self.started > 0 && self.finished >= self.started
    }
}

/// The progress of a test: every part, in [`Part::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Progress {
    /// The parts.
    pub parts: Vec<PartProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            parts: Part::ALL
                .iter()
                .map(|&part| PartProgress {
                    part,
                    started: 0,
                    finished: 0,
                })
                .collect(),
        }
    }
}

impl Progress {
    fn entry(&mut self, part: Part) -> &mut PartProgress {
        // Always present: `Default` lists every part.
        let index = Part::ALL.iter().position(|p| *p == part).unwrap_or(0);
        if self.parts.len() != Part::ALL.len() {
            *self = Progress::default();
        }
        &mut self.parts[index]
    }

    /// Counts a probe of `part` started.
    pub fn start(&mut self, part: Part) {
        let e = self.entry(part);
        e.started = e.started.saturating_add(1);
    }

    /// Counts a probe of `part` finished.
    pub fn finish(&mut self, part: Part) {
        let e = self.entry(part);
        e.finished = e.finished.saturating_add(1).min(e.started);
    }

    /// The count of `part`.
    pub fn of(&self, part: Part) -> PartProgress {
        self.parts
            .iter()
            .copied()
            .find(|p| p.part == part)
            .unwrap_or(PartProgress {
                part,
                started: 0,
                finished: 0,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_done_when_all_it_started_finished() {
        let mut p = Progress::default();
        assert!(!p.of(Part::Tls).done(), "nothing started is not done");
        p.start(Part::Tls);
        p.start(Part::Tls);
        p.finish(Part::Tls);
        assert!(!p.of(Part::Tls).done());
        p.finish(Part::Tls);
        p.finish(Part::Tls);
        assert_eq!(
            p.of(Part::Tls).finished,
            2,
            "never more finished than started"
        );
        assert!(p.of(Part::Tls).done());
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Progress>(&json).unwrap(), p);
    }
}
