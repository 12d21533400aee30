//! # wsp-bench — every data path of the engine measured against raw host sockets
//!
//! Each [`Scenario`](harness::Scenario) is one function that runs a workload on one
//! [`Side`](harness::Side): the Rust API (engine over the portable backend) or the host's
//! own sockets (std, socket2, libc, mio). The [harness] runs both sides in the same process,
//! alternating round by round, and reports medians, spreads and the median of the paired
//! per-round ratios wsp/raw. Adding a scenario is one function plus one line in
//! [`scenarios::all`].
//!
//! [`hot`] holds single-threaded hot paths run a fixed number of times, for instruction
//! counts under `valgrind --tool=callgrind` (see `bench/callgrind.sh`).
//!
//! [`shim`] builds and runs the same scenarios as one Winsock C program (`bench/c/wsbench.c`)
//! against the ws2_32 shim and, with mingw, under Wine: the `--shim` and `--wine` columns.
//!
//! Benchmarks print ratios; nothing here asserts a time.

#![deny(unsafe_code)]

pub mod alloc;
pub mod cli;
pub mod harness;
pub mod hot;
pub mod json;
pub mod report;
pub mod scenarios;
pub mod shim;
pub mod sys;
pub mod util;

/// Counts live heap bytes while [`alloc::counting`] is on (the memory scenarios only).
#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;
