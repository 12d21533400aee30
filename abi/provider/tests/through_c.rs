//! The same scenarios against the engine directly and against this crate's own table
//! driven through C (`ForeignProvider::in_tree`): the transcripts must be equal.

use std::time::Duration;
use wsp::sync::{Event, Hwnd, RealTime, WaitResult, WSAGETSELECTEVENT};
use wsp::types::*;
use wsp::wsp::ConditionDecision;
use wsp::{FdSet, SockAddr, WsaError, Wsp};
use wsp_provider::ForeignProvider;

fn engine() -> Box<dyn Wsp> {
    Box::new(wsp::Engine::new(wsp_portable::Portable::new().unwrap()))
}

fn loopback(port: u16) -> SockAddr {
    SockAddr::from_std(([127, 0, 0, 1], port).into())
}

fn port_of(w: &dyn Wsp, s: SOCKET) -> u16 {
    let mut a = SockAddr::default();
    w.get_sock_name(s, &mut a).unwrap();
    a.to_std().unwrap().port()
}

/// A transcript line per call; ports and handles are left out so runs compare.
type Log = Vec<String>;

fn note<T: std::fmt::Debug>(log: &mut Log, what: &str, r: &Result<T, WsaError>) {
    match r {
        Ok(_) => log.push(format!("{what}: ok")),
        Err(e) => log.push(format!("{what}: {e:?}")),
    }
}

fn before_startup(w: &dyn Wsp, log: &mut Log) {
    note(
        log,
        "socket before startup",
        &w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0),
    );
    note(log, "cleanup before startup", &w.cleanup());
    note(log, "startup 1.1", &w.startup(make_word(1, 1)));
    let d = w.startup(make_word(2, 2)).unwrap();
    log.push(format!(
        "version {:#x} high {:#x}",
        d.wVersion, d.wHighVersion
    ));
    log.push(format!("description {}", d.description()));
}

fn errors(w: &dyn Wsp, log: &mut Log) {
    note(log, "socket(0,0,0)", &w.socket(0, 0, 0, None, 0, 0));
    note(
        log,
        "socket raw",
        &w.socket(AF_INET, SOCK_RAW, 0, None, 0, 0),
    );
    note(
        log,
        "socket udp/tcp",
        &w.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP, None, 0, 0),
    );
    note(log, "close garbage", &w.close_socket(0x7bad_f00d));
    note(log, "bind garbage", &w.bind(0x7bad_f00d, &loopback(0)));
    let s = w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    let mut short = loopback(0);
    short.set_len(15);
    note(log, "bind short", &w.bind(s, &short));
    note(
        log,
        "bind v6 on v4",
        &w.bind(s, &SockAddr::from_std("[::1]:0".parse().unwrap())),
    );
    note(log, "listen unbound", &w.listen(s, 5));
    note(
        log,
        "getsockname unbound",
        &w.get_sock_name(s, &mut SockAddr::default()),
    );
    note(
        log,
        "getpeername unconnected",
        &w.get_peer_name(s, &mut SockAddr::default()),
    );
    note(log, "shutdown bad how", &w.shutdown(s, 7));
    note(
        log,
        "event select null event",
        &w.event_select(s, None, FD_READ),
    );
    note(log, "close", &w.close_socket(s));
    note(log, "close again", &w.close_socket(s));
}

fn tcp_echo(w: &dyn Wsp, log: &mut Log) {
    let l = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    note(log, "bind", &w.bind(l, &loopback(0)));
    note(log, "listen", &w.listen(l, 5));
    let port = port_of(w, l);
    let c = w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    note(
        log,
        "connect",
        &w.connect(c, &loopback(port), None, None, None, None),
    );
    let mut small = SockAddr::with_capacity(8);
    note(
        log,
        "accept short addr",
        &w.accept(l, Some(&mut small), None),
    );
    let mut peer = SockAddr::default();
    let a = w.accept(l, Some(&mut peer), None).unwrap();
    log.push(format!(
        "accepted from len {} family {:?}",
        peer.len(),
        peer.family()
    ));
    let mut me = SockAddr::default();
    w.get_peer_name(a, &mut me).unwrap();
    log.push(format!("peer name len {}", me.len()));
    note(log, "send", &w.send(c, &[b"hello ", b"world"], 0));
    let mut buf = [0u8; 64];
    let mut flags = 0;
    let n = w.recv(a, &mut [&mut buf[..]], &mut flags).unwrap();
    log.push(format!(
        "recv {:?} flags {flags}",
        String::from_utf8_lossy(&buf[..n])
    ));
    let mut nread = [0u8; 4];
    note(log, "fionread", &w.ioctl(a, FIONREAD, &[], &mut nread));
    log.push(format!("fionread {}", u32::from_le_bytes(nread)));
    note(
        log,
        "fionread short",
        &w.ioctl(a, FIONREAD, &[], &mut [0u8; 2]),
    );
    note(log, "send back", &w.send(a, &[&buf[..n]], 0));
    let mut two = ([0u8; 5], [0u8; 64]);
    let mut flags = 0;
    let n = w
        .recv(c, &mut [&mut two.0[..], &mut two.1[..]], &mut flags)
        .unwrap();
    log.push(format!("echo {n} {:?}", String::from_utf8_lossy(&two.0)));
    note(log, "shutdown send", &w.shutdown(c, SD_SEND));
    let mut flags = 0;
    note(
        log,
        "recv after peer shutdown",
        &w.recv(a, &mut [&mut buf[..]], &mut flags),
    );
    note(
        log,
        "send disconnect data",
        &w.send_disconnect(a, Some(b"bye")),
    );
    for s in [a, c, l] {
        w.close_socket(s).unwrap();
    }
}

fn conditions(w: &dyn Wsp, log: &mut Log) {
    let l = w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    w.bind(l, &loopback(0)).unwrap();
    w.listen(l, 5).unwrap();
    let port = port_of(w, l);
    let c = w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    w.connect(c, &loopback(port), None, None, None, None)
        .unwrap();
    let mut seen = None;
    let mut cond = |c: &mut wsp::wsp::AcceptCondition<'_>| {
        seen = Some((c.caller_id.family(), c.callee_id.to_std().map(|a| a.port())));
        ConditionDecision::Accept
    };
    let a = w.accept(l, None, Some(&mut cond));
    note(log, "accept with condition", &a);
    log.push(format!(
        "condition saw caller family {:?}, callee port matches {}",
        seen.map(|s| s.0),
        seen.and_then(|s| s.1) == Some(port)
    ));
    for s in [a.unwrap(), c, l] {
        w.close_socket(s).unwrap();
    }
}

fn notifications(w: &dyn Wsp, log: &mut Log) {
    let l = w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    w.bind(l, &loopback(0)).unwrap();
    w.listen(l, 5).unwrap();
    let port = port_of(w, l);
    let ev = Event::new();
    note(
        log,
        "event select accept",
        &w.event_select(l, Some(&ev), FD_ACCEPT),
    );
    let c = w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    w.connect(c, &loopback(port), None, None, None, None)
        .unwrap();
    let r = ev.wait(&RealTime, Some(Duration::from_secs(5)), false);
    log.push(format!("event after connect: {r:?}"));
    let ne = w.enum_network_events(l, Some(&ev)).unwrap();
    log.push(format!(
        "events {:#x} errors {:?}",
        ne.lNetworkEvents, ne.iErrorCode
    ));
    log.push(format!("event reset by enum: {}", !ev.is_set()));
    let a = w.accept(l, None, None).unwrap();
    note(
        log,
        "fionbio off while selected",
        &w.ioctl(l, FIONBIO, &0u32.to_le_bytes(), &mut []),
    );

    let hwnd = Hwnd::new();
    note(
        log,
        "async select",
        &w.async_select(a, Some(&hwnd), 0x401, FD_READ | FD_CLOSE),
    );
    w.send(c, &[b"x"], 0).unwrap();
    let got = hwnd.wait(&RealTime, 0, 0, Some(Duration::from_secs(5)));
    let m = hwnd.try_get();
    log.push(format!(
        "message {got} {:?}",
        m.map(|m| (m.msg, m.wparam == a, WSAGETSELECTEVENT(m.lparam)))
    ));

    // select: the accepted socket is readable, the client writable.
    let mut r = FdSet::new();
    r.set(a);
    r.set(l);
    let mut wr = FdSet::new();
    wr.set(c);
    let t = TIMEVAL {
        tv_sec: 1,
        tv_usec: 0,
    };
    let n = w.select(Some(&mut r), Some(&mut wr), None, Some(&t));
    note(log, "select", &n);
    log.push(format!(
        "select read {:?} write {:?}",
        r.fd_array.iter().map(|&s| s == a).collect::<Vec<_>>(),
        wr.fd_array.iter().map(|&s| s == c).collect::<Vec<_>>()
    ));
    note(log, "select nothing", &w.select(None, None, None, Some(&t)));
    for s in [a, c, l] {
        w.close_socket(s).unwrap();
    }
}

fn datagrams(w: &dyn Wsp, log: &mut Log) {
    let a = w.socket(AF_INET, SOCK_DGRAM, 0, None, 0, 0).unwrap();
    let b = w
        .socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, None, 0, 0)
        .unwrap();
    w.bind(a, &loopback(0)).unwrap();
    w.bind(b, &loopback(0)).unwrap();
    let pb = port_of(w, b);
    note(
        log,
        "send_to",
        &w.send_to(a, &[b"datagram"], 0, Some(&loopback(pb))),
    );
    let mut buf = [0u8; 4];
    let mut flags = 0;
    let mut from = SockAddr::default();
    let r = w.recv_from(b, &mut [&mut buf[..]], &mut flags, Some(&mut from));
    note(log, "recv_from truncated", &r);
    log.push(format!(
        "truncated bytes {:?} flags {flags:#x}",
        String::from_utf8_lossy(&buf)
    ));
    note(
        log,
        "send_to",
        &w.send_to(a, &[b"ok"], 0, Some(&loopback(pb))),
    );
    let mut flags = 0;
    let n = w.recv_from(b, &mut [&mut buf[..]], &mut flags, Some(&mut from));
    note(log, "recv_from", &n);
    log.push(format!(
        "from port matches {}",
        from.to_std().unwrap().port() == port_of(w, a)
    ));
    note(log, "listen on udp", &w.listen(a, 1));
    for s in [a, b] {
        w.close_socket(s).unwrap();
    }
}

fn text(w: &dyn Wsp, log: &mut Log) {
    let a = SockAddr::from_std("[fe80::1%4]:443".parse().unwrap());
    log.push(format!("{:?}", w.address_to_string(&a, None)));
    log.push(format!("{:?}", w.address_to_string(&loopback(80), None)));
    let mut out = SockAddr::default();
    note(
        log,
        "string_to_address",
        &w.string_to_address("10.0.0.1:8080", AF_INET, None, &mut out),
    );
    log.push(format!("{out:?}"));
    let mut small = SockAddr::with_capacity(4);
    note(
        log,
        "string_to_address small",
        &w.string_to_address("10.0.0.1", AF_INET, None, &mut small),
    );
    note(
        log,
        "string_to_address bad",
        &w.string_to_address("nope", AF_INET, None, &mut out),
    );
    let mut q = Qos::default();
    let s = w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    note(log, "qos by name", &w.get_qos_by_name(s, "G711", &mut q));
    note(
        log,
        "getsockopt",
        &w.get_sock_opt(s, SOL_SOCKET, 0x1008, &mut [0u8; 4]),
    );
    note(log, "duplicate", &w.duplicate_socket(s, 1));
    note(
        log,
        "join leaf",
        &w.join_leaf(s, &loopback(1), None, None, None, None, 0),
    );
    note(log, "cancel blocking call", &w.cancel_blocking_call());
    note(
        log,
        "overlapped result",
        &w.get_overlapped_result(s, 0x1000, false),
    );
    w.close_socket(s).unwrap();
}

fn run(w: &dyn Wsp) -> Log {
    let mut log = Log::new();
    before_startup(w, &mut log);
    errors(w, &mut log);
    tcp_echo(w, &mut log);
    conditions(w, &mut log);
    notifications(w, &mut log);
    datagrams(w, &mut log);
    text(w, &mut log);
    note(&mut log, "cleanup", &w.cleanup());
    note(&mut log, "cleanup again", &w.cleanup());
    note(
        &mut log,
        "socket after cleanup",
        &w.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0),
    );
    log
}

#[test]
fn through_c_matches_the_engine() {
    let direct = run(&*engine());
    if std::env::var_os("WSP_SHOW_TRANSCRIPT").is_some() {
        eprintln!("{direct:#?}");
    }
    let through = run(&ForeignProvider::in_tree());
    for (i, (d, t)) in direct.iter().zip(&through).enumerate() {
        assert_eq!(d, t, "line {i} differs");
    }
    assert_eq!(direct.len(), through.len());
}

/// The same through a non-IFS provider (socket handles from `WPUCreateSocketHandle`, as
/// on Windows): handles, select sets and async-select `wParam` are the caller's.
#[test]
fn non_ifs_handles_match_the_engine() {
    let direct = run(&*engine());
    let p = ForeignProvider::in_tree_non_ifs();
    let through = run(&p);
    for (i, (d, t)) in direct.iter().zip(&through).enumerate() {
        assert_eq!(d, t, "line {i} differs");
    }
    assert_eq!(direct.len(), through.len());
    // A closed handle is released (WPUCloseSocketHandle) and no longer maps.
    p.startup(make_word(2, 2)).unwrap();
    let s = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.close_socket(s).unwrap();
    assert_eq!(p.close_socket(s), Err(WsaError::WSAENOTSOCK));
    p.cleanup().unwrap();
}

#[test]
fn in_tree_wrappers_are_independent() {
    let a = ForeignProvider::in_tree();
    let b = ForeignProvider::in_tree();
    a.startup(0x0202).unwrap();
    assert_eq!(
        b.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0),
        Err(WsaError::WSANOTINITIALISED)
    );
    b.startup(0x0202).unwrap();
    let s = a.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    a.cleanup().unwrap();
    assert_eq!(a.close_socket(s), Err(WsaError::WSANOTINITIALISED));
    b.cleanup().unwrap();
    let _ = WaitResult::Timeout;
}

/// SIO_GET_EXTENSION_FUNCTION_POINTER through C: the provider hands out its own C
/// functions, and the wrapper gives a Rust caller the engine's identifiers back.
#[test]
fn extension_function_ids_are_the_same_through_c() {
    use wsp::overlapped::{guid_to_bytes, ExtensionFn, WSAID_CONNECTEX, WSAID_DISCONNECTEX};
    let through_c: Box<dyn Wsp> = Box::new(ForeignProvider::in_tree());
    for w in [engine(), through_c] {
        w.startup(make_word(2, 2)).unwrap();
        let s = w
            .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
            .unwrap();
        for (g, f) in [
            (WSAID_CONNECTEX, ExtensionFn::ConnectEx),
            (WSAID_DISCONNECTEX, ExtensionFn::DisconnectEx),
        ] {
            let mut out = [0u8; 8];
            let n = w
                .ioctl(
                    s,
                    SIO_GET_EXTENSION_FUNCTION_POINTER,
                    &guid_to_bytes(&g),
                    &mut out,
                )
                .unwrap();
            assert_eq!(n, 8);
            assert_eq!(usize::from_ne_bytes(out), f as usize);
        }
        let bad = [0u8; 16];
        let mut out = [0u8; 8];
        assert_eq!(
            w.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &bad, &mut out),
            Err(WsaError::WSAEINVAL)
        );
        w.close_socket(s).unwrap();
        w.cleanup().unwrap();
    }
}
