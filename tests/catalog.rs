//! The protocol catalog: entry contents and entry selection, one test per row.
//!
//! Sources, named on each test:
//! - [netsh]: `netsh winsock show catalog` captured on Windows (Windows Internals, 6th ed.,
//!   part 1, "Winsock" section).
//! - [wine-table]: Wine's `dlls/ws2_32` protocol table (`supported_protocols`), which
//!   reproduces Windows' `WSAEnumProtocols` output.
//! - [wine-test]: Wine's `dlls/ws2_32/tests/sock.c`, `test_WSASocket`, which runs on
//!   Windows and asserts what Windows returns.
//! - [ms-wsasocket]: Microsoft's `WSASocketW` page.

use wsp::catalog::{self, select, select_info, select_socket, FIRST_CATALOG_ID, PROVIDER_ID};
use wsp::types::*;
use wsp::WsaError;

const TCP4: usize = 0;
const UDP4: usize = 1;
const TCP6: usize = 2;
const UDP6: usize = 3;

/// The four MSAFD mirrors, which come first; the emulated framed protocol's entries after
/// them are checked in `tests/connx.rs`.
fn cat() -> Vec<WSAPROTOCOL_INFOW> {
    catalog::entries()[..4].to_vec()
}

// ---- entry contents -----------------------------------------------------------------------

#[test]
fn four_entries_in_msafd_order() {
    let c = cat();
    let triples: Vec<_> = c
        .iter()
        .map(|p| (p.iAddressFamily, p.iSocketType, p.iProtocol))
        .collect();
    assert_eq!(
        triples,
        [
            (AF_INET, SOCK_STREAM, IPPROTO_TCP),
            (AF_INET, SOCK_DGRAM, IPPROTO_UDP),
            (AF_INET6, SOCK_STREAM, IPPROTO_TCP),
            (AF_INET6, SOCK_DGRAM, IPPROTO_UDP),
        ]
    );
}

/// [netsh] "Service Flags: 0x20066" for MSAFD Tcpip [TCP/IP].
#[test]
fn tcp_service_flags_are_0x20066() {
    for i in [TCP4, TCP6] {
        assert_eq!(cat()[i].dwServiceFlags1, 0x20066, "entry {i}");
    }
}

/// [netsh] "Service Flags: 0x20609" for MSAFD Tcpip [UDP/IP]; [wine-table] the same set.
#[test]
fn udp_service_flags_are_0x20609() {
    for i in [UDP4, UDP6] {
        assert_eq!(cat()[i].dwServiceFlags1, 0x20609, "entry {i}");
        assert_ne!(cat()[i].dwServiceFlags1 & XP1_MESSAGE_ORIENTED, 0);
    }
}

/// DESIGN.md: TCP/IP on Windows carries no connect or disconnect data.
#[test]
fn no_connect_or_disconnect_data() {
    for p in cat() {
        assert_eq!(
            p.dwServiceFlags1 & (XP1_CONNECT_DATA | XP1_DISCONNECT_DATA),
            0
        );
    }
}

/// [wine-table] dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO for all four.
#[test]
fn provider_flags_are_matches_protocol_zero() {
    for p in cat() {
        assert_eq!(
            p.dwProviderFlags,
            PFL_MATCHES_PROTOCOL_ZERO,
            "{}",
            p.protocol_name()
        );
    }
}

/// [netsh] "Max/Min Address Length: 16" for IPv4; [wine-table] sizeof(sockaddr_in6) = 28.
#[test]
fn address_lengths() {
    let c = cat();
    for i in [TCP4, UDP4] {
        assert_eq!(
            (c[i].iMinSockAddr, c[i].iMaxSockAddr),
            (16, 16),
            "entry {i}"
        );
    }
    for i in [TCP6, UDP6] {
        assert_eq!(
            (c[i].iMinSockAddr, c[i].iMaxSockAddr),
            (28, 28),
            "entry {i}"
        );
    }
}

/// [wine-table] dwMessageSize 0 for TCP, 0xFFBB for UDP.
#[test]
fn message_sizes() {
    let c = cat();
    assert_eq!(c[TCP4].dwMessageSize, 0);
    assert_eq!(c[TCP6].dwMessageSize, 0);
    assert_eq!(c[UDP4].dwMessageSize, 0xffbb);
    assert_eq!(c[UDP6].dwMessageSize, 65467);
}

/// [netsh] "Version: 2", "Protocol Chain Length: 1"; [wine-table] offsets, order, security.
#[test]
fn version_chain_and_scalars() {
    for p in cat() {
        assert_eq!(p.iVersion, 2);
        assert_eq!(p.ProtocolChain.ChainLen, BASE_PROTOCOL);
        assert_eq!(p.iProtocolMaxOffset, 0);
        assert_eq!(p.iNetworkByteOrder, BIGENDIAN);
        assert_eq!(p.iSecurityScheme, SECURITY_PROTOCOL_NONE);
        assert_eq!(
            (p.dwServiceFlags2, p.dwServiceFlags3, p.dwServiceFlags4),
            (0, 0, 0)
        );
    }
}

/// Our own GUID and ids, MSAFD-shaped names.
#[test]
fn own_identity_and_names() {
    let c = cat();
    let names: Vec<_> = c.iter().map(|p| p.protocol_name()).collect();
    assert_eq!(
        names,
        [
            "WSP Tcpip [TCP/IP]",
            "WSP Tcpip [UDP/IP]",
            "WSP Tcpip [TCP/IPv6]",
            "WSP Tcpip [UDP/IPv6]"
        ]
    );
    for (i, p) in c.iter().enumerate() {
        assert_eq!(p.ProviderId, PROVIDER_ID);
        assert_eq!(p.dwCatalogEntryId, FIRST_CATALOG_ID + i as u32);
    }
}

// ---- select: WSASocket(af, type, protocol, NULL) rows of [wine-test] ----------------------

/// One row: `(af, type, protocol)` and the expected entry or error.
macro_rules! select_rows {
    ($($name:ident: ($af:expr, $ty:expr, $proto:expr) => $want:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let want: Result<usize, WsaError> = $want;
                assert_eq!(
                    select(&cat(), $af, $ty, $proto),
                    want,
                    concat!("row ", stringify!($name), ": (", stringify!($af), ", ",
                        stringify!($ty), ", ", stringify!($proto), ")"),
                );
            }
        )*
    };
}

mod select_rows {
    use super::*;
    const DEAD: i32 = 0xdead;

    select_rows! {
        // [wine-test] WSASocketA(0, 0, 0) → WSAEINVAL
        all_zero_is_einval: (0, 0, 0) => Err(WsaError::WSAEINVAL);
        // [wine-test] WSASocketA(AF_INET, 0, 0) succeeds: the first PFL_MATCHES_PROTOCOL_ZERO
        // entry of the family (TCP)
        inet_only_picks_tcp: (AF_INET, 0, 0) => Ok(TCP4);
        // [wine-test] WSASocketA(AF_INET, SOCK_STREAM, 0) succeeds
        inet_stream: (AF_INET, SOCK_STREAM, 0) => Ok(TCP4);
        // [wine-test] WSASocketA(0, SOCK_STREAM, -1) → WSAEPROTONOSUPPORT
        unspec_stream_bad_proto: (0, SOCK_STREAM, -1) => Err(WsaError::WSAEPROTONOSUPPORT);
        // [wine-test] WSASocketA(0, -1, IPPROTO_UDP) → WSAESOCKTNOSUPPORT
        unspec_bad_type_udp: (0, -1, IPPROTO_UDP) => Err(WsaError::WSAESOCKTNOSUPPORT);
        // [wine-test] WSASocketA(0, -1, 0) → WSAEINVAL
        unspec_bad_type_zero_proto: (0, -1, 0) => Err(WsaError::WSAEINVAL);
        // [wine-test] WSASocketA(AF_INET, -1, 0) → WSAESOCKTNOSUPPORT
        inet_bad_type: (AF_INET, -1, 0) => Err(WsaError::WSAESOCKTNOSUPPORT);
        // [wine-test] WSASocketA(AF_INET, 0, -1) → WSAEPROTONOSUPPORT
        inet_bad_proto: (AF_INET, 0, -1) => Err(WsaError::WSAEPROTONOSUPPORT);
        // [wine-test] WSASocketA(0, -1, -1) → WSAESOCKTNOSUPPORT (type checked before protocol)
        unspec_bad_type_bad_proto: (0, -1, -1) => Err(WsaError::WSAESOCKTNOSUPPORT);
        // [wine-test] WSASocketA(-1, SOCK_STREAM, IPPROTO_UDP) → WSAEAFNOSUPPORT (family first)
        bad_af_stream_udp: (-1, SOCK_STREAM, IPPROTO_UDP) => Err(WsaError::WSAEAFNOSUPPORT);
        // [wine-test] WSASocketA(AF_INET, 0, IPPROTO_TCP) succeeds
        inet_tcp: (AF_INET, 0, IPPROTO_TCP) => Ok(TCP4);
        // [wine-test] WSASocketA(0, SOCK_STREAM, 0) → WSAEINVAL (no family, no protocol)
        unspec_stream_zero_proto: (0, SOCK_STREAM, 0) => Err(WsaError::WSAEINVAL);
        // [wine-test] WSASocketA(0, 0, 0xdead) → WSAEPROTONOSUPPORT
        unspec_dead_proto: (0, 0, DEAD) => Err(WsaError::WSAEPROTONOSUPPORT);
        // [wine-test] WSASocketA(AF_INET, 0xdead, 0) → WSAESOCKTNOSUPPORT
        inet_dead_type: (AF_INET, DEAD, 0) => Err(WsaError::WSAESOCKTNOSUPPORT);
        // [wine-test] WSASocketA(0, 0xdead, 0) → WSAEINVAL
        unspec_dead_type_zero_proto: (0, DEAD, 0) => Err(WsaError::WSAEINVAL);
        // [wine-test] WSASocketA(0, 0, IPPROTO_TCP) succeeds: the first entry with the protocol
        unspec_tcp: (0, 0, IPPROTO_TCP) => Ok(TCP4);
        // [wine-test] "when no socket type is specified the first entry from WSAEnumProtocols
        // that matches the protocol is returned": UDP is UDP/IPv4
        unspec_udp: (0, 0, IPPROTO_UDP) => Ok(UDP4);
        // [wine-test] SOCK_STREAM does not support IPPROTO_UDP → WSAEPROTONOSUPPORT
        // ([ms-wsasocket] would suggest WSAEINVAL or WSAEPROTOTYPE; Windows says otherwise)
        inet_stream_udp: (AF_INET, SOCK_STREAM, IPPROTO_UDP) => Err(WsaError::WSAEPROTONOSUPPORT);
        // [wine-test] SOCK_DGRAM does not support IPPROTO_TCP → WSAEPROTONOSUPPORT
        inet_dgram_tcp: (AF_INET, SOCK_DGRAM, IPPROTO_TCP) => Err(WsaError::WSAEPROTONOSUPPORT);
        // [wine-test] af=AF_UNSPEC with type and protocol: the first matching entry
        unspec_stream_tcp: (0, SOCK_STREAM, IPPROTO_TCP) => Ok(TCP4);
        unspec_dgram_udp: (0, SOCK_DGRAM, IPPROTO_UDP) => Ok(UDP4);
        // The same rules over the IPv6 entries.
        inet6_only_picks_tcp: (AF_INET6, 0, 0) => Ok(TCP6);
        inet6_dgram: (AF_INET6, SOCK_DGRAM, 0) => Ok(UDP6);
        inet6_udp: (AF_INET6, 0, IPPROTO_UDP) => Ok(UDP6);
        inet_dgram: (AF_INET, SOCK_DGRAM, 0) => Ok(UDP4);
        // [wine-test] 0xdead family → WSAEAFNOSUPPORT (as -1 above); with nothing else given
        // the family still decides, since af is not AF_UNSPEC
        dead_af_alone: (DEAD, 0, 0) => Err(WsaError::WSAEAFNOSUPPORT);
        // Precedence with everything bad: the family error wins.
        all_bad: (-1, -1, -1) => Err(WsaError::WSAEAFNOSUPPORT);
        // A family Windows knows but this catalog lacks (AF_UNIX).
        unix_stream: (AF_UNIX, SOCK_STREAM, 0) => Err(WsaError::WSAEAFNOSUPPORT);
        // SOCK_RAW: no raw entry here, so the type is unsupported in the family. Windows has a
        // raw entry and gives unprivileged callers WSAEACCES ([wine-test]); a known divergence.
        inet_raw_icmp: (AF_INET, SOCK_RAW, IPPROTO_ICMP) => Err(WsaError::WSAESOCKTNOSUPPORT);
        // ICMP over a family that has no entry for it.
        inet_icmp: (AF_INET, 0, IPPROTO_ICMP) => Err(WsaError::WSAEPROTONOSUPPORT);
        // SOCK_SEQPACKET, SOCK_RDM: types this catalog does not have.
        inet_seqpacket: (AF_INET, SOCK_SEQPACKET, 0) => Err(WsaError::WSAESOCKTNOSUPPORT);
        unspec_rdm_tcp: (0, SOCK_RDM, IPPROTO_TCP) => Err(WsaError::WSAESOCKTNOSUPPORT);
    }
}

#[test]
fn select_on_empty_catalog_is_afnosupport() {
    assert_eq!(select(&[], AF_INET, 0, 0), Err(WsaError::WSAEAFNOSUPPORT));
    assert_eq!(select(&[], 0, 0, 0), Err(WsaError::WSAEINVAL));
}

/// A protocol range (`iProtocolMaxOffset`) as MSAFD's raw entry has one ([wine-table]).
#[test]
fn select_honours_protocol_max_offset() {
    let mut raw = cat()[TCP4];
    raw.iSocketType = SOCK_RAW;
    raw.iProtocol = 0;
    raw.iProtocolMaxOffset = 255;
    raw.dwProviderFlags = 0;
    let c = [raw];
    assert_eq!(select(&c, AF_INET, SOCK_RAW, IPPROTO_ICMP), Ok(0));
    assert_eq!(select(&c, AF_INET, SOCK_RAW, 255), Ok(0));
    assert_eq!(
        select(&c, AF_INET, SOCK_RAW, 256),
        Err(WsaError::WSAEPROTONOSUPPORT)
    );
    // Protocol 0 needs PFL_MATCHES_PROTOCOL_ZERO, even where 0 is in range.
    assert_eq!(
        select(&c, AF_INET, SOCK_RAW, 0),
        Err(WsaError::WSAEPROTONOSUPPORT)
    );
}

#[test]
fn select_survives_hostile_offsets() {
    let mut p = cat()[TCP4];
    p.iProtocol = i32::MAX;
    p.iProtocolMaxOffset = i32::MAX;
    assert_eq!(select(&[p], AF_INET, 0, i32::MAX), Ok(0));
    p.iProtocolMaxOffset = -5;
    assert_eq!(select(&[p], AF_INET, 0, i32::MAX), Ok(0));
    assert_eq!(
        select(&[p], AF_INET, 0, 1),
        Err(WsaError::WSAEPROTONOSUPPORT)
    );
}

// ---- select_info / select_socket: WSASocket(..., lpProtocolInfo) ---------------------------

/// Each entry's own structure picks that entry.
#[test]
fn info_of_each_entry_picks_it() {
    let c = cat();
    for (i, p) in c.iter().enumerate() {
        assert_eq!(select_info(&c, p), Ok(i), "{}", p.protocol_name());
    }
}

/// [wine-test] WSASocketA(FROM_PROTOCOL_INFO x3, &pi[0]) succeeds.
#[test]
fn from_protocol_info_everywhere() {
    let c = cat();
    let f = FROM_PROTOCOL_INFO;
    assert_eq!(select_socket(&c, f, f, f, Some(&c[UDP6])), Ok(UDP6));
}

/// [wine-test] pi[0] with af/type/protocol = -1, WSASocketA(0, 0, IPPROTO_UDP, &pi[0])
/// → WSAEAFNOSUPPORT: the zero af is taken from the structure.
#[test]
fn info_with_bad_triple_is_afnosupport() {
    let c = cat();
    let mut pi = c[TCP4];
    pi.iAddressFamily = -1;
    pi.iSocketType = -1;
    pi.iProtocol = -1;
    assert_eq!(
        select_socket(&c, 0, 0, IPPROTO_UDP, Some(&pi)),
        Err(WsaError::WSAEAFNOSUPPORT)
    );
}

/// [wine-test] pi[0] with af/type/protocol = 0, WSASocketA(0, 0, IPPROTO_UDP, &pi[0])
/// → WSAEAFNOSUPPORT on Vista and later (it worked on 2003 and earlier).
#[test]
fn info_with_zero_family_is_afnosupport() {
    let c = cat();
    let mut pi = c[TCP4];
    pi.iAddressFamily = 0;
    pi.iSocketType = 0;
    pi.iProtocol = 0;
    assert_eq!(
        select_socket(&c, 0, 0, IPPROTO_UDP, Some(&pi)),
        Err(WsaError::WSAEAFNOSUPPORT)
    );
}

/// [wine-test] pi[0] (the TCP entry) changed to AF_INET/SOCK_DGRAM/IPPROTO_UDP,
/// WSASocketA(0, 0, 0, &pi[0]) makes a SOCK_DGRAM socket: the triple, not the id, decides.
#[test]
fn info_triple_beats_its_entry_id() {
    let c = cat();
    let mut pi = c[TCP4];
    pi.iAddressFamily = AF_INET;
    pi.iSocketType = SOCK_DGRAM;
    pi.iProtocol = IPPROTO_UDP;
    assert_eq!(select_socket(&c, 0, 0, 0, Some(&pi)), Ok(UDP4));
    assert_eq!(select_info(&c, &pi), Ok(UDP4));
}

/// [wine-test] the same structure with WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, &pi[0])
/// makes a SOCK_STREAM socket: explicit arguments override the structure.
#[test]
fn explicit_arguments_override_info() {
    let c = cat();
    let mut pi = c[TCP4];
    pi.iSocketType = SOCK_DGRAM;
    pi.iProtocol = IPPROTO_UDP;
    assert_eq!(
        select_socket(&c, AF_INET, SOCK_STREAM, IPPROTO_TCP, Some(&pi)),
        Ok(TCP4)
    );
}

/// [ms-wsasocket] WSAEINVAL: "The WSAPROTOCOL_INFO structure that lpProtocolInfo points to
/// is incomplete, the contents are invalid ...". A structure of another provider (MSAFD's
/// TCP entry: its GUID and catalog id 1001) names nothing here.
#[test]
fn foreign_info_is_einval() {
    let c = cat();
    let mut msafd = c[TCP4];
    msafd.ProviderId = GUID {
        Data1: 0xe70f_1aa0,
        Data2: 0xab8b,
        Data3: 0x11cf,
        Data4: [0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92],
    };
    msafd.dwCatalogEntryId = 1001;
    assert_eq!(select_info(&c, &msafd), Err(WsaError::WSAEINVAL));
    assert_eq!(
        select_socket(&c, AF_INET, SOCK_STREAM, IPPROTO_TCP, Some(&msafd)),
        Err(WsaError::WSAEINVAL)
    );
}

/// A zeroed structure names nothing here either.
#[test]
fn zeroed_info_is_einval() {
    assert_eq!(
        select_info(&cat(), &WSAPROTOCOL_INFOW::default()),
        Err(WsaError::WSAEINVAL)
    );
}

/// Our GUID with an id we do not have (say from an older catalog numbering): ours, so the
/// triple decides.
#[test]
fn own_guid_unknown_id_goes_by_triple() {
    let c = cat();
    let mut pi = c[UDP6];
    pi.dwCatalogEntryId = 0xdead_beef;
    assert_eq!(select_info(&c, &pi), Ok(UDP6));
}

/// A layered entry whose chain runs through one of our entries is ours too.
#[test]
fn protocol_chain_through_our_entry() {
    let c = cat();
    let mut layered = c[TCP6];
    layered.ProviderId = GUID::default();
    layered.dwCatalogEntryId = 5000;
    layered.ProtocolChain.ChainLen = 2;
    layered.ProtocolChain.ChainEntries[0] = 5000;
    layered.ProtocolChain.ChainEntries[1] = c[TCP6].dwCatalogEntryId;
    assert_eq!(select_info(&c, &layered), Ok(TCP6));
}

/// A chain length beyond MAX_PROTOCOL_CHAIN must not be read past the array.
#[test]
fn overlong_chain_is_bounded() {
    let c = cat();
    let mut p = WSAPROTOCOL_INFOW::default();
    p.ProtocolChain.ChainLen = i32::MAX;
    p.iAddressFamily = AF_INET;
    assert_eq!(select_info(&c, &p), Err(WsaError::WSAEINVAL));
}

/// Ours, with a bad type or protocol: the select() errors.
#[test]
fn own_info_with_bad_type_or_protocol() {
    let c = cat();
    let mut pi = c[TCP4];
    pi.iSocketType = 0xdead;
    assert_eq!(select_info(&c, &pi), Err(WsaError::WSAESOCKTNOSUPPORT));
    let mut pi = c[TCP4];
    pi.iProtocol = IPPROTO_UDP;
    assert_eq!(select_info(&c, &pi), Err(WsaError::WSAEPROTONOSUPPORT));
}

#[test]
fn select_socket_without_info_is_select() {
    let c = cat();
    assert_eq!(select_socket(&c, 0, 0, 0, None), Err(WsaError::WSAEINVAL));
    assert_eq!(select_socket(&c, AF_INET6, 0, 0, None), Ok(TCP6));
}
