//! # wsp-chain — the engine over the next provider in a protocol chain
//!
//! [`Chain`] implements the engine's [`Net`](wsp::net::Net) seam over any provider given
//! as an `Arc<dyn Wsp>`. On Windows that is the next provider in the layered entry's
//! protocol chain (MSAFD's `WSPPROC_TABLE`, loaded by path and wrapped by
//! `wsp_provider::ForeignProvider`), so an installed layered provider reaches the network
//! without ever calling back into ws2_32 (which would find the layered entry again and
//! recurse). On Linux the same code runs over the in-tree engine (`Engine<Portable>`, or
//! the provider driven through its C table), which is how it is tested.
//!
//! The crate is pure Rust over the [`Wsp`](wsp::Wsp) trait: no `unsafe`, no OS call.
//!
//! ## How the seam's contract is met
//!
//! * **Host sockets** are next-provider sockets made non-blocking with `FIONBIO`, named
//!   by [`HostSocket`](wsp::net::HostSocket) ids that are never reused (a counter), so a
//!   closed id never reaches a newer socket even when the next provider reuses its
//!   handle values (MSAFD does).
//! * **Readiness** comes from `WSPSelect` on the next provider, run by one watcher thread
//!   (`wsp-chain-watch`). Select is level-triggered; the watcher turns it into the
//!   seam's edge reports with an *armed* set per socket, re-armed by the calls Windows
//!   names for re-enabling network events:
//!   - a receive (not a peek that found data) and an accept re-arm *read*;
//!   - a send that would block or was short, and a connect in progress, re-arm *write*;
//!   - a connect in progress and any receive re-arm *except* (failed connect, OOB data);
//!   - registration arms everything (the first report carries the initial level, as
//!     epoll reports on registration); `listen` and `shutdown` re-arm too.
//!
//!   A direction is reported once when select finds it ready and is then disarmed until
//!   one of those calls. A re-arm that happens while a select is in flight keeps the
//!   direction armed after that select returns, so a level the select saw *before* an
//!   operation consumed it never disarms a direction the operation meant to re-arm: no
//!   edge is lost. Select's "read" on a connected stream is refined with a one-byte
//!   peek (end of stream adds `READ_CLOSED`; a reset adds `ERROR | WRITE_CLOSED`), so
//!   the engine records `FD_CLOSE` with the right error. "Except" on a connecting socket
//!   is a failed connect (`ERROR`), otherwise out-of-band data (`PRIORITY`).
//!
//!   The watcher sleeps in the next provider's `WSPSelect` with no timeout; it is woken
//!   through a loopback UDP socket of the next provider (a datagram sent to itself),
//!   only when a direction that is not in the select in flight is armed or a socket in
//!   it is closed. If the next provider cannot make that socket, the watcher polls every
//!   10 ms instead.
//!
//!   `WSPEventSelect` is not used: on Windows MSAFD hands the event handle to the AFD
//!   driver, which signals it in the kernel, so it must be a real kernel event; the
//!   handles the `Wsp` trait carries (`wsp::sync::Event`) are the library's emulated
//!   events. `WSPSelect` needs nothing but socket handles.
//! * **`poll_now`** is a zero-timeout `WSPSelect` over the asked sockets.
//! * **Options** ([`HostOpt`](wsp::net::HostOpt)) are Windows options on the next
//!   provider (`WSPSetSockOpt`/`WSPGetSockOpt` with Windows' levels, names and value
//!   shapes). `SendQueue` has no Winsock equivalent and gives `WSAENOPROTOOPT` (the
//!   engine then treats the queue as empty: a lingering close is graceful at once).
//! * **Errors** are the next provider's own Winsock codes, passed up unchanged; the
//!   seam's conventions already are Windows' (`WSAEWOULDBLOCK` for a connect in
//!   progress, `WSAEMSGSIZE` for a truncated datagram, which becomes
//!   [`Received::truncated`](wsp::net::Received::truncated)).
//! * **Time** is the host's monotonic clock; [`Net::block_until`](wsp::net::Net::block_until)
//!   is the default real-time gate wait.
//!
//! ## Known limits
//! * A stream socket that was reported readable and has not been read since is not in
//!   the read set; a reset arriving then is seen at the next receive (or by `WSPSelect`
//!   through `poll_now`), not reported on its own.
//! * Duplicating a socket for another process (`Net::export`/`import`) is not offered
//!   (`WSAEOPNOTSUPP`).

#![deny(unsafe_code)]

mod net;
mod opts;
mod watch;

pub use net::Chain;
