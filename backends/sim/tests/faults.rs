//! Fault injection, virtual time and determinism.

mod util;

use std::sync::Arc;
use std::time::Duration;
use util::*;
use wsp::net::{Gate, HostFamily, HostKind, HostSocket, Net, Readiness};
use wsp::WsaError;
use wsp_sim::{FaultConfig, Op, Sim, SimConfig};

#[test]
fn fail_next_changes_nothing() {
    let (sim, _rec) = sim(1);
    sim.fail_next(Op::Open, WsaError::WSAEMFILE);
    assert_eq!(
        sim.open(HostFamily::V4, HostKind::Stream),
        Err(WsaError::WSAEMFILE)
    );
    let (c, s) = pair(&sim, 7000);
    sim.fail_next(Op::Send, WsaError::WSAENOBUFS);
    assert_eq!(
        sim.send(c, &[b"abc"], None, NONE),
        Err(WsaError::WSAENOBUFS)
    );
    assert_eq!(sim.pending_bytes(s).unwrap(), 0);
    sim.send(c, &[b"abc"], None, NONE).unwrap();
    sim.fail_next(Op::Recv, WsaError::WSAENOBUFS);
    assert_eq!(recv_n(&sim, s, 10), Err(WsaError::WSAENOBUFS));
    assert_eq!(recv_n(&sim, s, 10).unwrap(), b"abc");
}

#[test]
fn refuse_next_connects() {
    let (sim, _rec) = sim(1);
    let l = listener(&sim, "127.0.0.1:7100", 1);
    sim.refuse_next_connects(1);
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    assert_would_block(sim.connect(c, addr("127.0.0.1:7100")));
    assert_eq!(sim.take_error(c).unwrap(), Some(WsaError::WSAECONNREFUSED));
    assert_would_block(sim.accept(l));
    assert_would_block(sim.connect(c, addr("127.0.0.1:7100")));
    assert_eq!(sim.take_error(c).unwrap(), None);
    assert!(sim.accept(l).is_ok());
}

#[test]
fn would_block_storm_is_followed_by_reports() {
    let (sim, rec) = sim(1);
    let (c, s) = pair(&sim, 7200);
    sim.send(c, &[b"data"], None, NONE).unwrap();
    sim.would_block_storm(s, 3).unwrap();
    rec.take();
    for _ in 0..3 {
        assert_would_block(recv_n(&sim, s, 10));
        // The report is due now: it is dispatched by the next call into the sim.
        sim.run_until_idle();
        assert!(rec.saw(3, Readiness::READABLE));
    }
    assert_eq!(recv_n(&sim, s, 10).unwrap(), b"data");
}

#[test]
fn partial_writes_take_a_prefix() {
    let (sim, _rec) = sim(9);
    let (c, s) = pair(&sim, 7300);
    sim.partial_writes(c, 1).unwrap();
    let n = sim.send(c, &[b"0123456789"], None, NONE).unwrap();
    assert!((1..10).contains(&n), "{n}");
    assert_eq!(recv_n(&sim, s, 100).unwrap(), &b"0123456789"[..n]);
    assert_eq!(sim.send(c, &[b"0123456789"], None, NONE), Ok(10));
}

#[test]
fn delayed_delivery_advanced_by_block_until() {
    let (sim, rec) = sim(1);
    let (c, s) = pair(&sim, 7400);
    sim.set_latency(Duration::from_millis(10));
    rec.take();
    sim.send(c, &[b"slow"], None, NONE).unwrap();
    assert_would_block(recv_n(&sim, s, 10));
    assert_eq!(sim.next_timer(), Some(Duration::from_millis(10)));
    let gate = Gate::new();
    let sim2 = sim.clone();
    let mut arrived = move || sim2.pending_bytes(s).unwrap() > 0;
    // Deadline before the arrival: time moves to the deadline, nothing arrives.
    assert!(!sim.block_until(&gate, Some(Duration::from_millis(5)), &mut arrived));
    assert_eq!(sim.now(), Duration::from_millis(5));
    assert!(rec.take().is_empty());
    // Deadline after: time moves to the arrival exactly, the report is dispatched.
    assert!(sim.block_until(&gate, Some(Duration::from_millis(50)), &mut arrived));
    assert_eq!(sim.now(), Duration::from_millis(10));
    assert!(rec.saw(3, Readiness::READABLE));
    assert_eq!(recv_n(&sim, s, 10).unwrap(), b"slow");
    // End of stream stays behind the data.
    sim.send(c, &[b"a"], None, NONE).unwrap();
    sim.close(c);
    sim.advance(Duration::from_millis(9));
    assert_would_block(recv_n(&sim, s, 10));
    sim.advance(Duration::from_millis(1));
    assert_eq!(recv_n(&sim, s, 10).unwrap(), b"a");
    assert_eq!(recv_n(&sim, s, 10).unwrap(), b"");
    assert_eq!(sim.now(), Duration::from_millis(20));
}

#[test]
fn delayed_connect_completes_in_virtual_time() {
    let (sim, rec) = sim(1);
    let l = listener(&sim, "127.0.0.1:7500", 1);
    sim.set_latency(Duration::from_millis(3));
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.register(c, 2).unwrap();
    rec.take();
    assert_would_block(sim.connect(c, addr("127.0.0.1:7500")));
    assert_would_block(sim.accept(l));
    assert!(rec.take().is_empty());
    sim.run_until_idle();
    assert_eq!(sim.now(), Duration::from_millis(3));
    assert!(rec.saw(2, Readiness::WRITABLE));
    assert!(sim.accept(l).is_ok());
}

/// Deterministic byte `i` of the test stream.
fn byte_at(i: usize) -> u8 {
    let x = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (x >> 56) as u8 ^ (i as u8)
}

/// Move `total` bytes from `c` to `s` driven only by readiness reports; return what
/// arrived and the number of would-blocks seen.
fn transfer(
    sim: &Arc<Sim>,
    rec: &Recorder,
    c: HostSocket,
    s: HostSocket,
    total: usize,
) -> (Vec<u8>, usize) {
    let gate = Gate::new();
    let (mut can_write, mut can_read) = (true, true);
    let (mut sent, mut got) = (0usize, Vec::with_capacity(total));
    let mut wouldblocks = 0;
    let mut eof = false;
    let mut buf = vec![0u8; 24 * 1024];
    while !eof {
        for (t, r) in rec.take() {
            if t == 2 && r.intersects(Readiness::WRITABLE) {
                can_write = true;
            }
            if t == 3 && r.intersects(Readiness::READABLE | Readiness::READ_CLOSED) {
                can_read = true;
            }
        }
        let mut progressed = false;
        while can_write && sent < total {
            let end = (sent + 20_000).min(total);
            let chunk: Vec<u8> = (sent..end).map(byte_at).collect();
            match sim.send(c, &[&chunk], None, NONE) {
                Ok(n) => {
                    sent += n;
                    progressed = true;
                    if sent == total {
                        sim.shutdown(c, 1).unwrap();
                    }
                }
                Err(WsaError::WSAEWOULDBLOCK) => {
                    can_write = false;
                    wouldblocks += 1;
                }
                Err(e) => panic!("send: {e:?}"),
            }
        }
        while can_read {
            match sim.recv(s, &mut [&mut buf], NONE) {
                Ok(r) if r.bytes == 0 => {
                    eof = true;
                    break;
                }
                Ok(r) => {
                    got.extend_from_slice(&buf[..r.bytes]);
                    progressed = true;
                }
                Err(WsaError::WSAEWOULDBLOCK) => {
                    can_read = false;
                    wouldblocks += 1;
                }
                Err(e) => panic!("recv: {e:?}"),
            }
        }
        let stuck = !progressed && !eof && !can_read;
        if stuck && (!can_write || sent == total) {
            let deadline = sim.now() + Duration::from_secs(1);
            let mut any = || !rec.log.lock().unwrap().is_empty();
            assert!(
                sim.block_until(&gate, Some(deadline), &mut any),
                "stalled: sent {sent}, received {}",
                got.len()
            );
        }
    }
    (got, wouldblocks)
}

#[test]
fn four_mib_under_partial_writes_and_would_block_storms() {
    let cfg = SimConfig {
        faults: FaultConfig {
            partial_write: 0.3,
            would_block: 0.2,
            delay: 0.1,
            delay_readiness: 0.1,
            max_delay: Duration::from_micros(500),
            ..Default::default()
        },
        ..Default::default()
    };
    let (sim, rec) = sim_with(Sim::with_config(0xfeed, cfg));
    let (c, s) = pair(&sim, 7600);
    sim.would_block_storm(c, 50).unwrap();
    sim.would_block_storm(s, 50).unwrap();
    const TOTAL: usize = 4 << 20;
    let (got, wouldblocks) = transfer(&sim, &rec, c, s, TOTAL);
    assert!(wouldblocks > 100, "faults were exercised: {wouldblocks}");
    assert_eq!(got.len(), TOTAL);
    let bad = got.iter().enumerate().position(|(i, &b)| b != byte_at(i));
    assert_eq!(bad, None, "first corrupt byte");
    let sum = got.iter().fold(0u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let want = (0..TOTAL).fold(0u64, |h, i| {
        (h ^ u64::from(byte_at(i))).wrapping_mul(0x100_0000_01b3)
    });
    assert_eq!(sum, want);
}

/// A scripted workload driven by its own fixed generator; the trace records each call
/// and its result, plus every readiness report.
fn trace(seed: u64) -> Vec<String> {
    let cfg = SimConfig {
        faults: FaultConfig {
            partial_write: 0.2,
            would_block: 0.1,
            delay: 0.2,
            max_delay: Duration::from_millis(2),
            delay_readiness: 0.1,
            reset: 0.01,
            refuse_connect: 0.05,
            no_buffers: 0.02,
            drop_datagram: 0.1,
        },
        ..Default::default()
    };
    let (sim, rec) = sim_with(Sim::with_config(seed, cfg));
    let mut out = Vec::new();
    let mut w = 12345u64; // the workload's own generator: same script for every seed
    let mut next = move |n: u64| {
        w ^= w << 13;
        w ^= w >> 7;
        w ^= w << 17;
        w % n
    };
    let l = listener(&sim, "127.0.0.1:8000", 100);
    let u = sim.open(HostFamily::V4, HostKind::Datagram).unwrap();
    sim.bind(u, addr("127.0.0.1:8001")).unwrap();
    let mut socks: Vec<HostSocket> = vec![u];
    for step in 0..3000u64 {
        let pick = |k: u64, socks: &Vec<HostSocket>| socks[(k as usize) % socks.len()];
        let k = next(1000);
        let line = match next(8) {
            0 => {
                let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
                sim.register(c, step).unwrap();
                socks.push(c);
                format!("connect {:?}", sim.connect(c, addr("127.0.0.1:8000")))
            }
            1 => match sim.accept(l) {
                Ok((s, p)) => {
                    sim.register(s, 10_000 + step).unwrap();
                    socks.push(s);
                    format!("accept {s:?} {p}")
                }
                Err(e) => format!("accept {e:?}"),
            },
            2 | 3 => {
                let s = pick(k, &socks);
                let data = vec![step as u8; 1 + next(3000) as usize];
                format!(
                    "send {s:?} {:?}",
                    sim.send(s, &[&data], Some(addr("127.0.0.1:8001")), NONE)
                )
            }
            4 | 5 => {
                let s = pick(k, &socks);
                let mut b = vec![0u8; 1 + next(4000) as usize];
                format!("recv {s:?} {:?}", sim.recv(s, &mut [&mut b], NONE))
            }
            6 => {
                let s = pick(k, &socks);
                format!("err {s:?} {:?}", sim.take_error(s))
            }
            _ => {
                sim.advance(Duration::from_micros(next(500)));
                if next(10) == 0 && socks.len() > 1 {
                    let s = socks.remove(1 + (k as usize) % (socks.len() - 1));
                    sim.close(s);
                    format!("close {s:?}")
                } else {
                    format!("now {:?}", sim.now())
                }
            }
        };
        out.push(line);
        for (t, r) in rec.take() {
            out.push(format!("  ready {t} {r:?}"));
        }
    }
    out
}

#[test]
fn same_seed_same_run_different_seed_different_run() {
    let a = trace(1);
    let b = trace(1);
    assert_eq!(a, b);
    let c = trace(2);
    assert_ne!(a, c);
    assert!(a.len() > 3000);
}
