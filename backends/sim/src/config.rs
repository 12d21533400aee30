//! Configuration of a simulated network: buffer sizes, limits and seeded fault
//! probabilities.

use std::time::Duration;

/// Sizes, limits and fault probabilities of a [`Sim`](crate::Sim).
///
/// Every probability is per opportunity (per send, per receive, per delivery, ...) and
/// defaults to 0: a default configuration is a perfect, zero-latency network.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Default `SO_SNDBUF` of a stream socket, in bytes.
    pub send_buffer: u32,
    /// Default `SO_RCVBUF` of a stream socket, in bytes.
    pub recv_buffer: u32,
    /// Default `SO_RCVBUF` of a datagram socket: the byte limit of its receive queue.
    pub dgram_recv_buffer: u32,
    /// Upper bound applied to every `listen` backlog (Linux's `somaxconn`).
    pub max_backlog: u32,
    /// Inclusive range of ephemeral ports, allocated upward from the start.
    pub ephemeral_ports: (u16, u16),
    /// When `true`, a stream `connect` that completes (or fails) without delay returns
    /// `Ok(())` (or the error) at once. When `false` (the default, as a non-blocking
    /// Linux connect does) it always returns `WSAEWOULDBLOCK` and the result is read with
    /// `take_error` after the `WRITABLE` report.
    pub connect_completes_at_once: bool,
    /// Seeded fault probabilities.
    pub faults: FaultConfig,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            send_buffer: 64 * 1024,
            recv_buffer: 64 * 1024,
            dgram_recv_buffer: 208 * 1024,
            max_backlog: 4096,
            ephemeral_ports: (49152, 65535),
            connect_completes_at_once: false,
            faults: FaultConfig::default(),
        }
    }
}

/// Fault probabilities drawn from the seed. All 0 (off) by default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultConfig {
    /// A stream send accepts only a random non-empty prefix of what it could accept.
    pub partial_write: f64,
    /// A send, receive or accept returns a spurious `WSAEWOULDBLOCK` (followed by a
    /// readiness report of the socket's current state).
    pub would_block: f64,
    /// A delivery (data, end of stream, reset, datagram, connection completion) is delayed
    /// by a random time up to `max_delay`.
    pub delay: f64,
    /// Upper bound of a random delay.
    pub max_delay: Duration,
    /// A readiness report is delayed by a random time up to `max_delay`.
    pub delay_readiness: f64,
    /// A stream send resets its connection after delivering its bytes.
    pub reset: f64,
    /// A stream connect is refused (`WSAECONNREFUSED`) although someone listens.
    pub refuse_connect: f64,
    /// A send fails with `WSAENOBUFS` (nothing is sent).
    pub no_buffers: f64,
    /// A datagram is dropped in transit.
    pub drop_datagram: f64,
}

/// Operations that [`Sim::fail_next`](crate::Sim::fail_next) can make fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// `Net::open` (e.g. `WSAEMFILE`).
    Open,
    /// `Net::bind`.
    Bind,
    /// `Net::listen`.
    Listen,
    /// `Net::accept` (the connection stays queued).
    Accept,
    /// `Net::connect`.
    Connect,
    /// `Net::send` (e.g. `WSAENOBUFS`; nothing is sent).
    Send,
    /// `Net::recv` (nothing is consumed).
    Recv,
}
