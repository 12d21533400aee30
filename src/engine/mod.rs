//! The engine: Winsock semantics over a [`Net`].
//!
//! All of Winsock's rules live here and nowhere else: the handle table, socket states,
//! blocking and non-blocking behaviour, argument validation with Windows' error codes,
//! and the translation between Winsock values and the backend's. The engine does no I/O
//! and reads no clock of its own.
//!
//! # Blocking calls
//! Sockets are blocking by default. A blocking call tries the non-blocking host operation
//! and, when it would block, parks in [`Net::block_until`] on the socket's gate until the
//! backend reports readiness, the socket is closed (the call returns `WSAEINTR`, as a
//! blocking call interrupted by `closesocket` does on Windows), or `SO_RCVTIMEO`/
//! `SO_SNDTIMEO` expires (`WSAETIMEDOUT`). No call sleeps inside a blocking syscall, so a
//! close from another thread always wakes it.

mod backlog;
mod conditional;
mod duplicate;
mod extensions;
pub mod framed;
pub mod handles;
mod ioctl;
pub mod multipoint;
mod notify;
mod options;
mod overlapped;
mod select;
mod socket;
pub mod transmit_file;

use crate::addr::SockAddr;
use crate::addr_text;
use crate::catalog;
use crate::error::WsaError;
use crate::net::{HostFamily, HostKind, HostOpt, IoFlags, Net, Readiness, ReadinessSink};
use crate::overlapped::{Issued, OpResult, Overlapped, RecvBufs, SendBufs};
use crate::sync::{Event, Hwnd};
use crate::types::*;
use crate::wsp::{ConditionFn, FdSet, OutBuf, Wsp, WspResult};
use handles::HandleTable;
use socket::{Conn, Props, SockState, SocketCell};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Highest SPI version this provider supports (2.2).
pub const HIGHEST_VERSION: u16 = make_word(2, 2);
/// What `WSPStartup` writes into `WSPDATA::szDescription`.
pub const DESCRIPTION: &str = "wsp Winsock 2 service provider";

/// Windows' default unicast TTL and hop limit.
const WINDOWS_DEFAULT_TTL: u32 = 128;

/// Backlog `WSPListen` uses for `SOMAXCONN`.
const SOMAXCONN_BACKLOG: i32 = 4096;
/// Largest plain backlog Windows honours (larger values are cut to this).
const MAX_PLAIN_BACKLOG: i32 = 200;

const RECV_FLAGS: u32 = MSG_PEEK | MSG_OOB | MSG_WAITALL | MSG_PUSH_IMMEDIATE | MSG_PARTIAL;
const SEND_FLAGS: u32 = MSG_OOB | MSG_DONTROUTE | MSG_PARTIAL;
const READ_WANT: Readiness = Readiness(
    Readiness::READABLE.0 | Readiness::READ_CLOSED.0 | Readiness::ERROR.0 | Readiness::PRIORITY.0,
);
const WRITE_WANT: Readiness =
    Readiness(Readiness::WRITABLE.0 | Readiness::WRITE_CLOSED.0 | Readiness::ERROR.0);

/// The Winsock engine over the network `N`. Cheap to clone (shared state).
pub struct Engine<N: Net> {
    inner: Arc<Inner<N>>,
}

impl<N: Net> Clone for Engine<N> {
    fn clone(&self) -> Self {
        Engine {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<N: Net> {
    net: Arc<N>,
    sockets: RwLock<HandleTable<Arc<SocketCell<N>>>>,
    /// `WSPStartup` calls not yet matched by `WSPCleanup`.
    users: AtomicU32,
    /// Serialises startup/cleanup transitions.
    lifecycle: Mutex<()>,
    catalog: Vec<WSAPROTOCOL_INFOW>,
    /// Duplicated sockets: unused infos and shared host sockets (duplicate.rs).
    dup: duplicate::Registry,
    /// Overlapped I/O's engine-wide state.
    ov: overlapped::EngineOv,
    /// Sockets closed gracefully while their send backlog held data, by readiness token:
    /// they live on until it is flushed (or the connection fails), then close, as Windows
    /// sends what it buffered after a graceful `closesocket` (backlog.rs).
    lingering: Mutex<HashMap<u64, Arc<SocketCell<N>>>>,
}

impl<N: Net> ReadinessSink for Inner<N> {
    fn ready(&self, token: u64, r: Readiness) {
        // A host socket shared by duplicated descriptors reports to all of them.
        if let Some(members) = self.dup.route(token) {
            for h in members {
                let cell = self
                    .sockets
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(h)
                    .cloned();
                if let Some(cell) = cell {
                    cell.on_ready(r);
                }
            }
            return;
        }
        let cell = self
            .sockets
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(token as SOCKET)
            .cloned();
        if let Some(cell) = cell {
            cell.on_ready(r);
            // The socket may have been closed meanwhile, with this report's flush
            // emptying its backlog (backlog.rs).
            self.forget_flushed(token, &cell);
            return;
        }
        // A closed socket still flushing its send backlog.
        let cell = self.lingering().get(&token).cloned();
        if let Some(cell) = cell {
            cell.on_ready(r);
            self.forget_flushed(token, &cell);
        }
    }
}

impl<N: Net> Inner<N> {
    fn lingering(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<SocketCell<N>>>> {
        self.lingering.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<N: Net> Engine<N> {
    /// An engine over `net`. Call [`Wsp::startup`] before anything else.
    pub fn new(net: N) -> Self {
        let inner = Arc::new(Inner {
            net: Arc::new(net),
            sockets: RwLock::new(HandleTable::new()),
            users: AtomicU32::new(0),
            lifecycle: Mutex::new(()),
            catalog: catalog::entries(),
            dup: Default::default(),
            ov: Default::default(),
            lingering: Mutex::new(HashMap::new()),
        });
        let weak: std::sync::Weak<Inner<N>> = Arc::downgrade(&inner);
        let sink: std::sync::Weak<dyn ReadinessSink> = weak;
        inner.net.attach(sink);
        Engine { inner }
    }

    /// The backend this engine runs on.
    pub fn net(&self) -> &N {
        &self.inner.net
    }

    /// The protocol catalog this engine offers.
    pub fn catalog(&self) -> &[WSAPROTOCOL_INFOW] {
        &self.inner.catalog
    }

    /// Number of open sockets.
    pub fn socket_count(&self) -> usize {
        self.table_read().len()
    }

    fn table_read(&self) -> std::sync::RwLockReadGuard<'_, HandleTable<Arc<SocketCell<N>>>> {
        self.inner.sockets.read().unwrap_or_else(|p| p.into_inner())
    }

    fn table_write(&self) -> std::sync::RwLockWriteGuard<'_, HandleTable<Arc<SocketCell<N>>>> {
        self.inner
            .sockets
            .write()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn started(&self) -> WspResult<()> {
        if self.inner.users.load(Ordering::Acquire) == 0 {
            Err(WsaError::WSANOTINITIALISED)
        } else {
            Ok(())
        }
    }

    /// Startup check plus handle lookup: `WSAENOTSOCK` for anything not a live socket.
    fn cell(&self, s: SOCKET) -> WspResult<Arc<SocketCell<N>>> {
        self.started()?;
        self.table_read()
            .get(s)
            .cloned()
            .ok_or(WsaError::WSAENOTSOCK)
    }

    /// Add a host socket to the table and register it for readiness.
    fn adopt(
        &self,
        host: crate::net::HostSocket,
        props: Props,
        st: SockState,
    ) -> WspResult<SOCKET> {
        let net = self.inner.net.clone();
        let upcalls = self.inner.ov.upcalls.clone();
        let handle = self
            .table_write()
            .insert_with(|h| Arc::new(SocketCell::new(net, h, host, props, st, upcalls.clone())));
        let Some(handle) = handle else {
            self.inner.net.close(host);
            return Err(WsaError::WSAEMFILE);
        };
        if let Err(e) = self.inner.net.register(host, handle as u64) {
            // Dropping the cell closes the host socket.
            self.table_write().remove(handle);
            return Err(e);
        }
        Ok(handle)
    }

    /// Park until `want` readiness, a close, or the timeout.
    fn wait_ready(
        &self,
        cell: &SocketCell<N>,
        seen: u64,
        want: Readiness,
        timeout_ms: u32,
    ) -> WspResult<()> {
        self.wait_ready_on(cell, seen, want, timeout_ms, false)
    }

    /// [`Engine::wait_ready`] for a blocking send, receive or accept on the host socket
    /// itself: also woken by the host directly when the socket is ready for `want`
    /// ([`Net::block_on_socket`]), without a hop through the backend's readiness reports.
    /// Not for the framed protocol, whose input the reports drive.
    fn wait_host(
        &self,
        cell: &SocketCell<N>,
        seen: u64,
        want: Readiness,
        timeout_ms: u32,
    ) -> WspResult<()> {
        self.wait_ready_on(cell, seen, want, timeout_ms, true)
    }

    fn wait_ready_on(
        &self,
        cell: &SocketCell<N>,
        seen: u64,
        want: Readiness,
        timeout_ms: u32,
        direct: bool,
    ) -> WspResult<()> {
        cell.consume(seen, want);
        let deadline = (timeout_ms != 0)
            .then(|| self.inner.net.now() + Duration::from_millis(timeout_ms.into()));
        let mut closed = false;
        // Registered so that WSPCancelBlockingCall can end the wait (see ioctl.rs).
        let me = std::thread::current().id();
        cell.lock().blocked.push(socket::Blocked {
            thread: me,
            cancelled: false,
        });
        let mut cond = || {
            let st = cell.lock();
            if st.closed || st.cancelled(me) {
                closed = true;
                return true;
            }
            st.ready.intersects(want)
        };
        let done = if direct {
            let host_want = if want.intersects(Readiness::WRITABLE) {
                Readiness::WRITABLE
            } else {
                Readiness::READABLE
            };
            self.inner
                .net
                .block_on_socket(cell.host, host_want, &cell.gate, deadline, &mut cond)
        } else {
            self.inner.net.block_until(&cell.gate, deadline, &mut cond)
        };
        {
            let mut st = cell.lock();
            // Woken by the host rather than by `cond`: a close or cancel may have come too.
            if st.closed || st.cancelled(me) {
                closed = true;
            }
            ioctl::remove_blocked(&mut st.blocked, me);
        }
        if closed {
            Err(WsaError::WSAEINTR)
        } else if !done {
            Err(WsaError::WSAETIMEDOUT)
        } else {
            Ok(())
        }
    }

    fn family(af: i32) -> HostFamily {
        if af == AF_INET6 {
            HostFamily::V6
        } else {
            HostFamily::V4
        }
    }

    fn addr_len(af: i32) -> usize {
        if af == AF_INET6 {
            crate::addr::SOCKADDR_IN6_LEN
        } else {
            crate::addr::SOCKADDR_IN_LEN
        }
    }

    /// A host error from a send or receive, as Windows reports it: on a datagram socket an
    /// ICMP port-unreachable is `WSAECONNRESET` (`SIO_UDP_CONNRESET` is on by default); on
    /// a stream a reset is remembered so later calls keep reporting it.
    fn data_error(cell: &SocketCell<N>, e: WsaError) -> WsaError {
        if cell.props.ty != SOCK_STREAM {
            if e == WsaError::WSAECONNREFUSED {
                WsaError::WSAECONNRESET
            } else {
                e
            }
        } else {
            Self::note_error(cell, e)
        }
    }

    /// Record a reset seen by a data call, so later calls keep reporting it.
    fn note_error(cell: &SocketCell<N>, e: WsaError) -> WsaError {
        if e == WsaError::WSAECONNRESET || e == WsaError::WSAECONNABORTED {
            cell.lock().reset = true;
        }
        e
    }

    fn recv_common(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        let cell = self.cell(s)?;
        let r = self.recv_inner(&cell, bufs, flags, from);
        // Any recv-family call, even a failing one, re-enables FD_READ and FD_OOB.
        cell.reenable(FD_READ | FD_OOB);
        r
    }

    fn recv_inner(
        &self,
        cell: &Arc<SocketCell<N>>,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        let f = *flags;
        let stream = cell.props.ty == SOCK_STREAM;
        // One lock for the checks and everything the first attempt reads.
        let (timeout, framing, first_seen) = {
            let st = cell.lock();
            Self::recv_checks(cell, &st, f)?;
            // recv: MSG_WAITALL is for blocking stream sockets only.
            if f & MSG_WAITALL != 0 && st.nonblocking {
                return Err(WsaError::WSAEOPNOTSUPP);
            }
            let timeout = if st.nonblocking {
                None
            } else {
                Some(st.rcvtimeo_ms)
            };
            (timeout, framed::of(&st), st.seq)
        };
        if let Some(a) = &from {
            if a.len() < Self::addr_len(cell.props.af) {
                return Err(WsaError::WSAEFAULT);
            }
        }
        if let Some(fr) = framing {
            *flags = 0;
            return self.framed_recv(cell, &fr, bufs, f, timeout);
        }
        let io = IoFlags {
            peek: f & MSG_PEEK != 0,
            oob: f & MSG_OOB != 0,
            dontroute: false,
        };
        let want_all = f & MSG_WAITALL != 0 && f & MSG_PEEK == 0;
        let capacity: usize = bufs.iter().map(|b| b.len()).sum();
        let mut total = 0usize;
        let mut from = from;
        *flags = 0;
        let mut first_seen = Some(first_seen);
        loop {
            let seen = first_seen.take().unwrap_or_else(|| cell.seq());
            // Only a MSG_WAITALL continuation needs the buffers re-sliced.
            let got = if total == 0 {
                self.inner.net.recv(cell.host, bufs, io)
            } else {
                self.inner
                    .net
                    .recv(cell.host, &mut skip_mut(bufs, total), io)
            };
            match got {
                Ok(r) => {
                    if let (Some(a), Some(src)) = (from.as_deref_mut(), r.from) {
                        // Capacity was checked above.
                        let _ = a.store(src);
                    }
                    if !stream {
                        return if r.truncated {
                            // Windows: the buffers hold the first bytes, the rest is lost
                            // (UDP has no MSG_PARTIAL), and the call fails WSAEMSGSIZE.
                            Err(WsaError::WSAEMSGSIZE)
                        } else {
                            Ok(r.bytes)
                        };
                    }
                    total += r.bytes;
                    if r.bytes > 0 && total < capacity && !io.peek {
                        // A short read drained the stream: readiness is reported again on
                        // the next arrival (the Net contract), so FD_READ's re-evaluation
                        // after this call needs no probe.
                        cell.consume(seen, Readiness::READABLE);
                    }
                    if r.bytes == 0 && total == 0 && capacity > 0 && cell.lock().reset {
                        // End-of-stream because the reactor took the host's pending reset
                        // (check_reset) just before this read: report the reset.
                        return Err(WsaError::WSAECONNRESET);
                    }
                    if !want_all || r.bytes == 0 || total >= capacity {
                        return Ok(total);
                    }
                }
                Err(WsaError::WSAEWOULDBLOCK) => match timeout {
                    None => {
                        cell.consume(seen, READ_WANT);
                        return Err(WsaError::WSAEWOULDBLOCK);
                    }
                    Some(ms) => {
                        if let Err(e) = self.wait_host(cell, seen, READ_WANT, ms) {
                            if total > 0 && e != WsaError::WSAEINTR {
                                return Ok(total);
                            }
                            return Err(e);
                        }
                    }
                },
                Err(WsaError::WSAECONNREFUSED) if !stream && !cell.lock().opts.udp_connreset => {
                    // SIO_UDP_CONNRESET turned off: the ICMP error is dropped (the host
                    // already cleared it) and the receive goes on.
                    continue;
                }
                Err(e) => return Err(Self::data_error(cell, e)),
            }
        }
    }

    fn send_common(
        &self,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        let cell = self.cell(s)?;
        let r = self.send_inner(&cell, bufs, flags, to);
        match r {
            // FD_WRITE is recorded again once space frees up after a send that would block.
            Err(WsaError::WSAEWOULDBLOCK) => cell.lock().notify.write_armed = true,
            // Where a short count cannot be avoided (backlog.rs: MSG_OOB, shared sockets,
            // the framed protocol, a timed-out blocking send), FD_WRITE is armed as by a
            // failure, so a program that waits for it before sending the rest never stalls.
            Ok(n) if cell.props.ty == SOCK_STREAM && n < bufs.iter().map(|b| b.len()).sum() => {
                cell.lock().notify.write_armed = true
            }
            _ => {}
        }
        cell.reenable(FD_WRITE);
        r
    }

    /// The checks every receive makes before touching the host, synchronous or
    /// overlapped: flags, connection or binding, shutdown.
    pub(crate) fn recv_checks(cell: &SocketCell<N>, st: &SockState, f: u32) -> WspResult<()> {
        if f & !RECV_FLAGS != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let stream = cell.props.ty == SOCK_STREAM;
        if stream {
            if st.conn != Conn::Connected {
                return Err(WsaError::WSAENOTCONN);
            }
            if st.reset {
                return Err(WsaError::WSAECONNRESET);
            }
        } else {
            if !st.bound {
                return Err(WsaError::WSAEINVAL);
            }
            if f & MSG_OOB != 0 {
                return Err(WsaError::WSAEOPNOTSUPP);
            }
        }
        if st.shut_rd {
            return Err(WsaError::WSAESHUTDOWN);
        }
        // MSG_WAITALL is for stream sockets.
        if f & MSG_WAITALL != 0 && !stream {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        Ok(())
    }

    /// The checks every send makes before touching the host, synchronous or overlapped:
    /// flags, shutdown, connection, destination and message size (`total` bytes).
    /// Returns the datagram destination, if the call has one.
    pub(crate) fn send_checks(
        &self,
        cell: &SocketCell<N>,
        st: &SockState,
        flags: u32,
        to: Option<&SockAddr>,
        total: usize,
    ) -> WspResult<Option<SocketAddr>> {
        if flags & !SEND_FLAGS != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        if st.shut_wr {
            return Err(WsaError::WSAESHUTDOWN);
        }
        if cell.props.ty == SOCK_STREAM {
            if st.conn != Conn::Connected {
                return Err(WsaError::WSAENOTCONN);
            }
            if st.reset {
                return Err(WsaError::WSAECONNRESET);
            }
            return Ok(None);
        }
        if flags & MSG_OOB != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let target = match to {
            Some(a) => {
                let addr = a.parse(cell.props.af)?;
                if addr.ip().is_unspecified() || addr.port() == 0 {
                    return Err(WsaError::WSAEADDRNOTAVAIL);
                }
                Some(addr)
            }
            None if st.conn == Conn::Connected => None,
            // A multicast session joined with WSPJoinLeaf sends to its group.
            None => match st.mcast.and_then(|m| m.default_target()) {
                Some(g) => Some(g),
                None => return Err(WsaError::WSAENOTCONN),
            },
        };
        let max = self.inner.catalog[cell.props.catalog_index].dwMessageSize;
        if total > max as usize {
            return Err(WsaError::WSAEMSGSIZE);
        }
        Ok(target)
    }

    fn send_inner(
        &self,
        cell: &Arc<SocketCell<N>>,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        let stream = cell.props.ty == SOCK_STREAM;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let io = IoFlags {
            peek: false,
            oob: flags & MSG_OOB != 0,
            dontroute: flags & MSG_DONTROUTE != 0,
        };
        // One lock for the checks and everything the send path reads.
        let (timeout, target, framing, path, seen) = {
            let mut st = cell.lock();
            let target = self.send_checks(cell, &st, flags, to, total)?;
            let framing = framed::of(&st);
            let timeout = if st.nonblocking {
                None
            } else {
                Some(st.sndtimeo_ms)
            };
            let path = if !stream || framing.is_some() {
                SendPath::Plain
            } else {
                // Overlapped sends still queued go first: for a non-blocking send the
                // send buffer is full until they are out.
                if timeout.is_none() && st.ov.send_pending() {
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                // A stream send holds the socket's send path (backlog.rs): taken here, or
                // (held by the flusher or another sender) waited for below.
                let wait = st.tx_busy;
                if !wait {
                    st.tx_busy = true;
                }
                SendPath::Stream {
                    wait,
                    backlog: st.tx.is_some(),
                    // The urgent byte must end the host send that carries it, and a host
                    // socket shared by duplicates has one stream for several handles.
                    keep_rest: !io.oob && st.dup.is_none(),
                }
            };
            (timeout, target, framing, path, st.seq)
        };
        if let Some(fr) = framing {
            return self.framed_send(cell, &fr, bufs, flags, timeout);
        }
        match path {
            SendPath::Stream {
                wait,
                mut backlog,
                keep_rest,
            } => {
                let mut seen = seen;
                if wait {
                    // A non-blocking send waits only for a holder inside one non-blocking
                    // host call (a select that reported the socket writable must not be
                    // followed by WSAEWOULDBLOCK for that); a blocking one also for another
                    // blocking send, up to SO_SNDTIMEO.
                    self.tx_acquire_wait(cell, timeout.unwrap_or(0))?;
                    let st = cell.lock();
                    backlog = st.tx.is_some();
                    seen = st.seq;
                }
                let r = match timeout {
                    // Non-blocking: all or WSAEWOULDBLOCK (backlog.rs).
                    None => self.send_buffered(cell, bufs, total, io, seen, backlog, keep_rest),
                    // Blocking: the backlog's bytes first, then every byte of this send.
                    Some(ms) => self.send_blocking_stream(cell, bufs, total, io, ms, seen, backlog),
                };
                cell.tx_release();
                r
            }
            SendPath::Plain => self.send_plain(cell, bufs, total, io, target, timeout, Some(seen)),
        }
    }

    /// A non-blocking stream send, with the send path held: the backlog first (a send
    /// while it holds data would block), then the host; what the host does not take now
    /// becomes the backlog and the whole count is returned (backlog.rs). With `keep_rest`
    /// false the host's count is returned as it is.
    #[allow(clippy::too_many_arguments)]
    fn send_buffered(
        &self,
        cell: &Arc<SocketCell<N>>,
        bufs: &[&[u8]],
        total: usize,
        io: IoFlags,
        mut seen: u64,
        backlog: bool,
        keep_rest: bool,
    ) -> WspResult<usize> {
        if backlog {
            match cell.flush_held() {
                backlog::Flush::Empty => seen = cell.seq(),
                backlog::Flush::Blocked(_) => return Err(WsaError::WSAEWOULDBLOCK),
                backlog::Flush::Failed(e) => return Err(e),
            }
        }
        match self.inner.net.send(cell.host, bufs, None, io) {
            Ok(n) if n >= total || !keep_rest => Ok(n),
            Ok(n) => {
                cell.lock().tx = Some(backlog::TxBacklog::rest_of(bufs, n));
                // The host is full: a first flush attempt finds it so (consuming the write
                // readiness), after which the next writable report is owed. A failure is
                // recorded and reported by the next call, as for data Windows buffered.
                let _ = cell.flush_held();
                Ok(total)
            }
            Err(WsaError::WSAEWOULDBLOCK) => {
                // Space must be reported again before FD_WRITE can be recorded.
                cell.consume(seen, WRITE_WANT);
                Err(WsaError::WSAEWOULDBLOCK)
            }
            Err(e) => Err(Self::data_error(cell, e)),
        }
    }

    /// Take the send path for a blocking send, waiting while another thread holds it.
    fn tx_acquire_wait(&self, cell: &SocketCell<N>, timeout_ms: u32) -> WspResult<()> {
        let deadline = (timeout_ms != 0)
            .then(|| self.inner.net.now() + Duration::from_millis(timeout_ms.into()));
        loop {
            {
                let mut st = cell.lock();
                if st.closed {
                    return Err(WsaError::WSAEINTR);
                }
                if !st.tx_busy {
                    st.tx_busy = true;
                    return Ok(());
                }
                st.tx_waiters += 1;
            }
            let done = self.inner.net.block_until(&cell.gate, deadline, &mut || {
                let st = cell.lock();
                !st.tx_busy || st.closed
            });
            cell.lock().tx_waiters -= 1;
            if !done {
                return Err(WsaError::WSAETIMEDOUT);
            }
        }
    }

    /// A blocking stream send, with the send path held: bytes an earlier non-blocking send
    /// left go first, then every byte of this one before it returns.
    #[allow(clippy::too_many_arguments)]
    fn send_blocking_stream(
        &self,
        cell: &Arc<SocketCell<N>>,
        bufs: &[&[u8]],
        total: usize,
        io: IoFlags,
        ms: u32,
        mut seen: u64,
        backlog: bool,
    ) -> WspResult<usize> {
        if backlog {
            loop {
                match cell.flush_held() {
                    backlog::Flush::Empty => break,
                    backlog::Flush::Blocked(at) => self.wait_host(cell, at, WRITE_WANT, ms)?,
                    backlog::Flush::Failed(e) => return Err(e),
                }
            }
            seen = cell.seq();
        }
        self.send_plain(cell, bufs, total, io, None, Some(ms), Some(seen))
    }

    /// The host send loop: one attempt when non-blocking (datagrams, framed-less short
    /// counts), every byte when blocking (`timeout` is `Some`).
    /// `first_seen`: the readiness sequence number already read for the first attempt.
    #[allow(clippy::too_many_arguments)]
    fn send_plain(
        &self,
        cell: &Arc<SocketCell<N>>,
        bufs: &[&[u8]],
        total: usize,
        io: IoFlags,
        target: Option<SocketAddr>,
        timeout: Option<u32>,
        mut first_seen: Option<u64>,
    ) -> WspResult<usize> {
        let stream = cell.props.ty == SOCK_STREAM;
        let mut sent = 0usize;
        loop {
            let seen = first_seen.take().unwrap_or_else(|| cell.seq());
            // Only a blocking send's continuation needs the buffers re-sliced.
            let put = if sent == 0 {
                self.inner.net.send(cell.host, bufs, target, io)
            } else {
                self.inner
                    .net
                    .send(cell.host, &skip(bufs, sent), target, io)
            };
            match put {
                Ok(n) => {
                    if !stream {
                        // A datagram socket is bound by its first send.
                        cell.lock().bound = true;
                        return Ok(n);
                    }
                    sent += n;
                    // A blocking stream send returns once every byte is buffered.
                    if timeout.is_none() || sent >= total {
                        return Ok(sent);
                    }
                }
                Err(WsaError::WSAEWOULDBLOCK) => match timeout {
                    None => {
                        // Space must be reported again before FD_WRITE can be recorded.
                        cell.consume(seen, WRITE_WANT);
                        return Err(WsaError::WSAEWOULDBLOCK);
                    }
                    Some(ms) => {
                        self.wait_host(cell, seen, WRITE_WANT, ms)?;
                    }
                },
                Err(e) => return Err(Self::data_error(cell, e)),
            }
        }
    }

    /// One accept: the engine's backlog first, then the host's; waits if blocking.
    fn accept_inner(
        &self,
        cell: &Arc<SocketCell<N>>,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
        timeout: Option<u32>,
    ) -> WspResult<SOCKET> {
        let (host, peer) = loop {
            if let Some(conn) = cell.lock().backlog.pop_front() {
                break conn;
            }
            let seen = cell.seq();
            match self.inner.net.accept(cell.host) {
                Ok(conn) => break conn,
                Err(WsaError::WSAEWOULDBLOCK) => match timeout {
                    None => {
                        cell.consume(seen, READ_WANT);
                        return Err(WsaError::WSAEWOULDBLOCK);
                    }
                    Some(ms) => self.wait_host(cell, seen, READ_WANT, ms)?,
                },
                Err(e) => return Err(e),
            }
        };
        // The condition function, connect data, CF_REJECT and CF_DEFER: conditional.rs.
        let admitted = self.admit(cell, host, peer, condition, timeout)?;
        // The accepted socket has the listener's properties, including its selection.
        let st = {
            let l = cell.lock();
            let mut notify = l.notify.clone();
            notify.enabled = FD_ALL_EVENTS;
            notify.recorded = 0;
            notify.errors = [0; FD_MAX_EVENTS];
            notify.write_armed = true;
            // Options the engine holds are inherited like the host's own; per-connection
            // state starts afresh.
            let mut opts = l.opts.clone();
            opts.so_error = 0;
            opts.conditional_accept = false;
            opts.connect_error_read = false;
            opts.connected_at = None;
            let mut st = SockState {
                nonblocking: l.nonblocking,
                bound: true,
                conn: Conn::Connected,
                rcvtimeo_ms: l.rcvtimeo_ms,
                sndtimeo_ms: l.sndtimeo_ms,
                notify,
                framed: admitted.framed,
                opts,
                ..SockState::default()
            };
            st.mark_connected(self.inner.net.now());
            st
        };
        let handle = self.adopt(host, cell.props, st)?;
        if let Some(a) = addr {
            // Capacity was checked by the caller.
            let _ = a.store(peer);
        }
        Ok(handle)
    }

    fn close_all(&self) {
        let cells = self.table_write().drain();
        for c in &cells {
            c.mark_closed();
        }
        // WSACleanup: open sockets are closed "as if closesocket was called"; send
        // backlogs flush in the background as after a graceful close.
        for c in &cells {
            self.inner.linger_backlog(c.clone());
        }
        // Dropping the cells closes their host sockets once no blocked call holds them.
        drop(cells);
    }
}

/// How a send reaches the host (`send_inner`).
#[derive(Clone, Copy)]
enum SendPath {
    /// Datagrams and the framed protocol: as the host (or the framing) takes it.
    Plain,
    /// A stream send, holding the send path: blocking, every byte after any backlog;
    /// non-blocking, all or `WSAEWOULDBLOCK` (backlog.rs).
    Stream {
        wait: bool,
        backlog: bool,
        keep_rest: bool,
    },
}

/// The buffers after the first `n` bytes.
fn skip<'a>(bufs: &[&'a [u8]], mut n: usize) -> Vec<&'a [u8]> {
    let mut out = Vec::with_capacity(bufs.len());
    for b in bufs {
        if n >= b.len() {
            n -= b.len();
        } else {
            out.push(&b[n..]);
            n = 0;
        }
    }
    out
}

/// Mutable buffers after the first `n` bytes.
fn skip_mut<'a>(bufs: &'a mut [&mut [u8]], mut n: usize) -> Vec<&'a mut [u8]> {
    let mut out = Vec::with_capacity(bufs.len());
    for b in bufs.iter_mut() {
        if n >= b.len() {
            n -= b.len();
        } else {
            out.push(&mut b[n..]);
            n = 0;
        }
    }
    out
}

fn is_unspecified(a: &SocketAddr) -> bool {
    a.ip().is_unspecified()
}

impl<N: Net> Wsp for Engine<N> {
    fn startup(&self, version_requested: u16) -> WspResult<WSPDATA> {
        let (major, minor) = (lo_byte(version_requested), hi_byte(version_requested));
        // WSPStartup: the SPI exists from 2.0 on; anything older is not supported.
        if major < 2 {
            return Err(WsaError::WSAVERNOTSUPPORTED);
        }
        let version = if (major, minor) > (2, 2) {
            HIGHEST_VERSION
        } else {
            version_requested
        };
        let _g = self
            .inner
            .lifecycle
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        self.inner.users.fetch_add(1, Ordering::AcqRel);
        let mut desc = [0u16; WSPDESCRIPTION_LEN + 1];
        for (d, c) in desc
            .iter_mut()
            .take(WSPDESCRIPTION_LEN)
            .zip(DESCRIPTION.encode_utf16())
        {
            *d = c;
        }
        Ok(WSPDATA {
            wVersion: version,
            wHighVersion: HIGHEST_VERSION,
            szDescription: desc,
        })
    }

    fn cleanup(&self) -> WspResult<()> {
        let _g = self
            .inner
            .lifecycle
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let users = self.inner.users.load(Ordering::Acquire);
        if users == 0 {
            return Err(WsaError::WSANOTINITIALISED);
        }
        self.inner.users.store(users - 1, Ordering::Release);
        if users == 1 {
            self.close_all();
        }
        Ok(())
    }

    fn socket(
        &self,
        af: i32,
        ty: i32,
        protocol: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        group: GROUP,
        flags: u32,
    ) -> WspResult<SOCKET> {
        self.started()?;
        if let Some(i) = info.filter(|i| i.dwProviderReserved != 0) {
            // A structure from WSPDuplicateSocket: duplicate.rs.
            if group != 0 {
                return Err(WsaError::WSAEINVAL);
            }
            return self.socket_from_duplicate((af, ty, protocol), i);
        }
        let index = catalog::select_socket(&self.inner.catalog, af, ty, protocol, info)?;
        // Socket groups are reserved; this provider supports none.
        if group != 0 {
            return Err(WsaError::WSAEINVAL);
        }
        let entry = &self.inner.catalog[index];
        let multipoint = WSA_FLAG_MULTIPOINT_C_ROOT
            | WSA_FLAG_MULTIPOINT_C_LEAF
            | WSA_FLAG_MULTIPOINT_D_ROOT
            | WSA_FLAG_MULTIPOINT_D_LEAF;
        if flags & multipoint != 0 && entry.dwServiceFlags1 & XP1_SUPPORT_MULTIPOINT == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        let props = Props {
            af: entry.iAddressFamily,
            ty: entry.iSocketType,
            protocol: entry.iProtocol,
            catalog_index: index,
            flags,
        };
        let kind = if props.ty == SOCK_STREAM {
            HostKind::Stream
        } else {
            HostKind::Datagram
        };
        let host = self.inner.net.open(Self::family(props.af), kind)?;
        // Windows' default unicast TTL / hop limit is 128 (DefaultTTL); Linux uses 64.
        // Best effort: a backend without the option keeps its own.
        let _ = self
            .inner
            .net
            .set_opt(host, HostOpt::Ttl(WINDOWS_DEFAULT_TTL));
        if props.af == AF_INET6 {
            // IPV6_V6ONLY is on by default on Windows.
            if let Err(e) = self.inner.net.set_opt(host, HostOpt::V6Only(true)) {
                self.inner.net.close(host);
                return Err(e);
            }
        }
        self.adopt(host, props, SockState::default())
    }

    fn close_socket(&self, s: SOCKET) -> WspResult<()> {
        let cell = self.cell(s)?;
        // SO_LINGER / SO_DONTLINGER (options.rs `linger_on_close`, and for the send
        // backlog backlog.rs `backlog_on_close`): may refuse with WSAEWOULDBLOCK, leaving
        // the socket open, as Windows does.
        let backlog = self.backlog_on_close(&cell)?;
        if backlog != backlog::OnClose::Aborted {
            self.linger_on_close(&cell)?;
        }
        let cell = self.table_write().remove(s).ok_or(WsaError::WSAENOTSOCK)?;
        cell.mark_closed();
        if backlog == backlog::OnClose::Flush {
            // A graceful close with a send backlog: flushed in the background.
            self.inner.linger_backlog(cell);
        }
        Ok(())
    }

    fn bind(&self, s: SOCKET, name: &SockAddr) -> WspResult<()> {
        let cell = self.cell(s)?;
        let addr = name.parse(cell.props.af)?;
        if cell.lock().bound {
            return Err(WsaError::WSAEINVAL);
        }
        self.inner.net.bind(cell.host, addr)?;
        cell.lock().bound = true;
        Ok(())
    }

    fn listen(&self, s: SOCKET, backlog: i32) -> WspResult<()> {
        let cell = self.cell(s)?;
        if cell.props.ty != SOCK_STREAM {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        {
            let st = cell.lock();
            if matches!(st.conn, Conn::Connected | Conn::Connecting) {
                return Err(WsaError::WSAEISCONN);
            }
            if !st.bound {
                return Err(WsaError::WSAEINVAL);
            }
        }
        // SOMAXCONN means "a reasonable maximum"; SOMAXCONN_HINT(n) is -n, clamped to
        // [200, 65535]; plain values are clamped to [1, 200].
        let backlog = if backlog == SOMAXCONN {
            SOMAXCONN_BACKLOG
        } else if backlog < 0 {
            backlog.saturating_neg().clamp(200, 65535)
        } else {
            backlog.clamp(1, MAX_PLAIN_BACKLOG)
        };
        self.inner.net.listen(cell.host, backlog)?;
        cell.lock().listening = true;
        Ok(())
    }

    fn accept(
        &self,
        s: SOCKET,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> WspResult<SOCKET> {
        let cell = self.cell(s)?;
        if cell.props.ty != SOCK_STREAM {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let timeout = {
            let st = cell.lock();
            if !st.listening {
                return Err(WsaError::WSAEINVAL);
            }
            if st.nonblocking {
                None
            } else {
                Some(0)
            }
        };
        if let Some(a) = &addr {
            if a.len() < Self::addr_len(cell.props.af) {
                return Err(WsaError::WSAEFAULT);
            }
        }
        let r = self.accept_inner(&cell, addr, condition, timeout);
        // A newly adopted socket may already have readiness to report.
        if r != Err(WsaError::WSATRY_AGAIN) {
            // accept re-enables FD_ACCEPT, unless a condition function deferred.
            cell.reenable(FD_ACCEPT);
        }
        r
    }

    fn connect(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
    ) -> WspResult<()> {
        let cell = self.cell(s)?;
        let addr = name.parse(cell.props.af)?;
        let entry = &self.inner.catalog[cell.props.catalog_index];
        let is_framed = framed::is_framed(entry);
        let mut callee_data = callee_data;
        // WSPConnect: WSAEPROTONOSUPPORT when "the lpCallerData augment is not supported by
        // the service provider" (TCP/IP and UDP/IP have no XP1_CONNECT_DATA). A callee
        // buffer is allowed and receives nothing (its len is set to 0).
        // https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspconnect
        if caller_data.is_some_and(|d| !d.is_empty())
            && entry.dwServiceFlags1 & XP1_CONNECT_DATA == 0
        {
            return Err(WsaError::WSAEPROTONOSUPPORT);
        }
        if let Some(b) = callee_data.as_deref_mut() {
            b.len = 0;
        }
        if (sqos.is_some() || gqos.is_some()) && entry.dwServiceFlags1 & XP1_QOS_SUPPORTED == 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        if cell.props.ty != SOCK_STREAM {
            if is_unspecified(&addr) || addr.port() == 0 {
                // Dissolving a datagram association is not built yet.
                return Err(WsaError::WSAEADDRNOTAVAIL);
            }
            self.inner.net.connect(cell.host, addr)?;
            let mut st = cell.lock();
            st.conn = Conn::Connected;
            st.mark_connected(self.inner.net.now());
            st.bound = true;
            st.via_connect = true;
            drop(st);
            cell.evaluate();
            return Ok(());
        }
        let nonblocking = {
            let mut st = cell.lock();
            if st.listening {
                return Err(WsaError::WSAEINVAL);
            }
            match st.conn {
                Conn::Connected => return Err(WsaError::WSAEISCONN),
                Conn::Connecting => return Err(WsaError::WSAEALREADY),
                Conn::Idle | Conn::Failed(_) => {}
            }
            if is_unspecified(&addr) || addr.port() == 0 {
                return Err(WsaError::WSAEADDRNOTAVAIL);
            }
            if is_framed && st.framed.is_some() {
                // One connect attempt per framed socket: its stream carried a handshake.
                return Err(WsaError::WSAEINVAL);
            }
            // Connecting before the host call, so a readiness report that races with it
            // resolves the outcome.
            st.conn = Conn::Connecting;
            st.via_connect = true;
            st.nonblocking
        };
        if is_framed {
            if let Err(e) = self.framed_start_connect(&cell, caller_data) {
                cell.lock().conn = Conn::Idle;
                return Err(e);
            }
        }
        match self.inner.net.connect(cell.host, addr) {
            Ok(()) => {
                let mut st = cell.lock();
                st.conn = Conn::Connected;
                st.mark_connected(self.inner.net.now());
                st.bound = true;
                st.notify.write_armed = true;
                drop(st);
                cell.evaluate();
                cell.wake();
                self.framed_finish_connect(&cell, callee_data, !nonblocking)
            }
            Err(WsaError::WSAEWOULDBLOCK) => {
                cell.lock().bound = true;
                cell.kick_connect();
                if nonblocking {
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                let mut closed = false;
                let me = std::thread::current().id();
                cell.lock().blocked.push(socket::Blocked {
                    thread: me,
                    cancelled: false,
                });
                self.inner.net.block_until(&cell.gate, None, &mut || {
                    let st = cell.lock();
                    closed = st.closed || st.cancelled(me);
                    closed || st.conn != Conn::Connecting
                });
                ioctl::remove_blocked(&mut cell.lock().blocked, me);
                if closed {
                    return Err(WsaError::WSAEINTR);
                }
                let conn = cell.lock().conn;
                match conn {
                    Conn::Failed(e) => Err(e),
                    _ => self.framed_finish_connect(&cell, callee_data, true),
                }
            }
            Err(e) => {
                cell.lock().conn = Conn::Failed(e);
                cell.evaluate();
                Err(e)
            }
        }
    }

    fn join_leaf(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
        flags: u32,
    ) -> WspResult<SOCKET> {
        // Multicast joins: multipoint.rs.
        self.join_leaf_impl(s, name, caller_data, callee_data, sqos, gqos, flags)
    }

    fn send(&self, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
        self.send_common(s, bufs, flags, None)
    }

    fn send_to(
        &self,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        self.send_common(s, bufs, flags, to)
    }

    fn recv(&self, s: SOCKET, bufs: &mut [&mut [u8]], flags: &mut u32) -> WspResult<usize> {
        self.recv_common(s, bufs, flags, None)
    }

    fn recv_from(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        self.recv_common(s, bufs, flags, from)
    }

    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> WspResult<()> {
        let cell = self.cell(s)?;
        let entry = &self.inner.catalog[cell.props.catalog_index];
        // WSPSendDisconnect: WSAENOPROTOOPT when the provider carries no disconnect data
        // (TCP/IP on Windows carries none).
        if data.is_some_and(|d| !d.is_empty()) && entry.dwServiceFlags1 & XP1_DISCONNECT_DATA == 0 {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        let framing = framed::of(&cell.lock());
        if let Some(f) = framing {
            // The emulated protocol: a DISCONNECT frame carries the data, then the host
            // stream's send side is shut (framed.rs).
            {
                let st = cell.lock();
                if st.conn != Conn::Connected {
                    return Err(WsaError::WSAENOTCONN);
                }
                if st.shut_wr {
                    return Err(WsaError::WSAESHUTDOWN);
                }
            }
            self.framed_send_disconnect(&cell, &f, data.unwrap_or_default())?;
        }
        self.shutdown(s, SD_SEND)
    }

    fn recv_disconnect(&self, s: SOCKET, data: Option<&mut [u8]>) -> WspResult<usize> {
        // WSARecvDisconnect: TCP/IP implementations without disconnect data "are not required
        // to return WSAENOPROTOOPT"; Microsoft's acts as shutdown(SD_RECEIVE), and a buffer
        // offered for disconnect data receives nothing.
        let cell = self.cell(s)?;
        let framing = framed::of(&cell.lock());
        let n = match framing {
            Some(f) => {
                if cell.lock().conn != Conn::Connected {
                    return Err(WsaError::WSAENOTCONN);
                }
                self.framed_recv_disconnect(&cell, &f, data)?
            }
            None => 0,
        };
        self.shutdown(s, SD_RECEIVE)?;
        Ok(n)
    }

    fn shutdown(&self, s: SOCKET, how: i32) -> WspResult<()> {
        let cell = self.cell(s)?;
        if !(SD_RECEIVE..=SD_BOTH).contains(&how) {
            return Err(WsaError::WSAEINVAL);
        }
        let stream = cell.props.ty == SOCK_STREAM;
        if stream && cell.lock().conn != Conn::Connected {
            return Err(WsaError::WSAENOTCONN);
        }
        if how != SD_RECEIVE {
            // Frames a non-blocking send left queued go out before the end of the stream.
            let framing = framed::of(&cell.lock());
            if let Some(f) = framing {
                self.framed_flush_all(&cell, &f)?;
            }
        }
        // Overlapped operations pending in a shut direction are aborted (before the host
        // shutdown, whose readiness report would otherwise complete them with EOF).
        cell.abort_overlapped(how != SD_SEND, how != SD_RECEIVE);
        if stream {
            // With a send backlog the FIN follows its last byte: the host's send side is
            // shut when it drains (backlog.rs `tx_release`), as Windows sends buffered
            // data before the FIN of a shutdown(SD_SEND).
            let how = if how != SD_RECEIVE {
                let mut st = cell.lock();
                if st.tx.is_some() || st.tx_busy {
                    st.fin_pending = true;
                    (how == SD_BOTH).then_some(SD_RECEIVE)
                } else {
                    Some(how)
                }
            } else {
                Some(how)
            };
            match how.map_or(Ok(()), |how| self.inner.net.shutdown(cell.host, how)) {
                // The peer already reset or closed: the local direction is still shut.
                Ok(()) | Err(WsaError::WSAENOTCONN) => {}
                Err(e) => return Err(e),
            }
        }
        let mut st = cell.lock();
        if how != SD_SEND {
            st.shut_rd = true;
        }
        if how != SD_RECEIVE {
            st.shut_wr = true;
        }
        drop(st);
        cell.gate.notify();
        Ok(())
    }

    fn get_sock_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        let cell = self.cell(s)?;
        if !cell.lock().bound {
            return Err(WsaError::WSAEINVAL);
        }
        let a = self.inner.net.local_addr(cell.host)?;
        name.store(a)
    }

    fn get_peer_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        let cell = self.cell(s)?;
        if cell.lock().conn != Conn::Connected {
            return Err(WsaError::WSAENOTCONN);
        }
        let a = self.inner.net.peer_addr(cell.host)?;
        name.store(a)
    }

    fn get_sock_opt(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &mut [u8],
    ) -> WspResult<usize> {
        let cell = self.cell(s)?;
        self.get_sock_opt_impl(&cell, level, name, optval)
    }

    fn set_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &[u8]) -> WspResult<()> {
        let cell = self.cell(s)?;
        self.set_sock_opt_impl(&cell, level, name, optval)
    }

    fn ioctl(&self, s: SOCKET, code: u32, input: &[u8], output: &mut [u8]) -> WspResult<usize> {
        if code == crate::overlapped::SIO_GET_EXTENSION_FUNCTION_POINTER {
            return self.extension_function(s, input, output);
        }
        let cell = self.cell(s)?;
        self.ioctl_impl(&cell, code, input, output)
    }

    fn event_select(&self, s: SOCKET, event: Option<&Event>, events: i32) -> WspResult<()> {
        let cell = self.cell(s)?;
        let target = match event {
            Some(ev) => notify::Target::Event(ev.clone()),
            None if events & FD_ALL_EVENTS == 0 => notify::Target::None,
            None => return Err(WsaError::WSAEINVAL),
        };
        cell.select_events(target, events);
        Ok(())
    }

    fn enum_network_events(&self, s: SOCKET, event: Option<&Event>) -> WspResult<WSANETWORKEVENTS> {
        let cell = self.cell(s)?;
        Ok(cell.enum_events(event))
    }

    fn async_select(&self, s: SOCKET, hwnd: Option<&Hwnd>, msg: u32, events: i32) -> WspResult<()> {
        let cell = self.cell(s)?;
        let target = match hwnd {
            Some(w) => notify::Target::Window(w.clone(), msg),
            None if events & FD_ALL_EVENTS == 0 => notify::Target::None,
            None => return Err(WsaError::WSAEINVAL),
        };
        cell.select_events(target, events);
        Ok(())
    }

    fn select(
        &self,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize> {
        self.select_impl(read, write, except, timeout)
    }

    fn cancel_blocking_call(&self) -> WspResult<()> {
        // WSPCancelBlockingCall cancels the calling thread's blocking call; a thread making
        // this call has none in progress here, so this gives WSAEINVAL ("no outstanding
        // blocking call"). Other threads' calls: `Engine::cancel_blocking_calls_of`.
        self.cancel_blocking_calls_of(std::thread::current().id())
    }

    fn duplicate_socket(&self, s: SOCKET, pid: u32) -> WspResult<WSAPROTOCOL_INFOW> {
        // Shared sockets within and across processes: duplicate.rs.
        self.duplicate_impl(s, pid)
    }

    fn get_overlapped_result(
        &self,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<(usize, u32)> {
        let r = self.overlapped_result(s, overlapped, wait)?;
        match r.error {
            None => Ok((r.bytes as usize, r.flags)),
            Some(e) => Err(e),
        }
    }

    fn get_overlapped_result_ex(
        &self,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<OpResult> {
        self.overlapped_result(s, overlapped, wait)
    }

    fn send_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.send_ov(s, bufs, flags, None, ov)
    }

    fn send_to_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.send_ov(s, bufs, flags, to, ov)
    }

    fn recv_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.recv_ov(s, bufs, flags, false, ov)
    }

    fn recv_from_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.recv_ov(s, bufs, flags, true, ov)
    }

    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: &[u8],
        output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.ioctl_ov(s, code, input, output, ov)
    }

    fn get_qos_by_name(&self, s: SOCKET, name: &str, qos: &mut Qos) -> WspResult<()> {
        self.cell(s)?;
        if name.is_empty() {
            // Enumeration: lpQOS is ignored; the names come from
            // `Engine::qos_template_names` (this signature has no buffer for them).
            return Ok(());
        }
        *qos = crate::qos::template(name).ok_or(WsaError::WSAEINVAL)?;
        Ok(())
    }

    fn address_to_string(
        &self,
        addr: &SockAddr,
        _info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WspResult<String> {
        self.started()?;
        addr_text::address_to_string(addr)
    }

    fn string_to_address(
        &self,
        text: &str,
        af: i32,
        _info: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> WspResult<()> {
        self.started()?;
        let a = addr_text::string_to_address(text, af)?;
        out.store(a)
    }
}
