//! Shared vocabulary for the engine's integration tests (mio's tests/util style).
#![allow(dead_code)]

pub mod tap;

use std::time::Duration;
use wsp::sync::Event;
use wsp::types::*;
use wsp::{Engine, SockAddr, WsaError, Wsp};
use wsp_portable::Portable;

/// Bound on any wait in a test: only a guard against hanging, never a timing assertion.
pub const GUARD: Duration = Duration::from_secs(10);

/// A started provider over the portable backend.
pub fn provider() -> Engine<Portable> {
    let p = Engine::new(Portable::new().expect("portable backend"));
    p.startup(make_word(2, 2)).expect("startup");
    p
}

/// Loopback address with port 0 for `af`.
pub fn any_port(af: i32) -> SockAddr {
    if af == AF_INET6 {
        SockAddr::from_std("[::1]:0".parse().unwrap())
    } else {
        SockAddr::from_std("127.0.0.1:0".parse().unwrap())
    }
}

/// A listening TCP socket on loopback and its address.
pub fn listener(p: &impl Wsp, af: i32) -> (SOCKET, SockAddr) {
    let l = p.socket(af, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.bind(l, &any_port(af)).unwrap();
    p.listen(l, 5).unwrap();
    let mut a = SockAddr::default();
    p.get_sock_name(l, &mut a).unwrap();
    (l, a)
}

/// A connected pair `(client, server)` of blocking TCP sockets plus the listener.
pub fn pair(p: &impl Wsp) -> (SOCKET, SOCKET, SOCKET) {
    let (l, a) = listener(p, AF_INET);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.connect(c, &a, None, None, None, None).unwrap();
    let s = p.accept(l, None, None).unwrap();
    (c, s, l)
}

/// Wait (bounded) until `ev` is signalled; panics on the guard.
pub fn wait_event(ev: &Event) {
    let deadline = std::time::Instant::now() + GUARD;
    loop {
        let seen = ev.gate().epoch();
        if ev.is_set() {
            return;
        }
        let now = std::time::Instant::now();
        assert!(now < deadline, "event not signalled within the guard");
        ev.gate().wait(seen, Some(deadline - now));
    }
}

/// Enumerate events, waiting (bounded) until `want` bits have all been seen; returns the
/// union of everything recorded meanwhile and the last error codes.
pub fn collect_events(p: &impl Wsp, s: SOCKET, ev: &Event, want: i32) -> WSANETWORKEVENTS {
    let mut all = WSANETWORKEVENTS::default();
    let deadline = std::time::Instant::now() + GUARD;
    while all.lNetworkEvents & want != want {
        assert!(
            std::time::Instant::now() < deadline,
            "wanted {want:#x}, saw {:#x}",
            all.lNetworkEvents
        );
        wait_event(ev);
        let n = p.enum_network_events(s, Some(ev)).unwrap();
        all.lNetworkEvents |= n.lNetworkEvents;
        for i in 0..FD_MAX_EVENTS {
            if n.lNetworkEvents & (1 << i) != 0 {
                all.iErrorCode[i] = n.iErrorCode[i];
            }
        }
    }
    all
}

/// Assert a result is the given Winsock error.
#[track_caller]
pub fn assert_err<T: std::fmt::Debug>(r: Result<T, WsaError>, e: WsaError) {
    match r {
        Err(got) => assert_eq!(got, e),
        Ok(v) => panic!("expected {e:?}, got Ok({v:?})"),
    }
}

// ----- reliability helpers (tests/reliability.rs) -----------------------------------------

/// The kernel's id of the calling thread (Linux: the first field of
/// `/proc/thread-self/stat`).
#[cfg(target_os = "linux")]
pub fn current_tid() -> u32 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("/proc/thread-self/stat");
    stat.split_whitespace()
        .next()
        .and_then(|t| t.parse().ok())
        .expect("tid")
}

/// The scheduler state letter of thread `tid` of this process (`R`, `S`, `D`, ...), or
/// `None` once the thread is gone.
#[cfg(target_os = "linux")]
pub fn thread_state(tid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: the state follows the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().next()?.chars().next()
}

/// Wait (bounded by [`GUARD`], yielding) until thread `tid` has been seen asleep on
/// several consecutive looks: the way a test knows that another thread is parked inside a
/// blocking call, where the engine offers no event to say so.
#[cfg(target_os = "linux")]
pub fn wait_until_parked(tid: u32) {
    let deadline = std::time::Instant::now() + GUARD;
    let mut asleep = 0;
    while asleep < 20 {
        assert!(
            std::time::Instant::now() < deadline,
            "thread {tid} never parked"
        );
        match thread_state(tid) {
            Some('S') => asleep += 1,
            Some(_) => asleep = 0,
            None => panic!("thread {tid} ended before parking"),
        }
        std::thread::yield_now();
    }
}

/// Number of open descriptors of this process (entries of `/proc/self/fd`).
#[cfg(target_os = "linux")]
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

/// Run `f` on a new thread and fail the test if it has not finished within `bound`: a
/// watchdog against deadlocks. Returns `f`'s result; a panic in `f` fails the test too.
pub fn with_watchdog<T: Send + 'static>(
    bound: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(bound) {
        Ok(v) => {
            worker.join().expect("worker");
            v
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(worker.join().expect_err("worker panicked"))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("watchdog: not finished within {bound:?} (deadlock?)")
        }
    }
}
