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
fn heap_strsafe() {
    run_example(
        "heap_strsafe",
        &[
            "got: answer to request 0",
            "got: answer to request 2",
            "truncated: far too (insufficient buffer)",
            "heap block size: 128",
            "heap strsafe ok",
        ],
    );
}

/// `console_ctrl.c` serves a client, then a real SIGINT (Ctrl-C) reaches its
/// `SetConsoleCtrlHandler` handler, which stops the server: it must exit 0 through its own
/// cleanup path, not die of the signal. Also compile-checked with mingw.
#[test]
fn console_ctrl_stops_on_ctrl_c_through_its_handler() {
    use std::io::{BufRead, BufReader, Read, Write};
    if !have("gcc") {
        eprintln!("gcc not installed: console_ctrl skipped");
        return;
    }
    let src = crate_dir().join("examples/console_ctrl.c");
    let out = out_dir("examples").join("console_ctrl");
    check(&build("gcc", "c", &src, &out, &[]), "building console_ctrl");
    if have("x86_64-w64-mingw32-gcc") {
        let o = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-Wall", "-Wextra", "-Werror", "-c"])
            .arg(&src)
            .arg("-o")
            .arg(out.with_extension("obj"))
            .output()
            .expect("mingw");
        check(&o, "mingw console_ctrl");
    }
    let mut child = checked_program(&out)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run console_ctrl");
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    let port: u16 = first
        .trim()
        .strip_prefix("listening on port ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("console_ctrl printed {first:?}"));
    // One client served before the stop.
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.write_all(b"ping\n").unwrap();
    let mut echo = Vec::new();
    c.read_to_end(&mut echo).unwrap();
    assert_eq!(echo, b"ping\n");
    let mut served = String::new();
    lines.read_line(&mut served).unwrap();
    assert_eq!(served.trim(), "echoed 5 bytes");
    // Ctrl-C: the program's handler runs and the server leaves its loop.
    // SAFETY: kill sends a signal to our own child process by its id.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("console_ctrl did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut rest = String::new();
    lines.read_to_string(&mut rest).unwrap();
    eprintln!("console_ctrl:\n{first}{served}{rest}");
    assert!(
        status.success(),
        "console_ctrl ended with {status}:\n{rest}"
    );
    assert!(rest.contains("stopped by handler: CTRL_C_EVENT"), "{rest}");
    assert!(rest.contains("clean exit"), "{rest}");
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
