//! Checks: pure functions from observations to findings.
//!
//! Nothing in this crate does IO. Each module takes the [`Observations`] a
//! probe collected and returns [`Finding`]s with the evidence that decided them,
//! so a stored report can be judged again under a newer policy.
//!
//! [`Observations`]: indaba_model::Observations
//! [`Finding`]: indaba_model::Finding

pub mod browse;
pub mod caa;
pub mod certificate;
pub mod csp;
pub mod dane;
pub mod dkim;
pub mod dmarc;
pub mod dnssec;
pub mod headers;
pub mod hsts;
pub mod ipv6;
pub mod judge;
pub mod lookup;
pub mod mailauth;
pub mod mta_sts;
pub mod mx;
pub mod plan;
pub mod psl;
pub mod redirect;
pub mod rov;
pub mod rpki;
pub mod security_txt;
pub mod spf;
pub mod technical;
pub mod tls;
pub mod tls_rpt;
pub mod transport;
pub mod verdict;
pub mod website;

/// A finding's summary in English (unit tests read what people will read).
#[cfg(test)]
pub(crate) fn english(finding: &indaba_model::Finding) -> String {
    indaba_i18n::in_english(&finding.message)
}

/// A finding's evidence in English, one `subject: detail` line each, every
/// message rendered strictly (a missing id or argument fails the test).
#[cfg(test)]
pub(crate) fn english_evidence(finding: &indaba_model::Finding) -> String {
    let catalogue = indaba_i18n::english();
    let part = |message: &Option<indaba_model::Message>, data: &str| match message {
        Some(m) => catalogue
            .try_render(indaba_i18n::DEFAULT_LANGUAGE, m)
            .unwrap_or_else(|e| panic!("{e}")),
        None => data.to_string(),
    };
    finding
        .evidence
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                part(&e.subject_message, &e.subject),
                part(&e.detail_message, &e.detail)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A finding with its summary and evidence rendered in English, failing the
/// test when any of its messages does not render (a missing id or
/// argument): unit tests read what people will read.
#[cfg(test)]
pub(crate) fn rendered(finding: &indaba_model::Finding) -> indaba_model::Finding {
    let english = indaba_i18n::english();
    let mut messages = vec![&finding.message];
    for e in &finding.evidence {
        messages.extend(e.subject_message.iter().chain(e.detail_message.iter()));
    }
    for m in messages {
        if let Err(e) = english.try_render(indaba_i18n::DEFAULT_LANGUAGE, m) {
            panic!("{e} in {m:?}");
        }
    }
    let mut out = finding.clone();
    english.render_finding(indaba_i18n::DEFAULT_LANGUAGE, &mut out);
    out
}
