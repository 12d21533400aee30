//! Per-thread APC queues (`QueueUserAPC`, `WPUQueueApc`).
//!
//! Each thread that asks for [`current_thread`] (or waits on anything here) has an APC
//! queue. [`queue_apc`] appends to a thread's queue from any thread; the routines run on
//! the target thread only, in the order queued, and only while it is in an *alertable*
//! wait ([`wait_for_multiple`](super::wait_for_multiple) or [`sleep_ex`](super::sleep_ex)
//! with `alertable = true`), which then returns
//! [`WSA_WAIT_IO_COMPLETION`](super::WSA_WAIT_IO_COMPLETION). Overlapped completion
//! routines are delivered this way.
//!
//! When a thread exits, routines still queued to it are dropped without running (Windows
//! discards a dead thread's user APCs), and queuing to it afterwards fails with
//! `WSAEINVAL` instead of growing a queue nobody drains.

use super::lock;
use super::registry::{self, Object, Registration};
use crate::error::WsaError;
use crate::net::Gate;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};

/// An asynchronous procedure call: a routine to run on a given thread.
pub type Apc = Box<dyn FnOnce() + Send + 'static>;

/// A thread as a target for APCs (the `WSATHREADID` of the SPI). Clones name the same
/// thread. Get your own with [`current_thread`] and hand it to whoever completes your
/// requests.
#[derive(Clone)]
pub struct ThreadHandle {
    inner: Arc<ThreadState>,
}

pub(super) struct ThreadState {
    reg: Registration,
    /// Notified on every APC queued here and every set of an object this thread waits on.
    pub(super) gate: Arc<Gate>,
    queue: Mutex<ApcQueue>,
}

struct ApcQueue {
    routines: VecDeque<Apc>,
    exited: bool,
}

impl fmt::Debug for ThreadHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = lock(&self.inner.queue);
        f.debug_struct("ThreadHandle")
            .field("handle", &self.inner.reg.id())
            .field("queued", &q.routines.len())
            .field("exited", &q.exited)
            .finish()
    }
}

/// The thread-local owner: its destructor marks the thread exited.
struct Current(ThreadHandle);

impl Drop for Current {
    fn drop(&mut self) {
        let state = &self.0.inner;
        let dropped = {
            let mut q = lock(&state.queue);
            q.exited = true;
            std::mem::take(&mut q.routines)
        };
        // Dropped outside the lock: a routine's captures may run arbitrary `Drop` code.
        drop(dropped);
        registry::retire(&state.reg);
    }
}

thread_local! {
    static CURRENT: Current = Current(ThreadHandle::fresh());
}

/// The calling thread's APC target (`GetCurrentThread` / the `WSATHREADID` a provider
/// records with an overlapped request).
pub fn current_thread() -> ThreadHandle {
    CURRENT
        .try_with(|c| c.0.clone())
        // During thread-local destruction the thread is as good as gone.
        .unwrap_or_else(|_| {
            let t = ThreadHandle::fresh();
            lock(&t.inner.queue).exited = true;
            registry::retire(&t.inner.reg);
            t
        })
}

/// Queue `routine` to run on `thread` during its next alertable wait (`QueueUserAPC`).
///
/// Fails with `WSAEINVAL` if the thread has exited (the routine is dropped).
pub fn queue_apc(thread: &ThreadHandle, routine: Apc) -> Result<(), WsaError> {
    thread.queue(routine)
}

impl ThreadHandle {
    fn fresh() -> ThreadHandle {
        ThreadHandle {
            inner: Arc::new(ThreadState {
                reg: Registration::new(),
                gate: Arc::new(Gate::new()),
                queue: Mutex::new(ApcQueue {
                    routines: VecDeque::new(),
                    exited: false,
                }),
            }),
        }
    }

    /// Queue `routine` (see [`queue_apc`]).
    pub fn queue(&self, routine: Apc) -> Result<(), WsaError> {
        let mut q = lock(&self.inner.queue);
        if q.exited {
            drop(q);
            drop(routine);
            return Err(WsaError::WSAEINVAL);
        }
        q.routines.push_back(routine);
        drop(q);
        self.inner.gate.notify();
        Ok(())
    }

    /// Whether the thread has exited.
    pub fn has_exited(&self) -> bool {
        lock(&self.inner.queue).exited
    }

    /// Routines queued and not yet run.
    pub fn pending(&self) -> usize {
        lock(&self.inner.queue).routines.len()
    }

    /// Whether two values name the same thread.
    pub fn same(&self, other: &ThreadHandle) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The thread's handle value for the C layers, opened the first time (see
    /// [`Event::raw`](super::Event::raw)); closed when the thread exits.
    pub fn raw(&self) -> usize {
        self.inner.reg.open(|| Object::Thread(self.clone()))
    }

    /// The thread an open handle value names.
    pub fn from_raw(handle: usize) -> Option<ThreadHandle> {
        match registry::lookup(handle)? {
            Object::Thread(t) => Some(t),
            _ => None,
        }
    }

    pub(super) fn registration(&self) -> &Registration {
        &self.inner.reg
    }

    pub(super) fn gate(&self) -> &Arc<Gate> {
        &self.inner.gate
    }

    /// Whether a routine is queued.
    pub(super) fn has_apcs(&self) -> bool {
        !lock(&self.inner.queue).routines.is_empty()
    }

    /// Run queued routines, oldest first, until the queue is empty (including routines
    /// queued by the ones running). Call only on the thread itself.
    pub(super) fn run_apcs(&self) -> usize {
        let mut ran = 0;
        loop {
            let next = lock(&self.inner.queue).routines.pop_front();
            match next {
                Some(routine) => {
                    routine();
                    ran += 1;
                }
                None => return ran,
            }
        }
    }
}
