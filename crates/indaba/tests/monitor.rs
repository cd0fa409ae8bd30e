//! Monitoring at scale end to end (issue 12): lists imported from files
//! with every bad row reported, scans run by `indaba worker` processes
//! sharing one PostgreSQL queue while one of them is killed, scans run by
//! `serve`'s in-process workers on SQLite, cancel from the command line.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use indaba_testkit::platform::{self, Db, TempDir};
use indaba_testkit::{engine_args, testbed_env};
use sqlx::Row;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_indaba");

fn indaba(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().expect("run indaba")
}

/// The test network's own domains (every case of testbed/cases.toml) and
/// `extra` names under `test.` that do not exist: a population that mixes
/// slow, broken and quick answers.
fn population(extra: usize) -> Vec<String> {
    let cases = std::fs::read_to_string(indaba_testkit::repo_root().join("testbed/cases.toml"))
        .expect("testbed/cases.toml");
    let mut names: Vec<String> = cases
        .lines()
        .filter_map(|l| l.strip_prefix("domain = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names.extend((0..extra).map(|i| format!("absent-{i:04}.test")));
    names
}

fn write_csv(dir: &TempDir, name: &str, rows: &[String]) -> String {
    let path = dir.path().join(name);
    let mut text = String::from("domain,sector\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&path, text).expect("write csv");
    path.display().to_string()
}

async fn store(url: &str) -> indaba_store::Store {
    indaba_store::Store::open(url)
        .await
        .expect("open the store")
}

fn worker(database: &str, lease: &str) -> Child {
    Command::new(BIN)
        .args([
            "worker",
            "--database",
            database,
            "--concurrency",
            "12",
            "--lease-seconds",
            lease,
        ])
        .args(engine_args())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start indaba worker")
}

async fn wait_for_scan_end(store: &indaba_store::Store, scan: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        // Errors are expected while PostgreSQL restarts.
        let s = store.scan(scan).await;
        if let Ok(s) = &s
            && s.state.ended()
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the scan did not end in {limit:?}: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Held for writing by the test that restarts PostgreSQL and for reading by
/// every other test of this file that uses it, so that no test loses its
/// database to another's restart.
static POSTGRES: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// Restarts the test network's PostgreSQL (`pg_ctl restart`, fast mode:
/// every connection is cut), as `testbed/up` started it.
fn restart_postgres() {
    let env = testbed_env();
    let run = std::path::Path::new(&env["INDABA_TB_TRUST_ANCHOR"])
        .parent()
        .expect("the test network's run directory")
        .to_path_buf();
    let pgdir = run.join("postgres");
    let pgbin = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL installed")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .max()
        .expect("a PostgreSQL version");
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(pgbin.join("pg_ctl"))
        .arg("-D")
        .arg(pgdir.join("data"))
        .arg("-l")
        .arg(pgdir.join("log"))
        .args(["-m", "fast", "-w", "-t", "60", "restart"])
        .output()
        .expect("run pg_ctl");
    assert!(out.status.success(), "pg_ctl restart: {out:?}");
    // testbed/down stops what the pid files name.
    let pid = std::fs::read_to_string(pgdir.join("data/postmaster.pid")).expect("postmaster.pid");
    std::fs::write(
        pgdir.join("postgres.pid"),
        format!("{}\n", pid.lines().next().unwrap_or_default()),
    )
    .expect("postgres.pid");
}

/// Three `indaba worker` processes share one PostgreSQL queue; one is
/// killed with SIGKILL while it holds jobs, then PostgreSQL restarts under
/// the others, then a second stops on SIGTERM holding nothing. The killed worker's leases run out, the others finish its
/// jobs, and every job ends with exactly one report.
#[tokio::test(flavor = "multi_thread")]
async fn workers_share_a_postgres_queue_and_a_killed_workers_jobs_are_done_by_the_others() {
    let _restarting = POSTGRES.write().await;
    let dir = TempDir::new();
    let database = platform::database_url(Db::Postgres, &dir).await;
    let domains = population(1000 - population(0).len());
    let file = write_csv(&dir, "population.csv", &domains);
    let out = indaba(&[
        "list",
        "import",
        &file,
        "--name",
        "population",
        "--database",
        &database,
    ]);
    assert!(out.status.success(), "{out:?}");
    let store = store(&database).await;
    let list = store.list_by_name("population").await.unwrap();
    assert_eq!(list.domains as usize, domains.len());
    let (scan, _) = store
        .start_scan(&indaba_store::Actor::local(), &list.id, None)
        .await
        .unwrap();
    let total = store.scan(&scan).await.unwrap().counts.total();
    assert_eq!(total as usize, domains.len() * 2);

    let mut victim = worker(&database, "3");
    let mut others = vec![worker(&database, "3"), worker(&database, "3")];
    // Kill the victim once it holds jobs (its id carries its process id).
    let pattern = format!("%-{}-%", victim.id());
    let deadline = Instant::now() + Duration::from_secs(60);
    let held: Vec<String> = loop {
        let rows =
            sqlx::query("SELECT id FROM monitor_jobs WHERE state = 'running' AND worker LIKE $1")
                .bind(&pattern)
                .fetch_all(store.pool())
                .await
                .unwrap();
        if !rows.is_empty() {
            break rows.iter().map(|r| r.get::<String, _>("id")).collect();
        }
        assert!(Instant::now() < deadline, "the victim never took a job");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    victim.kill().expect("SIGKILL the victim");
    victim.wait().unwrap();
    // Jobs it took between the query and the kill are held too.
    let held_at_kill: Vec<String> =
        sqlx::query("SELECT id FROM monitor_jobs WHERE state = 'running' AND worker LIKE $1")
            .bind(&pattern)
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("id"))
            .chain(held)
            .collect();

    // The database goes away under the workers while they work.
    let before = store.scan(&scan).await.unwrap().counts;
    assert!(!before.settled(), "restart while the scan runs: {before:?}");
    restart_postgres();

    // SIGTERM: a worker finishes or gives back what it holds, then exits.
    let mut stopping = others.pop().expect("a second worker");
    let deadline = Instant::now() + Duration::from_secs(60);
    while store
        .scan(&scan)
        .await
        .map(|s| s.counts.running)
        .unwrap_or(0)
        == 0
    {
        assert!(
            Instant::now() < deadline,
            "no job running after the restart"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let term = Command::new("kill")
        .args(["-TERM", &stopping.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = stopping.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the worker did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
    let still_held: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM monitor_jobs WHERE state = 'running' AND worker LIKE $1",
    )
    .bind(format!("%-{}-%", stopping.id()))
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get("n");
    assert_eq!(still_held, 0, "a stopped worker holds nothing");

    wait_for_scan_end(&store, &scan, Duration::from_secs(600)).await;
    for w in &mut others {
        w.kill().unwrap();
        w.wait().unwrap();
    }
    let s = store.scan(&scan).await.unwrap();
    assert_eq!(s.counts.done, total, "every job done: {:?}", s.counts);
    // Exactly one report per job, none without a job, none twice.
    let rows = sqlx::query(
        "SELECT j.id, j.state, j.worker, j.report_id, \
         (SELECT COUNT(*) FROM reports r WHERE r.job_id = j.id) AS n \
         FROM monitor_jobs j WHERE j.scan_id = $1",
    )
    .bind(&scan)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut by_id = HashMap::new();
    for r in &rows {
        let n: i64 = r.get("n");
        assert_eq!(n, 1, "job {} has {n} reports", r.get::<String, _>("id"));
        assert!(r.get::<Option<String>, _>("report_id").is_some());
        by_id.insert(
            r.get::<String, _>("id"),
            r.get::<Option<String>, _>("worker"),
        );
    }
    let reports: i64 = sqlx::query("SELECT COUNT(*) AS n FROM reports")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(reports as u64, total);
    for id in held_at_kill {
        let finisher = by_id[&id].clone().unwrap_or_default();
        assert!(
            !finisher.contains(&format!("-{}-", victim.id())),
            "the killed worker's job {id} was finished by {finisher}"
        );
    }
}

/// An import reports every kind of bad row with its line, merges and says
/// duplicates, normalises IDNs, and exports what it kept; `indaba scan` on
/// SQLite is run by `serve`'s in-process workers and shown to its end.
#[tokio::test(flavor = "multi_thread")]
async fn import_reports_bad_rows_and_serve_scans_a_list_on_sqlite() {
    let server = platform::start(BIN, Db::Sqlite, &[]).await;
    let dir = TempDir::new();
    let file = dir.path().join("banks.csv");
    std::fs::write(
        &file,
        "domain,organisation,sector,country,tags,colour\n\
         signed.test,Bank A,finance,ZA,critical;retail,red\n\
         ,Bank B,finance,ZA,,\n\
         not a domain!,Bank C,finance,ZA,,\n\
         unsigned.test,Bank D,finance,Narnia,,\n\
         SIGNED.test.,Bank A,finance,ZA,,\n\
         bücher.test,Bank E,finance,DE,,\n\
         x.test,Bank F,finance,ZA,this-tag-is-far-too-long-to-be-a-tag-of-a-list,\n\
         mail.test,Bank G,finance,ZA,,\n\
         \n\
         https://tls-good.test/path,Bank H,,NL,,\n",
    )
    .unwrap();
    let out = server.command(&[
        "list",
        "import",
        &file.display().to_string(),
        "--name",
        "banks",
        "--kinds",
        "web",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "bad rows: exit 1\n{stderr}");
    let f = file.display();
    for (line, words) in [
        (1, "colour"),
        (3, "No domain in this row"),
        (4, "“not a domain!” is not a domain"),
        (5, "“Narnia” is not an ISO 3166-1 country code"),
        (6, "signed.test was already on line 2"),
        (
            8,
            "The tag “this-tag-is-far-too-long-to-be-a-tag-of-” is longer than 40",
        ),
    ] {
        let wanted = format!("{f}:{line}: ");
        let said = stderr
            .lines()
            .find(|l| l.starts_with(&wanted))
            .unwrap_or_else(|| panic!("no problem on line {line}:\n{stderr}"));
        assert!(said.contains(words), "line {line}: {said}");
    }
    assert_eq!(
        stderr.lines().filter(|l| l.contains("left out")).count(),
        4,
        "{stderr}"
    );
    assert!(
        stdout.contains("4 domains written") && stdout.contains("1 duplicates merged"),
        "{stdout}"
    );

    // The export has what was kept, IDN as A-label, URL as its host.
    let out = server.command(&["list", "export", "banks", "--output", "-"]);
    assert!(out.status.success(), "{out:?}");
    let csv = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "domain,organisation,sector,country,tags");
    assert!(
        lines.contains(&"signed.test,Bank A,finance,ZA,critical;retail"),
        "{csv}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("xn--bcher-kva.test,")),
        "{csv}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("tls-good.test,")),
        "{csv}"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    // XLSX and ODS exports read back through the import, the same.
    for ext in ["xlsx", "ods"] {
        let file = dir
            .path()
            .join(format!("banks.{ext}"))
            .display()
            .to_string();
        let out = server.command(&["list", "export", "banks", "--output", &file]);
        assert!(out.status.success(), "{out:?}");
        let again = format!("banks-{ext}");
        let out = server.command(&["list", "import", &file, "--name", &again]);
        assert!(out.status.success(), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("4 domains written"));
        let out = server.command(&["list", "export", &again, "--output", "-"]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), csv, "{ext}");
    }

    // `indaba scan` watches serve's workers do the scan.
    let out = server.command(&["scan", "banks", "--watch-only"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("done; 4 done, 0 errors, 0 cancelled of 4"),
        "{stdout}"
    );
    let store = store(&server.database).await;
    let list = store.list_by_name("banks").await.unwrap();
    let scan = &store.scans(Some(&list.id), 1).await.unwrap()[0];
    for r in store.scan_results(&scan.id, 0, 10).await.unwrap() {
        let report = store.report(r.report_id.as_deref().unwrap()).await.unwrap();
        assert_eq!(report.target.as_str(), r.domain);
    }
    // /metrics: the queue's depth and serve's own workers' tests.
    let text = fetch_text(&platform::client(), server.url("/metrics")).await;
    for line in [
        "indaba_scan_queue_jobs{state=\"done\"} 4",
        "indaba_scan_queue_jobs{state=\"queued\"} 0",
        "indaba_scan_tests_total{kind=\"web\",outcome=\"done\"} 4",
        "indaba_scan_test_duration_seconds_count{kind=\"web\"} 4",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
    }
}

/// `indaba scan LIST --cancel` withdraws the queued jobs of a scan nobody
/// is working on; a second cancel is refused with the reason.
#[tokio::test(flavor = "multi_thread")]
async fn a_scan_is_cancelled_from_the_command_line() {
    let server = platform::start(BIN, Db::Sqlite, &["--scan-concurrency", "0"]).await;
    let dir = TempDir::new();
    let file = write_csv(&dir, "l.csv", &population(0));
    assert!(
        server
            .command(&["list", "import", &file, "--name", "l"])
            .status
            .success()
    );
    let store = store(&server.database).await;
    let list = store.list_by_name("l").await.unwrap();
    let (scan, _) = store
        .start_scan(&indaba_store::Actor::local(), &list.id, None)
        .await
        .unwrap();
    let out = server.command(&["scan", "l", "--cancel"]);
    assert!(out.status.success(), "{out:?}");
    let s = store.scan(&scan).await.unwrap();
    assert_eq!(s.state, indaba_monitor::ScanState::Cancelled);
    assert_eq!(s.counts.cancelled, s.counts.total());
    let out = server.command(&["scan", "l", "--cancel"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no scan running"));
}

/// The text of the page at `url`.
async fn fetch_text(client: &reqwest::Client, url: String) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("page text")
}

/// A multipart body with the CSRF token and one file, as a browser sends it.
fn multipart(token: &str, file_name: &str, content: &str) -> (String, String) {
    let boundary = "----indaba-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// On the site: an analyst makes a list, adds a domain, imports a file (its
/// bad rows shown with their lines on the import's page), starts a scan and
/// cancels it; a member of another organisation sees neither the list nor
/// its scan and may not make lists; a member of the list's organisation
/// sees it; forms without the token are refused.
#[tokio::test(flavor = "multi_thread")]
async fn analysts_manage_lists_on_the_site_and_members_see_only_their_own() {
    let server = platform::start(BIN, Db::Sqlite, &["--scan-concurrency", "0"]).await;
    let store = store(&server.database).await;
    let local = indaba_store::Actor::local();
    let bank = store
        .create_organisation(&local, "Bank A", indaba_store::Stakeholder::Finance)
        .await
        .unwrap();
    let other = store
        .create_organisation(&local, "Telco B", indaba_store::Stakeholder::Isp)
        .await
        .unwrap();
    let password = "a long enough password 42";
    for (email, role, org) in [
        ("analyst@cert.test", indaba_store::Role::Analyst, None),
        (
            "teller@bank.test",
            indaba_store::Role::Member,
            Some(bank.id.as_str()),
        ),
        (
            "noc@telco.test",
            indaba_store::Role::Member,
            Some(other.id.as_str()),
        ),
    ] {
        store
            .create_user(
                &local,
                indaba_store::NewUser {
                    email,
                    name: email,
                    role,
                    organisation_id: org,
                    password,
                },
            )
            .await
            .unwrap();
    }
    let analyst = server.signed_in("analyst@cert.test", password).await;
    let token = platform::csrf(&analyst, &server.url("/monitor")).await;
    let r = analyst
        .post(server.url("/monitor/lists"))
        .form(&[
            ("csrf", token.as_str()),
            ("name", "Banks"),
            ("kinds", "web"),
            ("organisation", bank.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let list_url = platform::location(&r);
    assert!(list_url.starts_with("/monitor/lists/"), "{list_url}");
    // Without the token: refused.
    let r = analyst
        .post(server.url("/monitor/lists"))
        .form(&[("name", "Sneaky"), ("kinds", "web")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);

    let r = analyst
        .post(server.url(&format!("{list_url}/domains")))
        .form(&[
            ("csrf", token.as_str()),
            ("domain", "https://Signed.TEST/home"),
            ("country", "ZA"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let r = analyst
        .post(server.url(&format!("{list_url}/domains")))
        .form(&[("csrf", token.as_str()), ("domain", "bad domain!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("is not a domain that can be tested")
    );

    let (content_type, body) = multipart(
        &token,
        "more.csv",
        "domain,country\nunsigned.test,NL\nsigned.test,ZA\nnope nope,ZA\nUNSIGNED.test,\n",
    );
    let r = analyst
        .post(server.url(&format!("{list_url}/import")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let import_url = platform::location(&r);
    let deadline = Instant::now() + Duration::from_secs(30);
    let page = loop {
        let page = fetch_text(&analyst, server.url(&import_url)).await;
        if page.contains("Imported.") {
            break page;
        }
        assert!(Instant::now() < deadline, "the import did not end: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        page.contains("<td>4</td><td>Left out: “nope nope” is not a domain"),
        "{page}"
    );
    assert!(
        page.contains("<td>5</td><td>unsigned.test was already on line 2"),
        "{page}"
    );
    let page = fetch_text(&analyst, server.url(&list_url)).await;
    assert!(
        page.contains("2 domains") && page.contains("unsigned.test"),
        "{page}"
    );
    let csv = fetch_text(&analyst, server.url(&format!("{list_url}/export.csv"))).await;
    assert_eq!(
        csv,
        "domain,organisation,sector,country,tags\nsigned.test,,,ZA,\nunsigned.test,,,NL,\n"
    );

    let r = analyst
        .post(server.url(&format!("{list_url}/scan")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let scan_url = platform::location(&r);
    let page = fetch_text(&analyst, server.url(&scan_url)).await;
    assert!(page.contains("<strong>queued</strong>"), "{page}");
    let r = analyst
        .post(server.url(&format!("{scan_url}/cancel")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let page = fetch_text(&analyst, server.url(&scan_url)).await;
    assert!(page.contains("<strong>cancelled</strong>"), "{page}");

    // The bank's member sees the bank's list; the telco's does not.
    let teller = server.signed_in("teller@bank.test", password).await;
    let page = fetch_text(&teller, server.url("/monitor")).await;
    assert!(page.contains("Banks"), "{page}");
    assert!(!page.contains("New list"), "members do not make lists");
    let noc = server.signed_in("noc@telco.test", password).await;
    let page = fetch_text(&noc, server.url("/monitor")).await;
    assert!(!page.contains("Banks"), "{page}");
    for path in [
        list_url.clone(),
        scan_url.clone(),
        format!("{list_url}/export.csv"),
    ] {
        let r = noc.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND, "{path}");
    }
    let token = platform::csrf(&noc, &server.url("/monitor")).await;
    let r = noc
        .post(server.url("/monitor/lists"))
        .form(&[("csrf", token.as_str()), ("name", "Mine"), ("kinds", "web")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    // Not signed in: to the sign-in page.
    let r = platform::client()
        .get(server.url("/monitor"))
        .send()
        .await
        .unwrap();
    assert_eq!(platform::location(&r), "/login");
}

/// The JSON API with API keys: an analyst makes a list with domains (the
/// ones that cannot be tested answered by index), starts a scan (a second
/// start joins it), reads and cancels it; a member without the list's
/// organisation can neither make lists nor see this one.
#[tokio::test(flavor = "multi_thread")]
async fn the_api_makes_lists_and_starts_watches_and_cancels_scans() {
    let server = platform::start(BIN, Db::Sqlite, &["--scan-concurrency", "0"]).await;
    let store = store(&server.database).await;
    let local = indaba_store::Actor::local();
    let mut keys = Vec::new();
    for (email, role) in [
        ("analyst@cert.test", indaba_store::Role::Analyst),
        ("member@isp.test", indaba_store::Role::Member),
    ] {
        let user = store
            .create_user(
                &local,
                indaba_store::NewUser {
                    email,
                    name: email,
                    role,
                    organisation_id: None,
                    password: "a long enough password 42",
                },
            )
            .await
            .unwrap();
        keys.push(
            store
                .create_api_key(&local, &user.id, "test", None)
                .await
                .unwrap(),
        );
    }
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, key: &str| {
        http.request(method, server.url(path)).bearer_auth(key)
    };
    let send = |method: reqwest::Method, path: String, key: &str| {
        let request = call(method, &path, key);
        async move { request.send().await.expect("API call") }
    };
    let r = call(reqwest::Method::POST, "/api/v1/monitor/lists", &keys[0])
        .json(&serde_json::json!({"name": "ISPs", "kinds": "mail",
            "domains": ["signed.test", "not a domain", "MAIL.test"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["list"]["domains"], 2);
    assert_eq!(body["problems"][0]["index"], 1);
    let id = body["list"]["id"].as_str().unwrap().to_string();
    let r = send(
        reqwest::Method::POST,
        format!("/api/v1/monitor/lists/{id}/scans"),
        &keys[0],
    )
    .await;
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let scan: serde_json::Value = r.json().await.unwrap();
    assert_eq!(scan["state"], "queued");
    assert_eq!(scan["counts"]["total"], 2);
    let r = send(
        reqwest::Method::POST,
        format!("/api/v1/monitor/lists/{id}/scans"),
        &keys[0],
    )
    .await;
    assert_eq!(r.status(), reqwest::StatusCode::OK, "a second start joins");
    let scan_id = scan["id"].as_str().unwrap();
    let r = send(
        reqwest::Method::POST,
        format!("/api/v1/monitor/scans/{scan_id}/cancel"),
        &keys[0],
    )
    .await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let r = send(
        reqwest::Method::GET,
        format!("/api/v1/monitor/scans/{scan_id}"),
        &keys[0],
    )
    .await;
    let scan: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (scan["state"].as_str(), scan["counts"]["cancelled"].as_u64()),
        (Some("cancelled"), Some(2))
    );
    let r = send(
        reqwest::Method::POST,
        format!("/api/v1/monitor/scans/{scan_id}/cancel"),
        &keys[0],
    )
    .await;
    assert_eq!(r.status(), reqwest::StatusCode::CONFLICT);
    // The member.
    let r = call(reqwest::Method::POST, "/api/v1/monitor/lists", &keys[1])
        .json(&serde_json::json!({"name": "Mine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    let r = send(
        reqwest::Method::GET,
        format!("/api/v1/monitor/lists/{id}"),
        &keys[1],
    )
    .await;
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
    let r = send(
        reqwest::Method::GET,
        "/api/v1/monitor/lists".to_string(),
        &keys[1],
    )
    .await;
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!([])
    );
    let r = http
        .get(server.url("/api/v1/monitor/lists"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED);
}

/// The test network's generated population (testbed/population): its first
/// `n` rows as (domain, mail provider, DNSSEC: `yes`, `no` or `bogus`),
/// leaving out the lame delegations (nothing answers for them).
fn generated_population(n: usize) -> Vec<(String, String, String)> {
    let env = testbed_env();
    let run = std::path::Path::new(&env["INDABA_TB_TRUST_ANCHOR"])
        .parent()
        .expect("the test network's run directory")
        .to_path_buf();
    let text = std::fs::read_to_string(run.join("population/population.csv"))
        .expect("the generated population (testbed/up makes it)");
    text.lines()
        .skip(1)
        .filter(|l| !l.contains(",lame,"))
        .take(n)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[4].to_string(), f[6].to_string())
        })
        .collect()
}

/// Two `indaba worker` processes scan 300 domains of the generated
/// population on PostgreSQL: each mail provider's STARTTLS server is
/// enumerated once by the two workers together (every other report took
/// it from the other worker or its own, and says so), and the verdicts
/// follow what the population was made with: no STARTTLS where the
/// provider offers none, DNSSEC valid where signed and failing where the
/// parent's DS is stray.
#[tokio::test(flavor = "multi_thread")]
async fn workers_share_probes_across_processes_on_the_generated_population() {
    let _no_restart = POSTGRES.read().await;
    let dir = TempDir::new();
    let database = platform::database_url(Db::Postgres, &dir).await;
    let population = generated_population(300);
    let rows: Vec<String> = population
        .iter()
        .map(|(d, ..)| format!("{d},pop"))
        .collect();
    let file = write_csv(&dir, "population.csv", &rows);
    let out = indaba(&[
        "list",
        "import",
        &file,
        "--name",
        "pop",
        "--database",
        &database,
    ]);
    assert!(out.status.success(), "{out:?}");
    let store = store(&database).await;
    let list = store.list_by_name("pop").await.unwrap();
    let (scan, _) = store
        .start_scan(&indaba_store::Actor::local(), &list.id, None)
        .await
        .unwrap();
    let mut workers = vec![worker(&database, "30"), worker(&database, "30")];
    wait_for_scan_end(&store, &scan, Duration::from_secs(600)).await;
    for w in &mut workers {
        w.kill().unwrap();
        w.wait().unwrap();
    }
    let s = store.scan(&scan).await.unwrap();
    assert_eq!(s.counts.done, s.counts.total(), "{:?}", s.counts);

    let ids: Vec<String> = sqlx::query("SELECT report_id FROM monitor_jobs WHERE scan_id = $1")
        .bind(&scan)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("report_id"))
        .collect();
    // Per STARTTLS target: how many reports made its scan, how many shared it.
    let mut made: HashMap<String, usize> = HashMap::new();
    let mut shared: HashMap<String, usize> = HashMap::new();
    let mut from_another_worker = 0;
    let mut signed_and_valid = 0;
    let by_domain: HashMap<&str, (&str, &str)> = population
        .iter()
        .map(|(d, p, s)| (d.as_str(), (p.as_str(), s.as_str())))
        .collect();
    let status =
        |report: &indaba_model::Report, check: &str| report.finding(check).map(|f| f.status);
    use indaba_model::report::Status;
    for id in &ids {
        let report = store.report(id).await.unwrap();
        let obs = &report.observations;
        for scan in obs.tls.iter().filter(|t| t.address.ends_with(":25")) {
            let target = scan.address.clone();
            if obs
                .shared
                .iter()
                .any(|n| n.target.starts_with(&format!("{target} ")))
            {
                *shared.entry(target).or_default() += 1;
            } else {
                *made.entry(target).or_default() += 1;
            }
        }
        from_another_worker += obs
            .shared
            .iter()
            .filter(|n| n.source == indaba_model::observation::SharedSource::AnotherWorker)
            .count();
        let (provider, dnssec) = by_domain[report.target.as_str()];
        match report.kind {
            indaba_model::TestKind::Mail if provider == "mpd" => assert_eq!(
                status(&report, "mail.starttls.available"),
                Some(Status::Fail),
                "{}",
                report.target
            ),
            // A signed domain without a website has no DNSSEC finding
            // (its verdict comes first); every one with it passes.
            indaba_model::TestKind::Web if dnssec == "yes" => {
                if let Some(found) = status(&report, "dns.dnssec.valid") {
                    assert_eq!(found, Status::Pass, "{}", report.target);
                    signed_and_valid += 1;
                }
            }
            indaba_model::TestKind::Web if dnssec == "bogus" => assert_ne!(
                status(&report, "dns.dnssec.valid"),
                Some(Status::Pass),
                "{}",
                report.target
            ),
            _ => {}
        }
    }
    assert!(!made.is_empty(), "mail servers were scanned");
    for (target, n) in &made {
        assert_eq!(
            *n,
            1,
            "{target} was enumerated {n} times; shared {:?}",
            shared.get(target)
        );
    }
    assert!(shared.values().sum::<usize>() > 100, "{shared:?}");
    assert!(
        from_another_worker > 0,
        "the workers shared with each other"
    );
    assert!(
        signed_and_valid > 10,
        "{signed_and_valid} signed domains judged"
    );
}
