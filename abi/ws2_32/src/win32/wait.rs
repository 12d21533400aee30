//! Events, waits, sleeping and APCs: `CreateEvent`, `SetEvent`, `ResetEvent`,
//! `WaitForSingleObject(Ex)`, `WaitForMultipleObjects(Ex)`, `Sleep`, `SleepEx`,
//! `QueueUserAPC`.
//!
//! Events are the engine's [`Event`]s (so `WSAWaitForMultipleEvents` and
//! `WaitForMultipleObjects` wait on the same objects); a thread handle waits on the
//! thread's exit event, set when its start routine returns.
//!
//! Differences from Windows: event names are ignored (each `CreateEvent` makes a new,
//! unnamed event, and `ERROR_ALREADY_EXISTS` is never reported); mutexes, semaphores and
//! waitable timers do not exist, so `WAIT_ABANDONED_0` never happens.

use super::error::{ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOACCESS};
use super::handle::{self, CURRENT_THREAD};
use super::types::{HANDLE, PAPCFUNC};
use super::{fail, guard, set_last_error};
use std::ffi::c_void;
use wsp::sync::{
    current_thread, sleep_ex, timeout_from_millis, wait_for_multiple, Event, RealTime,
    ThreadHandle, WaitResult, WSA_MAXIMUM_WAIT_EVENTS,
};

/// `WAIT_FAILED`.
pub const WAIT_FAILED: u32 = 0xFFFF_FFFF;
/// `ERROR_GEN_FAILURE`: `QueueUserAPC` to a thread that has exited.
const ERROR_GEN_FAILURE: u32 = 31;

/// The event a waitable handle stands for: an event, or a thread's exit event.
pub(crate) fn waitable(h: usize) -> Option<Event> {
    handle::event(h).or_else(|| handle::thread(h).map(|t| t.exit.clone()))
}

/// A new event's handle.
fn create_event(manual_reset: i32, initial_state: i32) -> HANDLE {
    let e = Event::create(manual_reset != 0, initial_state != 0);
    set_last_error(0);
    e.raw() as HANDLE
}

/// `CreateEventA`: a manual-reset (`bManualReset`) or auto-reset event, signalled if
/// `bInitialState`. Security attributes and the name are ignored.
#[no_mangle]
pub extern "system" fn wsp_CreateEventA(
    _attributes: *mut c_void,
    bManualReset: i32,
    bInitialState: i32,
    _name: *const u8,
) -> HANDLE {
    guard(std::ptr::null_mut(), || {
        create_event(bManualReset, bInitialState)
    })
}

/// `CreateEventW`: as [`wsp_CreateEventA`].
#[no_mangle]
pub extern "system" fn wsp_CreateEventW(
    _attributes: *mut c_void,
    bManualReset: i32,
    bInitialState: i32,
    _name: *const u16,
) -> HANDLE {
    guard(std::ptr::null_mut(), || {
        create_event(bManualReset, bInitialState)
    })
}

/// `SetEvent`: `TRUE`, or `FALSE` with `ERROR_INVALID_HANDLE` for a non-event handle.
#[no_mangle]
pub extern "system" fn wsp_SetEvent(h: HANDLE) -> i32 {
    guard(0, || match handle::event(h as usize) {
        Some(e) => {
            e.set();
            1
        }
        None => fail(ERROR_INVALID_HANDLE, 0),
    })
}

/// `ResetEvent`: `TRUE`, or `FALSE` with `ERROR_INVALID_HANDLE` for a non-event handle.
#[no_mangle]
pub extern "system" fn wsp_ResetEvent(h: HANDLE) -> i32 {
    guard(0, || match handle::event(h as usize) {
        Some(e) => {
            e.reset();
            1
        }
        None => fail(ERROR_INVALID_HANDLE, 0),
    })
}

/// The wait behind every `WaitFor*` export.
fn wait(handles: &[usize], wait_all: bool, ms: u32, alertable: bool) -> u32 {
    if handles.is_empty() || handles.len() > WSA_MAXIMUM_WAIT_EVENTS {
        return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    }
    let Some(events) = handles
        .iter()
        .map(|&h| waitable(h))
        .collect::<Option<Vec<_>>>()
    else {
        return fail(ERROR_INVALID_HANDLE, WAIT_FAILED);
    };
    match wait_for_multiple(
        &RealTime,
        &events,
        wait_all,
        timeout_from_millis(ms),
        alertable,
    ) {
        Ok(r) => r.code(),
        Err(e) => fail(e.code() as u32, WAIT_FAILED),
    }
}

/// `WaitForSingleObject`: [`wsp_WaitForSingleObjectEx`], not alertable.
#[no_mangle]
pub extern "system" fn wsp_WaitForSingleObject(h: HANDLE, dwMilliseconds: u32) -> u32 {
    wsp_WaitForSingleObjectEx(h, dwMilliseconds, 0)
}

/// `WaitForSingleObjectEx`: wait for an event or a thread handle. Returns
/// `WAIT_OBJECT_0`, `WAIT_TIMEOUT`, `WAIT_IO_COMPLETION` (alertable, APCs ran) or
/// `WAIT_FAILED` with `ERROR_INVALID_HANDLE`. A satisfied wait resets an auto-reset event.
#[no_mangle]
pub extern "system" fn wsp_WaitForSingleObjectEx(
    h: HANDLE,
    dwMilliseconds: u32,
    bAlertable: i32,
) -> u32 {
    guard(WAIT_FAILED, || {
        wait(&[h as usize], false, dwMilliseconds, bAlertable != 0)
    })
}

/// `WaitForMultipleObjects`: [`wsp_WaitForMultipleObjectsEx`], not alertable.
///
/// # Safety
/// `lpHandles` is null or valid for `nCount` handles.
#[no_mangle]
pub unsafe extern "system" fn wsp_WaitForMultipleObjects(
    nCount: u32,
    lpHandles: *const HANDLE,
    bWaitAll: i32,
    dwMilliseconds: u32,
) -> u32 {
    // SAFETY: the caller's contract, passed on unchanged.
    unsafe { wsp_WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, 0) }
}

/// `WaitForMultipleObjectsEx`: wait for any (`WAIT_OBJECT_0 + i`, the lowest signalled
/// index) or all (`WAIT_OBJECT_0`) of 1 to `MAXIMUM_WAIT_OBJECTS` events and thread
/// handles. `WAIT_FAILED` with `ERROR_INVALID_PARAMETER` for a bad count or a handle
/// repeated in a wait-all, `ERROR_INVALID_HANDLE` for a handle that is not waitable,
/// `ERROR_NOACCESS` for a null array.
///
/// # Safety
/// `lpHandles` is null or valid for `nCount` handles.
#[no_mangle]
pub unsafe extern "system" fn wsp_WaitForMultipleObjectsEx(
    nCount: u32,
    lpHandles: *const HANDLE,
    bWaitAll: i32,
    dwMilliseconds: u32,
    bAlertable: i32,
) -> u32 {
    guard(WAIT_FAILED, || {
        let n = nCount as usize;
        if n == 0 || n > WSA_MAXIMUM_WAIT_EVENTS {
            return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
        }
        if lpHandles.is_null() {
            return fail(ERROR_NOACCESS, WAIT_FAILED);
        }
        // SAFETY: non-null, and the caller promises `nCount` readable handles.
        let handles = unsafe { std::slice::from_raw_parts(lpHandles, n) };
        let handles: Vec<usize> = handles.iter().map(|&h| h as usize).collect();
        wait(&handles, bWaitAll != 0, dwMilliseconds, bAlertable != 0)
    })
}

/// `Sleep`: suspend the thread for `dwMilliseconds` (`INFINITE`: forever); `Sleep(0)`
/// gives up the rest of the time slice. Never runs APCs.
#[no_mangle]
pub extern "system" fn wsp_Sleep(dwMilliseconds: u32) {
    guard((), || {
        if dwMilliseconds == 0 {
            std::thread::yield_now();
        } else {
            sleep_ex(&RealTime, timeout_from_millis(dwMilliseconds), false);
        }
    })
}

/// `SleepEx`: as [`wsp_Sleep`]; when `bAlertable`, queued APCs and completion routines
/// end the sleep, run on this thread, and the result is `WAIT_IO_COMPLETION`; otherwise 0.
#[no_mangle]
pub extern "system" fn wsp_SleepEx(dwMilliseconds: u32, bAlertable: i32) -> u32 {
    guard(0, || {
        if dwMilliseconds == 0 && bAlertable == 0 {
            std::thread::yield_now();
            return 0;
        }
        match sleep_ex(
            &RealTime,
            timeout_from_millis(dwMilliseconds),
            bAlertable != 0,
        ) {
            WaitResult::IoCompletion => WaitResult::IoCompletion.code(),
            _ => 0,
        }
    })
}

/// The APC target a thread handle names: the pseudo-handle, a `CreateThread` handle, or
/// an engine thread handle ([`ThreadHandle::raw`]).
/// `Some(None)`: a thread handle whose thread has ended.
fn apc_target(h: usize) -> Option<Option<ThreadHandle>> {
    if h == CURRENT_THREAD {
        return Some(Some(current_thread()));
    }
    if let Some(t) = handle::thread(h) {
        // Once the start routine has returned the thread never waits again: refuse, as
        // Windows refuses a terminated thread, even if its thread-locals are not gone yet.
        return Some(t.apc.get().cloned().filter(|_| !t.exit.is_set()));
    }
    ThreadHandle::from_raw(h).map(Some)
}

/// `QueueUserAPC`: queue `pfnAPC(dwData)` to run on `hThread` in its next alertable wait.
/// Non-zero on success; 0 with `ERROR_INVALID_HANDLE` for a bad handle,
/// `ERROR_INVALID_PARAMETER` for a null routine, `ERROR_GEN_FAILURE` if the thread has
/// exited.
#[no_mangle]
pub extern "system" fn wsp_QueueUserAPC(pfnAPC: PAPCFUNC, hThread: HANDLE, dwData: usize) -> u32 {
    guard(0, || {
        let Some(routine) = pfnAPC else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        let target = match apc_target(hThread as usize) {
            Some(Some(t)) => t,
            Some(None) => return fail(ERROR_GEN_FAILURE, 0),
            None => return fail(ERROR_INVALID_HANDLE, 0),
        };
        // SAFETY: the caller handed us a routine of type PAPCFUNC; it runs on the target
        // thread with the parameter it gave.
        let apc = Box::new(move || unsafe { routine(dwData) });
        match target.queue(apc) {
            Ok(()) => 1,
            Err(_) => fail(ERROR_GEN_FAILURE, 0),
        }
    })
}
