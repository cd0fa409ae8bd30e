//! Reading the server's first flight: records in, handshake messages out.
//!
//! tls-parser parses single records and single messages, but a handshake
//! message may span records (a long Certificate) and a record may hold many
//! messages, so the record layer and the reassembly are done here and each
//! complete message is handed to tls-parser. Every read is bounded: the
//! record length, the total bytes of the flight and the time.

use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt};

use super::hello::ext;

/// The largest record we accept: 2^14 plus the expansion TLS allows.
pub(crate) const MAX_RECORD: usize = 16384 + 2048;

/// The random of a HelloRetryRequest (RFC 8446 §4.1.3).
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// What the server said in its ServerHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerHello {
    /// `legacy_version` (the version itself up to TLS 1.2).
    pub legacy_version: u16,
    /// The negotiated version: supported_versions when present, else `legacy_version`.
    pub version: u16,
    /// The suite chosen.
    pub cipher: u16,
    /// The compression method chosen.
    pub compression: u8,
    /// Whether this is a TLS 1.3 HelloRetryRequest.
    pub retry: bool,
    /// The extensions, raw.
    pub extensions: Vec<(u16, Vec<u8>)>,
}

impl ServerHello {
    /// Whether the server sent extension `kind`.
    pub(crate) fn has(&self, kind: u16) -> bool {
        self.extensions.iter().any(|(k, _)| *k == kind)
    }

    fn ext(&self, kind: u16) -> Option<&[u8]> {
        self.extensions
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| d.as_slice())
    }

    /// The group of a TLS 1.3 key_share (HelloRetryRequest: the group
    /// alone; ServerHello: the group then the key).
    pub(crate) fn key_share_group(&self) -> Option<u16> {
        let data = self.ext(ext::KEY_SHARE)?;
        let bytes: [u8; 2] = data.get(..2)?.try_into().ok()?;
        Some(u16::from_be_bytes(bytes))
    }
}

/// What the server sent before it stopped or we had enough.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flight {
    /// The ServerHello.
    pub hello: Option<ServerHello>,
    /// The Certificate message's certificates, DER, as sent (TLS 1.2 and below).
    pub certificates: Option<Vec<Vec<u8>>>,
    /// The CertificateStatus OCSP response, DER.
    pub ocsp: Option<Vec<u8>>,
    /// The ServerKeyExchange body, raw.
    pub key_exchange: Option<Vec<u8>>,
    /// Whether ServerHelloDone arrived.
    pub done: bool,
    /// A problem after the ServerHello (malformed data, an alert, a limit).
    pub error: Option<String>,
}

/// Why no ServerHello came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NoHello {
    /// The server sent an alert.
    #[error("the server sent a {level} alert: {description}")]
    Alert {
        /// `warning` or `fatal`.
        level: &'static str,
        /// The alert's name.
        description: String,
    },
    /// The server closed the connection.
    #[error("the server closed the connection")]
    Closed,
    /// Nothing (or not enough) within the time limit.
    #[error("no answer within the time limit")]
    Timeout,
    /// Data that is not a TLS handshake.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// More data than a first flight can need.
    #[error("the answer exceeded {0} bytes")]
    TooLarge(usize),
    /// A network error.
    #[error("network error: {0}")]
    Io(String),
}

/// How far to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Until {
    /// Stop after the ServerHello.
    Hello,
    /// Go on to ServerHelloDone (TLS 1.2 and below; a TLS 1.3 ServerHello stops it).
    Done,
}

/// Reads the server's answer to a ClientHello.
pub(crate) async fn read_flight<S: AsyncRead + Unpin>(
    stream: &mut S,
    until: Until,
    deadline: Instant,
    max_bytes: usize,
) -> Result<Flight, NoHello> {
    let mut reader = Reader {
        stream,
        deadline,
        max_bytes,
        read: 0,
        buf: Vec::new(),
    };
    let mut flight = Flight::default();
    let mut handshake: Vec<u8> = Vec::new();
    loop {
        let (kind, payload) = match reader.record().await {
            Ok(r) => r,
            Err(e) if flight.hello.is_none() => return Err(e),
            Err(e) => {
                flight.error = Some(format!("after the ServerHello: {e}"));
                return Ok(flight);
            }
        };
        match kind {
            21 => {
                let alert = describe_alert(&payload);
                if flight.hello.is_none() {
                    return Err(alert);
                }
                flight.error = Some(format!("after the ServerHello: {alert}"));
                return Ok(flight);
            }
            22 => {
                handshake.extend_from_slice(&payload);
                loop {
                    match take_message(&mut handshake) {
                        Ok(None) => break,
                        Ok(Some((kind, body))) => {
                            if let Err(e) = absorb(&mut flight, kind, &body) {
                                if flight.hello.is_none() {
                                    return Err(NoHello::Malformed(e));
                                }
                                flight.error = Some(format!("after the ServerHello: {e}"));
                                return Ok(flight);
                            }
                        }
                        Err(e) => {
                            if flight.hello.is_none() {
                                return Err(NoHello::Malformed(e));
                            }
                            flight.error = Some(format!("after the ServerHello: {e}"));
                            return Ok(flight);
                        }
                    }
                    if let Some(hello) = &flight.hello {
                        let tls13 = hello.version == 0x0304 || hello.retry;
                        if until == Until::Hello || tls13 || flight.done {
                            return Ok(flight);
                        }
                    }
                }
            }
            // A ChangeCipherSpec before the ServerHello is odd but harmless.
            20 => {}
            other => {
                let e = format!("unexpected record type {other}");
                if flight.hello.is_none() {
                    return Err(NoHello::Malformed(e));
                }
                flight.error = Some(format!("after the ServerHello: {e}"));
                return Ok(flight);
            }
        }
    }
}

struct Reader<'a, S> {
    stream: &'a mut S,
    deadline: Instant,
    max_bytes: usize,
    read: usize,
    buf: Vec<u8>,
}

impl<S: AsyncRead + Unpin> Reader<'_, S> {
    /// The next record: its type and payload.
    async fn record(&mut self) -> Result<(u8, Vec<u8>), NoHello> {
        self.fill(5).await?;
        let header: [u8; 5] = self
            .buf
            .get(..5)
            .and_then(|h| h.try_into().ok())
            .ok_or(NoHello::Closed)?;
        let [kind, major, _minor, hi, lo] = header;
        if kind & 0x80 != 0 {
            return Err(NoHello::Malformed(
                "an SSL 2.0 record, or not TLS at all".into(),
            ));
        }
        if !(20..=24).contains(&kind) || major != 3 {
            return Err(NoHello::Malformed(format!(
                "not a TLS record (bytes {:02x} {:02x})",
                kind, major
            )));
        }
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        if len > MAX_RECORD {
            return Err(NoHello::Malformed(format!("a record of {len} bytes")));
        }
        self.fill(5 + len).await?;
        let payload = self.buf.get(5..5 + len).unwrap_or_default().to_vec();
        self.buf.drain(..(5 + len).min(self.buf.len()));
        Ok((kind, payload))
    }

    /// Reads until the buffer holds `n` bytes.
    async fn fill(&mut self, n: usize) -> Result<(), NoHello> {
        let mut chunk = [0u8; 4096];
        while self.buf.len() < n {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(NoHello::Timeout);
            }
            let got = match tokio::time::timeout(left, self.stream.read(&mut chunk)).await {
                Err(_) => return Err(NoHello::Timeout),
                Ok(Err(e)) => return Err(NoHello::Io(e.to_string())),
                Ok(Ok(0)) => return Err(NoHello::Closed),
                Ok(Ok(got)) => got,
            };
            self.read += got;
            if self.read > self.max_bytes {
                return Err(NoHello::TooLarge(self.max_bytes));
            }
            self.buf
                .extend_from_slice(chunk.get(..got).unwrap_or_default());
        }
        Ok(())
    }
}

/// Takes one complete handshake message off the front of `buf`.
fn take_message(buf: &mut Vec<u8>) -> Result<Option<(u8, Vec<u8>)>, String> {
    let Some(header) = buf.get(..4) else {
        return Ok(None);
    };
    let kind = header[0];
    let len =
        (usize::from(header[1]) << 16) | (usize::from(header[2]) << 8) | usize::from(header[3]);
    if len > 1 << 20 {
        return Err(format!("a handshake message of {len} bytes"));
    }
    let Some(body) = buf.get(4..4 + len) else {
        return Ok(None);
    };
    let body = body.to_vec();
    buf.drain(..4 + len);
    Ok(Some((kind, body)))
}

/// Files one handshake message into the flight.
fn absorb(flight: &mut Flight, kind: u8, body: &[u8]) -> Result<(), String> {
    match kind {
        // HelloRequest: ignored, as RFC 5246 §7.4.1.1 says a client may.
        0 => Ok(()),
        2 => {
            if flight.hello.is_some() {
                return Err("a second ServerHello".into());
            }
            flight.hello = Some(parse_server_hello(body)?);
            Ok(())
        }
        11 | 12 | 13 | 14 | 22 if flight.hello.is_none() => {
            Err(format!("handshake message {kind} before the ServerHello"))
        }
        11 => {
            let (_, msg) = tls_parser::parse_tls_handshake_msg_certificate(body)
                .map_err(|e| format!("the Certificate message does not parse: {e:?}"))?;
            if let tls_parser::TlsMessageHandshake::Certificate(c) = msg {
                flight.certificates = Some(c.cert_chain.iter().map(|c| c.data.to_vec()).collect());
            }
            Ok(())
        }
        12 => {
            flight.key_exchange = Some(body.to_vec());
            Ok(())
        }
        // CertificateRequest: a server that wants client certificates.
        13 => Ok(()),
        14 => {
            flight.done = true;
            Ok(())
        }
        22 => {
            let (_, status) = tls_parser::parse_tls_handshake_certificatestatus(body)
                .map_err(|e| format!("the CertificateStatus message does not parse: {e:?}"))?;
            if status.status_type == 1 {
                flight.ocsp = Some(status.blob.to_vec());
            }
            Ok(())
        }
        other => Err(format!("unexpected handshake message type {other}")),
    }
}

/// Parses a ServerHello body (without the handshake header).
pub(crate) fn parse_server_hello(body: &[u8]) -> Result<ServerHello, String> {
    let (_, sh) = tls_parser::parse_tls_handshake_server_hello(body)
        .map_err(|e| format!("the ServerHello does not parse: {e:?}"))?;
    let extensions = match sh.ext {
        Some(raw) => parse_extensions(raw)?,
        None => Vec::new(),
    };
    let retry = sh.random == HRR_RANDOM;
    let legacy_version = sh.version.0;
    let mut hello = ServerHello {
        legacy_version,
        version: legacy_version,
        cipher: sh.cipher.0,
        compression: sh.compression.0,
        retry,
        extensions,
    };
    if let Some(v) = hello.ext(ext::SUPPORTED_VERSIONS) {
        let v: [u8; 2] = v
            .try_into()
            .map_err(|_| "a supported_versions extension that is not one version".to_string())?;
        hello.version = u16::from_be_bytes(v);
    }
    Ok(hello)
}

/// Splits an extensions block into `(type, data)` pairs.
fn parse_extensions(mut raw: &[u8]) -> Result<Vec<(u16, Vec<u8>)>, String> {
    let mut out = Vec::new();
    while !raw.is_empty() {
        let (Some(&[t0, t1, l0, l1]), rest) = (raw.get(..4), raw.get(4..).unwrap_or_default())
        else {
            return Err("a truncated extension header".into());
        };
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        let data = rest
            .get(..len)
            .ok_or_else(|| "a truncated extension".to_string())?;
        out.push((u16::from_be_bytes([t0, t1]), data.to_vec()));
        raw = rest.get(len..).unwrap_or_default();
    }
    Ok(out)
}

fn describe_alert(payload: &[u8]) -> NoHello {
    match payload {
        [level, description, ..] => NoHello::Alert {
            level: if *level == 1 { "warning" } else { "fatal" },
            description: alert_name(*description),
        },
        _ => NoHello::Malformed("a truncated alert".into()),
    }
}

/// The RFC name of an alert.
pub(crate) fn alert_name(code: u8) -> String {
    let name = match code {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        120 => "no_application_protocol",
        _ => return format!("alert {code}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn record(kind: u8, version: u16, payload: &[u8]) -> Vec<u8> {
        let mut r = vec![kind];
        r.extend_from_slice(&version.to_be_bytes());
        r.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        r.extend_from_slice(payload);
        r
    }

    fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![kind];
        m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend_from_slice(body);
        m
    }

    /// A ServerHello body: version, random, empty session id, suite,
    /// compression, extensions (omitted when `None`).
    pub(crate) fn server_hello(
        version: u16,
        random: [u8; 32],
        suite: u16,
        compression: u8,
        exts: Option<&[(u16, &[u8])]>,
    ) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend_from_slice(&random);
        b.push(0);
        b.extend_from_slice(&suite.to_be_bytes());
        b.push(compression);
        if let Some(exts) = exts {
            let mut e = Vec::new();
            for (t, d) in exts {
                e.extend_from_slice(&t.to_be_bytes());
                e.extend_from_slice(&(d.len() as u16).to_be_bytes());
                e.extend_from_slice(d);
            }
            b.extend_from_slice(&(e.len() as u16).to_be_bytes());
            b.extend_from_slice(&e);
        }
        b
    }

    async fn read(bytes: Vec<u8>, until: Until) -> Result<Flight, NoHello> {
        let mut cursor = std::io::Cursor::new(bytes);
        read_flight(
            &mut cursor,
            until,
            Instant::now() + Duration::from_secs(1),
            64 * 1024,
        )
        .await
    }

    #[tokio::test]
    async fn an_sslv3_server_hello_with_rc4_parses() {
        // SSL 3.0 has no extensions; TLS_RSA_WITH_RC4_128_SHA is 0x0005.
        let body = server_hello(0x0300, [7; 32], 0x0005, 0, None);
        let mut bytes = record(22, 0x0300, &handshake(2, &body));
        bytes.extend(record(22, 0x0300, &handshake(14, &[])));
        let flight = read(bytes, Until::Done).await.expect("a flight");
        let hello = flight.hello.expect("a ServerHello");
        assert_eq!(hello.version, 0x0300);
        assert_eq!(hello.cipher, 0x0005);
        assert!(flight.done);
    }

    #[tokio::test]
    async fn a_tls13_hello_retry_request_gives_the_group() {
        let body = server_hello(
            0x0303,
            HRR_RANDOM,
            0x1302,
            0,
            Some(&[
                (ext::SUPPORTED_VERSIONS, &[3, 4]),
                (ext::KEY_SHARE, &[0, 0x17]),
            ]),
        );
        let flight = read(record(22, 0x0303, &handshake(2, &body)), Until::Done)
            .await
            .expect("a flight");
        let hello = flight.hello.expect("a ServerHello");
        assert!(hello.retry);
        assert_eq!(hello.version, 0x0304);
        assert_eq!(hello.key_share_group(), Some(0x17));
    }

    #[tokio::test]
    async fn a_message_split_over_records_is_reassembled() {
        let body = server_hello(
            0x0303,
            [1; 32],
            0xc02f,
            0,
            Some(&[(ext::RENEGOTIATION_INFO, &[0])]),
        );
        let msg = handshake(2, &body);
        let (a, b) = msg.split_at(10);
        let mut bytes = record(22, 0x0303, a);
        bytes.extend(record(22, 0x0303, b));
        let flight = read(bytes, Until::Hello).await.expect("a flight");
        let hello = flight.hello.expect("a ServerHello");
        assert!(hello.has(ext::RENEGOTIATION_INFO));
        assert_eq!(hello.cipher, 0xc02f);
    }

    #[tokio::test]
    async fn an_alert_is_a_refusal_and_garbage_is_malformed() {
        let err = read(record(21, 0x0303, &[2, 70]), Until::Hello)
            .await
            .expect_err("refused");
        assert_eq!(
            err,
            NoHello::Alert {
                level: "fatal",
                description: "protocol_version".into()
            }
        );
        let err = read(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(), Until::Hello)
            .await
            .expect_err("garbage");
        assert!(matches!(err, NoHello::Malformed(_)), "{err:?}");
        let err = read(Vec::new(), Until::Hello).await.expect_err("closed");
        assert_eq!(err, NoHello::Closed);
    }

    #[tokio::test]
    async fn garbage_after_the_server_hello_is_an_error_in_the_flight() {
        let body = server_hello(0x0303, [1; 32], 0xc02f, 0, Some(&[]));
        let mut bytes = record(22, 0x0303, &handshake(2, &body));
        bytes.extend_from_slice(&[0x16, 0x03, 0x03, 0xff, 0xff, 1, 2, 3]);
        let flight = read(bytes, Until::Done).await.expect("a flight");
        assert!(flight.hello.is_some());
        assert!(flight.error.is_some());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_answers_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096)) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime");
            let _ = rt.block_on(read(bytes, Until::Done));
        }

        #[test]
        fn arbitrary_server_hello_bodies_never_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse_server_hello(&body);
        }
    }
}
