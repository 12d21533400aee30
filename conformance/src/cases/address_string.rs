//! `WSPAddressToString` and `WSPStringToAddress`: Windows' text forms.

use super::doc;
use crate::*;
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};

const WINE_TEXT: &str = "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c test_WSAAddressToString / test_WSAStringToAddress (run on Windows)";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(
            address_to_string_ipv4_with_port,
            "WSPAddressToString",
            WINE_TEXT,
            "0 / \"127.0.0.1:80\""
        ),
        case!(
            address_to_string_ipv4_port_zero_omits_port,
            "WSPAddressToString",
            WINE_TEXT,
            "0 / \"127.0.0.1\""
        ),
        case!(
            address_to_string_ipv6_with_port_uses_brackets,
            "WSPAddressToString",
            WINE_TEXT,
            "0 / \"[::1]:80\""
        ),
        case!(
            address_to_string_ipv6_scope_id,
            "WSPAddressToString",
            WINE_TEXT,
            "0 / \"fe80::1%2\" without a port, \"[fe80::1%2]:80\" with one"
        ),
        case!(
            address_to_string_short_address_gives_wsaefault,
            "WSPAddressToString",
            doc::ADDRESSTOSTRING,
            "SOCKET_ERROR / WSAEFAULT"
        ),
        case!(
            address_to_string_unknown_family_gives_wsaeinval,
            "WSPAddressToString",
            doc::ADDRESSTOSTRING,
            "SOCKET_ERROR / WSAEINVAL"
        ),
        case!(
            string_to_address_ipv4_with_port,
            "WSPStringToAddress",
            WINE_TEXT,
            "0; AF_INET, 127.0.0.1, port 80, length 16"
        ),
        case!(
            string_to_address_ipv4_without_port_gives_port_zero,
            "WSPStringToAddress",
            WINE_TEXT,
            "0; port 0"
        ),
        case!(
            string_to_address_ipv6_in_brackets_with_port,
            "WSPStringToAddress",
            WINE_TEXT,
            "0; AF_INET6, ::1, port 80, length 28"
        ),
        case!(
            string_to_address_ipv6_scope_id,
            "WSPStringToAddress",
            WINE_TEXT,
            "0; sin6_scope_id 2"
        ),
        case!(
            string_to_address_bad_text_gives_wsaeinval,
            "WSPStringToAddress",
            WINE_TEXT,
            "SOCKET_ERROR / WSAEINVAL"
        ),
        case!(
            string_to_address_ipv6_text_for_ipv4_gives_wsaeinval,
            "WSPStringToAddress",
            WINE_TEXT,
            "SOCKET_ERROR / WSAEINVAL"
        ),
        case!(
            string_to_address_short_capacity_gives_wsaefault,
            "WSPStringToAddress",
            doc::STRINGTOADDRESS,
            "SOCKET_ERROR / WSAEFAULT"
        ),
    ]
}

fn to_string(w: &dyn Wsp, a: SocketAddr) -> Step<String> {
    expect_ok(
        "WSPAddressToString",
        w.address_to_string(&SockAddr::from_std(a), None),
    )
}

fn address_to_string_ipv4_with_port(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_eq(
        "text",
        to_string(w, "127.0.0.1:80".parse().unwrap())?,
        "127.0.0.1:80".into(),
    )
}

fn address_to_string_ipv4_port_zero_omits_port(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_eq(
        "text",
        to_string(w, "127.0.0.1:0".parse().unwrap())?,
        "127.0.0.1".into(),
    )
}

fn address_to_string_ipv6_with_port_uses_brackets(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_eq(
        "text",
        to_string(w, "[::1]:80".parse().unwrap())?,
        "[::1]:80".into(),
    )
}

fn address_to_string_ipv6_scope_id(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let ip: Ipv6Addr = "fe80::1".parse().unwrap();
    let bare = SocketAddr::V6(SocketAddrV6::new(ip, 0, 0, 2));
    expect_eq("text without port", to_string(w, bare)?, "fe80::1%2".into())?;
    let with_port = SocketAddr::V6(SocketAddrV6::new(ip, 80, 0, 2));
    expect_eq(
        "text with port",
        to_string(w, with_port)?,
        "[fe80::1%2]:80".into(),
    )
}

fn address_to_string_short_address_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut a = v4(80);
    a.set_len(10);
    expect_err(
        "WSPAddressToString of a 10-byte sockaddr_in",
        w.address_to_string(&a, None),
        WsaError::WSAEFAULT,
    )
}

fn address_to_string_unknown_family_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut raw = v4(80).as_bytes().to_vec();
    raw[0..2].copy_from_slice(&1234u16.to_le_bytes());
    expect_err(
        "WSPAddressToString of family 1234",
        w.address_to_string(&SockAddr::from_bytes(&raw), None),
        WsaError::WSAEINVAL,
    )
}

fn from_string(w: &dyn Wsp, text: &str, af: i32) -> Step<SockAddr> {
    let mut out = SockAddr::default();
    expect_ok(
        &format!("WSPStringToAddress({text:?})"),
        w.string_to_address(text, af, None, &mut out),
    )?;
    Ok(out)
}

fn string_to_address_ipv4_with_port(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let a = from_string(w, "127.0.0.1:80", AF_INET)?;
    expect_eq("length", a.len(), 16)?;
    expect_eq(
        "address",
        std_addr("parsed", &a)?,
        "127.0.0.1:80".parse().unwrap(),
    )
}

fn string_to_address_ipv4_without_port_gives_port_zero(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let a = from_string(w, "10.1.2.3", AF_INET)?;
    expect_eq(
        "address",
        std_addr("parsed", &a)?,
        "10.1.2.3:0".parse().unwrap(),
    )
}

fn string_to_address_ipv6_in_brackets_with_port(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let a = from_string(w, "[::1]:80", AF_INET6)?;
    expect_eq("length", a.len(), 28)?;
    expect_eq(
        "address",
        std_addr("parsed", &a)?,
        "[::1]:80".parse().unwrap(),
    )
}

fn string_to_address_ipv6_scope_id(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let a = from_string(w, "fe80::1%2", AF_INET6)?;
    match std_addr("parsed", &a)? {
        SocketAddr::V6(v) => {
            expect_eq("address", *v.ip(), "fe80::1".parse::<Ipv6Addr>().unwrap())?;
            expect_eq("scope id", v.scope_id(), 2)
        }
        other => Err(Outcome::Fail(format!("expected IPv6, got {other}"))),
    }
}

fn string_to_address_bad_text_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    for text in [
        "127.0.0.256",
        "not an address",
        "127.0.0.1:99999",
        "[::1",
        "",
    ] {
        let af = if text.starts_with('[') {
            AF_INET6
        } else {
            AF_INET
        };
        let mut out = SockAddr::default();
        expect_err(
            &format!("WSPStringToAddress({text:?})"),
            w.string_to_address(text, af, None, &mut out),
            WsaError::WSAEINVAL,
        )?;
    }
    Ok(())
}

fn string_to_address_ipv6_text_for_ipv4_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut out = SockAddr::default();
    expect_err(
        "WSPStringToAddress(\"::1\", AF_INET)",
        w.string_to_address("::1", AF_INET, None, &mut out),
        WsaError::WSAEINVAL,
    )
}

fn string_to_address_short_capacity_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut out = SockAddr::with_capacity(8);
    expect_err(
        "WSPStringToAddress(IPv4) into 8 bytes",
        w.string_to_address("127.0.0.1:80", AF_INET, None, &mut out),
        WsaError::WSAEFAULT,
    )?;
    let mut out = SockAddr::with_capacity(16);
    expect_err(
        "WSPStringToAddress(IPv6) into 16 bytes",
        w.string_to_address("::1", AF_INET6, None, &mut out),
        WsaError::WSAEFAULT,
    )
}
