//! Conformance: eikendev/sectxt's test files (`securitytxt-eikendev`),
//! driven through `indaba_checks::security_txt`.
//!
//! Every file in `valid_unsigned/`, `valid_signed/` and `gen_unsigned/` must
//! parse (upstream: all are valid). For us that means: no fatal error, no
//! invalid line, and no file-level error from `check` with the clock pinned
//! 30 days before the file's own Expires (SOURCE.txt: the dates may be in
//! the past, so expiry is not what is tested). Signed files must be
//! recognised as signed.
//!
//! Judged differently, with the reason: an `Expires` whose date and time are
//! separated by a space. RFC 9116 §4 imports the RFC 3339 `date-time` rule,
//! whose grammar has only "T"; sectxt accepts the space that RFC 3339's
//! prose note allows for readability.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indaba_checks::security_txt::{ExpiresProblem, FieldValue, LineError, Severity, check, parse};
use indaba_model::ToMessage;
use time::{Duration, OffsetDateTime};

enum Outcome {
    Pass,
    Differs(String),
    Fail(String),
}

fn english(m: &indaba_model::Message) -> String {
    indaba_i18n::english().render(indaba_i18n::DEFAULT_LANGUAGE, m)
}

fn judge(path: &Path, must_be_signed: bool) -> Outcome {
    let Ok(body) = std::fs::read(path) else {
        return Outcome::Fail("unreadable".into());
    };
    let txt = match parse(&body) {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(english(&e.to_message())),
    };
    if must_be_signed && !txt.signed {
        return Outcome::Fail("a signed file was not recognised as signed".into());
    }
    let expires = txt.fields.iter().find_map(|f| match f.value {
        FieldValue::Expires(t) => Some(t),
        _ => None,
    });
    let now = expires.map_or(OffsetDateTime::UNIX_EPOCH, |t| t - Duration::days(30));
    let problems: Vec<String> = check(&txt, now, None)
        .into_iter()
        .filter(|p| p.severity != Severity::Note)
        .map(|p| format!("{:?}: {}", p.subject, english(&p.detail)))
        .collect();
    if problems.is_empty() {
        return Outcome::Pass;
    }
    // Every problem must be the "T" separator, for the case to differ.
    let all_separator = !txt.problems.is_empty()
        && txt.problems.iter().all(|p| {
            matches!(
                &p.error,
                LineError::BadExpires {
                    reason: ExpiresProblem::SeparatorNotT,
                    ..
                }
            )
        })
        && problems.len() == txt.problems.len();
    if all_separator {
        let line = txt.problems.first().map_or(0, |p| p.line);
        return Outcome::Differs(format!(
            "line {line}: Expires uses a space between date and time; RFC 9116 §4 imports the \
             RFC 3339 date-time grammar, which requires \"T\" (sectxt accepts the space of \
             RFC 3339's readability note)"
        ));
    }
    Outcome::Fail(problems.join(" | "))
}

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/securitytxt-eikendev/sectxtlib/resources/test");
    let (mut passed, mut failed, mut differs) = (0, Vec::new(), Vec::new());
    let mut counted = 0;
    for (folder, signed) in [
        ("valid_unsigned", false),
        ("valid_signed", true),
        ("gen_unsigned", false),
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            println!(
                "securitytxt-eikendev conformance: {} is missing or unreadable",
                root.join(folder).display()
            );
            return ExitCode::FAILURE;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "stxt"))
            .collect();
        files.sort();
        for file in files {
            counted += 1;
            let origin = format!(
                "{folder}/{}",
                file.file_name().unwrap_or_default().to_string_lossy()
            );
            match judge(&file, signed) {
                Outcome::Pass => passed += 1,
                Outcome::Differs(why) => differs.push(format!("{origin}: {why}")),
                Outcome::Fail(why) => failed.push(format!("{origin}: {why}")),
            }
        }
    }
    if counted == 0 {
        println!("FAILED no cases found: the layout changed");
        return ExitCode::FAILURE;
    }
    for f in &failed {
        println!("FAILED {f}");
    }
    for d in &differs {
        println!("judged differently (RFC 9116 wins): {d}");
    }
    println!(
        "securitytxt-eikendev conformance: {passed} passed, {} failed, 0 skipped, {} judged differently",
        failed.len(),
        differs.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
