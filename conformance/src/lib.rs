//! # wsp-conformance — Winsock SPI behaviours as runnable cases
//!
//! Every [`Case`] states one Winsock rule for one `WSP*` function: what Windows returns
//! (`expect`, in words), where that is written down or observed (`source`), and a `run`
//! function that checks it against any [`Wsp`]. The cases are generic over the trait, so the
//! same suite runs against the engine on each backend and, through the provider crate's
//! wrapper, against any foreign `WSPPROC_TABLE`.
//!
//! Outcomes ([`Outcome`]): a case passes, fails, or meets a function the provider has not
//! built yet. The project's convention is that unbuilt `WSP*` functions return
//! `WSAEOPNOTSUPP`; when a call the case expected to succeed (or to fail with some other
//! code) returns that, the case is [`Outcome::NotBuilt`] rather than failed.
//!
//! Most cases run over `dyn Wsp` ([`Body::Wsp`]). The cases of the mswsock extension
//! functions (AcceptEx, ConnectEx, DisconnectEx, TransmitFile, TransmitPackets,
//! WSARecvMsg, WSASendMsg, CancelIoEx) run over the provider's [`WspExt`] view
//! ([`Body::Ext`], through [`ExtProvider`]); a column whose provider has no such view
//! reports them as [`Outcome::NotReachable`] (skipped, not failed).
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

use wsp::WspExt;
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
    /// The case needs a view of the provider the column does not offer (an extension
    /// function case on a column without [`WspExt`]).
    NotReachable(String),
}

impl Outcome {
    /// Short label for reports: `pass`, `FAIL`, `not built`, `not reachable`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "FAIL",
            Outcome::NotBuilt(_) => "not built",
            Outcome::NotReachable(_) => "not reachable",
        }
    }
    /// Whether the case was skipped (not built, or not reachable on the column).
    pub fn skipped(&self) -> bool {
        matches!(self, Outcome::NotBuilt(_) | Outcome::NotReachable(_))
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
    pub run: Body,
}

/// A case's body, by the view of the provider it needs.
#[derive(Clone, Copy, Debug)]
pub enum Body {
    /// The 30 `WSPPROC_TABLE` functions (`dyn Wsp`): every column.
    Wsp(fn(&dyn Wsp) -> Outcome),
    /// The extension functions too (`dyn WspExt`): columns that have that view.
    Ext(fn(&dyn ExtProvider) -> Outcome),
}

/// A provider with its extension-function view ([`WspExt`]), and its plain [`Wsp`] view for
/// the fixture (the crate's MSRV has no trait upcasting).
pub trait ExtProvider: WspExt {
    /// `self` as a plain provider.
    fn wsp(&self) -> &dyn Wsp;
}

impl<T: WspExt> ExtProvider for T {
    fn wsp(&self) -> &dyn Wsp {
        self
    }
}

/// The provider a column hands each case: with or without the extension-function view.
pub enum Subject {
    /// Only the `WSPPROC_TABLE` functions.
    Plain(Box<dyn Wsp>),
    /// The extension functions too.
    Ext(Box<dyn ExtProvider>),
}

impl Subject {
    /// The plain view.
    pub fn wsp(&self) -> &dyn Wsp {
        match self {
            Subject::Plain(w) => &**w,
            Subject::Ext(w) => w.wsp(),
        }
    }
    /// The extension-function view, if the column has one.
    pub fn ext(&self) -> Option<&dyn ExtProvider> {
        match self {
            Subject::Plain(_) => None,
            Subject::Ext(w) => Some(&**w),
        }
    }
}

impl Case {
    /// Run the case on `subject`: [`Outcome::NotReachable`] for an extension case on a
    /// column without the view.
    pub fn run_on(&self, subject: &Subject) -> Outcome {
        match (self.run, subject.ext()) {
            (Body::Wsp(f), _) => f(subject.wsp()),
            (Body::Ext(f), Some(x)) => f(x),
            (Body::Ext(_), None) => Outcome::NotReachable(format!(
                "{}: the column has no WspExt view of its provider",
                self.function
            )),
        }
    }
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
            run: $crate::Body::Wsp(|w| $crate::finish($body(w))),
        }
    };
}

/// Build an extension-function [`Case`] from a body `fn(&dyn ExtProvider) -> Step<()>`:
/// `ext_case!(body_fn, "AcceptEx", source, expect)`.
#[macro_export]
macro_rules! ext_case {
    ($body:ident, $function:expr, $source:expr, $expect:expr) => {
        $crate::Case {
            function: $function,
            name: stringify!($body),
            source: $source,
            expect: $expect,
            run: $crate::Body::Ext(|w| $crate::finish($body(w))),
        }
    };
}

/// Every function the report has a row for: `WSPStartup`, the 30 entries of
/// `WSPPROC_TABLE` in ws2spi.h order, then the mswsock extension functions
/// `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out and `CancelIoEx` ([`EXTENSIONS`]).
pub const FUNCTIONS: [&str; 39] = [
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
    "AcceptEx",
    "ConnectEx",
    "DisconnectEx",
    "TransmitFile",
    "TransmitPackets",
    "WSARecvMsg",
    "WSASendMsg",
    "CancelIoEx",
];

/// The rows of [`FUNCTIONS`] whose cases run over the [`WspExt`] view.
pub const EXTENSIONS: [&str; 8] = [
    "AcceptEx",
    "ConnectEx",
    "DisconnectEx",
    "TransmitFile",
    "TransmitPackets",
    "WSARecvMsg",
    "WSASendMsg",
    "CancelIoEx",
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
