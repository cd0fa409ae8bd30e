//! Printing reports and the catalogue for people (text) and machines (JSON).
//!
//! Text goes through `anstream`, which drops the colour codes when standard
//! output is not a terminal (or when NO_COLOR is set), so piped output is plain.

use std::io::Write;

use anyhow::Result;
use indaba_model::catalogue::{self, CATALOGUE, Category};
use indaba_model::{Report, Status};
use owo_colors::OwoColorize;

/// Prints the report as pretty JSON.
pub fn print_json(report: &Report) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, report)?;
    writeln!(out)?;
    Ok(())
}

fn badge(status: Status) -> String {
    let word = format!("{:<14}", status.as_str().to_uppercase());
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
    let score = report
        .score
        .map(|s| format!("{s}%"))
        .unwrap_or_else(|| "not scored".into());
    writeln!(
        out,
        "{} test of {}: {}",
        report.kind,
        report.target.to_unicode().bold(),
        score.bold()
    )?;
    writeln!(
        out,
        "{}",
        format!(
            "engine {}, policy {}, started {}, took {} ms",
            report.engine_version, report.policy_version, report.started, report.duration_ms
        )
        .dimmed()
    )?;
    for note in &report.observations.cut_short {
        writeln!(out, "{} {note}", "note:".yellow())?;
    }
    for category in Category::ALL {
        let Some(result) = report
            .categories
            .iter()
            .find(|c| c.category == category.id())
        else {
            continue;
        };
        let cat_score = result
            .score
            .map(|s| format!("{s}%"))
            .unwrap_or_else(|| "not scored".into());
        writeln!(out)?;
        let title = indaba_i18n::english().get("en", &category.title_id(), &[]);
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
            writeln!(out, "      {} {}", "guide:".dimmed(), finding.guide)?;
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
            "ID", "CATEGORY", "LEVEL", "POINTS", "TESTS", "TITLE (STANDARDS)"
        )
        .bold()
    )?;
    for c in CATALOGUE {
        let kinds: Vec<String> = c.kinds.iter().map(|k| k.to_string()).collect();
        let level = match c.level {
            catalogue::Level::Required => "required",
            catalogue::Level::Recommended => "recommended",
            catalogue::Level::Optional => "optional",
        };
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
            indaba_i18n::english().get("en", &c.title_id(), &[]),
            c.standards.join(", ")
        )?;
    }
    writeln!(
        out,
        "{}",
        "Required checks count for the score; every check's guide id is its id.".dimmed()
    )?;
    Ok(())
}
