//! `mail.mx.records`: the domain says where its mail goes (RFC 5321 §5.1),
//! or that it takes none (null MX, RFC 7505), and every mail server named
//! resolves to an address.

use indaba_model::catalogue::ids;
use indaba_model::{Evidence, Finding, Observations, Status};

use crate::lookup::{self, MailHosts};

/// `mail.mx.records` for `domain`.
pub fn finding(obs: &Observations, domain: &str) -> Finding {
    let id = ids::MAIL_MX_RECORDS;
    let shown = domain.trim_end_matches('.');
    let hosts = match lookup::mail_hosts(obs, domain) {
        Err(reason) => return Finding::new(id, Status::Error, reason),
        Ok(MailHosts::Null) => {
            return Finding::new(
                id,
                Status::Info,
                format!(
                    "{shown} has a null MX (RFC 7505): it accepts no mail. SPF -all and DMARC \
                     p=reject should still stop others sending in its name."
                ),
            )
            .with(format!("{shown} MX"), "0 .");
        }
        Ok(MailHosts::None) => {
            return Finding::new(
                id,
                Status::Warning,
                format!(
                    "{shown} has no MX records: senders fall back to its address records \
                     (RFC 5321 §5.1). Publish MX records, or a null MX if it takes no mail."
                ),
            );
        }
        Ok(MailHosts::Hosts(list)) => list,
    };
    let mut unresolved = 0;
    let mut evidence = Vec::new();
    for (preference, host) in &hosts {
        let name = host.to_ascii();
        let mut addresses = Vec::new();
        let mut failure = None;
        for rtype in ["A", "AAAA"] {
            match lookup::addresses(obs, &name, rtype) {
                Ok(found) => addresses.extend(found),
                Err(reason) => failure = Some(reason.to_string()),
            }
        }
        let detail = if !addresses.is_empty() {
            let list: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            list.join(", ")
        } else {
            unresolved += 1;
            failure.unwrap_or_else(|| "no address (A or AAAA)".to_string())
        };
        evidence.push(Evidence::new(
            format!("MX {preference} {}", name.trim_end_matches('.')),
            detail,
        ));
    }
    let finding = if unresolved == 0 {
        Finding::new(
            id,
            Status::Pass,
            format!("{shown} names its mail servers, and each has an address."),
        )
    } else {
        Finding::new(
            id,
            Status::Fail,
            format!(
                "{unresolved} of {} mail servers of {shown} have no address: mail cannot be \
                 delivered to them.",
                hosts.len()
            ),
        )
    };
    finding.with_all(evidence)
}
