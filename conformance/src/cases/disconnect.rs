//! `WSPSendDisconnect` and `WSPRecvDisconnect` on TCP, which carries no disconnect data.

use super::doc;
use crate::*;
use wsp::{WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(
            send_disconnect_with_data_on_tcp_gives_wsaenoprotoopt,
            "WSPSendDisconnect",
            doc::SENDDISCONNECT,
            "SOCKET_ERROR / WSAENOPROTOOPT (TCP/IP has no XP1_DISCONNECT_DATA)"
        ),
        case!(
            send_disconnect_disables_sends_and_peer_reads_zero,
            "WSPSendDisconnect",
            doc::SENDDISCONNECT,
            "0; a later send gives SOCKET_ERROR / WSAESHUTDOWN; the peer reads 0"
        ),
        case!(
            send_disconnect_unconnected_gives_wsaenotconn,
            "WSPSendDisconnect",
            doc::SENDDISCONNECT,
            "SOCKET_ERROR / WSAENOTCONN"
        ),
        case!(
            send_disconnect_garbage_handle_gives_wsaenotsock,
            "WSPSendDisconnect",
            doc::SENDDISCONNECT,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
        case!(
            recv_disconnect_disables_receives,
            "WSPRecvDisconnect",
            doc::RECVDISCONNECT,
            "0 with no disconnect data; a later recv gives SOCKET_ERROR / WSAESHUTDOWN"
        ),
        case!(
            recv_disconnect_unconnected_gives_wsaenotconn,
            "WSPRecvDisconnect",
            doc::RECVDISCONNECT,
            "SOCKET_ERROR / WSAENOTCONN"
        ),
        case!(
            recv_disconnect_garbage_handle_gives_wsaenotsock,
            "WSPRecvDisconnect",
            doc::RECVDISCONNECT,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
    ]
}

fn send_disconnect_with_data_on_tcp_gives_wsaenoprotoopt(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    expect_err(
        "WSPSendDisconnect with data on TCP",
        w.send_disconnect(c, Some(b"bye")),
        WsaError::WSAENOPROTOOPT,
    )
}

fn send_disconnect_disables_sends_and_peer_reads_zero(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    expect_ok("WSPSendDisconnect", w.send_disconnect(c, None))?;
    expect_err(
        "WSPSend after WSPSendDisconnect",
        w.send(c, &[b"x"], 0),
        WsaError::WSAESHUTDOWN,
    )?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    let n = expect_ok("peer WSPRecv", w.recv(s, &mut [&mut buf[..]], &mut flags))?;
    expect_eq("bytes at end of stream", n, 0)
}

fn send_disconnect_unconnected_gives_wsaenotconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPSendDisconnect unconnected",
        w.send_disconnect(s, None),
        WsaError::WSAENOTCONN,
    )
}

fn send_disconnect_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPSendDisconnect(garbage)",
        w.send_disconnect(GARBAGE, None),
    )
}

fn recv_disconnect_disables_receives(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, s) = fx.pair()?;
    let n = expect_ok("WSPRecvDisconnect", w.recv_disconnect(s, None))?;
    expect_eq("disconnect data bytes", n, 0)?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecv after WSPRecvDisconnect",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAESHUTDOWN,
    )
}

fn recv_disconnect_unconnected_gives_wsaenotconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPRecvDisconnect unconnected",
        w.recv_disconnect(s, None),
        WsaError::WSAENOTCONN,
    )
}

fn recv_disconnect_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPRecvDisconnect(garbage)",
        w.recv_disconnect(GARBAGE, None),
    )
}
