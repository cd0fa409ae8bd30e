//! A victim's recovery plan: a short question flow (what happened, what was
//! exposed, what has been done) classifies the case, the playbook for that
//! classification gives the steps, the person's answers choose among them,
//! and the single points of contact of their country fill in who to call.
//! The plan records the playbook's id and version, so a later edit of the
//! playbook never changes a plan someone is working through.

use serde::{Deserialize, Serialize};

use crate::intake::Draft;
use crate::playbook::{Playbook, When};
use crate::taxonomy::Classification;

/// A question of the flow: its id, whether several answers may be given,
/// and its answers' ids. Words for people are `desk-q-<id>` and
/// `desk-a-<id>-<answer>` in Fluent.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    /// Its id.
    pub id: &'static str,
    /// Several answers allowed.
    pub multiple: bool,
    /// Its answers.
    pub answers: &'static [&'static str],
}

/// The question flow of the public form.
pub const QUESTIONS: &[Question] = &[
    Question {
        id: "what",
        multiple: false,
        answers: &[
            "identity-theft",
            "online-fraud",
            "account-takeover",
            "sextortion",
            "ransomware",
            "phishing",
            "other",
        ],
    },
    Question {
        id: "where",
        multiple: false,
        answers: &["home", "small-business"],
    },
    Question {
        id: "exposed",
        multiple: true,
        answers: &[
            "id-number",
            "bank-card",
            "bank-account",
            "passwords",
            "email-account",
            "photos",
            "none",
        ],
    },
    Question {
        id: "done",
        multiple: true,
        answers: &["told-bank", "changed-passwords", "police-report", "nothing"],
    },
];

/// Whether (`question`, `answer`) is one the flow offers.
pub fn is_answer(question: &str, answer: &str) -> bool {
    QUESTIONS
        .iter()
        .any(|q| q.id == question && q.answers.contains(&answer))
}

/// The classification the answers give.
pub fn classify(draft: &Draft) -> Classification {
    let victim = |kind: &str| {
        Classification::new("cybercrime-victim", kind)
            .unwrap_or_else(|_| Classification::undetermined())
    };
    match draft.answer("what") {
        Some("identity-theft") => victim("identity-theft"),
        Some("online-fraud") => victim("online-fraud"),
        Some("account-takeover") => victim("account-takeover"),
        Some("sextortion") => victim("sextortion"),
        Some("ransomware") if draft.answer("where") == Some("small-business") => {
            victim("ransomware-small-business")
        }
        Some("ransomware") => victim("ransomware-home"),
        Some("phishing") => Classification::new("fraud", "phishing")
            .unwrap_or_else(|_| Classification::undetermined()),
        _ => Classification::undetermined(),
    }
}

/// A single point of contact: who to call in a country about one kind of
/// thing, and what to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointOfContact {
    /// ISO 3166-1 alpha-2, or `*` for every country.
    pub country: String,
    /// `bank`, `police`, `credit-bureau`, `registrar`, `platform`…
    pub kind: String,
    /// Name.
    pub name: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Web address.
    #[serde(default)]
    pub url: String,
    /// What to say when calling.
    #[serde(default)]
    pub what_to_say: String,
}

/// The contact for `kind` in `country`, else the one for every country.
pub fn point_of_contact<'a>(
    directory: &'a [PointOfContact],
    country: &str,
    kind: &str,
) -> Option<&'a PointOfContact> {
    directory
        .iter()
        .find(|p| p.kind == kind && p.country.eq_ignore_ascii_case(country))
        .or_else(|| {
            directory
                .iter()
                .find(|p| p.kind == kind && p.country == "*")
        })
}

/// One step of a person's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    /// The playbook's step id.
    pub id: String,
    /// Now or next.
    pub when: When,
    /// Title.
    pub title: String,
    /// Text (Markdown).
    pub text: String,
    /// Who to contact.
    pub contact: Option<PointOfContact>,
    /// The letter on offer, by id.
    pub letter: Option<String>,
}

/// A person's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The classification it was made for.
    pub classification: Classification,
    /// The playbook's id.
    pub playbook: String,
    /// The playbook's version.
    pub version: i64,
    /// Its title.
    pub title: String,
    /// Its steps, right-away ones first.
    pub steps: Vec<PlanStep>,
}

/// The playbook for `class` among `playbooks` (id, version, playbook), the
/// `general` one when none names it.
pub fn choose(playbooks: &[(i64, Playbook)], class: Classification) -> Option<&(i64, Playbook)> {
    playbooks
        .iter()
        .find(|(_, p)| p.classifications.contains(&class))
        .or_else(|| playbooks.iter().find(|(_, p)| p.id == "general"))
}

/// The plan for `draft` from `playbook` at `version`, with contacts from
/// `directory`.
pub fn make(
    draft: &Draft,
    playbook: &Playbook,
    version: i64,
    directory: &[PointOfContact],
) -> Plan {
    let exposed: Vec<&str> = draft.answers_to("exposed").collect();
    let done: Vec<&str> = draft.answers_to("done").collect();
    let mut steps: Vec<PlanStep> = playbook
        .steps
        .iter()
        .filter(|s| {
            s.if_exposed.is_empty() || s.if_exposed.iter().any(|e| exposed.contains(&e.as_str()))
        })
        .filter(|s| s.unless_done.as_deref().is_none_or(|d| !done.contains(&d)))
        .map(|s| {
            let (title, text) = playbook.texts.get(&s.id).cloned().unwrap_or_default();
            PlanStep {
                id: s.id.clone(),
                when: s.when,
                title,
                text,
                contact: s
                    .contact
                    .as_deref()
                    .and_then(|k| point_of_contact(directory, &draft.country, k))
                    .cloned(),
                letter: s.letter.clone(),
            }
        })
        .collect();
    steps.sort_by_key(|s| s.when == When::Next);
    Plan {
        classification: classify(draft),
        playbook: playbook.id.clone(),
        version,
        title: playbook.title.clone(),
        steps,
    }
}

/// The text of letter `letter` of `playbook` for this person: (subject, body).
pub fn letter_text(
    playbook: &Playbook,
    letter: &str,
    step: &PlanStep,
    draft: &Draft,
    reference: &str,
    date: &str,
) -> Option<(String, String)> {
    let spec = playbook.letters.get(letter)?;
    let contact = step
        .contact
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "Sir or Madam".to_string());
    let name = if draft.name.is_empty() {
        "(your name)".to_string()
    } else {
        draft.name.clone()
    };
    let description = if draft.description.is_empty() {
        "(describe what happened)".to_string()
    } else {
        draft.description.clone()
    };
    // One pass, so a value containing "{name}" is not filled in again.
    let fill = |template: &str| -> String {
        let mut out = String::with_capacity(template.len() + description.len());
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let (value, used) = [
                ("{name}", name.as_str()),
                ("{reference}", reference),
                ("{date}", date),
                ("{contact}", contact.as_str()),
                ("{description}", description.as_str()),
            ]
            .iter()
            .find(|(k, _)| after.starts_with(k))
            .map(|(k, v)| (*v, k.len()))
            .unwrap_or(("{", 1));
            out.push_str(value);
            rest = &after[used..];
        }
        out.push_str(rest);
        out
    };
    Some((fill(&spec.subject), fill(spec.body.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::BUILT_IN;

    fn playbooks() -> Vec<(i64, Playbook)> {
        BUILT_IN
            .iter()
            .map(|s| (1, Playbook::parse(s).unwrap()))
            .collect()
    }

    fn draft(answers: &[(&str, &str)]) -> Draft {
        Draft {
            description: "Someone opened a loan in my name {name}".into(),
            name: "Thandi".into(),
            country: "ZA".into(),
            answers: answers
                .iter()
                .map(|(q, a)| (q.to_string(), a.to_string()))
                .collect(),
            ..Draft::default()
        }
    }

    fn directory() -> Vec<PointOfContact> {
        let poc = |country: &str, kind: &str, name: &str| PointOfContact {
            country: country.into(),
            kind: kind.into(),
            name: name.into(),
            phone: "+27 10 000 0000".into(),
            email: String::new(),
            url: String::new(),
            what_to_say: String::new(),
        };
        vec![
            poc("ZA", "bank", "Banking Ombud"),
            poc("*", "police", "National police"),
            poc("ZA", "police", "SAPS"),
            poc("ZA", "credit-bureau", "Credit bureau"),
        ]
    }

    #[test]
    fn answers_choose_classification_steps_and_contacts() {
        let d = draft(&[
            ("what", "identity-theft"),
            ("exposed", "id-number"),
            ("done", "changed-passwords"),
        ]);
        let c = classify(&d);
        assert_eq!(c.to_string(), "cybercrime-victim/identity-theft");
        let books = playbooks();
        let (version, book) = choose(&books, c).unwrap();
        let plan = make(&d, book, *version, &directory());
        let ids: Vec<&str> = plan.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, vec!["bank", "credit-bureau", "police", "watch"]);
        assert_eq!(
            plan.steps[0].contact.as_ref().unwrap().name,
            "Banking Ombud"
        );
        assert_eq!(plan.steps[2].contact.as_ref().unwrap().name, "SAPS");
        assert_eq!(plan.playbook, "identity-theft");
        // Another country falls back to the contact for every country.
        let mut elsewhere = d.clone();
        elsewhere.country = "BW".into();
        let plan = make(&elsewhere, book, 1, &directory());
        let police = plan.steps.iter().find(|s| s.id == "police").unwrap();
        assert_eq!(police.contact.as_ref().unwrap().name, "National police");
        assert!(
            plan.steps
                .iter()
                .find(|s| s.id == "bank")
                .unwrap()
                .contact
                .is_none()
        );
    }

    #[test]
    fn ransomware_where_decides_the_kind() {
        let home = classify(&draft(&[("what", "ransomware")]));
        let biz = classify(&draft(&[
            ("what", "ransomware"),
            ("where", "small-business"),
        ]));
        assert_eq!(home.kind(), "ransomware-home");
        assert_eq!(biz.kind(), "ransomware-small-business");
        assert_eq!(classify(&draft(&[])), Classification::undetermined());
        let books = playbooks();
        assert_eq!(
            choose(&books, Classification::undetermined()).unwrap().1.id,
            "general"
        );
    }

    #[test]
    fn letters_are_filled_once() {
        let d = draft(&[("what", "identity-theft"), ("exposed", "bank-card")]);
        let books = playbooks();
        let (_, book) = choose(&books, classify(&d)).unwrap();
        let plan = make(&d, book, 3, &directory());
        let step = &plan.steps[0];
        let (subject, body) =
            letter_text(book, "bank", step, &d, "IND-2026-000001", "6 December 2026").unwrap();
        assert!(subject.contains("Fraudulent use"));
        assert!(body.starts_with("Dear Banking Ombud,"));
        assert!(body.contains("IND-2026-000001"));
        // The person's own "{name}" stays as typed.
        assert!(body.contains("a loan in my name {name}"));
        assert!(body.contains("Thandi\n6 December 2026"));
        assert_eq!(plan.version, 3);
    }

    #[test]
    fn every_answer_of_the_flow_is_known() {
        assert!(is_answer("what", "identity-theft"));
        assert!(!is_answer("what", "x"));
        assert!(!is_answer("x", "other"));
    }
}
