//! The protocol catalog: the `WSAPROTOCOL_INFOW` entries this provider offers.
//!
//! TCP and UDP over IPv4 and IPv6, with the service flags, address sizes and message sizes
//! a Windows machine reports for its MSAFD entries (`netsh winsock show catalog`), under
//! this provider's own GUID and catalog ids.

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

/// Service flags Windows reports for MSAFD TCP entries.
pub const TCP_SERVICE_FLAGS: u32 = XP1_IFS_HANDLES
    | XP1_EXPEDITED_DATA
    | XP1_GRACEFUL_CLOSE
    | XP1_GUARANTEED_ORDER
    | XP1_GUARANTEED_DELIVERY;
/// Service flags Windows reports for MSAFD UDP entries.
pub const UDP_SERVICE_FLAGS: u32 =
    XP1_IFS_HANDLES | XP1_SUPPORT_MULTIPOINT | XP1_SUPPORT_BROADCAST | XP1_CONNECTIONLESS;
/// `dwMessageSize` Windows reports for UDP (65,467 bytes).
pub const UDP_MESSAGE_SIZE: u32 = 0xffbb;

fn entry(index: u32, af: i32, ty: i32, proto: i32, name: &str) -> WSAPROTOCOL_INFOW {
    let stream = ty == SOCK_STREAM;
    let addr_len = if af == AF_INET6 { 28 } else { 16 };
    let mut p = WSAPROTOCOL_INFOW {
        dwServiceFlags1: if stream {
            TCP_SERVICE_FLAGS
        } else {
            UDP_SERVICE_FLAGS
        },
        dwProviderFlags: PFL_MATCHES_PROTOCOL_ZERO,
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

/// The catalog, in order: TCP/IPv4, UDP/IPv4, TCP/IPv6, UDP/IPv6.
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
    ]
}

use crate::error::WsaError;

/// Choose the catalog entry `WSPSocket(af, type, protocol)` uses, with Windows' errors for
/// combinations the catalog does not offer. Returns the entry's index in `catalog`.
pub fn select(
    catalog: &[WSAPROTOCOL_INFOW],
    af: i32,
    ty: i32,
    protocol: i32,
) -> Result<usize, WsaError> {
    if af == AF_UNSPEC && ty == 0 && protocol == 0 {
        return Err(WsaError::WSAEINVAL);
    }
    if af != AF_UNSPEC && !catalog.iter().any(|p| p.iAddressFamily == af) {
        return Err(WsaError::WSAEAFNOSUPPORT);
    }
    if ty != 0 && !catalog.iter().any(|p| p.iSocketType == ty) {
        return Err(WsaError::WSAESOCKTNOSUPPORT);
    }
    catalog
        .iter()
        .position(|p| {
            (af == AF_UNSPEC || p.iAddressFamily == af)
                && (ty == 0 || p.iSocketType == ty)
                && (protocol == 0 || p.iProtocol == protocol)
        })
        .ok_or(WsaError::WSAEPROTONOSUPPORT)
}
