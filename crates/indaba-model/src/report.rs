//! Findings and reports: what a test concluded, and on what evidence.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::name::DomainName;
use crate::observation::Observations;

/// Version of the report format; bumped when a field changes meaning.
pub const REPORT_FORMAT: u32 = 1;

/// Which test was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// The website test.
    Web,
    /// The mail-domain test.
    Mail,
}

impl fmt::Display for TestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TestKind::Web => "web",
            TestKind::Mail => "mail",
        })
    }
}

/// One check's result for one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Meets the standard.
    Pass,
    /// Does not meet a required standard.
    Fail,
    /// Does not meet a recommendation.
    Warning,
    /// Worth knowing; no judgement.
    Info,
    /// The check does not apply to this target (e.g. no IPv6 address to reach).
    NotApplicable,
    /// Could not be tested; never counted as a fail.
    Error,
}

impl Status {
    /// The word used in JSON, `cases.toml` and the text report.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warning => "warning",
            Status::Info => "info",
            Status::NotApplicable => "not_applicable",
            Status::Error => "error",
        }
    }

    /// Parses the word of [`Status::as_str`].
    pub fn parse(word: &str) -> Option<Status> {
        [
            Status::Pass,
            Status::Fail,
            Status::Warning,
            Status::Info,
            Status::NotApplicable,
            Status::Error,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing that was seen, shown under a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    /// What the value is about (a server, a record set, an address).
    pub subject: String,
    /// What was seen.
    pub detail: String,
}

impl Evidence {
    /// Evidence about `subject`.
    pub fn new(subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Evidence {
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}

/// Points a finding earned, filled in by the scoring policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Points {
    /// Points earned.
    pub earned: u32,
    /// Points possible.
    pub possible: u32,
}

/// A check's result for the target, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// The check id (see the catalogue).
    pub check: String,
    /// The verdict.
    pub status: Status,
    /// One sentence saying what was found, for people.
    pub summary: String,
    /// What was seen.
    pub evidence: Vec<Evidence>,
    /// The guide page id for this finding.
    pub guide: String,
    /// True when the check passed only in part (partial credit in the score).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Points, for scored checks; `None` when the finding does not count.
    pub points: Option<Points>,
}

impl Finding {
    /// A finding for `check` with no evidence yet.
    pub fn new(check: &str, status: Status, summary: impl Into<String>) -> Self {
        Finding {
            check: check.to_string(),
            status,
            summary: summary.into(),
            evidence: Vec::new(),
            guide: check.to_string(),
            partial: false,
            points: None,
        }
    }

    /// Adds one piece of evidence.
    pub fn with(mut self, subject: impl Into<String>, detail: impl Into<String>) -> Self {
        self.evidence.push(Evidence::new(subject, detail));
        self
    }

    /// Adds many pieces of evidence.
    pub fn with_all(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }

    /// Marks the finding as a partial pass.
    pub fn partially(mut self) -> Self {
        self.partial = true;
        self
    }
}

/// A category's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryResult {
    /// The category id.
    pub category: String,
    /// Score 0–100, or `None` when no required check could be scored.
    pub score: Option<u8>,
    /// Points earned over the scored findings.
    pub earned: u32,
    /// Points possible over the scored findings.
    pub possible: u32,
    /// The worst status among the category's findings.
    pub status: Status,
}

/// A finished test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// Version of this format.
    pub format: u32,
    /// The domain tested.
    pub target: DomainName,
    /// The test kind.
    pub kind: TestKind,
    /// Version of the engine that made the observations.
    pub engine_version: String,
    /// Version of the scoring policy that judged them.
    pub policy_version: String,
    /// When the test started (RFC 3339).
    pub started: String,
    /// How long the test took, in milliseconds.
    pub duration_ms: u64,
    /// Overall score 0–100: the mean of the categories that have scored checks.
    pub score: Option<u8>,
    /// Per-category results, in catalogue order.
    pub categories: Vec<CategoryResult>,
    /// Every finding, in catalogue order.
    pub findings: Vec<Finding>,
    /// Everything the probes saw, so the report can be judged again.
    pub observations: Observations,
}

impl Report {
    /// The finding for a check, if the report has one.
    pub fn finding(&self, check: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.check == check)
    }
}

/// The JSON Schema of [`Report`], as committed in `schemas/report.schema.json`.
pub fn report_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Report);
    serde_json::to_value(&schema).unwrap_or(serde_json::Value::Null)
}
