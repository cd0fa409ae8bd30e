//! The static walk behind the findings: a domain's SPF record and every
//! record it includes or redirects to, with the lookups a receiver makes
//! for mail from a server the records do not list (the case that matters
//! for forged mail: no mechanism matches, so every term is evaluated).

use indaba_model::{Message, ToMessage, msg};

use super::dns::{Answer, DnsView, LookupFailure, Question, Rdata, RrType, Step, normalise};
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
    /// The `include` or `redirect=` term that reached the record the
    /// problem is in, when that is not the checked domain's own.
    pub via: Option<String>,
    /// What.
    pub kind: ProblemKind,
}

/// What went wrong in the walk. Every kind but [`ProblemKind::LookupFailed`]
/// makes receivers return `permerror`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The 11th DNS-querying term: `term` in the record of `domain`.
    TooManyLookups {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
    },
    /// The 3rd lookup that found nothing.
    TooManyVoids(VoidLookup),
    /// A record could not be looked up (receivers would return temperror).
    LookupFailed {
        /// The domain whose record it is.
        domain: String,
        /// Why.
        failure: LookupFailure,
    },
    /// An included or redirected-to domain has no SPF record.
    NoRecord {
        /// The domain.
        domain: String,
    },
    /// A domain has several SPF records.
    MultipleRecords {
        /// The domain.
        domain: String,
        /// How many.
        count: usize,
    },
    /// A record reached does not parse.
    InvalidRecord {
        /// The domain.
        domain: String,
        /// Why.
        error: SpfError,
    },
    /// An `mx` term whose target has more MX hosts than receivers look at.
    TooManyMxHosts {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
        /// The target.
        name: String,
        /// How many hosts.
        count: usize,
    },
    /// A target that expands past the bound.
    MacroTooLong {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
    },
    /// An include or redirect back to a record already being evaluated.
    Loop {
        /// The term.
        term: String,
        /// The domains from the checked one to the repeated one.
        path: Vec<String>,
    },
}

/// A lookup that found nothing (§4.6.4 counts them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidLookup {
    /// The term.
    pub term: String,
    /// The record it is in.
    pub domain: String,
    /// The name looked up.
    pub name: String,
    /// What the term found missing.
    pub missing: Missing,
}

/// What a void lookup found missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// `a`: the name has no address of the family asked.
    Addresses,
    /// `mx`: the name has no MX records.
    MailServers,
    /// `exists`: the name does not exist.
    Name,
}

impl Problem {
    /// How bad it is.
    pub fn severity(&self) -> Severity {
        match self.kind {
            ProblemKind::LookupFailed { .. } => Severity::Error,
            _ => Severity::Fail,
        }
    }
}

impl ToMessage for Problem {
    fn to_message(&self) -> Message {
        let what = self.kind.to_message();
        match &self.via {
            Some(term) => msg!("spf-problem-via", term = term.as_str(), problem = what),
            None => what,
        }
    }
}

impl ToMessage for VoidLookup {
    fn to_message(&self) -> Message {
        let (term, domain, name) = (self.term.as_str(), self.domain.as_str(), self.name.as_str());
        match self.missing {
            Missing::MailServers => msg!("spf-void-mx", term = term, domain = domain, name = name),
            Missing::Name => msg!("spf-void-exists", term = term, domain = domain, name = name),
            Missing::Addresses => {
                msg!(
                    "spf-void-address",
                    term = term,
                    domain = domain,
                    name = name
                )
            }
        }
    }
}

impl ToMessage for ProblemKind {
    fn to_message(&self) -> Message {
        match self {
            ProblemKind::TooManyLookups { term, domain } => msg!(
                "spf-problem-too-many-lookups",
                max = MAX_LOOKUPS,
                term = term.as_str(),
                domain = domain.as_str()
            ),
            ProblemKind::TooManyVoids(void) => msg!(
                "spf-problem-too-many-voids",
                max = MAX_VOID_LOOKUPS,
                void = void.to_message()
            ),
            ProblemKind::LookupFailed { domain, failure } => msg!(
                "spf-problem-lookup-failed",
                domain = domain.as_str(),
                reason = failure.to_message()
            ),
            ProblemKind::NoRecord { domain } => {
                msg!("spf-problem-no-record", domain = domain.as_str())
            }
            ProblemKind::MultipleRecords { domain, count } => msg!(
                "spf-problem-multiple-records",
                domain = domain.as_str(),
                count = *count
            ),
            ProblemKind::InvalidRecord { domain, error } => msg!(
                "spf-problem-invalid-record",
                domain = domain.as_str(),
                error = error.to_message()
            ),
            ProblemKind::TooManyMxHosts {
                term,
                domain,
                name,
                count,
            } => msg!(
                "spf-problem-too-many-mx",
                term = term.as_str(),
                domain = domain.as_str(),
                name = name.as_str(),
                count = *count,
                max = MAX_NAMES
            ),
            ProblemKind::MacroTooLong { term, domain } => msg!(
                "spf-problem-macro-too-long",
                term = term.as_str(),
                domain = domain.as_str(),
                error = ExpandError::TooLong.to_message()
            ),
            ProblemKind::Loop { term, path } => msg!(
                "spf-problem-loop",
                term = term.as_str(),
                path = path.join(" → ")
            ),
        }
    }
}

/// A remark on the records that does not change the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The checked domain's record is larger than fits in a 512-byte answer.
    Large {
        /// Its size in bytes.
        bytes: usize,
    },
    /// A `ptr` mechanism (§5.5: SHOULD NOT be used).
    Ptr {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
    },
    /// A target that depends on the message, so it was counted but not
    /// followed.
    Unfollowed {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
        /// The macro letter.
        letter: char,
    },
}

impl ToMessage for Note {
    fn to_message(&self) -> Message {
        match self {
            Note::Large { bytes } => msg!("spf-note-large", bytes = *bytes),
            Note::Ptr { term, domain } => msg!(
                "spf-note-ptr",
                term = term.as_str(),
                domain = domain.as_str()
            ),
            Note::Unfollowed {
                term,
                domain,
                letter,
            } => msg!(
                "spf-note-unfollowed",
                term = term.as_str(),
                domain = domain.as_str(),
                letter = letter.to_string()
            ),
        }
    }
}

/// Why one record of the tree is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeProblem {
    /// Its lookup failed.
    LookupFailed(LookupFailure),
    /// The domain has no SPF record.
    NoRecord,
    /// The domain has several.
    Multiple(usize),
    /// The record does not parse.
    Invalid(SpfError),
}

impl ToMessage for NodeProblem {
    fn to_message(&self) -> Message {
        match self {
            NodeProblem::LookupFailed(f) => msg!("spf-node-lookup-failed", reason = f.to_message()),
            NodeProblem::NoRecord => msg!("spf-node-no-record"),
            NodeProblem::Multiple(count) => msg!("spf-node-multiple", count = *count),
            NodeProblem::Invalid(e) => e.to_message(),
        }
    }
}

/// What the checked domain publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopRecord {
    /// The TXT lookup failed.
    LookupFailed(LookupFailure),
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
    pub problem: Option<NodeProblem>,
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
        /// For an `include`: the included domain whose record passes every
        /// address.
        through: Option<String>,
    },
    /// No `all` and no `redirect=`: neutral (§4.7).
    Default {
        /// The record that ends without one.
        domain: String,
    },
    /// The end could not be found.
    Unknown(UnknownEnd),
}

/// Why the end of the policy could not be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownEnd {
    /// The domain has no usable record at all.
    NoUsableRecord,
    /// A record on the way is not usable (`None`: it was not looked up).
    Unusable {
        /// Whose record.
        domain: String,
        /// Why.
        problem: Option<NodeProblem>,
    },
    /// A `redirect=` that was not followed (its target depends on the
    /// message, or it makes a loop).
    RedirectNotFollowed {
        /// Whose redirect.
        domain: String,
    },
}

impl ToMessage for UnknownEnd {
    fn to_message(&self) -> Message {
        match self {
            UnknownEnd::NoUsableRecord => msg!("spf-end-no-usable-record"),
            UnknownEnd::Unusable {
                domain,
                problem: Some(problem),
            } => msg!(
                "spf-end-unusable",
                domain = domain.as_str(),
                problem = problem.to_message()
            ),
            UnknownEnd::Unusable {
                domain,
                problem: None,
            } => msg!("spf-end-not-looked-up", domain = domain.as_str()),
            UnknownEnd::RedirectNotFollowed { domain } => {
                msg!("spf-end-redirect-not-followed", domain = domain.as_str())
            }
        }
    }
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
    pub notes: Vec<Note>,
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
        walker.notes.push(Note::Large { bytes: text.len() });
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
    notes: Vec<Note>,
    stopped: bool,
}

enum Looked {
    Pending,
    Answer(Answer),
}

impl<V: DnsView + ?Sized> Walker<'_, V> {
    /// A problem in the terms of a record (the term says where).
    fn problem(&mut self, kind: ProblemKind) {
        self.problems.push(Problem { via: None, kind });
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
            self.problem(ProblemKind::TooManyLookups {
                term: term.to_string(),
                domain: domain.to_string(),
            });
            self.stopped = true;
            return false;
        }
        true
    }

    fn void(&mut self, what: VoidLookup) {
        self.voids += 1;
        if self.voids > MAX_VOID_LOOKUPS {
            self.problem(ProblemKind::TooManyVoids(what));
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
        // A problem of the record itself names the term that reached it.
        let reached_by = match &via {
            Via::Top => None,
            Via::Include { term, .. } | Via::Redirect(term) => Some(term.clone()),
        };
        let record_problem = |walker: &mut Self, node: &mut Node, problem: NodeProblem| {
            let kind = match &problem {
                NodeProblem::LookupFailed(failure) => ProblemKind::LookupFailed {
                    domain: domain.to_string(),
                    failure: failure.clone(),
                },
                NodeProblem::NoRecord => ProblemKind::NoRecord {
                    domain: domain.to_string(),
                },
                NodeProblem::Multiple(count) => ProblemKind::MultipleRecords {
                    domain: domain.to_string(),
                    count: *count,
                },
                NodeProblem::Invalid(error) => ProblemKind::InvalidRecord {
                    domain: domain.to_string(),
                    error: error.clone(),
                },
            };
            walker.problems.push(Problem {
                via: reached_by.clone(),
                kind,
            });
            node.problem = Some(problem);
        };
        let answer = match self.ask(domain, RrType::Txt) {
            Looked::Pending => return node,
            Looked::Answer(a) => a,
        };
        let spf = match answer {
            Answer::Failed(failure) => {
                record_problem(self, &mut node, NodeProblem::LookupFailed(failure));
                return node;
            }
            Answer::NxDomain => Vec::new(),
            Answer::Records(r) => spf_texts(r),
        };
        let text = match spf.as_slice() {
            [] => {
                record_problem(self, &mut node, NodeProblem::NoRecord);
                return node;
            }
            [one] => one.clone(),
            many => {
                record_problem(self, &mut node, NodeProblem::Multiple(many.len()));
                return node;
            }
        };
        node.text = Some(lossy(&text));
        let record = match parse(&text) {
            Ok(r) => r,
            Err(e) => {
                record_problem(self, &mut node, NodeProblem::Invalid(e));
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
                            self.void(VoidLookup {
                                term: d.text.clone(),
                                domain: domain.to_string(),
                                name,
                                missing: Missing::Addresses,
                            });
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
                            self.void(VoidLookup {
                                term: d.text.clone(),
                                domain: domain.to_string(),
                                name,
                                missing: Missing::MailServers,
                            });
                        } else if hosts > MAX_NAMES {
                            self.problem(ProblemKind::TooManyMxHosts {
                                term: d.text.clone(),
                                domain: domain.to_string(),
                                name,
                                count: hosts,
                            });
                        }
                    }
                }
                Mechanism::Exists(spec) => {
                    if let Some(name) = self.target(spec, domain, &d.text)
                        && let Looked::Answer(answer) = self.ask(&name, RrType::A)
                        && empty(&answer)
                    {
                        self.void(VoidLookup {
                            term: d.text.clone(),
                            domain: domain.to_string(),
                            name,
                            missing: Missing::Name,
                        });
                    }
                }
                Mechanism::Ptr(_) => self.notes.push(Note::Ptr {
                    term: d.text.clone(),
                    domain: domain.to_string(),
                }),
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
                self.notes.push(Note::Unfollowed {
                    term: term.to_string(),
                    domain: domain.to_string(),
                    letter,
                });
                None
            }
            Err(ExpandError::TooLong) => {
                self.problem(ProblemKind::MacroTooLong {
                    term: term.to_string(),
                    domain: domain.to_string(),
                });
                None
            }
        }
    }

    fn looped(&mut self, stack: &[String], target: &str, term: &str) -> bool {
        if stack.iter().any(|d| d == target) {
            let mut path = stack.to_vec();
            path.push(target.to_string());
            self.problem(ProblemKind::Loop {
                term: term.to_string(),
                path,
            });
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
            None => PolicyEnd::Unknown(UnknownEnd::NoUsableRecord),
        }
    }

    /// Whether any problem makes receivers return permerror.
    pub fn fails(&self) -> bool {
        self.problems.iter().any(|p| p.severity() == Severity::Fail)
    }

    /// The first problem that makes receivers return permerror.
    pub fn first_failure(&self) -> Option<&Problem> {
        self.problems
            .iter()
            .find(|p| p.severity() == Severity::Fail)
    }

    /// The tree, one line per record: (depth, how it was reached, what it
    /// holds).
    pub fn tree_lines(&self) -> Vec<(usize, String, Message)> {
        let mut out = Vec::new();
        if let Some(tree) = &self.tree {
            lines(tree, 0, &mut out);
        }
        out
    }
}

fn lines(node: &Node, depth: usize, out: &mut Vec<(usize, String, Message)>) {
    let how = match &node.via {
        Via::Top => format!("{} TXT", node.domain),
        Via::Include { term, .. } => format!("{term} → {}", node.domain),
        Via::Redirect(term) => format!("{term} → {}", node.domain),
    };
    let what = match (&node.text, &node.problem) {
        (_, Some(problem)) => problem.to_message(),
        (Some(text), None) => msg!(
            "spf-tree-record",
            record = text.as_str(),
            lookups = node.lookups
        ),
        (None, None) => msg!("spf-tree-not-looked-up"),
    };
    out.push((depth, how, what));
    for child in &node.children {
        lines(child, depth + 1, out);
    }
}

fn policy_of(node: &Node, via_redirect: bool) -> PolicyEnd {
    let Some(record) = &node.record else {
        return PolicyEnd::Unknown(UnknownEnd::Unusable {
            domain: node.domain.clone(),
            problem: node.problem.clone(),
        });
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
                    through: None,
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
                        term: d.text.clone(),
                        domain: node.domain.clone(),
                        through: Some(child.domain.clone()),
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
            None => PolicyEnd::Unknown(UnknownEnd::RedirectNotFollowed {
                domain: node.domain.clone(),
            }),
        };
    }
    PolicyEnd::Default {
        domain: node.domain.clone(),
    }
}
