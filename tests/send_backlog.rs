//! Windows' stream-send rule on non-blocking sockets (src/engine/backlog.rs), on both
//! backends: a send takes the whole buffer or fails with WSAEWOULDBLOCK; while the bytes
//! the host could not take yet wait in the socket's send backlog, further sends would
//! block, select does not report the socket writable and FD_WRITE waits for the drain;
//! shutdown, close and later sends keep the byte order; a reset during the flush is
//! reported. Sources: Microsoft KB 214397 (Winsock buffers past SO_SNDBUF and completes
//! the send), the WSAEventSelect page (FD_WRITE after a send failed with WSAEWOULDBLOCK and
//! space is free again), the closesocket and shutdown pages (queued data is sent before the
//! FIN; SO_LINGER 0 is abortive).

mod util;
use util::*;
use wsp::net::Net;
use wsp::sync::Event;
use wsp::types::*;
use wsp::{Engine, FdSet, WsaError, Wsp};
use wsp_sim::Sim;

/// Far more than the host buffers of a connection with the small buffers set below.
const BIG: usize = 1 << 20;

fn pattern(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8 ^ salt).collect()
}

fn sim() -> Engine<Sim> {
    let p = Engine::new(Sim::new(11));
    p.startup(make_word(2, 2)).unwrap();
    p
}

fn set_u32(p: &impl Wsp, s: SOCKET, name: i32, v: u32) {
    p.set_sock_opt(s, SOL_SOCKET, name, &v.to_le_bytes())
        .unwrap();
}

/// A connected pair `(client, server, listener)`: the client non-blocking with a small
/// send buffer, the server blocking with a small receive buffer, so a `BIG` send leaves a
/// backlog on any host.
fn nb_pair<N: Net>(p: &Engine<N>, flags: u32) -> (SOCKET, SOCKET, SOCKET) {
    let (l, a) = listener(p, AF_INET);
    set_u32(p, l, SO_RCVBUF, 4096);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, flags).unwrap();
    set_u32(p, c, SO_SNDBUF, 4096);
    p.connect(c, &a, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    set_u32(p, s, SO_RCVBUF, 4096);
    if p.net().name() == "portable" {
        // A receive that never completes fails the test instead of hanging it. (Not on
        // the sim: its clock is virtual, and an idle network reaches any deadline at once.)
        set_u32(p, s, SO_RCVTIMEO, GUARD.as_millis() as u32);
    }
    p.ioctl(c, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    (c, s, l)
}

/// Read (blocking) until `n` bytes arrived or the stream ends or fails; returns the bytes
/// and how the last receive ended.
fn read_n(p: &impl Wsp, s: SOCKET, n: usize) -> (Vec<u8>, Result<usize, WsaError>) {
    let mut got = Vec::with_capacity(n);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let want = (n - got.len()).min(buf.len());
        if want == 0 {
            return (got, Ok(n));
        }
        let mut flags = 0;
        match p.recv(s, &mut [&mut buf[..want]], &mut flags) {
            Ok(0) => return (got, Ok(0)),
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) => return (got, Err(e)),
        }
    }
}

/// Whether select reports `s` writable within `timeout` (`None` blocks).
fn writable(p: &impl Wsp, s: SOCKET, timeout: Option<&TIMEVAL>) -> bool {
    let mut w = {
        let mut f = FdSet::new();
        f.set(s);
        f
    };
    p.select(None, Some(&mut w), None, timeout).unwrap() == 1
}

const ZERO: TIMEVAL = TIMEVAL {
    tv_sec: 0,
    tv_usec: 0,
};
const GUARD_TV: TIMEVAL = TIMEVAL {
    tv_sec: 10,
    tv_usec: 0,
};

/// KB 214397: the whole buffer is taken at once; while the rest waits, a send fails with
/// WSAEWOULDBLOCK and select does not report the socket writable; the bytes arrive whole
/// and in order, and once they are out the socket is writable and sends again.
fn whole_buffer_then_would_block<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = nb_pair(p, 0);
    let data = pattern(BIG, 0);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    let left = p.send_backlog(c).unwrap();
    assert!(left > 0 && left < BIG, "backlog {left}");
    assert_err(p.send(c, &[b"x"], 0), WsaError::WSAEWOULDBLOCK);
    assert!(!writable(p, c, Some(&ZERO)));
    // FIONREAD counts what there is to receive; the backlog is not part of it.
    let mut n = [0u8; 4];
    p.ioctl(c, FIONREAD, &[], &mut n).unwrap();
    assert_eq!(u32::from_le_bytes(n), 0);
    let (got, end) = read_n(p, s, BIG);
    assert_eq!(end, Ok(BIG));
    assert!(got == data, "bytes differ");
    assert!(writable(p, c, Some(&GUARD_TV)));
    assert_eq!(p.send_backlog(c).unwrap(), 0);
    assert_eq!(p.send(c, &[b"after"], 0).unwrap(), 5);
    let (got, _) = read_n(p, s, 5);
    assert_eq!(got, b"after");
}

/// WSAEventSelect page: FD_WRITE is recorded after a send failed with WSAEWOULDBLOCK, once
/// space is free: here, once the backlog drained; not while it holds data.
fn fd_write_after_drain<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = nb_pair(p, 0);
    let ev = Event::new();
    p.event_select(c, Some(&ev), FD_WRITE | FD_CLOSE).unwrap();
    // Connected: FD_WRITE at once.
    let first = collect_events(p, c, &ev, FD_WRITE);
    assert_eq!(first.iErrorCode[FD_WRITE_BIT], 0);
    let data = pattern(BIG, 1);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    assert_err(p.send(c, &[b"x"], 0), WsaError::WSAEWOULDBLOCK);
    // The peer reads nothing yet: the backlog cannot drain, and FD_WRITE is not recorded.
    let n = p.enum_network_events(c, Some(&ev)).unwrap();
    assert_eq!(n.lNetworkEvents & FD_WRITE, 0);
    let (got, end) = read_n(p, s, BIG);
    assert_eq!(end, Ok(BIG));
    assert!(got == data, "bytes differ");
    let n = collect_events(p, c, &ev, FD_WRITE);
    assert_eq!(n.iErrorCode[FD_WRITE_BIT], 0);
    // FD_WRITE means a send succeeds now.
    assert_eq!(p.send(c, &[b"more"], 0).unwrap(), 4);
}

/// shutdown page: data queued before shutdown(SD_SEND) is sent, then the FIN; later sends
/// fail with WSAESHUTDOWN.
fn shutdown_sends_fin_after_backlog<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = nb_pair(p, 0);
    let data = pattern(BIG, 2);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    assert!(p.send_backlog(c).unwrap() > 0);
    p.shutdown(c, SD_SEND).unwrap();
    assert_err(p.send(c, &[b"x"], 0), WsaError::WSAESHUTDOWN);
    let (got, end) = read_n(p, s, BIG + 1);
    assert_eq!(end, Ok(0), "end of stream after the data");
    assert!(got == data, "bytes differ ({} of {BIG})", got.len());
}

/// closesocket page: a graceful close (SO_LINGER off, the default) returns at once and the
/// queued data is still sent, then the FIN.
fn graceful_close_flushes_in_background<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = nb_pair(p, 0);
    let data = pattern(BIG, 3);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    assert!(p.send_backlog(c).unwrap() > 0);
    p.close_socket(c).unwrap();
    assert_err(p.send(c, &[b"x"], 0), WsaError::WSAENOTSOCK);
    let (got, end) = read_n(p, s, BIG + 1);
    assert_eq!(end, Ok(0), "end of stream after the data");
    assert!(got == data, "bytes differ ({} of {BIG})", got.len());
}

/// closesocket page: SO_LINGER on with a zero timeout is an abortive close: queued data is
/// dropped and the peer sees a reset.
fn abortive_close_drops_backlog<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = nb_pair(p, 0);
    let data = pattern(BIG, 4);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    let mut linger = [0u8; 4];
    linger[..2].copy_from_slice(&1u16.to_le_bytes());
    p.set_sock_opt(c, SOL_SOCKET, SO_LINGER, &linger).unwrap();
    p.close_socket(c).unwrap();
    let (got, end) = read_n(p, s, BIG + 1);
    assert_eq!(end, Err(WsaError::WSAECONNRESET));
    assert!(got.len() < BIG, "the backlog was dropped");
    assert!(got[..] == data[..got.len()], "bytes differ");
}

/// A reset while the backlog is flushed: the backlog is dropped, FD_CLOSE carries
/// WSAECONNRESET, and the next send and receive fail with it (send/recv pages:
/// "The virtual circuit was reset by the remote side").
fn reset_during_flush_is_reported<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = nb_pair(p, 0);
    let ev = Event::new();
    p.event_select(c, Some(&ev), FD_CLOSE).unwrap();
    let data = pattern(BIG, 5);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    assert!(p.send_backlog(c).unwrap() > 0);
    // The peer goes away abortively (SO_LINGER 0: a reset), with our data unread.
    let mut linger = [0u8; 4];
    linger[..2].copy_from_slice(&1u16.to_le_bytes());
    p.set_sock_opt(s, SOL_SOCKET, SO_LINGER, &linger).unwrap();
    p.close_socket(s).unwrap();
    let n = collect_events(p, c, &ev, FD_CLOSE);
    assert_eq!(
        n.iErrorCode[FD_CLOSE_BIT],
        WsaError::WSAECONNRESET.code(),
        "FD_CLOSE error"
    );
    assert_eq!(p.send_backlog(c).unwrap(), 0);
    assert_err(p.send(c, &[b"x"], 0), WsaError::WSAECONNRESET);
    let mut buf = [0u8; 16];
    let mut flags = 0;
    assert_err(
        p.recv(c, &mut [&mut buf], &mut flags),
        WsaError::WSAECONNRESET,
    );
}

/// Sends after the backlog keep the byte order: an overlapped send issued while it holds
/// data completes, with all its bytes, only after it; a big overlapped send completes with
/// all its bytes (WSASend page: the whole buffer is the operation).
fn overlapped_send_waits_for_backlog<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = nb_pair(p, WSA_FLAG_OVERLAPPED);
    let data = pattern(BIG, 6);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    assert!(p.send_backlog(c).unwrap() > 0);
    let tail = pattern(BIG / 2, 7);
    let issued = p
        .send_overlapped(
            c,
            Box::new(tail.clone()),
            0,
            wsp::overlapped::Overlapped::new(1),
        )
        .unwrap();
    assert!(issued.immediate.is_none(), "pending behind the backlog");
    let (got, end) = read_n(p, s, BIG + BIG / 2);
    assert_eq!(end, Ok(BIG + BIG / 2));
    assert!(got[..BIG] == data[..], "backlog bytes first");
    assert!(got[BIG..] == tail[..], "then the overlapped send's");
    let r = p.wait_op(&issued.op, Some(GUARD)).expect("completed");
    assert_eq!((r.error, r.bytes as usize), (None, BIG / 2));
}

/// A blocking send after the socket went back to blocking with a backlog: the backlog's
/// bytes go first, then every byte of the blocking send.
fn blocking_send_after_backlog<N: Net + 'static>(p: &Engine<N>)
where
    Engine<N>: Clone + Send + 'static,
{
    let (c, s, _l) = nb_pair(p, 0);
    let data = pattern(BIG, 8);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), BIG);
    p.ioctl(c, FIONBIO, &0u32.to_le_bytes(), &mut []).unwrap();
    let more = pattern(BIG / 4, 9);
    let p2 = p.clone();
    let more2 = more.clone();
    let reader = std::thread::spawn(move || read_n(&p2, s, BIG + BIG / 4));
    assert_eq!(p.send(c, &[&more2], 0).unwrap(), BIG / 4);
    let (got, end) = reader.join().unwrap();
    assert_eq!(end, Ok(BIG + BIG / 4));
    assert!(got[..BIG] == data[..] && got[BIG..] == more[..], "order");
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod portable {
            $(#[test] fn $name() { super::$name(&super::provider()) })*
        }
        mod sim {
            $(#[test] fn $name() { super::$name(&super::sim()) })*
        }
    };
}

both!(
    whole_buffer_then_would_block,
    fd_write_after_drain,
    shutdown_sends_fin_after_backlog,
    graceful_close_flushes_in_background,
    abortive_close_drops_backlog,
    reset_during_flush_is_reported,
    overlapped_send_waits_for_backlog,
    blocking_send_after_backlog,
);
