//! The monitoring dashboards (issue 13), read from the statistics rows
//! only: a list's overview (score distribution, each check's adoption,
//! trend lines per check, the worst and most improved domains), sectors,
//! countries or lists side by side for one check or category (with a map
//! of countries), a domain's history in a list, and the exports of scans
//! and statistics. Every chart has its numbers in a table beside it and
//! says which policy version it shows. Analysts and admins see every list;
//! members their own organisation's (`pages::may_see`).
//!
//! Comply or explain: adoption is shown with both numbers, the plain one
//! and the one with findings explained by their owners (an explanation in
//! force when the scan finished) counted as compliant; the tables give the
//! explained count and the fails without explained findings beside them.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use indaba_model::catalogue::{self, Category};
use indaba_model::{Status, TestKind};
use indaba_monitor::stats::{self, Change, Distribution, Segment};
use indaba_store::monitor::List;
use indaba_store::stats::{CheckRow, StatScan};
use indaba_store::{Store, StoreError};
use serde::Deserialize;

use super::charts::{self, Bar, Series, Svg};
use super::exports::{self, Format};
use super::pages::{is_staff, may_see, problem, store_problem, visible_list};
use crate::app::{AppState, PageContext};
use crate::extract::{RequireRole, role};
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::UserView;

/// The kind a query names.
pub fn kind_of(word: &str) -> Option<TestKind> {
    match word {
        "web" => Some(TestKind::Web),
        "mail" => Some(TestKind::Mail),
        _ => None,
    }
}

fn check_title(tr: &Tr<'_>, id: &str) -> String {
    catalogue::check(id)
        .map(|c| tr.t(&c.title_id()))
        .unwrap_or_else(|| id.to_string())
}

fn category_title(tr: &Tr<'_>, id: &str) -> String {
    if id.is_empty() {
        return tr.t("stats-overall");
    }
    Category::ALL
        .into_iter()
        .find(|c| c.id() == id)
        .map(|c| tr.t(&c.title_id()))
        .unwrap_or_else(|| id.to_string())
}

fn date(day: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(day)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

fn percent(v: Option<f64>) -> String {
    v.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "–".into())
}

/// One check's counts as the tables show them.
pub struct CheckLine {
    /// The check's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Counts, each with its cell's class: passed, warned, failed,
    /// explained (fails and warnings), failed without explained findings,
    /// not tested, could not be tested, unreachable.
    pub counts: [(&'static str, u64); 8],
    /// Adoption, formatted.
    pub adoption: String,
    /// Adoption with explained findings counted as compliant, formatted.
    pub adoption_explained: String,
}

/// The two shades of an adoption chart, named.
fn adoption_legend(tr: &Tr<'_>) -> [String; 2] {
    [tr.t("stats-legend-passing"), tr.t("stats-legend-explained")]
}

/// An adoption chart's bars from (label, counts).
fn adoption_svg<'a>(
    tr: &Tr<'_>,
    title: &str,
    rows: impl IntoIterator<Item = (String, &'a stats::StatusCounts)>,
) -> Svg {
    let bars: Vec<Bar> = rows
        .into_iter()
        .map(|(label, c)| Bar {
            label,
            value: c.adoption(),
            explained: c.adoption_explained(),
        })
        .collect();
    let [plain, explained] = adoption_legend(tr);
    charts::adoption_bars(title, &bars, [&plain, &explained])
}

impl CheckLine {
    fn of(title: String, r: &CheckRow) -> CheckLine {
        let c = &r.counts;
        CheckLine {
            id: r.check.clone(),
            title,
            counts: [
                ("passed", c.passed),
                ("warned", c.warned),
                ("failed", c.failed),
                ("explained", c.explained()),
                ("failed-unexplained", c.failed_unexplained()),
                ("not-tested", c.not_tested),
                ("errored", c.errored),
                ("unreachable", c.unreachable),
            ],
            adoption: percent(c.adoption()),
            adoption_explained: percent(c.adoption_explained()),
        }
    }
}

/// A trend chart of the checks of one category, with its table.
pub struct TrendView {
    /// The category's title.
    pub title: String,
    /// The chart.
    pub chart: Svg,
    /// The dates (columns of the table).
    pub dates: Vec<String>,
    /// Each check: title and its adoption on each date.
    pub rows: Vec<(String, Vec<String>)>,
}

/// A list's overview, as the dashboard and its published report show it.
pub struct Overview {
    /// The list's id.
    pub list_id: String,
    /// The list's name.
    pub list_name: String,
    /// The kind shown.
    pub kind: &'static str,
    /// The kinds the list has statistics for.
    pub kinds: Vec<&'static str>,
    /// The newest scan with statistics, if any.
    pub scan_id: String,
    /// When it finished.
    pub scanned: String,
    /// The policy version of the newest scan's counts.
    pub policy_version: String,
    /// Every policy version the trends show (more than one when older
    /// scans were judged under another policy and not judged again).
    pub trend_policies: String,
    /// The score histogram.
    pub score_chart: Svg,
    /// Its buckets: label, count.
    pub score_table: Vec<(String, u64)>,
    /// Domains with a score, without, mean, median.
    pub scored: u64,
    /// Domains without a score.
    pub not_scored: u64,
    /// The mean score.
    pub mean: String,
    /// The median score.
    pub median: String,
    /// Each category's mean and median: title, scored, mean, median.
    pub categories: Vec<(String, u64, String, String)>,
    /// Adoption per check.
    pub adoption_chart: Svg,
    /// Its table.
    pub checks: Vec<CheckLine>,
    /// Trend lines per category.
    pub trends: Vec<TrendView>,
    /// The worst domains: domain, score.
    pub worst: Vec<(String, String)>,
    /// The most improved: domain, before, now.
    pub improved: Vec<(String, String, String)>,
}

fn score_text(s: Option<u8>) -> String {
    s.map(|s| s.to_string()).unwrap_or_else(|| "–".into())
}

/// Makes a list's overview of `kind` (the list's first kind with
/// statistics when `None`); `None` when the list has no statistics yet.
pub async fn overview(
    store: &Store,
    tr: &Tr<'_>,
    list: &List,
    kind: Option<TestKind>,
) -> Result<Option<Overview>, StoreError> {
    let Some(latest) = store.latest_stat_scan(&list.id).await? else {
        return Ok(None);
    };
    let scores = store
        .scan_score_stats(&latest.scan_id, &Segment::All)
        .await?;
    let mut kinds: Vec<&'static str> = Vec::new();
    for k in [TestKind::Web, TestKind::Mail] {
        if scores.iter().any(|r| r.kind == k) {
            kinds.push(super::kind_name(k));
        }
    }
    let kind = kind
        .filter(|k| kinds.contains(&super::kind_name(*k)))
        .or_else(|| kinds.first().and_then(|k| kind_of(k)))
        .unwrap_or(TestKind::Web);
    let overall = scores
        .iter()
        .find(|r| r.kind == kind && r.category.is_empty())
        .map(|r| r.distribution.clone())
        .unwrap_or_default();
    let checks_now: Vec<CheckRow> = store
        .scan_check_stats(&latest.scan_id, &Segment::All)
        .await?
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect();
    let order: Vec<&str> = stats::checks_of(kind).collect();
    let mut checks_now = checks_now;
    checks_now.sort_by_key(|r| {
        order
            .iter()
            .position(|c| *c == r.check)
            .unwrap_or(usize::MAX)
    });
    let lines: Vec<CheckLine> = checks_now
        .iter()
        .map(|r| CheckLine::of(check_title(tr, &r.check), r))
        .collect();
    let adoption_chart = adoption_svg(
        tr,
        &tr.t1("stats-adoption-chart", "policy", &latest.policy_version),
        lines
            .iter()
            .zip(&checks_now)
            .map(|(l, r)| (l.title.clone(), &r.counts)),
    );
    let trends_rows = store.check_trends(&list.id, &Segment::All, kind).await?;
    let (trends, policies) = trend_views(tr, kind, &trends_rows);
    let highlights = store.highlights(&latest.scan_id).await?;
    let categories = scores
        .iter()
        .filter(|r| r.kind == kind && !r.category.is_empty())
        .map(|r| {
            (
                category_title(tr, &r.category),
                r.distribution.scored,
                r.distribution
                    .mean()
                    .map(|m| format!("{m:.1}"))
                    .unwrap_or_else(|| "–".into()),
                score_text(r.distribution.median),
            )
        })
        .collect();
    Ok(Some(Overview {
        list_id: list.id.clone(),
        list_name: list.name.clone(),
        kind: super::kind_name(kind),
        kinds,
        scan_id: latest.scan_id.clone(),
        scanned: date(latest.day),
        policy_version: latest.policy_version.clone(),
        trend_policies: policies.join(", "),
        score_chart: charts::histogram(
            &tr.t1("stats-score-chart", "policy", &latest.policy_version),
            &overall,
        ),
        score_table: overall
            .buckets
            .iter()
            .enumerate()
            .map(|(i, n)| (Distribution::bucket_label(i), *n))
            .collect(),
        scored: overall.scored,
        not_scored: overall.not_scored,
        mean: overall
            .mean()
            .map(|m| format!("{m:.1}"))
            .unwrap_or_else(|| "–".into()),
        median: score_text(overall.median),
        categories,
        adoption_chart,
        checks: lines,
        trends,
        worst: highlights
            .iter()
            .filter(|h| h.kind == kind && h.which == "worst")
            .map(|h| (h.domain.clone(), score_text(h.score)))
            .collect(),
        improved: highlights
            .iter()
            .filter(|h| h.kind == kind && h.which == "improved")
            .map(|h| {
                (
                    h.domain.clone(),
                    score_text(h.previous),
                    score_text(h.score),
                )
            })
            .collect(),
    }))
}

/// Trend charts per category from every scan's check rows of one kind
/// (sorted by check, then day); a day with several scans shows the last.
///
/// A check with explained findings on any day shown gets a second line and
/// row: its adoption with them counted as compliant.
fn trend_views(tr: &Tr<'_>, kind: TestKind, rows: &[CheckRow]) -> (Vec<TrendView>, Vec<String>) {
    let mut by_check: BTreeMap<&str, BTreeMap<i64, stats::StatusCounts>> = BTreeMap::new();
    let mut policies: Vec<String> = Vec::new();
    for r in rows {
        by_check
            .entry(r.check.as_str())
            .or_default()
            .insert(r.day, r.counts);
        if !policies.contains(&r.policy_version) {
            policies.push(r.policy_version.clone());
        }
    }
    let mut days: Vec<i64> = by_check.values().flat_map(|m| m.keys().copied()).collect();
    days.sort_unstable();
    days.dedup();
    let mut views = Vec::new();
    for category in Category::ALL {
        if !category.kinds().contains(&kind) {
            continue;
        }
        let checks: Vec<&str> = stats::checks_of(kind)
            .filter(|c| catalogue::check(c).map(|s| s.category) == Some(category))
            .filter(|c| by_check.contains_key(c))
            .collect();
        if checks.is_empty() {
            continue;
        }
        let title = tr.t1(
            "stats-trend-chart",
            "category",
            category_title(tr, category.id()),
        );
        // Each line: its name, its check, and which adoption it draws.
        type Adoption = fn(&stats::StatusCounts) -> Option<f64>;
        let mut lines: Vec<(String, &str, Adoption)> = Vec::new();
        for c in &checks {
            let title = check_title(tr, c);
            if by_check[c].values().any(|n| n.explained() > 0) {
                let explained = tr.t1("stats-with-explained", "check", &title);
                lines.push((title, c, stats::StatusCounts::adoption));
                lines.push((explained, c, stats::StatusCounts::adoption_explained));
            } else {
                lines.push((title, c, stats::StatusCounts::adoption));
            }
        }
        let series: Vec<Series> = lines
            .iter()
            .map(|(name, c, adoption)| Series {
                name: name.clone(),
                points: by_check[c]
                    .iter()
                    .filter_map(|(d, n)| adoption(n).map(|p| (*d, p)))
                    .collect(),
            })
            .collect();
        let rows = lines
            .iter()
            .map(|(name, c, adoption)| {
                (
                    name.clone(),
                    days.iter()
                        .map(|d| percent(by_check[c].get(d).and_then(adoption)))
                        .collect(),
                )
            })
            .collect();
        views.push(TrendView {
            chart: charts::trend(&title, &tr.t("stats-no-data"), &series),
            title,
            dates: days.iter().map(|d| date(*d)).collect(),
            rows,
        });
    }
    (views, policies)
}

/// Which kind to show.
#[derive(Debug, Deserialize)]
pub struct KindQuery {
    /// `web` or `mail`.
    #[serde(default)]
    pub kind: String,
}

/// A list's dashboard.
#[derive(Template)]
#[template(path = "monitor/dashboard.html")]
pub struct DashboardPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// Whether the user may publish.
    pub staff: bool,
    /// The list's id.
    pub list_id: String,
    /// The list's name.
    pub list_name: String,
    /// The overview, when there are statistics.
    pub overview: Option<Overview>,
    /// Whether the list has countries (the map).
    pub has_countries: bool,
    /// The published report's address, if published.
    pub published: Option<String>,
    /// Whether it has a passcode.
    pub passcode: bool,
}

/// `GET /monitor/lists/{id}/dashboard`.
pub async fn dashboard(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
) -> Response {
    let list = match visible_list(&state, &ctx, &me.user, &id).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let tr = ctx.tr(&state);
    let overview = match overview(&state.store, &tr, &list, kind_of(&q.kind)).await {
        Ok(o) => o,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    let has_countries = match &overview {
        Some(o) => has_segments(&state.store, &o.scan_id, "country").await,
        None => false,
    };
    let publication = state.store.publication_of(&id).await.ok().flatten();
    let page = DashboardPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        staff: is_staff(&me.user),
        list_id: list.id.clone(),
        list_name: list.name.clone(),
        overview,
        has_countries,
        passcode: publication.as_ref().is_some_and(|p| p.passcode.is_some()),
        published: publication.map(|p| format!("/published/{}", p.token)),
    };
    ctx.finish(&state, render(page))
}

async fn has_segments(store: &Store, scan_id: &str, dimension: &str) -> bool {
    for kind in [TestKind::Web, TestKind::Mail] {
        if let Ok(rows) = store.compare_category(scan_id, dimension, kind, "").await
            && !rows.is_empty()
        {
            return true;
        }
    }
    false
}

/// What to compare.
#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    /// `sector`, `country` or `list`.
    #[serde(default)]
    by: String,
    #[serde(default)]
    kind: String,
    /// A check id, or empty for a category.
    #[serde(default)]
    check: String,
    /// A category id (`""`: the overall score) when no check is given.
    #[serde(default)]
    category: String,
}

/// The compared groups of one scan for a check: each group's segment, its
/// adoption and its row (labelled by the caller). `whole_list` compares the
/// whole list (lists side by side), else the segments of `by`.
async fn check_groups(
    store: &Store,
    scan_id: &str,
    by: &str,
    whole_list: bool,
    kind: TestKind,
    check: &str,
) -> Result<Vec<(Segment, Bar, CompareRow)>, StoreError> {
    let found = if whole_list {
        store
            .scan_check_stats(scan_id, &Segment::All)
            .await?
            .into_iter()
            .filter(|r| r.kind == kind && r.check == check)
            .collect()
    } else {
        store.compare_check(scan_id, by, kind, check).await?
    };
    Ok(found
        .into_iter()
        .map(|r| {
            let c = r.counts;
            let row = CompareRow {
                label: String::new(),
                domains: c.total(),
                numbers: [
                    c.passed,
                    c.warned,
                    c.failed,
                    c.explained(),
                    c.failed_unexplained(),
                    c.unreachable,
                ]
                .iter()
                .map(u64::to_string)
                .collect(),
                value: percent(c.adoption()),
                extra: vec![percent(c.adoption_explained())],
                policy: r.policy_version,
            };
            let bar = Bar {
                label: String::new(),
                value: c.adoption(),
                explained: c.adoption_explained(),
            };
            (r.segment, bar, row)
        })
        .collect())
}

/// [`check_groups`] for a category's (or the overall) mean score.
async fn category_groups(
    store: &Store,
    scan_id: &str,
    by: &str,
    whole_list: bool,
    kind: TestKind,
    category: &str,
) -> Result<Vec<(Segment, Bar, CompareRow)>, StoreError> {
    let found = if whole_list {
        store
            .scan_score_stats(scan_id, &Segment::All)
            .await?
            .into_iter()
            .filter(|r| r.kind == kind && r.category == category)
            .collect()
    } else {
        store.compare_category(scan_id, by, kind, category).await?
    };
    Ok(found
        .into_iter()
        .map(|r| {
            let d = &r.distribution;
            let row = CompareRow {
                label: String::new(),
                domains: d.scored + d.not_scored,
                numbers: vec![
                    d.scored.to_string(),
                    d.not_scored.to_string(),
                    score_text(d.median),
                ],
                value: d
                    .mean()
                    .map(|m| format!("{m:.1}"))
                    .unwrap_or_else(|| "–".into()),
                extra: Vec::new(),
                policy: r.policy_version.clone(),
            };
            let bar = Bar {
                label: String::new(),
                value: d.mean(),
                explained: None,
            };
            (r.segment.clone(), bar, row)
        })
        .collect())
}

/// One compared group.
pub struct CompareRow {
    /// The group (sector, country code, list name).
    pub label: String,
    /// Domains counted.
    pub domains: u64,
    /// For a check: passed, warned, failed, explained, failed without
    /// explained findings, unreachable; for a category: scored, not
    /// scored, median.
    pub numbers: Vec<String>,
    /// Adoption (check) or mean score (category).
    pub value: String,
    /// For a check: adoption with explained findings counted as
    /// compliant; nothing for a category.
    pub extra: Vec<String>,
    /// The policy version.
    pub policy: String,
}

/// The comparison page.
#[derive(Template)]
#[template(path = "monitor/compare.html")]
pub struct ComparePage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The list's id.
    pub list_id: String,
    /// The list's name.
    pub list_name: String,
    /// `sector`, `country` or `list`.
    pub by: String,
    /// The kind.
    pub kind: &'static str,
    /// The check compared, if any.
    pub check: String,
    /// The category compared when no check is.
    pub category: String,
    /// What is compared, in words.
    pub subject: String,
    /// Whether a check (adoption) or a category (mean score) is compared.
    pub is_check: bool,
    /// Every check of the kind: id, title.
    pub check_choices: Vec<(String, String)>,
    /// Every category of the kind: id, title.
    pub category_choices: Vec<(String, String)>,
    /// The chart.
    pub chart: Svg,
    /// The map (countries only).
    pub map: Option<Svg>,
    /// The rows.
    pub rows: Vec<CompareRow>,
    /// The policy versions shown.
    pub policies: String,
}

/// `GET /monitor/lists/{id}/compare?by=sector|country|list&kind=&check=|category=`.
pub async fn compare(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path(id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> Response {
    let list = match visible_list(&state, &ctx, &me.user, &id).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let tr = ctx.tr(&state);
    let kind = kind_of(&q.kind).unwrap_or(TestKind::Web);
    let by = match q.by.as_str() {
        "country" | "list" => q.by.clone(),
        _ => "sector".to_string(),
    };
    let check = q.check.trim().to_string();
    let is_check = !check.is_empty();
    if is_check && !stats::checks_of(kind).any(|c| c == check) {
        return problem(
            &state,
            &ctx,
            StatusCode::NOT_FOUND,
            tr.t("monitor-not-found"),
        );
    }
    let category = q.category.trim().to_string();
    if !is_check && !category.is_empty() && !stats::categories_of(kind).any(|c| c == category) {
        return problem(
            &state,
            &ctx,
            StatusCode::NOT_FOUND,
            tr.t("monitor-not-found"),
        );
    }
    let mut rows: Vec<CompareRow> = Vec::new();
    let mut values: Vec<Bar> = Vec::new();
    let targets: Vec<(String, Option<StatScan>, Segment)> = if by == "list" {
        let lists = match super::pages::lists_visible_to(&state.store, &me.user).await {
            Ok(l) => l,
            Err(e) => return store_problem(&state, &ctx, e),
        };
        let mut t = Vec::new();
        for l in lists.iter().filter(|l| may_see(&me.user, l)) {
            let latest = state.store.latest_stat_scan(&l.id).await.ok().flatten();
            t.push((l.name.clone(), latest, Segment::All));
        }
        t
    } else {
        let latest = state.store.latest_stat_scan(&id).await.ok().flatten();
        vec![(String::new(), latest, Segment::All)]
    };
    for (name, latest, _) in &targets {
        let Some(latest) = latest else { continue };
        let whole_list = by == "list";
        let found = if is_check {
            check_groups(&state.store, &latest.scan_id, &by, whole_list, kind, &check).await
        } else {
            category_groups(
                &state.store,
                &latest.scan_id,
                &by,
                whole_list,
                kind,
                &category,
            )
            .await
        };
        let found = match found {
            Ok(f) => f,
            Err(e) => return store_problem(&state, &ctx, e),
        };
        for (segment, mut bar, mut row) in found {
            row.label = if whole_list {
                name.clone()
            } else {
                segment.value().to_string()
            };
            bar.label = row.label.clone();
            values.push(bar);
            rows.push(row);
        }
    }
    let subject = if is_check {
        check_title(&tr, &check)
    } else {
        category_title(&tr, &category)
    };
    let mut policies: Vec<String> = rows.iter().map(|r| r.policy.clone()).collect();
    policies.sort();
    policies.dedup();
    let policies = policies.join(", ");
    let title = tr.t1("stats-compare-chart", "subject", &subject);
    let title = format!("{title} · {} {policies}", tr.t("stats-policy"));
    let plain: Vec<(String, Option<f64>)> =
        values.iter().map(|b| (b.label.clone(), b.value)).collect();
    let chart = if is_check {
        let [passing, explained] = adoption_legend(&tr);
        charts::adoption_bars(&title, &values, [&passing, &explained])
    } else {
        charts::bars(&title, &plain, false)
    };
    let page = ComparePage {
        chart,
        map: (by == "country").then(|| charts::map(&title, &plain)),
        check_choices: stats::checks_of(kind)
            .map(|c| (c.to_string(), check_title(&tr, c)))
            .collect(),
        category_choices: stats::categories_of(kind)
            .map(|c| (c.to_string(), category_title(&tr, c)))
            .collect(),
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        list_id: list.id,
        list_name: list.name,
        by,
        kind: super::kind_name(kind),
        check,
        category,
        subject,
        is_check,
        rows,
        policies,
    };
    ctx.finish(&state, render(page))
}

/// One scan's column of a domain's history.
pub struct HistoryScan {
    /// When the scan was made.
    pub date: String,
    /// Web or mail.
    pub kind: &'static str,
    /// The overall score.
    pub score: String,
    /// The policy version.
    pub policy: String,
    /// The report's page, when there is a report.
    pub report_id: Option<String>,
}

/// One check's row of a domain's history: its status in each scan and
/// how it moved from the scan before (`improved`, `regressed`, `same`).
pub struct HistoryRow {
    /// The check's title.
    pub title: String,
    /// (status word, status key, change word) per scan.
    pub cells: Vec<(String, String, &'static str)>,
}

/// A domain's history page.
#[derive(Template)]
#[template(path = "monitor/history.html")]
pub struct HistoryPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The list's id.
    pub list_id: String,
    /// The list's name.
    pub list_name: String,
    /// The domain.
    pub domain: String,
    /// The scans, oldest first.
    pub scans: Vec<HistoryScan>,
    /// One row per check.
    pub rows: Vec<HistoryRow>,
    /// The score over time.
    pub chart: Svg,
}

/// `GET /monitor/lists/{id}/domains/{domain}`.
pub async fn history(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path((id, domain)): Path<(String, String)>,
) -> Response {
    let list = match visible_list(&state, &ctx, &me.user, &id).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let tr = ctx.tr(&state);
    let domain = domain.trim().to_ascii_lowercase();
    let scans = match state.store.domain_history(&id, &domain, 200).await {
        Ok(s) => s,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    if scans.is_empty() {
        return problem(
            &state,
            &ctx,
            StatusCode::NOT_FOUND,
            tr.t("monitor-not-found"),
        );
    }
    let mut checks: Vec<String> = Vec::new();
    for s in &scans {
        for (c, _) in &s.findings {
            if !checks.contains(c) {
                checks.push(c.clone());
            }
        }
    }
    let order: Vec<&str> = catalogue::CATALOGUE.iter().map(|c| c.id).collect();
    checks.sort_by_key(|c| order.iter().position(|o| o == c).unwrap_or(usize::MAX));
    let maps: Vec<HashMap<&str, Status>> = scans
        .iter()
        .map(|s| s.findings.iter().map(|(c, st)| (c.as_str(), *st)).collect())
        .collect();
    let rows = checks
        .iter()
        .map(|c| {
            let mut last: HashMap<TestKind, Option<Status>> = HashMap::new();
            let cells = scans
                .iter()
                .zip(&maps)
                .map(|(s, m)| {
                    let now = m.get(c.as_str()).copied();
                    let applies =
                        catalogue::check(c).is_none_or(|spec| spec.kinds.contains(&s.kind));
                    if !applies {
                        return (String::new(), String::new(), "");
                    }
                    let change = match last.insert(s.kind, now) {
                        Some(before) if before.is_some() => stats::change(before, now),
                        _ => Change::Same,
                    };
                    let word = now.map(|st| st.as_str()).unwrap_or("");
                    (
                        word.to_string(),
                        now.map(|st| format!("stats-status-{}", st.as_str().replace('_', "-")))
                            .unwrap_or_else(|| "stats-status-missing".to_string()),
                        change.as_str(),
                    )
                })
                .collect();
            HistoryRow {
                title: check_title(&tr, c),
                cells,
            }
        })
        .collect();
    let series: Vec<Series> = [TestKind::Web, TestKind::Mail]
        .iter()
        .filter_map(|k| {
            let points: Vec<(i64, f64)> = scans
                .iter()
                .filter(|s| s.kind == *k)
                .filter_map(|s| s.score.map(|sc| (s.created_at, f64::from(sc))))
                .collect();
            (!points.is_empty()).then(|| Series {
                name: tr.t(&format!("stats-kind-{}", super::kind_name(*k))),
                points,
            })
        })
        .collect();
    let page = HistoryPage {
        chart: charts::trend(
            &tr.t1("stats-history-chart", "domain", &domain),
            &tr.t("stats-no-data"),
            &series,
        ),
        scans: scans
            .iter()
            .map(|s| HistoryScan {
                date: crate::desk::when(s.created_at),
                kind: super::kind_name(s.kind),
                score: score_text(s.score),
                policy: s.policy_version.clone().unwrap_or_default(),
                report_id: s.report_id.clone(),
            })
            .collect(),
        rows,
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        list_id: list.id,
        list_name: list.name,
        domain,
    };
    ctx.finish(&state, render(page))
}

fn file_response(format: Format, name: &str, bytes: Vec<u8>) -> Response {
    super::attachment(format.media_type(), name, format.extension(), bytes)
}

fn export_failed(state: &AppState, ctx: &PageContext, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "export");
    problem(
        state,
        ctx,
        StatusCode::INTERNAL_SERVER_ERROR,
        ctx.tr(state).t("error-internal-text"),
    )
}

/// `GET /monitor/scans/{id}/results.{csv|json|xlsx}`: one row per domain
/// and kind, one column per check.
pub async fn scan_export(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path((id, ext)): Path<(String, String)>,
) -> Response {
    let Some(format) = Format::from_extension(&ext) else {
        return problem(
            &state,
            &ctx,
            StatusCode::NOT_FOUND,
            ctx.tr(&state).t("monitor-not-found"),
        );
    };
    let scan = match state.store.scan(&id).await {
        Ok(s) => s,
        Err(e) => return store_problem(&state, &ctx, e),
    };
    if let Err(r) = visible_list(&state, &ctx, &me.user, &scan.list_id).await {
        return r;
    }
    let sheet = match exports::scan_results(&state.store, &id).await {
        Ok(s) => s,
        Err(e) => return export_failed(&state, &ctx, e),
    };
    match exports::write(format, &[sheet]) {
        Ok(bytes) => file_response(format, &format!("{}-results", scan.list_name), bytes),
        Err(e) => export_failed(&state, &ctx, e),
    }
}

/// `GET /monitor/lists/{id}/statistics.{csv|json|xlsx}` (CSV: the check
/// rows; `?table=scores` for the score rows).
pub async fn statistics_export(
    State(state): State<AppState>,
    me: RequireRole<role::Member>,
    ctx: PageContext,
    Path((id, ext)): Path<(String, String)>,
    Query(q): Query<TableQuery>,
) -> Response {
    let Some(format) = Format::from_extension(&ext) else {
        return problem(
            &state,
            &ctx,
            StatusCode::NOT_FOUND,
            ctx.tr(&state).t("monitor-not-found"),
        );
    };
    let list = match visible_list(&state, &ctx, &me.user, &id).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let mut sheets = match exports::statistics(&state.store, &id).await {
        Ok(s) => s,
        Err(e) => return export_failed(&state, &ctx, e),
    };
    if q.table == "scores" {
        sheets.reverse();
    }
    match exports::write(format, &sheets) {
        Ok(bytes) => file_response(format, &format!("{}-statistics", list.name), bytes),
        Err(e) => export_failed(&state, &ctx, e),
    }
}

/// Which table of the statistics a CSV holds.
#[derive(Debug, Deserialize)]
pub struct TableQuery {
    #[serde(default)]
    table: String,
}
