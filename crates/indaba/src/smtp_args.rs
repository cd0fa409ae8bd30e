//! The SMTP options every command that sends mail takes (`serve`, `desk`,
//! `notices`), the mailer they make, and the options of the commands that
//! mail from the command line ([`MailingArgs`]).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use indaba_web::mail::{MailSettings, Mailer, SmtpTls};

/// How the platform reaches its mail relay.
#[derive(Debug, Args)]
pub struct SmtpArgs {
    /// SMTP relay for the platform's mail (password resets, notices), HOST:PORT.
    #[arg(long, value_name = "HOST:PORT", global = true)]
    pub smtp: Option<String>,
    /// TLS to the relay: required (STARTTLS with a verified certificate, the
    /// default), opportunistic (STARTTLS if offered, unverified) or none.
    #[arg(long, value_name = "MODE", default_value = "required", global = true)]
    pub smtp_tls: SmtpTls,
    /// PEM roots the relay's certificate may chain to, beside the system's.
    #[arg(long, value_name = "FILE", global = true)]
    pub smtp_ca_file: Option<PathBuf>,
    /// SMTP AUTH user; the secret comes from INDABA_SMTP_PASSWORD or
    /// --smtp-password-file, never from the command line.
    #[arg(long, value_name = "NAME", global = true)]
    pub smtp_user: Option<String>,
    /// A file holding the SMTP AUTH secret (its first line).
    #[arg(long, value_name = "FILE", global = true)]
    pub smtp_password_file: Option<PathBuf>,
    /// Sender address of the platform's mail.
    #[arg(
        long,
        value_name = "ADDRESS",
        default_value = "indaba@localhost",
        global = true
    )]
    pub mail_from: String,
}

impl SmtpArgs {
    /// The mailer, when a relay is given; the AUTH secret from the
    /// environment (INDABA_SMTP_PASSWORD) or a file, never the command line.
    pub fn mailer(&self) -> Result<Option<Mailer>> {
        let Some(relay) = &self.smtp else {
            return Ok(None);
        };
        let (host, port) = relay
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.trim_matches(['[', ']']), p.parse::<u16>().ok()?)))
            .with_context(|| format!("--smtp {relay:?}: give HOST:PORT, e.g. 127.0.0.1:25"))?;
        let extra_roots_pem = self
            .smtp_ca_file
            .as_ref()
            .map(|path| {
                std::fs::read(path)
                    .with_context(|| format!("cannot read the SMTP CA file {}", path.display()))
            })
            .transpose()?;
        let credentials = match &self.smtp_user {
            None => None,
            Some(user) => Some((user.clone(), self.secret(user)?)),
        };
        match self.smtp_tls {
            SmtpTls::Required => {}
            SmtpTls::Opportunistic => tracing::warn!(
                "--smtp-tls opportunistic: mail to {relay} is encrypted only if the relay offers STARTTLS, and its certificate is not checked"
            ),
            SmtpTls::None => tracing::warn!(
                "--smtp-tls none: mail to {relay} (reset links among it) travels unencrypted"
            ),
        }
        Ok(Some(Mailer::new(MailSettings {
            host: host.to_string(),
            port,
            from: self.mail_from.clone(),
            tls: self.smtp_tls,
            extra_roots_pem,
            credentials,
        })?))
    }

    fn secret(&self, user: &str) -> Result<String> {
        let secret = match (
            &self.smtp_password_file,
            std::env::var("INDABA_SMTP_PASSWORD"),
        ) {
            (Some(path), _) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the SMTP secret file {}", path.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            (None, Ok(secret)) => secret,
            (None, Err(_)) => bail!(
                "--smtp-user {user:?} needs its secret in INDABA_SMTP_PASSWORD or a file named by --smtp-password-file"
            ),
        };
        if secret.is_empty() {
            bail!("the SMTP secret for {user:?} is empty");
        }
        Ok(secret)
    }
}

/// What a command that sends the platform's mail from the command line
/// needs (`desk`, `notices`): the database, the relay, and the site's
/// address for the links in the mail.
#[derive(Debug, Args)]
pub struct MailingArgs {
    /// The database: a SQLite file or a postgres:// URL.
    #[arg(
        long,
        value_name = "URL",
        default_value = "sqlite:indaba.db",
        env = "INDABA_DATABASE",
        global = true
    )]
    pub database: String,
    #[command(flatten)]
    pub smtp: SmtpArgs,
    /// The site's public address, for the links in mail.
    #[arg(
        long,
        value_name = "URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub base_url: String,
}
