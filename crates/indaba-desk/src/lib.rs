//! The response desk's rules, apart from storage and HTTP: what a case is and
//! how it moves (RTIR's report → incident → investigation), who may see what
//! under TLP 2.0, how a report is classified (ENISA's Reference Security
//! Incident Taxonomy plus the kinds of harm victims of cybercrime suffer),
//! how a victim's recovery plan is made from a versioned playbook, when
//! things are due, how an abuse report is written (X-ARF), how a feed of
//! scan results becomes events per constituent, how statistics are published
//! without singling anyone out (k-anonymity), and how long data is kept.
//!
//! Everything here is a plain function over plain types, tested without a
//! database; `indaba-store` keeps the results, `indaba-web` shows them.
//! Words for people are [`indaba_model::Message`] ids (locales/en/desk.ftl).

pub mod bgp;
pub mod case;
pub mod constituency;
pub mod export;
pub mod feed;
pub mod followup;
pub mod intake;
pub mod kanon;
pub mod letter;
pub mod observables;
pub mod plan;
pub mod playbook;
pub mod reference;
pub mod retention;
pub mod sla;
pub mod taxonomy;
pub mod tlp;
pub mod xarf;

pub use case::{CaseAction, CaseKind, CaseState, Priority};
pub use reference::Reference;
pub use taxonomy::Classification;
pub use tlp::{Audience, Tlp, Viewer};
