#![no_main]
//! Fuzz target `addr_text`: see `wsp_fuzz_logic::addr_text`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wsp_fuzz_logic::addr_text::run(data));
