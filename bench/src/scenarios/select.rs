//! `select()` cost over N sockets (the set size): N accepted loopback connections, the
//! first of which has one unread byte, polled with a zero timeout; each call finds exactly
//! one ready socket. Raw: `poll(2)` over the same N descriptors (`select(2)` is capped at
//! descriptor 1024; the engine's select is not bounded by `FD_SETSIZE`).
//!
//! The peers are std streams on both sides, so only the measured sockets differ.
//!
//! `select_all_N`: the same N sockets in the write set, every one writable, so the call
//! returns all N (raw: `poll` for `POLLOUT`): the cost of reporting many ready sockets.

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::sys::PollSet;
use crate::util::*;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Instant;
use wsp::types::TIMEVAL;
use wsp::{FdSet, Wsp};

macro_rules! select_scenario {
    ($id:ident, $name:literal, $n:literal, $run:ident) => {
        #[doc = concat!("`", $name, "`: ns per select call over ", stringify!($n), " sockets.")]
        pub const $id: Scenario = Scenario {
            name: $name,
            about: concat!(
                "select() with a zero timeout over ",
                stringify!($n),
                " sockets, 1 ready (raw: poll)"
            ),
            unit: "ns/call",
            better: Better::Lower,
            target: "linear in N",
            rounds: 7,
            diff: false,
            run: $run,
        };
        fn $run(side: Side, scale: Scale) -> BenchResult<Sample> {
            run($n, side, scale)
        }
    };
}

macro_rules! select_all_scenario {
    ($id:ident, $name:literal, $n:literal, $run:ident) => {
        #[doc = concat!("`", $name, "`: ns per select call, ", stringify!($n), " sockets all ready.")]
        pub const $id: Scenario = Scenario {
            name: $name,
            about: concat!(
                "select() write set, zero timeout, ",
                stringify!($n),
                " sockets all ready (raw: poll)"
            ),
            unit: "ns/call",
            better: Better::Lower,
            target: "linear in N",
            rounds: 5,
            diff: false,
            run: $run,
        };
        fn $run(side: Side, scale: Scale) -> BenchResult<Sample> {
            run_all($n, side, scale)
        }
    };
}

select_all_scenario!(ALL8, "select_all_8", 8, run_all8);
select_all_scenario!(ALL64, "select_all_64", 64, run_all64);
select_all_scenario!(ALL1024, "select_all_1024", 1024, run_all1024);

select_scenario!(N8, "select_8", 8, run8);
select_scenario!(N64, "select_64", 64, run64);
select_scenario!(N1024, "select_1024", 1024, run1024);

fn run(n: usize, side: Side, scale: Scale) -> BenchResult<Sample> {
    // About the same work per round whatever N.
    let calls = (scale.pick(8, 200_000, 1_000_000) / n).max(2);
    let ns = match side {
        Side::Wsp => wsp(n, calls)?,
        Side::Raw => raw(n, calls)?,
    };
    Ok(Sample {
        value: ns,
        note: Some(format!("{:.1} ns/socket", ns / n as f64)),
    })
}

fn run_all(n: usize, side: Side, scale: Scale) -> BenchResult<Sample> {
    let calls = (scale.pick(8, 100_000, 400_000) / n).max(2);
    let ns = match side {
        Side::Wsp => wsp_all(n, calls)?,
        Side::Raw => raw_all(n, calls)?,
    };
    Ok(Sample {
        value: ns,
        note: Some(format!("{:.1} ns/socket", ns / n as f64)),
    })
}

fn wsp_all(n: usize, calls: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (l, addr) = wsp_listener(&p)?;
    let mut peers = Vec::with_capacity(n);
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        peers.push(TcpStream::connect(addr)?);
        handles.push(p.accept(l, None, None)?);
    }
    let zero = TIMEVAL {
        tv_sec: 0,
        tv_usec: 0,
    };
    let mut set = FdSet::new();
    // Until every socket's writability has been reported.
    loop {
        refill(&mut set, &handles);
        if p.select(None, Some(&mut set), None, Some(&zero))? == n {
            break;
        }
        std::thread::yield_now();
    }
    let start = Instant::now();
    for _ in 0..calls {
        refill(&mut set, &handles);
        if p.select(None, Some(&mut set), None, Some(&zero))? != n {
            return Err("select lost a writable socket".into());
        }
    }
    Ok(start.elapsed().as_nanos() as f64 / calls as f64)
}

fn raw_all(n: usize, calls: usize) -> BenchResult<f64> {
    let l = TcpListener::bind(loopback())?;
    let addr = l.local_addr()?;
    let mut peers = Vec::with_capacity(n);
    let mut socks = Vec::with_capacity(n);
    for _ in 0..n {
        peers.push(TcpStream::connect(addr)?);
        socks.push(l.accept()?.0);
    }
    let fds: Vec<_> = socks.iter().map(|s| s.as_raw_fd()).collect();
    let mut set = PollSet::writable(&fds);
    let start = Instant::now();
    for _ in 0..calls {
        if set.poll(0)? != n {
            return Err("poll lost a writable socket".into());
        }
    }
    Ok(start.elapsed().as_nanos() as f64 / calls as f64)
}

fn wsp(n: usize, calls: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (l, addr) = wsp_listener(&p)?;
    let mut peers = Vec::with_capacity(n);
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        peers.push(TcpStream::connect(addr)?);
        handles.push(p.accept(l, None, None)?);
    }
    peers[0].write_all(b"x")?;
    let zero = TIMEVAL {
        tv_sec: 0,
        tv_usec: 0,
    };
    let mut set = FdSet::new();
    // Until the byte has arrived and been reported.
    loop {
        refill(&mut set, &handles);
        if p.select(Some(&mut set), None, None, Some(&zero))? == 1 {
            break;
        }
        std::thread::yield_now();
    }
    let start = Instant::now();
    for _ in 0..calls {
        refill(&mut set, &handles);
        if p.select(Some(&mut set), None, None, Some(&zero))? != 1 {
            return Err("select lost the ready socket".into());
        }
    }
    Ok(start.elapsed().as_nanos() as f64 / calls as f64)
}

fn raw(n: usize, calls: usize) -> BenchResult<f64> {
    let l = TcpListener::bind(loopback())?;
    let addr = l.local_addr()?;
    let mut peers = Vec::with_capacity(n);
    let mut socks = Vec::with_capacity(n);
    for _ in 0..n {
        peers.push(TcpStream::connect(addr)?);
        socks.push(l.accept()?.0);
    }
    peers[0].write_all(b"x")?;
    let fds: Vec<_> = socks.iter().map(|s| s.as_raw_fd()).collect();
    let mut set = PollSet::readable(&fds);
    while set.poll(0)? != 1 {
        std::thread::yield_now();
    }
    let start = Instant::now();
    for _ in 0..calls {
        if set.poll(0)? != 1 {
            return Err("poll lost the ready socket".into());
        }
    }
    Ok(start.elapsed().as_nanos() as f64 / calls as f64)
}
