//! `WSPSend` and `WSPRecv` on stream sockets: scatter/gather, `MSG_PEEK`, `MSG_OOB`,
//! graceful close, reset, and the unconnected cases.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(send_gathers_three_buffers, "WSPSend", doc::SEND,
            "the total of the three buffers; the peer reads them as one byte stream in order"),
        case!(send_on_unconnected_tcp_gives_wsaenotconn, "WSPSend", doc::SEND,
            "SOCKET_ERROR / WSAENOTCONN"),
        case!(send_garbage_handle_gives_wsaenotsock, "WSPSend", doc::SEND,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(recv_scatters_across_three_buffers, "WSPRecv", doc::RECV,
            "the byte count; the buffers are filled in order"),
        case!(recv_peek_leaves_data_queued, "WSPRecv", doc::RECV,
            "MSG_PEEK returns the bytes; the next recv returns the same bytes"),
        case!(recv_oob_reads_the_urgent_byte, "WSPRecv", doc::RECV,
            "1 with the byte sent with MSG_OOB; normal reads return only the normal data"),
        case!(recv_after_graceful_close_reads_zero, "WSPRecv", doc::RECV,
            "the queued data, then 0"),
        case!(recv_after_peer_reset_gives_wsaeconnreset, "WSPRecv",
            "observed Windows behaviour: closing a socket with unread received data resets the connection (RFC 2525 2.17; Windows and Linux both send RST), and https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwsprecv lists WSAECONNRESET for a reset connection",
            "SOCKET_ERROR / WSAECONNRESET"),
        case!(recv_on_unconnected_tcp_gives_wsaenotconn, "WSPRecv", doc::RECV,
            "SOCKET_ERROR / WSAENOTCONN"),
        case!(recv_nonblocking_without_data_gives_wsaewouldblock, "WSPRecv", doc::RECV,
            "SOCKET_ERROR / WSAEWOULDBLOCK"),
        case!(recv_garbage_handle_gives_wsaenotsock, "WSPRecv", doc::RECV,
            "SOCKET_ERROR / WSAENOTSOCK"),
    ]
}

fn send_gathers_three_buffers(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let n = expect_ok(
        "WSPSend of 3 buffers",
        w.send(c, &[b"ab", b"cde", b"fghi"], 0),
    )?;
    expect_eq("bytes sent", n, 9)?;
    expect_eq(
        "bytes received",
        fx.recv_exact(s, 9)?,
        b"abcdefghi".to_vec(),
    )
}

fn send_on_unconnected_tcp_gives_wsaenotconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPSend on an unconnected socket",
        w.send(s, &[b"x"], 0),
        WsaError::WSAENOTCONN,
    )
}

fn send_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock("WSPSend(garbage)", w.send(GARBAGE, &[b"x"], 0))
}

fn recv_scatters_across_three_buffers(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"abcdefgh")?;
    fx.wait_queued(s, 8)?;
    let (mut b1, mut b2, mut b3) = ([0u8; 3], [0u8; 3], [0u8; 4]);
    let mut flags = 0;
    let n = expect_ok(
        "WSPRecv into 3 buffers",
        w.recv(s, &mut [&mut b1[..], &mut b2[..], &mut b3[..]], &mut flags),
    )?;
    expect_eq("bytes received", n, 8)?;
    expect_eq("first buffer", &b1, b"abc")?;
    expect_eq("second buffer", &b2, b"def")?;
    expect_eq("third buffer", &b3[..2], b"gh")
}

fn recv_peek_leaves_data_queued(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"peek")?;
    fx.wait_queued(s, 4)?;
    let mut buf = [0u8; 8];
    let mut flags = MSG_PEEK;
    let n = expect_ok(
        "WSPRecv(MSG_PEEK)",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
    )?;
    expect_eq("peeked", &buf[..n], b"peek")?;
    expect_eq(
        "received after peek",
        fx.recv_exact(s, 4)?,
        b"peek".to_vec(),
    )
}

fn recv_oob_reads_the_urgent_byte(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"ab")?;
    let n = expect_ok("WSPSend(MSG_OOB)", w.send(c, &[b"X"], MSG_OOB))?;
    expect_eq("OOB bytes sent", n, 1)?;
    // Normal reads stop at the mark and never return the urgent byte. (Reading past the
    // mark would discard it on BSD-style stacks, so nothing follows it here.)
    expect_eq("normal data", fx.recv_exact(s, 2)?, b"ab".to_vec())?;
    // The urgent byte may still be in flight: poll for it, bounded.
    fx.set_nonblocking(s, true)?;
    let deadline = std::time::Instant::now() + BOUND;
    loop {
        let mut buf = [0u8; 4];
        let mut flags = MSG_OOB;
        match w.recv(s, &mut [&mut buf[..]], &mut flags) {
            Ok(n) => return expect_eq("urgent data", &buf[..n], b"X"),
            Err(WsaError::WSAEWOULDBLOCK | WsaError::WSAEINVAL)
                if std::time::Instant::now() < deadline =>
            {
                std::thread::yield_now()
            }
            r => return expect_ok("WSPRecv(MSG_OOB)", r).map(|_| ()),
        }
    }
}

fn recv_after_graceful_close_reads_zero(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"bye")?;
    fx.close(c)?;
    expect_eq(
        "data before the close",
        fx.recv_exact(s, 3)?,
        b"bye".to_vec(),
    )?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    let n = expect_ok(
        "WSPRecv after the peer closed",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
    )?;
    expect_eq("bytes at end of stream", n, 0)
}

fn recv_after_peer_reset_gives_wsaeconnreset(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(s, b"unread")?;
    fx.wait_queued(c, 6)?;
    // Closing with unread data resets the connection.
    fx.close(c)?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecv after the peer reset",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAECONNRESET,
    )
}

fn recv_on_unconnected_tcp_gives_wsaenotconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecv on an unconnected socket",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAENOTCONN,
    )
}

fn recv_nonblocking_without_data_gives_wsaewouldblock(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, s) = fx.pair()?;
    fx.set_nonblocking(s, true)?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "non-blocking WSPRecv with nothing queued",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAEWOULDBLOCK,
    )
}

fn recv_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    garbage_gives_enotsock(
        "WSPRecv(garbage)",
        w.recv(GARBAGE, &mut [&mut buf[..]], &mut flags),
    )
}
