//! The Traffic Light Protocol 2.0 (FIRST, August 2022) on every object of the
//! desk: who may see it, who may receive it by mail, who may export it, and
//! the rule that anything made from labelled objects carries the most
//! restrictive of their labels.
//!
//! TLP speaks of recipients and their organisations; the platform's people are
//! the desk (analysts, admins), members of organisations, and the reporter.
//! The mapping:
//!
//! | label | on the platform | by mail |
//! |---|---|---|
//! | CLEAR | anyone, the public too | anyone |
//! | GREEN | every signed-in person (the community) | partner CERTs, police, the concerned organisation, abuse contacts |
//! | AMBER | the desk; members of the organisation concerned | the concerned organisation, abuse contacts of the resource |
//! | AMBER+STRICT | the desk; members of the organisation concerned, who may not export it | the concerned organisation only |
//! | RED | the desk only; every read audited | nobody outside the desk but the reporter it came from |
//!
//! The reporter always sees what they reported and what the desk wrote to
//! them: they are its source, whatever label the desk put on it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A TLP 2.0 label, ordered from least to most restrictive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub enum Tlp {
    /// TLP:CLEAR — no limit on disclosure.
    #[serde(rename = "CLEAR")]
    Clear,
    /// TLP:GREEN — the community.
    #[serde(rename = "GREEN")]
    Green,
    /// TLP:AMBER — the recipient's organisation and its clients.
    #[serde(rename = "AMBER")]
    #[default]
    Amber,
    /// TLP:AMBER+STRICT — the recipient's organisation only.
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    /// TLP:RED — the named recipients only.
    #[serde(rename = "RED")]
    Red,
}

impl Tlp {
    /// Every label, least restrictive first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The word stored and shown after `TLP:` (`AMBER+STRICT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "CLEAR",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Red => "RED",
        }
    }

    /// The label as FIRST writes it in subjects and bodies: `TLP:AMBER+STRICT`.
    pub fn label(self) -> String {
        format!("TLP:{}", self.as_str())
    }

    /// A CSS-safe lower-case word (`amber-strict`).
    pub fn css(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber-strict",
            Tlp::Red => "red",
        }
    }

    /// The more restrictive of two labels.
    pub fn and(self, other: Tlp) -> Tlp {
        self.max(other)
    }

    /// The label of anything derived from objects with `labels`: the most
    /// restrictive of them (CLEAR when there are none).
    pub fn derived(labels: impl IntoIterator<Item = Tlp>) -> Tlp {
        labels.into_iter().fold(Tlp::Clear, Tlp::and)
    }

    /// Whether `viewer` may read an object with this label that concerns
    /// organisation `concerns` (the constituent it is about, if any). The
    /// reporter's own case is checked by the caller (their private link).
    pub fn may_see(self, viewer: &Viewer, concerns: Option<&str>) -> bool {
        match viewer {
            Viewer::Desk => true,
            Viewer::Reporter => true,
            Viewer::Member { organisation } => match self {
                Tlp::Clear | Tlp::Green => true,
                Tlp::Amber | Tlp::AmberStrict => {
                    organisation.is_some() && organisation.as_deref() == concerns
                }
                Tlp::Red => false,
            },
            Viewer::Public => self == Tlp::Clear,
        }
    }

    /// Whether `viewer` may export (STIX, MISP, CSV) an object with this label:
    /// seeing it is needed, and AMBER+STRICT and RED never leave the desk by export.
    pub fn may_export(self, viewer: &Viewer, concerns: Option<&str>) -> bool {
        match viewer {
            Viewer::Desk => true,
            Viewer::Reporter => false,
            Viewer::Member { .. } | Viewer::Public => {
                self <= Tlp::Amber && self.may_see(viewer, concerns)
            }
        }
    }

    /// Whether an object with this label may be mailed to `audience`.
    pub fn may_mail(self, audience: Audience) -> bool {
        let widest = match self {
            Tlp::Clear => Audience::Public,
            Tlp::Green => Audience::Community,
            Tlp::Amber => Audience::AbuseContact,
            Tlp::AmberStrict => Audience::Constituent,
            Tlp::Red => Audience::Reporter,
        };
        audience <= widest
    }

    /// The one-line notice the body of a mail starts and ends with (ASCII,
    /// so mail keeps it readable in any transfer encoding).
    pub fn mail_notice(self) -> String {
        format!(
            "{} (FIRST TLP 2.0, https://www.first.org/tlp/)",
            self.label()
        )
    }

    /// `subject` with the label in front, once.
    pub fn subject(self, subject: &str) -> String {
        let label = self.label();
        if subject.starts_with(&label) {
            subject.to_string()
        } else {
            format!("[{label}] {subject}")
        }
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Text that names no TLP label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)")]
pub struct TlpError(String);

impl FromStr for Tlp {
    type Err = TlpError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t
            .strip_prefix("TLP:")
            .or_else(|| t.strip_prefix("tlp:"))
            .unwrap_or(t);
        match t
            .to_ascii_uppercase()
            .replace(['_', '-', ' '], "+")
            .as_str()
        {
            "CLEAR" | "WHITE" => Ok(Tlp::Clear),
            "GREEN" => Ok(Tlp::Green),
            "AMBER" => Ok(Tlp::Amber),
            "AMBER+STRICT" => Ok(Tlp::AmberStrict),
            "RED" => Ok(Tlp::Red),
            _ => Err(TlpError(s.chars().take(40).collect())),
        }
    }
}

/// Who is looking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// An analyst or admin of the desk.
    Desk,
    /// A signed-in member, of an organisation or none.
    Member {
        /// Their organisation's id.
        organisation: Option<String>,
    },
    /// The person who reported, through their private link.
    Reporter,
    /// Anyone else.
    Public,
}

/// Who a mail goes to, from the narrowest to the widest circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Analysts of the desk.
    Desk,
    /// The person who reported (the source of what they reported).
    Reporter,
    /// The member organisation the case concerns.
    Constituent,
    /// The abuse contact of the network or domain concerned.
    AbuseContact,
    /// Partner CERTs and police: the community.
    Community,
    /// Anyone.
    Public,
}

impl Audience {
    /// Every audience, narrowest first.
    pub const ALL: [Audience; 6] = [
        Audience::Desk,
        Audience::Reporter,
        Audience::Constituent,
        Audience::AbuseContact,
        Audience::Community,
        Audience::Public,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_restrictive_wins() {
        assert_eq!(Tlp::derived([Tlp::Green, Tlp::Red, Tlp::Amber]), Tlp::Red);
        assert_eq!(
            Tlp::derived([Tlp::Amber, Tlp::AmberStrict]),
            Tlp::AmberStrict
        );
        assert_eq!(Tlp::derived([]), Tlp::Clear);
    }

    #[test]
    fn labels_parse_and_print() {
        for t in Tlp::ALL {
            assert_eq!(t.label().parse::<Tlp>().unwrap(), t);
            assert_eq!(t.as_str().parse::<Tlp>().unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<Tlp>(&json).unwrap(), t);
        }
        assert_eq!("amber_strict".parse::<Tlp>().unwrap(), Tlp::AmberStrict);
        assert_eq!("white".parse::<Tlp>().unwrap(), Tlp::Clear);
        assert!("purple".parse::<Tlp>().is_err());
        assert_eq!(Tlp::Amber.subject("Case IND-1"), "[TLP:AMBER] Case IND-1");
        assert_eq!(
            Tlp::Amber.subject("TLP:AMBER Case IND-1"),
            "TLP:AMBER Case IND-1"
        );
    }

    /// The whole table of the module documentation, label by viewer.
    #[test]
    fn visibility_by_label_and_viewer() {
        let own = Viewer::Member {
            organisation: Some("org-a".into()),
        };
        let other = Viewer::Member {
            organisation: Some("org-b".into()),
        };
        let none = Viewer::Member { organisation: None };
        let concerns = Some("org-a");
        let table = [
            // label, desk, reporter, own member, other member, orgless member, public
            (Tlp::Clear, [true, true, true, true, true, true]),
            (Tlp::Green, [true, true, true, true, true, false]),
            (Tlp::Amber, [true, true, true, false, false, false]),
            (Tlp::AmberStrict, [true, true, true, false, false, false]),
            (Tlp::Red, [true, true, false, false, false, false]),
        ];
        for (tlp, expected) in table {
            let viewers = [
                Viewer::Desk,
                Viewer::Reporter,
                own.clone(),
                other.clone(),
                none.clone(),
                Viewer::Public,
            ];
            for (viewer, want) in viewers.iter().zip(expected) {
                assert_eq!(tlp.may_see(viewer, concerns), want, "{tlp} {viewer:?}");
            }
        }
        // A case that concerns no organisation: AMBER is the desk's alone.
        assert!(!Tlp::Amber.may_see(&none, None));
    }

    #[test]
    fn export_rules() {
        let own = Viewer::Member {
            organisation: Some("org-a".into()),
        };
        assert!(Tlp::Amber.may_export(&own, Some("org-a")));
        assert!(!Tlp::AmberStrict.may_export(&own, Some("org-a")));
        assert!(!Tlp::Red.may_export(&own, Some("org-a")));
        assert!(Tlp::Red.may_export(&Viewer::Desk, None));
        assert!(Tlp::Clear.may_export(&Viewer::Public, None));
        assert!(!Tlp::Green.may_export(&Viewer::Public, None));
        assert!(!Tlp::Clear.may_export(&Viewer::Reporter, None));
    }

    #[test]
    fn mail_rules() {
        use Audience::*;
        let allowed = |t: Tlp| -> Vec<Audience> {
            Audience::ALL
                .into_iter()
                .filter(|a| t.may_mail(*a))
                .collect()
        };
        assert_eq!(allowed(Tlp::Red), vec![Desk, Reporter]);
        assert_eq!(allowed(Tlp::AmberStrict), vec![Desk, Reporter, Constituent]);
        assert_eq!(
            allowed(Tlp::Amber),
            vec![Desk, Reporter, Constituent, AbuseContact]
        );
        assert_eq!(
            allowed(Tlp::Green),
            vec![Desk, Reporter, Constituent, AbuseContact, Community]
        );
        assert_eq!(allowed(Tlp::Clear), Audience::ALL.to_vec());
    }
}
