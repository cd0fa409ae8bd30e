//! `web.https.redirect`: plain HTTP sends visitors to HTTPS on the same host
//! as its first step (NCSC-NL web guideline U/WA.05; internet.nl issue 1208:
//! redirecting to another host first exposes the visitor to that host over
//! plain HTTP, and HSTS of the tested host never gets a chance).

use std::net::IpAddr;

use indaba_model::catalogue::ids;
use indaba_model::observation::{HttpFailure, HttpOutcome};
use indaba_model::{Evidence, Finding, Observations, Status};

use crate::lookup;

/// What one address's plain-HTTP answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hop {
    /// Nothing listens on port 80: there is no plain-HTTP site to protect.
    NoListener(String),
    /// First redirect goes to HTTPS on the same host.
    ToHttpsSameHost(String),
    /// First redirect goes elsewhere (another host, or plain HTTP).
    Elsewhere(String),
    /// Content served over plain HTTP.
    NoRedirect(u16),
    /// Not fetched.
    Unknown(String),
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

/// Judges the plain-HTTP answers of every address of `host`.
pub fn finding(obs: &Observations, host: &str, addresses: &[(String, IpAddr)]) -> Finding {
    let id = ids::WEB_HTTPS_REDIRECT;
    if addresses.is_empty() {
        return Finding::new(id, Status::NotApplicable, "No web server address to test.");
    }
    let url = crate::lookup::http_url(host, "/");
    let mut evidence = Vec::new();
    let (mut good, mut bad, mut unknown, mut silent) = (0, 0, 0, 0);
    for (_, ip) in addresses {
        let address = lookup::socket_text(*ip, 80);
        let fetch = obs
            .http
            .iter()
            .find(|f| f.url == url && f.address == address);
        let hop = match fetch.map(|f| &f.outcome) {
            None => Hop::Unknown("not fetched".into()),
            Some(HttpOutcome::Failure {
                kind: HttpFailure::Refused,
                reason,
            }) => Hop::NoListener(reason.clone()),
            Some(HttpOutcome::Failure { reason, .. }) => Hop::Unknown(reason.clone()),
            Some(HttpOutcome::Response(r)) => classify(host, r.status, r.header("location")),
        };
        let detail = match &hop {
            Hop::NoListener(_) => {
                silent += 1;
                "nothing listens on port 80".to_string()
            }
            Hop::ToHttpsSameHost(l) => {
                good += 1;
                format!("redirects to {l}")
            }
            Hop::Elsewhere(l) => {
                bad += 1;
                format!("redirects first to {l}, not to HTTPS on {host}")
            }
            Hop::NoRedirect(status) => {
                bad += 1;
                format!("answers {status} over plain HTTP without redirecting to HTTPS")
            }
            Hop::Unknown(reason) => {
                unknown += 1;
                format!("could not be tested: {reason}")
            }
        };
        evidence.push(Evidence::new(address, detail));
    }
    let (status, summary) = if bad > 0 {
        (
            Status::Fail,
            format!(
                "Plain HTTP on {host} does not send every visitor straight to HTTPS on the same host."
            ),
        )
    } else if unknown > 0 {
        (
            Status::Error,
            format!("Not every address of {host} could be tested over plain HTTP."),
        )
    } else if good == 0 && silent > 0 && !serves_https(obs, host, addresses) {
        (
            Status::NotApplicable,
            format!("No address of {host} answers on port 80 or 443: there is no website to test."),
        )
    } else if good == 0 && silent > 0 {
        (
            Status::Pass,
            format!("{host} does not serve plain HTTP at all, only HTTPS."),
        )
    } else {
        (
            Status::Pass,
            format!("Plain HTTP on {host} redirects to HTTPS on the same host."),
        )
    };
    Finding::new(id, status, summary).with_all(evidence)
}

/// Whether any address answered an HTTPS request: an HTTPS-only site needs
/// no redirect, but a host that serves nothing at all is no such site.
fn serves_https(obs: &Observations, host: &str, addresses: &[(String, IpAddr)]) -> bool {
    let url = lookup::https_url(host, "/");
    addresses.iter().any(|(_, ip)| {
        let address = lookup::socket_text(*ip, 443);
        obs.http.iter().any(|f| {
            f.url == url && f.address == address && matches!(f.outcome, HttpOutcome::Response(_))
        })
    })
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
        assert!(matches!(
            classify("example.nl", 200, Some("https://example.nl/")),
            Hop::NoRedirect(200)
        ));
    }
}
