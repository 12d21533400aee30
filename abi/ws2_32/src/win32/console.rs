//! The console and the process: `SetConsoleCtrlHandler`, `GenerateConsoleCtrlEvent`,
//! `GetStdHandle`, `WriteConsoleA/W`, `WriteFile` and `ReadFile` on console handles,
//! `ExitProcess`.
//!
//! # Control events
//!
//! The host's signals stand for the console's control events once the program has called
//! `SetConsoleCtrlHandler` (before that, they keep their default action):
//!
//! | signal | event |
//! |--------|-------|
//! | `SIGINT` (Ctrl-C) | `CTRL_C_EVENT` |
//! | `SIGQUIT` (Ctrl-\\, the nearest to Ctrl-Break) | `CTRL_BREAK_EVENT` |
//! | `SIGTERM`, `SIGHUP` | `CTRL_CLOSE_EVENT` |
//!
//! As on Windows (Microsoft's `HandlerRoutine` page), each event runs on a **new thread**:
//! the handlers are called in reverse order of registration until one returns `TRUE`. If
//! none does, the default handler ends the process; for `CTRL_CLOSE_EVENT` the process
//! ends after the handlers return whatever they return. `SetConsoleCtrlHandler(NULL,
//! TRUE)` makes the process ignore `CTRL_C_EVENT`. Ending the process, here, flushes the C
//! library's streams and then dies of the signal (`SIGINT` for Ctrl-C and Ctrl-Break,
//! `SIGTERM`/`SIGHUP` for close), so a shell sees what it expects of a Linux program;
//! Windows' exit code would be `STATUS_CONTROL_C_EXIT`.
//!
//! The signal handler itself only writes the event to a pipe; a dispatcher thread reads it
//! and starts the handler thread, so the program's handlers never run in signal context.
//! A child made by `fork` gets its own pipe and dispatcher thread when it calls
//! `SetConsoleCtrlHandler` itself; until then its signals go to the parent's pipe and are
//! handled in the parent.
//! `GenerateConsoleCtrlEvent(CTRL_C_EVENT or CTRL_BREAK_EVENT, 0 or this process's id)`
//! delivers the event in-process the same way (other processes: `ERROR_INVALID_PARAMETER`).
//!
//! # Console handles
//!
//! `GetStdHandle` gives one handle per standard stream (file descriptors 0, 1, 2), the same
//! value on every call. `WriteConsoleA` writes the bytes; `WriteConsoleW` writes the UTF-16
//! text as UTF-8 and counts characters written in UTF-16 units. Windows refuses
//! `WriteConsole` on a redirected handle (a file or pipe: `ERROR_INVALID_HANDLE`); the shim
//! writes anyway, because Linux console programs are routinely piped. `WriteFile` and
//! `ReadFile` work on console handles only (not on sockets or files), synchronously: an
//! `OVERLAPPED` is refused with `ERROR_INVALID_PARAMETER`.

use super::handle::{self, Object};
use super::text::utf16_to_string;
use super::types::HANDLE;
use super::{fail, guard};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

/// `CTRL_C_EVENT`.
pub const CTRL_C_EVENT: u32 = 0;
/// `CTRL_BREAK_EVENT`.
pub const CTRL_BREAK_EVENT: u32 = 1;
/// `CTRL_CLOSE_EVENT`.
pub const CTRL_CLOSE_EVENT: u32 = 2;
/// `STD_INPUT_HANDLE`.
pub const STD_INPUT_HANDLE: u32 = -10i32 as u32;
/// `STD_OUTPUT_HANDLE`.
pub const STD_OUTPUT_HANDLE: u32 = -11i32 as u32;
/// `STD_ERROR_HANDLE`.
pub const STD_ERROR_HANDLE: u32 = -12i32 as u32;
/// `ERROR_INVALID_HANDLE`.
const ERROR_INVALID_HANDLE: u32 = 6;
/// `ERROR_INVALID_PARAMETER`.
const ERROR_INVALID_PARAMETER: u32 = 87;
/// `ERROR_NOACCESS`.
const ERROR_NOACCESS: u32 = 998;
/// `ERROR_WRITE_FAULT`: the host refused a write.
const ERROR_WRITE_FAULT: u32 = 29;
/// `ERROR_READ_FAULT`: the host refused a read.
const ERROR_READ_FAULT: u32 = 30;

/// `PHANDLER_ROUTINE`.
pub type HandlerRoutine = unsafe extern "system" fn(u32) -> i32;

/// Registered handlers, oldest first.
static HANDLERS: Mutex<Vec<HandlerRoutine>> = Mutex::new(Vec::new());
/// `SetConsoleCtrlHandler(NULL, TRUE)`: Ctrl-C is ignored.
static IGNORE_CTRL_C: AtomicBool = AtomicBool::new(false);
/// The write end of the signal pipe (-1 before installation).
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);
static INSTALLED: OnceLock<()> = OnceLock::new();

fn handlers() -> std::sync::MutexGuard<'static, Vec<HandlerRoutine>> {
    HANDLERS.lock().unwrap_or_else(|p| p.into_inner())
}

/// The signals the shim turns into control events.
const SIGNALS: [i32; 4] = [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP];

/// The event a signal stands for.
fn event_of(sig: i32) -> u32 {
    match sig {
        libc::SIGINT => CTRL_C_EVENT,
        libc::SIGQUIT => CTRL_BREAK_EVENT,
        _ => CTRL_CLOSE_EVENT,
    }
}

/// The signal's handler: one byte (the signal number) to the pipe. Async-signal-safe:
/// only `write`, with `errno` preserved.
extern "C" fn on_signal(sig: i32) {
    let fd = PIPE_WRITE.load(Ordering::Relaxed);
    if fd < 0 {
        return;
    }
    let byte = sig as u8;
    // SAFETY: errno is thread-local; write is async-signal-safe and reads one byte of ours.
    unsafe {
        let errno = errno_location();
        let saved = *errno;
        libc::write(fd, (&byte as *const u8).cast(), 1);
        *errno = saved;
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
unsafe fn errno_location() -> *mut i32 {
    // SAFETY: the C library's thread-local errno.
    unsafe { libc::__errno_location() }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
unsafe fn errno_location() -> *mut i32 {
    // SAFETY: the C library's thread-local errno.
    unsafe { libc::__error() }
}

/// The process whose dispatcher thread reads the pipe (a child made by `fork` has none).
static DISPATCHER_PID: Mutex<u32> = Mutex::new(0);

/// A fresh close-on-exec pipe with a non-blocking write end.
fn new_pipe() -> Option<[i32; 2]> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` has room for the two descriptors.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: plain fcntl on descriptors we own.
    unsafe {
        for fd in fds {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
        let fl = libc::fcntl(fds[1], libc::F_GETFL);
        libc::fcntl(fds[1], libc::F_SETFL, fl | libc::O_NONBLOCK);
    }
    Some(fds)
}

/// Make sure this process has its own signal pipe and a dispatcher thread reading it
/// (again after a `fork`: the child inherits the parent's pipe, which the parent's
/// dispatcher also reads, but not its thread), then install the signal handlers (once).
fn install() {
    let pid = std::process::id();
    let mut owner = DISPATCHER_PID.lock().unwrap_or_else(|p| p.into_inner());
    if *owner != pid {
        let Some([read, write]) = new_pipe() else {
            return;
        };
        let old = PIPE_WRITE.swap(write, Ordering::SeqCst);
        if old >= 0 {
            // SAFETY: the inherited write end, no longer used by this process.
            unsafe { libc::close(old) };
        }
        let spawned = std::thread::Builder::new()
            .name("wsp-console-ctrl".into())
            .spawn(move || loop {
                let mut byte = 0u8;
                // SAFETY: reading one byte into our own buffer.
                let n = unsafe { libc::read(read, (&mut byte as *mut u8).cast(), 1) };
                if n == 1 {
                    let sig = i32::from(byte);
                    deliver(event_of(sig), sig);
                } else if n == 0 {
                    return;
                }
            });
        if spawned.is_err() {
            return;
        }
        *owner = pid;
    }
    drop(owner);
    INSTALLED.get_or_init(|| {
        for sig in SIGNALS {
            // SAFETY: a zeroed sigaction with our handler; SA_RESTART so the program's
            // slow system calls resume after the byte is written.
            unsafe {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = on_signal as extern "C" fn(i32) as usize;
                sa.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut sa.sa_mask);
                libc::sigaction(sig, &sa, std::ptr::null_mut());
            }
        }
    });
}

/// Run an event on a new thread, as Windows does.
fn deliver(event: u32, sig: i32) {
    let _ = std::thread::Builder::new()
        .name("wsp-ctrl-handler".into())
        .spawn(move || dispatch(event, sig));
}

/// The handler thread: handlers newest first until one returns `TRUE`; else (and always
/// for a close event) the default action.
fn dispatch(event: u32, sig: i32) {
    if event == CTRL_C_EVENT && IGNORE_CTRL_C.load(Ordering::SeqCst) {
        return;
    }
    let list: Vec<HandlerRoutine> = handlers().clone();
    let handled = list.iter().rev().any(|h| {
        // SAFETY: a routine the program registered, called with an event code.
        unsafe { h(event) != 0 }
    });
    if handled && event != CTRL_CLOSE_EVENT {
        return;
    }
    die(sig);
}

/// The default handler: flush the C streams, then die of `sig` (or exit 128 + sig).
fn die(sig: i32) -> ! {
    // SAFETY: fflush(NULL) flushes every C stream; then the default action of `sig`,
    // unblocked on this thread, is delivered by raise.
    unsafe {
        libc::fflush(std::ptr::null_mut());
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(sig);
        libc::_exit(128 + sig)
    }
}

/// `SetConsoleCtrlHandler`: add (`Add` non-zero) or remove a handler; with a `NULL`
/// routine, make the process ignore (`TRUE`) or again handle (`FALSE`) `CTRL_C_EVENT`.
/// `FALSE` with `ERROR_INVALID_PARAMETER` when removing a handler that is not registered.
#[no_mangle]
pub extern "system" fn wsp_SetConsoleCtrlHandler(
    HandlerRoutine: Option<HandlerRoutine>,
    Add: i32,
) -> i32 {
    guard(0, || {
        install();
        match HandlerRoutine {
            None => IGNORE_CTRL_C.store(Add != 0, Ordering::SeqCst),
            Some(h) if Add != 0 => handlers().push(h),
            Some(h) => {
                let mut list = handlers();
                let Some(i) = list.iter().rposition(|&x| x as usize == h as usize) else {
                    return fail(ERROR_INVALID_PARAMETER, 0);
                };
                list.remove(i);
            }
        }
        1
    })
}

/// `GenerateConsoleCtrlEvent`: deliver `CTRL_C_EVENT` or `CTRL_BREAK_EVENT` to this
/// process (`dwProcessGroupId` 0, or this process's id), on a new thread, after this call
/// returns `TRUE`. `FALSE` with `ERROR_INVALID_PARAMETER` for another event or process.
#[no_mangle]
pub extern "system" fn wsp_GenerateConsoleCtrlEvent(
    dwCtrlEvent: u32,
    dwProcessGroupId: u32,
) -> i32 {
    guard(0, || {
        if dwCtrlEvent > CTRL_BREAK_EVENT
            || (dwProcessGroupId != 0 && dwProcessGroupId != std::process::id())
        {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        deliver(dwCtrlEvent, libc::SIGINT);
        1
    })
}

/// The three standard handles, made on first use.
fn std_handle(fd: i32) -> usize {
    static HANDLES: [OnceLock<usize>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    *HANDLES[fd as usize].get_or_init(|| handle::insert(Object::Console(fd)))
}

/// `GetStdHandle`: the handle of standard input, output or error;
/// `INVALID_HANDLE_VALUE` with `ERROR_INVALID_HANDLE` for another value.
#[no_mangle]
pub extern "system" fn wsp_GetStdHandle(nStdHandle: u32) -> HANDLE {
    guard(usize::MAX as HANDLE, || {
        let fd = match nStdHandle {
            STD_INPUT_HANDLE => 0,
            STD_OUTPUT_HANDLE => 1,
            STD_ERROR_HANDLE => 2,
            _ => return fail(ERROR_INVALID_HANDLE, usize::MAX as HANDLE),
        };
        std_handle(fd) as HANDLE
    })
}

/// Write all of `bytes` to `fd`.
fn write_all(fd: i32, mut bytes: &[u8]) -> bool {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is readable for its length.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return false;
        }
        bytes = &bytes[n as usize..];
    }
    true
}

/// Write through a console handle and report `count` in `*written`.
///
/// # Safety
/// `written` is null or valid for a `DWORD`.
unsafe fn console_write(h: HANDLE, bytes: &[u8], count: u32, written: *mut u32) -> i32 {
    let Some(fd) = handle::console(h as usize) else {
        return fail(ERROR_INVALID_HANDLE, 0);
    };
    if !write_all(fd, bytes) {
        return fail(ERROR_WRITE_FAULT, 0);
    }
    if !written.is_null() {
        // SAFETY: the caller's contract.
        unsafe { written.write_unaligned(count) };
    }
    1
}

/// `WriteConsoleA`: write `nNumberOfCharsToWrite` bytes to a console handle.
///
/// # Safety
/// `lpBuffer` is valid for the count; `lpNumberOfCharsWritten` null or valid.
#[no_mangle]
pub unsafe extern "system" fn wsp_WriteConsoleA(
    hConsoleOutput: HANDLE,
    lpBuffer: *const c_void,
    nNumberOfCharsToWrite: u32,
    lpNumberOfCharsWritten: *mut u32,
    _lpReserved: *mut c_void,
) -> i32 {
    guard(0, || {
        let n = nNumberOfCharsToWrite as usize;
        if lpBuffer.is_null() && n > 0 {
            return fail(ERROR_NOACCESS, 0);
        }
        let bytes: &[u8] = if n == 0 {
            &[]
        } else {
            // SAFETY: the caller promises `n` readable bytes.
            unsafe { std::slice::from_raw_parts(lpBuffer.cast(), n) }
        };
        // SAFETY: the caller's contract.
        unsafe {
            console_write(
                hConsoleOutput,
                bytes,
                nNumberOfCharsToWrite,
                lpNumberOfCharsWritten,
            )
        }
    })
}

/// `WriteConsoleW`: write `nNumberOfCharsToWrite` UTF-16 units, as UTF-8, to a console
/// handle; `*lpNumberOfCharsWritten` counts UTF-16 units.
///
/// # Safety
/// `lpBuffer` is valid for the count of units; `lpNumberOfCharsWritten` null or valid.
#[no_mangle]
pub unsafe extern "system" fn wsp_WriteConsoleW(
    hConsoleOutput: HANDLE,
    lpBuffer: *const c_void,
    nNumberOfCharsToWrite: u32,
    lpNumberOfCharsWritten: *mut u32,
    _lpReserved: *mut c_void,
) -> i32 {
    guard(0, || {
        let n = nNumberOfCharsToWrite as usize;
        if lpBuffer.is_null() && n > 0 {
            return fail(ERROR_NOACCESS, 0);
        }
        let text = if n == 0 {
            String::new()
        } else {
            // SAFETY: the caller promises `n` readable units.
            utf16_to_string(unsafe { std::slice::from_raw_parts(lpBuffer.cast::<u16>(), n) })
        };
        // SAFETY: the caller's contract.
        unsafe {
            console_write(
                hConsoleOutput,
                text.as_bytes(),
                nNumberOfCharsToWrite,
                lpNumberOfCharsWritten,
            )
        }
    })
}

/// `WriteFile` on a console handle: write the bytes synchronously. `FALSE` with
/// `ERROR_INVALID_HANDLE` for another handle, `ERROR_INVALID_PARAMETER` with an
/// `OVERLAPPED`.
///
/// # Safety
/// `lpBuffer` is valid for the count; `lpNumberOfBytesWritten` null or valid.
#[no_mangle]
pub unsafe extern "system" fn wsp_WriteFile(
    hFile: HANDLE,
    lpBuffer: *const c_void,
    nNumberOfBytesToWrite: u32,
    lpNumberOfBytesWritten: *mut u32,
    lpOverlapped: *mut c_void,
) -> i32 {
    if !lpOverlapped.is_null() {
        return fail(ERROR_INVALID_PARAMETER, 0);
    }
    // SAFETY: the caller's contract, passed on.
    unsafe {
        wsp_WriteConsoleA(
            hFile,
            lpBuffer,
            nNumberOfBytesToWrite,
            lpNumberOfBytesWritten,
            std::ptr::null_mut(),
        )
    }
}

/// `ReadFile` on a console handle: one read of up to `nNumberOfBytesToRead` bytes (0 at
/// end of input), synchronously. Errors as [`wsp_WriteFile`].
///
/// # Safety
/// `lpBuffer` is valid for the count; `lpNumberOfBytesRead` null or valid.
#[no_mangle]
pub unsafe extern "system" fn wsp_ReadFile(
    hFile: HANDLE,
    lpBuffer: *mut c_void,
    nNumberOfBytesToRead: u32,
    lpNumberOfBytesRead: *mut u32,
    lpOverlapped: *mut c_void,
) -> i32 {
    guard(0, || {
        if !lpOverlapped.is_null() {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        let Some(fd) = handle::console(hFile as usize) else {
            return fail(ERROR_INVALID_HANDLE, 0);
        };
        if lpBuffer.is_null() && nNumberOfBytesToRead > 0 {
            return fail(ERROR_NOACCESS, 0);
        }
        let n = loop {
            // SAFETY: the caller promises `nNumberOfBytesToRead` writable bytes.
            let n = unsafe { libc::read(fd, lpBuffer, nNumberOfBytesToRead as usize) };
            if n >= 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                break n;
            }
        };
        if n < 0 {
            return fail(ERROR_READ_FAULT, 0);
        }
        if !lpNumberOfBytesRead.is_null() {
            // SAFETY: the caller's contract.
            unsafe { lpNumberOfBytesRead.write_unaligned(n as u32) };
        }
        1
    })
}

/// `ExitProcess`: end the process with `uExitCode` (the host keeps its low 8 bits), after
/// the C library's exit processing (`atexit` functions, stream flushing), as Windows runs
/// the C runtime's.
#[no_mangle]
pub extern "system" fn wsp_ExitProcess(uExitCode: u32) -> ! {
    // SAFETY: exit runs the C library's exit processing and never returns.
    unsafe { libc::exit(uExitCode as i32) }
}
