//! DMARC (RFC 7489): the policy record at `_dmarc.<domain>`, its discovery
//! through the organisational domain, identifier alignment, external report
//! destinations, and the `mail.dmarc.*` findings.
//!
//! Everything here is pure: the caller (the engine) queries the DNS and hands
//! over the TXT answers as [`TxtAnswer`]s.
//!
//! - [`parse`] reads one record into a [`ParsedRecord`] (or a fatal
//!   [`DmarcError`] when receivers would ignore the record altogether).
//! - [`discover`] applies the discovery rules of §6.6.3 to the answers at
//!   `_dmarc.<domain>` and `_dmarc.<organisational domain>`.
//! - [`aligned`] decides relaxed or strict alignment (§3.1).
//! - [`record_finding`], [`policy_finding`] and [`destinations_finding`] judge.
//!
//! # Why our own parser
//!
//! The parsers we looked at are built for receivers: they accept what a
//! receiver may act on and say little about what is wrong (mail-auth 0.15
//! returns one bare `ParseError`, clamps `pct=500` to 100 and drops non-mailto
//! URIs without a word, and it depends on a resolver, which this pure crate
//! must not). A tester has to name the faulty tag and say what receivers will
//! do instead, so the parser keeps both: the values a receiver uses and every
//! deviation from the grammar of §6.4, typed.

mod discovery;
mod findings;
mod record;

use indaba_model::{Message, msg};

use crate::spf::LookupFailure;

pub use discovery::{
    Discovery, Found, RecordOrigin, aligned, aligned_with, discover, is_dmarc_record, query_name,
};
pub use findings::{
    Authorisation, DestinationAnswer, authorisation, authorisation_name, destinations_finding,
    external_destinations, policy_finding, record_finding,
};
pub(crate) use record::mailto_target;
pub use record::{
    AlignmentMode, DmarcError, DmarcNote, DmarcRecord, Expected, FailureOption, MailtoProblem,
    ParsedRecord, Percent, Policy, PolicySource, ReportFormat, ReportUri, UriProblem, UriTarget,
    parse,
};

/// What a TXT query returned. The engine fills this from its DNS observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxtAnswer {
    /// NOERROR. Each entry is one TXT record with its character-strings
    /// concatenated without separator (RFC 7489 §6.6.3, RFC 6376 §3.6.2.2);
    /// an empty list is NODATA. Bytes that are not UTF-8 may be replaced.
    Answered(Vec<String>),
    /// NXDOMAIN: the name does not exist.
    NxDomain,
    /// No usable answer (SERVFAIL, timeout, not asked).
    Failed(LookupFailure),
}

impl TxtAnswer {
    /// The records, or none for NXDOMAIN; `Err` with the reason on failure.
    pub fn records(&self) -> Result<&[String], &LookupFailure> {
        match self {
            TxtAnswer::Answered(records) => Ok(records),
            TxtAnswer::NxDomain => Ok(&[]),
            TxtAnswer::Failed(failure) => Err(failure),
        }
    }

    /// What evidence says when there are no records: NXDOMAIN or none.
    pub fn describe_empty(&self) -> Message {
        match self {
            TxtAnswer::NxDomain => msg!("mail-evidence-nxdomain"),
            _ => msg!("mail-evidence-no-txt"),
        }
    }
}

/// Whether the domain sends mail, as the engine judged it (a null MX, or SPF
/// `-all` with no mail servers, marks a domain that sends none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailUse {
    /// The domain sends (or may send) mail.
    Sending,
    /// The domain sends no mail: it should reject everything claiming to be from it.
    NonSending,
}
