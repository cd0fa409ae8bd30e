//! Bounds on what people type: a title, a body of Markdown, a reason. Every
//! form field goes through one of these before it is stored, so stored text
//! is never empty where it must not be and never unbounded.

use indaba_model::msg;

use crate::Refused;

/// The longest title (characters).
pub const MAX_TITLE: usize = 200;
/// The longest body (characters): a long terms-of-reference document fits.
pub const MAX_BODY: usize = 100_000;
/// The longest reason given with a vote or a decision (characters).
pub const MAX_REASON: usize = 5_000;

/// A trimmed, non-empty title of at most [`MAX_TITLE`] characters, without
/// control characters.
pub fn title(text: &str) -> Result<String, Refused> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > MAX_TITLE || t.chars().any(char::is_control) {
        return Err(msg!("assembly-error-title", max = MAX_TITLE as i64).into());
    }
    Ok(t.to_string())
}

/// A trimmed, non-empty body of at most `max` characters.
pub fn body(text: &str, max: usize) -> Result<String, Refused> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(msg!("assembly-error-body", max = max as i64).into());
    }
    Ok(t.replace("\r\n", "\n"))
}

/// An optional text: empty is fine, longer than `max` is not.
pub fn optional(text: &str, max: usize) -> Result<String, Refused> {
    let t = text.trim();
    if t.chars().count() > max {
        return Err(msg!("assembly-error-body", max = max as i64).into());
    }
    Ok(t.replace("\r\n", "\n"))
}

/// An ISO 3166-1 alpha-2 country code, upper-cased (`ZA`, `BW`).
pub fn country(code: &str) -> Result<String, Refused> {
    let c = code.trim().to_ascii_uppercase();
    match isocountry::CountryCode::for_alpha2(&c) {
        Ok(_) => Ok(c),
        Err(_) => Err(msg!(
            "assembly-error-country",
            code = code.chars().take(10).collect::<String>()
        )
        .into()),
    }
}

/// The English name of a country code, for the directory (the code itself
/// when unknown).
pub fn country_name(code: &str) -> String {
    isocountry::CountryCode::for_alpha2(code)
        .map(|c| c.name().to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// A slug (lower-case letters, digits and dashes, 1–60 characters), from
/// any title.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "page".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bounds() {
        assert_eq!(title("  Policy  ").unwrap(), "Policy");
        assert!(title("").is_err());
        assert!(title("a\u{0}b").is_err());
        assert!(title(&"x".repeat(201)).is_err());
        assert!(body(" ", 10).is_err());
        assert_eq!(body("a\r\nb", 10).unwrap(), "a\nb");
        assert_eq!(optional("", 5).unwrap(), "");
        assert_eq!(country("za").unwrap(), "ZA");
        assert!(country("XX").is_err());
        assert_eq!(country_name("BW"), "Botswana");
        assert_eq!(slug("Top 10 tips!"), "top-10-tips");
        assert_eq!(slug("!!!"), "page");
    }

    proptest! {
        #[test]
        fn slugs_are_always_safe(s in ".{0,200}") {
            let out = slug(&s);
            prop_assert!(!out.is_empty() && out.len() <= 60);
            prop_assert!(out.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }

        #[test]
        fn titles_never_panic(s in "\\PC{0,300}") {
            if let Ok(t) = title(&s) {
                prop_assert!(t.chars().count() <= MAX_TITLE && !t.is_empty());
            }
        }
    }
}
