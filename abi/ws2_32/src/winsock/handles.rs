//! Sockets used as Win32 `HANDLE`s: `GetOverlappedResult`, `CancelIo`, `CancelIoEx`,
//! `SetFileCompletionNotificationModes` on a `SOCKET` (declared in
//! `include/wsp/socket_handles.h`, exported as `wsp_GetOverlappedResult`, ...).
//!
//! On Windows a base-provider socket is a file handle and these are the kernel32 file-I/O
//! functions. Here they reach the provider's table (`WSPGetOverlappedResult`) or, for
//! what the SPI has no call for (cancelling one request, notification modes), the
//! in-tree provider's engine directly, as `CreateIoCompletionPort` on a socket does. With
//! a `WSP_PROVIDER` library loaded those two give `ERROR_NOT_SUPPORTED`.
//!
//! Errors are Win32 codes through `GetLastError`, which Windows derives from the request's
//! `NTSTATUS` (`RtlNtStatusToDosError`): a cancelled request is `ERROR_OPERATION_ABORTED`,
//! a reset `ERROR_NETNAME_DELETED`, ... ([`win32_error_of`]). A handle that is not one of
//! the shim's sockets is `ERROR_INVALID_HANDLE`.
//!
//! Difference: `CancelIo` cancels the socket's pending requests of every thread (Windows:
//! only those the calling thread issued); the engine does not record the issuing thread
//! of a request that has no completion routine.

#![allow(unsafe_code)]
#![allow(non_snake_case)]
#![allow(clippy::missing_safety_doc)]

use super::provider;
use crate::win32::{self, error::*};
use std::panic::{catch_unwind, AssertUnwindSafe};
use wsp::WsaError;
use wsp_provider::abi::{BOOL, DWORD, FALSE, SOCKET, TRUE, WSAOVERLAPPED};
use wsp_provider::ffi::mem;
use wsp_provider::ffi::upcall::ntstatus;

/// `ERROR_NOT_FOUND`: `CancelIoEx` found no request to cancel.
pub const ERROR_NOT_FOUND: u32 = 1168;
/// `ERROR_IO_INCOMPLETE`: the request is still pending and `bWait` was FALSE.
pub const ERROR_IO_INCOMPLETE: u32 = 996;

/// `NTSTATUS` -> Win32 error, the rows of `RtlNtStatusToDosError` for the statuses a
/// socket request ends with ([MS-ERREF] 2.3.1 for the values; the pairs are the ones
/// Windows' `GetOverlappedResult` reports, e.g. a reset is `ERROR_NETNAME_DELETED`, as
/// on a completion port).
pub const WIN32_OF_NTSTATUS: &[(u32, u32)] = &[
    (0xC000_0120, 995),  // STATUS_CANCELLED -> ERROR_OPERATION_ABORTED
    (0xC000_020D, 64),   // STATUS_CONNECTION_RESET -> ERROR_NETNAME_DELETED
    (0xC000_0241, 1236), // STATUS_CONNECTION_ABORTED -> ERROR_CONNECTION_ABORTED
    (0xC000_0236, 1225), // STATUS_CONNECTION_REFUSED -> ERROR_CONNECTION_REFUSED
    (0x8000_0005, 234),  // STATUS_BUFFER_OVERFLOW -> ERROR_MORE_DATA
    (0xC000_023C, 1231), // STATUS_NETWORK_UNREACHABLE -> ERROR_NETWORK_UNREACHABLE
    (0xC000_023D, 1232), // STATUS_HOST_UNREACHABLE -> ERROR_HOST_UNREACHABLE
    (0xC000_00B5, 121),  // STATUS_IO_TIMEOUT -> ERROR_SEM_TIMEOUT
    (0xC000_0140, 1229), // STATUS_INVALID_CONNECTION -> ERROR_CONNECTION_INVALID
    (0xC000_013B, 64),   // STATUS_LOCAL_DISCONNECT -> ERROR_NETNAME_DELETED
    (0xC000_0237, 1226), // STATUS_GRACEFUL_DISCONNECT -> ERROR_GRACEFUL_DISCONNECT
    (0xC000_0005, 998),  // STATUS_ACCESS_VIOLATION -> ERROR_NOACCESS
    (0xC000_000D, 87),   // STATUS_INVALID_PARAMETER -> ERROR_INVALID_PARAMETER
    (0xC000_009A, 1450), // STATUS_INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES
    (0xC000_0008, 6),    // STATUS_INVALID_HANDLE -> ERROR_INVALID_HANDLE
    (0xC000_020A, 52),   // STATUS_ADDRESS_ALREADY_EXISTS -> ERROR_DUP_NAME
    (0xC000_0207, 1214), // STATUS_INVALID_ADDRESS_COMPONENT -> ERROR_INVALID_NETNAME
    (0xC000_023B, 1230), // STATUS_CONNECTION_ACTIVE -> ERROR_CONNECTION_ACTIVE
    (0xC000_0022, 5),    // STATUS_ACCESS_DENIED -> ERROR_ACCESS_DENIED
    (0xC000_00BB, 50),   // STATUS_NOT_SUPPORTED -> ERROR_NOT_SUPPORTED
    (0xC000_00D8, 554),  // STATUS_CANT_WAIT -> ERROR_CANT_WAIT
    (0xC000_0001, 31),   // STATUS_UNSUCCESSFUL -> ERROR_GEN_FAILURE
];

/// The Win32 error `GetOverlappedResult` reports for a request that failed with the
/// Winsock error `e`: through the request's `NTSTATUS`, as Windows derives it.
pub fn win32_error_of(e: WsaError) -> u32 {
    let st = ntstatus(Some(e));
    WIN32_OF_NTSTATUS
        .iter()
        .find(|(s, _)| *s == st)
        .map_or(e.0 as u32, |&(_, w)| w)
}

fn guard(f: impl FnOnce() -> Result<(), u32>) -> BOOL {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => TRUE,
        Ok(Err(code)) => win32::fail(code, FALSE),
        Err(_) => win32::fail(1359, FALSE),
    }
}

/// The in-tree provider's instance and the engine's handle for socket `h`:
/// `ERROR_NOT_SUPPORTED` with a `WSP_PROVIDER` library, `ERROR_INVALID_HANDLE` for a
/// handle that is not a socket (or outside `WSAStartup`).
fn engine_socket(
    h: usize,
) -> Result<(std::sync::Arc<wsp_provider::instance::Instance>, SOCKET), u32> {
    provider::table().map_err(|_| ERROR_INVALID_HANDLE)?;
    if !provider::in_tree() {
        return Err(ERROR_NOT_SUPPORTED);
    }
    let inst = wsp_provider::instance::get(0).map_err(|_| ERROR_INVALID_HANDLE)?;
    let s = inst.sock(h).map_err(|_| ERROR_INVALID_HANDLE)?;
    Ok((inst, s))
}

/// `GetOverlappedResult((HANDLE)s, lpOverlapped, &n, bWait)`: TRUE with the byte count
/// of a request that succeeded; FALSE with `ERROR_IO_INCOMPLETE` while it is pending and
/// `bWait` is FALSE (with `bWait` TRUE it waits); FALSE with the request's Win32 error
/// (and its byte count) when it failed. Null `lpOverlapped` or
/// `lpNumberOfBytesTransferred`: `ERROR_NOACCESS` (Windows faults).
/// <https://learn.microsoft.com/en-us/windows/win32/api/ioapiset/nf-ioapiset-getoverlappedresult>
#[no_mangle]
pub unsafe extern "system" fn wsp_GetOverlappedResult(
    hFile: usize,
    lpOverlapped: *mut WSAOVERLAPPED,
    lpNumberOfBytesTransferred: *mut DWORD,
    bWait: BOOL,
) -> BOOL {
    guard(|| {
        if lpOverlapped.is_null() || lpNumberOfBytesTransferred.is_null() {
            return Err(ERROR_NOACCESS);
        }
        let t = provider::table().map_err(|_| ERROR_INVALID_HANDLE)?;
        let f = t.lpWSPGetOverlappedResult.ok_or(ERROR_NOT_SUPPORTED)?;
        let (mut n, mut flags, mut errno): (DWORD, DWORD, i32) = (0, 0, 0);
        // SAFETY: the caller's OVERLAPPED (non-null; the provider validates it) and live
        // locals.
        let ok = unsafe { f(hFile, lpOverlapped, &mut n, bWait, &mut flags, &mut errno) };
        if ok == FALSE && errno == WsaError::WSA_IO_INCOMPLETE.0 {
            return Err(ERROR_IO_INCOMPLETE);
        }
        if ok == FALSE && (errno == WsaError::WSAENOTSOCK.0 || errno == WsaError::WSAEINVAL.0) {
            // Not a socket, or an OVERLAPPED this socket never used.
            return Err(if errno == WsaError::WSAENOTSOCK.0 {
                ERROR_INVALID_HANDLE
            } else {
                ERROR_INVALID_PARAMETER
            });
        }
        // SAFETY: non-null caller DWORD.
        unsafe { mem::write(lpNumberOfBytesTransferred, n) }.map_err(|_| ERROR_NOACCESS)?;
        if ok == FALSE {
            return Err(win32_error_of(WsaError(errno)));
        }
        Ok(())
    })
}

/// Cancel the socket's pending requests (`key`: the one whose OVERLAPPED is at that
/// address); each completes once with `STATUS_CANCELLED` / `WSA_OPERATION_ABORTED`,
/// notifying as it asked. Returns how many were pending.
fn cancel(h: usize, key: Option<usize>) -> Result<usize, u32> {
    let (inst, s) = engine_socket(h)?;
    inst.provider
        .cancel_overlapped(s, key)
        .map_err(|_| ERROR_INVALID_HANDLE)
}

/// `CancelIoEx((HANDLE)s, lpOverlapped)`: cancel the request that uses `lpOverlapped`, or
/// every pending request on the socket for NULL. FALSE with `ERROR_NOT_FOUND` when there
/// was none to cancel (the CancelIoEx page). The cancelled requests complete with
/// `ERROR_OPERATION_ABORTED` (`WSA_OPERATION_ABORTED` from `WSAGetOverlappedResult`,
/// `Internal == STATUS_CANCELLED`).
/// <https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func>
#[no_mangle]
pub extern "system" fn wsp_CancelIoEx(hFile: usize, lpOverlapped: *mut WSAOVERLAPPED) -> BOOL {
    guard(|| {
        let key = (!lpOverlapped.is_null()).then_some(lpOverlapped as usize);
        match cancel(hFile, key)? {
            0 => Err(ERROR_NOT_FOUND),
            _ => Ok(()),
        }
    })
}

/// `CancelIo((HANDLE)s)`: cancel the socket's pending requests. TRUE even when none was
/// pending (the CancelIo page documents no `ERROR_NOT_FOUND`; it only requests the
/// cancellation). See the module docs for the thread difference.
/// <https://learn.microsoft.com/en-us/windows/win32/fileio/cancelio>
#[no_mangle]
pub extern "system" fn wsp_CancelIo(hFile: usize) -> BOOL {
    guard(|| cancel(hFile, None).map(|_| ()))
}

/// `SetFileCompletionNotificationModes((HANDLE)s, Flags)`:
/// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` (1): a request that succeeds inside the call
/// that issued it queues no packet to the socket's completion port (the program handles
/// the result at once; its event is still set and `Internal`/`InternalHigh` written);
/// `FILE_SKIP_SET_EVENT_ON_HANDLE` (2): accepted; a socket handle is not a waitable
/// object here, so there is no handle event to skip. Other bits:
/// `ERROR_INVALID_PARAMETER`. Modes accumulate and cannot be cleared.
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes>
#[no_mangle]
pub extern "system" fn wsp_SetFileCompletionNotificationModes(
    FileHandle: usize,
    Flags: u8,
) -> BOOL {
    guard(|| {
        if Flags & !3 != 0 {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let (inst, s) = engine_socket(FileHandle)?;
        inst.provider
            .set_completion_notification_modes(s, Flags)
            .map_err(|e| match e {
                WsaError::WSAEINVAL => ERROR_INVALID_PARAMETER,
                WsaError::WSAEOPNOTSUPP => ERROR_NOT_SUPPORTED,
                _ => ERROR_INVALID_HANDLE,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_overlapped_result_errors_are_windows_win32_codes() {
        // Cancelled, reset, aborted, refused: the codes GetOverlappedResult (and a
        // completion port) report on Windows.
        assert_eq!(win32_error_of(WsaError::WSA_OPERATION_ABORTED), 995);
        assert_eq!(win32_error_of(WsaError::WSAECONNRESET), 64);
        assert_eq!(win32_error_of(WsaError::WSAECONNABORTED), 1236);
        assert_eq!(win32_error_of(WsaError::WSAECONNREFUSED), 1225);
        assert_eq!(win32_error_of(WsaError::WSAEMSGSIZE), 234);
    }

    #[test]
    fn every_ntstatus_row_has_a_win32_row() {
        for &(wsa, st) in wsp_provider::ffi::upcall::NTSTATUS_OF_WSA {
            assert!(
                WIN32_OF_NTSTATUS.iter().any(|(s, _)| *s == st),
                "no Win32 code for NTSTATUS {st:#x} (Winsock {wsa})"
            );
        }
    }
}
