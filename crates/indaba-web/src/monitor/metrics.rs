//! Monitoring's metrics in the Prometheus text format (`GET /metrics`),
//! through the `metrics` facade and its Prometheus recorder: queue depth per
//! job state (read from the store at each scrape, so it counts every
//! worker's jobs), and this process's tests by kind and outcome, their
//! duration histogram and errors by kind (rates come from the counters),
//! and the TLS scans made and reused by sharing with their hit ratio.
//!
//! The page is for the operator's scraper: from the machine itself
//! (loopback) or for a signed-in administrator.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::app::{AppState, PageContext};
use crate::client::Client;

/// Test durations' histogram buckets, in seconds.
const BUCKETS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// How often the recorder's upkeep runs.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The process's recorder, installed on first use (workers call it when
/// they start, so that nothing they record is lost). `None` when another
/// recorder was installed first.
///
/// The recorder keeps every histogram sample until it is drained into the
/// buckets, which a scrape does; a process nobody scrapes would keep them
/// all, so a thread of its own drains them every few seconds.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .ok()?
                .install_recorder()
                .ok()?;
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_EVERY);
                        upkeep.run_upkeep();
                    }
                });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "no metrics upkeep thread: histograms are drained only when scraped");
            }
            Some(handle)
        })
        .as_ref()
}

/// Records a scan test's end: its kind, `outcome` (`done`, `retry`,
/// `error`) and duration.
pub fn test_ended(kind: &'static str, outcome: &'static str, seconds: f64) {
    metrics::counter!("indaba_scan_tests_total", "kind" => kind, "outcome" => outcome).increment(1);
    metrics::histogram!("indaba_scan_test_duration_seconds", "kind" => kind).record(seconds);
}

/// Records an error of kind `what` (`refused`, `transient`, `store`).
pub fn error(what: &'static str) {
    metrics::counter!("indaba_scan_errors_total", "kind" => what).increment(1);
}

/// Records how many TLS scans `shared` made and reused (totals since the
/// process started), and the share of scans saved by sharing.
pub fn record_sharing(shared: &indaba_probe::SharedScans) {
    let counts = shared.counts();
    for (origin, n) in [
        ("made", counts.made),
        ("this_worker", counts.reused_here),
        ("another_worker", counts.reused_remote),
    ] {
        metrics::counter!("indaba_shared_probes_total", "kind" => "tls", "origin" => origin)
            .absolute(n);
    }
    let asked = counts.made + counts.reused_here + counts.reused_remote;
    if asked > 0 {
        let saved = (counts.reused_here + counts.reused_remote) as f64 / asked as f64;
        metrics::gauge!("indaba_shared_probe_hit_ratio", "kind" => "tls").set(saved);
    }
}

/// The metrics page of an `indaba worker` process (`--metrics-listen`):
/// the same text as the platform's `/metrics`, without the queue depth
/// (the platform's page has it for every worker).
pub fn worker_routes(shared: Option<indaba_probe::SharedScans>) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let shared = shared.clone();
            async move {
                if let Some(shared) = &shared {
                    record_sharing(shared);
                }
                match handle() {
                    Some(handle) => (
                        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                        handle.render(),
                    )
                        .into_response(),
                    None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
                }
            }
        }),
    )
}

/// `GET /metrics`.
pub async fn page(State(state): State<AppState>, client: Client, ctx: PageContext) -> Response {
    let admin = ctx
        .session
        .as_ref()
        .is_some_and(|s| s.user.role == indaba_store::Role::Admin);
    if !client.0.is_loopback() && !admin {
        return StatusCode::FORBIDDEN.into_response();
    }
    if let Some(shared) = &state.engine.shared_scans {
        record_sharing(shared);
    }
    let Some(handle) = handle() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    match state.store.queue_depth().await {
        Ok(depth) => {
            for state in ["queued", "running", "done", "error", "cancelled"] {
                let n = depth
                    .iter()
                    .find(|(s, _)| s == state)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                metrics::gauge!("indaba_scan_queue_jobs", "state" => state).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the queue depth"),
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}
