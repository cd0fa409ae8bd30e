//! Probes: network code that collects observations and never judges them.
//!
//! Each probe asks a server something (DNS, TCP, HTTP) under a time limit and
//! returns what it saw as an [`indaba_model::observation`] value, failures
//! included. Deciding whether what was seen is good is the checks' job.

pub mod chain;
pub mod dns;
pub mod http;
pub mod mrt;
pub mod pace;
pub mod rdap;
pub mod routing;
pub mod rtr;
pub mod session;
pub mod shared_scans;
pub mod tls;

pub use session::{ProbeSettings, Session};
pub use shared_scans::{RemoteScan, ScanExchange, ScanKey, SharedScans, SharingCounts};
