//! # wsp-portable — the real network under the wsp engine
//!
//! [`Portable`] implements the engine's [`Net`] seam over the host's own
//! sockets on Linux and macOS: socket2 for the sockets, mio for readiness, libc for the few
//! calls socket2 does not offer (vectored `sendmsg`/`recvmsg` with flags, `FIONREAD`,
//! `sockatmark`). It holds no Winsock rule; it only carries host facts up to the engine.
//!
//! ## The contract it meets
//!
//! * **Non-blocking, always.** Every socket is opened (or accepted) non-blocking and
//!   close-on-exec. Where the host would block, a call returns
//!   `Err(WsaError::WSAEWOULDBLOCK)`; a connect in progress does the same, and its outcome
//!   is read later with [`Net::take_error`] (`SO_ERROR`).
//! * **One error table.** Every host error goes through [`WsaError::from`]`(io::Error)`,
//!   i.e. [`WsaError::from_errno`]; this crate has no errno table of its own.
//! * **No `SIGPIPE`.** Sends carry `MSG_NOSIGNAL` on Linux; on macOS every socket has
//!   `SO_NOSIGPIPE`. Writing to a reset peer fails with `WSAECONNRESET`, it never kills the
//!   process.
//! * **Ids are never reused by accident.** A [`HostSocket`] is a table slot plus a
//!   generation; an id kept after [`Net::close`] gives `WSAENOTSOCK`, it never reaches a
//!   socket opened later.
//!
//! ## Threading model
//!
//! [`Portable::new`] starts one reactor thread (`wsp-portable-reactor`) that owns a
//! [`mio::Poll`]. [`Net::register`] adds a socket to that poll with interest in
//! readable, writable and (on Linux) priority readiness, **edge-triggered** as mio is, under
//! `mio::Token(token)`. For every event the thread calls [`ReadinessSink::ready`] on the
//! sink given to [`Net::attach`] with the token and a [`Readiness`] built from the event:
//! `READABLE`, `WRITABLE`, `READ_CLOSED`, `WRITE_CLOSED`, `ERROR`, `PRIORITY`.
//!
//! Guarantees about those calls:
//!
//! * They come only from the reactor thread, one at a time, in the order the host
//!   reported them.
//! * No lock of this crate is held while the sink runs, so the sink may call any [`Net`]
//!   method (`take_error`, `peer_addr`, `recv`, ...) from inside `ready`.
//! * Edge-triggered: a report says readiness *arrived*. After an operation returned
//!   `WSAEWOULDBLOCK`, the next change in that direction is reported; nothing is
//!   reported again for readiness already reported and not yet consumed.
//! * Spurious reports happen (as in mio): a report may find nothing to do, and a report
//!   for a token whose socket was closed a moment ago may still arrive, from the batch
//!   the thread was already delivering.
//! * If the sink has been dropped (the `Weak` no longer upgrades) reports are discarded.
//!
//! All `Net` methods may be called from any thread concurrently. Socket lookups take a
//! read lock only long enough to clone an `Arc`; no lock is held across a host call.
//! Closing a socket while another thread is inside a call on it is safe: the descriptor
//! stays open until that call returns.
//!
//! Dropping [`Portable`] stops the reactor thread (through a [`mio::Waker`]), joins it, and
//! closes every socket still open. No thread is left behind. (One case cannot join: when
//! the last owner of the `Portable` is released on the reactor thread itself, typically
//! because the sink owns the backend and the reactor held the last strong reference to
//! the sink during a report. Then the thread is told to stop and exits as soon as that
//! report returns, without delivering any more.)
//!
//! ## Tokens
//!
//! One token is the reactor's own (`usize::MAX - 1`); [`Net::register`] refuses tokens at
//! or above it with `WSAEINVAL` (and, on 32-bit hosts, tokens that do not fit a `usize`).
//!
//! ## Host differences the engine should know
//!
//! * Linux doubles `SO_RCVBUF`/`SO_SNDBUF` on set and reports the doubled value;
//!   [`Net::get_opt`] reports what the host says.
//! * `PRIORITY` (urgent data) readiness is reported on Linux only; macOS reports urgent
//!   data as readable (kqueue has no separate filter for it).
//! * [`Received::from`] is filled for datagram sockets; for streams it is `None`.
//! * One send or receive takes at most 1024 buffers (`IOV_MAX`) to the host. On a stream
//!   the rest are left for the next call (a short transfer); on a datagram socket the
//!   host refuses the call (`WSAEMSGSIZE`), so the engine should coalesce such lists.
//! * [`Net::pending_bytes`] is `FIONREAD`: on Linux a datagram socket gives the size of
//!   the next datagram, on macOS the total of all queued datagrams plus address overhead.
//!
//! [`WsaError::from`]: wsp::WsaError
//! [`WsaError::from_errno`]: wsp::WsaError::from_errno
//! [`Readiness`]: wsp::net::Readiness
//! [`ReadinessSink::ready`]: wsp::net::ReadinessSink::ready
//! [`Received::from`]: wsp::net::Received::from

#![deny(unsafe_code)]

mod dup;
mod reactor;
#[allow(unsafe_code)]
mod sys;
mod table;

use mio::unix::SourceFd;
use mio::{Interest, Poll, Registry, Token, Waker};
use reactor::{Shared, WAKE_TOKEN};
use socket2::{Domain, Protocol, SockAddr, Socket, TcpKeepalive, Type};
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use table::{Entry, Table};
use wsp::net::{
    Gate, HostFamily, HostKind, HostOpt, HostOptName, HostSocket, IoFlags, IpOptionBytes, Net,
    NetResult, Readiness, ReadinessSink, Received,
};
use wsp::WsaError;

/// Raise the process's soft descriptor limit (`RLIMIT_NOFILE`) to the hard limit and return
/// it. Programs holding thousands of sockets call this once at start.
pub fn raise_fd_limit() -> std::io::Result<u64> {
    sys::raise_fd_limit()
}

/// The portable backend: host sockets, a mio reactor thread, and the host's monotonic
/// clock. See the [crate documentation](crate) for the contract and threading model.
pub struct Portable {
    table: Table,
    registry: Registry,
    waker: Waker,
    shared: Arc<Shared>,
    reactor: Option<JoinHandle<io::Result<()>>>,
    start: Instant,
    /// Sockets exported for another process and not yet taken ([`Net::export`]).
    exports: dup::Exports,
}

impl std::fmt::Debug for Portable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portable")
            .field("table", &self.table)
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

impl Portable {
    /// Create the backend and start its reactor thread.
    ///
    /// Fails if the host cannot create a poll instance, a waker, or a thread.
    pub fn new() -> io::Result<Portable> {
        let poll = Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = Waker::new(poll.registry(), WAKE_TOKEN)?;
        let shared = Arc::new(Shared::default());
        let thread_shared = Arc::clone(&shared);
        let reactor = std::thread::Builder::new()
            .name("wsp-portable-reactor".into())
            .spawn(move || reactor::run(poll, thread_shared))?;
        Ok(Portable {
            table: Table::default(),
            registry,
            waker,
            shared,
            reactor: Some(reactor),
            start: Instant::now(),
            exports: dup::Exports::default(),
        })
    }

    fn deregister(&self, entry: &Entry) {
        if entry.registered.swap(false, Ordering::AcqRel) {
            // Failure here means the descriptor is already gone from the poll set, which is
            // all we want; there is nothing to report.
            let _ = self
                .registry
                .deregister(&mut SourceFd(&entry.sock.as_raw_fd()));
        }
    }
}

impl Portable {
    /// [`Net::block_on_socket`] on Linux: see there.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn poll_wait(
        &self,
        entry: &Entry,
        waker: &Arc<FdWaker>,
        want: Readiness,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        let events = if want.intersects(Readiness::WRITABLE) {
            libc::POLLOUT
        } else {
            libc::POLLIN | libc::POLLPRI
        };
        let dyn_waker: Arc<dyn wsp::net::GateWaker> = waker.clone();
        let wake_fd = waker.0.as_raw_fd();
        loop {
            // Added before the check: a notify after it signals the descriptor, so the
            // poll below returns at once and no wake-up is lost.
            gate.add_waker(&dyn_waker);
            if cond() {
                gate.remove_waker(&dyn_waker);
                return true;
            }
            let timeout_ms = match deadline {
                None => -1,
                Some(d) => {
                    let now = self.now();
                    if now >= d {
                        gate.remove_waker(&dyn_waker);
                        return false;
                    }
                    // Rounded up, so the deadline has passed when a timed-out poll returns.
                    let ms = (d - now).as_nanos().div_ceil(1_000_000);
                    i32::try_from(ms).unwrap_or(i32::MAX)
                }
            };
            let polled = sys::poll_socket(entry.sock.as_raw_fd(), events, wake_fd, timeout_ms);
            gate.remove_waker(&dyn_waker);
            match polled {
                Ok((sock, woken)) => {
                    if woken {
                        sys::wake_drain(wake_fd);
                    }
                    if sock {
                        return true;
                    }
                }
                // Cannot happen with valid descriptors; wait the ordinary way.
                Err(_) => return self.block_until(gate, deadline, cond),
            }
        }
    }
}

impl Drop for Portable {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        if let Some(reactor) = self.reactor.take() {
            // If the wake fails the poll descriptor is broken and the thread has already
            // returned with that error, so the join does not hang.
            let _ = self.waker.wake();
            // The last owner may be the sink itself, released by the reactor thread right
            // after a report: then we are on that thread and cannot join it. It sees
            // `stop` when the report returns and exits on its own.
            if reactor.thread().id() != std::thread::current().id() {
                let _ = reactor.join();
            }
        }
        for entry in self.table.drain() {
            self.deregister(&entry);
        }
        self.exports.stop();
    }
}

/// A thread's wake descriptor, for [`Net::block_on_socket`]: the gate's notify signals it,
/// which ends the thread's `poll` on its socket.
#[cfg(any(target_os = "linux", target_os = "android"))]
struct FdWaker(std::os::fd::OwnedFd);

#[cfg(any(target_os = "linux", target_os = "android"))]
impl wsp::net::GateWaker for FdWaker {
    fn wake(&self) {
        sys::wake_signal(self.0.as_raw_fd());
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
thread_local! {
    /// This thread's waker, made on its first blocking wait; closed when the thread ends.
    /// `None` if the host refused a descriptor (the wait then goes through the reactor).
    static WAKER: Option<Arc<FdWaker>> = sys::wake_fd().ok().map(|fd| Arc::new(FdWaker(fd)));
}

fn family_domain(family: HostFamily) -> Domain {
    match family {
        HostFamily::V4 => Domain::IPV4,
        HostFamily::V6 => Domain::IPV6,
    }
}

/// Make a fresh socket fit the contract: non-blocking, and on Apple hosts `SO_NOSIGPIPE`
/// (close-on-exec is set by socket2 at creation).
fn prepare(sock: &Socket) -> io::Result<()> {
    sock.set_nonblocking(true)?;
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    sock.set_nosigpipe(true)?;
    Ok(())
}

fn to_socket_addr(addr: SockAddr) -> NetResult<SocketAddr> {
    addr.as_socket().ok_or(WsaError::WSAEAFNOSUPPORT)
}

fn send_flags(flags: IoFlags) -> libc::c_int {
    let mut f = 0;
    if flags.oob {
        f |= libc::MSG_OOB;
    }
    if flags.dontroute {
        f |= libc::MSG_DONTROUTE;
    }
    // `peek` has no meaning on a send; it is not passed to the host.
    f
}

fn recv_flags(flags: IoFlags) -> libc::c_int {
    let mut f = 0;
    if flags.peek {
        f |= libc::MSG_PEEK;
    }
    if flags.oob {
        f |= libc::MSG_OOB;
    }
    // `dontroute` has no meaning on a receive; it is not passed to the host.
    f
}

/// The most buffers one host `sendmsg`/`recvmsg` takes on every supported host (POSIX
/// guarantees at least 16; Linux and macOS have 1024).
const IOV_MAX: usize = 1024;

/// The buffers one host call gets. A stream may move fewer bytes than offered, so its
/// list is cut at `IOV_MAX`; a datagram must not be cut, so its list is passed whole and
/// a host that cannot take it fails the call with `WSAEMSGSIZE`.
fn iov_limit(kind: HostKind, count: usize) -> usize {
    match kind {
        HostKind::Stream => count.min(IOV_MAX),
        HostKind::Datagram => count,
    }
}

fn secs_u16(d: Duration) -> u16 {
    u16::try_from(d.as_secs()).unwrap_or(u16::MAX)
}

fn secs_u32(d: Duration) -> u32 {
    u32::try_from(d.as_secs()).unwrap_or(u32::MAX)
}

fn size_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Net for Portable {
    fn name(&self) -> &'static str {
        "portable"
    }

    /// Only the first call takes effect; later ones are ignored.
    fn attach(&self, sink: Weak<dyn ReadinessSink>) {
        let _ = self.shared.sink.set(sink);
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// Linux: the thread sleeps in `poll` on the socket itself plus its own wake
    /// descriptor (signalled by the gate's notify: a close, a cancel, anything `cond`
    /// watches), so the host wakes it directly instead of through the reactor thread. Other
    /// hosts, or without a wake descriptor: [`Net::block_until`].
    fn block_on_socket(
        &self,
        s: HostSocket,
        want: Readiness,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let waker = WAKER.with(|w| w.clone());
            // The entry keeps the descriptor open (and its number unused) while we poll.
            if let (Some(waker), Ok(entry)) = (waker, self.table.get(s)) {
                return self.poll_wait(&entry, &waker, want, gate, deadline, cond);
            }
        }
        let _ = (s, want);
        self.block_until(gate, deadline, cond)
    }

    fn open(&self, family: HostFamily, kind: HostKind) -> NetResult<HostSocket> {
        let (ty, proto) = match kind {
            HostKind::Stream => (Type::STREAM, Protocol::TCP),
            HostKind::Datagram => (Type::DGRAM, Protocol::UDP),
        };
        // Linux: non-blocking from the start (SOCK_NONBLOCK), saving two fcntl calls.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let sock = Socket::new(family_domain(family), ty.nonblocking(), Some(proto))?;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let sock = {
            let sock = Socket::new(family_domain(family), ty, Some(proto))?;
            prepare(&sock)?;
            sock
        };
        self.table.insert(sock, family, kind)
    }

    fn register(&self, s: HostSocket, token: u64) -> NetResult<()> {
        let token = usize::try_from(token).map_err(|_| WsaError::WSAEINVAL)?;
        if token >= WAKE_TOKEN.0 {
            return Err(WsaError::WSAEINVAL);
        }
        let entry = self.table.get(s)?;
        if entry.registered.swap(true, Ordering::AcqRel) {
            return Err(WsaError::WSAEINVAL);
        }
        let interest = Interest::READABLE | Interest::WRITABLE;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let interest = interest | Interest::PRIORITY;
        let fd = entry.sock.as_raw_fd();
        if let Err(e) = self
            .registry
            .register(&mut SourceFd(&fd), Token(token), interest)
        {
            entry.registered.store(false, Ordering::Release);
            return Err(e.into());
        }
        Ok(())
    }

    fn close(&self, s: HostSocket) {
        if let Some(entry) = self.table.remove(s) {
            self.deregister(&entry);
        }
    }

    fn bind(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        Ok(self.table.get(s)?.sock.bind(&addr.into())?)
    }

    fn listen(&self, s: HostSocket, backlog: i32) -> NetResult<()> {
        Ok(self.table.get(s)?.sock.listen(backlog)?)
    }

    fn accept(&self, s: HostSocket) -> NetResult<(HostSocket, SocketAddr)> {
        let listener = self.table.get(s)?;
        let (sock, addr) = listener.sock.accept()?;
        prepare(&sock)?;
        let addr = to_socket_addr(addr)?;
        let id = self.table.insert(sock, listener.family, listener.kind)?;
        Ok((id, addr))
    }

    fn connect(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()> {
        Ok(self.table.get(s)?.sock.connect(&addr.into())?)
    }

    fn take_error(&self, s: HostSocket) -> NetResult<Option<WsaError>> {
        Ok(self.table.get(s)?.sock.take_error()?.map(WsaError::from))
    }

    fn send(
        &self,
        s: HostSocket,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize> {
        let entry = self.table.get(s)?;
        let bufs = &bufs[..iov_limit(entry.kind, bufs.len())];
        Ok(sys::send_msg(
            entry.sock.as_raw_fd(),
            bufs,
            to,
            send_flags(flags),
        )?)
    }

    fn recv(&self, s: HostSocket, bufs: &mut [&mut [u8]], flags: IoFlags) -> NetResult<Received> {
        let entry = self.table.get(s)?;
        let count = iov_limit(entry.kind, bufs.len());
        let got = sys::recv_msg(
            entry.sock.as_raw_fd(),
            &mut bufs[..count],
            recv_flags(flags),
        )?;
        Ok(Received {
            bytes: got.bytes,
            truncated: got.truncated,
            from: match entry.kind {
                HostKind::Datagram => got.from,
                HostKind::Stream => None,
            },
            pktinfo: got.pktinfo,
        })
    }

    fn shutdown(&self, s: HostSocket, how: i32) -> NetResult<()> {
        let how = match how {
            0 => Shutdown::Read,
            1 => Shutdown::Write,
            2 => Shutdown::Both,
            _ => return Err(WsaError::WSAEINVAL),
        };
        Ok(self.table.get(s)?.sock.shutdown(how)?)
    }

    fn local_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        to_socket_addr(self.table.get(s)?.sock.local_addr()?)
    }

    fn peer_addr(&self, s: HostSocket) -> NetResult<SocketAddr> {
        to_socket_addr(self.table.get(s)?.sock.peer_addr()?)
    }

    fn set_opt(&self, s: HostSocket, opt: HostOpt) -> NetResult<()> {
        let entry = self.table.get(s)?;
        let sock = &entry.sock;
        match opt {
            HostOpt::ReuseAddr(on) => sock.set_reuse_address(on)?,
            HostOpt::V6Only(on) => sock.set_only_v6(on)?,
            HostOpt::NoDelay(on) => sock.set_nodelay(on)?,
            HostOpt::KeepAlive(on) => sock.set_keepalive(on)?,
            HostOpt::Broadcast(on) => sock.set_broadcast(on)?,
            HostOpt::OobInline(on) => sock.set_out_of_band_inline(on)?,
            HostOpt::RecvBuffer(n) => sock.set_recv_buffer_size(n as usize)?,
            HostOpt::SendBuffer(n) => sock.set_send_buffer_size(n as usize)?,
            HostOpt::Linger(l) => {
                sock.set_linger(l.map(|secs| Duration::from_secs(u64::from(secs))))?
            }
            HostOpt::Ttl(ttl) => match entry.family {
                HostFamily::V4 => sock.set_ttl(ttl)?,
                HostFamily::V6 => sock.set_unicast_hops_v6(ttl)?,
            },
            HostOpt::KeepIdle(secs) => sock.set_tcp_keepalive(
                &TcpKeepalive::new().with_time(Duration::from_secs(secs.into())),
            )?,
            HostOpt::KeepInterval(secs) => sock.set_tcp_keepalive(
                &TcpKeepalive::new().with_interval(Duration::from_secs(secs.into())),
            )?,
            HostOpt::KeepCount(n) => {
                sock.set_tcp_keepalive(&TcpKeepalive::new().with_retries(n))?
            }
            HostOpt::Tos(tos) => match entry.family {
                HostFamily::V4 => sock.set_tos(tos)?,
                HostFamily::V6 => sys::set_tclass_v6(sock.as_raw_fd(), tos)?,
            },
            HostOpt::MulticastTtl(ttl) => match entry.family {
                HostFamily::V4 => sock.set_multicast_ttl_v4(ttl)?,
                HostFamily::V6 => sock.set_multicast_hops_v6(ttl)?,
            },
            HostOpt::MulticastLoop(on) => match entry.family {
                HostFamily::V4 => sock.set_multicast_loop_v4(on)?,
                HostFamily::V6 => sock.set_multicast_loop_v6(on)?,
            },
            HostOpt::PktInfo(on) => {
                sys::set_pktinfo(sock.as_raw_fd(), entry.family == HostFamily::V6, on)?
            }
            HostOpt::MulticastIfV4(a) => sock.set_multicast_if_v4(&a)?,
            HostOpt::MulticastIfV6(i) => sock.set_multicast_if_v6(i)?,
            HostOpt::JoinV4 { group, interface } => sock.join_multicast_v4(&group, &interface)?,
            HostOpt::LeaveV4 { group, interface } => sock.leave_multicast_v4(&group, &interface)?,
            HostOpt::JoinV6 { group, interface } => sock.join_multicast_v6(&group, interface)?,
            HostOpt::LeaveV6 { group, interface } => sock.leave_multicast_v6(&group, interface)?,
            HostOpt::IpOptions(o) => match entry.family {
                HostFamily::V4 => sys::set_ip_options(sock.as_raw_fd(), o.as_slice())?,
                HostFamily::V6 => return Err(WsaError::WSAENOPROTOOPT),
            },
            _ => return Err(WsaError::WSAENOPROTOOPT),
        }
        Ok(())
    }

    fn get_opt(&self, s: HostSocket, name: HostOptName) -> NetResult<HostOpt> {
        let entry = self.table.get(s)?;
        let sock = &entry.sock;
        Ok(match name {
            HostOptName::ReuseAddr => HostOpt::ReuseAddr(sock.reuse_address()?),
            HostOptName::V6Only => HostOpt::V6Only(sock.only_v6()?),
            HostOptName::NoDelay => HostOpt::NoDelay(sock.nodelay()?),
            HostOptName::KeepAlive => HostOpt::KeepAlive(sock.keepalive()?),
            HostOptName::Broadcast => HostOpt::Broadcast(sock.broadcast()?),
            HostOptName::OobInline => HostOpt::OobInline(sock.out_of_band_inline()?),
            HostOptName::RecvBuffer => HostOpt::RecvBuffer(size_u32(sock.recv_buffer_size()?)),
            HostOptName::SendBuffer => HostOpt::SendBuffer(size_u32(sock.send_buffer_size()?)),
            HostOptName::Linger => HostOpt::Linger(sock.linger()?.map(secs_u16)),
            HostOptName::Ttl => HostOpt::Ttl(match entry.family {
                HostFamily::V4 => sock.ttl()?,
                HostFamily::V6 => sock.unicast_hops_v6()?,
            }),
            HostOptName::KeepIdle => HostOpt::KeepIdle(secs_u32(sock.keepalive_time()?)),
            HostOptName::KeepInterval => {
                HostOpt::KeepInterval(secs_u32(sock.keepalive_interval()?))
            }
            HostOptName::KeepCount => HostOpt::KeepCount(sock.keepalive_retries()?),
            HostOptName::Tos => HostOpt::Tos(match entry.family {
                HostFamily::V4 => sock.tos()?,
                HostFamily::V6 => sys::tclass_v6(sock.as_raw_fd())?,
            }),
            HostOptName::MulticastTtl => HostOpt::MulticastTtl(match entry.family {
                HostFamily::V4 => sock.multicast_ttl_v4()?,
                HostFamily::V6 => sock.multicast_hops_v6()?,
            }),
            HostOptName::MulticastLoop => HostOpt::MulticastLoop(match entry.family {
                HostFamily::V4 => sock.multicast_loop_v4()?,
                HostFamily::V6 => sock.multicast_loop_v6()?,
            }),
            HostOptName::MulticastIfV4 => HostOpt::MulticastIfV4(sock.multicast_if_v4()?),
            HostOptName::MulticastIfV6 => HostOpt::MulticastIfV6(sock.multicast_if_v6()?),
            HostOptName::SendQueue => {
                HostOpt::SendQueue(size_u32(sys::send_queue(sock.as_raw_fd())?))
            }
            HostOptName::IpOptions => match entry.family {
                HostFamily::V4 => {
                    let raw = sys::ip_options(sock.as_raw_fd())?;
                    HostOpt::IpOptions(IpOptionBytes::new(&raw).ok_or(WsaError::WSAEINVAL)?)
                }
                HostFamily::V6 => return Err(WsaError::WSAENOPROTOOPT),
            },
            _ => return Err(WsaError::WSAENOPROTOOPT),
        })
    }

    fn pending_bytes(&self, s: HostSocket) -> NetResult<usize> {
        Ok(sys::fionread(self.table.get(s)?.sock.as_raw_fd())?)
    }

    /// Linux: the descriptor is handed to `pid` over an abstract Unix socket named after
    /// the token, with `SCM_RIGHTS`; only a peer whose `SO_PEERCRED` pid is `pid` gets it,
    /// and only once. Other hosts: `WSAEOPNOTSUPP`.
    fn export(&self, s: HostSocket, pid: u32) -> NetResult<u32> {
        let entry = self.table.get(s)?;
        self.exports.export(&entry.sock, pid)
    }

    fn import(&self, token: u32) -> NetResult<HostSocket> {
        let sock = dup::import(token)?;
        prepare(&sock)?;
        // `Socket::domain` exists on Linux only; the local address's family is portable.
        let family = if sock.local_addr()?.is_ipv6() {
            HostFamily::V6
        } else {
            HostFamily::V4
        };
        let kind = match sock.r#type()? {
            Type::DGRAM => HostKind::Datagram,
            _ => HostKind::Stream,
        };
        self.table.insert(sock, family, kind)
    }

    fn at_oob_mark(&self, s: HostSocket) -> NetResult<bool> {
        Ok(sys::at_mark(self.table.get(s)?.sock.as_raw_fd())?)
    }

    fn poll_now(&self, sockets: &[HostSocket], out: &mut [Readiness]) {
        // Keep every entry alive across the poll so no descriptor is closed and reused
        // underneath it; unknown sockets are polled as -1 and read as ERROR.
        let mut entries = Vec::with_capacity(sockets.len());
        self.table.get_each(sockets, &mut entries);
        let mut pfds: Vec<_> = entries
            .iter()
            .map(|e| sys::pollfd(e.as_ref().map_or(-1, |e| e.sock.as_raw_fd())))
            .collect();
        let polled = sys::poll_now(&mut pfds).is_ok();
        for ((r, p), e) in out.iter_mut().zip(&pfds).zip(&entries) {
            if e.is_none() || !polled {
                *r = Readiness::ERROR;
                continue;
            }
            let [rd, wr, rc, wc, er, pr] = sys::poll_flags(p.revents);
            let mut x = Readiness::EMPTY;
            for (on, bit) in [
                (rd, Readiness::READABLE),
                (wr, Readiness::WRITABLE),
                (rc, Readiness::READ_CLOSED),
                (wc, Readiness::WRITE_CLOSED),
                (er, Readiness::ERROR),
                (pr, Readiness::PRIORITY),
            ] {
                if on {
                    x.insert(bit);
                }
            }
            *r = x;
        }
    }
}
