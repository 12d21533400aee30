//! The per-thread Winsock error (`WSAGetLastError`, `WSASetLastError`).
//!
//! Windows keeps it in the thread's last-error slot, shared with `GetLastError`; so does
//! this shim: both halves use the slot in [`crate::win32::error`].

/// This thread's last Winsock error: the thread's one last-error slot, shared with
/// `GetLastError` as on Windows.
pub fn last_error() -> i32 {
    crate::win32::error::last_error() as i32
}

/// Set this thread's last Winsock error (the slot `SetLastError` writes too).
pub fn set_last_error(code: i32) {
    crate::win32::error::set_last_error(code as u32);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winsock_and_win32_share_the_slot() {
        set_last_error(10054);
        assert_eq!(crate::win32::error::last_error(), 10054);
        crate::win32::error::set_last_error(6);
        assert_eq!(last_error(), 6);
    }

    #[test]
    fn last_error_is_per_thread() {
        set_last_error(10038);
        let other = std::thread::spawn(|| {
            let before = last_error();
            set_last_error(10035);
            before
        })
        .join()
        .unwrap();
        assert_eq!(other, 0);
        assert_eq!(last_error(), 10038);
    }
}
