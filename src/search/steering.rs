//! Steering by examples: the two ways positive and negative products become one ranking (Qdrant's `average_vector` and `best_score`).

use crate::index::{self, Hit, Vectors, dot};

/// 2·mean(positives) − mean(negatives), or the mean of the positives without negatives;
/// normalised, so that its inner products are cosines.
pub fn average_vector(positive: &[&[f32]], negative: &[&[f32]]) -> Vec<f32> {
    let dim = positive.first().map_or(0, |row| row.len());
    let mut query = vec![0.0f32; dim];
    let (pull, push) = if negative.is_empty() {
        (1.0, 0.0)
    } else {
        (2.0, 1.0)
    };
    for row in positive {
        for (q, v) in query.iter_mut().zip(*row) {
            *q += pull * v / positive.len() as f32;
        }
    }
    for row in negative {
        for (q, v) in query.iter_mut().zip(*row) {
            *q -= push * v / negative.len() as f32;
        }
    }
    let norm = query.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        for v in &mut query {
            *v /= norm;
        }
    }
    query
}

/// The `k` best of `candidates` (repeats allowed): a product scores its best cosine with a
/// positive when that beats its best with a negative, and minus its best with a negative
/// otherwise, so that every product nearer a negative ranks below every product that is not.
pub fn best_score(
    vectors: &Vectors,
    mut candidates: Vec<u32>,
    positive: &[&[f32]],
    negative: &[&[f32]],
    k: usize,
) -> Vec<Hit> {
    candidates.sort_unstable();
    candidates.dedup();
    let best = |row: &[f32], examples: &[&[f32]]| {
        examples
            .iter()
            .map(|e| dot(row, e))
            .fold(f32::NEG_INFINITY, f32::max)
    };
    let hits = candidates
        .into_iter()
        .map(|index| {
            let row = vectors.row(index as usize);
            let like = best(row, positive);
            let unlike = best(row, negative);
            let score = if like > unlike { like } else { -unlike };
            Hit { index, score }
        })
        .collect();
    let mut hits = index::sorted(hits);
    hits.truncate(k);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn the_average_vector_of_one_positive_is_that_positive() {
        let a = unit(&[3.0, 4.0, 0.0]);
        assert_eq!(average_vector(&[&a], &[]), a);
    }

    #[test]
    fn a_negative_pushes_the_average_vector_away_from_it() {
        let (a, b, c) = (
            unit(&[1.0, 1.0, 0.0]),
            unit(&[1.0, 0.0, 1.0]),
            unit(&[0.0, 1.0, 0.0]),
        );
        let with = average_vector(&[&a, &b], &[&c]);
        let without = average_vector(&[&a, &b], &[]);
        assert!(dot(&with, &c) < dot(&without, &c));
        assert!((dot(&with, &with) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn best_score_ranks_products_nearer_a_negative_below_the_rest() {
        let rows = [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.6, 0.8]].map(|r| r.to_vec());
        let vectors = Vectors::from_rows(2, &rows);
        let (positive, negative) = ([1.0f32, 0.0], [0.0f32, 1.0]);
        let hits = best_score(&vectors, vec![3, 2, 1, 0, 1], &[&positive], &[&negative], 4);
        let order: Vec<u32> = hits.iter().map(|h| h.index).collect();
        // 0 and 1 are nearer the positive; 3 then 2 are nearer the negative, 2 the nearest.
        assert_eq!(order, [0, 1, 3, 2]);
        assert!(hits[1].score > 0.0 && hits[2].score < 0.0);
    }
}
