//! Owner notices' tables on SQLite and PostgreSQL: a scan's changes against
//! the list's previous scan are queued while it finishes (once, however
//! often it finishes), the owner's address is found, a contact's digest of
//! a day is claimed once even by senders at the same moment, a digest that
//! failed gives its changes back, and opt-outs stop a contact.

use indaba_model::Report;
use indaba_monitor::Kinds;
use indaba_monitor::notices::{Direction, day_of};
use indaba_store::monitor::NewList;
use indaba_store::notices::{DigestState, NewDigest, OwnerAddress};
use indaba_store::{Actor, NewUser, Role, Stakeholder, Store};

#[macro_use]
mod common;

use common::*;

/// A report of `domain` whose `web.cert.trust` has `status`.
fn report(domain: &str, status: &str) -> Report {
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"p",
        "started":"2026-11-22T12:00:00Z","duration_ms":5,"score":80,
        "verdict":{{"outcome":"scored","summary":"s","message":{{"id":"verdict-scored"}}}},"categories":[],
        "findings":[{{"check":"web.cert.trust","status":"{status}","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"web.cert.trust"}},
                    {{"check":"web.tls.version","status":"pass","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"web.tls.version"}}],
        "observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#
    );
    serde_json::from_str(&text).expect("sample report")
}

/// Runs one scan of `list` to the end, every domain judged `status`;
/// returns the scan's id.
async fn scan(store: &Store, list: &str, status: &str) -> String {
    let (scan, _) = store.start_scan(&Actor::local(), list, None).await.unwrap();
    while let Some(job) = store
        .claim_scan_job("w", 60, indaba_store::now())
        .await
        .unwrap()
    {
        store
            .finish_scan_job(&job.id, &report(&job.domain, status))
            .await
            .unwrap();
    }
    assert_eq!(store.advance_scans().await.unwrap(), vec![scan.clone()]);
    scan
}

on_both!(
    a_regression_is_queued_once_and_a_contact_gets_one_digest_a_day,
    |store: Store| async move {
        let org = store
            .create_organisation(&Actor::local(), "Owners", Stakeholder::PrivateSector)
            .await
            .unwrap();
        store
            .create_user(
                &Actor::local(),
                NewUser {
                    email: "noc@owners.test",
                    name: "",
                    role: Role::Member,
                    organisation_id: Some(&org.id),
                    password: "a long enough password",
                },
            )
            .await
            .unwrap();
        let list = store
            .create_list(
                &Actor::local(),
                NewList {
                    name: "watched",
                    kinds: Kinds::Web,
                    owner_org: None,
                },
            )
            .await
            .unwrap();
        let mut owned =
            indaba_monitor::ListEntry::new(indaba_model::DomainName::parse("a.example").unwrap());
        owned.organisation = Some("Owners".into());
        let orphan =
            indaba_monitor::ListEntry::new(indaba_model::DomainName::parse("b.example").unwrap());
        store
            .add_entries(&Actor::local(), &list.id, &[owned, orphan])
            .await
            .unwrap();

        // The first scan has nothing to compare with; the second fails
        // where the first passed.
        scan(&store, &list.id, "pass").await;
        assert!(store.pending_notice_changes(100).await.unwrap().is_empty());
        let second = scan(&store, &list.id, "fail").await;
        let pending = store.pending_notice_changes(100).await.unwrap();
        assert_eq!(pending.len(), 2, "{pending:?}");
        assert!(pending.iter().all(|c| c.direction == Direction::Regression
            && c.check.as_deref() == Some("web.cert.trust")
            && c.was == "pass"
            && c.now_is == "fail"
            && c.list_name == "watched"
            && c.report_id.is_some()));
        // Queued again (a second scheduler finishing the same scan): nothing new.
        assert_eq!(store.queue_notice_changes(&second).await.unwrap(), 0);
        assert_eq!(store.pending_notice_changes(100).await.unwrap().len(), 2);

        let owner = |language: Option<&str>| {
            Some(OwnerAddress {
                address: "noc@owners.test".into(),
                language: language.map(str::to_string),
            })
        };
        assert_eq!(
            store
                .owner_notice_address(&list.id, "a.example")
                .await
                .unwrap(),
            owner(None)
        );
        // The organisation's language comes with its address; a tag of the
        // wrong shape is refused, and nothing is changed.
        store
            .set_organisation_language(&Actor::local(), &org.id, Some("nl"))
            .await
            .unwrap();
        for bad in ["n", "nl nl", "<b>", "nl--x", &"x".repeat(40)] {
            assert!(
                store
                    .set_organisation_language(&Actor::local(), &org.id, Some(bad))
                    .await
                    .is_err(),
                "{bad:?}"
            );
        }
        assert!(matches!(
            store
                .set_organisation_language(&Actor::local(), "no-such-org", Some("nl"))
                .await,
            Err(indaba_store::StoreError::NotFound(_))
        ));
        assert_eq!(
            store
                .owner_notice_address(&list.id, "a.example")
                .await
                .unwrap(),
            owner(Some("nl"))
        );
        let orgs = store.organisations().await.unwrap();
        assert_eq!(orgs[0].language.as_deref(), Some("nl"));
        assert_eq!(
            store
                .owner_notice_address(&list.id, "b.example")
                .await
                .unwrap(),
            None
        );

        // Two senders claim the owner's digest of the day at once: one wins.
        let day = day_of(indaba_store::now());
        let ids: Vec<String> = pending.iter().map(|c| c.id.clone()).collect();
        let digest = |day| NewDigest {
            contact: "noc@owners.test",
            day,
            source: "owner",
            subject: "s",
            language: "nl",
        };
        let today = digest(day);
        let (a, b) = tokio::join!(
            store.claim_digest(&today, &ids[..1], DigestState::Sending),
            store.claim_digest(&today, &ids[..1], DigestState::Sending),
        );
        let won: Vec<String> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
        assert_eq!(won.len(), 1, "one digest a day, whoever sends");
        assert_eq!(store.pending_notice_changes(100).await.unwrap().len(), 1);
        assert_eq!(store.digest_changes(&won[0]).await.unwrap().len(), 1);
        // The relay failing for now gives the change back.
        store
            .finish_digest(&won[0], DigestState::Failed, "451 try later")
            .await
            .unwrap();
        assert_eq!(store.pending_notice_changes(100).await.unwrap().len(), 2);
        // The next day's digest goes.
        let next = store
            .claim_digest(&digest(day + 1), &ids[..1], DigestState::Sending)
            .await
            .unwrap()
            .expect("a new day");
        store
            .finish_digest(&next, DigestState::Sent, "250 2.0.0 Ok: queued")
            .await
            .unwrap();
        let log = store.notice_deliveries(10).await.unwrap();
        assert_eq!(log.len(), 2);
        let sent = log.iter().find(|d| d.id == next).unwrap();
        assert_eq!(
            (sent.state.as_str(), sent.smtp_answer.as_str(), sent.changes),
            ("sent", "250 2.0.0 Ok: queued", 1)
        );
        assert!(sent.sent_at.is_some());
        assert_eq!(sent.language, "nl");
        // The log page, a line at a time (both were made in the same
        // second, so either may come first), with what each digest told.
        assert_eq!(store.notice_delivery_count().await.unwrap(), 2);
        let mut lines = store.notice_delivery_page(0, 1).await.unwrap();
        assert_eq!(lines.len(), 1);
        lines.extend(store.notice_delivery_page(1, 1).await.unwrap());
        let line = |id: &str| lines.iter().find(|l| l.delivery.id == id).unwrap();
        assert_eq!(line(&next).lists, ["watched"]);
        assert_eq!(line(&next).domains.len(), 1);
        assert!(
            line(&won[0]).domains.is_empty(),
            "the failed digest gave its change back"
        );
        assert!(store.notice_delivery_page(2, 1).await.unwrap().is_empty());

        // Opt-outs and bounces stop a contact; subscriptions are kept.
        assert!(!store.notice_stopped("noc@owners.test").await.unwrap());
        store
            .stop_notices("noc@owners.test", "link", "")
            .await
            .unwrap();
        store
            .stop_notices("noc@owners.test", "link", "")
            .await
            .unwrap();
        assert!(store.notice_stopped("noc@owners.test").await.unwrap());
        store
            .stop_notices("gone@b.example", "bounce", "550 5.1.1 no such user")
            .await
            .unwrap();
        assert!(store.notice_stopped("gone@b.example").await.unwrap());
        store
            .subscribe_to_improvements("x@b.example")
            .await
            .unwrap();
        assert!(
            store
                .subscribed_to_improvements("x@b.example")
                .await
                .unwrap()
        );
        assert!(
            !store
                .subscribed_to_improvements("y@b.example")
                .await
                .unwrap()
        );

        // Back to pass: improvements.
        scan(&store, &list.id, "pass").await;
        let improvements: Vec<_> = store
            .pending_notice_changes(100)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.direction == Direction::Improvement)
            .collect();
        assert_eq!(improvements.len(), 2);
    }
);
