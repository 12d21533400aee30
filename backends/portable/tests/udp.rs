//! UDP over loopback: datagrams, truncation, source addresses, vectored I/O.

mod util;

use util::*;
use wsp::net::{HostFamily, HostKind, IoFlags, Net, Readiness};
use wsp::WsaError;

const NONE: IoFlags = IoFlags {
    peek: false,
    oob: false,
    dontroute: false,
};

#[test]
fn truncated_datagram_reports_truncation_and_source() {
    let (net, rec) = setup();
    let a = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    let b = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    net.bind(a, loopback(HostFamily::V4)).unwrap();
    net.bind(b, loopback(HostFamily::V4)).unwrap();
    net.register(b, 5).unwrap();
    let to = net.local_addr(b).unwrap();

    assert_would_block(net.recv(b, &mut [&mut [0u8; 4]], NONE));
    assert_eq!(net.send(a, &[b"0123456789"], Some(to), NONE).unwrap(), 10);
    rec.expect(5, Readiness::READABLE);
    #[cfg(target_os = "linux")]
    assert_eq!(net.pending_bytes(b).unwrap(), 10);
    #[cfg(not(target_os = "linux"))]
    assert!(net.pending_bytes(b).unwrap() >= 10);

    let mut buf = [0u8; 4];
    let got = net.recv(b, &mut [&mut buf], NONE).unwrap();
    assert_eq!(got.bytes, 4);
    assert!(got.truncated);
    assert_eq!(got.from, Some(net.local_addr(a).unwrap()));
    assert_eq!(&buf, b"0123");
    // The rest of the datagram was discarded.
    assert_would_block(net.recv(b, &mut [&mut buf], NONE));
}

#[test]
fn peek_of_a_datagram_keeps_it() {
    let (net, rec) = setup();
    let a = net.open(HostFamily::V6, HostKind::Datagram).unwrap();
    let b = net.open(HostFamily::V6, HostKind::Datagram).unwrap();
    net.bind(a, loopback(HostFamily::V6)).unwrap();
    net.bind(b, loopback(HostFamily::V6)).unwrap();
    net.register(b, 6).unwrap();
    net.send(a, &[b"peekaboo"], Some(net.local_addr(b).unwrap()), NONE)
        .unwrap();
    rec.expect(6, Readiness::READABLE);
    let peek = IoFlags { peek: true, ..NONE };
    let mut small = [0u8; 4];
    let got = net.recv(b, &mut [&mut small], peek).unwrap();
    assert_eq!((got.bytes, got.truncated), (4, true));
    let mut whole = [0u8; 16];
    let got = net.recv(b, &mut [&mut whole], NONE).unwrap();
    assert_eq!((got.bytes, got.truncated), (8, false));
    assert_eq!(&whole[..8], b"peekaboo");
    assert_eq!(got.from, Some(net.local_addr(a).unwrap()));
}

#[test]
fn connected_datagram_vectored_over_three_buffers() {
    let (net, rec) = setup();
    let a = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    let b = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    net.bind(a, loopback(HostFamily::V4)).unwrap();
    net.bind(b, loopback(HostFamily::V4)).unwrap();
    net.register(b, 7).unwrap();
    // Connecting a datagram socket only sets its default peer; it completes at once.
    net.connect(a, net.local_addr(b).unwrap()).unwrap();
    assert_eq!(net.peer_addr(a).unwrap(), net.local_addr(b).unwrap());

    assert_eq!(
        net.send(a, &[b"one", b"two", b"three"], None, NONE)
            .unwrap(),
        11
    );
    rec.expect(7, Readiness::READABLE);
    let (mut x, mut y, mut z) = ([0u8; 4], [0u8; 4], [0u8; 4]);
    let got = net.recv(b, &mut [&mut x, &mut y, &mut z], NONE).unwrap();
    assert_eq!((got.bytes, got.truncated), (11, false));
    assert_eq!((&x, &y, &z[..3]), (b"onet", b"woth", &b"ree"[..]));
}

#[test]
fn send_without_destination_is_refused() {
    let (net, _rec) = setup();
    let a = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    let err = net.send(a, &[b"x"], None, NONE).unwrap_err();
    assert!(
        matches!(err, WsaError::WSAEDESTADDRREQ | WsaError::WSAENOTCONN),
        "{err:?}"
    );
}
