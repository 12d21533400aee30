//! The end-of-run summary of a JSON-lines trace: calls per function, errors per code,
//! time per function (what `wsp trace` prints). Overlapped completions
//! (`WSPRecv:complete`) are counted apart from calls: their time is how long the requests
//! were outstanding, not time spent in the provider.

use crate::record::{parse_json, Json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Per-function counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FnStats {
    /// Calls made.
    pub calls: u64,
    /// Calls that failed (`WSA_IO_PENDING` counts: the C call returned `SOCKET_ERROR`).
    pub errors: u64,
    /// Microseconds spent in the calls.
    pub us: u64,
}

/// A summary of one trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// By function name.
    pub functions: BTreeMap<String, FnStats>,
    /// By error name.
    pub errors: BTreeMap<String, u64>,
    /// Lines that were not trace records (a program's own output sharing the file, a line
    /// cut short by a crash).
    pub skipped: u64,
}

impl Summary {
    /// Summarise JSON-lines trace text.
    pub fn from_json_lines(text: &str) -> Summary {
        let mut s = Summary::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Some(j) = parse_json(line) else {
                s.skipped += 1;
                continue;
            };
            let Some(f) = j.get("fn").and_then(Json::as_str) else {
                s.skipped += 1;
                continue;
            };
            let e = s.functions.entry(f.to_string()).or_default();
            e.calls += 1;
            e.us += j.get("us").and_then(Json::as_f64).unwrap_or(0.0) as u64;
            if let Some(err) = j.get("error").and_then(Json::as_str) {
                e.errors += 1;
                *s.errors.entry(err.to_string()).or_default() += 1;
            }
        }
        s
    }

    /// Total calls (overlapped completions not included).
    pub fn calls(&self) -> u64 {
        self.calls_where(false).map(|(_, f)| f.calls).sum()
    }

    /// Total failed calls.
    pub fn failed(&self) -> u64 {
        self.calls_where(false).map(|(_, f)| f.errors).sum()
    }

    /// Overlapped completions recorded (`NAME:complete`).
    pub fn completions(&self) -> u64 {
        self.calls_where(true).map(|(_, f)| f.calls).sum()
    }

    /// Overlapped completions with an error.
    pub fn failed_completions(&self) -> u64 {
        self.calls_where(true).map(|(_, f)| f.errors).sum()
    }

    /// The calls (`completions == false`) or the completions, by name.
    fn calls_where(&self, completions: bool) -> impl Iterator<Item = (&String, &FnStats)> {
        self.functions
            .iter()
            .filter(move |(name, _)| name.ends_with(":complete") == completions)
    }

    /// The summary as a table: functions by time spent (most first), then overlapped
    /// completions by time outstanding, then errors by count.
    pub fn to_text(&self) -> String {
        let total_us: u64 = self.calls_where(false).map(|(_, f)| f.us).sum();
        let mut out = String::new();
        let _ = write!(
            out,
            "wsp trace: {} calls, {} failed, {}.{:03} ms in the provider",
            self.calls(),
            self.failed(),
            total_us / 1000,
            total_us % 1000
        );
        if self.completions() > 0 {
            let _ = write!(
                out,
                "; {} overlapped completions, {} failed",
                self.completions(),
                self.failed_completions()
            );
        }
        out.push('\n');
        self.table(&mut out, false, "function");
        if self.completions() > 0 {
            self.table(&mut out, true, "completion");
        }
        if !self.errors.is_empty() {
            let mut errs: Vec<(&String, &u64)> = self.errors.iter().collect();
            errs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let _ = writeln!(out, "{:<28} {:>8}", "error", "count");
            for (name, n) in errs {
                let _ = writeln!(out, "{name:<28} {n:>8}");
            }
        }
        if self.skipped > 0 {
            let _ = writeln!(out, "({} lines were not trace records)", self.skipped);
        }
        out
    }

    /// The rows of the calls or of the completions, most time first; `us` is time in the
    /// call, or time outstanding for a completion.
    fn table(&self, out: &mut String, completions: bool, heading: &str) {
        let mut rows: Vec<(&String, &FnStats)> = self.calls_where(completions).collect();
        rows.sort_by(|a, b| b.1.us.cmp(&a.1.us).then(a.0.cmp(b.0)));
        let _ = writeln!(
            out,
            "{heading:<28} {:>8} {:>8} {:>12} {:>10}",
            if completions { "count" } else { "calls" },
            "errors",
            "total us",
            "mean us"
        );
        for (name, f) in rows {
            let mean = f.us as f64 / f.calls.max(1) as f64;
            let _ = writeln!(
                out,
                "{name:<28} {:>8} {:>8} {:>12} {mean:>10.1}",
                f.calls, f.errors, f.us
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = r#"{"seq":1,"t_us":0,"thread":1,"fn":"WSPSocket","args":{},"out":{},"ret":4,"error":null,"code":0,"us":30}
{"seq":2,"t_us":5,"thread":1,"fn":"WSPRecv","args":{},"out":{},"ret":null,"error":"WSAEWOULDBLOCK","code":10035,"us":3}
{"seq":3,"t_us":9,"thread":1,"fn":"WSPRecv","args":{},"out":{},"ret":5,"error":null,"code":0,"us":7}
not a record
{"seq":4,"t_us":12,"thread":2,"fn":"WSPRecv","args":{},"out":{},"ret":null,"error":"WSAEWOULDBLOCK","code":10035,"us":2}
"#;

    #[test]
    fn counts_calls_errors_and_time_per_function() {
        let s = Summary::from_json_lines(TRACE);
        assert_eq!(
            s.functions["WSPRecv"],
            FnStats {
                calls: 3,
                errors: 2,
                us: 12
            }
        );
        assert_eq!(
            s.functions["WSPSocket"],
            FnStats {
                calls: 1,
                errors: 0,
                us: 30
            }
        );
        assert_eq!(s.errors["WSAEWOULDBLOCK"], 2);
        assert_eq!(s.skipped, 1);
        assert_eq!((s.calls(), s.failed()), (4, 2));
    }

    #[test]
    fn table_lists_functions_by_time_then_errors() {
        let t = Summary::from_json_lines(TRACE).to_text();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            lines[0],
            "wsp trace: 4 calls, 2 failed, 0.042 ms in the provider"
        );
        assert!(lines[2].starts_with("WSPSocket "), "{t}");
        assert!(lines[3].starts_with("WSPRecv "), "{t}");
        assert!(lines[3].contains("       3        2           12"), "{t}");
        assert!(t.contains("WSAEWOULDBLOCK                      2"), "{t}");
        assert!(t.contains("(1 lines were not trace records)"), "{t}");
        assert!(!t.contains("completion"), "no completions, no section: {t}");
    }

    #[test]
    fn completions_are_counted_apart_from_calls() {
        let trace = format!(
            "{TRACE}{}\n{}\n",
            r#"{"seq":5,"t_us":20,"thread":1,"fn":"WSPRecv:complete","args":{},"out":{},"ret":4,"error":null,"code":0,"us":900}"#,
            r#"{"seq":6,"t_us":30,"thread":3,"fn":"WSPRecv:complete","args":{},"out":{},"ret":null,"error":"WSA_OPERATION_ABORTED","code":995,"us":100}"#
        );
        let s = Summary::from_json_lines(&trace);
        assert_eq!((s.calls(), s.failed()), (4, 2));
        assert_eq!((s.completions(), s.failed_completions()), (2, 1));
        assert_eq!(s.errors["WSA_OPERATION_ABORTED"], 1);
        let t = s.to_text();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            lines[0],
            "wsp trace: 4 calls, 2 failed, 0.042 ms in the provider; 2 overlapped \
             completions, 1 failed"
        );
        let head = lines
            .iter()
            .position(|l| l.starts_with("completion "))
            .expect("a completion section");
        assert!(lines[head].contains("count"), "{t}");
        assert!(
            lines[head + 1].starts_with("WSPRecv:complete")
                && lines[head + 1].contains("       2        1         1000      500.0"),
            "{t}"
        );
    }
}
