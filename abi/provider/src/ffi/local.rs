//! This crate's own `WPU*` functions, over the engine's emulated kernel objects
//! (`wsp::sync`): what [`crate::ForeignProvider`] hands to a provider's `WSPStartup`, so
//! that a foreign provider's events, window messages and APCs land in objects a Rust
//! program can wait on. Handles are `wsp::sync` registry handles (`Event::raw`, ...).
//!
//! Socket handles (`WPUCreateSocketHandle`) come from one process-wide
//! [`wsp::upcall::LocalUpcalls`] table.

use crate::abi::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::LazyLock;
use wsp::sync::{current_thread, Event, Hwnd, ThreadHandle};
use wsp::types::INVALID_SOCKET;
use wsp::upcall::{LocalUpcalls, Upcalls};
use wsp::WsaError;

static SOCKETS: LazyLock<LocalUpcalls> = LazyLock::new(LocalUpcalls::new);

/// The upcall table over `wsp::sync`.
pub fn table() -> WSPUPCALLTABLE {
    WSPUPCALLTABLE {
        lpWPUCloseEvent: Some(wpu_close_event),
        lpWPUCloseSocketHandle: Some(wpu_close_socket_handle),
        lpWPUCreateEvent: Some(wpu_create_event),
        lpWPUCreateSocketHandle: Some(wpu_create_socket_handle),
        lpWPUFDIsSet: Some(wpu_fd_is_set),
        lpWPUGetProviderPath: Some(wpu_get_provider_path),
        lpWPUModifyIFSHandle: Some(wpu_modify_ifs_handle),
        lpWPUPostMessage: Some(wpu_post_message),
        lpWPUQueryBlockingCallback: Some(wpu_query_blocking_callback),
        lpWPUQuerySocketHandleContext: Some(wpu_query_socket_handle_context),
        lpWPUQueueApc: Some(wpu_queue_apc),
        lpWPUResetEvent: Some(wpu_reset_event),
        lpWPUSetEvent: Some(wpu_set_event),
        lpWPUOpenCurrentThread: Some(wpu_open_current_thread),
        lpWPUCloseThread: Some(wpu_close_thread),
    }
}

/// Run `f`, storing its error in `*errno` (when non-null) and turning a panic into
/// `WSASYSCALLFAILURE`; `fail` is the C return value for an error.
fn guard<T: Copy>(errno: *mut INT, fail: T, f: impl FnOnce() -> Result<T, WsaError>) -> T {
    let r = catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(WsaError::WSASYSCALLFAILURE));
    match r {
        Ok(v) => v,
        Err(e) => {
            // SAFETY: the provider passes its own errno location or null.
            let _ = unsafe { super::mem::write(errno, e.0) };
            fail
        }
    }
}

fn event(h: HANDLE) -> Result<Event, WsaError> {
    Event::from_raw(h).ok_or(WsaError::WSA_INVALID_HANDLE)
}

unsafe extern "system" fn wpu_set_event(h: HANDLE, errno: *mut INT) -> BOOL {
    guard(errno, FALSE, || {
        event(h)?.set();
        Ok(TRUE)
    })
}

unsafe extern "system" fn wpu_reset_event(h: HANDLE, errno: *mut INT) -> BOOL {
    guard(errno, FALSE, || {
        event(h)?.reset();
        Ok(TRUE)
    })
}

unsafe extern "system" fn wpu_create_event(errno: *mut INT) -> HANDLE {
    guard(errno, 0, || Ok(Event::new().raw()))
}

unsafe extern "system" fn wpu_close_event(h: HANDLE, errno: *mut INT) -> BOOL {
    guard(errno, FALSE, || {
        if event(h)?.close() {
            Ok(TRUE)
        } else {
            Err(WsaError::WSA_INVALID_HANDLE)
        }
    })
}

unsafe extern "system" fn wpu_post_message(hwnd: HWND, msg: u32, wp: WPARAM, lp: LPARAM) -> BOOL {
    catch_unwind(|| match Hwnd::from_raw(hwnd) {
        Some(w) if w.post(msg, wp, lp) => TRUE,
        _ => FALSE,
    })
    .unwrap_or(FALSE)
}

unsafe extern "system" fn wpu_open_current_thread(id: *mut WSATHREADID, errno: *mut INT) -> INT {
    guard(errno, -1, || {
        let t = WSATHREADID {
            ThreadHandle: current_thread().raw(),
            Reserved: 0,
        };
        // SAFETY: the provider passes a WSATHREADID to fill.
        unsafe { super::mem::write(id, t) }?;
        Ok(0)
    })
}

unsafe extern "system" fn wpu_close_thread(id: *mut WSATHREADID, errno: *mut INT) -> INT {
    guard(errno, -1, || {
        // SAFETY: the provider passes the WSATHREADID it opened.
        unsafe { super::mem::read(id) }?;
        // The thread's handle lives as long as the thread; closing it here would make the
        // value unresolvable for the thread's other users, so it stays open.
        Ok(0)
    })
}

unsafe extern "system" fn wpu_queue_apc(
    id: *mut WSATHREADID,
    routine: LPWSAUSERAPC,
    context: DWORD_PTR,
    errno: *mut INT,
) -> INT {
    guard(errno, -1, || {
        // SAFETY: the provider passes a WSATHREADID from WPUOpenCurrentThread.
        let id = unsafe { super::mem::read(id) }?;
        let routine = routine.ok_or(WsaError::WSAEFAULT)?;
        let thread = ThreadHandle::from_raw(id.ThreadHandle).ok_or(WsaError::WSAEINVAL)?;
        thread.queue(Box::new(move || {
            // SAFETY: the provider's routine, called on the target thread with its own
            // context value, as WPUQueueApc promises.
            unsafe { routine(context) }
        }))?;
        Ok(0)
    })
}

unsafe extern "system" fn wpu_create_socket_handle(
    entry: DWORD,
    context: DWORD_PTR,
    errno: *mut INT,
) -> SOCKET {
    guard(errno, INVALID_SOCKET, || {
        SOCKETS.create_socket_handle(entry, context)
    })
}

unsafe extern "system" fn wpu_query_socket_handle_context(
    s: SOCKET,
    ctx: *mut DWORD_PTR,
    errno: *mut INT,
) -> INT {
    guard(errno, -1, || {
        let c = SOCKETS.query_socket_handle_context(s)?;
        // SAFETY: the provider passes a DWORD_PTR to fill.
        unsafe { super::mem::write(ctx, c) }?;
        Ok(0)
    })
}

unsafe extern "system" fn wpu_close_socket_handle(s: SOCKET, errno: *mut INT) -> INT {
    guard(errno, -1, || {
        SOCKETS.close_socket_handle(s)?;
        Ok(0)
    })
}

unsafe extern "system" fn wpu_modify_ifs_handle(
    _entry: DWORD,
    proposed: SOCKET,
    _errno: *mut INT,
) -> SOCKET {
    proposed
}

unsafe extern "system" fn wpu_fd_is_set(s: SOCKET, set: *mut FD_SET) -> INT {
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the provider passes an fd_set header it owns.
        let Ok(header) = (unsafe { super::mem::struct_bytes(set.cast::<u32>()) }) else {
            return 0;
        };
        let Ok(n) = crate::decode::fd_count(&header) else {
            return 0;
        };
        // SAFETY: an fd_set holds `fd_count` handles after its header.
        let Ok(all) = (unsafe { super::mem::copy_in(set.cast(), crate::decode::fd_set_len(n)) })
        else {
            return 0;
        };
        crate::decode::fd_set(&all).map_or(0, |f| INT::from(f.is_set(s)))
    }))
    .unwrap_or(0)
}

unsafe extern "system" fn wpu_get_provider_path(
    _id: *mut GUID,
    _path: *mut u16,
    _len: *mut INT,
    errno: *mut INT,
) -> INT {
    guard(errno, -1, || Err(WsaError::WSAEINVAL))
}

unsafe extern "system" fn wpu_query_blocking_callback(
    _entry: DWORD,
    cb: *mut LPBLOCKINGCALLBACK,
    ctx: *mut DWORD_PTR,
    errno: *mut INT,
) -> INT {
    guard(errno, -1, || {
        // SAFETY: the provider passes locations to fill. No blocking hook: Winsock 2 has none.
        unsafe {
            super::mem::write(cb, None)?;
            super::mem::write(ctx, 0)?;
        }
        Ok(0)
    })
}
