//! The socket table and the watcher thread: `WSPSelect` on the next provider turned into
//! the seam's edge readiness reports (see the crate documentation for the arming rules).

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;
use wsp::net::{HostFamily, HostKind, HostSocket, NetResult, Readiness, ReadinessSink};
use wsp::types::{
    AF_INET, IPPROTO_UDP, MSG_PEEK, SOCKET, SOCK_DGRAM, TIMEVAL, WSAPROTOCOL_INFOW,
    WSA_FLAG_OVERLAPPED,
};
use wsp::{FdSet, SockAddr, WsaError, Wsp};

/// Watch for readability (select's read set).
pub(crate) const ARM_READ: u8 = 1;
/// Watch for writability (select's write set).
pub(crate) const ARM_WRITE: u8 = 2;
/// Watch for a failed connect or out-of-band data (select's except set).
pub(crate) const ARM_EXCEPT: u8 = 4;
/// Everything.
pub(crate) const ARM_ALL: u8 = ARM_READ | ARM_WRITE | ARM_EXCEPT;

/// How long the watcher waits when it has no wake socket, or after a failed select with
/// nothing changed since (a backstop against spinning, not a synchronisation).
const POLL: Duration = Duration::from_millis(10);

/// Bound on the datagrams drained from the wake socket per wake.
const DRAIN_MAX: usize = 1024;

/// One host socket.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    /// The next provider's handle.
    pub s: SOCKET,
    pub family: HostFamily,
    pub kind: HostKind,
    /// Set by `register`.
    pub token: Option<u64>,
    pub listening: bool,
    /// A connect is in progress (its outcome not yet read).
    pub connecting: bool,
    /// Directions to watch (`ARM_*`).
    pub armed: u8,
    /// Directions in the select in flight.
    pub waiting: u8,
    /// Bumped by every arm, so a select can tell whether an arm happened during it.
    pub arm_seq: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Table {
    next_id: u64,
    pub entries: HashMap<u64, Entry>,
    /// The watcher is inside (or about to enter) a select built from `waiting`.
    selecting: bool,
    /// Bumped when the set of sockets changes.
    generation: u64,
}

/// The loopback datagram socket that wakes the watcher's select.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Waker {
    s: SOCKET,
    addr: SocketAddr,
}

/// What the backend and its watcher share.
pub(crate) struct Shared {
    pub next: Arc<dyn Wsp>,
    catalog: Vec<WSAPROTOCOL_INFOW>,
    table: Mutex<Table>,
    changed: Condvar,
    pub sink: OnceLock<Weak<dyn ReadinessSink>>,
    pub stop: AtomicBool,
    pub waker: OnceLock<Waker>,
}

impl Shared {
    pub fn new(next: Arc<dyn Wsp>, catalog: Vec<WSAPROTOCOL_INFOW>) -> Shared {
        Shared {
            next,
            catalog,
            table: Mutex::new(Table {
                next_id: 1,
                ..Table::default()
            }),
            changed: Condvar::new(),
            sink: OnceLock::new(),
            stop: AtomicBool::new(false),
            waker: OnceLock::new(),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `WSPSocket` on the next provider with its catalog entry for `(af, ty, proto)`.
    pub fn socket(&self, af: i32, ty: i32, proto: i32) -> NetResult<SOCKET> {
        let info = self
            .catalog
            .iter()
            .find(|i| i.iAddressFamily == af && i.iSocketType == ty && i.iProtocol == proto);
        self.next
            .socket(af, ty, proto, info, 0, WSA_FLAG_OVERLAPPED)
    }

    /// Make the wake socket: a non-blocking UDP socket bound to 127.0.0.1, which the
    /// watcher selects for reading and which wakes it by sending to itself. Without one
    /// the watcher polls.
    pub fn open_waker(&self) {
        let Ok(s) = self.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) else {
            return;
        };
        let made = (|| {
            crate::net::set_nonblocking(&*self.next, s)?;
            let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
            self.next.bind(s, &SockAddr::from(loopback))?;
            let mut a = SockAddr::default();
            self.next.get_sock_name(s, &mut a)?;
            a.to_std().ok_or(WsaError::WSAEAFNOSUPPORT)
        })();
        match made {
            Ok(addr) => {
                let _ = self.waker.set(Waker { s, addr });
            }
            Err(_) => {
                let _ = self.next.close_socket(s);
            }
        }
    }

    pub fn close_waker(&self) {
        if let Some(w) = self.waker.get() {
            let _ = self.next.close_socket(w.s);
        }
    }

    /// Make the watcher's select return.
    pub fn wake(&self) {
        match self.waker.get() {
            Some(w) => {
                // A full socket buffer means wake-ups are already pending.
                let _ = self
                    .next
                    .send_to(w.s, &[&[0u8]], 0, Some(&SockAddr::from(w.addr)));
            }
            None => self.changed.notify_all(),
        }
    }

    fn drain_waker(&self) {
        if let Some(w) = self.waker.get() {
            let mut byte = [0u8; 1];
            for _ in 0..DRAIN_MAX {
                let mut flags = 0;
                if self
                    .next
                    .recv_from(w.s, &mut [&mut byte], &mut flags, None)
                    .is_err_and(|e| e != WsaError::WSAEMSGSIZE)
                {
                    break;
                }
            }
        }
    }

    pub fn insert(&self, s: SOCKET, family: HostFamily, kind: HostKind) -> HostSocket {
        let mut t = self.lock();
        let id = t.next_id;
        t.next_id += 1;
        t.generation = t.generation.wrapping_add(1);
        t.entries.insert(
            id,
            Entry {
                s,
                family,
                kind,
                token: None,
                listening: false,
                connecting: false,
                armed: 0,
                waiting: 0,
                arm_seq: 0,
            },
        );
        HostSocket(id)
    }

    pub fn entry(&self, s: HostSocket) -> NetResult<Entry> {
        self.lock()
            .entries
            .get(&s.0)
            .copied()
            .ok_or(WsaError::WSAENOTSOCK)
    }

    pub fn remove(&self, s: HostSocket) -> Option<Entry> {
        let mut t = self.lock();
        t.generation = t.generation.wrapping_add(1);
        t.entries.remove(&s.0)
    }

    pub fn update(&self, s: HostSocket, f: impl FnOnce(&mut Entry)) {
        if let Some(e) = self.lock().entries.get_mut(&s.0) {
            f(e);
        }
    }

    pub fn register(&self, s: HostSocket, token: u64) -> NetResult<()> {
        {
            let mut t = self.lock();
            let e = t.entries.get_mut(&s.0).ok_or(WsaError::WSAENOTSOCK)?;
            if e.token.is_some() {
                return Err(WsaError::WSAEINVAL);
            }
            e.token = Some(token);
            e.armed = ARM_ALL;
            t.generation = t.generation.wrapping_add(1);
        }
        // The select in flight does not have the socket yet.
        self.wake();
        Ok(())
    }

    /// Watch `bits` of `s` again (a re-enabling call returned). Wakes the watcher only if
    /// the select in flight does not already watch them.
    pub fn arm(&self, s: HostSocket, bits: u8) {
        let wake = {
            let mut t = self.lock();
            let selecting = t.selecting;
            let Some(e) = t.entries.get_mut(&s.0) else {
                return;
            };
            e.armed |= bits;
            e.arm_seq = e.arm_seq.wrapping_add(1);
            selecting && e.token.is_some() && bits & !e.waiting != 0
        };
        if wake {
            self.wake();
        }
    }
}

/// Handles of a select result, for lookups.
pub(crate) fn handles(set: &FdSet) -> HashSet<SOCKET> {
    set.fd_array.iter().copied().collect()
}

/// The `ARM_*` bits of `s` in a select result (as [`handles`]).
pub(crate) fn bits(s: SOCKET, r: &HashSet<SOCKET>, w: &HashSet<SOCKET>, x: &HashSet<SOCKET>) -> u8 {
    let mut b = 0;
    for (bit, set) in [(ARM_READ, r), (ARM_WRITE, w), (ARM_EXCEPT, x)] {
        if set.contains(&s) {
            b |= bit;
        }
    }
    b
}

/// What select's `hit` means for socket `e` as seam readiness (without the peek).
pub(crate) fn level(e: &Entry, hit: u8) -> Readiness {
    let mut r = Readiness::EMPTY;
    if hit & ARM_READ != 0 {
        r.insert(Readiness::READABLE);
    }
    if hit & ARM_WRITE != 0 {
        r.insert(Readiness::WRITABLE);
    }
    if hit & ARM_EXCEPT != 0 && e.kind == HostKind::Stream {
        if e.connecting {
            // Windows reports a failed non-blocking connect in the except set.
            r.insert(Readiness::ERROR | Readiness::WRITE_CLOSED);
        } else {
            r.insert(Readiness::PRIORITY);
        }
    }
    r
}

/// Refine a read report on a connected stream with a one-byte peek: end of stream and
/// resets are what the engine records `FD_CLOSE` from. `None`: nothing to read after all.
fn refine_read(next: &dyn Wsp, e: &Entry, r: Readiness) -> Option<Readiness> {
    if e.kind != HostKind::Stream || e.listening || e.connecting {
        return Some(r);
    }
    let mut byte = [0u8; 1];
    let mut flags = MSG_PEEK;
    match next.recv(e.s, &mut [&mut byte], &mut flags) {
        Ok(0) => Some(r | Readiness::READ_CLOSED),
        Ok(_) => Some(r),
        Err(WsaError::WSAEWOULDBLOCK) => None,
        Err(_) => Some(r | Readiness::READ_CLOSED | Readiness::WRITE_CLOSED | Readiness::ERROR),
    }
}

struct Report {
    id: u64,
    token: u64,
    entry: Entry,
    hit: u8,
}

/// The watcher thread's body: select, report, repeat, until `stop`.
pub(crate) fn run(shared: &Shared) {
    let waker = shared.waker.get().copied();
    while !shared.stop.load(Ordering::Acquire) {
        // Build the sets from what is armed, and mark it as in flight.
        let (mut r, mut w, mut x) = (FdSet::new(), FdSet::new(), FdSet::new());
        let mut snap: Vec<(u64, SOCKET, u64)> = Vec::new();
        let generation = {
            let mut t = shared.lock();
            for (&id, e) in t.entries.iter_mut() {
                if e.token.is_none() || e.armed == 0 {
                    continue;
                }
                e.waiting = e.armed;
                for (bit, set) in [
                    (ARM_READ, &mut r),
                    (ARM_WRITE, &mut w),
                    (ARM_EXCEPT, &mut x),
                ] {
                    if e.armed & bit != 0 {
                        set.fd_array.push(e.s);
                    }
                }
                snap.push((id, e.s, e.arm_seq));
            }
            t.selecting = true;
            t.generation
        };
        if let Some(wk) = waker {
            r.fd_array.push(wk.s);
        }
        let poll = TIMEVAL {
            tv_sec: 0,
            tv_usec: POLL.as_micros() as i32,
        };
        let result = if r.is_empty() && w.is_empty() && x.is_empty() {
            // Nothing to watch and no wake socket: wait for a change.
            let t = shared.lock();
            let _ = shared
                .changed
                .wait_timeout(t, POLL)
                .unwrap_or_else(|p| p.into_inner());
            Ok(0)
        } else {
            shared.next.select(
                Some(&mut r),
                Some(&mut w),
                Some(&mut x),
                waker.is_none().then_some(&poll),
            )
        };
        let failed = result.is_err();
        if failed {
            r.fd_array.clear();
            w.fd_array.clear();
            x.fd_array.clear();
        }
        let (rs, ws, xs) = (handles(&r), handles(&w), handles(&x));
        let mut reports = Vec::new();
        let unchanged = {
            let mut t = shared.lock();
            t.selecting = false;
            for &(id, s, seq) in &snap {
                let Some(e) = t.entries.get_mut(&id) else {
                    continue;
                };
                e.waiting = 0;
                if e.s != s {
                    continue;
                }
                let hit = bits(s, &rs, &ws, &xs) & e.armed;
                if hit == 0 {
                    continue;
                }
                // An arm during the select (an operation returned after the select saw the
                // level) keeps the direction watched: its level may be gone already.
                if e.arm_seq == seq {
                    e.armed &= !hit;
                }
                if hit & ARM_WRITE != 0 {
                    // Writable: a connect in progress completed.
                    e.connecting = false;
                }
                if let Some(token) = e.token {
                    reports.push(Report {
                        id,
                        token,
                        entry: *e,
                        hit,
                    });
                }
            }
            t.generation == generation
        };
        if let Some(wk) = waker {
            if rs.contains(&wk.s) {
                shared.drain_waker();
            }
        }
        if failed && unchanged {
            // A select that fails with nothing changed would fail again at once (a
            // provider error, not a closed socket): back off instead of spinning.
            let t = shared.lock();
            let _ = shared
                .changed
                .wait_timeout(t, POLL)
                .unwrap_or_else(|p| p.into_inner());
        }
        deliver(shared, reports);
    }
}

fn deliver(shared: &Shared, reports: Vec<Report>) {
    if reports.is_empty() {
        return;
    }
    let Some(sink) = shared.sink.get().and_then(Weak::upgrade) else {
        return;
    };
    for rep in reports {
        if shared.stop.load(Ordering::Acquire) {
            return;
        }
        let mut readiness = level(&rep.entry, rep.hit);
        if rep.hit & ARM_READ != 0 {
            match refine_read(&*shared.next, &rep.entry, readiness) {
                Some(r) => readiness = r,
                None => {
                    // Nothing to read after all (taken meanwhile): watch for the next
                    // arrival, and report the rest.
                    shared.arm(HostSocket(rep.id), ARM_READ);
                    readiness.remove(Readiness::READABLE);
                }
            }
        }
        if !readiness.is_empty() {
            sink.ready(rep.token, readiness);
        }
    }
}
