//! The check catalogue: every check Indaba knows, in one table.
//!
//! The CLI (`indaba checks`), the report, the web pages and the guides all read
//! this table; a check that is not here does not exist. Ids are stable: once
//! published, an id keeps its meaning (internet.nl users asked for exactly this,
//! internet.nl issue #1678).

use serde::Serialize;

use crate::report::TestKind;

/// A category groups checks in a report and is scored as one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// IPv6 for name servers, web and mail servers.
    Ipv6,
    /// DNSSEC for the domain and the mail servers' domains.
    Dnssec,
    /// HTTPS for websites: TLS, certificate, DANE, HSTS, redirect.
    Https,
    /// Security options of a website: headers, security.txt, CAA.
    SecurityOptions,
    /// Authenticity marks of a mail domain: SPF, DKIM, DMARC.
    MailAuth,
    /// Transport security of mail: STARTTLS, TLS, certificate, DANE, MTA-STS, TLS-RPT.
    Starttls,
    /// Routing security: route origin validation (RPKI) for every address tested.
    Rpki,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 7] = [
        Category::Ipv6,
        Category::Dnssec,
        Category::Https,
        Category::SecurityOptions,
        Category::MailAuth,
        Category::Starttls,
        Category::Rpki,
    ];

    /// The identifier used in JSON and URLs.
    pub fn id(self) -> &'static str {
        match self {
            Category::Ipv6 => "ipv6",
            Category::Dnssec => "dnssec",
            Category::Https => "https",
            Category::SecurityOptions => "security_options",
            Category::MailAuth => "mail_auth",
            Category::Starttls => "starttls",
            Category::Rpki => "rpki",
        }
    }

    /// The key of the category's title in the translation catalogue.
    pub fn title(self) -> &'static str {
        match self {
            Category::Ipv6 => "IPv6",
            Category::Dnssec => "DNSSEC",
            Category::Https => "HTTPS",
            Category::SecurityOptions => "Security options",
            Category::MailAuth => "Authenticity marks (SPF, DKIM, DMARC)",
            Category::Starttls => "STARTTLS, DANE and MTA-STS",
            Category::Rpki => "Route origin validation (RPKI)",
        }
    }
}

/// How much a check weighs, after internet.nl's "worst status" levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Counts for the score and can fail.
    Required,
    /// Can warn; does not count for the score.
    Recommended,
    /// Informs only.
    Optional,
}

/// One check of the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct CheckSpec {
    /// Stable identifier, `area.topic.aspect`.
    pub id: &'static str,
    /// The category it is reported and scored in.
    pub category: Category,
    /// Which tests run it.
    pub kinds: &'static [TestKind],
    /// A one-line title.
    pub title: &'static str,
    /// The standards it refers to.
    pub standards: &'static [&'static str],
    /// Its weight.
    pub level: Level,
    /// Points when it passes (scoring policy; 0 for a gate that only fails).
    pub points: u32,
    /// Points when it passes only in part (a check says so in its finding).
    pub partial_points: u32,
    /// The guide page that explains it; the same as the id.
    pub guide: &'static str,
}

impl CheckSpec {
    /// Whether the check counts for the score.
    pub fn scored(&self) -> bool {
        self.level == Level::Required
    }
}

const WEB: &[TestKind] = &[TestKind::Web];
const MAIL: &[TestKind] = &[TestKind::Mail];
const BOTH: &[TestKind] = &[TestKind::Web, TestKind::Mail];

/// Every check, in report order.
pub static CATALOGUE: &[CheckSpec] = &[
    CheckSpec {
        id: ids::NS_IPV6,
        category: Category::Ipv6,
        kinds: BOTH,
        title: "Name servers reachable over IPv6",
        standards: &["RFC 3901", "RFC 4291"],
        level: Level::Required,
        points: 10,
        partial_points: 2,
        guide: ids::NS_IPV6,
    },
    CheckSpec {
        id: ids::WEB_IPV6_ADDRESS,
        category: Category::Ipv6,
        kinds: WEB,
        title: "Web server has an IPv6 address",
        standards: &["RFC 8200", "RFC 3596"],
        level: Level::Required,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_IPV6_ADDRESS,
    },
    CheckSpec {
        id: ids::WEB_IPV6_REACHABLE,
        category: Category::Ipv6,
        kinds: WEB,
        title: "Web server reachable over IPv6 on ports 80 and 443",
        standards: &["RFC 8200"],
        level: Level::Required,
        points: 10,
        partial_points: 2,
        guide: ids::WEB_IPV6_REACHABLE,
    },
    CheckSpec {
        id: ids::WEB_IPV6_SAME_CONTENT,
        category: Category::Ipv6,
        kinds: WEB,
        title: "Same website over IPv4 and IPv6",
        standards: &["RFC 6540"],
        level: Level::Required,
        points: 2,
        partial_points: 0,
        guide: ids::WEB_IPV6_SAME_CONTENT,
    },
    CheckSpec {
        id: ids::MAIL_IPV6_ADDRESS,
        category: Category::Ipv6,
        kinds: MAIL,
        title: "Every mail server (MX) has an IPv6 address",
        standards: &["RFC 8200", "RFC 3596", "RFC 5321"],
        level: Level::Required,
        points: 10,
        partial_points: 2,
        guide: ids::MAIL_IPV6_ADDRESS,
    },
    CheckSpec {
        id: ids::DNSSEC_EXISTS,
        category: Category::Dnssec,
        kinds: BOTH,
        title: "Domain is signed with DNSSEC",
        standards: &["RFC 4033", "RFC 4034", "RFC 4035"],
        level: Level::Required,
        points: 0,
        partial_points: 0,
        guide: ids::DNSSEC_EXISTS,
    },
    CheckSpec {
        id: ids::DNSSEC_VALID,
        category: Category::Dnssec,
        kinds: BOTH,
        title: "DNSSEC signatures validate from the root",
        standards: &["RFC 4033", "RFC 4035", "RFC 5155", "RFC 6840"],
        level: Level::Required,
        points: 10,
        partial_points: 2,
        guide: ids::DNSSEC_VALID,
    },
    CheckSpec {
        id: ids::MAIL_DNSSEC_MX_VALID,
        category: Category::Dnssec,
        kinds: MAIL,
        title: "Mail servers' domains are signed and validate",
        standards: &["RFC 4035", "RFC 7672"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_DNSSEC_MX_VALID,
    },
];

/// The ids of the checks, as constants so a typo is a compile error.
pub mod ids {
    /// At least two name servers with AAAA, each answering over IPv6.
    pub const NS_IPV6: &str = "dns.ns.ipv6";
    /// The web host has an AAAA record.
    pub const WEB_IPV6_ADDRESS: &str = "web.ipv6.address";
    /// Every AAAA accepts connections on 80 and 443.
    pub const WEB_IPV6_REACHABLE: &str = "web.ipv6.reachable";
    /// IPv4 and IPv6 serve the same site.
    pub const WEB_IPV6_SAME_CONTENT: &str = "web.ipv6.same_content";
    /// Every MX host has an AAAA record.
    pub const MAIL_IPV6_ADDRESS: &str = "mail.ipv6.address";
    /// The domain's zone is signed.
    pub const DNSSEC_EXISTS: &str = "dns.dnssec.exists";
    /// The domain's records validate from the trust anchor.
    pub const DNSSEC_VALID: &str = "dns.dnssec.valid";
    /// Every MX host's records validate.
    pub const MAIL_DNSSEC_MX_VALID: &str = "mail.dnssec.mx_valid";
}

/// Looks a check up by id.
pub fn check(id: &str) -> Option<&'static CheckSpec> {
    CATALOGUE.iter().find(|c| c.id == id)
}

/// The checks a test of `kind` runs, in report order.
pub fn checks_for(kind: TestKind) -> impl Iterator<Item = &'static CheckSpec> {
    CATALOGUE.iter().filter(move |c| c.kinds.contains(&kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in CATALOGUE {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(
                c.id.split('.').count() >= 3
                    && c.id.chars().all(|ch| ch.is_ascii_lowercase()
                        || ch == '.'
                        || ch == '_'
                        || ch.is_ascii_digit()),
                "malformed id {}",
                c.id
            );
            assert!(!c.standards.is_empty(), "{} names no standard", c.id);
            assert!(!c.kinds.is_empty(), "{} belongs to no test", c.id);
            assert!(c.partial_points <= c.points, "{} partial above full", c.id);
            if c.level != Level::Required {
                assert_eq!(c.points, 0, "{} unscored but has points", c.id);
            }
        }
    }

    #[test]
    fn every_category_of_a_kind_has_a_check() {
        for kind in [TestKind::Web, TestKind::Mail] {
            for cat in Category::ALL {
                assert!(
                    checks_for(kind).any(|c| c.category == cat),
                    "{kind:?} has no check in {cat:?}"
                );
            }
        }
    }
}
