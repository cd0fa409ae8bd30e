//! The assembly's tables, on SQLite and PostgreSQL: frozen voter lists,
//! anonymous ballots that keep no name, outcomes the database refuses to
//! edit, full-text search (FTS5 and tsvector), waiting lists.

use indaba_assembly::Visibility;
use indaba_assembly::committee::CommitteeRole;
use indaba_assembly::event::{EventKind, Registration};
use indaba_assembly::poll::{self, PollMethod, PollRules, ResultsShown};
use indaba_assembly::proposal::ProposalState;
use indaba_store::assembly::{NewEvent, SearchDoc};
use indaba_store::{NewUser, Role, Stakeholder, Store, StoreError};

#[macro_use]
mod common;

use common::*;

async fn user(store: &Store, email: &str, org: Option<&str>) -> String {
    store
        .create_user(
            &indaba_store::Actor::local(),
            NewUser {
                email,
                name: email.split('@').next().unwrap(),
                role: Role::Member,
                organisation_id: org,
                password: "correct horse battery",
            },
        )
        .await
        .unwrap()
        .id
}

on_both!(
    voter_lists_freeze_and_anonymous_ballots_keep_no_name,
    |store: Store| async move {
        let gov = store
            .create_organisation(
                &indaba_store::Actor::local(),
                "Ministry",
                Stakeholder::Government,
            )
            .await
            .unwrap();
        let cs = store
            .create_organisation(
                &indaba_store::Actor::local(),
                "Digital Rights",
                Stakeholder::CivilSociety,
            )
            .await
            .unwrap();
        let chair = user(&store, "chair@x.test", Some(&gov.id)).await;
        let member = user(&store, "member@x.test", Some(&cs.id)).await;
        let observer = user(&store, "observer@x.test", None).await;
        let late = user(&store, "late@x.test", Some(&cs.id)).await;
        let c = store
            .create_committee(&chair, "Policy", "", Visibility::Public, "# ToR", 100)
            .await
            .unwrap();
        store
            .set_seat(&chair, &c.id, &chair, Some(CommitteeRole::Chair), 100)
            .await
            .unwrap();
        store
            .set_seat(&chair, &c.id, &member, Some(CommitteeRole::Member), 100)
            .await
            .unwrap();
        store
            .set_seat(&chair, &c.id, &observer, Some(CommitteeRole::Observer), 100)
            .await
            .unwrap();
        let p = store
            .create_proposal(
                &chair,
                &c.id,
                "Adopt DNSSEC",
                "Sign .test",
                Visibility::Public,
                100,
            )
            .await
            .unwrap();
        assert!(
            store
                .open_poll(&chair, &p.id, rules(true), 100)
                .await
                .is_err(),
            "a draft cannot go to a poll"
        );
        store
            .move_proposal(&chair, &p.id, ProposalState::Discussion, 100)
            .await
            .unwrap();
        let poll = store
            .open_poll(&chair, &p.id, rules(true), 100)
            .await
            .unwrap();
        // A seat given after the opening does not make a voter.
        store
            .set_seat(&chair, &c.id, &late, Some(CommitteeRole::Member), 101)
            .await
            .unwrap();
        let voters = store.poll_voters(&poll.id).await.unwrap();
        let ids: Vec<&str> = voters.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids.contains(&chair.as_str()) && ids.contains(&member.as_str()));
        let block = poll::choose(&poll.rules, true, false, "block", "no budget").unwrap();
        let err = store
            .cast_ballot(&late, &poll, &block, 102)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Refused(ref m) if m.id == "assembly-error-not-eligible"));
        assert!(
            store
                .cast_ballot(&observer, &poll, &block, 102)
                .await
                .is_err()
        );
        store
            .cast_ballot(&member, &poll, &block, 102)
            .await
            .unwrap();
        assert!(
            store
                .cast_ballot(&member, &poll, &block, 103)
                .await
                .is_err(),
            "an anonymous ballot is cast once"
        );
        let ballots = store.ballots(&poll).await.unwrap();
        assert_eq!(ballots.len(), 1);
        assert!(ballots[0].voter.is_none() && ballots[0].group.is_none());
        let log = store.audit_entries(100).await.unwrap();
        let vote = log.iter().find(|e| e.action == "poll.vote").unwrap();
        assert!(
            !vote.detail.contains("block") && !vote.detail.contains("budget"),
            "{}",
            vote.detail
        );
    }
);

fn rules(anonymous: bool) -> PollRules {
    PollRules::new(
        PollMethod::Proposal,
        50,
        anonymous,
        ResultsShown::AfterVote,
        100,
        1000,
    )
    .unwrap()
}

on_both!(outcomes_are_never_edited, |store: Store| async move {
    let chair = user(&store, "chair@x.test", None).await;
    let c = store
        .create_committee(&chair, "Policy", "", Visibility::Public, "# ToR", 100)
        .await
        .unwrap();
    store
        .set_seat(&chair, &c.id, &chair, Some(CommitteeRole::Chair), 100)
        .await
        .unwrap();
    let p = store
        .create_proposal(&chair, &c.id, "T", "B", Visibility::Public, 100)
        .await
        .unwrap();
    store
        .move_proposal(&chair, &p.id, ProposalState::Discussion, 100)
        .await
        .unwrap();
    let poll = store
        .open_poll(&chair, &p.id, rules(false), 100)
        .await
        .unwrap();
    let agree = poll::choose(&poll.rules, true, false, "agree", "").unwrap();
    store.cast_ballot(&chair, &poll, &agree, 101).await.unwrap();
    store.close_poll(Some(&chair), &poll, 200).await.unwrap();
    let voters = store
        .poll_voters(&poll.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, _, v)| v)
        .collect();
    let record = poll::outcome(
        "Adopted.",
        poll.rules,
        voters,
        store.ballots(&poll).await.unwrap(),
        200,
    )
    .unwrap();
    let id = store
        .publish_outcome(&chair, &p.id, &record, None, 201)
        .await
        .unwrap();
    assert!(store.try_edit_outcome(&id, "Rejected.").await.is_err());
    assert!(
        store
            .publish_outcome(&chair, &p.id, &record, None, 202)
            .await
            .is_err(),
        "published once"
    );
    let mut second = record.clone();
    second.statement = "Adopted, with a later start.".into();
    let newer = store
        .publish_outcome(&chair, &p.id, &second, Some(&id), 203)
        .await
        .unwrap();
    let all = store.outcomes(&p.id).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].record.statement, "Adopted.");
    assert_eq!(all[0].superseded_by.as_deref(), Some(newer.as_str()));
    assert!(
        store
            .publish_outcome(&chair, &p.id, &second, Some(&id), 204)
            .await
            .is_err(),
        "superseded once"
    );
});

on_both!(
    search_finds_words_and_respects_visibility,
    |store: Store| async move {
        let author = user(&store, "a@x.test", None).await;
        store
            .reindex(
                "guide",
                &[SearchDoc {
                    reference: "dns.dnssec.valid".into(),
                    visibility: Visibility::Public,
                    title: "DNSSEC".into(),
                    body: "Sign your zone and publish the DS record at the registry.".into(),
                }],
            )
            .await
            .unwrap();
        store
            .save_article(
                &author,
                "",
                "Mail",
                "Rolling DKIM keys",
                "Rotate selectors every year.",
                Visibility::Partnership,
                10,
            )
            .await
            .unwrap();
        let public = [Visibility::Public];
        let all = [
            Visibility::Public,
            Visibility::Partnership,
            Visibility::Committee,
        ];
        let hits = store.search("registry records", &public, 10).await.unwrap();
        assert_eq!(hits.len(), 1, "stemmed words match: {hits:?}");
        assert_eq!(hits[0].reference, "dns.dnssec.valid");
        assert!(
            store
                .search("selectors", &public, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.search("selectors", &all, 10).await.unwrap()[0].reference,
            "rolling-dkim-keys"
        );
        // Operators and quotes are words, never syntax.
        for hostile in ["\"", "AND OR NOT", "a* NEAR(b", "'; DROP TABLE x; --", ""] {
            assert!(store.search(hostile, &all, 10).await.is_ok(), "{hostile}");
        }
        let q = store
            .ask(&author, "How do I roll a KSK?", "Our registrar...", 11)
            .await
            .unwrap();
        let a = store
            .answer(&author, &q, "Use a double-signature rollover.", 12)
            .await
            .unwrap();
        assert!(
            store.search("rollover", &all, 10).await.unwrap().is_empty(),
            "not until accepted"
        );
        store.accept_answer(&author, &q, &a).await.unwrap();
        assert_eq!(
            store.search("rollover", &all, 10).await.unwrap()[0].kind,
            "question"
        );
    }
);

on_both!(waiting_lists_move_up, |store: Store| async move {
    let a = user(&store, "a@x.test", None).await;
    let b = user(&store, "b@x.test", None).await;
    let c = user(&store, "c@x.test", None).await;
    let ev = store
        .create_event(
            &a,
            &NewEvent {
                committee_id: None,
                kind: EventKind::Seminar,
                title: "DNSSEC day".into(),
                agenda: "".into(),
                location: "Gaborone".into(),
                starts_at: 1000,
                ends_at: 2000,
                capacity: Some(1),
                visibility: Visibility::Public,
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(
        store.register(&a, &ev.id, 11).await.unwrap(),
        Registration::Registered
    );
    assert_eq!(
        store.register(&b, &ev.id, 12).await.unwrap(),
        Registration::Waiting
    );
    assert_eq!(
        store.register(&c, &ev.id, 13).await.unwrap(),
        Registration::Waiting
    );
    assert_eq!(
        store.register(&b, &ev.id, 14).await.unwrap(),
        Registration::Waiting,
        "idempotent"
    );
    assert_eq!(
        store.cancel_registration(&a, &ev.id).await.unwrap(),
        vec![b.clone()]
    );
    assert!(store.register(&c, &ev.id, 3000).await.is_err(), "over");
});
