//! The mswsock extension functions `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out:
//! AcceptEx, GetAcceptExSockaddrs, ConnectEx, DisconnectEx, TransmitPackets, WSARecvMsg,
//! WSASendMsg. Each is an overlapped operation on the engine's one path
//! ([`Engine::issue`]); see [`crate::overlapped::ExtensionFn`] for how the C provider
//! maps them to function pointers.

use super::overlapped::{Attempt, Dir, Op, Work};
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
        self.install(s, self.new_cell(s, host, props, st))
    }

    fn new_cell(
        &self,
        s: SOCKET,
        host: HostSocket,
        props: Props,
        st: SockState,
    ) -> Arc<SocketCell<N>> {
        let net = self.inner.net.clone();
        let upcalls = self.inner.ov.upcalls.clone();
        Arc::new(SocketCell::new(net, s, host, props, st, upcalls))
    }

    /// Put `cell` at the existing handle `s` and register its host socket. The completion
    /// port association belongs to the handle and carries over. If `s` was closed
    /// meanwhile, `cell` is dropped (closing its host socket): `WSAENOTSOCK`.
    fn install(&self, s: SOCKET, cell: Arc<SocketCell<N>>) -> WspResult<()> {
        let host = cell.host;
        let port = self.cell(s).ok().and_then(|o| o.lock().ov.port.clone());
        if port.is_some() {
            cell.lock().ov.port = port;
        }
        let old = self.table_write().replace(s, cell);
        let Some(old) = old else {
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
    /// wait for the first block of data if `receive_len > 0`, and write the data at the
    /// front of `buf` and the local and remote addresses after it, at `receive_len` and
    /// `receive_len + local_len` (read them back with
    /// [`crate::overlapped::get_accept_ex_sockaddrs`]). Completes with the bytes received.
    ///
    /// Rules (AcceptEx page,
    /// <https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nf-mswsock-acceptex>):
    /// `listen` must be listening (`WSAEINVAL`); `accept` must be a stream socket neither
    /// bound nor connected (`WSAEINVAL`), unless it was released by DisconnectEx with
    /// `TF_REUSE_SOCKET`; each address room must be at least the address length plus 16
    /// (`WSAEFAULT`, inferred) and `buf` must hold them all (`WSAEFAULT`). A second AcceptEx
    /// naming an accept socket that one is already pending for is `WSAEINVAL` (Wine's
    /// test_AcceptEx, "AcceptEx on already pending socket", observed on Windows).
    ///
    /// # Stages
    /// 1. On the listener's receive queue: take a connection (the engine's backlog first,
    ///    then the host's). The connection is attached to `accept` at once (connected,
    ///    `SO_CONNECT_TIME` counting from now) and the addresses are written.
    /// 2. With `receive_len > 0`, the operation moves to the accepted socket's receive
    ///    queue, driven by that socket's readiness, and completes with the first data
    ///    block (at most `receive_len` bytes), or with 0 bytes if the peer closed first
    ///    (Wine's test_AcceptEx, "Disconnect during receive": success, 0 bytes), or with
    ///    the connection's error.
    ///
    /// Closing either socket, or cancelling the request on `listen`, completes it with
    /// `WSA_OPERATION_ABORTED`; cancelling on `accept` does not (Wine's test_AcceptEx).
    /// A connection taken from the host by an AcceptEx that was aborted meanwhile goes
    /// back to the front of the listener's backlog for the next accept.
    ///
    /// As on Windows the accepted socket does not take the listener's properties until
    /// `SO_UPDATE_ACCEPT_CONTEXT` is set on it (see `update_accept_context`).
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
            if st.ov.accept_ex.as_ref().is_some_and(|o| !o.is_done()) {
                return Err(WsaError::WSAEINVAL);
            }
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
        let aweak = Arc::downgrade(&acell);
        let layout = AcceptLayout {
            accept,
            props: acell.props,
            receive_len,
            local_len,
        };
        let work: Work = Box::new(move |_op: &OpShared| {
            let (Some(inner), Some(l)) = (weak.upgrade(), lweak.upgrade()) else {
                return Attempt::Done(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
            };
            // The accept socket was closed (its close aborted this request already).
            if aweak.upgrade().is_none_or(|a| a.lock().closed) {
                return Attempt::Done(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
            }
            let queued = l.lock().backlog.pop_front();
            let conn = match queued {
                Some(c) => c,
                None => match inner.net.accept(l.host) {
                    Ok(c) => c,
                    Err(WsaError::WSAEWOULDBLOCK) => return Attempt::WouldBlock,
                    Err(e) => return Attempt::Done(OpResult::err(e)),
                },
            };
            let (aweak, layout) = (aweak.clone(), layout);
            Attempt::Handoff(Box::new(move |op| {
                Engine { inner }.accept_ex_attach(op, &l, &aweak, conn, layout);
            }))
        });
        let r = self.issue_with(&lcell, Dir::Recv, Buffers::Recv(buf), ov, work, |op| {
            let mut st = acell.lock();
            if !st.closed {
                st.ov.accept_ex = Some(op.clone());
            }
        });
        // AcceptEx is an accept: FD_ACCEPT is re-enabled.
        lcell.reenable(FD_ACCEPT);
        r
    }

    /// AcceptEx, end of stage 1: attach the connection to the accept socket; complete, or
    /// move on to waiting for the first data block there.
    fn accept_ex_attach(
        &self,
        op: Arc<Op>,
        l: &Arc<SocketCell<N>>,
        aweak: &Weak<SocketCell<N>>,
        (host, peer): (HostSocket, SocketAddr),
        layout: AcceptLayout,
    ) {
        let AcceptLayout {
            accept,
            props,
            receive_len,
            local_len,
        } = layout;
        // Still wanted? A close of the accept socket or a cancel may have come while the
        // connection was being taken; then it goes back for the next accept.
        let wanted = !op.is_done()
            && !op.cancel_requested()
            && aweak.upgrade().is_some_and(|a| {
                let mut st = a.lock();
                if st.closed {
                    return false;
                }
                if st
                    .ov
                    .accept_ex
                    .as_ref()
                    .is_some_and(|o| Arc::ptr_eq(o, &op))
                {
                    st.ov.accept_ex = None;
                }
                true
            });
        if !wanted {
            l.lock().backlog.push_front((host, peer));
            l.evaluate();
            op.complete(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
            return;
        }
        {
            let mut ost = op.shared.lock();
            if let Buffers::Recv(b) = &mut ost.buffers {
                let mut slices = b.slices();
                if let Ok(a) = self.inner.net.local_addr(host) {
                    write_slot(&mut slices, receive_len, &SockAddr::from_std(a));
                }
                write_slot(
                    &mut slices,
                    receive_len + local_len,
                    &SockAddr::from_std(peer),
                );
            }
        }
        let mut st = SockState {
            bound: true,
            conn: Conn::Connected,
            ..SockState::default()
        };
        // SO_CONNECT_TIME counts from the connection's arrival, also while the AcceptEx
        // still waits for data (sol-socket-socket-options page: "the number of seconds a
        // socket has been connected"; servers use it to drop AcceptEx sockets that
        // connected and never sent).
        st.mark_connected(self.inner.net.now());
        let cell = self.new_cell(accept, host, props, st);
        if receive_len > 0 {
            op.set_work(first_block_work(&cell, receive_len));
            cell.lock().ov.push(Dir::Recv, op.clone());
            l.lock().ov.note_moved(op.clone());
        }
        if self.install(accept, cell.clone()).is_err() {
            // The accept socket closed between the check and the swap.
            op.complete(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
            return;
        }
        if receive_len == 0 {
            op.complete(OpResult::ok(0, 0));
        } else {
            cell.drive(Dir::Recv);
        }
    }

    /// `SO_UPDATE_ACCEPT_CONTEXT` on `cell` (an AcceptEx socket) with `listener` as the
    /// value: the socket takes the listener's properties the way `accept` gives them
    /// (AcceptEx page: "sAcceptSocket does not inherit the properties of the socket
    /// associated with sListenSocket parameter until SO_UPDATE_ACCEPT_CONTEXT is set on
    /// the socket"): the engine-held options, blocking mode, timeouts and the event
    /// selection (WSPAccept page: the new socket "has the same properties as s, including
    /// the asynchronous events registered"), after which network events are evaluated as
    /// for a freshly accepted socket.
    pub(crate) fn update_accept_context(
        &self,
        cell: &SocketCell<N>,
        listener: &SocketCell<N>,
    ) -> WspResult<()> {
        if std::ptr::eq(cell, listener) {
            return Err(WsaError::WSAEINVAL);
        }
        let (nonblocking, rcvtimeo, sndtimeo, notify, opts) = {
            let l = listener.lock();
            if !l.listening {
                return Err(WsaError::WSAEINVAL);
            }
            (
                l.nonblocking,
                l.rcvtimeo_ms,
                l.sndtimeo_ms,
                l.notify.clone(),
                l.opts.clone(),
            )
        };
        {
            let mut st = cell.lock();
            if st.conn != Conn::Connected || st.listening {
                return Err(WsaError::WSAENOTCONN);
            }
            // As `accept_inner`: inherited options, per-connection state kept.
            let mut opts = opts;
            opts.so_error = 0;
            opts.conditional_accept = false;
            opts.connect_error_read = false;
            opts.connected_at = st.opts.connected_at;
            st.opts = opts;
            st.nonblocking = nonblocking;
            st.rcvtimeo_ms = rcvtimeo;
            st.sndtimeo_ms = sndtimeo;
            let mut notify = notify;
            notify.enabled = FD_ALL_EVENTS;
            notify.recorded = 0;
            notify.errors = [0; FD_MAX_EVENTS];
            notify.write_armed = true;
            st.notify = notify;
        }
        cell.evaluate();
        cell.wake();
        Ok(())
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
            // The connection attempt itself failed: on Windows the request has started by
            // then (the SYN is out) and reports this through its completion (ConnectEx
            // page; Wine's test_ConnectEx: ERROR_CONNECTION_REFUSED from
            // GetOverlappedResult). The host may know at once; the work below then
            // completes the request after the call returns (see `in_call`).
            Err(
                e @ (WsaError::WSAECONNREFUSED
                | WsaError::WSAENETUNREACH
                | WsaError::WSAEHOSTUNREACH
                | WsaError::WSAETIMEDOUT),
            ) => {
                cell.lock().conn = Conn::Failed(e);
                cell.evaluate();
            }
            Err(e) => {
                cell.lock().conn = Conn::Failed(e);
                cell.evaluate();
                return Err(e);
            }
        }
        let weak = Arc::downgrade(&cell);
        let mut send = data.as_ref().map(|_| send_all(&cell));
        // True during the issuing call: a failed connection is then left pending, so
        // that it is reported by the completion, not by the call.
        let in_call = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let in_work = in_call.clone();
        let work: Work = Box::new(move |op: &OpShared| {
            let Some(c) = weak.upgrade() else {
                return Attempt::Done(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
            };
            let conn = c.lock().conn;
            match conn {
                Conn::Connecting | Conn::Idle => Attempt::WouldBlock,
                Conn::Failed(_) if in_work.load(std::sync::atomic::Ordering::Acquire) => {
                    Attempt::WouldBlock
                }
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
        let r = self.issue(&cell, Dir::Send, buffers, ov, work);
        in_call.store(false, std::sync::atomic::Ordering::Release);
        if matches!(&r, Ok(i) if i.immediate.is_none())
            && matches!(cell.lock().conn, Conn::Failed(_))
        {
            cell.drive(Dir::Send);
        }
        r
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

    /// `WSARecvMsg`: an overlapped receive-from on a datagram socket. With `IP_PKTINFO`
    /// / `IPV6_PKTINFO` set, each datagram's control data carries an `IN_PKTINFO`
    /// (IPv4 socket) or `IN6_PKTINFO` (IPv6 socket; IPv4 destinations as
    /// `::ffff:a.b.c.d`) in Windows' encoding ([`pktinfo_cmsg`]), through
    /// [`RecvBufs::set_control`]; a control buffer too small for it gets none and
    /// `MSG_CTRUNC` in the result flags (WSARecvMsg page). Stream sockets:
    /// `WSAEOPNOTSUPP` (WSARecvMsg page: datagram and raw sockets only).
    /// A truncated datagram completes with `WSAEMSGSIZE` and `MSG_TRUNC` in the result
    /// flags, which become `lpMsg->dwFlags` (WSAMSG page: MSG_TRUNC on output, "the
    /// datagram was truncated"), where WSARecv/WSARecvFrom report `MSG_PARTIAL`.
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
        if cell.props.flags & WSA_FLAG_OVERLAPPED == 0 {
            return self.recv_ov(s, bufs, flags, true, ov);
        }
        let r = Self::recv_checks(&cell, &cell.lock(), flags);
        // As recv_ov: any recv-family call re-enables FD_READ and FD_OOB.
        cell.reenable(FD_READ | FD_OOB);
        r?;
        let mut recv = super::overlapped::recv_work(&cell, flags);
        let work: Work = Box::new(move |op: &OpShared| match recv(op) {
            Attempt::Done(mut r) if r.flags & MSG_PARTIAL != 0 => {
                r.flags = (r.flags & !MSG_PARTIAL) | MSG_TRUNC;
                Attempt::Done(r)
            }
            other => other,
        });
        let r = self.issue(&cell, Dir::Recv, Buffers::Recv(bufs), ov, work);
        cell.reenable(FD_READ | FD_OOB);
        r
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

/// Where AcceptEx puts things, and what it fills.
#[derive(Clone, Copy)]
struct AcceptLayout {
    accept: SOCKET,
    props: Props,
    receive_len: usize,
    local_len: usize,
}

/// AcceptEx stage 2: one receive of at most `len` bytes into the front of the output
/// buffer, on the accepted socket. End of stream completes with 0 bytes.
fn first_block_work<N: Net>(cell: &Arc<SocketCell<N>>, len: usize) -> Work {
    let net = cell.net.clone();
    let host = cell.host;
    let weak = Arc::downgrade(cell);
    Box::new(move |op: &OpShared| {
        let mut st = op.lock();
        let Buffers::Recv(b) = &mut st.buffers else {
            return Attempt::Done(OpResult::err(WsaError::WSAEFAULT));
        };
        let mut slices = b.slices();
        let mut front = take_mut(&mut slices, len);
        match net.recv(host, &mut front, IoFlags::default()) {
            Ok(r) => Attempt::Done(OpResult::ok(r.bytes, 0)),
            Err(WsaError::WSAEWOULDBLOCK) => Attempt::WouldBlock,
            Err(e) => {
                if e == WsaError::WSAECONNRESET || e == WsaError::WSAECONNABORTED {
                    if let Some(c) = weak.upgrade() {
                        c.lock().reset = true;
                    }
                }
                Attempt::Done(OpResult::err(e))
            }
        }
    })
}

/// The first `n` bytes of `slices`.
fn take_mut<'a>(slices: &'a mut [&mut [u8]], mut n: usize) -> Vec<&'a mut [u8]> {
    let mut out = Vec::new();
    for s in slices.iter_mut() {
        if n == 0 {
            break;
        }
        let k = s.len().min(n);
        out.push(&mut s[..k]);
        n -= k;
    }
    out
}

/// Shut the sending direction now; mark for reuse if asked.
pub(super) fn disconnect_now<N: Net>(weak: &Weak<SocketCell<N>>, reuse: bool) -> Attempt {
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

/// A datagram's packet information as Windows' control data: one `WSACMSGHDR`
/// (`SIZE_T cmsg_len; INT cmsg_level; INT cmsg_type`, 16 bytes on x64) followed by an
/// `IN_PKTINFO` (`IPPROTO_IP`/`IP_PKTINFO`: address, `ULONG` interface index) on an
/// `AF_INET` socket or an `IN6_PKTINFO` (`IPPROTO_IPV6`/`IPV6_PKTINFO`) on an `AF_INET6`
/// one, padded to `WSA_CMSG_SPACE` (8-byte alignment). Source: the IN_PKTINFO,
/// IN6_PKTINFO and WSACMSGHDR pages and ws2def.h's WSA_CMSG_* macros.
pub fn pktinfo_cmsg(af: i32, info: &crate::net::PktInfo) -> Vec<u8> {
    use std::net::IpAddr;
    let (level, data): (i32, Vec<u8>) = if af == AF_INET6 {
        let a = match info.dest {
            IpAddr::V6(a) => a,
            IpAddr::V4(a) => a.to_ipv6_mapped(),
        };
        let mut d = a.octets().to_vec();
        d.extend_from_slice(&info.ifindex.to_le_bytes());
        (IPPROTO_IPV6, d)
    } else {
        let a = match info.dest {
            IpAddr::V4(a) => a,
            IpAddr::V6(a) => a
                .to_ipv4_mapped()
                .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED),
        };
        let mut d = a.octets().to_vec();
        d.extend_from_slice(&info.ifindex.to_le_bytes());
        (IPPROTO_IP, d)
    };
    const HDR: usize = 16;
    let space = HDR + data.len().div_ceil(8) * 8;
    let mut out = vec![0u8; space];
    out[..8].copy_from_slice(&((HDR + data.len()) as u64).to_le_bytes());
    out[8..12].copy_from_slice(&level.to_le_bytes());
    // IP_PKTINFO and IPV6_PKTINFO are both 19.
    out[12..16].copy_from_slice(&IP_PKTINFO.to_le_bytes());
    out[HDR..HDR + data.len()].copy_from_slice(&data);
    out
}
