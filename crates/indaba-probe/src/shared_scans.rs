//! TLS scans shared between the tests of one scan run.
//!
//! When a partnership monitors a sector, hundreds of domains hand their mail
//! to the same few providers. A full TLS enumeration costs dozens of
//! handshakes, so sessions that share a [`SharedScans`] enumerate each
//! address (per transport and server name) once within its time to live and
//! reuse the result; each session still records the scan in its own
//! observations, so every report stands alone.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indaba_model::tls::TlsScan;
use tokio::sync::OnceCell;

/// What identifies one scan: the address, STARTTLS or not, the server name.
type ScanKey = (SocketAddr, bool, String);

/// A scan and when it started.
type Entry = (Instant, Arc<OnceCell<TlsScan>>);

/// Most scans kept; past it, expired ones go first, then everything.
const MAX_ENTRIES: usize = 10_000;

/// A cache of TLS scans that several sessions share. Cloning shares it.
#[derive(Debug, Clone)]
pub struct SharedScans {
    entries: Arc<Mutex<HashMap<ScanKey, Entry>>>,
    ttl: Duration,
}

impl SharedScans {
    /// A cache whose scans are reused for `ttl` after they started.
    pub fn new(ttl: Duration) -> Self {
        SharedScans {
            entries: Arc::default(),
            ttl,
        }
    }

    /// The cell for a scan: one that another session filled (or is filling)
    /// within the time to live, or a new one.
    pub(crate) fn cell(
        &self,
        target: SocketAddr,
        starttls: bool,
        server_name: &str,
    ) -> Arc<OnceCell<TlsScan>> {
        let now = Instant::now();
        let mut entries = match self.entries.lock() {
            Ok(e) => e,
            Err(poisoned) => poisoned.into_inner(),
        };
        let key = (target, starttls, server_name.to_ascii_lowercase());
        if let Some((started, cell)) = entries.get(&key)
            && now.duration_since(*started) < self.ttl
        {
            return cell.clone();
        }
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (started, _)| now.duration_since(*started) < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        let cell = Arc::new(OnceCell::new());
        entries.insert(key, (now, cell.clone()));
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
