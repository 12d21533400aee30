//! Reliability under interruption, churn, faults and load (issue 7, item 4).
//!
//! * A blocked call interrupted by `closesocket` or `WSPCleanup` from another thread
//!   returns `WSAEINTR` (the `WSPRecv`/`WSPAccept`/`WSPSend`/`WSPConnect` pages: "a blocking
//!   Windows Sockets 1.1 call was canceled"; Windows gives `WSAEINTR` to a call whose
//!   socket is closed under it), and nothing crashes.
//! * 10,000 open/close cycles on the portable backend leave the process's descriptors as
//!   they were.
//! * A checksummed transfer through the simulator's faults loses and duplicates nothing.
//! * Many threads doing event select, send, receive and close on shared sockets neither
//!   panic nor deadlock.
//!
//! Every test here is bounded: waits are guarded, loops counted, and the multi-threaded
//! ones run under a watchdog. The tests share one lock, because the descriptor count is a
//! process-wide figure that the other tests' sockets would disturb.

mod util;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use util::*;
use wsp::net::{HostFamily, HostKind, Net, Readiness, ReadinessSink};
use wsp::sync::Event;
use wsp::types::*;
use wsp::{Engine, FdSet, WsaError, Wsp};
use wsp_sim::{FaultConfig, Sim, SimConfig};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Generous bound for the multi-threaded tests' watchdog.
const WATCHDOG: Duration = Duration::from_secs(60);

// ----- interrupting blocked calls ---------------------------------------------------------

/// Run `call` on another thread, wait until that thread is parked inside it, run
/// `interrupt`, and return what `call` returned.
#[cfg(target_os = "linux")]
fn interrupted<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, WsaError> + Send + 'static,
    interrupt: impl FnOnce(),
) -> Result<T, WsaError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        tx.send(current_tid()).unwrap();
        call()
    });
    let tid = rx.recv().unwrap();
    wait_until_parked(tid);
    interrupt();
    // The interrupted call must come back promptly: bounded by the watchdog.
    with_watchdog(GUARD, move || t.join().expect("blocked thread panicked"))
}

#[cfg(target_os = "linux")]
#[test]
fn close_interrupts_blocked_recv() {
    let _g = serial();
    let p = provider();
    let (c, s, l) = pair(&p);
    let p2 = p.clone();
    let r = interrupted(
        move || {
            let mut buf = [0u8; 16];
            let mut flags = 0;
            p2.recv(c, &mut [&mut buf], &mut flags)
        },
        || p.close_socket(c).unwrap(),
    );
    assert_err(r, WsaError::WSAEINTR);
    // The handle is gone for good; the rest of the provider still works.
    assert_err(p.close_socket(c), WsaError::WSAENOTSOCK);
    assert_eq!(p.send(s, &[b"x"], 0), Ok(1));
    p.close_socket(s).unwrap();
    p.close_socket(l).unwrap();
    assert_eq!(p.socket_count(), 0);
}

#[cfg(target_os = "linux")]
#[test]
fn close_interrupts_blocked_accept() {
    let _g = serial();
    let p = provider();
    let (l, _) = listener(&p, AF_INET);
    let p2 = p.clone();
    let r = interrupted(
        move || p2.accept(l, None, None),
        || p.close_socket(l).unwrap(),
    );
    assert_err(r, WsaError::WSAEINTR);
    assert_eq!(p.socket_count(), 0);
}

#[cfg(target_os = "linux")]
#[test]
fn close_interrupts_send_blocked_on_full_buffer() {
    let _g = serial();
    let p = provider();
    let (c, s, l) = pair(&p);
    // Fill the pipe without blocking, then go back to blocking.
    p.ioctl(c, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    let chunk = vec![7u8; 65_536];
    let mut full = false;
    for _ in 0..10_000 {
        match p.send(c, &[&chunk], 0) {
            Ok(_) => {}
            Err(WsaError::WSAEWOULDBLOCK) => {
                full = true;
                break;
            }
            Err(e) => panic!("filling: {e:?}"),
        }
    }
    assert!(full, "the send buffer never filled");
    p.ioctl(c, FIONBIO, &0u32.to_le_bytes(), &mut []).unwrap();
    let p2 = p.clone();
    let r = interrupted(
        move || p2.send(c, &[&chunk], 0),
        || p.close_socket(c).unwrap(),
    );
    assert_err(r, WsaError::WSAEINTR);
    p.close_socket(s).unwrap();
    p.close_socket(l).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn close_interrupts_connect_to_full_listener_sim() {
    let _g = serial();
    // In the simulator a listener's queue holds backlog + 1 connections and further
    // connects stay pending until accept makes room: a deterministic never-accepting peer.
    let p = Engine::new(Sim::new(7));
    p.startup(make_word(2, 2)).unwrap();
    let (l, addr) = listener(&p, AF_INET);
    p.listen(l, 1).unwrap();
    let mut queued = Vec::new();
    for _ in 0..2 {
        let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
        p.ioctl(c, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
        assert_err(
            p.connect(c, &addr, None, None, None, None),
            WsaError::WSAEWOULDBLOCK,
        );
        queued.push(c);
    }
    p.net().run_until_idle();
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    let p2 = p.clone();
    let r = interrupted(
        move || p2.connect(c, &addr, None, None, None, None),
        || p.close_socket(c).unwrap(),
    );
    assert_err(r, WsaError::WSAEINTR);
    // The listener still hands out the two queued connections.
    assert!(p.accept(l, None, None).is_ok());
    assert!(p.accept(l, None, None).is_ok());
}

#[cfg(target_os = "linux")]
#[test]
fn cleanup_interrupts_blocked_recv() {
    let _g = serial();
    let p = provider();
    let (c, _s, _l) = pair(&p);
    let p2 = p.clone();
    let r = interrupted(
        move || {
            let mut buf = [0u8; 16];
            let mut flags = 0;
            p2.recv(c, &mut [&mut buf], &mut flags)
        },
        || p.cleanup().unwrap(),
    );
    assert_err(r, WsaError::WSAEINTR);
    assert_eq!(p.socket_count(), 0);
    assert_err(p.close_socket(c), WsaError::WSANOTINITIALISED);
    // A new user starts from an empty table; the old handle names nothing.
    p.startup(make_word(2, 2)).unwrap();
    assert_err(p.close_socket(c), WsaError::WSAENOTSOCK);
}

// ----- descriptors ------------------------------------------------------------------------

/// Wait (bounded) until the descriptor count is `want`; returns the last count seen.
#[cfg(target_os = "linux")]
fn settle_fds(want: usize) -> usize {
    let deadline = std::time::Instant::now() + GUARD;
    loop {
        let n = open_fds();
        if n == want || std::time::Instant::now() >= deadline {
            return n;
        }
        std::thread::yield_now();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn ten_thousand_open_close_cycles_leave_descriptors_as_they_were() {
    let _g = serial();
    let before_provider = open_fds();
    let p = provider();
    let baseline = open_fds();
    let (l, addr) = listener(&p, AF_INET);
    for i in 0..10_000 {
        let af = if i % 2 == 0 { AF_INET } else { AF_INET6 };
        let ty = if i % 3 == 0 { SOCK_DGRAM } else { SOCK_STREAM };
        let s = p.socket(af, ty, 0, None, 0, 0).unwrap();
        if i % 100 == 0 {
            // Now and then a connection, closed from both ends.
            let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
            p.connect(c, &addr, None, None, None, None).unwrap();
            let a = p.accept(l, None, None).unwrap();
            p.close_socket(a).unwrap();
            p.close_socket(c).unwrap();
        } else if i % 7 == 0 {
            p.bind(s, &any_port(af)).unwrap();
        }
        p.close_socket(s).unwrap();
    }
    p.close_socket(l).unwrap();
    assert_eq!(p.socket_count(), 0);
    assert_eq!(settle_fds(baseline), baseline, "descriptors leaked");
    drop(p);
    assert_eq!(
        settle_fds(before_provider),
        before_provider,
        "the dropped provider left descriptors open"
    );
}

// ----- a transfer through faults ----------------------------------------------------------

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Pseudo-random bytes from a seed (xorshift64*).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

fn nonblocking(p: &impl Wsp, s: SOCKET) {
    p.ioctl(s, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
}

/// One end of the transfer: what it sends, how far it got, what it received.
struct End {
    s: SOCKET,
    out: Vec<u8>,
    sent: usize,
    shut: bool,
    /// The last send would block: leave the write set until the peer reads or time
    /// passes (`select` would report it writable at once: see
    /// `select_writable_after_send_would_block`).
    blocked: bool,
    got: Vec<u8>,
    eof: bool,
}

fn all_faults() -> FaultConfig {
    FaultConfig {
        partial_write: 0.3,
        would_block: 0.2,
        delay: 0.2,
        max_delay: Duration::from_millis(3),
        delay_readiness: 0.2,
        ..FaultConfig::default()
    }
}

fn transfer_through_faults(seed: u64, faults: FaultConfig) {
    let cfg = SimConfig {
        send_buffer: 3000,
        recv_buffer: 5000,
        faults,
        ..SimConfig::default()
    };
    let p = Engine::new(Sim::with_config(seed, cfg));
    p.startup(make_word(2, 2)).unwrap();
    let (l, addr) = listener(&p, AF_INET);
    nonblocking(&p, l);
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    nonblocking(&p, c);
    assert_err(
        p.connect(c, &addr, None, None, None, None),
        WsaError::WSAEWOULDBLOCK,
    );
    let tv = TIMEVAL {
        tv_sec: 0,
        tv_usec: 50_000,
    };
    // Accept once the listener is readable (an injected would-block may intervene).
    let mut s = None;
    for _ in 0..1000 {
        let mut r = FdSet::new();
        r.set(l);
        p.select(Some(&mut r), None, None, Some(&tv)).unwrap();
        match p.accept(l, None, None) {
            Ok(a) => {
                s = Some(a);
                break;
            }
            Err(WsaError::WSAEWOULDBLOCK) => {}
            Err(e) => panic!("accept: {e:?}"),
        }
    }
    let s = s.expect("never accepted");
    let size = 200_000;
    let mut ends = [
        End {
            s: c,
            out: noise(seed, size),
            sent: 0,
            shut: false,
            blocked: false,
            got: Vec::new(),
            eof: false,
        },
        End {
            s,
            out: noise(!seed, size + 1234),
            sent: 0,
            shut: false,
            blocked: false,
            got: Vec::new(),
            eof: false,
        },
    ];
    let mut buf = vec![0u8; 4099];
    let mut rounds = 0;
    while !(ends[0].eof && ends[1].eof) {
        rounds += 1;
        assert!(
            rounds < 200_000,
            "seed {seed}: transfer did not finish at {:?} with {} timers: sent {}/{} and {}/{}, received {} (eof {}) and {} (eof {})",
            p.net().now(),
            p.net().pending_timers(),
            ends[0].sent,
            ends[0].out.len(),
            ends[1].sent,
            ends[1].out.len(),
            ends[0].got.len(),
            ends[0].eof,
            ends[1].got.len(),
            ends[1].eof
        );
        let mut rd = FdSet::new();
        let mut wr = FdSet::new();
        for e in &ends {
            if !e.eof {
                rd.set(e.s);
            }
            if !e.shut && !e.blocked {
                wr.set(e.s);
            }
        }
        let wr_arg = (!wr.is_empty()).then_some(&mut wr);
        let ready = p.select(Some(&mut rd), wr_arg, None, Some(&tv)).unwrap();
        if ready == 0 {
            // Time passed: space may have freed up.
            ends.iter_mut().for_each(|e| e.blocked = false);
        }
        let mut freed = [false; 2];
        for (k, e) in ends.iter_mut().enumerate() {
            if wr.is_set(e.s) && !e.shut {
                // Vary the size of each send, and split it over two buffers.
                let n = (1 + rounds * 997 % 6000).min(e.out.len() - e.sent);
                let (a, b) = e.out[e.sent..e.sent + n].split_at(n / 3);
                match p.send(e.s, &[a, b], 0) {
                    Ok(k) => e.sent += k,
                    Err(WsaError::WSAEWOULDBLOCK) => e.blocked = true,
                    Err(err) => panic!("send: {err:?}"),
                }
                if e.sent == e.out.len() {
                    p.shutdown(e.s, SD_SEND).unwrap();
                    e.shut = true;
                }
            }
            if rd.is_set(e.s) && !e.eof {
                let mut flags = 0;
                match p.recv(e.s, &mut [&mut buf[..]], &mut flags) {
                    Ok(0) => e.eof = true,
                    Ok(n) => {
                        e.got.extend_from_slice(&buf[..n]);
                        freed[1 - k] = true;
                    }
                    Err(WsaError::WSAEWOULDBLOCK) => {}
                    Err(err) => panic!("recv: {err:?}"),
                }
            }
        }
        for (e, f) in ends.iter_mut().zip(freed) {
            if f {
                e.blocked = false;
            }
        }
    }
    for (from, to) in [(0, 1), (1, 0)] {
        let (sent, got) = (&ends[from].out, &ends[to].got);
        assert_eq!(
            got.len(),
            sent.len(),
            "seed {seed}: lost or duplicated bytes"
        );
        assert_eq!(fnv1a(got), fnv1a(sent), "seed {seed}: checksum differs");
        assert!(got == sent, "seed {seed}: bytes differ");
    }
}

#[test]
fn checksummed_transfer_through_sim_faults() {
    let _g = serial();
    for seed in [1, 2, 3] {
        transfer_through_faults(seed, all_faults());
    }
}

// ----- many threads on shared sockets -----------------------------------------------------

#[test]
fn event_select_send_recv_close_stress() {
    let _g = serial();
    with_watchdog(WATCHDOG, stress);
}

fn stress() {
    const SLOTS: usize = 12;
    const WORKERS: usize = 4;
    const OPS: usize = 3_000;
    const REPLACEMENTS: usize = 150;
    let p = provider();
    let (l, addr) = listener(&p, AF_INET);
    let new_pair = {
        let p = p.clone();
        move || {
            let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
            p.connect(c, &addr, None, None, None, None).unwrap();
            let s = p.accept(l, None, None).unwrap();
            nonblocking(&p, c);
            nonblocking(&p, s);
            (c, s)
        }
    };
    let slots: Arc<Vec<AtomicUsize>> = Arc::new((0..SLOTS).map(|_| AtomicUsize::new(0)).collect());
    for k in (0..SLOTS).step_by(2) {
        let (c, s) = new_pair();
        slots[k].store(c, Ordering::SeqCst);
        slots[k + 1].store(s, Ordering::SeqCst);
    }
    let mut threads = Vec::new();
    for w in 0..WORKERS {
        let (p, slots) = (p.clone(), slots.clone());
        threads.push(std::thread::spawn(move || {
            let ev = Event::new();
            let mut x = 0x9e37_79b9_u64 + w as u64;
            let mut buf = [0u8; 512];
            for _ in 0..OPS {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let s = slots[(x as usize) % SLOTS].load(Ordering::SeqCst);
                let r: Result<(), WsaError> = match (x >> 8) % 5 {
                    0 => p.event_select(s, Some(&ev), FD_READ | FD_WRITE | FD_CLOSE),
                    1 => p.enum_network_events(s, Some(&ev)).map(|ne| {
                        for code in ne.iErrorCode {
                            assert!(code == 0 || WsaError(code).is_known(), "code {code}");
                        }
                    }),
                    2 => p.send(s, &[&buf[..(x as usize >> 16) % 512]], 0).map(drop),
                    3 => {
                        let mut flags = 0;
                        p.recv(s, &mut [&mut buf[..]], &mut flags).map(drop)
                    }
                    _ => {
                        let mut rd = FdSet::new();
                        rd.set(s);
                        let tv = TIMEVAL::default();
                        p.select(Some(&mut rd), None, None, Some(&tv)).map(drop)
                    }
                };
                if let Err(e) = r {
                    assert!(e.is_known(), "unknown error {e:?}");
                }
            }
        }));
    }
    // The closer: replaces random sockets while the workers use them.
    {
        let mut x = 12345u64;
        for _ in 0..REPLACEMENTS {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = (x as usize) % (SLOTS / 2) * 2;
            let (c, s) = new_pair();
            let old_c = slots[k].swap(c, Ordering::SeqCst);
            let old_s = slots[k + 1].swap(s, Ordering::SeqCst);
            p.close_socket(old_c).unwrap();
            p.close_socket(old_s).unwrap();
            std::thread::yield_now();
        }
    }
    for t in threads {
        t.join().expect("worker panicked");
    }
    for k in 0..SLOTS {
        p.close_socket(slots[k].load(Ordering::SeqCst)).unwrap();
    }
    p.close_socket(l).unwrap();
    assert_eq!(p.socket_count(), 0);
}

// ----- regressions found by the fuzzers ---------------------------------------------------

#[derive(Default)]
struct Log(Mutex<Vec<(u64, Readiness)>>);
impl ReadinessSink for Log {
    fn ready(&self, token: u64, r: Readiness) {
        self.0.lock().unwrap().push((token, r));
    }
}

/// `fuzz/regressions/api_sequence/timeout-readiness-delay-run-until-idle`: with a fixed
/// readiness delay set, a delayed report re-queues itself for another delay each time its
/// timer fires (`Timer::Report` → `touch(id, true)` → `flush` schedules a new
/// `Timer::Report` while `readiness_delay` is non-zero), so it is never delivered, the
/// timer queue never empties, and `Sim::run_until_idle` (and a `block_until` without a
/// deadline) loops forever.
#[test]
fn sim_readiness_delay_report_is_delivered() {
    let _g = serial();
    let sim = Sim::new(1);
    let log = Arc::new(Log::default());
    let sink: Arc<dyn ReadinessSink> = log.clone();
    sim.attach(Arc::downgrade(&sink));
    let l = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.bind(l, "127.0.0.1:80".parse().unwrap()).unwrap();
    sim.listen(l, 4).unwrap();
    sim.register(l, 1).unwrap();
    sim.set_readiness_delay(Duration::from_millis(1));
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.register(c, 2).unwrap();
    let _ = sim.connect(c, "127.0.0.1:80".parse().unwrap());
    sim.advance(Duration::from_millis(50));
    let seen = log.0.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|&(t, r)| t == 1 && r.contains(Readiness::READABLE)),
        "the listener's delayed report never arrived: {seen:?}"
    );
    assert_eq!(
        sim.pending_timers(),
        0,
        "reports still re-queueing themselves"
    );
}

/// Found by `checksummed_transfer_through_sim_faults`: after a non-blocking stream `send`
/// fails `WSAEWOULDBLOCK` because the pipe is full, `select` still reports the socket
/// writable (the engine keeps the `WRITABLE` readiness it saw last; only a blocking wait
/// consumes it). Windows' `select` reports a stream socket writable when a send can take
/// data. A loop driven by `select` then spins without blocking: in the simulator virtual
/// time never advances, so delayed deliveries never arrive and the transfer stalls.
#[test]
fn select_writable_after_send_would_block() {
    let _g = serial();
    let p = Engine::new(Sim::new(1));
    p.startup(make_word(2, 2)).unwrap();
    let (c, s, _l) = pair(&p);
    nonblocking(&p, c);
    let chunk = [1u8; 4096];
    let mut full = false;
    for _ in 0..1000 {
        if p.send(c, &[&chunk], 0) == Err(WsaError::WSAEWOULDBLOCK) {
            full = true;
            break;
        }
    }
    assert!(full);
    let mut wr = FdSet::new();
    wr.set(c);
    let tv = TIMEVAL::default();
    assert_eq!(
        p.select(None, Some(&mut wr), None, Some(&tv)),
        Ok(0),
        "a socket whose send would block is reported writable"
    );
    let _ = s;
}
