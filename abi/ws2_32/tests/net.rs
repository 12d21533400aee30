//! The networking helpers through C (`tests/c/net/*.c`): each program is built with gcc
//! against `include/` and this crate's cdylib, run on loopback, and must print
//! `<name> ok`. `net_headers.c` is also compiled as C and C++ with gcc and clang under
//! `-Wall -Wextra -Werror`. A missing compiler skips with a message.

mod common;

use common::*;

fn run_c(name: &str) {
    if !have("gcc") {
        eprintln!("SKIP {name}: gcc is not installed");
        return;
    }
    let src = crate_dir().join("tests/c/net").join(format!("{name}.c"));
    let exe = out_dir("net").join(name);
    check(
        &build("gcc", "c", &src, &exe, &[]),
        &format!("building {name}.c"),
    );
    let run = program(&exe).output().expect("run");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success() && stdout.contains(&format!("{name} ok")),
        "{name} failed ({}):\n{stdout}\n{stderr}",
        run.status
    );
}

#[test]
fn net_headers_compile_as_c_and_cxx_and_run() {
    let src = crate_dir().join("tests/c/net/net_headers.c");
    let out = out_dir("net");
    for cc in ["gcc", "clang"] {
        if !have(cc) {
            eprintln!("{cc}: not installed, skipped");
            continue;
        }
        for lang in ["c", "c++"] {
            let obj = out.join(format!("net_headers-{cc}-{lang}.o"));
            check(
                &build(cc, lang, &src, &obj, &["-c"]),
                &format!("{cc} -x {lang} net_headers.c"),
            );
        }
    }
    run_c("net_headers");
}

#[test]
fn wsapoll_follows_windows_rules() {
    run_c("net_poll");
}

#[test]
fn address_helpers_and_wide_functions() {
    run_c("net_helpers");
}

#[test]
fn sockets_as_handles_and_ntstatus_in_internal() {
    run_c("net_handles");
}

#[test]
fn ioctls_through_the_shim() {
    run_c("net_ioctls");
}

#[test]
fn wsarecvmsg_reports_packet_info() {
    run_c("net_recvmsg");
}
