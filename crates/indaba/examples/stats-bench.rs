//! Monitoring statistics at scale (`bench/stats/run` drives it): `populate`
//! puts in a list of 100,000 domains with 36 monthly scans' statistics rows
//! (the whole list, 20 sectors and 30 countries; every web check and
//! category), written directly since this measures reading; `measure` times
//! the list's dashboard (overview and trend charts of every check) and the
//! comparisons of sectors and of countries (with the map) over HTTP against
//! a running `indaba serve`. A benchmark, not a test: it prints numbers and
//! asserts none.

use std::time::Instant;

use indaba_model::TestKind;
use indaba_monitor::stats::{self, BUCKETS};
use sqlx::Row;

mod common;

use common::{Rng, arg, database_url};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("populate") => populate(&args).await,
        Some("measure") => measure(&args).await,
        _ => eprintln!("usage: stats-bench populate|measure …"),
    }
}

const SECTORS: usize = 20;
const COUNTRIES: &[&str] = &[
    "NL", "ZA", "DE", "FR", "BE", "GB", "US", "KE", "NG", "BR", "IN", "JP", "AU", "CA", "SE", "NO",
    "FI", "DK", "ES", "IT", "PT", "PL", "CZ", "AT", "CH", "IE", "NZ", "GH", "EG", "MX",
];

async fn populate(args: &[String]) {
    let database = arg(args, "--database", "sqlite:bench.db");
    let domains: u64 = arg(args, "--domains", "100000").parse().unwrap_or(100_000);
    let months: i64 = arg(args, "--scans", "36").parse().unwrap_or(36);
    let store = indaba_store::Store::open(&database).await.expect("open");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&database_url(&database))
        .await
        .expect("pool");
    let started = Instant::now();
    let list = store
        .create_list(
            &indaba_store::Actor::local(),
            indaba_store::monitor::NewList {
                name: "bench-list",
                kinds: indaba_monitor::Kinds::Web,
                owner_org: None,
            },
        )
        .await
        .expect("list");
    let mut rng = Rng(0x5eed_57a7);
    // The domains, with their sector and country.
    let mut sizes: Vec<(String, u64)> = vec![(String::new(), domains)];
    let mut per_sector = [0u64; SECTORS];
    let mut per_country = vec![0u64; COUNTRIES.len()];
    const BATCH: u64 = 500;
    let mut i = 0;
    while i < domains {
        let n = BATCH.min(domains - i);
        let mut sql = String::from(
            "INSERT INTO monitor_domains (list_id, domain, sector, country, tags, added_at) VALUES ",
        );
        for k in 0..n {
            if k > 0 {
                sql.push(',');
            }
            let b = k * 6;
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        let mut q = sqlx::query(&sql);
        for k in 0..n {
            let s = rng.below(SECTORS as u64) as usize;
            let c = rng.below(COUNTRIES.len() as u64) as usize;
            per_sector[s] += 1;
            per_country[c] += 1;
            q = q
                .bind(&list.id)
                .bind(format!("d{:07}.bench.test", i + k))
                .bind(format!("sector {s:02}"))
                .bind(COUNTRIES[c])
                .bind("")
                .bind(0i64);
        }
        q.execute(&pool).await.expect("domains");
        i += n;
    }
    sizes.extend(
        per_sector
            .iter()
            .enumerate()
            .map(|(s, n)| (format!("sector:sector {s:02}"), *n)),
    );
    sizes.extend(
        per_country
            .iter()
            .enumerate()
            .map(|(c, n)| (format!("country:{}", COUNTRIES[c]), *n)),
    );
    println!(
        "domains: {domains} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let checks: Vec<&str> = stats::checks_of(TestKind::Web).collect();
    let categories: Vec<&str> = stats::categories_of(TestKind::Web)
        .chain(std::iter::once(""))
        .collect();
    let first = 1_700_000_000i64;
    let mut rows = 0u64;
    for month in 0..months {
        let scan = format!("bench-scan-{month:03}");
        let at = stats::day_of(first + month * 30 * 86_400);
        sqlx::query(
            "INSERT INTO monitor_scans (id, list_id, account, kinds, state, total, created_at, \
             started_at, finished_at) VALUES ($1, $2, 'bench', 'web', 'done', $3, $4, $4, $4)",
        )
        .bind(&scan)
        .bind(&list.id)
        .bind(domains as i64)
        .bind(at)
        .execute(&pool)
        .await
        .expect("scan");
        let mut tx = pool.begin().await.expect("tx");
        for (segment, size) in &sizes {
            let unreachable = size / 50;
            for (c, check) in checks.iter().enumerate() {
                // Adoption rises over the months, differently per check.
                let share = ((10 + c * 3) as u64 + month as u64 * 2).min(95);
                let judged = size - unreachable;
                let passed = judged * share / 100;
                let warned = (judged - passed) / 4;
                let failed = judged - passed - warned;
                sqlx::query(
                    "INSERT INTO monitor_stat_checks (list_id, finished_at, scan_seq, scan_id, day, \
                     segment, kind, check_id, policy_version, passed, warned, failed, not_tested, \
                     errored, informational, not_applicable, unreachable) VALUES \
                     ($1, $2, $3, $4, $5, $6, 'web', $7, $8, $9, $10, $11, 0, 0, 0, 0, $12)",
                )
                .bind(&list.id)
                .bind(at)
                .bind(month + 1)
                .bind(&scan)
                .bind(at)
                .bind(segment)
                .bind(*check)
                .bind(indaba_model::score::POLICY_VERSION)
                .bind(passed as i64)
                .bind(warned as i64)
                .bind(failed as i64)
                .bind(unreachable as i64)
                .execute(&mut *tx)
                .await
                .expect("check row");
                rows += 1;
            }
            for category in &categories {
                let scored = size - unreachable;
                let mut buckets = [0u64; BUCKETS];
                for b in buckets.iter_mut() {
                    *b = scored / BUCKETS as u64;
                }
                buckets[BUCKETS - 1] += scored - buckets.iter().sum::<u64>();
                let text = buckets
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                sqlx::query(
                    "INSERT INTO monitor_stat_scores (list_id, finished_at, scan_seq, scan_id, day, \
                     segment, kind, category, policy_version, scored, not_scored, score_sum, median, \
                     buckets) VALUES ($1, $2, $3, $4, $5, $6, 'web', $7, $8, $9, 0, $10, 50, $11)",
                )
                .bind(&list.id)
                .bind(at)
                .bind(month + 1)
                .bind(&scan)
                .bind(at)
                .bind(segment)
                .bind(*category)
                .bind(indaba_model::score::POLICY_VERSION)
                .bind(scored as i64)
                .bind((scored * 50) as i64)
                .bind(text)
                .execute(&mut *tx)
                .await
                .expect("score row");
                rows += 1;
            }
        }
        for (k, which) in ["worst", "improved"].iter().enumerate() {
            for p in 0..stats::HIGHLIGHTS {
                sqlx::query(
                    "INSERT INTO monitor_stat_highlights (scan_id, kind, which, position, domain, \
                     score, previous) VALUES ($1, 'web', $2, $3, $4, $5, $6)",
                )
                .bind(&scan)
                .bind(*which)
                .bind(p as i64)
                .bind(format!("d{:07}.bench.test", k * 100 + p))
                .bind(p as i64 * 3)
                .bind(Some(p as i64))
                .execute(&mut *tx)
                .await
                .expect("highlight");
            }
        }
        tx.commit().await.expect("commit");
    }
    println!(
        "statistics: {rows} rows of {months} scans in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    common::bench_user(&store).await;
}

async fn measure(args: &[String]) {
    let base = arg(args, "--base", "http://127.0.0.1:18183");
    let database = arg(args, "--database", "sqlite:bench.db");
    let runs: usize = arg(args, "--runs", "100").parse().unwrap_or(100);
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&database_url(&database))
        .await
        .expect("pool");
    let list: String = sqlx::query("SELECT id FROM monitor_lists WHERE name = 'bench-list'")
        .fetch_one(&pool)
        .await
        .expect("the bench list")
        .get("id");
    let client = common::signed_in(&base).await;
    let checks: Vec<&str> = stats::checks_of(TestKind::Web).collect();
    let mut rng = Rng(7);
    common::heading();
    common::time_pages(&client, "overview", runs, || {
        format!("{base}/monitor/lists/{list}/dashboard")
    })
    .await;
    common::time_pages(&client, "sectors", runs, || {
        let check = checks[rng.below(checks.len() as u64) as usize];
        format!("{base}/monitor/lists/{list}/compare?by=sector&kind=web&check={check}")
    })
    .await;
    common::time_pages(&client, "country map", runs, || {
        format!("{base}/monitor/lists/{list}/compare?by=country&kind=web&category=")
    })
    .await;
    common::time_pages(&client, "stats csv", runs.min(20), || {
        format!("{base}/monitor/lists/{list}/statistics.csv")
    })
    .await;
}
