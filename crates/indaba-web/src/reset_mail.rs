//! The password-reset mail, in the reader's language: a plain-text part
//! wrapped at 78 columns (RFC 5322 §2.1.1's recommended line length; the
//! link on a line of its own, never broken) and an HTML part with the same
//! words, sent together as multipart/alternative.

use crate::i18n::Tr;

/// The longest line of the plain-text part (the link aside, which may not be
/// broken).
pub const COLUMNS: usize = 78;

/// A mail's subject and its two bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The reset mail for `link`, valid for `minutes`.
pub fn reset_mail(tr: &Tr<'_>, link: &str, minutes: u64) -> MailText {
    let intro = tr.t("reset-mail-intro");
    let action = tr.t1("reset-mail-action", "minutes", minutes);
    let ignore = tr.t("reset-mail-ignore");
    let signature = tr.t("reset-mail-signature");
    let wrap = |p: &str| textwrap::fill(p, COLUMNS);
    let text = [
        wrap(&intro),
        wrap(&action),
        link.to_string(),
        wrap(&ignore),
        wrap(&signature),
    ]
    .join("\n\n")
        + "\n";
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\n<body>\n<p>{intro}</p>\n<p>{action}</p>\n<p><a href=\"{href}\">{href}</a></p>\n<p>{ignore}</p>\n<p>{signature}</p>\n</body></html>\n",
        lang = escape(tr.lang),
        subject = escape(&tr.t("reset-mail-subject")),
        intro = escape(&intro),
        action = escape(&action),
        href = escape(link),
        ignore = escape(&ignore),
        signature = escape(&signature),
    );
    MailText {
        subject: tr.t("reset-mail-subject"),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_part_is_wrapped_at_78_columns_and_keeps_the_link_whole() {
        let catalogue = crate::i18n::Translations::load().unwrap();
        let tr = Tr::new(&catalogue, "en");
        let link = format!("https://indaba.example/password/reset/{}", "x".repeat(64));
        let mail = reset_mail(&tr, &link, 60);
        for line in mail.text.lines() {
            assert!(
                line.chars().count() <= COLUMNS || line == link,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        assert!(
            mail.text.lines().any(|l| l == link),
            "the link whole on its own line"
        );
        assert!(mail.html.contains(&format!("<a href=\"{link}\">")));
        assert!(mail.text.contains("60 minutes") || mail.text.contains("one hour"));
        let hostile = reset_mail(&tr, "https://x/\"><script>", 60);
        assert!(!hostile.html.contains("<script>"));
    }
}
