//! The mswsock extension functions (`SIO_GET_EXTENSION_FUNCTION_POINTER`) and `CancelIoEx`,
//! run over the provider's [`WspExt`](wsp::WspExt) view: AcceptEx, ConnectEx, DisconnectEx,
//! TransmitFile, TransmitPackets, WSARecvMsg, WSASendMsg, and the cancelling of each kind
//! of pending request.
//!
//! Sources: the Microsoft Learn page of each function (constants below), and where Windows
//! is observed to differ from or say more than the page, Wine's conformance tests in
//! `dlls/ws2_32/tests/sock.c` (`test_AcceptEx`, `test_ConnectEx`, `test_DisconnectEx`),
//! which run on Windows. Every request here is overlapped and waited for through its
//! handle (bounded by [`BOUND`]), never by sleeping.
//!
//! Not covered: `WSARecvMsg` control data (`IP_PKTINFO`, `IPV6_PKTINFO`, `MSG_CTRUNC`),
//! which is not built (DIVERGENCES.md D16); cancelling a pending ConnectEx, which cannot
//! be held pending on loopback without timing. Through C (`ForeignProvider`), TransmitFile
//! and CancelIoEx have no path yet and show as not built.

use crate::*;
use std::io::Cursor;
use wsp::engine::transmit_file::TransmitFileRequest;
use wsp::overlapped::{
    accept_ex_addr_room, get_accept_ex_sockaddrs, Issued, OpHandle, OpResult, Overlapped,
    RecvFromBuf, TF_DISCONNECT, TF_REUSE_SOCKET,
};
use wsp::sync::RealTime;
use wsp::types::*;
use wsp::{SockAddr, WsaError, WsaResult};

const ACCEPTEX: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nf-mswsock-acceptex";
const CONNECTEX: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nc-mswsock-lpfn_connectex";
const DISCONNECTEX: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nc-mswsock-lpfn_disconnectex";
const TRANSMITFILE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nf-mswsock-transmitfile";
const TRANSMITPACKETS: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nc-mswsock-lpfn_transmitpackets";
const RECVMSG: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nc-mswsock-lpfn_wsarecvmsg";
const SENDMSG: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsasendmsg";
const WSAMSG: &str = "https://learn.microsoft.com/en-us/windows/win32/api/ws2def/ns-ws2def-wsamsg";
const CANCELIOEX: &str = "https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func";
const WINE_ACCEPTEX: &str =
    "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c test_AcceptEx (runs on Windows)";
const WINE_CONNECTEX: &str = "observed Windows behaviour: Wine's dlls/ws2_32/tests/sock.c test_ConnectEx (runs on Windows); ConnectEx page";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        // AcceptEx
        ext_case!(accept_ex_without_receive_data_completes_on_connection, "AcceptEx", ACCEPTEX,
            "with dwReceiveDataLength 0: completes with 0 bytes as soon as a connection arrives; GetAcceptExSockaddrs gives the listener's address and the client's"),
        ext_case!(accept_ex_with_receive_data_waits_for_the_first_block, "AcceptEx", ACCEPTEX,
            "with dwReceiveDataLength > 0: still pending after the connection arrives; completes with the first block's size, the data at offset 0"),
        ext_case!(accept_ex_zero_remote_address_room_gives_wsaefault, "AcceptEx", WINE_ACCEPTEX,
            "FALSE / WSAEFAULT at once for dwRemoteAddressLength 0 (the page asks 16 bytes more than the address; too little local room is D12)"),
        ext_case!(accept_ex_on_non_listening_socket_gives_wsaeinval, "AcceptEx", WINE_ACCEPTEX,
            "FALSE / WSAEINVAL when sListenSocket is bound but not listening"),
        ext_case!(accept_ex_bound_accept_socket_gives_wsaeinval, "AcceptEx", ACCEPTEX,
            "FALSE / WSAEINVAL: sAcceptSocket \"must not be bound or connected\" (bound here)"),
        ext_case!(accept_ex_connected_accept_socket_gives_wsaeinval, "AcceptEx", ACCEPTEX,
            "FALSE / WSAEINVAL: sAcceptSocket \"must not be bound or connected\" (connected here)"),
        ext_case!(accept_ex_twice_on_one_accept_socket_gives_wsaeinval, "AcceptEx", WINE_ACCEPTEX,
            "FALSE / WSAEINVAL for a second AcceptEx naming an accept socket one is already pending for"),
        ext_case!(accept_ex_update_accept_context_then_getpeername, "AcceptEx", ACCEPTEX,
            "SO_UPDATE_ACCEPT_CONTEXT with the listener succeeds; getpeername gives the client's address and getsockname the listener's"),
        ext_case!(accept_ex_close_listener_aborts_it, "AcceptEx", WINE_ACCEPTEX,
            "closing sListenSocket completes the pending AcceptEx with WSA_OPERATION_ABORTED"),
        // ConnectEx
        ext_case!(connect_ex_unbound_socket_gives_wsaeinval, "ConnectEx", WINE_CONNECTEX,
            "FALSE / WSAEINVAL: s is an unbound socket"),
        ext_case!(connect_ex_with_send_data_delivers_it, "ConnectEx", CONNECTEX,
            "completes with the number of bytes of lpSendBuffer sent; the peer reads them"),
        ext_case!(connect_ex_refused_completes_with_wsaeconnrefused, "ConnectEx", WINE_CONNECTEX,
            "the call starts (pending); the request completes with WSAECONNREFUSED (ERROR_CONNECTION_REFUSED) when nothing listens (the ~2 s of SYN retries is D2)"),
        ext_case!(connect_ex_update_connect_context_then_getpeername, "ConnectEx", CONNECTEX,
            "SO_UPDATE_CONNECT_CONTEXT (no value) succeeds after completion; getpeername gives the listener's address"),
        ext_case!(connect_ex_connected_socket_gives_wsaeisconn, "ConnectEx", CONNECTEX,
            "FALSE / WSAEISCONN: the socket is already connected"),
        // DisconnectEx
        ext_case!(disconnect_ex_peer_reads_end_of_stream, "DisconnectEx", DISCONNECTEX,
            "completes (0 bytes) after the data sent before it; the peer reads the data, then 0"),
        ext_case!(disconnect_ex_bad_flags_gives_wsaeinval, "DisconnectEx", DISCONNECTEX,
            "FALSE / WSAEINVAL: dwFlags other than 0 or TF_REUSE_SOCKET"),
        ext_case!(disconnect_ex_unconnected_gives_wsaenotconn, "DisconnectEx", DISCONNECTEX,
            "FALSE / WSAENOTCONN on a socket that is not connected"),
        ext_case!(disconnect_ex_reuse_socket_then_connect_ex, "DisconnectEx", DISCONNECTEX,
            "after DisconnectEx(TF_REUSE_SOCKET) the handle can be passed to ConnectEx, which connects it again (no new bind)"),
        ext_case!(disconnect_ex_reuse_socket_then_accept_ex, "DisconnectEx", DISCONNECTEX,
            "after DisconnectEx(TF_REUSE_SOCKET) the handle can be passed to AcceptEx as the accept socket, which accepts a new connection into it"),
        // TransmitFile
        ext_case!(transmit_file_head_and_tail_without_file, "TransmitFile", TRANSMITFILE,
            "hFile NULL: only the head and tail buffers are sent; completes with their total"),
        ext_case!(transmit_file_sends_the_file_between_head_and_tail, "TransmitFile", TRANSMITFILE,
            "head, the whole file (nNumberOfBytesToWrite 0), tail, in order; completes with the total"),
        ext_case!(transmit_file_bytes_to_write_limits_the_file_part, "TransmitFile", TRANSMITFILE,
            "nNumberOfBytesToWrite 5 of a 10-byte file sends the first 5 file bytes"),
        ext_case!(transmit_file_tf_disconnect_closes_the_sending_side, "TransmitFile", TRANSMITFILE,
            "TF_DISCONNECT: after the data the peer reads the end of the stream (0)"),
        ext_case!(transmit_file_reuse_without_disconnect_gives_wsaeinval, "TransmitFile", TRANSMITFILE,
            "FALSE / WSAEINVAL: TF_REUSE_SOCKET is valid only with TF_DISCONNECT"),
        ext_case!(transmit_file_unconnected_gives_wsaenotconn, "TransmitFile", TRANSMITFILE,
            "FALSE / WSAENOTCONN on a socket that is not connected"),
        // TransmitPackets
        ext_case!(transmit_packets_memory_elements_arrive_in_order, "TransmitPackets", TRANSMITPACKETS,
            "three memory elements are sent in order; completes with their total"),
        ext_case!(transmit_packets_tf_disconnect_closes_the_sending_side, "TransmitPackets", TRANSMITPACKETS,
            "TF_DISCONNECT: after the elements the peer reads the end of the stream (0)"),
        // WSARecvMsg / WSASendMsg
        ext_case!(recv_msg_gets_datagram_and_source, "WSARecvMsg", RECVMSG,
            "a pending WSARecvMsg completes with the datagram's size, its bytes, and the sender's address in name"),
        ext_case!(recv_msg_truncated_datagram_gives_wsaemsgsize_and_msg_trunc, "WSARecvMsg", WSAMSG,
            "a datagram larger than the buffers: WSAEMSGSIZE, the buffer filled, MSG_TRUNC in dwFlags"),
        ext_case!(send_msg_datagram_reaches_the_named_peer, "WSASendMsg", SENDMSG,
            "completes with the datagram's size; the peer named in lpMsg->name receives it from the sender"),
        ext_case!(send_msg_gathers_several_buffers_into_one_datagram, "WSASendMsg", SENDMSG,
            "two WSABUFs make one datagram of their total size"),
        // CancelIoEx
        ext_case!(cancel_accept_ex_on_the_listener_aborts_it, "CancelIoEx", CANCELIOEX,
            "CancelIoEx(listener, lpOverlapped) finds the pending AcceptEx; it completes with WSA_OPERATION_ABORTED"),
        ext_case!(cancel_on_the_accept_socket_leaves_accept_ex_pending, "CancelIoEx", WINE_ACCEPTEX,
            "CancelIo(accept socket) finds nothing (the request belongs to the listener); the AcceptEx then completes with the connection"),
        ext_case!(cancel_recv_msg_aborts_it, "CancelIoEx", CANCELIOEX,
            "a pending WSARecvMsg is found and completes with WSA_OPERATION_ABORTED"),
        ext_case!(cancel_transmit_packets_aborts_it, "CancelIoEx", CANCELIOEX,
            "a TransmitPackets held up behind a send to a peer that does not read is found and completes with WSA_OPERATION_ABORTED"),
        ext_case!(cancel_transmit_file_aborts_it, "CancelIoEx", CANCELIOEX,
            "a TransmitFile held up behind a send to a peer that does not read is found and completes with WSA_OPERATION_ABORTED"),
        ext_case!(cancel_disconnect_ex_by_key_leaves_the_send_before_it, "CancelIoEx", CANCELIOEX,
            "a DisconnectEx queued behind held-up sends is cancelled by its lpOverlapped alone: WSA_OPERATION_ABORTED, the send before it still pending"),
        ext_case!(cancel_unknown_request_finds_nothing, "CancelIoEx", CANCELIOEX,
            "an lpOverlapped no pending request uses: nothing found (ERROR_NOT_FOUND), nothing completed"),
    ]
}

// ---- helpers ----------------------------------------------------------------------------

/// Room per address in AcceptEx's buffer for IPv4 (`sockaddr_in` plus 16).
const ROOM: usize = accept_ex_addr_room(16);

/// Bytes that stay held up on a loopback connection whose peer never reads: far more than
/// the host's send and receive buffers together.
const STUFF: usize = 32 * 1024 * 1024;

/// An overlapped IPv4 socket of type `ty`.
fn ov_socket(fx: &Fixture<'_>, ty: i32) -> Step<SOCKET> {
    let proto = if ty == SOCK_STREAM {
        IPPROTO_TCP
    } else {
        IPPROTO_UDP
    };
    let s = expect_ok(
        "WSPSocket(WSA_FLAG_OVERLAPPED)",
        fx.w.socket(AF_INET, ty, proto, None, 0, WSA_FLAG_OVERLAPPED),
    )?;
    Ok(fx.track(s))
}

/// An overlapped TCP socket listening on 127.0.0.1.
fn ov_listener(fx: &Fixture<'_>) -> Step<(SOCKET, SockAddr)> {
    let l = ov_socket(fx, SOCK_STREAM)?;
    let a = fx.bind_loopback(l)?;
    expect_ok("WSPListen", fx.w.listen(l, SOMAXCONN))?;
    Ok((l, a))
}

/// An overlapped connected TCP pair `(client, server)`, made with plain connect/accept.
fn ov_pair(fx: &Fixture<'_>) -> Step<(SOCKET, SOCKET)> {
    let (l, la) = ov_listener(fx)?;
    let c = ov_socket(fx, SOCK_STREAM)?;
    fx.connect(c, &la)?;
    let s = fx.accept(l)?;
    Ok((c, s))
}

/// The request's result, waiting (bounded) if it did not complete in the call.
fn finished(what: &str, issued: &Issued) -> Step<OpResult> {
    if let Some(r) = issued.immediate {
        return Ok(r);
    }
    wait_op(what, &issued.op)
}

fn wait_op(what: &str, op: &OpHandle) -> Step<OpResult> {
    op.wait(&RealTime, Some(BOUND))
        .ok_or_else(|| Outcome::Fail(format!("{what}: not complete within {BOUND:?}")))
}

/// The request's result, expected to be a success.
fn finished_ok(what: &str, issued: &Issued) -> Step<OpResult> {
    let r = finished(what, issued)?;
    match r.error {
        None => Ok(r),
        Some(e) => Err(Outcome::Fail(format!(
            "{what}: completed with {e:?}, expected success"
        ))),
    }
}

/// The request's result, expected to be the error `want`.
fn finished_err(what: &str, op: &OpHandle, want: WsaError) -> Step<()> {
    let r = wait_op(what, op)?;
    expect_eq(&format!("{what}: the request's error"), r.error, Some(want))
}

/// The request is still pending.
fn still_pending(what: &str, issued: &Issued) -> Step<()> {
    expect_true(
        issued.immediate.is_none() && issued.op.result().is_none(),
        || {
            format!(
                "{what}: completed ({:?}), expected it pending",
                issued.op.result()
            )
        },
    )
}

/// AcceptEx on `l` into `a` with `receive` bytes of data room and [`ROOM`] per address.
fn accept_ex(
    x: &dyn ExtProvider,
    l: SOCKET,
    a: SOCKET,
    receive: usize,
    key: usize,
) -> WsaResult<Issued> {
    x.accept_ex(
        l,
        a,
        Box::new(vec![0u8; receive + 2 * ROOM]),
        receive,
        ROOM,
        ROOM,
        Overlapped::new(key),
    )
}

/// The AcceptEx output buffer, once complete.
fn accept_buf(op: &OpHandle) -> Step<Vec<u8>> {
    op.take_buffers()
        .downcast::<Vec<u8>>()
        .ok_or_else(|| Outcome::Fail("AcceptEx: the output buffer did not come back".into()))
}

fn port(what: &str, a: &SockAddr) -> Step<u16> {
    Ok(std_addr(what, a)?.port())
}

/// The peer address of `s`.
fn peer_of(fx: &Fixture<'_>, s: SOCKET) -> Step<SockAddr> {
    let mut a = SockAddr::default();
    expect_ok("WSPGetPeerName", fx.w.get_peer_name(s, &mut a))?;
    Ok(a)
}

/// Read from `s` until the end of the stream (bounded by `max` bytes).
fn read_to_end(fx: &Fixture<'_>, s: SOCKET, max: usize) -> Step<Vec<u8>> {
    let mut got = Vec::new();
    loop {
        let mut buf = [0u8; 256];
        let mut flags = 0;
        let n = expect_ok("WSPRecv", fx.w.recv(s, &mut [&mut buf[..]], &mut flags))?;
        if n == 0 {
            return Ok(got);
        }
        got.extend_from_slice(&buf[..n]);
        if got.len() > max {
            return Err(Outcome::Fail(format!(
                "more than {max} bytes arrived before the end of the stream"
            )));
        }
    }
}

/// An overlapped send of [`STUFF`] bytes on `c`, whose peer never reads: afterwards the
/// next send-side request on `c` cannot complete. (The send itself may complete: a
/// provider may take one whole send beyond `SO_SNDBUF`, KB 214397, D13; the next one waits.)
fn stuff(fx: &Fixture<'_>, c: SOCKET) -> Step<Issued> {
    expect_ok(
        "WSPSend(32 MiB, overlapped, to a peer that does not read)",
        fx.w.send_overlapped(c, Box::new(vec![0x33u8; STUFF]), 0, Overlapped::new(0x6F)),
    )
}

/// A bound port nothing listens on (the socket stays bound, so the port stays unused).
fn refusing_port(fx: &Fixture<'_>) -> Step<SockAddr> {
    let s = fx.tcp()?;
    fx.bind_loopback(s)
}

// ---- AcceptEx ---------------------------------------------------------------------------

fn accept_ex_without_receive_data_completes_on_connection(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, la) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    let issued = expect_ok("AcceptEx", accept_ex(x, l, a, 0, 0xA1))?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let r = finished_ok("AcceptEx", &issued)?;
    expect_eq("AcceptEx bytes", r.bytes, 0)?;
    let buf = accept_buf(&issued.op)?;
    let (local, remote) = get_accept_ex_sockaddrs(&buf, 0, ROOM, ROOM)
        .ok_or_else(|| Outcome::Fail("GetAcceptExSockaddrs: no addresses in the buffer".into()))?;
    expect_eq(
        "local address",
        std_addr("local", &local)?,
        std_addr("listener", &la)?,
    )?;
    let client = fx.name_of(c)?;
    expect_eq(
        "remote address",
        std_addr("remote", &remote)?,
        std_addr("client", &client)?,
    )
}

fn accept_ex_with_receive_data_waits_for_the_first_block(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, la) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    let issued = expect_ok("AcceptEx", accept_ex(x, l, a, 64, 0xA2))?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    // The connection is complete on the client's side; the AcceptEx waits for data. A
    // blocking round trip on a second connection gives the listener time to see the
    // first one without sleeping.
    let c2 = fx.tcp()?;
    fx.connect(c2, &la)?;
    still_pending("AcceptEx before any data", &issued)?;
    fx.send_all(c, b"first")?;
    let r = finished_ok("AcceptEx", &issued)?;
    expect_eq("AcceptEx bytes", r.bytes, 5)?;
    let buf = accept_buf(&issued.op)?;
    expect_eq("first block", &buf[..5], &b"first"[..])?;
    let (local, _) = get_accept_ex_sockaddrs(&buf, 64, ROOM, ROOM)
        .ok_or_else(|| Outcome::Fail("GetAcceptExSockaddrs: no addresses after the data".into()))?;
    expect_eq("local port", port("local", &local)?, port("listener", &la)?)
}

fn accept_ex_zero_remote_address_room_gives_wsaefault(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, _) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    expect_err(
        "AcceptEx(dwRemoteAddressLength 0)",
        x.accept_ex(
            l,
            a,
            Box::new(vec![0u8; 2 * ROOM]),
            0,
            ROOM,
            0,
            Overlapped::new(0xA3),
        ),
        WsaError::WSAEFAULT,
    )
}

fn accept_ex_on_non_listening_socket_gives_wsaeinval(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let l = ov_socket(&fx, SOCK_STREAM)?;
    fx.bind_loopback(l)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    expect_err(
        "AcceptEx on a bound, not listening socket",
        accept_ex(x, l, a, 0, 0xA4),
        WsaError::WSAEINVAL,
    )
}

fn accept_ex_bound_accept_socket_gives_wsaeinval(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, _) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    fx.bind_loopback(a)?;
    expect_err(
        "AcceptEx into a bound socket",
        accept_ex(x, l, a, 0, 0xA5),
        WsaError::WSAEINVAL,
    )
}

fn accept_ex_connected_accept_socket_gives_wsaeinval(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = ov_pair(&fx)?;
    let (l, _) = ov_listener(&fx)?;
    expect_err(
        "AcceptEx into a connected socket",
        accept_ex(x, l, c, 0, 0xA6),
        WsaError::WSAEINVAL,
    )
}

fn accept_ex_twice_on_one_accept_socket_gives_wsaeinval(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, _) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    let first = expect_ok("first AcceptEx", accept_ex(x, l, a, 0, 0xA7))?;
    still_pending("first AcceptEx", &first)?;
    expect_err(
        "second AcceptEx into the same accept socket",
        accept_ex(x, l, a, 0, 0xA8),
        WsaError::WSAEINVAL,
    )
}

fn accept_ex_update_accept_context_then_getpeername(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, la) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    let issued = expect_ok("AcceptEx", accept_ex(x, l, a, 0, 0xA9))?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    finished_ok("AcceptEx", &issued)?;
    expect_ok(
        "SO_UPDATE_ACCEPT_CONTEXT",
        fx.w.set_sock_opt(
            a,
            SOL_SOCKET,
            SO_UPDATE_ACCEPT_CONTEXT,
            &(l as u64).to_le_bytes(),
        ),
    )?;
    let peer = peer_of(&fx, a)?;
    expect_eq(
        "getpeername of the accepted socket",
        std_addr("peer", &peer)?,
        std_addr("client", &fx.name_of(c)?)?,
    )?;
    expect_eq(
        "getsockname of the accepted socket",
        std_addr("local", &fx.name_of(a)?)?,
        std_addr("listener", &la)?,
    )
}

fn accept_ex_close_listener_aborts_it(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, _) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    let issued = expect_ok("AcceptEx", accept_ex(x, l, a, 0, 0xAA))?;
    still_pending("AcceptEx", &issued)?;
    fx.close(l)?;
    finished_err(
        "AcceptEx after closing the listener",
        &issued.op,
        WsaError::WSA_OPERATION_ABORTED,
    )
}

// ---- ConnectEx --------------------------------------------------------------------------

fn connect_ex_unbound_socket_gives_wsaeinval(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (_, la) = ov_listener(&fx)?;
    let c = ov_socket(&fx, SOCK_STREAM)?;
    expect_err(
        "ConnectEx on an unbound socket",
        x.connect_ex(c, &la, None, Overlapped::new(0xC1)),
        WsaError::WSAEINVAL,
    )
}

fn connect_ex_with_send_data_delivers_it(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, la) = ov_listener(&fx)?;
    let c = ov_socket(&fx, SOCK_STREAM)?;
    fx.bind_loopback(c)?;
    let issued = expect_ok(
        "ConnectEx with data",
        x.connect_ex(
            c,
            &la,
            Some(Box::new(b"connect-data".to_vec())),
            Overlapped::new(0xC2),
        ),
    )?;
    let r = finished_ok("ConnectEx", &issued)?;
    expect_eq("ConnectEx bytes sent", r.bytes, 12)?;
    let s = fx.accept(l)?;
    expect_eq(
        "data at the peer",
        &fx.recv_exact(s, 12)?[..],
        &b"connect-data"[..],
    )
}

fn connect_ex_refused_completes_with_wsaeconnrefused(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let to = refusing_port(&fx)?;
    let c = ov_socket(&fx, SOCK_STREAM)?;
    fx.bind_loopback(c)?;
    let issued = expect_ok(
        "ConnectEx to a port nothing listens on (the call itself)",
        x.connect_ex(c, &to, None, Overlapped::new(0xC3)),
    )?;
    let r = finished("ConnectEx", &issued)?;
    expect_eq(
        "the request's error",
        r.error,
        Some(WsaError::WSAECONNREFUSED),
    )
}

fn connect_ex_update_connect_context_then_getpeername(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (_, la) = ov_listener(&fx)?;
    let c = ov_socket(&fx, SOCK_STREAM)?;
    fx.bind_loopback(c)?;
    let issued = expect_ok(
        "ConnectEx",
        x.connect_ex(c, &la, None, Overlapped::new(0xC4)),
    )?;
    finished_ok("ConnectEx", &issued)?;
    expect_ok(
        "SO_UPDATE_CONNECT_CONTEXT",
        fx.w.set_sock_opt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, &[]),
    )?;
    expect_eq(
        "getpeername after ConnectEx",
        std_addr("peer", &peer_of(&fx, c)?)?,
        std_addr("listener", &la)?,
    )
}

fn connect_ex_connected_socket_gives_wsaeisconn(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = ov_pair(&fx)?;
    let (_, la) = ov_listener(&fx)?;
    expect_err(
        "ConnectEx on a connected socket",
        x.connect_ex(c, &la, None, Overlapped::new(0xC5)),
        WsaError::WSAEISCONN,
    )
}

// ---- DisconnectEx -----------------------------------------------------------------------

fn disconnect_ex_peer_reads_end_of_stream(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, s) = ov_pair(&fx)?;
    fx.send_all(c, b"last words")?;
    let issued = expect_ok("DisconnectEx", x.disconnect_ex(c, 0, Overlapped::new(0xD1)))?;
    let r = finished_ok("DisconnectEx", &issued)?;
    expect_eq("DisconnectEx bytes", r.bytes, 0)?;
    expect_eq(
        "what the peer reads",
        &read_to_end(&fx, s, 64)?[..],
        &b"last words"[..],
    )
}

fn disconnect_ex_bad_flags_gives_wsaeinval(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = ov_pair(&fx)?;
    expect_err(
        "DisconnectEx(TF_DISCONNECT)",
        x.disconnect_ex(c, TF_DISCONNECT, Overlapped::new(0xD2)),
        WsaError::WSAEINVAL,
    )
}

fn disconnect_ex_unconnected_gives_wsaenotconn(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let s = ov_socket(&fx, SOCK_STREAM)?;
    expect_err(
        "DisconnectEx unconnected",
        x.disconnect_ex(s, 0, Overlapped::new(0xD3)),
        WsaError::WSAENOTCONN,
    )
}

/// A connected client released with DisconnectEx(TF_REUSE_SOCKET), and its old peer.
fn released(fx: &Fixture<'_>, x: &dyn ExtProvider) -> Step<(SOCKET, SOCKET)> {
    let (c, s) = ov_pair(fx)?;
    let issued = expect_ok(
        "DisconnectEx(TF_REUSE_SOCKET)",
        x.disconnect_ex(c, TF_REUSE_SOCKET, Overlapped::new(0xD4)),
    )?;
    finished_ok("DisconnectEx(TF_REUSE_SOCKET)", &issued)?;
    Ok((c, s))
}

fn disconnect_ex_reuse_socket_then_connect_ex(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = released(&fx, x)?;
    let (l2, la2) = ov_listener(&fx)?;
    let issued = expect_ok(
        "ConnectEx on the reused socket",
        x.connect_ex(
            c,
            &la2,
            Some(Box::new(b"again".to_vec())),
            Overlapped::new(0xD5),
        ),
    )?;
    let r = finished_ok("ConnectEx on the reused socket", &issued)?;
    expect_eq("bytes sent", r.bytes, 5)?;
    let s2 = fx.accept(l2)?;
    expect_eq("data", &fx.recv_exact(s2, 5)?[..], &b"again"[..])
}

fn disconnect_ex_reuse_socket_then_accept_ex(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = released(&fx, x)?;
    let (l2, la2) = ov_listener(&fx)?;
    let issued = expect_ok(
        "AcceptEx into the reused socket",
        accept_ex(x, l2, c, 0, 0xD6),
    )?;
    let client = fx.tcp()?;
    fx.connect(client, &la2)?;
    finished_ok("AcceptEx into the reused socket", &issued)?;
    fx.send_all(client, b"hi")?;
    expect_eq(
        "data on the reused socket",
        &fx.recv_exact(c, 2)?[..],
        &b"hi"[..],
    )
}

// ---- TransmitFile -----------------------------------------------------------------------

fn transmit(
    x: &dyn ExtProvider,
    s: SOCKET,
    file: Option<&'static [u8]>,
    bytes_to_write: u32,
    flags: u32,
    key: usize,
) -> WsaResult<Issued> {
    let req = TransmitFileRequest {
        file: file
            .map(|f| Box::new(Cursor::new(f)) as Box<dyn wsp::engine::transmit_file::FileSource>),
        bytes_to_write,
        bytes_per_send: 0,
        head: Some(Box::new(b"<head>".to_vec())),
        tail: Some(Box::new(b"<tail>".to_vec())),
        flags,
    };
    x.transmit_file(s, req, Overlapped::new(key))
}

fn transmit_file_head_and_tail_without_file(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, s) = ov_pair(&fx)?;
    let issued = expect_ok("TransmitFile(hFile NULL)", transmit(x, c, None, 0, 0, 0xF1))?;
    let r = finished_ok("TransmitFile", &issued)?;
    expect_eq("bytes", r.bytes, 12)?;
    expect_eq("data", &fx.recv_exact(s, 12)?[..], &b"<head><tail>"[..])
}

fn transmit_file_sends_the_file_between_head_and_tail(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, s) = ov_pair(&fx)?;
    let issued = expect_ok(
        "TransmitFile",
        transmit(x, c, Some(b"0123456789"), 0, 0, 0xF2),
    )?;
    let r = finished_ok("TransmitFile", &issued)?;
    expect_eq("bytes", r.bytes, 22)?;
    expect_eq(
        "data",
        &fx.recv_exact(s, 22)?[..],
        &b"<head>0123456789<tail>"[..],
    )
}

fn transmit_file_bytes_to_write_limits_the_file_part(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, s) = ov_pair(&fx)?;
    let issued = expect_ok(
        "TransmitFile(nNumberOfBytesToWrite 5)",
        transmit(x, c, Some(b"0123456789"), 5, 0, 0xF3),
    )?;
    let r = finished_ok("TransmitFile", &issued)?;
    expect_eq("bytes", r.bytes, 17)?;
    expect_eq(
        "data",
        &fx.recv_exact(s, 17)?[..],
        &b"<head>01234<tail>"[..],
    )
}

fn transmit_file_tf_disconnect_closes_the_sending_side(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, s) = ov_pair(&fx)?;
    let issued = expect_ok(
        "TransmitFile(TF_DISCONNECT)",
        transmit(x, c, Some(b"file"), 0, TF_DISCONNECT, 0xF4),
    )?;
    finished_ok("TransmitFile(TF_DISCONNECT)", &issued)?;
    expect_eq(
        "what the peer reads",
        &read_to_end(&fx, s, 64)?[..],
        &b"<head>file<tail>"[..],
    )
}

fn transmit_file_reuse_without_disconnect_gives_wsaeinval(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = ov_pair(&fx)?;
    expect_err(
        "TransmitFile(TF_REUSE_SOCKET alone)",
        transmit(x, c, None, 0, TF_REUSE_SOCKET, 0xF5),
        WsaError::WSAEINVAL,
    )
}

fn transmit_file_unconnected_gives_wsaenotconn(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let s = ov_socket(&fx, SOCK_STREAM)?;
    expect_err(
        "TransmitFile unconnected",
        transmit(x, s, None, 0, 0, 0xF6),
        WsaError::WSAENOTCONN,
    )
}

// ---- TransmitPackets --------------------------------------------------------------------

fn transmit_packets_memory_elements_arrive_in_order(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, s) = ov_pair(&fx)?;
    let issued = expect_ok(
        "TransmitPackets",
        x.transmit_packets(
            c,
            Box::new(vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]),
            0,
            Overlapped::new(0xE1),
        ),
    )?;
    let r = finished_ok("TransmitPackets", &issued)?;
    expect_eq("bytes", r.bytes, 11)?;
    expect_eq("data", &fx.recv_exact(s, 11)?[..], &b"onetwothree"[..])
}

fn transmit_packets_tf_disconnect_closes_the_sending_side(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, s) = ov_pair(&fx)?;
    let issued = expect_ok(
        "TransmitPackets(TF_DISCONNECT)",
        x.transmit_packets(
            c,
            Box::new(vec![b"bye".to_vec(), b"!".to_vec()]),
            TF_DISCONNECT,
            Overlapped::new(0xE2),
        ),
    )?;
    finished_ok("TransmitPackets(TF_DISCONNECT)", &issued)?;
    expect_eq(
        "what the peer reads",
        &read_to_end(&fx, s, 64)?[..],
        &b"bye!"[..],
    )
}

// ---- WSARecvMsg / WSASendMsg ------------------------------------------------------------

fn recv_msg(x: &dyn ExtProvider, s: SOCKET, len: usize, key: usize) -> WsaResult<Issued> {
    x.recv_msg(
        s,
        Box::new(RecvFromBuf {
            data: vec![0u8; len],
            from: None,
        }),
        0,
        Overlapped::new(key),
    )
}

fn recv_msg_gets_datagram_and_source(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let r = ov_socket(&fx, SOCK_DGRAM)?;
    let ra = fx.bind_loopback(r)?;
    let (u, ua) = fx.bound_udp()?;
    let issued = expect_ok("WSARecvMsg", recv_msg(x, r, 32, 0x51))?;
    still_pending("WSARecvMsg with nothing sent", &issued)?;
    let n = expect_ok("WSPSendTo", fx.w.send_to(u, &[b"datagram"], 0, Some(&ra)))?;
    expect_eq("sent", n, 8)?;
    let res = finished_ok("WSARecvMsg", &issued)?;
    expect_eq("bytes", res.bytes, 8)?;
    let m: RecvFromBuf = issued
        .op
        .take_buffers()
        .downcast()
        .ok_or_else(|| Outcome::Fail("WSARecvMsg: the buffers did not come back".into()))?;
    expect_eq("data", &m.data[..8], &b"datagram"[..])?;
    let from = m
        .from
        .ok_or_else(|| Outcome::Fail("WSARecvMsg: no source address".into()))?;
    expect_eq(
        "source address",
        std_addr("from", &from)?,
        std_addr("sender", &ua)?,
    )
}

fn recv_msg_truncated_datagram_gives_wsaemsgsize_and_msg_trunc(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let r = ov_socket(&fx, SOCK_DGRAM)?;
    let ra = fx.bind_loopback(r)?;
    let (u, _) = fx.bound_udp()?;
    let issued = expect_ok("WSARecvMsg", recv_msg(x, r, 4, 0x52))?;
    expect_ok("WSPSendTo", fx.w.send_to(u, &[b"truncated"], 0, Some(&ra)))?;
    let res = finished("WSARecvMsg", &issued)?;
    expect_eq(
        "the request's error",
        res.error,
        Some(WsaError::WSAEMSGSIZE),
    )?;
    expect_true(res.flags & MSG_TRUNC == MSG_TRUNC, || {
        format!("MSG_TRUNC not in dwFlags: the request's result is {res:?}")
    })?;
    let m: RecvFromBuf = issued
        .op
        .take_buffers()
        .downcast()
        .ok_or_else(|| Outcome::Fail("WSARecvMsg: the buffers did not come back".into()))?;
    expect_eq("the buffer's part", &m.data[..], &b"trun"[..])
}

fn send_msg_datagram_reaches_the_named_peer(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (r, ra) = fx.bound_udp()?;
    let u = ov_socket(&fx, SOCK_DGRAM)?;
    let ua = fx.bind_loopback(u)?;
    let issued = expect_ok(
        "WSASendMsg",
        x.send_msg(
            u,
            Box::new(b"sendmsg".to_vec()),
            0,
            Some(&ra),
            Overlapped::new(0x53),
        ),
    )?;
    let res = finished_ok("WSASendMsg", &issued)?;
    expect_eq("bytes", res.bytes, 7)?;
    let mut buf = [0u8; 16];
    let mut flags = 0;
    let mut from = SockAddr::default();
    let n = expect_ok(
        "WSPRecvFrom",
        fx.w.recv_from(r, &mut [&mut buf[..]], &mut flags, Some(&mut from)),
    )?;
    expect_eq("datagram", &buf[..n], &b"sendmsg"[..])?;
    expect_eq("source", std_addr("from", &from)?, std_addr("sender", &ua)?)
}

fn send_msg_gathers_several_buffers_into_one_datagram(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (r, ra) = fx.bound_udp()?;
    let u = ov_socket(&fx, SOCK_DGRAM)?;
    fx.bind_loopback(u)?;
    let issued = expect_ok(
        "WSASendMsg",
        x.send_msg(
            u,
            Box::new(vec![b"gath".to_vec(), b"ered".to_vec()]),
            0,
            Some(&ra),
            Overlapped::new(0x54),
        ),
    )?;
    let res = finished_ok("WSASendMsg", &issued)?;
    expect_eq("bytes", res.bytes, 8)?;
    let mut buf = [0u8; 16];
    let mut flags = 0;
    let n = expect_ok(
        "WSPRecvFrom",
        fx.w.recv_from(r, &mut [&mut buf[..]], &mut flags, None),
    )?;
    expect_eq("one datagram", &buf[..n], &b"gathered"[..])
}

// ---- CancelIoEx -------------------------------------------------------------------------

fn cancel(x: &dyn ExtProvider, s: SOCKET, key: Option<usize>, want: usize) -> Step<()> {
    let n = expect_ok("CancelIoEx", x.cancel_overlapped(s, key))?;
    expect_eq("requests found", n, want)
}

fn cancel_accept_ex_on_the_listener_aborts_it(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, _) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    let issued = expect_ok("AcceptEx", accept_ex(x, l, a, 0, 0x61))?;
    still_pending("AcceptEx", &issued)?;
    cancel(x, l, Some(0x61), 1)?;
    finished_err(
        "AcceptEx after CancelIoEx",
        &issued.op,
        WsaError::WSA_OPERATION_ABORTED,
    )?;
    expect_err(
        "WSPGetOverlappedResult of the cancelled AcceptEx",
        fx.w.get_overlapped_result(l, 0x61, true),
        WsaError::WSA_OPERATION_ABORTED,
    )
}

fn cancel_on_the_accept_socket_leaves_accept_ex_pending(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (l, la) = ov_listener(&fx)?;
    let a = ov_socket(&fx, SOCK_STREAM)?;
    let issued = expect_ok("AcceptEx", accept_ex(x, l, a, 0, 0x62))?;
    cancel(x, a, None, 0)?;
    still_pending("AcceptEx after CancelIo(accept socket)", &issued)?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    finished_ok("AcceptEx", &issued)?;
    Ok(())
}

fn cancel_recv_msg_aborts_it(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let r = ov_socket(&fx, SOCK_DGRAM)?;
    fx.bind_loopback(r)?;
    let issued = expect_ok("WSARecvMsg", recv_msg(x, r, 16, 0x63))?;
    still_pending("WSARecvMsg", &issued)?;
    cancel(x, r, Some(0x63), 1)?;
    finished_err(
        "WSARecvMsg after CancelIoEx",
        &issued.op,
        WsaError::WSA_OPERATION_ABORTED,
    )
}

fn cancel_transmit_packets_aborts_it(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = ov_pair(&fx)?;
    stuff(&fx, c)?;
    let issued = expect_ok(
        "TransmitPackets behind a held-up send",
        x.transmit_packets(c, Box::new(vec![0x5au8; STUFF]), 0, Overlapped::new(0x64)),
    )?;
    still_pending("TransmitPackets", &issued)?;
    cancel(x, c, Some(0x64), 1)?;
    finished_err(
        "TransmitPackets after CancelIoEx",
        &issued.op,
        WsaError::WSA_OPERATION_ABORTED,
    )
}

fn cancel_transmit_file_aborts_it(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = ov_pair(&fx)?;
    stuff(&fx, c)?;
    let req = TransmitFileRequest {
        file: Some(Box::new(Cursor::new(vec![0xa5u8; STUFF]))),
        ..TransmitFileRequest::default()
    };
    let issued = expect_ok(
        "TransmitFile behind a held-up send",
        x.transmit_file(c, req, Overlapped::new(0x65)),
    )?;
    still_pending("TransmitFile", &issued)?;
    cancel(x, c, Some(0x65), 1)?;
    finished_err(
        "TransmitFile after CancelIoEx",
        &issued.op,
        WsaError::WSA_OPERATION_ABORTED,
    )
}

fn cancel_disconnect_ex_by_key_leaves_the_send_before_it(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let (c, _) = ov_pair(&fx)?;
    stuff(&fx, c)?;
    let send = expect_ok(
        "WSPSend(overlapped) behind a held-up send",
        fx.w.send_overlapped(c, Box::new(vec![0x44u8; 1024]), 0, Overlapped::new(0x66)),
    )?;
    still_pending("the second send", &send)?;
    let disc = expect_ok(
        "DisconnectEx behind the send",
        x.disconnect_ex(c, 0, Overlapped::new(0x67)),
    )?;
    still_pending("DisconnectEx", &disc)?;
    cancel(x, c, Some(0x67), 1)?;
    finished_err(
        "DisconnectEx after CancelIoEx",
        &disc.op,
        WsaError::WSA_OPERATION_ABORTED,
    )?;
    still_pending("the send, not named by the cancel", &send)
}

fn cancel_unknown_request_finds_nothing(x: &dyn ExtProvider) -> Step<()> {
    let fx = Fixture::start(x.wsp())?;
    let r = ov_socket(&fx, SOCK_DGRAM)?;
    fx.bind_loopback(r)?;
    let issued = expect_ok("WSARecvMsg", recv_msg(x, r, 16, 0x68))?;
    cancel(x, r, Some(0x69), 0)?;
    still_pending("WSARecvMsg, not named by the cancel", &issued)
}
