//! Scenarios, sides, scales, and the alternating runner.
//!
//! A round runs the scenario once on each side, in alternating order (wsp then raw on even
//! rounds, raw then wsp on odd ones), so slow drift and the bimodal scheduling of loopback
//! traffic on two vCPUs hit both sides alike. The ratio of a round is wsp/raw of that
//! round's two values; the reported ratio is the median of those paired ratios.

use crate::util::BenchResult;

/// How big a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// One tiny iteration of everything: the `cargo test` smoke test.
    Smoke,
    /// `--quick`: every scenario at small sizes, under a minute in all.
    Quick,
    /// The full run, under ten minutes.
    Full,
}

impl Scale {
    /// The value for this scale.
    pub fn pick<T>(self, smoke: T, quick: T, full: T) -> T {
        match self {
            Scale::Smoke => smoke,
            Scale::Quick => quick,
            Scale::Full => full,
        }
    }
}

/// What a scenario runs on.
///
/// The C program's columns (over the ws2_32 shim, and under Wine) are not sides: they run
/// out of process through [`crate::shim`], the shim's rounds between these (see
/// [`measure_with`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The Rust API: `Engine` over the portable backend.
    Wsp,
    /// The host's own sockets (std, socket2, libc, mio).
    Raw,
}

impl Side {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Side::Wsp => "wsp",
            Side::Raw => "raw",
        }
    }
}

/// Which direction of the metric is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// A rate: more is better.
    Higher,
    /// A cost: less is better.
    Lower,
}

/// One measurement of one side.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    /// The metric, in the scenario's unit.
    pub value: f64,
    /// Anything else worth printing (e.g. exact heap bytes beside RSS).
    pub note: Option<String>,
}

impl From<f64> for Sample {
    fn from(value: f64) -> Sample {
        Sample { value, note: None }
    }
}

/// A scenario: one function that measures one side once.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// Name used by `--scenario` and in the JSON.
    pub name: &'static str,
    /// One line on what it does.
    pub about: &'static str,
    /// Unit of the metric.
    pub unit: &'static str,
    /// Direction of the metric.
    pub better: Better,
    /// The target for this row, in words ("" when none).
    pub target: &'static str,
    /// Rounds in a full run (a quick run uses 3, a smoke run 1).
    pub rounds: usize,
    /// Also report wsp − raw of the medians (an overhead, e.g. bytes per socket).
    pub diff: bool,
    /// Run once on a side at a scale.
    pub run: fn(Side, Scale) -> BenchResult<Sample>,
}

/// Everything measured for one scenario.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The scenario.
    pub scenario: Scenario,
    /// Per-round values on the wsp side.
    pub wsp: Vec<f64>,
    /// Per-round values on the raw side.
    pub raw: Vec<f64>,
    /// Per-round wsp/raw.
    pub ratios: Vec<f64>,
    /// Last notes of each side.
    pub notes: Vec<String>,
}

/// Median of `v` (mean of the middle two for an even count); NaN for none.
pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}

/// Smallest and largest of `v`.
pub fn range(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// Spread of `v` as (max − min) / median, in percent.
pub fn spread_pct(v: &[f64]) -> f64 {
    let (lo, hi) = range(v);
    let m = median(v);
    if m == 0.0 {
        0.0
    } else {
        (hi - lo) / m.abs() * 100.0
    }
}

impl Outcome {
    /// Median of the wsp values.
    pub fn wsp_median(&self) -> f64 {
        median(&self.wsp)
    }
    /// Median of the raw values.
    pub fn raw_median(&self) -> f64 {
        median(&self.raw)
    }
    /// Median of the paired ratios.
    pub fn ratio(&self) -> f64 {
        median(&self.ratios)
    }
}

/// Rounds for `sc` at `scale`.
pub fn rounds_for(sc: &Scenario, scale: Scale) -> usize {
    scale.pick(1, 3, sc.rounds)
}

/// Measure `sc`: an untimed warm-up at smoke scale on each side (not for smoke runs), then
/// `rounds` alternating rounds.
pub fn measure(sc: &Scenario, scale: Scale, rounds: usize) -> BenchResult<Outcome> {
    measure_with(sc, scale, rounds, |_| {})
}

/// [`measure`], calling `after_round(r)` after both sides of round `r`: the out-of-process
/// columns (the C program over the shim) run their round there, so they can be paired
/// with the same round's raw value.
pub fn measure_with(
    sc: &Scenario,
    scale: Scale,
    rounds: usize,
    mut after_round: impl FnMut(usize),
) -> BenchResult<Outcome> {
    if scale != Scale::Smoke {
        (sc.run)(Side::Wsp, Scale::Smoke)?;
        (sc.run)(Side::Raw, Scale::Smoke)?;
    }
    let mut out = Outcome {
        scenario: *sc,
        wsp: Vec::new(),
        raw: Vec::new(),
        ratios: Vec::new(),
        notes: Vec::new(),
    };
    let (mut wnote, mut rnote) = (None, None);
    for r in 0..rounds {
        let order = if r % 2 == 0 {
            [Side::Wsp, Side::Raw]
        } else {
            [Side::Raw, Side::Wsp]
        };
        let (mut w, mut x) = (0.0, 0.0);
        for side in order {
            let s = (sc.run)(side, scale)?;
            match side {
                Side::Wsp => {
                    w = s.value;
                    wnote = s.note.or(wnote);
                }
                Side::Raw => {
                    x = s.value;
                    rnote = s.note.or(rnote);
                }
            }
        }
        out.wsp.push(w);
        out.raw.push(x);
        out.ratios.push(if x == 0.0 { f64::NAN } else { w / x });
        after_round(r);
    }
    if sc.diff {
        out.notes.push(format!(
            "wsp - raw = {:.0} {}",
            median(&out.wsp) - median(&out.raw),
            sc.unit
        ));
    }
    out.notes.extend(wnote.map(|n| format!("wsp: {n}")));
    out.notes.extend(rnote.map(|n| format!("raw: {n}")));
    Ok(out)
}
