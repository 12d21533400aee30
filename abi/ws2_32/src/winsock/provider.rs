//! Which provider serves the process, and `WSAStartup`/`WSACleanup` bookkeeping.
//!
//! By default the in-tree provider (`wsp_provider`'s exported `WSPStartup`, called as a
//! Rust `extern "system"` function). With `WSP_PROVIDER=/path/lib.so` in the environment
//! at the first `WSAStartup`, that library is loaded (`dlopen`, never unloaded) and its
//! `WSPStartup` and `WSPEnumCatalog` are used instead.
//!
//! The provider gets `wsp_provider`'s own upcall table (over `wsp::sync`), so the
//! `WSAEVENT`s this shim hands out are `Event::raw` handles and `HWND`s are `Hwnd::raw`
//! handles, which the in-tree provider resolves directly and a loaded provider reaches
//! through `WPUSetEvent`/`WPUPostMessage`, with one entry replaced: `WPUPostMessage` is
//! the shim's own `wpu_post_message`, which posts through the Win32 half's window layer
//! ([`crate::win32::post_message`]), so a `WSAAsyncSelect` message wakes the owning
//! thread's `GetMessage(NULL)` whichever of its windows the message is for. The in-tree
//! provider still treats the table as its own (registry handles, no C calls for events
//! and APCs) but calls a replaced `WPUPostMessage` for every message it posts.

use std::sync::{Mutex, MutexGuard};
use wsp::types::{WSAPROTOCOL_INFOW, WSPDATA};
use wsp::WsaError;
use wsp_provider::abi::{BOOL, HWND, LPARAM, LPWSPSTARTUP, WPARAM, WSPPROC_TABLE, WSPUPCALLTABLE};
use wsp_provider::ffi::{calls, loader, local};

/// The environment variable naming a provider library to load instead of the in-tree one.
pub const PROVIDER_ENV: &str = "WSP_PROVIDER";

/// The highest version this shim implements (2.2, `MAKEWORD(2, 2)`).
pub const HIGH_VERSION: u16 = 0x0202;

struct State {
    /// The loaded provider: its table, catalog, negotiated versions.
    table: Option<WSPPROC_TABLE>,
    catalog: Vec<WSAPROTOCOL_INFOW>,
    users: u32,
    version: u16,
}

static STATE: Mutex<State> = Mutex::new(State {
    table: None,
    catalog: Vec::new(),
    users: 0,
    version: 0,
});

/// A library stays loaded for the life of the process (see `wsp_provider::ffi::loader`).
static LIBRARY: Mutex<Option<(LPWSPSTARTUP, Vec<WSAPROTOCOL_INFOW>)>> = Mutex::new(None);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `WSAStartup`'s version negotiation: the version the program gets for `requested`
/// (`LOBYTE` major, `HIBYTE` minor), or `WSAVERNOTSUPPORTED` below 1.0.
pub fn negotiate(requested: u16) -> Result<u16, WsaError> {
    let (major, minor) = (requested & 0xff, requested >> 8);
    match major {
        0 => Err(WsaError::WSAVERNOTSUPPORTED),
        1 => Ok(if minor == 0 { 0x0001 } else { 0x0101 }),
        2 if minor <= 2 => Ok(requested),
        _ => Ok(HIGH_VERSION),
    }
}

fn choose_provider() -> Result<(LPWSPSTARTUP, Vec<WSAPROTOCOL_INFOW>), WsaError> {
    let mut lib = lock(&LIBRARY);
    if let Some(p) = lib.as_ref() {
        return Ok(p.clone());
    }
    let library = std::env::var_os(PROVIDER_ENV).filter(|v| !v.is_empty());
    // WSP_TRACE: the trace layer over whichever provider would serve (winsock::trace).
    if let Some(traced) = super::trace::chain_from_env(library.clone())? {
        *lib = Some(traced.clone());
        return Ok(traced);
    }
    let chosen = match library {
        None => (
            wsp_provider::WSPStartup as LPWSPSTARTUP,
            wsp::catalog::entries(),
        ),
        Some(path) => {
            let l =
                loader::open(std::path::Path::new(&path)).map_err(|_| WsaError::WSASYSNOTREADY)?;
            let startup = l.wsp_startup().map_err(|_| WsaError::WSAEINVALIDPROVIDER)?;
            let catalog = match l.wsp_enum_catalog() {
                Some(f) => calls::enum_catalog(f)?,
                None => Vec::new(),
            };
            if catalog.is_empty() {
                return Err(WsaError::WSAEINVALIDPROVIDER);
            }
            // `Library` has no `Drop`: the provider stays loaded for the life of the
            // process (it may keep threads of its own running).
            let _ = l;
            (startup, catalog)
        }
    };
    *lib = Some(chosen.clone());
    Ok(chosen)
}

/// The shim's `WPUPostMessage`: post through the Win32 half's window layer. `FALSE` for a
/// window that does not exist (or a caught panic).
extern "system" fn wpu_post_message(hwnd: HWND, msg: u32, wparam: WPARAM, lparam: LPARAM) -> BOOL {
    std::panic::catch_unwind(|| crate::win32::post_message(hwnd, msg, wparam, lparam))
        .map_or(0, BOOL::from)
}

/// The upcall table the shim passes to `WSPStartup`: the provider's own, with the shim's
/// `WPUPostMessage`.
fn upcall_table() -> WSPUPCALLTABLE {
    WSPUPCALLTABLE {
        lpWPUPostMessage: Some(wpu_post_message),
        ..local::table()
    }
}

/// Whether the in-tree provider serves the process (no `WSP_PROVIDER` library loaded).
pub(crate) fn in_tree() -> bool {
    lock(&LIBRARY)
        .as_ref()
        .is_some_and(|(f, _)| std::ptr::fn_addr_eq(*f, wsp_provider::WSPStartup as LPWSPSTARTUP))
}

/// The shim's [`crate::win32::PortAssociation`] (installed by `WSAStartup`): associate
/// socket `handle` with `port` under `key`, for `CreateIoCompletionPort(socket, ...)`.
///
/// The in-tree provider's engine posts to an associated port itself when an overlapped
/// request completes, after `TableUpcalls` wrote `Internal`/`InternalHigh` into the
/// caller's `WSAOVERLAPPED` and only for requests with no completion routine and no low
/// bit in `hEvent`, so the association goes straight to that engine
/// ([`wsp::Engine::associate_port`] on the instance behind the exported `WSPStartup`):
/// the packet is (bytes, key, `lpOverlapped`). (A route through the upcall table cannot
/// do this: a native table's completions set events and queue APCs without any C call,
/// and an APC would run only when the issuing thread waits alertably.)
///
/// `None` (so `ERROR_INVALID_HANDLE`) for a handle that is not a socket or outside
/// `WSAStartup`; `ERROR_INVALID_PARAMETER` for a socket already associated;
/// `ERROR_NOT_SUPPORTED` when a `WSP_PROVIDER` library serves the process (its engine, if
/// any, is out of reach; the SPI has no call for it).
fn associate_port(
    handle: usize,
    port: &wsp::overlapped::CompletionPort,
    key: usize,
) -> Option<Result<(), u32>> {
    use crate::win32::error::{ERROR_INVALID_PARAMETER, ERROR_NOT_SUPPORTED};
    table().ok()?;
    if !in_tree() {
        return Some(Err(ERROR_NOT_SUPPORTED));
    }
    let inst = wsp_provider::instance::get(0).ok()?;
    let s = inst.sock(handle).ok()?;
    match inst.provider.associate_port(s, port, key) {
        Ok(()) => Some(Ok(())),
        Err(WsaError::WSAENOTSOCK) => None,
        Err(_) => Some(Err(ERROR_INVALID_PARAMETER)),
    }
}

/// `WSAStartup` after the argument checks: negotiate, start the provider on the first
/// call, count one more user. Returns the negotiated version.
pub fn startup(requested: u16) -> Result<u16, WsaError> {
    let version = negotiate(requested)?;
    crate::win32::register_port_association(associate_port);
    // The in-tree provider's mswsock extensions (AcceptEx, ...) have no lpErrno: they
    // report through the thread's last error, which is `WSAGetLastError`'s.
    wsp_provider::ffi::ext::set_host_last_error(|code| crate::win32::set_last_error(code as u32));
    let mut st = lock(&STATE);
    if st.table.is_none() {
        let (f, catalog) = choose_provider()?;
        let (_data, table): (WSPDATA, _) =
            calls::startup(f, HIGH_VERSION, &catalog[0], upcall_table())?;
        st.table = Some(table.0);
        st.catalog = catalog;
    }
    st.users += 1;
    st.version = version;
    Ok(version)
}

/// `WSACleanup`: one user fewer; the last one calls the provider's `WSPCleanup`.
pub fn cleanup() -> Result<(), WsaError> {
    let mut st = lock(&STATE);
    let table = st.table.ok_or(WsaError::WSANOTINITIALISED)?;
    st.users -= 1;
    if st.users == 0 {
        st.table = None;
        drop(st);
        calls::Table(table).cleanup()?;
    }
    Ok(())
}

/// The provider's table, or `WSANOTINITIALISED` outside `WSAStartup`/`WSACleanup`.
pub fn table() -> Result<WSPPROC_TABLE, WsaError> {
    lock(&STATE).table.ok_or(WsaError::WSANOTINITIALISED)
}

/// The provider's catalog (`WSAEnumProtocols`), or `WSANOTINITIALISED`.
pub fn catalog() -> Result<Vec<WSAPROTOCOL_INFOW>, WsaError> {
    let st = lock(&STATE);
    st.table.ok_or(WsaError::WSANOTINITIALISED)?;
    Ok(st.catalog.clone())
}

/// The version the last `WSAStartup` negotiated (0 when not started).
pub fn version() -> u16 {
    let st = lock(&STATE);
    if st.table.is_some() {
        st.version
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_negotiation_follows_windows() {
        assert_eq!(negotiate(0x0000), Err(WsaError::WSAVERNOTSUPPORTED));
        assert_eq!(negotiate(0x0100), Err(WsaError::WSAVERNOTSUPPORTED));
        assert_eq!(negotiate(0x0001), Ok(0x0001));
        assert_eq!(negotiate(0x0101), Ok(0x0101));
        assert_eq!(negotiate(0x0501), Ok(0x0101));
        assert_eq!(negotiate(0x0002), Ok(0x0002));
        assert_eq!(negotiate(0x0202), Ok(0x0202));
        assert_eq!(negotiate(0x0302), Ok(0x0202));
        assert_eq!(negotiate(0x0003), Ok(0x0202));
    }
}
