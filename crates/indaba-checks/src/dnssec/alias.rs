//! The aliases an answer follows: CNAME records (RFC 1034 §3.6.2) and DNAME
//! redirections (RFC 6672), read from the answer section in order from the
//! name asked for to the name whose records answer it.
//!
//! Validation goes link by link (RFC 4035 §5): each link lives in a zone of
//! its own, which may be signed or not, so the answer is only as secure as
//! its weakest link. A DNAME's CNAME is synthesised by the server and
//! unsigned; it is trusted when it is exactly what the signed DNAME implies
//! (RFC 6672 §5.3.3), so this module works that out.

use hickory_proto::rr::{Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::{BinDecodable, BinDecoder};
use indaba_model::{Message, ToMessage, msg};

/// Longest alias chain followed (RFC 1034 allows chains; resolvers stop
/// well before this).
pub const MAX_LINKS: usize = 16;

/// How one name leads to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A CNAME record owned by the name.
    Cname,
    /// A DNAME record owned by this ancestor of the name.
    Dname {
        /// The DNAME record's owner.
        owner: Name,
    },
}

/// One step of an alias chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The name that is an alias.
    pub from: Name,
    /// The name it stands for.
    pub to: Name,
    /// The record that says so.
    pub via: Via,
}

impl Link {
    /// The owner of the record that makes the link.
    pub fn record_owner(&self) -> &Name {
        match &self.via {
            Via::Cname => &self.from,
            Via::Dname { owner } => owner,
        }
    }

    /// The link as DNS data: `www.a.test. CNAME b.test.` or
    /// `a.test. DNAME b.test. (www.a.test. → www.b.test.)`.
    pub fn text(&self) -> String {
        match &self.via {
            Via::Cname => format!("{} CNAME {}", self.from, self.to),
            Via::Dname { owner } => {
                let target = dname_target_of(owner, &self.from, &self.to)
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                format!("{owner} DNAME {target} ({} → {})", self.from, self.to)
            }
        }
    }
}

/// The DNAME target that turns `from` (under `owner`) into `to`.
fn dname_target_of(owner: &Name, from: &Name, to: &Name) -> Option<Name> {
    let prefix = usize::from(from.num_labels()).checked_sub(usize::from(owner.num_labels()))?;
    let keep = usize::from(to.num_labels()).checked_sub(prefix)?;
    Some(to.trim_to(keep))
}

/// The aliases followed from a name to its final target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasChain {
    /// The links, in order.
    pub links: Vec<Link>,
    /// The name at the end: the asked name when there is no alias.
    pub target: Name,
}

impl AliasChain {
    /// Whether `record` is the CNAME a server synthesised for one of the
    /// chain's DNAME links (unsigned by nature, vouched for by the DNAME).
    pub fn synthesised(&self, record: &Record) -> bool {
        let RData::CNAME(target) = &record.data else {
            return false;
        };
        self.links.iter().any(|l| {
            matches!(l.via, Via::Dname { .. }) && l.from == record.name && l.to == target.0
        })
    }
}

/// Why an alias chain cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AliasError {
    /// A name comes back.
    #[error("the aliases of {name} form a loop")]
    Loop {
        /// The name asked for.
        name: String,
    },
    /// More than [`MAX_LINKS`] links.
    #[error("{name} is an alias chain longer than {MAX_LINKS} names")]
    TooLong {
        /// The name asked for.
        name: String,
    },
    /// A DNAME substitution longer than a DNS name may be (RFC 6672 §2.2:
    /// YXDOMAIN).
    #[error("the DNAME at {owner} makes {name} longer than a DNS name may be")]
    Overflow {
        /// The DNAME's owner.
        owner: String,
        /// The name it would rewrite.
        name: String,
    },
}

impl ToMessage for AliasError {
    fn to_message(&self) -> Message {
        match self {
            AliasError::Loop { name } => msg!("dnssec-alias-loop", name = name.as_str()),
            AliasError::TooLong { name } => msg!(
                "dnssec-alias-too-long",
                name = name.as_str(),
                limit = MAX_LINKS
            ),
            AliasError::Overflow { owner, name } => msg!(
                "dnssec-alias-overflow",
                owner = owner.as_str(),
                name = name.as_str()
            ),
        }
    }
}

/// Follows the aliases from `name` through `answers` (an answer section).
pub fn follow(answers: &[Record], name: &Name) -> Result<AliasChain, AliasError> {
    let mut links: Vec<Link> = Vec::new();
    let mut current = name.to_lowercase();
    loop {
        let next = dname_step(answers, &current)?.or_else(|| cname_step(answers, &current));
        let Some(link) = next else {
            return Ok(AliasChain {
                links,
                target: current,
            });
        };
        if link.to == *name || links.iter().any(|l| l.to == link.to) {
            return Err(AliasError::Loop {
                name: name.to_string(),
            });
        }
        if links.len() >= MAX_LINKS {
            return Err(AliasError::TooLong {
                name: name.to_string(),
            });
        }
        current = link.to.clone();
        links.push(link);
    }
}

fn cname_step(answers: &[Record], current: &Name) -> Option<Link> {
    answers.iter().find_map(|r| match &r.data {
        RData::CNAME(target) if r.name == *current => Some(Link {
            from: current.clone(),
            to: target.0.to_lowercase(),
            via: Via::Cname,
        }),
        _ => None,
    })
}

/// The target of a DNAME record. hickory-proto keeps DNAME as an unknown
/// type, so its RDATA (one uncompressed name: RFC 6672 §2.5) is read here.
pub fn dname_target(record: &Record) -> Option<Name> {
    match &record.data {
        RData::Unknown { code, rdata } if *code == RecordType::DNAME => {
            let mut decoder = BinDecoder::new(&rdata.anything);
            let name = Name::read(&mut decoder).ok()?;
            decoder.is_empty().then_some(name)
        }
        _ => None,
    }
}

/// The DNAME redirection of `current`: a DNAME owned by a proper ancestor
/// (RFC 6672 §2.3: it redirects the names below its owner, not the owner).
fn dname_step(answers: &[Record], current: &Name) -> Result<Option<Link>, AliasError> {
    let found = answers.iter().find_map(|r| {
        let target = dname_target(r)?;
        (r.name.zone_of(current) && r.name.num_labels() < current.num_labels())
            .then(|| (r.name.to_lowercase(), target.to_lowercase()))
    });
    let Some((owner, target)) = found else {
        return Ok(None);
    };
    let keep = usize::from(current.num_labels() - owner.num_labels());
    let overflow = || AliasError::Overflow {
        owner: owner.to_string(),
        name: current.to_string(),
    };
    let prefix = Name::from_labels(current.iter().take(keep)).map_err(|_| overflow())?;
    let to = prefix.append_name(&target).map_err(|_| overflow())?;
    Ok(Some(Link {
        from: current.clone(),
        to: to.to_lowercase(),
        via: Via::Dname { owner },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dnssec::fixtures::{address, cname, dname, name};

    #[test]
    fn no_alias_ends_where_it_starts() {
        let a = address("www.a.test.", "192.0.2.1");
        let chain = follow(&[a], &name("www.a.test.")).unwrap();
        assert!(chain.links.is_empty());
        assert_eq!(chain.target, name("www.a.test."));
    }

    #[test]
    fn cnames_are_followed_in_order_whatever_the_record_order() {
        let records = [
            cname("b.test.", "c.example."),
            cname("www.a.test.", "b.test."),
        ];
        let chain = follow(&records, &name("WWW.a.test.")).unwrap();
        assert_eq!(chain.links.len(), 2);
        assert_eq!(chain.links[0].from, name("www.a.test."));
        assert_eq!(chain.target, name("c.example."));
        assert_eq!(chain.links[0].text(), "www.a.test. CNAME b.test.");
    }

    #[test]
    fn a_dname_rewrites_the_names_below_it_and_vouches_for_its_cname() {
        let dname = dname("alias.d.test.", "signed.test.");
        assert_eq!(dname_target(&dname), Some(name("signed.test.")));
        let synthesised = cname("www.alias.d.test.", "www.signed.test.");
        let chain = follow(
            &[dname.clone(), synthesised.clone()],
            &name("www.alias.d.test."),
        )
        .unwrap();
        assert_eq!(chain.target, name("www.signed.test."));
        assert_eq!(
            chain.links[0].via,
            Via::Dname {
                owner: name("alias.d.test.")
            }
        );
        assert!(chain.synthesised(&synthesised));
        assert!(!chain.synthesised(&cname("www.alias.d.test.", "elsewhere.test.")));
        assert_eq!(
            chain.links[0].text(),
            "alias.d.test. DNAME signed.test. (www.alias.d.test. → www.signed.test.)"
        );
        // The owner itself is not redirected.
        let chain = follow(&[dname], &name("alias.d.test.")).unwrap();
        assert!(chain.links.is_empty());
    }

    #[test]
    fn loops_and_endless_chains_are_errors() {
        let records = [cname("a.test.", "b.test."), cname("b.test.", "a.test.")];
        assert!(matches!(
            follow(&records, &name("a.test.")),
            Err(AliasError::Loop { .. })
        ));
        let long: Vec<Record> = (0..40)
            .map(|i| cname(&format!("n{i}.test."), &format!("n{}.test.", i + 1)))
            .collect();
        assert!(matches!(
            follow(&long, &name("n0.test.")),
            Err(AliasError::TooLong { .. })
        ));
        // A DNAME onto a name below itself rewrites forever: a loop, not a hang.
        let selfish = dname("d.test.", "x.d.test.");
        assert!(follow(&[selfish], &name("a.d.test.")).is_err());
    }

    proptest::proptest! {
        /// Any graph of CNAME and DNAME records over a few names: an answer
        /// or an error, never a panic, never more than MAX_LINKS links.
        #[test]
        fn any_alias_graph_is_followed_in_bounds(
            edges in proptest::collection::vec((0usize..6, 0usize..6, proptest::bool::ANY), 0..12),
            start in 0usize..6,
        ) {
            let names = ["a.test.", "b.a.test.", "c.test.", "d.c.test.", "x.d.c.test.", "test."];
            let records: Vec<Record> = edges
                .iter()
                .map(|(from, to, is_dname)| {
                    if *is_dname {
                        dname(names[*from], names[*to])
                    } else {
                        cname(names[*from], names[*to])
                    }
                })
                .collect();
            if let Ok(chain) = follow(&records, &name(names[start])) {
                proptest::prop_assert!(chain.links.len() <= MAX_LINKS);
            }
        }
    }
}
