//! What the page benchmarks (`desk-bench`, `stats-bench`) share: a seeded
//! random source, argument and URL helpers, the bench analyst's account,
//! signing in, and timing pages to their p50 and p99.

#![allow(dead_code)]

use std::time::Instant;

/// xorshift64*: the same data every run.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The value after `name` in `args`, or `default`.
pub fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

/// The URL sqlx's `Any` pool wants.
pub fn database_url(url: &str) -> String {
    if url.starts_with("postgres") {
        url.to_string()
    } else {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        format!("sqlite://{path}")
    }
}

/// The 50th and 99th percentiles of `ms`.
pub fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    (at(0.50), at(0.99))
}

/// The bench analyst's e-mail address and password.
pub const EMAIL: &str = "bench@example.test";
/// Its password.
pub const PASSWORD: &str = "a bench password";

/// Makes the bench analyst unless it exists.
pub async fn bench_user(store: &indaba_store::Store) {
    let users = store.users().await.unwrap_or_default();
    if !users.iter().any(|u| u.email == EMAIL) {
        store
            .create_user(
                &indaba_store::Actor::local(),
                indaba_store::NewUser {
                    email: EMAIL,
                    name: "bench",
                    role: indaba_store::Role::Analyst,
                    organisation_id: None,
                    password: PASSWORD,
                },
            )
            .await
            .expect("user");
    }
}

/// A client signed in as the bench analyst at `base`.
pub async fn signed_in(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let csrf = login[login.find(marker).unwrap() + marker.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", EMAIL),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in");
    client
}

/// Prints the table's heading.
pub fn heading() {
    println!(
        "{:<14} {:>10} {:>10} {:>8}",
        "page", "p50 ms", "p99 ms", "runs"
    );
}

/// Fetches `runs` pages whose URL `next` makes, and prints one line: the
/// name, p50 and p99 in milliseconds.
pub async fn time_pages(
    client: &reqwest::Client,
    name: &str,
    runs: usize,
    mut next: impl FnMut() -> String,
) {
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let url = next();
        let t = Instant::now();
        let r = client.get(&url).send().await.unwrap();
        let status = r.status();
        let _ = r.bytes().await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if !status.is_success() {
            eprintln!("{url}: {status}");
        }
    }
    let (p50, p99) = percentiles(ms);
    println!("{name:<14} {p50:>10.2} {p99:>10.2} {runs:>8}");
}
