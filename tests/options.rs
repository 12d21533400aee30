//! Options, ioctls, QoS templates, cancel and linger over the portable backend.
//!
//! Each test names its source: "wine" = Wine's dlls/ws2_32/tests/sock.c, which runs on
//! Windows (`test_set_getsockopt` and its `test_optsize` table, `test_reuseaddr`); a page =
//! the Microsoft page cited in src/engine/options.rs or ioctl.rs.

mod util;

use util::*;
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};

fn get(p: &impl Wsp, s: SOCKET, level: i32, name: i32, len: usize) -> Result<Vec<u8>, WsaError> {
    let mut buf = vec![0xEFu8, 0xBE, 0xAD, 0xDE];
    buf.resize(len.max(4), 0xAA);
    let n = p.get_sock_opt(s, level, name, &mut buf[..len])?;
    buf.truncate(n.max(len.min(4)));
    buf.truncate(n);
    Ok(buf)
}

fn get_u32(p: &impl Wsp, s: SOCKET, level: i32, name: i32) -> u32 {
    let v = get(p, s, level, name, 4).unwrap();
    let mut w = [0u8; 4];
    w[..v.len()].copy_from_slice(&v);
    u32::from_le_bytes(w)
}

fn set_u32(p: &impl Wsp, s: SOCKET, level: i32, name: i32, v: u32) -> Result<(), WsaError> {
    p.set_sock_opt(s, level, name, &v.to_le_bytes())
}

fn tcp(p: &impl Wsp) -> SOCKET {
    p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap()
}
fn udp(p: &impl Wsp) -> SOCKET {
    p.socket(AF_INET, SOCK_DGRAM, 0, None, 0, 0).unwrap()
}
fn tcp6(p: &impl Wsp) -> SOCKET {
    p.socket(AF_INET6, SOCK_STREAM, 0, None, 0, 0).unwrap()
}
fn udp6(p: &impl Wsp) -> SOCKET {
    p.socket(AF_INET6, SOCK_DGRAM, 0, None, 0, 0).unwrap()
}

// ---- set then get, one per option ------------------------------------------------------

#[test]
fn sol_socket_bools_round_trip_wine() {
    let p = provider();
    for (s, name) in [
        (udp(&p), SO_BROADCAST),
        (tcp(&p), SO_OOBINLINE),
        (tcp(&p), SO_REUSEADDR),
        (tcp(&p), SO_EXCLUSIVEADDRUSE),
        (tcp(&p), SO_KEEPALIVE),
        (tcp(&p), SO_DONTROUTE),
        (tcp(&p), SO_DEBUG),
        (tcp(&p), SO_CONDITIONAL_ACCEPT),
    ] {
        assert_eq!(get_u32(&p, s, SOL_SOCKET, name), 0, "{name:#x} default");
        set_u32(&p, s, SOL_SOCKET, name, 1).unwrap();
        assert_eq!(get_u32(&p, s, SOL_SOCKET, name), 1, "{name:#x}");
        set_u32(&p, s, SOL_SOCKET, name, 0).unwrap();
        assert_eq!(get_u32(&p, s, SOL_SOCKET, name), 0, "{name:#x}");
    }
}

#[test]
fn sol_socket_bool_lengths_wine_test_optsize() {
    // SO_BROADCAST: {1, 1, 4} bytes reported for lengths 1, 2, 4; 2 bytes written for 2.
    let p = provider();
    let s = udp(&p);
    set_u32(&p, s, SOL_SOCKET, SO_BROADCAST, 1).unwrap();
    assert_eq!(get(&p, s, SOL_SOCKET, SO_BROADCAST, 1).unwrap(), [1]);
    let mut buf = [0xEF, 0xBE, 0xAD, 0xDE];
    assert_eq!(
        p.get_sock_opt(s, SOL_SOCKET, SO_BROADCAST, &mut buf[..2]),
        Ok(1)
    );
    assert_eq!(u32::from_le_bytes(buf), 0xdead0001);
    assert_eq!(
        get(&p, s, SOL_SOCKET, SO_BROADCAST, 4).unwrap(),
        [1, 0, 0, 0]
    );
    // Set with one byte, and with 0x100 (read as TRUE), and with length 0 (accepted).
    p.set_sock_opt(s, SOL_SOCKET, SO_BROADCAST, &[0]).unwrap();
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_BROADCAST), 0);
    set_u32(&p, s, SOL_SOCKET, SO_BROADCAST, 0x100).unwrap();
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_BROADCAST), 1);
    assert_eq!(p.set_sock_opt(s, SOL_SOCKET, SO_BROADCAST, &[]), Ok(()));
    assert_err(get(&p, s, SOL_SOCKET, SO_BROADCAST, 0), WsaError::WSAEFAULT);
}

#[test]
fn one_byte_booleans_wine_test_optsize() {
    // SO_KEEPALIVE, SO_DONTROUTE, TCP_NODELAY, IPV6_V6ONLY: always 1 byte back; set reads
    // the first byte only (0x100 is FALSE); length 0 is WSAEFAULT.
    let p = provider();
    for (s, level, name) in [
        (tcp(&p), SOL_SOCKET, SO_KEEPALIVE),
        (tcp(&p), SOL_SOCKET, SO_DONTROUTE),
        (tcp(&p), IPPROTO_TCP, TCP_NODELAY),
        (udp6(&p), IPPROTO_IPV6, IPV6_V6ONLY),
    ] {
        p.set_sock_opt(s, level, name, &[1]).unwrap();
        let mut buf = [0xEF, 0xBE, 0xAD, 0xDE];
        assert_eq!(p.get_sock_opt(s, level, name, &mut buf), Ok(1), "{name:#x}");
        assert_eq!(u32::from_le_bytes(buf), 0xdeadbe01, "{name:#x}");
        set_u32(&p, s, level, name, 0x100).unwrap();
        assert_eq!(get(&p, s, level, name, 4).unwrap(), [0], "{name:#x}");
        // TCP_NODELAY: "optlen doesn't matter on windows" (42 bytes accepted).
        let mut big = [0u8; 42];
        big[0] = 1;
        p.set_sock_opt(s, level, name, &big).unwrap();
        assert_eq!(get(&p, s, level, name, 4).unwrap(), [1], "{name:#x}");
        assert_err(p.set_sock_opt(s, level, name, &[]), WsaError::WSAEFAULT);
    }
}

#[test]
fn ipv6_v6only_is_on_by_default_ipv6_socket_options_page() {
    let p = provider();
    assert_eq!(
        get(&p, tcp6(&p), IPPROTO_IPV6, IPV6_V6ONLY, 4).unwrap(),
        [1]
    );
    assert_eq!(
        get(&p, udp6(&p), IPPROTO_IPV6, IPV6_V6ONLY, 4).unwrap(),
        [1]
    );
}

#[test]
fn buffers_report_what_was_set_wine() {
    // Windows reports 4096 after setting 4096, and 0 after 0 (Linux would double).
    let p = provider();
    let s = tcp(&p);
    for name in [SO_SNDBUF, SO_RCVBUF] {
        set_u32(&p, s, SOL_SOCKET, name, 4096).unwrap();
        assert_eq!(get_u32(&p, s, SOL_SOCKET, name), 4096);
        set_u32(&p, s, SOL_SOCKET, name, 0).unwrap();
        assert_eq!(get_u32(&p, s, SOL_SOCKET, name), 0);
        // Short get: WSAEFAULT with the buffer zeroed.
        let mut buf = [0xEF, 0xBE, 0xAD, 0xDE];
        assert_err(
            p.get_sock_opt(s, SOL_SOCKET, name, &mut buf[..2]),
            WsaError::WSAEFAULT,
        );
        assert_eq!(u32::from_le_bytes(buf), 0xdead0000);
        assert_err(
            p.set_sock_opt(s, SOL_SOCKET, name, &[1, 0]),
            WsaError::WSAEFAULT,
        );
    }
}

#[test]
fn timeouts_round_trip_and_short_lengths_fail_wine() {
    let p = provider();
    let s = tcp(&p);
    set_u32(&p, s, SOL_SOCKET, SO_RCVTIMEO, 63000).unwrap();
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_RCVTIMEO), 63000);
    set_u32(&p, s, SOL_SOCKET, SO_SNDTIMEO, 997000).unwrap();
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_SNDTIMEO), 997000);
    // Short buffers: WSAEFAULT, the buffer untouched.
    let mut buf = [0xEF, 0xBE, 0xAD, 0xDE];
    assert_err(
        p.get_sock_opt(s, SOL_SOCKET, SO_RCVTIMEO, &mut buf[..1]),
        WsaError::WSAEFAULT,
    );
    assert_eq!(u32::from_le_bytes(buf), 0xdeadbeef);
    assert_err(
        p.set_sock_opt(s, SOL_SOCKET, SO_SNDTIMEO, &[1]),
        WsaError::WSAEFAULT,
    );
}

#[test]
fn linger_round_trips_with_u_short_fields_wine() {
    let p = provider();
    let s = tcp(&p);
    for (on, secs) in [(0u16, 0u16), (0, 73), (1, 0), (5, 189)] {
        let mut v = on.to_le_bytes().to_vec();
        v.extend_from_slice(&secs.to_le_bytes());
        p.set_sock_opt(s, SOL_SOCKET, SO_LINGER, &v).unwrap();
        assert_eq!(get(&p, s, SOL_SOCKET, SO_LINGER, 4).unwrap(), v);
        assert_eq!(
            get_u32(&p, s, SOL_SOCKET, SO_DONTLINGER),
            u32::from(on == 0)
        );
    }
    // SO_DONTLINGER FALSE turns l_onoff on, keeping l_linger.
    set_u32(&p, s, SOL_SOCKET, SO_DONTLINGER, 0).unwrap();
    assert_eq!(
        get(&p, s, SOL_SOCKET, SO_LINGER, 4).unwrap(),
        [1, 0, 189, 0]
    );
    let mut buf = [0xEF, 0xBE, 0xAD, 0xDE];
    assert_err(
        p.get_sock_opt(s, SOL_SOCKET, SO_LINGER, &mut buf[..1]),
        WsaError::WSAEFAULT,
    );
    assert_eq!(u32::from_le_bytes(buf), 0xdeadbe00);
    assert_err(
        p.set_sock_opt(s, SOL_SOCKET, SO_LINGER, &[]),
        WsaError::WSAEFAULT,
    );
}

#[test]
fn stream_only_and_datagram_only_options_setsockopt_page() {
    let p = provider();
    assert_err(
        set_u32(&p, tcp(&p), SOL_SOCKET, SO_BROADCAST, 1),
        WsaError::WSAENOPROTOOPT,
    );
    for name in [SO_DONTLINGER, SO_KEEPALIVE, SO_OOBINLINE] {
        assert_err(
            set_u32(&p, udp(&p), SOL_SOCKET, name, 1),
            WsaError::WSAENOPROTOOPT,
        );
    }
    assert_err(
        p.set_sock_opt(udp(&p), SOL_SOCKET, SO_LINGER, &[1, 0, 1, 0]),
        WsaError::WSAENOPROTOOPT,
    );
}

#[test]
fn error_is_stored_and_read_wine() {
    let p = provider();
    let s = tcp(&p);
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_ERROR), 0);
    set_u32(&p, s, SOL_SOCKET, SO_ERROR, 1234).unwrap();
    assert_err(get(&p, s, SOL_SOCKET, SO_ERROR, 1), WsaError::WSAEFAULT);
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_ERROR), 1234);
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_ERROR), 0, "read and cleared");
}

#[test]
fn error_after_refused_connect_sol_socket_page() {
    let p = provider();
    // A port nobody listens on: bind a socket, note its port, close it.
    let l = tcp(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    let mut a = SockAddr::default();
    p.get_sock_name(l, &mut a).unwrap();
    p.close_socket(l).unwrap();
    let c = tcp(&p);
    assert_err(
        p.connect(c, &a, None, None, None, None),
        WsaError::WSAECONNREFUSED,
    );
    assert_eq!(get_u32(&p, c, SOL_SOCKET, SO_ERROR), 10061);
    assert_eq!(get_u32(&p, c, SOL_SOCKET, SO_ERROR), 0);
}

#[test]
fn read_only_facts_sol_socket_page() {
    let p = provider();
    let (c, s, l) = pair(&p);
    let u = udp(&p);
    assert_eq!(get_u32(&p, c, SOL_SOCKET, SO_TYPE), SOCK_STREAM as u32);
    assert_eq!(get_u32(&p, u, SOL_SOCKET, SO_TYPE), SOCK_DGRAM as u32);
    assert_eq!(get_u32(&p, l, SOL_SOCKET, SO_ACCEPTCONN), 1);
    assert_eq!(get_u32(&p, c, SOL_SOCKET, SO_ACCEPTCONN), 0);
    assert_eq!(get_u32(&p, u, SOL_SOCKET, SO_MAX_MSG_SIZE), 0xffbb);
    assert_eq!(get_u32(&p, c, SOL_SOCKET, SO_GROUP_ID), 0);
    // SO_CONNECT_TIME: 0xFFFFFFFF unconnected, seconds (0 here) once connected.
    assert_eq!(get_u32(&p, l, SOL_SOCKET, SO_CONNECT_TIME), 0xFFFF_FFFF);
    assert_eq!(get_u32(&p, s, SOL_SOCKET, SO_CONNECT_TIME), 0);
    // Get-only options refuse a set.
    assert_err(
        set_u32(&p, c, SOL_SOCKET, SO_TYPE, 2),
        WsaError::WSAENOPROTOOPT,
    );
    set_u32(&p, c, SOL_SOCKET, SO_GROUP_PRIORITY, 7).unwrap();
    assert_eq!(get_u32(&p, c, SOL_SOCKET, SO_GROUP_PRIORITY), 7);
}

#[test]
fn protocol_info_from_the_catalog_wine() {
    let p = provider();
    let s = udp(&p);
    let mut small = vec![0u8; 314];
    assert_err(
        p.get_sock_opt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, &mut small),
        WsaError::WSAEFAULT,
    );
    let mut buf = vec![0u8; 628];
    assert_eq!(
        p.get_sock_opt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, &mut buf),
        Ok(628)
    );
    let at = |o: usize| i32::from_le_bytes([buf[o], buf[o + 1], buf[o + 2], buf[o + 3]]);
    assert_eq!(at(76), AF_INET);
    assert_eq!(at(88), SOCK_DGRAM);
    assert_eq!(at(92), IPPROTO_UDP);
    let mut a = vec![0u8; 372 * 2];
    assert_eq!(
        p.get_sock_opt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, &mut a),
        Ok(744)
    );
    assert_eq!(&a[116..119], b"WSP");
}

#[test]
fn reuseaddr_and_exclusiveaddruse_exclude_each_other_wine_test_reuseaddr() {
    let p = provider();
    let s = tcp(&p);
    set_u32(&p, s, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
    assert_err(
        set_u32(&p, s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1),
        WsaError::WSAEINVAL,
    );
    set_u32(&p, s, SOL_SOCKET, SO_REUSEADDR, 0).unwrap();
    set_u32(&p, s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1).unwrap();
    assert_err(
        set_u32(&p, s, SOL_SOCKET, SO_REUSEADDR, 1),
        WsaError::WSAEINVAL,
    );
}

#[test]
fn reuseaddr_on_both_lets_the_second_bind_succeed_wine_test_reuseaddr() {
    let p = provider();
    let a = tcp(&p);
    set_u32(&p, a, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
    p.bind(a, &any_port(AF_INET)).unwrap();
    let mut addr = SockAddr::default();
    p.get_sock_name(a, &mut addr).unwrap();
    let b = tcp(&p);
    assert_err(p.bind(b, &addr), WsaError::WSAEADDRINUSE);
    let b = tcp(&p);
    set_u32(&p, b, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
    p.bind(b, &addr).unwrap();
}

#[test]
fn tcp_options_round_trip_ipproto_tcp_page() {
    let p = provider();
    let s = tcp(&p);
    set_u32(&p, s, IPPROTO_TCP, TCP_KEEPALIVE, 3600).unwrap();
    assert_eq!(get_u32(&p, s, IPPROTO_TCP, TCP_KEEPALIVE), 3600);
    set_u32(&p, s, IPPROTO_TCP, TCP_KEEPCNT, 5).unwrap();
    assert_eq!(get_u32(&p, s, IPPROTO_TCP, TCP_KEEPCNT), 5);
    set_u32(&p, s, IPPROTO_TCP, TCP_KEEPINTVL, 5).unwrap();
    assert_eq!(get_u32(&p, s, IPPROTO_TCP, TCP_KEEPINTVL), 5);
    // Wine test_optsize: TCP_KEEPCNT refuses 0x100 (WSAEINVAL); DWORDs need 4 bytes.
    assert_err(
        set_u32(&p, s, IPPROTO_TCP, TCP_KEEPCNT, 0x100),
        WsaError::WSAEINVAL,
    );
    assert_err(
        p.set_sock_opt(s, IPPROTO_TCP, TCP_KEEPALIVE, &[1]),
        WsaError::WSAEFAULT,
    );
    assert_err(
        get(&p, s, IPPROTO_TCP, TCP_KEEPALIVE, 2),
        WsaError::WSAEFAULT,
    );
    // Not for UDP sockets.
    assert_err(
        set_u32(&p, udp(&p), IPPROTO_TCP, TCP_NODELAY, 1),
        WsaError::WSAENOPROTOOPT,
    );
}

#[test]
fn small_ip_integers_wine_test_optsize() {
    let p = provider();
    for (s, level, name) in [
        (udp(&p), IPPROTO_IP, IP_TTL),
        (udp(&p), IPPROTO_IP, IP_TOS),
        (udp(&p), IPPROTO_IP, IP_MULTICAST_TTL),
        (udp6(&p), IPPROTO_IPV6, IPV6_UNICAST_HOPS),
        (udp6(&p), IPPROTO_IPV6, IPV6_MULTICAST_HOPS),
    ] {
        set_u32(&p, s, level, name, 32).unwrap();
        assert_eq!(get_u32(&p, s, level, name), 32, "{name}");
        assert_eq!(get(&p, s, level, name, 2).unwrap(), [32], "{name}");
        assert_err(set_u32(&p, s, level, name, 0x100), WsaError::WSAEINVAL);
        assert_err(p.set_sock_opt(s, level, name, &[]), WsaError::WSAEFAULT);
    }
    // IP_MULTICAST_TTL takes 1..4 bytes as a little-endian integer.
    let s = udp(&p);
    p.set_sock_opt(
        s,
        IPPROTO_IP,
        IP_MULTICAST_TTL,
        &[0x0a, 0xff, 0xff, 0xff][..1],
    )
    .unwrap();
    assert_eq!(get_u32(&p, s, IPPROTO_IP, IP_MULTICAST_TTL), 0x0a);
    p.set_sock_opt(s, IPPROTO_IP, IP_MULTICAST_TTL, &[0x0b, 0x00])
        .unwrap();
    assert_eq!(get_u32(&p, s, IPPROTO_IP, IP_MULTICAST_TTL), 0x0b);
}

#[test]
fn ip_bools_and_dontfragment_defaults_wine() {
    let p = provider();
    let u = udp(&p);
    assert_eq!(get_u32(&p, u, IPPROTO_IP, IP_DONTFRAGMENT), 0);
    set_u32(&p, u, IPPROTO_IP, IP_DONTFRAGMENT, 0xdead).unwrap();
    assert_eq!(get_u32(&p, u, IPPROTO_IP, IP_DONTFRAGMENT), 1);
    assert_eq!(get_u32(&p, tcp(&p), IPPROTO_IP, IP_DONTFRAGMENT), 1);
    assert_eq!(get_u32(&p, udp6(&p), IPPROTO_IPV6, IPV6_DONTFRAG), 0);
    for (s, level, name) in [
        (udp(&p), IPPROTO_IP, IP_MULTICAST_LOOP),
        (udp6(&p), IPPROTO_IPV6, IPV6_MULTICAST_LOOP),
    ] {
        set_u32(&p, s, level, name, 0).unwrap();
        assert_eq!(get_u32(&p, s, level, name), 0);
        set_u32(&p, s, level, name, 0x100).unwrap();
        assert_eq!(get_u32(&p, s, level, name), 1);
    }
}

#[test]
fn hdrincl_is_einval_on_tcp_and_udp_wine() {
    let p = provider();
    for s in [tcp(&p), udp(&p)] {
        assert_err(
            set_u32(&p, s, IPPROTO_IP, IP_HDRINCL, 1),
            WsaError::WSAEINVAL,
        );
        assert_err(get(&p, s, IPPROTO_IP, IP_HDRINCL, 4), WsaError::WSAEINVAL);
    }
}

#[test]
fn multicast_membership_ip_socket_options_page() {
    let p = provider();
    let s = udp(&p);
    p.bind(s, &any_port(AF_INET)).unwrap();
    let mreq = [239, 1, 2, 3, 127, 0, 0, 1];
    p.set_sock_opt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq)
        .unwrap();
    p.set_sock_opt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq)
        .unwrap();
    assert_err(
        p.set_sock_opt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq[..4]),
        WsaError::WSAEFAULT,
    );
    assert_err(
        get(&p, s, IPPROTO_IP, IP_ADD_MEMBERSHIP, 8),
        WsaError::WSAENOPROTOOPT,
    );
    assert_err(
        p.set_sock_opt(tcp(&p), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq),
        WsaError::WSAENOPROTOOPT,
    );
}

#[test]
fn bad_level_is_einval_and_bad_name_enoprotoopt_wine() {
    let p = provider();
    let s = tcp(&p);
    assert_err(set_u32(&p, s, -1, SO_RCVTIMEO, 1), WsaError::WSAEINVAL);
    assert_err(set_u32(&p, s, 0x8000, SO_RCVTIMEO, 1), WsaError::WSAEINVAL);
    assert_err(get(&p, s, 0x8000, SO_RCVTIMEO, 4), WsaError::WSAEINVAL);
    assert_err(
        set_u32(&p, s, SOL_SOCKET, 0x4242, 1),
        WsaError::WSAENOPROTOOPT,
    );
    assert_err(get(&p, s, SOL_SOCKET, 0x4242, 4), WsaError::WSAENOPROTOOPT);
    assert_err(
        get(&p, 0xdead, SOL_SOCKET, SO_TYPE, 4),
        WsaError::WSAENOTSOCK,
    );
}

// ---- timeouts honoured -----------------------------------------------------------------

#[test]
fn rcvtimeo_gives_wsaetimedout_sol_socket_page() {
    let p = provider();
    let (c, _s, _l) = pair(&p);
    set_u32(&p, c, SOL_SOCKET, SO_RCVTIMEO, 50).unwrap();
    let mut b = [0u8; 4];
    let mut f = 0;
    assert_err(p.recv(c, &mut [&mut b], &mut f), WsaError::WSAETIMEDOUT);
}

// ---- ioctls ----------------------------------------------------------------------------

fn ioctl_u32(p: &impl Wsp, s: SOCKET, code: u32, v: u32) -> Result<usize, WsaError> {
    p.ioctl(s, code, &v.to_le_bytes(), &mut [])
}

fn ioctl_out(p: &impl Wsp, s: SOCKET, code: u32) -> u32 {
    let mut out = [0u8; 4];
    assert_eq!(p.ioctl(s, code, &[], &mut out), Ok(4));
    u32::from_le_bytes(out)
}

#[test]
fn fionbio_and_event_select_rule_wsaeventselect_page() {
    let p = provider();
    let s = tcp(&p);
    assert_eq!(ioctl_u32(&p, s, FIONBIO, 1), Ok(0));
    assert_eq!(ioctl_u32(&p, s, FIONBIO, 0), Ok(0));
    let ev = wsp::sync::Event::new();
    p.event_select(s, Some(&ev), FD_READ).unwrap();
    assert_err(ioctl_u32(&p, s, FIONBIO, 0), WsaError::WSAEINVAL);
    assert_err(p.ioctl(s, FIONBIO, &[1], &mut []), WsaError::WSAEFAULT);
}

#[test]
fn fionread_counts_stream_bytes_ioctlsocket_page() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    assert_eq!(ioctl_out(&p, s, FIONREAD), 0);
    p.send(c, &[b"hello"], 0).unwrap();
    // Wait for the bytes with a blocking peek, then count them.
    let mut b = [0u8; 5];
    let mut f = MSG_PEEK;
    while p.recv(s, &mut [&mut b], &mut f).unwrap() < 5 {
        f = MSG_PEEK;
    }
    assert_eq!(ioctl_out(&p, s, FIONREAD), 5);
    assert_err(
        p.ioctl(s, FIONREAD, &[], &mut [0u8; 3]),
        WsaError::WSAEFAULT,
    );
}

#[test]
fn siocatmark_is_true_without_oob_data_ioctlsocket_page() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    assert_eq!(ioctl_out(&p, s, SIOCATMARK), 1);
    p.send(c, &[b"ab"], 0).unwrap();
    p.send(c, &[b"!"], MSG_OOB).unwrap();
    // Wait until the urgent byte is there (a blocking 2-byte read of the normal data).
    let mut b = [0u8; 2];
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(s, &mut [&mut b], &mut f), Ok(2));
    let mut waiting = ioctl_out(&p, s, SIOCATMARK);
    let deadline = std::time::Instant::now() + GUARD;
    while waiting == 1 && std::time::Instant::now() < deadline {
        std::thread::yield_now();
        waiting = ioctl_out(&p, s, SIOCATMARK);
    }
    assert_eq!(waiting, 0, "OOB data waiting: FALSE");
    let mut o = [0u8; 1];
    let mut f = MSG_OOB;
    assert_eq!(p.recv(s, &mut [&mut o], &mut f), Ok(1));
    assert_eq!(ioctl_out(&p, s, SIOCATMARK), 1);
}

#[test]
fn keepalive_vals_sets_the_host_sio_keepalive_vals_page() {
    let p = provider();
    let s = tcp(&p);
    let mut v = Vec::new();
    for x in [1u32, 7000, 2000] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    assert_eq!(p.ioctl(s, SIO_KEEPALIVE_VALS, &v, &mut []), Ok(0));
    assert_eq!(get(&p, s, SOL_SOCKET, SO_KEEPALIVE, 4).unwrap(), [1]);
    assert_eq!(get_u32(&p, s, IPPROTO_TCP, TCP_KEEPALIVE), 7);
    assert_eq!(get_u32(&p, s, IPPROTO_TCP, TCP_KEEPINTVL), 2);
    assert_err(
        p.ioctl(s, SIO_KEEPALIVE_VALS, &v[..8], &mut []),
        WsaError::WSAEFAULT,
    );
    assert_err(
        p.ioctl(udp(&p), SIO_KEEPALIVE_VALS, &v, &mut []),
        WsaError::WSAEINVAL,
    );
}

#[test]
fn address_list_query_has_loopback_sio_address_list_query_page() {
    let p = provider();
    let s = udp(&p);
    let mut out = [0u8; 64];
    let n = p.ioctl(s, SIO_ADDRESS_LIST_QUERY, &[], &mut out).unwrap();
    assert_eq!(n, 8 + 16 + 16);
    assert_eq!(i32::from_le_bytes(out[..4].try_into().unwrap()), 1);
    let off = u64::from_le_bytes(out[8..16].try_into().unwrap()) as usize;
    assert_eq!(off, 24);
    assert_eq!(&out[off + 4..off + 8], &[127, 0, 0, 1]);
    assert_err(
        p.ioctl(s, SIO_ADDRESS_LIST_QUERY, &[], &mut out[..20]),
        WsaError::WSAEFAULT,
    );
}

#[test]
fn routing_interface_query_for_loopback_is_loopback_wsaioctl_page() {
    let p = provider();
    let s = udp(&p);
    let dest = SockAddr::from_std("127.0.0.1:9".parse().unwrap());
    let mut out = [0u8; 16];
    assert_eq!(
        p.ioctl(s, SIO_ROUTING_INTERFACE_QUERY, dest.as_bytes(), &mut out),
        Ok(16)
    );
    assert_eq!(&out[4..8], &[127, 0, 0, 1]);
    assert_err(
        p.ioctl(
            s,
            SIO_ROUTING_INTERFACE_QUERY,
            dest.as_bytes(),
            &mut out[..8],
        ),
        WsaError::WSAEFAULT,
    );
}

#[test]
fn change_notifications_would_block_when_non_blocking_sio_address_list_change_page() {
    let p = provider();
    let s = udp(&p);
    ioctl_u32(&p, s, FIONBIO, 1).unwrap();
    assert_err(
        p.ioctl(s, SIO_ADDRESS_LIST_CHANGE, &[], &mut []),
        WsaError::WSAEWOULDBLOCK,
    );
    assert_err(
        p.ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &[], &mut []),
        WsaError::WSAEWOULDBLOCK,
    );
}

#[test]
fn udp_connreset_on_tcp_is_einval_and_qos_ioctls_not_supported_wsaioctl_page() {
    let p = provider();
    assert_err(
        ioctl_u32(&p, tcp(&p), SIO_UDP_CONNRESET, 0),
        WsaError::WSAEINVAL,
    );
    assert_eq!(ioctl_u32(&p, udp(&p), SIO_UDP_CONNRESET, 0), Ok(0));
    assert_err(
        p.ioctl(udp(&p), SIO_GET_QOS, &[], &mut [0u8; 80]),
        WsaError::WSAEOPNOTSUPP,
    );
    assert_eq!(ioctl_u32(&p, udp(&p), SIO_MULTICAST_SCOPE, 4), Ok(0));
    assert_eq!(ioctl_u32(&p, udp(&p), SIO_MULTIPOINT_LOOPBACK, 0), Ok(0));
    assert_err(ioctl_u32(&p, tcp(&p), 0x1234_5678, 0), WsaError::WSAEINVAL);
}

#[test]
fn udp_connreset_off_drops_port_unreachable_sio_udp_connreset_page() {
    let p = provider();
    // A UDP port with nobody on it.
    let gone = udp(&p);
    p.bind(gone, &any_port(AF_INET)).unwrap();
    let mut dead = SockAddr::default();
    p.get_sock_name(gone, &mut dead).unwrap();
    p.close_socket(gone).unwrap();
    let s = udp(&p);
    p.connect(s, &dead, None, None, None, None).unwrap();
    ioctl_u32(&p, s, FIONBIO, 1).unwrap();
    ioctl_u32(&p, s, SIO_UDP_CONNRESET, 0).unwrap();
    p.send(s, &[b"x"], 0).unwrap();
    // The ICMP error arrives asynchronously; every receive must report would-block,
    // never WSAECONNRESET.
    let mut b = [0u8; 1];
    for _ in 0..50 {
        let mut f = 0;
        assert_err(p.recv(s, &mut [&mut b], &mut f), WsaError::WSAEWOULDBLOCK);
        std::thread::yield_now();
    }
}

// ---- QoS templates ---------------------------------------------------------------------

#[test]
fn qos_by_name_fills_templates_and_refuses_unknown_wspgetqosbyname_page() {
    let p = provider();
    let s = udp(&p);
    let mut q = Qos::default();
    p.get_qos_by_name(s, "G711", &mut q).unwrap();
    assert_eq!(q.sending.TokenRate, 10_000);
    assert_eq!(q.sending.ServiceType, SERVICETYPE_GUARANTEED);
    assert_eq!(q.sending, q.receiving);
    for name in wsp::qos::TEMPLATE_NAMES {
        p.get_qos_by_name(s, name, &mut q).unwrap();
    }
    assert_err(p.get_qos_by_name(s, "NOPE", &mut q), WsaError::WSAEINVAL);
    let mut names = [0u8; 256];
    let n = p.qos_template_names(s, &mut names).unwrap();
    let units: Vec<u16> = names[..n]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    assert!(text.starts_with("G711\0G723.1\0"));
    assert!(text.ends_with("H263CIF\0\0"));
}

// ---- cancel ----------------------------------------------------------------------------

#[test]
fn cancel_with_nothing_in_progress_is_einval_wspcancelblockingcall_page() {
    let p = provider();
    assert_err(p.cancel_blocking_call(), WsaError::WSAEINVAL);
    assert_err(
        p.cancel_blocking_calls_of(std::thread::current().id()),
        WsaError::WSAEINVAL,
    );
}

#[test]
fn cancelled_blocking_recv_returns_wsaeintr_wspcancelblockingcall_page() {
    let p = provider();
    let (c, _s, _l) = pair(&p);
    let p2 = p.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        tx.send(std::thread::current().id()).unwrap();
        let mut b = [0u8; 1];
        let mut f = 0;
        p2.recv(c, &mut [&mut b], &mut f)
    });
    let id = rx.recv().unwrap();
    // Retry until the thread is parked in the call (cancel says WSAEINVAL before that).
    let deadline = std::time::Instant::now() + GUARD;
    while p.cancel_blocking_calls_of(id).is_err() {
        assert!(std::time::Instant::now() < deadline);
        std::thread::yield_now();
    }
    assert_err(t.join().unwrap(), WsaError::WSAEINTR);
}

// ---- linger on close -------------------------------------------------------------------

#[test]
fn abortive_close_resets_the_peer_closesocket_page() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    p.set_sock_opt(c, SOL_SOCKET, SO_LINGER, &[1, 0, 0, 0])
        .unwrap();
    p.close_socket(c).unwrap();
    let mut b = [0u8; 4];
    let mut f = 0;
    assert_err(p.recv(s, &mut [&mut b], &mut f), WsaError::WSAECONNRESET);
}

#[test]
fn graceful_close_delivers_unsent_data_closesocket_page() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    p.send(c, &[b"bye"], 0).unwrap();
    p.close_socket(c).unwrap();
    let mut b = [0u8; 8];
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(s, &mut [&mut b[..3]], &mut f), Ok(3));
    assert_eq!(&b[..3], b"bye");
    let mut f = 0;
    assert_eq!(p.recv(s, &mut [&mut b], &mut f), Ok(0));
}

#[test]
fn non_blocking_linger_with_unsent_data_would_block_closesocket_page() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    // Fill the connection until a non-blocking send would block: data stays queued.
    set_u32(&p, s, SOL_SOCKET, SO_RCVBUF, 1024).unwrap();
    ioctl_u32(&p, c, FIONBIO, 1).unwrap();
    let chunk = [7u8; 65536];
    while p.send(c, &[&chunk], 0).is_ok() {}
    p.set_sock_opt(c, SOL_SOCKET, SO_LINGER, &[1, 0, 5, 0])
        .unwrap();
    assert_err(p.close_socket(c), WsaError::WSAEWOULDBLOCK);
    // Still open: the handle works.
    assert_eq!(get_u32(&p, c, SOL_SOCKET, SO_TYPE), SOCK_STREAM as u32);
    // Abortive close ends it at once.
    p.set_sock_opt(c, SOL_SOCKET, SO_LINGER, &[1, 0, 0, 0])
        .unwrap();
    p.close_socket(c).unwrap();
}

/// SO_CONNECT_TIME counts from the connection, on both ends, and an accepted socket
/// inherits the listener's engine-held options (here SO_LINGER). Source: the accept page
/// ("the newly created socket has the same properties as socket s") and the SOL_SOCKET
/// options page (SO_CONNECT_TIME is 0xFFFFFFFF until connected).
#[test]
fn accepted_socket_inherits_linger_and_both_ends_have_a_connect_time() {
    let p = provider();
    let (l, a) = listener(&p, AF_INET);
    let linger = [1u8, 0, 7, 0]; // l_onoff = 1, l_linger = 7
    p.set_sock_opt(l, SOL_SOCKET, SO_LINGER, &linger).unwrap();
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    let mut t = [0u8; 4];
    p.get_sock_opt(c, SOL_SOCKET, SO_CONNECT_TIME, &mut t)
        .unwrap();
    assert_eq!(u32::from_le_bytes(t), u32::MAX, "not connected yet");
    p.connect(c, &a, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    for h in [c, s] {
        p.get_sock_opt(h, SOL_SOCKET, SO_CONNECT_TIME, &mut t)
            .unwrap();
        assert_ne!(u32::from_le_bytes(t), u32::MAX, "socket {h:#x}");
    }
    let mut got = [0u8; 4];
    assert_eq!(
        p.get_sock_opt(s, SOL_SOCKET, SO_LINGER, &mut got).unwrap(),
        4
    );
    assert_eq!(got, linger);
}
