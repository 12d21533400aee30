//! Completion ports: `CreateIoCompletionPort`, `GetQueuedCompletionStatus(Ex)`,
//! `PostQueuedCompletionStatus`.
//!
//! A port is the engine's [`CompletionPort`], kept in this module's handle table.
//! Associating a *socket* with a port needs the Winsock half, which knows the socket
//! table: it installs a [`PortAssociation`] with [`register_port_association`], and
//! `CreateIoCompletionPort(socket, port, key, 0)` asks each installed hook in turn.
//!
//! Differences from Windows: `NumberOfConcurrentThreads` is ignored (every waiting thread
//! may run); `OVERLAPPED_ENTRY::Internal` holds the Win32 error code of a failed
//! operation (Windows stores an `NTSTATUS`); an alertable `GetQueuedCompletionStatusEx`
//! runs the APCs already queued when it starts, but an APC queued while it blocks does
//! not end the wait.

use super::error::{
    ERROR_ABANDONED_WAIT_0, ERROR_CONNECTION_ABORTED, ERROR_CONNECTION_REFUSED,
    ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NETNAME_DELETED, ERROR_NOACCESS,
    WAIT_IO_COMPLETION, WAIT_TIMEOUT,
};
use super::handle::{self, Object};
use super::types::{HANDLE, OVERLAPPED_ENTRY};
use super::{fail, guard};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use wsp::overlapped::{CompletionPort, Packet};
use wsp::sync::{sleep_ex, timeout_from_millis, RealTime, WaitResult};
use wsp::WsaError;

/// How the Winsock half associates one of its handles with a port: `None` if `handle` is
/// not one of its sockets, else the association's outcome (`Err` carries the Win32 error
/// code, e.g. `ERROR_INVALID_PARAMETER` for a socket already associated).
pub type PortAssociation =
    fn(handle: usize, port: &CompletionPort, key: usize) -> Option<Result<(), u32>>;

static HOOKS: RwLock<Vec<PortAssociation>> = RwLock::new(Vec::new());

/// Install a [`PortAssociation`] (once per function; installing it again does nothing).
/// The Winsock half calls this from `WSAStartup` (or earlier) with a function that calls
/// [`wsp::Engine::associate_port`] for its sockets.
pub fn register_port_association(hook: PortAssociation) {
    let mut hooks = HOOKS.write().unwrap_or_else(|p| p.into_inner());
    if !hooks.iter().any(|&h| std::ptr::fn_addr_eq(h, hook)) {
        hooks.push(hook);
    }
}

/// The port an open completion-port handle names.
pub fn completion_port(handle: usize) -> Option<CompletionPort> {
    handle::port(handle).map(|p| p.port.clone())
}

/// Ask the installed hooks to associate `handle`.
fn associate(handle: usize, port: &CompletionPort, key: usize) -> Result<(), u32> {
    let hooks = HOOKS.read().unwrap_or_else(|p| p.into_inner()).clone();
    hooks
        .iter()
        .find_map(|hook| hook(handle, port, key))
        .unwrap_or(Err(ERROR_INVALID_HANDLE))
}

/// The `lpOverlapped` of the packets that wake waiters when their port is closed.
static CLOSED_SENTINEL: u8 = 0;

fn sentinel() -> usize {
    std::ptr::addr_of!(CLOSED_SENTINEL) as usize
}

/// A port in the handle table.
pub(crate) struct PortObj {
    port: CompletionPort,
    waiters: AtomicUsize,
    closed: AtomicBool,
}

/// How a wait on a port ended.
enum Got {
    Packet(Packet),
    Timeout,
    Closed,
}

impl PortObj {
    fn new() -> PortObj {
        PortObj {
            port: CompletionPort::new(),
            waiters: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
        }
    }

    /// The handle was closed: wake every thread waiting now with a sentinel packet each.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        for _ in 0..self.waiters.load(Ordering::SeqCst) {
            self.port.post(0, 0, sentinel());
        }
    }

    fn get(&self, timeout: Option<Duration>) -> Got {
        self.waiters.fetch_add(1, Ordering::SeqCst);
        let got = if self.closed.load(Ordering::SeqCst) {
            Got::Closed
        } else {
            match self.port.get(&RealTime, timeout) {
                Some(p) if p.overlapped == sentinel() && p.key == 0 => Got::Closed,
                Some(p) => Got::Packet(p),
                None => Got::Timeout,
            }
        };
        self.waiters.fetch_sub(1, Ordering::SeqCst);
        got
    }
}

/// The Win32 error `GetQueuedCompletionStatus` reports for a failed operation.
fn win32_error(e: WsaError) -> u32 {
    match e {
        WsaError::WSAECONNRESET => ERROR_NETNAME_DELETED,
        WsaError::WSAECONNABORTED => ERROR_CONNECTION_ABORTED,
        WsaError::WSAECONNREFUSED => ERROR_CONNECTION_REFUSED,
        other => other.code() as u32,
    }
}

/// `INVALID_HANDLE_VALUE`.
const INVALID_HANDLE_VALUE: usize = usize::MAX;

/// `CreateIoCompletionPort`:
/// * `FileHandle == INVALID_HANDLE_VALUE`, `ExistingCompletionPort == NULL`: a new port
///   (`CompletionKey` ignored);
/// * a socket and `NULL`: a new port, with the socket associated under `CompletionKey`;
/// * a socket and a port: associate it, and return the same port handle.
///
/// `NULL` on failure: `ERROR_INVALID_PARAMETER` for `INVALID_HANDLE_VALUE` with a port,
/// `ERROR_INVALID_HANDLE` for a bad port or a handle no hook knows, else the hook's error.
#[no_mangle]
pub extern "system" fn wsp_CreateIoCompletionPort(
    FileHandle: HANDLE,
    ExistingCompletionPort: HANDLE,
    CompletionKey: usize,
    _NumberOfConcurrentThreads: u32,
) -> HANDLE {
    let null = std::ptr::null_mut();
    guard(null, || {
        let file = FileHandle as usize;
        let existing = ExistingCompletionPort as usize;
        if file == INVALID_HANDLE_VALUE {
            if existing != 0 {
                return fail(ERROR_INVALID_PARAMETER, null);
            }
            return handle::insert(Object::Port(Arc::new(PortObj::new()))) as HANDLE;
        }
        if existing != 0 {
            let Some(p) = handle::port(existing) else {
                return fail(ERROR_INVALID_HANDLE, null);
            };
            return match associate(file, &p.port, CompletionKey) {
                Ok(()) => ExistingCompletionPort,
                Err(code) => fail(code, null),
            };
        }
        let p = PortObj::new();
        match associate(file, &p.port, CompletionKey) {
            Ok(()) => handle::insert(Object::Port(Arc::new(p))) as HANDLE,
            Err(code) => fail(code, null),
        }
    })
}

/// `GetQueuedCompletionStatus`: take the oldest packet, waiting up to `dwMilliseconds`.
///
/// * A successful operation or a posted packet: `TRUE`, the three outputs filled.
/// * A failed operation: `FALSE` with the outputs filled (`*lpOverlapped` non-null) and
///   its error (`ERROR_OPERATION_ABORTED`, `ERROR_NETNAME_DELETED` for a reset, ...).
/// * Timeout: `FALSE`, `*lpOverlapped = NULL`, `WAIT_TIMEOUT`.
/// * Port closed while waiting: `FALSE`, `*lpOverlapped = NULL`, `ERROR_ABANDONED_WAIT_0`.
/// * Bad port: `FALSE`, `*lpOverlapped = NULL`, `ERROR_INVALID_HANDLE`.
/// * A null output pointer: `FALSE`, `ERROR_NOACCESS` (Windows faults).
///
/// # Safety
/// The three output pointers are null or valid for their types.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetQueuedCompletionStatus(
    CompletionPort: HANDLE,
    lpNumberOfBytesTransferred: *mut u32,
    lpCompletionKey: *mut usize,
    lpOverlapped: *mut *mut c_void,
    dwMilliseconds: u32,
) -> i32 {
    guard(0, || {
        if lpNumberOfBytesTransferred.is_null()
            || lpCompletionKey.is_null()
            || lpOverlapped.is_null()
        {
            return fail(ERROR_NOACCESS, 0);
        }
        let no_packet = |code| {
            // SAFETY: checked non-null; the caller promises a writable pointer.
            unsafe { lpOverlapped.write(std::ptr::null_mut()) };
            fail(code, 0)
        };
        let Some(p) = handle::port(CompletionPort as usize) else {
            return no_packet(ERROR_INVALID_HANDLE);
        };
        match p.get(timeout_from_millis(dwMilliseconds)) {
            Got::Packet(packet) => {
                // SAFETY: checked non-null; the caller promises writable outputs.
                unsafe {
                    lpNumberOfBytesTransferred.write(packet.bytes);
                    lpCompletionKey.write(packet.key);
                    lpOverlapped.write(packet.overlapped as *mut c_void);
                }
                match packet.status {
                    None => 1,
                    Some(e) => fail(win32_error(e), 0),
                }
            }
            Got::Timeout => no_packet(WAIT_TIMEOUT),
            Got::Closed => no_packet(ERROR_ABANDONED_WAIT_0),
        }
    })
}

/// `GetQueuedCompletionStatusEx`: take up to `ulCount` packets (waiting up to
/// `dwMilliseconds` for the first), filling `lpCompletionPortEntries` and
/// `*ulNumEntriesRemoved`. `TRUE` if any were taken, failed operations included; else
/// `FALSE` with `WAIT_TIMEOUT`, `WAIT_IO_COMPLETION` (alertable, APCs ran),
/// `ERROR_ABANDONED_WAIT_0`, `ERROR_INVALID_HANDLE`, or `ERROR_INVALID_PARAMETER` for a
/// zero count.
///
/// # Safety
/// `lpCompletionPortEntries` is null or valid for `ulCount` entries;
/// `ulNumEntriesRemoved` null or valid for a `ULONG`.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetQueuedCompletionStatusEx(
    CompletionPort: HANDLE,
    lpCompletionPortEntries: *mut OVERLAPPED_ENTRY,
    ulCount: u32,
    ulNumEntriesRemoved: *mut u32,
    dwMilliseconds: u32,
    fAlertable: i32,
) -> i32 {
    guard(0, || {
        if ulCount == 0 {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if lpCompletionPortEntries.is_null() || ulNumEntriesRemoved.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        let removed = |n: u32| {
            // SAFETY: checked non-null; the caller promises a writable ULONG.
            unsafe { ulNumEntriesRemoved.write(n) };
        };
        let Some(p) = handle::port(CompletionPort as usize) else {
            removed(0);
            return fail(ERROR_INVALID_HANDLE, 0);
        };
        let mut first = p.get(Some(Duration::ZERO));
        if matches!(first, Got::Timeout) {
            if fAlertable != 0
                && sleep_ex(&RealTime, Some(Duration::ZERO), true) == WaitResult::IoCompletion
            {
                removed(0);
                return fail(WAIT_IO_COMPLETION, 0);
            }
            first = p.get(timeout_from_millis(dwMilliseconds));
        }
        let mut next = match first {
            Got::Packet(packet) => Some(packet),
            Got::Timeout => {
                removed(0);
                return fail(WAIT_TIMEOUT, 0);
            }
            Got::Closed => {
                removed(0);
                return fail(ERROR_ABANDONED_WAIT_0, 0);
            }
        };
        let mut n = 0u32;
        while let Some(packet) = next {
            let entry = OVERLAPPED_ENTRY {
                lpCompletionKey: packet.key,
                lpOverlapped: packet.overlapped as *mut c_void,
                Internal: packet.status.map_or(0, win32_error) as usize,
                dwNumberOfBytesTransferred: packet.bytes,
            };
            // SAFETY: `n < ulCount`, and the caller promises `ulCount` writable entries.
            unsafe {
                lpCompletionPortEntries
                    .add(n as usize)
                    .write_unaligned(entry)
            };
            n += 1;
            next = if n < ulCount {
                match p.get(Some(Duration::ZERO)) {
                    Got::Packet(packet) => Some(packet),
                    _ => None,
                }
            } else {
                None
            };
        }
        removed(n);
        1
    })
}

/// `PostQueuedCompletionStatus`: queue a packet with these three values. `FALSE` with
/// `ERROR_INVALID_HANDLE` for a bad port.
#[no_mangle]
pub extern "system" fn wsp_PostQueuedCompletionStatus(
    CompletionPort: HANDLE,
    dwNumberOfBytesTransferred: u32,
    dwCompletionKey: usize,
    lpOverlapped: *mut c_void,
) -> i32 {
    guard(0, || match handle::port(CompletionPort as usize) {
        Some(p) => {
            p.port.post(
                dwNumberOfBytesTransferred,
                dwCompletionKey,
                lpOverlapped as usize,
            );
            1
        }
        None => fail(ERROR_INVALID_HANDLE, 0),
    })
}
