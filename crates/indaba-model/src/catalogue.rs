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

    /// The tests that report this category.
    pub fn kinds(self) -> &'static [TestKind] {
        match self {
            Category::Ipv6 | Category::Dnssec | Category::Rpki => BOTH,
            Category::Https | Category::SecurityOptions => WEB,
            Category::MailAuth | Category::Starttls => MAIL,
        }
    }

    /// The message id of the category's title (`category-mail-auth`).
    pub fn title_id(self) -> String {
        format!("category-{}", self.id().replace('_', "-"))
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
    /// The message id of the check's title (`check-web-tls-version`).
    pub fn title_id(&self) -> String {
        format!("check-{}", self.id.replace(['.', '_'], "-"))
    }

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
        standards: &["RFC 6540"],
        level: Level::Required,
        points: 2,
        partial_points: 2,
        guide: ids::WEB_IPV6_SAME_CONTENT,
    },
    CheckSpec {
        id: ids::MAIL_IPV6_ADDRESS,
        category: Category::Ipv6,
        kinds: MAIL,
        standards: &["RFC 8200", "RFC 3596", "RFC 5321"],
        level: Level::Required,
        points: 10,
        partial_points: 2,
        guide: ids::MAIL_IPV6_ADDRESS,
    },
    CheckSpec {
        id: ids::MAIL_IPV6_REACHABLE,
        category: Category::Ipv6,
        kinds: MAIL,
        standards: &["RFC 8200", "RFC 5321"],
        level: Level::Required,
        points: 10,
        partial_points: 2,
        guide: ids::MAIL_IPV6_REACHABLE,
    },
    CheckSpec {
        id: ids::DNSSEC_EXISTS,
        category: Category::Dnssec,
        kinds: BOTH,
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
        standards: &["RFC 4035", "RFC 7672"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_DNSSEC_MX_VALID,
    },
    CheckSpec {
        id: ids::WEB_HTTPS_AVAILABLE,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 9110", "RFC 8446"],
        level: Level::Required,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_HTTPS_AVAILABLE,
    },
    CheckSpec {
        id: ids::WEB_HTTPS_REDIRECT,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 9110", "NCSC-NL web guideline U/WA.05"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_HTTPS_REDIRECT,
    },
    CheckSpec {
        id: ids::WEB_HTTPS_HSTS,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 6797"],
        level: Level::Required,
        points: 10,
        partial_points: 2,
        guide: ids::WEB_HTTPS_HSTS,
    },
    CheckSpec {
        id: ids::WEB_TLS_VERSION,
        category: Category::Https,
        kinds: WEB,
        standards: &["NCSC-NL TLS guidelines 2025-05", "RFC 8996", "RFC 8446"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_VERSION,
    },
    CheckSpec {
        id: ids::WEB_TLS_CIPHERS,
        category: Category::Https,
        kinds: WEB,
        standards: &["NCSC-NL TLS guidelines 2025-05", "RFC 7525"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_CIPHERS,
    },
    CheckSpec {
        id: ids::WEB_TLS_CIPHER_ORDER,
        category: Category::Https,
        kinds: WEB,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_CIPHER_ORDER,
    },
    CheckSpec {
        id: ids::WEB_TLS_KEY_EXCHANGE,
        category: Category::Https,
        kinds: WEB,
        standards: &["NCSC-NL TLS guidelines 2025-05", "RFC 7919", "RFC 8422"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_KEY_EXCHANGE,
    },
    CheckSpec {
        id: ids::WEB_TLS_KEX_HASH,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 9155"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_KEX_HASH,
    },
    CheckSpec {
        id: ids::WEB_TLS_COMPRESSION,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 7457"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_COMPRESSION,
    },
    CheckSpec {
        id: ids::WEB_TLS_SECURE_RENEGOTIATION,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 5746"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_SECURE_RENEGOTIATION,
    },
    CheckSpec {
        id: ids::WEB_TLS_CLIENT_RENEGOTIATION,
        category: Category::Https,
        kinds: WEB,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_TLS_CLIENT_RENEGOTIATION,
    },
    CheckSpec {
        id: ids::WEB_TLS_ZERO_RTT,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 8446", "RFC 8470"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_TLS_ZERO_RTT,
    },
    CheckSpec {
        id: ids::WEB_TLS_OCSP_STAPLING,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 6961"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_TLS_OCSP_STAPLING,
    },
    CheckSpec {
        id: ids::WEB_CERT_TRUST,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 5280"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_CERT_TRUST,
    },
    CheckSpec {
        id: ids::WEB_CERT_PUBLIC_KEY,
        category: Category::Https,
        kinds: WEB,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_CERT_PUBLIC_KEY,
    },
    CheckSpec {
        id: ids::WEB_CERT_SIGNATURE,
        category: Category::Https,
        kinds: WEB,
        standards: &["NCSC-NL TLS guidelines 2025-05", "RFC 9155"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_CERT_SIGNATURE,
    },
    CheckSpec {
        id: ids::WEB_CERT_NAME,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 6125", "RFC 9525"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_CERT_NAME,
    },
    CheckSpec {
        id: ids::WEB_CERT_EXPIRY,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 5280"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_CERT_EXPIRY,
    },
    CheckSpec {
        id: ids::WEB_DANE_EXISTS,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 6698", "RFC 7671"],
        level: Level::Optional,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_DANE_EXISTS,
    },
    CheckSpec {
        id: ids::WEB_DANE_VALID,
        category: Category::Https,
        kinds: WEB,
        standards: &["RFC 6698", "RFC 7671"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_DANE_VALID,
    },
    CheckSpec {
        id: ids::WEB_HEADERS_FRAME_OPTIONS,
        category: Category::SecurityOptions,
        kinds: WEB,
        standards: &["RFC 7034", "CSP Level 3"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_HEADERS_FRAME_OPTIONS,
    },
    CheckSpec {
        id: ids::WEB_HEADERS_CONTENT_TYPE_OPTIONS,
        category: Category::SecurityOptions,
        kinds: WEB,
        standards: &["WHATWG Fetch"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_HEADERS_CONTENT_TYPE_OPTIONS,
    },
    CheckSpec {
        id: ids::WEB_HEADERS_CSP,
        category: Category::SecurityOptions,
        kinds: WEB,
        standards: &["CSP Level 3"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_HEADERS_CSP,
    },
    CheckSpec {
        id: ids::WEB_HEADERS_REFERRER_POLICY,
        category: Category::SecurityOptions,
        kinds: WEB,
        standards: &["W3C Referrer Policy"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_HEADERS_REFERRER_POLICY,
    },
    CheckSpec {
        id: ids::WEB_SECURITY_TXT,
        category: Category::SecurityOptions,
        kinds: WEB,
        standards: &["RFC 9116"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_SECURITY_TXT,
    },
    CheckSpec {
        id: ids::WEB_CAA,
        category: Category::SecurityOptions,
        kinds: WEB,
        standards: &["RFC 8659", "RFC 8657"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::WEB_CAA,
    },
    CheckSpec {
        id: ids::MAIL_SPF_RECORD,
        category: Category::MailAuth,
        kinds: MAIL,
        standards: &["RFC 7208"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_SPF_RECORD,
    },
    CheckSpec {
        id: ids::MAIL_SPF_POLICY,
        category: Category::MailAuth,
        kinds: MAIL,
        standards: &["RFC 7208"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_SPF_POLICY,
    },
    CheckSpec {
        id: ids::MAIL_DKIM_EXISTS,
        category: Category::MailAuth,
        kinds: MAIL,
        standards: &["RFC 6376", "RFC 8020"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_DKIM_EXISTS,
    },
    CheckSpec {
        id: ids::MAIL_DKIM_KEYS,
        category: Category::MailAuth,
        kinds: MAIL,
        standards: &["RFC 6376", "RFC 8301", "RFC 8463"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_DKIM_KEYS,
    },
    CheckSpec {
        id: ids::MAIL_DMARC_RECORD,
        category: Category::MailAuth,
        kinds: MAIL,
        standards: &["RFC 7489"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_DMARC_RECORD,
    },
    CheckSpec {
        id: ids::MAIL_DMARC_POLICY,
        category: Category::MailAuth,
        kinds: MAIL,
        standards: &["RFC 7489"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_DMARC_POLICY,
    },
    CheckSpec {
        id: ids::MAIL_DMARC_DESTINATIONS,
        category: Category::MailAuth,
        kinds: MAIL,
        standards: &["RFC 7489"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_DMARC_DESTINATIONS,
    },
    CheckSpec {
        id: ids::MAIL_MX_RECORDS,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 5321", "RFC 7505"],
        level: Level::Optional,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_MX_RECORDS,
    },
    CheckSpec {
        id: ids::MAIL_STARTTLS_AVAILABLE,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 3207"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_STARTTLS_AVAILABLE,
    },
    CheckSpec {
        id: ids::MAIL_TLS_VERSION,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["NCSC-NL TLS guidelines 2025-05", "RFC 8996"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_TLS_VERSION,
    },
    CheckSpec {
        id: ids::MAIL_TLS_CIPHERS,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_TLS_CIPHERS,
    },
    CheckSpec {
        id: ids::MAIL_TLS_CIPHER_ORDER,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_TLS_CIPHER_ORDER,
    },
    CheckSpec {
        id: ids::MAIL_TLS_KEY_EXCHANGE,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["NCSC-NL TLS guidelines 2025-05", "RFC 7919"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_TLS_KEY_EXCHANGE,
    },
    CheckSpec {
        id: ids::MAIL_TLS_KEX_HASH,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 9155"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_TLS_KEX_HASH,
    },
    CheckSpec {
        id: ids::MAIL_TLS_COMPRESSION,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 7457"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_TLS_COMPRESSION,
    },
    CheckSpec {
        id: ids::MAIL_TLS_SECURE_RENEGOTIATION,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 5746"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_TLS_SECURE_RENEGOTIATION,
    },
    CheckSpec {
        id: ids::MAIL_TLS_CLIENT_RENEGOTIATION,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_TLS_CLIENT_RENEGOTIATION,
    },
    CheckSpec {
        id: ids::MAIL_CERT_TRUST,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 5280"],
        level: Level::Optional,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_CERT_TRUST,
    },
    CheckSpec {
        id: ids::MAIL_CERT_PUBLIC_KEY,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_CERT_PUBLIC_KEY,
    },
    CheckSpec {
        id: ids::MAIL_CERT_SIGNATURE,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["NCSC-NL TLS guidelines 2025-05"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_CERT_SIGNATURE,
    },
    CheckSpec {
        id: ids::MAIL_CERT_NAME,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 6125", "RFC 7672"],
        level: Level::Optional,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_CERT_NAME,
    },
    CheckSpec {
        id: ids::MAIL_DANE_EXISTS,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 7672", "RFC 6698"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_DANE_EXISTS,
    },
    CheckSpec {
        id: ids::MAIL_DANE_VALID,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 7672", "RFC 7671"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_DANE_VALID,
    },
    CheckSpec {
        id: ids::MAIL_DANE_ROLLOVER,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 7671"],
        level: Level::Optional,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_DANE_ROLLOVER,
    },
    CheckSpec {
        id: ids::MAIL_MTA_STS,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 8461"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_MTA_STS,
    },
    CheckSpec {
        id: ids::MAIL_TLS_RPT,
        category: Category::Starttls,
        kinds: MAIL,
        standards: &["RFC 8460"],
        level: Level::Recommended,
        points: 0,
        partial_points: 0,
        guide: ids::MAIL_TLS_RPT,
    },
    CheckSpec {
        id: ids::WEB_RPKI_EXISTS,
        category: Category::Rpki,
        kinds: WEB,
        standards: &["RFC 6480", "RFC 6811"],
        level: Level::Required,
        points: 5,
        partial_points: 0,
        guide: ids::WEB_RPKI_EXISTS,
    },
    CheckSpec {
        id: ids::WEB_RPKI_VALID,
        category: Category::Rpki,
        kinds: WEB,
        standards: &["RFC 6811"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::WEB_RPKI_VALID,
    },
    CheckSpec {
        id: ids::MAIL_RPKI_EXISTS,
        category: Category::Rpki,
        kinds: MAIL,
        standards: &["RFC 6480", "RFC 6811"],
        level: Level::Required,
        points: 5,
        partial_points: 0,
        guide: ids::MAIL_RPKI_EXISTS,
    },
    CheckSpec {
        id: ids::MAIL_RPKI_VALID,
        category: Category::Rpki,
        kinds: MAIL,
        standards: &["RFC 6811"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::MAIL_RPKI_VALID,
    },
    CheckSpec {
        id: ids::NS_RPKI_EXISTS,
        category: Category::Rpki,
        kinds: BOTH,
        standards: &["RFC 6480", "RFC 6811"],
        level: Level::Required,
        points: 5,
        partial_points: 0,
        guide: ids::NS_RPKI_EXISTS,
    },
    CheckSpec {
        id: ids::NS_RPKI_VALID,
        category: Category::Rpki,
        kinds: BOTH,
        standards: &["RFC 6811"],
        level: Level::Required,
        points: 10,
        partial_points: 0,
        guide: ids::NS_RPKI_VALID,
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
    /// Every MX host's IPv6 address answers SMTP on port 25.
    pub const MAIL_IPV6_REACHABLE: &str = "mail.ipv6.reachable";
    /// The domain's zone is signed.
    pub const DNSSEC_EXISTS: &str = "dns.dnssec.exists";
    /// The domain's records validate from the trust anchor.
    pub const DNSSEC_VALID: &str = "dns.dnssec.valid";
    /// Every MX host's records validate.
    pub const MAIL_DNSSEC_MX_VALID: &str = "mail.dnssec.mx_valid";
    /// Every A/AAAA address accepts a TLS connection on 443.
    pub const WEB_HTTPS_AVAILABLE: &str = "web.https.available";
    /// Plain HTTP first redirects to HTTPS on the same host.
    pub const WEB_HTTPS_REDIRECT: &str = "web.https.redirect";
    /// Every address sends a valid Strict-Transport-Security header of at least a year.
    pub const WEB_HTTPS_HSTS: &str = "web.https.hsts";
    /// No TLS version below 1.2 is offered.
    pub const WEB_TLS_VERSION: &str = "web.tls.version";
    /// Every cipher suite offered is good or sufficient.
    pub const WEB_TLS_CIPHERS: &str = "web.tls.ciphers";
    /// The server picks good and sufficient suites over phase-out ones.
    pub const WEB_TLS_CIPHER_ORDER: &str = "web.tls.cipher_order";
    /// ECDHE curves and DHE groups are secure; no RSA key exchange.
    pub const WEB_TLS_KEY_EXCHANGE: &str = "web.tls.key_exchange";
    /// SHA-1 is not accepted for key-exchange signatures.
    pub const WEB_TLS_KEX_HASH: &str = "web.tls.kex_hash";
    /// TLS compression is off (CRIME).
    pub const WEB_TLS_COMPRESSION: &str = "web.tls.compression";
    /// The server supports secure renegotiation.
    pub const WEB_TLS_SECURE_RENEGOTIATION: &str = "web.tls.secure_renegotiation";
    /// The server refuses client-initiated renegotiation.
    pub const WEB_TLS_CLIENT_RENEGOTIATION: &str = "web.tls.client_renegotiation";
    /// The server does not accept 0-RTT early data.
    pub const WEB_TLS_ZERO_RTT: &str = "web.tls.zero_rtt";
    /// The server staples a valid OCSP response.
    pub const WEB_TLS_OCSP_STAPLING: &str = "web.tls.ocsp_stapling";
    /// The presented chain leads to a trusted root.
    pub const WEB_CERT_TRUST: &str = "web.cert.trust";
    /// RSA and EC keys in the chain meet the guidelines.
    pub const WEB_CERT_PUBLIC_KEY: &str = "web.cert.public_key";
    /// No chain certificate is signed with SHA-1 or MD5.
    pub const WEB_CERT_SIGNATURE: &str = "web.cert.signature";
    /// The leaf certificate names the host.
    pub const WEB_CERT_NAME: &str = "web.cert.name";
    /// The leaf certificate is valid now and for 14 days more.
    pub const WEB_CERT_EXPIRY: &str = "web.cert.expiry";
    /// A TLSA record exists at _443._tcp of the host and is DNSSEC-secure.
    pub const WEB_DANE_EXISTS: &str = "web.dane.exists";
    /// The TLSA records match the chain the server presents.
    pub const WEB_DANE_VALID: &str = "web.dane.valid";
    /// X-Frame-Options DENY/SAMEORIGIN or CSP frame-ancestors.
    pub const WEB_HEADERS_FRAME_OPTIONS: &str = "web.headers.frame_options";
    /// X-Content-Type-Options: nosniff.
    pub const WEB_HEADERS_CONTENT_TYPE_OPTIONS: &str = "web.headers.content_type_options";
    /// A CSP without unsafe-inline, unsafe-eval, http: or * sources, with default-src.
    pub const WEB_HEADERS_CSP: &str = "web.headers.csp";
    /// A Referrer-Policy that does not leak the URL to other sites.
    pub const WEB_HEADERS_REFERRER_POLICY: &str = "web.headers.referrer_policy";
    /// A valid /.well-known/security.txt over HTTPS.
    pub const WEB_SECURITY_TXT: &str = "web.security_txt.valid";
    /// CAA records at the closest enclosing name, valid, with an issue tag.
    pub const WEB_CAA: &str = "web.caa.valid";
    /// Exactly one SPF record, syntactically valid and within the lookup limits.
    pub const MAIL_SPF_RECORD: &str = "mail.spf.record";
    /// The evaluated SPF policy is strict enough.
    pub const MAIL_SPF_POLICY: &str = "mail.spf.policy";
    /// _domainkey exists (NOERROR, not NXDOMAIN).
    pub const MAIL_DKIM_EXISTS: &str = "mail.dkim.exists";
    /// Each given selector's key record is valid and strong.
    pub const MAIL_DKIM_KEYS: &str = "mail.dkim.keys";
    /// Exactly one valid DMARC record at the domain or its organisational domain.
    pub const MAIL_DMARC_RECORD: &str = "mail.dmarc.record";
    /// The DMARC policy protects: quarantine or reject.
    pub const MAIL_DMARC_POLICY: &str = "mail.dmarc.policy";
    /// External rua/ruf domains publish the authorisation record of RFC 7489 section 7.1.
    pub const MAIL_DMARC_DESTINATIONS: &str = "mail.dmarc.destinations";
    /// MX records present and resolvable, or a null MX.
    pub const MAIL_MX_RECORDS: &str = "mail.mx.records";
    /// Every MX address offers STARTTLS.
    pub const MAIL_STARTTLS_AVAILABLE: &str = "mail.starttls.available";
    /// No TLS version below 1.2 is offered.
    pub const MAIL_TLS_VERSION: &str = "mail.tls.version";
    /// Every cipher suite offered is good or sufficient.
    pub const MAIL_TLS_CIPHERS: &str = "mail.tls.ciphers";
    /// The server picks good and sufficient suites over phase-out ones.
    pub const MAIL_TLS_CIPHER_ORDER: &str = "mail.tls.cipher_order";
    /// ECDHE curves and DHE groups are secure; no RSA key exchange.
    pub const MAIL_TLS_KEY_EXCHANGE: &str = "mail.tls.key_exchange";
    /// SHA-1 is not accepted for key-exchange signatures.
    pub const MAIL_TLS_KEX_HASH: &str = "mail.tls.kex_hash";
    /// TLS compression is off.
    pub const MAIL_TLS_COMPRESSION: &str = "mail.tls.compression";
    /// The server supports secure renegotiation.
    pub const MAIL_TLS_SECURE_RENEGOTIATION: &str = "mail.tls.secure_renegotiation";
    /// The server refuses client-initiated renegotiation.
    pub const MAIL_TLS_CLIENT_RENEGOTIATION: &str = "mail.tls.client_renegotiation";
    /// The chain leads to a trusted root (information where DANE authenticates).
    pub const MAIL_CERT_TRUST: &str = "mail.cert.trust";
    /// RSA and EC keys in the chain meet the guidelines.
    pub const MAIL_CERT_PUBLIC_KEY: &str = "mail.cert.public_key";
    /// No chain certificate is signed with SHA-1 or MD5.
    pub const MAIL_CERT_SIGNATURE: &str = "mail.cert.signature";
    /// The leaf certificate names the MX host.
    pub const MAIL_CERT_NAME: &str = "mail.cert.name";
    /// A DNSSEC-secure TLSA record at _25._tcp of every MX.
    pub const MAIL_DANE_EXISTS: &str = "mail.dane.exists";
    /// The TLSA records match what each MX presents.
    pub const MAIL_DANE_VALID: &str = "mail.dane.valid";
    /// Two TLSA records (current and next), or 3 1 1 with 2 1 1.
    pub const MAIL_DANE_ROLLOVER: &str = "mail.dane.rollover";
    /// A valid _mta-sts record and policy over valid HTTPS, matching every MX.
    pub const MAIL_MTA_STS: &str = "mail.mta_sts.valid";
    /// A valid _smtp._tls record with mailto: or https: destinations.
    pub const MAIL_TLS_RPT: &str = "mail.tls_rpt.valid";
    /// Every route to a web server address is covered by a ROA.
    pub const WEB_RPKI_EXISTS: &str = "web.rpki.exists";
    /// No route to a web server address is RPKI-invalid.
    pub const WEB_RPKI_VALID: &str = "web.rpki.valid";
    /// Every route to an MX address is covered by a ROA.
    pub const MAIL_RPKI_EXISTS: &str = "mail.rpki.exists";
    /// No route to an MX address is RPKI-invalid.
    pub const MAIL_RPKI_VALID: &str = "mail.rpki.valid";
    /// Every route to a name server address is covered by a ROA.
    pub const NS_RPKI_EXISTS: &str = "dns.rpki.exists";
    /// No route to a name server address is RPKI-invalid.
    pub const NS_RPKI_VALID: &str = "dns.rpki.valid";
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
        for cat in Category::ALL {
            for &kind in cat.kinds() {
                assert!(
                    checks_for(kind).any(|c| c.category == cat),
                    "{kind:?} has no check in {cat:?}"
                );
            }
        }
    }
}
