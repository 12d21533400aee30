//! The Winsock 2 API over a provider table.
//!
//! * [`provider`] — which provider serves the process (the in-tree one, or the library
//!   named by `WSP_PROVIDER`), `WSAStartup`/`WSACleanup` reference counting, and the
//!   table every call goes through.
//! * [`error`] — `WSAGetLastError`/`WSASetLastError`: one value per thread.
//! * [`trace`] — `WSP_TRACE`: the trace layer in the chain over that provider.
//! * [`text`] — `inet_addr`, `inet_ntoa`, `inet_pton`, `inet_ntop` rules over Rust values.
//! * `exports` — the C entry points (`wsp_socket`, `wsp_WSAStartup`, ...), the only
//!   module here besides `netdb` that touches caller memory (`unsafe`, each block with
//!   a `// SAFETY:` comment).
//! * `handles` — a `SOCKET` as a Win32 `HANDLE`: `GetOverlappedResult`, `CancelIo(Ex)`,
//!   `SetFileCompletionNotificationModes`.
//! * `connect_by` — `WSAConnectByNameA/W`, `WSAConnectByList`.
//! * `wide` — the `WCHAR` forms `InetPtonW`, `InetNtopW`, `GetAddrInfoW`,
//!   `FreeAddrInfoW`, `GetNameInfoW`, over the 8-bit ones.
//! * `netdb` — `getaddrinfo`, `getnameinfo`, `gethostbyname`, `getservbyname` in
//!   Winsock's struct shapes over the host resolver.
//!
//! Every export catches panics (reporting `WSASYSCALLFAILURE`), reports null or short
//! pointers as `WSAEFAULT`, and leaves handle validation to the provider, which answers
//! `WSAENOTSOCK` for handles it does not know.

mod connect_by;
pub mod error;
pub(crate) mod exports;
mod handles;
pub(crate) mod netdb;
pub mod provider;
pub mod text;
pub mod trace;
mod user_mem;
mod wide;

pub use error::{last_error, set_last_error};
