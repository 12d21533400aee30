//! `WSPJoinLeaf` for IP multicast over UDP (IPv4 and IPv6).
//!
//! Windows' rules (<https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspjoinleaf>,
//! and "Multipoint and Multicast Semantics",
//! <https://learn.microsoft.com/en-us/windows/win32/winsock/multipoint-and-multicast-semantics-2>):
//!
//! * IP multicast is **non-rooted** in both planes: the UDP entries set
//!   `XP1_SUPPORT_MULTIPOINT` and leave `XP1_MULTIPOINT_CONTROL_PLANE` and
//!   `XP1_MULTIPOINT_DATA_PLANE` clear. The socket is a `c_leaf`/`d_leaf` one (created with
//!   `WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_LEAF`), and a leaf-initiated join
//!   returns **the same descriptor** ("when used with a c_leaf socket ... the returned
//!   socket descriptor is the same as the input socket descriptor"). A socket created
//!   without either leaf flag is not a multipoint socket: `WSAEINVAL`.
//! * `dwFlags`: `JL_SENDER_ONLY` (sends to the group by default, no membership),
//!   `JL_RECEIVER_ONLY` (membership, no default destination), `JL_BOTH`. Anything else:
//!   `WSAEINVAL`.
//! * `name` must be a multicast address of the socket's family (`WSAEADDRNOTAVAIL`, "the
//!   remote address is not a valid address", otherwise). An unbound socket is bound to the
//!   wildcard address ("unique values are assigned to the local association").
//! * Connect data: the protocol has no `XP1_CONNECT_DATA`, so caller data gives
//!   `WSAEPROTONOSUPPORT` (as in `WSPConnect`, and as the helper-DLL contract `WSHJoinLeaf`
//!   states); a callee buffer receives nothing. QoS: `WSAEOPNOTSUPP` (no
//!   `XP1_QOS_SUPPORTED`).
//! * After a successful join further joins fail `WSAEISCONN`.
//! * A protocol without `XP1_SUPPORT_MULTIPOINT` (TCP, the framed protocol): `WSAEINVAL`
//!   (the page names no specific code; a non-multipoint socket is "in an invalid state" for
//!   the call, as `WSPSocket` refuses multipoint flags on such protocols with `WSAEINVAL`).
//!
//! Host mapping: an IPv4 membership is joined on the loopback interface and on the host's
//! default multicast interface (so local senders reach it whatever interface they use; a
//! failure on the default one is ignored); an IPv6 membership on the host's default
//! interface (index 0). Multicast loop-back is on, and IPv4 multicast sends leave through
//! the interface of the socket's bound address when it is specific.

use super::socket::Conn;
use super::Engine;
use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::net::{HostOpt, Net};
use crate::types::*;
use crate::wsp::{OutBuf, WspResult};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// `JL_SENDER_ONLY`.
pub const JL_SENDER_ONLY: u32 = 0x01;
/// `JL_RECEIVER_ONLY`.
pub const JL_RECEIVER_ONLY: u32 = 0x02;
/// `JL_BOTH`.
pub const JL_BOTH: u32 = 0x04;

/// A socket's multicast session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    /// The group and port joined.
    pub group: SocketAddr,
    /// `JL_*`.
    pub flags: u32,
}

impl Session {
    /// Where a send without an address goes, if the session gives it one.
    pub fn default_target(&self) -> Option<SocketAddr> {
        (self.flags != JL_RECEIVER_ONLY).then_some(self.group)
    }
}

impl<N: Net> Engine<N> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn join_leaf_impl(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
        flags: u32,
    ) -> WspResult<SOCKET> {
        let cell = self.cell(s)?;
        let entry = &self.inner.catalog[cell.props.catalog_index];
        if entry.dwServiceFlags1 & XP1_SUPPORT_MULTIPOINT == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        let leaf = WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_LEAF;
        if cell.props.flags & leaf == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        if !matches!(flags, JL_SENDER_ONLY | JL_RECEIVER_ONLY | JL_BOTH) {
            return Err(WsaError::WSAEINVAL);
        }
        let group = name.parse(cell.props.af)?;
        if !group.ip().is_multicast() || group.port() == 0 {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        if caller_data.is_some_and(|d| !d.is_empty()) {
            return Err(WsaError::WSAEPROTONOSUPPORT);
        }
        if sqos.is_some() || gqos.is_some() {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        if let Some(b) = callee_data {
            b.len = 0;
        }
        let v6 = cell.props.af == AF_INET6;
        let net = &self.inner.net;
        {
            let st = cell.lock();
            if st.mcast.is_some() || st.conn == Conn::Connected {
                return Err(WsaError::WSAEISCONN);
            }
        }
        if !cell.lock().bound {
            let any = if v6 {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            } else {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            };
            net.bind(cell.host, SocketAddr::new(any, 0))?;
            cell.lock().bound = true;
        }
        net.set_opt(cell.host, HostOpt::MulticastLoop(true))?;
        let local = net.local_addr(cell.host)?;
        if let IpAddr::V4(a) = local.ip() {
            if !a.is_unspecified() {
                net.set_opt(cell.host, HostOpt::MulticastIfV4(a))?;
            }
        }
        if flags != JL_SENDER_ONLY {
            match group.ip() {
                IpAddr::V4(g) => {
                    net.set_opt(
                        cell.host,
                        HostOpt::JoinV4 {
                            group: g,
                            interface: Ipv4Addr::LOCALHOST,
                        },
                    )?;
                    let _ = net.set_opt(
                        cell.host,
                        HostOpt::JoinV4 {
                            group: g,
                            interface: Ipv4Addr::UNSPECIFIED,
                        },
                    );
                }
                IpAddr::V6(g) => net.set_opt(
                    cell.host,
                    HostOpt::JoinV6 {
                        group: g,
                        interface: 0,
                    },
                )?,
            }
        }
        cell.lock().mcast = Some(Session { group, flags });
        cell.evaluate();
        // A leaf-initiated join on a non-rooted socket returns the same descriptor.
        Ok(s)
    }
}
