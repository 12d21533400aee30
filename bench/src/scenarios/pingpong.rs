//! 1-byte ping-pong round trips over one loopback TCP connection: the client sends a byte,
//! the server thread echoes it, the client waits for it; `n` times.
//!
//! Blocking: plain blocking send/recv on both sides. Event-select: both ends are selected
//! for `FD_READ | FD_CLOSE` and run the canonical loop (wait for the event, enumerate,
//! receive); the raw side runs the same loop on a mio `Poll` per thread (edge-triggered,
//! read until `WouldBlock`).

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use mio::{Events, Interest, Poll, Token};
use std::io::{ErrorKind, Read, Write};
use std::thread;
use std::time::Instant;
use wsp::sync::Event;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// `pingpong`: round trips per second, blocking.
pub const BLOCKING: Scenario = Scenario {
    name: "pingpong",
    about: "1-byte TCP round trips, blocking send/recv",
    unit: "rt/s",
    better: Better::Higher,
    target: ">= 0.8",
    rounds: 9,
    diff: false,
    run: run_blocking,
};

/// `pingpong_event`: round trips per second, event-select driven.
pub const EVENT_SELECT: Scenario = Scenario {
    name: "pingpong_event",
    about: "1-byte TCP round trips, event-select loop (raw: mio poll loop)",
    unit: "rt/s",
    better: Better::Higher,
    target: ">= 0.8",
    rounds: 9,
    diff: false,
    run: run_event,
};

fn count(scale: Scale) -> usize {
    scale.pick(50, 3_000, 20_000)
}

fn rate(n: usize, secs: f64) -> Sample {
    (n as f64 / secs).into()
}

fn run_blocking(side: Side, scale: Scale) -> BenchResult<Sample> {
    let n = count(scale);
    let secs = match side {
        Side::Wsp => wsp_blocking(n)?,
        Side::Raw => raw_blocking(n)?,
    };
    Ok(rate(n, secs))
}

fn run_event(side: Side, scale: Scale) -> BenchResult<Sample> {
    let n = count(scale);
    let secs = match side {
        Side::Wsp => wsp_event(n)?,
        Side::Raw => raw_event(n)?,
    };
    Ok(rate(n, secs))
}

fn wsp_blocking(n: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (c, s, _l) = wsp_pair(&p)?;
    thread::scope(|sc| {
        let server = sc.spawn(|| -> BenchResult<()> {
            let mut b = [0u8; 1];
            while recv(&p, s, &mut b)? == 1 {
                p.send(s, &[&b], 0)?;
            }
            Ok(())
        });
        let mut b = [7u8; 1];
        let start = Instant::now();
        for _ in 0..n {
            p.send(c, &[&b], 0)?;
            if recv(&p, c, &mut b)? != 1 {
                return Err("short echo".into());
            }
        }
        let secs = start.elapsed().as_secs_f64();
        p.shutdown(c, SD_SEND)?;
        server.join().map_err(|_| "server panicked")??;
        Ok(secs)
    })
}

fn raw_blocking(n: usize) -> BenchResult<f64> {
    let (mut c, mut s) = raw_pair()?;
    thread::scope(|sc| {
        let server = sc.spawn(move || -> BenchResult<()> {
            let mut b = [0u8; 1];
            while s.read(&mut b)? == 1 {
                s.write_all(&b)?;
            }
            Ok(())
        });
        let mut b = [7u8; 1];
        let start = Instant::now();
        for _ in 0..n {
            c.write_all(&b)?;
            if c.read(&mut b)? != 1 {
                return Err("short echo".into());
            }
        }
        let secs = start.elapsed().as_secs_f64();
        c.shutdown(std::net::Shutdown::Write)?;
        server.join().map_err(|_| "server panicked")??;
        Ok(secs)
    })
}

fn wsp_event(n: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (c, s, _l) = wsp_pair(&p)?;
    let (cev, sev) = (Event::new(), Event::new());
    p.event_select(c, Some(&cev), FD_READ | FD_CLOSE)?;
    p.event_select(s, Some(&sev), FD_READ | FD_CLOSE)?;
    thread::scope(|sc| {
        let server = sc.spawn(|| -> BenchResult<()> {
            let mut b = [0u8; 64];
            loop {
                wait_one(&p, &sev)?;
                let ne = p.enum_network_events(s, Some(&sev))?;
                if ne.lNetworkEvents & FD_READ != 0 {
                    match recv(&p, s, &mut b) {
                        Ok(0) => return Ok(()),
                        Ok(k) => {
                            p.send(s, &[&b[..k]], 0)?;
                        }
                        Err(WsaError::WSAEWOULDBLOCK) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                if ne.lNetworkEvents & FD_CLOSE != 0 {
                    return Ok(());
                }
            }
        });
        let mut b = [7u8; 1];
        let start = Instant::now();
        for _ in 0..n {
            p.send(c, &[&b], 0)?;
            loop {
                wait_one(&p, &cev)?;
                let ne = p.enum_network_events(c, Some(&cev))?;
                if ne.lNetworkEvents & FD_READ != 0 {
                    match recv(&p, c, &mut b) {
                        Ok(1) => break,
                        Ok(_) => return Err("short echo".into()),
                        Err(WsaError::WSAEWOULDBLOCK) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        p.shutdown(c, SD_SEND)?;
        server.join().map_err(|_| "server panicked")??;
        Ok(secs)
    })
}

fn raw_event(n: usize) -> BenchResult<f64> {
    let (c, s) = raw_pair()?;
    c.set_nonblocking(true)?;
    s.set_nonblocking(true)?;
    let mut c = mio::net::TcpStream::from_std(c);
    let mut s = mio::net::TcpStream::from_std(s);
    thread::scope(|sc| {
        let server = sc.spawn(move || -> BenchResult<()> {
            let mut poll = Poll::new()?;
            let mut events = Events::with_capacity(8);
            poll.registry()
                .register(&mut s, Token(0), Interest::READABLE)?;
            let mut b = [0u8; 64];
            loop {
                poll.poll(&mut events, None)?;
                loop {
                    match s.read(&mut b) {
                        Ok(0) => return Ok(()),
                        Ok(k) => s.write_all(&b[..k])?,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        });
        let mut poll = Poll::new()?;
        let mut events = Events::with_capacity(8);
        poll.registry()
            .register(&mut c, Token(0), Interest::READABLE)?;
        let mut b = [7u8; 1];
        let start = Instant::now();
        for _ in 0..n {
            c.write_all(&b)?;
            let mut got = false;
            while !got {
                poll.poll(&mut events, None)?;
                loop {
                    match c.read(&mut b) {
                        Ok(1) => got = true,
                        Ok(_) => return Err("short echo".into()),
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        c.shutdown(std::net::Shutdown::Write)?;
        server.join().map_err(|_| "server panicked")??;
        Ok(secs)
    })
}
