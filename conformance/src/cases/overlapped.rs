//! Overlapped I/O: `WSPRecv`/`WSPSend`/`WSPRecvFrom` with a `WSAOVERLAPPED`, and
//! `WSPGetOverlappedResult`.
//!
//! Sources: the WSPRecv and WSPSend pages ("if the overlapped operation completes
//! immediately, ... the completion indication occurs"; "WSA_IO_PENDING: an overlapped
//! operation was successfully initiated"), "Overlapped I/O and event objects" (completion
//! routines run only in an alertable wait; operations complete in issue order on a
//! socket), the WSPCloseSocket page (pending overlapped operations are cancelled with
//! WSA_OPERATION_ABORTED) and the WSPGetOverlappedResult page (WSA_IO_INCOMPLETE).

use super::doc;
use crate::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wsp::overlapped::{OpHandle, OpResult, Overlapped};
use wsp::sync::{sleep_ex, Event, RealTime};
use wsp::types::*;
use wsp::{WsaError, Wsp};

const RECV_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwsprecv";
const SEND_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspsend";
const IOCTLS_PAGE: &str = "https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls";
const CLOSE_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspclosesocket";

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(pending_recv_gives_io_pending_then_completes, "WSPRecv", RECV_PAGE,
            "WSA_IO_PENDING; WSPGetOverlappedResult(fWait=FALSE) gives WSA_IO_INCOMPLETE; after data arrives, fWait=TRUE gives the byte count"),
        case!(immediate_completion_still_sets_the_event, "WSPRecv", RECV_PAGE,
            "0 (completed at once) and hEvent is signalled anyway"),
        case!(completion_routine_runs_only_in_an_alertable_wait, "WSPRecv", RECV_PAGE,
            "the routine is not run by a non-alertable wait; an alertable SleepEx runs it once with (0, bytes, key, 0)"),
        case!(outstanding_receives_fill_in_issue_order, "WSPRecv", RECV_PAGE,
            "4 pending 4-byte receives get AAAA, BBBB, CCCC, DDDD in issue order"),
        case!(sends_complete_in_issue_order, "WSPSend", SEND_PAGE,
            "4 overlapped sends complete in order and the peer reads their bytes in order"),
        case!(close_aborts_pending_operations_exactly_once, "WSPCloseSocket", CLOSE_PAGE,
            "each pending receive completes once with WSA_OPERATION_ABORTED; each routine runs once"),
        case!(get_overlapped_result_unknown_request_gives_wsaeinval, "WSPGetOverlappedResult", doc::GETOVERLAPPEDRESULT,
            "SOCKET_ERROR / WSAEINVAL for a WSAOVERLAPPED never used on the socket"),
        case!(truncated_datagram_completes_with_wsaemsgsize_and_msg_partial, "WSPGetOverlappedResult", doc::GETOVERLAPPEDRESULT,
            "the operation's error WSAEMSGSIZE, the buffer full, MSG_PARTIAL in the flags"),
        case!(overlapped_address_list_change_is_pending_until_close_aborts_it, "WSPIoctl", IOCTLS_PAGE,
            "SIO_ADDRESS_LIST_CHANGE with an overlapped request: WSA_IO_PENDING at once (never blocks), WSA_IO_INCOMPLETE meanwhile, and WSPCloseSocket completes it with WSA_OPERATION_ABORTED, hEvent signalled"),
        case!(overlapped_routing_interface_change_does_not_hold_up_later_requests, "WSPIoctl", IOCTLS_PAGE,
            "SIO_ROUTING_INTERFACE_CHANGE overlapped stays pending while a later overlapped FIONREAD completes at once (4 bytes, hEvent signalled)"),
    ]
}

/// A connected pair of overlapped TCP sockets: `(client, server)`.
fn ov_pair(fx: &Fixture) -> Step<(SOCKET, SOCKET)> {
    let w = fx.w;
    let tcp = || -> Step<SOCKET> {
        Ok(fx.track(expect_ok(
            "WSPSocket(WSA_FLAG_OVERLAPPED)",
            w.socket(
                AF_INET,
                SOCK_STREAM,
                IPPROTO_TCP,
                None,
                0,
                WSA_FLAG_OVERLAPPED,
            ),
        )?))
    };
    // The accepted socket inherits the listener's WSA_FLAG_OVERLAPPED.
    let l = tcp()?;
    let la = fx.bind_loopback(l)?;
    expect_ok("WSPListen", w.listen(l, SOMAXCONN))?;
    let c = tcp()?;
    fx.connect(c, &la)?;
    let s = fx.accept(l)?;
    Ok((c, s))
}

/// What a completion routine was called with: (dwError, cbTransferred, key, dwFlags).
type RoutineCall = (u32, u32, usize, u32);

fn wait_op(what: &str, op: &OpHandle) -> Step<OpResult> {
    op.wait(&RealTime, Some(BOUND))
        .ok_or_else(|| Outcome::Fail(format!("{what}: not complete within {BOUND:?}")))
}

fn recv_ov(w: &dyn Wsp, s: SOCKET, len: usize, ov: Overlapped) -> Step<wsp::overlapped::Issued> {
    expect_ok(
        "WSPRecv(overlapped)",
        w.recv_overlapped(s, Box::new(vec![0u8; len]), 0, ov),
    )
}

fn data_of(op: &OpHandle) -> Vec<u8> {
    op.take_buffers().downcast::<Vec<u8>>().unwrap_or_default()
}

fn pending_recv_gives_io_pending_then_completes(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = ov_pair(&fx)?;
    let issued = recv_ov(w, s, 16, Overlapped::new(0x1000))?;
    expect_true(issued.immediate.is_none(), || {
        "completed with no data sent".into()
    })?;
    expect_err(
        "WSPGetOverlappedResult(fWait=FALSE)",
        w.get_overlapped_result(s, 0x1000, false),
        WsaError::WSA_IO_INCOMPLETE,
    )?;
    fx.send_all(c, b"hello")?;
    let (bytes, flags) = expect_ok(
        "WSPGetOverlappedResult(fWait=TRUE)",
        w.get_overlapped_result(s, 0x1000, true),
    )?;
    expect_eq("bytes", bytes, 5)?;
    expect_eq("flags", flags, 0)?;
    expect_eq("data", &data_of(&issued.op)[..5], &b"hello"[..])
}

fn immediate_completion_still_sets_the_event(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = ov_pair(&fx)?;
    fx.send_all(c, b"ready")?;
    fx.wait_queued(s, 5)?;
    let ev = Event::new();
    let issued = recv_ov(w, s, 5, Overlapped::new(0x2000).with_event(&ev))?;
    let r = issued
        .immediate
        .ok_or_else(|| Outcome::Fail("queued data did not complete at once".into()))?;
    expect_eq("bytes", r.bytes, 5)?;
    expect_true(ev.is_set(), || {
        "hEvent not signalled for an immediate completion".into()
    })
}

fn completion_routine_runs_only_in_an_alertable_wait(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = ov_pair(&fx)?;
    let calls: Arc<Mutex<Vec<RoutineCall>>> = Arc::default();
    let seen = calls.clone();
    let issued = recv_ov(
        w,
        s,
        8,
        Overlapped::new(0x3000).with_routine(move |e, n, k, f| {
            seen.lock().unwrap().push((e, n, k, f));
        }),
    )?;
    fx.send_all(c, b"abc")?;
    wait_op("receive", &issued.op)?;
    // A non-alertable wait does not run it.
    sleep_ex(&RealTime, Some(Duration::ZERO), false);
    expect_eq(
        "routine calls before an alertable wait",
        calls.lock().unwrap().len(),
        0,
    )?;
    sleep_ex(&RealTime, Some(BOUND), true);
    let got = calls.lock().unwrap().clone();
    expect_eq("routine calls", got, vec![(0, 3, 0x3000, 0)])
}

fn outstanding_receives_fill_in_issue_order(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = ov_pair(&fx)?;
    let ops = (0..4)
        .map(|i| recv_ov(w, s, 4, Overlapped::new(0x4000 + i)).map(|x| x.op))
        .collect::<Step<Vec<_>>>()?;
    fx.send_all(c, b"AAAABBBBCCCCDDDD")?;
    for (i, op) in ops.iter().enumerate() {
        let r = wait_op("receive", op)?;
        expect_eq("error", r.error, None)?;
        let want = [b'A' + i as u8; 4];
        let got = data_of(op);
        expect_eq("bytes", &got[..r.bytes as usize], &want[..r.bytes as usize])?;
        // Receives complete in issue order: a later one never holds earlier bytes.
        expect_eq("length", r.bytes, 4)?;
    }
    Ok(())
}

fn sends_complete_in_issue_order(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = ov_pair(&fx)?;
    let mut ops = Vec::new();
    for i in 0..4u8 {
        let ov = Overlapped::new(0x5000 + i as usize);
        let issued = expect_ok(
            "WSPSend(overlapped)",
            w.send_overlapped(c, Box::new(vec![b'0' + i; 1000]), 0, ov),
        )?;
        ops.push(issued.op);
    }
    for op in &ops {
        let r = wait_op("send", op)?;
        expect_eq("error", r.error, None)?;
        expect_eq("bytes", r.bytes, 1000)?;
    }
    let got = fx.recv_exact(s, 4000)?;
    for i in 0..4 {
        expect_true(
            got[i * 1000..(i + 1) * 1000]
                .iter()
                .all(|&b| b == b'0' + i as u8),
            || format!("send {i}'s bytes out of order"),
        )?;
    }
    Ok(())
}

fn close_aborts_pending_operations_exactly_once(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_c, s) = ov_pair(&fx)?;
    let runs = Arc::new(AtomicU32::new(0));
    let codes = Arc::new(Mutex::new(Vec::new()));
    let mut ops = Vec::new();
    for i in 0..3 {
        let (r, k) = (runs.clone(), codes.clone());
        let ov = Overlapped::new(0x6000 + i).with_routine(move |e, _, _, _| {
            r.fetch_add(1, Ordering::SeqCst);
            k.lock().unwrap().push(e);
        });
        ops.push(recv_ov(w, s, 8, ov)?.op);
    }
    fx.close(s)?;
    for op in &ops {
        let r = wait_op("aborted receive", op)?;
        expect_eq("error", r.error, Some(WsaError::WSA_OPERATION_ABORTED))?;
    }
    sleep_ex(&RealTime, Some(BOUND), true);
    // Any routine queued late would run in this second alertable wait.
    sleep_ex(&RealTime, Some(Duration::from_millis(1)), true);
    expect_eq("routine runs", runs.load(Ordering::SeqCst), 3)?;
    let got = codes.lock().unwrap().clone();
    expect_eq(
        "routine errors",
        got,
        vec![WsaError::WSA_OPERATION_ABORTED.code() as u32; 3],
    )
}

fn get_overlapped_result_unknown_request_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_c, s) = ov_pair(&fx)?;
    expect_err(
        "WSPGetOverlappedResult(unknown)",
        w.get_overlapped_result(s, 0xdead_0000, false),
        WsaError::WSAEINVAL,
    )
}

fn truncated_datagram_completes_with_wsaemsgsize_and_msg_partial(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let u = fx.track(expect_ok(
        "WSPSocket(UDP, WSA_FLAG_OVERLAPPED)",
        w.socket(
            AF_INET,
            SOCK_DGRAM,
            IPPROTO_UDP,
            None,
            0,
            WSA_FLAG_OVERLAPPED,
        ),
    )?);
    let ua = fx.bind_loopback(u)?;
    let issued = recv_ov(w, u, 4, Overlapped::new(0x7000))?;
    let (v, _) = fx.bound_udp()?;
    expect_ok("WSPSendTo", w.send_to(v, &[b"0123456789"], 0, Some(&ua)))?;
    wait_op("receive", &issued.op)?;
    let r = expect_ok(
        "WSPGetOverlappedResult",
        w.get_overlapped_result_ex(u, 0x7000, true),
    )?;
    expect_eq("error", r.error, Some(WsaError::WSAEMSGSIZE))?;
    expect_eq("bytes", r.bytes, 4)?;
    expect_eq("flags", r.flags & MSG_PARTIAL, MSG_PARTIAL)?;
    expect_eq("data", data_of(&issued.op), b"0123".to_vec())
}

fn ov_tcp(fx: &Fixture) -> Step<SOCKET> {
    Ok(fx.track(expect_ok(
        "WSPSocket(WSA_FLAG_OVERLAPPED)",
        fx.w.socket(
            AF_INET,
            SOCK_STREAM,
            IPPROTO_TCP,
            None,
            0,
            WSA_FLAG_OVERLAPPED,
        ),
    )?))
}

fn overlapped_address_list_change_is_pending_until_close_aborts_it(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = ov_tcp(&fx)?;
    let ev = Event::new();
    let issued = expect_ok(
        "WSPIoctl(SIO_ADDRESS_LIST_CHANGE, overlapped)",
        w.ioctl_overlapped(
            s,
            SIO_ADDRESS_LIST_CHANGE,
            &[],
            Box::new(Vec::<u8>::new()),
            Overlapped::new(0x8000).with_event(&ev),
        ),
    )?;
    expect_true(issued.immediate.is_none(), || {
        "completed at once: expected WSA_IO_PENDING".into()
    })?;
    expect_err(
        "WSPGetOverlappedResult(fWait=FALSE)",
        w.get_overlapped_result(s, 0x8000, false),
        WsaError::WSA_IO_INCOMPLETE,
    )?;
    fx.close(s)?;
    let r = wait_op("aborted ioctl", &issued.op)?;
    expect_eq("error", r.error, Some(WsaError::WSA_OPERATION_ABORTED))?;
    // Windows writes the result before it signals hEvent, so a caller that saw the
    // request complete may find the event set a moment later: wait for it (bounded).
    expect_true(
        ev.wait(&RealTime, Some(BOUND), false) == wsp::sync::WaitResult::Object(0),
        || "hEvent not signalled on abort".into(),
    )
}

fn overlapped_routing_interface_change_does_not_hold_up_later_requests(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (_c, s) = ov_pair(&fx)?;
    let dest = fx.bind_loopback(ov_tcp(&fx)?)?;
    let change = expect_ok(
        "WSPIoctl(SIO_ROUTING_INTERFACE_CHANGE, overlapped)",
        w.ioctl_overlapped(
            s,
            SIO_ROUTING_INTERFACE_CHANGE,
            dest.as_bytes(),
            Box::new(Vec::<u8>::new()),
            Overlapped::new(0x8100),
        ),
    )?;
    expect_true(change.immediate.is_none(), || {
        "completed at once: expected WSA_IO_PENDING".into()
    })?;
    let ev = Event::new();
    let q = expect_ok(
        "WSPIoctl(FIONREAD, overlapped)",
        w.ioctl_overlapped(
            s,
            FIONREAD,
            &[],
            Box::new(vec![0u8; 4]),
            Overlapped::new(0x8101).with_event(&ev),
        ),
    )?;
    let r = q
        .immediate
        .ok_or_else(|| Outcome::Fail("FIONREAD did not complete at once".into()))?;
    expect_eq("bytes", r.bytes, 4)?;
    expect_true(ev.is_set(), || "hEvent not signalled".into())?;
    expect_true(change.op.result().is_none(), || {
        "the change request completed without a change".into()
    })
}
