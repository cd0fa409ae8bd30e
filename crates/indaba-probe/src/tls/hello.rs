//! ClientHello messages written byte by byte.
//!
//! We write our own ClientHellos instead of using a TLS library's because the
//! point is to offer what no current library will: SSL 3.0, suites without
//! forward secrecy, DEFLATE, SHA-1-only signature algorithms, an empty TLS 1.3
//! key_share. tls-parser's `serialize` feature covers only part of the
//! extensions we need, so the few lines of framing are written here.
//!
//! The tables of suites and groups to offer are taken from tls-parser's IANA
//! registry copy, so a suite IANA knows is offered even if nothing here names it.

use tls_parser::{TlsCipherKx, TlsCipherMac, TlsCipherSuite};

/// Extension code points we send or read.
pub(crate) mod ext {
    pub const SERVER_NAME: u16 = 0x0000;
    pub const STATUS_REQUEST: u16 = 0x0005;
    pub const SUPPORTED_GROUPS: u16 = 0x000a;
    pub const EC_POINT_FORMATS: u16 = 0x000b;
    pub const SIGNATURE_ALGORITHMS: u16 = 0x000d;
    pub const PADDING: u16 = 0x0015;
    pub const EXTENDED_MASTER_SECRET: u16 = 0x0017;
    pub const SUPPORTED_VERSIONS: u16 = 0x002b;
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 0x002d;
    pub const KEY_SHARE: u16 = 0x0033;
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

/// Signaling suites that are not cipher suites (RFC 5746, RFC 7507).
const SCSV: [u16; 2] = [0x00ff, 0x5600];

/// The five TLS 1.3 suites, in our order of preference.
pub(crate) const TLS13_SUITES: [u16; 5] = [0x1302, 0x1303, 0x1301, 0x1304, 0x1305];

/// x25519's code point, the group whose key share we send.
pub(crate) const X25519: u16 = 0x001d;

/// Every group we offer: all named curves, the RFC 7919 finite-field groups
/// and the ML-KEM groups and hybrids (draft-ietf-tls-ecdhe-mlkem,
/// draft-connolly-tls-mlkem-key-agreement).
pub(crate) fn all_groups() -> Vec<u16> {
    let mut groups: Vec<u16> = vec![
        0x11ec, // X25519MLKEM768
        0x11eb, // SecP256r1MLKEM768
        0x11ed, // SecP384r1MLKEM1024
        0x001d, // x25519
        0x0017, // secp256r1
        0x0018, // secp384r1
        0x0019, // secp521r1
        0x001e, // x448
        0x001a, 0x001b, 0x001c, // brainpool (TLS 1.2)
        0x001f, 0x0020, 0x0021, // brainpool (TLS 1.3)
        0x0200, 0x0201, 0x0202, // ML-KEM-512/768/1024
        0x0100, 0x0101, 0x0102, 0x0103, 0x0104, // ffdhe2048..8192
    ];
    // The legacy curves last: secp224r1 and the rest of RFC 4492.
    groups.extend((1..=0x16).rev());
    groups.push(0x0029); // curveSM2
    groups
}

/// The IANA name of a group.
pub(crate) fn group_name(id: u16) -> String {
    let name = match id {
        0x11ec => "X25519MLKEM768",
        0x11eb => "SecP256r1MLKEM768",
        0x11ed => "SecP384r1MLKEM1024",
        0x0200 => "MLKEM512",
        0x0201 => "MLKEM768",
        0x0202 => "MLKEM1024",
        0x001d => "x25519",
        0x001e => "x448",
        0x0017 => "secp256r1",
        0x0018 => "secp384r1",
        0x0019 => "secp521r1",
        0x0015 => "secp224r1",
        0x0014 => "secp224k1",
        0x0016 => "secp256k1",
        0x0013 => "secp192r1",
        0x0012 => "secp192k1",
        0x001a => "brainpoolP256r1",
        0x001b => "brainpoolP384r1",
        0x001c => "brainpoolP512r1",
        0x001f => "brainpoolP256r1tls13",
        0x0020 => "brainpoolP384r1tls13",
        0x0021 => "brainpoolP512r1tls13",
        0x0029 => "curveSM2",
        0x0100 => "ffdhe2048",
        0x0101 => "ffdhe3072",
        0x0102 => "ffdhe4096",
        0x0103 => "ffdhe6144",
        0x0104 => "ffdhe8192",
        _ => {
            return format!("{:?}", tls_parser::NamedGroup(id))
                .trim_start_matches("NamedGroup(")
                .trim_end_matches(')')
                .to_ascii_lowercase();
        }
    };
    name.to_string()
}

/// The IANA name of a suite, or its code point in hex.
pub(crate) fn suite_name(id: u16) -> String {
    TlsCipherSuite::from_id(id)
        .map(|s| s.name.to_string())
        .unwrap_or_else(|| format!("0x{id:04x}"))
}

/// The name of a signature scheme.
pub(crate) fn signature_name(id: u16) -> String {
    let name = match id {
        0x0201 => "rsa_pkcs1_sha1",
        0x0202 => "dsa_sha1",
        0x0203 => "ecdsa_sha1",
        0x0301 => "rsa_pkcs1_sha224",
        0x0302 => "dsa_sha224",
        0x0303 => "ecdsa_sha224",
        0x0401 => "rsa_pkcs1_sha256",
        0x0402 => "dsa_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0501 => "rsa_pkcs1_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0601 => "rsa_pkcs1_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        0x0101 => "rsa_pkcs1_md5",
        _ => return format!("0x{id:04x}"),
    };
    name.to_string()
}

/// The signature algorithms of an ordinary modern client.
pub(crate) const DEFAULT_SIGNATURE_ALGORITHMS: [u16; 17] = [
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401,
    0x0501, 0x0601, 0x0303, 0x0301, 0x0201,
];

/// SHA-1 only: RSA, DSA and ECDSA.
pub(crate) const SHA1_SIGNATURE_ALGORITHMS: [u16; 3] = [0x0201, 0x0203, 0x0202];
/// SHA-224 only: RSA, DSA and ECDSA.
pub(crate) const SHA224_SIGNATURE_ALGORITHMS: [u16; 3] = [0x0301, 0x0303, 0x0302];

/// The key exchange of a suite, from the IANA table.
pub(crate) fn kx(id: u16) -> Option<TlsCipherKx> {
    TlsCipherSuite::from_id(id).map(|s| s.kx)
}

/// Every suite for TLS 1.2 and below that IANA lists, strongest first (so a
/// server that follows the client's order picks a sensible one first).
pub(crate) fn legacy_suites() -> Vec<u16> {
    let mut suites: Vec<&'static TlsCipherSuite> = tls_parser::CIPHERS
        .values()
        .filter(|s| s.kx != TlsCipherKx::Tls13 && !SCSV.contains(&s.id.0))
        .collect();
    suites.sort_by_key(|s| {
        let kx_rank = match s.kx {
            TlsCipherKx::Ecdhe => 0,
            TlsCipherKx::Dhe => 1,
            TlsCipherKx::Rsa => 2,
            _ => 3,
        };
        let mac_rank = u8::from(s.mac != TlsCipherMac::Aead);
        // CHACHA20 last among equals, so OpenSSL's "prioritize ChaCha"
        // option (which only acts when the client lists ChaCha first) stays idle.
        let chacha = u8::from(s.enc == tls_parser::TlsCipherEnc::Chacha20_Poly1305);
        (
            kx_rank,
            mac_rank,
            chacha,
            std::cmp::Reverse(s.enc_size),
            s.id.0,
        )
    });
    suites.into_iter().map(|s| s.id.0).collect()
}

/// Whether a suite is a ChaCha20-Poly1305 suite.
pub(crate) fn is_chacha(id: u16) -> bool {
    TlsCipherSuite::from_id(id)
        .is_some_and(|s| s.enc == tls_parser::TlsCipherEnc::Chacha20_Poly1305)
}

/// What to put in one ClientHello.
#[derive(Debug, Clone)]
pub(crate) struct ClientHello {
    /// `legacy_version` (for TLS 1.3: 0x0303 plus supported_versions).
    pub version: u16,
    /// Offer TLS 1.3 through supported_versions (only 1.3).
    pub tls13: bool,
    /// Suites in order of preference.
    pub suites: Vec<u16>,
    /// Compression methods (null is added last when missing).
    pub compression: Vec<u8>,
    /// SNI host name.
    pub server_name: Option<String>,
    /// supported_groups; omitted when empty.
    pub groups: Vec<u16>,
    /// TLS 1.3 key shares `(group, public key)`; an empty list is sent as such.
    pub key_shares: Vec<(u16, Vec<u8>)>,
    /// signature_algorithms; omitted when empty.
    pub signature_algorithms: Vec<u16>,
}

impl ClientHello {
    /// A ClientHello for `version` offering `suites`, with the usual extensions.
    pub(crate) fn new(version: u16, suites: Vec<u16>, server_name: Option<String>) -> Self {
        let tls13 = version == 0x0304;
        ClientHello {
            version: if tls13 { 0x0303 } else { version },
            tls13,
            suites,
            compression: vec![0],
            server_name,
            groups: all_groups(),
            key_shares: if tls13 {
                vec![(X25519, random_bytes(32))]
            } else {
                Vec::new()
            },
            signature_algorithms: DEFAULT_SIGNATURE_ALGORITHMS.to_vec(),
        }
    }

    /// The whole TLS record carrying this ClientHello.
    pub(crate) fn to_record(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(1024);
        put_u16(&mut body, self.version);
        body.extend_from_slice(&random_bytes(32));
        // A session id, as TLS 1.3 middlebox compatibility mode sends one.
        body.push(32);
        body.extend_from_slice(&random_bytes(32));
        let suites: Vec<u8> = self.suites.iter().flat_map(|s| s.to_be_bytes()).collect();
        put_vec16(&mut body, &suites);
        let mut compression = self.compression.clone();
        if !compression.contains(&0) {
            compression.push(0);
        }
        put_vec8(&mut body, &compression);

        let mut exts = Vec::with_capacity(512);
        if let Some(name) = self.server_name.as_deref().filter(|n| !n.is_empty()) {
            let name = name.trim_end_matches('.').as_bytes();
            let mut entry = vec![0u8];
            put_vec16(&mut entry, name);
            let mut list = Vec::new();
            put_vec16(&mut list, &entry);
            put_ext(&mut exts, ext::SERVER_NAME, &list);
        }
        // OCSP status_request with no responder ids and no extensions.
        put_ext(&mut exts, ext::STATUS_REQUEST, &[1, 0, 0, 0, 0]);
        if !self.groups.is_empty() {
            let groups: Vec<u8> = self.groups.iter().flat_map(|g| g.to_be_bytes()).collect();
            let mut data = Vec::new();
            put_vec16(&mut data, &groups);
            put_ext(&mut exts, ext::SUPPORTED_GROUPS, &data);
            // uncompressed, ansiX962_compressed_prime, ansiX962_compressed_char2
            put_ext(&mut exts, ext::EC_POINT_FORMATS, &[3, 0, 1, 2]);
        }
        if !self.signature_algorithms.is_empty() && self.version >= 0x0303 {
            let algs: Vec<u8> = self
                .signature_algorithms
                .iter()
                .flat_map(|a| a.to_be_bytes())
                .collect();
            let mut data = Vec::new();
            put_vec16(&mut data, &algs);
            put_ext(&mut exts, ext::SIGNATURE_ALGORITHMS, &data);
        }
        put_ext(&mut exts, ext::EXTENDED_MASTER_SECRET, &[]);
        put_ext(&mut exts, ext::RENEGOTIATION_INFO, &[0]);
        if self.tls13 {
            put_ext(&mut exts, ext::SUPPORTED_VERSIONS, &[2, 0x03, 0x04]);
            put_ext(&mut exts, ext::PSK_KEY_EXCHANGE_MODES, &[1, 1]);
            let mut shares = Vec::new();
            for (group, key) in &self.key_shares {
                put_u16(&mut shares, *group);
                put_vec16(&mut shares, key);
            }
            let mut data = Vec::new();
            put_vec16(&mut data, &shares);
            put_ext(&mut exts, ext::KEY_SHARE, &data);
        }
        // Some servers (an F5 bug) hang on ClientHellos of 256 to 511 bytes;
        // RFC 7685 padding takes them past it.
        let unpadded = 4 + body.len() + 2 + exts.len();
        if (256..512).contains(&unpadded) {
            let pad = (512 - unpadded).saturating_sub(4);
            put_ext(&mut exts, ext::PADDING, &vec![0; pad]);
        }
        put_vec16(&mut body, &exts);

        let mut handshake = Vec::with_capacity(body.len() + 4);
        handshake.push(1); // client_hello
        put_u24(&mut handshake, body.len());
        handshake.extend_from_slice(&body);

        let mut record = Vec::with_capacity(handshake.len() + 5);
        record.push(22); // handshake
        // Record version: SSL 3.0 for an SSL 3.0 hello, TLS 1.0 otherwise,
        // which is what servers of every age accept.
        put_u16(
            &mut record,
            if self.version <= 0x0300 {
                0x0300
            } else {
                0x0301
            },
        );
        put_vec16(&mut record, &handshake);
        record
    }
}

pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut v = vec![0u8; n];
    rand::rng().fill_bytes(&mut v);
    v
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    let v = u32::try_from(v).unwrap_or(u32::MAX).min(0xff_ffff);
    out.extend_from_slice(&v.to_be_bytes()[1..]);
}

fn put_vec8(out: &mut Vec<u8>, data: &[u8]) {
    out.push(u8::try_from(data.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(&data[..data.len().min(255)]);
}

fn put_vec16(out: &mut Vec<u8>, data: &[u8]) {
    let len = data.len().min(0xffff);
    put_u16(out, len as u16);
    out.extend_from_slice(&data[..len]);
}

fn put_ext(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_vec16(out, data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tls12_hello_parses_back_with_tls_parser() {
        let hello = ClientHello::new(0x0303, legacy_suites(), Some("example.nl".into()));
        let record = hello.to_record();
        let (rest, parsed) = tls_parser::parse_tls_plaintext(&record).expect("parses");
        assert!(rest.is_empty());
        let Some(tls_parser::TlsMessage::Handshake(tls_parser::TlsMessageHandshake::ClientHello(
            ch,
        ))) = parsed.msg.first()
        else {
            panic!("not a ClientHello: {parsed:?}");
        };
        assert_eq!(ch.version.0, 0x0303);
        assert_eq!(ch.ciphers.len(), hello.suites.len());
        let exts = tls_parser::parse_tls_client_hello_extensions(ch.ext.expect("extensions"))
            .expect("extensions parse")
            .1;
        assert!(exts.iter().any(|e| matches!(
            e,
            tls_parser::TlsExtension::SNI(names) if names.iter().any(|(_, n)| *n == b"example.nl")
        )));
    }

    #[test]
    fn a_tls13_hello_offers_only_tls13_and_an_x25519_share() {
        let hello = ClientHello::new(0x0304, TLS13_SUITES.to_vec(), None);
        let record = hello.to_record();
        let (_, parsed) = tls_parser::parse_tls_plaintext(&record).expect("parses");
        let Some(tls_parser::TlsMessage::Handshake(tls_parser::TlsMessageHandshake::ClientHello(
            ch,
        ))) = parsed.msg.first()
        else {
            panic!("not a ClientHello");
        };
        assert_eq!(ch.version.0, 0x0303);
        let exts = tls_parser::parse_tls_client_hello_extensions(ch.ext.expect("extensions"))
            .expect("extensions parse")
            .1;
        assert!(exts.iter().any(|e| matches!(
            e,
            tls_parser::TlsExtension::SupportedVersions(v) if v.len() == 1 && v[0].0 == 0x0304
        )));
    }

    #[test]
    fn hellos_avoid_the_256_to_511_byte_range() {
        for n in 1..200 {
            let suites: Vec<u16> = legacy_suites().into_iter().take(n).collect();
            let record = ClientHello::new(0x0303, suites, None).to_record();
            let handshake_len = record.len() - 5;
            assert!(
                !(256..512).contains(&handshake_len),
                "{n} suites give {handshake_len} bytes"
            );
        }
    }

    #[test]
    fn suite_lists_hold_no_signalling_values_and_no_tls13_suites() {
        let suites = legacy_suites();
        assert!(suites.len() > 300);
        assert!(!suites.contains(&0x00ff) && !suites.contains(&0x5600));
        assert!(!suites.iter().any(|s| TLS13_SUITES.contains(s)));
        // ECDHE AEAD first.
        assert_eq!(kx(suites[0]), Some(TlsCipherKx::Ecdhe));
    }
}
