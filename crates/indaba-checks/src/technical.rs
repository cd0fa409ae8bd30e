//! The technical tables of a report, as internet.nl shows them under its
//! results: per server (every HTTPS address of a website, every address of
//! every mail server), the TLS versions, the cipher suites by rating, the
//! key-exchange groups, the certificate chain and the DANE records; and per
//! address, reachability and the routes with their RPKI validity.
//!
//! Everything here is read from the report's observations and rated with
//! the same tables the checks use ([`crate::tls::tables`],
//! [`crate::certificate::inspect`], [`crate::rov`]), so a table can never
//! disagree with a finding. Pure: the report page calls it on a stored
//! report.

use std::net::IpAddr;

use indaba_model::observation::RouteLookup;
use indaba_model::tls::{CipherPreference, Probed, TlsScan, VersionSupport};
use indaba_model::{Message, Observations, Rating, TestKind, ToMessage, msg};

use crate::certificate::{self, inspect};
use crate::dane::TlsaLookup;
use crate::dnssec::{TrustAnchor, Validator};
use crate::lookup::{self, socket_text};
use crate::tls::{self, Reach, tables};
use crate::transport::{self, HTTPS_PORT, SMTP_PORT};

/// Every table of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technical {
    /// The TLS servers: per address for the web, per MX and address for mail.
    pub servers: Vec<ServerTable>,
    /// Every address tested, with reachability and routes.
    pub addresses: Vec<AddressRow>,
}

/// One TLS server (an address and port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTable {
    /// The host name (the domain, or the MX host).
    pub host: String,
    /// `address:port`.
    pub address: String,
    /// Why TLS could not be tested here, if it could not.
    pub unreached: Option<Message>,
    /// Whether the server offers TLS at all (HTTPS, or STARTTLS for mail):
    /// false when `unreached` says it does not, true when it does even if
    /// the handshakes then failed.
    pub offered: bool,
    /// Each version tried, oldest first.
    pub versions: Vec<VersionRow>,
    /// The suites the server accepted, best rating first.
    pub suites: Vec<SuiteRow>,
    /// Whose order picks the suite (on the highest version below 1.3).
    pub preference: Option<CipherPreference>,
    /// Key-exchange groups the server chose, best rating first.
    pub groups: Vec<GroupRow>,
    /// Finite-field DHE parameters, if the server used any.
    pub dhe: Option<DheRow>,
    /// The certificate chain, leaf first, or why there is none.
    pub chain: Result<Vec<CertRow>, Message>,
    /// The TLSA records for this server.
    pub dane: DaneRow,
}

/// A protocol version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// `TLS 1.2`.
    pub name: &'static str,
    /// Accepted (`Some(true)`), refused, or unknown (`None`).
    pub accepted: Option<bool>,
    /// Its rating.
    pub rating: Rating,
}

/// A cipher suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteRow {
    /// The IANA name.
    pub name: String,
    /// Its rating.
    pub rating: Rating,
    /// The versions it was accepted with.
    pub versions: Vec<&'static str>,
}

/// A key-exchange group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// The IANA name.
    pub name: String,
    /// Its rating.
    pub rating: Rating,
}

/// Finite-field Diffie-Hellman parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DheRow {
    /// Size of the prime.
    pub bits: u32,
    /// The RFC 7919 group's size, when the prime is one.
    pub named: Option<u32>,
    /// Its rating.
    pub rating: Rating,
}

/// One certificate of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertRow {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// The key's kind and size.
    pub key: Message,
    /// The key's rating.
    pub key_rating: Rating,
    /// The signature algorithm.
    pub signature: String,
    /// The signature hash's rating.
    pub signature_rating: Rating,
    /// Start of validity (Unix seconds).
    pub not_before: i64,
    /// End of validity (Unix seconds).
    pub not_after: i64,
    /// SHA-256 of the certificate, hex.
    pub sha256: String,
}

/// The TLSA records of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaneRow {
    /// The TLSA name (`_443._tcp.example.nl.`).
    pub name: String,
    /// How the lookup went (secure, insecure, bogus, none, failed).
    pub status: Message,
    /// The records, in presentation form.
    pub records: Vec<String>,
}

/// An address the test used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRow {
    /// The host it belongs to.
    pub host: String,
    /// What the host is (`web server`, `mail server`, `name server`).
    pub role: Message,
    /// The address.
    pub address: IpAddr,
    /// Each port tried and whether it answered.
    pub ports: Vec<(u16, bool)>,
    /// The announced routes covering it, or why they are not known.
    pub routes: Result<Vec<RouteRow>, Message>,
}

/// A route and its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    /// The announced prefix.
    pub prefix: String,
    /// The origin AS.
    pub origin: String,
    /// RFC 6811 validity, in words.
    pub validity: Message,
}

/// The tables of a `kind` test of `domain` from its observations; `now`
/// (Unix seconds, the test's start) judges DNSSEC signature times.
pub fn tables(kind: TestKind, domain: &str, obs: &Observations, now: i64) -> Technical {
    let anchor = TrustAnchor::parse(&obs.trust_anchor.join("\n")).unwrap_or_else(|_| {
        // A report always records its anchor; without one nothing is secure.
        TrustAnchor::parse("").unwrap_or_else(|_| TrustAnchor::iana())
    });
    let validator = Validator::new(obs, &anchor, now);
    let groups = lookup::server_groups(kind, domain, obs);
    let (tls_servers, port) = match kind {
        TestKind::Web => (&groups.web_https, HTTPS_PORT),
        TestKind::Mail => (&groups.mail, SMTP_PORT),
    };
    let servers = tls_servers
        .iter()
        .filter_map(|(host, ip)| {
            let address = socket_text(*ip, port);
            obs.tls
                .iter()
                .find(|s| s.address == address)
                .map(|scan| server_table(obs, &validator, host, port, scan))
        })
        .collect();
    let mut addresses = Vec::new();
    let roles = [
        (&groups.web, msg!("tech-role-web")),
        (&groups.mail, msg!("tech-role-mail")),
        (&groups.name_servers, msg!("tech-role-name")),
    ];
    for (group, role) in roles {
        for (host, ip) in group {
            if addresses.iter().any(|a: &AddressRow| a.address == *ip) {
                continue;
            }
            addresses.push(address_row(obs, host, role.clone(), *ip));
        }
    }
    Technical { servers, addresses }
}

fn server_table(
    obs: &Observations,
    validator: &Validator<'_>,
    host: &str,
    port: u16,
    scan: &TlsScan,
) -> ServerTable {
    let host = host.trim_end_matches('.').to_string();
    let (unreached, offered) = match tls::reach(scan) {
        Reach::Tls => (None, true),
        Reach::Missing(m) => (Some(m), false),
        Reach::Failed(m) => (Some(m), true),
    };
    let versions = scan
        .versions
        .iter()
        .map(|v| VersionRow {
            name: v.version.name(),
            accepted: match v.support {
                VersionSupport::Accepted => Some(true),
                VersionSupport::Refused { .. } => Some(false),
                VersionSupport::Error { .. } => None,
            },
            rating: tables::version_rating(v.version),
        })
        .collect();
    let mut suites: Vec<SuiteRow> = Vec::new();
    for v in &scan.versions {
        for s in &v.cipher_suites {
            match suites.iter_mut().find(|r| r.name == s.name) {
                Some(row) => row.versions.push(v.version.name()),
                None => suites.push(SuiteRow {
                    name: s.name.clone(),
                    rating: tables::suite_rating(s.id),
                    versions: vec![v.version.name()],
                }),
            }
        }
    }
    // Stable: the server's own order stays within a rating.
    suites.sort_by_key(|s| s.rating);
    let preference = scan
        .highest_legacy_version()
        .and_then(|v| scan.version(v))
        .map(|v| v.preference);
    let mut group_rows: Vec<GroupRow> = Vec::new();
    for probed in [
        &scan.key_exchange.tls13_groups,
        &scan.key_exchange.ecdhe_groups,
    ] {
        for g in probed.seen().into_iter().flatten() {
            if !group_rows.iter().any(|r| r.name == g.name) {
                group_rows.push(GroupRow {
                    name: g.name.clone(),
                    rating: tables::group_rating(g.id),
                });
            }
        }
    }
    group_rows.sort_by_key(|g| g.rating);
    let dhe = scan.key_exchange.dhe.seen().map(|d| {
        let (rating, named) = tables::dh_rating(&d.prime, &d.generator);
        DheRow {
            bits: d.bits,
            named,
            rating,
        }
    });
    let chain = match &scan.certificates {
        _ if unreached.is_some() => Err(msg!("tech-chain-none")),
        Probed::Seen { value } => certificate::decode_chain(&value.der)
            .map_err(|e| e.to_message())
            .map(|ders| ders.iter().map(|der| cert_row(der)).collect()),
        Probed::NotTested { reason } | Probed::Error { reason } => {
            Err(msg!("cert-not-recorded", reason = reason.as_str()))
        }
    };
    let name = transport::tlsa_name(&host, port);
    let dane = match transport::tlsa_lookup(obs, validator, &name) {
        TlsaLookup::Secure(records) => DaneRow {
            status: msg!("tech-dane-secure"),
            records: records.iter().map(|r| r.short()).collect(),
            name,
        },
        TlsaLookup::Insecure(records) => DaneRow {
            status: msg!("tech-dane-insecure"),
            records: records.iter().map(|r| r.short()).collect(),
            name,
        },
        TlsaLookup::Bogus(reason) => DaneRow {
            status: msg!("tech-dane-bogus", reason = reason),
            records: Vec::new(),
            name,
        },
        TlsaLookup::NoRecords => DaneRow {
            status: msg!("tech-dane-none"),
            records: Vec::new(),
            name,
        },
        TlsaLookup::Failed(reason) => DaneRow {
            status: msg!("tech-dane-failed", reason = reason),
            records: Vec::new(),
            name,
        },
    };
    ServerTable {
        host,
        address: scan.address.clone(),
        unreached,
        offered,
        versions,
        suites,
        preference,
        groups: group_rows,
        dhe,
        chain,
        dane,
    }
}

/// One certificate's row, or a row saying it could not be read.
fn cert_row(der: &[u8]) -> CertRow {
    match inspect::inspect(der) {
        Ok(c) => CertRow {
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            key: c.key.to_message(),
            key_rating: c.key.rating(),
            signature: c.signature.name.clone(),
            signature_rating: c.signature.hash.rating(),
            not_before: c.not_before.unix_timestamp(),
            not_after: c.not_after.unix_timestamp(),
            sha256: c.sha256.clone(),
        },
        Err(e) => CertRow {
            subject: String::new(),
            issuer: String::new(),
            key: e.to_message(),
            key_rating: Rating::Insufficient,
            signature: String::new(),
            signature_rating: Rating::Insufficient,
            not_before: 0,
            not_after: 0,
            sha256: inspect::hex_lower(ring::digest::digest(&ring::digest::SHA256, der).as_ref()),
        },
    }
}

fn address_row(obs: &Observations, host: &str, role: Message, ip: IpAddr) -> AddressRow {
    let mut ports: Vec<(u16, bool)> = Vec::new();
    for c in &obs.tcp {
        let Ok(target) = c.address.parse::<std::net::SocketAddr>() else {
            continue;
        };
        if target.ip() == ip && !ports.iter().any(|(p, _)| *p == target.port()) {
            ports.push((target.port(), c.error.is_none()));
        }
    }
    ports.sort();
    let routes = match obs.routing.as_ref().and_then(|r| r.for_address(ip)) {
        None => Err(msg!("tech-routes-unknown")),
        Some(found) => match &found.outcome {
            RouteLookup::Failed { .. } => Err(msg!("tech-routes-failed")),
            RouteLookup::Routes { routes } => Ok(routes
                .iter()
                .map(|r| RouteRow {
                    prefix: r.route.prefix.to_string(),
                    origin: r.route.origin.to_string(),
                    validity: crate::rov::validate(&r.route, &r.covering).to_message(),
                })
                .collect()),
        },
    };
    AddressRow {
        host: host.trim_end_matches('.').to_string(),
        role,
        address: ip,
        ports,
        routes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indaba_model::tls::{
        CertificateChain, ChainSource, CipherSuite, ConnectFailure, ConnectFailureKind, NamedGroup,
        TlsTransport, TlsVersion, VersionResult,
    };

    fn scan() -> TlsScan {
        let mut s = TlsScan::unreachable(
            "192.0.2.1:443".into(),
            Some("example.test".into()),
            TlsTransport::Direct,
            ConnectFailure {
                kind: ConnectFailureKind::Timeout,
                reason: "x".into(),
            },
        );
        s.connect_error = None;
        for (version, suites) in [
            (
                TlsVersion::Tls12,
                vec![
                    (0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
                    (0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                ],
            ),
            (TlsVersion::Tls13, vec![(0x1302, "TLS_AES_256_GCM_SHA384")]),
        ] {
            s.versions.push(VersionResult {
                version,
                support: VersionSupport::Accepted,
                cipher_suites: suites
                    .into_iter()
                    .map(|(id, name)| CipherSuite {
                        id,
                        name: name.into(),
                    })
                    .collect(),
                preference: CipherPreference::Server,
                secure_renegotiation: None,
                extended_master_secret: None,
                incomplete: None,
            });
        }
        s.key_exchange.ecdhe_groups = Probed::Seen {
            value: vec![
                NamedGroup {
                    id: 0x0015,
                    name: "secp224r1".into(),
                },
                NamedGroup {
                    id: 0x001d,
                    name: "x25519".into(),
                },
            ],
        };
        s.certificates = Probed::Seen {
            value: CertificateChain {
                source: ChainSource::Handshake,
                version: TlsVersion::Tls13,
                der: vec!["bm90IGEgY2VydA==".into()],
            },
        };
        s
    }

    #[test]
    fn suites_and_groups_are_sorted_by_rating_and_a_bad_certificate_says_so() {
        let obs = Observations::default();
        let anchor = TrustAnchor::iana();
        let validator = Validator::new(&obs, &anchor, 0);
        let t = server_table(&obs, &validator, "example.test.", 443, &scan());
        assert_eq!(t.host, "example.test");
        assert_eq!(t.unreached, None);
        let ratings: Vec<Rating> = t.suites.iter().map(|s| s.rating).collect();
        let mut sorted = ratings.clone();
        sorted.sort();
        assert_eq!(ratings, sorted);
        assert_eq!(t.suites[0].name, "TLS_AES_256_GCM_SHA384");
        assert_eq!(t.groups[0].name, "x25519");
        assert_eq!(t.groups[1].rating, Rating::PhaseOut);
        assert_eq!(t.preference, Some(CipherPreference::Server));
        let chain = t.chain.expect("a chain was seen");
        assert_eq!(chain.len(), 1);
        assert!(chain[0].subject.is_empty(), "not a certificate: no subject");
        assert_eq!(t.dane.name, "_443._tcp.example.test.");
    }
}
