//! The store's behaviour, written once and run on SQLite and on PostgreSQL.
//!
//! PostgreSQL comes from the test network (`testbed/up` starts it and writes
//! its URL to the env file); each test gets a fresh database. Without it the
//! PostgreSQL tests fail and say how to start it: they never skip.

use std::collections::HashSet;
use std::sync::Arc;

use indaba_model::TestKind;
use indaba_store::{JobState, NewUser, Role, Stakeholder, Store};

#[macro_use]
mod common;

use common::*;

fn sample_report(domain: &str) -> indaba_model::Report {
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"p",
        "started":"2026-11-22T12:00:00Z","duration_ms":5,"score":80,
        "verdict":{{"outcome":"scored","summary":"s","message":{{"id":"verdict-scored"}}}},"categories":[],
        "findings":[{{"check":"dns.dnssec.valid","status":"pass","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"dns.dnssec.valid","points":{{"earned":10,"possible":10}}}}],
        "observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#
    );
    serde_json::from_str(&text).expect("sample report")
}

on_both!(
    migrations_are_idempotent_and_reports_round_trip,
    |store: Store| async move {
        let report = sample_report("example.test");
        let id = store.save_report(&report).await.unwrap();
        assert_eq!(store.report(&id).await.unwrap(), report);
        assert!(store.report("nope").await.is_err());
        assert_eq!(
            store.finding_counts("dns.dnssec.valid").await.unwrap(),
            vec![("pass".to_string(), 1)]
        );
        let latest = store.latest_reports(10).await.unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].score, Some(80));
    }
);

on_both!(
    recent_reports_are_found_only_while_fresh,
    |store: Store| async move {
        let mut report = sample_report("fresh.test");
        report.started = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let id = store.save_report(&report).await.unwrap();
        assert_eq!(
            store
                .recent_report(TestKind::Web, "fresh.test", 300)
                .await
                .unwrap(),
            Some(id)
        );
        assert_eq!(
            store
                .recent_report(TestKind::Mail, "fresh.test", 300)
                .await
                .unwrap(),
            None
        );
        let old = sample_report("old.test"); // started 2026-11-22T12:00Z, long before "now" in CI? compare with age 0
        store.save_report(&old).await.unwrap();
        assert_eq!(
            store
                .recent_report(TestKind::Web, "old.test", -1_000_000_000)
                .await
                .unwrap(),
            None
        );
    }
);

on_both!(
    the_queue_is_bounded_and_claims_are_exclusive,
    |store: Store| async move {
        for i in 0..5 {
            assert!(
                store
                    .enqueue(TestKind::Web, &format!("d{i}.test"), "c", None, 5)
                    .await
                    .unwrap()
                    .is_ok()
            );
        }
        let full = store
            .enqueue(TestKind::Web, "x.test", "c", None, 5)
            .await
            .unwrap();
        assert_eq!(full.unwrap_err().queued, 5);
        let store = Arc::new(store);
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut got = Vec::new();
                while let Some(job) = s.claim_next().await.unwrap() {
                    got.push(job.id);
                }
                got
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let unique: HashSet<_> = all.iter().collect();
        assert_eq!(all.len(), 5, "every job claimed once: {all:?}");
        assert_eq!(unique.len(), 5);
        let job = store.job(&all[0]).await.unwrap();
        assert_eq!(job.state, JobState::Running);
        store.finish_job(&all[0], "r1").await.unwrap();
        assert_eq!(
            store.job(&all[0]).await.unwrap().report_id.as_deref(),
            Some("r1")
        );
        store.fail_job(&all[1], "no such domain").await.unwrap();
        assert_eq!(store.job(&all[1]).await.unwrap().state, JobState::Failed);
        // Three still "running": a worker died; they go back to the queue.
        assert_eq!(store.requeue_stale(-10).await.unwrap(), 3);
        let queued = store.job(&all[2]).await.unwrap();
        assert_eq!(queued.state, JobState::Queued);
        assert!(queued.position.is_some());
    }
);

on_both!(
    accounts_sessions_resets_and_keys,
    |store: Store| async move {
        let org = store
            .create_organisation(None, "CERT <Test>", Stakeholder::Cert)
            .await
            .unwrap();
        let user = store
            .create_user(
                None,
                NewUser {
                    email: "Analyst@Example.TEST",
                    name: "An <b>alyst</b>",
                    role: Role::Analyst,
                    organisation_id: Some(&org.id),
                    password: "correct horse battery",
                },
            )
            .await
            .unwrap();
        assert_eq!(user.email, "analyst@example.test");
        assert!(
            store
                .create_user(
                    None,
                    NewUser {
                        email: "analyst@example.test",
                        name: "x",
                        role: Role::Member,
                        organisation_id: None,
                        password: "another long password"
                    }
                )
                .await
                .is_err(),
            "email taken, whatever the case"
        );
        assert!(
            store
                .create_user(
                    None,
                    NewUser {
                        email: "short@example.test",
                        name: "x",
                        role: Role::Member,
                        organisation_id: None,
                        password: "short"
                    }
                )
                .await
                .is_err()
        );
        assert!(
            store
                .authenticate("ANALYST@example.test", "correct horse battery")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .authenticate("analyst@example.test", "wrong password!!")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .authenticate("nobody@example.test", "correct horse battery")
                .await
                .unwrap()
                .is_none()
        );

        let token = store.create_session(&user.id, 3600).await.unwrap();
        let session = store.session(&token).await.unwrap().expect("live session");
        assert_eq!(session.user.id, user.id);
        assert!(store.session("forged").await.unwrap().is_none());
        let expired = store.create_session(&user.id, -1).await.unwrap();
        assert!(store.session(&expired).await.unwrap().is_none());

        let reset = store.create_reset_token(&user.id, 3600).await.unwrap();
        assert!(
            store
                .consume_reset_token(&reset, "a brand new password")
                .await
                .unwrap()
        );
        assert!(
            !store
                .consume_reset_token(&reset, "a second new password")
                .await
                .unwrap(),
            "single use"
        );
        assert!(
            store.session(&token).await.unwrap().is_none(),
            "a reset signs out everywhere"
        );
        assert!(
            store
                .authenticate("analyst@example.test", "a brand new password")
                .await
                .unwrap()
                .is_some()
        );
        let stale = store.create_reset_token(&user.id, -1).await.unwrap();
        assert!(
            !store
                .consume_reset_token(&stale, "a third new password!")
                .await
                .unwrap(),
            "expired"
        );

        let key = store
            .create_api_key(Some(&user.id), &user.id, "batch")
            .await
            .unwrap();
        assert_eq!(
            store.api_key_owner(&key).await.unwrap().map(|u| u.id),
            Some(user.id.clone())
        );
        assert!(store.api_key_owner("ik_forged").await.unwrap().is_none());
        store
            .update_user(None, &user.id, Role::Analyst, Some(&org.id), true)
            .await
            .unwrap();
        assert!(
            store
                .authenticate("analyst@example.test", "a brand new password")
                .await
                .unwrap()
                .is_none(),
            "disabled"
        );
        assert!(
            store.api_key_owner(&key).await.unwrap().is_none(),
            "disabled users' keys stop working"
        );

        let actions: Vec<String> = store
            .audit_entries(100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for expected in [
            "organisation.create",
            "user.create",
            "login.success",
            "login.failure",
            "session.create",
            "password.reset",
            "api_key.create",
            "user.update",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{expected} not audited: {actions:?}"
            );
        }
    }
);

on_both!(
    hostile_text_is_stored_byte_exact,
    |store: Store| async move {
        let nasty = "'; DROP TABLE users; -- <script>alert(1)</script> \u{202e}ünïcödé 🦀";
        let org = store
            .create_organisation(None, nasty, Stakeholder::CivilSociety)
            .await
            .unwrap();
        assert_eq!(store.organisations().await.unwrap()[0].name, nasty);
        let long_domain = format!("{}.test", "a".repeat(300));
        let id = store
            .enqueue(TestKind::Mail, &long_domain, nasty, None, 10)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(store.job(&id).await.unwrap().domain, long_domain);
        let user = store
            .create_user(
                None,
                NewUser {
                    email: "x@example.test",
                    name: nasty,
                    role: Role::Member,
                    organisation_id: Some(&org.id),
                    password: nasty,
                },
            )
            .await
            .unwrap();
        assert_eq!(store.user(&user.id).await.unwrap().name, nasty);
        assert!(
            store
                .authenticate("x@example.test", nasty)
                .await
                .unwrap()
                .is_some()
        );
    }
);
