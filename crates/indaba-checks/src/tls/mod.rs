//! TLS: versions, cipher suites and their order, key exchange, key-exchange
//! hash, compression, renegotiation, 0-RTT and OCSP stapling, judged per the
//! NCSC-NL TLS guidelines (2025-05) the way internet.nl applies them
//! (`web.tls.*`, `mail.tls.*`, `web.https.available`, `mail.starttls.available`).
//!
//! Each function takes the [`TlsScan`]s of every address tested (one per
//! address and port) and gives one finding with one piece of evidence per
//! address; the addresses combine with [`Status::worst`]. An address without
//! TLS (nothing on the HTTPS port, no STARTTLS, every version refused) fails
//! availability and leaves the other checks `not_tested`: they earn nothing
//! and say what is missing. An address that could not be tested (a timeout)
//! gives `error`, never a fail. The same functions serve the web and the
//! mail test: [`TlsIds::WEB`] and [`TlsIds::MAIL`] name the check ids (0-RTT
//! and OCSP are web-only). Findings speak in message ids
//! (`locales/en/findings-web.ftl`); what the probe wrote in its own words (a
//! connection error) is shown as data.

mod ffdhe;
pub mod tables;

use indaba_model::catalogue::ids;
use indaba_model::tls::{
    CipherPreference, ConnectFailureKind, Probed, SignatureOutcome, TlsScan, TlsTransport,
    TlsVersion, VersionSupport,
};
use indaba_model::{Arg, Evidence, Finding, Message, Status, ToMessage, msg};
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

/// Whether a scan reached a TLS server: what every TLS, certificate and DANE
/// check of the address stands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// A TLS handshake got as far as a ServerHello.
    Tls,
    /// What the checks test is missing: nothing accepts connections on the
    /// HTTPS port, the mail server offers no STARTTLS, or the server refuses
    /// every TLS version. The address's other checks are `not_tested`.
    Missing(Message),
    /// Could not be tested (a timeout, an answer that could not be followed):
    /// `error`.
    Failed(Message),
}

impl Reach {
    /// The status the address's checks (other than availability) get when
    /// there is no TLS to judge; `None` when there is.
    pub fn untested_status(&self) -> Option<Status> {
        match self {
            Reach::Tls => None,
            Reach::Missing(_) => Some(Status::NotTested),
            Reach::Failed(_) => Some(Status::Error),
        }
    }
}

impl ToMessage for Reach {
    /// What happened at the address ("nothing accepts connections on this
    /// port"); a reached server is described by the checks themselves.
    fn to_message(&self) -> Message {
        match self {
            Reach::Tls => msg!("tls-reach-ok"),
            Reach::Missing(why) | Reach::Failed(why) => why.clone(),
        }
    }
}

/// How far `scan` got. Only a refused connection on the HTTPS port means
/// "no HTTPS": a mail server that refuses port 25 is broken, not without
/// STARTTLS, so it could not be tested (internet.nl: unreachable is an
/// error). Timeouts are always errors.
pub fn reach(scan: &TlsScan) -> Reach {
    if let Some(failure) = &scan.connect_error {
        let reason = failure.reason.as_str();
        return match (failure.kind, scan.transport) {
            (ConnectFailureKind::NoStarttls, _) => {
                Reach::Missing(msg!("tls-reach-no-starttls", reason = reason))
            }
            (ConnectFailureKind::Unreachable, TlsTransport::Direct) => {
                Reach::Missing(msg!("tls-reach-no-listener", reason = reason))
            }
            (ConnectFailureKind::Unreachable, TlsTransport::SmtpStarttls) => {
                Reach::Failed(msg!("tls-reach-unreachable", reason = reason))
            }
            (ConnectFailureKind::Timeout, _) => {
                Reach::Failed(msg!("tls-reach-timeout", reason = reason))
            }
            (ConnectFailureKind::Protocol, _) => {
                Reach::Failed(msg!("tls-reach-protocol", reason = reason))
            }
        };
    }
    if scan.tls_succeeded() {
        return Reach::Tls;
    }
    let unknown = scan
        .versions
        .iter()
        .any(|v| matches!(v.support, VersionSupport::Error { .. }));
    if unknown {
        Reach::Failed(msg!("tls-reach-no-answer"))
    } else {
        Reach::Missing(msg!("tls-reach-refused-all"))
    }
}

/// The summary of a finding that could not pass because what it tests is
/// missing on `missing` of `total` addresses: no HTTPS for the web test, no
/// STARTTLS for the mail test ("not tested: no web server answers over
/// HTTPS").
pub fn not_tested_summary(transport: TlsTransport, missing: usize, total: usize) -> Message {
    match transport {
        TlsTransport::Direct if missing >= total => msg!("web-not-tested-no-https"),
        TlsTransport::Direct => msg!(
            "web-not-tested-some-https",
            missing = missing,
            total = total
        ),
        TlsTransport::SmtpStarttls if missing >= total => msg!("mail-not-tested-no-starttls"),
        TlsTransport::SmtpStarttls => {
            msg!(
                "mail-not-tested-some-starttls",
                missing = missing,
                total = total
            )
        }
    }
}

/// A status as a word ("Pass", "Not tested") for evidence.
pub(crate) fn status_word(status: Status) -> Message {
    Message::new(format!("status-{}", status.as_str().replace('_', "-")))
}

/// One address's verdict for one check.
struct Verdict {
    status: Status,
    detail: Message,
}

impl ToMessage for Verdict {
    /// "Pass: offered: TLS 1.3 (good)".
    fn to_message(&self) -> Message {
        msg!(
            "tls-address-verdict",
            status = status_word(self.status),
            detail = self.detail.clone()
        )
    }
}

fn verdict(status: Status, detail: Message) -> Verdict {
    Verdict { status, detail }
}

/// The sentences of one check: one per status the check can give. A
/// `not_tested` finding always says what is missing (see
/// [`not_tested_summary`]).
struct Summaries {
    pass: Message,
    fail: Message,
    warning: Option<Message>,
    info: Option<Message>,
    not_applicable: Option<Message>,
    error: Message,
}

impl Summaries {
    fn new(pass: Message, fail: Message, error: Message) -> Self {
        Summaries {
            pass,
            fail,
            warning: None,
            info: None,
            not_applicable: None,
            error,
        }
    }

    fn warning(mut self, m: Message) -> Self {
        self.warning = Some(m);
        self
    }

    fn info(mut self, m: Message) -> Self {
        self.info = Some(m);
        self
    }

    fn not_applicable(mut self, m: Message) -> Self {
        self.not_applicable = Some(m);
        self
    }

    fn of(self, status: Status, scans: &[TlsScan], verdicts: &[(String, Verdict)]) -> Message {
        let fallback = self.error.clone();
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Warning => self.warning.unwrap_or(fallback),
            Status::Info => self.info.unwrap_or(fallback),
            Status::NotApplicable => self.not_applicable.unwrap_or(self.pass),
            Status::Error => self.error,
            Status::NotTested => {
                let missing = verdicts
                    .iter()
                    .filter(|(_, v)| v.status == Status::NotTested)
                    .count();
                let transport = scans
                    .first()
                    .map(|s| s.transport)
                    .unwrap_or(TlsTransport::Direct);
                not_tested_summary(transport, missing, verdicts.len())
            }
        }
    }
}

/// The finding for no address at all: nothing to test, so nothing earned.
fn no_addresses(id: &str) -> Finding {
    Finding::new(id, Status::NotTested, msg!("tls-no-addresses"))
}

/// Sums up per-address verdicts: the worst status, one piece of evidence per
/// address.
fn finish(
    id: &str,
    scans: &[TlsScan],
    summaries: Summaries,
    verdicts: Vec<(String, Verdict)>,
) -> Finding {
    let Some(status) = Status::worst(verdicts.iter().map(|(_, v)| v.status)) else {
        return no_addresses(id);
    };
    let summary = summaries.of(status, scans, &verdicts);
    Finding::new(id, status, summary).with_all(
        verdicts
            .into_iter()
            .map(|(address, v)| Evidence::new(address, v.to_message())),
    )
}

/// Judges every scan with `judge` after the common reachability gate (an
/// address without TLS is not tested, one that could not be tested is an
/// error) and sums up.
fn combine(
    id: &str,
    scans: &[TlsScan],
    summaries: Summaries,
    judge: impl Fn(&TlsScan) -> Verdict,
) -> Finding {
    let verdicts = scans
        .iter()
        .map(|scan| {
            let v = match reach(scan) {
                Reach::Tls => judge(scan),
                Reach::Missing(why) => verdict(Status::NotTested, why),
                Reach::Failed(why) => verdict(Status::Error, why),
            };
            (scan.address.clone(), v)
        })
        .collect();
    finish(id, scans, summaries, verdicts)
}

/// Judges one part of a scan with `seen` when the server was asked; a part
/// that did not apply passes (the probe says why), one that got no usable
/// answer is an error.
fn judge_probe<T>(probe: &Probed<T>, seen: impl FnOnce(&T) -> Verdict) -> Verdict {
    match probe {
        Probed::Seen { value } => seen(value),
        Probed::NotTested { reason } => verdict(
            Status::Pass,
            msg!("tls-probe-skipped", reason = reason.as_str()),
        ),
        Probed::Error { reason } => verdict(
            Status::Error,
            msg!("tls-probe-failed", reason = reason.as_str()),
        ),
    }
}

/// A list for a message, or the word "none" when it is empty.
fn list_or_none(items: Vec<Arg>) -> Arg {
    if items.is_empty() {
        Arg::Msg(msg!("tls-none"))
    } else {
        Arg::List(items)
    }
}

/// "TLS 1.2 (sufficient)".
fn rated(what: &str, rating: Rating) -> Arg {
    Arg::Msg(msg!("tls-rated", what = what, rating = rating.to_message()))
}

/// `web.https.available` / `mail.starttls.available`: a TLS handshake (after
/// STARTTLS for mail) got as far as a ServerHello on every address. An
/// address without HTTPS or STARTTLS fails; one that could not be tested is
/// an error.
pub fn available(id: &str, scans: &[TlsScan]) -> Finding {
    let verdicts = scans
        .iter()
        .map(|scan| {
            let v = match reach(scan) {
                Reach::Tls => {
                    let accepted: Vec<&str> = scan.accepted_versions().map(|v| v.name()).collect();
                    verdict(
                        Status::Pass,
                        msg!("tls-available-handshake", versions = Arg::list(accepted)),
                    )
                }
                Reach::Missing(why) => verdict(Status::Fail, why),
                Reach::Failed(why) => verdict(Status::Error, why),
            };
            (scan.address.clone(), v)
        })
        .collect();
    finish(
        id,
        scans,
        Summaries::new(
            msg!("tls-available-pass"),
            msg!("tls-available-fail"),
            msg!("tls-available-error"),
        ),
        verdicts,
    )
}

/// `*.tls.version`: no version below TLS 1.2.
pub fn version(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        Summaries::new(
            msg!("tls-version-pass"),
            msg!("tls-version-fail"),
            msg!("tls-version-error"),
        ),
        |scan| {
            let mut offered = Vec::new();
            let mut bad = Vec::new();
            let mut unknown = Vec::new();
            for v in &scan.versions {
                match &v.support {
                    VersionSupport::Accepted => {
                        let rating = version_rating(v.version);
                        offered.push(rated(v.version.name(), rating));
                        if rating == Rating::Insufficient {
                            bad.push(Arg::from(v.version.name()));
                        }
                    }
                    VersionSupport::Error { reason } => unknown.push(Arg::Msg(msg!(
                        "tls-version-unknown",
                        version = v.version.name(),
                        reason = reason.as_str()
                    ))),
                    VersionSupport::Refused { .. } => {}
                }
            }
            if !bad.is_empty() {
                verdict(
                    Status::Fail,
                    msg!(
                        "tls-version-insufficient",
                        bad = Arg::List(bad),
                        offered = Arg::List(offered)
                    ),
                )
            } else if !unknown.is_empty() {
                verdict(
                    Status::Error,
                    msg!(
                        "tls-version-untested",
                        unknown = Arg::List(unknown),
                        offered = list_or_none(offered)
                    ),
                )
            } else {
                verdict(
                    Status::Pass,
                    msg!("tls-version-offered", offered = Arg::List(offered)),
                )
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
        Summaries::new(
            msg!("tls-ciphers-pass"),
            msg!("tls-ciphers-fail"),
            msg!("tls-ciphers-error"),
        )
        .warning(msg!("tls-ciphers-warning")),
        |scan| {
            let mut bad = Vec::new();
            let mut phase_out = Vec::new();
            let mut count = 0usize;
            let mut incomplete = Vec::new();
            for v in &scan.versions {
                if let Some(why) = &v.incomplete {
                    incomplete.push(Arg::Msg(msg!(
                        "tls-version-unknown",
                        version = v.version.name(),
                        reason = why.as_str()
                    )));
                }
                if let VersionSupport::Error { reason } = &v.support {
                    incomplete.push(Arg::Msg(msg!(
                        "tls-version-unknown",
                        version = v.version.name(),
                        reason = reason.as_str()
                    )));
                }
                for s in &v.cipher_suites {
                    count += 1;
                    let label = Arg::Msg(msg!(
                        "tls-suite-with-version",
                        suite = s.name.as_str(),
                        version = v.version.name()
                    ));
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
                    msg!(
                        "tls-insufficient-and-phase-out",
                        bad = Arg::List(bad),
                        phase_out = list_or_none(phase_out)
                    ),
                )
            } else if !incomplete.is_empty() {
                verdict(
                    Status::Error,
                    msg!("tls-ciphers-incomplete", versions = Arg::List(incomplete)),
                )
            } else if !phase_out.is_empty() {
                verdict(
                    Status::Warning,
                    msg!("tls-phase-out", items = Arg::List(phase_out)),
                )
            } else {
                verdict(Status::Pass, msg!("tls-ciphers-all-secure", count = count))
            }
        },
    )
}

/// `*.tls.cipher_order`: on the highest version below TLS 1.3, the server
/// prefers every good and sufficient suite to every phase-out one. Only
/// judged when phase-out suites are offered (as internet.nl does). A
/// TLS 1.3-only server has no order to judge and gets full credit, as in
/// internet.nl: not applicable. A server that follows the client's order
/// fails, since a client listing a phase-out suite first gets it.
pub fn cipher_order(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        Summaries::new(
            msg!("tls-cipher-order-pass"),
            msg!("tls-cipher-order-fail"),
            msg!("tls-cipher-order-error"),
        )
        .not_applicable(msg!("tls-cipher-order-not-applicable")),
        |scan| {
            let Some(version) = scan.highest_legacy_version() else {
                return verdict(Status::NotApplicable, msg!("tls-cipher-order-only-13"));
            };
            let Some(result) = scan.version(version) else {
                return verdict(
                    Status::Error,
                    msg!("tls-cipher-order-no-result", version = version.name()),
                );
            };
            let rated: Vec<(Rating, &str)> = result
                .cipher_suites
                .iter()
                .map(|s| (suite_rating(s.id), s.name.as_str()))
                .collect();
            let secure = rated
                .iter()
                .any(|(r, _)| matches!(r, Rating::Good | Rating::Sufficient));
            let phase_out: Vec<&str> = rated
                .iter()
                .filter(|(r, _)| *r == Rating::PhaseOut)
                .map(|(_, n)| *n)
                .collect();
            if phase_out.is_empty() || !secure {
                return verdict(
                    Status::Pass,
                    msg!("tls-cipher-order-no-choice", version = version.name()),
                );
            }
            match result.preference {
                CipherPreference::Client => verdict(
                    Status::Fail,
                    msg!(
                        "tls-cipher-order-client",
                        version = version.name(),
                        suite = phase_out.first().copied().unwrap_or_default()
                    ),
                ),
                CipherPreference::Undetermined => verdict(
                    Status::Error,
                    msg!("tls-cipher-order-undetermined", version = version.name()),
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
                            msg!(
                                "tls-cipher-order-prefers",
                                version = version.name(),
                                preferred = rated.get(p).map(|(_, n)| *n).unwrap_or_default(),
                                over = rated.get(s).map(|(_, n)| *n).unwrap_or_default()
                            ),
                        ),
                        _ => verdict(
                            Status::Pass,
                            msg!("tls-cipher-order-server", version = version.name()),
                        ),
                    }
                }
            }
        },
    )
}

/// `*.tls.key_exchange`: ECDHE curves and TLS 1.3 groups, the DHE group, and
/// no RSA key exchange. A server whose key exchange could not be seen at all
/// gets full credit, as in internet.nl ("no DH parameters"): not applicable.
pub fn key_exchange(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        Summaries::new(
            msg!("tls-key-exchange-pass"),
            msg!("tls-key-exchange-fail"),
            msg!("tls-key-exchange-error"),
        )
        .warning(msg!("tls-key-exchange-warning"))
        .not_applicable(msg!("tls-key-exchange-not-applicable")),
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
                            let text = Arg::Msg(msg!(
                                "tls-group-with-kind",
                                group = g.name.as_str(),
                                kind = label
                            ));
                            match group_rating(g.id) {
                                Rating::Insufficient => bad.push(text),
                                Rating::PhaseOut => phase_out.push(text),
                                Rating::Good | Rating::Sufficient => ok.push(text),
                            }
                        }
                    }
                    Probed::Error { reason } => untested.push(Arg::Msg(msg!(
                        "tls-groups-untested",
                        kind = label,
                        reason = reason.as_str()
                    ))),
                    Probed::NotTested { .. } => {}
                }
            }
            match &kx.dhe {
                Probed::Seen { value } => {
                    let (rating, named) = dh_rating(&value.prime, &value.generator);
                    let text = Arg::Msg(match named {
                        Some(bits) => msg!("tls-dhe-ffdhe", bits = bits),
                        // The RFC 2409/3526 MODP groups share this prefix
                        // (the digits of pi); they are not RFC 7919 groups.
                        None if value.prime.starts_with("ffffffffffffffffc90fdaa22168c234") => {
                            msg!("tls-dhe-modp", bits = value.bits)
                        }
                        None => msg!("tls-dhe-custom", bits = value.bits),
                    });
                    match rating {
                        Rating::Insufficient => bad.push(text),
                        Rating::PhaseOut => phase_out.push(text),
                        Rating::Good | Rating::Sufficient => ok.push(text),
                    }
                }
                Probed::Error { reason } => untested.push(Arg::Msg(msg!(
                    "tls-groups-untested",
                    kind = "DHE",
                    reason = reason.as_str()
                ))),
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
                bad.push(Arg::Msg(msg!(
                    "tls-rsa-key-exchange",
                    suites = Arg::list(rsa)
                )));
            }
            if !bad.is_empty() {
                verdict(
                    Status::Fail,
                    msg!(
                        "tls-insufficient-and-phase-out",
                        bad = Arg::List(bad),
                        phase_out = list_or_none(phase_out)
                    ),
                )
            } else if !untested.is_empty() {
                verdict(
                    Status::Error,
                    msg!("tls-key-exchange-untested", what = Arg::List(untested)),
                )
            } else if !phase_out.is_empty() {
                verdict(
                    Status::Warning,
                    msg!("tls-phase-out", items = Arg::List(phase_out)),
                )
            } else if ok.is_empty() {
                verdict(Status::NotApplicable, msg!("tls-key-exchange-none-seen"))
            } else {
                verdict(
                    Status::Pass,
                    msg!("tls-key-exchange-secure", groups = Arg::List(ok)),
                )
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
        Summaries::new(
            msg!("tls-kex-hash-pass"),
            msg!("tls-kex-hash-fail"),
            msg!("tls-kex-hash-error"),
        )
        .warning(msg!("tls-kex-hash-warning")),
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
                    msg!("tls-kex-hash-signed", algorithm = alg, hash = "SHA-1"),
                ),
                (Err(e), _) | (_, Err(e)) => {
                    verdict(Status::Error, msg!("tls-probe-failed", reason = e))
                }
                (Ok(None), Ok(Some(alg))) => verdict(
                    Status::Warning,
                    msg!("tls-kex-hash-signed", algorithm = alg, hash = "SHA-224"),
                ),
                (Ok(None), Ok(None)) => match &scan.kex_hash_sha1 {
                    Probed::NotTested { reason } => verdict(
                        Status::Pass,
                        msg!("tls-probe-skipped", reason = reason.as_str()),
                    ),
                    _ => verdict(Status::Pass, msg!("tls-kex-hash-unused")),
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
        Summaries::new(
            msg!("tls-compression-pass"),
            msg!("tls-compression-fail"),
            msg!("tls-compression-error"),
        ),
        |scan| {
            judge_probe(&scan.compression, |value| {
                if value.method != 0 {
                    verdict(
                        Status::Fail,
                        msg!(
                            "tls-compression-chosen",
                            version = value.version.name(),
                            method = value.method
                        ),
                    )
                } else {
                    verdict(
                        Status::Pass,
                        msg!("tls-compression-null", version = value.version.name()),
                    )
                }
            })
        },
    )
}

/// `*.tls.secure_renegotiation`: every ServerHello below TLS 1.3 has
/// renegotiation_info (RFC 5746).
pub fn secure_renegotiation(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        Summaries::new(
            msg!("tls-secure-renegotiation-pass"),
            msg!("tls-secure-renegotiation-fail"),
            msg!("tls-secure-renegotiation-error"),
        ),
        |scan| {
            let mut without = Vec::new();
            let mut with = Vec::new();
            for v in &scan.versions {
                match v.secure_renegotiation {
                    Some(true) => with.push(v.version.name()),
                    Some(false) => without.push(v.version.name()),
                    None => {}
                }
            }
            if !without.is_empty() {
                verdict(
                    Status::Fail,
                    msg!(
                        "tls-renegotiation-info-missing",
                        versions = Arg::list(without)
                    ),
                )
            } else if with.is_empty() {
                verdict(Status::Pass, msg!("tls-renegotiation-only-13"))
            } else {
                verdict(
                    Status::Pass,
                    msg!("tls-renegotiation-info-present", versions = Arg::list(with)),
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
        Summaries::new(
            msg!("tls-client-renegotiation-pass"),
            msg!("tls-client-renegotiation-warning"),
            msg!("tls-client-renegotiation-error"),
        )
        .warning(msg!("tls-client-renegotiation-warning")),
        |scan| {
            judge_probe(&scan.client_renegotiation, |value| {
                if value.accepted > 0 {
                    verdict(
                        Status::Warning,
                        msg!(
                            "tls-client-renegotiation-accepted",
                            version = value.version.name(),
                            accepted = value.accepted,
                            attempts = value.attempts
                        ),
                    )
                } else {
                    verdict(
                        Status::Pass,
                        msg!(
                            "tls-client-renegotiation-refused",
                            version = value.version.name(),
                            detail = value.detail.as_str()
                        ),
                    )
                }
            })
        },
    )
}

/// `web.tls.zero_rtt`: the server does not act on 0-RTT early data; one
/// that accepts it must answer 425 Too Early (RFC 8470). (The mail test has
/// no 0-RTT check: internet.nl always rates it not applicable for SMTP,
/// its issue 2055.)
pub fn zero_rtt(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        Summaries::new(
            msg!("tls-zero-rtt-pass"),
            msg!("tls-zero-rtt-fail"),
            msg!("tls-zero-rtt-error"),
        ),
        |scan| {
            judge_probe(&scan.zero_rtt, |value| {
                if value.early_data_accepted && value.http_status == Some(425) {
                    verdict(Status::Pass, msg!("tls-zero-rtt-too-early"))
                } else if value.early_data_accepted {
                    verdict(
                        Status::Fail,
                        msg!("tls-zero-rtt-accepted", detail = value.detail.as_str()),
                    )
                } else {
                    verdict(
                        Status::Pass,
                        msg!("tls-zero-rtt-not-accepted", detail = value.detail.as_str()),
                    )
                }
            })
        },
    )
}

/// `web.tls.ocsp_stapling`: when the certificate names an OCSP responder,
/// the server staples a successful OCSP response. The staple's signature is
/// not verified here (that needs the issuer and the trust store, which the
/// certificate checks hold); a staple that is not a successful
/// OCSPResponse warns, none at all informs. A certificate without a
/// responder has nothing to staple: not applicable (a recommended check,
/// so no points are at stake; internet.nl says "not tested").
pub fn ocsp_stapling(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        Summaries::new(
            msg!("tls-ocsp-pass"),
            msg!("tls-ocsp-warning"),
            msg!("tls-ocsp-error"),
        )
        .info(msg!("tls-ocsp-info"))
        .warning(msg!("tls-ocsp-warning"))
        .not_applicable(msg!("tls-ocsp-not-applicable")),
        |scan| {
            let leaf = match &scan.certificates {
                Probed::Seen { value } => value.der.first().cloned(),
                Probed::NotTested { reason } => {
                    return verdict(
                        Status::NotTested,
                        msg!("tls-ocsp-no-certificate", reason = reason.as_str()),
                    );
                }
                Probed::Error { reason } => {
                    return verdict(
                        Status::Error,
                        msg!("tls-ocsp-no-certificate", reason = reason.as_str()),
                    );
                }
            };
            let Some(leaf) = leaf else {
                return verdict(Status::NotTested, msg!("tls-ocsp-none-presented"));
            };
            let Some(leaf) = base64_decode(&leaf) else {
                return verdict(Status::Error, msg!("tls-ocsp-stored-not-base64"));
            };
            match ocsp_responder(&leaf) {
                Err(e) => return verdict(Status::Error, e),
                Ok(None) => {
                    return verdict(Status::NotApplicable, msg!("tls-ocsp-no-responder"));
                }
                Ok(Some(_)) => {}
            }
            match &scan.ocsp_staple {
                Probed::Seen { value } => match value.der.as_deref().map(base64_decode) {
                    None => verdict(Status::Info, msg!("tls-ocsp-not-stapled")),
                    Some(None) => verdict(Status::Warning, msg!("tls-ocsp-stored-not-base64")),
                    Some(Some(der)) => match ocsp_response_status(&der) {
                        Ok(0) => verdict(Status::Pass, msg!("tls-ocsp-stapled")),
                        Ok(code) => {
                            verdict(Status::Warning, msg!("tls-ocsp-unsuccessful", code = code))
                        }
                        Err(e) => verdict(Status::Warning, msg!("tls-ocsp-malformed", reason = e)),
                    },
                },
                Probed::NotTested { reason } | Probed::Error { reason } => verdict(
                    Status::Error,
                    msg!("tls-probe-failed", reason = reason.as_str()),
                ),
            }
        },
    )
}

/// Extended master secret (RFC 7627) on TLS 1.2, for an id the catalogue
/// may add (internet.nl's `extended_master_secret`): a server without
/// TLS 1.2 has nothing to judge and gets full credit (not applicable).
pub fn extended_master_secret(id: &str, scans: &[TlsScan]) -> Finding {
    combine(
        id,
        scans,
        Summaries::new(
            msg!("tls-ems-pass"),
            msg!("tls-ems-fail"),
            msg!("tls-ems-error"),
        )
        .not_applicable(msg!("tls-ems-not-applicable")),
        |scan| match scan
            .version(TlsVersion::Tls12)
            .filter(|v| v.support == VersionSupport::Accepted)
            .and_then(|v| v.extended_master_secret)
        {
            Some(true) => verdict(Status::Pass, msg!("tls-ems-offered")),
            Some(false) => verdict(Status::Fail, msg!("tls-ems-missing")),
            None => verdict(Status::NotApplicable, msg!("tls-ems-no-tls12")),
        },
    )
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The OCSP responder URL of a certificate's Authority Information Access.
fn ocsp_responder(der: &[u8]) -> Result<Option<String>, Message> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der)
        .map_err(|e| msg!("tls-ocsp-certificate-unreadable", reason = e.to_string()))?;
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
fn ocsp_response_status(der: &[u8]) -> Result<u32, Message> {
    use x509_parser::der_parser::ber::BerObjectContent;
    let (_, obj) = x509_parser::der_parser::parse_der(der)
        .map_err(|e| msg!("tls-ocsp-der", reason = e.to_string()))?;
    let items = obj
        .as_sequence()
        .map_err(|_| msg!("tls-ocsp-not-sequence"))?;
    match items.first().map(|i| &i.content) {
        Some(BerObjectContent::Enum(code)) => {
            u32::try_from(*code).map_err(|_| msg!("tls-ocsp-status-range"))
        }
        _ => Err(msg!("tls-ocsp-no-status")),
    }
}

#[cfg(test)]
mod tests;
