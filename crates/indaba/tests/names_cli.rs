//! The command line reads typed names as the site does: URLs, mail
//! addresses, full-width letters and IDNs become the name tested; anything
//! else is a clear error, never a panic. (The reading itself, shared by
//! every door, has its 100,000-case property test in `indaba-model`.)

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Output};

fn check(kind: &str, name: OsString, json: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_indaba"));
    command
        .arg("check")
        .arg(kind)
        .arg(name)
        // A resolver that refuses at once: the report is quick and all
        // errors, which is enough to see which name was tested.
        .args(["--allow-private-targets", "--resolver", "127.0.0.1:9"])
        .args(["--timeout", "5"]);
    if json {
        command.arg("--json");
    }
    command.output().expect("run indaba")
}

fn target_of(kind: &str, typed: &str) -> String {
    let out = check(kind, typed.into(), true);
    assert!(
        out.status.success(),
        "{typed:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["target"].as_str().unwrap().to_string()
}

#[test]
fn typed_names_become_the_name_tested() {
    assert_eq!(target_of("--web", "ＦＵＬＬ.test"), "full.test");
    assert_eq!(
        target_of("--web", " https://Пример.рф:8443/path?q=1 "),
        "xn--e1afmkfd.xn--p1ai"
    );
    assert_eq!(
        target_of("--mail", "someone@日本語.jp"),
        "xn--wgv71a119e.jp"
    );
    // People read the IDN in Unicode.
    let out = check("--web", "xn--e1afmkfd.xn--p1ai".into(), false);
    assert!(String::from_utf8_lossy(&out.stdout).contains("пример.рф"));
}

#[test]
fn names_that_cannot_be_tested_get_a_clear_error() {
    let cases: Vec<(OsString, &str)> = vec![
        ("a..b".into(), "cannot be tested"),
        ("x".repeat(300).into(), "cannot be tested"),
        ("".into(), "cannot be tested"),
        ("localhost".into(), "RFC 6761"),
        ("printer.local".into(), "RFC 6762"),
        ("a.onion".into(), "RFC 7686"),
        (
            OsString::from_vec(vec![0x66, 0xff, 0x2e, 0x6e, 0x6c]),
            "UTF-8",
        ),
    ];
    for (typed, says) in cases {
        let out = check("--web", typed.clone(), false);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{typed:?}");
        assert!(!stderr.contains("panicked"), "{typed:?}: {stderr}");
        assert!(stderr.contains(says), "{typed:?}: {stderr}");
    }
}
