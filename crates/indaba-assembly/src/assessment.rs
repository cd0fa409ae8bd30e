//! The multistakeholder self-assessment: the Internet Society's four
//! attributes of multistakeholder decision-making (seed 003's appendix),
//! each with its questions, answered on a scale of 0 (not at all) to 4
//! (fully) with evidence links, per committee or for the partnership, and
//! repeated over time so the trend shows.
//!
//! The question texts are in the Fluent catalogue
//! (`assembly-q-<attribute>-<question>`); this module owns their ids, the
//! scale and the scoring.

use std::collections::BTreeMap;

use indaba_model::msg;

use crate::Refused;

/// One attribute and its questions' ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    /// Its id (`inclusiveness`).
    pub id: &'static str,
    /// Its questions' ids, in the appendix's order.
    pub questions: &'static [&'static str],
}

/// The four attributes, in the appendix's order.
pub const ATTRIBUTES: [Attribute; 4] = [
    Attribute {
        id: "inclusiveness",
        questions: &[
            "affected",
            "practical-barriers",
            "formal-barriers",
            "shared-understanding",
            "committed",
        ],
    },
    Attribute {
        id: "responsibility",
        questions: &["stewardship"],
    },
    Attribute {
        id: "decision-making",
        questions: &[
            "shared-goals",
            "feasible",
            "how-decided",
            "operators-involved",
        ],
    },
    Attribute {
        id: "collaboration",
        questions: &["other-processes", "all-stakeholders", "tools", "sharing"],
    },
];

/// The highest answer on the scale.
pub const SCALE_MAX: u8 = 4;

impl Attribute {
    /// The Fluent id of its name.
    pub fn label_id(&self) -> String {
        format!("assembly-attr-{}", self.id)
    }

    /// The full ids of its questions (`inclusiveness.affected`).
    pub fn question_keys(&self) -> impl Iterator<Item = String> + '_ {
        self.questions.iter().map(|q| format!("{}.{q}", self.id))
    }
}

/// The Fluent id of a question's text, from its full id.
pub fn question_label_id(key: &str) -> String {
    format!("assembly-q-{}", key.replace('.', "-"))
}

/// Every question's full id.
pub fn all_questions() -> Vec<String> {
    ATTRIBUTES.iter().flat_map(|a| a.question_keys()).collect()
}

/// An answer from a form: a known question, a score on the scale, and an
/// evidence link that is http(s) or empty.
pub fn answer(
    question: &str,
    score: &str,
    evidence: &str,
) -> Result<(String, u8, String), Refused> {
    if !all_questions().iter().any(|q| q == question) {
        return Err(msg!("assembly-error-question").into());
    }
    let score = score
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|s| *s <= SCALE_MAX)
        .ok_or_else(|| Refused(msg!("assembly-error-score", max = i64::from(SCALE_MAX))))?;
    let evidence = evidence.trim();
    if !evidence.is_empty()
        && (evidence.len() > 2000
            || !(evidence.starts_with("https://")
                || evidence.starts_with("http://")
                || evidence.starts_with('/'))
            || evidence
                .chars()
                .any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(msg!("assembly-error-evidence").into());
    }
    Ok((question.to_string(), score, evidence.to_string()))
}

/// Scores of one assessment: per attribute and overall, percent of the
/// scale, `None` where no question of it was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scores {
    /// Per attribute id, in [`ATTRIBUTES`] order.
    pub attributes: Vec<(&'static str, Option<u8>)>,
    /// Over all answered questions.
    pub overall: Option<u8>,
}

/// The scores of `answers` (question key → score).
pub fn scores(answers: &BTreeMap<String, u8>) -> Scores {
    let percent = |vals: &[u8]| {
        (!vals.is_empty()).then(|| {
            let sum: u32 = vals.iter().map(|v| u32::from(*v)).sum();
            (sum * 100 / (u32::from(SCALE_MAX) * vals.len() as u32)) as u8
        })
    };
    let mut all = Vec::new();
    let attributes = ATTRIBUTES
        .iter()
        .map(|a| {
            let vals: Vec<u8> = a
                .question_keys()
                .filter_map(|k| answers.get(&k).copied())
                .collect();
            all.extend(&vals);
            (a.id, percent(&vals))
        })
        .collect();
    Scores {
        attributes,
        overall: percent(&all),
    }
}

/// Which way a score moved since the previous assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Higher.
    Up,
    /// Lower.
    Down,
    /// The same.
    Level,
    /// Nothing to compare with.
    New,
}

/// The trend from `before` to `now`.
pub fn trend(before: Option<u8>, now: Option<u8>) -> Trend {
    match (before, now) {
        (Some(b), Some(n)) if n > b => Trend::Up,
        (Some(b), Some(n)) if n < b => Trend::Down,
        (Some(_), Some(_)) => Trend::Level,
        _ => Trend::New,
    }
}

impl Trend {
    /// The Fluent id of its name.
    pub fn label_id(self) -> &'static str {
        match self {
            Trend::Up => "assembly-trend-up",
            Trend::Down => "assembly-trend-down",
            Trend::Level => "assembly-trend-level",
            Trend::New => "assembly-trend-new",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_questions_in_four_attributes() {
        assert_eq!(all_questions().len(), 14);
        assert_eq!(
            question_label_id("inclusiveness.affected"),
            "assembly-q-inclusiveness-affected"
        );
    }

    #[test]
    fn answers_are_checked() {
        assert!(answer("inclusiveness.affected", "4", "https://x.test/minutes").is_ok());
        assert!(answer("inclusiveness.affected", "5", "").is_err());
        assert!(answer("nope.nope", "1", "").is_err());
        assert!(answer("inclusiveness.affected", "1", "javascript:alert(1)").is_err());
        assert!(answer("inclusiveness.affected", "1", "/assembly/record").is_ok());
    }

    #[test]
    fn scores_and_trend() {
        let mut a = BTreeMap::new();
        a.insert("inclusiveness.affected".to_string(), 4);
        a.insert("inclusiveness.committed".to_string(), 2);
        a.insert("responsibility.stewardship".to_string(), 0);
        let s = scores(&a);
        assert_eq!(s.attributes[0], ("inclusiveness", Some(75)));
        assert_eq!(s.attributes[1], ("responsibility", Some(0)));
        assert_eq!(s.attributes[2], ("decision-making", None));
        assert_eq!(s.overall, Some(50));
        assert_eq!(trend(Some(50), Some(75)), Trend::Up);
        assert_eq!(trend(Some(50), Some(25)), Trend::Down);
        assert_eq!(trend(Some(50), Some(50)), Trend::Level);
        assert_eq!(trend(None, Some(50)), Trend::New);
    }
}
