//! The filtered-search section of `lookalike bench`: at each share of matching products, the graph walk against scoring every match, side by side, which is where the flat-search cutoff comes from.

use std::time::{Duration, Instant};

use xxhash_rust::xxh3::xxh3_64;

use super::stats::Percentiles;
use crate::index::{self, Admit, Hit, Method, Scratch, exact, recall};
use crate::search::Corpus;

/// Shares of the catalog a filter matches, in thousandths.
const PERMILLE: [u64; 8] = [500, 300, 200, 100, 20, 5, 2, 1];

/// One share: how many match, each way's mean time per query, and the walk's recall@10.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct FilteredPoint {
    pub matching: usize,
    pub walk_ms: f64,
    pub flat_ms: f64,
    pub walk_recall: f64,
    /// How the engine answered such a filter: `walk` from [`index::flat_search_cutoff`] matches up, else `flat`.
    pub engine: &'static str,
    /// Each query as the engine answers it (walk or flat, with its fallback).
    pub engine_latency: Percentiles,
}

/// Times text queries under filters matching a spread-out share of the catalog (positions
/// picked by a hash), walking the graph and scoring every match.
pub fn measure(corpus: &Corpus, queries: &[Vec<f32>]) -> Vec<FilteredPoint> {
    let n = corpus.vectors.len();
    let ef = corpus.params.ef_search_text;
    let mut scratch = Scratch::default();
    PERMILLE
        .iter()
        .map(|&permille| {
            let mask: Vec<bool> = (0..n as u64)
                .map(|p| xxh3_64(&p.to_le_bytes()) % 1000 < permille)
                .collect();
            let admit = Admit {
                mask: Some(&mask),
                excluded: &[],
            };
            // Each query timed on its own: the means compare the two ways, the percentiles are
            // what a user of the engine's path waits.
            let timed =
                |run: &mut dyn FnMut(&[f32]) -> Vec<Hit>| -> (Vec<Duration>, Vec<Vec<Hit>>) {
                    queries
                        .iter()
                        .map(|q| {
                            let start = Instant::now();
                            let answer = run(q);
                            (start.elapsed(), answer)
                        })
                        .unzip()
                };
            let mean_ms = |latency: &[Duration]| {
                latency.iter().sum::<Duration>().as_secs_f64() * 1e3 / latency.len().max(1) as f64
            };
            let (walk_latency, walked) = timed(&mut |q| {
                corpus
                    .graph
                    .search(&corpus.vectors, q, 10, ef, admit, &mut scratch)
            });
            let (flat_latency, flat) = timed(&mut |q| exact::search(&corpus.vectors, q, 10, admit));
            let mut engine_method = Method::Hnsw;
            let (mut engine_latency, _) = timed(&mut |q| {
                let (hits, method) = index::nearest(
                    &corpus.graph,
                    &corpus.vectors,
                    q,
                    10,
                    Method::Hnsw,
                    ef,
                    admit,
                    &mut scratch,
                );
                engine_method = method;
                hits
            });
            let total: f64 = walked.iter().zip(&flat).map(|(w, f)| recall(w, f)).sum();
            FilteredPoint {
                matching: admit.count(n),
                walk_ms: mean_ms(&walk_latency),
                flat_ms: mean_ms(&flat_latency),
                walk_recall: total / walked.len().max(1) as f64,
                engine: match engine_method {
                    Method::Hnsw => "walk",
                    Method::Exact => "flat",
                },
                engine_latency: Percentiles::of(&mut engine_latency),
            }
        })
        .collect()
}
