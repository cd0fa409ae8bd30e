//! Lists: named sets of domains (a sector, a country, the members' own), each
//! domain with its owner organisation where known, sector, country and tags,
//! and which test kinds a scan of the list runs.

use std::fmt;
use std::str::FromStr;

use indaba_model::{DomainName, Message, TestKind, msg};
use serde::{Deserialize, Serialize};

/// Longest text field of an entry (organisation, sector), in characters.
pub const MAX_FIELD_CHARS: usize = 200;
/// Most tags on one entry.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// Longest list name, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// Most domains in one list (a country's registry is bigger; a partnership's
/// monitoring list is not).
pub const MAX_LIST_DOMAINS: usize = 1_000_000;

/// Which tests a scan of a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kinds {
    /// Website tests only.
    Web,
    /// Mail-domain tests only.
    Mail,
    /// Both.
    Both,
}

impl Kinds {
    /// The test kinds, in the order a scan enqueues them.
    pub fn kinds(self) -> &'static [TestKind] {
        match self {
            Kinds::Web => &[TestKind::Web],
            Kinds::Mail => &[TestKind::Mail],
            Kinds::Both => &[TestKind::Web, TestKind::Mail],
        }
    }

    /// The stored and spoken form (`web`, `mail`, `web,mail`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kinds::Web => "web",
            Kinds::Mail => "mail",
            Kinds::Both => "web,mail",
        }
    }

    /// Whether `kind` is among them.
    pub fn includes(self, kind: TestKind) -> bool {
        self.kinds().contains(&kind)
    }

    /// The kinds of both `self` and `other` (`None` when they share none).
    pub fn intersect(self, other: Kinds) -> Option<Kinds> {
        let web = self.includes(TestKind::Web) && other.includes(TestKind::Web);
        let mail = self.includes(TestKind::Mail) && other.includes(TestKind::Mail);
        Kinds::from_flags(web, mail)
    }

    fn from_flags(web: bool, mail: bool) -> Option<Kinds> {
        match (web, mail) {
            (true, true) => Some(Kinds::Both),
            (true, false) => Some(Kinds::Web),
            (false, true) => Some(Kinds::Mail),
            (false, false) => None,
        }
    }
}

impl fmt::Display for Kinds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kinds {
    type Err = Message;
    /// `web`, `mail`, `both`, or a comma-separated list of `web` and `mail`.
    fn from_str(s: &str) -> Result<Kinds, Message> {
        let (mut web, mut mail) = (false, false);
        for part in s.split([',', ' ', '+']).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "web" => web = true,
                "mail" => mail = true,
                "both" | "all" => (web, mail) = (true, true),
                _ => return Err(msg!("monitor-kinds-unknown", value = part)),
            }
        }
        Kinds::from_flags(web, mail).ok_or_else(|| msg!("monitor-kinds-unknown", value = s))
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    /// Reads an alpha-2 or alpha-3 code (any case, spaces around ignored).
    pub fn parse(text: &str) -> Result<Country, Message> {
        let t = text.trim().to_ascii_uppercase();
        let code = match t.len() {
            2 => isocountry::CountryCode::for_alpha2(&t).ok(),
            3 => isocountry::CountryCode::for_alpha3(&t).ok(),
            _ => None,
        };
        match code {
            Some(c) => {
                let b = c.alpha2().as_bytes();
                Ok(Country([b[0], b[1]]))
            }
            None => Err(msg!("monitor-import-bad-country", value = text.trim())),
        }
    }

    /// The two letters.
    pub fn as_str(&self) -> &str {
        // Built only from ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One domain of a list with what is known about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// The domain, normalised (A-labels, lower case).
    pub domain: DomainName,
    /// The owner organisation's name, where known.
    pub organisation: Option<String>,
    /// The sector.
    pub sector: Option<String>,
    /// The country.
    pub country: Option<Country>,
    /// Tags, in the order first given, without duplicates (compared without
    /// case).
    pub tags: Vec<String>,
}

/// A field two rows gave different values for; the first is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Which field (`organisation`, `sector`, `country`).
    pub field: &'static str,
    /// The value kept.
    pub kept: String,
    /// The value dropped.
    pub dropped: String,
}

impl ListEntry {
    /// An entry with nothing known but the domain.
    pub fn new(domain: DomainName) -> ListEntry {
        ListEntry {
            domain,
            organisation: None,
            sector: None,
            country: None,
            tags: Vec::new(),
        }
    }

    /// Merges a later entry for the same domain into this one: empty fields
    /// are filled, tags are joined (up to [`MAX_TAGS`]), and values that
    /// differ stay as they were, each said as a [`Conflict`].
    pub fn merge(&mut self, later: ListEntry) -> Vec<Conflict> {
        let mut conflicts = Vec::new();
        merge_field(
            "organisation",
            &mut self.organisation,
            later.organisation,
            &mut conflicts,
        );
        merge_field("sector", &mut self.sector, later.sector, &mut conflicts);
        merge_field("country", &mut self.country, later.country, &mut conflicts);
        for tag in later.tags {
            add_tag(&mut self.tags, tag);
        }
        self.tags.truncate(MAX_TAGS);
        conflicts
    }

    /// The tags as one text, `;`-separated (how files and the store keep them).
    pub fn tags_text(&self) -> String {
        self.tags.join(";")
    }
}

fn merge_field<T: PartialEq + fmt::Display>(
    field: &'static str,
    mine: &mut Option<T>,
    theirs: Option<T>,
    conflicts: &mut Vec<Conflict>,
) {
    match (mine.as_ref(), theirs) {
        (_, None) => {}
        (None, Some(v)) => *mine = Some(v),
        (Some(a), Some(b)) if *a == b => {}
        (Some(a), Some(b)) => conflicts.push(Conflict {
            field,
            kept: a.to_string(),
            dropped: b.to_string(),
        }),
    }
}

fn add_tag(tags: &mut Vec<String>, tag: String) {
    if !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
        tags.push(tag);
    }
}

/// A free-text field (organisation, sector): trimmed, `None` when empty,
/// refused when too long or carrying control characters.
pub fn text_field(column: &str, value: &str) -> Result<Option<String>, Message> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > MAX_FIELD_CHARS {
        return Err(msg!(
            "monitor-import-field-too-long",
            column = column,
            max = MAX_FIELD_CHARS as i64
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(msg!("monitor-import-control-character", column = column));
    }
    Ok(Some(v.to_string()))
}

/// Tags from one cell: separated by `;`, `,` or `|`, trimmed, without
/// duplicates.
pub fn parse_tags(value: &str) -> Result<Vec<String>, Message> {
    let mut tags = Vec::new();
    for tag in value.split([';', ',', '|']).map(str::trim) {
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
            return Err(msg!(
                "monitor-import-bad-tag",
                tag = tag.chars().take(MAX_TAG_CHARS).collect::<String>(),
                max = MAX_TAG_CHARS as i64
            ));
        }
        add_tag(&mut tags, tag.to_string());
    }
    if tags.len() > MAX_TAGS {
        return Err(msg!(
            "monitor-import-too-many-tags",
            count = tags.len() as i64,
            max = MAX_TAGS as i64
        ));
    }
    Ok(tags)
}

/// A list's name: trimmed, not empty, not too long, no control characters.
pub fn list_name(value: &str) -> Result<String, Message> {
    let v = value.trim();
    if v.is_empty() {
        return Err(msg!("monitor-list-name-empty"));
    }
    if v.chars().count() > MAX_NAME_CHARS || v.chars().any(char::is_control) {
        return Err(msg!("monitor-list-name-bad", max = MAX_NAME_CHARS as i64));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(d: &str) -> ListEntry {
        ListEntry::new(DomainName::parse(d).unwrap())
    }

    #[test]
    fn kinds_parse_and_intersect() {
        assert_eq!("web".parse::<Kinds>().unwrap(), Kinds::Web);
        assert_eq!("mail,web".parse::<Kinds>().unwrap(), Kinds::Both);
        assert_eq!("BOTH".parse::<Kinds>().unwrap(), Kinds::Both);
        assert_eq!(
            "ftp".parse::<Kinds>().unwrap_err().id,
            "monitor-kinds-unknown"
        );
        assert!("".parse::<Kinds>().is_err());
        assert_eq!(Kinds::Both.intersect(Kinds::Mail), Some(Kinds::Mail));
        assert_eq!(Kinds::Web.intersect(Kinds::Mail), None);
        assert_eq!(Kinds::Both.as_str().parse::<Kinds>().unwrap(), Kinds::Both);
    }

    #[test]
    fn countries_are_iso_3166_1() {
        assert_eq!(Country::parse("za").unwrap().as_str(), "ZA");
        assert_eq!(Country::parse(" NLD ").unwrap().as_str(), "NL");
        assert!(Country::parse("XX").is_err());
        assert!(Country::parse("South Africa").is_err());
        assert!(Country::parse("").is_err());
    }

    #[test]
    fn merge_fills_gaps_joins_tags_and_says_conflicts() {
        let mut a = entry("a.example");
        a.organisation = Some("Bank A".into());
        a.tags = vec!["bank".into()];
        let mut b = entry("a.example");
        b.organisation = Some("Bank B".into());
        b.sector = Some("finance".into());
        b.tags = vec!["BANK".into(), "critical".into()];
        let conflicts = a.merge(b);
        assert_eq!(a.organisation.as_deref(), Some("Bank A"));
        assert_eq!(a.sector.as_deref(), Some("finance"));
        assert_eq!(a.tags, vec!["bank", "critical"]);
        assert_eq!(
            conflicts,
            vec![Conflict {
                field: "organisation",
                kept: "Bank A".into(),
                dropped: "Bank B".into()
            }]
        );
    }

    #[test]
    fn tags_and_fields_are_bounded() {
        assert_eq!(parse_tags("a; b ,a|c").unwrap(), vec!["a", "b", "c"]);
        let many = (0..30)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(";");
        assert_eq!(
            parse_tags(&many).unwrap_err().id,
            "monitor-import-too-many-tags"
        );
        assert_eq!(
            parse_tags(&"x".repeat(41)).unwrap_err().id,
            "monitor-import-bad-tag"
        );
        assert_eq!(text_field("sector", "  ").unwrap(), None);
        assert_eq!(
            text_field("sector", &"x".repeat(201)).unwrap_err().id,
            "monitor-import-field-too-long"
        );
        assert_eq!(
            text_field("sector", "a\u{7}b").unwrap_err().id,
            "monitor-import-control-character"
        );
        assert!(list_name(" ").is_err());
        assert_eq!(list_name(" Banks ").unwrap(), "Banks");
    }
}
