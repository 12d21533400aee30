//! Datagram sockets: whole datagrams, truncation, ICMP unreachable, multicast.

mod util;

use util::*;
use wsp::net::{HostFamily, HostKind, Net, Readiness};
use wsp::WsaError;

fn udp(sim: &wsp_sim::Sim, at: &str) -> wsp::net::HostSocket {
    let s = sim.open(HostFamily::V4, HostKind::Datagram).unwrap();
    sim.bind(s, addr(at)).unwrap();
    s
}

#[test]
fn datagrams_arrive_whole_and_truncate() {
    let (sim, rec) = sim(1);
    let a = udp(&sim, "127.0.0.1:4000");
    let b = udp(&sim, "127.0.0.1:4001");
    sim.register(b, 7).unwrap();
    rec.take();
    assert_eq!(
        sim.send(
            a,
            &[b"hello ", b"world"],
            Some(addr("127.0.0.1:4001")),
            NONE
        ),
        Ok(11)
    );
    sim.send(a, &[b"second"], Some(addr("127.0.0.1:4001")), NONE)
        .unwrap();
    assert!(rec.saw(7, Readiness::READABLE));
    assert_eq!(sim.pending_bytes(b).unwrap(), 11);
    let mut small = [0u8; 5];
    let got = sim.recv(b, &mut [&mut small], PEEK).unwrap();
    assert!(got.truncated);
    assert_eq!(got.from, Some(addr("127.0.0.1:4000")));
    let got = sim.recv(b, &mut [&mut small], NONE).unwrap();
    assert_eq!((got.bytes, got.truncated, &small), (5, true, b"hello"));
    // The rest of the first datagram is gone.
    let got = sim.recv(b, &mut [&mut [0u8; 64]], NONE).unwrap();
    assert_eq!((got.bytes, got.truncated), (6, false));
    assert_would_block(sim.recv(b, &mut [&mut small], NONE));
    // Empty datagrams exist.
    sim.send(a, &[], Some(addr("127.0.0.1:4001")), NONE)
        .unwrap();
    assert_eq!(sim.recv(b, &mut [&mut small], NONE).unwrap().bytes, 0);
}

#[test]
fn unconnected_send_needs_address_and_autobinds() {
    let (sim, _rec) = sim(1);
    let a = sim.open(HostFamily::V4, HostKind::Datagram).unwrap();
    assert_eq!(
        sim.send(a, &[b"x"], None, NONE),
        Err(WsaError::WSAEDESTADDRREQ)
    );
    // Nobody there, unconnected: silently lost, no error later.
    sim.send(a, &[b"x"], Some(addr("127.0.0.1:1")), NONE)
        .unwrap();
    assert_eq!(sim.local_addr(a).unwrap(), addr("0.0.0.0:49152"));
    assert_eq!(sim.take_error(a).unwrap(), None);
    assert_would_block(recv_n(&sim, a, 10));
    assert_eq!(
        sim.send(a, &[&vec![0; 70_000]], Some(addr("127.0.0.1:1")), NONE),
        Err(WsaError::WSAEMSGSIZE)
    );
}

#[test]
fn connected_udp_sees_port_unreachable() {
    let (sim, rec) = sim(1);
    let a = udp(&sim, "127.0.0.1:4100");
    sim.register(a, 9).unwrap();
    sim.connect(a, addr("127.0.0.1:4101")).unwrap();
    rec.take();
    sim.send(a, &[b"ping"], None, NONE).unwrap();
    assert!(rec.saw(9, Readiness::ERROR));
    assert_eq!(recv_n(&sim, a, 10), Err(WsaError::WSAECONNREFUSED));
    assert_would_block(recv_n(&sim, a, 10));
    sim.send(a, &[b"ping"], None, NONE).unwrap();
    assert_eq!(
        sim.send(a, &[b"ping"], None, NONE),
        Err(WsaError::WSAECONNREFUSED)
    );
}

#[test]
fn connected_udp_hears_only_its_peer() {
    let (sim, _rec) = sim(1);
    let a = udp(&sim, "127.0.0.1:4200");
    let b = udp(&sim, "127.0.0.1:4201");
    let other = udp(&sim, "127.0.0.1:4202");
    sim.connect(a, addr("127.0.0.1:4201")).unwrap();
    assert_eq!(sim.peer_addr(a).unwrap(), addr("127.0.0.1:4201"));
    sim.send(other, &[b"stranger"], Some(addr("127.0.0.1:4200")), NONE)
        .unwrap();
    sim.send(b, &[b"friend"], Some(addr("127.0.0.1:4200")), NONE)
        .unwrap();
    assert_eq!(recv_n(&sim, a, 64).unwrap(), b"friend");
    assert_would_block(recv_n(&sim, a, 64));
}

#[test]
fn multicast_members_receive() {
    let (sim, _rec) = sim(1);
    let m1 = udp(&sim, "0.0.0.0:5353");
    let m2 = sim.open(HostFamily::V4, HostKind::Datagram).unwrap();
    sim.bind(m2, addr("0.0.0.0:5354")).unwrap();
    let g = "239.1.2.3".parse().unwrap();
    sim.join_multicast(m1, g, None).unwrap();
    assert_eq!(
        sim.join_multicast(m1, g, None),
        Err(WsaError::WSAEADDRINUSE)
    );
    let tx = udp(&sim, "127.0.0.1:6000");
    sim.send(tx, &[b"hi group"], Some(addr("239.1.2.3:5353")), NONE)
        .unwrap();
    assert_eq!(recv_n(&sim, m1, 64).unwrap(), b"hi group");
    assert_would_block(recv_n(&sim, m2, 64));
    sim.leave_multicast(m1, g, None).unwrap();
    sim.send(tx, &[b"again"], Some(addr("239.1.2.3:5353")), NONE)
        .unwrap();
    assert_would_block(recv_n(&sim, m1, 64));
}
