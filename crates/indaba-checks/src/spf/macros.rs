//! Macro-strings (RFC 7208 §7): parsing, the `domain-spec` rule, and
//! expansion with bounded output.

use std::fmt;
use std::net::IpAddr;

use indaba_model::{Message, ToMessage, msg};

use super::record::cut;

/// Longest expansion of one macro-string, in bytes. RFC 7208 sets no limit
/// before the 253-byte truncation of §7.3, but a record of 64 KB made of
/// `%{s}` macros would otherwise expand to megabytes; no useful domain or
/// explanation comes near this.
pub const MAX_EXPANSION: usize = 8192;

/// The letters of §7.2, in their lower-case meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    /// `s`: the sender.
    Sender,
    /// `l`: the local-part of the sender.
    LocalPart,
    /// `o`: the domain of the sender.
    SenderDomain,
    /// `d`: the domain being checked.
    Domain,
    /// `i`: the client address, dotted (nibbles for IPv6).
    Ip,
    /// `p`: the validated domain name of the client address.
    ValidatedName,
    /// `v`: `in-addr` or `ip6`.
    IpVersion,
    /// `h`: the HELO/EHLO domain.
    Helo,
    /// `c`: the client address, readable (explanations only).
    ClientIp,
    /// `r`: the name of the checking host (explanations only).
    Receiver,
    /// `t`: the current time in seconds (explanations only).
    Timestamp,
}

impl Letter {
    fn from_char(c: char) -> Option<Letter> {
        Some(match c.to_ascii_lowercase() {
            's' => Letter::Sender,
            'l' => Letter::LocalPart,
            'o' => Letter::SenderDomain,
            'd' => Letter::Domain,
            'i' => Letter::Ip,
            'p' => Letter::ValidatedName,
            'v' => Letter::IpVersion,
            'h' => Letter::Helo,
            'c' => Letter::ClientIp,
            'r' => Letter::Receiver,
            't' => Letter::Timestamp,
            _ => return None,
        })
    }

    fn as_char(self) -> char {
        match self {
            Letter::Sender => 's',
            Letter::LocalPart => 'l',
            Letter::SenderDomain => 'o',
            Letter::Domain => 'd',
            Letter::Ip => 'i',
            Letter::ValidatedName => 'p',
            Letter::IpVersion => 'v',
            Letter::Helo => 'h',
            Letter::ClientIp => 'c',
            Letter::Receiver => 'r',
            Letter::Timestamp => 't',
        }
    }

    /// `c`, `r` and `t` are allowed only in explanation text (§7.2).
    fn explanation_only(self) -> bool {
        matches!(
            self,
            Letter::ClientIp | Letter::Receiver | Letter::Timestamp
        )
    }
}

/// One `%{…}` macro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Macro {
    /// Which value.
    pub letter: Letter,
    /// Upper-case letter: the value is URL-escaped (§7.3).
    pub escape: bool,
    /// Keep this many right-hand parts (never zero).
    pub keep: Option<u32>,
    /// Reverse the parts first.
    pub reverse: bool,
    /// The characters to split on (`.` when empty).
    pub delimiters: String,
}

/// A piece of a macro-string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text, escapes (`%%`, `%_`, `%-`) already replaced.
    Literal(String),
    /// A macro to expand.
    Macro(Macro),
}

/// A parsed macro-string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MacroString {
    /// The pieces, in order.
    pub parts: Vec<Part>,
    /// The text as written.
    pub text: String,
}

/// Where a macro-string appears: this decides which letters and characters
/// are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroUse {
    /// A `domain-spec` (mechanism and modifier targets).
    DomainSpec,
    /// The value of an unknown modifier: any macro-string.
    Modifier,
    /// The explanation text fetched for `exp=` (spaces and `c`, `r`, `t`).
    Explanation,
}

/// Why a macro-string is not valid. `text` and `body` are cut to 80
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacroError {
    /// A `%` at the end.
    TrailingPercent {
        /// The macro-string.
        text: String,
    },
    /// `%{` without `}`.
    Unclosed {
        /// The macro-string.
        text: String,
        /// Where the macro starts.
        offset: usize,
    },
    /// `%` followed by something other than `{`, `%`, `_` or `-`.
    BadEscape {
        /// The macro-string.
        text: String,
        /// What follows the `%`.
        after: char,
    },
    /// A byte no macro-string may hold.
    BadByte {
        /// The macro-string.
        text: String,
        /// The byte.
        byte: u8,
    },
    /// `%{}`.
    NoLetter,
    /// `%{x…}` with an unknown letter.
    BadLetter(char),
    /// `c`, `r` or `t` outside explanation text.
    ExplanationOnly(char),
    /// A count of zero parts.
    ZeroParts {
        /// The macro's body.
        body: String,
    },
    /// A character that is not a delimiter.
    BadDelimiter {
        /// The macro's body.
        body: String,
        /// The character.
        delimiter: char,
    },
    /// A domain-spec that does not end in a top label or a macro.
    NoTopLabel {
        /// The macro-string.
        text: String,
    },
    /// A domain-spec whose last label is not a valid top label.
    BadTopLabel {
        /// The macro-string.
        text: String,
        /// The label.
        label: String,
    },
}

impl ToMessage for MacroError {
    fn to_message(&self) -> Message {
        match self {
            MacroError::TrailingPercent { text } => {
                msg!("spf-macro-trailing-percent", text = text.as_str())
            }
            MacroError::Unclosed { text, offset } => {
                msg!("spf-macro-unclosed", text = text.as_str(), offset = *offset)
            }
            MacroError::BadEscape { text, after } => msg!(
                "spf-macro-bad-escape",
                text = text.as_str(),
                after = after.escape_default().to_string()
            ),
            MacroError::BadByte { text, byte } => msg!(
                "spf-macro-bad-byte",
                text = text.as_str(),
                byte = format!("0x{byte:02x}")
            ),
            MacroError::NoLetter => msg!("spf-macro-no-letter"),
            MacroError::BadLetter(c) => {
                msg!(
                    "spf-macro-bad-letter",
                    letter = c.escape_default().to_string()
                )
            }
            MacroError::ExplanationOnly(c) => {
                msg!("spf-macro-explanation-only", letter = c.to_string())
            }
            MacroError::ZeroParts { body } => msg!("spf-macro-zero-parts", body = body.as_str()),
            MacroError::BadDelimiter { body, delimiter } => msg!(
                "spf-macro-bad-delimiter",
                body = body.as_str(),
                delimiter = delimiter.escape_default().to_string()
            ),
            MacroError::NoTopLabel { text } => msg!("spf-macro-no-top-label", text = text.as_str()),
            MacroError::BadTopLabel { text, label } => msg!(
                "spf-macro-bad-top-label",
                text = text.as_str(),
                label = label.as_str()
            ),
        }
    }
}

impl fmt::Display for MacroString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl MacroString {
    /// Parses `text` for `usage`.
    pub fn parse(text: &str, usage: MacroUse) -> Result<MacroString, MacroError> {
        let bytes = text.as_bytes();
        let mut parts: Vec<Part> = Vec::new();
        let mut literal = String::new();
        // Whether the string ends in a macro-expand (which includes the
        // escapes %%, %_ and %-): a domain-spec may then end without a
        // top label (§7.1 domain-end).
        let mut tail_start = 0usize;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let Some(&next) = bytes.get(i + 1) else {
                    return Err(MacroError::TrailingPercent {
                        text: cut(text, 80),
                    });
                };
                match next {
                    b'%' | b'_' | b'-' => {
                        literal.push_str(match next {
                            b'%' => "%",
                            b'_' => " ",
                            _ => "%20",
                        });
                        i += 2;
                        tail_start = literal.len();
                    }
                    b'{' => {
                        let close =
                            bytes[i..].iter().position(|&c| c == b'}').ok_or_else(|| {
                                MacroError::Unclosed {
                                    text: cut(text, 80),
                                    offset: i,
                                }
                            })?;
                        let body = &text[i + 2..i + close];
                        let m = parse_macro(body, usage)?;
                        if !literal.is_empty() {
                            parts.push(Part::Literal(std::mem::take(&mut literal)));
                        }
                        parts.push(Part::Macro(m));
                        i += close + 1;
                        tail_start = 0;
                    }
                    other => {
                        return Err(MacroError::BadEscape {
                            text: cut(text, 80),
                            after: char::from(other),
                        });
                    }
                }
                continue;
            }
            let allowed = match usage {
                MacroUse::Explanation => (0x20..=0x7e).contains(&b),
                _ => (0x21..=0x7e).contains(&b),
            };
            if !allowed {
                return Err(MacroError::BadByte {
                    text: cut(text, 80),
                    byte: b,
                });
            }
            literal.push(char::from(b));
            i += 1;
        }
        let ends_in_expand = parts.last().is_some_and(|p| matches!(p, Part::Macro(_)))
            && literal.is_empty()
            || (!literal.is_empty() && tail_start == literal.len());
        if usage == MacroUse::DomainSpec && !ends_in_expand {
            check_domain_end(&literal[tail_start.min(literal.len())..], text)?;
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(MacroString {
            parts,
            text: text.to_string(),
        })
    }

    /// Whether any macro uses `letter`.
    pub fn uses(&self, letter: Letter) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Macro(m) if m.letter == letter))
    }

    /// Whether the string has no macros at all.
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Literal(_)))
    }

    /// Expands with `values`. `Err` when a value is unknown (see
    /// [`MacroValues`]) or the result would exceed [`MAX_EXPANSION`].
    pub fn expand(&self, values: &MacroValues<'_>) -> Result<String, ExpandError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Macro(m) => {
                    let value = values
                        .value(m.letter)
                        .ok_or(ExpandError::Unknown(m.letter.as_char()))?;
                    let transformed = transform(&value, m);
                    if m.escape {
                        url_escape(&transformed, &mut out);
                    } else {
                        out.push_str(&transformed);
                    }
                }
            }
            if out.len() > MAX_EXPANSION {
                return Err(ExpandError::TooLong);
            }
        }
        Ok(out)
    }
}

fn parse_macro(body: &str, usage: MacroUse) -> Result<Macro, MacroError> {
    let mut chars = body.chars();
    let first = chars.next().ok_or(MacroError::NoLetter)?;
    let letter = Letter::from_char(first).ok_or(MacroError::BadLetter(first))?;
    if usage == MacroUse::DomainSpec && letter.explanation_only() {
        return Err(MacroError::ExplanationOnly(first));
    }
    let rest = &body[first.len_utf8()..];
    let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let digits = &rest[..digits_len];
    let keep = if digits.is_empty() {
        None
    } else {
        // Saturating: a 20-digit count keeps every part, like any count
        // larger than the number of parts.
        let n = digits.bytes().fold(0u32, |acc, d| {
            acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        });
        if n == 0 {
            return Err(MacroError::ZeroParts {
                body: cut(body, 80),
            });
        }
        Some(n)
    };
    let mut rest = &rest[digits_len..];
    let reverse = rest.starts_with(['r', 'R']);
    if reverse {
        rest = &rest[1..];
    }
    if let Some(bad) = rest.chars().find(|c| !".-+,/_=".contains(*c)) {
        return Err(MacroError::BadDelimiter {
            body: cut(body, 80),
            delimiter: bad,
        });
    }
    Ok(Macro {
        letter,
        escape: first.is_ascii_uppercase(),
        keep,
        reverse,
        delimiters: rest.to_string(),
    })
}

/// `domain-end = ( "." toplabel [ "." ] ) / macro-expand`, for the literal
/// text after the last macro.
fn check_domain_end(tail: &str, whole: &str) -> Result<(), MacroError> {
    let tail = tail.strip_suffix('.').unwrap_or(tail);
    let top = match tail.rsplit_once('.') {
        Some((_, top)) => top,
        None => {
            return Err(MacroError::NoTopLabel {
                text: cut(whole, 80),
            });
        }
    };
    if !is_toplabel(top) {
        return Err(MacroError::BadTopLabel {
            text: cut(whole, 80),
            label: cut(top, 63),
        });
    }
    Ok(())
}

/// `toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )`
fn is_toplabel(label: &str) -> bool {
    let b = label.as_bytes();
    if b.is_empty() || !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-') {
        return false;
    }
    if b.contains(&b'-') {
        b[0].is_ascii_alphanumeric() && b[b.len() - 1].is_ascii_alphanumeric()
    } else {
        b.iter().any(u8::is_ascii_alphabetic)
    }
}

fn transform(value: &str, m: &Macro) -> String {
    if m.keep.is_none() && !m.reverse && m.delimiters.is_empty() {
        return value.to_string();
    }
    let delimiters: &str = if m.delimiters.is_empty() {
        "."
    } else {
        &m.delimiters
    };
    let mut parts: Vec<&str> = value.split(|c| delimiters.contains(c)).collect();
    if m.reverse {
        parts.reverse();
    }
    if let Some(n) = m.keep {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n < parts.len() {
            parts.drain(..parts.len() - n);
        }
    }
    parts.join(".")
}

/// URL-escapes everything outside the unreserved set of RFC 3986.
fn url_escape(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Why a macro-string could not be expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpandError {
    /// A macro whose value is not known in this evaluation (a static walk
    /// knows no client address).
    Unknown(char),
    /// The expansion grew past [`MAX_EXPANSION`] bytes.
    TooLong,
}

impl ToMessage for ExpandError {
    fn to_message(&self) -> Message {
        match self {
            ExpandError::Unknown(letter) => {
                msg!("spf-expand-unknown", letter = letter.to_string())
            }
            ExpandError::TooLong => msg!("spf-expand-too-long", max = MAX_EXPANSION),
        }
    }
}

/// The values macros expand to. `None` fields are unknown: expanding a
/// macro that needs one fails with [`ExpandError::Unknown`].
#[derive(Debug, Clone, Default)]
pub struct MacroValues<'a> {
    /// `s`.
    pub sender: Option<&'a str>,
    /// `o`.
    pub sender_domain: Option<&'a str>,
    /// `d`.
    pub domain: Option<&'a str>,
    /// `i`, `c`, `v`.
    pub ip: Option<IpAddr>,
    /// `p`.
    pub validated_name: Option<&'a str>,
    /// `h`.
    pub helo: Option<&'a str>,
    /// `r`.
    pub receiver: Option<&'a str>,
    /// `t`.
    pub timestamp: Option<u64>,
}

impl MacroValues<'_> {
    fn value(&self, letter: Letter) -> Option<String> {
        Some(match letter {
            Letter::Sender => self.sender?.to_string(),
            Letter::LocalPart => local_part(self.sender?).to_string(),
            Letter::SenderDomain => self.sender_domain?.to_string(),
            Letter::Domain => self.domain?.to_string(),
            Letter::Ip => dotted(self.ip?),
            Letter::ValidatedName => self.validated_name?.to_string(),
            Letter::IpVersion => match self.ip? {
                IpAddr::V4(_) => "in-addr".to_string(),
                IpAddr::V6(_) => "ip6".to_string(),
            },
            Letter::Helo => self.helo?.to_string(),
            Letter::ClientIp => self.ip?.to_string(),
            Letter::Receiver => self.receiver?.to_string(),
            Letter::Timestamp => self.timestamp?.to_string(),
        })
    }
}

/// The local-part of a sender (`postmaster` when it has none).
pub fn local_part(sender: &str) -> &str {
    match sender.rsplit_once('@') {
        Some(("", _)) | None => "postmaster",
        Some((local, _)) => local,
    }
}

/// `%{i}`: dotted quad, or the 32 nibbles of an IPv6 address, dotted.
pub fn dotted(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(63);
            for byte in v6.octets() {
                for nibble in [byte >> 4, byte & 0xf] {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
                }
            }
            out
        }
    }
}

/// Makes an expanded domain ready to query: drops one trailing dot, and
/// cuts labels from the left until it is at most 253 bytes (§7.3).
pub fn truncate_domain(expanded: &str) -> String {
    let mut name = expanded.strip_suffix('.').unwrap_or(expanded);
    while name.len() > 253 {
        match name.split_once('.') {
            Some((_, rest)) => name = rest,
            None => return String::new(),
        }
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>() -> MacroValues<'a> {
        MacroValues {
            sender: Some("strong-bad@email.example.com"),
            sender_domain: Some("email.example.com"),
            domain: Some("email.example.com"),
            ip: Some("192.0.2.3".parse().unwrap()),
            validated_name: Some("mx.example.org"),
            helo: Some("mx.example.org"),
            receiver: Some("receiver.example"),
            timestamp: Some(1_700_000_000),
        }
    }

    fn expand(text: &str, v: &MacroValues<'_>) -> String {
        MacroString::parse(text, MacroUse::Explanation)
            .unwrap()
            .expand(v)
            .unwrap()
    }

    #[test]
    fn rfc_7208_section_7_4_examples() {
        let v = values();
        assert_eq!(expand("%{s}", &v), "strong-bad@email.example.com");
        assert_eq!(expand("%{o}", &v), "email.example.com");
        assert_eq!(expand("%{d}", &v), "email.example.com");
        assert_eq!(expand("%{d4}", &v), "email.example.com");
        assert_eq!(expand("%{d3}", &v), "email.example.com");
        assert_eq!(expand("%{d2}", &v), "example.com");
        assert_eq!(expand("%{d1}", &v), "com");
        assert_eq!(expand("%{dr}", &v), "com.example.email");
        assert_eq!(expand("%{d2r}", &v), "example.email");
        assert_eq!(expand("%{l}", &v), "strong-bad");
        assert_eq!(expand("%{l-}", &v), "strong.bad");
        assert_eq!(expand("%{lr}", &v), "strong-bad");
        assert_eq!(expand("%{lr-}", &v), "bad.strong");
        assert_eq!(expand("%{l1r-}", &v), "strong");
        assert_eq!(
            expand("%{ir}.%{v}._spf.%{d2}", &v),
            "3.2.0.192.in-addr._spf.example.com"
        );
        assert_eq!(
            expand("%{lr-}.lp._spf.%{d2}", &v),
            "bad.strong.lp._spf.example.com"
        );
        let mut v6 = values();
        v6.ip = Some("2001:db8::cb01".parse().unwrap());
        assert_eq!(
            expand("%{ir}.%{v}._spf.%{d2}", &v6),
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
        );
        assert_eq!(expand("%%%_%-", &v), "% %20");
        assert_eq!(
            expand("%{c} at %{t} by %{r}", &v),
            "192.0.2.3 at 1700000000 by receiver.example"
        );
    }

    #[test]
    fn upper_case_letters_url_escape() {
        let mut v = values();
        v.sender = Some("~jack&jill=up-a_b3.c@example.com");
        assert_eq!(expand("%{L}", &v), "~jack%26jill%3Dup-a_b3.c");
    }

    #[test]
    fn domain_spec_rules() {
        let ok = |t: &str| MacroString::parse(t, MacroUse::DomainSpec).is_ok();
        assert!(ok("example.com"));
        assert!(ok("example.com."));
        assert!(ok("foo.example.xn--zckzah"));
        assert!(ok("%{d}"));
        assert!(ok("%{H}.bar"));
        assert!(ok("foo:bar/baz.example.com"));
        assert!(ok("macro%%percent%_%_space%-url-space.example.com"));
        assert!(ok("a.%-"));
        assert!(!ok("museum"));
        assert!(!ok("museum."));
        assert!(!ok("abc.123"));
        assert!(!ok("example.-com"));
        assert!(!ok("example.com:8080"));
        assert!(!ok("foo-bar"));
        assert!(!ok(""));
        assert!(!ok("%{r}.example.com"));
        assert!(!ok("%{a}.example.com"));
        assert!(!ok("%(ir).example.com"));
        assert!(!ok("foo%.example.com"));
        assert!(!ok("%{d0}.example.com"));
        assert!(!ok("%{d"));
        assert!(!ok("a b.example.com"));
    }

    #[test]
    fn expansion_is_bounded() {
        let text = "%{s}".repeat(5000) + ".example.com";
        let m = MacroString::parse(&text, MacroUse::DomainSpec).unwrap();
        let long = "x".repeat(300) + "@example.com";
        let mut v = values();
        v.sender = Some(&long);
        assert_eq!(m.expand(&v), Err(ExpandError::TooLong));
    }

    #[test]
    fn huge_part_counts_keep_everything() {
        let v = values();
        assert_eq!(expand("%{d99999999999999999999}", &v), "email.example.com");
    }

    #[test]
    fn truncation_drops_left_labels() {
        let long = format!("{}.example.com", "abcdefghij.".repeat(30));
        let cut = truncate_domain(&long);
        assert!(cut.len() <= 253);
        assert!(cut.ends_with(".example.com"));
        assert!(!cut.starts_with('.'));
        assert_eq!(truncate_domain("example.com."), "example.com");
    }
}
