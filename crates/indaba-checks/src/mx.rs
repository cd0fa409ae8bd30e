//! `mail.mx.records`: the domain says where its mail goes (RFC 5321 §5.1),
//! or that it takes none (null MX, RFC 7505), and every mail server named
//! resolves to an address, by its own name rather than through an alias
//! (RFC 2181 §10.3).

use hickory_proto::rr::Name;
use indaba_model::catalogue::ids;
use indaba_model::limits::{CapNote, Capped, MAX_MAIL_HOSTS};
use indaba_model::{Arg, Evidence, Finding, Message, Observations, Status, ToMessage, msg};

use crate::lookup::{self, MailHosts};
use crate::spf::{Answer, DnsView, LookupFailure, ObservedDns, Question, RrType};

/// Why the answer to `name` `rtype` is not usable, from the stored
/// observation (`None` when it is: the problem lies elsewhere).
fn failure(obs: &Observations, name: &str, rtype: RrType) -> Option<LookupFailure> {
    let question = Question::new(name, rtype);
    match ObservedDns::new(obs).answer(&question) {
        None => Some(LookupFailure::NotLookedUp(question)),
        Some(Answer::Failed(f)) => Some(f),
        Some(_) => None,
    }
}

/// What was seen of one MX host.
struct Host {
    /// `MX 10 mx1.example.org`.
    subject: String,
    /// Its addresses, or why there are none.
    addresses: Result<Vec<String>, Message>,
    /// The alias chain when the name is a CNAME: the name first, the
    /// canonical name last.
    alias: Option<Vec<Name>>,
}

fn host(obs: &Observations, preference: u16, name: &Name) -> Host {
    let ascii = name.to_ascii();
    let shown = ascii.trim_end_matches('.').to_string();
    let mut addresses = Vec::new();
    let mut problem = None;
    let mut alias = None;
    for (rtype, word) in [(RrType::A, "A"), (RrType::Aaaa, "AAAA")] {
        match lookup::addresses(obs, &ascii, word) {
            Ok(found) => addresses.extend(found.iter().map(ToString::to_string)),
            Err(_) => {
                problem = Some(match failure(obs, &ascii, rtype) {
                    Some(f) => f.to_message(),
                    // The answer came, but its alias chain is broken.
                    None => msg!("mx-host-alias-broken", host = shown.as_str()),
                });
            }
        }
        if alias.is_none()
            && let Ok(response) = lookup::resolved(obs, &ascii, word)
            && let Ok(chain) = lookup::follow_cnames(response, &ascii)
            && chain.len() > 1
        {
            alias = Some(chain);
        }
    }
    Host {
        subject: format!("MX {preference} {shown}"),
        addresses: match (addresses.is_empty(), problem) {
            (false, _) => Ok(addresses),
            (true, Some(p)) => Err(p),
            (true, None) => Err(msg!("mx-host-no-address")),
        },
        alias,
    }
}

/// `mail.mx.records` for `domain`.
///
/// A null MX is information; no MX records a warning (senders fall back to
/// the address records); an MX host without an address fails (mail to it
/// cannot be delivered); an MX host that is an alias, or a null MX beside
/// other MX records, is a warning: RFC 2181 §10.3 and RFC 7505 §3 forbid
/// them, but senders cope. At most [`MAX_MAIL_HOSTS`] hosts are looked at,
/// as by the other mail-server checks.
pub fn finding(obs: &Observations, domain: &str) -> Finding {
    let id = ids::MAIL_MX_RECORDS;
    let shown = domain.trim_end_matches('.');
    let subject = format!("{shown} MX");
    let list = match lookup::mail_hosts(obs, domain) {
        Err(_) => {
            let reason = failure(obs, domain, RrType::Mx)
                .map(|f| f.to_message())
                .unwrap_or_else(|| msg!("mx-answer-unreadable"));
            return Finding::new(id, Status::Error, msg!("mx-lookup-failed", domain = shown))
                .with(subject, reason);
        }
        Ok(MailHosts::Null) => {
            return Finding::new(id, Status::Info, msg!("mx-null", domain = shown))
                .with(subject, "0 .");
        }
        Ok(MailHosts::None) => {
            return Finding::new(id, Status::Warning, msg!("mx-none", domain = shown));
        }
        Ok(MailHosts::Hosts(list)) => list,
    };
    let null_beside_others = list.iter().any(|(_, n)| n.is_root());
    let capped = Capped::first(list.iter().filter(|(_, n)| !n.is_root()), MAX_MAIL_HOSTS);
    let hosts: Vec<Host> = capped
        .kept
        .iter()
        .map(|(preference, name)| host(obs, *preference, name))
        .collect();
    let mut evidence = Vec::new();
    for h in &hosts {
        evidence.push(match &h.addresses {
            Ok(list) => Evidence::new(h.subject.clone(), list.join(", ")),
            Err(why) => Evidence::new(h.subject.clone(), why.clone()),
        });
        if let Some(chain) = &h.alias {
            let path: Vec<String> = chain
                .iter()
                .map(|n| n.to_ascii().trim_end_matches('.').to_string())
                .collect();
            evidence.push(Evidence::new(
                h.subject.clone(),
                msg!("mx-host-alias", chain = path.join(" → ")),
            ));
        }
    }
    if null_beside_others {
        evidence.push(Evidence::new(subject, msg!("mx-null-beside-others-detail")));
    }
    if let Some(note) = CapNote::of(&capped, "noun-mail-servers") {
        evidence.push(Evidence::new(msg!("mail-label-note"), note.to_message()));
    }
    let unresolved = hosts.iter().filter(|h| h.addresses.is_err()).count();
    let aliases: Vec<&str> = hosts
        .iter()
        .filter(|h| h.alias.is_some())
        .map(|h| h.subject.rsplit(' ').next().unwrap_or_default())
        .collect();
    let (status, message) = if unresolved > 0 {
        (
            Status::Fail,
            msg!(
                "mx-unresolved",
                count = unresolved,
                total = hosts.len(),
                domain = shown
            ),
        )
    } else if !aliases.is_empty() {
        (
            Status::Warning,
            msg!(
                "mx-alias",
                count = aliases.len(),
                hosts = Arg::list(aliases.iter().copied())
            ),
        )
    } else if null_beside_others {
        (
            Status::Warning,
            msg!("mx-null-beside-others", domain = shown),
        )
    } else {
        (Status::Pass, msg!("mx-valid", domain = shown))
    };
    Finding::new(id, status, message).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use hickory_proto::rr::RData;
    use hickory_proto::rr::rdata::{A, CNAME, MX};
    use indaba_model::Arg;

    use super::*;
    use crate::mailauth::testing::{ObservedZone, english, name, record, renders};

    fn mx(owner: &str, preference: u16, host: &str) -> hickory_proto::rr::Record {
        record(owner, RData::MX(MX::new(preference, name(host))))
    }

    fn a(owner: &str, last: u8) -> hickory_proto::rr::Record {
        record(owner, RData::A(A(Ipv4Addr::new(192, 0, 2, last))))
    }

    /// A host with an A record and no AAAA.
    fn host(zone: ObservedZone, host: &str, last: u8) -> ObservedZone {
        zone.answer(host, "A", vec![a(host, last)])
            .answer(host, "AAAA", vec![])
    }

    #[test]
    fn hosts_with_addresses_pass() {
        let zone = ObservedZone::default().answer(
            "example.org.",
            "MX",
            vec![
                mx("example.org.", 10, "mx1.example.org."),
                mx("example.org.", 20, "mx2.example.org."),
            ],
        );
        let zone = host(host(zone, "mx1.example.org.", 1), "mx2.example.org.", 2);
        let f = finding(&zone.obs, "example.org.");
        assert_eq!(f.status, Status::Pass, "{}", crate::english(&f));
        assert_eq!(f.message.id, "mx-valid");
        assert_eq!(f.evidence[0].subject, "MX 10 mx1.example.org");
        assert_eq!(f.evidence[0].detail, "192.0.2.1");
        renders(&f);
    }

    /// RFC 2181 §10.3: an MX must name a host, not an alias. The finding
    /// names the alias and where it leads.
    #[test]
    fn an_alias_target_is_reported() {
        let zone = ObservedZone::default()
            .answer(
                "example.org.",
                "MX",
                vec![
                    mx("example.org.", 10, "mail.example.org."),
                    mx("example.org.", 20, "mx2.example.org."),
                ],
            )
            .answer(
                "mail.example.org.",
                "A",
                vec![
                    record(
                        "mail.example.org.",
                        RData::CNAME(CNAME(name("mx1.provider.example."))),
                    ),
                    a("mx1.provider.example.", 7),
                ],
            )
            .answer(
                "mail.example.org.",
                "AAAA",
                vec![record(
                    "mail.example.org.",
                    RData::CNAME(CNAME(name("mx1.provider.example."))),
                )],
            );
        let zone = host(zone, "mx2.example.org.", 2);
        let f = finding(&zone.obs, "example.org.");
        assert_eq!(f.status, Status::Warning, "{}", crate::english(&f));
        assert_eq!(f.message.id, "mx-alias");
        assert_eq!(
            f.message.get("hosts"),
            Some(&Arg::list(["mail.example.org"]))
        );
        assert_eq!(
            crate::english(&f),
            "A mail server name is an alias (CNAME): mail.example.org. An MX record must name a \
             host, not an alias (RFC 2181 §10.3, RFC 5321 §5.1); senders may refuse or \
             mishandle it."
        );
        // Its addresses are still found (through the alias), and the chain
        // is shown.
        assert!(f.evidence.iter().any(|e| e.detail == "192.0.2.7"));
        assert!(f.evidence.iter().any(|e| {
            e.detail_message.as_ref().is_some_and(|m| {
                english(m) == "an alias (CNAME): mail.example.org → mx1.provider.example"
            })
        }));
        renders(&f);
    }

    #[test]
    fn a_host_without_address_fails_and_a_failed_lookup_is_an_error() {
        let zone = ObservedZone::default()
            .answer(
                "example.org.",
                "MX",
                vec![
                    mx("example.org.", 10, "gone.example.org."),
                    mx("example.org.", 20, "mx2.example.org."),
                ],
            )
            .rcode("gone.example.org.", "A", "NXDOMAIN")
            .rcode("gone.example.org.", "AAAA", "NXDOMAIN");
        let zone = host(zone, "mx2.example.org.", 2);
        let f = finding(&zone.obs, "example.org.");
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            crate::english(&f),
            "1 of 2 mail servers of example.org have no address: mail cannot be delivered to them."
        );
        renders(&f);

        let broken = ObservedZone::default().rcode("example.org.", "MX", "SERVFAIL");
        let f = finding(&broken.obs, "example.org.");
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            f.evidence[0]
                .detail_message
                .as_ref()
                .map(english)
                .as_deref(),
            Some("the resolver answered SERVFAIL to example.org MX")
        );
        renders(&f);
    }

    /// RFC 7505 §3: a null MX must stand alone. A null MX alone is
    /// information; none at all a warning.
    #[test]
    fn null_mx() {
        let null =
            ObservedZone::default().answer("example.org.", "MX", vec![mx("example.org.", 0, ".")]);
        let f = finding(&null.obs, "example.org.");
        assert_eq!(f.status, Status::Info);
        renders(&f);

        let mixed = ObservedZone::default().answer(
            "example.org.",
            "MX",
            vec![
                mx("example.org.", 0, "."),
                mx("example.org.", 10, "mx1.example.org."),
            ],
        );
        let mixed = host(mixed, "mx1.example.org.", 1);
        let f = finding(&mixed.obs, "example.org.");
        assert_eq!(f.status, Status::Warning, "{}", crate::english(&f));
        assert_eq!(f.message.id, "mx-null-beside-others");
        renders(&f);

        let none = ObservedZone::default().answer("example.org.", "MX", vec![]);
        assert_eq!(finding(&none.obs, "example.org.").status, Status::Warning);
    }

    /// Past the cap the finding says how many were tested, never that the
    /// rest "was not looked up".
    #[test]
    fn hosts_past_the_cap_are_counted_not_failed() {
        let mut records = Vec::new();
        let mut zone = ObservedZone::default();
        for i in 0..11u8 {
            let h = format!("mx{i}.example.org.");
            records.push(mx("example.org.", u16::from(i), &h));
            if usize::from(i) < MAX_MAIL_HOSTS {
                zone = host(zone, &h, i);
            }
        }
        let zone = zone.answer("example.org.", "MX", records);
        let f = finding(&zone.obs, "example.org.");
        assert_eq!(f.status, Status::Pass, "{}", crate::english(&f));
        assert!(f.evidence.iter().any(|e| {
            e.detail_message
                .as_ref()
                .is_some_and(|m| english(m) == "tested the first 10 of 11 mail servers")
        }));
    }
}
