//! Conformance: Mail::DKIM's key records (`t/FAKE_DNS.dat`) as its verifier
//! test (`verifier_expected.tsv`) uses them, driven through
//! `indaba_checks::dkim`.
//!
//! For each message with one DKIM-Signature, the signature's `d=`, `s=`, `a=`
//! and `i=` select a key record from FAKE_DNS.dat (absent → NXDOMAIN). The key
//! is *usable* when exactly one record parses and [`KeyRecord::permits`] the
//! signature. Expected:
//!
//! - `pass` and `fail` (the signature did or did not match the message): the
//!   key was usable, so ours must be too;
//! - `invalid` on a `badkey*` message (SOURCE.txt: those exercise key-record
//!   parsing): the key must not be usable;
//! - `invalid` on any other message comes from the signature, not the key:
//!   skipped, with the reason.
//!
//! Verifying signed messages (canonicalisation, body hash, signature) is out of
//! scope for Indaba, which judges published keys; messages whose verdict needs
//! it are skipped and counted. Where Mail::DKIM still applies RFC 4871's `g=`,
//! which RFC 6376 removed, the RFC wins and the case is judged differently.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indaba_checks::dkim::{KeyNote, PublicKey, SigningAlgorithm, parse_key_record};
use indaba_checks::dmarc::TxtAnswer;
use indaba_checks::spf::{LookupFailure, Question, RrType};
use indaba_model::ToMessage;
use indaba_model::observation::DnsFailure;

/// What a check said, in English, for the report of this suite.
fn english(said: &dyn ToMessage) -> String {
    indaba_i18n::english().render(indaba_i18n::DEFAULT_LANGUAGE, &said.to_message())
}

#[derive(Default)]
struct Tally {
    passed: usize,
    differs: Vec<String>,
    failed: Vec<String>,
    skipped: BTreeMap<String, Vec<String>>,
    weak: Vec<String>,
}

impl Tally {
    fn skip(&mut self, reason: &str, file: &str) {
        self.skipped
            .entry(reason.to_string())
            .or_default()
            .push(file.to_string());
    }
}

/// FAKE_DNS.dat: `name  value`, where value is a TXT record or a marker.
fn fake_dns(text: &str) -> HashMap<String, TxtAnswer> {
    let mut map = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let value = value.trim();
        let answer = match value {
            "NXDOMAIN" => TxtAnswer::NxDomain,
            // A marked failure (~~SERVFAIL~~): the lookup got no answer.
            v if v.starts_with("~~") => TxtAnswer::Failed(LookupFailure::NoResponse(
                Question::new(name, RrType::Txt),
                DnsFailure::Timeout,
            )),
            "\"\"" => TxtAnswer::Answered(vec![String::new()]),
            v => TxtAnswer::Answered(vec![v.to_string()]),
        };
        map.insert(name.to_ascii_lowercase(), answer);
    }
    map
}

/// The unfolded DKIM-Signature header fields of a message.
fn signatures(message: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for line in message.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.push_str(line);
            }
        } else {
            fields.push(line.to_string());
        }
    }
    fields
        .into_iter()
        .filter_map(|f| {
            let (name, value) = f.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("DKIM-Signature")
                .then(|| value.to_string())
        })
        .collect()
}

/// The tags of a signature, white space removed from values.
fn signature_tags(value: &str) -> HashMap<String, String> {
    value
        .split(';')
        .filter_map(|spec| {
            let (name, value) = spec.split_once('=')?;
            Some((
                name.trim().to_string(),
                value.chars().filter(|c| !c.is_whitespace()).collect(),
            ))
        })
        .collect()
}

/// Whether the key for this signature is usable, and what was seen.
struct Verdict {
    usable: bool,
    detail: String,
    has_granularity: bool,
    weak_bits: Option<u32>,
}

fn judge(dns: &HashMap<String, TxtAnswer>, tags: &HashMap<String, String>) -> Verdict {
    let get = |t: &str| tags.get(t).map(String::as_str).unwrap_or_default();
    let (d, s) = (get("d"), get("s"));
    let name = format!("{s}._domainkey.{d}").to_ascii_lowercase();
    let answer = dns.get(&name).cloned().unwrap_or(TxtAnswer::NxDomain);
    let unusable = |detail: String| Verdict {
        usable: false,
        detail,
        has_granularity: false,
        weak_bits: None,
    };
    let records = match answer.records() {
        Err(failure) => return unusable(format!("{name}: {}", english(failure))),
        Ok([]) => return unusable(format!("{name}: no key record")),
        Ok([one]) => one.clone(),
        Ok(many) => return unusable(format!("{name}: {} records", many.len())),
    };
    let Some(algorithm) = SigningAlgorithm::parse(get("a")) else {
        return unusable(format!("unknown signature algorithm {:?}", get("a")));
    };
    match parse_key_record(&records) {
        Err(e) => unusable(format!("{name}: {}", english(&e))),
        Ok(parsed) => {
            let has_granularity = parsed.notes.contains(&KeyNote::ObsoleteGranularity);
            let weak_bits = match parsed.record.key {
                PublicKey::Rsa { bits, .. } if bits < 1024 => Some(bits),
                _ => None,
            };
            let i = tags.get("i").map(String::as_str);
            match parsed.record.permits(algorithm, d, i) {
                Ok(()) => Verdict {
                    usable: true,
                    detail: format!("{name}: usable"),
                    has_granularity,
                    weak_bits,
                },
                Err(refusal) => Verdict {
                    usable: false,
                    detail: format!("{name}: {}", english(&refusal)),
                    has_granularity,
                    weak_bits,
                },
            }
        }
    }
}

fn run(dir: &Path, tally: &mut Tally) -> Result<(), String> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let dns = fake_dns(&read(&dir.join("t/FAKE_DNS.dat"))?);
    let expected = read(&dir.join("verifier_expected.tsv"))?;
    let mut cases = 0;
    for line in expected.lines() {
        let mut fields = line.split('\t');
        let (Some(file), Some(result)) = (fields.next(), fields.next()) else {
            continue;
        };
        let comment = fields.next().unwrap_or_default();
        cases += 1;
        let message = read(&dir.join("t/corpus").join(file))?;
        let sigs = signatures(&message);
        let badkey = file.starts_with("badkey");
        match (sigs.as_slice(), result) {
            ([], _) => {
                tally.skip(
                    "DomainKeys (RFC 4870, historic) signature, no DKIM-Signature",
                    file,
                );
                continue;
            }
            ([_, _, ..], _) => {
                tally.skip(
                    "several signatures: the verifier's verdict does not say which key it used",
                    file,
                );
                continue;
            }
            (_, "invalid") if !badkey => {
                let reason = format!(
                    "invalid because of the signature, not the key record ({}); signed-message \
                     verification is out of scope",
                    if comment.is_empty() {
                        "no comment"
                    } else {
                        comment
                    }
                );
                tally.skip(&reason, file);
                continue;
            }
            _ => {}
        }
        let Some(sig) = sigs.first() else { continue };
        let want_usable = result != "invalid";
        let verdict = judge(&dns, &signature_tags(sig));
        if let Some(bits) = verdict.weak_bits {
            tally.weak.push(format!("{file} ({bits} bits)"));
        }
        let origin = format!(
            "{file} (Mail::DKIM: {result}{})",
            if comment.is_empty() {
                String::new()
            } else {
                format!(", {comment}")
            }
        );
        if verdict.usable == want_usable {
            tally.passed += 1;
        } else if verdict.usable && verdict.has_granularity {
            tally.differs.push(format!(
                "{origin}: the key record is usable for us: {}; its g= tag was removed by RFC \
                 6376 (Appendix E) and unknown tags are ignored (§3.6.1), Mail::DKIM still \
                 applies RFC 4871's g=",
                verdict.detail
            ));
        } else {
            tally.failed.push(format!(
                "{origin}: expected the key {}usable, ours: {}",
                if want_usable { "" } else { "not " },
                verdict.detail
            ));
        }
    }
    if cases == 0 {
        return Err("no cases in verifier_expected.tsv: the format changed".into());
    }
    Ok(())
}

fn main() -> ExitCode {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/dkim-maildkim");
    let mut tally = Tally::default();
    if let Err(e) = run(&dir, &mut tally) {
        println!("dkim-maildkim conformance: {e}");
        return ExitCode::FAILURE;
    }
    for failure in &tally.failed {
        println!("FAILED {failure}");
    }
    for case in &tally.differs {
        println!("judged differently (RFC wins): {case}");
    }
    for (reason, files) in &tally.skipped {
        println!("skipped {} ({}): {reason}", files.len(), files.join(", "));
    }
    if !tally.weak.is_empty() {
        println!(
            "note: usable but below RFC 8301's 1024-bit minimum for signers, so mail.dkim.keys \
             fails them: {}",
            tally.weak.join(", ")
        );
    }
    println!(
        "dkim-maildkim conformance: {} passed, {} failed, {} skipped, {} judged differently",
        tally.passed,
        tally.failed.len(),
        tally.skipped.values().map(Vec::len).sum::<usize>(),
        tally.differs.len()
    );
    if tally.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
