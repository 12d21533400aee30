//! Handles: this module's table for the objects the engine's registry does not know
//! (threads made by `CreateThread`, completion ports), and `CloseHandle` over both.
//!
//! Values come from the engine's handle counter (`alloc`), so a value is never given to
//! two objects, here or in the engine, and a stale handle never reaches a newer object.

use super::error::ERROR_INVALID_HANDLE;
use super::iocp::PortObj;
use super::thread::ThreadObj;
use super::types::HANDLE;
use super::{fail, guard};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use wsp::sync::Hwnd;

/// The pseudo-handle `GetCurrentThread()` returns.
pub const CURRENT_THREAD: usize = usize::MAX - 1;
/// The pseudo-handle `GetCurrentProcess()` returns.
pub const CURRENT_PROCESS: usize = usize::MAX;

/// An object in this module's table.
#[derive(Clone)]
pub(crate) enum Object {
    Thread(Arc<ThreadObj>),
    Port(Arc<PortObj>),
}

static TABLE: LazyLock<Mutex<HashMap<usize, Object>>> = LazyLock::new(Default::default);

fn table() -> MutexGuard<'static, HashMap<usize, Object>> {
    TABLE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A fresh handle value, never issued before by this module or the engine: the engine's
/// registry hands out values from one counter, and a queue made only to draw its id is
/// never opened there.
pub(crate) fn alloc() -> usize {
    Hwnd::new().id()
}

/// Open `object` under a fresh handle value.
pub(crate) fn insert(object: Object) -> usize {
    let h = alloc();
    table().insert(h, object);
    h
}

/// The thread a handle names.
pub(crate) fn thread(h: usize) -> Option<Arc<ThreadObj>> {
    match table().get(&h)? {
        Object::Thread(t) => Some(t.clone()),
        Object::Port(_) => None,
    }
}

/// The completion port a handle names.
pub(crate) fn port(h: usize) -> Option<Arc<PortObj>> {
    match table().get(&h)? {
        Object::Port(p) => Some(p.clone()),
        Object::Thread(_) => None,
    }
}

/// `CloseHandle`: close an event, a thread or a completion port handle.
///
/// * Events: the engine's registry entry goes (`WSACloseEvent` does the same).
/// * Threads: the thread runs on; only the handle dies.
/// * Completion ports: threads blocked in `GetQueuedCompletionStatus` on it return
///   `FALSE` with `ERROR_ABANDONED_WAIT_0`, as on Windows.
/// * The pseudo-handles of `GetCurrentThread`/`GetCurrentProcess`: `TRUE`, nothing done.
/// * Anything else, windows included (an `HWND` is not a kernel handle), fails with
///   `ERROR_INVALID_HANDLE`.
#[no_mangle]
pub extern "system" fn wsp_CloseHandle(h: HANDLE) -> i32 {
    guard(0, || {
        let h = h as usize;
        if h == CURRENT_THREAD || h == CURRENT_PROCESS {
            return 1;
        }
        let removed = table().remove(&h);
        match removed {
            Some(Object::Port(p)) => {
                p.close();
                1
            }
            Some(Object::Thread(_)) => 1,
            None if Hwnd::from_raw(h).is_some() => fail(ERROR_INVALID_HANDLE, 0),
            None if wsp::sync::close_handle(h) => 1,
            None => fail(ERROR_INVALID_HANDLE, 0),
        }
    })
}
