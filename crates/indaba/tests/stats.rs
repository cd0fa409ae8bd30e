//! Statistics, dashboards, exports and published reports end to end
//! (issue 13): `indaba serve` scans a list of the test network's domains
//! twice, with a domain added between the scans; the statistics rows of
//! both scans tell the change; `indaba admin rejudge` writes them again
//! under the current policy; the dashboard, the XLSX export and the
//! published report (with its unpublishing) are read over HTTP.

use indaba_monitor::stats::Segment;
use indaba_testkit::platform::{self, Db, TempDir};
use sqlx::Row;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_indaba");

fn import(server: &platform::Server, dir: &TempDir, rows: &str) {
    let file = dir.path().join("banks.csv");
    std::fs::write(&file, format!("domain,sector,country\n{rows}")).unwrap();
    let out = server.command(&[
        "list",
        "import",
        &file.display().to_string(),
        "--name",
        "banks",
        "--kinds",
        "web",
    ]);
    assert!(out.status.success(), "{out:?}");
}

fn scan(server: &platform::Server) {
    let out = server.command(&["scan", "banks", "--watch-only"]);
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("done;"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_real_scans_make_statistics_dashboards_exports_and_a_published_report() {
    let server = platform::start(BIN, Db::Sqlite, &[]).await;
    let dir = TempDir::new();
    import(
        &server,
        &dir,
        "signed.test,finance,ZA\nunsigned.test,finance,NL\nweb-v4only.test,energy,NL\n",
    );
    scan(&server);
    // The change between the scans: a domain that does not exist joins.
    import(&server, &dir, "absent-stats.test,energy,ZA\n");
    scan(&server);

    let store = indaba_store::Store::open(&server.database).await.unwrap();
    let list = store.list_by_name("banks").await.unwrap();
    let scans = store.stat_scans(&list.id).await.unwrap();
    assert_eq!(scans.len(), 2, "both scans have statistics");
    let policy = indaba_model::score::POLICY_VERSION;
    assert!(scans.iter().all(|s| s.policy_version == policy));
    let rows = |scan: String| {
        let store = store.clone();
        async move {
            store
                .scan_check_stats(&scan, &Segment::All)
                .await
                .unwrap()
                .into_iter()
                .find(|r| r.check == "web.https.available")
                .expect("a row for HTTPS")
                .counts
        }
    };
    let first = rows(scans[0].scan_id.clone()).await;
    let second = rows(scans[1].scan_id.clone()).await;
    assert_eq!(first.total(), 3, "{first:?}");
    assert_eq!(second.total(), 4, "{second:?}");
    assert_eq!(
        second.unreachable,
        first.unreachable + 1,
        "{first:?} {second:?}"
    );
    let energy = store
        .compare_check(
            &scans[1].scan_id,
            "sector",
            indaba_model::TestKind::Web,
            "web.https.available",
        )
        .await
        .unwrap();
    assert_eq!(energy.len(), 2);

    // Judging again rewrites both scans' rows under the current policy.
    sqlx::query("UPDATE reports SET policy_version = '2025.01-1'")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE monitor_stat_checks SET policy_version = '2025.01-1', passed = 999")
        .execute(store.pool())
        .await
        .unwrap();
    let out = server.command(&["admin", "rejudge", "--resolver", "127.0.0.1:9"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        said.contains("2 monitoring scans' statistics summed up again"),
        "{said}"
    );
    let left = sqlx::query(
        "SELECT COUNT(*) AS n FROM monitor_stat_checks WHERE policy_version <> $1 OR passed = 999",
    )
    .bind(policy)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .try_get::<i64, _>("n")
    .unwrap();
    assert_eq!(left, 0, "every row judged again");
    assert_eq!(rows(scans[1].scan_id.clone()).await, second);

    // The dashboard, an export, and the published report over HTTP.
    server.create_user("analyst@cert.test", "analyst", "a long enough password 42");
    let analyst = server
        .signed_in("analyst@cert.test", "a long enough password 42")
        .await;
    let dash = server.url(&format!("/monitor/lists/{}/dashboard", list.id));
    let page = analyst
        .get(&dash)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg") && page.contains(policy), "{page}");
    assert!(page.contains("id=\"stats-check-table\""));
    let xlsx = analyst
        .get(server.url(&format!("/monitor/scans/{}/results.xlsx", scans[1].scan_id)))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&xlsx[..2], b"PK", "an XLSX (zip) file");
    let csv = analyst
        .get(server.url(&format!("/monitor/scans/{}/results.csv", scans[1].scan_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 5, "a heading and four domains:\n{csv}");
    assert!(csv.lines().any(|l| l.starts_with("absent-stats.test,web,")));

    let token = platform::csrf(&analyst, &dash).await;
    let r = analyst
        .post(server.url(&format!("/monitor/lists/{}/publish", list.id)))
        .form(&[("csrf", token.as_str()), ("passcode", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let published = store.publication_of(&list.id).await.unwrap().unwrap();
    let address = server.url(&format!("/published/{}", published.token));
    let anyone = platform::client();
    let r = anyone.get(&address).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let public = r.text().await.unwrap();
    assert!(public.contains("<svg") && public.contains(policy));
    let r = analyst
        .post(server.url(&format!("/monitor/lists/{}/unpublish", list.id)))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let r = anyone.get(&address).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
}
