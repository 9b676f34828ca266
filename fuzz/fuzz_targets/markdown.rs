//! A whole build whose one entry's body is the input: see `lode_fuzz::markdown`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lode_fuzz::markdown(data));
