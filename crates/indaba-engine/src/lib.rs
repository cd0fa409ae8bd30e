//! The engine: plans the probes a test needs, runs them under the test's time
//! limit with one shared session (so nothing is asked twice), judges the
//! observations with the checks, scores the findings and returns the report.
//!
//! The CLI, the web site, the API and the monitor all call [`run`], so every
//! door gives the same report.

pub mod contacts;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::collections::HashSet;

use futures::FutureExt;
use futures::stream::{FuturesUnordered, StreamExt};
use indaba_checks::browse::Scheme;
use indaba_checks::dnssec::TrustAnchor;
use indaba_checks::plan::{self, Probe};
use indaba_checks::verdict;
use indaba_model::address::{self, AddressScope};
use indaba_model::report::REPORT_FORMAT;
use indaba_model::score::{self, POLICY_VERSION};
use indaba_model::{DomainName, Observations, Outcome, Report, TestKind};
use indaba_probe::routing::RoutingSources;
use indaba_probe::{ProbeSettings, Session, chain, routing};

pub mod spf;

/// Version of the engine, stored in every report.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

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
    /// The name is one this instance does not test (a special-use name).
    #[error("{domain} is not tested here: {reason}")]
    Refused {
        /// The domain asked for.
        domain: String,
        /// Why, for people.
        reason: String,
    },
}

/// Runs a `kind` test of `domain` and returns the report.
pub async fn run(
    settings: &EngineSettings,
    domain: &DomainName,
    kind: TestKind,
) -> Result<Report, EngineError> {
    indaba_model::name::testable(domain, settings.probe.allow_private).map_err(|refusal| {
        EngineError::Refused {
            domain: domain.to_string(),
            reason: indaba_i18n::english().render(
                indaba_i18n::DEFAULT_LANGUAGE,
                &indaba_model::ToMessage::to_message(&refusal),
            ),
        }
    })?;
    let started_at = time::OffsetDateTime::now_utc();
    let started = Instant::now();
    if verdict::before_probing(domain).is_some() {
        return Ok(judge(
            settings,
            domain,
            kind,
            Observations::default(),
            started_at,
            started.elapsed(),
        ));
    }
    let mut session = Session::new(settings.probe.clone(), started + settings.report_timeout);
    if let Some(scans) = &settings.shared_scans {
        session = session.with_shared_scans(scans.clone());
    }
    let session = Arc::new(session);
    session.note_trust_anchor(settings.anchor.text.clone());
    session.note_dkim_selectors(settings.dkim_selectors.clone());
    let target = plan::Target {
        kind,
        domain,
        dkim_selectors: &settings.dkim_selectors,
    };
    let probing = async {
        probe(&session, target).await?;
        let addresses = session.with_observations(|obs| plan::route_addresses(target, obs));
        let routing = routing::observe(&session, &settings.routing, &addresses).await;
        session.note_routing(routing);
        Ok(())
    };
    match tokio::time::timeout(settings.report_timeout, probing).await {
        Ok(Ok(())) => {}
        Ok(Err(refused)) => return Err(refused),
        Err(_) => session.note_cut_short(indaba_model::msg!(
            "cut-short-time",
            seconds = settings.report_timeout.as_secs() as i64
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

/// Runs every probe the planner wants, each once, asking the planner again
/// whenever probes finish, until it wants nothing new. Before any probe
/// contacts the target, the SSRF guard checks the target's addresses.
async fn probe(session: &Session, target: plan::Target<'_>) -> Result<(), EngineError> {
    let mut started: HashSet<Probe> = HashSet::new();
    let mut running = FuturesUnordered::new();
    loop {
        let (wanted, targets) = session.with_observations(|obs| {
            (
                plan::wanted(target, obs),
                plan::target_addresses(target, obs),
            )
        });
        guard(session, target.domain, targets.iter())?;
        for probe in wanted {
            if started.insert(probe.clone()) {
                running.push(execute(session, probe));
            }
        }
        if running.next().await.is_none() {
            return Ok(());
        }
        // Everything else that finished meanwhile, before planning again.
        while let Some(Some(())) = running.next().now_or_never() {}
    }
}

/// Runs one probe through the session (which records what it saw).
async fn execute(session: &Session, probe: Probe) {
    match probe {
        Probe::Resolve { question, mode } => {
            session.resolve(question, mode).await;
        }
        Probe::AskDirect { server, question } => {
            session.ask_direct(server, question).await;
        }
        Probe::DnssecChain { name } => chain::collect(session, &name).await,
        Probe::Connect { target } => {
            session.connect(target).await;
        }
        Probe::Get(get) => {
            match get.scheme {
                Scheme::Http => session.http_get(&get.host, &get.path, get.target).await,
                Scheme::Https => session.https_get(&get.host, &get.path, get.target).await,
            };
        }
        Probe::TlsScan {
            target,
            server_name,
            starttls,
        } => {
            session.tls_scan(target, &server_name, starttls).await;
        }
    }
}

/// What re-judging needs of a stored report: what was tested, when, and
/// what was seen. Read leniently: findings and verdicts of older formats
/// need not parse, since they are what is made anew.
#[derive(serde::Deserialize)]
struct StoredTest {
    target: DomainName,
    kind: TestKind,
    started: String,
    #[serde(default)]
    duration_ms: u64,
    #[serde(default)]
    engine_version: String,
    #[serde(default)]
    observations: Observations,
}

/// Why a stored report could not be judged again.
#[derive(Debug, thiserror::Error)]
pub enum RejudgeError {
    /// The stored JSON is not a report of any format this engine reads.
    #[error("the stored report cannot be read: {0}")]
    Unreadable(String),
}

/// Judges a stored report's observations again under this engine's policy,
/// without scanning: dates (certificates, signatures) are judged as of when
/// the test ran, and the report keeps the engine version that observed.
pub fn rejudge(settings: &EngineSettings, stored: &str) -> Result<Report, RejudgeError> {
    let test: StoredTest =
        serde_json::from_str(stored).map_err(|e| RejudgeError::Unreadable(e.to_string()))?;
    let started_at = time::OffsetDateTime::parse(
        &test.started,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|e| RejudgeError::Unreadable(format!("started {:?}: {e}", test.started)))?;
    let mut report = judge_as_of(
        settings,
        &test.target,
        test.kind,
        test.observations,
        started_at,
        Duration::from_millis(test.duration_ms),
        started_at,
    );
    report.started = test.started;
    if !test.engine_version.is_empty() {
        report.engine_version = test.engine_version;
    }
    Ok(report)
}

/// Judges stored observations into a report, dates as of `settings.now`
/// or else when the test started.
pub fn judge(
    settings: &EngineSettings,
    domain: &DomainName,
    kind: TestKind,
    observations: Observations,
    started_at: time::OffsetDateTime,
    duration: Duration,
) -> Report {
    let now = settings.now.unwrap_or(started_at);
    judge_as_of(
        settings,
        domain,
        kind,
        observations,
        started_at,
        duration,
        now,
    )
}

fn judge_as_of(
    settings: &EngineSettings,
    domain: &DomainName,
    kind: TestKind,
    observations: Observations,
    started_at: time::OffsetDateTime,
    duration: Duration,
    now: time::OffsetDateTime,
) -> Report {
    let context = indaba_checks::judge::JudgeContext {
        anchor: &settings.anchor,
        roots: &settings.roots,
        now,
    };
    let early = verdict::before_probing(domain)
        .or_else(|| verdict::after_probing(kind, domain, &observations));
    let (score, verdict, categories, findings) = match early {
        // Nothing exists to judge: one verdict, no page of errors.
        Some(v) if v.outcome == Outcome::DoesNotExist => (None, v, Vec::new(), Vec::new()),
        early => {
            let mut findings =
                indaba_checks::judge::judge(kind, domain.as_str(), &observations, &context);
            let scored = score::score(kind, &mut findings);
            match early {
                // Servers that answer nothing: the findings stay, unscored.
                Some(v) => (None, v, scored.categories, findings),
                None => {
                    let v = verdict::scored(&scored.not_scored, scored.categories.len());
                    (scored.overall, v, scored.categories, findings)
                }
            }
        }
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
        score,
        verdict,
        categories,
        findings,
        observations,
    };
    indaba_i18n::english().render_report(indaba_i18n::DEFAULT_LANGUAGE, &mut report);
    report
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
