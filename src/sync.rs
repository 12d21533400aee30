//! Emulated kernel objects: manual-reset events (`WSAEVENT`) and message queues standing
//! in for an `HWND`.
//!
//! These are the objects the engine's upcalls act on in the Rust API. The notification
//! issue extends this module (multi-wait, APC queues, alertable waits).

use crate::net::Gate;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// A manual-reset event object (`WSAEVENT`). Clones refer to the same event.
#[derive(Clone, Debug, Default)]
pub struct Event {
    inner: Arc<EventInner>,
}

#[derive(Debug, Default)]
struct EventInner {
    signalled: Mutex<bool>,
    gate: Gate,
}

impl Event {
    /// A new, non-signalled event (`WSACreateEvent`).
    pub fn new() -> Event {
        Event::default()
    }
    /// Signal it (`WSASetEvent`).
    pub fn set(&self) {
        *self
            .inner
            .signalled
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = true;
        self.inner.gate.notify();
    }
    /// Clear it (`WSAResetEvent`).
    pub fn reset(&self) {
        *self
            .inner
            .signalled
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = false;
    }
    /// Whether it is signalled.
    pub fn is_set(&self) -> bool {
        *self
            .inner
            .signalled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
    /// The gate notified whenever the event is set.
    pub fn gate(&self) -> &Gate {
        &self.inner.gate
    }
    /// Whether two handles name the same event.
    pub fn same(&self, other: &Event) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// A posted window message `(hwnd, msg, wParam, lParam)`; `hwnd` is the queue's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    /// Window id.
    pub hwnd: usize,
    /// Message number.
    pub msg: u32,
    /// `wParam` (the socket for async-select messages).
    pub wparam: usize,
    /// `lParam` (`WSAMAKESELECTREPLY(event, error)` for async-select messages).
    pub lparam: isize,
}

/// A message queue standing in for a window handle. Clones refer to the same queue.
#[derive(Clone, Debug, Default)]
pub struct Hwnd {
    inner: Arc<HwndInner>,
}

#[derive(Debug, Default)]
struct HwndInner {
    queue: Mutex<VecDeque<Message>>,
    gate: Gate,
}

impl Hwnd {
    /// A new, empty queue.
    pub fn new() -> Hwnd {
        Hwnd::default()
    }
    /// The id messages carry in their `hwnd` field.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }
    /// Post a message (`PostMessage`).
    pub fn post(&self, msg: u32, wparam: usize, lparam: isize) {
        let m = Message {
            hwnd: self.id(),
            msg,
            wparam,
            lparam,
        };
        self.inner
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(m);
        self.inner.gate.notify();
    }
    /// Take the next message without waiting (`PeekMessage` with `PM_REMOVE`).
    pub fn try_get(&self) -> Option<Message> {
        self.inner
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
    }
    /// The gate notified whenever a message is posted.
    pub fn gate(&self) -> &Gate {
        &self.inner.gate
    }
}
