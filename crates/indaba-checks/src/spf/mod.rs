//! SPF (RFC 7208): the record grammar, macro expansion, `check_host()` with
//! every processing limit, a static walk of a domain's include tree, and the
//! `mail.spf.record` and `mail.spf.policy` findings.
//!
//! Everything here is pure. Evaluation reads the DNS through a [`DnsView`]
//! (the recorded observations, [`ObservedDns`], or a test's zone data) and,
//! when an answer it needs is missing, returns [`Step::NeedsLookup`] with
//! the questions; the engine asks them and evaluates again. So a stored
//! report can be judged again from its observations alone, and the same
//! code answers `indaba spf` and the conformance suites.
//!
//! - [`parse`] reads a record into an [`SpfRecord`] or an [`SpfError`]
//!   (which receivers turn into `permerror`).
//! - [`MacroString`] parses and expands macro-strings (§7), every letter,
//!   transformer and delimiter, with the output bounded
//!   ([`macros::MAX_EXPANSION`]) and domains cut to 253 bytes (§7.3).
//! - [`check_host`] evaluates for a client address, sender and HELO name:
//!   at most 10 DNS-querying terms, 2 void lookups, 10 MX or PTR names per
//!   term, loop detection, the explanation of `exp=`, and a trace of every
//!   lookup and term.
//! - [`audit`] walks the records a domain publishes as a receiver does for
//!   mail from a server they do not list (every term evaluated), for the
//!   findings: the include tree, the lookup and void counts, and the policy
//!   unlisted servers get ([`Audit::policy`]).
//!
//! # Why our own
//!
//! mail-auth 0.15, the most complete Rust implementation, evaluates SPF for
//! receivers: `MessageAuthenticator::verify_spf` and `check_host` are async
//! methods that query the DNS themselves through its own resolver (an
//! optional cache can pre-load answers, but a missing one is looked up), and
//! they return an `SpfOutput` that holds only the result, the checked
//! domain, the explanation and an RFC 6652 report address. There is no trace
//! of the lookups made, no include tree, no count of lookups or void
//! lookups, and no way to say which term broke a limit; a permerror is just
//! a permerror. A tester's evidence is exactly those things, and a pure
//! crate cannot hand its DNS to a library that does IO. Its parser also
//! discards what a tester reports (the text of each term). So the grammar,
//! the macros and the evaluation are written here, from the RFC.
//!
//! Hostile input: a record is parsed in one linear pass with no recursion;
//! evaluation stops at the 11th DNS-querying term, the 3rd void lookup and
//! the 11th MX name, detects include and redirect loops, and every macro
//! expansion is bounded; a 64 KB record costs one pass and gives a
//! permerror with the term that broke the rules.

pub mod audit;
pub mod dns;
pub mod eval;
mod findings;
pub mod macros;
mod record;

pub use audit::{
    Audit, Node, NodeProblem, Note, PolicyEnd, Problem, ProblemKind, Severity, TopRecord,
    UnknownEnd, Via, VoidLookup, audit,
};
pub use dns::{
    Answer, DnsView, LookupFailure, ObservedDns, Question, Rdata, RrType, Step, reverse_name,
};
pub use eval::{
    CheckHostInput, DomainProblem, Evaluation, MAX_LOOKUPS, MAX_NAMES, MAX_VOID_LOOKUPS, Reason,
    SpfResult, TraceStep, check_host,
};
pub use findings::{
    observed_policy_finding, observed_record_finding, policy_finding, record_finding,
};
pub use macros::{ExpandError, MacroError, MacroString, MacroUse};
pub use record::{
    Directive, Mechanism, Qualifier, SpfError, SpfRecord, TermProblem, is_spf_record, parse,
};

#[cfg(test)]
mod tests;
