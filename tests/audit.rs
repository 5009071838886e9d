//! `lookalike audit` on the real model: the reworded copies and wrong categories planted in the bundled catalog are found, at the default thresholds.

mod common;

use lookalike::audit::{self, Audit, AuditOptions};
use lookalike::catalog::LoadOptions;
use lookalike::config::Settings;
use lookalike::embed::bulk::Batching;
use lookalike::search::{Corpus, OpenOptions, open};

/// Precision and recall of the top `n` of each list against what was planted.
#[derive(Debug, Clone, Copy)]
struct Quality {
    duplicates: (f64, f64),
    miscategorised: (f64, f64),
    /// Of the planted products found miscategorised, the share whose true category is suggested.
    suggested_right: f64,
}

fn quality(corpus: &Corpus, planted: &common::Planted, found: &Audit) -> Quality {
    let id = |position: u32| corpus.catalog.products[position as usize].id.as_str();
    let joins = |g: &audit::DuplicateGroup, (a, b): &(String, String)| {
        let ids: Vec<&str> = g.members.iter().map(|&m| id(m)).collect();
        ids.contains(&a.as_str()) && ids.contains(&b.as_str())
    };
    let true_groups = found
        .duplicates
        .iter()
        .filter(|g| planted.duplicates.iter().any(|pair| joins(g, pair)))
        .count();
    let share = |part: usize, whole: usize| {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    };
    let recalled = planted
        .duplicates
        .iter()
        .filter(|pair| found.duplicates.iter().any(|g| joins(g, pair)))
        .count();
    let flagged: Vec<(&str, &str)> = found
        .miscategorised
        .iter()
        .map(|m| (id(m.product), m.suggested.as_str()))
        .collect();
    let planted_flagged: Vec<&(String, String)> = planted
        .recategorised
        .iter()
        .filter(|(pid, _)| flagged.iter().any(|(f, _)| f == pid))
        .collect();
    let right = planted_flagged
        .iter()
        .filter(|(pid, truth)| flagged.contains(&(pid.as_str(), truth.as_str())))
        .count();
    Quality {
        duplicates: (
            share(true_groups, found.duplicates.len()),
            share(recalled, planted.duplicates.len()),
        ),
        miscategorised: (
            share(planted_flagged.len(), flagged.len()),
            share(planted_flagged.len(), planted.recategorised.len()),
        ),
        suggested_right: share(right, planted_flagged.len()),
    }
}

/// The planted catalog's quality over a sweep of both thresholds (printed with --nocapture;
/// README, "Audit"), and at the defaults: precision and recall in the top 30 (24 of each are
/// planted) of at least 0.9 for duplicates, and at least 0.6 and 0.8 for categories, where the
/// bundled catalog's own borderline products (a pet shampoo under Pet Supplies) compete.
#[test]
fn audit_finds_the_planted_duplicates_and_wrong_categories() {
    let dir = tempfile::tempdir().unwrap();
    let (catalog, planted) = common::planted_catalog(dir.path());
    let options = OpenOptions {
        settings: Settings::parse(lookalike::config::DEFAULT_CONFIG, None).unwrap(),
        catalog,
        load: LoadOptions::default(),
        cache_root: None,
        batching: Batching::LengthGrouped,
        checkpoint_every: lookalike::search::CHECKPOINT_EVERY,
    };
    let (engine, _) = open(&options, &common::model_files(), &mut |_| {}).unwrap();
    let corpus = &engine.corpus;
    let at = |min_score: f32, min_confidence: f32| {
        let options = AuditOptions {
            min_score,
            min_confidence,
            top: 30,
            ..AuditOptions::default()
        };
        quality(
            corpus,
            &planted,
            &audit::run(corpus, &options, None, &|_| {}),
        )
    };
    for min_score in [0.75, 0.8, 0.85, 0.9, 0.95] {
        let q = at(min_score, audit::DEFAULT_MIN_CONFIDENCE);
        eprintln!(
            "duplicates at cosine >= {min_score}: precision {:.2}, recall {:.2}",
            q.duplicates.0, q.duplicates.1
        );
    }
    for min_confidence in [0.3, 0.4, 0.5, 0.6, 0.7] {
        let q = at(audit::DEFAULT_MIN_SCORE, min_confidence);
        eprintln!(
            "miscategorised at confidence >= {min_confidence}: precision {:.2}, recall {:.2}, true category suggested {:.2}",
            q.miscategorised.0, q.miscategorised.1, q.suggested_right
        );
    }
    let q = at(audit::DEFAULT_MIN_SCORE, audit::DEFAULT_MIN_CONFIDENCE);
    assert!(q.duplicates.0 >= 0.9 && q.duplicates.1 >= 0.9, "{q:?}");
    assert!(
        q.miscategorised.0 >= 0.6 && q.miscategorised.1 >= 0.8,
        "{q:?}"
    );
    assert!(q.suggested_right >= 0.65, "{q:?}");
}
