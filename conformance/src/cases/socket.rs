//! `WSPSocket`: choosing a catalog entry from (family, type, protocol) with Windows' codes
//! for the combinations that do not exist, and creating sockets from a `WSAPROTOCOL_INFOW`.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

const WINE_WSASOCKET: &str = "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c test_WSASocket (run on Windows) and the WSPSocket page https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspsocket";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(socket_tcp_ipv4_gives_a_handle, "WSPSocket", doc::SOCKET,
            "a SOCKET other than INVALID_SOCKET"),
        case!(socket_protocol_zero_picks_the_default_protocol, "WSPSocket", doc::SOCKET,
            "(AF_INET, SOCK_DGRAM, 0) gives a UDP socket: listen on it gives WSAEOPNOTSUPP"),
        case!(socket_unknown_family_gives_wsaeafnosupport, "WSPSocket", WINE_WSASOCKET,
            "INVALID_SOCKET / WSAEAFNOSUPPORT"),
        case!(socket_unknown_type_gives_wsaesocktnosupport, "WSPSocket", WINE_WSASOCKET,
            "INVALID_SOCKET / WSAESOCKTNOSUPPORT"),
        case!(socket_stream_with_udp_gives_wsaeprotonosupport, "WSPSocket", WINE_WSASOCKET,
            "INVALID_SOCKET / WSAEPROTONOSUPPORT"),
        case!(socket_unknown_protocol_gives_wsaeprotonosupport, "WSPSocket", WINE_WSASOCKET,
            "INVALID_SOCKET / WSAEPROTONOSUPPORT"),
        case!(socket_all_zero_gives_wsaeinval, "WSPSocket", WINE_WSASOCKET,
            "INVALID_SOCKET / WSAEINVAL"),
        case!(socket_from_each_catalog_entry_has_its_protocol, "WSPSocket", doc::SOCKET,
            "FROM_PROTOCOL_INFO x3 with an entry from the catalog gives a socket of that entry's family and type"),
        case!(socket_ipv6_tcp_binds_ipv6_loopback, "WSPSocket", doc::SOCKET,
            "a socket; bind to [::1]:0 gives 0 and an AF_INET6 name"),
    ]
}

fn socket_tcp_ipv4_gives_a_handle(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_true(s != 0, || "WSPSocket returned handle 0".into())
}

fn socket_protocol_zero_picks_the_default_protocol(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    fx.listener()?;
    let s = fx.socket(AF_INET, SOCK_DGRAM, 0)?;
    fx.bind_loopback(s)?;
    expect_err(
        "WSPListen on (AF_INET, SOCK_DGRAM, 0)",
        w.listen(s, 5),
        WsaError::WSAEOPNOTSUPP,
    )
}

fn socket_unknown_family_gives_wsaeafnosupport(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPSocket(af 1234)",
        w.socket(1234, SOCK_STREAM, 0, None, 0, 0),
        WsaError::WSAEAFNOSUPPORT,
    )
}

fn socket_unknown_type_gives_wsaesocktnosupport(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPSocket(AF_INET, type 1234)",
        w.socket(AF_INET, 1234, 0, None, 0, 0),
        WsaError::WSAESOCKTNOSUPPORT,
    )
}

fn socket_stream_with_udp_gives_wsaeprotonosupport(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPSocket(AF_INET, SOCK_STREAM, IPPROTO_UDP)",
        w.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP, None, 0, 0),
        WsaError::WSAEPROTONOSUPPORT,
    )
}

fn socket_unknown_protocol_gives_wsaeprotonosupport(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPSocket(AF_INET, SOCK_STREAM, 200)",
        w.socket(AF_INET, SOCK_STREAM, 200, None, 0, 0),
        WsaError::WSAEPROTONOSUPPORT,
    )
}

fn socket_all_zero_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPSocket(0, 0, 0)",
        w.socket(AF_UNSPEC, 0, 0, None, 0, 0),
        WsaError::WSAEINVAL,
    )
}

fn socket_from_each_catalog_entry_has_its_protocol(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    for entry in wsp::catalog::entries() {
        let what = entry.protocol_name();
        let s = expect_ok(
            &format!("WSPSocket(FROM_PROTOCOL_INFO, {what})"),
            w.socket(
                FROM_PROTOCOL_INFO,
                FROM_PROTOCOL_INFO,
                FROM_PROTOCOL_INFO,
                Some(&entry),
                0,
                0,
            ),
        )?;
        fx.track(s);
        let local = if entry.iAddressFamily == AF_INET6 {
            v6(0)
        } else {
            v4(0)
        };
        expect_ok(&format!("WSPBind on {what}"), w.bind(s, &local))?;
        expect_eq(
            &format!("family of {what}"),
            fx.name_of(s)?.family(),
            Some(entry.iAddressFamily),
        )?;
        if entry.iSocketType == SOCK_STREAM {
            expect_ok(&format!("WSPListen on {what}"), w.listen(s, 5))?;
        } else {
            expect_err(
                &format!("WSPListen on {what}"),
                w.listen(s, 5),
                WsaError::WSAEOPNOTSUPP,
            )?;
        }
    }
    Ok(())
}

fn socket_ipv6_tcp_binds_ipv6_loopback(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP)?;
    expect_ok("WSPBind([::1]:0)", w.bind(s, &v6(0)))?;
    let a = std_addr("WSPGetSockName", &fx.name_of(s)?)?;
    expect_true(a.is_ipv6() && a.ip().is_loopback() && a.port() != 0, || {
        format!("WSPGetSockName: expected [::1]:<port>, got {a}")
    })
}
