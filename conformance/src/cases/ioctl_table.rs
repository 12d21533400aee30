//! `WSPIoctl` (non-overlapped), one group of rows per ioctl issue 5 lists: the answer on a
//! fresh socket, a set observed through its effect, the short-buffer answer, the socket
//! type it refuses, and an unknown code. Rows are generated with [`crate::case_table!`].

use super::options_table::{le, le_u32, open, Sk};
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};
const WSAEFAULT: WsaError = WsaError::WSAEFAULT;
const WSAEINVAL: WsaError = WsaError::WSAEINVAL;
const WSAEOPNOTSUPP: WsaError = WsaError::WSAEOPNOTSUPP;
const WSAEWOULDBLOCK: WsaError = WsaError::WSAEWOULDBLOCK;

const IOCTL: &str = "WSPIoctl";
/// WSAIoctl page.
const WSAIOCTL: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaioctl";
/// ioctlsocket page (FIONBIO, FIONREAD, SIOCATMARK).
const IOCTLSOCKET: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-ioctlsocket";
/// Winsock IOCTLs page.
const IOCTLS: &str = "https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls";
/// SIO_KEEPALIVE_VALS page.
const KEEPALIVE_VALS: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sio-keepalive-vals";
/// SIO_ADDRESS_LIST_QUERY page.
const ADDRESS_LIST_QUERY: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sio-address-list-query";
/// SIO_ADDRESS_LIST_CHANGE page.
const ADDRESS_LIST_CHANGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sio-address-list-change";
/// SIO_UDP_CONNRESET page.
const UDP_CONNRESET: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sio-udp-connreset";

/// `tcp_keepalive { onoff, keepalivetime, keepaliveinterval }`.
fn keepalive_vals(on: u32, time: u32, interval: u32) -> [u8; 12] {
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&on.to_le_bytes());
    b[4..8].copy_from_slice(&time.to_le_bytes());
    b[8..].copy_from_slice(&interval.to_le_bytes());
    b
}

/// `sockaddr_in` for 127.0.0.1:port.
fn sin_loopback(port: u16) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..2].copy_from_slice(&(AF_INET as u16).to_le_bytes());
    b[2..4].copy_from_slice(&port.to_be_bytes());
    b[4..8].copy_from_slice(&[127, 0, 0, 1]);
    b
}

crate::case_table! {
    ioctl_unknown_code_gives_wsaeinval: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEINVAL (not a valid command)"
        => |w| ioctl_err(w, Sk::Tcp, 0x4004_7777, &le(0), 0, WSAEINVAL);

    fionbio_set_on_returns_zero_bytes: IOCTL, IOCTLSOCKET, "0; 0 bytes returned"
        => |w| ioctl_is(w, Sk::Tcp, FIONBIO, &le(1), 0, &[]);
    fionbio_zero_length_input_gives_wsaefault: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Tcp, FIONBIO, &[], 0, WSAEFAULT);

    fionread_on_a_fresh_stream_is_zero: IOCTL, IOCTLSOCKET, "0; 4 bytes returned, 0"
        => |w| ioctl_is(w, Sk::Tcp, FIONREAD, &[], 4, &le(0));
    fionread_on_an_idle_connection_is_zero: IOCTL, IOCTLSOCKET, "0; 4 bytes returned, 0"
        => |w| ioctl_is(w, Sk::Connected, FIONREAD, &[], 4, &le(0));
    fionread_on_a_fresh_datagram_socket_is_zero: IOCTL, IOCTLSOCKET, "0; 4 bytes returned, 0 (DIVERGENCES D4 only concerns queued datagrams)"
        => |w| ioctl_is(w, Sk::UdpNonBlocking, FIONREAD, &[], 4, &le(0));
    fionread_2_byte_output_gives_wsaefault: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Connected, FIONREAD, &[], 2, WSAEFAULT);

    siocatmark_without_oob_data_is_true: IOCTL, IOCTLSOCKET, "0; 4 bytes returned, TRUE (no OOB data waiting)"
        => |w| ioctl_is(w, Sk::Connected, SIOCATMARK, &[], 4, &le(1));
    siocatmark_2_byte_output_gives_wsaefault: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Connected, SIOCATMARK, &[], 2, WSAEFAULT);

    sio_keepalive_vals_on_returns_zero_bytes: IOCTL, KEEPALIVE_VALS, "0; 0 bytes returned"
        => |w| ioctl_is(w, Sk::Tcp, SIO_KEEPALIVE_VALS, &keepalive_vals(1, 10_000, 2_000), 0, &[]);
    sio_keepalive_vals_turns_so_keepalive_on: IOCTL, KEEPALIVE_VALS, "0; SO_KEEPALIVE then reads 1 byte, 1"
        => |w| ioctl_then_opt(w, Sk::Tcp, SIO_KEEPALIVE_VALS, &keepalive_vals(1, 10_000, 2_000), SOL_SOCKET, SO_KEEPALIVE, &[1]);
    sio_keepalive_vals_8_byte_input_gives_wsaefault: IOCTL, KEEPALIVE_VALS, "SOCKET_ERROR / WSAEFAULT (tcp_keepalive is 12 bytes)"
        => |w| ioctl_err(w, Sk::Tcp, SIO_KEEPALIVE_VALS, &keepalive_vals(1, 10_000, 2_000)[..8], 0, WSAEFAULT);
    sio_keepalive_vals_on_udp_gives_wsaeinval: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEINVAL (not applicable to the socket type)"
        => |w| ioctl_err(w, Sk::Udp, SIO_KEEPALIVE_VALS, &keepalive_vals(1, 10_000, 2_000), 0, WSAEINVAL);

    sio_address_list_query_lists_at_least_one_address: IOCTL, ADDRESS_LIST_QUERY, "0; a SOCKET_ADDRESS_LIST with iAddressCount >= 1"
        => |w| ioctl_count(w);
    sio_address_list_query_4_byte_output_gives_wsaefault: IOCTL, ADDRESS_LIST_QUERY, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Udp, SIO_ADDRESS_LIST_QUERY, &[], 4, WSAEFAULT);

    sio_routing_interface_query_for_loopback_is_loopback: IOCTL, WSAIOCTL, "0; 16 bytes returned, sockaddr_in 127.0.0.1 port 0"
        => |w| ioctl_is(w, Sk::Udp, SIO_ROUTING_INTERFACE_QUERY, &sin_loopback(9), 16, &sin_loopback(0));
    sio_routing_interface_query_8_byte_output_gives_wsaefault: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Udp, SIO_ROUTING_INTERFACE_QUERY, &sin_loopback(9), 8, WSAEFAULT);

    sio_get_qos_gives_wsaeopnotsupp: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEOPNOTSUPP (the TCP/IP entries have no XP1_QOS_SUPPORTED)"
        => |w| ioctl_err(w, Sk::Tcp, SIO_GET_QOS, &[], 256, WSAEOPNOTSUPP);
    sio_set_qos_gives_wsaeopnotsupp: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEOPNOTSUPP"
        => |w| ioctl_err(w, Sk::Tcp, SIO_SET_QOS, &[0u8; 256], 0, WSAEOPNOTSUPP);

    sio_multicast_scope_sets_ip_multicast_ttl: IOCTL, IOCTLS, "0; IP_MULTICAST_TTL then reads 4 bytes, 5"
        => |w| ioctl_then_opt(w, Sk::Udp, SIO_MULTICAST_SCOPE, &le(5), IPPROTO_IP, IP_MULTICAST_TTL, &le(5));
    sio_multicast_scope_2_byte_input_gives_wsaefault: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Udp, SIO_MULTICAST_SCOPE, &[5, 0], 0, WSAEFAULT);
    sio_multicast_scope_on_tcp_gives_wsaeinval: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEINVAL"
        => |w| ioctl_err(w, Sk::Tcp, SIO_MULTICAST_SCOPE, &le(5), 0, WSAEINVAL);

    sio_multipoint_loopback_off_clears_ip_multicast_loop: IOCTL, IOCTLS, "0; IP_MULTICAST_LOOP then reads 4 bytes, 0"
        => |w| ioctl_then_opt(w, Sk::Udp, SIO_MULTIPOINT_LOOPBACK, &le(0), IPPROTO_IP, IP_MULTICAST_LOOP, &le(0));
    sio_multipoint_loopback_2_byte_input_gives_wsaefault: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Udp, SIO_MULTIPOINT_LOOPBACK, &[0, 0], 0, WSAEFAULT);
    sio_multipoint_loopback_on_tcp_gives_wsaeinval: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEINVAL"
        => |w| ioctl_err(w, Sk::Tcp, SIO_MULTIPOINT_LOOPBACK, &le(0), 0, WSAEINVAL);

    sio_udp_connreset_off_returns_zero_bytes: IOCTL, UDP_CONNRESET, "0; 0 bytes returned"
        => |w| ioctl_is(w, Sk::Udp, SIO_UDP_CONNRESET, &le(0), 0, &[]);
    sio_udp_connreset_2_byte_input_gives_wsaefault: IOCTL, UDP_CONNRESET, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Udp, SIO_UDP_CONNRESET, &[0, 0], 0, WSAEFAULT);
    sio_udp_connreset_on_tcp_gives_wsaeinval: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEINVAL"
        => |w| ioctl_err(w, Sk::Tcp, SIO_UDP_CONNRESET, &le(0), 0, WSAEINVAL);

    sio_address_list_change_nonblocking_gives_wsaewouldblock: IOCTL, ADDRESS_LIST_CHANGE, "SOCKET_ERROR / WSAEWOULDBLOCK"
        => |w| ioctl_err(w, Sk::UdpNonBlocking, SIO_ADDRESS_LIST_CHANGE, &[], 0, WSAEWOULDBLOCK);
    sio_routing_interface_change_nonblocking_gives_wsaewouldblock: IOCTL, WSAIOCTL, "SOCKET_ERROR / WSAEWOULDBLOCK"
        => |w| ioctl_err(w, Sk::UdpNonBlocking, SIO_ROUTING_INTERFACE_CHANGE, &sin_loopback(9), 0, WSAEWOULDBLOCK);
}

fn ioctl_err(
    w: &dyn Wsp,
    sk: Sk,
    code: u32,
    input: &[u8],
    out_len: usize,
    err: WsaError,
) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    let mut out = vec![0u8; out_len];
    expect_err(
        &format!("WSPIoctl({code:#010x}, {} in, {out_len} out)", input.len()),
        w.ioctl(s, code, input, &mut out),
        err,
    )
}

fn ioctl_is(w: &dyn Wsp, sk: Sk, code: u32, input: &[u8], out_len: usize, want: &[u8]) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    let what = format!("WSPIoctl({code:#010x}, {} in, {out_len} out)", input.len());
    let mut out = vec![0u8; out_len];
    let n = expect_ok(&what, w.ioctl(s, code, input, &mut out))?;
    expect_eq(&format!("{what} bytes returned"), n, want.len())?;
    expect_eq(&format!("{what} output"), &out[..n], want)
}

fn ioctl_then_opt(
    w: &dyn Wsp,
    sk: Sk,
    code: u32,
    input: &[u8],
    level: i32,
    name: i32,
    want: &[u8],
) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    let what = format!("WSPIoctl({code:#010x})");
    let n = expect_ok(&what, w.ioctl(s, code, input, &mut []))?;
    expect_eq(&format!("{what} bytes returned"), n, 0)?;
    let mut out = [0u8; 4];
    let m = expect_ok(
        "WSPGetSockOpt after the ioctl",
        w.get_sock_opt(s, level, name, &mut out),
    )?;
    expect_eq("WSPGetSockOpt value", &out[..m], want)
}

fn ioctl_count(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    let mut out = [0u8; 512];
    let n = expect_ok(
        "WSPIoctl(SIO_ADDRESS_LIST_QUERY)",
        w.ioctl(s, SIO_ADDRESS_LIST_QUERY, &[], &mut out),
    )?;
    expect_true(n >= 8 + 16 + 16, || {
        format!("bytes returned {n}: too few for one address")
    })?;
    expect_true(le_u32(&out) >= 1, || "iAddressCount 0".into())
}
