//! The scoring policy: points per finding, a score per category, one overall.
//!
//! It is internet.nl's formula (`checks/categories.py`, `checks/probes.py`),
//! so users can compare:
//!
//! - Only *required* checks count. A category's maximum is the sum of the
//!   points of **all** its required checks, whatever their status: a check
//!   that could not pass because what it tests is missing
//!   ([`Status::NotTested`]: no IPv6 address, no HTTPS, no certificate) earns
//!   nothing, and so lowers the score as a fail does.
//! - [`Status::NotApplicable`] earns full points: checks use it only where
//!   internet.nl gives full credit (an IPv6-only site for "same content", a
//!   TLS 1.3-only server for cipher order), each rule written in the check's
//!   guide. A category whose required checks are all not applicable (STARTTLS
//!   of a domain without mail servers) drops out of the overall score.
//! - A required check that could not be tested ([`Status::Error`]: a timeout,
//!   a resolver failure) leaves its category **not scored**, and then the
//!   report has no overall score: the mean of the other categories could be
//!   higher than the truth, and a score is a promise. internet.nl gives such
//!   a check 0 points instead; we say "not scored" rather than guess either
//!   way, and the report lists which categories could not be scored.
//! - The overall score is the integer mean of the scored categories.

use crate::catalogue::{self, Category};
use crate::report::{CategoryResult, CategoryVerdict, Finding, Points, Status, TestKind};

/// Version of this policy, stored in every report. Stored reports judged
/// under an older policy are judged again from their observations.
pub const POLICY_VERSION: &str = "2026.12-1";

/// The outcome of scoring a set of findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// The overall score, when every category that counts was scored.
    pub overall: Option<u8>,
    /// Per-category results, in category order.
    pub categories: Vec<CategoryResult>,
    /// The ids of the categories that could not be scored.
    pub not_scored: Vec<String>,
}

/// Fills in each finding's points and scores the categories of a `kind`
/// test.
pub fn score(kind: TestKind, findings: &mut [Finding]) -> Scored {
    for finding in findings.iter_mut() {
        finding.points = points_for(finding);
    }
    let mut categories = Vec::new();
    for category in Category::ALL {
        if !category.kinds().contains(&kind) {
            continue;
        }
        let in_category: Vec<&Finding> = findings
            .iter()
            .filter(|f| catalogue::check(&f.check).map(|c| c.category) == Some(category))
            .collect();
        if in_category.is_empty() {
            continue;
        }
        categories.push(score_category(kind, category, &in_category));
    }
    let not_scored: Vec<String> = categories
        .iter()
        .filter(|c| c.verdict == CategoryVerdict::NotScored)
        .map(|c| c.category.clone())
        .collect();
    let scored: Vec<u32> = categories
        .iter()
        .filter(|c| c.verdict == CategoryVerdict::Scored)
        .filter_map(|c| c.score.map(u32::from))
        .collect();
    let overall = if !not_scored.is_empty() || scored.is_empty() {
        None
    } else {
        // Integer mean, as internet.nl does: never rounds a 99.5 up to 100.
        Some((scored.iter().sum::<u32>() / scored.len() as u32).min(100) as u8)
    };
    Scored {
        overall,
        categories,
        not_scored,
    }
}

fn score_category(kind: TestKind, category: Category, findings: &[&Finding]) -> CategoryResult {
    // The maximum counts every required check of the category in this test,
    // even one that (wrongly) gave no finding.
    let possible: u32 = catalogue::checks_for(kind)
        .filter(|c| c.category == category && c.scored())
        .map(|c| c.points)
        .sum();
    let required: Vec<&&Finding> = findings
        .iter()
        .filter(|f| catalogue::check(&f.check).is_some_and(|c| c.scored()))
        .collect();
    let earned: u32 = required
        .iter()
        .filter_map(|f| f.points)
        .map(|p| p.earned)
        .sum();
    let status = Status::worst(findings.iter().map(|f| f.status)).unwrap_or(Status::Info);
    let verdict = if required.is_empty() {
        CategoryVerdict::Informational
    } else if required.iter().any(|f| f.status == Status::Error) {
        CategoryVerdict::NotScored
    } else if required.iter().all(|f| f.status == Status::NotApplicable) {
        CategoryVerdict::NotApplicable
    } else if possible == 0 {
        // Only zero-point gates: nothing to weigh.
        CategoryVerdict::Informational
    } else {
        CategoryVerdict::Scored
    };
    CategoryResult {
        category: category.id().to_string(),
        verdict,
        score: (verdict == CategoryVerdict::Scored).then(|| percent(earned, possible)),
        earned,
        possible,
        status,
    }
}

fn points_for(finding: &Finding) -> Option<Points> {
    let spec = catalogue::check(&finding.check)?;
    if !spec.scored() {
        return None;
    }
    let earned = match finding.status {
        Status::Pass | Status::Info | Status::NotApplicable => spec.points,
        Status::Warning | Status::Fail if finding.partial => spec.partial_points,
        Status::Warning | Status::Fail | Status::NotTested | Status::Error => 0,
    };
    Some(Points {
        earned,
        possible: spec.points,
    })
}

fn percent(earned: u32, possible: u32) -> u8 {
    if possible == 0 {
        return 0;
    }
    (u64::from(earned) * 100 / u64::from(possible)).min(100) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::ids;
    use crate::msg;

    fn f(id: &str, status: Status) -> Finding {
        Finding::new(id, status, msg!("test-message"))
    }

    /// Every check of a web test, all with `status`, then the overrides.
    fn web(status: Status, overrides: &[(&str, Status)]) -> Vec<Finding> {
        catalogue::checks_for(TestKind::Web)
            .map(|c| {
                let s = overrides
                    .iter()
                    .find(|(id, _)| *id == c.id)
                    .map(|(_, s)| *s)
                    .unwrap_or(status);
                f(c.id, s)
            })
            .collect()
    }

    fn category<'a>(s: &'a Scored, id: &str) -> &'a CategoryResult {
        s.categories.iter().find(|c| c.category == id).unwrap()
    }

    #[test]
    fn all_pass_scores_100() {
        let mut fs = web(Status::Pass, &[]);
        let s = score(TestKind::Web, &mut fs);
        assert_eq!(s.overall, Some(100));
        assert!(s.not_scored.is_empty());
        assert_eq!(
            category(&s, "security_options").verdict,
            CategoryVerdict::Informational
        );
        assert_eq!(category(&s, "security_options").score, None);
    }

    #[test]
    fn category_is_earned_over_all_required_points_and_overall_is_mean() {
        let mut fs = web(
            Status::Pass,
            &[
                (ids::DNSSEC_EXISTS, Status::Fail),
                (ids::DNSSEC_VALID, Status::Fail),
            ],
        );
        let i = fs
            .iter()
            .position(|x| x.check == ids::WEB_IPV6_REACHABLE)
            .unwrap();
        fs[i] = f(ids::WEB_IPV6_REACHABLE, Status::Fail).partially();
        let s = score(TestKind::Web, &mut fs);
        // IPv6: 10 (ns) + 0 (address gate) + 2 (partial) + 2 of 22 -> 63.
        assert_eq!(category(&s, "ipv6").score, Some(63));
        assert_eq!(category(&s, "dnssec").score, Some(0));
        assert_eq!(category(&s, "dnssec").status, Status::Fail);
        // (63 + 0 + 100 + 100) / 4 = 65
        assert_eq!(s.overall, Some(65));
    }

    #[test]
    fn a_missing_prerequisite_earns_nothing() {
        // No AAAA: the address gate fails, reachability and same content
        // are not tested, and earn 0 of their 12 points.
        let mut fs = web(
            Status::Pass,
            &[
                (ids::WEB_IPV6_ADDRESS, Status::Fail),
                (ids::WEB_IPV6_REACHABLE, Status::NotTested),
                (ids::WEB_IPV6_SAME_CONTENT, Status::NotTested),
            ],
        );
        let s = score(TestKind::Web, &mut fs);
        assert_eq!(category(&s, "ipv6").possible, 22);
        assert_eq!(category(&s, "ipv6").earned, 10);
        assert_eq!(category(&s, "ipv6").score, Some(45));
    }

    #[test]
    fn not_applicable_earns_full_credit() {
        let mut fs = web(
            Status::Pass,
            &[(ids::WEB_IPV6_SAME_CONTENT, Status::NotApplicable)],
        );
        let s = score(TestKind::Web, &mut fs);
        assert_eq!(category(&s, "ipv6").score, Some(100));
    }

    #[test]
    fn an_error_leaves_the_category_and_the_overall_unscored() {
        let mut fs = web(Status::Pass, &[(ids::DNSSEC_VALID, Status::Error)]);
        let s = score(TestKind::Web, &mut fs);
        assert_eq!(category(&s, "dnssec").verdict, CategoryVerdict::NotScored);
        assert_eq!(category(&s, "dnssec").score, None);
        assert_eq!(s.overall, None);
        assert_eq!(s.not_scored, vec!["dnssec".to_string()]);
    }

    #[test]
    fn an_error_never_scores_higher_than_a_fail() {
        // The same report with the check failing instead of erring: the
        // error's category and overall are never a higher number.
        for spec in catalogue::checks_for(TestKind::Web).filter(|c| c.scored()) {
            let mut failing = web(Status::Pass, &[(spec.id, Status::Fail)]);
            let mut erring = web(Status::Pass, &[(spec.id, Status::Error)]);
            let failed = score(TestKind::Web, &mut failing);
            let erred = score(TestKind::Web, &mut erring);
            let cat = spec.category.id();
            assert!(
                category(&erred, cat).score.unwrap_or(0)
                    <= category(&failed, cat).score.unwrap_or(0)
                    || category(&erred, cat).score.is_none(),
                "{}",
                spec.id
            );
            assert!(
                erred.overall.is_none() || erred.overall <= failed.overall,
                "{}",
                spec.id
            );
        }
    }

    #[test]
    fn a_category_with_nothing_applicable_drops_out() {
        let mut fs: Vec<Finding> = catalogue::checks_for(TestKind::Mail)
            .map(|c| {
                let status = if c.category == Category::Starttls {
                    Status::NotApplicable
                } else {
                    Status::Pass
                };
                f(c.id, status)
            })
            .collect();
        let s = score(TestKind::Mail, &mut fs);
        assert_eq!(
            category(&s, "starttls").verdict,
            CategoryVerdict::NotApplicable
        );
        assert_eq!(s.overall, Some(100));
    }

    #[test]
    fn statuses_combine_worst_first() {
        assert_eq!(Status::Pass.and(Status::Error), Status::Error);
        assert_eq!(Status::Error.and(Status::Fail), Status::Fail);
        assert_eq!(Status::Warning.and(Status::Error), Status::Error);
        assert_eq!(Status::NotTested.and(Status::Error), Status::NotTested);
        assert_eq!(Status::NotApplicable.and(Status::Pass), Status::Pass);
        assert_eq!(Status::worst([]), None);
        for (i, a) in Status::ALL.iter().enumerate() {
            for b in &Status::ALL[i..] {
                assert_eq!(a.and(*b), *b, "{a} and {b}");
            }
        }
    }
}
