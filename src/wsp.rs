//! The `Wsp` trait: the Winsock service provider interface in Rust form.
//!
//! One method per entry of `WSPPROC_TABLE` (plus [`Wsp::startup`] for `WSPStartup`), with
//! typed arguments and `Result<_, WsaError>` in place of `lpErrno`. Everything above this
//! trait (the C provider table, the ws2_32 shim, the conformance suite, layered providers)
//! is written against it; the engine implements it.
//!
//! Buffers are Rust slices; overlapped forms of the data calls are separate methods (the
//! overlapped issue adds them) that share the engine path with these.

use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::overlapped::{Issued, OpResult, Overlapped, RecvBufs, SendBufs};
use crate::sync::{Event, Hwnd};
use crate::types::{Qos, GROUP, SOCKET, TIMEVAL, WSANETWORKEVENTS, WSAPROTOCOL_INFOW, WSPDATA};

/// Result alias.
pub type WspResult<T> = Result<T, WsaError>;

/// Winsock's `fd_set`: a count and an array of handles (not a bitmap).
///
/// `FD_SETSIZE` is 64 by default in C; this type grows as needed, and the C layers bound it
/// by the caller's declared size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FdSet {
    /// The handles in the set, in order.
    pub fd_array: Vec<SOCKET>,
}

impl FdSet {
    /// An empty set (`FD_ZERO`).
    pub fn new() -> FdSet {
        FdSet::default()
    }
    /// Add a handle unless present (`FD_SET`).
    pub fn set(&mut self, s: SOCKET) {
        if !self.fd_array.contains(&s) {
            self.fd_array.push(s);
        }
    }
    /// Remove a handle (`FD_CLR`).
    pub fn clear(&mut self, s: SOCKET) {
        self.fd_array.retain(|&x| x != s);
    }
    /// Whether the handle is present (`FD_ISSET`).
    pub fn is_set(&self, s: SOCKET) -> bool {
        self.fd_array.contains(&s)
    }
    /// `fd_count`.
    pub fn len(&self) -> usize {
        self.fd_array.len()
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.fd_array.is_empty()
    }
}

/// An output buffer with a length (a `WSABUF` that the callee fills): `buf` is the room
/// offered, `len` is set to the bytes written.
#[derive(Debug)]
pub struct OutBuf<'a> {
    /// Room offered.
    pub buf: &'a mut [u8],
    /// Bytes written.
    pub len: usize,
}

/// What `WSPAccept`'s condition function decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionDecision {
    /// `CF_ACCEPT`.
    Accept,
    /// `CF_REJECT`.
    Reject,
    /// `CF_DEFER`.
    Defer,
}

/// Arguments handed to a `WSPAccept` condition function.
#[derive(Debug)]
pub struct AcceptCondition<'a> {
    /// The caller's address (`lpCallerId`).
    pub caller_id: SockAddr,
    /// Connect data from the caller (`lpCallerData`), if the protocol carries it.
    pub caller_data: Option<&'a [u8]>,
    /// Flow spec from the caller (`lpSQOS`).
    pub sqos: Option<&'a Qos>,
    /// Group QoS (`lpGQOS`).
    pub gqos: Option<&'a Qos>,
    /// The local address the connection arrived at (`lpCalleeId`).
    pub callee_id: SockAddr,
    /// Room for connect data to return to the caller (`lpCalleeData`), if supported.
    pub callee_data: Option<OutBuf<'a>>,
    /// Group to join (`g`).
    pub group: GROUP,
}

/// A `WSPAccept` condition function (`LPCONDITIONPROC`).
pub type ConditionFn<'a> = dyn FnMut(&mut AcceptCondition<'_>) -> ConditionDecision + 'a;

/// The Winsock service provider interface.
pub trait Wsp: Send + Sync {
    /// `WSPStartup`: negotiate a version and count one more user of the provider.
    fn startup(&self, version_requested: u16) -> WspResult<WSPDATA>;
    /// `WSPCleanup`: one user fewer; the last one closes every socket.
    fn cleanup(&self) -> WspResult<()>;

    /// `WSPSocket`.
    fn socket(
        &self,
        af: i32,
        ty: i32,
        protocol: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        group: GROUP,
        flags: u32,
    ) -> WspResult<SOCKET>;
    /// `WSPCloseSocket`.
    fn close_socket(&self, s: SOCKET) -> WspResult<()>;
    /// `WSPBind`.
    fn bind(&self, s: SOCKET, name: &SockAddr) -> WspResult<()>;
    /// `WSPListen`.
    fn listen(&self, s: SOCKET, backlog: i32) -> WspResult<()>;
    /// `WSPAccept`. `addr`, if given, is an output buffer whose `len()` is the capacity.
    fn accept(
        &self,
        s: SOCKET,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> WspResult<SOCKET>;
    /// `WSPConnect`.
    fn connect(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
    ) -> WspResult<()>;
    /// `WSPJoinLeaf`.
    #[allow(clippy::too_many_arguments)]
    fn join_leaf(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
        flags: u32,
    ) -> WspResult<SOCKET>;

    /// `WSPSend` (non-overlapped). Returns bytes sent.
    fn send(&self, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize>;
    /// `WSPSendTo` (non-overlapped). `to` is ignored on connected stream sockets.
    fn send_to(
        &self,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize>;
    /// `WSPRecv` (non-overlapped). Returns bytes received; `flags` is in/out
    /// (`MSG_PARTIAL` may be set on return). A truncated datagram gives `WSAEMSGSIZE` with
    /// the buffers filled.
    fn recv(&self, s: SOCKET, bufs: &mut [&mut [u8]], flags: &mut u32) -> WspResult<usize>;
    /// `WSPRecvFrom` (non-overlapped).
    fn recv_from(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize>;
    /// `WSPSendDisconnect`.
    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> WspResult<()>;
    /// `WSPRecvDisconnect`. Returns the bytes of disconnect data copied.
    fn recv_disconnect(&self, s: SOCKET, data: Option<&mut [u8]>) -> WspResult<usize>;
    /// `WSPShutdown`.
    fn shutdown(&self, s: SOCKET, how: i32) -> WspResult<()>;

    /// `WSPGetSockName`. `name.len()` is the capacity on entry, the length on return.
    fn get_sock_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()>;
    /// `WSPGetPeerName`.
    fn get_peer_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()>;
    /// `WSPGetSockOpt`. Returns the length written into `optval`.
    fn get_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &mut [u8])
        -> WspResult<usize>;
    /// `WSPSetSockOpt`.
    fn set_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &[u8]) -> WspResult<()>;
    /// `WSPIoctl` (non-overlapped). Returns `*lpcbBytesReturned`.
    fn ioctl(&self, s: SOCKET, code: u32, input: &[u8], output: &mut [u8]) -> WspResult<usize>;

    /// `WSPEventSelect`. `event` `None` with mask 0 cancels.
    fn event_select(&self, s: SOCKET, event: Option<&Event>, network_events: i32) -> WspResult<()>;
    /// `WSPEnumNetworkEvents`: report and clear the recorded events; reset `event` if given.
    fn enum_network_events(&self, s: SOCKET, event: Option<&Event>) -> WspResult<WSANETWORKEVENTS>;
    /// `WSPAsyncSelect`.
    fn async_select(&self, s: SOCKET, hwnd: Option<&Hwnd>, msg: u32, events: i32) -> WspResult<()>;
    /// `WSPSelect`. The sets are rewritten to the ready handles; returns their total.
    fn select(
        &self,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize>;
    /// `WSPCancelBlockingCall`: cancel the calling thread's... see the method docs on the
    /// engine; Winsock 2 cancels a blocking call in progress on the calling thread's behalf.
    fn cancel_blocking_call(&self) -> WspResult<()>;

    /// `WSPDuplicateSocket`: describe `s` for process `pid`.
    fn duplicate_socket(&self, s: SOCKET, pid: u32) -> WspResult<WSAPROTOCOL_INFOW>;
    /// `WSPGetOverlappedResult` for the operation identified by `overlapped` (the address
    /// or id of the caller's `WSAOVERLAPPED`). Returns `(bytes, flags)`.
    fn get_overlapped_result(
        &self,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<(usize, u32)>;
    /// `WSPGetOverlappedResult` with the operation's whole outcome, for callers that need
    /// the byte count and flags of a *failed* operation too (a truncated datagram:
    /// `WSAEMSGSIZE` with `MSG_PARTIAL`). `Ok(r)` once complete, `r.error` being the
    /// operation's own error; `Err(WSA_IO_INCOMPLETE)` while pending without `wait`.
    fn get_overlapped_result_ex(
        &self,
        _s: SOCKET,
        _overlapped: usize,
        _wait: bool,
    ) -> WspResult<OpResult> {
        Err(WsaError::WSAEOPNOTSUPP)
    }

    /// `WSPSend` with a `WSAOVERLAPPED` (see [`crate::overlapped`]). `Ok` means the
    /// operation started: [`Issued::immediate`] is `Some` if it already completed (the C
    /// call returns 0) and `None` for `WSA_IO_PENDING`; either way the notifications in
    /// `ov` happen. `Err` means it never started and nothing will be notified. On a socket
    /// made without `WSA_FLAG_OVERLAPPED` the request is ignored and the call is an
    /// ordinary `WSPSend`.
    fn send_overlapped(
        &self,
        _s: SOCKET,
        _bufs: Box<dyn SendBufs>,
        _flags: u32,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `WSPSendTo` with a `WSAOVERLAPPED`; see [`Wsp::send_overlapped`].
    fn send_to_overlapped(
        &self,
        _s: SOCKET,
        _bufs: Box<dyn SendBufs>,
        _flags: u32,
        _to: Option<&SockAddr>,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `WSPRecv` with a `WSAOVERLAPPED`; see [`Wsp::send_overlapped`]. The result flags
    /// (`*lpFlags`) are in the [`OpResult`].
    fn recv_overlapped(
        &self,
        _s: SOCKET,
        _bufs: Box<dyn RecvBufs>,
        _flags: u32,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `WSPRecvFrom` with a `WSAOVERLAPPED`: the source address goes to
    /// [`RecvBufs::set_from`] before completion (and to [`crate::overlapped::OpHandle::from`]).
    fn recv_from_overlapped(
        &self,
        _s: SOCKET,
        _bufs: Box<dyn RecvBufs>,
        _flags: u32,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `WSPIoctl` with a `WSAOVERLAPPED`: `output`'s first buffer is `lpvOutBuffer`;
    /// the byte count (`*lpcbBytesReturned`) is the result's `bytes`.
    fn ioctl_overlapped(
        &self,
        _s: SOCKET,
        _code: u32,
        _input: &[u8],
        _output: Box<dyn RecvBufs>,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }

    /// `WSPGetQOSByName`: fill `qos` from the template `name`.
    fn get_qos_by_name(&self, s: SOCKET, name: &str, qos: &mut Qos) -> WspResult<()>;

    /// `WSPAddressToString`.
    fn address_to_string(
        &self,
        addr: &SockAddr,
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WspResult<String>;
    /// `WSPStringToAddress`. `out.len()` is the capacity on entry.
    fn string_to_address(
        &self,
        text: &str,
        af: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> WspResult<()>;
}
