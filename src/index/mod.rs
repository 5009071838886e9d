//! Nearest-neighbour search over product vectors: an HNSW graph (built on all cores, searched in flat arrays) and the exact oracle.
//!
//! [`build`] inserts the products into neighbour lists behind per-node locks and freezes them into
//! a [`graph::Graph`]: flat arrays, which is what is searched and persisted. It loads with a few
//! reads, and a search walks it with reusable buffers, without locks or allocation per visited
//! node. `hnsw_rs` is the reference it is measured against (tests and `benches/hot_paths.rs`).

mod build;
pub mod exact;
pub mod graph;
mod reach;
mod simd;
pub mod vectors;
mod walk;

use std::cmp::Ordering;

pub use build::build;
pub use graph::Graph;
pub use simd::dot;
pub use vectors::Vectors;
pub use walk::Scratch;

/// HNSW parameters, named as in Malkov & Yashunin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Links per node on the upper layers (twice this on layer 0).
    pub m: usize,
    /// Candidate list size while building.
    pub ef_construction: usize,
    /// Candidate list size while searching for products like a product.
    pub ef_search: usize,
    /// Candidate list size while searching for a typed query, which lies farther from any product.
    pub ef_search_text: usize,
}

impl From<crate::config::IndexConfig> for Params {
    fn from(c: crate::config::IndexConfig) -> Self {
        Self {
            m: c.m,
            ef_construction: c.ef_construction,
            ef_search: c.ef_search,
            ef_search_text: c.ef_search_text,
        }
    }
}

/// How an answer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Hnsw,
    Exact,
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Hnsw => "HNSW",
            Self::Exact => "exact",
        })
    }
}

/// Which nodes a search may return: those `mask` allows (every node without one), and never one
/// of `excluded`. The walk still goes through the others: they are how it reaches the rest.
#[derive(Debug, Clone, Copy, Default)]
pub struct Admit<'a> {
    pub mask: Option<&'a [bool]>,
    pub excluded: &'a [u32],
}

impl<'a> Admit<'a> {
    /// Every node.
    pub const ALL: Admit<'static> = Admit {
        mask: None,
        excluded: &[],
    };

    /// Every node but `excluded`.
    pub fn all_but(excluded: &'a [u32]) -> Self {
        Self {
            mask: None,
            excluded,
        }
    }

    pub fn admits(&self, node: u32) -> bool {
        self.mask
            .is_none_or(|mask| mask.get(node as usize).copied().unwrap_or(false))
            && !self.excluded.contains(&node)
    }

    /// How many of `len` nodes are admitted (the excluded are taken to be distinct nodes).
    pub fn count(&self, len: usize) -> usize {
        match self.mask {
            None => len.saturating_sub(self.excluded.len()),
            // Counted over the mask without a branch per node (a half-admitting mask would
            // mispredict every other one), then less the excluded it admits.
            Some(mask) => {
                let mask = &mask[..len.min(mask.len())];
                let in_mask = mask.iter().map(|&a| usize::from(a)).sum::<usize>();
                let excluded_in_mask = self
                    .excluded
                    .iter()
                    .filter(|&&e| mask.get(e as usize) == Some(&true))
                    .count();
                in_mask - excluded_in_mask
            }
        }
    }
}

/// A product position and its similarity (inner product of unit vectors: cosine).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub index: u32,
    pub score: f32,
}

impl Hit {
    /// Higher score first; equal scores by position, so results are deterministic.
    fn rank_cmp(self, other: Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.index.cmp(&other.index))
    }

    fn better_than(self, other: Self) -> bool {
        self.rank_cmp(other) == Ordering::Less
    }
}

/// Orders a max-heap so that the worst hit is on top.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Worst(pub Hit);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.rank_cmp(other.0)
    }
}

/// Orders a max-heap so that the best hit is on top.
pub(crate) type Best = std::cmp::Reverse<Worst>;

/// Below this many admitted nodes of `nodes`, a filtered search scores each of them instead of
/// walking the graph. Scoring costs about 0.17 µs a node, so it grows with the number admitted;
/// the walk must pass many nodes it may not return to find each one it may, so its cost grows as
/// the admitted share shrinks, about 0.55 ms over the share. The two meet at
/// √(0.55 ms / 0.17 µs × nodes): about 5,700 at 10k nodes, 18,000 at 100k, 57,000 at 1M.
/// `lookalike bench` measures both (README, "Filters").
pub fn flat_search_cutoff(nodes: usize) -> usize {
    const WALK_MS_OVER_SHARE: f64 = 0.55;
    const FLAT_MS_PER_NODE: f64 = 0.17e-3;
    (WALK_MS_OVER_SHARE / FLAT_MS_PER_NODE * nodes as f64).sqrt() as usize
}

/// The `k` nodes best for `query` that `admit` admits, best first: by walking `graph` with
/// `ef` candidates, or by scoring each admitted node when `method` is exact, when a mask admits
/// fewer than [`flat_search_cutoff`], or when the walk found fewer than min(k, admitted). With the
/// method that answered.
#[allow(clippy::too_many_arguments)]
pub fn nearest(
    graph: &Graph,
    vectors: &Vectors,
    query: &[f32],
    k: usize,
    method: Method,
    ef: usize,
    admit: Admit,
    scratch: &mut Scratch,
) -> (Vec<Hit>, Method) {
    let admitted = admit.count(vectors.len());
    if walks(method, admit, admitted, vectors.len()) {
        let hits = graph.search(vectors, query, k, ef, admit, scratch);
        if hits.len() >= k.min(admitted) {
            return (hits, Method::Hnsw);
        }
    }
    (exact::search(vectors, query, k, admit), Method::Exact)
}

/// Whether a search of `method` that `admit` lets return `admitted` of `nodes` walks the graph.
fn walks(method: Method, admit: Admit, admitted: usize, nodes: usize) -> bool {
    method == Method::Hnsw && (admit.mask.is_none() || admitted >= flat_search_cutoff(nodes))
}

/// The `k` nodes nearest `node` that `mask` allows (all without one), never `node` itself, best
/// first, as [`nearest`] finds them for its vector but walking layer 0 from the node itself:
/// that is where its neighbours are, so no descent is needed. For a pass over every node
/// (`lookalike audit`).
pub fn neighbours_of(
    graph: &Graph,
    vectors: &Vectors,
    node: u32,
    k: usize,
    ef: usize,
    mask: Option<&[bool]>,
    scratch: &mut Scratch,
) -> Vec<Hit> {
    let excluded = [node];
    let admit = Admit {
        mask,
        excluded: &excluded,
    };
    let query = vectors.row(node as usize);
    let admitted = admit.count(vectors.len());
    if walks(Method::Hnsw, admit, admitted, vectors.len()) && !graph.is_empty() {
        let entry = Hit {
            index: node,
            score: dot(query, query),
        };
        scratch.search_layer(graph, vectors, query, entry, 0, ef.max(k), |n| {
            admit.admits(n)
        });
        let mut hits = sorted(scratch.take_results().collect());
        hits.truncate(k);
        if hits.len() >= k.min(admitted) {
            return hits;
        }
    }
    exact::search(vectors, query, k, admit)
}

/// `hits` best first, equal scores by position.
pub(crate) fn sorted(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| a.rank_cmp(*b));
    hits
}

/// Fraction of the exact top-k found by the approximate answer.
pub fn recall(approximate: &[Hit], exact: &[Hit]) -> f64 {
    if exact.is_empty() {
        return 1.0;
    }
    let found = exact
        .iter()
        .filter(|e| approximate.iter().any(|a| a.index == e.index))
        .count();
    found as f64 / exact.len() as f64
}

#[cfg(test)]
mod tests;
