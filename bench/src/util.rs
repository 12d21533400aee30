//! Vocabulary shared by the scenarios: engines, listeners, connected pairs.

use std::net::{SocketAddr, TcpListener, TcpStream};
use wsp::sync::Event;
use wsp::types::*;
use wsp::{Engine, FdSet, SockAddr, WsaError, Wsp};
use wsp_portable::Portable;

/// Any error a scenario can hit.
pub type BenchError = Box<dyn std::error::Error + Send + Sync>;
/// Result alias.
pub type BenchResult<T> = Result<T, BenchError>;
/// The engine over the portable backend: the Rust API under test.
pub type Provider = Engine<Portable>;

/// 64 KiB, the buffer size of the stream scenarios.
pub const CHUNK: usize = 64 * 1024;

/// A started engine over a fresh portable backend.
pub fn engine() -> BenchResult<Provider> {
    let p = Engine::new(Portable::new()?);
    p.startup(make_word(2, 2))?;
    Ok(p)
}

/// `127.0.0.1:0`.
pub fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// A wsp TCP listener on loopback (port 0) with a `SOMAXCONN` backlog, and its address.
pub fn wsp_listener(p: &Provider) -> BenchResult<(SOCKET, SocketAddr)> {
    let l = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
    p.bind(l, &SockAddr::from_std(loopback()))?;
    p.listen(l, SOMAXCONN)?;
    let mut a = SockAddr::default();
    p.get_sock_name(l, &mut a)?;
    Ok((l, a.to_std().ok_or("listener address")?))
}

/// A connected pair `(client, server)` of blocking wsp TCP sockets, plus the listener.
pub fn wsp_pair(p: &Provider) -> BenchResult<(SOCKET, SOCKET, SOCKET)> {
    let (l, a) = wsp_listener(p)?;
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
    p.connect(c, &SockAddr::from_std(a), None, None, None, None)?;
    let s = p.accept(l, None, None)?;
    Ok((c, s, l))
}

/// A bound wsp UDP socket on loopback and its address.
pub fn wsp_udp(p: &Provider) -> BenchResult<(SOCKET, SocketAddr)> {
    let s = p.socket(AF_INET, SOCK_DGRAM, 0, None, 0, 0)?;
    p.bind(s, &SockAddr::from_std(loopback()))?;
    let mut a = SockAddr::default();
    p.get_sock_name(s, &mut a)?;
    Ok((s, a.to_std().ok_or("udp address")?))
}

/// A connected pair `(client, server)` of blocking std TCP streams.
pub fn raw_pair() -> BenchResult<(TcpStream, TcpStream)> {
    let l = TcpListener::bind(loopback())?;
    let c = TcpStream::connect(l.local_addr()?)?;
    let (s, _) = l.accept()?;
    Ok((c, s))
}

/// `WSPRecv` into one buffer with no flags.
pub fn recv(p: &Provider, s: SOCKET, buf: &mut [u8]) -> Result<usize, WsaError> {
    let mut flags = 0;
    p.recv(s, &mut [buf], &mut flags)
}

/// Make a wsp socket non-blocking (`FIONBIO`).
pub fn set_nonblocking(p: &Provider, s: SOCKET) -> Result<(), WsaError> {
    p.ioctl(s, FIONBIO, &1u32.to_le_bytes(), &mut [])
        .map(|_| ())
}

/// Wait for one event on the engine's clock, with no timeout.
pub fn wait_one(p: &Provider, ev: &Event) -> BenchResult<()> {
    wsp::sync::wait_for_multiple(p.net(), std::slice::from_ref(ev), false, None, false)?;
    Ok(())
}

/// An `FdSet` refilled from `handles` without reallocating (FD_ZERO then FD_SET each).
pub fn refill(set: &mut FdSet, handles: &[SOCKET]) {
    set.fd_array.clear();
    set.fd_array.extend_from_slice(handles);
}
