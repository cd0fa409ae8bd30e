//! The pages people get: from `http://DOMAIN/`, over one address family,
//! following redirects (HTTPS included) to the final page, as a browser with
//! only IPv4 or only IPv6 would.
//!
//! internet.nl's "same website over IPv4 and IPv6" compares these final
//! pages: two identical redirects say nothing about the pages behind them.
//! The planner asks [`walk`] what to fetch next and the check reads the same
//! walk to judge, so what is fetched and what is compared cannot drift
//! apart. Pure: it reads observations only.

use std::net::{IpAddr, SocketAddr};

use indaba_model::Observations;
use indaba_model::limits::MAX_REDIRECTS;
use indaba_model::observation::{HttpFetch, HttpOutcome, HttpResponse};

use crate::lookup;

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// IPv4 (`A` records).
    V4,
    /// IPv6 (`AAAA` records).
    V6,
}

impl Family {
    /// The record type of its addresses.
    pub fn rtype(self) -> &'static str {
        match self {
            Family::V4 => "A",
            Family::V6 => "AAAA",
        }
    }
}

/// HTTP or HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTPS.
    Https,
}

impl Scheme {
    /// The default port.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    /// The URL scheme's name.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// One GET of a URL from one address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Get {
    /// HTTP or HTTPS.
    pub scheme: Scheme,
    /// The host name (`Host:` header and TLS server name), without the dot.
    pub host: String,
    /// The path with the query, starting with `/`.
    pub path: String,
    /// The address and port asked.
    pub target: SocketAddr,
}

impl Get {
    /// The URL as the probes record it.
    pub fn url(&self) -> String {
        url_text(self.scheme, &self.host, &self.path, self.target.port())
    }

    /// The recorded fetch of this GET, if it was made.
    pub fn fetched<'a>(&self, obs: &'a Observations) -> Option<&'a HttpFetch> {
        let url = self.url();
        let address = self.target.to_string();
        obs.http
            .iter()
            .find(|f| f.url == url && f.address == address)
    }
}

/// The URL of `path` on `host` as the probes record it (the port only when
/// it is not the scheme's default).
pub fn url_text(scheme: Scheme, host: &str, path: &str, port: u16) -> String {
    let host = host.trim_end_matches('.');
    if port == scheme.default_port() {
        format!("{}://{host}{path}", scheme.name())
    } else {
        format!("{}://{host}:{port}{path}", scheme.name())
    }
}

/// What a walk still needs before it can go on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Need {
    /// The addresses of a host in the walk's family.
    Addresses {
        /// The host name with the trailing dot.
        host: String,
        /// `A` or `AAAA`.
        rtype: &'static str,
    },
    /// A GET.
    Fetch(Get),
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End<'a> {
    /// A page that is not a redirect (any status).
    Page(&'a HttpResponse),
    /// A request failed (no listener, a timeout, a TLS failure…).
    Failed(&'a HttpOutcome),
    /// A host on the way has no address in the family.
    NoAddress {
        /// The host.
        host: String,
    },
    /// A host's addresses could not be looked up.
    Unresolved {
        /// Why.
        reason: lookup::LookupError,
    },
    /// A redirect to something that is not an http(s) URL, or no usable
    /// `Location`.
    BadRedirect {
        /// The `Location` as sent.
        location: String,
    },
    /// More redirects than [`MAX_REDIRECTS`].
    TooManyRedirects,
}

/// A walk from `http://DOMAIN/` over one family, as far as the observations
/// go.
#[derive(Debug, Clone)]
pub struct Walk<'a> {
    /// The GETs made, in order, each with its fetch.
    pub hops: Vec<(Get, &'a HttpFetch)>,
    /// How it ended, when it has.
    pub end: Option<End<'a>>,
    /// What to fetch or look up next, when it has not ended.
    pub need: Option<Need>,
}

/// Walks from `http://domain/` over `family` through the observations.
pub fn walk<'a>(obs: &'a Observations, domain: &str, family: Family) -> Walk<'a> {
    let mut hops = Vec::new();
    let mut scheme = Scheme::Http;
    let mut host = domain.trim_end_matches('.').to_ascii_lowercase();
    let mut port = scheme.default_port();
    let mut path = "/".to_string();
    let done = |hops, end| Walk {
        hops,
        end: Some(end),
        need: None,
    };
    for _ in 0..=MAX_REDIRECTS {
        let fqdn = format!("{host}.");
        if !looked_up(obs, &fqdn, family) {
            return Walk {
                hops,
                end: None,
                need: Some(Need::Addresses {
                    host: fqdn,
                    rtype: family.rtype(),
                }),
            };
        }
        let address: IpAddr = match lookup::addresses(obs, &fqdn, family.rtype()) {
            Err(reason) => return done(hops, End::Unresolved { reason }),
            Ok(list) => match list.first() {
                Some(ip) => *ip,
                None => return done(hops, End::NoAddress { host }),
            },
        };
        let get = Get {
            scheme,
            host: host.clone(),
            path: path.clone(),
            target: SocketAddr::new(address, port),
        };
        let Some(fetch) = get.fetched(obs) else {
            return Walk {
                hops,
                end: None,
                need: Some(Need::Fetch(get)),
            };
        };
        let response = match &fetch.outcome {
            HttpOutcome::Failure { .. } => {
                hops.push((get, fetch));
                return done(hops, End::Failed(&fetch.outcome));
            }
            HttpOutcome::Response(r) => r,
        };
        let location = match (is_redirect(response.status), response.header("location")) {
            (false, _) => {
                hops.push((get, fetch));
                return done(hops, End::Page(response));
            }
            (true, None) => {
                hops.push((get, fetch));
                return done(
                    hops,
                    End::BadRedirect {
                        location: String::new(),
                    },
                );
            }
            (true, Some(location)) => location.to_string(),
        };
        let here = get.url();
        hops.push((get, fetch));
        let Some(next) = url::Url::parse(&here)
            .ok()
            .and_then(|base| base.join(location.trim()).ok())
        else {
            return done(hops, End::BadRedirect { location });
        };
        scheme = match next.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return done(hops, End::BadRedirect { location }),
        };
        let Some(next_host) = next.host_str() else {
            return done(hops, End::BadRedirect { location });
        };
        if next_host.starts_with('[') || next_host.parse::<IpAddr>().is_ok() {
            // A literal address is one family's only; the walk stays on
            // names so both families are compared alike.
            return done(hops, End::BadRedirect { location });
        }
        host = next_host.to_ascii_lowercase();
        port = next.port().unwrap_or(scheme.default_port());
        path = match next.query() {
            Some(q) => format!("{}?{q}", next.path()),
            None => next.path().to_string(),
        };
    }
    done(hops, End::TooManyRedirects)
}

/// Whether the family's addresses of `host` were asked at all.
fn looked_up(obs: &Observations, host: &str, family: Family) -> bool {
    let question = indaba_model::observation::DnsQuestion::new(host, family.rtype());
    obs.dns_for(&question, indaba_model::observation::QueryMode::Raw)
        .next()
        .is_some()
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

#[cfg(test)]
mod tests {
    use super::*;
    use indaba_model::observation::Octets;

    fn fetch(url: &str, address: &str, status: u16, location: Option<&str>) -> HttpFetch {
        let mut headers = Vec::new();
        if let Some(l) = location {
            headers.push(("location".to_string(), Octets::from(l)));
        }
        HttpFetch {
            url: url.into(),
            address: address.into(),
            elapsed_ms: 1,
            outcome: HttpOutcome::Response(HttpResponse {
                status,
                headers,
                body: Octets::from("page"),
                body_bytes: 4,
                body_truncated: false,
                peer_certificates: Vec::new(),
            }),
        }
    }

    #[test]
    fn a_walk_asks_for_addresses_first() {
        let obs = Observations::default();
        let w = walk(&obs, "example.test", Family::V6);
        assert_eq!(
            w.need,
            Some(Need::Addresses {
                host: "example.test.".into(),
                rtype: "AAAA"
            })
        );
    }

    #[test]
    fn url_text_matches_the_probe() {
        assert_eq!(url_text(Scheme::Http, "a.test.", "/", 80), "http://a.test/");
        assert_eq!(
            url_text(Scheme::Https, "a.test", "/x?y=1", 8443),
            "https://a.test:8443/x?y=1"
        );
        let get = Get {
            scheme: Scheme::Https,
            host: "a.test".into(),
            path: "/".into(),
            target: "127.0.0.1:443".parse().unwrap(),
        };
        let obs = Observations {
            http: vec![fetch("https://a.test/", "127.0.0.1:443", 200, None)],
            ..Observations::default()
        };
        assert!(get.fetched(&obs).is_some());
        assert!(is_redirect(301) && !is_redirect(200) && !is_redirect(304));
    }
}
