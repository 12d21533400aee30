//! Conditional accept, connect and disconnect data (TCP and the emulated framed protocol),
//! multicast `WSPJoinLeaf`, and `WSPDuplicateSocket`.

use super::doc;
use crate::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use wsp::engine::framed::IPPROTO_WSP_FRAMED;
use wsp::engine::multipoint::{JL_BOTH, JL_RECEIVER_ONLY, JL_SENDER_ONLY};
use wsp::sync::Event;
use wsp::types::*;
use wsp::wsp::{AcceptCondition, ConditionDecision, OutBuf};
use wsp::{SockAddr, WsaError, Wsp};

/// Windows' "Conditional Acceptance" rules for providers.
const SPI_CONDITIONAL: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-service-provider-interface-2";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(accept_condition_defer_gives_wsatry_again_and_keeps_the_connection, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSATRY_AGAIN for CF_DEFER (SO_CONDITIONAL_ACCEPT on); the next WSPAccept offers the same caller and CF_ACCEPT returns it"),
        case!(accept_condition_defer_does_not_record_fd_accept_again, "WSPAccept", SPI_CONDITIONAL,
            "after CF_DEFER no FD_ACCEPT is recorded while the deferred connection heads the queue"),
        case!(accept_condition_sees_caller_and_callee_ids_without_data_on_tcp, "WSPAccept", doc::ACCEPT,
            "lpCallerId = the caller's address, lpCalleeId = the listener's, lpCallerData/lpCalleeData/lpSQOS/lpGQOS NULL, g = 0 (TCP has no XP1_CONNECT_DATA)"),
        case!(accept_condition_reject_resets_the_tcp_caller, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSAECONNREFUSED; the caller's next recv gives SOCKET_ERROR / WSAECONNRESET (the host already completed the handshake)"),
        case!(accept_condition_group_gives_wsaeinval, "WSPAccept", doc::ACCEPT,
            "INVALID_SOCKET / WSAEINVAL when the condition function sets g to a group (none exist)"),
        case!(connect_caller_data_on_tcp_gives_wsaeprotonosupport, "WSPConnect", doc::CONNECT,
            "SOCKET_ERROR / WSAEPROTONOSUPPORT (lpCallerData not supported: no XP1_CONNECT_DATA)"),
        case!(framed_connect_data_reaches_condition_and_callee_data_returns, "WSPConnect", doc::CONNECT,
            "0; the listener's condition function sees the caller data, and lpCalleeData receives what it returned"),
        case!(framed_connect_short_callee_buffer_gives_wsaefault, "WSPConnect", doc::CONNECT,
            "SOCKET_ERROR / WSAEFAULT when lpCalleeData is too small; len is the callee data's size"),
        case!(framed_condition_reject_refuses_the_connect, "WSPConnect", doc::CONNECT,
            "SOCKET_ERROR / WSAECONNREFUSED when the listener's condition function returns CF_REJECT"),
        case!(framed_stream_delivers_bytes_in_order_across_frames, "WSPRecv", doc::RECV,
            "bytes of several sends arrive in order, split and joined at any receive size"),
        case!(framed_disconnect_data_round_trips_with_fd_close, "WSPRecvDisconnect", doc::RECVDISCONNECT,
            "FD_CLOSE (error 0); recv returns 0; WSPRecvDisconnect copies the data WSPSendDisconnect sent"),
        case!(framed_recv_disconnect_short_buffer_gives_wsaefault, "WSPRecvDisconnect", doc::RECVDISCONNECT,
            "SOCKET_ERROR / WSAEFAULT when the buffer is smaller than the disconnect data"),
        case!(join_leaf_multicast_v4_sender_reaches_receiver, "WSPJoinLeaf", doc::JOINLEAF,
            "the same SOCKET (non-rooted c_leaf); a send without address from a JL_SENDER_ONLY leaf reaches a JL_RECEIVER_ONLY leaf"),
        case!(join_leaf_overlapped_send_reaches_the_group, "WSPJoinLeaf", doc::JOINLEAF,
            "an overlapped WSPSend without address from a JL_SENDER_ONLY leaf completes with 7 bytes and reaches the JL_RECEIVER_ONLY leaf"),
        case!(join_leaf_multicast_v6_returns_the_same_socket, "WSPJoinLeaf", doc::JOINLEAF,
            "the same SOCKET for JL_BOTH on an IPv6 group"),
        case!(join_leaf_twice_gives_wsaeisconn, "WSPJoinLeaf", doc::JOINLEAF,
            "INVALID_SOCKET / WSAEISCONN after a successful join"),
        case!(join_leaf_bad_flags_gives_wsaeinval, "WSPJoinLeaf", doc::JOINLEAF,
            "INVALID_SOCKET / WSAEINVAL for dwFlags not JL_SENDER_ONLY, JL_RECEIVER_ONLY or JL_BOTH"),
        case!(join_leaf_on_tcp_gives_wsaeinval, "WSPJoinLeaf", doc::JOINLEAF,
            "INVALID_SOCKET / WSAEINVAL (TCP has no XP1_SUPPORT_MULTIPOINT)"),
        case!(join_leaf_without_leaf_flags_gives_wsaeinval, "WSPJoinLeaf", doc::JOINLEAF,
            "INVALID_SOCKET / WSAEINVAL for a socket created without WSA_FLAG_MULTIPOINT_*_LEAF"),
        case!(join_leaf_unicast_address_gives_wsaeaddrnotavail, "WSPJoinLeaf", doc::JOINLEAF,
            "INVALID_SOCKET / WSAEADDRNOTAVAIL for a name that is not a multicast group"),
        case!(duplicate_socket_info_is_usable_once, "WSPDuplicateSocket", doc::DUPLICATESOCKET,
            "the first WSPSocket(FROM_PROTOCOL_INFO) succeeds; the second gives INVALID_SOCKET / WSAEINVAL"),
        case!(duplicate_socket_descriptors_have_their_own_selection, "WSPDuplicateSocket", doc::DUPLICATESOCKET,
            "WSPEventSelect on the duplicate records FD_READ there; the original, with no selection, records nothing"),
        case!(duplicate_socket_last_close_closes_the_connection, "WSPDuplicateSocket", doc::DUPLICATESOCKET,
            "the peer reads 0 only after both descriptors are closed"),
    ]
}

const LEAF: u32 = WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_LEAF;

fn framed_listener(fx: &Fixture<'_>) -> Step<(SOCKET, SockAddr)> {
    let l = fx.socket(AF_INET, SOCK_STREAM, IPPROTO_WSP_FRAMED)?;
    let a = fx.bind_loopback(l)?;
    expect_ok("WSPListen", fx.w.listen(l, SOMAXCONN))?;
    Ok((l, a))
}

fn set_conditional_accept(w: &dyn Wsp, l: SOCKET) -> Step<()> {
    expect_ok(
        "WSPSetSockOpt(SO_CONDITIONAL_ACCEPT)",
        w.set_sock_opt(l, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, &1u32.to_le_bytes()),
    )
}

fn accept_condition_defer_gives_wsatry_again_and_keeps_the_connection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, _) = fx.tcp_listener_conditional()?;
    let la = fx.name_of(l)?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut seen = Vec::new();
    let mut defer = |a: &mut AcceptCondition<'_>| {
        seen.push(a.caller_id.to_std());
        ConditionDecision::Defer
    };
    expect_err(
        "WSPAccept with CF_DEFER",
        w.accept(l, None, Some(&mut defer)),
        WsaError::WSATRY_AGAIN,
    )?;
    let mut accept = |a: &mut AcceptCondition<'_>| {
        seen.push(a.caller_id.to_std());
        ConditionDecision::Accept
    };
    let s = expect_ok(
        "WSPAccept after CF_DEFER",
        w.accept(l, None, Some(&mut accept)),
    )?;
    fx.track(s);
    let client = std_addr("client name", &fx.name_of(c)?)?;
    expect_eq("callers offered", seen, vec![Some(client), Some(client)])
}

/// A TCP listener with `SO_CONDITIONAL_ACCEPT` on.
trait ConditionalListener {
    fn tcp_listener_conditional(&self) -> Step<(SOCKET, SockAddr)>;
}
impl ConditionalListener for Fixture<'_> {
    fn tcp_listener_conditional(&self) -> Step<(SOCKET, SockAddr)> {
        let l = self.tcp()?;
        let a = self.bind_loopback(l)?;
        set_conditional_accept(self.w, l)?;
        expect_ok("WSPListen", self.w.listen(l, SOMAXCONN))?;
        Ok((l, a))
    }
}

fn accept_condition_defer_does_not_record_fd_accept_again(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.tcp_listener_conditional()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_ACCEPT)",
        w.event_select(l, Some(&ev), FD_ACCEPT),
    )?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    fx.wait_event("FD_ACCEPT", &ev)?;
    let got = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(l, Some(&ev)))?;
    expect_eq("first record", got.lNetworkEvents, FD_ACCEPT)?;
    let mut defer = |_: &mut AcceptCondition<'_>| ConditionDecision::Defer;
    expect_err(
        "WSPAccept with CF_DEFER",
        w.accept(l, None, Some(&mut defer)),
        WsaError::WSATRY_AGAIN,
    )?;
    let got = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(l, Some(&ev)))?;
    expect_eq("record after CF_DEFER", got.lNetworkEvents, 0)?;
    expect_true(!ev.is_set(), || {
        "the event was set again after CF_DEFER".into()
    })?;
    let s = expect_ok("WSPAccept", w.accept(l, None, None))?;
    fx.track(s);
    Ok(())
}

fn accept_condition_sees_caller_and_callee_ids_without_data_on_tcp(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut args = None;
    let mut cond = |a: &mut AcceptCondition<'_>| {
        args = Some((
            a.caller_id.to_std(),
            a.callee_id.to_std(),
            a.caller_data.is_none(),
            a.callee_data.is_none(),
            a.sqos.is_none() && a.gqos.is_none(),
            a.group,
        ));
        ConditionDecision::Accept
    };
    let s = expect_ok("WSPAccept", w.accept(l, None, Some(&mut cond)))?;
    fx.track(s);
    let client = std_addr("client name", &fx.name_of(c)?)?;
    let listener = std_addr("listener name", &la)?;
    expect_eq(
        "condition arguments",
        args,
        Some((Some(client), Some(listener), true, true, true, 0)),
    )
}

fn accept_condition_reject_resets_the_tcp_caller(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut reject = |_: &mut AcceptCondition<'_>| ConditionDecision::Reject;
    expect_err(
        "WSPAccept with CF_REJECT",
        w.accept(l, None, Some(&mut reject)),
        WsaError::WSAECONNREFUSED,
    )?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "caller's WSPRecv after the refusal",
        w.recv(c, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAECONNRESET,
    )
}

fn accept_condition_group_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut cond = |a: &mut AcceptCondition<'_>| {
        a.group = 7;
        ConditionDecision::Accept
    };
    let r = w.accept(l, None, Some(&mut cond));
    if let Ok(s) = r {
        fx.track(s);
    }
    expect_err("WSPAccept with g = 7", r, WsaError::WSAEINVAL)
}

fn connect_caller_data_on_tcp_gives_wsaeprotonosupport(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, la) = fx.listener()?;
    let c = fx.tcp()?;
    expect_err(
        "WSPConnect with caller data on TCP",
        w.connect(c, &la, Some(b"hello"), None, None, None),
        WsaError::WSAEPROTONOSUPPORT,
    )
}

/// What [`framed_connect`] returns: the client, the connect's result, the callee buffer and
/// the length the connect set, and the accept's result.
type FramedConnect = (
    SOCKET,
    Result<(), WsaError>,
    Vec<u8>,
    usize,
    Result<SOCKET, WsaError>,
);

/// A framed connection made with a blocking connect on this thread and a blocking accept
/// (with `decide`) on a scoped thread. Returns the connect's result, the callee data it
/// received, and the accepted socket.
fn framed_connect(
    fx: &Fixture<'_>,
    caller: &[u8],
    callee_room: usize,
    decide: fn(&mut AcceptCondition<'_>) -> ConditionDecision,
) -> Step<FramedConnect> {
    let w = fx.w;
    let (l, la) = framed_listener(fx)?;
    let c = fx.socket(AF_INET, SOCK_STREAM, IPPROTO_WSP_FRAMED)?;
    let mut room = vec![0u8; callee_room];
    let (r, len, accepted) = std::thread::scope(|scope| {
        let acceptor = scope.spawn(move || {
            let mut cond = |a: &mut AcceptCondition<'_>| decide(a);
            w.accept(l, None, Some(&mut cond))
        });
        let mut out = OutBuf {
            buf: &mut room[..],
            len: 0,
        };
        let r = w.connect(c, &la, Some(caller), Some(&mut out), None, None);
        let len = out.len;
        (r, len, acceptor.join().unwrap_or(Err(WsaError::WSAEFAULT)))
    });
    if let Ok(s) = accepted {
        fx.track(s);
    }
    Ok((c, r, room, len, accepted))
}

fn echo_decision(a: &mut AcceptCondition<'_>) -> ConditionDecision {
    // Answers with the caller data reversed.
    let data: Vec<u8> = a
        .caller_data
        .unwrap_or_default()
        .iter()
        .rev()
        .copied()
        .collect();
    if let Some(out) = a.callee_data.as_mut() {
        out.buf[..data.len()].copy_from_slice(&data);
        out.len = data.len();
    }
    ConditionDecision::Accept
}

fn framed_connect_data_reaches_condition_and_callee_data_returns(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, r, room, len, accepted) = framed_connect(&fx, b"hello", 64, echo_decision)?;
    expect_ok("WSPAccept (framed)", accepted)?;
    expect_ok("WSPConnect (framed, caller data)", r)?;
    expect_eq("callee data", room[..len].to_vec(), b"olleh".to_vec())
}

fn framed_connect_short_callee_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, r, _, len, accepted) = framed_connect(&fx, b"hello", 2, echo_decision)?;
    expect_ok("WSPAccept (framed)", accepted)?;
    expect_err(
        "WSPConnect with a 2-byte callee buffer",
        r,
        WsaError::WSAEFAULT,
    )?;
    expect_eq("lpCalleeData->len", len, 5)
}

fn framed_condition_reject_refuses_the_connect(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, r, _, _, accepted) =
        framed_connect(&fx, b"let me in", 16, |_| ConditionDecision::Reject)?;
    expect_err(
        "WSPAccept with CF_REJECT",
        accepted,
        WsaError::WSAECONNREFUSED,
    )?;
    expect_err("WSPConnect refused", r, WsaError::WSAECONNREFUSED)
}

fn framed_pair(fx: &Fixture<'_>) -> Step<(SOCKET, SOCKET)> {
    let (c, r, _, _, accepted) = framed_connect(fx, b"", 0, |_| ConditionDecision::Accept)?;
    let s = expect_ok("WSPAccept (framed)", accepted)?;
    expect_ok("WSPConnect (framed)", r)?;
    Ok((c, s))
}

fn framed_stream_delivers_bytes_in_order_across_frames(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = framed_pair(&fx)?;
    fx.send_all(c, b"abc")?;
    fx.send_all(c, b"defg")?;
    fx.send_all(c, b"hi")?;
    let mut got = Vec::new();
    for want in [2usize, 4, 3] {
        got.extend(fx.recv_exact(s, want)?);
    }
    expect_eq("bytes received", got, b"abcdefghi".to_vec())
}

fn framed_disconnect_data_round_trips_with_fd_close(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = framed_pair(&fx)?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_CLOSE)",
        w.event_select(s, Some(&ev), FD_CLOSE),
    )?;
    expect_ok(
        "WSPSendDisconnect with data",
        w.send_disconnect(c, Some(b"bye now")),
    )?;
    fx.wait_event("FD_CLOSE", &ev)?;
    let got = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(s, Some(&ev)))?;
    expect_eq("recorded", got.lNetworkEvents, FD_CLOSE)?;
    expect_eq("FD_CLOSE error", got.iErrorCode[FD_CLOSE_BIT], 0)?;
    let mut buf = [0u8; 8];
    let mut flags = 0;
    let n = expect_ok(
        "WSPRecv at the end",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
    )?;
    expect_eq("recv at the end", n, 0)?;
    let mut data = [0u8; 32];
    let n = expect_ok(
        "WSPRecvDisconnect",
        w.recv_disconnect(s, Some(&mut data[..])),
    )?;
    expect_eq("disconnect data", data[..n].to_vec(), b"bye now".to_vec())
}

fn framed_recv_disconnect_short_buffer_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = framed_pair(&fx)?;
    expect_ok(
        "WSPSendDisconnect with data",
        w.send_disconnect(c, Some(b"a long goodbye")),
    )?;
    let mut buf = [0u8; 8];
    let mut flags = 0;
    // Blocking: returns 0 once the DISCONNECT frame is in.
    expect_eq(
        "recv at the end",
        expect_ok("WSPRecv", w.recv(s, &mut [&mut buf[..]], &mut flags))?,
        0,
    )?;
    let mut small = [0u8; 4];
    expect_err(
        "WSPRecvDisconnect into 4 bytes",
        w.recv_disconnect(s, Some(&mut small[..])),
        WsaError::WSAEFAULT,
    )
}

fn leaf_socket(fx: &Fixture<'_>, af: i32) -> Step<SOCKET> {
    let s = expect_ok(
        "WSPSocket(UDP, multipoint leaf)",
        fx.w.socket(af, SOCK_DGRAM, IPPROTO_UDP, None, 0, LEAF),
    )?;
    Ok(fx.track(s))
}

fn join_leaf_multicast_v4_sender_reaches_receiver(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let r = leaf_socket(&fx, AF_INET)?;
    expect_ok(
        "WSPBind(0.0.0.0:0)",
        w.bind(
            r,
            &SockAddr::from_std(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)),
        ),
    )?;
    let port = fx.port_of(r)?;
    let group = SockAddr::from_std(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(239, 255, 77, 7)),
        port,
    ));
    let got = expect_ok(
        "WSPJoinLeaf(JL_RECEIVER_ONLY)",
        w.join_leaf(r, &group, None, None, None, None, JL_RECEIVER_ONLY),
    )?;
    expect_eq("returned socket (receiver)", got, r)?;
    let s = leaf_socket(&fx, AF_INET)?;
    fx.bind_loopback(s)?;
    let got = expect_ok(
        "WSPJoinLeaf(JL_SENDER_ONLY)",
        w.join_leaf(s, &group, None, None, None, None, JL_SENDER_ONLY),
    )?;
    expect_eq("returned socket (sender)", got, s)?;
    expect_eq(
        "WSPSend to the group",
        expect_ok("WSPSend", w.send(s, &[b"mcast"], 0))?,
        5,
    )?;
    let mut buf = [0u8; 16];
    let mut flags = 0;
    let n = expect_ok(
        "receiver WSPRecv",
        w.recv(r, &mut [&mut buf[..]], &mut flags),
    )?;
    expect_eq("datagram", buf[..n].to_vec(), b"mcast".to_vec())
}

fn join_leaf_multicast_v6_returns_the_same_socket(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let r = leaf_socket(&fx, AF_INET6)?;
    let group = SockAddr::from_std(SocketAddr::new(
        IpAddr::V6(Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0x77, 7)),
        5007,
    ));
    let got = expect_ok(
        "WSPJoinLeaf(JL_BOTH, ff15::77:7)",
        w.join_leaf(r, &group, None, None, None, None, JL_BOTH),
    )?;
    expect_eq("returned socket", got, r)
}

fn v4_group(port: u16) -> SockAddr {
    SockAddr::from_std(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(239, 255, 77, 8)),
        port,
    ))
}

fn join_leaf_twice_gives_wsaeisconn(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = leaf_socket(&fx, AF_INET)?;
    expect_ok(
        "WSPJoinLeaf",
        w.join_leaf(s, &v4_group(5008), None, None, None, None, JL_SENDER_ONLY),
    )?;
    expect_err(
        "second WSPJoinLeaf",
        w.join_leaf(s, &v4_group(5009), None, None, None, None, JL_SENDER_ONLY),
        WsaError::WSAEISCONN,
    )
}

fn join_leaf_bad_flags_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = leaf_socket(&fx, AF_INET)?;
    expect_err(
        "WSPJoinLeaf(dwFlags = 0x10)",
        w.join_leaf(s, &v4_group(5010), None, None, None, None, 0x10),
        WsaError::WSAEINVAL,
    )
}

fn join_leaf_on_tcp_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPJoinLeaf on TCP",
        w.join_leaf(s, &v4_group(5011), None, None, None, None, JL_BOTH),
        WsaError::WSAEINVAL,
    )
}

fn join_leaf_without_leaf_flags_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    expect_err(
        "WSPJoinLeaf on a plain UDP socket",
        w.join_leaf(s, &v4_group(5012), None, None, None, None, JL_BOTH),
        WsaError::WSAEINVAL,
    )
}

fn join_leaf_unicast_address_gives_wsaeaddrnotavail(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = leaf_socket(&fx, AF_INET)?;
    expect_err(
        "WSPJoinLeaf(127.0.0.1:5013)",
        w.join_leaf(s, &v4(5013), None, None, None, None, JL_BOTH),
        WsaError::WSAEADDRNOTAVAIL,
    )
}

fn duplicate(fx: &Fixture<'_>, s: SOCKET) -> Step<(WSAPROTOCOL_INFOW, SOCKET)> {
    let w = fx.w;
    let info = expect_ok(
        "WSPDuplicateSocket",
        w.duplicate_socket(s, std::process::id()),
    )?;
    let d = expect_ok(
        "WSPSocket(FROM_PROTOCOL_INFO)",
        w.socket(
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            Some(&info),
            0,
            0,
        ),
    )?;
    Ok((info, fx.track(d)))
}

fn duplicate_socket_info_is_usable_once(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    let (info, _) = duplicate(&fx, c)?;
    let again = w.socket(
        FROM_PROTOCOL_INFO,
        FROM_PROTOCOL_INFO,
        FROM_PROTOCOL_INFO,
        Some(&info),
        0,
        0,
    );
    if let Ok(s) = again {
        fx.track(s);
    }
    expect_err("second WSPSocket from one info", again, WsaError::WSAEINVAL)
}

fn duplicate_socket_descriptors_have_their_own_selection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let (_, d) = duplicate(&fx, s)?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(duplicate, FD_READ)",
        w.event_select(d, Some(&ev), FD_READ),
    )?;
    fx.send_all(c, b"x")?;
    fx.wait_event("FD_READ on the duplicate", &ev)?;
    let got = expect_ok(
        "WSPEnumNetworkEvents(duplicate)",
        w.enum_network_events(d, Some(&ev)),
    )?;
    expect_eq("duplicate's record", got.lNetworkEvents, FD_READ)?;
    let got = expect_ok(
        "WSPEnumNetworkEvents(original)",
        w.enum_network_events(s, None),
    )?;
    expect_eq("original's record", got.lNetworkEvents, 0)
}

fn duplicate_socket_last_close_closes_the_connection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let (_, d) = duplicate(&fx, c)?;
    fx.close(c)?;
    fx.send_all(d, b"still here")?;
    expect_eq(
        "data after closing the original",
        fx.recv_exact(s, 10)?,
        b"still here".to_vec(),
    )?;
    fx.close(d)?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    let n = expect_ok("peer WSPRecv", w.recv(s, &mut [&mut buf[..]], &mut flags))?;
    expect_eq("peer reads the end", n, 0)
}

fn join_leaf_overlapped_send_reaches_the_group(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let r = leaf_socket(&fx, AF_INET)?;
    expect_ok(
        "WSPBind(0.0.0.0:0)",
        w.bind(
            r,
            &SockAddr::from_std(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)),
        ),
    )?;
    let port = fx.port_of(r)?;
    let group = SockAddr::from_std(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(239, 255, 77, 9)),
        port,
    ));
    expect_ok(
        "WSPJoinLeaf(JL_RECEIVER_ONLY)",
        w.join_leaf(r, &group, None, None, None, None, JL_RECEIVER_ONLY),
    )?;
    let s = fx.track(expect_ok(
        "WSPSocket(UDP, multipoint leaf, overlapped)",
        w.socket(
            AF_INET,
            SOCK_DGRAM,
            IPPROTO_UDP,
            None,
            0,
            LEAF | WSA_FLAG_OVERLAPPED,
        ),
    )?);
    fx.bind_loopback(s)?;
    expect_ok(
        "WSPJoinLeaf(JL_SENDER_ONLY)",
        w.join_leaf(s, &group, None, None, None, None, JL_SENDER_ONLY),
    )?;
    let issued = expect_ok(
        "WSPSend(overlapped) to the group",
        w.send_overlapped(
            s,
            Box::new(b"ovmcast".to_vec()),
            0,
            wsp::overlapped::Overlapped::new(0x9000),
        ),
    )?;
    let done = issued
        .op
        .wait(&wsp::sync::RealTime, Some(BOUND))
        .ok_or_else(|| Outcome::Fail("overlapped send did not complete".into()))?;
    expect_eq("send error", done.error, None)?;
    expect_eq("bytes sent", done.bytes, 7)?;
    let mut buf = [0u8; 16];
    let mut flags = 0;
    let n = expect_ok(
        "receiver WSPRecv",
        w.recv(r, &mut [&mut buf[..]], &mut flags),
    )?;
    expect_eq("datagram", buf[..n].to_vec(), b"ovmcast".to_vec())
}
