//! `WSPIoctl` (the non-overlapped part) and `WSPCancelBlockingCall`.
//!
//! Windows' rules, from the WSAIoctl and ioctlsocket pages
//! (<https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaioctl>,
//! <https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-ioctlsocket>,
//! <https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls>):
//!
//! * An input or output buffer too short for the code's value is `WSAEFAULT`.
//! * A code that is not a valid command, or not applicable to the socket's type, is
//!   `WSAEINVAL` ("dwIoControlCode is not a valid command, or a specified input parameter
//!   is not acceptable, or the command is not applicable to the type of socket specified").
//! * A code Windows knows but this provider does not build (extension function pointers
//!   before the overlapped work, `SIO_RCVALL`, `SIO_FLUSH`, ...) is `WSAEOPNOTSUPP`, the
//!   project's convention for features not built.
//! * The return value is `*lpcbBytesReturned`.
//!
//! Differences: `SIO_ADDRESS_LIST_QUERY` writes `SOCKET_ADDRESS::lpSockaddr` as an *offset*
//! from the start of the output buffer (a Rust slice has no address the caller can use);
//! the C layer adds the buffer's address. A short buffer there is `WSAEFAULT` without the
//! required size (Windows stores it in `*lpcbBytesReturned`).

use super::socket::{Blocked, Conn, SocketCell};
use super::Engine;
use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::net::{HostFamily, HostKind, HostOpt, IoFlags, Net};
use crate::types::*;
use crate::wsp::WspResult;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::thread::ThreadId;

fn read_u32(input: &[u8]) -> WspResult<u32> {
    let v = input.get(..4).ok_or(WsaError::WSAEFAULT)?;
    Ok(u32::from_le_bytes([v[0], v[1], v[2], v[3]]))
}

fn write_u32(output: &mut [u8], v: u32) -> WspResult<usize> {
    let out = output.get_mut(..4).ok_or(WsaError::WSAEFAULT)?;
    out.copy_from_slice(&v.to_le_bytes());
    Ok(4)
}

/// `SIO_IDEAL_SEND_BACKLOG_QUERY`: `_IOR('t', 123, ULONG)` (winsock2.h).
pub const SIO_IDEAL_SEND_BACKLOG_QUERY: u32 = IOC_OUT | (4 << 16) | ((b't' as u32) << 8) | 123;
/// `SIO_IDEAL_SEND_BACKLOG_CHANGE`: `_IO('t', 122)` (winsock2.h).
pub const SIO_IDEAL_SEND_BACKLOG_CHANGE: u32 = IOC_VOID | ((b't' as u32) << 8) | 122;
/// `SIO_LOOPBACK_FAST_PATH`: `_WSAIOW(IOC_VENDOR, 16)` (mstcpip.h).
pub const SIO_LOOPBACK_FAST_PATH: u32 = IOC_IN | IOC_VENDOR | 16;

/// Size of `SOCKET_ADDRESS_LIST` with one entry on x64 (`INT` count, padding, then
/// `SOCKET_ADDRESS { LPSOCKADDR, INT }` entries of 16 bytes).
const LIST_HEADER: usize = 8;
const LIST_ENTRY: usize = 16;

impl<N: Net> Engine<N> {
    /// The body of `WSPIoctl` (non-overlapped).
    pub(super) fn ioctl_impl(
        &self,
        cell: &SocketCell<N>,
        code: u32,
        input: &[u8],
        output: &mut [u8],
    ) -> WspResult<usize> {
        let stream = cell.props.ty == SOCK_STREAM;
        match code {
            FIONBIO => {
                let on = read_u32(input)? != 0;
                let mut st = cell.lock();
                // While WSPEventSelect/WSPAsyncSelect is active the socket must stay
                // non-blocking: switching back to blocking fails (WSAEventSelect page).
                if !on && st.notify.mask != 0 {
                    return Err(WsaError::WSAEINVAL);
                }
                st.nonblocking = on;
                Ok(0)
            }
            FIONREAD => {
                if output.len() < 4 {
                    return Err(WsaError::WSAEFAULT);
                }
                if stream && cell.lock().conn != Conn::Connected {
                    // Inferred: nothing can be pending on an unconnected stream (Linux
                    // fails FIONREAD on a listener with EINVAL).
                    return write_u32(output, 0);
                }
                // Streams: all buffered bytes. Datagrams: the ioctlsocket page says the
                // total of pending data; Linux reports the next datagram's size and the
                // engine cannot see past it without reading (documented gap).
                let n = self.inner.net.pending_bytes(cell.host)?;
                write_u32(output, u32::try_from(n).unwrap_or(u32::MAX))
            }
            SIOCATMARK => {
                if output.len() < 4 {
                    return Err(WsaError::WSAEFAULT);
                }
                // ioctlsocket page: TRUE when no OOB data is waiting (the opposite sense of
                // BSD sockatmark, which is true when the next byte *is* the mark).
                let waiting = stream && self.oob_waiting(cell)?;
                write_u32(output, u32::from(!waiting))
            }
            SIO_KEEPALIVE_VALS => {
                // tcp_keepalive { u_long onoff; u_long keepalivetime; u_long
                // keepaliveinterval } (milliseconds), SIO_KEEPALIVE_VALS page.
                if input.len() < 12 {
                    return Err(WsaError::WSAEFAULT);
                }
                if !stream {
                    return Err(WsaError::WSAEINVAL);
                }
                let on = read_u32(input)?;
                let time = read_u32(&input[4..])?;
                let interval = read_u32(&input[8..])?;
                let secs = |ms: u32| ms.div_ceil(1000).max(1);
                if on != 0 {
                    // The probe count stays Windows' (10); the interval is set below.
                    self.keep_windows_defaults(cell);
                }
                self.inner
                    .net
                    .set_opt(cell.host, HostOpt::KeepAlive(on != 0))?;
                if on != 0 {
                    self.inner
                        .net
                        .set_opt(cell.host, HostOpt::KeepIdle(secs(time)))?;
                    self.inner
                        .net
                        .set_opt(cell.host, HostOpt::KeepInterval(secs(interval)))?;
                }
                cell.lock().opts.keepalive_vals = Some((on, time, interval));
                Ok(0)
            }
            SIO_UDP_CONNRESET => {
                if stream {
                    return Err(WsaError::WSAEINVAL);
                }
                let on = read_u32(input)? != 0;
                cell.lock().opts.udp_connreset = on;
                Ok(0)
            }
            SIO_MULTICAST_SCOPE => {
                if stream {
                    return Err(WsaError::WSAEINVAL);
                }
                let hops = read_u32(input)?;
                if hops > 255 {
                    return Err(WsaError::WSAEINVAL);
                }
                self.inner
                    .net
                    .set_opt(cell.host, HostOpt::MulticastTtl(hops))?;
                Ok(0)
            }
            SIO_MULTIPOINT_LOOPBACK => {
                if stream {
                    return Err(WsaError::WSAEINVAL);
                }
                let on = read_u32(input)? != 0;
                self.inner
                    .net
                    .set_opt(cell.host, HostOpt::MulticastLoop(on))?;
                Ok(0)
            }
            SIO_GET_QOS | SIO_SET_QOS => {
                // The catalog's TCP/IP entries do not set XP1_QOS_SUPPORTED (as msafd on
                // Vista and later), so the QoS ioctls cannot be realized.
                let entry = &self.inner.catalog[cell.props.catalog_index];
                if entry.dwServiceFlags1 & XP1_QOS_SUPPORTED == 0 {
                    return Err(WsaError::WSAEOPNOTSUPP);
                }
                Err(WsaError::WSAEOPNOTSUPP)
            }
            SIO_ADDRESS_LIST_QUERY => self.address_list(cell, output),
            SIO_ROUTING_INTERFACE_QUERY => self.routing_interface(cell, input, output),
            SIO_ADDRESS_LIST_CHANGE | SIO_ROUTING_INTERFACE_CHANGE => {
                // Non-overlapped on a non-blocking socket: WSAEWOULDBLOCK (the
                // SIO_ADDRESS_LIST_CHANGE page). Blocking: wait for a change; this provider
                // learns of none, so the call waits until cancelled or the socket closes.
                if cell.lock().nonblocking {
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                self.park_until_interrupted(cell)?;
                Ok(0)
            }
            SIO_ADDRESS_LIST_SORT => self.address_list_sort(cell, input, output),
            SIO_IDEAL_SEND_BACKLOG_QUERY => {
                // SIO_IDEAL_SEND_BACKLOG_QUERY page: a ULONG out; connection-oriented
                // sockets only; "WSAENOTCONN: the socket is not connected".
                if output.len() < 4 {
                    return Err(WsaError::WSAEFAULT);
                }
                if !stream {
                    return Err(WsaError::WSAEOPNOTSUPP);
                }
                if cell.lock().conn != Conn::Connected {
                    return Err(WsaError::WSAENOTCONN);
                }
                write_u32(output, self.ideal_send_backlog(cell)?)
            }
            SIO_IDEAL_SEND_BACKLOG_CHANGE => {
                // Completes when the ideal backlog changes. The value this provider reports
                // (the send buffer size) changes only when the program sets SO_SNDBUF, so,
                // as SIO_ADDRESS_LIST_CHANGE: non-blocking WSAEWOULDBLOCK, blocking waits
                // until cancelled or closed; overlapped stays pending (see ioctl_ov).
                if !stream {
                    return Err(WsaError::WSAEOPNOTSUPP);
                }
                if cell.lock().conn != Conn::Connected {
                    return Err(WsaError::WSAENOTCONN);
                }
                if cell.lock().nonblocking {
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                self.park_until_interrupted(cell)?;
                Ok(0)
            }
            SIO_LOOPBACK_FAST_PATH => {
                // SIO_LOOPBACK_FAST_PATH page: a BOOL in, TCP sockets only, before connect.
                // The fast path is a Windows loopback optimisation with no observable
                // result, so it is accepted and has no effect here.
                read_u32(input)?;
                if !stream {
                    return Err(WsaError::WSAEOPNOTSUPP);
                }
                Ok(0)
            }
            SIO_BASE_HANDLE => {
                // This engine is a base provider: the base handle is the socket itself.
                let out = output.get_mut(..8).ok_or(WsaError::WSAEFAULT)?;
                out.copy_from_slice(&(cell.handle as u64).to_le_bytes());
                Ok(8)
            }
            SIO_GET_EXTENSION_FUNCTION_POINTER
            | SIO_GET_GROUP_QOS
            | SIO_SET_GROUP_QOS
            | SIO_ASSOCIATE_HANDLE
            | SIO_ENABLE_CIRCULAR_QUEUEING
            | SIO_FIND_ROUTE
            | SIO_FLUSH
            | SIO_GET_BROADCAST_ADDRESS
            | SIO_TRANSLATE_HANDLE
            | SIO_RCVALL
            | SIO_UDP_NETRESET => Err(WsaError::WSAEOPNOTSUPP),
            _ => Err(WsaError::WSAEINVAL),
        }
    }

    /// Whether out-of-band data is waiting to be read.
    fn oob_waiting(&self, cell: &SocketCell<N>) -> WspResult<bool> {
        let inline = matches!(
            self.inner
                .net
                .get_opt(cell.host, crate::net::HostOptName::OobInline),
            Ok(HostOpt::OobInline(true))
        );
        if inline {
            // Inline: the urgent byte is in the stream; the host's mark says whether the
            // next byte read is it.
            return self.inner.net.at_oob_mark(cell.host);
        }
        let mut byte = [0u8; 1];
        let peek = IoFlags {
            peek: true,
            oob: true,
            dontroute: false,
        };
        Ok(matches!(
            self.inner.net.recv(cell.host, &mut [&mut byte], peek),
            Ok(r) if r.bytes > 0
        ))
    }

    fn address_list(&self, cell: &SocketCell<N>, output: &mut [u8]) -> WspResult<usize> {
        let addrs: Vec<SocketAddr> = if cell.props.af == AF_INET6 {
            vec![SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0)]
        } else {
            vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)]
        };
        let entries = LIST_HEADER + LIST_ENTRY * addrs.len();
        let raw: Vec<SockAddr> = addrs.iter().map(|a| SockAddr::from_std(*a)).collect();
        let need = entries + raw.iter().map(|a| a.len()).sum::<usize>();
        if output.len() < need {
            return Err(WsaError::WSAEFAULT);
        }
        output[..need].fill(0);
        output[..4].copy_from_slice(&(addrs.len() as i32).to_le_bytes());
        let mut at = entries;
        for (i, a) in raw.iter().enumerate() {
            let e = LIST_HEADER + LIST_ENTRY * i;
            output[e..e + 8].copy_from_slice(&(at as u64).to_le_bytes());
            output[e + 8..e + 12].copy_from_slice(&(a.len() as i32).to_le_bytes());
            output[at..at + a.len()].copy_from_slice(a.as_bytes());
            at += a.len();
        }
        Ok(need)
    }

    /// The ideal send backlog: the socket's send buffer size (`SO_SNDBUF` as the program
    /// sees it). Windows derives the value from the connection's bandwidth-delay product
    /// ("the amount of data that should be outstanding ... to keep the pipe full",
    /// SIO_IDEAL_SEND_BACKLOG_QUERY page); the send buffer is what this host keeps in
    /// flight on the connection, so a program sized by it keeps the connection busy.
    fn ideal_send_backlog(&self, cell: &SocketCell<N>) -> WspResult<u32> {
        let set = cell.lock().opts.sndbuf;
        match set {
            Some(v) => Ok(v),
            None => match self
                .inner
                .net
                .get_opt(cell.host, crate::net::HostOptName::SendBuffer)?
            {
                HostOpt::SendBuffer(n) => Ok(n),
                _ => Err(WsaError::WSAEOPNOTSUPP),
            },
        }
    }

    /// `SIO_ADDRESS_LIST_SORT` over a `SOCKET_ADDRESS_LIST` in the engine's offset form
    /// (as `SIO_ADDRESS_LIST_QUERY`'s output: each `lpSockaddr` is an offset from the start
    /// of `input`; the C layer converts pointers). The output is the header and entries,
    /// sorted best first, entries keeping their offsets; entries that are not
    /// `SOCKADDR_IN6` are dropped (the page: the count "may be less than on input if the
    /// IOCTL code determines that some destination addresses are invalid"). See
    /// [`sort_destinations`] for the order. IPv6 sockets only (the page: "Each
    /// SOCKET_ADDRESS in the list must be in SOCKADDR_IN6 format"); others `WSAEINVAL`.
    fn address_list_sort(
        &self,
        cell: &SocketCell<N>,
        input: &[u8],
        output: &mut [u8],
    ) -> WspResult<usize> {
        if cell.props.af != AF_INET6 {
            return Err(WsaError::WSAEINVAL);
        }
        let count = input.get(..4).ok_or(WsaError::WSAEFAULT)?;
        let count = i32::from_le_bytes([count[0], count[1], count[2], count[3]]);
        let count = usize::try_from(count).map_err(|_| WsaError::WSAEINVAL)?;
        let end = count
            .checked_mul(LIST_ENTRY)
            .and_then(|n| n.checked_add(LIST_HEADER))
            .ok_or(WsaError::WSAEFAULT)?;
        if input.len() < end {
            return Err(WsaError::WSAEFAULT);
        }
        let mut entries = Vec::with_capacity(count);
        for i in 0..count {
            let e = &input[LIST_HEADER + LIST_ENTRY * i..LIST_HEADER + LIST_ENTRY * (i + 1)];
            let off = u64::from_le_bytes(e[..8].try_into().map_err(|_| WsaError::WSAEFAULT)?);
            let len = i32::from_le_bytes([e[8], e[9], e[10], e[11]]);
            let off = usize::try_from(off).map_err(|_| WsaError::WSAEFAULT)?;
            let len = usize::try_from(len).map_err(|_| WsaError::WSAEFAULT)?;
            let bytes = input
                .get(off..off.checked_add(len).ok_or(WsaError::WSAEFAULT)?)
                .ok_or(WsaError::WSAEFAULT)?;
            let parsed = SockAddr::from_bytes(bytes).parse(AF_INET6);
            if let Ok(SocketAddr::V6(a)) = parsed {
                entries.push((e.to_vec(), *a.ip()));
            }
        }
        let with_sources: Vec<(Ipv6Addr, Option<Ipv6Addr>)> = entries
            .iter()
            .map(|(_, a)| (*a, self.source_for(a)))
            .collect();
        let order = sort_destinations(&with_sources);
        let need = LIST_HEADER + LIST_ENTRY * order.len();
        if output.len() < need {
            return Err(WsaError::WSAEFAULT);
        }
        output[..need].fill(0);
        output[..4].copy_from_slice(&(order.len() as i32).to_le_bytes());
        for (slot, &i) in order.iter().enumerate() {
            let at = LIST_HEADER + LIST_ENTRY * slot;
            output[at..at + LIST_ENTRY].copy_from_slice(&entries[i].0);
        }
        Ok(need)
    }

    /// The source address the host would use to reach `dest` (as IPv6; IPv4 as
    /// v4-mapped), or `None` when it has no route (RFC 6724 rule 1's "Source(D) is
    /// undefined"). Learned as `SIO_ROUTING_INTERFACE_QUERY` does: a connected probe.
    fn source_for(&self, dest: &Ipv6Addr) -> Option<Ipv6Addr> {
        if dest.is_unspecified() || dest.is_multicast() {
            return None;
        }
        let (family, target) = match dest.to_ipv4_mapped() {
            Some(v4) => (HostFamily::V4, SocketAddr::new(IpAddr::V4(v4), 9)),
            None => (HostFamily::V6, SocketAddr::new(IpAddr::V6(*dest), 9)),
        };
        let probe = self.inner.net.open(family, HostKind::Datagram).ok()?;
        let local = self
            .inner
            .net
            .connect(probe, target)
            .and_then(|()| self.inner.net.local_addr(probe));
        self.inner.net.close(probe);
        match local.ok()?.ip() {
            IpAddr::V4(a) => Some(a.to_ipv6_mapped()),
            IpAddr::V6(a) => Some(a),
        }
    }

    fn routing_interface(
        &self,
        cell: &SocketCell<N>,
        input: &[u8],
        output: &mut [u8],
    ) -> WspResult<usize> {
        let dest = SockAddr::from_bytes(input).parse(cell.props.af)?;
        let need = if cell.props.af == AF_INET6 {
            crate::addr::SOCKADDR_IN6_LEN
        } else {
            crate::addr::SOCKADDR_IN_LEN
        };
        if output.len() < need {
            return Err(WsaError::WSAEFAULT);
        }
        // Ask the host which local address a datagram to `dest` would leave from.
        let family = if cell.props.af == AF_INET6 {
            HostFamily::V6
        } else {
            HostFamily::V4
        };
        let probe = self.inner.net.open(family, HostKind::Datagram)?;
        let dest = if dest.port() == 0 {
            SocketAddr::new(dest.ip(), 9)
        } else {
            dest
        };
        let local = self
            .inner
            .net
            .connect(probe, dest)
            .and_then(|()| self.inner.net.local_addr(probe));
        self.inner.net.close(probe);
        let mut local = local.map_err(|e| match e {
            WsaError::WSAENETUNREACH | WsaError::WSAEHOSTUNREACH => e,
            _ => WsaError::WSAENETUNREACH,
        })?;
        local.set_port(0);
        let mut a = SockAddr::with_capacity(output.len());
        a.store(local)?;
        output[..a.len()].copy_from_slice(a.as_bytes());
        Ok(a.len())
    }

    /// Park a blocking call that only a close or a cancel ends (`WSAEINTR` either way).
    fn park_until_interrupted(&self, cell: &SocketCell<N>) -> WspResult<()> {
        let me = std::thread::current().id();
        cell.lock().blocked.push(Blocked {
            thread: me,
            cancelled: false,
        });
        self.inner.net.block_until(&cell.gate, None, &mut || {
            let st = cell.lock();
            st.closed || st.cancelled(me)
        });
        remove_blocked(&mut cell.lock().blocked, me);
        Err(WsaError::WSAEINTR)
    }

    /// Cancel the blocking call `thread` has in progress in this engine: it returns
    /// `WSAEINTR`. `WSAEINVAL` when that thread is not blocked in a call.
    ///
    /// This is how a Rust program does what a Winsock 1 blocking hook did with
    /// `WSACancelBlockingCall`: from another thread, name the thread whose call to end.
    /// [`Wsp::cancel_blocking_call`](crate::Wsp::cancel_blocking_call) itself cancels the
    /// *calling* thread's call, which cannot be in progress while that thread is making
    /// this call, so it always finds nothing (`WSAEINVAL`), as on Windows without a
    /// blocking hook.
    pub fn cancel_blocking_calls_of(&self, thread: ThreadId) -> WspResult<()> {
        self.started()?;
        let cells: Vec<_> = self.table_read().iter().map(|(_, c)| c.clone()).collect();
        let mut found = false;
        for cell in cells {
            let hit = {
                let mut st = cell.lock();
                let mut hit = false;
                for b in st.blocked.iter_mut().filter(|b| b.thread == thread) {
                    b.cancelled = true;
                    hit = true;
                }
                hit
            };
            if hit {
                found = true;
                cell.wake();
            }
        }
        if found {
            Ok(())
        } else {
            Err(WsaError::WSAEINVAL)
        }
    }
}

/// One row of the prefix policy table: prefix, prefix length, precedence.
type Policy = ([u8; 16], u8, u8);

/// Windows' default IPv6 prefix policy table (`netsh interface ipv6 show prefixpolicies`
/// on Windows 10, which is RFC 6724's default table): precedence by longest match.
const POLICIES: &[Policy] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, 50), // ::1/128
    ([0; 16], 0, 40),                                            // ::/0
    (
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0],
        96,
        35,
    ), // ::ffff:0:0/96
    (
        [0x20, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        16,
        30,
    ), // 2002::/16
    (
        [0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        32,
        5,
    ), // 2001::/32
    ([0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 7, 3), // fc00::/7
    (
        [0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        10,
        1,
    ), // fec0::/10
    (
        [0x3f, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        16,
        1,
    ), // 3ffe::/16
    ([0; 16], 96, 1),                                            // ::/96
];

fn matches_prefix(a: &[u8; 16], prefix: &[u8; 16], len: u8) -> bool {
    let (full, rest) = ((len / 8) as usize, len % 8);
    if a[..full] != prefix[..full] {
        return false;
    }
    rest == 0 || (a[full] ^ prefix[full]) & (0xff << (8 - rest)) == 0
}

/// RFC 6724 precedence of `a` under [`POLICIES`] (longest matching prefix).
fn precedence(a: &Ipv6Addr) -> u8 {
    let o = a.octets();
    POLICIES
        .iter()
        .filter(|(p, l, _)| matches_prefix(&o, p, *l))
        .max_by_key(|(_, l, _)| *l)
        .map_or(40, |&(_, _, prec)| prec)
}

/// RFC 6724 scope of a destination (smaller is narrower): interface-local 1, link-local
/// 2 (loopback counts as link-local unicast scope, section 3.1, and IPv4 loopback and
/// 169.254/16 as link-local, 3.2), site-local 5, global 14.
fn scope(a: &Ipv6Addr) -> u8 {
    let o = a.octets();
    if let Some(v4) = a.to_ipv4_mapped() {
        return if v4.is_loopback() || v4.is_link_local() {
            2
        } else {
            14
        };
    }
    if o[0] == 0xff {
        return o[1] & 0x0f;
    }
    if a.is_loopback() || (o[0] == 0xfe && o[1] & 0xc0 == 0x80) {
        return 2;
    }
    if o[0] == 0xfe && o[1] & 0xc0 == 0xc0 {
        return 5;
    }
    14
}

/// The order `SIO_ADDRESS_LIST_SORT` gives `dests` (indices, best first), each with the
/// source address the host would use for it (`None`: no route), by RFC 6724 (RFC 3484's
/// successor, which Windows' default prefix policy table follows) destination address
/// selection: rule 1 (avoid unusable destinations: no source, the unspecified address,
/// multicast), rule 2 (prefer a source of matching scope), rule 6 (higher precedence in
/// [`POLICIES`] first), rule 8 (smaller scope first), rule 10 (otherwise the input order;
/// the sort is stable). Rules 3-5 and 7 (deprecated, home and temporary addresses,
/// labels, native transport) need interface state this provider does not have.
pub fn sort_destinations(dests: &[(Ipv6Addr, Option<Ipv6Addr>)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dests.len()).collect();
    order.sort_by_key(|&i| {
        let (a, src) = &dests[i];
        let unusable = src.is_none() || a.is_unspecified() || a.is_multicast();
        let scope_mismatch = src.is_none_or(|s| scope(&s) != scope(a));
        (
            unusable,
            scope_mismatch,
            std::cmp::Reverse(precedence(a)),
            scope(a),
        )
    });
    order
}

/// Forget one registration of `thread` (a thread has at most one blocking call at a time).
pub(super) fn remove_blocked(list: &mut Vec<Blocked>, thread: ThreadId) {
    if let Some(i) = list.iter().position(|b| b.thread == thread) {
        list.swap_remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    #[test]
    fn rfc6724_precedence_and_scope_order_reachable_destinations() {
        // RFC 6724 section 10.2 examples, with every destination reachable from a source
        // of its own scope.
        let d = [
            (a("2001:db8::1"), Some(a("2001:db8::2"))),
            (a("::ffff:192.0.2.1"), Some(a("::ffff:192.0.2.2"))),
            (a("::1"), Some(a("::1"))),
            (a("2001::1"), Some(a("2001::2"))), // Teredo, precedence 5
        ];
        assert_eq!(sort_destinations(&d), vec![2, 0, 1, 3]);
    }

    #[test]
    fn unreachable_and_unspecified_go_last() {
        // Rule 1 puts them after every usable destination; rule 6 still orders them
        // (2001:db8::1 under ::/0, precedence 40, before :: under ::/96, precedence 1).
        let d = [
            (a("::"), None),
            (a("2001:db8::1"), None),
            (a("::ffff:127.0.0.1"), Some(a("::ffff:127.0.0.1"))),
        ];
        assert_eq!(sort_destinations(&d), vec![2, 1, 0]);
    }

    #[test]
    fn a_source_of_another_scope_loses_to_a_matching_one() {
        // Rule 2: a link-local destination reached from a global source loses to a
        // global destination reached from a global source (RFC 6724 10.2, first example).
        let d = [
            (a("fe80::1"), Some(a("2001:db8::2"))),
            (a("2001:db8::1"), Some(a("2001:db8::2"))),
        ];
        assert_eq!(sort_destinations(&d), vec![1, 0]);
    }
}
