//! The report page's view model: the summary at the top (overall score, one
//! line per category with its verdict and a link down to it), "how the
//! score was made", the findings with their level and points, and the
//! technical tables per server.

use askama::Template;
use indaba_model::catalogue::{self, Category, Level};
use indaba_model::{CategoryVerdict, Report, Status, TestKind};

use crate::i18n::Tr;
use crate::results::technical::{self, AddressView, ServerView};
use crate::view::{self, UserView};
use crate::when::{self, When};

/// A report page (also the per-domain address's page).
#[derive(Template)]
#[template(path = "results/report.html")]
pub struct ReportPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Report id.
    pub id: &'a str,
    /// `web` or `mail` (form actions, per-domain paths).
    pub kind: &'static str,
    /// The per-domain path (`/site/example.nl`).
    pub domain_path: String,
    /// Domain (Unicode form).
    pub domain: String,
    /// Domain (A-labels), for the retest form.
    pub domain_ascii: String,
    /// "Website test" / "Mail test".
    pub kind_label: String,
    /// When the test started.
    pub started: When,
    /// How long ago, in words.
    pub age: String,
    /// How long the test took, in seconds.
    pub duration_secs: u64,
    /// Overall score text.
    pub score: String,
    /// Whether there is an overall score.
    pub scored: bool,
    /// The verdict sentence.
    pub verdict: String,
    /// Evidence of the verdict (a name that does not exist).
    pub verdict_evidence: Vec<(String, String)>,
    /// The summary lines.
    pub summary: Vec<SummaryLine>,
    /// How the score was made.
    pub how: HowScored,
    /// Categories with their findings.
    pub categories: Vec<CategoryView>,
    /// Technical tables per TLS server.
    pub servers: Vec<ServerView>,
    /// Every address tested.
    pub addresses: Vec<AddressView>,
    /// Shown as a reused result: how old it is.
    pub reused: bool,
    /// Shown at the per-domain address (the latest public result).
    pub latest: bool,
    /// Whether the report is public (has a per-domain address and history).
    pub public: bool,
    /// Whether the visitor speaks for an owner of the domain and may
    /// explain its findings (see [`crate::monitor::explain::annotate`]).
    pub may_explain: bool,
}

/// One line of the summary.
#[derive(Debug, Clone)]
pub struct SummaryLine {
    /// Anchor of the category section.
    pub id: String,
    /// Title.
    pub title: String,
    /// Verdict in words ("80%", "not scored"…).
    pub verdict: String,
    /// CSS class of the worst status.
    pub status: String,
    /// Counts in words ("5 passed, 1 failed").
    pub counts: String,
}

/// How the score was made.
#[derive(Debug, Clone)]
pub struct HowScored {
    /// One row per category: title, points, result.
    pub rows: Vec<(String, String, String)>,
    /// The overall computation in words.
    pub overall: String,
}

/// A category of a report.
#[derive(Debug, Clone)]
pub struct CategoryView {
    /// Id (anchor).
    pub id: String,
    /// Title.
    pub title: String,
    /// Verdict in words.
    pub verdict: String,
    /// Findings.
    pub findings: Vec<FindingView>,
}

/// A finding of a report.
#[derive(Debug, Clone)]
pub struct FindingView {
    /// Check id.
    pub check: String,
    /// Check title.
    pub title: String,
    /// Status word (CSS class).
    pub status: String,
    /// Status, translated.
    pub status_label: String,
    /// Level, translated ("Required").
    pub level: String,
    /// Points in words ("7 of 10 points", "does not count").
    pub points: String,
    /// Summary.
    pub summary: String,
    /// Evidence rows (subject, detail).
    pub evidence: Vec<(String, String)>,
    /// Guide id.
    pub guide: String,
    /// Whether to show it unfolded (problems are).
    pub open: bool,
    /// The owner's explanation in force, if any.
    pub explained: Option<crate::monitor::explain::ExplainedView>,
    /// Whether the visitor may explain it (an owner, and it falls short).
    pub explainable: bool,
    /// The check id made fit for element ids (dots as dashes).
    pub anchor: String,
}

/// What the page shows besides the report itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Framing {
    /// The visitor was shown a recent result instead of a new test.
    pub reused: bool,
    /// The page is the per-domain address.
    pub latest: bool,
    /// The report is public.
    pub public: bool,
}

/// The `web`/`mail` word of a kind (paths and forms).
pub fn kind_word(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "web",
        TestKind::Mail => "mail",
    }
}

/// The per-domain path of a kind (`site` or `mail`).
pub fn domain_path(kind: TestKind, domain: &str) -> String {
    match kind {
        TestKind::Web => format!("/site/{domain}"),
        TestKind::Mail => format!("/mail/{domain}"),
    }
}

/// Builds the page for `report`.
pub fn page<'a>(
    tr: Tr<'a>,
    csrf: &'a str,
    user: Option<UserView>,
    id: &'a str,
    report: &Report,
    framing: Framing,
    now: i64,
) -> ReportPage<'a> {
    let categories = categories(&tr, report);
    let started_unix = when::unix_of(&report.started).unwrap_or(now);
    let technical = indaba_checks::technical::tables(
        report.kind,
        report.target.as_str(),
        &report.observations,
        started_unix,
    );
    ReportPage {
        tr,
        csrf,
        user,
        id,
        kind: kind_word(report.kind),
        domain_path: domain_path(report.kind, report.target.as_str()),
        domain: report.target.to_unicode(),
        domain_ascii: report.target.as_str().to_string(),
        kind_label: view::kind_label(&tr, report.kind),
        started: when::at_rfc3339(&tr, &report.started),
        age: when::ago(&tr, started_unix, now),
        duration_secs: report.duration_ms.div_ceil(1000),
        score: view::score_text(&tr, report.score),
        scored: report.score.is_some(),
        verdict: tr.m(&report.verdict.message),
        verdict_evidence: report
            .verdict
            .evidence
            .iter()
            .map(|e| evidence_pair(&tr, e))
            .collect(),
        summary: summary(&tr, report, &categories),
        how: how_scored(&tr, report),
        categories,
        servers: technical::servers(&tr, &technical, &report.observations.shared),
        addresses: technical::addresses(&tr, &technical),
        reused: framing.reused,
        latest: framing.latest,
        public: framing.public,
        may_explain: false,
    }
}

/// A piece of evidence in words: its subject and detail, each the
/// message's rendering where it is words rather than data.
pub(crate) fn evidence_pair(tr: &Tr<'_>, e: &indaba_model::Evidence) -> (String, String) {
    let subject = e
        .subject_message
        .as_ref()
        .map(|m| tr.m(m))
        .unwrap_or_else(|| e.subject.clone());
    let detail = e
        .detail_message
        .as_ref()
        .map(|m| tr.m(m))
        .unwrap_or_else(|| e.detail.clone());
    (subject, detail)
}

/// A category's verdict in words.
fn category_verdict(tr: &Tr<'_>, result: Option<&indaba_model::CategoryResult>) -> String {
    match result {
        None => String::new(),
        Some(c) => match c.verdict {
            CategoryVerdict::Scored => view::score_text(tr, c.score),
            CategoryVerdict::NotScored => tr.t("report-verdict-not-scored"),
            CategoryVerdict::NotApplicable => tr.t("report-verdict-not-applicable"),
            CategoryVerdict::Informational => tr.t("report-verdict-informational"),
        },
    }
}

fn result_of(report: &Report, category: Category) -> Option<&indaba_model::CategoryResult> {
    report
        .categories
        .iter()
        .find(|c| c.category == category.id())
}

fn level_label(tr: &Tr<'_>, level: Level) -> String {
    tr.t(match level {
        Level::Required => "report-level-required",
        Level::Recommended => "report-level-recommended",
        Level::Optional => "report-level-optional",
    })
}

fn points_text(tr: &Tr<'_>, finding: &indaba_model::Finding) -> String {
    match finding.points {
        Some(p) if p.possible > 0 => tr.catalogue().render(
            tr.lang,
            &indaba_model::Message::new("report-points")
                .arg("earned", i64::from(p.earned))
                .arg("possible", i64::from(p.possible)),
        ),
        Some(_) => tr.t("report-points-gate"),
        None => tr.t("report-points-none"),
    }
}

/// The categories with their findings, in catalogue order.
pub fn categories(tr: &Tr<'_>, report: &Report) -> Vec<CategoryView> {
    Category::ALL
        .iter()
        .filter_map(|&category| {
            let findings: Vec<FindingView> = report
                .findings
                .iter()
                .filter(|f| catalogue::check(&f.check).map(|c| c.category) == Some(category))
                .map(|f| {
                    let localised = view::localised(tr, f);
                    let level = catalogue::check(&f.check)
                        .map(|c| level_label(tr, c.level))
                        .unwrap_or_default();
                    FindingView {
                        check: f.check.clone(),
                        title: view::check_title(tr, &f.check),
                        status: f.status.as_str().to_string(),
                        status_label: view::status_label(tr, f.status),
                        level,
                        points: points_text(tr, f),
                        summary: localised.summary.clone(),
                        open: matches!(
                            f.status,
                            Status::Fail | Status::Warning | Status::Error | Status::NotTested
                        ),
                        evidence: localised
                            .evidence
                            .iter()
                            .map(|e| (e.subject.clone(), e.detail.clone()))
                            .collect(),
                        guide: f.guide.clone(),
                        explained: None,
                        explainable: false,
                        anchor: f.check.replace('.', "-"),
                    }
                })
                .collect();
            if findings.is_empty() {
                return None;
            }
            Some(CategoryView {
                id: category.id().to_string(),
                title: view::category_title(tr, category),
                verdict: category_verdict(tr, result_of(report, category)),
                findings,
            })
        })
        .collect()
}

fn summary(tr: &Tr<'_>, report: &Report, categories: &[CategoryView]) -> Vec<SummaryLine> {
    categories
        .iter()
        .map(|c| {
            let in_category: Vec<Status> = report
                .findings
                .iter()
                .filter(|f| {
                    catalogue::check(&f.check).map(|s| s.category.id()) == Some(c.id.as_str())
                })
                .map(|f| f.status)
                .collect();
            let count = |s: Status| in_category.iter().filter(|x| **x == s).count();
            let mut parts = Vec::new();
            for (status, id) in [
                (Status::Fail, "report-count-fail"),
                (Status::NotTested, "report-count-not-tested"),
                (Status::Error, "report-count-error"),
                (Status::Warning, "report-count-warning"),
                (Status::Pass, "report-count-pass"),
                (Status::Info, "report-count-info"),
            ] {
                let n = count(status);
                if n > 0 {
                    parts.push(tr.m(&indaba_model::Message::new(id).arg("count", n as i64)));
                }
            }
            let worst = Status::worst(in_category.iter().copied()).unwrap_or(Status::Info);
            SummaryLine {
                id: c.id.clone(),
                title: c.title.clone(),
                verdict: c.verdict.clone(),
                status: worst.as_str().to_string(),
                counts: parts.join(&tr.t("list-separator")),
            }
        })
        .collect()
}

fn how_scored(tr: &Tr<'_>, report: &Report) -> HowScored {
    let mut rows = Vec::new();
    let mut scores = Vec::new();
    for c in &report.categories {
        let title = Category::ALL
            .iter()
            .find(|x| x.id() == c.category)
            .map(|x| view::category_title(tr, *x))
            .unwrap_or_else(|| c.category.clone());
        let points = match c.verdict {
            CategoryVerdict::Informational => tr.t("report-how-no-required"),
            _ => tr.catalogue().render(
                tr.lang,
                &indaba_model::Message::new("report-points")
                    .arg("earned", i64::from(c.earned))
                    .arg("possible", i64::from(c.possible)),
            ),
        };
        let result = match (c.verdict, c.score) {
            (CategoryVerdict::Scored, Some(s)) => {
                scores.push(s);
                format!("{s}%")
            }
            (CategoryVerdict::NotScored, _) => tr.t("report-how-not-scored"),
            (CategoryVerdict::NotApplicable, _) => tr.t("report-how-not-applicable"),
            _ => tr.t("report-how-informational"),
        };
        rows.push((title, points, result));
    }
    let overall = match report.score {
        Some(score) if !scores.is_empty() => tr.catalogue().render(
            tr.lang,
            &indaba_model::Message::new("report-how-overall")
                .arg(
                    "scores",
                    scores
                        .iter()
                        .map(|s| format!("{s}%"))
                        .collect::<Vec<_>>()
                        .join(" + ")
                        .as_str(),
                )
                .arg("count", scores.len() as i64)
                .arg("score", i64::from(score)),
        ),
        _ => tr.m(&report.verdict.message),
    };
    HowScored { rows, overall }
}
