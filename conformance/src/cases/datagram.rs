//! `WSPSendTo` and `WSPRecvFrom` (and `WSPRecv` on datagram sockets): message boundaries,
//! truncation, sender addresses, implicit bind.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};

const WINE_UNBOUND: &str = "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c (run on Windows) receives on an unbound UDP socket and gets WSAEINVAL, as the recvfrom page says: https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(sendto_recvfrom_round_trip_reports_sender, "WSPSendTo", doc::SENDTO,
            "the byte count; the receiver gets the datagram and the sender's address"),
        case!(sendto_gathers_three_buffers_into_one_datagram, "WSPSendTo", doc::SENDTO,
            "the total; one datagram holding the buffers in order"),
        case!(sendto_from_unbound_socket_binds_it, "WSPSendTo", doc::SENDTO,
            "the byte count; WSPGetSockName then gives a non-zero port"),
        case!(sendto_short_address_gives_wsaefault, "WSPSendTo", doc::SENDTO,
            "SOCKET_ERROR / WSAEFAULT"),
        case!(sendto_garbage_handle_gives_wsaenotsock, "WSPSendTo", doc::SENDTO,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(recvfrom_truncated_datagram_gives_wsaemsgsize_with_first_bytes, "WSPRecvFrom", doc::RECVFROM,
            "SOCKET_ERROR / WSAEMSGSIZE with the buffer holding the datagram's first bytes; the rest is discarded"),
        case!(recvfrom_keeps_message_boundaries, "WSPRecvFrom", doc::RECVFROM,
            "one datagram per call, in order"),
        case!(recvfrom_peek_leaves_datagram_queued, "WSPRecvFrom", doc::RECVFROM,
            "MSG_PEEK returns the datagram; the next call returns it again"),
        case!(recvfrom_on_unbound_udp_gives_wsaeinval, "WSPRecvFrom", WINE_UNBOUND,
            "SOCKET_ERROR / WSAEINVAL"),
        case!(recvfrom_short_from_buffer_gives_wsaefault, "WSPRecvFrom", doc::RECVFROM,
            "SOCKET_ERROR / WSAEFAULT"),
        case!(recvfrom_garbage_handle_gives_wsaenotsock, "WSPRecvFrom", doc::RECVFROM,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(recv_on_unbound_udp_gives_wsaeinval, "WSPRecv", WINE_UNBOUND,
            "SOCKET_ERROR / WSAEINVAL"),
    ]
}

fn recv_dgram(w: &dyn Wsp, s: SOCKET, room: usize) -> Step<(Vec<u8>, SockAddr)> {
    let mut buf = vec![0u8; room];
    let mut flags = 0;
    let mut from = SockAddr::default();
    let n = expect_ok(
        "WSPRecvFrom",
        w.recv_from(s, &mut [&mut buf[..]], &mut flags, Some(&mut from)),
    )?;
    buf.truncate(n);
    Ok((buf, from))
}

fn sendto_recvfrom_round_trip_reports_sender(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let (b, ba) = fx.bound_udp()?;
    let n = expect_ok("WSPSendTo", w.send_to(b, &[b"hello"], 0, Some(&aa)))?;
    expect_eq("bytes sent", n, 5)?;
    let (data, from) = recv_dgram(w, a, 64)?;
    expect_eq("datagram", data, b"hello".to_vec())?;
    expect_eq("sender", std_addr("from", &from)?, std_addr("b", &ba)?)
}

fn sendto_gathers_three_buffers_into_one_datagram(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let (b, _) = fx.bound_udp()?;
    let n = expect_ok(
        "WSPSendTo of 3 buffers",
        w.send_to(b, &[b"one", b"two", b"three"], 0, Some(&aa)),
    )?;
    expect_eq("bytes sent", n, 11)?;
    expect_eq("datagram", recv_dgram(w, a, 64)?.0, b"onetwothree".to_vec())
}

fn sendto_from_unbound_socket_binds_it(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let b = fx.udp()?;
    expect_ok(
        "WSPSendTo from an unbound socket",
        w.send_to(b, &[b"x"], 0, Some(&aa)),
    )?;
    expect_true(fx.port_of(b)? != 0, || "sender still has port 0".into())?;
    expect_eq("datagram", recv_dgram(w, a, 8)?.0, b"x".to_vec())
}

fn sendto_short_address_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, mut aa) = fx.bound_udp()?;
    aa.set_len(10);
    let (b, _) = fx.bound_udp()?;
    expect_err(
        "WSPSendTo with tolen 10",
        w.send_to(b, &[b"x"], 0, Some(&aa)),
        WsaError::WSAEFAULT,
    )
}

fn sendto_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPSendTo(garbage)",
        w.send_to(GARBAGE, &[b"x"], 0, Some(&v4(9))),
    )
}

fn recvfrom_truncated_datagram_gives_wsaemsgsize_with_first_bytes(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let (b, _) = fx.bound_udp()?;
    expect_ok("WSPSendTo", w.send_to(b, &[b"0123456789"], 0, Some(&aa)))?;
    expect_ok("WSPSendTo", w.send_to(b, &[b"next"], 0, Some(&aa)))?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecvFrom into 4 bytes",
        w.recv_from(a, &mut [&mut buf[..]], &mut flags, None),
        WsaError::WSAEMSGSIZE,
    )?;
    expect_eq("first bytes of the truncated datagram", &buf, b"0123")?;
    expect_eq(
        "following datagram",
        recv_dgram(w, a, 64)?.0,
        b"next".to_vec(),
    )
}

fn recvfrom_keeps_message_boundaries(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let (b, _) = fx.bound_udp()?;
    for m in [&b"first"[..], b"second", b"3"] {
        expect_ok("WSPSendTo", w.send_to(b, &[m], 0, Some(&aa)))?;
    }
    for m in [&b"first"[..], b"second", b"3"] {
        expect_eq("datagram", recv_dgram(w, a, 64)?.0, m.to_vec())?;
    }
    Ok(())
}

fn recvfrom_peek_leaves_datagram_queued(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let (b, _) = fx.bound_udp()?;
    expect_ok("WSPSendTo", w.send_to(b, &[b"again"], 0, Some(&aa)))?;
    let mut buf = [0u8; 16];
    let mut flags = MSG_PEEK;
    let n = expect_ok(
        "WSPRecvFrom(MSG_PEEK)",
        w.recv_from(a, &mut [&mut buf[..]], &mut flags, None),
    )?;
    expect_eq("peeked", &buf[..n], b"again")?;
    expect_eq("received", recv_dgram(w, a, 16)?.0, b"again".to_vec())
}

fn recvfrom_on_unbound_udp_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecvFrom on an unbound UDP socket",
        w.recv_from(s, &mut [&mut buf[..]], &mut flags, None),
        WsaError::WSAEINVAL,
    )
}

fn recvfrom_short_from_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (a, aa) = fx.bound_udp()?;
    let (b, _) = fx.bound_udp()?;
    expect_ok("WSPSendTo", w.send_to(b, &[b"x"], 0, Some(&aa)))?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    let mut from = SockAddr::with_capacity(8);
    expect_err(
        "WSPRecvFrom with an 8-byte from buffer",
        w.recv_from(a, &mut [&mut buf[..]], &mut flags, Some(&mut from)),
        WsaError::WSAEFAULT,
    )
}

fn recvfrom_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    garbage_gives_enotsock(
        "WSPRecvFrom(garbage)",
        w.recv_from(GARBAGE, &mut [&mut buf[..]], &mut flags, None),
    )
}

fn recv_on_unbound_udp_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecv on an unbound UDP socket",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAEINVAL,
    )
}
