//! Host options as Windows options on the next provider: Windows' levels, names and value
//! shapes (ws2def.h, ws2ipdef.h, mstcpip.h), set and read with `WSPSetSockOpt` /
//! `WSPGetSockOpt`.

use std::net::{Ipv4Addr, Ipv6Addr};
use wsp::net::{HostFamily, HostOpt, HostOptName, IpOptionBytes, NetResult};
use wsp::types::{
    IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPV6_ADD_MEMBERSHIP, IPV6_DROP_MEMBERSHIP,
    IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP, IPV6_PKTINFO, IPV6_UNICAST_HOPS,
    IPV6_V6ONLY, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_MULTICAST_IF, IP_MULTICAST_LOOP,
    IP_MULTICAST_TTL, IP_OPTIONS, IP_PKTINFO, IP_TOS, IP_TTL, SOCKET, SOL_SOCKET, SO_BROADCAST,
    SO_KEEPALIVE, SO_LINGER, SO_OOBINLINE, SO_RCVBUF, SO_REUSEADDR, SO_SNDBUF, TCP_KEEPALIVE,
    TCP_KEEPCNT, TCP_KEEPINTVL, TCP_NODELAY,
};
use wsp::{WsaError, Wsp};

/// `IPV6_TCLASS` (ws2ipdef.h).
const IPV6_TCLASS: i32 = 39;

/// A little-endian integer of up to four bytes: Windows reads some options back as a
/// one-byte BOOLEAN (`SO_KEEPALIVE`, `TCP_NODELAY`) and others as a DWORD.
pub(crate) fn int_of(v: &[u8]) -> u32 {
    v.iter()
        .take(4)
        .enumerate()
        .fold(0, |acc, (i, b)| acc | (u32::from(*b) << (8 * i)))
}

/// Where a host option lives on Windows: `(level, name)`.
fn place(family: HostFamily, name: HostOptName) -> NetResult<(i32, i32)> {
    let v6 = family == HostFamily::V6;
    Ok(match name {
        HostOptName::ReuseAddr => (SOL_SOCKET, SO_REUSEADDR),
        HostOptName::V6Only => (IPPROTO_IPV6, IPV6_V6ONLY),
        HostOptName::NoDelay => (IPPROTO_TCP, TCP_NODELAY),
        HostOptName::KeepAlive => (SOL_SOCKET, SO_KEEPALIVE),
        HostOptName::Broadcast => (SOL_SOCKET, SO_BROADCAST),
        HostOptName::OobInline => (SOL_SOCKET, SO_OOBINLINE),
        HostOptName::RecvBuffer => (SOL_SOCKET, SO_RCVBUF),
        HostOptName::SendBuffer => (SOL_SOCKET, SO_SNDBUF),
        HostOptName::Linger => (SOL_SOCKET, SO_LINGER),
        HostOptName::Ttl if v6 => (IPPROTO_IPV6, IPV6_UNICAST_HOPS),
        HostOptName::Ttl => (IPPROTO_IP, IP_TTL),
        // TCP_KEEPALIVE is Windows' TCP_KEEPIDLE: seconds of idle before the first probe.
        HostOptName::KeepIdle => (IPPROTO_TCP, TCP_KEEPALIVE),
        HostOptName::KeepInterval => (IPPROTO_TCP, TCP_KEEPINTVL),
        HostOptName::KeepCount => (IPPROTO_TCP, TCP_KEEPCNT),
        HostOptName::Tos if v6 => (IPPROTO_IPV6, IPV6_TCLASS),
        HostOptName::Tos => (IPPROTO_IP, IP_TOS),
        HostOptName::MulticastTtl if v6 => (IPPROTO_IPV6, IPV6_MULTICAST_HOPS),
        HostOptName::MulticastTtl => (IPPROTO_IP, IP_MULTICAST_TTL),
        HostOptName::MulticastLoop if v6 => (IPPROTO_IPV6, IPV6_MULTICAST_LOOP),
        HostOptName::MulticastLoop => (IPPROTO_IP, IP_MULTICAST_LOOP),
        HostOptName::MulticastIfV4 => (IPPROTO_IP, IP_MULTICAST_IF),
        HostOptName::MulticastIfV6 => (IPPROTO_IPV6, IPV6_MULTICAST_IF),
        // No Winsock option tells how much of the send queue is still unsent.
        _ => return Err(WsaError::WSAENOPROTOOPT),
    })
}

fn dword(v: u32) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

fn mreq_v4(group: Ipv4Addr, interface: Ipv4Addr) -> Vec<u8> {
    // ip_mreq: imr_multiaddr, imr_interface (IN_ADDR, network order).
    [group.octets(), interface.octets()].concat()
}

fn mreq_v6(group: Ipv6Addr, interface: u32) -> Vec<u8> {
    // ipv6_mreq: ipv6mr_multiaddr (IN6_ADDR), ipv6mr_interface (ULONG).
    let mut v = group.octets().to_vec();
    v.extend_from_slice(&interface.to_le_bytes());
    v
}

/// Set host option `opt` on next-provider socket `s`.
pub(crate) fn set(next: &dyn Wsp, s: SOCKET, family: HostFamily, opt: HostOpt) -> NetResult<()> {
    let (level, name, value) = match opt {
        HostOpt::JoinV4 { group, interface } => {
            (IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq_v4(group, interface))
        }
        HostOpt::LeaveV4 { group, interface } => {
            (IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq_v4(group, interface))
        }
        HostOpt::JoinV6 { group, interface } => {
            (IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq_v6(group, interface))
        }
        HostOpt::LeaveV6 { group, interface } => (
            IPPROTO_IPV6,
            IPV6_DROP_MEMBERSHIP,
            mreq_v6(group, interface),
        ),
        HostOpt::SendQueue(_) => return Err(WsaError::WSAENOPROTOOPT),
        // IP_OPTIONS: the raw option bytes (IPv4 only).
        HostOpt::IpOptions(o) if family == HostFamily::V4 => {
            (IPPROTO_IP, IP_OPTIONS, o.as_slice().to_vec())
        }
        HostOpt::IpOptions(_) => return Err(WsaError::WSAENOPROTOOPT),
        // The next provider records packet info; this backend does not read it back
        // (`Received::pktinfo` stays `None`), but the option itself must hold.
        HostOpt::PktInfo(b) if family == HostFamily::V4 => {
            (IPPROTO_IP, IP_PKTINFO, dword(b.into()))
        }
        HostOpt::PktInfo(b) => (IPPROTO_IPV6, IPV6_PKTINFO, dword(b.into())),
        other => {
            let (name, value) = match other {
                HostOpt::ReuseAddr(b) => (HostOptName::ReuseAddr, dword(b.into())),
                HostOpt::V6Only(b) => (HostOptName::V6Only, dword(b.into())),
                HostOpt::NoDelay(b) => (HostOptName::NoDelay, dword(b.into())),
                HostOpt::KeepAlive(b) => (HostOptName::KeepAlive, dword(b.into())),
                HostOpt::Broadcast(b) => (HostOptName::Broadcast, dword(b.into())),
                HostOpt::OobInline(b) => (HostOptName::OobInline, dword(b.into())),
                HostOpt::MulticastLoop(b) => (HostOptName::MulticastLoop, dword(b.into())),
                HostOpt::RecvBuffer(n) => (HostOptName::RecvBuffer, dword(n)),
                HostOpt::SendBuffer(n) => (HostOptName::SendBuffer, dword(n)),
                HostOpt::Ttl(n) => (HostOptName::Ttl, dword(n)),
                HostOpt::KeepIdle(n) => (HostOptName::KeepIdle, dword(n)),
                HostOpt::KeepInterval(n) => (HostOptName::KeepInterval, dword(n)),
                HostOpt::KeepCount(n) => (HostOptName::KeepCount, dword(n)),
                HostOpt::Tos(n) => (HostOptName::Tos, dword(n)),
                HostOpt::MulticastTtl(n) => (HostOptName::MulticastTtl, dword(n)),
                HostOpt::MulticastIfV6(n) => (HostOptName::MulticastIfV6, dword(n)),
                // IP_MULTICAST_IF takes the interface's IN_ADDR in network order.
                HostOpt::MulticastIfV4(a) => (HostOptName::MulticastIfV4, a.octets().to_vec()),
                // struct linger: u_short l_onoff, u_short l_linger.
                HostOpt::Linger(l) => {
                    let (on, secs) = l.map_or((0u16, 0u16), |secs| (1, secs));
                    let mut v = on.to_le_bytes().to_vec();
                    v.extend_from_slice(&secs.to_le_bytes());
                    (HostOptName::Linger, v)
                }
                _ => return Err(WsaError::WSAENOPROTOOPT),
            };
            let (level, n) = place(family, name)?;
            (level, n, value)
        }
    };
    next.set_sock_opt(s, level, name, &value)
}

/// Read host option `name` from next-provider socket `s`.
pub(crate) fn get(
    next: &dyn Wsp,
    s: SOCKET,
    family: HostFamily,
    name: HostOptName,
) -> NetResult<HostOpt> {
    if name == HostOptName::IpOptions {
        if family != HostFamily::V4 {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        let mut raw = [0u8; IpOptionBytes::MAX];
        let len = next.get_sock_opt(s, IPPROTO_IP, IP_OPTIONS, &mut raw)?;
        let o = IpOptionBytes::new(&raw[..len.min(raw.len())]).ok_or(WsaError::WSAEINVAL)?;
        return Ok(HostOpt::IpOptions(o));
    }
    let (level, n) = place(family, name)?;
    let mut buf = [0u8; 4];
    let len = next.get_sock_opt(s, level, n, &mut buf)?.min(4);
    let v = &buf[..len];
    let int = int_of(v);
    let on = int != 0;
    Ok(match name {
        HostOptName::ReuseAddr => HostOpt::ReuseAddr(on),
        HostOptName::V6Only => HostOpt::V6Only(on),
        HostOptName::NoDelay => HostOpt::NoDelay(on),
        HostOptName::KeepAlive => HostOpt::KeepAlive(on),
        HostOptName::Broadcast => HostOpt::Broadcast(on),
        HostOptName::OobInline => HostOpt::OobInline(on),
        HostOptName::MulticastLoop => HostOpt::MulticastLoop(on),
        HostOptName::RecvBuffer => HostOpt::RecvBuffer(int),
        HostOptName::SendBuffer => HostOpt::SendBuffer(int),
        HostOptName::Ttl => HostOpt::Ttl(int),
        HostOptName::KeepIdle => HostOpt::KeepIdle(int),
        HostOptName::KeepInterval => HostOpt::KeepInterval(int),
        HostOptName::KeepCount => HostOpt::KeepCount(int),
        HostOptName::Tos => HostOpt::Tos(int),
        HostOptName::MulticastTtl => HostOpt::MulticastTtl(int),
        HostOptName::MulticastIfV6 => HostOpt::MulticastIfV6(int),
        HostOptName::MulticastIfV4 => HostOpt::MulticastIfV4(Ipv4Addr::from(int.to_le_bytes())),
        HostOptName::Linger => {
            let on = u16::from_le_bytes([buf[0], buf[1]]);
            let secs = u16::from_le_bytes([buf[2], buf[3]]);
            HostOpt::Linger((on != 0).then_some(secs))
        }
        _ => return Err(WsaError::WSAENOPROTOOPT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_booleans_and_dwords_read_as_integers() {
        // Windows reads SO_KEEPALIVE back as a one-byte BOOLEAN, SO_RCVBUF as a DWORD.
        assert_eq!(int_of(&[1]), 1);
        assert_eq!(int_of(&[0x00, 0x00, 0x01, 0x00]), 0x1_0000);
        assert_eq!(int_of(&[]), 0);
    }

    #[test]
    fn options_land_at_windows_levels_and_names() {
        // ws2def.h / ws2ipdef.h numbering; IPv6 sockets use the IPPROTO_IPV6 names.
        assert_eq!(
            place(HostFamily::V4, HostOptName::Ttl).unwrap(),
            (IPPROTO_IP, 4)
        );
        assert_eq!(
            place(HostFamily::V6, HostOptName::Ttl).unwrap(),
            (IPPROTO_IPV6, 4)
        );
        assert_eq!(
            place(HostFamily::V4, HostOptName::KeepIdle).unwrap(),
            (IPPROTO_TCP, 3)
        );
        assert_eq!(
            place(HostFamily::V4, HostOptName::Linger).unwrap(),
            (0xffff, 0x80)
        );
        assert_eq!(
            place(HostFamily::V4, HostOptName::SendQueue).unwrap_err(),
            WsaError::WSAENOPROTOOPT
        );
    }

    #[test]
    fn membership_requests_have_windows_layouts() {
        let g = Ipv4Addr::new(239, 1, 2, 3);
        assert_eq!(
            mreq_v4(g, Ipv4Addr::UNSPECIFIED),
            [239, 1, 2, 3, 0, 0, 0, 0]
        );
        let v = mreq_v6(Ipv6Addr::LOCALHOST, 7);
        assert_eq!(v.len(), 20);
        assert_eq!(&v[16..], &[7, 0, 0, 0]);
    }
}
