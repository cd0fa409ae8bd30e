//! `indaba list …`, `indaba scan` and `indaba worker`: monitoring from the
//! command line (issue 12). The rules live in `indaba-monitor`, the tables
//! in `indaba-store`, the files and the worker in `indaba_web::monitor`;
//! this module parses arguments and shows progress with indicatif.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use indaba_model::Message;
use indaba_monitor::{Cadence, Kinds};
use indaba_store::monitor::NewList;
use indaba_store::{Actor, Store};
use indaba_web::monitor::files::{self, Format, Progress};
use indaba_web::monitor::worker::{self, WorkerConfig};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{EngineArgs, engine_settings, runtime};

/// The database argument every command here shares.
#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// The database: a SQLite file or a postgres:// URL.
    #[arg(
        long,
        value_name = "URL",
        default_value = "sqlite:indaba.db",
        env = "INDABA_DATABASE"
    )]
    database: String,
}

/// `indaba list …`.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// Every list with its size, kinds and schedule.
    Show {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Make an empty list.
    Create {
        /// Its name.
        name: String,
        /// Which tests its scans run: web, mail or web,mail.
        #[arg(long, default_value = "web,mail")]
        kinds: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Import a CSV, XLSX or ODS file into a list (made if missing): every
    /// bad row is reported with its line, duplicates are merged and said.
    Import {
        /// The file (.csv, .xlsx or .ods).
        file: PathBuf,
        /// The list's name.
        #[arg(long)]
        name: String,
        /// Which tests a new list's scans run: web, mail or web,mail.
        #[arg(long, default_value = "web,mail")]
        kinds: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Write a list to a .csv, .xlsx or .ods file (`-` for CSV on standard
    /// output).
    Export {
        /// The list's name.
        name: String,
        /// The file to write.
        #[arg(long, short)]
        output: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Scan a list by itself: daily, weekly, biweekly, monthly, quarterly,
    /// or `none`.
    Schedule {
        /// The list's name.
        name: String,
        /// How often.
        every: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

/// `indaba scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The list to scan (its name or id).
    list: String,
    /// Only these tests of the list's (web, mail or web,mail).
    #[arg(long)]
    kind: Option<String>,
    /// Cancel the list's running scan instead.
    #[arg(long)]
    cancel: bool,
    /// Only start (or join) the scan and watch it; test nothing here (other
    /// workers do the work).
    #[arg(long)]
    watch_only: bool,
    /// Tests in flight at once in this process.
    #[arg(long, value_name = "N", default_value_t = 16)]
    concurrency: usize,
    #[command(flatten)]
    db: DatabaseArg,
    #[command(flatten)]
    engine: EngineArgs,
}

/// `indaba worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Tests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 64)]
    concurrency: usize,
    /// Tests at once that talk to one address (politeness).
    #[arg(long, value_name = "N", default_value_t = 4)]
    per_address: usize,
    /// Seconds a claimed job stays this worker's without renewal.
    #[arg(long, value_name = "SECONDS", default_value_t = indaba_monitor::queue::LEASE_SECS)]
    lease_seconds: i64,
    /// Seconds a stopping worker (SIGTERM) waits for its tests before
    /// giving back what it holds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    grace_seconds: u64,
    /// Enumerate TLS anew for every test instead of sharing one
    /// enumeration per address and server name between the tests of all
    /// workers (for comparison in benchmarks).
    #[arg(long)]
    no_sharing: bool,
    /// Serve this worker's metrics (Prometheus text) at
    /// http://ADDRESS/metrics, e.g. 127.0.0.1:9464.
    #[arg(long, value_name = "ADDRESS")]
    metrics_listen: Option<std::net::SocketAddr>,
    #[command(flatten)]
    db: DatabaseArg,
    #[command(flatten)]
    engine: EngineArgs,
}

fn english(m: &Message) -> String {
    indaba_i18n::english().render(indaba_i18n::DEFAULT_LANGUAGE, m)
}

fn refused(e: indaba_store::StoreError) -> anyhow::Error {
    match e {
        indaba_store::StoreError::Refused(m) => anyhow!(english(&m)),
        other => anyhow::Error::from(other),
    }
}

fn parse_kinds(text: &str) -> Result<Kinds> {
    text.parse::<Kinds>().map_err(|m| anyhow!(english(&m)))
}

/// Runs `indaba list …`.
pub fn list(command: ListCommand) -> Result<ExitCode> {
    let rt = runtime()?;
    rt.block_on(async move {
        match command {
            ListCommand::Show { db } => {
                let store = Store::open(&db.database).await?;
                for l in store.lists(None).await? {
                    println!(
                        "{}\t{} domains\t{}\t{}",
                        l.name,
                        l.domains,
                        l.kinds.as_str(),
                        l.cadence.map(Cadence::as_str).unwrap_or("unscheduled")
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            ListCommand::Create { name, kinds, db } => {
                let store = Store::open(&db.database).await?;
                let l = store
                    .create_list(
                        &Actor::local(),
                        NewList {
                            name: &name,
                            kinds: parse_kinds(&kinds)?,
                            owner_org: None,
                        },
                    )
                    .await
                    .map_err(refused)?;
                println!("created the list {} ({})", l.name, l.id);
                Ok(ExitCode::SUCCESS)
            }
            ListCommand::Import {
                file,
                name,
                kinds,
                db,
            } => import(&db.database, &file, &name, &kinds).await,
            ListCommand::Export { name, output, db } => {
                let store = Store::open(&db.database).await?;
                let l = store.list_by_name(&name).await.map_err(refused)?;
                let stdout = output.as_os_str() == "-";
                let format = if stdout {
                    Format::Csv
                } else {
                    Format::from_file_name(&output.to_string_lossy())
                        .ok_or_else(|| anyhow!("give an --output ending in .csv, .xlsx or .ods"))?
                };
                let mut bytes = Vec::new();
                files::export(&store, &l.id, format, &mut bytes).await?;
                if stdout {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                } else {
                    std::fs::write(&output, &bytes)
                        .with_context(|| format!("cannot write {}", output.display()))?;
                    eprintln!("wrote {} domains to {}", l.domains, output.display());
                }
                Ok(ExitCode::SUCCESS)
            }
            ListCommand::Schedule { name, every, db } => {
                let store = Store::open(&db.database).await?;
                let l = store.list_by_name(&name).await.map_err(refused)?;
                let cadence = match every.trim() {
                    "none" | "never" => None,
                    other => Some(other.parse::<Cadence>().map_err(|m| anyhow!(english(&m)))?),
                };
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                let l = store
                    .update_list(
                        &Actor::local(),
                        &l.id,
                        l.kinds,
                        l.owner_org.as_deref(),
                        cadence,
                        now,
                    )
                    .await
                    .map_err(refused)?;
                match l.next_run_at {
                    Some(at) => println!("{}: next scan at {}", l.name, rfc3339(at)),
                    None => println!("{}: not scheduled", l.name),
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| t.to_string())
}

async fn import(database: &str, file: &PathBuf, name: &str, kinds: &str) -> Result<ExitCode> {
    let format = Format::from_file_name(&file.to_string_lossy())
        .ok_or_else(|| anyhow!("give a .csv, .xlsx or .ods file"))?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > files::MAX_FILE_BYTES {
        bail!(
            "{} is larger than {} bytes",
            file.display(),
            files::MAX_FILE_BYTES
        );
    }
    let store = Store::open(database).await?;
    let list = match store.list_by_name(name).await {
        Ok(l) => l,
        Err(indaba_store::StoreError::NotFound(_)) => store
            .create_list(
                &Actor::local(),
                NewList {
                    name,
                    kinds: parse_kinds(kinds)?,
                    owner_org: None,
                },
            )
            .await
            .map_err(refused)?,
        Err(e) => return Err(e.into()),
    };
    let import_id = store
        .create_import(
            &Actor::local(),
            &list.id,
            &file.file_name().unwrap_or_default().to_string_lossy(),
        )
        .await?;
    let data = SharedFile::open(file)?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let shown = bar.clone();
    let outcome = files::import(
        &store,
        &Actor::local(),
        &list.id,
        &import_id,
        format,
        data,
        move |p| match p {
            Progress::Reading(c) => shown.set_message(format!(
                "reading: {} rows, {} domains, {} merged, {} bad",
                c.rows, c.domains, c.merged, c.bad
            )),
            Progress::Writing { done, total } => {
                shown.set_message(format!("writing: {done}/{total} domains"))
            }
        },
    )
    .await?;
    bar.finish_and_clear();
    for p in &outcome.problems {
        eprintln!(
            "{}:{}: {}{}",
            file.display(),
            p.line,
            if p.dropped { "left out: " } else { "" },
            english(&p.message)
        );
    }
    if let Some(fatal) = &outcome.fatal {
        bail!("{}: {}", file.display(), english(fatal));
    }
    let c = outcome.counts;
    println!(
        "{}: {} rows read, {} domains written to the list {}, {} duplicates merged, {} bad rows left out",
        file.display(),
        c.rows,
        outcome.written,
        list.name,
        c.merged,
        c.bad
    );
    Ok(if c.bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A file read by calamine, which wants `Read + Seek + Clone`: each clone
/// reads the same open file from its own position.
#[derive(Clone)]
struct SharedFile {
    file: Arc<std::fs::File>,
    pos: u64,
}

impl SharedFile {
    fn open(path: &PathBuf) -> Result<SharedFile> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        Ok(SharedFile {
            file: Arc::new(file),
            pos: 0,
        })
    }
}

impl std::io::Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for SharedFile {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let len = self.file.metadata()?.len();
        let next = match to {
            std::io::SeekFrom::Start(n) => Some(n),
            std::io::SeekFrom::End(d) => len.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = next.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
}

/// A stop signal that turns true on SIGTERM or Ctrl-C.
fn stop_on_signals() -> Result<tokio::sync::watch::Receiver<bool>> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        let _ = tx.send(true);
    });
    Ok(rx)
}

/// TLS enumerations shared by the tests of this process for the probe
/// freshness window.
fn shared_scans() -> indaba_probe::SharedScans {
    indaba_probe::SharedScans::new(Duration::from_secs(
        indaba_monitor::sharing::DEFAULT_FRESHNESS_SECS.unsigned_abs(),
    ))
}

/// Runs `indaba worker`.
pub fn run_worker(args: WorkerArgs) -> Result<ExitCode> {
    let rt = runtime()?;
    rt.block_on(async move {
        let mut engine = engine_settings(&args.engine).await?;
        let store = Store::open(&args.db.database).await?;
        let mut config = WorkerConfig::new(worker::worker_id());
        if !args.no_sharing {
            // Shared with the other worker processes through the store, so
            // that a provider is scanned once by all of them together.
            let exchange = indaba_web::monitor::sharing::StoreScans::new(store.clone(), &config.id);
            engine.shared_scans = Some(shared_scans().with_exchange(
                Arc::new(exchange),
                Duration::from_secs(indaba_monitor::sharing::WAIT_FOR_OTHER_SECS.unsigned_abs()),
            ));
        }
        config.concurrency = args.concurrency.max(1);
        config.per_address = args.per_address.max(1);
        if let Some(address) = args.metrics_listen {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on {address} for metrics"))?;
            let routes = indaba_web::monitor::metrics::worker_routes(engine.shared_scans.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, routes).await {
                    tracing::warn!(error = %e, "the metrics listener stopped");
                }
            });
        }
        config.lease_secs = args.lease_seconds.max(2);
        config.grace = Duration::from_secs(args.grace_seconds);
        eprintln!("indaba: worker {} started", config.id);
        let stop = stop_on_signals()?;
        worker::run(store, Arc::new(engine), config, stop).await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `indaba scan`.
pub fn scan(args: ScanArgs) -> Result<ExitCode> {
    let rt = runtime()?;
    rt.block_on(async move {
        let store = Store::open(&args.db.database).await?;
        let list = store.list_by_name(&args.list).await.map_err(refused)?;
        if args.cancel {
            let Some(scan) = store
                .scans(Some(&list.id), 1)
                .await?
                .into_iter()
                .find(|s| s.state.active())
            else {
                bail!("the list {} has no scan running", list.name);
            };
            let s = store
                .cancel_scan(&Actor::local(), &scan.id)
                .await
                .map_err(refused)?;
            println!(
                "cancelled the scan {}: {} done, {} withdrawn, {} still running",
                s.id, s.counts.done, s.counts.cancelled, s.counts.running
            );
            return Ok(ExitCode::SUCCESS);
        }
        let kinds = args.kind.as_deref().map(parse_kinds).transpose()?;
        let (scan_id, new) = store
            .start_scan(&Actor::local(), &list.id, kinds)
            .await
            .map_err(refused)?;
        eprintln!(
            "{} the scan {scan_id} of {}",
            if new { "started" } else { "joined" },
            list.name
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let signals = stop_on_signals()?;
        let work = if args.watch_only {
            None
        } else {
            let mut engine = engine_settings(&args.engine).await?;
            engine.shared_scans = Some(shared_scans());
            let mut config = WorkerConfig::new(worker::worker_id());
            config.concurrency = args.concurrency.max(1);
            Some(tokio::spawn(worker::run(
                store.clone(),
                Arc::new(engine),
                config,
                stop_rx,
            )))
        };
        let scan = watch(&store, &scan_id, signals).await;
        let _ = stop_tx.send(true);
        if let Some(w) = work {
            let _ = w.await;
        }
        let scan = scan?;
        println!(
            "scan {} of {}: {}; {} done, {} errors, {} cancelled of {}",
            scan.id,
            scan.list_name,
            scan.state,
            scan.counts.done,
            scan.counts.error,
            scan.counts.cancelled,
            scan.counts.total()
        );
        Ok(if scan.counts.error > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
}

/// Shows a scan's progress until it ends (or a signal stops the watching).
async fn watch(
    store: &Store,
    scan_id: &str,
    mut signals: tokio::sync::watch::Receiver<bool>,
) -> Result<indaba_store::monitor::Scan> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} tests, {per_sec}, ETA {eta} {msg} [{elapsed_precise}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    loop {
        // Without an in-process scheduler (watch-only on SQLite), the
        // watcher moves its scan on itself; advancing is idempotent.
        store.advance_scans().await?;
        let scan = store.scan(scan_id).await?;
        bar.set_length(scan.counts.total());
        bar.set_position(scan.counts.ended());
        bar.set_message(format!(
            "{}, {} errors, {} running",
            scan.state, scan.counts.error, scan.counts.running
        ));
        if scan.state.ended() {
            bar.finish_and_clear();
            return Ok(scan);
        }
        let _ = tokio::time::timeout(Duration::from_millis(500), signals.wait_for(|s| *s)).await;
        if *signals.borrow() {
            bar.abandon();
            return Ok(scan);
        }
    }
}
