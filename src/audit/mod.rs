//! `lookalike audit`: near-duplicate groups and miscategorised products, found from each product's nearest neighbours in the graph (no all-pairs pass).

mod categories;
mod duplicates;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

pub use categories::Miscategorised;
pub use duplicates::DuplicateGroup;

use crate::index::{self, Hit, Scratch};
use crate::search::Corpus;

/// How an audit looks and what it reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuditOptions {
    /// Neighbours found for each product: the edges of the duplicate groups and the category vote.
    pub neighbours: usize,
    /// Candidates kept while walking the graph for them. 16 by default: at 100,000 products its
    /// lists have recall@10 0.995 against exact search and give the same groups and votes as
    /// 64 in 0.4 of the time (`lookalike bench --only audit`; README, "Audit").
    pub ef: usize,
    /// Two products are duplicates when their cosine is at least this.
    pub min_score: f32,
    /// A product is miscategorised when at least this share of its neighbours' similarity votes
    /// for another category (and it lies nearer that category's products than its own's).
    pub min_confidence: f32,
    /// Entries kept in each list, strongest first.
    pub top: usize,
}

/// Chosen on the bundled catalog with reworded copies and wrong categories planted in it
/// (`tests/audit.rs`; README, "Audit").
pub const DEFAULT_MIN_SCORE: f32 = 0.85;
pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.3;

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            neighbours: 10,
            ef: 16,
            min_score: DEFAULT_MIN_SCORE,
            min_confidence: DEFAULT_MIN_CONFIDENCE,
            top: 20,
        }
    }
}

/// What an audit found, both lists strongest first.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    pub duplicates: Vec<DuplicateGroup>,
    pub miscategorised: Vec<Miscategorised>,
    /// How many products were audited (those the filter matches).
    pub audited: usize,
}

/// Each product's `neighbours` nearest of those `mask` allows, by catalog position; empty for
/// a product the mask leaves out. Spread over the cores, taking the products in the graph's
/// breadth-first order so that each core's next search starts among vectors the last one
/// loaded; `progress` is told how many products are done, now and then, from any of them.
pub fn neighbours(
    corpus: &Corpus,
    options: &AuditOptions,
    mask: Option<&[bool]>,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Vec<Hit>> {
    const REPORT_EVERY: usize = 4096;
    let done = AtomicUsize::new(0);
    let found: Vec<(u32, Vec<Hit>)> = corpus
        .graph
        .breadth_first()
        .into_par_iter()
        .map_init(Scratch::default, |scratch, node| {
            let hits = if mask.is_none_or(|m| m[node as usize]) {
                index::neighbours_of(
                    &corpus.graph,
                    &corpus.vectors,
                    node,
                    options.neighbours,
                    options.ef,
                    mask,
                    scratch,
                )
            } else {
                Vec::new()
            };
            let count = done.fetch_add(1, Ordering::Relaxed) + 1;
            if count.is_multiple_of(REPORT_EVERY) {
                progress(count);
            }
            (node, hits)
        })
        .collect();
    let mut near = vec![Vec::new(); corpus.vectors.len()];
    for (node, hits) in found {
        near[node as usize] = hits;
    }
    near
}

/// Audits the products `mask` allows (all without one).
pub fn run(
    corpus: &Corpus,
    options: &AuditOptions,
    mask: Option<&[bool]>,
    progress: &(dyn Fn(usize) + Sync),
) -> Audit {
    let near = neighbours(corpus, options, mask, progress);
    judge(corpus, options, mask, &near)
}

/// Groups the duplicates and takes the category votes from neighbour lists [`neighbours`] found.
pub fn judge(
    corpus: &Corpus,
    options: &AuditOptions,
    mask: Option<&[bool]>,
    near: &[Vec<Hit>],
) -> Audit {
    let products = &corpus.catalog.products;
    let mut duplicates = duplicates::groups(near, options.min_score, products);
    duplicates.truncate(options.top);
    let audited = |p: usize| mask.is_none_or(|m| m[p]);
    let mut miscategorised = categories::miscategorised(
        near,
        &corpus.vectors,
        options.min_confidence,
        products,
        &audited,
    );
    miscategorised.truncate(options.top);
    Audit {
        duplicates,
        miscategorised,
        audited: mask.map_or(products.len(), |m| m.iter().filter(|&&a| a).count()),
    }
}

#[cfg(test)]
mod tests;
