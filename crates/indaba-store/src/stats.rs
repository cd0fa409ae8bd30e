//! Monitoring's statistics tables (issue 13): the rows a finished scan adds
//! (`indaba_monitor::stats` sums them up), the queries of the dashboards
//! and exports, and lists' published reports.
//!
//! Comply or explain: a check row also counts the fails and warnings that
//! an owner's explanation covered at the scan's finish
//! ([`Store::explained_in_force`] at that moment), so a scan's statistics
//! keep both numbers whatever happens to the explanations afterwards, and
//! summing a scan up again (re-judging) judges them at the same moment.
//!
//! A scan's rows are written in one transaction when it finishes
//! ([`Store::summarise_scan`], called between `finishing` and `done`) and
//! rewritten whenever its reports are judged again
//! (`indaba admin rejudge` finds them with [`Store::scans_of_reports`]), so every row names the policy
//! version its counts were judged under. Reading adoption over time touches
//! these rows only, through indexes that lead with the list, the segment,
//! the kind and the check (or category), then the day.

use std::collections::HashMap;

use indaba_monitor::explain::FindingKey;

use indaba_model::{Status, TestKind};
use indaba_monitor::stats::{
    self, Accumulator, Distribution, DomainResult, HIGHLIGHTS, Segment, StatusCounts,
};
use serde::Deserialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::audit;
use crate::reports::{kind_text, parse_kind};
use crate::{Actor, Store, StoreError, now};

/// Rows read per page while summing up a scan.
const PAGE: i64 = 500;
/// Rows written per statement.
const INSERT_BATCH: usize = 100;

/// A scan that has statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatScan {
    /// The scan.
    pub scan_id: String,
    /// Midnight UTC of the day it finished.
    pub day: i64,
    /// When it finished.
    pub finished_at: i64,
    /// The policy its counts were judged under.
    pub policy_version: String,
}

/// One check's counts in one scan and segment.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    /// The scan.
    pub scan_id: String,
    /// Midnight UTC of the day it finished.
    pub day: i64,
    /// The segment.
    pub segment: Segment,
    /// Web or mail.
    pub kind: TestKind,
    /// The check.
    pub check: String,
    /// The policy version.
    pub policy_version: String,
    /// The counts.
    pub counts: StatusCounts,
}

/// One category's (or the overall) score distribution in one scan and
/// segment.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// The scan.
    pub scan_id: String,
    /// Midnight UTC of the day it finished.
    pub day: i64,
    /// The segment.
    pub segment: Segment,
    /// Web or mail.
    pub kind: TestKind,
    /// The category id, `""` for the overall score.
    pub category: String,
    /// The policy version.
    pub policy_version: String,
    /// The distribution.
    pub distribution: Distribution,
}

/// A domain named on the overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// Web or mail.
    pub kind: TestKind,
    /// `worst` or `improved`.
    pub which: String,
    /// The domain.
    pub domain: String,
    /// Its score in the scan.
    pub score: Option<u8>,
    /// Its score in the scan before (most improved only).
    pub previous: Option<u8>,
}

/// One scan of a domain, for its history.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainScan {
    /// The scan.
    pub scan_id: String,
    /// When the scan was made.
    pub created_at: i64,
    /// Web or mail.
    pub kind: TestKind,
    /// The job's state (`done`, `error`, …).
    pub state: String,
    /// The report, when there is one.
    pub report_id: Option<String>,
    /// The overall score.
    pub score: Option<u8>,
    /// The policy version of the report.
    pub policy_version: Option<String>,
    /// Each check's status.
    pub findings: Vec<(String, Status)>,
}

/// One domain's row of a scan's results (the exports).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// The domain.
    pub domain: String,
    /// Web or mail.
    pub kind: TestKind,
    /// The job's state.
    pub state: String,
    /// The report's outcome (`scored`, `does_not_exist`, …), when done.
    pub outcome: Option<String>,
    /// The overall score.
    pub score: Option<u8>,
    /// The policy version.
    pub policy_version: Option<String>,
    /// Each category's score.
    pub categories: HashMap<String, Option<u8>>,
    /// Each check's status.
    pub findings: HashMap<String, Status>,
}

/// A list's published report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The unguessable token in its address.
    pub token: String,
    /// The list.
    pub list_id: String,
    /// The passcode's argon2id hash, if it has one.
    pub passcode: Option<String>,
    /// When it was published.
    pub created_at: i64,
}

/// Domains whose score rose: domain, before, after.
type Rises = Vec<(String, u8, u8)>;

/// A highlight row as written: kind, which, position, domain, score, previous.
type HighlightRow<'a> = (&'a str, &'a str, usize, &'a str, Option<u8>, Option<u8>);

/// The parts of a stored report that statistics read (serde passes over the
/// observations without keeping them).
#[derive(Deserialize)]
struct Light {
    score: Option<u8>,
    #[serde(default)]
    policy_version: String,
    verdict: LightVerdict,
    #[serde(default)]
    categories: Vec<LightCategory>,
    #[serde(default)]
    findings: Vec<LightFinding>,
}

#[derive(Deserialize)]
struct LightVerdict {
    outcome: indaba_model::Outcome,
}

#[derive(Deserialize)]
struct LightCategory {
    category: String,
    score: Option<u8>,
}

#[derive(Deserialize)]
struct LightFinding {
    check: String,
    status: Status,
}

/// `($1, …, $cols), ($cols+1, …)` for `rows` rows of a multi-row insert.
fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn light(body: &str) -> Result<Light, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("report: {e}")))
}

fn score_of(v: Option<i64>) -> Option<u8> {
    v.map(|s| s.clamp(0, 100) as u8)
}

fn counts_from_row(r: &AnyRow) -> Result<StatusCounts, StoreError> {
    let n = |c: &str| -> Result<u64, StoreError> { Ok(r.try_get::<i64, _>(c)?.max(0) as u64) };
    Ok(StatusCounts {
        passed: n("passed")?,
        warned: n("warned")?,
        failed: n("failed")?,
        not_tested: n("not_tested")?,
        errored: n("errored")?,
        informational: n("informational")?,
        not_applicable: n("not_applicable")?,
        unreachable: n("unreachable")?,
        explained_failed: n("explained_failed")?,
        explained_warned: n("explained_warned")?,
    })
}

fn segment_of(r: &AnyRow) -> Result<Segment, StoreError> {
    let s: String = r.try_get("segment")?;
    Segment::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("segment {s:?}")))
}

const CHECK_COLUMNS: &str = "scan_id, day, segment, kind, check_id, policy_version, passed, \
     warned, failed, not_tested, errored, informational, not_applicable, unreachable, \
     explained_failed, explained_warned";

fn check_row(r: &AnyRow) -> Result<CheckRow, StoreError> {
    let kind: String = r.try_get("kind")?;
    Ok(CheckRow {
        scan_id: r.try_get("scan_id")?,
        day: r.try_get("day")?,
        segment: segment_of(r)?,
        kind: parse_kind(&kind)?,
        check: r.try_get("check_id")?,
        policy_version: r.try_get("policy_version")?,
        counts: counts_from_row(r)?,
    })
}

const SCORE_COLUMNS: &str = "scan_id, day, segment, kind, category, policy_version, scored, \
     not_scored, score_sum, median, buckets";

fn score_row(r: &AnyRow) -> Result<ScoreRow, StoreError> {
    let kind: String = r.try_get("kind")?;
    let buckets: String = r.try_get("buckets")?;
    Ok(ScoreRow {
        scan_id: r.try_get("scan_id")?,
        day: r.try_get("day")?,
        segment: segment_of(r)?,
        kind: parse_kind(&kind)?,
        category: r.try_get("category")?,
        policy_version: r.try_get("policy_version")?,
        distribution: Distribution {
            buckets: Distribution::parse_buckets(&buckets)
                .ok_or_else(|| StoreError::Corrupt(format!("buckets {buckets:?}")))?,
            scored: r.try_get::<i64, _>("scored")?.max(0) as u64,
            not_scored: r.try_get::<i64, _>("not_scored")?.max(0) as u64,
            sum: r.try_get::<i64, _>("score_sum")?.max(0) as u64,
            median: score_of(r.try_get("median")?),
        },
    })
}

impl Store {
    /// Sums up a finished scan's results into statistics rows (replacing
    /// any it had), with the worst and most improved domains. A scan that
    /// has not finished yet is summed up as finishing now.
    pub async fn summarise_scan(&self, scan_id: &str) -> Result<(), StoreError> {
        self.summarise_scan_at(scan_id, now()).await
    }

    /// [`Store::summarise_scan`] for a scan finishing at `finishing` (used
    /// unless the scan has its finish time already): explanations are
    /// judged at the scan's finish.
    pub(crate) async fn summarise_scan_at(
        &self,
        scan_id: &str,
        finishing: i64,
    ) -> Result<(), StoreError> {
        let scan = sqlx::query("SELECT list_id, finished_at FROM monitor_scans WHERE id = $1")
            .bind(scan_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("scan"))?;
        let list_id: String = scan.try_get("list_id")?;
        let finished_at: i64 = scan
            .try_get::<Option<i64>, _>("finished_at")?
            .unwrap_or(finishing);
        // The explanations in force when the scan finished, by domain and
        // kind: the checks each covers.
        let mut explained: HashMap<(String, TestKind), Vec<String>> = HashMap::new();
        for FindingKey {
            domain,
            kind,
            check,
        } in self.explained_in_force(&list_id, finished_at).await?
        {
            explained.entry((domain, kind)).or_default().push(check);
        }
        let mut acc = Accumulator::new();
        let mut policies: HashMap<String, u64> = HashMap::new();
        let mut current: HashMap<TestKind, HashMap<String, u8>> = HashMap::new();
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT j.seq, j.domain, j.kind, j.state, r.body, d.sector, d.country \
                 FROM monitor_jobs j LEFT JOIN reports r ON r.id = j.report_id \
                 LEFT JOIN monitor_domains d ON d.list_id = $2 AND d.domain = j.domain \
                 WHERE j.scan_id = $1 AND j.seq > $3 AND j.state IN ('done', 'error') \
                 ORDER BY j.seq LIMIT $4",
            )
            .bind(scan_id)
            .bind(&list_id)
            .bind(after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("seq")?;
            for r in &rows {
                let kind = parse_kind(&r.try_get::<String, _>("kind")?)?;
                let domain: String = r.try_get("domain")?;
                let body: Option<String> = r.try_get("body")?;
                let report = match body.as_deref().map(light) {
                    Some(Ok(l)) => Some(l),
                    Some(Err(e)) => {
                        // One unreadable report must not stop a scan's
                        // statistics: it counts as unreachable.
                        tracing::warn!(scan = %scan_id, %domain, error = %e, "statistics");
                        None
                    }
                    None => None,
                };
                let reachable = report
                    .as_ref()
                    .is_some_and(|l| l.verdict.outcome.reachable());
                if let Some(l) = &report {
                    *policies.entry(l.policy_version.clone()).or_default() += 1;
                    if let Some(s) = l.score {
                        current.entry(kind).or_default().insert(domain.clone(), s);
                    }
                }
                let (findings, categories, score) = match report {
                    Some(l) if reachable => (
                        l.findings
                            .into_iter()
                            .map(|f| (f.check, f.status))
                            .collect(),
                        l.categories
                            .into_iter()
                            .map(|c| (c.category, c.score))
                            .collect(),
                        l.score,
                    ),
                    _ => (Vec::new(), Vec::new(), None),
                };
                acc.add(&DomainResult {
                    explained: explained
                        .get(&(domain.clone(), kind))
                        .cloned()
                        .unwrap_or_default(),
                    domain,
                    kind,
                    reachable,
                    findings,
                    categories,
                    score,
                    sector: r.try_get("sector")?,
                    country: r.try_get("country")?,
                });
            }
        }
        let summary = acc.finish();
        let policy = policies
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(p, _)| p)
            .unwrap_or_else(|| indaba_model::score::POLICY_VERSION.to_string());
        // The scan's place among the list's summed-up scans: kept when its
        // rows are rewritten, the next one otherwise.
        let seq: i64 = match sqlx::query(
            "SELECT scan_seq FROM monitor_stat_scores WHERE scan_id = $1 LIMIT 1",
        )
        .bind(scan_id)
        .fetch_optional(&self.pool)
        .await?
        {
            Some(r) => r.try_get("scan_seq")?,
            None => sqlx::query(
                "SELECT COALESCE(MAX(scan_seq), 0) + 1 AS next FROM monitor_stat_scores \
                 WHERE list_id = $1",
            )
            .bind(&list_id)
            .fetch_one(&self.pool)
            .await?
            .try_get("next")?,
        };
        // The list's scan before this one, for the most improved.
        let previous = sqlx::query(
            "SELECT scan_id AS id FROM monitor_stat_scores WHERE list_id = $1 AND scan_seq < $2 \
             ORDER BY scan_seq DESC LIMIT 1",
        )
        .bind(&list_id)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?;
        let mut improved: Vec<(TestKind, Rises)> = Vec::new();
        if let Some(p) = previous {
            let prev_id: String = p.try_get("id")?;
            for (kind, now_scores) in &current {
                let before = self.scan_scores(&prev_id, *kind).await?;
                improved.push((*kind, stats::most_improved(&before, now_scores, HIGHLIGHTS)));
            }
        }

        let day = stats::day_of(finished_at);
        let mut tx = self.begin_write().await?;
        for table in [
            "monitor_stat_checks",
            "monitor_stat_scores",
            "monitor_stat_highlights",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE scan_id = $1"))
                .bind(scan_id)
                .execute(&mut *tx)
                .await?;
        }
        let checks: Vec<_> = summary.checks.iter().collect();
        for chunk in checks.chunks(INSERT_BATCH) {
            let mut sql = format!(
                "INSERT INTO monitor_stat_checks (list_id, finished_at, scan_seq, {CHECK_COLUMNS}) VALUES "
            );
            sql.push_str(&placeholders(chunk.len(), 19));
            let mut q = sqlx::query(&sql);
            for ((seg, kind, check), c) in chunk {
                q = q
                    .bind(&list_id)
                    .bind(finished_at)
                    .bind(seq)
                    .bind(scan_id)
                    .bind(day)
                    .bind(seg.key())
                    .bind(kind_text(*kind))
                    .bind(check.as_str())
                    .bind(&policy)
                    .bind(c.passed as i64)
                    .bind(c.warned as i64)
                    .bind(c.failed as i64)
                    .bind(c.not_tested as i64)
                    .bind(c.errored as i64)
                    .bind(c.informational as i64)
                    .bind(c.not_applicable as i64)
                    .bind(c.unreachable as i64)
                    .bind(c.explained_failed as i64)
                    .bind(c.explained_warned as i64);
            }
            q.execute(&mut *tx).await?;
        }
        let scores: Vec<_> = summary.scores.iter().collect();
        for chunk in scores.chunks(INSERT_BATCH) {
            let mut sql = format!(
                "INSERT INTO monitor_stat_scores (list_id, finished_at, scan_seq, {SCORE_COLUMNS}) VALUES "
            );
            sql.push_str(&placeholders(chunk.len(), 14));
            let mut q = sqlx::query(&sql);
            for ((seg, kind, category), d) in chunk {
                q = q
                    .bind(&list_id)
                    .bind(finished_at)
                    .bind(seq)
                    .bind(scan_id)
                    .bind(day)
                    .bind(seg.key())
                    .bind(kind_text(*kind))
                    .bind(category.as_str())
                    .bind(&policy)
                    .bind(d.scored as i64)
                    .bind(d.not_scored as i64)
                    .bind(d.sum as i64)
                    .bind(d.median.map(i64::from))
                    .bind(d.buckets_text());
            }
            q.execute(&mut *tx).await?;
        }
        let mut highlights: Vec<HighlightRow<'_>> = Vec::new();
        for (kind, worst) in &summary.worst {
            for (i, (d, s)) in worst.iter().enumerate() {
                highlights.push((kind, "worst", i, d, *s, None));
            }
        }
        for (kind, list) in &improved {
            for (i, (d, before, after)) in list.iter().enumerate() {
                highlights.push((
                    kind_text(*kind),
                    "improved",
                    i,
                    d,
                    Some(*after),
                    Some(*before),
                ));
            }
        }
        for (kind, which, i, domain, score, previous) in highlights {
            sqlx::query(
                "INSERT INTO monitor_stat_highlights (scan_id, kind, which, position, domain, \
                 score, previous) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(scan_id)
            .bind(kind)
            .bind(which)
            .bind(i as i64)
            .bind(domain)
            .bind(score.map(i64::from))
            .bind(previous.map(i64::from))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The overall scores of a scan's `kind` reports, by domain.
    async fn scan_scores(
        &self,
        scan_id: &str,
        kind: TestKind,
    ) -> Result<HashMap<String, u8>, StoreError> {
        let rows = sqlx::query(
            "SELECT j.domain, r.score FROM monitor_jobs j JOIN reports r ON r.id = j.report_id \
             WHERE j.scan_id = $1 AND j.kind = $2 AND r.score IS NOT NULL",
        )
        .bind(scan_id)
        .bind(kind_text(kind))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("domain")?,
                    score_of(r.try_get("score")?).unwrap_or(0),
                ))
            })
            .collect()
    }

    /// The finished scans that `report_ids` belong to (their statistics
    /// are to be summed up again once the reports are judged again).
    pub async fn scans_of_reports(&self, report_ids: &[String]) -> Result<Vec<String>, StoreError> {
        let mut scans = std::collections::BTreeSet::new();
        for chunk in report_ids.chunks(INSERT_BATCH) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT DISTINCT j.scan_id FROM monitor_jobs j JOIN monitor_scans s \
                 ON s.id = j.scan_id WHERE s.state = 'done' AND j.report_id IN ({})",
                placeholders.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&self.pool).await? {
                scans.insert(r.try_get::<String, _>("scan_id")?);
            }
        }
        Ok(scans.into_iter().collect())
    }

    /// A list's scans that have statistics, oldest first.
    pub async fn stat_scans(&self, list_id: &str) -> Result<Vec<StatScan>, StoreError> {
        let rows = sqlx::query(
            "SELECT scan_id, day, finished_at, policy_version FROM monitor_stat_scores \
             WHERE list_id = $1 AND segment = '' AND category = '' AND kind IN ('web', 'mail') \
             ORDER BY scan_seq",
        )
        .bind(list_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<StatScan> = Vec::new();
        for r in rows {
            let s = StatScan {
                scan_id: r.try_get("scan_id")?,
                day: r.try_get("day")?,
                finished_at: r.try_get("finished_at")?,
                policy_version: r.try_get("policy_version")?,
            };
            if out.last().map(|l| &l.scan_id) != Some(&s.scan_id) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The newest scan of a list that has statistics.
    pub async fn latest_stat_scan(&self, list_id: &str) -> Result<Option<StatScan>, StoreError> {
        let row = sqlx::query(
            "SELECT scan_id, day, finished_at, policy_version FROM monitor_stat_scores \
             WHERE list_id = $1 AND segment = '' AND category = '' \
             ORDER BY scan_seq DESC LIMIT 1",
        )
        .bind(list_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StatScan {
                scan_id: r.try_get("scan_id")?,
                day: r.try_get("day")?,
                finished_at: r.try_get("finished_at")?,
                policy_version: r.try_get("policy_version")?,
            })
        })
        .transpose()
    }

    /// A scan's check rows of one segment.
    pub async fn scan_check_stats(
        &self,
        scan_id: &str,
        segment: &Segment,
    ) -> Result<Vec<CheckRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CHECK_COLUMNS} FROM monitor_stat_checks WHERE scan_id = $1 AND segment = $2 \
             ORDER BY kind, check_id"
        ))
        .bind(scan_id)
        .bind(segment.key())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_row).collect()
    }

    /// A scan's score rows of one segment.
    pub async fn scan_score_stats(
        &self,
        scan_id: &str,
        segment: &Segment,
    ) -> Result<Vec<ScoreRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SCORE_COLUMNS} FROM monitor_stat_scores WHERE scan_id = $1 AND segment = $2 \
             ORDER BY kind, category"
        ))
        .bind(scan_id)
        .bind(segment.key())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(score_row).collect()
    }

    /// Every check row of a list, every scan and segment (the statistics
    /// export), by day.
    pub async fn list_check_stats(&self, list_id: &str) -> Result<Vec<CheckRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CHECK_COLUMNS} FROM monitor_stat_checks WHERE list_id = $1 \
             ORDER BY scan_seq, segment, kind, check_id"
        ))
        .bind(list_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_row).collect()
    }

    /// Every score row of a list, every scan and segment, by day.
    pub async fn list_score_stats(&self, list_id: &str) -> Result<Vec<ScoreRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SCORE_COLUMNS} FROM monitor_stat_scores WHERE list_id = $1 \
             ORDER BY scan_seq, segment, kind, category"
        ))
        .bind(list_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(score_row).collect()
    }

    /// Every scan's check rows of a list's segment and kind, by check then
    /// day: the trend lines of every check in one read.
    pub async fn check_trends(
        &self,
        list_id: &str,
        segment: &Segment,
        kind: TestKind,
    ) -> Result<Vec<CheckRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CHECK_COLUMNS} FROM monitor_stat_checks WHERE list_id = $1 AND segment = $2 \
             AND kind = $3 ORDER BY check_id, scan_seq"
        ))
        .bind(list_id)
        .bind(segment.key())
        .bind(kind_text(kind))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_row).collect()
    }

    /// Every scan's score rows of a list's segment, kind and category
    /// (`""`: overall), by day.
    pub async fn score_trend(
        &self,
        list_id: &str,
        segment: &Segment,
        kind: TestKind,
        category: &str,
    ) -> Result<Vec<ScoreRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SCORE_COLUMNS} FROM monitor_stat_scores WHERE list_id = $1 AND segment = $2 \
             AND kind = $3 AND category = $4 ORDER BY scan_seq"
        ))
        .bind(list_id)
        .bind(segment.key())
        .bind(kind_text(kind))
        .bind(category)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(score_row).collect()
    }

    /// One check's rows of every segment of a dimension (`sector`,
    /// `country`) in a scan: a side-by-side comparison.
    pub async fn compare_check(
        &self,
        scan_id: &str,
        dimension: &str,
        kind: TestKind,
        check: &str,
    ) -> Result<Vec<CheckRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CHECK_COLUMNS} FROM monitor_stat_checks WHERE scan_id = $1 \
             AND segment > $2 AND segment < $3 AND kind = $4 AND check_id = $5 ORDER BY segment"
        ))
        .bind(scan_id)
        .bind(format!("{dimension}:"))
        .bind(format!("{dimension};"))
        .bind(kind_text(kind))
        .bind(check)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_row).collect()
    }

    /// One category's score rows of every segment of a dimension in a scan.
    pub async fn compare_category(
        &self,
        scan_id: &str,
        dimension: &str,
        kind: TestKind,
        category: &str,
    ) -> Result<Vec<ScoreRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SCORE_COLUMNS} FROM monitor_stat_scores WHERE scan_id = $1 \
             AND segment > $2 AND segment < $3 AND kind = $4 AND category = $5 ORDER BY segment"
        ))
        .bind(scan_id)
        .bind(format!("{dimension}:"))
        .bind(format!("{dimension};"))
        .bind(kind_text(kind))
        .bind(category)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(score_row).collect()
    }

    /// The worst and most improved domains of a scan.
    pub async fn highlights(&self, scan_id: &str) -> Result<Vec<Highlight>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, which, domain, score, previous FROM monitor_stat_highlights \
             WHERE scan_id = $1 ORDER BY kind, which, position",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Highlight {
                    kind: parse_kind(&r.try_get::<String, _>("kind")?)?,
                    which: r.try_get("which")?,
                    domain: r.try_get("domain")?,
                    score: score_of(r.try_get("score")?),
                    previous: score_of(r.try_get("previous")?),
                })
            })
            .collect()
    }

    /// Every scan of `domain` in a list, oldest first, with its findings.
    pub async fn domain_history(
        &self,
        list_id: &str,
        domain: &str,
        limit: i64,
    ) -> Result<Vec<DomainScan>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.created_at, j.kind, j.state, j.report_id, r.score, r.policy_version \
             FROM monitor_jobs j JOIN monitor_scans s ON s.id = j.scan_id \
             LEFT JOIN reports r ON r.id = j.report_id \
             WHERE s.list_id = $1 AND j.domain = $2 AND s.state = 'done' \
             ORDER BY j.seq DESC LIMIT $3",
        )
        .bind(list_id)
        .bind(domain)
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows.iter().rev() {
            let report_id: Option<String> = r.try_get("report_id")?;
            let mut findings = Vec::new();
            if let Some(id) = &report_id {
                for f in sqlx::query(
                    "SELECT check_id, status FROM findings WHERE report_id = $1 ORDER BY check_id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                {
                    let status: String = f.try_get("status")?;
                    if let Some(s) = Status::parse(&status) {
                        findings.push((f.try_get("check_id")?, s));
                    }
                }
            }
            out.push(DomainScan {
                scan_id: r.try_get("id")?,
                created_at: r.try_get("created_at")?,
                kind: parse_kind(&r.try_get::<String, _>("kind")?)?,
                state: r.try_get("state")?,
                report_id,
                score: score_of(r.try_get("score")?),
                policy_version: r.try_get("policy_version")?,
                findings,
            });
        }
        Ok(out)
    }

    /// A page of a scan's results, one row per domain and kind, after
    /// job sequence `after`; returns the rows and the last sequence read.
    pub async fn scan_result_rows(
        &self,
        scan_id: &str,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<ResultRow>, i64), StoreError> {
        let rows = sqlx::query(
            "SELECT j.seq, j.domain, j.kind, j.state, r.body FROM monitor_jobs j \
             LEFT JOIN reports r ON r.id = j.report_id \
             WHERE j.scan_id = $1 AND j.seq > $2 ORDER BY j.seq LIMIT $3",
        )
        .bind(scan_id)
        .bind(after)
        .bind(limit.clamp(1, 5000))
        .fetch_all(&self.pool)
        .await?;
        let mut last = after;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            last = r.try_get("seq")?;
            let body: Option<String> = r.try_get("body")?;
            let l = body.as_deref().map(light).transpose()?;
            out.push(ResultRow {
                domain: r.try_get("domain")?,
                kind: parse_kind(&r.try_get::<String, _>("kind")?)?,
                state: r.try_get("state")?,
                outcome: l.as_ref().map(|l| l.verdict.outcome.as_str().to_string()),
                score: l.as_ref().and_then(|l| l.score),
                policy_version: l.as_ref().map(|l| l.policy_version.clone()),
                categories: l
                    .as_ref()
                    .map(|l| {
                        l.categories
                            .iter()
                            .map(|c| (c.category.clone(), c.score))
                            .collect()
                    })
                    .unwrap_or_default(),
                findings: l
                    .map(|l| {
                        l.findings
                            .into_iter()
                            .map(|f| (f.check, f.status))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        Ok((out, last))
    }

    // ------------------------------------------------------------ publications

    /// Publishes a list's report under a new unguessable token (replacing
    /// any earlier one, whose address stops working), with the passcode's
    /// hash if any.
    pub async fn publish_list(
        &self,
        by: &Actor,
        list_id: &str,
        passcode_hash: Option<&str>,
    ) -> Result<Publication, StoreError> {
        let token = crate::new_id() + &crate::new_id();
        let stamp = now();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM monitor_publications WHERE list_id = $1")
            .bind(list_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO monitor_publications (token, list_id, passcode, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&token)
        .bind(list_id)
        .bind(passcode_hash)
        .bind(by.user.as_deref())
        .bind(stamp)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.report.publish",
            list_id,
            serde_json::json!({"passcode": passcode_hash.is_some()}),
        )
        .await?;
        tx.commit().await?;
        Ok(Publication {
            token,
            list_id: list_id.to_string(),
            passcode: passcode_hash.map(str::to_string),
            created_at: stamp,
        })
    }

    /// Unpublishes a list's report at once; whether it was published.
    pub async fn unpublish_list(&self, by: &Actor, list_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM monitor_publications WHERE list_id = $1")
            .bind(list_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        audit(
            &mut tx,
            self.backend,
            by,
            "monitor.report.unpublish",
            list_id,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A list's publication, if it is published.
    pub async fn publication_of(&self, list_id: &str) -> Result<Option<Publication>, StoreError> {
        self.publication("list_id", list_id).await
    }

    /// The publication with `token`, if it is still published.
    pub async fn publication_by_token(
        &self,
        token: &str,
    ) -> Result<Option<Publication>, StoreError> {
        self.publication("token", token).await
    }

    async fn publication(
        &self,
        column: &str,
        value: &str,
    ) -> Result<Option<Publication>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT token, list_id, passcode, created_at FROM monitor_publications WHERE {column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Publication {
                token: r.try_get("token")?,
                list_id: r.try_get("list_id")?,
                passcode: r.try_get("passcode")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }
}
