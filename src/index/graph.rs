//! The frozen HNSW graph: neighbour lists in flat `u32` arrays, searched with a reusable scratch buffer and no locks.

use std::collections::BinaryHeap;

use super::vectors::{Vectors, dot};
use super::{Best, Hit, Worst};

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

/// Per-searcher buffers reused across searches: a visited array stamped with an epoch, and two heaps.
#[derive(Debug, Default)]
pub struct Scratch {
    visited: Vec<u32>,
    epoch: u32,
    candidates: BinaryHeap<Best>,
    results: BinaryHeap<Worst>,
}

impl Scratch {
    fn start(&mut self, len: usize) {
        if self.visited.len() != len || self.epoch == u32::MAX {
            self.visited = vec![0; len];
            self.epoch = 0;
        }
        self.epoch += 1;
        self.candidates.clear();
        self.results.clear();
    }

    /// Marks a node visited; false if it already was in this search.
    fn visit(&mut self, node: u32) -> bool {
        let slot = &mut self.visited[node as usize];
        if *slot == self.epoch {
            false
        } else {
            *slot = self.epoch;
            true
        }
    }
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

    /// The neighbours of `node` on `level`.
    fn neighbours(&self, node: u32, level: u8) -> impl Iterator<Item = u32> + '_ {
        let list = if level == 0 {
            let width = self.layer0_width as usize;
            let start = node as usize * width;
            &self.layer0[start..start + width]
        } else {
            let width = self.upper_width as usize;
            let start = self.upper_start[node as usize] as usize + (level as usize - 1) * width;
            &self.upper[start..start + width]
        };
        list.iter().copied().take_while(|&n| n != NONE)
    }

    /// The `k` best nodes for `query`, best first, leaving out `exclude`; `ef` candidates are kept on layer 0.
    pub fn search(
        &self,
        vectors: &Vectors,
        query: &[f32],
        k: usize,
        ef: usize,
        exclude: Option<usize>,
        scratch: &mut Scratch,
    ) -> Vec<Hit> {
        if self.is_empty() || k == 0 {
            return Vec::new();
        }
        // One extra slot so that leaving out `exclude` still leaves k.
        let wanted = k + usize::from(exclude.is_some());
        let ef = ef.max(wanted);
        let mut best = Hit {
            index: self.entry,
            score: dot(query, vectors.row(self.entry as usize)),
        };
        for level in (1..=self.max_level()).rev() {
            let mut improved = true;
            while improved {
                improved = false;
                for node in self.neighbours(best.index, level) {
                    let score = dot(query, vectors.row(node as usize));
                    if score > best.score {
                        best = Hit { index: node, score };
                        improved = true;
                    }
                }
            }
        }
        scratch.start(self.len());
        scratch.visit(best.index);
        scratch.candidates.push(Best(best));
        scratch.results.push(Worst(best));
        while let Some(Best(candidate)) = scratch.candidates.pop() {
            let worst = scratch.results.peek().map_or(f32::MIN, |w| w.0.score);
            if candidate.score < worst && scratch.results.len() >= ef {
                break;
            }
            for node in self.neighbours(candidate.index, 0) {
                if !scratch.visit(node) {
                    continue;
                }
                let hit = Hit {
                    index: node,
                    score: dot(query, vectors.row(node as usize)),
                };
                let worst = scratch.results.peek().map_or(f32::MIN, |w| w.0.score);
                if scratch.results.len() < ef || hit.score > worst {
                    scratch.candidates.push(Best(hit));
                    scratch.results.push(Worst(hit));
                    if scratch.results.len() > ef {
                        scratch.results.pop();
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = scratch
            .results
            .drain()
            .map(|w| w.0)
            .filter(|h| Some(h.index as usize) != exclude)
            .collect();
        hits = super::sorted(hits);
        hits.truncate(k);
        hits
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
