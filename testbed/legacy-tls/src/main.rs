//! A TLS server for the test network offering what Debian's OpenSSL 3 no
//! longer can: SSL 3.0, and the RC4 and 3DES cipher suites.
//!
//! Indaba's TLS probe must recognise these on real servers, not only in
//! crafted bytes. This server links an OpenSSL built from source (the
//! `openssl-src` crate) with `enable-ssl3`, `enable-weak-ssl-ciphers` and the
//! legacy provider, and answers every HTTPS request with one small page.
//! `openssl s_server` cannot stand in: Debian's binary is built without them.
//!
//! ```text
//! legacy-tls --listen 127.0.30.11:443 --cert chain.pem --key key.pem \
//!            --min ssl3 --max tls1.2 --ciphers 'ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA'
//! ```

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use openssl::provider::Provider;
use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslOptions, SslVersion};

/// What the command line asks for.
struct Settings {
    listen: Vec<String>,
    cert: String,
    key: String,
    min: SslVersion,
    max: SslVersion,
    ciphers: String,
    body: String,
}

const USAGE: &str = "usage: legacy-tls --listen ADDR:PORT [--listen ...] --cert CHAIN.pem --key KEY.pem \
[--min ssl3|tls1|tls1.1|tls1.2] [--max ssl3|tls1|tls1.1|tls1.2] [--ciphers OPENSSL-CIPHER-LIST] [--body TEXT]";

fn version(name: &str) -> Result<SslVersion, String> {
    match name {
        "ssl3" => Ok(SslVersion::SSL3),
        "tls1" => Ok(SslVersion::TLS1),
        "tls1.1" => Ok(SslVersion::TLS1_1),
        "tls1.2" => Ok(SslVersion::TLS1_2),
        other => Err(format!(
            "unknown protocol version {other:?}: use ssl3, tls1, tls1.1 or tls1.2"
        )),
    }
}

fn settings(mut args: impl Iterator<Item = String>) -> Result<Settings, String> {
    let mut s = Settings {
        listen: Vec::new(),
        cert: String::new(),
        key: String::new(),
        min: SslVersion::SSL3,
        max: SslVersion::TLS1_2,
        ciphers: "ALL:@SECLEVEL=0".into(),
        body: "legacy TLS".into(),
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--listen" => s.listen.push(value),
            "--cert" => s.cert = value,
            "--key" => s.key = value,
            "--min" => s.min = version(&value)?,
            "--max" => s.max = version(&value)?,
            "--ciphers" => s.ciphers = value,
            "--body" => s.body = value,
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if s.listen.is_empty() || s.cert.is_empty() || s.key.is_empty() {
        return Err(format!("--listen, --cert and --key are required\n{USAGE}"));
    }
    Ok(s)
}

fn acceptor(s: &Settings) -> Result<SslAcceptor, String> {
    let mut b = SslAcceptor::mozilla_intermediate(SslMethod::tls_server())
        .map_err(|e| format!("cannot make a TLS context: {e}"))?;
    // Security level 0 first: at the default level OpenSSL refuses SSL 3.0,
    // SHA-1 signatures and the weak suites before the settings below apply.
    b.set_security_level(0);
    b.set_options(SslOptions::NO_TLSV1_3);
    b.clear_options(SslOptions::NO_SSLV3 | SslOptions::NO_TLSV1 | SslOptions::NO_TLSV1_1);
    b.set_min_proto_version(Some(s.min))
        .and_then(|()| b.set_max_proto_version(Some(s.max)))
        .map_err(|e| format!("protocol range refused: {e}"))?;
    b.set_cipher_list(&s.ciphers)
        .map_err(|e| format!("cipher list {:?} refused: {e}", s.ciphers))?;
    b.set_certificate_chain_file(&s.cert)
        .map_err(|e| format!("cannot load the chain {}: {e}", s.cert))?;
    b.set_private_key_file(&s.key, SslFiletype::PEM)
        .map_err(|e| format!("cannot load the key {}: {e}", s.key))?;
    b.check_private_key()
        .map_err(|e| format!("the key does not match the certificate: {e}"))?;
    Ok(b.build())
}

/// One connection: the handshake, one request read (bounded), one answer.
fn serve(acceptor: &SslAcceptor, stream: TcpStream, body: &str) {
    let limit = Some(Duration::from_secs(10));
    if stream.set_read_timeout(limit).is_err() || stream.set_write_timeout(limit).is_err() {
        return;
    }
    let Ok(mut tls) = acceptor.accept(stream) else {
        return;
    };
    let mut request = Vec::new();
    let mut chunk = [0u8; 2048];
    while request.len() < 16 * 1024 && !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match tls.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&chunk[..n]),
        }
    }
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tls.write_all(answer.as_bytes());
    let _ = tls.shutdown();
}

fn main() -> ExitCode {
    let s = match settings(std::env::args().skip(1)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("legacy-tls: {e}");
            return ExitCode::from(2);
        }
    };
    // RC4 lives in OpenSSL 3's legacy provider; loading it replaces the
    // implicit default provider, so both are loaded and kept for the run.
    let providers = ["legacy", "default"].map(|name| Provider::load(None, name));
    if let Some(Err(e)) = providers.iter().find(|p| p.is_err()) {
        eprintln!("legacy-tls: cannot load an OpenSSL provider: {e}");
        return ExitCode::FAILURE;
    }
    let acceptor = match acceptor(&s) {
        Ok(a) => Arc::new(a),
        Err(e) => {
            eprintln!("legacy-tls: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut listeners = Vec::new();
    for address in &s.listen {
        match TcpListener::bind(address) {
            Ok(l) => listeners.push(l),
            Err(e) => {
                eprintln!("legacy-tls: cannot listen on {address}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let body: Arc<str> = s.body.into();
    let threads: Vec<_> = listeners
        .into_iter()
        .map(|listener| {
            let (acceptor, body) = (acceptor.clone(), body.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let (acceptor, body) = (acceptor.clone(), body.clone());
                    std::thread::spawn(move || serve(&acceptor, stream, &body));
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    ExitCode::SUCCESS
}
