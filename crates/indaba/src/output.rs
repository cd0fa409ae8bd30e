//! Printing reports and the catalogue for people (text) and machines (JSON).
//!
//! Text goes through `anstream`, which drops the colour codes when standard
//! output is not a terminal (or when NO_COLOR is set), so piped output is plain.

use std::io::Write;

use anyhow::Result;
use indaba_model::catalogue::{self, CATALOGUE, Category};
use indaba_model::{Message, Report, Status, msg};
use owo_colors::OwoColorize;

/// `message` in English, the command line's language.
pub fn english(message: &Message) -> String {
    indaba_i18n::english().render(indaba_i18n::DEFAULT_LANGUAGE, message)
}

fn score_text(score: Option<u8>) -> String {
    score
        .map(|s| format!("{s}%"))
        .unwrap_or_else(|| english(&msg!("cli-not-scored")))
}

/// Prints the report as pretty JSON.
pub fn print_json(report: &Report) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, report)?;
    writeln!(out)?;
    Ok(())
}

fn badge(status: Status) -> String {
    let id = format!("status-{}", status.as_str().replace('_', "-"));
    let word = format!("{:<14}", english(&Message::new(id)).to_uppercase());
    match status {
        Status::Pass => word.green().bold().to_string(),
        Status::Fail => word.red().bold().to_string(),
        Status::Warning => word.yellow().bold().to_string(),
        Status::Info => word.blue().to_string(),
        Status::NotApplicable => word.dimmed().to_string(),
        Status::NotTested => word.red().to_string(),
        Status::Error => word.magenta().bold().to_string(),
    }
}

/// Prints the report for people, grouped by category.
pub fn print_report(report: &Report) -> Result<()> {
    let mut out = anstream::stdout().lock();
    let heading = msg!(
        "cli-report-heading",
        kind = Message::new(format!("kind-{}", report.kind)),
        target = report.target.to_unicode(),
        score = score_text(report.score)
    );
    writeln!(out, "{}", english(&heading).bold())?;
    let meta = msg!(
        "cli-report-meta",
        engine = report.engine_version.as_str(),
        policy = report.policy_version.as_str(),
        started = report.started.as_str(),
        ms = report.duration_ms.to_string()
    );
    writeln!(out, "{}", english(&meta).dimmed())?;
    writeln!(out, "{}", english(&report.verdict.message))?;
    let note = english(&msg!("cli-note"));
    for cut in &report.observations.cut_short {
        writeln!(out, "{} {}", note.yellow(), english(cut))?;
    }
    let guide = english(&msg!("cli-guide"));
    for category in Category::ALL {
        let Some(result) = report
            .categories
            .iter()
            .find(|c| c.category == category.id())
        else {
            continue;
        };
        let cat_score = score_text(result.score);
        writeln!(out)?;
        let title = english(&Message::new(category.title_id()));
        writeln!(out, "{} {}", title.bold().underline(), cat_score)?;
        for finding in report
            .findings
            .iter()
            .filter(|f| catalogue::check(&f.check).map(|c| c.category) == Some(category))
        {
            writeln!(
                out,
                "  {} {}  {}",
                badge(finding.status),
                finding.check.bold(),
                finding.summary
            )?;
            for e in &finding.evidence {
                writeln!(
                    out,
                    "      {} {}",
                    format!("{}:", e.subject).dimmed(),
                    e.detail
                )?;
            }
            writeln!(out, "      {} {}", guide.dimmed(), finding.guide)?;
        }
    }
    Ok(())
}

/// Prints the check catalogue.
pub fn print_catalogue(json: bool) -> Result<()> {
    if json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, CATALOGUE)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut out = anstream::stdout().lock();
    writeln!(
        out,
        "{}",
        format!(
            "{:<24} {:<8} {:<11} {:>6}  {:<10} {}",
            english(&msg!("cli-catalogue-id")),
            english(&msg!("cli-catalogue-category")),
            english(&msg!("cli-catalogue-level")),
            english(&msg!("cli-catalogue-points")),
            english(&msg!("cli-catalogue-kinds")),
            english(&msg!("cli-catalogue-title"))
        )
        .bold()
    )?;
    for c in CATALOGUE {
        let kinds: Vec<String> = c.kinds.iter().map(|k| k.to_string()).collect();
        let level = english(&match c.level {
            catalogue::Level::Required => msg!("cli-level-required"),
            catalogue::Level::Recommended => msg!("cli-level-recommended"),
            catalogue::Level::Optional => msg!("cli-level-optional"),
        });
        writeln!(
            out,
            "{:<24} {:<8} {:<11} {:>6}  {:<10} {} ({})",
            c.id,
            c.category.id(),
            level,
            if c.scored() {
                c.points.to_string()
            } else {
                "-".into()
            },
            kinds.join(","),
            english(&Message::new(c.title_id())),
            c.standards.join(", ")
        )?;
    }
    writeln!(out, "{}", english(&msg!("cli-catalogue-footer")).dimmed())?;
    Ok(())
}
