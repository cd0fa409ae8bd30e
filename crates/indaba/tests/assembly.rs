//! The umbrella partnership end to end (issue 15): `indaba serve` on the
//! test network with its test clock, real mail through the test relay, a
//! headless Chromium for what people do in a browser, and plain HTTP for the
//! rules that must hold whatever a client sends.
//!
//! Fixtures (organisations, users) go straight into the server's database
//! through the store; everything under test goes through the site.

use std::collections::BTreeMap;

use fantoccini::Locator;
use indaba_store::{NewUser, Role, Stakeholder, Store};
use indaba_testkit::browser::{chromium, fill_and_submit, wait_for_text};
use indaba_testkit::platform::{self, Db, Server, csrf, location, mailbox, wait_for_mail};
use reqwest::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_indaba");
const PASSWORD: &str = "a long enough password";

/// A server with its test clock, and a handle on its database.
struct Fixture {
    server: Server,
    store: Store,
    /// Address → user id.
    users: BTreeMap<String, String>,
}

impl Fixture {
    async fn start(db: Db) -> Fixture {
        let server = platform::start(BIN, db, &["--test-clock"]).await;
        let store = Store::open(&server.database)
            .await
            .expect("the server's database");
        Fixture {
            server,
            store,
            users: BTreeMap::new(),
        }
    }

    /// An organisation (by name; created once).
    async fn org(&self, name: &str, group: Stakeholder) -> String {
        if let Some(o) = self
            .store
            .organisations()
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.name == name)
        {
            return o.id;
        }
        self.store
            .create_organisation(&indaba_store::Actor::local(), name, group)
            .await
            .unwrap()
            .id
    }

    /// A user of `role` in organisation `org`, signed in over HTTP.
    async fn user(&mut self, email: &str, role: Role, org: Option<&str>) -> reqwest::Client {
        let u = self
            .store
            .create_user(
                &indaba_store::Actor::local(),
                NewUser {
                    email,
                    name: email.split('@').next().unwrap(),
                    role,
                    organisation_id: org,
                    password: PASSWORD,
                },
            )
            .await
            .unwrap();
        self.users.insert(email.to_string(), u.id);
        self.server.signed_in(email, PASSWORD).await
    }

    fn id(&self, email: &str) -> &str {
        &self.users[email]
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// POSTs a form (with the client's CSRF token) and returns the response.
    async fn post(
        &self,
        c: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = csrf(c, &self.url("/login")).await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        c.post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("post")
    }

    /// POSTs a form that must succeed with a redirect; returns where to.
    async fn post_ok(&self, c: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> String {
        let r = self.post(c, path, fields).await;
        let status = r.status();
        let to = location(&r);
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "POST {path}: {}",
            r.text().await.unwrap_or_default()
        );
        to
    }

    async fn get(&self, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.expect("get");
        (r.status(), r.text().await.unwrap_or_default())
    }

    /// Sets the server's clock and sweeps; returns the sweep's counts.
    async fn set_clock(&self, admin: &reqwest::Client, at: i64) -> serde_json::Value {
        let r = self
            .post(admin, "/assembly/clock", &[("at", &at.to_string())])
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// A public committee with `seats` (address, role), created over HTTP by
    /// `admin`; returns its id.
    async fn committee(
        &self,
        admin: &reqwest::Client,
        name: &str,
        visibility: &str,
        seats: &[(&str, &str)],
    ) -> String {
        let to = self
            .post_ok(
                admin,
                "/assembly/committees",
                &[
                    ("name", name),
                    ("mandate", "Decides policy"),
                    ("visibility", visibility),
                    ("terms", "# Terms\n\nThe committee decides by consensus."),
                ],
            )
            .await;
        let id = to.rsplit('/').next().unwrap().to_string();
        for (email, role) in seats {
            self.post_ok(
                admin,
                &format!("/assembly/committees/{id}/seats"),
                &[("user", self.id(email)), ("role", role)],
            )
            .await;
        }
        id
    }

    /// A proposal drafted by `author` in `committee` and opened for
    /// discussion; returns its id.
    async fn proposal(
        &self,
        author: &reqwest::Client,
        committee: &str,
        title: &str,
        visibility: &str,
    ) -> String {
        let to = self
            .post_ok(
                author,
                &format!("/assembly/committees/{committee}/proposals"),
                &[
                    ("title", title),
                    ("body", "We sign every zone."),
                    ("visibility", visibility),
                ],
            )
            .await;
        let id = to.rsplit('/').next().unwrap().to_string();
        self.post_ok(
            author,
            &format!("/assembly/proposals/{id}/state"),
            &[("value", "discussion")],
        )
        .await;
        id
    }

    async fn open_poll(&self, author: &reqwest::Client, id: &str, anonymous: bool, results: &str) {
        let closes = form_time(indaba_store::now() + 7 * 86_400);
        let mut fields = vec![
            ("method", "proposal"),
            ("quorum", "50"),
            ("closes", closes.as_str()),
            ("results", results),
        ];
        if anonymous {
            fields.push(("anonymous", "1"));
        }
        self.post_ok(author, &format!("/assembly/proposals/{id}/poll"), &fields)
            .await;
    }

    async fn api(&self, c: &reqwest::Client, id: &str) -> (StatusCode, serde_json::Value) {
        let r = c
            .get(self.url(&format!("/api/v1/assembly/proposals/{id}")))
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }
}

/// Publishes a code of conduct as `admin`.
async fn code_of_conduct(f: &Fixture, admin: &reqwest::Client) {
    f.post_ok(
        admin,
        "/assembly/settings/code-of-conduct",
        &[(
            "body",
            "# Code of conduct\n\nWe act in good faith and keep TLP:RED red.",
        )],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_takes_an_application_to_membership_and_a_proposal_to_a_public_decision() {
    let mut f = Fixture::start(Db::Sqlite).await;
    let gov = f.org("Ministry of ICT", Stakeholder::Government).await;
    let telco = f.org("Telco", Stakeholder::PrivateSector).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let _chair = f.user("chair@example.test", Role::Member, Some(&gov)).await;
    let deputy = f
        .user("deputy@example.test", Role::Member, Some(&gov))
        .await;
    let observer = f
        .user("observer@example.test", Role::Member, Some(&telco))
        .await;
    code_of_conduct(&f, &admin).await;

    let browser = chromium().await;
    let b = &browser.client;

    // An organisation applies and accepts the code of conduct.
    b.goto(&f.url("/assembly/apply")).await.unwrap();
    wait_for_text(b, "We act in good faith").await;
    b.find(Locator::Id("a-group"))
        .await
        .unwrap()
        .select_by_value("civil_society")
        .await
        .unwrap();
    b.find(Locator::Id("a-listed"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Id("a-accept"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill_and_submit(
        b,
        &[
            ("a-org", "Digital Rights Botswana"),
            ("a-sector", "advocacy"),
            ("a-country", "bw"),
            ("a-name", "Neo"),
            ("a-email", "neo@example.test"),
            ("a-why", "We speak for users."),
        ],
    )
    .await;
    wait_for_text(b, "Application received").await;

    // The membership committee (an admin here) reviews and admits it.
    b.goto(&f.url("/login")).await.unwrap();
    fill_and_submit(
        b,
        &[("email", "admin@example.test"), ("password", PASSWORD)],
    )
    .await;
    wait_for_text(b, "Sign out (admin@example.test)").await;
    b.goto(&f.url("/assembly/applications")).await.unwrap();
    b.find(Locator::LinkText("Digital Rights Botswana"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = wait_for_text(b, "Code of conduct, version 1").await;
    assert!(
        page.contains("Botswana") && page.contains("Civil society"),
        "{page}"
    );
    let before = mailbox();
    fill_and_submit(b, &[("d-reasons", "A voice for users that we lacked.")]).await;
    wait_for_text(b, "Admitted").await;
    let mail = wait_for_mail("the admission mail", &before, |m| {
        m.contains("neo@example.test") && m.contains("admitted")
    })
    .await;
    assert!(mail.contains("A voice for users that we lacked."), "{mail}");
    let link = mail
        .split_whitespace()
        .find(|w| w.contains("/password/reset/"))
        .expect("a link to choose a password")
        .to_string();
    let neo = platform::client();
    let token = csrf(&neo, &link).await;
    let r = neo
        .post(&link)
        .form(&[("csrf", token.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let neo = f.server.signed_in("neo@example.test", PASSWORD).await;
    let neo_id = f
        .store
        .user_by_email("neo@example.test")
        .await
        .unwrap()
        .unwrap()
        .id;
    f.users.insert("neo@example.test".into(), neo_id.clone());
    let (_, directory) = f.get(&platform::client(), "/assembly/members").await;
    assert!(
        directory.contains("Digital Rights Botswana"),
        "listed publicly"
    );
    assert!(!directory.contains("Telco"), "not opted in");

    // A committee with terms of reference; two of three voting seats are
    // the government's: over the 40 % limit.
    b.goto(&f.url("/assembly/committees")).await.unwrap();
    b.find(Locator::Id("c-vis"))
        .await
        .unwrap()
        .select_by_value("public")
        .await
        .unwrap();
    fill_and_submit(
        b,
        &[
            ("c-name", "Policy Committee"),
            ("c-mandate", "Decides the partnership's policy by consensus"),
            (
                "c-terms",
                "# Terms of reference\n\nThe committee decides by consensus.",
            ),
        ],
    )
    .await;
    wait_for_text(b, "The committee decides by consensus.").await;
    let committee = b
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    for (email, role, name) in [
        ("chair@example.test", "chair", "chair"),
        ("deputy@example.test", "member", "deputy"),
        ("neo@example.test", "member", "Neo"),
        ("observer@example.test", "observer", "observer"),
    ] {
        b.find(Locator::Id("seat-user"))
            .await
            .unwrap()
            .select_by_value(f.id(email))
            .await
            .unwrap();
        b.find(Locator::Id("seat-role"))
            .await
            .unwrap()
            .select_by_value(role)
            .await
            .unwrap();
        b.find(Locator::XPath(
            "//select[@id='seat-role']/ancestor::form//button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_for_text(b, &format!("<td>{name}</td>")).await;
    }
    let page = wait_for_text(b, "Warning: Government holds more than its share").await;
    assert!(page.contains("the limit is 40 %"), "{page}");

    // The chair drafts a proposal and opens its discussion.
    sign_in(b, &f, "chair@example.test").await;
    b.goto(&f.url(&format!("/assembly/committees/{committee}")))
        .await
        .unwrap();
    b.find(Locator::Id("p-vis"))
        .await
        .unwrap()
        .select_by_value("public")
        .await
        .unwrap();
    fill_and_submit(
        b,
        &[
            ("p-title", "Sign every government zone with DNSSEC"),
            ("p-body", "Every government zone is signed within a year."),
        ],
    )
    .await;
    wait_for_text(b, "Open the discussion").await;
    let proposal = b
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    b.find(Locator::Id("open-discussion"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "In discussion").await;

    // Two amendments: the author accepts one and rejects the other.
    let amended = "Every government zone is signed within two years, with help from the CERT.";
    f.post_ok(
        &neo,
        &format!("/assembly/proposals/{proposal}/amendments"),
        &[
            ("body", amended),
            ("rationale", "One year is too short for small ministries."),
        ],
    )
    .await;
    f.post_ok(
        &observer,
        &format!("/assembly/proposals/{proposal}/amendments"),
        &[
            ("body", "Sign only the ministry's own zone."),
            ("rationale", "Less work."),
        ],
    )
    .await;
    f.post_ok(
        &observer,
        &format!("/assembly/proposals/{proposal}/comments"),
        &[("value", "Operators will need a budget for this.")],
    )
    .await;
    b.refresh().await.unwrap();
    wait_for_text(b, "One year is too short").await;
    b.find(Locator::Css("button.accept-amendment"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "accepted by the author").await;
    b.find(Locator::Css("button.reject-amendment"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = wait_for_text(b, "rejected by the author").await;
    assert!(
        page.contains("with help from the CERT"),
        "the accepted text is the proposal's"
    );
    assert!(
        page.contains("Operators will need a budget"),
        "the observer spoke"
    );

    // The decision poll; the voter list is the chair, the deputy and Neo.
    b.find(Locator::Id("poll-form")).await.unwrap();
    fill_and_submit(b, &[("poll-quorum", "")]).await; // keep the default 50, submit
    wait_for_text(b, "Eligible voters").await;
    let r = f
        .post(
            &observer,
            &format!("/assembly/proposals/{proposal}/vote"),
            &[("position", "agree")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "an observer cannot vote");
    let (_, page) = f
        .get(&observer, &format!("/assembly/proposals/{proposal}"))
        .await;
    assert!(
        !page.contains("vote-form"),
        "an observer is offered no ballot"
    );

    // Neo blocks: first without a reason (refused), then with one.
    let r = f
        .post(
            &neo,
            &format!("/assembly/proposals/{proposal}/vote"),
            &[("position", "block"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Give a reason"));
    f.post_ok(
        &neo,
        &format!("/assembly/proposals/{proposal}/vote"),
        &[
            ("position", "block"),
            ("reason", "No budget for small ministries yet."),
        ],
    )
    .await;
    f.post_ok(
        &deputy,
        &format!("/assembly/proposals/{proposal}/vote"),
        &[("position", "agree")],
    )
    .await;
    b.refresh().await.unwrap();
    let page = wait_for_text(b, "quorum reached").await;
    assert!(
        !page.contains("No budget for small ministries"),
        "the chair has not voted: results hidden"
    );

    // The chair closes the poll and publishes the outcome.
    b.find(Locator::Id("close-poll"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "outcome-form").await;
    fill_and_submit(
        b,
        &[(
            "statement",
            "Blocked for now: the CERT drafts a support plan first.",
        )],
    )
    .await;
    wait_for_text(b, "Decided").await;

    // A visitor follows it from the public record to the outcome.
    b.delete_all_cookies().await.unwrap();
    let v = b;
    v.goto(&f.url("/assembly/record")).await.unwrap();
    v.find(Locator::LinkText("Sign every government zone with DNSSEC"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = wait_for_text(v, "the CERT drafts a support plan first").await;
    for seen in [
        "Blocked",
        "No budget for small ministries yet.",
        "Every government zone is signed within a year.", // the draft, in the history
        "with help from the CERT",
        "Turnout by stakeholder group",
        "Civil society",
    ] {
        assert!(page.contains(seen), "a visitor sees {seen:?}");
    }
    assert!(!page.contains("Sign out"), "not signed in");
}

/// Signs the browser in as `email` (after signing out whoever was).
async fn sign_in(b: &fantoccini::Client, f: &Fixture, email: &str) {
    b.delete_all_cookies().await.unwrap();
    b.goto(&f.url("/login")).await.unwrap();
    fill_and_submit(b, &[("email", email), ("password", PASSWORD)]).await;
    wait_for_text(b, &format!("Sign out ({email})")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_runs_an_event_and_finds_an_answered_question() {
    let mut f = Fixture::start(Db::Sqlite).await;
    let gov = f.org("Ministry of ICT", Stakeholder::Government).await;
    let isp = f.org("Fast ISP", Stakeholder::Isp).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let chair = f.user("chair@example.test", Role::Member, Some(&gov)).await;
    let member = f
        .user("member@example.test", Role::Member, Some(&isp))
        .await;
    let _other = f.user("other@example.test", Role::Member, Some(&isp)).await;
    let committee = f
        .committee(
            &admin,
            "Implementation Committee",
            "public",
            &[
                ("chair@example.test", "chair"),
                ("member@example.test", "member"),
            ],
        )
        .await;
    let proposal = f
        .proposal(&chair, &committee, "Publish RPKI ROAs", "public")
        .await;

    let browser = chromium().await;
    let b = &browser.client;
    sign_in(b, &f, "chair@example.test").await;

    // The chair sets up a seminar with one seat.
    b.goto(&f.url(&format!("/assembly/events?committee={committee}")))
        .await
        .unwrap();
    b.find(Locator::Id("e-kind"))
        .await
        .unwrap()
        .select_by_value("seminar")
        .await
        .unwrap();
    b.find(Locator::Id("e-vis"))
        .await
        .unwrap()
        .select_by_value("public")
        .await
        .unwrap();
    let starts = b.find(Locator::Id("e-starts")).await.unwrap();
    starts.clear().await.unwrap();
    fill_and_submit(
        b,
        &[
            ("e-title", "RPKI hands-on seminar"),
            ("e-starts", "2099-03-01T09:00"),
            ("e-location", "Gaborone"),
            ("e-capacity", "1"),
            ("e-agenda", "1. Why ROAs\n2. Creating ROAs at the RIR"),
        ],
    )
    .await;
    wait_for_text(b, "Creating ROAs at the RIR").await;
    let event = b
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();

    // The member takes the one seat; another goes on the waiting list.
    sign_in(b, &f, "member@example.test").await;
    b.goto(&f.url(&format!("/assembly/events/{event}")))
        .await
        .unwrap();
    b.find(Locator::Id("register"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "You are registered.").await;
    let other = f.server.signed_in("other@example.test", PASSWORD).await;
    f.post_ok(&other, &format!("/assembly/events/{event}/register"), &[])
        .await;
    let (_, page) = f.get(&other, &format!("/assembly/events/{event}")).await;
    assert!(page.contains("You are on the waiting list."), "{page}");

    // A reminder a day before, by the test clock.
    let before = mailbox();
    let starts_at = 4_076_038_800_i64; // 2099-03-01T09:00Z
    let swept = f.set_clock(&admin, starts_at - 3600).await;
    assert!(swept["reminders"].as_u64().unwrap() >= 1, "{swept}");
    let mail = wait_for_mail("the event reminder", &before, |m| {
        m.contains("member@example.test") && m.contains("RPKI hands-on seminar")
    })
    .await;
    assert!(mail.contains("Gaborone"), "{mail}");
    assert_eq!(
        f.set_clock(&admin, starts_at - 1800).await["reminders"],
        0,
        "once"
    );

    // The chair publishes the minutes and links the proposal.
    sign_in(b, &f, "chair@example.test").await;
    b.goto(&f.url(&format!("/assembly/events/{event}")))
        .await
        .unwrap();
    fill_and_submit(
        b,
        &[("minutes-body", "Three operators will publish ROAs by June.")],
    )
    .await;
    wait_for_text(b, "Three operators will publish ROAs by June.").await;
    b.find(Locator::Id("link-proposal"))
        .await
        .unwrap()
        .select_by_value(&proposal)
        .await
        .unwrap();
    b.find(Locator::XPath(
        "//select[@id='link-proposal']/ancestor::form//button",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for_text(b, &format!("/assembly/proposals/{proposal}")).await;
    b.goto(&f.url(&format!("/assembly/proposals/{proposal}")))
        .await
        .unwrap();
    wait_for_text(b, "RPKI hands-on seminar").await;

    // The committee's and the partnership's calendars parse.
    for path in [
        format!("/assembly/committees/{committee}/events.ics"),
        "/assembly/events.ics".to_string(),
    ] {
        let r = platform::client().get(f.url(&path)).send().await.unwrap();
        assert!(
            r.headers()[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        let text = r.text().await.unwrap();
        let mut parser = ical::IcalParser::new(text.as_bytes());
        let cal = parser.next().expect("a calendar").expect("valid iCalendar");
        assert_eq!(cal.events.len(), 1, "{text}");
        let prop = |name: &str| {
            cal.events[0]
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap_or_default()
        };
        assert_eq!(prop("SUMMARY"), "RPKI hands-on seminar");
        assert_eq!(prop("DTSTART"), "20990301T090000Z");
        assert!(prop("UID").starts_with(&event));
    }

    // A member asks; an expert answers; the asker accepts; search finds it.
    sign_in(b, &f, "member@example.test").await;
    b.goto(&f.url("/assembly/knowledge")).await.unwrap();
    fill_and_submit(
        b,
        &[
            ("q-title", "How do we roll our KSK without an outage?"),
            ("q-body", "Our registry needs the new DS in time."),
        ],
    )
    .await;
    wait_for_text(b, "Our registry needs the new DS in time.").await;
    let question = b.current_url().await.unwrap().path().to_string();
    f.post_ok(
        &admin,
        &format!("{question}/answers"),
        &[(
            "body",
            "Use a double-signature rollover and wait two TTLs before removing the old key.",
        )],
    )
    .await;
    b.refresh().await.unwrap();
    b.find(Locator::Css("button.accept-answer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "Accepted answer").await;
    b.goto(&f.url("/assembly/knowledge")).await.unwrap();
    fill_and_submit(b, &[("q", "rollover double signature")]).await;
    // The knowledge page lists the question too: wait for the results page.
    let page = wait_for_text(b, "Answered question").await;
    assert!(
        page.contains("How do we roll our KSK without an outage?"),
        "{page}"
    );
    // The per-check guides are in the same index.
    b.goto(&f.url("/assembly/search?q=DNSSEC")).await.unwrap();
    wait_for_text(b, "/guides/dns.dnssec").await;
    let _ = member;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_voter_list_is_frozen_when_the_poll_opens_sqlite() {
    frozen_voters(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_voter_list_is_frozen_when_the_poll_opens_postgres() {
    frozen_voters(Db::Postgres).await;
}

async fn frozen_voters(db: Db) {
    let mut f = Fixture::start(db).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let chair = f.user("chair@example.test", Role::Member, None).await;
    let early = f.user("early@example.test", Role::Member, None).await;
    let late = f.user("late@example.test", Role::Member, None).await;
    let c = f
        .committee(
            &admin,
            "Policy",
            "public",
            &[
                ("chair@example.test", "chair"),
                ("early@example.test", "member"),
            ],
        )
        .await;
    let p = f.proposal(&chair, &c, "Frozen", "public").await;
    f.open_poll(&chair, &p, false, "after_vote").await;
    // Seats change after the opening: one more member, one seat taken away.
    f.post_ok(
        &admin,
        &format!("/assembly/committees/{c}/seats"),
        &[("user", f.id("late@example.test")), ("role", "member")],
    )
    .await;
    f.post_ok(
        &admin,
        &format!("/assembly/committees/{c}/seats"),
        &[("user", f.id("early@example.test")), ("role", "none")],
    )
    .await;
    let r = f
        .post(
            &late,
            &format!("/assembly/proposals/{p}/vote"),
            &[("position", "agree")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "seated after the opening"
    );
    f.post_ok(
        &early,
        &format!("/assembly/proposals/{p}/vote"),
        &[("position", "agree")],
    )
    .await;
    let (_, json) = f.api(&admin, &p).await;
    let voters: Vec<&str> = json["poll"]["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(voters, ["chair", "early"], "{json}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_outcome_is_superseded_never_edited() {
    let mut f = Fixture::start(Db::Sqlite).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let chair = f.user("chair@example.test", Role::Member, None).await;
    let c = f
        .committee(
            &admin,
            "Policy",
            "public",
            &[("chair@example.test", "chair")],
        )
        .await;
    let p = f.proposal(&chair, &c, "Immutable", "public").await;
    f.open_poll(&chair, &p, false, "after_vote").await;
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/vote"),
        &[("position", "agree")],
    )
    .await;
    let r = f
        .post(
            &chair,
            &format!("/assembly/proposals/{p}/outcome"),
            &[("statement", "Too early.")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "not while the poll is open"
    );
    f.post_ok(&chair, &format!("/assembly/proposals/{p}/close"), &[])
        .await;
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/outcome"),
        &[("statement", "Adopted.")],
    )
    .await;
    // Publishing again, as an admin, or with another verb: refused.
    for who in [&chair, &admin] {
        let r = f
            .post(
                who,
                &format!("/assembly/proposals/{p}/outcome"),
                &[("statement", "Rewritten.")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ] {
        let r = admin
            .request(
                method.clone(),
                f.url(&format!("/assembly/proposals/{p}/outcome")),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    let (_, json) = f.api(&admin, &p).await;
    let first = json["outcomes"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(json["outcomes"][0]["record"]["statement"], "Adopted.");
    // Below the API too: the database refuses the change.
    assert!(
        f.store
            .try_edit_outcome(&first, "Rewritten.")
            .await
            .is_err()
    );
    // Superseding keeps the first on the record.
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/outcome"),
        &[
            ("statement", "Adopted, starting next year."),
            ("supersedes", &first),
        ],
    )
    .await;
    let (_, json) = f.api(&platform::client(), &p).await;
    let outcomes = json["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 2);
    assert_eq!(outcomes[0]["record"]["statement"], "Adopted.");
    assert_eq!(outcomes[0]["superseded_by"], outcomes[1]["id"]);
    assert_eq!(outcomes[1]["supersedes"], first.as_str());
    let log = f.store.audit_entries(200).await.unwrap();
    assert_eq!(
        log.iter().filter(|e| e.action == "outcome.publish").count(),
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_anonymous_poll_cannot_be_de_anonymised_through_the_api_or_the_audit_log() {
    let mut f = Fixture::start(Db::Sqlite).await;
    let gov = f.org("Ministry", Stakeholder::Government).await;
    let cs = f.org("NGO", Stakeholder::CivilSociety).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let chair = f.user("chair@example.test", Role::Member, Some(&gov)).await;
    let ann = f.user("ann@example.test", Role::Member, Some(&cs)).await;
    let c = f
        .committee(
            &admin,
            "Policy",
            "public",
            &[
                ("chair@example.test", "chair"),
                ("ann@example.test", "member"),
            ],
        )
        .await;
    let p = f.proposal(&chair, &c, "Secret ballot", "public").await;
    f.open_poll(&chair, &p, true, "after_vote").await;
    f.post_ok(
        &ann,
        &format!("/assembly/proposals/{p}/vote"),
        &[("position", "block"), ("reason", "zebra-unicorn reason")],
    )
    .await;
    let r = f
        .post(
            &ann,
            &format!("/assembly/proposals/{p}/vote"),
            &[("position", "agree")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "an anonymous ballot is cast once"
    );
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/vote"),
        &[("position", "agree")],
    )
    .await;
    f.post_ok(&chair, &format!("/assembly/proposals/{p}/close"), &[])
        .await;
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/outcome"),
        &[("statement", "Carried? No: blocked.")],
    )
    .await;

    // The API, to an admin with an API key and to a visitor.
    let key = f
        .store
        .create_api_key(
            &indaba_store::Actor::local(),
            f.id("admin@example.test"),
            "t",
            None,
        )
        .await
        .unwrap();
    let keyed = platform::client();
    let r = keyed
        .get(f.url(&format!("/api/v1/assembly/proposals/{p}")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let json: serde_json::Value = r.json().await.unwrap();
    for ballots in [
        &json["poll"]["ballots"],
        &json["outcomes"][0]["record"]["ballots"],
    ] {
        let ballots = ballots.as_array().unwrap();
        assert_eq!(ballots.len(), 2);
        for b in ballots {
            assert!(b["voter"].is_null() && b["group"].is_null(), "{b}");
        }
    }
    let text = json.to_string();
    assert!(
        text.contains("zebra-unicorn reason"),
        "the reason is on the record"
    );
    // Nothing in the answer ties the reason to a person.
    let block = json["outcomes"][0]["record"]["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["position"] == "block")
        .unwrap();
    assert_eq!(block.as_object().unwrap().len(), 4, "{block}");
    // The pages say the same.
    for c in [&admin, &platform::client()] {
        let (_, page) = f.get(c, &format!("/assembly/proposals/{p}")).await;
        let at = page
            .find("zebra-unicorn reason")
            .expect("the reason is shown");
        let li = &page[page[..at].rfind("<li").unwrap()..at];
        assert!(!li.contains("ann") && !li.contains("Civil society"), "{li}");
    }
    // The audit log says who voted, never what.
    let log = f.store.audit_entries(500).await.unwrap();
    let votes: Vec<_> = log.iter().filter(|e| e.action == "poll.vote").collect();
    assert_eq!(votes.len(), 2);
    for e in votes {
        assert_eq!(e.detail, "{}", "{e:?}");
    }
    assert!(
        !log.iter().any(|e| e.detail.contains("zebra-unicorn")),
        "no reason in the log"
    );
    let (_, admin_page) = f.get(&admin, "/admin").await;
    assert!(!admin_page.contains("zebra-unicorn"));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_visibility_level_hides_what_it_should_sqlite() {
    visibility_levels(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_visibility_level_hides_what_it_should_postgres() {
    visibility_levels(Db::Postgres).await;
}

async fn visibility_levels(db: Db) {
    let mut f = Fixture::start(db).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let seated = f.user("seated@example.test", Role::Member, None).await;
    let member = f.user("member@example.test", Role::Member, None).await;
    let analyst = f.user("analyst@example.test", Role::Analyst, None).await;
    let visitor = platform::client();
    let c = f
        .committee(
            &admin,
            "Open committee",
            "public",
            &[("seated@example.test", "chair")],
        )
        .await;
    let closed = f
        .committee(
            &admin,
            "Closed committee",
            "committee",
            &[("seated@example.test", "chair")],
        )
        .await;
    let mut proposals = Vec::new();
    for vis in ["committee", "partnership", "public"] {
        proposals.push((
            vis,
            f.proposal(&seated, &c, &format!("Proposal seen by {vis}"), vis)
                .await,
        ));
    }
    // A public proposal in a committee-only committee stays in the committee.
    let capped = f
        .proposal(&seated, &closed, "Capped by its committee", "public")
        .await;
    // A draft stays in its committee whatever its visibility.
    let draft_to = f
        .post_ok(
            &seated,
            &format!("/assembly/committees/{c}/proposals"),
            &[
                ("title", "A public draft"),
                ("body", "x"),
                ("visibility", "public"),
            ],
        )
        .await;
    let draft = draft_to.rsplit('/').next().unwrap().to_string();
    let mut events = Vec::new();
    for vis in ["committee", "partnership", "public"] {
        let to = f
            .post_ok(
                &seated,
                "/assembly/events",
                &[
                    ("committee", &c),
                    ("kind", "meeting"),
                    ("title", &format!("Event seen by {vis}")),
                    ("starts", "2099-01-01T10:00"),
                    ("visibility", vis),
                ],
            )
            .await;
        events.push((vis, to.rsplit('/').next().unwrap().to_string()));
    }
    for vis in ["partnership", "public"] {
        f.post_ok(
            &analyst,
            "/assembly/knowledge",
            &[
                ("topic", "Mail"),
                ("title", &format!("Article seen by {vis} zanzibar")),
                ("body", "zanzibar text"),
                ("visibility", vis),
            ],
        )
        .await;
    }

    // (who, sees committee-level, sees partnership-level, sees public)
    let who: [(&str, &reqwest::Client, [bool; 3]); 4] = [
        ("visitor", &visitor, [false, false, true]),
        ("member", &member, [false, true, true]),
        ("seated", &seated, [true, true, true]),
        ("admin", &admin, [true, true, true]),
    ];
    for (name, client, sees) in who {
        let (_, record) = f.get(client, "/assembly/record").await;
        let (_, api_record) = f.get(client, "/api/v1/assembly/record").await;
        let (_, ics) = f.get(client, "/assembly/events.ics").await;
        for ((vis, p), expected) in proposals.iter().zip(sees) {
            let (status, page) = f.get(client, &format!("/assembly/proposals/{p}")).await;
            assert_eq!(
                status == StatusCode::OK,
                expected,
                "{name} and a {vis} proposal: {status}"
            );
            assert_eq!(page.contains("We sign every zone."), expected);
            assert_eq!(
                f.api(client, p).await.0 == StatusCode::OK,
                expected,
                "{name}, API, {vis}"
            );
            let title = format!("Proposal seen by {vis}");
            assert_eq!(record.contains(&title), expected, "{name}, record, {vis}");
            assert_eq!(
                api_record.contains(&title),
                expected,
                "{name}, API record, {vis}"
            );
        }
        for ((vis, e), expected) in events.iter().zip(sees) {
            let (status, _) = f.get(client, &format!("/assembly/events/{e}")).await;
            assert_eq!(
                status == StatusCode::OK,
                expected,
                "{name} and a {vis} event"
            );
            assert_eq!(
                ics.contains(&format!("Event seen by {vis}")),
                expected,
                "{name}, feed, {vis}"
            );
        }
        let (_, hits) = f.get(client, "/assembly/search?q=zanzibar").await;
        assert_eq!(
            hits.contains("Article seen by partnership"),
            name != "visitor",
            "{name}, search"
        );
        assert!(hits.contains("Article seen by public"), "{name}, search");
        let inside = matches!(name, "seated" | "admin");
        let (status, _) = f
            .get(client, &format!("/assembly/proposals/{capped}"))
            .await;
        assert_eq!(
            status == StatusCode::OK,
            inside,
            "{name} and a proposal of a closed committee"
        );
        let (status, _) = f
            .get(client, &format!("/assembly/committees/{closed}/terms"))
            .await;
        assert_eq!(
            status == StatusCode::OK,
            inside,
            "{name} and a closed committee's terms"
        );
        let (status, _) = f.get(client, &format!("/assembly/proposals/{draft}")).await;
        assert_eq!(status == StatusCode::OK, inside, "{name} and a draft");
        let (status, _) = f
            .get(client, &format!("/assembly/committees/{c}/terms"))
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{name}: a public committee's terms history is public"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reviews_are_reminded_before_their_deadline_and_listed_when_overdue() {
    let mut f = Fixture::start(Db::Sqlite).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let reviewer = f.user("reviewer@example.test", Role::Member, None).await;
    let outsider = f.user("outsider@example.test", Role::Member, None).await;
    code_of_conduct(&f, &admin).await;
    let mc = f
        .committee(
            &admin,
            "Membership and Outreach",
            "partnership",
            &[("reviewer@example.test", "member")],
        )
        .await;
    f.post_ok(
        &admin,
        "/assembly/settings",
        &[
            ("review_days", "10"),
            ("max_share", "40"),
            ("membership_committee", &mc),
        ],
    )
    .await;
    let now = indaba_store::now();
    f.set_clock(&admin, now).await;
    let applicant = platform::client();
    let r = f
        .post(
            &applicant,
            "/assembly/apply",
            &[
                ("organisation", "Campus Network"),
                ("group", "academia"),
                ("country", "ZA"),
                ("contact_name", "Thabo"),
                ("contact_email", "thabo@example.test"),
                ("motivation", "Research networks."),
                ("accept", "1"),
                ("coc_version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // Without ticking the code of conduct, or with an old version: refused.
    for (accept, version) in [("", "1"), ("1", "0")] {
        let mut fields = vec![
            ("organisation", "Other"),
            ("group", "academia"),
            ("country", "ZA"),
            ("contact_name", "X"),
            ("contact_email", "x@example.test"),
            ("motivation", "x"),
            ("coc_version", version),
        ];
        if !accept.is_empty() {
            fields.push(("accept", accept));
        }
        assert_eq!(
            f.post(&applicant, "/assembly/apply", &fields)
                .await
                .status(),
            StatusCode::BAD_REQUEST
        );
    }
    let (status, _) = f.get(&outsider, "/assembly/applications").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only reviewers");

    let due = now + 10 * 86_400;
    let before = mailbox();
    assert_eq!(
        f.set_clock(&admin, due - 5 * 86_400).await["reminders"],
        0,
        "too early"
    );
    let swept = f.set_clock(&admin, due - 3 * 86_400 + 60).await;
    assert_eq!(swept["reminders"], 2, "the reviewer and the admin: {swept}");
    wait_for_mail("the review reminder", &before, |m| {
        m.contains("reviewer@example.test")
            && m.contains("Campus Network")
            && m.contains("due for review")
    })
    .await;
    assert_eq!(
        f.set_clock(&admin, due - 3 * 86_400 + 120).await["reminders"],
        0,
        "once a stage"
    );
    let (_, list) = f.get(&reviewer, "/assembly/applications?overdue=1").await;
    assert!(!list.contains("Campus Network"), "not overdue yet");
    let before = mailbox();
    f.set_clock(&admin, due + 60).await;
    wait_for_mail("the overdue notice", &before, |m| {
        m.contains("reviewer@example.test") && m.contains("overdue")
    })
    .await;
    let (_, list) = f.get(&reviewer, "/assembly/applications?overdue=1").await;
    assert!(
        list.contains("Campus Network") && list.contains("overdue"),
        "{list}"
    );

    // Declined, with the reasons mailed.
    let id = list
        .split("/assembly/applications/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = f
        .post(
            &reviewer,
            &format!("/assembly/applications/{id}"),
            &[("decision", "decline"), ("reasons", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "reasons are required to decline"
    );
    let before = mailbox();
    f.post_ok(
        &reviewer,
        &format!("/assembly/applications/{id}"),
        &[
            ("decision", "decline"),
            ("reasons", "Not a network operator in the region."),
        ],
    )
    .await;
    let mail = wait_for_mail("the decision", &before, |m| {
        m.contains("thabo@example.test")
    })
    .await;
    assert!(
        mail.contains("Not a network operator in the region."),
        "{mail}"
    );
    let log = f.store.audit_entries(500).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "application.decide" && e.detail.contains("declined"))
    );

    // Poll reminders go to those who have not answered, by the same clock.
    let chair = f.server.signed_in("reviewer@example.test", PASSWORD).await;
    let p = f.proposal(&chair, &mc, "Welcome pack", "partnership").await;
    f.post_ok(
        &admin,
        &format!("/assembly/committees/{mc}/seats"),
        &[("user", f.id("outsider@example.test")), ("role", "member")],
    )
    .await;
    let closes = due + 86_400 * 5;
    let closes_text = form_time(closes);
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/poll"),
        &[
            ("method", "consent"),
            ("quorum", "100"),
            ("closes", &closes_text),
            ("results", "after_close"),
        ],
    )
    .await;
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/vote"),
        &[("position", "consent")],
    )
    .await;
    let before = mailbox();
    let swept = f.set_clock(&admin, closes - 3600 * 20).await;
    assert_eq!(
        swept["reminders"], 1,
        "only the one who has not answered: {swept}"
    );
    wait_for_mail("the poll reminder", &before, |m| {
        m.contains("outsider@example.test") && m.contains("Welcome pack")
    })
    .await;
    let (_, page) = f.get(&chair, &format!("/assembly/proposals/{p}")).await;
    assert!(
        page.contains("hidden until you vote or until the poll closes"),
        "results after close"
    );
    let swept = f.set_clock(&admin, closes + 60).await;
    assert_eq!(swept["closed"], 1, "{swept}");
    let (_, json) = f.api(&chair, &p).await;
    assert_eq!(json["state"], "closed");
    assert_eq!(json["poll"]["results_visible"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn outreach_self_assessment_awareness_and_implementation() {
    let mut f = Fixture::start(Db::Sqlite).await;
    let cert = f.org("National CERT", Stakeholder::Cert).await;
    let gov = f.org("Ministry", Stakeholder::Government).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    let a = f.user("a@example.test", Role::Member, Some(&cert)).await;
    let _b = f.user("b@example.test", Role::Member, Some(&cert)).await;
    let _g = f.user("g@example.test", Role::Member, Some(&gov)).await;
    f.post_ok(&a, "/assembly/opt-out", &[("value", "1")]).await;

    // A mailing to the CERT group: b gets it, a opted out, g is not in it.
    let before = mailbox();
    let to = f
        .post_ok(
            &admin,
            "/assembly/outreach",
            &[
                ("audience", "group:cert"),
                ("subject", "Webinar on DMARC"),
                ("body", "Join us on Thursday."),
            ],
        )
        .await;
    wait_for_mail("the outreach mail", &before, |m| {
        m.contains("b@example.test") && m.contains("Join us on Thursday.")
    })
    .await;
    let (_, log) = f.get(&admin, &to).await;
    assert!(
        log.contains("b@example.test") && log.contains("sent"),
        "{log}"
    );
    assert!(
        log.contains("a@example.test") && log.contains("opted out"),
        "{log}"
    );
    assert!(!log.contains("g@example.test"), "{log}");
    assert_eq!(
        f.post(
            &a,
            "/assembly/outreach",
            &[("audience", "all"), ("subject", "x"), ("body", "y")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        f.post(
            &admin,
            "/assembly/outreach",
            &[
                ("audience", "group:nobody"),
                ("subject", "x"),
                ("body", "y")
            ]
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );

    // Two self-assessments of the partnership: the trend goes up.
    let start = indaba_store::now();
    for (month, score) in [(0, "1"), (1, "3")] {
        f.set_clock(&admin, start + month * 30 * 86_400).await;
        f.post_ok(
            &admin,
            "/assembly/assessment",
            &[
                ("scope", "partnership"),
                ("score.inclusiveness.affected", score),
                ("evidence.inclusiveness.affected", "/assembly/record"),
                ("score.collaboration.tools", score),
            ],
        )
        .await;
    }
    let (_, page) = f.get(&a, "/assembly/assessment").await;
    assert!(
        page.contains("25 %") && page.contains("75 %") && page.contains(">up<"),
        "{page}"
    );
    assert_eq!(
        f.post(
            &admin,
            "/assembly/assessment",
            &[
                ("scope", "partnership"),
                ("score.inclusiveness.affected", "9")
            ]
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        f.post(
            &a,
            "/assembly/assessment",
            &[
                ("scope", "partnership"),
                ("score.inclusiveness.affected", "2")
            ]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let (status, _) = f.get(&platform::client(), "/assembly/assessment").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the partnership's own assessment is for members"
    );

    // Awareness pages per language, edited on the site, public; Markdown
    // cannot carry script.
    let to = f
        .post_ok(
            &admin,
            "/assembly/awareness",
            &[("kind", "tips"), ("lang", "en"), ("title", "Top 10 tips"), ("body", "1. Turn on DNSSEC\n2. [Click](javascript:alert(1))\n\n<script>alert(2)</script>")],
        )
        .await;
    let (status, page) = f.get(&platform::client(), &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Turn on DNSSEC")
            && !page.contains("<script>alert")
            && !page.contains("javascript:"),
        "{page}"
    );
    let (_, list) = f.get(&platform::client(), "/assembly/awareness").await;
    assert!(list.contains("Top 10 tips"));

    // Implementation of a decision: status, progress, links.
    f.set_clock(&admin, indaba_store::now()).await;
    let chair = f.server.signed_in("a@example.test", PASSWORD).await;
    let c = f
        .committee(
            &admin,
            "Implementation",
            "public",
            &[("a@example.test", "chair")],
        )
        .await;
    let p = f.proposal(&chair, &c, "Deploy DMARC", "public").await;
    let other = f.proposal(&chair, &c, "Deploy MTA-STS", "public").await;
    f.open_poll(&chair, &p, false, "after_vote").await;
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/vote"),
        &[("position", "agree")],
    )
    .await;
    f.post_ok(&chair, &format!("/assembly/proposals/{p}/close"), &[])
        .await;
    let r = f
        .post(
            &chair,
            &format!("/assembly/proposals/{p}/implementation"),
            &[("status", "in_progress"), ("progress", "10")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "only a published decision is implemented"
    );
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/outcome"),
        &[("statement", "Adopted.")],
    )
    .await;
    for bad in ["101", "-1", "lots"] {
        let r = f
            .post(
                &chair,
                &format!("/assembly/proposals/{p}/implementation"),
                &[("status", "in_progress"), ("progress", bad)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    f.post_ok(
        &chair,
        &format!("/assembly/proposals/{p}/implementation"),
        &[
            ("status", "in_progress"),
            ("progress", "40"),
            ("note", "Half the ministries"),
            ("link_kind", "proposal"),
            ("link_target", &other),
        ],
    )
    .await;
    let (_, json) = f.api(&platform::client(), &p).await;
    assert_eq!(json["implementation"]["progress"], 40);
    assert_eq!(json["implementation"]["status"], "in_progress");
    let (_, record) = f.get(&platform::client(), "/assembly/record").await;
    assert!(record.contains("40 %"), "{record}");
    let (_, page) = f
        .get(&platform::client(), &format!("/assembly/proposals/{p}"))
        .await;
    assert!(
        page.contains(&format!("/assembly/proposals/{other}")),
        "linked"
    );
    let log = f.store.audit_entries(500).await.unwrap();
    for action in [
        "implementation.update",
        "implementation.link",
        "outreach.mailing",
        "assessment.save",
        "awareness.save",
    ] {
        assert!(
            log.iter().any(|e| e.action == action),
            "{action} is audited"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_forms_get_clear_refusals() {
    let mut f = Fixture::start(Db::Sqlite).await;
    let admin = f.user("admin@example.test", Role::Admin, None).await;
    code_of_conduct(&f, &admin).await;
    let visitor = platform::client();
    let long = "x".repeat(300);
    let huge = "y".repeat(200_000);
    for fields in [
        vec![("organisation", long.as_str())],
        vec![("country", "XX")],
        vec![("website", "javascript:alert(1)")],
        vec![("organisation", "Org\u{0}")],
        vec![("motivation", huge.as_str())],
        vec![("contact_email", "not an address")],
        vec![("group", "aliens")],
    ] {
        let mut form: BTreeMap<&str, &str> = [
            ("organisation", "Org"),
            ("country", "ZA"),
            ("group", "academia"),
            ("contact_name", "X"),
            ("contact_email", "x@example.test"),
            ("motivation", "m"),
            ("accept", "1"),
            ("coc_version", "1"),
        ]
        .into_iter()
        .collect();
        form.extend(fields);
        let all: Vec<(&str, &str)> = form.into_iter().collect();
        let r = f.post(&visitor, "/assembly/apply", &all).await;
        assert!(
            matches!(
                r.status(),
                StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE
            ),
            "{all:?}: {}",
            r.status()
        );
    }
    // Forms without a CSRF token are refused.
    let r = visitor
        .post(f.url("/assembly/apply"))
        .form(&[("organisation", "Org")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Members cannot reach admin-only forms; visitors are sent to sign in.
    let member = f.user("m@example.test", Role::Member, None).await;
    assert_eq!(
        f.post(
            &member,
            "/assembly/committees",
            &[("name", "Mine"), ("terms", "t")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        f.post(
            &visitor,
            "/assembly/committees",
            &[("name", "Mine"), ("terms", "t")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        f.post(&member, "/assembly/clock", &[("at", "0")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Unknown ids are 404, never a panic.
    for path in [
        "/assembly/proposals/nope",
        "/assembly/events/nope",
        "/assembly/committees/nope",
        "/assembly/knowledge/nope",
    ] {
        assert_eq!(f.get(&admin, path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // Search takes anything.
    for q in ["\"", "a OR b NOT", "*", "%27;--", &"z".repeat(1000)] {
        assert_eq!(
            f.get(&visitor, &format!("/assembly/search?q={}", urlencode(q)))
                .await
                .0,
            StatusCode::OK,
            "{q}"
        );
    }
}

/// A time as a form's datetime field takes it (UTC).
fn form_time(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap()
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]"
        ))
        .unwrap()
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}
