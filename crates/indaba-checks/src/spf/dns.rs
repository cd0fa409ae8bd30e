//! The DNS as SPF evaluation sees it: answers to (name, type) questions,
//! from recorded observations or from a test's zone data. Evaluation never
//! asks the network; when an answer is missing it says which question it
//! needs, and the caller (the engine) asks and evaluates again.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::{Name, RData, RecordType};
use indaba_model::observation::{DnsFailure, DnsOutcome, DnsQuestion, DnsResponse, QueryMode};
use indaba_model::{Message, Observations, ToMessage, msg};

/// The record types SPF evaluation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RrType {
    /// TXT (records and explanations).
    Txt,
    /// A.
    A,
    /// AAAA.
    Aaaa,
    /// MX.
    Mx,
    /// PTR.
    Ptr,
}

impl RrType {
    /// The mnemonic.
    pub fn as_str(self) -> &'static str {
        match self {
            RrType::Txt => "TXT",
            RrType::A => "A",
            RrType::Aaaa => "AAAA",
            RrType::Mx => "MX",
            RrType::Ptr => "PTR",
        }
    }

    /// The address type for a client address's family.
    pub fn address_for(ip: IpAddr) -> RrType {
        match ip {
            IpAddr::V4(_) => RrType::A,
            IpAddr::V6(_) => RrType::Aaaa,
        }
    }
}

/// A question evaluation needs answered. Names are lower case, without the
/// trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Question {
    /// The owner name.
    pub name: String,
    /// The type.
    pub rtype: RrType,
}

impl Question {
    /// A question for `name` (any case, trailing dot or not).
    pub fn new(name: &str, rtype: RrType) -> Question {
        Question {
            name: normalise(name),
            rtype,
        }
    }

    /// The question as the probes ask and record it.
    pub fn dns_question(&self) -> DnsQuestion {
        DnsQuestion::new(&self.name, self.rtype.as_str())
    }
}

impl std::fmt::Display for Question {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.rtype.as_str())
    }
}

/// Lower case, no trailing dot.
pub fn normalise(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// One record of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rdata {
    /// A TXT record, its strings joined without separator (RFC 7208 §3.3).
    Txt(Vec<u8>),
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// An MX record; `exchange` normalised, empty for the root (null MX).
    Mx {
        /// Preference.
        preference: u16,
        /// The exchange.
        exchange: String,
    },
    /// A PTR target, normalised.
    Ptr(String),
}

/// What the DNS said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// NOERROR, with the records of the type asked (empty: NODATA).
    Records(Vec<Rdata>),
    /// NXDOMAIN.
    NxDomain,
    /// No usable answer (SERVFAIL, timeout, REFUSED…).
    Failed(LookupFailure),
}

/// Why a question the mail checks need has no usable answer. Shared by
/// SPF, DMARC, DKIM, MTA-STS, TLS-RPT and the MX check, which all read the
/// raw-mode answers of a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupFailure {
    /// The test did not ask it.
    NotLookedUp(Question),
    /// No response came (the kind says why).
    NoResponse(Question, DnsFailure),
    /// The resolver answered with an error code (SERVFAIL, REFUSED…).
    Rcode {
        /// The question.
        question: Question,
        /// The response code mnemonic.
        rcode: String,
        /// The Extended DNS Error (RFC 8914), where given.
        extended: Option<String>,
    },
    /// The stored response cannot be decoded.
    Undecodable(Question),
}

impl LookupFailure {
    /// The question that failed.
    pub fn question(&self) -> &Question {
        match self {
            LookupFailure::NotLookedUp(q)
            | LookupFailure::NoResponse(q, _)
            | LookupFailure::Rcode { question: q, .. }
            | LookupFailure::Undecodable(q) => q,
        }
    }

    /// The failure an answer the mail checks read from a stored response
    /// represents, if it is one: anything but NOERROR and NXDOMAIN.
    pub fn of_rcode(question: &Question, response: &DnsResponse) -> Option<LookupFailure> {
        match response.rcode.as_str() {
            "NOERROR" | "NXDOMAIN" => None,
            other => Some(LookupFailure::Rcode {
                question: question.clone(),
                rcode: other.to_string(),
                extended: response.extended_error.clone(),
            }),
        }
    }
}

impl ToMessage for LookupFailure {
    fn to_message(&self) -> Message {
        let q = self.question();
        let (name, rtype) = (q.name.as_str(), q.rtype.as_str());
        match self {
            LookupFailure::NotLookedUp(_) => {
                msg!("mail-dns-not-looked-up", name = name, rtype = rtype)
            }
            LookupFailure::NoResponse(_, kind) => msg!(
                "mail-dns-no-response",
                name = name,
                rtype = rtype,
                kind = match kind {
                    DnsFailure::Timeout => "timeout",
                    DnsFailure::Unreachable => "unreachable",
                    DnsFailure::Malformed => "malformed",
                    DnsFailure::Oversized => "oversized",
                    DnsFailure::Cancelled => "cancelled",
                }
            ),
            LookupFailure::Rcode {
                rcode,
                extended: None,
                ..
            } => msg!("mail-dns-rcode", name = name, rtype = rtype, rcode = rcode),
            LookupFailure::Rcode {
                rcode,
                extended: Some(extended),
                ..
            } => msg!(
                "mail-dns-rcode-extended",
                name = name,
                rtype = rtype,
                rcode = rcode,
                extended = extended
            ),
            LookupFailure::Undecodable(_) => {
                msg!("mail-dns-undecodable", name = name, rtype = rtype)
            }
        }
    }
}

/// Answers to questions.
pub trait DnsView {
    /// The answer to `question`, or `None` when it was not asked.
    fn answer(&self, question: &Question) -> Option<Answer>;
}

/// The result of a pure evaluation over a [`DnsView`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<T> {
    /// Evaluation finished.
    Done(T),
    /// These questions must be answered first (ask them, then evaluate
    /// again).
    NeedsLookup(Vec<Question>),
}

/// The observations of a test as a [`DnsView`]: the raw-mode (checking
/// disabled) answers the engine recorded.
#[derive(Debug, Clone, Copy)]
pub struct ObservedDns<'a> {
    obs: &'a Observations,
}

impl<'a> ObservedDns<'a> {
    /// A view of `obs`.
    pub fn new(obs: &'a Observations) -> Self {
        ObservedDns { obs }
    }
}

impl DnsView for ObservedDns<'_> {
    fn answer(&self, question: &Question) -> Option<Answer> {
        // Macros can make names with spaces or other bytes no host name has;
        // our DNS client cannot encode them, and no such name is delegated
        // anywhere, so they are treated as names that do not exist.
        if Name::from_ascii(format!("{}.", question.name)).is_err() {
            return Some(Answer::NxDomain);
        }
        let exchange = self
            .obs
            .dns_for(&question.dns_question(), QueryMode::Raw)
            .last()?;
        let response = match &exchange.outcome {
            DnsOutcome::Response(r) => r,
            DnsOutcome::Failure { kind, .. } => {
                return Some(Answer::Failed(LookupFailure::NoResponse(
                    question.clone(),
                    *kind,
                )));
            }
        };
        if let Some(failure) = LookupFailure::of_rcode(question, response) {
            return Some(Answer::Failed(failure));
        }
        if response.rcode == "NXDOMAIN" {
            return Some(Answer::NxDomain);
        }
        let rtype = match question.rtype {
            RrType::Txt => RecordType::TXT,
            RrType::A => RecordType::A,
            RrType::Aaaa => RecordType::AAAA,
            RrType::Mx => RecordType::MX,
            RrType::Ptr => RecordType::PTR,
        };
        if response.message().is_none() {
            return Some(Answer::Failed(LookupFailure::Undecodable(question.clone())));
        }
        Some(Answer::Records(
            response
                .answer_data(rtype)
                .into_iter()
                .filter_map(|data| match data {
                    RData::TXT(txt) => Some(Rdata::Txt(txt.txt_data.concat())),
                    RData::A(a) => Some(Rdata::A(a.0)),
                    RData::AAAA(a) => Some(Rdata::Aaaa(a.0)),
                    RData::MX(mx) => Some(Rdata::Mx {
                        preference: mx.preference,
                        exchange: normalise(&mx.exchange.to_ascii()),
                    }),
                    RData::PTR(ptr) => Some(Rdata::Ptr(normalise(&ptr.0.to_ascii()))),
                    _ => None,
                })
                .collect(),
        ))
    }
}

/// The reverse-lookup name of an address (`in-addr.arpa` / `ip6.arpa`).
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(_) => {
            let nibbles = super::macros::dotted(ip);
            let reversed: Vec<&str> = nibbles.split('.').rev().collect();
            format!("{}.ip6.arpa", reversed.join("."))
        }
    }
}
