//! The engine end to end on the real model and the bundled catalog: reference vectors, paraphrase queries, look-alikes, recall.

mod common;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock};

use lookalike::catalog::LoadOptions;
use lookalike::config::Settings;
use lookalike::embed::bulk::Batching;
use lookalike::embed::{Embedder, OnnxEmbedder, Threads};
use lookalike::index::{Hit, Method, recall};
use lookalike::search::{
    Answer, Engine, Examples, Found, Input, Mode, OpenOptions, SearchRequest, Steering, open,
};

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

fn ids(engine: &Engine, hits: &[Found]) -> Vec<String> {
    hits.iter()
        .map(|h| engine.corpus.product(h).id.clone())
        .collect()
}

/// A text query as users make it: hybrid, the default ratio, the index.
fn query(engine: &mut Engine, text: &str, k: usize) -> Answer {
    engine.search(&SearchRequest::text(text, k)).unwrap()
}

/// A text query by meaning only.
fn by_meaning(engine: &mut Engine, text: &str, k: usize, method: Method) -> Answer {
    let request = SearchRequest {
        mode: Mode::Semantic,
        method,
        ..SearchRequest::text(text, k)
    };
    engine.search(&request).unwrap()
}

/// Products like the product at `position`.
fn like(engine: &mut Engine, position: usize, k: usize, method: Method) -> Answer {
    let request = SearchRequest {
        method,
        ..SearchRequest::like(position, k)
    };
    engine.search(&request).unwrap()
}

/// Hits as the index module ranks them, for recall.
fn as_hits(answer: &Answer) -> Vec<Hit> {
    answer
        .hits
        .iter()
        .map(|f| Hit {
            index: f.index,
            score: f.score,
        })
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
    for (text, target) in PARAPHRASES {
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
        let shared: Vec<_> = content_words(text)
            .intersection(&content_words(&product_text))
            .cloned()
            .collect();
        assert!(
            shared.is_empty(),
            "{text:?} shares {shared:?} with {target}: a keyword search could find it"
        );

        let answer = query(&mut engine, text, 30);
        let found = ids(&engine, &answer.hits);
        let rank = found.iter().position(|id| id == target).map(|r| r + 1);
        assert!(
            rank.is_some(),
            "{text:?}: {target} not in the top 30 of 544: {found:?}"
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
    let answer = query(&mut engine, "something to keep my coffee hot", 5);
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
        let answer = like(&mut engine, position, 5, Method::Hnsw);
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
        let approximate = by_meaning(&mut engine, query, 10, Method::Hnsw);
        let exact = by_meaning(&mut engine, query, 10, Method::Exact);
        text_recall += recall(&as_hits(&approximate), &as_hits(&exact));
    }
    text_recall /= queries.len() as f64;
    let n = engine.corpus.catalog.len();
    let mut item_recall = 0.0;
    for position in 0..n {
        let approximate = like(&mut engine, position, 10, Method::Hnsw);
        let exact = like(&mut engine, position, 10, Method::Exact);
        item_recall += recall(&as_hits(&approximate), &as_hits(&exact));
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
        warm_report.graph_from_cache
            && warm_report.lexical_from_cache
            && warm_report.notices.is_empty(),
        "{:?}",
        warm_report.notices
    );
    let a = query(&mut cold, "standing desk", 10);
    let b = query(&mut warm, "standing desk", 10);
    assert_eq!(ids(&cold, &a.hits), ids(&warm, &b.hits));
    assert_eq!(cold.corpus.vectors, warm.corpus.vectors);
}

/// Products of a brand, ids and model numbers typed into the query: found first by their words,
/// which the model alone misses (a made-up brand has no meaning to it).
#[test]
fn brands_ids_and_model_numbers_are_found_first_in_the_default_mode() {
    let mut engine = bundled();
    let thermavale: Vec<String> = engine
        .corpus
        .catalog
        .products
        .iter()
        .filter(|p| p.brand == "Thermavale")
        .map(|p| p.id.clone())
        .collect();
    assert!(thermavale.len() >= 3);
    let answer = query(&mut engine, "Thermavale", 10);
    let top = ids(&engine, &answer.hits[..thermavale.len()]);
    assert!(top.iter().all(|id| thermavale.contains(id)), "{top:?}");
    let by_meaning_only = by_meaning(&mut engine, "Thermavale", 10, Method::Hnsw);
    assert!(
        ids(&engine, &by_meaning_only.hits)
            .iter()
            .filter(|id| thermavale.contains(id))
            .count()
            < thermavale.len(),
        "the model alone finds the brand: the test shows nothing"
    );
    for (text, id) in [
        ("KD-1001", "KD-1001"),
        ("ec-1009", "EC-1009"),
        ("K87", "EC-1009"),
        ("thermavale tumbler", "KD-1001"),
        ("kettle & leaf tetsubin", "CT-1016"),
    ] {
        let answer = query(&mut engine, text, 5);
        assert_eq!(ids(&engine, &answer.hits)[0], id, "{text:?}");
        let first = &answer.hits[0];
        assert!(
            first.lexical.is_some() && !first.matched.is_empty(),
            "{text:?}: {first:?}"
        );
    }
}

#[test]
fn each_mode_says_which_side_found_each_result() {
    let mut engine = bundled();
    let hybrid = query(&mut engine, "thermavale insulated bottle", 20);
    assert!(
        hybrid
            .hits
            .iter()
            .any(|h| h.semantic.is_some() && h.lexical.is_some())
    );
    assert!(
        hybrid
            .hits
            .iter()
            .any(|h| h.semantic.is_some() && h.lexical.is_none())
    );
    let semantic = by_meaning(&mut engine, "thermavale insulated bottle", 20, Method::Hnsw);
    assert!(
        semantic
            .hits
            .iter()
            .all(|h| h.lexical.is_none() && h.semantic == Some(h.score))
    );
    let request = SearchRequest {
        mode: Mode::Lexical,
        ..SearchRequest::text("thermavale insulated bottle", 20)
    };
    let lexical = engine.search(&request).unwrap();
    assert!(!lexical.hits.is_empty() && lexical.embed_time.is_none());
    assert!(
        lexical
            .hits
            .iter()
            .all(|h| h.semantic.is_none() && !h.matched.is_empty())
    );
}

/// Which products a filter should match, written out by hand.
type Matches = dyn Fn(&lookalike::catalog::Product) -> bool;

fn kitchen(product: &lookalike::catalog::Product) -> bool {
    product.category == "Kitchen & Dining"
}

/// Filters hold inside the search at every selectivity: exactly min(k, matching) results, each
/// matching, in hybrid and semantic mode, on the index and exactly, for text and for look-alikes.
#[test]
fn a_filtered_search_returns_min_k_matching_products_at_any_selectivity() {
    let mut engine = bundled();
    let products = engine.corpus.catalog.products.clone();
    let cases: [(&str, &Matches); 6] = [
        ("NOT category = \"Kitchen & Dining\"", &|p| !kitchen(p)),
        ("category = \"kitchen & dining\"", &kitchen),
        ("price < 15", &|p| p.price.is_some_and(|x| x < 15.0)),
        (
            "price >= 20 AND price <= 30 AND category = \"Kitchen & Dining\"",
            &|p| kitchen(p) && p.price.is_some_and(|x| (20.0..=30.0).contains(&x)),
        ),
        ("id IN [KD-1001, ec-1009]", &|p| {
            p.id == "KD-1001" || p.id == "EC-1009"
        }),
        ("price > 100000", &|_| false),
    ];
    let like = engine.corpus.catalog.position("KD-1002").unwrap();
    for (filter, expected) in cases {
        let matching = products.iter().filter(|p| expected(p)).count();
        for mode in [Mode::Hybrid, Mode::Semantic] {
            for method in [Method::Hnsw, Method::Exact] {
                let request = SearchRequest {
                    mode,
                    method,
                    filter: Some(filter.to_string()),
                    ..SearchRequest::text("something to keep my coffee hot", 40)
                };
                let answer = engine.search(&request).unwrap();
                assert_eq!(answer.matching, Some(matching), "{filter}");
                assert_eq!(
                    answer.hits.len(),
                    40.min(matching),
                    "{filter} {mode} {method}"
                );
                assert!(
                    answer
                        .hits
                        .iter()
                        .all(|h| expected(engine.corpus.product(h))),
                    "{filter} {mode} {method}"
                );
            }
        }
        let request = SearchRequest {
            filter: Some(filter.to_string()),
            ..SearchRequest::like(like, 40)
        };
        let answer = engine.search(&request).unwrap();
        let others = matching - usize::from(expected(&products[like]));
        assert_eq!(answer.hits.len(), 40.min(others), "{filter}");
        assert!(
            answer
                .hits
                .iter()
                .all(|h| expected(engine.corpus.product(h)) && h.index as usize != like)
        );
    }
}

/// One steering task on the bundled catalog: two products of a category, and the product of
/// another category nearest to them, as the one to be unlike.
struct SteerTask {
    positive: [usize; 2],
    negative: usize,
}

/// Pairs of products in each category, in catalog order, each with its hardest outsider.
fn steer_tasks(engine: &Engine) -> Vec<SteerTask> {
    let corpus = &engine.corpus;
    let products = &corpus.catalog.products;
    let mut categories: Vec<&str> = products.iter().map(|p| p.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let mut tasks = Vec::new();
    for category in categories {
        let members: Vec<usize> = (0..products.len())
            .filter(|&p| products[p].category == category)
            .collect();
        for pair in members.chunks_exact(2) {
            let mean: Vec<f32> = corpus
                .vectors
                .row(pair[0])
                .iter()
                .zip(corpus.vectors.row(pair[1]))
                .map(|(a, b)| a + b)
                .collect();
            let negative = (0..products.len())
                .filter(|&p| products[p].category != category)
                .max_by(|&a, &b| {
                    let score = |p: usize| lookalike::index::dot(&mean, corpus.vectors.row(p));
                    score(a).total_cmp(&score(b))
                })
                .unwrap();
            tasks.push(SteerTask {
                positive: [pair[0], pair[1]],
                negative,
            });
        }
    }
    tasks
}

/// Mean share of the top 10 in the positives' category, and in the negative's.
fn steer_quality(
    engine: &mut Engine,
    tasks: &[SteerTask],
    strategy: Steering,
    with_negative: bool,
) -> (f64, f64) {
    let (mut like, mut unlike) = (0.0, 0.0);
    for task in tasks {
        let negative = if with_negative {
            vec![task.negative]
        } else {
            Vec::new()
        };
        let request = SearchRequest {
            input: Input::Like(Examples {
                positive: task.positive.to_vec(),
                negative,
                strategy,
            }),
            ..SearchRequest::like(0, 10)
        };
        let answer = engine.search(&request).unwrap();
        let products = &engine.corpus.catalog.products;
        let share = |category: &str| {
            answer
                .hits
                .iter()
                .filter(|h| products[h.index as usize].category == category)
                .count() as f64
                / 10.0
        };
        like += share(&products[task.positive[0]].category);
        unlike += share(&products[task.negative].category);
        assert!(answer.hits.iter().all(|h| {
            let p = h.index as usize;
            !(task.positive.contains(&p) || with_negative && p == task.negative)
        }));
    }
    (like / tasks.len() as f64, unlike / tasks.len() as f64)
}

/// Steering on two products of a category and away from the nearest product of another: a
/// negative lowers the share of its own category, and the default strategy does at least as
/// well as the other with positives only (share of their category) and with the negative (that
/// share less the negative's). Run with --nocapture for the table (README, "Steering by examples").
#[test]
fn steering_by_examples_keeps_to_the_positives_and_away_from_the_negative() {
    let mut engine = bundled();
    let tasks = steer_tasks(&engine);
    let mut measured = Vec::new();
    for strategy in [Steering::AverageVector, Steering::BestScore] {
        let (like_alone, unlike_alone) = steer_quality(&mut engine, &tasks, strategy, false);
        let (like, unlike) = steer_quality(&mut engine, &tasks, strategy, true);
        eprintln!(
            "{strategy}: {} tasks; positives only: {like_alone:.3} in their category, {unlike_alone:.3} in the negative's; with the negative: {like:.3}, {unlike:.3}",
            tasks.len()
        );
        assert!(
            unlike < unlike_alone,
            "{strategy}: {unlike} vs {unlike_alone}"
        );
        measured.push((strategy, like_alone, like - unlike));
    }
    let default = measured
        .iter()
        .find(|m| m.0 == Steering::default())
        .unwrap();
    assert!(
        measured
            .iter()
            .all(|m| default.1 >= m.1 && default.2 >= m.2),
        "{measured:?}"
    );
}
