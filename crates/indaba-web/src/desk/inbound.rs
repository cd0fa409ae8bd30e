//! Mail into the desk. Postfix delivers the intake address to Indaba over
//! LMTP (RFC 2033), to the listener here; each message is parsed with
//! `mail-parser` and filed: into the case whose tag is in the recipient
//! address (`desk+ind-2026-000001@…`) or the subject, or as a new report
//! from its sender.
//!
//! Hostile mail is normal. A message larger than the limit is refused with
//! 552 (Postfix bounces it to its sender: a clear rejection, not a loss);
//! one with more than [`MAX_MULTIPARTS`] multipart containers is refused
//! with 554; MIME that does not parse is kept as text with the raw message
//! attached; HTML is stored as its text (never as markup); attachments are
//! sealed as they came, never opened (a zip bomb is bytes), and offered only
//! as downloads. When the store cannot take a message the answer is 451,
//! and Postfix tries again later: nothing is lost.
//!
//! The LMTP server is our own, small: the protocol is a handful of commands,
//! and no well-kept Rust crate serves LMTP.

use std::time::Duration;

use indaba_desk::intake::{Door, Draft};
use indaba_desk::{Reference, Tlp};
use indaba_store::desk::NewMessage;
use mail_parser::{MessageParser, MimeHeaders};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::app::AppState;

/// The most multipart containers a message may have.
pub const MAX_MULTIPARTS: usize = 100;
/// The most attachments kept from one message.
pub const MAX_ATTACHMENTS: usize = 50;
/// The longest command line accepted.
const MAX_LINE: usize = 4096;

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    /// Added to the thread of the case with this reference.
    Reply(String),
    /// A new report with this reference.
    NewReport(String),
}

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Larger than the limit.
    #[error("552 5.3.4 message larger than {0} bytes")]
    TooLarge(usize),
    /// Too many nested parts.
    #[error("554 5.6.0 message has more than {MAX_MULTIPARTS} multipart parts")]
    TooComplex,
    /// The store failed: try again later.
    #[error("451 4.3.0 cannot store the message now; try again later")]
    Later,
}

fn count_multiparts(raw: &[u8]) -> usize {
    let needle = b"multipart/";
    raw.windows(needle.len())
        .filter(|w| w.eq_ignore_ascii_case(needle))
        .count()
}

/// Whether `address` is the intake address, with or without a tag.
pub fn is_intake(state: &AppState, address: &str) -> bool {
    let address = address.trim().trim_matches(['<', '>']).to_ascii_lowercase();
    let intake = state.desk.intake_address.to_ascii_lowercase();
    let (Some((local, domain)), Some((ilocal, idomain))) =
        (address.rsplit_once('@'), intake.rsplit_once('@'))
    else {
        return false;
    };
    domain == idomain && local.split('+').next() == Some(ilocal)
}

/// Files one message delivered to `recipients`.
pub async fn file(state: &AppState, raw: &[u8], recipients: &[String]) -> Result<Filed, Refused> {
    if raw.len() > state.desk.max_mail {
        return Err(Refused::TooLarge(state.desk.max_mail));
    }
    if count_multiparts(raw) > MAX_MULTIPARTS {
        return Err(Refused::TooComplex);
    }
    let parsed = MessageParser::default().parse(raw);
    let subject = parsed
        .as_ref()
        .and_then(|m| m.subject())
        .map(|s| indaba_desk::intake::clean(s, 998, false))
        .unwrap_or_default();
    let from = parsed
        .as_ref()
        .and_then(|m| m.from())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| indaba_desk::intake::clean(a, 254, false))
        .unwrap_or_default();
    // HTML parts become their text; a message that did not parse is kept
    // as (lossy) text, its raw bytes attached below.
    let body = match &parsed {
        Some(m) => m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        None => String::from_utf8_lossy(raw).into_owned(),
    };
    let body = indaba_desk::intake::clean(&body, indaba_desk::intake::MAX_DESCRIPTION, true);
    let reference = recipients
        .iter()
        .find_map(|r| Reference::find_in(r))
        .or_else(|| Reference::find_in(&subject));
    let existing = match reference {
        Some(r) => state
            .store
            .desk_case_by_reference(&r.to_string())
            .await
            .ok(),
        None => None,
    };
    let (case_id, filed, message_id, tlp) = match existing {
        Some(case) => {
            let m = NewMessage {
                case_id: &case.id,
                direction: "in",
                audience: "desk",
                sender: &from,
                recipients: &recipients.join(", "),
                subject: &subject,
                body: &body,
                tlp: case.tlp,
            };
            let id = state.store.desk_add_message(&m).await.map_err(|e| {
                tracing::error!(error = %e, "cannot file a reply");
                Refused::Later
            })?;
            // The reporter answering a reminder: "solved" or "still need help".
            if case.kind == indaba_desk::CaseKind::Report
                && !case.reporter_email.is_empty()
                && case.reporter_email.eq_ignore_ascii_case(&from)
            {
                let first = body.trim_start().to_ascii_lowercase();
                let said = if first.starts_with("solved") {
                    Some("solved")
                } else if first.starts_with("still need help") {
                    Some("need-help")
                } else {
                    None
                };
                if let Some(said) = said {
                    let _ = state.store.desk_victim_says(&case.id, said).await;
                }
            }
            (
                case.id.clone(),
                Filed::Reply(case.reference.clone()),
                Some(id),
                case.tlp,
            )
        }
        None => {
            let d = Draft {
                title: subject.clone(),
                description: if body.is_empty() {
                    subject.clone()
                } else {
                    body.clone()
                },
                contact_ok: indaba_desk::intake::plausible_email(&from),
                email: from.clone(),
                tlp: Some(Tlp::Amber),
                ..Draft::default()
            }
            .cleaned();
            let d = if d.description.is_empty() {
                Draft {
                    description: "(empty message)".into(),
                    ..d
                }
            } else {
                d
            };
            let (case, token) = super::api::create_report_with_link(
                state,
                &d,
                Door::Mail,
                Tlp::Amber,
                None,
                None,
                true,
            )
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "cannot file a mail report");
                Refused::Later
            })?;
            // Like the form: a reference and a private status page, by mail.
            if let Some(token) = token {
                super::outbox::acknowledge(state, &case.id, &token).await;
            }
            (
                case.id.clone(),
                Filed::NewReport(case.reference.clone()),
                None,
                Tlp::Amber,
            )
        }
    };
    let mut kept = 0;
    if let Some(m) = &parsed {
        for part in m.attachments().take(MAX_ATTACHMENTS) {
            let name = part.attachment_name().unwrap_or("attachment");
            let ctype = part
                .content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("octet-stream")))
                .unwrap_or_else(|| "application/octet-stream".into());
            state
                .store
                .desk_add_attachment(
                    &state.desk.sealer,
                    &case_id,
                    message_id.as_deref(),
                    name,
                    &ctype,
                    part.contents(),
                    tlp,
                )
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "cannot keep an attachment");
                    Refused::Later
                })?;
            kept += 1;
        }
    } else {
        state
            .store
            .desk_add_attachment(
                &state.desk.sealer,
                &case_id,
                message_id.as_deref(),
                "message.eml",
                "message/rfc822",
                raw,
                tlp,
            )
            .await
            .map_err(|_| Refused::Later)?;
        kept += 1;
    }
    tracing::info!(?filed, attachments = kept, "mail filed");
    Ok(filed)
}

/// Serves LMTP on `listener` until the process ends.
pub async fn serve_lmtp(state: AppState, listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let state = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = session(&state, stream).await {
                        tracing::debug!(error = %e, "LMTP session ended");
                    }
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "LMTP accept failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

async fn read_line(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut take = reader.take(limit as u64 + 1);
    let n = tokio::time::timeout(Duration::from_secs(300), take.read_until(b'\n', buf))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle"))??;
    if n == 0 {
        return Ok(None);
    }
    // `false`: the line was cut at the limit (its rest follows).
    Ok(Some(buf.ends_with(b"\n")))
}

use tokio::io::AsyncReadExt;

async fn session(state: &AppState, stream: tokio::net::TcpStream) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let host = state
        .desk
        .intake_address
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "localhost".into());
    write
        .write_all(format!("220 {host} Indaba LMTP ready\r\n").as_bytes())
        .await?;
    let mut recipients: Vec<String> = Vec::new();
    let mut have_sender = false;
    let mut line = Vec::new();
    loop {
        let Some(complete) = read_line(&mut reader, &mut line, MAX_LINE).await? else {
            return Ok(());
        };
        if !complete {
            write.write_all(b"500 5.5.2 line too long\r\n").await?;
            // Skip the rest of the over-long line.
            while read_line(&mut reader, &mut line, MAX_LINE).await? == Some(false) {}
            continue;
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        let upper = text.to_ascii_uppercase();
        let reply: String = if upper.starts_with("LHLO") {
            format!(
                "250-{host}\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE {}\r\n",
                state.desk.max_mail
            )
        } else if upper.starts_with("MAIL FROM:") {
            let size = upper
                .split_whitespace()
                .find_map(|p| p.strip_prefix("SIZE="))
                .and_then(|s| s.parse::<usize>().ok());
            recipients.clear();
            if size.is_some_and(|s| s > state.desk.max_mail) {
                have_sender = false;
                format!(
                    "552 5.3.4 message larger than {} bytes\r\n",
                    state.desk.max_mail
                )
            } else {
                have_sender = true;
                "250 2.1.0 OK\r\n".into()
            }
        } else if upper.starts_with("RCPT TO:") {
            let address = text[8..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            if !have_sender {
                "503 5.5.1 MAIL first\r\n".into()
            } else if recipients.len() >= 100 {
                "452 4.5.3 too many recipients\r\n".into()
            } else if is_intake(state, &address) {
                recipients.push(address.trim_matches(['<', '>']).to_string());
                "250 2.1.5 OK\r\n".into()
            } else {
                "550 5.1.1 no such mailbox here\r\n".into()
            }
        } else if upper == "DATA" {
            if recipients.is_empty() {
                "503 5.5.1 RCPT first\r\n".into()
            } else {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let (data, too_large) = read_data(&mut reader, state.desk.max_mail).await?;
                let outcome = if too_large {
                    Err(Refused::TooLarge(state.desk.max_mail))
                } else {
                    file(state, &data, &recipients).await
                };
                let one = match &outcome {
                    Ok(Filed::Reply(r) | Filed::NewReport(r)) => {
                        format!("250 2.0.0 filed as {r}\r\n")
                    }
                    Err(e) => format!("{e}\r\n"),
                };
                // LMTP: one answer per accepted recipient.
                let all = one.repeat(recipients.len());
                recipients.clear();
                have_sender = false;
                all
            }
        } else if upper == "RSET" {
            recipients.clear();
            have_sender = false;
            "250 2.0.0 OK\r\n".into()
        } else if upper == "NOOP" {
            "250 2.0.0 OK\r\n".into()
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            "500 5.5.1 unknown command\r\n".into()
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// Reads a message up to the lone `.`, undoing dot-stuffing; past `limit`
/// bytes it reads on but keeps nothing, and says so.
async fn read_data(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    limit: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut data = Vec::new();
    let mut too_large = false;
    let mut line = Vec::new();
    let mut at_start = true;
    loop {
        let Some(complete) = read_line(reader, &mut line, 64 * 1024).await? else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "data cut off",
            ));
        };
        if at_start && (line == b".\r\n" || line == b".\n") {
            return Ok((data, too_large));
        }
        let content = if at_start && line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        at_start = complete;
        if too_large || data.len() + content.len() > limit {
            too_large = true;
            data = Vec::new();
            continue;
        }
        data.extend_from_slice(content);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiparts_are_counted_case_blind() {
        assert_eq!(
            count_multiparts(b"Content-Type: Multipart/Mixed; x\nmultipart/alternative"),
            2
        );
        assert_eq!(count_multiparts(b""), 0);
    }
}
