//! The per-thread last-error slot (`GetLastError`, `SetLastError`) and the `ERROR_*`
//! codes this shim reports.
//!
//! On Windows `WSAGetLastError`/`WSASetLastError` read and write this same slot, so the
//! Winsock half should keep its error here too (through [`last_error`] and
//! [`set_last_error`]): a program may call `GetLastError()` after a failed Winsock call.

use std::cell::Cell;

thread_local! {
    static LAST: Cell<u32> = const { Cell::new(0) };
}

/// This thread's last error (`GetLastError`, and `WSAGetLastError` on Windows).
pub fn last_error() -> u32 {
    LAST.try_with(Cell::get).unwrap_or(0)
}

/// Set this thread's last error (`SetLastError`, `WSASetLastError`).
pub fn set_last_error(code: u32) {
    let _ = LAST.try_with(|c| c.set(code));
}

/// `ERROR_SUCCESS`.
pub const ERROR_SUCCESS: u32 = 0;
/// `ERROR_ACCESS_DENIED`.
pub const ERROR_ACCESS_DENIED: u32 = 5;
/// `ERROR_INVALID_HANDLE`: a handle that is not open, or of the wrong kind.
pub const ERROR_INVALID_HANDLE: u32 = 6;
/// `ERROR_NOT_ENOUGH_MEMORY`.
pub const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;
/// `ERROR_NOT_SUPPORTED`.
pub const ERROR_NOT_SUPPORTED: u32 = 50;
/// `ERROR_NETNAME_DELETED`: what a completion port reports for a reset connection.
pub const ERROR_NETNAME_DELETED: u32 = 64;
/// `ERROR_INVALID_PARAMETER`.
pub const ERROR_INVALID_PARAMETER: u32 = 87;
/// `ERROR_ABANDONED_WAIT_0`: the completion port was closed during the wait.
pub const ERROR_ABANDONED_WAIT_0: u32 = 735;
/// `ERROR_OPERATION_ABORTED` (`WSA_OPERATION_ABORTED` has the same value).
pub const ERROR_OPERATION_ABORTED: u32 = 995;
/// `ERROR_NOACCESS`: a bad pointer.
pub const ERROR_NOACCESS: u32 = 998;
/// `ERROR_CONNECTION_REFUSED`.
pub const ERROR_CONNECTION_REFUSED: u32 = 1225;
/// `ERROR_CONNECTION_ABORTED`.
pub const ERROR_CONNECTION_ABORTED: u32 = 1236;
/// `ERROR_INVALID_WINDOW_HANDLE`.
pub const ERROR_INVALID_WINDOW_HANDLE: u32 = 1400;
/// `ERROR_CANNOT_FIND_WND_CLASS`.
pub const ERROR_CANNOT_FIND_WND_CLASS: u32 = 1407;
/// `ERROR_CLASS_ALREADY_EXISTS`.
pub const ERROR_CLASS_ALREADY_EXISTS: u32 = 1410;
/// `ERROR_CLASS_DOES_NOT_EXIST`.
pub const ERROR_CLASS_DOES_NOT_EXIST: u32 = 1411;
/// `ERROR_CLASS_HAS_WINDOWS`.
pub const ERROR_CLASS_HAS_WINDOWS: u32 = 1412;
/// `ERROR_INVALID_THREAD_ID`.
pub const ERROR_INVALID_THREAD_ID: u32 = 1444;
/// `WAIT_TIMEOUT`: also the last error of a `GetQueuedCompletionStatus` that timed out.
pub const WAIT_TIMEOUT: u32 = 258;
/// `WAIT_IO_COMPLETION`: the last error of an alertable `GetQueuedCompletionStatusEx`
/// that ran APCs.
pub const WAIT_IO_COMPLETION: u32 = 0xC0;

/// `GetLastError`.
#[no_mangle]
pub extern "system" fn wsp_GetLastError() -> u32 {
    last_error()
}

/// `SetLastError`.
#[no_mangle]
pub extern "system" fn wsp_SetLastError(code: u32) {
    set_last_error(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_error_is_per_thread() {
        set_last_error(ERROR_INVALID_HANDLE);
        std::thread::spawn(|| {
            assert_eq!(last_error(), 0);
            set_last_error(ERROR_INVALID_PARAMETER);
        })
        .join()
        .unwrap();
        assert_eq!(last_error(), ERROR_INVALID_HANDLE);
    }
}
