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
