//! Protection shared by every page and API call: strict security headers,
//! per-client rate limits that a flood of addresses cannot turn against
//! everyone, the cookie names, and the signed CSRF tokens of visitors who
//! are not signed in (signed-in users' tokens live in their session; see
//! [`crate::extract`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

/// The Content-Security-Policy of every page: our own styles and forms, no
/// scripts from anywhere else, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The headers set on every response (the site passes its own web test).
/// `Cross-Origin-Resource-Policy` is only set where a handler has not set
/// its own (an embeddable badge may say `cross-origin`); HSTS is added by
/// the router only when the site is served over HTTPS ([`hsts`]).
pub fn security_headers() -> Vec<(HeaderName, HeaderValue)> {
    vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), interest-cohort=()",
            ),
        ),
    ]
}

/// `Cross-Origin-Resource-Policy: same-origin`: other sites may not embed
/// our responses (set unless a handler chose otherwise).
pub fn resource_policy() -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    )
}

/// The HSTS header, for a site served over HTTPS only: over plain HTTP a
/// browser ignores it, and it would lock a local instance out of plain HTTP.
pub fn hsts() -> (HeaderName, HeaderValue) {
    (
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    )
}

/// What the rate limiters count a client as: an IPv4 address, or the /64
/// network of an IPv6 address (one subscriber usually has a whole /64, so
/// counting addresses would give them billions of budgets).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// A token bucket per client ([`client_key`]): `burst` requests at once,
/// refilled at `per_minute`. The table is bounded: when it is full, clients
/// whose bucket has refilled are forgotten (they lose nothing), then the
/// least recently seen eighth, so a flood of new addresses can never lock
/// out every newcomer.
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    max_clients: usize,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Clients a limiter remembers by default.
pub const MAX_CLIENTS: usize = 100_000;

impl RateLimiter {
    /// A limiter allowing `burst` at once and `per_minute` sustained.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute.max(1)) / 60.0,
            max_clients: MAX_CLIENTS,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The same limiter remembering at most `max_clients` clients.
    pub fn with_capacity(mut self, max_clients: usize) -> Self {
        self.max_clients = max_clients.max(1);
        self
    }

    /// Takes one token for `client`; `Err(wait)` says how long until one is free.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        self.check_n(client, 1)
    }

    /// Takes `n` tokens for `client`, all or none; `Err(wait)` says how long
    /// until `n` are free (more than the burst are never free at once: the
    /// wait is then that of a full bucket, and the answer stays no).
    pub fn check_n(&self, client: IpAddr, n: u32) -> Result<(), Duration> {
        let key = client_key(client);
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= self.max_clients && !buckets.contains_key(&key) {
            self.evict(&mut buckets, now);
        }
        let (tokens, last) = buckets.entry(key).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        let wanted = f64::from(n.max(1));
        if wanted > self.burst {
            return Err(Duration::from_secs_f64(self.burst / self.per_second));
        }
        if *tokens >= wanted {
            *tokens -= wanted;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (wanted - *tokens) / self.per_second,
            ))
        }
    }

    fn evict(&self, buckets: &mut HashMap<IpAddr, (f64, Instant)>, now: Instant) {
        let full_after = Duration::from_secs_f64(self.burst / self.per_second);
        buckets.retain(|_, (_, last)| now.duration_since(*last) < full_after);
        if buckets.len() < self.max_clients {
            return;
        }
        let mut by_age: Vec<(Instant, IpAddr)> =
            buckets.iter().map(|(k, (_, last))| (*last, *k)).collect();
        let drop = (self.max_clients / 8).max(1).min(by_age.len());
        by_age.select_nth_unstable_by_key(drop - 1, |(last, _)| *last);
        for (_, key) in &by_age[..drop] {
            buckets.remove(key);
        }
    }

    /// Clients remembered now.
    pub fn clients(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// The cookie holding the session token: `__Host-` over HTTPS (the browser
/// then accepts it only with Secure, Path=/ and no Domain, so neither a
/// sibling domain nor a plain-HTTP page can plant or read it). Over plain
/// HTTP (a local instance) the prefix cannot be used, as it requires Secure.
pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-indaba_session"
    } else {
        "indaba_session"
    }
}

/// The cookie holding a visitor's signed CSRF token (named as
/// [`session_cookie`] is).
pub fn csrf_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-indaba_csrf"
    } else {
        "indaba_csrf"
    }
}

/// A fresh random token (URL-safe, 128 bits).
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base64_url(&bytes)
}

/// Unpadded base64url.
pub fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn token_mac(key: &[u8], nonce: &str) -> String {
    use hmac::Mac;
    // HMAC takes keys of any length.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(b"indaba-csrf-v1:");
    mac.update(nonce.as_bytes());
    base64_url(&mac.finalize().into_bytes())
}

/// A signed double-submit token for a visitor who is not signed in: a
/// random nonce and its HMAC under the server's key (`nonce.mac`). The same
/// value goes in the cookie and in every form; a form is accepted when both
/// match and the signature holds, so a token made up elsewhere (or planted
/// as a cookie) is worthless without the key.
pub fn signed_token(key: &[u8]) -> String {
    let nonce = random_token();
    let mac = token_mac(key, &nonce);
    format!("{nonce}.{mac}")
}

/// Whether `token` is one [`signed_token`] made with `key`.
pub fn signed_token_valid(key: &[u8], token: &str) -> bool {
    if token.len() > 128 {
        return false;
    }
    match token.split_once('.') {
        Some((nonce, mac)) if !nonce.is_empty() => {
            constant_time_eq(token_mac(key, nonce).as_bytes(), mac.as_bytes())
        }
        _ => false,
    }
}

/// The value of cookie `name` in the request's headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure when the
/// site is served over TLS.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<Duration>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_empties_and_says_how_long_to_wait() {
        let limiter = RateLimiter::new(3, 60);
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(client).is_ok());
        }
        let wait = limiter.check(client).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(
            limiter.check("192.0.2.2".parse().unwrap()).is_ok(),
            "per client"
        );
    }

    #[test]
    fn signed_tokens_need_the_key() {
        let key = b"a key of the server";
        let token = signed_token(key);
        assert!(signed_token_valid(key, &token));
        assert!(!signed_token_valid(b"another key", &token));
        let (nonce, _) = token.split_once('.').unwrap();
        assert!(!signed_token_valid(key, &format!("{nonce}.forged")));
        assert!(!signed_token_valid(key, nonce));
        assert!(!signed_token_valid(key, ""));
        assert!(!signed_token_valid(key, "."));
        assert_ne!(signed_token(key), token, "a fresh nonce each time");
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let limiter = RateLimiter::new(2, 1);
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(b).is_ok());
        assert!(limiter.check(a).is_err(), "one /64, one budget");
        assert!(limiter.check("2001:db8:1:3::1".parse().unwrap()).is_ok());
        assert_eq!(
            client_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn a_full_table_forgets_the_oldest_clients_not_the_newcomers() {
        let limiter = RateLimiter::new(1, 1).with_capacity(64);
        for i in 0..64u8 {
            assert!(limiter.check(IpAddr::from([10, 0, 0, i])).is_ok());
        }
        // Every bucket is empty and none has refilled: before, every new
        // client was refused from here on.
        for i in 0..200u8 {
            assert!(
                limiter.check(IpAddr::from([10, 1, 0, i])).is_ok(),
                "newcomer {i} refused"
            );
            assert!(limiter.clients() <= 64);
        }
        // The newest clients are still remembered (and still limited).
        assert!(limiter.check(IpAddr::from([10, 1, 0, 199])).is_err());
    }

    #[test]
    fn several_tokens_at_once_or_none() {
        let limiter = RateLimiter::new(5, 60);
        let c: IpAddr = "192.0.2.3".parse().unwrap();
        assert!(limiter.check_n(c, 3).is_ok());
        let wait = limiter.check_n(c, 3).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(
            limiter.check_n(c, 2).is_ok(),
            "the refused batch took nothing"
        );
        assert!(limiter.check_n("192.0.2.4".parse().unwrap(), 6).is_err());
    }
}
