//! Complete handshakes with rustls: to read the certificate chain and OCSP
//! staple of a TLS 1.3 server (encrypted, so raw probes cannot see them) and
//! to try 0-RTT on a resumed session.
//!
//! The certificate verifier accepts anything and only records what it is
//! shown: we judge certificates later, from the observation, and nothing
//! secret is sent over these connections. rustls is driven by hand over the
//! tokio stream so every read is bounded in bytes and time.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indaba_model::tls::TlsVersion;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientSessionMemoryCache, ClientSessionStore};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the verifier was shown.
#[derive(Debug, Default, Clone)]
pub(crate) struct Seen {
    /// The chain, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The stapled OCSP response (empty when none).
    pub ocsp: Vec<u8>,
}

#[derive(Debug)]
struct Recorder {
    seen: Arc<Mutex<Option<Seen>>>,
    schemes: Vec<SignatureScheme>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.to_vec()];
        chain.extend(intermediates.iter().map(|c| c.to_vec()));
        *lock(&self.seen) = Some(Seen {
            chain,
            ocsp: ocsp_response.to_vec(),
        });
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// A session store that remembers whether a TLS 1.3 ticket allowed early data.
#[derive(Debug)]
struct TicketWatch {
    inner: ClientSessionMemoryCache,
    tickets: Mutex<(u32, u32)>,
}

impl ClientSessionStore for TicketWatch {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: rustls::NamedGroup) {
        self.inner.set_kx_hint(server_name, group)
    }
    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<rustls::NamedGroup> {
        self.inner.kx_hint(server_name)
    }
    fn set_tls12_session(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls12ClientSessionValue,
    ) {
        self.inner.set_tls12_session(server_name, value)
    }
    fn tls12_session(
        &self,
        server_name: &ServerName<'_>,
    ) -> Option<rustls::client::Tls12ClientSessionValue> {
        self.inner.tls12_session(server_name)
    }
    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.inner.remove_tls12_session(server_name)
    }
    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls13ClientSessionValue,
    ) {
        {
            let mut t = lock(&self.tickets);
            t.0 = t.0.saturating_add(1);
            t.1 = t.1.max(value.max_early_data_size());
        }
        self.inner.insert_tls13_ticket(server_name, value)
    }
    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<rustls::client::Tls13ClientSessionValue> {
        self.inner.take_tls13_ticket(server_name)
    }
}

/// A rustls client that records and can resume.
pub(crate) struct Client {
    config: Arc<ClientConfig>,
    seen: Arc<Mutex<Option<Seen>>>,
    tickets: Arc<TicketWatch>,
    name: ServerName<'static>,
}

/// The result of one completed handshake.
pub(crate) struct Done {
    /// The version negotiated.
    pub version: Option<TlsVersion>,
    /// Whether early data was sent and accepted.
    pub early_data_accepted: bool,
    /// Whether early data could be sent (a ticket allowed it).
    pub early_data_sent: bool,
    /// Application data read after the handshake (bounded).
    pub data: Vec<u8>,
}

/// Where the recording verifier leaves what it was shown.
pub(crate) type SeenSlot = Arc<Mutex<Option<Seen>>>;

/// A rustls configuration whose verifier accepts any certificate and records
/// what it was shown: for probes that judge certificates from the observation
/// (the HTTPS fetches of the web test use it too).
pub(crate) fn recording_config() -> Result<(ClientConfig, SeenSlot), String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let schemes = provider
        .signature_verification_algorithms
        .supported_schemes();
    let seen = Arc::new(Mutex::new(None));
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| format!("rustls configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recorder {
            seen: seen.clone(),
            schemes,
        }))
        .with_no_client_auth();
    Ok((config, seen))
}

impl Client {
    /// A client for `server_name` (or the address when there is no usable name).
    pub(crate) fn new(server_name: Option<&str>, ip: IpAddr) -> Result<Client, String> {
        let tickets = Arc::new(TicketWatch {
            inner: ClientSessionMemoryCache::new(8),
            tickets: Mutex::new((0, 0)),
        });
        let (mut config, seen) = recording_config()?;
        config.enable_early_data = true;
        config.resumption = rustls::client::Resumption::store(tickets.clone());
        let name = server_name
            .map(|n| n.trim_end_matches('.').to_string())
            .and_then(|n| ServerName::try_from(n).ok())
            .unwrap_or(ServerName::IpAddress(ip.into()));
        Ok(Client {
            config: Arc::new(config),
            seen,
            tickets,
            name,
        })
    }

    /// What the verifier was last shown.
    pub(crate) fn seen(&self) -> Option<Seen> {
        lock(&self.seen).clone()
    }

    /// Tickets received, and the largest max_early_data_size among them.
    pub(crate) fn tickets(&self) -> (u32, u32) {
        *lock(&self.tickets.tickets)
    }

    /// Runs one handshake over `stream`, sending `early` as 0-RTT data when a
    /// ticket allows it (else after the handshake, when `send_anyway`), then
    /// reads answers for up to `linger` or until `want` bytes came.
    pub(crate) async fn handshake(
        &self,
        mut stream: TcpStream,
        early: Option<&[u8]>,
        linger: Duration,
        deadline: Instant,
        max_bytes: usize,
    ) -> Result<Done, String> {
        let mut conn = ClientConnection::new(self.config.clone(), self.name.clone())
            .map_err(|e| format!("rustls: {e}"))?;
        let mut early_data_sent = false;
        if let Some(data) = early
            && let Some(mut writer) = conn.early_data()
            && writer.bytes_left() >= data.len()
        {
            writer
                .write_all(data)
                .map_err(|e| format!("early data: {e}"))?;
            early_data_sent = true;
        }
        let mut io = Io {
            stream: &mut stream,
            deadline,
            read: 0,
            max_bytes,
        };
        while conn.is_handshaking() {
            io.flush(&mut conn).await?;
            if !conn.is_handshaking() {
                break;
            }
            io.receive(&mut conn, deadline)
                .await?
                .then_some(())
                .ok_or("the server closed the connection during the handshake")?;
        }
        io.flush(&mut conn).await?;
        let version = conn.protocol_version().and_then(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => Some(TlsVersion::Tls13),
            rustls::ProtocolVersion::TLSv1_2 => Some(TlsVersion::Tls12),
            _ => None,
        });
        let early_data_accepted = early_data_sent && conn.is_early_data_accepted();
        // Tickets (and any answer to the early data) come after the handshake.
        let mut data = Vec::new();
        let linger_until =
            if (early_data_sent && !early_data_accepted) || version != Some(TlsVersion::Tls13) {
                // Refused early data is not answered, and TLS 1.2 sends its
                // ticket inside the handshake: nothing to wait for. (Waiting
                // the whole linger here cost two seconds per TLS 1.2 server:
                // bench/tls-peers.)
                Instant::now()
            } else {
                deadline.min(Instant::now() + linger)
            };
        while Instant::now() < linger_until && data.len() < 16 * 1024 {
            match io.receive(&mut conn, linger_until).await {
                Ok(true) => {}
                Ok(false) | Err(_) => break,
            }
            let mut chunk = [0u8; 4096];
            while let Ok(n) = conn.reader().read(&mut chunk) {
                if n == 0 {
                    break;
                }
                data.extend_from_slice(chunk.get(..n).unwrap_or_default());
            }
            if early_data_sent && !data.is_empty() {
                break;
            }
            if !early_data_sent && self.tickets().0 > 0 {
                break;
            }
        }
        conn.send_close_notify();
        let _ = io.flush(&mut conn).await;
        Ok(Done {
            version,
            early_data_accepted,
            early_data_sent,
            data,
        })
    }
}

struct Io<'a> {
    stream: &'a mut TcpStream,
    deadline: Instant,
    read: usize,
    max_bytes: usize,
}

impl Io<'_> {
    async fn flush(&mut self, conn: &mut ClientConnection) -> Result<(), String> {
        while conn.wants_write() {
            let mut out = Vec::new();
            conn.write_tls(&mut out)
                .map_err(|e| format!("rustls: {e}"))?;
            let left = self.deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.stream.write_all(&out)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(format!("network error: {e}")),
                Err(_) => return Err("no progress within the time limit".into()),
            }
        }
        Ok(())
    }

    /// Reads once and feeds rustls; `false` when the server closed.
    async fn receive(
        &mut self,
        conn: &mut ClientConnection,
        until: Instant,
    ) -> Result<bool, String> {
        let mut buf = [0u8; 8192];
        let left = until.saturating_duration_since(Instant::now());
        let n = match tokio::time::timeout(left, self.stream.read(&mut buf)).await {
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(format!("network error: {e}")),
            Err(_) => return Err("no answer within the time limit".into()),
        };
        if n == 0 {
            return Ok(false);
        }
        self.read += n;
        if self.read > self.max_bytes {
            return Err(format!(
                "the server sent more than {} bytes",
                self.max_bytes
            ));
        }
        let mut slice = buf.get(..n).unwrap_or_default();
        while !slice.is_empty() {
            conn.read_tls(&mut slice)
                .map_err(|e| format!("rustls: {e}"))?;
            conn.process_new_packets()
                .map_err(|e| format!("the handshake failed: {e}"))?;
        }
        Ok(true)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
