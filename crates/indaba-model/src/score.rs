//! The scoring policy: points per finding, a score per category, one overall.
//!
//! It follows internet.nl's published formula (so users can compare): only
//! *required* checks count; a category scores earned ÷ possible points of its
//! required findings; the overall score is the mean of the categories that have
//! any possible points. Findings with status `error` or `not_applicable` count
//! neither for nor against (an untestable server is not a failing one).

use crate::catalogue::{self, Category};
use crate::report::{CategoryResult, Finding, Points, Status};

/// Version of this policy, stored in every report.
pub const POLICY_VERSION: &str = "2026.11-1";

/// Fills in each finding's points and returns the overall score and the
/// per-category results, in category order, for the categories that have findings.
pub fn score(findings: &mut [Finding]) -> (Option<u8>, Vec<CategoryResult>) {
    for finding in findings.iter_mut() {
        finding.points = points_for(finding);
    }
    let mut categories = Vec::new();
    for category in Category::ALL {
        let in_category: Vec<&Finding> = findings
            .iter()
            .filter(|f| catalogue::check(&f.check).map(|c| c.category) == Some(category))
            .collect();
        if in_category.is_empty() {
            continue;
        }
        let (earned, possible) = in_category
            .iter()
            .filter_map(|f| f.points)
            .fold((0, 0), |(e, p), pts| (e + pts.earned, p + pts.possible));
        let status = in_category
            .iter()
            .map(|f| f.status)
            .max_by_key(|s| severity(*s))
            .unwrap_or(Status::Info);
        categories.push(CategoryResult {
            category: category.id().to_string(),
            score: percent(earned, possible),
            earned,
            possible,
            status,
        });
    }
    let scored: Vec<u32> = categories
        .iter()
        .filter(|c| c.possible > 0)
        .filter_map(|c| c.score.map(u32::from))
        .collect();
    let overall = if scored.is_empty() {
        None
    } else {
        // Integer mean, as internet.nl does: never rounds a 99.5 up to 100.
        Some((scored.iter().sum::<u32>() / scored.len() as u32).min(100) as u8)
    };
    (overall, categories)
}

fn points_for(finding: &Finding) -> Option<Points> {
    let spec = catalogue::check(&finding.check)?;
    if !spec.scored() {
        return None;
    }
    let earned = match finding.status {
        Status::Error | Status::NotApplicable => return None,
        Status::Pass | Status::Info => spec.points,
        Status::Warning | Status::Fail if finding.partial => spec.partial_points,
        Status::Warning | Status::Fail => 0,
    };
    Some(Points {
        earned,
        possible: spec.points,
    })
}

fn percent(earned: u32, possible: u32) -> Option<u8> {
    if possible == 0 {
        return None;
    }
    Some((u64::from(earned) * 100 / u64::from(possible)).min(100) as u8)
}

/// Orders statuses from best to worst for summarising a category.
pub fn severity(status: Status) -> u8 {
    match status {
        Status::NotApplicable => 0,
        Status::Pass => 1,
        Status::Info => 2,
        Status::Warning => 3,
        Status::Error => 4,
        Status::Fail => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::ids;

    fn f(id: &str, status: Status) -> Finding {
        Finding::new(id, status, "x")
    }

    #[test]
    fn all_pass_scores_100() {
        let mut fs = vec![
            f(ids::DNSSEC_EXISTS, Status::Pass),
            f(ids::DNSSEC_VALID, Status::Pass),
            f(ids::NS_IPV6, Status::Pass),
            f(ids::WEB_IPV6_ADDRESS, Status::Pass),
            f(ids::WEB_IPV6_REACHABLE, Status::Pass),
            f(ids::WEB_IPV6_SAME_CONTENT, Status::Pass),
        ];
        let (overall, cats) = score(&mut fs);
        assert_eq!(overall, Some(100));
        assert_eq!(cats.len(), 2);
        assert!(cats.iter().all(|c| c.score == Some(100)));
    }

    #[test]
    fn category_is_earned_over_possible_and_overall_is_mean() {
        let mut fs = vec![
            f(ids::DNSSEC_EXISTS, Status::Fail),
            f(ids::DNSSEC_VALID, Status::Fail),
            f(ids::NS_IPV6, Status::Pass),
            f(ids::WEB_IPV6_ADDRESS, Status::Pass),
            f(ids::WEB_IPV6_REACHABLE, Status::Fail).partially(),
            f(ids::WEB_IPV6_SAME_CONTENT, Status::Pass),
        ];
        let (overall, cats) = score(&mut fs);
        // IPv6: 10 + 0 + 2 + 2 of 22 -> 63; DNSSEC: 0 of 10 -> 0; mean 31.
        assert_eq!(cats[0].score, Some(63));
        assert_eq!(cats[1].score, Some(0));
        assert_eq!(overall, Some(31));
        assert_eq!(cats[1].status, Status::Fail);
    }

    #[test]
    fn errors_and_not_applicable_do_not_count() {
        let mut fs = vec![
            f(ids::DNSSEC_EXISTS, Status::Error),
            f(ids::DNSSEC_VALID, Status::Error),
            f(ids::NS_IPV6, Status::Pass),
            f(ids::WEB_IPV6_ADDRESS, Status::Fail),
            f(ids::WEB_IPV6_REACHABLE, Status::NotApplicable),
            f(ids::WEB_IPV6_SAME_CONTENT, Status::NotApplicable),
        ];
        let (overall, cats) = score(&mut fs);
        assert_eq!(cats[1].score, None, "all-error category has no score");
        assert_eq!(
            cats[0].score,
            Some(100),
            "a 0-point gate fails without points"
        );
        assert_eq!(overall, Some(100));
        assert!(fs[0].points.is_none());
    }
}
