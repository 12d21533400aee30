//! The Win32 pieces Winsock programs lean on, exported with a `wsp_` prefix and mapped
//! onto their Windows names by `include/windows.h`. `WIN32.md` (next to `Cargo.toml`)
//! lists the whole surface, headers included, and what is deliberately left out.
//!
//! | Area | Functions | Module |
//! |------|-----------|--------|
//! | last error | `GetLastError`, `SetLastError` | [`error`] |
//! | handles, waits, APCs | `CreateEvent`, `SetEvent`, `ResetEvent`, `WaitFor*Object(s)(Ex)`, `CloseHandle`, `Sleep(Ex)`, `QueueUserAPC` | [`wait`] |
//! | threads | `CreateThread`, `ExitThread`, `GetExitCodeThread`, `ResumeThread`, `GetCurrentThreadId`, ... | [`thread`] |
//! | clock, system | `GetTickCount(64)`, `QueryPerformanceCounter/Frequency`, `GetSystemInfo`, `GetVersion(Ex)`, `GetComputerName` | [`system`] |
//! | critical sections | `InitializeCriticalSection(AndSpinCount)`, `Enter/TryEnter/Leave/DeleteCriticalSection` | [`critsec`] |
//! | completion ports | `CreateIoCompletionPort`, `GetQueuedCompletionStatus(Ex)`, `PostQueuedCompletionStatus` | [`iocp`] |
//! | windows, messages | `RegisterClass(Ex)`, `CreateWindowEx`, `GetMessage`, `DispatchMessage`, `PostMessage`, `MsgWaitForMultipleObjects(Ex)`, ... | [`window`] |
//! | handles | `CloseHandle`, `DuplicateHandle` | [`handle`] |
//! | memory | `GetProcessHeap`, `HeapAlloc/ReAlloc/Free/Size`, `LocalAlloc/Free`, `VirtualAlloc/Protect/Free/Query` | [`memory`] |
//! | modules | `LoadLibrary(Ex)A/W`, `GetProcAddress`, `FreeLibrary`, `GetModuleHandleA/W`, `GetModuleFileNameA` | [`module`] |
//! | console, process | `SetConsoleCtrlHandler`, `GenerateConsoleCtrlEvent`, `GetStdHandle`, `WriteConsoleA/W`, `WriteFile`, `ReadFile`, `ExitProcess` | [`console`] |
//! | thread-local storage | `TlsAlloc`, `TlsGetValue`, `TlsSetValue`, `TlsFree` | [`tls`] |
//! | strings | `MultiByteToWideChar`, `WideCharToMultiByte`, `lstrlen/cpy/cpyn/cat/cmp/cmpi A/W` | [`text`] |
//!
//! `Interlocked*`, the strsafe functions, `SecureZeroMemory`, `_stricmp`, `sprintf_s`,
//! `_snprintf` and the other C-runtime names are `static inline` in the headers and have no
//! export.
//!
//! # Objects and handles
//!
//! Events and windows are the engine's emulated kernel objects ([`wsp::sync::Event`],
//! [`wsp::sync::Hwnd`]); their `HANDLE`/`HWND` values are the engine's `raw()` handle values,
//! so the Winsock half (`WSAEventSelect`, `WSAAsyncSelect`, `WSAWaitForMultipleEvents`)
//! resolves them with `from_raw`. Threads made by `CreateThread` and completion ports live
//! in this module's own table ([`handle`]), under values drawn from the engine's handle
//! counter, so no value ever names two objects.
//!
//! # Hooks for the Winsock half
//!
//! * [`last_error`] / [`set_last_error`]: the one per-thread last-error slot, which is
//!   also `WSAGetLastError`'s on Windows.
//! * [`register_port_association`]: how `CreateIoCompletionPort(socket, port, key, 0)`
//!   reaches the engine's `associate_port`; [`completion_port`] resolves a port handle.
//! * [`post_message`]: what `WSAAsyncSelect` delivery calls (the shim's `WPUPostMessage`,
//!   in the upcall table it passes to `WSPStartup`), so a thread blocked in
//!   `GetMessage(NULL)` with several windows wakes up.
//!
//! # Waiting
//!
//! Waits run on [`wsp::sync::RealTime`]. Every export catches panics (see `guard`); a
//! caught panic fails the call with `ERROR_INTERNAL_ERROR`.

#![allow(unsafe_code)]
#![allow(non_snake_case)]

pub mod console;
pub mod critsec;
pub mod error;
pub mod handle;
pub mod iocp;
pub mod memory;
pub mod module;
pub mod system;
pub mod text;
pub mod thread;
pub mod tls;
pub mod types;
pub mod wait;
pub mod window;

pub use error::{last_error, set_last_error};
pub use iocp::{completion_port, register_port_association, PortAssociation};
pub use window::post_message;

use std::panic::{catch_unwind, AssertUnwindSafe};

/// `ERROR_INTERNAL_ERROR`: what an export reports when it caught a panic.
const ERROR_INTERNAL_ERROR: u32 = 1359;

/// Run an export's body, turning a panic into `fail` with `ERROR_INTERNAL_ERROR`, so no
/// unwind ever crosses the C boundary.
pub(crate) fn guard<T>(fail: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        set_last_error(ERROR_INTERNAL_ERROR);
        fail
    })
}

/// Fail an export: set the last error to `code` and return `value`.
pub(crate) fn fail<T>(code: u32, value: T) -> T {
    set_last_error(code);
    value
}
