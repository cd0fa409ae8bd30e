//! `check_host()` (RFC 7208 §4–§6) over a [`DnsView`], with every limit of
//! §4.6.4 and a trace of each lookup and term.

use std::fmt;
use std::net::IpAddr;

use indaba_model::{Arg, Message, ToMessage, msg};

use super::audit::{Missing, ProblemKind, VoidLookup};
use super::dns::{
    Answer, DnsView, LookupFailure, Question, Rdata, RrType, Step, normalise, reverse_name,
};
use super::macros::{ExpandError, Letter, MacroString, MacroUse, MacroValues, truncate_domain};
use super::record::{Directive, Mechanism, Qualifier, SpfRecord, is_spf_record, parse};

/// DNS-querying terms (`include`, `a`, `mx`, `ptr`, `exists`, `redirect`)
/// one evaluation may use (§4.6.4).
pub const MAX_LOOKUPS: u32 = 10;
/// Lookups that may return no records or NXDOMAIN (§4.6.4).
pub const MAX_VOID_LOOKUPS: u32 = 2;
/// MX or PTR names looked at per term (§4.6.4).
pub const MAX_NAMES: usize = 10;

/// The results of §2.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpfResult {
    /// No SPF record, or no valid domain to check.
    None,
    /// The domain makes no statement.
    Neutral,
    /// The client is authorised.
    Pass,
    /// The client is not authorised.
    Fail,
    /// Probably not authorised.
    SoftFail,
    /// A transient (DNS) error.
    TempError,
    /// The published records could not be interpreted.
    PermError,
}

impl SpfResult {
    /// The lower-case name of §2.6.
    pub fn as_str(self) -> &'static str {
        match self {
            SpfResult::None => "none",
            SpfResult::Neutral => "neutral",
            SpfResult::Pass => "pass",
            SpfResult::Fail => "fail",
            SpfResult::SoftFail => "softfail",
            SpfResult::TempError => "temperror",
            SpfResult::PermError => "permerror",
        }
    }

    /// The result a matching directive with `q` gives.
    pub fn from_qualifier(q: Qualifier) -> SpfResult {
        match q {
            Qualifier::Pass => SpfResult::Pass,
            Qualifier::Fail => SpfResult::Fail,
            Qualifier::SoftFail => SpfResult::SoftFail,
            Qualifier::Neutral => SpfResult::Neutral,
        }
    }
}

impl fmt::Display for SpfResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The arguments of `check_host()` and the values macros need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckHostInput {
    /// The client address (an IPv4-mapped IPv6 address is taken as IPv4).
    pub ip: IpAddr,
    /// The domain whose policy is checked.
    pub domain: String,
    /// The sender, `local-part@domain`.
    pub sender: String,
    /// The HELO/EHLO name.
    pub helo: String,
    /// The checking host's name, for `%{r}`.
    pub receiver: String,
    /// Seconds since 1970, for `%{t}`.
    pub timestamp: u64,
}

impl CheckHostInput {
    /// The input for a message from `mail_from` (empty: the null
    /// reverse-path, when the HELO identity is checked with the sender
    /// `postmaster@helo`, §2.4) sent by `ip` after `HELO helo`.
    pub fn new(ip: IpAddr, mail_from: &str, helo: &str) -> CheckHostInput {
        let (sender, domain) = if mail_from.is_empty() {
            (format!("postmaster@{helo}"), helo.to_string())
        } else {
            match mail_from.rsplit_once('@') {
                // §4.3: no local-part means "postmaster".
                Some(("", d)) => (format!("postmaster@{d}"), d.to_string()),
                Some((_, d)) => (mail_from.to_string(), d.to_string()),
                None => (format!("postmaster@{mail_from}"), mail_from.to_string()),
            }
        };
        CheckHostInput {
            ip: canonical(ip),
            domain,
            sender,
            helo: helo.to_string(),
            receiver: "unknown".to_string(),
            timestamp: 0,
        }
    }
}

/// IPv4-mapped IPv6 addresses are IPv4 (§5 ¶9).
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One line of the trace: what was looked up or evaluated, indented by
/// include/redirect depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceStep {
    /// 0 for the checked domain's record, one more per include/redirect.
    pub depth: usize,
    /// What happened.
    pub message: Message,
}

/// Why `check_host()` gave its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The domain cannot be checked at all (§4.3): none.
    NoDomain(DomainProblem),
    /// The domain does not exist: none.
    NxDomain(String),
    /// The domain has no SPF record: none.
    NoRecord(String),
    /// A directive matched.
    Matched {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
    },
    /// Nothing matched and there is no `redirect=`: neutral.
    DefaultNeutral(String),
    /// A problem that makes receivers return permerror, as the static
    /// walk of the records names it too (a loop, several or broken
    /// records, too many lookups, void lookups or MX names).
    PermError(ProblemKind),
    /// A target that cannot be expanded.
    Macro {
        /// The macro-string.
        spec: String,
        /// The record it is in.
        domain: String,
        /// Why.
        error: ExpandError,
    },
    /// `redirect=` to a domain whose result is none.
    RedirectToNone {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
        /// Why the target gave none.
        inner: Box<Reason>,
    },
    /// `include:` of a domain whose result is none.
    IncludeNone {
        /// The term.
        term: String,
        /// The record it is in.
        domain: String,
        /// Why the target gave none.
        inner: Box<Reason>,
    },
    /// A lookup failed: temperror.
    Dns(LookupFailure),
}

/// Why a domain cannot be checked (§4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainProblem {
    /// Empty.
    Empty,
    /// An address literal such as `[192.0.2.1]`.
    AddressLiteral(String),
    /// Longer than 253 characters.
    TooLong(String),
    /// One label only.
    SingleLabel(String),
    /// An empty label.
    EmptyLabel(String),
    /// A label longer than 63 characters.
    LongLabel(String),
}

impl ToMessage for DomainProblem {
    fn to_message(&self) -> Message {
        match self {
            DomainProblem::Empty => msg!("spf-domain-empty"),
            DomainProblem::AddressLiteral(d) => {
                msg!("spf-domain-address-literal", domain = d.as_str())
            }
            DomainProblem::TooLong(d) => msg!("spf-domain-too-long", domain = d.as_str()),
            DomainProblem::SingleLabel(d) => {
                msg!("spf-domain-single-label", domain = d.as_str())
            }
            DomainProblem::EmptyLabel(d) => msg!("spf-domain-empty-label", domain = d.as_str()),
            DomainProblem::LongLabel(d) => msg!("spf-domain-long-label", domain = d.as_str()),
        }
    }
}

impl ToMessage for Reason {
    fn to_message(&self) -> Message {
        match self {
            Reason::NoDomain(problem) => problem.to_message(),
            Reason::NxDomain(domain) => msg!("spf-reason-nxdomain", domain = domain.as_str()),
            Reason::NoRecord(domain) => msg!("spf-reason-no-record", domain = domain.as_str()),
            Reason::Matched { term, domain } => msg!(
                "spf-reason-matched",
                term = term.as_str(),
                domain = domain.as_str()
            ),
            Reason::DefaultNeutral(domain) => {
                msg!("spf-reason-default-neutral", domain = domain.as_str())
            }
            Reason::PermError(problem) => problem.to_message(),
            Reason::Macro {
                spec,
                domain,
                error,
            } => msg!(
                "spf-reason-macro",
                spec = spec.as_str(),
                domain = domain.as_str(),
                error = error.to_message()
            ),
            Reason::RedirectToNone {
                term,
                domain,
                inner,
            } => msg!(
                "spf-reason-redirect-none",
                term = term.as_str(),
                domain = domain.as_str(),
                inner = inner.to_message()
            ),
            Reason::IncludeNone {
                term,
                domain,
                inner,
            } => msg!(
                "spf-reason-include-none",
                term = term.as_str(),
                domain = domain.as_str(),
                inner = inner.to_message()
            ),
            Reason::Dns(failure) => failure.to_message(),
        }
    }
}

/// The outcome of `check_host()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The result.
    pub result: SpfResult,
    /// The domain's explanation (`exp=`), for a `fail`.
    pub explanation: Option<String>,
    /// Why this result.
    pub reason: Reason,
    /// DNS-querying terms used.
    pub lookups: u32,
    /// Void lookups seen.
    pub void_lookups: u32,
    /// Every lookup and term, in order.
    pub trace: Vec<TraceStep>,
}

/// Runs `check_host()` for `input` over `view`.
pub fn check_host<V: DnsView + ?Sized>(view: &V, input: &CheckHostInput) -> Step<Evaluation> {
    let mut ev = Evaluator {
        view,
        input,
        ip: canonical(input.ip),
        sender_domain: input
            .sender
            .rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_default(),
        lookups: 0,
        voids: 0,
        trace: Vec::new(),
        stack: Vec::new(),
        validated: Vec::new(),
    };
    let outcome = ev.check_host(&input.domain, 0, true);
    let (result, explanation, reason) = match outcome {
        Ok(o) => (o.result, o.explanation, o.reason),
        Err(Halt::Abort(result, reason)) => {
            ev.note(
                0,
                msg!(
                    "spf-trace-abort",
                    result = result.as_str(),
                    reason = reason.to_message()
                ),
            );
            (result, None, reason)
        }
        Err(Halt::Need(mut questions)) => {
            questions.sort();
            questions.dedup();
            return Step::NeedsLookup(questions);
        }
    };
    Step::Done(Evaluation {
        result,
        explanation,
        reason,
        lookups: ev.lookups,
        void_lookups: ev.voids,
        trace: ev.trace,
    })
}

enum Halt {
    Need(Vec<Question>),
    Abort(SpfResult, Reason),
}

struct Outcome {
    result: SpfResult,
    explanation: Option<String>,
    reason: Reason,
}

impl Outcome {
    fn none(reason: Reason) -> Self {
        Outcome {
            result: SpfResult::None,
            explanation: None,
            reason,
        }
    }
}

fn perm(reason: Reason) -> Halt {
    Halt::Abort(SpfResult::PermError, reason)
}

fn temp(failure: LookupFailure) -> Halt {
    Halt::Abort(SpfResult::TempError, Reason::Dns(failure))
}

/// Why `domain` cannot be checked at all (§4.3), if it cannot.
pub fn domain_problem(domain: &str) -> Option<DomainProblem> {
    if domain.is_empty() {
        return Some(DomainProblem::Empty);
    }
    // Long names are cut for people; the length is the point.
    let shown = || super::record::cut(domain, 80);
    if domain.starts_with('[') {
        return Some(DomainProblem::AddressLiteral(shown()));
    }
    if domain.len() > 253 {
        return Some(DomainProblem::TooLong(shown()));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some(DomainProblem::SingleLabel(shown()));
    }
    if labels.iter().any(|l| l.is_empty()) {
        return Some(DomainProblem::EmptyLabel(shown()));
    }
    if labels.iter().any(|l| l.len() > 63) {
        return Some(DomainProblem::LongLabel(shown()));
    }
    None
}

/// Whether a name can be asked at all: labels of 1 to 63 bytes, at most
/// 253 bytes in all. Other names cannot exist, so they count as NXDOMAIN.
fn queryable(name: &str) -> bool {
    !name.is_empty() && name.len() <= 253 && name.split('.').all(|l| (1..=63).contains(&l.len()))
}

struct Evaluator<'a, V: ?Sized> {
    view: &'a V,
    input: &'a CheckHostInput,
    ip: IpAddr,
    sender_domain: String,
    lookups: u32,
    voids: u32,
    trace: Vec<TraceStep>,
    stack: Vec<String>,
    /// `%{p}` per current domain.
    validated: Vec<(String, String)>,
}

impl<V: DnsView + ?Sized> Evaluator<'_, V> {
    fn note(&mut self, depth: usize, message: Message) {
        self.trace.push(TraceStep { depth, message });
    }

    fn peek(&self, q: &Question) -> Option<Answer> {
        if queryable(&q.name) {
            self.view.answer(q)
        } else {
            Some(Answer::NxDomain)
        }
    }

    /// The answer to `name` `rtype`, traced; `Need` when it was not asked.
    fn query(&mut self, name: &str, rtype: RrType, depth: usize) -> Result<Answer, Halt> {
        let q = Question::new(name, rtype);
        let answer = self.peek(&q).ok_or_else(|| Halt::Need(vec![q.clone()]))?;
        let summary = if queryable(&q.name) {
            summarise(&answer)
        } else {
            msg!("spf-answer-invalid-name")
        };
        self.note(
            depth,
            msg!(
                "spf-trace-lookup",
                name = q.name.as_str(),
                rtype = q.rtype.as_str(),
                answer = summary
            ),
        );
        Ok(answer)
    }

    /// Asks for every question of `qs` not yet answered, at once.
    fn need_all(&self, qs: impl IntoIterator<Item = Question>) -> Result<(), Halt> {
        let missing: Vec<Question> = qs.into_iter().filter(|q| self.peek(q).is_none()).collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Halt::Need(missing))
        }
    }

    fn count(&mut self, d: &str, domain: &str, depth: usize) -> Result<(), Halt> {
        self.lookups += 1;
        self.note(
            depth,
            msg!(
                "spf-trace-counted",
                term = d,
                count = self.lookups,
                max = MAX_LOOKUPS
            ),
        );
        if self.lookups > MAX_LOOKUPS {
            return Err(perm(Reason::PermError(ProblemKind::TooManyLookups {
                term: d.to_string(),
                domain: domain.to_string(),
            })));
        }
        Ok(())
    }

    fn void(&mut self, lookup: VoidLookup, depth: usize) -> Result<(), Halt> {
        self.voids += 1;
        self.note(
            depth,
            msg!(
                "spf-trace-void",
                count = self.voids,
                max = MAX_VOID_LOOKUPS,
                name = lookup.name.as_str()
            ),
        );
        if self.voids > MAX_VOID_LOOKUPS {
            return Err(perm(Reason::PermError(ProblemKind::TooManyVoids(lookup))));
        }
        Ok(())
    }

    /// Evaluates the record `term` (an include or redirect) leads to,
    /// unless it is one being evaluated already: a loop.
    fn descend(
        &mut self,
        term: &str,
        target: &str,
        depth: usize,
        want_exp: bool,
    ) -> Result<Outcome, Halt> {
        let target = normalise(target);
        if self.stack.contains(&target) {
            let mut path = self.stack.clone();
            path.push(target);
            return Err(perm(Reason::PermError(ProblemKind::Loop {
                term: term.to_string(),
                path,
            })));
        }
        self.check_host(&target, depth, want_exp)
    }

    fn check_host(&mut self, domain: &str, depth: usize, want_exp: bool) -> Result<Outcome, Halt> {
        let domain = normalise(domain);
        if let Some(problem) = domain_problem(&domain) {
            self.note(
                depth,
                msg!("spf-trace-no-domain", problem = problem.to_message()),
            );
            return Ok(Outcome::none(Reason::NoDomain(problem)));
        }
        let records = match self.query(&domain, RrType::Txt, depth)? {
            Answer::Failed(failure) => return Err(temp(failure)),
            Answer::NxDomain => return Ok(Outcome::none(Reason::NxDomain(domain))),
            Answer::Records(r) => r,
        };
        let spf: Vec<Vec<u8>> = records
            .into_iter()
            .filter_map(|r| match r {
                Rdata::Txt(t) if is_spf_record(&t) => Some(t),
                _ => None,
            })
            .collect();
        let text = match spf.as_slice() {
            [] => return Ok(Outcome::none(Reason::NoRecord(domain))),
            [one] => one,
            many => {
                return Err(perm(Reason::PermError(ProblemKind::MultipleRecords {
                    domain,
                    count: many.len(),
                })));
            }
        };
        self.note(depth, record_step(&domain, &String::from_utf8_lossy(text)));
        let record = parse(text).map_err(|error| {
            perm(Reason::PermError(ProblemKind::InvalidRecord {
                domain: domain.clone(),
                error,
            }))
        })?;
        self.stack.push(domain.clone());
        let outcome = self.evaluate(&record, &domain, depth, want_exp);
        self.stack.pop();
        outcome
    }

    fn evaluate(
        &mut self,
        record: &SpfRecord,
        domain: &str,
        depth: usize,
        want_exp: bool,
    ) -> Result<Outcome, Halt> {
        for d in &record.directives {
            if self.mechanism(d, domain, depth + 1)? {
                let result = SpfResult::from_qualifier(d.qualifier);
                self.note(
                    depth + 1,
                    msg!(
                        "spf-trace-match",
                        term = d.text.as_str(),
                        result = result.as_str()
                    ),
                );
                let explanation = if result == SpfResult::Fail && want_exp {
                    self.explanation(record, domain, depth + 1)?
                } else {
                    None
                };
                return Ok(Outcome {
                    result,
                    explanation,
                    reason: Reason::Matched {
                        term: d.text.clone(),
                        domain: domain.to_string(),
                    },
                });
            }
            self.note(
                depth + 1,
                msg!("spf-trace-no-match", term = d.text.as_str()),
            );
        }
        if let Some(spec) = record.effective_redirect() {
            let term = format!("redirect={spec}");
            self.count(&term, domain, depth + 1)?;
            let target = self.target(spec, domain, depth + 1)?;
            self.note(
                depth + 1,
                msg!(
                    "spf-trace-follow",
                    term = term.as_str(),
                    target = target.as_str()
                ),
            );
            let inner = self.descend(&term, &target, depth + 1, want_exp)?;
            if inner.result == SpfResult::None {
                return Err(perm(Reason::RedirectToNone {
                    term,
                    domain: domain.to_string(),
                    inner: Box::new(inner.reason),
                }));
            }
            return Ok(inner);
        }
        self.note(depth + 1, msg!("spf-trace-default-neutral"));
        Ok(Outcome {
            result: SpfResult::Neutral,
            explanation: None,
            reason: Reason::DefaultNeutral(domain.to_string()),
        })
    }

    fn values<'s>(&'s self, domain: &'s str, validated: Option<&'s str>) -> MacroValues<'s> {
        MacroValues {
            sender: Some(&self.input.sender),
            sender_domain: Some(&self.sender_domain),
            domain: Some(domain),
            ip: Some(self.ip),
            validated_name: validated,
            helo: Some(&self.input.helo),
            receiver: Some(&self.input.receiver),
            timestamp: Some(self.input.timestamp),
        }
    }

    fn expand(
        &mut self,
        spec: &MacroString,
        domain: &str,
        depth: usize,
    ) -> Result<Result<String, ExpandError>, Halt> {
        let validated = if spec.uses(Letter::ValidatedName) {
            Some(self.validated_name(domain, depth)?)
        } else {
            None
        };
        Ok(spec.expand(&self.values(domain, validated.as_deref())))
    }

    /// A domain-spec's target name.
    fn target(&mut self, spec: &MacroString, domain: &str, depth: usize) -> Result<String, Halt> {
        match self.expand(spec, domain, depth)? {
            Ok(expanded) => Ok(truncate_domain(&normalise(&expanded))),
            Err(error) => Err(perm(Reason::Macro {
                spec: super::record::cut(&spec.text, 80),
                domain: domain.to_string(),
                error,
            })),
        }
    }

    fn target_or(
        &mut self,
        spec: Option<&MacroString>,
        domain: &str,
        depth: usize,
    ) -> Result<String, Halt> {
        match spec {
            Some(spec) => self.target(spec, domain, depth),
            None => Ok(domain.to_string()),
        }
    }

    fn mechanism(&mut self, d: &Directive, domain: &str, depth: usize) -> Result<bool, Halt> {
        let ip = self.ip;
        Ok(match &d.mechanism {
            Mechanism::All => true,
            Mechanism::Ip4(net, len) => in_prefix(ip, IpAddr::V4(*net), *len),
            Mechanism::Ip6(net, len) => in_prefix(ip, IpAddr::V6(*net), *len),
            Mechanism::A {
                domain: spec,
                cidr4,
                cidr6,
            } => {
                self.count(&d.text, domain, depth)?;
                let name = self.target_or(spec.as_ref(), domain, depth)?;
                let len = prefix_for(ip, *cidr4, *cidr6);
                match self.query(&name, RrType::address_for(ip), depth)? {
                    Answer::Failed(failure) => return Err(temp(failure)),
                    Answer::Records(r) if !r.is_empty() => {
                        r.iter().any(|a| address_matches(a, ip, len))
                    }
                    _ => {
                        self.void(void_lookup(d, domain, name, Missing::Addresses), depth)?;
                        false
                    }
                }
            }
            Mechanism::Mx {
                domain: spec,
                cidr4,
                cidr6,
            } => {
                self.count(&d.text, domain, depth)?;
                let name = self.target_or(spec.as_ref(), domain, depth)?;
                self.mx(d, domain, &name, prefix_for(ip, *cidr4, *cidr6), depth)?
            }
            Mechanism::Ptr(spec) => {
                self.count(&d.text, domain, depth)?;
                let target = self.target_or(spec.as_ref(), domain, depth)?;
                let suffix = format!(".{target}");
                let names = self.validated_names(depth, |n| n == target || n.ends_with(&suffix))?;
                !names.is_empty()
            }
            Mechanism::Exists(spec) => {
                self.count(&d.text, domain, depth)?;
                let name = self.target(spec, domain, depth)?;
                // Always A, whatever the client's family (§5.7).
                match self.query(&name, RrType::A, depth)? {
                    Answer::Failed(failure) => return Err(temp(failure)),
                    Answer::Records(r) if !r.is_empty() => true,
                    _ => {
                        self.void(void_lookup(d, domain, name, Missing::Name), depth)?;
                        false
                    }
                }
            }
            Mechanism::Include(spec) => {
                self.count(&d.text, domain, depth)?;
                let target = self.target(spec, domain, depth)?;
                self.note(
                    depth,
                    msg!(
                        "spf-trace-follow",
                        term = d.text.as_str(),
                        target = target.as_str()
                    ),
                );
                let inner = self.descend(&d.text, &target, depth, false)?;
                match inner.result {
                    SpfResult::Pass => true,
                    SpfResult::None => {
                        return Err(perm(Reason::IncludeNone {
                            term: d.text.clone(),
                            domain: domain.to_string(),
                            inner: Box::new(inner.reason),
                        }));
                    }
                    SpfResult::TempError | SpfResult::PermError => {
                        return Err(Halt::Abort(inner.result, inner.reason));
                    }
                    _ => false,
                }
            }
        })
    }

    /// `mx` (directive `d` in the record of `domain`) for the MX hosts of
    /// `name`.
    fn mx(
        &mut self,
        d: &Directive,
        domain: &str,
        name: &str,
        len: u8,
        depth: usize,
    ) -> Result<bool, Halt> {
        let ip = self.ip;
        let void = || void_lookup(d, domain, name.to_string(), Missing::MailServers);
        let mut hosts: Vec<(u16, String)> = match self.query(name, RrType::Mx, depth)? {
            Answer::Failed(failure) => return Err(temp(failure)),
            Answer::NxDomain => {
                self.void(void(), depth)?;
                return Ok(false);
            }
            Answer::Records(r) => r
                .into_iter()
                .filter_map(|r| match r {
                    Rdata::Mx {
                        preference,
                        exchange,
                    } => Some((preference, exchange)),
                    _ => None,
                })
                .collect(),
        };
        if hosts.is_empty() {
            self.void(void(), depth)?;
            return Ok(false);
        }
        hosts.sort_by_key(|(p, _)| *p);
        // A null MX (the root) names no host to look up.
        let hosts: Vec<String> = hosts
            .into_iter()
            .map(|(_, h)| h)
            .filter(|h| !h.is_empty())
            .collect();
        let rtype = RrType::address_for(ip);
        self.need_all(
            hosts
                .iter()
                .take(MAX_NAMES)
                .map(|h| Question::new(h, rtype)),
        )?;
        for (i, host) in hosts.iter().enumerate() {
            if i >= MAX_NAMES {
                return Err(perm(Reason::PermError(ProblemKind::TooManyMxHosts {
                    term: d.text.clone(),
                    domain: domain.to_string(),
                    name: name.to_string(),
                    count: hosts.len(),
                })));
            }
            match self.query(host, rtype, depth)? {
                Answer::Failed(failure) => return Err(temp(failure)),
                Answer::Records(r) if r.iter().any(|a| address_matches(a, ip, len)) => {
                    return Ok(true);
                }
                _ => {}
            }
        }
        Ok(false)
    }

    /// The client's validated names (§5.5) among the first ten PTR names
    /// that pass `wanted`.
    fn validated_names(
        &mut self,
        depth: usize,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<Vec<String>, Halt> {
        let ip = self.ip;
        let names: Vec<String> = match self.query(&reverse_name(ip), RrType::Ptr, depth)? {
            // A failed PTR lookup makes the mechanism not match (§5.5).
            Answer::Records(r) => r
                .into_iter()
                .filter_map(|r| match r {
                    Rdata::Ptr(n) => Some(n),
                    _ => None,
                })
                .take(MAX_NAMES)
                .filter(|n| wanted(n))
                .collect(),
            _ => return Ok(Vec::new()),
        };
        let rtype = RrType::address_for(ip);
        self.need_all(names.iter().map(|n| Question::new(n, rtype)))?;
        let mut validated = Vec::new();
        for name in names {
            // Errors skip the name (§5.5).
            if let Answer::Records(r) = self.query(&name, rtype, depth)?
                && r.iter().any(|a| address_matches(a, ip, 128))
            {
                validated.push(name);
            }
        }
        Ok(validated)
    }

    /// `%{p}`: a validated name, preferring `domain` or its subdomains.
    fn validated_name(&mut self, domain: &str, depth: usize) -> Result<String, Halt> {
        if let Some((_, v)) = self.validated.iter().find(|(d, _)| d == domain) {
            return Ok(v.clone());
        }
        let names = self.validated_names(depth, |_| true)?;
        let suffix = format!(".{domain}");
        let chosen = names
            .iter()
            .find(|n| *n == domain || n.ends_with(&suffix))
            .or(names.first())
            .cloned()
            .unwrap_or_else(|| "unknown".to_string());
        self.validated.push((domain.to_string(), chosen.clone()));
        Ok(chosen)
    }

    /// The explanation of a `fail` (§6.2). Any problem means no explanation.
    fn explanation(
        &mut self,
        record: &SpfRecord,
        domain: &str,
        depth: usize,
    ) -> Result<Option<String>, Halt> {
        let Some(spec) = &record.explanation else {
            return Ok(None);
        };
        let name = match self.expand(spec, domain, depth)? {
            Ok(n) => truncate_domain(&normalise(&n)),
            Err(_) => return Ok(None),
        };
        let texts: Vec<Vec<u8>> = match self.query(&name, RrType::Txt, depth)? {
            Answer::Records(r) => r
                .into_iter()
                .filter_map(|r| match r {
                    Rdata::Txt(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => return Ok(None),
        };
        let [text] = texts.as_slice() else {
            self.note(
                depth,
                msg!(
                    "spf-trace-exp-count",
                    spec = spec.text.as_str(),
                    name = name.as_str(),
                    count = texts.len()
                ),
            );
            return Ok(None);
        };
        let Ok(text) = std::str::from_utf8(text) else {
            return Ok(None);
        };
        let message = match MacroString::parse(text, MacroUse::Explanation) {
            Ok(m) => m,
            Err(error) => {
                self.note(
                    depth,
                    msg!(
                        "spf-trace-exp-invalid",
                        spec = spec.text.as_str(),
                        error = error.to_message()
                    ),
                );
                return Ok(None);
            }
        };
        Ok(self.expand(&message, domain, depth)?.ok())
    }
}

/// The void lookup of directive `d` in the record of `domain`.
fn void_lookup(d: &Directive, domain: &str, name: String, missing: Missing) -> VoidLookup {
    VoidLookup {
        term: d.text.clone(),
        domain: domain.to_string(),
        name,
        missing,
    }
}

/// The trace line of a record; long records are cut (the findings show
/// them whole).
fn record_step(domain: &str, text: &str) -> Message {
    const SHOWN: usize = 200;
    if text.chars().count() > SHOWN {
        let cut: String = text.chars().take(SHOWN).collect();
        msg!(
            "spf-trace-record-cut",
            domain = domain,
            record = cut,
            bytes = text.len()
        )
    } else {
        msg!("spf-trace-record", domain = domain, record = text)
    }
}

/// Records shown of one answer in the trace.
const SHOWN_RECORDS: usize = 5;

fn summarise(answer: &Answer) -> Message {
    match answer {
        Answer::Failed(failure) => msg!("spf-answer-failed", reason = failure.to_message()),
        Answer::NxDomain => msg!("spf-answer-nxdomain"),
        Answer::Records(r) if r.is_empty() => msg!("spf-answer-empty"),
        Answer::Records(r) => {
            let shown: Vec<String> = r
                .iter()
                .take(SHOWN_RECORDS)
                .map(|d| match d {
                    Rdata::Txt(t) => {
                        let s = String::from_utf8_lossy(t);
                        if s.chars().count() > 120 {
                            format!("{:?}…", s.chars().take(117).collect::<String>())
                        } else {
                            format!("{s:?}")
                        }
                    }
                    Rdata::A(a) => a.to_string(),
                    Rdata::Aaaa(a) => a.to_string(),
                    Rdata::Mx {
                        preference,
                        exchange,
                    } => format!(
                        "{preference} {}",
                        if exchange.is_empty() { "." } else { exchange }
                    ),
                    Rdata::Ptr(p) => p.clone(),
                })
                .collect();
            msg!(
                "spf-answer-records",
                records = Arg::list(shown),
                more = r.len().saturating_sub(SHOWN_RECORDS)
            )
        }
    }
}

fn prefix_for(ip: IpAddr, cidr4: u8, cidr6: u8) -> u8 {
    match ip {
        IpAddr::V4(_) => cidr4,
        IpAddr::V6(_) => cidr6,
    }
}

fn address_matches(rdata: &Rdata, ip: IpAddr, len: u8) -> bool {
    match rdata {
        Rdata::A(a) => in_prefix(ip, IpAddr::V4(*a), len),
        Rdata::Aaaa(a) => in_prefix(ip, IpAddr::V6(*a), len),
        _ => false,
    }
}

/// Whether `ip` is in `net/len` (different families never match).
pub fn in_prefix(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let len = u32::from(len.min(32));
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let len = u32::from(len.min(128));
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}
