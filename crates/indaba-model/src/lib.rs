//! The shared vocabulary of Indaba: domain names, observations, findings,
//! reports, the check catalogue and the scoring policy.
//!
//! This crate does no IO. Probes produce [`observation`] values, checks turn
//! them into [`report::Finding`]s, and [`score`] weighs the findings.

pub mod address;
pub mod catalogue;
pub mod jcard;
pub mod limits;
pub mod message;
pub mod name;
pub mod observation;
pub mod progress;
pub mod rating;
pub mod rdap;
pub mod report;
pub mod routing;
pub mod score;
pub mod tls;

pub use catalogue::{CATALOGUE, Category, CheckSpec, Level};
pub use message::{Arg, Message, Text, ToMessage};
pub use name::{DomainName, NameError, Refusal, SpecialUse};
pub use observation::Observations;
pub use rating::Rating;
pub use report::{
    CategoryResult, CategoryVerdict, Evidence, Finding, Outcome, Report, Status, TestKind, Verdict,
};
