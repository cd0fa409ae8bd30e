//! HTTP and HTTPS requests to one chosen address.
//!
//! The request goes to the address we choose (an A or AAAA of the host), not
//! to whatever the system resolver returns, so IPv4 and IPv6 answers can be
//! compared. hyper parses the response; we bound the header buffer, the body
//! and the total time, because the server is not trusted.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::rt::TokioIo;
use indaba_model::observation::{HttpFailure, HttpOutcome, HttpResponse, Octets};

/// Largest response head (status line and headers) we read.
pub const MAX_HEAD_BYTES: usize = indaba_model::limits::MAX_HTTP_HEAD_BYTES;
/// The User-Agent we announce.
pub const USER_AGENT: &str = concat!("Indaba/", env!("CARGO_PKG_VERSION"), " (standards test)");

/// HTTP or HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS. The certificate is not checked here: the TLS probe
    /// records it and the certificate checks judge it.
    Https,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// The URL of `path` on `host` for the report.
pub fn url(scheme: Scheme, host: &str, path: &str, port: u16) -> String {
    if port == scheme.default_port() {
        format!("{}://{host}{path}", scheme.name())
    } else {
        format!("{}://{host}:{port}{path}", scheme.name())
    }
}

/// GETs `path` from `target` with `Host: host`, within `limit`, keeping at most
/// `body_limit` bytes of the body.
pub async fn get(
    scheme: Scheme,
    host: &str,
    path: &str,
    target: SocketAddr,
    limit: Duration,
    body_limit: usize,
) -> HttpOutcome {
    match tokio::time::timeout(limit, fetch(scheme, host, path, target, body_limit)).await {
        Ok(Ok(response)) => HttpOutcome::Response(response),
        Ok(Err((kind, reason))) => HttpOutcome::Failure { kind, reason },
        Err(_) => HttpOutcome::Failure {
            kind: HttpFailure::Timeout,
            reason: format!(
                "no complete answer from {target} within {} ms",
                limit.as_millis()
            ),
        },
    }
}

async fn fetch(
    scheme: Scheme,
    host: &str,
    path: &str,
    target: SocketAddr,
    body_limit: usize,
) -> Result<HttpResponse, (HttpFailure, String)> {
    let stream = tokio::net::TcpStream::connect(target)
        .await
        .map_err(|e| (HttpFailure::Refused, format!("connection failed: {e}")))?;
    match scheme {
        Scheme::Http => exchange(stream, host, path, body_limit).await,
        Scheme::Https => {
            let (config, seen) =
                crate::tls::handshake::recording_config().map_err(|e| (HttpFailure::Tls, e))?;
            let name =
                rustls::pki_types::ServerName::try_from(host.trim_end_matches('.').to_string())
                    .map_err(|e| {
                        (
                            HttpFailure::Tls,
                            format!("{host} cannot be sent as TLS server name: {e}"),
                        )
                    })?;
            let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
                .connect(name, stream)
                .await
                .map_err(|e| (HttpFailure::Tls, format!("TLS handshake failed: {e}")))?;
            let chain = seen
                .lock()
                .ok()
                .and_then(|s| s.as_ref().map(|s| s.chain.clone()))
                .unwrap_or_default();
            let mut response = exchange(tls, host, path, body_limit).await?;
            response.peer_certificates = chain
                .iter()
                .map(|der| base64::engine::general_purpose::STANDARD.encode(der))
                .collect();
            Ok(response)
        }
    }
}

async fn exchange<S>(
    stream: S,
    host: &str,
    path: &str,
    body_limit: usize,
) -> Result<HttpResponse, (HttpFailure, String)>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(MAX_HEAD_BYTES.max(8192))
        .handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
        .await
        .map_err(|e| (HttpFailure::Protocol, format!("HTTP handshake failed: {e}")))?;
    let driver = tokio::spawn(connection);
    let request = Request::get(path)
        .header(hyper::header::HOST, host)
        .header(hyper::header::USER_AGENT, USER_AGENT)
        .header(hyper::header::ACCEPT, "text/html,*/*;q=0.8")
        .header(hyper::header::CONNECTION, "close")
        .body(Empty::new())
        .map_err(|e| {
            (
                HttpFailure::Protocol,
                format!("could not build the request: {e}"),
            )
        })?;
    let result = read_response(&mut sender, request, body_limit).await;
    driver.abort();
    result
}

async fn read_response(
    sender: &mut hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    request: Request<Empty<Bytes>>,
    body_limit: usize,
) -> Result<HttpResponse, (HttpFailure, String)> {
    let response = sender.send_request(request).await.map_err(|e| {
        // hyper says "message head is too large" when the head passes the
        // buffer limit.
        let kind = if e.is_parse_too_large() {
            HttpFailure::TooLarge
        } else {
            HttpFailure::Protocol
        };
        (kind, format!("the server's answer is not valid HTTP: {e}"))
    })?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                Octets(value.as_bytes().to_vec()),
            )
        })
        .collect();
    let mut body = response.into_body();
    let mut kept: Vec<u8> = Vec::new();
    let mut total: u64 = 0;
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            (
                HttpFailure::Protocol,
                format!("the body could not be read: {e}"),
            )
        })?;
        if let Some(data) = frame.data_ref() {
            total += data.len() as u64;
            let room = body_limit.saturating_sub(kept.len());
            kept.extend_from_slice(&data[..data.len().min(room)]);
            if data.len() > room {
                truncated = true;
                break;
            }
        }
    }
    Ok(HttpResponse {
        status,
        headers,
        body: Octets(kept),
        body_bytes: total,
        body_truncated: truncated,
        peer_certificates: Vec::new(),
    })
}
