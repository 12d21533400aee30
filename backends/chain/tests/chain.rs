//! The `chain` backend over the in-tree engine on the portable backend (the next provider),
//! checked at the `Net` seam (edge reports, ids, options, errors) and under the engine
//! (blocking and event-select traffic that hangs or times out if an edge is lost).
//!
//! Sources: the seam's contract (`wsp::net` module docs); Windows' re-enabling rules and
//! select meanings from the WSAEventSelect and select pages on Microsoft Learn.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wsp::net::{
    wait_on_gate, Gate, HostFamily, HostKind, HostOpt, HostOptName, HostSocket, IoFlags, Net,
    Readiness, ReadinessSink,
};
use wsp::types::*;
use wsp::{Engine, SockAddr, WsaError, Wsp};
use wsp_chain::Chain;

/// Bound on every wait: only a lost report (a hang) reaches it.
const HANG: Duration = Duration::from_secs(20);

fn chain() -> Chain {
    let next = Arc::new(Engine::new(wsp_portable::Portable::new().unwrap()));
    Chain::over_in_tree(next).unwrap()
}

#[derive(Default)]
struct Recorder {
    reports: Mutex<Vec<(u64, Readiness)>>,
    gate: Gate,
}

impl ReadinessSink for Recorder {
    fn ready(&self, token: u64, r: Readiness) {
        self.reports.lock().unwrap().push((token, r));
        self.gate.notify();
    }
}

impl Recorder {
    fn clear(&self) {
        self.reports.lock().unwrap().clear();
    }
    /// Wait until a report for `token` carries every bit of `want`.
    fn wait(&self, net: &Chain, token: u64, want: Readiness) {
        let got = wait_on_gate(
            &|| net.now(),
            &self.gate,
            Some(net.now() + HANG),
            &mut || {
                self.reports
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|&(t, r)| t == token && r.contains(want))
            },
        );
        assert!(
            got,
            "no {want:?} report for token {token}; reports: {:?}",
            self.reports.lock().unwrap()
        );
    }
}

fn setup() -> (Chain, Arc<Recorder>) {
    let net = chain();
    let rec = Arc::new(Recorder::default());
    let sink: Arc<dyn ReadinessSink> = rec.clone();
    // The Weak shares `rec`'s allocation, which the caller keeps alive.
    net.attach(Arc::downgrade(&sink));
    (net, rec)
}

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// A connected stream pair on `net`: (client token 2, accepted token 3), listener token 1.
fn pair(net: &Chain, rec: &Recorder) -> (HostSocket, HostSocket, HostSocket) {
    // Tokens 1-3 are reused by every pair: reports left from an earlier pair must not
    // satisfy this pair's waits (a stale WRITABLE for token 2 let a second pair go on
    // before its connect had completed: WSAENOTCONN, or WSAEWOULDBLOCK from accept).
    rec.clear();
    let l = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.bind(l, loopback()).unwrap();
    net.listen(l, 8).unwrap();
    net.register(l, 1).unwrap();
    let at = net.local_addr(l).unwrap();
    let c = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.register(c, 2).unwrap();
    match net.connect(c, at) {
        Ok(()) | Err(WsaError::WSAEWOULDBLOCK) => {}
        Err(e) => panic!("connect: {e:?}"),
    }
    rec.wait(net, 1, Readiness::READABLE);
    let (a, _) = net.accept(l).unwrap();
    net.register(a, 3).unwrap();
    rec.wait(net, 2, Readiness::WRITABLE);
    assert_eq!(net.take_error(c).unwrap(), None);
    (l, c, a)
}

fn recv_now(net: &Chain, s: HostSocket, buf: &mut [u8]) -> Result<usize, WsaError> {
    net.recv(s, &mut [buf], IoFlags::default()).map(|r| r.bytes)
}

#[test]
fn data_arriving_after_a_drain_is_reported_again() {
    let (net, rec) = setup();
    let (_l, c, a) = pair(&net, &rec);
    let mut buf = [0u8; 64];
    for round in 0..50u8 {
        rec.clear();
        assert_eq!(net.send(c, &[&[round; 5]], None, IoFlags::default()), Ok(5));
        rec.wait(&net, 3, Readiness::READABLE);
        assert_eq!(recv_now(&net, a, &mut buf), Ok(5));
        assert_eq!(buf[..5], [round; 5]);
        // Drained: the next arrival must be reported although nothing was re-registered.
        assert_eq!(recv_now(&net, a, &mut buf), Err(WsaError::WSAEWOULDBLOCK));
    }
}

#[test]
fn a_peek_that_finds_data_does_not_repeat_the_report() {
    let (net, rec) = setup();
    let (_l, c, a) = pair(&net, &rec);
    net.send(c, &[b"abc"], None, IoFlags::default()).unwrap();
    rec.wait(&net, 3, Readiness::READABLE);
    let peek = IoFlags {
        peek: true,
        ..IoFlags::default()
    };
    let mut b = [0u8; 1];
    // The engine peeks on every report; each peek re-arming would report again, forever.
    for _ in 0..100 {
        assert_eq!(net.recv(a, &mut [&mut b], peek).unwrap().bytes, 1);
    }
    // A receive re-arms: the bytes still waiting are reported again.
    rec.clear();
    assert_eq!(recv_now(&net, a, &mut b), Ok(1));
    rec.wait(&net, 3, Readiness::READABLE);
    let reports = rec
        .reports
        .lock()
        .unwrap()
        .iter()
        .filter(|&&(t, _)| t == 3)
        .count();
    assert!(reports >= 1);
}

#[test]
fn graceful_close_reports_read_closed_and_reset_reports_an_error() {
    let (net, rec) = setup();
    let (_l, c, a) = pair(&net, &rec);
    let mut buf = [0u8; 8];
    assert_eq!(recv_now(&net, a, &mut buf), Err(WsaError::WSAEWOULDBLOCK));
    net.shutdown(c, SD_SEND).unwrap();
    rec.wait(&net, 3, Readiness::READ_CLOSED);
    assert_eq!(recv_now(&net, a, &mut buf), Ok(0));

    // Abortive close (SO_LINGER {1, 0}) of the accepted side: the client sees a reset.
    let (_l2, c2, a2) = pair(&net, &rec);
    assert_eq!(recv_now(&net, c2, &mut buf), Err(WsaError::WSAEWOULDBLOCK));
    rec.clear();
    net.set_opt(a2, HostOpt::Linger(Some(0))).unwrap();
    assert_eq!(
        net.get_opt(a2, HostOptName::Linger),
        Ok(HostOpt::Linger(Some(0)))
    );
    net.close(a2);
    rec.wait(&net, 2, Readiness::ERROR | Readiness::READ_CLOSED);
    assert_eq!(recv_now(&net, c2, &mut buf), Err(WsaError::WSAECONNRESET));
    net.close(c);
}

#[test]
fn a_send_that_would_block_is_followed_by_a_writable_report() {
    let (net, rec) = setup();
    let (_l, c, a) = pair(&net, &rec);
    net.set_opt(c, HostOpt::SendBuffer(4096)).unwrap();
    let chunk = vec![7u8; 64 * 1024];
    let mut sent = 0usize;
    let mut blocked = false;
    for _ in 0..10_000 {
        match net.send(c, &[&chunk], None, IoFlags::default()) {
            Ok(n) => sent += n,
            Err(WsaError::WSAEWOULDBLOCK) => {
                blocked = true;
                break;
            }
            Err(e) => panic!("send: {e:?}"),
        }
    }
    assert!(blocked, "the send buffer never filled");
    rec.clear();
    // Drain the peer until the writer is told it may send again.
    let mut got = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    let writable = |rec: &Recorder| {
        rec.reports
            .lock()
            .unwrap()
            .iter()
            .any(|&(t, r)| t == 2 && r.contains(Readiness::WRITABLE))
    };
    for _ in 0..100_000 {
        if writable(&rec) && got == sent {
            break;
        }
        match recv_now(&net, a, &mut buf) {
            Ok(n) => got += n,
            Err(WsaError::WSAEWOULDBLOCK) => {
                if got == sent {
                    rec.wait(&net, 2, Readiness::WRITABLE);
                } else {
                    rec.wait(&net, 3, Readiness::READABLE);
                    rec.reports.lock().unwrap().retain(|&(t, _)| t != 3);
                }
            }
            Err(e) => panic!("recv: {e:?}"),
        }
    }
    assert_eq!(got, sent);
    assert!(writable(&rec));
}

#[test]
fn a_refused_connect_reports_an_error_and_take_error_names_it() {
    let (net, rec) = setup();
    // A port nobody listens on: bound, then closed.
    let probe = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.bind(probe, loopback()).unwrap();
    let dead = net.local_addr(probe).unwrap();
    net.close(probe);
    let c = net.open(HostFamily::V4, HostKind::Stream).unwrap();
    net.register(c, 9).unwrap();
    match net.connect(c, dead) {
        Err(WsaError::WSAEWOULDBLOCK) => {
            rec.wait(&net, 9, Readiness::ERROR);
            assert_eq!(net.take_error(c), Ok(Some(WsaError::WSAECONNREFUSED)));
        }
        other => assert_eq!(other, Err(WsaError::WSAECONNREFUSED)),
    }
}

#[test]
fn closed_ids_never_reach_a_newer_socket() {
    let net = chain();
    let a = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    net.close(a);
    let b = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    assert_ne!(a, b);
    assert_eq!(net.bind(a, loopback()), Err(WsaError::WSAENOTSOCK));
    assert_eq!(net.local_addr(a), Err(WsaError::WSAENOTSOCK));
    net.bind(b, loopback()).unwrap();
    let mut lv = [Readiness::EMPTY; 2];
    net.poll_now(&[a, b], &mut lv);
    assert_eq!(lv[0], Readiness::ERROR, "an unknown socket polls as ERROR");
    assert!(lv[1].contains(Readiness::WRITABLE), "{:?}", lv[1]);
}

#[test]
fn datagrams_carry_their_source_and_truncation() {
    let (net, rec) = setup();
    let rx = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    net.bind(rx, loopback()).unwrap();
    net.register(rx, 5).unwrap();
    let to = net.local_addr(rx).unwrap();
    let tx = net.open(HostFamily::V4, HostKind::Datagram).unwrap();
    net.bind(tx, loopback()).unwrap();
    let from = net.local_addr(tx).unwrap();
    net.send(tx, &[b"0123456789"], Some(to), IoFlags::default())
        .unwrap();
    rec.wait(&net, 5, Readiness::READABLE);
    assert_eq!(net.pending_bytes(rx), Ok(10));
    let mut small = [0u8; 4];
    let r = net.recv(rx, &mut [&mut small], IoFlags::default()).unwrap();
    assert!(r.truncated);
    assert_eq!(r.bytes, 4);
    assert_eq!(r.from, Some(from));
    assert_eq!(&small, b"0123");
}

#[test]
fn options_round_trip_as_windows_options() {
    let net = chain();
    let s = net.open(HostFamily::V6, HostKind::Stream).unwrap();
    for (set, name) in [
        (HostOpt::NoDelay(true), HostOptName::NoDelay),
        (HostOpt::KeepAlive(true), HostOptName::KeepAlive),
        (HostOpt::OobInline(true), HostOptName::OobInline),
        (HostOpt::V6Only(false), HostOptName::V6Only),
        (HostOpt::Ttl(77), HostOptName::Ttl),
        (HostOpt::KeepIdle(33), HostOptName::KeepIdle),
        (HostOpt::Linger(None), HostOptName::Linger),
    ] {
        net.set_opt(s, set).unwrap();
        assert_eq!(net.get_opt(s, name), Ok(set), "{name:?}");
    }
    assert_eq!(
        net.get_opt(s, HostOptName::SendQueue),
        Err(WsaError::WSAENOPROTOOPT)
    );
    // SIOCATMARK: no urgent data waiting, so the read position is not at a mark.
    assert_eq!(net.at_oob_mark(s), Ok(false));
}

/// The engine over chain: a blocking echo, many rounds. A lost readiness edge shows as a
/// receive timing out (SO_RCVTIMEO) rather than a hang.
#[test]
fn engine_over_chain_blocking_echo() {
    let p = Arc::new(Engine::new(chain()));
    p.startup(0x0202).unwrap();
    let l = p
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    p.bind(l, &SockAddr::from(loopback())).unwrap();
    p.listen(l, 4).unwrap();
    let mut at = SockAddr::default();
    p.get_sock_name(l, &mut at).unwrap();
    let c = p
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    p.connect(c, &at, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    let timeout = 20_000u32.to_le_bytes();
    for h in [c, s] {
        p.set_sock_opt(h, SOL_SOCKET, SO_RCVTIMEO, &timeout)
            .unwrap();
    }
    const ROUNDS: usize = 500;
    let server = {
        let p = p.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            for _ in 0..ROUNDS {
                let mut flags = 0;
                let n = p.recv(s, &mut [&mut buf], &mut flags).unwrap();
                assert!(n > 0);
                assert_eq!(p.send(s, &[&buf[..n]], 0).unwrap(), n);
            }
        })
    };
    for i in 0..ROUNDS {
        let msg = format!("round {i}");
        p.send(c, &[msg.as_bytes()], 0).unwrap();
        let mut got = Vec::new();
        while got.len() < msg.len() {
            let mut buf = [0u8; 256];
            let mut flags = 0;
            let n = p.recv(c, &mut [&mut buf], &mut flags).unwrap();
            assert!(n > 0, "end of stream in round {i}");
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, msg.as_bytes());
    }
    server.join().unwrap();
    p.cleanup().unwrap();
}

/// Event select over chain: FD_READ is recorded again after each receive that leaves the
/// socket drained and new data arrives (the WSAEventSelect page's re-enabling rule).
#[test]
fn engine_over_chain_fd_read_per_message() {
    use wsp::sync::Event;
    let p = Engine::new(chain());
    p.startup(0x0202).unwrap();
    let l = p
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    p.bind(l, &SockAddr::from(loopback())).unwrap();
    p.listen(l, 4).unwrap();
    let mut at = SockAddr::default();
    p.get_sock_name(l, &mut at).unwrap();
    let c = p
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    p.connect(c, &at, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    let ev = Event::new();
    p.event_select(s, Some(&ev), FD_READ | FD_CLOSE).unwrap();
    let clock = || p_now();
    for i in 0..200u32 {
        p.send(c, &[&i.to_le_bytes()], 0).unwrap();
        let got = wait_on_gate(&clock, ev.gate(), Some(clock() + HANG), &mut || ev.is_set());
        assert!(got, "FD_READ for message {i} never recorded");
        let n = p.enum_network_events(s, Some(&ev)).unwrap();
        assert_eq!(n.lNetworkEvents & FD_READ, FD_READ, "message {i}");
        let mut buf = [0u8; 4];
        let mut flags = 0;
        assert_eq!(p.recv(s, &mut [&mut buf], &mut flags), Ok(4));
        assert_eq!(u32::from_le_bytes(buf), i);
    }
    p.close_socket(c).unwrap();
    // A read report for the last message may still be in flight from the watcher when
    // the peer closes (a late FD_READ; Windows allows spurious FD_READ too), so collect
    // records until FD_CLOSE arrives, a bounded number of times.
    let mut seen = 0;
    for _ in 0..8 {
        let got = wait_on_gate(&clock, ev.gate(), Some(clock() + HANG), &mut || ev.is_set());
        assert!(got, "FD_CLOSE never recorded");
        let n = p.enum_network_events(s, Some(&ev)).unwrap();
        seen |= n.lNetworkEvents;
        if n.lNetworkEvents & FD_CLOSE != 0 {
            assert_eq!(n.iErrorCode[FD_CLOSE_BIT], 0, "{n:?}");
            break;
        }
    }
    assert_eq!(seen & FD_CLOSE, FD_CLOSE, "records seen: {seen:#x}");
    p.cleanup().unwrap();
}

fn p_now() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}
