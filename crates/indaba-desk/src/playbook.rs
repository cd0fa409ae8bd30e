//! Playbooks: what a victim of one kind of harm should do, as Markdown with
//! TOML front matter, written and edited by the desk's analysts. The front
//! matter names the classifications the playbook is for, its steps (when,
//! who to contact, which letter, on what condition) and its letters; the body
//! holds each step's text under a `## Title {#step-id}` heading.
//!
//! ```text
//! +++
//! id = "identity-theft"
//! title = "Recover from identity theft"
//! classifications = ["cybercrime-victim/identity-theft"]
//! [[steps]]
//! id = "bank"
//! when = "now"
//! contact = "bank"
//! letter = "bank"
//! if_exposed = ["bank-card", "bank-account"]
//! [letters.bank]
//! subject = "Fraud on my account"
//! body = "Dear {contact}, ..."
//! +++
//! ## Tell your bank {#bank}
//! Call the fraud line on the back of your card…
//! ```
//!
//! TOML rather than YAML front matter: the workspace already reads TOML, and
//! its grammar has no implicit typing to surprise an analyst.

use std::collections::BTreeMap;

use indaba_model::{Message, msg};
use serde::{Deserialize, Serialize};

use crate::taxonomy::Classification;

/// The largest playbook accepted, in bytes.
pub const MAX_PLAYBOOK: usize = 256 * 1024;

/// When a step should be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Right away.
    Now,
    /// Next, once the urgent things are done.
    Next,
}

/// A step as the front matter declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// Its id (the body's `{#id}`).
    pub id: String,
    /// Now or next.
    pub when: When,
    /// The kind of single point of contact (`bank`, `police`, `credit-bureau`,
    /// `registrar`, `platform`…), if the step is to contact someone.
    #[serde(default)]
    pub contact: Option<String>,
    /// The letter to offer, by id.
    #[serde(default)]
    pub letter: Option<String>,
    /// Shown only when one of these was exposed.
    #[serde(default)]
    pub if_exposed: Vec<String>,
    /// Left out when the person has already done this.
    #[serde(default)]
    pub unless_done: Option<String>,
}

/// A letter template: `{name}`, `{reference}`, `{date}`, `{contact}` and
/// `{description}` are filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSpec {
    /// Subject line.
    pub subject: String,
    /// Body.
    pub body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    #[serde(default = "english")]
    lang: String,
    classifications: Vec<String>,
    #[serde(default)]
    steps: Vec<StepSpec>,
    #[serde(default)]
    letters: BTreeMap<String, LetterSpec>,
}

fn english() -> String {
    "en".into()
}

/// A parsed, checked playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playbook {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its language.
    pub lang: String,
    /// What it is for.
    pub classifications: Vec<Classification>,
    /// Its steps, in order.
    pub steps: Vec<StepSpec>,
    /// Step id → (title, Markdown text).
    pub texts: BTreeMap<String, (String, String)>,
    /// Its letters.
    pub letters: BTreeMap<String, LetterSpec>,
}

/// Why a playbook cannot be used; for the analyst editing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaybookError {
    /// Bigger than [`MAX_PLAYBOOK`].
    #[error("the playbook is larger than {MAX_PLAYBOOK} bytes")]
    TooLarge,
    /// No `+++` front matter.
    #[error("the playbook must start with front matter between +++ lines")]
    NoFrontMatter,
    /// The front matter is not valid TOML of the expected shape.
    #[error("the front matter is not valid: {0}")]
    FrontMatter(String),
    /// A classification that does not exist.
    #[error("unknown classification {0:?}")]
    Classification(String),
    /// A step without text, or text without a step.
    #[error("step {0:?} has no `## Title {{#{0}}}` section in the body")]
    MissingText(String),
    /// A step names a letter the playbook does not have.
    #[error("step {0:?} names letter {1:?}, which the front matter does not define")]
    MissingLetter(String, String),
    /// An id used twice, or not made of a-z, 0-9 and dashes.
    #[error("step id {0:?} is repeated or not made of a-z, 0-9 and -")]
    BadId(String),
}

impl PlaybookError {
    /// The problem for people.
    pub fn message(&self) -> Message {
        msg!("desk-playbook-invalid", reason = self.to_string())
    }
}

fn good_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 60
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Playbook {
    /// Parses and checks `source`.
    pub fn parse(source: &str) -> Result<Playbook, PlaybookError> {
        if source.len() > MAX_PLAYBOOK {
            return Err(PlaybookError::TooLarge);
        }
        let source = source.replace("\r\n", "\n");
        let rest = source
            .trim_start()
            .strip_prefix("+++\n")
            .ok_or(PlaybookError::NoFrontMatter)?;
        let (front, body) = rest
            .split_once("\n+++")
            .ok_or(PlaybookError::NoFrontMatter)?;
        let fm: FrontMatter = toml::from_str(front)
            .map_err(|e| PlaybookError::FrontMatter(e.message().to_string()))?;
        if !good_id(&fm.id) {
            return Err(PlaybookError::BadId(fm.id));
        }
        let classifications = fm
            .classifications
            .iter()
            .map(|c| {
                c.parse::<Classification>()
                    .map_err(|_| PlaybookError::Classification(c.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let texts = sections(body.trim_start_matches('\n'));
        let mut seen = Vec::new();
        for step in &fm.steps {
            if !good_id(&step.id) || seen.contains(&step.id) {
                return Err(PlaybookError::BadId(step.id.clone()));
            }
            seen.push(step.id.clone());
            if !texts.contains_key(&step.id) {
                return Err(PlaybookError::MissingText(step.id.clone()));
            }
            if let Some(letter) = &step.letter
                && !fm.letters.contains_key(letter)
            {
                return Err(PlaybookError::MissingLetter(
                    step.id.clone(),
                    letter.clone(),
                ));
            }
        }
        Ok(Playbook {
            id: fm.id,
            title: fm.title.chars().take(200).collect(),
            lang: fm.lang.chars().take(10).collect(),
            classifications,
            steps: fm.steps,
            texts,
            letters: fm.letters,
        })
    }
}

/// `## Title {#id}` sections of the body: id → (title, text).
fn sections(body: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String, String)> = None;
    for line in body.lines() {
        if let Some(heading) = line.strip_prefix("## ")
            && let Some((title, rest)) = heading.rsplit_once("{#")
            && let Some(id) = rest.strip_suffix('}')
        {
            if let Some((id, title, text)) = current.take() {
                out.insert(id, (title, text.trim().to_string()));
            }
            current = Some((
                id.trim().to_string(),
                title.trim().to_string(),
                String::new(),
            ));
            continue;
        }
        if let Some((_, _, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((id, title, text)) = current {
        out.insert(id, (title, text.trim().to_string()));
    }
    out
}

/// The playbooks Indaba starts with, one per kind of victim harm; analysts
/// edit them (each edit a new version) from the desk's pages.
pub const BUILT_IN: &[&str] = &[
    include_str!("../playbooks/identity-theft.md"),
    include_str!("../playbooks/online-fraud.md"),
    include_str!("../playbooks/account-takeover.md"),
    include_str!("../playbooks/sextortion.md"),
    include_str!("../playbooks/ransomware.md"),
    include_str!("../playbooks/general.md"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_playbooks_parse() {
        let mut covered = Vec::new();
        for source in BUILT_IN {
            let p = Playbook::parse(source).unwrap_or_else(|e| panic!("{e}\n{source}"));
            assert!(!p.steps.is_empty(), "{}", p.id);
            covered.extend(p.classifications.iter().map(|c| c.to_string()));
        }
        for kind in [
            "identity-theft",
            "online-fraud",
            "sextortion",
            "account-takeover",
            "ransomware-home",
            "ransomware-small-business",
        ] {
            assert!(
                covered.contains(&format!("cybercrime-victim/{kind}")),
                "no playbook for {kind}"
            );
        }
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(
            Playbook::parse("# no front"),
            Err(PlaybookError::NoFrontMatter)
        );
        let base = "+++\nid = \"x\"\ntitle = \"X\"\nclassifications = [\"fraud/phishing\"]\n";
        let missing =
            format!("{base}[[steps]]\nid = \"a\"\nwhen = \"now\"\n+++\n## B {{#b}}\ntext\n");
        assert_eq!(
            Playbook::parse(&missing),
            Err(PlaybookError::MissingText("a".into()))
        );
        let letter = format!(
            "{base}[[steps]]\nid = \"a\"\nwhen = \"now\"\nletter = \"l\"\n+++\n## A {{#a}}\ntext\n"
        );
        assert!(matches!(
            Playbook::parse(&letter),
            Err(PlaybookError::MissingLetter(_, _))
        ));
        let class = "+++\nid = \"x\"\ntitle = \"X\"\nclassifications = [\"no/such\"]\n+++\n";
        assert!(matches!(
            Playbook::parse(class),
            Err(PlaybookError::Classification(_))
        ));
        let unknown = "+++\nid = \"x\"\ntitle = \"X\"\nclassifications = []\nsurprise = 1\n+++\n";
        assert!(matches!(
            Playbook::parse(unknown),
            Err(PlaybookError::FrontMatter(_))
        ));
        assert_eq!(
            Playbook::parse(&"x".repeat(MAX_PLAYBOOK + 1)),
            Err(PlaybookError::TooLarge)
        );
    }
}
