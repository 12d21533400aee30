//! The C program `bench/c/wsbench.c`: it builds against the ws2_32 shim, and its `--quick`
//! mode runs every scenario and prints one valid JSON line for each, paired with the Rust
//! scenario of the same name. With mingw installed it is also built for Windows. Times
//! nothing: the values are only checked to be positive, finite numbers.

use std::path::PathBuf;
use std::time::Duration;
use wsp_bench::harness::{Better, Outcome, Scale};
use wsp_bench::report::{self, Columns};
use wsp_bench::shim::{self, CResult, CScale};
use wsp_bench::{json, scenarios};

/// Where `cargo test` put `libws2_32.so` (a dev-dependency): `target/<profile>/deps`, this
/// test's own directory.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    let deps = exe.parent().expect("deps").to_path_buf();
    if deps.join("libws2_32.so").exists() || deps.join("libws2_32.dylib").exists() {
        deps
    } else {
        deps.parent().expect("profile dir").to_path_buf()
    }
}

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wsbench")
}

#[test]
fn wsbench_builds_against_the_shim_and_quick_mode_prints_json_for_every_scenario() {
    if !shim::have("gcc") {
        eprintln!("gcc not installed: wsbench not built");
        return;
    }
    // select_1024 holds 2,048 sockets; the benchmark raises the limit the same way.
    let _ = wsp_bench::sys::raise_nofile();
    let p = shim::build_shim(&lib_dir(), &out_dir()).expect("build wsbench against the shim");

    let list = p
        .command(&["--list".into()])
        .output()
        .expect("wsbench --list");
    assert!(list.status.success());
    let listed: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| l.split(' ').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        listed,
        shim::C_SCENARIOS,
        "wsbench --list and shim::C_SCENARIOS differ"
    );

    // One round each (after the program's own smoke-size warm-up): the quick sizes, at the
    // debug build's pace.
    let quick = CScale {
        scale: Scale::Quick,
        div: 1,
    };
    let results = p
        .run(quick, Some(1), &[], Duration::from_secs(600))
        .expect("wsbench --quick");
    let names: Vec<&str> = results.iter().map(|r| r.scenario.as_str()).collect();
    assert_eq!(names, shim::C_SCENARIOS);
    for r in &results {
        assert_eq!(r.rounds.len(), 1, "{}", r.scenario);
        assert_eq!(r.median, r.rounds[0], "{}: median of one round", r.scenario);
        assert!(
            r.median.is_finite() && r.median > 0.0,
            "{}: {}",
            r.scenario,
            r.median
        );
        // Units and directions are those of the Rust row the value lands in.
        let sc = scenarios::find(&r.scenario)
            .or_else(|| shim::c_only_scenario(&r.scenario))
            .unwrap_or_else(|| panic!("{} has no row", r.scenario));
        assert_eq!(r.unit, sc.unit, "{}", r.scenario);
        assert_eq!(r.better, sc.better, "{}", r.scenario);
    }

    // Selection and rounds are honoured.
    let two = p
        .run(
            CScale {
                scale: Scale::Smoke,
                div: 1,
            },
            Some(2),
            &["dgram", "stream"],
            Duration::from_secs(120),
        )
        .expect("wsbench --smoke --scenario dgram --scenario stream");
    let names: Vec<&str> = two.iter().map(|r| r.scenario.as_str()).collect();
    assert_eq!(names, ["stream", "dgram"], "the program's order");
    assert!(two.iter().all(|r| r.rounds.len() == 2));

    // A name it does not have is an error, not an empty run.
    let bad = p
        .command(&["--scenario".into(), "no_such".into()])
        .output()
        .expect("wsbench");
    assert!(!bad.status.success());
}

#[test]
fn wsbench_builds_for_windows_with_mingw() {
    if !shim::have(shim::MINGW) {
        eprintln!("{} not installed: Windows build not checked", shim::MINGW);
        return;
    }
    std::fs::create_dir_all(out_dir()).unwrap();
    shim::build_mingw(&out_dir().join("wsbench.exe"), &[]).expect("mingw build");
}

fn c(name: &str, rounds: &[f64]) -> CResult {
    CResult {
        scenario: name.into(),
        unit: "MiB/s".into(),
        better: Better::Higher,
        median: wsp_bench::harness::median(rounds),
        rounds: rounds.to_vec(),
    }
}

#[test]
fn report_json_carries_the_c_columns() {
    let sc = scenarios::find("stream").unwrap();
    let o = Outcome {
        scenario: sc,
        wsp: vec![90.0, 100.0, 110.0],
        raw: vec![200.0, 200.0, 200.0],
        ratios: vec![0.45, 0.5, 0.55],
        notes: vec!["a \"quoted\" note".into()],
    };
    let cols = Columns {
        shim: Some(c("stream", &[150.0, 160.0, 170.0])),
        wine: Some(c("stream", &[8.0, 10.0])),
        ..Columns::default()
    };
    let v = json::parse(&report::json_with(&o, &cols)).expect("valid JSON");
    let f = |k: &str| v.get(k).and_then(json::Value::as_f64);
    assert_eq!(f("shim"), Some(160.0));
    assert_eq!(f("wine"), Some(9.0));
    assert_eq!(f("shim_raw"), Some(160.0 / 200.0));
    assert_eq!(f("shim_wine"), Some(160.0 / 9.0));
    assert_eq!(v.get("shim_rounds").unwrap().as_array().unwrap().len(), 3);
    assert_eq!(v.get("wine_rounds").unwrap().as_array().unwrap().len(), 2);
    assert_eq!(v.get("raw_ref"), Some(&json::Value::Null));
    let row = report::row_with(&o, &cols);
    assert!(row.contains("0.800") && row.contains("17.78"), "{row}");

    // Paired rounds win over the ratio of medians.
    let paired = Columns {
        shim_raw_rounds: vec![0.7, 0.9, 0.75],
        ..cols.clone()
    };
    let v = json::parse(&report::json_with(&o, &paired)).expect("valid JSON");
    assert_eq!(v.get("shim_raw").and_then(json::Value::as_f64), Some(0.75));
    assert_eq!(
        v.get("shim_raw_rounds").unwrap().as_array().unwrap().len(),
        3
    );

    // Without C columns: nulls, and "-" in the table.
    let v = json::parse(&report::json(&o)).expect("valid JSON");
    for k in ["shim", "wine", "shim_raw", "shim_wine"] {
        assert_eq!(v.get(k), Some(&json::Value::Null), "{k}");
    }

    // A C-only row: no wsp/raw of its own; the shim is compared with the reference raw.
    let o = Outcome {
        scenario: shim::c_only_scenario("overlapped").unwrap(),
        wsp: vec![],
        raw: vec![],
        ratios: vec![],
        notes: vec![],
    };
    let cols = Columns {
        shim: Some(c("overlapped", &[100.0])),
        raw_ref: Some(("stream", 400.0)),
        ..Columns::default()
    };
    let v = json::parse(&report::json_with(&o, &cols)).expect("valid JSON");
    assert_eq!(v.get("raw"), Some(&json::Value::Null));
    assert_eq!(v.get("ratio"), Some(&json::Value::Null));
    assert_eq!(v.get("shim_raw").and_then(json::Value::as_f64), Some(0.25));
    assert_eq!(v.get("shim_wine"), Some(&json::Value::Null));
    assert_eq!(
        v.get("raw_ref").and_then(json::Value::as_str),
        Some("stream")
    );
    let row = report::row_with(&o, &cols);
    assert!(row.contains("raw = stream's raw median"), "{row}");
}
