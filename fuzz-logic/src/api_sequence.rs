//! Fuzz target `api_sequence`: a program of `Wsp` calls over `Engine<Sim>`.
//!
//! The input is decoded into a simulator configuration (seed, buffer sizes, fault
//! probabilities) and then a sequence of up to [`MAX_STEPS`] operations: every `Wsp`
//! method, with small arguments, on sockets named by an index into the table of every
//! socket the program made (so closed handles are reused on purpose) or by a garbage
//! handle; plus simulator actions (advance time, change fault probabilities, queue an
//! injected error, refuse connects, add latency). Every socket is made non-blocking at
//! once (`FIONBIO`), and accepted ones inherit that, so no call blocks.
//!
//! After every step:
//! * every error returned is a Winsock code Windows defines;
//! * no handle returned by `socket`/`accept` equals a closed one or a live one;
//! * every closed handle gives `WSAENOTSOCK`, every live one does not, and the engine's
//!   socket count is the number of live sockets (while the provider is started);
//! * on every stream connection whose two ends are known, what each end has received is a
//!   prefix of what the other end sent: in order, nothing duplicated, nothing invented;
//! * `select` returns a subset of what it was given and counts it right; event records
//!   and async-select messages carry known error codes.
//!
//! At the end the faults are switched off and every connection is drained with bounded
//! loops; every byte sent on a connection whose two ends stayed open (not closed, not
//! reset, the receiving side not shut down, no urgent data) must have been received.
//!
//! Overlapped operations come with the overlapped work: [`Pending`] is the hook where
//! issued operations are recorded and checked to complete exactly once.

use crate::check_known;
use crate::input::Input;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use wsp::sync::{Event, Hwnd, WSAGETSELECTERROR};
use wsp::types::*;
use wsp::wsp::{ConditionDecision, OutBuf};
use wsp::{Engine, FdSet, SockAddr, WsaError, Wsp};
use wsp_sim::{FaultConfig, Op, Sim, SimConfig};

/// Most operations one input runs.
pub const MAX_STEPS: usize = 200;
/// Ports the programs use, so that binds, listens and connects meet.
const PORTS: [u16; 3] = [7000, 7001, 7002];
/// Bound on the receive calls the final drain makes per socket per round.
const DRAIN_CALLS: usize = 256;

/// One socket the program made (by `socket` or `accept`), live or closed.
#[derive(Debug, Default)]
struct Rec {
    handle: SOCKET,
    stream: bool,
    open: bool,
    /// Stream bytes the host took from `send`, in order.
    sent: Vec<u8>,
    /// Stream bytes `recv` returned, in order.
    received: Vec<u8>,
    /// The other end of the connection, once known (set at `accept`).
    peer: Option<usize>,
    /// Local address after a connect attempt (how `accept` finds the client).
    local: Option<SocketAddr>,
    /// A reset or abort was reported on this end.
    reset: bool,
    /// The receive side was shut down.
    shut_rd: bool,
    /// Urgent data went through this connection: byte order is not tracked any more.
    oob: bool,
    /// Its peer could not be told apart from another candidate.
    ambiguous: bool,
}

/// Overlapped operations issued and not yet completed: the hook for the overlapped work.
/// Each issued operation is recorded here; its completion (by result, by event, by
/// completion routine, or by `WSA_OPERATION_ABORTED` at close) removes it, and a second
/// completion is a finding. Empty until the `Wsp` trait grows overlapped calls.
#[derive(Debug, Default)]
pub struct Pending {
    outstanding: Vec<(SOCKET, usize)>,
}

impl Pending {
    /// Check at the end of a program that every issued operation completed exactly once.
    pub fn assert_all_completed(&self) {
        assert!(
            self.outstanding.is_empty(),
            "overlapped operations never completed: {:?}",
            self.outstanding
        );
    }
}

struct Prog<'a> {
    p: Engine<Sim>,
    inp: Input<'a>,
    recs: Vec<Rec>,
    closed: Vec<SOCKET>,
    users: u32,
    events: [Event; 2],
    hwnd: Hwnd,
    pending: Pending,
    /// A fixed readiness delay is set: `Sim::run_until_idle` would not return (reports
    /// re-queue themselves while it is set; see `tests/reliability.rs`,
    /// `sim_readiness_delay_report_is_delivered`), so idling advances a bounded time.
    readiness_delay: bool,
}

/// Run one input.
pub fn run(data: &[u8]) {
    let mut inp = Input::new(data);
    let seed = u64::from(inp.u16());
    let cfg_byte = inp.u8();
    let mut cfg = SimConfig {
        connect_completes_at_once: cfg_byte & 1 != 0,
        ..SimConfig::default()
    };
    if cfg_byte & 2 != 0 {
        // Small buffers, so backpressure and partial sends are reached.
        cfg.send_buffer = 64 + u32::from(inp.u16() % 4096);
        cfg.recv_buffer = 64 + u32::from(inp.u16() % 4096);
        cfg.dgram_recv_buffer = 64 + u32::from(inp.u16() % 8192);
    }
    if cfg_byte & 4 != 0 {
        cfg.max_backlog = 1 + u32::from(inp.u8() % 4);
    }
    if cfg_byte & 8 != 0 {
        cfg.faults = faults(&mut inp);
    }
    let p = Engine::new(Sim::with_config(seed, cfg));
    p.startup(make_word(2, 2)).expect("startup");
    let mut prog = Prog {
        p,
        inp,
        recs: Vec::new(),
        closed: Vec::new(),
        users: 1,
        events: [Event::new(), Event::new()],
        hwnd: Hwnd::new(),
        pending: Pending::default(),
        readiness_delay: false,
    };
    let mut steps = 0;
    while !prog.inp.is_empty() && steps < MAX_STEPS {
        steps += 1;
        prog.step();
        prog.check();
    }
    prog.drain_and_check();
}

/// Whether `WSP_FUZZ_TRACE` is set: print every step and result (for reading a finding).
fn trace() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("WSP_FUZZ_TRACE").is_some())
}

fn faults(inp: &mut Input<'_>) -> FaultConfig {
    // Each probability is off half the time, and at most 1/4 when on.
    let mut p = || {
        let b = inp.u8();
        if b & 1 == 0 {
            0.0
        } else {
            f64::from(b >> 1) / 512.0
        }
    };
    FaultConfig {
        partial_write: p(),
        would_block: p(),
        delay: p(),
        max_delay: Duration::from_millis(20),
        delay_readiness: p(),
        reset: p() / 8.0,
        refuse_connect: p(),
        no_buffers: p(),
        drop_datagram: p(),
    }
}

/// The bytes a socket sends at stream offset `off`: a pattern that differs per socket and
/// per position, so reordering or duplication shows.
fn pattern(rec: usize, off: usize) -> u8 {
    (off.wrapping_mul(7) ^ rec.wrapping_mul(13) ^ (off / 251)) as u8
}

fn canon(a: SocketAddr) -> SocketAddr {
    match a {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => SocketAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn is_reset(e: WsaError) -> bool {
    matches!(
        e,
        WsaError::WSAECONNRESET | WsaError::WSAECONNABORTED | WsaError::WSAENETRESET
    )
}

impl Prog<'_> {
    // ----- choosing arguments ------------------------------------------------------------

    /// A handle: mostly one of the program's sockets (live or closed), sometimes garbage.
    fn handle(&mut self) -> (SOCKET, Option<usize>) {
        let b = self.inp.u8();
        if b < 0xe8 && !self.recs.is_empty() {
            let i = usize::from(b) % self.recs.len();
            return (self.recs[i].handle, Some(i));
        }
        let h = match b % 6 {
            0 => 0,
            1 => 1,
            2 => INVALID_SOCKET,
            3 => 4,
            4 => 0x7fff_fffc,
            _ => self.inp.u32() as SOCKET,
        };
        // A garbage value may by chance name a live socket.
        let i = self.recs.iter().position(|r| r.open && r.handle == h);
        (h, i)
    }

    fn addr(&mut self) -> SockAddr {
        let port = match self.inp.u8() % 5 {
            0 => 0,
            4 => self.inp.u16(),
            n => PORTS[usize::from(n - 1)],
        };
        let a: SocketAddr = match self.inp.u8() % 10 {
            0..=3 => SocketAddr::from(([127, 0, 0, 1], port)),
            4 => SocketAddr::from(([0, 0, 0, 0], port)),
            5 | 6 => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
            7 => SocketAddr::from(([10, 1, 2, 3], port)),
            8 => SocketAddr::from(([127, 0, 0, 2], port)),
            _ => {
                let raw = self.inp.bytes(32);
                return SockAddr::from_bytes(raw);
            }
        };
        let mut s = SockAddr::from_std(a);
        if self.inp.u8() >= 0xf0 {
            let len = self.inp.below(s.len());
            s.set_len(len);
        }
        s
    }

    fn capacity(&mut self) -> usize {
        self.inp.pick(&[128, 128, 16, 28, 15, 0, 27])
    }

    fn send_flags(&mut self) -> u32 {
        match self.inp.u8() % 12 {
            0 => MSG_OOB,
            1 => MSG_DONTROUTE,
            2 => MSG_PARTIAL,
            3 => self.inp.u32(),
            _ => 0,
        }
    }

    fn recv_flags(&mut self) -> u32 {
        match self.inp.u8() % 12 {
            0 => MSG_PEEK,
            1 => MSG_OOB,
            2 => MSG_WAITALL,
            3 => MSG_PEEK | MSG_OOB,
            4 => self.inp.u32(),
            _ => 0,
        }
    }

    fn length(&mut self) -> usize {
        match self.inp.u8() % 8 {
            0 => 0,
            1..=3 => usize::from(self.inp.u8()),
            4..=6 => usize::from(self.inp.u16() % 8192),
            _ => 16_384 + usize::from(self.inp.u16()),
        }
    }

    /// Split `total` bytes into one to three buffer lengths.
    fn split(&mut self, total: usize) -> Vec<usize> {
        let n = 1 + self.inp.below(3);
        let mut out = Vec::with_capacity(n);
        let mut left = total;
        for _ in 1..n {
            let k = if left == 0 {
                0
            } else {
                usize::from(self.inp.u16()) % (left + 1)
            };
            out.push(k);
            left -= k;
        }
        out.push(left);
        out
    }

    fn mask(&mut self) -> i32 {
        match self.inp.u8() % 4 {
            0 => FD_ALL_EVENTS,
            1 => FD_READ | FD_WRITE | FD_CLOSE | FD_CONNECT | FD_ACCEPT,
            2 => i32::from(self.inp.u16()),
            _ => self.inp.u32() as i32,
        }
    }

    // ----- bookkeeping -------------------------------------------------------------------

    /// A handle came back from `socket` or `accept`: it must be new, and it is made
    /// non-blocking (accepted sockets already are, by inheritance).
    fn adopt(&mut self, h: SOCKET, stream: bool) -> usize {
        assert!(
            !self.closed.contains(&h),
            "closed handle {h:#x} reached a new socket"
        );
        assert!(
            !self.recs.iter().any(|r| r.open && r.handle == h),
            "live handle {h:#x} returned again"
        );
        assert_eq!(
            self.p.ioctl(h, FIONBIO, &1u32.to_le_bytes(), &mut []),
            Ok(0),
            "FIONBIO on a new socket"
        );
        self.recs.push(Rec {
            handle: h,
            stream,
            open: true,
            ..Rec::default()
        });
        self.recs.len() - 1
    }

    fn closed_rec(&mut self, i: usize) {
        let r = &mut self.recs[i];
        if r.open {
            r.open = false;
            self.closed.push(r.handle);
        }
    }

    fn note<T: std::fmt::Debug>(
        &mut self,
        what: &str,
        rec: Option<usize>,
        r: &Result<T, WsaError>,
    ) {
        if trace() {
            eprintln!("  {what} on {:?}: {r:?}", rec.map(|i| self.recs[i].handle));
        }
        check_known(what, r);
        if let (Some(i), Err(e)) = (rec, r) {
            if is_reset(*e) {
                self.recs[i].reset = true;
            }
        }
    }

    /// Pair an accepted socket with the client whose local address is its peer.
    fn pair(&mut self, server: usize) {
        let mut peer = SockAddr::default();
        if self
            .p
            .get_peer_name(self.recs[server].handle, &mut peer)
            .is_err()
        {
            self.recs[server].ambiguous = true;
            return;
        }
        let Some(peer) = peer.to_std().map(canon) else {
            self.recs[server].ambiguous = true;
            return;
        };
        let candidates: Vec<usize> = (0..self.recs.len())
            .filter(|&i| i != server && self.recs[i].stream && self.recs[i].local == Some(peer))
            .collect();
        match candidates.as_slice() {
            [c] if self.recs[*c].peer.is_none() => {
                // Urgent data sent before the pairing taints both ends.
                let oob = self.recs[server].oob || self.recs[*c].oob;
                self.recs[server].oob = oob;
                self.recs[*c].oob = oob;
                if trace() {
                    eprintln!(
                        "  paired {:#x} with {:#x} ({peer})",
                        self.recs[server].handle, self.recs[*c].handle
                    );
                }
                self.recs[server].peer = Some(*c);
                self.recs[*c].peer = Some(server);
            }
            _ => {
                self.recs[server].ambiguous = true;
                for c in candidates {
                    self.recs[c].ambiguous = true;
                }
            }
        }
    }

    fn mark_oob(&mut self, i: usize) {
        self.recs[i].oob = true;
        if let Some(p) = self.recs[i].peer {
            self.recs[p].oob = true;
        }
    }

    /// What `i` may legitimately receive next, if its stream is tracked.
    fn expected(&self, i: usize) -> Option<&[u8]> {
        let r = &self.recs[i];
        if r.oob || r.ambiguous {
            return None;
        }
        let peer = &self.recs[r.peer?];
        Some(peer.sent.get(r.received.len()..).unwrap_or(&[]))
    }

    fn record_recv(&mut self, i: usize, got: &[u8], peek: bool) {
        if let Some(exp) = self.expected(i) {
            assert!(
                got.len() <= exp.len() && got == &exp[..got.len()],
                "socket {:#x} received {} bytes that its peer did not send next \
                 (received so far {}, peer sent {})",
                self.recs[i].handle,
                got.len(),
                self.recs[i].received.len(),
                self.recs[self.recs[i].peer.unwrap_or(i)].sent.len()
            );
        }
        if !peek {
            self.recs[i].received.extend_from_slice(got);
        }
    }

    // ----- one step ----------------------------------------------------------------------

    fn step(&mut self) {
        let op = self.inp.u8() % 32;
        if trace() {
            eprintln!("op {op}");
        }
        match op {
            0 | 1 => self.op_socket(),
            2 => self.op_close(),
            3 => self.op_bind(),
            4 => self.op_listen(),
            5 | 6 => self.op_connect(),
            7 | 8 => self.op_accept(),
            9..=11 => self.op_send(),
            12..=14 => self.op_recv(),
            15 => self.op_shutdown(),
            16 => self.op_event_select(),
            17 => self.op_enum(),
            18 => self.op_async_select(),
            19 => self.op_select(),
            20 => self.op_ioctl(),
            21 => self.op_sockopt(),
            22 => self.op_names(),
            23 => self.op_addr_text(),
            24 => self.op_lifecycle(),
            25 => self.op_misc(),
            26 => self.op_disconnect(),
            _ => self.op_sim(),
        }
    }

    fn op_socket(&mut self) {
        let (af, ty, proto) = match self.inp.u8() % 8 {
            0..=2 => (AF_INET, SOCK_STREAM, 0),
            3 => (AF_INET, SOCK_DGRAM, 0),
            4 => (AF_INET6, SOCK_STREAM, IPPROTO_TCP),
            5 => (AF_INET6, SOCK_DGRAM, IPPROTO_UDP),
            6 => (
                self.inp.pick(&[0, AF_INET, AF_INET6, 1, 99]),
                self.inp.pick(&[0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, 9]),
                self.inp.pick(&[0, IPPROTO_TCP, IPPROTO_UDP, 255]),
            ),
            _ => (
                self.inp.u32() as i32,
                self.inp.u32() as i32,
                self.inp.u32() as i32,
            ),
        };
        let flags = self
            .inp
            .pick(&[0, WSA_FLAG_OVERLAPPED, WSA_FLAG_MULTIPOINT_C_LEAF]);
        let r = self.p.socket(af, ty, proto, None, 0, flags);
        self.note("socket", None, &r);
        if let Ok(h) = r {
            // Which type it got: the catalog's answer for the triple.
            let idx = wsp::catalog::select(self.p.catalog(), af, ty, proto)
                .expect("socket succeeded where the catalog has no entry");
            let stream = self.p.catalog()[idx].iSocketType == SOCK_STREAM;
            self.adopt(h, stream);
        }
    }

    fn op_close(&mut self) {
        let (h, i) = self.handle();
        let r = self.p.close_socket(h);
        self.note("close_socket", None, &r);
        if let Some(i) = i {
            if self.recs[i].open && self.users > 0 {
                assert_eq!(r, Ok(()), "close of a live socket");
                self.closed_rec(i);
            }
        }
    }

    fn op_bind(&mut self) {
        let (h, i) = self.handle();
        let a = self.addr();
        let r = self.p.bind(h, &a);
        self.note("bind", i, &r);
    }

    fn op_listen(&mut self) {
        let (h, i) = self.handle();
        let backlog = self.inp.pick(&[0, 1, 2, 5, SOMAXCONN, -3]);
        let r = self.p.listen(h, backlog);
        self.note("listen", i, &r);
    }

    fn op_connect(&mut self) {
        let (h, i) = self.handle();
        let a = self.addr();
        let data = self.inp.u8() >= 0xf8;
        let r = if data {
            self.p.connect(h, &a, Some(b"hello"), None, None, None)
        } else {
            self.p.connect(h, &a, None, None, None, None)
        };
        self.note("connect", i, &r);
        if let Some(i) = i {
            let mut local = SockAddr::default();
            if self.p.get_sock_name(h, &mut local).is_ok() {
                if let Some(l) = local.to_std() {
                    self.recs[i].local = Some(canon(l));
                }
            }
        }
    }

    fn op_accept(&mut self) {
        let (h, i) = self.handle();
        let cap = self.capacity();
        let decision = match self.inp.u8() % 8 {
            0 => Some(ConditionDecision::Reject),
            1 => Some(ConditionDecision::Defer),
            2 => Some(ConditionDecision::Accept),
            _ => None,
        };
        let mut addr = SockAddr::with_capacity(cap);
        let use_addr = self.inp.bool();
        let r = match decision {
            Some(d) => {
                let mut cond = |_: &mut wsp::wsp::AcceptCondition<'_>| d;
                self.p
                    .accept(h, use_addr.then_some(&mut addr), Some(&mut cond))
            }
            None => self.p.accept(h, use_addr.then_some(&mut addr), None),
        };
        self.note("accept", i, &r);
        if let Ok(s) = r {
            let n = self.adopt(s, true);
            self.pair(n);
        }
    }

    fn op_send(&mut self) {
        let (h, i) = self.handle();
        let total = self.length();
        let flags = self.send_flags();
        let to = if self.inp.bool() {
            Some(self.addr())
        } else {
            None
        };
        let rec = i.unwrap_or(usize::MAX);
        let base = i.map_or(0, |i| self.recs[i].sent.len());
        let data: Vec<u8> = (0..total).map(|k| pattern(rec, base + k)).collect();
        let lens = self.split(total);
        let mut bufs: Vec<&[u8]> = Vec::new();
        let mut at = 0;
        for l in lens {
            bufs.push(&data[at..at + l]);
            at += l;
        }
        let r = match &to {
            Some(a) => self.p.send_to(h, &bufs, flags, Some(a)),
            None => self.p.send(h, &bufs, flags),
        };
        self.note("send", i, &r);
        if let (Ok(n), Some(i)) = (&r, i) {
            assert!(*n <= total, "send took {n} of {total} bytes");
            if self.recs[i].stream {
                if flags & MSG_OOB != 0 {
                    self.mark_oob(i);
                }
                self.recs[i].sent.extend_from_slice(&data[..*n]);
            }
        }
    }

    fn op_recv(&mut self) {
        let (h, i) = self.handle();
        let total = self.length();
        let mut flags = self.recv_flags();
        let asked = flags;
        let from = self.inp.bool();
        let cap = self.capacity();
        let lens = self.split(total);
        let mut storage = vec![0u8; total];
        let r = {
            let mut bufs: Vec<&mut [u8]> = Vec::new();
            let mut rest = &mut storage[..];
            for l in lens {
                let (a, b) = rest.split_at_mut(l);
                bufs.push(a);
                rest = b;
            }
            if from {
                let mut a = SockAddr::with_capacity(cap);
                self.p.recv_from(h, &mut bufs, &mut flags, Some(&mut a))
            } else {
                self.p.recv(h, &mut bufs, &mut flags)
            }
        };
        self.note("recv", i, &r);
        if let (Ok(n), Some(i)) = (&r, i) {
            assert!(*n <= total, "recv returned {n} for {total} bytes of room");
            if self.recs[i].stream {
                if asked & MSG_OOB != 0 {
                    self.mark_oob(i);
                } else {
                    self.record_recv(i, &storage[..*n], asked & MSG_PEEK != 0);
                }
            }
        }
    }

    fn op_shutdown(&mut self) {
        let (h, i) = self.handle();
        let how = self.inp.pick(&[SD_RECEIVE, SD_SEND, SD_BOTH, 3, -1]);
        let r = self.p.shutdown(h, how);
        self.note("shutdown", i, &r);
        if let (Ok(()), Some(i)) = (r, i) {
            if how != SD_SEND {
                self.recs[i].shut_rd = true;
            }
        }
    }

    fn op_disconnect(&mut self) {
        let (h, i) = self.handle();
        if self.inp.bool() {
            let data: Option<&[u8]> = self.inp.pick(&[None, Some(&b""[..]), Some(&b"bye"[..])]);
            let r = self.p.send_disconnect(h, data);
            self.note("send_disconnect", i, &r);
        } else {
            let mut buf = [0u8; 8];
            let r = self
                .p
                .recv_disconnect(h, self.inp.bool().then_some(&mut buf[..]));
            self.note("recv_disconnect", i, &r);
            if let (Ok(n), Some(i)) = (r, i) {
                assert!(n <= buf.len());
                self.recs[i].shut_rd = true;
            }
        }
    }

    fn op_event_select(&mut self) {
        let (h, i) = self.handle();
        let mask = self.mask();
        let ev = match self.inp.u8() % 3 {
            0 => None,
            n => Some(self.events[usize::from(n) - 1].clone()),
        };
        let r = self.p.event_select(h, ev.as_ref(), mask);
        self.note("event_select", i, &r);
    }

    fn op_enum(&mut self) {
        let (h, i) = self.handle();
        let ev = match self.inp.u8() % 3 {
            0 => None,
            n => Some(self.events[usize::from(n) - 1].clone()),
        };
        let r = self.p.enum_network_events(h, ev.as_ref());
        self.note("enum_network_events", i, &r);
        if let Ok(ne) = r {
            for (bit, code) in ne.iErrorCode.iter().enumerate() {
                if *code != 0 {
                    assert!(
                        ne.lNetworkEvents & (1 << bit) != 0,
                        "error code for an event not reported"
                    );
                    let e = WsaError(*code);
                    assert!(e.is_known(), "event {bit} carries unknown error {code}");
                    if let Some(i) = i {
                        if is_reset(e) {
                            self.recs[i].reset = true;
                        }
                    }
                }
            }
        }
    }

    fn op_async_select(&mut self) {
        let (h, i) = self.handle();
        let mask = self.mask();
        let msg = 0x0400 + u32::from(self.inp.u8());
        let w = self.inp.bool().then(|| self.hwnd.clone());
        let r = self.p.async_select(h, w.as_ref(), msg, mask);
        self.note("async_select", i, &r);
        // Drain the queue so it stays small; every message names a handle the program
        // made and a known error.
        while let Some(m) = self.hwnd.try_get() {
            let err = WSAGETSELECTERROR(m.lparam);
            if err != 0 {
                assert!(WsaError(err).is_known(), "async-select error {err}");
            }
            assert!(
                self.recs.iter().any(|r| r.handle == m.wparam),
                "async-select message for a handle never made: {:#x}",
                m.wparam
            );
        }
    }

    fn op_select(&mut self) {
        let mut sets = [FdSet::new(), FdSet::new(), FdSet::new()];
        let n = self.inp.below(6);
        for _ in 0..n {
            let (h, _) = self.handle();
            let k = self.inp.below(3);
            sets[k].set(h);
        }
        let given = sets.clone();
        let which = self.inp.u8();
        let tv = TIMEVAL {
            tv_sec: 0,
            tv_usec: 0,
        };
        let [r, w, e] = &mut sets;
        let res = self.p.select(
            (which & 1 != 0).then_some(r),
            (which & 2 != 0).then_some(w),
            (which & 4 != 0).then_some(e),
            Some(&tv),
        );
        check_known("select", &res);
        if let Ok(count) = res {
            let mut total = 0;
            for (k, set) in sets.iter().enumerate() {
                if which & (1 << k) == 0 {
                    continue;
                }
                total += set.len();
                for h in &set.fd_array {
                    assert!(
                        given[k].is_set(*h),
                        "select returned {h:#x} it was not given"
                    );
                }
            }
            assert_eq!(count, total, "select's count and its sets disagree");
        }
    }

    fn op_ioctl(&mut self) {
        let (h, i) = self.handle();
        let code = match self.inp.u8() % 6 {
            0 | 1 => FIONREAD,
            2 => SIOCATMARK,
            3 => FIONBIO,
            4 => 0xC800_0006, // SIO_GET_EXTENSION_FUNCTION_POINTER
            _ => self.inp.u32(),
        };
        let in_len = self.inp.below(20);
        let mut input = self.inp.bytes(in_len).to_vec();
        input.resize(in_len, 0);
        if code == FIONBIO {
            // Never back to blocking: the program must not block.
            input = 1u32.to_le_bytes().to_vec();
        }
        let out_len = self.inp.pick(&[0, 1, 4, 8, 64]);
        let mut out = vec![0u8; out_len];
        let r = self.p.ioctl(h, code, &input, &mut out);
        self.note("ioctl", i, &r);
        if let Ok(n) = r {
            assert!(n <= out_len, "ioctl {code:#x} returned {n} of {out_len}");
        }
    }

    fn op_sockopt(&mut self) {
        let (h, i) = self.handle();
        let (level, name) = crate::sockopt_buffers::option(&mut self.inp);
        let len = crate::sockopt_buffers::length(&mut self.inp);
        if self.inp.bool() {
            let val = crate::sockopt_buffers::value(&mut self.inp, len);
            let r = self.p.set_sock_opt(h, level, name, &val);
            self.note("set_sock_opt", i, &r);
        } else {
            let mut buf = vec![0u8; len];
            let r = self.p.get_sock_opt(h, level, name, &mut buf);
            self.note("get_sock_opt", i, &r);
            if let Ok(n) = r {
                assert!(n <= len);
            }
        }
    }

    fn op_names(&mut self) {
        let (h, i) = self.handle();
        let mut a = SockAddr::with_capacity(self.capacity());
        let r = if self.inp.bool() {
            self.p.get_sock_name(h, &mut a)
        } else {
            self.p.get_peer_name(h, &mut a)
        };
        self.note("get_*_name", i, &r);
        if r.is_ok() {
            assert!(a.to_std().is_some(), "a name that does not decode: {a:?}");
        }
    }

    fn op_addr_text(&mut self) {
        if self.inp.bool() {
            let a = self.addr();
            let r = self.p.address_to_string(&a, None);
            check_known("address_to_string", &r);
        } else {
            let text = String::from_utf8_lossy(self.inp.bytes(48)).into_owned();
            let af = self.inp.pick(&[AF_INET, AF_INET6, 0]);
            let mut out = SockAddr::with_capacity(self.capacity());
            let r = self.p.string_to_address(&text, af, None, &mut out);
            check_known("string_to_address", &r);
        }
    }

    fn op_lifecycle(&mut self) {
        if self.inp.u8() % 3 == 0 {
            let v = self
                .inp
                .pick(&[make_word(2, 2), make_word(2, 0), make_word(1, 1), 0x0303]);
            let r = self.p.startup(v);
            check_known("startup", &r);
            if r.is_ok() {
                self.users += 1;
            }
        } else {
            let r = self.p.cleanup();
            check_known("cleanup", &r);
            if self.users == 0 {
                assert_eq!(r, Err(WsaError::WSANOTINITIALISED));
            } else {
                assert_eq!(r, Ok(()));
                self.users -= 1;
                if self.users == 0 {
                    for i in 0..self.recs.len() {
                        self.closed_rec(i);
                    }
                }
            }
        }
    }

    fn op_misc(&mut self) {
        let (h, i) = self.handle();
        match self.inp.u8() % 5 {
            0 => {
                let r = self.p.duplicate_socket(h, self.inp.u32());
                self.note("duplicate_socket", i, &r);
            }
            1 => {
                let a = self.addr();
                let r = self.p.join_leaf(h, &a, None, None, None, None, 0);
                self.note("join_leaf", i, &r);
                if let Ok(s) = r {
                    if s != h {
                        self.adopt(s, false);
                    }
                }
            }
            2 => {
                let mut q = Qos::default();
                let r = self.p.get_qos_by_name(h, "G711", &mut q);
                self.note("get_qos_by_name", i, &r);
            }
            3 => {
                let r = self.p.get_overlapped_result(h, 0x1000, false);
                self.note("get_overlapped_result", i, &r);
            }
            _ => {
                let r = self.p.cancel_blocking_call();
                check_known("cancel_blocking_call", &r);
            }
        }
        let mut callee = [0u8; 4];
        let mut out = OutBuf {
            buf: &mut callee,
            len: 0,
        };
        if self.inp.u8() == 0xff {
            let a = self.addr();
            let r = self.p.connect(h, &a, None, Some(&mut out), None, None);
            self.note("connect(callee data)", i, &r);
        }
    }

    fn op_sim(&mut self) {
        let engine = self.p.clone();
        let sim = engine.net();
        let sub = self.inp.u8() % 8;
        if trace() {
            eprintln!("  sim action {sub}");
        }
        match sub {
            0 | 1 => sim.advance(Duration::from_millis(u64::from(self.inp.u8()))),
            2 => {
                let f = faults(&mut self.inp);
                sim.set_faults(f);
            }
            3 => {
                let op = self.inp.pick(&[
                    Op::Open,
                    Op::Bind,
                    Op::Listen,
                    Op::Accept,
                    Op::Connect,
                    Op::Send,
                    Op::Recv,
                ]);
                let e = self.inp.pick(&[
                    WsaError::WSAENOBUFS,
                    WsaError::WSAEMFILE,
                    WsaError::WSAECONNRESET,
                    WsaError::WSAENETDOWN,
                    WsaError::WSAEWOULDBLOCK,
                    WsaError::WSAEADDRINUSE,
                    WsaError::WSAEACCES,
                    WsaError::WSAECONNREFUSED,
                ]);
                sim.fail_next(op, e);
            }
            4 => sim.refuse_next_connects(u32::from(self.inp.u8() % 3)),
            5 => sim.set_latency(Duration::from_millis(u64::from(self.inp.u8() % 32))),
            6 => {
                let d = Duration::from_millis(u64::from(self.inp.u8() % 32));
                self.readiness_delay = !d.is_zero();
                sim.set_readiness_delay(d);
            }
            _ => {
                if self.readiness_delay {
                    sim.advance(Duration::from_secs(1));
                } else {
                    sim.run_until_idle();
                }
            }
        }
    }

    // ----- invariants --------------------------------------------------------------------

    fn check(&mut self) {
        if self.users == 0 {
            return;
        }
        for h in self.closed.iter().rev().take(32) {
            let mut a = SockAddr::default();
            assert_eq!(
                self.p.get_sock_name(*h, &mut a),
                Err(WsaError::WSAENOTSOCK),
                "closed handle {h:#x} still answers"
            );
        }
        let mut live = 0;
        for r in self.recs.iter().filter(|r| r.open) {
            live += 1;
            let mut a = SockAddr::default();
            assert_ne!(
                self.p.get_sock_name(r.handle, &mut a),
                Err(WsaError::WSAENOTSOCK),
                "live handle {:#x} is gone",
                r.handle
            );
        }
        assert_eq!(self.p.socket_count(), live, "engine socket count");
        for i in 0..self.recs.len() {
            if let Some(exp) = self.expected(i) {
                // `record_recv` checked each piece; the whole must still be a prefix.
                let _ = exp;
                let r = &self.recs[i];
                let sent = &self.recs[r.peer.unwrap_or(i)].sent;
                assert!(
                    r.received.len() <= sent.len() && sent[..r.received.len()] == r.received[..],
                    "received bytes are not a prefix of the peer's sent bytes"
                );
            }
        }
    }

    fn drain_and_check(&mut self) {
        let engine = self.p.clone();
        let sim = engine.net();
        sim.set_faults(FaultConfig::default());
        sim.set_latency(Duration::ZERO);
        sim.set_readiness_delay(Duration::ZERO);
        // Queued injections would look like real errors (an injected WSAEWOULDBLOCK ends
        // a drain early): the drain must see the network as it is.
        sim.clear_injected();
        // Injected errors still queued are used up by these calls or stay harmless: an
        // injected error changes nothing.
        if self.users == 0 {
            self.pending.assert_all_completed();
            return;
        }
        let mut buf = vec![0u8; 65_536];
        for _round in 0..64 {
            sim.run_until_idle();
            let mut progress = false;
            for i in 0..self.recs.len() {
                let r = &self.recs[i];
                if !r.open || !r.stream || r.shut_rd || r.reset || r.peer.is_none() {
                    continue;
                }
                let h = r.handle;
                for _ in 0..DRAIN_CALLS {
                    let mut flags = 0;
                    let res = self.p.recv(h, &mut [&mut buf[..]], &mut flags);
                    self.note("recv (drain)", Some(i), &res);
                    match res {
                        Ok(0) => break,
                        Ok(n) => {
                            progress = true;
                            let got = buf[..n].to_vec();
                            self.record_recv(i, &got, false);
                        }
                        Err(WsaError::WSAEWOULDBLOCK) => break,
                        Err(_) => {
                            // An error injected with `Sim::fail_next` changes nothing and
                            // is used up: try again next round (the rounds are bounded).
                            progress = true;
                            break;
                        }
                    }
                }
            }
            if !progress && sim.pending_timers() == 0 {
                break;
            }
        }
        for i in 0..self.recs.len() {
            let r = &self.recs[i];
            let Some(pi) = r.peer else { continue };
            let peer = &self.recs[pi];
            let excused = !r.open
                || !peer.open
                || r.reset
                || peer.reset
                || r.shut_rd
                || r.oob
                || r.ambiguous
                || peer.ambiguous;
            if excused {
                continue;
            }
            assert_eq!(
                r.received.len(),
                peer.sent.len(),
                "socket {:#x} received {} of the {} bytes its peer {:#x} sent",
                r.handle,
                r.received.len(),
                peer.sent.len(),
                peer.handle
            );
            assert!(r.received == peer.sent, "bytes differ");
        }
        self.pending.assert_all_completed();
    }
}
