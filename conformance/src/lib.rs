//! # wsp-conformance — Winsock SPI behaviours as runnable cases
//!
//! Every [`Case`] states one Winsock rule for one `WSP*` function: what Windows returns
//! (`expect`, in words), where that is written down or observed (`source`), and a `run`
//! function that checks it against any [`Wsp`]. The cases are generic over the trait, so the
//! same suite runs against the engine on each backend and, through the provider crate's
//! wrapper, against any foreign `WSPPROC_TABLE`.
//!
//! Outcomes are three-valued ([`Outcome`]): a case passes, fails, or meets a function the
//! provider has not built yet. The project's convention is that unbuilt `WSP*` functions
//! return `WSAEOPNOTSUPP`; when a call the case expected to succeed (or to fail with some
//! other code) returns that, the case is [`Outcome::NotBuilt`] rather than failed.
//!
//! Rules every case follows:
//! * it gets a fresh provider and calls `startup(0x0202)` itself when it needs one
//!   ([`Fixture::start`]); the fixture closes its sockets and calls cleanup on drop;
//! * it uses loopback only (127.0.0.1 and ::1), binds port 0 and reads the port back;
//! * it never sleeps to synchronise, and every blocking call that needs a peer is arranged
//!   so that the peer's part has already happened (a client connects before the blocking
//!   accept, data is sent before the blocking recv); waits on events are bounded.
//!
//! The runner binary (`wsp-conformance`) runs [`all_cases`] per backend with a panic guard
//! and a watchdog, and prints a per-function table.

pub mod cases;
mod fixture;
pub mod runner;

pub use fixture::*;

use wsp::{WsaError, Wsp};

/// The outcome of one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The provider behaved as Windows does.
    Pass,
    /// The provider behaved differently; the message says how.
    Fail(String),
    /// A call returned `WSAEOPNOTSUPP` from a function the provider has not built yet.
    NotBuilt(String),
}

impl Outcome {
    /// Short label for reports: `pass`, `FAIL`, `not built`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "FAIL",
            Outcome::NotBuilt(_) => "not built",
        }
    }
}

/// One step of a case: `Ok` to go on, `Err(outcome)` to stop with that outcome.
pub type Step<T> = Result<T, Outcome>;

/// One conformance case.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The `WSP*` function the case is about (`"WSPBind"`).
    pub function: &'static str,
    /// Snake-case name that reads like the rule (`bind_twice_gives_wsaeinval`); unique in
    /// the suite, and the id used in the baseline file.
    pub name: &'static str,
    /// The Microsoft Learn page for the function, or "observed Windows behaviour: ...".
    pub source: &'static str,
    /// The return value and error code Windows gives, in words
    /// (`"SOCKET_ERROR / WSAEINVAL"`).
    pub expect: &'static str,
    /// Runs the case against a provider.
    pub run: fn(&dyn Wsp) -> Outcome,
}

/// Turn a case body's result into an outcome.
pub fn finish(r: Step<()>) -> Outcome {
    match r {
        Ok(()) => Outcome::Pass,
        Err(o) => o,
    }
}

/// Build a [`Case`] from a body `fn(&Fixture...)`: `case!(body_fn, "WSPBind", source, expect)`.
/// The case's name is the body function's name.
#[macro_export]
macro_rules! case {
    ($body:ident, $function:expr, $source:expr, $expect:expr) => {
        $crate::Case {
            function: $function,
            name: stringify!($body),
            source: $source,
            expect: $expect,
            run: |w| $crate::finish($body(w)),
        }
    };
}

/// Every `WSP*` function the report has a row for: `WSPStartup`, then the 30 entries of
/// `WSPPROC_TABLE` in ws2spi.h order.
pub const FUNCTIONS: [&str; 31] = [
    "WSPStartup",
    "WSPAccept",
    "WSPAddressToString",
    "WSPAsyncSelect",
    "WSPBind",
    "WSPCancelBlockingCall",
    "WSPCleanup",
    "WSPCloseSocket",
    "WSPConnect",
    "WSPDuplicateSocket",
    "WSPEnumNetworkEvents",
    "WSPEventSelect",
    "WSPGetOverlappedResult",
    "WSPGetPeerName",
    "WSPGetSockName",
    "WSPGetSockOpt",
    "WSPGetQOSByName",
    "WSPIoctl",
    "WSPJoinLeaf",
    "WSPListen",
    "WSPRecv",
    "WSPRecvDisconnect",
    "WSPRecvFrom",
    "WSPSelect",
    "WSPSend",
    "WSPSendDisconnect",
    "WSPSendTo",
    "WSPSetSockOpt",
    "WSPShutdown",
    "WSPSocket",
    "WSPStringToAddress",
];

/// Every case in the suite, grouped by area.
pub fn all_cases() -> Vec<Case> {
    cases::all()
}

// ---- vocabulary -------------------------------------------------------------------------

fn not_built(what: &str) -> Outcome {
    Outcome::NotBuilt(format!("{what}: WSAEOPNOTSUPP (not built yet)"))
}

/// Expect `r` to succeed. `WSAEOPNOTSUPP` is [`Outcome::NotBuilt`]; any other error fails.
pub fn expect_ok<T>(what: &str, r: Result<T, WsaError>) -> Step<T> {
    match r {
        Ok(v) => Ok(v),
        Err(WsaError::WSAEOPNOTSUPP) => Err(not_built(what)),
        Err(e) => Err(Outcome::Fail(format!(
            "{what}: expected success, got {e:?}"
        ))),
    }
}

/// Expect `r` to fail with `want`. Success fails the case; `WSAEOPNOTSUPP` when `want` is
/// another code is [`Outcome::NotBuilt`]; any other code fails.
pub fn expect_err<T: core::fmt::Debug>(
    what: &str,
    r: Result<T, WsaError>,
    want: WsaError,
) -> Step<()> {
    match r {
        Err(e) if e == want => Ok(()),
        Err(WsaError::WSAEOPNOTSUPP) => Err(not_built(what)),
        Err(e) => Err(Outcome::Fail(format!(
            "{what}: expected {want:?}, got {e:?}"
        ))),
        Ok(v) => Err(Outcome::Fail(format!(
            "{what}: expected {want:?}, but it succeeded ({v:?})"
        ))),
    }
}

/// Expect `r` to fail with one of `wants` (for rules where Windows' answer depends on a
/// race the case cannot control, e.g. a close that may land before or during a call).
pub fn expect_err_any<T: core::fmt::Debug>(
    what: &str,
    r: Result<T, WsaError>,
    wants: &[WsaError],
) -> Step<WsaError> {
    match r {
        Err(e) if wants.contains(&e) => Ok(e),
        Err(WsaError::WSAEOPNOTSUPP) => Err(not_built(what)),
        Err(e) => Err(Outcome::Fail(format!(
            "{what}: expected one of {wants:?}, got {e:?}"
        ))),
        Ok(v) => Err(Outcome::Fail(format!(
            "{what}: expected one of {wants:?}, but it succeeded ({v:?})"
        ))),
    }
}

/// Expect equality.
pub fn expect_eq<T: PartialEq + core::fmt::Debug>(what: &str, got: T, want: T) -> Step<()> {
    if got == want {
        Ok(())
    } else {
        Err(Outcome::Fail(format!(
            "{what}: expected {want:?}, got {got:?}"
        )))
    }
}

/// Expect a condition, failing with `msg` otherwise.
pub fn expect_true(cond: bool, msg: impl FnOnce() -> String) -> Step<()> {
    if cond {
        Ok(())
    } else {
        Err(Outcome::Fail(msg()))
    }
}
