//! Building the HNSW graph: nodes inserted on all cores into neighbour lists behind one lock each, then frozen into [`Graph`].
//!
//! The insertion is Malkov & Yashunin's, with the neighbour heuristic and list sizes faiss uses:
//! a new node keeps at most M links on each upper layer and 2M on layer 0 (chosen so that they
//! point in different directions), and a list that a new link overfills is pruned the same way.
//! Lists are read and written under their own node's lock, so threads meet only when they touch
//! the same node; the search inside the build walks with the same reusable visited stamps as the
//! frozen graph's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::graph::{Graph, NONE};
use super::reach::connect;
use super::simd::dot;
use super::walk::{Links, Scratch};
use super::{Hit, Params, Vectors};

/// Highest level a node may get (levels above a million nodes' expected top of 5 are vanishingly rare).
const MAX_LEVEL: u8 = 15;

/// Nodes inserted between progress reports.
const INSERT_BATCH: usize = 4096;

/// Builds an HNSW graph over `vectors` (unit vectors, inner product). `progress(done, total)` after each batch.
pub fn build(vectors: &Vectors, params: Params, progress: &mut dyn FnMut(usize, usize)) -> Graph {
    let n = vectors.len();
    if n == 0 {
        return Graph::default();
    }
    let building = Building::new(vectors, params);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut scratches: Vec<Scratch> = (0..threads).map(|_| Scratch::default()).collect();
    // Node 0 is the first entry point; it needs no links to be found.
    let mut done = 1;
    while done < n {
        let end = (done + INSERT_BATCH).min(n);
        let next = AtomicUsize::new(done);
        std::thread::scope(|scope| {
            for scratch in &mut scratches {
                let (building, next) = (&building, &next);
                scope.spawn(move || {
                    loop {
                        let node = next.fetch_add(1, Ordering::Relaxed);
                        if node >= end {
                            break;
                        }
                        building.insert(node as u32, scratch);
                    }
                });
            }
        });
        done = end;
        progress(done, n);
    }
    building.freeze(&mut scratches[0])
}

/// The graph while nodes are being inserted.
struct Building<'a> {
    vectors: &'a Vectors,
    params: Params,
    levels: Vec<u8>,
    /// Per node, its neighbour lists on layers 0 to its level.
    links: Vec<Mutex<Vec<Vec<u32>>>>,
    /// The entry point and its level.
    top: Mutex<(u32, u8)>,
}

impl Links for Building<'_> {
    fn neighbours_into(&self, node: u32, layer: u8, into: &mut Vec<u32>) {
        into.clear();
        if let Some(list) = lock(&self.links[node as usize]).get(usize::from(layer)) {
            into.extend_from_slice(list);
        }
    }
}

/// A lock that a panicking thread cannot leave unusable: a panic in the build is re-raised by the scope anyway.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A node's level, drawn from the exponential distribution HNSW asks for (`-ln(u) / ln(M)`),
/// seeded by the node's position so that the levels are the same in every build.
fn level_of(node: usize, m: usize) -> u8 {
    // splitmix64
    let mut z = (node as u64)
        .wrapping_add(1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // A uniform draw in (0, 1]: the top 53 bits, plus one so that it is never 0.
    let uniform = ((z >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let level = -uniform.ln() / (m.max(2) as f64).ln();
    level.min(f64::from(MAX_LEVEL)) as u8
}

impl<'a> Building<'a> {
    fn new(vectors: &'a Vectors, params: Params) -> Self {
        let levels: Vec<u8> = (0..vectors.len())
            .map(|node| level_of(node, params.m))
            .collect();
        let links = levels
            .iter()
            .map(|&level| Mutex::new(vec![Vec::new(); usize::from(level) + 1]))
            .collect();
        let top = Mutex::new((0, levels[0]));
        Self {
            vectors,
            params,
            levels,
            links,
            top,
        }
    }

    fn score(&self, query: &[f32], node: u32) -> Hit {
        Hit {
            index: node,
            score: dot(query, self.vectors.row(node as usize)),
        }
    }

    /// Most links a list on `layer` keeps.
    fn width(&self, layer: u8) -> usize {
        if layer == 0 {
            2 * self.params.m
        } else {
            self.params.m
        }
    }

    fn insert(&self, node: u32, scratch: &mut Scratch) {
        let level = self.levels[node as usize];
        let (entry, top_level) = *lock(&self.top);
        let query = self.vectors.row(node as usize);
        let mut best = scratch.descend(self, self.vectors, query, entry, top_level, level + 1);
        for layer in (0..=level.min(top_level)).rev() {
            let mut found = self.search_layer(query, best, layer, scratch);
            found.retain(|hit| hit.index != node);
            let Some(&nearest) = found.first() else {
                continue;
            };
            best = nearest;
            let chosen = self.select(found, self.width(layer));
            self.set_list(node, layer, &chosen);
            for neighbour in chosen {
                self.add_link(neighbour, node, layer);
            }
        }
        if level > top_level {
            let mut top = lock(&self.top);
            if level > top.1 {
                *top = (node, level);
            }
        }
    }

    /// The `ef_construction` nodes best for `query` on `layer`, best first, found from `entry`.
    fn search_layer(
        &self,
        query: &[f32],
        entry: Hit,
        layer: u8,
        scratch: &mut Scratch,
    ) -> Vec<Hit> {
        let ef = self.params.ef_construction;
        scratch.search_layer(self, self.vectors, query, entry, layer, ef, |_| true);
        super::sorted(scratch.take_results().collect())
    }

    /// Up to `keep` of `candidates` (best first for the node they are for), each taken only if
    /// it is nearer to that node than to any already taken: the links then point in different
    /// directions instead of all into the nearest cluster.
    fn select(&self, candidates: Vec<Hit>, keep: usize) -> Vec<u32> {
        if candidates.len() <= keep {
            return candidates.into_iter().map(|hit| hit.index).collect();
        }
        let mut chosen: Vec<u32> = Vec::with_capacity(keep);
        for candidate in candidates {
            let row = self.vectors.row(candidate.index as usize);
            let diverse = chosen
                .iter()
                .all(|&taken| dot(row, self.vectors.row(taken as usize)) <= candidate.score);
            if diverse {
                chosen.push(candidate.index);
                if chosen.len() == keep {
                    break;
                }
            }
        }
        chosen
    }

    /// Gives `node` its chosen links on `layer`, keeping any another thread added meanwhile.
    fn set_list(&self, node: u32, layer: u8, chosen: &[u32]) {
        let mut lists = lock(&self.links[node as usize]);
        let list = &mut lists[usize::from(layer)];
        let added_meanwhile = std::mem::replace(list, chosen.to_vec());
        for other in added_meanwhile {
            if !list.contains(&other) {
                list.push(other);
            }
        }
        if list.len() > self.width(layer) {
            self.prune(node, list, layer);
        }
    }

    /// Links `from` to `to` on `layer`, pruning `from`'s list if it overflows.
    fn add_link(&self, from: u32, to: u32, layer: u8) {
        let mut lists = lock(&self.links[from as usize]);
        let list = &mut lists[usize::from(layer)];
        if list.contains(&to) {
            return;
        }
        list.push(to);
        if list.len() > self.width(layer) {
            self.prune(from, list, layer);
        }
    }

    /// Cuts `node`'s list on `layer` back to its width with the same heuristic as a new node's.
    fn prune(&self, node: u32, list: &mut Vec<u32>, layer: u8) {
        let row = self.vectors.row(node as usize);
        let scored = super::sorted(list.iter().map(|&other| self.score(row, other)).collect());
        *list = self.select(scored, self.width(layer));
    }

    /// The best nodes for `query` on layer 0, searched from the entry point.
    fn nearest(&self, query: &[f32], scratch: &mut Scratch) -> Vec<u32> {
        let (entry, top_level) = *lock(&self.top);
        let start = scratch.descend(self, self.vectors, query, entry, top_level, 1);
        self.search_layer(query, start, 0, scratch)
            .into_iter()
            .map(|hit| hit.index)
            .collect()
    }

    /// The frozen graph, with layer 0 made strongly connected (see `reach`).
    fn freeze(self, scratch: &mut Scratch) -> Graph {
        let mut layer0: Vec<Vec<u32>> = self
            .links
            .iter()
            .map(|lists| lock(lists)[0].clone())
            .collect();
        let (entry, _) = *lock(&self.top);
        connect(&mut layer0, entry, self.width(0), |node| {
            self.nearest(self.vectors.row(node), scratch)
        });
        let upper: Vec<Vec<Vec<u32>>> = self
            .links
            .into_iter()
            .map(|lists| {
                lists
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .split_off(1)
            })
            .collect();
        flatten(entry, self.levels, &layer0, &upper, self.params.m)
    }
}

/// Lays the lists out in the frozen graph's fixed-width arrays: layer 0 as wide as its longest
/// list (the connecting pass can add one link past 2M), upper layers `m` wide.
fn flatten(
    entry: u32,
    levels: Vec<u8>,
    layer0: &[Vec<u32>],
    upper: &[Vec<Vec<u32>>],
    m: usize,
) -> Graph {
    let n = levels.len();
    let layer0_width = layer0.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let upper_width = m.max(1);
    let mut flat0 = vec![NONE; n * layer0_width];
    for (slots, list) in flat0.chunks_exact_mut(layer0_width).zip(layer0) {
        slots[..list.len()].copy_from_slice(list);
    }
    let mut upper_start = vec![NONE; n];
    let mut flat_upper = Vec::new();
    for (node, lists) in upper.iter().enumerate() {
        if lists.is_empty() {
            continue;
        }
        upper_start[node] = flat_upper.len() as u32;
        for list in lists {
            let start = flat_upper.len();
            flat_upper.resize(start + upper_width, NONE);
            flat_upper[start..start + list.len()].copy_from_slice(list);
        }
    }
    Graph {
        entry,
        levels,
        layer0_width: layer0_width as u32,
        layer0: flat0,
        upper_width: upper_width as u32,
        upper_start,
        upper: flat_upper,
    }
}
