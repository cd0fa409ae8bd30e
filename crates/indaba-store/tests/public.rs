//! Public results (issue 11) on SQLite and PostgreSQL: what the home page,
//! the per-domain addresses, the history and the hall of fame read, a
//! running test's progress, and organisations disabled rather than deleted.

use indaba_model::TestKind;
use indaba_model::progress::{Part, Progress};
use indaba_store::{Actor, NewUser, Role, Stakeholder, Store};

#[macro_use]
mod common;

use common::*;

fn report(domain: &str, score: u8, minutes_ago: i64, outcome: &str) -> indaba_model::Report {
    let started = (time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes_ago))
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let text = format!(
        r#"{{"format":2,"target":"{domain}","kind":"web","engine_version":"0","policy_version":"p",
        "started":"{started}","duration_ms":5,"score":{score},
        "verdict":{{"outcome":"{outcome}","summary":"s","message":{{"id":"verdict-scored"}}}},"categories":[],
        "findings":[{{"check":"dns.dnssec.valid","status":"pass","summary":"s","message":{{"id":"test-message"}},"evidence":[],"guide":"dns.dnssec.valid","points":{{"earned":10,"possible":10}}}}],
        "observations":{{"resolver":"r","trust_anchor":[],"dns":[],"tcp":[],"http":[]}}}}"#
    );
    serde_json::from_str(&text).expect("sample report")
}

async fn publish(
    store: &Store,
    domain: &str,
    score: u8,
    minutes_ago: i64,
    outcome: &str,
) -> String {
    let r = report(domain, score, minutes_ago, outcome);
    let id = store.save_report(&r).await.unwrap();
    store.publish_report(&id, &r).await.unwrap();
    id
}

on_both!(
    public_lists_show_published_reports_newest_once_per_domain,
    |store: Store| async move {
        let old = publish(&store, "a.test", 100, 30, "scored").await;
        let new = publish(&store, "a.test", 90, 2, "scored").await;
        publish(&store, "b.test", 100, 5, "scored").await;
        publish(&store, "gone.test", 0, 1, "does_not_exist").await;
        let unpublished = store
            .save_report(&report("batch.test", 100, 1, "scored"))
            .await
            .unwrap();
        assert!(!store.is_public(&unpublished).await.unwrap());
        assert!(store.is_public(&new).await.unwrap());

        let recent = store.recent_public_reports(10).await.unwrap();
        let domains: Vec<&str> = recent.iter().map(|r| r.domain.as_str()).collect();
        assert_eq!(domains, ["a.test", "b.test"], "newest first, once each");
        assert_eq!(recent[0].id, new);

        let history = store
            .public_history(TestKind::Web, "a.test", 10)
            .await
            .unwrap();
        assert_eq!(
            history.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            [new.clone(), old]
        );

        let fame = store.hall_of_fame(TestKind::Web, 100).await.unwrap();
        assert_eq!(
            fame.iter().map(|r| r.domain.as_str()).collect::<Vec<_>>(),
            ["b.test"]
        );

        let reused = store
            .recent_public_report(TestKind::Web, "a.test", 300)
            .await
            .unwrap();
        assert_eq!(reused.map(|r| r.id), Some(new.clone()));
        assert_eq!(
            store
                .recent_public_report(TestKind::Web, "batch.test", 300)
                .await
                .unwrap(),
            None,
            "a batch's report is never reused for a public test"
        );

        // Rejudged, the report's new score reaches the lists.
        let mut better = report("a.test", 100, 2, "scored");
        better.policy_version = "q".into();
        store.replace_judgement(&new, &better).await.unwrap();
        let fame = store.hall_of_fame(TestKind::Web, 100).await.unwrap();
        assert_eq!(fame.len(), 2, "{fame:?}");
    }
);

on_both!(
    a_running_test_keeps_its_progress,
    |store: Store| async move {
        assert_eq!(store.job_progress("j1").await.unwrap(), None);
        let mut p = Progress::default();
        p.start(Part::Dns);
        store.set_job_progress("j1", &p).await.unwrap();
        p.finish(Part::Dns);
        p.start(Part::Tls);
        store.set_job_progress("j1", &p).await.unwrap();
        assert_eq!(store.job_progress("j1").await.unwrap(), Some(p));
        store.clear_job_progress("j1").await.unwrap();
        assert_eq!(store.job_progress("j1").await.unwrap(), None);
    }
);

on_both!(
    disabling_an_organisation_disables_its_people_and_keeps_it,
    |store: Store| async move {
        let by = Actor::local();
        let org = store
            .create_organisation(&by, "Hosting Ltd", Stakeholder::Hosting)
            .await
            .unwrap();
        for (email, role) in [
            ("m@example.test", Role::Member),
            ("a@example.test", Role::Admin),
        ] {
            store
                .create_user(
                    &by,
                    NewUser {
                        email,
                        name: "x",
                        role,
                        organisation_id: Some(&org.id),
                        password: "a long enough password",
                    },
                )
                .await
                .unwrap();
        }
        let disabled = store
            .set_organisation_disabled(&by, &org.id, true)
            .await
            .unwrap();
        assert_eq!(disabled, 1, "the member; the last administrator stays");
        let orgs = store.organisations().await.unwrap();
        assert!(orgs[0].disabled, "kept, marked disabled");
        let users = store.users().await.unwrap();
        for u in &users {
            assert_eq!(u.disabled, u.role == Role::Member, "{u:?}");
        }
        store
            .set_organisation_disabled(&by, &org.id, false)
            .await
            .unwrap();
        assert!(!store.organisations().await.unwrap()[0].disabled);
        assert!(
            store.users().await.unwrap().iter().any(|u| u.disabled),
            "people stay disabled until an admin enables each"
        );
        assert!(
            store
                .set_organisation_disabled(&by, "nope", true)
                .await
                .is_err()
        );
        let audit = store.audit_entries(100).await.unwrap();
        assert!(audit.iter().any(|a| a.action == "organisation.disable"));
    }
);
