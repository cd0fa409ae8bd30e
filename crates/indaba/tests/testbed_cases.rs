//! Every case of `testbed/cases.toml` gives its expected verdicts when the
//! real binary tests it on the test network.
//!
//! The test network must be up and this test must run inside its namespace:
//! `./run-tests` does both. Run alone, it fails and says so; it never skips.

use indaba_testkit::{repo_root as root, testbed_env};
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Mutex;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Debug, Clone, Deserialize)]
struct Case {
    domain: String,
    kind: String,
    #[serde(default)]
    about: String,
    /// Routing sources: `live` (default: RTR and the Cymru-format zone),
    /// `files` (VRP JSON and prefix-to-AS file) or `none`.
    #[serde(default)]
    routing: Option<String>,
    /// Extra arguments for `indaba check` (e.g. `--dkim-selector sel1`).
    #[serde(default)]
    args: Vec<String>,
    expect: BTreeMap<String, String>,
    /// Text a finding's summary or evidence must contain, by check id: what
    /// the verdict alone cannot tell (which version or suite made it fail).
    #[serde(default)]
    mentions: BTreeMap<String, String>,
    /// The overall score, or the outcome when there is none
    /// (`not_scored`, `does_not_exist`, `no_web_server`, `no_mail_servers`).
    /// Every case must have one; the test says which lack it.
    #[serde(default)]
    score: Option<Score>,
    /// Every category's score (`not_scored` when it could not be scored).
    #[serde(default)]
    categories: BTreeMap<String, Score>,
}

/// A score as the cases file writes it: a number, or a word.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
enum Score {
    Points(u8),
    Word(String),
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Score::Points(n) => write!(f, "{n}"),
            Score::Word(w) => write!(f, "{w:?}"),
        }
    }
}

/// The overall score of a report as the cases file writes it.
fn overall_score(report: &serde_json::Value) -> Score {
    match report["score"].as_u64() {
        Some(n) => Score::Points(n as u8),
        None => Score::Word(
            report["verdict"]["outcome"]
                .as_str()
                .unwrap_or("?")
                .to_string(),
        ),
    }
}

/// Each category's score of a report as the cases file writes it.
fn category_scores(report: &serde_json::Value) -> BTreeMap<String, Score> {
    report["categories"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let score = match c["score"].as_u64() {
                Some(n) => Score::Points(n as u8),
                None => Score::Word(c["verdict"].as_str().unwrap_or("not_scored").to_string()),
            };
            (c["category"].as_str().unwrap_or("?").to_string(), score)
        })
        .collect()
}

/// With INDABA_BLESS_SCORES set, notes case `index`'s scores in
/// `testbed/run/scores.tsv` (index, score, categories as TOML), for a
/// person to review and copy into the cases file when a policy changes.
fn bless_scores(index: usize, report: &serde_json::Value) {
    use std::io::Write as _;
    let toml = |s: &Score| match s {
        Score::Points(n) => n.to_string(),
        Score::Word(w) => format!("{w:?}"),
    };
    let categories: Vec<String> = category_scores(report)
        .iter()
        .map(|(k, v)| format!("{k} = {}", toml(v)))
        .collect();
    let line = format!(
        "{index}\t{}\t{}\n",
        toml(&overall_score(report)),
        categories.join(", ")
    );
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root().join("testbed/run/scores.tsv"))
    {
        let _ = f.write_all(line.as_bytes());
    }
}

/// What must hold in every scored report whatever the case: a category's
/// score is its earned points over its possible points, a required check
/// with points that fails keeps its category below 100, and the overall score is the
/// mean of the categories'. (A higher score for a worse site is a bug.)
fn score_rules(report: &serde_json::Value) -> Vec<String> {
    let mut broken = Vec::new();
    let mut scored = Vec::new();
    for c in report["categories"].as_array().into_iter().flatten() {
        let id = c["category"].as_str().unwrap_or("?");
        let Some(score) = c["score"].as_u64() else {
            continue;
        };
        scored.push(score);
        let (earned, possible) = (
            c["earned"].as_u64().unwrap_or(0),
            c["possible"].as_u64().unwrap_or(0),
        );
        if possible > 0
            && score != (earned * 100 + possible / 2) / possible
            && score != earned * 100 / possible
        {
            broken.push(format!(
                "{id}: score {score} is not {earned} of {possible} points"
            ));
        }
        let failed = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| {
                f["status"] == "fail"
                    && f["points"]["possible"].as_u64().unwrap_or(0) > 0
                    && indaba_model::catalogue::check(f["check"].as_str().unwrap_or(""))
                        .is_some_and(|k| k.category.id() == id)
            });
        if failed && score == 100 {
            broken.push(format!("{id}: 100 with a required check failing"));
        }
    }
    if let Some(overall) = report["score"].as_u64()
        && !scored.is_empty()
    {
        let mean = scored.iter().sum::<u64>() as f64 / scored.len() as f64;
        if (overall as f64 - mean).abs() > 1.0 {
            broken.push(format!("overall {overall} is not the mean of {scored:?}"));
        }
    }
    broken
}

/// The routing flags of a case.
fn routing_args(env: &BTreeMap<String, String>, case: &Case) -> Result<Vec<String>, String> {
    let get = |key: &str| {
        env.get(key)
            .cloned()
            .ok_or_else(|| format!("{key} missing from the testbed env"))
    };
    Ok(match case.routing.as_deref().unwrap_or("live") {
        "live" => vec![
            "--rtr".into(),
            get("INDABA_TB_RTR")?,
            "--origins-zone".into(),
            get("INDABA_TB_ORIGINS_ZONE")?,
        ],
        "files" => vec![
            "--vrps".into(),
            get("INDABA_TB_VRPS")?,
            "--origins-file".into(),
            get("INDABA_TB_ORIGINS_FILE")?,
        ],
        "none" => vec![],
        other => return Err(format!("unknown routing {other:?}: live, files or none")),
    })
}

fn load_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("testbed/cases.toml"))
        .expect("testbed/cases.toml is missing");
    let cases: Cases = toml::from_str(&text).expect("testbed/cases.toml does not parse");
    assert!(!cases.case.is_empty(), "testbed/cases.toml has no case");
    cases.case
}

fn run_case(env: &BTreeMap<String, String>, case: &Case) -> Result<serde_json::Value, String> {
    let resolver = env
        .get("INDABA_TB_RESOLVER")
        .ok_or("INDABA_TB_RESOLVER missing from the testbed env")?;
    let anchor = env
        .get("INDABA_TB_TRUST_ANCHOR")
        .ok_or("INDABA_TB_TRUST_ANCHOR missing from the testbed env")?;
    let flag = match case.kind.as_str() {
        "web" => "--web",
        "mail" => "--mail",
        other => return Err(format!("unknown kind {other}")),
    };
    let out = Command::new(env!("CARGO_BIN_EXE_indaba"))
        .args([
            "check",
            flag,
            &case.domain,
            "--resolver",
            resolver,
            "--trust-anchor",
            anchor,
            "--ca-file",
            env.get("INDABA_TB_CA")
                .ok_or("INDABA_TB_CA missing from the testbed env")?,
            "--allow-private-targets",
            "--json",
            "--timeout",
            "30",
            "--query-timeout",
            "2",
        ])
        .args(routing_args(env, case)?)
        .args(&case.args)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "indaba check failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("not JSON: {e}"))
}

#[test]
fn every_case_gives_its_verdicts() {
    let env = testbed_env();
    let cases = load_cases();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let problems = Mutex::new(Vec::<String>::new());
    let checked = Mutex::new(0usize);
    let numbered: Vec<(usize, &Case)> = cases.iter().enumerate().collect();
    std::thread::scope(|scope| {
        for chunk in numbered.chunks(cases.len().div_ceil(6).max(1)) {
            let (env, problems, checked, validator) = (&env, &problems, &checked, &validator);
            scope.spawn(move || {
                for &(index, case) in chunk {
                    let label = format!("{} ({}) [{}]", case.domain, case.kind, case.about);
                    let report = match run_case(env, case) {
                        Ok(r) => r,
                        Err(e) => {
                            problems.lock().unwrap().push(format!("{label}: {e}"));
                            continue;
                        }
                    };
                    for error in validator.iter_errors(&report) {
                        problems
                            .lock()
                            .unwrap()
                            .push(format!("{label}: report violates the schema: {error}"));
                    }
                    let finding = |check: &str| {
                        report["findings"]
                            .as_array()
                            .and_then(|fs| fs.iter().find(|f| f["check"] == check))
                    };
                    for (check, expected) in &case.expect {
                        let finding = finding(check);
                        *checked.lock().unwrap() += 1;
                        match finding {
                            None => problems
                                .lock()
                                .unwrap()
                                .push(format!("{label}: no finding for {check}")),
                            Some(f) if f["status"] != expected.as_str() => {
                                problems.lock().unwrap().push(format!(
                                    "{label}: {check} expected {expected}, got {}: {}\n    evidence: {}",
                                    f["status"], f["summary"], f["evidence"]
                                ))
                            }
                            Some(_) => {}
                        }
                    }
                    if std::env::var_os("INDABA_BLESS_SCORES").is_some() {
                        bless_scores(index, &report);
                    }
                    let overall = overall_score(&report);
                    match &case.score {
                        None => problems
                            .lock()
                            .unwrap()
                            .push(format!("{label}: no expected score (got {overall})")),
                        Some(expected) if *expected != overall => {
                            problems.lock().unwrap().push(format!(
                                "{label}: overall score expected {expected}, got {overall}"
                            ))
                        }
                        Some(_) => {}
                    }
                    let categories = category_scores(&report);
                    if categories != case.categories {
                        problems.lock().unwrap().push(format!(
                            "{label}: category scores expected {:?}, got {categories:?}",
                            case.categories
                        ));
                    }
                    for rule in score_rules(&report) {
                        problems.lock().unwrap().push(format!("{label}: {rule}"));
                    }
                    for (check, text) in &case.mentions {
                        let finding = finding(check);
                        *checked.lock().unwrap() += 1;
                        let said = finding
                            .map(|f| format!("{} {}", f["summary"], f["evidence"]))
                            .unwrap_or_default();
                        if !said.contains(text.as_str()) {
                            problems.lock().unwrap().push(format!(
                                "{label}: {check} does not mention {text:?}: {said}"
                            ));
                        }
                    }
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    let checked = checked.into_inner().unwrap();
    println!(
        "testbed cases: {} cases, {checked} verdicts, {} wrong",
        cases.len(),
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} verdict(s) differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn cases_file_names_only_known_checks_and_verdicts() {
    let cases = load_cases();
    for case in &cases {
        for (check, verdict) in &case.expect {
            assert!(
                indaba_model::catalogue::check(check).is_some(),
                "{}: unknown check {check}",
                case.domain
            );
            assert!(
                indaba_model::Status::parse(verdict).is_some(),
                "{}: unknown verdict {verdict}",
                case.domain
            );
        }
        for check in case.mentions.keys() {
            assert!(
                case.expect.contains_key(check),
                "{}: mentions for {check}, whose verdict the case does not expect",
                case.domain
            );
        }
    }
}

/// Runs `indaba check` in the test network with the given arguments.
fn indaba(env: &BTreeMap<String, String>, args: &[&str]) -> std::process::Output {
    let resolver = env.get("INDABA_TB_RESOLVER").expect("resolver in env");
    let anchor = env.get("INDABA_TB_TRUST_ANCHOR").expect("anchor in env");
    Command::new(env!("CARGO_BIN_EXE_indaba"))
        .arg("check")
        .args(args)
        .args(["--resolver", resolver, "--trust-anchor", anchor])
        .output()
        .expect("indaba runs")
}

#[test]
fn private_targets_are_refused_unless_allowed() {
    let env = testbed_env();
    // A name outside the special-use TLDs (.test names are refused before
    // any lookup), whose web host has a private address.
    let out = indaba(&env, &["--web", "insecure.plain"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a private target must be refused"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        // Whichever of its addresses (127.0.10.1, fd00::10:1) came first.
        (stderr.contains("127.0.10.1") || stderr.contains("fd00::10:1"))
            && stderr.contains("--allow-private-targets"),
        "the refusal says which address and how to allow it: {stderr}"
    );
    assert!(out.stdout.is_empty(), "no report for a refused target");
}

#[test]
fn the_report_time_limit_cuts_a_slow_test_short() {
    let env = testbed_env();
    // lame.test's name servers never answer; the resolver keeps trying.
    let out = indaba(
        &env,
        &[
            "--web",
            "lame.test",
            "--allow-private-targets",
            "--json",
            "--timeout",
            "1",
            "--query-timeout",
            "5",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in report["findings"].as_array().unwrap() {
        // No routing source is given here: the route checks say this
        // instance does not test routes; everything else ran out of time.
        let expected = if f["message"]["id"] == "rpki-no-vrp-source" {
            "not_applicable"
        } else {
            "error"
        };
        assert_eq!(f["status"], expected, "{f}");
    }
    let cut = report["observations"]["cut_short"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let timed_out = report["observations"]["dns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["outcome"]["kind"] == "timeout" || e["outcome"]["kind"] == "cancelled");
    assert!(
        !cut.is_empty() || timed_out,
        "the report says the limit cut it short"
    );
}
