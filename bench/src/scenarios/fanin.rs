//! Event-select fan-in: 60 connections × 10,000 messages of 64 bytes into one loop.
//!
//! The senders are the same on both sides (one thread of blocking std streams with
//! `TCP_NODELAY`, one 64-byte write per message, round-robin over the connections), so the
//! sides differ only in the receiving loop: on wsp, 60 accepted sockets each selected for
//! `FD_READ | FD_CLOSE` with its own event, one `wait_for_multiple` over the 60 events, then
//! every signalled socket from the returned index on is enumerated and received from once
//! (64 KiB buffer; FD_READ is re-recorded if data remains); raw, a hand-written mio (epoll)
//! loop that reads each ready connection until `WouldBlock`.

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use mio::{Events, Interest, Poll, Token};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Instant;
use wsp::sync::{wait_for_multiple, Event, WaitResult};
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// `fanin`: messages per second into the loop.
pub const SCENARIO: Scenario = Scenario {
    name: "fanin",
    about: "event-select fan-in, 60 connections x 10,000 messages of 64 B (raw: mio loop)",
    unit: "msg/s",
    better: Better::Higher,
    target: ">= 0.8",
    rounds: 5,
    diff: false,
    run,
};

const CONNS: usize = 60;
const MSG: usize = 64;

fn run(side: Side, scale: Scale) -> BenchResult<Sample> {
    let per_conn = scale.pick(20, 1_000, 10_000);
    let secs = match side {
        Side::Wsp => wsp(per_conn)?,
        Side::Raw => raw(per_conn)?,
    };
    Ok(((CONNS * per_conn) as f64 / secs).into())
}

/// Connect the senders; `accept` takes each server side as it arrives.
fn connect_all(
    addr: SocketAddr,
    mut accept: impl FnMut() -> BenchResult<()>,
) -> BenchResult<Vec<TcpStream>> {
    let mut out = Vec::with_capacity(CONNS);
    for _ in 0..CONNS {
        let c = TcpStream::connect(addr)?;
        c.set_nodelay(true)?;
        accept()?;
        out.push(c);
    }
    Ok(out)
}

fn send_all(mut conns: Vec<TcpStream>, per_conn: usize) -> BenchResult<()> {
    let msg = [0x42u8; MSG];
    for _ in 0..per_conn {
        for c in conns.iter_mut() {
            c.write_all(&msg)?;
        }
    }
    Ok(())
}

fn wsp(per_conn: usize) -> BenchResult<f64> {
    let p = engine()?;
    let (l, addr) = wsp_listener(&p)?;
    let mut socks = Vec::with_capacity(CONNS);
    let senders = connect_all(addr, || {
        socks.push(p.accept(l, None, None)?);
        Ok(())
    })?;
    let events: Vec<Event> = (0..CONNS).map(|_| Event::new()).collect();
    for (s, ev) in socks.iter().zip(&events) {
        p.event_select(*s, Some(ev), FD_READ | FD_CLOSE)?;
    }
    let total = CONNS * per_conn * MSG;
    let start = Instant::now();
    thread::scope(|sc| {
        let sender = sc.spawn(move || send_all(senders, per_conn));
        let mut buf = vec![0u8; CHUNK];
        let mut got = 0;
        while got < total {
            let first = match wait_for_multiple(p.net(), &events, false, None, false)? {
                WaitResult::Object(i) => i,
                other => return Err(format!("unexpected wait result {other:?}").into()),
            };
            for i in first..CONNS {
                if !events[i].is_set() {
                    continue;
                }
                let ne = p.enum_network_events(socks[i], Some(&events[i]))?;
                if ne.lNetworkEvents & FD_READ != 0 {
                    match recv(&p, socks[i], &mut buf) {
                        Ok(n) => got += n,
                        Err(WsaError::WSAEWOULDBLOCK) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        sender.join().map_err(|_| "sender panicked")??;
        Ok(secs)
    })
}

fn raw(per_conn: usize) -> BenchResult<f64> {
    let l = TcpListener::bind(loopback())?;
    let addr = l.local_addr()?;
    let mut socks = Vec::with_capacity(CONNS);
    let senders = connect_all(addr, || {
        let (s, _) = l.accept()?;
        s.set_nonblocking(true)?;
        socks.push(mio::net::TcpStream::from_std(s));
        Ok(())
    })?;
    let mut poll = Poll::new()?;
    for (i, s) in socks.iter_mut().enumerate() {
        poll.registry().register(s, Token(i), Interest::READABLE)?;
    }
    let total = CONNS * per_conn * MSG;
    let start = Instant::now();
    thread::scope(|sc| {
        let sender = sc.spawn(move || send_all(senders, per_conn));
        let mut events = Events::with_capacity(CONNS);
        let mut buf = vec![0u8; CHUNK];
        let mut got = 0;
        while got < total {
            poll.poll(&mut events, None)?;
            for ev in events.iter() {
                let s = &mut socks[ev.token().0];
                loop {
                    match s.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => got += n,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        sender.join().map_err(|_| "sender panicked")??;
        Ok(secs)
    })
}
