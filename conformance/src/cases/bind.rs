//! `WSPBind`.

use super::doc;
use crate::*;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use wsp::{SockAddr, WsaError, Wsp};

const WINE_BIND: &str = "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c test_bind (run on Windows); the WSPBind page lists only WSAEFAULT for a family mismatch, but Windows gives WSAEAFNOSUPPORT when the length is right and the family is wrong";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(bind_loopback_port_zero_assigns_a_port, "WSPBind", doc::BIND,
            "0; WSPGetSockName then gives 127.0.0.1 and a non-zero port"),
        case!(bind_twice_gives_wsaeinval, "WSPBind", doc::BIND,
            "SOCKET_ERROR / WSAEINVAL"),
        case!(bind_address_in_use_gives_wsaeaddrinuse, "WSPBind", doc::BIND,
            "SOCKET_ERROR / WSAEADDRINUSE"),
        case!(bind_non_local_address_gives_wsaeaddrnotavail, "WSPBind", doc::BIND,
            "SOCKET_ERROR / WSAEADDRNOTAVAIL (192.0.2.1 is TEST-NET-1; bind sends no traffic)"),
        case!(bind_short_namelen_gives_wsaefault, "WSPBind", doc::BIND,
            "SOCKET_ERROR / WSAEFAULT"),
        case!(bind_ipv4_name_on_ipv6_socket_gives_wsaefault, "WSPBind", WINE_BIND,
            "SOCKET_ERROR / WSAEFAULT (a sockaddr_in is shorter than the sockaddr_in6 the socket needs)"),
        case!(bind_wrong_family_gives_wsaeafnosupport, "WSPBind", WINE_BIND,
            "SOCKET_ERROR / WSAEAFNOSUPPORT"),
        case!(bind_garbage_handle_gives_wsaenotsock, "WSPBind", doc::BIND,
            "SOCKET_ERROR / WSAENOTSOCK"),
    ]
}

fn bind_loopback_port_zero_assigns_a_port(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let a = std_addr("WSPGetSockName", &fx.bind_loopback(s)?)?;
    expect_eq("bound address", a.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST))
}

fn bind_twice_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    fx.bind_loopback(s)?;
    expect_err("second WSPBind", w.bind(s, &v4(0)), WsaError::WSAEINVAL)
}

fn bind_address_in_use_gives_wsaeaddrinuse(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s1 = fx.tcp()?;
    let a = fx.bind_loopback(s1)?;
    let s2 = fx.tcp()?;
    expect_err(
        "WSPBind to an address in use",
        w.bind(s2, &a),
        WsaError::WSAEADDRINUSE,
    )
}

fn bind_non_local_address_gives_wsaeaddrnotavail(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let far = SockAddr::from_std(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 0));
    expect_err(
        "WSPBind(192.0.2.1:0)",
        w.bind(s, &far),
        WsaError::WSAEADDRNOTAVAIL,
    )
}

fn bind_short_namelen_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut a = v4(0);
    a.set_len(15);
    expect_err(
        "WSPBind with namelen 15",
        w.bind(s, &a),
        WsaError::WSAEFAULT,
    )
}

fn bind_ipv4_name_on_ipv6_socket_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.socket(
        wsp::types::AF_INET6,
        wsp::types::SOCK_STREAM,
        wsp::types::IPPROTO_TCP,
    )?;
    expect_err(
        "WSPBind(sockaddr_in) on an IPv6 socket",
        w.bind(s, &v4(0)),
        WsaError::WSAEFAULT,
    )
}

fn bind_wrong_family_gives_wsaeafnosupport(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut raw = v4(0).as_bytes().to_vec();
    raw[0..2].copy_from_slice(&0xdeadu16.to_le_bytes());
    expect_err(
        "WSPBind with sa_family 0xdead",
        w.bind(s, &SockAddr::from_bytes(&raw)),
        WsaError::WSAEAFNOSUPPORT,
    )?;
    expect_err(
        "WSPBind(sockaddr_in6) on an IPv4 socket",
        w.bind(s, &v6(0)),
        WsaError::WSAEAFNOSUPPORT,
    )
}

fn bind_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock("WSPBind(garbage)", w.bind(GARBAGE, &v4(0)))
}
