//! Overlapped completions in the trace: every request the issuing call started is
//! recorded once more when it completes (`NAME:complete`, with the bytes, the flags and
//! the operation's error by name), whether the caller hears of it through an event, a
//! completion routine, a completion port or `WSPGetOverlappedResult` alone, for the SPI
//! calls and the extension functions alike. Over the engine on the sim backend.
//!
//! Windows rules the records follow (the `WSARecv`/`WSASend` and `AcceptEx` pages): an
//! immediate completion is still notified, so it is recorded complete too; an error
//! from the issuing call means the request never started and no completion follows.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use wsp::layer::{Layered, WspExt};
use wsp::overlapped::{CompletionPort, Overlapped};
use wsp::sync::{sleep_ex, Event, RealTime, WaitResult};
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};
use wsp_trace::{Config, Record, Trace, Value};

const BOUND: Option<Duration> = Some(Duration::from_secs(5));

fn traced() -> (Layered<Trace>, Arc<Mutex<Vec<Record>>>) {
    let (config, records) = Config::memory();
    let engine = wsp::Engine::new(wsp_sim::Sim::new(11));
    (Layered::new(Trace::new(config), Arc::new(engine)), records)
}

fn loopback() -> SockAddr {
    SockAddr::from_std("127.0.0.1:0".parse().unwrap())
}

fn signalled(e: &Event) -> bool {
    e.wait(&RealTime, BOUND, false) != WaitResult::Timeout
}

fn overlapped_tcp(w: &dyn Wsp) -> SOCKET {
    w.socket(
        AF_INET,
        SOCK_STREAM,
        IPPROTO_TCP,
        None,
        0,
        WSA_FLAG_OVERLAPPED,
    )
    .unwrap()
}

/// A listener on loopback and its address.
fn listener(w: &dyn Wsp) -> (SOCKET, SockAddr) {
    let l = overlapped_tcp(w);
    w.bind(l, &loopback()).unwrap();
    w.listen(l, 5).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(l, &mut at).unwrap();
    (l, at)
}

/// A connected pair of overlapped sockets: (client, accepted).
fn pair(w: &dyn Wsp) -> (SOCKET, SOCKET) {
    let (l, at) = listener(w);
    let c = overlapped_tcp(w);
    w.connect(c, &at, None, None, None, None).unwrap();
    let a = w.accept(l, None, None).unwrap();
    w.close_socket(l).unwrap();
    (c, a)
}

/// The records of `function` whose `ov` argument is `key`.
fn with_key<'a>(r: &'a [Record], function: &str, key: usize) -> Vec<&'a Record> {
    let ov = Value::str(format!("{key:#x}"));
    r.iter()
        .filter(|x| x.function == function && x.arg("ov") == Some(&ov))
        .collect()
}

/// The one issue record and the one completion record of request `key`, the completion
/// after the issue.
fn issue_and_completion<'a>(
    r: &'a [Record],
    function: &str,
    key: usize,
) -> (&'a Record, &'a Record) {
    let issued = with_key(r, function, key);
    assert_eq!(
        issued.len(),
        1,
        "{function} {key:#x} issued once: {issued:?}"
    );
    let complete = with_key(r, &format!("{function}:complete"), key);
    assert_eq!(
        complete.len(),
        1,
        "{function} {key:#x} recorded complete exactly once: {complete:?}"
    );
    assert!(
        complete[0].seq > issued[0].seq,
        "completion after the issue"
    );
    // Timed from the issue: the same start, and outstanding at least as long as the
    // issuing call took.
    assert_eq!(complete[0].t_us, issued[0].t_us);
    assert!(complete[0].us >= issued[0].us);
    (issued[0], complete[0])
}

#[test]
fn event_routine_port_and_immediate_requests_are_each_recorded_complete_once() {
    let (w, records) = traced();
    w.startup(0x0202).unwrap();
    let (c, a) = pair(&w);

    // Event: pending until the peer sends.
    let ev = Event::new();
    let issued = w
        .recv_overlapped(
            c,
            Box::new(vec![0u8; 16]),
            0,
            Overlapped::new(0x10).with_event(&ev),
        )
        .unwrap();
    assert!(issued.immediate.is_none());
    assert_eq!(w.send(a, &[b"ping"], 0), Ok(4));
    assert!(signalled(&ev));
    // Asking for the result (twice) records the calls, not a second completion.
    assert_eq!(w.get_overlapped_result(c, 0x10, false), Ok((4, 0)));
    assert_eq!(w.get_overlapped_result(c, 0x10, true), Ok((4, 0)));

    // Completion routine: runs in an alertable wait of this thread.
    let done = Arc::new(Mutex::new(None));
    let d = done.clone();
    let ov = Overlapped::new(0x11).with_routine(move |err, bytes, _, _| {
        *d.lock().unwrap() = Some((err, bytes));
    });
    let issued = w
        .recv_overlapped(a, Box::new(vec![0u8; 16]), 0, ov)
        .unwrap();
    assert!(issued.immediate.is_none());
    assert_eq!(w.send(c, &[b"hello"], 0), Ok(5));
    for _ in 0..500 {
        sleep_ex(&RealTime, Some(Duration::from_millis(10)), true);
        if done.lock().unwrap().is_some() {
            break;
        }
    }
    assert_eq!(*done.lock().unwrap(), Some((0, 5)));

    // Completion port, no event: the packet is the only notification.
    let port = CompletionPort::new();
    w.associate_port(c, &port, 0x77).unwrap();
    let issued = w
        .recv_overlapped(c, Box::new(vec![0u8; 16]), 0, Overlapped::new(0x12))
        .unwrap();
    assert!(issued.immediate.is_none());
    assert_eq!(w.send(a, &[b"abc"], 0), Ok(3));
    let p = port.get(&RealTime, BOUND).expect("a completion packet");
    assert_eq!((p.key, p.overlapped, p.bytes), (0x77, 0x12, 3));

    // Immediate: a send that completes inside the call is still notified (a packet
    // here), so it is recorded complete too.
    let issued = w
        .send_overlapped(c, Box::new(b"xy".to_vec()), 0, Overlapped::new(0x13))
        .unwrap();
    assert_eq!(issued.immediate.map(|r| r.bytes), Some(2));
    let p = port.get(&RealTime, BOUND).expect("a packet for the send");
    assert_eq!(p.overlapped, 0x13);

    w.cleanup().unwrap();
    let r = records.lock().unwrap();

    let (issue, complete) = issue_and_completion(&r, "WSPRecv", 0x10);
    assert_eq!(issue.error, Some(WsaError::WSA_IO_PENDING));
    assert_eq!(issue.arg("event"), Some(&Value::Int(ev.raw() as i64)));
    assert_eq!(complete.args_text(), format!("s={c}, ov=0x10"));
    assert_eq!(complete.result_text(), "4");
    assert_eq!(complete.out_text(), "bytes=4 flags=0");
    assert_eq!(complete.error, None);
    // The two WSPGetOverlappedResult calls are records of their own, after it.
    let gor: Vec<&Record> = r
        .iter()
        .filter(|x| x.function == "WSPGetOverlappedResult")
        .collect();
    assert_eq!(gor.len(), 2);
    assert!(gor.iter().all(|g| g.seq > complete.seq));

    let (issue, complete) = issue_and_completion(&r, "WSPRecv", 0x11);
    assert_eq!(issue.arg("routine"), Some(&Value::Bool(true)));
    assert_eq!(complete.args_text(), format!("s={a}, ov=0x11"));
    assert_eq!(complete.result_text(), "5");

    let (issue, complete) = issue_and_completion(&r, "WSPRecv", 0x12);
    assert_eq!(issue.arg("event"), None);
    assert_eq!(complete.result_text(), "3");
    let assoc = r
        .iter()
        .find(|x| x.function == "CreateIoCompletionPort")
        .unwrap();
    assert_eq!(assoc.args_text(), format!("s={c}, key=0x77"));

    let (issue, complete) = issue_and_completion(&r, "WSPSend", 0x13);
    assert_eq!(issue.result_text(), "2");
    assert_eq!(complete.result_text(), "2");
    assert_eq!(complete.out_arg("bytes"), Some(&Value::Int(2)));
}

#[test]
fn an_aborted_request_is_recorded_complete_with_the_error_by_name() {
    let (config, records) = Config::memory();
    let engine = wsp::Engine::new(wsp_sim::Sim::new(12));
    let w = Layered::new(Trace::new(config), Arc::new(engine));
    w.startup(0x0202).unwrap();
    let (c, a) = pair(&w);
    let ev = Event::new();
    let issued = w
        .recv_overlapped(
            c,
            Box::new(vec![0u8; 16]),
            0,
            Overlapped::new(0x20).with_event(&ev),
        )
        .unwrap();
    assert!(issued.immediate.is_none());
    // Closing the socket aborts the pending request (closesocket page:
    // WSA_OPERATION_ABORTED for outstanding overlapped operations).
    w.close_socket(c).unwrap();
    assert!(signalled(&ev));
    assert_eq!(
        issued.op.result().and_then(|r| r.error),
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
    w.close_socket(a).unwrap();
    w.cleanup().unwrap();

    let r = records.lock().unwrap();
    let (_, complete) = issue_and_completion(&r, "WSPRecv", 0x20);
    assert_eq!(complete.error, Some(WsaError::WSA_OPERATION_ABORTED));
    assert_eq!(complete.result_text(), "SOCKET_ERROR WSA_OPERATION_ABORTED");
    assert_eq!(complete.out_arg("bytes"), Some(&Value::Int(0)));
    let json = complete.to_json();
    assert!(
        json.contains(r#""fn":"WSPRecv:complete""#)
            && json.contains(r#""error":"WSA_OPERATION_ABORTED""#)
            && json.contains(&format!(
                r#""code":{}"#,
                WsaError::WSA_OPERATION_ABORTED.code()
            )),
        "{json}"
    );
}

#[test]
fn a_request_that_never_started_has_no_completion_record() {
    let (w, records) = traced();
    w.startup(0x0202).unwrap();
    let s = overlapped_tcp(&w);
    // Not connected: WSARecv fails in the call (WSAENOTCONN) and nothing completes.
    let ev = Event::new();
    let r = w.recv_overlapped(
        s,
        Box::new(vec![0u8; 16]),
        0,
        Overlapped::new(0x30).with_event(&ev),
    );
    assert!(r.is_err(), "{r:?}");
    w.cleanup().unwrap();
    let r = records.lock().unwrap();
    let issued = with_key(&r, "WSPRecv", 0x30);
    assert_eq!(issued.len(), 1);
    assert!(issued[0].error.is_some());
    assert!(with_key(&r, "WSPRecv:complete", 0x30).is_empty());
}

#[test]
fn extension_functions_are_recorded_complete() {
    let (w, records) = traced();
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);

    // AcceptEx with no receive: completes when the connection arrives.
    let accept = overlapped_tcp(&w);
    let aev = Event::new();
    let room = 16 + 16;
    let issued = w
        .accept_ex(
            l,
            accept,
            Box::new(vec![0u8; 2 * room]),
            0,
            room,
            room,
            Overlapped::new(0x40).with_event(&aev),
        )
        .unwrap();
    // ConnectEx from a bound socket.
    let c = overlapped_tcp(&w);
    w.bind(c, &loopback()).unwrap();
    let cev = Event::new();
    w.connect_ex(c, &at, None, Overlapped::new(0x41).with_event(&cev))
        .unwrap();
    assert!(signalled(&aev) && signalled(&cev));
    assert_eq!(issued.op.result().map(|r| r.error), Some(None));
    w.set_sock_opt(
        accept,
        SOL_SOCKET,
        SO_UPDATE_ACCEPT_CONTEXT,
        &(l as u64).to_le_bytes(),
    )
    .unwrap();
    w.set_sock_opt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, &[])
        .unwrap();

    // DisconnectEx on the connected client.
    let dev = Event::new();
    w.disconnect_ex(c, 0, Overlapped::new(0x42).with_event(&dev))
        .unwrap();
    assert!(signalled(&dev));
    w.cleanup().unwrap();

    let r = records.lock().unwrap();
    let (issue, complete) = issue_and_completion(&r, "AcceptEx", 0x40);
    assert_eq!(issue.arg("accept"), Some(&Value::Handle(accept)));
    assert_eq!(complete.args_text(), format!("s={l}, ov=0x40"));
    assert_eq!(complete.result_text(), "0");
    let (_, complete) = issue_and_completion(&r, "ConnectEx", 0x41);
    assert_eq!(complete.args_text(), format!("s={c}, ov=0x41"));
    assert_eq!(complete.error, None);
    let (issue, complete) = issue_and_completion(&r, "DisconnectEx", 0x42);
    assert_eq!(issue.arg("flags"), Some(&Value::str("0")));
    assert_eq!(complete.error, None);
}
