//! Handing a socket to another process for `WSPDuplicateSocket` (Linux).
//!
//! The exporter binds an abstract Unix stream socket named `wsp-dup-<token>` (eight hex
//! digits) and a short-lived thread waits on it. The first connecting peer whose
//! `SO_PEERCRED` process id is the target gets a duplicate of the descriptor with
//! `SCM_RIGHTS`; then the rendezvous closes, so the token is usable once. Peers from other
//! processes are turned away. Dropping the backend shuts every open rendezvous down.
//! The importer connects to the name the token gives and receives the descriptor.
// Cross-process duplication is Linux-only; elsewhere parts of this module go unused.
#![cfg_attr(not(target_os = "linux"), allow(unused_imports, dead_code))]

use socket2::Socket;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wsp::net::NetResult;
use wsp::WsaError;

/// Open rendezvous sockets by token.
#[derive(Debug, Default)]
pub(crate) struct Exports {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    open: Arc<Mutex<HashMap<u32, Arc<std::os::unix::net::UnixListener>>>>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn name(token: u32) -> String {
    format!("wsp-dup-{token:08x}")
}

/// A fresh token: non-zero, top bit clear (the engine's in-process tokens have it set).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn fresh_token(pid: u32) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    // RandomState is seeded from the OS per process; mixing in the target and a counter
    // keeps tokens of one process distinct.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(pid);
    h.write_u32(std::process::id());
    h.write_u32(COUNTER.fetch_add(1, Ordering::Relaxed));
    ((h.finish() as u32) & 0x7fff_ffff).max(1)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl Exports {
    pub fn export(&self, sock: &Socket, pid: u32) -> NetResult<u32> {
        use std::os::fd::AsRawFd;
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::net::{SocketAddr, UnixListener};
        // Our own duplicate keeps the socket open until the target has it, even if the
        // exporting descriptor is closed first.
        let keep = sock.try_clone()?;
        let (token, listener) = loop {
            let token = fresh_token(pid);
            let addr = SocketAddr::from_abstract_name(name(token).as_bytes())?;
            match UnixListener::bind_addr(&addr) {
                Ok(l) => break (token, Arc::new(l)),
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                Err(e) => return Err(e.into()),
            }
        };
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token, listener.clone());
        let open = self.open.clone();
        std::thread::Builder::new()
            .name("wsp-portable-export".into())
            .spawn(move || {
                while let Ok((stream, _)) = listener.accept() {
                    let fd = stream.as_raw_fd();
                    if crate::sys::peer_pid(fd).ok() == Some(pid)
                        && crate::sys::send_fd(fd, keep.as_raw_fd()).is_ok()
                    {
                        break;
                    }
                }
                open.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&token);
            })?;
        Ok(token)
    }

    /// Shut every open rendezvous down (its thread ends).
    pub fn stop(&self) {
        let open: Vec<_> = self
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .map(|(_, l)| l)
            .collect();
        for l in open {
            let _ = socket2::SockRef::from(&*l).shutdown(std::net::Shutdown::Both);
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn import(token: u32) -> NetResult<Socket> {
    use std::os::fd::AsRawFd;
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixStream};
    if token == 0 || token & 0x8000_0000 != 0 {
        return Err(WsaError::WSAEINVAL);
    }
    let addr = SocketAddr::from_abstract_name(name(token).as_bytes())?;
    let stream = UnixStream::connect_addr(&addr).map_err(|_| WsaError::WSAEINVAL)?;
    crate::sys::recv_fd(stream.as_raw_fd()).map_err(|_| WsaError::WSAEINVAL)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
impl Exports {
    pub fn export(&self, _sock: &Socket, _pid: u32) -> NetResult<u32> {
        Err(WsaError::WSAEOPNOTSUPP)
    }
    pub fn stop(&self) {}
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn import(_token: u32) -> NetResult<Socket> {
    Err(WsaError::WSAEOPNOTSUPP)
}
