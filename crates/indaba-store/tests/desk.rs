//! The response desk's tables, on SQLite and on PostgreSQL: cases through
//! RTIR's workflow, drafts and private links, search, plans and playbook
//! versions, encrypted attachments, consents, feeds and digests, statistics,
//! retention on a test clock, and one person's export and erasure.

use indaba_desk::case::{CaseAction, CaseKind, CaseState, Priority};
use indaba_desk::constituency::Resource;
use indaba_desk::feed;
use indaba_desk::intake::{Door, Draft};
use indaba_desk::retention::Retention;
use indaba_desk::sla::ServiceLevels;
use indaba_desk::{Classification, Tlp};
use indaba_store::desk::{Dimension, NewCase, NewMessage, TriageFilter};
use indaba_store::{Sealer, Stakeholder, Store};

#[macro_use]
mod common;

use common::*;

fn draft(description: &str, email: &str) -> Draft {
    Draft {
        title: "Report".into(),
        description: description.into(),
        name: "Thandi".into(),
        contact_ok: !email.is_empty(),
        email: email.into(),
        country: "ZA".into(),
        region: "Gauteng".into(),
        age_band: "30-44".into(),
        stats_consent: true,
        answers: vec![("what".into(), "identity-theft".into())],
        ..Draft::default()
    }
    .cleaned()
}

async fn new_case(store: &Store, kind: CaseKind, d: &Draft, class: &str) -> indaba_store::DeskCase {
    let levels = ServiceLevels::default();
    store
        .desk_create(NewCase {
            kind,
            door: Door::Api,
            draft: d,
            is_draft: false,
            classification: class.parse::<Classification>().unwrap(),
            priority: Priority::Normal,
            tlp: Tlp::Amber,
            organisation_id: None,
            created_by: None,
            parent_id: None,
            with_token: false,
            levels: &levels,
        })
        .await
        .unwrap()
        .0
}

on_both!(cases_follow_the_rtir_workflow, |store: Store| async move {
    let levels = ServiceLevels::default();
    let d = draft("", "");
    let (c, token) = store
        .desk_create(NewCase {
            kind: CaseKind::Report,
            door: Door::Public,
            draft: &d,
            is_draft: true,
            classification: Classification::undetermined(),
            priority: Priority::Normal,
            tlp: Tlp::Amber,
            organisation_id: None,
            created_by: None,
            parent_id: None,
            with_token: true,
            levels: &levels,
        })
        .await
        .unwrap();
    let token = token.unwrap();
    assert!(c.reference.starts_with("IND-"));
    assert!(c.draft);
    // A draft is saved as typed and found again by its private link.
    let typed = draft(
        "Someone opened a loan in my name at Example Bank",
        "thandi@example.test",
    );
    store.desk_save_draft(&c.id, &typed).await.unwrap();
    let back = store.desk_case_by_token(&token).await.unwrap();
    assert_eq!(back.description, typed.description);
    assert!(store.desk_case_by_token("wrong").await.is_err());
    // Not in triage while a draft.
    assert!(
        store
            .desk_triage(&TriageFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let victim: Classification = "cybercrime-victim/identity-theft".parse().unwrap();
    let report = store
        .desk_submit_draft(&c.id, victim, &levels)
        .await
        .unwrap();
    assert!(!report.draft);
    assert!(store.desk_save_draft(&c.id, &typed).await.is_err());
    let second = new_case(
        &store,
        CaseKind::Report,
        &draft("The same loan fraud again", ""),
        "cybercrime-victim/identity-theft",
    )
    .await;
    assert_ne!(second.reference, report.reference);

    let incident = new_case(
        &store,
        CaseKind::Incident,
        &draft("Loan fraud wave", ""),
        "cybercrime-victim/identity-theft",
    )
    .await;
    assert_eq!(
        store
            .desk_act(
                Some("analyst"),
                &report.id,
                CaseAction::Link,
                Some(&incident.id)
            )
            .await
            .unwrap(),
        CaseState::Linked
    );
    let refused = store
        .desk_bulk(
            None,
            &[second.id.clone(), "missing".into()],
            Some(CaseAction::Link),
            Some(&incident.id),
            Some("analyst-1"),
        )
        .await
        .unwrap();
    assert_eq!(refused.len(), 1);
    let children = store.desk_children(&incident.id).await.unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(
        store
            .desk_case(&second.id)
            .await
            .unwrap()
            .assignee
            .as_deref(),
        Some("analyst-1")
    );
    // Split: a report leaves again.
    store
        .desk_act(None, &second.id, CaseAction::Unlink, None)
        .await
        .unwrap();
    assert_eq!(store.desk_children(&incident.id).await.unwrap().len(), 1);
    // Merge: another incident's reports move to the survivor.
    let other = new_case(
        &store,
        CaseKind::Incident,
        &draft("Duplicate", ""),
        "fraud/phishing",
    )
    .await;
    store
        .desk_act(None, &second.id, CaseAction::Link, Some(&other.id))
        .await
        .unwrap();
    store
        .desk_act(None, &other.id, CaseAction::MergeInto, Some(&incident.id))
        .await
        .unwrap();
    let children = store.desk_children(&incident.id).await.unwrap();
    assert_eq!(children.len(), 3, "two reports and the merged incident");
    assert!(
        store
            .desk_act(None, &incident.id, CaseAction::Link, Some(&incident.id))
            .await
            .is_err()
    );
    store
        .desk_act(None, &incident.id, CaseAction::Resolve, None)
        .await
        .unwrap();
    let resolved = store.desk_case(&incident.id).await.unwrap();
    assert!(resolved.closed_at.is_some());
    // Overdue view: nothing is due yet; everything open is due in a year.
    let year = indaba_store::now() + 366 * 86_400;
    let overdue = store
        .desk_triage(&TriageFilter {
            overdue_at: Some(year),
            ..TriageFilter::default()
        })
        .await
        .unwrap();
    assert!(
        overdue
            .iter()
            .all(|c| !c.state.is_closed() && c.state != CaseState::Linked)
    );
    assert!(
        store
            .desk_triage(&TriageFilter {
                overdue_at: Some(indaba_store::now()),
                ..TriageFilter::default()
            })
            .await
            .unwrap()
            .is_empty()
    );
});

on_both!(
    full_text_search_finds_words_not_syntax,
    |store: Store| async move {
        let a = new_case(
            &store,
            CaseKind::Report,
            &draft("Phishing page imitating Zanzibank login", ""),
            "fraud/phishing",
        )
        .await;
        new_case(
            &store,
            CaseKind::Report,
            &draft("Ransom note on the shop computer", ""),
            "cybercrime-victim/ransomware-small-business",
        )
        .await;
        let found = store.desk_search("zanzibank", 10).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, a.id);
        assert_eq!(store.desk_search(&a.reference, 10).await.unwrap().len(), 1);
        assert!(
            store
                .desk_search("\"unbalanced OR NEAR(", 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(store.desk_search("", 10).await.unwrap().is_empty());
        assert_eq!(
            store
                .desk_search("ransom computer", 10)
                .await
                .unwrap()
                .len(),
            1
        );
    }
);

on_both!(
    playbooks_are_versioned_and_plans_keep_theirs,
    |store: Store| async move {
        let source = indaba_desk::playbook::BUILT_IN[0];
        assert_eq!(
            store
                .desk_save_playbook(Some("a"), "identity-theft", source)
                .await
                .unwrap(),
            1
        );
        let edited = source.replace(
            "Recover from identity theft",
            "Recover from identity theft (edited)",
        );
        assert_eq!(
            store
                .desk_save_playbook(Some("a"), "identity-theft", &edited)
                .await
                .unwrap(),
            2
        );
        let latest = store.desk_playbooks().await.unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].0, 2);
        assert_eq!(
            store.desk_playbook("identity-theft", 1).await.unwrap(),
            source
        );
        let c = new_case(
            &store,
            CaseKind::Report,
            &draft("x", ""),
            "cybercrime-victim/identity-theft",
        )
        .await;
        store
            .desk_save_plan(&c.id, "identity-theft", 1, "{\"v\":1}")
            .await
            .unwrap();
        store.desk_tick(&c.id, "bank", true).await.unwrap();
        store.desk_tick(&c.id, "police", true).await.unwrap();
        store.desk_tick(&c.id, "police", false).await.unwrap();
        assert_eq!(
            store.desk_ticked(&c.id).await.unwrap(),
            vec!["bank".to_string()]
        );
        assert_eq!(
            store.desk_plan(&c.id).await.unwrap().as_deref(),
            Some("{\"v\":1}")
        );
    }
);

on_both!(attachments_are_sealed_at_rest, |store: Store| async move {
    let c = new_case(&store, CaseKind::Report, &draft("x", ""), "fraud/phishing").await;
    let sealer = Sealer::new([3; 32]);
    let id = store
        .desk_add_attachment(
            &sealer,
            &c.id,
            None,
            "../../etc/evil.exe",
            "application/x-msdownload",
            b"MZ secret bytes",
            Tlp::Red,
        )
        .await
        .unwrap();
    let (meta, content) = store.desk_attachment(&sealer, &id).await.unwrap();
    assert_eq!(content, b"MZ secret bytes");
    assert_eq!(meta.filename, ".._.._etc_evil.exe");
    assert_eq!(meta.tlp, Tlp::Red);
    assert!(
        store
            .desk_attachment(&Sealer::new([4; 32]), &id)
            .await
            .is_err()
    );
});

on_both!(
    consents_feeds_digests_and_statistics,
    |store: Store| async move {
        let c = new_case(
            &store,
            CaseKind::Report,
            &draft("x", "v@example.test"),
            "fraud/phishing",
        )
        .await;
        assert!(
            !store
                .desk_has_consent(&c.id, "abuse@hoster.test")
                .await
                .unwrap()
        );
        store
            .desk_consent(&c.id, "abuse@hoster.test", "forward")
            .await
            .unwrap();
        assert!(
            store
                .desk_has_consent(&c.id, "Abuse@Hoster.test")
                .await
                .unwrap()
        );

        let org = store
            .create_organisation(
                &indaba_store::Actor::local(),
                "Hoster",
                Stakeholder::Hosting,
            )
            .await
            .unwrap();
        store
            .desk_declare(
                None,
                &org.id,
                &Resource::parse("127.0.10.0/24").unwrap(),
                "noc@hoster.test",
            )
            .await
            .unwrap();
        let constituency = store.desk_constituency().await.unwrap();
        assert_eq!(constituency.len(), 1);
        let csv = "timestamp,ip,port,asn,tag\n2026-12-05 01:00:00,127.0.10.1,53,64500,openresolver\n\
               2026-12-05 02:00:00,127.0.10.2,53,64500,openresolver\n2026-12-05 03:00:00,10.9.9.9,53,1,openresolver\n";
        let mut events = Vec::new();
        feed::read(csv.as_bytes(), "scan_dns", |e| events.push(e)).unwrap();
        let matcher = indaba_desk::constituency::Constituency::new(
            constituency.iter().map(|(r, o, _)| (r.clone(), o.clone())),
        );
        let matched: Vec<_> = events
            .into_iter()
            .map(|e| {
                let org = matcher
                    .find(Some(e.ip), e.asn, None)
                    .map(|m| m.organisation);
                (e, org)
            })
            .collect();
        store
            .desk_import_feed(None, "scan_dns.csv", "scan_dns", &matched, 0)
            .await
            .unwrap();
        let pending = store.desk_pending_digests("2026-12-05").await.unwrap();
        assert_eq!(pending, vec![(org.id.clone(), "2026-12-05".to_string(), 2)]);
        assert_eq!(
            store
                .desk_digest_events(&org.id, "2026-12-05")
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(
            store
                .desk_mark_digest(&org.id, "2026-12-05", "noc@hoster.test", 2)
                .await
                .unwrap()
        );
        assert!(
            !store
                .desk_mark_digest(&org.id, "2026-12-05", "noc@hoster.test", 2)
                .await
                .unwrap()
        );
        assert!(
            store
                .desk_pending_digests("2026-12-31")
                .await
                .unwrap()
                .is_empty()
        );

        let by_class = store.desk_stats(Dimension::Classification).await.unwrap();
        assert_eq!(by_class, vec![("fraud/phishing".to_string(), 1)]);
        let by_age = store.desk_stats(Dimension::AgeBand).await.unwrap();
        assert_eq!(by_age, vec![("30-44".to_string(), 1)]);
    }
);

on_both!(
    retention_leaves_only_aggregates,
    |store: Store| async move {
        let sealer = Sealer::new([1; 32]);
        let mut no_consent = draft("old identity theft", "old@example.test");
        no_consent.stats_consent = false;
        let no_consent = no_consent.cleaned();
        let old = new_case(
            &store,
            CaseKind::Report,
            &no_consent,
            "cybercrime-victim/identity-theft",
        )
        .await;
        store
            .desk_add_message(&NewMessage {
                case_id: &old.id,
                direction: "out",
                audience: "reporter",
                sender: "desk",
                recipients: "old@example.test",
                subject: "s",
                body: "personal words",
                tlp: Tlp::Amber,
            })
            .await
            .unwrap();
        store
            .desk_add_attachment(
                &sealer,
                &old.id,
                None,
                "a.txt",
                "text/plain",
                b"x",
                Tlp::Amber,
            )
            .await
            .unwrap();
        store
            .desk_act(None, &old.id, CaseAction::Resolve, None)
            .await
            .unwrap();
        let fresh = new_case(
            &store,
            CaseKind::Report,
            &draft("still open", "new@example.test"),
            "cybercrime-victim/identity-theft",
        )
        .await;
        let retention = Retention::default();
        let now = indaba_store::now();
        assert_eq!(store.desk_retention(&retention, now).await.unwrap(), 0);
        let before = store.desk_stats(Dimension::Classification).await.unwrap();
        // The test clock: 181 days on.
        let later = now + 181 * 86_400;
        assert_eq!(store.desk_retention(&retention, later).await.unwrap(), 1);
        assert!(store.desk_case(&old.id).await.is_err());
        assert!(store.desk_messages(&old.id).await.unwrap().is_empty());
        assert!(store.desk_attachments(&old.id).await.unwrap().is_empty());
        assert!(store.desk_case(&fresh.id).await.is_ok());
        // Statistics are unchanged: the removed case is an aggregate now, and its
        // age band (not consented) was never kept.
        assert_eq!(
            store.desk_stats(Dimension::Classification).await.unwrap(),
            before
        );
        assert_eq!(
            store.desk_stats(Dimension::AgeBand).await.unwrap(),
            vec![("30-44".to_string(), 1)]
        );
        assert!(
            store.desk_person_export("old@example.test").await.unwrap()["cases"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        // The audit log says a case went, not what it held.
        let audit = store.audit_entries(100).await.unwrap();
        let entry = audit
            .iter()
            .find(|a| a.action == "desk.retention.remove")
            .unwrap();
        assert!(
            !entry.detail.contains("old@example.test") && !entry.detail.contains("personal words")
        );
    }
);

on_both!(a_person_is_exported_and_erased, |store: Store| async move {
    let d = draft("my story", "Person@Example.test");
    let c = new_case(&store, CaseKind::Report, &d, "cybercrime-victim/sextortion").await;
    store
        .desk_add_message(&NewMessage {
            case_id: &c.id,
            direction: "in",
            audience: "desk",
            sender: "person@example.test",
            recipients: "desk",
            subject: "more",
            body: "more words",
            tlp: Tlp::Red,
        })
        .await
        .unwrap();
    store
        .desk_consent(&c.id, "police", "case report")
        .await
        .unwrap();
    let other = new_case(
        &store,
        CaseKind::Report,
        &draft("someone else", "other@example.test"),
        "fraud/phishing",
    )
    .await;
    let export = store
        .desk_person_export("person@example.test")
        .await
        .unwrap();
    let cases = export["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["description"], "my story");
    assert_eq!(cases[0]["messages"][0]["body"], "more words");
    assert_eq!(cases[0]["consents"][0]["party"], "police");
    assert_eq!(
        store
            .desk_person_erase(Some("admin"), "PERSON@example.test")
            .await
            .unwrap(),
        1
    );
    assert!(store.desk_case(&c.id).await.is_err());
    assert!(store.desk_case(&other.id).await.is_ok());
    let audit = store.audit_entries(200).await.unwrap();
    let erased = audit
        .iter()
        .find(|a| a.action == "desk.person.erase")
        .unwrap();
    assert_eq!(erased.subject, "person");
    assert!(
        audit
            .iter()
            .all(|a| !a.detail.contains("my story") && !a.detail.contains("more words"))
    );
    assert!(!erased.detail.contains("example.test"));
});
