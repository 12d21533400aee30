//! The benchmark runner behind `wsp-bench` and `wsp bench`: run the scenarios on the Rust
//! API and on raw host sockets, alternating, and print medians, spreads and ratios.
//!
//! ```text
//! wsp-bench [--quick] [--json] [--scenario NAME]... [--rounds N] [--list]
//! wsp-bench --callgrind-scenario NAME --side wsp|raw --iterations N
//! ```

use crate::harness::{measure, rounds_for, Scale, Side};
use crate::{hot, report, scenarios};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: wsp-bench [--quick] [--json] [--json-file PATH] [--scenario NAME]... [--rounds N] [--list]
       wsp-bench --callgrind-scenario NAME --side wsp|raw --iterations N

  --quick               every scenario at small sizes (under a minute)
  --json                one JSON object per scenario per line instead of the table
  --json-file PATH      also write the JSON lines to PATH (for bench/plot.py)
  --scenario NAME       run only NAME (repeatable; see --list)
  --rounds N            rounds per scenario (default: 3 quick, per scenario full)
  --list                list scenarios and hot paths
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
    let mut i = 0;
    let value = |i: usize| -> Result<&String, String> {
        args.get(i + 1)
            .ok_or_else(|| format!("{} needs a value\n{USAGE}", args[i]))
    };
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => quick = true,
            "--json" => json = true,
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
    let chosen = if names.is_empty() {
        scenarios::all()
    } else {
        names
            .iter()
            .map(|n| scenarios::find(n).ok_or_else(|| format!("no scenario {n} (see --list)")))
            .collect::<Result<Vec<_>, _>>()?
    };
    let _ = crate::sys::raise_nofile();
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
        println!("{}", report::header());
    }
    for sc in &chosen {
        let r = rounds.unwrap_or_else(|| rounds_for(sc, scale));
        let o = measure(sc, scale, r)?;
        if let Some(f) = jf.as_mut() {
            use std::io::Write;
            writeln!(f, "{}", report::json(&o))?;
        }
        if json {
            println!("{}", report::json(&o));
        } else {
            println!("{}", report::row(&o));
        }
    }
    if !json {
        println!(
            "total {:.1} s; ratio = median of per-round wsp/raw; ↑ higher is better, ↓ lower",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
