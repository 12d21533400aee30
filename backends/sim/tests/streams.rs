//! Stream sockets: connect, accept, data, backpressure, close, reset, OOB.

mod util;

use std::net::SocketAddr;
use util::*;
use wsp::net::{HostFamily, HostKind, HostOpt, Net, Readiness};
use wsp::WsaError;

#[test]
fn connect_accept_send_recv() {
    let (sim, rec) = sim(1);
    let l = listener(&sim, "127.0.0.1:5000", 1);
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.register(c, 2).unwrap();
    // A never-connected TCP socket reads as epoll reports it.
    assert_eq!(
        rec.take(),
        vec![(
            2,
            Readiness::WRITABLE | Readiness::READ_CLOSED | Readiness::WRITE_CLOSED
        )]
    );
    assert_would_block(sim.connect(c, addr("127.0.0.1:5000")));
    let log = rec.take();
    assert!(log.contains(&(1, Readiness::READABLE)), "{log:?}");
    assert!(log.contains(&(2, Readiness::WRITABLE)), "{log:?}");
    assert_eq!(sim.take_error(c).unwrap(), None);
    let (s, peer) = sim.accept(l).unwrap();
    assert_eq!(peer, sim.local_addr(c).unwrap());
    assert_eq!(sim.peer_addr(c).unwrap(), addr("127.0.0.1:5000"));
    assert_eq!(sim.local_addr(s).unwrap(), addr("127.0.0.1:5000"));
    assert_eq!(sim.local_addr(c).unwrap(), addr("127.0.0.1:49152"));
    assert_would_block(sim.accept(l));
    sim.register(s, 3).unwrap();
    assert_eq!(rec.take(), vec![(3, Readiness::WRITABLE)]);

    assert_eq!(sim.send(c, &[b"hel", b"lo"], None, NONE).unwrap(), 5);
    assert_eq!(
        rec.take(),
        vec![(3, Readiness::READABLE | Readiness::WRITABLE)]
    );
    assert_eq!(sim.pending_bytes(s).unwrap(), 5);
    let mut b = [0u8; 3];
    let got = sim.recv(s, &mut [&mut b], PEEK).unwrap();
    assert_eq!((got.bytes, &b), (3, b"hel"));
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"hello");
    assert_would_block(sim.recv(s, &mut [&mut b], NONE));
    // The next arrival is reported again.
    sim.send(c, &[b"x"], None, NONE).unwrap();
    assert!(rec.saw(3, Readiness::READABLE));
}

#[test]
fn dual_stack_listener_sees_mapped_peer() {
    let (sim, _rec) = sim(1);
    let l = sim.open(HostFamily::V6, HostKind::Stream).unwrap();
    sim.set_opt(l, HostOpt::V6Only(false)).unwrap();
    sim.bind(l, addr("[::]:7000")).unwrap();
    sim.listen(l, 4).unwrap();
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_would_block(sim.connect(c, addr("127.0.0.1:7000")));
    let (_s, peer) = sim.accept(l).unwrap();
    let SocketAddr::V6(p) = peer else {
        panic!("{peer}")
    };
    assert_eq!(p.ip().to_ipv4_mapped(), Some("127.0.0.1".parse().unwrap()));
    // V6ONLY by default: a v4 client cannot reach a fresh v6 listener.
    let l6 = sim.open(HostFamily::V6, HostKind::Stream).unwrap();
    sim.bind(l6, addr("[::]:7001")).unwrap();
    sim.listen(l6, 4).unwrap();
    let c2 = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_would_block(sim.connect(c2, addr("127.0.0.1:7001")));
    assert_eq!(sim.take_error(c2).unwrap(), Some(WsaError::WSAECONNREFUSED));
}

#[test]
fn refused_connect_reports_error() {
    let (sim, rec) = sim(1);
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.register(c, 2).unwrap();
    rec.take();
    assert_would_block(sim.connect(c, addr("127.0.0.1:9")));
    assert!(rec.saw(2, Readiness::ERROR | Readiness::WRITABLE));
    assert_eq!(sim.take_error(c).unwrap(), Some(WsaError::WSAECONNREFUSED));
    assert_eq!(sim.take_error(c).unwrap(), None);
    assert_eq!(sim.peer_addr(c), Err(WsaError::WSAENOTCONN));
    // A new connect is allowed after a failure.
    let _l = listener(&sim, "127.0.0.1:9", 1);
    assert_would_block(sim.connect(c, addr("127.0.0.1:9")));
    assert_eq!(sim.take_error(c).unwrap(), None);
    assert!(sim.peer_addr(c).is_ok());
}

#[test]
fn connect_at_once_when_configured() {
    let cfg = wsp_sim::SimConfig {
        connect_completes_at_once: true,
        ..Default::default()
    };
    let (sim, _rec) = sim_with(wsp_sim::Sim::with_config(3, cfg));
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_eq!(
        sim.connect(c, addr("127.0.0.1:1")),
        Err(WsaError::WSAECONNREFUSED)
    );
    let _l = listener(&sim, "127.0.0.1:1", 1);
    assert_eq!(sim.connect(c, addr("127.0.0.1:1")), Ok(()));
    assert_eq!(
        sim.connect(c, addr("127.0.0.1:1")),
        Err(WsaError::WSAEISCONN)
    );
}

#[test]
fn address_errors() {
    let (sim, _rec) = sim(1);
    let a = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    let b = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.bind(a, addr("127.0.0.1:80")).unwrap();
    assert_eq!(
        sim.bind(b, addr("0.0.0.0:80")),
        Err(WsaError::WSAEADDRINUSE)
    );
    assert_eq!(
        sim.bind(b, addr("10.1.2.3:80")),
        Err(WsaError::WSAEADDRNOTAVAIL)
    );
    assert_eq!(sim.bind(a, addr("127.0.0.1:81")), Err(WsaError::WSAEINVAL));
    // A different loopback address is a different address.
    sim.bind(b, addr("127.0.0.2:80")).unwrap();
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_eq!(
        sim.connect(c, addr("192.0.2.1:80")),
        Err(WsaError::WSAENETUNREACH)
    );
    assert_eq!(sim.send(c, &[b"x"], None, NONE), Err(WsaError::WSAENOTCONN));
    assert_eq!(recv_n(&sim, c, 1), Err(WsaError::WSAENOTCONN));
    // Reuse on both, neither listening: allowed.
    let d = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    let e = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.set_opt(d, HostOpt::ReuseAddr(true)).unwrap();
    sim.set_opt(e, HostOpt::ReuseAddr(true)).unwrap();
    sim.bind(d, addr("127.0.0.1:90")).unwrap();
    sim.bind(e, addr("127.0.0.1:90")).unwrap();
    sim.listen(d, 1).unwrap();
    assert_eq!(sim.listen(e, 1), Err(WsaError::WSAEADDRINUSE));
    // Stale handles.
    sim.close(a);
    assert_eq!(sim.local_addr(a), Err(WsaError::WSAENOTSOCK));
    let f = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_ne!(f, a, "a reused slot gets a new generation");
}

#[test]
fn backpressure_then_writable() {
    let (sim, rec) = sim(1);
    let (c, s) = pair(&sim, 6000);
    rec.take();
    let chunk = vec![7u8; 10_000];
    let mut sent = 0;
    loop {
        match sim.send(c, &[&chunk], None, NONE) {
            Ok(n) => sent += n,
            Err(WsaError::WSAEWOULDBLOCK) => break,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(sent, 128 * 1024, "send buffer + peer receive buffer");
    rec.take();
    // Draining a little reports WRITABLE to the sender.
    assert_eq!(recv_n(&sim, s, 1000).unwrap().len(), 1000);
    assert!(rec.saw(2, Readiness::WRITABLE));
    assert_eq!(sim.send(c, &[&chunk], None, NONE).unwrap(), 1000);
    assert_would_block(sim.send(c, &[&chunk], None, NONE));
    let mut total = 1000;
    while let Ok(v) = recv_n(&sim, s, 50_000) {
        total += v.len();
    }
    assert_eq!(total, sent + 1000);
}

#[test]
fn graceful_close_delivers_eof_after_data() {
    let (sim, rec) = sim(1);
    let (c, s) = pair(&sim, 6001);
    sim.send(c, &[b"last words"], None, NONE).unwrap();
    sim.close(c);
    assert!(rec
        .take()
        .iter()
        .any(|&(t, r)| t == 3 && r.contains(Readiness::READABLE | Readiness::READ_CLOSED)));
    assert_eq!(recv_n(&sim, s, 4).unwrap(), b"last");
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b" words");
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"");
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"");
    // Sending to the closed peer succeeds once, then the connection is reset.
    assert_eq!(sim.send(s, &[b"late"], None, NONE), Ok(4));
    assert_eq!(sim.take_error(s).unwrap(), Some(WsaError::WSAECONNRESET));
    assert_eq!(
        sim.send(s, &[b"later"], None, NONE),
        Err(WsaError::WSAECONNRESET)
    );
}

#[test]
fn shutdown_send_is_half_close() {
    let (sim, _rec) = sim(1);
    let (c, s) = pair(&sim, 6002);
    sim.send(c, &[b"req"], None, NONE).unwrap();
    sim.shutdown(c, 1).unwrap();
    assert_eq!(
        sim.send(c, &[b"more"], None, NONE),
        Err(WsaError::WSAECONNRESET)
    );
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"req");
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"");
    // The other direction still works.
    sim.send(s, &[b"resp"], None, NONE).unwrap();
    assert_eq!(recv_n(&sim, c, 100).unwrap(), b"resp");
    assert_eq!(sim.shutdown(c, 3), Err(WsaError::WSAEINVAL));
}

#[test]
fn close_with_unread_data_resets_peer() {
    let (sim, rec) = sim(1);
    let (c, s) = pair(&sim, 6003);
    sim.send(s, &[b"unread"], None, NONE).unwrap();
    sim.send(c, &[b"to s"], None, NONE).unwrap();
    rec.take();
    sim.close(c);
    assert!(rec.saw(
        3,
        Readiness::ERROR | Readiness::READ_CLOSED | Readiness::WRITE_CLOSED
    ));
    // Linux: what had arrived is readable, then the reset, then end of stream.
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"to s");
    assert_eq!(recv_n(&sim, s, 100), Err(WsaError::WSAECONNRESET));
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"");
    assert_eq!(
        sim.send(s, &[b"x"], None, NONE),
        Err(WsaError::WSAECONNRESET)
    );
}

#[test]
fn linger_zero_resets() {
    let (sim, _rec) = sim(1);
    let (c, s) = pair(&sim, 6004);
    sim.set_opt(c, HostOpt::Linger(Some(0))).unwrap();
    sim.close(c);
    assert_eq!(sim.take_error(s).unwrap(), Some(WsaError::WSAECONNRESET));
}

#[test]
fn reset_connection_mid_stream() {
    let (sim, rec) = sim(1);
    let (c, s) = pair(&sim, 6005);
    rec.take();
    sim.reset_connection(c).unwrap();
    let log = rec.take();
    assert!(log
        .iter()
        .any(|&(t, r)| t == 2 && r.contains(Readiness::ERROR)));
    assert!(log
        .iter()
        .any(|&(t, r)| t == 3 && r.contains(Readiness::ERROR)));
    assert_eq!(recv_n(&sim, s, 10), Err(WsaError::WSAECONNRESET));
    assert_eq!(
        sim.send(c, &[b"x"], None, NONE),
        Err(WsaError::WSAECONNRESET)
    );
    assert_eq!(
        sim.send(c, &[b"x"], None, NONE),
        Err(WsaError::WSAECONNRESET)
    );
}

#[test]
fn full_backlog_keeps_connect_pending() {
    let (sim, rec) = sim(1);
    let l = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.bind(l, addr("127.0.0.1:6100")).unwrap();
    sim.listen(l, 0).unwrap(); // Linux: room for one
    let c1 = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    let c2 = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.register(c2, 22).unwrap();
    assert_would_block(sim.connect(c1, addr("127.0.0.1:6100")));
    assert_would_block(sim.connect(c2, addr("127.0.0.1:6100")));
    assert_eq!(sim.peer_addr(c2), Err(WsaError::WSAENOTCONN));
    assert_eq!(
        sim.send(c2, &[b"x"], None, NONE),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    rec.take();
    let (_s1, p1) = sim.accept(l).unwrap();
    assert_eq!(p1, sim.local_addr(c1).unwrap());
    assert!(rec.saw(22, Readiness::WRITABLE));
    let (_s2, p2) = sim.accept(l).unwrap();
    assert_eq!(p2, sim.local_addr(c2).unwrap());
    // Closing a listener refuses the parked and resets the queued.
    let c3 = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    let c4 = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_would_block(sim.connect(c3, addr("127.0.0.1:6100")));
    assert_would_block(sim.connect(c4, addr("127.0.0.1:6100")));
    sim.close(l);
    assert_eq!(sim.take_error(c3).unwrap(), Some(WsaError::WSAECONNRESET));
    assert_eq!(sim.take_error(c4).unwrap(), Some(WsaError::WSAECONNREFUSED));
}

#[test]
fn urgent_byte_out_of_line() {
    let (sim, rec) = sim(1);
    let (c, s) = pair(&sim, 6006);
    sim.send(c, &[b"ab"], None, NONE).unwrap();
    rec.take();
    sim.send(c, &[b"cd!"], None, OOB).unwrap();
    assert!(rec.saw(3, Readiness::PRIORITY));
    assert!(!sim.at_oob_mark(s).unwrap());
    assert_eq!(sim.pending_bytes(s).unwrap(), 4);
    // Normal reads stop at the mark.
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"abcd");
    assert!(sim.at_oob_mark(s).unwrap());
    let mut b = [0u8; 4];
    let got = sim.recv(s, &mut [&mut b], OOB).unwrap();
    assert_eq!((got.bytes, b[0]), (1, b'!'));
    assert_eq!(sim.recv(s, &mut [&mut b], OOB), Err(WsaError::WSAEINVAL));
}

#[test]
fn urgent_byte_inline() {
    let (sim, _rec) = sim(1);
    let (c, s) = pair(&sim, 6007);
    sim.set_opt(s, HostOpt::OobInline(true)).unwrap();
    sim.send(c, &[b"ab"], None, NONE).unwrap();
    sim.send(c, &[b"c!"], None, OOB).unwrap();
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"abc");
    assert!(sim.at_oob_mark(s).unwrap());
    assert_eq!(recv_n(&sim, s, 100).unwrap(), b"!");
    assert!(!sim.at_oob_mark(s).unwrap());
}

#[test]
fn sink_may_reenter_during_dispatch() {
    use std::sync::{Arc, Mutex, Weak};
    use wsp::net::ReadinessSink;
    use wsp_sim::Sim;

    struct Reentrant {
        sim: Mutex<Weak<Sim>>,
        seen: Mutex<Vec<Option<WsaError>>>,
    }
    impl ReadinessSink for Reentrant {
        fn ready(&self, _token: u64, r: Readiness) {
            if let Some(sim) = self.sim.lock().unwrap().upgrade() {
                if r.contains(Readiness::ERROR) {
                    let s = wsp::net::HostSocket(1 << 32);
                    self.seen.lock().unwrap().push(sim.take_error(s).unwrap());
                    let _ = sim.pending_bytes(s);
                    let _ = sim.peer_addr(s);
                }
            }
        }
    }
    let sim = Arc::new(Sim::new(5));
    let sink = Arc::new(Reentrant {
        sim: Mutex::new(Arc::downgrade(&sim)),
        seen: Mutex::new(Vec::new()),
    });
    let dyn_sink: Arc<dyn ReadinessSink> = sink.clone();
    sim.attach(Arc::downgrade(&dyn_sink));
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_eq!(c.0, 1 << 32);
    sim.register(c, 1).unwrap();
    assert_would_block(sim.connect(c, addr("127.0.0.1:4")));
    assert_eq!(
        *sink.seen.lock().unwrap(),
        vec![Some(WsaError::WSAECONNREFUSED)]
    );
}
