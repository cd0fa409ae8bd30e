//! Conformance: chromium/hstspreload's header tables (`header_cases.json`),
//! driven through `indaba_checks::hsts`.
//!
//! hstspreload's issue codes are its own; each case is mapped onto RFC 6797
//! as SOURCE.txt asks:
//!
//! - a parse *error* code (`header.parse.invalid.max_age.no_value`,
//!   `…max_age.parse_int_error`, `…non_digit_characters`) means the header is
//!   invalid, with the matching [`HstsError`];
//! - an expected `maxAge` of null, or a `max_age.missing` (preloadable) or
//!   `missing.max_age` (removable) code, means the
//!   header is invalid because max-age is required (RFC 6797 §6.1.1;
//!   hstspreload's parser accepts it and its policy check rejects it);
//! - otherwise the header is valid, and the expected `preload`,
//!   `includeSubDomains` and `maxAge`, and the `…preload.missing`,
//!   `…include_sub_domains.missing`, `…contains.preload`, `…max_age.zero` and
//!   `…below_*` codes, must agree with what we parsed and with the
//!   `web.https.hsts` verdict (pass from one year; shorter fails with partial
//!   credit; zero fails).
//!
//! Judged differently, with the reason printed: a repeated directive, which
//! hstspreload accepts with a warning and RFC 6797 §6.1 makes the header
//! invalid; and hstspreload's optional 18-week policy, under which Indaba
//! (like internet.nl) still requires one year.

use std::path::PathBuf;
use std::process::ExitCode;

use indaba_checks::hsts::{self, AddressHsts, HstsError, HstsFetch, ONE_YEAR};
use indaba_model::Status;
use serde_json::Value;

enum Outcome {
    Pass,
    Differs(String),
    Fail(String),
}

fn verdict(header: &str) -> (Status, bool) {
    let f = hsts::finding(&[AddressHsts {
        address: "192.0.2.1".into(),
        fetch: HstsFetch::Received(vec![header.as_bytes().to_vec()]),
    }]);
    (f.status, f.partial)
}

fn codes(case: &Value, key: &str) -> Vec<String> {
    case.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn judge(table: &str, case: &Value) -> Outcome {
    let Some(header) = case.get("header").and_then(Value::as_str) else {
        return Outcome::Fail("no header".into());
    };
    let description = case
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let errors = codes(case, "errors");
    let warnings = codes(case, "warnings");
    let has = |list: &[String], suffix: &str| list.iter().any(|c| c.ends_with(suffix));
    let ours = hsts::parse(header.as_bytes());

    // Invalid per a parse error code.
    let parse_error = errors
        .iter()
        .find(|c| c.starts_with("header.parse."))
        .cloned();
    if let Some(code) = parse_error {
        let ok = match code.as_str() {
            "header.parse.invalid.max_age.no_value" => {
                matches!(ours, Err(HstsError::MaxAgeWithoutValue))
            }
            "header.parse.max_age.parse_int_error" => {
                matches!(
                    ours,
                    Err(HstsError::Syntax { .. } | HstsError::BadMaxAge(_))
                )
            }
            "header.parse.max_age.non_digit_characters" => {
                matches!(ours, Err(HstsError::BadMaxAge(_)))
            }
            _ => return Outcome::Fail(format!("unmapped error code {code}")),
        };
        return if ok {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("{code}: ours {ours:?}"))
        };
    }

    let expected = case.get("expected").filter(|e| !e.is_null());
    let max_age_missing = expected
        .map(|e| e.get("maxAge").is_some_and(Value::is_null))
        .unwrap_or(false)
        || has(&errors, "max_age.missing")
        || has(&errors, "missing.max_age");
    if max_age_missing {
        return match ours {
            Err(HstsError::MissingMaxAge) => Outcome::Pass,
            other => Outcome::Fail(format!(
                "max-age is missing, so RFC 6797 §6.1.1 makes it invalid; ours {other:?}"
            )),
        };
    }

    if let Some(code) = warnings
        .iter()
        .find(|c| c.starts_with("header.parse.repeated"))
    {
        return match ours {
            Err(HstsError::Duplicate(name)) => Outcome::Differs(format!(
                "hstspreload accepts it with the warning {code}; RFC 6797 §6.1 says every \
                 directive MUST appear only once and a non-conforming header MUST be ignored, \
                 so ours rejects it (duplicate {name})"
            )),
            other => Outcome::Fail(format!("repeated directive; ours {other:?}")),
        };
    }

    let policy = match ours {
        Ok(p) => p,
        Err(e) => return Outcome::Fail(format!("valid for hstspreload, ours: {e}")),
    };
    let mut wrong = Vec::new();
    if let Some(e) = expected {
        let flag = |k: &str| e.get(k).and_then(Value::as_bool);
        if flag("preload") != Some(policy.preload) {
            wrong.push(format!(
                "preload {} expected {:?}",
                policy.preload,
                flag("preload")
            ));
        }
        if flag("includeSubDomains") != Some(policy.include_subdomains) {
            wrong.push(format!(
                "includeSubDomains {} expected {:?}",
                policy.include_subdomains,
                flag("includeSubDomains")
            ));
        }
        if e.get("maxAge").and_then(Value::as_u64) != Some(policy.max_age) {
            wrong.push(format!(
                "max-age {} expected {:?}",
                policy.max_age,
                e.get("maxAge")
            ));
        }
    }
    if has(&errors, "preload.missing") && policy.preload {
        wrong.push("preload set but hstspreload finds it missing".into());
    }
    if has(&errors, "include_sub_domains.missing") && policy.include_subdomains {
        wrong.push("includeSubDomains set but hstspreload finds it missing".into());
    }
    if has(&errors, "contains.preload") && !policy.preload {
        wrong.push("preload not seen but hstspreload finds it".into());
    }
    if table == "parseHeaderStringTests" || table == "removableHeaderStringTests" {
        // Parsing only (removable: whether a site may leave the list).
        return if wrong.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(wrong.join("; "))
        };
    }

    // The max-age verdict.
    let ours_verdict = verdict(header);
    let expected_verdict = if has(&errors, "max_age.zero") {
        (Status::Fail, false)
    } else if policy.max_age < ONE_YEAR {
        (Status::Fail, true)
    } else {
        (Status::Pass, false)
    };
    if has(&errors, "max_age.zero") && policy.max_age != 0 {
        wrong.push("hstspreload reads max-age=0".into());
    }
    if (has(&errors, "below_1_year") || has(&errors, "below_18_weeks"))
        && policy.max_age >= ONE_YEAR
    {
        wrong.push("hstspreload finds max-age below its minimum".into());
    }
    if ours_verdict != expected_verdict {
        wrong.push(format!(
            "verdict {ours_verdict:?}, expected {expected_verdict:?}"
        ));
    }
    if !wrong.is_empty() {
        return Outcome::Fail(wrong.join("; "));
    }
    let hstspreload_ok = !errors.iter().any(|c| c.contains("max_age"));
    if hstspreload_ok && ours_verdict.0 != Status::Pass {
        if description.contains("18 weeks") {
            return Outcome::Differs(format!(
                "hstspreload's 18-week policy accepts max-age={}; Indaba (like internet.nl) \
                 requires one year, so it fails with partial credit",
                policy.max_age
            ));
        }
        return Outcome::Fail(format!("hstspreload accepts it; ours {ours_verdict:?}"));
    }
    Outcome::Pass
}

fn main() -> ExitCode {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/hsts-hstspreload/header_cases.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "hsts-hstspreload conformance: the suite was expected at {}, which is missing or \
             unreadable",
            path.display()
        );
        return ExitCode::FAILURE;
    };
    let Ok(Value::Object(tables)) = serde_json::from_str::<Value>(&text) else {
        println!("FAILED header_cases.json is not a JSON object of tables");
        return ExitCode::FAILURE;
    };
    let (mut passed, mut failed, mut differs) = (0, Vec::new(), Vec::new());
    for (table, cases) in &tables {
        let Some(cases) = cases.as_array() else {
            failed.push(format!("{table}: not a list"));
            continue;
        };
        for case in cases {
            let origin = format!(
                "{table} {:?} ({})",
                case.get("header").and_then(Value::as_str).unwrap_or("?"),
                case.get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
            );
            match judge(table, case) {
                Outcome::Pass => passed += 1,
                Outcome::Differs(why) => differs.push(format!("{origin}: {why}")),
                Outcome::Fail(why) => failed.push(format!("{origin}: {why}")),
            }
        }
    }
    if passed + failed.len() + differs.len() == 0 {
        println!("FAILED no cases found: the format changed");
        return ExitCode::FAILURE;
    }
    for f in &failed {
        println!("FAILED {f}");
    }
    for d in &differs {
        println!("judged differently (RFC 6797 / Indaba policy wins): {d}");
    }
    println!(
        "hsts-hstspreload conformance: {passed} passed, {} failed, 0 skipped, {} judged differently",
        failed.len(),
        differs.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
