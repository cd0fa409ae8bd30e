//! A live VRP feed over RTR (RFC 8210, and RFC 6810 servers by downgrade),
//! using the RTR client of NLnet Labs' `rpki` crate.
//!
//! [`RtrFeed::connect`] waits for the first complete data set (a cache reset),
//! then keeps the connection in a background task: the server's Serial Notify
//! and the refresh timer trigger serial queries, whose announcements and
//! withdrawals are applied to the set; a Cache Reset from the server starts a
//! full reload. Each applied update publishes a fresh [`VrpSnapshot`], so a
//! long-running process (the platform, a monitor) judges with the newest data
//! without a restart. When the connection drops, the task reconnects after the
//! server's retry interval and resumes from the last serial.
//!
//! `rpki` 0.18 rather than 0.20: both need the crate's `crypto` feature for RTR,
//! which in 0.20 builds aws-lc from C; 0.18 uses ring, which DNSSEC already uses.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use indaba_model::routing::{Asn, Prefix, Vrp, VrpSet};
use rpki::rtr::client::{PayloadError, PayloadTarget};
use rpki::rtr::{Action, Client, Payload, Timing};
use tokio::net::TcpStream;

/// The VRPs known at one moment, with where they came from.
#[derive(Debug, Default)]
pub struct VrpSnapshot {
    /// The indexed set.
    pub set: VrpSet,
    /// The source and its state, for evidence (`RTR 192.0.2.1:8282, serial 4, 12 VRPs`).
    pub description: String,
    /// The RTR serial of this data, when it came over RTR.
    pub serial: Option<u32>,
    /// How many updates have been applied since the feed started.
    pub updates: u64,
    /// The last error of the connection, while it is down.
    pub last_error: Option<String>,
}

/// Why an RTR feed could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtrError {
    /// The TCP connection failed.
    #[error("cannot connect to the RTR server at {server}: {reason}; check --rtr HOST:PORT")]
    Connect {
        /// The server.
        server: SocketAddr,
        /// The error.
        reason: String,
    },
    /// The server broke the protocol (malformed PDU, error report, bad data).
    #[error("the RTR server at {server} broke the protocol: {reason}")]
    Protocol {
        /// The server.
        server: SocketAddr,
        /// What went wrong.
        reason: String,
    },
    /// No complete data set arrived in time.
    #[error(
        "the RTR server at {server} sent no complete data set within {seconds} s; \
         is the cache still loading its data?"
    )]
    Timeout {
        /// The server.
        server: SocketAddr,
        /// The time allowed.
        seconds: u64,
    },
}

/// A VRP set kept current by an RTR session in the background.
#[derive(Debug, Clone)]
pub struct RtrFeed {
    current: Arc<RwLock<Arc<VrpSnapshot>>>,
    task: Arc<tokio::task::AbortHandle>,
}

impl Drop for RtrFeed {
    fn drop(&mut self) {
        // The last handle gone: nobody reads the set any more.
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

/// The shortest wait before reconnecting, whatever the server's retry says:
/// a broken server must not be hammered.
const MIN_RETRY: Duration = Duration::from_secs(2);

impl RtrFeed {
    /// Connects to `server`, waits up to `initial_timeout` for the first full
    /// data set, and keeps it current in the background (the Tokio runtime
    /// must outlive the feed).
    pub async fn connect(
        server: SocketAddr,
        initial_timeout: Duration,
    ) -> Result<RtrFeed, RtrError> {
        let current = Arc::new(RwLock::new(Arc::new(VrpSnapshot {
            description: format!("RTR {server}, no data yet"),
            ..VrpSnapshot::default()
        })));
        let first = tokio::time::timeout(initial_timeout, async {
            let sock = TcpStream::connect(server)
                .await
                .map_err(|e| RtrError::Connect {
                    server,
                    reason: e.to_string(),
                })?;
            let target = FeedTarget::new(server, current.clone());
            let mut client = Client::new(sock, target, None);
            client.step().await.map_err(|e| RtrError::Protocol {
                server,
                reason: e.to_string(),
            })?;
            let serial = client.state().map(|s| s.serial().into());
            client.target_mut().publish(serial, None);
            Ok::<_, RtrError>(client)
        })
        .await
        .map_err(|_| RtrError::Timeout {
            server,
            seconds: initial_timeout.as_secs(),
        })??;
        let task = tokio::spawn(keep_current(server, first)).abort_handle();
        Ok(RtrFeed {
            current,
            task: Arc::new(task),
        })
    }

    /// The newest data set.
    pub fn snapshot(&self) -> Arc<VrpSnapshot> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            // A panicking writer left the lock poisoned; the data it guards
            // is an `Arc` swapped whole, so the last value is still sound.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Runs the session until the feed is dropped, reconnecting on errors.
async fn keep_current(server: SocketAddr, mut client: Client<TcpStream, FeedTarget>) {
    loop {
        let error = loop {
            match client.step().await {
                Ok(()) => {
                    let serial = client.state().map(|s| s.serial().into());
                    client.target_mut().publish(serial, None);
                }
                Err(e) => break e.to_string(),
            }
        };
        let state = client.state();
        let mut target = client.into_target();
        let retry = Duration::from_secs(u64::from(target.timing.retry)).max(MIN_RETRY);
        target.publish(state.map(|s| s.serial().into()), Some(error));
        loop {
            tokio::time::sleep(retry.min(Duration::from_secs(600))).await;
            match TcpStream::connect(server).await {
                Ok(sock) => {
                    client = Client::new(sock, target, state);
                    break;
                }
                Err(e) => target.publish(
                    state.map(|s| s.serial().into()),
                    Some(format!("reconnecting: {e}")),
                ),
            }
        }
    }
}

/// Receives the updates of the RTR client.
struct FeedTarget {
    server: SocketAddr,
    vrps: HashSet<Vrp>,
    reset_pending: bool,
    timing: Timing,
    updates: u64,
    published: Arc<RwLock<Arc<VrpSnapshot>>>,
}

impl FeedTarget {
    fn new(server: SocketAddr, published: Arc<RwLock<Arc<VrpSnapshot>>>) -> Self {
        FeedTarget {
            server,
            vrps: HashSet::new(),
            reset_pending: false,
            timing: Timing::default(),
            updates: 0,
            published,
        }
    }

    fn publish(&mut self, serial: Option<u32>, last_error: Option<String>) {
        let mut description = format!("RTR {}", self.server);
        if let Some(serial) = serial {
            description.push_str(&format!(", serial {serial}"));
        }
        description.push_str(&format!(", {} VRPs", self.vrps.len()));
        if let Some(error) = &last_error {
            description.push_str(&format!(" (connection down: {error})"));
        }
        let snapshot = Arc::new(VrpSnapshot {
            set: VrpSet::new(self.vrps.iter().copied()),
            description,
            serial,
            updates: self.updates,
            last_error,
        });
        match self.published.write() {
            Ok(mut guard) => *guard = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }
}

impl PayloadTarget for FeedTarget {
    type Update = Vec<(Action, Payload)>;

    fn start(&mut self, reset: bool) -> Self::Update {
        self.reset_pending = reset;
        Vec::new()
    }

    fn apply(&mut self, update: Self::Update, timing: Timing) -> Result<(), PayloadError> {
        let mut next = if self.reset_pending {
            HashSet::new()
        } else {
            self.vrps.clone()
        };
        for (action, payload) in update {
            // Router keys and ASPA are not used by origin validation.
            let Payload::Origin(origin) = payload else {
                continue;
            };
            let prefix = Prefix::new(origin.prefix.addr(), origin.prefix.prefix_len())
                .map_err(|_| PayloadError::Corrupt)?;
            let vrp = Vrp::new(
                prefix,
                origin.prefix.resolved_max_len(),
                Asn(origin.asn.into_u32()),
            )
            .map_err(|_| PayloadError::Corrupt)?;
            match action {
                Action::Announce => {
                    next.insert(vrp);
                }
                Action::Withdraw => {
                    if !next.remove(&vrp) {
                        return Err(PayloadError::UnknownWithdraw);
                    }
                }
            }
        }
        self.vrps = next;
        self.reset_pending = false;
        self.timing = timing;
        self.updates += 1;
        Ok(())
    }
}
