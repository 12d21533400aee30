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

    /// Whether the table's `WPUPostMessage` is not this crate's own (a native caller may
    /// still supply its own message delivery; see [`TableUpcalls`]).
    pub fn has_own_post_message(&self) -> bool {
        let mine = crate::ffi::local::table();
        self.0.lpWPUPostMessage.is_some()
            && self.0.lpWPUPostMessage.map(|f| f as usize)
                != mine.lpWPUPostMessage.map(|f| f as usize)
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

// ---- TableUpcalls -----------------------------------------------------------------------

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use wsp::sync::{Apc, Event, Hwnd, ThreadHandle};
use wsp::upcall::Upcalls;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `Internal` of a `WSAOVERLAPPED` whose request is still pending (`STATUS_PENDING`, what
/// `HasOverlappedIoCompleted` tests for).
pub const STATUS_PENDING: usize = 0x103;

/// Winsock error -> the `NTSTATUS` Windows leaves in `OVERLAPPED.Internal` for a request
/// that failed with it. Source: the reverse of the AFD status -> Winsock table that
/// ws2_32 and msafd apply (as reproduced by ReactOS msafd `TranslateNtStatusError` and
/// libuv `uv_ntstatus_to_winsock_error`), picking for each Winsock error the status AFD
/// reports for that condition; values from ntstatus.h ([MS-ERREF] 2.3.1).
pub const NTSTATUS_OF_WSA: &[(i32, u32)] = &[
    (995, 0xC000_0120),   // WSA_OPERATION_ABORTED -> STATUS_CANCELLED
    (10054, 0xC000_020D), // WSAECONNRESET -> STATUS_CONNECTION_RESET
    (10053, 0xC000_0241), // WSAECONNABORTED -> STATUS_CONNECTION_ABORTED
    (10061, 0xC000_0236), // WSAECONNREFUSED -> STATUS_CONNECTION_REFUSED
    (10040, 0x8000_0005), // WSAEMSGSIZE -> STATUS_BUFFER_OVERFLOW
    (10051, 0xC000_023C), // WSAENETUNREACH -> STATUS_NETWORK_UNREACHABLE
    (10065, 0xC000_023D), // WSAEHOSTUNREACH -> STATUS_HOST_UNREACHABLE
    (10060, 0xC000_00B5), // WSAETIMEDOUT -> STATUS_IO_TIMEOUT
    (10057, 0xC000_0140), // WSAENOTCONN -> STATUS_INVALID_CONNECTION
    (10058, 0xC000_013B), // WSAESHUTDOWN -> STATUS_LOCAL_DISCONNECT
    (10101, 0xC000_0237), // WSAEDISCON -> STATUS_GRACEFUL_DISCONNECT
    (10014, 0xC000_0005), // WSAEFAULT -> STATUS_ACCESS_VIOLATION
    (10022, 0xC000_000D), // WSAEINVAL -> STATUS_INVALID_PARAMETER
    (10055, 0xC000_009A), // WSAENOBUFS -> STATUS_INSUFFICIENT_RESOURCES
    (10038, 0xC000_0008), // WSAENOTSOCK -> STATUS_INVALID_HANDLE
    (10048, 0xC000_020A), // WSAEADDRINUSE -> STATUS_ADDRESS_ALREADY_EXISTS
    (10049, 0xC000_0207), // WSAEADDRNOTAVAIL -> STATUS_INVALID_ADDRESS_COMPONENT
    (10056, 0xC000_023B), // WSAEISCONN -> STATUS_CONNECTION_ACTIVE
    (10013, 0xC000_0022), // WSAEACCES -> STATUS_ACCESS_DENIED
    (10045, 0xC000_00BB), // WSAEOPNOTSUPP -> STATUS_NOT_SUPPORTED
    (10035, 0xC000_00D8), // WSAEWOULDBLOCK -> STATUS_CANT_WAIT
    (10004, 0xC000_0120), // WSAEINTR -> STATUS_CANCELLED (AFD's mapping runs the other way)
];

/// `STATUS_UNSUCCESSFUL`: the status for a Winsock error with no row in
/// [`NTSTATUS_OF_WSA`].
pub const STATUS_UNSUCCESSFUL: u32 = 0xC000_0001;

/// The `NTSTATUS` for a request's outcome: `STATUS_SUCCESS` (0) for `None`, else the
/// [`NTSTATUS_OF_WSA`] row (or [`STATUS_UNSUCCESSFUL`]).
pub fn ntstatus(error: Option<WsaError>) -> u32 {
    match error {
        None => 0,
        Some(e) => NTSTATUS_OF_WSA
            .iter()
            .find(|(w, _)| *w == e.0)
            .map_or(STATUS_UNSUCCESSFUL, |&(_, st)| st),
    }
}

/// The Winsock error for what a provider left in `OVERLAPPED.Internal`: `None` for
/// `STATUS_SUCCESS`; an `NTSTATUS` (as this crate and Windows' providers store it) maps
/// back through [`NTSTATUS_OF_WSA`] (first row, so `STATUS_CANCELLED` is
/// `WSA_OPERATION_ABORTED`); a small value is taken as a Winsock error already (providers
/// that store those); an unknown status is reported as its raw value.
pub fn wsa_of_internal(internal: usize) -> Option<WsaError> {
    let v = internal as u32;
    if v == 0 {
        return None;
    }
    if v < 0x1_0000 {
        return Some(WsaError(v as i32));
    }
    Some(
        NTSTATUS_OF_WSA
            .iter()
            .find(|(_, st)| *st == v)
            .map_or(WsaError(v as i32), |&(w, _)| WsaError(w)),
    )
}

/// Socket handles for a non-IFS provider: the caller's handles (made with
/// `WPUCreateSocketHandle`, carrying the engine's handle as their context) and the
/// engine's own, both ways.
#[derive(Debug, Default)]
struct SocketHandles {
    /// caller handle -> engine handle
    inward: HashMap<SOCKET, SOCKET>,
    /// engine handle -> caller handle
    outward: HashMap<SOCKET, SOCKET>,
}

/// A registration of a caller's `WSAOVERLAPPED` with [`TableUpcalls::expect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket {
    addr: usize,
    generation: u64,
}

/// [`Upcalls`] over a caller's C `WSPUPCALLTABLE`, installed in the instance's engine with
/// `Engine::set_upcalls`: every event-select / async-select delivery and every overlapped
/// completion goes through here.
///
/// * **Native** callers (this crate's own upcall table, whose handles are `wsp::sync`
///   registry handles): the engine's objects *are* the caller's objects, so events are set,
///   messages posted and APCs queued directly, with no C call. The one exception is a
///   native table whose `WPUPostMessage` is not this crate's: messages go through it (with
///   the registry `HWND` itself), so a host with its own message loops (the ws2_32 shim's
///   window layer) can wake them.
/// * **Foreign** callers: the engine holds stand-in objects that [`TableUpcalls::bind_event`]
///   / [`TableUpcalls::bind_window`] / [`TableUpcalls::bind_thread`] map back to the
///   caller's `WSAEVENT`/`HWND`/`WSATHREADID`; signalling one calls `WPUSetEvent`,
///   `WPUResetEvent`, `WPUPostMessage` or `WPUQueueApc` synchronously (no forwarding thread).
///
/// Overlapped completions write the outcome into the caller's `WSAOVERLAPPED`
/// (`Internal` = the outcome's `NTSTATUS` as Windows stores it, see [`ntstatus`];
/// `InternalHigh` = bytes, `Offset` = result flags)
/// before the engine signals `hEvent` or queues the completion routine, but only for
/// `WSAOVERLAPPED`s registered with [`TableUpcalls::expect`].
pub struct TableUpcalls {
    up: CUpcalls,
    native: bool,
    events: Mutex<HashMap<usize, HANDLE>>,
    windows: Mutex<HashMap<usize, HWND>>,
    threads: Mutex<HashMap<usize, WSATHREADID>>,
    pending: Mutex<HashMap<usize, u64>>,
    generation: AtomicU64,
    /// `Some` for a non-IFS provider (socket handles made through the caller's
    /// `WPUCreateSocketHandle`); `None` hands out the engine's handles as they are.
    sockets: Option<Mutex<SocketHandles>>,
}

impl std::fmt::Debug for TableUpcalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableUpcalls")
            .field("native", &self.native)
            .field("pending", &lock(&self.pending).len())
            .finish_non_exhaustive()
    }
}

impl TableUpcalls {
    /// Upcalls over `table`; `non_ifs` makes every socket handle the caller sees one of
    /// its own `WPUCreateSocketHandle` handles.
    pub fn new(table: WSPUPCALLTABLE, non_ifs: bool) -> TableUpcalls {
        let up = CUpcalls(table);
        TableUpcalls {
            native: up.is_local(),
            up,
            events: Mutex::new(HashMap::new()),
            windows: Mutex::new(HashMap::new()),
            threads: Mutex::new(HashMap::new()),
            pending: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(1),
            sockets: non_ifs.then(Mutex::default),
        }
    }

    /// Whether socket handles are the caller's (`WPUCreateSocketHandle`) rather than the
    /// engine's.
    pub fn is_non_ifs(&self) -> bool {
        self.sockets.is_some()
    }

    /// The engine's handle for the caller's socket handle `h` (`WSAENOTSOCK` for one this
    /// provider did not hand out). The identity for an IFS-style provider.
    pub fn inward(&self, h: SOCKET) -> Result<SOCKET, WsaError> {
        match &self.sockets {
            None => Ok(h),
            Some(m) => lock(m).inward.get(&h).copied().ok_or(WsaError::WSAENOTSOCK),
        }
    }

    /// The caller's handle for the engine's socket `e` (`e` itself if it has none).
    pub fn outward(&self, e: SOCKET) -> SOCKET {
        match &self.sockets {
            None => e,
            Some(m) => lock(m).outward.get(&e).copied().unwrap_or(e),
        }
    }

    /// Give the engine's new socket `e` a caller handle (`WPUCreateSocketHandle` with `e`
    /// as its context, for catalog entry `entry`). The identity for an IFS-style provider.
    pub fn publish(&self, e: SOCKET, entry: u32) -> Result<SOCKET, WsaError> {
        let Some(m) = &self.sockets else {
            return Ok(e);
        };
        let h = self.up.create_socket_handle(entry, e)?;
        let mut m = lock(m);
        m.inward.insert(h, e);
        m.outward.insert(e, h);
        Ok(h)
    }

    /// Release the caller handle `h` after its engine socket closed
    /// (`WPUCloseSocketHandle`).
    pub fn unpublish(&self, h: SOCKET) {
        let Some(m) = &self.sockets else {
            return;
        };
        let e = {
            let mut m = lock(m);
            let e = m.inward.remove(&h);
            if let Some(e) = e {
                m.outward.remove(&e);
            }
            e
        };
        if e.is_some() {
            let _ = self.up.close_socket_handle(h);
        }
    }

    /// Release every caller handle (the instance's last `WSPCleanup`).
    pub fn unpublish_all(&self) {
        let Some(m) = &self.sockets else {
            return;
        };
        let all: Vec<SOCKET> = lock(m).inward.keys().copied().collect();
        for h in all {
            self.unpublish(h);
        }
    }

    /// Whether the caller's handles are this crate's registry handles.
    pub fn is_native(&self) -> bool {
        self.native
    }

    /// The caller's table.
    pub fn table(&self) -> CUpcalls {
        self.up
    }

    /// Declare that `event` stands for the caller's handle `h`.
    pub fn bind_event(&self, event: &Event, h: HANDLE) {
        lock(&self.events).insert(event.raw(), h);
    }

    /// Declare that `hwnd` stands for the caller's window `h`.
    pub fn bind_window(&self, hwnd: &Hwnd, h: HWND) {
        lock(&self.windows).insert(hwnd.raw(), h);
    }

    /// Declare that `thread` stands for the caller's `WSATHREADID` (the latest one given
    /// for the thread wins; ws2_32 gives one per thread).
    pub fn bind_thread(&self, thread: &ThreadHandle, id: WSATHREADID) {
        lock(&self.threads).insert(thread.raw(), id);
    }

    /// Register the caller's `WSAOVERLAPPED` at `ov` for the request about to be issued:
    /// mark it pending (`Internal = STATUS_PENDING`, `InternalHigh = 0`) and let
    /// [`Upcalls::complete_overlapped`] write the outcome into it.
    ///
    /// # Safety
    /// `ov` must be non-null and valid for reads and writes of a `WSAOVERLAPPED` until the
    /// request completes (or until [`TableUpcalls::settle`] forgets it), which is the
    /// Winsock contract for `lpOverlapped`: "the WSAOVERLAPPED structure must remain valid
    /// until the overlapped operation completes".
    pub unsafe fn expect(&self, ov: *mut WSAOVERLAPPED) -> Result<Ticket, WsaError> {
        // SAFETY: valid for writes by this function's contract.
        unsafe {
            super::mem::write(core::ptr::addr_of_mut!((*ov).Internal), STATUS_PENDING)?;
            super::mem::write(core::ptr::addr_of_mut!((*ov).InternalHigh), 0)?;
        }
        Ok(self.register(ov))
    }

    /// [`TableUpcalls::expect`] for a `WSAOVERLAPPED` the caller already marked pending
    /// (in the same checked copy as the call's other structures: `ffi::ov::Request`).
    pub fn register(&self, ov: *mut WSAOVERLAPPED) -> Ticket {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed);
        lock(&self.pending).insert(ov as usize, generation);
        Ticket {
            addr: ov as usize,
            generation,
        }
    }

    /// After the issuing call: a request that is still pending stays registered; one that
    /// completed in the call or never started is forgotten (unless the caller already
    /// reused its `WSAOVERLAPPED` for a newer request).
    pub fn settle(&self, t: Ticket, pending: bool) {
        if pending {
            return;
        }
        let mut p = lock(&self.pending);
        if p.get(&t.addr) == Some(&t.generation) {
            p.remove(&t.addr);
        }
    }

    fn foreign_event(&self, e: &Event) -> Option<HANDLE> {
        lock(&self.events).get(&e.raw()).copied()
    }
}

/// `WSAUSERAPC` trampoline for [`TableUpcalls::queue_apc`]: `context` is a leaked
/// `Box<Apc>`.
unsafe extern "system" fn apc_trampoline(context: DWORD_PTR) {
    // SAFETY: `context` is the `Box<Apc>` that `queue_apc` leaked for exactly this one call
    // (WPUQueueApc runs the routine once with the context it was given).
    let apc = unsafe { Box::from_raw(context as *mut Apc) };
    let _ = catch_unwind(AssertUnwindSafe(apc));
}

impl Upcalls for TableUpcalls {
    fn create_event(&self) -> Result<Event, WsaError> {
        if self.native {
            return Ok(Event::new());
        }
        let h = self.up.create_event()?;
        let e = Event::new();
        self.bind_event(&e, h);
        Ok(e)
    }
    fn set_event(&self, event: &Event) -> Result<(), WsaError> {
        match (!self.native).then(|| self.foreign_event(event)).flatten() {
            Some(h) => self.up.set_event(h),
            None => {
                event.set();
                Ok(())
            }
        }
    }
    fn reset_event(&self, event: &Event) -> Result<(), WsaError> {
        match (!self.native).then(|| self.foreign_event(event)).flatten() {
            Some(h) => self.up.reset_event(h),
            None => {
                event.reset();
                Ok(())
            }
        }
    }
    fn close_event(&self, event: &Event) -> Result<(), WsaError> {
        let h = lock(&self.events).remove(&event.raw());
        event.close();
        match h {
            Some(h) if !self.native => self.up.close_event(h),
            _ => Ok(()),
        }
    }
    fn post_message(&self, hwnd: &Hwnd, msg: u32, wparam: usize, lparam: isize) -> bool {
        if hwnd.is_forwarding() {
            // A layer's window (wsp::layer): it rewrites the message and delivers it.
            return hwnd.post(msg, wparam, lparam);
        }
        // Async-select messages carry the socket: the caller's handle for it.
        let wparam = self.outward(wparam);
        if self.native {
            // The handle is the caller's own; a caller that brought its own
            // `WPUPostMessage` (a host with a window layer over the registry windows, such
            // as the ws2_32 shim) gets the message through it, so the host can wake
            // whatever its message loop sleeps on.
            if self.up.has_own_post_message() {
                return self.up.post_message(hwnd.raw(), msg, wparam, lparam);
            }
            return hwnd.post(msg, wparam, lparam);
        }
        match lock(&self.windows).get(&hwnd.raw()).copied() {
            Some(h) => self.up.post_message(h, msg, wparam, lparam),
            None => hwnd.post(msg, wparam, lparam),
        }
    }
    fn queue_apc(&self, thread: &ThreadHandle, routine: Apc) -> Result<(), WsaError> {
        let id = lock(&self.threads).get(&thread.raw()).copied();
        let Some(id) = id.filter(|_| !self.native) else {
            return thread.queue(routine);
        };
        let context = Box::into_raw(Box::new(routine)) as usize;
        let r = self.up.queue_apc(&id, Some(apc_trampoline), context);
        if r.is_err() {
            // SAFETY: WPUQueueApc failed, so the routine will never run: the box is still
            // ours to free.
            drop(unsafe { Box::from_raw(context as *mut Apc) });
        }
        r
    }
    fn complete_overlapped(
        &self,
        _socket: SOCKET,
        overlapped: usize,
        error: Option<WsaError>,
        bytes: u32,
        flags: u32,
    ) -> Result<(), WsaError> {
        if lock(&self.pending).remove(&overlapped).is_none() {
            // Not a caller WSAOVERLAPPED we were told about (a Rust-keyed request).
            return Ok(());
        }
        let ov = overlapped as *mut WSAOVERLAPPED;
        // What the application sees is Windows': the NTSTATUS (WSPGetOverlappedResult
        // reads the engine's record, not this field, so it keeps the Winsock error).
        let status = ntstatus(error) as usize;
        // SAFETY: `overlapped` was registered by `expect`/`register`, whose caller
        // guaranteed the WSAOVERLAPPED stays valid until this completion, the only one for
        // the request (the engine completes each request once; the entry is removed above).
        // One checked copy: InternalHigh, Offset, then Internal (and the issuing call's
        // counts when it completes inside that call).
        unsafe { super::ov::write_completion(ov, status, bytes, flags) }
    }
    fn create_socket_handle(&self, entry: u32, context: usize) -> Result<SOCKET, WsaError> {
        self.up.create_socket_handle(entry, context)
    }
    fn query_socket_handle_context(&self, s: SOCKET) -> Result<usize, WsaError> {
        self.up.query_socket_handle_context(s)
    }
    fn close_socket_handle(&self, s: SOCKET) -> Result<(), WsaError> {
        self.up.close_socket_handle(s)
    }
}
