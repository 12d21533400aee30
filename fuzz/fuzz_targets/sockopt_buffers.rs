#![no_main]
//! Fuzz target `sockopt_buffers`: see `wsp_fuzz_logic::sockopt_buffers`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wsp_fuzz_logic::sockopt_buffers::run(data));
