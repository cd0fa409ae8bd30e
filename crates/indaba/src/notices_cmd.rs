//! `indaba notices …`: owner notices from the command line (issue 13) —
//! send the digests that are due (what `serve` does in the background),
//! and read the delivery log. The rules are `indaba_monitor::notices`'s,
//! the sending `indaba_web::notices::send`'s.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use indaba_web::notices::send::{Notices, send_due};

/// `indaba notices`.
#[derive(Debug, Args)]
pub struct NoticesCli {
    #[command(subcommand)]
    command: NoticesCommand,
    #[command(flatten)]
    mailing: super::smtp_args::MailingArgs,
}

#[derive(Debug, Subcommand)]
enum NoticesCommand {
    /// Sends the digests that are due now: one per contact and day.
    Send {
        /// How contacts are looked up (security.txt, RDAP).
        #[command(flatten)]
        engine: Box<super::EngineArgs>,
    },
    /// Prints the delivery log, newest first: to, when, what, in which
    /// language, the SMTP answer.
    Log {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Lines at most.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
}

/// Runs `indaba notices …`.
pub fn run(cli: NoticesCli) -> Result<ExitCode> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let store = indaba_store::Store::open(&cli.mailing.database).await?;
        match cli.command {
            NoticesCommand::Send { engine } => {
                let mailer = cli.mailing.smtp.mailer()?;
                let engine = super::engine_settings(&engine).await?;
                let catalogue = indaba_i18n::Catalogue::load()?;
                let round = send_due(
                    Notices {
                        store: &store,
                        engine: &engine,
                        mailer: mailer.as_ref(),
                        base_url: &cli.mailing.base_url,
                        catalogue: &catalogue,
                    },
                    indaba_store::now(),
                )
                .await?;
                println!(
                    "{} sent, {} not sent (opted out), {} failed, {} changes waiting for another day, {} without a contact",
                    round.sent, round.opted_out, round.failed, round.waiting, round.no_contact
                );
                Ok(if round.failed > 0 {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                })
            }
            NoticesCommand::Log { json, limit } => {
                let log = store.notice_deliveries(limit).await?;
                if json {
                    let rows: Vec<serde_json::Value> = log
                        .iter()
                        .map(|d| {
                            serde_json::json!({
                                "id": d.id, "to": d.contact, "source": d.source,
                                "day": d.day, "subject": d.subject, "changes": d.changes,
                                "state": d.state, "smtp_answer": d.smtp_answer,
                                "created_at": d.created_at, "sent_at": d.sent_at,
                                "language": d.language,
                            })
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                } else {
                    for d in &log {
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{} changes\t{}\t{}",
                            d.created_at,
                            d.contact,
                            d.source,
                            d.language,
                            d.state,
                            d.changes,
                            d.subject,
                            d.smtp_answer
                        );
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}
