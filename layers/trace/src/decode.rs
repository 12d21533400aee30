//! Names for the numbers a Winsock call carries: error codes, `FD_*` event masks, `MSG_*`
//! flags, ioctl codes, option levels and names, address families, socket types,
//! protocols, `WSA_FLAG_*`, `SD_*`, and addresses as text.
//!
//! Every name is Windows' own spelling from `winsock2.h`, `ws2def.h`, `ws2ipdef.h` and
//! `mstcpip.h` (the numbers come from [`wsp::types`], which keeps Windows' numbering).
//! A bit mask prints as its names joined by `|` with any unknown bits left as hex
//! (`FD_READ|FD_CLOSE`, `MSG_PEEK|0x10000`); zero prints as `0`. A single value with no
//! name prints as its number (decimal for small enumerations, hex for ioctl codes).

use wsp::types::*;
use wsp::{SockAddr, WsaError};

/// `FD_*` network event bits, in bit order.
const FD_NAMES: &[(i32, &str)] = &[
    (FD_READ, "FD_READ"),
    (FD_WRITE, "FD_WRITE"),
    (FD_OOB, "FD_OOB"),
    (FD_ACCEPT, "FD_ACCEPT"),
    (FD_CONNECT, "FD_CONNECT"),
    (FD_CLOSE, "FD_CLOSE"),
    (FD_QOS, "FD_QOS"),
    (FD_GROUP_QOS, "FD_GROUP_QOS"),
    (FD_ROUTING_INTERFACE_CHANGE, "FD_ROUTING_INTERFACE_CHANGE"),
    (FD_ADDRESS_LIST_CHANGE, "FD_ADDRESS_LIST_CHANGE"),
];

/// `MSG_*` flags, in bit order.
const MSG_NAMES: &[(u32, &str)] = &[
    (MSG_OOB, "MSG_OOB"),
    (MSG_PEEK, "MSG_PEEK"),
    (MSG_DONTROUTE, "MSG_DONTROUTE"),
    (MSG_WAITALL, "MSG_WAITALL"),
    (MSG_INTERRUPT, "MSG_INTERRUPT"),
    (MSG_PUSH_IMMEDIATE, "MSG_PUSH_IMMEDIATE"),
    (MSG_TRUNC, "MSG_TRUNC"),
    (MSG_CTRUNC, "MSG_CTRUNC"),
    (MSG_BCAST, "MSG_BCAST"),
    (MSG_MCAST, "MSG_MCAST"),
    (MSG_PARTIAL, "MSG_PARTIAL"),
];

/// `TF_*` flags of `TransmitFile`, `TransmitPackets` and `DisconnectEx` (`mswsock.h`), in
/// bit order. `TF_USE_DEFAULT_WORKER` is 0 and so never printed.
const TF_NAMES: &[(u32, &str)] = &[
    (wsp::overlapped::TF_DISCONNECT, "TF_DISCONNECT"),
    (wsp::overlapped::TF_REUSE_SOCKET, "TF_REUSE_SOCKET"),
    (
        wsp::engine::transmit_file::TF_WRITE_BEHIND,
        "TF_WRITE_BEHIND",
    ),
    (
        wsp::engine::transmit_file::TF_USE_SYSTEM_THREAD,
        "TF_USE_SYSTEM_THREAD",
    ),
    (
        wsp::engine::transmit_file::TF_USE_KERNEL_APC,
        "TF_USE_KERNEL_APC",
    ),
];

/// `WSA_FLAG_*` socket creation flags, in bit order.
const WSA_FLAG_NAMES: &[(u32, &str)] = &[
    (WSA_FLAG_OVERLAPPED, "WSA_FLAG_OVERLAPPED"),
    (WSA_FLAG_MULTIPOINT_C_ROOT, "WSA_FLAG_MULTIPOINT_C_ROOT"),
    (WSA_FLAG_MULTIPOINT_C_LEAF, "WSA_FLAG_MULTIPOINT_C_LEAF"),
    (WSA_FLAG_MULTIPOINT_D_ROOT, "WSA_FLAG_MULTIPOINT_D_ROOT"),
    (WSA_FLAG_MULTIPOINT_D_LEAF, "WSA_FLAG_MULTIPOINT_D_LEAF"),
    (
        WSA_FLAG_ACCESS_SYSTEM_SECURITY,
        "WSA_FLAG_ACCESS_SYSTEM_SECURITY",
    ),
    (WSA_FLAG_NO_HANDLE_INHERIT, "WSA_FLAG_NO_HANDLE_INHERIT"),
    (WSA_FLAG_REGISTERED_IO, "WSA_FLAG_REGISTERED_IO"),
];

/// `XP1_*` service flags (`dwServiceFlags1`), in bit order.
const XP1_NAMES: &[(u32, &str)] = &[
    (XP1_CONNECTIONLESS, "XP1_CONNECTIONLESS"),
    (XP1_GUARANTEED_DELIVERY, "XP1_GUARANTEED_DELIVERY"),
    (XP1_GUARANTEED_ORDER, "XP1_GUARANTEED_ORDER"),
    (XP1_MESSAGE_ORIENTED, "XP1_MESSAGE_ORIENTED"),
    (XP1_PSEUDO_STREAM, "XP1_PSEUDO_STREAM"),
    (XP1_GRACEFUL_CLOSE, "XP1_GRACEFUL_CLOSE"),
    (XP1_EXPEDITED_DATA, "XP1_EXPEDITED_DATA"),
    (XP1_CONNECT_DATA, "XP1_CONNECT_DATA"),
    (XP1_DISCONNECT_DATA, "XP1_DISCONNECT_DATA"),
    (XP1_SUPPORT_BROADCAST, "XP1_SUPPORT_BROADCAST"),
    (XP1_SUPPORT_MULTIPOINT, "XP1_SUPPORT_MULTIPOINT"),
    (XP1_MULTIPOINT_CONTROL_PLANE, "XP1_MULTIPOINT_CONTROL_PLANE"),
    (XP1_MULTIPOINT_DATA_PLANE, "XP1_MULTIPOINT_DATA_PLANE"),
    (XP1_QOS_SUPPORTED, "XP1_QOS_SUPPORTED"),
    (XP1_INTERRUPT, "XP1_INTERRUPT"),
    (XP1_UNI_SEND, "XP1_UNI_SEND"),
    (XP1_UNI_RECV, "XP1_UNI_RECV"),
    (XP1_IFS_HANDLES, "XP1_IFS_HANDLES"),
    (XP1_PARTIAL_MESSAGE, "XP1_PARTIAL_MESSAGE"),
    (XP1_SAN_SUPPORT_SDP, "XP1_SAN_SUPPORT_SDP"),
];

/// `PFL_*` provider flags, in bit order.
const PFL_NAMES: &[(u32, &str)] = &[
    (PFL_MULTIPLE_PROTO_ENTRIES, "PFL_MULTIPLE_PROTO_ENTRIES"),
    (PFL_RECOMMENDED_PROTO_ENTRY, "PFL_RECOMMENDED_PROTO_ENTRY"),
    (PFL_HIDDEN, "PFL_HIDDEN"),
    (PFL_MATCHES_PROTOCOL_ZERO, "PFL_MATCHES_PROTOCOL_ZERO"),
    (PFL_NETWORKDIRECT_PROVIDER, "PFL_NETWORKDIRECT_PROVIDER"),
];

/// Ioctl codes (`WSAIoctl`'s `dwIoControlCode`).
const IOCTL_NAMES: &[(u32, &str)] = &[
    (FIONBIO, "FIONBIO"),
    (FIONREAD, "FIONREAD"),
    (SIOCATMARK, "SIOCATMARK"),
    (FIOASYNC, "FIOASYNC"),
    (SIO_ASSOCIATE_HANDLE, "SIO_ASSOCIATE_HANDLE"),
    (SIO_ENABLE_CIRCULAR_QUEUEING, "SIO_ENABLE_CIRCULAR_QUEUEING"),
    (SIO_FIND_ROUTE, "SIO_FIND_ROUTE"),
    (SIO_FLUSH, "SIO_FLUSH"),
    (SIO_GET_BROADCAST_ADDRESS, "SIO_GET_BROADCAST_ADDRESS"),
    (
        SIO_GET_EXTENSION_FUNCTION_POINTER,
        "SIO_GET_EXTENSION_FUNCTION_POINTER",
    ),
    (SIO_GET_QOS, "SIO_GET_QOS"),
    (SIO_GET_GROUP_QOS, "SIO_GET_GROUP_QOS"),
    (SIO_MULTIPOINT_LOOPBACK, "SIO_MULTIPOINT_LOOPBACK"),
    (SIO_MULTICAST_SCOPE, "SIO_MULTICAST_SCOPE"),
    (SIO_SET_QOS, "SIO_SET_QOS"),
    (SIO_SET_GROUP_QOS, "SIO_SET_GROUP_QOS"),
    (SIO_TRANSLATE_HANDLE, "SIO_TRANSLATE_HANDLE"),
    (SIO_ROUTING_INTERFACE_QUERY, "SIO_ROUTING_INTERFACE_QUERY"),
    (SIO_ROUTING_INTERFACE_CHANGE, "SIO_ROUTING_INTERFACE_CHANGE"),
    (SIO_ADDRESS_LIST_QUERY, "SIO_ADDRESS_LIST_QUERY"),
    (SIO_ADDRESS_LIST_CHANGE, "SIO_ADDRESS_LIST_CHANGE"),
    (SIO_ADDRESS_LIST_SORT, "SIO_ADDRESS_LIST_SORT"),
    (SIO_BASE_HANDLE, "SIO_BASE_HANDLE"),
    (SIO_RCVALL, "SIO_RCVALL"),
    (SIO_KEEPALIVE_VALS, "SIO_KEEPALIVE_VALS"),
    (SIO_UDP_CONNRESET, "SIO_UDP_CONNRESET"),
    (SIO_UDP_NETRESET, "SIO_UDP_NETRESET"),
];

/// `SOL_SOCKET` option names.
const SOL_SOCKET_NAMES: &[(i32, &str)] = &[
    (SO_DEBUG, "SO_DEBUG"),
    (SO_ACCEPTCONN, "SO_ACCEPTCONN"),
    (SO_REUSEADDR, "SO_REUSEADDR"),
    (SO_KEEPALIVE, "SO_KEEPALIVE"),
    (SO_DONTROUTE, "SO_DONTROUTE"),
    (SO_BROADCAST, "SO_BROADCAST"),
    (SO_USELOOPBACK, "SO_USELOOPBACK"),
    (SO_LINGER, "SO_LINGER"),
    (SO_OOBINLINE, "SO_OOBINLINE"),
    (SO_DONTLINGER, "SO_DONTLINGER"),
    (SO_EXCLUSIVEADDRUSE, "SO_EXCLUSIVEADDRUSE"),
    (SO_SNDBUF, "SO_SNDBUF"),
    (SO_RCVBUF, "SO_RCVBUF"),
    (SO_SNDLOWAT, "SO_SNDLOWAT"),
    (SO_RCVLOWAT, "SO_RCVLOWAT"),
    (SO_SNDTIMEO, "SO_SNDTIMEO"),
    (SO_RCVTIMEO, "SO_RCVTIMEO"),
    (SO_ERROR, "SO_ERROR"),
    (SO_TYPE, "SO_TYPE"),
    (SO_BSP_STATE, "SO_BSP_STATE"),
    (SO_GROUP_ID, "SO_GROUP_ID"),
    (SO_GROUP_PRIORITY, "SO_GROUP_PRIORITY"),
    (SO_MAX_MSG_SIZE, "SO_MAX_MSG_SIZE"),
    (SO_PROTOCOL_INFOA, "SO_PROTOCOL_INFOA"),
    (SO_PROTOCOL_INFOW, "SO_PROTOCOL_INFOW"),
    (SO_CONDITIONAL_ACCEPT, "SO_CONDITIONAL_ACCEPT"),
    (SO_PAUSE_ACCEPT, "SO_PAUSE_ACCEPT"),
    (SO_MAXDG, "SO_MAXDG"),
    (SO_MAXPATHDG, "SO_MAXPATHDG"),
    (SO_UPDATE_ACCEPT_CONTEXT, "SO_UPDATE_ACCEPT_CONTEXT"),
    (SO_CONNECT_TIME, "SO_CONNECT_TIME"),
    (SO_UPDATE_CONNECT_CONTEXT, "SO_UPDATE_CONNECT_CONTEXT"),
];

/// `IPPROTO_TCP` option names (`TCP_KEEPIDLE` shares `TCP_KEEPALIVE`'s number and prints
/// as `TCP_KEEPALIVE`, the older name).
const TCP_NAMES: &[(i32, &str)] = &[
    (TCP_NODELAY, "TCP_NODELAY"),
    (TCP_EXPEDITED_1122, "TCP_EXPEDITED_1122"),
    (TCP_KEEPALIVE, "TCP_KEEPALIVE"),
    (TCP_MAXSEG, "TCP_MAXSEG"),
    (TCP_MAXRT, "TCP_MAXRT"),
    (TCP_KEEPCNT, "TCP_KEEPCNT"),
    (TCP_KEEPINTVL, "TCP_KEEPINTVL"),
];

/// `IPPROTO_IP` option names (ws2ipdef.h numbering).
const IP_NAMES: &[(i32, &str)] = &[
    (IP_OPTIONS, "IP_OPTIONS"),
    (IP_HDRINCL, "IP_HDRINCL"),
    (IP_TOS, "IP_TOS"),
    (IP_TTL, "IP_TTL"),
    (IP_MULTICAST_IF, "IP_MULTICAST_IF"),
    (IP_MULTICAST_TTL, "IP_MULTICAST_TTL"),
    (IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP"),
    (IP_ADD_MEMBERSHIP, "IP_ADD_MEMBERSHIP"),
    (IP_DROP_MEMBERSHIP, "IP_DROP_MEMBERSHIP"),
    (IP_DONTFRAGMENT, "IP_DONTFRAGMENT"),
    (IP_PKTINFO, "IP_PKTINFO"),
];

/// `IPPROTO_IPV6` option names (`IPV6_JOIN_GROUP`/`IPV6_LEAVE_GROUP` share the
/// membership numbers and print as `IPV6_ADD_MEMBERSHIP`/`IPV6_DROP_MEMBERSHIP`).
const IPV6_NAMES: &[(i32, &str)] = &[
    (IPV6_HDRINCL, "IPV6_HDRINCL"),
    (IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS"),
    (IPV6_MULTICAST_IF, "IPV6_MULTICAST_IF"),
    (IPV6_MULTICAST_HOPS, "IPV6_MULTICAST_HOPS"),
    (IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP"),
    (IPV6_ADD_MEMBERSHIP, "IPV6_ADD_MEMBERSHIP"),
    (IPV6_DROP_MEMBERSHIP, "IPV6_DROP_MEMBERSHIP"),
    (IPV6_DONTFRAG, "IPV6_DONTFRAG"),
    (IPV6_PKTINFO, "IPV6_PKTINFO"),
    (IPV6_V6ONLY, "IPV6_V6ONLY"),
];

/// Protocol numbers (`socket`'s third argument and option levels other than `SOL_SOCKET`).
const PROTOCOL_NAMES: &[(i32, &str)] = &[
    (IPPROTO_IP, "IPPROTO_IP"),
    (IPPROTO_ICMP, "IPPROTO_ICMP"),
    (IPPROTO_TCP, "IPPROTO_TCP"),
    (IPPROTO_UDP, "IPPROTO_UDP"),
    (IPPROTO_IPV6, "IPPROTO_IPV6"),
    (IPPROTO_ICMPV6, "IPPROTO_ICMPV6"),
    (IPPROTO_RAW, "IPPROTO_RAW"),
    // The catalog's emulated protocol that carries connect and disconnect data.
    (
        wsp::engine::framed::IPPROTO_WSP_FRAMED,
        "IPPROTO_WSP_FRAMED",
    ),
];

/// Address families.
const AF_NAMES: &[(i32, &str)] = &[
    (AF_UNSPEC, "AF_UNSPEC"),
    (AF_UNIX, "AF_UNIX"),
    (AF_INET, "AF_INET"),
    (AF_INET6, "AF_INET6"),
];

/// Socket types.
const TYPE_NAMES: &[(i32, &str)] = &[
    (SOCK_STREAM, "SOCK_STREAM"),
    (SOCK_DGRAM, "SOCK_DGRAM"),
    (SOCK_RAW, "SOCK_RAW"),
    (SOCK_RDM, "SOCK_RDM"),
    (SOCK_SEQPACKET, "SOCK_SEQPACKET"),
];

/// `shutdown`'s `how`.
const SD_NAMES: &[(i32, &str)] = &[
    (SD_RECEIVE, "SD_RECEIVE"),
    (SD_SEND, "SD_SEND"),
    (SD_BOTH, "SD_BOTH"),
];

fn lookup<T: PartialEq + Copy>(table: &[(T, &'static str)], v: T) -> Option<&'static str> {
    table.iter().find(|(x, _)| *x == v).map(|(_, n)| *n)
}

fn bits(table: &[(u32, &str)], v: u32) -> String {
    if v == 0 {
        return "0".to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = v;
    for &(bit, name) in table {
        if bit != 0 && v & bit == bit {
            parts.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

fn enumerated(table: &[(i32, &'static str)], v: i32) -> String {
    lookup(table, v).map_or_else(|| v.to_string(), str::to_string)
}

/// A Winsock error by name (`WSAEWOULDBLOCK`), or its number for a code Windows does not
/// name.
pub fn error(e: WsaError) -> String {
    e.name()
        .map_or_else(|| e.code().to_string(), str::to_string)
}

/// `FD_*` network events: `FD_READ|FD_CLOSE`.
pub fn fd_events(mask: i32) -> String {
    let table: Vec<(u32, &str)> = FD_NAMES.iter().map(|&(b, n)| (b as u32, n)).collect();
    bits(&table, mask as u32)
}

/// `MSG_*` flags: `MSG_PEEK|MSG_OOB`.
pub fn msg_flags(flags: u32) -> String {
    bits(MSG_NAMES, flags)
}

/// `TF_*` flags (`TransmitFile`, `TransmitPackets`, `DisconnectEx`):
/// `TF_DISCONNECT|TF_REUSE_SOCKET`.
pub fn tf_flags(flags: u32) -> String {
    bits(TF_NAMES, flags)
}

/// `WSA_FLAG_*` socket creation flags.
pub fn wsa_flags(flags: u32) -> String {
    bits(WSA_FLAG_NAMES, flags)
}

/// `XP1_*` service flags.
pub fn service_flags(flags: u32) -> String {
    bits(XP1_NAMES, flags)
}

/// `PFL_*` provider flags.
pub fn provider_flags(flags: u32) -> String {
    bits(PFL_NAMES, flags)
}

/// An ioctl code by name (`FIONBIO`, `SIO_GET_EXTENSION_FUNCTION_POINTER`), else hex.
pub fn ioctl(code: u32) -> String {
    lookup(IOCTL_NAMES, code).map_or_else(|| format!("{code:#010x}"), str::to_string)
}

/// An option level: `SOL_SOCKET` or a protocol name (`IPPROTO_TCP`).
pub fn level(level: i32) -> String {
    if level == SOL_SOCKET {
        return "SOL_SOCKET".to_string();
    }
    enumerated(PROTOCOL_NAMES, level)
}

/// An option name within its level (`SO_RCVTIMEO`, `TCP_NODELAY`, `IPV6_V6ONLY`), else its
/// number (hex for `SOL_SOCKET`, whose numbers are written in hex in `winsock2.h`).
pub fn option(level: i32, name: i32) -> String {
    let table = match level {
        SOL_SOCKET => SOL_SOCKET_NAMES,
        IPPROTO_TCP => TCP_NAMES,
        IPPROTO_IP => IP_NAMES,
        IPPROTO_IPV6 => IPV6_NAMES,
        _ => &[],
    };
    match lookup(table, name) {
        Some(n) => n.to_string(),
        None if level == SOL_SOCKET => format!("{name:#x}"),
        None => name.to_string(),
    }
}

/// An address family (`AF_INET6` is Windows' 23).
pub fn af(af: i32) -> String {
    enumerated(AF_NAMES, af)
}

/// A socket type.
pub fn socket_type(ty: i32) -> String {
    enumerated(TYPE_NAMES, ty)
}

/// A protocol number (0 prints as `0`: "the provider chooses", not `IPPROTO_IP`).
pub fn protocol(p: i32) -> String {
    if p == 0 {
        return "0".to_string();
    }
    enumerated(PROTOCOL_NAMES, p)
}

/// `shutdown`'s `how`.
pub fn shutdown_how(how: i32) -> String {
    enumerated(SD_NAMES, how)
}

/// An address as text: `127.0.0.1:5000`, `[::1]:80` (Windows' `WSAAddressToString`
/// forms, [`wsp::addr_text`]); an address of another family or a short one as
/// `family/len` with the family's name (`AF_UNIX/110`), an empty one as `-`.
pub fn addr(a: &SockAddr) -> String {
    if a.is_empty() {
        return "-".to_string();
    }
    match wsp::addr_text::address_to_string(a) {
        Ok(t) => {
            // WSAAddressToString leaves out a zero port; a trace wants it shown, so that
            // "bound to port 0" and "bound to the address alone" read the same way.
            match a.to_std() {
                Some(std::net::SocketAddr::V4(v4)) if v4.port() == 0 => format!("{t}:0"),
                Some(std::net::SocketAddr::V6(v6)) if v6.port() == 0 => format!("[{t}]:0"),
                _ => t,
            }
        }
        Err(_) => match a.family() {
            Some(f) => format!("{}/{}", af(f), a.len()),
            None => format!("?/{}", a.len()),
        },
    }
}

/// The extension function a `SIO_GET_EXTENSION_FUNCTION_POINTER` input GUID names
/// (`AcceptEx`, `WSARecvMsg`...), if the input is one.
pub fn extension_guid(input: &[u8]) -> Option<&'static str> {
    use wsp::overlapped::{guid_from_bytes, ExtensionFn};
    let f = ExtensionFn::from_guid(&guid_from_bytes(input)?)?;
    Some(match f {
        ExtensionFn::AcceptEx => "WSAID_ACCEPTEX",
        ExtensionFn::GetAcceptExSockaddrs => "WSAID_GETACCEPTEXSOCKADDRS",
        ExtensionFn::ConnectEx => "WSAID_CONNECTEX",
        ExtensionFn::DisconnectEx => "WSAID_DISCONNECTEX",
        ExtensionFn::TransmitFile => "WSAID_TRANSMITFILE",
        ExtensionFn::TransmitPackets => "WSAID_TRANSMITPACKETS",
        ExtensionFn::WsaRecvMsg => "WSAID_WSARECVMSG",
        ExtensionFn::WsaSendMsg => "WSAID_WSASENDMSG",
    })
}

/// The first `max` bytes of `data` as lowercase hex (for `WSP_TRACE_DATA`).
pub fn hex(data: &[u8], max: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(data.len().min(max) * 2);
    for b in data.iter().take(max) {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    // Names and numbers: winsock2.h / ws2def.h / ws2ipdef.h / mstcpip.h (Windows SDK).

    #[test]
    fn errors_print_windows_names() {
        assert_eq!(error(WsaError::WSAEWOULDBLOCK), "WSAEWOULDBLOCK");
        assert_eq!(error(WsaError::WSA_IO_PENDING), "WSA_IO_PENDING");
        assert_eq!(error(WsaError(12345)), "12345");
    }

    #[test]
    fn event_masks_print_as_names_joined_by_bar() {
        assert_eq!(fd_events(FD_READ | FD_CLOSE), "FD_READ|FD_CLOSE");
        assert_eq!(fd_events(0), "0");
        assert_eq!(fd_events(FD_ACCEPT | 0x4000), "FD_ACCEPT|0x4000");
        assert_eq!(
            fd_events(FD_ALL_EVENTS),
            "FD_READ|FD_WRITE|FD_OOB|FD_ACCEPT|FD_CONNECT|FD_CLOSE|FD_QOS|FD_GROUP_QOS|\
             FD_ROUTING_INTERFACE_CHANGE|FD_ADDRESS_LIST_CHANGE"
        );
    }

    #[test]
    fn msg_and_socket_flags() {
        assert_eq!(msg_flags(MSG_PEEK | MSG_OOB), "MSG_OOB|MSG_PEEK");
        assert_eq!(msg_flags(MSG_PARTIAL), "MSG_PARTIAL");
        assert_eq!(msg_flags(0x10000), "0x10000");
        assert_eq!(wsa_flags(WSA_FLAG_OVERLAPPED), "WSA_FLAG_OVERLAPPED");
        assert_eq!(
            wsa_flags(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT),
            "WSA_FLAG_OVERLAPPED|WSA_FLAG_NO_HANDLE_INHERIT"
        );
        assert_eq!(
            provider_flags(PFL_MATCHES_PROTOCOL_ZERO),
            "PFL_MATCHES_PROTOCOL_ZERO"
        );
        assert!(service_flags(XP1_IFS_HANDLES | XP1_GUARANTEED_ORDER).contains("XP1_IFS_HANDLES"));
    }

    #[test]
    fn transmit_flags_by_name() {
        // mswsock.h: TF_DISCONNECT 0x01, TF_REUSE_SOCKET 0x02, TF_WRITE_BEHIND 0x04,
        // TF_USE_SYSTEM_THREAD 0x10, TF_USE_KERNEL_APC 0x20.
        assert_eq!(tf_flags(0), "0");
        assert_eq!(tf_flags(0x03), "TF_DISCONNECT|TF_REUSE_SOCKET");
        assert_eq!(tf_flags(0x04), "TF_WRITE_BEHIND");
        assert_eq!(tf_flags(0x30), "TF_USE_SYSTEM_THREAD|TF_USE_KERNEL_APC");
        assert_eq!(tf_flags(0x102), "TF_REUSE_SOCKET|0x100");
    }

    #[test]
    fn ioctl_codes_by_name_and_their_windows_numbers() {
        assert_eq!(ioctl(0x8004_667e), "FIONBIO");
        assert_eq!(ioctl(0x4004_667f), "FIONREAD");
        assert_eq!(ioctl(0xc800_0006), "SIO_GET_EXTENSION_FUNCTION_POINTER");
        assert_eq!(ioctl(0x9800_0004), "SIO_KEEPALIVE_VALS");
        assert_eq!(ioctl(0x9800_000c), "SIO_UDP_CONNRESET");
        assert_eq!(ioctl(0x1234), "0x00001234");
    }

    #[test]
    fn option_levels_and_names() {
        assert_eq!(level(0xffff), "SOL_SOCKET");
        assert_eq!(level(6), "IPPROTO_TCP");
        assert_eq!(level(41), "IPPROTO_IPV6");
        assert_eq!(option(SOL_SOCKET, 0x1006), "SO_RCVTIMEO");
        assert_eq!(option(SOL_SOCKET, !4), "SO_EXCLUSIVEADDRUSE");
        assert_eq!(option(SOL_SOCKET, 0x9999), "0x9999");
        assert_eq!(option(IPPROTO_TCP, 1), "TCP_NODELAY");
        assert_eq!(option(IPPROTO_IP, 4), "IP_TTL");
        assert_eq!(option(IPPROTO_IPV6, 27), "IPV6_V6ONLY");
        assert_eq!(option(IPPROTO_UDP, 1), "1");
    }

    #[test]
    fn families_types_protocols_and_how() {
        assert_eq!(af(2), "AF_INET");
        assert_eq!(af(23), "AF_INET6");
        assert_eq!(af(99), "99");
        assert_eq!(socket_type(1), "SOCK_STREAM");
        assert_eq!(socket_type(2), "SOCK_DGRAM");
        assert_eq!(protocol(0), "0");
        assert_eq!(protocol(6), "IPPROTO_TCP");
        assert_eq!(protocol(17), "IPPROTO_UDP");
        assert_eq!(shutdown_how(1), "SD_SEND");
        assert_eq!(shutdown_how(7), "7");
    }

    #[test]
    fn addresses_as_text() {
        let v4 = SockAddr::from_std("127.0.0.1:5000".parse().unwrap());
        assert_eq!(addr(&v4), "127.0.0.1:5000");
        let any = SockAddr::from_std("127.0.0.1:0".parse().unwrap());
        assert_eq!(addr(&any), "127.0.0.1:0");
        let v6 = SockAddr::from_std("[::1]:80".parse().unwrap());
        assert_eq!(addr(&v6), "[::1]:80");
        let v6any = SockAddr::from_std("[::1]:0".parse().unwrap());
        assert_eq!(addr(&v6any), "[::1]:0");
        assert_eq!(addr(&SockAddr::from_bytes(&[])), "-");
        assert_eq!(addr(&SockAddr::from_bytes(&[2, 0, 0])), "AF_INET/3");
        assert_eq!(addr(&SockAddr::from_bytes(&[1, 0, 0, 0])), "AF_UNIX/4");
    }

    #[test]
    fn extension_guids_and_hex() {
        let g = wsp::overlapped::guid_to_bytes(&wsp::overlapped::WSAID_ACCEPTEX);
        assert_eq!(extension_guid(&g), Some("WSAID_ACCEPTEX"));
        assert_eq!(extension_guid(&[0; 16]), None);
        assert_eq!(extension_guid(&[1, 2]), None);
        assert_eq!(hex(b"hello", 3), "68656c");
        assert_eq!(hex(b"", 3), "");
    }
}
