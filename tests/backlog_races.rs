//! Races between a graceful `closesocket` with a send backlog (src/engine/backlog.rs) and
//! the backend's readiness reports, forced deterministically on the sim backend through a
//! tap that can drop a report or park a send. Both were seen under load as the conformance
//! case `graceful_close_after_big_send_delivers_the_data` hanging ("not finished within
//! 20s") on the chain column, whose next provider is the engine on portable.
//!
//! Source for the expected behaviour: Microsoft's closesocket page ("any data queued for
//! transmission will be sent, if possible, before the underlying socket is closed"); a
//! graceful close then ends the stream (the peer reads 0).

mod util;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use util::tap::{Call, Park, Tap};
use util::*;
use wsp::types::*;
use wsp::{Engine, WsaError, Wsp};
use wsp_sim::Sim;

fn tapped_sim() -> Engine<Tap<Sim>> {
    let p = Engine::new(Tap::new(Sim::new(7)));
    p.startup(make_word(2, 2)).unwrap();
    p
}

fn pattern(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8 ^ salt).collect()
}

fn set_u32(p: &impl Wsp, s: SOCKET, name: i32, v: u32) {
    p.set_sock_opt(s, SOL_SOCKET, name, &v.to_le_bytes())
        .unwrap();
}

/// A connected pair `(client, server)`: the client non-blocking with a 4 KB send buffer,
/// the server with a 4 KB receive buffer.
fn small_pair(p: &impl Wsp) -> (SOCKET, SOCKET) {
    let (l, a) = listener(p, AF_INET);
    set_u32(p, l, SO_RCVBUF, 4096);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    set_u32(p, c, SO_SNDBUF, 4096);
    p.connect(c, &a, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    set_u32(p, s, SO_RCVBUF, 4096);
    p.ioctl(c, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    (c, s)
}

/// Read `s` non-blocking until end of stream, an error, or nothing more is there (the
/// sim runs every flush synchronously, so "nothing there" means nothing will come).
/// Bounded by `limit` receives.
fn read_available(p: &impl Wsp, s: SOCKET, limit: usize) -> (Vec<u8>, Result<usize, WsaError>) {
    p.ioctl(s, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    for _ in 0..limit {
        let mut flags = 0;
        match p.recv(s, &mut [&mut buf], &mut flags) {
            Ok(0) => return (got, Ok(0)),
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) => return (got, Err(e)),
        }
    }
    (got, Err(WsaError::WSAEWOULDBLOCK))
}

/// The writable report that would flush the backlog reaches the engine while the closing
/// socket is in neither the handle table nor the lingering set, which can only drop it
/// (modelled by the tap dropping it). The backlog must still be flushed: the host reports
/// writable once per would-block, so the close itself tries again.
#[test]
fn writable_report_lost_at_close_does_not_strand_the_backlog() {
    let p = tapped_sim();
    let (c, s) = small_pair(&p);
    let data = pattern(64 * 1024, 1);
    assert_eq!(p.send(c, &[&data], 0).unwrap(), data.len());
    assert!(p.send_backlog(c).unwrap() > 0, "the send left a backlog");

    *p.net().ctl.drop_writable.lock().unwrap() = Some(c as u64);
    // The peer reads what arrived: the host has room again and reports it (dropped).
    let mut first = vec![0u8; 64 * 1024];
    let mut flags = 0;
    let n = p.recv(s, &mut [&mut first], &mut flags).unwrap();
    assert!(n > 0);
    assert!(
        p.net().ctl.dropped.load(Ordering::SeqCst) > 0,
        "the sim reported the room (the interleaving was forced)"
    );
    *p.net().ctl.drop_writable.lock().unwrap() = None;

    p.close_socket(c).unwrap();
    let (rest, end) = read_available(&p, s, 10_000);
    let mut got = first[..n].to_vec();
    got.extend_from_slice(&rest);
    assert_eq!(
        end,
        Ok(0),
        "end of stream after the data ({} of {} bytes read)",
        got.len(),
        data.len()
    );
    assert!(
        got == data,
        "bytes differ ({} of {})",
        got.len(),
        data.len()
    );
}

/// A report that found the socket still open is flushing the last bytes of the backlog
/// (parked in the host's send) while `closesocket` moves the socket to the lingering set;
/// the close sees the send path held and leaves the socket to the flusher. Once the flush
/// empties the backlog the socket must be let go, so the host closes and the peer reads
/// end of stream.
#[test]
fn close_during_the_last_flush_still_ends_the_stream() {
    let p = Arc::new(tapped_sim());
    let (c, s) = small_pair(&*p);
    // Fill the host, then a little more: the backlog fits in what one read frees, with
    // room to spare, so the host stays writable after the flush and reports nothing more
    // (as epoll reports writable only after a send found the buffer full).
    let probe = pattern(12 * 1024, 2);
    assert_eq!(p.send(c, &[&probe], 0).unwrap(), probe.len());
    let backlog = p.send_backlog(c).unwrap();
    let taken = probe.len() - backlog;
    assert!(
        backlog > 0 && backlog < taken,
        "the host took {taken}, the backlog is {backlog}: one read must make room for it"
    );

    p.net().ctl.set_park(Park::Armed(Call::Send, c as u64));
    // The reader frees the host's buffer; the report it causes flushes the backlog on the
    // reader's thread (the sim reports synchronously), parking in the host's send.
    let reader = {
        let p = p.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            let mut flags = 0;
            let n = p.recv(s, &mut [&mut buf], &mut flags).unwrap();
            buf.truncate(n);
            buf
        })
    };
    p.net().ctl.wait_park(Park::Parked);
    p.close_socket(c).unwrap();
    p.net().ctl.set_park(Park::Released);
    let mut got = reader.join().expect("reader");
    assert_eq!(got.len(), taken, "the first read takes what the host held");

    let (rest, end) = read_available(&*p, s, 10_000);
    got.extend_from_slice(&rest);
    assert!(
        got == probe,
        "bytes differ ({} of {})",
        got.len(),
        probe.len()
    );
    assert_eq!(end, Ok(0), "end of stream once the backlog is flushed");
}
