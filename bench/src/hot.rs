//! Hot paths for instruction counts: each runs one operation `iterations` times on one
//! side, on one thread, after a setup it does not repeat. `bench/callgrind.sh` runs each
//! under `valgrind --tool=callgrind` at N and 2N iterations and divides the difference by
//! N, so setup and teardown cancel.
//!
//! What is counted is the calling thread's work inside [`measured`] only (callgrind
//! `--collect-atstart=no --toggle-collect=wsp_bench::hot::measured`; the toggle is per
//! thread, so the portable backend's reactor thread is not counted). The reactor's share
//! depends on how its reports interleave with the caller (repeat runs of the whole
//! process vary by ±15 %); the caller's share does not: every call finds its data already
//! there (loopback delivers inside the sending call), and where the caller would wait for
//! the reactor (event select) it waits outside [`measured`] until the reactor is done, so
//! the measured calls always take the same path. The script prints the whole process's
//! count beside it, for information.
//!
//! The `layer_*` and `trace_*` hot paths measure a layer (issue 13), as the wall-clock rows
//! of `scenarios/layered.rs` do: their `wsp` side is the engine **under the layer** and
//! their `raw` side is **the engine alone**, both reached through `&dyn Wsp` with the same
//! calls, so "wsp - raw" is what the layer adds per operation.

use crate::harness::Side;
use crate::scenarios::layered::{pair, provider, recv1, trace_text, Pass};
use crate::sys::PollSet;
use crate::util::*;
use mio::{Events, Interest, Poll, Token};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use wsp::layer::Layer;
use wsp::sync::Event;
use wsp::types::*;
use wsp::{FdSet, SockAddr, Wsp};

/// A hot path: name, what one operation is, and the function.
#[derive(Clone, Copy, Debug)]
pub struct Hot {
    /// Name for `--callgrind-scenario`.
    pub name: &'static str,
    /// What one iteration does.
    pub op: &'static str,
    /// Run `iterations` operations on a side.
    pub run: fn(Side, usize) -> BenchResult<()>,
}

/// Every hot path.
pub const ALL: &[Hot] = &[
    Hot {
        name: "pingpong",
        op: "1-byte send+recv each way on a connected TCP pair",
        run: pingpong,
    },
    Hot {
        name: "stream",
        op: "64 KiB send, then recv until 64 KiB arrived",
        run: stream,
    },
    Hot {
        name: "dgram",
        op: "one 64-byte send_to + recv_from",
        run: dgram,
    },
    Hot {
        name: "event_select",
        op: "1-byte send; wait for FD_READ; enumerate; recv (raw: mio poll + read)",
        run: event_select,
    },
    Hot {
        name: "select_64",
        op: "select() with zero timeout over 64 sockets, 1 ready (raw: poll)",
        run: select_64,
    },
    Hot {
        name: "create_close",
        op: "TCP socket create + close",
        run: create_close,
    },
    Hot {
        name: "layer_pingpong",
        op: "pingpong under a pass-through layer (raw: the engine alone, same calls)",
        run: |side, n| layered_pingpong(side, n, || Pass),
    },
    Hot {
        name: "layer_stream",
        op: "stream under a pass-through layer (raw: the engine alone, same calls)",
        run: |side, n| layered_stream(side, n, || Pass),
    },
    Hot {
        name: "trace_pingpong",
        op: "pingpong under the trace layer, text to a discarding sink (raw: engine alone)",
        run: |side, n| layered_pingpong(side, n, trace_text),
    },
    Hot {
        name: "trace_stream",
        op: "stream under the trace layer, text to a discarding sink (raw: engine alone)",
        run: |side, n| layered_stream(side, n, trace_text),
    },
];

/// Run `f` as the counted part of a hot path. Never inlined: callgrind toggles collection
/// on entering and leaving this function (by name), on the calling thread only.
#[inline(never)]
pub fn measured(f: &mut dyn FnMut() -> BenchResult<()>) -> BenchResult<()> {
    std::hint::black_box(f())
}

/// The hot path called `name`.
pub fn find(name: &str) -> Option<Hot> {
    ALL.iter().copied().find(|h| h.name == name)
}

fn pingpong(side: Side, n: usize) -> BenchResult<()> {
    let mut b = [1u8; 1];
    match side {
        Side::Wsp => {
            let p = engine()?;
            let (c, s, _l) = wsp_pair(&p)?;
            measured(&mut || {
                for _ in 0..n {
                    p.send(c, &[&b], 0)?;
                    recv(&p, s, &mut b)?;
                    p.send(s, &[&b], 0)?;
                    recv(&p, c, &mut b)?;
                }
                Ok(())
            })?;
        }
        Side::Raw => {
            let (mut c, mut s) = raw_pair()?;
            measured(&mut || {
                for _ in 0..n {
                    c.write_all(&b)?;
                    s.read_exact(&mut b)?;
                    s.write_all(&b)?;
                    c.read_exact(&mut b)?;
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn stream(side: Side, n: usize) -> BenchResult<()> {
    let out = vec![3u8; CHUNK];
    let mut buf = vec![0u8; CHUNK];
    match side {
        Side::Wsp => {
            let p = engine()?;
            let (c, s, _l) = wsp_pair(&p)?;
            measured(&mut || {
                for _ in 0..n {
                    p.send(c, &[&out], 0)?;
                    let mut got = 0;
                    while got < CHUNK {
                        got += recv(&p, s, &mut buf[got..])?;
                    }
                }
                Ok(())
            })?;
        }
        Side::Raw => {
            let (mut c, mut s) = raw_pair()?;
            measured(&mut || {
                for _ in 0..n {
                    c.write_all(&out)?;
                    s.read_exact(&mut buf)?;
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn dgram(side: Side, n: usize) -> BenchResult<()> {
    let msg = [5u8; 64];
    let mut buf = [0u8; 2048];
    match side {
        Side::Wsp => {
            let p = engine()?;
            let (a, _) = wsp_udp(&p)?;
            let (b, baddr) = wsp_udp(&p)?;
            let to = SockAddr::from_std(baddr);
            measured(&mut || {
                for _ in 0..n {
                    p.send_to(a, &[&msg], 0, Some(&to))?;
                    let mut from = SockAddr::default();
                    let mut flags = 0;
                    p.recv_from(b, &mut [&mut buf], &mut flags, Some(&mut from))?;
                }
                Ok(())
            })?;
        }
        Side::Raw => {
            let a = UdpSocket::bind(loopback())?;
            let b = UdpSocket::bind(loopback())?;
            let to = b.local_addr()?;
            measured(&mut || {
                for _ in 0..n {
                    a.send_to(&msg, to)?;
                    b.recv_from(&mut buf)?;
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn event_select(side: Side, n: usize) -> BenchResult<()> {
    let mut b = [0u8; 64];
    match side {
        Side::Wsp => {
            let p = engine()?;
            let (c, s, _l) = wsp_pair(&p)?;
            let ev = Event::new();
            p.event_select(s, Some(&ev), FD_READ | FD_CLOSE)?;
            for _ in 0..n {
                measured(&mut || {
                    p.send(c, &[b"x"], 0)?;
                    Ok(())
                })?;
                // FD_READ is recorded by the reactor thread: wait for it uncounted, so the
                // counted calls below always find it recorded (bounded: the byte arrived
                // inside the send on loopback; the report follows).
                let mut spins = 0u32;
                while !ev.is_set() {
                    spins += 1;
                    if spins > 10_000_000 {
                        return Err("event_select: FD_READ never recorded".into());
                    }
                    std::thread::yield_now();
                }
                measured(&mut || loop {
                    wait_one(&p, &ev)?;
                    let ne = p.enum_network_events(s, Some(&ev))?;
                    if ne.lNetworkEvents & FD_READ != 0 && recv(&p, s, &mut b).is_ok() {
                        return Ok(());
                    }
                })?;
            }
        }
        Side::Raw => {
            let (mut c, s) = raw_pair()?;
            s.set_nonblocking(true)?;
            let mut s = mio::net::TcpStream::from_std(s);
            let mut poll = Poll::new()?;
            let mut events = Events::with_capacity(8);
            poll.registry()
                .register(&mut s, Token(0), Interest::READABLE)?;
            measured(&mut || {
                for _ in 0..n {
                    c.write_all(b"x")?;
                    loop {
                        poll.poll(&mut events, None)?;
                        if s.read(&mut b).is_ok() {
                            break;
                        }
                    }
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn select_64(side: Side, n: usize) -> BenchResult<()> {
    const N: usize = 64;
    match side {
        Side::Wsp => {
            let p = engine()?;
            let (l, addr) = wsp_listener(&p)?;
            let mut peers = Vec::new();
            let mut handles = Vec::new();
            for _ in 0..N {
                peers.push(TcpStream::connect(addr)?);
                handles.push(p.accept(l, None, None)?);
            }
            peers[0].write_all(b"x")?;
            let zero = TIMEVAL {
                tv_sec: 0,
                tv_usec: 0,
            };
            let mut set = FdSet::new();
            loop {
                refill(&mut set, &handles);
                if p.select(Some(&mut set), None, None, Some(&zero))? == 1 {
                    break;
                }
                std::thread::yield_now();
            }
            measured(&mut || {
                for _ in 0..n {
                    refill(&mut set, &handles);
                    p.select(Some(&mut set), None, None, Some(&zero))?;
                }
                Ok(())
            })?;
        }
        Side::Raw => {
            let l = TcpListener::bind(loopback())?;
            let addr = l.local_addr()?;
            let mut peers = Vec::new();
            let mut socks = Vec::new();
            for _ in 0..N {
                peers.push(TcpStream::connect(addr)?);
                socks.push(l.accept()?.0);
            }
            peers[0].write_all(b"x")?;
            let fds: Vec<_> = socks.iter().map(|s| s.as_raw_fd()).collect();
            let mut set = PollSet::readable(&fds);
            while set.poll(0)? != 1 {
                std::thread::yield_now();
            }
            measured(&mut || {
                for _ in 0..n {
                    set.poll(0)?;
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn create_close(side: Side, n: usize) -> BenchResult<()> {
    match side {
        Side::Wsp => {
            let p = engine()?;
            measured(&mut || {
                for _ in 0..n {
                    let s = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
                    p.close_socket(s)?;
                }
                Ok(())
            })?;
        }
        Side::Raw => {
            measured(&mut || {
                for _ in 0..n {
                    drop(socket2::Socket::new(
                        socket2::Domain::IPV4,
                        socket2::Type::STREAM,
                        None,
                    )?);
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// `pingpong` on the engine under a `make()` layer (wsp side) or alone (raw side).
fn layered_pingpong<L: Layer>(side: Side, n: usize, make: impl Fn() -> L) -> BenchResult<()> {
    let p = provider(side, make)?;
    let w: &dyn Wsp = &*p;
    let (c, s) = pair(w)?;
    let mut b = [1u8; 1];
    measured(&mut || {
        for _ in 0..n {
            w.send(c, &[&b], 0)?;
            recv1(w, s, &mut b)?;
            w.send(s, &[&b], 0)?;
            recv1(w, c, &mut b)?;
        }
        Ok(())
    })?;
    w.cleanup()?;
    Ok(())
}

/// `stream` on the engine under a `make()` layer (wsp side) or alone (raw side).
fn layered_stream<L: Layer>(side: Side, n: usize, make: impl Fn() -> L) -> BenchResult<()> {
    let p = provider(side, make)?;
    let w: &dyn Wsp = &*p;
    let (c, s) = pair(w)?;
    let out = vec![3u8; CHUNK];
    let mut buf = vec![0u8; CHUNK];
    measured(&mut || {
        for _ in 0..n {
            w.send(c, &[&out], 0)?;
            let mut got = 0;
            while got < CHUNK {
                got += recv1(w, s, &mut buf[got..])?;
            }
        }
        Ok(())
    })?;
    w.cleanup()?;
    Ok(())
}
