//! The legacy examples (`examples/*.c`): each is built with `-Wall -Wextra -Werror`
//! against the shim and run on loopback (ports chosen by the system), and its output is
//! checked. With `x86_64-w64-mingw32-gcc` installed, each is also compile-checked for
//! Windows unchanged.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;

fn run_example(name: &str, expect: &[&str]) {
    if !have("gcc") {
        eprintln!("gcc not installed: {name} skipped");
        return;
    }
    let src = crate_dir().join("examples").join(format!("{name}.c"));
    let out = out_dir("examples").join(name);
    check(
        &build("gcc", "c", &src, &out, &[]),
        &format!("building {name}"),
    );
    let mut child = checked_program(&out)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run example");
    // A hung example must fail the test, not the suite: kill it after a generous bound.
    let deadline = std::time::Instant::now()
        + Duration::from_secs(if std::env::var_os("WSP_VALGRIND").is_some() {
            120
        } else {
            30
        });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{name} did not finish");
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
    eprintln!("{name}:\n{text}");
    assert!(status.success(), "{name} exited with {status}:\n{text}");
    assert!(
        text.contains("listening on port "),
        "{name} printed no port"
    );
    for e in expect {
        assert!(text.contains(e), "{name}: missing {e:?} in\n{text}");
    }
    if have("x86_64-w64-mingw32-gcc") {
        let o = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-Wall", "-Wextra", "-Werror", "-c"])
            .arg(&src)
            .arg("-o")
            .arg(out.with_extension("obj"))
            .output()
            .expect("mingw");
        check(&o, &format!("mingw {name}"));
    }
}

#[test]
fn echo_blocking() {
    run_example(
        "echo_blocking",
        &["startup 2.2", "echoed: hello, winsock", "echo ok"],
    );
}

#[test]
fn select_server() {
    run_example(
        "select_server",
        &["client 0 got: line 0", "client 2 got: line 2", "select ok"],
    );
}

#[test]
fn event_select_server() {
    run_example(
        "event_select_server",
        &["echoed: event 0", "echoed: event 1", "event select ok"],
    );
}

#[test]
fn overlapped_client() {
    run_example(
        "overlapped_client",
        &[
            "routine echo: routine 0",
            "routine echo: routine 1",
            "event echo: event 0",
            "event echo: event 1",
            "overlapped ok",
        ],
    );
}

#[test]
fn async_select_client() {
    run_example(
        "async_select_client",
        &[
            "connected",
            "echoed: async 0",
            "echoed: async 2",
            "closed after 3 echoes",
            "async select ok",
        ],
    );
}

#[test]
fn iocp_server() {
    run_example(
        "iocp_server",
        &["echoed: iocp 0", "echoed: iocp 1", "closed 1", "iocp ok"],
    );
}

#[test]
fn wsapoll_server() {
    run_example(
        "wsapoll_server",
        &["echoed: poll 0", "echoed: poll 2", "wsapoll ok"],
    );
}

#[test]
fn recvmsg_pktinfo() {
    run_example(
        "recvmsg_pktinfo",
        &[
            "\"datagram 0\"",
            "to 127.0.0.1",
            "\"datagram 2\"",
            "recvmsg ok",
        ],
    );
}
