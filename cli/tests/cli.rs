//! The `wsp` binary: catalog layout, `wsp trace`'s summary and exit status.

use std::path::PathBuf;
use std::process::{Command, Output};
use wsp::layer::catalog::default_layer_id;

fn wsp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wsp"))
        .args(args)
        .output()
        .expect("run wsp")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The entries of `netsh winsock show catalog` output: each entry's lines after the rule.
fn entries(out: &str) -> Vec<Vec<String>> {
    out.split("Winsock Catalog Provider Entry\n")
        .filter(|e| !e.is_empty())
        .map(|e| {
            let mut lines = e.lines();
            assert_eq!(lines.next(), Some("-".repeat(54).as_str()), "{e}");
            lines
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn field<'a>(entry: &'a [String], label: &str) -> Option<&'a str> {
    entry
        .iter()
        .find(|l| l.starts_with(&format!("{label}:")))
        .map(|l| l[36.min(l.len())..].trim_end())
}

#[test]
fn catalog_has_netsh_layout_base_entries_then_the_trace_layer() {
    let o = wsp(&["catalog"]);
    assert!(o.status.success(), "{o:?}");
    let out = text(&o.stdout);
    let es = entries(&out);
    let base = wsp::catalog::entries();
    // Base entries, the layered protocol entry, one chain entry per base entry.
    assert_eq!(es.len(), 2 * base.len() + 1, "{out}");
    let labels = [
        "Entry Type",
        "Description",
        "Provider ID",
        "Provider Path",
        "Catalog Entry ID",
        "Version",
        "Address Family",
        "Max Address Length",
        "Min Address Length",
        "Socket Type",
        "Protocol",
        "Service Flags",
        "Protocol Chain Length",
    ];
    for e in &es {
        for (line, label) in e.iter().zip(labels) {
            // `Label:` padded to 36 columns, then the value (netsh's layout).
            assert!(line.starts_with(&format!("{label}:")), "{line}");
            assert!(line.len() > 36 && line.as_bytes()[35] == b' ', "{line:?}");
            assert_ne!(line.as_bytes()[36], b' ', "{line:?}");
        }
    }
    let layer = default_layer_id(wsp_trace::NAME);
    for (e, b) in es.iter().zip(&base) {
        assert_eq!(field(e, "Entry Type"), Some("Base Service Provider"));
        assert_eq!(field(e, "Description"), Some(b.protocol_name().as_str()));
        assert_eq!(
            field(e, "Catalog Entry ID"),
            Some(b.dwCatalogEntryId.to_string().as_str())
        );
        assert_eq!(field(e, "Protocol Chain Length"), Some("1"));
        assert_eq!(e.len(), 13);
    }
    let l = &es[base.len()];
    assert_eq!(field(l, "Entry Type"), Some("Layered Service Provider"));
    assert_eq!(field(l, "Description"), Some("wsp trace"));
    assert_eq!(
        field(l, "Catalog Entry ID"),
        Some(layer.to_string().as_str())
    );
    assert_eq!(field(l, "Protocol Chain Length"), Some("0"));
    for (c, b) in es[base.len() + 1..].iter().zip(&base) {
        assert_eq!(field(c, "Entry Type"), Some("Layered Chain Entry"));
        assert_eq!(
            field(c, "Description"),
            Some(format!("wsp trace over [{}]", b.protocol_name()).as_str())
        );
        assert_eq!(field(c, "Protocol Chain Length"), Some("2"));
        // The chain's ids, unpadded, joined by " : " (netsh's last line of a chain).
        assert_eq!(
            c.last().map(String::as_str),
            Some(format!("Protocol Chain: {layer} : {}", b.dwCatalogEntryId).as_str())
        );
    }
    let o = wsp(&["catalog", "--no-trace"]);
    assert_eq!(entries(&text(&o.stdout)).len(), base.len());
    let o = wsp(&["catalog", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
}

const RECORDS: &str = r#"{"seq":1,"t_us":3,"thread":1,"fn":"WSPSocket","args":{"af":"AF_INET"},"out":{},"ret":4,"error":null,"code":0,"us":20}
{"seq":2,"t_us":40,"thread":1,"fn":"WSPRecv","args":{"s":4,"bufs":[32],"flags":"0"},"out":{},"ret":null,"error":"WSAEWOULDBLOCK","code":10035,"us":5}"#;

/// A stand-in program: checks the variables `wsp trace` sets, writes two records where
/// `WSP_TRACE` says, prints a line and exits with 3.
fn fake_program() -> Vec<String> {
    let script = format!(
        "test \"$WSP_TRACE_FORMAT\" = json || exit 99; printf '%s\\n' '{}' '{}' >> \"$WSP_TRACE\"; echo program output; exit 3",
        RECORDS.lines().next().unwrap(),
        RECORDS.lines().nth(1).unwrap()
    );
    vec!["sh".into(), "-c".into(), script]
}

#[test]
fn trace_forwards_exit_status_and_summarises() {
    let mut args = vec!["trace".to_string(), "--".into()];
    args.extend(fake_program());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = wsp(&a);
    assert_eq!(o.status.code(), Some(3), "{o:?}");
    assert_eq!(text(&o.stdout), "program output\n");
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "[t1 +0.000040s] WSPRecv(s=4, bufs=[32], flags=0) = SOCKET_ERROR WSAEWOULDBLOCK (5us)"
        ),
        "{err}"
    );
    assert!(
        err.contains("wsp trace: 2 calls, 1 failed, 0.025 ms in the provider"),
        "{err}"
    );
    let row = |name: &str| {
        err.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>())
    };
    assert_eq!(row("WSPSocket"), Some(vec!["1", "0", "20", "20.0"]));
    assert_eq!(row("WSPRecv"), Some(vec!["1", "1", "5", "5.0"]));
    assert_eq!(row("WSAEWOULDBLOCK"), Some(vec!["1"]));
}

#[test]
fn trace_json_quiet_and_output_file() {
    let run = |opts: &[&str]| {
        let mut args: Vec<String> = vec!["trace".into()];
        args.extend(opts.iter().map(|s| s.to_string()));
        args.push("--".into());
        args.extend(fake_program());
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        wsp(&a)
    };
    let o = run(&["--json"]);
    let err = text(&o.stderr);
    for line in RECORDS.lines() {
        assert!(err.contains(line), "{err}");
    }
    let o = run(&["--quiet"]);
    let err = text(&o.stderr);
    assert!(!err.contains("WSPRecv(s=4"), "{err}");
    assert!(err.contains("wsp trace: 2 calls"), "{err}");
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-trace.txt");
    let _ = std::fs::remove_file(&file);
    let o = run(&["--output", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_eq!(saved.lines().count(), 2, "{saved}");
    assert!(saved.starts_with("[t1 +0.000003s] WSPSocket(af=AF_INET) = 4 (20us)\n"));
}

#[test]
fn trace_reports_signals_and_missing_programs_as_shells_do() {
    let o = wsp(&["trace", "--", "sh", "-c", "kill -9 $$"]);
    assert_eq!(o.status.code(), Some(128 + 9));
    let o = wsp(&["trace", "--", "/nonexistent/program"]);
    assert_eq!(o.status.code(), Some(127));
    let o = wsp(&["trace"]);
    assert_eq!(o.status.code(), Some(2));
    let o = wsp(&["nonsense"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `libws2_32.so` as cargo built it for this test (the dev-dependency).
fn shim_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?.to_path_buf();
    [deps.clone(), deps.parent()?.to_path_buf()]
        .into_iter()
        .find(|d| d.join("libws2_32.so").exists())
}

#[test]
fn trace_of_a_real_winsock_program() {
    let gcc = Command::new("gcc").arg("--version").output();
    let (Ok(g), Some(lib)) = (gcc, shim_dir()) else {
        eprintln!("gcc or libws2_32.so not available: skipped");
        return;
    };
    assert!(g.status.success());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let exe = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_trace_small");
    let b = Command::new("gcc")
        .args(["-std=gnu11", "-Wall", "-I"])
        .arg(root.join("abi/ws2_32/include"))
        .arg(root.join("abi/ws2_32/tests/c/trace_small.c"))
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lws2_32", "-lpthread"])
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", text(&b.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_wsp"))
        .args(["trace", "--quiet", "--"])
        .arg(&exe)
        .env("LD_LIBRARY_PATH", &lib)
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(text(&o.stdout).contains("trace small ok"));
    // trace_small.c makes 15 provider calls, two of which fail.
    assert!(err.contains("wsp trace: 15 calls, 2 failed,"), "{err}");
    let count = |name: &str| {
        err.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
    };
    assert_eq!(count("WSPRecv").as_deref(), Some("2"), "{err}");
    assert_eq!(count("WSPCloseSocket").as_deref(), Some("2"), "{err}");
    assert_eq!(count("WSAEWOULDBLOCK").as_deref(), Some("1"), "{err}");
    assert_eq!(count("WSAENOTSOCK").as_deref(), Some("1"), "{err}");
}

#[test]
fn conformance_and_bench_run_the_existing_runners() {
    let o = wsp(&["conformance", "--backend", "traced", "--case", "bind"]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    let header = out.lines().next().unwrap_or("");
    assert!(
        header.starts_with("function") && header.contains("traced"),
        "{out}"
    );
    assert!(
        out.contains("failed, 0 skipped") && out.contains(" passed, 0 failed"),
        "{out}"
    );
    let o = wsp(&["conformance", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    let o = wsp(&["bench", "--list"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("pingpong"));
}
