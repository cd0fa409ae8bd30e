//! Runs one TLS enumeration and prints the observation as JSON: the part of
//! `indaba check --web` that `bench/tls-peers` compares with sslyze and
//! testssl.sh, without DNS, HTTP or judging around it.
//!
//! ```sh
//! cargo run --release -p indaba-probe --features client-renegotiation \
//!   --example tls-enumerate -- 127.0.30.1:443 tls-good.test
//! ```
//!
//! The settings are the engine's (`Session::tls_scan` with the default
//! five-second connect limit): ten seconds a step, 0-RTT tried with an HTTP
//! request, sixty seconds in all.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indaba_probe::tls::{Direct, TlsProbeSettings, enumerate};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(address), Some(server_name), None) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: tls-enumerate ADDRESS:PORT SERVER_NAME");
        return ExitCode::from(2);
    };
    let address: SocketAddr = match address.parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tls-enumerate: {address}: {e}");
            return ExitCode::from(2);
        }
    };
    let settings = TlsProbeSettings {
        server_name: Some(server_name),
        step_timeout: Duration::from_secs(10),
        zero_rtt_http: true,
        ..TlsProbeSettings::default()
    };
    // The engine's runtime: multi-threaded tokio, one enumeration on it.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tls-enumerate: no runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let scan = runtime.block_on(enumerate(
        &Direct { address },
        &settings,
        Instant::now() + Duration::from_secs(60),
    ));
    match serde_json::to_string(&scan) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tls-enumerate: {e}");
            ExitCode::from(1)
        }
    }
}
