//! Printing outcomes: a text table for people, JSON lines for machines.
//!
//! The shim (C program over the ws2_32 shim) and Wine (the same program built with mingw,
//! run under Wine) columns are reserved: `shim/raw` and `shim/Wine` print `-` and the JSON
//! has `"shim": null, "wine": null` until the C runner exists.

use crate::harness::{median, range, spread_pct, Better, Outcome};
use std::fmt::Write;

/// A number with about four significant digits, no exponent.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "nan".into();
    }
    let a = x.abs();
    if a >= 1000.0 {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// The table header.
pub fn header() -> String {
    format!(
        "{:<15} {:<9} {:>20} {:>20} {:>19} {:>8} {:>9}  {}",
        "scenario",
        "unit",
        "wsp median ±spread",
        "raw median ±spread",
        "wsp/raw (min-max)",
        "shim/raw",
        "shim/Wine",
        "target"
    )
}

/// One table row (plus a notes line when there are notes).
pub fn row(o: &Outcome) -> String {
    let sc = &o.scenario;
    let arrow = match sc.better {
        Better::Higher => "↑",
        Better::Lower => "↓",
    };
    let (rlo, rhi) = range(&o.ratios);
    let mut s = format!(
        "{:<15} {:<9} {:>20} {:>20} {:>19} {:>8} {:>9}  {}",
        sc.name,
        format!("{}{}", sc.unit, arrow),
        format!("{} ±{:.0}%", num(o.wsp_median()), spread_pct(&o.wsp) / 2.0),
        format!("{} ±{:.0}%", num(o.raw_median()), spread_pct(&o.raw) / 2.0),
        format!("{} ({}-{})", num(o.ratio()), num(rlo), num(rhi)),
        "-",
        "-",
        sc.target
    );
    if !o.notes.is_empty() {
        let _ = write!(s, "\n{:<15} {}", "", o.notes.join("; "));
    }
    s
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn jnum(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "null".into()
    }
}

fn jarr(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|&x| jnum(x)).collect();
    format!("[{}]", items.join(","))
}

/// One JSON object (one line) for an outcome.
pub fn json(o: &Outcome) -> String {
    let sc = &o.scenario;
    let notes: Vec<String> = o.notes.iter().map(|n| format!("\"{}\"", esc(n))).collect();
    format!(
        concat!(
            "{{\"scenario\":\"{}\",\"about\":\"{}\",\"unit\":\"{}\",\"better\":\"{}\",",
            "\"wsp\":{},\"raw\":{},\"ratio\":{},",
            "\"wsp_rounds\":{},\"raw_rounds\":{},\"ratio_rounds\":{},",
            "\"shim\":null,\"wine\":null,\"target\":\"{}\",\"notes\":[{}]}}"
        ),
        esc(sc.name),
        esc(sc.about),
        esc(sc.unit),
        match sc.better {
            Better::Higher => "higher",
            Better::Lower => "lower",
        },
        jnum(median(&o.wsp)),
        jnum(median(&o.raw)),
        jnum(o.ratio()),
        jarr(&o.wsp),
        jarr(&o.raw),
        jarr(&o.ratios),
        esc(sc.target),
        notes.join(",")
    )
}
