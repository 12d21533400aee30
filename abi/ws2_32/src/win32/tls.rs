//! Thread-local storage: `TlsAlloc`, `TlsGetValue`, `TlsSetValue`, `TlsFree`.
//!
//! There are `TLS_MINIMUM_AVAILABLE` (64) + 1024 indexes, as on Windows. Every thread's
//! value for a newly allocated index is `NULL`, also in threads that stored a value under
//! the same index before it was freed (Windows clears the slot in every thread when an
//! index is freed; here each index carries a generation, and a value stored under an older
//! generation reads as `NULL`). `TlsGetValue` sets the last error to `ERROR_SUCCESS` when
//! it succeeds, so a `NULL` value can be told from a failure, as Microsoft documents.
//! Values are not destroyed when a thread ends (Windows has no destructors either).

use super::{fail, guard, set_last_error};
use std::cell::RefCell;
use std::ffi::c_void;
use std::sync::Mutex;

/// The number of indexes.
pub const TLS_INDEXES: usize = 64 + 1024;
/// `TLS_OUT_OF_INDEXES`.
pub const TLS_OUT_OF_INDEXES: u32 = 0xFFFF_FFFF;
/// `ERROR_INVALID_PARAMETER`.
const ERROR_INVALID_PARAMETER: u32 = 87;
/// `ERROR_NO_MORE_ITEMS`: `TlsAlloc` found no free index.
const ERROR_NO_MORE_ITEMS: u32 = 259;

/// Per index: allocated or not, and its generation (bumped by each allocation).
struct Slots {
    used: Vec<bool>,
    generation: Vec<u64>,
}

static SLOTS: Mutex<Slots> = Mutex::new(Slots {
    used: Vec::new(),
    generation: Vec::new(),
});

thread_local! {
    /// This thread's values: (generation, value) per index.
    static VALUES: RefCell<Vec<(u64, usize)>> = const { RefCell::new(Vec::new()) };
}

fn slots() -> std::sync::MutexGuard<'static, Slots> {
    let mut s = SLOTS.lock().unwrap_or_else(|p| p.into_inner());
    if s.used.is_empty() {
        s.used = vec![false; TLS_INDEXES];
        s.generation = vec![0; TLS_INDEXES];
    }
    s
}

/// The current generation of an allocated index.
fn generation(index: u32) -> Option<u64> {
    let s = slots();
    let i = index as usize;
    (i < TLS_INDEXES && s.used[i]).then(|| s.generation[i])
}

/// `TlsAlloc`: the lowest free index, or `TLS_OUT_OF_INDEXES` with `ERROR_NO_MORE_ITEMS`.
#[no_mangle]
pub extern "system" fn wsp_TlsAlloc() -> u32 {
    guard(TLS_OUT_OF_INDEXES, || {
        let mut s = slots();
        match s.used.iter().position(|&u| !u) {
            Some(i) => {
                s.used[i] = true;
                s.generation[i] += 1;
                i as u32
            }
            None => fail(ERROR_NO_MORE_ITEMS, TLS_OUT_OF_INDEXES),
        }
    })
}

/// `TlsFree`: release an index; every thread's value under it is gone. `FALSE` with
/// `ERROR_INVALID_PARAMETER` for an index that is not allocated.
#[no_mangle]
pub extern "system" fn wsp_TlsFree(dwTlsIndex: u32) -> i32 {
    guard(0, || {
        let mut s = slots();
        let i = dwTlsIndex as usize;
        if i >= TLS_INDEXES || !s.used[i] {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        s.used[i] = false;
        s.generation[i] += 1;
        1
    })
}

/// `TlsGetValue`: this thread's value under an index (`NULL` if it stored none), with the
/// last error `ERROR_SUCCESS`; `NULL` with `ERROR_INVALID_PARAMETER` for an index that is
/// not allocated.
#[no_mangle]
pub extern "system" fn wsp_TlsGetValue(dwTlsIndex: u32) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        let Some(gen) = generation(dwTlsIndex) else {
            return fail(ERROR_INVALID_PARAMETER, std::ptr::null_mut());
        };
        let v = VALUES
            .try_with(|v| match v.borrow().get(dwTlsIndex as usize) {
                Some(&(g, value)) if g == gen => value,
                _ => 0,
            })
            .unwrap_or(0);
        set_last_error(0);
        v as *mut c_void
    })
}

/// `TlsSetValue`: store this thread's value under an index. `FALSE` with
/// `ERROR_INVALID_PARAMETER` for an index that is not allocated.
#[no_mangle]
pub extern "system" fn wsp_TlsSetValue(dwTlsIndex: u32, lpTlsValue: *mut c_void) -> i32 {
    guard(0, || {
        let Some(gen) = generation(dwTlsIndex) else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        let i = dwTlsIndex as usize;
        let stored = VALUES.try_with(|v| {
            let mut v = v.borrow_mut();
            if v.len() <= i {
                v.resize(i + 1, (0, 0));
            }
            v[i] = (gen, lpTlsValue as usize);
        });
        i32::from(stored.is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reallocated_index_reads_null_in_every_thread() {
        let i = wsp_TlsAlloc();
        assert_ne!(i, TLS_OUT_OF_INDEXES);
        assert_eq!(wsp_TlsSetValue(i, 7 as *mut c_void), 1);
        assert_eq!(wsp_TlsGetValue(i) as usize, 7);
        std::thread::spawn(move || assert!(wsp_TlsGetValue(i).is_null()))
            .join()
            .unwrap();
        assert_eq!(wsp_TlsFree(i), 1);
        assert_eq!(wsp_TlsFree(i), 0);
        // The lowest free index comes back, with no value in this thread.
        let j = wsp_TlsAlloc();
        assert_eq!(j, i);
        assert!(wsp_TlsGetValue(j).is_null());
        assert_eq!(wsp_TlsFree(j), 1);
    }
}
