//! The RDAP client (RFC 7480): finds the server for an address, an AS number
//! or a domain in the IANA bootstrap files (RFC 9224), asks it over HTTPS,
//! follows its redirects, and reads the answer with
//! [`indaba_model::rdap::parse_answer`].
//!
//! RDAP servers are outside parties, so every answer is bounded: at most
//! [`RdapSettings::body_limit`] bytes (1 MiB by default; an announced larger
//! answer is refused before its body is read, and an unannounced one is cut
//! off when it passes the limit), at most [`RdapSettings::max_redirects`]
//! redirects, each exchange within the session's HTTP time limit. Server
//! certificates are verified against the roots the operator chose (the same
//! `--ca-file` the certificate checks use), because a contact address is only
//! worth what the channel that brought it is worth.
//!
//! Host names of RDAP servers are resolved through the session's resolver
//! with validation on, and their addresses pass the session's SSRF guard:
//! a redirect is server-controlled input like any other.
//!
//! A client keeps the bootstrap files it loaded and the answers it got, per
//! URL, for [`RdapSettings::cache_for`]: one process asks a server once for
//! the many domains hosted on one network.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hickory_proto::rr::{RData, RecordType};
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::rt::TokioIo;
use indaba_model::observation::{DnsQuestion, QueryMode};
use indaba_model::rdap::{
    self, RdapLookup, RdapOutcome, RdapQuery, Registry, RegistryKind, choose_base,
};
use tokio::sync::OnceCell;

use crate::http::{MAX_HEAD_BYTES, USER_AGENT};
use crate::session::Session;

/// Largest bootstrap file read (IANA's largest, dns.json, is under 100 kB).
pub const MAX_BOOTSTRAP_BYTES: usize = 4 * 1024 * 1024;
/// Most addresses of one RDAP server tried.
const MAX_ADDRESSES: usize = 4;

/// Where the bootstrap files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BootstrapSource {
    /// A directory holding dns.json, ipv4.json, ipv6.json and asn.json.
    Dir(PathBuf),
    /// A URL they are under (ends in `/`), such as IANA's.
    Url(String),
}

impl BootstrapSource {
    /// A URL when `text` starts with `http://` or `https://`, else a directory.
    pub fn parse(text: &str) -> BootstrapSource {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            if text.ends_with('/') {
                BootstrapSource::Url(text.to_string())
            } else {
                BootstrapSource::Url(format!("{text}/"))
            }
        } else {
            BootstrapSource::Dir(PathBuf::from(text))
        }
    }
}

impl Default for BootstrapSource {
    fn default() -> Self {
        BootstrapSource::Url(rdap::IANA_BOOTSTRAP.to_string())
    }
}

impl fmt::Display for BootstrapSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BootstrapSource::Dir(p) => write!(f, "directory {}", p.display()),
            BootstrapSource::Url(u) => f.write_str(u),
        }
    }
}

/// How the client works.
#[derive(Debug, Clone)]
pub struct RdapSettings {
    /// Where the bootstrap files are.
    pub bootstrap: BootstrapSource,
    /// The roots server certificates must chain to.
    pub roots: Arc<rustls::RootCertStore>,
    /// Largest answer read, in bytes.
    pub body_limit: usize,
    /// Most redirects followed for one lookup.
    pub max_redirects: usize,
    /// How long an answer (or a failure) is reused.
    pub cache_for: Duration,
    /// Most answers kept; past that the oldest go.
    pub max_cached: usize,
}

impl RdapSettings {
    /// The usual limits, with bootstrap files from `bootstrap` and server
    /// certificates checked against `roots`.
    pub fn new(
        bootstrap: BootstrapSource,
        roots: Vec<rustls::pki_types::TrustAnchor<'static>>,
    ) -> Self {
        RdapSettings {
            bootstrap,
            roots: Arc::new(rustls::RootCertStore { roots }),
            body_limit: 1024 * 1024,
            max_redirects: 5,
            cache_for: Duration::from_secs(3600),
            max_cached: 4096,
        }
    }
}

type Shared<T> = Arc<OnceCell<T>>;

/// An RDAP client with its caches; share one per process.
pub struct RdapClient {
    settings: RdapSettings,
    tls: Arc<rustls::ClientConfig>,
    registries: tokio::sync::Mutex<HashMap<RegistryKind, Arc<Registry>>>,
    answers: Mutex<HashMap<String, (Instant, Shared<RdapLookup>)>>,
}

impl fmt::Debug for RdapClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RdapClient")
            .field("bootstrap", &self.settings.bootstrap)
            .finish_non_exhaustive()
    }
}

/// What one GET gave.
struct Answer {
    status: u16,
    final_url: String,
    body: Vec<u8>,
}

impl RdapClient {
    /// A client with `settings`.
    pub fn new(settings: RdapSettings) -> Result<RdapClient, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS set-up failed: {e}"))?
            .with_root_certificates(settings.roots.clone())
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(RdapClient {
            settings,
            tls: Arc::new(tls),
            registries: tokio::sync::Mutex::default(),
            answers: Mutex::default(),
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &RdapSettings {
        &self.settings
    }

    /// Looks `query` up: bootstrap, GET, redirects, parse. Never fails as a
    /// call; a failure is an [`RdapOutcome::Failed`] with the reason.
    pub async fn lookup(&self, session: &Session, query: &RdapQuery) -> RdapLookup {
        let registry = match self.registry(session, query.registry()).await {
            Ok(r) => r,
            Err(reason) => return failed(query, None, reason),
        };
        let Some(base) = registry.base_urls(query).and_then(choose_base) else {
            return failed(
                query,
                None,
                format!(
                    "the RDAP bootstrap ({} from {}) names no server for {query}",
                    query.registry().file_name(),
                    self.settings.bootstrap
                ),
            );
        };
        let url = query.url(base);
        let cell = self.cached(&url);
        cell.get_or_init(|| self.fetch_and_read(session, query, url.clone()))
            .await
            .clone()
    }

    /// The cache cell for `url`, fresh if the old one is stale.
    fn cached(&self, url: &str) -> Shared<RdapLookup> {
        let mut answers = self
            .answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if let Some((at, cell)) = answers.get(url)
            && now.duration_since(*at) < self.settings.cache_for
        {
            return cell.clone();
        }
        if answers.len() >= self.settings.max_cached {
            answers.retain(|_, (at, _)| now.duration_since(*at) < self.settings.cache_for);
            if answers.len() >= self.settings.max_cached
                && let Some(oldest) = answers
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
            {
                answers.remove(&oldest);
            }
        }
        let cell: Shared<RdapLookup> = Arc::default();
        answers.insert(url.to_string(), (now, cell.clone()));
        cell
    }

    async fn fetch_and_read(
        &self,
        session: &Session,
        query: &RdapQuery,
        url: String,
    ) -> RdapLookup {
        let answer = match self
            .get(
                session,
                &url,
                self.settings.body_limit,
                "application/rdap+json, application/json;q=0.9",
            )
            .await
        {
            Ok(a) => a,
            Err(reason) => return failed(query, Some(url), reason),
        };
        let outcome = match answer.status {
            200 => match rdap::parse_answer(query, &answer.body) {
                Ok(object) => RdapOutcome::Object { object },
                Err(e) => RdapOutcome::Failed {
                    reason: e.to_string(),
                },
            },
            404 => RdapOutcome::NotFound,
            status => RdapOutcome::Failed {
                reason: match rdap::parse_answer(query, &answer.body) {
                    Err(e @ rdap::RdapError::ErrorResponse { .. }) => format!("HTTP {status}: {e}"),
                    _ => format!("HTTP status {status}"),
                },
            },
        };
        RdapLookup {
            query: query.to_string(),
            url: Some(url),
            final_url: Some(answer.final_url),
            outcome,
        }
    }

    /// The bootstrap registry of `kind`, loaded once.
    async fn registry(
        &self,
        session: &Session,
        kind: RegistryKind,
    ) -> Result<Arc<Registry>, String> {
        // Held across the load so concurrent lookups wait for one read
        // instead of each fetching the file.
        let mut registries = self.registries.lock().await;
        if let Some(r) = registries.get(&kind) {
            return Ok(r.clone());
        }
        let (bytes, from) = match &self.settings.bootstrap {
            BootstrapSource::Dir(dir) => {
                let path = dir.join(kind.file_name());
                (read_bounded(&path).await?, path.display().to_string())
            }
            BootstrapSource::Url(base) => {
                let url = format!("{base}{}", kind.file_name());
                let answer = self
                    .get(session, &url, MAX_BOOTSTRAP_BYTES, "application/json")
                    .await
                    .map_err(|e| {
                        format!("the RDAP bootstrap file {url} could not be fetched: {e}")
                    })?;
                if answer.status != 200 {
                    return Err(format!(
                        "the RDAP bootstrap file {url} could not be fetched: HTTP status {}",
                        answer.status
                    ));
                }
                (answer.body, url)
            }
        };
        let registry = Registry::parse(kind, &bytes)
            .map_err(|e| format!("the RDAP bootstrap file {from} is not usable: {e}"))?;
        let registry = Arc::new(registry);
        registries.insert(kind, registry.clone());
        Ok(registry)
    }

    /// GETs `url`, following redirects, keeping at most `limit` bytes.
    async fn get(
        &self,
        session: &Session,
        url: &str,
        limit: usize,
        accept: &str,
    ) -> Result<Answer, String> {
        let mut current = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let mut redirects = 0;
        loop {
            let response = match self.get_once(session, &current, limit, accept).await {
                Ok(r) => r,
                Err(e) if redirects > 0 => {
                    return Err(format!("after {redirects} redirect(s), {current}: {e}"));
                }
                Err(e) => return Err(e),
            };
            let status = response.status;
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return Ok(Answer {
                    status,
                    final_url: current.to_string(),
                    body: response.body,
                });
            }
            let Some(location) = response.location else {
                return Err(format!(
                    "{current} redirects (HTTP {status}) without a Location"
                ));
            };
            if redirects == self.settings.max_redirects {
                return Err(format!(
                    "more than {} redirects (the last from {current} to {})",
                    self.settings.max_redirects,
                    cut(&location, 200)
                ));
            }
            redirects += 1;
            let next = current.join(&location).map_err(|e| {
                format!(
                    "{current} redirects to {:?}, not a URL: {e}",
                    cut(&location, 200)
                )
            })?;
            if current.scheme() == "https" && next.scheme() != "https" {
                return Err(format!(
                    "{current} redirects to {next}, away from HTTPS; not followed"
                ));
            }
            current = next;
        }
    }

    async fn get_once(
        &self,
        session: &Session,
        url: &url::Url,
        limit: usize,
        accept: &str,
    ) -> Result<Response, String> {
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(format!("{url}: the scheme {other:?} is not HTTP(S)")),
        };
        let host = url
            .host_str()
            .ok_or_else(|| format!("{url} has no host"))?
            .to_string();
        let port = url
            .port_or_known_default()
            .unwrap_or(if https { 443 } else { 80 });
        let addresses = self.addresses(session, &host).await?;
        let timeout = session.settings().http_timeout;
        let mut last = String::new();
        for ip in addresses.into_iter().take(MAX_ADDRESSES) {
            if let Err(scope) =
                indaba_model::address::permitted(ip, session.settings().allow_private)
            {
                last = format!(
                    "{host} is at {ip}, a {scope} address, which this instance does not contact \
                     (--allow-private-targets allows it)"
                );
                continue;
            }
            let target = SocketAddr::new(ip, port);
            let attempt = exchange(&self.tls, https, &host, url, target, limit, accept);
            match tokio::time::timeout(timeout, attempt).await {
                Ok(Ok(r)) => return Ok(r),
                Ok(Err(Step::Connect(e))) => last = format!("cannot connect to {target}: {e}"),
                Ok(Err(Step::After(e))) => return Err(format!("{e} (server {target})")),
                Err(_) => {
                    return Err(format!(
                        "no complete answer within {} ms (server {target})",
                        timeout.as_millis()
                    ));
                }
            }
        }
        Err(if last.is_empty() {
            format!("{host} has no address")
        } else {
            last
        })
    }

    /// The addresses of an RDAP server: the literal, or A then AAAA from the
    /// session's resolver with validation on, so a forged answer is refused.
    async fn addresses(&self, session: &Session, host: &str) -> Result<Vec<IpAddr>, String> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let name = format!("{}.", host.trim_end_matches('.'));
        let (a, aaaa) = tokio::join!(
            session.resolve(DnsQuestion::new(&name, "A"), QueryMode::Validated),
            session.resolve(DnsQuestion::new(&name, "AAAA"), QueryMode::Validated),
        );
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for (exchange, rtype) in [(&a, RecordType::A), (&aaaa, RecordType::AAAA)] {
            if let Some(f) = exchange.failure() {
                failures.push(format!("{rtype}: {f}"));
            }
            if let Some(response) = exchange.response() {
                for data in response.answer_data(rtype) {
                    match data {
                        RData::A(a) => out.push(IpAddr::V4(a.0)),
                        RData::AAAA(a) => out.push(IpAddr::V6(a.0)),
                        _ => {}
                    }
                }
            }
        }
        if out.is_empty() {
            return Err(if failures.is_empty() {
                format!("the RDAP server {host} has no address in the DNS")
            } else {
                format!(
                    "the RDAP server {host} could not be resolved ({})",
                    failures.join("; ")
                )
            });
        }
        Ok(out)
    }
}

fn failed(query: &RdapQuery, url: Option<String>, reason: String) -> RdapLookup {
    RdapLookup {
        query: query.to_string(),
        url,
        final_url: None,
        outcome: RdapOutcome::Failed { reason },
    }
}

/// Reads a bootstrap file, refusing one larger than any real one.
async fn read_bounded(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|e| {
            format!(
                "cannot read the RDAP bootstrap file {}: {e}",
                path.display()
            )
        })?
        .len();
    if size > MAX_BOOTSTRAP_BYTES as u64 {
        return Err(format!(
            "the RDAP bootstrap file {} is {size} bytes, over the {MAX_BOOTSTRAP_BYTES}-byte limit",
            path.display()
        ));
    }
    tokio::fs::read(path).await.map_err(|e| {
        format!(
            "cannot read the RDAP bootstrap file {}: {e}",
            path.display()
        )
    })
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// One response, before redirects are followed.
struct Response {
    status: u16,
    location: Option<String>,
    body: Vec<u8>,
}

/// Where an exchange failed: connecting (try the next address) or after.
enum Step {
    Connect(String),
    After(String),
}

async fn exchange(
    tls: &Arc<rustls::ClientConfig>,
    https: bool,
    host: &str,
    url: &url::Url,
    target: SocketAddr,
    limit: usize,
    accept: &str,
) -> Result<Response, Step> {
    let stream = tokio::net::TcpStream::connect(target)
        .await
        .map_err(|e| Step::Connect(e.to_string()))?;
    if https {
        let name = rustls::pki_types::ServerName::try_from(host.trim_end_matches('.').to_string())
            .map_err(|e| Step::After(format!("{host} cannot be sent as TLS server name: {e}")))?;
        let stream = tokio_rustls::TlsConnector::from(tls.clone())
            .connect(name, stream)
            .await
            .map_err(|e| Step::After(format!("TLS failed: {e}")))?;
        request(stream, url, limit, accept)
            .await
            .map_err(Step::After)
    } else {
        request(stream, url, limit, accept)
            .await
            .map_err(Step::After)
    }
}

async fn request<S>(
    stream: S,
    url: &url::Url,
    limit: usize,
    accept: &str,
) -> Result<Response, String>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(MAX_HEAD_BYTES.max(8192))
        .handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake failed: {e}"))?;
    let driver = tokio::spawn(connection);
    let result = async {
        let host_header = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let request = Request::get(path)
            .header(hyper::header::HOST, host_header)
            .header(hyper::header::USER_AGENT, USER_AGENT)
            .header(hyper::header::ACCEPT, accept)
            .header(hyper::header::CONNECTION, "close")
            .body(Empty::new())
            .map_err(|e| format!("could not build the request: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("the answer is not valid HTTP: {e}"))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(hyper::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if let Some(length) = response
            .headers()
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            && length > limit as u64
        {
            return Err(format!(
                "the answer is {length} bytes, over the limit of {limit} bytes; not read"
            ));
        }
        let mut body = response.into_body();
        let mut kept: Vec<u8> = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| format!("the body could not be read: {e}"))?;
            if let Some(data) = frame.data_ref() {
                if kept.len() + data.len() > limit {
                    return Err(format!(
                        "the answer is over the limit of {limit} bytes; stopped reading after {} bytes",
                        kept.len() + data.len()
                    ));
                }
                kept.extend_from_slice(data);
            }
        }
        Ok(Response {
            status,
            location,
            body: kept,
        })
    }
    .await;
    driver.abort();
    result
}
