//! Address rules of the simulated host: which addresses exist, how bindings overlap, and
//! how a destination finds its socket.
//!
//! The host has exactly the loopback interface: `127.0.0.0/8` and `::1`. The unspecified
//! addresses bind to "all" (that is, loopback), and as destinations mean loopback, as on
//! Linux. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are the IPv4 address seen through
//! a dual-stack socket.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use wsp::net::HostFamily;

/// `addr` with an IPv4-mapped IPv6 address turned into plain IPv4.
pub(crate) fn canon(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::V4(SocketAddrV4::new(v4, v6.port())),
            None => addr,
        },
        v4 => v4,
    }
}

/// `addr` (canonical) as a socket of `family` sees it: IPv4 through an IPv6 socket is
/// IPv4-mapped.
pub(crate) fn in_family(addr: SocketAddr, family: HostFamily) -> SocketAddr {
    match (family, addr) {
        (HostFamily::V6, SocketAddr::V4(v4)) => {
            SocketAddr::V6(SocketAddrV6::new(v4.ip().to_ipv6_mapped(), v4.port(), 0, 0))
        }
        _ => addr,
    }
}

/// The loopback address of `ip`'s family: the source address Linux picks for any
/// loopback destination (`127.0.0.1` for all of `127.0.0.0/8`).
pub(crate) fn loopback_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
    }
}

/// Whether a canonical IP is one of this host's unicast addresses.
pub(crate) fn is_host_ip(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// A destination as routed: the unspecified address means loopback.
pub(crate) fn route_ip(ip: IpAddr) -> IpAddr {
    if ip.is_unspecified() {
        loopback_of(ip)
    } else {
        ip
    }
}

/// What a bound socket covers, in canonical terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every IPv4 address.
    Any4,
    /// One IPv4 address.
    Ip4(Ipv4Addr),
    /// Every IPv6 address.
    Any6,
    /// One IPv6 address.
    Ip6(Ipv6Addr),
}

/// The scopes a socket bound to `local` covers (an IPv6 wildcard without `V6ONLY` also
/// covers every IPv4 address).
pub(crate) fn scopes(local: SocketAddr, v6only: bool) -> [Option<Scope>; 2] {
    match canon(local) {
        SocketAddr::V4(a) if a.ip().is_unspecified() => [Some(Scope::Any4), None],
        SocketAddr::V4(a) => [Some(Scope::Ip4(*a.ip())), None],
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            [Some(Scope::Any6), (!v6only).then_some(Scope::Any4)]
        }
        SocketAddr::V6(a) => [Some(Scope::Ip6(*a.ip())), None],
    }
}

/// Whether two bindings on the same port would claim a common address.
pub(crate) fn overlap(a: Scope, b: Scope) -> bool {
    use Scope::*;
    match (a, b) {
        (Any4, Any4 | Ip4(_)) | (Ip4(_), Any4) | (Any6, Any6 | Ip6(_)) | (Ip6(_), Any6) => true,
        (Ip4(x), Ip4(y)) => x == y,
        (Ip6(x), Ip6(y)) => x == y,
        _ => false,
    }
}

/// How well a binding matches a canonical destination IP: 2 exact, 1 wildcard, 0 not.
pub(crate) fn score(s: Scope, dest: IpAddr) -> u8 {
    match (s, dest) {
        (Scope::Ip4(x), IpAddr::V4(d)) if x == d => 2,
        (Scope::Ip6(x), IpAddr::V6(d)) if x == d => 2,
        (Scope::Any4, IpAddr::V4(_)) | (Scope::Any6, IpAddr::V6(_)) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_addresses_canonicalise() {
        let m: SocketAddr = "[::ffff:127.0.0.1]:80".parse().unwrap();
        assert_eq!(canon(m), "127.0.0.1:80".parse().unwrap());
        assert_eq!(in_family(canon(m), HostFamily::V6), m);
    }

    #[test]
    fn dual_stack_wildcard_overlaps_v4() {
        let s = scopes("[::]:1".parse().unwrap(), false);
        assert_eq!(s, [Some(Scope::Any6), Some(Scope::Any4)]);
        assert!(overlap(Scope::Any4, Scope::Ip4(Ipv4Addr::LOCALHOST)));
        assert!(!overlap(Scope::Any6, Scope::Ip4(Ipv4Addr::LOCALHOST)));
    }
}
