//! Outgoing e-mail (password resets) over SMTP with lettre.

use lettre::message::header::ContentType;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address or the message is malformed.
    #[error("cannot build the message: {0}")]
    Build(String),
    /// The SMTP server refused or could not be reached.
    #[error("the SMTP server did not take the message: {0}")]
    Send(String),
}

/// Sends mail through one SMTP relay.
#[derive(Debug, Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

impl Mailer {
    /// A mailer relaying through `host:port` (plain SMTP, opportunistic
    /// STARTTLS), sending as `from`.
    pub fn new(host: &str, port: u16, from: &str) -> Result<Mailer, MailError> {
        let tls = TlsParameters::builder(host.to_string())
            .dangerous_accept_invalid_certs(true)
            .build()
            .map(Tls::Opportunistic)
            .unwrap_or(Tls::None);
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .tls(tls)
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        Ok(Mailer {
            transport,
            from: from.to_string(),
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
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}

impl Mailer {
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
