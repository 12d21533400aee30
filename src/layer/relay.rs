//! Overlapped requests completed on the layer's own handle, as a Windows LSP does.
//!
//! A caller's overlapped request never goes down as it is. The layer issues a request of
//! its own below ([`Relays::issue`]): its own key (the address of the [`Relay`], so it can
//! never equal a live caller `WSAOVERLAPPED`), no routine, no completion port, and as its
//! event a [`Event::forwarding`] one that runs the relay when the provider below signals
//! it. The relay then completes the caller's request for the *layer's* socket through the
//! layer's upcalls, in the order the engine uses ([`crate::overlapped`]):
//! `complete_overlapped` (`WPUCompleteOverlappedRequest`'s bookkeeping: the C provider
//! writes `Internal`/`InternalHigh` of the caller's `WSAOVERLAPPED`), then the completion
//! routine through `queue_apc` (`WPUQueueApc`) to the caller's thread, or else the event
//! through `set_event` and a packet to the completion port the *layer's* socket is
//! associated with (under the layer handle's key).
//!
//! Every provider below signals a request's event only after its result is visible in the
//! request's [`OpHandle`] (the engine, [`crate::layer::Layered`] itself, and the provider
//! crate's wrapper over a foreign table all do), so the relay reads the result and takes
//! the caller's buffers back from the lower handle when it runs. The event may be set while
//! the issuing call is still below (an immediate completion notifies too); then the issuer
//! finishes the relay when the lower handle is in its hands. Each caller request is
//! recorded once and notified once, whoever gets there first; a lower request that
//! completes in the call without any notification (a non-overlapped socket) completes the
//! caller's record and notifies nothing, as below.
//!
//! `WSPGetOverlappedResult`, `CancelIoEx` and completion-port association are answered
//! from the relays of the layer's socket; close and cleanup abort below, and the aborts
//! come back up through the relays like any completion.

use crate::error::WsaError;
use crate::overlapped::{
    Buffers, CompletionPort, CompletionRoutine, Issued, OpCompleter, OpHandle, OpResult,
    Overlapped, Packet,
};
use crate::sync::{current_thread, Event, RealTime, ThreadHandle};
use crate::types::SOCKET;
use crate::upcall::Upcalls;
use crate::wsp::WspResult;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// Most requests a layer socket remembers for `WSPGetOverlappedResult` (completed ones
/// beyond it are forgotten oldest first, as the engine does).
const RECORDS_KEPT: usize = 1024;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// How the caller asked to be told.
struct Notify {
    event: Option<Event>,
    routine: Option<CompletionRoutine>,
    thread: ThreadHandle,
    port: Option<(CompletionPort, usize)>,
}

#[derive(Default)]
struct State {
    /// The request below, once the issuing call returned it.
    lower: Option<OpHandle>,
    /// The provider below signalled the request's event.
    fired: bool,
    /// The caller's record holds the result (and the buffers).
    recorded: bool,
}

/// One caller request, relayed.
pub(super) struct Relay {
    /// The layer's socket (what the caller issued on).
    socket: SOCKET,
    /// The caller's key (`lpOverlapped`).
    key: usize,
    op: OpHandle,
    completer: OpCompleter,
    upcalls: Arc<dyn Upcalls>,
    state: Mutex<State>,
    notify: Mutex<Option<Notify>>,
}

impl Relay {
    /// The key of the request below.
    fn lower_key(self: &Arc<Self>) -> usize {
        Arc::as_ptr(self) as usize
    }

    fn lower(&self) -> Option<OpHandle> {
        lock(&self.state).lower.clone()
    }

    /// The provider below signalled: finish now if the lower handle is known, else the
    /// issuer will.
    fn fired(&self) {
        let lower = {
            let mut st = lock(&self.state);
            st.fired = true;
            st.lower.clone()
        };
        if let Some(l) = lower {
            self.finish(&l);
        }
    }

    /// The issuing call returned `lower`; `immediate` if it completed in the call.
    fn issued(&self, lower: &OpHandle, immediate: bool) {
        let fired = {
            let mut st = lock(&self.state);
            st.lower = Some(lower.clone());
            st.fired
        };
        if fired {
            self.finish(lower);
        } else if immediate {
            // Nothing signalled (yet): a non-overlapped socket below notifies nothing, so
            // the caller's record completes silently; a late signal still notifies.
            self.record(lower);
        }
    }

    /// Copy the lower result (and hand the buffers back) into the caller's record, once.
    /// Returns whether the record is complete.
    fn record(&self, lower: &OpHandle) -> bool {
        let mut st = lock(&self.state);
        if st.recorded {
            return true;
        }
        let Some(r) = lower.result() else {
            return false;
        };
        let buffers = lower.take_buffers();
        self.completer.with_buffers(|b| *b = buffers);
        if let Some(from) = lower.from() {
            self.completer.set_from(from);
        }
        self.completer.complete(r);
        st.recorded = true;
        true
    }

    /// Record, then notify the caller as it asked, once.
    fn finish(&self, lower: &OpHandle) {
        if !self.record(lower) {
            return;
        }
        let Some(n) = lock(&self.notify).take() else {
            return;
        };
        let Some(r) = self.op.result() else {
            return;
        };
        let _ = self
            .upcalls
            .complete_overlapped(self.socket, self.key, r.error, r.bytes, r.flags);
        if let Some(routine) = n.routine {
            let (code, bytes, key, flags) = (r.code(), r.bytes, self.key, r.flags);
            // A thread that has exited gets no routine (Windows drops its APCs too).
            let _ = self.upcalls.queue_apc(
                &n.thread,
                Box::new(move || routine(code, bytes, key, flags)),
            );
            return;
        }
        if let Some(ev) = &n.event {
            let _ = self.upcalls.set_event(ev);
        }
        if let Some((port, ckey)) = n.port {
            let buffers = self.completer.with_buffers(std::mem::take);
            port.post_packet(Packet {
                bytes: r.bytes,
                key: ckey,
                overlapped: self.key,
                status: r.error,
                flags: r.flags,
                buffers,
            });
        }
    }
}

/// One layer socket's relays and completion-port association.
#[derive(Default)]
struct Sock {
    relays: HashMap<usize, Arc<Relay>>,
    order: VecDeque<usize>,
    port: Option<(CompletionPort, usize)>,
}

impl Sock {
    fn remember(&mut self, r: Arc<Relay>) {
        let key = r.key;
        if self.relays.insert(key, r).is_none() {
            self.order.push_back(key);
        }
        let mut budget = self.order.len();
        while self.relays.len() > RECORDS_KEPT && budget > 0 {
            budget -= 1;
            let Some(k) = self.order.pop_front() else {
                break;
            };
            if self.relays.get(&k).is_none_or(|r| r.op.result().is_some()) {
                self.relays.remove(&k);
            } else {
                self.order.push_back(k);
            }
        }
    }
}

/// The relays of one [`super::Next`], by layer socket.
#[derive(Default)]
pub(super) struct Relays {
    socks: Mutex<HashMap<SOCKET, Sock>>,
}

impl Relays {
    /// Relay the caller's request `ov` on the layer socket `s`: `below` issues the layer's
    /// own request to the provider below.
    pub fn issue(
        &self,
        upcalls: &Arc<dyn Upcalls>,
        s: SOCKET,
        ov: Overlapped,
        below: impl FnOnce(Overlapped) -> WspResult<Issued>,
    ) -> WspResult<Issued> {
        let Overlapped {
            key,
            event,
            routine,
            thread,
            skip_port,
        } = ov;
        let (op, completer) = OpHandle::external(s, key, Buffers::None);
        let port = if skip_port || routine.is_some() {
            None
        } else {
            lock(&self.socks).get(&s).and_then(|k| k.port.clone())
        };
        let relay = Arc::new(Relay {
            socket: s,
            key,
            op: op.clone(),
            completer,
            upcalls: upcalls.clone(),
            state: Mutex::new(State::default()),
            notify: Mutex::new(Some(Notify {
                // With a completion routine, hEvent is ignored (WSARecv page).
                event: if routine.is_some() { None } else { event },
                routine,
                // The issuing thread is this one (`lpThreadId`).
                thread: thread.unwrap_or_else(current_thread),
                port,
            })),
        });
        let r = relay.clone();
        let signal = Event::forwarding(move || r.fired());
        let mut mine = Overlapped::new(relay.lower_key()).with_event(&signal);
        mine.skip_port = true;
        // Recorded before it goes down, so a WSPGetOverlappedResult from another thread
        // finds it as soon as it can complete.
        lock(&self.socks)
            .entry(s)
            .or_default()
            .remember(relay.clone());
        match below(mine) {
            Ok(issued) => {
                relay.issued(&issued.op, issued.immediate.is_some());
                Ok(Issued {
                    op,
                    immediate: issued.immediate,
                })
            }
            Err(e) => {
                // Never started: nothing will be notified, and nothing is recorded.
                if let Some(k) = lock(&self.socks).get_mut(&s) {
                    if k.relays.get(&key).is_some_and(|x| Arc::ptr_eq(x, &relay)) {
                        k.relays.remove(&key);
                        k.order.retain(|&x| x != key);
                    }
                }
                Err(e)
            }
        }
    }

    fn relay(&self, s: SOCKET, key: usize) -> Option<Arc<Relay>> {
        lock(&self.socks).get(&s)?.relays.get(&key).cloned()
    }

    /// `WSPGetOverlappedResult` for the caller's request `key` on the layer socket `s`.
    /// `wait_below(lower_key)` waits for the request below through the provider below (on
    /// its own clock). An unknown key is `WSAEINVAL`, as the engine answers.
    pub fn result(
        &self,
        s: SOCKET,
        key: usize,
        wait: bool,
        wait_below: impl FnOnce(usize),
    ) -> WspResult<OpResult> {
        let relay = self.relay(s, key).ok_or(WsaError::WSAEINVAL)?;
        if let Some(r) = relay.op.result() {
            return Ok(r);
        }
        let lower = relay.lower();
        if let Some(l) = &lower {
            relay.record(l);
            if let Some(r) = relay.op.result() {
                return Ok(r);
            }
        }
        if !wait {
            return Err(WsaError::WSA_IO_INCOMPLETE);
        }
        if let Some(l) = &lower {
            wait_below(relay.lower_key());
            relay.record(l);
        }
        // Recorded by now, or about to be by the thread completing it (the issuing call
        // has not returned the lower handle yet): the record's own gate wakes us.
        relay
            .op
            .wait(&RealTime, None)
            .ok_or(WsaError::WSA_IO_INCOMPLETE)
    }

    /// The key below for the caller's pending request `key` on `s` (`CancelIoEx`).
    pub fn pending_lower_key(&self, s: SOCKET, key: usize) -> Option<usize> {
        self.relay(s, key)
            .filter(|r| r.op.result().is_none())
            .map(|r| r.lower_key())
    }

    /// Associate the layer socket `s` with `port` under `key`; one port per socket for
    /// life (`WSAEINVAL` for a second, as the engine and Windows answer).
    pub fn associate(&self, s: SOCKET, port: &CompletionPort, key: usize) -> WspResult<()> {
        let mut socks = lock(&self.socks);
        let k = socks.entry(s).or_default();
        if k.port.is_some() {
            return Err(WsaError::WSAEINVAL);
        }
        k.port = Some((port.clone(), key));
        Ok(())
    }

    /// Forget the layer socket `s` (closed).
    pub fn forget(&self, s: SOCKET) {
        let gone = lock(&self.socks).remove(&s);
        drop(gone);
    }

    /// Relays kept now (for tests of the bound).
    pub fn len(&self) -> usize {
        lock(&self.socks).values().map(|k| k.relays.len()).sum()
    }
}
