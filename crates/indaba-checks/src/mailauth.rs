//! The mail test's DNS-published policies, judged from observations: DMARC,
//! DKIM, TLS-RPT and MTA-STS. Each standard's module parses and judges; this
//! one only finds the answers they need among the observations, and names the
//! queries the engine must make (so planning and judging agree on names).

use indaba_model::observation::HttpOutcome;
use indaba_model::{DomainName, Finding, NameError, Observations, ToMessage};
use time::OffsetDateTime;

use crate::certificate::{self, Endpoint, NameMatch, Trust, TrustStore};
use crate::dkim::{self, NoMailDeclared, SelectorAnswer};
use crate::dmarc::{self, DestinationAnswer, Discovery, MailUse, RecordOrigin, TxtAnswer};
use crate::lookup::{self, MailHosts};
use crate::mta_sts::{self, PolicyFetch};
use crate::spf::{Answer, DnsView, LookupFailure, ObservedDns, Question, Rdata, RrType};
use crate::{psl, spf, tls_rpt};

/// The TXT answer at `name`, as the raw observation recorded it (read
/// through the same view as SPF's, so every mail check reads answers alike).
pub fn txt_answer(obs: &Observations, name: &str) -> TxtAnswer {
    let question = Question::new(name, RrType::Txt);
    match ObservedDns::new(obs).answer(&question) {
        None => TxtAnswer::Failed(LookupFailure::NotLookedUp(question)),
        Some(Answer::Failed(failure)) => TxtAnswer::Failed(failure),
        Some(Answer::NxDomain) => TxtAnswer::NxDomain,
        Some(Answer::Records(records)) => TxtAnswer::Answered(
            records
                .into_iter()
                .filter_map(|r| match r {
                    Rdata::Txt(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                    _ => None,
                })
                .collect(),
        ),
    }
}

/// The TXT answer at a name built below the domain. A name too long for
/// the DNS cannot exist, so nothing is published there: NXDOMAIN.
fn txt_at(obs: &Observations, name: Result<DomainName, NameError>) -> TxtAnswer {
    match name {
        Ok(n) => txt_answer(obs, &n.to_fqdn()),
        Err(_) => TxtAnswer::NxDomain,
    }
}

/// Whether the domain sends mail: a null MX (RFC 7505) says it sends none.
pub fn mail_use(obs: &Observations, domain: &DomainName) -> MailUse {
    match lookup::mail_hosts(obs, &domain.to_fqdn()) {
        Ok(MailHosts::Null) => MailUse::NonSending,
        _ => MailUse::Sending,
    }
}

/// The TXT names the first round of mail-policy probes asks for.
pub fn policy_queries(domain: &DomainName, dkim_selectors: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(n) = dmarc::query_name(domain) {
        names.push(n.to_fqdn());
    }
    if let Some(org) = psl::organisational_domain(domain)
        && org != *domain
        && let Ok(n) = dmarc::query_name(&org)
    {
        names.push(n.to_fqdn());
    }
    if let Ok(n) = dkim::domainkey_name(domain) {
        names.push(n.to_fqdn());
    }
    for selector in dkim_selectors {
        if let Ok(n) = dkim::key_name(selector, domain) {
            names.push(n.to_fqdn());
        }
    }
    for prefix in ["_smtp._tls", "_mta-sts"] {
        if let Ok(n) = domain.child(prefix) {
            names.push(n.to_fqdn());
        }
    }
    names
}

/// The DMARC record as discovered from the observations.
pub fn dmarc_discovery(obs: &Observations, domain: &DomainName) -> Discovery {
    let own = txt_at(obs, dmarc::query_name(domain));
    let org = psl::organisational_domain(domain)
        .filter(|org| org != domain)
        .and_then(|org| dmarc::query_name(&org).ok())
        .map(|n| txt_answer(obs, &n.to_fqdn()));
    dmarc::discover(domain, &own, org.as_ref())
}

/// The second round: the report destinations' authorisation names (§7.1).
pub fn destination_queries(obs: &Observations, domain: &DomainName) -> Vec<String> {
    match dmarc_discovery(obs, domain) {
        Discovery::Found(found) => dmarc::external_destinations(&found)
            .iter()
            .filter_map(|dest| dmarc::authorisation_name(&found.policy_domain, dest).ok())
            .map(|n| n.to_fqdn())
            .collect(),
        _ => Vec::new(),
    }
}

/// `mail.dmarc.record`.
pub fn dmarc_record(obs: &Observations, domain: &DomainName) -> Finding {
    dmarc::record_finding(&dmarc_discovery(obs, domain))
}

/// `mail.dmarc.policy`.
pub fn dmarc_policy(obs: &Observations, domain: &DomainName) -> Finding {
    dmarc::policy_finding(&dmarc_discovery(obs, domain), domain, mail_use(obs, domain))
}

/// `mail.dmarc.destinations`.
pub fn dmarc_destinations(obs: &Observations, domain: &DomainName) -> Finding {
    let discovery = dmarc_discovery(obs, domain);
    let answers: Vec<DestinationAnswer> = match &discovery {
        Discovery::Found(found) => dmarc::external_destinations(found)
            .into_iter()
            .map(|destination| {
                let answer = txt_at(
                    obs,
                    dmarc::authorisation_name(&found.policy_domain, &destination),
                );
                DestinationAnswer {
                    destination,
                    answer,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    dmarc::destinations_finding(&discovery, &answers)
}

/// `mail.dkim.exists`.
pub fn dkim_exists(obs: &Observations, domain: &DomainName) -> Finding {
    let answer = txt_at(obs, dkim::domainkey_name(domain));
    dkim::exists_finding(domain, &answer, no_mail_declared(obs, domain).as_ref())
}

/// Whether the domain declares that it sends no mail, as internet.nl reads
/// it: the DMARC policy that applies to it is reject (a valid record), and
/// its SPF record is `v=spf1 -all`.
pub fn no_mail_declared(obs: &Observations, domain: &DomainName) -> Option<NoMailDeclared> {
    let Discovery::Found(found) = dmarc_discovery(obs, domain) else {
        return None;
    };
    let parsed = found.parsed.as_ref().ok().filter(|p| p.is_valid())?;
    let policy = match found.origin {
        RecordOrigin::Domain => parsed.record.policy,
        RecordOrigin::OrganisationalDomain => parsed.record.effective_subdomain_policy(),
    };
    if policy != dmarc::Policy::Reject {
        return None;
    }
    let spf_records: Vec<String> = match txt_answer(obs, &domain.to_fqdn()) {
        TxtAnswer::Answered(records) => records
            .into_iter()
            .filter(|r| spf::is_spf_record(r.as_bytes()))
            .collect(),
        _ => return None,
    };
    let [spf_record] = spf_records.as_slice() else {
        return None;
    };
    let declares = spf::parse(spf_record.as_bytes()).is_ok_and(|r| r.sends_no_mail());
    declares.then(|| NoMailDeclared {
        dmarc: (
            format!("_dmarc.{} TXT", found.policy_domain),
            found.text.clone(),
        ),
        spf: (format!("{domain} TXT"), spf_record.clone()),
    })
}

/// `mail.dkim.keys`, for the selectors the user named.
pub fn dkim_keys(obs: &Observations, domain: &DomainName, selectors: &[String]) -> Finding {
    let answers: Vec<SelectorAnswer> = selectors
        .iter()
        .map(|selector| SelectorAnswer {
            selector: selector.clone(),
            answer: txt_at(obs, dkim::key_name(selector, domain)),
        })
        .collect();
    dkim::keys_finding(domain, &answers)
}

/// `mail.tls_rpt.valid`: not applicable without mail servers (a null MX or
/// no MX), as for the other mail-server checks.
pub fn tls_rpt(obs: &Observations, domain: &DomainName) -> Finding {
    match lookup::mail_hosts(obs, &domain.to_fqdn()) {
        Ok(MailHosts::Null) => return tls_rpt::without_mail_servers(true),
        Ok(MailHosts::None) => return tls_rpt::without_mail_servers(false),
        _ => {}
    }
    let answer = txt_at(obs, domain.child("_smtp._tls"));
    tls_rpt::finding(domain, &answer)
}

/// Where the MTA-STS policy is served (RFC 8461 §3.2).
pub const MTA_STS_PATH: &str = "/.well-known/mta-sts.txt";

/// The policy host `mta-sts.<domain>` when the domain publishes an
/// `_mta-sts` record, so the engine knows to fetch the policy.
pub fn mta_sts_policy_host(obs: &Observations, domain: &DomainName) -> Option<DomainName> {
    let name = domain.child("_mta-sts").ok()?;
    let answer = txt_answer(obs, &name.to_fqdn());
    let announced = answer
        .records()
        .ok()?
        .iter()
        .any(|r| r.trim_start().starts_with("v=STSv1"));
    announced.then(|| domain.child("mta-sts").ok()).flatten()
}

/// `mail.mta_sts.valid` for `domain` with MX hosts `mx_hosts`; the policy's
/// certificate is judged against `roots` at `now`.
pub fn mta_sts(
    obs: &Observations,
    domain: &DomainName,
    mx_hosts: &[DomainName],
    roots: &TrustStore,
    now: OffsetDateTime,
) -> Finding {
    let answer = txt_at(obs, domain.child("_mta-sts"));
    let fetch = mta_sts_policy_host(obs, domain).map(|host| policy_fetch(obs, &host, roots, now));
    mta_sts::finding(domain, &answer, fetch.as_ref(), mx_hosts)
}

/// The policy fetch as observed: the first address of the policy host that
/// was asked.
fn policy_fetch(
    obs: &Observations,
    host: &DomainName,
    roots: &TrustStore,
    now: OffsetDateTime,
) -> PolicyFetch {
    let url = lookup::https_url(host.as_str(), MTA_STS_PATH);
    let Some(fetch) = obs.http.iter().find(|f| f.url == url) else {
        return unfetched(obs, host);
    };
    match &fetch.outcome {
        HttpOutcome::Failure { kind, .. } => PolicyFetch::Failed(*kind),
        HttpOutcome::Response(r) if r.status != 200 => PolicyFetch::HttpStatus(r.status),
        HttpOutcome::Response(r) => PolicyFetch::Fetched {
            content_type: r.header("content-type").map(str::to_string),
            body: r.body.bytes().to_vec(),
            certificate: policy_certificate(&fetch.address, host, &r.peer_certificates, roots, now),
        },
    }
}

/// Why the policy of `host` was not fetched: it has no address, its
/// addresses could not be looked up, or the test did not get to it.
fn unfetched(obs: &Observations, host: &DomainName) -> PolicyFetch {
    let view = ObservedDns::new(obs);
    let mut has_address = false;
    for rtype in [RrType::A, RrType::Aaaa] {
        let question = Question::new(host.as_str(), rtype);
        match view.answer(&question) {
            None => return PolicyFetch::NoAddress(Some(LookupFailure::NotLookedUp(question))),
            Some(Answer::Failed(failure)) => return PolicyFetch::NoAddress(Some(failure)),
            Some(Answer::Records(r)) if !r.is_empty() => has_address = true,
            Some(_) => {}
        }
    }
    if has_address {
        PolicyFetch::NotFetched
    } else {
        PolicyFetch::NoAddress(None)
    }
}

/// Whether the policy host's certificate is trusted, valid now and names
/// the host (RFC 8461 §3.3).
fn policy_certificate(
    address: &str,
    host: &DomainName,
    chain: &[String],
    roots: &TrustStore,
    now: OffsetDateTime,
) -> mta_sts::Certificate {
    use mta_sts::CertificateProblem as Problem;
    let endpoint = Endpoint {
        address: address.to_string(),
        host: host.as_str().to_string(),
        chain: certificate::decode_chain(chain),
    };
    let assessed = certificate::assess(std::slice::from_ref(&endpoint), roots, now);
    // The certificate module's reasons are its own words (it is converted
    // to messages separately); they are shown as it says them.
    let invalid = mta_sts::Certificate::Invalid;
    match assessed.first().map(|a| &a.report) {
        Some(Ok(report)) => match (&report.trust, &report.name) {
            (Trust::Trusted { .. }, NameMatch::Matched { .. }) => mta_sts::Certificate::Valid,
            (Trust::Trusted { .. }, _) => invalid(Problem::WrongName(host.clone())),
            (Trust::Untrusted { error, reasons }, _) if reasons.is_empty() => {
                invalid(Problem::Untrusted(vec![error.to_message()]))
            }
            (Trust::Untrusted { reasons, .. }, _) => invalid(Problem::Untrusted(
                reasons.iter().map(ToMessage::to_message).collect(),
            )),
        },
        Some(Err(_)) | None => invalid(Problem::NotRecorded),
    }
}

/// Helpers for the mail checks' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use base64::Engine as _;
    use hickory_proto::op::{Message as DnsMessage, OpCode};
    use hickory_proto::rr::{Name, RData, Record};
    use indaba_model::observation::{
        DnsExchange, DnsFailure, DnsOutcome, DnsQuestion, DnsResponse, QueryMode,
    };
    use indaba_model::{Message, Observations};

    use crate::dmarc::TxtAnswer;
    use crate::spf::{LookupFailure, Question, RrType};

    /// A message in English, as people read it.
    pub(crate) fn english(message: &Message) -> String {
        indaba_i18n::english()
            .try_render(indaba_i18n::DEFAULT_LANGUAGE, message)
            .unwrap_or_else(|e| panic!("{message:?} does not render: {e}"))
    }

    /// Every message of a finding renders in English (arguments included).
    pub(crate) fn renders(finding: &indaba_model::Finding) {
        english(&finding.message);
        for e in &finding.evidence {
            for m in e.subject_message.iter().chain(&e.detail_message) {
                english(m);
            }
        }
    }

    /// A lookup of `name` that timed out.
    pub(crate) fn timeout(name: &str) -> LookupFailure {
        LookupFailure::NoResponse(Question::new(name, RrType::Txt), DnsFailure::Timeout)
    }

    /// A TXT answer that timed out.
    pub(crate) fn txt_timeout() -> TxtAnswer {
        TxtAnswer::Failed(timeout("x.example"))
    }

    /// Observations of raw-mode DNS answers, built record by record.
    #[derive(Default)]
    pub(crate) struct ObservedZone {
        /// What a test would have observed.
        pub(crate) obs: Observations,
    }

    /// A record for [`ObservedZone::answer`].
    pub(crate) fn record(owner: &str, data: RData) -> Record {
        Record::from_rdata(Name::from_ascii(owner).unwrap(), 300, data)
    }

    /// A host name for record data.
    pub(crate) fn name(text: &str) -> Name {
        Name::from_ascii(text).unwrap()
    }

    impl ObservedZone {
        fn push(&mut self, question: &str, rtype: &str, rcode: &str, records: Vec<Record>) {
            let mut message = DnsMessage::response(0, OpCode::Query);
            message.add_answers(records);
            let wire = message.to_vec().unwrap();
            self.obs.dns.push(DnsExchange {
                server: "127.0.0.53:53".into(),
                mode: QueryMode::Raw,
                question: DnsQuestion::new(question, rtype),
                elapsed_ms: 1,
                outcome: DnsOutcome::Response(DnsResponse {
                    rcode: rcode.into(),
                    authenticated: false,
                    authoritative: false,
                    tcp: false,
                    answer: Vec::new(),
                    authority: Vec::new(),
                    extended_error: None,
                    wire: base64::engine::general_purpose::STANDARD.encode(wire),
                    parsed: Default::default(),
                }),
            });
        }

        /// A NOERROR answer to `question` `rtype` with `records`.
        pub(crate) fn answer(mut self, question: &str, rtype: &str, records: Vec<Record>) -> Self {
            self.push(question, rtype, "NOERROR", records);
            self
        }

        /// An answer with another response code (NXDOMAIN, SERVFAIL…).
        pub(crate) fn rcode(mut self, question: &str, rtype: &str, rcode: &str) -> Self {
            self.push(question, rtype, rcode, Vec::new());
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use hickory_proto::rr::RData;
    use hickory_proto::rr::rdata::{MX, TXT};
    use indaba_model::{Status, TestKind};

    use super::testing::{ObservedZone, name, record, renders};
    use super::*;
    use crate::judge::{JudgeContext, judge};

    fn txt(owner: &str, text: &str) -> hickory_proto::rr::Record {
        record(owner, RData::TXT(TXT::new(vec![text.to_string()])))
    }

    /// A mail domain with the given MX records, DMARC and SPF records, and
    /// no DKIM, MTA-STS or TLS-RPT records.
    fn domain(mx: &[(u16, &str)], dmarc: &str, spf: &str) -> ObservedZone {
        ObservedZone::default()
            .answer(
                "example.org.",
                "MX",
                mx.iter()
                    .map(|(p, h)| record("example.org.", RData::MX(MX::new(*p, name(h)))))
                    .collect(),
            )
            .answer(
                "_dmarc.example.org.",
                "TXT",
                vec![txt("_dmarc.example.org.", dmarc)],
            )
            .answer("example.org.", "TXT", vec![txt("example.org.", spf)])
            .rcode("_domainkey.example.org.", "TXT", "NXDOMAIN")
            .rcode("_smtp._tls.example.org.", "TXT", "NXDOMAIN")
            .rcode("_mta-sts.example.org.", "TXT", "NXDOMAIN")
    }

    fn judged(zone: &ObservedZone, check: &str) -> Finding {
        let anchor = crate::dnssec::TrustAnchor::iana();
        let roots = crate::certificate::TrustStore::empty("none");
        let ctx = JudgeContext {
            anchor: &anchor,
            roots: &roots,
            now: OffsetDateTime::now_utc(),
        };
        judge(TestKind::Mail, "example.org", &zone.obs, &ctx)
            .into_iter()
            .find(|f| f.check == check)
            .unwrap_or_else(|| panic!("no {check}"))
    }

    /// RFC 7505: a domain with a null MX receives no mail, so there is no
    /// MTA-STS policy or TLS report to judge (issue 10).
    #[test]
    fn null_mx_makes_mta_sts_and_tls_rpt_not_applicable() {
        let null = domain(&[(0, ".")], "v=DMARC1; p=reject", "v=spf1 -all");
        for check in [
            indaba_model::catalogue::ids::MAIL_MTA_STS,
            indaba_model::catalogue::ids::MAIL_TLS_RPT,
        ] {
            let f = judged(&null, check);
            assert_eq!(f.status, Status::NotApplicable, "{check}: {f:?}");
        }
        let f = tls_rpt(&null.obs, &DomainName::parse("example.org").unwrap());
        assert_eq!(f.message.id, "tls-rpt-null-mx");
        renders(&f);
        // With mail servers, no TLS-RPT record is a warning.
        let served = domain(
            &[(10, "mx.example.org.")],
            "v=DMARC1; p=reject",
            "v=spf1 mx -all",
        );
        assert_eq!(
            judged(&served, indaba_model::catalogue::ids::MAIL_TLS_RPT).status,
            Status::Warning
        );
    }

    /// internet.nl skips DKIM with full points for a domain whose DMARC
    /// policy is reject and whose SPF record is v=spf1 -all; anything less
    /// and missing keys fail, null MX or not.
    #[test]
    fn dkim_is_not_applicable_only_for_a_declared_non_sending_domain() {
        let dkim = indaba_model::catalogue::ids::MAIL_DKIM_EXISTS;
        let declared = domain(
            &[(10, "mx.example.org.")],
            "v=DMARC1; p=reject",
            "v=spf1 -all",
        );
        let f = judged(&declared, dkim);
        assert_eq!(f.status, Status::NotApplicable, "{f:?}");
        assert_eq!(f.message.id, "dkim-exists-non-sending");
        renders(&f);
        let with_exp = domain(
            &[(0, ".")],
            "v=DMARC1; p=reject; rua=mailto:d@example.org",
            "v=spf1 -all exp=why.example.org",
        );
        assert_eq!(judged(&with_exp, dkim).status, Status::NotApplicable);
        for (mx, dmarc, spf) in [
            (&[(0u16, ".")][..], "v=DMARC1; p=quarantine", "v=spf1 -all"),
            (&[(0, ".")][..], "v=DMARC1; p=reject", "v=spf1 ~all"),
            (&[(0, ".")][..], "v=DMARC1; p=reject", "v=spf1 mx -all"),
            (
                &[(0, ".")][..],
                "v=DMARC1; p=reject; sp=bogus",
                "v=spf1 -all",
            ),
            (
                &[(0, ".")][..],
                "v=DMARC1; p=reject",
                "v=spf1 redirect=x.example.org",
            ),
        ] {
            let f = judged(&domain(mx, dmarc, spf), dkim);
            assert_eq!(f.status, Status::Fail, "{dmarc} / {spf}: {f:?}");
        }
    }

    /// A subdomain under an organisational record: sp=reject declares it.
    #[test]
    fn the_organisational_subdomain_policy_counts() {
        let zone = ObservedZone::default()
            .rcode("_dmarc.mail.example.org.", "TXT", "NXDOMAIN")
            .answer(
                "_dmarc.example.org.",
                "TXT",
                vec![txt("_dmarc.example.org.", "v=DMARC1; p=none; sp=reject")],
            )
            .answer(
                "mail.example.org.",
                "TXT",
                vec![txt("mail.example.org.", "v=spf1 -all")],
            );
        let sub = DomainName::parse("mail.example.org").unwrap();
        assert!(no_mail_declared(&zone.obs, &sub).is_some());
        let org = ObservedZone::default()
            .answer(
                "_dmarc.example.org.",
                "TXT",
                vec![txt("_dmarc.example.org.", "v=DMARC1; p=none; sp=reject")],
            )
            .answer(
                "example.org.",
                "TXT",
                vec![txt("example.org.", "v=spf1 -all")],
            );
        assert!(no_mail_declared(&org.obs, &DomainName::parse("example.org").unwrap()).is_none());
    }
}
