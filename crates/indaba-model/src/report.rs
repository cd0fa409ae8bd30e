//! Findings and reports: what a test concluded, and on what evidence.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::message::{Message, Text};
use crate::name::DomainName;
use crate::observation::Observations;

/// Version of the report format; bumped when a field changes meaning.
pub const REPORT_FORMAT: u32 = 2;

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
    /// The check does not apply to this target, and a required one earns
    /// its points (internet.nl's rules: an IPv6-only site for "same
    /// content", a domain without mail servers for STARTTLS). Each such rule
    /// is written in the check's guide.
    NotApplicable,
    /// What the check tests is missing (no IPv6 address, no HTTPS, no
    /// certificate), so it could not pass: a required check earns nothing.
    NotTested,
    /// Could not be tested (a timeout, a resolver failure): the category is
    /// not scored, never counted as a pass or a fail.
    Error,
}

impl Status {
    /// Every status, best first.
    pub const ALL: [Status; 7] = [
        Status::NotApplicable,
        Status::Pass,
        Status::Info,
        Status::Warning,
        Status::Error,
        Status::NotTested,
        Status::Fail,
    ];

    /// The word used in JSON, `cases.toml` and the text report.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warning => "warning",
            Status::Info => "info",
            Status::NotApplicable => "not_applicable",
            Status::NotTested => "not_tested",
            Status::Error => "error",
        }
    }

    /// Parses the word of [`Status::as_str`].
    pub fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// How bad the status is when several are combined into one (the
    /// servers of one check, the findings of one category): a fail anywhere
    /// fails; then something missing (earns nothing); then something that
    /// could not be tested (the untested server might fail, so it outweighs
    /// warnings and passes, but a known fail outweighs it); then warnings,
    /// information, passes, and what does not apply.
    pub fn severity(self) -> u8 {
        match self {
            Status::NotApplicable => 0,
            Status::Pass => 1,
            Status::Info => 2,
            Status::Warning => 3,
            Status::Error => 4,
            Status::NotTested => 5,
            Status::Fail => 6,
        }
    }

    /// The worse of two statuses (see [`Status::severity`]).
    pub fn and(self, other: Status) -> Status {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// The worst of several statuses, or `None` when there are none.
    pub fn worst(statuses: impl IntoIterator<Item = Status>) -> Option<Status> {
        statuses.into_iter().reduce(Status::and)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing that was seen, shown under a finding.
///
/// `subject` and `detail` are what people read: data as it was seen (a
/// server, a record), or the rendering of `subject_message` /
/// `detail_message` when those are words (filled in by the renderer, in
/// English in stored reports and in the reader's language on pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evidence {
    /// What the value is about (a server, a record set, an address).
    pub subject: String,
    /// What was seen.
    pub detail: String,
    /// The subject as a message, when it is words rather than data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_message: Option<Message>,
    /// The detail as a message, when it is words rather than data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_message: Option<Message>,
}

impl Evidence {
    /// Evidence about `subject`.
    pub fn new(subject: impl Into<Text>, detail: impl Into<Text>) -> Self {
        let (subject, subject_message) = split_text(subject.into());
        let (detail, detail_message) = split_text(detail.into());
        Evidence {
            subject,
            detail,
            subject_message,
            detail_message,
        }
    }
}

fn split_text(text: Text) -> (String, Option<Message>) {
    match text {
        Text::Data(data) => (data, None),
        Text::Words(message) => (String::new(), Some(message)),
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
    /// One sentence saying what was found: the rendering of `message`
    /// (English in stored reports and the JSON, the reader's language on
    /// pages), filled in by the renderer.
    pub summary: String,
    /// What was found, as a message id and its arguments.
    pub message: Message,
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
    pub fn new(check: &str, status: Status, message: impl Into<Message>) -> Self {
        Finding {
            check: check.to_string(),
            status,
            summary: String::new(),
            message: message.into(),
            evidence: Vec::new(),
            guide: check.to_string(),
            partial: false,
            points: None,
        }
    }

    /// Adds one piece of evidence.
    pub fn with(mut self, subject: impl Into<Text>, detail: impl Into<Text>) -> Self {
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

    /// Every message id the finding uses (summary and evidence).
    pub fn message_ids(&self) -> Vec<&str> {
        let mut ids = self.message.ids();
        for e in &self.evidence {
            for m in [&e.subject_message, &e.detail_message]
                .into_iter()
                .flatten()
            {
                ids.extend(m.ids());
            }
        }
        ids
    }
}

/// How a category came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryVerdict {
    /// Scored: earned over possible points of its required checks.
    Scored,
    /// A required check could not be tested (`error`), so the category has
    /// no score: it would be a guess.
    NotScored,
    /// Every required check is `not_applicable` (a domain without mail
    /// servers for STARTTLS): the category drops out of the overall score,
    /// as in internet.nl.
    NotApplicable,
    /// The category has no required checks (security options): shown,
    /// never scored.
    Informational,
}

/// A category's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryResult {
    /// The category id.
    pub category: String,
    /// How the category came out.
    pub verdict: CategoryVerdict,
    /// Score 0–100, only when scored.
    pub score: Option<u8>,
    /// Points earned by the required checks.
    pub earned: u32,
    /// Points possible: the points of all the category's required checks,
    /// whatever their status.
    pub possible: u32,
    /// The worst status among the category's findings.
    pub status: Status,
}

/// What the test as a whole found, above the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every category that counts was scored: the overall score is theirs.
    Scored,
    /// At least one category could not be scored, so there is no overall
    /// score (a mean without it could be higher than the truth).
    NotScored,
    /// The name does not exist in the DNS (NXDOMAIN, no zone, a bare
    /// top-level domain, or no address and no mail server): nothing to test.
    DoesNotExist,
    /// The domain exists but nothing answers on port 80 or 443.
    NoWebServer,
    /// The domain names mail servers but none of them answers on port 25.
    NoMailServers,
}

impl Outcome {
    /// The word used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Scored => "scored",
            Outcome::NotScored => "not_scored",
            Outcome::DoesNotExist => "does_not_exist",
            Outcome::NoWebServer => "no_web_server",
            Outcome::NoMailServers => "no_mail_servers",
        }
    }

    /// Whether the target was reachable enough to be judged check by check
    /// (statistics count the others as unreachable, not as scores).
    pub fn reachable(self) -> bool {
        matches!(self, Outcome::Scored | Outcome::NotScored)
    }
}

/// The top of a report: the outcome, one sentence for it, the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verdict {
    /// What the test found as a whole.
    pub outcome: Outcome,
    /// The sentence, rendered from `message` (English in stored reports).
    pub summary: String,
    /// The sentence as a message id and its arguments.
    pub message: Message,
    /// What was seen (the DNS answers of a name that does not exist).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The categories that could not be scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_scored: Vec<String>,
}

impl Verdict {
    /// A verdict with no evidence yet.
    pub fn new(outcome: Outcome, message: Message) -> Verdict {
        Verdict {
            outcome,
            summary: String::new(),
            message,
            evidence: Vec::new(),
            not_scored: Vec::new(),
        }
    }

    /// Adds evidence.
    pub fn with_all(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Verdict {
        self.evidence.extend(evidence);
        self
    }
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
    /// Overall score 0–100: the mean of the scored categories; `None`
    /// unless the outcome is [`Outcome::Scored`].
    pub score: Option<u8>,
    /// What the test found as a whole, above the findings.
    pub verdict: Verdict,
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
