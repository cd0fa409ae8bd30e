//! The platform under attack (issue 16), end to end: `indaba serve` on the
//! test network, attacked on loopback — idle and half-sent connections, a
//! flood of client addresses (the namespace's loopback answers for all of
//! 127/8), forged forms, guessed passwords, stolen keys, a tampered audit
//! log — while a normal client keeps getting answers.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indaba_testkit::platform::{self, Db, Server, client as browser, csrf, mailbox};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const BIN: &str = env!("CARGO_BIN_EXE_indaba");

async fn start(extra: &[&str]) -> Server {
    platform::start(BIN, Db::Sqlite, extra).await
}

fn addr(server: &Server) -> SocketAddr {
    server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("the server's address")
}

/// A connection to `to` from the source address `from`.
async fn connect_from(from: Ipv4Addr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0))?;
    socket.connect(to).await
}

/// `GET path` on a fresh connection from `from`; the status, or `None` when
/// the connection was refused or closed without an answer.
async fn get_from(from: Ipv4Addr, to: SocketAddr, path: &str) -> Option<u16> {
    let mut s = connect_from(from, to).await.ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut head = vec![0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut head))
        .await
        .ok()?
        .ok()?;
    std::str::from_utf8(&head[..n])
        .ok()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Whether the server closes `stream` within `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 512];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// The i-th address of a /16 of loopback.
fn nth(base: [u8; 2], i: usize) -> Ipv4Addr {
    Ipv4Addr::new(base[0], base[1], (i / 250) as u8, (i % 250 + 1) as u8)
}

#[tokio::test(flavor = "multi_thread")]
async fn silent_and_half_sent_connections_are_closed_while_a_normal_request_is_answered() {
    let server = start(&["--header-read-timeout", "2"]).await;
    let to = addr(&server);
    let mut silent = TcpStream::connect(to).await.unwrap();
    let mut half = TcpStream::connect(to).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        get_from(Ipv4Addr::LOCALHOST, to, "/").await,
        Some(200),
        "a normal request is answered meanwhile"
    );
    let (a, b) = tokio::join!(
        closed_within(&mut silent, Duration::from_secs(6)),
        closed_within(&mut half, Duration::from_secs(6))
    );
    let took = started.elapsed();
    println!("silent closed: {a}, half header closed: {b}, after {took:?} (timeout 2 s)");
    assert!(a, "a connection that sends nothing is closed");
    assert!(b, "a connection that sends half a header is closed");
    assert!(
        took >= Duration::from_millis(1500),
        "not before the timeout: {took:?}"
    );
}

/// The load test: 2,000 idle connections from 2,000 addresses, then a flood
/// of requests from 3,000 more addresses, while one normal client asks for
/// the home page every 100 ms; then a newcomer arrives. Counts are printed
/// (the closing note compares them with the server before).
#[tokio::test(flavor = "multi_thread")]
async fn idle_connections_and_an_address_flood_leave_normal_clients_answered() {
    let idle_count: usize = std::env::var("INDABA_LOAD_IDLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let flood_count: usize = std::env::var("INDABA_LOAD_FLOOD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let server = start(&[
        "--header-read-timeout",
        "4",
        "--rate-limit-clients",
        "500",
        "--requests-per-minute",
        "600",
    ])
    .await;
    let to = addr(&server);

    // The normal client, on its own address, throughout.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (ok, failed, slowest) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let normal = {
        let (stop, ok, failed, slowest) =
            (stop.clone(), ok.clone(), failed.clone(), slowest.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                match get_from(Ipv4Addr::new(127, 9, 9, 9), to, "/").await {
                    Some(200) => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
                slowest.fetch_max(t.elapsed().as_millis() as u64, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    let opened = Instant::now();
    let mut idle = Vec::with_capacity(idle_count);
    let mut refused_at_connect = 0;
    for i in 0..idle_count {
        match connect_from(nth([127, 10], i), to).await {
            Ok(s) => idle.push(s),
            Err(_) => refused_at_connect += 1,
        }
    }
    println!(
        "{} idle connections open ({} refused at connect) in {:?}",
        idle.len(),
        refused_at_connect,
        opened.elapsed()
    );

    let flood_started = Instant::now();
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for chunk in (0..flood_count).collect::<Vec<_>>().chunks(200) {
        let answers =
            indaba_testkit::join_all(chunk.iter().map(|&i| get_from(nth([127, 20], i), to, "/")))
                .await;
        for a in answers {
            *statuses
                .entry(a.map_or("no answer".into(), |s| s.to_string()))
                .or_default() += 1;
        }
    }
    println!(
        "address flood: {flood_count} addresses in {:?}: {statuses:?}",
        flood_started.elapsed()
    );
    let newcomer = get_from(Ipv4Addr::new(127, 30, 0, 1), to, "/").await;
    println!("a newcomer after the flood: {newcomer:?}");

    // Every idle connection is closed once the head timeout has passed.
    let waited = Instant::now();
    let mut still_open = 0;
    for s in &mut idle {
        if !closed_within(s, Duration::from_secs(8).saturating_sub(waited.elapsed())).await {
            still_open += 1;
        }
    }
    println!(
        "{} of {} idle connections closed by the server {:?} after the flood (head timeout 4 s)",
        idle.len() - still_open,
        idle.len(),
        opened.elapsed()
    );
    stop.store(true, Ordering::Relaxed);
    normal.await.unwrap();
    let (ok, failed, slowest) = (
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        slowest.load(Ordering::Relaxed),
    );
    println!("normal client: {ok} answered, {failed} not, slowest {slowest} ms");

    assert_eq!(
        failed, 0,
        "the normal client was refused or left unanswered"
    );
    assert!(ok >= 10, "the normal client asked only {ok} times");
    assert_eq!(
        newcomer,
        Some(200),
        "a newcomer after the flood is answered"
    );
    assert_eq!(
        statuses.get("no answer"),
        None,
        "every flooding address got an answer"
    );
    assert_eq!(
        still_open, 0,
        "idle connections are closed after the head timeout"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_client_cannot_hold_more_than_its_share_of_connections() {
    let server = start(&["--max-connections-per-client", "5"]).await;
    let to = addr(&server);
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(
            connect_from(Ipv4Addr::new(127, 40, 0, 1), to)
                .await
                .unwrap(),
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let mut sixth = connect_from(Ipv4Addr::new(127, 40, 0, 1), to)
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(3), sixth.read_to_end(&mut answer)).await;
    assert!(
        answer.starts_with(b"HTTP/1.1 503") && started.elapsed() < Duration::from_secs(2),
        "the sixth is refused at once: {:?} after {:?}",
        String::from_utf8_lossy(&answer),
        started.elapsed()
    );
    assert_eq!(
        get_from(Ipv4Addr::new(127, 40, 0, 2), to, "/").await,
        Some(200),
        "another client is served"
    );
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect()
}

fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn cookies_headers_and_csrf_bound_to_the_session() {
    // Plain HTTP: no Secure, no __Host- prefix, no HSTS.
    let server = start(&[]).await;
    server.create_user("admin@example.test", "admin", "an admin password");
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let home = plain.get(server.url("/")).send().await.unwrap();
    let cookies = set_cookies(&home);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("indaba_csrf=") && !c.contains("Secure")),
        "{cookies:?}"
    );
    assert_eq!(
        header(&home, "strict-transport-security"),
        None,
        "no HSTS over http"
    );
    assert_eq!(
        header(&home, "cross-origin-resource-policy").as_deref(),
        Some("same-origin")
    );
    assert_eq!(
        header(&home, "cache-control"),
        None,
        "a public page may be cached"
    );
    let login = plain.get(server.url("/login")).send().await.unwrap();
    assert_eq!(header(&login, "cache-control").as_deref(), Some("no-store"));

    // A made-up visitor token, in cookie and form alike, is refused: it is
    // not signed with the server's key.
    let forged = plain
        .post(server.url("/login"))
        .header("cookie", "indaba_csrf=madeup.token")
        .form(&[
            ("csrf", "madeup.token"),
            ("email", "admin@example.test"),
            ("password", "an admin password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Signed in, forms need the session's own token, fresh at sign-in.
    let admin = browser();
    let visitor_token = csrf(&admin, &server.url("/login")).await;
    let r = admin
        .post(server.url("/login"))
        .form(&[
            ("csrf", visitor_token.as_str()),
            ("email", "admin@example.test"),
            ("password", "an admin password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session_token = csrf(&admin, &server.url("/admin")).await;
    assert_ne!(session_token, visitor_token, "a fresh token at sign-in");
    let page = admin.get(server.url("/")).send().await.unwrap();
    assert_eq!(
        header(&page, "cache-control").as_deref(),
        Some("no-store"),
        "signed-in pages are private"
    );
    let stale = admin
        .post(server.url("/admin/organisations"))
        .form(&[
            ("csrf", visitor_token.as_str()),
            ("name", "Org"),
            ("stakeholder", "cert"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        StatusCode::FORBIDDEN,
        "the visitor's token is no good once signed in"
    );
    let good = admin
        .post(server.url("/admin/organisations"))
        .form(&[
            ("csrf", session_token.as_str()),
            ("name", "Org"),
            ("stakeholder", "cert"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    let audit = admin
        .get(server.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("csrf.failure"), "CSRF failures are audited");
    assert!(
        audit.contains("<td>127.0.0.1</td>"),
        "with the client's address"
    );

    // Over https (by the base URL): __Host- cookies, Secure, and HSTS.
    let tls = start(&["--base-url", "https://indaba.example"]).await;
    let home = plain.get(tls.url("/")).send().await.unwrap();
    let cookies = set_cookies(&home);
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-indaba_csrf=")
            && c.contains("; Secure")
            && c.contains("Path=/")
            && !c.contains("Domain")),
        "{cookies:?}"
    );
    assert!(header(&home, "strict-transport-security").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn guessing_a_password_slows_down_and_tells_the_owner() {
    let server = start(&["--submit-burst", "100", "--submit-per-minute", "100"]).await;
    server.create_user("owner@example.test", "member", "the owner's password");
    let before = mailbox();
    let mut statuses = Vec::new();
    for i in 0..6 {
        // Each guess from another browser: the throttle is the account's.
        let guesser = browser();
        let token = csrf(&guesser, &server.url("/login")).await;
        let r = guesser
            .post(server.url("/login"))
            .form(&[
                ("csrf", token.as_str()),
                ("email", "owner@example.test"),
                ("password", &format!("guess number {i}")),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = header(&r, "retry-after")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(200)).await;
        }
    }
    assert!(
        statuses.contains(&429),
        "failures slow the account down: {statuses:?}"
    );
    let notice = platform::wait_for_mail("sign-in notice", &before, |m| {
        m.contains("To: owner@example.test") && m.contains("without success")
    })
    .await;
    assert!(notice.contains("owner@example.test"));
}

#[tokio::test(flavor = "multi_thread")]
async fn resets_check_the_token_first_are_capped_and_end_every_other_link() {
    let server = start(&["--reset-mails-per-hour", "2"]).await;
    server.create_user("reset@example.test", "member", "the old password!");
    let c = browser();
    // A made-up token with a bad password: told the link is bad, not that
    // the password is short (the token is checked first).
    let bogus = server.url("/password/reset/madeuptoken");
    let page = c.get(&bogus).send().await.unwrap();
    assert_eq!(
        page.status(),
        StatusCode::NOT_FOUND,
        "a bad link says so before the form"
    );
    let token = csrf(&c, &server.url("/password/forgot")).await;
    let r = c
        .post(&bogus)
        .form(&[("csrf", token.as_str()), ("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("not valid any more") && !body.contains("a password needs"),
        "{body}"
    );

    let before = mailbox();
    for _ in 0..3 {
        let r = c
            .post(server.url("/password/forgot"))
            .form(&[("csrf", token.as_str()), ("email", "reset@example.test")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "the answer is the same, capped or not"
        );
    }
    let prefix = server.url("/password/reset/");
    let mine = |m: &str| m.contains("To: reset@example.test") && m.contains(&prefix);
    let first = platform::wait_for_mail("first reset mail", &before, mine).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let links: Vec<String> = loop {
        let links: Vec<String> = mailbox()
            .into_iter()
            .filter(|p| !before.contains(p))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|m| platform::decode_quoted_printable(&m))
            .filter(|m| mine(m))
            .filter_map(|m| {
                m[m.find(&prefix)?..]
                    .split_whitespace()
                    .next()
                    .map(str::to_string)
            })
            .collect();
        if links.len() >= 2 || Instant::now() > deadline {
            break links;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(first.contains(&prefix));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all = mailbox()
        .into_iter()
        .filter(|p| !before.contains(p))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|m| platform::decode_quoted_printable(&m))
        .filter(|m| mine(m))
        .count();
    assert_eq!(all, 2, "two reset mails an hour, not three");
    assert_eq!(links.len(), 2);
    // Using one link ends the other.
    let token = csrf(&c, &links[0]).await;
    let r = c
        .post(&links[0])
        .form(&[
            ("csrf", token.as_str()),
            ("password", "a brand new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let other = c.get(&links[1]).send().await.unwrap();
    assert_eq!(
        other.status(),
        StatusCode::NOT_FOUND,
        "every other link of the user is gone"
    );
}

/// The admin page's token and the id in `<select id="k-user">` for `email`.
async fn admin_with_key(
    server: &Server,
    user_email: &str,
    days: &str,
) -> (reqwest::Client, String, String) {
    let admin = server
        .signed_in("admin@example.test", "an admin password")
        .await;
    let page = admin
        .get(server.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let user_id = page
        .split("id=\"k-user\"")
        .nth(1)
        .and_then(|s| s.split(&format!(">{user_email}<")).next())
        .and_then(|s| s.rsplit("<option value=\"").next())
        .and_then(|s| s.split('"').next())
        .expect("the user in the key form")
        .to_string();
    let token = csrf(&admin, &server.url("/admin")).await;
    let page = admin
        .post(server.url("/admin/api-keys"))
        .form(&[
            ("csrf", token.as_str()),
            ("user", user_id.as_str()),
            ("label", "a key"),
            ("expires_days", days),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = page
        .split("ik_")
        .nth(1)
        .map(|s| format!("ik_{}", s.split(['<', ' ', '"']).next().unwrap_or_default()))
        .expect("the new key is shown once");
    (admin, key, user_id)
}

async fn batch_status(server: &Server, key: &str, domains: &[&str]) -> StatusCode {
    reqwest::Client::new()
        .post(server.url("/api/v1/batches"))
        .bearer_auth(key)
        .json(&serde_json::json!({"kind": "web", "domains": domains}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_expire_and_revoke_roles_are_refused_and_the_last_admin_stays() {
    let server = start(&["--batch-burst", "1000"]).await;
    server.create_user("admin@example.test", "admin", "an admin password");
    server.create_user("member@example.test", "member", "a member password");
    let (admin, key, member_id) = admin_with_key(&server, "member@example.test", "30").await;
    assert_eq!(
        batch_status(&server, &key, &["signed.test"]).await,
        StatusCode::ACCEPTED
    );
    let page = admin
        .get(server.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("api_key.use"), "API-key use is audited");
    let keys = page.split("id=\"api-keys\"").nth(1).unwrap_or_default();
    assert!(
        !keys.contains("never</td><td>"),
        "the last use is shown: {keys}"
    );
    // Revoke it.
    let key_id = keys
        .split("/admin/api-keys/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("a revoke form")
        .to_string();
    let token = csrf(&admin, &server.url("/admin")).await;
    admin
        .post(server.url(&format!("/admin/api-keys/{key_id}/revoke")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        batch_status(&server, &key, &["signed.test"]).await,
        StatusCode::UNAUTHORIZED
    );

    // Disabling the user revokes their keys; enabling them again does not
    // bring the keys back.
    let (admin, key, _) = admin_with_key(&server, "member@example.test", "").await;
    let token = csrf(&admin, &server.url("/admin")).await;
    for disabled in [true, false] {
        let mut form = vec![
            ("csrf", token.as_str()),
            ("role", "member"),
            ("organisation", ""),
        ];
        if disabled {
            form.push(("disabled", "1"));
        }
        let r = admin
            .post(server.url(&format!("/admin/users/{member_id}")))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(
        batch_status(&server, &key, &["signed.test"]).await,
        StatusCode::UNAUTHORIZED
    );

    // A member at the admin page: refused and audited.
    let member = server
        .signed_in("member@example.test", "a member password")
        .await;
    assert_eq!(
        member
            .get(server.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let page = admin
        .get(server.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("role.refused"));

    // The only admin cannot demote or disable themselves.
    let admin_id = page
        .split("action=\"/admin/users/")
        .skip(1)
        .find_map(|s| {
            let id = s.split('"').next()?;
            (id != member_id).then(|| id.to_string())
        })
        .expect("the admin's row");
    let r = admin
        .post(server.url(&format!("/admin/users/{admin_id}")))
        .form(&[
            ("csrf", token.as_str()),
            ("role", "member"),
            ("organisation", ""),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, StatusCode::CONFLICT, "{admin_id}: {body}");
    assert!(
        body.contains("At least one enabled administrator must remain"),
        "{body}"
    );
    assert_eq!(
        admin
            .get(server.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_or_deleted_audit_row_is_found_by_verify_audit() {
    let server = start(&[]).await;
    // What the server wrote at start (the desk's playbooks, say) is chained too.
    let intact_rows = || {
        let out = server.command(&["admin", "verify-audit"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{text}");
        text.split_once(" rows, chain intact")
            .and_then(|(n, _)| n.trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{text}"))
    };
    let at_start = intact_rows();
    server.create_user("one@example.test", "admin", "an admin password");
    server.create_user("two@example.test", "member", "a member password");
    server.create_user("three@example.test", "member", "a member password");
    assert_eq!(intact_rows(), at_start + 3);
    let db = server.database.trim_start_matches("sqlite:").to_string();
    let edit = |sql: &str| {
        let status = std::process::Command::new("python3")
            .args([
                "-c",
                &format!(
                    "import sqlite3; c = sqlite3.connect({db:?}); c.execute({sql:?}); c.commit()"
                ),
            ])
            .status()
            .expect("python3");
        assert!(status.success());
    };
    edit("UPDATE audit_log SET detail = '{}' WHERE seq = 1");
    let out = server.command(&["admin", "verify-audit"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("row 1: changed"), "{text}");
    edit("DELETE FROM audit_log WHERE seq = 2");
    let out = server.command(&["admin", "verify-audit"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("row 3: does not follow"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    async fn submit(server: &Server, xff: &str) -> StatusCode {
        reqwest::Client::new()
            .post(server.url("/api/v1/tests"))
            .header("x-forwarded-for", xff)
            .json(&serde_json::json!({"kind": "web", "domain": "signed.test"}))
            .send()
            .await
            .unwrap()
            .status()
    }
    let limits = ["--submit-burst", "1", "--submit-per-minute", "1"];
    let behind = start(&[&limits[..], &["--trusted-proxy", "127.0.0.1"]].concat()).await;
    assert_ne!(
        submit(&behind, "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        submit(&behind, "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_ne!(
        submit(&behind, "198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "another client behind the proxy has its own budget"
    );
    let direct = start(&limits).await;
    assert_ne!(
        submit(&direct, "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        submit(&direct, "198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "without --trusted-proxy the header is the client's own word"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn batches_pay_per_domain_and_never_make_public_tests_busy() {
    let server = start(&[
        "--batch-burst",
        "4",
        "--batch-per-minute",
        "1",
        "--queue-bound",
        "2",
        "--batch-queue-bound",
        "2",
        "--reuse-seconds",
        "0",
        "--workers",
        "1",
    ])
    .await;
    server.create_user("admin@example.test", "admin", "an admin password");
    let (_, key, _) = admin_with_key(&server, "admin@example.test", "").await;
    let r = reqwest::Client::new()
        .post(server.url("/api/v1/batches"))
        .bearer_auth(&key)
        .json(&serde_json::json!({"kind": "web", "domains": ["lame.test", "a.lame.test", "b.lame.test"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let batch: serde_json::Value = r.json().await.unwrap();
    let busy = batch["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["state"] == "rejected")
        .count();
    assert!(busy >= 1, "the batch share (2) is full: {batch}");
    assert_eq!(
        batch_status(&server, &key, &["signed.test", "unsigned.test"]).await,
        StatusCode::TOO_MANY_REQUESTS,
        "three domains spent three of four units: two more are over the budget"
    );
    let public = reqwest::Client::new()
        .post(server.url("/api/v1/tests"))
        .json(&serde_json::json!({"kind": "web", "domain": "signed.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        public.status(),
        StatusCode::ACCEPTED,
        "a full batch share leaves public tests free"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_smtp_secret_never_comes_from_the_command_line() {
    let server = start(&[]).await;
    let out = server.command(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--smtp",
        "127.0.0.25:25",
        "--smtp-password",
        "x",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--smtp-password"));
    let out = std::process::Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &server.database,
            "--smtp",
            "127.0.0.25:25",
            "--smtp-user",
            "indaba",
        ])
        .env_remove("INDABA_SMTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("INDABA_SMTP_PASSWORD"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &server.database,
            "--smtp",
            "127.0.0.25:25",
            "--smtp-user",
            "indaba",
            "--smtp-tls",
            "none",
        ])
        .env("INDABA_SMTP_PASSWORD", "a secret")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "AUTH without required TLS is refused"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--smtp-tls required"));
}

/// Asks for a reset of `email` on `server` and says whether the mail
/// arrived in the test relay's mailbox within `wait`.
async fn reset_mail_arrives(server: &Server, email: &str, wait: Duration) -> bool {
    let before = mailbox();
    let c = browser();
    let token = csrf(&c, &server.url("/password/forgot")).await;
    let r = c
        .post(server.url("/password/forgot"))
        .form(&[("csrf", token.as_str()), ("email", email)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let prefix = server.url("/password/reset/");
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        let found = mailbox()
            .into_iter()
            .filter(|p| !before.contains(p))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|m| platform::decode_quoted_printable(&m))
            .any(|m| m.contains(&format!("To: {email}")) && m.contains(&prefix));
        if found {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// The relay's submission port takes mail only after SMTP AUTH over
/// verified STARTTLS; the secret comes from the environment or a file.
#[tokio::test(flavor = "multi_thread")]
async fn smtp_auth_with_the_secret_from_the_environment_or_a_file() {
    let env = indaba_testkit::testbed_env();
    let (relay, user, secret) = (
        env["INDABA_TB_SMTP_AUTH"].as_str(),
        env["INDABA_TB_SMTP_AUTH_USER"].as_str(),
        env["INDABA_TB_SMTP_AUTH_SECRET"].as_str(),
    );
    let dir = platform::TempDir::new();
    let file = dir.path().join("smtp-secret");
    std::fs::write(&file, format!("{secret}\n")).unwrap();
    let file = file.display().to_string();
    let from_env = platform::start_with_env(
        BIN,
        Db::Sqlite,
        platform::free_port(),
        &["--smtp", relay, "--smtp-user", user],
        &[("INDABA_SMTP_PASSWORD", secret)],
    )
    .await;
    from_env.create_user("env@example.test", "member", "a member password");
    assert!(
        reset_mail_arrives(&from_env, "env@example.test", Duration::from_secs(30)).await,
        "mail through AUTH with the secret from INDABA_SMTP_PASSWORD"
    );
    let from_file = platform::start_with_env(
        BIN,
        Db::Sqlite,
        platform::free_port(),
        &[
            "--smtp",
            relay,
            "--smtp-user",
            user,
            "--smtp-password-file",
            &file,
        ],
        &[],
    )
    .await;
    from_file.create_user("file@example.test", "member", "a member password");
    assert!(
        reset_mail_arrives(&from_file, "file@example.test", Duration::from_secs(30)).await,
        "mail through AUTH with the secret from --smtp-password-file"
    );
    let wrong = platform::start_with_env(
        BIN,
        Db::Sqlite,
        platform::free_port(),
        &["--smtp", relay, "--smtp-user", user],
        &[("INDABA_SMTP_PASSWORD", "not the secret")],
    )
    .await;
    wrong.create_user("wrong@example.test", "member", "a member password");
    assert!(
        !reset_mail_arrives(&wrong, "wrong@example.test", Duration::from_secs(4)).await,
        "a wrong secret gets no mail through"
    );
}

/// Guessing reset tokens costs the same budget as signing in.
#[tokio::test(flavor = "multi_thread")]
async fn reset_attempts_are_rate_limited() {
    let server = start(&["--submit-burst", "2", "--submit-per-minute", "1"]).await;
    let c = browser();
    let token = csrf(&c, &server.url("/password/forgot")).await;
    let mut statuses = Vec::new();
    for guess in ["guess1", "guess2", "guess3"] {
        let r = c
            .post(server.url(&format!("/password/reset/{guess}")))
            .form(&[
                ("csrf", token.as_str()),
                ("password", "a long new password"),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(r.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}
