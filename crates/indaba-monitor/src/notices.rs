//! Owner notices (issue 13): what counts as a regression (or an
//! improvement) between two scans of a list for one domain, who a notice
//! goes to, how a day's notices become one digest per contact, and the
//! signed token of the opt-out link.
//!
//! The rules, plain functions over plain values:
//!
//! - a **regression** is a check that passed in the earlier scan and fails
//!   in the later one, or a domain that was reached before and is
//!   unreachable now (its test ended in error, or nothing answered); an
//!   **improvement** is the reverse. Warnings, errors of one check and the
//!   like are not news: a notice that cries wolf gets filtered away.
//! - the contact is the owner organisation's address when the domain has
//!   an owner, else the domain's security.txt `Contact:` mailto, else the
//!   RDAP abuse contact ([`Contact::choose`]), with the languages its
//!   source names: the organisation's, the security.txt's
//!   `Preferred-Languages`, none for RDAP (which of them the platform
//!   writes is the catalogue's choice, `indaba_i18n::Catalogue::best_of`);
//! - a contact gets at most one digest a day ([`day_of`]): the store
//!   enforces it with a unique key on (contact, day);
//! - the opt-out token is `contact` and an HMAC-SHA256 over it with the
//!   platform's key ([`sign_contact`], [`verify_contact`]): the link works
//!   without an account and cannot be made for someone else's address.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use indaba_model::Status;
use sha2::Sha256;

/// What one scan saw of a domain for one kind of test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// The test ended in error, or nothing answered (no web or mail
    /// server, the name does not exist).
    Unreachable,
    /// The test ran: each check's status.
    Tested(BTreeMap<String, Status>),
}

/// Which way a change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// For the worse: owners are told.
    Regression,
    /// For the better: owners who subscribed are told.
    Improvement,
}

impl Direction {
    /// The word stored and used in message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Regression => "regression",
            Direction::Improvement => "improvement",
        }
    }

    /// The direction named `s`.
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "regression" => Some(Direction::Regression),
            "improvement" => Some(Direction::Improvement),
            _ => None,
        }
    }
}

/// The state word of an unreachable domain, beside the statuses.
pub const UNREACHABLE: &str = "unreachable";

/// One change between two scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The check, or `None` for the domain as a whole (reached or not).
    pub check: Option<String>,
    /// Which way.
    pub direction: Direction,
    /// The earlier state: a status word, or [`UNREACHABLE`].
    pub from: String,
    /// The later state.
    pub to: String,
}

/// The regressions and improvements from `before` to `after`, checks in
/// id order. A check only one scan ran is no change (the catalogue grew,
/// or the kinds differ).
pub fn changes(before: &Observed, after: &Observed) -> Vec<Change> {
    let whole = |direction, from: &str, to: &str| Change {
        check: None,
        direction,
        from: from.to_string(),
        to: to.to_string(),
    };
    match (before, after) {
        (Observed::Unreachable, Observed::Unreachable) => Vec::new(),
        (Observed::Tested(_), Observed::Unreachable) => {
            vec![whole(Direction::Regression, "reached", UNREACHABLE)]
        }
        (Observed::Unreachable, Observed::Tested(_)) => {
            vec![whole(Direction::Improvement, UNREACHABLE, "reached")]
        }
        (Observed::Tested(old), Observed::Tested(new)) => old
            .iter()
            .filter_map(|(check, was)| {
                let now = new.get(check)?;
                let direction = match (was, now) {
                    (Status::Pass, Status::Fail) => Direction::Regression,
                    (Status::Fail, Status::Pass) => Direction::Improvement,
                    _ => return None,
                };
                Some(Change {
                    check: Some(check.clone()),
                    direction,
                    from: was.as_str().to_string(),
                    to: now.as_str().to_string(),
                })
            })
            .collect(),
    }
}

/// Where a contact address came from, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactSource {
    /// The owner organisation's address.
    Owner,
    /// The domain's security.txt `Contact: mailto:`.
    SecurityTxt,
    /// The RDAP abuse contact.
    Rdap,
}

impl ContactSource {
    /// Every source, by preference.
    pub const ALL: [ContactSource; 3] = [
        ContactSource::Owner,
        ContactSource::SecurityTxt,
        ContactSource::Rdap,
    ];

    /// The word stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactSource::Owner => "owner",
            ContactSource::SecurityTxt => "security_txt",
            ContactSource::Rdap => "rdap",
        }
    }
}

/// A contact for a domain's notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The address, normalised ([`normalise_address`]).
    pub address: String,
    /// Where it came from.
    pub source: ContactSource,
    /// The languages its reader prefers, most preferred first, as the
    /// source says them (the organisation's language, the security.txt's
    /// `Preferred-Languages`); empty when unknown (RDAP says nothing).
    /// Which of them the platform can write is the catalogue's to say.
    pub languages: Vec<String>,
}

/// What is known of a domain's possible contacts, by source.
#[derive(Debug, Clone, Copy, Default)]
pub struct Candidates<'a> {
    /// The owner organisation's address.
    pub owner: Option<&'a str>,
    /// The owner organisation's preferred language.
    pub owner_language: Option<&'a str>,
    /// The security.txt `Contact:` values, in the file's order.
    pub security_txt: &'a [String],
    /// The security.txt `Preferred-Languages:` tags.
    pub security_txt_languages: &'a [String],
    /// The RDAP abuse contacts' addresses.
    pub rdap: &'a [String],
}

impl Contact {
    /// The first usable address by preference: the owner's, then
    /// security.txt's (in the file's order), then RDAP's; with the
    /// languages its source names.
    pub fn choose(c: &Candidates<'_>) -> Option<Contact> {
        let owner_languages: Vec<String> =
            c.owner_language.map(str::to_string).into_iter().collect();
        let owner = c
            .owner
            .into_iter()
            .map(|a| (a, ContactSource::Owner, owner_languages.as_slice()));
        let txt = c.security_txt.iter().map(|a| {
            (
                a.as_str(),
                ContactSource::SecurityTxt,
                c.security_txt_languages,
            )
        });
        let rdap = c
            .rdap
            .iter()
            .map(|a| (a.as_str(), ContactSource::Rdap, &[][..]));
        owner
            .chain(txt)
            .chain(rdap)
            .find_map(|(a, source, languages)| {
                Some(Contact {
                    address: normalise_address(a)?,
                    source,
                    languages: languages.to_vec(),
                })
            })
    }
}

/// An e-mail address as notices key it: `mailto:` and any `?query` taken
/// off, trimmed, lower case; `None` unless it is one plausible address
/// (a local part, one `@`, a domain with a dot, no spaces or angle
/// brackets, at most 254 characters).
pub fn normalise_address(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map_or(t, |_| &t[7..]);
    let t = t.split('?').next().unwrap_or("").trim().to_lowercase();
    let (local, domain) = t.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && t.len() <= 254
        && !t
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
    plausible.then_some(t)
}

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The day (UTC, counted from 1970) of `unix` seconds: a contact gets at
/// most one digest per such day.
pub fn day_of(unix: i64) -> i64 {
    unix.div_euclid(DAY)
}

/// Groups `items` by contact address: one digest each, items in the order
/// given.
pub fn digests<T>(items: impl IntoIterator<Item = (String, T)>) -> BTreeMap<String, Vec<T>> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for (contact, item) in items {
        out.entry(contact).or_default().push(item);
    }
    out
}

/// Whether a change in `direction` goes to a contact who has (or has not)
/// subscribed to improvements.
pub fn wanted(direction: Direction, subscribed_to_improvements: bool) -> bool {
    direction == Direction::Regression || subscribed_to_improvements
}

/// The HMAC of `contact` under `key`, for `purpose`.
fn mac(key: &[u8], purpose: &str, contact: &str) -> Hmac<Sha256> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(contact.as_bytes());
    mac
}

/// What the token signs for: a token for one purpose is no good for
/// another.
const PURPOSE: &str = "indaba-notices-contact";

/// The token of `contact`'s opt-out (and subscription) links, signed with
/// `key`: the address, base64url, a dot, and the HMAC-SHA256 of it.
pub fn sign_contact(key: &[u8], contact: &str) -> String {
    let tag = mac(key, PURPOSE, contact).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(contact.as_bytes()),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The contact a token was signed for, if it was signed with `key` (the
/// comparison is constant-time); `None` for anything else.
pub fn verify_contact(key: &[u8], token: &str) -> Option<String> {
    if token.len() > 600 {
        return None;
    }
    let (address, tag) = token.split_once('.')?;
    let address = String::from_utf8(URL_SAFE_NO_PAD.decode(address).ok()?).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(key, PURPOSE, &address).verify_slice(&tag).ok()?;
    Some(address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tested(pairs: &[(&str, Status)]) -> Observed {
        Observed::Tested(pairs.iter().map(|(c, s)| (c.to_string(), *s)).collect())
    }

    #[test]
    fn pass_to_fail_is_a_regression_and_fail_to_pass_an_improvement() {
        let before = tested(&[
            ("a", Status::Pass),
            ("b", Status::Fail),
            ("c", Status::Pass),
            ("d", Status::Pass),
            ("e", Status::Warning),
        ]);
        let after = tested(&[
            ("a", Status::Fail),
            ("b", Status::Pass),
            ("c", Status::Warning),
            ("e", Status::Fail),
            ("f", Status::Fail),
        ]);
        let found = changes(&before, &after);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].check.as_deref(), Some("a"));
        assert_eq!(found[0].direction, Direction::Regression);
        assert_eq!(
            (found[0].from.as_str(), found[0].to.as_str()),
            ("pass", "fail")
        );
        assert_eq!(found[1].check.as_deref(), Some("b"));
        assert_eq!(found[1].direction, Direction::Improvement);
    }

    #[test]
    fn becoming_unreachable_is_a_regression_of_the_domain() {
        let reached = tested(&[("a", Status::Pass)]);
        let lost = changes(&reached, &Observed::Unreachable);
        assert_eq!(lost.len(), 1);
        assert_eq!(lost[0].check, None);
        assert_eq!(lost[0].direction, Direction::Regression);
        assert_eq!(lost[0].to, UNREACHABLE);
        let back = changes(&Observed::Unreachable, &reached);
        assert_eq!(back[0].direction, Direction::Improvement);
        assert!(changes(&Observed::Unreachable, &Observed::Unreachable).is_empty());
        assert!(changes(&reached, &reached).is_empty());
    }

    #[test]
    fn the_owner_comes_first_then_security_txt_then_rdap() {
        let txt = vec!["mailto:Security@Example.TEST".to_string()];
        let txt_languages = vec!["nl".to_string(), "en".to_string()];
        let rdap = vec!["abuse@registrar.test".to_string()];
        let all = Candidates {
            owner: Some("noc@owner.test"),
            owner_language: Some("fr"),
            security_txt: &txt,
            security_txt_languages: &txt_languages,
            rdap: &rdap,
        };
        let c = Contact::choose(&all).unwrap();
        assert_eq!(
            (c.address.as_str(), c.source, c.languages),
            ("noc@owner.test", ContactSource::Owner, vec!["fr".into()])
        );
        let c = Contact::choose(&Candidates { owner: None, ..all }).unwrap();
        assert_eq!(
            (c.address.as_str(), c.source, c.languages),
            (
                "security@example.test",
                ContactSource::SecurityTxt,
                txt_languages.clone()
            )
        );
        // An unusable address is passed over; RDAP names no language.
        let web = vec!["https://x.test/".to_string()];
        let c = Contact::choose(&Candidates {
            owner: Some("not an address"),
            security_txt: &web,
            ..all
        })
        .unwrap();
        assert_eq!(c.source, ContactSource::Rdap);
        assert!(c.languages.is_empty());
        let c = Contact::choose(&Candidates {
            owner: Some("noc@owner.test"),
            ..Candidates::default()
        })
        .unwrap();
        assert!(c.languages.is_empty(), "an organisation without a language");
        assert_eq!(Contact::choose(&Candidates::default()), None);
    }

    #[test]
    fn addresses_are_normalised_or_refused() {
        assert_eq!(
            normalise_address(" mailto:A@B.test?subject=x ").as_deref(),
            Some("a@b.test")
        );
        for bad in [
            "",
            "@b.test",
            "a@",
            "a@b",
            "a b@c.test",
            "a@b.test>",
            "a@@b.test",
            "a@.test",
        ] {
            assert_eq!(normalise_address(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_day_is_utc_and_digests_group_by_contact() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(86_399), 0);
        assert_eq!(day_of(86_400), 1);
        assert_eq!(day_of(-1), -1);
        let grouped = digests([
            ("b@x.test".to_string(), 1),
            ("a@x.test".to_string(), 2),
            ("b@x.test".to_string(), 3),
        ]);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped["b@x.test"], vec![1, 3]);
        assert!(wanted(Direction::Regression, false));
        assert!(!wanted(Direction::Improvement, false));
        assert!(wanted(Direction::Improvement, true));
    }

    #[test]
    fn tokens_verify_only_with_their_key_and_address() {
        let key = b"a key of the platform's";
        let token = sign_contact(key, "owner@example.test");
        assert_eq!(
            verify_contact(key, &token).as_deref(),
            Some("owner@example.test")
        );
        assert_eq!(verify_contact(b"another key", &token), None);
        // Another address with this token's tag is refused.
        let tag = token.split_once('.').unwrap().1;
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode("victim@example.test"));
        assert_eq!(verify_contact(key, &forged), None);
        for junk in ["", ".", "x", "x.y", "%%%.%%%"] {
            assert_eq!(verify_contact(key, junk), None);
        }
    }

    proptest! {
        #[test]
        fn any_token_text_is_refused_or_names_what_was_signed(text in ".{0,200}") {
            let key = b"k";
            if let Some(contact) = verify_contact(key, &text) {
                prop_assert_eq!(sign_contact(key, &contact), text);
            }
        }

        #[test]
        fn any_address_text_normalises_to_something_plausible_or_nothing(text in ".{0,300}") {
            if let Some(a) = normalise_address(&text) {
                prop_assert!(a.len() <= 254 && a.contains('@'));
                prop_assert_eq!(normalise_address(&a), Some(a.clone()));
            }
        }
    }
}
