//! `WSP_TRACE`: the trace layer ([`wsp_trace::Trace`]) in the chain over the provider the
//! shim loads.
//!
//! With `WSP_TRACE=stderr` or `WSP_TRACE=/path/file` (and `WSP_TRACE_FORMAT=json`,
//! `WSP_TRACE_DATA=N`; see [`wsp_trace::Config::from_env`]) in the environment at the first
//! `WSAStartup`, the shim does not call the provider's `WSPStartup` directly: slot 0 of
//! the in-tree provider machinery is set to export the trace layer
//! ([`wsp_provider::layer::Export`]) over the provider the shim would have used (the
//! in-tree engine, or the `WSP_PROVIDER` library driven through C), and the shim starts
//! that, with the layer's catalog (chain entries "wsp trace over [...]"), exactly as it
//! would start an installed layered provider.
//!
//! What is traced: every call that reaches the provider (every `WSP*` entry of the table,
//! the extension functions `AcceptEx`, `ConnectEx`, `DisconnectEx`, `TransmitFile`,
//! `TransmitPackets`, `WSARecvMsg`, `WSASendMsg`, completion-port association), and the
//! completion of every overlapped request (`WSPRecv:complete`, `AcceptEx:complete`, ...),
//! however the program is told of it. Not traced: what the shim answers itself without
//! the provider (`WSAStartup`'s version negotiation, `WSAGetLastError`, `inet_pton` and the
//! other text conversions, `getaddrinfo`/`gethostbyname`, event and window objects,
//! waits, `GetQueuedCompletionStatus`). Through a `WSP_PROVIDER` library the extension
//! functions are the layer's (`SIO_GET_EXTENSION_FUNCTION_POINTER` answers with them)
//! and reach the library's own through its table; `tests/trace.rs` runs `iocp_server`
//! that way.

use wsp::types::WSAPROTOCOL_INFOW;
use wsp::WsaError;
use wsp_provider::abi::LPWSPSTARTUP;
use wsp_provider::layer::{Export, NextProvider};

/// The provider to start when `WSP_TRACE` asks for a trace: the in-tree `WSPStartup`
/// serving the trace layer over `next_library` (the `WSP_PROVIDER` path) or over the
/// engine, and the layer's catalog. `Ok(None)` when `WSP_TRACE` is off.
pub fn chain_from_env(
    next_library: Option<std::ffi::OsString>,
) -> Result<Option<(LPWSPSTARTUP, Vec<WSAPROTOCOL_INFOW>)>, WsaError> {
    let Some(trace) = wsp_trace::Trace::from_env() else {
        return Ok(None);
    };
    let next = match next_library {
        None => NextProvider::Engine,
        Some(path) => {
            let path = std::path::PathBuf::from(path);
            // The same error as without the trace when the library cannot be loaded.
            wsp_provider::ffi::loader::open(&path).map_err(|_| WsaError::WSASYSNOTREADY)?;
            NextProvider::Library(path)
        }
    };
    // One tracer for the process: every instance of the layer shares it.
    let export = Export::new(move || trace.clone(), next);
    let catalog = export.catalog();
    if catalog.is_empty() {
        return Err(WsaError::WSAEINVALIDPROVIDER);
    }
    wsp_provider::layer::set_slot(0, Some(export));
    Ok(Some((wsp_provider::WSPStartup as LPWSPSTARTUP, catalog)))
}
