//! How incidents are classified: the ENISA Reference Security Incident
//! Taxonomy (RSIT, as IntelMQ's `classification.taxonomy`/`.type` use it),
//! plus two classes of the desk's own that the anchors ask for:
//! `cybercrime-victim` (what happened to a person: identity theft, online
//! fraud, sextortion, account takeover, ransomware at home or in a small
//! business) and `bgp-hijack`.
//!
//! A classification is a class and a type of that class; text of the form
//! `class/type` parses into one, and nothing else does.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The classes (RSIT's "taxonomy" column) and their types.
pub const TAXONOMY: &[(&str, &[&str])] = &[
    ("abusive-content", &["spam", "harmful-speech", "violence"]),
    (
        "malicious-code",
        &[
            "infected-system",
            "c2-server",
            "malware-distribution",
            "malware-configuration",
        ],
    ),
    (
        "information-gathering",
        &["scanner", "sniffing", "social-engineering"],
    ),
    (
        "intrusion-attempts",
        &["ids-alert", "brute-force", "exploit"],
    ),
    (
        "intrusions",
        &[
            "privileged-account-compromise",
            "unprivileged-account-compromise",
            "application-compromise",
            "system-compromise",
            "burglary",
        ],
    ),
    ("availability", &["ddos", "dos", "outage", "sabotage"]),
    (
        "information-content-security",
        &[
            "unauthorised-information-access",
            "unauthorised-information-modification",
            "data-loss",
            "data-leak",
        ],
    ),
    (
        "fraud",
        &[
            "unauthorised-use-of-resources",
            "copyright",
            "masquerade",
            "phishing",
        ],
    ),
    (
        "vulnerable",
        &[
            "weak-crypto",
            "ddos-amplifier",
            "potentially-unwanted-accessible",
            "information-disclosure",
            "vulnerable-system",
        ],
    ),
    ("other", &["other", "undetermined"]),
    ("test", &["test"]),
    (
        "cybercrime-victim",
        &[
            "identity-theft",
            "online-fraud",
            "sextortion",
            "account-takeover",
            "ransomware-home",
            "ransomware-small-business",
        ],
    ),
    ("bgp-hijack", &["origin-hijack", "route-leak"]),
];

/// A class and one of its types, e.g. `cybercrime-victim/identity-theft`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Classification {
    class: &'static str,
    kind: &'static str,
}

/// Text that names no classification of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a class/type of the taxonomy (e.g. fraud/phishing)")]
pub struct UnknownClassification(pub String);

impl Classification {
    /// `class/type`, if the taxonomy has it.
    pub fn new(class: &str, kind: &str) -> Result<Classification, UnknownClassification> {
        TAXONOMY
            .iter()
            .find(|(c, _)| *c == class)
            .and_then(|(c, kinds)| kinds.iter().find(|k| **k == kind).map(|k| (c, k)))
            .map(|(c, k)| Classification { class: c, kind: k })
            .ok_or_else(|| UnknownClassification(format!("{class}/{kind}")))
    }

    /// `other/undetermined`: what a report is until someone looks at it.
    pub fn undetermined() -> Classification {
        Classification {
            class: "other",
            kind: "undetermined",
        }
    }

    /// The class (RSIT's taxonomy).
    pub fn class(&self) -> &'static str {
        self.class
    }

    /// The type.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Whether a person, not a machine, is the one harmed (victims' data is
    /// kept under the stricter rules: consent, shorter retention).
    pub fn is_victim(&self) -> bool {
        self.class == "cybercrime-victim"
    }

    /// Every classification, in the taxonomy's order.
    pub fn all() -> impl Iterator<Item = Classification> {
        TAXONOMY.iter().flat_map(|(c, kinds)| {
            kinds
                .iter()
                .map(move |k| Classification { class: c, kind: k })
        })
    }

    /// The Fluent id of its name for people (`desk-class-fraud-phishing`).
    pub fn message_id(&self) -> String {
        format!("desk-class-{}-{}", self.class, self.kind)
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.class, self.kind)
    }
}

impl FromStr for Classification {
    type Err = UnknownClassification;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (c, k) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| UnknownClassification(s.chars().take(80).collect()))?;
        Classification::new(c, k).map_err(|_| UnknownClassification(s.chars().take(80).collect()))
    }
}

impl Serialize for Classification {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Classification {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_and_refuses_unknown() {
        let c: Classification = "cybercrime-victim/identity-theft".parse().unwrap();
        assert!(c.is_victim());
        assert_eq!(c.to_string(), "cybercrime-victim/identity-theft");
        assert!("fraud/identity-theft".parse::<Classification>().is_err());
        assert!("nonsense".parse::<Classification>().is_err());
        assert!("".parse::<Classification>().is_err());
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, "\"cybercrime-victim/identity-theft\"");
    }

    #[test]
    fn every_type_is_unique_within_its_class() {
        let all: Vec<_> = Classification::all().collect();
        let mut names: Vec<String> = all.iter().map(|c| c.to_string()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        assert!(all.len() > 40);
    }
}
