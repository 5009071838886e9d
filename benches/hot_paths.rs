//! Criterion benches for the hot paths: query embedding, HNSW search, exact search, and opening a catalog from its caches.
//!
//! Uses the installed model (run `lookalike setup` first) and the catalog in
//! `LOOKALIKE_BENCH_CATALOG` (default: the bundled sample), embedded and cached on first use.
//! Run with `cargo bench --bench hot_paths`.

use std::path::PathBuf;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lookalike::cli::Common;
use lookalike::cmd::Context;
use lookalike::cmd::bench::queries;
use lookalike::embed::bulk::Batching;
use lookalike::index::{Method, Scratch, exact};
use lookalike::search::{open, open_corpus_with_model};

fn catalog() -> PathBuf {
    std::env::var_os("LOOKALIKE_BENCH_CATALOG").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/products.json"),
        PathBuf::from,
    )
}

fn hot_paths(c: &mut Criterion) {
    let ctx = Context::new(Common {
        catalog: Some(catalog()),
        quiet: true,
        ..Common::default()
    })
    .expect("settings and dirs");
    let files = ctx
        .model_files()
        .expect("the model (run `lookalike setup`)");
    let options = ctx.open_options(Batching::LengthGrouped).expect("catalog");
    let (mut engine, _) = open(&options, &files, &mut |_| {}).expect("catalog opens");
    let corpus = Arc::clone(&engine.corpus);
    let texts = queries::parse(queries::WANDS_QUERIES);
    let vectors: Vec<Vec<f32>> = texts
        .iter()
        .take(100)
        .map(|q| engine.embed_query(q).expect("query embeds").0)
        .collect();
    let n = corpus.catalog.len();

    let mut next = 0usize;
    c.bench_function("query embedding (one thread)", |b| {
        b.iter(|| {
            next = (next + 1) % texts.len();
            engine.embed_query(&texts[next]).expect("query embeds")
        });
    });

    let mut group = c.benchmark_group(format!("search over {n} products, k 10"));
    let mut scratch = Scratch::default();
    for ef in [32, 64, 128] {
        group.bench_with_input(BenchmarkId::new("HNSW ef_search", ef), &ef, |b, &ef| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % vectors.len();
                corpus
                    .graph
                    .search(&corpus.vectors, &vectors[i], 10, ef, None, &mut scratch)
            });
        });
    }
    group.bench_function("exact", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % vectors.len();
            exact::search(&corpus.vectors, &vectors[i], 10, None)
        });
    });
    group.bench_function("product to product, HNSW", |b| {
        let mut position = 0;
        b.iter(|| {
            position = (position + 7919) % n;
            corpus.similar(position, 10, Method::Hnsw, &mut scratch)
        });
    });
    group.finish();

    let mut group = c.benchmark_group("open from caches");
    group.sample_size(10);
    group.bench_function(format!("catalog + vectors + index, {n} products"), |b| {
        b.iter(|| open_corpus_with_model(&options, &files, &mut |_| {}).expect("opens"));
    });
    group.finish();
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
