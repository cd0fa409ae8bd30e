//! Scan workers: take jobs of scans from the store's queue, test, write the
//! report once, and keep the queue healthy when workers die.
//!
//! One [`run`] is one worker process's share: `concurrency` slots, each
//! taking a single public test first when one waits (people are watching a
//! progress page) and else the next scan job in fair order; a renewer that
//! extends the leases of everything the worker holds; and, in at most one
//! process at a time (the store's scheduler lock), the scheduler, which
//! returns jobs whose lease ran out, moves scans through their states and
//! starts scheduled scans. `indaba worker` runs it against a shared
//! PostgreSQL database; `indaba serve` runs it in-process.
//!
//! Politeness: a test holds a permit for every address it will talk to
//! (the domain's web addresses, its mail servers' addresses), at most
//! `per_address` at once per address, so a shared hoster or mail provider
//! behind one address is not tested by hundreds of slots at once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indaba_engine::{EngineError, EngineSettings};
use indaba_model::observation::{DnsQuestion, QueryMode};
use indaba_model::{DomainName, TestKind};
use indaba_monitor::queue::{Decision, Failure, LEASE_SECS, RetryPolicy};
use indaba_store::Store;
use indaba_store::monitor::{Finished, ScanJob};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use crate::assembly::clock::Clock;

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The worker's name in the queue (unique per process).
    pub id: String,
    /// Tests in flight at once.
    pub concurrency: usize,
    /// How long a claimed job is the worker's before it must be renewed.
    pub lease_secs: i64,
    /// Tests at once that talk to one address.
    pub per_address: usize,
    /// Retries and back-off.
    pub retry: RetryPolicy,
    /// Whether this worker also takes single public tests (before scan
    /// work). `serve` has its own public workers and says no.
    pub public_first: bool,
    /// How long a stopping worker waits for its tests before giving back
    /// what it still holds.
    pub grace: Duration,
    /// The platform's clock, by which the scheduler stamps a scan's finish
    /// (and so judges owners' explanations in its statistics): `serve`
    /// passes its own, which a test server may move; else the system's.
    pub clock: Arc<Clock>,
}

impl WorkerConfig {
    /// Defaults for a worker called `id`.
    pub fn new(id: impl Into<String>) -> WorkerConfig {
        WorkerConfig {
            id: id.into(),
            concurrency: 16,
            lease_secs: LEASE_SECS,
            per_address: 4,
            retry: RetryPolicy::default(),
            public_first: true,
            grace: Duration::from_secs(30),
            clock: Arc::new(Clock::new(false)),
        }
    }
}

/// A worker name unique to this process: host, process id, start time.
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!(
        "{host}-{}-{}",
        std::process::id(),
        &indaba_store::new_id()[..8]
    )
}

/// Runs a worker until `stop` turns true; then finishes or gives back what
/// it holds.
pub async fn run(
    store: Store,
    engine: Arc<EngineSettings>,
    config: WorkerConfig,
    stop: watch::Receiver<bool>,
) {
    let _ = super::metrics::handle();
    let config = Arc::new(config);
    let gate = Gate::new(config.per_address.max(1));
    let renewer = tokio::spawn(renew(store.clone(), config.clone(), stop.clone()));
    let scheduler = tokio::spawn(schedule(store.clone(), config.clone(), stop.clone()));
    let mut slots = Vec::new();
    for n in 0..config.concurrency.max(1) {
        slots.push(tokio::spawn(slot(
            n,
            store.clone(),
            engine.clone(),
            config.clone(),
            gate.clone(),
            stop.clone(),
        )));
    }
    let mut stopped = stop.clone();
    let _ = stopped.wait_for(|s| *s).await;
    let all = futures_join_all(slots);
    if tokio::time::timeout(config.grace, all).await.is_err() {
        tracing::warn!(worker = %config.id, "tests still running at the end of the grace period");
    }
    renewer.abort();
    scheduler.abort();
    match store.release_jobs(&config.id).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(worker = %config.id, jobs = n, "gave back the jobs it held"),
        Err(e) => tracing::warn!(worker = %config.id, error = %e, "cannot give back its jobs"),
    }
}

async fn futures_join_all(handles: Vec<tokio::task::JoinHandle<()>>) {
    for h in handles {
        let _ = h.await;
    }
}

/// Sleeps `d`, or less when `stop` turns true; whether to go on.
async fn pause(stop: &mut watch::Receiver<bool>, d: Duration) -> bool {
    if *stop.borrow() {
        return false;
    }
    let _ = tokio::time::timeout(d, stop.wait_for(|s| *s)).await;
    !*stop.borrow()
}

async fn slot(
    n: usize,
    store: Store,
    engine: Arc<EngineSettings>,
    config: Arc<WorkerConfig>,
    gate: Gate,
    mut stop: watch::Receiver<bool>,
) {
    let mut idle = Duration::from_millis(100);
    while !*stop.borrow() {
        if config.public_first {
            match store.claim_next().await {
                Ok(Some(job)) => {
                    crate::worker::run_job(&store, &engine, n, job).await;
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(slot = n, error = %e, "cannot claim a public test"),
            }
        }
        let now = indaba_store::now();
        match store
            .claim_scan_job(&config.id, config.lease_secs, now)
            .await
        {
            Ok(Some(job)) => {
                idle = Duration::from_millis(100);
                run_scan_job(&store, &engine, &config, &gate, job).await;
            }
            Ok(None) => {
                if !pause(&mut stop, idle).await {
                    break;
                }
                idle = (idle * 2).min(Duration::from_secs(2));
            }
            Err(e) => {
                tracing::warn!(slot = n, error = %e, "cannot claim a scan job");
                if !pause(&mut stop, Duration::from_secs(1)).await {
                    break;
                }
            }
        }
    }
}

/// Runs one scan job to its end: a report written once, or a failure
/// recorded (retry later or error). When the database is away, the worker
/// keeps trying to record the end until the lease would have run out; past
/// that another worker has the job and this one lets go.
async fn run_scan_job(
    store: &Store,
    engine: &EngineSettings,
    config: &WorkerConfig,
    gate: &Gate,
    job: ScanJob,
) {
    let started = Instant::now();
    let outcome = match DomainName::parse(&job.domain) {
        Err(e) => Err(Failure::Permanent(e.to_string())),
        Ok(domain) => {
            let _permits = gate.enter(&targets(engine, &domain, job.kind).await).await;
            match indaba_engine::run(engine, &domain, job.kind).await {
                Ok(report) => Ok(report),
                Err(e @ (EngineError::Refused { .. } | EngineError::PrivateTarget { .. })) => {
                    Err(Failure::Permanent(e.to_string()))
                }
            }
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    if let Err(failure) = &outcome {
        super::metrics::error(match failure {
            Failure::Permanent(_) => "refused",
            Failure::Transient(_) => "transient",
        });
    }
    let deadline = Instant::now() + Duration::from_secs(config.lease_secs.max(1) as u64);
    let mut wait = Duration::from_millis(200);
    loop {
        // What became of the test, for the metrics: done, retry or error.
        let recorded = match &outcome {
            Ok(report) => store.finish_scan_job(&job.id, report).await.map(|f| {
                if f == Finished::AlreadyDone {
                    tracing::info!(job = %job.id, "a late duplicate: the job had its report");
                }
                "done"
            }),
            Err(failure) => store
                .fail_scan_job(
                    &config.id,
                    &job,
                    failure,
                    &config.retry,
                    indaba_store::now(),
                )
                .await
                .map(|decision| match decision {
                    Decision::Retry { .. } => "retry",
                    Decision::GiveUp { .. } => "error",
                }),
        };
        match recorded {
            Ok(end) => {
                super::metrics::test_ended(super::kind_name(job.kind), end, seconds);
                return;
            }
            Err(e) if Instant::now() + wait < deadline => {
                tracing::warn!(job = %job.id, error = %e, "cannot record the job's end; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => {
                super::metrics::error("store");
                tracing::error!(job = %job.id, error = %e, "cannot record the job's end; its lease will return it");
                return;
            }
        }
    }
}

/// Renews the leases the worker holds, three times per lease.
async fn renew(store: Store, config: Arc<WorkerConfig>, mut stop: watch::Receiver<bool>) {
    let every = Duration::from_secs((config.lease_secs / 3).max(1) as u64);
    loop {
        if let Err(e) = store
            .renew_leases(&config.id, indaba_store::now() + config.lease_secs)
            .await
        {
            tracing::warn!(worker = %config.id, error = %e, "cannot renew leases");
        }
        // Renewal goes on while stopping: the tests still running finish.
        let _ = pause(&mut stop, every).await;
        if *stop.borrow() {
            tokio::time::sleep(every).await;
        }
    }
}

/// The scheduler, in one worker at a time: returns expired jobs, advances
/// scans, starts scheduled scans, prunes old shared probes.
async fn schedule(store: Store, config: Arc<WorkerConfig>, mut stop: watch::Receiver<bool>) {
    let tick = Duration::from_secs((config.lease_secs / 4).clamp(1, 5) as u64);
    let hold = config.lease_secs.max(10);
    let mut lock = None;
    loop {
        if lock.is_none() {
            match store.try_scheduler_lock(&config.id, hold).await {
                Ok(got) => lock = got,
                Err(e) => tracing::warn!(error = %e, "cannot take the scheduler lock"),
            }
        } else if let Some(held) = lock.as_mut() {
            match store.keep_scheduler_lock(held, hold).await {
                Ok(true) => {}
                _ => lock = None,
            }
        }
        if lock.is_some() {
            scheduler_round(&store, &config).await;
        }
        if !pause(&mut stop, tick).await {
            if let Some(held) = lock.take() {
                // One last round (a scan that just ended is moved to done),
                // then the next process need not wait for the lease.
                scheduler_round(&store, &config).await;
                if let Err(e) = store.release_scheduler_lock(held).await {
                    tracing::warn!(error = %e, "cannot give up the scheduler lock");
                }
            }
            return;
        }
    }
}

async fn scheduler_round(store: &Store, config: &WorkerConfig) {
    let now = indaba_store::now();
    if let Err(e) = store.reap_expired(&config.retry, now).await {
        tracing::warn!(error = %e, "cannot return expired jobs");
    }
    match store.advance_scans_at(config.clock.now()).await {
        Ok(done) => {
            for scan in done {
                tracing::info!(scan = %scan, "scan finished");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot advance scans"),
    }
    if let Err(e) = store.run_due_schedules(now).await {
        tracing::warn!(error = %e, "cannot start scheduled scans");
    }
    let keep = indaba_monitor::sharing::DEFAULT_FRESHNESS_SECS * 2;
    if let Err(e) = store.prune_shared_probes(now - keep).await {
        tracing::warn!(error = %e, "cannot prune shared probes");
    }
}

/// The addresses a test of `domain` will connect to: its own for web, its
/// mail servers' for mail. Best effort: what cannot be resolved is left out
/// (the test itself reports it).
async fn targets(engine: &EngineSettings, domain: &DomainName, kind: TestKind) -> Vec<IpAddr> {
    let session = indaba_probe::Session::new(
        engine.probe.clone(),
        Instant::now() + engine.probe.dns_timeout * 2,
    );
    let hosts: Vec<String> = match kind {
        TestKind::Web => vec![domain.as_str().to_string()],
        TestKind::Mail => {
            let mx = session
                .resolve(DnsQuestion::new(domain.as_str(), "MX"), QueryMode::Raw)
                .await;
            answer_values(&mx, "MX")
                .into_iter()
                .filter(|h| h != ".")
                .take(4)
                .collect()
        }
    };
    let mut out = Vec::new();
    for host in hosts {
        for rtype in ["A", "AAAA"] {
            let x = session
                .resolve(DnsQuestion::new(&host, rtype), QueryMode::Raw)
                .await;
            out.extend(
                answer_values(&x, rtype)
                    .iter()
                    .filter_map(|v| v.parse::<IpAddr>().ok()),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The last field of each answer record of type `rtype` (an address, or an
/// MX's host).
fn answer_values(x: &indaba_model::observation::DnsExchange, rtype: &str) -> Vec<String> {
    let Some(response) = x.response() else {
        return Vec::new();
    };
    response
        .answer
        .iter()
        .filter_map(|rr| {
            let fields: Vec<&str> = rr.split_whitespace().collect();
            (fields.len() >= 5 && fields[3].eq_ignore_ascii_case(rtype))
                .then(|| fields[fields.len() - 1].to_string())
        })
        .collect()
}

/// Permits per address.
#[derive(Clone)]
struct Gate {
    per: usize,
    slots: Arc<Mutex<HashMap<IpAddr, Arc<Semaphore>>>>,
}

impl Gate {
    fn new(per: usize) -> Gate {
        Gate {
            per,
            slots: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A permit for each of `addresses` (sorted, so two tests never wait
    /// for each other's second address in opposite order).
    async fn enter(&self, addresses: &[IpAddr]) -> Vec<OwnedSemaphorePermit> {
        let semaphores: Vec<Arc<Semaphore>> = {
            let mut slots = match self.slots.lock() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            // Forget addresses nobody is testing, so the map stays small.
            if slots.len() > 10_000 {
                slots.retain(|_, s| s.available_permits() < self.per);
            }
            addresses
                .iter()
                .map(|a| {
                    slots
                        .entry(*a)
                        .or_insert_with(|| Arc::new(Semaphore::new(self.per)))
                        .clone()
                })
                .collect()
        };
        let mut permits = Vec::with_capacity(semaphores.len());
        for s in semaphores {
            if let Ok(p) = s.acquire_owned().await {
                permits.push(p);
            }
        }
        permits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_gate_lets_n_tests_at_once_talk_to_one_address() {
        let gate = Gate::new(2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let p1 = gate.enter(&[a]).await;
        let _p2 = gate.enter(&[a, b]).await;
        // A third on `a` waits; one on `b` alone does not.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), gate.enter(&[a]))
                .await
                .is_err()
        );
        let _pb = gate.enter(&[b]).await;
        drop(p1);
        assert_eq!(
            tokio::time::timeout(Duration::from_millis(50), gate.enter(&[a]))
                .await
                .map(|p| p.len()),
            Ok(1)
        );
    }
}
