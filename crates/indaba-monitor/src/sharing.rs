//! Probes shared between the tests of a scan: thousands of domains share
//! hosters, mail providers and DNS operators, so a TLS enumeration of
//! `ADDRESS:PORT` (with its server name), a zone's DNSSEC chain, an
//! address's route origins or a provider's MTA-STS policy is done once and
//! reused within a freshness window, by every worker process.
//!
//! Every worker computes the same [`ProbeKey`] for the same probe, so the
//! store can keep one result per key, whoever made it. A reused result is
//! copied into the report's own observations and named there as shared, so
//! every report still stands alone.

use std::fmt;
use std::net::SocketAddr;

use sha2::{Digest, Sha256};

/// How long a shared probe's result is reused by default (seconds): long
/// enough for a scan's tests of one provider to share it, short enough that
/// a fix made during a day-long scan shows the next day.
pub const DEFAULT_FRESHNESS_SECS: i64 = 3600;

/// What a shared probe is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProbeKey {
    /// A TLS enumeration of an address and port, directly or after SMTP
    /// STARTTLS, sending a server name.
    Tls {
        /// The server's address and port.
        address: SocketAddr,
        /// Whether STARTTLS came first (mail).
        starttls: bool,
        /// The server name sent (SNI), lower case.
        server_name: String,
    },
    /// The DNSSEC chain of a zone, from the trust anchor down.
    DnssecChain {
        /// The zone, lower case, with its trailing dot.
        zone: String,
    },
    /// The route origins of an address.
    RouteOrigin {
        /// The address.
        address: std::net::IpAddr,
    },
    /// An MTA-STS policy fetched from a policy host.
    MtaStsPolicy {
        /// The policy domain, lower case.
        domain: String,
    },
}

impl ProbeKey {
    /// A TLS enumeration's key (the server name is compared without case).
    pub fn tls(address: SocketAddr, starttls: bool, server_name: &str) -> ProbeKey {
        ProbeKey::Tls {
            address,
            starttls,
            server_name: server_name.trim_end_matches('.').to_ascii_lowercase(),
        }
    }

    /// The kind, as observations name it (`tls`, `dnssec-chain`…).
    pub fn kind(&self) -> &'static str {
        match self {
            ProbeKey::Tls { .. } => "tls",
            ProbeKey::DnssecChain { .. } => "dnssec-chain",
            ProbeKey::RouteOrigin { .. } => "route-origin",
            ProbeKey::MtaStsPolicy { .. } => "mta-sts-policy",
        }
    }

    /// The key every worker computes alike: the kind and a SHA-256 of the
    /// canonical text, 64 hex digits, fit for a primary key.
    pub fn digest(&self) -> String {
        let hex: String = Sha256::digest(self.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}:{hex}", self.kind())
    }
}

impl fmt::Display for ProbeKey {
    /// The canonical text: what the probe asked, in one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeKey::Tls {
                address,
                starttls,
                server_name,
            } => write!(
                f,
                "tls {address} {} {server_name}",
                if *starttls { "starttls" } else { "direct" }
            ),
            ProbeKey::DnssecChain { zone } => write!(f, "dnssec-chain {zone}"),
            ProbeKey::RouteOrigin { address } => write!(f, "route-origin {address}"),
            ProbeKey::MtaStsPolicy { domain } => write!(f, "mta-sts-policy {domain}"),
        }
    }
}

/// Whether a result made at `made_at` may still be reused at `now`.
pub fn fresh(made_at: i64, now: i64, freshness_secs: i64) -> bool {
    made_at <= now && now - made_at < freshness_secs
}

/// How long a worker waits for another worker that is making the same
/// probe before making it itself (seconds): a TLS enumeration of a slow mail
/// server takes this long at most under the probe's own time limits.
pub const WAIT_FOR_OTHER_SECS: i64 = 90;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_deterministic_and_distinct() {
        let a = ProbeKey::tls("127.0.20.1:25".parse().unwrap(), true, "MX1.Mail.Test.");
        let b = ProbeKey::tls("127.0.20.1:25".parse().unwrap(), true, "mx1.mail.test");
        assert_eq!(a, b);
        assert_eq!(a.digest(), b.digest());
        assert!(a.digest().starts_with("tls:"));
        assert_eq!(a.digest().len(), 4 + 64);
        let direct = ProbeKey::tls("127.0.20.1:25".parse().unwrap(), false, "mx1.mail.test");
        assert_ne!(a.digest(), direct.digest());
        let zone = ProbeKey::DnssecChain {
            zone: "test.".into(),
        };
        assert_eq!(zone.to_string(), "dnssec-chain test.");
        assert_ne!(zone.digest(), a.digest());
    }

    #[test]
    fn freshness_window() {
        assert!(fresh(100, 100, 60));
        assert!(fresh(100, 159, 60));
        assert!(!fresh(100, 160, 60));
        assert!(
            !fresh(200, 100, 60),
            "a result from the future is not trusted"
        );
    }
}
