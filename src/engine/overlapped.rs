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

use super::socket::SocketCell;
use super::{skip, skip_mut, Engine, READ_WANT, WRITE_WANT};
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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, TryLockError, Weak};
use std::time::Duration;

/// Most completed requests a socket remembers for `WSPGetOverlappedResult`.
const RECORDS_KEPT: usize = 1024;

/// One try of an operation's host call.
pub(crate) enum Attempt {
    /// Finished with this result.
    Done(OpResult),
    /// The host would block; try again on the next report.
    WouldBlock,
    /// This stage is done but the operation is not: the driver takes the operation off
    /// this queue and hands it to the closure, which gives it its next stage (usually on
    /// another socket's queue: AcceptEx with a receive length waits on the accepted
    /// socket for the first data block) or completes it. Called with no lock held.
    Handoff(Handoff),
}

/// The continuation of an [`Attempt::Handoff`].
pub(crate) type Handoff = Box<dyn FnOnce(Arc<Op>) + Send>;

/// An operation's work: called with its shared state (to reach the buffers).
pub(crate) type Work = Box<dyn FnMut(&OpShared) -> Attempt + Send>;

/// Which queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Recv,
    Send,
    /// Not driven by readiness: completed by a close or a cancel only.
    Parked,
}

/// How a completed operation tells the world.
struct Notifier {
    upcalls: Option<Arc<dyn Upcalls>>,
    event: Option<Event>,
    routine: Option<CompletionRoutine>,
    thread: ThreadHandle,
    port: Option<(CompletionPort, usize)>,
    /// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` was set on the socket when the request was
    /// issued: a success inside the issuing call posts no packet.
    skip_port_on_success: bool,
}

/// A queued operation.
pub(crate) struct Op {
    pub shared: Arc<OpShared>,
    work: Mutex<Option<Work>>,
    notifier: Mutex<Option<Notifier>>,
    /// A cancel (CancelIoEx, or a close of the other socket of an AcceptEx) found a driver
    /// inside this operation's attempt: the driver completes it with
    /// `WSA_OPERATION_ABORTED` if the attempt would block. An attempt that finished wins.
    cancel: AtomicBool,
    /// A send-queue operation that puts bytes on the stream: it waits for the socket's
    /// send backlog (backlog.rs). Cleared for ioctls that only use the queue for ordering
    /// and notification.
    after_backlog: AtomicBool,
}

impl Op {
    fn attempt(&self) -> Option<Attempt> {
        let mut w = self.work.lock().unwrap_or_else(|p| p.into_inner());
        w.as_mut().map(|f| f(&self.shared))
    }

    /// Give the operation its next stage's work (after an [`Attempt::Handoff`]).
    pub fn set_work(&self, work: Work) {
        if !self.is_done() {
            *self.work.lock().unwrap_or_else(|p| p.into_inner()) = Some(work);
        }
    }

    /// Whether it completed (or is completing).
    pub fn is_done(&self) -> bool {
        self.notifier
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    /// Whether a cancel was asked for.
    pub fn cancel_requested(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Cancel: complete with `WSA_OPERATION_ABORTED` now, unless a driver is inside an
    /// attempt on it; then the driver does it when that attempt would block (and an
    /// attempt that completed keeps its result: no data is lost to a cancel). Each
    /// operation still completes exactly once ([`Op::complete`]).
    pub fn try_cancel(&self) {
        // Flag first: a driver that holds the work now reads the flag after it lets go.
        self.cancel.store(true, Ordering::SeqCst);
        let free = match self.work.try_lock() {
            Ok(mut w) => Some(w.take()),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner().take()),
            Err(TryLockError::WouldBlock) => None,
        };
        if let Some(work) = free {
            drop(work);
            self.complete(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
        }
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
        let (inline, buffers, to_port, watchers) = {
            let mut st = self.shared.lock();
            st.result = Some(r);
            let watchers = std::mem::take(&mut st.watchers);
            let inline = st.issuing && r.error.is_some();
            st.failed_inline = inline;
            let skip = st.issuing && r.error.is_none() && n.skip_port_on_success;
            let to_port = !inline && !skip && n.port.is_some() && n.routine.is_none();
            let buffers = if to_port {
                std::mem::take(&mut st.buffers)
            } else {
                Buffers::None
            };
            (inline, buffers, to_port, watchers)
        };
        for w in watchers {
            w(r);
        }
        if inline {
            self.shared.gate.notify();
            // The issuing call reports the error itself; no completion indication.
            return true;
        }
        let (socket, key) = (self.shared.socket, self.shared.key);
        if let Some(up) = &n.upcalls {
            let _ = up.complete_overlapped(socket, key, r.error, r.bytes, r.flags);
        }
        // Waiters (WSPGetOverlappedResult with fWait) wake only once the caller's
        // WSAOVERLAPPED holds the outcome, as on Windows, where Internal/InternalHigh are
        // written before anything that waits on the request is released.
        self.shared.gate.notify();
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
            if let Some((port, ckey)) = n.port.filter(|_| to_port) {
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
    /// Operations that wait for an event rather than readiness (`SIO_ADDRESS_LIST_CHANGE`,
    /// `SIO_ROUTING_INTERFACE_CHANGE`): never driven; completed by a close or a cancel.
    parked: VecDeque<Arc<Op>>,
    /// Operations issued on this socket that now wait on another socket's queue (AcceptEx
    /// waiting for the first data block on the accepted socket): closing or cancelling
    /// this socket aborts them too.
    pub moved: Vec<Arc<Op>>,
    /// The AcceptEx that will fill this (accept) socket, while it waits for a connection
    /// on the listener's queue: closing this socket aborts it.
    pub accept_ex: Option<Arc<Op>>,
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
    /// `SetFileCompletionNotificationModes` flags (`FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`
    /// 1, `FILE_SKIP_SET_EVENT_ON_HANDLE` 2); set once, never cleared (as on Windows).
    pub notification_modes: u8,
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
            Dir::Parked => &mut self.parked,
        }
    }
    fn driving(&mut self, d: Dir) -> &mut bool {
        match d {
            Dir::Recv => &mut self.driving_recv,
            // Parked operations are never driven; the flag is only ever read.
            Dir::Send | Dir::Parked => &mut self.driving_send,
        }
    }
    /// Whether overlapped sends wait in the send queue.
    pub fn send_pending(&self) -> bool {
        !self.send.is_empty()
    }
    /// Put `op` at the back of `d`'s queue (a handoff's next stage).
    pub fn push(&mut self, d: Dir, op: Arc<Op>) {
        self.queue(d).push_back(op);
    }
    /// Remember an operation issued here that moved to another socket's queue.
    pub fn note_moved(&mut self, op: Arc<Op>) {
        self.moved.retain(|o| !o.is_done());
        self.moved.push(op);
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
        let want = match d {
            Dir::Recv => READ_WANT,
            Dir::Send => WRITE_WANT,
            Dir::Parked => return,
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
            if head.after_backlog.load(Ordering::Relaxed) && !self.tx_clear() {
                // Bytes an earlier non-blocking send left go first (backlog.rs); its drain
                // drives this queue again. Decided under the lock, so a drain that finished
                // meanwhile is not missed.
                let mut st = self.lock();
                if st.tx.is_some() || st.tx_busy {
                    *st.ov.driving(d) = false;
                    return;
                }
                continue;
            }
            match head.attempt() {
                Some(Attempt::WouldBlock) if head.cancel_requested() => {
                    // A cancel came while this attempt ran (`Op::try_cancel`).
                    self.pop_if_head(d, &head);
                    head.complete(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
                }
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
                Some(Attempt::Handoff(next)) => {
                    self.pop_if_head(d, &head);
                    next(head);
                }
                outcome => {
                    self.pop_if_head(d, &head);
                    if let Some(Attempt::Done(r)) = outcome {
                        head.complete(r);
                    }
                }
            }
        }
    }

    fn pop_if_head(&self, d: Dir, head: &Arc<Op>) {
        let mut st = self.lock();
        let q = st.ov.queue(d);
        if q.front().is_some_and(|h| Arc::ptr_eq(h, head)) {
            q.pop_front();
        }
    }

    /// Complete every queued operation in the chosen directions with
    /// `WSA_OPERATION_ABORTED` (close, cleanup, shutdown).
    pub fn abort_overlapped(&self, recv: bool, send: bool) {
        let (ops, elsewhere) = {
            let mut st = self.lock();
            let mut v: Vec<Arc<Op>> = Vec::new();
            let mut elsewhere: Vec<Arc<Op>> = Vec::new();
            if recv {
                v.extend(st.ov.recv.drain(..));
            }
            if send {
                v.extend(st.ov.send.drain(..));
            }
            if st.closed {
                // Change notifications end with the socket (SIO_ADDRESS_LIST_CHANGE page:
                // they complete when the socket is closed); operations issued here that
                // wait elsewhere, and the AcceptEx that was to fill this socket, abort
                // with it (AcceptEx: Wine's test_AcceptEx, closing either socket with a
                // request pending gives ERROR_OPERATION_ABORTED).
                v.extend(st.ov.parked.drain(..));
                elsewhere.append(&mut st.ov.moved);
                elsewhere.extend(st.ov.accept_ex.take());
            }
            (v, elsewhere)
        };
        for op in ops {
            op.complete(OpResult::err(WsaError::WSA_OPERATION_ABORTED));
        }
        for op in elsewhere {
            op.try_cancel();
        }
    }

    /// `CancelIoEx`: cancel the operations issued on this socket that are still pending
    /// (only the one named `key`, if given), each completing once with
    /// `WSA_OPERATION_ABORTED` and notifying as it asked. Returns how many were found.
    ///
    /// Only operations *issued on* this socket are cancelled: an AcceptEx belongs to its
    /// listening socket, so cancelling the accept socket leaves it pending (Wine's
    /// test_AcceptEx: `CancelIo(acceptor)` then the event stays unsignalled), and
    /// cancelling the listener cancels it at either stage.
    pub fn cancel_overlapped(&self, key: Option<usize>) -> usize {
        let mine = |op: &Arc<Op>| {
            op.shared.socket == self.handle
                && key.is_none_or(|k| op.shared.key == k)
                && !op.is_done()
        };
        let found: Vec<Arc<Op>> = {
            let mut st = self.lock();
            let mut v = Vec::new();
            for d in [Dir::Recv, Dir::Send, Dir::Parked] {
                v.extend(st.ov.queue(d).iter().filter(|o| mine(o)).cloned());
            }
            v.extend(st.ov.moved.iter().filter(|o| mine(o)).cloned());
            v
        };
        for op in &found {
            op.try_cancel();
        }
        if !found.is_empty() {
            // Drop the completed ones from the queues; a driver mid-attempt keeps its op.
            let mut st = self.lock();
            for d in [Dir::Recv, Dir::Send, Dir::Parked] {
                st.ov.queue(d).retain(|o| !o.is_done());
            }
            st.ov.moved.retain(|o| !o.is_done());
        }
        found.len()
    }
}

/// Engine-wide overlapped state (a field of the engine's shared state).
#[derive(Default)]
pub(crate) struct EngineOv {
    /// Upcalls to report through; `None` acts on the emulated objects directly. Shared
    /// with every socket cell, whose event-select and async-select delivery uses it too.
    pub(crate) upcalls: UpcallSlot,
}

/// Where the engine's upcalls go: shared by the engine and each socket.
pub(crate) type UpcallSlot = Arc<RwLock<Option<Arc<dyn Upcalls>>>>;

impl<N: Net> Engine<N> {
    /// Report through `upcalls` (the provider's `WSPUPCALLTABLE`) instead of acting on the
    /// emulated objects directly: overlapped completions (requests started afterwards) and
    /// event-select / async-select delivery (`WPUSetEvent`, `WPUResetEvent`,
    /// `WPUPostMessage`).
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

    /// `SetFileCompletionNotificationModes(s, flags)`: with
    /// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` (1), a request issued afterwards that
    /// succeeds inside the issuing call posts no packet to the socket's completion port
    /// (its event is still set and its result recorded); `FILE_SKIP_SET_EVENT_ON_HANDLE`
    /// (2) is accepted and has no effect here, since a socket handle is not itself a
    /// waitable object in this engine. Flags accumulate and cannot be cleared (the page:
    /// "Once set, the modes cannot be cleared"). Other bits: `WSAEINVAL`.
    /// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes>
    pub fn set_completion_notification_modes(&self, s: SOCKET, flags: u8) -> WspResult<()> {
        if flags & !3 != 0 {
            return Err(WsaError::WSAEINVAL);
        }
        let cell = self.cell(s)?;
        cell.lock().ov.notification_modes |= flags;
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
        self.issue_with(cell, d, buffers, ov, work, |_| {})
    }

    /// [`Engine::issue`], calling `queued` with the operation just before it is queued,
    /// under `cell`'s lock (lock order: `cell`, then whatever `queued` locks).
    pub(crate) fn issue_with(
        &self,
        cell: &Arc<SocketCell<N>>,
        d: Dir,
        buffers: Buffers,
        ov: Overlapped,
        work: Work,
        queued: impl FnOnce(&Arc<Op>),
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
                    skip_port_on_success: st.ov.notification_modes & 1 != 0,
                })),
                cancel: AtomicBool::new(false),
                after_backlog: AtomicBool::new(d == Dir::Send),
            });
            // Before the push, under the socket lock: no driver can see the op yet.
            queued(&op);
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
        let r = Self::recv_checks(&cell, &cell.lock(), flags);
        // Any recv-family call, even a failing one, re-enables FD_READ and FD_OOB.
        cell.reenable(FD_READ | FD_OOB);
        r?;
        let work = recv_work(&cell, flags);
        let r = self.issue(&cell, Dir::Recv, Buffers::Recv(bufs), ov, work);
        cell.reenable(FD_READ | FD_OOB);
        r
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
        let total: usize = bufs.slices().iter().map(|b| b.len()).sum();
        let r = self.send_checks(&cell, &cell.lock(), flags, to, total);
        cell.reenable(FD_WRITE);
        let target = r?;
        let work = send_work(&cell, flags, target);
        self.issue(&cell, Dir::Send, Buffers::Send(bufs), ov, work)
    }

    /// `CancelIoEx(s, key)` (`key: None` cancels every request issued on `s`): each
    /// pending operation completes once with `WSA_OPERATION_ABORTED`, notifying as it
    /// asked (event, routine, completion port). Returns how many were pending; the
    /// Win32 face reports `ERROR_NOT_FOUND` when a key was given and none was
    /// (CancelIoEx page). An operation a driver is completing at that moment keeps its
    /// own result, as on Windows where a request that already completed cannot be
    /// cancelled. See `SocketCell::cancel_overlapped` for which operations belong to
    /// a socket.
    /// <https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func>
    pub fn cancel_overlapped(&self, s: SOCKET, key: Option<usize>) -> WspResult<usize> {
        Ok(self.cell(s)?.cancel_overlapped(key))
    }

    /// `WSPIoctl` with an overlapped request. `SIO_ADDRESS_LIST_CHANGE` and
    /// `SIO_ROUTING_INTERFACE_CHANGE` on an overlapped socket go pending and complete
    /// when the change happens (SIO_ADDRESS_LIST_CHANGE page: "an overlapped ... call
    /// ... returns WSA_IO_PENDING and completes when the address list changes"); this
    /// provider learns of no change, so they complete only when cancelled or when the
    /// socket closes (`WSA_OPERATION_ABORTED`). Every other ioctl completes at once, and
    /// the request with it (still notifying).
    /// <https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls>
    pub(crate) fn ioctl_ov(
        &self,
        s: SOCKET,
        code: u32,
        input: &[u8],
        mut output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        let change = matches!(code, SIO_ADDRESS_LIST_CHANGE | SIO_ROUTING_INTERFACE_CHANGE)
            || (code == super::ioctl::SIO_IDEAL_SEND_BACKLOG_CHANGE
                && cell.props.ty == SOCK_STREAM
                && cell.lock().conn == super::socket::Conn::Connected);
        if change && cell.props.flags & WSA_FLAG_OVERLAPPED != 0 {
            let work: Work = Box::new(|_| Attempt::WouldBlock);
            return self.issue(&cell, Dir::Parked, Buffers::Recv(output), ov, work);
        }
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
        // Completes at once; it sends nothing, so a send backlog does not hold it up.
        self.issue_with(&cell, Dir::Send, Buffers::Recv(output), ov, work, |op| {
            op.after_backlog.store(false, Ordering::Relaxed)
        })
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

pub(super) fn recv_work<N: Net>(cell: &Arc<SocketCell<N>>, f: u32) -> Work {
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
                    let mut cflags = 0;
                    if let (false, Some(info)) = (stream, r.pktinfo) {
                        let wanted = weak.upgrade().map(|c| (c.props.af, c.lock().opts.pktinfo));
                        if let Some((af, true)) = wanted {
                            if !b.set_control(&super::extensions::pktinfo_cmsg(af, &info)) {
                                cflags = MSG_CTRUNC;
                            }
                        }
                    }
                    if !stream {
                        return Attempt::Done(if r.truncated {
                            // Observed (Wine's overlapped receive, matching Windows): a
                            // truncated datagram completes with WSAEMSGSIZE, the buffers
                            // full, and MSG_PARTIAL in the result flags.
                            OpResult {
                                error: Some(WsaError::WSAEMSGSIZE),
                                bytes: r.bytes as u32,
                                flags: MSG_PARTIAL | cflags,
                            }
                        } else {
                            OpResult::ok(r.bytes, cflags)
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
