//! The per-thread Winsock error (`WSAGetLastError`, `WSASetLastError`).
//!
//! Windows keeps it in the thread's last-error slot, shared with `GetLastError`; the
//! Win32 half of this crate may route its own `GetLastError` through these two functions
//! to get the same sharing.

use std::cell::Cell;

thread_local! {
    static LAST: Cell<i32> = const { Cell::new(0) };
}

/// This thread's last Winsock error.
pub fn last_error() -> i32 {
    LAST.with(Cell::get)
}

/// Set this thread's last Winsock error.
pub fn set_last_error(code: i32) {
    LAST.with(|c| c.set(code));
}

#[cfg(test)]
mod tests {
    use super::*;

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
