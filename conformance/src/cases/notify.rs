//! Notification: `WSPEventSelect`, `WSPEnumNetworkEvents`, `WSPAsyncSelect`, `WSPSelect`.

use super::doc;
use crate::*;
use std::time::Instant;
use wsp::sync::{Event, Hwnd};
use wsp::types::*;
use wsp::{FdSet, WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(event_select_makes_the_socket_nonblocking, "WSPEventSelect", doc::EVENTSELECT,
            "0; FIONBIO 0 then gives SOCKET_ERROR / WSAEINVAL and recv gives WSAEWOULDBLOCK"),
        case!(event_select_zero_mask_allows_blocking_again, "WSPEventSelect", doc::EVENTSELECT,
            "0; after WSPEventSelect(s, NULL, 0), FIONBIO 0 gives 0"),
        case!(event_select_signals_fd_write_on_connected_socket, "WSPEventSelect", doc::EVENTSELECT,
            "0; the event is signalled, FD_WRITE recorded"),
        case!(event_select_garbage_handle_gives_wsaenotsock, "WSPEventSelect", doc::EVENTSELECT,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(enum_network_events_reports_fd_read_once, "WSPEnumNetworkEvents", doc::ENUMNETWORKEVENTS,
            "FD_READ with iErrorCode[FD_READ_BIT] 0, the event reset; a second call reports nothing until recv re-enables it"),
        case!(enum_network_events_reports_fd_accept, "WSPEnumNetworkEvents", doc::ENUMNETWORKEVENTS,
            "FD_ACCEPT with iErrorCode[FD_ACCEPT_BIT] 0"),
        case!(enum_network_events_reports_graceful_fd_close, "WSPEnumNetworkEvents", doc::ENUMNETWORKEVENTS,
            "FD_CLOSE with iErrorCode[FD_CLOSE_BIT] 0"),
        case!(enum_network_events_garbage_handle_gives_wsaenotsock, "WSPEnumNetworkEvents", doc::ENUMNETWORKEVENTS,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(async_select_posts_fd_write_message, "WSPAsyncSelect", doc::ASYNCSELECT,
            "0; a message (hWnd, wMsg, wParam = s, lParam = WSAMAKESELECTREPLY(FD_WRITE, 0)) is posted"),
        case!(async_select_makes_the_socket_nonblocking, "WSPAsyncSelect", doc::ASYNCSELECT,
            "0; FIONBIO 0 then gives SOCKET_ERROR / WSAEINVAL"),
        case!(async_select_garbage_handle_gives_wsaenotsock, "WSPAsyncSelect", doc::ASYNCSELECT,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(select_with_no_sets_gives_wsaeinval, "WSPSelect", doc::SELECT,
            "SOCKET_ERROR / WSAEINVAL"),
        case!(select_reports_readable_socket_with_data, "WSPSelect", doc::SELECT,
            "1; the read set holds the socket"),
        case!(select_zero_timeout_on_idle_socket_gives_zero, "WSPSelect", doc::SELECT,
            "0; the read set is emptied"),
        case!(select_reports_connected_socket_writable, "WSPSelect", doc::SELECT,
            "1; the write set holds the socket"),
        case!(select_reports_listener_readable_with_pending_connection, "WSPSelect", doc::SELECT,
            "1; the read set holds the listener"),
        case!(select_garbage_handle_gives_wsaenotsock, "WSPSelect", doc::SELECT,
            "SOCKET_ERROR / WSAENOTSOCK"),
    ]
}

const BLOCKING_OFF: [u8; 4] = [0; 4];

fn event_select_makes_the_socket_nonblocking(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_READ)",
        w.event_select(s, Some(&ev), FD_READ),
    )?;
    expect_err(
        "FIONBIO 0 while selected",
        w.ioctl(s, FIONBIO, &BLOCKING_OFF, &mut []),
        WsaError::WSAEINVAL,
    )?;
    let mut buf = [0u8; 4];
    let mut flags = 0;
    expect_err(
        "WSPRecv with nothing queued",
        w.recv(s, &mut [&mut buf[..]], &mut flags),
        WsaError::WSAEWOULDBLOCK,
    )
}

fn event_select_zero_mask_allows_blocking_again(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_READ)",
        w.event_select(s, Some(&ev), FD_READ),
    )?;
    expect_ok("WSPEventSelect(NULL, 0)", w.event_select(s, None, 0))?;
    expect_ok(
        "FIONBIO 0 after cancelling",
        w.ioctl(s, FIONBIO, &BLOCKING_OFF, &mut []),
    )
    .map(|_| ())
}

fn event_select_signals_fd_write_on_connected_socket(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_WRITE)",
        w.event_select(c, Some(&ev), FD_WRITE),
    )?;
    fx.wait_event("FD_WRITE", &ev)?;
    let ne = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(c, Some(&ev)))?;
    expect_true(ne.lNetworkEvents & FD_WRITE != 0, || {
        format!("events {:#x} lack FD_WRITE", ne.lNetworkEvents)
    })
}

fn event_select_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let ev = Event::new();
    garbage_gives_enotsock(
        "WSPEventSelect(garbage)",
        w.event_select(GARBAGE, Some(&ev), FD_READ),
    )
}

fn enum_network_events_reports_fd_read_once(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"data")?;
    fx.wait_queued(s, 4)?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_READ)",
        w.event_select(s, Some(&ev), FD_READ),
    )?;
    fx.wait_event("FD_READ", &ev)?;
    let ne = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(s, Some(&ev)))?;
    expect_eq("events", ne.lNetworkEvents, FD_READ)?;
    expect_eq("FD_READ error", ne.iErrorCode[FD_READ_BIT], 0)?;
    expect_true(!ev.is_set(), || {
        "the event is still signalled after enumeration".into()
    })?;
    let again = expect_ok(
        "second WSPEnumNetworkEvents",
        w.enum_network_events(s, None),
    )?;
    expect_eq(
        "events reported again without a recv",
        again.lNetworkEvents,
        0,
    )
}

fn enum_network_events_reports_fd_accept(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_ACCEPT)",
        w.event_select(l, Some(&ev), FD_ACCEPT),
    )?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    fx.wait_event("FD_ACCEPT", &ev)?;
    let ne = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(l, Some(&ev)))?;
    expect_eq("events", ne.lNetworkEvents, FD_ACCEPT)?;
    expect_eq("FD_ACCEPT error", ne.iErrorCode[FD_ACCEPT_BIT], 0)
}

fn enum_network_events_reports_graceful_fd_close(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let ev = Event::new();
    expect_ok(
        "WSPEventSelect(FD_CLOSE)",
        w.event_select(s, Some(&ev), FD_CLOSE),
    )?;
    expect_ok("peer WSPShutdown(SD_SEND)", w.shutdown(c, SD_SEND))?;
    fx.wait_event("FD_CLOSE", &ev)?;
    let ne = expect_ok("WSPEnumNetworkEvents", w.enum_network_events(s, Some(&ev)))?;
    expect_eq("events", ne.lNetworkEvents, FD_CLOSE)?;
    expect_eq("FD_CLOSE error", ne.iErrorCode[FD_CLOSE_BIT], 0)
}

fn enum_network_events_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPEnumNetworkEvents(garbage)",
        w.enum_network_events(GARBAGE, None),
    )
}

fn async_select_posts_fd_write_message(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    let hwnd = Hwnd::new();
    expect_ok(
        "WSPAsyncSelect(FD_WRITE)",
        w.async_select(c, Some(&hwnd), 0x0401, FD_WRITE),
    )?;
    let deadline = Instant::now() + BOUND;
    let m = loop {
        let seen = hwnd.gate().epoch();
        if let Some(m) = hwnd.try_get() {
            break m;
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Outcome::Fail("no message posted within the bound".into()));
        }
        hwnd.gate().wait(seen, Some(deadline - now));
    };
    expect_eq("hwnd", m.hwnd, hwnd.id())?;
    expect_eq("wMsg", m.msg, 0x0401)?;
    expect_eq("wParam", m.wparam, c)?;
    expect_eq("lParam", m.lparam, FD_WRITE as isize)
}

fn async_select_makes_the_socket_nonblocking(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, s) = fx.pair()?;
    let hwnd = Hwnd::new();
    expect_ok(
        "WSPAsyncSelect(FD_READ)",
        w.async_select(s, Some(&hwnd), 0x0401, FD_READ),
    )?;
    expect_err(
        "FIONBIO 0 while selected",
        w.ioctl(s, FIONBIO, &BLOCKING_OFF, &mut []),
        WsaError::WSAEINVAL,
    )
}

fn async_select_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let hwnd = Hwnd::new();
    garbage_gives_enotsock(
        "WSPAsyncSelect(garbage)",
        w.async_select(GARBAGE, Some(&hwnd), 0x0401, FD_READ),
    )
}

fn timeout(secs: i32) -> TIMEVAL {
    TIMEVAL {
        tv_sec: secs,
        tv_usec: 0,
    }
}

fn select_with_no_sets_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPSelect with no sets",
        w.select(None, None, None, Some(&timeout(0))),
        WsaError::WSAEINVAL,
    )
}

fn select_reports_readable_socket_with_data(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"r")?;
    fx.wait_queued(s, 1)?;
    let mut read = FdSet::new();
    read.set(s);
    let n = expect_ok(
        "WSPSelect(read)",
        w.select(Some(&mut read), None, None, Some(&timeout(5))),
    )?;
    expect_eq("ready count", n, 1)?;
    expect_true(read.is_set(s) && read.len() == 1, || {
        format!("read set {read:?}")
    })
}

fn select_zero_timeout_on_idle_socket_gives_zero(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_, s) = fx.pair()?;
    let mut read = FdSet::new();
    read.set(s);
    let n = expect_ok(
        "WSPSelect(read, 0)",
        w.select(Some(&mut read), None, None, Some(&timeout(0))),
    )?;
    expect_eq("ready count", n, 0)?;
    expect_true(read.is_empty(), || {
        format!("read set not emptied: {read:?}")
    })
}

fn select_reports_connected_socket_writable(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, _) = fx.pair()?;
    let mut write = FdSet::new();
    write.set(c);
    let n = expect_ok(
        "WSPSelect(write)",
        w.select(None, Some(&mut write), None, Some(&timeout(5))),
    )?;
    expect_eq("ready count", n, 1)?;
    expect_true(write.is_set(c), || format!("write set {write:?}"))
}

fn select_reports_listener_readable_with_pending_connection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let mut read = FdSet::new();
    read.set(l);
    let n = expect_ok(
        "WSPSelect(read)",
        w.select(Some(&mut read), None, None, Some(&timeout(5))),
    )?;
    expect_eq("ready count", n, 1)?;
    expect_true(read.is_set(l), || format!("read set {read:?}"))
}

fn select_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut read = FdSet::new();
    read.set(GARBAGE);
    garbage_gives_enotsock(
        "WSPSelect(garbage)",
        w.select(Some(&mut read), None, None, Some(&timeout(0))),
    )
}
