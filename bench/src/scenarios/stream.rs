//! Stream throughput: one thread sends `total` bytes in 64 KiB blocking sends, another
//! receives them with 64 KiB blocking receives, over one loopback TCP connection.

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use std::io::{Read, Write};
use std::thread;
use std::time::Instant;
use wsp::Wsp;

/// `stream`: MiB/s.
pub const SCENARIO: Scenario = Scenario {
    name: "stream",
    about: "TCP throughput, blocking send/recv of 64 KiB buffers (512 MiB per round)",
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
        Side::Raw => raw(total)?,
    };
    Ok((total as f64 / secs / (1 << 20) as f64).into())
}

fn wsp(total: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (c, s, _l) = wsp_pair(&p)?;
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
        let mut buf = vec![0u8; CHUNK];
        let mut got = 0;
        while got < total {
            let n = recv(&p, s, &mut buf)?;
            if n == 0 {
                return Err("early end of stream".into());
            }
            got += n;
        }
        sender.join().map_err(|_| "sender panicked")??;
        Ok(start.elapsed().as_secs_f64())
    })
}

pub(crate) fn raw(total: usize) -> BenchResult<f64> {
    let (mut c, mut s) = raw_pair()?;
    let start = Instant::now();
    thread::scope(|sc| {
        let sender = sc.spawn(move || -> BenchResult<()> {
            let buf = vec![0x5au8; CHUNK];
            let mut sent = 0;
            while sent < total {
                let n = (total - sent).min(CHUNK);
                sent += c.write(&buf[..n])?;
            }
            Ok(())
        });
        let mut buf = vec![0u8; CHUNK];
        let mut got = 0;
        while got < total {
            let n = s.read(&mut buf)?;
            if n == 0 {
                return Err("early end of stream".into());
            }
            got += n;
        }
        sender.join().map_err(|_| "sender panicked")??;
        Ok(start.elapsed().as_secs_f64())
    })
}
