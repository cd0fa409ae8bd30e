//! The result pages, as people use them (issue 11): headless Chromium
//! (Debian's) against `indaba serve` on the test network — the report's
//! summary links, levels and points, technical tables that wrap at sensible
//! places at 1280 and 390 px, retest and the reuse notice, the per-domain
//! address and history, the hall of fame and its badge, inline form errors,
//! the API page, the progress page's live region — each page checked by
//! axe-core for WCAG 2.2 AA, with screenshots written under
//! `target/screenshots/pages/` (the test prints the folder).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::actions::InputSource;
use fantoccini::{Client, Locator};
use indaba_testkit::browser::{
    chromium, chromium_in_zone, fill_and_submit, wait_for_text, wait_for_url, wait_until,
};
use indaba_testkit::platform::{self, Db, Server, client as http_client, csrf, location};
use reqwest::StatusCode;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_indaba");

async fn start(extra: &[&str]) -> Server {
    platform::start(BIN, Db::Sqlite, extra).await
}

/// Where the screenshots go: `target/screenshots/pages/`.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots").join("pages");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// The page at `width` px: the window as tall as the page (up to 12,000 px),
/// so the screenshot shows all of it.
async fn at_width(b: &Client, width: u32) {
    b.set_window_size(width, 900).await.expect("window size");
    let height: u64 = b
        .execute(
            "return Math.min(12000, document.documentElement.scrollHeight)",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(900);
    b.set_window_size(width, height.max(600) as u32)
        .await
        .expect("window size");
}

/// Writes screenshots of the current page at 1280 and 390 px.
async fn screenshots(b: &Client, name: &str) {
    let dir = screenshot_dir();
    for width in [1280, 390] {
        at_width(b, width).await;
        let png = b.screenshot().await.expect("screenshot");
        let path = dir.join(format!("{name}-{width}.png"));
        std::fs::write(&path, png).expect("write screenshot");
    }
    b.set_window_size(1280, 900).await.expect("window size");
}

/// The axe-core script, installed by `testbed/install-deps` from the npm
/// registry (never fetched at test time).
fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testbed/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed at {} ({e}): run testbed/install-deps",
            path.display()
        )
    })
}

/// Runs axe-core on the current page for WCAG 2.0, 2.1 and 2.2 at levels A
/// and AA, and fails with every violation.
async fn assert_accessible(b: &Client, what: &str) {
    let source = axe_source();
    b.execute(&source, vec![]).await.expect("inject axe-core");
    let result = b
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                 .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                     v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '')).join(' | '))))
                 .catch(e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await
        .expect("run axe-core");
    let violations: Vec<String> = serde_json::from_value(result).unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{what}: WCAG 2.2 AA violations:\n{}",
        violations.join("\n")
    );
}

/// Every whitespace-separated token in the cells of evidence and technical
/// tables that the browser laid out over more than one line (a word, an
/// address or a number broken apart), and whether the page itself scrolls
/// sideways.
const WRAP_PROBLEMS: &str = r#"
const problems = [];
const cells = document.querySelectorAll('table.evidence th, table.evidence td, table.how-table th, table.how-table td');
for (const cell of cells) {
  if (cell.closest('details:not([open])')) continue;
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    // A key or digest longer than any phone is wide may break anywhere.
    if (node.parentElement && node.parentElement.closest('.blob')) continue;
    const text = node.textContent;
    const re = /\S+/g;
    let m;
    while ((m = re.exec(text))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (tops.size > 1) problems.push(m[0]);
    }
  }
}
if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) {
  problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + document.documentElement.clientWidth);
}
return problems;
"#;

async fn assert_wraps_sensibly(b: &Client, what: &str) {
    for width in [1280, 390] {
        at_width(b, width).await;
        let found = b
            .execute(WRAP_PROBLEMS, vec![])
            .await
            .expect("layout check");
        let problems: Vec<String> = serde_json::from_value(found).unwrap_or_default();
        assert!(
            problems.is_empty(),
            "{what} at {width} px breaks these apart: {problems:?}"
        );
    }
    b.set_window_size(1280, 900).await.expect("window size");
}

/// The report id in the browser's address.
async fn report_id(b: &Client) -> String {
    let url = wait_for_url(b, "/report/").await;
    url.split("/report/")
        .nth(1)
        .unwrap_or_default()
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string()
}

async fn text_of(b: &Client, css: &str) -> String {
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .text()
        .await
        .unwrap_or_default()
}

/// Clicks `button` and waits for a report other than `old`; its id.
async fn click_for_new_report(b: &Client, button: &str, old: &str) -> String {
    b.find(Locator::Css(button))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until("the button made no new report", || async {
        let url = b
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        match url.split("/report/").nth(1) {
            Some(id) if !id.starts_with(old) => {
                Ok(id.split(['?', '#']).next().unwrap_or_default().to_string())
            }
            _ => Err(url),
        }
    })
    .await
}

/// Tests `domain` through the home page's form and returns the report id.
async fn test_from_home(b: &Client, base: &str, field: &str, domain: &str) -> String {
    b.goto(base).await.expect("home page");
    fill_and_submit(b, &[(field, domain)]).await;
    report_id(b).await
}

#[tokio::test(flavor = "multi_thread")]
async fn result_pages_in_a_browser() {
    let server = start(&[]).await;
    let browser = chromium().await;
    let b = &browser.client;
    b.set_window_size(1280, 900).await.expect("window size");
    println!(
        "screenshots of the result pages: {}",
        screenshot_dir().display()
    );

    // The home page, accessible, before anything was tested.
    b.goto(&server.base).await.unwrap();
    assert_accessible(b, "home page").await;

    // A test: the progress page has its polite live region and the parts,
    // then the browser is taken to the report.
    b.goto(&server.base).await.unwrap();
    fill_and_submit(b, &[("web-domain", "tls-good.test")]).await;
    let progress_or_report = wait_until("no progress page or report", || async {
        let url = b
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        if url.contains("/test/") || url.contains("/report/") {
            Ok(url)
        } else {
            Err(url)
        }
    })
    .await;
    if progress_or_report.contains("/test/") {
        let source = b.source().await.unwrap_or_default();
        if source.contains("id=\"progress\"") {
            let live = b
                .find(Locator::Id("progress-live"))
                .await
                .expect("live region");
            assert_eq!(
                live.attr("aria-live").await.unwrap().as_deref(),
                Some("polite")
            );
            assert_eq!(live.attr("role").await.unwrap().as_deref(), Some("status"));
            assert!(
                source.contains("id=\"part-tls\""),
                "the parts are listed: {source}"
            );
        }
    }
    let first = report_id(b).await;
    let page = wait_for_text(b, "Test result for tls-good.test").await;

    // The summary: one line per category, each linking to its section.
    let links = b
        .find_all(Locator::Css(".summary-lines a[href^='#cat-']"))
        .await
        .unwrap();
    assert!(links.len() >= 3, "a line per category: {page}");
    for link in &links {
        let href = link.attr("href").await.unwrap().unwrap_or_default();
        let target = href.trim_start_matches('#');
        assert!(
            b.find(Locator::Id(target)).await.is_ok(),
            "the summary links to {target}, which exists"
        );
    }
    links[0].click().await.unwrap();
    let url = b.current_url().await.unwrap().to_string();
    assert!(
        url.contains("#cat-"),
        "the link goes down to the category: {url}"
    );
    // Each finding says its level and points; the score is explained.
    assert!(
        page.contains("Required") && page.contains("of 10 points"),
        "{page}"
    );
    assert!(page.contains("How the score was made"), "{page}");
    // Technical tables: per address, TLS versions, suites by rating, key
    // exchange, the chain, DANE.
    for caption in [
        "TLS versions",
        "Cipher suites",
        "Key exchange",
        "Certificate chain",
        "DANE",
        "Addresses",
    ] {
        assert!(page.contains(caption), "technical table {caption}: {page}");
    }
    // As the page opens: passes and per-server tables folded, so a phone
    // scrolls through the summary and the problems first.
    screenshots(b, "report").await;
    // Everything unfolded, as a reader who opens it all sees it: nothing
    // breaks inside a word, an address or a number at either width.
    b.execute(
        "document.querySelectorAll('details').forEach(d => d.open = true)",
        vec![],
    )
    .await
    .unwrap();
    let versions = text_of(b, "#server-1").await;
    assert!(
        versions.contains("TLS 1.3") || versions.contains("TLS 1.2"),
        "{versions}"
    );
    assert!(page.contains("127.0.30.1:443"), "{page}");
    assert_wraps_sensibly(b, "report page").await;
    assert_accessible(b, "report page").await;
    screenshots(b, "report-unfolded").await;

    // Retest: a new test, a new report.
    b.goto(&format!("{}/report/{first}", server.base))
        .await
        .unwrap();
    let retested = click_for_new_report(b, "#retest", &first).await;
    assert_ne!(retested, first);

    // The reuse notice: testing again at once shows the recent result, says
    // how old it is, and offers to test now.
    let reused = test_from_home(b, &server.base, "web-domain", "tls-good.test").await;
    assert_eq!(reused, retested, "the newest public result is reused");
    let url = b.current_url().await.unwrap().to_string();
    assert!(url.contains("reused=1"), "{url}");
    let notice = text_of(b, "#reuse-notice").await;
    assert!(
        notice.contains("ago") || notice.contains("just now"),
        "{notice}"
    );
    let fresh = click_for_new_report(b, "#reuse-notice button", &retested).await;

    // The per-domain address shows the latest public result; other
    // spellings of the name are sent there.
    b.goto(&format!("{}/site/tls-good.test", server.base))
        .await
        .unwrap();
    let latest = wait_for_text(b, "latest public result").await;
    assert!(latest.contains(&format!("/report/{fresh}")), "{latest}");
    b.goto(&format!("{}/site/TLS-Good.test", server.base))
        .await
        .unwrap();
    let url = wait_for_url(b, "/site/tls-good.test").await;
    assert!(url.ends_with("/site/tls-good.test"), "{url}");
    // History: every public result, what changed between them.
    b.goto(&format!("{}/site/tls-good.test/history", server.base))
        .await
        .unwrap();
    let history = wait_for_text(b, "History of tls-good.test").await;
    for id in [&first, &retested, &fresh] {
        assert!(
            history.contains(&format!("/report/{id}")),
            "{id} in {history}"
        );
    }
    assert!(history.contains("The first public result"), "{history}");

    // The home page lists the domain once however often it was tested.
    b.goto(&server.base).await.unwrap();
    let recent = text_of(b, "#recent-results").await;
    assert_eq!(recent.matches("tls-good.test").count(), 1, "{recent}");
    screenshots(b, "home").await;

    // Inline form errors: the problem beside the field, what was typed kept.
    b.goto(&server.base).await.unwrap();
    fill_and_submit(b, &[("web-domain", "not a domain!")]).await;
    let page = wait_for_text(b, "web-domain-error").await;
    let field = b.find(Locator::Id("web-domain")).await.unwrap();
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some("not a domain!"),
        "what was typed stays"
    );
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert!(page.contains("This cannot be tested"), "{page}");
    assert_accessible(b, "home page with a form error").await;
    screenshots(b, "form-error").await;

    // Guides, the API page, sign-in: accessible too.
    b.goto(&format!("{}/guides/web.tls.version", server.base))
        .await
        .unwrap();
    assert_accessible(b, "guide page").await;
    screenshots(b, "guide").await;
    b.goto(&format!("{}/api", server.base)).await.unwrap();
    let api = wait_for_text(b, "POST /api/v1/tests").await;
    for part in [
        "GET /api/v1/reports/{id}",
        "TestStatus",
        "API keys",
        "Authorization",
    ] {
        assert!(api.contains(part), "the API page shows {part}");
    }
    assert_accessible(b, "API page").await;
    screenshots(b, "api").await;
    b.goto(&format!("{}/login", server.base)).await.unwrap();
    assert_accessible(b, "sign-in page").await;
    screenshots(b, "login").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hall_of_fame_and_badge() {
    let server = start(&[]).await;
    // A reader in South Africa (UTC+2 all year).
    let browser = chromium_in_zone("Africa/Johannesburg").await;
    let b = &browser.client;
    // dane-good.test: TLS as it should be, DNSSEC, RPKI.
    let id = test_from_home(b, &server.base, "web-domain", "dane-good.test").await;
    let score = text_of(b, ".score-value").await;
    // Dates in the reader's time zone: the server wrote UTC, the page's
    // script rewrote it for the reader's zone, two hours ahead.
    let times = b
        .execute(
            "const t = document.querySelector('.report-meta time'); \
             return [t.getAttribute('datetime'), t.getAttribute('title'), t.textContent];",
            vec![],
        )
        .await
        .unwrap();
    let times: Vec<String> = serde_json::from_value(times).unwrap();
    let (iso, utc_text, local_text) = (&times[0], &times[1], &times[2]);
    assert!(iso.ends_with('Z'), "{iso}");
    assert!(utc_text.ends_with("UTC"), "the server's text: {utc_text}");
    assert!(
        local_text.contains("GMT+2"),
        "the reader's zone: {local_text}"
    );
    let utc_hour: u32 = iso[11..13].parse().unwrap();
    let local_hour = (utc_hour + 2) % 24;
    let twelve = match local_hour % 12 {
        0 => 12,
        h => h,
    };
    assert!(
        local_text.contains(&format!(" {twelve}:{}", &iso[14..16])),
        "{iso} at UTC+2 is {local_hour}:{}: {local_text}",
        &iso[14..16]
    );
    b.goto(&format!("{}/hall-of-fame", server.base))
        .await
        .unwrap();
    let fame = wait_for_text(b, "Hall of fame").await;
    // No domain of the test network scores 100% (none has every IPv6
    // check right), so the hall lists nothing; the router test
    // `results::tests::the_hall_of_fame_lists_domains_whose_latest_public_result_is_perfect`
    // shows who it lists.
    assert_ne!(score, "100%", "the test network changed: list it here");
    assert!(!fame.contains("/site/dane-good.test"), "{score}: {fame}");
    assert_accessible(b, "hall of fame").await;
    screenshots(b, "hall-of-fame").await;
    // The badge: an SVG whose texts fit their boxes, linking to the latest
    // result.
    b.goto(&format!("{}/badge/web/dane-good.test.svg", server.base))
        .await
        .unwrap();
    let fits = b
        .execute(
            r#"const out = [];
               const rects = document.querySelectorAll('rect');
               const texts = document.querySelectorAll('text');
               texts.forEach((t, i) => {
                 const box = t.getBBox(); const r = rects[i];
                 const left = r.x.baseVal.value, right = left + r.width.baseVal.value;
                 out.push([box.x >= left, box.x + box.width <= right + 0.5, t.textContent]);
               });
               return out;"#,
            vec![],
        )
        .await
        .unwrap();
    let fits: Vec<(bool, bool, String)> = serde_json::from_value(fits).unwrap();
    assert_eq!(fits.len(), 2, "label and value");
    for (starts_inside, ends_inside, text) in fits {
        assert!(starts_inside && ends_inside, "{text:?} runs out of its box");
    }
    let svg = reqwest::get(format!("{}/badge/web/dane-good.test.svg", server.base))
        .await
        .unwrap();
    assert_eq!(
        svg.headers()["content-type"].to_str().unwrap(),
        "image/svg+xml; charset=utf-8"
    );
    let svg = svg.text().await.unwrap();
    assert!(
        svg.contains(&format!("{}/site/dane-good.test", server.base)),
        "{svg}"
    );
    assert!(svg.contains(&score), "the badge says {score}: {svg}");
    let _ = id;
}

/// Submits a batch with an API key made by an admin, and waits for it.
async fn batch_of(server: &Server, domains: &[&str]) {
    server.create_user("admin@example.test", "admin", "an admin password");
    let admin = server
        .signed_in("admin@example.test", "an admin password")
        .await;
    let admin_page = admin
        .get(server.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let user_id = admin_page
        .split("id=\"k-user\"")
        .nth(1)
        .and_then(|s| s.split("<option value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("the API key form lists users")
        .to_string();
    let key = server.new_api_key(&admin, &user_id, "batch").await;
    let client = reqwest::Client::new();
    let r = client
        .post(server.url("/api/v1/batches"))
        .bearer_auth(&key)
        .json(&serde_json::json!({"kind": "web", "domains": domains}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let batch: serde_json::Value = r.json().await.unwrap();
    let id = batch["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let b: serde_json::Value = client
            .get(server.url(&format!("/api/v1/batches/{id}")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if b["finished"] == domains.len() {
            break;
        }
        assert!(Instant::now() < deadline, "batch not finished: {b}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The home page lists public single tests only: never a batch (API key)
/// test, never a domain twice, never a name that does not exist; and an
/// operator can turn the list off.
#[tokio::test(flavor = "multi_thread")]
async fn no_batch_or_api_key_test_appears_on_the_home_page() {
    let server = start(&[]).await;
    batch_of(&server, &["signed.test", "unsigned.test"]).await;
    // A public test of a name that does not exist, and one that does.
    let client = http_client();
    for domain in ["does-not-exist.test", "mail.test"] {
        let token = csrf(&client, &server.base).await;
        let r = client
            .post(server.url("/test/web"))
            .form(&[("csrf", token.as_str()), ("domain", domain)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let mut next = location(&r);
        let deadline = Instant::now() + Duration::from_secs(60);
        while next.starts_with("/test/") {
            assert!(Instant::now() < deadline, "{domain} did not finish");
            tokio::time::sleep(Duration::from_millis(300)).await;
            let r = client.get(server.url(&next)).send().await.unwrap();
            if r.status() == StatusCode::SEE_OTHER {
                next = location(&r);
            }
        }
    }
    let home = reqwest::get(&server.base)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("mail.test"),
        "a public test is listed: {home}"
    );
    for hidden in ["signed.test", "unsigned.test", "does-not-exist.test"] {
        assert!(
            !home.contains(&format!(">{hidden}<")),
            "{hidden} must not be listed on the home page: {home}"
        );
    }
    // A batch's report has no per-domain address.
    let r = reqwest::get(server.url("/site/signed.test")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The operator's setting turns the list off.
    let quiet = platform::start(BIN, Db::Sqlite, &["--no-recent-results"]).await;
    let client = http_client();
    let token = csrf(&client, &quiet.base).await;
    client
        .post(quiet.url("/test/web"))
        .form(&[("csrf", token.as_str()), ("domain", "mail.test")])
        .send()
        .await
        .unwrap();
    let home = reqwest::get(&quiet.base)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("recent-results"), "{home}");
}

/// 413 and 429 as pages on the site and as JSON of the one error shape on
/// the API; the platform's security.txt names the operator's contact.
#[tokio::test(flavor = "multi_thread")]
async fn errors_are_pages_on_the_site_and_json_on_the_api() {
    let server = start(&[
        "--submit-burst",
        "1",
        "--submit-per-minute",
        "1",
        "--security-contact",
        "mailto:cert@example.test",
    ])
    .await;
    let client = http_client();
    let token = csrf(&client, &server.base).await;
    let big = "a".repeat(300 * 1024);
    let r = client
        .post(server.url("/test/web"))
        .form(&[("csrf", token.as_str()), ("domain", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text().await.unwrap().contains("Too much data"));
    let r = reqwest::Client::new()
        .post(server.url("/api/v1/tests"))
        .header("content-type", "application/json")
        .body(format!("{{\"kind\": \"web\", \"domain\": \"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["error"].is_string() && body.as_object().unwrap().len() == 1,
        "{body}"
    );

    // The second test within the minute is refused, as a page...
    for attempt in 0..2 {
        let r = client
            .post(server.url("/test/web"))
            .form(&[("csrf", token.as_str()), ("domain", "signed.test")])
            .send()
            .await
            .unwrap();
        if attempt == 1 {
            assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
            assert!(r.headers().contains_key("retry-after"));
            assert!(r.text().await.unwrap().contains("Too many requests"));
        }
    }
    // ...and as JSON on the API.
    let api = reqwest::Client::new();
    let mut last = None;
    for _ in 0..2 {
        last = Some(
            api.post(server.url("/api/v1/tests"))
                .json(&serde_json::json!({"kind": "web", "domain": "unsigned.test"}))
                .send()
                .await
                .unwrap(),
        );
    }
    let r = last.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");

    let txt = reqwest::get(server.url("/.well-known/security.txt"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        txt.starts_with("Contact: mailto:cert@example.test\n"),
        "{txt}"
    );
    let without = start(&[]).await;
    let r = reqwest::get(without.url("/.well-known/security.txt"))
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "no contact, no security.txt"
    );
}

/// The value of the `<option>` of select `select` whose text is `text`.
async fn option_value(b: &Client, select: &str, text: &str) -> String {
    b.execute(
        "for (const o of document.getElementById(arguments[0]).options) \
           if (o.text === arguments[1]) return o.value; return null;",
        vec![select.into(), text.into()],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap_or_else(|| panic!("no option {text:?} in #{select}"))
    .to_string()
}

/// How an API key is received by the API: `GET /api/v1/batches/none` is
/// 404 for a working key, 401 for a revoked one.
async fn key_status(server: &Server, key: &str) -> StatusCode {
    reqwest::Client::new()
        .get(server.url("/api/v1/batches/none"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
}

/// Signs `email` in through the sign-in form and waits until it is done.
async fn sign_in(b: &Client, server: &Server, email: &str, password: &str) {
    b.goto(&server.url("/login")).await.unwrap();
    fill_and_submit(b, &[("email", email), ("password", password)]).await;
    wait_until("the sign-in never finished", || async {
        let url = b
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        if url.contains("/login") {
            Err(url)
        } else {
            Ok(())
        }
    })
    .await;
}

/// The admin page, safe to use: every form redirects after POST (a reload
/// submits nothing twice, the new key is shown once), new users are
/// members unless chosen otherwise, groups and roles are words, a key is
/// revoked and a user and an organisation disabled from the page; it is
/// accessible.
#[tokio::test(flavor = "multi_thread")]
async fn a_safe_admin_page() {
    let server = start(&[]).await;
    server.create_user("admin@example.test", "admin", "an admin password");
    let browser = chromium().await;
    let b = &browser.client;
    sign_in(b, &server, "admin@example.test", "an admin password").await;
    b.goto(&server.url("/admin")).await.unwrap();

    // An organisation, its group chosen and shown in words.
    let group = option_value(b, "no-group", "Hosting company").await;
    assert_eq!(group, "hosting");
    b.execute(
        "document.getElementById('no-group').value = 'hosting'",
        vec![],
    )
    .await
    .unwrap();
    fill_and_submit(b, &[("no-name", "Hosting Ltd")]).await;
    wait_for_text(b, "The organisation Hosting Ltd was created").await;
    let url = b.current_url().await.unwrap().to_string();
    assert!(url.ends_with("/admin#orgs"), "redirected after POST: {url}");
    // A reload repeats the GET, not the POST.
    b.refresh().await.unwrap();
    let page = wait_for_text(b, "Hosting Ltd").await;
    assert!(!page.contains("was created"), "the notice is shown once");
    let rows = b
        .execute(
            "return document.querySelectorAll('#organisations tbody tr').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.as_u64(), Some(1), "one organisation, created once");
    let orgs = text_of(b, "#organisations").await;
    assert!(orgs.contains("Hosting company"), "{orgs}");

    // A new user is a member unless the admin chooses otherwise.
    let role: String = b
        .execute("return document.getElementById('nu-role').value", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(role, "member");
    let org_id = option_value(b, "nu-org", "Hosting Ltd").await;
    b.execute(
        "document.getElementById('nu-org').value = arguments[0]",
        vec![org_id.clone().into()],
    )
    .await
    .unwrap();
    fill_and_submit(
        b,
        &[
            ("nu-email", "m@example.test"),
            ("nu-name", "M"),
            ("nu-password", "a member password"),
        ],
    )
    .await;
    wait_for_text(b, "The account m@example.test was created").await;
    let member_id = option_value(b, "k-user", "m@example.test").await;
    let shown_role: String = b
        .execute(
            "const s = document.getElementById('role-' + arguments[0]); return s.options[s.selectedIndex].text",
            vec![member_id.clone().into()],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(shown_role.starts_with("Member"), "{shown_role}");

    // An API key: shown once after the redirect, listed with its times,
    // revoked from the page.
    b.execute(
        "document.getElementById('k-user').value = arguments[0]",
        vec![member_id.clone().into()],
    )
    .await
    .unwrap();
    fill_and_submit(b, &[("k-label", "monitoring")]).await;
    let notice = wait_for_text(b, "New API key").await;
    let key = notice
        .split("ik_")
        .nth(1)
        .map(|s| format!("ik_{}", s.split(['<', ' ', '"']).next().unwrap_or_default()))
        .expect("the key is shown");
    assert_eq!(
        key_status(&server, &key).await,
        StatusCode::NOT_FOUND,
        "{key:?} works"
    );
    b.refresh().await.unwrap();
    let page = wait_for_text(b, "monitoring").await;
    assert!(!page.contains(&key), "the key is shown only once");
    let rows = b
        .execute(
            "return document.querySelectorAll('#api-keys tbody tr').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.as_u64(), Some(1), "one key, created once");
    let keys = text_of(b, "#api-keys tbody").await;
    assert!(keys.contains("working") && keys.contains("UTC"), "{keys}");
    assert_accessible(b, "admin page").await;
    screenshots(b, "admin").await;
    b.find(Locator::Css("#api-keys tbody button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(b, "The API key was revoked").await;
    assert!(
        text_of(b, "#api-keys tbody")
            .await
            .contains("revoked or expired")
    );
    assert_eq!(key_status(&server, &key).await, StatusCode::UNAUTHORIZED);

    // Disabling the member: kept on the page, no longer able to sign in.
    b.find(Locator::Id(&format!("disabled-{member_id}")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::XPath(&format!(
        "//input[@id='disabled-{member_id}']/ancestor::form//button[@type='submit']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for_text(b, "Saved.").await;
    let row_class: String = b
        .execute(
            "return document.getElementById('disabled-' + arguments[0]).closest('tr').className",
            vec![member_id.clone().into()],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(row_class, "disabled");
    let client = http_client();
    let token = csrf(&client, &server.url("/login")).await;
    let r = client
        .post(server.url("/login"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", "m@example.test"),
            ("password", "a member password"),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a disabled user cannot sign in"
    );

    // Disabling the organisation; it stays listed, marked disabled.
    b.find(Locator::XPath(
        "//table[@id='organisations']//input[@name='disabled']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    b.find(Locator::XPath(
        "//table[@id='organisations']//button[@type='submit']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for_text(b, "The organisation was disabled").await;
    let orgs: String = b
        .execute(
            "return document.querySelector('#organisations tbody tr').className",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(orgs, "disabled");
    // The audit log: times in words, people by their address.
    let audit = text_of(b, "#audit-log").await;
    assert!(audit.contains("admin@example.test"), "{audit}");
    assert!(audit.contains("organisation.disable"), "{audit}");
    assert!(audit.contains("UTC") || audit.contains("GMT"), "{audit}");
}

/// A report names the kind of route data an instance has, never a path on
/// its server or a command-line option: the report is public.
#[test]
fn reports_show_no_server_paths_or_options() {
    let env = indaba_testkit::testbed_env();
    let (vrps, origins) = (&env["INDABA_TB_VRPS"], &env["INDABA_TB_ORIGINS_FILE"]);
    let run = |routing: &[&str]| {
        let out = std::process::Command::new(BIN)
            .args([
                "check",
                "--web",
                "signed.test",
                "--json",
                "--resolver",
                &env["INDABA_TB_RESOLVER"],
                "--trust-anchor",
                &env["INDABA_TB_TRUST_ANCHOR"],
                "--allow-private-targets",
            ])
            .args(routing)
            .output()
            .expect("indaba check");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let with_files = run(&["--vrps", vrps, "--origins-file", origins]);
    assert!(with_files.contains("\"web.rpki.valid\""), "{with_files}");
    let without = run(&[]);
    for (report, what) in [
        (&with_files, "with route data files"),
        (&without, "without route data"),
    ] {
        for secret in [
            vrps.as_str(),
            origins.as_str(),
            "testbed/",
            "--vrps",
            "--rtr",
            "--origins",
        ] {
            assert!(
                !report.contains(secret),
                "{what}: the report shows {secret:?}"
            );
        }
    }
}

/// The focused element's focus indicator: its outline colour (blended over
/// what is behind it when translucent) against the first non-transparent
/// background behind the outline — the parent's when the outline is drawn
/// outside the element (offset ≥ 0), the element's own otherwise — as a
/// WCAG contrast ratio. No outline at all counts as 1:1.
const FOCUS_CONTRAST: &str = r#"
const parse = c => {
  const m = /rgba?\(([^)]+)\)/.exec(c || '');
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
};
const lum = c => {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
};
const backdrop = from => {
  for (let e = from; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) return c;
  }
  return {r: 255, g: 255, b: 255, a: 1};
};
const el = document.activeElement;
if (!el || el === document.body) return null;
const s = getComputedStyle(el);
const width = parseFloat(s.outlineWidth) || 0;
const offset = parseFloat(s.outlineOffset) || 0;
const bg = backdrop(offset >= 0 ? el.parentElement : el);
let ratio = 1;
const oc = parse(s.outlineColor);
if (s.outlineStyle !== 'none' && width > 0 && oc && oc.a > 0) {
  const seen = {r: oc.a * oc.r + (1 - oc.a) * bg.r, g: oc.a * oc.g + (1 - oc.a) * bg.g, b: oc.a * oc.b + (1 - oc.a) * bg.b};
  const l1 = lum(seen), l2 = lum(bg);
  ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}
return {
  tag: el.tagName,
  what: el.tagName + (el.id ? '#' + el.id : '') + ' "' + (el.textContent || el.value || el.name || '').trim().slice(0, 30) + '"',
  ratio: ratio,
  outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
  background: 'rgb(' + bg.r + ',' + bg.g + ',' + bg.b + ')'
};
"#;

/// One focus stop: the element's kind and description, its indicator's
/// contrast ratio, and how that was measured.
#[derive(Debug, serde::Deserialize)]
struct FocusStop {
    tag: String,
    what: String,
    ratio: f64,
    outline: String,
    background: String,
}

impl FocusStop {
    /// The stop in a line: what, its ratio, and what was compared.
    fn describe(&self) -> String {
        format!(
            "{}: {:.2}:1 (outline {} on {})",
            self.what, self.ratio, self.outline, self.background
        )
    }
}

/// Tabs through the current page from the top (up to 60 stops, until focus
/// comes back round) with the keyboard, as a person does — so
/// `:focus-visible` applies — and measures each stop's indicator.
async fn focus_stops(b: &Client) -> Vec<FocusStop> {
    // Focus on the body, so that Tab starts from the top of the page.
    b.execute(
        "document.body.setAttribute('tabindex', '-1'); document.body.focus(); document.body.removeAttribute('tabindex'); window.scrollTo(0, 0);",
        vec![],
    )
    .await
    .expect("focus the body");
    let mut stops: Vec<FocusStop> = Vec::new();
    for _ in 0..60 {
        let actions = fantoccini::actions::KeyActions::new("keys".into())
            .then(fantoccini::actions::KeyAction::Down {
                value: fantoccini::key::Key::Tab.into(),
            })
            .then(fantoccini::actions::KeyAction::Up {
                value: fantoccini::key::Key::Tab.into(),
            });
        b.perform_actions(actions).await.expect("press Tab");
        let found = b
            .execute(FOCUS_CONTRAST, vec![])
            .await
            .expect("measure focus");
        let Ok(Some(stop)) = serde_json::from_value::<Option<FocusStop>>(found) else {
            break;
        };
        if stops.first().is_some_and(|f| f.what == stop.what) {
            break;
        }
        stops.push(stop);
    }
    stops
}

/// Every focus stop of the current page has an indicator of at least 3:1
/// against what is behind it, and links, buttons and the `kinds` asked for are
/// among the stops.
async fn assert_focus_visible(b: &Client, what: &str, kinds: &[&str]) {
    let stops = focus_stops(b).await;
    for kind in kinds {
        assert!(
            stops.iter().any(|s| s.tag == *kind),
            "{what}: no {kind} among the focus stops {:#?}",
            stops.iter().map(FocusStop::describe).collect::<Vec<_>>()
        );
    }
    let weak: Vec<String> = stops
        .iter()
        .filter(|s| s.ratio < 3.0)
        .map(FocusStop::describe)
        .collect();
    assert!(
        weak.is_empty(),
        "{what}: focus indicators under 3:1 against their background:\n{}",
        weak.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn focus_indicators_contrast_at_least_3_to_1() {
    let server = start(&[]).await;
    let browser = chromium().await;
    let b = &browser.client;
    b.set_window_size(1280, 900).await.expect("window size");

    b.goto(&server.base).await.unwrap();
    assert_focus_visible(b, "home page", &["A", "BUTTON", "INPUT"]).await;
    b.goto(&format!("{}/login", server.base)).await.unwrap();
    assert_focus_visible(b, "sign-in page", &["A", "BUTTON", "INPUT"]).await;
    test_from_home(b, &server.base, "web-domain", "tls-good.test").await;
    wait_for_text(b, "Test result for tls-good.test").await;
    assert_focus_visible(b, "report page", &["A", "BUTTON", "SUMMARY"]).await;

    // The measure can fail: with the site's focus outline set to none in its
    // style sheet (through the CSSOM: the CSP refuses inline styles), the
    // same page's stops fall under 3:1.
    b.execute(
        "for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) if (rule.selectorText && rule.selectorText.includes('focus')) rule.style.setProperty('outline', 'none');",
        vec![],
    )
    .await
    .unwrap();
    let stops = focus_stops(b).await;
    let described: Vec<String> = stops.iter().map(FocusStop::describe).collect();
    assert!(
        !stops.is_empty() && stops.iter().all(|s| s.ratio < 3.0),
        "with the outline removed every stop fails: {described:#?}"
    );
}

/// The text of each technical block (`details.tech-block` of a server) of
/// the report in the browser, all unfolded: (summary, whole text).
async fn server_blocks(b: &Client) -> Vec<(String, String)> {
    let found = b
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true);
             return Array.from(document.querySelectorAll('details.tech-block[id^=server-]'))
               .map(d => [d.querySelector('summary').innerText, d.innerText]);",
            vec![],
        )
        .await
        .expect("technical blocks");
    serde_json::from_value(found).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mail_report_has_technical_tables_per_mx() {
    let server = start(&[]).await;
    let browser = chromium().await;
    let b = &browser.client;
    b.set_window_size(1280, 900).await.expect("window size");

    // mail.test has two MX hosts on the test network: mx1 (IPv4 and IPv6)
    // and mx2 (IPv4 only), both with STARTTLS and TLSA records.
    test_from_home(b, &server.base, "mail-domain", "mail.test").await;
    let page = wait_for_text(b, "Test result for mail.test").await;
    screenshots(b, "mail-report-folded").await;
    let blocks = server_blocks(b).await;
    for mx in ["mx1.mail.test", "mx2.mail.test"] {
        let mine: Vec<&(String, String)> = blocks.iter().filter(|(s, _)| s.contains(mx)).collect();
        assert!(!mine.is_empty(), "no technical tables for {mx}: {page}");
        for (summary, text) in mine {
            assert!(summary.contains(":25"), "the address and port: {summary}");
            for part in [
                "TLS versions",
                "TLS 1.2",
                "Cipher suites",
                "Key exchange",
                "Certificate chain",
                "subject CN=",
                "issuer CN=",
                "DANE",
                &format!("_25._tcp.{mx}"),
                "3 1 1",
            ] {
                assert!(text.contains(part), "{mx}: no {part:?} in {text}");
            }
        }
    }
    // mx1 has two addresses (IPv4 and IPv6), each tested: a block each.
    assert!(
        blocks
            .iter()
            .filter(|(s, _)| s.contains("mx1.mail.test"))
            .count()
            >= 2,
        "{blocks:#?}"
    );
    let addresses = text_of(b, "#tech-addresses").await;
    for mx in ["mx1.mail.test", "mx2.mail.test"] {
        assert!(addresses.contains(mx), "{addresses}");
    }
    assert_wraps_sensibly(b, "mail report").await;
    assert_accessible(b, "mail report").await;
    screenshots(b, "mail-report").await;
}

/// The monitoring pages an analyst works in — the lists, a list, its
/// dashboard after two real scans (charts, trends, worst domains), sectors
/// side by side, the explanations and the notices' delivery log — pass
/// WCAG 2.2 AA at 1280 and 390 px.
#[tokio::test(flavor = "multi_thread")]
async fn monitoring_pages_are_accessible_at_both_widths() {
    let server = start(&[]).await;
    server.create_user("analyst@example.test", "analyst", "an analyst password");
    let file = std::env::temp_dir().join(format!("indaba-pages-{}.csv", platform::unique()));
    std::fs::write(
        &file,
        "domain,sector,country\nsigned.test,finance,ZA\nunsigned.test,finance,NL\nweb-v4only.test,energy,NL\n",
    )
    .unwrap();
    let file_arg = file.display().to_string();
    let imported = server.command(&[
        "list", "import", &file_arg, "--name", "banks", "--kinds", "web",
    ]);
    let _ = std::fs::remove_file(&file);
    assert!(imported.status.success(), "{imported:?}");
    for _ in 0..2 {
        let out = server.command(&["scan", "banks", "--watch-only"]);
        assert!(out.status.success(), "{out:?}");
    }
    let store = indaba_store::Store::open(&server.database).await.unwrap();
    let list = store.list_by_name("banks").await.unwrap();

    let browser = chromium().await;
    let b = &browser.client;
    sign_in(b, &server, "analyst@example.test", "an analyst password").await;
    let id = &list.id;
    for (path, name, shows) in [
        ("/monitor".to_string(), "monitor-lists", "banks"),
        (
            format!("/monitor/lists/{id}"),
            "monitor-list",
            "signed.test",
        ),
        (
            format!("/monitor/lists/{id}/dashboard"),
            "monitor-dashboard",
            "web.https.available",
        ),
        (
            format!("/monitor/lists/{id}/compare?by=sector&check=web.https.available"),
            "monitor-compare",
            "finance",
        ),
        (
            format!("/monitor/lists/{id}/explanations"),
            "monitor-explanations",
            "banks",
        ),
        (
            "/monitor/notices".to_string(),
            "monitor-notices",
            "No digest has been made yet.",
        ),
    ] {
        b.goto(&server.url(&path)).await.unwrap();
        let page = b.source().await.unwrap();
        assert!(page.contains(shows), "{path} shows {shows}:\n{page}");
        for width in [1280, 390] {
            at_width(b, width).await;
            assert_accessible(b, &format!("{path} at {width} px")).await;
        }
        screenshots(b, name).await;
    }
}
