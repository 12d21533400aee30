//! Winsock types and constants, with Windows' numbering and (where C sees them) Windows'
//! x64 layout.
//!
//! Names keep Windows' spelling so that code reads like the specification. Structures that
//! cross the C boundary are `#[repr(C)]` and checked against the Windows SDK's sizes and
//! offsets in the tests at the bottom of this file.

#![allow(non_camel_case_types, non_snake_case)]

/// A socket handle (`SOCKET`, a `UINT_PTR` on Windows).
pub type SOCKET = usize;
/// The invalid socket handle, `(SOCKET)(~0)`.
pub const INVALID_SOCKET: SOCKET = !0;
/// The return value of a failed Winsock call that returns `int`.
pub const SOCKET_ERROR: i32 = -1;

/// A Windows `GROUP` (socket group identifier).
pub type GROUP = u32;

// ---- address families -------------------------------------------------------------------
/// Unspecified address family.
pub const AF_UNSPEC: i32 = 0;
/// Unix domain (not offered by this provider's catalog).
pub const AF_UNIX: i32 = 1;
/// IPv4.
pub const AF_INET: i32 = 2;
/// IPv6 (Windows' value; Linux uses 10).
pub const AF_INET6: i32 = 23;
/// Highest address family Windows defines in `ws2def.h` (used for range checks).
pub const AF_MAX: i32 = 35;

// ---- socket types -----------------------------------------------------------------------
/// Stream socket.
pub const SOCK_STREAM: i32 = 1;
/// Datagram socket.
pub const SOCK_DGRAM: i32 = 2;
/// Raw socket.
pub const SOCK_RAW: i32 = 3;
/// Reliably delivered message socket.
pub const SOCK_RDM: i32 = 4;
/// Sequenced packet socket.
pub const SOCK_SEQPACKET: i32 = 5;

// ---- protocols --------------------------------------------------------------------------
/// Dummy protocol / IP option level.
pub const IPPROTO_IP: i32 = 0;
/// ICMP.
pub const IPPROTO_ICMP: i32 = 1;
/// TCP.
pub const IPPROTO_TCP: i32 = 6;
/// UDP.
pub const IPPROTO_UDP: i32 = 17;
/// IPv6 option level.
pub const IPPROTO_IPV6: i32 = 41;
/// ICMPv6.
pub const IPPROTO_ICMPV6: i32 = 58;
/// Raw IP.
pub const IPPROTO_RAW: i32 = 255;

// ---- send/recv flags --------------------------------------------------------------------
/// Out-of-band data.
pub const MSG_OOB: u32 = 0x1;
/// Peek at incoming data without removing it.
pub const MSG_PEEK: u32 = 0x2;
/// Send without routing.
pub const MSG_DONTROUTE: u32 = 0x4;
/// Wait until the request is complete.
pub const MSG_WAITALL: u32 = 0x8;
/// The receive was interrupted (Windows CE).
pub const MSG_INTERRUPT: u32 = 0x10;
/// Deliver immediately (stream sockets).
pub const MSG_PUSH_IMMEDIATE: u32 = 0x20;
/// Datagram was truncated.
pub const MSG_TRUNC: u32 = 0x0100;
/// Control data was truncated.
pub const MSG_CTRUNC: u32 = 0x0200;
/// Datagram was received as a link-layer broadcast.
pub const MSG_BCAST: u32 = 0x0400;
/// Datagram was received as a link-layer multicast.
pub const MSG_MCAST: u32 = 0x0800;
/// Only part of a message was received.
pub const MSG_PARTIAL: u32 = 0x8000;

// ---- shutdown ---------------------------------------------------------------------------
/// Shut down receives.
pub const SD_RECEIVE: i32 = 0;
/// Shut down sends.
pub const SD_SEND: i32 = 1;
/// Shut down both directions.
pub const SD_BOTH: i32 = 2;

// ---- network events ---------------------------------------------------------------------
/// Bit number of `FD_READ` in `WSANETWORKEVENTS::iErrorCode`.
pub const FD_READ_BIT: usize = 0;
/// Bit number of `FD_WRITE`.
pub const FD_WRITE_BIT: usize = 1;
/// Bit number of `FD_OOB`.
pub const FD_OOB_BIT: usize = 2;
/// Bit number of `FD_ACCEPT`.
pub const FD_ACCEPT_BIT: usize = 3;
/// Bit number of `FD_CONNECT`.
pub const FD_CONNECT_BIT: usize = 4;
/// Bit number of `FD_CLOSE`.
pub const FD_CLOSE_BIT: usize = 5;
/// Bit number of `FD_QOS`.
pub const FD_QOS_BIT: usize = 6;
/// Bit number of `FD_GROUP_QOS`.
pub const FD_GROUP_QOS_BIT: usize = 7;
/// Bit number of `FD_ROUTING_INTERFACE_CHANGE`.
pub const FD_ROUTING_INTERFACE_CHANGE_BIT: usize = 8;
/// Bit number of `FD_ADDRESS_LIST_CHANGE`.
pub const FD_ADDRESS_LIST_CHANGE_BIT: usize = 9;
/// Number of network events.
pub const FD_MAX_EVENTS: usize = 10;
/// Data is ready to read.
pub const FD_READ: i32 = 1 << FD_READ_BIT;
/// Data can be sent.
pub const FD_WRITE: i32 = 1 << FD_WRITE_BIT;
/// Out-of-band data is ready.
pub const FD_OOB: i32 = 1 << FD_OOB_BIT;
/// A connection is waiting to be accepted.
pub const FD_ACCEPT: i32 = 1 << FD_ACCEPT_BIT;
/// A connect completed.
pub const FD_CONNECT: i32 = 1 << FD_CONNECT_BIT;
/// The connection closed.
pub const FD_CLOSE: i32 = 1 << FD_CLOSE_BIT;
/// QoS changed.
pub const FD_QOS: i32 = 1 << FD_QOS_BIT;
/// Group QoS changed (reserved).
pub const FD_GROUP_QOS: i32 = 1 << FD_GROUP_QOS_BIT;
/// The routing interface for the destination changed.
pub const FD_ROUTING_INTERFACE_CHANGE: i32 = 1 << FD_ROUTING_INTERFACE_CHANGE_BIT;
/// The local address list changed.
pub const FD_ADDRESS_LIST_CHANGE: i32 = 1 << FD_ADDRESS_LIST_CHANGE_BIT;
/// All network events.
pub const FD_ALL_EVENTS: i32 = (1 << FD_MAX_EVENTS) - 1;

// ---- service flags (dwServiceFlags1) ------------------------------------------------------
/// Connectionless (datagram) service.
pub const XP1_CONNECTIONLESS: u32 = 0x0000_0001;
/// Guaranteed delivery.
pub const XP1_GUARANTEED_DELIVERY: u32 = 0x0000_0002;
/// Guaranteed order.
pub const XP1_GUARANTEED_ORDER: u32 = 0x0000_0004;
/// Message boundaries are honoured.
pub const XP1_MESSAGE_ORIENTED: u32 = 0x0000_0008;
/// Message-oriented protocol that may ignore boundaries on receive.
pub const XP1_PSEUDO_STREAM: u32 = 0x0000_0010;
/// Two-phase (graceful) close.
pub const XP1_GRACEFUL_CLOSE: u32 = 0x0000_0020;
/// Urgent (out-of-band) data.
pub const XP1_EXPEDITED_DATA: u32 = 0x0000_0040;
/// Connect data.
pub const XP1_CONNECT_DATA: u32 = 0x0000_0080;
/// Disconnect data.
pub const XP1_DISCONNECT_DATA: u32 = 0x0000_0100;
/// Broadcast.
pub const XP1_SUPPORT_BROADCAST: u32 = 0x0000_0200;
/// Multipoint.
pub const XP1_SUPPORT_MULTIPOINT: u32 = 0x0000_0400;
/// Rooted control plane (clear = non-rooted).
pub const XP1_MULTIPOINT_CONTROL_PLANE: u32 = 0x0000_0800;
/// Rooted data plane (clear = non-rooted).
pub const XP1_MULTIPOINT_DATA_PLANE: u32 = 0x0000_1000;
/// QoS.
pub const XP1_QOS_SUPPORTED: u32 = 0x0000_2000;
/// Reserved.
pub const XP1_INTERRUPT: u32 = 0x0000_4000;
/// Unidirectional send.
pub const XP1_UNI_SEND: u32 = 0x0000_8000;
/// Unidirectional receive.
pub const XP1_UNI_RECV: u32 = 0x0001_0000;
/// Handles are installable file system handles.
pub const XP1_IFS_HANDLES: u32 = 0x0002_0000;
/// `MSG_PARTIAL` is supported.
pub const XP1_PARTIAL_MESSAGE: u32 = 0x0004_0000;
/// Sockets Direct Protocol.
pub const XP1_SAN_SUPPORT_SDP: u32 = 0x0008_0000;

// ---- provider flags ---------------------------------------------------------------------
/// One of several entries for one protocol.
pub const PFL_MULTIPLE_PROTO_ENTRIES: u32 = 0x1;
/// The recommended entry among several.
pub const PFL_RECOMMENDED_PROTO_ENTRY: u32 = 0x2;
/// Hidden from `WSAEnumProtocols`.
pub const PFL_HIDDEN: u32 = 0x4;
/// Protocol zero in `socket` matches this entry.
pub const PFL_MATCHES_PROTOCOL_ZERO: u32 = 0x8;
/// NetworkDirect provider.
pub const PFL_NETWORKDIRECT_PROVIDER: u32 = 0x10;

// ---- WSPSocket flags --------------------------------------------------------------------
/// Overlapped I/O is allowed on the socket.
pub const WSA_FLAG_OVERLAPPED: u32 = 0x01;
/// Multipoint c_root.
pub const WSA_FLAG_MULTIPOINT_C_ROOT: u32 = 0x02;
/// Multipoint c_leaf.
pub const WSA_FLAG_MULTIPOINT_C_LEAF: u32 = 0x04;
/// Multipoint d_root.
pub const WSA_FLAG_MULTIPOINT_D_ROOT: u32 = 0x08;
/// Multipoint d_leaf.
pub const WSA_FLAG_MULTIPOINT_D_LEAF: u32 = 0x10;
/// Access system security.
pub const WSA_FLAG_ACCESS_SYSTEM_SECURITY: u32 = 0x40;
/// Not inheritable.
pub const WSA_FLAG_NO_HANDLE_INHERIT: u32 = 0x80;
/// Registered I/O.
pub const WSA_FLAG_REGISTERED_IO: u32 = 0x100;

// ---- protocol info ----------------------------------------------------------------------
/// Length of `szProtocol` (without the terminator).
pub const WSAPROTOCOL_LEN: usize = 255;
/// Maximum protocol chain length.
pub const MAX_PROTOCOL_CHAIN: usize = 7;
/// `ChainLen` of a base protocol.
pub const BASE_PROTOCOL: i32 = 1;
/// `ChainLen` of a layered protocol.
pub const LAYERED_PROTOCOL: i32 = 0;
/// `iProtocolMaxOffset`/`iSecurityScheme` value for "none".
pub const SECURITY_PROTOCOL_NONE: i32 = 0;
/// Big-endian network byte order.
pub const BIGENDIAN: i32 = 0;
/// Little-endian network byte order.
pub const LITTLEENDIAN: i32 = 1;
/// `FROM_PROTOCOL_INFO`: take the value from the protocol info structure.
pub const FROM_PROTOCOL_INFO: i32 = -1;

// ---- ioctls -----------------------------------------------------------------------------
/// Set/clear non-blocking mode.
pub const FIONBIO: u32 = 0x8004_667e;
/// Bytes available to read.
pub const FIONREAD: u32 = 0x4004_667f;
/// Whether all out-of-band data has been read.
pub const SIOCATMARK: u32 = 0x4004_7307;

// ---- options ----------------------------------------------------------------------------
/// Socket-level options.
pub const SOL_SOCKET: i32 = 0xffff;
/// Maximum listen backlog ("reasonable maximum").
pub const SOMAXCONN: i32 = 0x7fff_ffff;

// ---- versions ---------------------------------------------------------------------------
/// Make a Winsock version word (`MAKEWORD(low, high)`).
pub const fn make_word(low: u8, high: u8) -> u16 {
    (low as u16) | ((high as u16) << 8)
}
/// Low byte of a version word (the major version).
pub const fn lo_byte(w: u16) -> u8 {
    (w & 0xff) as u8
}
/// High byte of a version word (the minor version).
pub const fn hi_byte(w: u16) -> u8 {
    (w >> 8) as u8
}
/// `WSADESCRIPTION_LEN` (for `WSADATA`).
pub const WSADESCRIPTION_LEN: usize = 256;
/// `WSPDESCRIPTION_LEN` (for `WSPDATA`; ws2spi.h: 255).
pub const WSPDESCRIPTION_LEN: usize = 255;

/// A GUID, laid out as Windows lays it out.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct GUID {
    /// First 32 bits.
    pub Data1: u32,
    /// Next 16 bits.
    pub Data2: u16,
    /// Next 16 bits.
    pub Data3: u16,
    /// Last 64 bits.
    pub Data4: [u8; 8],
}

/// `WSAPROTOCOLCHAIN`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct WSAPROTOCOLCHAIN {
    /// 0 = layered, 1 = base, >1 = chain.
    pub ChainLen: i32,
    /// Catalog entry ids of the chain.
    pub ChainEntries: [u32; MAX_PROTOCOL_CHAIN],
}

/// `WSAPROTOCOL_INFOW` (628 bytes on Windows).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct WSAPROTOCOL_INFOW {
    /// `XP1_*` flags.
    pub dwServiceFlags1: u32,
    /// Reserved.
    pub dwServiceFlags2: u32,
    /// Reserved.
    pub dwServiceFlags3: u32,
    /// Reserved.
    pub dwServiceFlags4: u32,
    /// `PFL_*` flags.
    pub dwProviderFlags: u32,
    /// Provider GUID.
    pub ProviderId: GUID,
    /// Catalog entry id.
    pub dwCatalogEntryId: u32,
    /// Protocol chain.
    pub ProtocolChain: WSAPROTOCOLCHAIN,
    /// Protocol version.
    pub iVersion: i32,
    /// Address family.
    pub iAddressFamily: i32,
    /// Maximum address length.
    pub iMaxSockAddr: i32,
    /// Minimum address length.
    pub iMinSockAddr: i32,
    /// Socket type.
    pub iSocketType: i32,
    /// Protocol.
    pub iProtocol: i32,
    /// Maximum protocol offset (raw sockets).
    pub iProtocolMaxOffset: i32,
    /// `BIGENDIAN` or `LITTLEENDIAN`.
    pub iNetworkByteOrder: i32,
    /// Security scheme.
    pub iSecurityScheme: i32,
    /// Maximum message size (0 = stream, 0xFFFFFFFF = depends on MTU... see docs).
    pub dwMessageSize: u32,
    /// Reserved for the provider.
    pub dwProviderReserved: u32,
    /// Human-readable name, NUL-terminated UTF-16.
    pub szProtocol: [u16; WSAPROTOCOL_LEN + 1],
}

impl Default for WSAPROTOCOL_INFOW {
    fn default() -> Self {
        WSAPROTOCOL_INFOW {
            dwServiceFlags1: 0,
            dwServiceFlags2: 0,
            dwServiceFlags3: 0,
            dwServiceFlags4: 0,
            dwProviderFlags: 0,
            ProviderId: GUID::default(),
            dwCatalogEntryId: 0,
            ProtocolChain: WSAPROTOCOLCHAIN::default(),
            iVersion: 0,
            iAddressFamily: 0,
            iMaxSockAddr: 0,
            iMinSockAddr: 0,
            iSocketType: 0,
            iProtocol: 0,
            iProtocolMaxOffset: 0,
            iNetworkByteOrder: 0,
            iSecurityScheme: 0,
            dwMessageSize: 0,
            dwProviderReserved: 0,
            szProtocol: [0; WSAPROTOCOL_LEN + 1],
        }
    }
}

impl WSAPROTOCOL_INFOW {
    /// The protocol name as a Rust string (up to the first NUL).
    pub fn protocol_name(&self) -> String {
        let end = self
            .szProtocol
            .iter()
            .position(|&c| c == 0)
            .unwrap_or(self.szProtocol.len());
        String::from_utf16_lossy(&self.szProtocol[..end])
    }

    /// Store `name` into `szProtocol`, truncated to `WSAPROTOCOL_LEN` code units.
    pub fn set_protocol_name(&mut self, name: &str) {
        self.szProtocol = [0; WSAPROTOCOL_LEN + 1];
        for (slot, unit) in self
            .szProtocol
            .iter_mut()
            .take(WSAPROTOCOL_LEN)
            .zip(name.encode_utf16())
        {
            *slot = unit;
        }
    }
}

impl core::fmt::Debug for WSAPROTOCOL_INFOW {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WSAPROTOCOL_INFOW")
            .field("szProtocol", &self.protocol_name())
            .field("dwCatalogEntryId", &self.dwCatalogEntryId)
            .field(
                "dwServiceFlags1",
                &format_args!("{:#x}", self.dwServiceFlags1),
            )
            .field(
                "dwProviderFlags",
                &format_args!("{:#x}", self.dwProviderFlags),
            )
            .field("iAddressFamily", &self.iAddressFamily)
            .field("iSocketType", &self.iSocketType)
            .field("iProtocol", &self.iProtocol)
            .field("ProtocolChain", &self.ProtocolChain)
            .finish_non_exhaustive()
    }
}

/// `WSPDATA`, filled by `WSPStartup`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WSPDATA {
    /// Version the caller is expected to use.
    pub wVersion: u16,
    /// Highest version this provider supports.
    pub wHighVersion: u16,
    /// Description, NUL-terminated UTF-16.
    pub szDescription: [u16; WSPDESCRIPTION_LEN + 1],
}

impl WSPDATA {
    /// The description as a Rust string.
    pub fn description(&self) -> String {
        let end = self
            .szDescription
            .iter()
            .position(|&c| c == 0)
            .unwrap_or(self.szDescription.len());
        String::from_utf16_lossy(&self.szDescription[..end])
    }
}

impl core::fmt::Debug for WSPDATA {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WSPDATA")
            .field("wVersion", &format_args!("{:#06x}", self.wVersion))
            .field("wHighVersion", &format_args!("{:#06x}", self.wHighVersion))
            .field("szDescription", &self.description())
            .finish()
    }
}

/// `FLOWSPEC` (QoS flow specification).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FLOWSPEC {
    /// Bytes per second.
    pub TokenRate: u32,
    /// Bytes.
    pub TokenBucketSize: u32,
    /// Bytes per second.
    pub PeakBandwidth: u32,
    /// Microseconds.
    pub Latency: u32,
    /// Microseconds.
    pub DelayVariation: u32,
    /// `SERVICETYPE_*`.
    pub ServiceType: u32,
    /// Bytes.
    pub MaxSduSize: u32,
    /// Bytes.
    pub MinimumPolicedSize: u32,
}

/// `QOS` without its provider-specific buffer (which the ABI layers carry separately).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Qos {
    /// Sending flow.
    pub sending: FLOWSPEC,
    /// Receiving flow.
    pub receiving: FLOWSPEC,
    /// Provider-specific bytes.
    pub provider_specific: Vec<u8>,
}

/// `timeval` as Winsock declares it (two `long`s, 32-bit on Windows).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TIMEVAL {
    /// Seconds.
    pub tv_sec: i32,
    /// Microseconds.
    pub tv_usec: i32,
}

/// `WSANETWORKEVENTS`, returned by `WSPEnumNetworkEvents`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WSANETWORKEVENTS {
    /// The `FD_*` events that occurred.
    pub lNetworkEvents: i32,
    /// Error code for each event, indexed by `FD_*_BIT`.
    pub iErrorCode: [i32; FD_MAX_EVENTS],
}

// =========================================================================================
// Options, ioctls and QoS (the options issue): Windows' numbers from winsock2.h, ws2def.h,
// ws2ipdef.h, mstcpip.h and qos.h. Pages: getsockopt/setsockopt
// (<https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options>,
// <https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-tcp-socket-options>,
// <https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ip-socket-options>,
// <https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ipv6-socket-options>,
// <https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls>).
// =========================================================================================

// ---- SOL_SOCKET option names --------------------------------------------------------------
/// Record debugging information (BOOL).
pub const SO_DEBUG: i32 = 0x0001;
/// The socket is listening (BOOL, get only).
pub const SO_ACCEPTCONN: i32 = 0x0002;
/// Allow the socket to be bound to an address already in use (BOOL).
pub const SO_REUSEADDR: i32 = 0x0004;
/// Send keep-alives (BOOL).
pub const SO_KEEPALIVE: i32 = 0x0008;
/// Bypass routing (BOOL).
pub const SO_DONTROUTE: i32 = 0x0010;
/// Allow broadcast (BOOL).
pub const SO_BROADCAST: i32 = 0x0020;
/// Loop back (not supported by Windows' TCP/IP).
pub const SO_USELOOPBACK: i32 = 0x0040;
/// Linger on close (`LINGER`).
pub const SO_LINGER: i32 = 0x0080;
/// Receive out-of-band data in the normal stream (BOOL).
pub const SO_OOBINLINE: i32 = 0x0100;
/// `~SO_LINGER`: do not linger (BOOL).
pub const SO_DONTLINGER: i32 = !SO_LINGER;
/// `~SO_REUSEADDR`: nobody else may bind the address (BOOL).
pub const SO_EXCLUSIVEADDRUSE: i32 = !SO_REUSEADDR;
/// Send buffer size (int).
pub const SO_SNDBUF: i32 = 0x1001;
/// Receive buffer size (int).
pub const SO_RCVBUF: i32 = 0x1002;
/// Send low-water mark (int; not supported by Windows' TCP/IP).
pub const SO_SNDLOWAT: i32 = 0x1003;
/// Receive low-water mark (int; not supported by Windows' TCP/IP).
pub const SO_RCVLOWAT: i32 = 0x1004;
/// Send timeout (DWORD milliseconds).
pub const SO_SNDTIMEO: i32 = 0x1005;
/// Receive timeout (DWORD milliseconds).
pub const SO_RCVTIMEO: i32 = 0x1006;
/// Pending error, read and cleared (int).
pub const SO_ERROR: i32 = 0x1007;
/// Socket type (int, get only).
pub const SO_TYPE: i32 = 0x1008;
/// Local and remote addresses (`CSADDR_INFO`, get only).
pub const SO_BSP_STATE: i32 = 0x1009;
/// Socket group id (`GROUP`, get only).
pub const SO_GROUP_ID: i32 = 0x2001;
/// Priority within the socket group (int).
pub const SO_GROUP_PRIORITY: i32 = 0x2002;
/// Largest message size (unsigned int, get only).
pub const SO_MAX_MSG_SIZE: i32 = 0x2003;
/// `WSAPROTOCOL_INFOA` of the socket (get only).
pub const SO_PROTOCOL_INFOA: i32 = 0x2004;
/// `WSAPROTOCOL_INFOW` of the socket (get only).
pub const SO_PROTOCOL_INFOW: i32 = 0x2005;
/// Defer accepting connections to the condition function (BOOL).
pub const SO_CONDITIONAL_ACCEPT: i32 = 0x3002;
/// Pause accepting (BOOL).
pub const SO_PAUSE_ACCEPT: i32 = 0x3003;
/// Maximum datagram size (int, get only).
pub const SO_MAXDG: i32 = 0x7009;
/// Maximum datagram size along the path (int, get only).
pub const SO_MAXPATHDG: i32 = 0x700A;
/// Inherit the listener's properties after AcceptEx (SOCKET).
pub const SO_UPDATE_ACCEPT_CONTEXT: i32 = 0x700B;
/// Seconds since the socket connected, `0xFFFFFFFF` if not connected (DWORD, get only).
pub const SO_CONNECT_TIME: i32 = 0x700C;
/// Update the context after ConnectEx (no value).
pub const SO_UPDATE_CONNECT_CONTEXT: i32 = 0x7010;

// ---- IPPROTO_TCP option names --------------------------------------------------------------
/// Disable Nagle (BOOL).
pub const TCP_NODELAY: i32 = 0x0001;
/// RFC 1122 urgent-pointer semantics (BOOL).
pub const TCP_EXPEDITED_1122: i32 = 0x0002;
/// Seconds of idle before keep-alives (DWORD); the same number as `TCP_KEEPIDLE`.
pub const TCP_KEEPALIVE: i32 = 3;
/// Largest segment size (DWORD).
pub const TCP_MAXSEG: i32 = 4;
/// Retransmission timeout in seconds (DWORD).
pub const TCP_MAXRT: i32 = 5;
/// Seconds of idle before keep-alives (DWORD).
pub const TCP_KEEPIDLE: i32 = TCP_KEEPALIVE;
/// Number of keep-alive probes (DWORD, Windows 10 1703+).
pub const TCP_KEEPCNT: i32 = 16;
/// Seconds between keep-alive probes (DWORD, Windows 10 1703+).
pub const TCP_KEEPINTVL: i32 = 17;

// ---- IPPROTO_IP option names (ws2ipdef.h; not winsock.h's Winsock 1 numbers) ----------------
/// IP options (char[]).
pub const IP_OPTIONS: i32 = 1;
/// The application supplies the IP header (BOOL; raw sockets only).
pub const IP_HDRINCL: i32 = 2;
/// Type of service (DWORD).
pub const IP_TOS: i32 = 3;
/// Time to live (DWORD).
pub const IP_TTL: i32 = 4;
/// Outgoing multicast interface (`IN_ADDR` / interface index).
pub const IP_MULTICAST_IF: i32 = 9;
/// Multicast time to live (DWORD).
pub const IP_MULTICAST_TTL: i32 = 10;
/// Multicast loopback (BOOL).
pub const IP_MULTICAST_LOOP: i32 = 11;
/// Join a multicast group (`IP_MREQ`).
pub const IP_ADD_MEMBERSHIP: i32 = 12;
/// Leave a multicast group (`IP_MREQ`).
pub const IP_DROP_MEMBERSHIP: i32 = 13;
/// Do not fragment (BOOL).
pub const IP_DONTFRAGMENT: i32 = 14;
/// Receive packet information (BOOL).
pub const IP_PKTINFO: i32 = 19;

// ---- IPPROTO_IPV6 option names ---------------------------------------------------------------
/// The application supplies the IPv6 header (BOOL; raw sockets only).
pub const IPV6_HDRINCL: i32 = 2;
/// Unicast hop limit (DWORD).
pub const IPV6_UNICAST_HOPS: i32 = 4;
/// Outgoing multicast interface index (DWORD).
pub const IPV6_MULTICAST_IF: i32 = 9;
/// Multicast hop limit (DWORD).
pub const IPV6_MULTICAST_HOPS: i32 = 10;
/// Multicast loopback (BOOL).
pub const IPV6_MULTICAST_LOOP: i32 = 11;
/// Join a multicast group (`IPV6_MREQ`).
pub const IPV6_ADD_MEMBERSHIP: i32 = 12;
/// Same as `IPV6_ADD_MEMBERSHIP`.
pub const IPV6_JOIN_GROUP: i32 = IPV6_ADD_MEMBERSHIP;
/// Leave a multicast group (`IPV6_MREQ`).
pub const IPV6_DROP_MEMBERSHIP: i32 = 13;
/// Same as `IPV6_DROP_MEMBERSHIP`.
pub const IPV6_LEAVE_GROUP: i32 = IPV6_DROP_MEMBERSHIP;
/// Do not fragment (BOOL); the same number as `IP_DONTFRAGMENT`.
pub const IPV6_DONTFRAG: i32 = 14;
/// Receive packet information (BOOL).
pub const IPV6_PKTINFO: i32 = 19;
/// IPv6 only, no IPv4-mapped traffic (BOOL; on by default on Windows).
pub const IPV6_V6ONLY: i32 = 27;

// ---- ioctl encoding ----------------------------------------------------------------------
/// No parameters.
pub const IOC_VOID: u32 = 0x2000_0000;
/// Copy parameters out.
pub const IOC_OUT: u32 = 0x4000_0000;
/// Copy parameters in.
pub const IOC_IN: u32 = 0x8000_0000;
/// Both directions.
pub const IOC_INOUT: u32 = IOC_IN | IOC_OUT;
/// Unix-compatible codes.
pub const IOC_UNIX: u32 = 0x0000_0000;
/// Winsock 2 codes.
pub const IOC_WS2: u32 = 0x0800_0000;
/// Protocol-specific codes.
pub const IOC_PROTOCOL: u32 = 0x1000_0000;
/// Vendor-specific codes.
pub const IOC_VENDOR: u32 = 0x1800_0000;

/// `_WSAIO(x, y)`.
pub const fn wsaio(x: u32, y: u32) -> u32 {
    IOC_VOID | x | y
}
/// `_WSAIOR(x, y)`.
pub const fn wsaior(x: u32, y: u32) -> u32 {
    IOC_OUT | x | y
}
/// `_WSAIOW(x, y)`.
pub const fn wsaiow(x: u32, y: u32) -> u32 {
    IOC_IN | x | y
}
/// `_WSAIORW(x, y)`.
pub const fn wsaiorw(x: u32, y: u32) -> u32 {
    IOC_INOUT | x | y
}

/// Set/clear asynchronous notification (not supported by Winsock 2 providers).
pub const FIOASYNC: u32 = 0x8004_667d;
/// Associate a handle with a companion API.
pub const SIO_ASSOCIATE_HANDLE: u32 = wsaiow(IOC_WS2, 1);
/// Circular queueing of datagrams.
pub const SIO_ENABLE_CIRCULAR_QUEUEING: u32 = wsaio(IOC_WS2, 2);
/// Find a route.
pub const SIO_FIND_ROUTE: u32 = wsaior(IOC_WS2, 3);
/// Discard the send queue.
pub const SIO_FLUSH: u32 = wsaio(IOC_WS2, 4);
/// The broadcast address of the socket's family.
pub const SIO_GET_BROADCAST_ADDRESS: u32 = wsaior(IOC_WS2, 5);
/// Extension function pointers (`AcceptEx`, `ConnectEx`, ...).
pub const SIO_GET_EXTENSION_FUNCTION_POINTER: u32 = wsaiorw(IOC_WS2, 6);
/// Read the socket's QoS.
pub const SIO_GET_QOS: u32 = wsaiorw(IOC_WS2, 7);
/// Read the group's QoS (reserved).
pub const SIO_GET_GROUP_QOS: u32 = wsaiorw(IOC_WS2, 8);
/// Multipoint loopback (BOOL).
pub const SIO_MULTIPOINT_LOOPBACK: u32 = wsaiow(IOC_WS2, 9);
/// Multicast scope (int hops).
pub const SIO_MULTICAST_SCOPE: u32 = wsaiow(IOC_WS2, 10);
/// Set the socket's QoS.
pub const SIO_SET_QOS: u32 = wsaiow(IOC_WS2, 11);
/// Set the group's QoS (reserved).
pub const SIO_SET_GROUP_QOS: u32 = wsaiow(IOC_WS2, 12);
/// Translate a handle.
pub const SIO_TRANSLATE_HANDLE: u32 = wsaiorw(IOC_WS2, 13);
/// The local interface address used to reach a destination.
pub const SIO_ROUTING_INTERFACE_QUERY: u32 = wsaiorw(IOC_WS2, 20);
/// Notify when the routing interface for a destination changes.
pub const SIO_ROUTING_INTERFACE_CHANGE: u32 = wsaiow(IOC_WS2, 21);
/// The local addresses of the socket's family (`SOCKET_ADDRESS_LIST`).
pub const SIO_ADDRESS_LIST_QUERY: u32 = wsaior(IOC_WS2, 22);
/// Notify when the local address list changes.
pub const SIO_ADDRESS_LIST_CHANGE: u32 = wsaio(IOC_WS2, 23);
/// Sort an address list.
pub const SIO_ADDRESS_LIST_SORT: u32 = wsaiorw(IOC_WS2, 25);
/// The base provider's handle.
pub const SIO_BASE_HANDLE: u32 = wsaior(IOC_WS2, 34);
/// Receive all packets (raw sockets).
pub const SIO_RCVALL: u32 = wsaiow(IOC_VENDOR, 1);
/// Per-socket keep-alive (`tcp_keepalive`: onoff, keepalivetime ms, keepaliveinterval ms).
pub const SIO_KEEPALIVE_VALS: u32 = wsaiow(IOC_VENDOR, 4);
/// Report ICMP port unreachable on UDP as `WSAECONNRESET` (BOOL, on by default).
pub const SIO_UDP_CONNRESET: u32 = wsaiow(IOC_VENDOR, 12);
/// Report ICMP TTL expired on UDP as `WSAENETRESET` (BOOL).
pub const SIO_UDP_NETRESET: u32 = wsaiow(IOC_VENDOR, 15);

// ---- QoS (qos.h) --------------------------------------------------------------------------
/// A `FLOWSPEC` field the application leaves to the provider.
pub const QOS_NOT_SPECIFIED: u32 = 0xFFFF_FFFF;
/// No traffic in this direction.
pub const SERVICETYPE_NOTRAFFIC: u32 = 0x0000_0000;
/// Best effort.
pub const SERVICETYPE_BESTEFFORT: u32 = 0x0000_0001;
/// Controlled load.
pub const SERVICETYPE_CONTROLLEDLOAD: u32 = 0x0000_0002;
/// Guaranteed.
pub const SERVICETYPE_GUARANTEED: u32 = 0x0000_0003;
/// Size of `QOS` on x64 without its provider buffer: two `FLOWSPEC`s and a `WSABUF`.
pub const QOS_FIXED_LEN: usize = 2 * 32 + 16;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    // Sizes and offsets from the Windows SDK headers for x64 (ws2spi.h, winsock2.h).
    #[test]
    fn protocol_info_layout_matches_windows_x64() {
        assert_eq!(size_of::<GUID>(), 16);
        assert_eq!(size_of::<WSAPROTOCOLCHAIN>(), 32);
        assert_eq!(size_of::<WSAPROTOCOL_INFOW>(), 628);
        assert_eq!(align_of::<WSAPROTOCOL_INFOW>(), 4);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, ProviderId), 20);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, dwCatalogEntryId), 36);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, ProtocolChain), 40);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, iVersion), 72);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, iAddressFamily), 76);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, dwMessageSize), 108);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, szProtocol), 116);
    }

    #[test]
    fn wspdata_and_small_structs_match_windows_x64() {
        // ws2spi.h: WORD, WORD, WCHAR szDescription[WSPDESCRIPTION_LEN + 1] = 516 bytes.
        assert_eq!(size_of::<WSPDATA>(), 516);
        assert_eq!(offset_of!(WSPDATA, szDescription), 4);
        assert_eq!(size_of::<FLOWSPEC>(), 32);
        assert_eq!(size_of::<TIMEVAL>(), 8);
        assert_eq!(size_of::<WSANETWORKEVENTS>(), 44);
    }

    #[test]
    fn event_masks_match_winsock2_h() {
        assert_eq!(FD_READ, 0x01);
        assert_eq!(FD_CLOSE, 0x20);
        assert_eq!(FD_ADDRESS_LIST_CHANGE, 0x200);
        assert_eq!(FD_ALL_EVENTS, 0x3ff);
    }

    #[test]
    fn version_words() {
        let v = make_word(2, 2);
        assert_eq!(v, 0x0202);
        assert_eq!(lo_byte(make_word(2, 1)), 2);
        assert_eq!(hi_byte(make_word(2, 1)), 1);
    }

    #[test]
    fn protocol_name_round_trips() {
        let mut p = WSAPROTOCOL_INFOW::default();
        p.set_protocol_name("MSAFD Tcpip [TCP/IP]");
        assert_eq!(p.protocol_name(), "MSAFD Tcpip [TCP/IP]");
    }
}
