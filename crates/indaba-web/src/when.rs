//! Times as people read them: a date in words in the reader's language
//! ("6 December 2026, 05:55 UTC") and an age ("12 minutes ago").
//!
//! The server knows the reader's language but not their time zone, so it
//! writes UTC, said so, inside `<time datetime="…">`; the site's own script
//! (`/static/site.js`, no third party) rewrites it in the browser's time
//! zone with the browser's `Intl.DateTimeFormat` in the page's language.
//! Without scripts the UTC text stays, which is still right. JSON keeps
//! RFC 3339 in UTC.

use time::OffsetDateTime;

use crate::i18n::Tr;

/// A moment for a template: machine form and words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// RFC 3339 in UTC, for `<time datetime>`.
    pub iso: String,
    /// The date and time in words, in UTC.
    pub text: String,
}

/// `unix` (seconds) in words in `tr`'s language.
pub fn at(tr: &Tr<'_>, unix: i64) -> When {
    let t = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let iso = t
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let month = tr.t(&format!("when-month-{}", u8::from(t.month())));
    let text = tr.catalogue().render(
        tr.lang,
        &indaba_model::Message::new("when-date-time")
            .arg("day", i64::from(t.day()))
            .arg("month", month.as_str())
            .arg("year", i64::from(t.year()))
            .arg(
                "time",
                format!("{:02}:{:02}", t.hour(), t.minute()).as_str(),
            ),
    );
    When { iso, text }
}

/// An RFC 3339 time (as reports keep it) in words; the text itself when it
/// does not parse.
pub fn at_rfc3339(tr: &Tr<'_>, text: &str) -> When {
    match OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        Ok(t) => at(tr, t.unix_timestamp()),
        Err(_) => When {
            iso: String::new(),
            text: text.to_string(),
        },
    }
}

/// How long ago `unix` was, in words ("3 minutes ago").
pub fn ago(tr: &Tr<'_>, unix: i64, now: i64) -> String {
    let seconds = (now - unix).max(0);
    if seconds < 10 {
        return tr.t("when-just-now");
    }
    let (id, n) = match seconds {
        s if s < 60 => ("when-ago-seconds", s),
        s if s < 3600 => ("when-ago-minutes", s / 60),
        s if s < 86_400 => ("when-ago-hours", s / 3600),
        s => ("when-ago-days", s / 86_400),
    };
    // A number argument, so that the plural forms select.
    tr.m(&indaba_model::Message::new(id).arg("count", n))
}

/// An RFC 3339 time as Unix seconds (`None` when it does not parse).
pub fn unix_of(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ages_are_words() {
        let catalogue = crate::i18n::Translations::load().unwrap();
        let tr = Tr::new(&catalogue, "en");
        let w = at(&tr, 1_796_536_500);
        assert_eq!(w.iso, "2026-12-06T05:55:00Z");
        assert_eq!(w.text, "6 December 2026, 05:55 UTC");
        assert_eq!(ago(&tr, 100, 100), "just now");
        assert_eq!(ago(&tr, 0, 60), "1 minute ago");
        assert_eq!(ago(&tr, 0, 7300), "2 hours ago");
        assert_eq!(ago(&tr, 0, 3 * 86_400), "3 days ago");
        assert_eq!(at_rfc3339(&tr, "not a time").text, "not a time");
    }
}
