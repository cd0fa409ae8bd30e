//! jCard (RFC 7095), the JSON form of vCard that RDAP entities carry in
//! `vcardArray`: just what a contact needs (`fn`, `org`, `kind`, `email`,
//! `tel`, `adr`), read from an already parsed `serde_json::Value`.
//!
//! The reader is ours. The crates that read jCard either deserialise the
//! whole card into typed structs (`jcard`, young and with one maintainer), so
//! one odd property of no interest fails the card without saying which, or
//! come inside a large RDAP model (`icann-rdap-common`, 10k lines, pre-1.0)
//! whose contact conversion returns `None` for a malformed card. A report
//! must say *what* is wrong with a registry's card ("property 3 (email): the
//! value is a number, not text"), and reading six properties from a JSON
//! array is about a hundred lines.
//!
//! What counts as malformed: the card is not `["vcard", [property...]]`, a
//! property is not `[name, {parameters}, "type", value...]`, or one of the
//! properties read here has a value of the wrong shape. Properties of no
//! interest are only checked for the shape every property must have.
//! Strings are cut at [`MAX_TEXT`] characters and lists at [`MAX_VALUES`]
//! entries, so a hostile card cannot make a report large.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest text kept from one value, in characters.
pub const MAX_TEXT: usize = 512;
/// Most values of one kind (e-mail addresses, phone numbers, addresses) kept.
pub const MAX_VALUES: usize = 16;
/// Most properties read from one card.
pub const MAX_PROPERTIES: usize = 1024;

/// The contact details of one card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Card {
    /// `fn`: the formatted name.
    pub name: Option<String>,
    /// `org`: the organisation.
    pub organisation: Option<String>,
    /// `kind`: individual, org, group…
    pub kind: Option<String>,
    /// `email` values.
    pub emails: Vec<String>,
    /// `tel` values (a `tel:` URI or text).
    pub phones: Vec<String>,
    /// `adr` values: the `label` parameter where given, else the non-empty
    /// components joined with ", ".
    pub addresses: Vec<String>,
}

impl Card {
    /// Whether the card gives any way to reach someone.
    pub fn is_reachable(&self) -> bool {
        !self.emails.is_empty() || !self.phones.is_empty() || !self.addresses.is_empty()
    }
}

/// Why a jCard cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JCardError {
    /// The card is not `["vcard", [...]]`.
    #[error("not a jCard: {0} (RFC 7095 §3.2: [\"vcard\", [properties]])")]
    NotACard(String),
    /// A property has the wrong shape.
    #[error("property {index}{name}: {reason}")]
    Property {
        /// 0-based position in the property list.
        index: usize,
        /// " (name)" when the name could be read.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

/// Reads the contact details of a jCard.
pub fn parse(card: &Value) -> Result<Card, JCardError> {
    let Some(parts) = card.as_array() else {
        return Err(JCardError::NotACard(format!("it is {}", kind_of(card))));
    };
    if parts.len() != 2 {
        return Err(JCardError::NotACard(format!(
            "the array has {} elements, not 2",
            parts.len()
        )));
    }
    if parts[0].as_str() != Some("vcard") {
        return Err(JCardError::NotACard(format!(
            "the first element is {}, not \"vcard\"",
            short(&parts[0])
        )));
    }
    let Some(properties) = parts[1].as_array() else {
        return Err(JCardError::NotACard(format!(
            "the property list is {}",
            kind_of(&parts[1])
        )));
    };
    let mut out = Card::default();
    for (index, property) in properties.iter().take(MAX_PROPERTIES).enumerate() {
        read_property(index, property, &mut out)?;
    }
    Ok(out)
}

fn read_property(index: usize, property: &Value, out: &mut Card) -> Result<(), JCardError> {
    let fail = |name: &str, reason: String| JCardError::Property {
        index,
        name: if name.is_empty() {
            String::new()
        } else {
            format!(" ({})", cut(name, 40))
        },
        reason,
    };
    let Some(items) = property.as_array() else {
        return Err(fail(
            "",
            format!(
                "it is {}, not [name, parameters, type, value]",
                kind_of(property)
            ),
        ));
    };
    let Some(name) = items.first().and_then(Value::as_str) else {
        return Err(fail("", "the name is missing or not text".into()));
    };
    let name = name.to_ascii_lowercase();
    let Some(parameters) = items.get(1).and_then(Value::as_object) else {
        return Err(fail(
            &name,
            "the parameters are missing or not an object".into(),
        ));
    };
    if !items.get(2).is_some_and(Value::is_string) {
        return Err(fail(&name, "the value type is missing or not text".into()));
    }
    let values = &items[3..];
    let Some(first) = values.first() else {
        return Err(fail(
            &name,
            "it has no value: a property is [name, parameters, type, value]".into(),
        ));
    };
    match name.as_str() {
        "fn" => out.name = Some(text(first).map_err(|r| fail(&name, r))?),
        "kind" => out.kind = Some(text(first).map_err(|r| fail(&name, r))?),
        "org" => out.organisation = Some(components(first).map_err(|r| fail(&name, r))?),
        "email" => push(&mut out.emails, text(first).map_err(|r| fail(&name, r))?),
        "tel" => push(&mut out.phones, text(first).map_err(|r| fail(&name, r))?),
        "adr" => {
            let label = match parameters.get("label") {
                None => None,
                Some(Value::String(s)) => Some(cut(s, MAX_TEXT)),
                Some(other) => {
                    return Err(fail(
                        &name,
                        format!("the label parameter is {}, not text", kind_of(other)),
                    ));
                }
            };
            let joined = components(first).map_err(|r| fail(&name, r))?;
            let address = match label {
                Some(l) if !l.trim().is_empty() => l,
                _ => joined,
            };
            if !address.trim().is_empty() {
                push(&mut out.addresses, address);
            }
        }
        _ => {}
    }
    Ok(())
}

/// A text value.
fn text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(cut(s, MAX_TEXT)),
        other => Err(format!("the value is {}, not text", kind_of(other))),
    }
}

/// A structured value (RFC 7095 §3.3.1.3): text, or a list whose elements
/// are text or lists of text; the non-empty parts joined with ", ".
fn components(value: &Value) -> Result<String, String> {
    let parts: Vec<String> = match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => {
            let mut parts = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => parts.push(s.clone()),
                    Value::Array(inner) => {
                        for v in inner {
                            match v {
                                Value::String(s) => parts.push(s.clone()),
                                other => {
                                    return Err(format!(
                                        "component {i} holds {}, not text",
                                        kind_of(other)
                                    ));
                                }
                            }
                        }
                    }
                    other => {
                        return Err(format!("component {i} is {}, not text", kind_of(other)));
                    }
                }
            }
            parts
        }
        other => {
            return Err(format!(
                "the value is {}, not text or a list of components",
                kind_of(other)
            ));
        }
    };
    let joined = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(cut(&joined, MAX_TEXT))
}

fn push(list: &mut Vec<String>, value: String) {
    if list.len() < MAX_VALUES && !value.is_empty() && !list.contains(&value) {
        list.push(value);
    }
}

/// At most `max` characters of `s`, with "…" when cut.
pub(crate) fn cut(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let kept: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{kept}…")
    } else {
        kept
    }
}

/// "a number", "an object"… for messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A short rendering of a value for messages.
fn short(value: &Value) -> String {
    cut(&value.to_string(), 40)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_contact_properties() {
        let card = json!(["vcard", [
            ["version", {}, "text", "4.0"],
            ["fn", {}, "text", "Abuse Desk"],
            ["kind", {}, "text", "group"],
            ["org", {}, "text", "Testbed Hosting"],
            ["email", {"type": "work"}, "text", "abuse@hosting.test"],
            ["email", {}, "text", "abuse@hosting.test"],
            ["tel", {"type": ["work", "voice"]}, "uri", "tel:+27-11-555-0100"],
            ["adr", {}, "text", ["", "", "1 Long Street", "Cape Town", "", "8001", "South Africa"]],
            ["adr", {"label": "PO Box 1\nJohannesburg"}, "text", ["", "", "", "", "", "", ""]]
        ]]);
        let c = parse(&card).unwrap();
        assert_eq!(c.name.as_deref(), Some("Abuse Desk"));
        assert_eq!(c.kind.as_deref(), Some("group"));
        assert_eq!(c.organisation.as_deref(), Some("Testbed Hosting"));
        assert_eq!(c.emails, vec!["abuse@hosting.test"]);
        assert_eq!(c.phones, vec!["tel:+27-11-555-0100"]);
        assert_eq!(
            c.addresses,
            vec![
                "1 Long Street, Cape Town, 8001, South Africa",
                "PO Box 1\nJohannesburg"
            ]
        );
        assert!(c.is_reachable());
    }

    #[test]
    fn structured_components_may_hold_lists() {
        let card = json!([
            "vcard",
            [[
                "adr",
                {},
                "text",
                ["", "", ["1 Main St", "Floor 2"], "Town", "", "", ""]
            ]]
        ]);
        assert_eq!(
            parse(&card).unwrap().addresses,
            vec!["1 Main St, Floor 2, Town"]
        );
    }

    #[test]
    fn malformed_cards_say_what_is_wrong() {
        let cases = [
            (json!({"fn": "x"}), "not a jCard: it is an object"),
            (json!(["vcard"]), "has 1 elements"),
            (json!(["vCard", []]), "not \"vcard\""),
            (json!(["vcard", "x"]), "the property list is text"),
            (json!(["vcard", [42]]), "property 0: it is a number"),
            (
                json!(["vcard", [["fn", {}, "text"]]]),
                "property 0 (fn): it has no value",
            ),
            (
                json!(["vcard", [["fn", [], "text", "x"]]]),
                "property 0 (fn): the parameters",
            ),
            (json!(["vcard", [["fn", {}, 1, "x"]]]), "the value type"),
            (
                json!([
                    "vcard",
                    [["fn", {}, "text", "a"], ["email", {}, "text", 42]]
                ]),
                "property 1 (email): the value is a number, not text",
            ),
            (
                json!(["vcard", [["adr", {}, "text", ["", {}, "", "", "", "", ""]]]]),
                "property 0 (adr): component 1 is an object",
            ),
            (
                json!(["vcard", [["adr", {"label": 5}, "text", ""]]]),
                "label parameter",
            ),
            (
                json!(["vcard", [[1, {}, "text", "x"]]]),
                "property 0: the name",
            ),
        ];
        for (card, expected) in cases {
            let e = parse(&card).unwrap_err().to_string();
            assert!(e.contains(expected), "{card}: {e}");
        }
    }

    #[test]
    fn unknown_properties_are_skipped_but_must_have_the_shape() {
        let ok =
            json!(["vcard", [["x-thing", {}, "unknown", {"any": 1}], ["fn", {}, "text", "A"]]]);
        assert_eq!(parse(&ok).unwrap().name.as_deref(), Some("A"));
        let bad = json!(["vcard", [["x-thing", {}, "unknown"]]]);
        assert!(parse(&bad).is_err());
    }

    #[test]
    fn long_values_are_cut() {
        let long = "a".repeat(10_000);
        let card = json!(["vcard", [["fn", {}, "text", long]]]);
        assert_eq!(
            parse(&card).unwrap().name.unwrap().chars().count(),
            MAX_TEXT + 1
        );
        let many: Vec<Value> = (0..100)
            .map(|i| json!(["email", {}, "text", format!("a{i}@x.test")]))
            .collect();
        let card = json!(["vcard", many]);
        assert_eq!(parse(&card).unwrap().emails.len(), MAX_VALUES);
    }
}
