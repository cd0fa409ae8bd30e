//! The rules of the umbrella partnership (seed 003's multistakeholder
//! structure, seed 001's platform, the anchors Decidim and Loomio): who
//! belongs to which stakeholder group, how an application is reviewed, how a
//! committee is balanced, how a proposal becomes a decision, how a poll is
//! counted and its outcome recorded, who may see what, how events fill up,
//! how the partnership assesses itself, who an outreach mailing reaches.
//!
//! Everything here is a plain function over plain values: no database, no
//! network, no clock (the caller passes `now` in Unix seconds, so tests set
//! the time instead of sleeping). The store keeps these values; the web shows
//! them. Refusals are [`Refused`] messages, translated by the web layer.

pub mod application;
pub mod assessment;
pub mod calendar;
pub mod committee;
pub mod event;
pub mod group;
pub mod implementation;
pub mod outreach;
pub mod poll;
pub mod proposal;
pub mod reminder;
pub mod text;
pub mod visibility;

pub use group::StakeholderGroup;
pub use visibility::{Viewer, Visibility};

use indaba_model::Message;

/// Why the rules refuse an action: a message for the person who tried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused: {}", .0.id)]
pub struct Refused(pub Message);

impl From<Message> for Refused {
    fn from(m: Message) -> Self {
        Refused(m)
    }
}

/// Declares an enum stored and shown as a fixed word, with `ALL`, `as_str`,
/// `Display` and `FromStr`.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }
        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored word.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }
    };
}
pub(crate) use word_enum;
