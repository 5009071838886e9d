//! For the app's unit and snapshot tests: a small catalog and a stand-in embedder (a bag of hashed words: texts that share words are close), so the whole app runs without the model.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::catalog::LoadOptions;
use crate::config::Settings;
use crate::embed::bulk::Batching;
use crate::embed::{Embedder, ModelIdentity};
use crate::error::Result;
use crate::search::{Engine, OpenOptions, OpenReport, Progress, open_corpus};

/// A product whose text tries to reach the terminal: it must be shown harmlessly.
pub const HOSTILE_TITLE: &str = "Evil \u{1b}[2J\u{1b}]52;c;aGk=\u{7} Lamp \u{202e}gnp.exe";

const CATALOG: &[(&str, &str, &str, &str, f64)] = &[
    (
        "T-1",
        "Steel Travel Mug",
        "Kitchen",
        "keeps coffee hot on the go, steel travel mug",
        24.0,
    ),
    (
        "T-2",
        "Insulated Water Bottle",
        "Kitchen",
        "keeps water cold, steel bottle for hiking",
        30.0,
    ),
    (
        "T-3",
        "Ceramic Coffee Cup",
        "Kitchen",
        "a coffee cup for the desk",
        12.5,
    ),
    (
        "T-4",
        "Trail Running Shoe",
        "Footwear",
        "light shoe for running on trails",
        120.0,
    ),
    (
        "T-5",
        "Road Running Shoe",
        "Footwear",
        "cushioned shoe for running on roads",
        110.0,
    ),
    (
        "T-6",
        "Hiking Boot",
        "Footwear",
        "waterproof boot for hiking trails",
        160.0,
    ),
    ("T-7", "Desk Lamp", "Home", "warm light for the desk", 45.0),
    (
        "T-8",
        "Floor Lamp",
        "Home",
        "tall warm light for the living room",
        89.0,
    ),
    (
        "T-9",
        "Wool Socks",
        "Footwear",
        "warm wool socks for hiking boots",
        15.0,
    ),
    (
        "T-10",
        "Chef Knife",
        "Kitchen",
        "sharp steel knife for the kitchen",
        75.0,
    ),
    (
        "T-11",
        HOSTILE_TITLE,
        "Home",
        "a lamp with \u{1b}[31mred\u{1b}[0m text",
        9.99,
    ),
    (
        "T-12",
        "French Press",
        "Kitchen",
        "brews coffee, keeps it hot for a while",
        35.0,
    ),
];

/// The test catalog, written once to a temporary file named products.json.
pub fn catalog_path() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let products: Vec<serde_json::Value> = CATALOG
            .iter()
            .map(|(id, title, category, description, price)| {
                serde_json::json!({
                    "id": id, "title": title, "category": category, "brand": "Acme",
                    "description": description, "price": price, "tags": ["test"],
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&products).expect("json");
        std::fs::write(dir.path().join("products.json"), text).expect("write catalog");
        dir
    });
    dir.path().join("products.json")
}

/// Texts that share words get close vectors.
pub struct WordsEmbedder;

/// The length of the stand-in's vectors.
const WORDS_DIM: usize = 384;

impl Embedder for WordsEmbedder {
    fn dim(&self) -> usize {
        WORDS_DIM
    }

    fn token_count(&self, text: &str) -> usize {
        text.split_whitespace().count() + 2
    }

    fn embed_batch(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        Ok(texts.iter().map(|t| words_vector(t)).collect())
    }
}

fn words_vector(text: &str) -> Vec<f32> {
    let mut v = vec![0.0_f32; WORDS_DIM];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
    {
        let hash = word
            .to_lowercase()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        v[(hash % WORDS_DIM as u64) as usize] += 1.0;
    }
    v[0] += 0.01;
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / norm).collect()
}

/// A new app with the default keys and theme, as the test catalog names it.
pub fn app(width: u16, height: u16, now: std::time::Instant) -> crate::tui::app::App {
    themed_app(crate::tui::theme::Theme::default(), width, height, now)
}

/// A new app with the default keys and `theme`, as the test catalog names it.
pub fn themed_app(
    theme: crate::tui::theme::Theme,
    width: u16,
    height: u16,
    now: std::time::Instant,
) -> crate::tui::app::App {
    crate::tui::app::App::new(
        crate::tui::keymap::Keymap::default(),
        theme,
        "products.json".into(),
        ratatui::layout::Rect::new(0, 0, width, height),
        now,
    )
}

/// Opens a catalog file with the stand-in embedder and no caches.
pub fn open_catalog(
    path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Engine, OpenReport)> {
    let options = OpenOptions {
        // A template of its own, so that tuning the default does not move the snapshots.
        settings: Settings::parse(
            "[embed]\ntemplate = \"{title}. {category}. {description}\"\n",
            None,
        )?,
        catalog: path.to_path_buf(),
        load: LoadOptions::default(),
        cache_root: None,
        batching: Batching::LengthGrouped,
        checkpoint_every: crate::search::CHECKPOINT_EVERY,
    };
    let (corpus, report) = open_corpus(
        &options,
        &ModelIdentity {
            id: "words".into(),
            dim: WORDS_DIM,
        },
        &mut || Ok(Box::new(WordsEmbedder) as Box<dyn Embedder>),
        progress,
    )?;
    Ok((
        Engine::new(Arc::new(corpus), Box::new(WordsEmbedder)),
        report,
    ))
}

/// The test catalog, opened.
pub fn open_engine(progress: &mut dyn FnMut(Progress)) -> Result<(Engine, OpenReport)> {
    open_catalog(&catalog_path(), progress)
}
