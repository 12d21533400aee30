//! Threads: `CreateThread`, thread handles, `GetExitCodeThread`, `ResumeThread`,
//! `GetThreadId`, `GetCurrentThread(Id)`, `GetCurrentProcess(Id)`.
//!
//! A thread handle is signalled (for `WaitForSingleObject`/`WaitForMultipleObjects`) when
//! the start routine returns; its return value is the exit code. Thread ids are the
//! shim's own (non-zero multiples of four, never reused), the same for `CreateThread`'s
//! `lpThreadId`, `GetCurrentThreadId` and `GetThreadId`; threads the shim did not start
//! get one when they first ask.
//!
//! `ExitThread` on a `CreateThread` thread unwinds the thread's stack back to the shim's
//! start-up code (a Rust unwind through the program's C frames: they need unwind tables,
//! which gcc and clang emit by default on x86-64 and AArch64, and C++ destructors on the
//! way do run, unlike on Windows) and ends the thread with its exit code. On any other
//! thread (`main`, or a thread the host library started) it is `pthread_exit`.
//!
//! Not provided: `TerminateThread`, `SuspendThread`, and thread priorities.

use super::error::{ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY};
use super::handle::{self, Object, CURRENT_PROCESS, CURRENT_THREAD};
use super::types::{HANDLE, LPTHREAD_START_ROUTINE};
use super::{fail, guard};
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use wsp::sync::{current_thread, Event, RealTime, ThreadHandle};

/// `STILL_ACTIVE`: the exit code of a thread that has not ended.
pub const STILL_ACTIVE: u32 = 259;
/// `CREATE_SUSPENDED`.
pub const CREATE_SUSPENDED: u32 = 0x4;

static NEXT_TID: AtomicU32 = AtomicU32::new(1);

thread_local! {
    static TID: Cell<u32> = const { Cell::new(0) };
    /// Set first thing on a `CreateThread` thread, so that where thread-locals are destroyed
    /// in reverse order of first use (glibc) its destructor runs after the others': the
    /// handle is then signalled once the thread's APC queue and windows are gone, as
    /// Windows signals a thread handle when the thread has terminated. Nothing depends on
    /// that order for correctness (`QueueUserAPC` checks the exit event itself).
    static EXITING: std::cell::RefCell<Option<ExitGuard>> = const { std::cell::RefCell::new(None) };
}

/// The unwind payload of `ExitThread` on a `CreateThread` thread.
struct ExitThreadCode(u32);

/// The calling thread's `CreateThread` object, if the shim started it.
pub(crate) fn current_object() -> Option<Arc<ThreadObj>> {
    EXITING
        .try_with(|e| e.borrow().as_ref().map(|g| g.0.clone()))
        .ok()
        .flatten()
}

/// `ExitThread`: end the calling thread with `dwExitCode` (its handle is signalled and
/// `GetExitCodeThread` reports the code). See the module documentation for how.
///
/// # Safety
/// The frames between the start routine and this call belong to code that may be unwound
/// (C compiled with unwind tables; no Rust frame that forbids unwinding).
#[no_mangle]
pub unsafe extern "system-unwind" fn wsp_ExitThread(dwExitCode: u32) -> ! {
    if current_object().is_some() {
        // resume_unwind runs no panic hook: nothing is printed.
        std::panic::resume_unwind(Box::new(ExitThreadCode(dwExitCode)));
    }
    // SAFETY: pthread_exit ends the calling thread; this frame holds nothing to drop.
    unsafe { libc::pthread_exit(std::ptr::null_mut()) }
}

fn new_tid() -> u32 {
    NEXT_TID.fetch_add(1, Ordering::Relaxed).wrapping_mul(4)
}

/// The calling thread's id (`GetCurrentThreadId`): assigned on first use, never 0.
pub fn current_tid() -> u32 {
    TID.try_with(|c| {
        if c.get() == 0 {
            c.set(new_tid());
        }
        c.get()
    })
    .unwrap_or(0)
}

/// A thread started by `CreateThread`.
pub(crate) struct ThreadObj {
    pub(crate) tid: u32,
    /// Set (manual-reset) when the start routine has returned.
    pub(crate) exit: Event,
    exit_code: AtomicU32,
    /// The thread's APC queue, filled in by the thread before `CreateThread` returns.
    pub(crate) apc: OnceLock<ThreadHandle>,
    /// `CREATE_SUSPENDED`'s count, and the event the thread waits on until it is 0.
    suspend: Mutex<u32>,
    resume: Event,
}

/// Sets the exit event when dropped: at the end of the thread's thread-local destruction.
struct ExitGuard(Arc<ThreadObj>);

impl Drop for ExitGuard {
    fn drop(&mut self) {
        self.0.exit.set();
    }
}

/// A start routine and its parameter, moved to the new thread.
struct Start(unsafe extern "system" fn(*mut c_void) -> u32, usize);

/// `CreateThread`: start `lpStartAddress(lpParameter)` on a new thread and return its
/// handle (and its id in `*lpThreadId` when non-null). `CREATE_SUSPENDED` holds it until
/// `ResumeThread`. `dwStackSize` (0: the default) is honoured with a floor of 128 KiB.
/// Security attributes are ignored. `NULL` with `ERROR_INVALID_PARAMETER` for a null
/// routine, `ERROR_NOT_ENOUGH_MEMORY` if the host cannot start a thread.
///
/// # Safety
/// `lpThreadId` is null or valid for a `DWORD`; the routine is safe to call with the
/// parameter on another thread.
#[no_mangle]
pub unsafe extern "system" fn wsp_CreateThread(
    _attributes: *mut c_void,
    dwStackSize: usize,
    lpStartAddress: LPTHREAD_START_ROUTINE,
    lpParameter: *mut c_void,
    dwCreationFlags: u32,
    lpThreadId: *mut u32,
) -> HANDLE {
    guard(std::ptr::null_mut(), || {
        let Some(routine) = lpStartAddress else {
            return fail(ERROR_INVALID_PARAMETER, std::ptr::null_mut());
        };
        let suspended = dwCreationFlags & CREATE_SUSPENDED != 0;
        let obj = Arc::new(ThreadObj {
            tid: new_tid(),
            exit: Event::create(true, false),
            exit_code: AtomicU32::new(STILL_ACTIVE),
            apc: OnceLock::new(),
            suspend: Mutex::new(u32::from(suspended)),
            resume: Event::create(true, !suspended),
        });
        let start = Start(routine, lpParameter as usize);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let child = obj.clone();
        let mut builder = std::thread::Builder::new();
        if dwStackSize != 0 {
            builder = builder.stack_size(dwStackSize.max(128 * 1024));
        }
        let spawned = builder.spawn(move || {
            let obj = child.clone();
            EXITING.with(|e| *e.borrow_mut() = Some(ExitGuard(child)));
            TID.with(|c| c.set(obj.tid));
            let _ = obj.apc.set(current_thread());
            let _ = ready_tx.send(());
            obj.resume.wait(&RealTime, None, false);
            let Start(routine, param) = start;
            // The same function, called as one that may unwind: ExitThread unwinds out of
            // it (the calling convention is the same; only unwinding is allowed).
            // SAFETY: identical signatures and calling convention.
            let routine: unsafe extern "system-unwind" fn(*mut c_void) -> u32 =
                unsafe { std::mem::transmute(routine) };
            // SAFETY: the routine and parameter are what the caller gave CreateThread.
            let run = std::panic::catch_unwind(move || unsafe { routine(param as *mut c_void) });
            let code = match run {
                Ok(code) => code,
                Err(payload) => match payload.downcast::<ExitThreadCode>() {
                    Ok(exit) => exit.0,
                    Err(other) => std::panic::resume_unwind(other),
                },
            };
            obj.exit_code.store(code, Ordering::Release);
        });
        if spawned.is_err() || ready_rx.recv().is_err() {
            return fail(ERROR_NOT_ENOUGH_MEMORY, std::ptr::null_mut());
        }
        if !lpThreadId.is_null() {
            // SAFETY: non-null, and the caller promises a writable DWORD.
            unsafe { lpThreadId.write(obj.tid) };
        }
        handle::insert(Object::Thread(obj)) as HANDLE
    })
}

/// `GetExitCodeThread`: the start routine's return value, or `STILL_ACTIVE` while it
/// runs. `FALSE` with `ERROR_INVALID_HANDLE` for a non-thread handle.
///
/// # Safety
/// `lpExitCode` is null or valid for a `DWORD`.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetExitCodeThread(hThread: HANDLE, lpExitCode: *mut u32) -> i32 {
    guard(0, || {
        let Some(t) = handle::thread(hThread as usize) else {
            return fail(ERROR_INVALID_HANDLE, 0);
        };
        if lpExitCode.is_null() {
            return fail(super::error::ERROR_NOACCESS, 0);
        }
        let code = if t.exit.is_set() {
            t.exit_code.load(Ordering::Acquire)
        } else {
            STILL_ACTIVE
        };
        // SAFETY: non-null, and the caller promises a writable DWORD.
        unsafe { lpExitCode.write(code) };
        1
    })
}

/// `ResumeThread`: decrement the suspend count, letting a `CREATE_SUSPENDED` thread run
/// when it reaches 0. Returns the previous count (0: it was running), or `(DWORD)-1`
/// with `ERROR_INVALID_HANDLE`.
#[no_mangle]
pub extern "system" fn wsp_ResumeThread(hThread: HANDLE) -> u32 {
    guard(u32::MAX, || {
        let Some(t) = handle::thread(hThread as usize) else {
            return fail(ERROR_INVALID_HANDLE, u32::MAX);
        };
        let mut count = t.suspend.lock().unwrap_or_else(|p| p.into_inner());
        let previous = *count;
        if previous > 0 {
            *count -= 1;
            if *count == 0 {
                t.resume.set();
            }
        }
        previous
    })
}

/// `GetThreadId`: the id of a thread handle (or of the caller, for `GetCurrentThread()`);
/// 0 with `ERROR_INVALID_HANDLE` otherwise.
#[no_mangle]
pub extern "system" fn wsp_GetThreadId(hThread: HANDLE) -> u32 {
    guard(0, || {
        let h = hThread as usize;
        if h == CURRENT_THREAD {
            return current_tid();
        }
        match handle::thread(h) {
            Some(t) => t.tid,
            None => fail(ERROR_INVALID_HANDLE, 0),
        }
    })
}

/// `GetCurrentThread`: the pseudo-handle `(HANDLE)-2`, meaning "the calling thread" to
/// `QueueUserAPC` and `GetThreadId`; `CloseHandle` on it does nothing.
#[no_mangle]
pub extern "system" fn wsp_GetCurrentThread() -> HANDLE {
    CURRENT_THREAD as HANDLE
}

/// `GetCurrentProcess`: the pseudo-handle `(HANDLE)-1`.
#[no_mangle]
pub extern "system" fn wsp_GetCurrentProcess() -> HANDLE {
    CURRENT_PROCESS as HANDLE
}

/// `GetCurrentThreadId`.
#[no_mangle]
pub extern "system" fn wsp_GetCurrentThreadId() -> u32 {
    guard(0, current_tid)
}

/// `GetCurrentProcessId`: the host's process id.
#[no_mangle]
pub extern "system" fn wsp_GetCurrentProcessId() -> u32 {
    std::process::id()
}

#[cfg(test)]
mod tests {
    use super::super::handle::wsp_CloseHandle;
    use super::super::wait::{wsp_QueueUserAPC, wsp_WaitForSingleObject};
    use super::*;

    unsafe extern "system" fn three(_: *mut c_void) -> u32 {
        3
    }

    unsafe extern "system" fn never(_: usize) {
        unreachable!("an APC queued to an ended thread must not run");
    }

    #[test]
    fn an_ended_thread_takes_no_apc() {
        for _ in 0..100 {
            // SAFETY: a valid routine; null outputs are allowed.
            let h = unsafe {
                wsp_CreateThread(
                    std::ptr::null_mut(),
                    0,
                    Some(three),
                    std::ptr::null_mut(),
                    0,
                    std::ptr::null_mut(),
                )
            };
            assert_eq!(wsp_WaitForSingleObject(h, u32::MAX), 0);
            assert_eq!(wsp_QueueUserAPC(Some(never), h, 0), 0);
            assert_eq!(wsp_CloseHandle(h), 1);
        }
    }
}
