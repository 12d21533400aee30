#![no_main]
//! Fuzz target `api_sequence`: see `wsp_fuzz_logic::api_sequence`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wsp_fuzz_logic::api_sequence::run(data));
