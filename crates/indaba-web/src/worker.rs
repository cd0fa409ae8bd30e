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
        run_job(&state.store, &state.engine, job).await;
    }
}

/// Runs a single public test and records its end (the report, or why it
/// failed). Also the scan workers' first duty, before scan work.
pub async fn run_job(
    store: &indaba_store::Store,
    engine: &indaba_engine::EngineSettings,
    job: indaba_store::Job,
) {
    let outcome = match DomainName::parse(&job.domain) {
        Err(e) => Err(e.to_string()),
        Ok(domain) => indaba_engine::run(engine, &domain, job.kind)
            .await
            .map_err(|e| e.to_string()),
    };
    let result = match outcome {
        Ok(report) => match store.save_report(&report).await {
            Ok(report_id) => store.finish_job(&job.id, &report_id).await,
            Err(e) => {
                store
                    .fail_job(&job.id, &format!("the report could not be stored: {e}"))
                    .await
            }
        },
        Err(reason) => store.fail_job(&job.id, &reason).await,
    };
    if let Err(e) = result {
        tracing::error!(job = %job.id, error = %e, "cannot record the job's end");
    }
}
