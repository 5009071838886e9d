//! The audit section of `lookalike bench`: the whole catalog audited at several graph breadths, timed in its two parts (every product's neighbours, then the groups and votes), with the neighbour lists' recall@10 against exact search.

use std::time::Instant;

use crate::audit::{self, AuditOptions};
use crate::index::{Admit, exact, recall};
use crate::search::Corpus;

/// Graph breadths at which the audit is timed.
pub const AUDIT_EF: [usize; 4] = [16, 24, 32, 64];

/// Products whose neighbour lists are checked against exact search.
const RECALL_SAMPLE: usize = 500;

/// One whole-catalog audit at one breadth: how long each part took and what it found.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct AuditPoint {
    pub ef: usize,
    pub neighbours_s: f64,
    pub judge_s: f64,
    pub total_s: f64,
    /// recall@10 of the neighbour lists of a spread-out sample of products.
    pub recall: f64,
    pub duplicate_groups: usize,
    pub miscategorised: usize,
}

/// Audits every product of `corpus` at each of [`AUDIT_EF`], keeping every group and every
/// miscategorised product so that the counts are whole.
pub fn measure(corpus: &Corpus) -> Vec<AuditPoint> {
    let n = corpus.vectors.len();
    let sample: Vec<usize> = super::spread(&(0..n).collect::<Vec<_>>(), RECALL_SAMPLE.min(n));
    let truth: Vec<_> = sample
        .iter()
        .map(|&p| {
            let own = [p as u32];
            exact::search(
                &corpus.vectors,
                corpus.vectors.row(p),
                10,
                Admit::all_but(&own),
            )
        })
        .collect();
    AUDIT_EF
        .iter()
        .map(|&ef| {
            let options = AuditOptions {
                ef,
                top: usize::MAX,
                ..AuditOptions::default()
            };
            let start = Instant::now();
            let near = audit::neighbours(corpus, &options, None, &|_| {});
            let neighbours_s = start.elapsed().as_secs_f64();
            let found = audit::judge(corpus, &options, None, &near);
            let total_s = start.elapsed().as_secs_f64();
            let recall_sum: f64 = sample
                .iter()
                .zip(&truth)
                .map(|(&p, exact)| recall(&near[p], exact))
                .sum();
            AuditPoint {
                ef,
                neighbours_s,
                judge_s: total_s - neighbours_s,
                total_s,
                recall: recall_sum / sample.len().max(1) as f64,
                duplicate_groups: found.duplicates.len(),
                miscategorised: found.miscategorised.len(),
            }
        })
        .collect()
}

impl std::fmt::Display for AuditPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "audit ef {:<4}      {:.2} s (neighbours {:.2} s, groups and votes {:.2} s); recall@10 {:.4}; {} duplicate groups, {} miscategorised",
            self.ef,
            self.total_s,
            self.neighbours_s,
            self.judge_s,
            self.recall,
            self.duplicate_groups,
            self.miscategorised
        )
    }
}
