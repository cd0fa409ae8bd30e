//! TLS: versions, cipher suites and their order, key exchange, key-exchange
//! hash, compression, renegotiation, 0-RTT and OCSP stapling, judged per the
//! NCSC-NL TLS guidelines (2025-05) the way internet.nl applies them
//! (`web.tls.*`, `mail.tls.*`, `web.https.available`, `mail.starttls.available`).
//!
//! Each function takes the [`TlsScan`]s of every address tested (one per
//! address and port) and gives one finding with one piece of evidence per
//! address. An address that could not be reached or tested gives `error`
//! evidence, never a fail; a fail anywhere fails the finding. The same
//! functions serve the web and the mail test: [`TlsIds::WEB`] and
//! [`TlsIds::MAIL`] name the check ids (0-RTT and OCSP are web-only).

mod ffdhe;
pub mod tables;

use indaba_model::catalogue::ids;
use indaba_model::tls::{
    CipherPreference, ConnectFailureKind, Probed, SignatureOutcome, TlsScan, TlsVersion,
    VersionSupport,
};
use indaba_model::{Evidence, Finding, Status};
use tls_parser::TlsCipherKx;

pub use tables::{Rating, dh_rating, group_rating, suite_rating, version_rating};

/// The check ids of one test's TLS findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsIds {
    /// TLS (or STARTTLS) works on every address.
    pub available: &'static str,
    /// Versions.
    pub version: &'static str,
    /// Cipher suites.
    pub ciphers: &'static str,
    /// Cipher order.
    pub cipher_order: &'static str,
    /// Key-exchange parameters.
    pub key_exchange: &'static str,
    /// Hash of the key-exchange signature.
    pub kex_hash: &'static str,
    /// Compression.
    pub compression: &'static str,
    /// Secure renegotiation.
    pub secure_renegotiation: &'static str,
    /// Client-initiated renegotiation.
    pub client_renegotiation: &'static str,
    /// 0-RTT (web only).
    pub zero_rtt: Option<&'static str>,
    /// OCSP stapling (web only).
    pub ocsp_stapling: Option<&'static str>,
}

impl TlsIds {
    /// The website test's ids.
    pub const WEB: TlsIds = TlsIds {
        available: ids::WEB_HTTPS_AVAILABLE,
        version: ids::WEB_TLS_VERSION,
        ciphers: ids::WEB_TLS_CIPHERS,
        cipher_order: ids::WEB_TLS_CIPHER_ORDER,
        key_exchange: ids::WEB_TLS_KEY_EXCHANGE,
        kex_hash: ids::WEB_TLS_KEX_HASH,
        compression: ids::WEB_TLS_COMPRESSION,
        secure_renegotiation: ids::WEB_TLS_SECURE_RENEGOTIATION,
        client_renegotiation: ids::WEB_TLS_CLIENT_RENEGOTIATION,
        zero_rtt: Some(ids::WEB_TLS_ZERO_RTT),
        ocsp_stapling: Some(ids::WEB_TLS_OCSP_STAPLING),
    };

    /// The mail test's ids.
    pub const MAIL: TlsIds = TlsIds {
        available: ids::MAIL_STARTTLS_AVAILABLE,
        version: ids::MAIL_TLS_VERSION,
        ciphers: ids::MAIL_TLS_CIPHERS,
        cipher_order: ids::MAIL_TLS_CIPHER_ORDER,
        key_exchange: ids::MAIL_TLS_KEY_EXCHANGE,
        kex_hash: ids::MAIL_TLS_KEX_HASH,
        compression: ids::MAIL_TLS_COMPRESSION,
        secure_renegotiation: ids::MAIL_TLS_SECURE_RENEGOTIATION,
        client_renegotiation: ids::MAIL_TLS_CLIENT_RENEGOTIATION,
        zero_rtt: None,
        ocsp_stapling: None,
    };
}

/// Every TLS finding of a test, in catalogue order.
pub fn findings(ids: &TlsIds, scans: &[TlsScan]) -> Vec<Finding> {
    let mut out = vec![
        available(ids.available, scans),
        version(ids.version, scans),
        ciphers(ids.ciphers, scans),
        cipher_order(ids.cipher_order, scans),
        key_exchange(ids.key_exchange, scans),
        kex_hash(ids.kex_hash, scans),
        compression(ids.compression, scans),
        secure_renegotiation(ids.secure_renegotiation, scans),
        client_renegotiation(ids.client_renegotiation, scans),
    ];
    if let Some(id) = ids.zero_rtt {
        out.push(zero_rtt(id, scans));
    }
    if let Some(id) = ids.ocsp_stapling {
        out.push(ocsp_stapling(id, scans));
    }
    out
}

/// One address's verdict.
struct Verdict {
    status: Status,
    detail: String,
}

fn verdict(status: Status, detail: impl Into<String>) -> Verdict {
    Verdict {
        status,
        detail: detail.into(),
    }
}

/// Judges every scan with `judge` (after the common reachability gate) and
/// sums up: `summary` gives the sentence for the overall status.
fn combine(
    id: &str,
    scans: &[TlsScan],
    summary: impl Fn(Status) -> &'static str,
    judge: impl Fn(&TlsScan) -> Verdict,
) -> Finding {
    if scans.is_empty() {
        return Finding::new(id, Status::NotApplicable, "No server address was tested.");
    }
    let verdicts: Vec<(String, Verdict)> = scans
        .iter()
        .map(|scan| {
            let v = match gate(scan) {
                Some(v) => v,
                None => judge(scan),
            };
            (scan.address.clone(), v)
        })
        .collect();
    let status = verdicts
        .iter()
        .map(|(_, v)| v.status)
        .reduce(Status::and)
        .unwrap_or(Status::NotApplicable);
    Finding::new(id, status, summary(status)).with_all(
        verdicts
            .into_iter()
            .map(|(address, v)| Evidence::new(address, format!("{}: {}", v.status, v.detail))),
    )
}

/// The reachability gate shared by the TLS checks (not by `available`).
fn gate(scan: &TlsScan) -> Option<Verdict> {
    if let Some(failure) = &scan.connect_error {
        return Some(verdict(
            Status::Error,
            format!("not tested: {}", failure.reason),
        ));
    }
    if !scan.tls_succeeded() {
        return Some(verdict(
            Status::Error,
            "not tested: no TLS handshake succeeded",
        ));
    }
    None
}

fn names(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

/// `web.https.available` / `mail.starttls.available`: a TLS handshake (after
/// STARTTLS for mail) got as far as a ServerHello on every address.
pub fn available(id: &str, scans: &[TlsScan]) -> Finding {
    if scans.is_empty() {
        return Finding::new(id, Status::NotApplicable, "No server address was tested.");
    }
    let verdicts: Vec<(String, Verdict)> = scans
        .iter()
        .map(|scan| (scan.address.clone(), available_one(scan)))
        .collect();
    let status = verdicts
        .iter()
        .map(|(_, v)| v.status)
        .reduce(Status::and)
        .unwrap_or(Status::NotApplicable);
    let summary = match status {
        Status::Pass => "TLS is available on every address.",
        Status::Fail => "TLS is not available on every address.",
        _ => "Whether TLS is available could not be tested on every address.",
    };
    Finding::new(id, status, summary).with_all(
        verdicts
            .into_iter()
            .map(|(a, v)| Evidence::new(a, format!("{}: {}", v.status, v.detail))),
    )
}

fn available_one(scan: &TlsScan) -> Verdict {
    if let Some(failure) = &scan.connect_error {
        return match failure.kind {
            ConnectFailureKind::NoStarttls => verdict(Status::Fail, failure.reason.clone()),
            ConnectFailureKind::Unreachable
            | ConnectFailureKind::Timeout
            | ConnectFailureKind::Protocol => {
                verdict(Status::Error, format!("not tested: {}", failure.reason))
            }
        };
    }
    let accepted: Vec<String> = scan.accepted_versions().map(|v| v.to_string()).collect();
    if !accepted.is_empty() {
        return verdict(
            Status::Pass,
            format!("TLS handshake succeeded ({})", accepted.join(", ")),
        );
    }
    let unknown = scan
        .versions
        .iter()
        .any(|v| matches!(v.support, VersionSupport::Error { .. }));
    if unknown {
        verdict(
            Status::Error,
            "not tested: the server did not answer every ClientHello",
        )
    } else {
        verdict(Status::Fail, "the server refused every TLS version")
    }
}

/// `*.tls.version`: no version below TLS 1.2.
pub fn version(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "Only secure TLS versions are offered.",
            Status::Fail => "Insecure TLS or SSL versions are offered.",
            _ => "The TLS versions could not be tested on every address.",
        },
        |scan| {
            let mut offered = Vec::new();
            let mut bad = Vec::new();
            let mut unknown = Vec::new();
            for v in &scan.versions {
                match &v.support {
                    VersionSupport::Accepted => {
                        let rating = version_rating(v.version);
                        offered.push(format!(
                            "{} ({})",
                            v.version,
                            rating.as_str().replace('_', " ")
                        ));
                        if rating == Rating::Insufficient {
                            bad.push(v.version.to_string());
                        }
                    }
                    VersionSupport::Error { reason } => {
                        unknown.push(format!("{} ({reason})", v.version))
                    }
                    VersionSupport::Refused { .. } => {}
                }
            }
            if !bad.is_empty() {
                verdict(
                    Status::Fail,
                    format!(
                        "insufficient: {}; offered: {}",
                        bad.join(", "),
                        offered.join(", ")
                    ),
                )
            } else if !unknown.is_empty() {
                verdict(
                    Status::Error,
                    format!(
                        "not tested: {}; offered: {}",
                        unknown.join(", "),
                        names(&offered)
                    ),
                )
            } else {
                verdict(Status::Pass, format!("offered: {}", offered.join(", ")))
            }
        },
    )
}

/// `*.tls.ciphers`: every accepted suite good or sufficient; phase-out
/// suites warn, anything else fails.
pub fn ciphers(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "Only secure cipher suites are offered.",
            Status::Warning => "Cipher suites to be phased out are offered.",
            Status::Fail => "Insufficiently secure cipher suites are offered.",
            _ => "The cipher suites could not be tested on every address.",
        },
        |scan| {
            let mut bad: Vec<String> = Vec::new();
            let mut phase_out: Vec<String> = Vec::new();
            let mut count = 0;
            let mut incomplete = Vec::new();
            for v in &scan.versions {
                if let Some(why) = &v.incomplete {
                    incomplete.push(format!("{}: {why}", v.version));
                }
                if let VersionSupport::Error { reason } = &v.support {
                    incomplete.push(format!("{}: {reason}", v.version));
                }
                for s in &v.cipher_suites {
                    count += 1;
                    let label = format!("{} ({})", s.name, v.version);
                    match suite_rating(s.id) {
                        Rating::Insufficient => bad.push(label),
                        Rating::PhaseOut => phase_out.push(label),
                        Rating::Good | Rating::Sufficient => {}
                    }
                }
            }
            if !bad.is_empty() {
                verdict(
                    Status::Fail,
                    format!(
                        "insufficient: {}; phase out: {}",
                        bad.join(", "),
                        names(&phase_out)
                    ),
                )
            } else if !incomplete.is_empty() {
                verdict(
                    Status::Error,
                    format!("enumeration incomplete: {}", incomplete.join("; ")),
                )
            } else if !phase_out.is_empty() {
                verdict(
                    Status::Warning,
                    format!("phase out: {}", phase_out.join(", ")),
                )
            } else {
                verdict(
                    Status::Pass,
                    format!("{count} suite(s), all good or sufficient"),
                )
            }
        },
    )
}

/// `*.tls.cipher_order`: on the highest version below TLS 1.3, the server
/// prefers every good and sufficient suite to every phase-out one. Only
/// judged when phase-out suites are offered (as internet.nl does);
/// TLS 1.3-only servers pass. A server that follows the client's order fails,
/// since a client listing a phase-out suite first gets it.
pub fn cipher_order(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "The servers prefer secure cipher suites.",
            Status::Fail => "A server does not prefer secure cipher suites over phase-out ones.",
            _ => "The cipher order could not be tested on every address.",
        },
        |scan| {
            let Some(version) = scan.highest_legacy_version() else {
                return verdict(
                    Status::Pass,
                    "only TLS 1.3 is offered, where the order does not matter",
                );
            };
            let Some(result) = scan.version(version) else {
                return verdict(Status::Error, "not tested");
            };
            let rated: Vec<(Rating, &str)> = result
                .cipher_suites
                .iter()
                .map(|s| (suite_rating(s.id), s.name.as_str()))
                .collect();
            let secure: Vec<&str> = rated
                .iter()
                .filter(|(r, _)| matches!(r, Rating::Good | Rating::Sufficient))
                .map(|(_, n)| *n)
                .collect();
            let phase_out: Vec<&str> = rated
                .iter()
                .filter(|(r, _)| *r == Rating::PhaseOut)
                .map(|(_, n)| *n)
                .collect();
            if phase_out.is_empty() || secure.is_empty() {
                return verdict(
                    Status::Pass,
                    format!(
                        "{version}: no choice between phase-out and secure suites, so the order does not matter"
                    ),
                );
            }
            match result.preference {
                CipherPreference::Client => verdict(
                    Status::Fail,
                    format!(
                        "{version}: the server follows the client's order, so a client preferring {} gets it",
                        phase_out.first().copied().unwrap_or_default()
                    ),
                ),
                CipherPreference::Undetermined => verdict(
                    Status::Error,
                    format!("{version}: whose order the server follows could not be determined"),
                ),
                CipherPreference::Server => {
                    // The server's order: the first phase-out suite must come
                    // after the last secure one.
                    let first_phase_out = rated.iter().position(|(r, _)| *r == Rating::PhaseOut);
                    let last_secure = rated
                        .iter()
                        .rposition(|(r, _)| matches!(r, Rating::Good | Rating::Sufficient));
                    match (first_phase_out, last_secure) {
                        (Some(p), Some(s)) if p < s => verdict(
                            Status::Fail,
                            format!(
                                "{version}: the server prefers {} to {}",
                                rated.get(p).map(|(_, n)| *n).unwrap_or_default(),
                                rated.get(s).map(|(_, n)| *n).unwrap_or_default()
                            ),
                        ),
                        _ => verdict(
                            Status::Pass,
                            format!(
                                "{version}: the server prefers its secure suites to the phase-out ones"
                            ),
                        ),
                    }
                }
            }
        },
    )
}

/// `*.tls.key_exchange`: ECDHE curves and TLS 1.3 groups, the DHE group, and
/// no RSA key exchange.
pub fn key_exchange(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "The key-exchange parameters are secure.",
            Status::Warning => "Key-exchange parameters to be phased out are offered.",
            Status::Fail => "Insufficiently secure key exchange is offered.",
            _ => "The key exchange could not be tested on every address.",
        },
        |scan| {
            let mut bad = Vec::new();
            let mut phase_out = Vec::new();
            let mut ok = Vec::new();
            let mut untested = Vec::new();
            let kx = &scan.key_exchange;
            for (label, probe) in [("ECDHE", &kx.ecdhe_groups), ("TLS 1.3", &kx.tls13_groups)] {
                match probe {
                    Probed::Seen { value } => {
                        for g in value {
                            let text = format!("{} ({label})", g.name);
                            match group_rating(g.id) {
                                Rating::Insufficient => bad.push(text),
                                Rating::PhaseOut => phase_out.push(text),
                                Rating::Good | Rating::Sufficient => ok.push(text),
                            }
                        }
                    }
                    Probed::Error { reason } => untested.push(format!("{label} groups: {reason}")),
                    Probed::NotTested { .. } => {}
                }
            }
            match &kx.dhe {
                Probed::Seen { value } => {
                    let (rating, named) = dh_rating(&value.prime, &value.generator);
                    let text = match named {
                        Some(bits) => format!("DHE ffdhe{bits}"),
                        // The RFC 2409/3526 MODP groups share this prefix
                        // (the digits of pi); they are not RFC 7919 groups.
                        None if value.prime.starts_with("ffffffffffffffffc90fdaa22168c234") => {
                            format!("DHE {}-bit RFC 3526 MODP group", value.bits)
                        }
                        None => format!("DHE {}-bit custom group", value.bits),
                    };
                    match rating {
                        Rating::Insufficient => bad.push(text),
                        Rating::PhaseOut => phase_out.push(text),
                        Rating::Good | Rating::Sufficient => ok.push(text),
                    }
                }
                Probed::Error { reason } => untested.push(format!("DHE: {reason}")),
                Probed::NotTested { .. } => {}
            }
            let mut rsa: Vec<String> = scan
                .versions
                .iter()
                .flat_map(|v| v.cipher_suites.iter())
                .filter(|s| {
                    tls_parser::TlsCipherSuite::from_id(s.id)
                        .is_some_and(|c| c.kx == TlsCipherKx::Rsa)
                })
                .map(|s| s.name.clone())
                .collect();
            rsa.sort();
            rsa.dedup();
            if !rsa.is_empty() {
                bad.push(format!("RSA key exchange ({})", rsa.join(", ")));
            }
            if !bad.is_empty() {
                verdict(
                    Status::Fail,
                    format!(
                        "insufficient: {}; phase out: {}",
                        bad.join(", "),
                        names(&phase_out)
                    ),
                )
            } else if !untested.is_empty() {
                verdict(
                    Status::Error,
                    format!("not tested: {}", untested.join("; ")),
                )
            } else if !phase_out.is_empty() {
                verdict(
                    Status::Warning,
                    format!("phase out: {}", phase_out.join(", ")),
                )
            } else if ok.is_empty() {
                verdict(
                    Status::NotApplicable,
                    "no ECDHE, DHE or RSA key exchange was seen",
                )
            } else {
                verdict(Status::Pass, ok.join(", "))
            }
        },
    )
}

/// `*.tls.kex_hash`: a TLS 1.2 key exchange is not signed with SHA-1 when a
/// client offers only SHA-1 (fail), nor with SHA-224 (warning) (RFC 9155).
pub fn kex_hash(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "The key exchange is signed with a secure hash.",
            Status::Warning => "A server signs the key exchange with SHA-224 when asked.",
            Status::Fail => "A server signs the key exchange with SHA-1 when asked.",
            _ => "The key-exchange hash could not be tested on every address.",
        },
        |scan| {
            let accepted = |probe: &Probed<indaba_model::tls::SignatureProbe>| match probe {
                Probed::Seen { value } => match &value.outcome {
                    SignatureOutcome::Accepted { algorithm } => Ok(Some(algorithm.name.clone())),
                    _ => Ok(None),
                },
                Probed::NotTested { .. } => Ok(None),
                Probed::Error { reason } => Err(reason.clone()),
            };
            match (
                accepted(&scan.kex_hash_sha1),
                accepted(&scan.kex_hash_sha224),
            ) {
                (Ok(Some(alg)), _) => verdict(
                    Status::Fail,
                    format!("signed with {alg} when only SHA-1 was offered"),
                ),
                (Err(e), _) | (_, Err(e)) => verdict(Status::Error, format!("not tested: {e}")),
                (Ok(None), Ok(Some(alg))) => verdict(
                    Status::Warning,
                    format!("signed with {alg} when only SHA-224 was offered"),
                ),
                (Ok(None), Ok(None)) => match &scan.kex_hash_sha1 {
                    Probed::NotTested { reason } => verdict(Status::Pass, reason.clone()),
                    _ => verdict(Status::Pass, "SHA-1 and SHA-224 signatures are not used"),
                },
            }
        },
    )
}

/// `*.tls.compression`: no TLS compression (CRIME).
pub fn compression(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "TLS compression is off.",
            Status::Fail => "A server uses TLS compression.",
            _ => "TLS compression could not be tested on every address.",
        },
        |scan| match &scan.compression {
            Probed::Seen { value } if value.method != 0 => verdict(
                Status::Fail,
                format!(
                    "{}: the server chose compression method {}",
                    value.version, value.method
                ),
            ),
            Probed::Seen { value } => verdict(
                Status::Pass,
                format!(
                    "{}: DEFLATE offered, null compression chosen",
                    value.version
                ),
            ),
            Probed::NotTested { reason } => verdict(Status::Pass, reason.clone()),
            Probed::Error { reason } => verdict(Status::Error, format!("not tested: {reason}")),
        },
    )
}

/// `*.tls.secure_renegotiation`: every ServerHello below TLS 1.3 has
/// renegotiation_info (RFC 5746).
pub fn secure_renegotiation(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "Secure renegotiation is supported.",
            Status::Fail => "A server does not support secure renegotiation.",
            _ => "Secure renegotiation could not be tested on every address.",
        },
        |scan| {
            let mut without = Vec::new();
            let mut with = Vec::new();
            for v in &scan.versions {
                match v.secure_renegotiation {
                    Some(true) => with.push(v.version.to_string()),
                    Some(false) => without.push(v.version.to_string()),
                    None => {}
                }
            }
            if !without.is_empty() {
                verdict(
                    Status::Fail,
                    format!("no renegotiation_info with {}", without.join(", ")),
                )
            } else if with.is_empty() {
                verdict(
                    Status::Pass,
                    "only TLS 1.3 is offered, which has no renegotiation",
                )
            } else {
                verdict(
                    Status::Pass,
                    format!("renegotiation_info with {}", with.join(", ")),
                )
            }
        },
    )
}

/// `*.tls.client_renegotiation`: the server refuses client-initiated
/// renegotiation (a denial-of-service lever). Recommended: a warning.
pub fn client_renegotiation(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "Client-initiated renegotiation is refused.",
            Status::Warning => "A server allows client-initiated renegotiation.",
            _ => "Client-initiated renegotiation could not be tested on every address.",
        },
        |scan| match &scan.client_renegotiation {
            Probed::Seen { value } if value.accepted > 0 => verdict(
                Status::Warning,
                format!(
                    "{}: {} of {} renegotiation(s) accepted",
                    value.version, value.accepted, value.attempts
                ),
            ),
            Probed::Seen { value } => {
                verdict(Status::Pass, format!("{}: {}", value.version, value.detail))
            }
            Probed::NotTested { reason } => verdict(Status::Pass, reason.clone()),
            Probed::Error { reason } => verdict(Status::Error, format!("not tested: {reason}")),
        },
    )
}

/// `web.tls.zero_rtt`: the server does not act on 0-RTT early data; one
/// that accepts it must answer 425 Too Early (RFC 8470).
pub fn zero_rtt(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "0-RTT is not accepted.",
            Status::Fail => "A server accepts 0-RTT early data.",
            _ => "0-RTT could not be tested on every address.",
        },
        |scan| match &scan.zero_rtt {
            Probed::Seen { value }
                if value.early_data_accepted && value.http_status == Some(425) =>
            {
                verdict(
                    Status::Pass,
                    "early data accepted but answered 425 Too Early",
                )
            }
            Probed::Seen { value } if value.early_data_accepted => {
                verdict(Status::Fail, value.detail.clone())
            }
            Probed::Seen { value } => verdict(Status::Pass, value.detail.clone()),
            Probed::NotTested { reason } => verdict(Status::Pass, reason.clone()),
            Probed::Error { reason } => verdict(Status::Error, format!("not tested: {reason}")),
        },
    )
}

/// `web.tls.ocsp_stapling`: when the certificate names an OCSP responder,
/// the server staples a successful OCSP response. The staple's signature is
/// not verified here (that needs the issuer and the trust store, which the
/// certificate checks hold); a staple that is not a successful
/// OCSPResponse warns, none at all informs.
pub fn ocsp_stapling(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "The servers staple OCSP responses.",
            Status::Info => "A server does not staple an OCSP response.",
            Status::Warning => "A server staples an unusable OCSP response.",
            Status::NotApplicable => "The certificates name no OCSP responder.",
            _ => "OCSP stapling could not be tested on every address.",
        },
        |scan| {
            let leaf = match &scan.certificates {
                Probed::Seen { value } => value.der.first().cloned(),
                Probed::NotTested { reason } | Probed::Error { reason } => {
                    return verdict(Status::Error, format!("no certificate: {reason}"));
                }
            };
            let Some(leaf) = leaf.and_then(|b| base64_decode(&b)) else {
                return verdict(Status::Error, "no certificate was presented");
            };
            match ocsp_responder(&leaf) {
                Err(e) => return verdict(Status::Error, e),
                Ok(None) => {
                    return verdict(
                        Status::NotApplicable,
                        "the certificate names no OCSP responder",
                    );
                }
                Ok(Some(_)) => {}
            }
            match &scan.ocsp_staple {
                Probed::Seen { value } => match value.der.as_deref().map(base64_decode) {
                    None => verdict(Status::Info, "no OCSP response stapled"),
                    Some(None) => verdict(Status::Warning, "the stored staple is not base64"),
                    Some(Some(der)) => match ocsp_response_status(&der) {
                        Ok(0) => verdict(Status::Pass, "a successful OCSP response is stapled"),
                        Ok(code) => verdict(
                            Status::Warning,
                            format!("the stapled OCSP response has status {code}, not successful"),
                        ),
                        Err(e) => verdict(Status::Warning, format!("the staple is malformed: {e}")),
                    },
                },
                Probed::NotTested { reason } | Probed::Error { reason } => {
                    verdict(Status::Error, format!("not tested: {reason}"))
                }
            }
        },
    )
}

/// Extended master secret (RFC 7627) on TLS 1.2, for an id the catalogue
/// may add (internet.nl's `extended_master_secret`): not applicable without
/// TLS 1.2.
pub fn extended_master_secret(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        |s| match s {
            Status::Pass => "Extended master secret is supported.",
            Status::Fail => "A server does not support extended master secret.",
            Status::NotApplicable => "No server offers TLS 1.2.",
            _ => "Extended master secret could not be tested on every address.",
        },
        |scan| match scan
            .version(TlsVersion::Tls12)
            .filter(|v| v.support == VersionSupport::Accepted)
            .and_then(|v| v.extended_master_secret)
        {
            Some(true) => verdict(Status::Pass, "TLS 1.2: extended_master_secret"),
            Some(false) => verdict(Status::Fail, "TLS 1.2: no extended_master_secret"),
            None => verdict(Status::NotApplicable, "TLS 1.2 is not offered"),
        },
    )
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The OCSP responder URL of a certificate's Authority Information Access.
fn ocsp_responder(der: &[u8]) -> Result<Option<String>, String> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der)
        .map_err(|e| format!("the certificate does not parse: {e}"))?;
    for ext in cert.extensions() {
        if let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() {
            for desc in &aia.accessdescs {
                if desc.access_method == x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_OCSP
                    && let GeneralName::URI(uri) = &desc.access_location
                {
                    return Ok(Some((*uri).to_string()));
                }
            }
        }
    }
    Ok(None)
}

/// The responseStatus of a DER OCSPResponse (RFC 6960 §4.2.1).
fn ocsp_response_status(der: &[u8]) -> Result<u32, String> {
    use x509_parser::der_parser::ber::BerObjectContent;
    let (_, obj) = x509_parser::der_parser::parse_der(der).map_err(|e| e.to_string())?;
    let items = obj
        .as_sequence()
        .map_err(|_| "not a SEQUENCE".to_string())?;
    match items.first().map(|i| &i.content) {
        Some(BerObjectContent::Enum(code)) => {
            u32::try_from(*code).map_err(|_| "a response status out of range".to_string())
        }
        _ => Err("no responseStatus".into()),
    }
}

#[cfg(test)]
mod tests;
