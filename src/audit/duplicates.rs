//! Near-duplicate groups: products joined by neighbour links at or above a cosine, as connected components (union-find), with the fields in which their members differ.

use crate::catalog::{Product, extra_names};
use crate::index::Hit;

/// Products that are likely the same product listed more than once.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateGroup {
    /// Catalog positions, in catalog order.
    pub members: Vec<u32>,
    /// The weakest link that joins the group: every member is joined to the rest through links at least this similar.
    pub score: f32,
    /// The fields whose values are not the same in every member, e.g. `price`, `brand`, `size`.
    pub differs: Vec<String>,
}

/// Disjoint sets over catalog positions, each root keeping the weakest link merged into it.
struct Components {
    parent: Vec<u32>,
    weakest: Vec<f32>,
}

impl Components {
    fn new(len: usize) -> Self {
        Self {
            parent: (0..len as u32).collect(),
            weakest: vec![f32::INFINITY; len],
        }
    }

    fn root(&mut self, mut node: u32) -> u32 {
        while self.parent[node as usize] != node {
            let up = self.parent[self.parent[node as usize] as usize];
            self.parent[node as usize] = up;
            node = up;
        }
        node
    }

    /// Joins the sets of `a` and `b` by a link of `score`, links offered strongest first.
    fn join(&mut self, a: u32, b: u32, score: f32) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            let (keep, gone) = (ra.min(rb), ra.max(rb));
            self.parent[gone as usize] = keep;
            let weakest = self.weakest[keep as usize]
                .min(self.weakest[gone as usize])
                .min(score);
            self.weakest[keep as usize] = weakest;
        }
    }
}

/// The groups `neighbours` (by catalog position) link at `min_score` or more, strongest first
/// (then larger, then earlier in the catalog).
pub fn groups(
    neighbours: &[Vec<Hit>],
    min_score: f32,
    products: &[Product],
) -> Vec<DuplicateGroup> {
    let mut links: Vec<(f32, u32, u32)> = neighbours
        .iter()
        .enumerate()
        .flat_map(|(a, hits)| {
            hits.iter()
                .filter(|h| h.score >= min_score)
                .map(move |h| (h.score, a as u32, h.index))
        })
        .collect();
    links.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut components = Components::new(neighbours.len());
    for &(score, a, b) in &links {
        components.join(a, b, score);
    }
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); neighbours.len()];
    for node in 0..neighbours.len() as u32 {
        let root = components.root(node);
        members[root as usize].push(node);
    }
    let mut groups: Vec<DuplicateGroup> = members
        .into_iter()
        .enumerate()
        .filter(|(_, m)| m.len() > 1)
        .map(|(root, members)| {
            let listed: Vec<&Product> = members.iter().map(|&m| &products[m as usize]).collect();
            DuplicateGroup {
                score: components.weakest[root],
                differs: differs(&listed),
                members,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.members.len().cmp(&a.members.len()))
            .then(a.members[0].cmp(&b.members[0]))
    });
    groups
}

/// A field's value as compared: trimmed, lower case, runs of white space as one space.
fn normal(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a title that hold a digit (`20`, `20oz`, `3-pack`): its sizes and counts.
fn sizes(title: &str) -> Vec<String> {
    let mut sizes: Vec<String> = title
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    sizes.sort_unstable();
    sizes
}

/// The fields in which `products` are not all the same: price, brand, size (the numbers in the
/// titles), category, title, description, tags, then the catalog's other fields by name.
pub fn differs(products: &[&Product]) -> Vec<String> {
    let tags = |p: &Product| {
        let mut tags: Vec<String> = p.tags.iter().map(|t| normal(t)).collect();
        tags.sort_unstable();
        tags.join("\u{0}")
    };
    let values: [(&str, Vec<String>); 7] = [
        (
            "price",
            products.iter().map(|p| format!("{:?}", p.price)).collect(),
        ),
        ("brand", products.iter().map(|p| normal(&p.brand)).collect()),
        (
            "size",
            products.iter().map(|p| sizes(&p.title).join(" ")).collect(),
        ),
        (
            "category",
            products.iter().map(|p| normal(&p.category)).collect(),
        ),
        ("title", products.iter().map(|p| normal(&p.title)).collect()),
        (
            "description",
            products.iter().map(|p| normal(&p.description)).collect(),
        ),
        ("tags", products.iter().map(|p| tags(p)).collect()),
    ];
    let mut differs: Vec<String> = values
        .into_iter()
        .filter(|(_, v)| v.iter().any(|x| x != &v[0]))
        .map(|(name, _)| name.to_string())
        .collect();
    for name in extra_names(products) {
        let value = |p: &Product| p.extra(name).map(normal);
        let first = value(products[0]);
        if products.iter().any(|p| value(p) != first) {
            differs.push(name.to_string());
        }
    }
    differs
}
