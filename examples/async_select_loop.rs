//! An async-select client with a message loop over the Rust API: network events arrive as
//! window messages `(hwnd, WM_SOCKET, socket, WSAMAKESELECTREPLY(event, error))` on a
//! message queue standing in for an `HWND`, as in a classic Win32 program.
//!
//! Run: `cargo run --example async_select_loop`

use std::thread;
use wsp::sync::{Hwnd, RealTime, WM_USER, WSAGETSELECTERROR, WSAGETSELECTEVENT};
use wsp::types::*;
use wsp::{Engine, SockAddr, WsaError, Wsp};
use wsp_portable::Portable;

const WM_SOCKET: u32 = WM_USER + 1;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let p = Engine::new(Portable::new()?);
    p.startup(make_word(2, 2))?;

    // A blocking echo server in a thread, to talk to.
    let l = p.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)?;
    p.bind(l, &SockAddr::from_std("127.0.0.1:0".parse()?))?;
    p.listen(l, 1)?;
    let mut addr = SockAddr::default();
    p.get_sock_name(l, &mut addr)?;
    let server = {
        let p = p.clone();
        thread::spawn(move || -> Result<(), WsaError> {
            let c = p.accept(l, None, None)?;
            let mut buf = [0u8; 256];
            loop {
                let mut flags = 0;
                let n = p.recv(c, &mut [&mut buf], &mut flags)?;
                if n == 0 {
                    return p.close_socket(c);
                }
                p.send(c, &[&buf[..n]], 0)?;
            }
        })
    };

    // The client: non-blocking by WSPAsyncSelect, driven by messages.
    let hwnd = Hwnd::new();
    let s = p.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)?;
    p.async_select(
        s,
        Some(&hwnd),
        WM_SOCKET,
        FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE,
    )?;
    match p.connect(s, &addr, None, None, None, None) {
        Err(WsaError::WSAEWOULDBLOCK) | Ok(()) => {}
        Err(e) => return Err(e.into()),
    }
    let mut to_send = vec!["one", "two", "three"];
    let mut echoed = String::new();
    // GetMessage loop.
    while let Some(m) = hwnd.get(&RealTime, 0, 0) {
        if m.msg != WM_SOCKET || m.wparam != s {
            continue;
        }
        let (event, error) = (WSAGETSELECTEVENT(m.lparam), WSAGETSELECTERROR(m.lparam));
        match event {
            FD_CONNECT => println!("connected (error {error})"),
            FD_WRITE => {
                if let Some(msg) = to_send.first() {
                    p.send(s, &[msg.as_bytes()], 0)?;
                    to_send.remove(0);
                }
            }
            FD_READ => {
                let mut buf = [0u8; 256];
                let mut flags = 0;
                match p.recv(s, &mut [&mut buf], &mut flags) {
                    Ok(n) => echoed.push_str(&String::from_utf8_lossy(&buf[..n])),
                    Err(WsaError::WSAEWOULDBLOCK) => {}
                    Err(e) => return Err(e.into()),
                }
                if let Some(msg) = to_send.first() {
                    p.send(s, &[msg.as_bytes()], 0)?;
                    to_send.remove(0);
                } else if echoed.len() == "onetwothree".len() {
                    p.shutdown(s, SD_SEND)?;
                }
            }
            FD_CLOSE => {
                println!("closed by the server (error {error}); echoed {echoed:?}");
                hwnd.post_quit(0);
            }
            _ => {}
        }
    }
    server.join().expect("server thread")?;
    p.close_socket(s)?;
    p.cleanup()?;
    Ok(())
}
