use super::*;
use indaba_model::msg;

fn catalogue() -> Catalogue {
    Catalogue::load().expect("the catalogues load")
}

#[test]
fn english_loads_and_negotiation_falls_back_to_it() {
    let c = catalogue();
    assert!(c.languages().contains(&"en"));
    assert_eq!(c.negotiate(Some("xx-YY,xx;q=0.9")), "en");
    assert_eq!(c.negotiate(None), "en");
    assert!(c.has("en", "site-name"));
    assert_eq!(c.get("en", "no-such-key", &[]), "no-such-key");
    assert_eq!(
        c.try_render("en", &Message::new("no-such-key")),
        Err(RenderError::Missing("no-such-key".into()))
    );
}

#[test]
fn arguments_are_substituted_without_isolation_marks() {
    let c = catalogue();
    let text = c.get("en", "report-title", &[("domain", "example.test".into())]);
    assert!(text.contains("example.test"), "{text}");
    assert!(!text.contains('\u{2068}'), "{text:?}");
}

#[test]
fn nested_messages_and_lists_render() {
    let c = catalogue();
    let m = msg!(
        "cap-tested-first",
        tested = 10usize,
        total = 11usize,
        what = msg!("noun-mail-servers")
    );
    assert_eq!(
        c.try_render("en", &m).unwrap(),
        "tested the first 10 of 11 mail servers"
    );
    let list = msg!(
        "lookup-failed",
        name = "x.",
        rtype = "A",
        detail = Arg::list(["a", "b", "c"])
    );
    assert_eq!(
        c.try_render("en", &list).unwrap(),
        "the lookup of x. A failed: a, b, c"
    );
}

#[test]
fn too_deep_nesting_is_an_error_not_a_stack_overflow() {
    let c = catalogue();
    let mut m = msg!("evidence-cap");
    for _ in 0..100 {
        m = msg!("lookup-failed", name = "x.", rtype = "A", detail = m);
    }
    assert!(matches!(
        c.try_render("en", &m),
        Err(RenderError::TooDeep(_))
    ));
}

/// Every id the sources write as `msg!("…"` or `Message::new("…"` exists in
/// English: a check cannot ship a sentence nobody can read.
#[test]
fn every_message_id_the_code_uses_exists_in_english() {
    let c = catalogue();
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut used = Vec::new();
    let mut files = Vec::new();
    let mut dirs = vec![crates];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| n != "target" && n != "tests")
                {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        // Code only: not comments, not the tests at the end of a module.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let text: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        // rustfmt puts a long call's id on the next line: `msg!(\n    "id",`.
        let text = squeeze_after_parens(&text);
        for marker in ["msg!(\"", "Message::new(\""] {
            for part in text.split(marker).skip(1) {
                let id = part.split('"').next().unwrap_or("");
                if !id.is_empty() && id != "test-message" && !id.contains('{') {
                    used.push((id.to_string(), file.display().to_string()));
                }
            }
        }
    }
    assert!(files.len() > 50, "found only {} source files", files.len());
    for rating in [
        indaba_model::Rating::Good,
        indaba_model::Rating::Sufficient,
        indaba_model::Rating::PhaseOut,
        indaba_model::Rating::Insufficient,
    ] {
        used.push((rating.message_id().into(), "Rating::message_id".into()));
    }
    let missing: Vec<_> = used.iter().filter(|(id, _)| !c.has("en", id)).collect();
    assert!(
        missing.is_empty(),
        "ids missing from locales/en: {missing:?}"
    );
}

/// The text with the white space after every `(` removed.
fn squeeze_after_parens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_paren = false;
    for c in text.chars() {
        if after_paren && c.is_whitespace() {
            continue;
        }
        after_paren = c == '(';
        out.push(c);
    }
    out
}

proptest::proptest! {
    #[test]
    fn any_message_renders_without_panic(
        id in "\\PC{0,40}",
        names in proptest::collection::vec("\\PC{0,10}", 0..4),
        value in "\\PC{0,40}",
        n in proptest::num::i64::ANY,
    ) {
        let c = english();
        let mut m = Message::new(id);
        for name in &names {
            m = m.arg(name, value.as_str());
        }
        m = m.arg("n", n);
        let _ = c.render("en", &m);
        let _ = c.render("xx", &m);
    }
}

#[test]
fn every_check_category_status_and_kind_has_english_words() {
    let c = catalogue();
    let mut ids: Vec<String> = indaba_model::CATALOGUE
        .iter()
        .map(|s| s.title_id())
        .collect();
    ids.extend(indaba_model::Category::ALL.iter().map(|c| c.title_id()));
    ids.extend(
        indaba_model::Status::ALL
            .iter()
            .map(|s| format!("status-{}", s.as_str().replace('_', "-"))),
    );
    ids.extend(["kind-web".to_string(), "kind-mail".to_string()]);
    let missing: Vec<&String> = ids.iter().filter(|id| !c.has("en", id)).collect();
    assert!(missing.is_empty(), "missing from locales/en: {missing:?}");
}

/// A translation only translates: every id of every other language exists
/// in English (an id only Dutch has is a typo, and shows as its id to
/// everyone else).
#[test]
fn every_id_of_every_language_exists_in_english() {
    let c = catalogue();
    let mut strays = Vec::new();
    for (lang, file, source) in sources::SOURCES {
        if *lang == DEFAULT_LANGUAGE {
            continue;
        }
        let resource = FluentResource::try_new((*source).to_string()).expect("it parses");
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry
                && !c.has(DEFAULT_LANGUAGE, m.id.name)
            {
                strays.push(format!("{lang}/{file}: {}", m.id.name));
            }
        }
    }
    assert!(strays.is_empty(), "ids not in locales/en: {strays:?}");
    assert!(c.languages().contains(&"nl"), "{:?}", c.languages());
}

#[test]
fn the_first_preferred_language_with_a_translation_wins_else_english() {
    let c = catalogue();
    assert_eq!(c.best_of(["nl", "en"]), "nl");
    assert_eq!(c.best_of(["fr", "NL-be", "en"]), "nl");
    assert_eq!(c.best_of(["fr", "de"]), "en");
    assert_eq!(c.best_of([]), "en");
    assert_eq!(c.best_of(["", "*", "x-klingon"]), "en");
    // Pages only in a complete language: Dutch has the notices' words
    // only, so a Dutch reader's page is English and says so.
    assert_eq!(c.complete_languages(), ["en"]);
    assert_eq!(c.negotiate(Some("fr-FR, nl;q=0.8, en;q=0.5")), "en");
    assert_eq!(c.negotiate(Some("nl")), "en");
    // Only the first MAX_PREFERENCES tags count.
    let many: Vec<&str> = std::iter::repeat_n("fr", MAX_PREFERENCES)
        .chain(["nl"])
        .collect();
    assert_eq!(c.best_of(many), "en");
}

#[test]
fn dutch_falls_back_to_english_message_by_message() {
    let c = catalogue();
    assert_eq!(
        c.try_render("nl", &msg!("notices-regression", check = "X"))
            .unwrap(),
        "X: slaagde bij de vorige scan, faalt nu."
    );
    // Not translated: English, not the id.
    assert!(!c.has("nl", "site-name"));
    assert_eq!(c.get("nl", "site-name", &[]), c.get("en", "site-name", &[]));
}

proptest::proptest! {
    #[test]
    fn any_preferences_choose_a_language_we_have(tags in proptest::collection::vec("\\PC{0,20}", 0..50)) {
        let c = english();
        let lang = c.best_of(tags.iter().map(String::as_str));
        proptest::prop_assert!(c.languages().contains(&lang.as_str()));
    }
}
