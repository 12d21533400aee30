#![no_main]
//! Fuzz target `protocol_info`: see `wsp_fuzz_logic::protocol_info`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wsp_fuzz_logic::protocol_info::run(data));
