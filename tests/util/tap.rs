//! [`Tap`]: a `Net` that passes everything to another one, with hooks for tests that must
//! force an interleaving between the engine's calls and the backend's readiness reports:
//! drop a socket's writable reports, hold reports back and deliver them from a chosen
//! thread, or park one call (a send, a `take_error`) until the test releases it.

use super::GUARD;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;
use wsp::net::{
    Gate, HostFamily, HostKind, HostOpt, HostOptName, HostSocket, IoFlags, Net, NetResult,
    Readiness, ReadinessSink, Received,
};
use wsp::WsaError;

/// A call of the backend that can be parked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Send,
    TakeError,
}

/// Where a parked call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Park {
    Off,
    /// The next such call on the host socket registered with this token parks.
    Armed(Call, u64),
    Parked,
    Released,
}

/// What the test controls.
pub struct Ctl {
    /// Writable reports for this token are dropped (and counted in `dropped`).
    pub drop_writable: Mutex<Option<u64>>,
    pub dropped: AtomicUsize,
    /// While `Some`, reports are kept here instead of reaching the engine.
    held: Mutex<Option<Vec<(u64, Readiness)>>>,
    park: Mutex<Park>,
    park_changed: Condvar,
    /// Host socket → token, from `register`.
    tokens: Mutex<Vec<(HostSocket, u64)>>,
    sink: Mutex<Option<Weak<dyn ReadinessSink>>>,
    /// Run once when the next `connect` returns, before the engine sees its result.
    after_connect: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Ctl {
    pub fn set_park(&self, p: Park) {
        *lock(&self.park) = p;
        self.park_changed.notify_all();
    }

    /// Wait (bounded by the guard) until the park is in state `want`.
    pub fn wait_park(&self, want: Park) {
        let g = lock(&self.park);
        let (g, _) = self
            .park_changed
            .wait_timeout_while(g, GUARD, |p| *p != want)
            .unwrap_or_else(|p| p.into_inner());
        assert_eq!(
            *g, want,
            "the tap's call did not reach {want:?} within the guard"
        );
    }

    /// Park here if `call` on `token` is armed, until released.
    fn maybe_park(&self, call: Call, token: Option<u64>) {
        let Some(token) = token else {
            return;
        };
        let mut p = lock(&self.park);
        if *p != Park::Armed(call, token) {
            return;
        }
        *p = Park::Parked;
        self.park_changed.notify_all();
        let (g, _) = self
            .park_changed
            .wait_timeout_while(p, GUARD, |p| *p != Park::Released)
            .unwrap_or_else(|p| p.into_inner());
        assert_eq!(*g, Park::Released, "parked {call:?} not released");
    }

    /// Keep reports back from now on.
    pub fn hold(&self) {
        *lock(&self.held) = Some(Vec::new());
    }

    /// Stop holding; the reports held so far, in order.
    pub fn take_held(&self) -> Vec<(u64, Readiness)> {
        lock(&self.held).take().unwrap_or_default()
    }

    /// Run `f` when the next `connect` returns, before the engine sees its result.
    pub fn after_connect(&self, f: impl FnOnce() + Send + 'static) {
        *lock(&self.after_connect) = Some(Box::new(f));
    }

    /// Hand a report to the engine on the calling thread.
    pub fn deliver(&self, token: u64, r: Readiness) {
        let sink = lock(&self.sink).clone();
        if let Some(sink) = sink.and_then(|w| w.upgrade()) {
            sink.ready(token, r);
        }
    }
}

/// Between the backend and the engine's sink.
struct Relay {
    ctl: Arc<Ctl>,
}

impl ReadinessSink for Relay {
    fn ready(&self, token: u64, r: Readiness) {
        if *lock(&self.ctl.drop_writable) == Some(token) && r.intersects(Readiness::WRITABLE) {
            self.ctl.dropped.fetch_add(1, Ordering::SeqCst);
            return;
        }
        if let Some(held) = lock(&self.ctl.held).as_mut() {
            held.push((token, r));
            return;
        }
        self.ctl.deliver(token, r);
    }
}

/// A `Net` passing everything to `inner`, with the test's hooks ([`Ctl`]).
pub struct Tap<N: Net> {
    inner: N,
    relay: Arc<Relay>,
    pub ctl: Arc<Ctl>,
}

impl<N: Net> Tap<N> {
    pub fn new(inner: N) -> Tap<N> {
        let ctl = Arc::new(Ctl {
            drop_writable: Mutex::new(None),
            dropped: AtomicUsize::new(0),
            held: Mutex::new(None),
            park: Mutex::new(Park::Off),
            park_changed: Condvar::new(),
            tokens: Mutex::new(Vec::new()),
            sink: Mutex::new(None),
            after_connect: Mutex::new(None),
        });
        let relay = Arc::new(Relay { ctl: ctl.clone() });
        Tap { inner, relay, ctl }
    }

    pub fn inner(&self) -> &N {
        &self.inner
    }

    fn token_of(&self, s: HostSocket) -> Option<u64> {
        let t = lock(&self.ctl.tokens);
        t.iter().find(|(h, _)| *h == s).map(|&(_, t)| t)
    }
}

impl<N: Net> Net for Tap<N> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn attach(&self, sink: Weak<dyn ReadinessSink>) {
        *lock(&self.ctl.sink) = Some(sink);
        let relay: Arc<dyn ReadinessSink> = self.relay.clone();
        self.inner.attach(Arc::downgrade(&relay));
    }
    fn now(&self) -> Duration {
        self.inner.now()
    }
    fn block_until(
        &self,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        self.inner.block_until(gate, deadline, cond)
    }
    fn open(&self, family: HostFamily, kind: HostKind) -> NetResult<HostSocket> {
        self.inner.open(family, kind)
    }
    fn register(&self, s: HostSocket, token: u64) -> NetResult<()> {
        lock(&self.ctl.tokens).push((s, token));
        self.inner.register(s, token)
    }
    fn close(&self, s: HostSocket) {
        self.inner.close(s)
    }
    fn bind(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        self.inner.bind(s, addr)
    }
    fn listen(&self, s: HostSocket, backlog: i32) -> NetResult<()> {
        self.inner.listen(s, backlog)
    }
    fn accept(&self, s: HostSocket) -> NetResult<(HostSocket, SocketAddr)> {
        self.inner.accept(s)
    }
    fn connect(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        let r = self.inner.connect(s, addr);
        let after = lock(&self.ctl.after_connect).take();
        if let Some(f) = after {
            f();
        }
        r
    }
    fn take_error(&self, s: HostSocket) -> NetResult<Option<WsaError>> {
        self.ctl.maybe_park(Call::TakeError, self.token_of(s));
        self.inner.take_error(s)
    }
    fn send(
        &self,
        s: HostSocket,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize> {
        self.ctl.maybe_park(Call::Send, self.token_of(s));
        self.inner.send(s, bufs, to, flags)
    }
    fn recv(&self, s: HostSocket, bufs: &mut [&mut [u8]], flags: IoFlags) -> NetResult<Received> {
        self.inner.recv(s, bufs, flags)
    }
    fn shutdown(&self, s: HostSocket, how: i32) -> NetResult<()> {
        self.inner.shutdown(s, how)
    }
    fn local_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        self.inner.local_addr(s)
    }
    fn peer_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        self.inner.peer_addr(s)
    }
    fn set_opt(&self, s: HostSocket, opt: HostOpt) -> NetResult<()> {
        self.inner.set_opt(s, opt)
    }
    fn get_opt(&self, s: HostSocket, name: HostOptName) -> NetResult<HostOpt> {
        self.inner.get_opt(s, name)
    }
    fn pending_bytes(&self, s: HostSocket) -> NetResult<usize> {
        self.inner.pending_bytes(s)
    }
    fn at_oob_mark(&self, s: HostSocket) -> NetResult<bool> {
        self.inner.at_oob_mark(s)
    }
    fn poll_now(&self, sockets: &[HostSocket], out: &mut [Readiness]) {
        self.inner.poll_now(sockets, out)
    }
}
