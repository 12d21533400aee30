//! `WSPDuplicateSocket`, and `WSPSocket` with the `WSAPROTOCOL_INFOW` it fills.
//!
//! Windows' rules (<https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspduplicatesocket>):
//! * `WSPDuplicateSocket(s, dwProcessId)` fills a `WSAPROTOCOL_INFOW` describing `s` for the
//!   target process; "the provider uses `dwProviderReserved` to store" what identifies the
//!   underlying socket. The target passes it to `WSPSocket` (`FROM_PROTOCOL_INFO`) and gets
//!   a new descriptor for the same socket. The structure is usable once.
//! * The descriptors share the connection, not their Winsock state: "both descriptors are
//!   independent of each other"; each has its own `WSPEventSelect`/`WSPAsyncSelect`
//!   selection; closing one leaves the other working, and the underlying socket closes when
//!   the last descriptor closes.
//!
//! Within one process (the target is this backend's [`Net::process_id`]) the engine does it
//! alone, on any backend: the host socket becomes a [`Share`] held by every descriptor, the
//! readiness reports for its registration fan out to all of them, and the host socket is
//! closed when the last `Share` reference goes. The token in `dwProviderReserved` has its
//! top bit set and names an entry in this engine's registry.
//!
//! For another process the backend makes the host socket importable ([`Net::export`]; the
//! portable backend hands the descriptor over a Unix socket with `SCM_RIGHTS`), and the
//! target's engine adopts what [`Net::import`] gives. Such tokens have the top bit clear.
//! The target derives the socket's state from the host socket (connected if it has a peer,
//! bound if it has a port); a listening socket is not recognised as listening there.

use super::socket::{Conn, Props, SockState, SocketCell};
use super::Engine;
use crate::catalog;
use crate::error::WsaError;
use crate::net::{HostSocket, Net};
use crate::types::*;
use crate::wsp::WspResult;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Top bit of an in-process duplication token.
const LOCAL_TOKEN: u32 = 0x8000_0000;

/// A host socket shared by several descriptors.
pub(crate) struct Share {
    host: HostSocket,
    /// Live descriptors on it.
    members: Mutex<Vec<SOCKET>>,
    close: Box<dyn Fn(HostSocket) + Send + Sync>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Share")
            .field("host", &self.host)
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}

impl Share {
    /// Descriptor `handle` is gone.
    pub fn release(&self, handle: SOCKET) {
        self.members
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|&h| h != handle);
    }

    fn members(&self) -> Vec<SOCKET> {
        self.members
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        // The last descriptor is gone: the underlying socket closes.
        (self.close)(self.host);
    }
}

/// What `WSPSocket` needs to make the duplicate.
struct Pending {
    share: Arc<Share>,
    pid: u32,
    catalog_index: usize,
    flags: u32,
    conn: Conn,
    bound: bool,
    listening: bool,
    nonblocking: bool,
    rcvtimeo_ms: u32,
    sndtimeo_ms: u32,
    shut_rd: bool,
    shut_wr: bool,
    framed: Option<Arc<super::framed::Framed>>,
}

/// The engine's duplication registry: infos not yet used, and the readiness routes of
/// shared host sockets.
#[derive(Default)]
pub(crate) struct Registry {
    next: AtomicU32,
    pending: Mutex<HashMap<u32, Pending>>,
    /// Registration token of a shared host socket → its share.
    routes: Mutex<HashMap<u64, Weak<Share>>>,
    any_routes: AtomicBool,
}

impl Registry {
    /// The descriptors sharing the host socket registered under `token`, if it is shared.
    pub fn route(&self, token: u64) -> Option<Vec<SOCKET>> {
        if !self.any_routes.load(Ordering::Acquire) {
            return None;
        }
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        match routes.get(&token).map(Weak::upgrade) {
            Some(Some(share)) => Some(share.members()),
            Some(None) => {
                routes.remove(&token);
                None
            }
            None => None,
        }
    }
}

impl<N: Net> Engine<N> {
    pub(super) fn duplicate_impl(&self, s: SOCKET, pid: u32) -> WspResult<WSAPROTOCOL_INFOW> {
        let cell = self.cell(s)?;
        let mut info = self.inner.catalog[cell.props.catalog_index];
        let reg = &self.inner.dup;
        if pid != self.inner.net.process_id() {
            let token = self.inner.net.export(cell.host, pid)?;
            if token == 0 || token & LOCAL_TOKEN != 0 {
                return Err(WsaError::WSAEINVAL);
            }
            info.dwProviderReserved = token;
            return Ok(info);
        }
        let share = {
            let mut st = cell.lock();
            match &st.dup {
                Some(share) => share.clone(),
                None => {
                    let net = self.inner.net.clone();
                    let share = Arc::new(Share {
                        host: cell.host,
                        members: Mutex::new(vec![s]),
                        close: Box::new(move |h| net.close(h)),
                    });
                    st.dup = Some(share.clone());
                    // The host socket stays registered under this descriptor's handle.
                    reg.routes
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(s as u64, Arc::downgrade(&share));
                    reg.any_routes.store(true, Ordering::Release);
                    share
                }
            }
        };
        let st = cell.lock();
        let pending = Pending {
            share,
            pid,
            catalog_index: cell.props.catalog_index,
            flags: cell.props.flags,
            conn: st.conn,
            bound: st.bound,
            listening: st.listening,
            nonblocking: st.nonblocking,
            rcvtimeo_ms: st.rcvtimeo_ms,
            sndtimeo_ms: st.sndtimeo_ms,
            shut_rd: st.shut_rd,
            shut_wr: st.shut_wr,
            framed: st.framed.clone(),
        };
        drop(st);
        let token = LOCAL_TOKEN | (reg.next.fetch_add(1, Ordering::Relaxed) & !LOCAL_TOKEN).max(1);
        reg.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token, pending);
        info.dwProviderReserved = token;
        Ok(info)
    }

    /// `WSPSocket` with a structure from `WSPDuplicateSocket` (`dwProviderReserved` != 0).
    pub(super) fn socket_from_duplicate(
        &self,
        (af, ty, protocol): (i32, i32, i32),
        info: &WSAPROTOCOL_INFOW,
    ) -> WspResult<SOCKET> {
        let token = info.dwProviderReserved;
        if token & LOCAL_TOKEN == 0 {
            return self.socket_from_import((af, ty, protocol), info, token);
        }
        // Usable once: taking it out of the registry is what uses it up.
        let p = self
            .inner
            .dup
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&token)
            .ok_or(WsaError::WSAEINVAL)?;
        if p.pid != self.inner.net.process_id() {
            return Err(WsaError::WSAEINVAL);
        }
        let entry = &self.inner.catalog[p.catalog_index];
        let props = Props {
            af: entry.iAddressFamily,
            ty: entry.iSocketType,
            protocol: entry.iProtocol,
            catalog_index: p.catalog_index,
            flags: p.flags,
        };
        let st = SockState {
            nonblocking: p.nonblocking,
            bound: p.bound,
            listening: p.listening,
            conn: if p.conn == Conn::Connected {
                Conn::Connected
            } else {
                Conn::Idle
            },
            shut_rd: p.shut_rd,
            shut_wr: p.shut_wr,
            rcvtimeo_ms: p.rcvtimeo_ms,
            sndtimeo_ms: p.sndtimeo_ms,
            framed: p.framed,
            dup: Some(p.share.clone()),
            ..SockState::default()
        };
        let net = self.inner.net.clone();
        let upcalls = self.inner.ov.upcalls.clone();
        let host = p.share.host;
        // Not registered again: the host socket's reports reach every member through the
        // route set up by WSPDuplicateSocket.
        let handle = self
            .table_write()
            .insert_with(|h| Arc::new(SocketCell::new(net, h, host, props, st, upcalls.clone())))
            .ok_or(WsaError::WSAEMFILE)?;
        p.share
            .members
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(handle);
        // Readiness already reported for the host is not reported again: start from what
        // the host has now.
        if let Some(cell) = self.table_read().get(handle).cloned() {
            let mut lv = [crate::net::Readiness::EMPTY];
            self.inner.net.poll_now(&[host], &mut lv);
            cell.on_ready(lv[0]);
        }
        Ok(handle)
    }

    /// A socket another process duplicated for this one.
    fn socket_from_import(
        &self,
        (af, ty, protocol): (i32, i32, i32),
        info: &WSAPROTOCOL_INFOW,
        token: u32,
    ) -> WspResult<SOCKET> {
        // The entry is chosen as for any WSPSocket call with this structure (arguments of
        // 0 or FROM_PROTOCOL_INFO take the structure's values).
        let index = catalog::select_socket(&self.inner.catalog, af, ty, protocol, Some(info))?;
        let host = self.inner.net.import(token)?;
        let entry = &self.inner.catalog[index];
        let props = Props {
            af: entry.iAddressFamily,
            ty: entry.iSocketType,
            protocol: entry.iProtocol,
            catalog_index: index,
            flags: WSA_FLAG_OVERLAPPED,
        };
        let connected = self.inner.net.peer_addr(host).is_ok();
        let bound = self.inner.net.local_addr(host).is_ok_and(|a| a.port() != 0);
        let st = SockState {
            bound,
            conn: if connected {
                Conn::Connected
            } else {
                Conn::Idle
            },
            ..SockState::default()
        };
        let mut st = st;
        st.notify.write_armed = connected;
        self.adopt(host, props, st)
    }
}
