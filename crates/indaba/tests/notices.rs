//! Owner notices end to end (issue 13), on the test network with its
//! Postfix: a list of two domains — tls-good.test, owned by a member
//! organisation, and hsts-short.test, without an owner but with a
//! security.txt `Contact: mailto:security@example.test` — is scanned by
//! `indaba scan` processes while `indaba serve` sends the digests in its
//! background loop.
//!
//! The regression is real scanning, judged from a different state: the
//! first scan trusts the test network's CA (`--ca-file`), the second
//! trusts only the default (Mozilla's) roots, so `web.cert.trust` goes
//! from pass to fail on both domains without touching the shared test
//! network's servers (flipping a live server would race the other tests).
//! Nothing is written into the store by hand but one thing: a day passing
//! (the delivery log's day moved back), since a contact gets at most one
//! digest a day.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use indaba_store::{Actor, NewUser, Role, Stakeholder, Store};
use indaba_testkit::platform::{self, Db, Server, TempDir, csrf, mailbox, wait_for_mail};
use indaba_testkit::testbed_env;
use reqwest::StatusCode;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_indaba");

/// Runs `indaba scan LIST --kind web` against `server`'s database, with the
/// test network's CA trusted or not; asserts it ended.
fn scan(server: &Server, list: &str, trust_test_ca: bool) {
    let env = testbed_env();
    let engine = indaba_testkit::engine_args();
    let mut args = vec!["scan", list, "--kind", "web"];
    args.extend(engine.iter().map(String::as_str));
    if trust_test_ca {
        args.extend(["--ca-file", &env["INDABA_TB_CA"]]);
    }
    let out = server.command(&args);
    assert!(
        out.status.success(),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The delivery log as JSON rows, oldest first.
fn delivery_log(server: &Server) -> Vec<serde_json::Value> {
    let out = server.command(&["notices", "log", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let mut rows: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("the log is JSON");
    rows.reverse();
    rows
}

/// Waits up to 60 s for the delivery log to satisfy `done`.
async fn wait_for_log(server: &Server, what: &str, done: impl Fn(&[serde_json::Value]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let log = delivery_log(server);
        if done(&log) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {log:#?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The link starting with `prefix` in `mail`.
fn link(mail: &str, prefix: &str) -> String {
    let start = mail
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {mail}"));
    mail[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A platform that sends due digests every second and scans nothing
/// itself (the scans choose their trust), an organisation with one member
/// (the owner), and a web list imported from `csv`.
struct Watched {
    server: Server,
    store: Store,
    owner: String,
    org_id: String,
    _dir: TempDir,
}

async fn watched(org: &str, owner_domain: &str, list: &str, csv: &str) -> Watched {
    let env = testbed_env();
    let server = platform::start(
        BIN,
        Db::Sqlite,
        &[
            "--scan-concurrency",
            "0",
            "--notice-interval",
            "1",
            "--ca-file",
            &env["INDABA_TB_CA"],
        ],
    )
    .await;
    let store = Store::open(&server.database).await.expect("the store");
    let owner = format!("noc-{}@{owner_domain}", platform::unique());
    let org = store
        .create_organisation(&Actor::local(), org, Stakeholder::ALL[0])
        .await
        .unwrap();
    store
        .create_user(
            &Actor::local(),
            NewUser {
                email: &owner,
                name: "",
                role: Role::Member,
                organisation_id: Some(&org.id),
                password: "a long enough password",
            },
        )
        .await
        .unwrap();
    let dir = TempDir::new();
    let file: PathBuf = dir.path().join("list.csv");
    std::fs::write(&file, csv).unwrap();
    let out = server.command(&[
        "list",
        "import",
        &file.display().to_string(),
        "--name",
        list,
        "--kinds",
        "web",
    ]);
    assert!(out.status.success(), "{out:?}");
    Watched {
        server,
        store,
        owner,
        org_id: org.id,
        _dir: dir,
    }
}

/// Whether a mail is `server`'s digest to `to` about `domain`.
fn digest_to(server: &Server, to: &str, domain: &str) -> impl Fn(&str) -> bool + use<> {
    let to = format!("To: {to}");
    let base = server.base.clone();
    let domain = domain.to_string();
    move |m: &str| m.contains(&to) && m.contains(&base) && m.contains(&domain)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regression_reaches_the_owner_then_the_security_txt_contact_and_opting_out_stops_the_next()
 {
    let env = testbed_env();
    let Watched {
        server,
        store,
        owner,
        ..
    } = watched(
        "Good Owners",
        "good-owners.test",
        "watched",
        "domain,organisation\ntls-good.test,Good Owners\nhsts-short.test,\n",
    )
    .await;

    // Scan 1 (trusted) then scan 2 (the CA no longer trusted): a regression
    // on both domains.
    let before = mailbox();
    scan(&server, "watched", true);
    scan(&server, "watched", false);
    let base = server.base.clone();
    let mine = |to: &str, domain: &str| digest_to(&server, to, domain);
    let to_owner =
        wait_for_mail("the owner's digest", &before, mine(&owner, "tls-good.test")).await;
    for part in [
        "Subject: Indaba: a security regression on 1 domain",
        "multipart/alternative",
        "Content-Type: text/html",
        "your organisation owns these domains",
        "tls-good.test (Website test, watched)",
        "passed at the previous scan, fails now",
        "What was found:",
        "Seen:",
        &format!("{base}/guides/web.cert.trust"),
        &format!("{base}/report/"),
        &format!("{base}/notices/opt-out/"),
        &format!("{base}/notices/improvements/"),
    ] {
        assert!(to_owner.contains(part), "no {part:?} in {to_owner}");
    }
    assert!(
        !to_owner.contains("hsts-short.test"),
        "the owner hears of its own domains only: {to_owner}"
    );
    let to_contact = wait_for_mail(
        "the security.txt contact's digest",
        &before,
        mine("security@example.test", "hsts-short.test"),
    )
    .await;
    assert!(
        to_contact.contains("security.txt names this address"),
        "{to_contact}"
    );
    assert!(!to_contact.contains("tls-good.test"), "{to_contact}");

    // The owner opts out with the link, without an account: a form first,
    // then the POST.
    let opt_out = link(&to_owner, &format!("{base}/notices/opt-out/"));
    let browser = platform::client();
    let token = csrf(&browser, &opt_out).await;
    let r = browser
        .post(&opt_out)
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("No more notices"));

    // A day passes (one digest per contact per day), then the same
    // regression again: scan 3 trusted, scan 4 not.
    sqlx::query("UPDATE notice_digests SET day = day - 1")
        .execute(store.raw_pool())
        .await
        .unwrap();
    let before = mailbox();
    scan(&server, "watched", true);
    scan(&server, "watched", false);
    wait_for_mail(
        "the security.txt contact's second digest",
        &before,
        mine("security@example.test", "hsts-short.test"),
    )
    .await;
    wait_for_log(&server, "the owner's digest is logged as not sent", |log| {
        log.iter()
            .filter(|d| d["to"] == owner.as_str())
            .any(|d| d["state"] == "opted_out")
    })
    .await;
    let after_opt_out: Vec<String> = mailbox()
        .into_iter()
        .filter(|p| !before.contains(p))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|m| m.contains(&format!("To: {owner}")))
        .collect();
    assert!(
        after_opt_out.is_empty(),
        "opted out, yet mailed: {after_opt_out:?}"
    );

    // The delivery log: to, when, what, the SMTP answer — all of it.
    let log = delivery_log(&server);
    let states: Vec<(String, String)> = log
        .iter()
        .map(|d| {
            (
                d["to"].as_str().unwrap_or_default().to_string(),
                d["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = [
        (owner.clone(), "sent".to_string()),
        ("security@example.test".to_string(), "sent".to_string()),
        (owner.clone(), "opted_out".to_string()),
        ("security@example.test".to_string(), "sent".to_string()),
    ];
    for e in &expected {
        assert!(states.contains(e), "{e:?} is not in the log {log:#?}");
    }
    assert_eq!(states.len(), 4, "{log:#?}");
    for d in &log {
        assert!(
            d["subject"]
                .as_str()
                .unwrap_or_default()
                .contains("regression")
        );
        assert!(d["changes"].as_i64().unwrap_or_default() >= 1);
        assert!(d["created_at"].as_i64().unwrap_or_default() > 0);
        if d["state"] == "sent" {
            assert!(
                d["smtp_answer"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("250"),
                "{d}"
            );
            assert!(d["sent_at"].as_i64().is_some());
        }
    }
    let owner_source = log
        .iter()
        .find(|d| d["to"] == owner.as_str())
        .map(|d| d["source"].clone());
    assert_eq!(owner_source, Some(serde_json::json!("owner")));
    let contact_source = log
        .iter()
        .find(|d| d["to"] == "security@example.test")
        .map(|d| d["source"].clone());
    assert_eq!(contact_source, Some(serde_json::json!("security_txt")));

    // The command-line step finds nothing left to send.
    let out = Command::new(BIN)
        .args([
            "notices",
            "send",
            "--database",
            &server.database,
            "--smtp",
            &env["INDABA_TB_SMTP"],
            "--smtp-ca-file",
            &env["INDABA_TB_CA"],
            "--resolver",
            &env["INDABA_TB_RESOLVER"],
            "--allow-private-targets",
        ])
        .output()
        .expect("indaba notices send");
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("0 sent"),
        "{out:?}"
    );
}

/// The same regression for contacts who read Dutch: an owner organisation
/// whose language an admin set to Dutch on the admin page, and
/// sectxt-dutch.test, without an owner, whose security.txt says
/// `Preferred-Languages: nl, en`. Both digests come through Postfix in
/// Dutch (`Content-Language: nl`, both parts), and the delivery log (the
/// page and the command) says so.
#[tokio::test(flavor = "multi_thread")]
async fn contacts_who_prefer_dutch_get_their_digest_in_dutch() {
    let Watched {
        server,
        owner,
        org_id,
        ..
    } = watched(
        "Nederlandse Eigenaren",
        "nederlandse-eigenaren.test",
        "gevolgd",
        "domain,organisation\ntls-good.test,Nederlandse Eigenaren\nsectxt-dutch.test,\n",
    )
    .await;
    // An admin chooses the organisation's language on the admin page.
    server.create_user("admin@indaba.test", "admin", "an admin's long password");
    let admin = server
        .signed_in("admin@indaba.test", "an admin's long password")
        .await;
    let token = csrf(&admin, &server.url("/admin")).await;
    let r = admin
        .post(server.url(&format!("/admin/organisations/{org_id}/language")))
        .form(&[("csrf", token.as_str()), ("language", "nl")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let before = mailbox();
    scan(&server, "gevolgd", true);
    scan(&server, "gevolgd", false);
    let base = server.base.clone();
    let mine = |to: &str, domain: &str| digest_to(&server, to, domain);
    let to_owner = wait_for_mail(
        "the owner's Dutch digest",
        &before,
        mine(&owner, "tls-good.test"),
    )
    .await;
    let to_contact = wait_for_mail(
        "the security.txt contact's Dutch digest",
        &before,
        mine("security@sectxt-dutch.test", "sectxt-dutch.test"),
    )
    .await;
    for (mail, why) in [
        (&to_owner, "omdat deze domeinen van uw organisatie zijn"),
        (
            &to_contact,
            "waarvan de security.txt dit adres als contactadres noemt",
        ),
    ] {
        for part in [
            "Content-Language: nl",
            "Subject: Indaba: de beveiliging van 1 domein is achteruitgegaan",
            "multipart/alternative",
            why,
            "slaagde bij de vorige scan, faalt nu",
            "Wilt u op dit adres geen meldingen meer ontvangen:",
            // The HTML part is in Dutch too.
            "<html lang=\"nl\"",
            "<h2>",
            &format!("{base}/notices/opt-out/"),
        ] {
            assert!(mail.contains(part), "no {part:?} in {mail}");
        }
        assert!(
            !mail.contains("passed at the previous scan"),
            "English left in the digest: {mail}"
        );
    }

    // The delivery log says which language each went in: the command…
    wait_for_log(&server, "both digests are logged as sent", |log| {
        log.iter().filter(|d| d["state"] == "sent").count() == 2
    })
    .await;
    let log = delivery_log(&server);
    for to in [owner.as_str(), "security@sectxt-dutch.test"] {
        let line = log
            .iter()
            .find(|d| d["to"] == to)
            .unwrap_or_else(|| panic!("no {to} in {log:#?}"));
        assert_eq!(line["language"], "nl", "{line}");
    }
    // …and the page, which analysts and admins read (not members).
    let page = admin
        .get(server.url("/monitor/notices"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    for part in [
        owner.as_str(),
        "security@sectxt-dutch.test",
        "Nederlands",
        "tls-good.test",
        "sectxt-dutch.test",
        "List: gevolgd",
        "250 ",
    ] {
        assert!(page.contains(part), "no {part:?} in {page}");
    }
    let member = server.signed_in(&owner, "a long enough password").await;
    let r = member
        .get(server.url("/monitor/notices"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
