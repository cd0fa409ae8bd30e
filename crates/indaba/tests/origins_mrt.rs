//! `--origins-file` reads an MRT RIB dump as well as the prefix-to-AS text
//! format, telling them apart by content: `indaba rov` gives the same routes
//! and verdicts from testbed/routing/rib.mrt (made from origins.txt by
//! testbed/routing/make-rib.py) as from origins.txt itself. Needs no network.

use std::path::PathBuf;
use std::process::Command;

fn routing(file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testbed/routing")
        .join(file)
        .display()
        .to_string()
}

fn rov(address: &str, origins: &str) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_indaba"))
        .args(["rov", address, "--vrps", &routing("vrps.json")])
        .args(["--origins-file", origins])
        .output()
        .expect("indaba runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_mrt_rib_gives_the_same_routes_as_the_text_file() {
    let mrt = routing("rib.mrt");
    let text = routing("origins.txt");
    for address in [
        "127.0.30.1",
        "127.0.11.1",
        "127.0.12.1",
        "127.0.13.1",
        "127.0.18.1",
        "fd00::30:10",
        "127.0.17.1",
    ] {
        let (code, from_mrt, err) = rov(address, &mrt);
        assert_eq!(code, Some(0), "{address}: {err}");
        let (_, from_text, _) = rov(address, &text);
        // The first line names the VRP source, the same for both.
        assert_eq!(from_mrt, from_text, "{address}");
    }
    let (_, out, _) = rov("127.0.30.1", &mrt);
    assert!(out.contains("127.0.30.0/24 from AS64530"), "{out}");
}

#[test]
fn broken_and_compressed_mrt_files_are_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("indaba-mrt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rib = std::fs::read(routing("rib.mrt")).unwrap();
    let cut = dir.join("cut.mrt");
    std::fs::write(&cut, &rib[..rib.len() - 7]).unwrap();
    let (code, _, err) = rov("127.0.30.1", &cut.display().to_string());
    assert_eq!(code, Some(2));
    assert!(
        err.contains("MRT origins file") && err.contains("does not parse"),
        "{err}"
    );
    let gz = dir.join("rib.mrt.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]).unwrap();
    let (code, _, err) = rov("127.0.30.1", &gz.display().to_string());
    assert_eq!(code, Some(2));
    assert!(
        err.contains("gzip-compressed; decompress it first"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
