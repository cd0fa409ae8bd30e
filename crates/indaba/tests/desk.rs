//! The response desk end to end, on the test network: a real `indaba serve`
//! (SQLite or PostgreSQL), headless Chromium, the test network's Postfix
//! delivering the intake address to the server's LMTP listener, and the
//! `indaba desk tick` test clock.
//!
//! - the victim's and the analyst's whole story in a browser;
//! - TLP and roles: what each role sees, exports and may mail per label;
//! - privacy: retention on a test clock, one person's export and erasure,
//!   no share without consent;
//! - hostile input at every door: form, API, mail, feed.

use indaba_testkit::browser::{chromium, fill_and_submit, wait_for_text, wait_for_url, wait_until};
use indaba_testkit::platform::{
    Db, Server, TempDir, client, csrf, location, mailbox, start, wait_for_mail,
};
use indaba_testkit::testbed;
use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_indaba");

/// A server with the desk's intake on LMTP (Postfix routes
/// `desk-N@intake.test` to it).
struct Desk {
    server: Server,
    lmtp: u16,
    intake: String,
    key: String,
    _keys: TempDir,
}

/// A free intake slot of the test network's Postfix: `desk-N@intake.test`
/// goes to 127.0.0.1:(24240+N), N = 1..20 (testbed/up).
fn intake_slot() -> (u16, u16) {
    use std::sync::Mutex;
    static TAKEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let mut taken = TAKEN.lock().unwrap_or_else(|p| p.into_inner());
    for n in 1..=20u16 {
        let port = 24240 + n;
        if !taken.contains(&n) && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            taken.push(n);
            return (n, port);
        }
    }
    panic!("no free desk intake slot (127.0.0.1:24241-24260)");
}

async fn start_desk(db: Db) -> Desk {
    let keys = TempDir::new();
    let key = keys.path().join("desk.key").display().to_string();
    let (slot, lmtp) = intake_slot();
    let intake = format!("desk-{slot}@intake.test");
    let listen = format!("127.0.0.1:{lmtp}");
    let server = start(
        BIN,
        db,
        &[
            "--lmtp-listen",
            &listen,
            "--desk-intake-address",
            &intake,
            "--desk-key-file",
            &key,
            "--submit-burst",
            "100",
            "--submit-per-minute",
            "1000",
            "--rdap-bootstrap",
            &testbed("INDABA_TB_RDAP_BOOTSTRAP_URL"),
            "--ca-file",
            &testbed("INDABA_TB_CA"),
        ],
    )
    .await;
    Desk {
        server,
        lmtp,
        intake,
        key,
        _keys: keys,
    }
}

impl Desk {
    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// `indaba desk ARGS` against this server's database, mail relay and
    /// intake address.
    fn desk(&self, args: &[&str]) -> serde_json::Value {
        let smtp = testbed("INDABA_TB_SMTP");
        let ca = testbed("INDABA_TB_CA");
        let mut all = vec!["desk"];
        all.extend_from_slice(args);
        all.extend([
            "--smtp",
            &smtp,
            "--smtp-ca-file",
            &ca,
            "--mail-from",
            "indaba@relay.test",
            "--base-url",
            &self.server.base,
            "--desk-intake-address",
            &self.intake,
            "--desk-key-file",
            &self.key,
        ]);
        let out = self.server.command(&all);
        assert!(
            out.status.success(),
            "indaba {all:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    }

    async fn signed_in(&self, email: &str, role: &str) -> reqwest::Client {
        self.server
            .create_user(email, role, "a long enough password");
        self.server.signed_in(email, "a long enough password").await
    }
}

/// The Unix time of RFC 3339 `now + days`.
fn days_from_now(days: f64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds_f64(days * 86_400.0);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

async fn post_form(
    c: &reqwest::Client,
    page: &str,
    url: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = csrf(c, page).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
    form.extend_from_slice(fields);
    c.post(url).form(&form).send().await.expect("post")
}

/// Reports through the public form in one go; returns the private link's path.
async fn public_report(d: &Desk, fields: &[(&str, &str)]) -> String {
    let c = client();
    let mut all = vec![("action", "send")];
    all.extend_from_slice(fields);
    let r = post_form(&c, &d.url("/report"), &d.url("/report"), &all).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let status = location(&r);
    assert!(status.starts_with("/status/"), "{status}");
    status
}

async fn text(c: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let r = c.get(url).send().await.expect("get");
    let s = r.status();
    (s, r.text().await.unwrap_or_default())
}

/// The reference shown on a status page.
fn reference_in(page: &str) -> String {
    let start = page.find("IND-").expect("a reference");
    page[start..start + 15].to_string()
}

/// The case id of `reference` from the analyst's search.
async fn case_id(d: &Desk, analyst: &reqwest::Client, reference: &str) -> String {
    let (_, page) = text(analyst, &d.url(&format!("/desk?q={reference}"))).await;
    page.split("href=\"/desk/case/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("{reference} not found: {page}"))
        .to_string()
}

/// Sends `raw` through the test network's Postfix to `to`; returns the
/// relay's answer to the message.
async fn smtp_send(from: &str, to: &str, raw: &str) -> String {
    let relay = testbed("INDABA_TB_SMTP");
    let stream = tokio::net::TcpStream::connect(&relay).await.expect("relay");
    dialogue(stream, "EHLO abuse.hoster.test", from, to, raw).await
}

/// Sends `raw` straight to an LMTP listener.
async fn lmtp_send(port: u16, to: &str, raw: &str) -> String {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("lmtp");
    dialogue(stream, "LHLO test", "sender@example.test", to, raw).await
}

async fn dialogue(
    stream: tokio::net::TcpStream,
    hello: &str,
    from: &str,
    to: &str,
    raw: &str,
) -> String {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    async fn answer(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                return all;
            }
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all;
            }
        }
    }
    answer(&mut r).await;
    for cmd in [
        hello.to_string(),
        format!("MAIL FROM:<{from}>"),
        format!("RCPT TO:<{to}>"),
    ] {
        w.write_all(format!("{cmd}\r\n").as_bytes()).await.unwrap();
        let a = answer(&mut r).await;
        if !a.starts_with('2') {
            return a;
        }
    }
    w.write_all(b"DATA\r\n").await.unwrap();
    let a = answer(&mut r).await;
    if !a.starts_with('3') {
        return a;
    }
    let mut body = String::with_capacity(raw.len() + 16);
    for line in raw.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with('.') {
            body.push('.');
        }
        body.push_str(line);
        body.push_str("\r\n");
    }
    body.push_str(".\r\n");
    // A refusing server may close before it has read everything.
    let _ = w.write_all(body.as_bytes()).await;
    let a = answer(&mut r).await;
    let _ = w.write_all(b"QUIT\r\n").await;
    a
}

fn mail_header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    mail.lines()
        .take_while(|l| !l.is_empty())
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .map(|l| l[name.len() + 1..].trim())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_victim_is_helped_from_report_to_resolution_in_a_browser() {
    use fantoccini::Locator;
    let d = start_desk(Db::Sqlite).await;
    let analyst_http = d.signed_in("analyst@example.test", "analyst").await;
    for (kind, name) in [
        ("bank", "Banking Ombud"),
        ("police", "SAPS Cybercrime"),
        ("credit-bureau", "Credit Bureau ZA"),
    ] {
        let r = post_form(
            &analyst_http,
            &d.url("/desk/settings"),
            &d.url("/desk/settings/contact"),
            &[
                ("country", "ZA"),
                ("kind", kind),
                ("name", name),
                ("phone", "+27 10 000 0000"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let browser = chromium().await;
    let b = &browser.client;

    // The victim answers the questions; the form saves itself as they type.
    b.goto(&d.url("/report")).await.unwrap();
    b.find(Locator::Id("what-identity-theft"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Id("exposed-id-number"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Id("exposed-bank-card"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Id("description"))
        .await
        .unwrap()
        .send_keys("Someone opened a loan at Zanzibank in my name. The fraudster wrote from https://login.bank-example.test/verify")
        .await
        .unwrap();
    b.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("Thandi")
        .await
        .unwrap();
    b.find(Locator::Id("country"))
        .await
        .unwrap()
        .send_keys("ZA")
        .await
        .unwrap();
    let link = wait_for_url(b, "/report/d/").await;
    wait_for_text(b, "Your private link").await;
    // They leave, and come back by the private link: nothing is lost.
    b.goto(&d.url("/")).await.unwrap();
    b.goto(&link).await.unwrap();
    let page = wait_for_text(b, "Zanzibank").await;
    assert!(page.contains("Thandi"));
    b.find(Locator::Id("contact_ok"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let before = mailbox();
    fill_and_submit(b, &[("email", "thandi@victim.test")]).await;
    // The submit button of fill_and_submit is the first: "save".
    wait_for_url(b, "/report/d/").await;
    // The draft page may still be settling (autosave): a button found just
    // before it is redrawn goes stale, so find it again.
    let mut sent = false;
    for _ in 0..20 {
        if let Ok(send) = b.find(Locator::Id("send")).await
            && send.click().await.is_ok()
        {
            sent = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(sent, "the send button could not be clicked");
    let status_url = wait_for_url(b, "/status/").await;
    let page = wait_for_text(b, "Recover from identity theft").await;
    let reference = reference_in(&page);
    assert!(
        page.contains("Banking Ombud"),
        "the bank step names the bank of ZA"
    );
    assert!(page.contains("Credit Bureau ZA"));
    // The acknowledgement carries the label in subject and body.
    let ack = wait_for_mail("the acknowledgement", &before, |m| {
        m.contains(&reference) && m.contains("thandi@victim.test")
    })
    .await;
    assert!(
        mail_header(&ack, "Subject")
            .unwrap()
            .starts_with("[TLP:AMBER]"),
        "{ack}"
    );
    assert!(ack.contains("TLP:AMBER (FIRST TLP 2.0"), "{ack}");

    // The pre-filled letter to the bank.
    let letter_url = b
        .find(Locator::Id("letter-bank"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let pdf = client().get(d.url(&letter_url)).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&pdf).contains("Dear Banking Ombud,"));
    // A step ticked off.
    b.find(Locator::Id("tick-bank"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "Steps done: 1").await;
    b.find(Locator::Id("consent-abuse"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "You agreed to share with").await;

    // A second report of the same fraud, by someone else.
    let second_status = public_report(
        &d,
        &[
            ("what", "identity-theft"),
            ("description", "A Zanzibank loan I never asked for"),
        ],
    )
    .await;
    let (_, second_page) = text(&client(), &d.url(&second_status)).await;
    let second = reference_in(&second_page);

    // The analyst triages: an incident from the first report, the second linked to it.
    b.goto(&d.url("/login")).await.unwrap();
    fill_and_submit(
        b,
        &[
            ("email", "analyst@example.test"),
            ("password", "a long enough password"),
        ],
    )
    .await;
    wait_for_text(b, "Sign out").await;
    b.goto(&d.url("/desk")).await.unwrap();
    let triage = wait_for_text(b, &second).await;
    assert!(triage.contains(&reference));
    b.find(Locator::LinkText(&reference))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "Someone opened a loan").await;
    b.find(Locator::Id("incident-title"))
        .await
        .unwrap()
        .send_keys("Zanzibank loan fraud")
        .await
        .unwrap();
    b.find(Locator::Id("make-incident"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let incident_page = wait_for_text(b, "Zanzibank loan fraud").await;
    let incident = reference_in(&incident_page);
    let incident_url = b.current_url().await.unwrap().to_string();
    b.goto(&d.url("/desk")).await.unwrap();
    wait_for_text(b, &second).await;
    b.find(Locator::Id(&format!("pick-{second}")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Id("bulk-action"))
        .await
        .unwrap()
        .select_by_value("link")
        .await
        .unwrap();
    let incident_id = incident_url.rsplit('/').next().unwrap().to_string();
    b.find(Locator::Id("bulk-target"))
        .await
        .unwrap()
        .select_by_value(&incident_id)
        .await
        .unwrap();
    b.find(Locator::Css("#bulk button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "Done.").await;
    b.goto(&incident_url).await.unwrap();
    let page = wait_for_text(b, &second).await;
    assert!(page.contains(&reference), "both reports under the incident");

    // Forward to the abuse contact of the phishing site, as X-ARF.
    let before = mailbox();
    b.find(Locator::Id("forward-to"))
        .await
        .unwrap()
        .send_keys("abuse@hoster.test")
        .await
        .unwrap();
    b.find(Locator::Id("forward-source"))
        .await
        .unwrap()
        .send_keys("https://login.bank-example.test/verify")
        .await
        .unwrap();
    b.find(Locator::Id("forward-go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let investigation_page = wait_for_text(b, "Sent.").await;
    let investigation = reference_in(&investigation_page);
    let investigation_url = b.current_url().await.unwrap().to_string();
    let xarf = wait_for_mail("the X-ARF report", &before, |m| {
        m.contains("abuse@hoster.test") && m.contains("X-ARF")
    })
    .await;
    assert_eq!(mail_header(&xarf, "X-ARF"), Some("YES"));
    let subject = mail_header(&xarf, "Subject").unwrap();
    assert!(
        subject.starts_with("[TLP:AMBER]") && subject.contains(&investigation),
        "{subject}"
    );
    assert!(xarf.contains("Category: \"fraud\""), "{xarf}");
    assert!(
        xarf.contains("Someone opened a loan"),
        "the consenting victim's words are evidence"
    );
    assert!(
        !xarf.contains("A Zanzibank loan I never asked for"),
        "the second reporter did not consent"
    );
    let reply_to = mail_header(&xarf, "Reply-To")
        .unwrap()
        .trim_matches(['<', '>'])
        .to_string();
    let (local, domain) = d.intake.split_once('@').unwrap();
    assert_eq!(
        reply_to,
        format!("{local}+{}@{domain}", investigation.to_ascii_lowercase())
    );

    // The abuse contact answers through Postfix; the reply lands in the case.
    let reply = format!(
        "From: abuse@hoster.test\r\nTo: {reply_to}\r\nSubject: Re: {subject}\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n\
         We took the phishing page down at 10:42.\r\n--b1\r\nContent-Type: text/plain; name=\"log.txt\"\r\n\
         Content-Disposition: attachment; filename=\"log.txt\"\r\n\r\nremoved /verify\r\n--b1--\r\n"
    );
    let answer = smtp_send("abuse@hoster.test", &reply_to, &reply).await;
    assert!(answer.starts_with("250"), "{answer}");
    wait_until("the reply never appeared in the investigation", || {
        let url = investigation_url.clone();
        async move {
            b.goto(&url).await.map_err(|e| e.to_string())?;
            let page = b.source().await.map_err(|e| e.to_string())?;
            if page.contains("We took the phishing page down") && page.contains("log.txt") {
                Ok(())
            } else {
                Err("not yet".into())
            }
        }
    })
    .await;

    // Reminders on schedule, on the test clock: day 1, then day 3.
    let before = mailbox();
    let early = d.desk(&["tick", "--now", &days_from_now(0.5)]);
    assert_eq!(early["victim_reminders"], 0, "{early}");
    let day1 = d.desk(&["tick", "--now", &days_from_now(1.01)]);
    assert_eq!(day1["victim_reminders"], 1, "{day1}");
    let m = wait_for_mail("the day-1 reminder", &before, |m| {
        m.contains("thandi@victim.test") && m.contains("day 1")
    })
    .await;
    assert!(
        mail_header(&m, "Subject")
            .unwrap()
            .contains(&format!("[{reference}]"))
    );
    let again = d.desk(&["tick", "--now", &days_from_now(1.5)]);
    assert_eq!(
        again["victim_reminders"], 0,
        "one reminder per day of the schedule: {again}"
    );
    let day3 = d.desk(&["tick", "--now", &days_from_now(3.01)]);
    assert_eq!(day3["victim_reminders"], 1, "{day3}");
    assert_eq!(
        day3["forward_reminders"], 0,
        "the abuse contact answered: {day3}"
    );
    wait_for_mail("the day-3 reminder", &before, |m| {
        m.contains("thandi@victim.test") && m.contains("day 3")
    })
    .await;

    // The incident is resolved; the victim's page says so.
    b.goto(&incident_url).await.unwrap();
    wait_for_text(b, &incident).await;
    b.find(Locator::Id("act"))
        .await
        .unwrap()
        .select_by_value("resolve")
        .await
        .unwrap();
    b.find(Locator::Id("act-go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "the case is now Resolved").await;
    b.goto(&status_url).await.unwrap();
    let page = wait_for_text(b, "state-resolved").await;
    assert!(page.contains("Resolved"));
    // The desk sees the victim's progress.
    let id = case_id(&d, &analyst_http, &reference).await;
    let (_, case) = text(&analyst_http, &d.url(&format!("/desk/case/{id}"))).await;
    assert!(case.contains("id=\"progress\">1 / "), "{case}");
}

/// Creates an organisation and a member of it through the admin pages;
/// returns the organisation's id.
async fn member_of(d: &Desk, admin: &reqwest::Client, org: &str, email: &str) -> String {
    let r = post_form(
        admin,
        &d.url("/admin"),
        &d.url("/admin/organisations"),
        &[("name", org), ("stakeholder", "hosting")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, page) = text(admin, &d.url("/admin")).await;
    let org_id = page
        .split("id=\"nu-org\"")
        .nth(1)
        .and_then(|s| s.split(&format!(">{org}</option>")).next())
        .and_then(|s| s.rsplit("<option value=\"").next())
        .and_then(|s| s.split('"').next())
        .expect("the organisation is listed")
        .to_string();
    if !email.is_empty() {
        let r = post_form(
            admin,
            &d.url("/admin"),
            &d.url("/admin/users"),
            &[
                ("email", email),
                ("name", "m"),
                ("role", "member"),
                ("organisation", &org_id),
                ("password", "a long enough password"),
            ],
        )
        .await;
        assert!(r.text().await.unwrap().contains(email));
    }
    org_id
}

async fn api_key(d: &Desk, admin: &reqwest::Client, email: &str) -> String {
    let (_, page) = text(admin, &d.url("/admin")).await;
    let user_id = page
        .split("id=\"k-user\"")
        .nth(1)
        .and_then(|s| s.split(&format!(">{email}</option>")).next())
        .and_then(|s| s.rsplit("<option value=\"").next())
        .and_then(|s| s.split('"').next())
        .expect("the user is listed")
        .to_string();
    let page = post_form(
        admin,
        &d.url("/admin"),
        &d.url("/admin/api-keys"),
        &[("user", &user_id), ("label", "desk")],
    )
    .await
    .text()
    .await
    .unwrap();
    page.split("ik_")
        .nth(1)
        .map(|s| format!("ik_{}", s.split(['<', ' ', '"']).next().unwrap_or_default()))
        .expect("the key is shown once")
}

#[tokio::test(flavor = "multi_thread")]
async fn tlp_and_roles_decide_what_is_seen_exported_and_mailed() {
    let d = start_desk(Db::Sqlite).await;
    let admin = d.signed_in("admin@example.test", "admin").await;
    let analyst = d.signed_in("analyst@example.test", "analyst").await;
    let _org_a = member_of(&d, &admin, "Hoster A", "a@hoster-a.test").await;
    let _org_b = member_of(&d, &admin, "Hoster B", "b@hoster-b.test").await;
    d.server
        .create_user("loner@example.test", "member", "a long enough password");
    let own = d
        .server
        .signed_in("a@hoster-a.test", "a long enough password")
        .await;
    let other = d
        .server
        .signed_in("b@hoster-b.test", "a long enough password")
        .await;
    let loner = d
        .server
        .signed_in("loner@example.test", "a long enough password")
        .await;
    let public = client();
    let key = api_key(&d, &admin, "a@hoster-a.test").await;

    // One case per label, reported by organisation A's system through the API.
    let mut cases = Vec::new();
    for tlp in ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"] {
        let r = client()
            .post(d.url("/api/v1/desk/reports"))
            .bearer_auth(&key)
            .json(&serde_json::json!({"title": format!("{tlp} case"), "description": "Phishing at https://phish.hoster-a.test/ from 127.0.10.1", "classification": "fraud/phishing", "tlp": tlp}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["tlp"], format!("TLP:{tlp}"));
        cases.push((
            tlp,
            body["id"].as_str().unwrap().to_string(),
            body["reference"].as_str().unwrap().to_string(),
        ));
    }
    // label → (desk, own member, other member, member without organisation)
    let see = [
        ("CLEAR", [true, true, true, true]),
        ("GREEN", [true, true, true, true]),
        ("AMBER", [true, true, false, false]),
        ("AMBER+STRICT", [true, true, false, false]),
        ("RED", [true, false, false, false]),
    ];
    let export = [
        ("CLEAR", [true, true, true, true]),
        ("GREEN", [true, true, true, true]),
        ("AMBER", [true, true, false, false]),
        ("AMBER+STRICT", [true, false, false, false]),
        ("RED", [true, false, false, false]),
    ];
    for ((tlp, id, reference), ((_, can_see), (_, can_export))) in
        cases.iter().zip(see.iter().zip(export.iter()))
    {
        for (who, c, sees, exports) in [
            ("analyst", &analyst, can_see[0], can_export[0]),
            ("own member", &own, can_see[1], can_export[1]),
            ("other member", &other, can_see[2], can_export[2]),
            (
                "member without organisation",
                &loner,
                can_see[3],
                can_export[3],
            ),
        ] {
            let (status, page) = text(c, &d.url(&format!("/desk/case/{id}"))).await;
            assert_eq!(
                status == StatusCode::OK,
                sees,
                "{who} reading {tlp}: {status}"
            );
            if sees {
                assert!(
                    page.contains(&format!("TLP:{tlp}")),
                    "the label is on the page"
                );
            }
            let (status, body) =
                text(c, &d.url(&format!("/desk/case/{id}/export/stix.json"))).await;
            assert_eq!(
                status == StatusCode::OK,
                exports,
                "{who} exporting {tlp}: {status}"
            );
            if exports {
                let bundle: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(bundle["type"], "bundle");
                let misp = text(c, &d.url(&format!("/desk/case/{id}/export/misp.json")))
                    .await
                    .1;
                let tag = format!("tlp:{}", tlp.to_ascii_lowercase());
                assert!(misp.contains(&tag), "{who} {tlp}: {misp}");
            }
        }
        // The public sees nothing of any case, and the API key's owner what the label allows.
        let (status, _) = text(&public, &d.url(&format!("/desk/case/{id}"))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let r = client()
            .get(d.url(&format!("/api/v1/desk/reports/{reference}")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status() == StatusCode::OK,
            *tlp != "RED",
            "API read of {tlp}"
        );
        // Mailed: to an abuse contact only up to AMBER.
        let r = post_form(
            &analyst,
            &d.url(&format!("/desk/case/{id}")),
            &d.url(&format!("/desk/case/{id}/forward")),
            &[
                ("to", "abuse@hoster-a.test"),
                ("format", "x-arf"),
                ("source", "127.0.10.1"),
            ],
        )
        .await;
        let investigation = location(&r);
        let (_, page) = text(&analyst, &d.url(&investigation)).await;
        let may = matches!(*tlp, "CLEAR" | "GREEN" | "AMBER");
        assert_eq!(
            page.contains("Sent."),
            may,
            "mailing {tlp} to an abuse contact: {page}"
        );
        if !may {
            assert!(page.contains("may not be mailed"), "{page}");
        }
        // Members may not forward at all.
        let r = post_form(
            &own,
            &d.url("/desk/member"),
            &d.url(&format!("/desk/case/{id}/forward")),
            &[("to", "x@y.test")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    // Every read of a RED case is in the audit log.
    let (_, audit) = text(&admin, &d.url("/admin")).await;
    let red_reads = audit.matches("desk.read.red").count();
    assert!(red_reads >= 3, "RED reads audited: {red_reads}");
    // The member's own list shows what they may see.
    let (_, mine) = text(&own, &d.url("/desk/member")).await;
    assert!(
        mine.contains("AMBER+STRICT case") && !mine.contains("RED case"),
        "{mine}"
    );
    // The delivery log keeps the refusals too.
    let (_, log) = text(&analyst, &d.url(&format!("/desk/case/{}", cases[4].1))).await;
    assert!(log.contains("TLP:RED"));
}

#[tokio::test(flavor = "multi_thread")]
async fn privacy_retention_export_erasure_and_consent_on_postgres() {
    let d = start_desk(Db::Postgres).await;
    let admin = d.signed_in("admin@example.test", "admin").await;
    let analyst = d.signed_in("analyst@example.test", "analyst").await;

    // No share without a recorded consent.
    let status = public_report(
        &d,
        &[
            ("what", "online-fraud"),
            (
                "description",
                "Paid for a phone at https://shop.fraud.test that never came",
            ),
            ("contact_ok", "1"),
            ("email", "old@victim.test"),
            ("stats_consent", "1"),
            ("age_band", "30-44"),
            ("region", "Gauteng"),
        ],
    )
    .await;
    let (_, page) = text(&client(), &d.url(&status)).await;
    let reference = reference_in(&page);
    let id = case_id(&d, &analyst, &reference).await;
    let r = post_form(
        &analyst,
        &d.url(&format!("/desk/case/{id}")),
        &d.url(&format!("/desk/case/{id}/forward")),
        &[("to", "abuse@fraud.test"), ("format", "x-arf")],
    )
    .await;
    let (_, inv) = text(&analyst, &d.url(&location(&r))).await;
    assert!(inv.contains("has not agreed"), "{inv}");
    let c = client();
    let r = post_form(
        &c,
        &d.url(&status),
        &d.url(&format!("{status}/consent")),
        &[("party", "abuse-contact")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post_form(
        &analyst,
        &d.url(&format!("/desk/case/{id}")),
        &d.url(&format!("/desk/case/{id}/forward")),
        &[("to", "abuse@fraud.test"), ("format", "x-arf")],
    )
    .await;
    let (_, inv) = text(&analyst, &d.url(&location(&r))).await;
    assert!(inv.contains("Sent."), "{inv}");

    // One person's data, exported.
    let r = post_form(
        &analyst,
        &d.url("/desk/settings"),
        &d.url("/desk/person"),
        &[("email", "old@victim.test"), ("what", "export")],
    )
    .await;
    let export: serde_json::Value = r.json().await.unwrap();
    assert_eq!(export["cases"][0]["reference"], reference.as_str());
    assert_eq!(export["cases"][0]["consents"][0]["party"], "abuse-contact");

    // Retention: closed, then 181 days on the test clock: only aggregates remain.
    let r = post_form(
        &analyst,
        &d.url(&format!("/desk/case/{id}")),
        &d.url(&format!("/desk/case/{id}/act")),
        &[("action", "resolve")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let before = text(&client(), &d.url("/statistics.csv")).await.1;
    assert!(
        before.contains("classification,\"cybercrime-victim/online-fraud\",<5"),
        "{before}"
    );
    let kept = d.desk(&["tick", "--now", &days_from_now(179.0)]);
    assert_eq!(kept["retained"], 0);
    let gone = d.desk(&["tick", "--now", &days_from_now(181.0)]);
    assert_eq!(gone["retained"], 1, "{gone}");
    assert_eq!(
        text(&analyst, &d.url(&format!("/desk/case/{id}"))).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        text(&client(), &d.url(&status)).await.0,
        StatusCode::NOT_FOUND
    );
    let after = text(&client(), &d.url("/statistics.csv")).await.1;
    assert_eq!(before, after, "statistics keep the aggregate");
    let r = post_form(
        &analyst,
        &d.url("/desk/settings"),
        &d.url("/desk/person"),
        &[("email", "old@victim.test"), ("what", "export")],
    )
    .await;
    let export: serde_json::Value = r.json().await.unwrap();
    assert_eq!(export["cases"].as_array().unwrap().len(), 0);

    // Erasure on request: admins only; audited without the data.
    public_report(
        &d,
        &[
            ("what", "sextortion"),
            ("description", "Threats from an Instagram account"),
            ("contact_ok", "1"),
            ("email", "erase.me@victim.test"),
        ],
    )
    .await;
    let r = post_form(
        &analyst,
        &d.url("/desk/settings"),
        &d.url("/desk/person"),
        &[("email", "erase.me@victim.test"), ("what", "erase")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post_form(
        &admin,
        &d.url("/desk/settings"),
        &d.url("/desk/person"),
        &[("email", "erase.me@victim.test"), ("what", "erase")],
    )
    .await;
    assert!(location(&r).contains("Erased"), "{}", location(&r));
    let (_, search) = text(&analyst, &d.url("/desk?q=Instagram")).await;
    assert!(!search.contains("Threats from an Instagram"));
    let (_, audit) = text(&admin, &d.url("/admin")).await;
    assert!(audit.contains("desk.person.erase"));
    assert!(
        !audit.contains("erase.me@victim.test") && !audit.contains("Instagram"),
        "the audit log keeps no data of the erased"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_input_at_every_door() {
    let d = start_desk(Db::Sqlite).await;
    let analyst = d.signed_in("analyst@example.test", "analyst").await;
    let admin = d.signed_in("admin@example.test", "admin").await;

    // The form: no CSRF, too large, nonsense answers, control characters, a bad address.
    let c = client();
    let r = c
        .post(d.url("/report"))
        .form(&[("action", "send"), ("description", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let huge = "x".repeat(300 * 1024);
    let r = post_form(
        &c,
        &d.url("/report"),
        &d.url("/report"),
        &[("action", "send"), ("description", &huge)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = post_form(
        &c,
        &d.url("/report"),
        &d.url("/report"),
        &[
            ("action", "send"),
            ("what", "<script>"),
            ("contact_ok", "1"),
            ("email", "not an address"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Tell us what happened") && page.contains("does not look right"),
        "{page}"
    );
    let status = public_report(
        &d,
        &[
            (
                "description",
                "bell\u{7}and\u{0}null <script>alert(1)</script> \u{202e}reversed",
            ),
            ("country", "<b>"),
        ],
    )
    .await;
    let (_, page) = text(&c, &d.url(&status)).await;
    assert!(!page.contains("<script>alert"));
    let id = case_id(&d, &analyst, &reference_in(&page)).await;
    let (_, case) = text(&analyst, &d.url(&format!("/desk/case/{id}"))).await;
    let description = case
        .split("id=\"description\">")
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        description.starts_with("belland")
            && description.contains("&#60;script&#62;alert(1)")
            && !description.contains('\u{202e}'),
        "escaped, controls gone: {description}"
    );
    assert_eq!(
        text(&c, &d.url("/status/not-a-token")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        text(&c, &d.url(&format!("/status/{}", "x".repeat(5000))))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // The API.
    let key = {
        d.server
            .create_user("api@example.test", "member", "a long enough password");
        api_key(&d, &admin, "api@example.test").await
    };
    let api = |body: Vec<u8>, key: Option<&str>| {
        let mut r = client()
            .post(d.url("/api/v1/desk/reports"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        r.send()
    };
    assert_eq!(
        api(b"{}".to_vec(), None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    for bad in [&b"not json"[..], b"{\"description\": 5}", b"{\"description\": \"x\", \"evil\": 1}", b"{\"description\": \"x\", \"tlp\": \"PURPLE\"}", b"{\"description\": \"x\", \"classification\": \"no/such\"}", b"{}", b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]"] {
        let r = api(bad.to_vec(), Some(&key)).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(bad));
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body["error"].is_string());
    }
    let big = serde_json::json!({"description": "y".repeat(400 * 1024)}).to_string();
    assert_eq!(
        api(big.into_bytes(), Some(&key)).await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );

    // Mail: straight to the LMTP listener.
    let to = d.intake.clone();
    let huge = format!(
        "From: a@b.test\r\nSubject: big\r\n\r\n{}",
        "0123456789abcdef\r\n".repeat(25 * 1024 * 1024 / 18)
    );
    let a = lmtp_send(d.lmtp, &to, &huge).await;
    assert!(a.starts_with("552"), "25 MB refused: {a}");
    let mut nested = String::from(
        "From: a@b.test\r\nSubject: nested\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n",
    );
    for i in 0..150 {
        nested.push_str(&format!(
            "--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{}\"\r\n\r\n",
            i + 1
        ));
    }
    nested.push_str("deep\r\n");
    let a = lmtp_send(d.lmtp, &to, &nested).await;
    assert!(a.starts_with("554"), "deep nesting refused: {a}");
    let broken = "From: broken@b.test\r\nSubject: =?utf-8?B?!!!?=\r\nContent-Type: multipart/mixed; boundary=\"never\"\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@ not base64 \u{0} and no boundary";
    let a = lmtp_send(d.lmtp, &to, broken).await;
    assert!(a.starts_with("250"), "broken MIME kept: {a}");
    let html = "From: html@b.test\r\nSubject: html report\r\nContent-Type: text/html\r\n\r\n<html><body><p>Phish at <b>login.evil.test</b></p><script>alert('x')</script><img src=x onerror=alert(2)></body></html>";
    let a = lmtp_send(d.lmtp, &to, html).await;
    assert!(a.starts_with("250"), "{a}");
    let reference = a.split_whitespace().last().unwrap().to_string();
    let id = case_id(&d, &analyst, &reference).await;
    let (_, case) = text(&analyst, &d.url(&format!("/desk/case/{id}"))).await;
    assert!(case.contains("login.evil.test"), "{case}");
    assert!(
        !case.contains("<script>alert") && !case.contains("onerror=alert(2)>"),
        "HTML is never rendered"
    );
    // A zip bomb is kept as bytes, never opened.
    let bomb = {
        // A small zip whose one entry claims 4 GiB (sizes in the headers).
        let mut z = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        z.extend_from_slice(&[0u8; 8]);
        z.extend_from_slice(&[0x10, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        z.extend_from_slice(b"\x08\x00\x00\x00bomb.txt");
        z.extend_from_slice(&[
            0x63, 0x18, 0x05, 0xa3, 0x60, 0x14, 0x8c, 0x54, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&z)
    };
    let zipped = format!(
        "From: zip@b.test\r\nSubject: evidence\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"z\"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--z\r\nContent-Type: application/zip; name=\"bomb.zip\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"bomb.zip\"\r\n\r\n{bomb}\r\n--z--\r\n"
    );
    let a = lmtp_send(d.lmtp, &to, &zipped).await;
    assert!(a.starts_with("250"), "{a}");
    let id = case_id(&d, &analyst, a.split_whitespace().last().unwrap()).await;
    let (_, case) = text(&analyst, &d.url(&format!("/desk/case/{id}"))).await;
    assert!(
        case.contains("bomb.zip") && case.contains("application/zip"),
        "{case}"
    );
    let href = case
        .split("href=\"/desk/attachment/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let r = analyst
        .get(d.url(&format!("/desk/attachment/{href}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(r.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    // Through Postfix, 25 MB is refused at the door (its limit is 10 MB).
    let a = smtp_send("a@b.test", &to, &huge).await;
    assert!(a.starts_with("552"), "{a}");
    // Mail for anyone else is not ours.
    let a = lmtp_send(d.lmtp, "someone@intake.test", "Subject: x\r\n\r\nx").await;
    assert!(a.starts_with("550"), "{a}");

    // Feeds: garbage, then a CSV with broken rows, by upload and on the command line.
    let token = csrf(&analyst, &d.url("/desk/settings")).await;
    let upload = |body: Vec<u8>, query: &str| {
        analyst
            .post(d.url(&format!("/desk/feeds?{query}")))
            .header("x-csrf-token", token.clone())
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let r = upload(vec![0xff, 0x00, 0x13, 0x37], "type=scan_dns")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = upload(
        b"timestamp,ip\n2026-12-05 01:00:00,1.2.3.4\n".to_vec(),
        "type=../../etc",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let csv = "\"timestamp\",\"ip\",\"port\",\"asn\",\"tag\"\n\"2026-12-05 01:00:00\",\"127.0.10.1\",53,64500,\"openresolver\"\n\"yesterday\",\"127.0.10.2\",53,64500,\"openresolver\"\n\"2026-12-05 01:00:00\",\"999.1.1.1\",53,,\"x\"\n\"2026-12-05 01:00:00\",\"127.0.10.3\",\"\u{0}\u{1}\",\"AS64500\",\"open\u{7}resolver\"\n";
    let r = upload(csv.as_bytes().to_vec(), "name=2026-12-05-scan_dns-za.csv")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (s["events"].as_u64(), s["errors"].as_u64()),
        (Some(2), Some(2)),
        "{s}"
    );
    assert_eq!(s["error_rows"][0]["line"], 3);
    assert_eq!(s["classification"], "vulnerable/ddos-amplifier");
    let no_csrf = analyst
        .post(d.url("/desk/feeds?type=scan_dns"))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
    let dir = TempDir::new();
    let file = dir.path().join("2026-12-05-event4_sinkhole-za.csv");
    std::fs::write(&file, csv).unwrap();
    let s = d.desk(&["import-feed", file.to_str().unwrap()]);
    assert_eq!(s["classification"], "malicious-code/infected-system", "{s}");
    std::fs::write(&file, b"\x00\x01garbage").unwrap();
    let out = d
        .server
        .command(&["desk", "import-feed", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Shadowserver header"));
}

#[tokio::test(flavor = "multi_thread")]
async fn feeds_reach_constituents_as_one_digest_a_day_and_statistics_hide_small_cells() {
    let d = start_desk(Db::Sqlite).await;
    let admin = d.signed_in("admin@example.test", "admin").await;
    let analyst = d.signed_in("analyst@example.test", "analyst").await;
    let org = member_of(&d, &admin, "Hoster", "").await;
    let r = post_form(
        &analyst,
        &d.url("/desk/settings"),
        &d.url("/desk/settings/constituency"),
        &[
            ("organisation", &org),
            ("resource", "127.0.10.0/24"),
            ("contact", "noc@hoster.test"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let yesterday = (time::OffsetDateTime::now_utc() - time::Duration::days(1)).date();
    let mut csv = String::from("timestamp,ip,port,asn,tag\n");
    for i in 0..7 {
        csv.push_str(&format!(
            "{yesterday} 0{i}:00:00,127.0.10.{i},53,64500,openresolver\n"
        ));
    }
    csv.push_str(&format!(
        "{yesterday} 09:00:00,10.1.1.1,53,1,openresolver\n"
    ));
    let dir = TempDir::new();
    let file = dir.path().join(format!("{yesterday}-scan_dns-za.csv"));
    std::fs::write(&file, &csv).unwrap();
    let s = d.desk(&["import-feed", file.to_str().unwrap()]);
    assert_eq!(
        (s["events"].as_u64(), s["matched"].as_u64()),
        (Some(8), Some(7)),
        "{s}"
    );
    let before = mailbox();
    let t = d.desk(&["tick", "--now", &days_from_now(0.0)]);
    assert_eq!(t["digests"], 1, "{t}");
    let digest = wait_for_mail("the digest", &before, |m| m.contains("noc@hoster.test")).await;
    assert!(
        mail_header(&digest, "Subject")
            .unwrap()
            .starts_with("[TLP:AMBER]")
    );
    assert!(digest.contains("7 security events"), "{digest}");
    // Importing the same day again adds no second digest for that day.
    d.desk(&["import-feed", file.to_str().unwrap()]);
    let t = d.desk(&["tick", "--now", &days_from_now(0.0)]);
    assert_eq!(t["digests"], 0, "one digest per constituent per day: {t}");

    // Statistics: 6 phishing reports, 2 sextortion: the small cell is hidden,
    // and so is its complement.
    for _ in 0..6 {
        public_report(
            &d,
            &[("what", "phishing"), ("description", "a fake bank page")],
        )
        .await;
    }
    for _ in 0..2 {
        public_report(
            &d,
            &[
                ("what", "sextortion"),
                ("description", "threats"),
                ("stats_consent", "1"),
                ("age_band", "18-29"),
            ],
        )
        .await;
    }
    let csv = text(&client(), &d.url("/statistics.csv")).await.1;
    assert!(
        csv.contains("classification,\"cybercrime-victim/sextortion\",<5"),
        "{csv}"
    );
    assert!(
        csv.contains("classification,\"fraud/phishing\",<5"),
        "complementary suppression: {csv}"
    );
    assert!(csv.contains("classification,\"total\",8"), "{csv}");
    assert!(csv.contains("age_band,\"18-29\",<5"), "{csv}");
    let page = text(&client(), &d.url("/statistics")).await.1;
    assert!(page.contains("is not shown") && page.contains("/statistics/classification.svg"));
    let r = client()
        .get(d.url("/statistics/classification.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.unwrap().replace('\n', "");
    assert!(
        svg.starts_with("<svg")
            && svg.contains("Phishing")
            && !svg.contains(">6<")
            && !svg.contains(">2<"),
        "{svg}"
    );
}

/// The text of the bank letter of the status page at `path`.
async fn letter(d: &Desk, path: &str) -> String {
    let pdf = client()
        .get(d.url(&format!("{path}/letter/bank.pdf")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    String::from_utf8_lossy(&pdf).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn hijacks_enrichment_and_playbook_versions() {
    let d = start_desk(Db::Sqlite).await;
    let admin = d.signed_in("admin@example.test", "admin").await;
    let analyst = d.signed_in("analyst@example.test", "analyst").await;

    // BGP hijacks, judged by route origin validation against the test network's VRPs.
    let r = post_form(
        &analyst,
        &d.url("/desk"),
        &d.url("/desk/hijack"),
        &[
            ("prefix", "127.0.10.0/24"),
            ("expected", "AS64500"),
            ("observed", "AS64666"),
            ("from", "2026-12-01T10:00:00Z"),
            ("until", "2026-12-01T12:00:00Z"),
        ],
    )
    .await;
    let (_, page) = text(&analyst, &d.url(&location(&r))).await;
    assert!(
        page.contains("RPKI: observed invalid, expected valid"),
        "{page}"
    );
    assert!(page.contains("networks that validate routes drop the hijack"));
    assert!(page.contains("BGP origin hijack") && page.contains("AS64666"));
    let r = post_form(
        &analyst,
        &d.url("/desk"),
        &d.url("/desk/hijack"),
        &[
            ("prefix", "127.0.99.0/24"),
            ("expected", "AS64500"),
            ("observed", "AS64666"),
        ],
    )
    .await;
    let (_, page) = text(&analyst, &d.url(&location(&r))).await;
    assert!(page.contains("No ROA covers 127.0.99.0/24"), "{page}");
    let r = post_form(
        &analyst,
        &d.url("/desk"),
        &d.url("/desk/hijack"),
        &[
            ("prefix", "not a prefix"),
            ("expected", "AS1"),
            ("observed", "AS1"),
        ],
    )
    .await;
    assert!(location(&r).contains("notice="));

    // Enrichment: addresses, route and RPKI state, security.txt and RDAP
    // contacts; the member's own declaration comes first.
    let org = member_of(&d, &admin, "TLS Hoster", "").await;
    post_form(
        &analyst,
        &d.url("/desk/settings"),
        &d.url("/desk/settings/constituency"),
        &[
            ("organisation", &org),
            ("resource", "127.0.30.0/24"),
            ("contact", "noc@tls-hoster.test"),
        ],
    )
    .await;
    let status = public_report(
        &d,
        &[
            ("what", "phishing"),
            ("description", "Fake login page on tls-good.test"),
        ],
    )
    .await;
    let (_, page) = text(&client(), &d.url(&status)).await;
    let id = case_id(&d, &analyst, &reference_in(&page)).await;
    let r = post_form(
        &analyst,
        &d.url(&format!("/desk/case/{id}")),
        &d.url(&format!("/desk/case/{id}/enrich")),
        &[],
    )
    .await;
    assert!(location(&r).contains("Looked"), "{}", location(&r));
    let (_, page) = text(&analyst, &d.url(&format!("/desk/case/{id}"))).await;
    assert!(page.contains("addresses: 127.0.30.1"), "{page}");
    assert!(page.contains("constituent: "), "{page}");
    let contacts: Vec<&str> = page
        .split("<code class=\"contact\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(
        contacts.first(),
        Some(&"noc@tls-hoster.test"),
        "{contacts:?}"
    );
    assert!(contacts.contains(&"security@tls-good.test"), "{contacts:?}");
    assert!(contacts.len() >= 3, "RDAP abuse contacts too: {contacts:?}");
    assert!(
        page.contains("TLS Hoster\" selected")
            || page.contains(&format!("value=\"{org}\" selected")),
        "the case now concerns the constituent"
    );

    // Playbooks are versioned; a plan keeps the version it was made from.
    let before = public_report(
        &d,
        &[
            ("what", "identity-theft"),
            ("exposed", "bank-card"),
            ("description", "loan"),
        ],
    )
    .await;
    assert!(
        letter(&d, &before)
            .await
            .contains("Fraudulent use of my identity")
    );
    let (_, editor) = text(&analyst, &d.url("/desk/playbooks/identity-theft")).await;
    let source = editor
        .split("<textarea id=\"source\" name=\"source\" rows=\"30\" class=\"code\">")
        .nth(1)
        .unwrap()
        .split("</textarea>")
        .next()
        .unwrap();
    let source = source
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let edited = source.replace("Fraudulent use of my identity", "Edited bank letter");
    assert_ne!(edited, source);
    let r = post_form(
        &analyst,
        &d.url("/desk/playbooks"),
        &d.url("/desk/playbooks/identity-theft"),
        &[("source", &edited)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post_form(
        &analyst,
        &d.url("/desk/playbooks"),
        &d.url("/desk/playbooks/identity-theft"),
        &[("source", "+++\nid = \"identity-theft\"\n+++\n")],
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "an invalid playbook is refused"
    );
    assert!(r.text().await.unwrap().contains("cannot be saved"));
    assert!(
        letter(&d, &before)
            .await
            .contains("Fraudulent use of my identity"),
        "the old plan keeps its version"
    );
    let after = public_report(
        &d,
        &[
            ("what", "identity-theft"),
            ("exposed", "bank-card"),
            ("description", "loan"),
        ],
    )
    .await;
    assert!(
        letter(&d, &after).await.contains("Edited bank letter"),
        "a new plan takes the new version"
    );
}
