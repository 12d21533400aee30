//! `WSPGetSockOpt` / `WSPSetSockOpt`: Windows' levels, numbers and value shapes, translated
//! to the host through [`Net::set_opt`]/[`Net::get_opt`] or emulated in the engine.
//!
//! One table ([`TABLE`]), ordered by level then name, says for every option its value shape,
//! whether it can be read and written, and where its rule comes from. The docs page
//! `docs/options.md` is the same table in prose.
//!
//! # Length rules
//! Windows does not treat every option alike. Wine's `test_set_getsockopt`
//! (dlls/ws2_32/tests/sock.c, `test_optsize`), which runs on Windows, shows four shapes:
//!
//! * **SOL_SOCKET BOOL** (`SO_BROADCAST`, `SO_DONTLINGER`, `SO_OOBINLINE`, `SO_REUSEADDR`,
//!   `SO_EXCLUSIVEADDRUSE`): set accepts any length, even 0 (a no-op); get with 1 byte
//!   writes 1 byte and reports 1, with 2 bytes writes 2 bytes and reports 1, with 4 or
//!   more writes 4 and reports 4. A value of 0x100 reads as TRUE.
//! * **One-byte BOOLEAN** (`SO_KEEPALIVE`, `SO_DONTROUTE`, `TCP_NODELAY`, `IPV6_V6ONLY`):
//!   set reads the first byte only (0x100 is FALSE) and needs at least 1 byte; get always
//!   writes and reports 1 byte.
//! * **Small IP values** (`IP_TOS`, `IP_TTL`, `IP_MULTICAST_TTL`, `IPV6_UNICAST_HOPS`,
//!   `IPV6_MULTICAST_HOPS`; and the BOOLs `IP_MULTICAST_LOOP`, `IPV6_MULTICAST_LOOP`,
//!   `IPV6_DONTFRAG`): set takes 1 to 4 bytes as a little-endian integer (values above 255
//!   are `WSAEINVAL` for the integers); get with fewer than 4 bytes writes and reports 1.
//! * **DWORDs and structures** (`SO_RCVBUF`, `SO_SNDBUF`, `SO_LINGER`, `SO_RCVTIMEO`,
//!   `SO_SNDTIMEO`, `SO_ERROR`, `TCP_KEEPALIVE`, `TCP_KEEPCNT`, `TCP_KEEPINTVL`, ...): fewer
//!   than 4 bytes is `WSAEFAULT` both ways; `SO_RCVBUF`, `SO_SNDBUF` and `SO_LINGER` zero
//!   the short get buffer before failing.
//!
//! A zero length is `WSAEFAULT` on get for every option. An unknown level is `WSAEINVAL`
//! (observed: levels 0xffffffff and 0x8000); an unknown name in a known level is
//! `WSAENOPROTOOPT` (getsockopt page,
//! <https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-getsockopt>).
//!
//! The C ABI also sees two things this Rust signature cannot carry: on a failed get of an
//! `IPPROTO_TCP` DWORD Windows sets `*optlen` to 0, and a negative `optlen` on set gives
//! `WSAENOBUFS` for non-SOL_SOCKET options (Windows 10 21H1+).

use super::socket::{Conn, SocketCell};
use super::Engine;
use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::net::{HostOpt, HostOptName, IpOptionBytes, Net};
use crate::types::*;
use crate::wsp::WspResult;
use std::net::{Ipv4Addr, Ipv6Addr};

/// How an option's value is laid out and which lengths Windows accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// SOL_SOCKET `BOOL` (see the module docs).
    SockBool,
    /// One-byte `BOOLEAN`.
    Boolean,
    /// A small IP integer (0..=255).
    IpInt,
    /// An IP-level `BOOL` accepting 1 to 4 bytes.
    IpBool,
    /// A 4-byte value; `zero_short`: a short get buffer is zeroed before `WSAEFAULT`.
    Dword {
        /// Zero the short buffer on get.
        zero_short: bool,
    },
    /// `LINGER` (two `u_short`s).
    Linger,
    /// `WSAPROTOCOL_INFOW` (628 bytes).
    ProtocolInfoW,
    /// `WSAPROTOCOL_INFOA` (372 bytes).
    ProtocolInfoA,
    /// `IP_MREQ` (8 bytes).
    MreqV4,
    /// `IPV6_MREQ` (20 bytes).
    MreqV6,
    /// A `SOCKET` handle (8 bytes on x64).
    Handle,
    /// `CSADDR_INFO` (x64: 40 bytes) followed by room for its two addresses
    /// (`SO_BSP_STATE`).
    CsAddrInfo,
    /// Raw IPv4 options, at most [`MAX_IP_OPTIONS`] bytes (`IP_OPTIONS`).
    IpOptions,
    /// No value at all.
    Nothing,
}

/// Which directions an option supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Get and set.
    Both,
    /// getsockopt only.
    Get,
    /// setsockopt only.
    Set,
}

/// One row of the option table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OptDef {
    pub level: i32,
    pub name: i32,
    pub shape: Shape,
    pub access: Access,
    /// Where the rule comes from.
    #[allow(dead_code)]
    pub source: &'static str,
}

const SOL: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options";
const TCP: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-tcp-socket-options";
const IP: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ip-socket-options";
const IP6: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ipv6-socket-options";
const WINE: &str = "Wine dlls/ws2_32/tests/sock.c test_set_getsockopt (runs on Windows)";

macro_rules! opt {
    ($level:expr, $name:expr, $shape:expr, $access:ident, $src:expr) => {
        OptDef {
            level: $level,
            name: $name,
            shape: $shape,
            access: Access::$access,
            source: $src,
        }
    };
}

/// Windows' default keep-alive interval in seconds (`TCP_KEEPINTVL`).
const WIN_KEEP_INTERVAL: u32 = 1;
/// Windows' default keep-alive probe count (`TCP_KEEPCNT`, Vista and later).
const WIN_KEEP_COUNT: u32 = 10;

const DWORD: Shape = Shape::Dword { zero_short: false };
const DWORD_Z: Shape = Shape::Dword { zero_short: true };

/// Every option the engine knows, ordered by level then name.
pub(crate) const TABLE: &[OptDef] = &[
    // IPPROTO_IP (0)
    opt!(IPPROTO_IP, IP_OPTIONS, Shape::IpOptions, Both, IP),
    opt!(IPPROTO_IP, IP_HDRINCL, DWORD, Both, WINE),
    opt!(IPPROTO_IP, IP_TOS, Shape::IpInt, Both, WINE),
    opt!(IPPROTO_IP, IP_TTL, Shape::IpInt, Both, WINE),
    opt!(IPPROTO_IP, IP_MULTICAST_IF, DWORD, Both, IP),
    opt!(IPPROTO_IP, IP_MULTICAST_TTL, Shape::IpInt, Both, WINE),
    opt!(IPPROTO_IP, IP_MULTICAST_LOOP, Shape::IpBool, Both, WINE),
    opt!(IPPROTO_IP, IP_ADD_MEMBERSHIP, Shape::MreqV4, Set, IP),
    opt!(IPPROTO_IP, IP_DROP_MEMBERSHIP, Shape::MreqV4, Set, IP),
    opt!(IPPROTO_IP, IP_DONTFRAGMENT, Shape::IpBool, Both, WINE),
    opt!(IPPROTO_IP, IP_PKTINFO, DWORD, Both, WINE),
    // IPPROTO_TCP (6)
    opt!(IPPROTO_TCP, TCP_NODELAY, Shape::Boolean, Both, WINE),
    opt!(IPPROTO_TCP, TCP_KEEPALIVE, DWORD, Both, TCP),
    opt!(IPPROTO_TCP, TCP_KEEPCNT, DWORD, Both, WINE),
    opt!(IPPROTO_TCP, TCP_KEEPINTVL, DWORD, Both, WINE),
    // IPPROTO_IPV6 (41)
    opt!(IPPROTO_IPV6, IPV6_HDRINCL, DWORD, Both, WINE),
    opt!(IPPROTO_IPV6, IPV6_UNICAST_HOPS, Shape::IpInt, Both, WINE),
    opt!(IPPROTO_IPV6, IPV6_MULTICAST_IF, DWORD, Both, IP6),
    opt!(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, Shape::IpInt, Both, WINE),
    opt!(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, Shape::IpBool, Both, WINE),
    opt!(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, Shape::MreqV6, Set, IP6),
    opt!(IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, Shape::MreqV6, Set, IP6),
    opt!(IPPROTO_IPV6, IPV6_DONTFRAG, Shape::IpBool, Both, WINE),
    opt!(IPPROTO_IPV6, IPV6_PKTINFO, DWORD, Both, WINE),
    opt!(IPPROTO_IPV6, IPV6_V6ONLY, Shape::Boolean, Both, WINE),
    // SOL_SOCKET (0xffff); SO_EXCLUSIVEADDRUSE (!4) and SO_DONTLINGER (!0x80)
    // are negative as `int`, so they sort first.
    opt!(SOL_SOCKET, SO_DONTLINGER, Shape::SockBool, Both, WINE),
    opt!(SOL_SOCKET, SO_EXCLUSIVEADDRUSE, Shape::SockBool, Both, WINE),
    opt!(SOL_SOCKET, SO_DEBUG, Shape::SockBool, Both, SOL),
    opt!(SOL_SOCKET, SO_ACCEPTCONN, Shape::SockBool, Get, SOL),
    opt!(SOL_SOCKET, SO_REUSEADDR, Shape::SockBool, Both, WINE),
    opt!(SOL_SOCKET, SO_KEEPALIVE, Shape::Boolean, Both, WINE),
    opt!(SOL_SOCKET, SO_DONTROUTE, Shape::Boolean, Both, WINE),
    opt!(SOL_SOCKET, SO_BROADCAST, Shape::SockBool, Both, WINE),
    opt!(SOL_SOCKET, SO_USELOOPBACK, Shape::SockBool, Both, SOL),
    opt!(SOL_SOCKET, SO_LINGER, Shape::Linger, Both, WINE),
    opt!(SOL_SOCKET, SO_OOBINLINE, Shape::SockBool, Both, WINE),
    opt!(SOL_SOCKET, SO_SNDBUF, DWORD_Z, Both, WINE),
    opt!(SOL_SOCKET, SO_RCVBUF, DWORD_Z, Both, WINE),
    opt!(SOL_SOCKET, SO_SNDLOWAT, DWORD, Both, SOL),
    opt!(SOL_SOCKET, SO_RCVLOWAT, DWORD, Both, SOL),
    opt!(SOL_SOCKET, SO_SNDTIMEO, DWORD, Both, WINE),
    opt!(SOL_SOCKET, SO_RCVTIMEO, DWORD, Both, WINE),
    opt!(SOL_SOCKET, SO_ERROR, DWORD, Both, WINE),
    opt!(SOL_SOCKET, SO_TYPE, DWORD, Get, SOL),
    opt!(SOL_SOCKET, SO_BSP_STATE, Shape::CsAddrInfo, Get, WINE),
    opt!(SOL_SOCKET, SO_GROUP_ID, DWORD, Get, SOL),
    opt!(SOL_SOCKET, SO_GROUP_PRIORITY, DWORD, Both, SOL),
    opt!(SOL_SOCKET, SO_MAX_MSG_SIZE, DWORD, Get, SOL),
    opt!(
        SOL_SOCKET,
        SO_PROTOCOL_INFOA,
        Shape::ProtocolInfoA,
        Get,
        WINE
    ),
    opt!(
        SOL_SOCKET,
        SO_PROTOCOL_INFOW,
        Shape::ProtocolInfoW,
        Get,
        WINE
    ),
    opt!(
        SOL_SOCKET,
        SO_CONDITIONAL_ACCEPT,
        Shape::SockBool,
        Both,
        SOL
    ),
    opt!(
        SOL_SOCKET,
        SO_UPDATE_ACCEPT_CONTEXT,
        Shape::Handle,
        Set,
        SOL
    ),
    opt!(SOL_SOCKET, SO_CONNECT_TIME, DWORD, Get, SOL),
    opt!(
        SOL_SOCKET,
        SO_UPDATE_CONNECT_CONTEXT,
        Shape::Nothing,
        Set,
        SOL
    ),
];

/// Levels Windows' TCP/IP provider knows.
const LEVELS: [i32; 5] = [
    IPPROTO_IP,
    IPPROTO_TCP,
    IPPROTO_UDP,
    IPPROTO_IPV6,
    SOL_SOCKET,
];

/// Find the row for `(level, name)`: unknown level `WSAEINVAL`, unknown name
/// `WSAENOPROTOOPT`.
pub(crate) fn lookup(level: i32, name: i32) -> WspResult<&'static OptDef> {
    if !LEVELS.contains(&level) {
        return Err(WsaError::WSAEINVAL);
    }
    TABLE
        .iter()
        .find(|d| d.level == level && d.name == name)
        .ok_or(WsaError::WSAENOPROTOOPT)
}

/// A decoded option value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// Nothing to set (a zero-length SOL_SOCKET BOOL, `SO_UPDATE_CONNECT_CONTEXT`).
    None,
    Bool(bool),
    Int(u32),
    Linger(u16, u16),
    MreqV4(Ipv4Addr, Ipv4Addr),
    MreqV6(Ipv6Addr, u32),
    Handle(u64),
}

fn le_u32(b: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    let n = b.len().min(4);
    w[..n].copy_from_slice(&b[..n]);
    u32::from_le_bytes(w)
}

/// Decode a setsockopt buffer by the option's shape and Windows' length rules.
pub(crate) fn decode(def: &OptDef, v: &[u8]) -> WspResult<Value> {
    let fault = Err(WsaError::WSAEFAULT);
    Ok(match def.shape {
        Shape::SockBool => {
            if v.is_empty() {
                // Observed: a zero length succeeds for these options. What it sets is not
                // established; the engine leaves the option unchanged.
                Value::None
            } else {
                Value::Bool(le_u32(v) != 0)
            }
        }
        Shape::Boolean => match v.first() {
            Some(&b) => Value::Bool(b != 0),
            None => return fault,
        },
        Shape::IpInt => {
            if v.is_empty() {
                return fault;
            }
            let n = le_u32(v);
            if n > 255 {
                return Err(WsaError::WSAEINVAL);
            }
            Value::Int(n)
        }
        Shape::IpBool => {
            if v.is_empty() {
                return fault;
            }
            Value::Bool(le_u32(v) != 0)
        }
        Shape::Dword { .. } => {
            if v.len() < 4 {
                return fault;
            }
            Value::Int(le_u32(v))
        }
        Shape::Linger => {
            if v.len() < 4 {
                return fault;
            }
            Value::Linger(
                u16::from_le_bytes([v[0], v[1]]),
                u16::from_le_bytes([v[2], v[3]]),
            )
        }
        Shape::MreqV4 => {
            if v.len() < 8 {
                return fault;
            }
            Value::MreqV4(
                Ipv4Addr::new(v[0], v[1], v[2], v[3]),
                Ipv4Addr::new(v[4], v[5], v[6], v[7]),
            )
        }
        Shape::MreqV6 => {
            if v.len() < 20 {
                return fault;
            }
            let mut a = [0u8; 16];
            a.copy_from_slice(&v[..16]);
            Value::MreqV6(Ipv6Addr::from(a), le_u32(&v[16..20]))
        }
        Shape::Handle => {
            if v.len() < 8 {
                return fault;
            }
            let mut h = [0u8; 8];
            h.copy_from_slice(&v[..8]);
            Value::Handle(u64::from_le_bytes(h))
        }
        Shape::Nothing => Value::None,
        // Decoded by their own paths (`set_ip_options`); SO_BSP_STATE is get only.
        Shape::IpOptions => Value::None,
        Shape::ProtocolInfoA | Shape::ProtocolInfoW | Shape::CsAddrInfo => {
            return Err(WsaError::WSAENOPROTOOPT)
        }
    })
}

/// Encode a getsockopt value into `out` by the option's shape; returns the length Windows
/// reports.
pub(crate) fn encode(def: &OptDef, value: u32, out: &mut [u8]) -> WspResult<usize> {
    let bytes = value.to_le_bytes();
    if out.is_empty() {
        return Err(WsaError::WSAEFAULT);
    }
    match def.shape {
        Shape::SockBool => {
            let v = u32::from(value != 0).to_le_bytes();
            if out.len() >= 4 {
                out[..4].copy_from_slice(&v);
                Ok(4)
            } else if out.len() >= 2 {
                // Observed: two bytes written, one reported.
                out[..2].copy_from_slice(&v[..2]);
                Ok(1)
            } else {
                out[0] = v[0];
                Ok(1)
            }
        }
        Shape::Boolean => {
            out[0] = u8::from(value != 0);
            Ok(1)
        }
        Shape::IpInt | Shape::IpBool => {
            if out.len() >= 4 {
                out[..4].copy_from_slice(&bytes);
                Ok(4)
            } else {
                out[0] = bytes[0];
                Ok(1)
            }
        }
        Shape::Dword { .. } | Shape::Linger if out.len() < 4 => {
            let zero = matches!(def.shape, Shape::Dword { zero_short: true } | Shape::Linger);
            if zero {
                out.fill(0);
            }
            Err(WsaError::WSAEFAULT)
        }
        Shape::Dword { .. } | Shape::Linger => {
            out[..4].copy_from_slice(&bytes);
            Ok(4)
        }
        _ => Err(WsaError::WSAENOPROTOOPT),
    }
}

fn bool_opt(v: Value) -> bool {
    matches!(v, Value::Bool(true)) || matches!(v, Value::Int(n) if n != 0)
}

/// `WSAPROTOCOL_INFOW` (`wide`) or `WSAPROTOCOL_INFOA` as Windows lays it out on x64.
pub(crate) fn protocol_info_bytes(p: &WSAPROTOCOL_INFOW, wide: bool) -> Vec<u8> {
    let mut b = Vec::with_capacity(628);
    for v in [
        p.dwServiceFlags1,
        p.dwServiceFlags2,
        p.dwServiceFlags3,
        p.dwServiceFlags4,
        p.dwProviderFlags,
        p.ProviderId.Data1,
    ] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&p.ProviderId.Data2.to_le_bytes());
    b.extend_from_slice(&p.ProviderId.Data3.to_le_bytes());
    b.extend_from_slice(&p.ProviderId.Data4);
    b.extend_from_slice(&p.dwCatalogEntryId.to_le_bytes());
    b.extend_from_slice(&p.ProtocolChain.ChainLen.to_le_bytes());
    for e in p.ProtocolChain.ChainEntries {
        b.extend_from_slice(&e.to_le_bytes());
    }
    for v in [
        p.iVersion,
        p.iAddressFamily,
        p.iMaxSockAddr,
        p.iMinSockAddr,
        p.iSocketType,
        p.iProtocol,
        p.iProtocolMaxOffset,
        p.iNetworkByteOrder,
        p.iSecurityScheme,
    ] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&p.dwMessageSize.to_le_bytes());
    b.extend_from_slice(&p.dwProviderReserved.to_le_bytes());
    if wide {
        for c in p.szProtocol {
            b.extend_from_slice(&c.to_le_bytes());
        }
    } else {
        // The ANSI name: code units above 0x7f become '?' (the names are ASCII).
        for c in p.szProtocol {
            b.push(if c < 0x80 { c as u8 } else { b'?' });
        }
    }
    b
}

impl<N: Net> Engine<N> {
    fn host_get(&self, cell: &SocketCell<N>, name: HostOptName) -> WspResult<HostOpt> {
        self.inner.net.get_opt(cell.host, name)
    }

    /// Give the host Windows' keep-alive interval and count once, before keep-alive is
    /// switched on or one of them is set (best effort: a backend without them keeps its
    /// own, which only matters once keep-alive runs).
    pub(super) fn keep_windows_defaults(&self, cell: &SocketCell<N>) {
        if cell.lock().opts.keep_tuned {
            return;
        }
        let _ = self.host_set(cell, HostOpt::KeepInterval(WIN_KEEP_INTERVAL));
        let _ = self.host_set(cell, HostOpt::KeepCount(WIN_KEEP_COUNT));
        cell.lock().opts.keep_tuned = true;
    }

    fn host_set(&self, cell: &SocketCell<N>, opt: HostOpt) -> WspResult<()> {
        self.inner.net.set_opt(cell.host, opt)
    }

    /// Whether `def` applies to this socket; Windows' code when it does not.
    fn applies(&self, cell: &SocketCell<N>, def: &OptDef, setting: bool) -> WspResult<()> {
        let stream = cell.props.ty == SOCK_STREAM;
        let v6 = cell.props.af == AF_INET6;
        match def.level {
            // TCP options on a UDP socket: inferred WSAENOPROTOOPT (the option is not
            // supported by the socket's protocol; getsockopt page).
            IPPROTO_TCP if !stream => return Err(WsaError::WSAENOPROTOOPT),
            IPPROTO_UDP => return Err(WsaError::WSAENOPROTOOPT),
            // Inferred: an IP level that is not the socket's family is an invalid level.
            IPPROTO_IP if v6 => return Err(WsaError::WSAEINVAL),
            IPPROTO_IPV6 if !v6 => return Err(WsaError::WSAEINVAL),
            _ => {}
        }
        // Observed (Vista+): IP_HDRINCL on TCP and UDP sockets fails WSAEINVAL both ways.
        if matches!(
            (def.level, def.name),
            (IPPROTO_IP, IP_HDRINCL) | (IPPROTO_IPV6, IPV6_HDRINCL)
        ) {
            return Err(WsaError::WSAEINVAL);
        }
        // Multicast options are for datagram sockets (inferred WSAENOPROTOOPT on streams).
        let multicast = matches!(
            (def.level, def.name),
            (
                IPPROTO_IP,
                IP_MULTICAST_IF | IP_MULTICAST_TTL | IP_MULTICAST_LOOP
            ) | (IPPROTO_IP, IP_ADD_MEMBERSHIP | IP_DROP_MEMBERSHIP)
                | (
                    IPPROTO_IPV6,
                    IPV6_MULTICAST_IF
                        | IPV6_MULTICAST_HOPS
                        | IPV6_MULTICAST_LOOP
                        | IPV6_ADD_MEMBERSHIP
                        | IPV6_DROP_MEMBERSHIP
                )
        );
        if multicast && stream {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        if setting && def.level == SOL_SOCKET {
            // setsockopt page: "SO_BROADCAST is not supported on sockets of type
            // SOCK_STREAM, while SO_DONTLINGER, SO_KEEPALIVE, SO_LINGER, and SO_OOBINLINE are
            // not supported on sockets of type SOCK_DGRAM" (WSAENOPROTOOPT).
            // https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-setsockopt
            let bad = match def.name {
                SO_BROADCAST => stream,
                SO_DONTLINGER | SO_KEEPALIVE | SO_LINGER | SO_OOBINLINE => !stream,
                SO_UPDATE_ACCEPT_CONTEXT | SO_UPDATE_CONNECT_CONTEXT => !stream,
                _ => false,
            };
            if bad {
                return Err(WsaError::WSAENOPROTOOPT);
            }
        }
        // sol-socket-socket-options page: SO_RCVLOWAT/SO_SNDLOWAT are not supported by the
        // Windows TCP/IP provider; Vista and later fail WSAEINVAL. SO_USELOOPBACK is not
        // supported (WSAENOPROTOOPT).
        if def.level == SOL_SOCKET && matches!(def.name, SO_RCVLOWAT | SO_SNDLOWAT) {
            return Err(WsaError::WSAEINVAL);
        }
        if def.level == SOL_SOCKET && def.name == SO_USELOOPBACK {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        Ok(())
    }

    /// The body of `WSPGetSockOpt`.
    pub(super) fn get_sock_opt_impl(
        &self,
        cell: &SocketCell<N>,
        level: i32,
        name: i32,
        out: &mut [u8],
    ) -> WspResult<usize> {
        let def = lookup(level, name)?;
        self.applies(cell, def, false)?;
        if def.access == Access::Set {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        match def.shape {
            Shape::ProtocolInfoW | Shape::ProtocolInfoA => {
                let info = &self.inner.catalog[cell.props.catalog_index];
                let bytes = protocol_info_bytes(info, def.shape == Shape::ProtocolInfoW);
                if out.len() < bytes.len() {
                    return Err(WsaError::WSAEFAULT);
                }
                out[..bytes.len()].copy_from_slice(&bytes);
                // Observed: a larger buffer leaves *optlen as the caller gave it.
                return Ok(out.len());
            }
            Shape::CsAddrInfo => return self.bsp_state(cell, out),
            _ if out.is_empty() => return Err(WsaError::WSAEFAULT),
            Shape::IpOptions => return self.get_ip_options(cell, out),
            _ => {}
        }
        // Short DWORD buffers fail before anything is read or cleared (SO_ERROR must not
        // be consumed by a failing call).
        if matches!(def.shape, Shape::Dword { .. } | Shape::Linger) && out.len() < 4 {
            return encode(def, 0, out);
        }
        let value = self.read_value(cell, def)?;
        encode(def, value, out)
    }

    fn read_value(&self, cell: &SocketCell<N>, def: &OptDef) -> WspResult<u32> {
        let stream = cell.props.ty == SOCK_STREAM;
        let host_bool = |n: HostOptName| -> WspResult<u32> {
            Ok(match self.host_get(cell, n)? {
                HostOpt::ReuseAddr(b)
                | HostOpt::V6Only(b)
                | HostOpt::NoDelay(b)
                | HostOpt::KeepAlive(b)
                | HostOpt::Broadcast(b)
                | HostOpt::OobInline(b)
                | HostOpt::MulticastLoop(b) => u32::from(b),
                _ => 0,
            })
        };
        let host_int = |n: HostOptName| -> WspResult<u32> {
            Ok(match self.host_get(cell, n)? {
                HostOpt::RecvBuffer(v)
                | HostOpt::SendBuffer(v)
                | HostOpt::Ttl(v)
                | HostOpt::KeepIdle(v)
                | HostOpt::KeepInterval(v)
                | HostOpt::KeepCount(v)
                | HostOpt::Tos(v)
                | HostOpt::MulticastTtl(v)
                | HostOpt::MulticastIfV6(v) => v,
                HostOpt::MulticastIfV4(a) => u32::from_le_bytes(a.octets()),
                _ => 0,
            })
        };
        Ok(match (def.level, def.name) {
            (IPPROTO_IP, IP_TOS) => host_int(HostOptName::Tos)?,
            (IPPROTO_IP, IP_TTL) | (IPPROTO_IPV6, IPV6_UNICAST_HOPS) => host_int(HostOptName::Ttl)?,
            (IPPROTO_IP, IP_MULTICAST_IF) => host_int(HostOptName::MulticastIfV4)?,
            (IPPROTO_IPV6, IPV6_MULTICAST_IF) => host_int(HostOptName::MulticastIfV6)?,
            (IPPROTO_IP, IP_MULTICAST_TTL) | (IPPROTO_IPV6, IPV6_MULTICAST_HOPS) => {
                host_int(HostOptName::MulticastTtl)?
            }
            (IPPROTO_IP, IP_MULTICAST_LOOP) | (IPPROTO_IPV6, IPV6_MULTICAST_LOOP) => {
                host_bool(HostOptName::MulticastLoop)?
            }
            (IPPROTO_IP, IP_DONTFRAGMENT) | (IPPROTO_IPV6, IPV6_DONTFRAG) => {
                // Observed defaults: 1 on TCP sockets (Vista+), 0 on UDP.
                let st = cell.lock();
                u32::from(st.opts.dont_fragment.unwrap_or(stream))
            }
            (IPPROTO_IP, IP_PKTINFO) | (IPPROTO_IPV6, IPV6_PKTINFO) => {
                u32::from(cell.lock().opts.pktinfo)
            }
            (IPPROTO_TCP, TCP_NODELAY) => host_bool(HostOptName::NoDelay)?,
            (IPPROTO_TCP, TCP_KEEPALIVE) => host_int(HostOptName::KeepIdle)?,
            // Windows' defaults (SIO_KEEPALIVE_VALS page: 1 s interval; 10 probes on Vista
            // and later) until the host holds Windows' or the program's values.
            (IPPROTO_TCP, TCP_KEEPINTVL) if !cell.lock().opts.keep_tuned => WIN_KEEP_INTERVAL,
            (IPPROTO_TCP, TCP_KEEPCNT) if !cell.lock().opts.keep_tuned => WIN_KEEP_COUNT,
            (IPPROTO_TCP, TCP_KEEPINTVL) => host_int(HostOptName::KeepInterval)?,
            (IPPROTO_TCP, TCP_KEEPCNT) => host_int(HostOptName::KeepCount)?,
            (IPPROTO_IPV6, IPV6_V6ONLY) => host_bool(HostOptName::V6Only)?,
            (SOL_SOCKET, SO_EXCLUSIVEADDRUSE) => u32::from(cell.lock().opts.exclusive_addr),
            (SOL_SOCKET, SO_REUSEADDR) => u32::from(cell.lock().opts.reuse_addr),
            (SOL_SOCKET, SO_DONTLINGER) => u32::from(cell.lock().opts.linger.0 == 0),
            (SOL_SOCKET, SO_LINGER) => {
                let (on, secs) = cell.lock().opts.linger;
                u32::from(on) | (u32::from(secs) << 16)
            }
            (SOL_SOCKET, SO_DEBUG) => u32::from(cell.lock().opts.debug),
            (SOL_SOCKET, SO_ACCEPTCONN) => u32::from(cell.lock().listening),
            (SOL_SOCKET, SO_KEEPALIVE) => host_bool(HostOptName::KeepAlive)?,
            (SOL_SOCKET, SO_DONTROUTE) => u32::from(cell.lock().opts.dontroute),
            (SOL_SOCKET, SO_BROADCAST) => host_bool(HostOptName::Broadcast)?,
            (SOL_SOCKET, SO_OOBINLINE) => host_bool(HostOptName::OobInline)?,
            (SOL_SOCKET, SO_SNDBUF) => match cell.lock().opts.sndbuf {
                Some(v) => v,
                None => host_int(HostOptName::SendBuffer)?,
            },
            (SOL_SOCKET, SO_RCVBUF) => match cell.lock().opts.rcvbuf {
                Some(v) => v,
                None => host_int(HostOptName::RecvBuffer)?,
            },
            (SOL_SOCKET, SO_SNDTIMEO) => cell.lock().sndtimeo_ms,
            (SOL_SOCKET, SO_RCVTIMEO) => cell.lock().rcvtimeo_ms,
            (SOL_SOCKET, SO_ERROR) => self.take_so_error(cell)?,
            (SOL_SOCKET, SO_TYPE) => cell.props.ty as u32,
            (SOL_SOCKET, SO_GROUP_ID) => 0,
            (SOL_SOCKET, SO_GROUP_PRIORITY) => cell.lock().opts.group_priority as u32,
            (SOL_SOCKET, SO_MAX_MSG_SIZE) => {
                self.inner.catalog[cell.props.catalog_index].dwMessageSize
            }
            (SOL_SOCKET, SO_CONDITIONAL_ACCEPT) => u32::from(cell.lock().opts.conditional_accept),
            (SOL_SOCKET, SO_CONNECT_TIME) => {
                // SO_CONNECT_TIME: seconds connected, 0xFFFFFFFF when not connected.
                // https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options
                let now = self.inner.net.now();
                let mut st = cell.lock();
                if st.conn == Conn::Connected && stream {
                    // The connect/accept paths do not stamp the time yet; the first
                    // observation does (see `SockState::mark_connected`).
                    st.mark_connected(now);
                    let at = st.opts.connected_at.unwrap_or(now);
                    u32::try_from(now.saturating_sub(at).as_secs()).unwrap_or(u32::MAX - 1)
                } else {
                    u32::MAX
                }
            }
            _ => return Err(WsaError::WSAENOPROTOOPT),
        })
    }

    /// `SO_ERROR`: the value set with setsockopt, else a failed connect's error (once),
    /// else the host's pending error; each is cleared when read.
    fn take_so_error(&self, cell: &SocketCell<N>) -> WspResult<u32> {
        {
            let mut st = cell.lock();
            if st.opts.so_error != 0 {
                return Ok(std::mem::take(&mut st.opts.so_error) as u32);
            }
            if let Conn::Failed(e) = st.conn {
                if !st.opts.connect_error_read {
                    st.opts.connect_error_read = true;
                    return Ok(e.code() as u32);
                }
            }
        }
        Ok(match self.inner.net.take_error(cell.host)? {
            Some(e) => e.code() as u32,
            None => 0,
        })
    }

    /// The body of `WSPSetSockOpt`.
    pub(super) fn set_sock_opt_impl(
        &self,
        cell: &SocketCell<N>,
        level: i32,
        name: i32,
        optval: &[u8],
    ) -> WspResult<()> {
        let def = lookup(level, name)?;
        self.applies(cell, def, true)?;
        if def.access == Access::Get {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        if def.shape == Shape::IpOptions {
            return self.set_ip_options(cell, optval);
        }
        let v = decode(def, optval)?;
        if v == Value::None && def.shape == Shape::SockBool {
            return Ok(());
        }
        let on = bool_opt(v);
        let int = match v {
            Value::Int(n) => n,
            Value::Bool(b) => u32::from(b),
            _ => 0,
        };
        match (def.level, def.name) {
            (IPPROTO_IP, IP_TOS) => self.host_set(cell, HostOpt::Tos(int)),
            (IPPROTO_IP, IP_TTL) | (IPPROTO_IPV6, IPV6_UNICAST_HOPS) => {
                self.host_set(cell, HostOpt::Ttl(int))
            }
            (IPPROTO_IP, IP_MULTICAST_IF) => self.host_set(
                cell,
                HostOpt::MulticastIfV4(Ipv4Addr::from(int.to_le_bytes())),
            ),
            (IPPROTO_IPV6, IPV6_MULTICAST_IF) => self.host_set(cell, HostOpt::MulticastIfV6(int)),
            (IPPROTO_IP, IP_MULTICAST_TTL) | (IPPROTO_IPV6, IPV6_MULTICAST_HOPS) => {
                self.host_set(cell, HostOpt::MulticastTtl(int))
            }
            (IPPROTO_IP, IP_MULTICAST_LOOP) | (IPPROTO_IPV6, IPV6_MULTICAST_LOOP) => {
                self.host_set(cell, HostOpt::MulticastLoop(on))
            }
            (IPPROTO_IP, IP_ADD_MEMBERSHIP | IP_DROP_MEMBERSHIP) => {
                let Value::MreqV4(group, interface) = v else {
                    return Err(WsaError::WSAEFAULT);
                };
                if !group.is_multicast() {
                    return Err(WsaError::WSAEINVAL);
                }
                let opt = if def.name == IP_ADD_MEMBERSHIP {
                    HostOpt::JoinV4 { group, interface }
                } else {
                    HostOpt::LeaveV4 { group, interface }
                };
                self.host_set(cell, opt)
            }
            (IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP | IPV6_DROP_MEMBERSHIP) => {
                let Value::MreqV6(group, interface) = v else {
                    return Err(WsaError::WSAEFAULT);
                };
                if !group.is_multicast() {
                    return Err(WsaError::WSAEINVAL);
                }
                let opt = if def.name == IPV6_ADD_MEMBERSHIP {
                    HostOpt::JoinV6 { group, interface }
                } else {
                    HostOpt::LeaveV6 { group, interface }
                };
                self.host_set(cell, opt)
            }
            (IPPROTO_IP, IP_DONTFRAGMENT) | (IPPROTO_IPV6, IPV6_DONTFRAG) => {
                // Stored only: the portable backend does not set the host's DF bit.
                cell.lock().opts.dont_fragment = Some(on);
                Ok(())
            }
            (IPPROTO_IP, IP_PKTINFO) | (IPPROTO_IPV6, IPV6_PKTINFO) => {
                // The host must know before datagrams arrive (it records the packet
                // information at delivery); WSARecvMsg then reports it (extensions.rs).
                if cell.props.ty != SOCK_STREAM {
                    self.host_set(cell, HostOpt::PktInfo(on))?;
                }
                cell.lock().opts.pktinfo = on;
                Ok(())
            }
            (IPPROTO_TCP, TCP_NODELAY) => self.host_set(cell, HostOpt::NoDelay(on)),
            (IPPROTO_TCP, TCP_KEEPALIVE) => self.host_set(cell, HostOpt::KeepIdle(int)),
            (IPPROTO_TCP, TCP_KEEPINTVL) => {
                self.keep_windows_defaults(cell);
                self.host_set(cell, HostOpt::KeepInterval(int))
            }
            (IPPROTO_TCP, TCP_KEEPCNT) => {
                // Observed: 0x100 probes is WSAEINVAL (the count is a byte).
                if int > 255 {
                    return Err(WsaError::WSAEINVAL);
                }
                self.keep_windows_defaults(cell);
                self.host_set(cell, HostOpt::KeepCount(int))
            }
            (IPPROTO_IPV6, IPV6_V6ONLY) => self.host_set(cell, HostOpt::V6Only(on)),
            (SOL_SOCKET, SO_REUSEADDR) => {
                // Observed: SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other.
                if on && cell.lock().opts.exclusive_addr {
                    return Err(WsaError::WSAEINVAL);
                }
                self.host_set(cell, HostOpt::ReuseAddr(on))?;
                cell.lock().opts.reuse_addr = on;
                Ok(())
            }
            (SOL_SOCKET, SO_EXCLUSIVEADDRUSE) => {
                let mut st = cell.lock();
                if on && st.opts.reuse_addr {
                    return Err(WsaError::WSAEINVAL);
                }
                st.opts.exclusive_addr = on;
                Ok(())
            }
            (SOL_SOCKET, SO_DONTLINGER) => {
                // SO_DONTLINGER TRUE clears l_onoff; FALSE sets it, keeping l_linger.
                let mut st = cell.lock();
                st.opts.linger.0 = u16::from(!on);
                Ok(())
            }
            (SOL_SOCKET, SO_LINGER) => {
                let Value::Linger(onoff, secs) = v else {
                    return Err(WsaError::WSAEFAULT);
                };
                cell.lock().opts.linger = (onoff, secs);
                Ok(())
            }
            (SOL_SOCKET, SO_DEBUG) => {
                cell.lock().opts.debug = on;
                Ok(())
            }
            (SOL_SOCKET, SO_KEEPALIVE) => {
                if on {
                    self.keep_windows_defaults(cell);
                }
                self.host_set(cell, HostOpt::KeepAlive(on))
            }
            (SOL_SOCKET, SO_DONTROUTE) => {
                cell.lock().opts.dontroute = on;
                Ok(())
            }
            (SOL_SOCKET, SO_BROADCAST) => self.host_set(cell, HostOpt::Broadcast(on)),
            (SOL_SOCKET, SO_OOBINLINE) => self.host_set(cell, HostOpt::OobInline(on)),
            (SOL_SOCKET, SO_SNDBUF) => {
                self.host_set(cell, HostOpt::SendBuffer(int))?;
                cell.lock().opts.sndbuf = Some(int);
                Ok(())
            }
            (SOL_SOCKET, SO_RCVBUF) => {
                self.host_set(cell, HostOpt::RecvBuffer(int))?;
                cell.lock().opts.rcvbuf = Some(int);
                Ok(())
            }
            (SOL_SOCKET, SO_SNDTIMEO) => {
                cell.lock().sndtimeo_ms = int;
                Ok(())
            }
            (SOL_SOCKET, SO_RCVTIMEO) => {
                cell.lock().rcvtimeo_ms = int;
                Ok(())
            }
            (SOL_SOCKET, SO_ERROR) => {
                // Observed: Windows keeps the value and getsockopt returns it.
                cell.lock().opts.so_error = int as i32;
                Ok(())
            }
            (SOL_SOCKET, SO_GROUP_PRIORITY) => {
                cell.lock().opts.group_priority = int as i32;
                Ok(())
            }
            (SOL_SOCKET, SO_CONDITIONAL_ACCEPT) => {
                let mut st = cell.lock();
                // Inferred from the page: the option governs a listening socket's accepts
                // and is set before listen; after listen it is refused.
                if st.listening {
                    return Err(WsaError::WSAEINVAL);
                }
                st.opts.conditional_accept = on;
                Ok(())
            }
            (SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT) => {
                let Value::Handle(h) = v else {
                    return Err(WsaError::WSAEFAULT);
                };
                // The listener the AcceptEx socket was accepted from: it takes the
                // listener's properties now (extensions.rs).
                let listener = self.cell(h as SOCKET)?;
                self.update_accept_context(cell, &listener)
            }
            (SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT) => {
                if cell.lock().conn != Conn::Connected {
                    return Err(WsaError::WSAENOTCONN);
                }
                Ok(())
            }
            _ => Err(WsaError::WSAENOPROTOOPT),
        }
    }

    /// `SO_BSP_STATE`: a `CSADDR_INFO` at the front of `out`, its two `lpSockaddr`
    /// pointers aimed at the addresses written right after it, in `out` itself.
    ///
    /// x64 layout (ws2def.h): `SOCKET_ADDRESS LocalAddr` at 0 (`lpSockaddr` 8 bytes,
    /// `iSockaddrLength` 4, 4 of padding), `SOCKET_ADDRESS RemoteAddr` at 16, `iSocketType`
    /// at 32, `iProtocol` at 36: 40 bytes. The local address goes at 40, the remote one at
    /// 40 plus the family's address size (16 or 28), where Wine puts them too.
    ///
    /// Rules (so-bsp-state page; Wine's test_set_getsockopt, which runs on Windows):
    /// * `out` must hold the structure **and** room for two addresses of the socket's
    ///   family: 40 bytes alone are `WSAEFAULT` on a connected socket, and for IPv4 71 are
    ///   `WSAEFAULT` while 72 succeed (observed). The same room is asked for in every
    ///   state (inferred: Wine's implementation).
    /// * Not bound: both members are `{NULL, 0}`. Bound (or listening): `LocalAddr` only.
    ///   Connected: both (observed).
    /// * On success `*optlen` is left as the caller gave it (observed: a 128-byte union
    ///   reads back 128), although the page says it becomes the value's length.
    ///
    /// The pointers are the addresses of `out`'s own bytes, so a caller that reads the
    /// structure from the same buffer (any C caller, and a Rust caller holding the slice)
    /// sees Windows' exact value.
    fn bsp_state(&self, cell: &SocketCell<N>, out: &mut [u8]) -> WspResult<usize> {
        const CSADDR_INFO_LEN: usize = 40;
        let addr_len = if cell.props.af == AF_INET6 {
            crate::addr::SOCKADDR_IN6_LEN
        } else {
            crate::addr::SOCKADDR_IN_LEN
        };
        if out.len() < CSADDR_INFO_LEN + 2 * addr_len {
            return Err(WsaError::WSAEFAULT);
        }
        let (bound, connected) = {
            let st = cell.lock();
            (st.bound || st.listening, st.conn == Conn::Connected)
        };
        let local = if bound || connected {
            self.inner.net.local_addr(cell.host).ok()
        } else {
            None
        };
        let remote = if connected {
            self.inner.net.peer_addr(cell.host).ok()
        } else {
            None
        };
        let info = &self.inner.catalog[cell.props.catalog_index];
        let base = out.as_ptr() as usize;
        out[..CSADDR_INFO_LEN].fill(0);
        for (i, a) in [local, remote].into_iter().enumerate() {
            let Some(a) = a else { continue };
            let raw = SockAddr::from_std(a);
            let bytes = &raw.as_bytes()[..raw.len().min(addr_len)];
            let at = CSADDR_INFO_LEN + i * addr_len;
            out[at..at + bytes.len()].copy_from_slice(bytes);
            let slot = i * 16;
            out[slot..slot + 8].copy_from_slice(&((base + at) as u64).to_le_bytes());
            out[slot + 8..slot + 12].copy_from_slice(&(bytes.len() as i32).to_le_bytes());
        }
        out[32..36].copy_from_slice(&info.iSocketType.to_le_bytes());
        out[36..40].copy_from_slice(&info.iProtocol.to_le_bytes());
        Ok(out.len())
    }

    /// `IP_OPTIONS` get: the options the host holds for the socket (none by default). A
    /// buffer shorter than them is `WSAEFAULT` (inferred from the getsockopt page's rule
    /// for a too-small `optlen`; Linux would truncate).
    fn get_ip_options(&self, cell: &SocketCell<N>, out: &mut [u8]) -> WspResult<usize> {
        let opts = match self.host_get(cell, HostOptName::IpOptions)? {
            HostOpt::IpOptions(o) => o,
            _ => IpOptionBytes::EMPTY,
        };
        let raw = opts.as_slice();
        let dst = out.get_mut(..raw.len()).ok_or(WsaError::WSAEFAULT)?;
        dst.copy_from_slice(raw);
        Ok(raw.len())
    }

    /// `IP_OPTIONS` set (ipproto-ip-socket-options page: new options replace the old
    /// ones; a zero length removes them). More than 40 bytes cannot fit an IPv4 header:
    /// `WSAEINVAL` (inferred; the host refuses them the same way). The host checks the
    /// options' format; a malformed list is its `EINVAL`, `WSAEINVAL`.
    fn set_ip_options(&self, cell: &SocketCell<N>, optval: &[u8]) -> WspResult<()> {
        let opts = IpOptionBytes::new(optval).ok_or(WsaError::WSAEINVAL)?;
        self.host_set(cell, HostOpt::IpOptions(opts))
    }
}

impl<N: Net> Engine<N> {
    /// `WSPGetQOSByName` in enumeration mode: the template names as NUL-terminated UTF-16
    /// strings ending with an empty name, cut to `out`. Returns the bytes written.
    pub fn qos_template_names(&self, s: SOCKET, out: &mut [u8]) -> WspResult<usize> {
        self.cell(s)?;
        Ok(crate::qos::write_names(out))
    }

    /// `SO_LINGER` at `WSPCloseSocket`, from the closesocket page
    /// (<https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket>):
    ///
    /// * `l_onoff` 0 (`SO_DONTLINGER`, the default): graceful close in the background;
    ///   the host's own close does exactly that.
    /// * `l_onoff` 1, `l_linger` 0: abortive close; the peer sees a reset. The host gets
    ///   `SO_LINGER {1, 0}`, which makes its close send RST without blocking.
    /// * `l_onoff` 1, `l_linger` n: graceful close that waits up to n seconds for queued
    ///   data to go; a non-blocking socket with data still queued fails `WSAEWOULDBLOCK`
    ///   and stays open; when the wait expires the connection is reset. The host never
    ///   gets a non-zero linger (its close would block the thread); the engine waits on the
    ///   host's send queue instead, checking it every 10 ms of the backend clock.
    pub(super) fn linger_on_close(&self, cell: &SocketCell<N>) -> WspResult<()> {
        let (linger, nonblocking) = {
            let st = cell.lock();
            if cell.props.ty != SOCK_STREAM || st.conn != Conn::Connected || st.reset {
                return Ok(());
            }
            (st.opts.linger, st.nonblocking)
        };
        let abort = || self.inner.net.set_opt(cell.host, HostOpt::Linger(Some(0)));
        match linger {
            (0, _) => Ok(()),
            (_, 0) => abort(),
            (_, secs) => {
                let queued = || match self.inner.net.get_opt(cell.host, HostOptName::SendQueue) {
                    Ok(HostOpt::SendQueue(n)) => n,
                    // A host that cannot tell: treat the queue as empty (graceful close).
                    _ => 0,
                };
                if queued() == 0 {
                    return Ok(());
                }
                if nonblocking {
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                let deadline = self.inner.net.now() + std::time::Duration::from_secs(secs.into());
                loop {
                    if queued() == 0 {
                        return Ok(());
                    }
                    let now = self.inner.net.now();
                    if now >= deadline {
                        return abort();
                    }
                    let slice = (now + std::time::Duration::from_millis(10)).min(deadline);
                    self.inner
                        .net
                        .block_until(&cell.gate, Some(slice), &mut || cell.lock().closed);
                    if cell.lock().closed {
                        return Ok(());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_ordered_by_level_then_name() {
        fn key(d: &OptDef) -> (i32, i32) {
            (d.level, d.name)
        }
        for w in TABLE.windows(2) {
            assert!(key(&w[0]) < key(&w[1]), "{:?} before {:?}", w[0], w[1]);
        }
    }

    #[test]
    fn protocol_info_layout_sizes_match_windows_x64() {
        let p = WSAPROTOCOL_INFOW::default();
        assert_eq!(protocol_info_bytes(&p, true).len(), 628);
        assert_eq!(protocol_info_bytes(&p, false).len(), 372);
    }

    #[test]
    fn unknown_level_is_einval_unknown_name_is_enoprotoopt() {
        assert_eq!(
            lookup(0x8000, SO_RCVTIMEO).unwrap_err(),
            WsaError::WSAEINVAL
        );
        assert_eq!(lookup(-1, SO_RCVTIMEO).unwrap_err(), WsaError::WSAEINVAL);
        assert_eq!(
            lookup(SOL_SOCKET, 0x4242).unwrap_err(),
            WsaError::WSAENOPROTOOPT
        );
    }
}
