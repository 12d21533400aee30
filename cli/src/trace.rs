//! `wsp trace [--json] [--quiet] [--output FILE] -- PROGRAM ARGS...`: run a program built
//! on the ws2_32 shim with the trace layer in its chain, then print its calls and a
//! summary.
//!
//! The program runs with `WSP_TRACE` naming a fresh temporary file and
//! `WSP_TRACE_FORMAT=json`, with its standard streams left alone. When it ends, the trace
//! is printed to standard error (text lines, or the JSON lines with `--json`; to `FILE`
//! instead with `--output`; not at all with `--quiet`), then the summary (calls per
//! function, errors per code, time per function, and overlapped completions counted apart
//! with the time requests were outstanding). The rest of the environment passes through:
//! with `WSP_PROVIDER` set, the trace layer sits over that library. The exit status is the
//! program's own (128 + the signal number when a signal ended it, 127 when it could not be
//! started).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use wsp_trace::{Record, Summary};

/// What `wsp trace` was asked to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Print the trace as JSON lines rather than text.
    pub json: bool,
    /// Print only the summary.
    pub quiet: bool,
    /// Write the trace here instead of standard error.
    pub output: Option<PathBuf>,
    /// The program and its arguments.
    pub program: Vec<OsString>,
}

/// Usage text.
pub const USAGE: &str = "usage: wsp trace [--json] [--quiet] [--output FILE] -- PROGRAM [ARGS...]";

/// Parse the arguments after `trace`.
pub fn parse(args: Vec<OsString>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.to_str() {
            Some("--") => {
                o.program = it.collect();
                break;
            }
            Some("--json") => o.json = true,
            Some("-q" | "--quiet") => o.quiet = true,
            Some("-o" | "--output") => {
                o.output = Some(it.next().ok_or("--output needs a file")?.into());
            }
            Some("-h" | "--help") => return Err(USAGE.into()),
            Some(s) if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            _ => {
                // The program without `--`.
                o.program = std::iter::once(a).chain(it).collect();
                break;
            }
        }
    }
    if o.program.is_empty() {
        return Err(format!("no program to run\n{USAGE}"));
    }
    Ok(o)
}

fn temp_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("wsp-trace-{}-{nanos}.jsonl", std::process::id()))
}

/// The exit status to forward for a finished child.
fn exit_code(status: std::process::ExitStatus) -> i32 {
    if let Some(c) = status.code() {
        return c;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return 128 + sig;
        }
    }
    1
}

/// The trace lines in the chosen form.
pub fn render(json_lines: &str, json: bool) -> String {
    let mut out = String::new();
    for line in json_lines.lines().filter(|l| !l.trim().is_empty()) {
        if json {
            out.push_str(line);
        } else {
            match Record::from_json(line) {
                Some(r) => out.push_str(&r.to_text()),
                None => out.push_str(line),
            }
        }
        out.push('\n');
    }
    out
}

/// Run `wsp trace`; the exit status.
pub fn run(o: &Options) -> i32 {
    let path = temp_path();
    if let Err(e) = std::fs::File::create(&path) {
        eprintln!("wsp trace: cannot create {}: {e}", path.display());
        return 2;
    }
    let status = Command::new(&o.program[0])
        .args(&o.program[1..])
        .env("WSP_TRACE", &path)
        .env("WSP_TRACE_FORMAT", "json")
        .status();
    let code = match status {
        Ok(s) => exit_code(s),
        Err(e) => {
            eprintln!(
                "wsp trace: cannot run {}: {e}",
                Path::new(&o.program[0]).display()
            );
            let _ = std::fs::remove_file(&path);
            return 127;
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    if !o.quiet {
        let lines = render(&text, o.json);
        match &o.output {
            Some(p) => {
                if let Err(e) = std::fs::write(p, lines) {
                    eprintln!("wsp trace: cannot write {}: {e}", p.display());
                }
            }
            None => {
                let _ = std::io::stderr().lock().write_all(lines.as_bytes());
            }
        }
    }
    let summary = Summary::from_json_lines(&text);
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("\n{}", summary.to_text()).as_bytes());
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_before_the_double_dash_program_after() {
        let o = parse(os(&[
            "--json", "-o", "t.txt", "--", "./prog", "--json", "x",
        ]))
        .unwrap();
        assert!(o.json && !o.quiet);
        assert_eq!(o.output, Some(PathBuf::from("t.txt")));
        assert_eq!(o.program, os(&["./prog", "--json", "x"]));
        let o = parse(os(&["-q", "./prog", "a"])).unwrap();
        assert!(o.quiet);
        assert_eq!(o.program, os(&["./prog", "a"]));
        assert!(parse(os(&["--json"])).is_err());
        assert!(parse(os(&["--"])).is_err());
        assert!(parse(os(&["--bogus", "--", "p"])).is_err());
    }

    #[test]
    fn render_turns_json_lines_into_text_or_keeps_them() {
        let line = r#"{"seq":1,"t_us":5,"thread":1,"fn":"WSPListen","args":{"s":4,"backlog":5},"out":{},"ret":0,"error":null,"code":0,"us":2}"#;
        let text = render(&format!("{line}\n\n"), false);
        assert_eq!(
            text,
            "[t1 +0.000005s] WSPListen(s=4, backlog=5) = 0 (2us)\n"
        );
        assert_eq!(render(line, true), format!("{line}\n"));
        assert_eq!(render("junk", false), "junk\n");
    }
}
