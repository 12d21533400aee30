//! The benchmark runner behind `wsp-bench` and `wsp bench`: run the scenarios on the Rust
//! API and on raw host sockets, alternating, and print medians, spreads and ratios.
//!
//! ```text
//! wsp-bench [--quick] [--json] [--scenario NAME]... [--rounds N] [--list]
//!           [--shim] [--wine] [--shim-lib DIR]
//! wsp-bench --callgrind-scenario NAME --side wsp|raw --iterations N
//! ```
//!
//! `--shim` and `--wine` add the C program's columns ([`crate::shim`]): after each
//! scenario's wsp/raw rounds, the same scenario from `bench/c/wsbench.c` over the ws2_32
//! shim, and built with mingw under Wine.

use crate::harness::{measure_with, median, rounds_for, Outcome, Scale, Scenario, Side};
use crate::report::Columns;
use crate::shim::{self, CResult, CRuns, Flavour};
use crate::util::BenchError;
use crate::{hot, report, scenarios};
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: wsp-bench [--quick] [--json] [--json-file PATH] [--scenario NAME]... [--rounds N] [--list]
                 [--shim] [--wine] [--shim-lib DIR]
       wsp-bench --callgrind-scenario NAME --side wsp|raw --iterations N

  --quick               every scenario at small sizes (under a minute)
  --json                one JSON object per scenario per line instead of the table
  --json-file PATH      also write the JSON lines to PATH (for bench/plot.py)
  --scenario NAME       run only NAME (repeatable; see --list)
  --rounds N            rounds per scenario (default: 3 quick, per scenario full)
  --list                list scenarios and hot paths
  --shim                also run bench/c/wsbench.c built with gcc against the ws2_32 shim
                        (column shim/raw); builds the shim with cargo unless --shim-lib
  --wine                also run it built with x86_64-w64-mingw32-gcc under wine
                        (column shim/Wine; Wine runs shorter rounds, see bench/src/shim.rs)
  --shim-lib DIR        the directory holding libws2_32.so (default: cargo build it)
  --callgrind-scenario  run one hot path N times on one side, for callgrind
";

fn side(s: &str) -> Option<Side> {
    match s {
        "wsp" => Some(Side::Wsp),
        "raw" => Some(Side::Raw),
        _ => None,
    }
}

/// Run the benchmark with command-line `args` (without the program name), printing to
/// standard output; the exit code to end the process with.
pub fn main(args: Vec<String>) -> ExitCode {
    match real_main(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wsp-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn real_main(args: Vec<String>) -> Result<ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    let mut quick = false;
    let mut json = false;
    let mut json_file: Option<String> = None;
    let mut names = Vec::new();
    let mut rounds = None;
    let mut hot_name = None;
    let mut hot_side = Side::Wsp;
    let mut iterations = 1000usize;
    let (mut want_shim, mut want_wine) = (false, false);
    let mut shim_lib: Option<String> = None;
    let mut i = 0;
    let value = |i: usize| -> Result<&String, String> {
        args.get(i + 1)
            .ok_or_else(|| format!("{} needs a value\n{USAGE}", args[i]))
    };
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => quick = true,
            "--json" => json = true,
            "--shim" => want_shim = true,
            "--wine" => want_wine = true,
            "--shim-lib" => {
                shim_lib = Some(value(i)?.clone());
                i += 1;
            }
            "--json-file" => {
                json_file = Some(value(i)?.clone());
                i += 1;
            }
            "--scenario" => {
                names.push(value(i)?.clone());
                i += 1;
            }
            "--rounds" => {
                rounds = Some(value(i)?.parse::<usize>()?);
                i += 1;
            }
            "--callgrind-scenario" => {
                hot_name = Some(value(i)?.clone());
                i += 1;
            }
            "--side" => {
                hot_side = side(value(i)?).ok_or("--side is wsp or raw")?;
                i += 1;
            }
            "--iterations" => {
                iterations = value(i)?.parse()?;
                i += 1;
            }
            "--memory-child" => {
                let kind = value(i)?;
                let n: usize = args.get(i + 2).ok_or("--memory-child KIND N")?.parse()?;
                let (rss, heap) = scenarios::memory::child(kind, n)?;
                println!("{rss} {heap}");
                return Ok(ExitCode::SUCCESS);
            }
            "--list" => {
                for s in scenarios::all() {
                    println!("{:<15} {}", s.name, s.about);
                }
                println!();
                for h in hot::ALL {
                    println!("hot {:<11} {}", h.name, h.op);
                }
                return Ok(ExitCode::SUCCESS);
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}").into()),
        }
        i += 1;
    }

    if let Some(name) = hot_name {
        let h = hot::find(&name).ok_or_else(|| format!("no hot path {name} (see --list)"))?;
        (h.run)(hot_side, iterations)?;
        return Ok(ExitCode::SUCCESS);
    }

    let scale = if quick { Scale::Quick } else { Scale::Full };
    let c_on = want_shim || want_wine;
    let chosen = if names.is_empty() {
        let mut v = scenarios::all();
        if c_on {
            add_c_only(&mut v);
        }
        v
    } else {
        names
            .iter()
            .map(|n| {
                scenarios::find(n)
                    .or_else(|| c_on.then(|| shim::c_only_scenario(n)).flatten())
                    .ok_or_else(|| format!("no scenario {n} (see --list)"))
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let _ = crate::sys::raise_nofile();
    let mut cruns = CRuns::default();
    if want_shim {
        let lib = shim::shim_lib_dir(shim_lib.as_deref().map(Path::new))?;
        cruns.shim = Some(shim::build_shim(&lib, &shim::default_out_dir())?);
    }
    if want_wine {
        cruns.wine = Some(shim::build_wine(&shim::default_out_dir())?);
    }
    let mut raw_medians: HashMap<&'static str, f64> = HashMap::new();
    let mut jf = match &json_file {
        Some(p) => Some(std::fs::File::create(p)?),
        None => None,
    };
    let start = Instant::now();
    if !json {
        println!(
            "wsp-bench: {} run, {} CPUs, wsp = Rust API over the portable backend, raw = host sockets",
            if quick { "quick" } else { "full" },
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        if cruns.any() {
            println!(
                "shim = bench/c/wsbench.c over the ws2_32 shim{}",
                if cruns.wine.is_some() {
                    "; Wine = the same program (mingw) under Wine, shorter rounds"
                } else {
                    ""
                }
            );
        }
        println!("{}", report::header());
    }
    for sc in &chosen {
        let r = rounds.unwrap_or_else(|| rounds_for(sc, scale));
        let c_only = scenarios::find(sc.name).is_none();
        let mut cols = Columns::default();
        let warn = |e: BenchError| {
            eprintln!("wsp-bench: {e}");
            None
        };
        let o = if c_only {
            cols.shim = cruns
                .run(Flavour::Shim, sc.name, scale, r)
                .unwrap_or_else(warn);
            Outcome {
                scenario: *sc,
                wsp: Vec::new(),
                raw: Vec::new(),
                ratios: Vec::new(),
                notes: Vec::new(),
            }
        } else {
            // The shim runs one round (its own process) after each wsp/raw round, so each
            // shim value pairs with that round's raw value.
            let mut shim_rounds = Vec::new();
            let mut failed = false;
            let o = measure_with(sc, scale, r, |_| {
                if failed {
                    return;
                }
                match cruns.run(Flavour::Shim, sc.name, scale, 1) {
                    Ok(Some(c)) => shim_rounds.extend(c.rounds),
                    Ok(None) => {}
                    Err(e) => {
                        eprintln!("wsp-bench: {e}");
                        failed = true;
                    }
                }
            })?;
            if !failed && !shim_rounds.is_empty() {
                cols.shim_raw_rounds = shim_rounds
                    .iter()
                    .zip(&o.raw)
                    .map(|(s, x)| if *x == 0.0 { f64::NAN } else { s / x })
                    .collect();
                cols.shim = Some(CResult {
                    scenario: sc.name.into(),
                    unit: sc.unit.into(),
                    better: sc.better,
                    median: median(&shim_rounds),
                    rounds: shim_rounds,
                });
            }
            o
        };
        if !o.raw.is_empty() {
            raw_medians.insert(sc.name, o.raw_median());
        }
        cols.wine = cruns
            .run(Flavour::Wine, sc.name, scale, r.min(3))
            .unwrap_or_else(warn);
        if let Some(name) = shim::raw_reference(sc.name) {
            cols.raw_ref = raw_medians.get(name).map(|&x| (name, x));
        }
        let line = report::json_with(&o, &cols);
        if let Some(f) = jf.as_mut() {
            use std::io::Write;
            writeln!(f, "{line}")?;
        }
        if json {
            println!("{line}");
        } else {
            println!("{}", report::row_with(&o, &cols));
        }
    }
    if !json {
        println!(
            "total {:.1} s; ratio = median of per-round wsp/raw; ↑ higher is better, ↓ lower",
            start.elapsed().as_secs_f64()
        );
        if cruns.any() {
            println!(
                "shim/raw = median of per-round shim/raw (one shim round after each wsp/raw round); \
                 shim/Wine = shim median / Wine median"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Put the scenarios only the C program has among `v`, each after the scenario before it in
/// the C program's order (iocp_echo after fanin), and after the scenario whose raw median
/// it borrows ([`shim::raw_reference`]: overlapped after stream_overlapped), so that median
/// is known when its row is printed.
fn add_c_only(v: &mut Vec<Scenario>) {
    for (k, name) in shim::C_SCENARIOS.iter().enumerate() {
        if scenarios::find(name).is_some() {
            continue;
        }
        let Some(sc) = shim::c_only_scenario(name) else {
            continue;
        };
        let after_prev = shim::C_SCENARIOS[..k]
            .iter()
            .rev()
            .find_map(|prev| v.iter().position(|s| s.name == *prev))
            .map_or(v.len(), |p| p + 1);
        let after_ref = shim::raw_reference(name)
            .and_then(|r| v.iter().position(|s| s.name == r))
            .map_or(0, |p| p + 1);
        v.insert(after_prev.max(after_ref), sc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(v: &[Scenario], name: &str) -> usize {
        v.iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn c_only_rows_follow_their_raw_reference_and_their_c_predecessor() {
        let mut v = scenarios::all();
        add_c_only(&mut v);
        for sc in shim::C_ONLY {
            let at = pos(&v, sc.name);
            if let Some(r) = shim::raw_reference(sc.name) {
                assert!(pos(&v, r) < at, "{} before its raw reference {r}", sc.name);
            }
            let k = shim::C_SCENARIOS
                .iter()
                .position(|n| *n == sc.name)
                .unwrap();
            if let Some(prev) = k.checked_sub(1).map(|k| shim::C_SCENARIOS[k]) {
                assert!(pos(&v, prev) < at, "{} before {prev}", sc.name);
            }
        }
    }
}
