//! Compiles the guides (`guides/<lang>/<check id>.md` at the repository root)
//! into the binary, so `indaba serve` needs no files beside it.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("../../guides");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    if let Ok(langs) = std::fs::read_dir(&root) {
        for lang in langs.flatten().filter(|e| e.path().is_dir()) {
            println!("cargo:rerun-if-changed={}", lang.path().display());
            let lang_name = lang.file_name().to_string_lossy().into_owned();
            if let Ok(files) = std::fs::read_dir(lang.path()) {
                for file in files.flatten() {
                    let path = file.path();
                    if path.extension().and_then(|e| e.to_str()) != Some("md") {
                        continue;
                    }
                    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                        continue;
                    };
                    println!("cargo:rerun-if-changed={}", path.display());
                    entries.push((lang_name.clone(), stem.to_string(), path.clone()));
                }
            }
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// (language, guide id, Markdown), compiled in by build.rs.\npub static GUIDE_SOURCES: &[(&str, &str, &str)] = &[\n",
    );
    for (lang, id, path) in entries {
        let _ = writeln!(
            out,
            "    ({lang:?}, {id:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("guides.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
