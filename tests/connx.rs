//! Issue 6: connect and disconnect data on the emulated framed protocol, the catalog
//! entries that offer it, and `WSPDuplicateSocket` across two processes.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use wsp::engine::framed::IPPROTO_WSP_FRAMED;
use wsp::types::*;
use wsp::{Engine, SockAddr, Wsp};

fn loopback() -> SockAddr {
    SockAddr::from_std(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0))
}

/// A connected framed pair `(client, server)`: blocking connect here, blocking accept on a
/// scoped thread.
fn framed_pair(w: &dyn Wsp) -> (SOCKET, SOCKET) {
    let l = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_WSP_FRAMED, None, 0, 0)
        .unwrap();
    w.bind(l, &loopback()).unwrap();
    w.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    w.get_sock_name(l, &mut la).unwrap();
    let c = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_WSP_FRAMED, None, 0, 0)
        .unwrap();
    let s = std::thread::scope(|scope| {
        let t = scope.spawn(|| w.accept(l, None, None));
        w.connect(c, &la, None, None, None, None).unwrap();
        t.join().unwrap().unwrap()
    });
    (c, s)
}

fn round_trip(w: &dyn Wsp) {
    w.startup(0x0202).unwrap();
    let (c, s) = framed_pair(w);
    assert_eq!(w.send(c, &[b"abc"], 0).unwrap(), 3);
    let mut buf = [0u8; 8];
    let mut flags = 0;
    let n = w.recv(s, &mut [&mut buf[..]], &mut flags).unwrap();
    assert_eq!(&buf[..n], &b"abc"[..n]);
    w.send_disconnect(c, Some(b"bye")).unwrap();
    let mut got = Vec::from(&buf[..n]);
    loop {
        let n = w.recv(s, &mut [&mut buf[..]], &mut flags).unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"abc");
    let mut data = [0u8; 16];
    let n = w.recv_disconnect(s, Some(&mut data[..])).unwrap();
    assert_eq!(&data[..n], b"bye");
    w.cleanup().unwrap();
}

#[test]
fn framed_disconnect_data_round_trips_on_sim() {
    round_trip(&Engine::new(wsp_sim::Sim::new(6)));
}

#[test]
fn framed_disconnect_data_round_trips_on_portable() {
    round_trip(&Engine::new(wsp_portable::Portable::new().unwrap()));
}

/// The emulated protocol's entries follow the four MSAFD mirrors and carry connect and
/// disconnect data.
#[test]
fn catalog_offers_the_framed_protocol_after_the_tcpip_entries() {
    let c = wsp::catalog::entries();
    assert_eq!(c.len(), 6);
    for (p, af) in c[4..].iter().zip([AF_INET, AF_INET6]) {
        assert_eq!(
            (p.iAddressFamily, p.iSocketType, p.iProtocol),
            (af, SOCK_STREAM, IPPROTO_WSP_FRAMED)
        );
        let want = XP1_CONNECT_DATA | XP1_DISCONNECT_DATA | XP1_GRACEFUL_CLOSE;
        assert_eq!(p.dwServiceFlags1 & want, want);
        assert_eq!(p.dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO, 0);
        assert_eq!(
            p.dwCatalogEntryId,
            c[0].dwCatalogEntryId + if af == AF_INET { 4 } else { 5 }
        );
    }
}

/// Set in the child's environment: this process is the child of the two-process test.
const CHILD: &str = "WSP_CONNX_CHILD";

/// The child half of [`duplicated_socket_is_shared_with_a_child_process`]: import the
/// socket named by `token`, read the peer's greeting, answer, close.
fn duplicate_child(token: &str) {
    let w = Engine::new(wsp_portable::Portable::new().unwrap());
    w.startup(0x0202).unwrap();
    let mut info = w.catalog()[0];
    info.dwProviderReserved = token.parse().unwrap();
    let s = w
        .socket(
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            Some(&info),
            0,
            0,
        )
        .unwrap();
    // Read the parent's greeting, then answer on the same connection.
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while got.len() < 5 {
        let mut flags = 0;
        let n = w.recv(s, &mut [&mut buf[..]], &mut flags).unwrap();
        assert_ne!(n, 0, "stream ended early");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"hello");
    assert_eq!(w.send(s, &[b"from child"], 0).unwrap(), 10);
    w.close_socket(s).unwrap();
    w.cleanup().unwrap();
}

/// WSPDuplicateSocket for another process: the parent duplicates its end of a connection
/// for a child process (this test binary, re-executed), and both processes exchange data on
/// it with the peer.
#[cfg(target_os = "linux")]
#[test]
fn duplicated_socket_is_shared_with_a_child_process() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let w = Engine::new(wsp_portable::Portable::new().unwrap());
    w.startup(0x0202).unwrap();
    let l = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.bind(l, &loopback()).unwrap();
    w.listen(l, 5).unwrap();
    let mut la = SockAddr::default();
    w.get_sock_name(l, &mut la).unwrap();
    let c = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.connect(c, &la, None, None, None, None).unwrap();
    let peer = w.accept(l, None, None).unwrap();

    // The child is started first (its pid is the duplication target); it waits on stdin
    // for the token.
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "duplicate_child_stdin",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let info = w.duplicate_socket(c, child.id()).unwrap();
    assert_ne!(info.dwProviderReserved, 0);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", info.dwProviderReserved).as_bytes())
        .unwrap();
    // The parent still owns its descriptor: it speaks first on the shared connection.
    assert_eq!(w.send(c, &[b"hel"], 0).unwrap(), 3);
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while got.len() < 3 {
        let mut flags = 0;
        let n = w.recv(peer, &mut [&mut buf[..]], &mut flags).unwrap();
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"hel");
    // The peer greets; the child reads through its duplicate and answers.
    assert_eq!(w.send(peer, &[b"hello"], 0).unwrap(), 5);
    let mut got = Vec::new();
    while got.len() < 10 {
        let mut flags = 0;
        let n = w.recv(peer, &mut [&mut buf[..]], &mut flags).unwrap();
        assert_ne!(n, 0);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"from child");
    assert!(child.wait().unwrap().success());
    // The child closed its descriptor; the parent's still works.
    assert_eq!(w.send(c, &[b"!"], 0).unwrap(), 1);
    let mut flags = 0;
    let n = w.recv(peer, &mut [&mut buf[..]], &mut flags).unwrap();
    assert_eq!(&buf[..n], b"!");
    w.cleanup().unwrap();
}

/// The child entry point of the two-process test: does nothing unless [`CHILD`] is set;
/// then reads the token from stdin (the parent learns the child's pid only by starting it).
#[test]
fn duplicate_child_stdin() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    duplicate_child(line.trim());
}
