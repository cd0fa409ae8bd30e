//! `indaba contacts` (the real binary) on the test network: security.txt
//! first, then RDAP abuse contacts from the RDAP service at rdap.test, with
//! their sources; and the misbehaving RDAP answers (no abuse contact, a
//! malformed jCard, malformed JSON, a 50 MiB answer, a redirect loop) giving
//! clear problems while the other sources still answer.
//!
//! Run inside the test network: `./run-tests`, or `testbed/up` then
//! `ip netns exec indaba cargo test -p indaba --test contacts`.

use indaba_testkit::testbed_env;
use std::collections::BTreeMap;
use std::process::{Command, Output};

use serde_json::Value;

fn get<'a>(env: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    env.get(key).unwrap_or_else(|| {
        panic!("{key} missing from the testbed env; is the test network current?")
    })
}

/// Runs `indaba contacts TARGET` with the testbed's settings and `extra`.
fn run(target: &str, extra: &[&str]) -> Output {
    let env = testbed_env();
    Command::new(env!("CARGO_BIN_EXE_indaba"))
        .args(["contacts", target])
        .args(["--resolver", get(&env, "INDABA_TB_RESOLVER")])
        .args(["--trust-anchor", get(&env, "INDABA_TB_TRUST_ANCHOR")])
        .args(["--timeout", "30"])
        .args(extra)
        .output()
        .expect("indaba runs")
}

/// The standard settings: private targets allowed, the testbed CA, and the
/// bootstrap files served by rdap.test.
fn standard(env: &BTreeMap<String, String>) -> Vec<String> {
    vec![
        "--allow-private-targets".into(),
        "--ca-file".into(),
        get(env, "INDABA_TB_CA").into(),
        "--rdap-bootstrap".into(),
        get(env, "INDABA_TB_RDAP_BOOTSTRAP_URL").into(),
    ]
}

/// `contacts --json` with the standard settings; the report.
fn report(target: &str, extra: &[&str]) -> Value {
    let env = testbed_env();
    let mut args: Vec<String> = standard(&env);
    if extra.contains(&"--rdap-bootstrap") {
        // The caller's bootstrap replaces the standard one.
        args.truncate(args.len() - 2);
    }
    args.push("--json".into());
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(target, &refs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "contacts {target}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the JSON report parses")
}

fn contacts(report: &Value) -> &Vec<Value> {
    report["contacts"].as_array().expect("contacts list")
}

fn problems(report: &Value) -> String {
    report["problems"]
        .as_array()
        .expect("problems list")
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn emails(contact: &Value) -> Vec<&str> {
    contact["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn security_txt_comes_first_then_rdap_abuse_contacts_with_their_sources() {
    let env = testbed_env();
    let r = report(
        "tls-good.test",
        &["--origins-file", get(&env, "INDABA_TB_ORIGINS_FILE")],
    );
    assert_eq!(r["addresses"], serde_json::json!(["127.0.30.1"]));
    assert_eq!(r["addresses_dnssec"], "secure");
    let list = contacts(&r);
    let summary: Vec<(String, String, Vec<&str>)> = list
        .iter()
        .map(|c| {
            (
                c["source"].as_str().unwrap().to_string(),
                c["about"].as_str().unwrap().to_string(),
                emails(c),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "security_txt".into(),
                "tls-good.test".into(),
                vec!["security@tls-good.test"]
            ),
            (
                "rdap".into(),
                "127.0.30.1".into(),
                vec!["abuse@hosting.test"]
            ),
            ("rdap".into(), "AS64530".into(), vec!["abuse@hosting.test"]),
            (
                "rdap".into(),
                "tls-good.test".into(),
                vec!["abuse@registrar.test"]
            ),
        ],
        "{r:#}"
    );
    assert_eq!(
        list[0]["url"],
        "https://tls-good.test/.well-known/security.txt"
    );
    assert_eq!(list[1]["url"], "https://rdap.test/rdap/ip/127.0.30.1");
    assert_eq!(list[1]["role"], "abuse");
    assert_eq!(list[1]["entity"], "ABUSE-TBH");
    assert_eq!(list[1]["within"], serde_json::json!(["ORG-TBH"]));
    assert_eq!(list[1]["name"], "Testbed Hosting Abuse Desk");
    assert_eq!(
        list[1]["phones"],
        serde_json::json!(["tel:+27-21-555-0100"])
    );
    assert_eq!(
        list[1]["postal"],
        serde_json::json!(["1 Loopback Road, Cape Town, Western Cape, 8001, South Africa"])
    );
    assert_eq!(list[3]["entity"], "ABUSE-REG");
    assert_eq!(list[3]["within"], serde_json::json!(["REG-TESTBED"]));
    assert_eq!(r["security_txt"]["status"], "pass");
    // The file's Preferred-Languages (what owner notices are written in).
    assert_eq!(
        r["security_txt"]["preferred_languages"],
        serde_json::json!(["en"])
    );
    assert_eq!(problems(&r), "", "a clean domain has no problems");
}

#[test]
fn the_text_output_lists_contacts_in_order_with_provenance() {
    let env = testbed_env();
    let args = standard(&env);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run("tls-good.test", &refs);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
    };
    assert!(
        at("1. security@tls-good.test") < at("2. Testbed Hosting Abuse Desk: abuse@hosting.test")
    );
    assert!(
        at("entity ABUSE-TBH (within ORG-TBH), https://rdap.test/rdap/ip/127.0.30.1") > at("2. ")
    );
    assert!(at("3. Testbed Registrar Abuse: abuse@registrar.test") > at("2. "));
}

#[test]
fn a_bootstrap_directory_and_both_address_families() {
    let env = testbed_env();
    let r = report(
        "signed.test",
        &[
            "--rdap-bootstrap",
            get(&env, "INDABA_TB_RDAP_BOOTSTRAP_DIR"),
        ],
    );
    let about: Vec<&str> = contacts(&r)
        .iter()
        .map(|c| c["about"].as_str().unwrap())
        .collect();
    assert_eq!(about, ["127.0.10.1", "fd00::10:1", "signed.test"], "{r:#}");
    assert_eq!(r["rdap"][1]["url"], "https://rdap.test/rdap/ip/fd00::10:1");
}

#[test]
fn an_address_and_an_as_number_alone() {
    let r = report("fd00::30:10", &[]);
    assert_eq!(emails(&contacts(&r)[0]), ["abuse@hosting.test"]);
    assert!(r["security_txt"].is_null());
    let r = report("AS64500", &[]);
    assert_eq!(contacts(&r).len(), 1);
    assert_eq!(
        contacts(&r)[0]["url"],
        "https://rdap.test/rdap/autnum/64500"
    );
}

#[test]
fn no_abuse_contact_is_said_plainly() {
    let r = report("rdap-noabuse.test", &[]);
    assert!(contacts(&r).is_empty(), "{r:#}");
    let p = problems(&r);
    assert!(
        p.contains(
            "RDAP 127.0.41.1 (https://rdap.test/rdap/ip/127.0.41.1): no entity with role abuse"
        ),
        "{p}"
    );
    assert!(
        p.contains("RDAP rdap-noabuse.test (https://rdap.test/rdap/domain/rdap-noabuse.test): no entity with role abuse"),
        "{p}"
    );
}

#[test]
fn a_malformed_jcard_is_an_error_for_that_entity_only() {
    let r = report("rdap-badjcard.test", &[]);
    let list = contacts(&r);
    assert_eq!(list.len(), 1, "{r:#}");
    assert_eq!(emails(&list[0]), ["abuse@cards.test"]);
    let p = problems(&r);
    assert!(
        p.contains(
            "abuse entity ABUSE-BROKEN has a malformed jCard: property 2 (email): it has no value"
        ),
        "{p}"
    );
    let domain = &r["rdap"][1];
    assert_eq!(domain["outcome"]["status"], "object");
    let entities = domain["outcome"]["object"]["entities"].as_array().unwrap();
    let broken = entities
        .iter()
        .find(|e| e["handle"] == "ABUSE-BROKEN")
        .expect("the broken entity is kept");
    assert_eq!(broken["contact"]["status"], "malformed");
}

#[test]
fn malformed_json_is_a_clear_error() {
    let r = report("rdap-badjson.test", &[]);
    assert!(contacts(&r).is_empty());
    let p = problems(&r);
    assert!(
        p.contains("RDAP rdap-badjson.test (https://rdap.test/rdap/domain/rdap-badjson.test): the answer is not JSON: EOF while parsing"),
        "{p}"
    );
    assert!(p.contains("RDAP 127.0.44.1"), "{p}");
}

#[test]
fn a_50_mib_answer_is_refused_unread() {
    let r = report("rdap-huge.test", &[]);
    assert!(contacts(&r).is_empty());
    let p = problems(&r);
    for query in ["127.0.43.1", "rdap-huge.test"] {
        assert!(
            p.lines().any(|l| l.starts_with(&format!("RDAP {query} "))
                && l.contains(
                    "the answer is 52428870 bytes, over the limit of 1048576 bytes; not read"
                )),
            "{query}: {p}"
        );
    }
}

#[test]
fn redirects_are_followed_and_loops_cut_off() {
    let r = report("rdap-redirect.test", &[]);
    let list = contacts(&r);
    assert_eq!(list.len(), 1, "{r:#}");
    assert_eq!(
        list[0]["url"],
        "https://rdap.test/rdap/moved/domain/rdap-redirect.test"
    );
    assert!(problems(&r).contains("rdap-redirect.test has no address"));
    let r = report("rdap-loop.test", &[]);
    assert!(contacts(&r).is_empty());
    assert!(problems(&r).contains("more than 5 redirects"), "{r:#}");
}

#[test]
fn rdap_servers_must_present_a_trusted_certificate() {
    let env = testbed_env();
    let out = run(
        "AS64500",
        &[
            "--json",
            "--allow-private-targets",
            "--rdap-bootstrap",
            get(&env, "INDABA_TB_RDAP_BOOTSTRAP_DIR"),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(contacts(&r).is_empty());
    let p = problems(&r);
    assert!(
        p.contains("TLS failed") && p.contains("UnknownIssuer"),
        "{p}"
    );
}

#[test]
fn bad_settings_and_private_targets_stop_with_status_2() {
    let env = testbed_env();
    let out = run(
        "tls-good.test",
        &["--rdap-bootstrap", "/nonexistent/bootstrap"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("neither an http(s) URL nor a directory")
    );
    let out = run(
        "tls-good.test",
        &[
            "--rdap-bootstrap",
            get(&env, "INDABA_TB_RDAP_BOOTSTRAP_DIR"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("127.0.30.1") && err.contains("--allow-private-targets"),
        "{err}"
    );
    let out = run("not a name!", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("is not a domain, an IP address or an AS number")
    );
}
