//! A DNS client for scanning: one question, one server, every byte distrusted.
//!
//! We do not use hickory-resolver here, on purpose: a scanner must see the raw
//! answer (records and RRSIGs with checking disabled, the AD bit, the rcode, the
//! Extended DNS Error) rather than a resolver's conclusion, must ask a chosen
//! authoritative server directly, and must bound every read itself. Message
//! encoding and decoding are hickory-proto's.
//!
//! Defences against hostile servers: responses whose id, flags or question do
//! not match are dropped (as a stub resolver must, RFC 5452) and we keep
//! waiting until the deadline; a truncated UDP answer is retried over TCP; a
//! TCP answer is read only up to its announced length (at most 65,535 bytes);
//! UDP datagrams larger than we accept are refused; every wait has a deadline.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hickory_proto::op::{Edns, Message, MessageType, Query, ResponseCode};
use hickory_proto::rr::rdata::opt::{EdnsCode, EdnsOption};
use hickory_proto::rr::{Name, RecordType};
use indaba_model::observation::{
    DnsExchange, DnsFailure, DnsOutcome, DnsQuestion, DnsResponse, QueryMode,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

/// EDNS buffer size we advertise (the DNS Flag Day 2020 value).
pub const EDNS_PAYLOAD: u16 = 1232;
/// Largest UDP datagram we accept. Servers may exceed our advertised size in
/// practice; beyond this we call it oversized rather than parse it.
pub const MAX_UDP_RESPONSE: usize = 4096;
/// How long past a query's limit the backstop timer waits.
const BACKSTOP_GRACE: Duration = Duration::from_millis(200);
/// Extended DNS Error option code (RFC 8914).
const EDE_OPTION: u16 = 15;

/// Sends single DNS questions to chosen servers.
#[derive(Debug, Clone)]
pub struct DnsClient {
    /// Time allowed for one question, retries and TCP fallback included.
    pub timeout: Duration,
}

impl DnsClient {
    /// A client with the given per-question time limit.
    pub fn new(timeout: Duration) -> Self {
        DnsClient { timeout }
    }

    /// Asks `server` one question and records what happened. Never fails:
    /// every problem becomes a [`DnsOutcome::Failure`] with a reason.
    pub async fn exchange(
        &self,
        server: SocketAddr,
        question: &DnsQuestion,
        mode: QueryMode,
        deadline: Option<Instant>,
    ) -> DnsExchange {
        let started = Instant::now();
        let limit = match deadline {
            Some(d) => self.timeout.min(d.saturating_duration_since(started)),
            None => self.timeout,
        };
        let outcome = if limit.is_zero() {
            DnsOutcome::Failure {
                kind: DnsFailure::Cancelled,
                reason: "the test's time limit ran out before this query".into(),
            }
        } else {
            // The UDP path keeps its own deadline so it can say what it ignored;
            // this outer one is the backstop for everything else.
            match tokio::time::timeout(
                limit + BACKSTOP_GRACE,
                self.ask(server, question, mode, limit),
            )
            .await
            {
                Ok(Ok(response)) => DnsOutcome::Response(response),
                Ok(Err(failure)) => failure.into_outcome(),
                Err(_) => DnsOutcome::Failure {
                    kind: DnsFailure::Timeout,
                    reason: format!(
                        "no matching answer from {server} within {} ms",
                        limit.as_millis()
                    ),
                },
            }
        };
        DnsExchange {
            server: server.to_string(),
            mode,
            question: question.clone(),
            elapsed_ms: started.elapsed().as_millis() as u64,
            outcome,
        }
    }

    async fn ask(
        &self,
        server: SocketAddr,
        question: &DnsQuestion,
        mode: QueryMode,
        limit: Duration,
    ) -> Result<DnsResponse, Failure> {
        let (query, id, name, rtype) = build_query(question, mode)?;
        match ask_udp(server, &query, id, &name, rtype, limit).await? {
            Answer::Complete(msg, wire) => Ok(summarise(&msg, &wire, false)),
            Answer::Truncated => {
                let (msg, wire) = ask_tcp(server, &query, id, &name, rtype).await?;
                Ok(summarise(&msg, &wire, true))
            }
        }
    }
}

async fn ask_udp(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    name: &Name,
    rtype: RecordType,
    limit: Duration,
) -> Result<Answer, Failure> {
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0"
            .parse()
            .map_err(|_| Failure::local("bad bind address"))?
    } else {
        "[::]:0"
            .parse()
            .map_err(|_| Failure::local("bad bind address"))?
    };
    let socket = UdpSocket::bind(bind).await.map_err(Failure::unreachable)?;
    socket.connect(server).await.map_err(Failure::unreachable)?;
    let started = tokio::time::Instant::now();
    let deadline = started + limit;
    // One resend halfway through the time limit, for a lost datagram.
    let mut resend_at = Some(started + limit / 2);
    socket.send(query).await.map_err(Failure::unreachable)?;
    let mut ignored: Option<String> = None;
    loop {
        let wake = resend_at.unwrap_or(deadline).min(deadline);
        let received = match tokio::time::timeout_at(wake, receive(&socket)).await {
            Ok(r) => r,
            Err(_) if resend_at.is_some() && wake < deadline => {
                socket.send(query).await.map_err(Failure::unreachable)?;
                resend_at = None;
                continue;
            }
            Err(_) => {
                return Err(Failure {
                    kind: DnsFailure::Timeout,
                    reason: match ignored {
                        Some(why) => format!(
                            "no matching answer from {server} within {} ms; \
                                 ignored an answer because {why}",
                            limit.as_millis()
                        ),
                        None => format!("no answer from {server} within {} ms", limit.as_millis()),
                    },
                });
            }
        };
        let wire = received.map_err(Failure::unreachable)?;
        let len = wire.len();
        if len > MAX_UDP_RESPONSE {
            return Err(Failure {
                kind: DnsFailure::Oversized,
                reason: format!(
                    "a {len}-byte UDP answer, more than the {MAX_UDP_RESPONSE} bytes we accept \
                         (we advertised {EDNS_PAYLOAD})"
                ),
            });
        }
        match check_response(&wire, id, name, rtype) {
            Ok(msg) if msg.metadata.truncation => return Ok(Answer::Truncated),
            Ok(msg) => return Ok(Answer::Complete(msg, wire)),
            // A datagram that is not our answer is ignored: it may be spoofed.
            Err(reason) => {
                tracing::debug!(%server, %reason, "ignored a UDP datagram");
                ignored = Some(reason);
            }
        }
    }
}

/// Receives one datagram, whole. The buffer has room for the largest
/// datagram (an oversized answer is reported with its size) but exists only
/// while a datagram is read, not while the query waits: a worker has
/// hundreds of queries waiting at once, and 64 KiB each was most of its
/// memory.
async fn receive(socket: &UdpSocket) -> std::io::Result<Vec<u8>> {
    loop {
        socket.readable().await?;
        let mut buf = vec![0u8; 65_535];
        match socket.try_recv(&mut buf) {
            Ok(len) => return Ok(buf[..len].to_vec()),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
}

/// What one UDP exchange produced.
enum Answer {
    Complete(Message, Vec<u8>),
    Truncated,
}

/// A failed exchange, before it becomes an observation.
#[derive(Debug)]
struct Failure {
    kind: DnsFailure,
    reason: String,
}

impl Failure {
    fn unreachable(e: std::io::Error) -> Self {
        Failure {
            kind: DnsFailure::Unreachable,
            reason: format!("could not reach the server: {e}"),
        }
    }
    fn malformed(reason: impl Into<String>) -> Self {
        Failure {
            kind: DnsFailure::Malformed,
            reason: reason.into(),
        }
    }
    fn local(reason: &str) -> Self {
        Failure::malformed(format!("internal: {reason}"))
    }
    fn into_outcome(self) -> DnsOutcome {
        DnsOutcome::Failure {
            kind: self.kind,
            reason: self.reason,
        }
    }
}

fn build_query(
    question: &DnsQuestion,
    mode: QueryMode,
) -> Result<(Vec<u8>, u16, Name, RecordType), Failure> {
    let name = Name::from_ascii(&question.name)
        .map_err(|e| Failure::malformed(format!("not a DNS name {:?}: {e}", question.name)))?;
    let rtype = RecordType::from_str(&question.rtype)
        .map_err(|_| Failure::malformed(format!("unknown record type {}", question.rtype)))?;
    let mut msg = Message::query();
    let id = msg.metadata.id;
    msg.metadata.recursion_desired = mode != QueryMode::Direct;
    msg.metadata.checking_disabled = mode != QueryMode::Validated;
    msg.add_query(Query::query(name.clone(), rtype));
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    edns.set_dnssec_ok(true);
    msg.set_edns(edns);
    let wire = msg
        .to_vec()
        .map_err(|e| Failure::malformed(format!("could not encode the query: {e}")))?;
    Ok((wire, id, name, rtype))
}

/// Parses a response and checks it answers our question.
fn check_response(wire: &[u8], id: u16, name: &Name, rtype: RecordType) -> Result<Message, String> {
    let msg =
        Message::from_vec(wire).map_err(|e| format!("the answer could not be parsed: {e}"))?;
    if msg.metadata.id != id {
        return Err(format!(
            "the answer has id {} but the query had id {id}",
            msg.metadata.id
        ));
    }
    if msg.metadata.message_type != MessageType::Response {
        return Err("the message is a query, not a response".into());
    }
    // A server may omit the question only in some error answers; we require it.
    match msg.queries.first() {
        Some(q) if q.name() == name && q.query_type() == rtype && msg.queries.len() == 1 => Ok(msg),
        Some(q) => Err(format!(
            "the answer is for {} {} instead of {name} {rtype}",
            q.name(),
            q.query_type()
        )),
        None => Err("the answer carries no question section".into()),
    }
}

async fn ask_tcp(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    name: &Name,
    rtype: RecordType,
) -> Result<(Message, Vec<u8>), Failure> {
    let mut stream = TcpStream::connect(server)
        .await
        .map_err(Failure::unreachable)?;
    let len = u16::try_from(query.len()).map_err(|_| Failure::local("query too long"))?;
    let mut framed = Vec::with_capacity(query.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(query);
    stream
        .write_all(&framed)
        .await
        .map_err(Failure::unreachable)?;
    let mut len_buf = [0u8; 2];
    stream.read_exact(&mut len_buf).await.map_err(|e| {
        Failure::malformed(format!("the TCP answer ended before its length field: {e}"))
    })?;
    let len = usize::from(u16::from_be_bytes(len_buf));
    let mut wire = vec![0u8; len];
    stream.read_exact(&mut wire).await.map_err(|e| {
        Failure::malformed(format!(
            "the TCP answer announced {len} bytes but ended early: {e}"
        ))
    })?;
    let msg = check_response(&wire, id, name, rtype).map_err(Failure::malformed)?;
    Ok((msg, wire))
}

fn summarise(msg: &Message, wire: &[u8], tcp: bool) -> DnsResponse {
    DnsResponse {
        rcode: rcode_mnemonic(msg.metadata.response_code),
        authenticated: msg.metadata.authentic_data,
        authoritative: msg.metadata.authoritative,
        tcp,
        answer: msg.answers.iter().map(|r| r.to_string()).collect(),
        authority: msg.authorities.iter().map(|r| r.to_string()).collect(),
        extended_error: extended_error(msg),
        wire: base64::engine::general_purpose::STANDARD.encode(wire),
        parsed: Default::default(),
    }
}

/// The standard mnemonic of a response code (RFC 6895 §2.3).
fn rcode_mnemonic(code: ResponseCode) -> String {
    match u16::from(code) {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        n => format!("RCODE{n}"),
    }
}

/// The Extended DNS Error (RFC 8914) of a response, as "code: text".
fn extended_error(msg: &Message) -> Option<String> {
    let edns = msg.edns.as_ref()?;
    let opt = edns.options().get(EdnsCode::from(EDE_OPTION))?;
    let EdnsOption::Unknown(_, data) = opt else {
        return None;
    };
    let code = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
    let text = String::from_utf8_lossy(data.get(2..).unwrap_or_default());
    Some(if text.is_empty() {
        format!("{code} ({})", ede_name(code))
    } else {
        format!("{code} ({}): {text}", ede_name(code))
    })
}

/// Names of the Extended DNS Error codes (RFC 8914 §4).
fn ede_name(code: u16) -> &'static str {
    match code {
        0 => "Other",
        1 => "Unsupported DNSKEY Algorithm",
        2 => "Unsupported DS Digest Type",
        3 => "Stale Answer",
        4 => "Forged Answer",
        5 => "DNSSEC Indeterminate",
        6 => "DNSSEC Bogus",
        7 => "Signature Expired",
        8 => "Signature Not Yet Valid",
        9 => "DNSKEY Missing",
        10 => "RRSIGs Missing",
        11 => "No Zone Key Bit Set",
        12 => "NSEC Missing",
        13 => "Cached Error",
        14 => "Not Ready",
        15 => "Blocked",
        16 => "Censored",
        17 => "Filtered",
        18 => "Prohibited",
        19 => "Stale NXDOMAIN Answer",
        20 => "Not Authoritative",
        21 => "Not Supported",
        22 => "No Reachable Authority",
        23 => "Network Error",
        24 => "Invalid Data",
        _ => "unassigned",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn query_sets_flags_by_mode() {
        let q = DnsQuestion::new("example.org", "SOA");
        let (wire, id, _, _) = build_query(&q, QueryMode::Raw).unwrap();
        let msg = Message::from_vec(&wire).unwrap();
        assert_eq!(msg.metadata.id, id);
        assert!(msg.metadata.recursion_desired && msg.metadata.checking_disabled);
        assert!(msg.edns.as_ref().unwrap().flags().dnssec_ok);
        let (wire, _, _, _) = build_query(&q, QueryMode::Direct).unwrap();
        let msg = Message::from_vec(&wire).unwrap();
        assert!(!msg.metadata.recursion_desired);
        let (wire, _, _, _) = build_query(&q, QueryMode::Validated).unwrap();
        assert!(!Message::from_vec(&wire).unwrap().metadata.checking_disabled);
    }

    #[test]
    fn mismatched_answers_are_refused() {
        let q = DnsQuestion::new("example.org", "A");
        let (wire, id, name, rtype) = build_query(&q, QueryMode::Raw).unwrap();
        // Our own query is not a response.
        assert!(check_response(&wire, id, &name, rtype).is_err());
        let mut msg = Message::from_vec(&wire).unwrap();
        msg.metadata.message_type = MessageType::Response;
        let ok = msg.to_vec().unwrap();
        assert!(check_response(&ok, id, &name, rtype).is_ok());
        assert!(check_response(&ok, id.wrapping_add(1), &name, rtype).is_err());
        assert!(check_response(&ok, id, &name, RecordType::AAAA).is_err());
        assert!(check_response(&ok[..5], id, &name, rtype).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let name = Name::from_ascii("example.org.").unwrap();
            let _ = check_response(&bytes, 1, &name, RecordType::A);
        }
    }
}
