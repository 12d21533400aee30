//! The C side: `bench/c/wsbench.c`, the scenarios as one plain Winsock program, built two
//! ways and run out of process.
//!
//! * **shim**: gcc against the ws2_32 porting shim (`abi/ws2_32/include` and
//!   `include/mixed-case`, `-lws2_32`), run on this host. The shim library comes from
//!   `--shim-lib DIR` or `WSP_WS2_32_LIB_DIR`, else `cargo build -p wsp-ws2_32` in this
//!   workspace with the benchmark's own profile (release for a release benchmark).
//! * **Wine**: `x86_64-w64-mingw32-gcc`, run under `wine` with `WINEDEBUG=-all` in a
//!   prefix of its own (`$WINEPREFIX`, else `<tmp>/wsp-bench-wine-<user>`; its first start
//!   takes a while).
//!
//! Each run prints one JSON line per scenario (median and per-round values); [`CProgram::run`]
//! reads them. Scenario names are the Rust ones, so rows pair by name; the scenarios only
//! the C program has ([`C_ONLY`]) get rows of their own.

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::json;
use crate::util::BenchResult;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Which build of the C program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// gcc against the ws2_32 shim, run natively.
    Shim,
    /// mingw, run under Wine.
    Wine,
}

impl Flavour {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Shim => "shim",
            Flavour::Wine => "wine",
        }
    }
}

/// One scenario's result from the C program.
#[derive(Clone, Debug, PartialEq)]
pub struct CResult {
    /// Scenario name (the Rust one where both exist).
    pub scenario: String,
    /// Unit of the metric.
    pub unit: String,
    /// Direction of the metric.
    pub better: Better,
    /// Median over the rounds, as the C program computed it.
    pub median: f64,
    /// The per-round values.
    pub rounds: Vec<f64>,
}

fn c_only(_: Side, _: Scale) -> BenchResult<Sample> {
    Err("this scenario exists only in the C program (wsp-bench --shim / --wine)".into())
}

/// Scenarios only the C program has (until the Rust benchmark gains them: a Rust scenario
/// of the same name takes over the row). Their `run` fails; their raw column, if any, is
/// the raw median of the Rust scenario [`raw_reference`] names.
pub const C_ONLY: &[Scenario] = &[
    Scenario {
        name: "overlapped",
        about: "TCP throughput, 4 outstanding overlapped 64 KiB WSARecv (raw: blocking stream)",
        unit: "MiB/s",
        better: Better::Higher,
        target: ">= 0.9 (vs raw blocking)",
        rounds: 5,
        diff: false,
        run: c_only,
    },
    Scenario {
        name: "iocp_echo",
        about: "completion-port echo server, 64 clients x 64 B messages in lock step",
        unit: "msg/s",
        better: Better::Higher,
        target: "",
        rounds: 5,
        diff: false,
        run: c_only,
    },
];

/// The Rust scenario whose raw median stands for a C-only scenario's raw side: the issue
/// compares overlapped throughput with raw *blocking* throughput. `stream_overlapped` is
/// the Rust overlapped row; its raw side is the blocking stream (`stream::raw`, same
/// size), so the C overlapped scenario pairs with it (the C-only row is placed after it,
/// so that its raw median exists when the row is printed).
pub fn raw_reference(name: &str) -> Option<&'static str> {
    match name {
        "overlapped" => Some("stream_overlapped"),
        _ => None,
    }
}

/// The C-only scenario called `name`.
pub fn c_only_scenario(name: &str) -> Option<Scenario> {
    C_ONLY.iter().copied().find(|s| s.name == name)
}

/// The scenario names the C program knows, in its order (as `wsbench --list` prints them).
pub const C_SCENARIOS: &[&str] = &[
    "stream",
    "overlapped",
    "pingpong",
    "pingpong_event",
    "fanin",
    "iocp_echo",
    "select_8",
    "select_64",
    "select_1024",
    "select_all_8",
    "select_all_64",
    "select_all_1024",
    "create_close",
    "dgram",
];

/// The workspace root (this crate's parent).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ has a parent")
        .to_path_buf()
}

/// `bench/c/wsbench.c`.
pub fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("c/wsbench.c")
}

/// The shim's include directories: `abi/ws2_32/include` and its `mixed-case` forwarders.
pub fn include_dirs() -> [PathBuf; 2] {
    let inc = workspace_dir().join("abi/ws2_32/include");
    [inc.clone(), inc.join("mixed-case")]
}

/// Whether `tool --version` runs.
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn has_lib(dir: &Path) -> bool {
    dir.join("libws2_32.so").exists() || dir.join("libws2_32.dylib").exists()
}

/// The directory holding `libws2_32.so`: `explicit`, else `$WSP_WS2_32_LIB_DIR`, else
/// built now with `cargo build -p wsp-ws2_32` (the benchmark's profile) and found in the
/// target directory.
pub fn shim_lib_dir(explicit: Option<&Path>) -> BenchResult<PathBuf> {
    if let Some(d) = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("WSP_WS2_32_LIB_DIR").map(PathBuf::from))
    {
        return if has_lib(&d) {
            Ok(d)
        } else {
            Err(format!("no libws2_32 in {}", d.display()).into())
        };
    }
    let release = !cfg!(debug_assertions);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let ws = workspace_dir();
    let mut c = Command::new(cargo);
    c.args(["build", "--quiet", "-p", "wsp-ws2_32", "--manifest-path"])
        .arg(ws.join("Cargo.toml"));
    if release {
        c.arg("--release");
    }
    let st = c
        .status()
        .map_err(|e| format!("running cargo to build the shim: {e} (or pass --shim-lib DIR)"))?;
    if !st.success() {
        return Err(format!("cargo build -p wsp-ws2_32 failed: {st}").into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| ws.join("target"));
    let d = target.join(if release { "release" } else { "debug" });
    if has_lib(&d) {
        Ok(d)
    } else {
        Err(format!("no libws2_32 in {} after cargo build", d.display()).into())
    }
}

/// A built C program, ready to run.
#[derive(Clone, Debug)]
pub struct CProgram {
    /// Which build.
    pub flavour: Flavour,
    /// The executable.
    pub exe: PathBuf,
    /// Shim: the directory of `libws2_32.so` (the executable's run path too).
    pub lib_dir: Option<PathBuf>,
    /// Wine: the prefix.
    pub wineprefix: Option<PathBuf>,
}

fn compile(cmd: &mut Command, what: &str) -> BenchResult<()> {
    let o = cmd
        .output()
        .map_err(|e| format!("{what}: cannot run the compiler: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "{what} failed:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
        .into());
    }
    Ok(())
}

/// Build `wsbench` with gcc (or `$CC`) against the shim in `lib_dir`, into `out_dir`.
pub fn build_shim(lib_dir: &Path, out_dir: &Path) -> BenchResult<CProgram> {
    std::fs::create_dir_all(out_dir)?;
    let exe = out_dir.join("wsbench");
    let cc = std::env::var("CC").unwrap_or_else(|_| "gcc".into());
    let [inc, mixed] = include_dirs();
    let mut c = Command::new(cc);
    c.args(["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(inc)
        .arg("-I")
        .arg(mixed)
        .arg(source())
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(lib_dir)
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .args(["-lws2_32", "-lpthread"]);
    compile(&mut c, "building wsbench against the shim")?;
    Ok(CProgram {
        flavour: Flavour::Shim,
        exe,
        lib_dir: Some(lib_dir.to_path_buf()),
        wineprefix: None,
    })
}

/// The mingw compiler's name.
pub const MINGW: &str = "x86_64-w64-mingw32-gcc";

/// Compile `wsbench.c` for Windows with mingw into `out` (an `.exe`, or an object with
/// `-c` among `extra`).
pub fn build_mingw(out: &Path, extra: &[&str]) -> BenchResult<()> {
    let mut c = Command::new(MINGW);
    c.args(["-O2", "-Wall", "-Wextra", "-Werror"])
        .args(extra)
        .arg(source())
        .arg("-o")
        .arg(out);
    if !extra.contains(&"-c") {
        c.arg("-lws2_32");
    }
    compile(&mut c, "building wsbench.exe with mingw")
}

/// The Wine prefix: `$WINEPREFIX`, else `<tmp>/wsp-bench-wine-<user>`.
pub fn wineprefix() -> PathBuf {
    if let Some(p) = std::env::var_os("WINEPREFIX") {
        return PathBuf::from(p);
    }
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "default".into());
    std::env::temp_dir().join(format!("wsp-bench-wine-{user}"))
}

/// Build `wsbench.exe` with mingw into `out_dir`, to run under Wine; errors if mingw or
/// wine is missing.
pub fn build_wine(out_dir: &Path) -> BenchResult<CProgram> {
    for tool in [MINGW, "wine"] {
        if !have(tool) {
            return Err(format!(
                "--wine needs {tool} (Debian: apt-get install gcc-mingw-w64-x86-64 wine wine64)"
            )
            .into());
        }
    }
    std::fs::create_dir_all(out_dir)?;
    let exe = out_dir.join("wsbench.exe");
    build_mingw(&exe, &[])?;
    Ok(CProgram {
        flavour: Flavour::Wine,
        exe,
        lib_dir: None,
        wineprefix: Some(wineprefix()),
    })
}

/// Where the benchmark puts its C builds: `wsbench-c/` beside its own executable.
pub fn default_out_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join("wsbench-c")))
        .unwrap_or_else(|| std::env::temp_dir().join("wsbench-c"))
}

/// How big a C run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CScale {
    /// The C program's `--smoke`, `--quick` or `--full` sizes.
    pub scale: Scale,
    /// Divide the iteration counts by this (`--div`; 1 = as the Rust sizes).
    pub div: u32,
}

impl CScale {
    /// The sizes for `flavour` in a benchmark run at `scale`. The shim runs the Rust sizes.
    /// Wine is one to two orders of magnitude slower per call (much of its Winsock work is
    /// a round trip to wineserver), so it runs the quick sizes halved in a full run and a
    /// tenth of them in a quick run: rates per call, measured over shorter rounds.
    pub fn for_run(flavour: Flavour, scale: Scale) -> CScale {
        match (flavour, scale) {
            (_, Scale::Smoke) => CScale {
                scale: Scale::Smoke,
                div: 1,
            },
            (Flavour::Shim, s) => CScale { scale: s, div: 1 },
            (Flavour::Wine, Scale::Quick) => CScale {
                scale: Scale::Quick,
                div: 10,
            },
            (Flavour::Wine, Scale::Full) => CScale {
                scale: Scale::Quick,
                div: 2,
            },
        }
    }
}

impl CProgram {
    /// The command running the program with `args`.
    pub fn command(&self, args: &[String]) -> Command {
        let mut c = match self.flavour {
            Flavour::Shim => {
                let mut c = Command::new(&self.exe);
                if let Some(d) = &self.lib_dir {
                    c.env("LD_LIBRARY_PATH", d).env("DYLD_LIBRARY_PATH", d);
                }
                c
            }
            Flavour::Wine => {
                let mut c = Command::new("wine");
                c.arg(&self.exe)
                    .env("WINEDEBUG", "-all")
                    // No Mono or Gecko install prompt when the prefix is created.
                    .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
                if let Some(p) = &self.wineprefix {
                    c.env("WINEPREFIX", p);
                }
                c
            }
        };
        c.args(args);
        c
    }

    /// Run `names` (all when empty) at `scale` with `rounds` rounds (the C program's
    /// default for the scale when `None`); the parsed result lines, in the program's order.
    /// A run longer than `limit` is killed and is an error.
    pub fn run(
        &self,
        scale: CScale,
        rounds: Option<usize>,
        names: &[&str],
        limit: Duration,
    ) -> BenchResult<Vec<CResult>> {
        let mut args = vec![match scale.scale {
            Scale::Smoke => "--smoke".to_string(),
            Scale::Quick => "--quick".into(),
            Scale::Full => "--full".into(),
        }];
        if scale.div > 1 {
            args.extend(["--div".into(), scale.div.to_string()]);
        }
        if let Some(r) = rounds {
            args.extend(["--rounds".into(), r.to_string()]);
        }
        for n in names {
            args.extend(["--scenario".into(), n.to_string()]);
        }
        let out = run_bounded(self.command(&args), limit)
            .map_err(|e| format!("{} {}: {e}", self.flavour.name(), args.join(" ")))?;
        out.lines()
            .filter(|l| !l.trim().is_empty())
            .map(parse_line)
            .collect()
    }
}

/// Run `cmd` to the end, at most `limit`; its standard output, or an error with its exit
/// status and standard error.
fn run_bounded(mut cmd: Command, limit: Duration) -> BenchResult<String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut so = child.stdout.take().ok_or("no stdout")?;
    let mut se = child.stderr.take().ok_or("no stderr")?;
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        so.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("killed after {} s", limit.as_secs()).into());
        }
        // Polling the child's exit; nothing is measured here.
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = out.join().map_err(|_| "stdout reader panicked")??;
    let err = err.join().map_err(|_| "stderr reader panicked")?;
    if !status.success() {
        return Err(format!("exited with {status}: {}", err.trim()).into());
    }
    Ok(out)
}

/// Parse one line of the C program's output.
pub fn parse_line(line: &str) -> BenchResult<CResult> {
    let v = json::parse(line).map_err(|e| format!("bad JSON from wsbench ({e}): {line}"))?;
    let s = |k: &str| {
        v.get(k)
            .and_then(json::Value::as_str)
            .ok_or_else(|| format!("wsbench line without \"{k}\": {line}"))
    };
    let better = match s("better")? {
        "higher" => Better::Higher,
        "lower" => Better::Lower,
        other => return Err(format!("wsbench: better is {other:?}").into()),
    };
    let median = v
        .get("median")
        .and_then(json::Value::as_f64)
        .ok_or_else(|| format!("wsbench line without a median: {line}"))?;
    let rounds = v
        .get("rounds")
        .and_then(json::Value::as_array)
        .ok_or_else(|| format!("wsbench line without rounds: {line}"))?
        .iter()
        .map(|x| x.as_f64().ok_or("a round is not a number"))
        .collect::<Result<Vec<_>, _>>()?;
    if rounds.is_empty() {
        return Err(format!("wsbench line with no rounds: {line}").into());
    }
    Ok(CResult {
        scenario: s("scenario")?.to_string(),
        unit: s("unit")?.to_string(),
        better,
        median,
        rounds,
    })
}

/// The C runs of one benchmark run: the programs built, and the sizes.
#[derive(Debug, Default)]
pub struct CRuns {
    /// The shim build, when asked for.
    pub shim: Option<CProgram>,
    /// The Wine build, when asked for.
    pub wine: Option<CProgram>,
}

impl CRuns {
    /// Whether any C column is on.
    pub fn any(&self) -> bool {
        self.shim.is_some() || self.wine.is_some()
    }

    /// Run scenario `name` on the `flavour` build for `rounds` rounds; `Ok(None)` when
    /// that build is off or the C program has no such scenario.
    pub fn run(
        &self,
        flavour: Flavour,
        name: &str,
        scale: Scale,
        rounds: usize,
    ) -> BenchResult<Option<CResult>> {
        let p = match flavour {
            Flavour::Shim => &self.shim,
            Flavour::Wine => &self.wine,
        };
        let Some(p) = p else { return Ok(None) };
        if !C_SCENARIOS.contains(&name) {
            return Ok(None);
        }
        let mut v = p.run(
            CScale::for_run(flavour, scale),
            Some(rounds),
            &[name],
            Duration::from_secs(600),
        )?;
        match v.pop() {
            Some(c) if c.scenario == name && v.is_empty() => Ok(Some(c)),
            _ => Err(format!("{}: wsbench printed no {name} line", flavour.name()).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_result_line() {
        let c = parse_line(
            r#"{"scenario":"select_8","unit":"ns/call","better":"lower","median":14550.0007,"rounds":[14550.0007,2e4,1]}"#,
        )
        .unwrap();
        assert_eq!(c.scenario, "select_8");
        assert_eq!(c.unit, "ns/call");
        assert_eq!(c.better, Better::Lower);
        assert_eq!(c.median, 14550.0007);
        assert_eq!(c.rounds, [14550.0007, 20000.0, 1.0]);
    }

    #[test]
    fn refuses_incomplete_lines() {
        for bad in [
            r#"{"scenario":"x","unit":"u","better":"higher","median":1}"#,
            r#"{"scenario":"x","unit":"u","better":"higher","rounds":[1]}"#,
            r#"{"scenario":"x","unit":"u","better":"sideways","median":1,"rounds":[1]}"#,
            r#"{"scenario":"x","unit":"u","better":"higher","median":1,"rounds":[]}"#,
            r#"{"scenario":"x","unit":"u","better":"higher","median":1,"rounds":["1"]}"#,
            "wsbench: stream: recv failed: 10054",
        ] {
            assert!(parse_line(bad).is_err(), "accepted {bad}");
        }
    }

    #[test]
    fn every_c_only_scenario_is_in_the_c_list_and_has_no_rust_twin() {
        for s in C_ONLY {
            assert!(C_SCENARIOS.contains(&s.name), "{}", s.name);
            assert!((s.run)(Side::Wsp, Scale::Smoke).is_err());
        }
        for n in C_SCENARIOS {
            let rust = crate::scenarios::find(n).is_some();
            let c = c_only_scenario(n).is_some();
            // A name is either a Rust scenario or a C-only one; when a Rust twin appears,
            // drop the C-only descriptor.
            assert!(rust || c, "{n} is neither a Rust nor a C-only scenario");
        }
        if let Some(r) = raw_reference("overlapped") {
            assert!(crate::scenarios::find(r).is_some());
        }
    }

    #[test]
    fn wine_sizes_are_capped_and_the_shim_runs_the_rust_sizes() {
        for s in [Scale::Smoke, Scale::Quick, Scale::Full] {
            assert_eq!(
                CScale::for_run(Flavour::Shim, s),
                CScale { scale: s, div: 1 }
            );
            assert_ne!(CScale::for_run(Flavour::Wine, s).scale, Scale::Full);
        }
    }
}
