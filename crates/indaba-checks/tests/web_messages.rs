//! The web and transport checks' words: every message id their sources
//! write (`msg!(` followed by the id, also when rustfmt puts the id on the
//! next line, which the workspace-wide test in indaba-i18n does not see)
//! exists in English, and every message of their catalogue
//! (`locales/en/findings-web.ftl`) is used, so the file holds no dead words.

use std::path::{Path, PathBuf};

/// The modules whose words live in `findings-web.ftl`.
const MODULES: [&str; 10] = [
    "tls",
    "certificate",
    "dane",
    "transport.rs",
    "website.rs",
    "headers.rs",
    "csp.rs",
    "hsts.rs",
    "security_txt.rs",
    "redirect.rs",
];

fn sources() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for module in MODULES {
        let path = src.join(module);
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("module folder").flatten() {
                files.push(entry.path());
            }
        } else {
            files.push(path);
        }
    }
    files.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    files
}

/// The ids written as `msg!("id"` (white space allowed after the
/// parenthesis) in the code before a module's inline tests.
fn ids_used(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
    let mut ids = Vec::new();
    for part in code.split("msg!(").skip(1) {
        let rest = part.trim_start();
        if let Some(quoted) = rest.strip_prefix('"') {
            let id = quoted.split('"').next().unwrap_or("");
            if !id.is_empty() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

#[test]
fn every_id_exists_and_every_message_is_used() {
    let english = indaba_i18n::english();
    let mut used = Vec::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).expect("readable source");
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        for id in ids_used(&text) {
            assert!(
                english.has("en", &id),
                "{id} (in {}) is missing from locales/en",
                file.display()
            );
            used.push(id);
        }
    }
    assert!(used.len() > 300, "only {} ids found", used.len());
    // Ids built at run time: the status words of evidence.
    let catalogue = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales/en/findings-web.ftl"),
    )
    .expect("findings-web.ftl");
    let unused: Vec<&str> = catalogue
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim()))
        .filter(|id| !id.starts_with('#') && !id.is_empty() && !id.contains(' '))
        .filter(|id| !used.iter().any(|u| u == id))
        .collect();
    assert!(
        unused.is_empty(),
        "messages of findings-web.ftl no module uses: {unused:?}"
    );
}
