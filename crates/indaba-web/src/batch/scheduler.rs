//! Moves batch API requests through internet.nl's status flow, one step per
//! request per tick (as internet.nl's periodic batch scheduler does):
//!
//! 1. `generating` → `done`: the results of every domain are put together
//!    from its report (or `error` when its test failed) and stored, so
//!    reading them later is one row;
//! 2. `running` → `generating`: when none of its jobs is queued or running;
//! 3. `registering` → `running`: its domains are queued as jobs of the
//!    queue's batch share, oldest request first, while the share has room.
//!
//! Each step is a guarded statement in the store, so several processes may
//! run this at once. The tests themselves are run by the ordinary workers.

use std::time::Duration;

use indaba_store::{BatchRequest, BatchStatus, JobState, Registration, StoreError};
use serde_json::{Map, Value};

use super::results;
use crate::app::AppState;

/// How often the scheduler looks.
pub const TICK: Duration = Duration::from_secs(1);

/// Requests handled per step and tick, at most.
const PER_TICK: i64 = 50;

/// Starts the scheduler on the current Tokio runtime.
pub fn spawn(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = tick(&state).await {
                tracing::warn!(error = %e, "batch API scheduler");
            }
            tokio::time::sleep(TICK).await;
        }
    });
}

/// One pass of the scheduler (see [the module](self)).
pub async fn tick(state: &AppState) -> Result<(), StoreError> {
    let store = &state.store;
    for r in store
        .batch_requests_in(BatchStatus::Generating, PER_TICK)
        .await?
    {
        let (plain, technical) = generate(state, &r).await?;
        store
            .finish_batch_request(&r.id, &plain.to_string(), &technical.to_string())
            .await?;
    }
    for r in store
        .batch_requests_in(BatchStatus::Running, PER_TICK)
        .await?
    {
        store.batch_request_tested(&r.id).await?;
    }
    for r in store
        .batch_requests_in(BatchStatus::Registering, PER_TICK)
        .await?
    {
        match store
            .register_batch_request(&r.id, "batch-api", state.config.batch_queue_bound)
            .await
        {
            Ok(Registration::Registered(_)) => {
                state.job_signal.notify_waiters();
                state.job_signal.notify_one();
            }
            // First come, first served: later requests wait too.
            Ok(Registration::QueueFull) => break,
            Ok(Registration::NotRegistering) => {}
            Err(e) => {
                tracing::error!(request = %r.id, error = %e, "cannot register a batch request");
                store.fail_batch_request(&r.id).await?;
            }
        }
    }
    Ok(())
}

/// The `domains` objects of a request's results and technical results.
async fn generate(state: &AppState, r: &BatchRequest) -> Result<(Value, Value), StoreError> {
    let base = state.config.base_url.trim_end_matches('/');
    let mut plain = Map::new();
    let mut technical = Map::new();
    for job in state.store.batch_jobs(&r.id).await? {
        let report = match (&job.state, &job.report_id) {
            (JobState::Done, Some(id)) => match state.store.report(id).await {
                Ok(report) => Some((id.clone(), report)),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            _ => None,
        };
        let (p, t) = match report {
            Some((id, report)) => (
                results::domain(&report, &format!("{base}/report/{id}")),
                results::domain_technical(&report),
            ),
            None => (results::domain_error(), results::domain_error()),
        };
        plain.insert(job.domain.clone(), p);
        technical.insert(job.domain, t);
    }
    Ok((Value::Object(plain), Value::Object(technical)))
}
