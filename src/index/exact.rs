//! Exact search: every vector scored. The oracle the HNSW index is tested against, and `--exact`.

use std::collections::BinaryHeap;

use super::Vectors;
use super::simd::dot;
use super::{Admit, Hit, Worst};

/// The `k` vectors with the highest inner product with `query`, best first, of those `admit` admits.
pub fn search(vectors: &Vectors, query: &[f32], k: usize, admit: Admit) -> Vec<Hit> {
    let mut heap: BinaryHeap<Worst> = BinaryHeap::with_capacity(k + 1);
    if k == 0 {
        return Vec::new();
    }
    for i in 0..vectors.len() {
        if !admit.admits(i as u32) {
            continue;
        }
        let hit = Hit {
            index: i as u32,
            score: dot(query, vectors.row(i)),
        };
        if heap.len() < k {
            heap.push(Worst(hit));
        } else if heap.peek().is_some_and(|worst| hit.better_than(worst.0)) {
            heap.pop();
            heap.push(Worst(hit));
        }
    }
    super::sorted(heap.into_iter().map(|w| w.0).collect())
}
