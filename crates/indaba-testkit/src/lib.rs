//! For tests only: where the test network's servers are.
//!
//! `testbed/up` writes `testbed/run/env` (`KEY=VALUE` lines). Tests that need
//! the network read it here; when it is missing they fail with the command
//! that brings the network up, never skip.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The test network's settings.
pub fn testbed_env() -> BTreeMap<String, String> {
    let path = std::env::var_os("INDABA_TESTBED_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("testbed/run/env"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the test network is not up ({}: {e}); run the whole suite with ./run-tests, or \
             bring it up with `bash testbed/up` and run the test inside it with \
             `ip netns exec indaba cargo test`",
            path.display()
        )
    });
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        .collect()
}

/// One setting of the test network; panics with the missing key's name.
pub fn testbed(key: &str) -> String {
    testbed_env().remove(key).unwrap_or_else(|| {
        panic!("{key} is missing from the test network's env file; is testbed/up current?")
    })
}
