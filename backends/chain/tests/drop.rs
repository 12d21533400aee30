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
    // The thread names itself once it runs (std sets the name from inside the new
    // thread), so the count may lag the spawn by a moment: wait for it, bounded.
    let mut named = watchers();
    for _ in 0..500 {
        if named == before + 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        named = watchers();
    }
    assert_eq!(named, before + 1);
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
    // The drop joined the watcher. The kernel removes an exited thread's task entry a
    // moment after a join returns (the join wakes when the thread releases its memory,
    // before it is reaped), so the count may lag the join too: wait for it, bounded.
    let mut left = watchers();
    for _ in 0..500 {
        if left == before {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        left = watchers();
    }
    assert_eq!(left, before, "the watcher thread is still running");
    next.cleanup().unwrap();
}
