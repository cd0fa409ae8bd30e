//! Words for people, kept as a message id and its arguments until a reader's
//! language is known.
//!
//! Checks never write English sentences: they return a [`Message`] (a Fluent
//! message id from `locales/<lang>/*.ftl` and named arguments), and the
//! renderer (`indaba-i18n`) turns it into text in the reader's language. An
//! argument is either data shown as it is (a domain name, a DNS record, an
//! address: [`Arg::Str`]), a number, another message (translated in turn), or
//! a list of arguments. A stored report keeps the ids and arguments, so a page
//! can show it in any language the platform has, and a report judged today
//! can be shown in a language translated tomorrow.
//!
//! Write messages with [`msg!`](crate::msg): `msg!("dmarc-multiple", domain =
//! name.as_str())`. The test in `indaba-i18n` finds every id written that way
//! and checks that English has it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A message for people: a Fluent message id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Message {
    /// The Fluent message id (`dmarc-multiple`).
    pub id: String,
    /// Named arguments, in name order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// One argument of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Arg {
    /// Data shown as it is: a name, a record, an address, a header value.
    Str(String),
    /// A number (Fluent chooses plural forms by it).
    Num(i64),
    /// Several arguments, shown as a list.
    ///
    /// Before `Msg`: serde reads a struct from a sequence too, so a list of
    /// one string would otherwise come back as a message with that id.
    List(Vec<Arg>),
    /// A message, translated in turn.
    Msg(Message),
}

impl Message {
    /// The message `id` without arguments.
    pub fn new(id: impl Into<String>) -> Message {
        Message {
            id: id.into(),
            args: BTreeMap::new(),
        }
    }

    /// Adds the argument `name`.
    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Message {
        self.args.insert(name.to_string(), value.into());
        self
    }

    /// The argument `name`, if given.
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.args.get(name)
    }

    /// Every message id this message uses, its own and its arguments'.
    pub fn ids(&self) -> Vec<&str> {
        let mut all = vec![self.id.as_str()];
        for arg in self.args.values() {
            arg.collect_ids(&mut all);
        }
        all
    }
}

impl Arg {
    fn collect_ids<'a>(&'a self, into: &mut Vec<&'a str>) {
        match self {
            Arg::Str(_) | Arg::Num(_) => {}
            Arg::Msg(m) => into.extend(m.ids()),
            Arg::List(items) => items.iter().for_each(|a| a.collect_ids(into)),
        }
    }

    /// A list of `items`.
    pub fn list<T: Into<Arg>>(items: impl IntoIterator<Item = T>) -> Arg {
        Arg::List(items.into_iter().map(Into::into).collect())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Str(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Str(value.clone())
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Str(value.to_string())
    }
}

impl From<Message> for Arg {
    fn from(value: Message) -> Self {
        Arg::Msg(value)
    }
}

impl From<Vec<Arg>> for Arg {
    fn from(value: Vec<Arg>) -> Self {
        Arg::List(value)
    }
}

impl From<std::net::IpAddr> for Arg {
    fn from(value: std::net::IpAddr) -> Self {
        Arg::Str(value.to_string())
    }
}

impl From<std::net::SocketAddr> for Arg {
    fn from(value: std::net::SocketAddr) -> Self {
        Arg::Str(value.to_string())
    }
}

impl From<&crate::name::DomainName> for Arg {
    fn from(value: &crate::name::DomainName) -> Self {
        Arg::Str(value.as_str().to_string())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                Arg::Num(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(i64, i32, u8, u16, u32, u64, usize);

/// Something that can say itself to people as a [`Message`]: the error and
/// problem types of the checks implement it, so their words are translated
/// like everything else.
pub trait ToMessage {
    /// The message saying this.
    fn to_message(&self) -> Message;
}

impl<T: ToMessage + ?Sized> ToMessage for &T {
    fn to_message(&self) -> Message {
        (**self).to_message()
    }
}

/// What a piece of evidence shows: data as it is, or words for people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Text {
    /// Data: a server address, a record, a header value.
    Data(String),
    /// Words, translated when shown.
    Words(Message),
}

impl From<Message> for Text {
    fn from(value: Message) -> Self {
        Text::Words(value)
    }
}

impl From<String> for Text {
    fn from(value: String) -> Self {
        Text::Data(value)
    }
}

impl From<&String> for Text {
    fn from(value: &String) -> Self {
        Text::Data(value.clone())
    }
}

impl From<&str> for Text {
    fn from(value: &str) -> Self {
        Text::Data(value.to_string())
    }
}

/// Builds a [`Message`]: `msg!("id")` or `msg!("id", name = value, …)`, each
/// value anything that converts into an [`Arg`].
#[macro_export]
macro_rules! msg {
    ($id:literal $(,)?) => {
        $crate::message::Message::new($id)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::message::Message::new($id)$(.arg(stringify!($name), $value))+
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_one_string_stays_a_list() {
        let m = msg!("x", vrps = Arg::list(["192.0.2.0/24 max /24 AS64500"]));
        let json = serde_json::to_string(&m).unwrap();
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.ids(), vec!["x"]);
    }

    #[test]
    fn messages_serialise_compactly_and_round_trip() {
        let m = msg!(
            "dmarc-multiple",
            domain = "example.org",
            count = 2usize,
            reason = msg!("dns-timeout"),
            names = Arg::list(["a", "b"])
        );
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "dmarc-multiple",
                "args": {"count": 2, "domain": "example.org", "names": ["a", "b"], "reason": {"id": "dns-timeout"}}
            })
        );
        let back: Message = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
        assert_eq!(m.ids(), vec!["dmarc-multiple", "dns-timeout"]);
    }
}
