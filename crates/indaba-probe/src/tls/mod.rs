//! TLS enumeration of one server: what it offers and how it behaves.
//!
//! [`enumerate`] makes many short connections to one address (through a
//! [`Connector`], so direct TLS and SMTP STARTTLS work alike) and returns a
//! [`TlsScan`]. It never judges. The parts:
//!
//! - versions SSL 3.0 to TLS 1.3 and, per version, the suites the server
//!   accepts, with raw ClientHellos (see [`hello`]): offer every suite, note
//!   the one chosen, offer the rest, until the server refuses. The order of
//!   choices is the server's order when it enforces its own, which a second
//!   ClientHello with the accepted suites reversed tells;
//! - key exchange: the ECDHE curves of ServerKeyExchange (TLS 1.2), the TLS 1.3
//!   groups of HelloRetryRequest (offering each group with an empty key_share),
//!   and the DHE prime;
//! - TLS 1.2 ServerKeyExchange signatures when only SHA-1 (then only SHA-224)
//!   signature algorithms are offered; DEFLATE compression; the
//!   renegotiation_info and extended_master_secret extensions;
//! - with rustls: the certificate chain, the OCSP staple, and 0-RTT on a
//!   resumed session; with the system OpenSSL: client-initiated renegotiation.
//!
//! Every read is bounded (record size, flight size, connections) and every
//! step runs under the step time limit and the overall deadline; a server
//! that stops answering ends the enumeration with errors, not a hang.

mod connect;
pub(crate) mod flight;
pub(crate) mod handshake;
pub(crate) mod hello;
#[cfg(feature = "client-renegotiation")]
mod reneg;

use std::time::{Duration, Instant};

use base64::Engine as _;
use indaba_model::tls::{
    CertificateChain, ChainSource, CipherPreference, CipherSuite, ClientRenegotiation, Compression,
    DhParams, KeyExchange, NamedGroup, OcspStaple, Probed, SignatureAlgorithm, SignatureOutcome,
    SignatureProbe, TlsScan, TlsVersion, VersionResult, VersionSupport, ZeroRtt,
};
use tls_parser::TlsCipherKx;
use tokio::io::AsyncWriteExt;

pub use connect::{Connector, Direct, MAX_SMTP_LINE, MAX_SMTP_LINES, SmtpStarttls};
use flight::{Flight, NoHello, Until};
use hello::ClientHello;

/// Limits and options of one enumeration.
#[derive(Debug, Clone)]
pub struct TlsProbeSettings {
    /// The name sent as SNI (and as the HTTP Host of the 0-RTT request).
    pub server_name: Option<String>,
    /// Time limit of one connection: connect (and SMTP), ClientHello, answer.
    pub step_timeout: Duration,
    /// Largest first flight read from the server, in bytes.
    pub max_flight_bytes: usize,
    /// Most connections one enumeration makes.
    pub max_connections: u32,
    /// Handshakes in a row without an answer after which the server is
    /// taken to have stopped answering.
    pub max_silent_handshakes: u32,
    /// Client-initiated renegotiations to try (0 to skip the test).
    pub renegotiation_attempts: u32,
    /// Whether to test 0-RTT with an HTTP request (web only).
    pub zero_rtt_http: bool,
    /// How long to wait for session tickets and the answer to early data.
    pub linger: Duration,
}

impl Default for TlsProbeSettings {
    fn default() -> Self {
        TlsProbeSettings {
            server_name: None,
            step_timeout: Duration::from_secs(8),
            max_flight_bytes: 256 * 1024,
            max_connections: 400,
            max_silent_handshakes: 2,
            renegotiation_attempts: 11,
            zero_rtt_http: false,
            linger: Duration::from_secs(2),
        }
    }
}

/// Enumerates the TLS of the server `connector` reaches, finishing by `deadline`.
pub async fn enumerate<C: Connector>(
    connector: &C,
    settings: &TlsProbeSettings,
    deadline: Instant,
) -> TlsScan {
    let started = Instant::now();
    let address = connector.address().to_string();
    let mut ctx = Ctx {
        connector,
        settings,
        deadline,
        connections: 0,
        silent: 0,
        stopped: None,
        errors: Vec::new(),
    };

    // Reachability first: one plain connection, so an unreachable server
    // gives one clear failure instead of a page of errors.
    ctx.connections += 1;
    match connector.connect(ctx.step_limit()).await {
        Ok(stream) => drop(stream),
        Err(failure) => {
            let mut scan = TlsScan::unreachable(
                address,
                settings.server_name.clone(),
                connector.transport(),
                failure,
            );
            scan.elapsed_ms = elapsed_ms(started);
            return scan;
        }
    }

    let mut versions = Vec::new();
    for version in [
        TlsVersion::Tls13,
        TlsVersion::Tls12,
        TlsVersion::Tls11,
        TlsVersion::Tls10,
        TlsVersion::Ssl3,
    ] {
        versions.push(ctx.probe_version(version).await);
    }
    versions.sort_by_key(|v| v.version);
    let accepted = |v: TlsVersion| {
        versions
            .iter()
            .find(|r| r.version == v && r.support == VersionSupport::Accepted)
    };
    let legacy = [
        TlsVersion::Tls12,
        TlsVersion::Tls11,
        TlsVersion::Tls10,
        TlsVersion::Ssl3,
    ]
    .into_iter()
    .find_map(accepted);
    let tls12 = accepted(TlsVersion::Tls12);
    let tls13 = accepted(TlsVersion::Tls13);

    let key_exchange = KeyExchange {
        ecdhe_groups: ctx.ecdhe_groups(legacy).await,
        tls13_groups: ctx.tls13_groups(tls13).await,
        dhe: ctx.dhe(legacy).await,
    };
    let kex_hash_sha1 = ctx.kex_hash(tls12, &hello::SHA1_SIGNATURE_ALGORITHMS).await;
    let kex_hash_sha224 = ctx
        .kex_hash(tls12, &hello::SHA224_SIGNATURE_ALGORITHMS)
        .await;
    let compression = ctx.compression(legacy).await;
    let (certificates, ocsp_staple, zero_rtt) = ctx.complete_handshakes(legacy, tls13).await;
    let client_renegotiation = ctx.client_renegotiation(legacy).await;

    let mut errors = ctx.errors;
    if let Some(reason) = ctx.stopped {
        errors.push(format!("enumeration stopped: {reason}"));
    }
    TlsScan {
        address,
        server_name: settings.server_name.clone(),
        transport: connector.transport(),
        elapsed_ms: elapsed_ms(started),
        connections: ctx.connections,
        connect_error: None,
        versions,
        key_exchange,
        kex_hash_sha1,
        kex_hash_sha224,
        compression,
        client_renegotiation,
        zero_rtt,
        ocsp_staple,
        certificates,
        errors,
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Most suites enumerated per version (IANA lists about 350).
const MAX_SUITE_ROUNDS: usize = 400;
/// Most groups enumerated per method.
const MAX_GROUP_ROUNDS: usize = 64;
/// Most problems kept in the observation.
const MAX_ERRORS: usize = 20;

/// The outcome of one ClientHello.
enum Exchange {
    /// A ServerHello came (the flight may carry a later error).
    Hello(flight::ServerHello, Flight),
    /// The server refused: alert, close, reset.
    Refused(String),
    /// No usable answer.
    Failed(String),
}

struct Ctx<'a, C> {
    connector: &'a C,
    settings: &'a TlsProbeSettings,
    deadline: Instant,
    connections: u32,
    silent: u32,
    stopped: Option<String>,
    errors: Vec<String>,
}

impl<C: Connector> Ctx<'_, C> {
    fn step_limit(&self) -> Duration {
        self.settings
            .step_timeout
            .min(self.deadline.saturating_duration_since(Instant::now()))
    }

    fn note(&mut self, error: String) {
        if self.errors.len() < MAX_ERRORS && !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    fn sni(&self) -> Option<String> {
        self.settings.server_name.clone()
    }

    /// Opens a connection, unless a limit says stop.
    async fn open(&mut self) -> Result<tokio::net::TcpStream, String> {
        if let Some(reason) = &self.stopped {
            return Err(format!("not tried: {reason}"));
        }
        if Instant::now() >= self.deadline {
            self.stopped = Some("the time limit ran out".into());
            return Err("not tried: the time limit ran out".into());
        }
        if self.connections >= self.settings.max_connections {
            self.stopped = Some(format!(
                "the limit of {} connections was reached",
                self.settings.max_connections
            ));
            return Err("not tried: the connection limit was reached".into());
        }
        self.connections += 1;
        match self.connector.connect(self.step_limit()).await {
            Ok(stream) => Ok(stream),
            Err(failure) => {
                if failure.kind == indaba_model::tls::ConnectFailureKind::Timeout {
                    self.silence();
                }
                Err(failure.reason)
            }
        }
    }

    fn silence(&mut self) {
        self.silent += 1;
        if self.silent >= self.settings.max_silent_handshakes && self.stopped.is_none() {
            self.stopped = Some(format!(
                "the server stopped answering ({} attempts in a row without an answer)",
                self.silent
            ));
        }
    }

    /// Sends one ClientHello on a new connection and reads the answer.
    async fn exchange(&mut self, hello: &ClientHello, until: Until) -> Exchange {
        let mut stream = match self.open().await {
            Ok(s) => s,
            Err(e) => return Exchange::Failed(e),
        };
        let step_deadline = Instant::now() + self.step_limit();
        let record = hello.to_record();
        match tokio::time::timeout(self.step_limit(), stream.write_all(&record)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Exchange::Refused(format!("network error: {e}")),
            Err(_) => {
                self.silence();
                return Exchange::Failed("the ClientHello could not be sent in time".into());
            }
        }
        let answer = flight::read_flight(
            &mut stream,
            until,
            step_deadline,
            self.settings.max_flight_bytes,
        )
        .await;
        match answer {
            Ok(mut flight) => {
                self.silent = 0;
                if let Some(e) = &flight.error {
                    self.note(e.clone());
                }
                match flight.hello.take() {
                    Some(h) => Exchange::Hello(h, flight),
                    None => Exchange::Failed("no ServerHello".into()),
                }
            }
            Err(NoHello::Timeout) => {
                self.silence();
                Exchange::Failed(NoHello::Timeout.to_string())
            }
            Err(e @ (NoHello::Alert { .. } | NoHello::Closed | NoHello::Io(_))) => {
                self.silent = 0;
                Exchange::Refused(e.to_string())
            }
            Err(e @ (NoHello::Malformed(_) | NoHello::TooLarge(_))) => {
                self.silent = 0;
                let e = e.to_string();
                self.note(e.clone());
                Exchange::Failed(e)
            }
        }
    }

    async fn probe_version(&mut self, version: TlsVersion) -> VersionResult {
        let mut offered = if version == TlsVersion::Tls13 {
            hello::TLS13_SUITES.to_vec()
        } else {
            hello::legacy_suites()
        };
        let legacy = version != TlsVersion::Tls13;
        let mut result = VersionResult {
            version,
            support: VersionSupport::Refused {
                detail: "not tried".into(),
            },
            cipher_suites: Vec::new(),
            preference: CipherPreference::Undetermined,
            secure_renegotiation: None,
            extended_master_secret: None,
            incomplete: None,
        };
        let mut chosen: Vec<u16> = Vec::new();
        for _ in 0..MAX_SUITE_ROUNDS {
            if offered.is_empty() {
                break;
            }
            let hello = ClientHello::new(version.wire(), offered.clone(), self.sni());
            match self.exchange(&hello, Until::Hello).await {
                Exchange::Hello(sh, _) => {
                    if sh.version != version.wire() {
                        let answered = TlsVersion::from_wire(sh.version)
                            .map(|v| v.name().to_string())
                            .unwrap_or_else(|| format!("version 0x{:04x}", sh.version));
                        if chosen.is_empty() {
                            result.support = VersionSupport::Refused {
                                detail: format!("the server answered with {answered}"),
                            };
                        } else {
                            result.incomplete =
                                Some(format!("the server switched to {answered} mid-way"));
                        }
                        break;
                    }
                    if chosen.is_empty() {
                        result.support = VersionSupport::Accepted;
                        // tls-parser reads no extensions of an SSL 3.0
                        // ServerHello, so those stay unknown there.
                        if legacy && version != TlsVersion::Ssl3 {
                            result.secure_renegotiation =
                                Some(sh.has(hello::ext::RENEGOTIATION_INFO));
                            result.extended_master_secret =
                                Some(sh.has(hello::ext::EXTENDED_MASTER_SECRET));
                        }
                    }
                    if !offered.contains(&sh.cipher) {
                        result.incomplete = Some(format!(
                            "the server chose {}, which was not offered",
                            hello::suite_name(sh.cipher)
                        ));
                        break;
                    }
                    chosen.push(sh.cipher);
                    offered.retain(|s| *s != sh.cipher);
                }
                Exchange::Refused(detail) => {
                    if chosen.is_empty() {
                        result.support = VersionSupport::Refused { detail };
                    }
                    break;
                }
                Exchange::Failed(reason) => {
                    if chosen.is_empty() {
                        result.support = VersionSupport::Error { reason };
                    } else {
                        result.incomplete = Some(reason);
                    }
                    break;
                }
            }
        }
        if chosen.len() >= 2 {
            result.preference = self.preference(version, &chosen).await;
        }
        result.cipher_suites = chosen.iter().map(|id| suite(*id)).collect();
        result
    }

    /// Offers the accepted suites reversed: a server that still picks its
    /// first choice enforces its own order.
    async fn preference(&mut self, version: TlsVersion, chosen: &[u16]) -> CipherPreference {
        let Some(&first) = chosen.first() else {
            return CipherPreference::Undetermined;
        };
        let mut reversed: Vec<u16> = chosen.iter().rev().copied().collect();
        // ChaCha last, so "prioritize ChaCha" servers are not misread as
        // following the client (internet.nl tolerates that option, #461).
        reversed.sort_by_key(|s| hello::is_chacha(*s));
        if reversed.first() == Some(&first) {
            reversed = chosen.iter().rev().copied().collect();
        }
        let Some(&client_first) = reversed.first() else {
            return CipherPreference::Undetermined;
        };
        let hello = ClientHello::new(version.wire(), reversed, self.sni());
        match self.exchange(&hello, Until::Hello).await {
            Exchange::Hello(sh, _) if sh.cipher == first => CipherPreference::Server,
            Exchange::Hello(sh, _) if sh.cipher == client_first => CipherPreference::Client,
            _ => CipherPreference::Undetermined,
        }
    }

    async fn ecdhe_groups(&mut self, legacy: Option<&VersionResult>) -> Probed<Vec<NamedGroup>> {
        let Some(result) = legacy else {
            return Probed::not_tested("no version below TLS 1.3 is accepted");
        };
        let suites = suites_with_kx(result, TlsCipherKx::Ecdhe);
        if suites.is_empty() {
            return Probed::not_tested(format!(
                "no ECDHE suite is accepted with {}",
                result.version
            ));
        }
        let mut offered = hello::all_groups();
        let mut chosen = Vec::new();
        for _ in 0..MAX_GROUP_ROUNDS {
            let mut hello = ClientHello::new(result.version.wire(), suites.clone(), self.sni());
            hello.groups = offered.clone();
            match self.exchange(&hello, Until::Done).await {
                Exchange::Hello(_, flight) => {
                    let Some(ske) = flight.key_exchange else {
                        let why = flight
                            .error
                            .unwrap_or_else(|| "no ServerKeyExchange".to_string());
                        return partial(chosen, why);
                    };
                    let group = match tls_parser::parse_ecdh_params(&ske) {
                        Ok((
                            _,
                            tls_parser::ServerECDHParams {
                                curve_params:
                                    tls_parser::ECParameters {
                                        params_content:
                                            tls_parser::ECParametersContent::NamedGroup(g),
                                        ..
                                    },
                                ..
                            },
                        )) => g.0,
                        Ok(_) => return partial(chosen, "explicit curve parameters".into()),
                        Err(e) => {
                            return partial(
                                chosen,
                                format!("the ServerKeyExchange does not parse: {e:?}"),
                            );
                        }
                    };
                    if !offered.contains(&group) {
                        return partial(
                            chosen,
                            format!(
                                "the server used {}, which was not offered",
                                hello::group_name(group)
                            ),
                        );
                    }
                    chosen.push(group);
                    offered.retain(|g| *g != group);
                    if offered.is_empty() {
                        break;
                    }
                }
                Exchange::Refused(_) => break,
                Exchange::Failed(e) => return partial(chosen, e),
            }
        }
        Probed::Seen {
            value: chosen.into_iter().map(group).collect(),
        }
    }

    async fn tls13_groups(&mut self, tls13: Option<&VersionResult>) -> Probed<Vec<NamedGroup>> {
        if tls13.is_none() {
            return Probed::not_tested("TLS 1.3 is not accepted");
        }
        let mut offered = hello::all_groups();
        let mut chosen = Vec::new();
        for _ in 0..MAX_GROUP_ROUNDS {
            let mut hello = ClientHello::new(
                TlsVersion::Tls13.wire(),
                hello::TLS13_SUITES.to_vec(),
                self.sni(),
            );
            hello.groups = offered.clone();
            // No key share: the server must name its group in a HelloRetryRequest.
            hello.key_shares = Vec::new();
            match self.exchange(&hello, Until::Hello).await {
                Exchange::Hello(sh, _) => {
                    let Some(group) = sh.key_share_group() else {
                        return partial(chosen, "a TLS 1.3 answer without key_share".into());
                    };
                    if !offered.contains(&group) {
                        return partial(
                            chosen,
                            format!(
                                "the server chose {}, which was not offered",
                                hello::group_name(group)
                            ),
                        );
                    }
                    chosen.push(group);
                    offered.retain(|g| *g != group);
                    if offered.is_empty() {
                        break;
                    }
                }
                Exchange::Refused(_) => break,
                Exchange::Failed(e) => return partial(chosen, e),
            }
        }
        Probed::Seen {
            value: chosen.into_iter().map(group).collect(),
        }
    }

    async fn dhe(&mut self, legacy: Option<&VersionResult>) -> Probed<DhParams> {
        let Some(result) = legacy else {
            return Probed::not_tested("no version below TLS 1.3 is accepted");
        };
        let suites = suites_with_kx(result, TlsCipherKx::Dhe);
        if suites.is_empty() {
            return Probed::not_tested(format!("no DHE suite is accepted with {}", result.version));
        }
        let hello = ClientHello::new(result.version.wire(), suites, self.sni());
        match self.exchange(&hello, Until::Done).await {
            Exchange::Hello(sh, flight) => {
                let Some(ske) = flight.key_exchange else {
                    return Probed::error(
                        flight
                            .error
                            .unwrap_or_else(|| "no ServerKeyExchange".into()),
                    );
                };
                match tls_parser::parse_dh_params(&ske) {
                    Ok((_, p)) => {
                        let prime = strip_zeros(p.dh_p);
                        Probed::Seen {
                            value: DhParams {
                                version: result.version,
                                suite: suite(sh.cipher),
                                bits: bit_length(prime),
                                prime: hex(prime),
                                generator: hex(strip_zeros(p.dh_g)),
                            },
                        }
                    }
                    Err(e) => Probed::error(format!("the ServerKeyExchange does not parse: {e:?}")),
                }
            }
            Exchange::Refused(e) => {
                Probed::error(format!("the server refused its own DHE suites: {e}"))
            }
            Exchange::Failed(e) => Probed::error(e),
        }
    }

    async fn kex_hash(
        &mut self,
        tls12: Option<&VersionResult>,
        algorithms: &[u16],
    ) -> Probed<SignatureProbe> {
        let Some(result) = tls12 else {
            return Probed::not_tested("TLS 1.2 is not accepted");
        };
        let mut suites = suites_with_kx(result, TlsCipherKx::Ecdhe);
        suites.extend(suites_with_kx(result, TlsCipherKx::Dhe));
        if suites.is_empty() {
            return Probed::not_tested(
                "no ECDHE or DHE suite is accepted with TLS 1.2, so no key exchange is signed",
            );
        }
        let offered: Vec<SignatureAlgorithm> = algorithms.iter().map(|a| signature(*a)).collect();
        let mut hello = ClientHello::new(TlsVersion::Tls12.wire(), suites, self.sni());
        hello.signature_algorithms = algorithms.to_vec();
        let outcome = match self.exchange(&hello, Until::Done).await {
            Exchange::Hello(sh, flight) => {
                let Some(ske) = flight.key_exchange else {
                    return Probed::error(
                        flight
                            .error
                            .unwrap_or_else(|| "no ServerKeyExchange".into()),
                    );
                };
                match signature_of(&ske, hello::kx(sh.cipher)) {
                    Ok(used) if algorithms.contains(&used) => SignatureOutcome::Accepted {
                        algorithm: signature(used),
                    },
                    Ok(used) => SignatureOutcome::OtherUsed {
                        algorithm: signature(used),
                    },
                    Err(e) => return Probed::error(e),
                }
            }
            Exchange::Refused(detail) => SignatureOutcome::Refused { detail },
            Exchange::Failed(e) => return Probed::error(e),
        };
        Probed::Seen {
            value: SignatureProbe { offered, outcome },
        }
    }

    async fn compression(&mut self, legacy: Option<&VersionResult>) -> Probed<Compression> {
        let Some(result) = legacy else {
            return Probed::not_tested(
                "no version below TLS 1.3 is accepted (TLS 1.3 has no compression)",
            );
        };
        let suites: Vec<u16> = result.cipher_suites.iter().map(|s| s.id).collect();
        let mut hello = ClientHello::new(result.version.wire(), suites, self.sni());
        hello.compression = vec![1, 0];
        match self.exchange(&hello, Until::Hello).await {
            Exchange::Hello(sh, _) => Probed::Seen {
                value: Compression {
                    version: result.version,
                    method: sh.compression,
                },
            },
            Exchange::Refused(e) => Probed::error(format!(
                "the server refused a ClientHello that offered DEFLATE: {e}"
            )),
            Exchange::Failed(e) => Probed::error(e),
        }
    }

    /// The certificate chain and OCSP staple (rustls, else the clear-text
    /// flight of TLS 1.2 and below) and 0-RTT.
    async fn complete_handshakes(
        &mut self,
        legacy: Option<&VersionResult>,
        tls13: Option<&VersionResult>,
    ) -> (
        Probed<CertificateChain>,
        Probed<OcspStaple>,
        Probed<ZeroRtt>,
    ) {
        let b64 = |der: &[u8]| base64::engine::general_purpose::STANDARD.encode(der);
        let no_tls13 = || Probed::not_tested("TLS 1.3 is not accepted, so there is no 0-RTT");
        if legacy.is_none() && tls13.is_none() {
            let why = "no TLS version is accepted";
            return (
                Probed::not_tested(why),
                Probed::not_tested(why),
                Probed::not_tested(why),
            );
        }
        let ip = self.connector.address().ip();
        let client = match handshake::Client::new(self.settings.server_name.as_deref(), ip) {
            Ok(c) => Some(c),
            Err(e) => {
                self.note(e);
                None
            }
        };
        let mut first: Result<handshake::Done, String> = Err("not tried".into());
        if let Some(client) = &client {
            first = match self.open().await {
                Ok(stream) => {
                    let step_deadline = Instant::now() + self.step_limit();
                    client
                        .handshake(
                            stream,
                            None,
                            self.settings.linger,
                            step_deadline,
                            self.settings.max_flight_bytes,
                        )
                        .await
                }
                Err(e) => Err(e),
            };
        }
        let seen = client.as_ref().and_then(|c| c.seen());
        let (mut certificates, mut ocsp) = match (&first, &seen) {
            (Ok(done), Some(seen)) => (
                Probed::Seen {
                    value: CertificateChain {
                        source: ChainSource::Handshake,
                        version: done.version.unwrap_or(TlsVersion::Tls12),
                        der: seen.chain.iter().map(|c| b64(c)).collect(),
                    },
                },
                Probed::Seen {
                    value: OcspStaple {
                        der: (!seen.ocsp.is_empty()).then(|| b64(&seen.ocsp)),
                    },
                },
            ),
            (Err(e), _) => {
                let e = format!("no complete handshake: {e}");
                (Probed::error(e.clone()), Probed::error(e))
            }
            (Ok(_), None) => {
                let e = "the handshake showed no certificate".to_string();
                (Probed::error(e.clone()), Probed::error(e))
            }
        };
        if certificates.seen().is_none()
            && let Some(result) = legacy
        {
            // rustls speaks only TLS 1.2 and 1.3 with AEAD suites: read the
            // clear-text Certificate of an older handshake instead.
            let suites: Vec<u16> = result.cipher_suites.iter().map(|s| s.id).collect();
            let hello = ClientHello::new(result.version.wire(), suites, self.sni());
            if let Exchange::Hello(_, flight) = self.exchange(&hello, Until::Done).await
                && let Some(chain) = flight.certificates
            {
                certificates = Probed::Seen {
                    value: CertificateChain {
                        source: ChainSource::ServerFlight,
                        version: result.version,
                        der: chain.iter().map(|c| b64(c)).collect(),
                    },
                };
                ocsp = Probed::Seen {
                    value: OcspStaple {
                        der: flight.ocsp.as_deref().map(b64),
                    },
                };
            }
        }

        let zero_rtt = if tls13.is_none() {
            no_tls13()
        } else if !self.settings.zero_rtt_http {
            Probed::not_tested("0-RTT is tested for web servers only")
        } else {
            match (&client, &first) {
                (Some(client), Ok(done)) if done.version == Some(TlsVersion::Tls13) => {
                    self.zero_rtt(client).await
                }
                (_, Err(e)) => Probed::error(format!("no TLS 1.3 session to resume: {e}")),
                _ => Probed::error("no TLS 1.3 session to resume"),
            }
        };
        (certificates, ocsp, zero_rtt)
    }

    async fn zero_rtt(&mut self, client: &handshake::Client) -> Probed<ZeroRtt> {
        let (tickets, max_early) = client.tickets();
        if tickets == 0 {
            return Probed::Seen {
                value: ZeroRtt {
                    ticket_allows_early_data: false,
                    early_data_accepted: false,
                    http_status: None,
                    detail: "the server sent no session ticket, so nothing can be resumed".into(),
                },
            };
        }
        if max_early == 0 {
            return Probed::Seen {
                value: ZeroRtt {
                    ticket_allows_early_data: false,
                    early_data_accepted: false,
                    http_status: None,
                    detail: "the server's session tickets do not allow early data".into(),
                },
            };
        }
        let host = self
            .settings
            .server_name
            .clone()
            .unwrap_or_else(|| self.connector.address().ip().to_string());
        let request = format!(
            "GET / HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nConnection: close\r\n\r\n",
            host.trim_end_matches('.'),
            crate::http::USER_AGENT
        );
        let stream = match self.open().await {
            Ok(s) => s,
            Err(e) => return Probed::error(e),
        };
        let step_deadline = Instant::now() + self.step_limit();
        match client
            .handshake(
                stream,
                Some(request.as_bytes()),
                self.settings.linger,
                step_deadline,
                self.settings.max_flight_bytes,
            )
            .await
        {
            Ok(done) => {
                let http_status = http_status(&done.data);
                let detail = match (done.early_data_sent, done.early_data_accepted, http_status) {
                    (false, _, _) => "the resumed session did not allow early data".to_string(),
                    (true, false, _) => "the server refused the early data".to_string(),
                    (true, true, Some(s)) => {
                        format!("the server accepted the early data and answered HTTP {s}")
                    }
                    (true, true, None) => {
                        "the server accepted the early data (no HTTP answer seen)".to_string()
                    }
                };
                Probed::Seen {
                    value: ZeroRtt {
                        ticket_allows_early_data: true,
                        early_data_accepted: done.early_data_accepted,
                        http_status,
                        detail,
                    },
                }
            }
            Err(e) => Probed::error(format!("the resumed handshake failed: {e}")),
        }
    }

    async fn client_renegotiation(
        &mut self,
        legacy: Option<&VersionResult>,
    ) -> Probed<ClientRenegotiation> {
        if self.settings.renegotiation_attempts == 0 {
            return Probed::not_tested("switched off in the settings");
        }
        let Some(result) = legacy else {
            return Probed::not_tested(
                "no version below TLS 1.3 is accepted (TLS 1.3 has no renegotiation)",
            );
        };
        if result.version == TlsVersion::Ssl3 {
            return Probed::not_tested(
                "only SSL 3.0 is accepted below TLS 1.3, which the system OpenSSL cannot speak",
            );
        }
        self.renegotiate(result.version).await
    }

    #[cfg(not(feature = "client-renegotiation"))]
    async fn renegotiate(&mut self, _version: TlsVersion) -> Probed<ClientRenegotiation> {
        Probed::not_tested(
            "this build of Indaba has no OpenSSL to renegotiate with (build it with \
             --features client-renegotiation)",
        )
    }

    #[cfg(feature = "client-renegotiation")]
    async fn renegotiate(&mut self, version: TlsVersion) -> Probed<ClientRenegotiation> {
        let stream = match self.open().await {
            Ok(s) => s,
            Err(e) => return Probed::error(e),
        };
        let std_stream = match stream
            .into_std()
            .and_then(|s| s.set_nonblocking(false).map(|()| s))
        {
            Ok(s) => s,
            Err(e) => return Probed::error(format!("socket: {e}")),
        };
        let name = self.settings.server_name.clone();
        let attempts = self.settings.renegotiation_attempts;
        let deadline = Instant::now() + self.step_limit();
        let task = tokio::task::spawn_blocking(move || {
            reneg::try_renegotiation(std_stream, version, name.as_deref(), attempts, deadline)
        });
        match task.await {
            Ok(Ok(value)) => Probed::Seen { value },
            Ok(Err(e)) => Probed::error(e),
            Err(e) => Probed::error(format!("the renegotiation test stopped: {e}")),
        }
    }
}

fn partial<T>(chosen: Vec<u16>, why: String) -> Probed<T> {
    if chosen.is_empty() {
        Probed::error(why)
    } else {
        Probed::error(format!(
            "{why} (after {})",
            chosen
                .iter()
                .map(|g| hello::group_name(*g))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

fn suites_with_kx(result: &VersionResult, kx: TlsCipherKx) -> Vec<u16> {
    result
        .cipher_suites
        .iter()
        .map(|s| s.id)
        .filter(|id| hello::kx(*id) == Some(kx))
        .collect()
}

fn suite(id: u16) -> CipherSuite {
    CipherSuite {
        id,
        name: hello::suite_name(id),
    }
}

fn group(id: u16) -> NamedGroup {
    NamedGroup {
        id,
        name: hello::group_name(id),
    }
}

fn signature(id: u16) -> SignatureAlgorithm {
    SignatureAlgorithm {
        id,
        name: hello::signature_name(id),
    }
}

/// The signature algorithm of a TLS 1.2 ServerKeyExchange.
fn signature_of(ske: &[u8], kx: Option<TlsCipherKx>) -> Result<u16, String> {
    let rest = match kx {
        Some(TlsCipherKx::Ecdhe) => tls_parser::parse_ecdh_params(ske).map(|(rest, _)| rest),
        Some(TlsCipherKx::Dhe) => tls_parser::parse_dh_params(ske).map(|(rest, _)| rest),
        _ => return Err("the chosen suite has no signed key exchange".into()),
    }
    .map_err(|e| format!("the ServerKeyExchange does not parse: {e:?}"))?;
    let signed = tls_parser::parse_digitally_signed(rest)
        .map_err(|e| format!("the ServerKeyExchange signature does not parse: {e:?}"))?
        .1;
    let alg = signed
        .alg
        .ok_or_else(|| "the ServerKeyExchange names no signature algorithm".to_string())?;
    Ok(u16::from_be_bytes([alg.hash.0, alg.sign.0]))
}

/// The status code of an HTTP/1.x status line at the start of `data`.
fn http_status(data: &[u8]) -> Option<u16> {
    let line = data.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    parts.next()?.parse().ok()
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn bit_length(bytes: &[u8]) -> u32 {
    match bytes.first() {
        None => 0,
        Some(first) => {
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX / 8);
            (len - 1).saturating_mul(8) + (8 - first.leading_zeros())
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths_and_hex() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(strip_zeros(&[0, 0, 0x0f, 0xff])), 12);
        assert_eq!(hex(&[0xab, 0x01]), "ab01");
    }

    #[test]
    fn http_status_lines() {
        assert_eq!(http_status(b"HTTP/1.1 425 Too Early\r\n\r\n"), Some(425));
        assert_eq!(http_status(b"HTTP/1.0 200 ok\r\n"), Some(200));
        assert_eq!(http_status(b"SSH-2.0"), None);
        assert_eq!(http_status(b""), None);
    }

    #[test]
    fn signature_of_an_ecdhe_key_exchange() {
        // named_curve secp256r1, a 1-byte point, then rsa_pkcs1_sha1 and a 2-byte signature.
        let ske = [3, 0, 0x17, 1, 4, 0x02, 0x01, 0, 2, 0xaa, 0xbb];
        assert_eq!(signature_of(&ske, Some(TlsCipherKx::Ecdhe)), Ok(0x0201));
        assert!(signature_of(&ske[..5], Some(TlsCipherKx::Ecdhe)).is_err());
        assert!(signature_of(&ske, Some(TlsCipherKx::Rsa)).is_err());
    }
}
