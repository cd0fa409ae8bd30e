//! The response desk at scale (`bench/desk/run` drives it): `populate` fills
//! a database with cases and feed events; `measure` times the triage list,
//! case pages and search over HTTP against a running `indaba serve`;
//! `feed` writes a Shadowserver-format CSV to import. A benchmark, not a
//! test: it prints numbers and asserts none.

use std::time::Instant;

use indaba_desk::feed::Event;
use sqlx::Row;

mod common;

use common::{Rng, arg, database_url};

const WORDS: &[&str] = &[
    "phishing",
    "bank",
    "loan",
    "account",
    "password",
    "invoice",
    "ransom",
    "encrypted",
    "server",
    "website",
    "login",
    "fraud",
    "identity",
    "card",
    "payment",
    "email",
    "sextortion",
    "threat",
    "malware",
    "botnet",
    "scan",
    "resolver",
    "outage",
    "router",
    "mobile",
    "wallet",
    "crypto",
    "shop",
    "delivery",
    "parcel",
    "tax",
    "refund",
    "prize",
    "lottery",
    "romance",
    "investment",
];

fn sentence(rng: &mut Rng, n: usize) -> String {
    let mut words: Vec<String> = (0..n)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize].to_string())
        .collect();
    // One rare word per case, so searches can find a few among many.
    words.push(format!("w{}", rng.below(50_000)));
    words.join(" ")
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("populate") => populate(&args).await,
        Some("measure") => measure(&args).await,
        Some("feed") => feed(&args),
        _ => eprintln!("usage: desk-bench populate|measure|feed …"),
    }
}

async fn populate(args: &[String]) {
    let database = arg(args, "--database", "sqlite:bench.db");
    let cases: usize = arg(args, "--cases", "100000").parse().unwrap_or(100_000);
    let events: usize = arg(args, "--events", "1000000")
        .parse()
        .unwrap_or(1_000_000);
    let store = indaba_store::Store::open(&database).await.expect("open");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&database_url(&database))
        .await
        .expect("pool");
    let mut rng = Rng(0x5eed_0000_0000_0001);
    let classes: Vec<String> = indaba_desk::Classification::all()
        .map(|c| c.to_string())
        .collect();
    let states = ["new", "open", "stalled", "linked", "resolved", "rejected"];
    let tlps = [
        "CLEAR",
        "GREEN",
        "AMBER",
        "AMBER",
        "AMBER",
        "AMBER+STRICT",
        "RED",
    ];
    let now = indaba_store::now();
    let started = Instant::now();
    const BATCH: usize = 200;
    const COLUMNS: usize = 16;
    let mut number = 0u32;
    for chunk in (0..cases).collect::<Vec<_>>().chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO desk_cases (id, reference, kind, state, draft, classification, priority, tlp, title, \
             description, door, created_at, updated_at, respond_by, resolve_by, closed_at) VALUES ",
        );
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let params: Vec<String> = (1..=COLUMNS)
                .map(|c| format!("${}", i * COLUMNS + c))
                .collect();
            sql.push_str(&format!("({})", params.join(",")));
        }
        let mut q = sqlx::query(&sql);
        for _ in chunk {
            number += 1;
            let created = now - rng.below(365 * 86_400) as i64;
            let state = states[rng.below(states.len() as u64) as usize];
            // Closed recently: retention (which the server runs every minute)
            // must not remove cases while they are being measured.
            let closed = matches!(state, "resolved" | "rejected")
                .then(|| now - rng.below(20 * 86_400) as i64);
            let kind = if rng.below(10) == 0 {
                "incident"
            } else {
                "report"
            };
            q = q
                .bind(format!("bench{number:08}"))
                .bind(format!("IND-2025-{number:06}"))
                .bind(kind)
                .bind(state)
                .bind(0i64)
                .bind(classes[rng.below(classes.len() as u64) as usize].clone())
                .bind("normal")
                .bind(tlps[rng.below(tlps.len() as u64) as usize])
                .bind(sentence(&mut rng, 4))
                .bind(sentence(&mut rng, 40))
                .bind("public")
                .bind(created)
                .bind(created)
                .bind(created + 8 * 3600)
                .bind(created + 7 * 86_400)
                .bind(closed);
        }
        q.execute(&pool).await.expect("insert cases");
    }
    println!("cases: {cases} in {:.1} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let org = store
        .create_organisation(
            &indaba_store::Actor::local(),
            &format!("Bench ISP {}", rng.next()),
            indaba_store::Stakeholder::Isp,
        )
        .await
        .expect("org");
    let class = indaba_desk::feed::classify("scan_dns");
    let mut left = events;
    while left > 0 {
        let n = left.min(100_000);
        let batch: Vec<(Event, Option<String>)> = (0..n)
            .map(|_| {
                let ip = std::net::Ipv4Addr::from(0x0a00_0000u32 + rng.below(1 << 24) as u32);
                (
                    Event {
                        time: now - rng.below(30 * 86_400) as i64,
                        ip: ip.into(),
                        port: Some(53),
                        asn: Some(64500 + rng.below(20) as u32),
                        hostname: None,
                        report_type: "scan_dns".into(),
                        identifier: "openresolver".into(),
                        classification: class,
                    },
                    (rng.below(4) == 0).then(|| org.id.clone()),
                )
            })
            .collect();
        store
            .desk_import_feed(None, "bench", "scan_dns", &batch, 0)
            .await
            .expect("events");
        left -= n;
    }
    println!(
        "feed events: {events} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    common::bench_user(&store).await;
}

async fn measure(args: &[String]) {
    let base = arg(args, "--base", "http://127.0.0.1:18182");
    let database = arg(args, "--database", "sqlite:bench.db");
    let runs: usize = arg(args, "--runs", "200").parse().unwrap_or(200);
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&database_url(&database))
        .await
        .expect("pool");
    let ids: Vec<String> = sqlx::query("SELECT id FROM desk_cases ORDER BY id LIMIT 5000")
        .fetch_all(&pool)
        .await
        .expect("ids")
        .iter()
        .map(|r| r.get::<String, _>("id"))
        .collect();
    let client = common::signed_in(&base).await;
    let mut rng = Rng(7);
    common::heading();
    for (name, path) in [
        ("triage", "triage"),
        ("overdue", "overdue"),
        ("case", "case"),
        ("search", "search"),
    ] {
        common::time_pages(&client, name, runs, || match path {
            "triage" => format!("{base}/desk?view=open"),
            "overdue" => format!("{base}/desk?view=overdue"),
            "case" => format!(
                "{base}/desk/case/{}",
                ids[rng.below(ids.len() as u64) as usize]
            ),
            _ => format!("{base}/desk?q=w{}", rng.below(50_000)),
        })
        .await;
    }
}

fn feed(args: &[String]) {
    let rows: usize = arg(args, "--rows", "100000").parse().unwrap_or(100_000);
    let out = arg(args, "--out", "2026-12-05-scan_dns-bench.csv");
    let mut rng = Rng(11);
    let mut text = String::from(
        "\"timestamp\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\"\n",
    );
    for _ in 0..rows {
        let ip = std::net::Ipv4Addr::from(0x0a00_0000u32 + rng.below(1 << 24) as u32);
        text.push_str(&format!(
            "\"2026-12-05 {:02}:{:02}:{:02}\",\"{ip}\",\"udp\",53,,\"openresolver\",{},\"ZA\"\n",
            rng.below(24),
            rng.below(60),
            rng.below(60),
            64500 + rng.below(20)
        ));
    }
    std::fs::write(&out, text).expect("write");
    println!("{out}: {rows} rows");
}
