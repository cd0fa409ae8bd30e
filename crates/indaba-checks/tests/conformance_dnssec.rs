//! Conformance: NLnet Labs Unbound's DNSSEC vectors, driven through the
//! primitives our validator uses (`indaba_checks::dnssec::crypto`).
//!
//! - `test_sigs.*`, `test_signatures.*`: the first entry's DNSKEY set verifies
//!   every later RRset at the time Unbound's own driver uses for that file; an
//!   RRset must be bogus when it has no signature or its name (or the query
//!   name) starts with "bogus", secure otherwise (as testcode/unitverify.c).
//! - `test_ds.*`: a DS and a DNSKEY must match when the query name is "yes.".
//! - `test_nsec3_hash.1`: the query name hashed with the NSEC3 parameters in
//!   the authority section is the first label of the answer's owner.
//!
//! Prints passed / failed / skipped, every skip with its reason, and fails if
//! any case fails. The `val_*.rpl` replay scenarios need a replaying resolver
//! and are not driven here (said in the output).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use data_encoding::{BASE32_DNSSEC, BASE64, HEXUPPER_PERMISSIVE};
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, NSEC, NSEC3, RRSIG, SigInput};
use hickory_proto::dnssec::{Algorithm, DigestType, Nsec3HashAlgorithm, PublicKeyBuf};
use hickory_proto::rr::{Name, RData, Record, RecordType, SerialNumber};
use hickory_proto::serialize::txt::Parser;
use indaba_checks::dnssec::anchor::zone_file_records;
use indaba_checks::dnssec::crypto;

/// Validation time per file, from Unbound's testcode/unitverify.c.
const DATES: &[(&str, &str)] = &[
    ("test_signatures.1", "20070818005004"),
    ("test_signatures.2", "20080414005004"),
    ("test_signatures.3", "20080416005004"),
    ("test_signatures.4", "20080416005004"),
    ("test_signatures.5", "20080416005004"),
    ("test_signatures.6", "20080416005004"),
    ("test_signatures.7", "20070829144150"),
    ("test_signatures.8", "20070829144150"),
    ("test_signatures.9", "20171215000000"),
    ("test_sigs.rsasha256", "20070829144150"),
    ("test_sigs.sha1_and_256", "20070829144150"),
    ("test_sigs.rsasha256_draft", "20090101000000"),
    ("test_sigs.rsasha512_draft", "20070829144150"),
    ("test_sigs.hinfo", "20090107100022"),
    ("test_sigs.revoked", "20080414005004"),
    ("test_sigs.gost", "20090807060504"),
    ("test_sigs.ecdsa_p256", "20100908100439"),
    ("test_sigs.ecdsa_p384", "20100908100439"),
    ("test_sigs.ed25519", "20170530140439"),
    ("test_sigs.ed448", "20180408143630"),
];

/// Algorithm mnemonics the vector files use, as numbers for the parser.
const ALGORITHMS: &[(&str, &str)] = &[
    ("RSASHA1-NSEC3-SHA1", "7"),
    ("DSA-NSEC3-SHA1", "6"),
    ("RSASHA256", "8"),
    ("RSASHA512", "10"),
    ("RSASHA1", "5"),
    ("RSAMD5", "1"),
    ("ECDSAP256SHA256", "13"),
    ("ECDSAP384SHA384", "14"),
    ("ECC-GOST", "12"),
    ("ED25519", "15"),
    ("ED448", "16"),
    ("DSA", "3"),
];

/// Cases where we judge differently from Unbound on purpose, with the reason.
const JUDGED_DIFFERENTLY: &[(&str, &str)] = &[(
    "test_sigs.sha1_and_256 entry 3 bogus.example.com. A",
    "one valid RSASHA256 signature suffices: RFC 6840 §5.11 says validators MUST NOT insist \
     that every algorithm in the DNSKEY set signs (Unbound's test requires the RSASHA1 one too)",
)];

#[derive(Default)]
struct Tally {
    passed: usize,
    differs: Vec<String>,
    failed: Vec<String>,
    skipped: BTreeMap<String, usize>,
}

impl Tally {
    fn skip(&mut self, reason: String) {
        *self.skipped.entry(reason).or_default() += 1;
    }
}

/// One ENTRY of a vector file.
struct Entry {
    qname: String,
    answer: Vec<Record>,
    authority: Vec<Record>,
}

fn main() -> ExitCode {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/dnssec-unbound/testdata");
    if !dir.is_dir() {
        println!(
            "dnssec-unbound conformance: the vectors were expected at {}, which is missing",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    let mut tally = Tally::default();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            println!(
                "dnssec-unbound conformance: cannot read {}: {e}",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    files.sort();
    let mut replay = 0;
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("test_sigs.") || name.starts_with("test_signatures.") {
            signatures(path, name, &mut tally);
        } else if name.starts_with("test_ds.") {
            ds(path, name, &mut tally);
        } else if name.starts_with("test_nsec3_hash") {
            nsec3(path, name, &mut tally);
        } else if name.starts_with("val_") {
            replay += 1;
        }
    }
    for failure in &tally.failed {
        println!("FAILED {failure}");
    }
    for case in &tally.differs {
        println!("judged differently (RFC wins): {case}");
    }
    for (reason, count) in &tally.skipped {
        println!("skipped {count}: {reason}");
    }
    println!(
        "not driven: {replay} val_*.rpl replay scenarios (they need a resolver that replays canned \
         authoritative answers; the test network's cases cover validation end to end)"
    );
    println!(
        "dnssec-unbound conformance: {} passed, {} failed, {} skipped, {} judged differently",
        tally.passed,
        tally.failed.len(),
        tally.skipped.values().sum::<usize>(),
        tally.differs.len()
    );
    if tally.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn read_entries(path: &Path, tally: &mut Tally, file: &str) -> Vec<Entry> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tally.failed.push(format!("{file}: unreadable: {e}"));
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    let mut entry_count = 0;
    let mut current: Option<(String, String, String, String)> = None; // section, qname, answer, authority
    for raw in text.lines() {
        let line = raw.split(';').next().unwrap_or("").trim();
        if line == "ENTRY_BEGIN" {
            current = Some((String::new(), String::new(), String::new(), String::new()));
            continue;
        }
        let Some((section, qname, answer, authority)) = current.as_mut() else {
            continue;
        };
        if line == "ENTRY_END" {
            let (_, qname, answer, authority) = current.take().unwrap_or_default();
            entry_count += 1;
            let index = entry_count;
            match (parse(&answer), parse(&authority)) {
                (Ok(answer), Ok(authority)) => entries.push(Entry {
                    qname,
                    answer,
                    authority,
                }),
                (Err(e), _) | (_, Err(e)) => tally
                    .failed
                    .push(format!("{file} entry {index}: records do not parse: {e}")),
            }
        } else if let Some(s) = line.strip_prefix("SECTION ") {
            *section = s.trim().to_string();
        } else if !line.is_empty() {
            match section.as_str() {
                "QUESTION" => {
                    *qname = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase()
                }
                "ANSWER" => {
                    answer.push_str(raw);
                    answer.push('\n');
                }
                "AUTHORITY" => {
                    authority.push_str(raw);
                    authority.push('\n');
                }
                _ => {}
            }
        }
    }
    entries
}

fn parse(text: &str) -> Result<Vec<Record>, String> {
    zone_file_records(text)
        .into_iter()
        .map(|(_, record)| parse_record(&record))
        .collect()
}

/// One record in presentation form. hickory's zone parser refuses DNSSEC
/// types (it expects a signer to make them), so those are built here.
fn parse_record(text: &str) -> Result<Record, String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let owner =
        Name::from_ascii(fields.first().ok_or("empty record")?).map_err(|e| e.to_string())?;
    let mut i = 1;
    let mut ttl = 3600;
    while let Some(f) = fields.get(i) {
        if let Ok(t) = f.parse::<u32>() {
            ttl = t;
        } else if !f.eq_ignore_ascii_case("IN") {
            break;
        }
        i += 1;
    }
    let rtype = fields.get(i).ok_or("no type")?.to_ascii_uppercase();
    let data: Vec<&str> = fields[i + 1..].to_vec();
    let num = |k: usize| -> Result<u64, String> {
        let f = data.get(k).ok_or(format!("{rtype}: field {k} missing"))?;
        let f = ALGORITHMS
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(f))
            .map(|(_, n)| *n)
            .unwrap_or(f);
        f.parse::<u64>()
            .map_err(|_| format!("{rtype}: {f} is not a number"))
    };
    let joined = |from: usize| data.get(from..).unwrap_or_default().concat();
    let dnssec = |d: DNSSECRData| Ok(Record::from_rdata(owner.clone(), ttl, RData::DNSSEC(d)));
    match rtype.as_str() {
        "DNSKEY" => {
            let key = BASE64
                .decode(joined(3).as_bytes())
                .map_err(|e| e.to_string())?;
            dnssec(DNSSECRData::DNSKEY(DNSKEY::with_flags(
                num(0)? as u16,
                PublicKeyBuf::new(key, Algorithm::from_u8(num(2)? as u8)),
            )))
        }
        "DS" => {
            let digest = HEXUPPER_PERMISSIVE
                .decode(joined(3).to_ascii_uppercase().as_bytes())
                .map_err(|e| e.to_string())?;
            dnssec(DNSSECRData::DS(DS::new(
                num(0)? as u16,
                Algorithm::from_u8(num(1)? as u8),
                DigestType::from(num(2)? as u8),
                digest,
            )))
        }
        "RRSIG" => {
            let when = |k: usize| -> Result<u32, String> {
                let f = data.get(k).ok_or("RRSIG time missing")?;
                if f.len() == 14 {
                    unix_time(f)
                        .map(|t| t as u32)
                        .ok_or(format!("bad time {f}"))
                } else {
                    f.parse::<u32>().map_err(|_| format!("bad time {f}"))
                }
            };
            let covered: RecordType = data
                .first()
                .ok_or("RRSIG type missing")?
                .parse()
                .map_err(|_| "RRSIG covers an unknown type".to_string())?;
            let input = SigInput {
                type_covered: covered,
                algorithm: Algorithm::from_u8(num(1)? as u8),
                num_labels: num(2)? as u8,
                original_ttl: num(3)? as u32,
                sig_expiration: SerialNumber::new(when(4)?),
                sig_inception: SerialNumber::new(when(5)?),
                key_tag: num(6)? as u16,
                signer_name: Name::from_ascii(data.get(7).ok_or("RRSIG signer missing")?)
                    .map_err(|e| e.to_string())?,
            };
            let sig = BASE64
                .decode(joined(8).as_bytes())
                .map_err(|e| e.to_string())?;
            dnssec(DNSSECRData::RRSIG(RRSIG::from_sig(input, sig)))
        }
        "NSEC" => {
            let next = Name::from_ascii(data.first().ok_or("NSEC next missing")?)
                .map_err(|e| e.to_string())?;
            let types = data[1..]
                .iter()
                .filter_map(|t| t.parse::<RecordType>().ok());
            dnssec(DNSSECRData::NSEC(NSEC::new(next, types)))
        }
        "NSEC3" => {
            let salt = match data.get(3) {
                Some(&"-") | None => Vec::new(),
                Some(h) => HEXUPPER_PERMISSIVE
                    .decode(h.to_ascii_uppercase().as_bytes())
                    .map_err(|e| e.to_string())?,
            };
            let next = BASE32_DNSSEC
                .decode(
                    data.get(4)
                        .ok_or("NSEC3 next missing")?
                        .to_ascii_lowercase()
                        .as_bytes(),
                )
                .map_err(|e| e.to_string())?;
            let types = data[5..]
                .iter()
                .filter_map(|t| t.parse::<RecordType>().ok());
            dnssec(DNSSECRData::NSEC3(NSEC3::new(
                Nsec3HashAlgorithm::try_from(num(0)? as u8).map_err(|e| e.to_string())?,
                num(1)? & 1 == 1,
                num(2)? as u16,
                salt,
                next,
                types,
            )))
        }
        _ => {
            let zone = format!("$TTL {ttl}\n{}\n", fields.join(" "));
            let (_, sets) = Parser::new(zone, None, Some(Name::root()))
                .parse()
                .map_err(|e| e.to_string())?;
            sets.into_values()
                .flat_map(|set| set.records_without_rrsigs().cloned().collect::<Vec<_>>())
                .next()
                .ok_or_else(|| format!("no record in {text:?}"))
        }
    }
}

fn unix_time(date: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year][month][day][hour][minute][second]");
    time::PrimitiveDateTime::parse(date, &format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

fn algorithm_name(n: u8) -> String {
    ALGORITHMS
        .iter()
        .find(|(_, num)| num.parse::<u8>().ok() == Some(n))
        .map(|(m, _)| format!("{n} ({m})"))
        .unwrap_or_else(|| n.to_string())
}

fn signatures(path: &Path, file: &str, tally: &mut Tally) {
    let Some(now) = DATES
        .iter()
        .find(|(f, _)| *f == file)
        .and_then(|(_, d)| unix_time(d))
    else {
        tally
            .failed
            .push(format!("{file}: no validation date known for this file"));
        return;
    };
    let entries = read_entries(path, tally, file);
    let Some((first, rest)) = entries.split_first() else {
        return;
    };
    let keys: Vec<DNSKEY> = first
        .answer
        .iter()
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k.clone()),
            _ => None,
        })
        .collect();
    for (index, entry) in rest.iter().enumerate() {
        let mut sets: Vec<(Name, RecordType)> = Vec::new();
        for r in &entry.answer {
            let key = (r.name.clone(), r.record_type());
            if r.record_type() != RecordType::RRSIG && !sets.contains(&key) {
                sets.push(key);
            }
        }
        for (owner, rtype) in sets {
            let label = format!("{file} entry {} {owner} {rtype}", index + 2);
            let set: Vec<Record> = entry
                .answer
                .iter()
                .filter(|r| r.name == owner && r.record_type() == rtype)
                .cloned()
                .collect();
            let sigs: Vec<RRSIG> = entry
                .answer
                .iter()
                .filter(|r| r.name == owner)
                .filter_map(|r| match &r.data {
                    RData::DNSSEC(DNSSECRData::RRSIG(s)) if s.input().type_covered == rtype => {
                        Some(s.clone())
                    }
                    _ => None,
                })
                .collect();
            let must_be_bogus = sigs.is_empty()
                || entry.qname.starts_with("bogus")
                || owner.to_ascii().to_ascii_lowercase().starts_with("bogus");
            if !sigs.is_empty()
                && sigs
                    .iter()
                    .all(|s| !crypto::algorithm_supported(s.input().algorithm))
            {
                tally.skip(format!(
                    "algorithm {} is not supported by our validator (RFC 8624: {})",
                    algorithm_name(u8::from(sigs[0].input().algorithm)),
                    match u8::from(sigs[0].input().algorithm) {
                        1 | 3 | 6 | 12 => "MUST NOT validate",
                        16 => "validation RECOMMENDED, but ring has no Ed448",
                        _ => "MAY validate",
                    }
                ));
                continue;
            }
            let mut errors: Vec<crypto::SignatureError> = Vec::new();
            let secure = sigs.iter().any(|sig| {
                keys.iter()
                    .filter(|k| crypto::key_tag(k) == sig.input().key_tag)
                    .any(|k| {
                        match crypto::verify_rrsig(&set, sig, k, &sig.input().signer_name, now) {
                            Ok(()) => true,
                            Err(e) => {
                                errors.push(e);
                                false
                            }
                        }
                    })
            });
            let short_key = errors
                .iter()
                .any(|e| matches!(e, crypto::SignatureError::KeyTooShort { .. }));
            if !secure && !must_be_bogus && short_key {
                tally.skip(
                    "RSA key under 1024 bits: refused on purpose (RFC 8624 §3.1: factorable; \
                     upstream still validates it)"
                        .to_string(),
                );
                continue;
            }
            match (secure, must_be_bogus) {
                (true, false) | (false, true) => tally.passed += 1,
                (true, true) => match JUDGED_DIFFERENTLY.iter().find(|(case, _)| *case == label) {
                    Some((_, why)) => tally
                        .differs
                        .push(format!("{label}: secure, not bogus: {why}")),
                    None => tally
                        .failed
                        .push(format!("{label}: verified but must be bogus")),
                },
                (false, false) => tally.failed.push(format!(
                    "{label}: must verify but did not: {}",
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
            }
        }
    }
}

fn ds(path: &Path, file: &str, tally: &mut Tally) {
    for (index, entry) in read_entries(path, tally, file).iter().enumerate() {
        let label = format!("{file} entry {}", index + 1);
        let ds: Vec<(&Name, &DS)> = entry
            .answer
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DS(d)) => Some((&r.name, d)),
                _ => None,
            })
            .collect();
        let keys: Vec<&DNSKEY> = entry
            .answer
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k),
                _ => None,
            })
            .collect();
        let (Some((owner, ds)), Some(key)) = (ds.first(), keys.first()) else {
            tally.failed.push(format!("{label}: no DS and DNSKEY pair"));
            continue;
        };
        let expect = entry.qname.starts_with("yes");
        match crypto::ds_matches(ds, owner, key) {
            None => tally.skip(format!(
                "DS digest type {} is not supported",
                u8::from(ds.digest_type())
            )),
            Some(m) if m == expect => tally.passed += 1,
            Some(m) => tally
                .failed
                .push(format!("{label}: expected match = {expect}, got {m}")),
        }
    }
}

fn nsec3(path: &Path, file: &str, tally: &mut Tally) {
    for (index, entry) in read_entries(path, tally, file).iter().enumerate() {
        let label = format!("{file} entry {} ({})", index + 1, entry.qname);
        let params = entry.authority.iter().find_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::NSEC3(n)) => Some(n.clone()),
            _ => None,
        });
        let expected = entry
            .answer
            .first()
            .and_then(|r| r.name.iter().next().map(|l| l.to_ascii_lowercase()));
        let (Some(params), Some(expected), Ok(qname)) =
            (params, expected, Name::from_ascii(&entry.qname))
        else {
            tally.failed.push(format!("{label}: entry incomplete"));
            continue;
        };
        let algorithm = u8::from(params.hash_algorithm());
        match crypto::nsec3_hash(algorithm, params.salt(), params.iterations(), &qname) {
            None => tally.skip(format!("NSEC3 hash algorithm {algorithm} is not defined")),
            Some(hash) => {
                let got = data_encoding::BASE32_DNSSEC.encode(&hash);
                if got == String::from_utf8_lossy(&expected) {
                    tally.passed += 1;
                } else {
                    tally.failed.push(format!(
                        "{label}: hash {got}, expected {}",
                        String::from_utf8_lossy(&expected)
                    ));
                }
            }
        }
    }
}
