//! The protocol catalog: the `WSAPROTOCOL_INFOW` entries this provider offers, and the rules
//! `WSPSocket` uses to pick one.
//!
//! # The entries
//! TCP and UDP over IPv4 and IPv6, each reporting what a Windows 10/11 machine reports for
//! the corresponding MSAFD entry (`netsh winsock show catalog`, `WSAEnumProtocols`), under
//! this provider's own GUID and catalog ids (this is not MSAFD, and a protocol chain must be
//! able to tell the two apart):
//!
//! | ours | mirrors (MSAFD) | af | type | protocol | service flags | addr min/max | message size |
//! |---|---|---|---|---|---|---|---|
//! | `WSP Tcpip [TCP/IP]` | `MSAFD Tcpip [TCP/IP]` (1001) | 2 | 1 | 6 | `0x20066` | 16/16 | 0 |
//! | `WSP Tcpip [UDP/IP]` | `MSAFD Tcpip [UDP/IP]` (1002) | 2 | 2 | 17 | `0x20609` | 16/16 | `0xFFBB` |
//! | `WSP Tcpip [TCP/IPv6]` | `MSAFD Tcpip [TCP/IPv6]` (1004) | 23 | 1 | 6 | `0x20066` | 28/28 | 0 |
//! | `WSP Tcpip [UDP/IPv6]` | `MSAFD Tcpip [UDP/IPv6]` (1005) | 23 | 2 | 17 | `0x20609` | 28/28 | `0xFFBB` |
//!
//! Every entry: `dwProviderFlags` = `PFL_MATCHES_PROTOCOL_ZERO`, `iVersion` 2, a base
//! protocol (`ChainLen` 1), `iProtocolMaxOffset` 0, `BIGENDIAN`, `SECURITY_PROTOCOL_NONE`.
//!
//! Sources: the service flags and the IPv4 address lengths are `netsh winsock show catalog`
//! output captured on Windows (Windows Internals, 6th ed., part 1: `0x20066` for TCP,
//! `0x20609` for UDP, 16/16); the IPv6 lengths (`sizeof(SOCKADDR_IN6)` = 28), the provider
//! flags and the UDP message size are Wine's `ws2_32` protocol table, which mirrors
//! Windows' `WSAEnumProtocols` output. MSAFD's raw entries (`[RAW/IP]`, `[RAW/IPv6]`) have
//! no counterpart here.
//!
//! # Choosing an entry
//! [`select`] gives the entry, or the error, `WSASocket`/`WSPSocket` gives on Windows for an
//! `(af, type, protocol)` triple; [`select_info`] does the same for a `WSAPROTOCOL_INFOW`
//! passed in, and [`select_socket`] combines the two as `WSPSocket` receives them.

use crate::error::WsaError;
use crate::types::*;

/// This provider's GUID: {5d1c0b6e-8a3f-4c52-9b1e-77a5e0c4d201}.
pub const PROVIDER_ID: GUID = GUID {
    Data1: 0x5d1c_0b6e,
    Data2: 0x8a3f,
    Data3: 0x4c52,
    Data4: [0x9b, 0x1e, 0x77, 0xa5, 0xe0, 0xc4, 0xd2, 0x01],
};

/// First catalog entry id; entries are numbered from here in catalog order.
pub const FIRST_CATALOG_ID: u32 = 0x7750_1001;

/// Service flags Windows reports for MSAFD TCP entries (`0x20066`).
pub const TCP_SERVICE_FLAGS: u32 = XP1_IFS_HANDLES
    | XP1_EXPEDITED_DATA
    | XP1_GRACEFUL_CLOSE
    | XP1_GUARANTEED_ORDER
    | XP1_GUARANTEED_DELIVERY;
/// Service flags Windows reports for MSAFD UDP entries (`0x20609`).
pub const UDP_SERVICE_FLAGS: u32 = XP1_IFS_HANDLES
    | XP1_SUPPORT_MULTIPOINT
    | XP1_SUPPORT_BROADCAST
    | XP1_MESSAGE_ORIENTED
    | XP1_CONNECTIONLESS;
/// Provider flags Windows reports for the MSAFD TCP and UDP entries.
pub const PROVIDER_FLAGS: u32 = PFL_MATCHES_PROTOCOL_ZERO;
/// `dwMessageSize` Windows reports for UDP (65,467 bytes: 65,535 less the IPv4 and UDP
/// headers and the largest IPv4 options).
pub const UDP_MESSAGE_SIZE: u32 = 0xffbb;
/// `iMaxSockAddr`/`iMinSockAddr` for IPv4 (`sizeof(SOCKADDR_IN)`).
pub const IPV4_SOCKADDR_LEN: i32 = 16;
/// `iMaxSockAddr`/`iMinSockAddr` for IPv6 (`sizeof(SOCKADDR_IN6)`).
pub const IPV6_SOCKADDR_LEN: i32 = 28;

fn entry(index: u32, af: i32, ty: i32, proto: i32, name: &str) -> WSAPROTOCOL_INFOW {
    let stream = ty == SOCK_STREAM;
    let addr_len = if af == AF_INET6 {
        IPV6_SOCKADDR_LEN
    } else {
        IPV4_SOCKADDR_LEN
    };
    let mut p = WSAPROTOCOL_INFOW {
        dwServiceFlags1: if stream {
            TCP_SERVICE_FLAGS
        } else {
            UDP_SERVICE_FLAGS
        },
        dwProviderFlags: PROVIDER_FLAGS,
        ProviderId: PROVIDER_ID,
        dwCatalogEntryId: FIRST_CATALOG_ID + index,
        ProtocolChain: WSAPROTOCOLCHAIN {
            ChainLen: BASE_PROTOCOL,
            ChainEntries: [0; MAX_PROTOCOL_CHAIN],
        },
        iVersion: 2,
        iAddressFamily: af,
        iMaxSockAddr: addr_len,
        iMinSockAddr: addr_len,
        iSocketType: ty,
        iProtocol: proto,
        iProtocolMaxOffset: 0,
        iNetworkByteOrder: BIGENDIAN,
        iSecurityScheme: SECURITY_PROTOCOL_NONE,
        dwMessageSize: if stream { 0 } else { UDP_MESSAGE_SIZE },
        ..WSAPROTOCOL_INFOW::default()
    };
    p.set_protocol_name(name);
    p
}

/// The catalog, in order: TCP/IPv4, UDP/IPv4, TCP/IPv6, UDP/IPv6 (MSAFD's order, less its
/// raw entries), then the emulated framed protocol over IPv4 and IPv6.
pub fn entries() -> Vec<WSAPROTOCOL_INFOW> {
    vec![
        entry(0, AF_INET, SOCK_STREAM, IPPROTO_TCP, "WSP Tcpip [TCP/IP]"),
        entry(1, AF_INET, SOCK_DGRAM, IPPROTO_UDP, "WSP Tcpip [UDP/IP]"),
        entry(
            2,
            AF_INET6,
            SOCK_STREAM,
            IPPROTO_TCP,
            "WSP Tcpip [TCP/IPv6]",
        ),
        entry(3, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, "WSP Tcpip [UDP/IPv6]"),
        framed_entry(4, AF_INET, "WSP Framed [FRAMED/IP]"),
        framed_entry(5, AF_INET6, "WSP Framed [FRAMED/IPv6]"),
    ]
}

/// Service flags of the emulated framed protocol: a reliable, ordered byte stream with
/// graceful close that carries connect and disconnect data.
pub const FRAMED_SERVICE_FLAGS: u32 = XP1_GUARANTEED_DELIVERY
    | XP1_GUARANTEED_ORDER
    | XP1_GRACEFUL_CLOSE
    | XP1_CONNECT_DATA
    | XP1_DISCONNECT_DATA;

/// An entry of the emulated framed protocol (see `docs/framed-protocol.md`): stream,
/// protocol 253, no `PFL_MATCHES_PROTOCOL_ZERO` (so `(AF_INET, SOCK_STREAM, 0)` stays TCP),
/// no `XP1_IFS_HANDLES` (its handles are not host handles) and no expedited data.
fn framed_entry(index: u32, af: i32, name: &str) -> WSAPROTOCOL_INFOW {
    let mut p = entry(
        index,
        af,
        SOCK_STREAM,
        crate::engine::framed::IPPROTO_WSP_FRAMED,
        name,
    );
    p.dwServiceFlags1 = FRAMED_SERVICE_FLAGS;
    p.dwProviderFlags = 0;
    p
}

/// How far a triple got in matching one entry; the error is that of the furthest stage any
/// entry reached.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reached {
    None,
    Family,
    Type,
}

fn protocol_matches(p: &WSAPROTOCOL_INFOW, protocol: i32) -> bool {
    if protocol == 0 {
        p.dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO != 0
    } else {
        // Widen: a hostile entry's offset must not overflow.
        let lo = i64::from(p.iProtocol);
        let hi = lo + i64::from(p.iProtocolMaxOffset.max(0));
        (lo..=hi).contains(&i64::from(protocol))
    }
}

/// Choose the catalog entry `WSPSocket(af, type, protocol)` uses, with Windows' errors for
/// combinations the catalog does not offer. Returns the entry's index in `catalog`.
///
/// The rules, as Windows applies them (Wine's `dlls/ws2_32/tests/sock.c`, `test_WSASocket`,
/// which runs on Windows, is the source of every case; `tests/catalog.rs` has one test each):
/// 1. `af` = `AF_UNSPEC` with `protocol` 0 is `WSAEINVAL`, whatever `type` is: Windows
///    will not guess a family without a protocol to go by (`(0, 0, 0)`,
///    `(0, SOCK_STREAM, 0)`, `(0, 0xdead, 0)` all fail so).
/// 2. Otherwise the entries are searched in catalog order. `af` 0 and `type` 0 match any
///    entry; `protocol` 0 matches entries with `PFL_MATCHES_PROTOCOL_ZERO`, any other value
///    matches `iProtocol ..= iProtocol + iProtocolMaxOffset`. The first full match wins
///    (`(AF_INET, 0, 0)` is TCP, `(0, 0, IPPROTO_UDP)` is UDP/IPv4).
/// 3. Without a match the error names the furthest any entry got: no entry has the family
///    → `WSAEAFNOSUPPORT`; the family but not the type → `WSAESOCKTNOSUPPORT`; family and
///    type but not the protocol → `WSAEPROTONOSUPPORT`. So a bad family wins over a bad
///    type, and a bad type over a bad protocol (`(0, -1, -1)` is `WSAESOCKTNOSUPPORT`).
///
/// Where Microsoft's page differs: `WSASocket` documents `WSAEINVAL` for "individually
/// supported" members in an unsupported combination and `WSAEPROTOTYPE` for "the wrong
/// type for this socket"; Windows gives `WSAEPROTONOSUPPORT` for
/// `(AF_INET, SOCK_STREAM, IPPROTO_UDP)` and `(AF_INET, SOCK_DGRAM, IPPROTO_TCP)`, and so do
/// we. `SOCK_RAW` gives `WSAESOCKTNOSUPPORT` here because this catalog has no raw entry;
/// Windows has one and refuses it to unprivileged callers with `WSAEACCES`.
pub fn select(
    catalog: &[WSAPROTOCOL_INFOW],
    af: i32,
    ty: i32,
    protocol: i32,
) -> Result<usize, WsaError> {
    if af == AF_UNSPEC && protocol == 0 {
        return Err(WsaError::WSAEINVAL);
    }
    let mut reached = Reached::None;
    for (i, p) in catalog.iter().enumerate() {
        if af != AF_UNSPEC && p.iAddressFamily != af {
            continue;
        }
        reached = reached.max(Reached::Family);
        if ty != 0 && p.iSocketType != ty {
            continue;
        }
        reached = reached.max(Reached::Type);
        if protocol_matches(p, protocol) {
            return Ok(i);
        }
    }
    Err(match reached {
        Reached::None => WsaError::WSAEAFNOSUPPORT,
        Reached::Family => WsaError::WSAESOCKTNOSUPPORT,
        Reached::Type => WsaError::WSAEPROTONOSUPPORT,
    })
}

/// Whether a `WSAPROTOCOL_INFOW` names this catalog: one of its entry ids, a protocol chain
/// through one of them, or this provider's GUID.
fn names_catalog(catalog: &[WSAPROTOCOL_INFOW], info: &WSAPROTOCOL_INFOW) -> bool {
    let ours = |id: u32| catalog.iter().any(|p| p.dwCatalogEntryId == id);
    if ours(info.dwCatalogEntryId) {
        return true;
    }
    let chain = &info.ProtocolChain;
    if chain.ChainLen > 1 {
        let n = (chain.ChainLen as usize).min(MAX_PROTOCOL_CHAIN);
        if chain.ChainEntries[..n].iter().any(|&id| ours(id)) {
            return true;
        }
    }
    info.ProviderId == PROVIDER_ID
}

/// Choose the catalog entry for a `WSAPROTOCOL_INFOW` passed to `WSPSocket` (its `af`,
/// `type` and `protocol` already resolved into the structure, see [`select_socket`]).
/// Returns the entry's index in `catalog`.
///
/// - A structure that names nothing of this catalog (not one of its entry ids, no protocol
///   chain through one, not this provider's GUID) is `WSAEINVAL`: `WSASocket` documents
///   `WSAEINVAL` for a `WSAPROTOCOL_INFO` whose "contents are invalid".
/// - The structure's triple decides, not its entry id: on Windows a `WSAPROTOCOL_INFO` from
///   the TCP entry with `iSocketType`/`iProtocol` changed to `SOCK_DGRAM`/`IPPROTO_UDP`
///   creates a datagram socket (`test_WSASocket`). The entry named by `dwCatalogEntryId` is
///   taken when it matches the triple, so that two entries with one triple stay apart.
/// - `iAddressFamily` must name a family: `AF_UNSPEC` (0) or an unknown one gives
///   `WSAEAFNOSUPPORT` (Windows Vista and later; `test_WSASocket`), the rest follows
///   [`select`].
pub fn select_info(
    catalog: &[WSAPROTOCOL_INFOW],
    info: &WSAPROTOCOL_INFOW,
) -> Result<usize, WsaError> {
    if !names_catalog(catalog, info) {
        return Err(WsaError::WSAEINVAL);
    }
    let (af, ty, protocol) = (info.iAddressFamily, info.iSocketType, info.iProtocol);
    if af == AF_UNSPEC {
        return Err(WsaError::WSAEAFNOSUPPORT);
    }
    if let Some(i) = catalog.iter().position(|p| {
        p.dwCatalogEntryId == info.dwCatalogEntryId
            && p.iAddressFamily == af
            && (ty == 0 || p.iSocketType == ty)
            && protocol_matches(p, protocol)
    }) {
        return Ok(i);
    }
    select(catalog, af, ty, protocol)
}

/// Resolve the `(af, type, protocol)` that `WSPSocket` receives against its protocol info:
/// an argument that is 0 or `FROM_PROTOCOL_INFO` takes the structure's value, any other
/// argument overrides it. Windows behaves so (`test_WSASocket`): `WSASocket(0, 0, 0, &info)`
/// with a UDP `info` makes a datagram socket, and
/// `WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, &info)` with the same `info` a stream one.
pub fn resolve_triple(
    af: i32,
    ty: i32,
    protocol: i32,
    info: &WSAPROTOCOL_INFOW,
) -> (i32, i32, i32) {
    let pick = |arg: i32, from_info: i32| {
        if arg == 0 || arg == FROM_PROTOCOL_INFO {
            from_info
        } else {
            arg
        }
    };
    (
        pick(af, info.iAddressFamily),
        pick(ty, info.iSocketType),
        pick(protocol, info.iProtocol),
    )
}

/// Choose the entry for `WSPSocket(af, type, protocol, lpProtocolInfo, ...)`: with no
/// protocol info, [`select`]; with one, the triple resolved by [`resolve_triple`] and then
/// [`select_info`].
pub fn select_socket(
    catalog: &[WSAPROTOCOL_INFOW],
    af: i32,
    ty: i32,
    protocol: i32,
    info: Option<&WSAPROTOCOL_INFOW>,
) -> Result<usize, WsaError> {
    match info {
        None => select(catalog, af, ty, protocol),
        Some(info) => {
            let (af, ty, protocol) = resolve_triple(af, ty, protocol, info);
            let mut resolved = *info;
            resolved.iAddressFamily = af;
            resolved.iSocketType = ty;
            resolved.iProtocol = protocol;
            select_info(catalog, &resolved)
        }
    }
}
