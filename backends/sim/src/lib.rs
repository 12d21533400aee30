//! # wsp-sim — a deterministic, in-memory network with fault injection
//!
//! [`Sim`] implements the engine's [`Net`] seam without touching the operating system.
//! It simulates one host whose only interface is loopback, in virtual time, and can
//! inject the faults a real network produces (resets, partial writes, would-block
//! storms, resource errors, refused connects, delays) — chosen by a seed or requested
//! directly by a test — so every Winsock rule in the engine can be tested and fuzzed
//! without timing luck.
//!
//! ## The model
//!
//! * **Host.** The addresses `127.0.0.0/8` and `::1` exist; `0.0.0.0` and `::` bind to
//!   all of them and, as destinations, mean loopback (as on Linux). Any other unicast
//!   address: `bind` gives `WSAEADDRNOTAVAIL`, `connect`/`send` give `WSAENETUNREACH`.
//!   IPv6 sockets start `V6ONLY` (as on Windows); a dual-stack socket sees IPv4 peers as
//!   IPv4-mapped addresses. Ephemeral ports are taken upward from
//!   [`SimConfig::ephemeral_ports`], skipping ports in use, wrapping around.
//! * **Errors** are the Winsock codes a Linux host gives after
//!   [`WsaError::from_errno`]: e.g. a refused connect is `WSAECONNREFUSED`, a used address
//!   `WSAEADDRINUSE`, a send after `shutdown(send)` or after a reset `WSAECONNRESET` (Linux
//!   `EPIPE`), `send`/`recv` on an unconnected stream `WSAENOTCONN`.
//! * **Streams.** A non-blocking `connect` returns `WSAEWOULDBLOCK` (unless
//!   [`SimConfig::connect_completes_at_once`]); the outcome is reported as readiness
//!   (`WRITABLE` on success; `ERROR` plus the closed bits on failure) and read with
//!   `take_error`. The listener's accept queue holds `backlog + 1` connections (Linux);
//!   **when it is full, further connects stay pending** (as a dropped SYN on Linux is
//!   retried) and complete, in order, as `accept` makes room; closing the listener resets
//!   its unaccepted connections and refuses the parked connects. Bytes sent go straight
//!   into the peer's receive buffer: the pipe holds our `SO_SNDBUF` plus the peer's
//!   `SO_RCVBUF`; a send takes what fits (a partial count) and gives `WSAEWOULDBLOCK` when
//!   nothing fits. A graceful `close` or `shutdown(send)` delivers end of stream after the
//!   data; `close` with unread data or with `Linger(Some(0))` resets the peer (the peer
//!   reads what had arrived, then `WSAECONNRESET` once, then end of stream — as Linux).
//!   Sending to a peer that has closed succeeds once and then the connection is reset.
//!   Urgent data: `send` with `IoFlags::oob` makes the last byte urgent; it is held out of
//!   line (read with `IoFlags::oob`) unless `OobInline`; normal reads stop at the mark;
//!   [`Net::at_oob_mark`] tells whether the read position is at it.
//! * **Datagrams** arrive whole in the receiver's queue (bounded by its `SO_RCVBUF`; a
//!   datagram that does not fit is dropped). A short receive buffer truncates
//!   (`truncated: true`; the rest is discarded unless peeking). A connected datagram
//!   socket only hears its peer, and sending to a port nobody has bound makes its next
//!   `send`/`recv` fail with `WSAECONNREFUSED` (Linux's handling of ICMP port
//!   unreachable); an unconnected socket hears nothing. Multicast: sockets join groups
//!   with [`Sim::join_multicast`]; a datagram to a group reaches every member bound to
//!   that port (on the wildcard or the group address), the sender included.
//! * **Readiness** is reported edge-style: each socket keeps its current level and the
//!   level last reported; a report `(token, level)` goes to the sink when a bit rises,
//!   whenever new data / a new connection / end of stream / a reset arrives (as epoll's
//!   edge mode reports every arrival), once at `register` with the current level if
//!   non-empty, and after every injected would-block. A never-connected stream socket
//!   reads as `WRITABLE | READ_CLOSED | WRITE_CLOSED`, which is what epoll (through mio)
//!   reports for one; the engine must translate (Wine does the same).
//!   Reports are collected under the simulator's lock and dispatched after it is released,
//!   so the sink may call back into the `Sim` (`take_error`, `recv`, ...).
//!
//! ## Time and scheduling
//!
//! The clock ([`Net::now`]) is virtual and starts at zero. Without faults every operation
//! takes effect at once and time never moves. Delays (a fixed [`Sim::set_latency`], random
//! delays from [`FaultConfig::delay`], delayed readiness) put work into a timer queue
//! ordered by (virtual time, sequence number). The clock moves only in
//! [`Net::block_until`], [`Sim::advance`] and [`Sim::run_until_idle`]; work that is due
//! *now* (e.g. the report following an injected would-block) runs at the start of the
//! next `Sim` call.
//!
//! `block_until(gate, deadline, cond)` loops: if `cond()` holds return `true`; else if a
//! timer is due at or before the deadline, jump the clock to it and run it (dispatching
//! its reports); else if there is a deadline, set the clock to it and return `false`;
//! else wait on the gate in real time (another thread may act), re-checking the timer
//! queue every few milliseconds.
//!
//! ## Determinism
//!
//! The same seed, configuration and sequence of calls give the same results, the same
//! reports in the same order, and the same socket ids, bit for bit: all state lives in
//! ordered containers (`BTreeMap`, `Vec`, `VecDeque`), the only randomness is one
//! splitmix64 generator drawn in program order, no real clock is read, and the `Sim` has
//! no threads. (Several threads calling in at once are of course ordered by the lock,
//! which is as deterministic as their scheduling.) With every probability at 0 no
//! randomness is drawn at all.
//!
//! ## Faults
//!
//! Seeded, by probability ([`SimConfig::faults`], also settable later with
//! [`Sim::set_faults`]): partial writes, spurious would-blocks, delayed deliveries and
//! connection completions, delayed readiness, resets after a send, refused connects,
//! `WSAENOBUFS` on send, dropped datagrams.
//!
//! Directed, by tests: [`Sim::reset_connection`], [`Sim::partial_writes`],
//! [`Sim::would_block_storm`], [`Sim::fail_next`], [`Sim::refuse_next_connects`],
//! [`Sim::set_latency`], [`Sim::set_readiness_delay`].
//!
//! Every fault keeps the [`Net`] contract: no byte is lost or duplicated on a connection
//! that is not reset; an operation that fails with an injected error changes nothing; an
//! injected `WSAEWOULDBLOCK` is always followed by a readiness report of the socket's
//! current (non-empty) level; a delayed report still arrives.
//!
//! ## Example
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use wsp::net::{HostFamily, HostKind, IoFlags, Net, Readiness, ReadinessSink};
//! use wsp_sim::Sim;
//!
//! #[derive(Default)]
//! struct Log(Mutex<Vec<(u64, Readiness)>>);
//! impl ReadinessSink for Log {
//!     fn ready(&self, token: u64, r: Readiness) {
//!         self.0.lock().unwrap().push((token, r));
//!     }
//! }
//!
//! let sim = Sim::new(42);
//! let log = Arc::new(Log::default());
//! let sink: Arc<dyn ReadinessSink> = log.clone();
//! sim.attach(Arc::downgrade(&sink));
//!
//! let l = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
//! sim.bind(l, "127.0.0.1:80".parse().unwrap()).unwrap();
//! sim.listen(l, 16).unwrap();
//! sim.register(l, 1).unwrap();
//! let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
//! sim.register(c, 2).unwrap();
//! assert!(sim.connect(c, "127.0.0.1:80".parse().unwrap()).is_err()); // WSAEWOULDBLOCK
//! assert_eq!(sim.take_error(c).unwrap(), None); // connected
//! let (s, _peer) = sim.accept(l).unwrap();
//! sim.send(c, &[b"hello"], None, IoFlags::default()).unwrap();
//! let mut buf = [0u8; 16];
//! let got = sim.recv(s, &mut [&mut buf], IoFlags::default()).unwrap();
//! assert_eq!(&buf[..got.bytes], b"hello");
//! assert!(log.0.lock().unwrap().iter().any(|&(t, r)| t == 1 && r.contains(Readiness::READABLE)));
//! ```

#![deny(unsafe_code)]

mod addr;
mod config;
mod rng;
mod state;

pub use config::{FaultConfig, Op, SimConfig};

use state::State;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, MutexGuard, Weak};
use std::time::Duration;
use wsp::net::{
    Gate, HostFamily, HostKind, HostOpt, HostOptName, HostSocket, IoFlags, Net, NetResult,
    Readiness, ReadinessSink, Received,
};
use wsp::WsaError;

/// How long `block_until` without a deadline sleeps on the gate before looking at the
/// timer queue again (work may have been queued by another thread without a notify).
const GATE_POLL: Duration = Duration::from_millis(5);

/// The simulated network. See the [crate documentation](crate) for the model.
pub struct Sim {
    state: Mutex<State>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.lock();
        f.debug_struct("Sim")
            .field("now", &st.now)
            .field("sockets", &st.live())
            .field("timers", &st.timer_count())
            .finish()
    }
}

impl Sim {
    /// A perfect network (default [`SimConfig`]) seeded with `seed`.
    pub fn new(seed: u64) -> Sim {
        Sim::with_config(seed, SimConfig::default())
    }

    /// A network with configuration `cfg`, seeded with `seed`.
    pub fn with_config(seed: u64, cfg: SimConfig) -> Sim {
        Sim {
            state: Mutex::new(State::new(seed, cfg)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Run `f` on the state after running due work; then dispatch the collected reports
    /// with the lock released.
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let (r, notes, sink) = {
            let mut st = self.lock();
            st.run_due();
            let r = f(&mut st);
            st.flush();
            (r, std::mem::take(&mut st.notes), st.sink.clone())
        };
        dispatch(sink, notes);
        r
    }

    /// Advance virtual time by `d`, running every timer that falls due on the way (in
    /// order) and dispatching their reports.
    pub fn advance(&self, d: Duration) {
        let target = self.lock().now + d;
        while self.step_until(target) {}
        let mut st = self.lock();
        if st.now < target {
            st.now = target;
        }
    }

    /// Run the timer queue until it is empty, advancing virtual time as needed. Returns
    /// how many timers ran.
    pub fn run_until_idle(&self) -> usize {
        let mut n = 0;
        while self.step_until(Duration::MAX) {
            n += 1;
        }
        n
    }

    /// Run one timer due at or before `limit`; dispatch its reports.
    fn step_until(&self, limit: Duration) -> bool {
        let (ran, notes, sink) = {
            let mut st = self.lock();
            let ran = st.step(limit);
            st.flush();
            (ran, std::mem::take(&mut st.notes), st.sink.clone())
        };
        dispatch(sink, notes);
        ran
    }

    /// Number of open sockets (including accepted ones not yet taken by `accept`).
    pub fn socket_count(&self) -> usize {
        self.lock().live()
    }

    /// Number of items in the timer queue.
    pub fn pending_timers(&self) -> usize {
        self.lock().timer_count()
    }

    /// Virtual time of the earliest queued timer, if any.
    pub fn next_timer(&self) -> Option<Duration> {
        self.lock().next_timer()
    }

    // ----- directed faults ------------------------------------------------------------------

    /// Reset `s`'s connection now, at both ends (as if a reset arrived from the network):
    /// each end gets `WSAECONNRESET` pending (`take_error`, or the next `recv` after the
    /// data that had already arrived, or the next `send`) and is reported.
    pub fn reset_connection(&self, s: HostSocket) -> NetResult<()> {
        self.with(|st| st.reset_connection(s))
    }

    /// The next `n` stream sends on `s` that could accept more than one byte accept only
    /// a random non-empty prefix of it.
    pub fn partial_writes(&self, s: HostSocket, n: u32) -> NetResult<()> {
        self.with(|st| st.partial(s, n))
    }

    /// The next `n` sends, receives or accepts on `s` return `WSAEWOULDBLOCK` whatever the
    /// state; each is followed by a readiness report of `s`'s current level (delivered at
    /// the start of the next `Sim` call or in `block_until`).
    pub fn would_block_storm(&self, s: HostSocket, n: u32) -> NetResult<()> {
        self.with(|st| st.storm(s, n))
    }

    /// The next call of `op` (on any socket) fails with `e` and changes nothing. Calls
    /// queue up: two `fail_next(Op::Send, ..)` fail the next two sends.
    pub fn fail_next(&self, op: Op, e: WsaError) {
        self.lock().fail_next(op, e);
    }

    /// Drop every injection queued with [`Sim::fail_next`] (and pending refusals), e.g.
    /// before a final drain that must see the network as it is.
    pub fn clear_injected(&self) {
        let mut st = self.lock();
        st.clear_fail();
        st.refuse = 0;
    }

    /// The next `n` stream connects are refused (`WSAECONNREFUSED`) even if someone
    /// listens.
    pub fn refuse_next_connects(&self, n: u32) {
        self.lock().refuse += n;
    }

    /// A fixed delay added to every delivery (data, end of stream, reset, datagram,
    /// connection completion) from now on. Order on each socket is kept.
    pub fn set_latency(&self, d: Duration) {
        self.lock().latency = d;
    }

    /// A fixed delay added to every readiness report from now on (the report then carries
    /// the level at the time it is delivered).
    pub fn set_readiness_delay(&self, d: Duration) {
        self.lock().readiness_delay = d;
    }

    /// Replace the seeded fault probabilities.
    pub fn set_faults(&self, f: FaultConfig) {
        self.lock().cfg.faults = f;
    }

    // ----- multicast -------------------------------------------------------------------------

    /// Join datagram socket `s` to multicast `group` (`iface` is accepted and ignored:
    /// there is only loopback). `WSAEADDRINUSE` if already a member, `WSAEINVAL` if
    /// `group` is not multicast, `WSAENOPROTOOPT` on a stream socket.
    pub fn join_multicast(
        &self,
        s: HostSocket,
        group: IpAddr,
        iface: Option<IpAddr>,
    ) -> NetResult<()> {
        let _ = iface;
        self.with(|st| st.join(s, group, true))
    }

    /// Leave multicast `group`. `WSAEADDRNOTAVAIL` if `s` is not a member.
    pub fn leave_multicast(
        &self,
        s: HostSocket,
        group: IpAddr,
        iface: Option<IpAddr>,
    ) -> NetResult<()> {
        let _ = iface;
        self.with(|st| st.join(s, group, false))
    }
}

/// Readiness reports waiting on this thread while an outer [`dispatch`] delivers.
type Queued = std::collections::VecDeque<(std::sync::Arc<dyn ReadinessSink>, u64, Readiness)>;

thread_local! {
    /// `Some` while this thread is inside [`dispatch`]: reports raised by a `Net` call the
    /// sink makes from `ready` (the engine reads a pending error under its socket lock)
    /// wait here and are delivered after the current one returns, as a reactor thread
    /// delivers them, never into the caller's own stack (which would take the socket's
    /// lock twice). Order is kept: first raised, first delivered.
    static DISPATCHING: std::cell::RefCell<Option<Queued>> = const { std::cell::RefCell::new(None) };
}

/// Clears [`DISPATCHING`] when the outermost [`dispatch`] ends, also by unwinding.
struct DispatchGuard;

impl Drop for DispatchGuard {
    fn drop(&mut self) {
        DISPATCHING.with(|d| *d.borrow_mut() = None);
    }
}

fn dispatch(sink: Option<Weak<dyn ReadinessSink>>, notes: Vec<(u64, Readiness)>) {
    if notes.is_empty() {
        return;
    }
    let Some(sink) = sink.and_then(|w| w.upgrade()) else {
        return;
    };
    let queued = notes.into_iter().map(|(t, r)| (sink.clone(), t, r));
    // Inside a delivery of this thread: queue behind it. Otherwise become the delivery.
    let nested = DISPATCHING.with(|d| {
        let mut d = d.borrow_mut();
        match d.as_mut() {
            Some(q) => {
                q.extend(queued);
                true
            }
            None => {
                *d = Some(queued.collect());
                false
            }
        }
    });
    if nested {
        return;
    }
    let _guard = DispatchGuard;
    while let Some((sink, token, r)) =
        DISPATCHING.with(|d| d.borrow_mut().as_mut().and_then(|q| q.pop_front()))
    {
        sink.ready(token, r);
    }
}

impl Net for Sim {
    fn name(&self) -> &'static str {
        "sim"
    }

    fn attach(&self, sink: Weak<dyn ReadinessSink>) {
        self.lock().sink = Some(sink);
    }

    fn now(&self) -> Duration {
        self.lock().now
    }

    fn block_until(
        &self,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        loop {
            let seen = gate.epoch();
            if cond() {
                return true;
            }
            let limit = deadline.unwrap_or(Duration::MAX);
            if self.step_until(limit) {
                continue;
            }
            match deadline {
                Some(d) => {
                    let mut st = self.lock();
                    if st.now < d {
                        st.now = d;
                    }
                    return false;
                }
                None => {
                    gate.wait(seen, Some(GATE_POLL));
                }
            }
        }
    }

    fn open(&self, family: HostFamily, kind: HostKind) -> NetResult<HostSocket> {
        self.with(|st| st.open(family, kind))
    }

    fn register(&self, s: HostSocket, token: u64) -> NetResult<()> {
        self.with(|st| st.register(s, token))
    }

    fn close(&self, s: HostSocket) {
        self.with(|st| st.close(s))
    }

    fn bind(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        self.with(|st| st.bind(s, addr))
    }

    fn listen(&self, s: HostSocket, backlog: i32) -> NetResult<()> {
        self.with(|st| st.listen(s, backlog))
    }

    fn accept(&self, s: HostSocket) -> NetResult<(HostSocket, SocketAddr)> {
        self.with(|st| st.accept(s))
    }

    fn connect(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        self.with(|st| st.connect(s, addr))
    }

    fn take_error(&self, s: HostSocket) -> NetResult<Option<WsaError>> {
        self.with(|st| st.take_error(s))
    }

    fn send(
        &self,
        s: HostSocket,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize> {
        self.with(|st| st.send(s, bufs, to, flags))
    }

    fn recv(&self, s: HostSocket, bufs: &mut [&mut [u8]], flags: IoFlags) -> NetResult<Received> {
        self.with(|st| st.recv(s, bufs, flags))
    }

    fn shutdown(&self, s: HostSocket, how: i32) -> NetResult<()> {
        self.with(|st| st.shutdown(s, how))
    }

    fn local_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        self.with(|st| st.local_addr(s))
    }

    fn peer_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        self.with(|st| st.peer_addr(s))
    }

    fn set_opt(&self, s: HostSocket, opt: HostOpt) -> NetResult<()> {
        // Multicast: the sim's group table; there is only loopback, so the interface, the
        // loop flag and the TTL are stored (read back as set) and change nothing else.
        match opt {
            HostOpt::JoinV4 { group, interface } => {
                return self.join_multicast(s, group.into(), Some(interface.into()))
            }
            HostOpt::LeaveV4 { group, interface } => {
                return self.leave_multicast(s, group.into(), Some(interface.into()))
            }
            HostOpt::JoinV6 { group, .. } => return self.join_multicast(s, group.into(), None),
            HostOpt::LeaveV6 { group, .. } => return self.leave_multicast(s, group.into(), None),
            HostOpt::MulticastLoop(_)
            | HostOpt::MulticastTtl(_)
            | HostOpt::MulticastIfV4(_)
            | HostOpt::MulticastIfV6(_) => {
                return self.with(|st| {
                    st.datagram_only(s)?;
                    st.set_opt(s, opt)
                });
            }
            _ => {}
        }
        self.with(|st| st.set_opt(s, opt))
    }

    fn get_opt(&self, s: HostSocket, name: HostOptName) -> NetResult<HostOpt> {
        self.with(|st| st.get_opt(s, name))
    }

    fn pending_bytes(&self, s: HostSocket) -> NetResult<usize> {
        self.with(|st| st.pending_bytes(s))
    }

    fn at_oob_mark(&self, s: HostSocket) -> NetResult<bool> {
        self.with(|st| st.at_oob_mark(s))
    }

    fn poll_now(&self, sockets: &[HostSocket], out: &mut [Readiness]) {
        self.with(|st| {
            for (s, r) in sockets.iter().zip(out.iter_mut()) {
                *r = st.level_of(*s);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Sim;

    #[test]
    fn sim_is_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Sim>();
    }
}
