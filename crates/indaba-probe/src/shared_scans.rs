//! TLS scans shared between the tests of one scan run.
//!
//! When a partnership monitors a sector, hundreds of domains hand their mail
//! to the same few providers. A full TLS enumeration costs dozens of
//! handshakes, so sessions that share a [`SharedScans`] enumerate each
//! address (per transport and server name) once within its time to live and
//! reuse the result; each session still records the scan in its own
//! observations, and names it there as shared, so every report stands alone.
//!
//! Two tiers: the tests of one process meet in memory; with a
//! [`ScanExchange`] (the platform's store) the worker processes meet too —
//! one of them claims a scan, makes it and publishes it, the others wait for
//! it (a bounded time, then make it themselves).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use indaba_model::observation::SharedSource;
use indaba_model::tls::TlsScan;
use tokio::sync::OnceCell;

/// What identifies one scan: the address, STARTTLS or not, the server name
/// (lower case, without a trailing dot).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScanKey {
    /// The server's address and port.
    pub address: SocketAddr,
    /// Whether SMTP STARTTLS came first.
    pub starttls: bool,
    /// The server name sent.
    pub server_name: String,
}

impl ScanKey {
    /// The key of a scan of `address` sending `server_name`.
    pub fn new(address: SocketAddr, starttls: bool, server_name: &str) -> ScanKey {
        ScanKey {
            address,
            starttls,
            server_name: server_name.trim_end_matches('.').to_ascii_lowercase(),
        }
    }
}

impl fmt::Display for ScanKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = if self.starttls { "starttls" } else { "direct" };
        write!(f, "{} {transport} {}", self.address, self.server_name)
    }
}

/// A scan as another process holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteScan {
    /// Made and fresh.
    Ready(Box<TlsScan>),
    /// Being made by another process.
    Pending,
    /// Nobody has it fresh or is making it.
    Absent,
}

/// Where worker processes meet to share scans. An exchange that cannot be
/// reached answers [`RemoteScan::Absent`] and lets every claim succeed, so a
/// test then makes its own scan: sharing saves work, it never stops a test.
pub trait ScanExchange: Send + Sync + fmt::Debug {
    /// The scan of `key` as the other processes have it.
    fn fetch<'a>(&'a self, key: &'a ScanKey) -> BoxFuture<'a, RemoteScan>;
    /// Takes on making `key`; false when another process got there first.
    fn claim<'a>(&'a self, key: &'a ScanKey) -> BoxFuture<'a, bool>;
    /// Publishes the scan of `key` this process made.
    fn publish<'a>(&'a self, key: &'a ScanKey, scan: &'a TlsScan) -> BoxFuture<'a, ()>;
}

/// Who made a held scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Maker {
    ThisProcess,
    AnotherProcess,
}

/// A held scan: when it started, how many other tests asked for it, its cell.
type Entry = (Instant, u32, Arc<OnceCell<(TlsScan, Maker)>>);

/// How many scans were made and reused, for the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SharingCounts {
    /// Scans this process made.
    pub made: u64,
    /// Scans reused from another test of this process.
    pub reused_here: u64,
    /// Scans reused from another worker process.
    pub reused_remote: u64,
}

#[derive(Debug, Default)]
struct Counters {
    made: AtomicU64,
    reused_here: AtomicU64,
    reused_remote: AtomicU64,
}

/// How long a waiting process looks again for a scan another process makes.
const POLL_FIRST: Duration = Duration::from_millis(200);
const POLL_MOST: Duration = Duration::from_secs(1);

/// Most scans kept in memory. Past it, the expired ones go, then those no
/// other test has asked for (a website's own scan, which its server name
/// makes unique), then the oldest half: a worker's memory follows this
/// bound, not the size of the list it scans. A scan let go is read again
/// from the exchange when another test asks for it. (At 2,000 a worker's
/// peak grew from 99 MiB at 1,000 domains to 168 MiB at 10,000: a scan
/// with its certificates is tens of kilobytes.)
const MAX_ENTRIES: usize = 512;

/// A cache of TLS scans that several sessions share. Cloning shares it.
#[derive(Debug, Clone)]
pub struct SharedScans {
    entries: Arc<Mutex<HashMap<ScanKey, Entry>>>,
    ttl: Duration,
    exchange: Option<Arc<dyn ScanExchange>>,
    /// How long to wait for a scan another process is making.
    wait_for_other: Duration,
    counters: Arc<Counters>,
}

impl SharedScans {
    /// A cache whose scans are reused for `ttl` after they started.
    pub fn new(ttl: Duration) -> Self {
        SharedScans {
            entries: Arc::default(),
            ttl,
            exchange: None,
            wait_for_other: Duration::from_secs(90),
            counters: Arc::default(),
        }
    }

    /// Shares the scans with other processes through `exchange` too,
    /// waiting at most `wait_for_other` for a scan another process makes.
    pub fn with_exchange(
        mut self,
        exchange: Arc<dyn ScanExchange>,
        wait_for_other: Duration,
    ) -> Self {
        self.exchange = Some(exchange);
        self.wait_for_other = wait_for_other;
        self
    }

    /// How many scans were made and reused so far.
    pub fn counts(&self) -> SharingCounts {
        SharingCounts {
            made: self.counters.made.load(Ordering::Relaxed),
            reused_here: self.counters.reused_here.load(Ordering::Relaxed),
            reused_remote: self.counters.reused_remote.load(Ordering::Relaxed),
        }
    }

    /// The scan of `key`: reused when this process or (with an exchange)
    /// another holds it fresh, else made by `make` before `deadline`. Says
    /// who made it when it was not this call.
    pub(crate) async fn scan<F>(
        &self,
        key: ScanKey,
        deadline: Instant,
        make: impl FnOnce() -> F,
    ) -> (TlsScan, Option<SharedSource>)
    where
        F: Future<Output = TlsScan>,
    {
        let cell = self.cell(&key);
        let made_by_this_call = AtomicBool::new(false);
        let (scan, maker) = cell
            .get_or_init(|| async {
                if let Some(exchange) = &self.exchange
                    && let Some(scan) = self
                        .wait_for_other_process(exchange.as_ref(), &key, deadline)
                        .await
                {
                    return (scan, Maker::AnotherProcess);
                }
                made_by_this_call.store(true, Ordering::Relaxed);
                let scan = make().await;
                if let Some(exchange) = &self.exchange {
                    exchange.publish(&key, &scan).await;
                }
                (scan, Maker::ThisProcess)
            })
            .await
            .clone();
        let source = if made_by_this_call.load(Ordering::Relaxed) {
            self.counters.made.fetch_add(1, Ordering::Relaxed);
            None
        } else {
            match maker {
                Maker::ThisProcess => {
                    self.counters.reused_here.fetch_add(1, Ordering::Relaxed);
                    Some(SharedSource::ThisWorker)
                }
                Maker::AnotherProcess => {
                    self.counters.reused_remote.fetch_add(1, Ordering::Relaxed);
                    Some(SharedSource::AnotherWorker)
                }
            }
        };
        (scan, source)
    }

    /// A fresh scan from another process, waiting for one being made; `None`
    /// when this process is to make it (it claimed it, or waited long
    /// enough).
    async fn wait_for_other_process(
        &self,
        exchange: &dyn ScanExchange,
        key: &ScanKey,
        deadline: Instant,
    ) -> Option<TlsScan> {
        let give_up = (Instant::now() + self.wait_for_other).min(deadline);
        let mut poll = POLL_FIRST;
        loop {
            match exchange.fetch(key).await {
                RemoteScan::Ready(scan) => return Some(*scan),
                RemoteScan::Absent => {
                    if exchange.claim(key).await {
                        return None;
                    }
                    // Another process claimed it a moment ago: wait for it.
                }
                RemoteScan::Pending => {}
            }
            let now = Instant::now();
            if now + poll >= give_up {
                return None;
            }
            tokio::time::sleep(poll).await;
            poll = (poll * 2).min(POLL_MOST);
        }
    }

    /// The cell for a scan: one that another session filled (or is filling)
    /// within the time to live, or a new one.
    fn cell(&self, key: &ScanKey) -> Arc<OnceCell<(TlsScan, Maker)>> {
        let now = Instant::now();
        let mut entries = match self.entries.lock() {
            Ok(e) => e,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((started, uses, cell)) = entries.get_mut(key)
            && now.duration_since(*started) < self.ttl
        {
            *uses = uses.saturating_add(1);
            return cell.clone();
        }
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (started, _, _)| now.duration_since(*started) < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, uses, _)| *uses > 0);
            }
            if entries.len() >= MAX_ENTRIES / 2 {
                let mut starts: Vec<Instant> = entries.values().map(|(s, _, _)| *s).collect();
                starts.sort_unstable();
                let cut = starts[starts.len() / 2];
                entries.retain(|_, (started, _, _)| *started > cut);
            }
        }
        let cell = Arc::new(OnceCell::new());
        entries.insert(key.clone(), (now, 0, cell.clone()));
        cell
    }

    /// How many scans are held (for tests and statistics).
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or_default()
    }

    /// Whether no scan is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> ScanKey {
        ScanKey::new(
            "192.0.2.1:443".parse().unwrap(),
            false,
            &format!("d{n}.example"),
        )
    }

    #[test]
    fn memory_is_bounded_and_scans_others_asked_for_stay() {
        let shared = SharedScans::new(Duration::from_secs(3600));
        let hot = ScanKey::new(
            "192.0.2.25:25".parse().unwrap(),
            true,
            "mx.provider.example",
        );
        shared.cell(&hot);
        shared.cell(&hot);
        for n in 0..20_000 {
            shared.cell(&key(n));
            assert!(shared.len() <= MAX_ENTRIES);
        }
        let held = shared.entries.lock().unwrap();
        assert!(held.contains_key(&hot), "the provider's scan was kept");
        assert!(held.contains_key(&key(19_999)), "the newest is held");
    }
}
