//! The mswsock extension functions `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out:
//! AcceptEx, GetAcceptExSockaddrs, ConnectEx, DisconnectEx, TransmitPackets, WSARecvMsg,
//! WSASendMsg. Each is an overlapped operation on the engine's one path
//! ([`Engine::issue`]); see [`crate::overlapped::ExtensionFn`] for how the C provider
//! maps them to function pointers.

use super::overlapped::{Attempt, Dir, Work};
use super::socket::{Conn, Props, SockState, SocketCell};
use super::{Engine, Inner};
use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::net::{HostFamily, HostKind, HostSocket, IoFlags, Net};
use crate::overlapped::{
    accept_ex_addr_room, guid_from_bytes, Buffers, ExtensionFn, Issued, OpResult, OpShared,
    Overlapped, RecvBufs, SendBufs, TF_DISCONNECT, TF_REUSE_SOCKET,
};
use crate::types::*;
use crate::wsp::WspResult;
use std::net::SocketAddr;
use std::sync::{Arc, Weak};

impl<N: Net> Engine<N> {
    /// `SIO_GET_EXTENSION_FUNCTION_POINTER`: the identifier of the function `input` (a
    /// GUID) names; see [`ExtensionFn`] for the output's meaning.
    pub(crate) fn extension_function(
        &self,
        s: SOCKET,
        input: &[u8],
        output: &mut [u8],
    ) -> WspResult<usize> {
        self.cell(s)?;
        let g = guid_from_bytes(input).ok_or(WsaError::WSAEFAULT)?;
        const W: usize = std::mem::size_of::<usize>();
        let out = output.get_mut(..W).ok_or(WsaError::WSAEFAULT)?;
        // Unknown GUID: WSAEINVAL (WSAIoctl page, SIO_GET_EXTENSION_FUNCTION_POINTER).
        let f = ExtensionFn::from_guid(&g).ok_or(WsaError::WSAEINVAL)?;
        out.copy_from_slice(&(f as usize).to_ne_bytes());
        Ok(W)
    }

    /// Put a fresh cell for `host` at the existing handle `s`, closing what was there
    /// (AcceptEx's accept socket; a socket reused after DisconnectEx).
    fn adopt_into(
        &self,
        s: SOCKET,
        host: HostSocket,
        props: Props,
        st: SockState,
    ) -> WspResult<()> {
        let net = self.inner.net.clone();
        let cell = Arc::new(SocketCell::new(net, s, host, props, st));
        let old = self.table_write().replace(s, cell);
        let Some(old) = old else {
            self.inner.net.close(host);
            return Err(WsaError::WSAENOTSOCK);
        };
        old.mark_closed();
        drop(old);
        if let Err(e) = self.inner.net.register(host, s as u64) {
            if let Some(c) = self.table_write().remove(s) {
                c.mark_closed();
            }
            return Err(e);
        }
        Ok(())
    }

    /// `AcceptEx`: accept a connection on `listen` into the unconnected socket `accept`,
    /// writing the local and remote addresses into `buf` at `receive_len` (read them back
    /// with [`crate::overlapped::get_accept_ex_sockaddrs`]).
    ///
    /// Rules (AcceptEx page): `listen` must be listening (`WSAEINVAL`); `accept` must be
    /// a stream socket neither bound nor connected (`WSAEINVAL`), unless it was released
    /// by DisconnectEx with `TF_REUSE_SOCKET`; each address room must be at least the
    /// address length plus 16 (`WSAEFAULT`, inferred) and `buf` must hold them all
    /// (`WSAEFAULT`). As on Windows the accepted socket does not take the listener's
    /// properties (its event selection); `SO_UPDATE_ACCEPT_CONTEXT` is accepted on it.
    /// Not built: `receive_len > 0` (waiting for the first data block) gives
    /// `WSAEOPNOTSUPP`.
    #[allow(clippy::too_many_arguments)]
    pub fn accept_ex(
        &self,
        listen: SOCKET,
        accept: SOCKET,
        buf: Box<dyn RecvBufs>,
        receive_len: usize,
        local_len: usize,
        remote_len: usize,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let lcell = self.cell(listen)?;
        let acell = self.cell(accept)?;
        if lcell.props.ty != SOCK_STREAM || !lcell.lock().listening {
            return Err(WsaError::WSAEINVAL);
        }
        if acell.props.ty != SOCK_STREAM || acell.props.af != lcell.props.af {
            return Err(WsaError::WSAEINVAL);
        }
        {
            let st = acell.lock();
            let fresh = !st.bound && st.conn == Conn::Idle && !st.listening;
            if !fresh && !st.ov.reusable {
                return Err(WsaError::WSAEINVAL);
            }
        }
        if receive_len > 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let room = accept_ex_addr_room(Self::addr_len(lcell.props.af));
        if local_len < room || remote_len < room {
            return Err(WsaError::WSAEFAULT);
        }
        let mut buf = buf;
        let cap: usize = buf.slices().iter().map(|b| b.len()).sum();
        if cap < receive_len + local_len + remote_len {
            return Err(WsaError::WSAEFAULT);
        }
        let weak: Weak<Inner<N>> = Arc::downgrade(&self.inner);
        let lweak = Arc::downgrade(&lcell);
        let props = acell.props;
        drop(acell);
        let work: Work = Box::new(move |op: &OpShared| {
            let (Some(inner), Some(l)) = (weak.upgrade(), lweak.upgrade()) else {
                return Attempt::Done(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
            };
            let engine = Engine { inner };
            let queued = l.lock().backlog.pop_front();
            let (host, peer) = match queued {
                Some(c) => c,
                None => match engine.inner.net.accept(l.host) {
                    Ok(c) => c,
                    Err(WsaError::WSAEWOULDBLOCK) => return Attempt::WouldBlock,
                    Err(e) => return Attempt::Done(OpResult::err(e)),
                },
            };
            let local = engine.inner.net.local_addr(host);
            let st = SockState {
                bound: true,
                conn: Conn::Connected,
                ..SockState::default()
            };
            if let Err(e) = engine.adopt_into(accept, host, props, st) {
                return Attempt::Done(OpResult::err(e));
            }
            let mut ost = op.lock();
            if let Buffers::Recv(b) = &mut ost.buffers {
                let mut slices = b.slices();
                if let Ok(a) = local {
                    write_slot(&mut slices, receive_len, &SockAddr::from_std(a));
                }
                write_slot(
                    &mut slices,
                    receive_len + local_len,
                    &SockAddr::from_std(peer),
                );
            }
            Attempt::Done(OpResult::ok(0, 0))
        });
        let r = self.issue(&lcell, Dir::Recv, Buffers::Recv(buf), ov, work);
        // AcceptEx is an accept: FD_ACCEPT is re-enabled.
        lcell.reenable(FD_ACCEPT);
        r
    }

    /// `ConnectEx`: connect the **bound** stream socket `s` to `name`, then send `data`
    /// if given; completes with the bytes sent.
    ///
    /// Rules (ConnectEx page): an unbound or listening socket is `WSAEINVAL`; a connected
    /// one `WSAEISCONN`; a connect in progress `WSAEALREADY`; datagram sockets are not
    /// supported (`WSAEINVAL`, inferred). A socket released by DisconnectEx with
    /// `TF_REUSE_SOCKET` gets a fresh host socket bound to the wildcard address first.
    pub fn connect_ex(
        &self,
        s: SOCKET,
        name: &SockAddr,
        data: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let mut cell = self.cell(s)?;
        if cell.props.ty != SOCK_STREAM {
            return Err(WsaError::WSAEINVAL);
        }
        let addr = name.parse(cell.props.af)?;
        if cell.lock().ov.reusable {
            self.fresh_host(s, &cell)?;
            cell = self.cell(s)?;
        }
        {
            let mut st = cell.lock();
            if !st.bound || st.listening {
                return Err(WsaError::WSAEINVAL);
            }
            match st.conn {
                Conn::Connected => return Err(WsaError::WSAEISCONN),
                Conn::Connecting => return Err(WsaError::WSAEALREADY),
                Conn::Idle | Conn::Failed(_) => {}
            }
            if addr.ip().is_unspecified() || addr.port() == 0 {
                return Err(WsaError::WSAEADDRNOTAVAIL);
            }
            st.conn = Conn::Connecting;
            st.via_connect = true;
        }
        match self.inner.net.connect(cell.host, addr) {
            Ok(()) => {
                let mut st = cell.lock();
                st.conn = Conn::Connected;
                st.notify.write_armed = true;
                drop(st);
                cell.evaluate();
            }
            Err(WsaError::WSAEWOULDBLOCK) => cell.kick_connect(),
            Err(e) => {
                cell.lock().conn = Conn::Failed(e);
                cell.evaluate();
                return Err(e);
            }
        }
        let weak = Arc::downgrade(&cell);
        let mut send = data.as_ref().map(|_| send_all(&cell));
        let work: Work = Box::new(move |op: &OpShared| {
            let Some(c) = weak.upgrade() else {
                return Attempt::Done(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
            };
            let conn = c.lock().conn;
            match conn {
                Conn::Connecting | Conn::Idle => Attempt::WouldBlock,
                Conn::Failed(e) => Attempt::Done(OpResult::err(e)),
                Conn::Connected => match send.as_mut() {
                    Some(f) => f(op),
                    None => Attempt::Done(OpResult::ok(0, 0)),
                },
            }
        });
        let buffers = match data {
            Some(d) => Buffers::Send(d),
            None => Buffers::None,
        };
        self.issue(&cell, Dir::Send, buffers, ov, work)
    }

    /// Replace `s`'s host socket with a fresh one bound to the wildcard address.
    fn fresh_host(&self, s: SOCKET, cell: &Arc<SocketCell<N>>) -> WspResult<()> {
        let fam = Self::family(cell.props.af);
        let host = self.inner.net.open(fam, HostKind::Stream)?;
        let any: SocketAddr = match fam {
            HostFamily::V4 => "0.0.0.0:0".parse().unwrap_or_else(|_| unreachable!()),
            HostFamily::V6 => "[::]:0".parse().unwrap_or_else(|_| unreachable!()),
        };
        if let Err(e) = self.inner.net.bind(host, any) {
            self.inner.net.close(host);
            return Err(e);
        }
        let st = SockState {
            bound: true,
            ..SockState::default()
        };
        self.adopt_into(s, host, cell.props, st)
    }

    /// `DisconnectEx`: close the sending direction once the sends queued before it are
    /// done (it queues behind them). With `TF_REUSE_SOCKET` the socket may then be given to
    /// AcceptEx or ConnectEx again (DisconnectEx page); other flags are `WSAEINVAL`.
    /// A socket that is not connected gives `WSAENOTCONN`.
    pub fn disconnect_ex(&self, s: SOCKET, flags: u32, ov: Overlapped) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        if flags & !TF_REUSE_SOCKET != 0 {
            return Err(WsaError::WSAEINVAL);
        }
        if cell.props.ty != SOCK_STREAM || cell.lock().conn != Conn::Connected {
            return Err(WsaError::WSAENOTCONN);
        }
        let weak = Arc::downgrade(&cell);
        let reuse = flags & TF_REUSE_SOCKET != 0;
        let work: Work = Box::new(move |_| disconnect_now(&weak, reuse));
        self.issue(&cell, Dir::Send, Buffers::None, ov, work)
    }

    /// `TransmitPackets` with memory elements: `packets` are sent in order as one
    /// operation (completing with the total), then `TF_DISCONNECT` shuts the sending
    /// direction and `TF_REUSE_SOCKET` (only with `TF_DISCONNECT`) releases the socket for
    /// reuse. File elements are the provider's to refuse (`WSAEOPNOTSUPP`).
    pub fn transmit_packets(
        &self,
        s: SOCKET,
        packets: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        if flags & !(TF_DISCONNECT | TF_REUSE_SOCKET) != 0
            || (flags & TF_REUSE_SOCKET != 0 && flags & TF_DISCONNECT == 0)
        {
            return Err(WsaError::WSAEINVAL);
        }
        if cell.props.ty != SOCK_STREAM || cell.lock().conn != Conn::Connected {
            return Err(WsaError::WSAENOTCONN);
        }
        let weak = Arc::downgrade(&cell);
        let mut send = send_all(&cell);
        let work: Work = Box::new(move |op: &OpShared| match send(op) {
            Attempt::Done(r) if r.error.is_none() && flags & TF_DISCONNECT != 0 => {
                match disconnect_now(&weak, flags & TF_REUSE_SOCKET != 0) {
                    Attempt::Done(d) if d.error.is_some() => Attempt::Done(d),
                    _ => Attempt::Done(r),
                }
            }
            other => other,
        });
        self.issue(&cell, Dir::Send, Buffers::Send(packets), ov, work)
    }

    /// `WSARecvMsg`: an overlapped receive-from on a datagram socket. Control data
    /// (`IP_PKTINFO`...) is not built, so the control buffer comes back empty. Stream
    /// sockets: `WSAEOPNOTSUPP` (WSARecvMsg page: datagram and raw sockets only).
    pub fn recv_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        if cell.props.ty == SOCK_STREAM {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        self.recv_ov(s, bufs, flags, true, ov)
    }

    /// `WSASendMsg`: an overlapped send(-to), on stream and datagram sockets.
    pub fn send_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.send_ov(s, bufs, flags, to, ov)
    }
}

/// Shut the sending direction now; mark for reuse if asked.
fn disconnect_now<N: Net>(weak: &Weak<SocketCell<N>>, reuse: bool) -> Attempt {
    let Some(c) = weak.upgrade() else {
        return Attempt::Done(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
    };
    match c.net.shutdown(c.host, SD_SEND) {
        Ok(()) | Err(WsaError::WSAENOTCONN) => {}
        Err(e) => return Attempt::Done(OpResult::err(e)),
    }
    let mut st = c.lock();
    st.shut_wr = true;
    if reuse {
        st.ov.reusable = true;
    }
    Attempt::Done(OpResult::ok(0, 0))
}

/// A stream send of the op's whole send buffers, resumable across would-blocks.
fn send_all<N: Net>(cell: &Arc<SocketCell<N>>) -> impl FnMut(&OpShared) -> Attempt + Send {
    let net = cell.net.clone();
    let host = cell.host;
    let mut sent = 0usize;
    move |op: &OpShared| {
        let st = op.lock();
        let Buffers::Send(b) = &st.buffers else {
            return Attempt::Done(OpResult::ok(0, 0));
        };
        let slices = b.slices();
        let total: usize = slices.iter().map(|s| s.len()).sum();
        while sent < total {
            let rest = super::skip(&slices, sent);
            match net.send(host, &rest, None, IoFlags::default()) {
                Ok(0) => break,
                Ok(n) => sent += n,
                Err(WsaError::WSAEWOULDBLOCK) => return Attempt::WouldBlock,
                Err(e) => return Attempt::Done(OpResult::err(e)),
            }
        }
        Attempt::Done(OpResult::ok(sent, 0))
    }
}

/// Write `[i32 length][address]` at byte `at` of the flat view of `slices`.
fn write_slot(slices: &mut [&mut [u8]], at: usize, a: &SockAddr) {
    let mut bytes = (a.len() as i32).to_le_bytes().to_vec();
    bytes.extend_from_slice(a.as_bytes());
    let mut pos = 0usize;
    let mut src = &bytes[..];
    for s in slices.iter_mut() {
        let (start, end) = (pos, pos + s.len());
        pos = end;
        if src.is_empty() {
            break;
        }
        if at + (bytes.len() - src.len()) >= end {
            continue;
        }
        let off = at + (bytes.len() - src.len()) - start;
        let n = (s.len() - off).min(src.len());
        s[off..off + n].copy_from_slice(&src[..n]);
        src = &src[n..];
    }
}
