//! The two walks an HNSW search is made of, over any layered neighbour lists: the greedy descent through the upper layers and the best-first search of one layer.
//!
//! The frozen [`Graph`](super::Graph) and the graph being built both walk with these; a
//! [`Scratch`] keeps each walker's buffers from one search to the next.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::simd::{self, dot};
use super::{Best, Hit, Vectors, Worst};

/// Neighbour lists by node and layer.
pub trait Links {
    /// Replaces the contents of `into` with `node`'s neighbours on `layer`.
    fn neighbours_into(&self, node: u32, layer: u8, into: &mut Vec<u32>);
}

/// `vectors`' rows by node, with the match on how they are stored done once per walk, not per node.
fn rows<'a>(vectors: &'a Vectors) -> impl Fn(u32) -> &'a [f32] + 'a {
    let (flat, dim) = (vectors.as_flat(), vectors.dim());
    move |node| &flat[node as usize * dim..(node as usize + 1) * dim]
}

/// Keeps `hit` as a candidate to expand if it is good enough, and among the `ef` best results
/// too if it is `admitted`.
fn offer(
    candidates: &mut BinaryHeap<Best>,
    results: &mut BinaryHeap<Worst>,
    hit: Hit,
    ef: usize,
    admitted: bool,
) {
    let worst = results.peek().map_or(f32::MIN, |w| w.0.score);
    if results.len() < ef || hit.score > worst {
        candidates.push(Reverse(Worst(hit)));
        if admitted {
            results.push(Worst(hit));
            if results.len() > ef {
                results.pop();
            }
        }
    }
}

/// Per-walker buffers reused across searches: a visited array stamped with an epoch, two heaps,
/// the list being expanded and its nodes not yet visited.
#[derive(Debug, Default)]
pub struct Scratch {
    visited: Vec<u32>,
    epoch: u32,
    candidates: BinaryHeap<Best>,
    results: BinaryHeap<Worst>,
    list: Vec<u32>,
    unvisited: Vec<u32>,
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
        let fresh = *slot != self.epoch;
        *slot = self.epoch;
        fresh
    }

    /// Walks down from `entry` on `from_level` to `down_to`, on each layer greedily, and returns
    /// the node best for `query` where it stops.
    pub fn descend(
        &mut self,
        links: &impl Links,
        vectors: &Vectors,
        query: &[f32],
        entry: u32,
        from_level: u8,
        down_to: u8,
    ) -> Hit {
        let mut best = Hit {
            index: entry,
            score: dot(query, vectors.row(entry as usize)),
        };
        for layer in (down_to..=from_level).rev() {
            best = self.greedy(links, vectors, query, best, layer);
        }
        best
    }

    /// Moves on `layer` from `best` to a neighbour better for `query` for as long as there is one.
    fn greedy(
        &mut self,
        links: &impl Links,
        vectors: &Vectors,
        query: &[f32],
        mut best: Hit,
        layer: u8,
    ) -> Hit {
        let row = rows(vectors);
        let mut improved = true;
        while improved {
            improved = false;
            links.neighbours_into(best.index, layer, &mut self.list);
            for &node in &self.list {
                let score = dot(query, row(node));
                if score > best.score {
                    best = Hit { index: node, score };
                    improved = true;
                }
            }
        }
        best
    }

    /// Best-first search of `layer` from `entry`, keeping the `ef` nodes best for `query` of
    /// those `admits` admits; they are left in the results heap for [`Scratch::take_results`].
    /// Nodes it does not admit are still expanded, so that the walk reaches past them.
    #[allow(clippy::too_many_arguments)]
    pub fn search_layer(
        &mut self,
        links: &impl Links,
        vectors: &Vectors,
        query: &[f32],
        entry: Hit,
        layer: u8,
        ef: usize,
        admits: impl Fn(u32) -> bool,
    ) {
        self.start(vectors.len());
        self.visit(entry.index);
        self.candidates.push(Reverse(Worst(entry)));
        if admits(entry.index) {
            self.results.push(Worst(entry));
        }
        let row = rows(vectors);
        let mut list = std::mem::take(&mut self.list);
        while let Some(Reverse(Worst(candidate))) = self.candidates.pop() {
            let worst = self.results.peek().map_or(f32::MIN, |w| w.0.score);
            if candidate.score < worst && self.results.len() >= ef {
                break;
            }
            links.neighbours_into(candidate.index, layer, &mut list);
            // All of a node's new neighbours are fetched before any is scored, so that their
            // loads from memory overlap.
            self.unvisited.clear();
            for &node in &list {
                if self.visit(node) {
                    simd::prefetch(row(node));
                    self.unvisited.push(node);
                }
            }
            // Scored four at a time, so that four rows are read at once (`simd::dot4`).
            let mut groups = self.unvisited.chunks_exact(4);
            for group in &mut groups {
                let scores = simd::dot4(query, [group[0], group[1], group[2], group[3]].map(&row));
                for (&index, score) in group.iter().zip(scores) {
                    offer(
                        &mut self.candidates,
                        &mut self.results,
                        Hit { index, score },
                        ef,
                        admits(index),
                    );
                }
            }
            for &index in groups.remainder() {
                let hit = Hit {
                    index,
                    score: dot(query, row(index)),
                };
                offer(
                    &mut self.candidates,
                    &mut self.results,
                    hit,
                    ef,
                    admits(index),
                );
            }
        }
        self.list = list;
    }

    /// The results of the last [`Scratch::search_layer`], in no order.
    pub fn take_results(&mut self) -> impl Iterator<Item = Hit> + '_ {
        self.results.drain().map(|w| w.0)
    }
}
