//! Races between a graceful `closesocket` with a send backlog (src/engine/backlog.rs) and
//! the backend's readiness reports, forced deterministically on the sim backend through a
//! tap that can drop a report or park a send. Both were seen under load as the conformance
//! case `graceful_close_after_big_send_delivers_the_data` hanging ("not finished within
//! 20s") on the chain column, whose next provider is the engine on portable.
//!
//! Source for the expected behaviour: Microsoft's closesocket page ("any data queued for
//! transmission will be sent, if possible, before the underlying socket is closed"); a
//! graceful close then ends the stream (the peer reads 0).

mod util;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;
use util::*;
use wsp::net::{
    Gate, HostFamily, HostKind, HostOpt, HostOptName, HostSocket, IoFlags, Net, NetResult,
    Readiness, ReadinessSink, Received,
};
use wsp::types::*;
use wsp::{Engine, WsaError, Wsp};
use wsp_sim::Sim;

/// Where a parked send is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Park {
    Off,
    /// The next send on the host socket registered with this token parks.
    Armed(u64),
    Parked,
    Released,
}

/// What the test controls.
struct Ctl {
    /// Writable reports for this token are dropped (and counted).
    drop_writable: Mutex<Option<u64>>,
    dropped: AtomicUsize,
    park: Mutex<Park>,
    park_changed: Condvar,
    /// Host socket → token, from `register`.
    tokens: Mutex<Vec<(HostSocket, u64)>>,
}

impl Ctl {
    fn set_park(&self, p: Park) {
        *self.park.lock().unwrap() = p;
        self.park_changed.notify_all();
    }

    /// Wait (bounded by the guard) until the park is in state `want`.
    fn wait_park(&self, want: Park) {
        let g = self.park.lock().unwrap();
        let (g, _) = self
            .park_changed
            .wait_timeout_while(g, GUARD, |p| *p != want)
            .unwrap();
        assert_eq!(
            *g, want,
            "the tap's send did not reach {want:?} within the guard"
        );
    }
}

/// Between the backend and the engine's sink: forwards reports unless told to drop them.
struct Relay {
    sink: Mutex<Option<Weak<dyn ReadinessSink>>>,
    ctl: Arc<Ctl>,
}

impl ReadinessSink for Relay {
    fn ready(&self, token: u64, r: Readiness) {
        if *self.ctl.drop_writable.lock().unwrap() == Some(token)
            && r.intersects(Readiness::WRITABLE)
        {
            self.ctl.dropped.fetch_add(1, Ordering::SeqCst);
            return;
        }
        let sink = self.sink.lock().unwrap().clone();
        if let Some(sink) = sink.and_then(|w| w.upgrade()) {
            sink.ready(token, r);
        }
    }
}

/// A `Net` passing everything to `inner`, with the test's hooks on reports and sends.
struct Tap<N: Net> {
    inner: N,
    relay: Arc<Relay>,
    ctl: Arc<Ctl>,
}

impl<N: Net> Tap<N> {
    fn new(inner: N) -> Tap<N> {
        let ctl = Arc::new(Ctl {
            drop_writable: Mutex::new(None),
            dropped: AtomicUsize::new(0),
            park: Mutex::new(Park::Off),
            park_changed: Condvar::new(),
            tokens: Mutex::new(Vec::new()),
        });
        let relay = Arc::new(Relay {
            sink: Mutex::new(None),
            ctl: ctl.clone(),
        });
        Tap { inner, relay, ctl }
    }

    fn token_of(&self, s: HostSocket) -> Option<u64> {
        let t = self.ctl.tokens.lock().unwrap();
        t.iter().find(|(h, _)| *h == s).map(|&(_, t)| t)
    }
}

impl<N: Net> Net for Tap<N> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn attach(&self, sink: Weak<dyn ReadinessSink>) {
        *self.relay.sink.lock().unwrap() = Some(sink);
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
        self.ctl.tokens.lock().unwrap().push((s, token));
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
        self.inner.connect(s, addr)
    }
    fn take_error(&self, s: HostSocket) -> NetResult<Option<WsaError>> {
        self.inner.take_error(s)
    }
    fn send(
        &self,
        s: HostSocket,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize> {
        let token = self.token_of(s);
        {
            let mut p = self.ctl.park.lock().unwrap();
            if token.is_some() && *p == Park::Armed(token.unwrap_or_default()) {
                *p = Park::Parked;
                self.ctl.park_changed.notify_all();
                let (g, _) = self
                    .ctl
                    .park_changed
                    .wait_timeout_while(p, GUARD, |p| *p != Park::Released)
                    .unwrap();
                assert_eq!(*g, Park::Released, "parked send not released");
            }
        }
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

fn tapped_sim() -> Engine<Tap<Sim>> {
    let p = Engine::new(Tap::new(Sim::new(7)));
    p.startup(make_word(2, 2)).unwrap();
    p
}

fn pattern(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8 ^ salt).collect()
}

fn set_u32(p: &impl Wsp, s: SOCKET, name: i32, v: u32) {
    p.set_sock_opt(s, SOL_SOCKET, name, &v.to_le_bytes())
        .unwrap();
}

/// A connected pair `(client, server)`: the client non-blocking with a 4 KB send buffer,
/// the server with a 4 KB receive buffer.
fn small_pair(p: &impl Wsp) -> (SOCKET, SOCKET) {
    let (l, a) = listener(p, AF_INET);
    set_u32(p, l, SO_RCVBUF, 4096);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    set_u32(p, c, SO_SNDBUF, 4096);
    p.connect(c, &a, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    set_u32(p, s, SO_RCVBUF, 4096);
    p.ioctl(c, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    (c, s)
}

/// Read `s` non-blocking until end of stream, an error, or nothing more is there (the
/// sim runs every flush synchronously, so "nothing there" means nothing will come).
/// Bounded by `limit` receives.
fn read_available(p: &impl Wsp, s: SOCKET, limit: usize) -> (Vec<u8>, Result<usize, WsaError>) {
    p.ioctl(s, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    for _ in 0..limit {
        let mut flags = 0;
        match p.recv(s, &mut [&mut buf], &mut flags) {
            Ok(0) => return (got, Ok(0)),
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) => return (got, Err(e)),
        }
    }
    (got, Err(WsaError::WSAEWOULDBLOCK))
}

/// The writable report that would flush the backlog reaches the engine while the closing
/// socket is in neither the handle table nor the lingering set, which can only drop it
/// (modelled by the tap dropping it). The backlog must still be flushed: the host reports
/// writable once per would-block, so the close itself tries again.
#[test]
fn writable_report_lost_at_close_does_not_strand_the_backlog() {
    let p = tapped_sim();
    let (c, s) = small_pair(&p);
    let data = pattern(64 * 1024, 1);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), data.len());
    assert!(p.send_backlog(c).unwrap() > 0, "the send left a backlog");

    *p.net().ctl.drop_writable.lock().unwrap() = Some(c as u64);
    // The peer reads what arrived: the host has room again and reports it (dropped).
    let mut first = vec![0u8; 64 * 1024];
    let mut flags = 0;
    let n = p.recv(s, &mut [&mut first], &mut flags).unwrap();
    assert!(n > 0);
    assert!(
        p.net().ctl.dropped.load(Ordering::SeqCst) > 0,
        "the sim reported the room (the interleaving was forced)"
    );
    *p.net().ctl.drop_writable.lock().unwrap() = None;

    p.close_socket(c).unwrap();
    let (rest, end) = read_available(&p, s, 10_000);
    let mut got = first[..n].to_vec();
    got.extend_from_slice(&rest);
    assert_eq!(
        end,
        Ok(0),
        "end of stream after the data ({} of {} bytes read)",
        got.len(),
        data.len()
    );
    assert!(
        got == data,
        "bytes differ ({} of {})",
        got.len(),
        data.len()
    );
}

/// A report that found the socket still open is flushing the last bytes of the backlog
/// (parked in the host's send) while `closesocket` moves the socket to the lingering set;
/// the close sees the send path held and leaves the socket to the flusher. Once the flush
/// empties the backlog the socket must be let go, so the host closes and the peer reads
/// end of stream.
#[test]
fn close_during_the_last_flush_still_ends_the_stream() {
    let p = Arc::new(tapped_sim());
    let (c, s) = small_pair(&*p);
    // Fill the host, then a little more: the backlog fits in what one read frees, with
    // room to spare, so the host stays writable after the flush and reports nothing more
    // (as epoll reports writable only after a send found the buffer full).
    let probe = pattern(12 * 1024, 2);
    assert_eq!(p.send(c, &[&probe], 0).unwrap(), probe.len());
    let backlog = p.send_backlog(c).unwrap();
    let taken = probe.len() - backlog;
    assert!(
        backlog > 0 && backlog < taken,
        "the host took {taken}, the backlog is {backlog}: one read must make room for it"
    );

    p.net().ctl.set_park(Park::Armed(c as u64));
    // The reader frees the host's buffer; the report it causes flushes the backlog on the
    // reader's thread (the sim reports synchronously), parking in the host's send.
    let reader = {
        let p = p.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            let mut flags = 0;
            let n = p.recv(s, &mut [&mut buf], &mut flags).unwrap();
            buf.truncate(n);
            buf
        })
    };
    p.net().ctl.wait_park(Park::Parked);
    p.close_socket(c).unwrap();
    p.net().ctl.set_park(Park::Released);
    let mut got = reader.join().expect("reader");
    assert_eq!(got.len(), taken, "the first read takes what the host held");

    let (rest, end) = read_available(&*p, s, 10_000);
    got.extend_from_slice(&rest);
    assert!(
        got == probe,
        "bytes differ ({} of {})",
        got.len(),
        probe.len()
    );
    assert_eq!(end, Ok(0), "end of stream once the backlog is flushed");
}
