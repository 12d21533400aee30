//! `wsp`: the conformance report, the protocol catalog, a Winsock call trace of a program,
//! and the benchmark (see the crate docs of `wsp-cli`).

use std::ffi::OsString;
use std::process::ExitCode;

const USAGE: &str = "\
usage: wsp <command> [args]

  conformance [ARGS]                 the conformance report (wsp conformance --help)
  catalog [--provider PATH] [--no-trace]
                                     the protocol catalog, as netsh winsock show catalog:
                                     the provider's entries (in-tree, or the library's),
                                     then the trace layer's entries over them
  trace [--json] [--quiet] [--output FILE] -- PROGRAM [ARGS...]
                                     run a program on the ws2_32 shim with the trace layer
                                     in its chain; print its calls and a summary
  bench [ARGS]                       the benchmark (wsp bench --help)
";

fn strings(args: Vec<OsString>) -> Result<Vec<String>, String> {
    args.into_iter()
        .map(|a| {
            a.into_string()
                .map_err(|a| format!("argument {a:?} is not UTF-8"))
        })
        .collect()
}

fn code(c: i32) -> ExitCode {
    ExitCode::from(u8::try_from(c).unwrap_or(1))
}

const CATALOG_USAGE: &str = "usage: wsp catalog [--provider PATH] [--no-trace]";

fn catalog(args: Vec<String>) -> Result<String, String> {
    let mut provider = None;
    let mut trace = true;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--provider" => provider = Some(it.next().ok_or("--provider needs a path")?),
            "--no-trace" => trace = false,
            "-h" | "--help" => return Err(CATALOG_USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{CATALOG_USAGE}")),
        }
    }
    let mut entries = match provider {
        None => wsp_cli::catalog::in_tree(),
        Some(p) => wsp_cli::catalog::from_library(std::path::Path::new(&p))?,
    };
    if trace {
        let below: Vec<_> = entries.iter().map(|(e, _)| *e).collect();
        entries.extend(wsp_cli::catalog::trace_layer(&below));
    }
    Ok(wsp_cli::catalog::show(&entries))
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.is_empty() {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    }
    let cmd = args.remove(0);
    let text = |args| match strings(args) {
        Ok(a) => Ok(a),
        Err(e) => {
            eprintln!("wsp: {e}");
            Err(ExitCode::from(2))
        }
    };
    match cmd.to_str().unwrap_or("") {
        "conformance" => match text(args) {
            Ok(a) => code(wsp_conformance::runner::main(a)),
            Err(c) => c,
        },
        "bench" => match text(args) {
            Ok(a) => wsp_bench::cli::main(a),
            Err(c) => c,
        },
        // The benchmark's memory scenarios run children of the current executable with
        // `--memory-child`; under `wsp bench` that executable is this one.
        "--memory-child" => match text(args) {
            Ok(mut a) => {
                a.insert(0, "--memory-child".into());
                wsp_bench::cli::main(a)
            }
            Err(c) => c,
        },
        "catalog" => match text(args).map(catalog) {
            Ok(Ok(out)) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            Ok(Err(e)) => {
                eprintln!("wsp catalog: {e}");
                ExitCode::from(2)
            }
            Err(c) => c,
        },
        "trace" => match wsp_cli::trace::parse(args) {
            Ok(o) => code(wsp_cli::trace::run(&o)),
            Err(e) => {
                eprintln!("wsp trace: {e}");
                ExitCode::from(2)
            }
        },
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprint!("wsp: unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
