//! `indaba desk …`: the response desk's work from the command line: the
//! scheduled work as of any time (`tick --now`, the test clock), a
//! Shadowserver feed import, and filing one mail from standard input (for a
//! mail server that pipes rather than speaks LMTP). Also the desk's options
//! of `indaba serve`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Subcommand};

/// The desk's settings, shared by `serve` and `desk`.
#[derive(Debug, Args, Clone)]
pub struct DeskArgs {
    /// The key that seals the desk's attachments (64 hex digits), kept
    /// outside the database; made when missing.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "indaba-desk.key",
        global = true
    )]
    pub desk_key_file: PathBuf,
    /// The desk's intake address: mail to it (and to its +tag forms) becomes
    /// reports and replies.
    #[arg(
        long,
        value_name = "ADDRESS",
        default_value = "desk@localhost",
        global = true
    )]
    pub desk_intake_address: String,
    /// Days after a report on which the victim is reminded (e.g. 1,3,7).
    #[arg(long, value_name = "DAYS", default_value = "1,3,7", global = true)]
    pub desk_reminder_days: String,
}

impl DeskArgs {
    /// The desk's configuration.
    pub fn config(&self) -> Result<indaba_web::desk::DeskConfig> {
        let sealer = indaba_store::Sealer::from_key_file(&self.desk_key_file)?;
        let mut config = indaba_web::desk::DeskConfig::new(sealer, &self.desk_intake_address);
        config.schedule.victim_days = indaba_desk::followup::Schedule::parse_days(
            &self.desk_reminder_days,
        )
        .ok_or_else(|| {
            anyhow!(
                "--desk-reminder-days {:?}: give days 1-365 such as 1,3,7",
                self.desk_reminder_days
            )
        })?;
        Ok(config)
    }
}

/// `indaba desk …`.
#[derive(Debug, Args)]
pub struct DeskCli {
    #[command(subcommand)]
    command: DeskCommand,
    #[command(flatten)]
    mailing: super::smtp_args::MailingArgs,
    #[command(flatten)]
    desk: DeskArgs,
    #[command(flatten)]
    engine: super::EngineArgs,
}

#[derive(Debug, Subcommand)]
enum DeskCommand {
    /// Runs the scheduled work (reminders, digests, retention) as of a time.
    Tick {
        /// The time to act as of (RFC 3339); now when not given.
        #[arg(long, value_name = "RFC3339")]
        now: Option<String>,
    },
    /// Imports a Shadowserver CSV report.
    ImportFeed {
        /// The CSV file (its name gives the report type, e.g. 2026-12-05-scan_dns-za.csv).
        file: PathBuf,
        /// The report type, when the file name does not give it (scan_dns…).
        #[arg(long = "type", value_name = "TYPE")]
        report_type: Option<String>,
    },
    /// Files one mail read from standard input, delivered to RECIPIENT
    /// (exit 0: filed; 65: refused; 75: try again later).
    IntakeMail {
        /// The address it was delivered to.
        recipient: String,
    },
}

/// The state the desk's work needs.
async fn state(cli: &DeskCli) -> Result<indaba_web::AppState> {
    let store = indaba_store::Store::open(&cli.mailing.database).await?;
    let mailer = cli.mailing.smtp.mailer()?.map(Arc::new);
    let engine = super::engine_settings(&cli.engine).await?;
    let config = indaba_web::WebConfig {
        base_url: cli.mailing.base_url.clone(),
        ..indaba_web::WebConfig::default()
    };
    let mut state = indaba_web::AppState::new(store, engine, mailer, config).await?;
    state.desk = Arc::new(cli.desk.config()?);
    Ok(state)
}

/// Runs `indaba desk …`.
pub fn run(cli: DeskCli) -> Result<ExitCode> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let state = state(&cli).await?;
        match &cli.command {
            DeskCommand::Tick { now } => {
                let now = match now {
                    Some(t) => time::OffsetDateTime::parse(
                        t,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .with_context(|| format!("--now {t:?} is not an RFC 3339 time"))?
                    .unix_timestamp(),
                    None => indaba_store::now(),
                };
                let summary = indaba_web::desk::jobs::run_due(&state, now).await;
                println!("{}", serde_json::to_string_pretty(&summary)?);
                Ok(if summary.problems.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                })
            }
            DeskCommand::ImportFeed { file, report_type } => {
                let name = file.display().to_string();
                let report_type = report_type
                    .clone()
                    .or_else(|| indaba_desk::feed::report_type_of_file(&name))
                    .unwrap_or_default();
                let input =
                    std::fs::File::open(file).with_context(|| format!("cannot read {name}"))?;
                let summary = indaba_web::desk::jobs::import_feed(
                    &state,
                    None,
                    &name,
                    &report_type,
                    std::io::BufReader::new(input),
                )
                .await
                .map_err(|e| anyhow!(e))?;
                println!("{}", serde_json::to_string_pretty(&summary)?);
                Ok(ExitCode::SUCCESS)
            }
            DeskCommand::IntakeMail { recipient } => {
                let mut raw = Vec::new();
                std::io::stdin()
                    .take(state.desk.max_mail as u64 + 1)
                    .read_to_end(&mut raw)
                    .context("cannot read the mail from standard input")?;
                match indaba_web::desk::inbound::file(&state, &raw, std::slice::from_ref(recipient))
                    .await
                {
                    Ok(filed) => {
                        println!("{filed:?}");
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(e @ indaba_web::desk::inbound::Refused::Later) => {
                        eprintln!("indaba: {e}");
                        Ok(ExitCode::from(75))
                    }
                    Err(e) => {
                        eprintln!("indaba: {e}");
                        Ok(ExitCode::from(65))
                    }
                }
            }
        }
    })
}
