//! Searches against brute force: random filters over random small catalogs give exactly the
//! matching products, ranked as scoring every matching vector ranks them; steering never returns an example.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::catalog::LoadOptions;
use crate::config::Settings;
use crate::embed::ModelIdentity;
use crate::embed::bulk::Batching;
use crate::embed::bulk::tests::{HASH_DIM, HashEmbedder};

const CATEGORIES: [&str; 3] = ["Kitchen", "Garden", "Toys"];
const TAGS: [&str; 3] = ["steel", "oak", "kids"];

/// A product row: a category, a price (or none) and some tags, picked by index.
fn rows() -> impl Strategy<Value = Vec<(usize, Option<u8>, Vec<usize>)>> {
    proptest::collection::vec(
        (
            0..CATEGORIES.len(),
            proptest::option::of(1u8..60),
            proptest::collection::vec(0..TAGS.len(), 0..3),
        ),
        1..60,
    )
}

/// A filter over those fields, up to two levels of AND, OR and NOT.
fn filters() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0..CATEGORIES.len()).prop_map(|c| format!("category = {}", CATEGORIES[c])),
        (0..TAGS.len()).prop_map(|t| format!("tags = {}", TAGS[t])),
        (1u8..60).prop_map(|p| format!("price < {p}")),
        (1u8..60).prop_map(|p| format!("price >= {p}")),
        Just("category IN [Garden, Toys]".to_string()),
    ];
    leaf.prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) AND ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) OR ({b})")),
            inner.prop_map(|a| format!("NOT ({a})")),
        ]
    })
}

fn corpus(dir: &Path, rows: &[(usize, Option<u8>, Vec<usize>)]) -> Corpus {
    let products: Vec<serde_json::Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (category, price, tags))| {
            serde_json::json!({
                "id": format!("P-{i}"),
                "title": format!("{} thing {i}", CATEGORIES[*category]),
                "category": CATEGORIES[*category],
                "price": price.map(f64::from),
                "tags": tags.iter().map(|t| TAGS[*t]).collect::<Vec<_>>(),
            })
        })
        .collect();
    corpus_of(dir, &products)
}

/// A corpus of `products` written as JSON Lines into `dir`, embedded by the stand-in
/// [`HashEmbedder`] (equal texts, equal vectors; others nearly orthogonal), with no cache.
pub(crate) fn corpus_of(dir: &Path, products: &[serde_json::Value]) -> Corpus {
    let lines: Vec<String> = products.iter().map(ToString::to_string).collect();
    let catalog: PathBuf = dir.join("products.jsonl");
    std::fs::write(&catalog, lines.join("\n")).unwrap();
    let options = OpenOptions {
        settings: Settings::parse("", None).unwrap(),
        catalog,
        load: LoadOptions::default(),
        cache_root: None,
        batching: Batching::LengthGrouped,
        checkpoint_every: CHECKPOINT_EVERY,
    };
    let model = ModelIdentity {
        id: "hash-embedder".into(),
        dim: HASH_DIM,
    };
    let embedder = || {
        Ok(Box::new(HashEmbedder {
            batches: Vec::new(),
        }) as Box<dyn Embedder>)
    };
    open_corpus(&options, &model, &mut { embedder }, &mut |_| {})
        .unwrap()
        .0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_filtered_search_is_brute_force_filtering_of_exact_search(
        rows in rows(),
        filter in filters(),
        k in 1usize..20,
        pick in any::<proptest::sample::Index>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path(), &rows);
        let compiled = Filter::parse(&filter, &corpus.schema).unwrap();
        let query = corpus.vectors.row(pick.index(rows.len())).to_vec();
        // Brute force: every matching product scored, best first.
        let mut expected: Vec<(u32, f32)> = (0..rows.len())
            .filter(|&p| compiled.matches(&corpus.catalog.products[p]))
            .map(|p| {
                let row = corpus.vectors.row(p);
                (p as u32, query.iter().zip(row).map(|(a, b)| a * b).sum::<f32>())
            })
            .collect();
        expected.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        expected.truncate(k);
        let allowed = corpus.allowed(&filter).unwrap();
        for (mode, method) in [(Mode::Semantic, Method::Exact), (Mode::Semantic, Method::Hnsw), (Mode::Hybrid, Method::Hnsw)] {
            let request = SearchRequest {
                mode,
                method,
                filter: Some(filter.clone()),
                ..SearchRequest::text("thing", k)
            };
            let answer = corpus
                .answer(&request, Some(&query), Some(&allowed), &mut Scratch::default())
                .unwrap();
            prop_assert_eq!(answer.hits.len(), expected.len(), "{} {} {}", filter, mode, method);
            prop_assert!(answer.hits.iter().all(|h| compiled.matches(corpus.product(h))));
            if mode == Mode::Semantic {
                for (hit, (_, score)) in answer.hits.iter().zip(&expected) {
                    prop_assert!((hit.score - score).abs() < 1e-5, "{:?} vs {:?}", answer.hits, expected);
                }
            }
        }
    }

    /// Steering returns min(k, products that are not examples) products, none of them an
    /// example, with either strategy, with and without a filter.
    #[test]
    fn examples_are_never_returned(
        rows in rows(),
        picks in proptest::collection::vec((any::<proptest::sample::Index>(), any::<bool>()), 1..6),
        k in 1usize..70,
        filtered in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path(), &rows);
        let (mut positive, mut negative) = (Vec::new(), Vec::new());
        for (pick, is_positive) in picks {
            let p = pick.index(rows.len());
            if !positive.contains(&p) && !negative.contains(&p) {
                if is_positive || positive.is_empty() { positive.push(p) } else { negative.push(p) }
            }
        }
        let filter = filtered.then(|| "category != Toys".to_string());
        let allowed = filter.as_deref().map(|f| corpus.allowed(f).unwrap());
        let examples: Vec<usize> = positive.iter().chain(&negative).copied().collect();
        let eligible = (0..rows.len())
            .filter(|p| !examples.contains(p) && (!filtered || rows[*p].0 != 2))
            .count();
        for strategy in [Steering::AverageVector, Steering::BestScore] {
            let request = SearchRequest {
                input: Input::Like(Examples { positive: positive.clone(), negative: negative.clone(), strategy }),
                filter: filter.clone(),
                ..SearchRequest::like(0, k)
            };
            let answer = corpus.answer(&request, None, allowed.as_ref(), &mut Scratch::default()).unwrap();
            prop_assert!(answer.hits.iter().all(|h| !examples.contains(&(h.index as usize))));
            prop_assert_eq!(answer.hits.len(), k.min(eligible), "{}", strategy);
        }
    }
}
