//! WSPEventSelect / WSPEnumNetworkEvents / WSPAsyncSelect rules on the portable backend.
//! Source for each rule: the WSAEventSelect and WSAAsyncSelect pages on Microsoft Learn.

mod util;
use util::*;
use wsp::sync::{Event, Hwnd};
use wsp::types::*;
use wsp::{WsaError, Wsp};

#[test]
fn connected_socket_gets_fd_write_at_select_time() {
    let p = provider();
    let (c, _s, _l) = pair(&p);
    let ev = Event::new();
    p.event_select(c, Some(&ev), FD_READ | FD_WRITE | FD_CLOSE)
        .unwrap();
    let n = collect_events(&p, c, &ev, FD_WRITE);
    assert_eq!(n.lNetworkEvents, FD_WRITE);
    assert_eq!(n.iErrorCode[FD_WRITE_BIT], 0);
    // Recorded once: no second FD_WRITE without a send that would block.
    let n = p.enum_network_events(c, Some(&ev)).unwrap();
    assert_eq!(n.lNetworkEvents, 0);
    assert!(!ev.is_set(), "enumeration resets the event");
}

#[test]
fn fd_read_recorded_once_and_reenabled_by_recv_while_data_remains() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    let ev = Event::new();
    p.event_select(s, Some(&ev), FD_READ).unwrap();
    p.send(c, &[b"0123456789"], 0).unwrap();
    let n = collect_events(&p, s, &ev, FD_READ);
    assert_eq!(n.lNetworkEvents, FD_READ);
    // More data does not record FD_READ again before a recv re-enables it.
    p.send(c, &[b"abc"], 0).unwrap();
    // A partial read leaves data: FD_READ is recorded again at once (level-triggered).
    let mut buf = [0u8; 4];
    let mut flags = 0;
    assert_eq!(p.recv(s, &mut [&mut buf], &mut flags).unwrap(), 4);
    assert!(ev.is_set());
    let n = p.enum_network_events(s, Some(&ev)).unwrap();
    assert_eq!(n.lNetworkEvents, FD_READ);
}

#[test]
fn event_select_makes_socket_nonblocking_and_fionbio_blocking_fails() {
    let p = provider();
    let (_c, s, _l) = pair(&p);
    let ev = Event::new();
    p.event_select(s, Some(&ev), FD_READ).unwrap();
    let mut buf = [0u8; 4];
    let mut flags = 0;
    assert_err(
        p.recv(s, &mut [&mut buf], &mut flags),
        WsaError::WSAEWOULDBLOCK,
    );
    assert_err(
        p.ioctl(s, FIONBIO, &0u32.to_le_bytes(), &mut []),
        WsaError::WSAEINVAL,
    );
    // Cancelling the selection (mask 0) allows blocking mode again.
    p.event_select(s, None, 0).unwrap();
    p.ioctl(s, FIONBIO, &0u32.to_le_bytes(), &mut []).unwrap();
}

#[test]
fn fd_close_after_graceful_close_only_once_data_is_read() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    let ev = Event::new();
    p.send(c, &[b"bye"], 0).unwrap();
    p.shutdown(c, SD_SEND).unwrap();
    p.event_select(s, Some(&ev), FD_READ | FD_CLOSE).unwrap();
    let n = collect_events(&p, s, &ev, FD_READ);
    assert_eq!(
        n.lNetworkEvents & FD_CLOSE,
        0,
        "FD_CLOSE before the data was read"
    );
    let mut buf = [0u8; 16];
    let mut flags = 0;
    assert_eq!(p.recv(s, &mut [&mut buf], &mut flags).unwrap(), 3);
    let n = collect_events(&p, s, &ev, FD_CLOSE);
    assert_eq!(n.iErrorCode[FD_CLOSE_BIT], 0);
}

#[test]
fn fd_close_carries_wsaeconnreset_after_a_reset() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    // Closing a socket with unread data resets the connection (Windows and Linux alike).
    p.send(s, &[b"unread"], 0).unwrap();
    let ev = Event::new();
    p.event_select(s, Some(&ev), FD_CLOSE).unwrap();
    // Make sure the bytes arrived before closing.
    let mut set = wsp::FdSet::new();
    set.set(c);
    assert_eq!(p.select(Some(&mut set), None, None, None).unwrap(), 1);
    p.close_socket(c).unwrap();
    let n = collect_events(&p, s, &ev, FD_CLOSE);
    assert_eq!(n.iErrorCode[FD_CLOSE_BIT], WsaError::WSAECONNRESET.code());
    let mut buf = [0u8; 4];
    let mut flags = 0;
    assert_err(
        p.recv(s, &mut [&mut buf], &mut flags),
        WsaError::WSAECONNRESET,
    );
}

#[test]
fn fd_accept_rearmed_by_accept_while_connections_remain() {
    let p = provider();
    let (l, a) = listener(&p, AF_INET);
    let ev = Event::new();
    p.event_select(l, Some(&ev), FD_ACCEPT).unwrap();
    let c1 = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    let c2 = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c1, &a, None, None, None, None).unwrap();
    p.connect(c2, &a, None, None, None, None).unwrap();
    collect_events(&p, l, &ev, FD_ACCEPT);
    // Wait until both are queued: each accept re-enables FD_ACCEPT while one remains.
    let s1 = loop {
        match p.accept(l, None, None) {
            Ok(s) => break s,
            Err(WsaError::WSAEWOULDBLOCK) => wait_event(&ev),
            Err(e) => panic!("{e:?}"),
        }
    };
    let _ = p.enum_network_events(l, Some(&ev)).unwrap();
    let s2 = loop {
        match p.accept(l, None, None) {
            Ok(s) => break s,
            Err(WsaError::WSAEWOULDBLOCK) => {
                collect_events(&p, l, &ev, FD_ACCEPT);
            }
            Err(e) => panic!("{e:?}"),
        }
    };
    assert_ne!(s1, s2);
    // Nothing queued now: no FD_ACCEPT recorded after the last accept.
    let n = p.enum_network_events(l, Some(&ev)).unwrap();
    assert_eq!(n.lNetworkEvents & FD_ACCEPT, 0);
}

#[test]
fn accepted_socket_inherits_the_listeners_selection() {
    let p = provider();
    let (l, a) = listener(&p, AF_INET);
    let ev = Event::new();
    p.event_select(l, Some(&ev), FD_ACCEPT | FD_READ | FD_WRITE)
        .unwrap();
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &a, None, None, None, None).unwrap();
    collect_events(&p, l, &ev, FD_ACCEPT);
    let s = p.accept(l, None, None).unwrap();
    // Non-blocking by inheritance, and FD_WRITE is recorded on the new socket.
    assert_err(
        p.ioctl(s, FIONBIO, &0u32.to_le_bytes(), &mut []),
        WsaError::WSAEINVAL,
    );
    collect_events(&p, s, &ev, FD_WRITE);
}

#[test]
fn nonblocking_connect_records_fd_connect_then_fd_write() {
    let p = provider();
    let (_l, a) = listener(&p, AF_INET);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    let ev = Event::new();
    p.event_select(c, Some(&ev), FD_CONNECT | FD_WRITE).unwrap();
    match p.connect(c, &a, None, None, None, None) {
        Err(WsaError::WSAEWOULDBLOCK) | Ok(()) => {}
        Err(e) => panic!("{e:?}"),
    }
    let n = collect_events(&p, c, &ev, FD_CONNECT | FD_WRITE);
    assert_eq!(n.iErrorCode[FD_CONNECT_BIT], 0);
}

#[test]
fn refused_connect_records_fd_connect_with_wsaeconnrefused() {
    let p = provider();
    // A bound, non-listening socket's port refuses connections.
    let b = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.bind(b, &any_port(AF_INET)).unwrap();
    let mut a = wsp::SockAddr::default();
    p.get_sock_name(b, &mut a).unwrap();
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    let ev = Event::new();
    p.event_select(c, Some(&ev), FD_CONNECT).unwrap();
    match p.connect(c, &a, None, None, None, None) {
        Err(WsaError::WSAEWOULDBLOCK) => {}
        r => panic!("{r:?}"),
    }
    let n = collect_events(&p, c, &ev, FD_CONNECT);
    assert_eq!(
        n.iErrorCode[FD_CONNECT_BIT],
        WsaError::WSAECONNREFUSED.code()
    );
    // select reports the failure in the except set.
    let mut ex = wsp::FdSet::new();
    ex.set(c);
    let tv = TIMEVAL::default();
    assert_eq!(p.select(None, None, Some(&mut ex), Some(&tv)).unwrap(), 1);
}

#[test]
fn async_select_posts_select_replies() {
    let p = provider();
    let (c, s, _l) = pair(&p);
    let w = Hwnd::new();
    const WM_SOCKET: u32 = 0x0400 + 1;
    p.async_select(s, Some(&w), WM_SOCKET, FD_READ | FD_WRITE)
        .unwrap();
    p.send(c, &[b"x"], 0).unwrap();
    let mut seen = 0;
    let deadline = std::time::Instant::now() + GUARD;
    while seen != FD_READ | FD_WRITE {
        assert!(std::time::Instant::now() < deadline, "saw {seen:#x}");
        let g = w.gate().epoch();
        match w.try_get() {
            Some(m) => {
                assert_eq!(m.hwnd, w.id());
                assert_eq!(m.msg, WM_SOCKET);
                assert_eq!(m.wparam, s);
                let ev = (m.lparam & 0xffff) as i32;
                assert_eq!(m.lparam >> 16, 0, "no error");
                assert_eq!(seen & ev, 0, "event {ev:#x} posted twice");
                seen |= ev;
            }
            None => {
                w.gate().wait(g, Some(GUARD));
            }
        }
    }
    assert_eq!(
        wsp::sync::WSAMAKESELECTREPLY(FD_CLOSE, 10054),
        (10054 << 16) | 0x20
    );
}

#[test]
fn select_rules_for_listening_connected_and_empty_sets() {
    let p = provider();
    let (c, s, l) = pair(&p);
    let zero = TIMEVAL::default();
    // All sets empty: WSAEINVAL.
    assert_err(p.select(None, None, None, Some(&zero)), WsaError::WSAEINVAL);
    // Negative timeout: WSAEINVAL.
    let mut r = wsp::FdSet::new();
    r.set(s);
    let bad = TIMEVAL {
        tv_sec: -1,
        tv_usec: 0,
    };
    assert_err(
        p.select(Some(&mut r), None, None, Some(&bad)),
        WsaError::WSAEINVAL,
    );
    // Non-socket in a set: WSAENOTSOCK.
    let mut r = wsp::FdSet::new();
    r.set(0x1234_5678);
    assert_err(
        p.select(Some(&mut r), None, None, Some(&zero)),
        WsaError::WSAENOTSOCK,
    );
    // Nothing to read: zero, and the set is emptied.
    let mut r = wsp::FdSet::new();
    r.set(s);
    r.set(l);
    assert_eq!(p.select(Some(&mut r), None, None, Some(&zero)).unwrap(), 0);
    assert!(r.is_empty());
    // Writable connected socket.
    let mut w = wsp::FdSet::new();
    w.set(c);
    assert_eq!(p.select(None, Some(&mut w), None, None).unwrap(), 1);
    assert!(w.is_set(c));
    // Data makes the peer readable; a null timeout blocks until it is.
    p.send(c, &[b"hi"], 0).unwrap();
    let mut r = wsp::FdSet::new();
    r.set(s);
    r.set(l);
    assert_eq!(p.select(Some(&mut r), None, None, None).unwrap(), 1);
    assert_eq!(r.fd_array, vec![s]);
}

/// Upcalls that count the notification calls and act on the local objects.
#[derive(Default)]
struct Counting {
    local: wsp::upcall::LocalUpcalls,
    set: std::sync::atomic::AtomicUsize,
    reset: std::sync::atomic::AtomicUsize,
    posts: std::sync::atomic::AtomicUsize,
}

impl wsp::upcall::Upcalls for Counting {
    fn create_event(&self) -> Result<Event, WsaError> {
        self.local.create_event()
    }
    fn set_event(&self, event: &Event) -> Result<(), WsaError> {
        self.set.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.local.set_event(event)
    }
    fn reset_event(&self, event: &Event) -> Result<(), WsaError> {
        self.reset.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.local.reset_event(event)
    }
    fn close_event(&self, event: &Event) -> Result<(), WsaError> {
        self.local.close_event(event)
    }
    fn post_message(&self, hwnd: &Hwnd, msg: u32, wparam: usize, lparam: isize) -> bool {
        self.posts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.local.post_message(hwnd, msg, wparam, lparam)
    }
    fn queue_apc(
        &self,
        thread: &wsp::sync::ThreadHandle,
        routine: wsp::sync::Apc,
    ) -> Result<(), WsaError> {
        self.local.queue_apc(thread, routine)
    }
    fn complete_overlapped(
        &self,
        socket: SOCKET,
        overlapped: usize,
        error: Option<WsaError>,
        bytes: u32,
        flags: u32,
    ) -> Result<(), WsaError> {
        self.local
            .complete_overlapped(socket, overlapped, error, bytes, flags)
    }
    fn create_socket_handle(&self, id: u32, context: usize) -> Result<SOCKET, WsaError> {
        self.local.create_socket_handle(id, context)
    }
    fn query_socket_handle_context(&self, s: SOCKET) -> Result<usize, WsaError> {
        self.local.query_socket_handle_context(s)
    }
    fn close_socket_handle(&self, s: SOCKET) -> Result<(), WsaError> {
        self.local.close_socket_handle(s)
    }
}

/// A provider behind a WSPUPCALLTABLE signals the caller's event objects and posts to its
/// windows through WPUSetEvent/WPUResetEvent/WPUPostMessage (WSPEventSelect and
/// WSPAsyncSelect SPI pages), so event and async select must go through the upcalls.
#[test]
fn event_and_async_select_deliver_through_upcalls() {
    use std::sync::atomic::Ordering::SeqCst;
    let p = provider();
    let up = std::sync::Arc::new(Counting::default());
    p.set_upcalls(up.clone());
    let (c, s, _l) = pair(&p);
    let ev = Event::new();
    p.event_select(c, Some(&ev), FD_WRITE).unwrap();
    collect_events(&p, c, &ev, FD_WRITE);
    assert!(up.set.load(SeqCst) >= 1, "WPUSetEvent not used");
    assert!(up.reset.load(SeqCst) >= 1, "WPUResetEvent not used");
    let w = Hwnd::new();
    p.async_select(s, Some(&w), 0x401, FD_WRITE).unwrap();
    let g = w.gate().epoch();
    if w.is_empty() {
        w.gate().wait(g, Some(GUARD));
    }
    assert_eq!(w.try_get().map(|m| m.wparam), Some(s));
    assert!(up.posts.load(SeqCst) >= 1, "WPUPostMessage not used");
}
