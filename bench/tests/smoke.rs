//! One tiny iteration of every scenario and hot path, on both sides: proves they run, and
//! times nothing.

use wsp_bench::harness::{measure, Scale, Side};
use wsp_bench::{hot, report, scenarios};

#[test]
fn every_scenario_runs_once_on_both_sides() {
    // The memory scenarios run children of the benchmark binary itself.
    std::env::set_var("WSP_BENCH_EXE", env!("CARGO_BIN_EXE_wsp-bench"));
    for sc in scenarios::all() {
        let o = measure(&sc, Scale::Smoke, 1).unwrap_or_else(|e| panic!("{}: {e}", sc.name));
        assert_eq!(o.wsp.len(), 1);
        assert_eq!(o.raw.len(), 1);
        let line = report::json(&o);
        assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
    }
}

#[test]
fn every_hot_path_runs_on_both_sides() {
    for h in hot::ALL {
        for side in [Side::Wsp, Side::Raw] {
            (h.run)(side, 3).unwrap_or_else(|e| panic!("{} {side:?}: {e}", h.name));
        }
    }
}
