//! Headless Chromium (Debian's, driven by its chromedriver through
//! fantoccini) for the browser tests, and the waits they need.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::platform::{TempDir, free_port};

/// Headless Chromium driven by Debian's chromedriver, stopped on drop.
pub struct Browser {
    driver: Child,
    /// The WebDriver client.
    pub client: fantoccini::Client,
    _profile: TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Chromium outlives a killed chromedriver: end every process started
        // with this test's profile, even when the test failed half-way.
        let _ = Command::new("pkill")
            .args(["-f", "--"])
            .arg(format!("--user-data-dir={}", self._profile.0.display()))
            .status();
    }
}

/// Starts headless Chromium with a fresh profile.
pub async fn chromium() -> Browser {
    start(None).await
}

/// Starts headless Chromium with a fresh profile in time zone `tz` (an
/// IANA name such as `Africa/Johannesburg`), as a reader there sees pages.
pub async fn chromium_in_zone(tz: &str) -> Browser {
    start(Some(tz)).await
}

async fn start(tz: Option<&str>) -> Browser {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = free_port();
    let mut driver = Command::new("chromedriver");
    if let Some(tz) = tz {
        // Chromium, started by chromedriver, takes its zone from TZ.
        driver.env("TZ", tz);
    }
    let driver = driver
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian's chromium-driver; ./run-tests installs it)");
    let profile = TempDir::new();
    let caps: fantoccini::wd::Capabilities = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     format!("--user-data-dir={}", profile.0.display())]
        }
    }))
    .expect("capabilities");
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = loop {
        let attempt = fantoccini::ClientBuilder::rustls()
            .expect("TLS for WebDriver")
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(c) => break c,
            Err(e) => {
                assert!(
                    Instant::now() < deadline,
                    "chromedriver did not start a browser: {e}"
                );
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    Browser {
        driver,
        client,
        _profile: profile,
    }
}

/// Polls `look` every 200 ms for up to a minute until it finds what it waits
/// for (`Ok`); on timeout fails with `never` and the last state it saw.
pub async fn wait_until<T, F, Fut>(never: &str, mut look: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match look().await {
            Ok(found) => return found,
            Err(state) => assert!(Instant::now() < deadline, "{never}; {state}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the browser's address contains `part` (the progress page
/// refreshes itself until the report is ready).
pub async fn wait_for_url(b: &fantoccini::Client, part: &str) -> String {
    wait_until(&format!("the browser never reached {part}"), || async {
        let url = b
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        if url.contains(part) {
            Ok(url)
        } else {
            Err(format!("it is at {url}"))
        }
    })
    .await
}

/// Waits until the page the browser shows contains `text` (a click's
/// navigation finishes after `click` returns), and returns that page.
pub async fn wait_for_text(b: &fantoccini::Client, text: &str) -> String {
    wait_until(&format!("the browser never showed {text:?}"), || async {
        let page = b.source().await.unwrap_or_default();
        if page.contains(text) {
            Ok(page)
        } else {
            Err(format!("it shows {page}"))
        }
    })
    .await
}

/// Types `fields` (element id, value) and clicks the submit button of the
/// form of the last one.
pub async fn fill_and_submit(b: &fantoccini::Client, fields: &[(&str, &str)]) {
    use fantoccini::Locator;
    let mut last = None;
    for (id, value) in fields {
        let input = b.find(Locator::Id(id)).await.expect("form field");
        input.send_keys(value).await.expect("type");
        last = Some(input);
    }
    let form = last.expect("a field");
    form.find(Locator::XPath("ancestor::form//button[@type='submit']"))
        .await
        .expect("submit button")
        .click()
        .await
        .expect("click");
}
