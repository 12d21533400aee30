//! Overlapped I/O, the Rust-facing side: requests, owned buffers, results, completion
//! ports.
//!
//! Windows' rules (WSARecv/WSASend/WSPRecv pages on Microsoft Learn,
//! <https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsarecv>):
//!
//! * An overlapped call that completes at once returns success **and** still notifies:
//!   the event is set, the completion routine queued, the completion port posted.
//!   Otherwise it fails with `WSA_IO_PENDING` and notifies later. Any other error means
//!   the operation never started and nothing will be notified.
//! * Completion routines run only in an alertable wait of the thread that issued the
//!   request, in completion order, with `(dwError, cbTransferred, lpOverlapped, dwFlags)`.
//! * On one socket, sends complete in issue order and several receives are filled in
//!   issue order.
//! * Closing the socket (or `WSPCleanup`, or shutting the direction down) completes every
//!   pending operation with `WSA_OPERATION_ABORTED`, exactly once, notifying as asked.
//! * `CancelIo`/`CancelIoEx` ([`crate::Engine::cancel_overlapped`]) do the same for the
//!   requests issued on one socket (all, or the one with a given key); a request a
//!   driver is completing at that moment keeps its own result.
//!
//! # Owned buffers
//!
//! The engine never writes through raw pointers. An overlapped request *owns* its
//! buffers ([`RecvBufs`], [`SendBufs`]) until it completes, and hands them back: in the
//! completion-port [`Packet`], or through [`OpHandle::take_buffers`]. `Vec<u8>`,
//! `Vec<Vec<u8>>` and `Box<[u8]>` implement both traits; the C provider implements them
//! over the caller's `WSABUF` memory with its own `unsafe` (the caller guarantees that
//! memory outlives the request, as Windows requires).
//!
//! # One path for both faces
//!
//! A request is named by a `usize` key: the `LPWSAOVERLAPPED` address in C, any value
//! the program likes in Rust. The C provider and a Rust program call the same engine
//! methods ([`crate::Wsp::recv_overlapped`] and friends) with an [`Overlapped`]: the key,
//! an optional [`Event`], an optional completion routine, and whether to skip the
//! socket's completion port (C: `hEvent` with its low bit set).

use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::net::Gate;
use crate::sync::{Clock, Event, ThreadHandle};
use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A completion routine (`LPWSAOVERLAPPED_COMPLETION_ROUTINE`): called with
/// `(dwError, cbTransferred, lpOverlapped, dwFlags)` in an alertable wait of the issuing
/// thread.
pub type CompletionRoutine = Box<dyn FnOnce(u32, u32, usize, u32) + Send + 'static>;

/// Buffers an overlapped receive fills, owned by the request until it completes.
pub trait RecvBufs: Send + 'static {
    /// The buffers to fill, in order (a `WSABUF` array).
    fn slices(&mut self) -> Vec<&mut [u8]>;
    /// Called with the source address of a received datagram (`lpFrom`), before the
    /// request completes. The default ignores it.
    fn set_from(&mut self, _from: &SockAddr) {}
    /// Called with a received datagram's control data (`WSARecvMsg`'s `Control`), in
    /// Windows' encoding (`WSACMSGHDR`s, x64 alignment), before the request completes.
    /// Returns whether it fit; a request without a control buffer ignores it (the
    /// default) and answers `true`.
    fn set_control(&mut self, _control: &[u8]) -> bool {
        true
    }
    /// Back to `Any`, so the owner can downcast what [`Buffers`] returns.
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send>;
}

/// Buffers an overlapped send reads, owned by the request until it completes.
pub trait SendBufs: Send + 'static {
    /// The buffers to send, in order.
    fn slices(&self) -> Vec<&[u8]>;
    /// Back to `Any`, so the owner can downcast what [`Buffers`] returns.
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send>;
}

impl RecvBufs for Vec<u8> {
    fn slices(&mut self) -> Vec<&mut [u8]> {
        vec![self.as_mut_slice()]
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

impl RecvBufs for Box<[u8]> {
    fn slices(&mut self) -> Vec<&mut [u8]> {
        vec![&mut self[..]]
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

impl RecvBufs for Vec<Vec<u8>> {
    fn slices(&mut self) -> Vec<&mut [u8]> {
        self.iter_mut().map(|b| b.as_mut_slice()).collect()
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

impl SendBufs for Vec<u8> {
    fn slices(&self) -> Vec<&[u8]> {
        vec![self.as_slice()]
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

impl SendBufs for Box<[u8]> {
    fn slices(&self) -> Vec<&[u8]> {
        vec![&self[..]]
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

impl SendBufs for Vec<Vec<u8>> {
    fn slices(&self) -> Vec<&[u8]> {
        self.iter().map(|b| b.as_slice()).collect()
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

impl SendBufs for &'static [u8] {
    fn slices(&self) -> Vec<&[u8]> {
        vec![self]
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

/// A receive buffer that also keeps the datagram's source address (`WSARecvFrom`'s
/// `lpFrom`).
#[derive(Debug, Default)]
pub struct RecvFromBuf {
    /// The data buffer.
    pub data: Vec<u8>,
    /// The source address, once a datagram arrived.
    pub from: Option<SockAddr>,
}

impl RecvBufs for RecvFromBuf {
    fn slices(&mut self) -> Vec<&mut [u8]> {
        vec![self.data.as_mut_slice()]
    }
    fn set_from(&mut self, from: &SockAddr) {
        self.from = Some(*from);
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

/// The buffers a request owned, handed back when it completes.
#[derive(Default)]
pub enum Buffers {
    /// None (taken already, or the operation had none).
    #[default]
    None,
    /// A receive's buffers.
    Recv(Box<dyn RecvBufs>),
    /// A send's buffers.
    Send(Box<dyn SendBufs>),
}

impl fmt::Debug for Buffers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Buffers::None => "Buffers::None",
            Buffers::Recv(_) => "Buffers::Recv(..)",
            Buffers::Send(_) => "Buffers::Send(..)",
        })
    }
}

impl Buffers {
    /// The buffers as the type they were given as (`Vec<u8>`, ...), if they are one.
    pub fn downcast<T: 'static>(self) -> Option<T> {
        let any = match self {
            Buffers::None => return None,
            Buffers::Recv(b) => b.into_any(),
            Buffers::Send(b) => b.into_any(),
        };
        any.downcast::<T>().ok().map(|b| *b)
    }
    /// Whether there are none.
    pub fn is_none(&self) -> bool {
        matches!(self, Buffers::None)
    }
}

/// An overlapped request's notification choices (the `WSAOVERLAPPED` and the completion
/// routine of the C call).
pub struct Overlapped {
    /// Names the request: the `LPWSAOVERLAPPED` address in C, any value in Rust. Passed to
    /// the completion routine, returned in completion-port packets, and looked up by
    /// `WSPGetOverlappedResult`. Reusing a key replaces the record of the earlier request
    /// (as reusing a `WSAOVERLAPPED` does).
    pub key: usize,
    /// Set when the request completes (`hEvent`). Ignored when a routine is given, as
    /// Windows ignores `hEvent` then.
    pub event: Option<Event>,
    /// Queued to [`Overlapped::thread`] when the request completes.
    pub routine: Option<CompletionRoutine>,
    /// Where the routine runs; `None` is the issuing thread (`lpThreadId`).
    pub thread: Option<ThreadHandle>,
    /// Do not post to the socket's completion port (C: `hEvent` with the low bit set).
    pub skip_port: bool,
}

impl fmt::Debug for Overlapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Overlapped")
            .field("key", &self.key)
            .field("event", &self.event)
            .field("routine", &self.routine.is_some())
            .field("skip_port", &self.skip_port)
            .finish()
    }
}

impl Overlapped {
    /// A request named `key` with no event and no routine (a completion port, or
    /// `WSPGetOverlappedResult` with `fWait`, reports it).
    pub fn new(key: usize) -> Overlapped {
        Overlapped {
            key,
            event: None,
            routine: None,
            thread: None,
            skip_port: false,
        }
    }
    /// With an event to set on completion.
    pub fn with_event(mut self, event: &Event) -> Overlapped {
        self.event = Some(event.clone());
        self
    }
    /// With a completion routine, queued to the issuing thread.
    pub fn with_routine(
        mut self,
        routine: impl FnOnce(u32, u32, usize, u32) + Send + 'static,
    ) -> Overlapped {
        self.routine = Some(Box::new(routine));
        self
    }
}

/// How an overlapped operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpResult {
    /// `None` on success; else the operation's own error (`WSA_OPERATION_ABORTED`,
    /// `WSAECONNRESET`, `WSAEMSGSIZE`...).
    pub error: Option<WsaError>,
    /// Bytes transferred (`cbTransferred`).
    pub bytes: u32,
    /// Result flags (`dwFlags`: `MSG_PARTIAL` for a truncated datagram).
    pub flags: u32,
}

impl OpResult {
    /// Success with `bytes`.
    pub fn ok(bytes: usize, flags: u32) -> OpResult {
        OpResult {
            error: None,
            bytes: u32::try_from(bytes).unwrap_or(u32::MAX),
            flags,
        }
    }
    /// Failure.
    pub fn err(e: WsaError) -> OpResult {
        OpResult {
            error: Some(e),
            bytes: 0,
            flags: 0,
        }
    }
    /// `dwError` as a completion routine receives it (0 on success).
    pub fn code(&self) -> u32 {
        self.error.map_or(0, |e| e.code() as u32)
    }
}

/// What an overlapped call returns when the operation started.
#[derive(Debug)]
pub struct Issued {
    /// The operation, to wait on and take the buffers back from.
    pub op: OpHandle,
    /// `Some` if it completed inside the call (the C call returns 0 and writes
    /// `*lpNumberOfBytes`, `*lpFlags`); `None` means `WSA_IO_PENDING`. Either way the
    /// notifications asked for happen (or happened).
    pub immediate: Option<OpResult>,
}

/// A handle on one overlapped operation. Clones name the same operation.
#[derive(Clone)]
pub struct OpHandle {
    pub(crate) inner: Arc<OpShared>,
}

impl fmt::Debug for OpHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpHandle")
            .field("socket", &self.inner.socket)
            .field("key", &self.inner.key)
            .field("result", &self.result())
            .finish()
    }
}

impl OpHandle {
    /// The request's key.
    pub fn key(&self) -> usize {
        self.inner.key
    }
    /// The socket that issued it.
    pub fn socket(&self) -> crate::types::SOCKET {
        self.inner.socket
    }
    /// The result, once complete.
    pub fn result(&self) -> Option<OpResult> {
        self.inner.lock().result
    }
    /// Wait on `clock` until complete, or `timeout` (then `None`).
    pub fn wait<C: Clock + ?Sized>(
        &self,
        clock: &C,
        timeout: Option<Duration>,
    ) -> Option<OpResult> {
        let deadline = timeout.and_then(|t| clock.now().checked_add(t));
        let mut out = None;
        clock.block_until(&self.inner.gate, deadline, &mut || {
            out = self.result();
            out.is_some()
        });
        out
    }
    /// Take the buffers back (once complete, unless they went to a completion port).
    pub fn take_buffers(&self) -> Buffers {
        let mut st = self.inner.lock();
        if st.result.is_none() {
            return Buffers::None;
        }
        std::mem::take(&mut st.buffers)
    }
    /// The source address a receive-from saw.
    pub fn from(&self) -> Option<SockAddr> {
        self.inner.lock().from
    }
    /// Run `f` with the result once the operation completes: at once on this thread if it
    /// already has, else on the completing thread when the result is stored, before the
    /// issuer is notified (event, routine, port). Each watcher runs exactly once (an
    /// observer such as the trace layer records completions with it). A watcher may run
    /// on the provider's own thread with its locks held: it must be short and must not
    /// call back into the provider.
    pub fn on_complete(&self, f: impl FnOnce(OpResult) + Send + 'static) {
        let mut st = self.inner.lock();
        match st.result {
            Some(r) => {
                drop(st);
                f(r);
            }
            None => st.watchers.push(Box::new(f)),
        }
    }
}

impl OpHandle {
    /// An operation that runs outside this engine (a provider reached through its C table,
    /// a layer over another `Wsp`), holding `buffers` until it completes. The
    /// [`OpCompleter`] stores its outcome; notifying (event, routine, port) is the
    /// caller's business.
    pub fn external(
        socket: crate::types::SOCKET,
        key: usize,
        buffers: Buffers,
    ) -> (OpHandle, OpCompleter) {
        let inner = OpShared::new(socket, key, buffers);
        inner.lock().issuing = false;
        (
            OpHandle {
                inner: inner.clone(),
            },
            OpCompleter { inner },
        )
    }
}

/// The completing side of an [`OpHandle::external`] operation.
pub struct OpCompleter {
    inner: Arc<OpShared>,
}

impl fmt::Debug for OpCompleter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpCompleter")
            .field("key", &self.inner.key)
            .finish_non_exhaustive()
    }
}

impl OpCompleter {
    /// Work on the buffers the operation holds (before completing it).
    pub fn with_buffers<R>(&self, f: impl FnOnce(&mut Buffers) -> R) -> R {
        f(&mut self.inner.lock().buffers)
    }
    /// Record a receive-from's source address ([`OpHandle::from`]).
    pub fn set_from(&self, from: SockAddr) {
        self.inner.lock().from = Some(from);
    }
    /// Store the outcome and wake the handle's waiters. Returns `false` (and changes
    /// nothing) if the operation was already complete.
    pub fn complete(&self, r: OpResult) -> bool {
        let watchers = {
            let mut st = self.inner.lock();
            if st.result.is_some() {
                return false;
            }
            st.result = Some(r);
            std::mem::take(&mut st.watchers)
        };
        for w in watchers {
            w(r);
        }
        self.inner.gate.notify();
        true
    }
}

/// Shared state of one operation.
pub(crate) struct OpShared {
    pub socket: crate::types::SOCKET,
    pub key: usize,
    pub state: Mutex<OpState>,
    /// Notified when the operation completes.
    pub gate: Gate,
}

pub(crate) struct OpState {
    pub result: Option<OpResult>,
    pub buffers: Buffers,
    pub from: Option<SockAddr>,
    /// The issuing call has not returned yet: an error now is reported by that call, with
    /// no notification (Windows: "any other error code indicates that the overlapped
    /// operation was not successfully initiated and no completion indication will occur").
    pub issuing: bool,
    /// The result went to the issuing call instead of being notified.
    pub failed_inline: bool,
    /// Run with the result when it is stored ([`OpHandle::on_complete`]).
    pub watchers: Vec<Watcher>,
}

/// An [`OpHandle::on_complete`] callback.
pub(crate) type Watcher = Box<dyn FnOnce(OpResult) + Send + 'static>;

impl OpShared {
    pub fn new(socket: crate::types::SOCKET, key: usize, buffers: Buffers) -> Arc<OpShared> {
        Arc::new(OpShared {
            socket,
            key,
            state: Mutex::new(OpState {
                result: None,
                buffers,
                from: None,
                issuing: true,
                failed_inline: false,
                watchers: Vec::new(),
            }),
            gate: Gate::new(),
        })
    }
    pub fn lock(&self) -> MutexGuard<'_, OpState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A completion packet (what `GetQueuedCompletionStatus` returns).
#[derive(Debug)]
pub struct Packet {
    /// Bytes transferred (`lpNumberOfBytesTransferred`).
    pub bytes: u32,
    /// The key the socket was associated with (`lpCompletionKey`).
    pub key: usize,
    /// The request's key (`lpOverlapped`); for posted packets, what was posted.
    pub overlapped: usize,
    /// The operation's error (`GetQueuedCompletionStatus` returns FALSE with a non-null
    /// `lpOverlapped` and this error); `None` on success.
    pub status: Option<WsaError>,
    /// Result flags (`MSG_PARTIAL`).
    pub flags: u32,
    /// The request's buffers, handed back.
    pub buffers: Buffers,
}

/// A completion port (`CreateIoCompletionPort`). Clones name the same port.
///
/// Associate sockets with [`crate::Engine::associate_port`]; every overlapped operation
/// they start afterwards posts a [`Packet`] when it completes (unless its request says
/// [`Overlapped::skip_port`]). Any number of threads may wait in [`CompletionPort::get`];
/// each packet goes to exactly one of them, oldest packet first.
#[derive(Clone, Default)]
pub struct CompletionPort {
    inner: Arc<PortInner>,
}

#[derive(Default)]
struct PortInner {
    queue: Mutex<VecDeque<Packet>>,
    gate: Gate,
}

impl fmt::Debug for CompletionPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompletionPort")
            .field("queued", &self.len())
            .finish()
    }
}

impl CompletionPort {
    /// A new, empty port.
    pub fn new() -> CompletionPort {
        CompletionPort::default()
    }

    fn queue(&self) -> MutexGuard<'_, VecDeque<Packet>> {
        self.inner.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a packet (`PostQueuedCompletionStatus` for custom packets).
    pub fn post(&self, bytes: u32, key: usize, overlapped: usize) {
        self.post_packet(Packet {
            bytes,
            key,
            overlapped,
            status: None,
            flags: 0,
            buffers: Buffers::None,
        });
    }

    pub(crate) fn post_packet(&self, p: Packet) {
        self.queue().push_back(p);
        self.inner.gate.notify();
    }

    /// Packets queued and not yet taken.
    pub fn len(&self) -> usize {
        self.queue().len()
    }

    /// Whether no packet is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Take the oldest packet, waiting on `clock` up to `timeout` (`None` forever,
    /// `Some(ZERO)` polls). `None` when the time ran out (`WAIT_TIMEOUT`).
    pub fn get<C: Clock + ?Sized>(&self, clock: &C, timeout: Option<Duration>) -> Option<Packet> {
        if let Some(p) = self.queue().pop_front() {
            return Some(p);
        }
        if timeout == Some(Duration::ZERO) {
            return None;
        }
        let deadline = timeout.and_then(|t| clock.now().checked_add(t));
        let mut out = None;
        clock.block_until(&self.inner.gate, deadline, &mut || {
            out = self.queue().pop_front();
            out.is_some()
        });
        out
    }

    /// Whether two values name the same port.
    pub fn same(&self, other: &CompletionPort) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// `SIO_GET_EXTENSION_FUNCTION_POINTER` (`_WSAIORW(IOC_WS2, 6)`), re-exported here.
pub use crate::types::SIO_GET_EXTENSION_FUNCTION_POINTER;
/// `TF_DISCONNECT`: start a disconnect after the transfer (TransmitPackets, DisconnectEx).
pub const TF_DISCONNECT: u32 = 0x01;
/// `TF_REUSE_SOCKET`: the socket may be given to AcceptEx or ConnectEx again.
pub const TF_REUSE_SOCKET: u32 = 0x02;

const fn guid(d1: u32, d2: u16, d3: u16, d4: [u8; 8]) -> crate::types::GUID {
    crate::types::GUID {
        Data1: d1,
        Data2: d2,
        Data3: d3,
        Data4: d4,
    }
}

/// `WSAID_ACCEPTEX` (mswsock.h).
pub const WSAID_ACCEPTEX: crate::types::GUID = guid(
    0xb536_7df1,
    0xcbac,
    0x11cf,
    [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92],
);
/// `WSAID_GETACCEPTEXSOCKADDRS`.
pub const WSAID_GETACCEPTEXSOCKADDRS: crate::types::GUID = guid(
    0xb536_7df2,
    0xcbac,
    0x11cf,
    [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92],
);
/// `WSAID_TRANSMITFILE` (recognised; files are not supported, see [`ExtensionFn`]).
pub const WSAID_TRANSMITFILE: crate::types::GUID = guid(
    0xb536_7df0,
    0xcbac,
    0x11cf,
    [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92],
);
/// `WSAID_CONNECTEX`.
pub const WSAID_CONNECTEX: crate::types::GUID = guid(
    0x25a2_07b9,
    0xddf3,
    0x4660,
    [0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e],
);
/// `WSAID_DISCONNECTEX`.
pub const WSAID_DISCONNECTEX: crate::types::GUID = guid(
    0x7fda_2e11,
    0x8630,
    0x436f,
    [0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57],
);
/// `WSAID_TRANSMITPACKETS`.
pub const WSAID_TRANSMITPACKETS: crate::types::GUID = guid(
    0xd968_9da0,
    0x1f90,
    0x11d3,
    [0x99, 0x71, 0x00, 0xc0, 0x4f, 0x68, 0xc8, 0x76],
);
/// `WSAID_WSARECVMSG`.
pub const WSAID_WSARECVMSG: crate::types::GUID = guid(
    0xf689_d7c8,
    0x6f1f,
    0x436b,
    [0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22],
);
/// `WSAID_WSASENDMSG`.
pub const WSAID_WSASENDMSG: crate::types::GUID = guid(
    0xa441_e712,
    0x754f,
    0x43ca,
    [0x84, 0xa7, 0x0d, 0xee, 0x44, 0xcf, 0x60, 0x6d],
);

/// The extension functions `SIO_GET_EXTENSION_FUNCTION_POINTER` can name.
///
/// # For the provider (C ABI) author
/// The engine answers the ioctl for a known GUID by writing the variant's value
/// (`ExtensionFn as usize`, native-endian, `size_of::<usize>()` bytes) into the output
/// buffer and returning that length; an output shorter than a pointer is `WSAEFAULT`,
/// an input shorter than a GUID is `WSAEFAULT`, an unknown GUID is `WSAEINVAL`. The
/// provider intercepts the ioctl's output and replaces the identifier with the address
/// of its own `extern "system"` function for that variant, which unpacks the C
/// arguments and calls the matching engine method:
///
/// | variant | engine method |
/// |---|---|
/// | `AcceptEx` | [`crate::Engine::accept_ex`] |
/// | `GetAcceptExSockaddrs` | [`get_accept_ex_sockaddrs`] (pure; no engine call) |
/// | `ConnectEx` | [`crate::Engine::connect_ex`] |
/// | `DisconnectEx` | [`crate::Engine::disconnect_ex`] |
/// | `TransmitPackets` | [`crate::Engine::transmit_packets`] (memory elements only) |
/// | `TransmitFile` | [`crate::Engine::transmit_file`] (see [`crate::engine::transmit_file`]) |
/// | `WsaRecvMsg` | [`crate::Engine::recv_msg`] |
/// | `WsaSendMsg` | [`crate::Engine::send_msg`] |
///
/// Each engine method takes an [`Overlapped`] and returns [`Issued`] exactly like
/// [`crate::Wsp::recv_overlapped`]: `Ok` with `immediate: None` is `WSA_IO_PENDING`
/// (`ERROR_IO_PENDING` for the BOOL-returning functions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(usize)]
pub enum ExtensionFn {
    /// `AcceptEx`.
    AcceptEx = 1,
    /// `GetAcceptExSockaddrs`.
    GetAcceptExSockaddrs = 2,
    /// `ConnectEx`.
    ConnectEx = 3,
    /// `DisconnectEx`.
    DisconnectEx = 4,
    /// `TransmitFile`.
    TransmitFile = 5,
    /// `TransmitPackets`.
    TransmitPackets = 6,
    /// `WSARecvMsg`.
    WsaRecvMsg = 7,
    /// `WSASendMsg`.
    WsaSendMsg = 8,
}

impl ExtensionFn {
    /// The function a GUID names.
    pub fn from_guid(g: &crate::types::GUID) -> Option<ExtensionFn> {
        const TABLE: [(crate::types::GUID, ExtensionFn); 8] = [
            (WSAID_ACCEPTEX, ExtensionFn::AcceptEx),
            (
                WSAID_GETACCEPTEXSOCKADDRS,
                ExtensionFn::GetAcceptExSockaddrs,
            ),
            (WSAID_CONNECTEX, ExtensionFn::ConnectEx),
            (WSAID_DISCONNECTEX, ExtensionFn::DisconnectEx),
            (WSAID_TRANSMITFILE, ExtensionFn::TransmitFile),
            (WSAID_TRANSMITPACKETS, ExtensionFn::TransmitPackets),
            (WSAID_WSARECVMSG, ExtensionFn::WsaRecvMsg),
            (WSAID_WSASENDMSG, ExtensionFn::WsaSendMsg),
        ];
        TABLE.iter().find(|(x, _)| x == g).map(|&(_, f)| f)
    }
    /// The identifier value the ioctl writes.
    pub fn from_id(id: usize) -> Option<ExtensionFn> {
        use ExtensionFn::*;
        [
            AcceptEx,
            GetAcceptExSockaddrs,
            ConnectEx,
            DisconnectEx,
            TransmitFile,
            TransmitPackets,
            WsaRecvMsg,
            WsaSendMsg,
        ]
        .into_iter()
        .find(|f| *f as usize == id)
    }
}

/// A GUID from the 16 bytes of its Windows layout.
pub fn guid_from_bytes(b: &[u8]) -> Option<crate::types::GUID> {
    let b: &[u8; 16] = b.get(..16)?.try_into().ok()?;
    let mut d4 = [0u8; 8];
    d4.copy_from_slice(&b[8..16]);
    Some(guid(
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_le_bytes([b[4], b[5]]),
        u16::from_le_bytes([b[6], b[7]]),
        d4,
    ))
}

/// The 16 bytes of a GUID in its Windows layout (the ioctl's input).
pub fn guid_to_bytes(g: &crate::types::GUID) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0..4].copy_from_slice(&g.Data1.to_le_bytes());
    b[4..6].copy_from_slice(&g.Data2.to_le_bytes());
    b[6..8].copy_from_slice(&g.Data3.to_le_bytes());
    b[8..16].copy_from_slice(&g.Data4);
    b
}

/// Room AcceptEx needs per address: the address length plus 16 (AcceptEx page:
/// "at least 16 bytes more than the maximum address length").
pub const fn accept_ex_addr_room(addr_len: usize) -> usize {
    addr_len + 16
}

/// `GetAcceptExSockaddrs`: the local and remote addresses AcceptEx wrote into its
/// output buffer. Each address slot (at `receive_len`, and at `receive_len + local_len`)
/// holds a little-endian `i32` length followed by the `SOCKADDR` (the layout Wine's
/// mswsock uses). Returns `None` if the buffer is too short for what the lengths say.
pub fn get_accept_ex_sockaddrs(
    buf: &[u8],
    receive_len: usize,
    local_len: usize,
    remote_len: usize,
) -> Option<(SockAddr, SockAddr)> {
    let slot = |at: usize, room: usize| -> Option<SockAddr> {
        let len = buf.get(at..at + 4)?;
        let len = i32::from_le_bytes([len[0], len[1], len[2], len[3]]);
        let len = usize::try_from(len).ok()?;
        if len + 4 > room {
            return None;
        }
        Some(SockAddr::from_bytes(buf.get(at + 4..at + 4 + len)?))
    };
    Some((
        slot(receive_len, local_len)?,
        slot(receive_len + local_len, remote_len)?,
    ))
}
