//! Abuse reports in X-ARF (x-arf.org, version 0.2): a multipart mail with a
//! human-readable part, a machine-readable part (YAML, the fields of the
//! X-ARF schema) and the evidence, with the header `X-ARF: YES`. This module
//! writes the parts; the web crate puts them in a MIME message and sends it.
//!
//! YAML values are written as JSON strings, which are valid YAML
//! double-quoted scalars: no YAML library is needed to write them, and no
//! value can break out of its line.

use serde::Serialize;

use crate::taxonomy::Classification;
use crate::tlp::Tlp;

/// What an abuse report is about.
#[derive(Debug, Clone, Serialize)]
pub struct AbuseReport<'a> {
    /// The case reference.
    pub reference: &'a str,
    /// The desk reporting (`Reported-From`).
    pub reported_from: &'a str,
    /// The classification.
    pub classification: Classification,
    /// The source of the abuse: an address, a URL, a domain.
    pub source: &'a str,
    /// When it was seen, RFC 3339.
    pub date: &'a str,
    /// What the desk says about it, for people.
    pub summary: &'a str,
    /// The label of what is sent.
    pub tlp: Tlp,
}

/// The parts of an X-ARF mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The subject, with the TLP label and the case tag.
    pub subject: String,
    /// The human-readable part.
    pub human: String,
    /// The machine-readable part (YAML).
    pub machine: String,
}

/// X-ARF's category and report type for a classification.
pub fn category(c: Classification) -> (&'static str, &'static str) {
    match (c.class(), c.kind()) {
        ("fraud", "phishing") => ("fraud", "phishing-site"),
        ("fraud", _) | ("cybercrime-victim", _) => ("fraud", "fraud"),
        ("malicious-code", _) => ("abuse", "malware"),
        ("intrusion-attempts", "brute-force") => ("abuse", "login-attack"),
        ("intrusion-attempts", _) | ("information-gathering", _) => ("abuse", "scanning"),
        ("abusive-content", "spam") => ("abuse", "spam"),
        ("availability", _) => ("abuse", "ddos"),
        ("vulnerable", _) => ("info", "vulnerable-service"),
        _ => ("abuse", "other"),
    }
}

fn source_type(source: &str) -> &'static str {
    if source.parse::<std::net::IpAddr>().is_ok() {
        "ip-address"
    } else if source.contains("://") {
        "uri"
    } else {
        "domain"
    }
}

fn yaml_value(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The parts of the report.
pub fn parts(r: &AbuseReport<'_>) -> Parts {
    let (category, report_type) = category(r.classification);
    let fields = [
        ("Reported-From", r.reported_from.to_string()),
        ("Category", category.to_string()),
        ("Report-Type", report_type.to_string()),
        ("Report-ID", r.reference.to_string()),
        ("Service", "indaba".to_string()),
        ("Version", "0.2".to_string()),
        ("User-Agent", "Indaba response desk".to_string()),
        ("Date", r.date.to_string()),
        ("Source", r.source.to_string()),
        ("Source-Type", source_type(r.source).to_string()),
        ("Classification", r.classification.to_string()),
        ("TLP", r.tlp.as_str().to_string()),
        (
            "Schema-URL",
            format!("http://www.x-arf.org/schema/{category}_0.1.4.json"),
        ),
        ("Attachment", "text/plain".to_string()),
    ];
    let mut machine = String::from("---\n");
    for (k, v) in fields {
        machine.push_str(&format!("{k}: {}\n", yaml_value(&v)));
    }
    let human = format!(
        "{notice}\n\n\
         The national response desk received a report about {source} ({class}).\n\n\
         {summary}\n\n\
         Please look into it and reply to this message, keeping the reference\n\
         {reference} in the subject, to tell us what you found or did.\n\n\
         This report is in X-ARF format: the second part is machine-readable,\n\
         the third is the evidence.\n\n\
         {notice}\n",
        notice = r.tlp.mail_notice(),
        source = r.source,
        class = r.classification,
        summary = r.summary,
        reference = r.reference,
    );
    Parts {
        subject: r.tlp.subject(&format!(
            "[{}] Abuse report: {} ({})",
            r.reference, r.source, report_type
        )),
        human,
        machine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_carry_label_tag_and_fields() {
        let p = parts(&AbuseReport {
            reference: "IND-2026-000001",
            reported_from: "desk@cert.test",
            classification: "fraud/phishing".parse().unwrap(),
            source: "https://login.bank-example.test/\"\nInjected: yes",
            date: "2026-12-06T10:00:00Z",
            summary: "A phishing page imitating a bank.",
            tlp: Tlp::Amber,
        });
        assert!(p.subject.starts_with("[TLP:AMBER] [IND-2026-000001]"));
        assert!(p.human.starts_with("TLP:AMBER"));
        assert!(p.machine.contains("Category: \"fraud\"\n"));
        assert!(p.machine.contains("Report-Type: \"phishing-site\"\n"));
        assert!(p.machine.contains("Source-Type: \"uri\"\n"));
        // The hostile source stays inside its quoted value.
        assert!(!p.machine.contains("\nInjected"));
        assert_eq!(
            p.machine
                .lines()
                .filter(|l| l.starts_with("Source:"))
                .count(),
            1
        );
    }
}
