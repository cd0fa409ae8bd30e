//! The shared vocabulary of Indaba: domain names, observations, findings,
//! reports, the check catalogue and the scoring policy.
//!
//! This crate does no IO. Probes produce [`observation`] values, checks turn
//! them into [`report::Finding`]s, and [`score`] weighs the findings.

pub mod address;
pub mod catalogue;
pub mod jcard;
pub mod name;
pub mod observation;
pub mod rdap;
pub mod report;
pub mod routing;
pub mod score;
pub mod tls;

pub use catalogue::{CATALOGUE, Category, CheckSpec, Level};
pub use name::{DomainName, NameError};
pub use observation::Observations;
pub use report::{Evidence, Finding, Report, Status, TestKind};
