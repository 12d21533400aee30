//! Dropping the backend stops and joins its reactor thread.
//!
//! Alone in its own test binary: it counts the threads of the whole process, so no other
//! test may start or stop threads meanwhile.

mod util;

use util::*;
use wsp::net::{HostFamily, Net};

#[cfg(target_os = "linux")]
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[cfg(target_os = "linux")]
#[test]
fn drop_joins_the_reactor_thread_and_closes_sockets() {
    let before = threads();
    let (net, rec) = setup();
    assert_eq!(threads(), before + 1, "one reactor thread");
    // Leave sockets open, registered and with traffic pending.
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    net.send(p.client, &[b"left behind"], None, Default::default())
        .unwrap();
    drop(net);
    // `drop` returned after joining: the thread is gone now, not eventually.
    assert_eq!(threads(), before);
    // And a second backend starts and stops the same way.
    let (net, _rec) = setup();
    assert_eq!(threads(), before + 1);
    drop(net);
    assert_eq!(threads(), before);
}

#[cfg(not(target_os = "linux"))]
#[test]
fn drop_returns() {
    let (net, rec) = setup();
    let _p = tcp_pair(&net, &rec, HostFamily::V4);
    drop(net);
}
