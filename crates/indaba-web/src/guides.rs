//! The how-to guides: one Markdown page per check id and language, compiled
//! into the binary and rendered to HTML once at start.
//!
//! Links between guides are written `[text](other.check.id)` and become
//! `/guides/other.check.id`; raw HTML in a guide is shown as text, never
//! passed through, so a guide cannot inject markup into the site.

use std::collections::BTreeMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

include!(concat!(env!("OUT_DIR"), "/guides.rs"));

/// One guide, ready to serve.
#[derive(Debug, Clone)]
pub struct Guide {
    /// The check id it explains.
    pub id: String,
    /// Its language.
    pub lang: String,
    /// The first heading.
    pub title: String,
    /// The body as HTML (headings, lists, code, links).
    pub html: String,
    /// Every link target in the guide, after rewriting.
    pub links: Vec<String>,
}

/// Every guide by (language, id).
#[derive(Debug, Default)]
pub struct Guides {
    by_key: BTreeMap<(String, String), Guide>,
}

impl Guides {
    /// Renders the compiled-in guides.
    pub fn load() -> Guides {
        Guides::from_sources(sources())
    }

    /// Renders guides from (language, id, Markdown) triples.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Guides {
        let mut by_key = BTreeMap::new();
        for (lang, id, markdown) in sources {
            let (title, html, links) = render(markdown);
            by_key.insert(
                (lang.to_string(), id.to_string()),
                Guide {
                    id: id.to_string(),
                    lang: lang.to_string(),
                    title: if title.is_empty() {
                        id.to_string()
                    } else {
                        title
                    },
                    html,
                    links,
                },
            );
        }
        Guides { by_key }
    }

    /// The guide `id` in `lang`, or in English when not translated.
    pub fn get(&self, lang: &str, id: &str) -> Option<&Guide> {
        self.by_key
            .get(&(lang.to_string(), id.to_string()))
            .or_else(|| {
                self.by_key
                    .get(&(crate::i18n::DEFAULT_LANGUAGE.to_string(), id.to_string()))
            })
    }

    /// Every guide of `lang`, in id order.
    pub fn all(&self, lang: &str) -> impl Iterator<Item = &Guide> {
        let lang = lang.to_string();
        self.by_key.values().filter(move |g| g.lang == lang)
    }
}

/// Every compiled-in guide's (language, check id, Markdown), for the search
/// index.
pub fn sources() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    GUIDE_SOURCES.iter().map(|(l, i, s)| (*l, *i, *s))
}

/// Markdown written by people on the site (terms of reference, articles,
/// minutes) to HTML, with the guides' rules: raw HTML shown as text, no
/// `javascript:` links.
pub fn markdown(markdown: &str) -> String {
    render_with(markdown, false).1
}

/// Markdown to (title, HTML, link targets).
fn render(markdown: &str) -> (String, String, Vec<String>) {
    render_with(markdown, true)
}

/// Markdown to (title, HTML, link targets); with `take_title`, the first
/// level-one heading becomes the title instead of part of the HTML.
fn render_with(markdown: &str, take_title: bool) -> (String, String, Vec<String>) {
    let mut title = String::new();
    let mut in_title = false;
    let mut seen_title = false;
    let mut links = Vec::new();
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            // The page template prints the title itself.
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if take_title && !seen_title => {
                in_title = true;
                None
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_title => {
                in_title = false;
                seen_title = true;
                None
            }
            Event::Text(text) | Event::Code(text) if in_title => {
                title.push_str(&text);
                None
            }
            _ if in_title => None,
            Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
            // A code block scrolls sideways when its lines are long: it
            // takes the keyboard focus so that it can be scrolled without a
            // mouse (WCAG 2.1.1).
            Event::Start(Tag::CodeBlock(_)) => {
                Some(Event::Html(CowStr::from("<pre tabindex=\"0\"><code>")))
            }
            Event::End(TagEnd::CodeBlock) => Some(Event::Html(CowStr::from("</code></pre>\n"))),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_link(&dest_url);
                links.push(dest.clone());
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(dest),
                    title,
                    id,
                }))
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Some(Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from(rewrite_link(&dest_url)),
                title,
                id,
            })),
            other => Some(other),
        })
        .collect();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (title, html, links)
}

/// A bare check id becomes its guide's address; anything else stays.
fn rewrite_link(dest: &str) -> String {
    // Only web, mail and in-site links; a guide (or a member's Markdown)
    // cannot carry script: any other scheme (javascript:, data:, vbscript:)
    // becomes a dead link.
    let lower = dest.trim_start().to_ascii_lowercase();
    if lower.contains(':')
        && !["http://", "https://", "mailto:"]
            .iter()
            .any(|s| lower.starts_with(s))
    {
        return "#".into();
    }
    let is_check_id = !dest.is_empty()
        && dest.contains('.')
        && !dest.contains(':')
        && !dest.contains('/')
        && dest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
    if is_check_id {
        format!("/guides/{dest}")
    } else {
        dest.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_has_an_english_guide_and_every_guide_a_check() {
        let guides = Guides::load();
        let ids: Vec<&str> = indaba_model::catalogue::CATALOGUE
            .iter()
            .map(|c| c.guide)
            .collect();
        let missing: Vec<&&str> = ids
            .iter()
            .filter(|id| {
                !guides
                    .by_key
                    .contains_key(&("en".to_string(), id.to_string()))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "checks without a guide in guides/en/: {missing:?}"
        );
        let orphans: Vec<&String> = guides
            .by_key
            .keys()
            .map(|(_, id)| id)
            .filter(|id| !ids.contains(&id.as_str()))
            .collect();
        assert!(orphans.is_empty(), "guides for no check: {orphans:?}");
    }

    #[test]
    fn every_link_in_a_guide_resolves_inside_the_site_or_is_absolute() {
        let guides = Guides::load();
        let mut broken = Vec::new();
        for guide in guides.all("en") {
            for link in &guide.links {
                let ok = if let Some(id) = link.strip_prefix("/guides/") {
                    guides
                        .get("en", id.split('#').next().unwrap_or(id))
                        .is_some()
                } else if link.starts_with('/') {
                    ["/", "/guides", "/api/v1/openapi.json"].contains(&link.as_str())
                } else if link.starts_with('#') {
                    true
                } else {
                    link.starts_with("https://")
                        || link.starts_with("http://")
                        || link.starts_with("mailto:")
                };
                if !ok {
                    broken.push(format!("{}: {link}", guide.id));
                }
            }
        }
        assert!(broken.is_empty(), "links that do not resolve: {broken:?}");
    }

    #[test]
    fn titles_links_and_raw_html() {
        let guides = Guides::from_sources([(
            "en",
            "web.https.hsts",
            "# HSTS\n\nSee [TLS](web.tls.version) and [RFC](https://www.rfc-editor.org/rfc/rfc6797).\n\n<script>alert(1)</script>\n",
        )]);
        let g = guides.get("en", "web.https.hsts").unwrap();
        assert_eq!(g.title, "HSTS");
        assert!(
            g.html.contains("href=\"/guides/web.tls.version\""),
            "{}",
            g.html
        );
        assert!(!g.html.contains("<script>"), "{}", g.html);
        assert!(g.html.contains("&lt;script&gt;"), "{}", g.html);
        assert_eq!(g.links.len(), 2);
        for hostile in [
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            let html = markdown(&format!("[a]({hostile}) ![b]({hostile})"));
            assert!(
                !html.to_ascii_lowercase().contains("script:") && !html.contains("data:"),
                "{html}"
            );
        }
        assert!(markdown("# Kept\n\ntext").contains("<h1>Kept</h1>"));
        assert!(
            guides.get("fr", "web.https.hsts").is_some(),
            "falls back to English"
        );
    }
}
