//! 10,000 sockets under event select on one provider (5,000 connected pairs), each
//! getting its own events right: FD_WRITE once connected, FD_READ with exactly its peer's
//! bytes, FD_CLOSE after the peer's graceful close.

mod util;
use util::*;
use wsp::sync::{wait_for_multiple, Event, RealTime, WaitResult};
use wsp::types::*;
use wsp::{SockAddr, Wsp};

const PAIRS: usize = 5_000;
/// Sockets per event object (WSAWaitForMultipleEvents takes at most 64 events).
const GROUP: usize = 200;
const _: () = assert!((2 * PAIRS).div_ceil(GROUP) <= 64);

#[test]
fn ten_thousand_sockets_under_event_select() {
    let limit = wsp_portable::raise_fd_limit().expect("raise descriptor limit");
    assert!(
        limit >= 2 * PAIRS as u64 + 100,
        "descriptor limit {limit} too low"
    );
    let p = provider();
    let (l, addr) = listener(&p, AF_INET);
    let mut clients = Vec::with_capacity(PAIRS);
    let mut servers = Vec::with_capacity(PAIRS);
    for _ in 0..PAIRS {
        let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
        p.connect(c, &addr, None, None, None, None).unwrap();
        let s = p.accept(l, None, None).unwrap();
        clients.push(c);
        servers.push(s);
    }
    assert_eq!(p.socket_count(), 2 * PAIRS + 1);

    let all: Vec<SOCKET> = clients.iter().chain(servers.iter()).copied().collect();
    let events: Vec<Event> = (0..all.len().div_ceil(GROUP))
        .map(|_| Event::new())
        .collect();
    let event_of = |i: usize| &events[i / GROUP];
    for (i, &s) in all.iter().enumerate() {
        p.event_select(s, Some(event_of(i)), FD_READ | FD_WRITE | FD_CLOSE)
            .unwrap();
    }

    // Drain events until every socket has seen `want`; returns per-socket event unions and
    // the FD_CLOSE error codes.
    let drain = |want: &dyn Fn(usize) -> i32, seen: &mut Vec<i32>, close_err: &mut Vec<i32>| {
        let mut rounds = 0;
        while (0..all.len()).any(|i| seen[i] & want(i) != want(i)) {
            rounds += 1;
            assert!(rounds < 100_000, "events never arrived");
            // One wait on all the group events (fewer than 64), then enumerate.
            let r = wait_for_multiple(&RealTime, &events, false, Some(GUARD), false).unwrap();
            assert_ne!(r, WaitResult::Timeout, "no event within the guard");
            for (i, &s) in all.iter().enumerate() {
                let n = p.enum_network_events(s, None).unwrap();
                seen[i] |= n.lNetworkEvents;
                if n.lNetworkEvents & FD_CLOSE != 0 {
                    close_err[i] = n.iErrorCode[FD_CLOSE_BIT];
                }
            }
            for e in &events {
                e.reset();
            }
            // Anything recorded after the enumeration and before the reset is still in the
            // record: enumerate once more so it is not missed.
            for (i, &s) in all.iter().enumerate() {
                let n = p.enum_network_events(s, None).unwrap();
                seen[i] |= n.lNetworkEvents;
                if n.lNetworkEvents & FD_CLOSE != 0 {
                    close_err[i] = n.iErrorCode[FD_CLOSE_BIT];
                }
            }
        }
    };

    // 1. FD_WRITE on every connected socket, and nothing else yet.
    let mut seen = vec![0i32; all.len()];
    let mut close_err = vec![-1i32; all.len()];
    drain(&|_| FD_WRITE, &mut seen, &mut close_err);
    assert!(
        seen.iter().all(|&e| e == FD_WRITE),
        "only FD_WRITE expected"
    );

    // 2. Each client sends its index; each server gets FD_READ and reads exactly that.
    for (i, &c) in clients.iter().enumerate() {
        p.send(c, &[&(i as u32).to_le_bytes()], 0).unwrap();
    }
    let mut seen = vec![0i32; all.len()];
    drain(
        &|i| if i >= PAIRS { FD_READ } else { 0 },
        &mut seen,
        &mut close_err,
    );
    for (i, &s) in servers.iter().enumerate() {
        let mut buf = [0u8; 8];
        let mut flags = 0;
        let n = p.recv(s, &mut [&mut buf], &mut flags).unwrap();
        assert_eq!(n, 4);
        assert_eq!(u32::from_le_bytes(buf[..4].try_into().unwrap()), i as u32);
    }
    assert!(
        seen[..PAIRS].iter().all(|&e| e == 0),
        "clients got no events"
    );

    // 3. Clients shut down sending; servers see FD_CLOSE with no error.
    for &c in &clients {
        p.shutdown(c, SD_SEND).unwrap();
    }
    let mut seen = vec![0i32; all.len()];
    drain(
        &|i| if i >= PAIRS { FD_CLOSE } else { 0 },
        &mut seen,
        &mut close_err,
    );
    assert!(close_err[PAIRS..].iter().all(|&e| e == 0));

    for &s in &all {
        p.close_socket(s).unwrap();
    }
    p.close_socket(l).unwrap();
    assert_eq!(p.socket_count(), 0);
    let _ = SockAddr::default();
}
