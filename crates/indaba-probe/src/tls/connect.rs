//! Getting a TCP connection to the point where a ClientHello can be sent:
//! straight away (HTTPS), or after SMTP's EHLO and STARTTLS (RFC 3207).

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use indaba_model::tls::{ConnectFailure, ConnectFailureKind, TlsTransport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest SMTP reply line we read (RFC 5321 §4.5.3.1.5 allows 512; servers exceed it).
pub const MAX_SMTP_LINE: usize = 2048;
/// Most lines in one SMTP reply.
pub const MAX_SMTP_LINES: usize = 100;

/// Opens connections that are ready for a ClientHello. The enumeration calls
/// it once per handshake it tries.
pub trait Connector: Send + Sync {
    /// The address connected to.
    fn address(&self) -> SocketAddr;
    /// How TLS is reached.
    fn transport(&self) -> TlsTransport;
    /// Opens one connection, within `limit`.
    fn connect(
        &self,
        limit: Duration,
    ) -> impl Future<Output = Result<TcpStream, ConnectFailure>> + Send;
}

/// TLS from the first byte.
#[derive(Debug, Clone)]
pub struct Direct {
    /// Where to connect.
    pub address: SocketAddr,
}

impl Connector for Direct {
    fn address(&self) -> SocketAddr {
        self.address
    }

    fn transport(&self) -> TlsTransport {
        TlsTransport::Direct
    }

    async fn connect(&self, limit: Duration) -> Result<TcpStream, ConnectFailure> {
        tcp(self.address, limit).await
    }
}

/// SMTP on port 25: banner, EHLO, STARTTLS, then TLS.
#[derive(Debug, Clone)]
pub struct SmtpStarttls {
    /// Where to connect.
    pub address: SocketAddr,
    /// The name we give in EHLO.
    pub ehlo_name: String,
}

impl Connector for SmtpStarttls {
    fn address(&self) -> SocketAddr {
        self.address
    }

    fn transport(&self) -> TlsTransport {
        TlsTransport::SmtpStarttls
    }

    async fn connect(&self, limit: Duration) -> Result<TcpStream, ConnectFailure> {
        let deadline = Instant::now() + limit;
        let mut stream = tcp(self.address, limit).await?;
        let mut smtp = Smtp {
            stream: &mut stream,
            deadline,
            buf: Vec::new(),
        };
        let (code, banner) = smtp.reply().await?;
        if code != 220 {
            return Err(failure(
                ConnectFailureKind::NoStarttls,
                format!("the SMTP server greeted with {code}: {banner}"),
            ));
        }
        smtp.send(&format!("EHLO {}\r\n", self.ehlo_name)).await?;
        let (code, lines) = smtp.reply().await?;
        if code != 250 {
            return Err(failure(
                ConnectFailureKind::NoStarttls,
                format!("the SMTP server answered EHLO with {code}: {lines}"),
            ));
        }
        let offers_starttls = lines
            .lines()
            .skip(1)
            .any(|l| l.trim().eq_ignore_ascii_case("STARTTLS"));
        if !offers_starttls {
            return Err(failure(
                ConnectFailureKind::NoStarttls,
                "the SMTP server does not offer STARTTLS in its EHLO answer",
            ));
        }
        smtp.send("STARTTLS\r\n").await?;
        let (code, text) = smtp.reply().await?;
        if code != 220 {
            return Err(failure(
                ConnectFailureKind::NoStarttls,
                format!("the SMTP server answered STARTTLS with {code}: {text}"),
            ));
        }
        if !smtp.buf.is_empty() {
            // Bytes sent before our ClientHello would be read as part of the
            // TLS stream (the STARTTLS injection of CVE-2011-0411).
            return Err(failure(
                ConnectFailureKind::Protocol,
                "the SMTP server sent data after its STARTTLS answer",
            ));
        }
        Ok(stream)
    }
}

async fn tcp(address: SocketAddr, limit: Duration) -> Result<TcpStream, ConnectFailure> {
    match tokio::time::timeout(limit, TcpStream::connect(address)).await {
        Ok(Ok(stream)) => {
            let _ = stream.set_nodelay(true);
            Ok(stream)
        }
        Ok(Err(e)) => Err(failure(
            ConnectFailureKind::Unreachable,
            format!("connection to {address} failed: {e}"),
        )),
        Err(_) => Err(failure(
            ConnectFailureKind::Timeout,
            format!("no connection to {address} within {} ms", limit.as_millis()),
        )),
    }
}

fn failure(kind: ConnectFailureKind, reason: impl Into<String>) -> ConnectFailure {
    ConnectFailure {
        kind,
        reason: reason.into(),
    }
}

struct Smtp<'a> {
    stream: &'a mut TcpStream,
    deadline: Instant,
    buf: Vec<u8>,
}

impl Smtp<'_> {
    async fn send(&mut self, line: &str) -> Result<(), ConnectFailure> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, self.stream.write_all(line.as_bytes())).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(failure(
                ConnectFailureKind::Unreachable,
                format!("the SMTP connection broke: {e}"),
            )),
            Err(_) => Err(timeout()),
        }
    }

    /// One reply: its code and its lines' text, one per line.
    async fn reply(&mut self) -> Result<(u16, String), ConnectFailure> {
        let mut text = String::new();
        for _ in 0..MAX_SMTP_LINES {
            let line = self.line().await?;
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .filter(|c| (200..600).contains(c))
                .ok_or_else(|| {
                    failure(
                        ConnectFailureKind::Protocol,
                        format!("not an SMTP reply: {:?}", truncate(&line)),
                    )
                })?;
            let more = line.as_bytes().get(3) == Some(&b'-');
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line.get(4..).unwrap_or_default());
            if !more {
                return Ok((code, text));
            }
        }
        Err(failure(
            ConnectFailureKind::Protocol,
            format!("an SMTP reply of more than {MAX_SMTP_LINES} lines"),
        ))
    }

    async fn line(&mut self) -> Result<String, ConnectFailure> {
        loop {
            if let Some(end) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                return Ok(line.trim_end_matches(['\r', '\n']).to_string());
            }
            if self.buf.len() > MAX_SMTP_LINE {
                return Err(failure(
                    ConnectFailureKind::Protocol,
                    format!("an SMTP line longer than {MAX_SMTP_LINE} bytes"),
                ));
            }
            let mut chunk = [0u8; 1024];
            let left = self.deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.stream.read(&mut chunk)).await {
                Err(_) => return Err(timeout()),
                Ok(Err(e)) => {
                    return Err(failure(
                        ConnectFailureKind::Unreachable,
                        format!("the SMTP connection broke: {e}"),
                    ));
                }
                Ok(Ok(0)) => {
                    return Err(failure(
                        ConnectFailureKind::Protocol,
                        "the SMTP server closed the connection",
                    ));
                }
                Ok(Ok(n)) => self
                    .buf
                    .extend_from_slice(chunk.get(..n).unwrap_or_default()),
            }
        }
    }
}

fn timeout() -> ConnectFailure {
    failure(
        ConnectFailureKind::Timeout,
        "the SMTP server did not answer in time",
    )
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}
