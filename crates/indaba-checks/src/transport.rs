//! Transport security judged from observations: the TLS scans, the
//! certificate chains they captured, and DANE (TLSA records with their DNSSEC
//! status). The standards' modules ([`crate::tls`], [`crate::certificate`],
//! [`crate::dane`]) judge; this one assembles their inputs for the web test
//! (HTTPS on 443) and the mail test (STARTTLS on 25).

use hickory_proto::rr::{RData, RecordType};
use indaba_model::tls::{TlsScan, TlsTransport};
use indaba_model::{Finding, Observations};
use time::OffsetDateTime;

use crate::certificate::{self, CertChecks, Endpoint, TrustStore};
use crate::dane::{self, DaneChecks, DaneEndpoint, Protocol, Tlsa, TlsaLookup};
use crate::dnssec::{Security, Validator};
use crate::lookup;
use crate::tls::{self, TlsIds};

/// The HTTPS port.
pub const HTTPS_PORT: u16 = 443;
/// The SMTP port.
pub const SMTP_PORT: u16 = 25;

/// The scans of `transport` among the observations, for the given host/address pairs.
fn scans_for(
    obs: &Observations,
    servers: &[(String, std::net::IpAddr)],
    port: u16,
    transport: TlsTransport,
) -> Vec<(String, TlsScan)> {
    servers
        .iter()
        .filter_map(|(host, ip)| {
            let address = lookup::socket_text(*ip, port);
            obs.tls
                .iter()
                .find(|s| s.address == address && s.transport == transport)
                .map(|s| (host.trim_end_matches('.').to_string(), s.clone()))
        })
        .collect()
}

fn chain_of(scan: &TlsScan) -> Result<Vec<Vec<u8>>, String> {
    if let Some(failure) = &scan.connect_error {
        return Err(failure.reason.clone());
    }
    match &scan.certificates {
        indaba_model::tls::Probed::Seen { value } => certificate::decode_chain(&value.der),
        indaba_model::tls::Probed::NotTested { reason }
        | indaba_model::tls::Probed::Error { reason } => Err(reason.clone()),
    }
}

/// The TLSA answer at `name`, with its DNSSEC status.
pub fn tlsa_lookup(obs: &Observations, validator: &Validator<'_>, name: &str) -> TlsaLookup {
    let response = match lookup::raw(obs, name, "TLSA") {
        Ok(r) => r,
        Err(reason) => return TlsaLookup::Failed(reason.to_string()),
    };
    if response.rcode == "NXDOMAIN" {
        return TlsaLookup::NoRecords;
    }
    if response.rcode != "NOERROR" {
        return TlsaLookup::Failed(format!("{name} TLSA: {}", response.rcode));
    }
    let records: Vec<Tlsa> = response
        .answer_data(RecordType::TLSA)
        .iter()
        .filter_map(|d| match d {
            RData::TLSA(t) => Tlsa::try_from(t).ok(),
            _ => None,
        })
        .collect();
    if records.is_empty() {
        return TlsaLookup::NoRecords;
    }
    match validator.answer(name, "TLSA") {
        Some(Security::Secure) => TlsaLookup::Secure(records),
        Some(Security::Insecure(_)) => TlsaLookup::Insecure(records),
        // TRANSITIONAL (h/dns): DNSSEC reasons are messages now; TlsaLookup
        // still holds text until the DANE findings take a Message.
        Some(Security::Bogus(reason)) => {
            TlsaLookup::Bogus(crate::dnssec::chain::developer_text(&reason))
        }
        Some(Security::Indeterminate(reason)) => {
            TlsaLookup::Failed(crate::dnssec::chain::developer_text(&reason))
        }
        None => TlsaLookup::NoRecords,
    }
}

/// The TLSA name of a service.
pub fn tlsa_name(host: &str, port: u16) -> String {
    format!("_{port}._tcp.{}.", host.trim_end_matches('.'))
}

/// One kind of TLS service the tests judge: where it listens and which
/// findings it gives.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// The port.
    pub port: u16,
    /// How TLS starts on it.
    pub transport: TlsTransport,
    /// The TLS findings' ids.
    pub tls: &'static TlsIds,
    /// The certificate findings' ids.
    pub certificate: &'static CertChecks,
    /// The DANE findings' ids and rules.
    pub dane: &'static DaneChecks,
}

impl Service {
    /// HTTPS on 443, for the web test.
    pub const HTTPS: Service = Service {
        port: HTTPS_PORT,
        transport: TlsTransport::Direct,
        tls: &TlsIds::WEB,
        certificate: &CertChecks::WEB,
        dane: &DaneChecks::WEB,
    };
    /// SMTP with STARTTLS on 25, for the mail test (RFC 7672 DANE; where DANE
    /// authenticates a server, its WebPKI trust and name are information).
    pub const SMTP: Service = Service {
        port: SMTP_PORT,
        transport: TlsTransport::SmtpStarttls,
        tls: &TlsIds::MAIL,
        certificate: &CertChecks::MAIL,
        dane: &DaneChecks::MAIL,
    };
}

/// Every TLS, certificate and DANE finding of `service` on `servers`.
pub fn findings(
    service: &Service,
    obs: &Observations,
    validator: &Validator<'_>,
    servers: &[(String, std::net::IpAddr)],
    roots: &TrustStore,
    now: OffsetDateTime,
) -> Vec<Finding> {
    let scans = scans_for(obs, servers, service.port, service.transport);
    let only_scans: Vec<TlsScan> = scans.iter().map(|(_, s)| s.clone()).collect();
    let mut out = tls::findings(service.tls, &only_scans);
    let dane_endpoints: Vec<DaneEndpoint> = scans
        .iter()
        .map(|(host, s)| {
            let name = tlsa_name(host, service.port);
            DaneEndpoint {
                address: s.address.clone(),
                host: host.clone(),
                extra_names: Vec::new(),
                tlsa: tlsa_lookup(obs, validator, &name),
                tlsa_name: name,
                chain: chain_of(s),
            }
        })
        .collect();
    let protocol = service.dane.protocol;
    let dane_assessed = dane::assess(&dane_endpoints, roots, now, protocol);
    let dane_authenticated: Vec<String> = match protocol {
        // For the web, browsers ignore DANE: WebPKI trust always counts.
        Protocol::Tls => Vec::new(),
        Protocol::Smtp => dane_assessed
            .iter()
            .filter(|a| a.authenticated())
            .map(|a| a.address.clone())
            .collect(),
    };
    let endpoints: Vec<Endpoint> = scans
        .iter()
        .map(|(host, s)| Endpoint {
            address: s.address.clone(),
            host: host.clone(),
            chain: chain_of(s),
        })
        .collect();
    let assessed = certificate::assess(&endpoints, roots, now);
    out.extend(certificate::findings(
        service.certificate,
        &assessed,
        &dane_authenticated,
        now,
    ));
    out.extend(dane::findings(service.dane, &dane_assessed));
    out
}
