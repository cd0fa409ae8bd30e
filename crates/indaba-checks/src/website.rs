//! The HTTP-level web checks (HSTS, security headers, CSP, security.txt) and
//! CAA, read out of the observations.
//!
//! The standards' own modules ([`crate::hsts`], [`crate::headers`],
//! [`crate::csp`], [`crate::security_txt`], [`crate::caa`]) judge plain
//! inputs; this module only finds those inputs among what the engine
//! fetched, so that every such lookup happens in one place and the same way
//! for the CLI, the platform and a re-judged stored report.

use std::net::IpAddr;

use hickory_proto::rr::RData;
use indaba_model::catalogue::ids;
use indaba_model::observation::{HttpOutcome, HttpResponse};
use indaba_model::{DomainName, Finding, Observations, Status};
use time::OffsetDateTime;

use crate::caa::{self, CaaLookup};
use crate::headers::{self, ResponseHeaders};
use crate::hsts::{self, AddressHsts, HstsFetch};
use crate::lookup;
use crate::security_txt::{self, SecurityTxtFetch};

/// Port of every HTTPS fetch.
const HTTPS_PORT: u16 = 443;

/// The path security.txt is fetched from (RFC 9116 §3).
pub const SECURITY_TXT_PATH: &str = "/.well-known/security.txt";

/// The stored outcome of an HTTPS fetch of `path` on `host` at `ip`.
fn https_outcome<'a>(
    obs: &'a Observations,
    host: &str,
    path: &str,
    ip: IpAddr,
) -> Option<&'a HttpOutcome> {
    let url = lookup::https_url(host, path);
    let address = lookup::socket_text(ip, HTTPS_PORT);
    obs.http
        .iter()
        .find(|f| f.url == url && f.address == address)
        .map(|f| &f.outcome)
}

/// The first HTTPS response for `/` among the web server's addresses, or why
/// there is none.
fn home_page<'a>(
    obs: &'a Observations,
    host: &str,
    servers: &[(String, IpAddr)],
) -> Result<&'a HttpResponse, String> {
    let mut reason = String::from("the home page was not fetched over HTTPS");
    for (_, ip) in servers {
        match https_outcome(obs, host, "/", *ip) {
            Some(HttpOutcome::Response(r)) => return Ok(r),
            Some(HttpOutcome::Failure { reason: why, .. }) => {
                reason = format!(
                    "https://{}/ on {} gave no answer: {why}",
                    host.trim_end_matches('.'),
                    lookup::socket_text(*ip, HTTPS_PORT)
                );
            }
            None => {}
        }
    }
    Err(reason)
}

/// `web.https.hsts`: the `Strict-Transport-Security` answer of every address.
pub fn hsts(obs: &Observations, host: &str, servers: &[(String, IpAddr)]) -> Finding {
    if servers.is_empty() {
        return Finding::new(
            ids::WEB_HTTPS_HSTS,
            Status::NotApplicable,
            "No web server address to test.",
        );
    }
    let addresses: Vec<AddressHsts> = servers
        .iter()
        .map(|(_, ip)| AddressHsts {
            address: lookup::socket_text(*ip, HTTPS_PORT),
            fetch: match https_outcome(obs, host, "/", *ip) {
                Some(HttpOutcome::Response(r)) => {
                    HstsFetch::from_headers(&ResponseHeaders::from_response(r))
                }
                Some(HttpOutcome::Failure { reason, .. }) => HstsFetch::Failed(reason.clone()),
                None => HstsFetch::Failed("not fetched".into()),
            },
        })
        .collect();
    hsts::finding(&addresses)
}

/// The security header findings (`X-Frame-Options`, `X-Content-Type-Options`,
/// Content-Security-Policy, Referrer-Policy) of the home page over HTTPS.
pub fn header_findings(
    obs: &Observations,
    host: &str,
    servers: &[(String, IpAddr)],
) -> Vec<Finding> {
    let checks = [
        ids::WEB_HEADERS_FRAME_OPTIONS,
        ids::WEB_HEADERS_CONTENT_TYPE_OPTIONS,
        ids::WEB_HEADERS_CSP,
        ids::WEB_HEADERS_REFERRER_POLICY,
    ];
    if servers.is_empty() {
        return checks
            .iter()
            .map(|id| Finding::new(id, Status::NotApplicable, "No web server address to test."))
            .collect();
    }
    match home_page(obs, host, servers) {
        Ok(page) => {
            let fields = ResponseHeaders::from_response(page);
            vec![
                headers::frame_options(&fields),
                headers::content_type_options(&fields),
                crate::csp::finding(&fields),
                headers::referrer(&fields),
            ]
        }
        Err(reason) => checks
            .iter()
            .map(|id| {
                Finding::new(
                    id,
                    Status::Error,
                    format!("The headers could not be tested: {reason}."),
                )
            })
            .collect(),
    }
}

/// `web.security_txt.valid`: the file fetched from the first address, judged
/// at `now`.
pub fn security_txt(
    obs: &Observations,
    host: &str,
    servers: &[(String, IpAddr)],
    now: OffsetDateTime,
) -> Finding {
    let Some((_, ip)) = servers.first() else {
        return Finding::new(
            ids::WEB_SECURITY_TXT,
            Status::NotApplicable,
            "No web server address to test.",
        );
    };
    let fetch = match https_outcome(obs, host, SECURITY_TXT_PATH, *ip) {
        Some(HttpOutcome::Response(r)) => SecurityTxtFetch::Response {
            status: r.status,
            content_type: r.header("content-type").map(str::to_string),
            body: r.body.bytes().to_vec(),
            truncated: r.body_truncated,
            final_url: lookup::https_url(host, SECURITY_TXT_PATH),
        },
        Some(HttpOutcome::Failure { reason, .. }) => SecurityTxtFetch::Failed(reason.clone()),
        None => SecurityTxtFetch::Failed("it was not fetched".into()),
    };
    security_txt::finding(&fetch, now)
}

/// The CAA record sets of [`caa::search_names`] as far as they were looked
/// up, stopping at the first non-empty one.
pub fn caa_lookup(obs: &Observations, domain: &DomainName) -> CaaLookup {
    for name in caa::search_names(domain) {
        let fqdn = name.to_fqdn();
        let response = match lookup::resolved(obs, &fqdn, "CAA") {
            Ok(r) => r,
            Err(reason) => return CaaLookup::Failed(reason.to_string()),
        };
        let Some(message) = response.message() else {
            return CaaLookup::Failed(format!(
                "the stored CAA answer for {name} cannot be decoded"
            ));
        };
        let records: Vec<Vec<u8>> = message
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::CAA(c) => Some(caa::wire_rdata(c.flags(), c.tag.as_bytes(), &c.value)),
                _ => None,
            })
            .take(caa::MAX_RECORDS)
            .collect();
        if !records.is_empty() {
            return CaaLookup::Found { name, records };
        }
    }
    CaaLookup::NotFound
}

/// `web.caa.valid` for `domain`.
pub fn caa(obs: &Observations, domain: &str) -> Finding {
    match DomainName::parse(domain) {
        Ok(name) => caa::finding(&name, &caa_lookup(obs, &name)),
        Err(e) => Finding::new(ids::WEB_CAA, Status::Error, e.to_string()),
    }
}
