//! Handles: this module's table for the objects the engine's registry does not know
//! (threads made by `CreateThread`, completion ports, console handles, duplicated event
//! handles), `CloseHandle` over both, and `DuplicateHandle`.
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
use wsp::sync::{current_thread, Event, Hwnd};

/// The pseudo-handle `GetCurrentThread()` returns.
pub const CURRENT_THREAD: usize = usize::MAX - 1;
/// The pseudo-handle `GetCurrentProcess()` returns.
pub const CURRENT_PROCESS: usize = usize::MAX;

/// An object in this module's table.
#[derive(Clone)]
pub(crate) enum Object {
    Thread(Arc<ThreadObj>),
    Port(Arc<PortObj>),
    /// A console handle (`GetStdHandle`): the host file descriptor.
    Console(i32),
    /// A second handle to an engine event (`DuplicateHandle`).
    Event(Event),
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
        _ => None,
    }
}

/// The completion port a handle names.
pub(crate) fn port(h: usize) -> Option<Arc<PortObj>> {
    match table().get(&h)? {
        Object::Port(p) => Some(p.clone()),
        _ => None,
    }
}

/// The host file descriptor a console handle names.
pub(crate) fn console(h: usize) -> Option<i32> {
    match table().get(&h)? {
        Object::Console(fd) => Some(*fd),
        _ => None,
    }
}

/// The event a handle names: an engine event handle, or a duplicate of one.
pub(crate) fn event(h: usize) -> Option<Event> {
    if let Some(e) = Event::from_raw(h) {
        return Some(e);
    }
    match table().get(&h)? {
        Object::Event(e) => Some(e.clone()),
        _ => None,
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
            Some(Object::Thread(_) | Object::Console(_) | Object::Event(_)) => 1,
            None if Hwnd::from_raw(h).is_some() => fail(ERROR_INVALID_HANDLE, 0),
            None if wsp::sync::close_handle(h) => 1,
            None => fail(ERROR_INVALID_HANDLE, 0),
        }
    })
}

/// `DUPLICATE_CLOSE_SOURCE`.
pub const DUPLICATE_CLOSE_SOURCE: u32 = 0x1;
/// `ERROR_NOT_SUPPORTED`.
const ERROR_NOT_SUPPORTED: u32 = 50;
/// `ERROR_INVALID_PARAMETER`.
const ERROR_INVALID_PARAMETER: u32 = 87;

/// The object a new handle from `DuplicateHandle(h)` should name, or the error.
fn duplicate_of(h: usize) -> Result<usize, u32> {
    if h == CURRENT_PROCESS {
        return Ok(CURRENT_PROCESS);
    }
    if h == CURRENT_THREAD {
        // A real handle to the calling thread: its CreateThread object when it has one
        // (waitable, and an APC target), else the engine's handle for the thread (an APC
        // target for QueueUserAPC, not waitable).
        return Ok(match super::thread::current_object() {
            Some(t) => insert(Object::Thread(t)),
            None => current_thread().raw(),
        });
    }
    if let Some(e) = Event::from_raw(h) {
        return Ok(insert(Object::Event(e)));
    }
    let object = table().get(&h).cloned();
    match object {
        Some(Object::Port(_)) => Err(ERROR_NOT_SUPPORTED),
        Some(o) => Ok(insert(o)),
        None => Err(ERROR_INVALID_HANDLE),
    }
}

/// `DuplicateHandle`: a second handle to the same event, thread or console (and the
/// calling thread's real handle from `GetCurrentThread()`), in this process only: both
/// process handles must be `GetCurrentProcess()`. Access and inheritance are ignored;
/// `DUPLICATE_CLOSE_SOURCE` closes the source handle (also when `lpTargetHandle` is null).
/// `FALSE` with `ERROR_INVALID_HANDLE` for another process or an unknown handle,
/// `ERROR_NOT_SUPPORTED` for a completion port, `ERROR_INVALID_PARAMETER` for a null
/// `lpTargetHandle` without `DUPLICATE_CLOSE_SOURCE`.
///
/// A duplicated event handle works with `SetEvent`, `ResetEvent`, the `WaitFor*`
/// functions and `CloseHandle`; the Winsock functions (`WSAEventSelect`, `WSASetEvent`,
/// `WSAWaitForMultipleEvents`) take only the original handle.
///
/// # Safety
/// `lpTargetHandle` is null or valid for a `HANDLE`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_DuplicateHandle(
    hSourceProcessHandle: HANDLE,
    hSourceHandle: HANDLE,
    hTargetProcessHandle: HANDLE,
    lpTargetHandle: *mut HANDLE,
    _dwDesiredAccess: u32,
    _bInheritHandle: i32,
    dwOptions: u32,
) -> i32 {
    guard(0, || {
        if hSourceProcessHandle as usize != CURRENT_PROCESS
            || hTargetProcessHandle as usize != CURRENT_PROCESS
        {
            return fail(ERROR_INVALID_HANDLE, 0);
        }
        let close = dwOptions & DUPLICATE_CLOSE_SOURCE != 0;
        if lpTargetHandle.is_null() {
            if close {
                return wsp_CloseHandle(hSourceHandle);
            }
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        match duplicate_of(hSourceHandle as usize) {
            Ok(h) => {
                // SAFETY: non-null, and the caller promises a writable HANDLE.
                unsafe { lpTargetHandle.write(h as HANDLE) };
                if close {
                    wsp_CloseHandle(hSourceHandle);
                }
                1
            }
            Err(code) => fail(code, 0),
        }
    })
}
