//! Printing outcomes: a text table for people, JSON lines for machines.
//!
//! The shim (the C program `bench/c/wsbench.c` over the ws2_32 shim) and Wine (the same
//! program built with mingw, run under Wine) columns come from [`Columns`] (see
//! [`crate::shim`]): `shim/raw` is the median of the per-round shim/raw (the shim runs one
//! round after each wsp/raw round), or shim median over raw median when unpaired;
//! `shim/Wine` is the shim's median over Wine's (plain value ratios, like wsp/raw: above 1
//! is faster for a rate, slower for a cost). Without them they print `-` and the JSON has
//! `"shim": null, "wine": null`.

use crate::harness::{median, range, spread_pct, Better, Outcome};
use crate::shim::CResult;
use std::fmt::Write;

/// The out-of-process columns of one row.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    /// The C program over the shim.
    pub shim: Option<CResult>,
    /// The C program under Wine.
    pub wine: Option<CResult>,
    /// For a row with no raw side of its own: the Rust scenario whose raw median stands in,
    /// and that median.
    pub raw_ref: Option<(&'static str, f64)>,
    /// Per-round shim/raw, when the shim ran one round after each wsp/raw round.
    pub shim_raw_rounds: Vec<f64>,
}

impl Columns {
    /// The raw median the shim is compared with: the row's own, else the reference.
    pub fn raw(&self, o: &Outcome) -> Option<f64> {
        if o.raw.is_empty() {
            self.raw_ref.map(|(_, x)| x)
        } else {
            Some(o.raw_median())
        }
    }

    /// The median of the paired per-round shim/raw when there are any, else shim median /
    /// raw median.
    pub fn shim_raw(&self, o: &Outcome) -> Option<f64> {
        if !self.shim_raw_rounds.is_empty() {
            return Some(median(&self.shim_raw_rounds));
        }
        let s = self.shim.as_ref()?.median;
        let r = self.raw(o)?;
        (r != 0.0).then(|| s / r)
    }

    /// shim median / Wine median.
    pub fn shim_wine(&self) -> Option<f64> {
        let s = self.shim.as_ref()?.median;
        let w = self.wine.as_ref()?.median;
        (w != 0.0).then(|| s / w)
    }
}

fn opt_num(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), num)
}

fn med_spread(v: &[f64]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        format!("{} ±{:.0}%", num(median(v)), spread_pct(v) / 2.0)
    }
}

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

/// One table row (plus a notes line when there are notes), without the C columns.
pub fn row(o: &Outcome) -> String {
    row_with(o, &Columns::default())
}

/// One table row with the C columns `c`; a second line carries the notes and the shim and
/// Wine medians when there are any.
pub fn row_with(o: &Outcome, c: &Columns) -> String {
    let sc = &o.scenario;
    let arrow = match sc.better {
        Better::Higher => "↑",
        Better::Lower => "↓",
    };
    let ratio = if o.ratios.is_empty() {
        "-".into()
    } else {
        let (rlo, rhi) = range(&o.ratios);
        format!("{} ({}-{})", num(o.ratio()), num(rlo), num(rhi))
    };
    let mut s = format!(
        "{:<15} {:<9} {:>20} {:>20} {:>19} {:>8} {:>9}  {}",
        sc.name,
        format!("{}{}", sc.unit, arrow),
        med_spread(&o.wsp),
        med_spread(&o.raw),
        ratio,
        opt_num(c.shim_raw(o)),
        opt_num(c.shim_wine()),
        sc.target
    );
    let mut notes = o.notes.clone();
    if let Some(x) = &c.shim {
        notes.push(format!("shim {}", med_spread(&x.rounds)));
    }
    if let Some(x) = &c.wine {
        notes.push(format!("Wine {}", med_spread(&x.rounds)));
    }
    if let (true, Some((name, _))) = (o.raw.is_empty() && c.shim.is_some(), c.raw_ref) {
        notes.push(format!("raw = {name}'s raw median"));
    }
    if !notes.is_empty() {
        let _ = write!(s, "\n{:<15} {}", "", notes.join("; "));
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

fn jopt(x: Option<f64>) -> String {
    x.map_or_else(|| "null".into(), jnum)
}

/// One JSON object (one line) for an outcome, without the C columns.
pub fn json(o: &Outcome) -> String {
    json_with(o, &Columns::default())
}

/// One JSON object (one line) for an outcome with the C columns `c`: `shim` and `wine` are
/// medians (or null), `shim_rounds`/`wine_rounds` their rounds, `shim_raw` and `shim_wine`
/// the ratios, `shim_raw_rounds` the paired per-round shim/raw, `raw_ref` the scenario
/// standing in for a missing raw side.
pub fn json_with(o: &Outcome, c: &Columns) -> String {
    let sc = &o.scenario;
    let notes: Vec<String> = o.notes.iter().map(|n| format!("\"{}\"", esc(n))).collect();
    let rounds = |x: &Option<CResult>| x.as_ref().map_or_else(|| "[]".into(), |x| jarr(&x.rounds));
    format!(
        concat!(
            "{{\"scenario\":\"{}\",\"about\":\"{}\",\"unit\":\"{}\",\"better\":\"{}\",",
            "\"wsp\":{},\"raw\":{},\"ratio\":{},",
            "\"wsp_rounds\":{},\"raw_rounds\":{},\"ratio_rounds\":{},",
            "\"shim\":{},\"wine\":{},\"shim_rounds\":{},\"wine_rounds\":{},",
            "\"shim_raw\":{},\"shim_wine\":{},\"shim_raw_rounds\":{},\"raw_ref\":{},",
            "\"target\":\"{}\",\"notes\":[{}]}}"
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
        jopt(c.shim.as_ref().map(|x| x.median)),
        jopt(c.wine.as_ref().map(|x| x.median)),
        rounds(&c.shim),
        rounds(&c.wine),
        jopt(c.shim_raw(o)),
        jopt(c.shim_wine()),
        jarr(&c.shim_raw_rounds),
        match (o.raw.is_empty(), c.raw_ref) {
            (true, Some((name, _))) => format!("\"{}\"", esc(name)),
            _ => "null".into(),
        },
        esc(sc.target),
        notes.join(",")
    )
}
