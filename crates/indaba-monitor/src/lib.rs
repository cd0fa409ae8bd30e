//! Prevention at scale (seed 001's monitoring, seed 000's benchmarking): the
//! rules of lists of domains, of scans over them, of the job queue that runs
//! a scan's tests, of schedules, and of probes shared between the tests of a
//! scan.
//!
//! Everything here is a plain function over plain values: no database, no
//! network, no clock (callers pass `now` in Unix seconds), so the rules are
//! tested without a database and the store, the workers, the web and the
//! command line all obey the same ones. Words for people are
//! [`indaba_model::Message`]s with ids prefixed `monitor-`.

pub mod explain;
pub mod import;
pub mod list;
pub mod notices;
pub mod queue;
pub mod scan;
pub mod schedule;
pub mod sharing;
pub mod stats;

pub use list::{Kinds, ListEntry};
pub use scan::{ScanCounts, ScanEvent, ScanState};
pub use schedule::Cadence;
