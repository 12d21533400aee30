//! Overlapped operations inside the engine: one FIFO per direction per socket, driven by
//! readiness reports, and the one completion path every operation ends in.
//!
//! # Queues and driving
//! Each socket keeps a receive queue (receives, AcceptEx) and a send queue (sends,
//! ConnectEx). Only the **head** of a queue is ever tried, so operations complete in
//! issue order and data is never split across receives out of order. A queue is driven
//! by one thread at a time (the `driving` flag, set under the socket lock): the issuing
//! thread right after queuing, and the backend's reactor thread on every readiness report
//! in that direction ([`SocketCell::on_ready`] calls [`SocketCell::drive_ready`]). A
//! driver loops: try the head's non-blocking host call; on completion pop it, complete
//! it, go on; on `WSAEWOULDBLOCK` forget the direction's readiness **only if no report
//! arrived since the attempt started** (`seq`, as everywhere in the engine), and stop. A
//! report arriving after that finds `driving` clear and drives again, so no wake-up is
//! lost.
//!
//! # Completion
//! [`Op::complete`] runs at most once per operation (the notifier is taken out under a
//! lock): it stores the result, wakes `WSPGetOverlappedResult` waiters, calls
//! [`Upcalls::complete_overlapped`], then either queues the completion routine to the
//! issuing thread or sets the event, and posts to the completion port. No engine lock is
//! held meanwhile. Close, cleanup and shutdown take the queues out under the socket lock
//! and complete each operation with `WSA_OPERATION_ABORTED`; a driver that was mid-attempt
//! on one finds it already completed and drops its result.

use super::socket::{Conn, SocketCell};
use super::{skip, skip_mut, Engine, READ_WANT, RECV_FLAGS, SEND_FLAGS, WRITE_WANT};
use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::net::{HostSocket, IoFlags, Net};
use crate::overlapped::{
    Buffers, CompletionPort, CompletionRoutine, Issued, OpHandle, OpResult, OpShared, Overlapped,
    Packet, RecvBufs, SendBufs,
};
use crate::sync::{current_thread, Event, ThreadHandle};
use crate::types::*;
use crate::upcall::Upcalls;
use crate::wsp::WspResult;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

/// Most completed requests a socket remembers for `WSPGetOverlappedResult`.
const RECORDS_KEPT: usize = 1024;

/// One try of an operation's host call.
pub(crate) enum Attempt {
    /// Finished with this result.
    Done(OpResult),
    /// The host would block; try again on the next report.
    WouldBlock,
}

/// An operation's work: called with its shared state (to reach the buffers).
pub(crate) type Work = Box<dyn FnMut(&OpShared) -> Attempt + Send>;

/// Which queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Recv,
    Send,
}

/// How a completed operation tells the world.
struct Notifier {
    upcalls: Option<Arc<dyn Upcalls>>,
    event: Option<Event>,
    routine: Option<CompletionRoutine>,
    thread: ThreadHandle,
    port: Option<(CompletionPort, usize)>,
}

/// A queued operation.
pub(crate) struct Op {
    pub shared: Arc<OpShared>,
    work: Mutex<Option<Work>>,
    notifier: Mutex<Option<Notifier>>,
}

impl Op {
    fn attempt(&self) -> Option<Attempt> {
        let mut w = self.work.lock().unwrap_or_else(|p| p.into_inner());
        w.as_mut().map(|f| f(&self.shared))
    }

    /// Complete with `r`, notifying as asked. Returns `false` if already complete.
    pub fn complete(&self, r: OpResult) -> bool {
        let Some(n) = self
            .notifier
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        else {
            return false;
        };
        // The work (and what it captured) goes now; a driver inside it finishes first.
        drop(self.work.lock().unwrap_or_else(|p| p.into_inner()).take());
        let (inline, buffers) = {
            let mut st = self.shared.lock();
            st.result = Some(r);
            let inline = st.issuing && r.error.is_some();
            st.failed_inline = inline;
            let to_port = !inline && n.port.is_some() && n.routine.is_none();
            let buffers = if to_port {
                std::mem::take(&mut st.buffers)
            } else {
                Buffers::None
            };
            (inline, buffers)
        };
        self.shared.gate.notify();
        if inline {
            // The issuing call reports the error itself; no completion indication.
            return true;
        }
        let (socket, key) = (self.shared.socket, self.shared.key);
        if let Some(up) = &n.upcalls {
            let _ = up.complete_overlapped(socket, key, r.error, r.bytes, r.flags);
        }
        if let Some(routine) = n.routine {
            let (code, bytes, flags) = (r.code(), r.bytes, r.flags);
            let apc: crate::sync::Apc = Box::new(move || routine(code, bytes, key, flags));
            // A thread that has exited gets no routine (Windows drops its APCs too).
            let _ = match &n.upcalls {
                Some(up) => up.queue_apc(&n.thread, apc),
                None => n.thread.queue(apc),
            };
        } else {
            if let Some(ev) = &n.event {
                match &n.upcalls {
                    Some(up) => {
                        let _ = up.set_event(ev);
                    }
                    None => ev.set(),
                }
            }
            if let Some((port, ckey)) = n.port {
                port.post_packet(Packet {
                    bytes: r.bytes,
                    key: ckey,
                    overlapped: key,
                    status: r.error,
                    flags: r.flags,
                    buffers,
                });
            }
        }
        true
    }
}

/// Per-socket overlapped state (a field of `SockState`).
#[derive(Default)]
pub(crate) struct OvState {
    recv: VecDeque<Arc<Op>>,
    send: VecDeque<Arc<Op>>,
    driving_recv: bool,
    driving_send: bool,
    /// The latest request per key, for `WSPGetOverlappedResult`.
    records: HashMap<usize, Arc<OpShared>>,
    record_order: VecDeque<usize>,
    /// The completion port and key the socket is associated with.
    pub port: Option<(CompletionPort, usize)>,
    /// Released by DisconnectEx/TransmitPackets with `TF_REUSE_SOCKET`: AcceptEx and
    /// ConnectEx may take it again.
    pub reusable: bool,
}

impl fmt::Debug for OvState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OvState")
            .field("recv", &self.recv.len())
            .field("send", &self.send.len())
            .field("records", &self.records.len())
            .field("port", &self.port.is_some())
            .finish()
    }
}

impl OvState {
    fn queue(&mut self, d: Dir) -> &mut VecDeque<Arc<Op>> {
        match d {
            Dir::Recv => &mut self.recv,
            Dir::Send => &mut self.send,
        }
    }
    fn driving(&mut self, d: Dir) -> &mut bool {
        match d {
            Dir::Recv => &mut self.driving_recv,
            Dir::Send => &mut self.driving_send,
        }
    }
    fn record(&mut self, op: &Arc<OpShared>) {
        if self.records.insert(op.key, op.clone()).is_none() {
            self.record_order.push_back(op.key);
        }
        // Forget the oldest completed records beyond the bound.
        let mut budget = self.record_order.len();
        while self.records.len() > RECORDS_KEPT && budget > 0 {
            budget -= 1;
            let Some(k) = self.record_order.pop_front() else {
                break;
            };
            let done = self
                .records
                .get(&k)
                .is_none_or(|o| o.lock().result.is_some());
            if done {
                self.records.remove(&k);
            } else {
                self.record_order.push_back(k);
            }
        }
    }
    fn forget(&mut self, op: &Arc<OpShared>) {
        if self
            .records
            .get(&op.key)
            .is_some_and(|o| Arc::ptr_eq(o, op))
        {
            self.records.remove(&op.key);
            self.record_order.retain(|&k| k != op.key);
        }
    }
    /// The request recorded under `key`.
    pub fn lookup(&self, key: usize) -> Option<Arc<OpShared>> {
        self.records.get(&key).cloned()
    }
}

impl<N: Net> SocketCell<N> {
    /// Drive whichever queues the readiness now recorded can move (from `on_ready`).
    pub fn drive_ready(&self) {
        let (r, s) = {
            let st = self.lock();
            (
                !st.ov.recv.is_empty()
                    && (st.ready.intersects(READ_WANT) || !st.backlog.is_empty()),
                !st.ov.send.is_empty() && st.ready.intersects(WRITE_WANT),
            )
        };
        if r {
            self.drive(Dir::Recv);
        }
        if s {
            self.drive(Dir::Send);
        }
    }

    /// Drive one queue until it is empty or its head would block. See the module docs.
    pub fn drive(&self, d: Dir) {
        let want = if d == Dir::Recv {
            READ_WANT
        } else {
            WRITE_WANT
        };
        {
            let mut st = self.lock();
            if st.closed || st.ov.queue(d).is_empty() || *st.ov.driving(d) {
                return;
            }
            *st.ov.driving(d) = true;
        }
        loop {
            let (head, seen) = {
                let mut st = self.lock();
                match st.ov.queue(d).front().cloned() {
                    Some(h) if !st.closed => (h, st.seq),
                    _ => {
                        *st.ov.driving(d) = false;
                        return;
                    }
                }
            };
            match head.attempt() {
                Some(Attempt::WouldBlock) => {
                    let mut st = self.lock();
                    if st.seq == seen {
                        st.ready.remove(want);
                        if d == Dir::Send {
                            // A send that would block arms FD_WRITE (as WSPSend does).
                            st.notify.write_armed = true;
                        }
                        *st.ov.driving(d) = false;
                        return;
                    }
                }
                outcome => {
                    {
                        let mut st = self.lock();
                        let q = st.ov.queue(d);
                        if q.front().is_some_and(|h| Arc::ptr_eq(h, &head)) {
                            q.pop_front();
                        }
                    }
                    if let Some(Attempt::Done(r)) = outcome {
                        head.complete(r);
                    }
                }
            }
        }
    }

    /// Complete every queued operation in the chosen directions with
    /// `WSA_OPERATION_ABORTED` (close, cleanup, shutdown).
    pub fn abort_overlapped(&self, recv: bool, send: bool) {
        let ops: Vec<Arc<Op>> = {
            let mut st = self.lock();
            let mut v: Vec<Arc<Op>> = Vec::new();
            if recv {
                v.extend(st.ov.recv.drain(..));
            }
            if send {
                v.extend(st.ov.send.drain(..));
            }
            v
        };
        for op in ops {
            op.complete(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
        }
    }
}

/// Engine-wide overlapped state (a field of the engine's shared state).
#[derive(Default)]
pub(crate) struct EngineOv {
    /// Upcalls to report through; `None` acts on the emulated objects directly.
    upcalls: RwLock<Option<Arc<dyn Upcalls>>>,
}

impl<N: Net> Engine<N> {
    /// Report completions through `upcalls` (the provider's `WSPUPCALLTABLE`) instead of
    /// acting on the emulated objects directly. Affects requests started afterwards.
    pub fn set_upcalls(&self, upcalls: Arc<dyn Upcalls>) {
        *self
            .inner
            .ov
            .upcalls
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(upcalls);
    }

    /// Associate `s` with `port` under `key` (`CreateIoCompletionPort` on a socket): every
    /// overlapped operation it starts afterwards posts a packet there on completion. A
    /// socket has one port for life: a second association fails with `WSAEINVAL`
    /// (`ERROR_INVALID_PARAMETER` on Windows).
    pub fn associate_port(&self, s: SOCKET, port: &CompletionPort, key: usize) -> WspResult<()> {
        let cell = self.cell(s)?;
        let mut st = cell.lock();
        if st.ov.port.is_some() {
            return Err(WsaError::WSAEINVAL);
        }
        st.ov.port = Some((port.clone(), key));
        Ok(())
    }

    /// Queue `work` on `cell`'s `d` queue and drive it. The one path every overlapped
    /// operation takes.
    pub(crate) fn issue(
        &self,
        cell: &Arc<SocketCell<N>>,
        d: Dir,
        buffers: Buffers,
        ov: Overlapped,
        work: Work,
    ) -> WspResult<Issued> {
        let shared = OpShared::new(cell.handle, ov.key, buffers);
        let upcalls = self
            .inner
            .ov
            .upcalls
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Overlapped {
            event,
            routine,
            thread,
            skip_port,
            ..
        } = ov;
        let op = {
            let mut st = cell.lock();
            if st.closed {
                return Err(WsaError::WSAENOTSOCK);
            }
            let op = Arc::new(Op {
                shared: shared.clone(),
                work: Mutex::new(Some(work)),
                notifier: Mutex::new(Some(Notifier {
                    upcalls,
                    // With a completion routine, hEvent is ignored (WSARecv page).
                    event: if routine.is_some() { None } else { event },
                    routine,
                    thread: thread.unwrap_or_else(current_thread),
                    port: if skip_port { None } else { st.ov.port.clone() },
                })),
            });
            st.ov.queue(d).push_back(op.clone());
            st.ov.record(&shared);
            op
        };
        cell.drive(d);
        let (result, inline) = {
            let mut st = shared.lock();
            st.issuing = false;
            (st.result, st.failed_inline)
        };
        drop(op);
        if inline {
            cell.lock().ov.forget(&shared);
            return Err(result.and_then(|r| r.error).unwrap_or(WsaError::WSAEFAULT));
        }
        Ok(Issued {
            op: OpHandle { inner: shared },
            immediate: result,
        })
    }

    /// `WSPRecv`/`WSPRecvFrom` with an overlapped request.
    pub(crate) fn recv_ov(
        &self,
        s: SOCKET,
        mut bufs: Box<dyn RecvBufs>,
        flags: u32,
        want_from: bool,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        if cell.props.flags & WSA_FLAG_OVERLAPPED == 0 {
            // lpOverlapped and lpCompletionRoutine are "ignored for nonoverlapped
            // sockets" (WSARecv page): the call has the ordinary synchronous semantics.
            let mut f = flags;
            let mut from = SockAddr::default();
            let r = {
                let mut slices = bufs.slices();
                self.recv_common(s, &mut slices, &mut f, want_from.then_some(&mut from))
            };
            let n = r?;
            if want_from && cell.props.ty != SOCK_STREAM {
                bufs.set_from(&from);
            }
            return Ok(done_now(s, ov.key, Buffers::Recv(bufs), OpResult::ok(n, f)));
        }
        let r = self.recv_checks(&cell, flags);
        // Any recv-family call, even a failing one, re-enables FD_READ and FD_OOB.
        cell.reenable(FD_READ | FD_OOB);
        r?;
        let work = recv_work(&cell, flags);
        let r = self.issue(&cell, Dir::Recv, Buffers::Recv(bufs), ov, work);
        cell.reenable(FD_READ | FD_OOB);
        r
    }

    fn recv_checks(&self, cell: &Arc<SocketCell<N>>, f: u32) -> WspResult<()> {
        let stream = cell.props.ty == SOCK_STREAM;
        let st = cell.lock();
        if f & !RECV_FLAGS != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
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
            if f & (MSG_OOB | MSG_WAITALL) != 0 {
                return Err(WsaError::WSAEOPNOTSUPP);
            }
        }
        if st.shut_rd {
            return Err(WsaError::WSAESHUTDOWN);
        }
        Ok(())
    }

    /// `WSPSend`/`WSPSendTo` with an overlapped request.
    pub(crate) fn send_ov(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        if cell.props.flags & WSA_FLAG_OVERLAPPED == 0 {
            // Ignored for nonoverlapped sockets (WSASend page): synchronous semantics.
            let n = {
                let slices = bufs.slices();
                self.send_common(s, &slices, flags, to)
            }?;
            return Ok(done_now(s, ov.key, Buffers::Send(bufs), OpResult::ok(n, 0)));
        }
        let r = self.send_checks(&cell, &*bufs, flags, to);
        cell.reenable(FD_WRITE);
        let target = r?;
        let work = send_work(&cell, flags, target);
        self.issue(&cell, Dir::Send, Buffers::Send(bufs), ov, work)
    }

    fn send_checks(
        &self,
        cell: &Arc<SocketCell<N>>,
        bufs: &dyn SendBufs,
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<Option<SocketAddr>> {
        if flags & !SEND_FLAGS != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let stream = cell.props.ty == SOCK_STREAM;
        let st = cell.lock();
        if st.shut_wr {
            return Err(WsaError::WSAESHUTDOWN);
        }
        if stream {
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
        let total: usize = bufs.slices().iter().map(|b| b.len()).sum();
        let max = self.inner.catalog[cell.props.catalog_index].dwMessageSize;
        if total > max as usize {
            return Err(WsaError::WSAEMSGSIZE);
        }
        match to {
            Some(a) => {
                let addr = a.parse(cell.props.af)?;
                if addr.ip().is_unspecified() || addr.port() == 0 {
                    return Err(WsaError::WSAEADDRNOTAVAIL);
                }
                Ok(Some(addr))
            }
            None if st.conn == Conn::Connected => Ok(None),
            None => Err(WsaError::WSAENOTCONN),
        }
    }

    /// `WSPIoctl` with an overlapped request. Every ioctl this engine knows completes at
    /// once, so the request completes immediately (and still notifies).
    pub(crate) fn ioctl_ov(
        &self,
        s: SOCKET,
        code: u32,
        input: &[u8],
        mut output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        let n = {
            let mut slices = output.slices();
            let out: &mut [u8] = match slices.first_mut() {
                Some(b) => b,
                None => &mut [],
            };
            crate::Wsp::ioctl(self, s, code, input, out)
        }?;
        let r = OpResult::ok(n, 0);
        if cell.props.flags & WSA_FLAG_OVERLAPPED == 0 {
            return Ok(done_now(s, ov.key, Buffers::Recv(output), r));
        }
        let mut once = Some(r);
        let work: Work = Box::new(move |_| Attempt::Done(once.take().unwrap_or(r)));
        self.issue(&cell, Dir::Send, Buffers::Recv(output), ov, work)
    }

    /// `WSPGetOverlappedResult` with the operation's whole outcome: `Ok(result)` once the
    /// request completed (its `error` is the operation's own), `WSA_IO_INCOMPLETE` while
    /// pending without `wait`, `WSAEINVAL` for a key this socket never used.
    pub fn overlapped_result(&self, s: SOCKET, key: usize, wait: bool) -> WspResult<OpResult> {
        let cell = self.cell(s)?;
        let op = cell.lock().ov.lookup(key).ok_or(WsaError::WSAEINVAL)?;
        if let Some(r) = op.lock().result {
            return Ok(r);
        }
        if !wait {
            return Err(WsaError::WSA_IO_INCOMPLETE);
        }
        let mut out = None;
        self.inner.net.block_until(&op.gate, None, &mut || {
            out = op.lock().result;
            out.is_some()
        });
        out.ok_or(WsaError::WSA_IO_INCOMPLETE)
    }

    /// Wait on the backend's clock for `op` (a convenience over [`OpHandle::wait`]).
    pub fn wait_op(&self, op: &OpHandle, timeout: Option<Duration>) -> Option<OpResult> {
        op.wait(&*self.inner.net, timeout)
    }

    /// Take a packet from `port`, waiting on the backend's clock (a convenience over
    /// [`CompletionPort::get`]; `GetQueuedCompletionStatus`).
    pub fn get_queued(&self, port: &CompletionPort, timeout: Option<Duration>) -> Option<Packet> {
        port.get(&*self.inner.net, timeout)
    }
}

/// A handle for an operation that finished inside the call, with no notification
/// (non-overlapped sockets).
fn done_now(s: SOCKET, key: usize, buffers: Buffers, r: OpResult) -> Issued {
    let shared = OpShared::new(s, key, buffers);
    {
        let mut st = shared.lock();
        st.result = Some(r);
        st.issuing = false;
    }
    Issued {
        op: OpHandle { inner: shared },
        immediate: Some(r),
    }
}

/// Record a reset seen by an overlapped call, as the synchronous path does.
fn note_reset<N: Net>(cell: &Weak<SocketCell<N>>, e: WsaError) {
    if e == WsaError::WSAECONNRESET || e == WsaError::WSAECONNABORTED {
        if let Some(c) = cell.upgrade() {
            c.lock().reset = true;
        }
    }
}

fn recv_work<N: Net>(cell: &Arc<SocketCell<N>>, f: u32) -> Work {
    let net = cell.net.clone();
    let host: HostSocket = cell.host;
    let weak = Arc::downgrade(cell);
    let stream = cell.props.ty == SOCK_STREAM;
    let io = IoFlags {
        peek: f & MSG_PEEK != 0,
        oob: f & MSG_OOB != 0,
        dontroute: false,
    };
    let want_all = f & MSG_WAITALL != 0 && f & MSG_PEEK == 0;
    let mut total = 0usize;
    Box::new(move |op: &OpShared| {
        if stream {
            if let Some(c) = weak.upgrade() {
                if c.lock().reset {
                    return Attempt::Done(OpResult::err(WsaError::WSAECONNRESET));
                }
            }
        }
        let mut st = op.lock();
        let st = &mut *st;
        let Buffers::Recv(b) = &mut st.buffers else {
            return Attempt::Done(OpResult::err(WsaError::WSAEFAULT));
        };
        loop {
            let (res, capacity) = {
                let mut slices = b.slices();
                let capacity: usize = slices.iter().map(|s| s.len()).sum();
                let mut rest = skip_mut(&mut slices, total);
                (net.recv(host, &mut rest, io), capacity)
            };
            match res {
                Ok(r) => {
                    if let (false, Some(src)) = (stream, r.from) {
                        let a = SockAddr::from_std(src);
                        b.set_from(&a);
                        st.from = Some(a);
                    }
                    if !stream {
                        return Attempt::Done(if r.truncated {
                            // Observed (Wine's overlapped receive, matching Windows): a
                            // truncated datagram completes with WSAEMSGSIZE, the buffers
                            // full, and MSG_PARTIAL in the result flags.
                            OpResult {
                                error: Some(WsaError::WSAEMSGSIZE),
                                bytes: r.bytes as u32,
                                flags: MSG_PARTIAL,
                            }
                        } else {
                            OpResult::ok(r.bytes, 0)
                        });
                    }
                    total += r.bytes;
                    if !want_all || r.bytes == 0 || total >= capacity {
                        return Attempt::Done(OpResult::ok(total, 0));
                    }
                }
                Err(WsaError::WSAEWOULDBLOCK) => return Attempt::WouldBlock,
                Err(WsaError::WSAECONNREFUSED)
                    if !stream && !weak.upgrade().is_some_and(|c| c.lock().opts.udp_connreset) =>
                {
                    // SIO_UDP_CONNRESET off: the ICMP error is dropped (as in recv).
                    continue;
                }
                Err(e) => {
                    if !stream {
                        // Connected UDP, ICMP port unreachable: WSAECONNRESET (see recv).
                        let e = if e == WsaError::WSAECONNREFUSED {
                            WsaError::WSAECONNRESET
                        } else {
                            e
                        };
                        return Attempt::Done(OpResult::err(e));
                    }
                    note_reset(&weak, e);
                    return Attempt::Done(OpResult::err(e));
                }
            }
        }
    })
}

fn send_work<N: Net>(cell: &Arc<SocketCell<N>>, flags: u32, target: Option<SocketAddr>) -> Work {
    let net = cell.net.clone();
    let host = cell.host;
    let weak = Arc::downgrade(cell);
    let stream = cell.props.ty == SOCK_STREAM;
    let io = IoFlags {
        peek: false,
        oob: flags & MSG_OOB != 0,
        dontroute: flags & MSG_DONTROUTE != 0,
    };
    let mut sent = 0usize;
    Box::new(move |op: &OpShared| {
        let st = op.lock();
        let Buffers::Send(b) = &st.buffers else {
            return Attempt::Done(OpResult::err(WsaError::WSAEFAULT));
        };
        let slices = b.slices();
        let total: usize = slices.iter().map(|s| s.len()).sum();
        loop {
            let rest = skip(&slices, sent);
            match net.send(host, &rest, target, io) {
                Ok(n) => {
                    if !stream {
                        if let Some(c) = weak.upgrade() {
                            // A datagram socket is bound by its first send.
                            c.lock().bound = true;
                        }
                        return Attempt::Done(OpResult::ok(n, 0));
                    }
                    sent += n;
                    if sent >= total || n == 0 {
                        return Attempt::Done(OpResult::ok(sent, 0));
                    }
                }
                Err(WsaError::WSAEWOULDBLOCK) => return Attempt::WouldBlock,
                Err(e) => {
                    let e = if !stream && e == WsaError::WSAECONNREFUSED {
                        WsaError::WSAECONNRESET
                    } else {
                        e
                    };
                    if stream {
                        note_reset(&weak, e);
                    }
                    return Attempt::Done(OpResult::err(e));
                }
            }
        }
    })
}
