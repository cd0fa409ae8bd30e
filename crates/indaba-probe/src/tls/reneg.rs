//! Client-initiated renegotiation, with the system's OpenSSL.
//!
//! Renegotiation needs a completed TLS 1.2 (or lower) handshake with working
//! keys, which rustls cannot give (it never renegotiates), so this one test
//! uses libssl through the `openssl` crate. That crate does not wrap
//! `SSL_renegotiate`, so it is declared here; it is a plain libssl function
//! of the library `openssl-sys` already links.

use std::net::TcpStream;
use std::os::raw::c_int;
use std::time::{Duration, Instant};

use foreign_types::ForeignTypeRef;
use indaba_model::tls::{ClientRenegotiation, TlsVersion};
use openssl::ssl::{SslConnector, SslMethod, SslOptions, SslVerifyMode, SslVersion};

unsafe extern "C" {
    fn SSL_renegotiate(s: *mut openssl_sys::SSL) -> c_int;
    fn SSL_renegotiate_pending(s: *const openssl_sys::SSL) -> c_int;
}

/// Tries up to `attempts` renegotiations on one connection of `version`,
/// stopping at the first refusal. Blocking: run it off the async threads.
pub(crate) fn try_renegotiation(
    stream: TcpStream,
    version: TlsVersion,
    server_name: Option<&str>,
    attempts: u32,
    deadline: Instant,
) -> Result<ClientRenegotiation, String> {
    let ssl_version = match version {
        TlsVersion::Tls10 => SslVersion::TLS1,
        TlsVersion::Tls11 => SslVersion::TLS1_1,
        TlsVersion::Tls12 => SslVersion::TLS1_2,
        other => return Err(format!("OpenSSL cannot renegotiate over {other}")),
    };
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err("the time limit ran out".into());
    }
    let limit = Some(left.max(Duration::from_millis(1)));
    stream
        .set_read_timeout(limit)
        .and_then(|()| stream.set_write_timeout(limit))
        .map_err(|e| format!("socket: {e}"))?;
    let openssl = |e: openssl::error::ErrorStack| format!("OpenSSL: {e}");
    let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(openssl)?;
    builder.set_verify(SslVerifyMode::NONE);
    builder.set_security_level(0);
    builder
        .set_min_proto_version(Some(ssl_version))
        .map_err(openssl)?;
    builder
        .set_max_proto_version(Some(ssl_version))
        .map_err(openssl)?;
    builder
        .set_cipher_list("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        .map_err(openssl)?;
    // Ask even servers without RFC 5746 support: accepting insecure
    // renegotiation is the worse finding, and must not go unseen.
    // (LEGACY_SERVER_CONNECT, which OpenSSL 3 no longer sets by default, is
    // not named by the openssl crate.)
    let legacy_server_connect =
        SslOptions::from_bits_retain(openssl_sys::SSL_OP_LEGACY_SERVER_CONNECT as _);
    builder.set_options(SslOptions::ALLOW_UNSAFE_LEGACY_RENEGOTIATION | legacy_server_connect);
    let connector = builder.build();
    let mut config = connector.configure().map_err(openssl)?;
    config.set_verify_hostname(false);
    let name = server_name.map(|n| n.trim_end_matches('.')).unwrap_or("");
    config.set_use_server_name_indication(!name.is_empty());
    let mut tls = config
        .connect(name, stream)
        .map_err(|e| format!("the TLS handshake failed: {e}"))?;

    let mut accepted = 0;
    let mut tried = 0;
    let mut detail = format!("the server completed all {attempts} renegotiations");
    while tried < attempts {
        if Instant::now() >= deadline {
            detail = "the time limit ran out".into();
            break;
        }
        tried += 1;
        // SAFETY: the pointer comes from a live SslStream we own and hold
        // mutably for this whole block; SSL_renegotiate only sets a flag on it.
        let started = unsafe { SSL_renegotiate(tls.ssl().as_ptr()) };
        if started != 1 {
            detail = "OpenSSL would not start a renegotiation".into();
            break;
        }
        match tls.do_handshake() {
            Ok(()) => {
                // SAFETY: as above; this only reads the connection's state.
                let pending = unsafe { SSL_renegotiate_pending(tls.ssl().as_ptr()) };
                if pending != 0 {
                    detail = "the renegotiation did not complete".into();
                    break;
                }
                accepted += 1;
            }
            Err(e) => {
                detail = format!("the server refused: {e}");
                break;
            }
        }
    }
    let _ = tls.shutdown();
    Ok(ClientRenegotiation {
        version,
        attempts: tried,
        accepted,
        detail,
    })
}
