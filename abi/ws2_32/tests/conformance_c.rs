//! C conformance cases (`tests/c/conformance.c`): Winsock behaviours written as a C
//! program, built against the shim and run; every case must pass. With `WSP_WINE=1`,
//! `x86_64-w64-mingw32-gcc` and `wine` installed, the same source is also built for
//! Windows and run under Wine, and the report prints three columns (expected from
//! Windows, shim, Wine). Wine's column is informational: where it differs from Windows
//! the report says so, but the test only asserts the shim's column.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::process::Command;

fn parse(out: &str) -> BTreeMap<String, String> {
    out.lines()
        .filter_map(|l| {
            let l = l.trim_end_matches('\r');
            let (name, rest) = l.split_once(' ')?;
            (rest.starts_with("PASS") || rest.starts_with("FAIL"))
                .then(|| (name.to_string(), rest.to_string()))
        })
        .collect()
}

fn wine_column(src: &std::path::Path) -> Option<BTreeMap<String, String>> {
    if std::env::var_os("WSP_WINE").is_none() {
        eprintln!("Wine column: set WSP_WINE=1 to run it");
        return None;
    }
    if !have("x86_64-w64-mingw32-gcc") || !have("wine") {
        eprintln!("Wine column: mingw or wine not installed");
        return None;
    }
    let dir = out_dir("conformance-wine");
    let exe = dir.join("conformance.exe");
    let o = Command::new("x86_64-w64-mingw32-gcc")
        .args(["-Wall", "-Wextra", "-Werror"])
        .arg(src)
        .arg("-o")
        .arg(&exe)
        .arg("-lws2_32")
        .output()
        .expect("mingw");
    check(&o, "mingw conformance.c");
    let prefix = dir.join("prefix");
    let o = Command::new("wine")
        .arg(&exe)
        .env("WINEDEBUG", "-all")
        .env("WINEPREFIX", &prefix)
        .output()
        .expect("wine");
    Some(parse(&String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn c_conformance_cases_pass_on_the_shim() {
    if !have("gcc") {
        eprintln!("gcc not installed: skipped");
        return;
    }
    let src = crate_dir().join("tests/c/conformance.c");
    let exe = out_dir("conformance").join("conformance");
    check(
        &build("gcc", "c", &src, &exe, &[]),
        "building conformance.c",
    );
    let o = program(&exe).output().expect("run conformance");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "conformance exited {}:\n{text}",
        o.status
    );
    let shim = parse(&text);
    assert!(shim.len() >= 25, "too few cases reported:\n{text}");
    let wine = wine_column(&src);
    println!("{:<48} {:<9} {:<9} wine", "case", "windows", "shim");
    for (name, r) in &shim {
        let w = wine.as_ref().map_or("-".to_string(), |w| {
            w.get(name).cloned().unwrap_or_else(|| "missing".into())
        });
        println!("{name:<48} {:<9} {:<9} {w}", "PASS", r);
    }
    let failed: Vec<_> = shim
        .iter()
        .filter(|(_, r)| !r.starts_with("PASS"))
        .collect();
    assert!(failed.is_empty(), "failing cases: {failed:?}");
}
