//! Build `tests/c/echo.c` with the `cc` (or `gcc`) on PATH, and run it against this
//! crate's cdylib: a C host with its own upcall table running a loopback echo through the
//! exported `WSPPROC_TABLE`. Skipped, with a message, when no C compiler is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn compiler() -> Option<&'static str> {
    ["cc", "gcc"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
}

/// The cdylib cargo built next to this test's deps.
fn cdylib() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let name = format!(
        "{}wsp_provider{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    // `cargo test` refreshes the copy in deps/; the uplifted one next to it is only
    // refreshed by `cargo build`, so take the newer of the two.
    [deps.join(&name), deps.parent().unwrap().join(&name)]
        .into_iter()
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("{name} not found near {}", deps.display()))
}

/// Build `tests/c/echo.c`; `None` (with a message) when no C compiler is installed.
fn build_echo(test: &str) -> Option<PathBuf> {
    let Some(cc) = compiler() else {
        eprintln!("SKIP {test}: no cc or gcc on PATH");
        return None;
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/echo.c");
    let exe = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("wsp-echo-{test}"));
    let mut build = Command::new(cc);
    build.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-g", "-o"]);
    build.arg(&exe).arg(&src);
    if cfg!(target_os = "linux") {
        build.arg("-ldl");
    }
    let out = build.output().unwrap();
    assert!(
        out.status.success(),
        "building echo.c failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(exe)
}

fn check(run: std::process::Output) {
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "echo failed ({:?}):\n{stdout}\n{}",
        run.status.code(),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("echo ok"), "{stdout}");
}

#[test]
fn c_host_runs_a_loopback_echo_through_the_table() {
    let Some(exe) = build_echo("plain") else {
        return;
    };
    check(Command::new(&exe).arg(cdylib()).output().unwrap());
}

/// Issue 7 item 5: the C host that `dlopen`s the provider, under valgrind's memcheck.
/// Any invalid read or write, use of uninitialised memory, or definite leak (in the host
/// or the provider) makes valgrind exit with 99 and the test fail. Runs with
/// `WSP_VALGRIND=1` (CI sets it) when valgrind is installed; otherwise it says so and
/// passes, as the shim's examples do.
#[test]
fn c_host_echo_is_clean_under_valgrind() {
    if std::env::var_os("WSP_VALGRIND").is_none() {
        eprintln!("SKIP c_host_echo_is_clean_under_valgrind: set WSP_VALGRIND=1");
        return;
    }
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("SKIP c_host_echo_is_clean_under_valgrind: valgrind not installed");
        return;
    }
    let Some(exe) = build_echo("valgrind") else {
        return;
    };
    let run = Command::new("valgrind")
        .args([
            "--quiet",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
        ])
        .arg(&exe)
        .arg(cdylib())
        .output()
        .unwrap();
    check(run);
}
