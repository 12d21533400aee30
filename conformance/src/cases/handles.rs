//! Handles: garbage, `INVALID_SOCKET` and closed handles give `WSAENOTSOCK`, and a closed
//! handle never reaches a newer socket.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(close_garbage_handle_gives_wsaenotsock, "WSPCloseSocket", doc::CLOSESOCKET,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(close_invalid_socket_gives_wsaenotsock, "WSPCloseSocket", doc::CLOSESOCKET,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(close_handle_zero_gives_wsaenotsock, "WSPCloseSocket", doc::CLOSESOCKET,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(close_twice_gives_wsaenotsock, "WSPCloseSocket", doc::CLOSESOCKET,
            "0, then SOCKET_ERROR / WSAENOTSOCK"),
        case!(closed_handle_never_reaches_newer_socket, "WSPCloseSocket", doc::CLOSESOCKET,
            "a closed handle gives SOCKET_ERROR / WSAENOTSOCK while newer sockets (which get other handles) keep working"),
    ]
}

fn close_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock("WSPCloseSocket(garbage)", w.close_socket(GARBAGE))
}

fn close_invalid_socket_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPCloseSocket(INVALID_SOCKET)",
        w.close_socket(INVALID_SOCKET),
        WsaError::WSAENOTSOCK,
    )
}

fn close_handle_zero_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPCloseSocket(0)",
        w.close_socket(0),
        WsaError::WSAENOTSOCK,
    )
}

fn close_twice_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    fx.close(s)?;
    expect_err(
        "second WSPCloseSocket",
        w.close_socket(s),
        WsaError::WSAENOTSOCK,
    )
}

fn closed_handle_never_reaches_newer_socket(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let old = fx.tcp()?;
    fx.close(old)?;
    let mut newer = Vec::new();
    for _ in 0..16 {
        let s = fx.tcp()?;
        expect_true(s != old, || {
            format!("a new socket got the closed handle {old:#x}")
        })?;
        newer.push(s);
    }
    expect_err(
        "WSPBind on the closed handle",
        w.bind(old, &v4(0)),
        WsaError::WSAENOTSOCK,
    )?;
    expect_err(
        "WSPCloseSocket on the closed handle",
        w.close_socket(old),
        WsaError::WSAENOTSOCK,
    )?;
    for s in newer {
        expect_ok("WSPBind on a newer socket", w.bind(s, &v4(0)))?;
    }
    Ok(())
}
