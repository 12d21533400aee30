//! An event-select echo server over the Rust API: one thread, one event per socket, one
//! `WSAWaitForMultipleEvents`-style wait, `WSPEnumNetworkEvents` to learn what happened.
//! A few clients in threads talk to it; the server exits when all have gone.
//!
//! Run: `cargo run --example event_select_server`

use std::thread;
use std::time::Duration;
use wsp::sync::{wait_for_multiple, Event, RealTime, WaitResult};
use wsp::types::*;
use wsp::{Engine, SockAddr, WsaError, Wsp};
use wsp_portable::Portable;

const CLIENTS: usize = 4;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let p = Engine::new(Portable::new()?);
    p.startup(make_word(2, 2))?;
    let l = p.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)?;
    p.bind(l, &SockAddr::from_std("127.0.0.1:0".parse()?))?;
    p.listen(l, SOMAXCONN)?;
    let mut addr = SockAddr::default();
    p.get_sock_name(l, &mut addr)?;

    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let p = p.clone();
            thread::spawn(move || client(&p, &addr, i))
        })
        .collect();

    // Sockets and their events, index-aligned; index 0 is the listener.
    let mut socks = vec![l];
    let mut events = vec![Event::new()];
    p.event_select(l, Some(&events[0]), FD_ACCEPT)?;
    let mut served = 0;
    while served < CLIENTS || socks.len() > 1 {
        let i = match wait_for_multiple(
            &RealTime,
            &events,
            false,
            Some(Duration::from_secs(10)),
            false,
        )? {
            WaitResult::Object(i) => i,
            other => panic!("server wait: {other:?}"),
        };
        let s = socks[i];
        let ne = p.enum_network_events(s, Some(&events[i]))?;
        if ne.lNetworkEvents & FD_ACCEPT != 0 {
            // Accept everything queued: WSAEWOULDBLOCK ends the round.
            loop {
                match p.accept(l, None, None) {
                    Ok(c) => {
                        let ev = Event::new();
                        // Inherited FD_ACCEPT selection is replaced by the one we want.
                        p.event_select(c, Some(&ev), FD_READ | FD_CLOSE)?;
                        socks.push(c);
                        events.push(ev);
                        served += 1;
                    }
                    Err(WsaError::WSAEWOULDBLOCK) => break,
                    Err(e) => return Err(e.into()),
                }
            }
        }
        if ne.lNetworkEvents & FD_READ != 0 {
            let mut buf = [0u8; 4096];
            let mut flags = 0;
            match p.recv(s, &mut [&mut buf], &mut flags) {
                Ok(n) if n > 0 => {
                    p.send(s, &[&buf[..n]], 0)?;
                }
                Ok(_) | Err(WsaError::WSAEWOULDBLOCK) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if ne.lNetworkEvents & FD_CLOSE != 0 {
            println!(
                "server: socket {s:#x} closed (error {})",
                ne.iErrorCode[FD_CLOSE_BIT]
            );
            p.close_socket(s)?;
            socks.remove(i);
            events.remove(i);
        }
    }
    for c in clients {
        c.join().expect("client thread")?;
    }
    p.close_socket(l)?;
    p.cleanup()?;
    Ok(())
}

fn client(p: &Engine<Portable>, addr: &SockAddr, i: usize) -> Result<(), WsaError> {
    let s = p.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)?;
    p.connect(s, addr, None, None, None, None)?;
    let msg = format!("hello from client {i}");
    p.send(s, &[msg.as_bytes()], 0)?;
    let mut buf = [0u8; 64];
    let mut flags = MSG_WAITALL;
    let n = p.recv(s, &mut [&mut buf[..msg.len()]], &mut flags)?;
    println!(
        "client {i}: echoed {:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    p.close_socket(s)
}
