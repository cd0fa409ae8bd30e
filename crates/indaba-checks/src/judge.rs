//! Judging a whole test: observations in, one finding per check out, in
//! catalogue order. Pure, so a stored report can be judged again.

use hickory_proto::rr::Name;
use indaba_model::catalogue::{self, ids};
use indaba_model::limits::CapNote;
use indaba_model::{Evidence, Finding, Message, Observations, Status, TestKind, ToMessage, msg};

use crate::dnssec::{TrustAnchor, Validator, findings as dnssec};
use crate::ipv6;
use crate::lookup::{self, LookupError, MailHosts};
use crate::transport::{self, Service};
use crate::{mailauth, plan, rpki, website};

/// What judging needs besides the observations.
#[derive(Debug, Clone, Copy)]
pub struct JudgeContext<'a> {
    /// The DNSSEC trust anchor.
    pub anchor: &'a TrustAnchor,
    /// The certificate trust roots.
    pub roots: &'a crate::certificate::TrustStore,
    /// The moment to judge at (signature and certificate validity).
    pub now: time::OffsetDateTime,
}

/// The MX records of a mail test, as far as they could be read.
type MailHostsSeen = Option<Result<MailHosts, LookupError>>;

/// The findings of a `kind` test of `domain`.
pub fn judge(
    kind: TestKind,
    domain: &str,
    obs: &Observations,
    ctx: &JudgeContext<'_>,
) -> Vec<Finding> {
    let validator = Validator::new(obs, ctx.anchor, ctx.now.unix_timestamp());
    // The zone that holds the name asked for (an alias's own, not its
    // target's): its name servers are the ones tested.
    let zone: Result<Name, Message> =
        crate::dnssec::path(obs, domain).map(|p| p.holding_zone().clone());
    let mail_hosts: MailHostsSeen = match kind {
        TestKind::Mail => Some(lookup::mail_hosts(obs, domain)),
        TestKind::Web => None,
    };
    let servers = lookup::server_groups(kind, domain, obs);
    // Checks judged together (one TLS scan per address feeds many findings).
    let mut grouped: Vec<Finding> = match kind {
        TestKind::Web => {
            let https = &servers.web_https;
            let mut web =
                transport::findings(&Service::HTTPS, obs, &validator, https, ctx.roots, ctx.now);
            web.push(crate::redirect::finding(obs, domain, https));
            web.push(website::hsts(obs, domain, https));
            web.extend(website::header_findings(obs, domain, https));
            web.push(website::security_txt(obs, domain, https, ctx.now));
            web
        }
        TestKind::Mail => {
            let smtp = transport::findings(
                &Service::SMTP,
                obs,
                &validator,
                &servers.mail,
                ctx.roots,
                ctx.now,
            );
            match &mail_hosts {
                Some(Ok(MailHosts::Hosts(_))) => smtp,
                // A null MX, no MX or an unresolvable MX: every mail-server
                // check says why there is nothing to test.
                _ => smtp
                    .iter()
                    .map(|f| with_mail_hosts(&f.check, &mail_hosts, |_| f.clone()))
                    .collect(),
            }
        }
    };
    // No server to judge because its addresses could not be looked up is an
    // error (untestable), not "nothing to test".
    if kind == TestKind::Web
        && servers.web.is_empty()
        && let Some(reason) = ["A", "AAAA"]
            .iter()
            .find_map(|rtype| lookup::addresses(obs, domain, rtype).err())
    {
        for f in &mut grouped {
            *f = Finding::new(&f.check, Status::Error, reason.to_message());
        }
    }
    let name = indaba_model::DomainName::parse(domain);
    let mail_policy =
        |judge: &dyn Fn(&indaba_model::DomainName) -> Finding, id: &str| match (&name, &mail_hosts)
        {
            (Err(e), _) => Finding::new(id, Status::Error, e.to_message()),
            (_, Some(Err(reason))) => Finding::new(id, Status::Error, reason.to_message()),
            (Ok(n), _) => judge(n),
        };
    let mut findings: Vec<Finding> = catalogue::checks_for(kind)
        .map(|spec| match spec.id {
            ids::MAIL_DMARC_RECORD => mail_policy(&|n| mailauth::dmarc_record(obs, n), spec.id),
            ids::MAIL_DMARC_POLICY => mail_policy(&|n| mailauth::dmarc_policy(obs, n), spec.id),
            ids::MAIL_DMARC_DESTINATIONS => {
                mail_policy(&|n| mailauth::dmarc_destinations(obs, n), spec.id)
            }
            ids::MAIL_DKIM_EXISTS => mail_policy(&|n| mailauth::dkim_exists(obs, n), spec.id),
            ids::MAIL_DKIM_KEYS => mail_policy(
                &|n| mailauth::dkim_keys(obs, n, &obs.dkim_selectors),
                spec.id,
            ),
            ids::MAIL_MTA_STS => with_mail_hosts(spec.id, &mail_hosts, |hosts| {
                mail_policy(
                    &|n| {
                        let mx: Vec<indaba_model::DomainName> = hosts
                            .iter()
                            .filter_map(|h| indaba_model::DomainName::parse(&h.to_ascii()).ok())
                            .collect();
                        mailauth::mta_sts(obs, n, &mx, ctx.roots, ctx.now)
                    },
                    spec.id,
                )
            }),
            ids::MAIL_MX_RECORDS => crate::mx::finding(obs, domain),
            ids::MAIL_TLS_RPT => mail_policy(&|n| mailauth::tls_rpt(obs, n), spec.id),
            // SPF (crate::spf): the include tree walked over the observations.
            ids::MAIL_SPF_RECORD => {
                mail_policy(&|n| crate::spf::observed_record_finding(obs, n), spec.id)
            }
            ids::MAIL_SPF_POLICY => {
                mail_policy(&|n| crate::spf::observed_policy_finding(obs, n), spec.id)
            }
            ids::WEB_RPKI_EXISTS => rpki::exists(spec.id, "web server", obs, &servers.web),
            ids::WEB_RPKI_VALID => rpki::valid(spec.id, "web server", obs, &servers.web),
            ids::NS_RPKI_EXISTS => {
                rpki::exists(spec.id, "name servers", obs, &servers.name_servers)
            }
            ids::NS_RPKI_VALID => rpki::valid(spec.id, "name servers", obs, &servers.name_servers),
            ids::MAIL_RPKI_EXISTS => with_mail_hosts(spec.id, &mail_hosts, |_| {
                rpki::exists(spec.id, "mail servers", obs, &servers.mail)
            }),
            ids::MAIL_RPKI_VALID => with_mail_hosts(spec.id, &mail_hosts, |_| {
                rpki::valid(spec.id, "mail servers", obs, &servers.mail)
            }),
            ids::DNSSEC_EXISTS => dnssec::exists(obs, domain),
            ids::DNSSEC_VALID => {
                let rtypes: &[&str] = match kind {
                    TestKind::Web => &["A", "AAAA"],
                    TestKind::Mail => &["MX"],
                };
                dnssec::valid(&validator, obs, domain, rtypes)
            }
            ids::NS_IPV6 => match &zone {
                Ok(z) => ipv6::name_servers(obs, z),
                Err(reason) => Finding::new(spec.id, Status::Error, reason.clone()),
            },
            ids::WEB_IPV6_ADDRESS => ipv6::web_address(obs, domain),
            ids::WEB_IPV6_REACHABLE => ipv6::web_reachable(obs, domain),
            ids::WEB_IPV6_SAME_CONTENT => ipv6::web_same_content(obs, domain),
            ids::WEB_CAA => website::caa(obs, domain),
            ids::MAIL_IPV6_ADDRESS => {
                with_mail_hosts(spec.id, &mail_hosts, |hosts| ipv6::mail_address(obs, hosts))
            }
            ids::MAIL_IPV6_REACHABLE => with_mail_hosts(spec.id, &mail_hosts, |hosts| {
                ipv6::mail_reachable(obs, hosts)
            }),
            ids::MAIL_DNSSEC_MX_VALID => with_mail_hosts(spec.id, &mail_hosts, |hosts| {
                dnssec::mx_valid(&validator, hosts)
            }),
            other => match grouped.iter().position(|f| f.check == other) {
                Some(i) => grouped.swap_remove(i),
                None => Finding::new(other, Status::Error, msg!("judge-cannot-judge")),
            },
        })
        .collect();
    note_caps(kind, domain, obs, &mut findings);
    findings
}

/// Says, in the findings that judged a capped list, what the cap left out
/// ("tested the first 10 of 11 mail servers").
fn note_caps(kind: TestKind, domain: &str, obs: &Observations, findings: &mut [Finding]) {
    let mut notes: Vec<(&str, CapNote)> = Vec::new();
    if let Some((_, servers)) = plan::name_server_names(obs, domain)
        && let Some(note) = CapNote::of(&servers, "noun-name-servers")
    {
        notes.push((ids::NS_IPV6, note));
    }
    match kind {
        TestKind::Web => {
            let reach = plan::reachability_addresses(obs, domain);
            if let Some(note) = CapNote::of(&reach, "noun-addresses") {
                notes.push((ids::WEB_IPV6_REACHABLE, note.clone()));
                notes.push((ids::WEB_RPKI_EXISTS, note));
            }
            if let Some(note) = CapNote::of(&plan::web_addresses(obs, domain), "noun-addresses") {
                notes.push((ids::WEB_HTTPS_AVAILABLE, note));
            }
        }
        TestKind::Mail => {
            if let Some(note) =
                CapNote::of(&plan::mail_host_names(obs, domain), "noun-mail-servers")
            {
                notes.push((ids::MAIL_MX_RECORDS, note.clone()));
                notes.push((ids::MAIL_STARTTLS_AVAILABLE, note));
            }
        }
    }
    for (check, note) in notes {
        if let Some(f) = findings.iter_mut().find(|f| f.check == check) {
            f.evidence
                .push(Evidence::new(msg!("evidence-cap"), note.to_message()));
        }
    }
}

fn with_mail_hosts(
    id: &str,
    hosts: &MailHostsSeen,
    judge: impl FnOnce(&[Name]) -> Finding,
) -> Finding {
    match hosts {
        None => Finding::new(id, Status::NotApplicable, msg!("judge-not-a-mail-test")),
        Some(Err(reason)) => Finding::new(id, Status::Error, reason.to_message()),
        Some(Ok(MailHosts::Null)) => Finding::new(id, Status::NotApplicable, msg!("judge-null-mx")),
        Some(Ok(MailHosts::None)) => Finding::new(id, Status::NotApplicable, msg!("judge-no-mx")),
        Some(Ok(MailHosts::Hosts(list))) => {
            let names: Vec<Name> = list.iter().map(|(_, n)| n.clone()).collect();
            judge(&names)
        }
    }
}

#[cfg(test)]
mod tests;
