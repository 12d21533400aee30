//! Per-socket truth: one [`SocketCell`] per live `SOCKET`, holding the host socket, the
//! Winsock state machine and the readiness the backend has reported.
//!
//! Readiness bookkeeping follows mio's edge discipline: the backend reports *new*
//! readiness ([`SocketCell::on_ready`]); an operation that hits `WSAEWOULDBLOCK` clears the
//! direction it waited for, but only if no report arrived since the operation started
//! (the `seq` counter), so a report racing with the failed attempt is never lost.

use super::notify::Notify;
use crate::error::WsaError;
use crate::net::{Gate, HostSocket, IoFlags, Net, Readiness};
use crate::types::SOCKET;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Connection state of a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Conn {
    /// Never connected (or a datagram socket without a default peer).
    Idle,
    /// A stream connect is in progress.
    Connecting,
    /// Connected (stream) or has a default peer (datagram).
    Connected,
    /// The last connect attempt failed with this error.
    Failed(WsaError),
}

/// What a receive would find now, learned with a one-byte `MSG_PEEK`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// Data (or, on a datagram socket, a datagram) is waiting.
    Data,
    /// End of stream: the peer closed and everything was read.
    Eof,
    /// Nothing to read.
    Nothing,
    /// A receive would fail with this error.
    Failed(WsaError),
}

/// Mutable per-socket state, guarded by the cell's mutex.
#[derive(Debug)]
pub(crate) struct SockState {
    pub nonblocking: bool,
    pub bound: bool,
    pub listening: bool,
    pub conn: Conn,
    pub shut_rd: bool,
    pub shut_wr: bool,
    /// The connection was reset; later calls keep reporting it, as Windows does (a Linux
    /// host reports the reset once and then end-of-stream).
    pub reset: bool,
    /// Closed by `WSPCloseSocket`/`WSPCleanup`; blocked calls return `WSAEINTR`.
    pub closed: bool,
    /// Readiness reported and not yet consumed by a would-block.
    pub ready: Readiness,
    /// Bumped on every readiness report.
    pub seq: u64,
    /// A thread is reading the outcome of a non-blocking connect.
    pub resolving: bool,
    /// A report arrived while `resolving`: resolve once more.
    pub resolve_again: bool,
    /// `SO_RCVTIMEO` in milliseconds (0 = none).
    pub rcvtimeo_ms: u32,
    /// `SO_SNDTIMEO` in milliseconds (0 = none).
    pub sndtimeo_ms: u32,
    /// The socket started a connect itself (accepted sockets did not): FD_CONNECT applies.
    pub via_connect: bool,
    /// The error a reset or abort left (reported with FD_CLOSE and by later calls).
    pub close_error: Option<WsaError>,
    /// Connections the engine already took from the host listener, oldest first, so that
    /// FD_ACCEPT and select readability are exact and a deferred connection stays queued.
    pub backlog: VecDeque<(HostSocket, SocketAddr)>,
    /// Event-select / async-select state.
    pub notify: Notify,
    /// Framing of the emulated connect/disconnect-data protocol (framed.rs).
    pub framed: Option<Arc<super::framed::Framed>>,
    /// The host socket shared with duplicated descriptors (duplicate.rs).
    pub dup: Option<Arc<super::duplicate::Share>>,
    /// The multicast session `WSPJoinLeaf` joined (multipoint.rs).
    pub mcast: Option<super::multipoint::Session>,
    /// Option state the engine keeps itself (see `options.rs`).
    pub opts: OptState,
    /// Threads blocked in a call on this socket, for `WSPCancelBlockingCall`.
    pub blocked: Vec<Blocked>,
    /// Overlapped queues, records and completion-port association.
    pub ov: super::overlapped::OvState,
    /// Bytes a non-blocking stream send took beyond what the host accepted (backlog.rs).
    pub tx: Option<Box<super::backlog::TxBacklog>>,
    /// The backlog is out of `tx`, being handed to the host by the thread that holds the
    /// send path: still the socket's backlog for select and FD_WRITE.
    pub tx_out: bool,
    /// A thread is sending on the host stream (a sender or the backlog's flusher).
    pub tx_busy: bool,
    /// Threads waiting for `tx_busy` to clear (blocking sends).
    pub tx_waiters: u32,
    /// `shutdown(SD_SEND)` came while the backlog held data: the host's FIN follows it.
    pub fin_pending: bool,
}

/// A thread parked in a blocking call on a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Blocked {
    /// The thread.
    pub thread: std::thread::ThreadId,
    /// Set by a cancel: the call returns `WSAEINTR`.
    pub cancelled: bool,
}

/// Options the engine emulates (the host has no equivalent, or its meaning differs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OptState {
    /// `SO_ERROR` as last set with setsockopt (Windows stores and returns it).
    pub so_error: i32,
    /// `SO_LINGER` as Windows holds it: `(l_onoff, l_linger)`. Never handed to the host,
    /// except `(1, 0)` at close for an abortive close.
    pub linger: (u16, u16),
    /// `SO_REUSEADDR` (Windows' meaning).
    pub reuse_addr: bool,
    /// `SO_EXCLUSIVEADDRUSE`.
    pub exclusive_addr: bool,
    /// `SO_CONDITIONAL_ACCEPT`.
    pub conditional_accept: bool,
    /// `SO_GROUP_PRIORITY`.
    pub group_priority: i32,
    /// `SO_DEBUG` (stored only).
    pub debug: bool,
    /// `SO_DONTROUTE` (stored; sends with `MSG_DONTROUTE` are the host's business).
    pub dontroute: bool,
    /// `IP_DONTFRAGMENT`/`IPV6_DONTFRAG`; `None` = the default for the socket type.
    pub dont_fragment: Option<bool>,
    /// `IP_PKTINFO`/`IPV6_PKTINFO` (stored; WSARecvMsg is not built).
    pub pktinfo: bool,
    /// `SIO_UDP_CONNRESET`: report ICMP port unreachable as `WSAECONNRESET` (default on).
    pub udp_connreset: bool,
    /// When the connection was established (backend clock), for `SO_CONNECT_TIME`.
    pub connected_at: Option<std::time::Duration>,
    /// `SIO_SET_QOS` value.
    pub qos: Option<crate::types::Qos>,
    /// `SIO_KEEPALIVE_VALS`: `(onoff, keepalivetime ms, keepaliveinterval ms)`.
    pub keepalive_vals: Option<(u32, u32, u32)>,
    /// `SO_RCVBUF` as set (Windows reports what was set; Linux doubles it).
    pub rcvbuf: Option<u32>,
    /// `SO_SNDBUF` as set.
    pub sndbuf: Option<u32>,
    /// The error of a failed connect was already reported through `SO_ERROR`.
    pub connect_error_read: bool,
    /// The host's keep-alive interval and count hold Windows' values (1 s, 10 probes) or
    /// ones the program set. Until then `TCP_KEEPINTVL`/`TCP_KEEPCNT` report Windows'
    /// defaults; they are pushed to the host when keep-alive is switched on, before which
    /// they have no effect on the wire.
    pub keep_tuned: bool,
}

impl Default for OptState {
    fn default() -> Self {
        OptState {
            so_error: 0,
            linger: (0, 0),
            reuse_addr: false,
            exclusive_addr: false,
            conditional_accept: false,
            group_priority: 0,
            debug: false,
            dontroute: false,
            dont_fragment: None,
            pktinfo: false,
            udp_connreset: true,
            connected_at: None,
            qos: None,
            keepalive_vals: None,
            rcvbuf: None,
            sndbuf: None,
            connect_error_read: false,
            keep_tuned: false,
        }
    }
}

impl SockState {
    /// Record the moment the socket became connected (for `SO_CONNECT_TIME`), once.
    pub fn mark_connected(&mut self, now: std::time::Duration) {
        if self.opts.connected_at.is_none() {
            self.opts.connected_at = Some(now);
        }
    }

    /// Whether the send backlog holds data (backlog.rs): the send buffer is full.
    pub fn has_backlog(&self) -> bool {
        self.tx.is_some() || self.tx_out
    }

    /// Whether a cancel was requested for `thread`'s blocking call on this socket.
    pub fn cancelled(&self, thread: std::thread::ThreadId) -> bool {
        self.blocked
            .iter()
            .any(|b| b.thread == thread && b.cancelled)
    }
}

impl Default for SockState {
    fn default() -> Self {
        SockState {
            nonblocking: false,
            bound: false,
            listening: false,
            conn: Conn::Idle,
            shut_rd: false,
            shut_wr: false,
            reset: false,
            closed: false,
            ready: Readiness::EMPTY,
            seq: 0,
            resolving: false,
            resolve_again: false,
            rcvtimeo_ms: 0,
            sndtimeo_ms: 0,
            via_connect: false,
            close_error: None,
            backlog: VecDeque::new(),
            notify: Notify::default(),
            framed: None,
            dup: None,
            mcast: None,
            opts: OptState::default(),
            blocked: Vec::new(),
            ov: Default::default(),
            tx: None,
            tx_out: false,
            tx_busy: false,
            tx_waiters: 0,
            fin_pending: false,
        }
    }
}

/// Fixed properties of a socket, chosen at creation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Props {
    pub af: i32,
    pub ty: i32,
    /// Read by the options work (`SO_PROTOCOL_INFO`).
    #[allow(dead_code)]
    pub protocol: i32,
    pub catalog_index: usize,
    /// `WSA_FLAG_*`; read by the overlapped work.
    #[allow(dead_code)]
    pub flags: u32,
}

/// One live socket.
pub(crate) struct SocketCell<N: Net> {
    pub net: Arc<N>,
    /// The socket's own handle (the `wParam` of async-select messages).
    #[allow(dead_code)]
    pub handle: SOCKET,
    pub host: HostSocket,
    pub props: Props,
    st: Mutex<SockState>,
    /// Notified on every change a blocked caller may be waiting for.
    pub gate: Gate,
    /// Extra gates to notify (threads in `WSPSelect` over several sockets).
    watchers: Mutex<Vec<Arc<Gate>>>,
    /// The engine's upcalls, shared with it.
    upcalls: super::overlapped::UpcallSlot,
}

impl<N: Net> SocketCell<N> {
    pub fn new(
        net: Arc<N>,
        handle: SOCKET,
        host: HostSocket,
        props: Props,
        st: SockState,
        upcalls: super::overlapped::UpcallSlot,
    ) -> Self {
        SocketCell {
            net,
            handle,
            host,
            props,
            st: Mutex::new(st),
            gate: Gate::new(),
            watchers: Mutex::new(Vec::new()),
            upcalls,
        }
    }

    /// Lock the state. A panic in another thread does not poison the socket for good.
    pub fn lock(&self) -> MutexGuard<'_, SockState> {
        self.st.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The readiness sequence number, read before an operation is attempted.
    pub fn seq(&self) -> u64 {
        self.lock().seq
    }

    /// The upcalls to deliver notifications through, if the provider installed any.
    pub fn upcalls(&self) -> Option<Arc<dyn crate::upcall::Upcalls>> {
        self.upcalls
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Wake every thread waiting on this socket.
    pub fn wake(&self) {
        self.gate.notify();
        let watchers = self.watchers.lock().unwrap_or_else(|p| p.into_inner());
        for w in watchers.iter() {
            w.notify();
        }
    }

    /// Wake after a readiness report: as [`SocketCell::wake`], except that a thread
    /// sleeping in a host `poll` on this socket ([`Net::block_on_socket`]) is not
    /// signalled, since the host wakes it for everything its wait can use. Only for a
    /// report that changed nothing but the readiness bits (see `on_ready`).
    fn wake_ready(&self) {
        self.gate.notify_waiting();
        let watchers = self.watchers.lock().unwrap_or_else(|p| p.into_inner());
        for w in watchers.iter() {
            w.notify();
        }
    }

    /// Add a gate to notify along with the socket's own.
    pub fn watch(&self, gate: &Arc<Gate>) {
        self.watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(gate.clone());
    }

    /// Remove a gate added by [`SocketCell::watch`].
    pub fn unwatch(&self, gate: &Arc<Gate>) {
        self.watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|g| !Arc::ptr_eq(g, gate));
    }

    /// The backend reported `r`.
    pub fn on_ready(&self, r: Readiness) {
        let (resolve, backlog, plain) = {
            let mut st = self.lock();
            st.ready.insert(r);
            st.seq = st.seq.wrapping_add(1);
            let backlog = st.tx.is_some();
            // Nothing here but the readiness bits can change for a direct waiter's
            // condition (`Engine::wait_host`: closed, cancelled, `ready ∩ want`): no
            // listener (a notification's accept stash empties the host queue such a
            // waiter polls), no selection, no framing, no send backlog.
            let plain = !st.listening
                && !st.notify.active()
                && st.framed.is_none()
                && !backlog
                && st.conn != Conn::Connecting;
            let resolve = if st.conn == Conn::Connecting && !st.closed {
                if st.resolving {
                    st.resolve_again = true;
                    false
                } else {
                    st.resolving = true;
                    true
                }
            } else {
                false
            };
            (resolve, backlog, plain)
        };
        if resolve {
            self.resolve_connect();
        }
        self.framed_drive();
        if r.intersects(Readiness::ERROR | Readiness::WRITE_CLOSED) {
            self.check_reset();
        }
        if backlog {
            // Bytes a non-blocking send left go out as the host takes them (backlog.rs).
            self.tx_pump();
        }
        self.evaluate();
        if plain {
            // The direct waiter's poll sees this readiness itself (POLLIN/POLLPRI for a
            // receive, POLLOUT for a send, error and hang-up always), so signalling its
            // wake descriptor would only cost a write here and a drain there.
            self.wake_ready();
        } else {
            self.wake();
        }
        self.drive_ready();
    }

    /// A connected stream reported an error or hang-up: find out whether it was reset, so
    /// that FD_CLOSE carries `WSAECONNRESET` and later calls keep reporting it.
    fn check_reset(&self) {
        let mut st = self.lock();
        if st.conn != Conn::Connected || st.close_error.is_some() || st.closed {
            return;
        }
        // Under the socket lock: the host hands a pending reset out once (a receive after
        // that reads end-of-stream), so taking it and recording it must be one step for a
        // receive that reads 0 and then looks at `reset` (`Engine::recv_inner`). Without
        // this, a receive between the two saw 0 instead of WSAECONNRESET (the flaky
        // conformance case accept_condition_reject_resets_the_tcp_caller).
        if let Ok(Some(e)) = self.net.take_error(self.host) {
            if e == WsaError::WSAECONNRESET || e == WsaError::WSAECONNABORTED {
                st.reset = true;
            }
            st.close_error = Some(e);
        }
    }

    /// Read the outcome of a connect in progress, if it has one. Only the thread that set
    /// `resolving` calls this.
    pub fn resolve_connect(&self) {
        let mut settled = false;
        loop {
            // `take_error` first: a failed connect has a pending error. With none, the
            // connect is done exactly when the peer address is known.
            let outcome = match self.net.take_error(self.host) {
                Ok(Some(e)) | Err(e) => Some(Err(e)),
                Ok(None) => match self.net.peer_addr(self.host) {
                    Ok(_) => Some(Ok(())),
                    Err(_) => None,
                },
            };
            let mut st = self.lock();
            if st.conn == Conn::Connecting {
                match outcome {
                    Some(Ok(())) => {
                        st.conn = Conn::Connected;
                        st.mark_connected(self.net.now());
                        st.notify.write_armed = true;
                        settled = true;
                    }
                    Some(Err(e)) => {
                        st.conn = Conn::Failed(e);
                        settled = true;
                    }
                    None => {}
                }
                if settled {
                    // Counts as a report: a request that waits for the connect (ConnectEx)
                    // and found it still in progress tries again instead of consuming
                    // the writable readiness that announced it (overlapped.rs `drive`).
                    st.seq = st.seq.wrapping_add(1);
                }
            }
            if st.resolve_again && st.conn == Conn::Connecting {
                st.resolve_again = false;
                continue;
            }
            st.resolving = false;
            st.resolve_again = false;
            break;
        }
        if settled {
            // One that already gave up on that readiness runs now: no further writable
            // report comes for a connected socket with room.
            self.drive(super::overlapped::Dir::Send);
        }
    }

    /// Start resolving a connect from a calling thread (after the host said "in progress"),
    /// unless a report is already doing it.
    pub fn kick_connect(&self) {
        let go = {
            let mut st = self.lock();
            if st.conn == Conn::Connecting && !st.resolving {
                st.resolving = true;
                true
            } else {
                false
            }
        };
        if go {
            self.resolve_connect();
            self.evaluate();
            self.wake();
        }
    }

    /// After an operation that started at readiness `seen` would block: forget the
    /// readiness in `want`, unless a report arrived meanwhile.
    pub fn consume(&self, seen: u64, want: Readiness) {
        let mut st = self.lock();
        if st.seq == seen {
            st.ready.remove(want);
        }
    }

    /// Find out what a receive would see, without consuming anything. Readiness bits can
    /// be stale (Linux reports a never-connected stream as hung up), so read-side state is
    /// taken from this probe rather than from the bits.
    pub fn probe_read(&self) -> Probe {
        if let Some(p) = self.framed_probe() {
            return p;
        }
        let seen = self.seq();
        let mut byte = [0u8; 1];
        let peek = IoFlags {
            peek: true,
            ..IoFlags::default()
        };
        match self.net.recv(self.host, &mut [&mut byte], peek) {
            Ok(r) if r.bytes > 0 || r.truncated => Probe::Data,
            // A zero-length datagram is still a datagram; on a stream, 0 is end of stream.
            Ok(_) if self.props.ty != crate::types::SOCK_STREAM => Probe::Data,
            Ok(_) => Probe::Eof,
            Err(WsaError::WSAEWOULDBLOCK) => {
                self.consume(seen, Readiness::READABLE | Readiness::READ_CLOSED);
                Probe::Nothing
            }
            Err(e) => Probe::Failed(e),
        }
    }

    /// Mark closed and wake every blocked caller.
    pub fn mark_closed(&self) {
        let mut st = self.lock();
        st.closed = true;
        st.notify = Notify::default();
        drop(st);
        self.wake();
        // Pending overlapped operations complete with WSA_OPERATION_ABORTED.
        self.abort_overlapped(true, true);
    }
}

impl<N: Net> Drop for SocketCell<N> {
    fn drop(&mut self) {
        // The last reference is gone: no call is using the host socket any more.
        let (backlog, dup) = {
            let mut st = self.lock();
            (std::mem::take(&mut st.backlog), st.dup.take())
        };
        for (h, _) in backlog {
            self.net.close(h);
        }
        // A host socket shared with duplicates closes with its last descriptor.
        match dup {
            Some(share) => share.release(self.handle),
            None => self.net.close(self.host),
        }
    }
}
