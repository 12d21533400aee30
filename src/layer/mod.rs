//! Layered providers: a [`Layer`] over the next provider in a protocol chain.
//!
//! A layered service provider (an LSP, in Windows' words) sits over another provider and
//! sees every call the application makes. Here a layer implements [`Layer`]: one method per
//! [`Wsp`] method (and per [`WspExt`] method), each with a `next` argument, the provider
//! below. Every method has a default body that passes the call through unchanged, so a
//! layer writes only the calls it cares about. [`Layered`] turns a layer and a next
//! provider (the engine, a [`crate::Wsp`] over a foreign `WSPPROC_TABLE`, or another
//! `Layered`) into a provider again.
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use wsp::layer::{Layer, Layered};
//! use wsp::types::*;
//! use wsp::wsp::WspResult;
//! use wsp::{Engine, SockAddr, Wsp};
//!
//! /// Counts the bytes every `WSPSend` hands down.
//! #[derive(Default)]
//! struct SendCounter(AtomicUsize);
//!
//! impl Layer for SendCounter {
//!     fn name(&self) -> &str {
//!         "send counter"
//!     }
//!     fn send(&self, next: &dyn Wsp, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
//!         let n = next.send(s, bufs, flags)?;
//!         self.0.fetch_add(n, Ordering::Relaxed);
//!         Ok(n)
//!     }
//! }
//!
//! let engine = Arc::new(Engine::new(wsp_sim::Sim::new(1)));
//! let w = Layered::new(SendCounter::default(), engine);
//! w.startup(0x0202).unwrap();
//! let l = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0).unwrap();
//! w.bind(l, &"127.0.0.1:0".parse::<std::net::SocketAddr>().map(SockAddr::from_std).unwrap()).unwrap();
//! w.listen(l, 5).unwrap();
//! let mut at = SockAddr::default();
//! w.get_sock_name(l, &mut at).unwrap();
//! let c = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0).unwrap();
//! w.connect(c, &at, None, None, None, None).unwrap();
//! let a = w.accept(l, None, None).unwrap();
//! assert_eq!(w.send(c, &[b"hello"], 0).unwrap(), 5);
//! let mut buf = [0u8; 8];
//! assert_eq!(w.recv(a, &mut [&mut buf[..]], &mut 0).unwrap(), 5);
//! assert_eq!(w.layer().0.load(Ordering::Relaxed), 5);
//! w.cleanup().unwrap();
//! assert_eq!(w.handles(), 0); // every layer handle was released
//! ```
//!
//! # What the framework does, once, so that no layer has to
//! * **Handles.** The application holds the *layer's* socket handles, made with
//!   [`Upcalls::create_socket_handle`] (`WPUCreateSocketHandle` when exported through C)
//!   with the lower handle as context. `next` maps them to the lower provider's handles on
//!   the way down and maps sockets the lower provider returns (`socket`, `accept`,
//!   `join_leaf`, a duplicated socket) to new layer handles on the way up, so a layer only
//!   ever sees its own handles. Closing releases both; the lower provider's last
//!   `cleanup` releases them all ([`Layered::handles`] counts what is mapped). A handle
//!   the layer never gave out is `WSAENOTSOCK`.
//! * **`WSPSelect`.** The `fd_set`s are translated down and the ready sets back up.
//! * **Async select.** The lower provider gets a forwarding window
//!   ([`crate::sync::Hwnd::forwarding`]); each message it posts is rewritten to carry the
//!   layer's handle in `wParam` and delivered to the application's window through the
//!   layer's upcalls (`WPUPostMessage`). Event select needs nothing: events carry no socket.
//! * **Overlapped I/O.** Completed on the layer's own handle, as a Windows LSP completes
//!   them: the layer issues a request of its own below (its own key, and an event that
//!   brings the lower completion straight back up, with no extra thread), and when it
//!   completes the framework completes the caller's request for the layer's socket through
//!   the layer's upcalls — `complete_overlapped` (`WPUCompleteOverlappedRequest`: through
//!   C, the caller's `WSAOVERLAPPED` gets `Internal`/`InternalHigh`), then the caller's
//!   completion routine through `queue_apc` (`WPUQueueApc`) to the issuing thread, or its
//!   event through `set_event` and a packet to the completion port the *layer's* socket is
//!   associated with ([`WspExt::associate_port`] is answered here: the packet carries the
//!   layer's key and the caller's `lpOverlapped`). Exactly once each, immediate
//!   completions, cancellation (`CancelIoEx` maps the caller's key to the layer's below)
//!   and close or cleanup with requests pending (`WSA_OPERATION_ABORTED`) included. The
//!   [`crate::overlapped::OpHandle`] a Rust caller gets names the layer's socket and holds
//!   the buffers once complete; `WSPGetOverlappedResult` on the layer's handle answers
//!   from the layer's record (bytes, flags, the operation's own error).
//! * **Extension functions.** `SIO_GET_EXTENSION_FUNCTION_POINTER` answers with the
//!   function's [`crate::overlapped::ExtensionFn`] identifier, which means "call this
//!   provider's [`WspExt`] method": a caller that asks a `Layered` reaches the layer's
//!   `accept_ex`, `connect_ex`, ... and never bypasses it. The C provider turns the
//!   identifier into its own function pointers over the layered provider.
//!   `SO_UPDATE_ACCEPT_CONTEXT`'s value (the listener's handle) is translated.
//!   `SIO_BASE_HANDLE` passes through and returns the base provider's handle, as Windows
//!   requires of layered providers (the `SIO_BASE_HANDLE` documentation: "LSPs must pass
//!   this IOCTL through").
//! * **Catalog.** [`catalog::layered_entries`] builds the protocol-chain entries a layer
//!   registers over its next provider's entries; a `Layered` given them
//!   ([`Layered::with_upcalls`]) translates a chain entry passed to `WSPSocket`,
//!   `WSPAddressToString`... into the base entry below, and `WSPDuplicateSocket`'s answer
//!   back into the chain entry, so a duplicated socket comes back through the layer.

pub mod catalog;
mod ext;
mod next;
mod relay;

pub use ext::WspExt;
pub use next::Next;

use crate::addr::SockAddr;
use crate::overlapped::{CompletionPort, Issued, OpResult, Overlapped, RecvBufs, SendBufs};
use crate::sync::{Event, Hwnd};
use crate::types::{Qos, GROUP, SOCKET, TIMEVAL, WSANETWORKEVENTS, WSAPROTOCOL_INFOW, WSPDATA};
use crate::upcall::{LocalUpcalls, Upcalls};
use crate::wsp::{ConditionFn, FdSet, OutBuf, Wsp, WspResult};
use std::sync::Arc;

/// A layered provider's behaviour: override the calls to change or observe; every other
/// call passes through to `next` unchanged.
///
/// Socket handles seen by a layer are the layer's own (what the application holds);
/// `next` is a view of the lower provider that maps them to lower handles and back
/// (sockets returned by `next.socket`/`next.accept` come back already mapped). A layer
/// may call `next` any number of times, or not at all (to fail a call, or to answer it
/// itself).
#[allow(clippy::too_many_arguments)]
pub trait Layer: Send + Sync + 'static {
    /// Shown in the layered catalog entry (`szProtocol`) and in traces.
    fn name(&self) -> &str;

    /// `WSPStartup`.
    fn startup(&self, next: &dyn Wsp, version_requested: u16) -> WspResult<WSPDATA> {
        next.startup(version_requested)
    }
    /// `WSPCleanup`.
    fn cleanup(&self, next: &dyn Wsp) -> WspResult<()> {
        next.cleanup()
    }
    /// `WSPSocket`.
    fn socket(
        &self,
        next: &dyn Wsp,
        af: i32,
        ty: i32,
        protocol: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        group: GROUP,
        flags: u32,
    ) -> WspResult<SOCKET> {
        next.socket(af, ty, protocol, info, group, flags)
    }
    /// `WSPCloseSocket`.
    fn close_socket(&self, next: &dyn Wsp, s: SOCKET) -> WspResult<()> {
        next.close_socket(s)
    }
    /// `WSPBind`.
    fn bind(&self, next: &dyn Wsp, s: SOCKET, name: &SockAddr) -> WspResult<()> {
        next.bind(s, name)
    }
    /// `WSPListen`.
    fn listen(&self, next: &dyn Wsp, s: SOCKET, backlog: i32) -> WspResult<()> {
        next.listen(s, backlog)
    }
    /// `WSPAccept`.
    fn accept(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> WspResult<SOCKET> {
        next.accept(s, addr, condition)
    }
    /// `WSPConnect`.
    fn connect(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
    ) -> WspResult<()> {
        next.connect(s, name, caller_data, callee_data, sqos, gqos)
    }
    /// `WSPJoinLeaf`.
    fn join_leaf(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
        flags: u32,
    ) -> WspResult<SOCKET> {
        next.join_leaf(s, name, caller_data, callee_data, sqos, gqos, flags)
    }
    /// `WSPSend`.
    fn send(&self, next: &dyn Wsp, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
        next.send(s, bufs, flags)
    }
    /// `WSPSendTo`.
    fn send_to(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        next.send_to(s, bufs, flags, to)
    }
    /// `WSPRecv`.
    fn recv(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
    ) -> WspResult<usize> {
        next.recv(s, bufs, flags)
    }
    /// `WSPRecvFrom`.
    fn recv_from(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        next.recv_from(s, bufs, flags, from)
    }
    /// `WSPSendDisconnect`.
    fn send_disconnect(&self, next: &dyn Wsp, s: SOCKET, data: Option<&[u8]>) -> WspResult<()> {
        next.send_disconnect(s, data)
    }
    /// `WSPRecvDisconnect`.
    fn recv_disconnect(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        data: Option<&mut [u8]>,
    ) -> WspResult<usize> {
        next.recv_disconnect(s, data)
    }
    /// `WSPShutdown`.
    fn shutdown(&self, next: &dyn Wsp, s: SOCKET, how: i32) -> WspResult<()> {
        next.shutdown(s, how)
    }
    /// `WSPGetSockName`.
    fn get_sock_name(&self, next: &dyn Wsp, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        next.get_sock_name(s, name)
    }
    /// `WSPGetPeerName`.
    fn get_peer_name(&self, next: &dyn Wsp, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        next.get_peer_name(s, name)
    }
    /// `WSPGetSockOpt`.
    fn get_sock_opt(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &mut [u8],
    ) -> WspResult<usize> {
        next.get_sock_opt(s, level, name, optval)
    }
    /// `WSPSetSockOpt`.
    fn set_sock_opt(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &[u8],
    ) -> WspResult<()> {
        next.set_sock_opt(s, level, name, optval)
    }
    /// `WSPIoctl`.
    fn ioctl(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        code: u32,
        input: &[u8],
        output: &mut [u8],
    ) -> WspResult<usize> {
        next.ioctl(s, code, input, output)
    }
    /// `WSPEventSelect`.
    fn event_select(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        event: Option<&Event>,
        network_events: i32,
    ) -> WspResult<()> {
        next.event_select(s, event, network_events)
    }
    /// `WSPEnumNetworkEvents`.
    fn enum_network_events(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        event: Option<&Event>,
    ) -> WspResult<WSANETWORKEVENTS> {
        next.enum_network_events(s, event)
    }
    /// `WSPAsyncSelect`.
    fn async_select(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        hwnd: Option<&Hwnd>,
        msg: u32,
        events: i32,
    ) -> WspResult<()> {
        next.async_select(s, hwnd, msg, events)
    }
    /// `WSPSelect`.
    fn select(
        &self,
        next: &dyn Wsp,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize> {
        next.select(read, write, except, timeout)
    }
    /// `WSPCancelBlockingCall`.
    fn cancel_blocking_call(&self, next: &dyn Wsp) -> WspResult<()> {
        next.cancel_blocking_call()
    }
    /// `WSPDuplicateSocket`.
    fn duplicate_socket(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        pid: u32,
    ) -> WspResult<WSAPROTOCOL_INFOW> {
        next.duplicate_socket(s, pid)
    }
    /// `WSPGetOverlappedResult`.
    fn get_overlapped_result(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<(usize, u32)> {
        next.get_overlapped_result(s, overlapped, wait)
    }
    /// `WSPGetOverlappedResult` with the whole outcome.
    fn get_overlapped_result_ex(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<OpResult> {
        next.get_overlapped_result_ex(s, overlapped, wait)
    }
    /// Overlapped `WSPSend`.
    fn send_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.send_overlapped(s, bufs, flags, ov)
    }
    /// Overlapped `WSPSendTo`.
    fn send_to_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.send_to_overlapped(s, bufs, flags, to, ov)
    }
    /// Overlapped `WSPRecv`.
    fn recv_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.recv_overlapped(s, bufs, flags, ov)
    }
    /// Overlapped `WSPRecvFrom`.
    fn recv_from_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.recv_from_overlapped(s, bufs, flags, ov)
    }
    /// Overlapped `WSPIoctl`.
    fn ioctl_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        code: u32,
        input: &[u8],
        output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.ioctl_overlapped(s, code, input, output, ov)
    }
    /// `WSPGetQOSByName`.
    fn get_qos_by_name(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        name: &str,
        qos: &mut Qos,
    ) -> WspResult<()> {
        next.get_qos_by_name(s, name, qos)
    }
    /// `WSPAddressToString`.
    fn address_to_string(
        &self,
        next: &dyn Wsp,
        addr: &SockAddr,
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WspResult<String> {
        next.address_to_string(addr, info)
    }
    /// `WSPStringToAddress`.
    fn string_to_address(
        &self,
        next: &dyn Wsp,
        text: &str,
        af: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> WspResult<()> {
        next.string_to_address(text, af, info, out)
    }

    // ---- extension functions (WspExt) ---------------------------------------------------

    /// `AcceptEx`.
    fn accept_ex(
        &self,
        next: &dyn WspExt,
        listen: SOCKET,
        accept: SOCKET,
        buf: Box<dyn RecvBufs>,
        receive_len: usize,
        local_len: usize,
        remote_len: usize,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.accept_ex(listen, accept, buf, receive_len, local_len, remote_len, ov)
    }
    /// `ConnectEx`.
    fn connect_ex(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        name: &SockAddr,
        data: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.connect_ex(s, name, data, ov)
    }
    /// `DisconnectEx`.
    fn disconnect_ex(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.disconnect_ex(s, flags, ov)
    }
    /// `TransmitPackets`.
    fn transmit_packets(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        packets: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.transmit_packets(s, packets, flags, ov)
    }
    /// `TransmitFile`.
    fn transmit_file(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        req: crate::engine::transmit_file::TransmitFileRequest,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.transmit_file(s, req, ov)
    }
    /// `WSARecvMsg`.
    fn recv_msg(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.recv_msg(s, bufs, flags, ov)
    }
    /// `WSASendMsg`.
    fn send_msg(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        next.send_msg(s, bufs, flags, to, ov)
    }
    /// Completion-port association.
    fn associate_port(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        port: &CompletionPort,
        key: usize,
    ) -> WspResult<()> {
        next.associate_port(s, port, key)
    }
    /// `CancelIo`/`CancelIoEx`.
    fn cancel_overlapped(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        key: Option<usize>,
    ) -> WspResult<usize> {
        next.cancel_overlapped(s, key)
    }
}

/// The upcalls [`Layered::new`] uses: [`LocalUpcalls`] for events, messages and APCs;
/// `complete_overlapped` keeps no record (Rust callers read their `OpHandle`); socket
/// handles are taken from one process-wide space (multiples of four from `0x0040_0000`,
/// never reused), each carrying its context as `WPUCreateSocketHandle`'s do.
#[derive(Debug, Default)]
pub struct LayerUpcalls {
    local: LocalUpcalls,
    contexts: std::sync::Mutex<std::collections::HashMap<SOCKET, usize>>,
}

static NEXT_LAYER_HANDLE: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0x0040_0000);

impl LayerUpcalls {
    fn contexts(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<SOCKET, usize>> {
        self.contexts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Upcalls for LayerUpcalls {
    fn create_event(&self) -> WspResult<Event> {
        self.local.create_event()
    }
    fn set_event(&self, event: &Event) -> WspResult<()> {
        self.local.set_event(event)
    }
    fn reset_event(&self, event: &Event) -> WspResult<()> {
        self.local.reset_event(event)
    }
    fn close_event(&self, event: &Event) -> WspResult<()> {
        self.local.close_event(event)
    }
    fn post_message(&self, hwnd: &Hwnd, msg: u32, wparam: usize, lparam: isize) -> bool {
        self.local.post_message(hwnd, msg, wparam, lparam)
    }
    fn queue_apc(
        &self,
        thread: &crate::sync::ThreadHandle,
        routine: crate::sync::Apc,
    ) -> WspResult<()> {
        self.local.queue_apc(thread, routine)
    }
    fn complete_overlapped(
        &self,
        socket: SOCKET,
        overlapped: usize,
        error: Option<crate::WsaError>,
        bytes: u32,
        flags: u32,
    ) -> WspResult<()> {
        // Rust callers read outcomes from their `OpHandle`; there is no WSAOVERLAPPED to
        // write, and no record is kept (it would grow with every request).
        let _ = (socket, overlapped, error, bytes, flags);
        Ok(())
    }
    fn create_socket_handle(&self, _catalog_entry_id: u32, context: usize) -> WspResult<SOCKET> {
        let s = NEXT_LAYER_HANDLE.fetch_add(4, std::sync::atomic::Ordering::Relaxed);
        if s == crate::types::INVALID_SOCKET || s < 0x0040_0000 {
            return Err(crate::WsaError::WSAENOBUFS);
        }
        self.contexts().insert(s, context);
        Ok(s)
    }
    fn query_socket_handle_context(&self, s: SOCKET) -> WspResult<usize> {
        self.contexts()
            .get(&s)
            .copied()
            .ok_or(crate::WsaError::WSAENOTSOCK)
    }
    fn close_socket_handle(&self, s: SOCKET) -> WspResult<()> {
        self.contexts()
            .remove(&s)
            .map(|_| ())
            .ok_or(crate::WsaError::WSAENOTSOCK)
    }
}

/// A [`Layer`] over a next provider: itself a provider ([`Wsp`] + [`WspExt`]), so layers
/// stack (`Layered::new(trace, Arc::new(Layered::new(faults, engine)))`).
pub struct Layered<L: Layer> {
    layer: L,
    next: Next,
}

impl<L: Layer> std::fmt::Debug for Layered<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layered")
            .field("layer", &self.layer.name())
            .field("handles", &self.next.handles())
            .finish_non_exhaustive()
    }
}

impl<L: Layer> Layered<L> {
    /// `layer` over `next`, for the Rust API: notifications act on this crate's own
    /// objects ([`LocalUpcalls`]) and socket handles come from [`LayerUpcalls`]'
    /// process-wide handle space, so that no layer handle equals a handle of the provider
    /// below (or of another layer): a lower handle given to the layer by mistake is
    /// `WSAENOTSOCK`, never some other socket.
    pub fn new(layer: L, next: Arc<dyn WspExt>) -> Layered<L> {
        Layered::with_upcalls(layer, next, Arc::new(LayerUpcalls::default()), &[])
    }

    /// `layer` over `next`, making socket handles with `upcalls`
    /// (`WPUCreateSocketHandle` of the table the exported provider was given) and
    /// delivering async-select messages through it. `chain` is this layer's catalog as
    /// [`catalog::layered_entries`] built it over `next`'s entries (empty: none).
    pub fn with_upcalls(
        layer: L,
        next: Arc<dyn WspExt>,
        upcalls: Arc<dyn Upcalls>,
        chain: &[WSAPROTOCOL_INFOW],
    ) -> Layered<L> {
        Layered {
            layer,
            next: Next::new(next, upcalls, chain),
        }
    }

    /// The layer.
    pub fn layer(&self) -> &L {
        &self.layer
    }

    /// The view of the next provider the layer's methods get (handles mapped).
    pub fn next(&self) -> &Next {
        &self.next
    }

    /// The next provider itself (its own handles).
    pub fn lower(&self) -> &Arc<dyn WspExt> {
        self.next.lower()
    }

    /// How many layer handles are mapped to lower ones now.
    pub fn handles(&self) -> usize {
        self.next.handles()
    }

    /// The lower provider's handle for the layer handle `s`.
    pub fn lower_handle(&self, s: SOCKET) -> Option<SOCKET> {
        self.next.down(s).ok()
    }
}

impl<L: Layer> Wsp for Layered<L> {
    fn startup(&self, version_requested: u16) -> WspResult<WSPDATA> {
        self.layer.startup(&self.next, version_requested)
    }
    fn cleanup(&self) -> WspResult<()> {
        self.layer.cleanup(&self.next)
    }
    fn socket(
        &self,
        af: i32,
        ty: i32,
        protocol: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        group: GROUP,
        flags: u32,
    ) -> WspResult<SOCKET> {
        self.layer
            .socket(&self.next, af, ty, protocol, info, group, flags)
    }
    fn close_socket(&self, s: SOCKET) -> WspResult<()> {
        self.layer.close_socket(&self.next, s)
    }
    fn bind(&self, s: SOCKET, name: &SockAddr) -> WspResult<()> {
        self.layer.bind(&self.next, s, name)
    }
    fn listen(&self, s: SOCKET, backlog: i32) -> WspResult<()> {
        self.layer.listen(&self.next, s, backlog)
    }
    fn accept(
        &self,
        s: SOCKET,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> WspResult<SOCKET> {
        self.layer.accept(&self.next, s, addr, condition)
    }
    fn connect(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
    ) -> WspResult<()> {
        self.layer
            .connect(&self.next, s, name, caller_data, callee_data, sqos, gqos)
    }
    fn join_leaf(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
        flags: u32,
    ) -> WspResult<SOCKET> {
        self.layer.join_leaf(
            &self.next,
            s,
            name,
            caller_data,
            callee_data,
            sqos,
            gqos,
            flags,
        )
    }
    fn send(&self, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
        self.layer.send(&self.next, s, bufs, flags)
    }
    fn send_to(
        &self,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        self.layer.send_to(&self.next, s, bufs, flags, to)
    }
    fn recv(&self, s: SOCKET, bufs: &mut [&mut [u8]], flags: &mut u32) -> WspResult<usize> {
        self.layer.recv(&self.next, s, bufs, flags)
    }
    fn recv_from(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        self.layer.recv_from(&self.next, s, bufs, flags, from)
    }
    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> WspResult<()> {
        self.layer.send_disconnect(&self.next, s, data)
    }
    fn recv_disconnect(&self, s: SOCKET, data: Option<&mut [u8]>) -> WspResult<usize> {
        self.layer.recv_disconnect(&self.next, s, data)
    }
    fn shutdown(&self, s: SOCKET, how: i32) -> WspResult<()> {
        self.layer.shutdown(&self.next, s, how)
    }
    fn get_sock_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        self.layer.get_sock_name(&self.next, s, name)
    }
    fn get_peer_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        self.layer.get_peer_name(&self.next, s, name)
    }
    fn get_sock_opt(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &mut [u8],
    ) -> WspResult<usize> {
        self.layer.get_sock_opt(&self.next, s, level, name, optval)
    }
    fn set_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &[u8]) -> WspResult<()> {
        self.layer.set_sock_opt(&self.next, s, level, name, optval)
    }
    fn ioctl(&self, s: SOCKET, code: u32, input: &[u8], output: &mut [u8]) -> WspResult<usize> {
        self.layer.ioctl(&self.next, s, code, input, output)
    }
    fn event_select(&self, s: SOCKET, event: Option<&Event>, network_events: i32) -> WspResult<()> {
        self.layer
            .event_select(&self.next, s, event, network_events)
    }
    fn enum_network_events(&self, s: SOCKET, event: Option<&Event>) -> WspResult<WSANETWORKEVENTS> {
        self.layer.enum_network_events(&self.next, s, event)
    }
    fn async_select(&self, s: SOCKET, hwnd: Option<&Hwnd>, msg: u32, events: i32) -> WspResult<()> {
        self.layer.async_select(&self.next, s, hwnd, msg, events)
    }
    fn select(
        &self,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize> {
        self.layer.select(&self.next, read, write, except, timeout)
    }
    fn cancel_blocking_call(&self) -> WspResult<()> {
        self.layer.cancel_blocking_call(&self.next)
    }
    fn duplicate_socket(&self, s: SOCKET, pid: u32) -> WspResult<WSAPROTOCOL_INFOW> {
        self.layer.duplicate_socket(&self.next, s, pid)
    }
    fn get_overlapped_result(
        &self,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<(usize, u32)> {
        self.layer
            .get_overlapped_result(&self.next, s, overlapped, wait)
    }
    fn get_overlapped_result_ex(
        &self,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<OpResult> {
        self.layer
            .get_overlapped_result_ex(&self.next, s, overlapped, wait)
    }
    fn send_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer.send_overlapped(&self.next, s, bufs, flags, ov)
    }
    fn send_to_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer
            .send_to_overlapped(&self.next, s, bufs, flags, to, ov)
    }
    fn recv_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer.recv_overlapped(&self.next, s, bufs, flags, ov)
    }
    fn recv_from_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer
            .recv_from_overlapped(&self.next, s, bufs, flags, ov)
    }
    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: &[u8],
        output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer
            .ioctl_overlapped(&self.next, s, code, input, output, ov)
    }
    fn get_qos_by_name(&self, s: SOCKET, name: &str, qos: &mut Qos) -> WspResult<()> {
        self.layer.get_qos_by_name(&self.next, s, name, qos)
    }
    fn address_to_string(
        &self,
        addr: &SockAddr,
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WspResult<String> {
        self.layer.address_to_string(&self.next, addr, info)
    }
    fn string_to_address(
        &self,
        text: &str,
        af: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> WspResult<()> {
        self.layer
            .string_to_address(&self.next, text, af, info, out)
    }
}

impl<L: Layer> WspExt for Layered<L> {
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
        self.layer.accept_ex(
            &self.next,
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
        self.layer.connect_ex(&self.next, s, name, data, ov)
    }
    fn disconnect_ex(&self, s: SOCKET, flags: u32, ov: Overlapped) -> WspResult<Issued> {
        self.layer.disconnect_ex(&self.next, s, flags, ov)
    }
    fn transmit_packets(
        &self,
        s: SOCKET,
        packets: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer
            .transmit_packets(&self.next, s, packets, flags, ov)
    }
    fn transmit_file(
        &self,
        s: SOCKET,
        req: crate::engine::transmit_file::TransmitFileRequest,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer.transmit_file(&self.next, s, req, ov)
    }
    fn recv_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer.recv_msg(&self.next, s, bufs, flags, ov)
    }
    fn send_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.layer.send_msg(&self.next, s, bufs, flags, to, ov)
    }
    fn associate_port(&self, s: SOCKET, port: &CompletionPort, key: usize) -> WspResult<()> {
        self.layer.associate_port(&self.next, s, port, key)
    }
    fn cancel_overlapped(&self, s: SOCKET, key: Option<usize>) -> WspResult<usize> {
        self.layer.cancel_overlapped(&self.next, s, key)
    }
}
