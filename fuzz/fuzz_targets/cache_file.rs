//! Any bytes as a cache file, or as the contents behind a valid header: loaded or set aside with a reason; never a panic, never a graph whose links leave it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| lookalike_fuzz::check_cache(input));
