//! [`ForeignProvider`]: the `Wsp` trait over any provider's C `WSPPROC_TABLE`.
//!
//! The provider is reached through its `WSPStartup` (from a library loaded by path, a
//! function pointer, or this crate's own table via [`ForeignProvider::in_tree`]). It gets
//! this crate's upcall table ([`crate::ffi::local`]), so the `WSAEVENT`s and `HWND`s the
//! trait's callers pass (`wsp::sync::Event`, `wsp::sync::Hwnd`) travel as their registry
//! handle values and the provider's `WPUSetEvent`/`WPUPostMessage` land in them.
//!
//! Until [`Wsp::startup`] succeeds there is no table, and every call is
//! `WSANOTINITIALISED`, as ws2_32 reports before `WSAStartup`.

use crate::abi::{LPWSPENUMCATALOG, LPWSPSTARTUP};
use crate::ffi::calls::{self, ExtCall, ExtFns, ExtPending, LastError, Table};
use crate::ffi::loader::{Library, LoadError};
use crate::ffi::pending::{Call, Requests};
use crate::instance;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use wsp::overlapped::{Issued, OpResult, Overlapped, RecvBufs, SendBufs};
use wsp::sync::{Event, Hwnd};
use wsp::types::{Qos, GROUP, SOCKET, TIMEVAL, WSANETWORKEVENTS, WSAPROTOCOL_INFOW, WSPDATA};
use wsp::wsp::{ConditionFn, OutBuf, WspResult};
use wsp::{FdSet, SockAddr, WsaError, Wsp};

/// A provider reached through its C table.
pub struct ForeignProvider {
    startup_fn: LPWSPSTARTUP,
    info: WSAPROTOCOL_INFOW,
    catalog: Vec<WSAPROTOCOL_INFOW>,
    table: Mutex<Option<Table>>,
    slot: Option<usize>,
    requests: Requests,
    /// The provider's extension functions, fetched once each.
    ext_fns: ExtFns,
    /// Extension-function requests, by (socket, key), for `WSPGetOverlappedResult`.
    ext: Mutex<HashMap<(SOCKET, usize), Arc<ExtPending>>>,
    /// How the provider's extension functions report errors.
    last_error: LastError,
    _library: Option<Library>,
}

/// Most extension-function requests remembered (completed ones beyond it are forgotten).
const EXT_KEPT: usize = 1024;

/// This crate's own extension functions' last error (in-tree providers).
fn own_last_error() -> LastError {
    crate::ffi::ext::WSPExtensionLastError
}

impl std::fmt::Debug for ForeignProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForeignProvider")
            .field("info", &self.info)
            .field("slot", &self.slot)
            .field("started", &self.lock().is_some())
            .finish_non_exhaustive()
    }
}

impl ForeignProvider {
    /// A provider whose `WSPStartup` is `startup`, started for the catalog entry `info`.
    pub fn from_startup(startup: LPWSPSTARTUP, info: WSAPROTOCOL_INFOW) -> ForeignProvider {
        ForeignProvider {
            startup_fn: startup,
            info,
            catalog: vec![info],
            table: Mutex::new(None),
            slot: None,
            requests: Requests::default(),
            ext_fns: ExtFns::default(),
            ext: Mutex::new(HashMap::new()),
            last_error: own_last_error(),
            _library: None,
        }
    }

    /// Load the provider library at `path` and use its `WSPStartup`. The catalog entry is
    /// the first one its `WSPEnumCatalog` reports, or `info` when given.
    pub fn load(
        path: &Path,
        info: Option<WSAPROTOCOL_INFOW>,
    ) -> Result<ForeignProvider, LoadError> {
        let lib = Library::open(path)?;
        let startup = lib.wsp_startup()?;
        let catalog = match lib.wsp_enum_catalog() {
            Some(f) => enum_catalog(f).map_err(|e| LoadError(format!("WSPEnumCatalog: {e}")))?,
            None => Vec::new(),
        };
        let info = info
            .or_else(|| catalog.first().copied())
            .ok_or_else(|| LoadError("no WSPEnumCatalog and no protocol info given".into()))?;
        Ok(ForeignProvider {
            startup_fn: startup,
            info,
            catalog: if catalog.is_empty() {
                vec![info]
            } else {
                catalog
            },
            table: Mutex::new(None),
            slot: None,
            requests: Requests::default(),
            ext_fns: ExtFns::default(),
            ext: Mutex::new(HashMap::new()),
            last_error: lib.extension_last_error().unwrap_or(own_last_error()),
            _library: Some(lib),
        })
    }

    /// This crate's own provider, driven through C: a fresh engine in a slot of its own,
    /// reached through that slot's `WSPStartup` and `WSPPROC_TABLE` exactly as a loaded
    /// library's would be. Panics if every in-tree slot is taken (15 live wrappers).
    pub fn in_tree() -> ForeignProvider {
        let slot = instance::reserve().expect("all in-tree provider slots are in use");
        let startup = crate::ffi::exports::startup_for_slot(slot).expect("slot in range");
        let catalog = wsp::catalog::entries();
        ForeignProvider {
            startup_fn: startup,
            info: catalog[0],
            catalog,
            table: Mutex::new(None),
            slot: Some(slot),
            requests: Requests::default(),
            ext_fns: ExtFns::default(),
            ext: Mutex::new(HashMap::new()),
            last_error: own_last_error(),
            _library: None,
        }
    }

    /// A layer exported by this crate's machinery, driven through C: `export` is set on a
    /// fresh slot, whose `WSPStartup` and `WSPPROC_TABLE` then serve the layered provider
    /// exactly as a layer library's exported ones do; the catalog is the layer's chain
    /// entries and the first one is used. Panics if every in-tree slot is taken.
    pub fn in_tree_layered(export: crate::layer::Export) -> ForeignProvider {
        let slot = instance::reserve().expect("all in-tree provider slots are in use");
        let catalog = export.catalog();
        crate::layer::set_slot(slot, Some(export));
        let startup = crate::ffi::exports::startup_for_slot(slot).expect("slot in range");
        ForeignProvider {
            startup_fn: startup,
            info: catalog.first().copied().unwrap_or_default(),
            catalog,
            table: Mutex::new(None),
            slot: Some(slot),
            requests: Requests::default(),
            ext_fns: ExtFns::default(),
            ext: Mutex::new(HashMap::new()),
            last_error: own_last_error(),
            _library: None,
        }
    }

    /// [`ForeignProvider::in_tree`] as a non-IFS provider, which is what the DLL is on
    /// Windows: every socket handle it hands out is one of the caller's
    /// (`WPUCreateSocketHandle`, here this crate's own table), mapped to the engine's.
    pub fn in_tree_non_ifs() -> ForeignProvider {
        let p = ForeignProvider::in_tree();
        if let Some(slot) = p.slot {
            instance::set_non_ifs(slot, true);
        }
        p
    }

    /// The catalog entries the provider reported (or the one it was given).
    pub fn catalog(&self) -> &[WSAPROTOCOL_INFOW] {
        &self.catalog
    }

    fn lock(&self) -> MutexGuard<'_, Option<Table>> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn t(&self) -> WspResult<Table> {
        self.lock().ok_or(WsaError::WSANOTINITIALISED)
    }
}

impl Drop for ForeignProvider {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            instance::release(slot);
        }
    }
}

/// Read a library's catalog through its `WSPEnumCatalog`.
pub fn enum_catalog(f: LPWSPENUMCATALOG) -> WspResult<Vec<WSAPROTOCOL_INFOW>> {
    calls::enum_catalog(f)
}

fn event_handle(e: Option<&Event>) -> usize {
    e.map_or(0, Event::raw)
}

/// The extension functions, through the provider's own pointers: each is fetched once with
/// `SIO_GET_EXTENSION_FUNCTION_POINTER` (asked of the socket of the first call) and called
/// with a `WSAOVERLAPPED` of this crate's whose `hEvent` brings the completion back
/// ([`calls::ext_issue`]). Completion-port association and `CancelIoEx` have no call in the
/// SPI: `WSAEOPNOTSUPP`.
impl wsp::WspExt for ForeignProvider {
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
        let call = ExtCall::AcceptEx {
            accept,
            receive: receive_len,
            local: local_len,
            remote: remote_len,
        };
        self.ext_call(listen, call, Some(buf), None, ov)
    }
    fn connect_ex(
        &self,
        s: SOCKET,
        name: &SockAddr,
        data: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = ExtCall::ConnectEx { name };
        self.ext_call(s, call, None, data, ov)
    }
    fn disconnect_ex(&self, s: SOCKET, flags: u32, ov: Overlapped) -> WspResult<Issued> {
        let call = ExtCall::DisconnectEx { flags };
        self.ext_call(s, call, None, None, ov)
    }
    fn transmit_packets(
        &self,
        s: SOCKET,
        packets: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = ExtCall::TransmitPackets { flags };
        self.ext_call(s, call, None, Some(packets), ov)
    }
    fn recv_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = ExtCall::RecvMsg { flags };
        self.ext_call(s, call, Some(bufs), None, ov)
    }
    fn send_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = ExtCall::SendMsg { flags, to };
        self.ext_call(s, call, None, Some(bufs), ov)
    }
}

impl ForeignProvider {
    /// Call the provider's extension function `f` on `s` (see the `WspExt` impl).
    fn ext_call(
        &self,
        s: SOCKET,
        call: ExtCall<'_>,
        recv: Option<Box<dyn RecvBufs>>,
        send: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let t = self.t()?;
        let key = ov.key;
        let (p, issued) =
            calls::ext_issue(&t, &self.ext_fns, self.last_error, s, call, recv, send, ov)?;
        let mut m = lock_map(&self.ext);
        if m.len() >= EXT_KEPT {
            m.retain(|_, p| p.op().result().is_none());
        }
        m.insert((s, key), p);
        Ok(issued)
    }

    /// `WSPGetOverlappedResult` for an extension-function request, if `key` names one.
    fn ext_result(&self, s: SOCKET, key: usize, wait: bool) -> Option<WspResult<OpResult>> {
        let p = lock_map(&self.ext).get(&(s, key)).cloned()?;
        if let Some(r) = p.op().result() {
            return Some(Ok(r));
        }
        let t = match self.t() {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        };
        // The provider's own answer for our WSAOVERLAPPED (waiting on its clock), then our
        // handle, which completes when the provider's signal has run.
        match t.get_overlapped_result(s, p.overlapped() as usize, wait) {
            Err(WsaError::WSA_IO_INCOMPLETE) => Some(Err(WsaError::WSA_IO_INCOMPLETE)),
            r => Some(
                p.op()
                    .wait(&wsp::sync::RealTime, Some(Duration::from_secs(5)))
                    .ok_or_else(|| r.err().unwrap_or(WsaError::WSA_IO_INCOMPLETE)),
            ),
        }
    }
}

fn lock_map<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Wsp for ForeignProvider {
    fn startup(&self, version_requested: u16) -> WspResult<WSPDATA> {
        let (data, table) = calls::startup(
            self.startup_fn,
            version_requested,
            &self.info,
            crate::ffi::local::table(),
        )?;
        *self.lock() = Some(table);
        Ok(data)
    }

    fn cleanup(&self) -> WspResult<()> {
        self.t()?.cleanup()
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
        self.t()?.socket(af, ty, protocol, info, group, flags)
    }

    fn close_socket(&self, s: SOCKET) -> WspResult<()> {
        self.t()?.close_socket(s)
    }

    fn bind(&self, s: SOCKET, name: &SockAddr) -> WspResult<()> {
        self.t()?.bind(s, name)
    }

    fn listen(&self, s: SOCKET, backlog: i32) -> WspResult<()> {
        self.t()?.listen(s, backlog)
    }

    fn accept(
        &self,
        s: SOCKET,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> WspResult<SOCKET> {
        self.t()?.accept(s, addr, condition)
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
        self.t()?
            .connect(s, name, caller_data, callee_data, sqos, gqos)
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
        self.t()?
            .join_leaf(s, name, caller_data, callee_data, sqos, gqos, flags)
    }

    fn send(&self, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
        self.t()?.send_to(s, bufs, flags, None, true)
    }

    fn send_to(
        &self,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        self.t()?.send_to(s, bufs, flags, to, false)
    }

    fn recv(&self, s: SOCKET, bufs: &mut [&mut [u8]], flags: &mut u32) -> WspResult<usize> {
        self.t()?.recv_from(s, bufs, flags, None, true)
    }

    fn recv_from(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        self.t()?.recv_from(s, bufs, flags, from, false)
    }

    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> WspResult<()> {
        self.t()?.send_disconnect(s, data)
    }

    fn recv_disconnect(&self, s: SOCKET, data: Option<&mut [u8]>) -> WspResult<usize> {
        self.t()?.recv_disconnect(s, data)
    }

    fn shutdown(&self, s: SOCKET, how: i32) -> WspResult<()> {
        self.t()?.shutdown(s, how)
    }

    fn get_sock_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        self.t()?.get_sock_name(s, name)
    }

    fn get_peer_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        self.t()?.get_peer_name(s, name)
    }

    fn get_sock_opt(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &mut [u8],
    ) -> WspResult<usize> {
        self.t()?.get_sock_opt(s, level, name, optval)
    }

    fn set_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &[u8]) -> WspResult<()> {
        self.t()?.set_sock_opt(s, level, name, optval)
    }

    fn ioctl(&self, s: SOCKET, code: u32, input: &[u8], output: &mut [u8]) -> WspResult<usize> {
        let n = self.t()?.ioctl(s, code, input, output)?;
        if code == wsp::types::SIO_GET_EXTENSION_FUNCTION_POINTER {
            // Give a Rust caller the identifier back, as the trait (and the engine) define
            // the output: "call this provider's `WspExt` method". This crate's own provider
            // hands out its C functions (recognised by address); any other provider's
            // pointer for a GUID we know is remembered and called by that method.
            const W: usize = std::mem::size_of::<usize>();
            if let Some(slot) = output.get_mut(..W).filter(|_| n == W) {
                let mut a = [0u8; W];
                a.copy_from_slice(slot);
                let p = usize::from_ne_bytes(a);
                let known = wsp::overlapped::guid_from_bytes(input)
                    .and_then(|g| wsp::overlapped::ExtensionFn::from_guid(&g));
                let f = crate::ffi::ext::identify(p).or(known.filter(|_| p != 0));
                if let Some(f) = f {
                    if known == Some(f) && crate::ffi::ext::identify(p).is_none() {
                        self.ext_fns.remember(f, p);
                    }
                    slot.copy_from_slice(&(f as usize).to_ne_bytes());
                }
            }
        }
        Ok(n)
    }

    fn event_select(&self, s: SOCKET, event: Option<&Event>, network_events: i32) -> WspResult<()> {
        self.t()?
            .event_select(s, event_handle(event), network_events)
    }

    fn enum_network_events(&self, s: SOCKET, event: Option<&Event>) -> WspResult<WSANETWORKEVENTS> {
        self.t()?.enum_network_events(s, event_handle(event))
    }

    fn async_select(&self, s: SOCKET, hwnd: Option<&Hwnd>, msg: u32, events: i32) -> WspResult<()> {
        self.t()?
            .async_select(s, hwnd.map_or(0, Hwnd::raw), msg, events)
    }

    fn select(
        &self,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize> {
        self.t()?.select(read, write, except, timeout)
    }

    fn cancel_blocking_call(&self) -> WspResult<()> {
        self.t()?.cancel_blocking_call()
    }

    fn duplicate_socket(&self, s: SOCKET, pid: u32) -> WspResult<WSAPROTOCOL_INFOW> {
        self.t()?.duplicate_socket(s, pid)
    }

    fn get_overlapped_result(
        &self,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<(usize, u32)> {
        let r = self.get_overlapped_result_ex(s, overlapped, wait)?;
        match r.error {
            None => Ok((r.bytes as usize, r.flags)),
            Some(e) => Err(e),
        }
    }

    fn get_overlapped_result_ex(
        &self,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<OpResult> {
        if let Some(r) = self.ext_result(s, overlapped, wait) {
            return r;
        }
        self.requests.result(&self.t()?, s, overlapped, wait)
    }

    fn send_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = Call::Send {
            flags,
            to: None,
            plain: true,
        };
        self.requests
            .issue(&self.t()?, s, call, None, Some(bufs), ov)
    }

    fn send_to_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = Call::Send {
            flags,
            to,
            plain: false,
        };
        self.requests
            .issue(&self.t()?, s, call, None, Some(bufs), ov)
    }

    fn recv_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = Call::Recv { flags, from: false };
        self.requests
            .issue(&self.t()?, s, call, Some(bufs), None, ov)
    }

    fn recv_from_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = Call::Recv { flags, from: true };
        self.requests
            .issue(&self.t()?, s, call, Some(bufs), None, ov)
    }

    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: &[u8],
        output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let call = Call::Ioctl { code, input };
        self.requests
            .issue(&self.t()?, s, call, Some(output), None, ov)
    }

    fn get_qos_by_name(&self, s: SOCKET, name: &str, qos: &mut Qos) -> WspResult<()> {
        self.t()?.get_qos_by_name(s, name, qos)
    }

    fn address_to_string(
        &self,
        addr: &SockAddr,
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WspResult<String> {
        self.t()?.address_to_string(addr, info)
    }

    fn string_to_address(
        &self,
        text: &str,
        af: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> WspResult<()> {
        self.t()?.string_to_address(text, af, info, out)
    }
}
