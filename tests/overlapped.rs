//! Overlapped I/O on the portable backend: notification, ordering, abort, results,
//! completion ports, extension functions. Sources: the WSARecv, WSASend,
//! WSAGetOverlappedResult, AcceptEx, ConnectEx, DisconnectEx pages on Microsoft Learn,
//! and Wine's dlls/ws2_32/tests/sock.c where it records observed Windows behaviour.

mod util;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use util::*;
use wsp::overlapped::{CompletionPort, OpResult, Overlapped, RecvFromBuf};
use wsp::sync::{sleep_ex, Event, RealTime, WaitResult};
use wsp::types::*;
use wsp::{Engine, SockAddr, WsaError, Wsp};
use wsp_portable::Portable;

type Log = Arc<Mutex<Vec<(u32, u32, usize, u32)>>>;

fn logger(log: &Log) -> impl FnOnce(u32, u32, usize, u32) + Send + 'static {
    let log = log.clone();
    move |e, n, k, f| log.lock().unwrap().push((e, n, k, f))
}

/// Run this thread's queued completion routines (an alertable wait), until `n` have run
/// in total; bounded by the guard.
fn run_routines(log: &Log, n: usize) {
    let deadline = std::time::Instant::now() + GUARD;
    while log.lock().unwrap().len() < n {
        assert!(std::time::Instant::now() < deadline, "routines did not run");
        sleep_ex(&RealTime, Some(Duration::from_millis(50)), true);
    }
}

/// A connected pair `(client, server, listener)` of overlapped TCP sockets.
fn ov_pair(p: &Engine<Portable>) -> (SOCKET, SOCKET, SOCKET) {
    let l = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let mut a = SockAddr::default();
    p.get_sock_name(l, &mut a).unwrap();
    let c = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.connect(c, &a, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    (c, s, l)
}

/// Block (bounded by the peer's data arriving) until `s` has at least `n` bytes to read.
fn wait_readable(p: &Engine<Portable>, s: SOCKET, n: usize) {
    let mut buf = vec![0u8; n];
    let mut flags = MSG_PEEK | MSG_WAITALL;
    // A blocking MSG_PEEK returns once data is there; loop until n bytes are buffered.
    loop {
        let got = p.recv(s, &mut [&mut buf], &mut flags).unwrap();
        flags = MSG_PEEK;
        if got >= n {
            return;
        }
    }
}

#[test]
fn immediate_completion_still_sets_the_event() {
    // WSARecv: "If no error occurs and the receive operation has completed immediately,
    // WSARecv returns zero ... the event object is signaled" (overlapped model).
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    p.send(c, &[b"hello"], 0).unwrap();
    wait_readable(&p, s, 5);
    let ev = Event::new();
    let issued = p
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 16]),
            0,
            Overlapped::new(1).with_event(&ev),
        )
        .unwrap();
    assert_eq!(issued.immediate, Some(OpResult::ok(5, 0)));
    assert!(ev.is_set(), "immediate completion signals the event");
    let buf: Vec<u8> = issued.op.take_buffers().downcast().unwrap();
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(p.get_overlapped_result(s, 1, false), Ok((5, 0)));
}

#[test]
fn immediate_completion_still_queues_the_routine_for_an_alertable_wait() {
    // WSPRecv page: "Note that in this case the completion routine, if specified, will
    // have already been queued." It runs only in an alertable wait of the issuing thread.
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    p.send(c, &[b"abc"], 0).unwrap();
    wait_readable(&p, s, 3);
    let log: Log = Arc::default();
    let issued = p
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 8]),
            0,
            Overlapped::new(0x77).with_routine(logger(&log)),
        )
        .unwrap();
    assert!(issued.immediate.is_some());
    assert!(
        log.lock().unwrap().is_empty(),
        "not run outside an alertable wait"
    );
    // A non-alertable wait does not run it.
    assert_eq!(
        sleep_ex(&RealTime, Some(Duration::ZERO), false),
        WaitResult::Timeout
    );
    assert!(log.lock().unwrap().is_empty());
    assert_eq!(
        sleep_ex(&RealTime, Some(Duration::ZERO), true),
        WaitResult::IoCompletion
    );
    assert_eq!(*log.lock().unwrap(), vec![(0, 3, 0x77, 0)]);
}

#[test]
fn pending_receive_gives_io_incomplete_then_completes_with_fwait() {
    // WSAGetOverlappedResult: WSA_IO_INCOMPLETE while pending with fWait FALSE; with
    // fWait TRUE it waits for the completion.
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let ev = Event::new();
    let issued = p
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 4]),
            0,
            Overlapped::new(9).with_event(&ev),
        )
        .unwrap();
    assert_eq!(issued.immediate, None, "WSA_IO_PENDING");
    assert_err(
        p.get_overlapped_result(s, 9, false),
        WsaError::WSA_IO_INCOMPLETE,
    );
    assert!(!ev.is_set());
    p.send(c, &[b"wxyz"], 0).unwrap();
    let (n, f) = p.get_overlapped_result(s, 9, true).unwrap();
    assert_eq!((n, f), (4, 0));
    wait_event(&ev);
    // An unknown request is refused.
    assert_err(
        p.get_overlapped_result(s, 12345, false),
        WsaError::WSAEINVAL,
    );
}

#[test]
fn four_plus_outstanding_receives_fill_in_issue_order() {
    // Issue 4 item 4 (WSARecv: "multiple overlapped receives ... filled in the order
    // they are posted"): no reordering, no duplication.
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let log: Log = Arc::default();
    let mut ops = Vec::new();
    for k in 0..8usize {
        let issued = p
            .recv_overlapped(
                s,
                Box::new(vec![0u8; 4]),
                0,
                Overlapped::new(100 + k).with_routine(logger(&log)),
            )
            .unwrap();
        assert_eq!(issued.immediate, None);
        ops.push(issued.op);
    }
    let data: Vec<u8> = (0..64u8).collect();
    p.send(c, &[&data], 0).unwrap();
    run_routines(&log, 8);
    let keys: Vec<usize> = log.lock().unwrap().iter().map(|e| e.2).collect();
    assert_eq!(keys, (100..108).collect::<Vec<_>>(), "completion order");
    let mut got = Vec::new();
    for op in &ops {
        let r = op.result().unwrap();
        assert_eq!(r.error, None);
        let b: Vec<u8> = op.take_buffers().downcast().unwrap();
        got.extend_from_slice(&b[..r.bytes as usize]);
    }
    // The rest, synchronously.
    while got.len() < data.len() {
        let mut b = [0u8; 64];
        let mut f = 0;
        let n = p.recv(s, &mut [&mut b], &mut f).unwrap();
        got.extend_from_slice(&b[..n]);
    }
    assert_eq!(got, data);
}

#[test]
fn sends_complete_in_issue_order() {
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let port = CompletionPort::new();
    p.associate_port(c, &port, 7).unwrap();
    for k in 0..6usize {
        p.send_overlapped(c, Box::new(vec![k as u8; 1000]), 0, Overlapped::new(k))
            .unwrap();
    }
    for k in 0..6usize {
        let pk = p.get_queued(&port, Some(GUARD)).expect("packet");
        assert_eq!(
            (pk.key, pk.overlapped, pk.bytes, pk.status),
            (7, k, 1000, None)
        );
        let b: Vec<u8> = pk.buffers.downcast().unwrap();
        assert_eq!(b, vec![k as u8; 1000]);
    }
    let mut got = vec![0u8; 6000];
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(s, &mut [&mut got], &mut f).unwrap(), 6000);
    for k in 0..6 {
        assert!(got[k * 1000..(k + 1) * 1000].iter().all(|&b| b == k as u8));
    }
}

#[test]
fn close_with_pending_aborts_each_operation_exactly_once() {
    // Issue 4 item 5; closesocket page: "any pending overlapped send and receive
    // operations ... are canceled", completing with WSA_OPERATION_ABORTED.
    let p = provider();
    let (_c, s, _l) = ov_pair(&p);
    let log: Log = Arc::default();
    let ev = Event::new();
    for k in 0..5usize {
        p.recv_overlapped(
            s,
            Box::new(vec![0u8; 4]),
            0,
            Overlapped::new(k).with_routine(logger(&log)),
        )
        .unwrap();
    }
    let evop = p
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 4]),
            0,
            Overlapped::new(99).with_event(&ev),
        )
        .unwrap();
    p.close_socket(s).unwrap();
    run_routines(&log, 5);
    wait_event(&ev);
    assert_eq!(
        evop.op.result().unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
    // Nothing runs twice.
    sleep_ex(&RealTime, Some(Duration::from_millis(20)), true);
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 5);
    for (i, e) in log.iter().enumerate() {
        assert_eq!(*e, (WsaError::WSA_OPERATION_ABORTED.code() as u32, 0, i, 0));
    }
}

#[test]
fn close_with_pending_posts_one_aborted_packet_per_operation() {
    let p = provider();
    let (_c, s, _l) = ov_pair(&p);
    let port = CompletionPort::new();
    p.associate_port(s, &port, 0xabc).unwrap();
    for k in 0..4usize {
        p.recv_overlapped(s, Box::new(vec![0u8; 4]), 0, Overlapped::new(k))
            .unwrap();
    }
    assert!(port.is_empty());
    p.close_socket(s).unwrap();
    for k in 0..4usize {
        let pk = p.get_queued(&port, Some(GUARD)).unwrap();
        assert_eq!(pk.overlapped, k);
        assert_eq!(pk.key, 0xabc);
        assert_eq!(pk.status, Some(WsaError::WSA_OPERATION_ABORTED));
        assert!(
            pk.buffers.downcast::<Vec<u8>>().is_some(),
            "buffers handed back"
        );
    }
    assert!(p.get_queued(&port, Some(Duration::ZERO)).is_none());
}

#[test]
fn cleanup_aborts_pending_operations() {
    let p = provider();
    let (_c, s, _l) = ov_pair(&p);
    let ev = Event::new();
    let issued = p
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 4]),
            0,
            Overlapped::new(1).with_event(&ev),
        )
        .unwrap();
    p.cleanup().unwrap();
    wait_event(&ev);
    assert_eq!(
        issued.op.result().unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
}

#[test]
fn shutdown_receive_aborts_pending_receives_only() {
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let r = p
        .recv_overlapped(s, Box::new(vec![0u8; 4]), 0, Overlapped::new(1))
        .unwrap();
    p.shutdown(s, SD_RECEIVE).unwrap();
    assert_eq!(
        p.overlapped_result(s, 1, true).unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
    assert!(r.op.result().is_some());
    // The send direction still works.
    let w = p
        .send_overlapped(s, Box::new(b"ok".to_vec()), 0, Overlapped::new(2))
        .unwrap();
    assert_eq!(p.wait_op(&w.op, Some(GUARD)), Some(OpResult::ok(2, 0)));
    let mut b = [0u8; 2];
    let mut f = MSG_WAITALL;
    p.recv(c, &mut [&mut b], &mut f).unwrap();
    assert_eq!(&b, b"ok");
}

#[test]
fn errors_before_start_notify_nothing() {
    // WSARecv: "Any other error code indicates that the overlapped operation was not
    // successfully initiated and no completion indication will occur."
    let p = provider();
    let s = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    let ev = Event::new();
    assert_err(
        p.recv_overlapped(
            s,
            Box::new(vec![0u8; 4]),
            0,
            Overlapped::new(1).with_event(&ev),
        ),
        WsaError::WSAENOTCONN,
    );
    assert!(!ev.is_set());
    assert_err(p.get_overlapped_result(s, 1, false), WsaError::WSAEINVAL);
}

#[test]
fn non_overlapped_socket_ignores_the_request() {
    // WSARecv: lpOverlapped is "ignored for nonoverlapped sockets": ordinary synchronous
    // semantics, no event.
    let p = provider();
    let (c, s, _l) = pair(&p);
    p.send(c, &[b"sync"], 0).unwrap();
    let ev = Event::new();
    let issued = p
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 4]),
            MSG_WAITALL,
            Overlapped::new(1).with_event(&ev),
        )
        .unwrap();
    assert_eq!(issued.immediate, Some(OpResult::ok(4, 0)));
    assert!(!ev.is_set());
}

#[test]
fn truncated_datagram_completes_with_wsaemsgsize_and_msg_partial() {
    // Observed Windows behaviour (Wine's sock.c overlapped receive tests): the buffer is
    // filled, the operation fails WSAEMSGSIZE, and the result flags carry MSG_PARTIAL.
    let p = provider();
    let r = p
        .socket(AF_INET, SOCK_DGRAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(r, &any_port(AF_INET)).unwrap();
    let mut ra = SockAddr::default();
    p.get_sock_name(r, &mut ra).unwrap();
    let w = p
        .socket(AF_INET, SOCK_DGRAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    let issued = p
        .recv_from_overlapped(
            r,
            Box::new(RecvFromBuf {
                data: vec![0u8; 4],
                from: None,
            }),
            0,
            Overlapped::new(5),
        )
        .unwrap();
    p.send_to(w, &[b"0123456789"], 0, Some(&ra)).unwrap();
    let res = p.get_overlapped_result_ex(r, 5, true).unwrap();
    assert_eq!(
        res,
        OpResult {
            error: Some(WsaError::WSAEMSGSIZE),
            bytes: 4,
            flags: MSG_PARTIAL
        }
    );
    assert_err(p.get_overlapped_result(r, 5, false), WsaError::WSAEMSGSIZE);
    let b: RecvFromBuf = issued.op.take_buffers().downcast().unwrap();
    assert_eq!(&b.data, b"0123");
    let mut wa = SockAddr::default();
    p.get_sock_name(w, &mut wa).unwrap();
    assert_eq!(
        b.from.unwrap().to_std().unwrap().port(),
        wa.to_std().unwrap().port()
    );
}

#[test]
fn completion_port_custom_packets_timeouts_and_many_waiters() {
    let p = provider();
    let port = CompletionPort::new();
    // Timeout with nothing queued (GetQueuedCompletionStatus: WAIT_TIMEOUT).
    assert!(p
        .get_queued(&port, Some(Duration::from_millis(5)))
        .is_none());
    let taken = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for _ in 0..4 {
        let (p, port, taken) = (p.clone(), port.clone(), taken.clone());
        threads.push(std::thread::spawn(move || {
            for _ in 0..25 {
                let pk = p.get_queued(&port, Some(GUARD)).expect("packet");
                taken.lock().unwrap().push(pk.overlapped);
            }
        }));
    }
    for i in 0..100 {
        port.post(i as u32, 1, i);
    }
    for t in threads {
        t.join().unwrap();
    }
    let mut t = taken.lock().unwrap().clone();
    t.sort();
    assert_eq!(t, (0..100).collect::<Vec<_>>(), "each packet exactly once");
}

#[test]
fn associating_a_socket_twice_fails() {
    let p = provider();
    let s = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    let port = CompletionPort::new();
    p.associate_port(s, &port, 1).unwrap();
    assert_err(p.associate_port(s, &port, 2), WsaError::WSAEINVAL);
}

/// Issue 4: 256 MiB, in debug builds too.
const BIG: usize = 256 << 20;
const CHUNK: usize = 256 << 10;

fn pattern(seed: u64, buf: &mut [u8]) {
    let mut x = seed | 1;
    for w in buf.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let b = x.to_le_bytes();
        w.copy_from_slice(&b[..w.len()]);
    }
}

/// FNV-1a over 64-bit words, fed in pieces of any size.
struct Sum {
    h: u64,
    carry: Vec<u8>,
}

impl Sum {
    fn new() -> Sum {
        Sum {
            h: 0xcbf2_9ce4_8422_2325,
            carry: Vec::with_capacity(8),
        }
    }
    fn word(&mut self, w: &[u8]) {
        let mut b = [0u8; 8];
        b[..w.len()].copy_from_slice(w);
        self.h = (self.h ^ u64::from_le_bytes(b)).wrapping_mul(0x100_0000_01b3);
    }
    fn update(&mut self, mut data: &[u8]) {
        if !self.carry.is_empty() {
            let take = (8 - self.carry.len()).min(data.len());
            self.carry.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.carry.len() < 8 {
                return;
            }
            let c = std::mem::take(&mut self.carry);
            self.word(&c);
        }
        let mut it = data.chunks_exact(8);
        for w in &mut it {
            self.word(w);
        }
        self.carry.extend_from_slice(it.remainder());
    }
    fn finish(mut self) -> u64 {
        let c = std::mem::take(&mut self.carry);
        if !c.is_empty() {
            self.word(&c);
        }
        self.h
    }
}

#[test]
fn bulk_transfer_through_overlapped_send_and_recv_loses_nothing() {
    // Issue 4, done-when: a checksummed transfer through overlapped sends/receives.
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let sender = {
        let p = p.clone();
        std::thread::spawn(move || {
            let port = CompletionPort::new();
            p.associate_port(c, &port, 1).unwrap();
            let mut h = Sum::new();
            let mut outstanding = 0;
            let mut issued = 0usize;
            let mut free: Vec<Vec<u8>> = Vec::new();
            while issued < BIG || outstanding > 0 {
                while issued < BIG && outstanding < 4 {
                    let mut b = free.pop().unwrap_or_else(|| vec![0u8; CHUNK]);
                    let n = CHUNK.min(BIG - issued);
                    b.resize(n, 0);
                    pattern(issued as u64, &mut b);
                    h.update(&b);
                    p.send_overlapped(c, Box::new(b), 0, Overlapped::new(issued))
                        .unwrap();
                    issued += n;
                    outstanding += 1;
                }
                let pk = p.get_queued(&port, Some(GUARD)).expect("send completion");
                assert_eq!(pk.status, None);
                let b: Vec<u8> = pk.buffers.downcast().unwrap();
                assert_eq!(pk.bytes as usize, b.len(), "a send completes whole");
                free.push(b);
                outstanding -= 1;
            }
            p.shutdown(c, SD_SEND).unwrap();
            h.finish()
        })
    };
    let port = CompletionPort::new();
    p.associate_port(s, &port, 2).unwrap();
    let mut h = Sum::new();
    let mut total = 0usize;
    let mut key = 0usize;
    // Keep four receives outstanding; they complete in issue order.
    let mut expect = std::collections::VecDeque::new();
    for _ in 0..4 {
        p.recv_overlapped(s, Box::new(vec![0u8; CHUNK]), 0, Overlapped::new(key))
            .unwrap();
        expect.push_back(key);
        key += 1;
    }
    loop {
        let pk = p.get_queued(&port, Some(GUARD)).expect("recv completion");
        assert_eq!(Some(pk.overlapped), expect.pop_front(), "issue order");
        assert_eq!(pk.status, None);
        let mut b: Vec<u8> = pk.buffers.downcast().unwrap();
        if pk.bytes == 0 {
            break;
        }
        h.update(&b[..pk.bytes as usize]);
        total += pk.bytes as usize;
        b.resize(CHUNK, 0);
        p.recv_overlapped(s, Box::new(b), 0, Overlapped::new(key))
            .unwrap();
        expect.push_back(key);
        key += 1;
    }
    let sent = sender.join().unwrap();
    assert_eq!(total, BIG);
    assert_eq!(h.finish(), sent, "checksum");
}

// ---- Extension functions -------------------------------------------------------------

use wsp::overlapped::{
    get_accept_ex_sockaddrs, guid_to_bytes, ExtensionFn, Packet,
    SIO_GET_EXTENSION_FUNCTION_POINTER, TF_REUSE_SOCKET, WSAID_ACCEPTEX, WSAID_CONNECTEX,
    WSAID_DISCONNECTEX, WSAID_GETACCEPTEXSOCKADDRS, WSAID_TRANSMITFILE, WSAID_TRANSMITPACKETS,
    WSAID_WSARECVMSG, WSAID_WSASENDMSG,
};

fn ov_socket(p: &Engine<Portable>) -> SOCKET {
    p.socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap()
}

#[test]
fn extension_function_pointer_ioctl_names_each_function_and_refuses_unknown_guids() {
    // WSAIoctl page, SIO_GET_EXTENSION_FUNCTION_POINTER; unknown GUID: WSAEINVAL.
    let p = provider();
    let s = ov_socket(&p);
    let mut seen = Vec::new();
    for (g, f) in [
        (WSAID_ACCEPTEX, ExtensionFn::AcceptEx),
        (
            WSAID_GETACCEPTEXSOCKADDRS,
            ExtensionFn::GetAcceptExSockaddrs,
        ),
        (WSAID_CONNECTEX, ExtensionFn::ConnectEx),
        (WSAID_DISCONNECTEX, ExtensionFn::DisconnectEx),
        (WSAID_TRANSMITFILE, ExtensionFn::TransmitFile),
        (WSAID_TRANSMITPACKETS, ExtensionFn::TransmitPackets),
        (WSAID_WSARECVMSG, ExtensionFn::WsaRecvMsg),
        (WSAID_WSASENDMSG, ExtensionFn::WsaSendMsg),
    ] {
        let mut out = [0u8; 8];
        let n = p
            .ioctl(
                s,
                SIO_GET_EXTENSION_FUNCTION_POINTER,
                &guid_to_bytes(&g),
                &mut out,
            )
            .unwrap();
        assert_eq!(n, std::mem::size_of::<usize>());
        let id = usize::from_ne_bytes(out[..n].try_into().unwrap());
        assert_eq!(ExtensionFn::from_id(id), Some(f));
        seen.push(id);
    }
    seen.dedup();
    assert_eq!(seen.len(), 8);
    let mut bogus = guid_to_bytes(&WSAID_ACCEPTEX);
    bogus[15] ^= 1;
    let mut out = [0u8; 8];
    assert_err(
        p.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &bogus, &mut out),
        WsaError::WSAEINVAL,
    );
    assert_err(
        p.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &bogus[..8], &mut out),
        WsaError::WSAEFAULT,
    );
    assert_err(
        p.ioctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            &guid_to_bytes(&WSAID_ACCEPTEX),
            &mut out[..2],
        ),
        WsaError::WSAEFAULT,
    );
}

const ROOM: usize = 16 + 16;

#[test]
fn accept_ex_fills_the_accept_socket_and_get_accept_ex_sockaddrs_reads_the_addresses() {
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    p.get_sock_name(l, &mut la).unwrap();
    let a = ov_socket(&p);
    let ev = Event::new();
    let issued = p
        .accept_ex(
            l,
            a,
            Box::new(vec![0u8; 2 * ROOM]),
            0,
            ROOM,
            ROOM,
            Overlapped::new(1).with_event(&ev),
        )
        .unwrap();
    assert_eq!(issued.immediate, None, "no connection yet: pending");
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &la, None, None, None, None).unwrap();
    wait_event(&ev);
    assert_eq!(issued.op.result().unwrap().error, None);
    let buf: Vec<u8> = issued.op.take_buffers().downcast().unwrap();
    let (local, remote) = get_accept_ex_sockaddrs(&buf, 0, ROOM, ROOM).unwrap();
    let mut ca = SockAddr::default();
    p.get_sock_name(c, &mut ca).unwrap();
    assert_eq!(remote.to_std(), ca.to_std());
    assert_eq!(local.to_std(), la.to_std());
    // The accept socket is connected: data flows both ways.
    p.send(c, &[b"ping"], 0).unwrap();
    let mut b = [0u8; 4];
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(a, &mut [&mut b], &mut f).unwrap(), 4);
    p.send(a, &[b"pong"], 0).unwrap();
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(c, &mut [&mut b], &mut f).unwrap(), 4);
    assert_eq!(&b, b"pong");
}

#[test]
fn accept_ex_refuses_bound_accept_sockets_and_short_address_room() {
    // AcceptEx page: sAcceptSocket "must not be bound or connected"; the address rooms
    // must be 16 bytes more than the address length.
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    let a = ov_socket(&p);
    let buf = || Box::new(vec![0u8; 2 * ROOM]);
    assert_err(
        p.accept_ex(l, a, buf(), 0, ROOM, ROOM, Overlapped::new(1)),
        WsaError::WSAEINVAL,
    );
    p.listen(l, 5).unwrap();
    assert_err(
        p.accept_ex(l, a, buf(), 0, ROOM - 1, ROOM, Overlapped::new(1)),
        WsaError::WSAEFAULT,
    );
    let bound = ov_socket(&p);
    p.bind(bound, &any_port(AF_INET)).unwrap();
    assert_err(
        p.accept_ex(l, bound, buf(), 0, ROOM, ROOM, Overlapped::new(1)),
        WsaError::WSAEINVAL,
    );
}

#[test]
fn connect_ex_requires_a_bound_socket_and_sends_its_data() {
    // ConnectEx page: "The parameter s is an unbound or a listening socket": WSAEINVAL.
    let p = provider();
    let (l, la) = listener(&p, AF_INET);
    let c = ov_socket(&p);
    assert_err(
        p.connect_ex(c, &la, None, Overlapped::new(1)),
        WsaError::WSAEINVAL,
    );
    p.bind(c, &any_port(AF_INET)).unwrap();
    let issued = p
        .connect_ex(
            c,
            &la,
            Some(Box::new(b"first".to_vec())),
            Overlapped::new(1),
        )
        .unwrap();
    let r = p.wait_op(&issued.op, Some(GUARD)).unwrap();
    assert_eq!(r, OpResult::ok(5, 0));
    let s = p.accept(l, None, None).unwrap();
    let mut b = [0u8; 5];
    let mut f = MSG_WAITALL;
    p.recv(s, &mut [&mut b], &mut f).unwrap();
    assert_eq!(&b, b"first");
    assert_err(
        p.connect_ex(c, &la, None, Overlapped::new(2)),
        WsaError::WSAEISCONN,
    );
}

#[test]
fn disconnect_ex_with_reuse_lets_connect_ex_take_the_socket_again() {
    // DisconnectEx page: with TF_REUSE_SOCKET the handle can be passed to AcceptEx or
    // ConnectEx again.
    let p = provider();
    let (l, la) = listener(&p, AF_INET);
    let c = ov_socket(&p);
    p.bind(c, &any_port(AF_INET)).unwrap();
    let i = p.connect_ex(c, &la, None, Overlapped::new(1)).unwrap();
    p.wait_op(&i.op, Some(GUARD)).unwrap();
    let s1 = p.accept(l, None, None).unwrap();
    let d = p
        .disconnect_ex(c, TF_REUSE_SOCKET, Overlapped::new(2))
        .unwrap();
    assert_eq!(p.wait_op(&d.op, Some(GUARD)), Some(OpResult::ok(0, 0)));
    // The peer sees end of stream.
    let mut b = [0u8; 1];
    let mut f = 0;
    assert_eq!(p.recv(s1, &mut [&mut b], &mut f).unwrap(), 0);
    let i = p
        .connect_ex(
            c,
            &la,
            Some(Box::new(b"again".to_vec())),
            Overlapped::new(3),
        )
        .unwrap();
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(5, 0)));
    let s2 = p.accept(l, None, None).unwrap();
    let mut b = [0u8; 5];
    let mut f = MSG_WAITALL;
    p.recv(s2, &mut [&mut b], &mut f).unwrap();
    assert_eq!(&b, b"again");
    assert_err(
        p.disconnect_ex(ov_socket(&p), 0, Overlapped::new(1)),
        WsaError::WSAENOTCONN,
    );
}

#[test]
fn transmit_packets_sends_in_order_then_disconnects() {
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let i = p
        .transmit_packets(
            c,
            Box::new(vec![b"ab".to_vec(), b"cd".to_vec()]),
            wsp::overlapped::TF_DISCONNECT,
            Overlapped::new(1),
        )
        .unwrap();
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(4, 0)));
    let mut b = [0u8; 8];
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(s, &mut [&mut b], &mut f).unwrap(), 4);
    assert_eq!(&b[..4], b"abcd");
}

#[test]
fn recv_msg_is_for_datagram_sockets() {
    let p = provider();
    let (_c, s, _l) = ov_pair(&p);
    assert_err(
        p.recv_msg(s, Box::new(vec![0u8; 4]), 0, Overlapped::new(1)),
        WsaError::WSAEOPNOTSUPP,
    );
    let u = p
        .socket(AF_INET, SOCK_DGRAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(u, &any_port(AF_INET)).unwrap();
    let mut ua = SockAddr::default();
    p.get_sock_name(u, &mut ua).unwrap();
    let i = p
        .recv_msg(
            u,
            Box::new(RecvFromBuf {
                data: vec![0u8; 8],
                from: None,
            }),
            0,
            Overlapped::new(1),
        )
        .unwrap();
    let w = p
        .socket(AF_INET, SOCK_DGRAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    let sent = p
        .send_msg(
            w,
            Box::new(b"dgram".to_vec()),
            0,
            Some(&ua),
            Overlapped::new(1),
        )
        .unwrap();
    assert_eq!(p.wait_op(&sent.op, Some(GUARD)), Some(OpResult::ok(5, 0)));
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(5, 0)));
    assert!(i.op.from().is_some());
}

/// Completion keys of the echo server.
const LISTENER_KEY: usize = 0;
const STOP_KEY: usize = usize::MAX;
/// Overlapped keys on a connection.
const RECV_OP: usize = 1;
const SEND_OP: usize = 2;

fn echo_worker(
    p: Engine<Portable>,
    port: CompletionPort,
    l: SOCKET,
    accepts: Arc<Mutex<usize>>,
    clients: usize,
) {
    loop {
        let pk: Packet = p.get_queued(&port, Some(GUARD)).expect("server packet");
        match pk.key {
            STOP_KEY => return,
            LISTENER_KEY => {
                assert_eq!(pk.status, None, "AcceptEx");
                let a = pk.overlapped; // AcceptEx's key is the accept socket
                let buf: Vec<u8> = pk.buffers.downcast().unwrap();
                let (_, remote) = get_accept_ex_sockaddrs(&buf, 0, ROOM, ROOM).unwrap();
                assert!(remote.to_std().unwrap().ip().is_loopback());
                p.associate_port(a, &port, a).unwrap();
                p.recv_overlapped(a, Box::new(vec![0u8; 4096]), 0, Overlapped::new(RECV_OP))
                    .unwrap();
                let more = {
                    let mut n = accepts.lock().unwrap();
                    *n += 1;
                    *n + 4 <= clients
                };
                if more {
                    let a = ov_socket(&p);
                    p.accept_ex(
                        l,
                        a,
                        Box::new(vec![0u8; 2 * ROOM]),
                        0,
                        ROOM,
                        ROOM,
                        Overlapped::new(a),
                    )
                    .unwrap();
                }
            }
            s => match (pk.overlapped, pk.status) {
                (RECV_OP, None) if pk.bytes > 0 => {
                    let mut b: Vec<u8> = pk.buffers.downcast().unwrap();
                    b.truncate(pk.bytes as usize);
                    p.send_overlapped(s, Box::new(b), 0, Overlapped::new(SEND_OP))
                        .unwrap();
                }
                (SEND_OP, None) => {
                    let mut b: Vec<u8> = pk.buffers.downcast().unwrap();
                    b.resize(4096, 0);
                    p.recv_overlapped(s, Box::new(b), 0, Overlapped::new(RECV_OP))
                        .unwrap();
                }
                // End of stream or a reset: the client is done.
                _ => {
                    let _ = p.close_socket(s);
                }
            },
        }
    }
}

#[test]
fn accept_ex_completion_port_echo_server_with_64_clients() {
    // Issue 4, done-when: an AcceptEx/completion-port echo server with 64 clients.
    const CLIENTS: usize = 64;
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, SOMAXCONN).unwrap();
    let mut la = SockAddr::default();
    p.get_sock_name(l, &mut la).unwrap();
    let port = CompletionPort::new();
    p.associate_port(l, &port, LISTENER_KEY).unwrap();
    for _ in 0..4 {
        let a = ov_socket(&p);
        p.accept_ex(
            l,
            a,
            Box::new(vec![0u8; 2 * ROOM]),
            0,
            ROOM,
            ROOM,
            Overlapped::new(a),
        )
        .unwrap();
    }
    let accepts = Arc::new(Mutex::new(0usize));
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (p, port, accepts) = (p.clone(), port.clone(), accepts.clone());
            std::thread::spawn(move || echo_worker(p, port, l, accepts, CLIENTS))
        })
        .collect();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let p = p.clone();
            std::thread::spawn(move || {
                let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
                p.connect(c, &la, None, None, None, None).unwrap();
                for round in 0..3 {
                    let msg = format!("client {i} round {round} ").repeat(20);
                    p.send(c, &[msg.as_bytes()], 0).unwrap();
                    let mut back = vec![0u8; msg.len()];
                    let mut f = MSG_WAITALL;
                    assert_eq!(p.recv(c, &mut [&mut back], &mut f).unwrap(), msg.len());
                    assert_eq!(back, msg.as_bytes());
                }
                p.close_socket(c).unwrap();
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    for _ in 0..3 {
        port.post(0, STOP_KEY, 0);
    }
    for w in workers {
        w.join().unwrap();
    }
    // Counted once the workers are done (a worker may count after its client finished).
    assert_eq!(*accepts.lock().unwrap(), CLIENTS);
}

// ---- The same engine path on the simulated backend (virtual time) ---------------------

#[test]
fn sim_backend_ordered_receives_and_abort_on_close() {
    let p = Engine::new(wsp_sim::Sim::new(4));
    p.startup(make_word(2, 2)).unwrap();
    let l = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    p.get_sock_name(l, &mut la).unwrap();
    let c = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(c, &any_port(AF_INET)).unwrap();
    let i = p.connect_ex(c, &la, None, Overlapped::new(1)).unwrap();
    assert_eq!(p.overlapped_result(c, 1, true), Ok(OpResult::ok(0, 0)));
    drop(i);
    let s = p.accept(l, None, None).unwrap();
    let port = CompletionPort::new();
    p.associate_port(s, &port, 5).unwrap();
    for k in 0..4usize {
        p.recv_overlapped(s, Box::new(vec![0u8; 3]), 0, Overlapped::new(k))
            .unwrap();
    }
    p.send(c, &[b"abcdef"], 0).unwrap();
    let mut got = Vec::new();
    let mut completed = 0usize;
    while got.len() < 6 {
        let pk = p
            .get_queued(&port, Some(GUARD))
            .expect("packet (virtual time)");
        assert_eq!(pk.overlapped, completed, "issue order");
        assert_eq!(pk.status, None);
        let b: Vec<u8> = pk.buffers.downcast().unwrap();
        got.extend_from_slice(&b[..pk.bytes as usize]);
        completed += 1;
    }
    assert_eq!(got, b"abcdef");
    p.close_socket(s).unwrap();
    let mut aborted = 0;
    while let Some(pk) = p.get_queued(&port, Some(Duration::ZERO)) {
        assert_eq!(pk.status, Some(WsaError::WSA_OPERATION_ABORTED));
        aborted += 1;
    }
    assert_eq!(aborted, 4 - completed, "each pending receive aborted once");
}

// ---- AcceptEx with a receive length, SO_UPDATE_ACCEPT_CONTEXT, cancel, change ioctls ----

/// A listening overlapped socket on the sim backend and its address.
fn sim_listener(p: &Engine<wsp_sim::Sim>) -> (SOCKET, SockAddr) {
    let l = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    p.get_sock_name(l, &mut la).unwrap();
    (l, la)
}

fn sim_engine() -> Engine<wsp_sim::Sim> {
    let p = Engine::new(wsp_sim::Sim::new(7));
    p.startup(make_word(2, 2)).unwrap();
    p
}

fn connect_time(p: &impl Wsp, s: SOCKET) -> u32 {
    let mut v = [0u8; 4];
    p.get_sock_opt(s, SOL_SOCKET, SO_CONNECT_TIME, &mut v)
        .unwrap();
    u32::from_le_bytes(v)
}

#[test]
fn accept_ex_with_receive_len_completes_with_the_first_data_block_and_the_addresses() {
    // AcceptEx page: with dwReceiveDataLength > 0 the call completes once the first block
    // of data arrives; the data is at the front of the buffer, the addresses after it.
    // Wine's test_AcceptEx ("Test short reads", observed on Windows): the transfer count
    // is the bytes received (1 of 2).
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    p.get_sock_name(l, &mut la).unwrap();
    let a = ov_socket(&p);
    let ev = Event::new();
    let issued = p
        .accept_ex(
            l,
            a,
            Box::new(vec![0u8; 8 + 2 * ROOM]),
            8,
            ROOM,
            ROOM,
            Overlapped::new(1).with_event(&ev),
        )
        .unwrap();
    assert_eq!(issued.immediate, None);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &la, None, None, None, None).unwrap();
    p.send(c, &[b"abc"], 0).unwrap();
    wait_event(&ev);
    assert_eq!(issued.op.result(), Some(OpResult::ok(3, 0)));
    assert_eq!(p.get_overlapped_result(l, 1, false), Ok((3, 0)));
    let buf: Vec<u8> = issued.op.take_buffers().downcast().unwrap();
    assert_eq!(&buf[..3], b"abc");
    let (local, remote) = get_accept_ex_sockaddrs(&buf, 8, ROOM, ROOM).unwrap();
    let mut ca = SockAddr::default();
    p.get_sock_name(c, &mut ca).unwrap();
    assert_eq!(remote.to_std(), ca.to_std());
    assert_eq!(local.to_std(), la.to_std());
    // The rest of the stream reaches the accept socket, in order.
    p.send(c, &[b"defg"], 0).unwrap();
    let mut b = [0u8; 4];
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(a, &mut [&mut b], &mut f).unwrap(), 4);
    assert_eq!(&b, b"defg");
}

#[test]
fn accept_ex_with_receive_len_completes_with_zero_bytes_when_the_peer_closes_first() {
    // Wine's test_AcceptEx, "Disconnect during receive?" (observed on Windows): connect,
    // close without sending: the AcceptEx completes successfully with 0 bytes.
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    p.get_sock_name(l, &mut la).unwrap();
    let a = ov_socket(&p);
    let issued = p
        .accept_ex(
            l,
            a,
            Box::new(vec![0u8; 64 + 2 * ROOM]),
            64,
            ROOM,
            ROOM,
            Overlapped::new(1),
        )
        .unwrap();
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &la, None, None, None, None).unwrap();
    p.close_socket(c).unwrap();
    assert_eq!(p.wait_op(&issued.op, Some(GUARD)), Some(OpResult::ok(0, 0)));
}

#[test]
fn sim_accept_ex_waits_for_data_on_the_accepted_socket_and_so_connect_time_counts_meanwhile() {
    // AcceptEx page (receive length > 0: completes when data arrives) and Wine's
    // test_AcceptEx: after connect the request is still pending; SO_CONNECT_TIME on a
    // socket that is not connected is 0xFFFFFFFF and otherwise the seconds connected
    // (sol-socket-socket-options page): servers use it to drop AcceptEx sockets that
    // connected and never sent. Virtual time makes the seconds exact.
    let p = sim_engine();
    let (l, la) = sim_listener(&p);
    let a = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    assert_eq!(connect_time(&p, a), u32::MAX, "not connected yet");
    let issued = p
        .accept_ex(
            l,
            a,
            Box::new(vec![0u8; 4 + 2 * ROOM]),
            4,
            ROOM,
            ROOM,
            Overlapped::new(0xa),
        )
        .unwrap();
    assert_eq!(issued.immediate, None);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &la, None, None, None, None).unwrap();
    p.net().run_until_idle();
    assert_eq!(issued.op.result(), None, "no data yet: still pending");
    assert_err(
        p.get_overlapped_result(l, 0xa, false),
        WsaError::WSA_IO_INCOMPLETE,
    );
    assert_eq!(connect_time(&p, a), 0, "connected, 0 seconds");
    p.net().advance(Duration::from_secs(5));
    assert_eq!(connect_time(&p, a), 5);
    // Addresses work on the accept socket while the request waits (and after).
    let mut peer = SockAddr::default();
    p.get_peer_name(a, &mut peer).unwrap();
    let mut ca = SockAddr::default();
    p.get_sock_name(c, &mut ca).unwrap();
    assert_eq!(peer.to_std(), ca.to_std());
    p.send(c, &[b"xyzzy"], 0).unwrap();
    p.net().run_until_idle();
    assert_eq!(
        issued.op.result(),
        Some(OpResult::ok(4, 0)),
        "at most receive_len"
    );
    let buf: Vec<u8> = issued.op.take_buffers().downcast().unwrap();
    assert_eq!(&buf[..4], b"xyzz");
    let mut b = [0u8; 1];
    let mut f = 0;
    assert_eq!(p.recv(a, &mut [&mut b], &mut f).unwrap(), 1);
    assert_eq!(&b, b"y");
}

#[test]
fn sim_closing_either_socket_aborts_a_waiting_accept_ex_exactly_once() {
    // Wine's test_AcceptEx, "Test closing with pending requests" (observed on Windows):
    // closing the accept socket or the listener completes the AcceptEx with
    // ERROR_OPERATION_ABORTED. Both stages: waiting for a connection, waiting for data.
    for (stage, close_listener) in [(1, false), (1, true), (2, false), (2, true)] {
        let p = sim_engine();
        let (l, la) = sim_listener(&p);
        let port = CompletionPort::new();
        p.associate_port(l, &port, 3).unwrap();
        let a = p
            .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
            .unwrap();
        let issued = p
            .accept_ex(
                l,
                a,
                Box::new(vec![0u8; 4 + 2 * ROOM]),
                4,
                ROOM,
                ROOM,
                Overlapped::new(0xb),
            )
            .unwrap();
        if stage == 2 {
            let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
            p.connect(c, &la, None, None, None, None).unwrap();
            p.net().run_until_idle();
            assert_eq!(connect_time(&p, a), 0, "stage 2: connection attached");
        }
        assert_eq!(issued.op.result(), None);
        p.close_socket(if close_listener { l } else { a }).unwrap();
        p.net().run_until_idle();
        let what = format!("stage {stage}, close listener {close_listener}");
        assert_eq!(
            issued.op.result().map(|r| r.error),
            Some(Some(WsaError::WSA_OPERATION_ABORTED)),
            "{what}"
        );
        let pk = port.get(p.net(), Some(Duration::ZERO)).expect(&what);
        assert_eq!(pk.status, Some(WsaError::WSA_OPERATION_ABORTED));
        assert_eq!(pk.overlapped, 0xb);
        assert!(port.is_empty(), "{what}: one packet");
    }
}

#[test]
fn sim_accept_ex_aborted_before_attach_leaves_the_connection_for_the_next_accept() {
    // Closing the accept socket aborts the AcceptEx; a connection that arrives later is
    // not lost: an ordinary accept takes it.
    let p = sim_engine();
    let (l, la) = sim_listener(&p);
    let a = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    let issued = p
        .accept_ex(
            l,
            a,
            Box::new(vec![0u8; 2 * ROOM]),
            0,
            ROOM,
            ROOM,
            Overlapped::new(1),
        )
        .unwrap();
    p.close_socket(a).unwrap();
    assert_eq!(
        issued.op.result().unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &la, None, None, None, None).unwrap();
    p.net().run_until_idle();
    let s = p.accept(l, None, None).unwrap();
    p.send(c, &[b"hi"], 0).unwrap();
    let mut b = [0u8; 2];
    let mut f = MSG_WAITALL;
    assert_eq!(p.recv(s, &mut [&mut b], &mut f).unwrap(), 2);
}

#[test]
fn accept_ex_twice_on_one_accept_socket_is_wsaeinval() {
    // Wine's test_AcceptEx: "AcceptEx on already pending socket" gives WSAEINVAL on
    // Windows.
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let a = ov_socket(&p);
    let buf = || Box::new(vec![0u8; 2 * ROOM]);
    p.accept_ex(l, a, buf(), 0, ROOM, ROOM, Overlapped::new(1))
        .unwrap();
    assert_err(
        p.accept_ex(l, a, buf(), 0, ROOM, ROOM, Overlapped::new(2)),
        WsaError::WSAEINVAL,
    );
    // Once cancelled (CancelIo on the listener), the accept socket may be named again
    // (the same test re-issues it and gets ERROR_IO_PENDING).
    assert_eq!(p.cancel_overlapped(l, None), Ok(1));
    let again = p
        .accept_ex(l, a, buf(), 0, ROOM, ROOM, Overlapped::new(3))
        .unwrap();
    assert_eq!(again.immediate, None);
}

#[test]
fn cancel_on_the_accept_socket_leaves_accept_ex_pending_cancel_on_the_listener_aborts_it() {
    // Wine's test_AcceptEx (observed on Windows): CancelIo(acceptor) leaves the AcceptEx
    // pending (the wait times out); CancelIo(listener) cancels it.
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let a = ov_socket(&p);
    let ev = Event::new();
    let issued = p
        .accept_ex(
            l,
            a,
            Box::new(vec![0u8; 2 * ROOM]),
            0,
            ROOM,
            ROOM,
            Overlapped::new(7).with_event(&ev),
        )
        .unwrap();
    assert_eq!(p.cancel_overlapped(a, None), Ok(0));
    assert_eq!(issued.op.result(), None);
    assert!(!ev.is_set());
    assert_eq!(p.cancel_overlapped(l, Some(7)), Ok(1));
    assert_eq!(
        issued.op.result().unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
    assert!(ev.is_set(), "a cancelled request notifies as asked");
    assert_err(
        p.get_overlapped_result(l, 7, false),
        WsaError::WSA_OPERATION_ABORTED,
    );
    assert_eq!(
        p.cancel_overlapped(l, Some(7)),
        Ok(0),
        "nothing left to cancel"
    );
}

#[test]
fn cancel_io_ex_with_a_key_cancels_that_request_only_and_keeps_the_others_in_order() {
    // CancelIoEx page: with lpOverlapped, only that request is cancelled; it completes
    // with ERROR_OPERATION_ABORTED. The other receives still fill in issue order.
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let log: Log = Arc::default();
    let ops: Vec<_> = (1..=3usize)
        .map(|k| {
            p.recv_overlapped(
                s,
                Box::new(vec![0u8; 2]),
                0,
                Overlapped::new(k).with_routine(logger(&log)),
            )
            .unwrap()
            .op
        })
        .collect();
    assert_eq!(p.cancel_overlapped(s, Some(2)), Ok(1));
    assert_eq!(
        ops[1].result().unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
    p.send(c, &[b"aabb"], 0).unwrap();
    let r0 = p.wait_op(&ops[0], Some(GUARD)).unwrap();
    let r2 = p.wait_op(&ops[2], Some(GUARD)).unwrap();
    assert_eq!((r0, r2), (OpResult::ok(2, 0), OpResult::ok(2, 0)));
    let b0: Vec<u8> = ops[0].take_buffers().downcast().unwrap();
    let b2: Vec<u8> = ops[2].take_buffers().downcast().unwrap();
    assert_eq!((&b0[..], &b2[..]), (&b"aa"[..], &b"bb"[..]));
    run_routines(&log, 3);
    let mut got = log.lock().unwrap().clone();
    got.sort_by_key(|e| e.2);
    let aborted = WsaError::WSA_OPERATION_ABORTED.code() as u32;
    assert_eq!(got, vec![(0, 2, 1, 0), (aborted, 0, 2, 0), (0, 2, 3, 0)]);
    // Nothing more runs: each request completed exactly once.
    sleep_ex(&RealTime, Some(Duration::ZERO), true);
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[test]
fn cancel_io_ex_without_a_key_cancels_every_pending_request_once() {
    // CancelIoEx page: lpOverlapped NULL cancels all requests issued for the handle;
    // each completes once, here as one aborted completion-port packet each.
    let p = provider();
    let (_c, s, _l) = ov_pair(&p);
    let port = CompletionPort::new();
    p.associate_port(s, &port, 9).unwrap();
    for k in 0..4usize {
        p.recv_overlapped(s, Box::new(vec![0u8; 4]), 0, Overlapped::new(k))
            .unwrap();
    }
    assert_eq!(p.cancel_overlapped(s, None), Ok(4));
    let mut keys = Vec::new();
    while let Some(pk) = port.get(&RealTime, Some(Duration::ZERO)) {
        assert_eq!(pk.status, Some(WsaError::WSA_OPERATION_ABORTED));
        keys.push(pk.overlapped);
    }
    assert_eq!(keys, vec![0, 1, 2, 3]);
    assert_eq!(p.cancel_overlapped(s, None), Ok(0));
    // The socket still works.
    assert_eq!(p.close_socket(s), Ok(()));
    assert!(port.is_empty(), "close finds nothing left to abort");
}

#[test]
fn overlapped_address_list_change_goes_pending_and_aborts_on_close() {
    // SIO_ADDRESS_LIST_CHANGE / SIO_ROUTING_INTERFACE_CHANGE page: an overlapped request
    // returns WSA_IO_PENDING and completes when the list changes (never, on loopback);
    // closing the socket completes it with WSA_OPERATION_ABORTED. The call never blocks.
    let p = provider();
    let s = ov_socket(&p);
    let u = p
        .socket(AF_INET, SOCK_DGRAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    let ev = Event::new();
    let a = p
        .ioctl_overlapped(
            s,
            SIO_ADDRESS_LIST_CHANGE,
            &[],
            Box::new(Vec::<u8>::new()),
            Overlapped::new(1).with_event(&ev),
        )
        .unwrap();
    let r = p
        .ioctl_overlapped(
            u,
            SIO_ROUTING_INTERFACE_CHANGE,
            any_port(AF_INET).as_bytes(),
            Box::new(Vec::<u8>::new()),
            Overlapped::new(2),
        )
        .unwrap();
    assert_eq!((a.immediate, r.immediate), (None, None), "WSA_IO_PENDING");
    assert_err(
        p.get_overlapped_result(s, 1, false),
        WsaError::WSA_IO_INCOMPLETE,
    );
    // Other requests on the socket are not held up behind it.
    let q = p
        .ioctl_overlapped(s, FIONREAD, &[], Box::new(vec![0u8; 4]), Overlapped::new(3))
        .unwrap();
    assert_eq!(q.immediate, Some(OpResult::ok(4, 0)));
    p.close_socket(s).unwrap();
    assert!(ev.is_set());
    assert_eq!(
        a.op.result().unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
    assert_eq!(p.cancel_overlapped(u, Some(2)), Ok(1));
    assert_eq!(
        r.op.result().unwrap().error,
        Some(WsaError::WSA_OPERATION_ABORTED)
    );
}

#[test]
fn so_update_accept_context_gives_the_accept_socket_the_listeners_properties() {
    // AcceptEx page: "sAcceptSocket does not inherit the properties of the socket
    // associated with sListenSocket parameter until SO_UPDATE_ACCEPT_CONTEXT is set";
    // accept's new socket has the listener's properties, including its event selection
    // (WSPAccept page). Here: the event selection (which made the listener non-blocking)
    // and an engine-held option (SO_LINGER).
    let p = provider();
    let l = ov_socket(&p);
    p.bind(l, &any_port(AF_INET)).unwrap();
    p.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    p.get_sock_name(l, &mut la).unwrap();
    let lev = Event::new();
    p.event_select(l, Some(&lev), FD_ACCEPT | FD_READ).unwrap();
    let mut linger = [0u8; 4];
    linger[..2].copy_from_slice(&1u16.to_le_bytes());
    linger[2..].copy_from_slice(&7u16.to_le_bytes());
    p.set_sock_opt(l, SOL_SOCKET, SO_LINGER, &linger).unwrap();
    let a = ov_socket(&p);
    let issued = p
        .accept_ex(
            l,
            a,
            Box::new(vec![0u8; 2 * ROOM]),
            0,
            ROOM,
            ROOM,
            Overlapped::new(1),
        )
        .unwrap();
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &la, None, None, None, None).unwrap();
    assert_eq!(p.wait_op(&issued.op, Some(GUARD)), Some(OpResult::ok(0, 0)));
    // Before the update: default properties (blocking, no selection, linger off).
    let mut v = [0u8; 4];
    p.get_sock_opt(a, SOL_SOCKET, SO_LINGER, &mut v).unwrap();
    assert_eq!(v, [0u8; 4]);
    // getsockname/getpeername work before and after.
    let (mut me, mut peer, mut ca) = Default::default();
    p.get_sock_name(a, &mut me).unwrap();
    p.get_peer_name(a, &mut peer).unwrap();
    p.get_sock_name(c, &mut ca).unwrap();
    assert_eq!((me.to_std(), peer.to_std()), (la.to_std(), ca.to_std()));
    p.set_sock_opt(
        a,
        SOL_SOCKET,
        SO_UPDATE_ACCEPT_CONTEXT,
        &(l as u64).to_le_bytes(),
    )
    .unwrap();
    p.get_sock_opt(a, SOL_SOCKET, SO_LINGER, &mut v).unwrap();
    assert_eq!(v, linger);
    // Non-blocking, as the event-selected listener.
    let mut b = [0u8; 4];
    let mut f = 0;
    assert_err(p.recv(a, &mut [&mut b], &mut f), WsaError::WSAEWOULDBLOCK);
    // The listener's selection: FD_READ is recorded on the accept socket and signals
    // the listener's event.
    lev.reset();
    p.send(c, &[b"data"], 0).unwrap();
    let got = collect_events(&p, a, &lev, FD_READ);
    assert_eq!(got.lNetworkEvents & FD_READ, FD_READ);
    p.get_peer_name(a, &mut peer).unwrap();
    assert_eq!(peer.to_std(), ca.to_std());
    // A value that is not a listening socket: WSAEINVAL.
    assert_err(
        p.set_sock_opt(
            a,
            SOL_SOCKET,
            SO_UPDATE_ACCEPT_CONTEXT,
            &(c as u64).to_le_bytes(),
        ),
        WsaError::WSAEINVAL,
    );
}

#[test]
fn on_complete_watchers_run_once_before_the_event_and_at_once_when_already_done() {
    // OpHandle::on_complete (what observers such as the trace layer use): a watcher on a
    // pending request runs once, with the result, before the caller's event is set; one
    // registered after completion runs at once.
    let p = provider();
    let (c, s, _l) = ov_pair(&p);
    let ev = Event::new();
    let issued = p
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 16]),
            0,
            Overlapped::new(7).with_event(&ev),
        )
        .unwrap();
    assert!(issued.immediate.is_none());
    let seen: Arc<Mutex<Vec<(OpResult, bool)>>> = Arc::default();
    let (w, e) = (seen.clone(), ev.clone());
    issued
        .op
        .on_complete(move |r| w.lock().unwrap().push((r, e.is_set())));
    p.send(c, &[b"four"], 0).unwrap();
    assert_ne!(ev.wait(&RealTime, Some(GUARD), false), WaitResult::Timeout);
    assert_eq!(*seen.lock().unwrap(), vec![(OpResult::ok(4, 0), false)]);
    let late = Arc::new(Mutex::new(None));
    let l2 = late.clone();
    issued
        .op
        .on_complete(move |r| *l2.lock().unwrap() = Some(r));
    assert_eq!(*late.lock().unwrap(), Some(OpResult::ok(4, 0)));
    assert_eq!(seen.lock().unwrap().len(), 1);
}
