//! TCP over loopback: connect, accept, send, receive, and the readiness reports between.

mod util;

use std::sync::{Arc, Condvar, Mutex, Weak};
use util::*;
use wsp::net::{
    HostFamily, HostKind, HostOpt, HostOptName, IoFlags, Net, Readiness, ReadinessSink,
};
use wsp::WsaError;
use wsp_portable::Portable;

const PEEK: IoFlags = IoFlags {
    peek: true,
    oob: false,
    dontroute: false,
};
const OOB: IoFlags = IoFlags {
    peek: false,
    oob: true,
    dontroute: false,
};
const NONE: IoFlags = IoFlags {
    peek: false,
    oob: false,
    dontroute: false,
};

#[test]
fn round_trip_reports_writable_readable_read_closed() {
    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);

    assert_eq!(net.send(p.client, &[b"hello"], None, NONE).unwrap(), 5);
    rec.expect(SERVER, Readiness::READABLE);
    let mut buf = [0u8; 16];
    let got = net.recv(p.server, &mut [&mut buf], NONE).unwrap();
    assert_eq!(&buf[..got.bytes], b"hello");
    assert!(!got.truncated);
    assert_eq!(got.from, None);
    assert_would_block(net.recv(p.server, &mut [&mut buf], NONE));

    // And back the other way.
    assert_eq!(net.send(p.server, &[b"world"], None, NONE).unwrap(), 5);
    rec.expect(CLIENT, Readiness::READABLE);
    assert_eq!(recv_vec(&net, p.client, 16, NONE), b"world");

    net.shutdown(p.client, 1).unwrap();
    rec.expect(SERVER, Readiness::READ_CLOSED | Readiness::READABLE);
    let got = net.recv(p.server, &mut [&mut buf], NONE).unwrap();
    assert_eq!(got.bytes, 0, "end of stream");
}

#[test]
fn round_trip_ipv6_with_v6only_readable() {
    let (net, rec) = setup();
    let s = net.open(HostFamily::V6, HostKind::Stream).unwrap();
    // The host default is readable (Linux: net.ipv6.bindv6only, usually off).
    assert!(matches!(
        net.get_opt(s, HostOptName::V6Only).unwrap(),
        HostOpt::V6Only(_)
    ));
    net.set_opt(s, HostOpt::V6Only(true)).unwrap();
    assert_eq!(
        net.get_opt(s, HostOptName::V6Only).unwrap(),
        HostOpt::V6Only(true)
    );
    net.close(s);

    let p = tcp_pair(&net, &rec, HostFamily::V6);
    assert!(net.local_addr(p.client).unwrap().is_ipv6());
    assert_eq!(net.send(p.client, &[b"six"], None, NONE).unwrap(), 3);
    rec.expect(SERVER, Readiness::READABLE);
    assert_eq!(recv_vec(&net, p.server, 8, NONE), b"six");
}

#[test]
fn connect_to_closed_port_is_refused_via_take_error() {
    let (net, rec) = setup();
    // A bound socket that does not listen: the host answers a SYN to it with a reset, and
    // keeping it open keeps the port from being taken by anyone else meanwhile.
    let closed = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.bind(closed, loopback(HostFamily::V4)).unwrap();
    let addr = net.local_addr(closed).unwrap();

    let c = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.register(c, CLIENT).unwrap();
    match net.connect(c, addr) {
        Err(WsaError::WSAEWOULDBLOCK) => {
            let r = rec.expect_any(CLIENT, Readiness::ERROR | Readiness::WRITABLE);
            assert!(
                r.intersects(Readiness::ERROR | Readiness::WRITABLE),
                "{r:?}"
            );
            assert_eq!(net.take_error(c).unwrap(), Some(WsaError::WSAECONNREFUSED));
            // Read and cleared.
            assert_eq!(net.take_error(c).unwrap(), None);
        }
        // Some hosts refuse a loopback connect synchronously.
        other => assert_eq!(other, Err(WsaError::WSAECONNREFUSED)),
    }
}

#[test]
fn vectored_send_and_recv_over_three_buffers() {
    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    let n = net
        .send(p.client, &[b"ab", b"cde", b"fghi"], None, NONE)
        .unwrap();
    assert_eq!(n, 9);
    rec.expect(SERVER, Readiness::READABLE);
    assert_eq!(net.pending_bytes(p.server).unwrap(), 9);
    let (mut a, mut b, mut c) = ([0u8; 3], [0u8; 3], [0u8; 3]);
    let got = net
        .recv(p.server, &mut [&mut a, &mut b, &mut c], NONE)
        .unwrap();
    assert_eq!(got.bytes, 9);
    assert_eq!((&a, &b, &c), (b"abc", b"def", b"ghi"));
    assert_eq!(net.pending_bytes(p.server).unwrap(), 0);
}

#[test]
fn peek_leaves_data_in_place() {
    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    net.send(p.client, &[b"xyz"], None, NONE).unwrap();
    rec.expect(SERVER, Readiness::READABLE);
    assert_eq!(recv_vec(&net, p.server, 8, PEEK), b"xyz");
    assert_eq!(recv_vec(&net, p.server, 8, PEEK), b"xyz");
    assert_eq!(net.pending_bytes(p.server).unwrap(), 3);
    assert_eq!(recv_vec(&net, p.server, 8, NONE), b"xyz");
    assert_eq!(net.pending_bytes(p.server).unwrap(), 0);
}

#[test]
fn oob_byte_and_mark() {
    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    net.send(p.client, &[b"ab"], None, NONE).unwrap();
    net.send(p.client, &[b"!"], None, OOB).unwrap();
    // Linux reports urgent data as PRIORITY; elsewhere it shows only as readable.
    #[cfg(target_os = "linux")]
    rec.expect(SERVER, Readiness::PRIORITY);
    #[cfg(not(target_os = "linux"))]
    rec.expect(SERVER, Readiness::READABLE);

    // Normal data lies before the mark.
    assert!(!net.at_oob_mark(p.server).unwrap());
    assert_eq!(recv_vec(&net, p.server, 1, OOB), b"!");
    // A normal receive stops at the mark.
    assert_eq!(recv_vec(&net, p.server, 8, NONE), b"ab");
    assert!(net.at_oob_mark(p.server).unwrap());
}

#[test]
fn would_block_then_writable_when_space_frees() {
    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    // Nothing to accept, nothing to read.
    assert_would_block(net.accept(p.listener));
    assert_would_block(net.recv(p.server, &mut [&mut [0u8; 4]], NONE));

    let chunk = vec![7u8; 64 * 1024];
    let mut sent = 0usize;
    loop {
        match net.send(p.client, &[&chunk], None, NONE) {
            Ok(n) => sent += n,
            Err(e) => {
                assert_eq!(e, WsaError::WSAEWOULDBLOCK);
                break;
            }
        }
        assert!(sent < 256 << 20, "send never blocked");
    }
    rec.clear(CLIENT);
    // Drain the receiver; the sender must then be told it can write again.
    let mut received = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    while received < sent {
        match net.recv(p.server, &mut [&mut buf], NONE) {
            Ok(got) => {
                assert!(got.bytes > 0);
                assert!(buf[..got.bytes].iter().all(|&b| b == 7));
                received += got.bytes;
            }
            Err(WsaError::WSAEWOULDBLOCK) => {
                rec.expect(SERVER, Readiness::READABLE);
            }
            Err(e) => panic!("recv: {e:?}"),
        }
    }
    assert_eq!(received, sent);
    rec.expect(CLIENT, Readiness::WRITABLE);
    assert!(net.send(p.client, &[b"more"], None, NONE).unwrap() > 0);
}

#[test]
fn closed_ids_are_not_sockets_and_not_reused() {
    let (net, _rec) = setup();
    let a = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.close(a);
    assert_eq!(net.local_addr(a).unwrap_err(), WsaError::WSAENOTSOCK);
    let b = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_ne!(a, b, "a stale id must not name the new socket");
    assert_eq!(
        net.bind(a, loopback(HostFamily::V4)).unwrap_err(),
        WsaError::WSAENOTSOCK
    );
    net.bind(b, loopback(HostFamily::V4)).unwrap();
    // Closing a stale id is harmless.
    net.close(a);
    net.local_addr(b).unwrap();
    net.close(b);
}

#[test]
fn register_refuses_reserved_tokens_and_double_registration() {
    let (net, _rec) = setup();
    let s = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    assert_eq!(net.register(s, u64::MAX).unwrap_err(), WsaError::WSAEINVAL);
    net.register(s, 9).unwrap();
    assert_eq!(net.register(s, 10).unwrap_err(), WsaError::WSAEINVAL);
}

#[test]
fn shutdown_rejects_unknown_how() {
    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    assert_eq!(net.shutdown(p.client, 3).unwrap_err(), WsaError::WSAEINVAL);
    net.shutdown(p.client, 2).unwrap();
}

/// A sink that calls back into the backend from inside `ready`.
struct Reentrant {
    net: Mutex<Option<Arc<Portable>>>,
    peers: Mutex<Vec<Result<std::net::SocketAddr, WsaError>>>,
    cv: Condvar,
    socket: Mutex<Option<wsp::net::HostSocket>>,
}

impl ReadinessSink for Reentrant {
    fn ready(&self, token: u64, r: Readiness) {
        if token != CLIENT || !r.contains(Readiness::WRITABLE) {
            return;
        }
        let net = self.net.lock().unwrap().clone();
        let s = *self.socket.lock().unwrap();
        if let (Some(net), Some(s)) = (net, s) {
            assert_eq!(net.take_error(s).unwrap(), None);
            let peer = net.peer_addr(s);
            self.peers.lock().unwrap().push(peer);
            self.cv.notify_all();
        }
    }
}

#[test]
fn sink_may_call_back_into_the_backend() {
    let net = Arc::new(Portable::new().unwrap());
    let sink = Arc::new(Reentrant {
        net: Mutex::new(Some(net.clone())),
        peers: Mutex::new(Vec::new()),
        cv: Condvar::new(),
        socket: Mutex::new(None),
    });
    let weak: Weak<dyn ReadinessSink> = Arc::downgrade(&(sink.clone() as Arc<dyn ReadinessSink>));
    net.attach(weak);

    let l = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.bind(l, loopback(HostFamily::V4)).unwrap();
    net.listen(l, 4).unwrap();
    let addr = net.local_addr(l).unwrap();
    let c = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    *sink.socket.lock().unwrap() = Some(c);
    net.register(c, CLIENT).unwrap();
    let _ = net.connect(c, addr);

    // A report may come before the connect completes (a never-connected socket reads as
    // hung up at registration), so wait for one whose `peer_addr` call found the peer.
    let peers = sink.peers.lock().unwrap();
    let (peers, timeout) = sink
        .cv
        .wait_timeout_while(peers, GUARD, |p| !p.contains(&Ok(addr)))
        .unwrap();
    assert!(
        !timeout.timed_out(),
        "no report with the peer within {GUARD:?}: {peers:?}"
    );
    drop(peers);
    // Break the cycle sink -> backend.
    sink.net.lock().unwrap().take();
}

/// A sink that owns the backend and drops it from inside a report: the drop then runs on
/// the reactor thread, which must not try to join itself.
struct Owner {
    net: Mutex<Option<Portable>>,
    done: Mutex<bool>,
    cv: Condvar,
}

impl ReadinessSink for Owner {
    fn ready(&self, _token: u64, _r: Readiness) {
        let net = self.net.lock().unwrap().take();
        if net.is_some() {
            drop(net);
            *self.done.lock().unwrap() = true;
            self.cv.notify_all();
        }
    }
}

#[test]
fn backend_dropped_on_its_own_reactor_thread() {
    let net = Portable::new().unwrap();
    let sink = Arc::new(Owner {
        net: Mutex::new(None),
        done: Mutex::new(false),
        cv: Condvar::new(),
    });
    let weak: Weak<dyn ReadinessSink> = Arc::downgrade(&(sink.clone() as Arc<dyn ReadinessSink>));
    net.attach(weak);
    let s = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    net.bind(s, loopback(HostFamily::V4)).unwrap();
    // Hand the backend to the sink, then make a report happen (registering reports the
    // socket writable). The sink's lock is held across the registration, so the report
    // finds the backend there.
    let mut slot = sink.net.lock().unwrap();
    let net = slot.insert(net);
    net.register(s, 1).unwrap();
    drop(slot);
    let done = sink.done.lock().unwrap();
    let (done, timeout) = sink.cv.wait_timeout_while(done, GUARD, |d| !*d).unwrap();
    assert!(
        !timeout.timed_out() && *done,
        "the sink never got to drop the backend"
    );
}

#[test]
fn stream_transfers_stop_at_iov_max_buffers() {
    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    let one = [1u8];
    let bufs: Vec<&[u8]> = vec![&one; 2000];
    assert_eq!(net.send(p.client, &bufs, None, NONE).unwrap(), 1024);
    rec.expect(SERVER, Readiness::READABLE);
    let mut store = vec![[0u8; 1]; 2000];
    let mut bufs: Vec<&mut [u8]> = store.iter_mut().map(|b| &mut b[..]).collect();
    assert_eq!(net.recv(p.server, &mut bufs, NONE).unwrap().bytes, 1024);
}

#[test]
fn clock_is_monotonic_from_start() {
    let (net, _rec) = setup();
    let a = net.now();
    let b = net.now();
    assert!(b >= a);
    assert!(a < GUARD, "the clock starts at the backend's creation");
}
