//! The static walk behind the findings: a domain's SPF record and every
//! record it includes or redirects to, with the lookups a receiver makes
//! for mail from a server the records do not list (the case that matters
//! for forged mail: no mechanism matches, so every term is evaluated).

use super::dns::{Answer, DnsView, Question, Rdata, RrType, Step, normalise};
use super::eval::{MAX_LOOKUPS, MAX_NAMES, MAX_VOID_LOOKUPS};
use super::macros::{ExpandError, MacroString, MacroValues, truncate_domain};
use super::record::{Mechanism, Qualifier, SpfError, SpfRecord, is_spf_record, parse};

/// RFC 7208 §3.4: the answer should fit in a 512-byte UDP message; past
/// this the record is noted as large.
pub const LARGE_RECORD: usize = 450;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Receivers get `permerror` (or never a usable result): the check fails.
    Fail,
    /// Something could not be looked up: the check could not be completed.
    Error,
}

/// A problem found in the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// How bad.
    pub severity: Severity,
    /// What, in a sentence.
    pub text: String,
}

/// What the checked domain publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopRecord {
    /// The TXT lookup failed.
    LookupFailed(String),
    /// No `v=spf1` record (`nxdomain`: the name does not exist).
    Missing {
        /// Whether the domain does not exist.
        nxdomain: bool,
    },
    /// More than one `v=spf1` record.
    Multiple(Vec<String>),
    /// One record that does not parse.
    Invalid {
        /// The record.
        text: String,
        /// Why.
        error: SpfError,
    },
    /// One valid record.
    Found(String),
}

/// How a record was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The checked domain itself.
    Top,
    /// The `index`-th directive of the parent, an `include`.
    Include {
        /// The term as written.
        term: String,
        /// Its position among the parent's directives.
        index: usize,
    },
    /// The parent's `redirect=`.
    Redirect(String),
}

/// One record of the include tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The domain whose record this is.
    pub domain: String,
    /// How it was reached.
    pub via: Via,
    /// The record text, when one valid record was found.
    pub text: Option<String>,
    /// The parsed record.
    pub record: Option<SpfRecord>,
    /// Why there is no usable record, or `None`.
    pub problem: Option<String>,
    /// DNS-querying terms in this record (not its children).
    pub lookups: u32,
    /// Records it includes or redirects to.
    pub children: Vec<Node>,
}

/// What mail from an unlisted server gets, decided by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyEnd {
    /// An `all` decides.
    All {
        /// Its qualifier.
        qualifier: Qualifier,
        /// The record it is in.
        domain: String,
        /// Whether that record was reached through `redirect=`.
        via_redirect: bool,
    },
    /// A term before the `all` passes every address: `+all` in an
    /// included record, or `ip4:0.0.0.0/0`.
    Everyone {
        /// The term.
        term: String,
        /// Where.
        domain: String,
    },
    /// No `all` and no `redirect=`: neutral (§4.7).
    Default {
        /// The record that ends without one.
        domain: String,
    },
    /// The end could not be found.
    Unknown(String),
}

/// The walk's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// The checked domain.
    pub domain: String,
    /// What it publishes.
    pub top: TopRecord,
    /// The tree, when the domain has one valid record.
    pub tree: Option<Node>,
    /// DNS-querying terms in the whole tree (counted up to the 11th).
    pub lookups: u32,
    /// Lookups that found nothing (counted up to the 3rd).
    pub void_lookups: u32,
    /// Problems, in the order found.
    pub problems: Vec<Problem>,
    /// Remarks that do not change the verdict.
    pub notes: Vec<String>,
}

/// Walks the SPF records of `domain` over `view`.
pub fn audit<V: DnsView + ?Sized>(view: &V, domain: &str) -> Step<Audit> {
    let domain = normalise(domain);
    let q = Question::new(&domain, RrType::Txt);
    let Some(answer) = view.answer(&q) else {
        return Step::NeedsLookup(vec![q]);
    };
    let mut audit = Audit {
        domain: domain.clone(),
        top: TopRecord::Missing { nxdomain: false },
        tree: None,
        lookups: 0,
        void_lookups: 0,
        problems: Vec::new(),
        notes: Vec::new(),
    };
    let spf = match answer {
        Answer::Failed(reason) => {
            audit.top = TopRecord::LookupFailed(reason);
            return Step::Done(audit);
        }
        Answer::NxDomain => {
            audit.top = TopRecord::Missing { nxdomain: true };
            return Step::Done(audit);
        }
        Answer::Records(r) => spf_texts(r),
    };
    match spf.as_slice() {
        [] => return Step::Done(audit),
        [one] => match parse(one) {
            Ok(_) => audit.top = TopRecord::Found(lossy(one)),
            Err(error) => {
                audit.top = TopRecord::Invalid {
                    text: lossy(one),
                    error,
                };
                return Step::Done(audit);
            }
        },
        many => {
            audit.top = TopRecord::Multiple(many.iter().map(|t| lossy(t)).collect());
            return Step::Done(audit);
        }
    }
    let mut walker = Walker {
        view,
        top: domain.clone(),
        lookups: 0,
        voids: 0,
        missing: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        stopped: false,
    };
    let mut stack = Vec::new();
    let tree = walker.walk(&domain, Via::Top, &mut stack);
    if !walker.missing.is_empty() {
        walker.missing.sort();
        walker.missing.dedup();
        return Step::NeedsLookup(walker.missing);
    }
    if let Some(text) = &tree.text
        && text.len() > LARGE_RECORD
    {
        walker.notes.push(format!(
            "the record is {} bytes; RFC 7208 §3.4 asks for records small enough that the answer fits in 512 bytes",
            text.len()
        ));
    }
    audit.tree = Some(tree);
    audit.lookups = walker.lookups;
    audit.void_lookups = walker.voids;
    audit.problems = walker.problems;
    audit.notes = walker.notes;
    Step::Done(audit)
}

fn spf_texts(records: Vec<Rdata>) -> Vec<Vec<u8>> {
    records
        .into_iter()
        .filter_map(|r| match r {
            Rdata::Txt(t) if is_spf_record(&t) => Some(t),
            _ => None,
        })
        .collect()
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

struct Walker<'a, V: ?Sized> {
    view: &'a V,
    top: String,
    lookups: u32,
    voids: u32,
    missing: Vec<Question>,
    problems: Vec<Problem>,
    notes: Vec<String>,
    stopped: bool,
}

enum Looked {
    Pending,
    Answer(Answer),
}

impl<V: DnsView + ?Sized> Walker<'_, V> {
    fn fail(&mut self, text: String) {
        self.problems.push(Problem {
            severity: Severity::Fail,
            text,
        });
    }

    fn ask(&mut self, name: &str, rtype: RrType) -> Looked {
        // Names that cannot exist are not asked (as in check_host).
        if name.is_empty()
            || name.len() > 253
            || name.split('.').any(|l| l.is_empty() || l.len() > 63)
        {
            return Looked::Answer(Answer::NxDomain);
        }
        let q = Question::new(name, rtype);
        match self.view.answer(&q) {
            Some(a) => Looked::Answer(a),
            None => {
                self.missing.push(q);
                Looked::Pending
            }
        }
    }

    /// Expands a target with what is known without a message: the domain
    /// (`%{d}`) and the sender's domain (`%{o}`, the checked domain).
    fn expand(&self, spec: &MacroString, domain: &str) -> Result<String, ExpandError> {
        let values = MacroValues {
            domain: Some(domain),
            sender_domain: Some(&self.top),
            ..MacroValues::default()
        };
        spec.expand(&values)
            .map(|e| truncate_domain(&normalise(&e)))
    }

    fn count(&mut self, term: &str, domain: &str, node: &mut Node) -> bool {
        self.lookups += 1;
        node.lookups += 1;
        if self.lookups > MAX_LOOKUPS {
            self.fail(format!(
                "evaluating the records needs more than {MAX_LOOKUPS} DNS lookups: the 11th is {term} in the record of {domain}; receivers return permerror (RFC 7208 §4.6.4)"
            ));
            self.stopped = true;
            return false;
        }
        true
    }

    fn void(&mut self, what: String) {
        self.voids += 1;
        if self.voids > MAX_VOID_LOOKUPS {
            self.fail(format!(
                "more than {MAX_VOID_LOOKUPS} lookups find nothing (the 3rd: {what}); receivers return permerror (RFC 7208 §4.6.4)"
            ));
            self.stopped = true;
        }
    }

    fn walk(&mut self, domain: &str, via: Via, stack: &mut Vec<String>) -> Node {
        let mut node = Node {
            domain: domain.to_string(),
            via: via.clone(),
            text: None,
            record: None,
            problem: None,
            lookups: 0,
            children: Vec::new(),
        };
        let how = match &via {
            Via::Top => String::new(),
            Via::Include { term, .. } => format!("{term}: "),
            Via::Redirect(term) => format!("{term}: "),
        };
        let answer = match self.ask(domain, RrType::Txt) {
            Looked::Pending => return node,
            Looked::Answer(a) => a,
        };
        let spf = match answer {
            Answer::Failed(reason) => {
                node.problem = Some(format!("the lookup failed: {reason}"));
                self.problems.push(Problem {
                    severity: Severity::Error,
                    text: format!("{how}the record of {domain} could not be looked up ({reason}); receivers would return temperror"),
                });
                return node;
            }
            Answer::NxDomain => Vec::new(),
            Answer::Records(r) => spf_texts(r),
        };
        let text = match spf.as_slice() {
            [] => {
                node.problem = Some("no SPF record".to_string());
                self.fail(format!(
                    "{how}{domain} has no SPF record; receivers return permerror (RFC 7208 §5.2, §6.1)"
                ));
                return node;
            }
            [one] => one.clone(),
            many => {
                node.problem = Some(format!("{} SPF records", many.len()));
                self.fail(format!(
                    "{how}{domain} has {} SPF records; receivers return permerror (RFC 7208 §4.5)",
                    many.len()
                ));
                return node;
            }
        };
        node.text = Some(lossy(&text));
        let record = match parse(&text) {
            Ok(r) => r,
            Err(e) => {
                node.problem = Some(e.to_string());
                self.fail(format!("{how}the record of {domain} is not valid: {e}"));
                return node;
            }
        };
        stack.push(domain.to_string());
        for (index, d) in record.directives.iter().enumerate() {
            if self.stopped {
                break;
            }
            if !d.mechanism.queries_dns() || !self.count(&d.text, domain, &mut node) {
                continue;
            }
            match &d.mechanism {
                Mechanism::Include(spec) => {
                    if let Some(target) = self.target(spec, domain, &d.text)
                        && !self.looped(stack, &target, &d.text)
                    {
                        let child = self.walk(
                            &target,
                            Via::Include {
                                term: d.text.clone(),
                                index,
                            },
                            stack,
                        );
                        node.children.push(child);
                    }
                }
                Mechanism::A { domain: spec, .. } => {
                    let name = match spec {
                        Some(spec) => self.target(spec, domain, &d.text),
                        None => Some(domain.to_string()),
                    };
                    if let Some(name) = name {
                        let a = self.ask(&name, RrType::A);
                        let aaaa = self.ask(&name, RrType::Aaaa);
                        if let (Looked::Answer(a), Looked::Answer(aaaa)) = (a, aaaa)
                            && empty(&a)
                            && empty(&aaaa)
                        {
                            self.void(format!("{} in the record of {domain}: {name} has no addresses", d.text));
                        }
                    }
                }
                Mechanism::Mx { domain: spec, .. } => {
                    let name = match spec {
                        Some(spec) => self.target(spec, domain, &d.text),
                        None => Some(domain.to_string()),
                    };
                    if let Some(name) = name
                        && let Looked::Answer(answer) = self.ask(&name, RrType::Mx)
                    {
                        let hosts = match &answer {
                            Answer::Records(r) => r
                                .iter()
                                .filter(|r| matches!(r, Rdata::Mx { exchange, .. } if !exchange.is_empty()))
                                .count(),
                            _ => 0,
                        };
                        if empty(&answer) {
                            self.void(format!("{} in the record of {domain}: {name} has no MX records", d.text));
                        } else if hosts > MAX_NAMES {
                            self.fail(format!(
                                "{} in the record of {domain}: {name} has {hosts} MX hosts; receivers look at {MAX_NAMES} at most and then return permerror (RFC 7208 §4.6.4)",
                                d.text
                            ));
                        }
                    }
                }
                Mechanism::Exists(spec) => {
                    if let Some(name) = self.target(spec, domain, &d.text)
                        && let Looked::Answer(answer) = self.ask(&name, RrType::A)
                        && empty(&answer)
                    {
                        self.void(format!("{} in the record of {domain}: {name} does not exist", d.text));
                    }
                }
                Mechanism::Ptr(_) => self.notes.push(format!(
                    "{} in the record of {domain}: ptr is slow and unreliable, and RFC 7208 §5.5 says it SHOULD NOT be used",
                    d.text
                )),
                _ => {}
            }
        }
        if !self.stopped
            && let Some(spec) = record.effective_redirect()
        {
            let term = format!("redirect={spec}");
            if self.count(&term, domain, &mut node)
                && let Some(target) = self.target(spec, domain, &term)
                && !self.looped(stack, &target, &term)
            {
                let child = self.walk(&target, Via::Redirect(term), stack);
                node.children.push(child);
            }
        }
        stack.pop();
        node.record = Some(record);
        node
    }

    /// A target name, or `None` (with a note or problem) when it cannot be
    /// known without a message.
    fn target(&mut self, spec: &MacroString, domain: &str, term: &str) -> Option<String> {
        match self.expand(spec, domain) {
            Ok(name) => Some(name),
            Err(ExpandError::Unknown(letter)) => {
                self.notes.push(format!(
                    "{term} in the record of {domain}: the target depends on %{{{letter}}} of each message, so it is counted but not followed"
                ));
                None
            }
            Err(e @ ExpandError::TooLong) => {
                self.fail(format!("{term} in the record of {domain}: {e}"));
                None
            }
        }
    }

    fn looped(&mut self, stack: &[String], target: &str, term: &str) -> bool {
        if stack.iter().any(|d| d == target) {
            let mut path = stack.to_vec();
            path.push(target.to_string());
            self.fail(format!(
                "{term} makes a loop ({}); receivers return permerror",
                path.join(" → ")
            ));
            self.stopped = true;
            true
        } else {
            false
        }
    }
}

fn empty(answer: &Answer) -> bool {
    match answer {
        Answer::NxDomain => true,
        Answer::Records(r) => r.is_empty(),
        Answer::Failed(_) => false,
    }
}

impl Audit {
    /// What mail from an unlisted server gets: the `all` of the record,
    /// following `redirect=`, unless an earlier term passes everyone.
    pub fn policy(&self) -> PolicyEnd {
        match &self.tree {
            Some(tree) => policy_of(tree, false),
            None => PolicyEnd::Unknown("there is no usable SPF record".to_string()),
        }
    }

    /// Whether any problem makes the record fail.
    pub fn fails(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Fail)
    }

    /// The tree, one line per record: (depth, how reached, what).
    pub fn tree_lines(&self) -> Vec<(usize, String, String)> {
        let mut out = Vec::new();
        if let Some(tree) = &self.tree {
            lines(tree, 0, &mut out);
        }
        out
    }
}

fn lines(node: &Node, depth: usize, out: &mut Vec<(usize, String, String)>) {
    let how = match &node.via {
        Via::Top => format!("{} TXT", node.domain),
        Via::Include { term, .. } => format!("{term} → {}", node.domain),
        Via::Redirect(term) => format!("{term} → {}", node.domain),
    };
    let what = match (&node.text, &node.problem) {
        (_, Some(problem)) => problem.clone(),
        (Some(text), None) => format!(
            "{text} ({} lookup{})",
            node.lookups,
            if node.lookups == 1 { "" } else { "s" }
        ),
        (None, None) => "not looked up".to_string(),
    };
    out.push((depth, how, what));
    for child in &node.children {
        lines(child, depth + 1, out);
    }
}

fn policy_of(node: &Node, via_redirect: bool) -> PolicyEnd {
    let Some(record) = &node.record else {
        return PolicyEnd::Unknown(format!(
            "the record of {} is not usable ({})",
            node.domain,
            node.problem.as_deref().unwrap_or("not looked up")
        ));
    };
    for (index, d) in record.directives.iter().enumerate() {
        match &d.mechanism {
            Mechanism::All => {
                return PolicyEnd::All {
                    qualifier: d.qualifier,
                    domain: node.domain.clone(),
                    via_redirect,
                };
            }
            Mechanism::Ip4(_, 0) | Mechanism::Ip6(_, 0) if d.qualifier == Qualifier::Pass => {
                return PolicyEnd::Everyone {
                    term: d.text.clone(),
                    domain: node.domain.clone(),
                };
            }
            Mechanism::Include(_) if d.qualifier == Qualifier::Pass => {
                let child = node
                    .children
                    .iter()
                    .find(|c| matches!(&c.via, Via::Include { index: i, .. } if *i == index));
                if let Some(child) = child
                    && matches!(
                        policy_of(child, false),
                        PolicyEnd::All {
                            qualifier: Qualifier::Pass,
                            ..
                        } | PolicyEnd::Everyone { .. }
                    )
                {
                    return PolicyEnd::Everyone {
                        term: format!("{} (its record passes every address)", d.text),
                        domain: node.domain.clone(),
                    };
                }
            }
            _ => {}
        }
    }
    if record.effective_redirect().is_some() {
        return match node
            .children
            .iter()
            .find(|c| matches!(c.via, Via::Redirect(_)))
        {
            Some(child) => policy_of(child, true),
            None => PolicyEnd::Unknown(format!(
                "the redirect= of {} could not be followed",
                node.domain
            )),
        };
    }
    PolicyEnd::Default {
        domain: node.domain.clone(),
    }
}
