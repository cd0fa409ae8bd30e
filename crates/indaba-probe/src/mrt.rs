//! Route origins from an MRT routing table dump (RFC 6396: TABLE_DUMP_V2 RIB
//! files as RIPE RIS and RouteViews publish them, or older TABLE_DUMP and
//! BGP4MP files), read with `bgpkit-parser`.
//!
//! Every (prefix, origin AS) pair announced by any peer becomes a route;
//! an AS_SET at the end of a path gives each of its members. The file is
//! read as a stream, so only the table is held in memory. A malformed record
//! stops the read with its position: a silently shorter table would hide
//! routes (the same rule as for the prefix-to-AS text format).

use std::collections::HashSet;
use std::io::Read;

use bgpkit_parser::BgpkitParser;
use bgpkit_parser::models::ElemType;
use indaba_model::routing::{Asn, OriginTable, Prefix, Route};

/// Most distinct routes kept (today's global table has ~1.3 million).
pub const MAX_ROUTES: usize = 20_000_000;

/// Why an MRT file gave no table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrtError {
    /// A compressed file.
    #[error("the file is {0}-compressed; decompress it first (e.g. gunzip, bunzip2)")]
    Compressed(&'static str),
    /// A record that does not parse.
    #[error("MRT record {record} does not parse: {reason}")]
    Record {
        /// 1-based number of the routing entry being read.
        record: u64,
        /// The parser's words.
        reason: String,
    },
    /// More routes than the limit.
    #[error("more than {MAX_ROUTES} distinct routes")]
    TooLarge,
    /// No route at all.
    #[error("the file holds no route (is it an MRT RIB dump?)")]
    Empty,
}

/// What reading a dump gave.
#[derive(Debug)]
pub struct MrtTable {
    /// The routes.
    pub table: OriginTable,
    /// Distinct (prefix, origin) pairs.
    pub routes: usize,
    /// Routing entries read (one per prefix and peer).
    pub entries: u64,
}

/// Whether `head` (the first bytes of a file) starts an MRT record: a
/// common header whose type is TABLE_DUMP (12), TABLE_DUMP_V2 (13), BGP4MP
/// (16) or BGP4MP_ET (17). Text never has a zero byte at offset 4.
pub fn looks_like_mrt(head: &[u8]) -> bool {
    head.len() >= 12 && head[4] == 0 && matches!(head[5], 12 | 13 | 16 | 17)
}

/// The compression a file's first bytes announce, if any.
pub fn compression(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some("gzip")
    } else if head.starts_with(b"BZh") {
        Some("bzip2")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Some("xz")
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd")
    } else {
        None
    }
}

/// Reads the route origins of an MRT dump.
pub fn read_origins(reader: impl Read) -> Result<MrtTable, MrtError> {
    let mut pairs: HashSet<(Prefix, u32)> = HashSet::new();
    let mut entries: u64 = 0;
    for elem in BgpkitParser::from_reader(reader).into_fallible_elem_iter() {
        let elem = elem.map_err(|e| MrtError::Record {
            record: entries + 1,
            reason: e.error.to_string(),
        })?;
        entries += 1;
        if elem.elem_type != ElemType::ANNOUNCE {
            continue;
        }
        let Ok(prefix) = Prefix::new(elem.prefix.prefix.addr(), elem.prefix.prefix.prefix_len())
        else {
            continue;
        };
        for origin in elem.origin_asns.iter().flatten() {
            pairs.insert((prefix, origin.to_u32()));
            if pairs.len() > MAX_ROUTES {
                return Err(MrtError::TooLarge);
            }
        }
    }
    if pairs.is_empty() {
        return Err(MrtError::Empty);
    }
    let routes = pairs.len();
    let table = OriginTable::from_routes(pairs.into_iter().map(|(prefix, asn)| Route {
        prefix,
        origin: Asn(asn),
    }));
    Ok(MrtTable {
        table,
        routes,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(subtype: u16, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&1_767_225_600u32.to_be_bytes());
        out.extend_from_slice(&13u16.to_be_bytes());
        out.extend_from_slice(&subtype.to_be_bytes());
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// A TABLE_DUMP_V2 file: one IPv4 peer (AS64999), then one RIB entry per
    /// (prefix, path).
    fn dump(routes: &[(&str, &[u32])]) -> Vec<u8> {
        let mut peers = Vec::new();
        peers.extend_from_slice(&[127, 0, 0, 1]); // collector BGP id
        peers.extend_from_slice(&0u16.to_be_bytes()); // view name length
        peers.extend_from_slice(&1u16.to_be_bytes()); // peer count
        peers.push(0b10); // IPv4 address, 4-byte AS
        peers.extend_from_slice(&[127, 0, 0, 2]);
        peers.extend_from_slice(&[127, 0, 0, 2]);
        peers.extend_from_slice(&64999u32.to_be_bytes());
        let mut out = record(1, &peers);
        for (seq, (prefix, path)) in routes.iter().enumerate() {
            let p: Prefix = prefix.parse().unwrap();
            let (subtype, addr) = match p.addr() {
                std::net::IpAddr::V4(a) => (2u16, a.octets().to_vec()),
                std::net::IpAddr::V6(a) => (4u16, a.octets().to_vec()),
            };
            let mut attrs = vec![0x40, 1, 1, 0]; // ORIGIN IGP
            let mut segment = vec![2, path.len() as u8]; // AS_SEQUENCE
            for asn in *path {
                segment.extend_from_slice(&asn.to_be_bytes());
            }
            attrs.extend_from_slice(&[0x40, 2, segment.len() as u8]);
            attrs.extend_from_slice(&segment);
            let mut body = Vec::new();
            body.extend_from_slice(&(seq as u32).to_be_bytes());
            body.push(p.len());
            body.extend_from_slice(&addr[..usize::from(p.len()).div_ceil(8)]);
            body.extend_from_slice(&1u16.to_be_bytes()); // entry count
            body.extend_from_slice(&0u16.to_be_bytes()); // peer index
            body.extend_from_slice(&1_767_225_600u32.to_be_bytes());
            body.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
            body.extend_from_slice(&attrs);
            out.extend(record(subtype, &body));
        }
        out
    }

    #[test]
    fn reads_origins_of_both_families() {
        let bytes = dump(&[
            ("127.0.30.0/24", &[64999, 64530]),
            ("127.0.0.0/8", &[64999, 64500]),
            ("fd00::30:0/112", &[64999, 65001, 64530]),
        ]);
        assert!(looks_like_mrt(&bytes));
        let read = read_origins(bytes.as_slice()).unwrap();
        assert_eq!(read.routes, 3);
        let routes = read.table.routes_for("127.0.30.7".parse().unwrap());
        let got: Vec<String> = routes
            .iter()
            .map(|r| format!("{} {}", r.prefix, r.origin))
            .collect();
        assert_eq!(got, ["127.0.30.0/24 AS64530", "127.0.0.0/8 AS64500"]);
        let v6 = read.table.routes_for("fd00::30:10".parse().unwrap());
        assert_eq!(v6[0].origin, Asn(64530));
    }

    #[test]
    fn text_and_compressed_files_are_told_apart() {
        assert!(!looks_like_mrt(b"127.0.3.0/24 64501\n"));
        assert!(!looks_like_mrt(b"# routes\n127.0.0.0/8 1\n"));
        assert_eq!(compression(&[0x1f, 0x8b, 8, 0]), Some("gzip"));
        assert_eq!(compression(b"BZh91AY"), Some("bzip2"));
        assert_eq!(compression(b"127.0.0.0/8 1"), None);
    }

    #[test]
    fn a_cut_file_is_an_error_not_a_shorter_table() {
        let bytes = dump(&[("127.0.30.0/24", &[64999, 64530])]);
        let cut = &bytes[..bytes.len() - 5];
        let e = read_origins(cut).unwrap_err();
        assert!(matches!(e, MrtError::Record { .. }), "{e}");
        assert_eq!(read_origins(&b""[..]).unwrap_err(), MrtError::Empty);
    }

    proptest! {
        #[test]
        fn any_bytes_after_a_valid_start_never_panic(tail in prop::collection::vec(any::<u8>(), 0..600)) {
            let mut bytes = dump(&[("127.0.30.0/24", &[64999, 64530])]);
            bytes.extend_from_slice(&tail);
            let _ = read_origins(bytes.as_slice());
        }
    }
}
