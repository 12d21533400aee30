//! Overlapped stream throughput: one thread sends `total` bytes in 64 KiB blocking sends;
//! the receiver keeps 4 overlapped 64 KiB receives (`WSPRecv` with a `WSAOVERLAPPED`)
//! outstanding, waits for the oldest, and issues it again with the same buffer. The raw
//! side is the blocking stream scenario (the issue's target: overlapped throughput
//! ≥ 0.9 × raw blocking throughput).

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use std::collections::VecDeque;
use std::thread;
use std::time::Instant;
use wsp::overlapped::{OpHandle, Overlapped};
use wsp::types::*;
use wsp::{SockAddr, Wsp};

/// Receives kept outstanding.
const DEPTH: usize = 4;

/// `stream_overlapped`: MiB/s.
pub const SCENARIO: Scenario = Scenario {
    name: "stream_overlapped",
    about: "TCP throughput into 4 outstanding 64 KiB overlapped receives (raw: blocking recv)",
    unit: "MiB/s",
    better: Better::Higher,
    target: ">= 0.9",
    rounds: 5,
    diff: false,
    run,
};

fn run(side: Side, scale: Scale) -> BenchResult<Sample> {
    let total: usize = scale.pick(1 << 20, 64 << 20, 512 << 20);
    let secs = match side {
        Side::Wsp => wsp(total)?,
        Side::Raw => super::stream::raw(total)?,
    };
    Ok((total as f64 / secs / (1 << 20) as f64).into())
}

/// A connected pair `(client, server, listener)` whose server side was accepted from an
/// overlapped listener (an accepted socket takes the listener's attributes).
fn ov_pair(p: &Provider) -> BenchResult<(SOCKET, SOCKET, SOCKET)> {
    let l = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)?;
    p.bind(l, &SockAddr::from_std(loopback()))?;
    p.listen(l, SOMAXCONN)?;
    let mut a = SockAddr::default();
    p.get_sock_name(l, &mut a)?;
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)?;
    p.connect(c, &a, None, None, None, None)?;
    let s = p.accept(l, None, None)?;
    Ok((c, s, l))
}

/// Issue one overlapped receive of `buf` under `key`.
fn issue(p: &Provider, s: SOCKET, buf: Vec<u8>, key: usize) -> BenchResult<OpHandle> {
    Ok(
        p.recv_overlapped(s, Box::new(buf), 0, Overlapped::new(key))?
            .op,
    )
}

fn wsp(total: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (c, s, _l) = ov_pair(&p)?;
    let start = Instant::now();
    thread::scope(|sc| {
        let sender = sc.spawn(|| -> BenchResult<()> {
            let buf = vec![0x5au8; CHUNK];
            let mut sent = 0;
            while sent < total {
                let n = (total - sent).min(CHUNK);
                sent += p.send(c, &[&buf[..n]], 0)?;
            }
            Ok(())
        });
        let mut pending: VecDeque<OpHandle> = VecDeque::with_capacity(DEPTH);
        for key in 0..DEPTH {
            pending.push_back(issue(&p, s, vec![0u8; CHUNK], key)?);
        }
        let mut got = 0;
        let mut result = Ok(());
        while got < total {
            let Some(op) = pending.pop_front() else {
                break;
            };
            let r = p
                .wait_op(&op, None)
                .ok_or("overlapped receive never completed")?;
            if r.error.is_some() {
                result = Err(format!("overlapped receive failed: {r:?}"));
                break;
            }
            if r.bytes == 0 {
                result = Err("early end of stream".to_string());
                break;
            }
            got += r.bytes as usize;
            // Reissued with the same buffer and key; the receives still outstanding at the
            // end complete with WSA_OPERATION_ABORTED when the socket closes.
            let buf: Vec<u8> = op
                .take_buffers()
                .downcast()
                .ok_or("receive buffer of another type")?;
            pending.push_back(issue(&p, s, buf, op.key())?);
        }
        sender.join().map_err(|_| "sender panicked")??;
        let secs = start.elapsed().as_secs_f64();
        p.close_socket(s)?;
        result?;
        Ok(secs)
    })
}
