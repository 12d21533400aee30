//! Memory per open socket: N unconnected TCP sockets held open, measured in a fresh child
//! process per round (so memory freed by an earlier round cannot hide a later one's).
//!
//! The metric is the growth of `VmRSS` per socket; the note adds the exact growth of live
//! heap bytes per socket (a counting allocator). Kernel socket memory is in neither, so
//! the raw side is close to zero and wsp − raw is the engine's and backend's own cost.
//! The process has a 20,000-descriptor hard limit; the child raises its soft limit to it.
//!
//! `memory_sim_100k` runs the engine over the sim backend (no descriptors), with 100,000
//! sockets; its raw side is the sim backend alone (`Net::open` without the engine), so
//! wsp − raw is exactly the engine's own per-socket cost.

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use socket2::{Domain, Socket, Type};
use std::process::Command;
use wsp::types::*;
use wsp::Wsp;

/// `memory_1k`: RSS bytes per socket with 1,000 open.
pub const K1: Scenario = Scenario {
    name: "memory_1k",
    about: "RSS growth per open TCP socket, 1,000 sockets (portable backend)",
    unit: "B/socket",
    better: Better::Lower,
    target: "wsp - raw <= 1024 B",
    rounds: 3,
    diff: true,
    run: run1k,
};

/// `memory_10k`: RSS bytes per socket with 10,000 open.
pub const K10: Scenario = Scenario {
    name: "memory_10k",
    about: "RSS growth per open TCP socket, 10,000 sockets (portable backend)",
    unit: "B/socket",
    better: Better::Lower,
    target: "wsp - raw <= 1024 B",
    rounds: 3,
    diff: true,
    run: run10k,
};

/// `memory_sim_100k`: RSS bytes per socket with 100,000 open on the sim backend.
pub const SIM100K: Scenario = Scenario {
    name: "memory_sim_100k",
    about: "RSS growth per socket, 100,000 sockets on the sim backend (raw: sim without engine)",
    unit: "B/socket",
    better: Better::Lower,
    target: "wsp - raw <= 1024 B",
    rounds: 3,
    diff: true,
    run: run_sim,
};

fn run_sim(side: Side, scale: Scale) -> BenchResult<Sample> {
    let n = scale.pick(100, 100_000, 100_000);
    let kind = match side {
        Side::Wsp => "wsp-sim",
        Side::Raw => "raw-sim",
    };
    spawn(kind, n)
}

fn run1k(side: Side, scale: Scale) -> BenchResult<Sample> {
    run(side, scale.pick(100, 1_000, 1_000))
}

fn run10k(side: Side, scale: Scale) -> BenchResult<Sample> {
    run(side, scale.pick(100, 10_000, 10_000))
}

/// The benchmark executable to run children from: `WSP_BENCH_EXE`, else this process.
fn exe() -> BenchResult<std::path::PathBuf> {
    match std::env::var_os("WSP_BENCH_EXE") {
        Some(p) => Ok(p.into()),
        None => Ok(std::env::current_exe()?),
    }
}

fn run(side: Side, n: usize) -> BenchResult<Sample> {
    spawn(side.name(), n)
}

fn spawn(kind: &str, n: usize) -> BenchResult<Sample> {
    let out = Command::new(exe()?)
        .args(["--memory-child", kind, &n.to_string()])
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "memory child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let text = String::from_utf8(out.stdout)?;
    let mut it = text.split_whitespace().map(str::parse::<f64>);
    let (Some(Ok(rss)), Some(Ok(heap))) = (it.next(), it.next()) else {
        return Err(format!("memory child said {text:?}").into());
    };
    Ok(Sample {
        value: rss,
        note: Some(format!("heap {heap:.0} B/socket")),
    })
}

/// Measure the growth of (RSS, live heap) across `f`, per `n`.
fn growth(n: usize, f: impl FnOnce() -> BenchResult<()>) -> BenchResult<(f64, f64)> {
    crate::alloc::counting(true);
    let (rss0, heap0) = (crate::sys::rss_bytes(), crate::alloc::live());
    f()?;
    let (rss1, heap1) = (crate::sys::rss_bytes(), crate::alloc::live());
    crate::alloc::counting(false);
    let per = |d: i64| d as f64 / n as f64;
    Ok((per(rss1 as i64 - rss0 as i64), per((heap1 - heap0) as i64)))
}

/// The child's work: open `n` sockets; `kind` is `wsp`, `raw` (portable backend, host
/// sockets), `wsp-sim` or `raw-sim` (sim backend with and without the engine). Returns
/// the (RSS, heap) growth per socket.
pub fn child(kind: &str, n: usize) -> BenchResult<(f64, f64)> {
    use wsp::net::{HostFamily, HostKind, Net};
    crate::sys::raise_nofile()?;
    match kind {
        "wsp-sim" => {
            let p = wsp::Engine::new(wsp_sim::Sim::new(1));
            p.startup(make_word(2, 2))?;
            let s = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
            p.close_socket(s)?;
            let mut keep = Vec::with_capacity(n);
            growth(n, || {
                for _ in 0..n {
                    keep.push(p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?);
                }
                Ok(())
            })
        }
        "raw-sim" => {
            let sim = wsp_sim::Sim::new(1);
            let s = sim.open(HostFamily::V4, HostKind::Stream)?;
            sim.close(s);
            let mut keep = Vec::with_capacity(n);
            growth(n, || {
                for _ in 0..n {
                    keep.push(sim.open(HostFamily::V4, HostKind::Stream)?);
                }
                Ok(())
            })
        }
        "wsp" => {
            let p = engine()?;
            // First-use costs (lazy statics, the reactor's first report) before the baseline.
            let s = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
            p.close_socket(s)?;
            let mut keep = Vec::with_capacity(n);
            growth(n, || {
                for _ in 0..n {
                    keep.push(p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?);
                }
                // Let the reactor take the sockets' first reports too.
                std::thread::sleep(std::time::Duration::from_millis(50));
                Ok(())
            })
        }
        "raw" => {
            drop(Socket::new(Domain::IPV4, Type::STREAM, None)?);
            let mut keep = Vec::with_capacity(n);
            growth(n, || {
                for _ in 0..n {
                    keep.push(Socket::new(Domain::IPV4, Type::STREAM, None)?);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
                Ok(())
            })
        }
        other => Err(format!("unknown memory child kind {other}").into()),
    }
}
