//! The workers: take queued tests from the store, run them with the engine,
//! store the report. A crashed or killed worker's job goes back to the queue
//! after [`STALE_AFTER`].

use std::time::Duration;

use indaba_model::DomainName;

use crate::app::AppState;

/// A job running longer than this is taken to be abandoned.
pub const STALE_AFTER: Duration = Duration::from_secs(600);

/// Starts `count` workers on the current Tokio runtime.
pub fn spawn(state: &AppState, count: usize) {
    for n in 0..count.max(1) {
        let state = state.clone();
        tokio::spawn(async move { run(state, n).await });
    }
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = state
                .store
                .requeue_stale(STALE_AFTER.as_secs() as i64)
                .await
            {
                tracing::warn!(error = %e, "cannot requeue stale jobs");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}

async fn run(state: AppState, n: usize) {
    loop {
        let job = match state.store.claim_next().await {
            Ok(Some(job)) => job,
            Ok(None) => {
                // Woken by a submission, or polling now and then for jobs
                // queued by another process sharing the database.
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), state.job_signal.notified()).await;
                continue;
            }
            Err(e) => {
                tracing::warn!(worker = n, error = %e, "cannot claim a job");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        run_job(&state.store, &state.engine, n, job).await;
    }
}

/// Runs a single public test and records its end (the report, published
/// unless it belongs to a batch, or why it failed), keeping its progress
/// for the progress page. Also the scan workers' first duty, before scan
/// work; `worker` names the slot in the log.
pub async fn run_job(
    store: &indaba_store::Store,
    engine: &indaba_engine::EngineSettings,
    worker: usize,
    job: indaba_store::Job,
) {
    let n = worker;
    let started = std::time::Instant::now();
    tracing::info!(target: "indaba::jobs", worker = n, job = %job.id, kind = %job.kind, domain = %job.domain, "test started");
    let outcome = match DomainName::parse(&job.domain) {
        Err(e) => Err(e.to_string()),
        Ok(domain) => {
            let progress = ProgressWriter::new(store, &job.id);
            let report =
                indaba_engine::run_observed(engine, &domain, job.kind, &|p| progress.note(p))
                    .await
                    .map_err(|e| e.to_string());
            progress.flush().await;
            report
        }
    };
    let result = match outcome {
        Ok(report) => match store.save_report(&report).await {
            Ok(report_id) => {
                tracing::info!(
                    target: "indaba::jobs",
                    worker = n,
                    job = %job.id,
                    report = %report_id,
                    score = ?report.score,
                    outcome = report.verdict.outcome.as_str(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "test finished"
                );
                // Single tests are public; a batch's reports are its owner's.
                let published = if job.batch_id.is_none() {
                    store.publish_report(&report_id, &report).await
                } else {
                    Ok(())
                };
                if let Err(e) = published {
                    tracing::error!(job = %job.id, error = %e, "cannot publish a report");
                }
                store.finish_job(&job.id, &report_id).await
            }
            Err(e) => {
                store
                    .fail_job(&job.id, &format!("the report could not be stored: {e}"))
                    .await
            }
        },
        Err(reason) => {
            tracing::warn!(target: "indaba::jobs", worker = n, job = %job.id, reason = %reason, "test failed");
            store.fail_job(&job.id, &reason).await
        }
    };
    if let Err(e) = store.clear_job_progress(&job.id).await {
        tracing::warn!(job = %job.id, error = %e, "cannot clear a job's progress");
    }
    if let Err(e) = result {
        tracing::error!(worker = n, job = %job.id, error = %e, "cannot record the job's end");
    }
}

/// Keeps a running job's progress in the store, at most once per
/// [`PROGRESS_EVERY`] (the engine reports every probe; the page polls once
/// a second), so many probes cost few writes.
struct ProgressWriter {
    store: indaba_store::Store,
    job: String,
    latest: std::sync::Mutex<(Option<indaba_model::progress::Progress>, std::time::Instant)>,
    handle: tokio::runtime::Handle,
}

/// How often a job's progress is written at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(300);

impl ProgressWriter {
    fn new(store: &indaba_store::Store, job: &str) -> ProgressWriter {
        ProgressWriter {
            store: store.clone(),
            job: job.to_string(),
            latest: std::sync::Mutex::new((None, std::time::Instant::now() - PROGRESS_EVERY)),
            handle: tokio::runtime::Handle::current(),
        }
    }

    /// Called by the engine: keeps `progress`, and writes it when the last
    /// write is old enough.
    fn note(&self, progress: &indaba_model::progress::Progress) {
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest.0 = Some(progress.clone());
        if latest.1.elapsed() < PROGRESS_EVERY {
            return;
        }
        latest.1 = std::time::Instant::now();
        let (store, job, p) = (self.store.clone(), self.job.clone(), progress.clone());
        self.handle.spawn(async move {
            if let Err(e) = store.set_job_progress(&job, &p).await {
                tracing::debug!(job = %job, error = %e, "cannot record progress");
            }
        });
    }

    /// Writes the last progress seen.
    async fn flush(&self) {
        let last = self
            .latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone();
        if let Some(p) = last
            && let Err(e) = self.store.set_job_progress(&self.job, &p).await
        {
            tracing::debug!(job = %self.job, error = %e, "cannot record progress");
        }
    }
}
