//! The one table between our checks and internet.nl's batch API: its
//! categories, sections and test names (taken from internet.nl's
//! `interface/batch/__init__.py`, commit cec0e01, as data), which of our
//! checks and categories answers each, and how our statuses read in its
//! vocabulary. Results, `metadata/report` and the documented table
//! (`crates/indaba-web/batch-mapping.md`, checked against this module by a
//! test) are all read from here. Pure: no IO.
//!
//! Verdicts: internet.nl's are keys into its own translation files; ours
//! are our status words (`pass`, `fail`, `warning`, `info`,
//! `not_applicable`, `not_tested`, `error`), and `metadata/report` says
//! which of them each of its statuses carries.

use indaba_model::catalogue::{CATALOGUE, Category, ids};
use indaba_model::{Status, TestKind};

/// One of internet.nl's result categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryMap {
    /// internet.nl's name (`web_https`).
    pub name: &'static str,
    /// The test it belongs to.
    pub kind: TestKind,
    /// Our category that answers it.
    pub ours: Category,
    /// internet.nl's translation key.
    pub translation_key: &'static str,
}

/// A section of internet.nl's report (a heading between a category and its
/// tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionMap {
    /// internet.nl's name.
    pub name: &'static str,
    /// The category it is in.
    pub category: &'static str,
    /// internet.nl's translation key.
    pub translation_key: &'static str,
}

/// One of internet.nl's tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestMap {
    /// internet.nl's name (`web_https_tls_version`).
    pub name: &'static str,
    /// The section (or, when it has none, the category) it is in.
    pub parent: &'static str,
    /// internet.nl's translation key.
    pub translation_key: &'static str,
    /// Our check that answers it; `None`: no counterpart, left out of
    /// results.
    pub ours: Option<&'static str>,
    /// Why, where the match is not one to one.
    pub note: &'static str,
}

const fn cat(
    name: &'static str,
    kind: TestKind,
    ours: Category,
    translation_key: &'static str,
) -> CategoryMap {
    CategoryMap {
        name,
        kind,
        ours,
        translation_key,
    }
}

const fn sec(
    name: &'static str,
    category: &'static str,
    translation_key: &'static str,
) -> SectionMap {
    SectionMap {
        name,
        category,
        translation_key,
    }
}

const fn t(
    name: &'static str,
    parent: &'static str,
    translation_key: &'static str,
    ours: Option<&'static str>,
    note: &'static str,
) -> TestMap {
    TestMap {
        name,
        parent,
        translation_key,
        ours,
        note,
    }
}

use TestKind::{Mail, Web};

/// internet.nl's categories, in its report order.
pub static CATEGORIES: &[CategoryMap] = &[
    cat("web_ipv6", Web, Category::Ipv6, "siteipv6"),
    cat("web_dnssec", Web, Category::Dnssec, "sitednssec"),
    cat("web_https", Web, Category::Https, "sitetls"),
    cat(
        "web_appsecpriv",
        Web,
        Category::SecurityOptions,
        "siteappsecpriv",
    ),
    cat("web_rpki", Web, Category::Rpki, "siterpki"),
    cat("mail_ipv6", Mail, Category::Ipv6, "mailipv6"),
    cat("mail_dnssec", Mail, Category::Dnssec, "maildnssec"),
    cat("mail_auth", Mail, Category::MailAuth, "mailauth"),
    cat("mail_starttls", Mail, Category::Starttls, "mailtls"),
    cat("mail_rpki", Mail, Category::Rpki, "mailrpki"),
];

/// internet.nl's sections, in its report order.
pub static SECTIONS: &[SectionMap] = &[
    sec(
        "web_ipv6_nameservers",
        "web_ipv6",
        "domain-mail ipv6 name-servers",
    ),
    sec("web_ipv6_webserver", "web_ipv6", "domain ipv6 web-server"),
    sec("web_https_http", "web_https", "domain tls https"),
    sec("web_https_tls", "web_https", "domain tls tls"),
    sec(
        "web_https_certificate",
        "web_https",
        "domain-mail tls certificate",
    ),
    sec("web_https_dane", "web_https", "domain-mail tls dane"),
    sec(
        "web_appsecpriv_http_headers",
        "web_appsecpriv",
        "domain appsecpriv http-headers",
    ),
    sec("web_rpki", "web_rpki", "domain rpki web-server"),
    sec("web_ns_rpki", "web_rpki", "domain-mail rpki name-servers"),
    sec(
        "mail_ipv6_nameservers",
        "mail_ipv6",
        "domain-mail ipv6 name-servers",
    ),
    sec(
        "mail_ipv6_mailserver",
        "mail_ipv6",
        "mail ipv6 mail-servers",
    ),
    sec("mail_dnssec_domain", "mail_dnssec", "mail dnssec domain"),
    sec(
        "mail_dnssec_mailservers",
        "mail_dnssec",
        "mail dnssec mail-servers",
    ),
    sec("mail_auth_dmarc", "mail_auth", "mail auth dmarc"),
    sec("mail_auth_dkim", "mail_auth", "mail auth dkim"),
    sec("mail_auth_spf", "mail_auth", "mail auth spf"),
    sec("mail_starttls_tls", "mail_starttls", "mail tls starttls"),
    sec(
        "mail_starttls_certificate",
        "mail_starttls",
        "domain-mail tls certificate",
    ),
    sec(
        "mail_starttls_dane",
        "mail_starttls",
        "domain-mail tls dane",
    ),
    sec("mail_rpki", "mail_rpki", "mail rpki mail-servers"),
    sec("mail_ns_rpki", "mail_rpki", "domain-mail rpki name-servers"),
    sec(
        "mail_mx_ns_rpki",
        "mail_rpki",
        "domain-mail rpki mx-name-servers",
    ),
];

const NS_BOTH: &str =
    "our one check covers both the name servers' IPv6 addresses and their reachability over IPv6";
const NOT_TESTED_BY_US: &str = "not tested by Indaba";

/// internet.nl's tests, in its report order, and ours that answer them.
pub static TESTS: &[TestMap] = &[
    // web_ipv6
    t(
        "web_ipv6_ns_address",
        "web_ipv6_nameservers",
        "web-mail ipv6 ns-AAAA",
        Some(ids::NS_IPV6),
        NS_BOTH,
    ),
    t(
        "web_ipv6_ns_reach",
        "web_ipv6_nameservers",
        "web-mail ipv6 ns-reach",
        Some(ids::NS_IPV6),
        NS_BOTH,
    ),
    t(
        "web_ipv6_ws_address",
        "web_ipv6_webserver",
        "web ipv6 web-AAAA",
        Some(ids::WEB_IPV6_ADDRESS),
        "",
    ),
    t(
        "web_ipv6_ws_reach",
        "web_ipv6_webserver",
        "web ipv6 web-reach",
        Some(ids::WEB_IPV6_REACHABLE),
        "",
    ),
    t(
        "web_ipv6_ws_similar",
        "web_ipv6_webserver",
        "web ipv6 web-ipv46",
        Some(ids::WEB_IPV6_SAME_CONTENT),
        "",
    ),
    // web_dnssec
    t(
        "web_dnssec_exist",
        "web_dnssec",
        "web dnnsec exists",
        Some(ids::DNSSEC_EXISTS),
        "",
    ),
    t(
        "web_dnssec_valid",
        "web_dnssec",
        "web dnnsec valid",
        Some(ids::DNSSEC_VALID),
        "",
    ),
    // web_https
    t(
        "web_https_http_available",
        "web_https_http",
        "web tls https-exists",
        Some(ids::WEB_HTTPS_AVAILABLE),
        "",
    ),
    t(
        "web_https_http_redirect",
        "web_https_http",
        "web tls https-forced",
        Some(ids::WEB_HTTPS_REDIRECT),
        "",
    ),
    t(
        "web_https_http_compress",
        "web_https_http",
        "web tls http-compression",
        None,
        NOT_TESTED_BY_US,
    ),
    t(
        "web_https_http_hsts",
        "web_https_http",
        "web tls https-hsts",
        Some(ids::WEB_HTTPS_HSTS),
        "",
    ),
    t(
        "web_https_tls_version",
        "web_https_tls",
        "web tls version",
        Some(ids::WEB_TLS_VERSION),
        "",
    ),
    t(
        "web_https_tls_ciphers",
        "web_https_tls",
        "web tls ciphers",
        Some(ids::WEB_TLS_CIPHERS),
        "",
    ),
    t(
        "web_https_tls_cipherorder",
        "web_https_tls",
        "web tls cipher-order",
        Some(ids::WEB_TLS_CIPHER_ORDER),
        "",
    ),
    t(
        "web_https_tls_keyexchange",
        "web_https_tls",
        "web tls fs-params",
        Some(ids::WEB_TLS_KEY_EXCHANGE),
        "",
    ),
    t(
        "web_https_tls_keyexchangehash",
        "web_https_tls",
        "web tls kex-hash-func",
        Some(ids::WEB_TLS_KEX_HASH),
        "",
    ),
    t(
        "web_https_tls_compress",
        "web_https_tls",
        "web tls compression",
        Some(ids::WEB_TLS_COMPRESSION),
        "",
    ),
    t(
        "web_https_tls_secreneg",
        "web_https_tls",
        "web tls renegotiation-secure",
        Some(ids::WEB_TLS_SECURE_RENEGOTIATION),
        "",
    ),
    t(
        "web_https_tls_clientreneg",
        "web_https_tls",
        "web tls renegotiation-client",
        Some(ids::WEB_TLS_CLIENT_RENEGOTIATION),
        "",
    ),
    t(
        "web_https_tls_extendedmastersecret",
        "web_https_tls",
        "web tls extended-master-secret",
        None,
        NOT_TESTED_BY_US,
    ),
    t(
        "web_https_tls_0rtt",
        "web_https_tls",
        "web tls zero-rtt",
        Some(ids::WEB_TLS_ZERO_RTT),
        "",
    ),
    t(
        "web_https_tls_ocsp",
        "web_https_tls",
        "web tls ocsp-stapling",
        Some(ids::WEB_TLS_OCSP_STAPLING),
        "",
    ),
    t(
        "web_https_tls_caa",
        "web_https_tls",
        "web tls caa",
        Some(ids::WEB_CAA),
        "ours is in the security options category, theirs under HTTPS",
    ),
    t(
        "web_https_cert_chain",
        "web_https_certificate",
        "web tls cert-trust",
        Some(ids::WEB_CERT_TRUST),
        "",
    ),
    t(
        "web_https_cert_pubkey",
        "web_https_certificate",
        "web tls cert-pubkey",
        Some(ids::WEB_CERT_PUBLIC_KEY),
        "",
    ),
    t(
        "web_https_cert_sig",
        "web_https_certificate",
        "web tls cert-signature",
        Some(ids::WEB_CERT_SIGNATURE),
        "",
    ),
    t(
        "web_https_cert_domain",
        "web_https_certificate",
        "web tls cert-hostmatch",
        Some(ids::WEB_CERT_NAME),
        "",
    ),
    t(
        "web_https_dane_exist",
        "web_https_dane",
        "web tls dane-exists",
        Some(ids::WEB_DANE_EXISTS),
        "",
    ),
    t(
        "web_https_dane_valid",
        "web_https_dane",
        "web tls dane-valid",
        Some(ids::WEB_DANE_VALID),
        "",
    ),
    // web_appsecpriv
    t(
        "web_appsecpriv_x_frame_options",
        "web_appsecpriv_http_headers",
        "web appsecpriv http-x-frame",
        Some(ids::WEB_HEADERS_FRAME_OPTIONS),
        "",
    ),
    t(
        "web_appsecpriv_x_content_type_options",
        "web_appsecpriv_http_headers",
        "web appsecpriv http-x-content",
        Some(ids::WEB_HEADERS_CONTENT_TYPE_OPTIONS),
        "",
    ),
    t(
        "web_appsecpriv_csp",
        "web_appsecpriv_http_headers",
        "web appsecpriv http-csp",
        Some(ids::WEB_HEADERS_CSP),
        "",
    ),
    t(
        "web_appsecpriv_referrer_policy",
        "web_appsecpriv_http_headers",
        "web appsecpriv http-referrer-policy",
        Some(ids::WEB_HEADERS_REFERRER_POLICY),
        "",
    ),
    t(
        "web_appsecpriv_securitytxt",
        "web_appsecpriv_http_headers",
        "web appsecpriv http-securitytxt",
        Some(ids::WEB_SECURITY_TXT),
        "",
    ),
    // web_rpki
    t(
        "web_rpki_exists",
        "web_rpki",
        "web rpki exists",
        Some(ids::WEB_RPKI_EXISTS),
        "",
    ),
    t(
        "web_rpki_valid",
        "web_rpki",
        "web rpki valid",
        Some(ids::WEB_RPKI_VALID),
        "",
    ),
    t(
        "web_ns_rpki_exists",
        "web_ns_rpki",
        "web-mail rpki ns-exists",
        Some(ids::NS_RPKI_EXISTS),
        "",
    ),
    t(
        "web_ns_rpki_valid",
        "web_ns_rpki",
        "web-mail rpki ns-valid",
        Some(ids::NS_RPKI_VALID),
        "",
    ),
    // mail_ipv6
    t(
        "mail_ipv6_ns_address",
        "mail_ipv6_nameservers",
        "web-mail ipv6 ns-AAAA",
        Some(ids::NS_IPV6),
        NS_BOTH,
    ),
    t(
        "mail_ipv6_ns_reach",
        "mail_ipv6_nameservers",
        "web-mail ipv6 ns-reach",
        Some(ids::NS_IPV6),
        NS_BOTH,
    ),
    t(
        "mail_ipv6_mx_address",
        "mail_ipv6_mailserver",
        "mail ipv6 mx-AAAA",
        Some(ids::MAIL_IPV6_ADDRESS),
        "",
    ),
    t(
        "mail_ipv6_mx_reach",
        "mail_ipv6_mailserver",
        "mail ipv6 mx-reach",
        Some(ids::MAIL_IPV6_REACHABLE),
        "",
    ),
    // mail_dnssec
    t(
        "mail_dnssec_mailto_exist",
        "mail_dnssec_domain",
        "mail dnnsec exists",
        Some(ids::DNSSEC_EXISTS),
        "",
    ),
    t(
        "mail_dnssec_mailto_valid",
        "mail_dnssec_domain",
        "mail dnnsec valid",
        Some(ids::DNSSEC_VALID),
        "",
    ),
    t(
        "mail_dnssec_mx_exist",
        "mail_dnssec_mailservers",
        "mail dnnsec mx-exists",
        None,
        "our mail.dnssec.mx_valid judges signed and valid in one check; it answers mail_dnssec_mx_valid only",
    ),
    t(
        "mail_dnssec_mx_valid",
        "mail_dnssec_mailservers",
        "mail dnnsec mx-valid",
        Some(ids::MAIL_DNSSEC_MX_VALID),
        "",
    ),
    // mail_auth
    t(
        "mail_auth_dmarc_exist",
        "mail_auth_dmarc",
        "mail auth dmarc",
        Some(ids::MAIL_DMARC_RECORD),
        "",
    ),
    t(
        "mail_auth_dmarc_policy",
        "mail_auth_dmarc",
        "mail auth dmarc-policy",
        Some(ids::MAIL_DMARC_POLICY),
        "internet.nl also judges the report destinations here; we have mail.dmarc.destinations apart",
    ),
    t(
        "mail_auth_dkim_exist",
        "mail_auth_dkim",
        "mail auth dkim",
        Some(ids::MAIL_DKIM_EXISTS),
        "",
    ),
    t(
        "mail_auth_spf_exist",
        "mail_auth_spf",
        "mail auth spf",
        Some(ids::MAIL_SPF_RECORD),
        "",
    ),
    t(
        "mail_auth_spf_policy",
        "mail_auth_spf",
        "mail auth spf-policy",
        Some(ids::MAIL_SPF_POLICY),
        "",
    ),
    // mail_starttls
    t(
        "mail_starttls_tls_available",
        "mail_starttls_tls",
        "mail tls starttls-exists",
        Some(ids::MAIL_STARTTLS_AVAILABLE),
        "",
    ),
    t(
        "mail_starttls_tls_version",
        "mail_starttls_tls",
        "mail tls version",
        Some(ids::MAIL_TLS_VERSION),
        "",
    ),
    t(
        "mail_starttls_tls_ciphers",
        "mail_starttls_tls",
        "mail tls ciphers",
        Some(ids::MAIL_TLS_CIPHERS),
        "",
    ),
    t(
        "mail_starttls_tls_cipherorder",
        "mail_starttls_tls",
        "mail tls cipher-order",
        Some(ids::MAIL_TLS_CIPHER_ORDER),
        "",
    ),
    t(
        "mail_starttls_tls_keyexchange",
        "mail_starttls_tls",
        "mail tls fs-params",
        Some(ids::MAIL_TLS_KEY_EXCHANGE),
        "",
    ),
    t(
        "mail_starttls_tls_keyexchangehash",
        "mail_starttls_tls",
        "mail tls kex-hash-func",
        Some(ids::MAIL_TLS_KEX_HASH),
        "",
    ),
    t(
        "mail_starttls_tls_compress",
        "mail_starttls_tls",
        "mail tls compression",
        Some(ids::MAIL_TLS_COMPRESSION),
        "",
    ),
    t(
        "mail_starttls_tls_secreneg",
        "mail_starttls_tls",
        "mail tls renegotiation-secure",
        Some(ids::MAIL_TLS_SECURE_RENEGOTIATION),
        "",
    ),
    t(
        "mail_starttls_tls_clientreneg",
        "mail_starttls_tls",
        "mail tls renegotiation-client",
        Some(ids::MAIL_TLS_CLIENT_RENEGOTIATION),
        "",
    ),
    t(
        "mail_starttls_tls_extendedmastersecret",
        "mail_starttls_tls",
        "mail tls extended-master-secret",
        None,
        NOT_TESTED_BY_US,
    ),
    t(
        "mail_starttls_tls_0rtt",
        "mail_starttls_tls",
        "mail tls zero-rtt",
        None,
        "we test 0-RTT on websites only",
    ),
    t(
        "mail_starttls_tls_caa",
        "mail_starttls_tls",
        "mail tls caa",
        None,
        "we test CAA on websites only",
    ),
    t(
        "mail_starttls_cert_chain",
        "mail_starttls_certificate",
        "mail tls cert-trust",
        Some(ids::MAIL_CERT_TRUST),
        "",
    ),
    t(
        "mail_starttls_cert_pubkey",
        "mail_starttls_certificate",
        "mail tls cert-pubkey",
        Some(ids::MAIL_CERT_PUBLIC_KEY),
        "",
    ),
    t(
        "mail_starttls_cert_sig",
        "mail_starttls_certificate",
        "mail tls cert-signature",
        Some(ids::MAIL_CERT_SIGNATURE),
        "",
    ),
    t(
        "mail_starttls_cert_domain",
        "mail_starttls_certificate",
        "mail tls cert-hostmatch",
        Some(ids::MAIL_CERT_NAME),
        "",
    ),
    t(
        "mail_starttls_dane_exist",
        "mail_starttls_dane",
        "mail tls dane-exists",
        Some(ids::MAIL_DANE_EXISTS),
        "",
    ),
    t(
        "mail_starttls_dane_valid",
        "mail_starttls_dane",
        "mail tls dane-valid",
        Some(ids::MAIL_DANE_VALID),
        "",
    ),
    t(
        "mail_starttls_dane_rollover",
        "mail_starttls_dane",
        "mail tls dane-rollover",
        Some(ids::MAIL_DANE_ROLLOVER),
        "",
    ),
    // mail_rpki
    t(
        "mail_rpki_exists",
        "mail_rpki",
        "mail rpki exists",
        Some(ids::MAIL_RPKI_EXISTS),
        "",
    ),
    t(
        "mail_rpki_valid",
        "mail_rpki",
        "mail rpki valid",
        Some(ids::MAIL_RPKI_VALID),
        "",
    ),
    t(
        "mail_ns_rpki_exists",
        "mail_ns_rpki",
        "web-mail rpki ns-exists",
        Some(ids::NS_RPKI_EXISTS),
        "",
    ),
    t(
        "mail_ns_rpki_valid",
        "mail_ns_rpki",
        "web-mail rpki ns-valid",
        Some(ids::NS_RPKI_VALID),
        "",
    ),
    t(
        "mail_mx_ns_rpki_exists",
        "mail_mx_ns_rpki",
        "mail rpki mx-ns-exists",
        None,
        "we do not validate the routes of the MX hosts' name servers",
    ),
    t(
        "mail_mx_ns_rpki_valid",
        "mail_mx_ns_rpki",
        "mail rpki mx-ns-valid",
        None,
        "we do not validate the routes of the MX hosts' name servers",
    ),
];

/// Our checks that answer none of internet.nl's tests, and why (they are
/// left out of batch results; our own reports show them).
pub static OURS_ONLY: &[(&str, &str)] = &[
    (
        ids::WEB_CERT_EXPIRY,
        "internet.nl folds expiry into its certificate trust test",
    ),
    (ids::MAIL_DKIM_KEYS, "internet.nl has no DKIM key test"),
    (
        ids::MAIL_DMARC_DESTINATIONS,
        "internet.nl judges report destinations inside mail_auth_dmarc_policy",
    ),
    (
        ids::MAIL_MX_RECORDS,
        "internet.nl has no MX test of its own (a domain without MX drops STARTTLS)",
    ),
    (ids::MAIL_MTA_STS, "internet.nl does not test MTA-STS"),
    (ids::MAIL_TLS_RPT, "internet.nl does not test TLS-RPT"),
];

/// The kind of test an internet.nl category belongs to, from its name.
pub fn category_kind(name: &str) -> Option<TestKind> {
    CATEGORIES.iter().find(|c| c.name == name).map(|c| c.kind)
}

/// The category a test or section is in.
pub fn category_of(parent: &str) -> Option<&'static CategoryMap> {
    let category = SECTIONS
        .iter()
        .find(|s| s.name == parent)
        .map_or(parent, |s| s.category);
    CATEGORIES.iter().find(|c| c.name == category)
}

/// internet.nl's tests of a `kind` test, in order.
pub fn tests_of(kind: TestKind) -> impl Iterator<Item = &'static TestMap> {
    TESTS
        .iter()
        .filter(move |t| category_of(t.parent).is_some_and(|c| c.kind == kind))
}

/// internet.nl's categories of a `kind` test, in order.
pub fn categories_of(kind: TestKind) -> impl Iterator<Item = &'static CategoryMap> {
    CATEGORIES.iter().filter(move |c| c.kind == kind)
}

/// A test's status in internet.nl's words (`Test.status`).
///
/// Theirs has no "not applicable": a test that does not apply is
/// `not_tested` there too (their "good, not tested").
pub fn test_status(status: Status) -> &'static str {
    match status {
        Status::Pass => "passed",
        Status::Fail => "failed",
        Status::Warning => "warning",
        Status::Info => "info",
        Status::NotApplicable | Status::NotTested => "not_tested",
        Status::Error => "error",
    }
}

/// A category's status in internet.nl's words (`Category.status`): the
/// worst of its findings, where something required that is missing fails
/// the category and what does not apply passes it.
pub fn category_status(status: Status) -> &'static str {
    match status {
        Status::Pass | Status::NotApplicable => "passed",
        Status::Fail | Status::NotTested => "failed",
        Status::Warning => "warning",
        Status::Info => "info",
        Status::Error => "error",
    }
}

/// Our checks of a `kind` test that no test of internet.nl's names.
pub fn unmapped_checks(kind: TestKind) -> Vec<&'static str> {
    CATALOGUE
        .iter()
        .filter(|c| c.kinds.contains(&kind))
        .filter(|c| !tests_of(kind).any(|t| t.ours == Some(c.id)))
        .map(|c| c.id)
        .collect()
}

/// The mapping as the Markdown tables of `batch-mapping.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# The batch API's mapping to internet.nl\n\n\
         Generated from `crates/indaba-web/src/batch/mapping.rs` (a test fails when this \
         file and the table there differ; `INDABA_WRITE_MAPPING=1 cargo test -p indaba-web \
         batch_mapping` rewrites it).\n\n## Statuses\n\n\
         | Ours | internet.nl test status | internet.nl category status |\n|---|---|---|\n",
    );
    for s in Status::ALL {
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` |\n",
            s.as_str(),
            test_status(s),
            category_status(s)
        ));
    }
    out.push_str("\n## Categories\n\n| internet.nl | Ours |\n|---|---|\n");
    for c in CATEGORIES {
        out.push_str(&format!("| `{}` | `{}` |\n", c.name, c.ours.id()));
    }
    out.push_str("\n## Tests\n\n| internet.nl | Ours | Note |\n|---|---|---|\n");
    for t in TESTS {
        let ours = t.ours.map_or("none".to_string(), |o| format!("`{o}`"));
        out.push_str(&format!("| `{}` | {ours} | {} |\n", t.name, t.note));
    }
    out.push_str("\n## Our checks without a counterpart\n\n| Ours | Why |\n|---|---|\n");
    for (id, why) in OURS_ONLY {
        out.push_str(&format!("| `{id}` | {why} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_internetnl_shaped_and_unique() {
        let mut names: Vec<&str> = CATEGORIES.iter().map(|c| c.name).collect();
        names.extend(TESTS.iter().map(|t| t.name));
        names.extend(SECTIONS.iter().map(|s| s.name));
        for n in &names {
            assert!(
                n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{n}"
            );
        }
        // Sections may share a category's name (web_rpki), as upstream.
        let mut tests: Vec<&str> = TESTS.iter().map(|t| t.name).collect();
        tests.sort();
        tests.dedup();
        assert_eq!(tests.len(), TESTS.len());
    }

    #[test]
    fn every_test_sits_in_a_category_of_its_kind_and_names_a_real_check() {
        for t in TESTS {
            let category = category_of(t.parent).unwrap_or_else(|| panic!("{}", t.name));
            assert!(t.name.starts_with(category.name.split('_').next().unwrap()));
            if let Some(ours) = t.ours {
                let spec = CATALOGUE
                    .iter()
                    .find(|c| c.id == ours)
                    .unwrap_or_else(|| panic!("{ours} is not in the catalogue"));
                assert!(spec.kinds.contains(&category.kind), "{} / {ours}", t.name);
            } else {
                assert!(!t.note.is_empty(), "{} needs a reason", t.name);
            }
        }
        for s in SECTIONS {
            assert!(category_kind(s.category).is_some(), "{}", s.name);
        }
    }

    #[test]
    fn our_checks_without_a_counterpart_are_exactly_the_documented_ones() {
        let mut unmapped: Vec<&str> = unmapped_checks(TestKind::Web);
        unmapped.extend(unmapped_checks(TestKind::Mail));
        unmapped.sort();
        unmapped.dedup();
        let mut documented: Vec<&str> = OURS_ONLY.iter().map(|(id, _)| *id).collect();
        documented.sort();
        assert_eq!(unmapped, documented);
    }

    #[test]
    fn every_category_of_ours_that_a_kind_reports_has_a_counterpart() {
        for kind in [TestKind::Web, TestKind::Mail] {
            for c in Category::ALL.iter().filter(|c| c.kinds().contains(&kind)) {
                assert!(
                    categories_of(kind).any(|m| m.ours == *c),
                    "{kind:?} {}",
                    c.id()
                );
            }
        }
    }

    #[test]
    fn batch_mapping_document_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/batch-mapping.md");
        if std::env::var_os("INDABA_WRITE_MAPPING").is_some() {
            std::fs::write(path, markdown()).unwrap();
        }
        let written = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            written,
            markdown(),
            "batch-mapping.md is out of date: INDABA_WRITE_MAPPING=1 cargo test -p indaba-web batch_mapping"
        );
    }
}
