//! Runs the whole suite on the `sim`, `portable` and `chain` backends through the runner binary and
//! fails if any case listed in `conformance/baseline.txt` no longer passes.

use std::process::Command;

fn run_backend(backend: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_wsp-conformance"))
        .args(["--backend", backend])
        .output()
        .expect("run wsp-conformance");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "baseline cases failed on {backend}:\n{stdout}\n{stderr}"
    );
}

#[test]
fn sim_backend_keeps_the_baseline() {
    run_backend("sim");
}

#[test]
fn portable_backend_keeps_the_baseline() {
    run_backend("portable");
}

/// Two stacked pass-through layers, exported as one provider and driven through C: the
/// same cases pass as on the direct columns.
#[test]
fn stacked_layers_keep_the_baseline() {
    run_backend("stacked");
}

/// Two stacked layers of the tree (the trace layer over the example fault-injection layer
/// with no rules), exported as one provider and driven through C: the same cases pass as
/// on the direct columns.
#[test]
fn trace_over_the_example_layer_keeps_the_baseline() {
    run_backend("traced");
}

#[test]
fn chain_backend_keeps_the_baseline() {
    run_backend("chain");
}

#[test]
fn case_names_are_unique_and_functions_known() {
    let cases = wsp_conformance::all_cases();
    let mut names: Vec<_> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate case names");
    for c in &cases {
        assert!(
            wsp_conformance::FUNCTIONS.contains(&c.function),
            "{} names unknown function {}",
            c.name,
            c.function
        );
        assert!(
            !c.source.is_empty() && !c.expect.is_empty(),
            "{} lacks source/expect",
            c.name
        );
    }
    for f in wsp_conformance::FUNCTIONS {
        assert!(cases.iter().any(|c| c.function == f), "no case for {f}");
    }
}

/// A column without the extension-function view reports the extension cases as "not
/// reachable" (skipped, not failed), and still runs the plain cases.
#[test]
fn extension_cases_are_not_reachable_on_a_plain_column() {
    use wsp_conformance::{Body, Outcome, Subject, EXTENSIONS};
    let plain = || {
        Subject::Plain(Box::new(wsp::Engine::new(
            wsp_portable::Portable::new().expect("portable backend"),
        )))
    };
    let cases = wsp_conformance::all_cases();
    let ext: Vec<_> = cases
        .iter()
        .filter(|c| matches!(c.run, Body::Ext(_)))
        .collect();
    assert!(!ext.is_empty(), "no extension cases");
    for c in &ext {
        assert!(
            EXTENSIONS.contains(&c.function),
            "{} runs over WspExt but is filed under {}",
            c.name,
            c.function
        );
        let o = c.run_on(&plain());
        assert!(
            matches!(o, Outcome::NotReachable(_)) && o.skipped(),
            "{}: {o:?}",
            c.name
        );
    }
    let bind = cases
        .iter()
        .find(|c| c.name == "bind_twice_gives_wsaeinval")
        .expect("a plain case");
    assert_eq!(bind.run_on(&plain()), Outcome::Pass);
}
