//! `indaba contacts DOMAIN|IP|ASN`: who to tell about a problem, printed
//! from [`indaba_engine::contacts`].

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use indaba_engine::contacts::{Contact, ContactReport, ContactSource, ContactTarget};

/// The arguments of `contacts`.
#[derive(Debug, Args)]
pub struct ContactsArgs {
    /// A domain, an IP address or an AS number (AS64500).
    target: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    engine: super::EngineArgs,
}

/// Runs `contacts`.
pub fn run(args: ContactsArgs) -> Result<ExitCode> {
    let target: ContactTarget = args.target.parse()?;
    let runtime = super::runtime()?;
    let report = runtime.block_on(async {
        let settings = super::engine_settings(&args.engine).await?;
        indaba_engine::contacts::contacts(&settings, &target)
            .await
            .map_err(anyhow::Error::from)
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &report)?;
    }
    out.flush().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

fn print_text(out: &mut impl Write, report: &ContactReport) -> Result<()> {
    writeln!(out, "Contacts for {}", report.target)?;
    if !report.addresses.is_empty() {
        let list: Vec<String> = report.addresses.iter().map(|a| a.to_string()).collect();
        write!(out, "Addresses: {}", list.join(", "))?;
        match &report.addresses_dnssec {
            Some(s) => writeln!(out, " (DNSSEC: {s})")?,
            None => writeln!(out)?,
        }
    }
    writeln!(out)?;
    if report.contacts.is_empty() {
        writeln!(out, "No contact found.")?;
    }
    for (i, contact) in report.contacts.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, reach(contact))?;
        writeln!(out, "   {}", provenance(contact))?;
    }
    if !report.problems.is_empty() {
        writeln!(out, "\nProblems:")?;
        for p in &report.problems {
            writeln!(out, "  - {p}")?;
        }
    }
    Ok(())
}

/// The ways to reach a contact, on one line.
fn reach(c: &Contact) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(c.emails.iter().cloned());
    parts.extend(c.web.iter().cloned());
    parts.extend(c.phones.iter().cloned());
    parts.extend(c.postal.iter().map(|p| p.replace('\n', ", ")));
    let ways = if parts.is_empty() {
        "(no e-mail, phone or address)".to_string()
    } else {
        parts.join("; ")
    };
    match &c.name {
        Some(name) => format!("{name}: {ways}"),
        None => ways,
    }
}

/// Where a contact came from, on one line.
fn provenance(c: &Contact) -> String {
    match c.source {
        ContactSource::SecurityTxt => format!("security.txt of {}, {}", c.about, c.url),
        ContactSource::Rdap => {
            let mut text = format!(
                "RDAP {} contact for {}",
                c.role.as_deref().unwrap_or("abuse"),
                c.about
            );
            if let Some(h) = &c.entity {
                text.push_str(&format!(", entity {h}"));
            }
            if !c.within.is_empty() {
                text.push_str(&format!(" (within {})", c.within.join(" > ")));
            }
            text.push_str(&format!(", {}", c.url));
            text
        }
    }
}
