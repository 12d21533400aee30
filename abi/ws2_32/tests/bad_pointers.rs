//! Bad pointers through the shim, from C: `tests/c/bad_pointers.c` passes unmapped and
//! read-only pointers to each Winsock function that reads or writes caller memory and
//! prints one line per call; every line must show the documented code (`WSAEFAULT`,
//! Microsoft's pages: "not completely contained in a valid part of the user address
//! space"), and the program must run to its end (no crash). Skipped when gcc is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let name = format!(
        "{}ws2_32{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let found = [deps, deps.parent().unwrap()]
        .into_iter()
        .find(|d| d.join(&name).exists())
        .unwrap_or_else(|| panic!("{name} not found near {}", deps.display()))
        .to_path_buf();
    found
}

#[test]
fn c_calls_with_bad_pointers_give_wsaefault() {
    if Command::new("gcc").arg("--version").output().is_err() {
        eprintln!("SKIP c_calls_with_bad_pointers_give_wsaefault: gcc is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_pointers_c");
    let lib = lib_dir();
    let out = Command::new("gcc")
        .args([
            "-std=gnu11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-O1",
            "-pthread",
            "-I",
        ])
        .arg(root.join("include"))
        .arg("-I")
        .arg(root.join("include/mixed-case"))
        .arg("-o")
        .arg(&exe)
        .arg(root.join("tests/c/bad_pointers.c"))
        .arg("-L")
        .arg(&lib)
        .arg("-lws2_32")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "building bad_pointers.c failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe)
        .env("LD_LIBRARY_PATH", &lib)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let mut bad = Vec::new();
    let mut calls = 0;
    for l in stdout.lines().filter_map(|l| l.strip_prefix("CALL ")) {
        calls += 1;
        let mut w = l.rsplitn(3, ' ');
        let (got, want, name) = (w.next().unwrap(), w.next().unwrap(), w.next().unwrap());
        if got != want {
            bad.push(format!("{name}: got {got}, want {want}"));
        }
    }
    assert!(
        run.status.success() && stdout.contains("bad_pointers done"),
        "bad_pointers.c did not run to its end ({}):\n{stdout}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(calls >= 40, "only {calls} calls reported:\n{stdout}");
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}
