//! Compiles the Fluent catalogues (`locales/<lang>/*.ftl` at the repository
//! root) into the binary, so no command needs files beside it.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default())
        .join("../../locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    if let Ok(langs) = std::fs::read_dir(&root) {
        for lang in langs.flatten().filter(|e| e.path().is_dir()) {
            println!("cargo:rerun-if-changed={}", lang.path().display());
            let lang_name = lang.file_name().to_string_lossy().into_owned();
            if let Ok(files) = std::fs::read_dir(lang.path()) {
                for file in files.flatten() {
                    let path = file.path();
                    if path.extension().and_then(|e| e.to_str()) != Some("ftl") {
                        continue;
                    }
                    println!("cargo:rerun-if-changed={}", path.display());
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    entries.push((lang_name.clone(), name, path.clone()));
                }
            }
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// (language, file name, Fluent source), compiled in by build.rs.\npub static SOURCES: &[(&str, &str, &str)] = &[\n",
    );
    for (lang, name, path) in entries {
        let _ = writeln!(
            out,
            "    ({lang:?}, {name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("catalogues.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
