//! [`WspExt`]: what a provider offers beyond the 30 `WSPPROC_TABLE` entries — the mswsock
//! extension functions that `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out, and the two
//! completion-port calls a host needs (`CreateIoCompletionPort` on a socket, `CancelIoEx`).
//!
//! The engine implements it over its own methods; [`super::Layered`] implements it so that
//! a layer sees (and may change) every one of these calls, exactly like the `Wsp` ones.
//! A provider that has none of them keeps the defaults, which fail `WSAEOPNOTSUPP`, the
//! project's "not built" answer.

use crate::addr::SockAddr;
use crate::engine::transmit_file::TransmitFileRequest;
use crate::engine::Engine;
use crate::error::WsaError;
use crate::net::Net;
use crate::overlapped::{CompletionPort, Issued, Overlapped, RecvBufs, SendBufs};
use crate::types::SOCKET;
use crate::wsp::{Wsp, WspResult};

/// The extension functions and completion-port calls, over a [`Wsp`].
///
/// Every overlapped method behaves like [`Wsp::recv_overlapped`]: `Ok` means the operation
/// started (`immediate: None` is `WSA_IO_PENDING`), `Err` means it never did and nothing
/// will be notified. See [`crate::overlapped::ExtensionFn`] for what each one does.
pub trait WspExt: Wsp {
    /// `AcceptEx` (see [`Engine::accept_ex`] for the buffer layout).
    #[allow(clippy::too_many_arguments)]
    fn accept_ex(
        &self,
        _listen: SOCKET,
        _accept: SOCKET,
        _buf: Box<dyn RecvBufs>,
        _receive_len: usize,
        _local_len: usize,
        _remote_len: usize,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `ConnectEx`.
    fn connect_ex(
        &self,
        _s: SOCKET,
        _name: &SockAddr,
        _data: Option<Box<dyn SendBufs>>,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `DisconnectEx`.
    fn disconnect_ex(&self, _s: SOCKET, _flags: u32, _ov: Overlapped) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `TransmitPackets` (memory elements).
    fn transmit_packets(
        &self,
        _s: SOCKET,
        _packets: Box<dyn SendBufs>,
        _flags: u32,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `TransmitFile` (see [`Engine::transmit_file`]).
    fn transmit_file(
        &self,
        _s: SOCKET,
        _req: TransmitFileRequest,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `WSARecvMsg`.
    fn recv_msg(
        &self,
        _s: SOCKET,
        _bufs: Box<dyn RecvBufs>,
        _flags: u32,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `WSASendMsg`.
    fn send_msg(
        &self,
        _s: SOCKET,
        _bufs: Box<dyn SendBufs>,
        _flags: u32,
        _to: Option<&SockAddr>,
        _ov: Overlapped,
    ) -> WspResult<Issued> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// Associate `s` with a completion port under `key` (`CreateIoCompletionPort` on a
    /// socket; see [`Engine::associate_port`]).
    fn associate_port(&self, _s: SOCKET, _port: &CompletionPort, _key: usize) -> WspResult<()> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// Cancel `s`'s pending overlapped requests, all or the one keyed `key`
    /// (`CancelIo`/`CancelIoEx`; see [`Engine::cancel_overlapped`]). Returns how many.
    fn cancel_overlapped(&self, _s: SOCKET, _key: Option<usize>) -> WspResult<usize> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    /// `SetFileCompletionNotificationModes` on a socket (see
    /// [`Engine::set_completion_notification_modes`]). Layers do not forward it (the
    /// layer owns the port association): `WSAEOPNOTSUPP` there.
    fn set_completion_notification_modes(&self, _s: SOCKET, _flags: u8) -> WspResult<()> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
}

impl<N: Net> WspExt for Engine<N> {
    fn accept_ex(
        &self,
        listen: SOCKET,
        accept: SOCKET,
        buf: Box<dyn RecvBufs>,
        receive_len: usize,
        local_len: usize,
        remote_len: usize,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        Engine::accept_ex(
            self,
            listen,
            accept,
            buf,
            receive_len,
            local_len,
            remote_len,
            ov,
        )
    }
    fn connect_ex(
        &self,
        s: SOCKET,
        name: &SockAddr,
        data: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        Engine::connect_ex(self, s, name, data, ov)
    }
    fn disconnect_ex(&self, s: SOCKET, flags: u32, ov: Overlapped) -> WspResult<Issued> {
        Engine::disconnect_ex(self, s, flags, ov)
    }
    fn transmit_packets(
        &self,
        s: SOCKET,
        packets: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        Engine::transmit_packets(self, s, packets, flags, ov)
    }
    fn transmit_file(
        &self,
        s: SOCKET,
        req: TransmitFileRequest,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        Engine::transmit_file(self, s, req, ov)
    }
    fn recv_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        Engine::recv_msg(self, s, bufs, flags, ov)
    }
    fn send_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        Engine::send_msg(self, s, bufs, flags, to, ov)
    }
    fn associate_port(&self, s: SOCKET, port: &CompletionPort, key: usize) -> WspResult<()> {
        Engine::associate_port(self, s, port, key)
    }
    fn cancel_overlapped(&self, s: SOCKET, key: Option<usize>) -> WspResult<usize> {
        Engine::cancel_overlapped(self, s, key)
    }
    fn set_completion_notification_modes(&self, s: SOCKET, flags: u8) -> WspResult<()> {
        Engine::set_completion_notification_modes(self, s, flags)
    }
}
