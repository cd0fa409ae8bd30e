//! `check_host()` (RFC 7208 §4–§6) over a [`DnsView`], with every limit of
//! §4.6.4 and a trace of each lookup and term.

use std::fmt;
use std::net::IpAddr;

use super::dns::{Answer, DnsView, Question, Rdata, RrType, Step, normalise, reverse_name};
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
    pub text: String,
}

/// The outcome of `check_host()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The result.
    pub result: SpfResult,
    /// The domain's explanation (`exp=`), for a `fail`.
    pub explanation: Option<String>,
    /// Why this result, in a sentence.
    pub reason: String,
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
            ev.note(0, format!("{result}: {reason}"));
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
    Abort(SpfResult, String),
}

struct Outcome {
    result: SpfResult,
    explanation: Option<String>,
    reason: String,
}

impl Outcome {
    fn none(reason: String) -> Self {
        Outcome {
            result: SpfResult::None,
            explanation: None,
            reason,
        }
    }
}

fn perm(reason: String) -> Halt {
    Halt::Abort(SpfResult::PermError, reason)
}

/// Why `domain` cannot be checked at all (§4.3), if it cannot.
pub fn domain_problem(domain: &str) -> Option<String> {
    if domain.is_empty() {
        return Some("the domain is empty".into());
    }
    if domain.starts_with('[') {
        return Some(format!("{domain} is an address literal, not a domain"));
    }
    if domain.len() > 253 {
        return Some(format!("{domain} is longer than 253 characters"));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some(format!("{domain} is not a multi-label domain name"));
    }
    if labels.iter().any(|l| l.is_empty()) {
        return Some(format!("{domain} has an empty label"));
    }
    if labels.iter().any(|l| l.len() > 63) {
        return Some(format!("{domain} has a label longer than 63 characters"));
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
    fn note(&mut self, depth: usize, text: String) {
        self.trace.push(TraceStep { depth, text });
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
            "not a valid DNS name; treated as NXDOMAIN".to_string()
        };
        self.note(depth, format!("lookup {q} → {summary}"));
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
            format!(
                "{d} (DNS-querying term {} of at most {MAX_LOOKUPS})",
                self.lookups
            ),
        );
        if self.lookups > MAX_LOOKUPS {
            return Err(perm(format!(
                "{d} in the record of {domain} is DNS-querying term number {}; RFC 7208 §4.6.4 allows {MAX_LOOKUPS}",
                self.lookups
            )));
        }
        Ok(())
    }

    fn void(&mut self, name: &str, depth: usize) -> Result<(), Halt> {
        self.voids += 1;
        self.note(
            depth,
            format!(
                "void lookup {} of at most {MAX_VOID_LOOKUPS} ({name} has no records)",
                self.voids
            ),
        );
        if self.voids > MAX_VOID_LOOKUPS {
            return Err(perm(format!(
                "more than {MAX_VOID_LOOKUPS} lookups returned no records (the last for {name}); RFC 7208 §4.6.4"
            )));
        }
        Ok(())
    }

    fn check_host(&mut self, domain: &str, depth: usize, want_exp: bool) -> Result<Outcome, Halt> {
        let domain = normalise(domain);
        if let Some(problem) = domain_problem(&domain) {
            self.note(
                depth,
                format!("{problem}: the result is none (RFC 7208 §4.3)"),
            );
            return Ok(Outcome::none(problem));
        }
        if self.stack.contains(&domain) {
            let mut path = self.stack.clone();
            path.push(domain);
            return Err(perm(format!(
                "the records include or redirect in a loop: {}",
                path.join(" → ")
            )));
        }
        let records = match self.query(&domain, RrType::Txt, depth)? {
            Answer::Failed(reason) => return Err(Halt::Abort(SpfResult::TempError, reason)),
            Answer::NxDomain => {
                return Ok(Outcome::none(format!("{domain} does not exist (NXDOMAIN)")));
            }
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
            [] => return Ok(Outcome::none(format!("{domain} has no SPF record"))),
            [one] => one,
            many => {
                return Err(perm(format!(
                    "{domain} has {} SPF records; there must be one (RFC 7208 §4.5)",
                    many.len()
                )));
            }
        };
        self.note(
            depth,
            format!(
                "record of {domain}: {}",
                shorten(&String::from_utf8_lossy(text))
            ),
        );
        let record = parse(text)
            .map_err(|e| perm(format!("the record of {domain} is not valid SPF: {e}")))?;
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
                self.note(depth + 1, format!("{} matches: {result}", d.text));
                let explanation = if result == SpfResult::Fail && want_exp {
                    self.explanation(record, domain, depth + 1)?
                } else {
                    None
                };
                return Ok(Outcome {
                    result,
                    explanation,
                    reason: format!("{} in the record of {domain} matched", d.text),
                });
            }
            self.note(depth + 1, format!("{} does not match", d.text));
        }
        if let Some(spec) = record.effective_redirect() {
            let term = format!("redirect={spec}");
            self.count(&term, domain, depth + 1)?;
            let target = self.target(spec, domain, depth + 1)?;
            self.note(depth + 1, format!("{term} → {target}"));
            let inner = self.check_host(&target, depth + 1, want_exp)?;
            if inner.result == SpfResult::None {
                return Err(perm(format!(
                    "{term} in the record of {domain}: {} ({}), so the result is permerror (RFC 7208 §6.1)",
                    target, inner.reason
                )));
            }
            return Ok(inner);
        }
        self.note(
            depth + 1,
            "no mechanism matched and there is no redirect=: neutral".to_string(),
        );
        Ok(Outcome {
            result: SpfResult::Neutral,
            explanation: None,
            reason: format!("nothing in the record of {domain} matched (the default is neutral)"),
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
            Err(e) => Err(perm(format!("{spec} in the record of {domain}: {e}"))),
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
                    Answer::Failed(reason) => {
                        return Err(Halt::Abort(SpfResult::TempError, reason));
                    }
                    Answer::NxDomain => {
                        self.void(&name, depth)?;
                        false
                    }
                    Answer::Records(r) if r.is_empty() => {
                        self.void(&name, depth)?;
                        false
                    }
                    Answer::Records(r) => r.iter().any(|a| address_matches(a, ip, len)),
                }
            }
            Mechanism::Mx {
                domain: spec,
                cidr4,
                cidr6,
            } => {
                self.count(&d.text, domain, depth)?;
                let name = self.target_or(spec.as_ref(), domain, depth)?;
                self.mx(&name, prefix_for(ip, *cidr4, *cidr6), depth)?
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
                    Answer::Failed(reason) => {
                        return Err(Halt::Abort(SpfResult::TempError, reason));
                    }
                    Answer::Records(r) if !r.is_empty() => true,
                    _ => {
                        self.void(&name, depth)?;
                        false
                    }
                }
            }
            Mechanism::Include(spec) => {
                self.count(&d.text, domain, depth)?;
                let target = self.target(spec, domain, depth)?;
                self.note(depth, format!("{} → {target}", d.text));
                let inner = self.check_host(&target, depth, false)?;
                match inner.result {
                    SpfResult::Pass => true,
                    SpfResult::None => {
                        return Err(perm(format!(
                            "{} in the record of {domain}: {} (RFC 7208 §5.2: permerror)",
                            d.text, inner.reason
                        )));
                    }
                    SpfResult::TempError | SpfResult::PermError => {
                        return Err(Halt::Abort(inner.result, inner.reason));
                    }
                    _ => false,
                }
            }
        })
    }

    fn mx(&mut self, name: &str, len: u8, depth: usize) -> Result<bool, Halt> {
        let ip = self.ip;
        let mut hosts: Vec<(u16, String)> = match self.query(name, RrType::Mx, depth)? {
            Answer::Failed(reason) => return Err(Halt::Abort(SpfResult::TempError, reason)),
            Answer::NxDomain => {
                self.void(name, depth)?;
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
            self.void(name, depth)?;
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
                return Err(perm(format!(
                    "mx:{name} has {} MX names; looking up more than {MAX_NAMES} is a permerror (RFC 7208 §4.6.4)",
                    hosts.len()
                )));
            }
            match self.query(host, rtype, depth)? {
                Answer::Failed(reason) => return Err(Halt::Abort(SpfResult::TempError, reason)),
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
                format!(
                    "exp={spec}: {name} has {} TXT records, not one; no explanation",
                    texts.len()
                ),
            );
            return Ok(None);
        };
        let Ok(text) = std::str::from_utf8(text) else {
            return Ok(None);
        };
        let Ok(message) = MacroString::parse(text, MacroUse::Explanation) else {
            self.note(
                depth,
                format!("exp={spec}: {text:?} is not a valid explanation"),
            );
            return Ok(None);
        };
        Ok(self.expand(&message, domain, depth)?.ok())
    }
}

/// Long records are cut in the trace (the findings show them whole).
fn shorten(text: &str) -> String {
    const SHOWN: usize = 200;
    if text.chars().count() > SHOWN {
        let cut: String = text.chars().take(SHOWN).collect();
        format!("{cut}… ({} bytes in all)", text.len())
    } else {
        text.to_string()
    }
}

fn summarise(answer: &Answer) -> String {
    match answer {
        Answer::Failed(reason) => format!("failed: {reason}"),
        Answer::NxDomain => "NXDOMAIN".to_string(),
        Answer::Records(r) if r.is_empty() => "no records".to_string(),
        Answer::Records(r) => {
            let mut shown: Vec<String> = r
                .iter()
                .take(5)
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
            if r.len() > 5 {
                shown.push(format!("and {} more", r.len() - 5));
            }
            shown.join(", ")
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

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.result, self.reason)
    }
}
