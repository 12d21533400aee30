//! `WSPAccept`.

use super::doc;
use crate::*;
use std::time::Instant;
use wsp::wsp::ConditionDecision;
use wsp::{SockAddr, WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(accept_blocking_returns_socket_and_peer_address, "WSPAccept", doc::ACCEPT,
            "a new SOCKET; *addr is the client's local address"),
        case!(accept_nonblocking_client_then_blocking_accept, "WSPAccept", doc::ACCEPT,
            "client: SOCKET_ERROR / WSAEWOULDBLOCK; the blocking accept then returns the connection"),
        case!(accept_nonblocking_without_pending_gives_wsaewouldblock, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSAEWOULDBLOCK"),
        case!(accept_nonblocking_returns_pending_connection, "WSPAccept", doc::ACCEPT,
            "WSAEWOULDBLOCK until the connection is queued, then a new SOCKET"),
        case!(accept_on_non_listening_socket_gives_wsaeinval, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSAEINVAL"),
        case!(accept_short_address_buffer_gives_wsaefault, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSAEFAULT"),
        case!(accepted_socket_is_connected_both_ways, "WSPAccept", doc::ACCEPT,
            "bytes sent each way arrive"),
        case!(accept_condition_reject_gives_wsaeconnrefused, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSAECONNREFUSED when the condition function returns CF_REJECT"),
        case!(accept_garbage_handle_gives_wsaenotsock, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSAENOTSOCK"),
    ]
}

fn accept_blocking_returns_socket_and_peer_address(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut peer = SockAddr::default();
    let s = expect_ok("WSPAccept", w.accept(l, Some(&mut peer), None))?;
    fx.track(s);
    expect_true(s != l && s != c, || {
        "WSPAccept returned an existing handle".into()
    })?;
    let client_name = std_addr("WSPGetSockName(client)", &fx.name_of(c)?)?;
    expect_eq(
        "accepted peer address",
        std_addr("WSPAccept addr", &peer)?,
        client_name,
    )?;
    expect_eq("accepted addrlen", peer.len(), wsp::addr::SOCKADDR_IN_LEN)
}

fn accept_nonblocking_client_then_blocking_accept(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.set_nonblocking(c, true)?;
    expect_err(
        "non-blocking WSPConnect",
        w.connect(c, &la, None, None, None, None),
        WsaError::WSAEWOULDBLOCK,
    )?;
    let s = fx.accept(l)?;
    let peer = {
        let mut a = SockAddr::default();
        expect_ok("WSPGetPeerName(accepted)", w.get_peer_name(s, &mut a))?;
        std_addr("WSPGetPeerName", &a)?
    };
    expect_eq(
        "accepted peer",
        peer,
        std_addr("client name", &fx.name_of(c)?)?,
    )
}

fn accept_nonblocking_without_pending_gives_wsaewouldblock(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, _) = fx.listener()?;
    fx.set_nonblocking(l, true)?;
    expect_err(
        "non-blocking WSPAccept",
        w.accept(l, None, None),
        WsaError::WSAEWOULDBLOCK,
    )
}

fn accept_nonblocking_returns_pending_connection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    fx.set_nonblocking(l, true)?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let deadline = Instant::now() + BOUND;
    loop {
        match w.accept(l, None, None) {
            Ok(s) => {
                fx.track(s);
                return Ok(());
            }
            Err(WsaError::WSAEWOULDBLOCK) if Instant::now() < deadline => std::thread::yield_now(),
            r => return expect_ok("non-blocking WSPAccept", r).map(|_| ()),
        }
    }
}

fn accept_on_non_listening_socket_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    fx.bind_loopback(s)?;
    expect_err(
        "WSPAccept on a bound, non-listening socket",
        w.accept(s, None, None),
        WsaError::WSAEINVAL,
    )
}

fn accept_short_address_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut short = SockAddr::with_capacity(8);
    let r = w.accept(l, Some(&mut short), None);
    if let Ok(s) = r {
        fx.track(s);
    }
    expect_err(
        "WSPAccept with an 8-byte address buffer",
        r,
        WsaError::WSAEFAULT,
    )
}

fn accepted_socket_is_connected_both_ways(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"ping")?;
    expect_eq("server received", fx.recv_exact(s, 4)?, b"ping".to_vec())?;
    fx.send_all(s, b"pong!")?;
    expect_eq("client received", fx.recv_exact(c, 5)?, b"pong!".to_vec())
}

fn accept_condition_reject_gives_wsaeconnrefused(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut asked = false;
    let mut cond = |_: &mut wsp::wsp::AcceptCondition<'_>| {
        asked = true;
        ConditionDecision::Reject
    };
    let r = w.accept(l, None, Some(&mut cond));
    if let Ok(s) = r {
        fx.track(s);
    }
    expect_err(
        "WSPAccept with a rejecting condition",
        r,
        WsaError::WSAECONNREFUSED,
    )?;
    expect_true(asked, || "the condition function was never called".into())
}

fn accept_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock("WSPAccept(garbage)", w.accept(GARBAGE, None, None))
}
