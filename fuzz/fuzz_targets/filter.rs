//! Any bytes as a filter's text: a filter, or an error that points into the text; an expression prints back as itself, and a filter matches without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| lookalike_fuzz::check_filter(bytes));
