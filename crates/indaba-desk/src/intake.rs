//! What a report may hold when it comes in through any of the four doors
//! (public form, member form, API, mail), and the cleaning every field gets:
//! bounded lengths, no control characters, contact details only when the
//! person chose to be contacted. A draft that fails says every problem at
//! once, as messages for people.

use indaba_model::{Message, msg};
use serde::{Deserialize, Serialize};

use crate::tlp::Tlp;

/// The longest description kept, in characters.
pub const MAX_DESCRIPTION: usize = 20_000;
/// The longest short field (a name, an address, a title), in characters.
pub const MAX_SHORT: usize = 200;
/// The most answers a question flow may carry.
pub const MAX_ANSWERS: usize = 40;

/// Where a report came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Door {
    /// The public form, without an account.
    Public,
    /// A signed-in member's form.
    Member,
    /// The JSON API.
    Api,
    /// Mail to the intake address.
    Mail,
    /// A feed import.
    Feed,
}

impl Door {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Door::Public => "public",
            Door::Member => "member",
            Door::Api => "api",
            Door::Mail => "mail",
            Door::Feed => "feed",
        }
    }
}

/// A report as submitted (or as saved while someone types it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// A short title.
    #[serde(default)]
    pub title: String,
    /// What happened, in the person's words.
    #[serde(default)]
    pub description: String,
    /// The answers of the question flow (question id, answer id).
    #[serde(default)]
    pub answers: Vec<(String, String)>,
    /// A name or pseudonym; empty for anonymous.
    #[serde(default)]
    pub name: String,
    /// Whether the person wants to be contacted (then an address is needed).
    #[serde(default)]
    pub contact_ok: bool,
    /// Their e-mail address, only when `contact_ok`.
    #[serde(default)]
    pub email: String,
    /// Their country (ISO 3166-1 alpha-2), for the points of contact.
    #[serde(default)]
    pub country: String,
    /// Region within the country, for statistics, only with consent.
    #[serde(default)]
    pub region: String,
    /// Age band, for statistics, only with consent.
    #[serde(default)]
    pub age_band: String,
    /// Education, for statistics, only with consent.
    #[serde(default)]
    pub education: String,
    /// Whether the person agreed to their age band, education and region
    /// being counted in statistics.
    #[serde(default)]
    pub stats_consent: bool,
    /// The label the reporter asks for (the desk may raise it, never lower
    /// it below what the reporter asked).
    #[serde(default)]
    pub tlp: Option<Tlp>,
}

/// The age bands statistics use.
pub const AGE_BANDS: &[&str] = &["under-18", "18-29", "30-44", "45-64", "65-plus"];
/// The education levels statistics use.
pub const EDUCATION: &[&str] = &["primary", "secondary", "tertiary", "none-said"];

/// Removes control characters (keeping new lines and tabs in long text) and
/// trims; cuts to `max` characters.
pub fn clean(text: &str, max: usize, multiline: bool) -> String {
    text.chars()
        .filter(|c| !c.is_control() || (multiline && (*c == '\n' || *c == '\t')))
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Whether `email` looks like an address (one `@`, a dot in the domain, no
/// spaces); the mail server is the final judge.
pub fn plausible_email(email: &str) -> bool {
    email.len() <= 254
        && email.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty()
                && !d.contains('@')
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
        })
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

impl Draft {
    /// The draft with every field cleaned and bounded, and what people the
    /// person did not agree to share dropped (contact without `contact_ok`,
    /// demographics without `stats_consent`). Saving a half-typed draft
    /// uses this; it never fails.
    pub fn cleaned(&self) -> Draft {
        let one_of = |v: &str, allowed: &[&str]| -> String {
            let v = v.trim();
            if allowed.contains(&v) {
                v.to_string()
            } else {
                String::new()
            }
        };
        let country = clean(&self.country, 2, false).to_ascii_uppercase();
        Draft {
            title: clean(&self.title, MAX_SHORT, false),
            description: clean(&self.description, MAX_DESCRIPTION, true),
            answers: self
                .answers
                .iter()
                .take(MAX_ANSWERS)
                .map(|(q, a)| (clean(q, 60, false), clean(a, 60, false)))
                .filter(|(q, a)| !q.is_empty() && !a.is_empty())
                .collect(),
            name: clean(&self.name, MAX_SHORT, false),
            contact_ok: self.contact_ok,
            email: if self.contact_ok {
                clean(&self.email, 254, false)
            } else {
                String::new()
            },
            country: if country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()) {
                country
            } else {
                String::new()
            },
            region: if self.stats_consent {
                clean(&self.region, 80, false)
            } else {
                String::new()
            },
            age_band: if self.stats_consent {
                one_of(&self.age_band, AGE_BANDS)
            } else {
                String::new()
            },
            education: if self.stats_consent {
                one_of(&self.education, EDUCATION)
            } else {
                String::new()
            },
            stats_consent: self.stats_consent,
            tlp: self.tlp,
        }
    }

    /// The cleaned draft, if it is complete enough to become a report; else
    /// every problem.
    pub fn submit(&self) -> Result<Draft, Vec<Message>> {
        let mut problems = Vec::new();
        if self.description.chars().count() > MAX_DESCRIPTION {
            problems.push(msg!("desk-intake-too-long", max = MAX_DESCRIPTION as i64));
        }
        let d = self.cleaned();
        if d.description.is_empty() && d.answers.is_empty() {
            problems.push(msg!("desk-intake-empty"));
        }
        if d.contact_ok && !plausible_email(&d.email) {
            problems.push(msg!("desk-intake-bad-email"));
        }
        if problems.is_empty() {
            Ok(d)
        } else {
            Err(problems)
        }
    }

    /// The answer to question `q`, if given.
    pub fn answer(&self, q: &str) -> Option<&str> {
        self.answers
            .iter()
            .find(|(qq, _)| qq == q)
            .map(|(_, a)| a.as_str())
    }

    /// Every answer to question `q` (multiple choice).
    pub fn answers_to<'a>(&'a self, q: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.answers
            .iter()
            .filter(move |(qq, _)| qq == q)
            .map(|(_, a)| a.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn consent_decides_what_is_kept() {
        let d = Draft {
            description: "someone opened a bank account in my name".into(),
            email: "me@example.test".into(),
            contact_ok: false,
            age_band: "30-44".into(),
            region: "Gauteng".into(),
            stats_consent: false,
            ..Draft::default()
        };
        let c = d.submit().unwrap();
        assert!(c.email.is_empty());
        assert!(c.age_band.is_empty() && c.region.is_empty());
        let with = Draft {
            contact_ok: true,
            stats_consent: true,
            ..d
        }
        .submit()
        .unwrap();
        assert_eq!(with.email, "me@example.test");
        assert_eq!(with.age_band, "30-44");
    }

    #[test]
    fn problems_are_all_said() {
        let d = Draft {
            contact_ok: true,
            email: "not an address".into(),
            ..Draft::default()
        };
        let problems = d.submit().unwrap_err();
        let ids: Vec<&str> = problems.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, vec!["desk-intake-empty", "desk-intake-bad-email"]);
    }

    #[test]
    fn hostile_text_is_cleaned() {
        let d = Draft {
            description: "a\u{0}b\u{202e}c\nd\u{7}".into(),
            title: "x".repeat(10_000),
            country: "za\u{0}".into(),
            age_band: "<script>".into(),
            stats_consent: true,
            ..Draft::default()
        }
        .cleaned();
        assert_eq!(d.description, "abc\nd");
        assert_eq!(d.title.chars().count(), MAX_SHORT);
        assert_eq!(d.country, "ZA");
        assert_eq!(d.age_band, "");
    }

    proptest! {
        #[test]
        fn cleaning_is_bounded_and_idempotent(text in "\\PC{0,300}", ctl in "[\\x00-\\x1f]{0,10}") {
            let d = Draft { title: format!("{text}{ctl}"), description: format!("{ctl}{text}"), ..Draft::default() };
            let c = d.cleaned();
            prop_assert!(c.title.chars().count() <= MAX_SHORT);
            prop_assert!(!c.title.chars().any(|c| c.is_control()));
            prop_assert_eq!(c.cleaned(), c.clone());
        }
    }
}
