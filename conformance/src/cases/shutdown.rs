//! `WSPShutdown`, and `WSPCloseSocket` under a blocked call.

use super::doc;
use crate::*;
use std::sync::mpsc;
use wsp::types::*;
use wsp::{WsaError, Wsp};

const WINE_SHUTDOWN: &str = "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c test_shutdown (run on Windows) and https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspshutdown";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(shutdown_send_then_send_gives_wsaeshutdown, "WSPShutdown", WINE_SHUTDOWN,
            "0; a later send gives SOCKET_ERROR / WSAESHUTDOWN"),
        case!(shutdown_send_peer_reads_zero, "WSPShutdown", WINE_SHUTDOWN,
            "0; the peer reads the queued data and then 0"),
        case!(shutdown_receive_then_recv_gives_wsaeshutdown, "WSPShutdown", WINE_SHUTDOWN,
            "0; a later recv gives SOCKET_ERROR / WSAESHUTDOWN; sending still works"),
        case!(shutdown_both_then_send_gives_wsaeshutdown, "WSPShutdown", WINE_SHUTDOWN,
            "0; a later send gives SOCKET_ERROR / WSAESHUTDOWN"),
        case!(shutdown_bad_how_gives_wsaeinval, "WSPShutdown", WINE_SHUTDOWN,
            "SOCKET_ERROR / WSAEINVAL"),
        case!(shutdown_unconnected_tcp_gives_wsaenotconn, "WSPShutdown", WINE_SHUTDOWN,
            "SOCKET_ERROR / WSAENOTCONN"),
        case!(shutdown_garbage_handle_gives_wsaenotsock, "WSPShutdown", doc::SHUTDOWN,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(close_ends_a_blocked_recv_on_another_thread, "WSPCloseSocket",
            "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspclosesocket (pending blocking calls on the socket are cancelled); observed Windows behaviour: the blocked recv returns WSAEINTR, or WSAENOTSOCK if the close came first",
            "0 for the close; the blocked recv returns SOCKET_ERROR / WSAEINTR (or WSAENOTSOCK if it started after the close)"),
    ]
}

fn shutdown_send_then_send_gives_wsaeshutdown(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    expect_ok("WSPShutdown(SD_SEND)", w.shutdown(c, SD_SEND))?;
    expect_err(
        "WSPSend after SD_SEND",
        w.send(c, &[b"x"], 0),
        WsaError::WSAESHUTDOWN,
    )
}

fn shutdown_send_peer_reads_zero(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"last")?;
    expect_ok("WSPShutdown(SD_SEND)", w.shutdown(c, SD_SEND))?;
    expect_eq(
        "data before the shutdown",
        fx.recv_exact(s, 4)?,
        b"last".to_vec(),
    )?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    let n = expect_ok(
        "WSPRecv after the peer's SD_SEND",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
    )?;
    expect_eq("bytes at end of stream", n, 0)
}

fn shutdown_receive_then_recv_gives_wsaeshutdown(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    expect_ok("WSPShutdown(SD_RECEIVE)", w.shutdown(s, SD_RECEIVE))?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecv after SD_RECEIVE",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAESHUTDOWN,
    )?;
    fx.send_all(s, b"still")?;
    expect_eq(
        "data sent after SD_RECEIVE",
        fx.recv_exact(c, 5)?,
        b"still".to_vec(),
    )
}

fn shutdown_both_then_send_gives_wsaeshutdown(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    expect_ok("WSPShutdown(SD_BOTH)", w.shutdown(c, SD_BOTH))?;
    expect_err(
        "WSPSend after SD_BOTH",
        w.send(c, &[b"x"], 0),
        WsaError::WSAESHUTDOWN,
    )
}

fn shutdown_bad_how_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    expect_err("WSPShutdown(how 7)", w.shutdown(c, 7), WsaError::WSAEINVAL)
}

fn shutdown_unconnected_tcp_gives_wsaenotconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPShutdown on an unconnected socket",
        w.shutdown(s, SD_SEND),
        WsaError::WSAENOTCONN,
    )
}

fn shutdown_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock("WSPShutdown(garbage)", w.shutdown(GARBAGE, SD_BOTH))
}

fn close_ends_a_blocked_recv_on_another_thread(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, s) = fx.pair()?;
    fx.forget(s);
    std::thread::scope(|scope| {
        let (ready_tx, ready_rx) = mpsc::channel();
        let reader = scope.spawn(move || {
            let mut buf = [0u8; 4];
            let mut flags = 0;
            let _ = ready_tx.send(());
            w.recv(s, &mut [&mut buf[..]], &mut flags)
        });
        let _ = ready_rx.recv_timeout(BOUND);
        expect_ok(
            "WSPCloseSocket while another thread is in recv",
            w.close_socket(s),
        )?;
        // If the recv never returns, the runner's watchdog reports the case as hung.
        let r = reader
            .join()
            .map_err(|_| Outcome::Fail("the reading thread panicked".into()))?;
        expect_err_any(
            "WSPRecv blocked when the socket was closed",
            r,
            &[WsaError::WSAEINTR, WsaError::WSAENOTSOCK],
        )
        .map(|_| ())
    })
}
