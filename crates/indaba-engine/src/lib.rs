//! The engine: plans the probes a test needs, runs them under the test's time
//! limit with one shared session (so nothing is asked twice), judges the
//! observations with the checks, scores the findings and returns the report.
//!
//! The CLI, the web site, the API and the monitor all call [`run`], so every
//! door gives the same report.

pub mod contacts;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use hickory_proto::rr::Name;
use indaba_checks::dnssec::TrustAnchor;
use indaba_checks::lookup::{self, MailHosts};
use indaba_model::address::{self, AddressScope};
use indaba_model::observation::{DnsQuestion, QueryMode};
use indaba_model::report::REPORT_FORMAT;
use indaba_model::score::{self, POLICY_VERSION};
use indaba_model::{DomainName, Observations, Outcome, Report, TestKind, Verdict, msg};
use indaba_probe::routing::RoutingSources;
use indaba_probe::{ProbeSettings, Session, chain, routing};

pub mod spf;

/// Version of the engine, stored in every report.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
/// At most this many MX hosts are tested (RFC 5321 sets no limit; abuse does).
pub const MAX_MAIL_HOSTS: usize = 10;
/// At most this many name servers are tested.
pub const MAX_NAME_SERVERS: usize = 13;

/// Everything a test run needs to know.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// How probes talk to the network.
    pub probe: ProbeSettings,
    /// The DNSSEC trust anchor.
    pub anchor: TrustAnchor,
    /// The roots certificates must chain to (`--ca-file`, or Mozilla's).
    pub roots: Arc<indaba_checks::certificate::TrustStore>,
    /// Time limit of a whole test.
    pub report_timeout: Duration,
    /// Judge as of this time instead of the clock (reproducible reports).
    pub now: Option<time::OffsetDateTime>,
    /// DKIM selectors whose key records the mail test checks.
    pub dkim_selectors: Vec<String>,
    /// Where route origins and VRPs come from (none: the routing checks
    /// report that they are not configured).
    pub routing: RoutingSources,
    /// TLS scans shared with the other tests of a scan run (the platform's
    /// worker, batches): domains sharing mail servers cost one scan each.
    pub shared_scans: Option<indaba_probe::SharedScans>,
    /// The RDAP client (bootstrap location, limits, answer cache), shared by
    /// every test and contact lookup of the process.
    pub rdap: Arc<indaba_probe::rdap::RdapClient>,
}

/// Why a test was not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The target resolves to an address the SSRF guard refuses.
    #[error(
        "{domain} resolves to {address}, a {scope} address; this instance does not test \
         private targets (use --allow-private-targets on a test network)"
    )]
    PrivateTarget {
        /// The domain asked for.
        domain: String,
        /// The refused address.
        address: IpAddr,
        /// What kind of address it is.
        scope: AddressScope,
    },
}

/// Runs a `kind` test of `domain` and returns the report.
pub async fn run(
    settings: &EngineSettings,
    domain: &DomainName,
    kind: TestKind,
) -> Result<Report, EngineError> {
    let started_at = time::OffsetDateTime::now_utc();
    let started = Instant::now();
    let mut session = Session::new(settings.probe.clone(), started + settings.report_timeout);
    if let Some(scans) = &settings.shared_scans {
        session = session.with_shared_scans(scans.clone());
    }
    let session = Arc::new(session);
    session.note_trust_anchor(settings.anchor.text.clone());
    let plan = {
        let session = session.clone();
        let domain = domain.clone();
        let sources = settings.routing.clone();
        let selectors = settings.dkim_selectors.clone();
        async move {
            match kind {
                TestKind::Web => probe_web(&session, &domain).await?,
                TestKind::Mail => {
                    probe_mail(&session, &domain).await?;
                    tokio::join!(
                        probe_mail_policies(&session, &domain, &selectors),
                        spf::probe(&session, &domain),
                    );
                }
            }
            probe_routes(&session, &sources, &domain, kind).await;
            Ok(())
        }
    };
    match tokio::time::timeout(settings.report_timeout, plan).await {
        Ok(Ok(())) => {}
        Ok(Err(refused)) => return Err(refused),
        Err(_) => session.note_cut_short(format!(
            "the test's time limit of {} s ran out; what was not observed is reported as error",
            settings.report_timeout.as_secs()
        )),
    }
    let observations = session.observations();
    Ok(judge(
        settings,
        domain,
        kind,
        observations,
        started_at,
        started.elapsed(),
    ))
}

/// Judges stored observations into a report (also used to re-judge a report
/// under a newer policy without scanning again).
pub fn judge(
    settings: &EngineSettings,
    domain: &DomainName,
    kind: TestKind,
    observations: Observations,
    started_at: time::OffsetDateTime,
    duration: Duration,
) -> Report {
    let context = indaba_checks::judge::JudgeContext {
        anchor: &settings.anchor,
        roots: &settings.roots,
        now: settings.now.unwrap_or(started_at),
    };
    let mut findings = indaba_checks::judge::judge(kind, domain.as_str(), &observations, &context);
    let scored = score::score(kind, &mut findings);
    let verdict = if scored.not_scored.is_empty() {
        Verdict::new(Outcome::Scored, msg!("verdict-scored"))
    } else {
        let mut v = Verdict::new(
            Outcome::NotScored,
            msg!(
                "verdict-not-scored",
                count = scored.not_scored.len(),
                total = scored.categories.len()
            ),
        );
        v.not_scored = scored.not_scored.clone();
        v
    };
    let mut report = Report {
        format: REPORT_FORMAT,
        target: domain.clone(),
        kind,
        engine_version: ENGINE_VERSION.to_string(),
        policy_version: POLICY_VERSION.to_string(),
        started: started_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        duration_ms: duration.as_millis() as u64,
        score: scored.overall,
        verdict,
        categories: scored.categories,
        findings,
        observations,
    };
    indaba_i18n::english().render_report(indaba_i18n::DEFAULT_LANGUAGE, &mut report);
    report
}

async fn probe_web(session: &Session, domain: &DomainName) -> Result<(), EngineError> {
    let name = domain.to_fqdn();
    let (_, a, aaaa) = tokio::join!(
        chain::collect(session, &name),
        session.resolve(DnsQuestion::new(&name, "A"), QueryMode::Raw),
        session.resolve(DnsQuestion::new(&name, "AAAA"), QueryMode::Raw),
    );
    let _ = (a, aaaa);
    let obs = session.observations();
    let v4 = lookup::addresses(&obs, &name, "A").unwrap_or_default();
    let v6 = lookup::addresses(&obs, &name, "AAAA").unwrap_or_default();
    guard(session, domain, v4.iter().chain(v6.iter()))?;
    let connects = async {
        let tries = v4.iter().chain(v6.iter()).flat_map(|ip| {
            indaba_checks::ipv6::WEB_PORTS
                .iter()
                .map(move |port| session.connect(SocketAddr::new(*ip, *port)))
        });
        join_all(tries).await;
    };
    // Every address over plain HTTP (redirect, same content) and HTTPS (HSTS,
    // headers); security.txt from the first address.
    let pages = async {
        let plain = v4
            .iter()
            .chain(v6.iter())
            .map(|ip| session.http_get(domain.as_str(), "/", SocketAddr::new(*ip, 80)));
        let secure = v4
            .iter()
            .chain(v6.iter())
            .map(|ip| session.https_get(domain.as_str(), "/", SocketAddr::new(*ip, 443)));
        let security_txt = v4.iter().chain(v6.iter()).take(1).map(|ip| {
            session.https_get(
                domain.as_str(),
                indaba_checks::website::SECURITY_TXT_PATH,
                SocketAddr::new(*ip, 443),
            )
        });
        tokio::join!(join_all(plain), join_all(secure), join_all(security_txt));
    };
    let tls = async {
        let scans = v4
            .iter()
            .chain(v6.iter())
            .map(|ip| session.tls_scan(SocketAddr::new(*ip, 443), domain.as_str(), false));
        join_all(scans).await;
    };
    let tlsa = session.resolve(
        DnsQuestion::new(&indaba_checks::transport::tlsa_name(&name, 443), "TLSA"),
        QueryMode::Raw,
    );
    // CAA at the domain and every parent: the set a CA would use is the
    // closest non-empty one, so all are asked at once.
    let caa = join_all(
        indaba_checks::caa::search_names(domain)
            .into_iter()
            .map(|n| session.resolve(DnsQuestion::new(&n.to_fqdn(), "CAA"), QueryMode::Raw)),
    );
    tokio::join!(
        connects,
        pages,
        tls,
        tlsa,
        caa,
        probe_name_servers(session, &name)
    );
    Ok(())
}

/// SMTP's port.
const SMTP_PORT: u16 = indaba_checks::transport::SMTP_PORT;

async fn probe_mail(session: &Session, domain: &DomainName) -> Result<(), EngineError> {
    let name = domain.to_fqdn();
    tokio::join!(
        chain::collect(session, &name),
        session.resolve(DnsQuestion::new(&name, "MX"), QueryMode::Raw),
    );
    let obs = session.observations();
    let hosts: Vec<Name> = match lookup::mail_hosts(&obs, &name) {
        Ok(MailHosts::Hosts(list)) => list
            .into_iter()
            .map(|(_, n)| n)
            .take(MAX_MAIL_HOSTS)
            .collect(),
        _ => Vec::new(),
    };
    let per_host = hosts.iter().map(|host| async move {
        let host = host.to_ascii();
        tokio::join!(
            chain::collect(session, &host),
            session.resolve(DnsQuestion::new(&host, "A"), QueryMode::Raw),
            session.resolve(DnsQuestion::new(&host, "AAAA"), QueryMode::Raw),
        );
    });
    tokio::join!(join_all(per_host), probe_name_servers(session, &name));
    let obs = session.observations();
    let addresses: Vec<IpAddr> = hosts
        .iter()
        .flat_map(|h| {
            let h = h.to_ascii();
            let mut all = lookup::addresses(&obs, &h, "A").unwrap_or_default();
            all.extend(lookup::addresses(&obs, &h, "AAAA").unwrap_or_default());
            all
        })
        .collect();
    guard(session, domain, addresses.iter())?;
    // STARTTLS on every MX address (one scan per address: the session caches
    // it) and each MX host's TLSA records.
    let transport = hosts.iter().map(|host| {
        let host = host.to_ascii();
        let mut ips = lookup::addresses(&obs, &host, "A").unwrap_or_default();
        ips.extend(lookup::addresses(&obs, &host, "AAAA").unwrap_or_default());
        async move {
            let tlsa_name = indaba_checks::transport::tlsa_name(&host, SMTP_PORT);
            let scans = ips
                .iter()
                .map(|ip| session.tls_scan(SocketAddr::new(*ip, SMTP_PORT), &host, true));
            let connects = ips
                .iter()
                .filter(|ip| ip.is_ipv6())
                .map(|ip| session.connect(SocketAddr::new(*ip, SMTP_PORT)));
            tokio::join!(
                join_all(scans),
                join_all(connects),
                session.resolve(DnsQuestion::new(&tlsa_name, "TLSA"), QueryMode::Raw),
            );
        }
    });
    join_all(transport).await;
    Ok(())
}

/// Looks up the DNS-published mail policies (DMARC, DKIM, TLS-RPT, MTA-STS),
/// then the authorisation records of external DMARC report destinations.
async fn probe_mail_policies(session: &Session, domain: &DomainName, selectors: &[String]) {
    session.note_dkim_selectors(selectors.to_vec());
    let first = indaba_checks::mailauth::policy_queries(domain, selectors);
    join_all(
        first
            .iter()
            .map(|n| session.resolve(DnsQuestion::new(n, "TXT"), QueryMode::Raw)),
    )
    .await;
    let obs = session.observations();
    let second = indaba_checks::mailauth::destination_queries(&obs, domain);
    let destinations = join_all(
        second
            .iter()
            .map(|n| session.resolve(DnsQuestion::new(n, "TXT"), QueryMode::Raw)),
    );
    let policy = indaba_checks::mailauth::mta_sts_policy_host(&obs, domain)
        .map(|host| fetch_mta_sts_policy(session, host));
    drop(obs);
    tokio::join!(destinations, async {
        if let Some(fetch) = policy {
            fetch.await;
        }
    });
}

/// Fetches the MTA-STS policy from the first address of its host (RFC 8461
/// §3.3: HTTPS, no redirects; the certificate is judged from the record).
async fn fetch_mta_sts_policy(session: &Session, host: DomainName) {
    let name = host.to_fqdn();
    tokio::join!(
        session.resolve(DnsQuestion::new(&name, "A"), QueryMode::Raw),
        session.resolve(DnsQuestion::new(&name, "AAAA"), QueryMode::Raw),
    );
    let obs = session.observations();
    let first = ["A", "AAAA"]
        .iter()
        .flat_map(|t| lookup::addresses(&obs, &name, t).unwrap_or_default())
        .next();
    drop(obs);
    if let Some(ip) = first {
        session
            .https_get(
                host.as_str(),
                indaba_checks::mailauth::MTA_STS_PATH,
                SocketAddr::new(ip, 443),
            )
            .await;
    }
}

/// Looks up the routes to every server the test touched.
async fn probe_routes(
    session: &Session,
    sources: &RoutingSources,
    domain: &DomainName,
    kind: TestKind,
) {
    let servers = lookup::server_groups(kind, &domain.to_fqdn(), &session.observations());
    let routing = routing::observe(session, sources, &servers.all_addresses()).await;
    session.note_routing(routing);
}

/// Finds the zone's name servers, their addresses, and asks each IPv6
/// address directly for the zone's NS records.
async fn probe_name_servers(session: &Session, name: &str) {
    let soa = session
        .resolve(DnsQuestion::new(name, "SOA"), QueryMode::Raw)
        .await;
    let Some(zone) = soa.response().and_then(|r| r.soa_owner()) else {
        return;
    };
    let zone = zone.to_ascii();
    session
        .resolve(DnsQuestion::new(&zone, "NS"), QueryMode::Raw)
        .await;
    let servers = lookup::name_servers(&session.observations(), &zone).unwrap_or_default();
    let zone = &zone;
    let per_server = servers.iter().take(MAX_NAME_SERVERS).map(|ns| async move {
        let ns = ns.to_ascii();
        tokio::join!(
            session.resolve(DnsQuestion::new(&ns, "A"), QueryMode::Raw),
            session.resolve(DnsQuestion::new(&ns, "AAAA"), QueryMode::Raw),
        );
        let v6 =
            indaba_checks::ipv6::ipv6_addresses(&session.observations(), &ns).unwrap_or_default();
        let asks = v6
            .into_iter()
            .map(|ip| session.ask_direct(SocketAddr::new(ip, 53), DnsQuestion::new(zone, "NS")));
        join_all(asks).await;
    });
    join_all(per_server).await;
}

/// Refuses the test when a target address is private and that is not allowed.
fn guard<'a>(
    session: &Session,
    domain: &DomainName,
    addresses: impl Iterator<Item = &'a IpAddr>,
) -> Result<(), EngineError> {
    if session.settings().allow_private {
        return Ok(());
    }
    for ip in addresses {
        if let Err(scope) = address::permitted(*ip, false) {
            return Err(EngineError::PrivateTarget {
                domain: domain.to_string(),
                address: *ip,
                scope,
            });
        }
    }
    Ok(())
}
