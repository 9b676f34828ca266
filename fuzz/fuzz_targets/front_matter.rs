//! Front matter parsing and validation: see `lode_fuzz::front_matter`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lode_fuzz::front_matter(data));
