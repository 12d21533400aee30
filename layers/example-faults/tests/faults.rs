//! The example layer over the engine in Rust, through this crate's machinery driven
//! through C, and as the built `WSPStartup` library loaded by path.

use std::path::PathBuf;
use std::sync::Arc;
use wsp::types::*;
use wsp::{Engine, Layered, SockAddr, WsaError, Wsp};
use wsp_example_faults::{Faults, Rule};
use wsp_provider::{Export, ForeignProvider, NextProvider};

fn lo() -> SockAddr {
    SockAddr::from_std("127.0.0.1:0".parse().unwrap())
}

/// (client, server) TCP over loopback.
fn pair(w: &dyn Wsp) -> (SOCKET, SOCKET) {
    let l = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.bind(l, &lo()).unwrap();
    w.listen(l, 5).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(l, &mut at).unwrap();
    let c = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.connect(c, &at, None, None, None, None).unwrap();
    let s = w.accept(l, None, None).unwrap();
    w.close_socket(l).unwrap();
    (c, s)
}

fn recv_exact(w: &dyn Wsp, s: SOCKET, n: usize) -> Vec<u8> {
    let mut got = Vec::new();
    while got.len() < n {
        let mut b = vec![0u8; n - got.len()];
        let k = w.recv(s, &mut [&mut b[..]], &mut 0).unwrap();
        assert!(k > 0, "stream ended early");
        got.extend_from_slice(&b[..k]);
    }
    got
}

/// Short writes of 3 bytes, then a reset once 9 bytes went out: the same script for every
/// way of reaching the layer.
fn short_writes_then_reset(w: &dyn Wsp) {
    w.startup(0x0202).unwrap();
    let (c, s) = pair(w);
    assert_eq!(w.send(c, &[b"hello"], 0).unwrap(), 3, "a short write");
    assert_eq!(w.send(c, &[b"lo", b" world"], 0).unwrap(), 3);
    assert_eq!(w.send(c, &[b"world"], 0).unwrap(), 3);
    assert_eq!(recv_exact(w, s, 9), b"hello wor");
    assert_eq!(w.send(c, &[b"!"], 0), Err(WsaError::WSAECONNRESET));
    w.cleanup().unwrap();
}

#[test]
fn rules_parse_from_text() {
    assert_eq!(
        Faults::parse("short=3, reset_after=9,delay_ms=0,drop_every=2,bogus=1,short=x"),
        vec![
            Rule::ShortWrites(3),
            Rule::ResetAfter(9),
            Rule::Delay(std::time::Duration::ZERO),
            Rule::DropEveryNth(2),
        ]
    );
}

#[test]
fn over_the_engine_in_rust() {
    let e = Engine::new(wsp_portable::Portable::new().unwrap());
    let w = Layered::new(
        Faults::new(vec![Rule::ShortWrites(3), Rule::ResetAfter(9)]),
        Arc::new(e),
    );
    short_writes_then_reset(&w);
}

#[test]
fn counts_bytes_per_socket_and_drops_datagrams() {
    let e = Engine::new(wsp_portable::Portable::new().unwrap());
    let w = Layered::new(Faults::new(vec![Rule::DropEveryNth(2)]), Arc::new(e));
    w.startup(0x0202).unwrap();
    let (c, s) = pair(&w);
    w.send(c, &[b"12345"], 0).unwrap();
    assert_eq!(recv_exact(&w, s, 5), b"12345");
    assert_eq!(
        (w.layer().counts(c).sent, w.layer().counts(s).received),
        (5, 5)
    );
    // UDP: the second of three datagrams is dropped (reported as sent).
    let u = w
        .socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, None, 0, 0)
        .unwrap();
    let r = w
        .socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, None, 0, 0)
        .unwrap();
    w.bind(r, &lo()).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(r, &mut at).unwrap();
    for d in [&b"one"[..], b"two", b"three"] {
        assert_eq!(w.send_to(u, &[d], 0, Some(&at)).unwrap(), d.len());
    }
    let mut got = Vec::new();
    for _ in 0..2 {
        let mut b = [0u8; 8];
        let n = w.recv_from(r, &mut [&mut b[..]], &mut 0, None).unwrap();
        got.push(b[..n].to_vec());
    }
    assert_eq!(got, vec![b"one".to_vec(), b"three".to_vec()]);
    assert_eq!(w.layer().counts(u).dropped, 1);
    w.close_socket(c).unwrap();
    assert_eq!(
        w.layer().counts(c),
        Default::default(),
        "forgotten on close"
    );
    w.cleanup().unwrap();
}

#[test]
fn through_c_with_this_crates_machinery() {
    let w = ForeignProvider::in_tree_layered(Export::new(
        || Faults::new(vec![Rule::ShortWrites(3), Rule::ResetAfter(9)]),
        NextProvider::Engine,
    ));
    assert_eq!(w.catalog()[0].ProtocolChain.ChainLen, 2);
    short_writes_then_reset(&w);
}

/// The cdylib cargo built next to this test's deps.
fn cdylib() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let name = format!(
        "{}wsp_example_faults{}",
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

#[test]
fn as_a_provider_library_loaded_by_path() {
    // Read when the library's WSPStartup builds the layer.
    std::env::set_var("WSP_FAULTS", "short=3,reset_after=9");
    let w = ForeignProvider::load(&cdylib(), None).unwrap();
    // WSPEnumCatalog: chain entries over the engine's, then the hidden layered entry.
    let cat = w.catalog();
    let base = wsp::catalog::entries();
    assert_eq!(cat.len(), base.len() + 1);
    let layer_id = cat.last().unwrap().dwCatalogEntryId;
    assert_eq!(cat.last().unwrap().ProtocolChain.ChainLen, LAYERED_PROTOCOL);
    assert_eq!(
        &cat[0].ProtocolChain.ChainEntries[..2],
        &[layer_id, base[0].dwCatalogEntryId]
    );
    assert!(cat[0]
        .protocol_name()
        .starts_with("wsp example faults over ["));
    short_writes_then_reset(&w);
}

/// A C host with its own upcall table (its own `WPUCreateSocketHandle`, events and
/// `WPUSetEvent`: a foreign caller) runs `abi/provider/tests/c/echo.c`, a loopback echo
/// with event select, through the layer library. Skipped when no C compiler is installed.
#[test]
fn a_c_host_with_its_own_upcall_table_echoes_through_the_library() {
    use std::process::Command;
    let Some(cc) = ["cc", "gcc"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
    else {
        eprintln!("SKIP: no cc or gcc on PATH");
        return;
    };
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../abi/provider/tests/c/echo.c");
    let exe = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("faults-echo");
    let mut build = Command::new(cc);
    build.args(["-std=c11", "-O1", "-o"]).arg(&exe).arg(&src);
    if cfg!(target_os = "linux") {
        build.arg("-ldl");
    }
    let out = build.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe)
        .arg(cdylib())
        .env_remove("WSP_FAULTS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && stdout.contains("echo ok"),
        "{stdout}"
    );
}
