//! [`Next`]: the lower provider as a layer sees it — the layer's handles mapped to the
//! lower provider's on the way down, and new lower sockets mapped to new layer handles on
//! the way up.

use super::relay::Relays;
use super::WspExt;
use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::overlapped::{CompletionPort, Issued, OpResult, Overlapped, RecvBufs, SendBufs};
use crate::sync::{Event, Hwnd};
use crate::types::{
    Qos, GROUP, SOCKET, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, TIMEVAL, WSANETWORKEVENTS,
    WSAPROTOCOL_INFOW, WSPDATA,
};
use crate::upcall::Upcalls;
use crate::wsp::{ConditionFn, FdSet, OutBuf, Wsp, WspResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, Weak};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Layer handle <-> lower handle, both ways.
#[derive(Default)]
struct Map {
    down: HashMap<SOCKET, SOCKET>,
    up: HashMap<SOCKET, SOCKET>,
}

/// What the async-select forwarding windows need, shared weakly with them.
struct Shared {
    map: RwLock<Map>,
    upcalls: Arc<dyn Upcalls>,
}

impl Shared {
    fn up_of(&self, lower: SOCKET) -> Option<SOCKET> {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .up
            .get(&lower)
            .copied()
    }
}

/// The next provider as a [`super::Layer`] sees it: a [`Wsp`] + [`WspExt`] whose socket
/// handles are the layer's. See the [module docs](super) for what it translates.
pub struct Next {
    lower: Arc<dyn WspExt>,
    shared: Arc<Shared>,
    /// Catalog entry id given to `create_socket_handle` (the first chain entry; 0 if none).
    entry: u32,
    /// (chain entry of this layer, the next provider's entry it stands on).
    chain: Vec<(WSAPROTOCOL_INFOW, WSAPROTOCOL_INFOW)>,
    /// The forwarding window given to the lower provider per layer socket (async select).
    windows: Mutex<HashMap<SOCKET, Hwnd>>,
    /// Successful startups not yet balanced by a cleanup.
    users: Mutex<u32>,
    /// Overlapped requests, completed on the layer's handles.
    relays: Relays,
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("handles", &self.handles())
            .field("entry", &self.entry)
            .finish_non_exhaustive()
    }
}

impl Next {
    pub(super) fn new(
        lower: Arc<dyn WspExt>,
        upcalls: Arc<dyn Upcalls>,
        chain: &[WSAPROTOCOL_INFOW],
    ) -> Next {
        let pairs: Vec<(WSAPROTOCOL_INFOW, WSAPROTOCOL_INFOW)> = chain
            .iter()
            .filter(|c| c.ProtocolChain.ChainLen > 1)
            .map(|c| (*c, super::catalog::base_of(c)))
            .collect();
        Next {
            lower,
            shared: Arc::new(Shared {
                map: RwLock::new(Map::default()),
                upcalls,
            }),
            entry: pairs.first().map_or(0, |(c, _)| c.dwCatalogEntryId),
            chain: pairs,
            windows: Mutex::new(HashMap::new()),
            users: Mutex::new(0),
            relays: Relays::default(),
        }
    }

    /// The lower provider itself.
    pub fn lower(&self) -> &Arc<dyn WspExt> {
        &self.lower
    }

    /// How many layer handles are mapped now.
    pub fn handles(&self) -> usize {
        self.shared
            .map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .down
            .len()
    }

    /// The lower handle for the layer handle `s` (`WSAENOTSOCK` if the layer did not give
    /// it out, or it was closed).
    pub fn down(&self, s: SOCKET) -> WspResult<SOCKET> {
        self.shared
            .map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .down
            .get(&s)
            .copied()
            .ok_or(WsaError::WSAENOTSOCK)
    }

    /// The layer handle for the lower handle `l`, if it has one.
    pub fn up(&self, l: SOCKET) -> Option<SOCKET> {
        self.shared.up_of(l)
    }

    /// Give the lower provider's new socket `l` a layer handle (`create_socket_handle`
    /// with `l` as context). If none can be made, `l` is closed and the error returned.
    fn adopt(&self, l: SOCKET, info: Option<&WSAPROTOCOL_INFOW>) -> WspResult<SOCKET> {
        let entry = info
            .and_then(|i| {
                self.chain
                    .iter()
                    .find(|(c, _)| c.dwCatalogEntryId == i.dwCatalogEntryId)
            })
            .map_or(self.entry, |(c, _)| c.dwCatalogEntryId);
        match self.shared.upcalls.create_socket_handle(entry, l) {
            Ok(s) => {
                let mut m = self.shared.map.write().unwrap_or_else(|p| p.into_inner());
                m.down.insert(s, l);
                m.up.insert(l, s);
                Ok(s)
            }
            Err(e) => {
                let _ = self.lower.close_socket(l);
                Err(e)
            }
        }
    }

    /// Release the layer handle `s` (its lower socket is gone).
    fn forget(&self, s: SOCKET) {
        let had = {
            let mut m = self.shared.map.write().unwrap_or_else(|p| p.into_inner());
            match m.down.remove(&s) {
                Some(l) => {
                    m.up.remove(&l);
                    true
                }
                None => false,
            }
        };
        lock(&self.windows).remove(&s);
        self.relays.forget(s);
        if had {
            let _ = self.shared.upcalls.close_socket_handle(s);
        }
    }

    /// Release every layer handle (the lower provider closed every socket).
    fn forget_all(&self) {
        let all: Vec<SOCKET> = self
            .shared
            .map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .down
            .keys()
            .copied()
            .collect();
        for s in all {
            self.forget(s);
        }
    }

    /// A protocol info for the lower provider: this layer's chain entry becomes the entry
    /// it stands on (keeping the caller's triple and `dwProviderReserved`).
    fn info_down(&self, i: &WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOW {
        match self
            .chain
            .iter()
            .find(|(c, _)| c.dwCatalogEntryId == i.dwCatalogEntryId)
        {
            Some((_, base)) => {
                let mut d = *base;
                d.iAddressFamily = i.iAddressFamily;
                d.iSocketType = i.iSocketType;
                d.iProtocol = i.iProtocol;
                d.dwProviderReserved = i.dwProviderReserved;
                d
            }
            None => *i,
        }
    }

    /// The reverse of [`Next::info_down`], for `WSPDuplicateSocket`'s answer.
    fn info_up(&self, i: &WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOW {
        match self
            .chain
            .iter()
            .find(|(_, b)| b.dwCatalogEntryId == i.dwCatalogEntryId)
        {
            Some((c, _)) => {
                let mut u = *c;
                u.iAddressFamily = i.iAddressFamily;
                u.iSocketType = i.iSocketType;
                u.iProtocol = i.iProtocol;
                u.dwProviderReserved = i.dwProviderReserved;
                u
            }
            None => *i,
        }
    }

    /// A set of layer handles as lower handles (`WSAENOTSOCK` for one not ours).
    fn set_down(&self, set: &FdSet) -> WspResult<FdSet> {
        let m = self.shared.map.read().unwrap_or_else(|p| p.into_inner());
        let mut out = FdSet::new();
        for s in &set.fd_array {
            out.fd_array
                .push(*m.down.get(s).ok_or(WsaError::WSAENOTSOCK)?);
        }
        Ok(out)
    }

    /// Ready lower handles back as layer handles.
    fn set_up(&self, lower: &FdSet, set: &mut FdSet) {
        let m = self.shared.map.read().unwrap_or_else(|p| p.into_inner());
        set.fd_array = lower
            .fd_array
            .iter()
            .filter_map(|l| m.up.get(l).copied())
            .collect();
    }

    /// Relay the caller's overlapped request on the layer socket `s` (see [`super::relay`]).
    fn relay(
        &self,
        s: SOCKET,
        ov: Overlapped,
        below: impl FnOnce(Overlapped) -> WspResult<Issued>,
    ) -> WspResult<Issued> {
        self.relays.issue(&self.shared.upcalls, s, ov, below)
    }

    /// Overlapped requests the layer remembers for `WSPGetOverlappedResult`, over all its
    /// sockets (bounded per socket; none after the socket closes).
    pub fn requests(&self) -> usize {
        self.relays.len()
    }

    /// The window the lower provider posts to for `s`: messages come back with the layer's
    /// handle in `wParam` and go to `target` through the layer's upcalls.
    fn forwarding_window(&self, target: &Hwnd) -> Hwnd {
        let weak: Weak<Shared> = Arc::downgrade(&self.shared);
        let target = target.clone();
        Hwnd::forwarding(move |msg, wparam, lparam| {
            let Some(shared) = weak.upgrade() else {
                return false;
            };
            // A socket already closed through the layer posts nothing more.
            let Some(s) = shared.up_of(wparam) else {
                return true;
            };
            shared.upcalls.post_message(&target, msg, s, lparam)
        })
    }
}

impl Wsp for Next {
    fn startup(&self, version_requested: u16) -> WspResult<WSPDATA> {
        let d = self.lower.startup(version_requested)?;
        *lock(&self.users) += 1;
        Ok(d)
    }
    fn cleanup(&self) -> WspResult<()> {
        self.lower.cleanup()?;
        let mut users = lock(&self.users);
        *users = users.saturating_sub(1);
        if *users == 0 {
            drop(users);
            // The lower provider's last cleanup closed every socket.
            self.forget_all();
        }
        Ok(())
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
        let down = info.map(|i| self.info_down(i));
        let l = self
            .lower
            .socket(af, ty, protocol, down.as_ref(), group, flags)?;
        self.adopt(l, info)
    }
    fn close_socket(&self, s: SOCKET) -> WspResult<()> {
        let l = self.down(s)?;
        match self.lower.close_socket(l) {
            Ok(()) => {
                self.forget(s);
                Ok(())
            }
            Err(WsaError::WSAENOTSOCK) => {
                // Gone below already (closed by the lower provider's own cleanup).
                self.forget(s);
                Err(WsaError::WSAENOTSOCK)
            }
            Err(e) => Err(e),
        }
    }
    fn bind(&self, s: SOCKET, name: &SockAddr) -> WspResult<()> {
        self.lower.bind(self.down(s)?, name)
    }
    fn listen(&self, s: SOCKET, backlog: i32) -> WspResult<()> {
        self.lower.listen(self.down(s)?, backlog)
    }
    fn accept(
        &self,
        s: SOCKET,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> WspResult<SOCKET> {
        let l = self.lower.accept(self.down(s)?, addr, condition)?;
        self.adopt(l, None)
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
        self.lower
            .connect(self.down(s)?, name, caller_data, callee_data, sqos, gqos)
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
        let l = self.down(s)?;
        let r = self
            .lower
            .join_leaf(l, name, caller_data, callee_data, sqos, gqos, flags)?;
        if r == l {
            Ok(s)
        } else {
            self.adopt(r, None)
        }
    }
    fn send(&self, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
        self.lower.send(self.down(s)?, bufs, flags)
    }
    fn send_to(
        &self,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        self.lower.send_to(self.down(s)?, bufs, flags, to)
    }
    fn recv(&self, s: SOCKET, bufs: &mut [&mut [u8]], flags: &mut u32) -> WspResult<usize> {
        self.lower.recv(self.down(s)?, bufs, flags)
    }
    fn recv_from(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        self.lower.recv_from(self.down(s)?, bufs, flags, from)
    }
    fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> WspResult<()> {
        self.lower.send_disconnect(self.down(s)?, data)
    }
    fn recv_disconnect(&self, s: SOCKET, data: Option<&mut [u8]>) -> WspResult<usize> {
        self.lower.recv_disconnect(self.down(s)?, data)
    }
    fn shutdown(&self, s: SOCKET, how: i32) -> WspResult<()> {
        self.lower.shutdown(self.down(s)?, how)
    }
    fn get_sock_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        self.lower.get_sock_name(self.down(s)?, name)
    }
    fn get_peer_name(&self, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        self.lower.get_peer_name(self.down(s)?, name)
    }
    fn get_sock_opt(
        &self,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &mut [u8],
    ) -> WspResult<usize> {
        self.lower.get_sock_opt(self.down(s)?, level, name, optval)
    }
    fn set_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &[u8]) -> WspResult<()> {
        let l = self.down(s)?;
        if level == SOL_SOCKET && name == SO_UPDATE_ACCEPT_CONTEXT && optval.len() >= 8 {
            // The value is the listening socket's handle: the layer's, so translate it
            // (a handle that is not ours goes down as it is, for the lower one to judge).
            let mut h = [0u8; 8];
            h.copy_from_slice(&optval[..8]);
            let listener = u64::from_le_bytes(h) as SOCKET;
            if let Ok(ll) = self.down(listener) {
                let mut v = optval.to_vec();
                v[..8].copy_from_slice(&(ll as u64).to_le_bytes());
                return self.lower.set_sock_opt(l, level, name, &v);
            }
        }
        self.lower.set_sock_opt(l, level, name, optval)
    }
    fn ioctl(&self, s: SOCKET, code: u32, input: &[u8], output: &mut [u8]) -> WspResult<usize> {
        self.lower.ioctl(self.down(s)?, code, input, output)
    }
    fn event_select(&self, s: SOCKET, event: Option<&Event>, network_events: i32) -> WspResult<()> {
        self.lower
            .event_select(self.down(s)?, event, network_events)
    }
    fn enum_network_events(&self, s: SOCKET, event: Option<&Event>) -> WspResult<WSANETWORKEVENTS> {
        self.lower.enum_network_events(self.down(s)?, event)
    }
    fn async_select(&self, s: SOCKET, hwnd: Option<&Hwnd>, msg: u32, events: i32) -> WspResult<()> {
        let l = self.down(s)?;
        let proxy = hwnd.map(|w| self.forwarding_window(w));
        self.lower.async_select(l, proxy.as_ref(), msg, events)?;
        let mut windows = lock(&self.windows);
        match proxy {
            Some(p) => windows.insert(s, p),
            None => windows.remove(&s),
        };
        Ok(())
    }
    fn select(
        &self,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize> {
        let mut r = read.as_deref().map(|s| self.set_down(s)).transpose()?;
        let mut w = write.as_deref().map(|s| self.set_down(s)).transpose()?;
        let mut e = except.as_deref().map(|s| self.set_down(s)).transpose()?;
        let n = self
            .lower
            .select(r.as_mut(), w.as_mut(), e.as_mut(), timeout)?;
        for (lower, set) in [(r, read), (w, write), (e, except)] {
            if let (Some(lower), Some(set)) = (lower, set) {
                self.set_up(&lower, set);
            }
        }
        Ok(n)
    }
    fn cancel_blocking_call(&self) -> WspResult<()> {
        self.lower.cancel_blocking_call()
    }
    fn duplicate_socket(&self, s: SOCKET, pid: u32) -> WspResult<WSAPROTOCOL_INFOW> {
        let i = self.lower.duplicate_socket(self.down(s)?, pid)?;
        Ok(self.info_up(&i))
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
        let l = self.down(s)?;
        self.relays.result(s, overlapped, wait, |key| {
            let _ = self.lower.get_overlapped_result_ex(l, key, true);
        })
    }
    fn send_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| self.lower.send_overlapped(l, bufs, flags, o))
    }
    fn send_to_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| {
            self.lower.send_to_overlapped(l, bufs, flags, to, o)
        })
    }
    fn recv_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| self.lower.recv_overlapped(l, bufs, flags, o))
    }
    fn recv_from_overlapped(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| {
            self.lower.recv_from_overlapped(l, bufs, flags, o)
        })
    }
    fn ioctl_overlapped(
        &self,
        s: SOCKET,
        code: u32,
        input: &[u8],
        output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| {
            self.lower.ioctl_overlapped(l, code, input, output, o)
        })
    }
    fn get_qos_by_name(&self, s: SOCKET, name: &str, qos: &mut Qos) -> WspResult<()> {
        self.lower.get_qos_by_name(self.down(s)?, name, qos)
    }
    fn address_to_string(
        &self,
        addr: &SockAddr,
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WspResult<String> {
        let down = info.map(|i| self.info_down(i));
        self.lower.address_to_string(addr, down.as_ref())
    }
    fn string_to_address(
        &self,
        text: &str,
        af: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> WspResult<()> {
        let down = info.map(|i| self.info_down(i));
        self.lower.string_to_address(text, af, down.as_ref(), out)
    }
}

impl WspExt for Next {
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
        let (ll, la) = (self.down(listen)?, self.down(accept)?);
        self.relay(listen, ov, |o| {
            self.lower
                .accept_ex(ll, la, buf, receive_len, local_len, remote_len, o)
        })
    }
    fn connect_ex(
        &self,
        s: SOCKET,
        name: &SockAddr,
        data: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| self.lower.connect_ex(l, name, data, o))
    }
    fn disconnect_ex(&self, s: SOCKET, flags: u32, ov: Overlapped) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| self.lower.disconnect_ex(l, flags, o))
    }
    fn transmit_packets(
        &self,
        s: SOCKET,
        packets: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| self.lower.transmit_packets(l, packets, flags, o))
    }
    fn transmit_file(
        &self,
        s: SOCKET,
        req: crate::engine::transmit_file::TransmitFileRequest,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        self.lower.transmit_file(self.down(s)?, req, ov)
    }
    fn recv_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| self.lower.recv_msg(l, bufs, flags, o))
    }
    fn send_msg(
        &self,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let l = self.down(s)?;
        self.relay(s, ov, |o| self.lower.send_msg(l, bufs, flags, to, o))
    }
    fn associate_port(&self, s: SOCKET, port: &CompletionPort, key: usize) -> WspResult<()> {
        // The layer's socket is the one associated: its requests complete on the layer's
        // handle, so the packets are posted here, under this key (nothing goes below).
        self.down(s)?;
        self.relays.associate(s, port, key)
    }
    fn cancel_overlapped(&self, s: SOCKET, key: Option<usize>) -> WspResult<usize> {
        let l = self.down(s)?;
        match key {
            // Every request below on `l` is one of this socket's.
            None => self.lower.cancel_overlapped(l, None),
            Some(k) => match self.relays.pending_lower_key(s, k) {
                Some(lk) => self.lower.cancel_overlapped(l, Some(lk)),
                None => Ok(0),
            },
        }
    }
}
