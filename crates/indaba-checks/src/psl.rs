//! The organisational domain of RFC 7489 §3.2, from the Public Suffix List.
//!
//! DMARC looks for a policy at the domain of the `From:` address and, failing
//! that, at its *organisational domain*: the public suffix plus one label.
//! The public suffix comes from the Public Suffix List (PSL), embedded here
//! from `data/public_suffix_list.dat` (MPL-2.0, see `data/README.md`).
//!
//! # Which sections
//!
//! Both the ICANN and the PRIVATE sections are used ([`Scope::All`], the
//! default). A private-section suffix such as `github.io` or `blogspot.com`
//! marks the boundary where independent registrants begin: without it,
//! `alice.github.io` and `mallory.github.io` would share an organisational
//! domain, so one user's DMARC record would govern the other's mail and relaxed
//! alignment would join them. OpenDMARC loads the whole list as well, and the
//! PSL's own test files expect private rules (`uk.com`) to apply. Callers that
//! want the registry view only can pass [`Scope::Icann`].
//!
//! # Why our own matcher
//!
//! The `publicsuffix` crate (2.3) walks its rule trie greedily: when a label is
//! only an interior node of a longer rule, it does not fall back to a wildcard
//! one level up. With `*.futurecms.at` and `*.ex.futurecms.at` both listed, it
//! gives `futurecms.at` as the registrable domain of `ex.futurecms.at`, although
//! `*.futurecms.at` makes `ex.futurecms.at` itself a public suffix (tried with
//! 2.3.0 on the embedded list, which has 33 such rule pairs). The PSL algorithm
//! itself is a handful of hash lookups per name, so this module implements it
//! directly (<https://github.com/publicsuffix/list/wiki/Format>): the longest
//! matching rule wins, an exception rule beats every other rule, and a name
//! no rule matches falls under the implicit rule `*`.
//!
//! Unicode rules are stored in their A-label form, so lookups take a
//! [`DomainName`], which is always A-labels in lower case.

use std::collections::HashMap;
use std::sync::OnceLock;

use indaba_model::DomainName;

/// The list as shipped with Indaba.
const EMBEDDED_LIST: &str = include_str!("../../../data/public_suffix_list.dat");

/// At most this many rejected rules are kept for diagnostics; the count goes on.
const MAX_KEPT_REJECTIONS: usize = 100;

/// The section of the list a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// `===BEGIN ICANN DOMAINS===`: suffixes operated by registries under ICANN.
    Icann,
    /// `===BEGIN PRIVATE DOMAINS===`: suffixes that companies offer to their
    /// customers (`github.io`, `blogspot.com`).
    Private,
}

/// Which sections of the list a lookup uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Both sections (the default; see the module documentation for why).
    #[default]
    All,
    /// Only the ICANN section.
    Icann,
}

impl Scope {
    fn admits(self, section: Section) -> bool {
        match self {
            Scope::All => true,
            Scope::Icann => section == Section::Icann,
        }
    }
}

/// The rules that share one base name: `x.y`, `*.x.y` and `!x.y`.
#[derive(Debug, Clone, Copy, Default)]
struct Rules {
    exact: Option<Section>,
    wildcard: Option<Section>,
    exception: Option<Section>,
}

/// A line of the list that is not a usable rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRule {
    /// Line number, from 1.
    pub line: usize,
    /// The rule as written.
    pub rule: String,
    /// Why it was not used.
    pub reason: RuleProblem,
}

/// Why a line of the list is not a usable rule. Diagnostics for whoever
/// updates the embedded list; never shown in a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    /// `!x`: an exception needs at least two labels.
    #[error("an exception rule needs at least two labels")]
    ShortException,
    /// A `*` other than the leftmost label.
    #[error("a wildcard is only allowed as the leftmost label")]
    MisplacedWildcard,
    /// A Unicode rule that does not convert to A-labels.
    #[error("not a valid IDN")]
    BadIdn,
    /// An empty label.
    #[error("the rule has an empty label")]
    EmptyLabel,
}

/// A parsed Public Suffix List.
#[derive(Debug, Clone)]
pub struct PublicSuffixList {
    rules: HashMap<String, Rules>,
    rule_count: usize,
    rejected: Vec<RejectedRule>,
    rejected_count: usize,
}

/// The public suffix of a name and the rule that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicSuffix {
    /// The suffix in A-label form, without the trailing dot.
    pub name: String,
    /// How many labels it has.
    pub labels: usize,
    /// The section of the prevailing rule, or `None` for the implicit `*` rule
    /// (the top-level domain is not in the list).
    pub section: Option<Section>,
}

impl PublicSuffixList {
    /// The list embedded from `data/public_suffix_list.dat`, parsed once.
    pub fn embedded() -> &'static PublicSuffixList {
        static LIST: OnceLock<PublicSuffixList> = OnceLock::new();
        LIST.get_or_init(|| PublicSuffixList::parse(EMBEDDED_LIST))
    }

    /// Parses list text. Never fails: a line that is not a usable rule is
    /// skipped and reported by [`PublicSuffixList::rejected`], so one bad line
    /// in an updated list cannot take every DMARC check down with it.
    pub fn parse(text: &str) -> PublicSuffixList {
        let mut list = PublicSuffixList {
            rules: HashMap::new(),
            rule_count: 0,
            rejected: Vec::new(),
            rejected_count: 0,
        };
        // Lines before any section marker are treated as ICANN, the list's
        // historical default.
        let mut section = Section::Icann;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.contains("===BEGIN ICANN DOMAINS===") {
                section = Section::Icann;
                continue;
            }
            if line.contains("===BEGIN PRIVATE DOMAINS===") {
                section = Section::Private;
                continue;
            }
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            // The format allows text after the rule, separated by white space.
            let Some(rule) = line.split_whitespace().next() else {
                continue;
            };
            if let Err(reason) = list.add(rule, section) {
                list.rejected_count += 1;
                if list.rejected.len() < MAX_KEPT_REJECTIONS {
                    list.rejected.push(RejectedRule {
                        line: index + 1,
                        rule: rule.to_string(),
                        reason,
                    });
                }
            }
        }
        list
    }

    fn add(&mut self, rule: &str, section: Section) -> Result<(), RuleProblem> {
        enum Kind {
            Exact,
            Wildcard,
            Exception,
        }
        let (kind, base) = if let Some(rest) = rule.strip_prefix('!') {
            if !rest.contains('.') {
                return Err(RuleProblem::ShortException);
            }
            (Kind::Exception, rest)
        } else if let Some(rest) = rule.strip_prefix("*.") {
            (Kind::Wildcard, rest)
        } else {
            (Kind::Exact, rule)
        };
        if base.split('.').any(|l| l == "*") {
            return Err(RuleProblem::MisplacedWildcard);
        }
        let ascii = if base.is_ascii() {
            base.to_ascii_lowercase()
        } else {
            idna::domain_to_ascii(base).map_err(|_| RuleProblem::BadIdn)?
        };
        if ascii.is_empty() || ascii.split('.').any(str::is_empty) {
            return Err(RuleProblem::EmptyLabel);
        }
        let entry = self.rules.entry(ascii).or_default();
        let slot = match kind {
            Kind::Exact => &mut entry.exact,
            Kind::Wildcard => &mut entry.wildcard,
            Kind::Exception => &mut entry.exception,
        };
        if slot.is_none() {
            *slot = Some(section);
            self.rule_count += 1;
        }
        Ok(())
    }

    /// How many distinct rules the list holds.
    pub fn len(&self) -> usize {
        self.rule_count
    }

    /// Whether the list holds no rule (only the implicit `*` applies).
    pub fn is_empty(&self) -> bool {
        self.rule_count == 0
    }

    /// The lines that were skipped (at most the first 100) and their reasons.
    pub fn rejected(&self) -> &[RejectedRule] {
        &self.rejected
    }

    /// How many lines were skipped in all.
    pub fn rejected_count(&self) -> usize {
        self.rejected_count
    }

    /// The public suffix of `name`, using the rules of `scope`.
    pub fn public_suffix(&self, name: &DomainName, scope: Scope) -> PublicSuffix {
        let text = name.as_str();
        // Byte offsets where each suffix of the name starts: 0, after the
        // first dot, after the second dot…
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('.').map(|(i, _)| i + 1))
            .collect();
        let total = starts.len();
        let admitted = |s: Option<Section>| s.filter(|&s| scope.admits(s));

        // Implicit rule `*`: the last label.
        let mut best: (usize, Option<Section>) = (1, None);
        let mut exception: Option<(usize, Section)> = None;
        for (index, start) in starts.iter().enumerate() {
            let suffix = text.get(*start..).unwrap_or_default();
            let Some(rules) = self.rules.get(suffix) else {
                continue;
            };
            let labels = total - index;
            if let Some(section) = admitted(rules.exception) {
                // `!a.b.c` makes `b.c` the suffix; the longest exception wins.
                if exception.is_none_or(|(l, _)| labels - 1 > l) {
                    exception = Some((labels - 1, section));
                }
            }
            if let Some(section) = admitted(rules.exact)
                && labels > best.0
            {
                best = (labels, Some(section));
            }
            // `*.b.c` matches the one label left of `b.c`, when there is one.
            if let Some(section) = admitted(rules.wildcard)
                && index >= 1
                && labels + 1 > best.0
            {
                best = (labels + 1, Some(section));
            }
        }
        let (labels, section) = match exception {
            Some((labels, section)) => (labels, Some(section)),
            None => best,
        };
        let labels = labels.clamp(1, total);
        let start = starts.get(total - labels).copied().unwrap_or(0);
        PublicSuffix {
            name: text.get(start..).unwrap_or(text).to_string(),
            labels,
            section,
        }
    }

    /// The organisational domain of `name` (RFC 7489 §3.2): its public suffix
    /// plus one label, or `None` when the name is itself a public suffix.
    pub fn organisational_domain(&self, name: &DomainName, scope: Scope) -> Option<DomainName> {
        let suffix = self.public_suffix(name, scope);
        let labels: Vec<&str> = name.labels().collect();
        if suffix.labels >= labels.len() {
            return None;
        }
        let keep = labels.get(labels.len() - suffix.labels - 1..)?;
        DomainName::parse(&keep.join(".")).ok()
    }
}

/// The organisational domain of `name` by the embedded list, both sections.
pub fn organisational_domain(name: &DomainName) -> Option<DomainName> {
    PublicSuffixList::embedded().organisational_domain(name, Scope::All)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    fn org(list: &PublicSuffixList, s: &str) -> Option<String> {
        list.organisational_domain(&name(s), Scope::All)
            .map(|d| d.as_str().to_string())
    }

    #[test]
    fn embedded_list_parses_cleanly() {
        let list = PublicSuffixList::embedded();
        assert_eq!(list.rejected_count(), 0, "{:?}", list.rejected());
        assert!(list.len() > 9000, "only {} rules", list.len());
    }

    #[test]
    fn wildcard_one_level_up_applies_below_an_interior_node() {
        let list = PublicSuffixList::parse(
            "// ===BEGIN PRIVATE DOMAINS===\n*.futurecms.at\n*.ex.futurecms.at\n",
        );
        assert_eq!(org(&list, "ex.futurecms.at"), None);
        assert_eq!(org(&list, "a.ex.futurecms.at"), None);
        assert_eq!(
            org(&list, "b.a.ex.futurecms.at").as_deref(),
            Some("b.a.ex.futurecms.at")
        );
        assert_eq!(
            org(&list, "x.y.futurecms.at").as_deref(),
            Some("x.y.futurecms.at")
        );
    }

    #[test]
    fn exceptions_and_sections() {
        let list = PublicSuffixList::parse(
            "// ===BEGIN ICANN DOMAINS===\nck\n*.ck\n!www.ck\ncom\n// ===BEGIN PRIVATE DOMAINS===\nuk.com\n",
        );
        assert_eq!(org(&list, "www.www.ck").as_deref(), Some("www.ck"));
        assert_eq!(org(&list, "a.b.test.ck").as_deref(), Some("b.test.ck"));
        assert_eq!(
            org(&list, "a.example.uk.com").as_deref(),
            Some("example.uk.com")
        );
        let icann = list.organisational_domain(&name("a.example.uk.com"), Scope::Icann);
        assert_eq!(
            icann.map(|d| d.as_str().to_string()).as_deref(),
            Some("uk.com")
        );
        let ps = list.public_suffix(&name("a.example.uk.com"), Scope::All);
        assert_eq!(ps.section, Some(Section::Private));
        let ps = list.public_suffix(&name("a.example.zz"), Scope::All);
        assert_eq!((ps.name.as_str(), ps.section), ("zz", None));
    }

    #[test]
    fn bad_rules_are_reported_not_fatal() {
        let list = PublicSuffixList::parse("com\n!foo\na.*.b\nx..y\nnet\n");
        assert_eq!(list.len(), 2);
        assert_eq!(list.rejected_count(), 3);
        assert_eq!(list.rejected()[0].line, 2);
        let reasons: Vec<&RuleProblem> = list.rejected().iter().map(|r| &r.reason).collect();
        assert_eq!(
            reasons,
            [
                &RuleProblem::ShortException,
                &RuleProblem::MisplacedWildcard,
                &RuleProblem::EmptyLabel
            ]
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_org_domain_is_a_suffix(s in "[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){0,6}") {
            // Dotted numbers such as 0.0.0.0 are addresses, not names.
            let Ok(n) = DomainName::parse(&s) else {
                return Ok(());
            };
            let list = PublicSuffixList::embedded();
            let ps = list.public_suffix(&n, Scope::All);
            prop_assert!(s.ends_with(&ps.name));
            if let Some(o) = list.organisational_domain(&n, Scope::All) {
                let dotted = format!(".{}", o.as_str());
                prop_assert!(s == o.as_str() || s.ends_with(&dotted));
                prop_assert_eq!(o.labels().count(), ps.labels + 1);
                // The organisational domain is its own organisational domain.
                prop_assert_eq!(list.organisational_domain(&o, Scope::All), Some(o.clone()));
            }
        }

        #[test]
        fn list_parser_never_panics(text in "\\PC{0,400}") {
            let list = PublicSuffixList::parse(&text);
            let _ = list.public_suffix(&name("a.b.example"), Scope::All);
        }
    }
}
