//! Sending to a reset peer fails with an error; it never raises `SIGPIPE`.
//!
//! The Rust runtime ignores `SIGPIPE` before `main`, which would hide the bug, so this
//! binary restores the default action (terminate the process) first. It is alone in its
//! own test binary because the signal disposition is process-wide.

#![allow(unsafe_code)]

mod util;

use util::*;
use wsp::net::{HostFamily, HostOpt, IoFlags, Net, Readiness};
use wsp::WsaError;

#[test]
fn send_to_reset_peer_gives_an_error_not_sigpipe() {
    // SAFETY: `signal` with `SIG_DFL` installs no handler of ours; it only restores the
    // default disposition, which is what a C program that never touched SIGPIPE has.
    let previous = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    assert_ne!(previous, libc::SIG_ERR);

    let (net, rec) = setup();
    let p = tcp_pair(&net, &rec, HostFamily::V4);
    // Linger on with a zero timeout: closing sends a reset instead of a FIN.
    net.set_opt(p.server, HostOpt::Linger(Some(0))).unwrap();
    net.close(p.server);
    rec.expect_any(CLIENT, Readiness::READ_CLOSED | Readiness::ERROR);

    let flags = IoFlags::default();
    let mut errors = Vec::new();
    // The first send after a reset may report the reset itself; the next ones find the
    // connection dead (EPIPE), which is where SIGPIPE would be raised.
    for _ in 0..3 {
        match net.send(p.client, &[b"into the void"], None, flags) {
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    assert!(!errors.is_empty(), "sends to a reset peer all succeeded");
    for e in errors {
        assert_eq!(e, WsaError::WSAECONNRESET);
    }
    // Still alive.
}
