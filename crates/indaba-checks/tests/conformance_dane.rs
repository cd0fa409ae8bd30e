//! Conformance: OpenSSL's DANE test vectors (`test/danetest.in`,
//! `test/dane-cross.in`), driven through `indaba_checks::dane::verify`.
//!
//! OpenSSL's driver (`test/danetest.c`) reads blocks of
//! `<TLSA-count> <cert-count> <nonamechecks> <want-result> <want-depth>`,
//! then that many TLSA lines and PEM certificates (leaf first), enables DANE
//! for the base domain (`example.com` with CA file `danetest.pem`;
//! `server.example` with no CA file for the cross-certificate case) and
//! checks the X.509 verify result and the depth at which a TLSA record
//! matched. We map our verdict onto those codes:
//! - authenticated → 0, depth of the match (for a DANE-TA key published
//!   in a Full(0) SPKI record, OpenSSL counts the depth of the certificate
//!   the key signed; for a Full(0) certificate, the depth it takes above
//!   the chain — the same as ours);
//! - a matching record with a name mismatch → 62 (hostname mismatch);
//! - a matching PKIX record whose chain lacks an issuer → 20 (unable to get
//!   local issuer);
//! - no match → 65 (DANE no match), depth -1.
//!
//! Cases where the RFC and OpenSSL's defaults disagree are listed in
//! `JUDGED_DIFFERENTLY` with our (RFC) expectation and the reason; any other
//! difference fails the run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indaba_checks::certificate::{PathError, TrustStore};
use indaba_checks::dane::{DaneFailure, DaneOutcome, MatchedAt, Protocol, Tlsa, verify};
use time::macros::datetime;

/// Validation time: inside every certificate's validity period (the
/// cross-certificate case starts 2021-08-30), outside that of the "never
/// valid" leaf, which only DANE-EE(3) may accept.
const NOW: time::OffsetDateTime = datetime!(2025-06-01 00:00 UTC);

/// (file, case number, our result code, our depth, why the RFC decides so).
const JUDGED_DIFFERENTLY: &[(&str, usize, i32, i32, &str)] = &[(
    "danetest.in",
    53,
    0,
    0,
    "a DANE-EE(3) match authenticates whatever names the certificate carries: RFC 7671 §5.1 \
     (and RFC 7672 §3.1.1 for SMTP) says the names and dates of a DANE-EE certificate are not \
     checked; OpenSSL checks the name unless the application sets \
     DANE_FLAG_NO_DANE_EE_NAMECHECKS, which this case does not",
)];

struct Case {
    number: usize,
    line: usize,
    records: Vec<Tlsa>,
    chain: Vec<Vec<u8>>,
    no_ee_namechecks: bool,
    want: i32,
    want_depth: i32,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    differs: Vec<String>,
}

fn main() -> ExitCode {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/dane-openssl");
    if !dir.is_dir() {
        println!(
            "dane-openssl conformance: the vectors were expected at {}, which is missing",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    let mut tally = Tally::default();
    let store = match std::fs::read(dir.join("danetest.pem"))
        .map_err(|e| e.to_string())
        .and_then(|pem| TrustStore::from_pem(&pem, "danetest.pem").map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            println!("dane-openssl conformance: danetest.pem: {e}");
            return ExitCode::FAILURE;
        }
    };
    run(&dir.join("danetest.in"), "example.com", &store, &mut tally);
    run(
        &dir.join("dane-cross.in"),
        "server.example",
        &TrustStore::empty("no CA file"),
        &mut tally,
    );
    for f in &tally.failed {
        println!("FAILED {f}");
    }
    for d in &tally.differs {
        println!("judged differently (RFC wins): {d}");
    }
    println!(
        "dane-openssl conformance: {} passed, {} failed, 0 skipped, {} judged differently",
        tally.passed,
        tally.failed.len(),
        tally.differs.len()
    );
    if tally.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run(path: &Path, base: &str, store: &TrustStore, tally: &mut Tally) {
    let file = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tally.failed.push(format!("{file}: unreadable: {e}"));
            return;
        }
    };
    let cases = match parse(&text) {
        Ok(c) => c,
        Err(e) => {
            tally.failed.push(format!("{file}: {e}"));
            return;
        }
    };
    if cases.is_empty() {
        tally.failed.push(format!("{file}: no cases found"));
    }
    for case in cases {
        let verdict = verify(
            &case.records,
            &case.chain,
            &[base.to_string()],
            store,
            NOW,
            Protocol::Tls,
        );
        let (got, got_depth) = openssl_code(&verdict.outcome);
        let label = format!("{file} case {} (line {})", case.number, case.line);
        if (got, got_depth) == (case.want, case.want_depth) {
            tally.passed += 1;
            continue;
        }
        let known = JUDGED_DIFFERENTLY
            .iter()
            .find(|(f, n, ..)| *f == file && *n == case.number);
        match known {
            Some((_, _, ours, our_depth, why)) if (got, got_depth) == (*ours, *our_depth) => {
                tally.differs.push(format!(
                    "{label}: OpenSSL wants {} at depth {}, we give {got} at depth {got_depth}{}: {why}",
                    case.want,
                    case.want_depth,
                    if case.no_ee_namechecks {
                        ""
                    } else {
                        " (DANE-EE name checks on in OpenSSL)"
                    }
                ));
            }
            _ => tally.failed.push(format!(
                "{label}: want {} at depth {}, got {got} at depth {got_depth} ({:?})",
                case.want, case.want_depth, verdict.outcome
            )),
        }
    }
}

/// Our verdict as OpenSSL's (verify result, match depth).
fn openssl_code(outcome: &DaneOutcome) -> (i32, i32) {
    let depth = |at: &MatchedAt| match at {
        MatchedAt::Depth(d) => i32::try_from(*d).unwrap_or(i32::MAX),
        MatchedAt::KeyInRecord { signed } => i32::try_from(*signed).unwrap_or(i32::MAX),
    };
    match outcome {
        DaneOutcome::Authenticated(auth) => (0, depth(&auth.at)),
        DaneOutcome::Failed(DaneFailure::NameMismatch { at, .. }) => (62, depth(at)),
        DaneOutcome::Failed(DaneFailure::PkixInvalid {
            at,
            error: PathError::UnknownIssuer,
            ..
        }) => (20, depth(at)),
        DaneOutcome::Failed(DaneFailure::NoMatch) => (65, -1),
        // Not a result these vectors expect: reported as a failure.
        DaneOutcome::Failed(_) | DaneOutcome::NoUsableRecords => (-1000, -1000),
    }
}

/// Reads the blocks the way `danetest.c` does: header, TLSA lines taken
/// as they come, then PEM certificates with any text between them skipped.
fn parse(text: &str) -> Result<Vec<Case>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut i = 0;
    while let Some(raw) = lines.get(i) {
        let line = raw.trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let header_line = i;
        let fields: Vec<i32> = line
            .split_whitespace()
            .map(|f| f.parse::<i32>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("line {header_line}: bad header {line:?}: {e}"))?;
        let [ntlsa, ncert, noncheck, want, want_depth] = fields[..] else {
            return Err(format!(
                "line {header_line}: header needs five numbers: {line:?}"
            ));
        };
        let mut records = Vec::new();
        for _ in 0..ntlsa {
            let rr = lines
                .get(i)
                .ok_or(format!("line {header_line}: TLSA lines missing"))?;
            i += 1;
            records.push(
                rr.parse::<Tlsa>()
                    .map_err(|e| format!("line {i}: bad TLSA {rr:?}: {e}"))?,
            );
        }
        let mut chain = Vec::new();
        while chain.len() < usize::try_from(ncert).unwrap_or(0) {
            while lines
                .get(i)
                .is_some_and(|l| l.trim() != "-----BEGIN CERTIFICATE-----")
            {
                i += 1;
            }
            i += 1;
            let mut b64 = String::new();
            loop {
                let l = lines
                    .get(i)
                    .ok_or(format!("line {header_line}: certificate not closed"))?;
                i += 1;
                if l.trim() == "-----END CERTIFICATE-----" {
                    break;
                }
                b64.push_str(l.trim());
            }
            chain.push(
                data_encoding::BASE64
                    .decode(b64.as_bytes())
                    .map_err(|e| format!("line {i}: bad base64: {e}"))?,
            );
        }
        cases.push(Case {
            number: cases.len() + 1,
            line: header_line,
            records,
            chain,
            no_ee_namechecks: noncheck != 0,
            want,
            want_depth,
        });
    }
    Ok(cases)
}
