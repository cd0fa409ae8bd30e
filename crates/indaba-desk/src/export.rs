//! Sharing a case's observables with other teams: a STIX 2.1 bundle and a
//! MISP event, each holding only what the viewer may export and carrying the
//! most restrictive label of what it holds (the TLP 2.0 marking definitions
//! of the OASIS TLP 2.0 extension in STIX, `tlp:` tags in MISP).
//!
//! Ids are UUID v5 of the case and the observable, so exporting the same case
//! twice gives the same objects and a receiving platform updates rather than
//! duplicates them.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::observables::Observable;
use crate::tlp::{Tlp, Viewer};

/// The namespace of Indaba's STIX and MISP ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_2d8e_4c7a_4e31_9a0e_5d3c_1b2a_7f10);

/// The id of the TLP 2.0 marking definition of `tlp` (OASIS' TLP 2.0
/// extension for STIX 2.1).
pub fn stix_marking(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// A case to export.
#[derive(Debug, Clone)]
pub struct CaseExport<'a> {
    /// Its reference.
    pub reference: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its label.
    pub tlp: Tlp,
    /// Its classification.
    pub classification: &'a str,
    /// When it was created, RFC 3339.
    pub created: &'a str,
    /// The organisation it concerns, if any.
    pub concerns: Option<&'a str>,
    /// Its observables, each with its own label.
    pub observables: &'a [(Observable, Tlp)],
}

/// What may go into an export for `viewer`: the observables they may export
/// (each at least as restrictive as the case), and the label of the whole.
pub fn exportable<'a>(
    case: &'a CaseExport<'a>,
    viewer: &Viewer,
) -> (Vec<(&'a Observable, Tlp)>, Tlp) {
    if !case.tlp.may_export(viewer, case.concerns) {
        return (Vec::new(), case.tlp);
    }
    let items: Vec<(&Observable, Tlp)> = case
        .observables
        .iter()
        .map(|(o, t)| (o, t.and(case.tlp)))
        .filter(|(_, t)| t.may_export(viewer, case.concerns))
        .collect();
    let label = Tlp::derived(items.iter().map(|(_, t)| *t).chain([case.tlp]));
    (items, label)
}

fn stix_pattern(o: &Observable) -> String {
    let quote = |s: &str| s.replace('\\', "\\\\").replace('\'', "\\'");
    match o {
        Observable::Ip(ip) if ip.is_ipv4() => format!("[ipv4-addr:value = '{ip}']"),
        Observable::Ip(ip) => format!("[ipv6-addr:value = '{ip}']"),
        Observable::Asn(n) => format!("[autonomous-system:number = {n}]"),
        Observable::Domain(d) => format!("[domain-name:value = '{}']", quote(d)),
        Observable::Url(u) => format!("[url:value = '{}']", quote(u)),
        Observable::Email(e) => format!("[email-addr:value = '{}']", quote(e)),
    }
}

fn id(case: &str, what: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{case}\u{0}{what}").as_bytes())
}

/// The STIX 2.1 bundle of `case` for `viewer`, and its label.
pub fn stix(case: &CaseExport<'_>, viewer: &Viewer) -> (Value, Tlp) {
    let (items, label) = exportable(case, viewer);
    let identity = format!("identity--{}", id("indaba", "desk"));
    let mut objects = vec![json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": identity,
        "created": case.created,
        "modified": case.created,
        "name": "Indaba response desk",
        "identity_class": "organization",
    })];
    let mut refs = Vec::new();
    for (o, t) in &items {
        let oid = format!(
            "indicator--{}",
            id(case.reference, &format!("{}:{}", o.kind(), o.value()))
        );
        refs.push(oid.clone());
        objects.push(json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": oid,
            "created_by_ref": identity,
            "created": case.created,
            "modified": case.created,
            "valid_from": case.created,
            "name": format!("{} {}", o.kind(), o.value()),
            "pattern": stix_pattern(o),
            "pattern_type": "stix",
            "object_marking_refs": [stix_marking(*t)],
        }));
    }
    objects.push(json!({
        "type": "report",
        "spec_version": "2.1",
        "id": format!("report--{}", id(case.reference, "report")),
        "created_by_ref": identity,
        "created": case.created,
        "modified": case.created,
        "published": case.created,
        "name": format!("{} {}", case.reference, case.title),
        "report_types": ["incident"],
        "labels": [case.classification],
        "object_refs": if refs.is_empty() { vec![identity.clone()] } else { refs },
        "object_marking_refs": [stix_marking(label)],
    }));
    let bundle = json!({
        "type": "bundle",
        "id": format!("bundle--{}", id(case.reference, "bundle")),
        "objects": objects,
    });
    (bundle, label)
}

fn misp_type(o: &Observable) -> (&'static str, &'static str) {
    match o {
        Observable::Ip(_) => ("ip-dst", "Network activity"),
        Observable::Asn(_) => ("AS", "Network activity"),
        Observable::Domain(_) => ("domain", "Network activity"),
        Observable::Url(_) => ("url", "Network activity"),
        Observable::Email(_) => ("email-src", "Payload delivery"),
    }
}

/// The MISP event (JSON) of `case` for `viewer`, and its label.
pub fn misp(case: &CaseExport<'_>, viewer: &Viewer) -> (Value, Tlp) {
    let (items, label) = exportable(case, viewer);
    let tag = |t: Tlp| json!({"name": format!("tlp:{}", t.as_str().to_ascii_lowercase())});
    let attributes: Vec<Value> = items
        .iter()
        .map(|(o, t)| {
            let (ty, category) = misp_type(o);
            json!({
                "uuid": id(case.reference, &format!("{}:{}", o.kind(), o.value())).to_string(),
                "type": ty,
                "category": category,
                "value": o.value(),
                "to_ids": false,
                "Tag": [tag(*t)],
            })
        })
        .collect();
    let event = json!({
        "Event": {
            "uuid": id(case.reference, "event").to_string(),
            "info": format!("{} {}", case.reference, case.title),
            "date": case.created.get(..10).unwrap_or(case.created),
            "threat_level_id": "3",
            "analysis": "1",
            "distribution": "0",
            "Tag": [tag(label), {"name": format!("rsit:{}", case.classification)}],
            "Attribute": attributes,
        }
    });
    (event, label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observables() -> Vec<(Observable, Tlp)> {
        vec![
            (Observable::Ip("127.0.10.1".parse().unwrap()), Tlp::Green),
            (Observable::Domain("bank-example.test".into()), Tlp::Amber),
            (Observable::Email("victim@example.test".into()), Tlp::Red),
        ]
    }

    fn case(obs: &[(Observable, Tlp)], tlp: Tlp) -> CaseExport<'_> {
        CaseExport {
            reference: "IND-2026-000001",
            title: "Phishing",
            tlp,
            classification: "fraud/phishing",
            created: "2026-12-06T10:00:00Z",
            concerns: Some("org-a"),
            observables: obs,
        }
    }

    #[test]
    fn the_desk_exports_everything_at_the_strictest_label() {
        let obs = observables();
        let (bundle, label) = stix(&case(&obs, Tlp::Green), &Viewer::Desk);
        assert_eq!(label, Tlp::Red);
        let objects = bundle["objects"].as_array().unwrap();
        assert_eq!(
            objects.iter().filter(|o| o["type"] == "indicator").count(),
            3
        );
        let report = objects.iter().find(|o| o["type"] == "report").unwrap();
        assert_eq!(report["object_marking_refs"][0], stix_marking(Tlp::Red));
        let ip = objects
            .iter()
            .find(|o| o["pattern"] == "[ipv4-addr:value = '127.0.10.1']")
            .unwrap();
        assert_eq!(ip["object_marking_refs"][0], stix_marking(Tlp::Green));
        // The same case gives the same ids.
        assert_eq!(stix(&case(&obs, Tlp::Green), &Viewer::Desk).0, bundle);
    }

    #[test]
    fn a_member_gets_only_what_they_may_export() {
        let obs = observables();
        let member = Viewer::Member {
            organisation: Some("org-a".into()),
        };
        let (event, label) = misp(&case(&obs, Tlp::Green), &member);
        assert_eq!(label, Tlp::Amber);
        let values: Vec<&str> = event["Event"]["Attribute"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["value"].as_str().unwrap())
            .collect();
        assert_eq!(values, vec!["127.0.10.1", "bank-example.test"]);
        assert_eq!(event["Event"]["Tag"][0]["name"], "tlp:amber");
        // A case under AMBER+STRICT exports nothing to a member.
        let strict = case(&obs, Tlp::AmberStrict);
        let (bundle, _) = stix(&strict, &member);
        assert!(
            bundle["objects"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["type"] != "indicator")
        );
        // Another organisation's member: nothing above GREEN.
        let other = Viewer::Member {
            organisation: Some("org-b".into()),
        };
        let green = case(&obs, Tlp::Green);
        let (items, _) = exportable(&green, &other);
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn patterns_quote_values() {
        let o = Observable::Url("https://x.test/a'b".into());
        assert_eq!(stix_pattern(&o), "[url:value = 'https://x.test/a\\'b']");
    }
}
