//! The embeddable badge: an SVG saying a domain's latest public score,
//! linking to its per-domain address.
//!
//! Each half of the badge is as wide as its text: the width comes from a
//! table of the advance widths of DejaVu Sans (the font Debian's browsers
//! fall back to for `sans-serif`) at 11 px, and `textLength` makes the
//! browser fit the text to exactly that width whatever font it really
//! uses, so text never runs over the edge. Written here rather than taken
//! from a crate: the badge crates draw shields.io's fixed layout with
//! Verdana metrics and no language.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use indaba_model::{DomainName, TestKind};

use crate::app::{AppState, PageContext};
use crate::i18n::Tr;

/// Advance width at 11 px of one character in DejaVu Sans (rounded up a
/// little: the badge may be wider than its text, never narrower).
fn char_width(c: char) -> f64 {
    match c {
        'i' | 'l' | 'j' | '\'' | '|' | '.' | ',' | ':' | ';' | '!' => 3.4,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | ' ' | '-' | '/' => 4.9,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 10.2,
        c if c.is_ascii_digit() => 7.0,
        c if c.is_ascii_uppercase() => 8.0,
        c if c.is_ascii_lowercase() => 6.9,
        // Anything else (accents, other scripts): as wide as the widest
        // common letters.
        _ => 10.2,
    }
}

/// The width of `text` at 11 px.
pub fn text_width(text: &str) -> f64 {
    text.chars().map(char_width).sum()
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The colour of a score (AA contrast with white text).
fn colour(score: Option<u8>) -> &'static str {
    match score {
        Some(100) => "#1a7f37",
        Some(s) if s >= 80 => "#7a5d00",
        Some(_) => "#b42318",
        None => "#4f5863",
    }
}

/// The SVG of a badge with `label` on the left and `value` on the right,
/// linking to `href`.
pub fn svg_badge(label: &str, value: &str, score: Option<u8>, href: &str, title: &str) -> String {
    let pad = 6.0;
    let lw = (text_width(label) + 2.0 * pad).ceil();
    let vw = (text_width(value) + 2.0 * pad).ceil();
    let total = lw + vw;
    let (label_tl, value_tl) = (lw - 2.0 * pad, vw - 2.0 * pad);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{total}" height="20" role="img" aria-label="{title}"><title>{title}</title><a href="{href}" target="_top"><rect width="{lw}" height="20" fill="#24292f"/><rect x="{lw}" width="{vw}" height="20" fill="{fill}"/><g fill="#fff" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11"><text class="label" x="{pad}" y="14" textLength="{label_tl}" lengthAdjust="spacingAndGlyphs">{label}</text><text class="value" x="{vx}" y="14" textLength="{value_tl}" lengthAdjust="spacingAndGlyphs">{value}</text></g></a></svg>"##,
        title = escape(title),
        href = escape(href),
        fill = colour(score),
        label = escape(label),
        value = escape(value),
        vx = lw + pad,
    )
}

/// `GET /badge/{kind}/{domain}.svg`: the latest public score of a domain.
pub async fn svg(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((kind, file)): Path<(String, String)>,
) -> Response {
    let kind = match kind.as_str() {
        "web" => TestKind::Web,
        "mail" => TestKind::Mail,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let Some(name) = file.strip_suffix(".svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(domain) = DomainName::parse(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tr: Tr<'_> = ctx.tr(&state);
    let latest = match state.store.public_history(kind, domain.as_str(), 1).await {
        Ok(list) => list.into_iter().next(),
        Err(e) => return crate::errors::internal(&state, &ctx, &e),
    };
    let score = latest.as_ref().and_then(|r| r.score);
    let label = tr.t(match kind {
        TestKind::Web => "badge-label-web",
        TestKind::Mail => "badge-label-mail",
    });
    let value = match (&latest, score) {
        (None, _) => tr.t("badge-untested"),
        (Some(_), Some(s)) => format!("{s}%"),
        (Some(_), None) => tr.t("score-none"),
    };
    let base = state.config.base_url.trim_end_matches('/');
    let href = format!(
        "{base}{}",
        super::report::domain_path(kind, domain.as_str())
    );
    let title = tr.catalogue().render(
        tr.lang,
        &indaba_model::Message::new("badge-title")
            .arg("domain", domain.to_unicode().as_str())
            .arg("label", label.as_str())
            .arg("value", value.as_str()),
    );
    let body = svg_badge(&label, &value, score, &href, &title);
    let mut response = (
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        body,
    )
        .into_response();
    // Embedded on other sites: short caching, and allowed cross-origin.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response.headers_mut().insert(
        axum::http::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_is_as_wide_as_its_texts() {
        let short = svg_badge("web", "100%", Some(100), "https://x/site/a", "t");
        let long = svg_badge(
            "Indaba website test",
            "not scored",
            None,
            "https://x/site/a",
            "t",
        );
        let width = |svg: &str| -> f64 {
            svg.split("width=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(width(&long) > width(&short) + 50.0);
        assert!(width(&short) >= text_width("web") + text_width("100%") + 24.0);
        let odd = svg_badge("<a&b>", "\"", None, "https://x/?a=1&b=2", "<t>");
        assert!(!odd.contains("<a&b>") && odd.contains("&lt;a&amp;b&gt;"));
        assert!(odd.contains("a=1&amp;b=2"));
    }
}
