//! The `indaba` command.

mod contacts_cmd;
mod desk_cmd;
mod monitor_cmd;
mod notices_cmd;
mod output;
mod rejudge;
mod routing_args;
mod smtp_args;
mod spf_cmd;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use indaba_checks::dnssec::TrustAnchor;
use indaba_engine::EngineSettings;
use indaba_model::TestKind;
use indaba_probe::ProbeSettings;

/// The process's allocator. A worker runs hundreds of tests at once on a
/// few threads and frees most of what a test made when it ends; glibc's
/// malloc kept those freed pages (a worker's resident memory grew from 70
/// MiB over 1,000 domains to 98 MiB over 10,000 while its live heap stayed
/// near 40-48 MiB, measured with heaptrack). jemalloc gives unused pages
/// back after a few seconds, so the peak follows the work in flight, not
/// the length of the list.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Indaba tests websites and mail domains against modern Internet standards.
#[derive(Debug, Parser)]
#[command(name = "indaba", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Test a website or a mail domain and print the report.
    Check(CheckArgs),
    /// Route origin validation (RFC 6811) of a prefix or an address, with the
    /// VRPs that decided it.
    Rov(RovArgs),
    /// Who to tell about a problem with a domain, an address or an AS:
    /// security.txt contacts, then RDAP abuse contacts, with their sources.
    Contacts(contacts_cmd::ContactsArgs),
    /// RFC 7208 check_host() for a sending address: the SPF result, the
    /// explanation, and the trace of every lookup.
    Spf(spf_cmd::SpfArgs),
    /// Run the platform: the public test site, guides, API and accounts.
    Serve(Box<ServeArgs>),
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Lists of domains to monitor: create, import, export, schedule.
    #[command(subcommand)]
    List(monitor_cmd::ListCommand),
    /// Scan a list (start or join its scan) with a progress bar, or cancel it.
    Scan(Box<monitor_cmd::ScanArgs>),
    /// Run scan workers against a shared database (PostgreSQL for many).
    Worker(Box<monitor_cmd::WorkerArgs>),
    /// The response desk: scheduled work on a given clock, feed imports,
    /// filing a mail from standard input.
    Desk(desk_cmd::DeskCli),
    /// Owner notices: send the digests that are due, read the delivery log.
    Notices(Box<notices_cmd::NoticesCli>),
    /// List every check: id, category, title, standards, scoring and guide.
    Checks {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["web", "mail"])))]
struct CheckArgs {
    /// Test the website at DOMAIN.
    #[arg(long, value_name = "DOMAIN")]
    web: Option<String>,
    /// Test the mail domain DOMAIN.
    #[arg(long, value_name = "DOMAIN")]
    mail: Option<String>,
    /// Print the report as JSON (the schema is in schemas/report.schema.json).
    #[arg(long)]
    json: bool,
    /// Judge dates as of this time (RFC 3339), for reproducible reports.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// A DKIM selector whose key record the mail test checks (repeatable).
    #[arg(long = "dkim-selector", value_name = "NAME")]
    dkim_selectors: Vec<String>,
    #[command(flatten)]
    engine: EngineArgs,
}

/// How tests are run: shared by `check` and `serve`.
#[derive(Debug, Args)]
struct EngineArgs {
    /// Recursive resolver to use, ADDR or ADDR:PORT (default: the first
    /// nameserver in /etc/resolv.conf).
    #[arg(long, value_name = "ADDR[:PORT]")]
    resolver: Option<String>,
    /// DNSSEC trust anchor file: DS or DNSKEY records for the root in zone-file
    /// form (default: IANA's root anchors).
    #[arg(long, value_name = "FILE")]
    trust_anchor: Option<PathBuf>,
    /// Allow targets on private, loopback and other non-public addresses
    /// (needed on a test network; never on a public instance).
    #[arg(long)]
    allow_private_targets: bool,
    /// PEM file of the root certificates servers must chain to, replacing
    /// the default (Mozilla's roots); e.g. a test network's own CA.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Time limit of the whole test, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    timeout: u64,
    /// Time limit of one DNS query or connection, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    query_timeout: u64,
    /// Most queries a second to any one authoritative name server, across
    /// all the tests of this process (politeness towards DNS operators;
    /// 0 for no limit).
    #[arg(long, value_name = "N", default_value_t = 50)]
    name_server_rate: u32,
    #[command(flatten)]
    routing: routing_args::RoutingArgs,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The database: a SQLite file (created if missing) or a postgres:// URL.
    #[arg(
        long,
        value_name = "URL",
        default_value = "sqlite:indaba.db",
        env = "INDABA_DATABASE"
    )]
    database: String,
    /// The site's public address, for links in e-mails. When it is https,
    /// cookies are Secure and `__Host-` prefixed and HSTS is sent.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Secure, `__Host-` cookies even when the base URL is not https.
    #[arg(long)]
    secure_cookies: bool,
    /// A reverse proxy whose Forwarded / X-Forwarded-For headers are
    /// believed: an address or a prefix (repeatable). No one else's are.
    #[arg(long = "trusted-proxy", value_name = "ADDR")]
    trusted_proxies: Vec<indaba_web::TrustedProxies>,
    /// Tests running at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    workers: usize,
    /// Public tests queued or running at most; more get "busy, try again".
    #[arg(long, value_name = "N", default_value_t = 200)]
    queue_bound: i64,
    /// Batch tests queued or running at most (their own share of the queue).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    batch_queue_bound: i64,
    /// Domains a client may send in batches at once (each costs one unit).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    batch_burst: u32,
    /// Domains per minute a client may send in batches, sustained.
    #[arg(long, value_name = "N", default_value_t = 100)]
    batch_per_minute: u32,
    /// Clients each rate limiter remembers; when full, the least recently
    /// seen are forgotten.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    rate_limit_clients: usize,
    /// Password-reset mails per account per hour, at most.
    #[arg(long, value_name = "N", default_value_t = 3)]
    reset_mails_per_hour: i64,
    /// Seconds a client has to send a request head (also between requests
    /// on a kept-alive connection).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    header_read_timeout: u64,
    /// Seconds without a byte either way before a connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    idle_timeout: u64,
    /// Requests served on one kept-alive connection.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_requests_per_connection: u32,
    /// Connections open at once (lowered to fit the file-descriptor limit).
    #[arg(long, value_name = "N", default_value_t = 8192)]
    max_connections: usize,
    /// Connections open at once from one client (an IPv6 client: its /64).
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_connections_per_client: usize,
    /// Reuse a report younger than this many seconds instead of testing again
    /// (0: always test).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    reuse_seconds: u64,
    /// Test submissions a client may make at once.
    #[arg(long, value_name = "N", default_value_t = 10)]
    submit_burst: u32,
    /// Test submissions a client may make per minute, sustained.
    #[arg(long, value_name = "N", default_value_t = 20)]
    submit_per_minute: u32,
    /// Requests of any kind a client may make per minute.
    #[arg(long, value_name = "N", default_value_t = 600)]
    requests_per_minute: u32,
    #[command(flatten)]
    smtp: smtp_args::SmtpArgs,
    /// Listen for the desk's inbound mail over LMTP (Postfix delivers the
    /// intake address here), ADDR:PORT.
    #[arg(long, value_name = "ADDR:PORT")]
    lmtp_listen: Option<SocketAddr>,
    #[command(flatten)]
    desk: desk_cmd::DeskArgs,
    /// Scan tests in flight at once in this process (0: leave scans to
    /// `indaba worker` processes).
    #[arg(long, value_name = "N", default_value_t = 16)]
    scan_concurrency: usize,
    /// Seconds between rounds of sending owner notices' digests (0: leave
    /// them to `indaba notices send`).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    notice_interval: u64,
    /// Let an admin set the clock that deadlines and reminders follow
    /// (`POST /assembly/clock`): for tests only, never in production.
    #[arg(long)]
    test_clock: bool,
    /// The platform's own security contact for its security.txt (RFC 9116):
    /// a `mailto:` or `https:` URI. Without it, no security.txt is served.
    #[arg(long, value_name = "URI")]
    security_contact: Option<String>,
    /// Do not list recent results on the home page.
    #[arg(long)]
    no_recent_results: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Check the audit log's hash chain: every changed or deleted row is
    /// named. Prints the head hash; keep it, and give it later with --head
    /// to check that no row was cut off the end since.
    VerifyAudit {
        /// The database: a SQLite file or a postgres:// URL.
        #[arg(
            long,
            value_name = "URL",
            default_value = "sqlite:indaba.db",
            env = "INDABA_DATABASE"
        )]
        database: String,
        /// A head hash printed by an earlier run, which must still be there.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Judge stored reports again under this version's scoring policy, from
    /// their observations (nothing is scanned); `serve` does this at start.
    Rejudge {
        /// The database: a SQLite file or a postgres:// URL.
        #[arg(
            long,
            value_name = "URL",
            default_value = "sqlite:indaba.db",
            env = "INDABA_DATABASE"
        )]
        database: String,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Create a user (the first admin, typically).
    CreateUser {
        /// The database: a SQLite file or a postgres:// URL.
        #[arg(
            long,
            value_name = "URL",
            default_value = "sqlite:indaba.db",
            env = "INDABA_DATABASE"
        )]
        database: String,
        /// Sign-in address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long, default_value = "")]
        name: String,
        /// admin, analyst or member.
        #[arg(long, default_value = "admin")]
        role: String,
        /// The password; read from INDABA_PASSWORD when not given (keeps it
        /// out of the shell history and the process list).
        #[arg(long, env = "INDABA_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Debug, Args)]
struct RovArgs {
    /// An IP address (its announced routes are looked up in the origin
    /// source) or a prefix such as 192.0.2.0/24.
    target: String,
    /// The origin AS to validate, e.g. AS64500 (needed for a prefix).
    asn: Option<String>,
    /// Recursive resolver for --origins-zone, ADDR or ADDR:PORT (default: the
    /// system's).
    #[arg(long, value_name = "ADDR[:PORT]")]
    resolver: Option<String>,
    #[command(flatten)]
    routing: routing_args::RoutingArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Several crates bring rustls with different providers; pick ring, which
    // DNSSEC validation already uses, once for the whole process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("INDABA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG)),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("indaba: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Checks { json } => {
            output::print_catalogue(json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => check(args),
        Command::Serve(args) => serve(*args),
        Command::Admin(command) => admin(command),
        Command::Rov(args) => rov(args),
        Command::Contacts(args) => contacts_cmd::run(args),
        Command::Spf(args) => spf_cmd::run(args),
        Command::List(command) => monitor_cmd::list(command),
        Command::Scan(args) => monitor_cmd::scan(*args),
        Command::Worker(args) => monitor_cmd::run_worker(*args),
        Command::Desk(args) => desk_cmd::run(args),
        Command::Notices(args) => notices_cmd::run(*args),
    }
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    let (kind, raw_domain) = match (&args.web, &args.mail) {
        (Some(d), None) => (TestKind::Web, d),
        (None, Some(d)) => (TestKind::Mail, d),
        _ => bail!("give exactly one of --web DOMAIN or --mail DOMAIN"),
    };
    // The same reading of typed names as the site's form and API: a URL
    // keeps its host, a mail address its domain, UTS 46 mapping.
    let domain =
        indaba_model::name::from_user_input(raw_domain, kind == TestKind::Mail).map_err(|e| {
            anyhow!(
                "{raw_domain:?} cannot be tested: {}",
                indaba_i18n::in_english(&indaba_model::ToMessage::to_message(&e))
            )
        })?;
    let now = args
        .now
        .as_deref()
        .map(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                .with_context(|| {
                    format!("--now {t:?} is not an RFC 3339 time such as 2026-11-22T12:00:00Z")
                })
        })
        .transpose()?;
    let runtime = runtime()?;
    let mut settings = runtime.block_on(engine_settings(&args.engine))?;
    settings.now = now;
    settings.dkim_selectors = args.dkim_selectors.clone();
    let report = runtime.block_on(indaba_engine::run(&settings, &domain, kind))?;
    if args.json {
        output::print_json(&report)?;
    } else {
        output::print_report(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The resolver (`--resolver`, else the system's) and the DNSSEC trust anchor
/// (`--trust-anchor`, else IANA's root anchors) of a command.
fn dns_settings(
    resolver: Option<&str>,
    trust_anchor: Option<&Path>,
) -> Result<(SocketAddr, TrustAnchor)> {
    let resolver = resolver_setting(resolver)?;
    let anchor = match trust_anchor {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the trust anchor {}", path.display()))?;
            TrustAnchor::parse(&text)
                .with_context(|| format!("the trust anchor {} is not usable", path.display()))?
        }
        None => TrustAnchor::iana(),
    };
    Ok((resolver, anchor))
}

/// The engine settings of `args` (connects to an RTR server when given one).
async fn engine_settings(args: &EngineArgs) -> Result<EngineSettings> {
    let (resolver, anchor) = dns_settings(args.resolver.as_deref(), args.trust_anchor.as_deref())?;
    if args.timeout == 0 || args.query_timeout == 0 {
        bail!("time limits must be at least one second");
    }
    let mut probe = ProbeSettings::new(resolver);
    let query_timeout = Duration::from_secs(args.query_timeout.min(args.timeout));
    probe.dns_timeout = query_timeout;
    probe.connect_timeout = query_timeout;
    probe.http_timeout = query_timeout * 2;
    probe.allow_private = args.allow_private_targets;
    if args.name_server_rate > 0 {
        probe.name_server_pace = Some(std::sync::Arc::new(indaba_probe::pace::ServerPace::new(
            args.name_server_rate,
        )));
    }
    let roots = match &args.ca_file {
        Some(path) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("cannot read the CA file {}", path.display()))?;
            indaba_checks::certificate::TrustStore::from_pem(&pem, &format!("{}", path.display()))
                .with_context(|| format!("the CA file {} is not usable", path.display()))?
        }
        None => indaba_checks::certificate::TrustStore::mozilla(),
    };
    Ok(EngineSettings {
        probe,
        anchor,
        report_timeout: Duration::from_secs(args.timeout),
        now: None,
        dkim_selectors: Vec::new(),
        routing: args.routing.sources().await?,
        shared_scans: None,
        rdap: args.routing.rdap_client(&roots)?,
        roots: std::sync::Arc::new(roots),
    })
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let mut engine = engine_settings(&args.engine).await?;
        // Tests running close together (a batch, a sector) share TLS scans
        // for as long as they share reports.
        engine.shared_scans = Some(indaba_probe::SharedScans::new(Duration::from_secs(
            args.reuse_seconds.max(60),
        )));
        let store = indaba_store::Store::open(&args.database).await?;
        let mailer = args.smtp.mailer()?.map(std::sync::Arc::new);
        let base_url = args
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.listen));
        let config = indaba_web::WebConfig {
            reuse_for: Duration::from_secs(args.reuse_seconds),
            queue_bound: args.queue_bound.max(1),
            batch_queue_bound: args.batch_queue_bound.max(1),
            secure_cookies: args.secure_cookies
                || base_url.to_ascii_lowercase().starts_with("https://"),
            base_url,
            submit_burst: args.submit_burst,
            submit_per_minute: args.submit_per_minute,
            requests_per_minute: args.requests_per_minute,
            batch_burst: args.batch_burst.max(1),
            batch_per_minute: args.batch_per_minute,
            rate_limit_clients: args.rate_limit_clients.max(1),
            reset_mails_per_hour: args.reset_mails_per_hour.max(1),
            trusted_proxies: indaba_web::TrustedProxies::all(args.trusted_proxies.clone()),
            workers: args.workers,
            test_clock: args.test_clock,
            recent_results: !args.no_recent_results,
            security_contact: security_contact(args.security_contact.as_deref())?,
        };
        if config.security_contact.is_none() {
            tracing::warn!(
                "no --security-contact: the platform publishes no security.txt (and its own web test will say so)"
            );
        }
        if !config.secure_cookies {
            tracing::warn!(
                "cookies are not Secure (the base URL is not https): fine on a local machine, never on a public instance"
            );
        }
        let mut state = indaba_web::AppState::new(store, engine, mailer, config).await?;
        state.desk = std::sync::Arc::new(args.desk.config()?);
        indaba_web::desk::seed_playbooks(&state).await?;
        indaba_web::worker::spawn(&state, args.workers);
        if args.notice_interval > 0 {
            indaba_web::notices::send::spawn(
                &state,
                std::time::Duration::from_secs(args.notice_interval),
            );
        }
        indaba_web::batch::scheduler::spawn(&state);
        let (stop_scans, scans_stopped) = tokio::sync::watch::channel(false);
        let scan_workers = (args.scan_concurrency > 0).then(|| {
            let mut config = indaba_web::monitor::worker::WorkerConfig::new(
                indaba_web::monitor::worker::worker_id(),
            );
            config.concurrency = args.scan_concurrency;
            // serve's own workers take the single public tests.
            config.public_first = false;
            // Scans finish by the platform's clock (a test server's moves).
            config.clock = state.clock.clone();
            tokio::spawn(indaba_web::monitor::worker::run(
                state.store.clone(),
                state.engine.clone(),
                config,
                scans_stopped,
            ))
        });
        {
            let (store, engine) = (state.store.clone(), state.engine.clone());
            tokio::spawn(async move {
                match rejudge::all(&store, &engine).await {
                    Ok(done) if done.judged + done.unreadable > 0 => tracing::info!(
                        judged = done.judged,
                        unreadable = done.unreadable,
                        scans = done.scans,
                        policy = indaba_model::score::POLICY_VERSION,
                        "stored reports judged again under this policy"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "cannot judge stored reports again"),
                }
            });
        }
        indaba_web::desk::jobs::spawn(&state);
        if let Some(addr) = args.lmtp_listen {
            let lmtp = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen for LMTP on {addr}"))?;
            tokio::spawn(indaba_web::desk::inbound::serve_lmtp(state.clone(), lmtp));
        }
        indaba_web::assembly::reminders::start(&state);
        let limits = connection_limits(&args);
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {}; is another server using it?",
                    args.listen
                )
            })?;
        eprintln!("indaba: serving on http://{}", listener.local_addr()?);
        let trusted = state.config.trusted_proxies.clone();
        indaba_web::serve::serve(
            listener,
            indaba_web::router(state),
            limits,
            trusted,
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
        )
        .await
        .context("the server stopped")?;
        let _ = stop_scans.send(true);
        if let Some(w) = scan_workers {
            let _ = w.await;
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Raises the file-descriptor limit as far as allowed (each connection
/// takes one) and fits the connection cap under it, leaving room for the
/// database, the tests' own connections and the workers; says both.
fn connection_limits(args: &ServeArgs) -> indaba_web::serve::ConnectionLimits {
    let before = rlimit::Resource::NOFILE.get().map(|(soft, _)| soft).ok();
    let after = rlimit::increase_nofile_limit(u64::MAX).ok().or(before);
    let mut max_connections = args.max_connections.max(1);
    if let Some(limit) = after {
        let reserve = (limit / 4).max(256);
        let room = usize::try_from(limit.saturating_sub(reserve)).unwrap_or(usize::MAX);
        max_connections = max_connections.min(room.max(16));
    }
    eprintln!(
        "indaba: file descriptors: limit {} (was {}); at most {max_connections} connections, {} per client",
        after.map_or("unknown".into(), |n| n.to_string()),
        before.map_or("unknown".into(), |n| n.to_string()),
        args.max_connections_per_client.max(1),
    );
    indaba_web::serve::ConnectionLimits {
        header_read_timeout: Duration::from_secs(args.header_read_timeout.max(1)),
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        max_requests_per_connection: args.max_requests_per_connection.max(1),
        max_connections,
        max_per_client: args.max_connections_per_client.max(1),
    }
}

fn admin(command: AdminCommand) -> Result<ExitCode> {
    match command {
        AdminCommand::Rejudge { database, engine } => {
            let runtime = runtime()?;
            let done = runtime.block_on(async {
                let store = indaba_store::Store::open(&database).await?;
                let engine = engine_settings(&engine).await?;
                Ok::<_, anyhow::Error>(rejudge::all(&store, &engine).await?)
            })?;
            println!(
                "{} reports judged again under policy {}; {} could not be read",
                done.judged,
                indaba_model::score::POLICY_VERSION,
                done.unreadable
            );
            println!(
                "{} monitoring scans' statistics summed up again",
                done.scans
            );
            Ok(if done.unreadable == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        AdminCommand::VerifyAudit { database, head } => {
            let runtime = runtime()?;
            let (verified, head_found) = runtime.block_on(async {
                let store = indaba_store::Store::open(&database).await?;
                let verified = store.verify_audit().await?;
                let head_found = match &head {
                    Some(h) => Some(store.audit_has_hash(h).await?),
                    None => None,
                };
                Ok::<_, anyhow::Error>((verified, head_found))
            })?;
            for b in &verified.breaks {
                match b {
                    indaba_store::AuditBreak::Changed { seq } => {
                        println!("row {seq}: changed since it was written")
                    }
                    indaba_store::AuditBreak::Unlinked { seq } => println!(
                        "row {seq}: does not follow the row before it (rows deleted or replaced before it)"
                    ),
                    indaba_store::AuditBreak::Unsealed { seq } => {
                        println!("row {seq}: has no hash (written outside the platform)")
                    }
                }
            }
            if head_found == Some(false) {
                println!(
                    "the head given is no longer in the log: rows were cut off the end or rewritten"
                );
            }
            let intact = verified.breaks.is_empty() && head_found != Some(false);
            println!(
                "{} rows, chain {}; head {}",
                verified.rows,
                if intact { "intact" } else { "BROKEN" },
                verified.head.as_deref().unwrap_or("(empty log)")
            );
            Ok(if intact {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        AdminCommand::CreateUser {
            database,
            email,
            name,
            role,
            password,
        } => {
            let role: indaba_store::Role = role
                .parse()
                .map_err(|()| anyhow!("--role {role:?}: give admin, analyst or member"))?;
            let runtime = runtime()?;
            let user = runtime.block_on(async {
                let store = indaba_store::Store::open(&database).await?;
                store
                    .create_user(
                        &indaba_store::Actor::local(),
                        indaba_store::NewUser {
                            email: &email,
                            name: &name,
                            role,
                            organisation_id: None,
                            password: &password,
                        },
                    )
                    .await
                    .map_err(anyhow::Error::from)
            })?;
            println!("created {} ({}), id {}", user.email, user.role, user.id);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn rov(args: RovArgs) -> Result<ExitCode> {
    use indaba_checks::rov::{self, Validity};
    use indaba_model::observation::RouteLookup;
    use indaba_model::routing::{Asn, Prefix, Route};
    let asn: Option<Asn> = args.asn.as_deref().map(str::parse).transpose()?;
    let target: Prefix = args.target.parse()?;
    let is_address = !args.target.contains('/');
    let runtime = runtime()?;
    let sources = runtime.block_on(args.routing.sources())?;
    let Some(vrps) = &sources.vrps else {
        bail!("no VRP source configured: give --rtr HOST:PORT or --vrps FILE");
    };
    let snapshot = vrps.snapshot();
    let routes: Vec<Route> =
        if let Some(origin) = asn.filter(|_| !is_address || sources.origins.is_none()) {
            vec![Route {
                prefix: target,
                origin,
            }]
        } else if is_address && sources.origins.is_some() {
            let resolver = resolver_setting(args.resolver.as_deref())?;
            let session = indaba_probe::Session::new(
                ProbeSettings::new(resolver),
                std::time::Instant::now() + Duration::from_secs(30),
            );
            let observed = runtime.block_on(indaba_probe::routing::observe(
                &session,
                &sources,
                &[target.addr()],
            ));
            match observed.addresses.into_iter().next().map(|a| a.outcome) {
                Some(RouteLookup::Routes { routes }) => routes
                    .into_iter()
                    .map(|r| r.route)
                    .filter(|r| asn.is_none_or(|a| a == r.origin))
                    .collect(),
                Some(RouteLookup::Failed { reason }) => bail!("the route lookup failed: {reason}"),
                None => Vec::new(),
            }
        } else {
            bail!(
                "give the origin AS (indaba rov {} AS64500), or for an address --origins-zone NAME \
             or --origins-file FILE to look up its routes",
                args.target
            );
        };
    println!("VRPs: {}", snapshot.description);
    if routes.is_empty() {
        println!(
            "{}: no announced route covers it in the origin data (not routed)",
            args.target
        );
        return Ok(ExitCode::SUCCESS);
    }
    for route in routes {
        let covering = snapshot.set.covering(&route.prefix);
        let validity = rov::validate(&route, &covering);
        println!("{} from {}: {validity}", route.prefix, route.origin);
        let deciding = match &validity {
            Validity::Valid { matched } => matched.clone(),
            Validity::Invalid { covering, .. } => covering.clone(),
            Validity::NotFound => Vec::new(),
        };
        for vrp in deciding {
            println!("  VRP {vrp}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The resolver of `--resolver`, else the system's.
fn resolver_setting(resolver: Option<&str>) -> Result<SocketAddr> {
    match resolver {
        Some(text) => parse_resolver(text),
        None => system_resolver(Path::new("/etc/resolv.conf")),
    }
}

/// Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address.
fn parse_resolver(text: &str) -> Result<SocketAddr> {
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return Ok(sa);
    }
    if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(anyhow!(
        "--resolver {text:?} is not an address: give e.g. 9.9.9.9, 127.0.0.1:5353 or [2620:fe::fe]:53"
    ))
}

/// The first `nameserver` of resolv.conf.
fn system_resolver(path: &Path) -> Result<SocketAddr> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {} to find the system resolver; give --resolver ADDR",
            path.display()
        )
    })?;
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().split('%').next()?.parse::<IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .next()
        .ok_or_else(|| {
            anyhow!(
                "{} names no nameserver; give --resolver ADDR",
                path.display()
            )
        })
}

/// What is logged unless `INDABA_LOG` says otherwise: warnings, and the
/// access log and job log of `serve` (one line per request, per test).
const DEFAULT_LOG: &str = "warn,indaba::access=info,indaba::jobs=info";

/// Checks `--security-contact`: a `mailto:` or `https:` URI (RFC 9116 §2.5.3).
fn security_contact(given: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(uri) = given.map(str::trim) else {
        return Ok(None);
    };
    let lower = uri.to_ascii_lowercase();
    let ok = (lower.starts_with("mailto:") && uri.len() > 7 && uri.contains('@'))
        || (lower.starts_with("https://") && uri.len() > 8);
    if !ok || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        anyhow::bail!("--security-contact must be a mailto: or https: URI (RFC 9116), not {uri:?}");
    }
    Ok(Some(uri.to_string()))
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_security_contact_is_a_mailto_or_https_uri() {
        assert_eq!(security_contact(None).unwrap(), None);
        assert_eq!(
            security_contact(Some(" mailto:cert@example.org ")).unwrap(),
            Some("mailto:cert@example.org".to_string())
        );
        assert!(security_contact(Some("https://example.org/report")).is_ok());
        for bad in [
            "cert@example.org",
            "http://example.org",
            "mailto:",
            "https://a b",
            "mailto:x\n@y",
        ] {
            assert!(security_contact(Some(bad)).is_err(), "{bad}");
        }
    }
    use super::*;

    #[test]
    fn resolver_forms() {
        assert_eq!(
            parse_resolver("127.0.0.53").unwrap(),
            "127.0.0.53:53".parse().unwrap()
        );
        assert_eq!(
            parse_resolver("127.0.0.1:5353").unwrap(),
            "127.0.0.1:5353".parse().unwrap()
        );
        assert_eq!(
            parse_resolver("fd00::53").unwrap(),
            "[fd00::53]:53".parse().unwrap()
        );
        assert_eq!(
            parse_resolver("[fd00::53]:5300").unwrap(),
            "[fd00::53]:5300".parse().unwrap()
        );
        assert!(parse_resolver("dns.example").is_err());
    }
}
