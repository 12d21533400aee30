//! Calling the caller's `WSPUPCALLTABLE`: safe methods over the C function pointers that
//! `WSPStartup` received. A null entry is `WSAEINVALIDPROCTABLE` (or `false`).

use crate::abi::*;
use wsp::WsaError;

/// The caller's upcall table, kept for the life of a provider instance.
#[derive(Clone, Copy, Debug)]
pub struct CUpcalls(pub WSPUPCALLTABLE);

fn missing() -> WsaError {
    WsaError::WSAEINVALIDPROCTABLE
}

fn ok_bool(r: BOOL, errno: INT) -> Result<(), WsaError> {
    if r != FALSE {
        Ok(())
    } else {
        Err(WsaError(if errno == 0 {
            WsaError::WSA_INVALID_HANDLE.0
        } else {
            errno
        }))
    }
}

impl CUpcalls {
    /// Whether this is the table [`crate::ffi::local::table`] builds, whose handles are this
    /// crate's own registry handles (`Event::from_raw` resolves them directly).
    pub fn is_local(&self) -> bool {
        let mine = crate::ffi::local::table();
        self.0.lpWPUSetEvent.map(|f| f as usize) == mine.lpWPUSetEvent.map(|f| f as usize)
    }

    /// `WPUSetEvent`.
    pub fn set_event(&self, h: HANDLE) -> Result<(), WsaError> {
        let f = self.0.lpWPUSetEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: a function the caller of WSPStartup declared with this signature; the
        // errno pointer is a live local.
        let r = unsafe { f(h, &mut errno) };
        ok_bool(r, errno)
    }

    /// `WPUResetEvent`.
    pub fn reset_event(&self, h: HANDLE) -> Result<(), WsaError> {
        let f = self.0.lpWPUResetEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as in `set_event`.
        let r = unsafe { f(h, &mut errno) };
        ok_bool(r, errno)
    }

    /// `WPUCreateEvent`.
    pub fn create_event(&self) -> Result<HANDLE, WsaError> {
        let f = self.0.lpWPUCreateEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as in `set_event`.
        let h = unsafe { f(&mut errno) };
        if h == 0 {
            Err(WsaError(errno))
        } else {
            Ok(h)
        }
    }

    /// `WPUCloseEvent`.
    pub fn close_event(&self, h: HANDLE) -> Result<(), WsaError> {
        let f = self.0.lpWPUCloseEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as in `set_event`.
        let r = unsafe { f(h, &mut errno) };
        ok_bool(r, errno)
    }

    /// `WPUPostMessage`.
    pub fn post_message(&self, hwnd: HWND, msg: u32, wparam: WPARAM, lparam: LPARAM) -> bool {
        let Some(f) = self.0.lpWPUPostMessage else {
            return false;
        };
        // SAFETY: a function the caller declared with this signature; plain values only.
        unsafe { f(hwnd, msg, wparam, lparam) != FALSE }
    }

    /// `WPUCreateSocketHandle`.
    pub fn create_socket_handle(&self, entry: u32, context: usize) -> Result<SOCKET, WsaError> {
        let f = self.0.lpWPUCreateSocketHandle.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as in `set_event`.
        let s = unsafe { f(entry, context, &mut errno) };
        if s == wsp::types::INVALID_SOCKET {
            Err(WsaError(errno))
        } else {
            Ok(s)
        }
    }

    /// `WPUQuerySocketHandleContext`.
    pub fn query_socket_handle_context(&self, s: SOCKET) -> Result<usize, WsaError> {
        let f = self.0.lpWPUQuerySocketHandleContext.ok_or_else(missing)?;
        let (mut errno, mut ctx) = (0, 0usize);
        // SAFETY: as in `set_event`; `ctx` is a live local.
        let r = unsafe { f(s, &mut ctx, &mut errno) };
        if r == 0 {
            Ok(ctx)
        } else {
            Err(WsaError(errno))
        }
    }

    /// `WPUCloseSocketHandle`.
    pub fn close_socket_handle(&self, s: SOCKET) -> Result<(), WsaError> {
        let f = self.0.lpWPUCloseSocketHandle.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as in `set_event`.
        let r = unsafe { f(s, &mut errno) };
        if r == 0 {
            Ok(())
        } else {
            Err(WsaError(errno))
        }
    }

    /// `WPUOpenCurrentThread`.
    pub fn open_current_thread(&self) -> Result<WSATHREADID, WsaError> {
        let f = self.0.lpWPUOpenCurrentThread.ok_or_else(missing)?;
        let mut errno = 0;
        let mut id = WSATHREADID::default();
        // SAFETY: as in `set_event`; `id` is a live local.
        let r = unsafe { f(&mut id, &mut errno) };
        if r == 0 {
            Ok(id)
        } else {
            Err(WsaError(errno))
        }
    }

    /// `WPUQueueApc`: run `routine(context)` on the thread `id` names.
    pub fn queue_apc(
        &self,
        id: &WSATHREADID,
        routine: LPWSAUSERAPC,
        context: usize,
    ) -> Result<(), WsaError> {
        let f = self.0.lpWPUQueueApc.ok_or_else(missing)?;
        let mut errno = 0;
        let mut id = *id;
        // SAFETY: as in `set_event`; `id` is a live local copy.
        let r = unsafe { f(&mut id, routine, context, &mut errno) };
        if r == 0 {
            Ok(())
        } else {
            Err(WsaError(errno))
        }
    }
}
