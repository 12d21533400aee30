//! Critical sections: `InitializeCriticalSection(AndSpinCount)`, `EnterCriticalSection`,
//! `TryEnterCriticalSection`, `LeaveCriticalSection`, `DeleteCriticalSection`.
//!
//! The `CRITICAL_SECTION` lives in the caller's memory; the lock itself is a recursive
//! mutex on the heap whose address the structure keeps in `LockSemaphore`. As on
//! Windows, the owner may enter again (each enter needs a leave), `OwningThread` holds the
//! owner's thread id and `RecursionCount` the depth. The spin count is kept but unused.
//!
//! A zero-filled structure that was never initialised is initialised on first use (on
//! Windows that is undefined behaviour; here it is forgiven). Leaving a section the caller
//! does not own does nothing (Windows' behaviour is undefined).

use super::guard;
use super::thread::current_tid;
use super::types::CRITICAL_SECTION;
use std::sync::atomic::{AtomicI32, AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// The heap lock behind one `CRITICAL_SECTION`.
#[derive(Default)]
struct Lock {
    state: Mutex<State>,
    free: Condvar,
}

#[derive(Default)]
struct State {
    owner: u32,
    depth: u32,
}

impl Lock {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The caller's structure, seen through atomics (other threads read it concurrently).
struct Section<'a> {
    lock_slot: &'a AtomicPtr<Lock>,
    recursion: &'a AtomicI32,
    owner: &'a AtomicUsize,
}

/// View `cs` through atomics. `None` for a null pointer.
///
/// # Safety
/// `cs` is null or valid for a `CRITICAL_SECTION` for `'a`, and only accessed atomically
/// (through these functions) meanwhile.
unsafe fn section<'a>(cs: *mut CRITICAL_SECTION) -> Option<Section<'a>> {
    if cs.is_null() {
        return None;
    }
    // SAFETY: the fields are in the caller's structure (valid, aligned as the C type
    // requires) and every access to them goes through these atomics.
    unsafe {
        Some(Section {
            lock_slot: AtomicPtr::from_ptr(std::ptr::addr_of_mut!((*cs).LockSemaphore).cast()),
            recursion: AtomicI32::from_ptr(std::ptr::addr_of_mut!((*cs).RecursionCount)),
            owner: AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*cs).OwningThread).cast()),
        })
    }
}

impl Section<'_> {
    /// The heap lock, made on first use if the structure was never initialised.
    fn lock(&self) -> &Lock {
        let mut p = self.lock_slot.load(Ordering::Acquire);
        if p.is_null() {
            let fresh = Box::into_raw(Box::<Lock>::default());
            match self.lock_slot.compare_exchange(
                std::ptr::null_mut(),
                fresh,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => p = fresh,
                Err(existing) => {
                    // SAFETY: `fresh` came from Box::into_raw above and was never shared.
                    drop(unsafe { Box::from_raw(fresh) });
                    p = existing;
                }
            }
        }
        // SAFETY: a non-null slot holds a Box<Lock> made here and freed only by
        // DeleteCriticalSection, which the caller may not race with other uses.
        unsafe { &*p }
    }

    /// Record `st` in the caller-visible fields.
    fn publish(&self, st: &State) {
        self.owner.store(st.owner as usize, Ordering::Relaxed);
        self.recursion.store(st.depth as i32, Ordering::Relaxed);
    }
}

/// Zero the structure and give it a fresh lock.
///
/// # Safety
/// `cs` is null or valid for a `CRITICAL_SECTION`.
unsafe fn initialize(cs: *mut CRITICAL_SECTION, spin: u32) {
    if cs.is_null() {
        return;
    }
    let lock = Box::into_raw(Box::<Lock>::default());
    // SAFETY: the caller owns the structure and is initialising it: nobody else uses it.
    unsafe {
        cs.write(CRITICAL_SECTION {
            DebugInfo: std::ptr::null_mut(),
            LockCount: -1,
            RecursionCount: 0,
            OwningThread: std::ptr::null_mut(),
            LockSemaphore: lock.cast(),
            SpinCount: spin as usize,
        });
    }
}

/// `InitializeCriticalSection`.
///
/// # Safety
/// `lpCriticalSection` is null or valid for a `CRITICAL_SECTION`, not in use.
#[no_mangle]
pub unsafe extern "system" fn wsp_InitializeCriticalSection(
    lpCriticalSection: *mut CRITICAL_SECTION,
) {
    // SAFETY: the caller's contract, passed on.
    guard((), || unsafe { initialize(lpCriticalSection, 0) })
}

/// `InitializeCriticalSectionAndSpinCount`: always `TRUE`.
///
/// # Safety
/// As [`wsp_InitializeCriticalSection`].
#[no_mangle]
pub unsafe extern "system" fn wsp_InitializeCriticalSectionAndSpinCount(
    lpCriticalSection: *mut CRITICAL_SECTION,
    dwSpinCount: u32,
) -> i32 {
    guard(0, || {
        // SAFETY: the caller's contract, passed on.
        unsafe { initialize(lpCriticalSection, dwSpinCount) };
        1
    })
}

/// `EnterCriticalSection`: wait until no other thread owns the section, then own it (once
/// more, if the caller already does).
///
/// # Safety
/// `lpCriticalSection` is null or an initialised (or zero-filled) `CRITICAL_SECTION`.
#[no_mangle]
pub unsafe extern "system" fn wsp_EnterCriticalSection(lpCriticalSection: *mut CRITICAL_SECTION) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { section(lpCriticalSection) }) else {
            return;
        };
        let me = current_tid();
        let lock = s.lock();
        let mut st = lock.state();
        while st.owner != 0 && st.owner != me {
            st = lock.free.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        st.owner = me;
        st.depth += 1;
        s.publish(&st);
    })
}

/// `TryEnterCriticalSection`: own the section if no other thread does (`TRUE`), else
/// `FALSE` at once.
///
/// # Safety
/// As [`wsp_EnterCriticalSection`].
#[no_mangle]
pub unsafe extern "system" fn wsp_TryEnterCriticalSection(
    lpCriticalSection: *mut CRITICAL_SECTION,
) -> i32 {
    guard(0, || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { section(lpCriticalSection) }) else {
            return 0;
        };
        let me = current_tid();
        let lock = s.lock();
        let mut st = lock.state();
        if st.owner != 0 && st.owner != me {
            return 0;
        }
        st.owner = me;
        st.depth += 1;
        s.publish(&st);
        1
    })
}

/// `LeaveCriticalSection`: undo one enter; the last one frees the section for a waiter.
///
/// # Safety
/// As [`wsp_EnterCriticalSection`].
#[no_mangle]
pub unsafe extern "system" fn wsp_LeaveCriticalSection(lpCriticalSection: *mut CRITICAL_SECTION) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { section(lpCriticalSection) }) else {
            return;
        };
        let lock = s.lock();
        let mut st = lock.state();
        if st.owner != current_tid() || st.depth == 0 {
            return;
        }
        st.depth -= 1;
        if st.depth == 0 {
            st.owner = 0;
            lock.free.notify_one();
        }
        s.publish(&st);
    })
}

/// `DeleteCriticalSection`: free the lock. The section must not be owned or waited on.
///
/// # Safety
/// As [`wsp_EnterCriticalSection`], and no thread uses the section during or after the
/// call (until it is initialised again).
#[no_mangle]
pub unsafe extern "system" fn wsp_DeleteCriticalSection(lpCriticalSection: *mut CRITICAL_SECTION) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { section(lpCriticalSection) }) else {
            return;
        };
        let p = s.lock_slot.swap(std::ptr::null_mut(), Ordering::AcqRel);
        if !p.is_null() {
            // SAFETY: the slot held a Box<Lock> made here; nobody else uses it any more.
            drop(unsafe { Box::from_raw(p) });
        }
        s.owner.store(0, Ordering::Relaxed);
        s.recursion.store(0, Ordering::Relaxed);
    })
}
