//! `indaba spf` end to end: the real binary evaluates the test network's SPF
//! records (testbed/up, spf_records) through its resolver.
//!
//! The test network must be up and this test must run inside its namespace:
//! `./run-tests` does both. Run alone, it fails and says so; it never skips.

use indaba_testkit::testbed_env;
use std::process::{Command, Output};

fn spf(args: &[&str]) -> Output {
    let env = testbed_env();
    Command::new(env!("CARGO_BIN_EXE_indaba"))
        .arg("spf")
        .args(args)
        .args([
            "--resolver",
            &env["INDABA_TB_RESOLVER"],
            "--trust-anchor",
            &env["INDABA_TB_TRUST_ANCHOR"],
            "--timeout",
            "20",
        ])
        .output()
        .expect("indaba runs")
}

/// `indaba spf DOMAIN --ip IP --json [extra]`, parsed.
fn check(domain: &str, ip: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![domain, "--ip", ip, "--json"];
    args.extend_from_slice(extra);
    let out = spf(&args);
    assert!(
        out.status.success(),
        "indaba spf {domain} --ip {ip} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn trace(v: &serde_json::Value) -> String {
    v["trace"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .map(|s| s["text"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[test]
fn a_listed_server_passes_through_an_include() {
    let v = check("spf-good.test", "127.0.20.77", &["--helo", "out.example"]);
    assert_eq!(v["result"], "pass", "{v:#}");
    assert_eq!(v["lookups"], 2, "mx and the include: {v:#}");
    let t = trace(&v);
    assert!(t.contains("lookup spf-good.test MX"), "{t}");
    assert!(t.contains("include:_spf.mail.test → _spf.mail.test"), "{t}");
    assert!(t.contains("ip4:127.0.20.0/24 matches: pass"), "{t}");
    assert_eq!(v["helo"], "out.example");
    assert_eq!(v["dnssec"], "secure", "{v:#}");
}

#[test]
fn an_unlisted_server_fails() {
    let v = check("spf-good.test", "192.0.2.1", &[]);
    assert_eq!(v["result"], "fail", "{v:#}");
    assert_eq!(
        v["reason"], "-all in the record of spf-good.test matched",
        "{v:#}"
    );
    // The JSON keeps the message beside its English, as reports do.
    assert_eq!(v["reason_message"]["id"], "spf-reason-matched", "{v:#}");
    assert_eq!(v["reason_message"]["args"]["term"], "-all", "{v:#}");
    let steps = v["trace"].as_array().unwrap();
    assert!(
        steps.iter().all(|s| s["message"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("spf-"))),
        "{v:#}"
    );
}

#[test]
fn macros_and_the_explanation() {
    let v = check(
        "spf-macro.test",
        "127.0.20.1",
        &["--sender", "someone@spf-macro.test"],
    );
    assert_eq!(v["result"], "pass", "{v:#}");
    assert!(
        trace(&v).contains("lookup 127.0.20.1._spf.spf-macro.test A"),
        "{v:#}"
    );
    let v = check("spf-macro.test", "127.0.20.9", &[]);
    assert_eq!(v["result"], "fail", "{v:#}");
    assert_eq!(
        v["explanation"], "127.0.20.9 is not a mail server of spf-macro.test",
        "{v:#}"
    );
    assert_eq!(v["sender"], "postmaster@spf-macro.test");
}

#[test]
fn redirect_takes_the_other_record() {
    assert_eq!(
        check("spf-redirect.test", "127.0.20.5", &[])["result"],
        "pass"
    );
    assert_eq!(
        check("spf-redirect.test", "192.0.2.5", &[])["result"],
        "fail"
    );
}

#[test]
fn limits_and_broken_records_give_their_results() {
    let cases = [
        ("spf-toomany.test", "permerror", "the 11th is"),
        ("spf-loop.test", "permerror", "loop"),
        ("spf-void.test", "permerror", "lookups find nothing"),
        ("spf-two.test", "permerror", "2 SPF records"),
        ("spf-syntax.test", "permerror", "127.0.20.300"),
        ("spf-huge.test", "permerror", "RFC 7208 §4.6.4"),
        ("spf-none.test", "none", "no SPF record"),
        ("spf-soft.test", "softfail", "~all"),
        ("spf-neutral.test", "neutral", "?all"),
        ("spf-plusall.test", "pass", "+all"),
    ];
    for (domain, result, why) in cases {
        let v = check(domain, "192.0.2.1", &[]);
        assert_eq!(v["result"], result, "{domain}: {v:#}");
        assert!(
            v["reason"].as_str().unwrap_or_default().contains(why),
            "{domain}: the reason should mention {why:?}: {v:#}"
        );
        assert!(v["lookups"].as_u64().unwrap() <= 11, "{domain}: {v:#}");
    }
}

#[test]
fn text_output_shows_result_counts_and_trace() {
    let out = spf(&["spf-good.test", "--ip", "192.0.2.1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("check_host(192.0.2.1, spf-good.test, postmaster@spf-good.test)"),
        "{text}"
    );
    assert!(text.contains(": fail"), "{text}");
    assert!(text.contains("DNS lookups: 2 of at most 10"), "{text}");
    assert!(text.contains("trace:\n"), "{text}");
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let out = spf(&["not a domain", "--ip", "192.0.2.1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
    let out = spf(&["spf-good.test", "--ip", "not-an-address"]);
    assert_eq!(out.status.code(), Some(2));
}
