//! Monitoring's tables on SQLite and PostgreSQL: lists that merge, scans as
//! a state machine, the queue's fair claiming, leases, retries with
//! back-off, cancel, one report per job, the scheduler's lock, shared
//! probes.

use indaba_model::DomainName;
use indaba_monitor::list::ListEntry;
use indaba_monitor::queue::{Decision, Failure, RetryPolicy};
use indaba_monitor::{Cadence, Kinds, ScanState};
use indaba_store::monitor::{Finished, NewList, SharedProbe};
use indaba_store::{Actor, Stakeholder, Store, StoreError};

#[macro_use]
mod common;

use common::*;

fn report(domain: &str) -> indaba_model::Report {
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"p",
        "started":"2026-11-22T12:00:00Z","duration_ms":5,"score":80,
        "verdict":{{"outcome":"scored","summary":"s","message":{{"id":"verdict-scored"}}}},"categories":[],
        "findings":[],"observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#
    );
    serde_json::from_str(&text).expect("sample report")
}

fn entries(prefix: &str, n: usize) -> Vec<ListEntry> {
    (0..n)
        .map(|i| ListEntry::new(DomainName::parse(&format!("{prefix}{i:03}.example")).unwrap()))
        .collect()
}

async fn list(store: &Store, name: &str, org: Option<&str>, n: usize) -> String {
    let l = store
        .create_list(
            &Actor::local(),
            NewList {
                name,
                kinds: Kinds::Web,
                owner_org: org,
            },
        )
        .await
        .unwrap();
    store
        .add_entries(&Actor::local(), &l.id, &entries(name, n))
        .await
        .unwrap();
    l.id
}

const NOW: i64 = 2_000_000_000;

on_both!(
    lists_merge_entries_and_page_in_order,
    |store: Store| async move {
        let org = store
            .create_organisation(&Actor::local(), "Bank A", Stakeholder::PrivateSector)
            .await
            .unwrap();
        let id = list(&store, "banks", None, 3).await;
        let mut again = ListEntry::new(DomainName::parse("banks001.example").unwrap());
        again.organisation = Some("bank a".into());
        again.tags = vec!["critical".into()];
        store
            .add_entries(&Actor::local(), &id, &[again])
            .await
            .unwrap();
        let page = store.entries(&id, "", 2).await.unwrap();
        assert_eq!(page.len(), 2);
        assert_eq!(page[1].entry.domain.as_str(), "banks001.example");
        assert_eq!(page[1].entry.tags, vec!["critical"]);
        assert_eq!(page[1].organisation_id.as_deref(), Some(org.id.as_str()));
        let rest = store.entries(&id, "banks001.example", 10).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(store.list(&id).await.unwrap().domains, 3);
        assert!(matches!(
            store
                .create_list(
                    &Actor::local(),
                    NewList {
                        name: "banks",
                        kinds: Kinds::Web,
                        owner_org: None
                    }
                )
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.lists(Some(&org.id)).await.unwrap().len(), 0);
    }
);

on_both!(a_scan_runs_through_its_states, |store: Store| async move {
    let id = list(&store, "small", None, 2).await;
    let (scan, new) = store
        .start_scan(&Actor::local(), &id, Some(Kinds::Both))
        .await
        .unwrap();
    assert!(new);
    let (joined, new) = store.start_scan(&Actor::local(), &id, None).await.unwrap();
    assert_eq!(
        (joined.as_str(), new),
        (scan.as_str(), false),
        "a second start joins"
    );
    let s = store.scan(&scan).await.unwrap();
    assert_eq!(s.state, ScanState::Queued);
    assert_eq!(s.kinds, Kinds::Web, "only the kinds the list has");
    assert_eq!(s.counts.queued, 2);
    let a = store.claim_scan_job("w1", 60, NOW).await.unwrap().unwrap();
    assert_eq!(store.scan(&scan).await.unwrap().state, ScanState::Running);
    let b = store.claim_scan_job("w1", 60, NOW).await.unwrap().unwrap();
    assert!(store.claim_scan_job("w1", 60, NOW).await.unwrap().is_none());
    store
        .finish_scan_job(&a.id, &report(&a.domain))
        .await
        .unwrap();
    assert!(store.advance_scans().await.unwrap().is_empty());
    store
        .finish_scan_job(&b.id, &report(&b.domain))
        .await
        .unwrap();
    assert_eq!(store.advance_scans().await.unwrap(), vec![scan.clone()]);
    let s = store.scan(&scan).await.unwrap();
    assert_eq!(s.state, ScanState::Done);
    assert_eq!(s.counts.done, 2);
    assert!(s.finished_at.is_some());
    let results = store.scan_results(&scan, 0, 10).await.unwrap();
    assert!(results.iter().all(|r| r.report_id.is_some()));
    // A new start after the end is a new scan.
    let (next, new) = store.start_scan(&Actor::local(), &id, None).await.unwrap();
    assert!(new && next != scan);
});

// A 10-domain list of one account is not starved by a 60-domain list of
// another: claims alternate between them.
on_both!(
    claiming_is_fair_across_accounts_and_lists,
    |store: Store| async move {
        let acme = store
            .create_organisation(&Actor::local(), "Acme", Stakeholder::PrivateSector)
            .await
            .unwrap();
        let bank = store
            .create_organisation(&Actor::local(), "Bank", Stakeholder::PrivateSector)
            .await
            .unwrap();
        let big = list(&store, "big", Some(&acme.id), 60).await;
        let small = list(&store, "small", Some(&bank.id), 10).await;
        let (big_scan, _) = store.start_scan(&Actor::local(), &big, None).await.unwrap();
        let (small_scan, _) = store
            .start_scan(&Actor::local(), &small, None)
            .await
            .unwrap();
        let mut order = Vec::new();
        for _ in 0..20 {
            let job = store.claim_scan_job("w", 60, NOW).await.unwrap().unwrap();
            order.push(job.scan_id == small_scan);
        }
        assert_eq!(order.iter().filter(|s| **s).count(), 10, "{order:?}");
        assert!(
            order.windows(2).all(|w| w[0] != w[1]),
            "alternating: {order:?}"
        );
        let job = store.claim_scan_job("w", 60, NOW).await.unwrap().unwrap();
        assert_eq!(job.scan_id, big_scan);
    }
);

on_both!(
    failures_retry_with_back_off_then_end_in_error,
    |store: Store| async move {
        let id = list(&store, "flaky", None, 1).await;
        let (scan, _) = store.start_scan(&Actor::local(), &id, None).await.unwrap();
        let policy = RetryPolicy {
            max_attempts: 3,
            base_delay_secs: 10,
            max_delay_secs: 100,
        };
        let fail = Failure::Transient("the database went away".into());
        let job = store.claim_scan_job("w", 60, NOW).await.unwrap().unwrap();
        assert_eq!(job.attempts, 1);
        let d = store
            .fail_scan_job("w", &job, &fail, &policy, NOW)
            .await
            .unwrap();
        assert_eq!(d, Decision::Retry { at: NOW + 10 });
        assert!(
            store
                .claim_scan_job("w", 60, NOW + 9)
                .await
                .unwrap()
                .is_none(),
            "backing off"
        );
        let job = store
            .claim_scan_job("w", 60, NOW + 10)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.attempts, 2);
        let d = store
            .fail_scan_job("w", &job, &fail, &policy, NOW + 10)
            .await
            .unwrap();
        assert_eq!(d, Decision::Retry { at: NOW + 30 });
        let job = store
            .claim_scan_job("w", 60, NOW + 30)
            .await
            .unwrap()
            .unwrap();
        let d = store
            .fail_scan_job("w", &job, &fail, &policy, NOW + 30)
            .await
            .unwrap();
        assert!(matches!(d, Decision::GiveUp { .. }));
        let results = store.scan_results(&scan, 0, 10).await.unwrap();
        assert_eq!(results[0].state, "error");
        assert_eq!(results[0].attempts, 3);
        let reason = results[0].error.clone().unwrap();
        assert_eq!(reason.id, "monitor-job-gave-up");
        store.advance_scans().await.unwrap();
        let s = store.scan(&scan).await.unwrap();
        assert_eq!((s.state, s.counts.error), (ScanState::Done, 1));
        // A refusal is not retried.
        let id = list(&store, "refused", None, 1).await;
        store.start_scan(&Actor::local(), &id, None).await.unwrap();
        let job = store.claim_scan_job("w", 60, NOW).await.unwrap().unwrap();
        let d = store
            .fail_scan_job(
                "w",
                &job,
                &Failure::Permanent("special-use".into()),
                &policy,
                NOW,
            )
            .await
            .unwrap();
        assert!(matches!(d, Decision::GiveUp { .. }));
    }
);

// A worker that vanished loses its job when the lease runs out; another
// takes it; the late first finish and the second one write one report.
on_both!(
    expired_leases_go_back_and_one_report_is_written,
    |store: Store| async move {
        let id = list(&store, "lease", None, 1).await;
        let (scan, _) = store.start_scan(&Actor::local(), &id, None).await.unwrap();
        let policy = RetryPolicy::default();
        let first = store.claim_scan_job("w1", 60, NOW).await.unwrap().unwrap();
        assert_eq!(store.renew_leases("w1", NOW + 90).await.unwrap(), 1);
        assert_eq!(
            store.reap_expired(&policy, NOW + 61).await.unwrap(),
            0,
            "renewed"
        );
        assert_eq!(store.reap_expired(&policy, NOW + 91).await.unwrap(), 1);
        assert!(!store.holds("w1", &first.id).await.unwrap());
        assert_eq!(store.renew_leases("w1", NOW + 200).await.unwrap(), 0);
        let second = store
            .claim_scan_job("w2", 60, NOW + 91)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.id, first.id);
        assert_eq!(second.attempts, 2);
        let a = store
            .finish_scan_job(&first.id, &report(&first.domain))
            .await
            .unwrap();
        assert!(matches!(a, Finished::Written(_)));
        let b = store
            .finish_scan_job(&second.id, &report(&second.domain))
            .await
            .unwrap();
        assert_eq!(b, Finished::AlreadyDone);
        store.advance_scans().await.unwrap();
        assert_eq!(store.scan(&scan).await.unwrap().counts.done, 1);
        // A stopping worker gives its jobs back without counting the attempt.
        let id = list(&store, "release", None, 2).await;
        store.start_scan(&Actor::local(), &id, None).await.unwrap();
        let j = store.claim_scan_job("w3", 60, NOW).await.unwrap().unwrap();
        assert_eq!(store.release_jobs("w3").await.unwrap(), 1);
        let again = store.claim_scan_job("w4", 60, NOW).await.unwrap().unwrap();
        assert_eq!((again.id.as_str(), again.attempts), (j.id.as_str(), 1));
    }
);

on_both!(
    a_cancelled_scan_withdraws_its_queued_jobs,
    |store: Store| async move {
        let id = list(&store, "cancel", None, 5).await;
        let (scan, _) = store.start_scan(&Actor::local(), &id, None).await.unwrap();
        let running = store.claim_scan_job("w", 60, NOW).await.unwrap().unwrap();
        let s = store.cancel_scan(&Actor::local(), &scan).await.unwrap();
        assert_eq!(s.state, ScanState::Cancelled);
        assert_eq!((s.counts.cancelled, s.counts.running), (4, 1));
        assert!(store.claim_scan_job("w", 60, NOW).await.unwrap().is_none());
        store
            .finish_scan_job(&running.id, &report(&running.domain))
            .await
            .unwrap();
        store.advance_scans().await.unwrap();
        let s = store.scan(&scan).await.unwrap();
        assert_eq!((s.state, s.counts.done), (ScanState::Cancelled, 1));
        match store.cancel_scan(&Actor::local(), &scan).await {
            Err(StoreError::Refused(m)) => assert_eq!(m.id, "monitor-scan-cannot-cancel"),
            other => panic!("{other:?}"),
        }
    }
);

on_both!(
    schedules_start_scans_at_their_jittered_time,
    |store: Store| async move {
        let id = list(&store, "weekly", None, 2).await;
        let l = store
            .update_list(
                &Actor::local(),
                &id,
                Kinds::Web,
                None,
                Some(Cadence::Weekly),
                NOW,
            )
            .await
            .unwrap();
        let at = l.next_run_at.unwrap();
        assert_eq!(at, Cadence::Weekly.next_run(&id, NOW));
        assert!(store.run_due_schedules(at - 1).await.unwrap().is_empty());
        let started = store.run_due_schedules(at).await.unwrap();
        assert_eq!(started.len(), 1);
        let l = store.list(&id).await.unwrap();
        assert_eq!(l.next_run_at, Some(Cadence::Weekly.next_run(&id, at)));
        assert!(store.run_due_schedules(at).await.unwrap().is_empty());
    }
);

on_both!(one_scheduler_at_a_time, |store: Store| async move {
    let mut first = store
        .try_scheduler_lock("a", 30)
        .await
        .unwrap()
        .expect("first gets it");
    assert!(store.try_scheduler_lock("b", 30).await.unwrap().is_none());
    assert!(store.keep_scheduler_lock(&mut first, 30).await.unwrap());
    drop(first);
    // PostgreSQL: the connection closed with the lock; SQLite: the lease
    // runs out (here: a holder whose lease is in the past).
    if store.backend() == indaba_store::Backend::Sqlite {
        assert!(store.try_scheduler_lock("b", -100).await.unwrap().is_none());
        assert!(store.try_scheduler_lock("a", -100).await.unwrap().is_some());
        assert!(store.try_scheduler_lock("b", 30).await.unwrap().is_some());
    } else {
        let mut got = None;
        for _ in 0..50 {
            got = store.try_scheduler_lock("b", 30).await.unwrap();
            if got.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            got.is_some(),
            "the lock is free once its holder's connection is gone"
        );
    }
});

on_both!(shared_probes_are_made_once, |store: Store| async move {
    let key = "tls:abc";
    assert_eq!(
        store.shared_probe(key, 3600, NOW).await.unwrap(),
        SharedProbe::Absent
    );
    assert!(
        store
            .begin_shared_probe(key, "w1", 3600, NOW)
            .await
            .unwrap()
    );
    assert!(
        !store
            .begin_shared_probe(key, "w2", 3600, NOW)
            .await
            .unwrap()
    );
    assert_eq!(
        store.shared_probe(key, 3600, NOW).await.unwrap(),
        SharedProbe::Pending
    );
    store
        .put_shared_probe(key, "w1", "{}", NOW + 1)
        .await
        .unwrap();
    assert_eq!(
        store.shared_probe(key, 3600, NOW + 2).await.unwrap(),
        SharedProbe::Ready {
            body: "{}".into(),
            made_at: NOW + 1
        }
    );
    assert!(
        !store
            .begin_shared_probe(key, "w2", 3600, NOW + 2)
            .await
            .unwrap()
    );
    // Stale: made again by whoever asks first.
    assert_eq!(
        store.shared_probe(key, 3600, NOW + 4000).await.unwrap(),
        SharedProbe::Absent
    );
    assert!(
        store
            .begin_shared_probe(key, "w2", 3600, NOW + 4000)
            .await
            .unwrap()
    );
});
