//! The HTTP-level web checks (HSTS, security headers, CSP, security.txt) and
//! CAA, read out of the observations.
//!
//! The standards' own modules ([`crate::hsts`], [`crate::headers`],
//! [`crate::csp`], [`crate::security_txt`], [`crate::caa`]) judge plain
//! inputs; this module only finds those inputs among what the engine
//! fetched, so that every such lookup happens in one place and the same way
//! for the CLI, the platform and a re-judged stored report. Whether an
//! address serves HTTPS at all is decided here once ([`https_answer`]), by
//! the kind of the fetch's failure and the address's TLS scan, never by a
//! message's text: an address without HTTPS leaves these checks
//! `not_tested`, one that timed out leaves them `error`.

use std::net::IpAddr;

use hickory_proto::rr::RData;
use indaba_model::catalogue::ids;
use indaba_model::observation::{HttpFailure, HttpOutcome, HttpResponse};
use indaba_model::tls::TlsTransport;
use indaba_model::{DomainName, Evidence, Finding, Message, Observations, Status, msg};
use time::OffsetDateTime;

use crate::caa::{self, CaaLookup};
use crate::headers::{self, ResponseHeaders};
use crate::hsts::{self, AddressHsts, HstsFetch};
use crate::lookup;
use crate::security_txt::{self, SecurityTxtFetch};
use crate::tls::{self, Reach};

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

/// Why an HTTP request got no answer, in words, with the library's detail
/// as data.
pub(crate) fn http_failure(kind: HttpFailure, reason: &str) -> Message {
    match kind {
        HttpFailure::Timeout => msg!("http-failure-timeout", reason = reason),
        HttpFailure::Refused => msg!("http-failure-refused", reason = reason),
        HttpFailure::Tls => msg!("http-failure-tls", reason = reason),
        HttpFailure::TooLarge => msg!("http-failure-too-large", reason = reason),
        HttpFailure::Protocol => msg!("http-failure-protocol", reason = reason),
        HttpFailure::Cancelled => msg!("http-failure-cancelled", reason = reason),
        HttpFailure::Blocked => msg!("http-failure-blocked", reason = reason),
    }
}

/// What one web server address answered over HTTPS, as the checks of the
/// HTTP layer (redirect, HSTS, headers) need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HttpsAnswer<'a> {
    /// The home page's response.
    Page(&'a HttpResponse),
    /// No HTTPS on the address: nothing accepts the connection, or no TLS
    /// handshake a client can complete. What the checks test is missing:
    /// `not_tested`.
    Missing(Message),
    /// Could not be tested (a timeout, a broken answer, not asked): `error`.
    Failed(Message),
}

impl HttpsAnswer<'_> {
    /// The status of a check that has no page for this reason; `None` when
    /// there is a page.
    pub(crate) fn untested(&self) -> Option<(Status, Message)> {
        match self {
            HttpsAnswer::Page(_) => None,
            HttpsAnswer::Missing(why) => Some((Status::NotTested, why.clone())),
            HttpsAnswer::Failed(why) => Some((Status::Error, why.clone())),
        }
    }
}

/// How `https://<host>/` went on `ip`. The failure's kind decides, never its
/// text: a refused connection or a failed TLS handshake means no HTTPS; when
/// the page was not fetched, the TLS scan of the address says whether
/// anything answers TLS there ([`tls::reach`]).
pub(crate) fn https_answer<'a>(obs: &'a Observations, host: &str, ip: IpAddr) -> HttpsAnswer<'a> {
    match https_outcome(obs, host, "/", ip) {
        Some(HttpOutcome::Response(r)) => HttpsAnswer::Page(r),
        Some(HttpOutcome::Failure { kind, reason }) => match kind {
            HttpFailure::Refused | HttpFailure::Tls => {
                HttpsAnswer::Missing(http_failure(*kind, reason))
            }
            HttpFailure::Timeout
            | HttpFailure::TooLarge
            | HttpFailure::Protocol
            | HttpFailure::Cancelled
            | HttpFailure::Blocked => HttpsAnswer::Failed(http_failure(*kind, reason)),
        },
        None => {
            let address = lookup::socket_text(ip, HTTPS_PORT);
            let scan = obs
                .tls
                .iter()
                .find(|s| s.address == address && s.transport == TlsTransport::Direct);
            match scan.map(tls::reach) {
                Some(Reach::Missing(why)) => HttpsAnswer::Missing(why),
                Some(Reach::Failed(why)) => HttpsAnswer::Failed(why),
                Some(Reach::Tls) | None => HttpsAnswer::Failed(msg!("web-https-not-fetched")),
            }
        }
    }
}

/// The summary of a web check none of whose addresses could be judged:
/// "not tested: no web server answers over HTTPS" when HTTPS is missing
/// everywhere, else `error` with why.
fn untested_summary(answers: &[HttpsAnswer<'_>], error: Message) -> (Status, Message) {
    let missing = answers
        .iter()
        .filter(|a| matches!(a, HttpsAnswer::Missing(_)))
        .count();
    if missing > 0 && missing == answers.len() {
        (
            Status::NotTested,
            tls::not_tested_summary(TlsTransport::Direct, missing, answers.len()),
        )
    } else {
        (Status::Error, error)
    }
}

/// The finding of a check with no web server address to test.
fn no_address(id: &str) -> Finding {
    Finding::new(id, Status::NotTested, msg!("web-no-address"))
}

/// `web.https.hsts`: the `Strict-Transport-Security` answer of every address.
pub fn hsts(obs: &Observations, host: &str, servers: &[(String, IpAddr)]) -> Finding {
    let addresses: Vec<AddressHsts> = servers
        .iter()
        .map(|(_, ip)| AddressHsts {
            address: lookup::socket_text(*ip, HTTPS_PORT),
            fetch: match https_answer(obs, host, *ip) {
                HttpsAnswer::Page(r) => HstsFetch::from_headers(&ResponseHeaders::from_response(r)),
                HttpsAnswer::Missing(why) => HstsFetch::Missing(why),
                HttpsAnswer::Failed(why) => HstsFetch::Failed(why),
            },
        })
        .collect();
    hsts::finding(&addresses)
}

/// The security header findings (`X-Frame-Options`, `X-Content-Type-Options`,
/// Content-Security-Policy, Referrer-Policy) of the home page over HTTPS:
/// the first address that answered.
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
        return checks.iter().map(|id| no_address(id)).collect();
    }
    let answers: Vec<HttpsAnswer<'_>> = servers
        .iter()
        .map(|(_, ip)| https_answer(obs, host, *ip))
        .collect();
    let page = answers.iter().find_map(|a| match a {
        HttpsAnswer::Page(r) => Some(*r),
        _ => None,
    });
    match page {
        Some(page) => {
            let fields = ResponseHeaders::from_response(page);
            vec![
                headers::frame_options(&fields),
                headers::content_type_options(&fields),
                crate::csp::finding(&fields),
                headers::referrer(&fields),
            ]
        }
        None => {
            let (status, summary) = untested_summary(&answers, msg!("web-headers-untested"));
            let evidence: Vec<Evidence> = servers
                .iter()
                .zip(&answers)
                .filter_map(|((_, ip), a)| {
                    let (status, why) = a.untested()?;
                    Some(Evidence::new(
                        lookup::socket_text(*ip, HTTPS_PORT),
                        msg!(
                            "web-address-untested",
                            status = tls::status_word(status),
                            reason = why
                        ),
                    ))
                })
                .collect();
            checks
                .iter()
                .map(|id| Finding::new(id, status, summary.clone()).with_all(evidence.clone()))
                .collect()
        }
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
        return no_address(ids::WEB_SECURITY_TXT);
    };
    let url = lookup::https_url(host, SECURITY_TXT_PATH);
    let fetch = match https_outcome(obs, host, SECURITY_TXT_PATH, *ip) {
        Some(outcome) => SecurityTxtFetch::from_outcome(outcome, url),
        None => match https_answer(obs, host, *ip) {
            HttpsAnswer::Missing(why) => SecurityTxtFetch::Missing(why),
            _ => SecurityTxtFetch::Failed(msg!("web-https-not-fetched")),
        },
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
        Err(e) => Finding::new(
            ids::WEB_CAA,
            Status::Error,
            msg!("web-domain-invalid", reason = e.to_string()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use indaba_model::Arg;
    use indaba_model::observation::{HttpFetch, Octets};
    use indaba_model::tls::{ConnectFailure, ConnectFailureKind, TlsScan};
    use time::macros::datetime;

    use super::*;

    const HOST: &str = "example.test";

    fn ip() -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))
    }

    fn servers() -> Vec<(String, IpAddr)> {
        vec![(HOST.to_string(), ip())]
    }

    fn fetched(scheme: &str, path: &str, outcome: HttpOutcome) -> HttpFetch {
        let (url, port) = match scheme {
            "https" => (lookup::https_url(HOST, path), 443),
            _ => (lookup::http_url(HOST, path), 80),
        };
        HttpFetch {
            url,
            address: lookup::socket_text(ip(), port),
            elapsed_ms: 1,
            outcome,
        }
    }

    fn response(status: u16, headers: &[(&str, &[u8])], body: &[u8]) -> HttpOutcome {
        HttpOutcome::Response(HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), Octets(v.to_vec())))
                .collect(),
            body: Octets(body.to_vec()),
            body_bytes: body.len() as u64,
            body_truncated: false,
            peer_certificates: Vec::new(),
        })
    }

    fn failure(kind: HttpFailure) -> HttpOutcome {
        HttpOutcome::Failure {
            kind,
            reason: "detail from the library".into(),
        }
    }

    fn observations(http: Vec<HttpFetch>) -> Observations {
        Observations {
            http,
            ..Observations::default()
        }
    }

    fn http_layer(obs: &Observations) -> Vec<Finding> {
        let mut all = vec![
            hsts(obs, HOST, &servers()),
            crate::redirect::finding(obs, HOST, &servers()),
            security_txt(obs, HOST, &servers(), datetime!(2026-03-01 12:00 UTC)),
        ];
        all.extend(header_findings(obs, HOST, &servers()));
        all.iter().map(crate::rendered).collect()
    }

    #[test]
    fn without_https_the_http_layer_is_not_tested() {
        // Plain HTTP serves the site without redirecting, but there is no
        // HTTPS to redirect to: not tested, not a fail.
        let obs = observations(vec![
            fetched("https", "/", failure(HttpFailure::Refused)),
            fetched("http", "/", response(200, &[], b"<p>hello</p>")),
            fetched("https", SECURITY_TXT_PATH, failure(HttpFailure::Refused)),
        ]);
        for f in http_layer(&obs) {
            assert_eq!(f.status, Status::NotTested, "{f:?}");
            assert_eq!(f.summary, "Not tested: no web server answers over HTTPS.");
        }
        // A failed TLS handshake is no HTTPS either.
        let obs = observations(vec![fetched("https", "/", failure(HttpFailure::Tls))]);
        assert_eq!(hsts(&obs, HOST, &servers()).status, Status::NotTested);
        // Not fetched at all: the TLS scan of the address decides.
        let mut obs = observations(Vec::new());
        obs.tls.push(TlsScan::unreachable(
            lookup::socket_text(ip(), 443),
            Some(HOST.into()),
            TlsTransport::Direct,
            ConnectFailure {
                kind: ConnectFailureKind::Unreachable,
                reason: "connection refused".into(),
            },
        ));
        assert_eq!(hsts(&obs, HOST, &servers()).status, Status::NotTested);
        assert_eq!(
            crate::redirect::finding(&obs, HOST, &servers()).status,
            Status::NotTested
        );
    }

    #[test]
    fn a_timeout_is_an_error_not_a_missing_server() {
        let obs = observations(vec![
            fetched("https", "/", failure(HttpFailure::Timeout)),
            fetched("http", "/", response(200, &[], b"")),
        ]);
        for f in http_layer(&obs) {
            assert_eq!(f.status, Status::Error, "{f:?}");
        }
        let mut obs = observations(Vec::new());
        obs.tls.push(TlsScan::unreachable(
            lookup::socket_text(ip(), 443),
            None,
            TlsTransport::Direct,
            ConnectFailure {
                kind: ConnectFailureKind::Timeout,
                reason: "no answer".into(),
            },
        ));
        assert_eq!(hsts(&obs, HOST, &servers()).status, Status::Error);
    }

    #[test]
    fn an_https_only_site_passes_the_redirect() {
        let obs = observations(vec![
            fetched("https", "/", response(200, &[], b"")),
            fetched("http", "/", failure(HttpFailure::Refused)),
        ]);
        let f = crate::rendered(&crate::redirect::finding(&obs, HOST, &servers()));
        assert_eq!(f.status, Status::Pass);
        assert_eq!(f.message.id, "redirect-https-only");
        // Anything else on port 80 but a refusal is no proof of absence.
        let obs = observations(vec![
            fetched("https", "/", response(200, &[], b"")),
            fetched("http", "/", failure(HttpFailure::Timeout)),
        ]);
        assert_eq!(
            crate::redirect::finding(&obs, HOST, &servers()).status,
            Status::Error
        );
        let obs = observations(vec![
            fetched("https", "/", response(200, &[], b"")),
            fetched(
                "http",
                "/",
                response(301, &[("location", b"https://example.test/")], b""),
            ),
        ]);
        assert_eq!(
            crate::redirect::finding(&obs, HOST, &servers()).status,
            Status::Pass
        );
    }

    /// security.txt is judged on the bytes the server sent: a Content-Type
    /// with a byte that is not UTF-8 is read, not taken for a missing header,
    /// and a Latin-1 body is not UTF-8.
    #[test]
    fn security_txt_is_judged_on_the_bytes_sent() {
        let body: &[u8] = b"Contact: mailto:security@example.test\nExpires: 2026-12-31T23:59:59Z\n";
        let obs = observations(vec![fetched(
            "https",
            SECURITY_TXT_PATH,
            response(200, &[("content-type", b"text/plain; charset=\xe9")], body),
        )]);
        let f = security_txt(&obs, HOST, &servers(), datetime!(2026-03-01 12:00 UTC));
        assert_eq!(f.status, Status::Warning);
        let problem = match f.message.get("problem") {
            Some(Arg::Msg(m)) => m.id.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(problem, "sectxt-bad-charset");
        let latin1 = [b"# S\xe9curit\xe9\n".as_slice(), body].concat();
        let obs = observations(vec![fetched(
            "https",
            SECURITY_TXT_PATH,
            response(
                200,
                &[("content-type", b"text/plain; charset=utf-8")],
                &latin1,
            ),
        )]);
        let f = crate::rendered(&security_txt(
            &obs,
            HOST,
            &servers(),
            datetime!(2026-03-01 12:00 UTC),
        ));
        assert!(f.summary.contains("not UTF-8"), "{}", f.summary);
    }
}
