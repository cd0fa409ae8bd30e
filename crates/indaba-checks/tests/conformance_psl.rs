//! Conformance: the Public Suffix List project's own test files, driven through
//! `indaba_checks::psl` (organisational domain, RFC 7489 §3.2).
//!
//! - `tests.txt`: `input expected` pairs, `null` meaning "no registrable domain".
//! - `test_psl.txt`: `checkPublicSuffix('input', 'expected');` lines, likewise.
//!
//! Both are read with the list that sits beside them (the same file as our
//! embedded `data/public_suffix_list.dat`; the harness says so if they differ).
//! An input that is not a valid domain name (a leading dot) must give no
//! organisational domain. Inputs and expectations in Unicode are compared in
//! their A-label form, which is the only form a [`DomainName`] has.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use indaba_checks::psl::{PublicSuffixList, Scope};
use indaba_model::DomainName;

#[derive(Default)]
struct Tally {
    passed: usize,
    differs: Vec<String>,
    failed: Vec<String>,
    skipped: BTreeMap<String, Vec<String>>,
}

/// One expectation: the input and the expected registrable domain.
struct Case {
    origin: String,
    input: Option<String>,
    expected: Option<String>,
}

fn null_or(text: &str) -> Option<String> {
    (text != "null").then(|| text.to_string())
}

fn read_tests_txt(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(input), Some(expected)) = (parts.next(), parts.next()) else {
            continue;
        };
        cases.push(Case {
            origin: format!("tests.txt:{}", i + 1),
            input: null_or(input),
            expected: null_or(expected),
        });
    }
    cases
}

/// One argument of `checkPublicSuffix(…)`: `null` or a quoted string.
fn js_argument(text: &str) -> Option<String> {
    let text = text.trim();
    text.strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .map(str::to_string)
}

fn read_test_psl(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let Some(args) = line
            .strip_prefix("checkPublicSuffix(")
            .and_then(|l| l.strip_suffix(");"))
        else {
            continue;
        };
        let Some((input, expected)) = args.split_once(',') else {
            continue;
        };
        cases.push(Case {
            origin: format!("test_psl.txt:{}", i + 1),
            input: js_argument(input),
            expected: js_argument(expected),
        });
    }
    cases
}

fn run(cases: &[Case], list: &PublicSuffixList, tally: &mut Tally) {
    for case in cases {
        let Some(input) = &case.input else {
            tally
                .skipped
                .entry(
                    "null input: a typed API takes a name, so there is no null to pass".to_string(),
                )
                .or_default()
                .push(case.origin.clone());
            continue;
        };
        let ours = DomainName::parse(input)
            .ok()
            .and_then(|name| list.organisational_domain(&name, Scope::All));
        let expected = match &case.expected {
            None => None,
            Some(e) => match DomainName::parse(e) {
                Ok(d) => Some(d),
                Err(err) => {
                    tally.failed.push(format!(
                        "{}: the expectation {e:?} is not a domain name ({err})",
                        case.origin
                    ));
                    continue;
                }
            },
        };
        if ours == expected {
            tally.passed += 1;
        } else {
            tally.failed.push(format!(
                "{}: {input:?} gave {:?}, expected {:?}",
                case.origin,
                ours.as_ref().map(DomainName::as_str),
                expected.as_ref().map(DomainName::as_str)
            ));
        }
    }
}

fn main() -> ExitCode {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/psl-orgdomain");
    let read = |file: &str| std::fs::read_to_string(dir.join(file));
    let (Ok(list_text), Ok(tests_txt), Ok(test_psl)) = (
        read("public_suffix_list.dat"),
        read("tests.txt"),
        read("test_psl.txt"),
    ) else {
        println!(
            "psl-orgdomain conformance: the suite was expected at {}, which is missing or unreadable",
            dir.display()
        );
        return ExitCode::FAILURE;
    };
    let list = PublicSuffixList::parse(&list_text);
    let embedded = include_str!("../../../data/public_suffix_list.dat");
    if embedded != list_text {
        println!(
            "note: the suite's list differs from the embedded data/public_suffix_list.dat; \
             cases are judged with the suite's list"
        );
    }
    if list.rejected_count() > 0 {
        println!(
            "FAILED the suite's list has {} unusable lines: {:?}",
            list.rejected_count(),
            list.rejected()
        );
        return ExitCode::FAILURE;
    }
    let mut tally = Tally::default();
    let tests = read_tests_txt(&tests_txt);
    let psl = read_test_psl(&test_psl);
    if tests.is_empty() || psl.is_empty() {
        println!("FAILED no cases found in tests.txt or test_psl.txt: the format changed");
        return ExitCode::FAILURE;
    }
    let commented = test_psl
        .lines()
        .filter(|l| l.trim_start().starts_with("//checkPublicSuffix("))
        .count();
    if commented > 0 {
        println!(
            "not counted: {commented} checkPublicSuffix lines that upstream comments out \
             (the non-Internet .local cases; tests.txt comments out the same ones)"
        );
    }
    run(&tests, &list, &mut tally);
    run(&psl, &list, &mut tally);
    for failure in &tally.failed {
        println!("FAILED {failure}");
    }
    for case in &tally.differs {
        println!("judged differently (RFC wins): {case}");
    }
    for (reason, cases) in &tally.skipped {
        println!("skipped {} ({}): {reason}", cases.len(), cases.join(", "));
    }
    println!(
        "psl-orgdomain conformance: {} passed, {} failed, {} skipped, {} judged differently",
        tally.passed,
        tally.failed.len(),
        tally.skipped.values().map(Vec::len).sum::<usize>(),
        tally.differs.len()
    );
    if tally.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
