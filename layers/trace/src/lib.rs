//! # wsp-trace — a Winsock call trace as a layer
//!
//! [`Trace`] is a [`wsp::layer::Layer`]: put over any provider (the engine, a foreign
//! `WSPPROC_TABLE`, another layer), it passes every call through unchanged and records
//! it: the function (`WSPSend`), the arguments decoded by name (`FD_READ|FD_CLOSE`,
//! `MSG_PEEK`, `SO_RCVTIMEO`, `SIO_GET_EXTENSION_FUNCTION_POINTER`, addresses as
//! `127.0.0.1:5000`, buffer counts and sizes but not contents unless asked), the result,
//! the error by name (`WSAEWOULDBLOCK`), the calling thread and the time spent in the
//! call. Records are human-readable lines or JSON lines ([`record`]), written to standard
//! error, a file or memory ([`sink`]), or emitted as `tracing` events with the `tracing`
//! feature.
//!
//! The models are Wine's `WINEDEBUG=+winsock` channel and Microsoft's Winsock debug and
//! trace DLL; this one is structured (stable JSON keys) so it can be filtered and
//! summarised ([`summary`]).
//!
//! A legacy C program on the ws2_32 shim gets the trace with an environment variable:
//! `WSP_TRACE=stderr` or `WSP_TRACE=/path/file`, plus `WSP_TRACE_FORMAT=json` for JSON
//! lines and `WSP_TRACE_DATA=N` for the first `N` bytes of each data buffer as hex
//! ([`Config::from_env`]).
//!
//! ## Overlapped requests
//! The call that issues a request is recorded when it returns: `ret` is the byte count
//! when it completed at once, else the error is `WSA_IO_PENDING` as the C caller sees it.
//! Every request the call started is recorded once more when it completes
//! (`WSPRecv:complete`, `AcceptEx:complete`, ...: the socket and `ov` key, the bytes, the
//! result flags by name and the operation's own error, such as `WSA_OPERATION_ABORTED`),
//! however the caller hears of it — event, completion routine, completion port, or
//! `WSPGetOverlappedResult` alone — and an immediate completion too, since Windows still
//! notifies it. Its `t_us` is the issuing call's start and its `us` the time from there to
//! the completion (how long the request was outstanding). The framework completes the caller's request on the layer's handle; the
//! record is written when it does ([`wsp::overlapped::OpHandle::on_complete`]), from the
//! completing thread and before the caller is notified, so it always follows the issue
//! record and precedes whatever the program does when it wakes. A call that fails (the
//! request never started) has no completion record.
//!
//! ```
//! use std::sync::Arc;
//! use wsp::layer::Layered;
//! use wsp::Wsp;
//! use wsp_trace::{Config, Trace};
//!
//! let (config, records) = Config::memory();
//! let engine = wsp::Engine::new(wsp_sim::Sim::new(1));
//! let traced = Layered::new(Trace::new(config), Arc::new(engine));
//! traced.startup(0x0202).unwrap();
//! let s = traced.socket(2, 1, 6, None, 0, 0).unwrap();
//! traced.close_socket(s).unwrap();
//! let r = records.lock().unwrap();
//! assert_eq!(r[1].function, "WSPSocket");
//! assert_eq!(r[1].arg("af").and_then(|v| v.as_str()), Some("AF_INET"));
//! assert_eq!(r[2].to_text().split(" = ").nth(1).unwrap().split(' ').next(), Some("0"));
//! ```
//!
//! The README's form, text lines to standard error:
//!
//! ```
//! use std::sync::Arc;
//! use wsp::{Layered, Wsp};
//! use wsp_trace::{Config, Trace};
//!
//! let traced = Layered::new(Trace::new(Config::stderr()), Arc::new(wsp::Engine::new(wsp_sim::Sim::new(1))));
//! traced.startup(0x0202).unwrap(); // [t1 +0.000012s] WSPStartup(version=2.2) = 2.2 -> high=2.2 (4us)
//! ```

pub mod decode;
mod layer;
pub mod record;
pub mod sink;
pub mod summary;
#[cfg(feature = "tracing")]
mod tracing_sink;

pub use layer::NAME;
pub use record::{Record, Value};
pub use sink::{Config, Format, Sink, Tracer};
pub use summary::Summary;

use std::sync::Arc;
use wsp::wsp::WspResult;

/// The trace layer. Cheap to clone: clones share one [`Tracer`].
#[derive(Clone, Debug)]
pub struct Trace {
    tracer: Arc<Tracer>,
}

impl Trace {
    /// A trace writing as `config` says.
    pub fn new(config: Config) -> Trace {
        Trace {
            tracer: Arc::new(Tracer::new(config)),
        }
    }

    /// The trace `WSP_TRACE` asks for, or `None` when it is off ([`Config::from_env`]).
    pub fn from_env() -> Option<Trace> {
        Config::from_env().map(Trace::new)
    }

    /// The tracer (to emit records of one's own, such as a shim's calls that never reach
    /// the provider).
    pub fn tracer(&self) -> &Arc<Tracer> {
        &self.tracer
    }

    /// Start timing a call.
    pub(crate) fn begin(&self) -> Start {
        Start {
            t_us: self.tracer.now_us(),
            at: std::time::Instant::now(),
        }
    }

    /// Record a call that began at `start`: `function` with `args`; `ok` describes a
    /// successful result as the return value and any output arguments.
    pub(crate) fn finish<T>(
        &self,
        start: Start,
        function: &'static str,
        args: Vec<(&'static str, Value)>,
        r: &WspResult<T>,
        ok: impl FnOnce(&T) -> (Value, Vec<(&'static str, Value)>),
    ) {
        let (ret, out, error) = match r {
            Ok(v) => {
                let (ret, out) = ok(v);
                (ret, out, None)
            }
            Err(e) => (Value::Null, Vec::new(), Some(*e)),
        };
        self.emit(start, function, args, ret, out, error);
    }

    /// Write one record that began at `start`.
    pub(crate) fn emit(
        &self,
        start: Start,
        function: &'static str,
        args: Vec<(&'static str, Value)>,
        ret: Value,
        out: Vec<(&'static str, Value)>,
        error: Option<wsp::WsaError>,
    ) {
        let us = u64::try_from(start.at.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.tracer.emit(Record {
            seq: 0,
            t_us: start.t_us,
            thread: sink::thread_number(),
            function: function.to_string(),
            args: args.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            out: out.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            ret,
            error,
            us,
        });
    }

    /// Time `f` and record it (for calls whose outputs are all in the result).
    pub(crate) fn call<T>(
        &self,
        function: &'static str,
        args: Vec<(&'static str, Value)>,
        f: impl FnOnce() -> WspResult<T>,
        ok: impl FnOnce(&T) -> (Value, Vec<(&'static str, Value)>),
    ) -> WspResult<T> {
        let start = self.begin();
        let r = f();
        self.finish(start, function, args, &r, ok);
        r
    }
}

/// When a traced call began.
#[derive(Clone, Copy)]
pub(crate) struct Start {
    t_us: u64,
    at: std::time::Instant,
}
