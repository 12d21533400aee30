//! The upcall interface: how the engine tells the outside world that something happened.
//!
//! A Winsock provider never signals its caller directly. It calls back into ws2_32
//! through the `WSPUPCALLTABLE` handed to `WSPStartup` (`WPUSetEvent`, `WPUPostMessage`,
//! `WPUQueueApc`, `WPUCompleteOverlappedRequest`, ...). The engine does the same through
//! [`Upcalls`], which has two implementations:
//!
//! * [`LocalUpcalls`], the default, acts on this crate's emulated kernel objects
//!   ([`crate::sync`]). It is what a Rust program and the ws2_32 shim get.
//! * The provider crate implements the trait over a C `WSPUPCALLTABLE`, so that on Windows
//!   the same engine calls reach ws2_32's real `WPU*` functions. The objects the engine
//!   holds ([`Event`], [`Hwnd`], [`ThreadHandle`]) are then the provider's stand-ins for
//!   the caller's handles, and it maps them back to foreign handles by their `raw()`
//!   values. An [`Apc`] closure crosses to C as a trampoline whose context is the boxed
//!   closure.
//!
//! The trait is object-safe: the engine keeps an `Arc<dyn Upcalls>`.
//!
//! ```
//! use std::sync::Arc;
//! use wsp::sync::{Event, Hwnd, WSAMAKESELECTREPLY};
//! use wsp::types::FD_READ;
//! use wsp::upcall::{LocalUpcalls, Upcalls};
//!
//! let up: Arc<dyn Upcalls> = Arc::new(LocalUpcalls::new());
//! let (e, w) = (Event::new(), Hwnd::new());
//! up.set_event(&e).unwrap();
//! assert!(e.is_set());
//! assert!(up.post_message(&w, 0x401, 12, WSAMAKESELECTREPLY(FD_READ, 0)));
//! assert_eq!(w.try_get().unwrap().wparam, 12);
//! ```

use crate::engine::handles::HandleTable;
use crate::error::WsaError;
use crate::sync::{Apc, Event, Hwnd, ThreadHandle};
use crate::types::SOCKET;
use std::sync::{Mutex, MutexGuard};

/// The engine's side of the `WPU*` functions. Every method may be called from any thread,
/// including the backend's reactor thread, and must not block.
pub trait Upcalls: Send + Sync {
    /// A new manual-reset, non-signalled event (`WPUCreateEvent`).
    fn create_event(&self) -> Result<Event, WsaError>;

    /// Signal `event` (`WPUSetEvent`).
    fn set_event(&self, event: &Event) -> Result<(), WsaError>;

    /// Clear `event` (`WPUResetEvent`).
    fn reset_event(&self, event: &Event) -> Result<(), WsaError>;

    /// Close `event`'s handle (`WPUCloseEvent`). The engine calls it for events it made
    /// with [`Upcalls::create_event`].
    fn close_event(&self, event: &Event) -> Result<(), WsaError>;

    /// Post `(hwnd, msg, wparam, lparam)` to a window (`WPUPostMessage`). Returns `false`
    /// if the message could not be posted (the window is gone), as `PostMessage` does.
    fn post_message(&self, hwnd: &Hwnd, msg: u32, wparam: usize, lparam: isize) -> bool;

    /// Queue `routine` to run in `thread`'s next alertable wait (`WPUQueueApc`). Fails if
    /// the thread has exited.
    fn queue_apc(&self, thread: &ThreadHandle, routine: Apc) -> Result<(), WsaError>;

    /// Record an overlapped request's outcome (the bookkeeping half of
    /// `WPUCompleteOverlappedRequest`).
    ///
    /// `socket` issued the request, `overlapped` is its key (the `WSAOVERLAPPED` address
    /// in C, the caller's chosen key in Rust), `error` is `None` on success, `bytes` the
    /// count transferred and `flags` the result flags (`MSG_PARTIAL`). The C provider
    /// writes them into the caller's `WSAOVERLAPPED` (`Internal`, `InternalHigh`,
    /// `Offset`) here.
    ///
    /// The engine calls this first, before any notification, and then notifies by
    /// itself: the completion routine through [`Upcalls::queue_apc`], else the request's
    /// event through [`Upcalls::set_event`] and the engine's completion port (if the
    /// socket is associated with one). A provider that wants ws2_32's own
    /// `WPUCompleteOverlappedRequest` to signal `hEvent` (and the kernel port) passes no
    /// event in the request and calls it from here.
    fn complete_overlapped(
        &self,
        socket: SOCKET,
        overlapped: usize,
        error: Option<WsaError>,
        bytes: u32,
        flags: u32,
    ) -> Result<(), WsaError>;

    /// A new socket handle for a provider's socket, carrying `context`
    /// (`WPUCreateSocketHandle`, for non-IFS providers).
    fn create_socket_handle(
        &self,
        catalog_entry_id: u32,
        context: usize,
    ) -> Result<SOCKET, WsaError>;

    /// The context given when `s` was created (`WPUQuerySocketHandleContext`);
    /// `WSAENOTSOCK` for a handle that is not (or no longer) one.
    fn query_socket_handle_context(&self, s: SOCKET) -> Result<usize, WsaError>;

    /// Release a handle made by [`Upcalls::create_socket_handle`]
    /// (`WPUCloseSocketHandle`); `WSAENOTSOCK` for a handle that is not one.
    fn close_socket_handle(&self, s: SOCKET) -> Result<(), WsaError>;
}

/// An overlapped completion recorded by [`LocalUpcalls::complete_overlapped`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The socket that issued the request.
    pub socket: SOCKET,
    /// The request's id.
    pub overlapped: usize,
    /// `None` on success.
    pub error: Option<WsaError>,
    /// Bytes transferred.
    pub bytes: u32,
    /// Result flags.
    pub flags: u32,
}

/// The default upcalls, acting on [`crate::sync`]'s objects in this process.
///
/// [`Upcalls::complete_overlapped`] records each completion (the engine notifies by
/// itself); [`LocalUpcalls::take_completions`] reads the record. An engine uses these
/// upcalls only if given them with `Engine::set_upcalls`; by default it acts on the
/// emulated objects directly and keeps no such record. Socket handles made
/// through [`Upcalls::create_socket_handle`] come from a table of their own, with the same
/// encoding and stale-handle rules as the engine's sockets.
#[derive(Default)]
pub struct LocalUpcalls {
    completions: Mutex<Vec<Completion>>,
    sockets: Mutex<HandleTable<(u32, usize)>>,
}

impl std::fmt::Debug for LocalUpcalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalUpcalls")
            .field("completions", &lock(&self.completions).len())
            .field("socket_handles", &lock(&self.sockets).len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl LocalUpcalls {
    /// New local upcalls.
    pub fn new() -> LocalUpcalls {
        LocalUpcalls::default()
    }

    /// The completions recorded so far, oldest first, clearing the record.
    pub fn take_completions(&self) -> Vec<Completion> {
        std::mem::take(&mut *lock(&self.completions))
    }
}

impl Upcalls for LocalUpcalls {
    fn create_event(&self) -> Result<Event, WsaError> {
        Ok(Event::new())
    }

    fn set_event(&self, event: &Event) -> Result<(), WsaError> {
        event.set();
        Ok(())
    }

    fn reset_event(&self, event: &Event) -> Result<(), WsaError> {
        event.reset();
        Ok(())
    }

    /// Closes the event's handle if it was opened; an event never given a handle has
    /// nothing to close, and Rust owners keep using it either way.
    fn close_event(&self, event: &Event) -> Result<(), WsaError> {
        event.close();
        Ok(())
    }

    fn post_message(&self, hwnd: &Hwnd, msg: u32, wparam: usize, lparam: isize) -> bool {
        hwnd.post(msg, wparam, lparam)
    }

    fn queue_apc(&self, thread: &ThreadHandle, routine: Apc) -> Result<(), WsaError> {
        thread.queue(routine)
    }

    fn complete_overlapped(
        &self,
        socket: SOCKET,
        overlapped: usize,
        error: Option<WsaError>,
        bytes: u32,
        flags: u32,
    ) -> Result<(), WsaError> {
        lock(&self.completions).push(Completion {
            socket,
            overlapped,
            error,
            bytes,
            flags,
        });
        Ok(())
    }

    fn create_socket_handle(
        &self,
        catalog_entry_id: u32,
        context: usize,
    ) -> Result<SOCKET, WsaError> {
        lock(&self.sockets)
            .insert_with(|_| (catalog_entry_id, context))
            .ok_or(WsaError::WSAENOBUFS)
    }

    fn query_socket_handle_context(&self, s: SOCKET) -> Result<usize, WsaError> {
        lock(&self.sockets)
            .get(s)
            .map(|&(_, context)| context)
            .ok_or(WsaError::WSAENOTSOCK)
    }

    fn close_socket_handle(&self, s: SOCKET) -> Result<(), WsaError> {
        lock(&self.sockets)
            .remove(s)
            .map(|_| ())
            .ok_or(WsaError::WSAENOTSOCK)
    }
}
