//! The SPF record grammar (RFC 7208 §4.5, §4.6.1, §5, §6, §12).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use indaba_model::{Message, ToMessage, msg};

use super::macros::{MacroError, MacroString, MacroUse};

/// A qualifier: the result a matching mechanism gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// `+` (the default).
    Pass,
    /// `-`.
    Fail,
    /// `~`.
    SoftFail,
    /// `?`.
    Neutral,
}

impl Qualifier {
    /// The qualifier's character.
    pub fn as_char(self) -> char {
        match self {
            Qualifier::Pass => '+',
            Qualifier::Fail => '-',
            Qualifier::SoftFail => '~',
            Qualifier::Neutral => '?',
        }
    }
}

/// A mechanism (§5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mechanism {
    /// `all`.
    All,
    /// `include:domain`.
    Include(MacroString),
    /// `a[:domain][/n][//m]`.
    A {
        /// The target (the current domain when absent).
        domain: Option<MacroString>,
        /// IPv4 prefix length.
        cidr4: u8,
        /// IPv6 prefix length.
        cidr6: u8,
    },
    /// `mx[:domain][/n][//m]`.
    Mx {
        /// The target (the current domain when absent).
        domain: Option<MacroString>,
        /// IPv4 prefix length.
        cidr4: u8,
        /// IPv6 prefix length.
        cidr6: u8,
    },
    /// `ptr[:domain]`.
    Ptr(Option<MacroString>),
    /// `ip4:network[/n]`.
    Ip4(Ipv4Addr, u8),
    /// `ip6:network[/n]`.
    Ip6(Ipv6Addr, u8),
    /// `exists:domain`.
    Exists(MacroString),
}

impl Mechanism {
    /// Whether evaluating it queries the DNS, and so counts against the
    /// limit of 10 (§4.6.4).
    pub fn queries_dns(&self) -> bool {
        !matches!(
            self,
            Mechanism::All | Mechanism::Ip4(..) | Mechanism::Ip6(..)
        )
    }
}

/// A directive: a qualifier and a mechanism.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The qualifier (`+` when none was written).
    pub qualifier: Qualifier,
    /// The mechanism.
    pub mechanism: Mechanism,
    /// The term as written.
    pub text: String,
}

/// A parsed `v=spf1` record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpfRecord {
    /// The mechanisms, in order.
    pub directives: Vec<Directive>,
    /// `redirect=`.
    pub redirect: Option<MacroString>,
    /// `exp=`.
    pub explanation: Option<MacroString>,
    /// Unknown modifiers, which are ignored (§6).
    pub unknown_modifiers: Vec<(String, MacroString)>,
}

impl SpfRecord {
    /// The first `all`, if any: it matches everyone, so nothing after it is
    /// ever evaluated, and `redirect=` is ignored (§6.1).
    pub fn first_all(&self) -> Option<&Directive> {
        self.directives
            .iter()
            .find(|d| d.mechanism == Mechanism::All)
    }

    /// Whether the record says the domain sends no mail at all: `-all` and
    /// nothing else but an explanation (`v=spf1 -all`, internet.nl's test of
    /// a non-sending domain).
    pub fn sends_no_mail(&self) -> bool {
        matches!(
            self.directives.as_slice(),
            [Directive {
                qualifier: Qualifier::Fail,
                mechanism: Mechanism::All,
                ..
            }]
        ) && self.redirect.is_none()
            && self.unknown_modifiers.is_empty()
    }

    /// The `redirect=` that applies: none when the record has an `all`.
    pub fn effective_redirect(&self) -> Option<&MacroString> {
        self.redirect
            .as_ref()
            .filter(|_| self.first_all().is_none())
    }
}

/// Why a record is not valid SPF. Receivers return `permerror` for any of
/// these (§4.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpfError {
    /// Not a `v=spf1` record at all.
    NotSpf,
    /// A byte outside printable US-ASCII and space.
    BadCharacter {
        /// Where.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A term that does not follow the grammar.
    BadTerm {
        /// The term (cut to 80 characters).
        term: String,
        /// Why.
        problem: TermProblem,
    },
    /// `redirect=` or `exp=` twice.
    DuplicateModifier(&'static str),
}

/// What is wrong with one term of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermProblem {
    /// `name=` where the name is not a modifier name.
    ModifierName,
    /// A target or value that is not a valid macro-string.
    Macro(MacroError),
    /// `all` with an argument.
    AllArgument,
    /// `ptr` followed by something other than `:domain`.
    PtrArgument,
    /// `a` or `mx` followed by something other than `:domain` or `/len`.
    DomainOrPrefix,
    /// `ip4` or `ip6` (named) without `:address`.
    NeedsAddress(&'static str),
    /// `ip4:` with something that is not an IPv4 network.
    NotIpv4(String),
    /// `ip6:` with something that is not an IPv6 network.
    NotIpv6(String),
    /// `redirect` or `exp` written like a mechanism.
    ModifierAsMechanism(String),
    /// No such mechanism.
    UnknownMechanism,
    /// `include` or `exists` without `:domain`.
    NeedsDomain,
    /// A prefix length out of range or with leading zeros.
    PrefixLength {
        /// The digits as written.
        digits: String,
        /// The largest length allowed (32 or 128).
        max: u8,
    },
}

impl ToMessage for SpfError {
    fn to_message(&self) -> Message {
        match self {
            SpfError::NotSpf => msg!("spf-error-not-spf"),
            SpfError::BadCharacter { offset, byte } => msg!(
                "spf-error-bad-character",
                offset = *offset,
                byte = format!("0x{byte:02x}")
            ),
            SpfError::BadTerm { term, problem } => msg!(
                "spf-error-bad-term",
                term = term.as_str(),
                problem = problem.to_message()
            ),
            SpfError::DuplicateModifier(name) => {
                msg!("spf-error-duplicate-modifier", modifier = *name)
            }
        }
    }
}

impl ToMessage for TermProblem {
    fn to_message(&self) -> Message {
        match self {
            TermProblem::ModifierName => msg!("spf-term-modifier-name"),
            TermProblem::Macro(e) => e.to_message(),
            TermProblem::AllArgument => msg!("spf-term-all-argument"),
            TermProblem::PtrArgument => msg!("spf-term-ptr-argument"),
            TermProblem::DomainOrPrefix => msg!("spf-term-domain-or-prefix"),
            TermProblem::NeedsAddress(mechanism) => {
                msg!("spf-term-needs-address", mechanism = *mechanism)
            }
            TermProblem::NotIpv4(text) => msg!("spf-term-not-ipv4", address = text.as_str()),
            TermProblem::NotIpv6(text) => msg!("spf-term-not-ipv6", address = text.as_str()),
            TermProblem::ModifierAsMechanism(name) => {
                msg!("spf-term-modifier-as-mechanism", name = name.as_str())
            }
            TermProblem::UnknownMechanism => msg!("spf-term-unknown-mechanism"),
            TermProblem::NeedsDomain => msg!("spf-term-needs-domain"),
            TermProblem::PrefixLength { digits, max } => msg!(
                "spf-term-prefix-length",
                digits = digits.as_str(),
                max = *max
            ),
        }
    }
}

fn bad(term: &str, problem: TermProblem) -> SpfError {
    SpfError::BadTerm {
        term: cut(term, 80),
        problem,
    }
}

/// `text` cut to `max` characters (hostile records can be 64 KB long; what
/// people read of them stays short).
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        text.chars()
            .take(max.saturating_sub(3))
            .chain("...".chars())
            .collect()
    } else {
        text.to_string()
    }
}

/// Whether a TXT record is an SPF version 1 record: `v=spf1`, any case,
/// followed by a space or the end (§4.5).
pub fn is_spf_record(text: &[u8]) -> bool {
    text.len() >= 6
        && text[..6].eq_ignore_ascii_case(b"v=spf1")
        && text.get(6).is_none_or(|&b| b == b' ')
}

/// Parses a whole record (the TXT strings already joined).
pub fn parse(text: &[u8]) -> Result<SpfRecord, SpfError> {
    if !is_spf_record(text) {
        return Err(SpfError::NotSpf);
    }
    if let Some(offset) = text.iter().position(|b| !(0x20..=0x7e).contains(b)) {
        return Err(SpfError::BadCharacter {
            offset,
            byte: text[offset],
        });
    }
    // Every byte is ASCII now.
    let text = std::str::from_utf8(text).map_err(|_| SpfError::NotSpf)?;
    let mut record = SpfRecord::default();
    for term in text[6..].split(' ').filter(|t| !t.is_empty()) {
        parse_term(term, &mut record)?;
    }
    Ok(record)
}

fn parse_term(term: &str, record: &mut SpfRecord) -> Result<(), SpfError> {
    let first_special = term.find(['=', ':', '/']);
    if let Some(eq) = first_special.filter(|&i| term.as_bytes()[i] == b'=') {
        let name = &term[..eq];
        if !is_modifier_name(name) {
            return Err(bad(term, TermProblem::ModifierName));
        }
        let value = &term[eq + 1..];
        match name.to_ascii_lowercase().as_str() {
            "redirect" => {
                if record.redirect.is_some() {
                    return Err(SpfError::DuplicateModifier("redirect"));
                }
                record.redirect = Some(domain_spec(term, value)?);
            }
            "exp" => {
                if record.explanation.is_some() {
                    return Err(SpfError::DuplicateModifier("exp"));
                }
                record.explanation = Some(domain_spec(term, value)?);
            }
            _ => {
                let value = MacroString::parse(value, MacroUse::Modifier)
                    .map_err(|e| bad(term, TermProblem::Macro(e)))?;
                record.unknown_modifiers.push((name.to_string(), value));
            }
        }
        return Ok(());
    }
    let (qualifier, body) = match term.as_bytes()[0] {
        b'+' => (Qualifier::Pass, &term[1..]),
        b'-' => (Qualifier::Fail, &term[1..]),
        b'~' => (Qualifier::SoftFail, &term[1..]),
        b'?' => (Qualifier::Neutral, &term[1..]),
        _ => (Qualifier::Pass, term),
    };
    let name_end = body.find([':', '/']).unwrap_or(body.len());
    let (name, rest) = body.split_at(name_end);
    let mechanism = match name.to_ascii_lowercase().as_str() {
        "all" => {
            if !rest.is_empty() {
                return Err(bad(term, TermProblem::AllArgument));
            }
            Mechanism::All
        }
        "include" => Mechanism::Include(required_domain(term, rest)?),
        "exists" => Mechanism::Exists(required_domain(term, rest)?),
        "ptr" => match rest.strip_prefix(':') {
            Some(spec) => Mechanism::Ptr(Some(domain_spec(term, spec)?)),
            None if rest.is_empty() => Mechanism::Ptr(None),
            None => return Err(bad(term, TermProblem::PtrArgument)),
        },
        "a" | "mx" => {
            let (spec, cidr4, cidr6) = dual_cidr(term, rest)?;
            let domain = match spec {
                "" => None,
                _ => match spec.strip_prefix(':') {
                    Some(spec) => Some(domain_spec(term, spec)?),
                    None => return Err(bad(term, TermProblem::DomainOrPrefix)),
                },
            };
            if name.eq_ignore_ascii_case("a") {
                Mechanism::A {
                    domain,
                    cidr4,
                    cidr6,
                }
            } else {
                Mechanism::Mx {
                    domain,
                    cidr4,
                    cidr6,
                }
            }
        }
        "ip4" => {
            let spec = rest
                .strip_prefix(':')
                .ok_or_else(|| bad(term, TermProblem::NeedsAddress("ip4")))?;
            let (addr, len) = match spec.split_once('/') {
                Some((a, l)) => (a, cidr(term, l, 32)?),
                None => (spec, 32),
            };
            Mechanism::Ip4(
                ipv4(addr).ok_or_else(|| bad(term, TermProblem::NotIpv4(cut(addr, 60))))?,
                len,
            )
        }
        "ip6" => {
            let spec = rest
                .strip_prefix(':')
                .ok_or_else(|| bad(term, TermProblem::NeedsAddress("ip6")))?;
            let (addr, len) = match spec.split_once('/') {
                Some((a, l)) => (a, cidr(term, l, 128)?),
                None => (spec, 128),
            };
            Mechanism::Ip6(
                addr.parse::<Ipv6Addr>()
                    .map_err(|_| bad(term, TermProblem::NotIpv6(cut(addr, 60))))?,
                len,
            )
        }
        "redirect" | "exp" => {
            return Err(bad(
                term,
                TermProblem::ModifierAsMechanism(name.to_string()),
            ));
        }
        _ => return Err(bad(term, TermProblem::UnknownMechanism)),
    };
    record.directives.push(Directive {
        qualifier,
        mechanism,
        text: term.to_string(),
    });
    Ok(())
}

fn is_modifier_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(c))
}

fn domain_spec(term: &str, spec: &str) -> Result<MacroString, SpfError> {
    MacroString::parse(spec, MacroUse::DomainSpec).map_err(|e| bad(term, TermProblem::Macro(e)))
}

fn required_domain(term: &str, rest: &str) -> Result<MacroString, SpfError> {
    let spec = rest
        .strip_prefix(':')
        .ok_or_else(|| bad(term, TermProblem::NeedsDomain))?;
    domain_spec(term, spec)
}

/// Splits `[":" domain-spec] [dual-cidr-length]`, reading the prefix
/// lengths from the end (a domain-spec may itself contain `/`).
fn dual_cidr<'t>(term: &str, rest: &'t str) -> Result<(&'t str, u8, u8), SpfError> {
    let mut rest = rest;
    let mut cidr6 = 128;
    let mut cidr4 = 32;
    if let Some((head, digits)) = trailing_length(rest)
        && let Some(head) = head.strip_suffix('/')
    {
        cidr6 = cidr(term, digits, 128)?;
        rest = head;
    }
    if let Some((head, digits)) = trailing_length(rest) {
        cidr4 = cidr(term, digits, 32)?;
        rest = head;
    }
    Ok((rest, cidr4, cidr6))
}

/// `head/digits` at the end of `s`: (`head`, `digits`).
fn trailing_length(s: &str) -> Option<(&str, &str)> {
    let (head, digits) = s.rsplit_once('/')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((head, digits))
}

fn cidr(term: &str, digits: &str, max: u8) -> Result<u8, SpfError> {
    let valid = !digits.is_empty()
        && digits.len() <= 3
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    match digits.parse::<u8>() {
        Ok(n) if valid && n <= max => Ok(n),
        _ => Err(bad(
            term,
            TermProblem::PrefixLength {
                digits: cut(digits, 20),
                max,
            },
        )),
    }
}

/// `ip4-network`: four decimal numbers 0–255 without leading zeros.
fn ipv4(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = p.parse().ok()?;
    }
    parts.next().is_none().then(|| Ipv4Addr::from(octets))
}

impl fmt::Display for Directive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> SpfRecord {
        parse(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn err(text: &str) -> SpfError {
        parse(text.as_bytes()).expect_err(text)
    }

    #[test]
    fn record_selection() {
        assert!(is_spf_record(b"v=spf1"));
        assert!(is_spf_record(b"V=SpF1 -all"));
        assert!(!is_spf_record(b"v=spf10"));
        assert!(!is_spf_record(b"v=spf1-all"));
        assert!(!is_spf_record(b" v=spf1 -all"));
        assert_eq!(err("v=spf2 -all"), SpfError::NotSpf);
    }

    #[test]
    fn mechanisms_and_modifiers() {
        let r = ok(
            "v=spf1 +a -mx:example.org/24//64 ~ptr ?ip4:192.0.2.0/24 ip6:2001:db8::/32 \
                    exists:%{i}.bl.example.org include:_spf.example.org redirect=other.example \
                    exp=explain.%{d} moo.cow-far_out=man:dog/cat all ",
        );
        assert_eq!(r.directives.len(), 8);
        assert_eq!(
            r.directives[1].mechanism,
            Mechanism::Mx {
                domain: Some(MacroString::parse("example.org", MacroUse::DomainSpec).unwrap()),
                cidr4: 24,
                cidr6: 64
            }
        );
        assert_eq!(r.directives[1].qualifier, Qualifier::Fail);
        assert_eq!(
            r.directives[3].mechanism,
            Mechanism::Ip4(Ipv4Addr::new(192, 0, 2, 0), 24)
        );
        assert!(r.redirect.is_some() && r.explanation.is_some());
        assert_eq!(r.unknown_modifiers.len(), 1);
        assert!(r.effective_redirect().is_none(), "all cancels redirect");
        assert!(
            ok("v=spf1 a//33 -all").directives[0]
                .mechanism
                .queries_dns()
        );
        assert!(ok("v=spf1 a:foo:bar/baz.example.com").directives.len() == 1);
        assert!(ok("v=spf1").directives.is_empty());
        ok("v=spf1 default=+");
        ok("v=spf1 ip6:::1.1.1.1/0 ip6:Cafe:Babe:8000::/33");
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "v=spf1 -all.",
            "v=spf1 -all:foobar",
            "v=spf1 -all/8",
            "v=spf1 ptr/0 -all",
            "v=spf1 ptr:",
            "v=spf1 a/33 -all",
            "v=spf1 a//129 -all",
            "v=spf1 a/24/64 -all",
            "v=spf1 a:example.com:8080",
            "v=spf1 a:111.222.33.44",
            "v=spf1 a:",
            "v=spf1 include",
            "v=spf1 include:",
            "v=spf1 include:ip5.example.com/24 -all",
            "v=spf1 exists",
            "v=spf1 exists:mail.example.com/24",
            "v=spf1 ip4",
            "v=spf1 ip4:1.2.3.4/33",
            "v=spf1 ip4:1.2.3.4/032",
            "v=spf1 ip4:1.2.3.4//32",
            "v=spf1 ip4:1.2.3.4:8080",
            "v=spf1 ip4:1.2.3",
            "v=spf1 ip4:01.2.3.4",
            "v=spf1 ip6::CAFE::BABE",
            "v=spf1 ip6:::1.1.1.1//33",
            "v=spf1 ip6:::1.1.1.1/129",
            "v=spf1 moo",
            "v=spf1 moo.cow/far_out=man:dog/cat",
            "v=spf1 redirect:t2.example.com",
            "v=spf1 1up=foo",
            "v=spf1 =all",
            "v=spf1 -all foo=%abc",
            "v=spf1 exp= -all",
            "v=spf1 exp=-all",
            "v=spf1 redirect=",
            "v=spf1 redirect=a.example redirect=b.example",
            "v=spf1 exp=a.example exp=b.example",
            "v=spf1 exp=%{r}.example.com",
            "v=spf1 a:ctrl.example.com\rptr -all",
            "v=spf1 a:foo.example.com\0",
            "v=spf1 ip4:192.0.2.5\n include:x.example",
            "v=spf1 a:\u{feff}garbage.example.net -all",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn long_terms_are_cut_in_messages() {
        let text = format!("v=spf1 {}", "x".repeat(10_000));
        match err(&text) {
            SpfError::BadTerm { term, .. } => assert!(term.chars().count() <= 80),
            other => panic!("{other:?}"),
        }
    }
}
