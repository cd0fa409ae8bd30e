//! Reference numbers people can read out on the phone (`IND-2026-000042`),
//! and the case tag that brings replies back to the right case: in the
//! intake address (`desk+ind-2026-000042@…`) or in the subject
//! (`[IND-2026-000042]`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A case's reference: the year it was opened and its number in that year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// The year.
    pub year: u16,
    /// The number within the year, from 1.
    pub number: u32,
}

/// Text that is not a reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a case reference such as IND-2026-000042")]
pub struct BadReference(String);

impl Reference {
    /// The prefix of every reference.
    pub const PREFIX: &'static str = "IND";

    /// The tag for the local part of an address (lower case: some mail
    /// systems fold it).
    pub fn address_tag(&self) -> String {
        self.to_string().to_ascii_lowercase()
    }

    /// The first reference found in `text` (a subject, an address), if any.
    pub fn find_in(text: &str) -> Option<Reference> {
        let upper = text.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        let mut from = 0;
        while let Some(pos) = upper[from..].find("IND-") {
            let start = from + pos;
            // Needs a boundary before it (not "FIND-2026-…").
            let bounded = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            let end = upper[start..]
                .char_indices()
                .skip(4)
                .find(|(_, c)| !(c.is_ascii_digit() || *c == '-'))
                .map(|(i, _)| start + i)
                .unwrap_or(upper.len());
            if bounded && let Ok(r) = upper[start..end].trim_end_matches('-').parse() {
                return Some(r);
            }
            from = start + 4;
        }
        None
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}-{:06}", Self::PREFIX, self.year, self.number)
    }
}

impl FromStr for Reference {
    type Err = BadReference;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadReference(s.chars().take(40).collect());
        let t = s.trim().to_ascii_uppercase();
        let rest = t.strip_prefix("IND-").ok_or_else(bad)?;
        let (year, number) = rest.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || number.is_empty() || number.len() > 9 {
            return Err(bad());
        }
        if !year
            .bytes()
            .chain(number.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: u16 = year.parse().map_err(|_| bad())?;
        let number: u32 = number.parse().map_err(|_| bad())?;
        if number == 0 {
            return Err(bad());
        }
        Ok(Reference { year, number })
    }
}

impl Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_and_parses() {
        let r = Reference {
            year: 2026,
            number: 42,
        };
        assert_eq!(r.to_string(), "IND-2026-000042");
        assert_eq!("ind-2026-000042".parse::<Reference>().unwrap(), r);
        assert_eq!(r.address_tag(), "ind-2026-000042");
        assert!("IND-26-1".parse::<Reference>().is_err());
        assert!("IND-2026-0".parse::<Reference>().is_err());
        assert!("IND-2026-".parse::<Reference>().is_err());
    }

    #[test]
    fn found_in_subjects_and_addresses() {
        let r = Reference {
            year: 2026,
            number: 7,
        };
        assert_eq!(
            Reference::find_in("Re: [TLP:AMBER] [IND-2026-000007] Abuse report"),
            Some(r)
        );
        assert_eq!(
            Reference::find_in("desk-18080+ind-2026-000007@intake.test"),
            Some(r)
        );
        assert_eq!(Reference::find_in("FIND-2026-000007"), None);
        assert_eq!(Reference::find_in("no tag here"), None);
        assert_eq!(Reference::find_in("IND-IND-2026-000007"), Some(r));
    }

    proptest! {
        #[test]
        fn find_in_never_panics(text in ".{0,200}") {
            let _ = Reference::find_in(&text);
        }

        #[test]
        fn round_trip(year in 1000u16..9999, number in 1u32..999_999) {
            let r = Reference { year, number };
            prop_assert_eq!(r.to_string().parse::<Reference>().unwrap(), r);
            prop_assert_eq!(Reference::find_in(&format!("Re: [{r}] x")), Some(r));
        }
    }
}
