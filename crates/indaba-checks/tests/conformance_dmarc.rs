//! Conformance: OpenDMARC's record-parsing and alignment tests, driven through
//! `indaba_checks::dmarc`.
//!
//! - `dmarc_parse_cases.tsv`: a record and OpenDMARC's status. Our result maps
//!   onto its codes: a fatal [`DmarcError`] by kind (empty, version, missing p,
//!   bad value); a record that parses with tag errors is `BAD_VALUE` (or
//!   `NO_REQUIRED_P` when p is missing and rua rescues it); a clean one `OKAY`.
//! - `alignment_cases.tsv`: two domains, a mode, and whether they align.
//!
//! Where OpenDMARC is more lenient than RFC 7489, the RFC wins: such a case
//! counts as "judged differently" only when our verdict is explained by one
//! of the RFC rules named in [`explain_parse`] / [`explain_alignment`]; any
//! other disagreement fails.

use std::path::PathBuf;
use std::process::ExitCode;

use indaba_checks::dmarc::{AlignmentMode, DmarcError, UriProblem, aligned, parse};
use indaba_model::{DomainName, ToMessage};

#[derive(Default)]
struct Tally {
    passed: usize,
    differs: Vec<String>,
    failed: Vec<String>,
}

/// OpenDMARC's status word for our result.
fn status_of(record: &str) -> &'static str {
    match parse(record) {
        Err(DmarcError::Empty) => "DMARC_PARSE_ERROR_EMPTY",
        Err(DmarcError::NotDmarc(_) | DmarcError::BadVersion(_) | DmarcError::TooLong(_)) => {
            "DMARC_PARSE_ERROR_BAD_VERSION"
        }
        Err(DmarcError::MissingPolicy) => "DMARC_PARSE_ERROR_NO_REQUIRED_P",
        Err(_) => "DMARC_PARSE_ERROR_BAD_VALUE",
        Ok(p) if p.errors.contains(&DmarcError::MissingPolicy) => "DMARC_PARSE_ERROR_NO_REQUIRED_P",
        Ok(p) if !p.errors.is_empty() => "DMARC_PARSE_ERROR_BAD_VALUE",
        Ok(_) => "DMARC_PARSE_OKAY",
    }
}

/// Why our stricter verdict is the RFC's, for the differences we know of.
fn explain_parse(record: &str, expected: &str) -> Option<String> {
    if expected != "DMARC_PARSE_OKAY" {
        return None;
    }
    let errors = match parse(record) {
        Err(e) => vec![e],
        Ok(p) => p.errors,
    };
    let reasons: Vec<String> = errors
        .iter()
        .map(|e| match e {
            DmarcError::BadPolicy(v)
                if !v.is_empty()
                    && ["none", "quarantine", "reject"]
                        .iter()
                        .any(|p| p.starts_with(&v.to_ascii_lowercase())) =>
            {
                Some(format!(
                    "p={v} is a prefix of a policy word; RFC 7489 §6.4 allows only none, \
                     quarantine or reject, OpenDMARC matches prefixes"
                ))
            }
            DmarcError::BadUri {
                uri,
                problem: problem @ UriProblem::Mailto(_),
                ..
            } => Some(format!(
                "{uri} has no mail address ({}); RFC 6068 requires an addr-spec after \
                 mailto:, OpenDMARC accepts any text",
                indaba_i18n::english().render(indaba_i18n::DEFAULT_LANGUAGE, &problem.to_message())
            )),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

fn mode_of(word: &str) -> Option<AlignmentMode> {
    match word {
        "DMARC_RECORD_A_RELAXED" => Some(AlignmentMode::Relaxed),
        "DMARC_RECORD_A_STRICT" => Some(AlignmentMode::Strict),
        _ => None,
    }
}

fn our_alignment(a: &str, b: &str, mode: AlignmentMode) -> bool {
    match (DomainName::parse(a), DomainName::parse(b)) {
        (Ok(a), Ok(b)) => aligned(&a, &b, mode),
        // A string that is not a domain name aligns with nothing.
        _ => false,
    }
}

/// Why we do not align names OpenDMARC aligns, for the differences we know of.
fn explain_alignment(a: &str, b: &str, expected_aligned: bool) -> Option<String> {
    if !expected_aligned {
        return None;
    }
    let invalid: Vec<&str> = [a, b]
        .into_iter()
        .filter(|n| DomainName::parse(n).is_err())
        .collect();
    let trimmed = |n: &str| DomainName::parse(n.trim_matches('.')).ok();
    if invalid.is_empty() || trimmed(a).is_none() || trimmed(a) != trimmed(b) {
        return None;
    }
    Some(format!(
        "{} has a leading dot or empty labels, so it is not a domain name (RFC 1035 §2.3.1, \
         RFC 5322 §3.4.1); OpenDMARC strips the dots first",
        invalid.join(" and ")
    ))
}

fn main() -> ExitCode {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/dmarc-opendmarc");
    let (Ok(parse_cases), Ok(alignment_cases)) = (
        std::fs::read_to_string(dir.join("dmarc_parse_cases.tsv")),
        std::fs::read_to_string(dir.join("alignment_cases.tsv")),
    ) else {
        println!(
            "dmarc-opendmarc conformance: the suite was expected at {}, which is missing or unreadable",
            dir.display()
        );
        return ExitCode::FAILURE;
    };
    let mut tally = Tally::default();
    let mut counted = 0;

    for (i, line) in parse_cases.lines().enumerate().skip(1) {
        let Some((record, expected)) = line.rsplit_once('\t') else {
            tally.failed.push(format!(
                "dmarc_parse_cases.tsv:{}: no tab in {line:?}",
                i + 1
            ));
            continue;
        };
        counted += 1;
        let ours = status_of(record);
        let origin = format!("dmarc_parse_cases.tsv:{} {record:?}", i + 1);
        if ours == expected {
            tally.passed += 1;
        } else if let Some(reason) = explain_parse(record, expected) {
            tally.differs.push(format!(
                "{origin}: OpenDMARC {expected}, ours {ours}: {reason}"
            ));
        } else {
            tally
                .failed
                .push(format!("{origin}: expected {expected}, got {ours}"));
        }
    }

    for (i, line) in alignment_cases.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let origin = format!("alignment_cases.tsv:{}", i + 1);
        let [a, b, mode, expected] = fields.as_slice() else {
            tally
                .failed
                .push(format!("{origin}: not four fields: {line:?}"));
            continue;
        };
        let (Some(mode), Ok(expected)) = (mode_of(mode), expected.parse::<i32>()) else {
            tally
                .failed
                .push(format!("{origin}: unreadable mode or result: {line:?}"));
            continue;
        };
        counted += 1;
        let expected_aligned = expected == 0;
        let ours = our_alignment(a, b, mode);
        let origin = format!("{origin} {a:?} {b:?} {mode:?}");
        if ours == expected_aligned {
            tally.passed += 1;
        } else if let Some(reason) = explain_alignment(a, b, expected_aligned) {
            tally
                .differs
                .push(format!("{origin}: OpenDMARC aligned, ours not: {reason}"));
        } else {
            tally.failed.push(format!(
                "{origin}: expected aligned={expected_aligned}, got {ours}"
            ));
        }
    }

    if counted == 0 {
        println!("FAILED no cases found: the format changed");
        return ExitCode::FAILURE;
    }
    for failure in &tally.failed {
        println!("FAILED {failure}");
    }
    for case in &tally.differs {
        println!("judged differently (RFC wins): {case}");
    }
    println!(
        "dmarc-opendmarc conformance: {} passed, {} failed, 0 skipped, {} judged differently",
        tally.passed,
        tally.failed.len(),
        tally.differs.len()
    );
    if tally.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
