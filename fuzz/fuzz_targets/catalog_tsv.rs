//! Any bytes read as a TSV catalog: a catalog, or an error that says where; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookalike::catalog::Format;

fuzz_target!(|bytes: &[u8]| lookalike_fuzz::check_catalog(Format::Tsv, bytes));
