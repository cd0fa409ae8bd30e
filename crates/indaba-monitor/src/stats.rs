//! Statistics as data (issue 13): what a finished scan adds to a list's
//! history, summed up once so that adoption over time is a query over small
//! rows and never a rescan.
//!
//! A scan's results are folded, one domain at a time, into an
//! [`Accumulator`]; its [`Summary`] holds, per segment (the whole list, each
//! sector, each country), test kind and check, how many domains passed,
//! warned, failed, could not be tested or were unreachable
//! ([`StatusCounts`]), and per category (and overall) the distribution of
//! scores ([`Distribution`]: histogram buckets, sum and median). The store
//! writes these as rows stamped with the day and the scoring policy version.
//!
//! Counts are plain columns, and comply-or-explain's counts are more
//! columns of the same row: `failed` stays the count with every finding,
//! `explained_failed` beside it says how many of those carried an owner's
//! explanation in force when the scan finished (and `explained_warned` for
//! warnings), so a dashboard shows both numbers from one row. Which
//! findings count as explained is [`explain::shows_explained`]'s rule, the
//! one the report page and the explanations page use.

use std::collections::{BTreeMap, HashMap};

use indaba_model::catalogue::{self, Category};
use indaba_model::{Status, TestKind};

use crate::explain;

/// Buckets of a score histogram: 0–9, 10–19, … 80–89, 90–100.
pub const BUCKETS: usize = 10;

/// How many domains the list overview names as worst and most improved.
pub const HIGHLIGHTS: usize = 10;

/// Which part of a list a row counts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// Every domain of the list.
    All,
    /// The domains of one sector.
    Sector(String),
    /// The domains of one country (ISO 3166-1 alpha-2).
    Country(String),
}

impl Segment {
    /// The stored key: `""`, `sector:<name>`, `country:<code>`.
    pub fn key(&self) -> String {
        match self {
            Segment::All => String::new(),
            Segment::Sector(s) => format!("sector:{s}"),
            Segment::Country(c) => format!("country:{c}"),
        }
    }

    /// The segment of a stored key (unknown prefixes are refused).
    pub fn parse(key: &str) -> Option<Segment> {
        if key.is_empty() {
            return Some(Segment::All);
        }
        if let Some(s) = key.strip_prefix("sector:") {
            return Some(Segment::Sector(s.to_string()));
        }
        key.strip_prefix("country:")
            .map(|c| Segment::Country(c.to_string()))
    }

    /// The dimension's word (`all`, `sector`, `country`).
    pub fn dimension(&self) -> &'static str {
        match self {
            Segment::All => "all",
            Segment::Sector(_) => "sector",
            Segment::Country(_) => "country",
        }
    }

    /// The value within the dimension (empty for the whole list).
    pub fn value(&self) -> &str {
        match self {
            Segment::All => "",
            Segment::Sector(s) | Segment::Country(s) => s,
        }
    }
}

/// How many domains came out how for one check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Passed (or the check did not apply and earns its points).
    pub passed: u64,
    /// Did not meet a recommendation.
    pub warned: u64,
    /// Failed.
    pub failed: u64,
    /// What the check tests is missing (`not_tested`).
    pub not_tested: u64,
    /// Could not be tested (`error`: a timeout, a resolver failure).
    pub errored: u64,
    /// Information only.
    pub informational: u64,
    /// The check did not apply.
    pub not_applicable: u64,
    /// The domain could not be reached at all (the test ended in error, or
    /// the name does not exist or has no server).
    pub unreachable: u64,
    /// Of the `failed`, those an owner's explanation in force covered.
    pub explained_failed: u64,
    /// Of the `warned`, those an owner's explanation in force covered.
    pub explained_warned: u64,
}

impl StatusCounts {
    /// Counts one domain's status.
    pub fn add(&mut self, status: Status) {
        self.count(status, false);
    }

    /// Counts one domain's status, `in_force` telling whether an
    /// explanation of the finding was in force; it counts as explained by
    /// [`explain::shows_explained`]'s rule (a fail or a warning only).
    pub fn count(&mut self, status: Status, in_force: bool) {
        let explained = explain::shows_explained(status, in_force);
        match status {
            Status::Pass => self.passed += 1,
            Status::Warning => {
                self.warned += 1;
                self.explained_warned += u64::from(explained);
            }
            Status::Fail => {
                self.failed += 1;
                self.explained_failed += u64::from(explained);
            }
            Status::NotTested => self.not_tested += 1,
            Status::Error => self.errored += 1,
            Status::Info => self.informational += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    /// Explained findings, fails and warnings (already among `failed` and
    /// `warned`).
    pub fn explained(&self) -> u64 {
        self.explained_failed + self.explained_warned
    }

    /// Fails once explained ones are set apart.
    pub fn failed_unexplained(&self) -> u64 {
        self.failed.saturating_sub(self.explained_failed)
    }

    /// Warnings once explained ones are set apart.
    pub fn warned_unexplained(&self) -> u64 {
        self.warned.saturating_sub(self.explained_warned)
    }

    /// Every domain counted.
    pub fn total(&self) -> u64 {
        self.passed
            + self.warned
            + self.failed
            + self.not_tested
            + self.errored
            + self.informational
            + self.not_applicable
            + self.unreachable
    }

    /// Domains judged pass, warning or fail (or missing what is tested):
    /// the denominator of adoption.
    pub fn judged(&self) -> u64 {
        self.passed + self.warned + self.failed + self.not_tested
    }

    /// The share of judged domains that pass, in percent; `None` when none
    /// was judged.
    pub fn adoption(&self) -> Option<f64> {
        let judged = self.judged();
        (judged > 0).then(|| 100.0 * self.passed as f64 / judged as f64)
    }

    /// [`StatusCounts::adoption`] with explained findings counted as
    /// compliant (comply or explain): never below the plain adoption.
    pub fn adoption_explained(&self) -> Option<f64> {
        let judged = self.judged();
        let compliant = (self.passed + self.explained()).min(judged);
        (judged > 0).then(|| 100.0 * compliant as f64 / judged as f64)
    }

    /// The sum of two counts (segments or kinds taken together).
    pub fn plus(&self, o: &StatusCounts) -> StatusCounts {
        StatusCounts {
            passed: self.passed + o.passed,
            warned: self.warned + o.warned,
            failed: self.failed + o.failed,
            not_tested: self.not_tested + o.not_tested,
            errored: self.errored + o.errored,
            informational: self.informational + o.informational,
            not_applicable: self.not_applicable + o.not_applicable,
            unreachable: self.unreachable + o.unreachable,
            explained_failed: self.explained_failed + o.explained_failed,
            explained_warned: self.explained_warned + o.explained_warned,
        }
    }
}

/// A distribution of scores 0–100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    /// Domains per bucket (see [`BUCKETS`]).
    pub buckets: [u64; BUCKETS],
    /// Domains with a score.
    pub scored: u64,
    /// Domains tested but without a score (a category not scored).
    pub not_scored: u64,
    /// The sum of the scores (mean = sum / scored).
    pub sum: u64,
    /// The median score (the lower middle of an even count).
    pub median: Option<u8>,
}

impl Default for Distribution {
    fn default() -> Self {
        Distribution {
            buckets: [0; BUCKETS],
            scored: 0,
            not_scored: 0,
            sum: 0,
            median: None,
        }
    }
}

/// The bucket of a score.
pub fn bucket(score: u8) -> usize {
    (usize::from(score.min(100)) / 10).min(BUCKETS - 1)
}

impl Distribution {
    /// The distribution of `scores` (each clamped to 100), with
    /// `not_scored` domains without one.
    pub fn of(scores: &[u8], not_scored: u64) -> Distribution {
        let mut d = Distribution {
            not_scored,
            ..Distribution::default()
        };
        let mut sorted: Vec<u8> = scores.iter().map(|s| (*s).min(100)).collect();
        sorted.sort_unstable();
        for s in &sorted {
            d.buckets[bucket(*s)] += 1;
            d.sum += u64::from(*s);
        }
        d.scored = sorted.len() as u64;
        d.median = (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2]);
        d
    }

    /// The mean score, when any domain has one.
    pub fn mean(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.sum as f64 / self.scored as f64)
    }

    /// The buckets' stored form: counts joined by commas.
    pub fn buckets_text(&self) -> String {
        self.buckets
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Buckets from their stored form; `None` unless exactly [`BUCKETS`]
    /// numbers.
    pub fn parse_buckets(text: &str) -> Option<[u64; BUCKETS]> {
        let counts: Vec<u64> = text
            .split(',')
            .map(|n| n.trim().parse().ok())
            .collect::<Option<_>>()?;
        counts.try_into().ok()
    }

    /// The label of bucket `i` (`0–9` … `90–100`).
    pub fn bucket_label(i: usize) -> String {
        if i + 1 >= BUCKETS {
            format!("{}–100", i * 10)
        } else {
            format!("{}–{}", i * 10, i * 10 + 9)
        }
    }
}

/// One domain's result in a scan, as statistics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainResult {
    /// The domain.
    pub domain: String,
    /// The test kind.
    pub kind: TestKind,
    /// Whether it was judged check by check (the test ended with a report
    /// whose outcome is reachable).
    pub reachable: bool,
    /// Each check's status.
    pub findings: Vec<(String, Status)>,
    /// The checks of this domain and kind that an owner's explanation in
    /// force at the scan's time covers (`Store::explained_in_force`);
    /// only fails and warnings among them count as explained.
    pub explained: Vec<String>,
    /// Each category's score (`None`: not scored), by category id.
    pub categories: Vec<(String, Option<u8>)>,
    /// The overall score.
    pub score: Option<u8>,
    /// The sector and country it belongs to, from the list.
    pub sector: Option<String>,
    /// Its country code.
    pub country: Option<String>,
}

impl DomainResult {
    fn segments(&self) -> Vec<Segment> {
        let mut s = vec![Segment::All];
        if let Some(sector) = self.sector.as_ref().filter(|s| !s.is_empty()) {
            s.push(Segment::Sector(sector.clone()));
        }
        if let Some(country) = self.country.as_ref().filter(|c| !c.is_empty()) {
            s.push(Segment::Country(country.clone()));
        }
        s
    }
}

/// The key of a check row: segment, kind, check id.
pub type CheckKey = (Segment, TestKind, String);
/// The key of a score row: segment, kind, category id (`""` overall).
pub type ScoreKey = (Segment, TestKind, String);

/// What a scan adds to the statistics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Per segment, kind and check.
    pub checks: HashMap<CheckKey, StatusCounts>,
    /// Per segment, kind and category (`""`: the overall score).
    pub scores: HashMap<ScoreKey, Distribution>,
    /// Per kind, the lowest-scoring domains, worst first.
    pub worst: BTreeMap<String, Vec<(String, Option<u8>)>>,
}

/// Folds a scan's domain results into a [`Summary`].
#[derive(Debug, Default)]
pub struct Accumulator {
    checks: HashMap<CheckKey, StatusCounts>,
    scores: HashMap<ScoreKey, (Vec<u8>, u64)>,
    unreachable: HashMap<(Segment, TestKind), u64>,
    domains: HashMap<(Segment, TestKind), u64>,
    overall: HashMap<TestKind, Vec<(String, Option<u8>)>>,
}

fn kind_key(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Web => "web",
        TestKind::Mail => "mail",
    }
}

/// The checks of the catalogue that a `kind` test has, in catalogue order.
pub fn checks_of(kind: TestKind) -> impl Iterator<Item = &'static str> {
    catalogue::CATALOGUE
        .iter()
        .filter(move |c| c.kinds.contains(&kind))
        .map(|c| c.id)
}

/// The categories a `kind` test is scored in.
pub fn categories_of(kind: TestKind) -> impl Iterator<Item = &'static str> {
    Category::ALL
        .into_iter()
        .filter(move |c| c.kinds().contains(&kind))
        .map(Category::id)
}

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Accumulator {
        Accumulator::default()
    }

    /// Counts one domain's result.
    pub fn add(&mut self, r: &DomainResult) {
        for seg in r.segments() {
            *self.domains.entry((seg.clone(), r.kind)).or_default() += 1;
            if !r.reachable {
                *self.unreachable.entry((seg, r.kind)).or_default() += 1;
                continue;
            }
            for (check, status) in &r.findings {
                self.checks
                    .entry((seg.clone(), r.kind, check.clone()))
                    .or_default()
                    .count(*status, r.explained.contains(check));
            }
            let overall = std::iter::once((String::new(), r.score));
            for (category, score) in r.categories.iter().cloned().chain(overall) {
                let e = self
                    .scores
                    .entry((seg.clone(), r.kind, category))
                    .or_default();
                match score {
                    Some(s) => e.0.push(s),
                    None => e.1 += 1,
                }
            }
        }
        if r.reachable {
            self.overall
                .entry(r.kind)
                .or_default()
                .push((r.domain.clone(), r.score));
        }
    }

    /// The summary: every check of the catalogue for each segment and kind
    /// seen gets a row (its unreachable domains counted), every category of
    /// the kind a distribution.
    pub fn finish(mut self) -> Summary {
        let mut scores = HashMap::new();
        for (seg, kind) in self.domains.keys() {
            let unreachable = self
                .unreachable
                .get(&(seg.clone(), *kind))
                .copied()
                .unwrap_or(0);
            for check in checks_of(*kind) {
                self.checks
                    .entry((seg.clone(), *kind, check.to_string()))
                    .or_default()
                    .unreachable = unreachable;
            }
            for category in categories_of(*kind).chain(std::iter::once("")) {
                let key = (seg.clone(), *kind, category.to_string());
                let (s, n) = self.scores.remove(&key).unwrap_or_default();
                scores.insert(key, Distribution::of(&s, n));
            }
        }
        // Checks seen in reports but no longer in the catalogue keep their
        // counts; their unreachable count is the segment's as well.
        for ((seg, kind, _), counts) in self.checks.iter_mut() {
            counts.unreachable = self
                .unreachable
                .get(&(seg.clone(), *kind))
                .copied()
                .unwrap_or(0);
        }
        for (key, (s, n)) in self.scores {
            scores.insert(key, Distribution::of(&s, n));
        }
        let worst = self
            .overall
            .into_iter()
            .map(|(kind, mut all)| {
                all.sort_by(|a, b| worst_order(a.1, b.1).then_with(|| a.0.cmp(&b.0)));
                all.truncate(HIGHLIGHTS);
                (kind_key(kind).to_string(), all)
            })
            .collect();
        Summary {
            checks: self.checks,
            scores,
            worst,
        }
    }
}

/// Worst first: no score (not scored) after every score, lower scores first.
fn worst_order(a: Option<u8>, b: Option<u8>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// The domains whose score rose most between two scans, most first: each
/// domain scored in both, with its previous and current score; domains
/// that did not rise are left out.
pub fn most_improved(
    previous: &HashMap<String, u8>,
    current: &HashMap<String, u8>,
    n: usize,
) -> Vec<(String, u8, u8)> {
    let mut rises: Vec<(String, u8, u8)> = current
        .iter()
        .filter_map(|(d, now)| {
            let before = *previous.get(d)?;
            (*now > before).then(|| (d.clone(), before, *now))
        })
        .collect();
    rises.sort_by(|a, b| (b.2 - b.1).cmp(&(a.2 - a.1)).then_with(|| a.0.cmp(&b.0)));
    rises.truncate(n);
    rises
}

/// How a check's result moved between two scans of a domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Better than before.
    Improved,
    /// Worse than before (a pass that now fails or warns, or a domain that
    /// became unreachable).
    Regressed,
    /// As before, or not comparable (information, an error).
    Same,
}

impl Change {
    /// The stored and shown word.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Improved => "improved",
            Change::Regressed => "regressed",
            Change::Same => "same",
        }
    }
}

/// How good a status is, for comparing two scans; `None` when it says
/// nothing either way (information, could not be tested).
fn rank(status: Status) -> Option<u8> {
    match status {
        Status::Pass | Status::NotApplicable => Some(2),
        Status::Warning => Some(1),
        Status::Fail | Status::NotTested => Some(0),
        Status::Info | Status::Error => None,
    }
}

/// The change from `before` to `after` of one check (`None`: the domain
/// had no finding for it, e.g. it was unreachable).
pub fn change(before: Option<Status>, after: Option<Status>) -> Change {
    match (before.and_then(rank), after.and_then(rank)) {
        (Some(b), Some(a)) if a > b => Change::Improved,
        (Some(b), Some(a)) if a < b => Change::Regressed,
        // A domain judged before and unreachable now has regressed.
        (Some(b), None) if after.is_none() && b > 0 => Change::Regressed,
        _ => Change::Same,
    }
}

/// Midnight UTC of the day of `unix` seconds.
pub fn day_of(unix: i64) -> i64 {
    unix.div_euclid(86_400) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn result(domain: &str, reachable: bool, status: Status, score: Option<u8>) -> DomainResult {
        DomainResult {
            domain: domain.into(),
            kind: TestKind::Web,
            reachable,
            findings: if reachable {
                vec![("web.https.hsts".into(), status)]
            } else {
                Vec::new()
            },
            explained: Vec::new(),
            categories: vec![("https".into(), score)],
            score,
            sector: Some("energy".into()),
            country: Some("NL".into()),
        }
    }

    #[test]
    fn a_scan_is_counted_per_segment_and_check() {
        let mut acc = Accumulator::new();
        acc.add(&result("a.test", true, Status::Pass, Some(90)));
        acc.add(&result("b.test", true, Status::Fail, Some(40)));
        acc.add(&result("c.test", false, Status::Pass, None));
        let s = acc.finish();
        let key = (Segment::All, TestKind::Web, "web.https.hsts".to_string());
        let c = s.checks[&key];
        assert_eq!((c.passed, c.failed, c.unreachable), (1, 1, 1));
        assert_eq!(c.total(), 3);
        assert_eq!(c.adoption(), Some(50.0));
        let sector = (
            Segment::Sector("energy".into()),
            TestKind::Web,
            "web.https.hsts".to_string(),
        );
        assert_eq!(s.checks[&sector], c);
        // Every catalogue check of the kind has a row, with the unreachable.
        let other = (Segment::All, TestKind::Web, "web.tls.version".to_string());
        assert_eq!(s.checks[&other].unreachable, 1);
        let overall = &s.scores[&(Segment::All, TestKind::Web, String::new())];
        assert_eq!(overall.scored, 2);
        assert_eq!(overall.mean(), Some(65.0));
        assert_eq!(overall.median, Some(40));
        assert_eq!(overall.buckets[9], 1);
        assert_eq!(overall.buckets[4], 1);
        assert_eq!(s.worst["web"][0], ("b.test".to_string(), Some(40)));
    }

    #[test]
    fn explained_fails_and_warnings_are_counted_beside_the_plain_counts() {
        let mut acc = Accumulator::new();
        let mut a = result("a.test", true, Status::Fail, Some(40));
        a.explained = vec!["web.https.hsts".into()];
        let mut b = result("b.test", true, Status::Warning, Some(60));
        b.explained = vec!["web.https.hsts".into()];
        // An explanation of a check that passes changes nothing.
        let mut c = result("c.test", true, Status::Pass, Some(90));
        c.explained = vec!["web.https.hsts".into()];
        // Nor does one of another check.
        let mut d = result("d.test", true, Status::Fail, Some(10));
        d.explained = vec!["web.tls.version".into()];
        for r in [&a, &b, &c, &d] {
            acc.add(r);
        }
        let s = acc.finish();
        for seg in [Segment::All, Segment::Sector("energy".into())] {
            let c = s.checks[&(seg, TestKind::Web, "web.https.hsts".to_string())];
            assert_eq!((c.passed, c.warned, c.failed), (1, 1, 2));
            assert_eq!((c.explained_failed, c.explained_warned), (1, 1));
            assert_eq!((c.failed_unexplained(), c.warned_unexplained()), (1, 0));
            assert_eq!(c.explained(), 2);
            assert_eq!(c.total(), 4);
            assert_eq!(c.adoption(), Some(25.0));
            assert_eq!(c.adoption_explained(), Some(75.0));
        }
        let tls = s.checks[&(Segment::All, TestKind::Web, "web.tls.version".to_string())];
        assert_eq!(tls.explained(), 0);
        assert_eq!(StatusCounts::default().adoption_explained(), None);
    }

    #[test]
    fn an_empty_scan_has_no_rows() {
        let s = Accumulator::new().finish();
        assert!(s.checks.is_empty() && s.scores.is_empty() && s.worst.is_empty());
    }

    #[test]
    fn changes_are_marked() {
        use Status::*;
        assert_eq!(change(Some(Fail), Some(Pass)), Change::Improved);
        assert_eq!(change(Some(Pass), Some(Warning)), Change::Regressed);
        assert_eq!(change(Some(Pass), None), Change::Regressed);
        assert_eq!(change(Some(Pass), Some(Error)), Change::Same);
        assert_eq!(change(None, Some(Pass)), Change::Same);
        assert_eq!(change(Some(Info), Some(Fail)), Change::Same);
    }

    #[test]
    fn the_most_improved_rose_most() {
        let prev: HashMap<String, u8> = [("a", 10), ("b", 50), ("c", 90)]
            .iter()
            .map(|(d, s)| (d.to_string(), *s))
            .collect();
        let cur: HashMap<String, u8> = [("a", 60), ("b", 70), ("c", 80), ("d", 100)]
            .iter()
            .map(|(d, s)| (d.to_string(), *s))
            .collect();
        let m = most_improved(&prev, &cur, 10);
        assert_eq!(m, vec![("a".into(), 10, 60), ("b".into(), 50, 70)]);
    }

    #[test]
    fn segments_round_trip() {
        for s in [
            Segment::All,
            Segment::Sector("health care".into()),
            Segment::Country("NL".into()),
        ] {
            assert_eq!(Segment::parse(&s.key()), Some(s));
        }
        assert_eq!(Segment::parse("region:x"), None);
    }

    proptest! {
        #[test]
        fn a_distribution_adds_up(scores in proptest::collection::vec(0u8..=255, 0..300), n in 0u64..5) {
            let d = Distribution::of(&scores, n);
            prop_assert_eq!(d.buckets.iter().sum::<u64>(), scores.len() as u64);
            prop_assert_eq!(d.scored, scores.len() as u64);
            if let (Some(m), Some(mean)) = (d.median, d.mean()) {
                let lo = scores.iter().map(|s| (*s).min(100)).min().unwrap();
                let hi = scores.iter().map(|s| (*s).min(100)).max().unwrap();
                prop_assert!(lo <= m && m <= hi);
                prop_assert!(f64::from(lo) <= mean && mean <= f64::from(hi));
            } else {
                prop_assert!(scores.is_empty());
            }
            prop_assert_eq!(Distribution::parse_buckets(&d.buckets_text()), Some(d.buckets));
        }

        #[test]
        fn every_domain_is_counted_once_per_check(
            statuses in proptest::collection::vec((0usize..7, proptest::bool::ANY, proptest::option::of(0u8..=100)), 0..80)
        ) {
            let mut acc = Accumulator::new();
            for (i, (s, reachable, score)) in statuses.iter().enumerate() {
                acc.add(&result(&format!("d{i}.test"), *reachable, Status::ALL[*s], *score));
            }
            let sum = acc.finish();
            for ((seg, _, check), c) in &sum.checks {
                if *seg == Segment::All && check == "web.https.hsts" {
                    prop_assert_eq!(c.total(), statuses.len() as u64);
                }
                prop_assert!(c.total() <= statuses.len() as u64);
                if let Some(a) = c.adoption() { prop_assert!((0.0..=100.0).contains(&a)); }
            }
        }

        /// The statistics rows and the explanations page count explained
        /// findings by one rule: the accumulator agrees with
        /// `explain::tally` on every mix of statuses and explanations.
        #[test]
        fn explained_counts_agree_with_the_tally(
            statuses in proptest::collection::vec((0usize..7, proptest::bool::ANY), 0..60)
        ) {
            use std::collections::HashSet;
            let mut acc = Accumulator::new();
            let mut keys = Vec::new();
            let mut in_force = HashSet::new();
            for (i, (s, explained)) in statuses.iter().enumerate() {
                let mut r = result(&format!("d{i}.test"), true, Status::ALL[*s], Some(50));
                let key = explain::FindingKey {
                    domain: r.domain.clone(),
                    kind: TestKind::Web,
                    check: "web.https.hsts".into(),
                };
                if *explained {
                    r.explained = vec![key.check.clone()];
                    in_force.insert(key.clone());
                }
                keys.push((key, Status::ALL[*s]));
                acc.add(&r);
            }
            let sum = acc.finish();
            let tally = explain::tally(keys.iter().map(|(k, s)| (k, *s)), &in_force);
            let c = sum.checks.get(&(Segment::All, TestKind::Web, "web.https.hsts".to_string())).copied().unwrap_or_default();
            let t = tally.get("web.https.hsts").copied().unwrap_or_default();
            prop_assert_eq!(c.failed, t.fail_without_explanations());
            prop_assert_eq!(c.failed_unexplained(), t.fail_with_explanations());
            prop_assert_eq!(c.warned, t.warning_without_explanations());
            prop_assert_eq!(c.explained(), t.explained());
            prop_assert!(c.explained_failed <= c.failed && c.explained_warned <= c.warned);
            match (c.adoption(), c.adoption_explained()) {
                (Some(plain), Some(with)) => prop_assert!(plain <= with && with <= 100.0),
                (None, None) => prop_assert_eq!(c.judged(), 0),
                other => prop_assert!(false, "{other:?}"),
            }
        }

        #[test]
        fn stored_buckets_never_panic(text in ".{0,80}") {
            let _ = Distribution::parse_buckets(&text);
            let _ = Segment::parse(&text);
        }
    }
}
