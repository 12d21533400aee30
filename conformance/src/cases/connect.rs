//! `WSPConnect`: stream connects (blocking, non-blocking, refused, bad targets) and the
//! default peer of a datagram socket.

use super::doc;
use crate::*;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;
use wsp::{SockAddr, WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(
            connect_blocking_to_listener_sets_peer,
            "WSPConnect",
            doc::CONNECT,
            "0; WSPGetPeerName gives the listener's address"
        ),
        case!(
            connect_implicitly_binds_the_socket,
            "WSPConnect",
            doc::CONNECT,
            "0; WSPGetSockName then gives 127.0.0.1 and a non-zero port"
        ),
        case!(
            connect_nonblocking_gives_wsaewouldblock_then_wsaealready_until_wsaeisconn,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAEWOULDBLOCK, then WSAEALREADY while pending, then WSAEISCONN"
        ),
        case!(
            connect_again_when_connected_gives_wsaeisconn,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAEISCONN"
        ),
        case!(
            connect_to_closed_port_gives_wsaeconnrefused,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAECONNREFUSED"
        ),
        case!(
            connect_to_inaddr_any_gives_wsaeaddrnotavail,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAEADDRNOTAVAIL"
        ),
        case!(
            connect_to_port_zero_gives_wsaeaddrnotavail,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAEADDRNOTAVAIL"
        ),
        case!(
            connect_on_listening_socket_gives_wsaeinval,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAEINVAL"
        ),
        case!(
            connect_short_name_gives_wsaefault,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAEFAULT"
        ),
        case!(
            connect_udp_sets_default_peer,
            "WSPConnect",
            doc::CONNECT,
            "0; WSPSend without an address reaches the peer, WSPGetPeerName gives it"
        ),
        case!(
            connect_garbage_handle_gives_wsaenotsock,
            "WSPConnect",
            doc::CONNECT,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
    ]
}

fn peer_of(w: &dyn Wsp, s: wsp::types::SOCKET) -> Step<SocketAddr> {
    let mut a = SockAddr::default();
    expect_ok("WSPGetPeerName", w.get_peer_name(s, &mut a))?;
    std_addr("WSPGetPeerName", &a)
}

fn connect_blocking_to_listener_sets_peer(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    fx.accept(l)?;
    expect_eq(
        "peer of the client",
        peer_of(w, c)?,
        std_addr("listener", &la)?,
    )
}

fn connect_implicitly_binds_the_socket(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let a = std_addr("WSPGetSockName", &fx.name_of(c)?)?;
    expect_true(a.ip().is_loopback() && a.port() != 0, || {
        format!("client name after connect: {a}")
    })
}

fn connect_nonblocking_gives_wsaewouldblock_then_wsaealready_until_wsaeisconn(
    w: &dyn Wsp,
) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.set_nonblocking(c, true)?;
    expect_err(
        "first non-blocking WSPConnect",
        w.connect(c, &la, None, None, None, None),
        WsaError::WSAEWOULDBLOCK,
    )?;
    // The server side completes the handshake; the client must see it soon after.
    fx.accept(l)?;
    let deadline = Instant::now() + BOUND;
    loop {
        match w.connect(c, &la, None, None, None, None) {
            Err(WsaError::WSAEISCONN) => return Ok(()),
            Err(WsaError::WSAEALREADY) if Instant::now() < deadline => std::thread::yield_now(),
            r => {
                return expect_err_any(
                    "repeated non-blocking WSPConnect",
                    r,
                    &[WsaError::WSAEISCONN],
                )
                .map(|_| ())
            }
        }
    }
}

fn connect_again_when_connected_gives_wsaeisconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    fx.accept(l)?;
    expect_err(
        "second WSPConnect",
        w.connect(c, &la, None, None, None, None),
        WsaError::WSAEISCONN,
    )
}

fn connect_to_closed_port_gives_wsaeconnrefused(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    // A bound socket that is not listening holds the port, so nothing else can take it.
    let holder = fx.tcp()?;
    let target = fx.bind_loopback(holder)?;
    let c = fx.tcp()?;
    expect_err(
        "WSPConnect to a port nobody listens on",
        w.connect(c, &target, None, None, None, None),
        WsaError::WSAECONNREFUSED,
    )
}

fn connect_to_inaddr_any_gives_wsaeaddrnotavail(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, la) = fx.listener()?;
    let port = std_addr("listener", &la)?.port();
    let any = SockAddr::from_std(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port));
    let c = fx.tcp()?;
    expect_err(
        "WSPConnect(0.0.0.0:<listener port>)",
        w.connect(c, &any, None, None, None, None),
        WsaError::WSAEADDRNOTAVAIL,
    )
}

fn connect_to_port_zero_gives_wsaeaddrnotavail(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let c = fx.tcp()?;
    expect_err(
        "WSPConnect(127.0.0.1:0)",
        w.connect(c, &v4(0), None, None, None, None),
        WsaError::WSAEADDRNOTAVAIL,
    )
}

fn connect_on_listening_socket_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, _) = fx.listener()?;
    let (_, other) = fx.listener()?;
    expect_err(
        "WSPConnect on a listening socket",
        w.connect(l, &other, None, None, None, None),
        WsaError::WSAEINVAL,
    )
}

fn connect_short_name_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, mut la) = fx.listener()?;
    la.set_len(8);
    let c = fx.tcp()?;
    expect_err(
        "WSPConnect with namelen 8",
        w.connect(c, &la, None, None, None, None),
        WsaError::WSAEFAULT,
    )
}

fn connect_udp_sets_default_peer(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let b = fx.udp()?;
    fx.connect(b, &aa)?;
    expect_eq(
        "peer of the connected UDP socket",
        peer_of(w, b)?,
        std_addr("a", &aa)?,
    )?;
    let n = expect_ok("WSPSend on connected UDP", w.send(b, &[b"dgram"], 0))?;
    expect_eq("bytes sent", n, 5)?;
    let mut buf = [0u8; 16];
    let mut flags = 0;
    let mut from = SockAddr::default();
    let n = expect_ok(
        "WSPRecvFrom",
        w.recv_from(a, &mut [&mut buf[..]], &mut flags, Some(&mut from)),
    )?;
    expect_eq("datagram", &buf[..n], &b"dgram"[..])?;
    expect_eq(
        "sender",
        std_addr("from", &from)?,
        std_addr("b", &fx.name_of(b)?)?,
    )
}

fn connect_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPConnect(garbage)",
        w.connect(GARBAGE, &v4(80), None, None, None, None),
    )
}
