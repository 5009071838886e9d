//! The engine end to end on the real model and the bundled catalog: reference vectors, paraphrase queries, look-alikes, recall.

mod common;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock};

use lookalike::catalog::LoadOptions;
use lookalike::config::Settings;
use lookalike::embed::bulk::Batching;
use lookalike::embed::{Embedder, OnnxEmbedder, Threads};
use lookalike::index::{Method, recall};
use lookalike::search::{Engine, OpenOptions, open};

fn bundled_options(cache: Option<&Path>) -> OpenOptions {
    OpenOptions {
        settings: Settings::parse(lookalike::config::DEFAULT_CONFIG, None).unwrap(),
        catalog: common::bundled_catalog(),
        load: LoadOptions::default(),
        cache_root: cache.map(Path::to_path_buf),
        batching: Batching::LengthGrouped,
        checkpoint_every: lookalike::search::CHECKPOINT_EVERY,
    }
}

/// The bundled catalog, embedded once (no cache) and shared by the tests of this file.
fn bundled() -> MutexGuard<'static, Engine> {
    static ENGINE: OnceLock<Mutex<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            Mutex::new(
                open(&bundled_options(None), &common::model_files(), &mut |_| {})
                    .unwrap()
                    .0,
            )
        })
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn ids(engine: &Engine, hits: &[lookalike::index::Hit]) -> Vec<String> {
    hits.iter()
        .map(|h| engine.corpus.product(h).id.clone())
        .collect()
}

/// Words of a text, lowercased, without a few English function words.
fn content_words(text: &str) -> std::collections::HashSet<String> {
    const FUNCTION_WORDS: [&str; 14] = [
        "a", "an", "the", "to", "my", "for", "of", "and", "with", "in", "on", "me", "from", "that",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !FUNCTION_WORDS.contains(&w.as_str()))
        .collect()
}

#[test]
fn embedding_matches_reference_vectors() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("data/reference_vectors.json")).unwrap();
    let mut embedder = OnnxEmbedder::load(&common::model_files(), Threads::AtMost(1)).unwrap();
    for item in reference.as_array().unwrap() {
        let text = item["text"].as_str().unwrap();
        let expected: Vec<f32> = item["vector"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let actual = embedder.embed_batch(&[text]).unwrap().remove(0);
        assert_eq!(actual.len(), embedder.dim());
        assert_eq!(embedder.dim(), 384, "all-MiniLM-L6-v2 makes 384-d vectors");
        let norm = actual.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{text}: norm {norm}");
        let worst = actual
            .iter()
            .zip(&expected)
            .map(|(a, e)| (a - e).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-4,
            "{text}: differs from the reference by up to {worst}"
        );
    }
}

#[test]
fn batched_and_single_embeddings_agree() {
    let mut embedder = OnnxEmbedder::load(&common::model_files(), Threads::All).unwrap();
    let texts = [
        "short",
        "a much longer text that pads the short one in the same batch",
    ];
    let batch = embedder.embed_batch(&texts).unwrap();
    for (text, batched) in texts.iter().zip(&batch) {
        let single = embedder.embed_batch(&[text]).unwrap().remove(0);
        let worst = single
            .iter()
            .zip(batched)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-4,
            "{text}: padding changed the vector by {worst}"
        );
    }
}

/// Queries in everyday words, and the product each describes. No query shares a content word with its product.
const PARAPHRASES: [(&str, &str); 12] = [
    ("something to keep my coffee hot", "KD-1001"),
    ("a place to sit outside in the garden", "FU-1001"),
    ("cut vegetables quickly", "KD-1004"),
    ("dog keeps pulling on walks", "PS-1001"),
    ("help me fall asleep", "HD-1001"),
    ("grind beans for espresso", "CT-1001"),
    ("shoes for jogging", "FW-1001"),
    ("stop my phone from dying", "EC-1033"),
    ("warm clothing for snowy hikes", "SF-1001"),
    ("toy that teaches kids to code", "EC-1034"),
    ("listen to music without bothering others", "AH-1001"),
    ("tidy up facial hair", "BP-1001"),
];

#[test]
fn paraphrase_queries_find_products_that_share_no_word_with_them() {
    let mut engine = bundled();
    let mut ranks = Vec::new();
    for (query, target) in PARAPHRASES {
        let position = engine.corpus.catalog.position(target).unwrap();
        let product = &engine.corpus.catalog.products[position];
        let product_text = format!(
            "{} {} {} {} {}",
            product.title,
            product.description,
            product.category,
            product.brand,
            product.tags.join(" ")
        );
        let shared: Vec<_> = content_words(query)
            .intersection(&content_words(&product_text))
            .cloned()
            .collect();
        assert!(
            shared.is_empty(),
            "{query:?} shares {shared:?} with {target}: a keyword search could find it"
        );

        let answer = engine.query(query, 30, Method::Hnsw).unwrap();
        let found = ids(&engine, &answer.hits);
        let rank = found.iter().position(|id| id == target).map(|r| r + 1);
        assert!(
            rank.is_some(),
            "{query:?}: {target} not in the top 30 of 544: {found:?}"
        );
        ranks.push(rank.unwrap_or(99));
    }
    ranks.sort_unstable();
    assert!(
        ranks[ranks.len() / 2] <= 5,
        "median rank {} (ranks {ranks:?})",
        ranks[ranks.len() / 2]
    );
    let top_five = ranks.iter().filter(|r| **r <= 5).count();
    assert!(
        top_five >= 8,
        "only {top_five} of 12 in the top 5 (ranks {ranks:?})"
    );
}

#[test]
fn the_coffee_query_finds_insulated_drinkware_near_the_top() {
    let mut engine = bundled();
    let answer = engine
        .query("something to keep my coffee hot", 5, Method::Hnsw)
        .unwrap();
    let insulated = answer
        .hits
        .iter()
        .filter(|h| engine.corpus.product(h).title.contains("Insulated"))
        .count();
    assert!(insulated >= 2, "top 5: {:?}", ids(&engine, &answer.hits));
    assert!(ids(&engine, &answer.hits).contains(&"KD-1001".to_string()));
}

#[test]
fn similar_returns_look_alikes_and_leaves_the_product_out() {
    let mut engine = bundled();
    // Each product, and look-alikes of which at least one should be among its five nearest.
    let cases = [
        ("KD-1001", &["KD-1002", "CT-1021", "KD-1003"][..]),
        ("FW-1002", &["FW-1001", "FW-1003", "FW-1004"][..]),
        ("AH-1001", &["AH-1002", "AH-1003"][..]),
        ("EC-1033", &["PA-1001", "PA-1004"][..]),
        ("PS-1001", &["PS-1002", "PS-1003"][..]),
        ("KD-1004", &["KD-1005", "KD-1006"][..]),
    ];
    for (id, look_alikes) in cases {
        let position = engine.corpus.catalog.position(id).unwrap();
        let answer = engine.similar(position, 5, Method::Hnsw);
        let found = ids(&engine, &answer.hits);
        assert!(
            !found.contains(&id.to_string()),
            "{id} is its own look-alike"
        );
        assert!(
            look_alikes.iter().any(|l| found.contains(&l.to_string())),
            "{id} ({}): none of {look_alikes:?} in {found:?}",
            engine.corpus.catalog.products[position].title
        );
    }
}

#[test]
fn hnsw_recall_at_10_against_exact_on_the_bundled_catalog() {
    let mut engine = bundled();
    let queries =
        lookalike::cmd::bench::queries::parse(lookalike::cmd::bench::queries::WANDS_QUERIES);
    assert!(queries.len() >= 400);
    let mut text_recall = 0.0;
    for query in &queries {
        let approximate = engine.query(query, 10, Method::Hnsw).unwrap();
        let exact = engine.query(query, 10, Method::Exact).unwrap();
        text_recall += recall(&approximate.hits, &exact.hits);
    }
    text_recall /= queries.len() as f64;
    let n = engine.corpus.catalog.len();
    let mut item_recall = 0.0;
    for position in 0..n {
        let approximate = engine.similar(position, 10, Method::Hnsw);
        let exact = engine.similar(position, 10, Method::Exact);
        item_recall += recall(&approximate.hits, &exact.hits);
    }
    item_recall /= n as f64;
    assert!(text_recall >= 0.98, "text query recall@10 {text_recall:.4}");
    assert!(
        item_recall >= 0.98,
        "product-to-product recall@10 {item_recall:.4}"
    );
}

#[test]
fn a_second_open_reuses_every_vector_and_the_index() {
    let cache = tempfile::tempdir().unwrap();
    let options = bundled_options(Some(cache.path()));
    let files = common::model_files();
    let (mut cold, cold_report) = open(&options, &files, &mut |_| {}).unwrap();
    assert_eq!((cold_report.embedded, cold_report.reused), (544, 0));
    let (mut warm, warm_report) = open(&options, &files, &mut |_| {}).unwrap();
    assert_eq!((warm_report.embedded, warm_report.reused), (0, 544));
    assert!(
        warm_report.graph_from_cache && warm_report.notices.is_empty(),
        "{:?}",
        warm_report.notices
    );
    let a = cold.query("standing desk", 10, Method::Hnsw).unwrap();
    let b = warm.query("standing desk", 10, Method::Hnsw).unwrap();
    assert_eq!(ids(&cold, &a.hits), ids(&warm, &b.hits));
    assert_eq!(cold.corpus.vectors, warm.corpus.vectors);
}
