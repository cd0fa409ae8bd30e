//! Feeds of scan and sinkhole results in the CSV formats Shadowserver
//! publishes (open resolvers, vulnerable and accessible services,
//! compromised hosts…): each row becomes an event, classified by RSIT after
//! its report type, to be matched to a constituent and sent in one digest
//! per constituent per day.
//!
//! Rows are read one at a time (`csv`, streaming), so a file of any length
//! takes memory for one row; a row that does not parse is counted with its
//! line number and the reason, and the rest goes on.

use std::io::Read;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::taxonomy::Classification;

/// The longest field kept, in bytes (longer ones are cut).
pub const MAX_FIELD: usize = 512;
/// The most row errors kept in detail (the rest are only counted).
pub const MAX_ERRORS: usize = 100;

/// The classification of a Shadowserver report type (its file name's
/// `scan_dns`, `event4_sinkhole`…), after IntelMQ's mapping.
pub fn classify(report_type: &str) -> Classification {
    let t = report_type.to_ascii_lowercase();
    let (class, kind) = match t.as_str() {
        "scan_dns" | "scan_ntp" | "scan_ntpmonitor" | "scan_ssdp" | "scan_snmp"
        | "scan_chargen" | "scan_qotd" | "scan_memcached" | "scan_ldap_udp" | "scan_mdns"
        | "scan_portmapper" | "scan_netbios" | "scan_tftp" => ("vulnerable", "ddos-amplifier"),
        "scan_rdp" | "scan_telnet" | "scan_smb" | "scan_vnc" | "scan_elasticsearch"
        | "scan_mongodb" | "scan_redis" | "scan_ftp" | "scan_mysql" | "scan_postgres"
        | "scan_mssql" | "scan_docker" | "scan_ipp" | "scan_cwmp" => {
            ("vulnerable", "potentially-unwanted-accessible")
        }
        "scan_ssl_poodle" | "scan_ssl_freak" | "scan_ssl" | "scan_ssh_weak" => {
            ("vulnerable", "weak-crypto")
        }
        "event4_sinkhole"
        | "event6_sinkhole"
        | "event4_sinkhole_http"
        | "event6_sinkhole_http"
        | "botnet_drone"
        | "event4_microsoft_sinkhole"
        | "drone" => ("malicious-code", "infected-system"),
        "compromised_website" | "event4_honeypot_darknet" => {
            ("intrusions", "application-compromise")
        }
        "event4_honeypot_brute_force" | "honeypot_brute_force" => {
            ("intrusion-attempts", "brute-force")
        }
        "event4_ip_spoofer" | "scan_http_proxy" | "scan_socks" => {
            ("vulnerable", "potentially-unwanted-accessible")
        }
        "cc_ip" | "event4_c2" => ("malicious-code", "c2-server"),
        "phish_url" | "phishing" => ("fraud", "phishing"),
        _ if t.starts_with("scan_") => ("vulnerable", "vulnerable-system"),
        _ => ("other", "undetermined"),
    };
    Classification::new(class, kind).unwrap_or_else(|_| Classification::undetermined())
}

/// The report type named in a Shadowserver file name
/// (`2026-12-05-scan_dns-za-geo.csv` → `scan_dns`).
pub fn report_type_of_file(name: &str) -> Option<String> {
    let stem = name.rsplit(['/', '\\']).next()?.trim_end_matches(".csv");
    let parts: Vec<&str> = stem.split('-').collect();
    // Date first (YYYY-MM-DD), then the type.
    let rest = if parts.len() > 3
        && parts[0].len() == 4
        && parts[..3]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        &parts[3..]
    } else {
        &parts[..]
    };
    rest.first()
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .map(|t| t.to_ascii_lowercase())
}

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it was seen, Unix seconds.
    pub time: i64,
    /// The address concerned.
    pub ip: IpAddr,
    /// Its port, if given.
    pub port: Option<u16>,
    /// The AS announcing it, if given.
    pub asn: Option<u32>,
    /// A host name, if given.
    pub hostname: Option<String>,
    /// The report type.
    pub report_type: String,
    /// What was found (`tag`, `infection`): `open-dns`, `mirai`…
    pub identifier: String,
    /// The classification.
    pub classification: Classification,
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Its line in the file (1 is the header).
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// No header, or one without the columns every Shadowserver report has.
    #[error(
        "the file has no Shadowserver header (needs at least \"timestamp\" and \"ip\" columns): {0}"
    )]
    Header(String),
}

fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('Z').replace('T', " ");
    let t = t.split('+').next().unwrap_or(&t).trim();
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(t, format)
        .ok()
        .map(|dt| dt.assume_utc().unix_timestamp())
}

/// Reads a feed: calls `each` with every event, and returns the row errors
/// (at most [`MAX_ERRORS`] in detail) and their total count.
pub fn read<R: Read>(
    input: R,
    report_type: &str,
    mut each: impl FnMut(Event),
) -> Result<(Vec<RowError>, u64), FeedError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let headers = reader
        .byte_headers()
        .map_err(|e| FeedError::Header(e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers.iter().position(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                == name
        })
    };
    let (Some(time_col), Some(ip_col)) = (col("timestamp"), col("ip")) else {
        return Err(FeedError::Header(format!(
            "columns: {}",
            String::from_utf8_lossy(headers.as_slice())
                .chars()
                .take(200)
                .collect::<String>()
        )));
    };
    let port_col = col("port");
    let asn_col = col("asn");
    let host_col = col("hostname");
    let ident_cols: Vec<usize> = ["infection", "tag", "type"]
        .iter()
        .filter_map(|n| col(n))
        .collect();
    let classification = classify(report_type);
    let mut errors = Vec::new();
    let mut error_count = 0u64;
    let mut record = csv::ByteRecord::new();
    let mut fail = |line: u64, reason: String, errors: &mut Vec<RowError>| {
        error_count += 1;
        if errors.len() < MAX_ERRORS {
            errors.push(RowError { line, reason });
        }
    };
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                fail(line, e.to_string().chars().take(200).collect(), &mut errors);
                // A broken quote can swallow the rest: stop at an I/O error.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let field = |i: Option<usize>| -> Option<String> {
            let raw = record.get(i?)?;
            let raw = &raw[..raw.len().min(MAX_FIELD)];
            let s = String::from_utf8_lossy(raw).trim().to_string();
            (!s.is_empty()).then_some(s)
        };
        let Some(time) = field(Some(time_col)).as_deref().and_then(parse_time) else {
            fail(line, "no readable timestamp".into(), &mut errors);
            continue;
        };
        let Some(ip) = field(Some(ip_col)).and_then(|s| s.parse::<IpAddr>().ok()) else {
            fail(line, "no readable ip".into(), &mut errors);
            continue;
        };
        let identifier = ident_cols
            .iter()
            .find_map(|c| field(Some(*c)))
            .unwrap_or_else(|| report_type.to_string())
            .chars()
            .filter(|c| !c.is_control())
            .take(100)
            .collect();
        each(Event {
            time,
            ip,
            port: field(port_col).and_then(|p| p.parse().ok()),
            asn: field(asn_col).and_then(|a| a.trim_start_matches("AS").parse().ok()),
            hostname: field(host_col)
                .map(|h| h.chars().filter(|c| !c.is_control()).take(253).collect()),
            report_type: report_type.chars().take(60).collect(),
            identifier,
            classification,
        });
    }
    Ok((errors, error_count))
}

/// The CSV attachment of one constituent's daily digest.
pub fn digest_csv(events: &[Event]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "time",
        "ip",
        "port",
        "asn",
        "hostname",
        "type",
        "identifier",
        "classification",
    ]);
    for e in events {
        let when = time::OffsetDateTime::from_unix_timestamp(e.time)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        let _ = w.write_record([
            when,
            e.ip.to_string(),
            e.port.map(|p| p.to_string()).unwrap_or_default(),
            e.asn.map(|a| a.to_string()).unwrap_or_default(),
            e.hostname.clone().unwrap_or_default(),
            e.report_type.clone(),
            e.identifier.clone(),
            e.classification.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OPEN_DNS: &str = "\"timestamp\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"dns_version\",\"asn\",\"geo\"\n\
\"2026-12-05 01:02:03\",\"127.0.10.1\",\"udp\",53,\"ns.hoster.test\",\"openresolver\",\"9.18\",64500,\"ZA\"\n\
\"2026-12-05 01:02:04\",\"not-an-ip\",\"udp\",53,,\"openresolver\",,64500,\"ZA\"\n\
\"2026-12-05 01:02:05\",\"fd00::10:1\",\"udp\",53,,\"openresolver\",,,\"ZA\"\n";

    #[test]
    fn reads_open_resolvers() {
        let mut events = Vec::new();
        let (errors, count) = read(OPEN_DNS.as_bytes(), "scan_dns", |e| events.push(e)).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(count, 1);
        assert_eq!(errors[0].line, 3);
        let e = &events[0];
        assert_eq!(e.ip.to_string(), "127.0.10.1");
        assert_eq!(e.port, Some(53));
        assert_eq!(e.asn, Some(64500));
        assert_eq!(e.identifier, "openresolver");
        assert_eq!(e.classification.to_string(), "vulnerable/ddos-amplifier");
        let csv = digest_csv(&events);
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("2026-12-05T01:02:03Z,127.0.10.1,53,64500")
        );
    }

    #[test]
    fn types_from_file_names() {
        assert_eq!(
            report_type_of_file("/tmp/2026-12-05-scan_dns-za-geo.csv").as_deref(),
            Some("scan_dns")
        );
        assert_eq!(
            report_type_of_file("event4_sinkhole.csv").as_deref(),
            Some("event4_sinkhole")
        );
        assert_eq!(
            classify("event4_sinkhole").to_string(),
            "malicious-code/infected-system"
        );
        assert_eq!(
            classify("scan_rdp").kind(),
            "potentially-unwanted-accessible"
        );
        assert_eq!(classify("scan_whatever").kind(), "vulnerable-system");
        assert_eq!(classify("unknown").to_string(), "other/undetermined");
    }

    #[test]
    fn no_header_is_an_error() {
        assert!(read("a,b\n1,2\n".as_bytes(), "scan_dns", |_| {}).is_err());
        assert!(read("".as_bytes(), "scan_dns", |_| {}).is_err());
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_or_refused(body in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut input = b"timestamp,ip,port\n".to_vec();
            input.extend(body);
            let mut n = 0;
            let r = read(&input[..], "scan_dns", |_| n += 1);
            prop_assert!(r.is_ok());
        }
    }
}
