//! The NCSC-NL TLS guidelines' tables (2025-05, as internet.nl applies them):
//! versions, cipher suites by IANA code point, key-exchange groups.
//! Anything not listed is insufficient.

use indaba_model::tls::TlsVersion;

pub use indaba_model::Rating;

/// A protocol version's rating: 1.3 good, 1.2 sufficient, the rest
/// insufficient (internet.nl has no phase-out versions any more).
pub fn version_rating(version: TlsVersion) -> Rating {
    match version {
        TlsVersion::Tls13 => Rating::Good,
        TlsVersion::Tls12 => Rating::Sufficient,
        TlsVersion::Ssl3 | TlsVersion::Tls10 | TlsVersion::Tls11 => Rating::Insufficient,
    }
}

/// Good suites: the TLS 1.3 AES-256-GCM and ChaCha20 suites.
pub const GOOD_SUITES: [(u16, &str); 2] = [
    (0x1302, "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
];

/// Sufficient suites: the other TLS 1.3 AEAD suites and ECDHE with AEAD.
pub const SUFFICIENT_SUITES: [(u16, &str); 10] = [
    (0x1301, "TLS_AES_128_GCM_SHA256"),
    (0x1304, "TLS_AES_128_CCM_SHA256"),
    (0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"),
    (0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
    (0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
];

/// Phase-out suites: ECDHE with CBC-SHA2, Camellia or ARIA, and DHE-RSA
/// with AEAD, CBC-SHA2, Camellia or ARIA.
pub const PHASE_OUT_SUITES: [(u16, &str); 35] = [
    (0xc087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xc08b, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc08a, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc04d, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc04c, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xc07d, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0xc07c, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM"),
    (0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    (0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
];

/// A cipher suite's rating.
pub fn suite_rating(id: u16) -> Rating {
    if GOOD_SUITES.iter().any(|(c, _)| *c == id) {
        Rating::Good
    } else if SUFFICIENT_SUITES.iter().any(|(c, _)| *c == id) {
        Rating::Sufficient
    } else if PHASE_OUT_SUITES.iter().any(|(c, _)| *c == id) {
        Rating::PhaseOut
    } else {
        Rating::Insufficient
    }
}

/// A key-exchange group's rating (TLS Supported Groups code point).
///
/// ECDHE on P-256/384/521, X25519, X448 and the brainpool curves is
/// sufficient, secp224r1 phase out; the hybrid ML-KEM groups are good (the
/// guidelines' post-quantum advice, and internet.nl's explanation text). The
/// RFC 7919 groups: ffdhe3072 and larger phase out, ffdhe2048 insufficient.
/// Pure ML-KEM (no classical half) is rated sufficient: it is a NIST
/// standard, but the guidelines do not list it, so it is not good.
pub fn group_rating(id: u16) -> Rating {
    match id {
        // X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024.
        0x11eb..=0x11ed => Rating::Good,
        // secp256r1, secp384r1, secp521r1, the brainpool curves of TLS 1.2,
        // x25519, x448 and the brainpool curves of TLS 1.3.
        0x0017..=0x0021 => Rating::Sufficient,
        0x0200..=0x0202 => Rating::Sufficient,
        0x0015 => Rating::PhaseOut,
        0x0101..=0x0104 => Rating::PhaseOut,
        _ => Rating::Insufficient,
    }
}

/// The rating of finite-field DHE parameters: an RFC 7919 group of 3072 bits
/// or more (generator 2) is phase out; ffdhe2048 and every other group are
/// insufficient. Also returns the RFC 7919 group's size when it is one.
pub fn dh_rating(prime_hex: &str, generator_hex: &str) -> (Rating, Option<u32>) {
    let prime = prime_hex.trim_start_matches('0').to_ascii_lowercase();
    let named = super::ffdhe::FFDHE_PRIMES
        .iter()
        .find(|(_, p)| *p == prime)
        .map(|(bits, _)| *bits);
    let generator_two = generator_hex.trim_start_matches('0') == "2";
    match named {
        Some(bits) if generator_two && bits >= 3072 => (Rating::PhaseOut, Some(bits)),
        Some(bits) => (Rating::Insufficient, Some(bits)),
        None => (Rating::Insufficient, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_match_the_iana_names() {
        for (id, name) in GOOD_SUITES
            .iter()
            .chain(SUFFICIENT_SUITES.iter())
            .chain(PHASE_OUT_SUITES.iter())
        {
            let iana = tls_parser::TlsCipherSuite::from_id(*id).map(|s| s.name);
            assert_eq!(iana, Some(*name), "0x{id:04x}");
        }
    }

    #[test]
    fn ratings() {
        assert_eq!(suite_rating(0x1302), Rating::Good);
        assert_eq!(suite_rating(0xc02f), Rating::Sufficient);
        assert_eq!(suite_rating(0xc027), Rating::PhaseOut);
        assert_eq!(suite_rating(0x009e), Rating::PhaseOut);
        // TLS_RSA_WITH_AES_128_GCM_SHA256, ECDHE CBC-SHA1, 3DES, RC4, NULL, CCM_8.
        for bad in [0x009c, 0xc013, 0x000a, 0x0005, 0x003b, 0x1305] {
            assert_eq!(suite_rating(bad), Rating::Insufficient, "0x{bad:04x}");
        }
        assert_eq!(group_rating(0x001d), Rating::Sufficient);
        assert_eq!(group_rating(0x0015), Rating::PhaseOut);
        assert_eq!(group_rating(0x0013), Rating::Insufficient);
        assert_eq!(group_rating(0x11ec), Rating::Good);
        assert_eq!(group_rating(0x0100), Rating::Insufficient);
        assert_eq!(group_rating(0x0101), Rating::PhaseOut);
        assert_eq!(version_rating(TlsVersion::Tls11), Rating::Insufficient);
    }

    #[test]
    fn rfc7919_primes_are_recognised() {
        for (bits, prime) in super::super::ffdhe::FFDHE_PRIMES {
            assert_eq!(prime.len() as u32 * 4, bits);
            assert!(prime.starts_with("ffffffffffffffffadf85458a2bb4a9a"));
            assert!(prime.ends_with("ffffffffffffffff"));
            let expected = if bits >= 3072 {
                Rating::PhaseOut
            } else {
                Rating::Insufficient
            };
            assert_eq!(dh_rating(prime, "02"), (expected, Some(bits)));
            assert_eq!(dh_rating(prime, "05").0, Rating::Insufficient);
        }
        // One changed digit is a custom group.
        let (_, p3072) = super::super::ffdhe::FFDHE_PRIMES[1];
        let flipped = if &p3072[100..101] == "e" { "d" } else { "e" };
        let custom = format!("{}{flipped}{}", &p3072[..100], &p3072[101..]);
        assert_eq!(dh_rating(&custom, "02"), (Rating::Insufficient, None));
    }
}
