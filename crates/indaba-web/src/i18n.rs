//! The one translation layer: every string a person reads on the site comes
//! from a Fluent catalogue in `locales/<lang>/`, looked up by key.
//!
//! English is complete; other languages fall back to English key by key, so a
//! partial translation never shows a raw key. A test checks that every key the
//! templates and handlers use exists in English.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The catalogues compiled into the binary: (language, Fluent source).
const CATALOGUES: &[(&str, &str)] = &[("en", include_str!("../locales/en/main.ftl"))];

/// The language used when a request names none we have.
pub const DEFAULT_LANGUAGE: &str = "en";

/// Why a catalogue could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    /// A catalogue does not parse.
    #[error("the {lang} translation catalogue has errors: {detail}")]
    Parse {
        /// The language.
        lang: String,
        /// The parser's complaints.
        detail: String,
    },
}

/// Every catalogue, ready to format messages.
pub struct Translations {
    bundles: HashMap<String, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Translations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translations")
            .field("languages", &self.bundles.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Translations {
    /// Loads the compiled-in catalogues.
    pub fn load() -> Result<Translations, I18nError> {
        let mut bundles = HashMap::new();
        for (lang, source) in CATALOGUES {
            let resource =
                FluentResource::try_new((*source).to_string()).map_err(|(_, errors)| {
                    I18nError::Parse {
                        lang: (*lang).to_string(),
                        detail: format!("{errors:?}"),
                    }
                })?;
            let id: LanguageIdentifier = lang.parse().map_err(|_| I18nError::Parse {
                lang: (*lang).to_string(),
                detail: "not a language tag".into(),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks would end up inside HTML attributes and URLs.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| I18nError::Parse {
                    lang: (*lang).to_string(),
                    detail: format!("{errors:?}"),
                })?;
            bundles.insert((*lang).to_string(), bundle);
        }
        Ok(Translations { bundles })
    }

    /// The languages available.
    pub fn languages(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.bundles.keys().map(String::as_str).collect();
        all.sort_unstable();
        all
    }

    /// The best language we have for an `Accept-Language` header.
    pub fn negotiate(&self, accept_language: Option<&str>) -> String {
        accept_language
            .into_iter()
            .flat_map(|h| h.split(','))
            .filter_map(|part| part.split(';').next())
            .map(|tag| tag.trim().to_ascii_lowercase())
            .find_map(|tag| {
                let primary = tag.split('-').next().unwrap_or("");
                self.bundles
                    .contains_key(primary)
                    .then(|| primary.to_string())
            })
            .unwrap_or_else(|| DEFAULT_LANGUAGE.to_string())
    }

    /// Whether `key` exists in `lang`'s catalogue.
    pub fn has(&self, lang: &str, key: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(key))
    }

    /// The message `key` in `lang` (falling back to English, then to the key
    /// itself so a missing message is visible rather than blank).
    pub fn get(&self, lang: &str, key: &str, args: &[(&str, String)]) -> String {
        let fluent_args = if args.is_empty() {
            None
        } else {
            let mut a = FluentArgs::new();
            for (name, value) in args {
                a.set(*name, FluentValue::from(value.clone()));
            }
            Some(a)
        };
        for candidate in [lang, DEFAULT_LANGUAGE] {
            let Some(bundle) = self.bundles.get(candidate) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, fluent_args.as_ref(), &mut errors);
            if errors.is_empty() {
                return text.into_owned();
            }
            tracing::warn!(key, lang = candidate, ?errors, "translation failed");
        }
        key.to_string()
    }
}

/// A translator bound to one request's language, handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr<'a> {
    translations: &'a Translations,
    /// The language of the page.
    pub lang: &'a str,
}

impl<'a> Tr<'a> {
    /// Binds `translations` to `lang`.
    pub fn new(translations: &'a Translations, lang: &'a str) -> Self {
        Tr { translations, lang }
    }

    /// A message without arguments.
    pub fn t(&self, key: &str) -> String {
        self.translations.get(self.lang, key, &[])
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.translations
            .get(self.lang, key, &[(name, value.to_string())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_loads_and_negotiation_falls_back_to_it() {
        let tr = Translations::load().unwrap();
        assert_eq!(tr.negotiate(Some("fr-FR,fr;q=0.9,en;q=0.5")), "en");
        assert_eq!(tr.negotiate(Some("xx")), "en");
        assert_eq!(tr.negotiate(None), "en");
        assert!(tr.has("en", "site-name"));
        assert_eq!(tr.get("en", "no-such-key", &[]), "no-such-key");
    }

    #[test]
    fn every_key_the_site_uses_exists_in_english() {
        let tr = Translations::load().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = Vec::new();
        for sub in ["templates", "src"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                for marker in [".t(\"", ".t1(\"", "message(&state, &ctx, StatusCode::"] {
                    for part in text.split(marker).skip(1) {
                        let key = if marker.starts_with("message") {
                            part.split('"').nth(1).unwrap_or("")
                        } else {
                            part.split('"').next().unwrap_or("")
                        };
                        if !key.is_empty()
                            && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                        {
                            used.push(key.to_string());
                        }
                    }
                }
            }
        }
        // Keys passed around as plain literals (`message(.., "error-csrf-title", ..)`).
        let namespaces = [
            "error-",
            "reset-",
            "login-",
            "admin-",
            "progress-",
            "report-",
            "home-",
            "form-",
            "nav-",
            "guides-",
        ];
        for sub in ["src"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                for literal in text.split('"').skip(1).step_by(2) {
                    if namespaces.iter().any(|n| literal.starts_with(n))
                        && !literal.ends_with('-')
                        && literal.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    {
                        used.push(literal.to_string());
                    }
                }
            }
        }
        // Keys built from model values.
        for status in ["pass", "fail", "warning", "info", "not-applicable", "error"] {
            used.push(format!("status-{status}"));
        }
        for category in indaba_model::catalogue::Category::ALL {
            used.push(format!("category-{}", category.id().replace('_', "-")));
        }
        used.extend(["kind-web".to_string(), "kind-mail".to_string()]);
        assert!(used.len() > 50, "the scan found only {} keys", used.len());
        let missing: Vec<&String> = used.iter().filter(|k| !tr.has("en", k)).collect();
        assert!(
            missing.is_empty(),
            "keys missing from locales/en/main.ftl: {missing:?}"
        );
    }

    #[test]
    fn arguments_are_substituted_without_isolation_marks() {
        let tr = Translations::load().unwrap();
        let text = tr.get("en", "report-title", &[("domain", "example.test".into())]);
        assert!(text.contains("example.test"), "{text}");
        assert!(!text.contains('\u{2068}'), "{text:?}");
    }
}
