//! What every fuzz target checks: readers of untrusted bytes never panic, a catalog error names lines of the input, and a cache file either loads (and a loaded graph can be searched) or is set aside with a reason.

use std::path::{Path, PathBuf};

use lookalike::catalog::{Catalog, Format, LoadOptions};
use lookalike::index::{Scratch, Vectors};
use lookalike::search::cache;
use lookalike::store::{self, Kind, Stamp};

/// Reads `bytes` as a catalog in `format`: a catalog, or an error naming lines of the input.
pub fn check_catalog(format: Format, bytes: &[u8]) {
    let Err(error) = Catalog::parse(Path::new("fuzz"), format, bytes, &LoadOptions::default())
    else {
        return;
    };
    let lines = error
        .catalog_lines()
        .unwrap_or_else(|| panic!("not a catalog error: {error:?}"));
    let last = bytes.split(|b| *b == b'\n').count();
    assert!(
        lines.iter().all(|line| (1..=last + 1).contains(line)),
        "{error} (the input has {last} lines)"
    );
}

const MODEL: &str = "fuzz-model";
const KEY: u128 = 0x1234;

/// A file of this process's own, rewritten for each input.
fn scratch_file() -> PathBuf {
    std::env::temp_dir().join(format!("lookalike-fuzz-{}.bin", std::process::id()))
}

/// Loads a cache file built from `input`. Its first byte picks how: the rest as the whole file
/// (damaged headers), or as the payload behind a valid header and checksum (damaged contents),
/// read as vectors or as a graph (whose node count is the next two bytes).
pub fn check_cache(input: &[u8]) {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let (nodes, rest) = match rest {
        [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b]) % 512), rest),
        _ => (0, rest),
    };
    let graph = mode & 1 == 1;
    let path = scratch_file();
    let bytes = if mode & 2 == 0 {
        rest.to_vec()
    } else {
        let stamp = Stamp {
            kind: if graph { Kind::Graph } else { Kind::Vectors },
            model_id: MODEL.into(),
            key: if graph { KEY } else { 0 },
        };
        store::sealed(&stamp, rest)
    };
    std::fs::write(&path, bytes).expect("write the scratch file");
    if graph {
        if let Ok(Some(graph)) = cache::read_graph(&path, MODEL, KEY, nodes) {
            // A graph that passed its checks is safe to search, whatever its links.
            assert_eq!(graph.len(), nodes);
            let vectors = Vectors::from_flat(4, (0..nodes * 4).map(|i| i as f32).collect());
            let hits = graph.search(&vectors, &[1.0; 4], 10, 16, None, &mut Scratch::default());
            assert!(hits.len() <= nodes.min(10));
        }
    } else if let Ok(Some(cached)) = cache::read_vectors(&path, MODEL, 4) {
        assert_eq!(cached.keys.len(), cached.vectors.len());
    }
}
