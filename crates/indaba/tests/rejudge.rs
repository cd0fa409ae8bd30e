//! Stored reports are judged again under the current policy from their
//! observations: `indaba admin rejudge` (which `serve` also runs at start).

use std::process::Command;

fn indaba(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_indaba"))
        .args(args)
        .output()
        .expect("run indaba")
}

/// A real report: a resolver that refuses, so every check is an error and
/// nothing is scored.
fn real_report() -> serde_json::Value {
    let out = indaba(&[
        "check",
        "--web",
        "rejudge.test",
        "--allow-private-targets",
        "--resolver",
        "127.0.0.1:9",
        "--timeout",
        "5",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_of_an_older_policy_are_judged_again_from_their_observations() {
    let dir = std::env::temp_dir().join(format!("indaba-rejudge-{}", indaba_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite:{}", dir.join("indaba.db").display());
    let store = indaba_store::Store::open(&database).await.unwrap();

    let fresh = real_report();
    assert_eq!(fresh["score"], serde_json::Value::Null);
    // The same observations as an older policy judged them: everything
    // passed, 100%.
    let mut old = fresh.clone();
    old["policy_version"] = "2025.01-1".into();
    old["score"] = 100.into();
    for finding in old["findings"].as_array_mut().unwrap() {
        finding["status"] = "pass".into();
    }
    let old: indaba_model::Report = serde_json::from_value(old).unwrap();
    let id = store.save_report(&old).await.unwrap();
    let current: indaba_model::Report = serde_json::from_value(fresh.clone()).unwrap();
    let untouched = store.save_report(&current).await.unwrap();
    let check = current.findings[0].check.clone();
    assert_eq!(
        store.finding_counts(&check).await.unwrap(),
        vec![("error".to_string(), 1), ("pass".to_string(), 1)]
    );

    let out = indaba(&[
        "admin",
        "rejudge",
        "--database",
        &database,
        "--resolver",
        "127.0.0.1:9",
    ]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("1 reports judged again"), "{said}");

    let rejudged = store.report(&id).await.unwrap();
    assert_eq!(rejudged.policy_version, current.policy_version);
    assert_eq!(rejudged.score, None);
    assert_eq!(rejudged.findings, current.findings);
    assert_eq!(rejudged.verdict, current.verdict);
    // What it kept: the test's time and the observations.
    assert_eq!(rejudged.started, old.started);
    assert_eq!(rejudged.observations, old.observations);
    // The statistics rows follow.
    assert_eq!(
        store.finding_counts(&check).await.unwrap(),
        vec![("error".to_string(), 2)]
    );
    assert_eq!(store.report(&untouched).await.unwrap(), current);
    // A second pass finds nothing to do.
    let out = indaba(&[
        "admin",
        "rejudge",
        "--database",
        &database,
        "--resolver",
        "127.0.0.1:9",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 reports judged again"));
    let _ = std::fs::remove_dir_all(&dir);
}
