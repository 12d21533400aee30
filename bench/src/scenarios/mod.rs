//! The scenarios, one file per data path. Each exports a `SCENARIO` (or several) whose
//! `run` measures one side once; [`all`] lists them in report order.
//!
//! Completion-port echo (64 clients) has no Rust scenario yet (the C program has it):
//! one more file, one more line here.

use crate::harness::Scenario;

pub mod create;
pub mod dgram;
pub mod fanin;
pub mod layered;
pub mod memory;
pub mod overlapped;
pub mod pingpong;
pub mod select;
pub mod stream;

/// Every scenario, in report order.
pub fn all() -> Vec<Scenario> {
    vec![
        stream::SCENARIO,
        overlapped::SCENARIO,
        pingpong::BLOCKING,
        pingpong::EVENT_SELECT,
        fanin::SCENARIO,
        select::N8,
        select::N64,
        select::N1024,
        select::ALL8,
        select::ALL64,
        select::ALL1024,
        create::SCENARIO,
        memory::K1,
        memory::K10,
        memory::SIM100K,
        dgram::SCENARIO,
        layered::PASS_STREAM,
        layered::PASS_PINGPONG,
        layered::FAULTS_STREAM,
        layered::FAULTS_PINGPONG,
        layered::TRACE_STREAM,
        layered::TRACE_PINGPONG,
        layered::TRACE_JSON_STREAM,
        layered::TRACE_JSON_PINGPONG,
    ]
}

/// The scenario called `name`.
pub fn find(name: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.name == name)
}
