//! Conformance: Google CSP Evaluator's allowlist-bypass data
//! (`csp-evaluator-data`), driven through `indaba_checks::csp`.
//!
//! The folder is evaluation data, not a parser suite (SOURCE.txt), so the
//! cases are built from it:
//!
//! - the copy embedded in this crate (`data/csp-evaluator/`) must equal the
//!   shared one, file by file;
//! - for every AngularJS and JSONP URL, `script-src 'self' https://<host><path>`
//!   must be reported as a script-URL weakness naming the bypass (with
//!   `'unsafe-eval'` for the JSONP hosts CSP Evaluator lists under
//!   `needsEval`, whose bypass needs it);
//! - the same host restricted to a path no listed endpoint has must not be
//!   reported as a bypass (CSP paths limit what a host source allows);
//! - adding `'strict-dynamic'` with a nonce must silence it (browsers then
//!   ignore host sources);
//! - for every Flash URL, `object-src https://<host>` must be reported as a
//!   plugin weakness.

use std::path::PathBuf;
use std::process::ExitCode;

use indaba_checks::csp::{AllowlistBypasses, Aspect, evaluate, parse_policy_list};

const FILES: [&str; 3] = ["angular.json", "jsonp.json", "flash.json"];

/// Whether the policy is reported as weakened in `aspect` by a bypass host.
fn bypass_reported(policy: &str, aspect: Aspect, lists: &AllowlistBypasses) -> bool {
    let e = evaluate(&parse_policy_list(policy.as_bytes()), lists);
    e.weakened.contains(&aspect)
        && e.policies.iter().any(|(_, p)| {
            p.issues
                .iter()
                .any(|i| i.aspect == aspect && i.detail.id == "csp-bypass-host")
        })
}

fn main() -> ExitCode {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/csp-evaluator-data/allowlist_bypasses/json");
    let embedded = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/csp-evaluator");
    let mut texts = Vec::new();
    for f in FILES {
        match std::fs::read_to_string(shared.join(f)) {
            Ok(t) => texts.push(t),
            Err(e) => {
                println!(
                    "csp-evaluator-data conformance: {} is missing or unreadable ({e})",
                    shared.join(f).display()
                );
                return ExitCode::FAILURE;
            }
        }
    }
    let (mut passed, mut failed) = (0usize, Vec::new());
    let mut case = |ok: bool, what: String| {
        if ok {
            passed += 1;
        } else {
            failed.push(what);
        }
    };

    for (f, text) in FILES.iter().zip(&texts) {
        let same = std::fs::read_to_string(embedded.join(f)).is_ok_and(|e| &e == text);
        case(
            same,
            format!("data/csp-evaluator/{f} differs from the shared copy"),
        );
    }
    let lists = match AllowlistBypasses::from_json(&texts[0], &texts[1], &texts[2]) {
        Ok(l) => l,
        Err(e) => {
            println!("FAILED the shared lists do not parse: {e}");
            return ExitCode::FAILURE;
        }
    };
    case(
        &lists == AllowlistBypasses::builtin(),
        "the built-in lists differ from the shared ones".into(),
    );

    let scripts = lists
        .angular
        .iter()
        .map(|u| (u, false))
        .chain(lists.jsonp.iter().map(|u| (u, true)));
    for (url, jsonp) in scripts {
        let eval = if jsonp && lists.jsonp_needs_eval.contains(&url.host) {
            " 'unsafe-eval'"
        } else {
            ""
        };
        let source = format!("https://{}{}", url.host, url.path);
        let policy = format!("script-src 'self' {source}{eval}; object-src 'none'");
        case(
            bypass_reported(&policy, Aspect::ScriptUrls, &lists),
            format!(
                "{policy:?}: the bypass via //{}{} was not reported",
                url.host, url.path
            ),
        );
        let scoped = format!(
            "script-src 'self' https://{}/indaba-no-such-path/{eval}; object-src 'none'",
            url.host
        );
        case(
            !bypass_reported(&scoped, Aspect::ScriptUrls, &lists),
            format!("{scoped:?}: reported as a bypass although the path excludes every endpoint"),
        );
        let strict = format!(
            "script-src 'nonce-abc' 'strict-dynamic' {source}; object-src 'none'; base-uri 'none'"
        );
        case(
            !bypass_reported(&strict, Aspect::ScriptUrls, &lists),
            format!("{strict:?}: reported although 'strict-dynamic' makes browsers ignore hosts"),
        );
    }
    for url in &lists.flash {
        let policy = format!("default-src 'self'; object-src https://{}", url.host);
        case(
            bypass_reported(&policy, Aspect::Objects, &lists),
            format!(
                "{policy:?}: the Flash bypass via //{}{} was not reported",
                url.host, url.path
            ),
        );
    }

    if passed + failed.len() < 10 {
        println!("FAILED too few cases: the data changed");
        return ExitCode::FAILURE;
    }
    for f in &failed {
        println!("FAILED {f}");
    }
    println!(
        "csp-evaluator-data conformance: {passed} passed, {} failed, 0 skipped, 0 judged differently",
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
