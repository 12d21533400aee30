//! Extension functions through a foreign table: `ForeignProvider`'s `WspExt` fetches the
//! provider's own AcceptEx/ConnectEx/DisconnectEx/TransmitPackets/WSARecvMsg/WSASendMsg
//! with `SIO_GET_EXTENSION_FUNCTION_POINTER` and calls them (mswsock.h signatures; the
//! AcceptEx, ConnectEx, ... pages on Microsoft Learn). Exercised on this crate's provider
//! loaded by path (its `WSPStartup` cdylib), on a layer over it in Rust, and on a layer
//! exported through this crate's machinery over it, driven through C.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wsp::layer::{Layer, Layered, WspExt};
use wsp::overlapped::{Overlapped, RecvFromBuf};
use wsp::sync::{Event, RealTime, WaitResult};
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};
use wsp_provider::{Export, ForeignProvider, NextProvider};

const BOUND: Option<Duration> = Some(Duration::from_secs(5));

fn signalled(e: &Event) -> bool {
    e.wait(&RealTime, BOUND, false) != WaitResult::Timeout
}

/// The cdylib cargo built next to this test's deps (as `c_echo.rs` finds it).
fn cdylib() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let name = format!(
        "{}wsp_provider{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    [deps.join(&name), deps.parent().unwrap().join(&name)]
        .into_iter()
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("{name} not found near {}", deps.display()))
}

fn port(a: &SockAddr) -> u16 {
    a.to_std().map_or(0, |a| a.port())
}

fn lo() -> SockAddr {
    SockAddr::from_std("127.0.0.1:0".parse().unwrap())
}

fn sock(w: &dyn Wsp, ty: i32, proto: i32) -> SOCKET {
    w.socket(AF_INET, ty, proto, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap()
}

/// The six functions on `w`, each notified through its own event, the results read back
/// with `WSPGetOverlappedResult`.
fn extensions(w: &dyn WspExt) {
    w.startup(0x0202).unwrap();
    let l = sock(w, SOCK_STREAM, IPPROTO_TCP);
    w.bind(l, &lo()).unwrap();
    w.listen(l, 5).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(l, &mut at).unwrap();

    // AcceptEx + ConnectEx with data: the accept completes with the first data block.
    let accept = sock(w, SOCK_STREAM, IPPROTO_TCP);
    let room = 16 + 16;
    let (ea, ec) = (Event::new(), Event::new());
    let a = w
        .accept_ex(
            l,
            accept,
            Box::new(vec![0u8; 4 + 2 * room]),
            4,
            room,
            room,
            Overlapped::new(1).with_event(&ea),
        )
        .unwrap();
    assert!(a.immediate.is_none(), "AcceptEx waits for a connection");
    let c = sock(w, SOCK_STREAM, IPPROTO_TCP);
    w.bind(c, &lo()).unwrap();
    w.connect_ex(
        c,
        &at,
        Some(Box::new(vec![b"ab".to_vec(), b"cd".to_vec()])),
        Overlapped::new(2).with_event(&ec),
    )
    .unwrap();
    assert!(signalled(&ec), "ConnectEx completes");
    assert_eq!(w.get_overlapped_result(c, 2, true).unwrap(), (4, 0));
    assert!(signalled(&ea), "AcceptEx completes");
    assert_eq!(w.get_overlapped_result(l, 1, true).unwrap(), (4, 0));
    let out: Vec<u8> = a.op.take_buffers().downcast().unwrap();
    assert_eq!(
        &out[..4],
        b"abcd",
        "the first data block, sent with ConnectEx"
    );
    let (local, remote) = wsp::overlapped::get_accept_ex_sockaddrs(&out, 4, room, room).unwrap();
    assert_eq!(port(&local), port(&at));
    assert_ne!(port(&remote), 0);
    w.set_sock_opt(
        accept,
        SOL_SOCKET,
        SO_UPDATE_ACCEPT_CONTEXT,
        &(l as u64).to_le_bytes(),
    )
    .unwrap();

    // TransmitPackets: two memory elements.
    let et = Event::new();
    w.transmit_packets(
        c,
        Box::new(vec![b"tp1".to_vec(), b"tp2".to_vec()]),
        0,
        Overlapped::new(3).with_event(&et),
    )
    .unwrap();
    assert!(signalled(&et));
    assert_eq!(w.get_overlapped_result(c, 3, true).unwrap(), (6, 0));
    let mut b = [0u8; 6];
    let mut got = 0;
    while got < 6 {
        got += w.recv(accept, &mut [&mut b[got..]], &mut 0).unwrap();
    }
    assert_eq!(&b, b"tp1tp2");

    // DisconnectEx: the peer reads the end of the stream.
    let ed = Event::new();
    w.disconnect_ex(c, 0, Overlapped::new(4).with_event(&ed))
        .unwrap();
    assert!(signalled(&ed));
    assert_eq!(w.get_overlapped_result(c, 4, true).unwrap(), (0, 0));
    assert_eq!(w.recv(accept, &mut [&mut b[..]], &mut 0).unwrap(), 0);

    // WSASendMsg / WSARecvMsg on datagrams, with the source address.
    let r = sock(w, SOCK_DGRAM, IPPROTO_UDP);
    w.bind(r, &lo()).unwrap();
    let mut rat = SockAddr::default();
    w.get_sock_name(r, &mut rat).unwrap();
    let u = sock(w, SOCK_DGRAM, IPPROTO_UDP);
    w.bind(u, &lo()).unwrap();
    let mut uat = SockAddr::default();
    w.get_sock_name(u, &mut uat).unwrap();
    let er = Event::new();
    let rm = w
        .recv_msg(
            r,
            Box::new(RecvFromBuf {
                data: vec![0u8; 16],
                from: None,
            }),
            0,
            Overlapped::new(5).with_event(&er),
        )
        .unwrap();
    let es = Event::new();
    w.send_msg(
        u,
        Box::new(b"datagram".to_vec()),
        0,
        Some(&rat),
        Overlapped::new(6).with_event(&es),
    )
    .unwrap();
    assert!(signalled(&es) && signalled(&er));
    assert_eq!(w.get_overlapped_result(u, 6, true).unwrap(), (8, 0));
    assert_eq!(w.get_overlapped_result(r, 5, true).unwrap(), (8, 0));
    let m: RecvFromBuf = rm.op.take_buffers().downcast().unwrap();
    assert_eq!(&m.data[..8], b"datagram");
    assert_eq!(m.from.map(|a| port(&a)), Some(port(&uat)));
    assert_eq!(rm.op.from().map(|a| port(&a)), Some(port(&uat)));

    // A call that never starts: a bad handle, reported by the call, nothing notified.
    let eb = Event::new();
    assert_eq!(
        w.disconnect_ex(0x7bad, 0, Overlapped::new(7).with_event(&eb))
            .err(),
        Some(WsaError::WSAENOTSOCK)
    );
    assert!(!eb.is_set());
    w.cleanup().unwrap();
}

#[test]
fn extension_functions_of_the_provider_loaded_by_path() {
    let w = ForeignProvider::load(&cdylib(), None).unwrap();
    extensions(&w);
}

struct Pass;
impl Layer for Pass {
    fn name(&self) -> &str {
        "pass"
    }
}

#[test]
fn a_layer_in_rust_over_the_provider_loaded_by_path() {
    let below = Arc::new(ForeignProvider::load(&cdylib(), None).unwrap());
    let w = Layered::new(Pass, below);
    extensions(&w);
    assert_eq!(w.handles(), 0);
}

#[test]
fn an_exported_layer_over_the_provider_loaded_by_path_driven_through_c() {
    let w = ForeignProvider::in_tree_layered(Export::new(|| Pass, NextProvider::Library(cdylib())));
    extensions(&w);
}
