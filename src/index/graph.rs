//! The frozen HNSW graph: neighbour lists in flat `u32` arrays, searched with a reusable scratch buffer and no locks.

use super::walk::{Links, Scratch};
use super::{Admit, Hit, Vectors};

/// Marks an unused slot in a fixed-width neighbour list.
pub const NONE: u32 = u32::MAX;

/// An HNSW graph over `len` nodes. Layer 0 holds `layer0_width` slots per node; a node on level
/// L > 0 also has L lists of `upper_width` slots starting at `upper_start[node]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub(crate) entry: u32,
    pub(crate) levels: Vec<u8>,
    pub(crate) layer0_width: u32,
    pub(crate) layer0: Vec<u32>,
    pub(crate) upper_width: u32,
    pub(crate) upper_start: Vec<u32>,
    pub(crate) upper: Vec<u32>,
}

impl Graph {
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    pub fn max_level(&self) -> u8 {
        self.levels.get(self.entry as usize).copied().unwrap_or(0)
    }

    /// The `k` best nodes for `query` of those `admit` admits, best first; `ef` candidates are
    /// kept on layer 0. With a mask that admits few nodes, fewer than `k` may be found.
    pub fn search(
        &self,
        vectors: &Vectors,
        query: &[f32],
        k: usize,
        ef: usize,
        admit: Admit,
        scratch: &mut Scratch,
    ) -> Vec<Hit> {
        if self.is_empty() || k == 0 {
            return Vec::new();
        }
        let ef = ef.max(k);
        let best = scratch.descend(self, vectors, query, self.entry, self.max_level(), 1);
        scratch.search_layer(self, vectors, query, best, 0, ef, |node| admit.admits(node));
        let mut hits = super::sorted(scratch.take_results().collect());
        hits.truncate(k);
        hits
    }
}

impl Graph {
    /// Every node once, in the order a breadth-first walk of layer 0 from the entry point meets
    /// them (nodes it cannot reach last): consecutive nodes are near each other, so a pass over
    /// all of them that searches around each finds the vectors it needs still in the cache.
    pub fn breadth_first(&self) -> Vec<u32> {
        let mut seen = vec![false; self.len()];
        let mut order = Vec::with_capacity(self.len());
        let mut list = Vec::new();
        for start in std::iter::once(self.entry).chain(0..self.len() as u32) {
            if self.is_empty() || std::mem::replace(&mut seen[start as usize], true) {
                continue;
            }
            let mut next = order.len();
            order.push(start);
            while next < order.len() {
                self.neighbours_into(order[next], 0, &mut list);
                for &node in &list {
                    if !std::mem::replace(&mut seen[node as usize], true) {
                        order.push(node);
                    }
                }
                next += 1;
            }
        }
        order
    }
}

impl Links for Graph {
    fn neighbours_into(&self, node: u32, layer: u8, into: &mut Vec<u32>) {
        let list = if layer == 0 {
            let width = self.layer0_width as usize;
            let start = node as usize * width;
            &self.layer0[start..start + width]
        } else {
            let width = self.upper_width as usize;
            let start = self.upper_start[node as usize] as usize + (layer as usize - 1) * width;
            &self.upper[start..start + width]
        };
        into.clear();
        into.extend(list.iter().copied().take_while(|&n| n != NONE));
    }
}

impl Graph {
    /// Checks the layout's invariants, so that a graph read from disk cannot index out of bounds.
    pub fn check(&self) -> Result<(), String> {
        let n = self.len();
        if n == 0 {
            return if self.layer0.is_empty() && self.upper.is_empty() {
                Ok(())
            } else {
                Err("links without nodes".into())
            };
        }
        let node_ok = |id: u32| id == NONE || (id as usize) < n;
        if self.entry as usize >= n
            || self.levels[self.entry as usize] != self.levels.iter().copied().max().unwrap_or(0)
        {
            return Err("its entry point is not on the top level".into());
        }
        if self.layer0_width == 0
            || self.layer0.len() != n * self.layer0_width as usize
            || self.upper_start.len() != n
        {
            return Err("its layer sizes do not match its node count".into());
        }
        if !self.layer0.iter().chain(&self.upper).all(|&id| node_ok(id)) {
            return Err("it links to nodes that do not exist".into());
        }
        let width = self.upper_width as usize;
        for (node, &level) in self.levels.iter().enumerate() {
            let start = self.upper_start[node];
            let fits = if level == 0 {
                start == NONE
            } else {
                start != NONE
                    && (start as usize)
                        .checked_add(level as usize * width)
                        .is_some_and(|end| end <= self.upper.len())
            };
            if !fits {
                return Err(format!("node {node}'s upper links are out of place"));
            }
        }
        Ok(())
    }
}
