//! The recording and re-enabling rules of the notification model, case by case.
//!
//! Sources: the WSAEventSelect page (re-enabling table; level-triggered FD_READ, FD_OOB and
//! FD_ACCEPT; FD_WRITE "recorded when a socket is first connected ... and then after a
//! send fails with WSAEWOULDBLOCK and buffer space becomes available"; "issuing a
//! WSAEventSelect ... cancels any previous WSAAsyncSelect or WSAEventSelect ... and clears
//! the internal network event record"), and the WSAAsyncSelect page's per-event list
//! ("FD_CLOSE ... if data has been received and is waiting to be read when the remote
//! system initiates a graceful close, the FD_CLOSE is not delivered until all pending data
//! has been read"; "FD_CONNECT ... when the outcome has been determined").

use super::doc;
use crate::*;
use std::time::Instant;
use wsp::sync::{Event, Hwnd, WM_USER, WSAGETSELECTERROR, WSAGETSELECTEVENT};
use wsp::types::*;
use wsp::{FdSet, WsaError, Wsp};

const ASYNC_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaasyncselect";
const EVENT_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaeventselect";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(fd_write_is_recorded_once_per_connection, "WSPEventSelect", EVENT_PAGE,
            "FD_WRITE once after selecting a connected socket; a successful send records nothing more"),
        case!(fd_write_rerecorded_after_would_block_once_space_frees, "WSPEventSelect", EVENT_PAGE,
            "send until WSAEWOULDBLOCK; after the peer drains, FD_WRITE is recorded again"),
        case!(fd_read_not_recorded_again_before_recv, "WSPEventSelect", EVENT_PAGE,
            "FD_READ once; more data before a recv records nothing"),
        case!(fd_read_rerecorded_after_partial_recv, "WSPEventSelect", EVENT_PAGE,
            "a recv that leaves data records FD_READ again at once (level-triggered)"),
        case!(fd_close_waits_for_pending_data_to_be_read, "WSPEventSelect", ASYNC_PAGE,
            "FD_READ first; FD_CLOSE with iErrorCode 0 only after the data is read"),
        case!(fd_close_after_reset_carries_wsaeconnreset, "WSPEventSelect", ASYNC_PAGE,
            "FD_CLOSE with iErrorCode[FD_CLOSE_BIT] = WSAECONNRESET; recv then gives WSAECONNRESET"),
        case!(fd_accept_rearmed_only_while_connections_remain, "WSPEventSelect", EVENT_PAGE,
            "FD_ACCEPT again after the first of two accepts; none after the last"),
        case!(accepted_socket_inherits_the_selection, "WSPEventSelect", doc::ACCEPT,
            "the accepted socket is non-blocking (FIONBIO 0 gives WSAEINVAL) and records FD_WRITE on the listener's event"),
        case!(nonblocking_connect_records_fd_connect_and_fd_write, "WSPEventSelect", ASYNC_PAGE,
            "FD_CONNECT with iErrorCode 0, and FD_WRITE"),
        case!(refused_connect_records_fd_connect_with_wsaeconnrefused, "WSPEventSelect", ASYNC_PAGE,
            "FD_CONNECT with iErrorCode[FD_CONNECT_BIT] = WSAECONNREFUSED"),
        case!(fd_oob_recorded_for_urgent_data, "WSPEventSelect", ASYNC_PAGE,
            "FD_OOB with iErrorCode 0; recv(MSG_OOB) returns the urgent byte"),
        case!(select_reports_urgent_data_in_except_set, "WSPSelect", doc::SELECT,
            "1; the except set holds the socket with OOB data pending (SO_OOBINLINE off)"),
        case!(never_connected_stream_records_nothing, "WSPEventSelect",
            "observed Windows behaviour (Wine's server/sock.c models it): an unconnected stream socket is neither writable nor closed",
            "no event recorded for FD_WRITE | FD_CLOSE | FD_READ on a fresh TCP socket"),
        case!(event_select_null_event_with_mask_gives_wsaeinval, "WSPEventSelect", doc::EVENTSELECT,
            "SOCKET_ERROR / WSAEINVAL"),
        case!(new_selection_clears_the_record, "WSPEventSelect", EVENT_PAGE,
            "after a second WSPEventSelect the earlier record is gone and the first event is no longer set"),
        case!(zero_mask_stops_recording, "WSPEventSelect", EVENT_PAGE,
            "after WSPEventSelect(s, ev, 0) new data records nothing"),
        case!(enum_network_events_resets_the_event_it_is_given, "WSPEnumNetworkEvents", doc::ENUMNETWORKEVENTS,
            "the event object is reset; without one it stays signalled"),
        case!(enum_network_events_clears_the_record, "WSPEnumNetworkEvents", doc::ENUMNETWORKEVENTS,
            "a second enumeration reports 0"),
        case!(datagram_socket_records_fd_write_and_fd_read, "WSPEventSelect", ASYNC_PAGE,
            "FD_WRITE when selected; FD_READ when a datagram arrives"),
        case!(async_select_replaces_event_select, "WSPAsyncSelect", doc::ASYNCSELECT,
            "after WSPAsyncSelect, data posts FD_READ messages and the old event is no longer set"),
        case!(async_select_posts_connect_then_write, "WSPAsyncSelect", ASYNC_PAGE,
            "messages (hWnd, wMsg, s, FD_CONNECT) then (.., FD_WRITE), error 0"),
        case!(async_select_queued_messages_survive_reselect, "WSPAsyncSelect", doc::ASYNCSELECT,
            "a message posted before WSPAsyncSelect(s, hWnd, 0, 0) stays in the queue"),
        case!(async_select_null_window_with_mask_gives_wsaeinval, "WSPAsyncSelect", doc::ASYNCSELECT,
            "SOCKET_ERROR / WSAEINVAL"),
        case!(select_negative_timeout_gives_wsaeinval, "WSPSelect", doc::SELECT,
            "SOCKET_ERROR / WSAEINVAL"),
        case!(select_reports_peer_close_as_readable, "WSPSelect", doc::SELECT,
            "1; after the peer's shutdown(SD_SEND) the socket is readable and recv gives 0"),
        case!(select_reports_failed_connect_in_except_set, "WSPSelect", doc::SELECT,
            "1; the except set holds the socket whose non-blocking connect was refused"),
        case!(select_rewrites_sets_to_ready_handles_only, "WSPSelect", doc::SELECT,
            "2; read set keeps only the readable socket, write set only the writable one"),
        case!(select_unconnected_stream_is_not_writable, "WSPSelect", doc::SELECT,
            "0 with a zero timeout for a fresh TCP socket in the write set"),
    ]
}

/// Wait for `ev` and enumerate until `want` has been seen; returns everything recorded.
fn collect(fx: &Fixture, s: SOCKET, ev: &Event, want: i32) -> Step<WSANETWORKEVENTS> {
    let mut all = WSANETWORKEVENTS::default();
    let deadline = Instant::now() + BOUND;
    while all.lNetworkEvents & want != want {
        if Instant::now() > deadline {
            return Err(Outcome::Fail(format!(
                "wanted events {want:#x}, recorded {:#x}",
                all.lNetworkEvents
            )));
        }
        fx.wait_event("network event", ev)?;
        let n = expect_ok(
            "WSPEnumNetworkEvents",
            fx.w.enum_network_events(s, Some(ev)),
        )?;
        all.lNetworkEvents |= n.lNetworkEvents;
        for i in 0..FD_MAX_EVENTS {
            if n.lNetworkEvents & (1 << i) != 0 {
                all.iErrorCode[i] = n.iErrorCode[i];
            }
        }
    }
    Ok(all)
}

/// The record now, without waiting (and resetting `ev`).
fn now(fx: &Fixture, s: SOCKET, ev: &Event) -> Step<i32> {
    Ok(expect_ok(
        "WSPEnumNetworkEvents",
        fx.w.enum_network_events(s, Some(ev)),
    )?
    .lNetworkEvents)
}

fn recv_some(fx: &Fixture, s: SOCKET, n: usize) -> Step<usize> {
    let mut buf = vec![0u8; n];
    let mut flags = 0;
    expect_ok("WSPRecv", fx.w.recv(s, &mut [&mut buf[..]], &mut flags))
}

fn fd_write_is_recorded_once_per_connection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _s) = fx.pair()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect",
        w.event_select(c, Some(&ev), FD_WRITE | FD_READ),
    )?;
    let n = collect(&fx, c, &ev, FD_WRITE)?;
    expect_eq("recorded", n.lNetworkEvents, FD_WRITE)?;
    expect_eq("FD_WRITE error", n.iErrorCode[FD_WRITE_BIT], 0)?;
    expect_ok("WSPSend", w.send(c, &[b"x"], 0))?;
    expect_eq("record after a successful send", now(&fx, c, &ev)?, 0)
}

fn fd_write_rerecorded_after_would_block_once_space_frees(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(c, Some(&ev), FD_WRITE))?;
    collect(&fx, c, &ev, FD_WRITE)?;
    let chunk = vec![0x5au8; 65536];
    let mut sent = 0usize;
    loop {
        match w.send(c, &[&chunk], 0) {
            Ok(n) => sent += n,
            Err(WsaError::WSAEWOULDBLOCK) => break,
            Err(e) => return Err(Outcome::Fail(format!("WSPSend: {e:?}"))),
        }
        if sent > 512 << 20 {
            return Err(Outcome::Fail("send never would block".into()));
        }
    }
    expect_eq("record right after WSAEWOULDBLOCK", now(&fx, c, &ev)?, 0)?;
    // Drain everything on the peer (blocking socket), then FD_WRITE comes back.
    fx.recv_exact(s, sent)?;
    collect(&fx, c, &ev, FD_WRITE).map(|_| ())
}

fn fd_read_not_recorded_again_before_recv(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev), FD_READ))?;
    fx.send_all(c, b"first")?;
    collect(&fx, s, &ev, FD_READ)?;
    fx.send_all(c, b"second")?;
    // Wait until all 11 bytes are queued with FIONREAD, which re-enables nothing.
    let deadline = Instant::now() + BOUND;
    loop {
        let mut out = [0u8; 4];
        expect_ok("FIONREAD", w.ioctl(s, FIONREAD, &[], &mut out))?;
        if u32::from_le_bytes(out) >= 11 {
            break;
        }
        if Instant::now() > deadline {
            return Err(Outcome::Fail("second chunk never arrived".into()));
        }
        std::thread::yield_now();
    }
    expect_eq("record before any recv", now(&fx, s, &ev)?, 0)
}

fn fd_read_rerecorded_after_partial_recv(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev), FD_READ))?;
    fx.send_all(c, b"0123456789")?;
    collect(&fx, s, &ev, FD_READ)?;
    expect_eq("bytes", recv_some(&fx, s, 4)?, 4)?;
    expect_true(ev.is_set(), || {
        "event not set again after a partial recv".into()
    })?;
    expect_eq("record", now(&fx, s, &ev)?, FD_READ)
}

fn fd_close_waits_for_pending_data_to_be_read(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"bye")?;
    expect_ok("WSPShutdown", w.shutdown(c, SD_SEND))?;
    fx.wait_queued(s, 3)?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect",
        w.event_select(s, Some(&ev), FD_READ | FD_CLOSE),
    )?;
    let n = collect(&fx, s, &ev, FD_READ)?;
    expect_eq("FD_CLOSE with data unread", n.lNetworkEvents & FD_CLOSE, 0)?;
    expect_eq("bytes", recv_some(&fx, s, 16)?, 3)?;
    let n = collect(&fx, s, &ev, FD_CLOSE)?;
    expect_eq("FD_CLOSE error", n.iErrorCode[FD_CLOSE_BIT], 0)
}

fn fd_close_after_reset_carries_wsaeconnreset(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    // Closing a socket with unread data resets the connection.
    fx.send_all(s, b"unread")?;
    fx.wait_queued(c, 6)?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev), FD_CLOSE))?;
    fx.close(c)?;
    let n = collect(&fx, s, &ev, FD_CLOSE)?;
    expect_eq(
        "FD_CLOSE error",
        n.iErrorCode[FD_CLOSE_BIT],
        WsaError::WSAECONNRESET.code(),
    )?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecv after reset",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAECONNRESET,
    )
}

fn accept_when_ready(fx: &Fixture, l: SOCKET, ev: &Event) -> Step<SOCKET> {
    let deadline = Instant::now() + BOUND;
    loop {
        match fx.w.accept(l, None, None) {
            Ok(s) => return Ok(fx.track(s)),
            Err(WsaError::WSAEWOULDBLOCK) if Instant::now() < deadline => {
                fx.wait_event("FD_ACCEPT", ev)?;
                fx.w.enum_network_events(l, Some(ev)).ok();
            }
            Err(e) => return Err(Outcome::Fail(format!("WSPAccept: {e:?}"))),
        }
    }
}

fn fd_accept_rearmed_only_while_connections_remain(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(l, Some(&ev), FD_ACCEPT))?;
    let c1 = fx.tcp()?;
    fx.connect(c1, &la)?;
    let c2 = fx.tcp()?;
    fx.connect(c2, &la)?;
    collect(&fx, l, &ev, FD_ACCEPT)?;
    // Both connections are queued once select sees the listener readable twice over.
    accept_when_ready(&fx, l, &ev)?;
    let second_pending = {
        let mut r = FdSet::new();
        r.set(l);
        let zero = TIMEVAL::default();
        expect_ok("WSPSelect", w.select(Some(&mut r), None, None, Some(&zero)))? == 1
    };
    if second_pending {
        expect_eq(
            "record after the first accept",
            now(&fx, l, &ev)? & FD_ACCEPT,
            FD_ACCEPT,
        )?;
    }
    accept_when_ready(&fx, l, &ev)?;
    expect_eq(
        "record after the last accept",
        now(&fx, l, &ev)? & FD_ACCEPT,
        0,
    )
}

fn accepted_socket_inherits_the_selection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect",
        w.event_select(l, Some(&ev), FD_ACCEPT | FD_WRITE),
    )?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    collect(&fx, l, &ev, FD_ACCEPT)?;
    let s = accept_when_ready(&fx, l, &ev)?;
    expect_err(
        "FIONBIO 0 on the accepted socket",
        w.ioctl(s, FIONBIO, &[0; 4], &mut []),
        WsaError::WSAEINVAL,
    )?;
    collect(&fx, s, &ev, FD_WRITE).map(|_| ())
}

fn start_connect(fx: &Fixture, c: SOCKET, to: &wsp::SockAddr) -> Step<()> {
    match fx.w.connect(c, to, None, None, None, None) {
        Ok(()) | Err(WsaError::WSAEWOULDBLOCK) => Ok(()),
        Err(e) => Err(Outcome::Fail(format!("WSPConnect: {e:?}"))),
    }
}

fn nonblocking_connect_records_fd_connect_and_fd_write(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_l, la) = fx.listener()?;
    let c = fx.tcp()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect",
        w.event_select(c, Some(&ev), FD_CONNECT | FD_WRITE),
    )?;
    start_connect(&fx, c, &la)?;
    let n = collect(&fx, c, &ev, FD_CONNECT | FD_WRITE)?;
    expect_eq("FD_CONNECT error", n.iErrorCode[FD_CONNECT_BIT], 0)
}

/// A loopback address nobody listens on: a bound, non-listening socket's port.
fn refusing_address(fx: &Fixture) -> Step<wsp::SockAddr> {
    let b = fx.tcp()?;
    fx.bind_loopback(b)
}

fn refused_connect_records_fd_connect_with_wsaeconnrefused(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let to = refusing_address(&fx)?;
    let c = fx.tcp()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(c, Some(&ev), FD_CONNECT))?;
    start_connect(&fx, c, &to)?;
    let n = collect(&fx, c, &ev, FD_CONNECT)?;
    expect_eq(
        "FD_CONNECT error",
        n.iErrorCode[FD_CONNECT_BIT],
        WsaError::WSAECONNREFUSED.code(),
    )
}

fn never_connected_stream_records_nothing(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect",
        w.event_select(s, Some(&ev), FD_READ | FD_WRITE | FD_CLOSE),
    )?;
    // Give a backend's registration report time to arrive: a select on another, connected
    // pair round-trips through the same reactor.
    let (c, _) = fx.pair()?;
    let mut wr = FdSet::new();
    wr.set(c);
    expect_ok("WSPSelect", w.select(None, Some(&mut wr), None, None))?;
    expect_eq("record", now(&fx, s, &ev)?, 0)?;
    expect_true(!ev.is_set(), || {
        "event set for a never-connected socket".into()
    })
}

fn event_select_null_event_with_mask_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPEventSelect(NULL, FD_READ)",
        w.event_select(s, None, FD_READ),
        WsaError::WSAEINVAL,
    )
}

fn new_selection_clears_the_record(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev1 = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev1), FD_READ))?;
    fx.send_all(c, b"x")?;
    fx.wait_event("FD_READ", &ev1)?;
    ev1.reset();
    let ev2 = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev2), FD_OOB))?;
    expect_eq("record after reselecting", now(&fx, s, &ev2)?, 0)?;
    expect_true(!ev1.is_set(), || "the replaced event was set again".into())
}

fn zero_mask_stops_recording(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev), FD_READ))?;
    expect_ok("WSPEventSelect(0)", w.event_select(s, Some(&ev), 0))?;
    fx.send_all(c, b"x")?;
    fx.wait_queued(s, 1)?;
    expect_eq("record", now(&fx, s, &ev)?, 0)?;
    expect_true(!ev.is_set(), || "event set with mask 0".into())
}

fn enum_network_events_resets_the_event_it_is_given(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(c, Some(&ev), FD_WRITE))?;
    fx.wait_event("FD_WRITE", &ev)?;
    let n = expect_ok("WSPEnumNetworkEvents(NULL)", w.enum_network_events(c, None))?;
    expect_eq("record", n.lNetworkEvents, FD_WRITE)?;
    expect_true(ev.is_set(), || "event reset without being passed".into())?;
    expect_ok(
        "WSPEnumNetworkEvents(ev)",
        w.enum_network_events(c, Some(&ev)),
    )?;
    expect_true(!ev.is_set(), || "event not reset".into())
}

fn enum_network_events_clears_the_record(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(c, Some(&ev), FD_WRITE))?;
    collect(&fx, c, &ev, FD_WRITE)?;
    expect_eq("second enumeration", now(&fx, c, &ev)?, 0)
}

fn datagram_socket_records_fd_write_and_fd_read(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (u, ua) = fx.bound_udp()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect",
        w.event_select(u, Some(&ev), FD_READ | FD_WRITE),
    )?;
    collect(&fx, u, &ev, FD_WRITE)?;
    let (v, _) = fx.bound_udp()?;
    expect_ok("WSPSendTo", w.send_to(v, &[b"dgram"], 0, Some(&ua)))?;
    collect(&fx, u, &ev, FD_READ).map(|_| ())
}

const WM_SOCKET: u32 = WM_USER + 7;

/// Wait for the next message on `hwnd`.
fn next_message(hwnd: &Hwnd) -> Step<wsp::sync::Message> {
    let deadline = Instant::now() + BOUND;
    loop {
        let seen = hwnd.gate().epoch();
        if let Some(m) = hwnd.try_get() {
            return Ok(m);
        }
        let now = Instant::now();
        if now > deadline {
            return Err(Outcome::Fail("no message within the bound".into()));
        }
        hwnd.gate().wait(seen, Some(deadline - now));
    }
}

fn async_select_replaces_event_select(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev), FD_READ))?;
    let hwnd = Hwnd::new();
    expect_ok(
        "WSPAsyncSelect",
        w.async_select(s, Some(&hwnd), WM_SOCKET, FD_READ),
    )?;
    fx.send_all(c, b"x")?;
    let m = next_message(&hwnd)?;
    expect_eq("wParam", m.wparam, s)?;
    expect_eq("event", WSAGETSELECTEVENT(m.lparam), FD_READ)?;
    expect_true(!ev.is_set(), || "the replaced event was set".into())
}

fn async_select_posts_connect_then_write(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_l, la) = fx.listener()?;
    let c = fx.tcp()?;
    let hwnd = Hwnd::new();
    expect_ok(
        "WSPAsyncSelect",
        w.async_select(c, Some(&hwnd), WM_SOCKET, FD_CONNECT | FD_WRITE),
    )?;
    start_connect(&fx, c, &la)?;
    let m1 = next_message(&hwnd)?;
    let m2 = next_message(&hwnd)?;
    for m in [&m1, &m2] {
        expect_eq("hwnd", m.hwnd, hwnd.id())?;
        expect_eq("msg", m.msg, WM_SOCKET)?;
        expect_eq("wParam", m.wparam, c)?;
        expect_eq("error", WSAGETSELECTERROR(m.lparam), 0)?;
    }
    expect_eq("first event", WSAGETSELECTEVENT(m1.lparam), FD_CONNECT)?;
    expect_eq("second event", WSAGETSELECTEVENT(m2.lparam), FD_WRITE)
}

fn async_select_queued_messages_survive_reselect(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _s) = fx.pair()?;
    let hwnd = Hwnd::new();
    expect_ok(
        "WSPAsyncSelect",
        w.async_select(c, Some(&hwnd), WM_SOCKET, FD_WRITE),
    )?;
    // Wait until the FD_WRITE message is queued, without taking it.
    let deadline = Instant::now() + BOUND;
    while hwnd.is_empty() {
        if Instant::now() > deadline {
            return Err(Outcome::Fail("no FD_WRITE message".into()));
        }
        let seen = hwnd.gate().epoch();
        if hwnd.is_empty() {
            hwnd.gate().wait(seen, Some(BOUND));
        }
    }
    expect_ok("WSPAsyncSelect(0)", w.async_select(c, Some(&hwnd), 0, 0))?;
    let m = next_message(&hwnd)?;
    expect_eq("event", WSAGETSELECTEVENT(m.lparam), FD_WRITE)
}

fn async_select_null_window_with_mask_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPAsyncSelect(NULL, FD_READ)",
        w.async_select(s, None, WM_SOCKET, FD_READ),
        WsaError::WSAEINVAL,
    )
}

fn select_negative_timeout_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut r = FdSet::new();
    r.set(s);
    let bad = TIMEVAL {
        tv_sec: -1,
        tv_usec: 0,
    };
    expect_err(
        "WSPSelect(timeout -1 s)",
        w.select(Some(&mut r), None, None, Some(&bad)),
        WsaError::WSAEINVAL,
    )
}

fn select_reports_peer_close_as_readable(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    expect_ok("WSPShutdown", w.shutdown(c, SD_SEND))?;
    let mut r = FdSet::new();
    r.set(s);
    expect_eq(
        "ready",
        expect_ok("WSPSelect", w.select(Some(&mut r), None, None, None))?,
        1,
    )?;
    expect_eq("recv", recv_some(&fx, s, 4)?, 0)
}

fn select_reports_failed_connect_in_except_set(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let to = refusing_address(&fx)?;
    let c = fx.tcp()?;
    fx.set_nonblocking(c, true)?;
    start_connect(&fx, c, &to)?;
    let mut ex = FdSet::new();
    ex.set(c);
    expect_eq(
        "ready",
        expect_ok("WSPSelect", w.select(None, None, Some(&mut ex), None))?,
        1,
    )?;
    expect_true(ex.is_set(c), || "socket not in the except set".into())
}

fn select_rewrites_sets_to_ready_handles_only(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let idle = fx.tcp()?;
    fx.send_all(c, b"data")?;
    fx.wait_queued(s, 4)?;
    let mut r = FdSet::new();
    r.set(c);
    r.set(s);
    let mut wr = FdSet::new();
    wr.set(idle);
    wr.set(c);
    let zero = TIMEVAL::default();
    let n = expect_ok(
        "WSPSelect",
        w.select(Some(&mut r), Some(&mut wr), None, Some(&zero)),
    )?;
    expect_eq("count", n, 2)?;
    expect_eq("read set", r.fd_array, vec![s])?;
    expect_eq("write set", wr.fd_array, vec![c])
}

fn select_unconnected_stream_is_not_writable(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut wr = FdSet::new();
    wr.set(s);
    let zero = TIMEVAL::default();
    expect_eq(
        "ready",
        expect_ok(
            "WSPSelect",
            w.select(None, Some(&mut wr), None, Some(&zero)),
        )?,
        0,
    )
}

fn fd_oob_recorded_for_urgent_data(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok("WSPEventSelect", w.event_select(s, Some(&ev), FD_OOB))?;
    expect_ok("WSPSend(MSG_OOB)", w.send(c, &[b"!"], MSG_OOB))?;
    let n = collect(&fx, s, &ev, FD_OOB)?;
    expect_eq("FD_OOB error", n.iErrorCode[FD_OOB_BIT], 0)?;
    let mut b = [0u8; 1];
    let mut flags = MSG_OOB;
    expect_eq(
        "recv(MSG_OOB)",
        expect_ok("WSPRecv(MSG_OOB)", w.recv(s, &mut [&mut b[..]], &mut flags))?,
        1,
    )?;
    expect_eq("urgent byte", b[0], b'!')
}

fn select_reports_urgent_data_in_except_set(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    expect_ok("WSPSend(MSG_OOB)", w.send(c, &[b"!"], MSG_OOB))?;
    let mut ex = FdSet::new();
    ex.set(s);
    expect_eq(
        "ready",
        expect_ok("WSPSelect", w.select(None, None, Some(&mut ex), None))?,
        1,
    )?;
    expect_true(ex.is_set(s), || "socket not in the except set".into())
}
