//! Event objects (`WSAEVENT`, and the Win32 shim's `CreateEvent` events).

use super::lock;
use super::registry::{self, Object, Registration};
use crate::net::Gate;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

/// An event object. Clones refer to the same event.
///
/// [`Event::new`] makes what `WSACreateEvent` makes: a **manual-reset** event, not
/// signalled; it stays signalled until [`Event::reset`]. [`Event::create`] can also make
/// an **auto-reset** event (`CreateEvent(bManualReset = FALSE)`): a wait it satisfies
/// resets it, so one [`Event::set`] releases exactly one waiter, and a set with nobody
/// waiting stays signalled until the next wait takes it.
///
/// Waits on events are [`wait_for_multiple`](super::wait_for_multiple) and
/// [`Event::wait`]. For the C layers, [`Event::raw`] gives the event a handle value that
/// [`Event::from_raw`] resolves until the handle is closed.
///
/// ```
/// use wsp::sync::{wait_for_multiple, Event, RealTime, WaitResult};
/// use std::time::Duration;
///
/// let (a, b) = (Event::new(), Event::new());
/// b.set();
/// let r = wait_for_multiple(&RealTime, &[a, b.clone()], false, Some(Duration::ZERO), false);
/// assert_eq!(r, Ok(WaitResult::Object(1)));
/// assert!(b.is_set()); // manual-reset: still signalled
/// ```
#[derive(Clone)]
pub struct Event {
    inner: Arc<EventInner>,
}

struct EventInner {
    reg: Registration,
    manual_reset: bool,
    state: Mutex<EventState>,
    gate: Gate,
    /// A forwarding event's action ([`Event::forwarding`]), run on every set.
    forward: Option<Forward>,
}

/// What a forwarding event does when set.
type Forward = Box<dyn Fn() + Send + Sync>;

pub(super) struct EventState {
    pub(super) signalled: bool,
    /// Gates of the threads waiting on this event (one entry per wait registration).
    waiters: Vec<Arc<Gate>>,
}

impl Default for Event {
    fn default() -> Event {
        Event::create(true, false)
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("handle", &self.inner.reg.id())
            .field("manual_reset", &self.inner.manual_reset)
            .field("signalled", &self.is_set())
            .finish()
    }
}

impl Event {
    /// A new manual-reset, non-signalled event (`WSACreateEvent`).
    pub fn new() -> Event {
        Event::default()
    }

    /// A new event with the given reset mode and initial state (`CreateEvent`).
    pub fn create(manual_reset: bool, initially_set: bool) -> Event {
        Event {
            inner: Arc::new(EventInner {
                reg: Registration::new(),
                manual_reset,
                state: Mutex::new(EventState {
                    signalled: initially_set,
                    waiters: Vec::new(),
                }),
                gate: Gate::new(),
                forward: None,
            }),
        }
    }

    /// A manual-reset event that also runs `on_set` each time it is set, on the setting
    /// thread, after waking its waiters. A layered provider hands one to the provider
    /// below it as an overlapped request's event, so that the lower completion reaches
    /// the layer at once and the layer completes the caller's request on its own handle
    /// (see `wsp::layer`). `on_set` must not block (it runs inside upcalls).
    pub fn forwarding(on_set: impl Fn() + Send + Sync + 'static) -> Event {
        Event {
            inner: Arc::new(EventInner {
                reg: Registration::new(),
                manual_reset: true,
                state: Mutex::new(EventState {
                    signalled: false,
                    waiters: Vec::new(),
                }),
                gate: Gate::new(),
                forward: Some(Box::new(on_set)),
            }),
        }
    }

    /// Whether this is a [`Event::forwarding`] event.
    pub fn is_forwarding(&self) -> bool {
        self.inner.forward.is_some()
    }

    /// Whether this is a manual-reset event.
    pub fn is_manual_reset(&self) -> bool {
        self.inner.manual_reset
    }

    /// Signal it (`WSASetEvent`, `SetEvent`), waking every thread waiting on it. For an
    /// auto-reset event, the first wait to see it signalled takes (and resets) it.
    pub fn set(&self) {
        let mut st = self.state();
        st.signalled = true;
        for g in &st.waiters {
            g.notify();
        }
        drop(st);
        self.inner.gate.notify();
        if let Some(f) = &self.inner.forward {
            f();
        }
    }

    /// Clear it (`WSAResetEvent`, `ResetEvent`).
    pub fn reset(&self) {
        self.state().signalled = false;
    }

    /// Whether it is signalled. Does not reset an auto-reset event.
    pub fn is_set(&self) -> bool {
        self.state().signalled
    }

    /// The gate notified whenever the event is set, for callers that wait on this one
    /// event through [`Net::block_until`](crate::net::Net::block_until) themselves.
    pub fn gate(&self) -> &Gate {
        &self.inner.gate
    }

    /// Whether two values name the same event.
    pub fn same(&self, other: &Event) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Wait for this one event: [`wait_for_multiple`](super::wait_for_multiple) with one
    /// object (`WaitForSingleObjectEx`).
    pub fn wait<C: super::Clock + ?Sized>(
        &self,
        clock: &C,
        timeout: Option<std::time::Duration>,
        alertable: bool,
    ) -> super::WaitResult {
        super::wait_for_multiple(clock, std::slice::from_ref(self), false, timeout, alertable)
            // One object is always a valid count, and wait-any has no duplicate rule.
            .unwrap_or(super::WaitResult::Timeout)
    }

    /// The event's handle value, opening the handle the first time: from then on
    /// [`Event::from_raw`] resolves it, and the registry keeps the event alive, until the
    /// handle is closed ([`Event::close`], [`close_handle`](super::close_handle)). Always
    /// the same non-zero value for one event; after the close it resolves to nothing.
    pub fn raw(&self) -> usize {
        self.inner.reg.open(|| Object::Event(self.clone()))
    }

    /// The event an open handle value names; `None` for a closed, garbage or non-event
    /// handle (the C layers return `WSA_INVALID_HANDLE` for it).
    pub fn from_raw(handle: usize) -> Option<Event> {
        match registry::lookup(handle)? {
            Object::Event(e) => Some(e),
            _ => None,
        }
    }

    /// Close the event's handle (`WSACloseEvent`). Returns whether it was open. Rust
    /// owners keep a working event; only the handle value dies.
    pub fn close(&self) -> bool {
        self.inner.reg.close()
    }

    pub(super) fn registration(&self) -> &Registration {
        &self.inner.reg
    }

    /// A stable ordering key, for locking several events without deadlock.
    pub(super) fn key(&self) -> usize {
        self.inner.reg.id()
    }

    pub(super) fn state(&self) -> MutexGuard<'_, EventState> {
        lock(&self.inner.state)
    }

    /// Take the signal if it is there: `true` if signalled, resetting an auto-reset event.
    pub(super) fn try_take(st: &mut EventState, manual_reset: bool) -> bool {
        if st.signalled {
            if !manual_reset {
                st.signalled = false;
            }
            true
        } else {
            false
        }
    }

    /// Register `gate` as a waiter.
    pub(super) fn add_waiter(&self, gate: &Arc<Gate>) {
        self.state().waiters.push(gate.clone());
    }

    /// Remove one registration of `gate`.
    pub(super) fn remove_waiter(&self, gate: &Arc<Gate>) {
        let mut st = self.state();
        if let Some(i) = st.waiters.iter().position(|g| Arc::ptr_eq(g, gate)) {
            st.waiters.swap_remove(i);
        }
    }
}
