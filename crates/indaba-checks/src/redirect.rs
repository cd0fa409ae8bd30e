//! `web.https.redirect`: plain HTTP sends visitors to HTTPS on the same host
//! as its first step (NCSC-NL web guideline U/WA.05; internet.nl issue 1208:
//! redirecting to another host first exposes the visitor to that host over
//! plain HTTP, and HSTS of the tested host never gets a chance).
//!
//! Judged per address the way internet.nl's `https_forced` is: without
//! HTTPS on the address there is nothing to redirect to, so it is not
//! tested (it earns nothing); with HTTPS, nothing listening on port 80
//! passes (no plain-HTTP site to protect); otherwise the first hop must go
//! to HTTPS on the same host. The addresses combine with
//! [`Status::worst`]. Whether something listens is read from the failure's
//! kind ([`HttpFailure::Refused`]), never from its text.

use std::net::IpAddr;

use indaba_model::catalogue::ids;
use indaba_model::observation::{HttpFailure, HttpOutcome};
use indaba_model::tls::TlsTransport;
use indaba_model::{Evidence, Finding, Message, Observations, Status, msg};

use crate::lookup;
use crate::website::{http_failure, https_answer};

/// What one address's plain-HTTP answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hop {
    /// Nothing listens on port 80: there is no plain-HTTP site to protect.
    NoListener,
    /// First redirect goes to HTTPS on the same host.
    ToHttpsSameHost(String),
    /// First redirect goes elsewhere (another host, or plain HTTP).
    Elsewhere(String),
    /// Content served over plain HTTP.
    NoRedirect(u16),
}

/// The first hop of `location` relative to `host`.
fn classify(host: &str, status: u16, location: Option<&str>) -> Hop {
    let Some(location) = location.filter(|_| (300..400).contains(&status)) else {
        return Hop::NoRedirect(status);
    };
    let loc = location.trim();
    let lower = loc.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://") else {
        return Hop::Elsewhere(loc.to_string());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let target_host = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let target_host = match target_host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => target_host,
    };
    if target_host.trim_end_matches('.') == host.trim_end_matches('.').to_ascii_lowercase() {
        Hop::ToHttpsSameHost(loc.to_string())
    } else {
        Hop::Elsewhere(loc.to_string())
    }
}

/// One address's verdict.
fn judge_address(obs: &Observations, host: &str, url: &str, ip: IpAddr) -> (Status, Message) {
    if let Some((status, why)) = https_answer(obs, host, ip).untested() {
        // No HTTPS here: nothing to redirect to (internet.nl: not tested).
        return (status, msg!("redirect-no-https", reason = why));
    }
    let address = lookup::socket_text(ip, 80);
    let fetch = obs
        .http
        .iter()
        .find(|f| f.url == url && f.address == address);
    let hop = match fetch.map(|f| &f.outcome) {
        None => return (Status::Error, msg!("redirect-not-fetched")),
        Some(HttpOutcome::Failure {
            kind: HttpFailure::Refused,
            ..
        }) => Hop::NoListener,
        Some(HttpOutcome::Failure { kind, reason }) => {
            return (Status::Error, http_failure(*kind, reason));
        }
        // The Location as sent, read leniently: a browser follows one with
        // a stray non-UTF-8 byte in its path, so the host still decides.
        Some(HttpOutcome::Response(r)) => classify(
            host,
            r.status,
            r.header_bytes("location").map(|v| v.lossy()).as_deref(),
        ),
    };
    match hop {
        Hop::NoListener => (Status::Pass, msg!("redirect-no-listener")),
        Hop::ToHttpsSameHost(l) => (Status::Pass, msg!("redirect-same-host", location = l)),
        Hop::Elsewhere(l) => (
            Status::Fail,
            msg!(
                "redirect-elsewhere",
                location = l,
                host = host.trim_end_matches('.')
            ),
        ),
        Hop::NoRedirect(code) => (Status::Fail, msg!("redirect-none", status = code)),
    }
}

/// Judges the plain-HTTP answers of every address of `host`.
pub fn finding(obs: &Observations, host: &str, addresses: &[(String, IpAddr)]) -> Finding {
    let id = ids::WEB_HTTPS_REDIRECT;
    let url = lookup::http_url(host, "/");
    let verdicts: Vec<(String, Status, Message)> = addresses
        .iter()
        .map(|(_, ip)| {
            let (status, detail) = judge_address(obs, host, &url, *ip);
            (lookup::socket_text(*ip, 80), status, detail)
        })
        .collect();
    let Some(status) = Status::worst(verdicts.iter().map(|(_, s, _)| *s)) else {
        return Finding::new(id, Status::NotTested, msg!("web-no-address"));
    };
    let shown = host.trim_end_matches('.');
    let summary = match status {
        Status::Fail => msg!("redirect-fail", host = shown),
        Status::NotTested => crate::tls::not_tested_summary(
            TlsTransport::Direct,
            verdicts
                .iter()
                .filter(|(_, s, _)| *s == Status::NotTested)
                .count(),
            verdicts.len(),
        ),
        Status::Pass
            if verdicts
                .iter()
                .all(|(_, _, d)| d.id == "redirect-no-listener") =>
        {
            msg!("redirect-https-only", host = shown)
        }
        Status::Pass => msg!("redirect-pass", host = shown),
        _ => msg!("redirect-error", host = shown),
    };
    Finding::new(id, status, summary).with_all(verdicts.into_iter().map(
        |(address, status, detail)| {
            Evidence::new(
                address,
                msg!(
                    "redirect-address",
                    status = crate::tls::status_word(status),
                    detail = detail
                ),
            )
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_hops() {
        assert!(matches!(
            classify("example.nl", 301, Some("https://example.nl/")),
            Hop::ToHttpsSameHost(_)
        ));
        assert!(matches!(
            classify("example.nl", 302, Some("HTTPS://Example.NL:443/x")),
            Hop::ToHttpsSameHost(_)
        ));
        assert!(matches!(
            classify("example.nl", 301, Some("https://www.example.nl/")),
            Hop::Elsewhere(_)
        ));
        assert!(matches!(
            classify("example.nl", 301, Some("http://example.nl/")),
            Hop::Elsewhere(_)
        ));
        assert!(matches!(
            classify(
                "example.nl",
                301,
                Some("https://evil.test@example.nl.attacker/")
            ),
            Hop::Elsewhere(_)
        ));
        assert!(matches!(
            classify("example.nl", 200, None),
            Hop::NoRedirect(200)
        ));
        let _ = Hop::NoListener;
        assert!(matches!(
            classify("example.nl", 200, Some("https://example.nl/")),
            Hop::NoRedirect(200)
        ));
    }
}
