//! A completion-port echo server over the Rust API: AcceptEx posts accepts, every socket
//! is associated with one [`CompletionPort`], and a few worker threads take packets and
//! start the next overlapped operation. The buffers travel with the operations and come
//! back in the packets; nothing is shared but the port.
//!
//! A few clients in threads talk to it; the server stops once they are done.
//!
//! Run: `cargo run --example iocp_server`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use wsp::overlapped::{get_accept_ex_sockaddrs, CompletionPort, Overlapped};
use wsp::types::*;
use wsp::{Engine, SockAddr, Wsp};
use wsp_portable::Portable;

const CLIENTS: usize = 8;
const WORKERS: usize = 2;
/// Completion key of the listener; each connection's key is its own handle.
const LISTENER: usize = 0;
/// Completion key of the packet that stops a worker.
const STOP: usize = usize::MAX;
/// Overlapped keys (per socket): which operation completed.
const RECV: usize = 1;
const SEND: usize = 2;
/// AcceptEx's room per address: `sizeof(sockaddr_in) + 16`.
const ROOM: usize = 32;

type Provider = Engine<Portable>;

fn post_accept(p: &Provider, l: SOCKET) -> wsp::WsaResult<()> {
    let a = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)?;
    // The request's key is the accept socket, so the packet says which one is ready.
    p.accept_ex(
        l,
        a,
        Box::new(vec![0u8; 2 * ROOM]),
        0,
        ROOM,
        ROOM,
        Overlapped::new(a),
    )?;
    Ok(())
}

fn worker(p: Provider, port: CompletionPort, l: SOCKET, accepted: Arc<AtomicUsize>) {
    loop {
        let Some(pk) = p.get_queued(&port, None) else {
            continue;
        };
        match pk.key {
            STOP => return,
            LISTENER => {
                if pk.status.is_some() {
                    continue; // aborted by the listener's close
                }
                let a = pk.overlapped;
                let buf: Vec<u8> = pk.buffers.downcast().unwrap_or_default();
                if let Some((_, remote)) = get_accept_ex_sockaddrs(&buf, 0, ROOM, ROOM) {
                    println!("accepted {:?}", remote.to_std());
                }
                let started = p.associate_port(a, &port, a).and_then(|_| {
                    p.recv_overlapped(a, Box::new(vec![0u8; 4096]), 0, Overlapped::new(RECV))
                });
                if started.is_err() {
                    let _ = p.close_socket(a);
                }
                if accepted.fetch_add(1, Ordering::SeqCst) + 1 < CLIENTS {
                    let _ = post_accept(&p, l);
                }
            }
            s => {
                let next = match (pk.overlapped, pk.status) {
                    (RECV, None) if pk.bytes > 0 => {
                        let mut b: Vec<u8> = pk.buffers.downcast().unwrap_or_default();
                        b.truncate(pk.bytes as usize);
                        p.send_overlapped(s, Box::new(b), 0, Overlapped::new(SEND))
                    }
                    (SEND, None) => {
                        let mut b: Vec<u8> = pk.buffers.downcast().unwrap_or_default();
                        b.resize(4096, 0);
                        p.recv_overlapped(s, Box::new(b), 0, Overlapped::new(RECV))
                    }
                    // End of stream, a reset or an abort: the connection is over.
                    _ => Err(wsp::WsaError::WSAECONNRESET),
                };
                if next.is_err() {
                    let _ = p.close_socket(s);
                }
            }
        }
    }
}

fn client(p: &Provider, addr: &SockAddr, i: usize) -> wsp::WsaResult<()> {
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
    p.connect(c, addr, None, None, None, None)?;
    let msg = format!("hello from client {i}");
    p.send(c, &[msg.as_bytes()], 0)?;
    let mut back = vec![0u8; msg.len()];
    let mut flags = MSG_WAITALL;
    let n = p.recv(c, &mut [&mut back], &mut flags)?;
    println!("client {i} got {:?}", String::from_utf8_lossy(&back[..n]));
    p.close_socket(c)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let p = Engine::new(Portable::new()?);
    p.startup(make_word(2, 2))?;
    let l = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)?;
    p.bind(l, &SockAddr::from_std("127.0.0.1:0".parse()?))?;
    p.listen(l, SOMAXCONN)?;
    let mut addr = SockAddr::default();
    p.get_sock_name(l, &mut addr)?;

    let port = CompletionPort::new();
    p.associate_port(l, &port, LISTENER)?;
    post_accept(&p, l)?;
    let accepted = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (p, port, accepted) = (p.clone(), port.clone(), accepted.clone());
            thread::spawn(move || worker(p, port, l, accepted))
        })
        .collect();

    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let p = p.clone();
            thread::spawn(move || client(&p, &addr, i))
        })
        .collect();
    for c in clients {
        c.join().expect("client thread")?;
    }
    for _ in 0..WORKERS {
        port.post(0, STOP, 0);
    }
    for w in workers {
        w.join().expect("worker thread");
    }
    p.close_socket(l)?;
    p.cleanup()?;
    Ok(())
}
