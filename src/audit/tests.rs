//! The audit's properties on small random catalogs (stand-in vectors: equal texts are equal
//! vectors, others nearly orthogonal): exact copies are always grouped, and a catalog of one
//! category has nothing miscategorised.

use proptest::prelude::*;

use super::*;
use crate::search::tests::corpus_of;

const WORDS: [&str; 6] = ["steel", "oak", "mug", "lamp", "rug", "kettle"];

/// Titles of up to three words, each with its own number, so that no two are equal.
fn titles() -> impl Strategy<Value = Vec<Vec<usize>>> {
    proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 1..4), 2..80)
}

fn product(i: usize, words: &[usize], category: &str) -> serde_json::Value {
    let title: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
    serde_json::json!({
        "id": format!("P-{i}"),
        "title": format!("{} {i}", title.join(" ")),
        "category": category,
        "price": 10.0,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_product_and_its_exact_copy_are_always_grouped(
        titles in titles(),
        pick in any::<proptest::sample::Index>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let original = pick.index(titles.len());
        let mut products: Vec<serde_json::Value> = titles
            .iter()
            .enumerate()
            .map(|(i, words)| product(i, words, "Kitchen"))
            .collect();
        let mut copy = products[original].clone();
        copy["id"] = serde_json::json!("COPY");
        products.push(copy);
        let corpus = corpus_of(dir.path(), &products);
        let audit = run(&corpus, &AuditOptions { top: usize::MAX, ..AuditOptions::default() }, None, &|_| {});
        let copy = titles.len() as u32;
        prop_assert_eq!(audit.duplicates.len(), 1, "{:?}", audit.duplicates);
        prop_assert_eq!(&audit.duplicates[0].members, &vec![original as u32, copy]);
        prop_assert!((audit.duplicates[0].score - 1.0).abs() < 1e-5);
        prop_assert!(audit.duplicates[0].differs.is_empty(), "{:?}", audit.duplicates[0].differs);
    }

    #[test]
    fn a_catalog_of_one_category_has_nothing_miscategorised(
        titles in titles(),
        spellings in proptest::collection::vec(0..3usize, 80),
    ) {
        let dir = tempfile::tempdir().unwrap();
        // One category, spelt as catalogs spell it: in other cases and with spaces around it.
        let spelt = ["Kitchen", "kitchen", " KITCHEN "];
        let products: Vec<serde_json::Value> = titles
            .iter()
            .enumerate()
            .map(|(i, words)| product(i, words, spelt[spellings[i]]))
            .collect();
        let corpus = corpus_of(dir.path(), &products);
        let options = AuditOptions { min_confidence: 0.0, ..AuditOptions::default() };
        let audit = run(&corpus, &options, None, &|_| {});
        prop_assert!(audit.miscategorised.is_empty(), "{:?}", audit.miscategorised);
    }
}

#[test]
fn differs_names_each_field_that_is_not_the_same_in_every_member() {
    let dir = tempfile::tempdir().unwrap();
    let products = [
        serde_json::json!({"id": "A", "title": "Steel Mug 12 oz", "brand": "Acme", "price": 10.0, "colour": "red"}),
        serde_json::json!({"id": "B", "title": "steel  mug 16 oz", "brand": "acme", "price": 10.0, "colour": "blue"}),
    ];
    let corpus = corpus_of(dir.path(), &products);
    let listed: Vec<_> = corpus.catalog.products.iter().collect();
    assert_eq!(duplicates::differs(&listed), ["size", "title", "colour"]);
}

#[test]
fn a_product_whose_neighbours_are_of_another_category_is_flagged_with_them_as_evidence() {
    // Product 0, filed under Toys, lies with the garden products 1 and 2; 3 is the only other toy.
    let rows = [
        [0.8, 0.6, 0.0],
        [0.6, 0.8, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0],
    ]
    .map(|r| r.to_vec());
    let vectors = crate::index::Vectors::from_rows(3, &rows);
    let neighbours = vec![
        vec![
            Hit {
                index: 1,
                score: 0.96,
            },
            Hit {
                index: 2,
                score: 0.8,
            },
            Hit {
                index: 3,
                score: 0.0,
            },
        ],
        Vec::new(),
        Vec::new(),
        Vec::new(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let products: Vec<serde_json::Value> = ["Toys", "Garden", "garden", "Toys"]
        .iter()
        .enumerate()
        .map(|(i, c)| product(i, &[i], c))
        .collect();
    let corpus = corpus_of(dir.path(), &products);
    let all = |_: usize| true;
    let found =
        categories::miscategorised(&neighbours, &vectors, 0.6, &corpus.catalog.products, &all);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].product, 0);
    assert_eq!(found[0].suggested, "Garden");
    assert!((found[0].confidence - 1.0).abs() < 1e-6);
    // The mean of the garden products is at cosine 0.99 with it, the other toy at 0.
    assert!(found[0].margin > 0.9, "{:?}", found[0]);
    let evidence: Vec<u32> = found[0].evidence.iter().map(|h| h.index).collect();
    assert_eq!(evidence, [1, 2]);
    // A toy that is as near its own category's others is not flagged, however its neighbours vote.
    let near_toy = [
        [0.8, 0.6, 0.0],
        [0.6, 0.8, 0.0],
        [1.0, 0.0, 0.0],
        [0.8, 0.6, 0.0],
    ]
    .map(|r| r.to_vec());
    let vectors = crate::index::Vectors::from_rows(3, &near_toy);
    assert!(
        categories::miscategorised(&neighbours, &vectors, 0.6, &corpus.catalog.products, &all)
            .is_empty()
    );
}
