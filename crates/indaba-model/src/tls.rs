//! TLS observations: what one enumeration of one server (address and port)
//! saw, for the probe to write and the checks to judge.
//!
//! Everything here is what the server offered or did, never a verdict: the
//! versions it accepted, the suites it chose and in what order, the key
//! exchange groups and parameters, how it answered to SHA-1-only signature
//! algorithms, compression, renegotiation, 0-RTT, the OCSP staple and the
//! certificate chain. Each part that needs its own connections is a
//! [`Probed`], so a part that could not be tested says why instead of
//! looking like a "no".

use serde::{Deserialize, Serialize};

/// A protocol version the probe tries.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TlsVersion {
    /// SSL 3.0 (RFC 6101).
    Ssl3,
    /// TLS 1.0 (RFC 2246).
    Tls10,
    /// TLS 1.1 (RFC 4346).
    Tls11,
    /// TLS 1.2 (RFC 5246).
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

impl TlsVersion {
    /// Every version, oldest first.
    pub const ALL: [TlsVersion; 5] = [
        TlsVersion::Ssl3,
        TlsVersion::Tls10,
        TlsVersion::Tls11,
        TlsVersion::Tls12,
        TlsVersion::Tls13,
    ];

    /// The version number on the wire.
    pub fn wire(self) -> u16 {
        match self {
            TlsVersion::Ssl3 => 0x0300,
            TlsVersion::Tls10 => 0x0301,
            TlsVersion::Tls11 => 0x0302,
            TlsVersion::Tls12 => 0x0303,
            TlsVersion::Tls13 => 0x0304,
        }
    }

    /// The version with this wire number, if it is one we know.
    pub fn from_wire(wire: u16) -> Option<TlsVersion> {
        TlsVersion::ALL.into_iter().find(|v| v.wire() == wire)
    }

    /// The usual name (`TLS 1.2`).
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::Ssl3 => "SSL 3.0",
            TlsVersion::Tls10 => "TLS 1.0",
            TlsVersion::Tls11 => "TLS 1.1",
            TlsVersion::Tls12 => "TLS 1.2",
            TlsVersion::Tls13 => "TLS 1.3",
        }
    }
}

impl std::fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the TLS connection was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TlsTransport {
    /// TLS from the first byte (HTTPS on 443).
    Direct,
    /// SMTP, then STARTTLS (RFC 3207), then TLS (mail on 25).
    SmtpStarttls,
}

/// A cipher suite by IANA code point, with its IANA name where known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CipherSuite {
    /// The IANA code point.
    pub id: u16,
    /// The IANA name (`TLS_AES_128_GCM_SHA256`), or the code point in hex.
    pub name: String,
}

/// A key-exchange group (named curve or finite-field group) by IANA code point.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NamedGroup {
    /// The IANA code point of the TLS Supported Groups registry.
    pub id: u16,
    /// Its IANA name (`x25519`, `secp256r1`, `X25519MLKEM768`), or the code point in hex.
    pub name: String,
}

/// The result of one part of the enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Probed<T> {
    /// The server was asked and this is what it did.
    Seen {
        /// What was seen.
        value: T,
    },
    /// The question did not apply or could not be asked (a sentence why).
    NotTested {
        /// Why it was not tested.
        reason: String,
    },
    /// The question was asked but no usable answer came (timeout, malformed data).
    Error {
        /// What went wrong.
        reason: String,
    },
}

impl<T> Probed<T> {
    /// The value, when seen.
    pub fn seen(&self) -> Option<&T> {
        match self {
            Probed::Seen { value } => Some(value),
            _ => None,
        }
    }

    /// A `NotTested` result.
    pub fn not_tested(reason: impl Into<String>) -> Self {
        Probed::NotTested {
            reason: reason.into(),
        }
    }

    /// An `Error` result.
    pub fn error(reason: impl Into<String>) -> Self {
        Probed::Error {
            reason: reason.into(),
        }
    }
}

/// Why no TLS could be attempted at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectFailureKind {
    /// No TCP connection (refused, unreachable, not permitted).
    Unreachable,
    /// No connection or no answer within the time limit.
    Timeout,
    /// The SMTP server answered but does not offer or refused STARTTLS.
    NoStarttls,
    /// The server answered with something we could not follow (a bad SMTP reply).
    Protocol,
}

/// Why the server could not be reached for TLS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConnectFailure {
    /// What kind of failure.
    pub kind: ConnectFailureKind,
    /// A sentence for people.
    pub reason: String,
}

/// Whether a version was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum VersionSupport {
    /// The server answered a ClientHello for this version with a ServerHello of it.
    Accepted,
    /// The server refused: an alert, a lower version, or a closed connection.
    Refused {
        /// What the server did.
        detail: String,
    },
    /// No clear answer (timeout, malformed data): unknown.
    Error {
        /// What went wrong.
        reason: String,
    },
}

/// Whose order decides the cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CipherPreference {
    /// The server chose the same suite whichever order we offered: its own order counts.
    Server,
    /// The server followed the order we offered.
    Client,
    /// Not determined (one suite only, or the second handshake failed).
    Undetermined,
}

/// What one version's ClientHellos showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VersionResult {
    /// The version offered (and only that one).
    pub version: TlsVersion,
    /// Whether the server accepted it.
    pub support: VersionSupport,
    /// The suites the server accepted with this version, in the order it
    /// chose them (when [`CipherPreference::Server`], that is its preference order).
    pub cipher_suites: Vec<CipherSuite>,
    /// Whose order the server follows with this version.
    pub preference: CipherPreference,
    /// Whether the ServerHello had the renegotiation_info extension (RFC 5746);
    /// `None` for TLS 1.3 and for refused versions.
    pub secure_renegotiation: Option<bool>,
    /// Whether the ServerHello had the extended_master_secret extension (RFC 7627);
    /// `None` for TLS 1.3 and for refused versions.
    pub extended_master_secret: Option<bool>,
    /// Set when enumerating the suites stopped early (an error, a limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
}

/// Finite-field Diffie-Hellman parameters from a ServerKeyExchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DhParams {
    /// The version of the handshake that carried them.
    pub version: TlsVersion,
    /// The DHE suite the server chose.
    pub suite: CipherSuite,
    /// Size of the prime in bits.
    pub bits: u32,
    /// The prime p, big-endian hex (lower case, no leading zero bytes).
    pub prime: String,
    /// The generator g, big-endian hex.
    pub generator: String,
}

/// The key-exchange groups and parameters the server accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KeyExchange {
    /// Named curves the server used in ECDHE ServerKeyExchange messages
    /// (TLS 1.2 or the highest version below 1.3), in the order it chose them.
    pub ecdhe_groups: Probed<Vec<NamedGroup>>,
    /// Groups the server selected in TLS 1.3 (HelloRetryRequest or
    /// ServerHello key_share), in the order it chose them.
    pub tls13_groups: Probed<Vec<NamedGroup>>,
    /// The finite-field group of the DHE suites.
    pub dhe: Probed<DhParams>,
}

/// A signature algorithm (SignatureScheme code point) with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignatureAlgorithm {
    /// The code point (hash byte, then signature byte, in TLS 1.2 terms).
    pub id: u16,
    /// Its name (`rsa_pkcs1_sha1`), or the code point in hex.
    pub name: String,
}

/// How the server answered a TLS 1.2 ClientHello whose signature_algorithms
/// offered only a weak hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum SignatureOutcome {
    /// The ServerKeyExchange was signed with one of the offered algorithms.
    Accepted {
        /// The algorithm used.
        algorithm: SignatureAlgorithm,
    },
    /// The server signed with an algorithm we did not offer.
    OtherUsed {
        /// The algorithm used.
        algorithm: SignatureAlgorithm,
    },
    /// The server refused the handshake.
    Refused {
        /// What the server did.
        detail: String,
    },
}

/// One weak-hash signature_algorithms probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignatureProbe {
    /// The algorithms offered, and only these.
    pub offered: Vec<SignatureAlgorithm>,
    /// What the server did.
    pub outcome: SignatureOutcome,
}

/// Whether the server chose TLS compression when DEFLATE was offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Compression {
    /// The version of the handshake.
    pub version: TlsVersion,
    /// The compression method the server chose (0 null, 1 DEFLATE).
    pub method: u8,
}

/// Client-initiated renegotiation attempts on one TLS 1.2 (or lower) connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClientRenegotiation {
    /// The version of the connection.
    pub version: TlsVersion,
    /// Renegotiations tried (the probe stops at the first refusal).
    pub attempts: u32,
    /// Renegotiations the server completed.
    pub accepted: u32,
    /// What happened at the end (the refusal, or that the limit was reached).
    pub detail: String,
}

/// What happened when resuming a TLS 1.3 session with early data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ZeroRtt {
    /// Whether the server's session ticket allowed early data (max_early_data_size > 0).
    pub ticket_allows_early_data: bool,
    /// Whether early data was sent and the server accepted it (early_data in
    /// EncryptedExtensions).
    pub early_data_accepted: bool,
    /// The HTTP status code the server answered the early request with, if
    /// any (425 Too Early means it deferred it, RFC 8470).
    pub http_status: Option<u16>,
    /// A sentence on what happened.
    pub detail: String,
}

/// Where the certificate chain was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChainSource {
    /// A completed handshake (rustls, any certificate accepted and only recorded).
    Handshake,
    /// The clear-text Certificate message of a TLS 1.2-or-lower ServerHello flight.
    ServerFlight,
}

/// The certificate chain the server presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CertificateChain {
    /// How it was read.
    pub source: ChainSource,
    /// The version of that handshake.
    pub version: TlsVersion,
    /// The certificates, DER in base64, leaf first, as sent.
    pub der: Vec<String>,
}

/// The OCSP response the server stapled (RFC 6066 status_request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OcspStaple {
    /// The DER OCSPResponse in base64; `None` when the server stapled nothing.
    pub der: Option<String>,
}

/// One TLS enumeration of one address and port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TlsScan {
    /// `address:port` scanned.
    pub address: String,
    /// The name sent as SNI (and HTTP Host for 0-RTT), if any.
    pub server_name: Option<String>,
    /// How TLS was reached.
    pub transport: TlsTransport,
    /// Milliseconds the whole enumeration took.
    pub elapsed_ms: u64,
    /// TCP connections made.
    pub connections: u32,
    /// `None` when the server was reached; why not otherwise (then nothing
    /// else was tested).
    pub connect_error: Option<ConnectFailure>,
    /// One entry per version tried, oldest first.
    pub versions: Vec<VersionResult>,
    /// Key-exchange groups and parameters.
    pub key_exchange: KeyExchange,
    /// TLS 1.2 handshake offering only SHA-1 signature algorithms.
    pub kex_hash_sha1: Probed<SignatureProbe>,
    /// TLS 1.2 handshake offering only SHA-224 signature algorithms.
    pub kex_hash_sha224: Probed<SignatureProbe>,
    /// DEFLATE offered on the highest version below TLS 1.3.
    pub compression: Probed<Compression>,
    /// Client-initiated renegotiation.
    pub client_renegotiation: Probed<ClientRenegotiation>,
    /// 0-RTT early data on a resumed TLS 1.3 session.
    pub zero_rtt: Probed<ZeroRtt>,
    /// The stapled OCSP response.
    pub ocsp_staple: Probed<OcspStaple>,
    /// The certificate chain presented.
    pub certificates: Probed<CertificateChain>,
    /// Problems met along the way (malformed answers, limits), for people.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl TlsScan {
    /// A scan of `address` that could not reach the server.
    pub fn unreachable(
        address: String,
        server_name: Option<String>,
        transport: TlsTransport,
        failure: ConnectFailure,
    ) -> TlsScan {
        let why = "the server could not be reached";
        TlsScan {
            address,
            server_name,
            transport,
            elapsed_ms: 0,
            connections: 1,
            connect_error: Some(failure),
            versions: Vec::new(),
            key_exchange: KeyExchange {
                ecdhe_groups: Probed::not_tested(why),
                tls13_groups: Probed::not_tested(why),
                dhe: Probed::not_tested(why),
            },
            kex_hash_sha1: Probed::not_tested(why),
            kex_hash_sha224: Probed::not_tested(why),
            compression: Probed::not_tested(why),
            client_renegotiation: Probed::not_tested(why),
            zero_rtt: Probed::not_tested(why),
            ocsp_staple: Probed::not_tested(why),
            certificates: Probed::not_tested(why),
            errors: Vec::new(),
        }
    }

    /// The versions the server accepted, oldest first.
    pub fn accepted_versions(&self) -> impl Iterator<Item = TlsVersion> + '_ {
        self.versions
            .iter()
            .filter(|v| v.support == VersionSupport::Accepted)
            .map(|v| v.version)
    }

    /// The result for one version, if it was tried.
    pub fn version(&self, version: TlsVersion) -> Option<&VersionResult> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// Whether a TLS handshake got as far as a ServerHello with any version.
    pub fn tls_succeeded(&self) -> bool {
        self.accepted_versions().next().is_some()
    }

    /// The highest accepted version below TLS 1.3.
    pub fn highest_legacy_version(&self) -> Option<TlsVersion> {
        self.accepted_versions()
            .filter(|v| *v != TlsVersion::Tls13)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_round_trip_through_wire_numbers() {
        for v in TlsVersion::ALL {
            assert_eq!(TlsVersion::from_wire(v.wire()), Some(v));
        }
        assert_eq!(TlsVersion::from_wire(0x0200), None);
    }

    #[test]
    fn a_scan_round_trips_through_json() {
        let mut scan = TlsScan::unreachable(
            "192.0.2.1:443".into(),
            Some("example.nl".into()),
            TlsTransport::Direct,
            ConnectFailure {
                kind: ConnectFailureKind::Timeout,
                reason: "no answer".into(),
            },
        );
        scan.versions.push(VersionResult {
            version: TlsVersion::Tls12,
            support: VersionSupport::Accepted,
            cipher_suites: vec![CipherSuite {
                id: 0xc02f,
                name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".into(),
            }],
            preference: CipherPreference::Server,
            secure_renegotiation: Some(true),
            extended_master_secret: Some(false),
            incomplete: None,
        });
        let json = serde_json::to_string(&scan).expect("serialises");
        let back: TlsScan = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, scan);
        assert!(back.tls_succeeded());
        assert_eq!(back.highest_legacy_version(), Some(TlsVersion::Tls12));
    }
}
