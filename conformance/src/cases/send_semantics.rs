//! Windows' stream-send semantics on non-blocking sockets: a send takes the whole buffer
//! or fails with `WSAEWOULDBLOCK`, buffering far past `SO_SNDBUF`; FD_WRITE follows the
//! failure once the buffered data is out; buffered data still goes out, in order, before
//! the FIN of a shutdown or a graceful close, and is dropped by an abortive one.
//!
//! Sources: Microsoft KB 214397 (*Design issues - Sending small data segments over TCP
//! with Winsock*: "If necessary, Winsock can buffer significantly more than the SO_SNDBUF
//! buffer size"; a send within the quota is copied and completed at once; with more than
//! one buffered send outstanding beyond the quota it is not), the WSAEventSelect page
//! (FD_WRITE "after a send fails with WSAEWOULDBLOCK and buffer space becomes available"),
//! the shutdown page (SD_SEND: "a FIN will be sent after all data is sent and acknowledged
//! by the receiver") and the closesocket page (graceful close: queued data is sent;
//! `SO_LINGER` with a zero timeout: abortive, unsent data is lost, the peer gets
//! `WSAECONNRESET`). Observed on Windows: a single non-blocking send of megabytes returns
//! the full count. See D13 in DIVERGENCES.md for the one place the engine is stricter.

use super::doc;
use crate::*;
use wsp::sync::Event;
use wsp::types::*;
use wsp::{FdSet, WsaError, Wsp};

const KB214397: &str = "https://learn.microsoft.com/en-us/troubleshoot/windows/win32/data-segment-tcp-winsock (KB 214397: Winsock buffers past SO_SNDBUF and completes the send); observed Windows behaviour: one non-blocking send of megabytes returns the full count";
const EVENT_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaeventselect (FD_WRITE after a send failed with WSAEWOULDBLOCK and space became available); KB 214397";
const SHUTDOWN_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (SD_SEND: the FIN follows all data); KB 214397";
const CLOSE_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket (graceful close sends queued data; SO_LINGER 0 is abortive); KB 214397";

/// Far beyond the buffers the pair below asks for.
const BIG: usize = 1 << 20;

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(nonblocking_send_takes_the_whole_buffer, "WSPSend", KB214397,
            "1048576: the whole buffer, though far beyond SO_SNDBUF (8192) and the peer reads nothing"),
        case!(nonblocking_sends_are_all_or_wouldblock, "WSPSend", KB214397,
            "each send of 262144 bytes returns 262144 or SOCKET_ERROR / WSAEWOULDBLOCK, never a short count; one fails within 8 calls"),
        case!(select_not_writable_while_send_buffer_full, "WSPSelect", doc::SELECT,
            "0 while a send would fail with WSAEWOULDBLOCK; 1 once the peer has read the data"),
        case!(fd_write_follows_the_drain_of_a_big_send, "WSPEventSelect", EVENT_PAGE,
            "no FD_WRITE while the buffered data waits; FD_WRITE with iErrorCode 0 once the peer has read it, and a send then succeeds"),
        case!(shutdown_after_big_send_sends_fin_after_the_data, "WSPShutdown", SHUTDOWN_PAGE,
            "0 at once; the peer reads all 1048576 bytes in order, then 0"),
        case!(graceful_close_after_big_send_delivers_the_data, "WSPCloseSocket", CLOSE_PAGE,
            "0 at once; the peer reads all 1048576 bytes in order, then 0"),
        case!(abortive_close_after_big_send_resets, "WSPCloseSocket", CLOSE_PAGE,
            "0; the peer reads fewer than 1048576 bytes, then SOCKET_ERROR / WSAECONNRESET"),
    ]
}

fn pattern(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8 ^ salt).collect()
}

fn set_u32(w: &dyn Wsp, s: SOCKET, name: i32, v: u32) -> Step<()> {
    expect_ok(
        "WSPSetSockOpt",
        w.set_sock_opt(s, SOL_SOCKET, name, &v.to_le_bytes()),
    )
}

/// A connected pair: the client non-blocking with an 8 KB send buffer, the server blocking
/// with an 8 KB receive buffer.
fn small_pair(fx: &Fixture<'_>) -> Step<(SOCKET, SOCKET)> {
    let w = fx.w;
    let (l, la) = fx.listener()?;
    set_u32(w, l, SO_RCVBUF, 8192)?;
    let c = fx.tcp()?;
    set_u32(w, c, SO_SNDBUF, 8192)?;
    fx.connect(c, &la)?;
    let s = fx.accept(l)?;
    set_u32(w, s, SO_RCVBUF, 8192)?;
    fx.set_nonblocking(c, true)?;
    Ok((c, s))
}

/// Send `data` in one non-blocking call, expecting the whole count.
fn send_whole(w: &dyn Wsp, c: SOCKET, data: &[u8]) -> Step<()> {
    let n = expect_ok("WSPSend (non-blocking)", w.send(c, &[data], 0))?;
    expect_eq("WSPSend byte count", n, data.len())
}

/// Send `chunk` until a send fails with WSAEWOULDBLOCK (within `max` calls), checking that
/// every success took the whole chunk.
fn send_until_would_block(w: &dyn Wsp, c: SOCKET, chunk: &[u8], max: usize) -> Step<usize> {
    let mut sent = 0;
    for _ in 0..max {
        match w.send(c, &[chunk], 0) {
            Ok(n) => {
                expect_eq("WSPSend byte count (never short)", n, chunk.len())?;
                sent += n;
            }
            Err(WsaError::WSAEWOULDBLOCK) => return Ok(sent),
            Err(e) => return Err(Outcome::Fail(format!("WSPSend: {e:?}"))),
        }
    }
    Err(Outcome::Fail(format!(
        "no WSAEWOULDBLOCK within {max} sends of {} bytes to a peer that reads nothing",
        chunk.len()
    )))
}

/// Read until the stream ends or fails: the bytes, and how it ended.
fn read_to_end(w: &dyn Wsp, s: SOCKET, limit: usize) -> (Vec<u8>, Result<usize, WsaError>) {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let mut flags = 0;
        match w.recv(s, &mut [&mut buf[..]], &mut flags) {
            Ok(0) => return (got, Ok(0)),
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if got.len() > limit {
                    return (got, Ok(n));
                }
            }
            Err(e) => return (got, Err(e)),
        }
    }
}

fn nonblocking_send_takes_the_whole_buffer(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = small_pair(&fx)?;
    let data = pattern(BIG, 0);
    send_whole(w, c, &data)?;
    expect_eq("bytes the peer reads", fx.recv_exact(s, BIG)? == data, true)
}

fn nonblocking_sends_are_all_or_wouldblock(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = small_pair(&fx)?;
    let chunk = pattern(BIG / 4, 1);
    let sent = send_until_would_block(w, c, &chunk, 8)?;
    let got = fx.recv_exact(s, sent)?;
    for (k, part) in got.chunks(chunk.len()).enumerate() {
        expect_eq(
            &format!("chunk {k} arrives whole"),
            part == &chunk[..],
            true,
        )?;
    }
    Ok(())
}

fn select_not_writable_while_send_buffer_full(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = small_pair(&fx)?;
    let chunk = pattern(BIG, 2);
    let sent = send_until_would_block(w, c, &chunk, 8)?;
    let mut set = FdSet::new();
    set.set(c);
    let zero = TIMEVAL {
        tv_sec: 0,
        tv_usec: 0,
    };
    let n = expect_ok(
        "WSPSelect(write, zero timeout)",
        w.select(None, Some(&mut set), None, Some(&zero)),
    )?;
    expect_eq("sockets writable while the send buffer is full", n, 0)?;
    fx.recv_exact(s, sent)?;
    let mut set = FdSet::new();
    set.set(c);
    let bound = TIMEVAL {
        tv_sec: BOUND.as_secs() as i32,
        tv_usec: 0,
    };
    let n = expect_ok(
        "WSPSelect(write) after the peer read",
        w.select(None, Some(&mut set), None, Some(&bound)),
    )?;
    expect_eq("sockets writable after the drain", n, 1)
}

fn fd_write_follows_the_drain_of_a_big_send(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = small_pair(&fx)?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_WRITE)",
        w.event_select(c, Some(&ev), FD_WRITE),
    )?;
    fx.wait_event("FD_WRITE on a connected socket", &ev)?;
    expect_ok("WSPEnumNetworkEvents", w.enum_network_events(c, Some(&ev)))?;
    let chunk = pattern(BIG, 3);
    let sent = send_until_would_block(w, c, &chunk, 8)?;
    let n = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(c, Some(&ev)))?;
    expect_eq(
        "FD_WRITE while the data waits",
        n.lNetworkEvents & FD_WRITE,
        0,
    )?;
    fx.recv_exact(s, sent)?;
    fx.wait_event("FD_WRITE after the drain", &ev)?;
    let n = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(c, Some(&ev)))?;
    expect_eq("FD_WRITE recorded", n.lNetworkEvents & FD_WRITE, FD_WRITE)?;
    expect_eq("FD_WRITE error", n.iErrorCode[FD_WRITE_BIT], 0)?;
    let m = expect_ok("WSPSend after FD_WRITE", w.send(c, &[b"ok"], 0))?;
    expect_eq("WSPSend byte count", m, 2)
}

fn shutdown_after_big_send_sends_fin_after_the_data(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = small_pair(&fx)?;
    let data = pattern(BIG, 4);
    send_whole(w, c, &data)?;
    expect_ok("WSPShutdown(SD_SEND)", w.shutdown(c, SD_SEND))?;
    let (got, end) = read_to_end(w, s, BIG);
    expect_eq("how the stream ended", end, Ok(0))?;
    expect_eq("bytes before the FIN", got.len(), BIG)?;
    expect_eq("bytes in order", got == data, true)
}

fn graceful_close_after_big_send_delivers_the_data(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = small_pair(&fx)?;
    let data = pattern(BIG, 5);
    send_whole(w, c, &data)?;
    fx.close(c)?;
    let (got, end) = read_to_end(w, s, BIG);
    expect_eq("how the stream ended", end, Ok(0))?;
    expect_eq("bytes before the FIN", got.len(), BIG)?;
    expect_eq("bytes in order", got == data, true)
}

fn abortive_close_after_big_send_resets(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = small_pair(&fx)?;
    let data = pattern(BIG, 6);
    send_whole(w, c, &data)?;
    let mut linger = [0u8; 4];
    linger[..2].copy_from_slice(&1u16.to_le_bytes());
    expect_ok(
        "WSPSetSockOpt(SO_LINGER 1, 0)",
        w.set_sock_opt(c, SOL_SOCKET, SO_LINGER, &linger),
    )?;
    fx.close(c)?;
    let (got, end) = read_to_end(w, s, BIG);
    expect_eq("how the stream ended", end, Err(WsaError::WSAECONNRESET))?;
    expect_true(got.len() < BIG, || {
        format!("the peer read all {BIG} bytes despite the abortive close")
    })?;
    expect_eq("bytes in order", got[..] == data[..got.len()], true)
}
