//! Network-event notification: `WSPEventSelect`, `WSPAsyncSelect` and
//! `WSPEnumNetworkEvents`.
//!
//! Windows' rules, from the WSAEventSelect and WSAAsyncSelect pages
//! (<https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaeventselect>,
//! <https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaasyncselect>):
//!
//! * A selected event is **recorded once** (event select: a bit in the record plus the event
//!   object set; async select: one message posted) and then not again until the call that
//!   re-enables it: `recv`-family calls re-enable FD_READ and FD_OOB, `send`-family calls
//!   FD_WRITE, `accept` FD_ACCEPT (not when a condition function deferred). FD_CONNECT and
//!   FD_CLOSE are never re-enabled. Any re-enabling call, even a failing one, re-enables.
//! * FD_READ, FD_OOB and FD_ACCEPT are level-triggered: when re-enabled while the condition
//!   still holds (data left after a partial read), they are recorded again at once.
//! * FD_WRITE is recorded when a connection is established, and after a send failed with
//!   `WSAEWOULDBLOCK` once buffer space is available; a datagram socket can always send.
//!   On a stream, "space is available" includes an empty send backlog (backlog.rs): a
//!   non-blocking send takes the whole buffer, and FD_WRITE follows the backlog's drain.
//! * FD_CLOSE after a graceful close is recorded only once no data is left to read; after a
//!   reset it carries `WSAECONNRESET`.
//! * Selecting (EventSelect or AsyncSelect) replaces any earlier selection, clears the
//!   record, re-enables everything, makes the socket non-blocking, and records at once every
//!   selected event whose condition already holds (e.g. FD_WRITE on a connected socket,
//!   FD_CONNECT on a connected one, FD_ACCEPT with a connection queued).
//! * Messages already posted stay in the queue after a new selection or a close (as on
//!   Windows); applications must tolerate them.

use super::socket::{Conn, Probe, SocketCell};
use crate::error::WsaError;
use crate::net::{Net, Readiness};
use crate::sync::{Event, Hwnd, WSAMAKESELECTREPLY};
use crate::types::*;

/// Where recorded events go.
#[derive(Clone, Debug, Default)]
pub(crate) enum Target {
    /// No selection.
    #[default]
    None,
    /// `WSPEventSelect`: record, and set the event.
    Event(Event),
    /// `WSPAsyncSelect`: post `(hwnd, msg, socket, WSAMAKESELECTREPLY(event, error))`.
    Window(Hwnd, u32),
}

/// A socket's selection and event record.
#[derive(Clone, Debug, Default)]
pub(crate) struct Notify {
    pub target: Target,
    /// Selected events (`lNetworkEvents`).
    pub mask: i32,
    /// Events that may be recorded now (cleared when recorded, set by re-enabling calls).
    pub enabled: i32,
    /// Recorded and not yet enumerated (event select).
    pub recorded: i32,
    /// Error code per recorded event.
    pub errors: [i32; FD_MAX_EVENTS],
    /// FD_WRITE's condition: a connection was established, or a send would have blocked
    /// and space may be free again. Consumed when FD_WRITE is recorded.
    pub write_armed: bool,
}

impl Notify {
    /// Whether any selection is active.
    pub fn active(&self) -> bool {
        self.mask != 0 && !matches!(self.target, Target::None)
    }
}

/// The order in which events found together are recorded/posted.
const ORDER: [i32; 10] = [
    FD_CONNECT,
    FD_ACCEPT,
    FD_READ,
    FD_OOB,
    FD_WRITE,
    FD_CLOSE,
    FD_QOS,
    FD_GROUP_QOS,
    FD_ROUTING_INTERFACE_CHANGE,
    FD_ADDRESS_LIST_CHANGE,
];

fn bit_of(ev: i32) -> usize {
    ev.trailing_zeros() as usize
}

impl<N: Net> SocketCell<N> {
    /// Re-enable `events` (a re-enabling call happened) and record what now holds.
    pub fn reenable(&self, events: i32) {
        {
            let mut st = self.lock();
            if !st.notify.active() {
                return;
            }
            st.notify.enabled |= events;
        }
        self.evaluate();
    }

    /// Record every selected, enabled event whose condition holds, and deliver it.
    pub fn evaluate(&self) {
        let ready_only_data;
        let (check_read, check_accept) = {
            let st = self.lock();
            if !st.notify.active() || st.closed {
                return;
            }
            let want = st.notify.mask & st.notify.enabled;
            ready_only_data = st.ready.contains(Readiness::READABLE)
                && !st
                    .ready
                    .intersects(Readiness::READ_CLOSED | Readiness::ERROR)
                && !super::framed::buffered_input(&st)
                && super::framed::of(&st).is_none();
            let readable = st
                .ready
                .intersects(Readiness::READABLE | Readiness::READ_CLOSED)
                || super::framed::buffered_input(&st);
            (
                want & (FD_READ | FD_CLOSE) != 0 && readable && !st.listening,
                want & FD_ACCEPT != 0
                    && st.listening
                    && st.backlog.is_empty()
                    && st.ready.contains(Readiness::READABLE),
            )
        };
        let probe = if !check_read {
            Probe::Nothing
        } else if ready_only_data {
            // Reported readable since the last drain, with no hang-up or error to tell
            // apart: data is waiting (a stale bit costs at most one WSAEWOULDBLOCK, which
            // Windows documents as possible after FD_READ). Saves a MSG_PEEK per event.
            Probe::Data
        } else {
            self.probe_read()
        };
        if let Probe::Failed(e) = probe {
            if self.props.ty == SOCK_STREAM {
                let mut st = self.lock();
                if st.conn == Conn::Connected && st.close_error.is_none() {
                    st.reset |= e == WsaError::WSAECONNRESET || e == WsaError::WSAECONNABORTED;
                    st.close_error = Some(e);
                }
            }
        }
        if check_accept {
            let _ = self.stash_accept();
        }
        let mut posts: Vec<(Hwnd, u32, isize)> = Vec::new();
        {
            let mut st = self.lock();
            if !st.notify.active() || st.closed {
                return;
            }
            let stream = self.props.ty == SOCK_STREAM;
            let mut holds = 0i32;
            let mut errs = [0i32; FD_MAX_EVENTS];
            let read_open = !st.shut_rd && !st.reset;
            if stream {
                if st.listening {
                    if !st.backlog.is_empty() {
                        holds |= FD_ACCEPT;
                    }
                } else if st.conn == Conn::Connected {
                    if probe == Probe::Data && read_open {
                        holds |= FD_READ;
                    }
                    if st.ready.contains(Readiness::PRIORITY) && read_open {
                        holds |= FD_OOB;
                    }
                    // While a send backlog holds data the send buffer is full (backlog.rs):
                    // FD_WRITE waits for it to drain.
                    if st.notify.write_armed
                        && st.ready.contains(Readiness::WRITABLE)
                        && !st.reset
                        && !st.has_backlog()
                    {
                        holds |= FD_WRITE;
                    }
                    if st.reset || st.close_error.is_some() {
                        holds |= FD_CLOSE;
                        errs[FD_CLOSE_BIT] =
                            st.close_error.unwrap_or(WsaError::WSAECONNRESET).code();
                    } else if probe == Probe::Eof {
                        // Graceful close: recorded only once no data is left to read.
                        holds |= FD_CLOSE;
                    }
                }
                if st.via_connect {
                    match st.conn {
                        Conn::Connected => holds |= FD_CONNECT,
                        Conn::Failed(e) => {
                            holds |= FD_CONNECT;
                            errs[FD_CONNECT_BIT] = e.code();
                        }
                        _ => {}
                    }
                }
            } else {
                if st.bound && matches!(probe, Probe::Data | Probe::Failed(_)) && read_open {
                    holds |= FD_READ;
                }
                if st.notify.write_armed && st.ready.contains(Readiness::WRITABLE) {
                    holds |= FD_WRITE;
                }
                if st.conn == Conn::Connected && st.via_connect {
                    holds |= FD_CONNECT;
                }
            }
            let fire = holds & st.notify.mask & st.notify.enabled;
            if fire == 0 {
                return;
            }
            st.notify.enabled &= !fire;
            if fire & FD_WRITE != 0 {
                st.notify.write_armed = false;
            }
            match st.notify.target.clone() {
                Target::None => {}
                Target::Event(ev) => {
                    for e in ORDER {
                        if fire & e != 0 {
                            st.notify.recorded |= e;
                            st.notify.errors[bit_of(e)] = errs[bit_of(e)];
                        }
                    }
                    // Set under the socket lock, so an enumeration that clears the record
                    // and resets the event can never leave a record without a signal.
                    match self.upcalls() {
                        Some(up) => {
                            let _ = up.set_event(&ev);
                        }
                        None => ev.set(),
                    }
                }
                Target::Window(hwnd, msg) => {
                    for e in ORDER {
                        if fire & e != 0 {
                            posts.push((hwnd.clone(), msg, WSAMAKESELECTREPLY(e, errs[bit_of(e)])));
                        }
                    }
                }
            }
        }
        if !posts.is_empty() {
            let up = self.upcalls();
            for (hwnd, msg, lparam) in posts {
                match &up {
                    Some(up) => {
                        up.post_message(&hwnd, msg, self.handle, lparam);
                    }
                    None => {
                        hwnd.post(msg, self.handle, lparam);
                    }
                }
            }
        }
    }

    /// Take connections from the host listener into the engine's backlog until it would
    /// block, so the backlog length is exact. Returns whether any was taken.
    pub fn stash_accept(&self) -> bool {
        let mut took = false;
        loop {
            let seen = self.seq();
            match self.net.accept(self.host) {
                Ok(conn) => {
                    let mut st = self.lock();
                    if st.closed {
                        drop(st);
                        self.net.close(conn.0);
                        return took;
                    }
                    st.backlog.push_back(conn);
                    took = true;
                }
                Err(WsaError::WSAEWOULDBLOCK) => {
                    self.consume(seen, Readiness::READABLE);
                    return took;
                }
                Err(_) => return took,
            }
        }
    }

    /// Replace the selection (both WSPEventSelect and WSPAsyncSelect end here).
    pub fn select_events(&self, target: Target, mask: i32) {
        {
            let mut st = self.lock();
            st.nonblocking = true;
            let mask = mask & FD_ALL_EVENTS;
            st.notify = Notify {
                target: if mask == 0 { Target::None } else { target },
                mask,
                enabled: FD_ALL_EVENTS,
                recorded: 0,
                errors: [0; FD_MAX_EVENTS],
                write_armed: true,
            };
        }
        self.evaluate();
    }

    /// WSPEnumNetworkEvents: hand out and clear the record; reset `event` in the same step.
    pub fn enum_events(&self, event: Option<&Event>) -> WSANETWORKEVENTS {
        let mut st = self.lock();
        let mut out = WSANETWORKEVENTS {
            lNetworkEvents: st.notify.recorded,
            iErrorCode: [0; FD_MAX_EVENTS],
        };
        for (i, slot) in out.iErrorCode.iter_mut().enumerate() {
            if st.notify.recorded & (1 << i) != 0 {
                *slot = st.notify.errors[i];
            }
        }
        st.notify.recorded = 0;
        st.notify.errors = [0; FD_MAX_EVENTS];
        if let Some(ev) = event {
            match self.upcalls() {
                Some(up) => {
                    let _ = up.reset_event(ev);
                }
                None => ev.reset(),
            }
        }
        out
    }
}
