//! Which addresses a public scanner may contact.
//!
//! The public test must not become a way to probe the platform's own network
//! (SSRF): a target that resolves to a private, loopback, link-local, CGNAT,
//! multicast, documentation or otherwise special address is refused unless
//! the operator allowed private targets (as the test network does).
//!
//! IPv6 transition addresses carry an IPv4 address inside them: 6to4
//! (2002::/16, RFC 3056) and Teredo (2001::/32, RFC 4380). A relay would
//! deliver to that IPv4 address, so they are refused as the reserved ranges
//! they are, and when the embedded address is itself special (6to4 of
//! 127.0.0.1, say) the refusal names that.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The kind of an address, for the SSRF guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressScope {
    /// Globally routable unicast.
    Public,
    /// RFC 1918 private IPv4.
    Private,
    /// 127.0.0.0/8 or ::1.
    Loopback,
    /// 169.254.0.0/16 or fe80::/10.
    LinkLocal,
    /// 100.64.0.0/10 (RFC 6598).
    SharedCgnat,
    /// fc00::/7 (RFC 4193).
    UniqueLocal,
    /// Multicast or broadcast.
    Multicast,
    /// Documentation and benchmarking ranges (RFC 5737, RFC 3849, RFC 2544).
    Documentation,
    /// 0.0.0.0/8, ::, reserved (240/4) and other special-purpose ranges.
    Reserved,
    /// 6to4 (2002::/16) with a public IPv4 address inside.
    SixToFour,
    /// Teredo (2001::/32) with a public IPv4 address inside.
    Teredo,
}

impl AddressScope {
    /// Whether a public scanner may contact an address of this kind by default.
    pub fn is_public(self) -> bool {
        self == AddressScope::Public
    }
}

impl fmt::Display for AddressScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressScope::Public => "public",
            AddressScope::Private => "private (RFC 1918)",
            AddressScope::Loopback => "loopback",
            AddressScope::LinkLocal => "link-local",
            AddressScope::SharedCgnat => "shared address space (CGNAT)",
            AddressScope::UniqueLocal => "unique local (RFC 4193)",
            AddressScope::Multicast => "multicast or broadcast",
            AddressScope::Documentation => "documentation",
            AddressScope::Reserved => "reserved",
            AddressScope::SixToFour => "6to4 (2002::/16, reserved)",
            AddressScope::Teredo => "Teredo (2001::/32, reserved)",
        })
    }
}

/// Classifies an address.
pub fn scope(ip: IpAddr) -> AddressScope {
    match ip {
        IpAddr::V4(v4) => scope_v4(v4),
        IpAddr::V6(v6) => scope_v6(v6),
    }
}

fn scope_v4(ip: Ipv4Addr) -> AddressScope {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (127, _, _) => AddressScope::Loopback,
        (10, _, _) | (192, 168, _) => AddressScope::Private,
        (172, 16..=31, _) => AddressScope::Private,
        (169, 254, _) => AddressScope::LinkLocal,
        (100, 64..=127, _) => AddressScope::SharedCgnat,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressScope::Documentation,
        (198, 18..=19, _) => AddressScope::Documentation,
        (224..=239, _, _) => AddressScope::Multicast,
        (255, 255, 255) => AddressScope::Multicast,
        (0, _, _) | (240..=255, _, _) | (192, 0, 0) => AddressScope::Reserved,
        _ => AddressScope::Public,
    }
}

fn scope_v6(ip: Ipv6Addr) -> AddressScope {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return scope_v4(v4);
    }
    let seg = ip.segments();
    if ip.is_loopback() {
        AddressScope::Loopback
    } else if ip.is_unspecified() {
        AddressScope::Reserved
    } else if seg[0] & 0xffc0 == 0xfe80 {
        AddressScope::LinkLocal
    } else if seg[0] & 0xfe00 == 0xfc00 {
        AddressScope::UniqueLocal
    } else if seg[0] & 0xff00 == 0xff00 {
        AddressScope::Multicast
    } else if seg[0] == 0x2001 && seg[1] == 0x0db8 {
        AddressScope::Documentation
    } else if let Some((embedded, kind)) = transition_ipv4(ip) {
        // The embedded address's own class when it is special, else the
        // transition range's: refused either way.
        match scope_v4(embedded) {
            AddressScope::Public => kind,
            special => special,
        }
    } else if seg[0] & 0xe000 != 0x2000 {
        // Only 2000::/3 is allocated global unicast.
        AddressScope::Reserved
    } else {
        AddressScope::Public
    }
}

/// The IPv4 address inside a 6to4 or Teredo address, with the range's
/// class. 6to4 carries it in bits 16–47; Teredo carries the client's address
/// in the last 32 bits, inverted (RFC 4380 §4).
pub fn transition_ipv4(ip: Ipv6Addr) -> Option<(Ipv4Addr, AddressScope)> {
    let o = ip.octets();
    let seg = ip.segments();
    if seg[0] == 0x2002 {
        Some((
            Ipv4Addr::new(o[2], o[3], o[4], o[5]),
            AddressScope::SixToFour,
        ))
    } else if seg[0] == 0x2001 && seg[1] == 0 {
        Some((
            Ipv4Addr::new(!o[12], !o[13], !o[14], !o[15]),
            AddressScope::Teredo,
        ))
    } else {
        None
    }
}

/// The SSRF guard's decision for one address.
pub fn permitted(ip: IpAddr, allow_private: bool) -> Result<(), AddressScope> {
    let s = scope(ip);
    if s.is_public() || allow_private {
        Ok(())
    } else {
        Err(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> AddressScope {
        scope(text.parse().unwrap())
    }

    #[test]
    fn classifies_special_ranges() {
        assert_eq!(s("8.8.8.8"), AddressScope::Public);
        assert_eq!(s("2a00:1450::1"), AddressScope::Public);
        assert_eq!(s("127.0.0.53"), AddressScope::Loopback);
        assert_eq!(s("::1"), AddressScope::Loopback);
        assert_eq!(s("10.1.2.3"), AddressScope::Private);
        assert_eq!(s("172.31.0.1"), AddressScope::Private);
        assert_eq!(s("172.32.0.1"), AddressScope::Public);
        assert_eq!(s("192.168.1.1"), AddressScope::Private);
        assert_eq!(s("169.254.169.254"), AddressScope::LinkLocal);
        assert_eq!(s("100.100.1.1"), AddressScope::SharedCgnat);
        assert_eq!(s("192.0.2.10"), AddressScope::Documentation);
        assert_eq!(s("224.0.0.1"), AddressScope::Multicast);
        assert_eq!(s("0.1.2.3"), AddressScope::Reserved);
        assert_eq!(s("fd00::1"), AddressScope::UniqueLocal);
        assert_eq!(s("fe80::1"), AddressScope::LinkLocal);
        assert_eq!(s("2001:db8::1"), AddressScope::Documentation);
        assert_eq!(s("::ffff:10.0.0.1"), AddressScope::Private);
        assert_eq!(s("ff02::1"), AddressScope::Multicast);
    }

    #[test]
    fn six_to_four_and_teredo_are_reserved_and_their_ipv4_checked() {
        // 6to4 of 8.8.8.8 and of 127.0.0.1, 10.1.2.3, 169.254.169.254.
        assert_eq!(s("2002:808:808::1"), AddressScope::SixToFour);
        assert_eq!(s("2002:7f00:1::1"), AddressScope::Loopback);
        assert_eq!(s("2002:a01:203::"), AddressScope::Private);
        assert_eq!(s("2002:a9fe:a9fe::1"), AddressScope::LinkLocal);
        // Teredo (RFC 4380's example: client 192.0.2.45, inverted) and one
        // whose client is 127.0.0.1 (inverted: 80ff:fffe).
        assert_eq!(
            s("2001:0:4136:e378:8000:63bf:3fff:fdd2"),
            AddressScope::Documentation
        );
        assert_eq!(
            s("2001:0:4136:e378:8000:63bf:80ff:fffe"),
            AddressScope::Loopback
        );
        assert_eq!(
            s("2001:0:4136:e378:8000:63bf:f7f7:f7f7"),
            AddressScope::Teredo
        );
        for text in ["2002:808:808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"] {
            assert!(permitted(text.parse().unwrap(), false).is_err(), "{text}");
        }
        // Neighbours stay public.
        assert_eq!(s("2001:4860::8888"), AddressScope::Public);
        assert_eq!(s("2003::1"), AddressScope::Public);
    }

    #[test]
    fn guard_allows_private_only_when_told() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(permitted(ip, false), Err(AddressScope::Loopback));
        assert_eq!(permitted(ip, true), Ok(()));
    }
}
