//! Domain names as users type them and as the DNS carries them.
//!
//! A [`DomainName`] is always in its ASCII (A-label) form, lower case, without
//! the trailing dot, and within the limits of RFC 1035 §2.3.4: so any code that
//! holds one can put it on the wire without checking again. Unicode input is
//! converted with UTS #46 (IDNA 2008 with transitional processing off), the same
//! mapping browsers use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Longest name in presentation form without the trailing dot (RFC 1035: 255
/// octets on the wire, which is 253 characters of text).
pub const MAX_NAME_LEN: usize = 253;
/// Longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// Why a piece of text is not a domain name we can test.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing was given.
    #[error("the domain name is empty: give a name such as example.org")]
    Empty,
    /// Longer than the DNS allows.
    #[error("the domain name is {0} characters long; the DNS allows at most 253")]
    TooLong(usize),
    /// One label is longer than 63 characters.
    #[error("the label \"{0}…\" is longer than the 63 characters the DNS allows")]
    LabelTooLong(String),
    /// Two dots in a row, or a leading dot.
    #[error("the domain name has an empty label (two dots in a row, or a leading dot)")]
    EmptyLabel,
    /// A character that has no place in a host name.
    #[error("the domain name contains {0:?}, which is not allowed in a host name")]
    BadCharacter(char),
    /// A label begins or ends with a hyphen.
    #[error("the label \"{0}\" begins or ends with a hyphen")]
    Hyphen(String),
    /// The Unicode form could not be converted to an A-label.
    #[error("the internationalised name could not be converted (IDNA): {0}")]
    Idna(String),
    /// A URL or e-mail address instead of a name.
    #[error(
        "give only the domain name, without scheme, path, port or user (for example example.org)"
    )]
    NotAName,
    /// A bare IP address.
    #[error("an IP address is not a domain name: give the name of the website or mail domain")]
    IpAddress,
}

impl crate::message::ToMessage for NameError {
    fn to_message(&self) -> crate::message::Message {
        use crate::msg;
        match self {
            NameError::Empty => msg!("name-error-empty"),
            NameError::TooLong(n) => msg!("name-error-too-long", length = *n, max = MAX_NAME_LEN),
            NameError::LabelTooLong(label) => msg!(
                "name-error-label-too-long",
                label = label.as_str(),
                max = MAX_LABEL_LEN
            ),
            NameError::EmptyLabel => msg!("name-error-empty-label"),
            NameError::BadCharacter(c) => {
                msg!("name-error-bad-character", character = format!("{c:?}"))
            }
            NameError::Hyphen(label) => msg!("name-error-hyphen", label = label.as_str()),
            NameError::Idna(detail) => msg!("name-error-idna", detail = detail.as_str()),
            NameError::NotAName => msg!("name-error-not-a-name"),
            NameError::IpAddress => msg!("name-error-ip-address"),
        }
    }
}

/// A syntactically valid domain name in lower-case A-label form, without the
/// trailing dot. The root is not a valid `DomainName`: nothing tests the root.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

impl DomainName {
    /// Parses what a user typed: trims surrounding space and one trailing dot,
    /// converts Unicode to A-labels, and checks every limit.
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let trimmed = input.trim();
        let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Err(NameError::Empty);
        }
        // Refuse before IDNA so hostile megabyte inputs cost nothing.
        if trimmed.len() > MAX_NAME_LEN * 4 {
            return Err(NameError::TooLong(trimmed.chars().count()));
        }
        if trimmed.contains("://") || trimmed.contains('/') || trimmed.contains('@') {
            return Err(NameError::NotAName);
        }
        if trimmed.parse::<std::net::IpAddr>().is_ok() {
            return Err(NameError::IpAddress);
        }
        let ascii = if trimmed.is_ascii() {
            trimmed.to_ascii_lowercase()
        } else {
            idna::domain_to_ascii(trimmed).map_err(|e| NameError::Idna(e.to_string()))?
        };
        Self::check_ascii(&ascii)?;
        Ok(DomainName(ascii))
    }

    fn check_ascii(name: &str) -> Result<(), NameError> {
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong(name.len()));
        }
        for label in name.split('.') {
            if label.is_empty() {
                return Err(NameError::EmptyLabel);
            }
            if label.len() > MAX_LABEL_LEN {
                return Err(NameError::LabelTooLong(label.chars().take(20).collect()));
            }
            // Underscore is allowed: service labels (_dmarc, _443._tcp) are names we query.
            if let Some(c) = label
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            {
                return Err(NameError::BadCharacter(c));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(NameError::Hyphen(label.to_string()));
            }
        }
        Ok(())
    }

    /// The name as text, without the trailing dot.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name in DNS presentation form with the trailing dot.
    pub fn to_fqdn(&self) -> String {
        format!("{}.", self.0)
    }

    /// The labels from the leftmost to the top-level domain.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    /// The name one label up, or `None` for a top-level domain.
    pub fn parent(&self) -> Option<DomainName> {
        self.0
            .split_once('.')
            .map(|(_, rest)| DomainName(rest.to_string()))
    }

    /// A name below this one: `prefix` is prepended as one or more labels.
    pub fn child(&self, prefix: &str) -> Result<DomainName, NameError> {
        DomainName::parse(&format!("{prefix}.{}", self.0))
    }

    /// The Unicode form for display, where the name has A-labels.
    pub fn to_unicode(&self) -> String {
        let (unicode, result) = idna::domain_to_unicode(&self.0);
        if result.is_ok() {
            unicode
        } else {
            self.0.clone()
        }
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for DomainName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DomainName::parse(s)
    }
}

impl TryFrom<String> for DomainName {
    type Error = NameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DomainName::parse(&value)
    }
}

impl From<DomainName> for String {
    fn from(value: DomainName) -> Self {
        value.0
    }
}

impl schemars::JsonSchema for DomainName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DomainName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "maxLength": MAX_NAME_LEN,
            "description": "A domain name in lower-case A-label form without the trailing dot."
        })
    }
}

/// A name the IETF reserved for a special use, which a public scanner
/// must not test (RFC 6761 and the registry it created).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecialUse {
    /// `localhost` and names under it: always the machine itself, whatever
    /// the DNS says (RFC 6761 §6.3).
    Localhost,
    /// `.local`: multicast DNS on the local link (RFC 6762).
    Local,
    /// `.invalid`: guaranteed not to exist (RFC 6761 §6.4).
    Invalid,
    /// `.test`: for testing (RFC 6761 §6.2).
    Test,
    /// `.example` and `example.com/net/org`: for documentation (RFC 6761 §6.5).
    Example,
    /// `home.arpa`: home networks (RFC 8375).
    HomeArpa,
    /// `.alt`: names outside the DNS (RFC 9476).
    Alt,
    /// `.onion`: Tor onion services, never resolved by DNS (RFC 7686).
    Onion,
    /// `.internal`: private use (ICANN's reservation for private networks).
    Internal,
}

impl SpecialUse {
    /// The special-use kind of `name`, if it has one.
    pub fn of(name: &DomainName) -> Option<SpecialUse> {
        let n = name.as_str();
        let under = |suffix: &str| n == suffix || n.ends_with(&format!(".{suffix}"));
        Some(if under("localhost") {
            SpecialUse::Localhost
        } else if under("local") {
            SpecialUse::Local
        } else if under("invalid") {
            SpecialUse::Invalid
        } else if under("test") {
            SpecialUse::Test
        } else if under("example")
            || under("example.com")
            || under("example.net")
            || under("example.org")
        {
            SpecialUse::Example
        } else if under("home.arpa") {
            SpecialUse::HomeArpa
        } else if under("alt") {
            SpecialUse::Alt
        } else if under("onion") {
            SpecialUse::Onion
        } else if under("internal") {
            SpecialUse::Internal
        } else {
            return None;
        })
    }

    /// The document that reserves it.
    pub fn reserved_by(self) -> &'static str {
        match self {
            SpecialUse::Localhost => "RFC 6761 §6.3",
            SpecialUse::Local => "RFC 6762",
            SpecialUse::Invalid => "RFC 6761 §6.4",
            SpecialUse::Test => "RFC 6761 §6.2",
            SpecialUse::Example => "RFC 6761 §6.5",
            SpecialUse::HomeArpa => "RFC 8375",
            SpecialUse::Alt => "RFC 9476",
            SpecialUse::Onion => "RFC 7686",
            SpecialUse::Internal => "ICANN Board resolution 2024.07.29.06",
        }
    }

    /// The message id that explains it (`special-use-localhost`).
    pub fn message_id(self) -> &'static str {
        match self {
            SpecialUse::Localhost => "special-use-localhost",
            SpecialUse::Local => "special-use-local",
            SpecialUse::Invalid => "special-use-invalid",
            SpecialUse::Test => "special-use-test",
            SpecialUse::Example => "special-use-example",
            SpecialUse::HomeArpa => "special-use-home-arpa",
            SpecialUse::Alt => "special-use-alt",
            SpecialUse::Onion => "special-use-onion",
            SpecialUse::Internal => "special-use-internal",
        }
    }

    /// Whether a test network (`--allow-private-targets`) may test it:
    /// only the names reserved for testing and documentation, which test
    /// networks are built from. The others mean something outside the
    /// public DNS on every network.
    pub fn allowed_on_test_networks(self) -> bool {
        matches!(self, SpecialUse::Test | SpecialUse::Example)
    }

    /// Every kind.
    pub const ALL: [SpecialUse; 9] = [
        SpecialUse::Localhost,
        SpecialUse::Local,
        SpecialUse::Invalid,
        SpecialUse::Test,
        SpecialUse::Example,
        SpecialUse::HomeArpa,
        SpecialUse::Alt,
        SpecialUse::Onion,
        SpecialUse::Internal,
    ];
}

/// Why a name may not be tested here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A special-use name.
    SpecialUse(SpecialUse),
}

impl crate::message::ToMessage for Refusal {
    fn to_message(&self) -> crate::message::Message {
        match self {
            Refusal::SpecialUse(kind) => crate::msg!(
                "name-special-use",
                rfc = kind.reserved_by(),
                why = crate::message::Message::new(kind.message_id())
            ),
        }
    }
}

/// Whether `name` may be tested: special-use names are refused, except the
/// testing and documentation names where private targets are allowed.
pub fn testable(name: &DomainName, allow_private: bool) -> Result<(), Refusal> {
    match SpecialUse::of(name) {
        Some(kind) if !(allow_private && kind.allowed_on_test_networks()) => {
            Err(Refusal::SpecialUse(kind))
        }
        _ => Ok(()),
    }
}

/// What people type or paste, made into the name to test: a URL keeps its
/// host, a mail address its domain (for `mail`), a port is dropped, then
/// [`DomainName::parse`] (UTS 46 mapping: full-width letters and dots
/// mapped, Unicode to A-labels). Works on characters, never byte offsets,
/// so any Unicode is safe.
pub fn from_user_input(input: &str, mail: bool) -> Result<DomainName, NameError> {
    let mut s = input.trim();
    for scheme in ["https://", "http://"] {
        if let Some(prefix) = s.get(..scheme.len())
            && prefix.eq_ignore_ascii_case(scheme)
        {
            s = &s[scheme.len()..];
        }
    }
    let s = s.split(['/', '?', '#']).next().unwrap_or("");
    let s = if mail {
        s.rsplit('@').next().unwrap_or(s)
    } else {
        s
    };
    // A port is not part of the name.
    let s = match s.rsplit_once(':') {
        Some((host, port))
            if !port.is_empty()
                && port.chars().all(|c| c.is_ascii_digit())
                && !host.contains(':') =>
        {
            host
        }
        _ => s,
    };
    DomainName::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_names_and_normalises() {
        let n = DomainName::parse(" WWW.Example.ORG. ").unwrap();
        assert_eq!(n.as_str(), "www.example.org");
        assert_eq!(n.to_fqdn(), "www.example.org.");
        assert_eq!(n.parent().unwrap().as_str(), "example.org");
        assert_eq!(DomainName::parse("org").unwrap().parent(), None);
    }

    #[test]
    fn converts_unicode_to_a_labels() {
        let n = DomainName::parse("bücher.example").unwrap();
        assert_eq!(n.as_str(), "xn--bcher-kva.example");
        assert_eq!(n.to_unicode(), "bücher.example");
        let p = DomainName::parse("xn--bcher-kva.example").unwrap();
        assert_eq!(p, n);
    }

    #[test]
    fn refuses_what_is_not_a_name() {
        assert_eq!(DomainName::parse(""), Err(NameError::Empty));
        assert_eq!(DomainName::parse("."), Err(NameError::Empty));
        assert_eq!(DomainName::parse("a..b"), Err(NameError::EmptyLabel));
        assert_eq!(
            DomainName::parse("https://example.org/"),
            Err(NameError::NotAName)
        );
        assert_eq!(DomainName::parse("192.0.2.1"), Err(NameError::IpAddress));
        assert_eq!(DomainName::parse("::1"), Err(NameError::IpAddress));
        assert_eq!(
            DomainName::parse("example.org:8080"),
            Err(NameError::BadCharacter(':'))
        );
        assert!(matches!(
            DomainName::parse("a b.org"),
            Err(NameError::BadCharacter(' '))
        ));
        assert!(matches!(
            DomainName::parse("-a.org"),
            Err(NameError::Hyphen(_))
        ));
        let long_label = "a".repeat(64);
        assert!(matches!(
            DomainName::parse(&format!("{long_label}.org")),
            Err(NameError::LabelTooLong(_))
        ));
        let three_hundred = format!("{}.org", "abcdefghi.".repeat(30));
        assert!(matches!(
            DomainName::parse(&three_hundred),
            Err(NameError::TooLong(_))
        ));
        assert!(matches!(
            DomainName::parse(&"x".repeat(10_000_000)),
            Err(NameError::TooLong(_))
        ));
        assert!(DomainName::parse("<script>.org").is_err());
        assert!(DomainName::parse("'; DROP TABLE x;--.org").is_err());
    }

    #[test]
    fn serde_round_trip_validates() {
        let n: DomainName = serde_json::from_str("\"Example.ORG\"").unwrap();
        assert_eq!(n.as_str(), "example.org");
        assert!(serde_json::from_str::<DomainName>("\"a..b\"").is_err());
    }

    #[test]
    fn pasted_urls_and_addresses_become_domains() {
        let web = |s| from_user_input(s, false).map(|n| n.as_str().to_string());
        assert_eq!(
            web(" https://Example.NL/path?q=1 "),
            Ok("example.nl".into())
        );
        assert_eq!(web("example.nl:8443"), Ok("example.nl".into()));
        assert_eq!(
            from_user_input("someone@example.nl", true).map(|n| n.as_str().to_string()),
            Ok("example.nl".into())
        );
        assert_eq!(web(""), Err(NameError::Empty));
        // Characters, not bytes: these panicked in the form's old extraction.
        assert_eq!(web("пример.рф"), Ok("xn--e1afmkfd.xn--p1ai".into()));
        assert_eq!(web("日本語.jp"), Ok("xn--wgv71a119e.jp".into()));
        assert_eq!(web("ＦＵＬＬ.test"), Ok("full.test".into()));
        assert_eq!(web("ｅｘａｍｐｌｅ．ｃｏｍ"), Ok("example.com".into()));
        assert_eq!(
            web("https://пример.рф/путь"),
            Ok("xn--e1afmkfd.xn--p1ai".into())
        );
        assert_eq!(web("http"), Ok("http".into()));
    }

    #[test]
    fn special_use_names_are_refused_with_their_rfc() {
        for (name, kind) in [
            ("localhost", SpecialUse::Localhost),
            ("a.localhost", SpecialUse::Localhost),
            ("printer.local", SpecialUse::Local),
            ("x.invalid", SpecialUse::Invalid),
            ("signed.test", SpecialUse::Test),
            ("example", SpecialUse::Example),
            ("www.example.com", SpecialUse::Example),
            ("router.home.arpa", SpecialUse::HomeArpa),
            ("x.alt", SpecialUse::Alt),
            (
                "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
                SpecialUse::Onion,
            ),
            ("db.internal", SpecialUse::Internal),
        ] {
            let n = DomainName::parse(name).unwrap();
            assert_eq!(SpecialUse::of(&n), Some(kind), "{name}");
            assert_eq!(
                testable(&n, false),
                Err(Refusal::SpecialUse(kind)),
                "{name}"
            );
            assert_eq!(
                testable(&n, true).is_ok(),
                matches!(kind, SpecialUse::Test | SpecialUse::Example),
                "{name}"
            );
        }
        for name in [
            "example.org.za",
            "localhost-tools.com",
            "testing.org",
            "notlocal.nl",
        ] {
            let n = DomainName::parse(name).unwrap();
            assert_eq!(SpecialUse::of(&n), None, "{name}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100_000))]
        #[test]
        fn user_input_never_panics(s in "\\PC{0,80}", mail in proptest::bool::ANY) {
            if let Ok(n) = from_user_input(&s, mail) {
                prop_assert!(n.as_str().is_ascii());
                prop_assert_eq!(DomainName::parse(n.as_str()), Ok(n.clone()));
                let _ = testable(&n, false);
            }
        }

        #[test]
        fn parse_never_panics_and_output_is_valid(s in "\\PC{0,300}") {
            if let Ok(n) = DomainName::parse(&s) {
                prop_assert!(n.as_str().len() <= MAX_NAME_LEN);
                prop_assert!(n.labels().all(|l| !l.is_empty() && l.len() <= MAX_LABEL_LEN));
                prop_assert_eq!(DomainName::parse(n.as_str()), Ok(n.clone()));
            }
        }
    }
}
