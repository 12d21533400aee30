//! `WSPGetSockOpt` and `WSPSetSockOpt`: Windows numbering and value shapes.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(
            get_so_type_gives_the_socket_type,
            "WSPGetSockOpt",
            doc::GETSOCKOPT,
            "0; a 4-byte SOCK_STREAM / SOCK_DGRAM"
        ),
        case!(
            get_sockopt_short_buffer_gives_wsaefault,
            "WSPGetSockOpt",
            doc::GETSOCKOPT,
            "SOCKET_ERROR / WSAEFAULT"
        ),
        case!(
            get_unknown_option_gives_wsaenoprotoopt,
            "WSPGetSockOpt",
            doc::GETSOCKOPT,
            "SOCKET_ERROR / WSAENOPROTOOPT"
        ),
        case!(
            get_sockopt_garbage_handle_gives_wsaenotsock,
            "WSPGetSockOpt",
            doc::GETSOCKOPT,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
        case!(
            set_so_rcvbuf_then_get_gives_the_same_value,
            "WSPSetSockOpt",
            doc::SETSOCKOPT,
            "0; SO_RCVBUF reads back exactly as set (Windows does not double it)"
        ),
        case!(
            set_so_reuseaddr_then_get_gives_true,
            "WSPSetSockOpt",
            doc::SETSOCKOPT,
            "0; SO_REUSEADDR reads back TRUE"
        ),
        case!(
            set_so_linger_then_get_gives_the_same_linger,
            "WSPSetSockOpt",
            doc::SETSOCKOPT,
            "0; linger {l_onoff 1, l_linger 5} as two u_shorts"
        ),
        case!(
            set_sockopt_short_buffer_gives_wsaefault,
            "WSPSetSockOpt",
            doc::SETSOCKOPT,
            "SOCKET_ERROR / WSAEFAULT"
        ),
        case!(
            set_sockopt_garbage_handle_gives_wsaenotsock,
            "WSPSetSockOpt",
            doc::SETSOCKOPT,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
    ]
}

fn get_u32(w: &dyn Wsp, s: SOCKET, name: i32, what: &str) -> Step<u32> {
    let mut v = [0u8; 4];
    let n = expect_ok(what, w.get_sock_opt(s, SOL_SOCKET, name, &mut v))?;
    expect_eq(&format!("{what} length"), n, 4)?;
    Ok(u32::from_le_bytes(v))
}

fn get_so_type_gives_the_socket_type(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let t = fx.tcp()?;
    let u = fx.udp()?;
    expect_eq(
        "SO_TYPE of TCP",
        get_u32(w, t, SO_TYPE, "WSPGetSockOpt(SO_TYPE)")?,
        SOCK_STREAM as u32,
    )?;
    expect_eq(
        "SO_TYPE of UDP",
        get_u32(w, u, SO_TYPE, "WSPGetSockOpt(SO_TYPE)")?,
        SOCK_DGRAM as u32,
    )
}

fn get_sockopt_short_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut v = [0u8; 2];
    expect_err(
        "WSPGetSockOpt(SO_TYPE) into 2 bytes",
        w.get_sock_opt(s, SOL_SOCKET, SO_TYPE, &mut v),
        WsaError::WSAEFAULT,
    )
}

fn get_unknown_option_gives_wsaenoprotoopt(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut v = [0u8; 4];
    expect_err(
        "WSPGetSockOpt(SOL_SOCKET, 0x7777)",
        w.get_sock_opt(s, SOL_SOCKET, 0x7777, &mut v),
        WsaError::WSAENOPROTOOPT,
    )
}

fn get_sockopt_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut v = [0u8; 4];
    garbage_gives_enotsock(
        "WSPGetSockOpt(garbage)",
        w.get_sock_opt(GARBAGE, SOL_SOCKET, SO_TYPE, &mut v),
    )
}

fn set_so_rcvbuf_then_get_gives_the_same_value(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_ok(
        "WSPSetSockOpt(SO_RCVBUF)",
        w.set_sock_opt(s, SOL_SOCKET, SO_RCVBUF, &65536u32.to_le_bytes()),
    )?;
    expect_eq(
        "SO_RCVBUF",
        get_u32(w, s, SO_RCVBUF, "WSPGetSockOpt(SO_RCVBUF)")?,
        65536,
    )
}

fn set_so_reuseaddr_then_get_gives_true(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_ok(
        "WSPSetSockOpt(SO_REUSEADDR)",
        w.set_sock_opt(s, SOL_SOCKET, SO_REUSEADDR, &1u32.to_le_bytes()),
    )?;
    expect_eq(
        "SO_REUSEADDR",
        get_u32(w, s, SO_REUSEADDR, "WSPGetSockOpt(SO_REUSEADDR)")?,
        1,
    )
}

fn set_so_linger_then_get_gives_the_same_linger(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut linger = [0u8; 4];
    linger[0..2].copy_from_slice(&1u16.to_le_bytes());
    linger[2..4].copy_from_slice(&5u16.to_le_bytes());
    expect_ok(
        "WSPSetSockOpt(SO_LINGER)",
        w.set_sock_opt(s, SOL_SOCKET, SO_LINGER, &linger),
    )?;
    let mut out = [0u8; 4];
    let n = expect_ok(
        "WSPGetSockOpt(SO_LINGER)",
        w.get_sock_opt(s, SOL_SOCKET, SO_LINGER, &mut out),
    )?;
    expect_eq("SO_LINGER length", n, 4)?;
    expect_eq("SO_LINGER", out, linger)
}

fn set_sockopt_short_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPSetSockOpt(SO_RCVBUF) with 2 bytes",
        w.set_sock_opt(s, SOL_SOCKET, SO_RCVBUF, &[0, 1]),
        WsaError::WSAEFAULT,
    )
}

fn set_sockopt_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPSetSockOpt(garbage)",
        w.set_sock_opt(GARBAGE, SOL_SOCKET, SO_RCVBUF, &1u32.to_le_bytes()),
    )
}
