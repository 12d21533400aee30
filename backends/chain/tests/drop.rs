//! Dropping the backend (with the engine over it) stops and joins its watcher thread, even
//! while the watcher sleeps in the next provider's select. Alone in its file: it counts
//! the process's threads.

use std::sync::Arc;
use wsp::types::*;
use wsp::{Engine, SockAddr, Wsp};
use wsp_chain::Chain;

#[cfg(target_os = "linux")]
fn watchers() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim_end() == "wsp-chain-watch")
        .count()
}

#[test]
#[cfg(target_os = "linux")]
fn dropping_the_engine_joins_the_watcher() {
    let next = Arc::new(Engine::new(wsp_portable::Portable::new().unwrap()));
    next.startup(0x0202).unwrap();
    let before = watchers();
    let p = Engine::new(Chain::over_in_tree(next.clone()).unwrap());
    assert!(
        p.net().has_waker(),
        "the next provider made the wake socket"
    );
    // A new thread names itself once it runs (std sets `comm` from the child), so the
    // count may lag the spawn by a moment on a loaded machine: look again, bounded.
    for _ in 0..100_000 {
        if watchers() == before + 1 {
            break;
        }
        std::thread::yield_now();
    }
    assert_eq!(watchers(), before + 1);
    p.startup(0x0202).unwrap();
    let l = p
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    p.bind(
        l,
        &SockAddr::from("127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap()),
    )
    .unwrap();
    p.listen(l, 1).unwrap();
    drop(p);
    assert_eq!(watchers(), before, "the watcher thread is still running");
    next.cleanup().unwrap();
}
