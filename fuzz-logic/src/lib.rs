//! # wsp-fuzz-logic — what wsp's fuzz targets do
//!
//! Each fuzz target in `fuzz/fuzz_targets/` is one line that calls a `run` function here,
//! so the same logic runs under libFuzzer (nightly features on the stable toolchain with
//! `RUSTC_BOOTSTRAP=1`, see the README's "Fuzzing" section) and under `cargo test` on
//! stable, where `tests/replay.rs` feeds it every file of the committed corpora and
//! regressions.
//!
//! Every `run` takes arbitrary bytes and either returns or panics; a panic is a finding.
//! The targets:
//!
//! * [`api_sequence`] — a program of `Wsp` calls on a few sockets over `Engine<Sim>`, with
//!   invariants checked after every step.
//! * [`addr_text`] — `WSPAddressToString` / `WSPStringToAddress` on arbitrary input.
//! * [`sockopt_buffers`] — options and ioctls with arbitrary levels, names, codes and
//!   buffer lengths.
//! * [`protocol_info`] — a `WSAPROTOCOL_INFOW` from arbitrary bytes through the catalog
//!   and `WSPSocket`.

pub mod addr_text;
pub mod api_sequence;
pub mod input;
pub mod protocol_info;
pub mod sockopt_buffers;

use wsp::types::make_word;
use wsp::{Engine, WsaError, Wsp};
use wsp_sim::Sim;

/// A target's entry point: one fuzz input in, a panic on a finding.
pub type Target = fn(&[u8]);

/// Every target, by the name of its fuzz target and corpus folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("api_sequence", api_sequence::run),
    ("addr_text", addr_text::run),
    ("sockopt_buffers", sockopt_buffers::run),
    ("protocol_info", protocol_info::run),
];

/// The `run` function of the target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
}

/// Panic unless `r` is a success or a Winsock code Windows defines.
#[track_caller]
pub fn check_known<T>(what: &str, r: &Result<T, WsaError>) {
    if let Err(e) = r {
        assert!(e.is_known(), "{what}: unknown error code {}", e.code());
    }
}

/// A started engine over a perfect simulated network.
pub fn sim_engine(seed: u64) -> Engine<Sim> {
    let e = Engine::new(Sim::new(seed));
    e.startup(make_word(2, 2)).expect("startup");
    e
}
