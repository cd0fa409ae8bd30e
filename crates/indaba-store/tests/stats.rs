//! Monitoring's statistics rows on SQLite and PostgreSQL: written when a
//! scan finishes, telling a change between two scans, rewritten under the
//! new policy version when the reports are judged again; fails and
//! warnings explained by an explanation in force at the scan's finish
//! counted beside them; publications.

use indaba_model::{DomainName, Report, Status, TestKind};
use indaba_monitor::Kinds;
use indaba_monitor::explain::{Expiry, FindingKey, Reason, Text};
use indaba_monitor::list::{Country, ListEntry};
use indaba_monitor::stats::Segment;
use indaba_store::explain::NewExplanation;
use indaba_store::monitor::NewList;
use indaba_store::stats::CheckRow;
use indaba_store::{Actor, Stakeholder, Store};

#[macro_use]
mod common;

use common::*;

/// A web report for `domain` with one finding per (check, status) and the
/// given overall score; `None` makes a domain that does not exist.
fn report(domain: &str, score: Option<u8>, findings: &[(&str, Status)], policy: &str) -> Report {
    let outcome = if score.is_some() {
        "scored"
    } else {
        "does_not_exist"
    };
    let findings: Vec<String> = findings
        .iter()
        .map(|(c, s)| {
            format!(
                r#"{{"check":"{c}","status":"{}","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"{c}","points":null}}"#,
                s.as_str()
            )
        })
        .collect();
    let score_json = score.map(|s| s.to_string()).unwrap_or("null".into());
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"{policy}",
        "started":"2026-11-22T12:00:00Z","duration_ms":5,"score":{score_json},
        "verdict":{{"outcome":"{outcome}","summary":"s","message":{{"id":"verdict-scored"}}}},
        "categories":[{{"category":"https","verdict":"scored","score":{score_json},"earned":0,"possible":0,"status":"pass"}}],
        "findings":[{}],"observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#,
        findings.join(",")
    );
    serde_json::from_str(&text).expect("sample report")
}

/// Runs a scan of `list` to its end, each domain's report made by `make`.
async fn scan(store: &Store, list: &str, make: impl Fn(&str) -> Report) -> String {
    scan_at(store, list, indaba_store::now(), make).await
}

/// [`scan`], the scan finishing at `at` (Unix seconds).
async fn scan_at(store: &Store, list: &str, at: i64, make: impl Fn(&str) -> Report) -> String {
    let (scan, _) = store.start_scan(&Actor::local(), list, None).await.unwrap();
    while let Some(job) = store
        .claim_scan_job("w", 60, indaba_store::now())
        .await
        .unwrap()
    {
        store
            .finish_scan_job(&job.id, &make(&job.domain))
            .await
            .unwrap();
    }
    assert_eq!(
        store.advance_scans_at(at).await.unwrap(),
        vec![scan.clone()]
    );
    scan
}

async fn list(store: &Store) -> String {
    let l = store
        .create_list(
            &Actor::local(),
            NewList {
                name: "banks",
                kinds: Kinds::Web,
                owner_org: None,
            },
        )
        .await
        .unwrap();
    let entries: Vec<ListEntry> = [
        ("a.example", "finance", "NL"),
        ("b.example", "finance", "ZA"),
        ("c.example", "energy", "NL"),
    ]
    .iter()
    .map(|(d, sector, country)| {
        let mut e = ListEntry::new(DomainName::parse(d).unwrap());
        e.sector = Some(sector.to_string());
        e.country = Some(Country::parse(country).unwrap());
        e
    })
    .collect();
    store
        .add_entries(&Actor::local(), &l.id, &entries)
        .await
        .unwrap();
    l.id
}

const HSTS: &str = "web.https.hsts";

on_both!(
    two_scans_with_a_change_between_them,
    |store: Store| async move {
        let list = list(&store).await;
        // First scan: a passes, b fails, c does not exist.
        let first = scan(&store, &list, |d| match d {
            "a.example" => report(d, Some(90), &[(HSTS, Status::Pass)], "p1"),
            "b.example" => report(d, Some(40), &[(HSTS, Status::Fail)], "p1"),
            _ => report(d, None, &[], "p1"),
        })
        .await;
        // Second: b now passes and rose to 95.
        let second = scan(&store, &list, |d| match d {
            "a.example" => report(d, Some(90), &[(HSTS, Status::Pass)], "p1"),
            "b.example" => report(d, Some(95), &[(HSTS, Status::Pass)], "p1"),
            _ => report(d, None, &[], "p1"),
        })
        .await;
        let scans = store.stat_scans(&list).await.unwrap();
        assert_eq!(
            scans.iter().map(|s| s.scan_id.clone()).collect::<Vec<_>>(),
            vec![first.clone(), second.clone()]
        );
        assert!(scans.iter().all(|s| s.policy_version == "p1"));

        let hsts = |rows: Vec<indaba_store::stats::CheckRow>| {
            rows.into_iter()
                .find(|r| r.check == HSTS)
                .expect("an HSTS row")
                .counts
        };
        let before = hsts(store.scan_check_stats(&first, &Segment::All).await.unwrap());
        let after = hsts(
            store
                .scan_check_stats(&second, &Segment::All)
                .await
                .unwrap(),
        );
        assert_eq!(
            (before.passed, before.failed, before.unreachable),
            (1, 1, 1)
        );
        assert_eq!((after.passed, after.failed, after.unreachable), (2, 0, 1));
        // Adoption over time is one read of the trend rows.
        let trend = store
            .check_trends(&list, &Segment::All, indaba_model::TestKind::Web)
            .await
            .unwrap();
        let hsts_trend: Vec<u64> = trend
            .iter()
            .filter(|r| r.check == HSTS)
            .map(|r| r.counts.passed)
            .collect();
        assert_eq!(hsts_trend, vec![1, 2]);

        // Sectors and countries side by side.
        let sectors = store
            .compare_check(&second, "sector", indaba_model::TestKind::Web, HSTS)
            .await
            .unwrap();
        let names: Vec<String> = sectors
            .iter()
            .map(|r| r.segment.value().to_string())
            .collect();
        assert_eq!(names, vec!["energy", "finance"]);
        assert_eq!(sectors[1].counts.passed, 2);
        let countries = store
            .compare_category(&second, "country", indaba_model::TestKind::Web, "")
            .await
            .unwrap();
        assert_eq!(countries.len(), 2);

        // Scores: the distribution, and the most improved domain.
        let overall = store
            .scan_score_stats(&second, &Segment::All)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.category.is_empty())
            .unwrap();
        assert_eq!(overall.distribution.scored, 2);
        assert_eq!(overall.distribution.buckets[9], 2);
        let h = store.highlights(&second).await.unwrap();
        let improved: Vec<_> = h.iter().filter(|h| h.which == "improved").collect();
        assert_eq!(improved.len(), 1);
        assert_eq!(improved[0].domain, "b.example");
        assert_eq!(
            (improved[0].previous, improved[0].score),
            (Some(40), Some(95))
        );
        let worst: Vec<_> = h.iter().filter(|h| h.which == "worst").collect();
        assert_eq!(worst[0].domain, "a.example");

        // A domain's history shows both scans with their findings.
        let history = store.domain_history(&list, "b.example", 10).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].findings, vec![(HSTS.to_string(), Status::Fail)]);
        assert_eq!(history[1].findings, vec![(HSTS.to_string(), Status::Pass)]);

        // Judging the reports again rewrites the rows under the new policy.
        let (rows, _) = store.scan_result_rows(&first, 0, 100).await.unwrap();
        assert_eq!(rows.len(), 3);
        let jobs = store.scan_results(&first, 0, 100).await.unwrap();
        let ids: Vec<String> = jobs.iter().filter_map(|j| j.report_id.clone()).collect();
        for (job, id) in jobs.iter().zip(&ids) {
            let mut r = report(&job.domain, Some(100), &[(HSTS, Status::Pass)], "p2");
            if job.domain == "c.example" {
                r = report(&job.domain, None, &[], "p2");
            }
            store.replace_judgement(id, &r).await.unwrap();
        }
        let affected = store.scans_of_reports(&ids).await.unwrap();
        assert_eq!(affected, vec![first.clone()]);
        store.summarise_scan(&first).await.unwrap();
        let rejudged = hsts(store.scan_check_stats(&first, &Segment::All).await.unwrap());
        assert_eq!((rejudged.passed, rejudged.failed), (2, 0));
        let scans = store.stat_scans(&list).await.unwrap();
        assert_eq!(scans[0].policy_version, "p2");
        assert_eq!(scans[1].policy_version, "p1");
    }
);

on_both!(
    publications_come_and_go_at_once,
    |store: Store| async move {
        let list = list(&store).await;
        assert!(store.publication_of(&list).await.unwrap().is_none());
        let p = store
            .publish_list(&Actor::local(), &list, Some("hash"))
            .await
            .unwrap();
        assert!(p.token.len() >= 40, "unguessable: {}", p.token);
        let found = store.publication_by_token(&p.token).await.unwrap().unwrap();
        assert_eq!(found.passcode.as_deref(), Some("hash"));
        // Publishing again moves the report to a new address.
        let q = store
            .publish_list(&Actor::local(), &list, None)
            .await
            .unwrap();
        assert_ne!(p.token, q.token);
        assert!(
            store
                .publication_by_token(&p.token)
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.unpublish_list(&Actor::local(), &list).await.unwrap());
        assert!(
            store
                .publication_by_token(&q.token)
                .await
                .unwrap()
                .is_none()
        );
        assert!(!store.unpublish_list(&Actor::local(), &list).await.unwrap());
        let actions: Vec<String> = store
            .audit_entries(50)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(actions.iter().any(|a| a == "monitor.report.publish"));
        assert!(actions.iter().any(|a| a == "monitor.report.unpublish"));
    }
);

/// The HSTS row of `segment` in a scan's check rows.
fn hsts_of(rows: &[CheckRow], segment: &Segment) -> indaba_monitor::stats::StatusCounts {
    rows.iter()
        .find(|r| r.check == HSTS && &r.segment == segment)
        .unwrap_or_else(|| panic!("an HSTS row of {segment:?}"))
        .counts
}

on_both!(
    explained_findings_are_counted_as_they_stood_at_the_scans_finish,
    |store: Store| async move {
        let list = list(&store).await;
        let org = store
            .create_organisation(&Actor::local(), "Bank A", Stakeholder::PrivateSector)
            .await
            .unwrap();
        let t0 = indaba_store::now();
        let explain = |domain: &str, until: i64| {
            let store = store.clone();
            let (domain, org) = (domain.to_string(), org.id.clone());
            async move {
                let key = FindingKey {
                    domain,
                    kind: TestKind::Web,
                    check: HSTS.into(),
                };
                store
                    .create_explanation(
                        &Actor::local(),
                        NewExplanation {
                            key: &key,
                            organisation_id: &org,
                            text: &Text::parse("being replaced").unwrap(),
                            until: Expiry::new(until, t0).unwrap(),
                        },
                    )
                    .await
                    .unwrap()
            }
        };
        // a (fails) and b (warns) are explained past the first scan's
        // finish; c (fails) only by one that expires before it and one an
        // analyst rejects.
        explain("a.example", t0 + 1_000).await;
        explain("b.example", t0 + 1_000).await;
        explain("c.example", t0 + 100).await;
        let rejected = explain("c.example", t0 + 1_000).await;
        store
            .reject_explanation(
                &Actor::local(),
                &rejected.id,
                &Reason::parse("not a reason").unwrap(),
            )
            .await
            .unwrap();
        let make = |d: &str| match d {
            "a.example" => report(d, Some(40), &[(HSTS, Status::Fail)], "p1"),
            "b.example" => report(d, Some(60), &[(HSTS, Status::Warning)], "p1"),
            _ => report(d, Some(30), &[(HSTS, Status::Fail)], "p1"),
        };
        let first = scan_at(&store, &list, t0 + 500, make).await;
        let scans = store.stat_scans(&list).await.unwrap();
        assert_eq!(scans[0].finished_at, t0 + 500);
        let rows = store.list_check_stats(&list).await.unwrap();
        let all = hsts_of(&rows, &Segment::All);
        assert_eq!((all.failed, all.warned, all.passed), (2, 1, 0));
        assert_eq!((all.explained_failed, all.explained_warned), (1, 1));
        assert_eq!(all.failed_unexplained(), 1);
        assert_eq!(all.adoption(), Some(0.0));
        let with = all.adoption_explained().unwrap();
        assert!((with - 200.0 / 3.0).abs() < 1e-9, "{with}");
        let finance = hsts_of(&rows, &Segment::Sector("finance".into()));
        assert_eq!((finance.explained_failed, finance.explained_warned), (1, 1));
        let energy = hsts_of(&rows, &Segment::Sector("energy".into()));
        assert_eq!((energy.failed, energy.explained()), (1, 0));
        // Checks without any explanation count none.
        assert!(
            rows.iter()
                .filter(|r| r.check != HSTS)
                .all(|r| r.counts.explained() == 0)
        );

        // Summing the scan up again (what re-judging does) judges the
        // explanations at the same moment: the same counts.
        store.summarise_scan(&first).await.unwrap();
        let again = store.scan_check_stats(&first, &Segment::All).await.unwrap();
        assert_eq!(hsts_of(&again, &Segment::All), all);

        // A scan after every explanation expired counts none explained.
        let second = scan_at(&store, &list, t0 + 2_000, make).await;
        let later = store
            .scan_check_stats(&second, &Segment::All)
            .await
            .unwrap();
        let later = hsts_of(&later, &Segment::All);
        assert_eq!((later.failed, later.warned, later.explained()), (2, 1, 0));
        assert_eq!(later.adoption_explained(), later.adoption());
        // The first scan keeps its numbers.
        let trend = store
            .check_trends(&list, &Segment::All, TestKind::Web)
            .await
            .unwrap();
        let explained: Vec<u64> = trend
            .iter()
            .filter(|r| r.check == HSTS)
            .map(|r| r.counts.explained())
            .collect();
        assert_eq!(explained, vec![2, 0]);
    }
);
