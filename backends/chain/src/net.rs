//! [`Chain`]: the `Net` seam over the next provider.

use crate::opts;
use crate::watch::{self, Entry, Shared, ARM_ALL, ARM_EXCEPT, ARM_READ, ARM_WRITE};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wsp::net::{
    HostFamily, HostKind, HostOpt, HostOptName, HostSocket, IoFlags, Net, NetResult, Readiness,
    ReadinessSink, Received,
};
use wsp::types::{
    AF_INET, AF_INET6, FIONBIO, FIONREAD, IPPROTO_TCP, IPPROTO_UDP, MSG_DONTROUTE, MSG_OOB,
    MSG_PEEK, SIOCATMARK, SOCKET, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, SO_ERROR, TIMEVAL,
    WSAPROTOCOL_INFOW,
};
use wsp::{FdSet, SockAddr, WsaError, Wsp};

/// The Winsock version the backend asks the next provider for.
const VERSION: u16 = 0x0202;

/// The engine's network over the next provider in a protocol chain. See the
/// [crate documentation](crate) for how each part of the contract is met.
pub struct Chain {
    shared: Arc<Shared>,
    watcher: Option<JoinHandle<()>>,
    start: Instant,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("sockets", &self.shared.lock().entries.len())
            .finish_non_exhaustive()
    }
}

impl Chain {
    /// A backend over `next`, whose sockets are made with the entries of `catalog`
    /// matching each socket's family and type (MSAFD needs its own `WSAPROTOCOL_INFOW`
    /// in `WSPSocket`; with no match the call gets none). Starts the next provider
    /// (`WSPStartup`, balanced by `WSPCleanup` when the backend is dropped) and the
    /// watcher thread.
    pub fn new(next: Arc<dyn Wsp>, catalog: Vec<WSAPROTOCOL_INFOW>) -> NetResult<Chain> {
        next.startup(VERSION)?;
        let shared = Arc::new(Shared::new(next, catalog));
        shared.open_waker();
        let thread_shared = Arc::clone(&shared);
        let watcher = std::thread::Builder::new()
            .name("wsp-chain-watch".into())
            .spawn(move || watch::run(&thread_shared));
        match watcher {
            Ok(h) => Ok(Chain {
                shared,
                watcher: Some(h),
                start: Instant::now(),
            }),
            Err(_) => {
                shared.close_waker();
                let _ = shared.next.cleanup();
                Err(WsaError::WSASYSNOTREADY)
            }
        }
    }

    /// A backend over the in-tree engine's catalog (`wsp::catalog::entries`): for a next
    /// provider that is this library (an `Engine`, or the provider driven through C).
    pub fn over_in_tree(next: Arc<dyn Wsp>) -> NetResult<Chain> {
        Chain::new(next, wsp::catalog::entries())
    }

    /// The next provider.
    pub fn next(&self) -> &Arc<dyn Wsp> {
        &self.shared.next
    }

    /// Whether the watcher is woken through a loopback socket of the next provider (the
    /// normal case) rather than polling.
    pub fn has_waker(&self) -> bool {
        self.shared.waker.get().is_some()
    }

    fn entry(&self, s: HostSocket) -> NetResult<Entry> {
        self.shared.entry(s)
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.wake();
        if let Some(h) = self.watcher.take() {
            // The last owner may be released on the watcher thread itself (the sink owns
            // the engine, which owns this backend, and the watcher held the sink during a
            // report). It sees `stop` as soon as that report returns.
            if h.thread().id() != std::thread::current().id() {
                let _ = h.join();
            }
        }
        let sockets: Vec<SOCKET> = self
            .shared
            .lock()
            .entries
            .drain()
            .map(|(_, e)| e.s)
            .collect();
        for s in sockets {
            let _ = self.shared.next.close_socket(s);
        }
        self.shared.close_waker();
        let _ = self.shared.next.cleanup();
    }
}

fn wsp_flags(flags: IoFlags) -> u32 {
    let mut f = 0;
    if flags.peek {
        f |= MSG_PEEK;
    }
    if flags.oob {
        f |= MSG_OOB;
    }
    if flags.dontroute {
        f |= MSG_DONTROUTE;
    }
    f
}

fn std_addr(a: &SockAddr) -> NetResult<SocketAddr> {
    a.to_std().ok_or(WsaError::WSAEAFNOSUPPORT)
}

/// Make next-provider socket `s` non-blocking (`FIONBIO`).
pub(crate) fn set_nonblocking(next: &dyn Wsp, s: SOCKET) -> NetResult<()> {
    next.ioctl(s, FIONBIO, &1u32.to_ne_bytes(), &mut [])
        .map(|_| ())
}

fn read_u32(next: &dyn Wsp, s: SOCKET, code: u32) -> NetResult<u32> {
    let mut out = [0u8; 4];
    let n = next.ioctl(s, code, &[], &mut out)?;
    if n < 4 {
        return Err(WsaError::WSAEFAULT);
    }
    Ok(u32::from_ne_bytes(out))
}

impl Net for Chain {
    fn name(&self) -> &'static str {
        "chain"
    }

    /// Only the first call takes effect.
    fn attach(&self, sink: Weak<dyn ReadinessSink>) {
        let _ = self.shared.sink.set(sink);
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn open(&self, family: HostFamily, kind: HostKind) -> NetResult<HostSocket> {
        let af = match family {
            HostFamily::V4 => AF_INET,
            HostFamily::V6 => AF_INET6,
        };
        let (ty, proto) = match kind {
            HostKind::Stream => (SOCK_STREAM, IPPROTO_TCP),
            HostKind::Datagram => (SOCK_DGRAM, IPPROTO_UDP),
        };
        let s = self.shared.socket(af, ty, proto)?;
        if let Err(e) = set_nonblocking(&*self.shared.next, s) {
            let _ = self.shared.next.close_socket(s);
            return Err(e);
        }
        Ok(self.shared.insert(s, family, kind))
    }

    fn register(&self, s: HostSocket, token: u64) -> NetResult<()> {
        self.shared.register(s, token)
    }

    fn close(&self, s: HostSocket) {
        if let Some(e) = self.shared.remove(s) {
            let _ = self.shared.next.close_socket(e.s);
            // A select in flight holds the socket (the in-tree engine keeps it alive
            // until its select returns): let it go now.
            if e.waiting != 0 {
                self.shared.wake();
            }
        }
    }

    fn bind(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        let e = self.entry(s)?;
        self.shared.next.bind(e.s, &SockAddr::from(addr))
    }

    fn listen(&self, s: HostSocket, backlog: i32) -> NetResult<()> {
        let e = self.entry(s)?;
        self.shared.next.listen(e.s, backlog)?;
        self.shared.update(s, |e| e.listening = true);
        self.shared.arm(s, ARM_READ);
        Ok(())
    }

    fn accept(&self, s: HostSocket) -> NetResult<(HostSocket, SocketAddr)> {
        let e = self.entry(s)?;
        let mut from = SockAddr::default();
        let r = self.shared.next.accept(e.s, Some(&mut from), None);
        // Accept re-enables FD_ACCEPT on Windows: the next arrival must be reported.
        self.shared.arm(s, ARM_READ);
        let ns = r?;
        let addr = match set_nonblocking(&*self.shared.next, ns).and_then(|()| std_addr(&from)) {
            Ok(a) => a,
            Err(err) => {
                let _ = self.shared.next.close_socket(ns);
                return Err(err);
            }
        };
        Ok((self.shared.insert(ns, e.family, e.kind), addr))
    }

    fn connect(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        let e = self.entry(s)?;
        let r = self
            .shared
            .next
            .connect(e.s, &SockAddr::from(addr), None, None, None, None);
        match r {
            Ok(()) => self.shared.arm(s, ARM_WRITE),
            Err(WsaError::WSAEWOULDBLOCK) if e.kind == HostKind::Stream => {
                self.shared.update(s, |e| e.connecting = true);
                self.shared.arm(s, ARM_WRITE | ARM_EXCEPT);
            }
            Err(_) => {}
        }
        r
    }

    fn take_error(&self, s: HostSocket) -> NetResult<Option<WsaError>> {
        let e = self.entry(s)?;
        let mut v = [0u8; 4];
        let n = self
            .shared
            .next
            .get_sock_opt(e.s, SOL_SOCKET, SO_ERROR, &mut v)?;
        let code = opts::int_of(&v[..n.min(4)]);
        if code == 0 {
            return Ok(None);
        }
        // The connect's outcome is read: except now means out-of-band data.
        self.shared.update(s, |e| e.connecting = false);
        Ok(Some(WsaError(code as i32)))
    }

    fn send(
        &self,
        s: HostSocket,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize> {
        let e = self.entry(s)?;
        let f = wsp_flags(flags);
        let r = match to {
            Some(a) => self
                .shared
                .next
                .send_to(e.s, bufs, f, Some(&SockAddr::from(a))),
            None => self.shared.next.send(e.s, bufs, f),
        };
        let offered: usize = bufs.iter().map(|b| b.len()).sum();
        match r {
            // Windows re-enables FD_WRITE after a send that would block; a short stream
            // send means the buffer is full too.
            Err(WsaError::WSAEWOULDBLOCK) => self.shared.arm(s, ARM_WRITE),
            Ok(n) if n < offered && e.kind == HostKind::Stream => self.shared.arm(s, ARM_WRITE),
            _ => {}
        }
        r
    }

    fn recv(&self, s: HostSocket, bufs: &mut [&mut [u8]], flags: IoFlags) -> NetResult<Received> {
        let e = self.entry(s)?;
        let mut f = wsp_flags(flags);
        let r = match e.kind {
            HostKind::Stream => self
                .shared
                .next
                .recv(e.s, bufs, &mut f)
                .map(|bytes| Received {
                    bytes,
                    truncated: false,
                    from: None,
                    pktinfo: None,
                }),
            HostKind::Datagram => {
                let mut from = SockAddr::default();
                match self
                    .shared
                    .next
                    .recv_from(e.s, bufs, &mut f, Some(&mut from))
                {
                    Ok(bytes) => Ok(Received {
                        bytes,
                        truncated: false,
                        from: from.to_std(),
                        // Packet info would need the next provider's WSARecvMsg; the
                        // chain backend does not ask for it (IP_PKTINFO data is absent).
                        pktinfo: None,
                    }),
                    // A truncated datagram: the buffers are full, the rest is discarded
                    // (kept when peeking).
                    Err(WsaError::WSAEMSGSIZE) => Ok(Received {
                        bytes: bufs.iter().map(|b| b.len()).sum(),
                        truncated: true,
                        from: from.to_std(),
                        pktinfo: None,
                    }),
                    Err(err) => Err(err),
                }
            }
        };
        // A receive re-enables FD_READ (and FD_OOB) on Windows. A peek that found
        // something changes nothing, and re-arming after it would report the same level
        // again (the engine probes with peeks on every report).
        let found = r.as_ref().err() != Some(&WsaError::WSAEWOULDBLOCK);
        if !(flags.peek && found) {
            self.shared.arm(s, ARM_READ | ARM_EXCEPT);
        }
        r
    }

    fn shutdown(&self, s: HostSocket, how: i32) -> NetResult<()> {
        let e = self.entry(s)?;
        self.shared.next.shutdown(e.s, how)?;
        self.shared.arm(s, ARM_ALL);
        Ok(())
    }

    fn local_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        let e = self.entry(s)?;
        let mut a = SockAddr::default();
        self.shared.next.get_sock_name(e.s, &mut a)?;
        std_addr(&a)
    }

    fn peer_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        let e = self.entry(s)?;
        let mut a = SockAddr::default();
        self.shared.next.get_peer_name(e.s, &mut a)?;
        if e.connecting {
            self.shared.update(s, |e| e.connecting = false);
        }
        std_addr(&a)
    }

    fn set_opt(&self, s: HostSocket, opt: HostOpt) -> NetResult<()> {
        let e = self.entry(s)?;
        opts::set(&*self.shared.next, e.s, e.family, opt)
    }

    fn get_opt(&self, s: HostSocket, name: HostOptName) -> NetResult<HostOpt> {
        let e = self.entry(s)?;
        opts::get(&*self.shared.next, e.s, e.family, name)
    }

    fn pending_bytes(&self, s: HostSocket) -> NetResult<usize> {
        let e = self.entry(s)?;
        read_u32(&*self.shared.next, e.s, FIONREAD).map(|n| n as usize)
    }

    /// Windows' `SIOCATMARK` answers TRUE when *no* urgent data is waiting; the seam asks
    /// the host's meaning (whether the urgent byte is next), so the answer is inverted.
    fn at_oob_mark(&self, s: HostSocket) -> NetResult<bool> {
        let e = self.entry(s)?;
        read_u32(&*self.shared.next, e.s, SIOCATMARK).map(|v| v == 0)
    }

    fn poll_now(&self, sockets: &[HostSocket], out: &mut [Readiness]) {
        let known: Vec<Option<Entry>> = {
            let t = self.shared.lock();
            sockets
                .iter()
                .map(|s| t.entries.get(&s.0).copied())
                .collect()
        };
        let mut set = FdSet::new();
        let mut seen = std::collections::HashSet::new();
        for e in known.iter().flatten() {
            if seen.insert(e.s) {
                set.fd_array.push(e.s);
            }
        }
        let (mut r, mut w, mut x) = (set.clone(), set.clone(), set.clone());
        let polled = !set.is_empty()
            && self
                .shared
                .next
                .select(
                    Some(&mut r),
                    Some(&mut w),
                    Some(&mut x),
                    Some(&TIMEVAL {
                        tv_sec: 0,
                        tv_usec: 0,
                    }),
                )
                .is_ok();
        let (r, w, x) = (watch::handles(&r), watch::handles(&w), watch::handles(&x));
        for (slot, e) in out.iter_mut().zip(&known) {
            *slot = match e {
                Some(e) if polled => {
                    let hit = watch::bits(e.s, &r, &w, &x);
                    watch::level(e, hit)
                }
                _ => Readiness::ERROR,
            };
        }
    }
}
