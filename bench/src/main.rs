//! `wsp-bench`: the benchmark runner ([`wsp_bench::cli`]); `wsp bench` runs the same.

fn main() -> std::process::ExitCode {
    wsp_bench::cli::main(std::env::args().skip(1).collect())
}
