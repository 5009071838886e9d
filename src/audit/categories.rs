//! Miscategorised products: a product whose neighbours, weighted by similarity, vote for another category than its own, and which lies nearer that category's products than its own's.

use std::collections::HashMap;

use crate::catalog::Product;
use crate::index::{Hit, Vectors, dot};

/// A product that looks filed in the wrong category.
#[derive(Debug, Clone, PartialEq)]
pub struct Miscategorised {
    /// The product's catalog position.
    pub product: u32,
    /// The category its neighbours vote for.
    pub suggested: String,
    /// The share of its neighbours' similarity that votes for `suggested`, 0 to 1.
    pub confidence: f32,
    /// How much nearer the product is to the mean of `suggested`'s products than to the mean of
    /// its own category's others (a difference of cosines): what the list is ordered by.
    pub margin: f32,
    /// The neighbours that vote for `suggested`, strongest first: the evidence.
    pub evidence: Vec<Hit>,
}

/// A category as compared: trimmed, lower case.
fn key(product: &Product) -> String {
    product.category.trim().to_lowercase()
}

/// The sum of the unit vectors of each category's audited products, and its squared length.
struct Centroids(HashMap<String, (Vec<f32>, f32)>);

impl Centroids {
    fn new(vectors: &Vectors, products: &[Product], audited: &dyn Fn(usize) -> bool) -> Self {
        let mut sums: HashMap<String, (Vec<f32>, f32)> = HashMap::new();
        for (position, product) in products.iter().enumerate() {
            let category = key(product);
            if category.is_empty() || !audited(position) {
                continue;
            }
            let sum = &mut sums
                .entry(category)
                .or_insert_with(|| (vec![0.0; vectors.dim()], 0.0))
                .0;
            for (s, v) in sum.iter_mut().zip(vectors.row(position)) {
                *s += v;
            }
        }
        for (sum, square) in sums.values_mut() {
            *square = dot(sum, sum);
        }
        Self(sums)
    }

    /// The cosine of `row` with the mean of `category`'s products, `row` itself left out when
    /// it is one of them (its own unit vector taken off the sum without copying it).
    fn cosine(&self, row: &[f32], category: &str, member: bool) -> f32 {
        let Some((sum, square)) = self.0.get(category) else {
            return 0.0;
        };
        let along = dot(row, sum);
        let (along, square) = if member {
            (along - 1.0, square - 2.0 * along + 1.0)
        } else {
            (along, *square)
        };
        if square <= 1e-6 {
            0.0
        } else {
            along / square.sqrt()
        }
    }
}

/// The products whose neighbours give another category than theirs at least `min_confidence`
/// of the vote and that lie nearer that category than their own, by the largest margin first.
/// Products without a category neither vote nor are judged; `audited` says which products the
/// neighbour lists are of.
pub fn miscategorised(
    neighbours: &[Vec<Hit>],
    vectors: &Vectors,
    min_confidence: f32,
    products: &[Product],
    audited: &dyn Fn(usize) -> bool,
) -> Vec<Miscategorised> {
    let centroids = Centroids::new(vectors, products, audited);
    let mut found: Vec<Miscategorised> = neighbours
        .iter()
        .enumerate()
        .filter_map(|(position, hits)| {
            let own = key(&products[position]);
            if own.is_empty() {
                return None;
            }
            let mut tally: Vec<(String, f32)> = Vec::new();
            for hit in hits {
                let category = key(&products[hit.index as usize]);
                if category.is_empty() {
                    continue;
                }
                let weight = hit.score.max(0.0);
                match tally.iter_mut().find(|(c, _)| *c == category) {
                    Some(entry) => entry.1 += weight,
                    None => tally.push((category, weight)),
                }
            }
            let total: f32 = tally.iter().map(|t| t.1).sum();
            let (winner, weight) = tally
                .into_iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
            let confidence = weight / total;
            if winner == own || total <= 0.0 || confidence < min_confidence {
                return None;
            }
            let row = vectors.row(position);
            let margin = centroids.cosine(row, &winner, false) - centroids.cosine(row, &own, true);
            if margin <= 0.0 {
                return None;
            }
            let evidence: Vec<Hit> = hits
                .iter()
                .filter(|h| key(&products[h.index as usize]) == winner)
                .copied()
                .collect();
            let suggested = products[evidence.first()?.index as usize].category.clone();
            Some(Miscategorised {
                product: position as u32,
                suggested,
                confidence,
                margin,
                evidence,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.margin
            .total_cmp(&a.margin)
            .then(a.product.cmp(&b.product))
    });
    found
}
