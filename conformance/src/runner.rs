//! The report runner behind `wsp-conformance` and `wsp conformance`: run every case against
//! each backend and print a per-function report.
//!
//! ```text
//! wsp-conformance [--json] [--backend NAME] [--case SUBSTR] [--update-baseline]
//!                 [--baseline PATH] [--timeout SECS] [--list] [--provider PATH]
//! ```
//!
//! Columns: `portable` and `sim` (the engine directly on each backend), `through-c` (the
//! in-tree provider driven through its exported `WSPPROC_TABLE`), `layered` (the engine
//! under a pass-through layer, exported through the same C machinery and driven through
//! C), `stacked` (two such layers, one over the other), `traced` (two stacked layers: the
//! trace layer over the example fault-injection layer with no rules, exported as one
//! provider and driven through C), `chain` (the engine on the `wsp-chain` backend over the
//! engine on `portable` as its next provider), and with `--provider PATH` a `provider`
//! column for any library exporting `WSPStartup`.
//!
//! Each column's factory makes a [`Subject`]: the provider, with its extension-function
//! view ([`wsp::WspExt`]) when the column has one. Every column above has it (the engine
//! directly, and [`wsp_provider::ForeignProvider`] through the C table's extension
//! pointers); a column without it reports the extension cases as "not reachable", which
//! counts as skipped, not failed.
//!
//! ```text
//! ```
//!
//! The baseline file (`conformance/baseline.txt` by default) lists `backend case_id` lines
//! that passed. The run exits with status 1 when a case listed there does not pass;
//! `--update-baseline` rewrites the lines for the backends and cases that ran.

use crate::{all_cases, Case, Outcome, Subject, FUNCTIONS};
use std::collections::{BTreeSet, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Makes a fresh provider for one case, with its extension-function view when the column
/// has one (a column without it shows the extension cases as "not reachable").
type Factory = Arc<dyn Fn() -> Subject + Send + Sync>;

/// The backend columns of the report.
fn backends() -> Vec<(&'static str, Factory)> {
    vec![
        (
            "portable",
            Arc::new(|| {
                Subject::Ext(Box::new(wsp::Engine::new(
                    wsp_portable::Portable::new().unwrap(),
                )))
            }),
        ),
        (
            "sim",
            Arc::new(|| Subject::Ext(Box::new(wsp::Engine::new(wsp_sim::Sim::new(SIM_SEED))))),
        ),
        // The in-tree provider driven through its C table: engine -> WSPPROC_TABLE ->
        // ForeignProvider -> cases. Must pass everything the direct column passes.
        (
            "through-c",
            Arc::new(|| Subject::Ext(Box::new(wsp_provider::ForeignProvider::in_tree()))),
        ),
        // The engine under a layer that overrides nothing, exported through the same C
        // machinery and driven through C: engine -> Layered -> WSPPROC_TABLE ->
        // ForeignProvider -> cases. Must equal the direct column.
        (
            "layered",
            Arc::new(|| {
                Subject::Ext(Box::new(wsp_provider::ForeignProvider::in_tree_layered(
                    wsp_provider::Export::new(
                        || PassThrough("pass-through"),
                        wsp_provider::NextProvider::Engine,
                    ),
                )))
            }),
        ),
        // Two pass-through layers stacked (a chain of three catalog ids), through C.
        (
            "stacked",
            Arc::new(|| {
                let inner = wsp_provider::Export::new(
                    || PassThrough("pass-through inner"),
                    wsp_provider::NextProvider::Engine,
                );
                Subject::Ext(Box::new(wsp_provider::ForeignProvider::in_tree_layered(
                    wsp_provider::Export::new(
                        || PassThrough("pass-through outer"),
                        wsp_provider::NextProvider::Layer(Box::new(inner)),
                    ),
                )))
            }),
        ),
        // Two stacked layers of the tree: the trace layer (records into memory) over the
        // example fault-injection layer with no rules over the engine, exported as one
        // provider and driven through C: engine -> Layered(faults) -> Layered(trace) ->
        // WSPPROC_TABLE -> ForeignProvider -> cases. Must equal the direct column too.
        (
            "traced",
            Arc::new(|| {
                let faults = wsp_provider::Export::new(
                    || wsp_example_faults::Faults::new(Vec::new()),
                    wsp_provider::NextProvider::Engine,
                );
                let trace = wsp_trace::Trace::new(wsp_trace::Config::writer(
                    std::io::sink(),
                    wsp_trace::Format::Text,
                ));
                Subject::Ext(Box::new(wsp_provider::ForeignProvider::in_tree_layered(
                    wsp_provider::Export::new(
                        move || trace.clone(),
                        wsp_provider::NextProvider::Layer(Box::new(faults)),
                    ),
                )))
            }),
        ),
        // The engine over the `chain` backend over the engine on `portable`: what the
        // Windows DLL does over MSAFD (engine -> Chain -> next provider's Wsp).
        ("chain", Arc::new(chain_column)),
    ]
}

/// A fresh engine on the `chain` backend, whose next provider is the engine on `portable`.
fn chain_column() -> Subject {
    let next = Arc::new(wsp::Engine::new(wsp_portable::Portable::new().unwrap()));
    Subject::Ext(Box::new(wsp::Engine::new(
        wsp_chain::Chain::over_in_tree(next).expect("the next provider starts"),
    )))
}

/// A layer that overrides nothing: every call passes through the layering framework
/// (handle mapping, fd_set translation, async-select forwarding) and nothing else.
struct PassThrough(&'static str);

impl wsp::Layer for PassThrough {
    fn name(&self) -> &str {
        self.0
    }
}

/// A column for a provider library loaded by path (`--provider PATH`): its `WSPStartup`
/// drives the whole suite through C.
fn provider_column(path: &str) -> Result<Factory, String> {
    let p = std::path::PathBuf::from(path);
    wsp_provider::ForeignProvider::load(&p, None).map_err(|e| format!("--provider {path}: {e}"))?;
    Ok(Arc::new(move || {
        Subject::Ext(Box::new(
            wsp_provider::ForeignProvider::load(&p, None)
                .expect("the provider loaded a moment ago"),
        ))
    }))
}

/// Seed for the simulated network, fixed so that reports are reproducible.
const SIM_SEED: u64 = 0x5157_0001;

struct Options {
    json: bool,
    backend: Option<String>,
    case: Option<String>,
    update_baseline: bool,
    baseline: String,
    timeout: Duration,
    list: bool,
    provider: Option<String>,
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let mut o = Options {
        json: false,
        backend: None,
        case: None,
        update_baseline: false,
        baseline: concat!(env!("CARGO_MANIFEST_DIR"), "/baseline.txt").to_string(),
        timeout: Duration::from_secs(20),
        list: false,
        provider: None,
    };
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--json" => o.json = true,
            "--update-baseline" => o.update_baseline = true,
            "--list" => o.list = true,
            "--backend" => o.backend = Some(value("--backend")?),
            "--case" => o.case = Some(value("--case")?),
            "--baseline" => o.baseline = value("--baseline")?,
            "--provider" => o.provider = Some(value("--provider")?),
            "--timeout" => {
                let secs: u64 = value("--timeout")?
                    .parse()
                    .map_err(|e| format!("--timeout: {e}"))?;
                o.timeout = Duration::from_secs(secs);
            }
            "-h" | "--help" => {
                return Err(
                    "usage: wsp-conformance [--json] [--backend NAME] [--case SUBSTR] \
                            [--update-baseline] [--baseline PATH] [--timeout SECS] [--list] \
                            [--provider PATH]"
                        .into(),
                )
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(o)
}

/// Run one case on a fresh provider in its own thread, with a panic guard and a watchdog.
fn run_case(case: Case, factory: Factory, timeout: Duration) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("case {}", case.name))
        .spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(|| {
                let subject = factory();
                case.run_on(&subject)
            }));
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Outcome::Fail(format!("could not start the case thread: {e}"));
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(payload)) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into());
            Outcome::Fail(format!("panicked: {msg}"))
        }
        // The thread is abandoned; it holds only its own provider.
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Outcome::Fail(format!("hung: not finished within {timeout:?}"))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Outcome::Fail("the case thread ended without a result".into())
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    cases: usize,
    passed: usize,
    failed: usize,
    not_built: usize,
    not_reachable: usize,
}

fn read_baseline(path: &str) -> BTreeSet<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.to_string(), it.next()?.to_string()))
        })
        .collect()
}

fn write_baseline(path: &str, lines: &BTreeSet<(String, String)>) -> std::io::Result<()> {
    let mut text = String::from(
        "# Cases that passed, one `backend case_id` per line. A listed case that stops\n\
         # passing fails the run. Rewrite with: wsp-conformance --update-baseline\n",
    );
    for (b, c) in lines {
        text.push_str(&format!("{b} {c}\n"));
    }
    std::fs::write(path, text)
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Run the report with command-line `args` (without the program name), printing to
/// standard output and standard error; the process exit status to end with (0 all
/// baseline cases pass, 1 a baseline case regressed, 2 bad arguments or files).
pub fn main(args: Vec<String>) -> i32 {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return 2;
        }
    };

    let cases: Vec<Case> = all_cases()
        .into_iter()
        .filter(|c| opts.case.as_deref().is_none_or(|f| c.name.contains(f)))
        .collect();
    let mut all_columns = backends();
    if let Some(path) = &opts.provider {
        match provider_column(path) {
            Ok(f) => all_columns.push(("provider", f)),
            Err(msg) => {
                eprintln!("{msg}");
                return 2;
            }
        }
    }
    let columns: Vec<(&'static str, Factory)> = all_columns
        .into_iter()
        .filter(|(n, _)| opts.backend.as_deref().is_none_or(|b| b == *n))
        .collect();
    if columns.is_empty() {
        eprintln!("no backend matches {:?}", opts.backend);
        return 2;
    }
    if opts.list {
        for c in &cases {
            println!("{:<24} {:<72} {}", c.function, c.name, c.expect);
        }
        return 0;
    }

    // Keep panic messages out of the report; the runner records them per case.
    std::panic::set_hook(Box::new(|_| {}));

    let mut results: Vec<(&'static str, Case, Outcome)> = Vec::new();
    for (backend, factory) in &columns {
        for case in &cases {
            let outcome = run_case(*case, factory.clone(), opts.timeout);
            if !opts.json {
                eprintln!("{backend:<9} {:<9} {}", outcome.label(), case.name);
            }
            results.push((backend, *case, outcome));
        }
    }

    let mut table: HashMap<(&str, &str), Counts> = HashMap::new();
    for (backend, case, outcome) in &results {
        let c = table.entry((case.function, backend)).or_default();
        c.cases += 1;
        match outcome {
            Outcome::Pass => c.passed += 1,
            Outcome::Fail(_) => c.failed += 1,
            Outcome::NotBuilt(_) => c.not_built += 1,
            Outcome::NotReachable(_) => c.not_reachable += 1,
        }
    }
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();

    if opts.json {
        let mut rows = Vec::new();
        for f in FUNCTIONS {
            let mut row = format!("  {{\"function\": \"{}\"", json_escape(f));
            for b in &names {
                let c = table.get(&(f, b)).copied().unwrap_or_default();
                row.push_str(&format!(
                    ", \"{b}\": {{\"cases\": {}, \"passed\": {}, \"failed\": {}, \"not_built\": {}, \"not_reachable\": {}}}",
                    c.cases, c.passed, c.failed, c.not_built, c.not_reachable
                ));
            }
            row.push('}');
            rows.push(row);
        }
        println!("[\n{}\n]", rows.join(",\n"));
    } else {
        let mut header = format!("{:<24}", "function");
        for b in &names {
            header.push_str(&format!(" | {b:^31}"));
        }
        println!("{header}");
        let mut sub = format!("{:<24}", "");
        for _ in &names {
            sub.push_str(&format!(
                " | {:>5} {:>6} {:>6} {:>9}",
                "cases", "passed", "failed", "skipped"
            ));
        }
        println!("{sub}");
        println!("{}", "-".repeat(sub.len()));
        let mut totals = vec![Counts::default(); names.len()];
        for f in FUNCTIONS {
            let mut line = format!("{f:<24}");
            for (i, b) in names.iter().enumerate() {
                let c = table.get(&(f, b)).copied().unwrap_or_default();
                totals[i].cases += c.cases;
                totals[i].passed += c.passed;
                totals[i].failed += c.failed;
                totals[i].not_built += c.not_built;
                totals[i].not_reachable += c.not_reachable;
                line.push_str(&format!(
                    " | {:>5} {:>6} {:>6} {:>9}",
                    c.cases,
                    c.passed,
                    c.failed,
                    c.not_built + c.not_reachable
                ));
            }
            println!("{line}");
        }
        println!("{}", "-".repeat(sub.len()));
        let mut line = format!("{:<24}", "total");
        for c in &totals {
            line.push_str(&format!(
                " | {:>5} {:>6} {:>6} {:>9}",
                c.cases,
                c.passed,
                c.failed,
                c.not_built + c.not_reachable
            ));
        }
        println!("{line}");

        let failing: Vec<_> = results
            .iter()
            .filter(|(_, _, o)| matches!(o, Outcome::Fail(_)))
            .collect();
        if !failing.is_empty() {
            println!("\nfailing cases:");
            for (b, c, o) in failing {
                if let Outcome::Fail(msg) = o {
                    println!("  {b:<9} {:<22} {}\n            {msg}", c.function, c.name);
                    println!("            expected: {}", c.expect);
                }
            }
        }
        let unbuilt: Vec<_> = results
            .iter()
            .filter(|(_, _, o)| matches!(o, Outcome::NotBuilt(_)))
            .collect();
        if !unbuilt.is_empty() {
            println!("\nnot built:");
            for (b, c, o) in unbuilt {
                if let Outcome::NotBuilt(msg) = o {
                    println!("  {b:<9} {:<22} {}: {msg}", c.function, c.name);
                }
            }
        }
        let unreachable: Vec<_> = results
            .iter()
            .filter(|(_, _, o)| matches!(o, Outcome::NotReachable(_)))
            .collect();
        if !unreachable.is_empty() {
            println!("\nnot reachable (skipped):");
            for (b, c, o) in unreachable {
                if let Outcome::NotReachable(msg) = o {
                    println!("  {b:<9} {:<22} {}: {msg}", c.function, c.name);
                }
            }
        }
    }

    // Baseline.
    let baseline = read_baseline(&opts.baseline);
    let ran: BTreeSet<(String, String)> = results
        .iter()
        .map(|(b, c, _)| (b.to_string(), c.name.to_string()))
        .collect();
    let passed: BTreeSet<(String, String)> = results
        .iter()
        .filter(|(_, _, o)| *o == Outcome::Pass)
        .map(|(b, c, _)| (b.to_string(), c.name.to_string()))
        .collect();
    let regressions: Vec<&(String, String)> = baseline
        .iter()
        .filter(|k| ran.contains(*k) && !passed.contains(*k))
        .collect();

    if opts.update_baseline {
        let mut next: BTreeSet<(String, String)> =
            baseline.into_iter().filter(|k| !ran.contains(k)).collect();
        next.extend(passed);
        if let Err(e) = write_baseline(&opts.baseline, &next) {
            eprintln!("could not write {}: {e}", opts.baseline);
            return 2;
        }
        eprintln!(
            "baseline: {} lines written to {}",
            next.len(),
            opts.baseline
        );
        return 0;
    }
    // A plain closing line that CI tools read: every (backend, case) pair counted once;
    // "skipped" counts the cases whose function is not built yet, and the extension cases
    // on a column without the extension-function view ("not reachable").
    if !opts.json {
        let count = |f: fn(&Outcome) -> bool| results.iter().filter(|(_, _, o)| f(o)).count();
        println!(
            "\nconformance: {} passed, {} failed, {} skipped",
            count(|o| *o == Outcome::Pass),
            count(|o| matches!(o, Outcome::Fail(_))),
            count(Outcome::skipped),
        );
    }
    if !regressions.is_empty() {
        eprintln!(
            "\nbaseline regressions (listed in {} but not passing):",
            opts.baseline
        );
        for (b, c) in &regressions {
            eprintln!("  {b} {c}");
        }
        return 1;
    }
    0
}
