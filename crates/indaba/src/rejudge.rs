//! Judging stored reports again under this version's scoring policy, from
//! their observations and never by scanning again: `indaba admin rejudge`,
//! and in the background each time `serve` starts, so that a new policy
//! reaches every stored report (and what is counted from them) by itself.
//! The statistics of every monitoring scan whose reports were judged again
//! are then summed up again, under the new policy version.

use indaba_engine::EngineSettings;
use indaba_model::score::POLICY_VERSION;
use indaba_store::{Store, StoreError};

/// Reports read per page.
const PAGE: i64 = 200;

/// What a pass over the stored reports did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rejudged {
    /// Reports judged again and saved.
    pub judged: u64,
    /// Reports whose stored JSON could not be read (left as they are).
    pub unreadable: u64,
    /// Monitoring scans whose statistics were summed up again.
    pub scans: u64,
}

/// Judges every report stored under another policy again.
pub async fn all(store: &Store, engine: &EngineSettings) -> Result<Rejudged, StoreError> {
    let mut done = Rejudged::default();
    let mut after = String::new();
    let mut scans = std::collections::BTreeSet::<String>::new();
    loop {
        let page = store
            .reports_judged_otherwise(POLICY_VERSION, &after, PAGE)
            .await?;
        let Some((last, _)) = page.last() else {
            for scan in &scans {
                store.summarise_scan(scan).await?;
                done.scans += 1;
            }
            return Ok(done);
        };
        after = last.clone();
        let ids: Vec<String> = page.iter().map(|(id, _)| id.clone()).collect();
        for (id, stored) in page {
            match indaba_engine::rejudge(engine, &stored) {
                Ok(report) => {
                    store.replace_judgement(&id, &report).await?;
                    done.judged += 1;
                }
                Err(e) => {
                    tracing::warn!(report = %id, error = %e, "a stored report cannot be judged again");
                    done.unreadable += 1;
                }
            }
        }
        scans.extend(store.scans_of_reports(&ids).await?);
    }
}
