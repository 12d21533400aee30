//! Handle values for the C layers.
//!
//! Every object gets a handle value when it is created: a non-zero multiple of four (as
//! Windows' handles are) from a process-wide counter, so a value is never given to two
//! objects (on 64-bit hosts the counter does not wrap in practice; on 32-bit ones after
//! 2^30 objects, skipping values still open). The value only *resolves* once the object
//! is *opened*, which [`Event::raw`](super::Event::raw) and its siblings do: the registry
//! then holds a reference that keeps the object alive with no Rust owner, as a handle
//! keeps a kernel object alive. Closing removes that reference for good; the value then
//! resolves to nothing ever again, so a C caller using a stale handle gets
//! `WSA_INVALID_HANDLE` rather than someone else's object.

use super::{lock, Event, Hwnd, ThreadHandle};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};

/// An object a handle value can resolve to.
#[derive(Clone, Debug)]
pub(crate) enum Object {
    Event(Event),
    Hwnd(Hwnd),
    Thread(ThreadHandle),
}

impl Object {
    fn registration(&self) -> &Registration {
        match self {
            Object::Event(e) => e.registration(),
            Object::Hwnd(h) => h.registration(),
            Object::Thread(t) => t.registration(),
        }
    }
}

static TABLE: LazyLock<Mutex<HashMap<usize, Object>>> = LazyLock::new(Default::default);
static NEXT: AtomicUsize = AtomicUsize::new(0);

const NEVER_OPENED: u8 = 0;
const OPEN: u8 = 1;
const CLOSED: u8 = 2;

/// An object's handle value and whether it is open. The state only changes under the
/// registry lock; reads outside it are a fast path for states that never change back.
#[derive(Debug)]
pub(crate) struct Registration {
    id: usize,
    state: AtomicU8,
}

impl Registration {
    /// A fresh, never-used handle value.
    pub(crate) fn new() -> Registration {
        let table = TABLE.lock().unwrap_or_else(|p| p.into_inner());
        let id = loop {
            let id = NEXT
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_add(1)
                .wrapping_mul(4);
            if id != 0 && !table.contains_key(&id) {
                break id;
            }
        };
        drop(table);
        Registration {
            id,
            state: AtomicU8::new(NEVER_OPENED),
        }
    }

    /// The handle value.
    pub(crate) fn id(&self) -> usize {
        self.id
    }

    /// Open the handle (once): `make` builds the reference the registry keeps.
    pub(crate) fn open(&self, make: impl FnOnce() -> Object) -> usize {
        if self.state.load(Ordering::Acquire) != NEVER_OPENED {
            return self.id;
        }
        let mut table = lock(&TABLE);
        if self.state.load(Ordering::Acquire) == NEVER_OPENED {
            table.insert(self.id, make());
            self.state.store(OPEN, Ordering::Release);
        }
        self.id
    }

    /// Close the handle. Returns whether it was open.
    pub(crate) fn close(&self) -> bool {
        close_handle(self.id)
    }
}

/// The object an open handle value names, if any.
pub(crate) fn lookup(handle: usize) -> Option<Object> {
    lock(&TABLE).get(&handle).cloned()
}

/// Close any open handle (`CloseHandle`, `WSACloseEvent`, `DestroyWindow` for the queue's
/// handle). Returns `false` for a value that is not open: never issued, already closed, or
/// garbage.
///
/// Closing an event's handle does not stop Rust owners (for example the engine, holding an
/// event selected with `WSPEventSelect`) from setting it, as on Windows, where the object
/// lives while anything references it. A closed message queue refuses further posts.
pub fn close_handle(handle: usize) -> bool {
    let mut table = lock(&TABLE);
    let Some(object) = table.remove(&handle) else {
        return false;
    };
    object.registration().state.store(CLOSED, Ordering::Release);
    drop(table);
    if let Object::Hwnd(h) = &object {
        h.destroy();
    }
    true
}

/// Close an object's handle for good, whether or not it was ever opened (a thread that
/// exited, a queue destroyed). A later `open` does nothing.
pub(crate) fn retire(reg: &Registration) {
    let mut table = lock(&TABLE);
    let removed = if reg.state.load(Ordering::Acquire) == OPEN {
        table.remove(&reg.id)
    } else {
        None
    };
    reg.state.store(CLOSED, Ordering::Release);
    drop(table);
    drop(removed);
}
