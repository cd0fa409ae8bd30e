//! Outgoing e-mail (password resets, sign-in notices) over SMTP with lettre.
//!
//! The relay is reached with STARTTLS and a verified certificate unless the
//! operator explicitly chooses less ([`SmtpTls`]); the weaker choices are
//! said in the log at start. SMTP AUTH is used when credentials are given,
//! and only over TLS that is required (a password is never sent where it
//! could go in clear). The secret itself never comes from the command line
//! (it would show in the process list): the binary reads it from an
//! environment variable or a file.

use std::str::FromStr;
use std::time::Duration;

use askama::Template;
use lettre::message::MultiPart;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// The width plain-text mail is wrapped at (RFC 5322 §2.1.1: lines of at
/// most 78 characters).
pub const TEXT_WIDTH: usize = 78;

/// One block of a mail's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paragraph {
    /// Prose, wrapped at [`TEXT_WIDTH`] in the text part.
    Text(String),
    /// A link: on a line of its own in the text part and never broken (a
    /// broken link does not work when clicked), a link in the HTML part.
    Link(String),
    /// A heading (a line of its own; `<h2>` in the HTML part).
    Heading(String),
    /// A list of items, each wrapped with a hanging indent in the text part.
    List(Vec<String>),
}

/// A mail's body as plain text and as HTML, made from the same paragraphs
/// (sent as `multipart/alternative`: readers choose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailBody {
    /// The text part, wrapped at [`TEXT_WIDTH`] columns.
    pub text: String,
    /// The HTML part; every paragraph escaped.
    pub html: String,
    /// The language both parts are written in (a catalogue's language:
    /// the message's `Content-Language`, RFC 3282).
    pub lang: String,
}

/// The HTML part of a mail (askama escapes every paragraph).
#[derive(Template)]
#[template(path = "mail/body.html")]
struct HtmlBody<'a> {
    lang: &'a str,
    subject: &'a str,
    paragraphs: &'a [Paragraph],
}

impl MailBody {
    /// The body with `paragraphs`, in language `lang`, under `subject` (the
    /// HTML part's title). Text is wrapped with `textwrap` at word
    /// boundaries; a word longer than a line (a link) is never broken.
    pub fn compose(lang: &str, subject: &str, paragraphs: &[Paragraph]) -> MailBody {
        let options = || textwrap::Options::new(TEXT_WIDTH).break_words(false);
        let blocks: Vec<String> = paragraphs
            .iter()
            .map(|p| match p {
                Paragraph::Text(t) | Paragraph::Heading(t) => textwrap::fill(t, options()),
                Paragraph::Link(l) => l.clone(),
                Paragraph::List(items) => items
                    .iter()
                    .map(|i| {
                        textwrap::fill(i, options().initial_indent("- ").subsequent_indent("  "))
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
            .collect();
        let mut text = blocks.join("\n\n");
        text.push('\n');
        let html = HtmlBody {
            lang,
            subject,
            paragraphs,
        }
        .render()
        .unwrap_or_else(|e| {
            // Rendering owned strings cannot fail; should it, the text
            // part still says everything.
            tracing::error!(error = %e, "cannot render a mail's HTML part");
            String::new()
        });
        MailBody {
            text,
            html,
            lang: lang.to_string(),
        }
    }
}

/// Why a message could not be sent, or the mailer not made.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address or the message is malformed.
    #[error("cannot build the message: {0}")]
    Build(String),
    /// The SMTP server refused or could not be reached.
    #[error("the SMTP server did not take the message: {0}")]
    Send(String),
    /// The SMTP server refused the message for good (a 5xx answer: the
    /// address does not exist, say): sending again would not help.
    #[error("the SMTP server refused the message: {0}")]
    Refused(String),
    /// The settings cannot work.
    #[error("{0}")]
    Settings(String),
}

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpTls {
    /// STARTTLS with a certificate that verifies for the relay's name; no
    /// mail goes out otherwise. The default.
    #[default]
    Required,
    /// STARTTLS when the relay offers it, certificate not verified; plain
    /// otherwise. Only against passive eavesdroppers.
    Opportunistic,
    /// Plain SMTP.
    None,
}

impl FromStr for SmtpTls {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "required" => Ok(SmtpTls::Required),
            "opportunistic" => Ok(SmtpTls::Opportunistic),
            "none" => Ok(SmtpTls::None),
            other => Err(format!("{other:?}: give required, opportunistic or none")),
        }
    }
}

impl std::fmt::Display for SmtpTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SmtpTls::Required => "required",
            SmtpTls::Opportunistic => "opportunistic",
            SmtpTls::None => "none",
        })
    }
}

/// Where and how mail goes.
#[derive(Clone, Default)]
pub struct MailSettings {
    /// The relay's name or address (the certificate must name it).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// The sender address.
    pub from: String,
    /// TLS to the relay.
    pub tls: SmtpTls,
    /// Extra roots the relay's certificate may chain to (PEM), beside the
    /// system's: a private CA.
    pub extra_roots_pem: Option<Vec<u8>>,
    /// SMTP AUTH user and secret.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("tls", &self.tls)
            .field("auth_user", &self.credentials.as_ref().map(|c| &c.0))
            .finish_non_exhaustive()
    }
}

/// Sends mail through one SMTP relay.
#[derive(Debug, Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

impl Mailer {
    /// A mailer with `settings`; refuses SMTP AUTH unless TLS is required.
    pub fn new(settings: MailSettings) -> Result<Mailer, MailError> {
        let settings_err = |e: lettre::transport::smtp::Error| MailError::Settings(e.to_string());
        let mut params = TlsParameters::builder(settings.host.clone());
        if let Some(pem) = &settings.extra_roots_pem {
            for block in pem_certificates(pem) {
                let cert = Certificate::from_pem(block.as_bytes()).map_err(|e| {
                    MailError::Settings(format!("the SMTP CA file is not usable: {e}"))
                })?;
                params = params.add_root_certificate(cert);
            }
        }
        let tls = match settings.tls {
            SmtpTls::Required => Tls::Required(params.build().map_err(settings_err)?),
            SmtpTls::Opportunistic => Tls::Opportunistic(
                params
                    .dangerous_accept_invalid_certs(true)
                    .build()
                    .map_err(settings_err)?,
            ),
            SmtpTls::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(10)));
        if let Some((user, secret)) = settings.credentials {
            if settings.tls != SmtpTls::Required {
                return Err(MailError::Settings(
                    "SMTP AUTH needs --smtp-tls required: otherwise the secret could travel in clear"
                        .into(),
                ));
            }
            builder = builder.credentials(Credentials::new(user, secret));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: settings.from,
        })
    }

    /// Sends a plain-text message.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let message = Message::builder()
            .from(
                self.from
                    .parse()
                    .map_err(|e| MailError::Build(format!("from: {e}")))?,
            )
            .to(to
                .parse()
                .map_err(|e| MailError::Build(format!("to: {e}")))?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.send_message(message).await
    }
}

impl Mailer {
    /// Sends `body` as `multipart/alternative` (text, then HTML); the
    /// relay's answer on success.
    pub async fn send_body(
        &self,
        to: &str,
        subject: &str,
        body: &MailBody,
    ) -> Result<String, MailError> {
        let message = alternative_message(&self.from, to, subject, body)?;
        let response = self.transport.send(message).await.map_err(|e| {
            if e.is_permanent() {
                MailError::Refused(e.to_string())
            } else {
                MailError::Send(e.to_string())
            }
        })?;
        Ok(format!(
            "{} {}",
            response.code(),
            response.message().collect::<Vec<_>>().join(" ")
        ))
    }

    /// The sender address of the platform's mail.
    pub fn from_address(&self) -> &str {
        &self.from
    }

    /// Sends a message built by the caller (multipart, extra headers).
    pub async fn send_message(&self, message: Message) -> Result<(), MailError> {
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}

/// The `multipart/alternative` message of `body` (text, then HTML), from
/// `from` to `to`. lettre encodes each part so that no line on the wire is
/// longer than 78 characters.
pub fn alternative_message(
    from: &str,
    to: &str,
    subject: &str,
    body: &MailBody,
) -> Result<Message, MailError> {
    Message::builder()
        .from(
            from.parse()
                .map_err(|e| MailError::Build(format!("from: {e}")))?,
        )
        .to(to
            .parse()
            .map_err(|e| MailError::Build(format!("to: {e}")))?)
        .subject(subject)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            body.lang.clone(),
        ))
        .multipart(MultiPart::alternative_plain_html(
            body.text.clone(),
            body.html.clone(),
        ))
        .map_err(|e| MailError::Build(e.to_string()))
}

/// Each certificate block of a PEM file.
fn pem_certificates(pem: &[u8]) -> Vec<String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find(BEGIN) {
        let Some(len) = rest[start..].find(END) else {
            break;
        };
        let end = start + len + END.len();
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_is_required_by_default_and_auth_needs_it() {
        assert_eq!(SmtpTls::default(), SmtpTls::Required);
        assert_eq!("none".parse::<SmtpTls>(), Ok(SmtpTls::None));
        assert!("maybe".parse::<SmtpTls>().is_err());
        for tls in [SmtpTls::Opportunistic, SmtpTls::None] {
            let refused = Mailer::new(MailSettings {
                host: "127.0.0.25".into(),
                port: 25,
                from: "a@example.test".into(),
                tls,
                extra_roots_pem: None,
                credentials: Some(("u".into(), "secret".into())),
            });
            assert!(matches!(refused, Err(MailError::Settings(_))), "{tls}");
        }
        let settings = MailSettings {
            credentials: Some(("user".into(), "the secret".into())),
            ..MailSettings::default()
        };
        assert!(!format!("{settings:?}").contains("the secret"));
    }

    #[test]
    fn pem_blocks_are_split() {
        let pem = b"junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certificates(pem).len(), 2);
        assert!(pem_certificates(b"-----BEGIN CERTIFICATE-----\ncut").is_empty());
    }
}
