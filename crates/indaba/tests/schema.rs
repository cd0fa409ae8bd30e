//! The committed JSON Schema is the one the code produces, and reports the
//! binary prints validate against it.

use std::path::PathBuf;
use std::process::Command;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/report.schema.json")
}

#[test]
fn committed_schema_is_current() {
    let generated =
        serde_json::to_string_pretty(&indaba_model::report::report_schema()).unwrap() + "\n";
    if std::env::var_os("INDABA_BLESS").is_some() {
        std::fs::write(schema_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(schema_path())
        .expect("schemas/report.schema.json is missing; run with INDABA_BLESS=1 to write it");
    assert_eq!(
        committed, generated,
        "schemas/report.schema.json is out of date; run INDABA_BLESS=1 cargo test -p indaba --test schema"
    );
}

#[test]
fn a_real_report_validates() {
    // A resolver that refuses: the report is all errors, but it is a real report.
    // (example.org is a documentation name, tested only where private
    // targets are allowed.)
    let out = Command::new(env!("CARGO_BIN_EXE_indaba"))
        .args([
            "check",
            "--web",
            "example.org",
            "--allow-private-targets",
            "--resolver",
            "127.0.0.1:9",
            "--json",
            "--timeout",
            "5",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match the schema: {errors:?}"
    );
    // And a broken report does not.
    let mut broken = report.clone();
    broken["findings"][0]["status"] = serde_json::json!("maybe");
    assert!(!validator.is_valid(&broken));
}
