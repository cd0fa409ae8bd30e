//! Comply or explain (Web Security Map's practice): the owner of a domain
//! may attach an explanation with an expiry date to a finding that does not
//! meet the standard; the finding stays visible, marked explained; analysts
//! may reject an explanation with a reason; an expired one falls away by
//! itself, judged against the clock at read time.
//!
//! The rules live here, apart from storage and HTTP: who may explain which
//! finding, what text and expiry are acceptable, whether an explanation is
//! in force at a given moment, and how explained findings change the counts
//! a list's statistics show (both numbers, with and without them).

use std::collections::{BTreeMap, HashSet};

use indaba_model::{Message, Status, TestKind, msg};

/// Longest explanation, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Longest rejection reason, in characters.
pub const MAX_REASON_CHARS: usize = 1_000;
/// How far ahead an explanation may run, in seconds (a year and a day, so
/// "the same date next year" is accepted).
pub const MAX_AHEAD_SECS: i64 = 366 * 86_400;

/// The finding an explanation is about: a check of a domain, for a test
/// kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FindingKey {
    /// The domain (A-labels).
    pub domain: String,
    /// Web or mail.
    pub kind: TestKind,
    /// The check id.
    pub check: String,
}

/// An explanation's text: trimmed, not empty, at most
/// [`MAX_TEXT_CHARS`], without control characters other than line breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    /// Reads an explanation typed by its author.
    pub fn parse(text: &str) -> Result<Text, Message> {
        bounded_text(text, MAX_TEXT_CHARS, "monitor-explain-text").map(Text)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A rejection's reason, with the same rules as [`Text`] and at most
/// [`MAX_REASON_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    /// Reads a reason typed by an analyst.
    pub fn parse(text: &str) -> Result<Reason, Message> {
        bounded_text(text, MAX_REASON_CHARS, "monitor-explain-reason").map(Reason)
    }

    /// The reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn bounded_text(text: &str, max: usize, prefix: &str) -> Result<String, Message> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Message::new(format!("{prefix}-empty")));
    }
    if text.chars().count() > max {
        return Err(Message::new(format!("{prefix}-too-long")).arg("max", max as i64));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Message::new(format!("{prefix}-control")));
    }
    Ok(text.to_string())
}

/// When an explanation stops being in force (Unix seconds): after `now`
/// and at most [`MAX_AHEAD_SECS`] ahead of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expiry(i64);

impl Expiry {
    /// Accepts `until` as the end of an explanation made at `now`.
    pub fn new(until: i64, now: i64) -> Result<Expiry, Message> {
        if until <= now {
            return Err(msg!("monitor-explain-expiry-past"));
        }
        if until > now.saturating_add(MAX_AHEAD_SECS) {
            return Err(msg!("monitor-explain-expiry-far"));
        }
        Ok(Expiry(until))
    }

    /// Reads a date (`YYYY-MM-DD`, UTC) typed into a form: the explanation
    /// runs to the end of that day.
    pub fn from_date(text: &str, now: i64) -> Result<Expiry, Message> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(text.trim(), format)
            .map_err(|_| msg!("monitor-explain-expiry-bad", value = text.trim()))?;
        let end = date.midnight().assume_utc().unix_timestamp() + 86_400;
        Expiry::new(end, now)
    }

    /// Unix seconds.
    pub fn at(self) -> i64 {
        self.0
    }
}

/// Whether a finding with `status` may be explained: only those that do
/// not meet the standard (a fail or a warning); a pass needs no
/// explanation and an error is the platform's, not the owner's.
pub fn explainable(status: Status) -> bool {
    matches!(status, Status::Fail | Status::Warning)
}

/// Whether a user of organisation `user_org` may explain findings of a
/// domain whose owner organisations (one per list naming it) are `owners`.
pub fn may_explain(user_org: Option<&str>, owners: &[String]) -> bool {
    user_org.is_some_and(|org| owners.iter().any(|o| o == org))
}

/// Where an explanation stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// It marks its finding explained.
    InForce,
    /// Its expiry has passed.
    Expired,
    /// An analyst rejected it.
    Rejected,
}

impl Standing {
    /// Of an explanation running `until`, rejected at `rejected_at` if at
    /// all, seen at `now`. A rejection counts from when it was made, so a
    /// page of the past shows what was in force then.
    pub fn of(until: i64, rejected_at: Option<i64>, now: i64) -> Standing {
        match rejected_at {
            Some(r) if r <= now => Standing::Rejected,
            _ if now >= until => Standing::Expired,
            _ => Standing::InForce,
        }
    }

    /// Its word (CSS classes, message ids).
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::InForce => "in-force",
            Standing::Expired => "expired",
            Standing::Rejected => "rejected",
        }
    }
}

/// Whether a finding's status, with an explanation in force or not, shows
/// as explained.
pub fn shows_explained(status: Status, explained: bool) -> bool {
    explained && explainable(status)
}

/// One check's counts over a list's domains.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Passed.
    pub pass: u64,
    /// Warnings without an explanation in force.
    pub warning: u64,
    /// Fails without an explanation in force.
    pub fail: u64,
    /// Fails with one.
    pub explained_fail: u64,
    /// Warnings with one.
    pub explained_warning: u64,
    /// Anything else (informational, not applicable, not tested, error).
    pub other: u64,
}

impl Tally {
    /// Fails counting explained ones as fails (the plain number).
    pub fn fail_without_explanations(&self) -> u64 {
        self.fail + self.explained_fail
    }

    /// Fails once explained ones are set apart.
    pub fn fail_with_explanations(&self) -> u64 {
        self.fail
    }

    /// Warnings counting explained ones.
    pub fn warning_without_explanations(&self) -> u64 {
        self.warning + self.explained_warning
    }

    /// Explained findings of either kind.
    pub fn explained(&self) -> u64 {
        self.explained_fail + self.explained_warning
    }

    /// Every finding counted.
    pub fn total(&self) -> u64 {
        self.pass + self.warning + self.fail + self.explained() + self.other
    }
}

/// Counts each check's findings (`(key, status)` pairs, one per domain,
/// kind and check) with the explained set in force apart, by check id.
pub fn tally<'a>(
    findings: impl IntoIterator<Item = (&'a FindingKey, Status)>,
    explained: &HashSet<FindingKey>,
) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for (key, status) in findings {
        let t = out.entry(key.check.clone()).or_default();
        let is_explained = shows_explained(status, explained.contains(key));
        match status {
            Status::Pass => t.pass += 1,
            Status::Fail if is_explained => t.explained_fail += 1,
            Status::Fail => t.fail += 1,
            Status::Warning if is_explained => t.explained_warning += 1,
            Status::Warning => t.warning += 1,
            _ => t.other += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 2_000_000_000;

    fn key(domain: &str, check: &str) -> FindingKey {
        FindingKey {
            domain: domain.into(),
            kind: TestKind::Web,
            check: check.into(),
        }
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            Text::parse("  legacy system, replaced in May \n")
                .unwrap()
                .as_str(),
            "legacy system, replaced in May"
        );
        assert_eq!(
            Text::parse("  ").unwrap_err().id,
            "monitor-explain-text-empty"
        );
        assert_eq!(
            Text::parse(&"x".repeat(MAX_TEXT_CHARS + 1)).unwrap_err().id,
            "monitor-explain-text-too-long"
        );
        assert!(Text::parse(&"é".repeat(MAX_TEXT_CHARS)).is_ok());
        assert_eq!(
            Text::parse("a\u{0}b").unwrap_err().id,
            "monitor-explain-text-control"
        );
        assert!(Text::parse("line one\nline two").is_ok());
        assert_eq!(
            Reason::parse("").unwrap_err().id,
            "monitor-explain-reason-empty"
        );
    }

    #[test]
    fn expiry_is_ahead_and_within_a_year() {
        assert_eq!(
            Expiry::new(NOW, NOW).unwrap_err().id,
            "monitor-explain-expiry-past"
        );
        assert_eq!(
            Expiry::new(NOW - 1, NOW).unwrap_err().id,
            "monitor-explain-expiry-past"
        );
        assert!(Expiry::new(NOW + 1, NOW).is_ok());
        assert!(Expiry::new(NOW + MAX_AHEAD_SECS, NOW).is_ok());
        assert_eq!(
            Expiry::new(NOW + MAX_AHEAD_SECS + 1, NOW).unwrap_err().id,
            "monitor-explain-expiry-far"
        );
        // 2033-05-18 is the day of NOW; the explanation runs to its end.
        let e = Expiry::from_date("2033-05-18", NOW).unwrap();
        assert_eq!(e.at(), 2_000_073_600);
        assert_eq!(
            Expiry::from_date("2033-05-17", NOW).unwrap_err().id,
            "monitor-explain-expiry-past"
        );
        assert_eq!(
            Expiry::from_date("2034-05-19", NOW).unwrap_err().id,
            "monitor-explain-expiry-far"
        );
        assert_eq!(
            Expiry::from_date("next week", NOW).unwrap_err().id,
            "monitor-explain-expiry-bad"
        );
        assert_eq!(
            Expiry::from_date("2033-02-30", NOW).unwrap_err().id,
            "monitor-explain-expiry-bad"
        );
    }

    #[test]
    fn only_owners_explain_and_only_what_falls_short() {
        let owners = vec!["org-a".to_string(), "org-b".to_string()];
        assert!(may_explain(Some("org-b"), &owners));
        assert!(!may_explain(Some("org-c"), &owners));
        assert!(!may_explain(None, &owners));
        assert!(!may_explain(Some("org-a"), &[]));
        assert!(explainable(Status::Fail) && explainable(Status::Warning));
        for s in [
            Status::Pass,
            Status::Info,
            Status::NotApplicable,
            Status::NotTested,
            Status::Error,
        ] {
            assert!(!explainable(s));
            assert!(!shows_explained(s, true));
        }
        assert!(shows_explained(Status::Fail, true));
        assert!(!shows_explained(Status::Fail, false));
    }

    #[test]
    fn standing_follows_the_clock_and_rejection() {
        assert_eq!(Standing::of(NOW + 10, None, NOW), Standing::InForce);
        assert_eq!(Standing::of(NOW + 10, None, NOW + 10), Standing::Expired);
        assert_eq!(
            Standing::of(NOW + 10, Some(NOW + 5), NOW),
            Standing::InForce
        );
        assert_eq!(Standing::of(NOW + 10, Some(NOW), NOW), Standing::Rejected);
        assert_eq!(
            Standing::of(NOW - 10, Some(NOW - 20), NOW),
            Standing::Rejected
        );
    }

    #[test]
    fn tally_sets_explained_findings_apart() {
        let a = key("a.example", "web-https");
        let b = key("b.example", "web-https");
        let c = key("c.example", "web-https");
        let d = key("a.example", "web-hsts");
        let e = key("b.example", "web-hsts");
        let findings = vec![
            (&a, Status::Fail),
            (&b, Status::Fail),
            (&c, Status::Pass),
            (&d, Status::Warning),
            (&e, Status::Error),
        ];
        // c is explained but passes: nothing changes for it.
        let explained: HashSet<FindingKey> = [a.clone(), c.clone(), d.clone()].into();
        let t = tally(findings, &explained);
        let https = t["web-https"];
        assert_eq!((https.pass, https.fail, https.explained_fail), (1, 1, 1));
        assert_eq!(https.fail_without_explanations(), 2);
        assert_eq!(https.fail_with_explanations(), 1);
        let hsts = t["web-hsts"];
        assert_eq!(
            (hsts.explained_warning, hsts.warning, hsts.other),
            (1, 0, 1)
        );
        assert_eq!(hsts.warning_without_explanations(), 1);
        assert_eq!(hsts.total(), 2);
    }

    proptest! {
        #[test]
        fn expiry_accepts_exactly_the_window(until in any::<i64>(), now in -(1i64 << 40)..(1i64 << 40)) {
            let ok = Expiry::new(until, now).is_ok();
            prop_assert_eq!(ok, until > now && until - now <= MAX_AHEAD_SECS);
        }

        #[test]
        fn dates_never_panic(text in "\\PC{0,40}", now in any::<i64>()) {
            if let Ok(e) = Expiry::from_date(&text, now) {
                prop_assert!(e.at() > now);
            }
        }

        #[test]
        fn text_accepted_is_bounded(text in "\\PC{0,2100}") {
            match Text::parse(&text) {
                Ok(t) => {
                    prop_assert!(!t.as_str().is_empty());
                    prop_assert!(t.as_str().chars().count() <= MAX_TEXT_CHARS);
                }
                Err(m) => prop_assert!(m.id.starts_with("monitor-explain-text-")),
            }
        }

        #[test]
        fn explanations_never_change_totals(statuses in proptest::collection::vec(0usize..7, 0..40), mask in any::<u64>()) {
            let keys: Vec<FindingKey> = (0..statuses.len()).map(|i| key(&format!("d{i}.example"), "c")).collect();
            let findings: Vec<(&FindingKey, Status)> = keys.iter().zip(&statuses).map(|(k, s)| (k, Status::ALL[*s])).collect();
            let explained: HashSet<FindingKey> = keys.iter().enumerate().filter(|(i, _)| mask >> (i % 64) & 1 == 1).map(|(_, k)| k.clone()).collect();
            let with = tally(findings.clone(), &explained);
            let without = tally(findings, &HashSet::new());
            if let (Some(w), Some(o)) = (with.get("c"), without.get("c")) {
                prop_assert_eq!(w.total(), o.total());
                prop_assert_eq!(w.fail_without_explanations(), o.fail);
                prop_assert!(w.fail_with_explanations() <= o.fail);
            }
        }
    }
}
