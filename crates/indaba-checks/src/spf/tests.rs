use std::collections::HashMap;
use std::net::IpAddr;

use proptest::prelude::*;

use super::*;
use crate::dmarc::MailUse;
use crate::mailauth::testing::{english, renders};
use indaba_model::{Arg, Status, ToMessage};

/// Zone data for tests: names not listed are NXDOMAIN.
#[derive(Default)]
struct Zone {
    answers: HashMap<Question, Answer>,
    names: Vec<String>,
    /// When set, unlisted questions are "not looked up" instead of NXDOMAIN.
    partial: bool,
}

impl Zone {
    fn add(mut self, name: &str, rdata: Rdata) -> Self {
        let rtype = match &rdata {
            Rdata::Txt(_) => RrType::Txt,
            Rdata::A(_) => RrType::A,
            Rdata::Aaaa(_) => RrType::Aaaa,
            Rdata::Mx { .. } => RrType::Mx,
            Rdata::Ptr(_) => RrType::Ptr,
        };
        self.names.push(dns::normalise(name));
        match self
            .answers
            .entry(Question::new(name, rtype))
            .or_insert(Answer::Records(Vec::new()))
        {
            Answer::Records(r) => r.push(rdata),
            _ => unreachable!(),
        }
        self
    }
    fn txt(self, name: &str, text: &str) -> Self {
        self.add(name, Rdata::Txt(text.as_bytes().to_vec()))
    }
    fn a(self, name: &str, ip: &str) -> Self {
        match ip.parse::<IpAddr>().unwrap() {
            IpAddr::V4(v4) => self.add(name, Rdata::A(v4)),
            IpAddr::V6(v6) => self.add(name, Rdata::Aaaa(v6)),
        }
    }
    fn mx(self, name: &str, pref: u16, host: &str) -> Self {
        self.add(
            name,
            Rdata::Mx {
                preference: pref,
                exchange: dns::normalise(host),
            },
        )
    }
    fn fail(mut self, name: &str, rtype: RrType) -> Self {
        let question = Question::new(name, rtype);
        self.answers.insert(
            question.clone(),
            Answer::Failed(LookupFailure::Rcode {
                question,
                rcode: "SERVFAIL".into(),
                extended: None,
            }),
        );
        self
    }
}

impl DnsView for Zone {
    fn answer(&self, q: &Question) -> Option<Answer> {
        if let Some(a) = self.answers.get(q) {
            return Some(a.clone());
        }
        if self.partial {
            return None;
        }
        Some(if self.names.contains(&q.name) {
            Answer::Records(Vec::new())
        } else {
            Answer::NxDomain
        })
    }
}

fn run(zone: &Zone, ip: &str, from: &str) -> Evaluation {
    let input = CheckHostInput::new(ip.parse().unwrap(), from, "mail.example.org");
    match check_host(zone, &input) {
        Step::Done(e) => e,
        Step::NeedsLookup(q) => panic!("needs {q:?}"),
    }
}

fn result(zone: &Zone, ip: &str, from: &str) -> SpfResult {
    run(zone, ip, from).result
}

fn audited(zone: &Zone, domain: &str) -> Audit {
    match audit(zone, domain) {
        Step::Done(a) => a,
        Step::NeedsLookup(q) => panic!("needs {q:?}"),
    }
}

#[test]
fn basic_results() {
    let zone = Zone::default()
        .txt("example.org", "v=spf1 ip4:192.0.2.0/24 mx ~all")
        .mx("example.org", 10, "mx.example.org")
        .a("mx.example.org", "198.51.100.7")
        .a("mx.example.org", "2001:db8::7");
    assert_eq!(result(&zone, "192.0.2.9", "a@example.org"), SpfResult::Pass);
    assert_eq!(
        result(&zone, "198.51.100.7", "a@example.org"),
        SpfResult::Pass
    );
    assert_eq!(
        result(&zone, "2001:db8::7", "a@example.org"),
        SpfResult::Pass
    );
    assert_eq!(
        result(&zone, "203.0.113.1", "a@example.org"),
        SpfResult::SoftFail
    );
    assert_eq!(
        result(&zone, "203.0.113.1", "a@nowhere.example"),
        SpfResult::None
    );
    assert_eq!(result(&zone, "203.0.113.1", "a@localhost"), SpfResult::None);
}

#[test]
fn the_trace_names_every_lookup_and_term() {
    let zone = Zone::default()
        .txt(
            "example.org",
            "v=spf1 include:_spf.example.net -all exp=why.example.org",
        )
        .txt("_spf.example.net", "v=spf1 a:out.example.net ?all")
        .a("out.example.net", "192.0.2.1")
        .txt("why.example.org", "%{i} is not one of %{d}'s servers");
    let e = run(&zone, "203.0.113.5", "someone@example.org");
    assert_eq!(e.result, SpfResult::Fail);
    assert_eq!(
        e.explanation.as_deref(),
        Some("203.0.113.5 is not one of example.org's servers")
    );
    assert_eq!(e.lookups, 2);
    let text: Vec<String> = e
        .trace
        .iter()
        .map(|t| format!("{} {}", t.depth, english(&t.message)))
        .collect();
    let joined = text.join("\n");
    assert!(joined.contains("0 lookup example.org TXT"), "{joined}");
    assert!(
        joined.contains("1 include:_spf.example.net → _spf.example.net"),
        "{joined}"
    );
    assert!(
        joined.contains("2 lookup out.example.net A → 192.0.2.1"),
        "{joined}"
    );
    assert!(joined.contains("1 -all matches: fail"), "{joined}");
}

#[test]
fn lookup_limit_loops_and_voids() {
    let mut zone = Zone::default().txt("example.org", "v=spf1 include:i1.example.org -all");
    for i in 1..=11 {
        zone = zone.txt(
            &format!("i{i}.example.org"),
            &format!("v=spf1 include:i{}.example.org", i + 1),
        );
    }
    let e = run(&zone, "192.0.2.1", "a@example.org");
    assert_eq!(e.result, SpfResult::PermError, "{:?}", e.reason);
    assert!(
        matches!(
            &e.reason,
            Reason::PermError(ProblemKind::TooManyLookups { term, domain })
                if term == "include:i11.example.org" && domain == "i10.example.org"
        ),
        "{:?}",
        e.reason
    );
    let said = english(&e.reason.to_message());
    assert!(
        said.contains("the 11th is include:i11.example.org"),
        "{said}"
    );

    let zone = Zone::default()
        .txt("example.org", "v=spf1 include:loop.example.org -all")
        .txt("loop.example.org", "v=spf1 include:example.org");
    let e = run(&zone, "192.0.2.1", "a@example.org");
    assert_eq!(e.result, SpfResult::PermError);
    assert_eq!(
        e.reason,
        Reason::PermError(ProblemKind::Loop {
            term: "include:example.org".into(),
            path: vec![
                "example.org".into(),
                "loop.example.org".into(),
                "example.org".into()
            ]
        })
    );
    assert!(english(&e.reason.to_message()).contains("example.org → loop.example.org"));

    let zone = Zone::default().txt(
        "example.org",
        "v=spf1 a:nx1.example.org a:nx2.example.org a:nx3.example.org -all",
    );
    let e = run(&zone, "192.0.2.1", "a@example.org");
    assert_eq!(e.result, SpfResult::PermError);
    assert_eq!(e.void_lookups, 3);
}

#[test]
fn dns_errors_are_temperror() {
    let zone = Zone::default()
        .txt("example.org", "v=spf1 a:broken.example.org -all")
        .fail("broken.example.org", RrType::A);
    assert_eq!(
        result(&zone, "192.0.2.1", "a@example.org"),
        SpfResult::TempError
    );
    let zone = Zone::default().fail("example.org", RrType::Txt);
    assert_eq!(
        result(&zone, "192.0.2.1", "a@example.org"),
        SpfResult::TempError
    );
}

#[test]
fn missing_answers_are_asked_for_then_evaluation_finishes() {
    let full = Zone::default()
        .txt("example.org", "v=spf1 mx include:_spf.example.net -all")
        .mx("example.org", 10, "mx1.example.org")
        .mx("example.org", 20, "mx2.example.org")
        .a("mx1.example.org", "192.0.2.1")
        .a("mx2.example.org", "192.0.2.2")
        .txt("_spf.example.net", "v=spf1 ip4:198.51.100.0/24 -all");
    let mut partial = Zone {
        partial: true,
        ..Zone::default()
    };
    let input = CheckHostInput::new(
        "198.51.100.3".parse().unwrap(),
        "x@example.org",
        "h.example",
    );
    let mut rounds = 0;
    let evaluation = loop {
        rounds += 1;
        assert!(rounds < 20, "does not converge");
        match check_host(&partial, &input) {
            Step::Done(e) => break e,
            Step::NeedsLookup(questions) => {
                assert!(!questions.is_empty());
                for q in questions {
                    let answer = full.answer(&q).unwrap();
                    partial.answers.insert(q, answer);
                }
            }
        }
    };
    assert_eq!(evaluation.result, SpfResult::Pass);
    // TXT; MX; both MX hosts at once; the include's TXT.
    assert_eq!(rounds, 5);
}

#[test]
fn audit_counts_the_whole_tree() {
    let zone = Zone::default()
        .txt("example.org", "v=spf1 mx include:_spf.example.net ptr -all")
        .mx("example.org", 10, "mx.example.org")
        .txt(
            "_spf.example.net",
            "v=spf1 a:out.example.net include:_b.example.net ~all",
        )
        .a("out.example.net", "192.0.2.1")
        .txt(
            "_b.example.net",
            "v=spf1 exists:%{i}.bl.example.net ip4:192.0.2.0/24 -all",
        );
    let a = audited(&zone, "example.org");
    assert_eq!(
        a.top,
        TopRecord::Found("v=spf1 mx include:_spf.example.net ptr -all".into())
    );
    assert_eq!(a.lookups, 6);
    assert!(!a.fails(), "{:?}", a.problems);
    assert_eq!(a.tree_lines().len(), 3);
    assert!(a.notes.iter().any(|n| matches!(n, Note::Ptr { .. })));
    assert!(
        a.notes
            .iter()
            .any(|n| matches!(n, Note::Unfollowed { letter: 'i', .. })),
        "{:?}",
        a.notes
    );
    assert!(matches!(
        a.policy(),
        PolicyEnd::All {
            qualifier: Qualifier::Fail,
            ..
        }
    ));
    let f = record_finding(&a);
    assert_eq!(f.status, Status::Pass, "{}", crate::english(&f));
    assert_eq!(f.message.id, "spf-record-valid");
    assert_eq!(f.message.get("lookups"), Some(&Arg::Num(6)));
    assert_eq!(
        crate::english(&f),
        "One valid SPF record; evaluating it takes 6 DNS lookups (at most 10) and 0 void lookups (at most 2)."
    );
    assert!(f.evidence.iter().any(|e| {
        e.subject_message
            .as_ref()
            .is_some_and(|m| m.id == "spf-label-lookups")
            && e.detail_message.as_ref().and_then(|m| m.get("count")) == Some(&Arg::Num(6))
    }));
    renders(&f);
    let p = policy_finding(&a, MailUse::Sending);
    assert_eq!(p.status, Status::Pass);
    assert_eq!(p.message.id, "spf-policy-fail-all");
    renders(&p);
}

/// `example.org` ends in -all after a chain of eleven includes: one more
/// DNS-querying term than RFC 7208 §4.6.4 allows.
fn include_chain() -> Zone {
    let mut zone = Zone::default().txt("example.org", "v=spf1 include:i1.example.org -all");
    for i in 1..=11 {
        zone = zone.txt(
            &format!("i{i}.example.org"),
            &format!("v=spf1 include:i{}.example.org ~all", i + 1),
        );
    }
    zone
}

#[test]
fn audit_problems_fail_the_record() {
    let over = include_chain();
    let a = audited(&over, "example.org");
    assert!(a.fails());
    let f = record_finding(&a);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.message.id, "spf-record-permerror");
    assert!(
        crate::english(&f).contains("the 11th is include:i11.example.org"),
        "{}",
        crate::english(&f)
    );
    renders(&f);

    let looped = Zone::default()
        .txt("example.org", "v=spf1 include:a.example.org -all")
        .txt("a.example.org", "v=spf1 include:example.org -all");
    let a = audited(&looped, "example.org");
    assert!(
        a.problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Loop { .. })),
        "{:?}",
        a.problems
    );

    let voids = Zone::default().txt(
        "example.org",
        "v=spf1 a:nx1.example.org mx:nx2.example.org exists:nx3.example.org -all",
    );
    let a = audited(&voids, "example.org");
    assert_eq!(a.void_lookups, 3);
    assert_eq!(record_finding(&a).status, Status::Fail);

    let two = Zone::default()
        .txt("example.org", "v=spf1 -all")
        .txt("example.org", "v=spf1 ~all");
    let a = audited(&two, "example.org");
    assert_eq!(record_finding(&a).status, Status::Fail);
    assert_eq!(policy_finding(&a, MailUse::Sending).status, Status::Fail);

    // No SPF record: nothing to test for the policy (it earns nothing).
    let none = Zone::default().txt("example.org", "google-site-verification=abc");
    let a = audited(&none, "example.org");
    assert_eq!(record_finding(&a).status, Status::Fail);
    let p = policy_finding(&a, MailUse::Sending);
    assert_eq!(p.status, Status::NotTested);
    assert!(crate::english(&p).starts_with("Not tested:"));

    let broken = Zone::default().fail("example.org", RrType::Txt);
    let a = audited(&broken, "example.org");
    assert_eq!(record_finding(&a).status, Status::Error);
    assert_eq!(policy_finding(&a, MailUse::Sending).status, Status::Error);
}

#[test]
fn policy_endings() {
    let verdict = |record: &str, mail: MailUse| {
        let zone = Zone::default()
            .txt("example.org", record)
            .txt("_spf.example.org", "v=spf1 ip4:192.0.2.0/24 -all")
            .txt("open.example.org", "v=spf1 +all");
        policy_finding(&audited(&zone, "example.org"), mail).status
    };
    assert_eq!(verdict("v=spf1 -all", MailUse::Sending), Status::Pass);
    assert_eq!(verdict("v=spf1 ~all", MailUse::Sending), Status::Pass);
    assert_eq!(verdict("v=spf1 ~all", MailUse::NonSending), Status::Fail);
    assert_eq!(verdict("v=spf1 -all", MailUse::NonSending), Status::Pass);
    assert_eq!(verdict("v=spf1 ?all", MailUse::Sending), Status::Fail);
    assert_eq!(verdict("v=spf1 +all", MailUse::Sending), Status::Fail);
    assert_eq!(verdict("v=spf1 all", MailUse::Sending), Status::Fail);
    assert_eq!(verdict("v=spf1 mx", MailUse::Sending), Status::Fail);
    assert_eq!(
        verdict("v=spf1 redirect=_spf.example.org", MailUse::Sending),
        Status::Pass
    );
    assert_eq!(
        verdict("v=spf1 redirect=nowhere.example.org", MailUse::Sending),
        Status::Fail
    );
    assert_eq!(
        verdict("v=spf1 include:open.example.org -all", MailUse::Sending),
        Status::Fail
    );
    assert_eq!(
        verdict("v=spf1 ip4:0.0.0.0/0 -all", MailUse::Sending),
        Status::Fail
    );
    assert_eq!(
        verdict("v=spf1 -ip4:0.0.0.0/0 ~all", MailUse::Sending),
        Status::Pass
    );
    assert_eq!(
        verdict("v=spf1 -all redirect=open.example.org", MailUse::Sending),
        Status::Pass
    );
}

#[test]
fn a_64_kb_record_is_a_quick_permerror() {
    let huge = format!("v=spf1 {}-all", "a ".repeat(32_000));
    let zone = Zone::default()
        .txt("example.org", &huge)
        .a("example.org", "192.0.2.1");
    let start = std::time::Instant::now();
    let e = run(&zone, "203.0.113.1", "x@example.org");
    assert_eq!(e.result, SpfResult::PermError);
    let a = audited(&zone, "example.org");
    assert!(a.fails());
    assert!(a.notes.iter().any(|n| matches!(n, Note::Large { .. })));
    // A hang guard, not a timing assertion.
    assert!(start.elapsed() < std::time::Duration::from_secs(30));

    let junk = format!("v=spf1 {}", "%{s}".repeat(16_000));
    let zone = Zone::default().txt("example.org", &junk);
    assert_eq!(
        result(&zone, "192.0.2.1", "x@example.org"),
        SpfResult::PermError
    );
}

#[test]
fn macro_explosion_is_bounded() {
    let record = format!("v=spf1 exists:{}.example.org -all", "%{s}".repeat(3000));
    let zone = Zone::default().txt("example.org", &record);
    let long_sender = format!("{}@example.org", "x".repeat(60));
    let e = run(&zone, "192.0.2.1", &long_sender);
    assert_eq!(e.result, SpfResult::PermError);
    assert!(
        matches!(
            e.reason,
            Reason::Macro {
                error: ExpandError::TooLong,
                ..
            }
        ),
        "{:?}",
        e.reason
    );
    assert!(english(&e.reason.to_message()).contains("longer than 8192 bytes"));
}

proptest! {
    #[test]
    fn parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut text = b"v=spf1 ".to_vec();
        text.extend(bytes);
        let _ = parse(&text);
    }

    #[test]
    fn parser_handles_term_soup(
        terms in proptest::collection::vec(
            "[-+~?]?(all|a|mx|ptr|ip4|ip6|include|exists|redirect|exp|x)[:=/]?[%{}a-zA-Z0-9./:_-]{0,24}",
            0..20,
        )
    ) {
        let text = format!("v=spf1 {}", terms.join(" "));
        if let Ok(record) = parse(text.as_bytes()) {
            // Whatever parses evaluates to some result without panicking.
            let zone = Zone::default().txt("example.org", &text);
            let input = CheckHostInput::new("192.0.2.1".parse().unwrap(), "a@example.org", "h.example.org");
            prop_assert!(matches!(check_host(&zone, &input), Step::Done(_)));
            prop_assert!(record.directives.len() <= terms.len());
        }
    }

    #[test]
    fn macro_strings_never_panic(text in "[ -~]{0,80}") {
        for usage in [MacroUse::DomainSpec, MacroUse::Modifier, MacroUse::Explanation] {
            if let Ok(m) = MacroString::parse(&text, usage) {
                let values = macros::MacroValues {
                    sender: Some("a-b+c@example.org"),
                    sender_domain: Some("example.org"),
                    domain: Some("example.org"),
                    ip: Some("2001:db8::1".parse().unwrap()),
                    validated_name: Some("unknown"),
                    helo: Some("h"),
                    receiver: Some("r"),
                    timestamp: Some(1),
                };
                let _ = m.expand(&values);
            }
        }
    }
}

#[test]
fn observed_dns_says_what_was_not_asked() {
    let obs = indaba_model::Observations::default();
    let view = ObservedDns::new(&obs);
    assert_eq!(
        view.answer(&Question::new("example.org", RrType::Txt)),
        None
    );
    // A name no DNS client can encode cannot exist: no lookup is needed.
    assert_eq!(
        view.answer(&Question::new("foo:bar/baz.example.org", RrType::A)),
        Some(Answer::NxDomain)
    );
    // So an audit of an unobserved domain asks for its TXT record first.
    assert_eq!(
        audit(&view, "Example.ORG."),
        Step::NeedsLookup(vec![Question::new("example.org", RrType::Txt)])
    );
    assert_eq!(
        reverse_name("2001:db8::1".parse().unwrap()),
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
    );
    assert_eq!(
        reverse_name("192.0.2.3".parse().unwrap()),
        "3.2.0.192.in-addr.arpa"
    );
}

#[test]
fn helo_identity_and_postmaster() {
    let input = CheckHostInput::new("::ffff:192.0.2.1".parse().unwrap(), "", "mx.example.org");
    assert_eq!(input.domain, "mx.example.org");
    assert_eq!(input.sender, "postmaster@mx.example.org");
    assert_eq!(input.ip, "192.0.2.1".parse::<IpAddr>().unwrap());
    let input = CheckHostInput::new("192.0.2.1".parse().unwrap(), "@example.net", "h");
    assert_eq!(input.sender, "postmaster@example.net");
    assert_eq!(input.domain, "example.net");
}

/// RFC 7208 §4.6.4 and §2.6.7: records that end in permerror for mail from
/// an unlisted server give it no policy at all, whatever their `all` says
/// (issue 10; internet.nl fails its SPF policy test for them too).
#[test]
fn permerror_leaves_no_effective_policy() {
    let over = include_chain();
    let broken_include = Zone::default()
        .txt("example.org", "v=spf1 include:gone.example.org -all")
        .txt("other.example.org", "v=spf1 -all");
    let looped = Zone::default()
        .txt("example.org", "v=spf1 include:a.example.org -all")
        .txt("a.example.org", "v=spf1 include:example.org -all");
    let voids = Zone::default().txt(
        "example.org",
        "v=spf1 a:nx1.example.org a:nx2.example.org a:nx3.example.org -all",
    );
    for (zone, problem) in [
        (&over, "more than 10 DNS lookups"),
        (&broken_include, "gone.example.org has no SPF record"),
        (&looped, "makes a loop"),
        (&voids, "more than 2 lookups find nothing"),
    ] {
        let a = audited(zone, "example.org");
        let f = policy_finding(&a, MailUse::Sending);
        assert_eq!(f.status, Status::Fail, "{problem}: {}", crate::english(&f));
        assert_eq!(f.message.id, "spf-policy-permerror");
        assert!(
            crate::english(&f).contains("RFC 7208 §4.6.4, §2.6.7"),
            "{}",
            crate::english(&f)
        );
        // The problem that makes it permerror is in the evidence.
        let problems: Vec<String> = f
            .evidence
            .iter()
            .filter(|e| {
                e.subject_message
                    .as_ref()
                    .is_some_and(|m| m.id == "mail-label-problem")
            })
            .filter_map(|e| e.detail_message.as_ref().map(english))
            .collect();
        assert!(problems.iter().any(|p| p.contains(problem)), "{problems:?}");
        // The -all as written is still shown.
        assert!(
            f.evidence.iter().any(|e| e
                .detail_message
                .as_ref()
                .is_some_and(|m| m.id == "spf-ends-in-all")),
            "{:?}",
            f.evidence
        );
        renders(&f);
    }
}

/// Every problem, note and reason of the SPF code renders in English.
#[test]
fn every_spf_message_renders() {
    let zone = Zone::default()
        .txt(
            "example.org",
            "v=spf1 mx:many.example.org ptr exists:%{i}.x.example.org include:_i.example.org redirect=r.example.org",
        )
        .txt("_i.example.org", "v=spf1 +all")
        .txt("r.example.org", "v=spf1 ?all");
    let mut zone = zone;
    for i in 0..12 {
        zone = zone.mx("many.example.org", i, &format!("mx{i}.example.org"));
    }
    let a = audited(&zone, "example.org");
    assert!(!a.problems.is_empty() && !a.notes.is_empty());
    renders(&record_finding(&a));
    let p = policy_finding(&a, MailUse::Sending);
    renders(&p);
    for bad in [
        "v=spf1 ip4:1.2.3",
        "v=spf1 a:%{x}.example.org",
        "v=spf1 a:%{c}.example.org",
        "v=spf1 a:example.123",
        "v=spf1 a:example",
        "v=spf1 a:%{d0}.example",
        "v=spf1 a:%{d!}.example",
        "v=spf1 a:%",
        "v=spf1 a:%{d",
        "v=spf1 a:%x",
        "v=spf1 a:%{}",
        "v=spf1 exp=a exp=b",
        "v=spf1 \x01",
        "v=spf1 a/99",
        "v=spf1 ip6:zz",
        "v=spf1 ip4",
        "v=spf1 include",
        "v=spf1 redirect:x",
        "v=spf1 all:x",
        "v=spf1 ptr/1",
        "v=spf1 mx:x:y/1/",
        "v=spf1 1x=y",
        "v=spf1 bogus",
    ] {
        let e = parse(bad.as_bytes()).expect_err(bad);
        let said = english(&e.to_message());
        assert!(!said.is_empty(), "{bad}");
    }
    let e = run(
        &Zone::default().txt("example.org", "v=spf1 include:nothing.example.org"),
        "192.0.2.1",
        "a@example.org",
    );
    assert_eq!(e.result, SpfResult::PermError);
    assert_eq!(
        english(&e.reason.to_message()),
        "include:nothing.example.org in the record of example.org: nothing.example.org does not exist (NXDOMAIN) (RFC 7208 §5.2: permerror)"
    );
    for step in &e.trace {
        english(&step.message);
    }
}
