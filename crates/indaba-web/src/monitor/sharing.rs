//! TLS scans shared between worker processes through the store: the
//! [`ScanExchange`] the probes ask before enumerating an address, so that a
//! mail provider behind thousands of domains is scanned once per freshness
//! window by all the workers together, not once per process.
//!
//! Every worker computes the same key ([`ProbeKey::digest`]) for the same
//! scan. A database error is never a test error: the exchange then answers
//! "absent" and lets the claim succeed, and the test makes its own scan.

use futures::FutureExt;
use futures::future::BoxFuture;
use indaba_model::tls::TlsScan;
use indaba_monitor::sharing::{DEFAULT_FRESHNESS_SECS, ProbeKey};
use indaba_probe::{RemoteScan, ScanExchange, ScanKey};
use indaba_store::Store;
use indaba_store::monitor::SharedProbe;

/// The store as a meeting place of workers' TLS scans.
#[derive(Debug, Clone)]
pub struct StoreScans {
    store: Store,
    /// This worker's name, recorded as the maker of what it claims.
    worker: String,
    freshness_secs: i64,
}

impl StoreScans {
    /// Scans shared through `store` by the worker called `worker`, fresh for
    /// the default window.
    pub fn new(store: Store, worker: impl Into<String>) -> StoreScans {
        StoreScans {
            store,
            worker: worker.into(),
            freshness_secs: DEFAULT_FRESHNESS_SECS,
        }
    }

    fn digest(key: &ScanKey) -> String {
        ProbeKey::tls(key.address, key.starttls, &key.server_name).digest()
    }
}

impl ScanExchange for StoreScans {
    fn fetch<'a>(&'a self, key: &'a ScanKey) -> BoxFuture<'a, RemoteScan> {
        async move {
            let found = self
                .store
                .shared_probe(&Self::digest(key), self.freshness_secs, indaba_store::now())
                .await;
            match found {
                Ok(SharedProbe::Ready { body, .. }) => match serde_json::from_str(&body) {
                    Ok(scan) => RemoteScan::Ready(Box::new(scan)),
                    Err(e) => {
                        // Written by a worker of another version: make it anew.
                        tracing::warn!(key = %key, error = %e, "a shared TLS scan cannot be read");
                        RemoteScan::Absent
                    }
                },
                Ok(SharedProbe::Pending) => RemoteScan::Pending,
                Ok(SharedProbe::Absent) => RemoteScan::Absent,
                Err(e) => {
                    tracing::warn!(key = %key, error = %e, "cannot read a shared TLS scan");
                    RemoteScan::Absent
                }
            }
        }
        .boxed()
    }

    fn claim<'a>(&'a self, key: &'a ScanKey) -> BoxFuture<'a, bool> {
        async move {
            self.store
                .begin_shared_probe(
                    &Self::digest(key),
                    &self.worker,
                    self.freshness_secs,
                    indaba_store::now(),
                )
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(key = %key, error = %e, "cannot claim a shared TLS scan");
                    true
                })
        }
        .boxed()
    }

    fn publish<'a>(&'a self, key: &'a ScanKey, scan: &'a TlsScan) -> BoxFuture<'a, ()> {
        async move {
            let body = match serde_json::to_string(scan) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(key = %key, error = %e, "cannot encode a TLS scan");
                    return;
                }
            };
            if let Err(e) = self
                .store
                .put_shared_probe(&Self::digest(key), &self.worker, &body, indaba_store::now())
                .await
            {
                tracing::warn!(key = %key, error = %e, "cannot publish a shared TLS scan");
            }
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    use indaba_model::observation::SharedSource;
    use indaba_probe::{ProbeSettings, Session, SharedScans};

    use super::*;

    fn worker(store: &Store, name: &str) -> SharedScans {
        SharedScans::new(Duration::from_secs(600)).with_exchange(
            Arc::new(StoreScans::new(store.clone(), name)),
            Duration::from_secs(5),
        )
    }

    fn session(shared: &SharedScans) -> Session {
        let mut settings = ProbeSettings::new("127.0.0.1:9".parse().unwrap());
        settings.allow_private = true;
        settings.connect_timeout = Duration::from_millis(500);
        Session::new(settings, Instant::now() + Duration::from_secs(20))
            .with_shared_scans(shared.clone())
    }

    #[tokio::test]
    async fn two_workers_on_one_store_scan_a_server_once() {
        let fixture = crate::testing::fixture().await;
        let store = &fixture.state.store;
        let (address, connections) = indaba_testkit::counting_tls_server().await;
        let (first, second) = (worker(store, "w1"), worker(store, "w2"));

        // Both at once: one claims and scans, the other waits for it.
        let (a, b) = (session(&first), session(&second));
        let (scan_a, scan_b) = tokio::join!(
            a.tls_scan(address, "mx.provider.test", true),
            b.tls_scan(address, "mx.provider.test", true)
        );
        assert_eq!(scan_a, scan_b);
        let made = connections.load(Ordering::SeqCst);
        let notes: Vec<_> = [a.observations().shared, b.observations().shared].concat();
        assert_eq!(notes.len(), 1, "one made it, one reused it: {notes:?}");
        assert_eq!(notes[0].source, SharedSource::AnotherWorker);

        // A third worker starting later reuses it from the store too.
        let third = worker(store, "w3");
        let c = session(&third);
        assert_eq!(c.tls_scan(address, "mx.provider.test", true).await, scan_a);
        assert_eq!(connections.load(Ordering::SeqCst), made);
        assert_eq!(third.counts().reused_remote, 1);
        let total = first.counts().made + second.counts().made + third.counts().made;
        assert_eq!(total, 1, "made once by all the workers together");
    }
}
