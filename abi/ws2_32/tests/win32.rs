//! The Win32 half through C: each program in `tests/c/win32/` is built with gcc against
//! `include/` and this crate's cdylib, run, and must print `<name> ok`. `headers.c` is
//! also compiled as C and C++, with gcc and clang (when present), with `windows.h` before
//! and after the C library headers, under `-Wall -Wextra -Werror`. Skipped, with a
//! message, when gcc is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// The directory holding this crate's cdylib (`libws2_32.so`): the test binary's own
/// `target/<profile>/deps` (where `cargo test` builds it; the copy in `target/<profile>`
/// is only refreshed by `cargo build`), else its parent.
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

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn flags(cmd: &mut Command) {
    cmd.args(["-Wall", "-Wextra", "-Werror", "-O1", "-pthread", "-I"])
        .arg(manifest().join("include"))
        .arg("-I")
        .arg(manifest().join("include/mixed-case"));
}

/// Build `tests/c/win32/<name>.c` as C11 with gcc, link it to the cdylib, run it, and
/// check it reports success.
fn run_c(name: &str) {
    if !have("gcc") {
        eprintln!("SKIP win32 {name}: gcc is not installed");
        return;
    }
    let src = manifest().join(format!("tests/c/win32/{name}.c"));
    let exe = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("win32-{name}"));
    let lib = lib_dir();
    let mut build = Command::new("gcc");
    build.arg("-std=c11");
    flags(&mut build);
    build.arg("-o").arg(&exe).arg(&src).arg("-L").arg(&lib);
    build
        .arg("-lws2_32")
        .arg(format!("-Wl,-rpath,{}", lib.display()));
    let out = build.output().unwrap();
    assert!(
        out.status.success(),
        "building {name}.c failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // cargo's LD_LIBRARY_PATH may list target/<profile> (a copy of the cdylib only
    // `cargo build` refreshes) before deps: point the loader at the library just built.
    let run = Command::new(&exe)
        .env("LD_LIBRARY_PATH", &lib)
        .env("DYLD_LIBRARY_PATH", &lib)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success() && stdout.contains(&format!("{name} ok")),
        "{name} failed ({}):\n{stdout}\n{stderr}",
        run.status
    );
}

#[test]
fn win32_layouts_match_windows_x64() {
    run_c("layout");
}

#[test]
fn win32_events_waits_and_thread_handles() {
    run_c("events");
}

#[test]
fn win32_alertable_waits_run_apcs() {
    run_c("apc");
}

#[test]
fn win32_critical_sections_and_interlocked() {
    run_c("critsec");
}

#[test]
fn win32_completion_ports_with_several_threads() {
    run_c("iocp");
}

#[test]
fn win32_sockets_on_completion_ports() {
    run_c("iocp_socket");
}

#[test]
fn win32_message_only_windows_and_message_loop() {
    run_c("window");
}

#[test]
fn win32_clock_system_info_and_ids() {
    run_c("misc");
}

#[test]
fn win32_heaps_local_and_virtual_memory_with_page_protection() {
    run_c("memory");
}

#[test]
fn win32_strsafe_tchar_crt_lstr_and_code_pages() {
    run_c("strings");
}

#[test]
fn win32_load_library_get_proc_address_version_and_computer_name() {
    run_c("module");
}

#[test]
fn win32_console_control_handlers_handles_and_exit_process() {
    run_c("console");
}

#[test]
fn win32_tls_exit_thread_duplicate_handle_and_msg_wait() {
    run_c("threads");
}

/// `all_headers.h`: an `#include` of every header in `include/` (the mixed-case forwarding
/// headers too, except those whose target is not in this tree yet), sorted, so the C and
/// C++ "everything" programs see the whole surface. `wsp_seh.h` is left to the program (it
/// must come last in C++).
fn all_headers(dir: &Path) -> usize {
    let inc = manifest().join("include");
    let mut names: Vec<String> = Vec::new();
    for sub in [inc.clone(), inc.join("mixed-case")] {
        for e in std::fs::read_dir(&sub).unwrap() {
            let e = e.unwrap();
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            if !e.file_type().unwrap().is_file() || !lower.ends_with(".h") || lower == "wsp_seh.h" {
                continue;
            }
            // A forwarder names its target in its only #include "../..." line.
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let target = text
                .lines()
                .find_map(|l| l.strip_prefix("#include \"../"))
                .and_then(|l| l.strip_suffix('"'));
            match target {
                Some(t) if !inc.join(t).exists() => {
                    eprintln!("{name}: its target {t} is not in this tree; left out");
                }
                _ => names.push(name),
            }
        }
    }
    names.sort();
    let text: String = names.iter().map(|n| format!("#include <{n}>\n")).collect();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("all_headers.h"), text).unwrap();
    names.len()
}

/// A C and a C++ program that include every header, also by its mixed-case names, and
/// call every Win32 function the shim adds for legacy programs: both build with
/// `-Wall -Wextra -Werror` and report every documented result.
#[test]
fn win32_everything_compiles_and_runs_as_c_and_cxx() {
    let gen = Path::new(env!("CARGO_TARGET_TMPDIR")).join("win32-everything");
    let count = all_headers(&gen);
    assert!(count >= 40, "only {count} headers found");
    let lib = lib_dir();
    for (cc, lang, std) in [("gcc", "c", "-std=c11"), ("g++", "c++", "-std=gnu++17")] {
        if !have(cc) {
            eprintln!("SKIP everything ({cc}): not installed");
            continue;
        }
        let exe = gen.join(format!("everything-{lang}"));
        let mut build = Command::new(cc);
        build.args(["-x", lang, std]);
        flags(&mut build);
        build
            .arg("-I")
            .arg(&gen)
            .arg("-I")
            .arg(manifest().join("tests/c/win32"))
            .arg("-o")
            .arg(&exe)
            .arg(manifest().join("tests/c/win32/everything.c"))
            .args(["-x", "none", "-L"])
            .arg(&lib)
            .arg("-lws2_32")
            .arg(format!("-Wl,-rpath,{}", lib.display()));
        let out = build.output().unwrap();
        assert!(
            out.status.success(),
            "{cc} everything.c failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let run = Command::new(&exe)
            .env("LD_LIBRARY_PATH", &lib)
            .env("DYLD_LIBRARY_PATH", &lib)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success() && stdout.contains("everything ok"),
            "everything ({lang}) failed ({}):\n{stdout}\n{}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        );
    }
}

/// Every compiler present × C and C++ × windows.h first or last, before or after
/// winsock2.h; `layout.c` as C++ too.
#[test]
fn win32_headers_compile_as_c_and_cxx_in_any_order() {
    let compilers: Vec<(&str, &str)> = [
        ("gcc", "c"),
        ("g++", "c++"),
        ("clang", "c"),
        ("clang++", "c++"),
    ]
    .into_iter()
    .filter(|(cc, _)| have(cc))
    .collect();
    if compilers.is_empty() {
        eprintln!("SKIP win32 headers: no C compiler installed");
        return;
    }
    for (cc, lang) in compilers {
        let headers = manifest().join("tests/c/win32/headers.c");
        let mut jobs: Vec<(PathBuf, Option<&str>)> = ["0", "1", "2", "3"]
            .into_iter()
            .map(|o| (headers.clone(), Some(o)))
            .collect();
        jobs.push((manifest().join("tests/c/win32/layout.c"), None));
        if lang == "c" {
            jobs.push((manifest().join("tests/c/win32/window.c"), None));
        }
        for (src, order) in jobs {
            let mut cmd = Command::new(cc);
            cmd.args(["-x", lang, "-fsyntax-only"]);
            if lang == "c" {
                cmd.arg("-std=c11");
            }
            flags(&mut cmd);
            if let Some(o) = order {
                cmd.arg(format!("-DWSP_ORDER={o}"));
            }
            cmd.arg(&src);
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{cc} -x {lang} {} (order {order:?}) failed:\n{}",
                src.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// `-DUNICODE` switches the generic names to the W functions.
#[test]
fn win32_headers_compile_with_unicode() {
    if !have("gcc") {
        eprintln!("SKIP win32 unicode headers: gcc is not installed");
        return;
    }
    let mut cmd = Command::new("gcc");
    cmd.args([
        "-std=c11",
        "-x",
        "c",
        "-fsyntax-only",
        "-DUNICODE",
        "-DWSP_ORDER=0",
    ]);
    flags(&mut cmd);
    cmd.arg(manifest().join("tests/c/win32/headers.c"));
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "UNICODE build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
