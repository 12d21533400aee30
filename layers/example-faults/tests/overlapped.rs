//! Overlapped requests through the exported layer, driven through C: the caller's
//! requests complete on the layer's own handle (the layer issues its own below and
//! completes the caller's through the upcall table it was started with:
//! `WPUCompleteOverlappedRequest`'s bookkeeping into the caller's `WSAOVERLAPPED`, then
//! `WPUQueueApc` for the completion routine), events, routines, `WSPGetOverlappedResult`
//! on the layer's handle, and close with requests pending (each aborted exactly once).
//!
//! `ForeignProvider` is the C caller here: every request it makes carries its own
//! `WSAOVERLAPPED` and a completion routine queued (through `WPUQueueApc`) to its
//! completion thread, which then notifies the Rust caller's event or routine.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use wsp::overlapped::Overlapped;
use wsp::sync::{Event, RealTime, WaitResult};
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};
use wsp_example_faults::Faults;
use wsp_provider::{Export, ForeignProvider, NextProvider};

const BOUND: Option<Duration> = Some(Duration::from_secs(5));

fn signalled(e: &Event) -> bool {
    e.wait(&RealTime, BOUND, false) != WaitResult::Timeout
}

/// The example layer with no rules (a pass-through), exported and driven through C.
fn through_c() -> ForeignProvider {
    ForeignProvider::in_tree_layered(Export::new(|| Faults::new(vec![]), NextProvider::Engine))
}

fn tcp(w: &dyn Wsp) -> SOCKET {
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

/// (client, server) over loopback.
fn pair(w: &dyn Wsp) -> (SOCKET, SOCKET) {
    let l = tcp(w);
    w.bind(l, &SockAddr::from_std("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    w.listen(l, 5).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(l, &mut at).unwrap();
    let c = tcp(w);
    w.connect(c, &at, None, None, None, None).unwrap();
    let s = w.accept(l, None, None).unwrap();
    w.close_socket(l).unwrap();
    (c, s)
}

#[test]
fn events_routines_and_results_through_c_on_the_layer_handle() {
    let w = through_c();
    w.startup(0x0202).unwrap();
    let (c, s) = pair(&w);
    // Event.
    let ev = Event::new();
    let issued = w
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 8]),
            0,
            Overlapped::new(1).with_event(&ev),
        )
        .unwrap();
    assert!(issued.immediate.is_none());
    assert_eq!(
        w.get_overlapped_result(s, 1, false),
        Err(WsaError::WSA_IO_INCOMPLETE),
        "WSPGetOverlappedResult on the layer's handle while pending"
    );
    w.send(c, &[b"seven!!"], 0).unwrap();
    assert!(signalled(&ev));
    assert_eq!(w.get_overlapped_result(s, 1, true).unwrap(), (7, 0));
    let data: Vec<u8> = issued.op.take_buffers().downcast().unwrap();
    assert_eq!(&data[..7], b"seven!!");
    // Completion routine: queued to this thread, run in its alertable wait.
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 8]),
        0,
        Overlapped::new(2).with_routine(move |e, n, key, _| g.lock().unwrap().push((e, n, key))),
    )
    .unwrap();
    w.send(c, &[b"ab"], 0).unwrap();
    for _ in 0..100 {
        if !got.lock().unwrap().is_empty() {
            break;
        }
        wsp::sync::sleep_ex(&RealTime, Some(Duration::from_millis(50)), true);
    }
    assert_eq!(*got.lock().unwrap(), vec![(0, 2, 2)]);
    // A truncated datagram: the operation's own error with its bytes and MSG_PARTIAL.
    let u = w
        .socket(
            AF_INET,
            SOCK_DGRAM,
            IPPROTO_UDP,
            None,
            0,
            WSA_FLAG_OVERLAPPED,
        )
        .unwrap();
    w.bind(u, &SockAddr::from_std("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(u, &mut at).unwrap();
    let ev3 = Event::new();
    w.recv_overlapped(
        u,
        Box::new(vec![0u8; 2]),
        0,
        Overlapped::new(3).with_event(&ev3),
    )
    .unwrap();
    w.send_to(u, &[b"12345"], 0, Some(&at)).unwrap();
    assert!(signalled(&ev3));
    let r = w.get_overlapped_result_ex(u, 3, true).unwrap();
    assert_eq!(
        (r.error, r.bytes, r.flags),
        (Some(WsaError::WSAEMSGSIZE), 2, MSG_PARTIAL)
    );
    w.cleanup().unwrap();
}

#[test]
fn close_through_c_aborts_pending_requests_exactly_once() {
    let w = through_c();
    w.startup(0x0202).unwrap();
    let (_c, s) = pair(&w);
    let ev = Event::new();
    let a = w
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 8]),
            0,
            Overlapped::new(10).with_event(&ev),
        )
        .unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 8]),
        0,
        Overlapped::new(11).with_routine(move |e, n, key, _| g.lock().unwrap().push((e, n, key))),
    )
    .unwrap();
    w.close_socket(s).unwrap();
    assert!(signalled(&ev));
    assert_eq!(
        a.op.result().map(|r| r.error),
        Some(Some(WsaError::WSA_OPERATION_ABORTED))
    );
    for _ in 0..100 {
        if !got.lock().unwrap().is_empty() {
            break;
        }
        wsp::sync::sleep_ex(&RealTime, Some(Duration::from_millis(50)), true);
    }
    let aborted = WsaError::WSA_OPERATION_ABORTED.code() as u32;
    assert_eq!(*got.lock().unwrap(), vec![(aborted, 0, 11)]);
    // Nothing more: one more alertable wait runs no second routine.
    wsp::sync::sleep_ex(&RealTime, Some(Duration::from_millis(20)), true);
    assert_eq!(got.lock().unwrap().len(), 1);
    w.cleanup().unwrap();
}
