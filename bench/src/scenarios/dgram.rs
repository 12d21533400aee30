//! Datagram rate: one thread sends a batch of 32 datagrams of 64 bytes from one loopback
//! UDP socket to another, then receives the 32 (blocking calls that find the data there),
//! so nothing is lost and no thread switch is involved: the CPU cost per datagram.

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use std::net::UdpSocket;
use std::time::Instant;
use wsp::{SockAddr, Wsp};

/// `dgram`: datagrams (sent and received) per second.
pub const SCENARIO: Scenario = Scenario {
    name: "dgram",
    about: "UDP 64-byte datagrams, batches of 32 send_to then 32 recv_from, one thread",
    unit: "dgram/s",
    better: Better::Higher,
    target: "",
    rounds: 7,
    diff: false,
    run,
};

const BATCH: usize = 32;
const SIZE: usize = 64;

fn run(side: Side, scale: Scale) -> BenchResult<Sample> {
    let batches = scale.pick(2, 3_000, 20_000);
    let secs = match side {
        Side::Wsp => wsp(batches)?,
        Side::Raw => raw(batches)?,
    };
    Ok(((batches * BATCH) as f64 / secs).into())
}

fn wsp(batches: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (a, _) = wsp_udp(&p)?;
    let (b, baddr) = wsp_udp(&p)?;
    let to = SockAddr::from_std(baddr);
    let msg = [0x17u8; SIZE];
    let mut buf = [0u8; 2048];
    let start = Instant::now();
    for _ in 0..batches {
        for _ in 0..BATCH {
            p.send_to(a, &[&msg], 0, Some(&to))?;
        }
        for _ in 0..BATCH {
            let mut from = SockAddr::default();
            let mut flags = 0;
            if p.recv_from(b, &mut [&mut buf], &mut flags, Some(&mut from))? != SIZE {
                return Err("short datagram".into());
            }
        }
    }
    Ok(start.elapsed().as_secs_f64())
}

fn raw(batches: usize) -> BenchResult<f64> {
    let a = UdpSocket::bind(loopback())?;
    let b = UdpSocket::bind(loopback())?;
    let to = b.local_addr()?;
    let msg = [0x17u8; SIZE];
    let mut buf = [0u8; 2048];
    let start = Instant::now();
    for _ in 0..batches {
        for _ in 0..BATCH {
            a.send_to(&msg, to)?;
        }
        for _ in 0..BATCH {
            if b.recv_from(&mut buf)?.0 != SIZE {
                return Err("short datagram".into());
            }
        }
    }
    Ok(start.elapsed().as_secs_f64())
}
