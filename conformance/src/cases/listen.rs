//! `WSPListen`.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

const WINE_LISTEN: &str = "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c test_listen (run on Windows) and https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwsplisten";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(
            listen_unbound_gives_wsaeinval,
            "WSPListen",
            WINE_LISTEN,
            "SOCKET_ERROR / WSAEINVAL"
        ),
        case!(
            listen_on_udp_gives_wsaeopnotsupp,
            "WSPListen",
            WINE_LISTEN,
            "SOCKET_ERROR / WSAEOPNOTSUPP"
        ),
        case!(
            listen_after_connect_gives_wsaeisconn,
            "WSPListen",
            WINE_LISTEN,
            "SOCKET_ERROR / WSAEISCONN"
        ),
        case!(
            listen_twice_succeeds,
            "WSPListen",
            doc::LISTEN,
            "0 both times (a second listen on a listening socket succeeds)"
        ),
        case!(
            listen_sets_so_acceptconn,
            "WSPListen",
            doc::LISTEN,
            "0; SO_ACCEPTCONN then reads TRUE"
        ),
        case!(
            listen_garbage_handle_gives_wsaenotsock,
            "WSPListen",
            doc::LISTEN,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
    ]
}

fn listen_unbound_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPListen on an unbound socket",
        w.listen(s, 5),
        WsaError::WSAEINVAL,
    )
}

fn listen_on_udp_gives_wsaeopnotsupp(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    // Listening on TCP works, so WSAEOPNOTSUPP below is UDP's answer, not an unbuilt listen.
    fx.listener()?;
    let (s, _) = fx.bound_udp()?;
    expect_err("WSPListen on UDP", w.listen(s, 5), WsaError::WSAEOPNOTSUPP)
}

fn listen_after_connect_gives_wsaeisconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    expect_err(
        "WSPListen on a connected socket",
        w.listen(c, 5),
        WsaError::WSAEISCONN,
    )
}

fn listen_twice_succeeds(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, _) = fx.listener()?;
    expect_ok("second WSPListen", w.listen(l, 1))
}

fn listen_sets_so_acceptconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, _) = fx.listener()?;
    let mut v = [0u8; 4];
    let n = expect_ok(
        "WSPGetSockOpt(SO_ACCEPTCONN)",
        w.get_sock_opt(l, SOL_SOCKET, SO_ACCEPTCONN, &mut v),
    )?;
    expect_eq("SO_ACCEPTCONN length", n, 4)?;
    expect_eq("SO_ACCEPTCONN", u32::from_le_bytes(v), 1)
}

fn listen_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock("WSPListen(garbage)", w.listen(GARBAGE, 5))
}
