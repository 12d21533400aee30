//! `TransmitFile` on the engine, on both backends. Source: the TransmitFile page,
//! <https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nf-mswsock-transmitfile>.

mod util;
use std::io::Cursor;
use util::*;
use wsp::engine::transmit_file::{FileSource, TransmitFileRequest, TF_WRITE_BEHIND};
use wsp::net::Net;
use wsp::overlapped::{OpResult, Overlapped, TF_DISCONNECT, TF_REUSE_SOCKET};
use wsp::types::*;
use wsp::{Engine, SockAddr, WsaError, Wsp};

fn portable() -> Engine<wsp_portable::Portable> {
    provider()
}

fn sim(seed: u64) -> Engine<wsp_sim::Sim> {
    let p = Engine::new(wsp_sim::Sim::new(seed));
    p.startup(make_word(2, 2)).unwrap();
    p
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 13 + i / 241) as u8).collect()
}

/// Read `n` bytes from `s` (blocking), then check that the stream ends there when
/// `then_eof`.
fn read_n<N: Net>(p: &Engine<N>, s: SOCKET, n: usize, then_eof: bool) -> Vec<u8> {
    let mut got = vec![0u8; n];
    let mut at = 0;
    while at < n {
        let mut f = 0;
        let k = p.recv(s, &mut [&mut got[at..]], &mut f).unwrap();
        assert_ne!(k, 0, "stream ended after {at} of {n} bytes");
        at += k;
    }
    if then_eof {
        let mut b = [0u8; 1];
        let mut f = 0;
        assert_eq!(
            p.recv(s, &mut [&mut b], &mut f).unwrap(),
            0,
            "end of stream"
        );
    }
    got
}

fn req(file: Option<Vec<u8>>, head: &[u8], tail: &[u8], flags: u32) -> TransmitFileRequest {
    TransmitFileRequest {
        file: file.map(|f| Box::new(Cursor::new(f)) as Box<dyn FileSource>),
        head: (!head.is_empty()).then(|| Box::new(head.to_vec()) as _),
        tail: (!tail.is_empty()).then(|| Box::new(tail.to_vec()) as _),
        flags,
        ..TransmitFileRequest::default()
    }
}

/// Head, a file larger than the socket buffers in small blocks, tail: everything in
/// order, and the completion counts all of it.
fn head_file_tail_in_order<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = pair(p);
    let data = pattern(400_000);
    let mut r = req(Some(data.clone()), b"HEAD", b"TAIL", TF_DISCONNECT);
    r.bytes_per_send = 1500;
    let i = p.transmit_file(c, r, Overlapped::new(1)).unwrap();
    let got = read_n(p, s, 4 + data.len() + 4, true);
    assert_eq!(&got[..4], b"HEAD");
    assert!(got[4..4 + data.len()] == data[..], "file bytes differ");
    assert_eq!(&got[4 + data.len()..], b"TAIL");
    assert_eq!(
        p.wait_op(&i.op, Some(GUARD)),
        Some(OpResult::ok(data.len() + 8, 0))
    );
}

#[test]
fn head_file_tail_arrive_in_order_portable() {
    head_file_tail_in_order(&portable());
}

#[test]
fn head_file_tail_arrive_in_order_sim() {
    head_file_tail_in_order(&sim(11));
}

/// nNumberOfBytesToWrite limits the file part; 0 sends the rest of the file from the
/// source's position.
fn counts_and_positions<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = pair(p);
    let data = pattern(100);
    let mut r = req(Some(data.clone()), b"", b"", 0);
    r.bytes_to_write = 10;
    let i = p.transmit_file(c, r, Overlapped::new(1)).unwrap();
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(10, 0)));
    assert_eq!(read_n(p, s, 10, false), &data[..10]);
    let mut cur = Cursor::new(data.clone());
    cur.set_position(60);
    let r = TransmitFileRequest {
        file: Some(Box::new(cur)),
        flags: TF_DISCONNECT,
        ..TransmitFileRequest::default()
    };
    let i = p.transmit_file(c, r, Overlapped::new(2)).unwrap();
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(40, 0)));
    assert_eq!(read_n(p, s, 40, true), &data[60..]);
}

#[test]
fn bytes_to_write_and_whole_file_portable() {
    counts_and_positions(&portable());
}

#[test]
fn bytes_to_write_and_whole_file_sim() {
    counts_and_positions(&sim(12));
}

/// No file: only the head and tail (the page: "If the hFile parameter is NULL, only data
/// in the header and/or the tail buffer is transmitted").
fn no_file<N: Net>(p: &Engine<N>) {
    let (c, s, _l) = pair(p);
    let i = p
        .transmit_file(
            c,
            req(None, b"only-", b"buffers", TF_DISCONNECT | TF_WRITE_BEHIND),
            Overlapped::new(1),
        )
        .unwrap();
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(12, 0)));
    assert_eq!(read_n(p, s, 12, true), b"only-buffers");
}

#[test]
fn null_file_sends_head_and_tail_portable() {
    no_file(&portable());
}

#[test]
fn null_file_sends_head_and_tail_sim() {
    no_file(&sim(13));
}

/// TF_DISCONNECT | TF_REUSE_SOCKET: the socket may go to ConnectEx again, as after
/// DisconnectEx (the page: "the socket handle can be passed to ... ConnectEx").
fn reuse<N: Net>(p: &Engine<N>) {
    let (l, la) = listener(p, AF_INET);
    let c = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(c, &any_port(AF_INET)).unwrap();
    let i = p.connect_ex(c, &la, None, Overlapped::new(1)).unwrap();
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(0, 0)));
    let s1 = p.accept(l, None, None).unwrap();
    let i = p
        .transmit_file(
            c,
            req(
                Some(b"file".to_vec()),
                b"",
                b"",
                TF_DISCONNECT | TF_REUSE_SOCKET,
            ),
            Overlapped::new(2),
        )
        .unwrap();
    assert_eq!(p.wait_op(&i.op, Some(GUARD)), Some(OpResult::ok(4, 0)));
    assert_eq!(read_n(p, s1, 4, true), b"file");
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
    assert_eq!(read_n(p, s2, 5, false), b"again");
}

#[test]
fn reuse_socket_lets_connect_ex_take_it_again_portable() {
    reuse(&portable());
}

#[test]
fn reuse_socket_lets_connect_ex_take_it_again_sim() {
    reuse(&sim(14));
}

/// The page's WSAEINVAL, WSAENOTCONN, WSAESHUTDOWN and WSAENOTSOCK cases.
fn errors<N: Net>(p: &Engine<N>) {
    let (c, _s, _l) = pair(p);
    let tf = |s: SOCKET, r: TransmitFileRequest| p.transmit_file(s, r, Overlapped::new(9));
    // TF_REUSE_SOCKET "is valid only if TF_DISCONNECT is also specified".
    assert_err(
        tf(c, req(None, b"x", b"", TF_REUSE_SOCKET)),
        WsaError::WSAEINVAL,
    );
    // Flags outside the documented ones (inferred).
    assert_err(tf(c, req(None, b"x", b"", 0x100)), WsaError::WSAEINVAL);
    // nNumberOfBytesToWrite "greater than 2,147,483,646".
    let mut r = req(Some(vec![1]), b"", b"", 0);
    r.bytes_to_write = 2_147_483_647;
    assert_err(tf(c, r), WsaError::WSAEINVAL);
    // A datagram socket.
    let u = p.socket(AF_INET, SOCK_DGRAM, 0, None, 0, 0).unwrap();
    p.connect(
        u,
        &SockAddr::from_std("127.0.0.1:9".parse().unwrap()),
        None,
        None,
        None,
        None,
    )
    .unwrap();
    assert_err(tf(u, req(None, b"x", b"", 0)), WsaError::WSAEINVAL);
    // Not connected.
    let t = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    assert_err(tf(t, req(None, b"x", b"", 0)), WsaError::WSAENOTCONN);
    // Not a socket.
    assert_err(
        tf(0xdead_0000, req(None, b"x", b"", 0)),
        WsaError::WSAENOTSOCK,
    );
    // Shut down for sending.
    p.shutdown(c, SD_SEND).unwrap();
    assert_err(tf(c, req(None, b"x", b"", 0)), WsaError::WSAESHUTDOWN);
}

#[test]
fn errors_portable() {
    errors(&portable());
}

#[test]
fn errors_sim() {
    errors(&sim(15));
}

/// A file that fails to read fails the request: in the call when that is where the read
/// happens (as a send that fails at once does), else at completion.
struct Broken;

impl FileSource for Broken {
    fn read_next(&mut self, _buf: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::from_raw_os_error(5)) // EIO
    }
}

#[test]
fn a_failing_file_completes_with_its_error() {
    let p = sim(16);
    let (c, _s, _l) = pair(&p);
    let r = TransmitFileRequest {
        file: Some(Box::new(Broken)),
        ..TransmitFileRequest::default()
    };
    let want = WsaError::from(std::io::Error::from_raw_os_error(5));
    match p.transmit_file(c, r, Overlapped::new(1)) {
        Err(e) => assert_eq!(e, want),
        Ok(i) => {
            let got = p.wait_op(&i.op, Some(GUARD)).unwrap();
            assert_eq!(got.error, Some(want));
        }
    }
}
