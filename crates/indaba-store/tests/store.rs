//! The store's behaviour, written once and run on SQLite and on PostgreSQL.
//!
//! PostgreSQL comes from the test network (`testbed/up` starts it and writes
//! its URL to the env file); each test gets a fresh database. Without it the
//! PostgreSQL tests fail and say how to start it: they never skip.

use std::collections::HashSet;
use std::sync::Arc;

use indaba_model::TestKind;
use indaba_store::{Actor, AuditBreak, JobState, NewUser, Role, SignIn, Stakeholder, Store};

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

fn signed_in(outcome: SignIn) -> Option<indaba_store::User> {
    match outcome {
        SignIn::Success(user) => Some(user),
        _ => None,
    }
}

on_both!(
    accounts_sessions_resets_and_keys,
    |store: Store| async move {
        let cli = Actor::local();
        let web = Actor::anonymous("192.0.2.7");
        let org = store
            .create_organisation(&cli, "CERT <Test>", Stakeholder::Cert)
            .await
            .unwrap();
        let user = store
            .create_user(
                &cli,
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
                    &cli,
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
                    &cli,
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
            signed_in(
                store
                    .authenticate(&web, "ANALYST@example.test", "correct horse battery")
                    .await
                    .unwrap()
            )
            .is_some()
        );
        assert_eq!(
            store
                .authenticate(&web, "analyst@example.test", "wrong password!!")
                .await
                .unwrap(),
            SignIn::Failed { notice: None }
        );
        assert!(
            signed_in(
                store
                    .authenticate(&web, "nobody@example.test", "correct horse battery")
                    .await
                    .unwrap()
            )
            .is_none()
        );

        let as_user = web.as_user(&user.id);
        let token = store.create_session(&as_user, 3600).await.unwrap();
        let session = store.session(&token).await.unwrap().expect("live session");
        assert_eq!(session.user.id, user.id);
        let other = store.create_session(&as_user, 3600).await.unwrap();
        assert_ne!(
            store.session(&other).await.unwrap().unwrap().csrf,
            session.csrf,
            "every session has its own CSRF token"
        );
        assert!(store.session("forged").await.unwrap().is_none());
        let expired = store.create_session(&as_user, -1).await.unwrap();
        assert!(store.session(&expired).await.unwrap().is_none());

        let reset = store
            .create_reset_token(&web, &user.id, 3600, 5)
            .await
            .unwrap()
            .expect("under the cap");
        let second = store
            .create_reset_token(&web, &user.id, 3600, 5)
            .await
            .unwrap()
            .expect("under the cap");
        // The token is checked before the password is judged.
        assert!(
            !store
                .consume_reset_token(&web, "forged", "short")
                .await
                .unwrap(),
            "a bad token is refused as such, whatever the password"
        );
        assert!(
            store
                .consume_reset_token(&web, &reset, "short")
                .await
                .is_err(),
            "a good token with a bad password: the password is refused"
        );
        assert!(
            store
                .consume_reset_token(&web, &reset, "a brand new password")
                .await
                .unwrap()
        );
        assert!(
            !store
                .consume_reset_token(&web, &reset, "a second new password")
                .await
                .unwrap(),
            "single use"
        );
        assert!(
            !store.reset_token_valid(&second).await.unwrap(),
            "a reset deletes every other token of the user"
        );
        assert!(
            store.session(&token).await.unwrap().is_none(),
            "a reset signs out everywhere"
        );
        assert!(
            signed_in(
                store
                    .authenticate(&web, "analyst@example.test", "a brand new password")
                    .await
                    .unwrap()
            )
            .is_some()
        );
        let stale = store
            .create_reset_token(&web, &user.id, -1, 5)
            .await
            .unwrap()
            .unwrap();
        assert!(
            !store
                .consume_reset_token(&web, &stale, "a third new password!")
                .await
                .unwrap(),
            "expired"
        );

        let key = store
            .create_api_key(&as_user, &user.id, "batch", None)
            .await
            .unwrap();
        assert_eq!(
            store
                .api_key_owner(&key, "192.0.2.8")
                .await
                .unwrap()
                .map(|o| o.user.id),
            Some(user.id.clone())
        );
        assert!(
            store
                .api_key_owner("ik_forged", "192.0.2.8")
                .await
                .unwrap()
                .is_none()
        );
        let listed = store.api_keys().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_used_at.is_some(), "last use recorded");
        store
            .update_user(&cli, &user.id, Role::Analyst, Some(&org.id), true)
            .await
            .unwrap();
        assert!(
            signed_in(
                store
                    .authenticate(&web, "analyst@example.test", "a brand new password")
                    .await
                    .unwrap()
            )
            .is_none(),
            "disabled"
        );
        assert!(
            store.api_key_owner(&key, "c").await.unwrap().is_none(),
            "disabled users' keys stop working"
        );
        store
            .update_user(&cli, &user.id, Role::Analyst, Some(&org.id), false)
            .await
            .unwrap();
        assert!(
            store.api_key_owner(&key, "c").await.unwrap().is_none(),
            "enabling the user again does not bring a revoked key back"
        );
        assert!(store.api_keys().await.unwrap()[0].revoked_at.is_some());

        let entries = store.audit_entries(100).await.unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        for expected in [
            "organisation.create",
            "user.create",
            "login.success",
            "login.failure",
            "session.create",
            "password.reset",
            "api_key.create",
            "api_key.use",
            "user.update",
        ] {
            assert!(
                actions.contains(&expected),
                "{expected} not audited: {actions:?}"
            );
        }
        assert!(
            entries.iter().all(|e| !e.client.is_empty()),
            "every row says from where"
        );
        assert!(
            entries
                .iter()
                .any(|e| e.action == "api_key.use" && e.client == "192.0.2.8")
        );
    }
);

on_both!(
    api_keys_expire_and_are_revoked_one_by_one,
    |store: Store| async move {
        let cli = Actor::local();
        let user = member(&store, "keys@example.test").await;
        let live = store
            .create_api_key(&cli, &user.id, "live", Some(indaba_store::now() + 3600))
            .await
            .unwrap();
        let expired = store
            .create_api_key(&cli, &user.id, "expired", Some(indaba_store::now() - 1))
            .await
            .unwrap();
        let revoked = store
            .create_api_key(&cli, &user.id, "revoked", None)
            .await
            .unwrap();
        let id = store
            .api_keys()
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.label == "revoked")
            .unwrap()
            .id;
        store.revoke_api_key(&cli, &id).await.unwrap();
        assert!(store.api_key_owner(&live, "c").await.unwrap().is_some());
        assert!(store.api_key_owner(&expired, "c").await.unwrap().is_none());
        assert!(store.api_key_owner(&revoked, "c").await.unwrap().is_none());
        assert!(matches!(
            store.revoke_api_key(&cli, "nope").await,
            Err(indaba_store::StoreError::NotFound(_))
        ));
    }
);

async fn member(store: &Store, email: &str) -> indaba_store::User {
    store
        .create_user(
            &Actor::local(),
            NewUser {
                email,
                name: "",
                role: Role::Member,
                organisation_id: None,
                password: "a long member password",
            },
        )
        .await
        .unwrap()
}

on_both!(
    sign_in_is_throttled_per_account_with_growing_delays_and_a_notice,
    |store: Store| async move {
        let user = member(&store, "target@example.test").await;
        // Each attempt from another address: the throttle is the account's.
        let mut notices = 0;
        for i in 1..=3 {
            let from = Actor::anonymous(format!("192.0.2.{i}"));
            let outcome = store
                .authenticate(&from, "target@example.test", "wrong password!!")
                .await
                .unwrap();
            assert!(matches!(outcome, SignIn::Failed { .. }), "{i}: {outcome:?}");
        }
        // The fourth failure makes the account wait; even the right
        // password is not checked meanwhile.
        let fourth = store
            .authenticate(
                &Actor::anonymous("192.0.2.50"),
                "target@example.test",
                "wrong password!!",
            )
            .await
            .unwrap();
        if let SignIn::Failed { notice: Some(_) } = fourth {
            notices += 1;
        }
        let waiting = store
            .authenticate(
                &Actor::anonymous("192.0.2.51"),
                "target@example.test",
                "a long member password",
            )
            .await
            .unwrap();
        let SignIn::Throttled(wait) = waiting else {
            panic!("not throttled: {waiting:?}")
        };
        assert!(wait.as_secs() <= 2, "{wait:?}");
        // Unknown addresses are throttled alike (nothing tells them apart).
        for _ in 0..4 {
            store
                .authenticate(&Actor::anonymous("192.0.2.52"), "nobody@example.test", "x")
                .await
                .unwrap();
        }
        assert!(matches!(
            store
                .authenticate(&Actor::anonymous("192.0.2.52"), "nobody@example.test", "x")
                .await
                .unwrap(),
            SignIn::Throttled(_)
        ));
        // The fifth failure (after the wait) brings the notice, once.
        tokio::time::sleep(wait + std::time::Duration::from_millis(1100)).await;
        let fifth = store
            .authenticate(
                &Actor::anonymous("192.0.2.53"),
                "target@example.test",
                "wrong password!!",
            )
            .await
            .unwrap();
        match fifth {
            SignIn::Failed { notice: Some(u) } => {
                assert_eq!(u.id, user.id);
                notices += 1;
            }
            other => panic!("no notice after five failures: {other:?}"),
        }
        assert_eq!(notices, 1);
        let actions: Vec<String> = store
            .audit_entries(100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(
            actions.iter().any(|a| a == "login.throttled"),
            "{actions:?}"
        );
    }
);

on_both!(
    reset_mails_are_capped_per_account_and_hour,
    |store: Store| async move {
        let user = member(&store, "resets@example.test").await;
        let web = Actor::anonymous("192.0.2.9");
        for _ in 0..3 {
            assert!(
                store
                    .create_reset_token(&web, &user.id, 3600, 3)
                    .await
                    .unwrap()
                    .is_some()
            );
        }
        assert!(
            store
                .create_reset_token(&web, &user.id, 3600, 3)
                .await
                .unwrap()
                .is_none(),
            "a fourth within the hour is not made"
        );
    }
);

on_both!(the_last_admin_stays, |store: Store| async move {
    let cli = Actor::local();
    let make = |email: &'static str| {
        let store = store.clone();
        async move {
            store
                .create_user(
                    &Actor::local(),
                    NewUser {
                        email,
                        name: "",
                        role: Role::Admin,
                        organisation_id: None,
                        password: "an admin password",
                    },
                )
                .await
                .unwrap()
        }
    };
    let first = make("first@example.test").await;
    assert!(matches!(
        store
            .update_user(&cli, &first.id, Role::Member, None, false)
            .await,
        Err(indaba_store::StoreError::LastAdmin)
    ));
    assert!(matches!(
        store
            .update_user(&cli, &first.id, Role::Admin, None, true)
            .await,
        Err(indaba_store::StoreError::LastAdmin)
    ));
    let second = make("second@example.test").await;
    store
        .update_user(&cli, &first.id, Role::Analyst, None, false)
        .await
        .expect("another admin remains");
    assert!(matches!(
        store
            .update_user(&cli, &second.id, Role::Admin, None, true)
            .await,
        Err(indaba_store::StoreError::LastAdmin)
    ));
    assert_eq!(store.user(&second.id).await.unwrap().role, Role::Admin);
});

on_both!(
    a_changed_or_deleted_audit_row_breaks_the_chain,
    |store: Store| async move {
        let cli = Actor::local();
        for i in 0..5 {
            store
                .create_organisation(&cli, &format!("Org {i}"), Stakeholder::Other)
                .await
                .unwrap();
        }
        let intact = store.verify_audit().await.unwrap();
        assert_eq!(intact.rows, 5);
        assert!(intact.breaks.is_empty(), "{intact:?}");
        let head = intact.head.clone().expect("a head");
        assert!(store.audit_has_hash(&head).await.unwrap());
        let seqs: Vec<i64> = store
            .audit_entries(10)
            .await
            .unwrap()
            .iter()
            .rev()
            .map(|e| e.seq)
            .collect();
        let pool = store.raw_pool();
        sqlx::query("UPDATE audit_log SET subject = 'someone else' WHERE seq = $1")
            .bind(seqs[1])
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = $1")
            .bind(seqs[3])
            .execute(pool)
            .await
            .unwrap();
        let broken = store.verify_audit().await.unwrap();
        assert_eq!(
            broken.breaks,
            vec![
                AuditBreak::Changed { seq: seqs[1] },
                AuditBreak::Unlinked { seq: seqs[4] }
            ]
        );
        sqlx::query("DELETE FROM audit_log WHERE seq = $1")
            .bind(seqs[4])
            .execute(pool)
            .await
            .unwrap();
        assert!(
            !store.audit_has_hash(&head).await.unwrap(),
            "a recorded head shows rows cut off the end"
        );
    }
);

on_both!(
    batches_have_their_own_share_of_the_queue_and_go_after_public_tests,
    |store: Store| async move {
        let batch = store
            .create_batch(&member(&store, "batch@example.test").await.id)
            .await
            .unwrap();
        for i in 0..4 {
            store
                .enqueue(TestKind::Web, &format!("b{i}.test"), "c", Some(&batch), 4)
                .await
                .unwrap()
                .expect("the batch share has room");
        }
        assert!(
            store
                .enqueue(TestKind::Web, "b4.test", "c", Some(&batch), 4)
                .await
                .unwrap()
                .is_err(),
            "the batch share is full"
        );
        let public = store
            .enqueue(TestKind::Web, "p0.test", "c", None, 2)
            .await
            .unwrap()
            .expect("a full batch share leaves the public share free");
        assert_eq!(store.job(&public).await.unwrap().position, Some(1));
        store
            .enqueue(TestKind::Web, "p1.test", "c", None, 2)
            .await
            .unwrap()
            .unwrap();
        assert!(
            store
                .enqueue(TestKind::Web, "p2.test", "c", None, 2)
                .await
                .unwrap()
                .is_err(),
            "the public share has its own bound"
        );
        let order: Vec<String> = {
            let mut order = Vec::new();
            while let Some(job) = store.claim_next().await.unwrap() {
                order.push(job.domain);
            }
            order
        };
        assert_eq!(
            order,
            [
                "p0.test", "p1.test", "b0.test", "b1.test", "b2.test", "b3.test"
            ],
            "public tests first, each share in order"
        );
    }
);

on_both!(
    hostile_text_is_stored_byte_exact,
    |store: Store| async move {
        let nasty = "'; DROP TABLE users; -- <script>alert(1)</script> \u{202e}ünïcödé 🦀";
        let org = store
            .create_organisation(&Actor::local(), nasty, Stakeholder::CivilSociety)
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
                &Actor::local(),
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
            signed_in(
                store
                    .authenticate(&Actor::anonymous("::1"), "x@example.test", nasty)
                    .await
                    .unwrap()
            )
            .is_some()
        );
    }
);

on_both!(
    audit_rows_of_callers_naming_only_a_user_carry_the_request_address,
    |store: Store| async move {
        indaba_store::acting_from(
            "198.51.100.7".into(),
            store.desk_audit_read(Some("someone"), "case-1"),
        )
        .await
        .unwrap();
        store.desk_audit_read(None, "case-2").await.unwrap();
        let rows = store.audit_entries(10).await.unwrap();
        let client = |subject: &str| {
            rows.iter()
                .find(|r| r.subject == subject)
                .map(|r| r.client.clone())
                .unwrap()
        };
        assert_eq!(client("case-1"), "198.51.100.7");
        // Outside a request (the command line): local.
        assert_eq!(client("case-2"), "local");
    }
);
