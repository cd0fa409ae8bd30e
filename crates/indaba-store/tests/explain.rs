//! Comply or explain's table on SQLite and PostgreSQL: owners of a domain
//! through its lists, explanations written and rejected with audit rows,
//! the set in force at a moment (expiry and rejection judged at read time),
//! and the latest finished scan's findings counted with and without them.

use std::collections::HashSet;

use indaba_model::{DomainName, Status, TestKind};
use indaba_monitor::Kinds;
use indaba_monitor::explain::{self, Expiry, FindingKey, Reason, Standing, Text};
use indaba_monitor::list::ListEntry;
use indaba_store::explain::NewExplanation;
use indaba_store::monitor::NewList;
use indaba_store::{Actor, NewUser, Role, Stakeholder, Store, StoreError};

#[macro_use]
mod common;

use common::*;

/// A web report of `domain` whose https check has `status`.
fn report(domain: &str, status: &str) -> indaba_model::Report {
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"p",
        "started":"2026-11-22T12:00:00Z","duration_ms":5,"score":80,
        "verdict":{{"outcome":"scored","summary":"s","message":{{"id":"verdict-scored"}}}},"categories":[],
        "findings":[{{"check":"web.https.available","status":"{status}","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"web.https.available"}},
                    {{"check":"web.hsts","status":"pass","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"web.hsts"}}],
        "observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#
    );
    serde_json::from_str(&text).expect("sample report")
}

fn key(domain: &str) -> FindingKey {
    FindingKey {
        domain: domain.into(),
        kind: TestKind::Web,
        check: "web.https.available".into(),
    }
}

/// A list "banks" of a.example (owned by Bank A), b.example (Bank A) and
/// c.example (no owner), scanned once: a and b fail https, c passes.
/// Returns (list id, Bank A's id, a member of Bank A, an analyst).
async fn scanned(store: &Store) -> (String, String, String, String) {
    let org = store
        .create_organisation(&Actor::local(), "Bank A", Stakeholder::PrivateSector)
        .await
        .unwrap();
    let member = store
        .create_user(
            &Actor::local(),
            NewUser {
                email: "owner@bank-a.example",
                name: "Owner",
                role: Role::Member,
                organisation_id: Some(&org.id),
                password: "a long enough password",
            },
        )
        .await
        .unwrap();
    let analyst = store
        .create_user(
            &Actor::local(),
            NewUser {
                email: "analyst@cert.example",
                name: "Analyst",
                role: Role::Analyst,
                organisation_id: None,
                password: "a long enough password",
            },
        )
        .await
        .unwrap();
    let list = store
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
    let mut entries = Vec::new();
    for (d, owner) in [
        ("a.example", true),
        ("b.example", true),
        ("c.example", false),
    ] {
        let mut e = ListEntry::new(DomainName::parse(d).unwrap());
        e.organisation = owner.then(|| "Bank A".to_string());
        entries.push(e);
    }
    store
        .add_entries(&Actor::local(), &list.id, &entries)
        .await
        .unwrap();
    assert!(
        store
            .latest_scan_findings(&list.id)
            .await
            .unwrap()
            .is_none()
    );
    let (scan, _) = store
        .start_scan(&Actor::local(), &list.id, None)
        .await
        .unwrap();
    while let Some(job) = store.claim_scan_job("w", 60, now()).await.unwrap() {
        let status = if job.domain == "c.example" {
            "pass"
        } else {
            "fail"
        };
        store
            .finish_scan_job(&job.id, &report(&job.domain, status))
            .await
            .unwrap();
    }
    assert_eq!(store.advance_scans().await.unwrap(), vec![scan]);
    (list.id, org.id, member.id, analyst.id)
}

fn now() -> i64 {
    indaba_store::now()
}

on_both!(
    explanations_are_in_force_until_they_expire_or_are_rejected,
    |store: Store| async move {
        let (list, org, member, analyst) = scanned(&store).await;
        assert_eq!(
            store.domain_owners("a.example").await.unwrap(),
            vec![org.clone()]
        );
        assert!(store.domain_owners("c.example").await.unwrap().is_empty());

        let t0 = now();
        let text = Text::parse("Legacy portal <b>retired</b> in March").unwrap();
        let a = store
            .create_explanation(
                &Actor::user(&member, "192.0.2.1"),
                NewExplanation {
                    key: &key("a.example"),
                    organisation_id: &org,
                    text: &text,
                    until: Expiry::new(t0 + 3600, t0).unwrap(),
                },
            )
            .await
            .unwrap();
        assert_eq!(a.text, "Legacy portal <b>retired</b> in March");
        assert_eq!(a.created_by_email.as_deref(), Some("owner@bank-a.example"));
        assert_eq!(a.organisation_name, "Bank A");
        assert_eq!(a.standing(t0), Standing::InForce);
        let b = store
            .create_explanation(
                &Actor::user(&member, "192.0.2.1"),
                NewExplanation {
                    key: &key("b.example"),
                    organisation_id: &org,
                    text: &Text::parse("Third-party host").unwrap(),
                    until: Expiry::new(t0 + 7200, t0).unwrap(),
                },
            )
            .await
            .unwrap();

        let in_force = store.explained_in_force(&list, t0).await.unwrap();
        assert_eq!(
            in_force,
            HashSet::from([key("a.example"), key("b.example")])
        );
        // An hour on, a's has expired by itself; b's still holds.
        let later = store.explained_in_force(&list, t0 + 3600).await.unwrap();
        assert_eq!(later, HashSet::from([key("b.example")]));

        // The counts of the latest scan, with and without explanations.
        let (_, findings) = store.latest_scan_findings(&list).await.unwrap().unwrap();
        assert_eq!(findings.len(), 6);
        let tally = explain::tally(findings.iter().map(|(k, s)| (k, *s)), &in_force);
        let https = tally["web.https.available"];
        assert_eq!(https.fail_without_explanations(), 2);
        assert_eq!(https.fail_with_explanations(), 0);
        assert_eq!(https.explained_fail, 2);
        assert_eq!(https.pass, 1);
        assert_eq!(tally["web.hsts"].pass, 3);
        assert!(findings.contains(&(key("c.example"), Status::Pass)));

        // An analyst rejects b's, once; the reason is in the audit log.
        let reason = Reason::parse("The host is yours to configure").unwrap();
        let rejected = store
            .reject_explanation(&Actor::user(&analyst, "192.0.2.2"), &b.id, &reason)
            .await
            .unwrap();
        assert_eq!(rejected.standing(now()), Standing::Rejected);
        assert_eq!(
            rejected.rejected_by_email.as_deref(),
            Some("analyst@cert.example")
        );
        assert_eq!(
            rejected.reject_reason.as_deref(),
            Some("The host is yours to configure")
        );
        assert!(matches!(
            store
                .reject_explanation(&Actor::user(&analyst, "192.0.2.2"), &b.id, &reason)
                .await,
            Err(StoreError::Refused(m)) if m.id == "monitor-explain-already-rejected"
        ));
        assert!(matches!(
            store
                .reject_explanation(&Actor::user(&analyst, "192.0.2.2"), "nope", &reason)
                .await,
            Err(StoreError::NotFound(_))
        ));
        let after = store.explained_in_force(&list, now() + 1).await.unwrap();
        assert_eq!(after, HashSet::from([key("a.example")]));
        // Before the rejection, b's was in force: the past stays as it was.
        assert!(
            store
                .explained_in_force(&list, t0 - 1)
                .await
                .unwrap()
                .contains(&key("b.example"))
        );

        let audit = store.audit_entries(20).await.unwrap();
        let reject = audit
            .iter()
            .find(|e| e.action == "monitor.explanation.reject")
            .unwrap();
        assert_eq!(reject.subject, b.id);
        assert!(reject.detail.contains("The host is yours to configure"));
        assert_eq!(reject.actor.as_deref(), Some(analyst.as_str()));
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.action == "monitor.explanation.create")
                .count(),
            2
        );
        assert!(store.verify_audit().await.unwrap().breaks.is_empty());

        let listed = store.explanations_of_list(&list, 100).await.unwrap();
        assert_eq!(listed.len(), 2);
        let of_a = store
            .explanations_of_domain("a.example", TestKind::Web)
            .await
            .unwrap();
        assert_eq!(of_a, vec![a]);
        assert!(
            store
                .explanations_of_domain("a.example", TestKind::Mail)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
