//! Observations: what the probes saw, stored with every report.
//!
//! Probes write these and never judge; checks read them and never do IO. Every
//! DNS answer is kept whole (wire format, base64) beside its presentation text,
//! so a report can be judged again under a newer policy without scanning.

use serde::{Deserialize, Serialize};

/// Everything a test observed.
///
/// A part missing from a stored report (one saved before that part was
/// observed) reads as empty, so old reports can be judged again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Observations {
    /// The recursive resolver the DNS queries went through.
    pub resolver: String,
    /// The DNSSEC trust anchor used, one record per line in zone-file form.
    pub trust_anchor: Vec<String>,
    /// Every DNS exchange, in the order made.
    pub dns: Vec<DnsExchange>,
    /// Every TCP connection attempt.
    pub tcp: Vec<TcpConnect>,
    /// Every HTTP request.
    pub http: Vec<HttpFetch>,
    /// Every TLS enumeration (one per address and port).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls: Vec<crate::tls::TlsScan>,
    /// The DKIM selectors the user asked to check (an input, kept so the
    /// report can be judged again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dkim_selectors: Vec<String>,
    /// Route origins and VRPs for the addresses tested; `None` when the
    /// routing probes did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingObservations>,
    /// Limits that cut the test short (e.g. the report time limit), as
    /// messages; reports of format 1 kept English sentences, which are read
    /// as `cut-short-text` messages.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "messages_or_sentences"
    )]
    pub cut_short: Vec<crate::Message>,
    /// Probes whose results this test took from another test of its scan
    /// instead of asking the server again (the results themselves are in
    /// the parts above, like any other).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared: Vec<SharedProbe>,
}

/// A probe result reused from another test instead of made anew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SharedProbe {
    /// What kind of probe (`tls`).
    pub kind: String,
    /// What it asked: for a TLS enumeration, `address:port`, the transport
    /// and the server name sent.
    pub target: String,
    /// Who made it.
    pub source: SharedSource,
}

/// Who made a shared probe result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SharedSource {
    /// Another test in the same worker process.
    ThisWorker,
    /// Another worker process sharing the database.
    AnotherWorker,
}

fn messages_or_sentences<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<crate::Message>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Note {
        Message(crate::Message),
        Sentence(String),
    }
    Ok(Vec::<Note>::deserialize(deserializer)?
        .into_iter()
        .map(|note| match note {
            Note::Message(m) => m,
            Note::Sentence(text) => crate::msg!("cut-short-text", text = text),
        })
        .collect())
}

/// A DNS question.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DnsQuestion {
    /// Owner name in presentation form with the trailing dot.
    pub name: String,
    /// Record type mnemonic (`A`, `AAAA`, `DNSKEY`…).
    pub rtype: String,
}

impl DnsQuestion {
    /// A question for `name` (with or without trailing dot) and `rtype`.
    pub fn new(name: &str, rtype: &str) -> Self {
        let name = if name.ends_with('.') {
            name.to_ascii_lowercase()
        } else {
            format!("{}.", name.to_ascii_lowercase())
        };
        DnsQuestion {
            name,
            rtype: rtype.to_string(),
        }
    }
}

/// How a query was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueryMode {
    /// Through the resolver with checking disabled (CD) and DNSSEC OK (DO): the
    /// raw records and signatures, for our own validation.
    Raw,
    /// Through the resolver with validation on: the resolver's own verdict (AD
    /// bit or SERVFAIL), kept as a cross-check.
    Validated,
    /// Straight to an authoritative server, without recursion.
    Direct,
}

/// One query and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DnsExchange {
    /// The server asked (`address:port`).
    pub server: String,
    /// How it was asked.
    pub mode: QueryMode,
    /// The question.
    pub question: DnsQuestion,
    /// Milliseconds from first send to the final answer or error.
    pub elapsed_ms: u64,
    /// The answer, or why there was none.
    pub outcome: DnsOutcome,
}

/// The result of a DNS query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum DnsOutcome {
    /// A well-formed response matching the question.
    Response(DnsResponse),
    /// No usable response.
    Failure {
        /// What kind of failure.
        kind: DnsFailure,
        /// A sentence for people.
        reason: String,
    },
}

/// Why a DNS query produced no usable response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DnsFailure {
    /// No answer within the time limit.
    Timeout,
    /// The server could not be reached (refused, unreachable).
    Unreachable,
    /// The response could not be parsed, or did not match the question.
    Malformed,
    /// The answer was larger than we accept.
    Oversized,
    /// The test's overall time limit ran out before the query was sent.
    Cancelled,
}

/// A parsed DNS response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DnsResponse {
    /// Response code mnemonic (`NOERROR`, `NXDOMAIN`, `SERVFAIL`…).
    pub rcode: String,
    /// The AD (authenticated data) flag.
    pub authenticated: bool,
    /// The AA (authoritative answer) flag.
    pub authoritative: bool,
    /// Whether the answer came over TCP (after a truncated UDP answer).
    pub tcp: bool,
    /// Answer section, one record per entry in presentation form.
    pub answer: Vec<String>,
    /// Authority section, likewise.
    pub authority: Vec<String>,
    /// Extended DNS Error (RFC 8914) code and text, where given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_error: Option<String>,
    /// The whole response message, DNS wire format, base64.
    pub wire: String,
    /// The decoded message, made once on first use (planning and judging
    /// read the same answers many times).
    #[serde(skip)]
    #[schemars(skip)]
    pub parsed: ParseCache,
}

/// A lazily decoded DNS message beside its stored form. Equal to every
/// other cache: two responses are equal by what was received, not by
/// whether someone has read them yet.
#[derive(Debug, Clone, Default)]
pub struct ParseCache(std::sync::OnceLock<Option<Box<hickory_proto::op::Message>>>);

impl PartialEq for ParseCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A TCP connection attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TcpConnect {
    /// `address:port` tried.
    pub address: String,
    /// Milliseconds until connected or failed.
    pub elapsed_ms: u64,
    /// `None` when connected; the reason otherwise.
    pub error: Option<String>,
}

/// An HTTP request to one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HttpFetch {
    /// The URL asked for.
    pub url: String,
    /// `address:port` the request went to.
    pub address: String,
    /// Milliseconds until the body was read or the request failed.
    pub elapsed_ms: u64,
    /// What came back.
    pub outcome: HttpOutcome,
}

/// The result of an HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum HttpOutcome {
    /// A response.
    Response(HttpResponse),
    /// No usable response.
    Failure {
        /// What kind of failure, for the checks to decide on.
        kind: HttpFailure,
        /// What went wrong in detail (the library's words), shown as data.
        reason: String,
    },
}

/// Why an HTTP request produced no usable response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HttpFailure {
    /// No complete answer within the time limit.
    Timeout,
    /// The TCP connection was refused or could not be made.
    Refused,
    /// The TLS handshake failed.
    Tls,
    /// The answer was larger than the probe accepts (a head over the limit).
    TooLarge,
    /// The answer was not valid HTTP.
    Protocol,
    /// Not asked: the test's time or connection budget ran out first.
    Cancelled,
    /// Not contacted: the address is one this instance does not test (the
    /// SSRF guard).
    Blocked,
}

/// [`HttpOutcome`] as stored: reports saved before failures had a kind
/// (format 1) carry only the library's sentence, and must still be read to
/// be judged again.
#[derive(Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
enum StoredHttpOutcome {
    Response(HttpResponse),
    Failure {
        #[serde(default)]
        kind: Option<HttpFailure>,
        reason: String,
    },
}

impl<'de> Deserialize<'de> for HttpOutcome {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StoredHttpOutcome::deserialize(deserializer).map(HttpOutcome::from)
    }
}

impl From<StoredHttpOutcome> for HttpOutcome {
    fn from(stored: StoredHttpOutcome) -> Self {
        match stored {
            StoredHttpOutcome::Response(r) => HttpOutcome::Response(r),
            StoredHttpOutcome::Failure { kind, reason } => HttpOutcome::Failure {
                kind: kind.unwrap_or_else(|| HttpFailure::of_legacy_reason(&reason)),
                reason,
            },
        }
    }
}

impl HttpFailure {
    /// The kind of a failure stored without one (format 1), from the words
    /// the HTTP library and the probe used then. Only for reading old
    /// reports: new observations carry their kind, and no check reads text.
    fn of_legacy_reason(reason: &str) -> HttpFailure {
        let reason = reason.to_lowercase();
        let said = |words: &[&str]| words.iter().any(|w| reason.contains(w));
        if said(&["timed out", "timeout", "deadline"]) {
            HttpFailure::Timeout
        } else if said(&["not tested here", "private", "blocked"]) {
            HttpFailure::Blocked
        } else if said(&["refused", "unreachable", "connect"]) {
            HttpFailure::Refused
        } else if said(&["tls", "certificate", "handshake", "ssl"]) {
            HttpFailure::Tls
        } else if said(&["too large", "too long", "limit"]) {
            HttpFailure::TooLarge
        } else if said(&["cancelled", "budget"]) {
            HttpFailure::Cancelled
        } else {
            HttpFailure::Protocol
        }
    }

    /// The word used in JSON and message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpFailure::Timeout => "timeout",
            HttpFailure::Refused => "refused",
            HttpFailure::Tls => "tls",
            HttpFailure::TooLarge => "too_large",
            HttpFailure::Protocol => "protocol",
            HttpFailure::Cancelled => "cancelled",
            HttpFailure::Blocked => "blocked",
        }
    }
}

/// Bytes as a server sent them. In JSON: a string when they are UTF-8, else
/// `{"base64": "…"}`, so nothing is lost and a non-UTF-8 security.txt or
/// header is judged on what was really sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Octets(pub Vec<u8>);

impl Octets {
    /// The bytes as text, when they are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The bytes as text, invalid sequences replaced (for showing only).
    pub fn lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Octets {
    fn from(value: &str) -> Self {
        Octets(value.as_bytes().to_vec())
    }
}

impl From<Vec<u8>> for Octets {
    fn from(value: Vec<u8>) -> Self {
        Octets(value)
    }
}

impl Serialize for Octets {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        match std::str::from_utf8(&self.0) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(
                    "base64",
                    &base64::engine::general_purpose::STANDARD.encode(&self.0),
                )?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Octets {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Encoded { base64: String },
        }
        match Form::deserialize(deserializer)? {
            Form::Text(text) => Ok(Octets(text.into_bytes())),
            Form::Encoded { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map(Octets)
                .map_err(serde::de::Error::custom),
        }
    }
}

impl schemars::JsonSchema for Octets {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Octets".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Bytes: a string when UTF-8, else {\"base64\": \"...\"}.",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "required": ["base64"], "properties": {"base64": {"type": "string"}}}
            ]
        })
    }
}

/// An HTTP response, with the body cut at the probe's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header fields in the order received (names lower case, values as
    /// sent).
    pub headers: Vec<(String, Octets)>,
    /// The body as sent, cut at the limit.
    pub body: Octets,
    /// Bytes of body read.
    pub body_bytes: u64,
    /// True when the body was longer than the limit and was cut.
    pub body_truncated: bool,
    /// Over HTTPS: the certificates the server presented, leaf first, DER in
    /// base64 (not verified during the fetch; the checks judge them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peer_certificates: Vec<String>,
}

impl HttpResponse {
    /// The first value of the header `name` (given in lower case), when it
    /// is UTF-8 text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_bytes(name).and_then(Octets::as_str)
    }

    /// The first value of the header `name` (given in lower case), as sent.
    pub fn header_bytes(&self, name: &str) -> Option<&Octets> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Every header with its value as text (invalid UTF-8 replaced): for
    /// the header checks, which judge text.
    pub fn headers_text(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.clone(), v.lossy().into_owned()))
            .collect()
    }
}

impl Observations {
    /// The exchanges for a question asked in a mode, newest last.
    pub fn dns_for<'a>(
        &'a self,
        question: &DnsQuestion,
        mode: QueryMode,
    ) -> impl Iterator<Item = &'a DnsExchange> + 'a {
        let question = question.clone();
        self.dns
            .iter()
            .filter(move |e| e.mode == mode && e.question == question)
    }
}

impl DnsExchange {
    /// The response, when there was one.
    pub fn response(&self) -> Option<&DnsResponse> {
        match &self.outcome {
            DnsOutcome::Response(r) => Some(r),
            DnsOutcome::Failure { .. } => None,
        }
    }

    /// Why there was no response, when there was none.
    pub fn failure(&self) -> Option<&str> {
        match &self.outcome {
            DnsOutcome::Response(_) => None,
            DnsOutcome::Failure { reason, .. } => Some(reason),
        }
    }
}

impl DnsResponse {
    /// Decodes the stored wire message. `None` only if the stored bytes were
    /// altered since the probe parsed them.
    pub fn message(&self) -> Option<hickory_proto::op::Message> {
        self.parsed().cloned()
    }

    /// The decoded message, decoded once and kept.
    pub fn parsed(&self) -> Option<&hickory_proto::op::Message> {
        self.parsed
            .0
            .get_or_init(|| {
                use base64::Engine as _;
                let wire = base64::engine::general_purpose::STANDARD
                    .decode(&self.wire)
                    .ok()?;
                hickory_proto::op::Message::from_vec(&wire)
                    .ok()
                    .map(Box::new)
            })
            .as_deref()
    }

    /// Whether the response code is NOERROR.
    pub fn is_noerror(&self) -> bool {
        self.rcode == "NOERROR"
    }
}

/// Reading records out of stored responses: shared by the probes (to decide
/// what to ask next) and the checks (to judge), so both read alike.
impl DnsResponse {
    /// The owner of the SOA record in the answer or authority section: the
    /// apex of the zone the answer came from.
    pub fn soa_owner(&self) -> Option<hickory_proto::rr::Name> {
        let msg = self.parsed()?;
        msg.answers
            .iter()
            .chain(msg.authorities.iter())
            .find(|r| r.record_type() == hickory_proto::rr::RecordType::SOA)
            .map(|r| r.name.to_lowercase())
    }

    /// The signer named by an RRSIG over records of `rtype` in the answer.
    pub fn answer_signer(
        &self,
        rtype: hickory_proto::rr::RecordType,
    ) -> Option<hickory_proto::rr::Name> {
        use hickory_proto::dnssec::rdata::DNSSECRData;
        use hickory_proto::rr::RData;
        let msg = self.parsed()?;
        msg.answers.iter().find_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::RRSIG(sig)) if sig.input().type_covered == rtype => {
                Some(sig.input().signer_name.to_lowercase())
            }
            _ => None,
        })
    }

    /// The zone a DS answer for `child` came from: the signer of the DS RRset,
    /// or the SOA owner of a negative answer. Only a proper ancestor of `child`
    /// is returned, so following parents always ends at the root.
    pub fn parent_zone(&self, child: &hickory_proto::rr::Name) -> Option<hickory_proto::rr::Name> {
        let parent = self
            .answer_signer(hickory_proto::rr::RecordType::DS)
            .or_else(|| self.soa_owner())?;
        (parent.zone_of(child) && parent.num_labels() < child.num_labels()).then_some(parent)
    }

    /// The data of records of `rtype` in the answer section (any owner, so a
    /// CNAME chain's target records are included).
    pub fn answer_data(
        &self,
        rtype: hickory_proto::rr::RecordType,
    ) -> Vec<hickory_proto::rr::RData> {
        self.parsed()
            .map(|m| {
                m.answers
                    .iter()
                    .filter(|r| r.record_type() == rtype)
                    .map(|r| r.data.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// What the routing sources said about the addresses a test touched: the
/// announced routes that cover each address, and the VRPs that cover each
/// route at the time of the test (kept so a report can be re-judged without
/// asking the sources again).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoutingObservations {
    /// Where route origins came from (`DNS zone origin.asn.cymru.com`,
    /// `file rib.txt`), or `None` when no source is configured.
    pub origin_source: Option<String>,
    /// Where the VRPs came from and their state (`RTR 192.0.2.1:8282, serial
    /// 4, 12 VRPs`), or `None` when no source is configured.
    pub vrp_source: Option<String>,
    /// One entry per address, in the order asked.
    pub addresses: Vec<AddressRoutes>,
}

impl RoutingObservations {
    /// The entry for `address`, if it was looked up.
    pub fn for_address(&self, address: std::net::IpAddr) -> Option<&AddressRoutes> {
        self.addresses.iter().find(|a| a.address == address)
    }
}

/// The routes covering one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AddressRoutes {
    /// The address looked up.
    pub address: std::net::IpAddr,
    /// What the origin source answered.
    pub outcome: RouteLookup,
    /// The VRPs covering the address itself, looked up when no announced
    /// route covers it: whether a ROA exists for an unrouted address is
    /// still worth knowing (internet.nl asks it too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address_vrps: Vec<crate::routing::Vrp>,
}

/// The answer of a route origin source for one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RouteLookup {
    /// The covering routes (empty: the address is not routed).
    Routes {
        /// Each route with the VRPs covering its prefix.
        routes: Vec<RouteWithVrps>,
    },
    /// The source could not answer.
    Failed {
        /// Why, for people.
        reason: String,
    },
}

/// An announced route and the VRPs covering its prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RouteWithVrps {
    /// The route.
    pub route: crate::routing::Route,
    /// Every VRP whose prefix covers the route's prefix.
    pub covering: Vec<crate::routing::Vrp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_stored_without_a_kind_are_read_by_their_words() {
        let read = |json: &str| match serde_json::from_str::<HttpOutcome>(json).unwrap() {
            HttpOutcome::Failure { kind, .. } => kind,
            other => panic!("{other:?}"),
        };
        let legacy = |reason: &str| {
            read(&serde_json::json!({"result": "failure", "reason": reason}).to_string())
        };
        assert_eq!(legacy("operation timed out"), HttpFailure::Timeout);
        assert_eq!(
            legacy("tcp connect error: Connection refused (os error 111)"),
            HttpFailure::Refused
        );
        assert_eq!(
            legacy("invalid peer certificate: UnknownIssuer"),
            HttpFailure::Tls
        );
        assert_eq!(legacy("header block too large"), HttpFailure::TooLarge);
        assert_eq!(legacy("invalid HTTP version parsed"), HttpFailure::Protocol);
        // A kind that is stored wins over the words.
        assert_eq!(
            read(r#"{"result":"failure","kind":"tls","reason":"operation timed out"}"#),
            HttpFailure::Tls
        );
        // And what is written is read back as it was.
        let outcome = HttpOutcome::Failure {
            kind: HttpFailure::Blocked,
            reason: "r".into(),
        };
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(serde_json::from_str::<HttpOutcome>(&json).unwrap(), outcome);
    }

    #[test]
    fn cut_short_notes_of_old_reports_are_read_as_messages() {
        let obs: Observations = serde_json::from_str(
            r#"{"cut_short":["the time ran out",{"id":"cut-short-time","args":{"seconds":5}}]}"#,
        )
        .unwrap();
        assert_eq!(
            obs.cut_short[0],
            crate::msg!("cut-short-text", text = "the time ran out")
        );
        assert_eq!(obs.cut_short[1].id, "cut-short-time");
    }

    #[test]
    fn observations_missing_parts_read_as_empty() {
        let obs: Observations = serde_json::from_str(r#"{"resolver":"r"}"#).unwrap();
        assert_eq!(obs.resolver, "r");
        assert!(obs.dns.is_empty());
    }
}
