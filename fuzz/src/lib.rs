//! What every fuzz target checks: readers of untrusted bytes never panic, a catalog error names lines of the input, a cache file either loads (and a loaded graph can be searched) or is set aside with a reason, and a filter's text either parses (printing back as itself) or is an error pointing into it.

use std::path::{Path, PathBuf};

use lookalike::catalog::{Catalog, Format, LoadOptions, Product};
use lookalike::filter::{Facets, Filter, FilterError, Schema, parse_expr};
use lookalike::index::{Admit, Scratch, Vectors};
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
            let hits = graph.search(
                &vectors,
                &[1.0; 4],
                10,
                16,
                Admit::ALL,
                &mut Scratch::default(),
            );
            assert!(hits.len() <= nodes.min(10));
        }
    } else if let Ok(Some(cached)) = cache::read_vectors(&path, MODEL, 4) {
        assert_eq!(cached.keys.len(), cached.vectors.len());
    }
}

/// Two products with a field of every kind: built-in text, price, tags, and extra fields that
/// are a number (`weight`) and text (`color`, a number in one product and a word in the other).
fn filter_products() -> Vec<Product> {
    let extra = |pairs: [(&str, &str); 2]| {
        pairs
            .iter()
            .map(|&(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    };
    vec![
        Product {
            id: "a".into(),
            title: "Steel Mug".into(),
            category: "Kitchen & Dining".into(),
            brand: "Acme".into(),
            price: Some(12.5),
            tags: vec!["sale".into(), "Mugs".into()],
            extra: extra([("weight", "1.5"), ("color", "7")]),
            line: 1,
            ..Product::default()
        },
        Product {
            id: "b".into(),
            title: "Watch".into(),
            category: "mens-watches".into(),
            extra: extra([("Weight", " "), ("Color", "Red")]),
            line: 2,
            ..Product::default()
        },
    ]
}

/// Reads `bytes` (if UTF-8) as a filter against the schema of [`filter_products`]: an error
/// points into the text; an expression prints as text that parses back to it; a filter matches
/// those products without a panic, as does the filter its printed text makes; and completing
/// the text offers only replacements that start inside it.
pub fn check_filter(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let chars = text.chars().count();
    let points_in = |error: &FilterError| {
        assert!(
            (1..=chars + 1).contains(&error.column) && error.len >= 1,
            "{error} (the text has {chars} characters)"
        );
    };
    let products = filter_products();
    let schema = Schema::of(&products);
    let filter = Filter::parse(text, &schema);
    match parse_expr(text) {
        Err(error) => {
            points_in(&error);
            assert_eq!(filter.err(), Some(error), "parse and parse_expr disagree");
        }
        Ok(expr) => {
            let printed = expr.to_string();
            assert_eq!(
                parse_expr(&printed).as_ref(),
                Ok(&expr),
                "printed as {printed:?}"
            );
            match filter {
                Err(error) => points_in(&error),
                Ok(filter) => {
                    let again = Filter::parse(&printed, &schema)
                        .unwrap_or_else(|e| panic!("{printed:?} does not compile: {e}"));
                    let selection = filter.select(&products);
                    for (position, product) in products.iter().enumerate() {
                        assert_eq!(selection.allows(position), filter.matches(product));
                        assert_eq!(again.matches(product), filter.matches(product));
                    }
                }
            }
        }
    }
    for completion in Facets::of(&products, &schema).complete(&schema, text) {
        assert!(
            text.is_char_boundary(completion.replace_from) && completion.replace_from <= text.len()
        );
    }
}
