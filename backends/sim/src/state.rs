//! The simulated host's state and every rule of the model. All of it runs under the
//! `Sim`'s one lock; readiness reports are only *collected* here (`State::notes`) and
//! dispatched by the caller after the lock is released.

use crate::addr::{self, Scope};
use crate::config::{Op, SimConfig};
use crate::rng::Rng;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Weak;
use std::time::Duration;
use wsp::net::{
    HostFamily, HostKind, HostOpt, HostOptName, HostSocket, IoFlags, IpOptionBytes, NetResult,
    Readiness, ReadinessSink, Received,
};
use wsp::WsaError;

/// Largest UDP payload over IPv4 / IPv6.
const MAX_DGRAM_V4: usize = 65507;
const MAX_DGRAM_V6: usize = 65527;

// Per-socket flag bits (kept in one u16 to keep sockets small).
const F_REUSE: u16 = 1 << 0;
const F_V6ONLY: u16 = 1 << 1;
const F_NODELAY: u16 = 1 << 2;
const F_KEEPALIVE: u16 = 1 << 3;
const F_BROADCAST: u16 = 1 << 4;
const F_OOBINLINE: u16 = 1 << 5;
const F_RD_SHUT: u16 = 1 << 6;
const F_WR_SHUT: u16 = 1 << 7;
const F_EOF: u16 = 1 << 8;
const F_RESET: u16 = 1 << 9;
const F_REGISTERED: u16 = 1 << 10;
/// `HostOpt::PktInfo`: report packet information with received datagrams.
const F_PKTINFO: u16 = 1 << 11;
/// Options an accepted socket inherits from its listener.
const F_INHERITED: u16 = F_REUSE | F_V6ONLY | F_NODELAY | F_KEEPALIVE | F_OOBINLINE;

/// Connection state of a socket.
#[derive(Debug)]
enum Conn {
    /// Fresh (possibly bound). Datagram sockets stay here; their default peer is `peer`.
    Idle,
    /// A stream connect failed; a new connect is allowed (Linux `TCP_CLOSE`).
    Failed,
    /// Listening.
    Listening(Box<Listen>),
    /// A stream connect in progress: delayed, or parked in a full listener's queue.
    Connecting { listener: Option<u64> },
    /// Connected stream; `peer` is `None` once the other end is gone.
    Established { peer: Option<u64> },
}

#[derive(Debug)]
struct Listen {
    /// Accept-queue capacity (backlog + 1, as Linux).
    cap: usize,
    /// Established server-side sockets waiting for `accept`.
    ready: VecDeque<u64>,
    /// Connecting clients waiting for room in `ready` (Linux drops their SYN; they retry).
    waiting: VecDeque<u64>,
}

/// Something in flight to a socket.
#[derive(Debug)]
enum Seg {
    /// Stream bytes; with `urgent` the last byte is the urgent (OOB) byte.
    Data { bytes: Vec<u8>, urgent: bool },
    /// End of stream.
    Fin,
    /// Connection reset.
    Rst,
    /// A datagram.
    Dgram { from: SocketAddr, bytes: Vec<u8> },
}

impl Seg {
    fn len(&self) -> usize {
        match self {
            Seg::Data { bytes, .. } | Seg::Dgram { bytes, .. } => bytes.len(),
            Seg::Fin | Seg::Rst => 0,
        }
    }
}

/// Receive side of a socket, allocated on first use.
#[derive(Debug, Default)]
struct Rx {
    data: VecDeque<u8>,
    dgrams: VecDeque<(SocketAddr, Vec<u8>)>,
    dgram_bytes: usize,
    /// Out-of-line urgent byte.
    oob: Option<u8>,
    /// Bytes before the urgent mark, counted from the read position.
    mark: Option<usize>,
    /// Delayed segments, in arrival order (arrival times never decrease).
    inflight: VecDeque<(Duration, Seg)>,
    inflight_bytes: usize,
}

/// One simulated socket. Kept small: buffers live in the lazily boxed `Rx`.
#[derive(Debug)]
struct Sock {
    family: HostFamily,
    kind: HostKind,
    flags: u16,
    ttl: u8,
    linger: Option<u16>,
    rcvbuf: u32,
    sndbuf: u32,
    token: u64,
    error: Option<WsaError>,
    reported: Readiness,
    local: Option<SocketAddr>,
    peer: Option<SocketAddr>,
    conn: Conn,
    rx: Option<Box<Rx>>,
}

impl Sock {
    fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
    fn set(&mut self, f: u16, on: bool) {
        if on {
            self.flags |= f;
        } else {
            self.flags &= !f;
        }
    }
    fn rx(&mut self) -> &mut Rx {
        self.rx.get_or_insert_with(Default::default)
    }
    fn stream(&self) -> bool {
        self.kind == HostKind::Stream
    }
    fn buffered(&self) -> usize {
        self.rx
            .as_ref()
            .map_or(0, |r| r.data.len() + r.inflight_bytes)
    }
}

/// Work in the timer queue.
#[derive(Clone, Copy, Debug)]
enum Timer {
    /// Move due in-flight segments of this socket into its receive side.
    Deliver(u64),
    /// Report this socket's current readiness even without an edge.
    Report(u64),
    /// Complete (or park, or refuse) this socket's delayed connect.
    Connect(u64),
}

#[derive(Debug, Default)]
struct SockFaults {
    would_block: u32,
    partial: u32,
}

struct Slot {
    gen: u32,
    sock: Option<Sock>,
}

/// The whole simulated host.
pub(crate) struct State {
    /// Host options a Linux host keeps that the simulation only stores (TOS, multicast
    /// TTL/loop/interface, keep-alive timings), by socket id and option. Kept out of the
    /// per-socket state so that stays small; only sockets that set one pay for it.
    stored_opts: BTreeMap<(u64, u8), HostOpt>,
    pub(crate) cfg: SimConfig,
    rng: Rng,
    pub(crate) now: Duration,
    seq: u64,
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
    /// Bound sockets by (is stream, port), in bind order. Accepted sockets are not here.
    ports: BTreeMap<(bool, u16), Vec<u64>>,
    next_port: u16,
    timers: BTreeMap<(Duration, u64), Timer>,
    groups: BTreeSet<(IpAddr, u64)>,
    sock_faults: BTreeMap<u64, SockFaults>,
    fail: Vec<(Op, WsaError)>,
    pub(crate) refuse: u32,
    pub(crate) latency: Duration,
    pub(crate) readiness_delay: Duration,
    dirty: Vec<(u64, bool)>,
    pub(crate) notes: Vec<(u64, Readiness)>,
    pub(crate) sink: Option<Weak<dyn ReadinessSink>>,
}

fn id_of(s: HostSocket) -> u64 {
    s.0
}

impl State {
    pub(crate) fn new(seed: u64, cfg: SimConfig) -> State {
        State {
            next_port: cfg.ephemeral_ports.0,
            cfg,
            rng: Rng::new(seed),
            now: Duration::ZERO,
            seq: 0,
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
            ports: BTreeMap::new(),
            timers: BTreeMap::new(),
            groups: BTreeSet::new(),
            sock_faults: BTreeMap::new(),
            fail: Vec::new(),
            refuse: 0,
            latency: Duration::ZERO,
            readiness_delay: Duration::ZERO,
            stored_opts: BTreeMap::new(),
            dirty: Vec::new(),
            notes: Vec::new(),
            sink: None,
        }
    }

    // ----- socket table -------------------------------------------------------------

    fn sock(&self, id: u64) -> Option<&Sock> {
        let slot = self.slots.get((id & 0xffff_ffff) as usize)?;
        if u64::from(slot.gen) != id >> 32 {
            return None;
        }
        slot.sock.as_ref()
    }

    fn sock_mut(&mut self, id: u64) -> Option<&mut Sock> {
        let slot = self.slots.get_mut((id & 0xffff_ffff) as usize)?;
        if u64::from(slot.gen) != id >> 32 {
            return None;
        }
        slot.sock.as_mut()
    }

    fn get(&self, s: HostSocket) -> NetResult<&Sock> {
        self.sock(id_of(s)).ok_or(WsaError::WSAENOTSOCK)
    }

    fn get_mut(&mut self, s: HostSocket) -> NetResult<&mut Sock> {
        self.sock_mut(id_of(s)).ok_or(WsaError::WSAENOTSOCK)
    }

    fn alloc(&mut self, sock: Sock) -> u64 {
        self.live += 1;
        if let Some(idx) = self.free.pop() {
            let slot = &mut self.slots[idx as usize];
            slot.sock = Some(sock);
            return (u64::from(slot.gen) << 32) | u64::from(idx);
        }
        let idx = self.slots.len() as u64;
        self.slots.push(Slot {
            gen: 1,
            sock: Some(sock),
        });
        (1 << 32) | idx
    }

    fn dealloc(&mut self, id: u64) -> Option<Sock> {
        let idx = (id & 0xffff_ffff) as u32;
        let slot = self.slots.get_mut(idx as usize)?;
        if u64::from(slot.gen) != id >> 32 {
            return None;
        }
        let sock = slot.sock.take()?;
        slot.gen = slot.gen.wrapping_add(1).max(1);
        self.free.push(idx);
        self.live -= 1;
        Some(sock)
    }

    pub(crate) fn live(&self) -> usize {
        self.live
    }

    fn new_sock(&self, family: HostFamily, kind: HostKind) -> Sock {
        let (rcvbuf, sndbuf) = match kind {
            HostKind::Stream => (self.cfg.recv_buffer, self.cfg.send_buffer),
            HostKind::Datagram => (self.cfg.dgram_recv_buffer, self.cfg.send_buffer),
        };
        Sock {
            family,
            kind,
            flags: if family == HostFamily::V6 {
                F_V6ONLY
            } else {
                0
            },
            ttl: 64,
            linger: None,
            rcvbuf: rcvbuf.max(1),
            sndbuf: sndbuf.max(1),
            token: 0,
            error: None,
            reported: Readiness::EMPTY,
            local: None,
            peer: None,
            conn: Conn::Idle,
            rx: None,
        }
    }

    // ----- time, timers and readiness ------------------------------------------------

    fn schedule(&mut self, at: Duration, t: Timer) {
        self.seq += 1;
        self.timers.insert((at, self.seq), t);
    }

    pub(crate) fn next_timer(&self) -> Option<Duration> {
        self.timers.keys().next().map(|k| k.0)
    }

    pub(crate) fn timer_count(&self) -> usize {
        self.timers.len()
    }

    /// Run the earliest timer if it is due at or before `limit`, advancing the clock to
    /// it. Returns whether one ran.
    pub(crate) fn step(&mut self, limit: Duration) -> bool {
        let Some((&(at, seq), _)) = self.timers.iter().next() else {
            return false;
        };
        if at > limit {
            return false;
        }
        let t = self.timers.remove(&(at, seq)).expect("present");
        if at > self.now {
            self.now = at;
        }
        match t {
            Timer::Deliver(id) => self.deliver_due(id),
            // A delayed report is due: deliver it now (going through `flush` would delay
            // it again, forever, while a readiness delay is set).
            Timer::Report(id) => self.report_now(id),
            Timer::Connect(id) => {
                if matches!(
                    self.sock(id).map(|s| &s.conn),
                    Some(Conn::Connecting { listener: None })
                ) {
                    self.attempt_connect(id);
                }
            }
        }
        true
    }

    /// Run everything due now.
    pub(crate) fn run_due(&mut self) {
        while self.step(self.now) {}
    }

    /// Extra delay for one delivery: the fixed latency plus, by chance, a random delay.
    fn pick_delay(&mut self) -> Duration {
        let mut d = self.latency;
        if self.rng.chance(self.cfg.faults.delay) {
            let max = self
                .cfg
                .faults
                .max_delay
                .as_nanos()
                .min(u128::from(u64::MAX)) as u64;
            d += Duration::from_nanos(1 + self.rng.below(max.max(1)));
        }
        d
    }

    /// Mark a socket for readiness re-evaluation. `force` reports even without a new bit
    /// (new data on an already readable socket, as epoll's edge mode does).
    fn touch(&mut self, id: u64, force: bool) {
        self.dirty.push((id, force));
    }

    /// Free space in the pipe from `id` to its peer: our send buffer plus the peer's
    /// receive buffer, minus what sits there.
    fn free_space(&self, s: &Sock) -> usize {
        let Conn::Established { peer } = s.conn else {
            return 0;
        };
        let Some(p) = peer.and_then(|p| self.sock(p)) else {
            return s.sndbuf as usize;
        };
        (s.sndbuf as usize + p.rcvbuf as usize).saturating_sub(p.buffered())
    }

    fn level(&self, s: &Sock) -> Readiness {
        let mut r = Readiness::EMPTY;
        if s.error.is_some() {
            r.insert(Readiness::ERROR);
        }
        let rx = s.rx.as_deref();
        if !s.stream() {
            r.insert(Readiness::WRITABLE);
            if rx.is_some_and(|x| !x.dgrams.is_empty()) || s.has(F_RD_SHUT) {
                r.insert(Readiness::READABLE);
            }
            if s.has(F_RD_SHUT) {
                r.insert(Readiness::READ_CLOSED);
            }
            if s.has(F_WR_SHUT) {
                r.insert(Readiness::WRITE_CLOSED);
            }
            return r;
        }
        match &s.conn {
            // What epoll (through mio) reports for a never-connected TCP socket:
            // EPOLLOUT | EPOLLHUP.
            Conn::Idle => {
                r.insert(Readiness::WRITABLE | Readiness::READ_CLOSED | Readiness::WRITE_CLOSED)
            }
            Conn::Failed => r.insert(
                Readiness::READABLE
                    | Readiness::WRITABLE
                    | Readiness::READ_CLOSED
                    | Readiness::WRITE_CLOSED,
            ),
            Conn::Listening(l) => {
                if !l.ready.is_empty() {
                    r.insert(Readiness::READABLE);
                }
            }
            Conn::Connecting { .. } => {}
            Conn::Established { .. } => {
                let reset = s.has(F_RESET);
                let rclosed = reset || s.has(F_EOF) || s.has(F_RD_SHUT);
                if rclosed || rx.is_some_and(|x| !x.data.is_empty()) {
                    r.insert(Readiness::READABLE);
                }
                if rclosed {
                    r.insert(Readiness::READ_CLOSED);
                }
                if reset || s.has(F_WR_SHUT) {
                    r.insert(Readiness::WRITE_CLOSED);
                }
                if reset || (!s.has(F_WR_SHUT) && self.free_space(s) > 0) {
                    r.insert(Readiness::WRITABLE);
                }
                if rx.is_some_and(|x| x.oob.is_some() || (s.has(F_OOBINLINE) && x.mark.is_some())) {
                    r.insert(Readiness::PRIORITY);
                }
            }
        }
        r
    }

    /// Report `id`'s current level at once, bypassing any readiness delay.
    fn report_now(&mut self, id: u64) {
        let Some(s) = self.sock(id) else { return };
        let level = self.level(s);
        let (registered, token) = (s.has(F_REGISTERED), s.token);
        self.sock_mut(id).expect("live").reported = level;
        if registered && !level.is_empty() {
            self.notes.push((token, level));
        }
    }

    /// Turn touched sockets into readiness reports (rising edges, or forced).
    pub(crate) fn flush(&mut self) {
        while !self.dirty.is_empty() {
            let dirty = std::mem::take(&mut self.dirty);
            for (id, force) in dirty {
                let Some(s) = self.sock(id) else { continue };
                let level = self.level(s);
                let rising = Readiness(level.0 & !s.reported.0);
                let registered = s.has(F_REGISTERED);
                let token = s.token;
                self.sock_mut(id).expect("live").reported = level;
                if !registered || level.is_empty() || (rising.is_empty() && !force) {
                    continue;
                }
                let delay = if self.rng.chance(self.cfg.faults.delay_readiness) {
                    let max = self
                        .cfg
                        .faults
                        .max_delay
                        .as_nanos()
                        .min(u128::from(u64::MAX)) as u64;
                    self.readiness_delay + Duration::from_nanos(1 + self.rng.below(max.max(1)))
                } else {
                    self.readiness_delay
                };
                if delay.is_zero() {
                    self.notes.push((token, level));
                } else {
                    let at = self.now + delay;
                    self.schedule(at, Timer::Report(id));
                }
            }
        }
    }

    // ----- faults ----------------------------------------------------------------------

    /// An injected `WSAEWOULDBLOCK` keeps the Net contract like a storm does: a readiness
    /// report follows, so nobody waiting for the condition stalls.
    fn report_after_injected(&mut self, id: u64, e: WsaError) {
        if e == WsaError::WSAEWOULDBLOCK {
            self.touch(id, true);
        }
    }

    /// Drop every queued `fail_next` injection.
    pub(crate) fn clear_fail(&mut self) {
        self.fail.clear();
    }

    fn take_fail(&mut self, op: Op) -> Option<WsaError> {
        let i = self.fail.iter().position(|(o, _)| *o == op)?;
        Some(self.fail.remove(i).1)
    }

    pub(crate) fn fail_next(&mut self, op: Op, e: WsaError) {
        self.fail.push((op, e));
    }

    pub(crate) fn storm(&mut self, s: HostSocket, n: u32) -> NetResult<()> {
        self.get(s)?;
        self.sock_faults.entry(id_of(s)).or_default().would_block += n;
        Ok(())
    }

    pub(crate) fn partial(&mut self, s: HostSocket, n: u32) -> NetResult<()> {
        self.get(s)?;
        self.sock_faults.entry(id_of(s)).or_default().partial += n;
        Ok(())
    }

    /// A spurious would-block (storm or chance)? If so a report follows at once.
    fn spurious_would_block(&mut self, id: u64) -> bool {
        let storm = match self.sock_faults.get_mut(&id) {
            Some(f) if f.would_block > 0 => {
                f.would_block -= 1;
                true
            }
            _ => false,
        };
        if storm || self.rng.chance(self.cfg.faults.would_block) {
            let now = self.now;
            self.schedule(now, Timer::Report(id));
            return true;
        }
        false
    }

    fn partial_write(&mut self, id: u64, n: usize) -> usize {
        let forced = match self.sock_faults.get_mut(&id) {
            Some(f) if f.partial > 0 => {
                f.partial -= 1;
                true
            }
            _ => false,
        };
        if n > 1 && (forced || self.rng.chance(self.cfg.faults.partial_write)) {
            1 + self.rng.below(n as u64 - 1) as usize
        } else {
            n
        }
    }

    /// Reset both ends of `s`'s connection now.
    pub(crate) fn reset_connection(&mut self, s: HostSocket) -> NetResult<()> {
        let id = id_of(s);
        let sock = self.get(s)?;
        let Conn::Established { peer } = sock.conn else {
            return Err(WsaError::WSAENOTCONN);
        };
        self.apply_reset(id);
        if let Some(p) = peer {
            self.apply_reset(p);
        }
        Ok(())
    }

    fn apply_reset(&mut self, id: u64) {
        if let Some(s) = self.sock_mut(id) {
            if s.has(F_RESET) {
                return;
            }
            s.set(F_RESET, true);
            s.error = Some(WsaError::WSAECONNRESET);
            s.conn = Conn::Established { peer: None };
            if let Some(rx) = s.rx.as_deref_mut() {
                // What was still in flight to us is lost with the connection.
                rx.inflight.clear();
                rx.inflight_bytes = 0;
            }
            self.touch(id, true);
        }
    }

    // ----- deliveries ----------------------------------------------------------------------

    /// Send `seg` to socket `to`, now or after a delay, always behind anything still in
    /// flight to it.
    fn deliver(&mut self, to: u64, seg: Seg) {
        let delay = self.pick_delay();
        let now = self.now;
        let Some(s) = self.sock_mut(to) else { return };
        let rx = s.rx();
        let last = rx.inflight.back().map(|x| x.0);
        if delay.is_zero() && last.is_none() {
            self.apply(to, seg);
            return;
        }
        let at = (now + delay).max(last.unwrap_or(Duration::ZERO));
        rx.inflight_bytes += seg.len();
        rx.inflight.push_back((at, seg));
        self.schedule(at, Timer::Deliver(to));
    }

    fn deliver_due(&mut self, id: u64) {
        let now = self.now;
        loop {
            let Some(s) = self.sock_mut(id) else { return };
            let rx = s.rx();
            match rx.inflight.front() {
                Some((at, _)) if *at <= now => {}
                _ => return,
            }
            let (_, seg) = rx.inflight.pop_front().expect("front");
            rx.inflight_bytes -= seg.len();
            self.apply(id, seg);
        }
    }

    fn apply(&mut self, id: u64, seg: Seg) {
        let Some(s) = self.sock_mut(id) else { return };
        match seg {
            Seg::Data { mut bytes, urgent } => {
                let inline = s.has(F_OOBINLINE);
                let rx = s.rx();
                if urgent {
                    let last = bytes.len() - 1;
                    if inline {
                        rx.mark = Some(rx.data.len() + last);
                    } else {
                        rx.oob = bytes.pop();
                        rx.mark = Some(rx.data.len() + last);
                    }
                }
                rx.data.extend(bytes);
            }
            Seg::Fin => s.set(F_EOF, true),
            Seg::Rst => {
                self.apply_reset(id);
                return;
            }
            Seg::Dgram { from, bytes } => {
                let cap = s.rcvbuf as usize;
                let rx = s.rx();
                if !rx.dgrams.is_empty() && rx.dgram_bytes + bytes.len() > cap {
                    return; // queue full: dropped, as UDP does
                }
                rx.dgram_bytes += bytes.len();
                rx.dgrams.push_back((from, bytes));
            }
        }
        self.touch(id, true);
    }

    // ----- binding -----------------------------------------------------------------------

    fn bound_scopes(s: &Sock) -> [Option<Scope>; 2] {
        match s.local {
            Some(l) => addr::scopes(l, s.has(F_V6ONLY)),
            None => [None, None],
        }
    }

    /// Whether `id` could take `local` (checked against everyone on that port).
    fn bind_conflict(&self, id: u64, local: SocketAddr, v6only: bool) -> bool {
        let me = self.sock(id).expect("live");
        let key = (me.stream(), local.port());
        let Some(list) = self.ports.get(&key) else {
            return false;
        };
        let mine = addr::scopes(local, v6only);
        list.iter().filter(|&&o| o != id).any(|&o| {
            let Some(other) = self.sock(o) else {
                return false;
            };
            let theirs = Self::bound_scopes(other);
            let overlaps = mine
                .iter()
                .flatten()
                .any(|a| theirs.iter().flatten().any(|b| addr::overlap(*a, *b)));
            if !overlaps {
                return false;
            }
            let both_reuse = me.has(F_REUSE) && other.has(F_REUSE);
            let other_listens = matches!(other.conn, Conn::Listening(_));
            // Linux: reuse on both sides allows sharing unless the other one listens.
            !(both_reuse && (!me.stream() || !other_listens))
        })
    }

    fn take_port(&mut self, id: u64, local: SocketAddr) {
        let stream = self.sock(id).expect("live").stream();
        self.ports
            .entry((stream, local.port()))
            .or_default()
            .push(id);
        self.sock_mut(id).expect("live").local = Some(local);
    }

    fn release_port(&mut self, id: u64, s: &Sock) {
        let Some(l) = s.local else { return };
        let key = (s.stream(), l.port());
        if let Some(list) = self.ports.get_mut(&key) {
            list.retain(|&x| x != id);
            if list.is_empty() {
                self.ports.remove(&key);
            }
        }
    }

    /// Pick a free ephemeral port (no binding of that kind on it at all).
    fn ephemeral(&mut self, stream: bool) -> NetResult<u16> {
        let (lo, hi) = self.cfg.ephemeral_ports;
        let span = u32::from(hi.saturating_sub(lo)) + 1;
        for _ in 0..span {
            let p = self.next_port;
            self.next_port = if p >= hi { lo } else { p + 1 };
            if !self.ports.contains_key(&(stream, p)) {
                return Ok(p);
            }
        }
        Err(WsaError::WSAEADDRINUSE)
    }

    /// Bind `id` to the wildcard address with an ephemeral port if it is unbound.
    fn autobind(&mut self, id: u64) -> NetResult<()> {
        let s = self.sock(id).expect("live");
        if s.local.is_some() {
            return Ok(());
        }
        let stream = s.stream();
        let ip = match s.family {
            HostFamily::V4 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            HostFamily::V6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        let port = self.ephemeral(stream)?;
        self.take_port(id, SocketAddr::new(ip, port));
        Ok(())
    }

    /// Check an address handed to `bind`/`connect`/`send` against the socket's family.
    /// Returns it canonical.
    fn check_family(s: &Sock, a: SocketAddr, for_bind: bool) -> NetResult<SocketAddr> {
        match (s.family, a) {
            (HostFamily::V4, SocketAddr::V6(_)) => Err(WsaError::WSAEAFNOSUPPORT),
            (HostFamily::V6, SocketAddr::V4(_)) => Err(WsaError::WSAEINVAL),
            (HostFamily::V6, SocketAddr::V6(v6))
                if v6.ip().to_ipv4_mapped().is_some() && s.has(F_V6ONLY) =>
            {
                Err(if for_bind {
                    WsaError::WSAEINVAL
                } else {
                    WsaError::WSAENETUNREACH
                })
            }
            _ => Ok(addr::canon(a)),
        }
    }

    /// The socket a packet to canonical `dest` reaches: best-matching binding on the port
    /// that `accepts` it (first bound wins among equals).
    fn route(
        &self,
        stream: bool,
        dest: SocketAddr,
        accepts: impl Fn(&Sock) -> bool,
    ) -> Option<u64> {
        let list = self.ports.get(&(stream, dest.port()))?;
        let mut best: Option<(u8, u64)> = None;
        for &id in list {
            let Some(s) = self.sock(id) else { continue };
            let score = Self::bound_scopes(s)
                .iter()
                .flatten()
                .map(|sc| addr::score(*sc, dest.ip()))
                .max()
                .unwrap_or(0);
            if score > 0 && best.is_none_or(|(b, _)| score > b) && accepts(s) {
                best = Some((score, id));
            }
        }
        best.map(|(_, id)| id)
    }

    // ----- the Net operations -----------------------------------------------------------------

    pub(crate) fn open(&mut self, family: HostFamily, kind: HostKind) -> NetResult<HostSocket> {
        if let Some(e) = self.take_fail(Op::Open) {
            return Err(e);
        }
        let s = self.new_sock(family, kind);
        let id = self.alloc(s);
        Ok(HostSocket(id))
    }

    pub(crate) fn register(&mut self, s: HostSocket, token: u64) -> NetResult<()> {
        let sock = self.get_mut(s)?;
        sock.token = token;
        sock.set(F_REGISTERED, true);
        let sock = self.get(s)?;
        let level = self.level(sock);
        self.get_mut(s)?.reported = level;
        if !level.is_empty() {
            self.notes.push((token, level));
        }
        Ok(())
    }

    pub(crate) fn close(&mut self, s: HostSocket) {
        let id = id_of(s);
        self.stored_opts.retain(|&(sid, _), _| sid != id);
        self.close_inner(id, false);
    }

    /// Close `id`; `abort` resets the peer whatever the state (unaccepted connections of
    /// a closing listener).
    fn close_inner(&mut self, id: u64, abort: bool) {
        let Some(sock) = self.dealloc(id) else { return };
        self.release_port(id, &sock);
        self.sock_faults.remove(&id);
        if !self.groups.is_empty() {
            self.groups.retain(|&(_, m)| m != id);
        }
        match sock.conn {
            Conn::Established { peer: Some(p) } => {
                let unread = sock
                    .rx
                    .as_deref()
                    .is_some_and(|r| !r.data.is_empty() || r.oob.is_some());
                if let Some(ps) = self.sock_mut(p) {
                    ps.conn = Conn::Established { peer: None };
                }
                if abort || unread || sock.linger == Some(0) {
                    self.deliver(p, Seg::Rst);
                } else if !sock.has(F_WR_SHUT) {
                    self.deliver(p, Seg::Fin);
                }
                self.touch(p, false);
            }
            Conn::Connecting { listener: Some(l) } => {
                if let Some(Conn::Listening(lq)) = self.sock_mut(l).map(|x| &mut x.conn) {
                    lq.waiting.retain(|&c| c != id);
                }
            }
            Conn::Listening(l) => {
                // Unaccepted connections are reset; parked connects are refused.
                for child in l.ready {
                    self.close_inner(child, true);
                }
                for c in l.waiting {
                    self.fail_connect(c, WsaError::WSAECONNREFUSED);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn bind(&mut self, s: HostSocket, a: SocketAddr) -> NetResult<()> {
        let id = id_of(s);
        self.get(s)?;
        if let Some(e) = self.take_fail(Op::Bind) {
            return Err(e);
        }
        let sock = self.get(s)?;
        if sock.local.is_some() {
            return Err(WsaError::WSAEINVAL);
        }
        let c = Self::check_family(sock, a, true)?;
        let ip = c.ip();
        let ok =
            ip.is_unspecified() || addr::is_host_ip(ip) || (!sock.stream() && ip.is_multicast());
        if !ok {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        let v6only = sock.has(F_V6ONLY);
        let stream = sock.stream();
        let mut local = a;
        if local.port() == 0 {
            local.set_port(self.ephemeral(stream)?);
        } else if self.bind_conflict(id, local, v6only) {
            return Err(WsaError::WSAEADDRINUSE);
        }
        self.take_port(id, local);
        Ok(())
    }

    pub(crate) fn listen(&mut self, s: HostSocket, backlog: i32) -> NetResult<()> {
        let id = id_of(s);
        self.get(s)?;
        if let Some(e) = self.take_fail(Op::Listen) {
            return Err(e);
        }
        let sock = self.get(s)?;
        if !sock.stream() {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let cap = (backlog.max(0) as u32).min(self.cfg.max_backlog) as usize + 1;
        match &sock.conn {
            Conn::Listening(_) => {
                if let Conn::Listening(l) = &mut self.get_mut(s)?.conn {
                    l.cap = cap;
                }
                self.promote_waiting(id);
                return Ok(());
            }
            Conn::Idle | Conn::Failed => {}
            _ => return Err(WsaError::WSAEINVAL),
        }
        self.autobind(id)?;
        let sock = self.get(s)?;
        let local = sock.local.expect("bound");
        if self.bind_conflict(id, local, sock.has(F_V6ONLY)) {
            return Err(WsaError::WSAEADDRINUSE);
        }
        self.get_mut(s)?.conn = Conn::Listening(Box::new(Listen {
            cap,
            ready: VecDeque::new(),
            waiting: VecDeque::new(),
        }));
        self.touch(id, false);
        Ok(())
    }

    pub(crate) fn accept(&mut self, s: HostSocket) -> NetResult<(HostSocket, SocketAddr)> {
        let id = id_of(s);
        let sock = self.get(s)?;
        if !matches!(sock.conn, Conn::Listening(_)) {
            return Err(WsaError::WSAEINVAL);
        }
        if let Some(e) = self.take_fail(Op::Accept) {
            self.report_after_injected(id, e);
            return Err(e);
        }
        if self.spurious_would_block(id) {
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let Conn::Listening(l) = &mut self.get_mut(s)?.conn else {
            unreachable!()
        };
        let Some(child) = l.ready.pop_front() else {
            return Err(WsaError::WSAEWOULDBLOCK);
        };
        self.touch(id, false);
        self.promote_waiting(id);
        // A queued child is live unless someone closed an id it was never given.
        match self.sock(child).and_then(|c| c.peer) {
            Some(peer) => Ok((HostSocket(child), peer)),
            None => Err(WsaError::WSAEWOULDBLOCK),
        }
    }

    /// Move parked connects into a listener's accept queue while there is room.
    fn promote_waiting(&mut self, l: u64) {
        loop {
            let Some(Conn::Listening(lq)) = self.sock_mut(l).map(|x| &mut x.conn) else {
                return;
            };
            if lq.ready.len() >= lq.cap {
                return;
            }
            let Some(c) = lq.waiting.pop_front() else {
                return;
            };
            if matches!(
                self.sock(c).map(|x| &x.conn),
                Some(Conn::Connecting { listener: Some(x) }) if *x == l
            ) {
                self.establish(c, l);
            }
        }
    }

    fn fail_connect(&mut self, id: u64, e: WsaError) {
        if let Some(s) = self.sock_mut(id) {
            s.conn = Conn::Failed;
            s.error = Some(e);
            s.peer = None;
            self.touch(id, false);
        }
    }

    /// Deliver a connect to its destination: established, parked or refused.
    fn attempt_connect(&mut self, id: u64) {
        if self.refuse > 0 || self.rng.chance(self.cfg.faults.refuse_connect) {
            self.refuse = self.refuse.saturating_sub(1);
            self.fail_connect(id, WsaError::WSAECONNREFUSED);
            return;
        }
        let target = addr::canon(self.sock(id).and_then(|s| s.peer).expect("target"));
        let dest = SocketAddr::new(addr::route_ip(target.ip()), target.port());
        let Some(l) = self.route(true, dest, |s| matches!(s.conn, Conn::Listening(_))) else {
            self.fail_connect(id, WsaError::WSAECONNREFUSED);
            return;
        };
        let Some(Conn::Listening(lq)) = self.sock_mut(l).map(|x| &mut x.conn) else {
            unreachable!()
        };
        if lq.ready.len() < lq.cap {
            self.establish(id, l);
        } else {
            lq.waiting.push_back(id);
            self.sock_mut(id).expect("live").conn = Conn::Connecting { listener: Some(l) };
        }
    }

    /// Create the server side of `client`'s connection in listener `l`'s accept queue.
    fn establish(&mut self, client: u64, l: u64) {
        let c = self.sock(client).expect("live");
        let client_local = addr::canon(c.local.expect("bound"));
        let target = addr::canon(c.peer.expect("target"));
        let lsock = self.sock(l).expect("live");
        let mut server = self.new_sock(lsock.family, HostKind::Stream);
        server.flags = lsock.flags & F_INHERITED;
        server.ttl = lsock.ttl;
        server.linger = lsock.linger;
        server.rcvbuf = lsock.rcvbuf;
        server.sndbuf = lsock.sndbuf;
        let dest = SocketAddr::new(addr::route_ip(target.ip()), target.port());
        server.local = Some(addr::in_family(dest, lsock.family));
        server.peer = Some(addr::in_family(client_local, lsock.family));
        server.conn = Conn::Established { peer: Some(client) };
        let sid = self.alloc(server);
        self.sock_mut(client).expect("live").conn = Conn::Established { peer: Some(sid) };
        if let Some(Conn::Listening(lq)) = self.sock_mut(l).map(|x| &mut x.conn) {
            lq.ready.push_back(sid);
        }
        self.touch(l, true);
        self.touch(client, false);
        self.touch(sid, false);
    }

    pub(crate) fn connect(&mut self, s: HostSocket, a: SocketAddr) -> NetResult<()> {
        let id = id_of(s);
        self.get(s)?;
        if let Some(e) = self.take_fail(Op::Connect) {
            return Err(e);
        }
        let sock = self.get(s)?;
        let c = Self::check_family(sock, a, false)?;
        if !sock.stream() {
            if c.port() == 0 {
                return Err(WsaError::WSAEINVAL);
            }
            self.autobind(id)?;
            self.fix_local_ip(id, c.ip());
            let fam = sock_family(self, id);
            self.get_mut(s)?.peer = Some(addr::in_family(c, fam));
            return Ok(());
        }
        match sock.conn {
            Conn::Established { .. } | Conn::Listening(_) => return Err(WsaError::WSAEISCONN),
            Conn::Connecting { .. } => return Err(WsaError::WSAEALREADY),
            Conn::Idle | Conn::Failed => {}
        }
        let ip = c.ip();
        if !(ip.is_unspecified() || addr::is_host_ip(ip)) {
            return Err(WsaError::WSAENETUNREACH);
        }
        self.autobind(id)?;
        self.fix_local_ip(id, ip);
        let fam = sock_family(self, id);
        let sock = self.get_mut(s)?;
        sock.peer = Some(addr::in_family(c, fam));
        sock.error = None;
        sock.conn = Conn::Connecting { listener: None };
        // Connecting reads as nothing: the completion is then a rising edge.
        sock.reported = Readiness::EMPTY;
        self.touch(id, false);
        let delay = self.pick_delay();
        if !delay.is_zero() {
            let at = self.now + delay;
            self.schedule(at, Timer::Connect(id));
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        self.attempt_connect(id);
        if !self.cfg.connect_completes_at_once {
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let sock = self.get_mut(s)?;
        match sock.conn {
            Conn::Established { .. } => Ok(()),
            Conn::Failed => Err(sock.error.take().unwrap_or(WsaError::WSAECONNREFUSED)),
            _ => Err(WsaError::WSAEWOULDBLOCK),
        }
    }

    /// A wildcard-bound socket that connects takes the source address for `dest`.
    fn fix_local_ip(&mut self, id: u64, dest: IpAddr) {
        let s = self.sock_mut(id).expect("live");
        let local = s.local.expect("bound");
        if addr::canon(local).ip().is_unspecified() {
            let src = addr::loopback_of(addr::route_ip(dest));
            s.local = Some(addr::in_family(
                SocketAddr::new(src, local.port()),
                s.family,
            ));
        }
    }

    pub(crate) fn take_error(&mut self, s: HostSocket) -> NetResult<Option<WsaError>> {
        let id = id_of(s);
        let e = self.get_mut(s)?.error.take();
        if e.is_some() {
            self.touch(id, false);
        }
        Ok(e)
    }

    pub(crate) fn send(
        &mut self,
        s: HostSocket,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize> {
        let id = id_of(s);
        self.get(s)?;
        if let Some(e) = self.take_fail(Op::Send) {
            self.report_after_injected(id, e);
            return Err(e);
        }
        if self.rng.chance(self.cfg.faults.no_buffers) {
            return Err(WsaError::WSAENOBUFS);
        }
        self.touch(id, false);
        if self.get(s)?.stream() {
            self.send_stream(id, bufs, flags)
        } else {
            self.send_dgram(id, bufs, to, flags)
        }
    }

    fn send_stream(&mut self, id: u64, bufs: &[&[u8]], flags: IoFlags) -> NetResult<usize> {
        let sock = self.sock_mut(id).expect("live");
        let peer = match sock.conn {
            Conn::Established { peer } => peer,
            Conn::Connecting { .. } => return Err(WsaError::WSAEWOULDBLOCK),
            _ => return Err(sock.error.take().unwrap_or(WsaError::WSAENOTCONN)),
        };
        if let Some(e) = sock.error.take() {
            return Err(e);
        }
        if sock.has(F_RESET) || sock.has(F_WR_SHUT) {
            // EPIPE, translated.
            return Err(WsaError::WSAECONNRESET);
        }
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        if total == 0 {
            return Ok(0);
        }
        if self.spurious_would_block(id) {
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let Some(p) = peer else {
            // The other end is gone: the bytes vanish and a reset comes back.
            self.deliver(id, Seg::Rst);
            return Ok(total);
        };
        let free = self.free_space(self.sock(id).expect("live"));
        if free == 0 {
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let n = self.partial_write(id, total.min(free));
        let mut bytes = Vec::with_capacity(n);
        for b in bufs {
            let take = (n - bytes.len()).min(b.len());
            bytes.extend_from_slice(&b[..take]);
            if bytes.len() == n {
                break;
            }
        }
        self.deliver(
            p,
            Seg::Data {
                bytes,
                urgent: flags.oob,
            },
        );
        if self.rng.chance(self.cfg.faults.reset) {
            self.apply_reset(id);
            self.deliver(p, Seg::Rst);
        }
        Ok(n)
    }

    fn send_dgram(
        &mut self,
        id: u64,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize> {
        let sock = self.sock_mut(id).expect("live");
        if flags.oob {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        if let Some(e) = sock.error.take() {
            return Err(e);
        }
        if sock.has(F_WR_SHUT) {
            return Err(WsaError::WSAECONNRESET);
        }
        let Some(dest) = to.or(sock.peer) else {
            return Err(WsaError::WSAEDESTADDRREQ);
        };
        let dest = Self::check_family(sock, dest, false)?;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let max = match sock.family {
            HostFamily::V4 => MAX_DGRAM_V4,
            HostFamily::V6 => MAX_DGRAM_V6,
        };
        if total > max {
            return Err(WsaError::WSAEMSGSIZE);
        }
        if dest.port() == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        let ip = addr::route_ip(dest.ip());
        let broadcast = ip == IpAddr::V4(Ipv4Addr::BROADCAST);
        if broadcast && !sock.has(F_BROADCAST) {
            return Err(WsaError::WSAEACCES);
        }
        if !(broadcast || ip.is_multicast() || addr::is_host_ip(ip)) {
            return Err(WsaError::WSAENETUNREACH);
        }
        let connected_to = sock.peer.map(addr::canon);
        self.autobind(id)?;
        let sock = self.sock(id).expect("live");
        let local = addr::canon(sock.local.expect("bound"));
        let src_ip = if local.ip().is_unspecified() {
            addr::loopback_of(ip)
        } else {
            local.ip()
        };
        let from = SocketAddr::new(src_ip, local.port());
        let dest = SocketAddr::new(ip, dest.port());
        let bytes = bufs.concat();
        if broadcast {
            return Ok(total); // no other host on loopback hears it
        }
        let accepts = |s: &Sock| s.peer.is_none_or(|p| addr::canon(p) == from);
        let targets: Vec<u64> = if ip.is_multicast() {
            let port = dest.port();
            self.groups
                .range((ip, 0)..=(ip, u64::MAX))
                .map(|&(_, m)| m)
                .filter(|&m| {
                    self.sock(m).is_some_and(|s| {
                        !s.stream()
                            && s.local.is_some_and(|l| {
                                let l = addr::canon(l);
                                l.port() == port && (l.ip().is_unspecified() || l.ip() == ip)
                            })
                            && accepts(s)
                    })
                })
                .collect()
        } else {
            self.route(false, dest, accepts).into_iter().collect()
        };
        if targets.is_empty() {
            if !ip.is_multicast() && connected_to == Some(dest) {
                // ICMP port unreachable: a connected socket learns of it.
                self.sock_mut(id).expect("live").error = Some(WsaError::WSAECONNREFUSED);
                self.touch(id, false);
            }
            return Ok(total);
        }
        if self.rng.chance(self.cfg.faults.drop_datagram) {
            return Ok(total);
        }
        for t in targets {
            let fam = self.sock(t).expect("live").family;
            let seg = Seg::Dgram {
                from: addr::in_family(from, fam),
                bytes: bytes.clone(),
            };
            self.deliver(t, seg);
        }
        Ok(total)
    }

    pub(crate) fn recv(
        &mut self,
        s: HostSocket,
        bufs: &mut [&mut [u8]],
        flags: IoFlags,
    ) -> NetResult<Received> {
        let id = id_of(s);
        self.get(s)?;
        if let Some(e) = self.take_fail(Op::Recv) {
            self.report_after_injected(id, e);
            return Err(e);
        }
        self.touch(id, false);
        if self.get(s)?.stream() {
            self.recv_stream(id, bufs, flags)
        } else {
            self.recv_dgram(id, bufs, flags)
        }
    }

    fn recv_stream(
        &mut self,
        id: u64,
        bufs: &mut [&mut [u8]],
        flags: IoFlags,
    ) -> NetResult<Received> {
        let sock = self.sock_mut(id).expect("live");
        let peer = match sock.conn {
            Conn::Established { peer } => peer,
            Conn::Connecting { .. } => return Err(WsaError::WSAEWOULDBLOCK),
            Conn::Listening(_) => return Err(WsaError::WSAENOTCONN),
            _ => return Err(sock.error.take().unwrap_or(WsaError::WSAENOTCONN)),
        };
        let from = sock.peer;
        let cap: usize = bufs.iter().map(|b| b.len()).sum();
        if flags.oob {
            if sock.has(F_OOBINLINE) {
                return Err(WsaError::WSAEINVAL);
            }
            let rx = sock.rx();
            let Some(b) = rx.oob else {
                return Err(WsaError::WSAEINVAL);
            };
            if cap == 0 {
                return Ok(Received {
                    bytes: 0,
                    truncated: false,
                    from,
                    pktinfo: None,
                });
            }
            if !flags.peek {
                rx.oob = None;
            }
            if let Some(first) = bufs.iter_mut().find(|b| !b.is_empty()) {
                first[0] = b;
            }
            return Ok(Received {
                bytes: 1,
                truncated: false,
                from,
                pktinfo: None,
            });
        }
        let has_data = sock.rx.as_deref().is_some_and(|r| !r.data.is_empty());
        if !has_data {
            if let Some(e) = sock.error.take() {
                return Err(e);
            }
            if sock.has(F_EOF) || sock.has(F_RESET) || sock.has(F_RD_SHUT) {
                return Ok(Received {
                    bytes: 0,
                    truncated: false,
                    from,
                    pktinfo: None,
                });
            }
            // A spurious would-block here still costs a report: keep faults uniform.
            self.spurious_would_block(id);
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        if cap > 0 && self.spurious_would_block(id) {
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let sock = self.sock_mut(id).expect("live");
        let rx = sock.rx();
        let limit = match rx.mark {
            Some(m) if m > 0 => cap.min(m),
            _ => cap,
        };
        let n = limit.min(rx.data.len());
        let (a, b) = rx.data.as_slices();
        let mut copied = 0;
        for dst in bufs.iter_mut() {
            if copied == n {
                break;
            }
            let k = (n - copied).min(dst.len());
            for (i, slot) in dst[..k].iter_mut().enumerate() {
                let j = copied + i;
                *slot = if j < a.len() { a[j] } else { b[j - a.len()] };
            }
            copied += k;
        }
        if !flags.peek && n > 0 {
            rx.data.drain(..n);
            rx.mark = match rx.mark {
                Some(m) if m >= n && m > 0 => Some(m - n),
                Some(_) => None,
                None => None,
            };
            if let Some(p) = peer {
                self.touch(p, false);
            }
        }
        Ok(Received {
            bytes: n,
            truncated: false,
            from,
            pktinfo: None,
        })
    }

    fn recv_dgram(
        &mut self,
        id: u64,
        bufs: &mut [&mut [u8]],
        flags: IoFlags,
    ) -> NetResult<Received> {
        if flags.oob {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let sock = self.sock_mut(id).expect("live");
        if let Some(e) = sock.error.take() {
            return Err(e);
        }
        let rd_shut = sock.has(F_RD_SHUT);
        let empty = sock.rx.as_deref().is_none_or(|r| r.dgrams.is_empty());
        if empty {
            if rd_shut {
                return Ok(Received {
                    bytes: 0,
                    truncated: false,
                    from: None,
                    pktinfo: None,
                });
            }
            self.spurious_would_block(id);
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        if self.spurious_would_block(id) {
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let rx = self.sock_mut(id).expect("live").rx();
        let (from, data) = rx.dgrams.front().expect("non-empty");
        let from = *from;
        let mut copied = 0;
        for dst in bufs.iter_mut() {
            let k = (data.len() - copied).min(dst.len());
            dst[..k].copy_from_slice(&data[copied..copied + k]);
            copied += k;
            if copied == data.len() {
                break;
            }
        }
        let truncated = copied < data.len();
        if !flags.peek {
            let (_, d) = rx.dgrams.pop_front().expect("non-empty");
            rx.dgram_bytes -= d.len();
        }
        // Packet information: this in-memory network keeps no per-datagram destination,
        // so it reports the receiving socket's own address (its family's loopback for a
        // wildcard bind, where every sim peer lives) on interface 1.
        let sock = self.sock_mut(id).expect("live");
        let pktinfo = sock.has(F_PKTINFO).then(|| {
            let dest = match sock.local {
                Some(a) if !a.ip().is_unspecified() => a.ip(),
                _ => match sock.family {
                    HostFamily::V4 => std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
                    HostFamily::V6 => std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
                },
            };
            wsp::net::PktInfo { dest, ifindex: 1 }
        });
        Ok(Received {
            bytes: copied,
            truncated,
            from: Some(from),
            pktinfo,
        })
    }

    pub(crate) fn shutdown(&mut self, s: HostSocket, how: i32) -> NetResult<()> {
        let id = id_of(s);
        let sock = self.get(s)?;
        if !(0..=2).contains(&how) {
            return Err(WsaError::WSAEINVAL);
        }
        let peer = match sock.conn {
            Conn::Established { peer } => peer,
            Conn::Idle if !sock.stream() && sock.peer.is_some() => None,
            _ => return Err(WsaError::WSAENOTCONN),
        };
        let stream = sock.stream();
        let sock = self.get_mut(s)?;
        if how != 1 {
            sock.set(F_RD_SHUT, true);
        }
        if how != 0 && !sock.has(F_WR_SHUT) {
            let reset = sock.has(F_RESET);
            sock.set(F_WR_SHUT, true);
            if let (true, false, Some(p)) = (stream, reset, peer) {
                self.deliver(p, Seg::Fin);
            }
        }
        self.touch(id, true);
        Ok(())
    }

    pub(crate) fn local_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        let sock = self.get(s)?;
        // Linux getsockname on an unbound socket gives the wildcard with port 0.
        Ok(sock.local.unwrap_or(match sock.family {
            HostFamily::V4 => SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
            HostFamily::V6 => SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0),
        }))
    }

    pub(crate) fn peer_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        let sock = self.get(s)?;
        match (&sock.conn, sock.peer) {
            (Conn::Established { .. }, Some(p)) if !sock.has(F_RESET) => Ok(p),
            (Conn::Idle, Some(p)) if !sock.stream() => Ok(p),
            _ => Err(WsaError::WSAENOTCONN),
        }
    }

    pub(crate) fn set_opt(&mut self, s: HostSocket, opt: HostOpt) -> NetResult<()> {
        let id = id_of(s);
        let sock = self.get_mut(s)?;
        match opt {
            HostOpt::ReuseAddr(v) => sock.set(F_REUSE, v),
            HostOpt::V6Only(v) => {
                if sock.family != HostFamily::V6 {
                    return Err(WsaError::WSAENOPROTOOPT);
                }
                if sock.local.is_some() {
                    return Err(WsaError::WSAEINVAL);
                }
                sock.set(F_V6ONLY, v)
            }
            HostOpt::NoDelay(v) => {
                if !sock.stream() {
                    return Err(WsaError::WSAENOPROTOOPT);
                }
                sock.set(F_NODELAY, v)
            }
            HostOpt::KeepAlive(v) => sock.set(F_KEEPALIVE, v),
            HostOpt::Broadcast(v) => sock.set(F_BROADCAST, v),
            HostOpt::OobInline(v) => sock.set(F_OOBINLINE, v),
            HostOpt::PktInfo(v) => sock.set(F_PKTINFO, v),
            HostOpt::RecvBuffer(n) => sock.rcvbuf = n.max(1),
            HostOpt::SendBuffer(n) => sock.sndbuf = n.max(1),
            HostOpt::Linger(l) => sock.linger = l,
            HostOpt::Ttl(t) => {
                if !(1..=255).contains(&t) {
                    return Err(WsaError::WSAEINVAL);
                }
                sock.ttl = t as u8
            }
            HostOpt::IpOptions(o) => {
                if sock.family != HostFamily::V4 {
                    return Err(WsaError::WSAENOPROTOOPT);
                }
                // Stored, not checked or sent; read back padded to a multiple of four
                // bytes with end-of-list bytes, as a Linux host does.
                let raw = o.as_slice();
                let mut padded = [0u8; IpOptionBytes::MAX];
                padded[..raw.len()].copy_from_slice(raw);
                let len = raw.len().div_ceil(4) * 4;
                let o = IpOptionBytes::new(&padded[..len]).unwrap_or(IpOptionBytes::EMPTY);
                self.stored_opts
                    .insert((id, K_IP_OPTIONS), HostOpt::IpOptions(o));
                return Ok(());
            }
            other => match stored_key(&other) {
                Some(k) => {
                    if matches!(k, K_KEEPIDLE | K_KEEPINTVL | K_KEEPCNT) && !sock.stream() {
                        return Err(WsaError::WSAENOPROTOOPT);
                    }
                    self.stored_opts.insert((id, k), other);
                    return Ok(());
                }
                None => return Err(WsaError::WSAENOPROTOOPT),
            },
        }
        // Buffer sizes change writability on both ends.
        if let Conn::Established { peer: Some(p) } = sock.conn {
            self.touch(p, false);
        }
        self.touch(id, false);
        Ok(())
    }

    pub(crate) fn get_opt(&self, s: HostSocket, name: HostOptName) -> NetResult<HostOpt> {
        let sock = self.get(s)?;
        Ok(match name {
            HostOptName::ReuseAddr => HostOpt::ReuseAddr(sock.has(F_REUSE)),
            HostOptName::V6Only => {
                if sock.family != HostFamily::V6 {
                    return Err(WsaError::WSAENOPROTOOPT);
                }
                HostOpt::V6Only(sock.has(F_V6ONLY))
            }
            HostOptName::NoDelay => {
                if !sock.stream() {
                    return Err(WsaError::WSAENOPROTOOPT);
                }
                HostOpt::NoDelay(sock.has(F_NODELAY))
            }
            HostOptName::KeepAlive => HostOpt::KeepAlive(sock.has(F_KEEPALIVE)),
            HostOptName::Broadcast => HostOpt::Broadcast(sock.has(F_BROADCAST)),
            HostOptName::OobInline => HostOpt::OobInline(sock.has(F_OOBINLINE)),
            HostOptName::RecvBuffer => HostOpt::RecvBuffer(sock.rcvbuf),
            HostOptName::SendBuffer => HostOpt::SendBuffer(sock.sndbuf),
            HostOptName::Linger => HostOpt::Linger(sock.linger),
            HostOptName::Ttl => HostOpt::Ttl(u32::from(sock.ttl)),
            HostOptName::IpOptions => {
                if sock.family != HostFamily::V4 {
                    return Err(WsaError::WSAENOPROTOOPT);
                }
                self.stored_opts
                    .get(&(id_of(s), K_IP_OPTIONS))
                    .copied()
                    .unwrap_or(HostOpt::IpOptions(IpOptionBytes::EMPTY))
            }
            other => {
                let (k, default) = stored_default(other).ok_or(WsaError::WSAENOPROTOOPT)?;
                if matches!(k, K_KEEPIDLE | K_KEEPINTVL | K_KEEPCNT) && !sock.stream() {
                    return Err(WsaError::WSAENOPROTOOPT);
                }
                self.stored_opts
                    .get(&(id_of(s), k))
                    .copied()
                    .unwrap_or(default)
            }
        })
    }

    /// Current readiness level of `s` (`ERROR` for an unknown socket).
    pub(crate) fn level_of(&self, s: HostSocket) -> Readiness {
        match self.get(s) {
            Ok(sock) => self.level(sock),
            Err(_) => Readiness::ERROR,
        }
    }

    pub(crate) fn pending_bytes(&self, s: HostSocket) -> NetResult<usize> {
        let sock = self.get(s)?;
        let Some(rx) = sock.rx.as_deref() else {
            return Ok(0);
        };
        Ok(if sock.stream() {
            rx.data.len()
        } else {
            rx.dgrams.front().map_or(0, |d| d.1.len())
        })
    }

    pub(crate) fn at_oob_mark(&self, s: HostSocket) -> NetResult<bool> {
        let sock = self.get(s)?;
        Ok(sock.rx.as_deref().is_some_and(|r| r.mark == Some(0)))
    }

    /// `Ok` for a live datagram socket, `WSAENOPROTOOPT` for a stream, `WSAENOTSOCK` else.
    pub(crate) fn datagram_only(&self, s: HostSocket) -> NetResult<()> {
        if self.get(s)?.stream() {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        Ok(())
    }

    pub(crate) fn join(&mut self, s: HostSocket, group: IpAddr, join: bool) -> NetResult<()> {
        let sock = self.get(s)?;
        let group = addr::canon(SocketAddr::new(group, 0)).ip();
        if sock.stream() {
            return Err(WsaError::WSAENOPROTOOPT);
        }
        if !group.is_multicast() {
            return Err(WsaError::WSAEINVAL);
        }
        if join {
            if !self.groups.insert((group, id_of(s))) {
                return Err(WsaError::WSAEADDRINUSE);
            }
        } else if !self.groups.remove(&(group, id_of(s))) {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        Ok(())
    }
}

fn sock_family(st: &State, id: u64) -> HostFamily {
    st.sock(id).expect("live").family
}

const K_TOS: u8 = 0;
const K_MCAST_TTL: u8 = 1;
const K_MCAST_LOOP: u8 = 2;
const K_MCAST_IF4: u8 = 3;
const K_MCAST_IF6: u8 = 4;
const K_KEEPIDLE: u8 = 5;
const K_KEEPINTVL: u8 = 6;
const K_KEEPCNT: u8 = 7;
const K_IP_OPTIONS: u8 = 8;

/// The store key of an option the simulation only stores.
fn stored_key(o: &HostOpt) -> Option<u8> {
    Some(match o {
        HostOpt::Tos(_) => K_TOS,
        HostOpt::MulticastTtl(_) => K_MCAST_TTL,
        HostOpt::MulticastLoop(_) => K_MCAST_LOOP,
        HostOpt::MulticastIfV4(_) => K_MCAST_IF4,
        HostOpt::MulticastIfV6(_) => K_MCAST_IF6,
        HostOpt::KeepIdle(_) => K_KEEPIDLE,
        HostOpt::KeepInterval(_) => K_KEEPINTVL,
        HostOpt::KeepCount(_) => K_KEEPCNT,
        _ => return None,
    })
}

/// The store key and a Linux host's default for a stored option.
fn stored_default(n: HostOptName) -> Option<(u8, HostOpt)> {
    Some(match n {
        HostOptName::Tos => (K_TOS, HostOpt::Tos(0)),
        HostOptName::MulticastTtl => (K_MCAST_TTL, HostOpt::MulticastTtl(1)),
        HostOptName::MulticastLoop => (K_MCAST_LOOP, HostOpt::MulticastLoop(true)),
        HostOptName::MulticastIfV4 => (
            K_MCAST_IF4,
            HostOpt::MulticastIfV4(std::net::Ipv4Addr::UNSPECIFIED),
        ),
        HostOptName::MulticastIfV6 => (K_MCAST_IF6, HostOpt::MulticastIfV6(0)),
        HostOptName::KeepIdle => (K_KEEPIDLE, HostOpt::KeepIdle(7200)),
        HostOptName::KeepInterval => (K_KEEPINTVL, HostOpt::KeepInterval(75)),
        HostOptName::KeepCount => (K_KEEPCNT, HostOpt::KeepCount(9)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn sockets_stay_small() {
        let size = std::mem::size_of::<super::Sock>();
        assert!(size <= 160, "Sock is {size} bytes");
    }
}
