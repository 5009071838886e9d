//! Criterion benches for the hot paths: query embedding, HNSW search, exact search, opening a catalog from its caches, and building the graph (against hnsw_rs's build).
//!
//! Uses the installed model (run `lookalike setup` first) and the catalog in
//! `LOOKALIKE_BENCH_CATALOG` (default: the bundled sample), embedded and cached on first use.
//! Run with `cargo bench --bench hot_paths`.

use std::path::PathBuf;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hnsw_rs::prelude::{DistDot, Hnsw};
use lookalike::cli::Common;
use lookalike::cmd::Context;
use lookalike::cmd::bench::queries;
use lookalike::embed::Threads;
use lookalike::embed::bulk::Batching;
use lookalike::index::{self, Admit, Params, Scratch, Vectors, exact};
use lookalike::search::{SearchRequest, open, open_corpus_with_model};

fn catalog() -> PathBuf {
    std::env::var_os("LOOKALIKE_BENCH_CATALOG").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/products.json"),
        PathBuf::from,
    )
}

/// Products the build benches insert.
const BUILD_SAMPLE: usize = 10_000;

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
        .map(|q| engine.embed_query(q).expect("query embeds").vector)
        .collect();
    let n = corpus.catalog.len();

    let mut next = 0usize;
    let query_threads = Threads::for_queries(&options.settings.config.embed).count();
    c.bench_function(&format!("query embedding ({query_threads} threads)"), |b| {
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
                corpus.graph.search(
                    &corpus.vectors,
                    &vectors[i],
                    10,
                    ef,
                    Admit::ALL,
                    &mut scratch,
                )
            });
        });
    }
    group.bench_function("exact", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % vectors.len();
            exact::search(&corpus.vectors, &vectors[i], 10, Admit::ALL)
        });
    });
    group.bench_function("product to product, HNSW", |b| {
        let mut position = 0;
        b.iter(|| {
            position = (position + 7919) % n;
            corpus.answer(&SearchRequest::like(position, 10), None, None, &mut scratch)
        });
    });
    group.finish();

    let mut group = c.benchmark_group("open from caches");
    group.sample_size(10);
    group.bench_function(format!("catalog + vectors + index, {n} products"), |b| {
        b.iter(|| open_corpus_with_model(&options, &files, &mut |_| {}).expect("opens"));
    });
    group.finish();

    // The first 10,000 products (or all): a build of a million takes minutes.
    let built = n.min(BUILD_SAMPLE);
    let dim = corpus.vectors.dim();
    let sample = Vectors::from_flat(dim, corpus.vectors.as_flat()[..built * dim].to_vec());
    let params = Params::from(options.settings.config.index);
    let mut group = c.benchmark_group(format!("index build, {built} products, all cores"));
    group.sample_size(10);
    group.bench_function("lookalike", |b| {
        b.iter(|| index::build(&sample, params, &mut |_, _| {}));
    });
    group.bench_function("hnsw_rs", |b| {
        let rows: Vec<(&[f32], usize)> = (0..built).map(|i| (sample.row(i), i)).collect();
        b.iter(|| {
            let hnsw: Hnsw<f32, DistDot> =
                Hnsw::new(params.m, built, 16, params.ef_construction, DistDot {});
            hnsw.parallel_insert_slice(&rows);
            hnsw
        });
    });
    group.finish();
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
