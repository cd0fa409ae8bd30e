//! Routing data: prefixes, AS numbers, route origins and Validated ROA
//! Payloads (VRPs), and an index that finds the VRPs covering a prefix.
//!
//! The index keeps one hash map per prefix length, so finding every VRP that
//! covers a route costs at most 33 (IPv4) or 129 (IPv6) map lookups, and in
//! practice one per length present in the set (about 25). That is fast enough
//! for a million lookups a second against the global set (~500k VRPs) without
//! the complexity of a radix tree; `indaba rov --bench` measures it.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An IP prefix, normalised (host bits cleared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Prefix {
    addr: IpAddr,
    len: u8,
}

/// Why text is not a prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// Not `address/length`.
    #[error("{0:?} is not a prefix such as 192.0.2.0/24 or 2001:db8::/32")]
    BadPrefix(String),
    /// Not an AS number.
    #[error("{0:?} is not an AS number such as AS64500 or 64500")]
    BadAsn(String),
    /// maxLength shorter than the prefix or longer than the address.
    #[error("maxLength {max_length} does not fit prefix {prefix}")]
    BadMaxLength {
        /// The prefix.
        prefix: String,
        /// The maxLength given.
        max_length: u8,
    },
    /// A VRP file that cannot be read.
    #[error("the VRP file is not JSON in a known format (rpki-client, Routinator, stayrtr): {0}")]
    BadVrpFile(String),
    /// A record of a route-origin zone that is not in Team Cymru's format.
    #[error("{0:?} is not a route origin record (\"ASN [ASN...] | PREFIX | ...\")")]
    BadOriginRecord(String),
    /// A line of a prefix-to-AS file that does not parse.
    #[error("origins file line {line}: {reason}")]
    BadOriginsFile {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

impl Prefix {
    /// A prefix of `len` bits at `addr`; host bits are cleared.
    pub fn new(addr: IpAddr, len: u8) -> Result<Prefix, RoutingError> {
        let max = max_len(addr);
        if len > max {
            return Err(RoutingError::BadPrefix(format!("{addr}/{len}")));
        }
        Ok(Prefix {
            addr: mask(addr, len),
            len,
        })
    }

    /// The host prefix of one address (/32 or /128).
    pub fn host(addr: IpAddr) -> Prefix {
        Prefix {
            addr,
            len: max_len(addr),
        }
    }

    /// The network address.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    pub fn len(&self) -> u8 {
        self.len
    }

    /// Whether this is the zero-length prefix.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether this prefix covers (contains or equals) `other`.
    pub fn covers(&self, other: &Prefix) -> bool {
        self.addr.is_ipv4() == other.addr.is_ipv4()
            && self.len <= other.len
            && mask(other.addr, self.len) == self.addr
    }
}

fn max_len(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

fn mask(addr: IpAddr, len: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            let m = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let m = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len))
            };
            IpAddr::V6((bits & m).into())
        }
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

impl FromStr for Prefix {
    type Err = RoutingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || RoutingError::BadPrefix(s.chars().take(60).collect());
        match s.split_once('/') {
            Some((a, l)) => {
                let addr: IpAddr = a.parse().map_err(|_| bad())?;
                let len: u8 = l.parse().map_err(|_| bad())?;
                Prefix::new(addr, len).map_err(|_| bad())
            }
            None => s.parse::<IpAddr>().map(Prefix::host).map_err(|_| bad()),
        }
    }
}

impl TryFrom<String> for Prefix {
    type Error = RoutingError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Prefix> for String {
    fn from(p: Prefix) -> Self {
        p.to_string()
    }
}

impl schemars::JsonSchema for Prefix {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Prefix".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "description": "An IP prefix, address/length."})
    }
}

/// An autonomous system number.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub struct Asn(pub u32);

impl fmt::Display for Asn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AS{}", self.0)
    }
}

impl FromStr for Asn {
    type Err = RoutingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let digits = t
            .strip_prefix("AS")
            .or_else(|| t.strip_prefix("as"))
            .unwrap_or(t);
        digits
            .parse::<u32>()
            .map(Asn)
            .map_err(|_| RoutingError::BadAsn(t.chars().take(30).collect()))
    }
}

/// A Validated ROA Payload: `asn` may originate `prefix` and more-specifics
/// up to `max_length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Vrp {
    /// The prefix.
    pub prefix: Prefix,
    /// The longest announcement it allows.
    pub max_length: u8,
    /// The AS allowed to originate (AS0: none may).
    pub asn: Asn,
}

impl Vrp {
    /// A VRP, checking that `max_length` fits the prefix.
    pub fn new(prefix: Prefix, max_length: u8, asn: Asn) -> Result<Vrp, RoutingError> {
        if max_length < prefix.len() || max_length > max_len(prefix.addr()) {
            return Err(RoutingError::BadMaxLength {
                prefix: prefix.to_string(),
                max_length,
            });
        }
        Ok(Vrp {
            prefix,
            max_length,
            asn,
        })
    }
}

impl fmt::Display for Vrp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} max /{} {}", self.prefix, self.max_length, self.asn)
    }
}

/// A route as announced: a prefix and the AS that originates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Route {
    /// Announced prefix.
    pub prefix: Prefix,
    /// Origin AS.
    pub origin: Asn,
}

/// A set of VRPs indexed for covering lookups.
#[derive(Debug, Default, Clone)]
pub struct VrpSet {
    by_len: HashMap<(bool, u8), HashMap<IpAddr, Vec<Vrp>>>,
    lengths_v4: Vec<u8>,
    lengths_v6: Vec<u8>,
    count: usize,
}

impl VrpSet {
    /// Indexes VRPs (duplicates are kept once).
    pub fn new(vrps: impl IntoIterator<Item = Vrp>) -> VrpSet {
        let mut set = VrpSet::default();
        for vrp in vrps {
            let bucket = set
                .by_len
                .entry((vrp.prefix.addr().is_ipv4(), vrp.prefix.len()))
                .or_default()
                .entry(vrp.prefix.addr())
                .or_default();
            if !bucket.contains(&vrp) {
                bucket.push(vrp);
                set.count += 1;
            }
        }
        for (v4, len) in set.by_len.keys() {
            if *v4 {
                set.lengths_v4.push(*len);
            } else {
                set.lengths_v6.push(*len);
            }
        }
        set.lengths_v4.sort_unstable();
        set.lengths_v6.sort_unstable();
        set
    }

    /// How many distinct VRPs.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Every VRP whose prefix covers `prefix`.
    pub fn covering(&self, prefix: &Prefix) -> Vec<Vrp> {
        let v4 = prefix.addr().is_ipv4();
        let lengths = if v4 {
            &self.lengths_v4
        } else {
            &self.lengths_v6
        };
        let mut found = Vec::new();
        for &len in lengths.iter().take_while(|l| **l <= prefix.len()) {
            if let Some(map) = self.by_len.get(&(v4, len))
                && let Some(vrps) = map.get(&mask(prefix.addr(), len))
            {
                found.extend_from_slice(vrps);
            }
        }
        found
    }

    /// Reads the JSON exports of rpki-client, Routinator (`--format json`) and
    /// stayrtr/GoRTR: an object with `roas` (or `vrps`), each entry with a
    /// prefix, `maxLength` (or `max_length`) and an `asn` as number or "AS…".
    pub fn from_json(text: &str) -> Result<VrpSet, RoutingError> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| RoutingError::BadVrpFile(e.to_string()))?;
        let list = doc
            .get("roas")
            .or_else(|| doc.get("vrps"))
            .and_then(|v| v.as_array())
            .ok_or_else(|| RoutingError::BadVrpFile("no \"roas\" or \"vrps\" list".into()))?;
        let mut vrps = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let at = |e: RoutingError| RoutingError::BadVrpFile(format!("entry {}: {e}", i + 1));
            let prefix: Prefix = entry
                .get("prefix")
                .and_then(|p| p.as_str())
                .ok_or_else(|| at(RoutingError::BadPrefix("missing".into())))?
                .parse()
                .map_err(at)?;
            let max_length = entry
                .get("maxLength")
                .or_else(|| entry.get("max_length"))
                .and_then(|m| m.as_u64())
                .map(|m| m.min(255) as u8)
                .unwrap_or(prefix.len());
            let asn = match entry.get("asn") {
                Some(serde_json::Value::Number(n)) => n
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .map(Asn)
                    .ok_or_else(|| at(RoutingError::BadAsn(n.to_string())))?,
                Some(serde_json::Value::String(s)) => s.parse().map_err(at)?,
                _ => return Err(at(RoutingError::BadAsn("missing".into()))),
            };
            vrps.push(Vrp::new(prefix, max_length, asn).map_err(at)?);
        }
        Ok(VrpSet::new(vrps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Prefix {
        s.parse().unwrap()
    }

    #[test]
    fn prefixes_parse_and_normalise() {
        assert_eq!(p("192.0.2.77/24").to_string(), "192.0.2.0/24");
        assert_eq!(p("2001:db8::1/32").to_string(), "2001:db8::/32");
        assert_eq!(p("192.0.2.1").len(), 32);
        assert!("192.0.2.0/33".parse::<Prefix>().is_err());
        assert!("nonsense".parse::<Prefix>().is_err());
        assert!(p("192.0.2.0/24").covers(&p("192.0.2.128/25")));
        assert!(!p("192.0.2.0/24").covers(&p("192.0.3.0/24")));
        assert!(!p("0.0.0.0/0").covers(&p("::/0")));
    }

    #[test]
    fn reads_the_three_json_formats() {
        let text = r#"{"roas":[
            {"prefix":"192.0.2.0/24","maxLength":24,"asn":64500,"ta":"testbed"},
            {"prefix":"2001:db8::/32","maxLength":48,"asn":"AS64501"},
            {"prefix":"198.51.100.0/24","max_length":25,"asn":"64502"}]}"#;
        let set = VrpSet::from_json(text).unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(set.covering(&p("192.0.2.10")).len(), 1);
        assert_eq!(set.covering(&p("2001:db8:1::/48"))[0].asn, Asn(64501));
        assert!(set.covering(&p("203.0.113.0/24")).is_empty());
        assert!(
            VrpSet::from_json(r#"{"roas":[{"prefix":"192.0.2.0/24","maxLength":8,"asn":1}]}"#)
                .is_err()
        );
        assert!(VrpSet::from_json("[]").is_err());
        assert!(VrpSet::from_json("{").is_err());
    }

    proptest! {
        #[test]
        fn covering_equals_a_linear_scan(
            vrps in proptest::collection::vec((any::<u32>(), 8u8..=24, 0u8..=8, 1u32..5), 0..60),
            probe in any::<u32>(),
            probe_len in 8u8..=32,
        ) {
            let list: Vec<Vrp> = vrps.iter().map(|(a, l, extra, asn)| {
                let pre = Prefix::new(IpAddr::V4((*a).into()), *l).unwrap();
                Vrp::new(pre, (*l + *extra).min(32), Asn(*asn)).unwrap()
            }).collect();
            let set = VrpSet::new(list.clone());
            let target = Prefix::new(IpAddr::V4(probe.into()), probe_len).unwrap();
            let mut expected: Vec<Vrp> = list.into_iter().filter(|v| v.prefix.covers(&target)).collect();
            expected.sort_by_key(|v| (v.prefix, v.max_length, v.asn));
            expected.dedup();
            let mut got = set.covering(&target);
            got.sort_by_key(|v| (v.prefix, v.max_length, v.asn));
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn vrp_file_parser_never_panics(text in "\\PC{0,200}") {
            let _ = VrpSet::from_json(&text);
        }
    }
}

/// Route origin data: which announced prefixes cover an address, and their
/// origins. Read from a prefix-to-AS text file (`PREFIX ASN` per line, as
/// bgpdump/pyasn-style exports write; `#` comments).
#[derive(Debug, Default, Clone)]
pub struct OriginTable {
    routes: VrpSet,
}

impl OriginTable {
    /// Parses a prefix-to-AS file. Lines that do not parse are errors with
    /// their number: a silently shorter table would hide routes.
    pub fn from_text(text: &str) -> Result<OriginTable, RoutingError> {
        let mut routes = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut fields = line.split_whitespace();
            let bad = |reason: String| RoutingError::BadOriginsFile {
                line: i + 1,
                reason,
            };
            let (Some(prefix), Some(asn)) = (fields.next(), fields.next()) else {
                return Err(bad("expected \"PREFIX ASN\"".into()));
            };
            let prefix: Prefix = prefix
                .parse()
                .map_err(|e: RoutingError| bad(e.to_string()))?;
            let asn: Asn = asn.parse().map_err(|e: RoutingError| bad(e.to_string()))?;
            // Stored as VRPs with maxLength = length: the index is the same.
            routes.push(Vrp::new(prefix, prefix.len(), asn).map_err(|e| bad(e.to_string()))?);
        }
        Ok(OriginTable {
            routes: VrpSet::new(routes),
        })
    }

    /// A table of `routes` (duplicates are harmless).
    pub fn from_routes(routes: impl IntoIterator<Item = Route>) -> OriginTable {
        let vrps = routes.into_iter().filter_map(|r| {
            // maxLength = length never fails for a normalised prefix.
            Vrp::new(r.prefix, r.prefix.len(), r.origin).ok()
        });
        OriginTable {
            routes: VrpSet::new(vrps),
        }
    }

    /// The announced routes covering `addr`, most specific first.
    pub fn routes_for(&self, addr: IpAddr) -> Vec<Route> {
        let mut routes: Vec<Route> = self
            .routes
            .covering(&Prefix::host(addr))
            .into_iter()
            .map(|v| Route {
                prefix: v.prefix,
                origin: v.asn,
            })
            .collect();
        routes.sort_by(|a, b| {
            b.prefix
                .len()
                .cmp(&a.prefix.len())
                .then(a.origin.cmp(&b.origin))
        });
        routes
    }
}

/// The name to ask for the route origins of `addr` in a route-origin zone of
/// Team Cymru's format under `zone` (`asn.cymru.com` for Team Cymru's own):
/// reversed octets under `origin.<zone>`, reversed nibbles under `origin6.<zone>`.
pub fn cymru_query_name(addr: IpAddr, zone: &str) -> String {
    let zone = zone.trim_end_matches('.');
    match addr {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.origin.{zone}.")
        }
        IpAddr::V6(v6) => {
            let mut name = String::with_capacity(72 + zone.len());
            for byte in v6.octets().iter().rev() {
                name.push_str(&format!("{:x}.{:x}.", byte & 0x0f, byte >> 4));
            }
            format!("{name}origin6.{zone}.")
        }
    }
}

/// Parses one TXT string of a Cymru-format origin zone,
/// `"64500 64501 | 192.0.2.0/24 | ZZ | registry | 2020-01-01"`: one route per
/// origin AS (several when the prefix is announced by more than one AS).
pub fn parse_cymru_origin(text: &str) -> Result<Vec<Route>, RoutingError> {
    let mut fields = text.split('|').map(str::trim);
    let (Some(asns), Some(prefix)) = (fields.next(), fields.next()) else {
        return Err(RoutingError::BadOriginRecord(
            text.chars().take(80).collect(),
        ));
    };
    let prefix: Prefix = prefix.parse()?;
    let routes = asns
        .split_whitespace()
        .map(|asn| asn.parse::<Asn>().map(|origin| Route { prefix, origin }))
        .collect::<Result<Vec<Route>, RoutingError>>()?;
    if routes.is_empty() {
        return Err(RoutingError::BadOriginRecord(
            text.chars().take(80).collect(),
        ));
    }
    Ok(routes)
}

#[cfg(test)]
mod cymru_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn query_names_follow_the_cymru_layout() {
        assert_eq!(
            cymru_query_name("192.0.2.10".parse().unwrap(), "asn.cymru.com"),
            "10.2.0.192.origin.asn.cymru.com."
        );
        let v6 = cymru_query_name("2001:db8::1".parse().unwrap(), "asn.test.");
        assert!(v6.starts_with("1.0.0.0.0.0.0.0."));
        assert!(v6.ends_with(".8.b.d.0.1.0.0.2.origin6.asn.test."));
        assert_eq!(v6.split('.').count(), 32 + 3 + 1);
    }

    #[test]
    fn origin_records_parse_with_one_or_several_origins() {
        let one = parse_cymru_origin("64500 | 192.0.2.0/24 | ZZ | test | 2020-01-01").unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].origin, Asn(64500));
        let moas = parse_cymru_origin("64500 64501 | 2001:db8::/32 | ZZ | test |").unwrap();
        assert_eq!(moas.len(), 2);
        assert!(parse_cymru_origin("no pipes here").is_err());
        assert!(parse_cymru_origin(" | 192.0.2.0/24 | ZZ").is_err());
        assert!(parse_cymru_origin("AS-X | 192.0.2.0/24").is_err());
    }

    proptest! {
        #[test]
        fn origin_parser_never_panics(text in "\\PC{0,120}") {
            let _ = parse_cymru_origin(&text);
        }
    }
}
