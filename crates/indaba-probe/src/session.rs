//! A probe session: the shared state of one test (or one scan).
//!
//! It owns the DNS client, the SSRF guard, the time limit of the whole test,
//! and a cache so that each question, connection and request is made once per
//! session however many checks need it. Everything it does is recorded as an
//! observation, in the order it finished.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indaba_model::observation::{
    DnsExchange, DnsFailure, DnsOutcome, DnsQuestion, HttpFetch, HttpOutcome, Observations,
    QueryMode, TcpConnect,
};
use indaba_model::{address, limits};
use tokio::sync::OnceCell;

use crate::dns::DnsClient;
use crate::http;

/// How a session talks to the network.
#[derive(Debug, Clone)]
pub struct ProbeSettings {
    /// The recursive resolver for all lookups.
    pub resolver: SocketAddr,
    /// Time limit of one DNS question.
    pub dns_timeout: Duration,
    /// Time limit of one TCP connect.
    pub connect_timeout: Duration,
    /// Time limit of one HTTP request, body included.
    pub http_timeout: Duration,
    /// Whether private, loopback and other special addresses may be contacted.
    pub allow_private: bool,
    /// Largest HTTP body kept, in bytes.
    pub http_body_limit: usize,
    /// The pace of queries to each authoritative name server, shared by
    /// every session of the process; `None` asks at once.
    pub name_server_pace: Option<std::sync::Arc<crate::pace::ServerPace>>,
}

impl ProbeSettings {
    /// Settings with the usual limits for `resolver`.
    pub fn new(resolver: SocketAddr) -> Self {
        ProbeSettings {
            resolver,
            dns_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(4),
            http_timeout: Duration::from_secs(10),
            allow_private: false,
            http_body_limit: limits::MAX_HTTP_BODY_BYTES,
            name_server_pace: None,
        }
    }
}

type DnsKey = (SocketAddr, QueryMode, DnsQuestion);
type Shared<T> = Arc<OnceCell<T>>;

/// The state of one test's probing.
pub struct Session {
    settings: ProbeSettings,
    dns: DnsClient,
    deadline: Instant,
    dns_cache: Mutex<HashMap<DnsKey, Shared<DnsExchange>>>,
    tcp_cache: Mutex<HashMap<SocketAddr, Shared<TcpConnect>>>,
    http_cache: Mutex<HashMap<(String, SocketAddr), Shared<HttpFetch>>>,
    tls_cache: Mutex<HashMap<(SocketAddr, bool), Shared<indaba_model::tls::TlsScan>>>,
    shared_scans: Option<crate::SharedScans>,
    observations: Mutex<Observations>,
    budget: Budget,
}

/// What one test may still spend: connections, DNS queries and kept body
/// bytes (the caps of `indaba_model::limits`). A name the public submits can
/// point at a thousand addresses that serve megabytes each; the planner caps
/// what it asks for, and this is the backstop that holds whatever it asks.
#[derive(Debug, Default)]
struct Budget {
    connections: AtomicUsize,
    dns_queries: AtomicUsize,
    body_bytes: AtomicUsize,
    exhausted_noted: Mutex<Vec<&'static str>>,
}

impl Budget {
    /// Takes one unit of `counter`; false when `cap` units are spent.
    fn take(counter: &AtomicUsize, cap: usize) -> bool {
        counter
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < cap).then_some(n + 1)
            })
            .is_ok()
    }

    /// Takes up to `wanted` body bytes; returns how many may be kept.
    fn take_body(&self, wanted: usize) -> usize {
        let mut granted = 0;
        let _ = self
            .body_bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                granted = wanted.min(limits::MAX_HTTP_BODY_BYTES_PER_REPORT.saturating_sub(used));
                Some(used + granted)
            });
        granted
    }
}

impl Session {
    /// A session that must finish by `deadline`.
    pub fn new(settings: ProbeSettings, deadline: Instant) -> Self {
        let observations = Observations {
            resolver: settings.resolver.to_string(),
            ..Observations::default()
        };
        Session {
            dns: DnsClient::new(settings.dns_timeout),
            settings,
            deadline,
            dns_cache: Mutex::default(),
            tcp_cache: Mutex::default(),
            http_cache: Mutex::default(),
            tls_cache: Mutex::default(),
            shared_scans: None,
            observations: Mutex::new(observations),
            budget: Budget::default(),
        }
    }

    /// Reuses TLS scans of other sessions that share `scans` (see
    /// [`crate::SharedScans`]).
    pub fn with_shared_scans(mut self, scans: crate::SharedScans) -> Self {
        self.shared_scans = Some(scans);
        self
    }

    /// The settings in force.
    pub fn settings(&self) -> &ProbeSettings {
        &self.settings
    }

    /// Whether the test's time limit has passed.
    pub fn expired(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Asks the resolver, once per session for each question and mode.
    pub async fn resolve(&self, question: DnsQuestion, mode: QueryMode) -> DnsExchange {
        let server = self.settings.resolver;
        self.dns_once(server, question, mode).await
    }

    /// Asks an authoritative server directly (no recursion), if the guard allows it.
    pub async fn ask_direct(&self, server: SocketAddr, question: DnsQuestion) -> DnsExchange {
        if let Err(scope) = address::permitted(server.ip(), self.settings.allow_private) {
            let exchange = DnsExchange {
                server: server.to_string(),
                mode: QueryMode::Direct,
                question,
                elapsed_ms: 0,
                outcome: DnsOutcome::Failure {
                    kind: DnsFailure::Unreachable,
                    reason: refused_reason(server.ip(), scope),
                },
            };
            self.record(|o| o.dns.push(exchange.clone()));
            return exchange;
        }
        self.dns_once(server, question, QueryMode::Direct).await
    }

    async fn dns_once(
        &self,
        server: SocketAddr,
        question: DnsQuestion,
        mode: QueryMode,
    ) -> DnsExchange {
        let cell = {
            let mut cache = lock(&self.dns_cache);
            cache
                .entry((server, mode, question.clone()))
                .or_default()
                .clone()
        };
        cell.get_or_init(|| async {
            if !Budget::take(&self.budget.dns_queries, limits::MAX_DNS_QUERIES_PER_TEST) {
                self.note_exhausted("dns");
                let exchange = DnsExchange {
                    server: server.to_string(),
                    mode,
                    question: question.clone(),
                    elapsed_ms: 0,
                    outcome: DnsOutcome::Failure {
                        kind: DnsFailure::Cancelled,
                        reason: format!(
                            "not asked: the test's limit of {} DNS queries was reached",
                            limits::MAX_DNS_QUERIES_PER_TEST
                        ),
                    },
                };
                self.record(|o| o.dns.push(exchange.clone()));
                return exchange;
            }
            if let Some(pace) = &self.settings.name_server_pace
                && server != self.settings.resolver
            {
                pace.wait(server.ip(), self.deadline).await;
            }
            let exchange = self
                .dns
                .exchange(server, &question, mode, Some(self.deadline))
                .await;
            self.record(|o| o.dns.push(exchange.clone()));
            exchange
        })
        .await
        .clone()
    }

    /// Enumerates the TLS of `target`, once per session per address and
    /// transport: directly (HTTPS) or after SMTP STARTTLS (mail). Every
    /// check that needs TLS facts reads this one scan.
    pub async fn tls_scan(
        &self,
        target: SocketAddr,
        server_name: &str,
        starttls: bool,
    ) -> indaba_model::tls::TlsScan {
        let cell = {
            let mut cache = lock(&self.tls_cache);
            cache.entry((target, starttls)).or_default().clone()
        };
        cell.get_or_init(|| async {
            let (scan, shared) = match (&self.shared_scans, self.guard(target.ip())) {
                // Only a target this session may reach can come from the
                // shared cache; a refusal is this session's own.
                (Some(shared), Ok(())) => {
                    let key = crate::shared_scans::ScanKey::new(target, starttls, server_name);
                    shared
                        .scan(key, self.deadline, || {
                            self.run_tls_scan(target, server_name, starttls)
                        })
                        .await
                }
                _ => (self.run_tls_scan(target, server_name, starttls).await, None),
            };
            self.record(|o| {
                o.tls.push(scan.clone());
                if let Some(source) = shared {
                    o.shared.push(indaba_model::observation::SharedProbe {
                        kind: "tls".into(),
                        target: crate::shared_scans::ScanKey::new(target, starttls, server_name)
                            .to_string(),
                        source,
                    });
                }
            });
            scan
        })
        .await
        .clone()
    }

    /// One TLS enumeration of `target`, under this session's guard and
    /// deadline.
    async fn run_tls_scan(
        &self,
        target: SocketAddr,
        server_name: &str,
        starttls: bool,
    ) -> indaba_model::tls::TlsScan {
        use crate::tls::{Direct, SmtpStarttls, TlsProbeSettings, enumerate};
        use indaba_model::tls::{ConnectFailure, ConnectFailureKind, TlsScan, TlsTransport};
        let transport = if starttls {
            TlsTransport::SmtpStarttls
        } else {
            TlsTransport::Direct
        };
        if let Err(reason) = self.guard(target.ip()) {
            return TlsScan::unreachable(
                target.to_string(),
                Some(server_name.to_string()),
                transport,
                ConnectFailure {
                    kind: ConnectFailureKind::Unreachable,
                    reason,
                },
            );
        }
        let settings = TlsProbeSettings {
            server_name: Some(server_name.to_string()),
            step_timeout: self.settings.connect_timeout * 2,
            zero_rtt_http: !starttls,
            ..TlsProbeSettings::default()
        };
        if starttls {
            let connector = SmtpStarttls {
                address: target,
                ehlo_name: "indaba.invalid".into(),
            };
            enumerate(&connector, &settings, self.deadline).await
        } else {
            enumerate(&Direct { address: target }, &settings, self.deadline).await
        }
    }

    /// Opens (and closes) a TCP connection, once per session per address.
    pub async fn connect(&self, target: SocketAddr) -> TcpConnect {
        let cell = {
            let mut cache = lock(&self.tcp_cache);
            cache.entry(target).or_default().clone()
        };
        cell.get_or_init(|| async {
            let started = Instant::now();
            let error = match self.guard(target.ip()) {
                Err(reason) => Some(reason),
                Ok(()) if !self.take_connection() => Some(self.connection_limit_reason()),
                Ok(()) => {
                    let limit = self.limit(self.settings.connect_timeout);
                    match tokio::time::timeout(limit, tokio::net::TcpStream::connect(target)).await
                    {
                        Ok(Ok(_stream)) => None,
                        Ok(Err(e)) => Some(format!("connection failed: {e}")),
                        Err(_) => Some(format!("no connection within {} ms", limit.as_millis())),
                    }
                }
            };
            let result = TcpConnect {
                address: target.to_string(),
                elapsed_ms: started.elapsed().as_millis() as u64,
                error,
            };
            self.record(|o| o.tcp.push(result.clone()));
            result
        })
        .await
        .clone()
    }

    /// Fetches `http://host/path` from one address, once per session.
    pub async fn http_get(&self, host: &str, path: &str, target: SocketAddr) -> HttpFetch {
        self.fetch(http::Scheme::Http, host, path, target).await
    }

    /// GETs `https://host/path` from `target`, once per session per URL and
    /// address (the certificate is judged from the TLS scan, not here).
    pub async fn https_get(&self, host: &str, path: &str, target: SocketAddr) -> HttpFetch {
        self.fetch(http::Scheme::Https, host, path, target).await
    }

    async fn fetch(
        &self,
        scheme: http::Scheme,
        host: &str,
        path: &str,
        target: SocketAddr,
    ) -> HttpFetch {
        let url = http::url(scheme, host, path, target.port());
        let cell = {
            let mut cache = lock(&self.http_cache);
            cache.entry((url.clone(), target)).or_default().clone()
        };
        cell.get_or_init(|| async {
            let started = Instant::now();
            let outcome = match self.guard(target.ip()) {
                Err(reason) => HttpOutcome::Failure {
                    kind: indaba_model::observation::HttpFailure::Blocked,
                    reason,
                },
                Ok(()) if !self.take_connection() => HttpOutcome::Failure {
                    kind: indaba_model::observation::HttpFailure::Cancelled,
                    reason: self.connection_limit_reason(),
                },
                Ok(()) => {
                    let limit = self.limit(self.settings.http_timeout);
                    http::get(
                        scheme,
                        host,
                        path,
                        target,
                        limit,
                        self.settings.http_body_limit,
                    )
                    .await
                }
            };
            let outcome = self.keep_within_body_budget(outcome);
            let fetch = HttpFetch {
                url: url.clone(),
                address: target.to_string(),
                elapsed_ms: started.elapsed().as_millis() as u64,
                outcome,
            };
            self.record(|o| o.http.push(fetch.clone()));
            fetch
        })
        .await
        .clone()
    }

    /// Notes that a limit cut the test short.
    pub fn note_cut_short(&self, what: indaba_model::Message) {
        self.record(|o| o.cut_short.push(what));
    }

    /// Records the trust anchor used, for the report.
    pub fn note_trust_anchor(&self, records: Vec<String>) {
        self.record(|o| o.trust_anchor = records);
    }

    /// Records the DKIM selectors the test was asked to check.
    pub fn note_dkim_selectors(&self, selectors: Vec<String>) {
        self.record(|o| o.dkim_selectors = selectors);
    }

    /// Records what the routing sources said.
    pub fn note_routing(&self, routing: indaba_model::observation::RoutingObservations) {
        self.record(|o| o.routing = Some(routing));
    }

    /// Everything observed so far (a copy; see [`Session::with_observations`]
    /// to read without copying).
    pub fn observations(&self) -> Observations {
        lock(&self.observations).clone()
    }

    /// Reads the observations in place (the planner does, after every
    /// probe: copying the bodies and scans each time would cost more than
    /// the planning).
    pub fn with_observations<T>(&self, read: impl FnOnce(&Observations) -> T) -> T {
        read(&lock(&self.observations))
    }

    /// Takes one connection of the test's budget.
    fn take_connection(&self) -> bool {
        let ok = Budget::take(&self.budget.connections, limits::MAX_CONNECTIONS_PER_TEST);
        if !ok {
            self.note_exhausted("connections");
        }
        ok
    }

    fn connection_limit_reason(&self) -> String {
        format!(
            "not contacted: the test's limit of {} connections was reached",
            limits::MAX_CONNECTIONS_PER_TEST
        )
    }

    /// Notes once per kind that a budget ran out.
    fn note_exhausted(&self, what: &'static str) {
        let mut noted = lock(&self.budget.exhausted_noted);
        if !noted.contains(&what) {
            noted.push(what);
            drop(noted);
            self.note_cut_short(match what {
                "dns" => indaba_model::msg!(
                    "cut-short-dns-queries",
                    limit = limits::MAX_DNS_QUERIES_PER_TEST as i64
                ),
                "connections" => indaba_model::msg!(
                    "cut-short-connections",
                    limit = limits::MAX_CONNECTIONS_PER_TEST as i64
                ),
                _ => indaba_model::msg!(
                    "cut-short-body-bytes",
                    limit = limits::MAX_HTTP_BODY_BYTES_PER_REPORT as i64
                ),
            });
        }
    }

    /// Cuts a response's body to what the report's body budget still allows.
    fn keep_within_body_budget(&self, outcome: HttpOutcome) -> HttpOutcome {
        match outcome {
            HttpOutcome::Response(mut response) => {
                let wanted = response.body.len();
                let granted = self.budget.take_body(wanted);
                if granted < wanted {
                    response.body.0.truncate(granted);
                    response.body_truncated = true;
                    self.note_exhausted("body");
                }
                HttpOutcome::Response(response)
            }
            failure => failure,
        }
    }

    fn guard(&self, ip: IpAddr) -> Result<(), String> {
        address::permitted(ip, self.settings.allow_private).map_err(|s| refused_reason(ip, s))
    }

    fn limit(&self, per_step: Duration) -> Duration {
        per_step.min(self.deadline.saturating_duration_since(Instant::now()))
    }

    fn record(&self, f: impl FnOnce(&mut Observations)) {
        f(&mut lock(&self.observations));
    }
}

fn refused_reason(ip: IpAddr, scope: address::AddressScope) -> String {
    format!(
        "not contacted: {ip} is a {scope} address, and this instance does not test private \
         targets (start it with --allow-private-targets to allow them)"
    )
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: the
/// caches and observation lists stay consistent after any single push.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
