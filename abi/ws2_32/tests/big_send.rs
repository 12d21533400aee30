//! A 5 MB transfer sent in ONE non-blocking `send` by a WSAAsyncSelect server, and its
//! twin with WSAEventSelect (`tests/c/big_send.c`), through the shim and its window layer.
//! The server relies on Windows' rule that a non-blocking stream send takes the whole
//! buffer or fails with WSAEWOULDBLOCK (Microsoft KB 214397; src/engine/backlog.rs): after
//! a short count it would wait for an FD_WRITE that never comes. Each program is built with
//! `-Wall -Wextra -Werror` against the shim and run; with `x86_64-w64-mingw32-gcc`
//! installed it is also compile-checked for Windows unchanged.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;

fn run(mode: &str) {
    if !have("gcc") {
        eprintln!("gcc not installed: big_send {mode} skipped");
        return;
    }
    let src = crate_dir().join("tests").join("c").join("big_send.c");
    let out = out_dir("big_send").join(format!("big_send_{mode}"));
    check(&build("gcc", "c", &src, &out, &[]), "building big_send.c");
    let mut child = checked_program(&out)
        .arg(mode)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run big_send");
    // A stalled transfer must fail the test, not hang the suite.
    let bound = if std::env::var_os("WSP_VALGRIND").is_some() {
        300
    } else {
        60
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(bound);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("big_send {mode} did not finish (a stalled transfer?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut text = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    eprintln!("big_send {mode}:\n{text}");
    assert!(
        status.success(),
        "big_send {mode} exited with {status}:\n{text}"
    );
    for e in [
        "sent 5242880 bytes in 1 call(s)",
        "received 5242880 bytes in order, then end of stream",
        "big send ok",
    ] {
        assert!(
            text.contains(e),
            "big_send {mode}: missing {e:?} in\n{text}"
        );
    }
    if have("x86_64-w64-mingw32-gcc") {
        let o = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-Wall", "-Wextra", "-Werror", "-c"])
            .arg(&src)
            .arg("-o")
            .arg(out.with_extension("obj"))
            .output()
            .expect("mingw");
        check(&o, "mingw big_send.c");
    }
}

#[test]
fn async_select_server_sends_5mb_in_one_call() {
    run("async");
}

#[test]
fn event_select_server_sends_5mb_in_one_call() {
    run("event");
}
