//! Building C programs against the shim from tests: compiler discovery, the include
//! directory, and the cargo target directory holding `libws2_32.so`/`.a`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate directory (`abi/ws2_32`).
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `abi/ws2_32/include`.
pub fn include_dir() -> PathBuf {
    crate_dir().join("include")
}

/// Where `libws2_32.so` is: `target/<profile>/deps`, where `cargo test` builds it (the
/// copy in `target/<profile>` exists only after a `cargo build`, and may be stale), else
/// the profile directory.
pub fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test>
    let deps = exe.parent().expect("deps dir").to_path_buf();
    if deps.join("libws2_32.so").exists() || deps.join("libws2_32.dylib").exists() {
        return deps;
    }
    deps.parent().expect("target profile dir").to_path_buf()
}

/// A scratch directory for build outputs.
pub fn out_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// Whether `tool` runs (`tool --version`).
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Compile (and, unless `-c` is among `extra`, link against the shim) one C source.
pub fn build(cc: &str, lang: &str, src: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut c = Command::new(cc);
    c.args(["-x", lang])
        .arg(if lang == "c++" {
            "-std=gnu++17"
        } else {
            "-std=gnu11"
        })
        .args(["-Wall", "-Wextra", "-Werror", "-g"])
        .arg("-I")
        .arg(include_dir())
        .arg("-I")
        .arg(include_dir().join("mixed-case"))
        .args(extra)
        .arg(src)
        .arg("-o")
        .arg(out);
    if !extra.contains(&"-c") {
        let lib = lib_dir();
        c.arg("-L")
            .arg(&lib)
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(["-lws2_32", "-lpthread"]);
    }
    c.output().expect("run the C compiler")
}

/// Panic with the compiler's output unless it succeeded.
pub fn check(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A command running a program built against the shim. cargo's `LD_LIBRARY_PATH` lists
/// `target/<profile>` before `deps`, and the copy of the cdylib there exists only after a
/// `cargo build` (and may be stale); the search path is pinned to [`lib_dir`] so the
/// program loads the library `cargo test` just built.
pub fn program(exe: &Path) -> Command {
    let lib = lib_dir();
    let mut c = Command::new(exe);
    c.env("LD_LIBRARY_PATH", &lib)
        .env("DYLD_LIBRARY_PATH", &lib);
    c
}

/// Like [`program`], but under valgrind's memcheck when `WSP_VALGRIND=1` and valgrind is
/// installed: any invalid access or definite leak makes the program exit with 99.
pub fn checked_program(exe: &Path) -> Command {
    if std::env::var_os("WSP_VALGRIND").is_none() || !have("valgrind") {
        return program(exe);
    }
    let lib = lib_dir();
    let mut c = Command::new("valgrind");
    c.args([
        "--quiet",
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
    ])
    .arg(exe)
    .env("LD_LIBRARY_PATH", &lib)
    .env("DYLD_LIBRARY_PATH", &lib);
    c
}
