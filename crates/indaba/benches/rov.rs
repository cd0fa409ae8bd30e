//! Route origin validation speed: a synthetic VRP set the size of today's
//! global one (~500k VRPs), a million random addresses, each validated as
//! the /24 (IPv4) or /48 (IPv6) route that covers it.
//!
//! `cargo bench -p indaba --bench rov` prints validations per second and the
//! memory the indexed VRP set takes (resident set growth while building it).
//! A benchmark, not a test: nothing here asserts a time.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use indaba_checks::rov::{self, Validity};
use indaba_model::routing::{Asn, Prefix, Route, Vrp, VrpSet};

/// xorshift64*: deterministic, so every run measures the same work.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let mut rng = Rng(0x1dab_a5ee_d000_0001);
    let v4_count = 400_000;
    let v6_count = 100_000;
    let mut vrps = Vec::with_capacity(v4_count + v6_count);
    // Roughly the global shape: most IPv4 ROAs are /24s, most IPv6 /32–/48.
    for _ in 0..v4_count {
        let len = match rng.next() % 10 {
            0..=5 => 24,
            6 => 22,
            7 => 23,
            8 => 20,
            _ => 16 + (rng.next() % 4) as u8,
        };
        let addr = IpAddr::V4(Ipv4Addr::from((rng.next() as u32) | 0x0100_0000));
        let prefix = Prefix::new(addr, len).expect("length fits");
        let max = (len + (rng.next() % 3) as u8).min(24).max(len);
        vrps.push(Vrp::new(prefix, max, Asn(1 + (rng.next() % 70_000) as u32)).expect("valid"));
    }
    for _ in 0..v6_count {
        let len = [29u8, 32, 36, 40, 44, 48][(rng.next() % 6) as usize];
        let addr = IpAddr::V6(Ipv6Addr::from(
            ((0x2000u128 | (rng.next() as u128 & 0x1fff)) << 112) | ((rng.next() as u128) << 48),
        ));
        let prefix = Prefix::new(addr, len).expect("length fits");
        vrps.push(Vrp::new(prefix, 48, Asn(1 + (rng.next() % 70_000) as u32)).expect("valid"));
    }
    let before = rss_kib();
    let started = Instant::now();
    let set = VrpSet::new(vrps.iter().copied());
    let build = started.elapsed();
    let after = rss_kib();

    let lookups = 1_000_000;
    let mut routes = Vec::with_capacity(lookups);
    for i in 0..lookups {
        // Half the addresses lie in space some ROA covers, mostly announced
        // by its own AS, as on the real Internet; the rest are anywhere.
        if i % 2 == 0 {
            let vrp = vrps[(rng.next() % vrps.len() as u64) as usize];
            let len = if vrp.prefix.addr().is_ipv4() { 24 } else { 48 };
            let origin = if rng.next().is_multiple_of(5) {
                Asn(1 + (rng.next() % 70_000) as u32)
            } else {
                vrp.asn
            };
            routes.push(Route {
                prefix: Prefix::new(vrp.prefix.addr(), len.max(vrp.prefix.len())).expect("fits"),
                origin,
            });
            continue;
        }
        let route = if i % 5 == 4 {
            let a = IpAddr::V6(Ipv6Addr::from(
                ((0x2000u128 | (rng.next() as u128 & 0x1fff)) << 112)
                    | ((rng.next() as u128) << 48),
            ));
            Prefix::new(a, 48).expect("fits")
        } else {
            Prefix::new(IpAddr::V4(Ipv4Addr::from(rng.next() as u32)), 24).expect("fits")
        };
        routes.push(Route {
            prefix: route,
            origin: Asn(1 + (rng.next() % 70_000) as u32),
        });
    }
    let started = Instant::now();
    let (mut valid, mut invalid, mut not_found) = (0u64, 0u64, 0u64);
    for route in &routes {
        match rov::validate(route, &set.covering(&route.prefix)) {
            Validity::Valid { .. } => valid += 1,
            Validity::Invalid { .. } => invalid += 1,
            Validity::NotFound => not_found += 1,
        }
    }
    let took = started.elapsed();
    drop(vrps);
    println!(
        "VRP set: {} VRPs indexed in {:.0} ms, resident memory +{} MiB",
        set.len(),
        build.as_secs_f64() * 1000.0,
        (after.saturating_sub(before)) / 1024
    );
    println!(
        "{lookups} validations in {:.0} ms: {:.2} million per second ({valid} valid, {invalid} invalid, {not_found} not found)",
        took.as_secs_f64() * 1000.0,
        lookups as f64 / took.as_secs_f64() / 1e6
    );
}
