//! Protection shared by every page and API call: strict security headers, a
//! per-client rate limit, and double-submit CSRF tokens for forms.

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
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
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

/// A token bucket per client address: `burst` requests at once, refilled at
/// `per_minute`. The table is bounded; when full, the idlest clients go.
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    max_clients: usize,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// A limiter allowing `burst` at once and `per_minute` sustained.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute.max(1)) / 60.0,
            max_clients: 100_000,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client`; `Err(wait)` says how long until one is free.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= self.max_clients && !buckets.contains_key(&client) {
            let full_after = Duration::from_secs_f64(self.burst / self.per_second);
            buckets.retain(|_, (_, last)| now.duration_since(*last) < full_after);
            if buckets.len() >= self.max_clients {
                return Err(Duration::from_secs(1));
            }
        }
        let (tokens, last) = buckets.entry(client).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / self.per_second))
        }
    }
}

/// The cookie that carries the CSRF token of a browser.
pub const CSRF_COOKIE: &str = "indaba_csrf";

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

/// Whether the form's token matches the browser's cookie (double submit;
/// the cookie is SameSite=Strict, so another site can neither read nor send it).
pub fn csrf_ok(headers: &HeaderMap, form_token: &str) -> bool {
    match cookie(headers, CSRF_COOKIE) {
        Some(expected) if !expected.is_empty() => {
            constant_time_eq(expected.as_bytes(), form_token.as_bytes())
        }
        _ => false,
    }
}

/// Whether a form's token matches the page context's: `cookie_was_missing`
/// means the browser sent no CSRF cookie, so no form it posts can be trusted.
pub fn csrf_ok_with(expected: &str, cookie_was_missing: bool, form_token: &str) -> bool {
    !cookie_was_missing
        && !expected.is_empty()
        && constant_time_eq(expected.as_bytes(), form_token.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
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
    fn csrf_needs_the_cookie_and_the_same_token() {
        let mut headers = HeaderMap::new();
        assert!(!csrf_ok(&headers, "abc"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; indaba_csrf=tok123"),
        );
        assert!(csrf_ok(&headers, "tok123"));
        assert!(!csrf_ok(&headers, "tok124"));
        assert!(!csrf_ok(&headers, ""));
    }
}
