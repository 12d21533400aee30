//! The `Net` seam: what the engine runs on.
//!
//! The engine does no I/O and reads no clock of its own. Everything that touches a network
//! goes through an implementation of [`Net`]. A backend supplies:
//!
//! * **Host sockets** identified by a [`HostSocket`] id of the backend's choosing:
//!   `open`, `bind`, `listen`, `accept`, `connect`, `send`, `recv`, `shutdown`, `close`,
//!   addresses, and host-level options ([`HostOpt`]). Every operation is **non-blocking**:
//!   where the host would block it returns `Err(WsaError::WSAEWOULDBLOCK)`, and a
//!   connect in progress returns `Err(WsaError::WSAEWOULDBLOCK)` once and completes later
//!   (its result read with [`Net::take_error`]). Host errors are already translated to
//!   Winsock codes with [`WsaError::from_errno`](crate::WsaError::from_errno) or the
//!   backend's own equivalent.
//! * **Readiness**, edge-style: after [`Net::register`] the backend calls
//!   [`ReadinessSink::ready`] with the socket's token whenever new readiness arrives
//!   (data arrived, buffer space freed, connection completed or failed, peer closed).
//!   Spurious reports are allowed; missed ones are not: once an operation has returned
//!   `WSAEWOULDBLOCK`, a later change in that direction must be reported, and every
//!   arrival of new data, a new connection or freed buffer space is reported even if the
//!   socket was already readable or writable (epoll's edge mode behaves so). A report
//!   carries the socket's whole current level, not only the bits that rose. The engine
//!   relies on this to treat a short stream read as "drained".
//!   A never-connected stream socket may read as writable and hung up (Linux does); the
//!   engine, not the backend, gives that Windows' meaning.
//!   The sink may be called from any thread, including from inside a `Net` method the
//!   engine called (the engine never holds its own locks across a `Net` call).
//! * **Waiting and time**: [`Net::now`] is the backend's monotonic clock (virtual on the
//!   sim backend) and [`Net::block_until`] parks a calling thread until a condition holds,
//!   a [`Gate`] is notified, or a deadline passes. The real backend simply waits on the
//!   gate; a simulated one runs its network forward while it waits.
//!
//! Backends: `wsp-portable` (mio + socket2 + libc) and `wsp-sim` (in-memory, seeded,
//! fault-injecting).

use crate::error::WsaError;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Result of a backend call.
pub type NetResult<T> = Result<T, WsaError>;

/// A backend's socket identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostSocket(pub u64);

/// Kind of host socket to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostKind {
    /// TCP stream.
    Stream,
    /// UDP datagram.
    Datagram,
}

/// Address family of a host socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostFamily {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

/// Readiness bits reported by a backend.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Readiness(pub u8);

impl Readiness {
    /// Nothing.
    pub const EMPTY: Readiness = Readiness(0);
    /// Data (or a pending connection, or EOF) can be read.
    pub const READABLE: Readiness = Readiness(0x01);
    /// Data can be written (or a connect finished).
    pub const WRITABLE: Readiness = Readiness(0x02);
    /// The peer closed its sending side (EOF after the buffered data).
    pub const READ_CLOSED: Readiness = Readiness(0x04);
    /// Our sending side is closed (reset, or shut down).
    pub const WRITE_CLOSED: Readiness = Readiness(0x08);
    /// A socket error is pending (read it with `take_error`).
    pub const ERROR: Readiness = Readiness(0x10);
    /// Out-of-band (urgent) data is pending.
    pub const PRIORITY: Readiness = Readiness(0x20);

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: Readiness) -> bool {
        self.0 & other.0 == other.0
    }
    /// Whether any bit of `other` is set.
    pub fn intersects(self, other: Readiness) -> bool {
        self.0 & other.0 != 0
    }
    /// Set the bits of `other`.
    pub fn insert(&mut self, other: Readiness) {
        self.0 |= other.0;
    }
    /// Clear the bits of `other`.
    pub fn remove(&mut self, other: Readiness) {
        self.0 &= !other.0;
    }
    /// Whether no bit is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl core::ops::BitOr for Readiness {
    type Output = Readiness;
    fn bitor(self, rhs: Readiness) -> Readiness {
        Readiness(self.0 | rhs.0)
    }
}

impl core::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        const NAMES: [(Readiness, &str); 6] = [
            (Readiness::READABLE, "READABLE"),
            (Readiness::WRITABLE, "WRITABLE"),
            (Readiness::READ_CLOSED, "READ_CLOSED"),
            (Readiness::WRITE_CLOSED, "WRITE_CLOSED"),
            (Readiness::ERROR, "ERROR"),
            (Readiness::PRIORITY, "PRIORITY"),
        ];
        let mut first = true;
        for (bit, name) in NAMES {
            if self.intersects(bit) {
                if !first {
                    f.write_str("|")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("EMPTY")?;
        }
        Ok(())
    }
}

/// Where a backend reports readiness. Implemented by the engine.
pub trait ReadinessSink: Send + Sync {
    /// New readiness `r` arrived for the socket registered with `token`.
    fn ready(&self, token: u64, r: Readiness);
}

/// Flags for host sends and receives (a subset of `MSG_*`, already validated).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IoFlags {
    /// `MSG_PEEK`.
    pub peek: bool,
    /// `MSG_OOB`.
    pub oob: bool,
    /// `MSG_DONTROUTE`.
    pub dontroute: bool,
}

/// What a host receive produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    /// Bytes copied into the buffers.
    pub bytes: usize,
    /// The datagram was longer than the buffers; the rest was discarded (unless peeking).
    pub truncated: bool,
    /// Source address (datagram sockets; also filled for streams where known).
    pub from: Option<SocketAddr>,
    /// Where the datagram was addressed and the interface it arrived on, when the host
    /// reports it (after [`HostOpt::PktInfo`] on a datagram socket); `None` otherwise.
    pub pktinfo: Option<PktInfo>,
}

/// Packet information of a received datagram (`IP_PKTINFO` / `IPV6_PKTINFO`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PktInfo {
    /// The datagram's destination address.
    pub dest: std::net::IpAddr,
    /// The index of the interface it arrived on.
    pub ifindex: u32,
}

/// Host-level socket options the engine translates Windows options into.
///
/// `#[non_exhaustive]`: the options issue adds more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostOpt {
    /// `SO_REUSEADDR` as the host means it.
    ReuseAddr(bool),
    /// `IPV6_V6ONLY`.
    V6Only(bool),
    /// `TCP_NODELAY`.
    NoDelay(bool),
    /// `SO_KEEPALIVE`.
    KeepAlive(bool),
    /// `SO_BROADCAST`.
    Broadcast(bool),
    /// `SO_OOBINLINE`.
    OobInline(bool),
    /// `SO_RCVBUF` in bytes.
    RecvBuffer(u32),
    /// `SO_SNDBUF` in bytes.
    SendBuffer(u32),
    /// `SO_LINGER`: `None` = off, `Some(secs)` = on with that timeout.
    Linger(Option<u16>),
    /// `IP_TTL` / `IPV6_UNICAST_HOPS`.
    Ttl(u32),
    /// `TCP_KEEPIDLE`: seconds of idle before the first keep-alive probe.
    KeepIdle(u32),
    /// `TCP_KEEPINTVL`: seconds between keep-alive probes.
    KeepInterval(u32),
    /// `TCP_KEEPCNT`: probes before the connection is dropped.
    KeepCount(u32),
    /// `IP_TOS` (IPv4) / `IPV6_TCLASS` (IPv6).
    Tos(u32),
    /// `IP_MULTICAST_TTL` (IPv4) / `IPV6_MULTICAST_HOPS` (IPv6).
    MulticastTtl(u32),
    /// `IP_MULTICAST_LOOP` (IPv4) / `IPV6_MULTICAST_LOOP` (IPv6).
    MulticastLoop(bool),
    /// Report packet information with each received datagram ([`Received::pktinfo`]):
    /// `IP_PKTINFO`, and on an IPv6 socket also `IPV6_RECVPKTINFO`.
    PktInfo(bool),
    /// `IP_MULTICAST_IF` for IPv4: the interface address.
    MulticastIfV4(std::net::Ipv4Addr),
    /// `IPV6_MULTICAST_IF`: the interface index.
    MulticastIfV6(u32),
    /// `IP_ADD_MEMBERSHIP`: join `group` on the interface with address `interface`.
    JoinV4 {
        /// Group address.
        group: std::net::Ipv4Addr,
        /// Local interface address (unspecified = any).
        interface: std::net::Ipv4Addr,
    },
    /// `IP_DROP_MEMBERSHIP`.
    LeaveV4 {
        /// Group address.
        group: std::net::Ipv4Addr,
        /// Local interface address.
        interface: std::net::Ipv4Addr,
    },
    /// `IPV6_ADD_MEMBERSHIP`: join `group` on interface index `interface` (0 = any).
    JoinV6 {
        /// Group address.
        group: std::net::Ipv6Addr,
        /// Interface index.
        interface: u32,
    },
    /// `IPV6_DROP_MEMBERSHIP`.
    LeaveV6 {
        /// Group address.
        group: std::net::Ipv6Addr,
        /// Interface index.
        interface: u32,
    },
    /// Read only: bytes the host has not yet sent (or not yet had acknowledged) on a stream
    /// (`SIOCOUTQ` on Linux, `SO_NWRITE` on macOS). Used to emulate `SO_LINGER` on close.
    SendQueue(u32),
    /// `IP_OPTIONS` (IPv4 only): the raw options put into every outgoing packet's header;
    /// empty = none. A host may pad what it reads back to a multiple of four bytes with
    /// end-of-list (0) bytes, as Linux does.
    IpOptions(IpOptionBytes),
}

/// Raw IPv4 header options, at most [`IpOptionBytes::MAX`] bytes, held inline so that
/// [`HostOpt`] stays `Copy`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IpOptionBytes {
    len: u8,
    bytes: [u8; IpOptionBytes::MAX],
}

impl IpOptionBytes {
    /// The most option bytes an IPv4 header holds (60-byte header minus 20 fixed), which is
    /// also Windows' limit for `IP_OPTIONS`.
    pub const MAX: usize = 40;

    /// No options.
    pub const EMPTY: IpOptionBytes = IpOptionBytes {
        len: 0,
        bytes: [0; IpOptionBytes::MAX],
    };

    /// `raw` as options; `None` when longer than [`IpOptionBytes::MAX`].
    pub fn new(raw: &[u8]) -> Option<IpOptionBytes> {
        if raw.len() > Self::MAX {
            return None;
        }
        let mut o = Self::EMPTY;
        o.bytes[..raw.len()].copy_from_slice(raw);
        o.len = raw.len() as u8;
        Some(o)
    }

    /// The option bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl core::fmt::Debug for IpOptionBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "IpOptionBytes({:02x?})", self.as_slice())
    }
}

/// Names of [`HostOpt`] values, for reading them back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostOptName {
    /// See [`HostOpt::ReuseAddr`].
    ReuseAddr,
    /// See [`HostOpt::V6Only`].
    V6Only,
    /// See [`HostOpt::NoDelay`].
    NoDelay,
    /// See [`HostOpt::KeepAlive`].
    KeepAlive,
    /// See [`HostOpt::Broadcast`].
    Broadcast,
    /// See [`HostOpt::OobInline`].
    OobInline,
    /// See [`HostOpt::RecvBuffer`].
    RecvBuffer,
    /// See [`HostOpt::SendBuffer`].
    SendBuffer,
    /// See [`HostOpt::Linger`].
    Linger,
    /// See [`HostOpt::Ttl`].
    Ttl,
    /// See [`HostOpt::KeepIdle`].
    KeepIdle,
    /// See [`HostOpt::KeepInterval`].
    KeepInterval,
    /// See [`HostOpt::KeepCount`].
    KeepCount,
    /// See [`HostOpt::Tos`].
    Tos,
    /// See [`HostOpt::MulticastTtl`].
    MulticastTtl,
    /// See [`HostOpt::MulticastLoop`].
    MulticastLoop,
    /// See [`HostOpt::MulticastIfV4`].
    MulticastIfV4,
    /// See [`HostOpt::MulticastIfV6`].
    MulticastIfV6,
    /// See [`HostOpt::SendQueue`].
    SendQueue,
    /// See [`HostOpt::IpOptions`].
    IpOptions,
}

/// Something [`Gate::notify`] wakes besides the threads in [`Gate::wait`]: typically a
/// thread sleeping in a host `poll` on its own socket plus a wake descriptor
/// ([`Net::block_on_socket`]). `wake` is called under the gate's lock: it must not block
/// or take locks of its own.
pub trait GateWaker: Send + Sync {
    /// Make the sleeper's wait return.
    fn wake(&self);
}

/// The lock-protected part of a [`Gate`].
#[derive(Default)]
struct GateState {
    epoch: u64,
    /// Wakers added with [`Gate::add_waker`] and not yet removed.
    wakers: Vec<std::sync::Arc<dyn GateWaker>>,
}

impl std::fmt::Debug for GateState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GateState")
            .field("epoch", &self.epoch)
            .field("wakers", &self.wakers.len())
            .finish()
    }
}

/// An eventcount: a blocked thread sleeps on it until someone calls [`Gate::notify`].
///
/// The protocol avoids lost wake-ups: read [`Gate::epoch`], check your condition, then
/// [`Gate::wait`] with the epoch you read; a notify in between makes the wait return at
/// once. A thread that sleeps elsewhere (in a host `poll`) adds a [`GateWaker`] first
/// ([`Gate::add_waker`]), checks its condition, sleeps, and removes the waker.
#[derive(Debug, Default)]
pub struct Gate {
    epoch: Mutex<GateState>,
    cv: Condvar,
    /// Threads inside [`Gate::wait`]; changed only under `epoch`'s lock, so a notify that
    /// sees zero can skip the condvar wake (a futex syscall) without losing a waiter.
    waiters: AtomicUsize,
}

impl Gate {
    /// A new gate.
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Current epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch.lock().unwrap_or_else(|p| p.into_inner()).epoch
    }

    /// Have every later [`Gate::notify`] call `w.wake()`, until [`Gate::remove_waker`].
    /// Returns the epoch read in the same step.
    pub fn add_waker(&self, w: &std::sync::Arc<dyn GateWaker>) -> u64 {
        let mut st = self.epoch.lock().unwrap_or_else(|p| p.into_inner());
        st.wakers.push(w.clone());
        st.epoch
    }

    /// Remove a waker added with [`Gate::add_waker`] (one entry of it).
    pub fn remove_waker(&self, w: &std::sync::Arc<dyn GateWaker>) {
        let mut st = self.epoch.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = st.wakers.iter().position(|x| std::sync::Arc::ptr_eq(x, w)) {
            st.wakers.swap_remove(i);
        }
    }

    /// Wake every thread waiting on this gate.
    pub fn notify(&self) {
        let mut e = self.epoch.lock().unwrap_or_else(|p| p.into_inner());
        e.epoch = e.epoch.wrapping_add(1);
        for w in &e.wakers {
            w.wake();
        }
        let waiting = self.waiters.load(Ordering::Relaxed) != 0;
        drop(e);
        if waiting {
            self.cv.notify_all();
        }
    }

    /// Like [`Gate::notify`], but without calling the wakers: for a change that every
    /// waker's sleeper sees through its own host wait. The socket gates' wakers sleep in a
    /// host `poll` on that very socket ([`Net::block_on_socket`]), so a readiness report
    /// for the socket needs no signal to them: the host has woken them (or will, for
    /// whatever they poll for). Saves a descriptor write on the reporting thread and a
    /// drain, plus the gate-lock contention, on the woken one.
    pub fn notify_waiting(&self) {
        let mut e = self.epoch.lock().unwrap_or_else(|p| p.into_inner());
        e.epoch = e.epoch.wrapping_add(1);
        let waiting = self.waiters.load(Ordering::Relaxed) != 0;
        drop(e);
        if waiting {
            self.cv.notify_all();
        }
    }

    /// Sleep until the epoch differs from `seen` or `timeout` passes (real time).
    /// Returns whether the epoch changed.
    pub fn wait(&self, seen: u64, timeout: Option<Duration>) -> bool {
        let mut e = self.epoch.lock().unwrap_or_else(|p| p.into_inner());
        if e.epoch != seen {
            return true;
        }
        self.waiters.fetch_add(1, Ordering::Relaxed);
        let changed = match timeout {
            None => {
                while e.epoch == seen {
                    e = self.cv.wait(e).unwrap_or_else(|p| p.into_inner());
                }
                true
            }
            Some(t) => {
                let (g, _) = self
                    .cv
                    .wait_timeout_while(e, t, |e| e.epoch == seen)
                    .unwrap_or_else(|p| p.into_inner());
                e = g;
                e.epoch != seen
            }
        };
        self.waiters.fetch_sub(1, Ordering::Relaxed);
        drop(e);
        changed
    }
}

/// Park until `cond()` holds (`true`) or the clock `now` reaches `deadline` (`false`),
/// sleeping on `gate` in real time between checks; the eventcount protocol (read the
/// epoch, check, wait for a change) loses no wake-up. The real-time half of every
/// `block_until`.
pub fn wait_on_gate(
    now: &dyn Fn() -> Duration,
    gate: &Gate,
    deadline: Option<Duration>,
    cond: &mut dyn FnMut() -> bool,
) -> bool {
    loop {
        let seen = gate.epoch();
        if cond() {
            return true;
        }
        let timeout = match deadline {
            None => None,
            Some(d) => {
                let now = now();
                if now >= d {
                    return false;
                }
                Some(d - now)
            }
        };
        gate.wait(seen, timeout);
    }
}

/// The network a provider runs on. See the module documentation for the contract.
pub trait Net: Send + Sync + 'static {
    /// Short name for reports ("portable", "sim").
    fn name(&self) -> &'static str;

    /// Give the backend the sink to report readiness to. Called once, before any socket
    /// is registered.
    fn attach(&self, sink: std::sync::Weak<dyn ReadinessSink>);

    /// Monotonic time since the backend started (virtual time on a simulated backend).
    fn now(&self) -> Duration;

    /// Park the calling thread until `cond()` returns true (returns `true`), or the backend
    /// clock reaches `deadline` (returns `false`). `gate` is notified by the engine whenever
    /// something `cond` looks at may have changed. The default implementation waits on the
    /// gate in real time; a simulated backend overrides it to run its network forward.
    fn block_until(
        &self,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        wait_on_gate(&|| self.now(), gate, deadline, cond)
    }

    /// [`Net::block_until`] for a blocking data call on host socket `s`: park until
    /// `cond()` holds or the deadline passes as there, and also return `true` as soon as
    /// the host itself says `s` is ready in the direction of `want` (`READABLE`:
    /// readable, urgent data, hang-up or error; `WRITABLE`: writable, hang-up or error),
    /// without waiting for a readiness report. The caller retries its operation and waits
    /// again if it still would block, and re-checks whatever `cond` checks. A backend whose
    /// reports come from another thread overrides this so that a blocked call is woken by
    /// the host directly, saving a thread hand-off per wake-up; the default is
    /// `block_until`.
    fn block_on_socket(
        &self,
        s: HostSocket,
        want: Readiness,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        let _ = (s, want);
        self.block_until(gate, deadline, cond)
    }

    /// Open a non-blocking host socket. Not yet registered for readiness.
    fn open(&self, family: HostFamily, kind: HostKind) -> NetResult<HostSocket>;

    /// Register `s` for readiness reports carrying `token`. Called once per socket.
    fn register(&self, s: HostSocket, token: u64) -> NetResult<()>;

    /// Close `s` (deregistering it). Never fails from the engine's point of view.
    fn close(&self, s: HostSocket);

    /// Bind to `addr`.
    fn bind(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()>;

    /// Listen with `backlog` (already clamped by the engine).
    fn listen(&self, s: HostSocket, backlog: i32) -> NetResult<()>;

    /// Accept one pending connection: a new non-blocking, unregistered host socket.
    fn accept(&self, s: HostSocket) -> NetResult<(HostSocket, SocketAddr)>;

    /// Start a connect. `Ok` if it completed at once, `Err(WSAEWOULDBLOCK)` if in progress.
    /// For datagram sockets this sets the default peer.
    fn connect(&self, s: HostSocket, addr: SocketAddr) -> NetResult<()>;

    /// Read and clear the socket's pending error (`SO_ERROR`).
    fn take_error(&self, s: HostSocket) -> NetResult<Option<WsaError>>;

    /// Send the concatenation of `bufs` (to `to`, for datagram sockets). Returns bytes
    /// accepted, which for streams may be fewer than offered.
    fn send(
        &self,
        s: HostSocket,
        bufs: &[&[u8]],
        to: Option<SocketAddr>,
        flags: IoFlags,
    ) -> NetResult<usize>;

    /// Receive into `bufs` in order. `Ok(bytes == 0)` on a stream means end of stream.
    fn recv(&self, s: HostSocket, bufs: &mut [&mut [u8]], flags: IoFlags) -> NetResult<Received>;

    /// Shut down one or both directions (`SD_*` meaning: 0 receive, 1 send, 2 both).
    fn shutdown(&self, s: HostSocket, how: i32) -> NetResult<()>;

    /// Local address.
    fn local_addr(&self, s: HostSocket) -> NetResult<SocketAddr>;

    /// Peer address.
    fn peer_addr(&self, s: HostSocket) -> NetResult<SocketAddr>;

    /// Set a host option.
    fn set_opt(&self, s: HostSocket, opt: HostOpt) -> NetResult<()>;

    /// Read a host option.
    fn get_opt(&self, s: HostSocket, name: HostOptName) -> NetResult<HostOpt>;

    /// Bytes that a receive would return now (stream: all buffered bytes; datagram: size
    /// of the next datagram, as Linux's `FIONREAD` gives).
    fn pending_bytes(&self, s: HostSocket) -> NetResult<usize>;

    /// The id of the process this backend's sockets belong to. `WSPDuplicateSocket` shares
    /// a socket inside the engine when the target is this process, and asks
    /// [`Net::export`] otherwise.
    fn process_id(&self) -> u32 {
        std::process::id()
    }

    /// Make host socket `s` importable, once, by process `pid` (another process): the
    /// returned token (non-zero, top bit clear) goes to that process in
    /// `WSAPROTOCOL_INFOW::dwProviderReserved`, and its backend's [`Net::import`] turns it
    /// into a host socket of its own for the same underlying socket. The exporter may close
    /// `s` after this; the underlying socket stays open until every process closed its
    /// host socket. Backends without processes to share with return `WSAEOPNOTSUPP` (the
    /// default).
    fn export(&self, s: HostSocket, pid: u32) -> NetResult<u32> {
        let _ = (s, pid);
        Err(WsaError::WSAEOPNOTSUPP)
    }

    /// Take the socket another process exported for this one under `token`: a new
    /// non-blocking, unregistered host socket. A token not offered to this process, or
    /// already used, gives `WSAEINVAL`. Default: `WSAEOPNOTSUPP`.
    fn import(&self, token: u32) -> NetResult<HostSocket> {
        let _ = token;
        Err(WsaError::WSAEOPNOTSUPP)
    }

    /// Whether the read position is at the out-of-band mark (`SIOCATMARK`).
    fn at_oob_mark(&self, s: HostSocket) -> NetResult<bool>;

    /// The *current* readiness of each socket (level-triggered, like `poll(2)` with a zero
    /// timeout), written into `out` index by index. Readiness reports can lag the host;
    /// `WSPSelect` uses this so a zero-timeout select sees exactly what the host has. A
    /// socket the backend does not know reads as `ERROR`.
    fn poll_now(&self, sockets: &[HostSocket], out: &mut [Readiness]);
}

#[cfg(test)]
mod gate_tests {
    use super::{Gate, GateWaker};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    struct Count(AtomicUsize);
    impl GateWaker for Count {
        fn wake(&self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn notify_wakes_an_added_waker_until_it_is_removed() {
        let gate = Gate::new();
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let w: Arc<dyn GateWaker> = count.clone();
        let seen = gate.add_waker(&w);
        assert_eq!(seen, gate.epoch());
        gate.notify();
        assert_eq!(count.0.load(Ordering::Relaxed), 1);
        assert_ne!(gate.epoch(), seen);
        gate.remove_waker(&w);
        gate.notify();
        assert_eq!(count.0.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn notify_waiting_ends_a_wait_but_leaves_the_wakers_alone() {
        let gate = Arc::new(Gate::new());
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let w: Arc<dyn GateWaker> = count.clone();
        let seen = gate.add_waker(&w);
        // A thread in `wait` (no timeout: only a notify can end it).
        let g = gate.clone();
        let waiter = std::thread::spawn(move || g.wait(seen, None));
        gate.notify_waiting();
        assert!(waiter.join().unwrap(), "the epoch changed");
        assert_ne!(gate.epoch(), seen);
        assert_eq!(count.0.load(Ordering::Relaxed), 0, "no waker was called");
        gate.remove_waker(&w);
    }
}
