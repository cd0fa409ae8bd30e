//! `indaba spf`: RFC 7208 `check_host()` for one client address, with the
//! explanation and the trace of every lookup, so a mail administrator can
//! ask "would this server's mail pass?".

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use indaba_checks::dnssec::Validator;
use indaba_checks::spf::{CheckHostInput, Evaluation, MAX_LOOKUPS, MAX_VOID_LOOKUPS};
use indaba_i18n::in_english as say;
use indaba_model::{DomainName, ToMessage, msg};
use indaba_probe::{ProbeSettings, Session};

/// Arguments of `indaba spf`.
#[derive(Debug, Args)]
pub struct SpfArgs {
    /// The domain whose SPF policy applies (the MAIL FROM domain, or the
    /// HELO name for the HELO identity).
    domain: String,
    /// The address of the sending server.
    #[arg(long, value_name = "IP")]
    ip: IpAddr,
    /// The MAIL FROM address (default: postmaster@DOMAIN).
    #[arg(long, value_name = "ADDR")]
    sender: Option<String>,
    /// The HELO/EHLO name the server gives (default: unknown).
    #[arg(long, value_name = "NAME")]
    helo: Option<String>,
    /// Recursive resolver to use, ADDR or ADDR:PORT (default: the first
    /// nameserver in /etc/resolv.conf).
    #[arg(long, value_name = "ADDR[:PORT]")]
    resolver: Option<String>,
    /// DNSSEC trust anchor file (default: IANA's root anchors); used to
    /// say whether the domain's SPF record is DNSSEC-signed.
    #[arg(long, value_name = "FILE")]
    trust_anchor: Option<PathBuf>,
    /// Time limit of the whole evaluation, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `indaba spf`.
pub fn run(args: SpfArgs) -> Result<ExitCode> {
    let domain = DomainName::parse(&args.domain)
        .with_context(|| say(&msg!("spf-cli-bad-domain", domain = args.domain.as_str())))?;
    if args.timeout == 0 {
        bail!(say(&msg!("spf-cli-bad-timeout")));
    }
    let (resolver, anchor) =
        super::dns_settings(args.resolver.as_deref(), args.trust_anchor.as_deref())?;
    let sender = args
        .sender
        .as_deref()
        .map(|s| {
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
        .unwrap_or_else(|| format!("postmaster@{}", domain.as_str()));
    let helo = args.helo.clone().unwrap_or_else(|| "unknown".to_string());
    let mut input = CheckHostInput::new(args.ip, &sender, &helo);
    // check_host(<ip>, <domain>, <sender>): the domain is the one asked
    // about, whatever domain the sender's address names.
    input.domain = domain.as_str().to_string();
    input.timestamp = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    let timeout = Duration::from_secs(args.timeout);
    let mut probe = ProbeSettings::new(resolver);
    probe.dns_timeout = probe.dns_timeout.min(timeout);
    let runtime = super::runtime()?;
    let session = Session::new(probe, Instant::now() + timeout);
    let evaluation = runtime.block_on(async {
        tokio::time::timeout(timeout, indaba_engine::spf::check_host(&session, &input)).await
    });
    let Ok(Some(evaluation)) = evaluation else {
        bail!(say(&msg!("spf-cli-timeout", seconds = args.timeout)));
    };
    // DNSSEC status of the domain's own record.
    let fqdn = domain.to_fqdn();
    runtime.block_on(async {
        let _ = tokio::time::timeout(timeout, indaba_probe::chain::collect(&session, &fqdn)).await;
    });
    let obs = session.observations();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let dnssec = Validator::new(&obs, &anchor, now)
        .answer(&fqdn, "TXT")
        .map(|s| s.to_string())
        .unwrap_or_else(|| say(&msg!("spf-cli-dnssec-none")));
    if args.json {
        print_json(&input, &evaluation, &dnssec)?;
    } else {
        print_text(&input, &evaluation, &dnssec);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(input: &CheckHostInput, e: &Evaluation, dnssec: &str) {
    let lines = [
        msg!(
            "spf-cli-result",
            ip = input.ip,
            domain = input.domain.as_str(),
            sender = input.sender.as_str(),
            helo = input.helo.as_str(),
            result = e.result.as_str()
        ),
        msg!("spf-cli-reason", reason = e.reason.to_message()),
    ];
    for line in &lines {
        println!("{}", say(line));
    }
    if let Some(explanation) = &e.explanation {
        // The domain's own words (exp=), shown as it wrote them.
        println!(
            "{}",
            say(&msg!(
                "spf-cli-explanation",
                explanation = explanation.as_str()
            ))
        );
    }
    let lines = [
        msg!(
            "spf-cli-counts",
            lookups = e.lookups,
            max = MAX_LOOKUPS,
            voids = e.void_lookups,
            max_voids = MAX_VOID_LOOKUPS
        ),
        msg!(
            "spf-cli-dnssec",
            domain = input.domain.as_str(),
            status = dnssec
        ),
        msg!("spf-cli-trace"),
    ];
    for line in &lines {
        println!("{}", say(line));
    }
    for step in &e.trace {
        println!("  {}{}", "  ".repeat(step.depth), say(&step.message));
    }
}

/// The JSON keeps each sentence's English beside its message id and
/// arguments, as reports do.
fn print_json(input: &CheckHostInput, e: &Evaluation, dnssec: &str) -> Result<()> {
    let trace: Vec<serde_json::Value> = e
        .trace
        .iter()
        .map(|s| {
            serde_json::json!({
                "depth": s.depth,
                "text": say(&s.message),
                "message": s.message,
            })
        })
        .collect();
    let reason = e.reason.to_message();
    let value = serde_json::json!({
        "ip": input.ip.to_string(),
        "domain": input.domain,
        "sender": input.sender,
        "helo": input.helo,
        "result": e.result.as_str(),
        "reason": say(&reason),
        "reason_message": reason,
        "explanation": e.explanation,
        "lookups": e.lookups,
        "void_lookups": e.void_lookups,
        "dnssec": dnssec,
        "trace": trace,
    });
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}
