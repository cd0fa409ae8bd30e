//! The one translation layer: every string a person reads, on the site, in
//! the CLI's text and in a report's JSON, comes from a Fluent catalogue in
//! `locales/<lang>/*.ftl` (compiled into the binary), looked up by id.
//!
//! English is complete; other languages fall back to English message by
//! message, so a partial translation never shows a raw id. Checks return
//! [`Message`]s (ids and arguments); [`Catalogue::render_report`] fills in a
//! report's sentences in one language (English for stored reports and the
//! JSON), and pages render the same messages in the reader's language.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use indaba_model::{Arg, Evidence, Finding, Message, Report};
use unic_langid::LanguageIdentifier;

mod sources {
    include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));
}

/// The language of stored reports, the JSON and the fallback.
pub const DEFAULT_LANGUAGE: &str = "en";

/// How many preferred languages [`Catalogue::best_of`] looks at, at most.
pub const MAX_PREFERENCES: usize = 32;

/// How deep messages may nest in arguments (stored reports are data too).
const MAX_DEPTH: usize = 8;

/// Why a catalogue could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    /// A catalogue does not parse, or defines a message twice.
    #[error("the {lang} translation catalogue {file} has errors: {detail}")]
    Parse {
        /// The language.
        lang: String,
        /// The file.
        file: String,
        /// The parser's complaints.
        detail: String,
    },
}

/// Why one message could not be rendered (tests turn these into failures;
/// pages show the id instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// No catalogue has the id.
    #[error("no message {0:?} in the English catalogue")]
    Missing(String),
    /// Fluent could not format it (a missing argument, say).
    #[error("message {id:?}: {detail}")]
    Format {
        /// The message id.
        id: String,
        /// Fluent's complaints.
        detail: String,
    },
    /// Messages nested deeper than [`MAX_DEPTH`].
    #[error("message {0:?} nests other messages too deeply")]
    TooDeep(String),
}

/// Every catalogue, ready to format messages.
pub struct Catalogue {
    bundles: HashMap<String, FluentBundle<FluentResource>>,
    /// The languages with every message English has: those a page may be
    /// served in (a page in a partial language would be mostly English
    /// under another `lang`, read aloud with the wrong voice).
    complete: Vec<String>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("languages", &self.bundles.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Catalogue {
    /// Loads the compiled-in catalogues.
    pub fn load() -> Result<Catalogue, I18nError> {
        let mut bundles: HashMap<String, FluentBundle<FluentResource>> = HashMap::new();
        let mut ids: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
        for (lang, file, source) in sources::SOURCES {
            let parse_error = |detail: String| I18nError::Parse {
                lang: (*lang).to_string(),
                file: (*file).to_string(),
                detail,
            };
            let resource = FluentResource::try_new((*source).to_string())
                .map_err(|(_, errors)| parse_error(format!("{errors:?}")))?;
            let lang_ids = ids.entry((*lang).to_string()).or_default();
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    lang_ids.insert(m.id.name.to_string());
                }
            }
            let bundle = match bundles.get_mut(*lang) {
                Some(bundle) => bundle,
                None => {
                    let id: LanguageIdentifier = lang
                        .parse()
                        .map_err(|_| parse_error("the folder name is not a language tag".into()))?;
                    let mut bundle = FluentBundle::new_concurrent(vec![id]);
                    // Isolation marks would end up inside HTML attributes and URLs.
                    bundle.set_use_isolating(false);
                    bundles.entry((*lang).to_string()).or_insert(bundle)
                }
            };
            // A message defined in two files is an error, not a silent override.
            bundle
                .add_resource(resource)
                .map_err(|errors| parse_error(format!("{errors:?}")))?;
        }
        let english = ids.get(DEFAULT_LANGUAGE).cloned().unwrap_or_default();
        let mut complete: Vec<String> = ids
            .into_iter()
            .filter(|(_, have)| english.is_subset(have))
            .map(|(lang, _)| lang)
            .collect();
        complete.sort_unstable();
        Ok(Catalogue { bundles, complete })
    }

    /// The languages every message is translated into: those pages are
    /// served in and the platform's security.txt offers.
    pub fn complete_languages(&self) -> Vec<&str> {
        self.complete.iter().map(String::as_str).collect()
    }

    /// The languages available.
    pub fn languages(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.bundles.keys().map(String::as_str).collect();
        all.sort_unstable();
        all
    }

    /// The best language a page can be served in for an `Accept-Language`
    /// header: only complete languages, so that a page's `lang` says what
    /// it is written in.
    pub fn negotiate(&self, accept_language: Option<&str>) -> String {
        self.first_of(
            accept_language
                .into_iter()
                .flat_map(|h| h.split(','))
                .filter_map(|part| part.split(';').next()),
            |lang| self.complete.iter().any(|c| c == lang),
        )
    }

    /// The first of `preferred` (language tags, most preferred first: an
    /// organisation's language, a security.txt's `Preferred-Languages`, an
    /// `Accept-Language` header's) that a catalogue translates, matched on
    /// the primary subtag (`nl-BE` is `nl`); else [`DEFAULT_LANGUAGE`].
    /// Only the first [`MAX_PREFERENCES`] are looked at: the tags may come
    /// from anyone.
    pub fn best_of<'t>(&self, preferred: impl IntoIterator<Item = &'t str>) -> String {
        self.first_of(preferred, |lang| self.bundles.contains_key(lang))
    }

    /// The primary subtag of the first of `preferred` that `offered`
    /// accepts, else [`DEFAULT_LANGUAGE`].
    fn first_of<'t>(
        &self,
        preferred: impl IntoIterator<Item = &'t str>,
        offered: impl Fn(&str) -> bool,
    ) -> String {
        preferred
            .into_iter()
            .take(MAX_PREFERENCES)
            .find_map(|tag| {
                let primary = tag.trim().split('-').next().unwrap_or("");
                if primary.len() > 8 {
                    return None;
                }
                let primary = primary.to_ascii_lowercase();
                offered(&primary).then_some(primary)
            })
            .unwrap_or_else(|| DEFAULT_LANGUAGE.to_string())
    }

    /// Whether `key` exists in `lang`'s catalogue.
    pub fn has(&self, lang: &str, key: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(key))
    }

    /// The message `key` with plain string arguments, in `lang` (falling back
    /// to English, then to the key itself so a missing message is visible
    /// rather than blank).
    pub fn get(&self, lang: &str, key: &str, args: &[(&str, String)]) -> String {
        let mut message = Message::new(key);
        for (name, value) in args {
            message = message.arg(name, value.as_str());
        }
        self.render(lang, &message)
    }

    /// `message` in `lang`; on any failure, the id (and a warning in the
    /// log), so a page never breaks over one missing translation.
    pub fn render(&self, lang: &str, message: &Message) -> String {
        match self.try_render(lang, message) {
            Ok(text) => text,
            Err(e) => {
                tracing::warn!(error = %e, lang, "message not rendered");
                message.id.clone()
            }
        }
    }

    /// `message` in `lang`, or why it cannot be rendered.
    pub fn try_render(&self, lang: &str, message: &Message) -> Result<String, RenderError> {
        self.render_at(lang, message, 0)
    }

    fn render_at(
        &self,
        lang: &str,
        message: &Message,
        depth: usize,
    ) -> Result<String, RenderError> {
        if depth > MAX_DEPTH {
            return Err(RenderError::TooDeep(message.id.clone()));
        }
        let mut args = FluentArgs::new();
        for (name, value) in &message.args {
            args.set(name.as_str(), self.arg_value(lang, value, depth)?);
        }
        for candidate in [lang, DEFAULT_LANGUAGE] {
            let Some(bundle) = self.bundles.get(candidate) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(&message.id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            if errors.is_empty() {
                return Ok(text.into_owned());
            }
            if candidate == DEFAULT_LANGUAGE {
                return Err(RenderError::Format {
                    id: message.id.clone(),
                    detail: format!("{errors:?}"),
                });
            }
        }
        Err(RenderError::Missing(message.id.clone()))
    }

    fn arg_value(
        &self,
        lang: &str,
        arg: &Arg,
        depth: usize,
    ) -> Result<FluentValue<'static>, RenderError> {
        Ok(match arg {
            Arg::Str(text) => FluentValue::from(text.clone()),
            Arg::Num(n) => FluentValue::from(*n),
            Arg::Msg(m) => FluentValue::from(self.render_at(lang, m, depth + 1)?),
            Arg::List(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    parts.push(match self.arg_value(lang, item, depth + 1)? {
                        FluentValue::String(s) => s.into_owned(),
                        FluentValue::Number(n) => n.as_string().into_owned(),
                        _ => String::new(),
                    });
                }
                let separator = self.render_at(lang, &Message::new("list-separator"), depth + 1)?;
                FluentValue::from(parts.join(&separator))
            }
        })
    }

    /// Fills in a finding's summary and its evidence's words in `lang`.
    pub fn render_finding(&self, lang: &str, finding: &mut Finding) {
        finding.summary = self.render(lang, &finding.message);
        for evidence in &mut finding.evidence {
            self.render_evidence(lang, evidence);
        }
    }

    fn render_evidence(&self, lang: &str, evidence: &mut Evidence) {
        if let Some(m) = &evidence.subject_message {
            evidence.subject = self.render(lang, m);
        }
        if let Some(m) = &evidence.detail_message {
            evidence.detail = self.render(lang, m);
        }
    }

    /// Fills in every sentence of a report (verdict, findings, evidence) in
    /// `lang`.
    pub fn render_report(&self, lang: &str, report: &mut Report) {
        report.verdict.summary = self.render(lang, &report.verdict.message);
        for evidence in &mut report.verdict.evidence {
            self.render_evidence(lang, evidence);
        }
        for finding in &mut report.findings {
            self.render_finding(lang, finding);
        }
    }

    /// Every message of a report that does not render in English (tests).
    pub fn unrenderable(&self, report: &Report) -> Vec<RenderError> {
        let mut messages = vec![&report.verdict.message];
        for finding in &report.findings {
            messages.push(&finding.message);
            for e in &finding.evidence {
                messages.extend(e.subject_message.iter().chain(e.detail_message.iter()));
            }
        }
        messages
            .into_iter()
            .filter_map(|m| self.try_render(DEFAULT_LANGUAGE, m).err())
            .collect()
    }
}

/// The English catalogue, loaded once per process (the engine renders every
/// report in English; a catalogue that does not load is a build error, which
/// the tests catch).
pub fn english() -> &'static Catalogue {
    static CATALOGUE: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    CATALOGUE.get_or_init(|| match Catalogue::load() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the translation catalogues do not load");
            Catalogue {
                bundles: HashMap::new(),
                complete: Vec::new(),
            }
        }
    })
}

/// `message` in English: the language of stored reports, the JSON API and
/// the command line.
pub fn in_english(message: &Message) -> String {
    english().render(DEFAULT_LANGUAGE, message)
}

/// A translator bound to one language, handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr<'a> {
    catalogue: &'a Catalogue,
    /// The language of the page.
    pub lang: &'a str,
}

impl<'a> Tr<'a> {
    /// Binds `catalogue` to `lang`.
    pub fn new(catalogue: &'a Catalogue, lang: &'a str) -> Self {
        Tr { catalogue, lang }
    }

    /// A message without arguments.
    pub fn t(&self, key: &str) -> String {
        self.catalogue.get(self.lang, key, &[])
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.catalogue
            .get(self.lang, key, &[(name, value.to_string())])
    }

    /// A message with its arguments.
    pub fn m(&self, message: &Message) -> String {
        self.catalogue.render(self.lang, message)
    }

    /// The catalogue.
    pub fn catalogue(&self) -> &'a Catalogue {
        self.catalogue
    }
}

#[cfg(test)]
mod tests;
