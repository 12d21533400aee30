//! `WSPGetSockName` and `WSPGetPeerName`.

use super::doc;
use crate::*;
use wsp::{SockAddr, WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(
            get_sock_name_after_bind_gives_the_address,
            "WSPGetSockName",
            doc::GETSOCKNAME,
            "0; *namelen = 16 and the bound address"
        ),
        case!(
            get_sock_name_unbound_gives_wsaeinval,
            "WSPGetSockName",
            doc::GETSOCKNAME,
            "SOCKET_ERROR / WSAEINVAL"
        ),
        case!(
            get_sock_name_short_buffer_gives_wsaefault,
            "WSPGetSockName",
            doc::GETSOCKNAME,
            "SOCKET_ERROR / WSAEFAULT"
        ),
        case!(
            get_sock_name_of_accepted_socket_is_the_listener_address,
            "WSPGetSockName",
            doc::GETSOCKNAME,
            "0; the listener's address"
        ),
        case!(
            get_sock_name_garbage_handle_gives_wsaenotsock,
            "WSPGetSockName",
            doc::GETSOCKNAME,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
        case!(
            get_peer_name_connected_gives_the_peer,
            "WSPGetPeerName",
            doc::GETPEERNAME,
            "0; the peer's address on both ends"
        ),
        case!(
            get_peer_name_unconnected_gives_wsaenotconn,
            "WSPGetPeerName",
            doc::GETPEERNAME,
            "SOCKET_ERROR / WSAENOTCONN"
        ),
        case!(
            get_peer_name_of_listener_gives_wsaenotconn,
            "WSPGetPeerName",
            doc::GETPEERNAME,
            "SOCKET_ERROR / WSAENOTCONN"
        ),
        case!(
            get_peer_name_short_buffer_gives_wsaefault,
            "WSPGetPeerName",
            doc::GETPEERNAME,
            "SOCKET_ERROR / WSAEFAULT"
        ),
        case!(
            get_peer_name_garbage_handle_gives_wsaenotsock,
            "WSPGetPeerName",
            doc::GETPEERNAME,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
    ]
}

fn get_sock_name_after_bind_gives_the_address(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    let a = fx.bind_loopback(s)?;
    expect_eq("namelen", a.len(), wsp::addr::SOCKADDR_IN_LEN)?;
    expect_eq("family", a.family(), Some(wsp::types::AF_INET))
}

fn get_sock_name_unbound_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut a = SockAddr::default();
    expect_err(
        "WSPGetSockName on an unbound socket",
        w.get_sock_name(s, &mut a),
        WsaError::WSAEINVAL,
    )
}

fn get_sock_name_short_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    fx.bind_loopback(s)?;
    let mut a = SockAddr::with_capacity(15);
    expect_err(
        "WSPGetSockName with namelen 15",
        w.get_sock_name(s, &mut a),
        WsaError::WSAEFAULT,
    )
}

fn get_sock_name_of_accepted_socket_is_the_listener_address(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let s = fx.accept(l)?;
    expect_eq(
        "accepted socket's name",
        std_addr("name", &fx.name_of(s)?)?,
        std_addr("listener", &la)?,
    )
}

fn get_sock_name_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut a = SockAddr::default();
    garbage_gives_enotsock("WSPGetSockName(garbage)", w.get_sock_name(GARBAGE, &mut a))
}

fn get_peer_name_connected_gives_the_peer(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let mut pc = SockAddr::default();
    expect_ok("WSPGetPeerName(client)", w.get_peer_name(c, &mut pc))?;
    let mut ps = SockAddr::default();
    expect_ok("WSPGetPeerName(server)", w.get_peer_name(s, &mut ps))?;
    expect_eq(
        "client's peer",
        std_addr("peer", &pc)?,
        std_addr("server name", &fx.name_of(s)?)?,
    )?;
    expect_eq(
        "server's peer",
        std_addr("peer", &ps)?,
        std_addr("client name", &fx.name_of(c)?)?,
    )
}

fn get_peer_name_unconnected_gives_wsaenotconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    fx.bind_loopback(s)?;
    let mut a = SockAddr::default();
    expect_err(
        "WSPGetPeerName unconnected",
        w.get_peer_name(s, &mut a),
        WsaError::WSAENOTCONN,
    )
}

fn get_peer_name_of_listener_gives_wsaenotconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, _) = fx.listener()?;
    let mut a = SockAddr::default();
    expect_err(
        "WSPGetPeerName on a listener",
        w.get_peer_name(l, &mut a),
        WsaError::WSAENOTCONN,
    )
}

fn get_peer_name_short_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    let mut a = SockAddr::with_capacity(8);
    expect_err(
        "WSPGetPeerName with namelen 8",
        w.get_peer_name(c, &mut a),
        WsaError::WSAEFAULT,
    )
}

fn get_peer_name_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut a = SockAddr::default();
    garbage_gives_enotsock("WSPGetPeerName(garbage)", w.get_peer_name(GARBAGE, &mut a))
}
