//! The technical tables translated for a page: the data of
//! [`indaba_checks::technical`] with ratings and states in words.

use indaba_checks::technical::{AddressRow, ServerTable, Technical};
use indaba_model::Rating;
use indaba_model::observation::{SharedProbe, SharedSource};
use indaba_model::tls::CipherPreference;

use crate::i18n::Tr;
use crate::when::{self, When};

/// A rated value: the value, its rating's word and CSS class.
#[derive(Debug, Clone)]
pub struct Rated {
    /// The value.
    pub value: String,
    /// The rating in words.
    pub rating: String,
    /// `good`, `sufficient`, `phase_out`, `insufficient`.
    pub class: &'static str,
}

/// One TLS server's tables.
#[derive(Debug, Clone)]
pub struct ServerView {
    /// Anchor id.
    pub anchor: String,
    /// Host name.
    pub host: String,
    /// `address:port`.
    pub address: String,
    /// Why TLS was not tested here.
    pub unreached: Option<String>,
    /// Versions: (name, offered in words, rating).
    pub versions: Vec<(Rated, String)>,
    /// Suites: (suite rated, versions).
    pub suites: Vec<(Rated, String)>,
    /// Whose order decides, in words.
    pub preference: Option<String>,
    /// Key-exchange groups.
    pub groups: Vec<Rated>,
    /// DHE parameters.
    pub dhe: Option<Rated>,
    /// The chain, or why none.
    pub chain: Result<Vec<CertView>, String>,
    /// The TLSA name.
    pub dane_name: String,
    /// The TLSA lookup in words.
    pub dane_status: String,
    /// The TLSA records.
    pub dane_records: Vec<String>,
    /// When the TLS scan was made by another test of a monitoring scan and
    /// reused here, who made it, in words.
    pub shared: Option<String>,
}

/// One certificate.
#[derive(Debug, Clone)]
pub struct CertView {
    /// Place in the chain, in words ("server certificate").
    pub role: String,
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// Key with rating.
    pub key: Rated,
    /// Signature with rating.
    pub signature: Rated,
    /// Valid from.
    pub not_before: When,
    /// Valid until.
    pub not_after: When,
    /// SHA-256 fingerprint, hex.
    pub sha256: String,
}

/// One address.
#[derive(Debug, Clone)]
pub struct AddressView {
    /// Host name.
    pub host: String,
    /// Role in words.
    pub role: String,
    /// The address.
    pub address: String,
    /// Ports tried, in words ("443 open").
    pub ports: Vec<String>,
    /// Routes in words, or why unknown.
    pub routes: Result<Vec<(String, String, String)>, String>,
}

fn rated(tr: &Tr<'_>, value: impl Into<String>, rating: Rating) -> Rated {
    Rated {
        value: value.into(),
        rating: tr.m(&rating.to_message()),
        class: rating.as_str(),
    }
}

/// The servers' tables; `shared` are the probes the test reused (the
/// report's `observations.shared`).
pub fn servers(tr: &Tr<'_>, t: &Technical, shared: &[SharedProbe]) -> Vec<ServerView> {
    t.servers
        .iter()
        .enumerate()
        .map(|(i, s)| server(tr, i, s, shared))
        .collect()
}

/// Who made the TLS scan of `address` (`address:port`) when it was shared.
fn shared_note(tr: &Tr<'_>, address: &str, shared: &[SharedProbe]) -> Option<String> {
    let probe = shared.iter().find(|p| {
        p.kind == "tls"
            && p.target
                .split_once(' ')
                .is_some_and(|(target, _)| target == address)
    })?;
    Some(tr.t(match probe.source {
        SharedSource::ThisWorker => "tech-shared-this-worker",
        SharedSource::AnotherWorker => "tech-shared-another-worker",
    }))
}

fn server(tr: &Tr<'_>, index: usize, s: &ServerTable, shared: &[SharedProbe]) -> ServerView {
    ServerView {
        shared: shared_note(tr, &s.address, shared),
        anchor: format!("server-{}", index + 1),
        host: s.host.clone(),
        address: s.address.clone(),
        unreached: s.unreached.as_ref().map(|m| tr.m(m)),
        versions: s
            .versions
            .iter()
            .map(|v| {
                let offered = tr.t(match v.accepted {
                    Some(true) => "tech-offered",
                    Some(false) => "tech-not-offered",
                    None => "tech-unknown",
                });
                (rated(tr, v.name, v.rating), offered)
            })
            .collect(),
        suites: s
            .suites
            .iter()
            .map(|x| (rated(tr, x.name.clone(), x.rating), x.versions.join(", ")))
            .collect(),
        preference: s.preference.map(|p| {
            tr.t(match p {
                CipherPreference::Server => "tech-order-server",
                CipherPreference::Client => "tech-order-client",
                CipherPreference::Undetermined => "tech-order-unknown",
            })
        }),
        groups: s
            .groups
            .iter()
            .map(|g| rated(tr, g.name.clone(), g.rating))
            .collect(),
        dhe: s.dhe.as_ref().map(|d| {
            let value = match d.named {
                Some(bits) => tr.t1("tech-dhe-named", "bits", bits),
                None => tr.t1("tech-dhe-custom", "bits", d.bits),
            };
            rated(tr, value, d.rating)
        }),
        chain: match &s.chain {
            Err(m) => Err(tr.m(m)),
            Ok(certs) => Ok(certs
                .iter()
                .enumerate()
                .map(|(i, c)| CertView {
                    role: if i == 0 {
                        tr.t("tech-cert-leaf")
                    } else {
                        tr.t1("tech-cert-intermediate", "n", i)
                    },
                    subject: c.subject.clone(),
                    issuer: c.issuer.clone(),
                    key: rated(tr, tr.m(&c.key), c.key_rating),
                    signature: rated(tr, c.signature.clone(), c.signature_rating),
                    not_before: when::at(tr, c.not_before),
                    not_after: when::at(tr, c.not_after),
                    sha256: c.sha256.clone(),
                })
                .collect()),
        },
        dane_name: s.dane.name.clone(),
        dane_status: tr.m(&s.dane.status),
        dane_records: s.dane.records.clone(),
    }
}

/// The addresses' table.
pub fn addresses(tr: &Tr<'_>, t: &Technical) -> Vec<AddressView> {
    t.addresses.iter().map(|a| address(tr, a)).collect()
}

fn address(tr: &Tr<'_>, a: &AddressRow) -> AddressView {
    AddressView {
        host: a.host.clone(),
        role: tr.m(&a.role),
        address: a.address.to_string(),
        ports: a
            .ports
            .iter()
            .map(|(port, open)| {
                tr.t1(
                    if *open {
                        "tech-port-open"
                    } else {
                        "tech-port-closed"
                    },
                    "port",
                    port,
                )
            })
            .collect(),
        routes: match &a.routes {
            Err(m) => Err(tr.m(m)),
            Ok(routes) => Ok(routes
                .iter()
                .map(|r| (r.prefix.clone(), r.origin.clone(), tr.m(&r.validity)))
                .collect()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_tls_scan_is_said_on_its_server_only() {
        let catalogue = crate::i18n::Translations::load().unwrap();
        let tr = Tr::new(&catalogue, "en");
        let shared = [
            SharedProbe {
                kind: "tls".into(),
                target: "127.0.52.1:25 starttls mx.provider.pop".into(),
                source: SharedSource::AnotherWorker,
            },
            SharedProbe {
                kind: "tls".into(),
                target: "[2001:db8::1]:25 starttls mx.provider.pop".into(),
                source: SharedSource::ThisWorker,
            },
        ];
        let another = shared_note(&tr, "127.0.52.1:25", &shared).unwrap();
        assert!(another.contains("another worker"), "{another}");
        let this = shared_note(&tr, "[2001:db8::1]:25", &shared).unwrap();
        assert!(this.contains("another domain"), "{this}");
        // Same address, other port; or a prefix of the address: not shared.
        assert_eq!(shared_note(&tr, "127.0.52.1:465", &shared), None);
        assert_eq!(shared_note(&tr, "127.0.52.1:2", &shared), None);
        assert_eq!(shared_note(&tr, "127.0.52.1:25", &[]), None);
    }
}
