//! Who the client is: the TCP peer, or — when the peer is a reverse proxy
//! named with `--trusted-proxy` — the address that proxy says it serves, read
//! from `Forwarded` (RFC 7239) or, failing that, `X-Forwarded-For`.
//!
//! Only hops added by trusted proxies are believed: the list is read from the
//! right (the hop our own proxy added) and the first address that is not a
//! trusted proxy is the client. Anything a client wrote itself stays on the
//! left and is never reached, so no one can choose their own address (and
//! with it a fresh rate-limit budget) by sending the header.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::app::AppState;

/// Hops read at most (a proxy chain is short; a long header is an attack).
pub const MAX_HOPS: usize = 32;

/// The reverse proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A `--trusted-proxy` value that is neither an address nor a prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an address or a prefix (e.g. 127.0.0.1, 10.0.0.0/8, fd00::/8)")]
pub struct BadProxy(pub String);

impl FromStr for TrustedProxies {
    type Err = BadProxy;
    /// One address or prefix.
    fn from_str(s: &str) -> Result<Self, BadProxy> {
        let t = s.trim();
        let net = t
            .parse::<IpNet>()
            .or_else(|_| t.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| BadProxy(s.to_string()))?;
        Ok(TrustedProxies(vec![net.trunc()]))
    }
}

impl TrustedProxies {
    /// The proxies of every list given.
    pub fn all(lists: impl IntoIterator<Item = TrustedProxies>) -> TrustedProxies {
        TrustedProxies(lists.into_iter().flat_map(|l| l.0).collect())
    }

    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = unmapped(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client behind `peer`, as [the module](self) says.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let mut client = unmapped(peer);
    if !trusted.contains(client) {
        return client;
    }
    for hop in forwarded_hops(headers).into_iter().rev() {
        match hop {
            Some(ip) => {
                client = unmapped(ip);
                if !trusted.contains(client) {
                    return client;
                }
            }
            // An obfuscated or unparseable hop: nothing to its left can be
            // told apart, so the last trusted hop stands for the client.
            None => return client,
        }
    }
    client
}

/// The `for=` hops of `Forwarded`, or else of `X-Forwarded-For`, left to
/// right (the rightmost [`MAX_HOPS`] of them); `None` for a hop that names
/// no address.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let joined = |name: &str| -> Option<String> {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    let hops: Vec<Option<IpAddr>> = if let Some(forwarded) = joined("forwarded") {
        forwarded
            .split(',')
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| node_address(v))
            })
            .collect()
    } else if let Some(xff) = joined("x-forwarded-for") {
        xff.split(',').map(node_address).collect()
    } else {
        Vec::new()
    };
    let skip = hops.len().saturating_sub(MAX_HOPS);
    hops.into_iter().skip(skip).collect()
}

/// The address of a node (`192.0.2.1`, `192.0.2.1:80`, `"[2001:db8::1]:80"`,
/// `2001:db8::1`); `None` for `unknown`, `_hidden` and anything else.
fn node_address(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_matches('"');
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = t.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    let inner = t.strip_prefix('[')?.split(']').next()?;
    inner.parse::<IpAddr>().ok()
}

/// The client's address (see [the module](self)). Handlers and middleware
/// take it as an extractor; it never fails (without a peer address, as in
/// router tests that set none, it is 0.0.0.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(pub IpAddr);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(Client(client_address(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::all(list.iter().map(|p| p.parse().unwrap()))
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            client_address(ip("198.51.100.1"), &h, &proxies(&["127.0.0.1"])),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_address(ip("198.51.100.1"), &h, &TrustedProxies::default()),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_hops_stay_unread() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        // The client wrote "1.2.3.4" itself; our proxy appended its address.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("203.0.113.9")
        );
        // Two trusted proxies in a row.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.1.1.1")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("203.0.113.9")
        );
        // Forwarded wins over X-Forwarded-For, with ports and brackets.
        let h = headers(&[
            (
                "forwarded",
                "for=1.2.3.4, for=\"[2001:db8::7]:4711\";proto=https",
            ),
            ("x-forwarded-for", "198.51.100.77"),
        ]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("2001:db8::7")
        );
        // Hidden or garbage hops: the proxy itself stands for the client.
        let h = headers(&[("forwarded", "for=_hidden")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("127.0.0.1")
        );
        let h = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("127.0.0.1")
        );
        // No header: the proxy.
        assert_eq!(
            client_address(ip("::ffff:127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn proxies_are_addresses_or_prefixes() {
        assert!("127.0.0.1".parse::<TrustedProxies>().is_ok());
        assert!("fd00::/8".parse::<TrustedProxies>().is_ok());
        assert!("10.0.0.0/8".parse::<TrustedProxies>().is_ok());
        assert!("proxy.example".parse::<TrustedProxies>().is_err());
        assert!(proxies(&["10.0.0.0/8"]).contains(ip("10.200.0.1")));
    }

    proptest! {
        /// Whatever a client sends, the answer comes without a panic, and
        /// is the proxy's own address unless a header named another.
        #[test]
        fn any_header_gives_an_address(xff in ".{0,300}", fwd in ".{0,300}") {
            let mut h = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&xff) { h.append("x-forwarded-for", v); }
            if let Ok(v) = HeaderValue::from_str(&fwd) { h.append("forwarded", v); }
            let peer = ip("127.0.0.1");
            let got = client_address(peer, &h, &proxies(&["127.0.0.1"]));
            // Another address than the proxy's comes only from a header.
            prop_assert!(got == peer || !(xff.is_empty() && fwd.is_empty()));
        }

        /// A client cannot choose its address by writing the header: what it
        /// writes on the left never wins over the hop our proxy adds.
        #[test]
        fn spoofed_hops_never_win(spoof in "[0-9a-f.:, ]{0,100}", real in any::<[u8; 4]>()) {
            let real = IpAddr::from(real);
            prop_assume!(real != ip("127.0.0.1"));
            let h = headers(&[("x-forwarded-for", &format!("{spoof}, {real}"))]);
            prop_assert_eq!(client_address(ip("127.0.0.1"), &h, &proxies(&["127.0.0.1"])), real);
        }
    }
}
