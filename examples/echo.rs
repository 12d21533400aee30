//! Loopback echo over the Rust API of the Winsock provider, first with blocking sockets,
//! then with non-blocking ones (`FIONBIO`) driven by `WSPSelect`.
//!
//! Run: `cargo run --example echo`

use std::thread;
use wsp::types::*;
use wsp::{Engine, FdSet, SockAddr, WsaError, Wsp};
use wsp_portable::Portable;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = Engine::new(Portable::new()?);
    let data = provider.startup(make_word(2, 2))?;
    println!("{} (version {:#06x})", data.description(), data.wVersion);

    blocking_echo(&provider)?;
    nonblocking_echo(&provider)?;

    provider.cleanup()?;
    Ok(())
}

/// A listener on 127.0.0.1 with an ephemeral port; returns the socket and its address.
fn listener(p: &impl Wsp) -> Result<(SOCKET, SockAddr), WsaError> {
    let l = p.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)?;
    p.bind(l, &SockAddr::from_std("127.0.0.1:0".parse().unwrap()))?;
    p.listen(l, SOMAXCONN)?;
    let mut addr = SockAddr::default();
    p.get_sock_name(l, &mut addr)?;
    Ok((l, addr))
}

fn blocking_echo(p: &Engine<Portable>) -> Result<(), WsaError> {
    let (l, addr) = listener(p)?;
    let server = {
        let p = p.clone();
        thread::spawn(move || -> Result<(), WsaError> {
            let c = p.accept(l, None, None)?;
            let mut buf = [0u8; 1024];
            loop {
                let mut flags = 0;
                let n = p.recv(c, &mut [&mut buf], &mut flags)?;
                if n == 0 {
                    break;
                }
                p.send(c, &[&buf[..n]], 0)?;
            }
            p.close_socket(c)
        })
    };
    let s = p.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)?;
    p.connect(s, &addr, None, None, None, None)?;
    for msg in ["hello", "winsock", "world"] {
        p.send(s, &[msg.as_bytes()], 0)?;
        let mut buf = [0u8; 64];
        let mut flags = 0;
        let n = p.recv(s, &mut [&mut buf[..msg.len()]], &mut flags)?;
        println!("blocking echo: {}", String::from_utf8_lossy(&buf[..n]));
    }
    p.shutdown(s, SD_SEND)?;
    server.join().expect("server thread")?;
    p.close_socket(s)?;
    p.close_socket(l)
}

fn set_nonblocking(p: &impl Wsp, s: SOCKET) -> Result<(), WsaError> {
    p.ioctl(s, FIONBIO, &1u32.to_le_bytes(), &mut [])
        .map(|_| ())
}

/// Wait until `s` is in the chosen set.
fn wait(p: &impl Wsp, s: SOCKET, write: bool) -> Result<(), WsaError> {
    let mut set = FdSet::new();
    set.set(s);
    let n = if write {
        p.select(None, Some(&mut set), None, None)?
    } else {
        p.select(Some(&mut set), None, None, None)?
    };
    assert_eq!(n, 1);
    Ok(())
}

fn nonblocking_echo(p: &Engine<Portable>) -> Result<(), WsaError> {
    let (l, addr) = listener(p)?;
    set_nonblocking(p, l)?;
    let s = p.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)?;
    set_nonblocking(p, s)?;
    match p.connect(s, &addr, None, None, None, None) {
        Ok(()) | Err(WsaError::WSAEWOULDBLOCK) => {}
        Err(e) => return Err(e),
    }
    wait(p, l, false)?;
    let c = p.accept(l, None, None)?;
    wait(p, s, true)?;
    for msg in ["non", "blocking", "echo"] {
        p.send(s, &[msg.as_bytes()], 0)?;
        let mut buf = [0u8; 64];
        wait(p, c, false)?;
        let mut flags = 0;
        let n = p.recv(c, &mut [&mut buf], &mut flags)?;
        p.send(c, &[&buf[..n]], 0)?;
        wait(p, s, false)?;
        let n = p.recv(s, &mut [&mut buf], &mut flags)?;
        println!("non-blocking echo: {}", String::from_utf8_lossy(&buf[..n]));
    }
    for h in [c, s, l] {
        p.close_socket(h)?;
    }
    Ok(())
}
